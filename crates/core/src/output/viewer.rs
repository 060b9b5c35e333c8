//! The log viewer's model: the merged timeline, filters over it, and rows as people read them.
//!
//! It lives here, not in the web crate, so that filtering, navigation and text handling are
//! tested natively. The web worker keeps one `View` per analysis and answers the page's
//! requests for windows of rows; the page never holds the log text.

use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, TimelineRef};
use crate::model::time::format_iso;
use crate::model::{LogFile, Severity};

/// What the page asks for. Empty or absent fields do not filter.
#[derive(Deserialize, Serialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct Filter {
    /// Files to show, by name (the name in the drop or its base name); empty = all.
    pub files: Vec<String>,
    /// Files whose tab was closed: left out of the merged timeline (when `files` is empty).
    pub hidden: Vec<String>,
    /// Severities to show (`Severity::None`: unparsed lines); empty = all.
    pub severities: Vec<Severity>,
    /// Components to show, by exact name; empty = all.
    pub components: Vec<String>,
    /// Thread ids to show, as numbers (a hex thread as its value); empty = all.
    pub threads: Vec<u32>,
    /// Text to find (case-insensitive unless `case_sensitive`), or a regex when `regex`.
    pub text: String,
    /// `text` is a regular expression (`regex_lite` syntax); an invalid one is an error, not an empty view.
    pub regex: bool,
    /// Match `text` with its case.
    pub case_sensitive: bool,
    /// Only records mentioning this code (`0x8024401B`).
    pub code: Option<String>,
    /// Time range, ISO-like `2024-05-31T16:45` (inclusive), as typed by people, in the zone of
    /// `zone`.
    pub from: Option<String>,
    /// End of the time range (inclusive), written as `from`.
    pub to: Option<String>,
    /// Minutes east of UTC of the zone `from` and `to` are written in (the zone the page shows
    /// times in); 0: UTC.
    pub zone: i32,
}

/// One row of the viewer.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Row {
    /// Position in the filtered view.
    pub index: u32,
    /// Index into [`Analysis::files`].
    pub file: u32,
    /// Index into that file's entries.
    pub entry: u32,
    /// 1-based physical line of the record's first line.
    pub line: u32,
    /// Physical lines the record spans.
    pub lines: u32,
    /// Local time as written, with the file's offset when known.
    pub time: String,
    /// The same instant in UTC (ISO, `Z`); empty for a line without a time.
    pub time_utc: String,
    /// The record's level; `None` for an unparsed line.
    pub severity: Severity,
    /// The record's component; may be empty.
    pub component: String,
    /// The thread id as the file writes it (hex or decimal); empty when it has none.
    pub thread: String,
    /// The message on one line, control characters shown as symbols, at most `MAX_ROW_CHARS`.
    pub text: String,
    /// Characters in the full message (so the page can say what was cut).
    pub chars: u64,
    /// True when `text` was cut at `MAX_ROW_CHARS`.
    pub truncated: bool,
    /// Codes in `text`: char start, char end, canonical code.
    pub codes: Vec<(u32, u32, String)>,
    /// UTC time in milliseconds since 1970, when the line has a time.
    #[serde(default)]
    pub ms: Option<i64>,
    /// Milliseconds since the previous row of the view that has a time.
    #[serde(default)]
    pub delta_ms: Option<i64>,
    /// Every code of the line is routine where it appears (a knowledge-base `noise` context):
    /// F3 / F4 skip such lines unless asked not to.
    #[serde(default)]
    pub routine: bool,
}

pub const MAX_ROW_CHARS: usize = 1000;
pub const MAX_DETAIL_CHARS: usize = 200_000;

/// Show control characters (NUL, BEL, ESC, ...) as their Unicode pictures so they are visible and
/// never swallow text; line breaks inside a record become `⏎` in a one-line row.
pub fn visible(s: &str, max: usize, one_line: bool) -> (String, bool) {
    let mut out = String::with_capacity(s.len().min(max.saturating_mul(4)));
    let mut n = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if n >= max {
            return (out, true);
        }
        match c {
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\r' | '\n' if one_line => out.push_str(" ⏎ "),
            '\r' | '\n' | '\t' => out.push(c),
            '\u{0}'..='\u{1F}' => out.push(char::from_u32(0x2400 + c as u32).unwrap()),
            '\u{7F}' => out.push('\u{2421}'),
            _ => out.push(c),
        }
        n += 1;
    }
    (out, false)
}

