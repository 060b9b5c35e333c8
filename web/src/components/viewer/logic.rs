//! The viewer's pure logic: the virtual list's geometry, scrolling a row into view, selections,
//! the filter chips, keys, columns, highlight rules, find marks, time zones, deltas, bookmarks,
//! and the worker's filter for a URL query. No DOM, no Yew: tested natively
//! (`cargo test -p wulens-web`).

use wulens_core::model::base_name;
use wulens_core::{Filter, Report};
use wulens_wasm::protocol::NextKind;

use crate::route::{Highlight, LogQuery};

pub const ROW_H: f64 = 24.0;
/// A row when long messages wrap: three lines of text.
pub const ROW_H_WRAP: f64 = 62.0;

/// The height of a row in this query's layout.
pub fn row_height(q: &LogQuery) -> f64 {
    if q.wrap {
        ROW_H_WRAP
    } else {
        ROW_H
    }
}
/// Rows fetched per request.
pub const BLOCK: usize = 200;
/// Browsers cap element heights; beyond this the scrollbar maps proportionally to rows.
pub const MAX_PX: f64 = 8_000_000.0;
const PALETTE: [&str; 8] = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626"];

pub fn file_color(i: u32) -> &'static str {
    PALETTE[i as usize % PALETTE.len()]
}

/// The worker's filter for a URL query.
pub fn filter_of(q: &LogQuery) -> Filter {
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Filter {
        files: q.files.clone(),
        hidden: q.hidden.clone(),
        severities: q.severities.clone(),
        components: q.components.clone(),
        threads: q.threads.clone(),
        text: q.text.clone(),
        regex: q.regex,
        case_sensitive: q.case_sensitive,
        code: opt(&q.code),
        from: opt(&q.from),
        to: opt(&q.to),
        zone: 0,
    }
}

/// The worker's filter, with time bounds read in the zone the grid shows.
pub fn filter_in_zone(q: &LogQuery, report: &Report) -> Filter {
    Filter { zone: view_zone(report, q).unwrap_or(0), ..filter_of(q) }
}

/// Which rows the viewport shows, and where.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// Height of the scrolled content.
    pub spacer: f64,
    pub first: usize,
    /// One past the last row drawn.
    pub last: usize,
    /// Top of the first drawn row.
    pub top: f64,
}

impl Geometry {
    pub fn new(n: usize, scroll_top: f64, viewport_h: f64, row_h: f64) -> Geometry {
        let full_px = n as f64 * row_h;
        let scaled = full_px > MAX_PX;
        let spacer = if scaled { MAX_PX } else { full_px };
        let visible = ((viewport_h / row_h).ceil() as usize + 1).max(1);
        let first = if scaled {
            let frac = (scroll_top / (spacer - viewport_h).max(1.0)).clamp(0.0, 1.0);
            (frac * n.saturating_sub(visible) as f64) as usize
        } else {
            ((scroll_top / row_h) as usize).min(n)
        };
        let last = (first + visible + 10).min(n);
        let top = if scaled { scroll_top } else { first as f64 * row_h };
        Geometry { spacer, first, last, top }
    }

    /// Whether a view scrolled to `scroll_top` shows its last rows (a followed log then keeps
    /// its newest lines in view, as CMTrace does).
    pub fn at_end(&self, scroll_top: f64, viewport_h: f64) -> bool {
        scroll_top + viewport_h >= self.spacer - 2.0 * ROW_H
    }

    /// The blocks of rows the drawn rows need.
    pub fn blocks(&self) -> std::ops::RangeInclusive<usize> {
        if self.last == 0 || self.first >= self.last {
            #[allow(clippy::reversed_empty_ranges)]
            return 1..=0;
        }
        self.first / BLOCK..=(self.last - 1) / BLOCK
    }
}

/// The scroll position that brings row `i` of `n` (rows of `row_h` px) fully into a viewport of
/// height `vh` now scrolled to `cur`. In a list too tall for the browser (scaled), the row is
/// drawn at the top of the viewport.
pub fn scroll_target(i: usize, n: usize, cur: f64, vh: f64, row_h: f64) -> f64 {
    let full = n as f64 * row_h;
    if full > MAX_PX {
        let vis = (vh / row_h).ceil() + 1.0;
        return (i as f64 / (n as f64 - vis).max(1.0)).clamp(0.0, 1.0) * (MAX_PX - vh);
    }
    let row_top = i as f64 * row_h;
    if row_top < cur {
        row_top
    } else if row_top + row_h > cur + vh {
        (row_top + row_h - vh).min(row_top)
    } else {
        cur
    }
}

/// The selected rows: the cursor and, for a range, the anchor it was extended from.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Selection {
    pub cursor: Option<usize>,
    pub anchor: Option<usize>,
}

impl Selection {
    pub fn at(i: usize) -> Selection {
        Selection { cursor: Some(i), anchor: Some(i) }
    }

