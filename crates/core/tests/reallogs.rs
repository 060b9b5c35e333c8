//! Eight logs that real machines wrote (../shared/reallogs; not copied into the project). The
//! facts asserted come from that folder's README, checked by hand and with grep.
//!
//! These are `real_logs` tests: crates/testdata finds the folder, and `./dev test` leaves them
//! out, saying so, where it is absent.

use std::path::PathBuf;

use wulens_core::{Analysis, Input, Limits, Report};

fn dir() -> PathBuf {
    wulens_testdata::real_logs()
}

fn report(name: &str) -> (Analysis, Report) {
    let d = dir();
    let bytes = std::fs::read(d.join(name)).unwrap();
    let a = Analysis::from_inputs(vec![Input { name: name.into(), bytes: bytes.into() }], &Limits::default());
    let r = Report::build(&a);
    (a, r)
}

fn file_facts(r: &Report) -> (&str, &str, u32, u32, u32) {
    let f = &r.files[0];
    (f.format.as_str(), f.encoding.as_str(), f.lines, f.entries, f.unparsed)
}

fn codes(r: &Report) -> Vec<(&str, u32)> {
    r.errors.iter().map(|e| (e.code.as_str(), e.count)).collect()
}

fn steps(r: &Report) -> Vec<&str> {
    r.scan_flow.steps.iter().map(|s| s.status.id()).collect()
}

