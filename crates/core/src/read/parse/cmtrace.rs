//! CMTrace format, written by the ConfigMgr client and site roles:
//!
//! `<![LOG[message]LOG]!><time="14:24:33.329+420" date="07-14-2021" component="WUAHandler" context="" type="1" thread="10444" file="sourcemanager.cpp:1461">`
//!
//! The message may span physical lines. `time` carries the *bias*: minutes to add to local time
//! to get UTC (`+420` is UTC-07:00), the opposite sign of an ISO offset. Imitations write
//! `+-480` (a UTC offset printed after a literal `+`: read as bias 480), `+000`, 4-digit
//! fractions or no bias at all, and leave `thread`/`file` empty; all are accepted.

use memchr::memmem;

use super::builder::Builder;
use crate::model::{Entry, Severity, NO_COMPONENT, NO_OFFSET, NO_TIME};

const OPEN: &str = "<![LOG[";
const CLOSE: &[u8] = b"]LOG]!>";

/// Parse the text from `b.start` into entries, one per `<![LOG[...]LOG]!>` record (which may span lines).
pub fn parse(b: &mut Builder) {
    let text = b.text;
    let bytes = text.as_bytes();
    let close = memmem::Finder::new(CLOSE);
    let next_open = memmem::Finder::new(b"\n<![LOG[");
    // Both searches only move forward, so cache their last answers: hostile input (thousands
    // of record starts without an end marker) stays linear.
    let mut close_cache = None;
    let mut open_cache = None;
    let mut pos = b.start;
    let mut truncated = 0u32;
    while pos < bytes.len() {
        let l = b.lines(pos).next().expect("pos < len");
        let line = &text[l.start..l.end];
        let body = line.strip_prefix('\u{FEFF}').unwrap_or(line);
        let Some(_) = body.strip_prefix(OPEN) else {
            b.unparsed(&l);
            pos = l.next;
            continue;
        };
        let msg_start = l.start + (line.len() - body.len()) + OPEN.len();
        // Most records are one line: their marker is on it, and no record can open before it.
        let (marker, end_line, breaks) = match close.find(&bytes[msg_start..l.end]) {
            Some(i) => (msg_start + i, l, 0),
            None => {
                let close_at = cached_find(&close, bytes, msg_start, &mut close_cache);
                let next_record = cached_find(&next_open, bytes, l.start, &mut open_cache);
                let Some(marker) = close_at.filter(|&m| next_record.is_none_or(|n| m < n)) else {
                    // No end marker before the next record: a cut-off record. Keep its first line as text.
                    truncated += 1;
                    b.unparsed(&l);
                    pos = l.next;
                    continue;
                };
                // The record ends at the end of the physical line holding the marker.
                (marker, b.lines(marker).next().expect("marker inside text"), crate::model::lines::count_breaks(&bytes[l.start..marker]))
            }
        };
        let mut e = Entry {
            start: l.start as u32,
            end: end_line.end as u32,
            msg_start: msg_start as u32,
            msg_end: marker as u32,
            line: 0,
            lines: 0,
            time: NO_TIME,
            offset: NO_OFFSET,
            component: NO_COMPONENT,
            thread: 0,
            severity: Severity::Info,
            parsed: true,
        };
        attributes(b, &text[marker + CLOSE.len()..end_line.end], &mut e);
        b.record(e, breaks + 1);
        pos = end_line.next;
    }
    b.truncated_records += truncated;
}

/// First match at or after `from`, remembering the last answer: if the first match after `f`
/// is at `r`, it is also the first match after any `q` in `f..=r`.
fn cached_find(f: &memmem::Finder, bytes: &[u8], from: usize, cache: &mut Option<(usize, Option<usize>)>) -> Option<usize> {
    match *cache {
        Some((f0, Some(r))) if f0 <= from && from <= r => return Some(r),
        Some((f0, None)) if f0 <= from => return None,
        _ => {}
    }
    let r = f.find(&bytes[from..]).map(|i| from + i);
    *cache = Some((from, r));
    r
}

