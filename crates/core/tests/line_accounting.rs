//! Lines in = lines out, for any input: every physical line of every file is inside exactly one
//! parsed record or counted as unparsed, whatever the format, the line endings, NULs, cut-off
//! records or garbage.

use proptest::prelude::*;
use wulens_core::input::parse::parse;
use wulens_core::model::lines::count_lines;
use wulens_core::model::LogFormat;
use wulens_core::{Analysis, Input, Limits};

const FORMATS: [LogFormat; 9] = [
    LogFormat::Cmtrace,
    LogFormat::CmtraceSimple,
    LogFormat::WindowsUpdateLegacy,
    LogFormat::WindowsUpdateEtw,
    LogFormat::Cbs,
    LogFormat::Dism,
    LogFormat::Setup,
    LogFormat::WsusSoftwareDistribution,
    LogFormat::PlainText,
];

/// Pieces of real line shapes, cut and mixed at random.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#"<![LOG[Scan failed with error = 0x8024401b.]LOG]!><time="10:00:05.000+480" date="01-15-2024" component="WUAHandler" context="" type="3" thread="7" file="">"#.to_string()),
        Just("<![LOG[multi".to_string()),
        Just(r#"line]LOG]!><time="10:00:05.000+480" date="01-15-2024" component="X" type="1">"#.to_string()),
        Just("Sync $$<SMS_WSUS_SYNC_MANAGER><05-31-2024 16:45:56.136+420><thread=4512 (0x11A0)>".to_string()),
        Just("2018-05-20\t19:21:13:219\t 908\t45c\tAgent\t* WARNING: Exit code = 0x8024000B".to_string()),
        Just("2024/05/31 16:45:56.1360371 1234  5678  WebServices     *FAILED* [80072EE7] Send request".to_string()),
        Just("2020-02-03 23:50:28, Error                 CBS    Failed [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]".to_string()),
        Just("2024-05-31 16:45:56.136 UTC\tError\tWsusService.27\tSyncAgent.Sync\tWebException".to_string()),
        "[ -~]{0,40}",
        "[\u{0}-\u{1f}a-z]{0,8}",
        "\\PC{0,20}",
    ]
}

fn terminator() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\r\n"), Just("\n"), Just("\r"), Just("")]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec((piece(), terminator()), 0..40).prop_map(|v| v.into_iter().map(|(p, t)| p + t).collect())
}

fn check_tiling(format: LogFormat, text: &str) -> Result<(), TestCaseError> {
    let p = parse(format, text);
    let mut line = 1u32;
    let mut pos = 0u32;
    for e in &p.entries {
        prop_assert_eq!(e.line, line, "{:?}: entries must follow each other line by line", format);
        prop_assert!(e.lines >= 1);
        prop_assert!(e.start >= pos && e.end >= e.start && e.msg_start >= e.start && e.msg_end <= e.end);
        prop_assert!(text.is_char_boundary(e.msg_start as usize) && text.is_char_boundary(e.msg_end as usize));
        line += u32::from(e.lines);
        pos = e.end;
    }
    prop_assert_eq!(line - 1, count_lines(text), "{:?}: every physical line is accounted for", format);
    prop_assert_eq!(p.physical_lines, count_lines(text));
    let parsed: u32 = p.entries.iter().filter(|e| e.parsed).map(|e| u32::from(e.lines)).sum();
    let unparsed: u32 = p.entries.iter().filter(|e| !e.parsed).map(|e| u32::from(e.lines)).sum();
    prop_assert_eq!(parsed + unparsed, count_lines(text));
    Ok(())
}

/// A record of more lines than an entry counts (65,535) ends there; its other lines are entries
/// of their own, and every line is still in exactly one entry.
#[test]
fn a_record_of_seventy_thousand_lines_still_tiles() {
    let body = "x\n".repeat(70_000);
    let cmtrace = format!("<![LOG[start\n{body}end]LOG]!><time=\"10:00:05.000+480\" date=\"01-15-2024\" component=\"X\" context=\"\" type=\"1\" thread=\"7\" file=\"\">\n<![LOG[next]LOG]!><time=\"10:00:06.000+480\" date=\"01-15-2024\" component=\"X\" context=\"\" type=\"1\" thread=\"7\" file=\"\">\n");
    let cbs = format!(
        "2020-02-03 23:50:28, Info                  CBS    start\n{}2020-02-03 23:50:29, Info                  CBS    next\n",
        "  more\n".repeat(70_000)
    );
    for (format, text) in [(LogFormat::Cmtrace, cmtrace), (LogFormat::Cbs, cbs)] {
        check_tiling(format, &text).unwrap();
        let p = parse(format, &text);
        assert_eq!(p.entries[0].lines, u16::MAX, "{format:?}");
        assert!(p.entries[0].parsed);
        let next = p.entries.iter().rev().find(|e| e.parsed).unwrap();
        assert_eq!(next.line, count_lines(&text), "{format:?}: the last record keeps its own line number");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_parser_tiles_every_input(t in text()) {
        for f in FORMATS {
            check_tiling(f, &t)?;
        }
    }

    /// The same through the whole pipeline (sniffing, decoding, detection), on raw bytes.
    #[test]
    fn reports_add_up_for_any_bytes(t in text(), junk in prop::collection::vec(any::<u8>(), 0..64), utf16 in any::<bool>()) {
        let mut bytes: Vec<u8> = if utf16 {
            let mut v = vec![0xFF, 0xFE];
            v.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
            v
        } else {
            t.into_bytes()
        };
        bytes.extend(junk);
        let a = Analysis::from_inputs(vec![Input { name: "x.log".into(), bytes: bytes.into() }], &Limits::default());
        let r = wulens_core::Report::build(&a);
        for f in &r.files {
            if f.format != "binary" && f.format != "empty" {
                let parsed: u32 = a.files[0].entries.iter().filter(|e| e.parsed).map(|e| u32::from(e.lines)).sum();
                prop_assert_eq!(parsed + f.unparsed, f.lines);
                prop_assert_eq!(f.lines, count_lines(&a.files[0].text));
            }
        }
    }
}