/// The index of the file called `name` (its name in the drop, or its base name).
pub fn file_index(a: &Analysis, name: &str) -> Option<u32> {
    let i = a.files.iter().position(|f| f.name == name).or_else(|| a.files.iter().position(|f| crate::model::base_name(&f.name) == name))?;
    Some(i as u32)
}

/// Which files a filter shows: those it names, else every file with lines but the closed ones.
/// Names that match no file are ignored (a link from another drop still opens).
fn files_shown(a: &Analysis, filter: &Filter) -> Vec<bool> {
    let named: Vec<u32> = filter.files.iter().filter_map(|n| file_index(a, n)).collect();
    if !named.is_empty() {
        return (0..a.files.len() as u32).map(|i| named.contains(&i)).collect();
    }
    let hidden: Vec<u32> = filter.hidden.iter().filter_map(|n| file_index(a, n)).collect();
    a.files.iter().enumerate().map(|(i, f)| hidden.is_empty() || (f.physical_lines > 0 && !hidden.contains(&(i as u32)))).collect()
}

/// Parse a filter time: `2024-05-31`, `2024-05-31 16:45`, `2024-05-31T16:45:56`. UTC.
pub fn parse_filter_time(s: &str, end: bool) -> Option<i64> {
    let b = s.trim().as_bytes();
    let (y, mo, d) = crate::read::parse::ymd(b, b'-')?;
    let rest = b.get(11..).unwrap_or(&[]);
    // Fractions of a second are ignored (`16:45:56.123`).
    let rest = rest.split(|c| *c == b'.').next().unwrap_or(&[]);
    let mut hms = [0u32; 3];
    let mut given = 0;
    for (i, part) in rest.split(|c| *c == b':').take(3).enumerate().filter(|_| !rest.is_empty()) {
        let (v, _) = crate::model::time::digits(part, 2, false)?;
        hms[i] = v;
        given = i + 1;
    }
    let t = crate::model::time::local_ms(y, mo, d, hms[0], hms[1], hms[2], 0)?;
    // An end bound covers the whole unit given ("16:45" → up to 16:45:59.999).
    let span = match (end, given) {
        (false, _) => 0,
        (true, 0) => 86_400_000 - 1,
        (true, 1) => 3_600_000 - 1,
        (true, 2) => 60_000 - 1,
        (true, _) => 999,
    };
    Some(t + span)
}

enum TextMatch {
    None,
    Plain { needle: String, case_sensitive: bool },
    Regex(regex_lite::Regex),
}

impl TextMatch {
    fn matches(&self, hay: &str) -> bool {
        match self {
            TextMatch::None => true,
            TextMatch::Plain { needle, case_sensitive: true } => hay.contains(needle.as_str()),
            TextMatch::Plain { needle, case_sensitive: false } => contains_ci(hay, needle),
            TextMatch::Regex(r) => r.is_match(hay),
        }
    }
}

/// ASCII-case-insensitive substring test without allocating (needle already lower-case).
fn contains_ci(hay: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    if n.is_empty() {
        return true;
    }
    let h = hay.as_bytes();
    if h.len() < n.len() {
        return false;
    }
    let first = n[0];
    let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut i = 0;
    while i + n.len() <= h.len() {
        match memchr::memchr2(lo, up, &h[i..=h.len() - n.len()]) {
            None => return false,
            Some(p) => {
                let s = i + p;
                if h[s..s + n.len()].eq_ignore_ascii_case(n) {
                    return true;
                }
                i = s + 1;
            }
        }
    }
    false
}

/// The merged timeline and the current filter over it.
pub struct View {
    refs: Vec<TimelineRef>,
    filtered: Vec<u32>,
    /// The filter the rows were last made with (see [`View::apply`]).
    pub filter: Filter,
}

/// A code among the rows of the current view, with how many rows mention it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CodeInView {
    /// The code, 8 hex digits (`0x8024401B`).
    pub code: String,
    /// Its symbolic name from the knowledge base; may be empty.
    pub symbol: String,
    /// The knowledge base's message for it; may be empty.
    pub message: String,
    /// Rows of the view that mention it.
    pub count: u32,
    /// True when the knowledge base has steps to take for it.
    pub has_guidance: bool,
}