/// Parse `<time=".." date=".." component=".." context=".." type=".." thread=".." file="..">`.
fn attributes<'t>(b: &mut Builder<'t>, attrs: &'t str, e: &mut Entry) {
    let mut clock = None;
    let mut bias = None;
    let mut date = None;
    let mut read = |name: &[u8], value_str: &'t str| match name {
        b"time" => {
            let v = value_str.as_bytes();
            if let Some((h, m, s, ms, n)) = crate::model::time::parse_clock(v) {
                clock = Some((h, m, s, ms));
                bias = parse_bias(&v[n..]);
            }
        }
        b"date" => date = parse_mdy(value_str.as_bytes()),
        b"component" => e.component = b.component(value_str),
        b"type" => {
            e.severity = match value_str.trim() {
                "3" => Severity::Error,
                "2" => Severity::Warning,
                _ => Severity::Info,
            }
        }
        b"thread" => e.thread = leading_number(value_str),
        _ => {}
    };
    let values = in_written_order(attrs);
    #[cfg(test)]
    let values = values.filter(|_| !tests::BY_NAME_ONLY.with(|c| c.get()));
    match values {
        Some(values) => {
            for (name, value) in IN_ORDER.iter().zip(values) {
                read(name.1, value);
            }
        }
        None => {
            for (name, value) in Attrs(attrs.as_bytes(), 0) {
                read(name, &attrs[value]);
            }
        }
    }
    if let (Some((y, mo, d)), Some((h, mi, s, ms))) = (date, clock) {
        if let Some(t) = crate::model::time::local_ms(y, mo, d, h, mi, s, ms) {
            e.time = t;
            if let Some(bias) = bias {
                e.offset = (-bias) as i16;
            }
        }
    }
}

/// The attributes as the ConfigMgr client writes them, up to `thread`: (what precedes the
/// value, the attribute's name).
const IN_ORDER: [(&str, &[u8]); 6] = [
    ("<time=\"", b"time"),
    (" date=\"", b"date"),
    (" component=\"", b"component"),
    (" context=\"", b"context"),
    (" type=\"", b"type"),
    (" thread=\"", b"thread"),
];

/// The values of [`IN_ORDER`] when `attrs` begins exactly so (nearly every record): read without
/// looking for names. Anything else (other spacing, order, a missing quote) is `None`, and
/// [`Attrs`] reads it. What follows `thread` (`file`) is not read: a record that repeated one of
/// these attributes after it would keep the first value here and the last when read by name; no
/// writer we know of does.
fn in_written_order(attrs: &str) -> Option<[&str; 6]> {
    let mut rest = attrs;
    let mut values = [""; 6];
    for (value, (before, _)) in values.iter_mut().zip(IN_ORDER) {
        rest = rest.strip_prefix(before)?;
        let end = memchr::memchr(b'"', rest.as_bytes())?;
        *value = &rest[..end];
        rest = &rest[end + 1..];
    }
    Some(values)
}

/// `+420` → 420; `-60` → -60; `+-480` → 480 (see module docs); `+000` → 0; nothing → None.
pub(crate) fn parse_bias(v: &[u8]) -> Option<i32> {
    let (neg, rest) = match v {
        [b'+', b'-', rest @ ..] => (false, rest),
        [b'+', rest @ ..] => (false, rest),
        [b'-', rest @ ..] => (true, rest),
        _ => return None,
    };
    let (n, _) = crate::model::time::digits(rest, 4, false)?;
    // Real biases are within ±14 hours.
    (n <= 14 * 60).then_some(if neg { -(n as i32) } else { n as i32 })
}

