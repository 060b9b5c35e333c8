//! Windows event logs (.evtx): the real ones in ../shared/reallogs/evidence (read in place,
//! never copied; `real_logs` tests, crates/testdata), each dropped alone,
//! against the reading in that folder's README: every record read whatever a stale header says,
//! and the verdict a careful reader gives. Also damaged files, and an .evtx beside a text log.

use wulens_core::input::FileLoader;
use wulens_core::model::{LogFormat, OperationKind, Outcome, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

fn evidence(name: &str) -> Vec<u8> {
    let d = wulens_testdata::real_logs().join("evidence");
    std::fs::read(d.join(name)).unwrap_or_else(|e| panic!("{name} in {}: {e}", d.display()))
}

fn analyze(files: Vec<(&str, Vec<u8>)>) -> (Analysis, Report) {
    let inputs = files.into_iter().map(|(n, b)| Input { name: n.to_string(), bytes: b.into() }).collect();
    let a = Analysis::from_inputs(inputs, &Limits::default());
    let r = Report::build(&a);
    (a, r)
}

fn text(r: &Report) -> String {
    format!("{}\n{}", r.summary.verdict, r.summary.detail)
}

fn ops(r: &Report, kind: OperationKind, outcome: Outcome) -> Vec<&wulens_core::report::OperationReport> {
    r.operations.items.iter().filter(|o| o.kind == kind && o.outcome == outcome).collect()
}

#[test]
fn real_logs_every_record_is_read_whatever_the_header_says() {
    // (file, records): 60, 65 and 68 were copied dirty, their headers count fewer.
    for (name, n) in [
        ("60_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx", 91),
        ("61_Setup.evtx", 8),
        ("62_Setup.evtx", 15),
        ("65_System.evtx", 299),
        ("68_Microsoft-Windows-Bits-Client%4Operational.evtx", 502),
    ] {
        let bytes = evidence(name);
        let (a, _) = analyze(vec![(name, bytes)]);
        let f = &a.files[0];
        assert_eq!(f.format, LogFormat::EventLog, "{name}: {:?}", f.notes);
        assert_eq!(f.entries.iter().filter(|e| e.parsed).count(), n, "{name}");
        // Record order, not time order: line n is record n (these logs have no gaps).
        assert!(f.message(&f.entries[n - 1]).contains(&format!("record {n},")), "{name}");
    }
}

#[test]
fn real_logs_an_empty_log_says_no_windows_update_activity() {
    let name = "67_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx";
    let bytes = evidence(name);
    let (a, r) = analyze(vec![(name, bytes)]);
    assert_eq!(a.files[0].entries.len(), 0);
    let notes = a.files[0].notes.join(" ");
    assert!(notes.contains("no events") && notes.contains("no Windows Update activity"), "{notes}");
    assert!(!notes.contains("cannot be read"), "{notes}");
    // The first screen says why nothing can be concluded.
    assert!(r.summary.verdict.contains("holds no events"), "{}", text(&r));
    assert_ne!(r.summary.status, VerdictStatus::Failed);
}

#[test]
fn real_logs_the_operational_channel_is_healthy() {
    let name = "60_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx";
    let bytes = evidence(name);
    let (_, r) = analyze(vec![(name, bytes)]);
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", text(&r));
    assert_eq!(ops(&r, OperationKind::Download, Outcome::Succeeded).len(), 43);
    assert_eq!(ops(&r, OperationKind::Search, Outcome::Succeeded).len(), 48);
    assert!(ops(&r, OperationKind::Download, Outcome::Failed).is_empty());
    // The cumulative update's title, with its KB, is on the timeline and in the updates' words.
    assert!(r.operations.items.iter().any(|o| o.update.as_deref().is_some_and(|u| u.contains("KB5046613"))));
}

#[test]
fn real_logs_setup_log_names_the_failed_package_and_the_installed_one() {
    let name = "61_Setup.evtx";
    let bytes = evidence(name);
    let (_, r) = analyze(vec![(name, bytes)]);
    let t = text(&r);
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{t}");
    let failed = ops(&r, OperationKind::Servicing, Outcome::Failed);
    assert_eq!(failed.len(), 1, "{t}");
    assert_eq!(failed[0].code.as_deref(), Some("0x800F0984"));
    assert!(failed[0].label.contains("KB5020683"), "{:?}", failed[0].label);
    assert!(failed[0].end.is_some(), "the failure's line");
    let ok = ops(&r, OperationKind::Servicing, Outcome::Succeeded);
    assert!(ok.iter().any(|o| o.label.contains("KB5046613")), "{t}");
    assert!(t.contains("KB5020683") && t.contains("0x800F0984"), "{t}");
}

#[test]
fn real_logs_staging_paused_for_more_ranges_is_not_a_failure() {
    let name = "62_Setup.evtx";
    let bytes = evidence(name);
    let (_, r) = analyze(vec![(name, bytes)]);
    let t = text(&r);
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{t}");
    assert!(ops(&r, OperationKind::Servicing, Outcome::Failed).is_empty(), "{t}");
    // KB4049411 and KB4033631 installed, and KB777778 removed.
    assert!(ops(&r, OperationKind::Servicing, Outcome::Succeeded).len() >= 3, "{t}");
}

#[test]
fn real_logs_store_app_failed_while_appxsvc_crashed_and_the_os_update_is_fine() {
    let name = "65_System.evtx";
    let bytes = evidence(name);
    let (_, r) = analyze(vec![(name, bytes)]);
    let t = text(&r);
    let failed = ops(&r, OperationKind::Install, Outcome::Failed);
    assert_eq!(failed.len(), 1, "{t}");
    assert_eq!(failed[0].code.as_deref(), Some("0x80073CF9"));
    // The events name the update, not who asked for it.
    assert!(failed[0].update.as_deref().is_some_and(|u| u.contains("XboxGamingOverlay")), "{t}");
    assert_eq!(failed[0].caller, "");
    let ok = ops(&r, OperationKind::Install, Outcome::Succeeded);
    assert!(ok.iter().any(|o| o.update.as_deref().is_some_and(|u| u.contains("KB5020683"))), "{t}");
    // A Store app in words, on the first screen and in the statement.
    assert!(r.summary.verdict.contains("the Store app Microsoft.XboxGamingOverlay"), "{}", r.summary.verdict);
    assert!(r.summary.detail.contains("of the Store app Microsoft.XboxGamingOverlay"), "{}", r.summary.detail);
    let f = r.findings.iter().find(|f| f.id == "eventlog_service_crash_during_install").unwrap_or_else(|| panic!("no crash finding: {t}"));
    assert!(f.summary.contains("AppXSVC") && f.summary.contains("0x80073CF9"), "{}", f.summary);
    assert!(f.evidence.len() >= 2, "the crash and the failure");
    assert!(r.errors.iter().any(|e| e.code == "0x80073CF9"), "the code scanner sees the rendered code");
    // The updates table names both, as their installs left them: the failed app first.
    let rows: Vec<(&str, &str)> = r.updates.iter().map(|u| (u.kb.as_str(), u.state.as_str())).collect();
    assert_eq!(rows, [("", "failed"), ("KB5020683", "installed")], "{:?}", r.updates);
    assert!(r.updates[0].title.contains("XboxGamingOverlay") && r.updates[0].line > 0);
}

#[test]
fn real_logs_bits_failures_of_other_updaters_say_nothing_about_windows_update() {
    let name = "68_Microsoft-Windows-Bits-Client%4Operational.evtx";
    let bytes = evidence(name);
    let (a, r) = analyze(vec![(name, bytes)]);
    let t = text(&r);
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{t}");
    assert!(!t.contains("Windows Update failed"), "{t}");
    // `hr` is a signed decimal in the XML: rendered as the code.
    let f = &a.files[0];
    assert!(f.entries.iter().any(|e| f.message(e).contains("0x80072EFE")));
    assert!(r.errors.iter().any(|e| e.code == "0x80072EFE"));
}

#[test]
fn real_logs_a_damaged_evtx_is_explained_and_the_rest_of_the_drop_is_read() {
    let name = "65_System.evtx";
    let bytes = evidence(name);
    let log = "2024/05/02 14:43:56.6390016 4932  6608  Agent           * START *   Finding updates CallerId = UpdateOrchestrator  Id = 1\n";
    // Cut inside the third chunk: the records copied whole are kept, the cut is said.
    let cut = bytes[..4096 + 2 * 65536 + 30_000].to_vec();
    // A header and then garbage; and a file too short to hold its header.
    let mut garbage = bytes[..4096].to_vec();
    garbage.extend((0..70_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let short = bytes[..100].to_vec();
    let (a, _) = analyze(vec![("cut.evtx", cut), ("garbage.evtx", garbage), ("short.evtx", short), ("WindowsUpdate.log", log.as_bytes().to_vec())]);
    let by = |n: &str| a.files.iter().find(|f| f.name == n).unwrap();
    let cut = by("cut.evtx");
    let n = cut.entries.iter().filter(|e| e.parsed).count();
    assert!(n > 155 && n < 299, "{n}");
    assert!(cut.notes.iter().any(|x| x.contains("cut short")), "{:?}", cut.notes);
    let g = by("garbage.evtx");
    assert!(g.notes.iter().any(|x| x.contains("could not be read") || x.contains("no events")), "{:?}", g.notes);
    let s = by("short.evtx");
    assert!(s.notes[0].contains("cannot be read"), "{:?}", s.notes);
    assert_eq!(by("WindowsUpdate.log").entries.len(), 1);
}

#[test]
fn real_logs_events_join_the_timeline_of_the_same_machines_text_logs() {
    let name = "61_Setup.evtx";
    let bytes = evidence(name);
    let log = "2024/11/14 16:17:40.0000000 4932  6608  Agent           * START *   Installing updates CallerId = UpdateOrchestrator\n";
    let (a, _) = analyze(vec![(name, bytes), ("WindowsUpdate.log", log.as_bytes().to_vec())]);
    let f = a.files.iter().find(|f| f.name == name).unwrap();
    // Times are UTC: the first event (2024-11-14 16:17:33 UTC) keeps its clock.
    assert_eq!(f.utc_ms(&f.entries[0]).map(|t| t / 1000 % 86_400), Some(16 * 3600 + 17 * 60 + 33));
}

/// The page's worker decodes an .evtx a few chunks at a time (`FileLoader::decode_step`), so
/// that its progress shows and a cancel is seen between steps. Each real event log, and 65 cut
/// or damaged, stepped one chunk at a time (or partly, or not at all, before `finish`) gives the
/// very file `load` gives, and its progress rises one chunk a step to the count the file's size
/// allows (65's stale header counts 2 of its 17).
#[test]
fn real_logs_an_evtx_decoded_in_steps_is_the_file_loaded_at_once() {
    let dir = wulens_testdata::real_logs().join("evidence");
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "evtx")).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    inputs.sort();
    let system =
        inputs.iter().find(|(n, _)| n == "65_System.evtx").map(|(_, b)| b.clone()).unwrap_or_else(|| panic!("65_System.evtx is not in {}", dir.display()));
    assert!(inputs.len() >= 6, "{inputs:?}");
    let mut broken_chunk = system.clone();
    broken_chunk[4096 + 65536..4096 + 65536 + 8].copy_from_slice(b"XXXXXXXX");
    let mut broken_record = system.clone();
    broken_record[4096 + 65536 + 20_000..4096 + 65536 + 20_400].fill(0xFF);
    inputs.extend([
        ("cut.evtx".to_string(), system[..4096 + 2 * 65536 + 30_000].to_vec()),
        ("cut-in-a-chunk-header.evtx".to_string(), system[..4096 + 2 * 65536 + 300].to_vec()),
        ("broken-chunk.evtx".to_string(), broken_chunk),
        ("broken-record.evtx".to_string(), broken_record),
        ("short.evtx".to_string(), system[..100].to_vec()),
    ]);
    let loader = |name: &str, bytes: &[u8]| {
        let mut l = FileLoader::new(name, bytes.len() as u64);
        for c in bytes.chunks(50_000) {
            l.push(c);
        }
        l
    };
    for (name, bytes) in &inputs {
        let whole = format!("{:?}", wulens_core::input::load(Input { name: name.clone(), bytes: bytes.clone().into() }));
        let mut l = loader(name, bytes);
        let mut seen = Vec::new();
        loop {
            let p = l.decode_step(1).unwrap_or_else(|| panic!("{name}: an event log is decoded in steps"));
            seen.push(p);
            if p.finished || seen.len() > 10_000 {
                break;
            }
        }
        let last = *seen.last().unwrap();
        assert!(last.finished && last.done == last.total, "{name}: {last:?}");
        if bytes.len() > 4096 {
            // Every chunk the size allows; a cut one counts when it holds its header.
            let chunks = (bytes.len() - 4096) / 65536 + usize::from((bytes.len() - 4096) % 65536 >= 512);
            assert_eq!(last.total, chunks as u64, "{name}");
            assert!(seen.len() >= 2, "{name}: {seen:?}");
        }
        for w in seen.windows(2) {
            assert_eq!(w[0].total, w[1].total, "{name}");
            assert!(w[0].done <= w[1].done && !w[0].finished, "{name}: {seen:?}");
            // One chunk a step, but the last, which walks past the empty chunks to the end.
            assert!(w[1].done == w[0].done + 1 || w[1].finished, "{name}: {seen:?}");
        }
        assert_eq!(format!("{:?}", l.finish(&Limits::default()).files[0]), whole, "{name}: stepped to the end");
        // Stopped after two steps, or never stepped: `finish` reads the rest.
        let mut l = loader(name, bytes);
        l.decode_step(1);
        l.decode_step(1);
        assert_eq!(format!("{:?}", l.finish(&Limits::default()).files[0]), whole, "{name}: two steps");
        assert_eq!(format!("{:?}", loader(name, bytes).finish(&Limits::default()).files[0]), whole, "{name}: no step");
    }
    if let Some(p) = inputs.iter().find(|(n, _)| n == "65_System.evtx").map(|(n, b)| loader(n, b).decode_step(3)) {
        assert_eq!(p, Some(wulens_core::input::DecodeProgress { done: 3, total: 17, finished: false }));
    }
    let mut text = loader("WindowsUpdate.log", b"2024/05/02 14:43:56.6390016 4932  6608  Agent           * START *   Finding updates\n");
    assert_eq!(text.decode_step(1), None, "a text log is parsed whole");
}