    /// Move the cursor to `i`; with `extend`, keep the anchor (a Shift+click or Shift+arrow).
    pub fn moved(self, i: usize, extend: bool) -> Selection {
        let anchor = if extend { self.anchor.or(self.cursor).or(Some(i)) } else { Some(i) };
        Selection { cursor: Some(i), anchor }
    }

    /// The selected range, lowest first.
    pub fn range(self) -> Option<(usize, usize)> {
        let s = self.cursor?;
        let a = self.anchor.unwrap_or(s);
        Some((a.min(s), a.max(s)))
    }

    pub fn contains(self, i: usize) -> bool {
        self.range().is_some_and(|(lo, hi)| (lo..=hi).contains(&i))
    }

    pub fn len(self) -> usize {
        self.range().map_or(0, |(lo, hi)| hi - lo + 1)
    }

    /// The rows to copy (at most 5,001).
    pub fn indices(self) -> Vec<usize> {
        self.range().map(|(lo, hi)| (lo..=hi.min(lo + 5000)).collect()).unwrap_or_default()
    }
}

/// Where a find starts: at the selection, or past it when stepping to the next match.
pub fn find_start(selected: Option<usize>, step: bool, forward: bool) -> usize {
    match (selected, step, forward) {
        (Some(s), true, true) => s + 1,
        (Some(s), true, false) => s.saturating_sub(1),
        (Some(s), false, _) => s,
        (None, _, _) => 0,
    }
}

/// What a key does in the list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KeyAction {
    /// Select a row; `bool`: extend the selection.
    Select(usize, bool),
    Next(NextKind, bool),
    FocusFind,
    FocusGoto,
    /// Copy; `bool`: as Markdown.
    Copy(bool),
    ToggleHelp,
    Escape,
    /// Bookmark the selected row, or remove its bookmark (Ctrl+F2).
    ToggleMark,
    /// Next / previous bookmark (F2 / Shift+F2); `bool`: forward.
    Mark(bool),
    Print,
}

/// Keys of the viewer (README "The log viewer"); `None`: not ours, let the browser have it.
/// In a text field (`typing`) only the function keys, Escape and print are the viewer's.
pub fn key_action(key: &str, shift: bool, ctrl: bool, selected: Option<usize>, n: usize, page: usize, typing: bool) -> Option<KeyAction> {
    let cur = selected.unwrap_or(0);
    let last = n.saturating_sub(1);
    let select = |i: usize| (n > 0).then_some(KeyAction::Select(i, shift));
    let global = matches!(key, "F2" | "F3" | "F4" | "Escape") || (ctrl && matches!(key, "p" | "P"));
    if typing && !global {
        return None;
    }
    match key {
        "F2" if ctrl => Some(KeyAction::ToggleMark),
        "F2" => Some(KeyAction::Mark(!shift)),
        "p" | "P" if ctrl => Some(KeyAction::Print),
        "F3" => Some(KeyAction::Next(NextKind::Error, !shift)),
        "F4" => Some(KeyAction::Next(NextKind::Warning, !shift)),
        "ArrowDown" => select((cur + usize::from(selected.is_some())).min(last)),
        "ArrowUp" => select(cur.saturating_sub(1)),
        "PageDown" => select((cur + page).min(last)),
        "PageUp" => select(cur.saturating_sub(page)),
        "Home" => select(0),
        "End" => select(last),
        "f" | "F" if ctrl => Some(KeyAction::FocusFind),
        "/" => Some(KeyAction::FocusFind),
        "g" | "G" if ctrl => Some(KeyAction::FocusGoto),
        "c" | "C" if ctrl => Some(KeyAction::Copy(shift)),
        "?" => Some(KeyAction::ToggleHelp),
        "Escape" => Some(KeyAction::Escape),
        _ => None,
    }
}

/// The next (or previous) bookmark from the cursor, wrapping; `marks` are sorted view positions.
pub fn next_mark(marks: &[usize], cursor: Option<usize>, forward: bool) -> Option<usize> {
    let (first, last) = (*marks.first()?, *marks.last()?);
    Some(match (cursor, forward) {
        (None, true) => first,
        (None, false) => last,
        (Some(c), true) => marks.iter().copied().find(|&m| m > c).unwrap_or(first),
        (Some(c), false) => marks.iter().rev().copied().find(|&m| m < c).unwrap_or(last),
    })
}

/// A time difference for the Δ column: `+0.250s`, `+12.5s`, `+3m 04s`, `+2h 05m`, `+3d 4h`.
pub fn format_delta(ms: i64) -> String {
    let sign = if ms < 0 { '-' } else { '+' };
    let a = ms.unsigned_abs();
    let (s, m, h, d) = (a / 1000, a / 60_000, a / 3_600_000, a / 86_400_000);
    match a {
        0..=9_999 => format!("{sign}{}.{:03}s", s, a % 1000),
        10_000..=59_999 => format!("{sign}{}.{}s", s, a % 1000 / 100),
        60_000..=3_599_999 => format!("{sign}{m}m {:02}s", s % 60),
        3_600_000..=86_399_999 => format!("{sign}{h}h {:02}m", m % 60),
        _ => format!("{sign}{d}d {}h", h % 24),
    }
}

