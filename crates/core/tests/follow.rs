//! Following a log that is still being written: read in pieces as it grows, it ends where
//! reading it at once does (entries, codes, the report).

use wulens_core::report::ReportLimits;
use wulens_core::{Analysis, Input, Limits, Report};

fn cm(msg: &str, sec: u32, sev: u8) -> String {
    format!("<![LOG[{msg}]LOG]!><time=\"10:00:{sec:02}.000+000\" date=\"06-12-2024\" component=\"WUAHandler\" context=\"\" type=\"{sev}\" thread=\"1\" file=\"x.cpp:1\">\r\n")
}

fn whole(lines: &[String]) -> Analysis {
    Analysis::from_inputs(vec![Input { name: "CCM/Logs/WUAHandler.log".into(), bytes: lines.concat().into_bytes().into() }], &Limits::default())
}

/// A log read in pieces as it grows ends with the same codes, entries and report as the
/// same log read at once.
#[test]
fn following_ends_where_reading_at_once_does() {
    let lines = vec![
        cm("OnSearchComplete - Failed to end search job. Error = 0x80244022.", 1, 3),
        cm("Scan failed with error = 0x80244022.", 2, 3),
        cm("Its a WSUS Update Source type ({3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}), adding it.", 3, 1),
        cm("Async searching of updates using WUAgent started.", 4, 1),
        cm("Async searching completed.", 5, 1),
        cm("Successfully completed scan. 0x8024401B was seen before", 6, 1),
    ];
    let at_once = whole(&lines);
    let mut a = whole(&lines[..1]);
    let text = lines[1..].concat();
    // Cut inside records and between them.
    for piece in [&text[..10], &text[10..200], &text[200..text.len() - 3], &text[text.len() - 3..]] {
        a.append(0, piece, piece.len() as u64);
    }
    assert_eq!(a.files[0].entries.len(), at_once.files[0].entries.len());
    assert_eq!(a.entry_codes, at_once.entry_codes);
    let codes = |a: &Analysis| a.codes.iter().map(|c| (c.code, c.count, c.occurrences.clone())).collect::<Vec<_>>();
    assert_eq!(codes(&a), codes(&at_once));
    let r1 = serde_json::to_value(Report::build_with(&a, ReportLimits::PAGE)).unwrap();
    let r2 = serde_json::to_value(Report::build_with(&at_once, ReportLimits::PAGE)).unwrap();
    assert_eq!(r1["summary"], r2["summary"]);
    assert_eq!(r1["errors"], r2["errors"]);
}
