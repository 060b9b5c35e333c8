//! Binary Windows Update traces (.etl) read directly: the real traces in
//! ../shared/reallogs/etl (not copied into the project) go through the whole engine: `real_logs`
//! tests (crates/testdata).

use std::path::PathBuf;

use wulens_core::input::FileLoader;
use wulens_core::model::{LogFormat, OperationKind, Outcome, Severity};
use wulens_core::{Analysis, Input, Limits, Report};

fn dir() -> PathBuf {
    let d = wulens_testdata::real_logs().join("etl");
    assert!(d.join("README.md").exists(), "{} is needed by these tests", d.display());
    d
}

const WU: &str = "WindowsUpdate.20251008.140245.443.8.etl";
const SIH: &str = "SIH.20230422.034724.362.1.etl";

fn analyse(names: &[&str]) -> Analysis {
    let d = dir();
    let inputs = names.iter().map(|n| Input { name: n.to_string(), bytes: std::fs::read(d.join(n)).unwrap().into() }).collect();
    Analysis::from_inputs(inputs, &Limits::default())
}

#[test]
fn real_logs_windows_update_trace_reads_as_its_text_log() {
    let a = analyse(&[WU]);
    let f = &a.files[0];
    assert_eq!(f.format, LogFormat::WindowsUpdateEtw);
    assert_eq!((f.physical_lines, f.parsed_entries()), (80, 80));
    assert!(f.notes[0].contains("80 events") && f.notes[0].contains("UTC-08:00"), "{:?}", f.notes);
    // Times are UTC: the first event is 14:03:26 local at UTC-8.
    let first = &f.entries[0];
    assert_eq!(f.offset_of(first), 0);
    assert_eq!(f.record(first).get(..27), Some("2025/10/08 21:03:26.9403716"));
    assert_eq!(f.component(first), "Agent");
    // Level 3 ("Unhandled work item type") is a warning.
    let second = &f.entries[1];
    assert_eq!(f.message(second), "Unhandled work item type: callback work item.");
    assert_eq!(second.severity, Severity::Warning);
}

#[test]
fn real_logs_windows_update_trace_shows_the_install_that_succeeded() {
    let a = analyse(&[WU]);
    let r = Report::build(&a);
    // The trace: "Install call complete (succeeded = 1, ..., failed = 0" and
    // "* END *   Install ClientId = Update;ScanForUpdates".
    let installs: Vec<_> = r.operations.items.iter().filter(|o| o.kind == OperationKind::Install).collect();
    assert_eq!(installs.len(), 1, "{:?}", r.operations);
    assert_eq!(installs[0].outcome, Outcome::Succeeded);
    assert_eq!(installs[0].caller, "Update;ScanForUpdates");
    assert!(r.summary.detail.contains("1 install, succeeded"), "{}", r.summary.detail);
}

#[test]
fn real_logs_several_traces_merge_on_one_timeline() {
    let a = analyse(&[WU, SIH]);
    assert_eq!(a.files.len(), 2);
    let sih = a.files.iter().find(|f| f.name == SIH).unwrap();
    let wu = a.files.iter().find(|f| f.name == WU).unwrap();
    assert_eq!(sih.parsed_entries(), 10);
    // The SIH trace's level-3 "*FAILED* [80245108]" line is at least a warning.
    let failed = sih.entries.iter().find(|e| sih.message(e).starts_with("*FAILED*")).unwrap();
    assert!(failed.severity >= Severity::Warning);
    assert!(a.code_stats(0x8024_5108).is_some(), "the code in the SIH trace is found");
    // Both state UTC: the SIH events (2023) come before the Windows Update ones (2025).
    assert!(sih.utc_ms(&sih.entries[0]).unwrap() < wu.utc_ms(&wu.entries[0]).unwrap());
}

#[test]
fn real_logs_detected_by_content_and_loaded_in_chunks_alike() {
    let d = dir();
    let bytes = std::fs::read(d.join(WU)).unwrap();
    let whole = Analysis::from_inputs(vec![Input { name: "renamed.bin".into(), bytes: bytes.clone().into() }], &Limits::default()).files.remove(0);
    assert_eq!(whole.format, LogFormat::WindowsUpdateEtw);
    for chunk in [1000, 4096, 65536] {
        let mut l = FileLoader::new("renamed.bin", bytes.len() as u64);
        for c in bytes.chunks(chunk) {
            l.push(c);
        }
        let f = l.finish(&Limits::default()).files.remove(0);
        assert_eq!(f.text, whole.text, "chunk {chunk}");
        assert_eq!(f.entries, whole.entries);
    }
}

/// A trace's events are UTC by format: they do not outvote the local clock the other logs of
/// the drop state, so a CBS.log (no offset of its own) takes the ConfigMgr logs' offset.
#[test]
fn real_logs_trace_times_do_not_decide_the_other_logs_offset() {
    let d = dir();
    let cmtrace = "<![LOG[Async searching completed.]LOG]!><time=\"10:00:00.000+420\" date=\"10-08-2025\" component=\"WUAHandler\" context=\"\" type=\"1\" thread=\"1\" file=\"x.cpp:1\">\r\n";
    let cbs = "2025-10-08 03:00:00, Info                  CBS    Starting TrustedInstaller initialization.\r\n";
    let inputs = vec![
        Input { name: WU.into(), bytes: std::fs::read(d.join(WU)).unwrap().into() },
        Input { name: "WUAHandler.log".into(), bytes: cmtrace.as_bytes().into() },
        Input { name: "CBS.log".into(), bytes: cbs.as_bytes().into() },
    ];
    let a = Analysis::from_inputs(inputs, &Limits::default());
    let cbs = a.files.iter().find(|f| f.name == "CBS.log").unwrap();
    let cm = a.files.iter().find(|f| f.name == "WUAHandler.log").unwrap();
    assert_eq!(cbs.offset.minutes, cm.offset.minutes, "CBS.log took the trace's UTC instead of the ConfigMgr logs' offset");
    assert_ne!(cm.offset.minutes, 0);
}

/// A trace whose buffer headers are inconsistent after the first buffer (as `wusa.exe /log`
/// writes one, often named .txt; or a damaged copy) still gives a report: the events are read
/// by their record markers and the file's notes say how much of it was damaged.
#[test]
fn real_logs_a_trace_with_damaged_buffer_headers_still_gives_a_report() {
    let d = dir();
    let mut bytes = std::fs::read(d.join(WU)).unwrap();
    let buffer = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    for at in (buffer..bytes.len()).step_by(buffer) {
        bytes[at..at + 0x48].fill(0);
    }
    let a = Analysis::from_inputs(vec![Input { name: "wusa-install.txt".into(), bytes: bytes.into() }], &Limits::default());
    let f = &a.files[0];
    assert_eq!(f.format, LogFormat::WindowsUpdateEtw, "{:?}", f.notes);
    assert_eq!(f.parsed_entries(), 80);
    assert!(f.notes.iter().any(|n| n.contains("24576 of the trace's 28672 bytes") && n.contains("80 records were recovered")), "{:?}", f.notes);
    let r = Report::build(&a);
    assert!(r.summary.detail.contains("1 install, succeeded"), "{}", r.summary.detail);
}
