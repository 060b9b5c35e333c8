//! WindowsUpdate.log as `Get-WindowsUpdateLog` writes it on Windows 10 and later:
//!
//! `2024/05/02 14:43:56.6390016 4932  6608  SLS             Get response for service ...`
//!
//! Date, time (100 ns), PID, TID (decimal), component (padded), message. Local time, no offset.
//! Some locales write the date with dashes (`2020-09-20 13:05:38.9395222 ...`): same layout.

use super::{skip_ws, token_end, Builder};
use crate::model::NO_OFFSET;

/// What the first line `b` of a record says: its time, thread, component and where its message
/// starts (the level comes from the message's words).
pub struct Header {
    /// Local wall-clock milliseconds (no offset in this format).
    pub time: i64,
    /// The thread id (decimal in this format).
    pub thread: u32,
    /// Byte range of the component (without its padding).
    pub component: std::ops::Range<usize>,
    /// Where the message starts in the line.
    pub msg_start: usize,
}

/// Read `b` as a record's first line, or `None` when it does not start with this layout.
pub fn header(b: &[u8]) -> Option<Header> {
    let (time, clock_end) = super::date_time(b, b'/', b' ').or_else(|| super::date_time(b, b'-', b' '))?;
    let mut i = clock_end;
    let mut nums = [0u32; 2];
    for v in &mut nums {
        let start = skip_ws(b, i);
        if start == i {
            return None;
        }
        let end = token_end(b, start);
        *v = decimal_u32(&b[start..end])?;
        i = end;
    }
    let c_start = skip_ws(b, i);
    if c_start == i {
        return None;
    }
    let c_end = token_end(b, c_start);
    let msg_start = skip_ws(b, c_end);
    Some(Header { time, thread: nums[1], component: c_start..c_end, msg_start })
}

/// A decimal `u32` as `str::parse` reads one (an optional `+`, then digits), without checking
/// UTF-8 first: the PID and TID of every line.
#[inline]
fn decimal_u32(t: &[u8]) -> Option<u32> {
    let digits = t.strip_prefix(b"+").unwrap_or(t);
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u32, |v, &c| if c.is_ascii_digit() { v.checked_mul(10)?.checked_add(u32::from(c - b'0')) } else { None })
}

/// Parse the text from `b.start` into entries, one per line that reads as a record; other lines stay
/// unparsed (a blank one joins the record before it).
pub fn parse(b: &mut Builder) {
    let text = b.text;
    for l in b.lines(b.start) {
        let line = &text.as_bytes()[l.start..l.end];
        let Some((at, h)) = header(line).map(|h| (0, h)).or_else(|| super::after_prefix(line, header)) else {
            b.unparsed(&l);
            continue;
        };
        let msg = &text[l.start + at + h.msg_start..l.end];
        let component = at + h.component.start..at + h.component.end;
        b.line_record(&l, at + h.msg_start, h.time, NO_OFFSET, component, h.thread, super::wu_legacy::severity_from_text(msg));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::LogFormat;
    use crate::model::Severity;
    use crate::read::parse::test_support::parse_checked;

    #[test]
    fn pid_and_tid_are_read_as_str_parse_reads_them() {
        for t in ["0", "4932", "+7", "+", "", "-1", "4294967295", "4294967296", "99999999999", "12a", "١٢", "00012", "++1"] {
            assert_eq!(super::decimal_u32(t.as_bytes()), t.parse::<u32>().ok(), "{t:?}");
        }
    }

    #[test]
    fn parses_columns() {
        let text = "2024/05/31 16:45:56.1360371 1234  5678  WebServices     *FAILED* [80072EE7] Send request\r\n2024/05/31 16:45:56.2000000 1234  5678  ComApi          * START *   Search ClientId = CcmExec\r\n\r\n";
        let p = parse_checked(LogFormat::WindowsUpdateEtw, text);
        assert_eq!(p.entries.len(), 2, "the blank line belongs to the record before it");
        assert_eq!(p.entries[1].lines, 2);
        let e = p.entries[0];
        assert_eq!(&text[e.msg_start as usize..e.msg_end as usize], "*FAILED* [80072EE7] Send request");
        assert_eq!(e.thread, 5678);
        assert_eq!(e.severity, Severity::Error);
        assert_eq!(p.components, ["WebServices", "ComApi"]);
        assert_eq!(crate::model::time::format_iso(e.time, None), "2024-05-31T16:45:56.136");
    }

    #[test]
    fn dash_dates_are_the_same_layout() {
        let text = "2020-09-20 13:05:38.9395222 1124  5384  Agent           * END * Finding updates CallerId = Update;, Id = 3, Exit code = 0x00000000\r\n";
        let p = parse_checked(LogFormat::WindowsUpdateEtw, text);
        assert!(p.entries[0].parsed);
        assert_eq!(crate::model::time::format_iso(p.entries[0].time, None), "2020-09-20T13:05:38.939");
        assert_eq!(crate::read::detect(text, "WindowsUpdate.log"), LogFormat::WindowsUpdateEtw);
    }

    /// An event whose clock was never set (Windows prints a zero FILETIME as 1601-01-01) is
    /// still a record, with no time; a search tool's prefix is read past.
    #[test]
    fn a_zero_filetime_and_a_prefix() {
        let text = "1601/01/01 00:00:00.0000000 436   1324  Service_Control_Manager Event 7036, record 697\n\
                    WindowsUpdate.log:12:2024/05/31 16:45:56.1360371 1234  5678  Agent           WARNING: x\n";
        let p = parse_checked(LogFormat::WindowsUpdateEtw, text);
        assert!(p.entries.iter().all(|e| e.parsed), "{:?}", p.entries);
        assert_eq!((p.entries[0].time, p.entries[0].thread), (crate::model::NO_TIME, 1324));
        assert_eq!(p.components, ["Service_Control_Manager", "Agent"]);
        assert_eq!((p.entries[1].thread, p.entries[1].severity), (5678, Severity::Warning));
    }
}
