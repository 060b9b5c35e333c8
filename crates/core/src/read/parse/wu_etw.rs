//! WindowsUpdate.log as `Get-WindowsUpdateLog` writes it on Windows 10 and later:
//!
//! `2024/05/02 14:43:56.6390016 4932  6608  SLS             Get response for service ...`
//!
//! Date, time (100 ns), PID, TID (decimal), component (padded), message. Local time, no offset.
//! Some locales write the date with dashes (`2020-09-20 13:05:38.9395222 ...`): same layout.

use std::cell::Cell;

use super::builder::Builder;
use super::bytes::{skip_ws, token_end};
use crate::model::{Severity, NO_OFFSET};

/// What the first line `b` of a record says: its time, thread, component and where its message
/// starts (the level comes from the message's words).
#[derive(Debug, PartialEq, Eq)]
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
#[inline]
pub fn header(b: &[u8]) -> Option<Header> {
    read_header(b, &Cell::default())
}

/// [`header`], remembering the last day read in one step in `day`.
#[inline]
fn read_header(b: &[u8], day: &Cell<LastDay>) -> Option<Header> {
    fixed_header(b, day).or_else(|| general_header(b))
}

/// The last date [`fixed_header`] read, as written, and its midnight in local milliseconds: a
/// log's lines share their date for hours, so the day is worked out once per date.
#[derive(Clone, Copy, Default)]
struct LastDay {
    /// Never a date as written while nothing is known (the bytes of a date are digits and separators).
    date: [u8; 10],
    midnight: i64,
}

/// Where the columns after the clock are looked for at once: PID, TID, component and the
/// blanks between them fit in it on nearly every line.
const TAIL: usize = 48;

/// [`header`] for the layout `Get-WindowsUpdateLog` writes on every line, read in one step: a
/// date and a clock of fixed width (`2024/05/02 14:43:56.6390016`), then the columns, whose
/// bounds come from one mask of the blanks in the 48 bytes after the clock (16 at a time). `None`
/// whenever the line is anything else (a byte-order mark, a clock of another width, a short line,
/// a column past those 48 bytes, a date out of range): [`general_header`] reads it then, and for
/// every line this reads, it reads the same (tested).
#[inline]
fn fixed_header(b: &[u8], day: &Cell<LastDay>) -> Option<Header> {
    use crate::model::Bytes16;
    const CLOCK_END: usize = 27;
    let head: &[u8; CLOCK_END + TAIL] = b.get(..CLOCK_END + TAIL)?.try_into().ok()?;
    let sep = head[4];
    if !(sep == b'/' || sep == b'-') || head[7] != sep || head[10] != b' ' || head[13] != b':' || head[16] != b':' || head[19] != b'.' {
        return None;
    }
    // Digits where the layout has them: bytes 0-3, 5-6, 8-9, 11-12, 14-15 of the first 16, and
    // 17-18, 20-26 (the seven digits of the fraction) of the next.
    let digits = |at: usize| Bytes16::load(head[at..at + 16].try_into().expect("16 bytes")).in_range(b'0', 9).bits();
    if digits(0) & 0b1101_1011_0110_1111 != 0b1101_1011_0110_1111 || digits(16) & 0b0111_1111_0110 != 0b0111_1111_0110 {
        return None;
    }
    let n = |i: usize, len: usize| head[i..i + len].iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0'));
    let date: [u8; 10] = head[..10].try_into().expect("10 bytes");
    let mut last = day.get();
    if last.date != date {
        last = LastDay { date, midnight: crate::model::time::local_ms(n(0, 4) as i32, n(5, 2), n(8, 2), 0, 0, 0, 0)? };
        day.set(last);
    }
    let (h, mi, sec) = (n(11, 2), n(14, 2), n(17, 2));
    // `local_ms`'s bounds of a clock (a date out of range has no midnight above).
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    // Seven digits of fraction, kept to milliseconds: its first three.
    let time = last.midnight + i64::from((h * 60 + mi) * 60_000 + sec * 1000 + n(20, 3));
    let mut blanks = 0u64;
    for k in 0..TAIL / 16 {
        let v = Bytes16::load(head[CLOCK_END + k * 16..CLOCK_END + k * 16 + 16].try_into().expect("16 bytes"));
        blanks |= u64::from((v.eq(b' ') | v.eq(b'\t')).bits()) << (k * 16);
    }
    // The columns are runs of other bytes after the blank that ends the clock; each bound must
    // lie inside the window (bits from TAIL on count as neither).
    let words = !blanks & ((1u64 << TAIL) - 1);
    if blanks & 1 == 0 {
        return None;
    }
    // The first bit of `mask` from bit `from` on (TAIL: none in the window).
    let after = |mask: u64, from: u32| if from >= TAIL as u32 { TAIL as u32 } else { (mask & (!0u64 << from)).trailing_zeros().min(TAIL as u32) };
    let pid_start = after(words, 0);
    let pid_end = after(blanks, pid_start);
    let tid_start = after(words, pid_end);
    let tid_end = after(blanks, tid_start);
    let c_start = after(words, tid_end);
    let c_end = after(blanks, c_start);
    let msg = after(words, c_end);
    if msg >= TAIL as u32 {
        return None;
    }
    let field = |s: u32, e: u32| &head[CLOCK_END + s as usize..CLOCK_END + e as usize];
    number(field(pid_start, pid_end))?;
    let thread = number(field(tid_start, tid_end))?;
    let at = |i: u32| CLOCK_END + i as usize;
    Some(Header { time, thread, component: at(c_start)..at(c_end), msg_start: at(msg) })
}

