//! `%windir%\SoftwareDistribution\ReportingEvents.log`: the Windows Update agent's own record of
//! every search, download and install it finished, one tab-separated line each (UTF-16 LE):
//!
//! `{event id}<TAB>2023-06-17 20:20:23:087+0300<TAB>1<TAB>148 [AGENT_DETECTION_FAILED]<TAB>101<TAB>{service id}<TAB>1<TAB>80072ee2<TAB>caller<TAB>Failure<TAB>Software Synchronization<TAB>text<TAB>cV`
//!
//! The time carries its UTC offset. The component is the event name; the level comes from the
//! `Success` / `Failure` column.

use super::builder::Builder;
use crate::model::Severity;

/// What the first line `b` of a record says: its time and offset, level, component (the event
/// name) and where its message starts.
pub struct Header {
    /// Local wall-clock milliseconds, as written (the offset is beside it).
    pub time: i64,
    /// ISO offset in minutes (`+0300` → 180).
    pub offset: i16,
    /// Error for a `Failure` line, else info.
    pub severity: Severity,
    /// The event name inside `148 [AGENT_DETECTION_FAILED]`.
    pub component: std::ops::Range<usize>,
    /// Where the message (the text after the event column) starts in the line.
    pub msg_start: usize,
}

/// Columns of a record, split at tabs.
fn columns(b: &[u8]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start > b.len() {
            return None;
        }
        let end = memchr::memchr(b'\t', &b[start..]).map_or(b.len(), |j| start + j);
        let r = start..end;
        start = end + 1;
        Some(r)
    })
}

/// A byte-order mark before the record (a second session appended) is read past.
pub fn header(line: &[u8]) -> Option<Header> {
    let bom = if line.starts_with(super::bytes::BOM) { super::bytes::BOM.len() } else { 0 };
    let h = record_header(&line[bom..])?;
    Some(Header { component: h.component.start + bom..h.component.end + bom, msg_start: h.msg_start + bom, ..h })
}

fn record_header(b: &[u8]) -> Option<Header> {
    if b.first() != Some(&b'{') {
        return None;
    }
    let cols: Vec<std::ops::Range<usize>> = columns(b).take(11).collect();
    if cols.len() < 11 || cols[0].len() != 38 {
        return None;
    }
    // 2023-06-17 20:20:23:087+0300
    let t = &b[cols[1].clone()];
    let (y, mo, d) = super::bytes::ymd(t, b'-')?;
    if t.get(10) != Some(&b' ') {
        return None;
    }
    let (h, mi, s, ms, n) = crate::model::time::parse_clock(&t[11..])?;
    let time = crate::model::time::local_ms(y, mo, d, h, mi, s, ms)?;
    let zone = &t[11 + n..];
    let offset = match zone {
        [sign @ (b'+' | b'-'), rest @ ..] if rest.len() == 4 && rest.iter().all(u8::is_ascii_digit) => {
            let v = std::str::from_utf8(rest).ok()?.parse::<i16>().ok()?;
            let minutes = v / 100 * 60 + v % 100;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    let event = cols[3].clone();
    let name = memchr::memchr(b'[', &b[event.clone()]).map(|i| event.start + i + 1..event.end.saturating_sub(1)).filter(|r| r.start < r.end)?;
    let severity = match &b[cols[9].clone()] {
        b"Failure" => Severity::Error,
        _ => Severity::Info,
    };
    Some(Header { time, offset, severity, component: name, msg_start: cols[3].start })
}

/// Parse the whole text into entries, one per line that reads as a record; other lines stay
/// unparsed (a blank one joins the record before it).
pub fn parse(b: &mut Builder) {
    let text = b.text;
    for l in b.lines(0) {
        let line = &text.as_bytes()[l.start..l.end];
        let Some(h) = header(line) else {
            b.unparsed(&l);
            continue;
        };
        b.line_record(&l, h.msg_start, h.time, h.offset, h.component, 0, h.severity);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{LogFormat, Severity};
    use crate::read::parse::test_support::parse_checked;

    const LINE: &str = "{A583FB9E-9C9C-4282-B2AC-021ABB6BCB34}\t2023-06-17 20:20:23:087+0300\t1\t148 [AGENT_DETECTION_FAILED]\t101\t{83CB05B1-36CD-4EF9-A9C6-136D4B522E64}\t1\t80072ee2\t<<PROCESS>>: DllHost.exe\tFailure\tSoftware Synchronization\tWindows Update Client failed to detect with error 0x80072ee2.\tw3Fd8MIdE0yBSbdX.0\r\n";

    #[test]
    fn columns_time_offset_and_level() {
        let p = parse_checked(LogFormat::WindowsUpdateReportingEvents, LINE);
        let e = p.entries[0];
        assert!(e.parsed);
        assert_eq!(e.offset, 180);
        assert_eq!(e.severity, Severity::Error);
        assert_eq!(p.components, ["AGENT_DETECTION_FAILED"]);
        assert!(LINE[e.msg_start as usize..e.msg_end as usize].starts_with("148 [AGENT_DETECTION_FAILED]\t101"));
        assert_eq!(crate::model::time::format_iso(e.time, Some(180)), "2023-06-17T20:20:23.087+03:00");
        assert_eq!(crate::read::detect(LINE, "x.log"), LogFormat::WindowsUpdateReportingEvents);
    }

    /// A second byte-order mark where a later session was appended keeps its record.
    #[test]
    fn a_bom_inside_the_file_keeps_the_record() {
        let text = format!("{LINE}\u{feff}{LINE}");
        let p = parse_checked(LogFormat::WindowsUpdateReportingEvents, &text);
        assert!(p.entries.iter().all(|e| e.parsed), "{:?}", p.entries);
        let e = p.entries[1];
        assert!(text[e.msg_start as usize..e.msg_end as usize].starts_with("148 [AGENT_DETECTION_FAILED]\t101"));
        assert_eq!(p.components, ["AGENT_DETECTION_FAILED"]);
    }
}
