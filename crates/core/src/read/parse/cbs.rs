//! CBS.log and DISM.log: `2020-02-03 23:50:28, Info                  CBS    message`.
//!
//! Windows setup writes the same lines (`setupact.log`), some with a message id between the
//! level and the component: `2019-03-29 00:25:41, Info       [0x0601c1] IBS    InstallWindows:...`.
//!
//! Local time, no offset. Lines without a timestamp (blank lines, the DISM summary blocks) are
//! kept as unparsed text: they are shown and searched, and their codes are counted.

use super::{skip_ws, token_end, Builder};
use crate::model::{Severity, NO_OFFSET};

pub struct Header {
    pub time: i64,
    pub severity: Severity,
    pub component: std::ops::Range<usize>,
    pub msg_start: usize,
    /// A setup message id stood before the component (only Windows setup writes one).
    pub message_id: bool,
}

pub fn header(b: &[u8]) -> Option<Header> {
    let (time, clock_end) = super::date_time(b, b'-', b' ')?;
    let mut i = clock_end;
    if b.get(i) != Some(&b',') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let level_end = token_end(b, i);
    let severity = match &b[i..level_end] {
        b"Info" | b"Perf" => Severity::Info,
        b"Warning" => Severity::Warning,
        b"Error" => Severity::Error,
        _ => return None,
    };
    let mut c_start = skip_ws(b, level_end);
    let id_end = message_id_end(b, c_start);
    if let Some(id_end) = id_end {
        c_start = skip_ws(b, id_end);
    }
    let c_end = token_end(b, c_start);
    let msg_start = skip_ws(b, c_end);
    Some(Header { time, severity, component: c_start..c_end, msg_start, message_id: id_end.is_some() })
}

/// The end of a setup message id (`[0x0601c1]`) at `i`, if one is there.
fn message_id_end(b: &[u8], i: usize) -> Option<usize> {
    let rest = b.get(i..)?.strip_prefix(b"[0x")?;
    let n = rest.iter().take_while(|c| c.is_ascii_hexdigit()).count();
    (n > 0 && rest.get(n) == Some(&b']')).then_some(i + 3 + n + 1)
}

pub fn parse(b: &mut Builder) {
    let text = b.text;
    for l in b.lines(b.start) {
        let line = &text.as_bytes()[l.start..l.end];
        let Some(h) = header(line) else {
            b.unparsed(&l);
            continue;
        };
        b.line_record(&l, h.msg_start, h.time, NO_OFFSET, h.component, 0, h.severity);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::LogFormat;
    use crate::model::Severity;
    use crate::read::parse::test_support::parse_checked;

    #[test]
    fn levels_components_and_blocks() {
        let text = "2020-02-03 23:50:28, Info                  CBS    TI: Last boot time\r\n2020-02-04 00:15:12, Error                 CBS    Session: 1_2 failed to perform store corruption detect and repair operation. [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]\r\n\r\nSummary:\r\nOperation result: 0x800f081f\r\n";
        let p = parse_checked(LogFormat::Cbs, text);
        assert_eq!(p.entries.iter().filter(|e| e.parsed).count(), 2);
        assert_eq!(p.entries[1].severity, Severity::Error);
        assert_eq!(p.entries.len(), 5);
        assert_eq!(p.components, ["CBS"]);
    }

    /// Windows setup's message id column (`[0x0601c1]`) is not the component.
    #[test]
    fn a_setup_message_id_is_read_past() {
        let text = "2019-03-29 00:25:41, Info       [0x0601c1] IBS    InstallWindows:Setup Phase 2\n2023-01-10 10:15:32, Error      [0x0f0070] SYSPRP RunExternalDlls: halting sysprep execution. dwRet = 0x3cf2\n";
        let p = parse_checked(LogFormat::Setup, text);
        assert_eq!(p.components, ["IBS", "SYSPRP"]);
        assert_eq!(&text[p.entries[0].msg_start as usize..p.entries[0].msg_end as usize], "InstallWindows:Setup Phase 2");
        assert_eq!(p.entries[1].severity, Severity::Error);
    }

    /// A second byte-order mark where a later session was appended (Panther's setuperr.log,
    /// DISM logs of a task sequence) starts a line like any other.
    #[test]
    fn a_bom_inside_the_file_keeps_the_line() {
        let text = "2021-05-18 04:20:14, Error                 CSI    first\r\n\u{feff}2021-05-18 04:20:20, Error                 MOUPG  second\r\n";
        let p = parse_checked(LogFormat::Cbs, text);
        assert!(p.entries.iter().all(|e| e.parsed), "{:?}", p.entries);
        assert_eq!(p.components, ["CSI", "MOUPG"]);
        assert_eq!(&text[p.entries[1].msg_start as usize..p.entries[1].msg_end as usize], "second");
    }
}
