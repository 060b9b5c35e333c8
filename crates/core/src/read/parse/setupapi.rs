//! SetupAPI's device installation logs: `setupapi.dev.log`, `setupapi.app.log`,
//! `setupapi.offline.log` (Microsoft Learn, "SetupAPI text logs": "Format of a text log
//! section", "Format of log entries"):
//!
//! ```text
//! [Device Install Log]
//!      OS Version = 10.0.19041
//! [Boot Session: 2022/08/11 22:29:21.389]
//!
//! >>>  [Device Install (Hardware initiated) - PCI\VEN_8086&DEV_1234\3&11111111&0&E0]
//! >>>  Section start 2023/03/02 05:09:26.000
//!      dvi: {Build Driver List} 05:09:26.120
//! !    inf: Replaced legacy pattern in section 'X' ... Code = 2086, Line = 42
//! !!!  dvi: Device not started: Device has problem: 0x0a (CM_PROB_FAILED_START), problem status: 0xc0000001.
//! <<<  Section end 2023/03/02 05:09:27.000
//! <<<  [Exit status: SUCCESS]
//! ```
//!
//! Every line is an entry of its own with its section's context: the section's start time (a
//! line that ends with its own clock, `05:09:26.120`, takes that time on the section's day),
//! the level its prefix gives (`!!!` error, `!` warning, else information; an exit status other
//! than SUCCESS is an error) and its event category (`dvi`, `inf`, `sto`, ...) as component.
//! A section title takes the time of the `Section start` line after it. Lines that are none of
//! these (the bytes a crash leaves after the last line) stay unparsed text. A big file is cut
//! only before a section title, where the context starts afresh.

use super::builder::Builder;
use crate::model::lines::Line;
use crate::model::time::{self, LocalMs};
use crate::model::{Severity, NO_OFFSET, NO_TIME};

/// The title line that opens a section.
const TITLE: &[u8] = b">>>  [";
const SECTION_START: &[u8] = b">>>  Section start ";
const SECTION_END: &[u8] = b"<<<  Section end ";
const BOOT_SESSION: &[u8] = b"[Boot Session: ";

/// Whether `head` (a file's first lines) is a SetupAPI log: its header line, or a section start.
pub fn is_layout(head: &str) -> bool {
    head.lines().take(200).any(|l| {
        let l = l.trim_start_matches('\u{FEFF}').trim_end().as_bytes();
        l == b"[Device Install Log]" || l.strip_prefix(SECTION_START).is_some_and(|rest| stamp(rest).is_some())
    })
}

/// Whether `rest` (a text from the start of a line on) begins with a section title: a section
/// starts its context afresh, so a big file may be cut there.
pub fn starts_record(rest: &[u8]) -> bool {
    rest.starts_with(TITLE)
}

/// Parse the text from `b.start` into entries: one per line, with its section's time and its own level.
pub fn parse(b: &mut Builder) {
    let text = b.text;
    let bytes = text.as_bytes();
    let mut lines = b.lines(b.start).peekable();
    // The time the last line gave (the section's start, a line's own clock).
    let mut now = NO_TIME;
    while let Some(l) = lines.next() {
        let line = &bytes[l.start..l.end];
        if super::bytes::is_blank(line) {
            b.unparsed(&l);
        } else if line.starts_with(TITLE) {
            // A new section: its time is its start's, on the next line.
            now = lines.peek().and_then(|n| bytes[n.start..n.end].strip_prefix(SECTION_START)).and_then(stamp).unwrap_or(NO_TIME);
            record(b, &l, 5, now, 0..0, Severity::Info);
        } else if let Some(t) = line.strip_prefix(SECTION_START).or_else(|| line.strip_prefix(SECTION_END)).and_then(stamp) {
            now = t;
            record(b, &l, 5, now, 0..0, Severity::Info);
        } else if let Some(status) = line.strip_prefix(b"<<<  [Exit status: ") {
            let severity = if status.starts_with(b"SUCCESS") { Severity::Info } else { Severity::Error };
            record(b, &l, 5, now, 0..0, severity);
        } else if line.starts_with(b">>>  ") || line.starts_with(b"<<<  ") {
            record(b, &l, 5, now, 0..0, Severity::Info);
        } else if let Some(t) = line.strip_prefix(BOOT_SESSION).and_then(stamp) {
            now = t;
            record(b, &l, 0, now, 0..0, Severity::Info);
        } else if line.first() == Some(&b'[') && line.last() == Some(&b']') {
            // `[Device Install Log]`, `[BeginLog]`.
            record(b, &l, 0, now, 0..0, Severity::Info);
        } else if let Some((severity, from)) = entry_prefix(line) {
            body(b, &l, line, from, severity, &mut now);
        } else {
            b.unparsed(&l);
        }
    }
}

/// A section's entry: its level and where its text begins (`!!!  `, `!    `, or blanks).
fn entry_prefix(line: &[u8]) -> Option<(Severity, usize)> {
    let (severity, from) = if line.starts_with(b"!!!") {
        (Severity::Error, 3)
    } else if line.starts_with(b"!") {
        (Severity::Warning, 1)
    } else if line.first() == Some(&b' ') {
        (Severity::Info, 0)
    } else {
        return None;
    };
    let text = super::bytes::skip_ws(line, from);
    (text > from || from == 0 && text > 0).then_some((severity, text))
}

