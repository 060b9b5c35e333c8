//! Delivery Optimization's log as admins save `Get-DeliveryOptimizationLog`
//! (`tests/fixtures/delivery-optimization`, made by `make_do_fixtures.py` after the layouts its
//! README cites): each shape is detected from its content, whatever the file is called, its
//! records become entries (a multi-line message stays one), the DO codes are explained, and the
//! download jobs are operations with the code a failed one ended with.

use std::path::{Path, PathBuf};

use wulens_core::model::{LogFormat, Severity};
use wulens_core::{Analysis, Input, Limits, Report};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/delivery-optimization")
}

/// The fixture's files, each under a name that says nothing of its content.
fn analysis() -> Analysis {
    let inputs = [("do-setcontent.log", "a.txt"), ("do-formatlist.log", "b.txt"), ("do-export.csv", "c.txt")]
        .iter()
        .map(|(file, name)| Input { name: name.to_string(), bytes: std::fs::read(dir().join(file)).unwrap().into() })
        .collect();
    Analysis::from_inputs(inputs, &Limits::default())
}

#[test]
fn each_shape_is_detected_and_its_records_are_entries() {
    let a = analysis();
    let f = |name: &str| a.files.iter().find(|f| f.name == name).unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        assert_eq!(f(name).format, LogFormat::DeliveryOptimization, "{name}");
    }
    let parsed = |name: &str| f(name).entries.iter().filter(|e| e.parsed).count();
    // 10 one-line records; 4 Format-List records; 2 CSV rows under their header.
    assert_eq!((parsed("a.txt"), parsed("b.txt"), parsed("c.txt")), (10, 4, 2));
    // A Format-List record is one entry, its wrapped message included (11 lines + the blank).
    let start = &f("b.txt").entries.iter().filter(|e| e.parsed).nth(1).unwrap();
    assert_eq!(start.lines, 12);
    assert!(f("b.txt").message(start).contains("http://contoso-apps.blob.example.net/files/app.appinstaller, cacheHost"));
    // The one-line form is UTC by format; its levels and functions are read.
    let lines = f("a.txt");
    assert_eq!(lines.offset.source, wulens_core::model::OffsetSource::Utc);
    assert_eq!(lines.entries.iter().filter(|e| e.severity == Severity::Warning).count(), 2);
    assert!(lines.components.iter().any(|c| c == "CTelemetryLogger::_InternalTraceDownloadPaused"));
    // The CSV row whose quoted message holds a line break is one entry of two lines.
    assert_eq!(f("c.txt").entries.iter().filter(|e| e.parsed).map(|e| e.lines).collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn the_codes_are_explained_and_a_failed_job_ends_with_its_code() {
    let r = Report::build(&analysis());
    let code =
        |c: &str| r.errors.iter().find(|e| e.code == c).unwrap_or_else(|| panic!("{c} not in {:?}", r.errors.iter().map(|e| &e.code).collect::<Vec<_>>()));
    // In the message (`hr = 80d02002`), in ErrorCode (`0x80D05011`), as a signed decimal.
    assert_eq!(code("0x80D02002").count, 2);
    assert_eq!(code("0x80D05011").count, 2);
    assert_eq!(code("0x80072EE7").count, 1);
    for c in ["0x80D02002", "0x80D05011"] {
        let kb = code(c).kb.as_ref().expect("explained");
        assert!(kb.symbol.starts_with("DO_E_"), "{c}: {}", kb.symbol);
    }
    // DO's jobs alone are told as DO's (it serves apps and Office too), not as the agent's.
    assert!(r.statements.iter().any(|s| s.text.starts_with("Delivery Optimization: 3 downloads: 2 failed")), "{:?}", r.statements);
    let jobs: Vec<_> = r.operations.items.iter().filter(|o| o.title == "Delivery Optimization download").collect();
    let outcomes: Vec<(String, Option<String>)> = jobs.iter().map(|o| (format!("{:?}", o.outcome), o.code.clone())).collect();
    assert_eq!(jobs.len(), 3, "{outcomes:?}");
    let failed = jobs.iter().find(|o| o.code.as_deref() == Some("0x80D02002")).expect("the job paused with no progress");
    assert_eq!(format!("{:?}", failed.outcome), "Failed");
    assert_eq!((failed.start.as_ref().unwrap().line, failed.end.as_ref().unwrap().line), (8, 11));
    assert!(jobs.iter().any(|o| format!("{:?}", o.outcome) == "Succeeded"));
    assert!(jobs.iter().any(|o| o.code.as_deref() == Some("0x80D05011") && o.file.ends_with("b.txt")));
}

/// Delivery Optimization's jobs name their source (`Uri = `, `cdnUrl = `): a download from
/// Microsoft's content servers is not advised about a WSUS server, and the rule about reaching
/// the WSUS server does not count the time-out it met.
#[test]
fn a_download_from_microsofts_servers_gets_no_wsus_advice() {
    let r = Report::build(&analysis());
    let advice: Vec<String> = r.next_checks.iter().map(|c| format!("{} {}", c.text, c.command.as_deref().unwrap_or(""))).collect();
    assert!(advice.iter().all(|t| !t.contains("WSUS")), "{advice:#?}");
    assert!(!r.findings.iter().any(|f| f.title.contains("update server")), "{:?}", r.findings.iter().map(|f| &f.title).collect::<Vec<_>>());
    assert!(r.summary.verdict.contains("Delivery Optimization could not download"), "{}", r.summary.verdict);
}

/// The same machine's Delivery Optimization log beside the agent's WindowsUpdate.log, whose
/// DownloadManager lines name both jobs (`tests/fixtures/delivery-optimization-agent`): a job
/// and the agent's download call it served are one download, counted once, and the call that
/// failed with no code of its own failed on its job's code.
#[test]
fn a_job_the_agents_log_names_is_the_agents_download() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/delivery-optimization-agent");
    let inputs = ["DeliveryOptimization.log", "WindowsUpdate.log"]
        .iter()
        .map(|f| Input { name: f.to_string(), bytes: std::fs::read(dir.join(f)).unwrap().into() })
        .collect();
    let r = Report::build(&Analysis::from_inputs(inputs, &Limits::default()));
    let wu = r.statements.iter().find(|s| s.text.starts_with("Windows Update")).expect("the agent's statement");
    assert!(wu.text.starts_with("Windows Update: 2 downloads: 1 failed (after 0x80D02002"), "{}", wu.text);
    assert!(r.summary.verdict.contains("1 of 2 downloads failed"), "{}", r.summary.verdict);
    // Both jobs say which call they served: the agent's first line that names each.
    let jobs: Vec<_> = r.operations.items.iter().filter(|o| o.title == "Delivery Optimization download").collect();
    assert_eq!(jobs.len(), 2);
    for j in &jobs {
        let s = j.served.as_ref().unwrap_or_else(|| panic!("{:?} served nothing", j.start));
        assert_eq!(s.file, "WindowsUpdate.log");
        assert!(s.text.starts_with("DO job initialized: JobId = {"), "{}", s.text);
    }
    // The report still lists every operation the logs show.
    assert_eq!(r.operations.total, 4);
    let call = r.operations.items.iter().find(|o| o.title == "download" && o.outcome == wulens_core::model::Outcome::Failed).unwrap();
    assert_eq!((call.code.as_deref(), call.root.as_deref()), (None, Some("0x80D02002")));
    // The DO finding is an error: a download ended with its code.
    let f = r.findings.iter().find(|f| f.title.starts_with("Delivery Optimization")).unwrap();
    assert!(f.summary.contains("1 download failed with one of them"), "{}", f.summary);
}