/// [`header`] for any line: the date with `/` or `-`, a clock of any width, a byte-order mark
/// first, columns as far as the line goes.
fn general_header(b: &[u8]) -> Option<Header> {
    let (time, clock_end) = super::bytes::date_time(b, b'/', b' ').or_else(|| super::bytes::date_time(b, b'-', b' '))?;
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

/// [`decimal_u32`], at once for the usual id of up to nine digits (no sign, no overflow).
#[inline]
fn number(t: &[u8]) -> Option<u32> {
    if t.len() <= 9 && t.iter().all(u8::is_ascii_digit) {
        return Some(t.iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0')));
    }
    decimal_u32(t)
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
    let day = Cell::default();
    let header = |line: &[u8]| read_header(line, &day);
    for l in b.lines(b.start) {
        let line = &text.as_bytes()[l.start..l.end];
        let Some((at, h)) = header(line).map(|h| (0, h)).or_else(|| super::bytes::after_prefix(line, header)) else {
            b.unparsed(&l);
            continue;
        };
        let msg = &text[l.start + at + h.msg_start..l.end];
        let component = at + h.component.start..at + h.component.end;
        let severity = event_level(msg).map_or_else(|| super::wu_legacy::severity_from_text(msg), Severity::of_event_level);
        b.line_record(&l, at + h.msg_start, h.time, NO_OFFSET, component, h.thread, severity);
    }
}

/// The level of an event as `read/evtx.rs` renders it in this layout
/// (`Event 20, record 12, PC01, Error: ...`), as the event log's number; `None` for any other
/// message. A decoded event log written out as text (`wulens redact`) reads back as one.
pub fn event_level(msg: &str) -> Option<u8> {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = msg.strip_prefix("Event ")?;
    let n = digits(rest);
    let rest = rest.get(n..).filter(|_| n > 0)?.strip_prefix(", record ")?;
    let n = digits(rest);
    let rest = rest.get(n..).filter(|_| n > 0)?.strip_prefix(", ")?;
    let (_, after) = rest.split_once(", ")?;
    let (word, _) = after.split_once(':')?;
    match word {
        "Critical" => Some(1),
        "Error" => Some(2),
        "Warning" => Some(3),
        "Information" => Some(4),
        "Verbose" => Some(5),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rendered_event_gives_its_level() {
        use super::event_level;
        assert_eq!(event_level("Event 20, record 12, PC01.corp.local, Error: Installation Failure"), Some(2));
        assert_eq!(event_level("Event 7040, record 3, , Information: x"), Some(4));
        assert_eq!(event_level("Event , record 3, PC, Error: x"), None);
        assert_eq!(event_level("Event 20, record 12, PC, Fine: x"), None);
        assert_eq!(event_level("* START * Finding updates"), None);
    }

    use crate::model::LogFormat;
    use crate::model::Severity;
    use crate::read::parse::test_support::parse_checked;

    #[test]
    fn pid_and_tid_are_read_as_str_parse_reads_them() {
        for t in ["0", "4932", "+7", "+", "", "-1", "4294967295", "4294967296", "99999999999", "12a", "١٢", "00012", "++1"] {
            assert_eq!(super::decimal_u32(t.as_bytes()), t.parse::<u32>().ok(), "{t:?}");
        }
    }

    /// The one-step reading of the usual layout reads what the general one reads, on lines of
    /// that layout and of every near miss (other widths, blanks, a mark first, dates out of
    /// range, columns past its window), and it does read the usual lines.
    #[test]
    fn the_fixed_layout_reads_what_the_general_reading_reads() {
        use super::{fixed_header, general_header, LastDay};
        use std::cell::Cell;
        let day = Cell::new(LastDay::default());
        let fixed_header = |b: &[u8]| fixed_header(b, &day);
        let usual = "2024/05/02 14:43:56.6390016 4932  6608  SLS             Get response for service 9482F4B4";
        assert!(fixed_header(usual.as_bytes()).is_some());
        assert_eq!(fixed_header(usual.as_bytes()), general_header(usual.as_bytes()));
        let parts: [&[&str]; 10] = [
            &["2024/05/02", "2025/12/31", "2024-05-02", "2024/05-02", "2024/5/02", "1601/01/01", "2024/02/30", "\u{feff}2024/05/02", "2O24/05/02"],
            &[" ", "\t", "  "],
            &[
                "14:43:56.6390016",
                "00:00:00.0000000",
                "14:43:56.63900161",
                "4:43:56.6390016",
                "14:43:56",
                "14:43:56.639",
                "24:00:00.0000000",
                "14:43:56,6390016",
                "14:43:5x.6390016",
            ],
            &[" ", "\t", "", "   ", "x"],
            &["4932", "+7", "12a", "99999999999", "0", "١٢"],
            &["  ", "\t", " \t ", ""],
            &["6608", "+", "4294967296", "00012"],
            &["  ", "\t", "                                "],
            &["SLS", "DownloadManager", "Service_Control_Manager", "Service_Control_Manager_And_Then_Some_More", "é", ""],
            &[" ", "               ", "", "\t", "                                        "],
        ];
        let messages = ["Get response for service 9482F4B4", "", "   ", "*FAILED* [80072EE7] Send request with a message long enough"];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut read = 0;
        for _ in 0..50_000 {
            let mut line = String::new();
            for p in parts.iter().chain([&&messages[..]]) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly the usual part, often a near miss.
                let k = if x.is_multiple_of(3) { (x >> 8) as usize % p.len() } else { 0 };
                line.push_str(p[k]);
            }
            let fixed = fixed_header(line.as_bytes());
            read += usize::from(fixed.is_some());
            assert!(fixed.is_none() || fixed == general_header(line.as_bytes()), "{line:?}: {fixed:?}");
        }
        assert!(read > 5_000, "the usual lines are read in one step ({read})");
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
