//! The viewer's pure logic: the virtual list's geometry, scrolling a row into view, selections,
//! the filter chips, keys, and the worker's filter for a URL query. No DOM, no Yew: tested
//! natively (`cargo test -p wulens-web`).

use wulens_core::model::base_name;
use wulens_core::Filter;
use wulens_wasm::protocol::NextKind;

use crate::route::LogQuery;

pub const ROW_H: f64 = 24.0;
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
    }
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
    pub fn new(n: usize, scroll_top: f64, viewport_h: f64) -> Geometry {
        let full_px = n as f64 * ROW_H;
        let scaled = full_px > MAX_PX;
        let spacer = if scaled { MAX_PX } else { full_px };
        let visible = ((viewport_h / ROW_H).ceil() as usize + 1).max(1);
        let first = if scaled {
            let frac = (scroll_top / (spacer - viewport_h).max(1.0)).clamp(0.0, 1.0);
            (frac * n.saturating_sub(visible) as f64) as usize
        } else {
            ((scroll_top / ROW_H) as usize).min(n)
        };
        let last = (first + visible + 10).min(n);
        let top = if scaled { scroll_top } else { first as f64 * ROW_H };
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

/// The scroll position that brings row `i` of `n` into a viewport of height `vh` now at `cur`.
pub fn scroll_target(i: usize, n: usize, cur: f64, vh: f64) -> f64 {
    let full = n as f64 * ROW_H;
    if full > MAX_PX {
        let vis = (vh / ROW_H).ceil() + 1.0;
        return (i as f64 / (n as f64 - vis).max(1.0)).clamp(0.0, 1.0) * (MAX_PX - vh);
    }
    let row_top = i as f64 * ROW_H;
    if row_top < cur {
        row_top
    } else if row_top + ROW_H > cur + vh {
        row_top + ROW_H - vh
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
}

/// The keys of the list (README "The log viewer"); `None`: not ours, let the browser have it.
pub fn key_action(key: &str, shift: bool, ctrl: bool, selected: Option<usize>, n: usize, page: usize) -> Option<KeyAction> {
    let cur = selected.unwrap_or(0);
    let last = n.saturating_sub(1);
    let select = |i: usize| (n > 0).then_some(KeyAction::Select(i, shift));
    match key {
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
    fn at_the_end_of_the_view() {
        // 100 rows of 24 px in a 480 px viewport: the end is at 1920 px of scroll.
        let g = Geometry::new(100, 0.0, 480.0);
        assert!(!g.at_end(0.0, 480.0));
        assert!(g.at_end(1920.0, 480.0));
        assert!(g.at_end(1890.0, 480.0), "within two rows of the end counts");
        assert!(Geometry::new(5, 0.0, 480.0).at_end(0.0, 480.0), "a view shorter than the window is at its end");
    }

    #[test]
    fn geometry_small_and_huge() {
        let g = Geometry::new(1000, 240.0, 600.0);
        assert_eq!((g.first, g.top, g.spacer), (10, 240.0, 24_000.0));
        assert_eq!(g.last, 10 + 26 + 10);
        assert_eq!(g.blocks(), 0..=0);
        assert!(Geometry::new(0, 0.0, 600.0).blocks().is_empty());
        // A million rows: the spacer is capped and the scrollbar maps proportionally.
        let g = Geometry::new(1_000_000, MAX_PX - 600.0, 600.0);
        assert_eq!(g.spacer, MAX_PX);
        assert_eq!(g.last, 1_000_000);
        assert_eq!(*g.blocks().end(), 999_999 / BLOCK);
    }

    #[test]
    fn scrolling_brings_a_row_into_view() {
        assert_eq!(scroll_target(5, 100, 0.0, 240.0), 0.0, "already visible");
        assert_eq!(scroll_target(50, 100, 0.0, 240.0), 51.0 * ROW_H - 240.0, "below: bottom-aligned");
        assert_eq!(scroll_target(2, 100, 480.0, 240.0), 48.0, "above: top-aligned");
        assert_eq!(scroll_target(1_000_000, 1_000_000, 0.0, 600.0), MAX_PX - 600.0);
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
        assert_eq!(key_action("ArrowDown", false, false, None, 10, 5), Some(KeyAction::Select(0, false)));
        assert_eq!(key_action("ArrowDown", true, false, Some(9), 10, 5), Some(KeyAction::Select(9, true)));
        assert_eq!(key_action("PageUp", false, false, Some(3), 10, 5), Some(KeyAction::Select(0, false)));
        assert_eq!(key_action("End", false, false, None, 0, 5), None, "nothing to select");
        assert_eq!(key_action("F3", true, false, None, 10, 5), Some(KeyAction::Next(NextKind::Error, false)));
        assert_eq!(key_action("c", true, true, Some(1), 10, 5), Some(KeyAction::Copy(true)));
        assert_eq!(key_action("c", false, false, Some(1), 10, 5), None, "plain c is typing");
        assert_eq!(key_action("/", false, false, None, 10, 5), Some(KeyAction::FocusFind));
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