fn finding_ids(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn real_logs_wuahandler_three_successful_scans() {
    let (_, r) = report("01_WUAHandler.log");
    assert_eq!(file_facts(&r), ("cmtrace", "utf-8-bom", 26, 26, 0));
    assert_eq!(r.scan_flow.cycles.len(), 3, "3 scan cycles");
    assert!(r.scan_flow.cycles.iter().all(|c| c.outcome.id() == "completed"));
    // Only WUAHandler.log: what it cannot witness is unknown, never a false ok.
    assert_eq!(steps(&r), ["ok", "ok", "unknown", "ok", "ok", "unknown", "unknown"]);
    assert!(r.errors.is_empty());
    assert_eq!(r.files[0].time_zone.offset, "UTC-04:00");
}

#[test]
fn real_logs_updateshandler_and_updatesstore() {
    let (_, r) = report("02_UpdatesHandler.log");
    assert_eq!(file_facts(&r), ("cmtrace", "utf-8-bom", 10, 10, 0));
    let (_, r) = report("03_UpdatesStore.log");
    assert_eq!(file_facts(&r), ("cmtrace", "utf-8-bom", 412, 412, 0));
    assert_eq!(codes(&r), [("0x87D00310", 1)]);
    // 83 update GUIDs get a state message: 59 Missing, 24 Installed.
    assert_eq!(r.updates.len(), 83);
    assert_eq!(r.updates.iter().filter(|u| u.state == "missing").count(), 59);
    assert_eq!(r.updates.iter().filter(|u| u.state == "installed").count(), 24);
    // The three updates UpdatesStore queried by title have their title and KB joined to their rows.
    let mut kbs: Vec<&str> = r.updates.iter().map(|u| u.kb.as_str()).filter(|k| !k.is_empty()).collect();
    kbs.sort_unstable();
    assert_eq!(kbs, ["KB4535680", "KB4577586", "KB4589208"]);
    // The one type-3 line is followed by successes: step 6 still completed.
    assert_eq!(r.scan_flow.step(6).unwrap().status.id(), "ok");
}

#[test]
fn real_logs_updatesdeployment_multi_line_record() {
    let (a, r) = report("04_UpdatesDeployment.log");
    // 107 records in 110 physical lines: one record spans 4 lines.
    assert_eq!(file_facts(&r), ("cmtrace", "utf-8-bom", 110, 107, 0));
    assert!(a.files[0].entries.iter().any(|e| e.lines == 4));
    assert_eq!(r.files[0].error_entries, 1);
    assert_eq!(r.files[0].warning_entries, 1);
    assert_eq!(codes(&r), [("0x87D00215", 1)]);
}

#[test]
fn real_logs_legacy_windowsupdate_failed_driver_search() {
    let (a, r) = report("08_WindowsUpdate.log");
    let (format, encoding, lines, entries, unparsed) = file_facts(&r);
    assert_eq!((format, encoding, lines), ("windowsupdate_legacy", "utf-8", 2651));
    assert_eq!(entries + unparsed, lines);
    // The ChkWuDrv search failed with 0x8024000B (WU_E_CALL_CANCELLED); it is not a ConfigMgr scan.
    let e = r.errors.iter().find(|e| e.code == "0x8024000B").unwrap();
    assert_eq!(e.symbol, "WU_E_CALL_CANCELLED");
    assert!(e.count >= 5, "Sync of Updates, SyncServerUpdatesInternal, Failed to synchronize, Exit code, WU client failed");
    assert!(codes(&r).iter().any(|(c, _)| *c == "0x800706BA"));
    assert!(finding_ids(&r).contains(&"wu_search_failed_other_caller"));
    assert!(!r.scan_flow.witnessed(), "no CcmExec search in this log");
    // The banner's tz changes over the file (-0700, then +0530): each record keeps its own.
    let first = a.files[0].entries.iter().find(|e| e.parsed).unwrap();
    assert_eq!(first.offset, -420);
    assert_eq!(r.files[0].time_zone.source, wulens_core::model::OffsetSource::Header);
}

/// Windows 7 writes a short thread id padded inside its tab column (`\t dc\t`): such lines
/// (a whole service start, its `WSUS server:` line among them) keep their time, thread and
/// component. Every line of these three logs is dated.
#[test]
fn real_logs_legacy_windowsupdate_padded_thread_ids_are_parsed() {
    for name in ["08_WindowsUpdate.log", "more/30_WindowsUpdate.log", "hold1/09_WindowsUpdate.log"] {
        let (a, r) = report(name);
        let (format, _, lines, entries, unparsed) = file_facts(&r);
        assert_eq!((format, entries, unparsed), ("windowsupdate_legacy", lines, 0), "{name}");
        let f = &a.files[0];
        let padded = f.entries.iter().filter(|e| f.record(e).split('\t').nth(3).is_some_and(|t| t.starts_with(' ')));
        let mut n = 0;
        for e in padded {
            n += 1;
            assert!(e.parsed && e.time != 0 && e.thread != 0, "{name}: line {}", e.line);
        }
        assert!(n >= 50, "{name}: {n} lines with a padded thread id");
    }
}

#[test]
fn real_logs_windows10_windowsupdate_name_resolution() {
    let (_, r) = report("10_WindowsUpdate.log");
    assert_eq!(file_facts(&r), ("windowsupdate_etw", "utf-8", 10725, 10725, 0));
    let count = |c: &str| r.errors.iter().find(|e| e.code == c).map(|e| e.count);
    assert_eq!(count("0x8024402C"), Some(38));
    assert_eq!(count("0x80072EE7"), Some(22));
    assert_eq!(count("0x80072EE2"), Some(1));
    assert!(count("0x8024402F").is_some());
    let ids = finding_ids(&r);
    // A client of Windows Update (WSUS server: (null)): internet-path advice, not WSUS checks.
    assert!(ids.contains(&"internet_path_error") && ids.contains(&"wu_search_failed_other_caller"), "{ids:?}");
    assert!(!ids.contains(&"proxy_error") && !ids.contains(&"http_timeout_auth"), "{ids:?}");
    // SyncUpdates_WithRecovery failed here with 0x8024402C, not 80244007: not that finding.
    assert!(!ids.contains(&"sync_updates_with_recovery"));
    // The verdict leads with the network problem, not the noisiest code.
    assert_eq!(r.errors[0].code, "0x8024402C");
    assert_eq!(r.files[0].time_zone.source, wulens_core::model::OffsetSource::AssumedUtc);
}

#[test]
fn real_logs_cbs_failed_repair() {
    let (a, r) = report("15_CBS.log");
    // 1419 lines have no timestamp: 1339 blank lines and indented lines go on with the record
    // before them, and each line of the summary blocks (at the start of the line) is a record
    // of its own with that record's time.
    assert_eq!(file_facts(&r), ("cbs", "utf-8-bom", 4376, 3000, 0));
    let f = &a.files[0];
    let result = f.entries.iter().find(|e| f.record(e) == "Operation result: 0x800f081f").expect("the summary's result line");
    assert!(result.parsed && result.has_time() && result.lines == 1);
    assert_eq!(r.files[0].error_entries, 6);
    assert_eq!(r.files[0].warning_entries, 1);
    assert_eq!(r.errors[0].code, "0x800F081F");
    assert!(codes(&r).iter().any(|(c, _)| *c == "0x800F0820"));
    assert!(!codes(&r).iter().any(|(c, _)| *c == "0x80000000"), "'prior state: 0x80000000' is a flag, not an error");
    let f = r.findings.iter().find(|f| f.id == "cbs_store_corruption").unwrap();
    assert!(f.summary.contains("missing replacement payload"), "{}", f.summary);
}

#[test]
fn real_logs_dism_reboot_required() {
    let (_, r) = report("19_dism.log");
    assert_eq!(file_facts(&r), ("dism", "utf-8-bom", 2439, 2439, 0));
    assert_eq!(r.files[0].error_entries, 4);
    assert_eq!(r.files[0].warning_entries, 13);
    assert!(finding_ids(&r).contains(&"pending_reboot"));
}

#[test]
fn real_logs_all_eight_together_merge_and_stay_accounted() {
    let d = dir();
    let mut inputs = Vec::new();
    for e in std::fs::read_dir(&d).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "log") {
            inputs.push(Input { name: p.file_name().unwrap().to_string_lossy().into(), bytes: std::fs::read(&p).unwrap().into() });
        }
    }
    assert_eq!(inputs.len(), 8);
    let a = Analysis::from_inputs(inputs, &Limits::default());
    let total: usize = a.files.iter().map(|f| f.entries.len()).sum();
    assert_eq!(a.timeline(|_| true).len(), total, "every entry once in the merged timeline");
    let r = Report::build(&a);
    assert_eq!(r.summary.lines, 26 + 10 + 412 + 110 + 2651 + 10725 + 4376 + 2439);
    // These are several machines' logs (the README: Windows 7, Windows 10 22H2, Server 2012's
    // CBS.log, one ConfigMgr client). 15_CBS.log states no zone, no computer and no build: it
    // could be any of them, so no other log's zone is lent to it (the CMTrace logs' -04:00 was,
    // when it was taken for their machine's).
    assert!(r.machines.len() >= 2, "{:?}", r.machines);
    let cbs = r.files.iter().find(|f| f.name == "15_CBS.log").unwrap();
    assert_eq!(cbs.time_zone.source, wulens_core::model::OffsetSource::AssumedUtc);
    assert!(!r.machines.iter().any(|m| m.files.iter().any(|f| f == "15_CBS.log")), "{:?}", r.machines);
}
