//! CBS.log and DISM.log: `2020-02-03 23:50:28, Info                  CBS    message`.
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
    let c_start = skip_ws(b, level_end);
    let c_end = token_end(b, c_start);
    let msg_start = skip_ws(b, c_end);
    Some(Header { time, severity, component: c_start..c_end, msg_start })
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