/// A column of the grid. The stripe (file colour) and the bookmark gutter are not columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Line,
    Time,
    Delta,
    File,
    Component,
    Thread,
    Message,
}

impl Column {
    pub const ALL: [Column; 7] = [Column::File, Column::Line, Column::Time, Column::Delta, Column::Component, Column::Thread, Column::Message];

    pub fn id(self) -> &'static str {
        match self {
            Column::Line => "line",
            Column::Time => "time",
            Column::Delta => "delta",
            Column::File => "file",
            Column::Component => "comp",
            Column::Thread => "thread",
            Column::Message => "text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::Line => "Line",
            Column::Time => "Time",
            Column::Delta => "Δ",
            Column::File => "File",
            Column::Component => "Component",
            Column::Thread => "Thread",
            Column::Message => "Message",
        }
    }

    /// Default width in px; the message takes the rest.
    pub fn default_width(self) -> u32 {
        match self {
            Column::Line => 52,
            Column::Time => 176,
            Column::Delta => 64,
            Column::File => 120,
            Column::Component => 110,
            Column::Thread => 48,
            Column::Message => 0,
        }
    }

    /// The message is always shown and takes the remaining width.
    pub fn resizable(self) -> bool {
        self != Column::Message
    }
}

pub const MIN_COL: u32 = 28;
pub const MAX_COL: u32 = 900;

/// A column's width in this query.
pub fn column_width(q: &LogQuery, c: Column) -> u32 {
    q.widths.iter().find(|(id, _)| id == c.id()).map_or(c.default_width(), |(_, w)| (*w).clamp(MIN_COL, MAX_COL))
}

/// The query with column `c` at `w` px (clamped; the default width is not written to the URL).
pub fn with_width(q: &LogQuery, c: Column, w: i64) -> LogQuery {
    let w = w.clamp(MIN_COL as i64, MAX_COL as i64) as u32;
    let mut nq = q.clone();
    nq.widths.retain(|(id, _)| id != c.id());
    if w != c.default_width() {
        nq.widths.push((c.id().to_string(), w));
    }
    nq
}

/// A resize by keyboard on a column's edge: the new width, or `None` for other keys.
pub fn resize_key(width: u32, key: &str, shift: bool) -> Option<i64> {
    let step = if shift { 40 } else { 8 };
    match key {
        "ArrowLeft" => Some(width as i64 - step),
        "ArrowRight" => Some(width as i64 + step),
        _ => None,
    }
}

/// The query with column `c` hidden or shown again.
pub fn toggle_column(q: &LogQuery, c: Column) -> LogQuery {
    let mut nq = q.clone();
    match nq.hidden_cols.iter().position(|x| x == c.id()) {
        Some(i) => {
            nq.hidden_cols.remove(i);
        }
        None => nq.hidden_cols.push(c.id().to_string()),
    }
    nq
}

/// The columns the grid shows, in order. The file column only when several files are merged.
pub fn visible_columns(q: &LogQuery, merged: bool) -> Vec<Column> {
    Column::ALL.into_iter().filter(|c| *c == Column::Message || (!q.hidden_cols.iter().any(|h| h == c.id()) && (merged || *c != Column::File))).collect()
}

/// The CSS custom properties that size the columns (`--w-time:184px;...`).
pub fn column_style(q: &LogQuery) -> String {
    Column::ALL.iter().filter(|c| c.resizable()).map(|c| format!("--w-{}:{}px;", c.id(), column_width(q, *c))).collect()
}

