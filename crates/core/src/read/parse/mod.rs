//! One parser per format. Each walks the physical lines once and emits entries that tile them
//! (see the invariant in `model.rs`); none allocates per line.

use rustc_hash::FxHashMap;

use crate::model::lines::{Line, Lines};
use crate::model::LogFormat;
use crate::model::{Entry, Severity, NO_COMPONENT};

pub mod cbs;
pub mod cmtrace;
pub mod plain;
pub mod reporting;
pub mod simple;
pub mod wsus;
pub mod wu_etw;
pub mod wu_legacy;

/// What a parser hands back for one file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    pub components: Vec<String>,
    pub thread_hex: bool,
    /// Offset (ISO minutes) a header line stated for the whole file, when the format has one.
    pub header_offset: Option<i32>,
    pub notes: Vec<String>,
    pub physical_lines: u32,
}

/// Parse `text` as `format`. Formats without a parser keep every line as unparsed text.
pub fn parse(format: LogFormat, text: &str) -> Parsed {
    let mut b = Builder::new(text);
    match format {
        LogFormat::Cmtrace => cmtrace::parse(&mut b),
        LogFormat::CmtraceSimple => simple::parse(&mut b),
        LogFormat::WindowsUpdateLegacy => wu_legacy::parse(&mut b),
        LogFormat::WindowsUpdateEtw => wu_etw::parse(&mut b),
        LogFormat::Cbs | LogFormat::Dism => cbs::parse(&mut b),
        LogFormat::WsusSoftwareDistribution => wsus::parse(&mut b),
        LogFormat::WindowsUpdateReportingEvents => reporting::parse(&mut b),
        _ => plain::parse(&mut b),
    }
    b.finish()
}

/// Shared state of a parse: the entries so far, the component table, the line counter.
pub struct Builder<'t> {
    pub text: &'t str,
    pub out: Parsed,
    components: FxHashMap<&'t str, u16>,
    /// The last component interned: most records repeat the one before.
    last_component: (&'t str, u16),
    /// 1-based number of the next physical line.
    pub line_no: u32,
}

impl<'t> Builder<'t> {
    pub fn new(text: &'t str) -> Builder<'t> {
        let mut out = Parsed::default();
        out.entries.reserve(text.len() / 120);
        Builder { text, out, components: FxHashMap::default(), last_component: ("", NO_COMPONENT), line_no: 1 }
    }

    pub fn lines(&self, from: usize) -> Lines<'t> {
        Lines::new(self.text, from)
    }

    /// Keep `l` as one unparsed line.
    pub fn unparsed(&mut self, l: &Line) {
        self.out.entries.push(Entry::unparsed(l.start, l.end, self.line_no));
        self.line_no += 1;
    }

    /// Add a parsed record spanning `lines` physical lines.
    pub fn record(&mut self, mut e: Entry, lines: u32) {
        e.line = self.line_no;
        e.lines = lines;
        e.parsed = true;
        self.out.entries.push(e);
        self.line_no += lines;
    }

    /// Add a record that is the whole line `l`, its message from `msg_start` and its component
    /// at `component` (both relative to the line): the shape of every one-line-per-record format.
    #[allow(clippy::too_many_arguments)]
    pub fn line_record(&mut self, l: &Line, msg_start: usize, time: i64, offset: i16, component: std::ops::Range<usize>, thread: u32, severity: Severity) {
        let component = self.component(&self.text[l.start + component.start..l.start + component.end]);
        let e = Entry {
            start: l.start as u32,
            end: l.end as u32,
            msg_start: (l.start + msg_start) as u32,
            msg_end: l.end as u32,
            line: 0,
            lines: 0,
            time,
            offset,
            component,
            thread,
            severity,
            parsed: true,
        };
        self.record(e, 1);
    }

    /// Index of a component name, interned per file.
    pub fn component(&mut self, name: &'t str) -> u16 {
        if name.is_empty() {
            return NO_COMPONENT;
        }
        if self.last_component.0 == name {
            return self.last_component.1;
        }
        if let Some(&i) = self.components.get(name) {
            self.last_component = (name, i);
            return i;
        }
        let i = self.out.components.len();
        if i >= NO_COMPONENT as usize {
            return NO_COMPONENT;
        }
        self.out.components.push(name.to_string());
        self.components.insert(name, i as u16);
        i as u16
    }

    pub fn note(&mut self, note: String) {
        if self.out.notes.len() < 20 {
            self.out.notes.push(note);
        }
    }

    fn finish(mut self) -> Parsed {
        self.out.physical_lines = self.line_no - 1;
        self.out
    }
}

/// Skip ASCII spaces and tabs from `i`.
#[inline]
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}

/// End of the run of non-blank bytes starting at `i`.
#[inline]
pub(crate) fn token_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
        i += 1;
    }
    i
}

/// `YYYY<sep>MM<sep>DD<gap>hh:mm:ss[.fraction]` at the start of a line, the way the
/// WindowsUpdate, CBS and WSUS logs begin: the local time in ms and the index past the clock.
pub(crate) fn date_time(b: &[u8], date_sep: u8, gap: u8) -> Option<(i64, usize)> {
    let (y, mo, d) = ymd(b, date_sep)?;
    if b.get(10) != Some(&gap) {
        return None;
    }
    let (h, mi, s, ms, n) = crate::model::time::parse_clock(&b[11..])?;
    Some((crate::model::time::local_ms(y, mo, d, h, mi, s, ms)?, 11 + n))
}

/// `YYYY<sep>MM<sep>DD` at the start of `b` → (y, m, d).
pub(crate) fn ymd(b: &[u8], sep: u8) -> Option<(i32, u32, u32)> {
    if b.len() < 10 || b[4] != sep || b[7] != sep {
        return None;
    }
    let (y, _) = crate::model::time::digits(b, 4, true)?;
    let (m, _) = crate::model::time::digits(&b[5..], 2, true)?;
    let (d, _) = crate::model::time::digits(&b[8..], 2, true)?;
    Some((y as i32, m, d))
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Parse and check the tiling invariant; return the result.
    pub fn parse_checked(format: LogFormat, text: &str) -> Parsed {
        let p = parse(format, text);
        let mut line = 1;
        let mut pos = 0usize;
        for e in &p.entries {
            assert_eq!(e.line, line, "entries must tile the lines: {e:?}");
            assert!(e.start as usize >= pos && e.end >= e.start && e.msg_start >= e.start && e.msg_end <= e.end);
            line += e.lines;
            pos = e.end as usize;
        }
        assert_eq!(line - 1, crate::model::lines::count_lines(text), "every physical line accounted for");
        assert_eq!(p.physical_lines, crate::model::lines::count_lines(text));
        p
    }
}