/// A section's entry from `from` on: `dvi: text`, maybe ending with the line's own clock.
fn body(b: &mut Builder, l: &Line, line: &[u8], from: usize, severity: Severity, now: &mut LocalMs) {
    // The event category: two to four lower-case letters and a colon.
    let n = line[from..].iter().take(5).take_while(|c| c.is_ascii_lowercase()).count();
    let (component, msg) =
        if (2..=4).contains(&n) && line.get(from + n) == Some(&b':') { (from..from + n, super::bytes::skip_ws(line, from + n + 1)) } else { (0..0, from) };
    if let Some(t) = own_clock(line, *now) {
        *now = t;
    }
    record(b, l, msg, *now, component, severity);
}

/// The line's own clock at its end (`{Build Driver List} 05:09:26.120`) on the day of `now`
/// (the next day when the clock went round).
fn own_clock(line: &[u8], now: LocalMs) -> Option<LocalMs> {
    if now == NO_TIME || line.len() < 13 || line[line.len() - 13] != b' ' {
        return None;
    }
    let clock = &line[line.len() - 12..];
    let (h, mi, s, ms, n) = time::parse_clock(clock)?;
    if n != 12 {
        return None;
    }
    let day = now.div_euclid(86_400_000) * 86_400_000;
    let t = day + ((i64::from(h) * 60 + i64::from(mi)) * 60 + i64::from(s)) * 1000 + i64::from(ms);
    // A clock more than an hour behind the section's time is on the next day.
    Some(if t + 3_600_000 < now { t + 86_400_000 } else { t })
}

/// `2023/03/02 05:09:26.000` at the start of `rest`.
fn stamp(rest: &[u8]) -> Option<LocalMs> {
    super::bytes::date_time(rest, b'/', b' ').map(|(t, _)| t)
}

fn record(b: &mut Builder, l: &Line, msg: usize, time: LocalMs, component: std::ops::Range<usize>, severity: Severity) {
    b.line_record(l, msg.min(l.end - l.start), time, NO_OFFSET, component, 0, severity);
}

#[cfg(test)]
mod tests {
    use crate::model::{LogFormat, Severity, NO_TIME};
    use crate::read::parse::test_support::parse_checked;

    const LOG: &str = concat!(
        "[Device Install Log]\r\n     OS Version = 10.0.19041\r\n\r\n[BeginLog]\r\n\r\n[Boot Session: 2023/03/01 22:29:21.389]\r\n\r\n",
        ">>>  [Device Install (Hardware initiated) - PCI\\VEN_8086&DEV_1234\\3&11111111&0&E0]\r\n",
        ">>>  Section start 2023/03/02 23:59:20.100\r\n",
        "     dvi: {Build Driver List} 23:59:20.120\r\n",
        "!    inf: Replaced legacy pattern in section 'X'. Code = 2086, Line = 42\r\n",
        "!!!  dvi: Device not started: Device has problem: 0x0a (CM_PROB_FAILED_START), problem status: 0xc0000001.\r\n",
        "     dvi: {Build Driver List - exit(0x00000000)} 00:00:01.500\r\n",
        "<<<  Section end 2023/03/03 00:00:02.000\r\n",
        "<<<  [Exit status: FAILURE(0xe0000219)]\r\n\r\n",
    );

    #[test]
    fn sections_lines_levels_and_times() {
        let p = parse_checked(LogFormat::SetupApi, LOG);
        assert!(p.entries.iter().all(|e| e.parsed), "{:?}", p.entries);
        // Blank lines belong to the line before them.
        assert_eq!(p.entries.len(), 12);
        let at = |s: &str| p.entries.iter().find(|e| LOG[e.start as usize..e.end as usize].starts_with(s)).copied().expect(s);
        let t = |e: crate::model::Entry| crate::model::time::format_iso(e.time, None);
        assert_eq!(at("[Device Install Log]").time, NO_TIME);
        assert_eq!(t(at("[Boot Session")), "2023-03-01T22:29:21.389");
        // The title takes its section's start time.
        assert_eq!(t(at(">>>  [Device Install")), "2023-03-02T23:59:20.100");
        assert_eq!(t(at("     dvi: {Build Driver List} ")), "2023-03-02T23:59:20.120");
        let warning = at("!    inf");
        assert_eq!((warning.severity, t(warning)), (Severity::Warning, "2023-03-02T23:59:20.120".to_string()));
        assert_eq!(at("!!!  dvi").severity, Severity::Error);
        // A clock that went round midnight is on the next day.
        assert_eq!(t(at("     dvi: {Build Driver List - exit")), "2023-03-03T00:00:01.500");
        assert_eq!(at("<<<  [Exit status").severity, Severity::Error);
        assert_eq!(p.components, ["dvi", "inf"]);
        let e = at("!!!  dvi");
        assert!(LOG[e.msg_start as usize..e.msg_end as usize].starts_with("Device not started"));
        let title = at(">>>  [Device");
        assert!(LOG[title.msg_start as usize..].starts_with("[Device Install (Hardware initiated) - PCI"));
    }

    #[test]
    fn bytes_after_the_last_line_stay_text() {
        let text = ">>>  [Device Install (Hardware initiated) - X]\n>>>  Section start 2023/03/02 05:09:26.000\n     dvi: Waiting for previous device install to complete. 05:09:26.198\n<ins>\u{0}\u{0}";
        let p = parse_checked(LogFormat::SetupApi, text);
        assert_eq!(p.entries.iter().map(|e| e.parsed).collect::<Vec<_>>(), [true, true, true, false]);
    }

    #[test]
    fn detected_from_its_header_or_a_section() {
        assert!(super::is_layout(LOG));
        assert!(super::is_layout("     dvi: x\n>>>  Section start 2023/03/02 05:09:26.000\n"));
        assert!(!super::is_layout(">>>  Section start soon\n"));
    }
}