/// Where `needle` occurs in `text`, ignoring ASCII case as the worker's find does: char ranges.
pub fn find_ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let n: Vec<char> = needle.chars().map(|c| c.to_ascii_lowercase()).collect();
    if n.is_empty() {
        return Vec::new();
    }
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + n.len() <= t.len() {
        if t[i..i + n.len()] == n[..] {
            out.push((i, i + n.len()));
            i += n.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The pieces of chars `start..end` cut at the marks: (start, end, marked).
pub fn split_marks(start: usize, end: usize, marks: &[(usize, usize)]) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut pos = start;
    for &(s, e) in marks.iter().filter(|(s, e)| *e > start && *s < end) {
        let (s, e) = (s.max(start), e.min(end));
        if s > pos {
            out.push((pos, s, false));
        }
        out.push((s, e, true));
        pos = e;
    }
    if pos < end || out.is_empty() {
        out.push((pos, end, false));
    }
    out
}

/// Highlight colours: (id, label). Their styles are in styles.css (`.row.hl-<id>`).
pub const HIGHLIGHT_COLORS: [(&str, &str); 5] = [("yellow", "Yellow"), ("green", "Green"), ("blue", "Blue"), ("purple", "Purple"), ("orange", "Orange")];

/// Highlight rules ready to match; a rule whose regex does not compile matches nothing.
pub struct Rules(Vec<(Option<Matcher>, String)>);

enum Matcher {
    Text(String),
    Regex(regex_lite::Regex),
}

impl Rules {
    pub fn new(rules: &[Highlight]) -> Rules {
        Rules(
            rules
                .iter()
                .map(|h| {
                    let m = if h.regex {
                        regex_lite::Regex::new(&format!("(?i){}", h.text)).ok().map(Matcher::Regex)
                    } else {
                        Some(Matcher::Text(h.text.to_ascii_lowercase()))
                    };
                    let color = if HIGHLIGHT_COLORS.iter().any(|(id, _)| *id == h.color) { h.color.clone() } else { "yellow".to_string() };
                    (m, color)
                })
                .collect(),
        )
    }

    /// The colour of the first rule `text` matches (ASCII case ignored).
    pub fn color(&self, text: &str) -> Option<&str> {
        self.0.iter().find_map(|(m, color)| {
            let hit = match m.as_ref()? {
                Matcher::Text(t) => !find_ranges(text, t).is_empty(),
                Matcher::Regex(r) => r.is_match(text),
            };
            hit.then_some(color.as_str())
        })
    }
}

/// Whether a rule's pattern is usable: a message for people when it is not.
pub fn rule_problem(text: &str, regex: bool) -> Option<String> {
    if text.trim().is_empty() {
        return Some("Type the text to highlight.".into());
    }
    regex.then(|| regex_lite::Regex::new(text).err().map(|e| format!("Not a valid regular expression: {e}"))).flatten()
}

/// The files the view shows: those named, else every file with lines but the closed ones.
fn shown_files<'a>(report: &'a Report, q: &'a LogQuery) -> impl Iterator<Item = &'a wulens_core::FileReport> + 'a {
    report.files.iter().filter(move |f| f.lines > 0 && if q.files.is_empty() { !q.hidden.contains(&f.name) } else { q.files.contains(&f.name) })
}

/// The zone (minutes east of UTC) the grid shows times in: UTC, or the local offset all the
/// files in view share. `None` when their offsets differ (each row shows its own).
pub fn view_zone(report: &Report, q: &LogQuery) -> Option<i32> {
    if q.utc {
        return Some(0);
    }
    let mut offsets = shown_files(report, q).filter(|f| f.first_time.is_some()).map(|f| f.time_zone.offset_minutes);
    let first = offsets.next().unwrap_or(0);
    offsets.all(|o| o == first).then_some(first)
}