/// `MM-DD-YYYY` (one- or two-digit month/day; `-` or `/`).
pub(crate) fn parse_mdy(v: &[u8]) -> Option<(i32, u32, u32)> {
    let (m, a) = crate::model::time::digits(v, 2, false)?;
    if !matches!(v.get(a), Some(b'-') | Some(b'/')) {
        return None;
    }
    let (d, c) = crate::model::time::digits(&v[a + 1..], 2, false)?;
    let p = a + 1 + c;
    if !matches!(v.get(p), Some(b'-') | Some(b'/')) {
        return None;
    }
    let (y, _) = crate::model::time::digits(&v[p + 1..], 4, true)?;
    Some((y as i32, m, d))
}

/// Digits at the start of a thread attribute (`10444` or `4512 (0x11A0)`).
pub(crate) fn leading_number(s: &str) -> u32 {
    s.trim().bytes().take_while(u8::is_ascii_digit).fold(0u32, |a, d| a.wrapping_mul(10).wrapping_add((d - b'0') as u32))
}

/// Iterator over `name="value"` pairs; tolerant of spacing and a missing closing quote.
struct Attrs<'a>(&'a [u8], usize);

impl<'a> Iterator for Attrs<'a> {
    type Item = (&'a [u8], std::ops::Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.0;
        loop {
            let mut i = self.1;
            while i < b.len() && !(b[i].is_ascii_alphabetic()) {
                i += 1;
            }
            let name_start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            if i >= b.len() {
                self.1 = b.len();
                return None;
            }
            let name = &b[name_start..i];
            if b[i] != b'=' || b.get(i + 1) != Some(&b'"') {
                self.1 = i + 1;
                continue;
            }
            let vstart = i + 2;
            let vend = memchr::memchr(b'"', &b[vstart..]).map_or(b.len(), |j| vstart + j);
            self.1 = (vend + 1).min(b.len());
            return Some((name, vstart..vend));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LogFormat;
    use crate::read::parse::test_support::parse_checked;

    const LINE: &str = r#"<![LOG[Its a WSUS Update Source type ({A70BBF1F-4768-4A41-AB5B-9ADBBBE009D0}), adding it.]LOG]!><time="08:53:25.263+240" date="07-14-2021" component="WUAHandler" context="" type="1" thread="10444" file="sourcemanager.cpp:1461">"#;

    #[test]
    fn single_line_record() {
        let p = parse_checked(LogFormat::Cmtrace, LINE);
        assert_eq!(p.entries.len(), 1);
        let e = p.entries[0];
        assert!(e.parsed);
        assert_eq!(&LINE[e.msg_start as usize..e.msg_end as usize], "Its a WSUS Update Source type ({A70BBF1F-4768-4A41-AB5B-9ADBBBE009D0}), adding it.");
        assert_eq!(p.components[e.component as usize], "WUAHandler");
        assert_eq!(e.thread, 10444);
        assert_eq!(e.severity, Severity::Info);
        assert_eq!(e.offset, -240);
        assert_eq!(crate::model::time::format_iso(e.time, Some(e.offset as i32)), "2021-07-14T08:53:25.263-04:00");
    }

    #[test]
    fn multi_line_record_and_types() {
        let text = "<![LOG[Message received: '<?xml version='1.0'?>\r\n<CIAssignmentMessage>\r\n</CIAssignmentMessage>']LOG]!><time=\"08:52:46.657+240\" date=\"07-14-2021\" component=\"UpdatesDeploymentAgent\" context=\"\" type=\"3\" thread=\"1\" file=\"a.cpp:1\">\r\n<![LOG[next]LOG]!><time=\"08:52:47.000+240\" date=\"07-14-2021\" component=\"UpdatesDeploymentAgent\" context=\"\" type=\"2\" thread=\"1\" file=\"\">\r\n";
        let p = parse_checked(LogFormat::Cmtrace, text);
        assert_eq!(p.entries.len(), 2);
        assert_eq!((p.entries[0].line, p.entries[0].lines), (1, 3));
        assert_eq!(p.entries[0].severity, Severity::Error);
        assert_eq!((p.entries[1].line, p.entries[1].lines), (4, 1));
        assert_eq!(p.entries[1].severity, Severity::Warning);
        assert_eq!(p.components.len(), 1);
    }

    #[test]
    fn imitations_and_noise() {
        let text = "garbage before\n<![LOG[a]LOG]!><time=\"10:00:00.0001+-480\" date=\"1-2-2024\" component=\"Script\" context=\"\" type=\"\" thread=\"\" file=\"\">\n<![LOG[b]LOG]!><time=\"10:00:00.000+000\" date=\"01-02-2024\" component=\"Script\" context=\"\" type=\"0\" thread=\"\" file=\"\">\n<![LOG[c]LOG]!><time=\"10:00:00.000\" date=\"01-02-2024\" component=\"Script\" type=\"1\">\n\n";
        let p = parse_checked(LogFormat::Cmtrace, text);
        assert!(!p.entries[0].parsed);
        let e: Vec<_> = p.entries.iter().filter(|e| e.parsed).collect();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].offset, -480);
        assert_eq!(e[1].offset, 0);
        assert_eq!(e[2].offset, NO_OFFSET);
        assert!(e.iter().all(|e| e.has_time()));
        assert_eq!(p.entries.last().unwrap().lines, 2, "the blank last line belongs to the record before it");
    }