/// Why a filter cannot be applied; its words are the message a person reads beside the filter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// The regular expression does not compile, with the regex engine's reason.
    #[error("The regular expression is not valid: {0}")]
    Regex(String),
    /// A time bound that is no time, as written.
    #[error("'{0}' is not a time: write 2024-05-31 16:45")]
    NotATime(String),
    /// A code the knowledge base does not read as one.
    #[error(transparent)]
    Code(#[from] wulens_kb::CodeParseError),
}

impl View {
    /// A view of an analysis' whole merged timeline, unfiltered.
    pub fn new(a: &Analysis) -> View {
        let refs = a.timeline(|_| true);
        let filtered = (0..refs.len() as u32).collect();
        View { refs, filtered, filter: Filter::default() }
    }

    /// Rebuild after the timeline changed (offsets), keeping the filter.
    pub fn rebuild(&mut self, a: &Analysis) -> Result<usize, FilterError> {
        self.refs = a.timeline(|_| true);
        let f = self.filter.clone();
        self.apply(a, f)
    }

    /// Rows in the filtered view.
    pub fn len(&self) -> usize {
        self.filtered.len()
    }

    /// True when the filter leaves no row.
    pub fn is_empty(&self) -> bool {
        self.filtered.is_empty()
    }

    /// Rows in the whole timeline, before the filter.
    pub fn total(&self) -> usize {
        self.refs.len()
    }

    /// Apply a filter; returns the number of rows, or why the filter cannot be applied.
    pub fn apply(&mut self, a: &Analysis, filter: Filter) -> Result<usize, FilterError> {
        let text = if filter.text.is_empty() {
            TextMatch::None
        } else if filter.regex {
            let pattern = if filter.case_sensitive { filter.text.clone() } else { format!("(?i){}", filter.text) };
            TextMatch::Regex(regex_lite::Regex::new(&pattern).map_err(|e| FilterError::Regex(e.to_string()))?)
        } else {
            TextMatch::Plain {
                needle: if filter.case_sensitive { filter.text.clone() } else { filter.text.to_ascii_lowercase() },
                case_sensitive: filter.case_sensitive,
            }
        };
        let zone_ms = filter.zone as i64 * 60_000;
        let bound = |t: &Option<String>, end: bool| -> Result<Option<i64>, FilterError> {
            match t {
                Some(s) if !s.trim().is_empty() => Ok(Some(parse_filter_time(s, end).ok_or_else(|| FilterError::NotATime(s.clone()))? - zone_ms)),
                _ => Ok(None),
            }
        };
        let (from, to) = (bound(&filter.from, false)?, bound(&filter.to, true)?);
        let code = match &filter.code {
            Some(c) if !c.is_empty() => Some(wulens_kb::lookup(c)?.code.0),
            _ => None,
        };
        let sev_ok = |s: Severity| filter.severities.is_empty() || filter.severities.contains(&s);
        // Per file: which components pass (by index), which entries mention the code.
        let comp_ok: Vec<Vec<bool>> =
            a.files.iter().map(|f| f.components.iter().map(|c| filter.components.is_empty() || filter.components.iter().any(|x| x == c)).collect()).collect();
        let files = files_shown(a, &filter);
        let code_entries: Vec<std::collections::HashSet<u32>> = match code {
            Some(c) => a.entry_codes.iter().map(|v| v.iter().filter(|(_, x)| *x == c).map(|(e, _)| *e).collect()).collect(),
            None => Vec::new(),
        };
        self.filtered.clear();
        for (i, r) in self.refs.iter().enumerate() {
            if !files[r.file as usize] {
                continue;
            }
            let f = &a.files[r.file as usize];
            let e = &f.entries[r.entry as usize];
            if !sev_ok(e.severity) {
                continue;
            }
            if !filter.components.is_empty() && !comp_ok[r.file as usize].get(e.component as usize).copied().unwrap_or(false) {
                continue;
            }
            if !filter.threads.is_empty() && !filter.threads.contains(&e.thread) {
                continue;
            }
            if code.is_some() && !code_entries[r.file as usize].contains(&r.entry) {
                continue;
            }
            if from.is_some() || to.is_some() {
                let Some(t) = f.utc_ms(e) else { continue };
                if from.is_some_and(|x| t < x) || to.is_some_and(|x| t > x) {
                    continue;
                }
            }
            if !text.matches(f.record(e)) {
                continue;
            }
            self.filtered.push(i as u32);
        }
        self.filter = filter;
        Ok(self.filtered.len())
    }