/// UTC ms of an ISO time with an offset as the report writes it (`2024-01-15T10:00:01.000-08:00`,
/// `...Z`, or no offset: taken as UTC).
pub fn iso_utc_ms(s: &str) -> Option<i64> {
    let local = wulens_core::parse_filter_time(s.get(..19)?, false)? + s.get(20..23).and_then(|m| m.parse::<i64>().ok()).unwrap_or(0);
    let tail = s.get(23..).unwrap_or("");
    let off = match tail.as_bytes() {
        [sign @ (b'+' | b'-'), ..] if tail.len() >= 6 => {
            let m = tail[1..3].parse::<i64>().ok()? * 60 + tail[4..6].parse::<i64>().ok()?;
            if *sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => 0,
    };
    Some(local - off * 60_000)
}

/// `2024-01-15 10:00` for UTC ms `t` in the zone `zone` (minutes east of UTC); with `seconds`, `:05`.
pub fn format_in_zone(t: i64, zone: i32, seconds: bool) -> String {
    let iso = wulens_core::model::time::format_iso(t + zone as i64 * 60_000, None);
    iso.get(..if seconds { 19 } else { 16 }).unwrap_or(&iso).replace('T', " ")
}

/// The first and last time of the files in view, in the grid's zone (placeholders for the time
/// inputs), and the zone's label.
pub fn time_hints(report: &Report, q: &LogQuery) -> (Option<String>, Option<String>, String) {
    let zone = view_zone(report, q);
    let first = shown_files(report, q).filter_map(|f| f.first_time.as_deref().and_then(iso_utc_ms)).min();
    let last = shown_files(report, q).filter_map(|f| f.last_time.as_deref().and_then(iso_utc_ms)).max();
    let z = zone.unwrap_or(0);
    let label = match zone {
        Some(0) => "UTC".to_string(),
        Some(m) => offset_label(m),
        None => "UTC: the files are in different zones".to_string(),
    };
    (first.map(|t| format_in_zone(t, z, false)), last.map(|t| format_in_zone(t + 59_999, z, false)), label)
}

/// What the viewer prints: the selection when it has several lines, else the rows of the view,
/// at most `PRINT_MAX`; (start, count, note for the reader).
pub const PRINT_MAX: usize = 2000;

pub fn print_plan(sel: Selection, n: usize) -> (usize, usize, String) {
    match sel.range() {
        Some((lo, hi)) if hi > lo => {
            let count = (hi - lo + 1).min(PRINT_MAX);
            let cut = if hi - lo + 1 > PRINT_MAX { format!(" (the first {PRINT_MAX})") } else { String::new() };
            (lo, count, format!("The {} selected lines{cut}.", hi - lo + 1))
        }
        _ if n > PRINT_MAX => {
            (0, PRINT_MAX, format!("The first {PRINT_MAX} of the {n} lines in the view. Select lines (Shift+click, Shift+arrows) to print others."))
        }
        _ => (0, n, format!("All {n} lines in the view.")),
    }
}

/// The active filters as chips: each label with the query that removes it.
pub fn chips(q: &LogQuery) -> Vec<(String, LogQuery)> {
    let mut chips: Vec<(String, LogQuery)> = Vec::new();
    let mut push = |label: String, f: &dyn Fn(&mut LogQuery)| {
        let mut nq = q.clone();
        f(&mut nq);
        nq.at.clear();
        chips.push((label, nq));
    };
    for f in &q.files {
        push(format!("file: {}", base_name(f)), &|x| x.files.retain(|y| y != f));
    }
    for h in &q.hidden {
        push(format!("closed: {}", base_name(h)), &|x| x.hidden.retain(|y| y != h));
    }
    for s in &q.severities {
        push(format!("severity: {s}"), &|x| x.severities.retain(|y| y != s));
    }
    for c in &q.components {
        push(format!("component: {c}"), &|x| x.components.retain(|y| y != c));
    }
    for t in &q.threads {
        push(format!("thread: {t}"), &|x| x.threads.retain(|y| y != t));
    }
    if !q.text.is_empty() {
        push(format!("{}: {}", if q.regex { "regex" } else { "text" }, q.text), &|x| x.text.clear());
    }
    if !q.code.is_empty() {
        push(format!("code: {}", q.code), &|x| x.code.clear());
    }
    if !q.from.is_empty() {
        push(format!("from: {}", q.from), &|x| x.from.clear());
    }
    if !q.to.is_empty() {
        push(format!("to: {}", q.to), &|x| x.to.clear());
    }
    chips
}

/// The component drop-down: the components of the view, plus any the query names.
pub fn component_options(in_view: &[String], q: &LogQuery) -> Vec<String> {
    let mut out: Vec<String> = in_view.iter().filter(|c| !c.is_empty()).cloned().collect();
    for c in &q.components {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

/// The query after toggling a severity.
pub fn toggle_severity(q: &LogQuery, s: &str) -> LogQuery {
    let mut nq = q.clone();
    match nq.severities.iter().position(|x| x == s) {
        Some(i) => {
            nq.severities.remove(i);
        }
        None => nq.severities.push(s.to_string()),
    }
    nq
}

/// The query after closing a file's tab: it leaves the merged timeline.
pub fn close_file(q: &LogQuery, name: &str) -> LogQuery {
    let mut nq = q.clone();
    nq.files.retain(|f| f != name);
    nq.hidden.push(name.to_string());
    nq.at.clear();
    nq
}

/// One tab of the viewer: a log with its older generations (`X.lo_`, `X-20240601-120000.log`),
/// oldest first, so a rotated log reads as one.
#[derive(Clone, Debug, PartialEq)]
pub struct FileTab {
    /// The log the tab is named after (the current `X.log`, or the only file).
    pub name: String,
    /// (index in the report's files, name), oldest generation first.
    pub members: Vec<(usize, String)>,
    pub lines: u64,
}

impl FileTab {
    pub fn names(&self) -> Vec<String> {
        self.members.iter().map(|(_, n)| n.clone()).collect()
    }

    /// Whether the view shows exactly this tab's files.
    pub fn is_active(&self, q: &LogQuery) -> bool {
        !q.files.is_empty() && q.files.len() == self.members.len() && self.members.iter().all(|(_, n)| q.files.contains(n))
    }
}

/// The tabs of the files shown (not empty, not closed): each log with its rotated generations.
pub fn file_tabs(report: &Report, hidden: &[String]) -> Vec<FileTab> {
    let mut tabs: Vec<FileTab> = Vec::new();
    for (i, f) in report.files.iter().enumerate() {
        if f.lines == 0 || hidden.contains(&f.name) {
            continue;
        }
        let key = if f.rotated_from.is_empty() { f.name.as_str() } else { f.rotated_from.as_str() };
        match tabs.iter_mut().find(|t| t.name == key) {
            Some(t) => {
                t.members.push((i, f.name.clone()));
                t.lines += f.lines as u64;
            }
            None => tabs.push(FileTab { name: key.to_string(), members: vec![(i, f.name.clone())], lines: f.lines as u64 }),
        }
    }
    for t in &mut tabs {
        // Older generations by their first time (then name), the current log last.
        let first = |i: usize| report.files[i].first_time.clone().unwrap_or_default();
        t.members.sort_by_key(|(i, n)| (*n == t.name, first(*i), n.clone()));
    }
    tabs
}

/// Time-zone offsets people pick from: whole hours and the real-world odd ones.
pub fn offset_choices() -> Vec<i32> {
    (-12 * 4..=14 * 4).map(|q| q * 15).filter(|m| m % 60 == 0 || [-570, -210, 210, 270, 330, 345, 390, 525, 570, 630, 765].contains(m)).collect()
}

pub fn offset_label(m: i32) -> String {
    if m == 0 {
        "UTC".to_string()
    } else {
        format!("UTC{}{:02}:{:02}", if m < 0 { '-' } else { '+' }, m.abs() / 60, m.abs() % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_generations_join_their_log_in_one_tab() {
        let text = |t: &str| {
            format!("<![LOG[x]LOG]!><time=\"{t}.000+000\" date=\"06-12-2024\" component=\"WUAHandler\" context=\"\" type=\"1\" thread=\"1\" file=\"\">\r\n")
        };
        let inputs = [
            ("CCM/Logs/WUAHandler.log", text("12:00:00")),
            ("CCM/Logs/WUAHandler.lo_", text("11:00:00")),
            ("CCM/Logs/WUAHandler-20240612-100000.log", text("10:00:00")),
            ("CCM/Logs/ScanAgent.log", text("12:00:00")),
            ("CCM/Logs/UpdatesStore.lo_", text("09:00:00")),
        ];
        let a = wulens_core::Analysis::from_inputs(
            inputs.iter().map(|(n, t)| wulens_core::Input { name: n.to_string(), bytes: t.clone().into() }).collect(),
            &wulens_core::Limits::default(),
        );
        let r = Report::build(&a);
        let tabs = file_tabs(&r, &[]);
        let names: Vec<(String, Vec<String>)> =
            tabs.iter().map(|t| (base_name(&t.name).to_string(), t.names().iter().map(|n| base_name(n).to_string()).collect())).collect();
        assert!(
            names.contains(&("WUAHandler.log".into(), vec!["WUAHandler-20240612-100000.log".into(), "WUAHandler.lo_".into(), "WUAHandler.log".into()])),
            "{names:?}"
        );
        assert!(names.contains(&("ScanAgent.log".into(), vec!["ScanAgent.log".into()])));
        // An older generation without its current log is a tab of its own, named for the log.
        assert!(names.contains(&("UpdatesStore.log".into(), vec!["UpdatesStore.lo_".into()])));
        let wua = tabs.iter().find(|t| t.name.ends_with("WUAHandler.log")).unwrap();
        assert_eq!(wua.lines, 3);
        let q = LogQuery { files: wua.names(), ..LogQuery::default() };
        assert!(wua.is_active(&q));
        assert!(!tabs.iter().find(|t| t.name.ends_with("ScanAgent.log")).unwrap().is_active(&q));
        // Closing hides every generation.
        assert_eq!(file_tabs(&r, &wua.names()).len(), 2);
    }

    #[test]
    fn at_the_end_of_the_view() {
        // 100 rows of 24 px in a 480 px viewport: the end is at 1920 px of scroll.
        let g = Geometry::new(100, 0.0, 480.0, ROW_H);
        assert!(!g.at_end(0.0, 480.0));
        assert!(g.at_end(1920.0, 480.0));
        assert!(g.at_end(1890.0, 480.0), "within two rows of the end counts");
        assert!(Geometry::new(5, 0.0, 480.0, ROW_H).at_end(0.0, 480.0), "a view shorter than the window is at its end");
    }

    #[test]
    fn geometry_small_and_huge() {
        let g = Geometry::new(1000, 240.0, 600.0, ROW_H);
        assert_eq!((g.first, g.top, g.spacer), (10, 240.0, 24_000.0));
        assert_eq!(g.last, 10 + 26 + 10);
        assert_eq!(g.blocks(), 0..=0);
        assert!(Geometry::new(0, 0.0, 600.0, ROW_H).blocks().is_empty());
        // Wrapped rows are taller: fewer of them in the same viewport.
        let g = Geometry::new(1000, 620.0, 600.0, ROW_H_WRAP);
        assert_eq!((g.first, g.top, g.spacer), (10, 620.0, 62_000.0));
        // A million rows: the spacer is capped and the scrollbar maps proportionally.
        let g = Geometry::new(1_000_000, MAX_PX - 600.0, 600.0, ROW_H);
        assert_eq!(g.spacer, MAX_PX);
        assert_eq!(g.last, 1_000_000);
        assert_eq!(*g.blocks().end(), 999_999 / BLOCK);
    }

    #[test]
    fn scrolling_brings_a_row_into_view() {
        assert_eq!(scroll_target(5, 100, 0.0, 240.0, ROW_H), 0.0, "already visible");
        assert_eq!(scroll_target(50, 100, 0.0, 240.0, ROW_H), 51.0 * ROW_H - 240.0, "below: bottom-aligned");
        assert_eq!(scroll_target(2, 100, 480.0, 240.0, ROW_H), 48.0, "above: top-aligned");
        assert_eq!(scroll_target(1_000_000, 1_000_000, 0.0, 600.0, ROW_H), MAX_PX - 600.0);
        // A row partly below the bottom edge is brought fully in; one partly above too.
        assert_eq!(scroll_target(10, 100, 0.0, 250.0, ROW_H), 11.0 * ROW_H - 250.0);
        assert_eq!(scroll_target(10, 100, 245.0, 250.0, ROW_H), 240.0);
        // A viewport lower than a row: the row's top wins.
        assert_eq!(scroll_target(10, 100, 0.0, 40.0, ROW_H_WRAP), 620.0);
        // Every target leaves the row fully inside the viewport.
        for (i, cur, vh) in [(0, 500.0, 300.0), (99, 0.0, 300.0), (40, 950.0, 123.0), (41, 0.0, 100.0)] {
            let t = scroll_target(i, 100, cur, vh, ROW_H);
            assert!(i as f64 * ROW_H >= t && (i + 1) as f64 * ROW_H <= t + vh, "row {i} from {cur} in {vh}: {t}");
        }
    }

    #[test]
    fn selections_extend_from_their_anchor() {
        let s = Selection::default().moved(5, false).moved(8, true);
        assert_eq!(s.range(), Some((5, 8)));
        assert_eq!(s.len(), 4);
        assert!(s.contains(6) && !s.contains(9));
        let s = s.moved(2, true);
        assert_eq!(s.range(), Some((2, 5)));
        assert_eq!(s.moved(7, false), Selection::at(7));
        assert_eq!(Selection::default().len(), 0);
        assert_eq!(Selection::at(0).moved(10_000, true).indices().len(), 5001);
        assert_eq!(find_start(Some(4), true, false), 3);
        assert_eq!(find_start(None, true, true), 0);
    }

    #[test]
    fn keys() {
        let k = |key, shift, ctrl, sel| key_action(key, shift, ctrl, sel, 10, 5, false);
        assert_eq!(k("ArrowDown", false, false, None), Some(KeyAction::Select(0, false)));
        assert_eq!(k("ArrowDown", true, false, Some(9)), Some(KeyAction::Select(9, true)));
        assert_eq!(k("PageUp", false, false, Some(3)), Some(KeyAction::Select(0, false)));
        assert_eq!(key_action("End", false, false, None, 0, 5, false), None, "nothing to select");
        assert_eq!(k("F3", true, false, None), Some(KeyAction::Next(NextKind::Error, false)));
        assert_eq!(k("c", true, true, Some(1)), Some(KeyAction::Copy(true)));
        assert_eq!(k("c", false, false, Some(1)), None, "plain c is typing");
        assert_eq!(k("/", false, false, None), Some(KeyAction::FocusFind));
        assert_eq!(k("F2", false, true, Some(1)), Some(KeyAction::ToggleMark));
        assert_eq!(k("F2", true, false, Some(1)), Some(KeyAction::Mark(false)));
        assert_eq!(k("p", false, true, None), Some(KeyAction::Print));
        // In a text field only the function keys, Escape and print are the viewer's.
        let typing = |key, ctrl| key_action(key, false, ctrl, Some(1), 10, 5, true);
        assert_eq!(typing("F3", false), Some(KeyAction::Next(NextKind::Error, true)));
        assert_eq!(typing("/", false), None);
        assert_eq!(typing("ArrowDown", false), None);
        assert_eq!(typing("c", true), None, "Ctrl+C copies the field's text");
        assert_eq!(typing("Escape", false), Some(KeyAction::Escape));
    }

    #[test]
    fn bookmarks_wrap_both_ways() {
        let m = [3, 8, 20];
        assert_eq!(next_mark(&m, Some(8), true), Some(20));
        assert_eq!(next_mark(&m, Some(20), true), Some(3), "wraps to the first");
        assert_eq!(next_mark(&m, Some(3), false), Some(20), "wraps to the last");
        assert_eq!(next_mark(&m, Some(10), false), Some(8));
        assert_eq!(next_mark(&m, None, true), Some(3));
        assert_eq!(next_mark(&[], Some(1), true), None);
        assert_eq!(next_mark(&[5], Some(5), true), Some(5));
    }

    #[test]
    fn deltas_read_at_a_glance() {
        assert_eq!(format_delta(0), "+0.000s");
        assert_eq!(format_delta(250), "+0.250s");
        assert_eq!(format_delta(12_540), "+12.5s");
        assert_eq!(format_delta(184_000), "+3m 04s");
        assert_eq!(format_delta(7_500_000), "+2h 05m");
        assert_eq!(format_delta(-90_061_000), "-1d 1h");
    }

    #[test]
    fn columns_resize_hide_and_style() {
        let q = LogQuery::default();
        assert_eq!(column_width(&q, Column::Time), 176);
        let q2 = with_width(&q, Column::Time, 240);
        assert_eq!(column_width(&q2, Column::Time), 240);
        assert_eq!(q2.widths, [("time".to_string(), 240)]);
        assert!(with_width(&q2, Column::Time, 176).widths.is_empty(), "the default is not written");
        assert_eq!(column_width(&with_width(&q, Column::File, 3), Column::File), MIN_COL);
        assert_eq!(resize_key(100, "ArrowRight", false), Some(108));
        assert_eq!(resize_key(100, "ArrowLeft", true), Some(60));
        assert_eq!(resize_key(100, "Enter", false), None);
        let hidden = toggle_column(&q, Column::Thread);
        assert_eq!(visible_columns(&hidden, true), [Column::File, Column::Line, Column::Time, Column::Delta, Column::Component, Column::Message]);
        assert_eq!(visible_columns(&hidden, false)[0], Column::Line, "one file: no file column");
        assert!(toggle_column(&hidden, Column::Thread).hidden_cols.is_empty());
        assert!(visible_columns(&LogQuery { hidden_cols: vec!["text".into()], ..q.clone() }, true).contains(&Column::Message), "the message stays");
        assert!(column_style(&q2).contains("--w-time:240px;"));
        assert_eq!(row_height(&LogQuery { wrap: true, ..q }), ROW_H_WRAP);
    }

    #[test]
    fn find_marks_and_highlight_rules() {
        assert_eq!(find_ranges("Scan FAILED, failed again", "failed"), [(5, 11), (13, 19)]);
        assert_eq!(find_ranges("ééx", "X"), [(2, 3)], "char offsets, not bytes");
        assert!(find_ranges("abc", "").is_empty());
        assert_eq!(find_ranges("aaaa", "aa"), [(0, 2), (2, 4)], "no overlaps");
        assert_eq!(split_marks(0, 10, &[(2, 4), (8, 12)]), [(0, 2, false), (2, 4, true), (4, 8, false), (8, 10, true)]);
        assert_eq!(split_marks(3, 6, &[]), [(3, 6, false)]);
        assert_eq!(split_marks(5, 5, &[]), [(5, 5, false)]);
        let rules = Rules::new(&[
            Highlight { text: "proxy".into(), regex: false, color: "orange".into() },
            Highlight { text: r"0x8024\w{4}".into(), regex: true, color: "blue".into() },
            Highlight { text: "(".into(), regex: true, color: "green".into() },
            Highlight { text: "scan".into(), regex: false, color: "nonsense".into() },
        ]);
        assert_eq!(rules.color("PROXY said 0x8024401B"), Some("orange"), "first rule wins, case ignored");
        assert_eq!(rules.color("error 0x8024401b"), Some("blue"));
        assert_eq!(rules.color("Scan done"), Some("yellow"), "an unknown colour falls back");
        assert_eq!(rules.color("nothing"), None);
        assert!(rule_problem("(", true).unwrap().contains("Not a valid"));
        assert!(rule_problem(" ", false).is_some());
        assert_eq!(rule_problem("(", false), None);
    }

    #[test]
    fn times_in_the_zone_the_grid_shows() {
        assert_eq!(iso_utc_ms("2024-01-15T10:00:01.250-08:00"), iso_utc_ms("2024-01-15T18:00:01.250Z"));
        assert_eq!(iso_utc_ms("2024-01-15T18:00:01.250Z").map(|t| t % 86_400_000), Some(18 * 3_600_000 + 1250));
        assert_eq!(iso_utc_ms("2024-01-15T05:30:00.000+05:30").map(|t| t % 86_400_000), Some(0));
        assert_eq!(iso_utc_ms("garbage"), None);
        let t = iso_utc_ms("2024-01-15T18:00:01.000Z").unwrap();
        assert_eq!(format_in_zone(t, -480, false), "2024-01-15 10:00");
        assert_eq!(format_in_zone(t, 0, true), "2024-01-15 18:00:01");
        let (start, count, note) = print_plan(Selection::at(4).moved(9, true), 100);
        assert_eq!((start, count), (4, 6));
        assert!(note.contains("6 selected"));
        let (start, count, note) = print_plan(Selection::at(4), 5000);
        assert_eq!((start, count), (0, PRINT_MAX));
        assert!(note.contains("first 2000 of the 5000"));
        assert_eq!(print_plan(Selection::default(), 7).1, 7);
    }

    #[test]
    fn chips_remove_their_own_filter() {
        let q = LogQuery {
            files: vec!["CCM/WUAHandler.log".into()],
            severities: vec!["error".into(), "warning".into()],
            text: "proxy".into(),
            regex: true,
            at: "WUAHandler.log:3".into(),
            ..LogQuery::default()
        };
        let c = chips(&q);
        let labels: Vec<&str> = c.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["file: WUAHandler.log", "severity: error", "severity: warning", "regex: proxy"]);
        assert_eq!(c[1].1.severities, ["warning"]);
        assert!(c[3].1.text.is_empty() && c[3].1.at.is_empty());
        assert_eq!(toggle_severity(&q, "error").severities, ["warning"]);
        let closed = close_file(&q, "CCM/WUAHandler.log");
        assert!(closed.files.is_empty() && closed.hidden == ["CCM/WUAHandler.log"]);
    }

    #[test]
    fn filter_and_components() {
        let q = LogQuery { code: "0x8024401B".into(), components: vec!["Agent".into()], ..LogQuery::default() };
        let f = filter_of(&q);
        assert_eq!(f.code.as_deref(), Some("0x8024401B"));
        assert_eq!(f.from, None);
        assert_eq!(component_options(&["".into(), "WUAHandler".into()], &q), ["WUAHandler", "Agent"]);
        assert_eq!(offset_label(-420), "UTC-07:00");
        assert!(offset_choices().contains(&345));
    }
}
