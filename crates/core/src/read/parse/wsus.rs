//! WSUS server `SoftwareDistribution.log`, in UTC:
//!
//! `2024-05-31 16:45:56.136 UTC<TAB>Info<TAB>WsusService.27<TAB>EventLogEventReporter.ReportEvent<TAB>EventId=382,...`
//!
//! Columns: time, level, process.thread, class.method, message. Exception stack traces follow
//! on lines of their own; they are kept as unparsed text.

use super::builder::Builder;
use crate::model::Severity;

/// What the first line `b` of a record says: its time, level, thread, component and where its
/// message starts.
pub struct Header {
    /// UTC milliseconds (this log writes UTC).
    pub time: i64,
    /// From the level column.
    pub severity: Severity,
    /// The thread from the `process.thread` column (0 when it has none).
    pub thread: u32,
    /// Byte range of the `class.method` column.
    pub component: std::ops::Range<usize>,
    /// Where the message starts in the line.
    pub msg_start: usize,
}

/// Read `b` as a record's first line, or `None` when it does not start with this layout.
pub fn header(b: &[u8]) -> Option<Header> {
    let (time, clock_end) = super::bytes::date_time(b, b'-', b' ')?;
    let rest = &b[clock_end..];
    let rest_at = clock_end
        + if rest.starts_with(b" UTC\t") {
            5
        } else if rest.starts_with(b"\t") {
            1
        } else {
            return None;
        };
    let mut fields: [std::ops::Range<usize>; 3] = [0..0, 0..0, 0..0];
    let mut i = rest_at;
    for f in &mut fields {
        let end = memchr::memchr(b'\t', &b[i..]).map(|j| i + j)?;
        *f = i..end;
        i = end + 1;
    }
    let [level, thread, component] = fields;
    let severity = match &b[level] {
        b"Error" => Severity::Error,
        b"Warning" => Severity::Warning,
        b"Info" | b"Change" | b"Audit" | b"Verbose" => Severity::Info,
        _ => return None,
    };
    let t = &b[thread];
    let thread = t.iter().rposition(|&c| c == b'.').map_or(0, |p| super::cmtrace::leading_number(std::str::from_utf8(&t[p + 1..]).unwrap_or("")));
    Some(Header { time, severity, thread, component, msg_start: i.min(b.len()) })
}

/// Parse the whole text into entries; lines without a header (stack traces) stay unparsed.
pub fn parse(b: &mut Builder) {
    let text = b.text;
    for l in b.lines(0) {
        let line = &text.as_bytes()[l.start..l.end];
        let Some((at, h)) = header(line).map(|h| (0, h)).or_else(|| super::bytes::after_prefix(line, header)) else {
            b.unparsed(&l);
            continue;
        };
        let component = at + h.component.start..at + h.component.end;
        b.line_record(&l, at + h.msg_start, h.time, 0, component, h.thread, h.severity);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::LogFormat;
    use crate::model::Severity;
    use crate::read::parse::test_support::parse_checked;

    #[test]
    fn parses_utc_lines_and_keeps_stack_traces() {
        let text = "2024-05-31 16:45:56.136 UTC\tInfo\tWsusService.27\tEventLogEventReporter.ReportEvent\tEventId=382,Type=Information,Category=Synchronization,Message=A manual synchronization was started.\r\n2024-05-31 16:46:10.000 UTC\tError\tWsusService.27\tSyncAgent.Sync\tSyncUpdates_WithRecovery failed\r\n   at Microsoft.UpdateServices.X()\r\n";
        let p = parse_checked(LogFormat::WsusSoftwareDistribution, text);
        assert_eq!(p.entries.len(), 3);
        assert_eq!(p.entries[0].thread, 27);
        assert_eq!(p.entries[0].offset, 0);
        assert_eq!(p.entries[1].severity, Severity::Error);
        assert_eq!(p.components, ["EventLogEventReporter.ReportEvent", "SyncAgent.Sync"]);
        assert!(!p.entries[2].parsed);
    }
}