    /// The components of the files in view (for the component drop-down), sorted.
    pub fn components(&self, a: &Analysis) -> Vec<String> {
        let files = files_shown(a, &self.filter);
        let mut out: Vec<String> = a.files.iter().zip(files).filter(|(_, shown)| *shown).flat_map(|(f, _)| f.components.iter().cloned()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    fn at(&self, i: usize) -> TimelineRef {
        self.refs[self.filtered[i] as usize]
    }

    /// `count` rows of the filtered view from position `start` (fewer at its end), for the page's window.
    pub fn rows(&self, a: &Analysis, start: usize, count: usize) -> Vec<Row> {
        (start..(start + count).min(self.filtered.len()))
            .map(|i| {
                let mut r = row(a, self.at(i), i as u32);
                r.delta_ms = r.ms.zip(self.time_before(a, i)).map(|(t, p)| t - p);
                r
            })
            .collect()
    }

    /// The UTC time of the nearest row before `i` that has one (looking back at most 1,000 rows).
    fn time_before(&self, a: &Analysis, i: usize) -> Option<i64> {
        (i.saturating_sub(1000)..i).rev().find_map(|k| {
            let r = self.at(k);
            let f = &a.files[r.file as usize];
            f.utc_ms(&f.entries[r.entry as usize])
        })
    }

    /// Full text of one row's record (for the detail pane), control characters visible.
    pub fn detail(&self, a: &Analysis, index: usize) -> Option<(String, bool)> {
        let r = *self.filtered.get(index).map(|&i| &self.refs[i as usize])?;
        let f = &a.files[r.file as usize];
        Some(visible(f.record(&f.entries[r.entry as usize]), MAX_DETAIL_CHARS, false))
    }

    /// Position in the view of the record holding `line` of file `file`, or the nearest
    /// record of that file when the filter hides it.
    pub fn locate(&self, a: &Analysis, file: u32, line: u32) -> Option<usize> {
        let f = a.files.get(file as usize)?;
        let entry = f.entry_at_line(line)? as u32;
        let exact = self.filtered.iter().position(|&i| self.refs[i as usize] == TimelineRef { file, entry });
        exact.or_else(|| self.filtered.iter().position(|&i| self.refs[i as usize].file == file && self.refs[i as usize].entry >= entry))
    }

    /// Next (or previous) row from `from` of severity `sev` exactly (F3 errors, F4 warnings),
    /// wrapping around; with `skip_routine`, lines whose every code is routine noise there are
    /// passed over.
    pub fn next_with(&self, a: &Analysis, from: Option<usize>, sev: Severity, forward: bool, skip_routine: bool) -> Option<usize> {
        let n = self.filtered.len();
        if n == 0 {
            return None;
        }
        let severity = |i: usize| {
            let r = self.at(i);
            let s = a.files[r.file as usize].entries[r.entry as usize].severity;
            if skip_routine && s == sev && routine(a, r) {
                Severity::None
            } else {
                s
            }
        };
        for k in 1..=n {
            let i = match (from, forward) {
                (None, true) => (k - 1) % n,
                (None, false) => (n - k) % n,
                (Some(f), true) => (f + k) % n,
                (Some(f), false) => (f + n - (k % n)) % n,
            };
            if severity(i) == sev {
                return Some(i);
            }
        }
        None
    }

    /// Where the next-error key stops: the next row of severity `sev` (as [`View::next_with`]) or
    /// the next line that proves an update failing or stalled now (`targets`, sorted (file,
    /// entry) pairs, whatever the line's severity), whichever comes first; with no cursor yet,
    /// the first such line. Only errors look for targets.
    pub fn next_stop(&self, a: &Analysis, from: Option<usize>, sev: Severity, forward: bool, skip_routine: bool, targets: &[(u32, u32)]) -> Option<usize> {
        let by_severity = self.next_with(a, from, sev, forward, skip_routine);
        let n = self.filtered.len();
        if sev != Severity::Error || targets.is_empty() || n == 0 {
            return by_severity;
        }
        // Steps from the cursor to row i in the direction of travel (1..=n).
        let steps = |i: usize| match (from, forward) {
            (None, _) => 0,
            (Some(f), true) => (i + n - f - 1) % n + 1,
            (Some(f), false) => (f + n - i - 1) % n + 1,
        };
        let order = |k: usize| match (from, forward) {
            (None, true) => k - 1,
            (None, false) => n - k,
            (Some(f), true) => (f + k) % n,
            (Some(f), false) => (f + n - (k % n)) % n,
        };
        let target = (1..=n).map(order).find(|&i| {
            let r = self.at(i);
            targets.binary_search(&(r.file, r.entry)).is_ok()
        });
        match (from, by_severity, target) {
            (None, _, Some(t)) => Some(t),
            (Some(_), Some(s), Some(t)) => Some(if steps(s) <= steps(t) { s } else { t }),
            (_, s, t) => s.or(t),
        }
    }

    /// Rows of the view whose message (what the row shows) contains `needle`, ignoring ASCII
    /// case (find-as-you-type): count and the first match at or after `from`.
    pub fn find(&self, a: &Analysis, needle: &str, from: usize, forward: bool) -> (usize, Option<usize>) {
        if needle.is_empty() {
            return (0, None);
        }
        let lower = needle.to_ascii_lowercase();
        let hits: Vec<usize> = (0..self.filtered.len())
            .filter(|&i| {
                let r = self.at(i);
                let f = &a.files[r.file as usize];
                contains_ci(f.message(&f.entries[r.entry as usize]), &lower)
            })
            .collect();
        let next = if forward {
            hits.iter().copied().find(|&i| i >= from).or(hits.first().copied())
        } else {
            hits.iter().rev().copied().find(|&i| i <= from).or(hits.last().copied())
        };
        (hits.len(), next)
    }

    /// The first row of the view at or after `time` (as typed, in the zone `zone` minutes east
    /// of UTC); the last timed row when every line is earlier.
    pub fn at_time(&self, a: &Analysis, time: &str, zone: i32) -> Result<Option<usize>, FilterError> {
        let t = parse_filter_time(time, false).ok_or_else(|| FilterError::NotATime(time.to_string()))? - zone as i64 * 60_000;
        let mut last = None;
        for i in 0..self.filtered.len() {
            let r = self.at(i);
            let f = &a.files[r.file as usize];
            match f.utc_ms(&f.entries[r.entry as usize]) {
                Some(u) if u >= t => return Ok(Some(i)),
                Some(_) => last = Some(i),
                None => {}
            }
        }
        Ok(last)
    }

    /// Positions in the view of the records at (file, line), sorted; lines the view hides are left out.
    pub fn positions(&self, a: &Analysis, lines: &[(u32, u32)]) -> Vec<usize> {
        let mut wanted: Vec<TimelineRef> =
            lines.iter().filter_map(|&(file, line)| Some(TimelineRef { file, entry: a.files.get(file as usize)?.entry_at_line(line)? as u32 })).collect();
        wanted.sort_unstable_by_key(|r| (r.file, r.entry));
        let mut out: Vec<usize> =
            (0..self.filtered.len()).filter(|&i| wanted.binary_search_by_key(&(self.at(i).file, self.at(i).entry), |r| (r.file, r.entry)).is_ok()).collect();
        out.dedup();
        out
    }

    /// Codes mentioned by the rows of the view, most frequent first.
    pub fn codes_in_view(&self, a: &Analysis) -> Vec<CodeInView> {
        let mut counts: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        // entry_codes is sorted by entry per file: index it once.
        let index: Vec<std::collections::HashMap<u32, Vec<u32>>> = a
            .entry_codes
            .iter()
            .map(|v| {
                let mut m: std::collections::HashMap<u32, Vec<u32>> = std::collections::HashMap::new();
                for (e, c) in v {
                    m.entry(*e).or_default().push(*c);
                }
                m
            })
            .collect();
        for &i in &self.filtered {
            let r = self.refs[i as usize];
            if let Some(cs) = index[r.file as usize].get(&r.entry) {
                for c in cs {
                    *counts.entry(*c).or_default() += 1;
                }
            }
        }
        let mut out: Vec<CodeInView> = counts
            .into_iter()
            .map(|(c, n)| {
                let e = wulens_kb::entry(c);
                CodeInView {
                    code: format!("0x{c:08X}"),
                    symbol: e.map_or(String::new(), |e| e.symbol.to_string()),
                    message: e.map_or(String::new(), |e| e.message.to_string()),
                    count: n,
                    has_guidance: e.is_some_and(|e| e.has_guidance()),
                }
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
        out
    }

    /// Selected rows as plain text, or as a Markdown code block with file names and lines.
    pub fn copy(&self, a: &Analysis, indices: &[usize], markdown: bool) -> String {
        let mut out = String::new();
        let mut files: Vec<&str> = Vec::new();
        for &i in indices.iter().filter(|&&i| i < self.filtered.len()) {
            let r = self.at(i);
            let f = &a.files[r.file as usize];
            let e = &f.entries[r.entry as usize];
            let name = crate::model::base_name(&f.name);
            if !files.contains(&name) {
                files.push(name);
            }
            let time = crate::model::time_of(f, r.entry as usize).unwrap_or_default();
            let (text, _) = visible(f.message(e), MAX_DETAIL_CHARS, true);
            if markdown {
                out.push_str(&format!("{name}:{} {time} {} {}\n", e.line, e.severity.label(), text));
            } else {
                out.push_str(&format!("{time}\t{}\t{name}:{}\t{text}\n", e.severity.label(), e.line));
            }
        }
        if markdown {
            format!("Lines from {}:\n\n```text\n{}```\n", files.join(", "), out.replace("```", "`\u{200B}``"))
        } else {
            out
        }
    }

    /// The timeline position (file, entry) of row `i` of the filtered view.
    pub fn file_index_of(&self, i: usize) -> Option<TimelineRef> {
        self.filtered.get(i).map(|&k| self.refs[k as usize])
    }
}

fn thread_label(f: &LogFile, t: u32) -> String {
    match (t, f.thread_hex) {
        (0, _) => String::new(),
        (t, true) => format!("{t:x}"),
        (t, false) => t.to_string(),
    }
}

/// Does the entry carry codes, all of them routine noise where they appear?
fn routine(a: &Analysis, r: TimelineRef) -> bool {
    let f = &a.files[r.file as usize];
    let mut codes = a.codes_at(r.file as usize, r.entry).peekable();
    codes.peek().is_some() && codes.all(|c| crate::diagnose::is_routine(f, r.entry, c))
}

pub fn row(a: &Analysis, r: TimelineRef, index: u32) -> Row {
    let f = &a.files[r.file as usize];
    let e = &f.entries[r.entry as usize];
    let msg = f.message(e);
    let (text, truncated) = visible(msg, MAX_ROW_CHARS, true);
    let utc = f.utc_ms(e).map(|t| format_iso(t, Some(0))).unwrap_or_default();
    // Code chips: byte offsets of the hits, mapped to char offsets in the visible text.
    let mut codes = Vec::new();
    crate::analysis::codes::scan(msg, |h| {
        let (start, _) = visible(&msg[..h.start], usize::MAX, true);
        let (span, _) = visible(&msg[h.start..h.end], usize::MAX, true);
        let s = start.chars().count() as u32;
        let end = s + span.chars().count() as u32;
        if (end as usize) <= MAX_ROW_CHARS {
            codes.push((s, end, format!("0x{:08X}", h.code)));
        }
    });
    Row {
        index,
        file: r.file,
        entry: r.entry,
        line: e.line,
        lines: u32::from(e.lines),
        time: crate::model::time_of(f, r.entry as usize).unwrap_or_default(),
        time_utc: utc,
        severity: if e.parsed { e.severity } else { Severity::None },
        component: f.component(e).to_string(),
        thread: thread_label(f, e.thread),
        text,
        chars: msg.chars().count() as u64,
        truncated,
        codes,
        ms: f.utc_ms(e),
        delta_ms: None,
        routine: routine(a, r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Input, Limits};

    fn analysis() -> Analysis {
        let cm = "<![LOG[first <b>bold</b>]LOG]!><time=\"10:00:01.000+480\" date=\"01-15-2024\" component=\"WUAHandler\" context=\"\" type=\"1\" thread=\"7\" file=\"\">\r\n<![LOG[Scan failed with error = 0x8024401b.]LOG]!><time=\"10:00:05.000+480\" date=\"01-15-2024\" component=\"WUAHandler\" context=\"\" type=\"3\" thread=\"7\" file=\"\">\r\n";
        let wu = "2024/01/15 10:00:00.0000000 1 2 Agent           start\r\n2024/01/15 10:00:03.0000000 1 2 WebServices     *FAILED* [8024401B] nul\0here\r\n";
        Analysis::from_inputs(
            vec![Input { name: "WUAHandler.log".into(), bytes: cm.as_bytes().into() }, Input { name: "WindowsUpdate.log".into(), bytes: wu.as_bytes().into() }],
            &Limits::default(),
        )
    }

    #[test]
    fn rows_in_merged_order_with_codes_and_visible_controls() {
        let a = analysis();
        let v = View::new(&a);
        let rows = v.rows(&a, 0, 10);
        let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["start", "first <b>bold</b>", "*FAILED* [8024401B] nul␀here", "Scan failed with error = 0x8024401b."]);
        let r = &rows[2];
        assert_eq!(r.codes, [(10, 18, "0x8024401B".to_string())]);
        assert_eq!(r.severity, Severity::Error);
        assert_eq!(rows[1].time, "2024-01-15T10:00:01.000-08:00");
        assert_eq!(rows[1].time_utc, "2024-01-15T18:00:01.000Z");
    }

    #[test]
    fn the_next_error_key_visits_the_failing_targets_lines_first() {
        let a = analysis();
        let v = View::new(&a);
        // Rows: 0 "start", 1 "first <b>bold</b>" (WUAHandler.log, entry 0, info), 2 and 3 errors.
        let target = [(0u32, 0u32)];
        assert_eq!(v.next_with(&a, None, Severity::Error, true, true), Some(2), "without targets, the first error");
        assert_eq!(v.next_stop(&a, None, Severity::Error, true, true, &target), Some(1), "the first press lands on the target's line");
        assert_eq!(v.next_stop(&a, Some(1), Severity::Error, true, true, &target), Some(2), "then the errors after it");
        assert_eq!(v.next_stop(&a, Some(2), Severity::Error, true, true, &target), Some(3));
        assert_eq!(v.next_stop(&a, Some(3), Severity::Error, true, true, &target), Some(1), "wrapping, the target before the first error");
        assert_eq!(v.next_stop(&a, Some(3), Severity::Error, false, true, &target), Some(2), "backwards, the nearest");
        assert_eq!(v.next_stop(&a, None, Severity::Warning, true, true, &target), None, "warnings look for no target");
    }

    #[test]
    fn filters_combine_and_bad_regex_says_why() {
        let a = analysis();
        let mut v = View::new(&a);
        assert_eq!(v.apply(&a, Filter { severities: vec![Severity::Error], ..Filter::default() }), Ok(2));
        assert_eq!(v.apply(&a, Filter { text: "BOLD".into(), ..Filter::default() }), Ok(1));
        assert_eq!(v.apply(&a, Filter { text: "fail.*8024".into(), regex: true, ..Filter::default() }), Ok(2));
        assert_eq!(v.apply(&a, Filter { files: vec![a.files[1].name.clone()], ..Filter::default() }), Ok(2));
        assert_eq!(v.apply(&a, Filter { code: Some("-2145107941".into()), ..Filter::default() }), Ok(2));
        assert_eq!(v.apply(&a, Filter { from: Some("2024-01-15 18:00:02".into()), to: Some("2024-01-15 18:00:04".into()), ..Filter::default() }), Ok(1));
        let bad = v.apply(&a, Filter { text: "(".into(), regex: true, ..Filter::default() }).unwrap_err();
        assert!(matches!(bad, FilterError::Regex(_)) && bad.to_string().starts_with("The regular expression is not valid: "), "{bad}");
        assert_eq!(v.len(), 1, "a bad filter keeps the previous view");
    }

    #[test]
    fn files_by_name_closed_tabs_and_their_components() {
        let a = analysis();
        let mut v = View::new(&a);
        assert_eq!(v.apply(&a, Filter { files: vec!["WindowsUpdate.log".into()], ..Filter::default() }), Ok(2), "a base name works");
        assert_eq!(v.components(&a), ["Agent", "WebServices"]);
        assert_eq!(v.apply(&a, Filter { hidden: vec!["WindowsUpdate.log".into()], ..Filter::default() }), Ok(2), "a closed tab leaves the timeline");
        assert_eq!(v.components(&a), ["WUAHandler"]);
        assert_eq!(v.apply(&a, Filter { files: vec!["nope.log".into()], ..Filter::default() }), Ok(4), "an unknown name shows everything");
        assert_eq!(v.components(&a), ["Agent", "WUAHandler", "WebServices"], "every file's components, not only fetched rows'");
        assert_eq!(file_index(&a, "WUAHandler.log"), Some(0));
    }

    #[test]
    fn navigation_wraps_and_locates() {
        let a = analysis();
        let v = View::new(&a);
        assert_eq!(v.next_with(&a, None, Severity::Error, true, false), Some(2));
        assert_eq!(v.next_with(&a, Some(2), Severity::Error, true, false), Some(3));
        assert_eq!(v.next_with(&a, Some(3), Severity::Error, true, false), Some(2));
        assert_eq!(v.next_with(&a, Some(2), Severity::Error, false, false), Some(3));
        assert_eq!(v.next_with(&a, Some(0), Severity::Warning, true, false), None, "errors are not warnings");
        assert_eq!(v.locate(&a, 0, 2), Some(3));
        assert_eq!(v.find(&a, "fail", 0, true), (2, Some(2)));
        assert_eq!(v.find(&a, "wuahandler", 0, true), (0, None), "find looks at what the rows show, not the record's markup");
        let codes = v.codes_in_view(&a);
        assert_eq!((codes[0].code.as_str(), codes[0].count), ("0x8024401B", 2));
    }

    #[test]
    fn routine_lines_deltas_times_and_positions() {
        let wu = "2024/01/15 10:00:00.0000000 1 2 Agent           start\r\n2024/01/15 10:00:01.5000000 1 2 Agent           * FAILED * x\r\n2024/01/15 10:00:02.0000000 1 2 DataStore       *FAILED* [80248007] GetData\r\n2024/01/15 10:00:03.2500000 1 2 WebServices     *FAILED* [8024401B] proxy\r\n";
        let a = Analysis::from_inputs(vec![Input { name: "WindowsUpdate.log".into(), bytes: wu.as_bytes().into() }], &Limits::default());
        let v = View::new(&a);
        let rows = v.rows(&a, 0, 10);
        assert_eq!(rows.iter().map(|r| r.routine).collect::<Vec<_>>(), [false, false, true, false], "80248007 is routine in WindowsUpdate.log");
        assert_eq!(rows.iter().map(|r| r.severity).filter(|s| *s == Severity::Error).count(), 2);
        assert_eq!(rows[0].delta_ms, None);
        assert_eq!(rows.iter().skip(1).map(|r| r.delta_ms).collect::<Vec<_>>(), [Some(1500), Some(500), Some(1250)]);
        assert_eq!(v.rows(&a, 3, 1)[0].delta_ms, Some(1250), "the previous row counts even when it was not asked for");
        assert_eq!(v.next_with(&a, None, Severity::Error, true, false), Some(2));
        assert_eq!(v.next_with(&a, None, Severity::Error, true, true), Some(3), "routine noise is skipped");
        assert_eq!(v.next_with(&a, Some(3), Severity::Error, true, true), Some(3), "wraps onto itself");
        // Go to time, in UTC and at UTC-08:00 (the log's offset is assumed UTC here).
        assert_eq!(v.at_time(&a, "2024-01-15 10:00:02", 0), Ok(Some(2)));
        assert_eq!(v.at_time(&a, "2024-01-15 02:00:02", -480), Ok(Some(2)));
        assert_eq!(v.at_time(&a, "2024-01-16", 0), Ok(Some(3)), "after the end: the last line");
        assert_eq!(v.at_time(&a, "noon", 0).unwrap_err().to_string(), "'noon' is not a time: write 2024-05-31 16:45");
        assert_eq!(v.positions(&a, &[(0, 4), (0, 1), (0, 99), (7, 1)]), [0, 3]);
        // A time filter in the zone the page shows.
        let mut v = v;
        assert_eq!(v.apply(&a, Filter { from: Some("2024-01-15 02:00:02".into()), zone: -480, ..Filter::default() }), Ok(2));
    }

    #[test]
    fn copy_as_markdown_names_files_and_lines() {
        let a = analysis();
        let v = View::new(&a);
        let md = v.copy(&a, &[1, 2], true);
        assert!(md.starts_with("Lines from WUAHandler.log, WindowsUpdate.log:"));
        assert!(md.contains("WindowsUpdate.log:2 "));
        assert!(md.contains("```text\n"));
    }

    #[test]
    fn visible_text() {
        assert_eq!(visible("a\r\nb\0\x1b", 100, true), ("a ⏎ b␀␛".to_string(), false));
        assert_eq!(visible("abcdef", 3, true), ("abc".to_string(), true));
        assert_eq!(visible("a\r\nb", 100, false).0, "a\nb");
    }
}