    #[test]
    fn cut_off_record_keeps_its_line() {
        let text =
            "<![LOG[first, never closed\r\n<![LOG[second]LOG]!><time=\"10:00:00.000+0\" date=\"01-02-2024\" component=\"X\" type=\"1\">\r\n<![LOG[third, cut";
        let p = parse_checked(LogFormat::Cmtrace, text);
        assert_eq!(p.entries.iter().map(|e| e.parsed).collect::<Vec<_>>(), [false, true, false]);
        assert_eq!(p.notes.len(), 1);
    }

    thread_local! {
        /// Read every record's attributes by name ([`Attrs`]), never in the written order.
        pub(super) static BY_NAME_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Reading the attributes in the order they are written finds what reading them by name
    /// finds, on every CMTrace fixture log and on generated logs; nearly all their records take it.
    #[test]
    fn attributes_in_written_order_read_as_by_name() {
        let mut files = Vec::new();
        crate::read::grow::fixtures::logs(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures"), &mut files);
        let mut texts: Vec<(String, String)> = files.iter().filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(p).ok()?))).collect();
        texts.push(("UpdatesStore.log".into(), wulens_loggen::single_text("updatesstore", 2 << 20, 7)));
        texts.push(("WUAHandler.log".into(), wulens_loggen::text("WUAHandler.log", 2 << 20, 7)));
        let (mut records, mut in_order) = (0, 0);
        for (path, text) in texts {
            if crate::read::detect(&text, &path) != LogFormat::Cmtrace {
                continue;
            }
            let fast = parse_checked(LogFormat::Cmtrace, &text);
            BY_NAME_ONLY.with(|c| c.set(true));
            let by_name = parse_checked(LogFormat::Cmtrace, &text);
            BY_NAME_ONLY.with(|c| c.set(false));
            assert_eq!(fast.entries, by_name.entries, "{path}");
            assert_eq!(fast.components, by_name.components, "{path}");
            for e in fast.entries.iter().filter(|e| e.parsed) {
                records += 1;
                let attrs = &text[e.msg_end as usize + CLOSE.len()..e.end as usize];
                in_order += usize::from(in_written_order(attrs).is_some());
            }
        }
        assert!(records > 1000 && in_order * 10 > records * 9, "{in_order} of {records} records in the written order");
    }

    #[test]
    fn bias_forms() {
        assert_eq!(parse_bias(b"+420"), Some(420));
        assert_eq!(parse_bias(b"-60"), Some(-60));
        assert_eq!(parse_bias(b"+-480"), Some(480));
        assert_eq!(parse_bias(b"+000"), Some(0));
        assert_eq!(parse_bias(b""), None);
        assert_eq!(parse_bias(b"+9999"), None);
    }
}
