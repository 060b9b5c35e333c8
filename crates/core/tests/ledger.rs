//! The update ledger: one row per update across every log of a drop, its steps and its state,
//! and the first screen read from it. Synthetic logs pin each state and join; the real logs of
//! ../shared/reallogs (read where they are, never copied) pin what their READMEs give. These
//! tests need that folder: without it they fail, they never pass by checking nothing.

use std::path::PathBuf;

use wulens_core::model::{JoinKey, LedgerRow, LedgerState, LifeEvent, TargetKind, UpdateClass, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

fn reallogs() -> PathBuf {
    wulens_testdata::real_logs()
}

fn report_of(inputs: Vec<(&str, Vec<u8>)>) -> Report {
    let inputs = inputs.into_iter().map(|(name, bytes)| Input { name: name.to_string(), bytes: bytes.into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

fn real(paths: &[&str]) -> Report {
    let dir = reallogs();
    report_of(paths.iter().map(|p| (p.rsplit('/').next().unwrap(), std::fs::read(dir.join(p)).unwrap_or_else(|e| panic!("{p}: {e}")))).collect())
}

fn rows_of<'r>(r: &'r Report, kb: &str) -> Vec<&'r LedgerRow> {
    r.ledger.iter().filter(|row| row.kb == kb).collect()
}

fn one<'r>(r: &'r Report, kb: &str) -> &'r LedgerRow {
    let rows = rows_of(r, kb);
    assert_eq!(rows.len(), 1, "{kb}: {} rows in {:#?}", rows.len(), r.ledger.iter().map(|x| (&x.kb, &x.title, x.state)).collect::<Vec<_>>());
    rows[0]
}

/// Every state and step names its line, and a failing row its code.
fn well_formed(r: &Report) {
    for row in &r.ledger {
        assert!(!row.steps.is_empty(), "{}: no step", row.title);
        assert!(row.decisive.is_some_and(|i| i < row.steps.len()), "{}: decisive step {:?}", row.title, row.decisive);
        for s in &row.steps {
            assert!(s.evidence.line > 0 && !s.evidence.file.is_empty(), "{}: a step without its line", row.title);
        }
        if row.state == LedgerState::Failing {
            assert!(row.decisive_step().is_some_and(|s| s.event.is_failure()), "{}: failing without a failed step", row.title);
        }
        if matches!(row.state, LedgerState::Stalled | LedgerState::Running) {
            assert!(row.decisive_step().is_some_and(|s| s.event.is_start()) && row.open_ms.is_some(), "{}: {:?} without an open start", row.title, row.state);
        }
        if row.state == LedgerState::Waiting {
            assert!(
                row.decisive_step().is_some_and(|s| matches!(s.event, LifeEvent::WaitingForWindow | LifeEvent::WaitingForContent)),
                "{}: waiting without ConfigMgr's wait",
                row.title
            );
        }
    }
}

// ---- synthetic: each state, each join, the first screen ----

/// A Get-WindowsUpdateLog text: the month's cumulative update starts downloading, searches go on
/// succeeding for six days, and nothing more happens to it.
fn stalled_download_log() -> String {
    let mut s = String::new();
    let id = "1D5A1F05-0B3C-4A6B-9F5E-6C2D9A8B7E11";
    s.push_str("2024/10/09 10:00:00.0000000 1000  2000  Agent           * START * Finding updates CallerId = UpdateOrchestrator  Id = 1\n");
    s.push_str(&format!("2024/10/09 10:00:05.0000000 1000  2000  Agent           Added update {id}.1 to search result\n"));
    s.push_str(
        "2024/10/09 10:00:06.0000000 1000  2000  Agent           * END * Finding updates CallerId = UpdateOrchestrator, Id = 1, Exit code = 0x00000000\n",
    );
    s.push_str("2024/10/09 10:01:00.0000000 1000  3000  Agent             Title = 2024-10 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5044273)\n");
    s.push_str(&format!("2024/10/09 10:01:00.0000000 1000  3000  Agent             UpdateId = {id}.1\n"));
    s.push_str(&format!(
        "2024/10/09 10:01:02.0000000 1000  3000  DownloadManager New download job {{A1B2C3D4-0000-4000-8000-000000000001}} for UpdateId {id}.1\n"
    ));
    for day in 10..=15 {
        s.push_str(&format!(
            "2024/10/{day} 09:00:00.0000000 1000  2000  Agent           * START * Finding updates CallerId = UpdateOrchestrator  Id = {day}\n"
        ));
        s.push_str(&format!("2024/10/{day} 09:00:05.0000000 1000  2000  Agent           * END * Finding updates CallerId = UpdateOrchestrator, Id = {day}, Exit code = 0x00000000\n"));
    }
    s
}

#[test]
fn a_download_that_never_ends_is_stalled_and_leads_the_first_screen() {
    let r = report_of(vec![("WindowsUpdate.log", stalled_download_log().into_bytes())]);
    well_formed(&r);
    let row = one(&r, "KB5044273");
    assert_eq!(row.state, LedgerState::Stalled);
    assert_eq!(row.class, UpdateClass::Cumulative);
    assert_eq!(row.decisive_step().map(|s| s.event), Some(LifeEvent::DownloadStarted));
    assert!(row.open_ms.is_some_and(|ms| ms > 5 * 86_400_000), "{:?}", row.open_ms);
    assert_eq!(r.summary.badge, "Update stalled", "{}", r.summary.verdict);
    // 2024-10-09 10:01 to 2024-10-15 09:00: five whole days.
    assert!(
        r.summary.verdict.starts_with("The 2024-10 cumulative update KB5044273 has not finished: it started downloading on 2024-10-09 10:01"),
        "{}",
        r.summary.verdict
    );
    assert!(r.summary.verdict.contains("in the 5 days the log goes on"), "{}", r.summary.verdict);
    assert_ne!(r.summary.status, VerdictStatus::Failed, "stalled is not failed");
}

#[test]
fn a_download_started_minutes_before_the_log_ends_is_still_running() {
    let log: String = stalled_download_log().lines().take(6).map(|l| format!("{l}\n")).collect();
    let r = report_of(vec![("WindowsUpdate.log", log.into_bytes())]);
    let row = one(&r, "KB5044273");
    assert_eq!(row.state, LedgerState::Running);
    assert_ne!(r.summary.badge, "Update stalled");
}

/// A download still running when the log ends leads the first screen, whatever succeeded
/// around it: the badge says the work is in progress, never "No failure found", and the screen
/// names the update and since when, before what else the log shows.
#[test]
fn work_still_running_at_the_end_leads_the_first_screen() {
    let mut log: String = stalled_download_log().lines().take(6).map(|l| format!("{l}\n")).collect();
    log.push_str("2024/10/09 10:30:00.0000000 1000  2000  Agent           * START * Finding updates CallerId = UpdateOrchestrator  Id = 7\n");
    log.push_str(
        "2024/10/09 10:30:05.0000000 1000  2000  Agent           * END * Finding updates CallerId = UpdateOrchestrator, Id = 7, Exit code = 0x00000000\n",
    );
    log.push_str("2024/10/09 10:38:00.0000000 1000  2000  Agent           Network state: Connected\n");
    let r = report_of(vec![("WindowsUpdate.log", log.into_bytes())]);
    well_formed(&r);
    let row = one(&r, "KB5044273");
    assert_eq!(row.state, LedgerState::Running);
    assert_eq!(r.summary.badge, "In progress", "{}", r.summary.verdict);
    assert_ne!(r.summary.status, VerdictStatus::Failed, "running is not failed");
    let v = &r.summary.verdict;
    assert!(
        v.starts_with(
            "The 2024-10 cumulative update KB5044273 started downloading on 2024-10-09 10:01 and was still downloading when the log ends, 36 minutes later."
        ),
        "{v}"
    );
    for reassuring in ["Not failing now", "No failure in these logs", "No failure found"] {
        assert!(!v.contains(reassuring), "{reassuring}: {v}");
    }
    // The ticket's Markdown carries the row too, with its line.
    let md = wulens_core::report::markdown(&r);
    let updates = md.split("## Updates").nth(1).unwrap_or_else(|| panic!("no Updates section:\n{md}"));
    assert!(updates.contains("still running when the log ends") && updates.contains("KB5044273") && updates.contains("WindowsUpdate.log:6"), "{updates}");
    // The CLI's text lists the ledger's rows as `wulens updates` does.
    let text = wulens_core::report::text(&r);
    let ledger = wulens_core::ledger::text(&r.ledger, r.ledger_total);
    assert!(ledger.lines().all(|l| text.contains(l)), "{text}\n---\n{ledger}");
}

/// ReportingEvents.log: one update fails on every try while others install after it.
fn reporting_events(lines: &[(&str, u32, &str, &str, &str, &str)]) -> Vec<u8> {
    let mut s = String::new();
    for (i, (time, event, name, id, result, text)) in lines.iter().enumerate() {
        let ok = if *result == "0" { "Success" } else { "Failure" };
        s.push_str(&format!(
            "{{0000000{i}-0000-4000-8000-000000000000}}\t{time}:000+0000\t1\t{event} [{name}]\t101\t{{{id}}}\t200\t{result}\tAutomaticUpdates\t{ok}\tContent Install\t{text}\tcV.0\r\n"
        ));
    }
    s.into_bytes()
}

#[test]
fn a_target_failing_on_every_try_is_failing_now_whatever_succeeds_after_it() {
    let a = "11111111-2222-4333-8444-555555555555";
    let b = "66666666-7777-4888-8999-aaaaaaaaaaaa";
    let bytes = reporting_events(&[
        ("2024-05-01 10:00:00", 195, "AGENT_INSTALLING_FAILED", a, "80073712", "Installation Failure: Windows failed to install the following update with error 0x80073712: 2024-04 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5036892)."),
        ("2024-05-02 10:00:00", 195, "AGENT_INSTALLING_FAILED", a, "80073712", "Installation Failure: Windows failed to install the following update with error 0x80073712: 2024-04 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5036892)."),
        ("2024-05-02 11:00:00", 183, "AGENT_INSTALLING_SUCCEEDED", b, "0", "Installation Successful: Windows successfully installed the following update: Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.409.1.0)"),
    ]);
    let r = report_of(vec![("ReportingEvents.log", bytes)]);
    well_formed(&r);
    let row = one(&r, "KB5036892");
    assert_eq!((row.state, row.code.as_deref()), (LedgerState::Failing, Some("0x80073712")));
    assert_eq!(row.steps.iter().filter(|s| s.event == LifeEvent::InstallFailed).count(), 2);
    assert_eq!(one(&r, "KB2267602").state, LedgerState::Done);
    assert_eq!(r.summary.status, VerdictStatus::Failed);
    assert!(r.summary.verdict.contains("KB5036892") && r.summary.verdict.contains("0x80073712"), "{}", r.summary.verdict);
    // The Defender success after it hides nothing.
    assert!(!r.summary.verdict.starts_with("Not failing"), "{}", r.summary.verdict);
}

/// A month's cumulative update that failed is superseded once a later month's of the same
/// product line installed after it: the failure is no longer the machine's state. A later
/// update of another line (.NET's) supersedes nothing.
#[test]
fn a_cumulative_update_a_later_one_installed_after_is_superseded() {
    let (april, may, net) = ("11111111-2222-4333-8444-555555555555", "66666666-7777-4888-8999-aaaaaaaaaaaa", "77777777-7777-4888-8999-bbbbbbbbbbbb");
    let failed = |time| {
        (time, 195, "AGENT_INSTALLING_FAILED", april, "80073712", "Installation Failure: Windows failed to install the following update with error 0x80073712: 2024-04 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5036892).")
    };
    let may_ok = ("2024-05-20 11:00:00", 183, "AGENT_INSTALLING_SUCCEEDED", may, "0", "Installation Successful: Windows successfully installed the following update: 2024-05 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5037768)");
    let net_ok = ("2024-05-20 11:00:00", 183, "AGENT_INSTALLING_SUCCEEDED", net, "0", "Installation Successful: Windows successfully installed the following update: 2024-05 Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for Windows 10 Version 22H2 for x64 (KB5037036)");
    let r = report_of(vec![("ReportingEvents.log", reporting_events(&[failed("2024-05-01 10:00:00"), failed("2024-05-02 10:00:00"), may_ok]))]);
    well_formed(&r);
    let row = one(&r, "KB5036892");
    assert_eq!(row.state, LedgerState::Done, "{row:#?}");
    let last = row.decisive_step().unwrap();
    assert_eq!(last.event, LifeEvent::Superseded);
    assert!(last.evidence.text.contains("KB5037768"), "the later install's line proves it: {}", last.evidence.text);
    assert_eq!(wulens_core::ledger::state(row), "superseded");
    // The failures are earlier ones, not the machine's state now.
    assert_eq!(r.summary.badge, "Failed earlier", "{}", r.summary.verdict);
    assert!(!r.summary.verdict.contains("is failing"), "{}", r.summary.verdict);
    // Another product line's update supersedes nothing.
    let r = report_of(vec![("ReportingEvents.log", reporting_events(&[failed("2024-05-01 10:00:00"), net_ok]))]);
    assert_eq!(one(&r, "KB5036892").state, LedgerState::Failing);
    // Nor does a later month's installed before the failure.
    let early = ("2024-04-20 11:00:00", may_ok.1, may_ok.2, may_ok.3, may_ok.4, may_ok.5);
    let r = report_of(vec![("ReportingEvents.log", reporting_events(&[early, failed("2024-05-01 10:00:00")]))]);
    assert_eq!(one(&r, "KB5036892").state, LedgerState::Failing);
}

#[test]
fn routine_results_are_no_failure() {
    let a = "11111111-2222-4333-8444-555555555555";
    let bytes = reporting_events(&[
        (
            "2024-05-01 10:00:00",
            181,
            "AGENT_INSTALLING_STARTED",
            a,
            "0",
            "Installation Started: Windows has started installing the following update: 2024-04 Update for Windows 10 (KB5001716)",
        ),
        (
            "2024-05-01 10:01:00",
            191,
            "AGENT_INSTALLING_SUCCEEDED",
            a,
            "0",
            "Installation successful and restart required for the following update: 2024-04 Update for Windows 10 (KB5001716)",
        ),
    ]);
    let r = report_of(vec![("ReportingEvents.log", bytes)]);
    assert_eq!(one(&r, "KB5001716").state, LedgerState::PendingRestart);
    assert!(r.ledger.iter().all(|row| row.state != LedgerState::Failing));
}

// ---- real logs: what their READMEs give ----

/// 41 and 42 are one Server 2022 VM's WindowsUpdate.log and one of its traces: the cumulative
/// update's three failed downloads (0x80D02002) are one row, not one per source.
#[test]
fn real_logs_one_machines_log_and_trace_give_one_row_per_update() {
    let r = real(&["hold2/41_WindowsUpdate.log", "hold2/42_WindowsUpdate.20250317.083437.953.4.etl"]);
    well_formed(&r);
    let cu = one(&r, "KB5053603");
    assert_eq!((cu.state, cu.code.as_deref(), cu.class), (LedgerState::Failing, Some("0x80D02002"), UpdateClass::Cumulative));
    assert_eq!(cu.update_id, "9c8bce6b-c976-4c32-90c5-7f1b9e3618c2");
    let failures: Vec<&str> = cu.failures().filter_map(|s| s.evidence.time.as_deref()).collect();
    assert_eq!(failures.len(), 3, "the README's three failures (03/17 20:35, 03/18 12:35, 03/19 05:00): {failures:?}");
    // The trace's lines are the text's (one event, said once), joined by the update id.
    assert!(
        cu.joins.iter().any(|j| j.by == JoinKey::UpdateId && j.evidence.iter().any(|e| e.file.ends_with(".etl"))),
        "the trace joins the row: {:?}",
        cu.joins
    );
    assert!(r.summary.verdict.contains("0x80D02002"), "{}", r.summary.verdict);
}

#[test]
fn real_logs_setup_evtx_packages_keep_their_outcomes() {
    // 61: KB5020683 failed 0x800F0984 and was not retried; the LCU KB5046613 installed after a restart.
    let r = real(&["evidence/61_Setup.evtx"]);
    well_formed(&r);
    let failed = one(&r, "KB5020683");
    assert_eq!((failed.state, failed.code.as_deref(), failed.kind), (LedgerState::Failing, Some("0x800F0984"), TargetKind::Package));
    assert_eq!(one(&r, "KB5046613").state, LedgerState::Done);
    // 62: KB4049411 and KB4033631 installed; staging requests paused with 0x800F0816 are no failure.
    let r = real(&["evidence/62_Setup.evtx"]);
    well_formed(&r);
    assert_eq!(one(&r, "KB4049411").state, LedgerState::Done);
    assert_eq!(one(&r, "KB4033631").state, LedgerState::Done);
    for kb in ["KB4093137", "KB4091461", "KB4093119"] {
        assert!(rows_of(&r, kb).iter().all(|x| x.state != LedgerState::Failing), "{kb}");
    }
    // KB777778's removal by RetailDemoService is no install.
    assert!(rows_of(&r, "KB777778").iter().all(|x| x.state != LedgerState::Done), "a removal is not an install");
}

#[test]
fn real_logs_system_evtx_installs_and_the_store_app_that_failed() {
    // 65: KB5020683 43 → 19 installed; XboxGamingOverlay 20 with 0x80073CF9.
    let r = real(&["evidence/65_System.evtx"]);
    well_formed(&r);
    let kb = one(&r, "KB5020683");
    assert_eq!(kb.state, LedgerState::Done);
    assert!(kb.steps.iter().any(|s| s.event == LifeEvent::InstallStarted));
    let app = r.ledger.iter().find(|x| x.title.contains("XboxGamingOverlay")).expect("the Store app's row");
    assert_eq!((app.state, app.code.as_deref(), app.class), (LedgerState::Failing, Some("0x80073CF9"), UpdateClass::StoreApp));
    // 60: the Operational channel shows downloads only: KB5046613 downloaded, its install not known here.
    let r = real(&["evidence/60_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx"]);
    well_formed(&r);
    assert_eq!(one(&r, "KB5046613").state, LedgerState::Unknown);
    assert!(r.ledger.iter().all(|x| x.state != LedgerState::Failing));
}

#[test]
fn real_logs_an_unknown_row_names_the_logs_that_would_tell_how_it_ended() {
    // Found by a search and never tried in the agent's log: the event logs would tell.
    let log = stalled_download_log().lines().filter(|l| !l.contains("download job")).collect::<Vec<_>>().join("\n");
    let r = report_of(vec![("WindowsUpdate.log", log.clone().into_bytes())]);
    let cu = one(&r, "KB5044273");
    assert_eq!((cu.state, cu.would_tell.clone()), (LedgerState::Unknown, vec!["event_logs".to_string()]));
    assert_eq!(wulens_core::ledger::would_tell(cu).as_deref(), Some("These logs do not say how it ended: the event logs would."));
    // 60 alone (the Operational channel: downloads only): the agent's traces would tell.
    let r = real(&["evidence/60_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx"]);
    let kb = one(&r, "KB5046613");
    assert_eq!((kb.state, kb.would_tell.clone()), (LedgerState::Unknown, vec!["windows_update_traces".to_string()]));
    // Both given: the logs that would record an outcome are here and show none.
    let dir = reallogs();
    let evtx = std::fs::read(dir.join("evidence/60_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx")).unwrap();
    let r = report_of(vec![("WindowsUpdate.log", log.into_bytes()), ("WindowsUpdateClient.evtx", evtx)]);
    let cu = one(&r, "KB5044273");
    assert_eq!(cu.state, LedgerState::Unknown);
    assert!(cu.would_tell.is_empty(), "{:?}", cu.would_tell);
    assert!(wulens_core::ledger::would_tell(cu).unwrap().starts_with("No outcome of it in these logs"));
    // Only unknown rows say it.
    assert!(r.ledger.iter().all(|x| x.state == LedgerState::Unknown || x.would_tell.is_empty()));
}

#[test]
fn real_logs_cbs_package_sessions_are_rows_of_their_own() {
    // 16: Features on Demand install the fa-ir language package nine times, every session
    // ending in 0x8024402c (its download cannot resolve the server's name); the face-migration
    // package installs once (S_OK).
    let r = real(&["hold1/16_CBS.log"]);
    well_formed(&r);
    let lang = r.ledger.iter().find(|x| x.title.starts_with("Microsoft-Windows-LanguageFeatures-Basic-fa-ir-Package~")).expect("the language package's row");
    assert_eq!((lang.kind, lang.state, lang.code.as_deref()), (TargetKind::Package, LedgerState::Failing, Some("0x8024402C")));
    assert_eq!(lang.failures().count(), 9);
    assert_eq!(lang.steps.iter().filter(|s| s.event == LifeEvent::InstallStarted).count(), 9);
    assert!(lang.steps.iter().all(|s| s.source == "cbs"));
    let face = r.ledger.iter().find(|x| x.title.starts_with("Microsoft-Windows-Hello-Face-Migration-Package~")).expect("the face package's row");
    assert_eq!(face.state, LedgerState::Done);
    assert_eq!(wulens_core::ledger::target(lang), "the servicing package Microsoft-Windows-LanguageFeatures-Basic-fa-ir-Package 10.0.19041.1");
    // 18: after a restart, KB5000736's two packages complete their startup processing in the
    // same second: one row by KB, one install.
    let r = real(&["hold1/18_CBS.log"]);
    well_formed(&r);
    let ekb = one(&r, "KB5000736");
    assert_eq!((ekb.kind, ekb.state), (TargetKind::Package, LedgerState::Done));
    assert_eq!(ekb.steps.iter().map(|s| s.event).collect::<Vec<_>>(), [LifeEvent::Installed]);
}

#[test]
fn a_paused_ring_holds_back_the_quality_updates_not_done() {
    // The Intune bundle's ring pauses quality updates from 2026-11-02 (tests/fixtures/bundles);
    // beside it, the agent's log of 2026-11-09 to 11-15 finds the month's cumulative update and
    // never tries it.
    let log = stalled_download_log().lines().filter(|l| !l.contains("download job")).collect::<Vec<_>>().join("\n").replace("2024/10/", "2026/11/");
    let bundle = "DiagLogs-PC-INTUNE01-20261120T101500Z.zip";
    let zip = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bundles").join(bundle)).unwrap();
    let r = report_of(vec![(bundle, zip), ("WindowsUpdate.log", log.clone().into_bytes())]);
    let cu = one(&r, "KB5044273");
    assert_eq!(cu.state, LedgerState::Unknown);
    let held = cu.held.as_ref().expect("held back by the ring's pause");
    assert_eq!((held.updates.as_str(), held.policy.as_str(), held.value.as_str()), ("quality", "PauseQualityUpdatesStartTime", "2026-11-02"));
    assert_eq!((held.from.as_deref(), held.until.as_deref(), held.server.as_str()), (Some("2026-11-02"), Some("2026-12-06"), "Microsoft Intune"));
    assert!(held.file.ends_with("MDMDiagReport.xml") && held.line > 1, "{}:{}", held.file, held.line);
    assert!(wulens_core::ledger::held(cu)
        .unwrap()
        .starts_with("Held back by the update ring (Microsoft Intune): quality updates are paused from 2026-11-02 to 2026-12-06"));
    // Without the ring nothing holds it.
    let r = report_of(vec![("WindowsUpdate.log", log.into_bytes())]);
    assert_eq!(one(&r, "KB5044273").held, None);
}

#[test]
fn real_logs_windows7_report_events_give_each_updates_result() {
    // 40: 24 "Installation Successful", one failure 0x80242016 of KB4462923.
    let r = real(&["hold2/40_WindowsUpdate.txt"]);
    well_formed(&r);
    let cu = one(&r, "KB4462923");
    assert_eq!((cu.state, cu.code.as_deref()), (LedgerState::Failing, Some("0x80242016")));
    let done = r.ledger.iter().filter(|x| x.state == LedgerState::Done).count();
    assert!(done >= 20, "{done} installed rows");
}

#[test]
fn real_logs_events_and_reporting_events_of_one_update_join_by_kb() {
    // 61 (Setup.evtx) and 60 (WindowsUpdateClient/Operational) are one machine: KB5046613
    // downloaded (60) and installed (61) is one row, joined by its KB with a line of each.
    let r = real(&["evidence/60_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx", "evidence/61_Setup.evtx"]);
    well_formed(&r);
    let row = one(&r, "KB5046613");
    assert_eq!(row.state, LedgerState::Done);
    assert!(row.steps.iter().any(|s| s.event == LifeEvent::Downloaded) && row.steps.iter().any(|s| s.event == LifeEvent::Installed));
    let join = row.joins.iter().find(|j| j.by == JoinKey::Kb).expect("a KB join");
    assert_eq!(join.evidence.len(), 2);
}

/// A fleet row carries each update's latest state and code: what `wulens fleet` groups on.
#[test]
fn real_logs_a_fleet_row_carries_each_updates_state_and_code() {
    let dir = reallogs();
    let bytes = std::fs::read(dir.join("evidence/61_Setup.evtx")).expect("61_Setup.evtx");
    let row = wulens_core::fleet::MachineRow::from_inputs("pc-61", "61", vec![Input { name: "Setup.evtx".into(), bytes: bytes.into() }]);
    let kb = row.updates.iter().find(|u| u.kb == "KB5020683").expect("KB5020683 in the row");
    assert_eq!((kb.state, kb.code.as_str()), (LedgerState::Failing, "0x800F0984"));
    assert!(kb.since.starts_with("2024-11-14"), "{}", kb.since);
    assert_eq!(row.updates.first().map(|u| u.state), Some(LedgerState::Failing), "failing first");
    let line = serde_json::to_string(&row).unwrap();
    assert!(line.contains("\"updates\":[{\"kb\":\"KB5020683\""), "{line}");
}

#[test]
fn real_logs_a_feature_update_is_named_by_the_build_setup_installs() {
    // more/55: an upgrade to 10.0.19041.1253 ("CONX  Target OS version: 10.0.19041.1253") that
    // failed with 0x80070032-0x50013, remapped to 0xC1900108 for telemetry (more/README.md).
    let r = real(&["more/55_setupact.log"]);
    let rows: Vec<&LedgerRow> = r.ledger.iter().filter(|row| row.class == UpdateClass::Feature).collect();
    assert_eq!(rows.len(), 1, "{:#?}", r.ledger);
    let row = rows[0];
    assert_eq!(row.version.as_deref(), Some("build 10.0.19041.1253"));
    assert_eq!((row.state, row.code.as_deref()), (LedgerState::Failing, Some("0x80070032")), "the root, not the telemetry code");
    assert!(row.steps.iter().all(|s| s.evidence.line > 0));
    well_formed(&r);
}

/// One CMTrace record of UpdatesDeployment.log.
fn ud(time: &str, msg: &str, kind: u8) -> String {
    format!("<![LOG[{msg}]LOG]!><time=\"{time}.000+000\" date=\"10-09-2024\" component=\"UpdatesDeploymentAgent\" context=\"\" type=\"{kind}\" thread=\"4200\" file=\"\">\r\n")
}

#[test]
fn a_configmgr_deployment_names_its_updates_and_their_progress() {
    // ConfigMgr's UpdatesDeployment.log: the deployment targets two updates by their CI's update
    // id; one installs, the other ends in ciStateError with its result code.
    let site = "Site_1074285A-82C7-474F-B242-1EE20F8C3CE5";
    let (a, b) = ("774ec963-65e7-4c81-96e8-d229c10c3d00", "0c8f5a4e-1b2d-4c3e-9f6a-7b8c9d0e1f2a");
    let mut log = String::new();
    log += &ud("14:00:00", &format!("Update ({site}/SUM_{a}) Name (2024-10 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5044285)) ArticleID (5044285) added to the targeted list of deployment ({{F7A0F5F8-689F-49BC-8EA3-966C43D8F867}})"), 1);
    log += &ud("14:00:00", &format!("Update ({site}/SUM_{b}) Name (2024-10 Security Update for Microsoft Office (KB5002645)) ArticleID (5002645) added to the targeted list of deployment ({{F7A0F5F8-689F-49BC-8EA3-966C43D8F867}})"), 1);
    log += &ud("14:05:00", &format!("Update ({site}/SUM_{a}) Progress: Status = ciStateInstalling, PercentComplete = 0, Result = 0x0"), 1);
    log += &ud("14:06:00", &format!("Update ({site}/SUM_{b}) Progress: Status = ciStateInstalling, PercentComplete = 0, Result = 0x0"), 1);
    log += &ud("14:20:00", &format!("Update ({site}/SUM_{b}) Progress: Status = ciStateError, PercentComplete = 0, Result = 0x80070643"), 3);
    log += &ud("14:30:00", &format!("Update ({site}/SUM_{a}) Progress: Status = ciStateWaitReboot, PercentComplete = 100, Result = 0x0"), 1);
    log += &ud("16:30:00", "Evaluation initiated for (1) assignments.", 1);
    let r = report_of(vec![("UpdatesDeployment.log", log.into_bytes())]);
    well_formed(&r);
    let cu = one(&r, "KB5044285");
    assert_eq!(cu.update_id, a);
    assert_eq!(cu.state, LedgerState::PendingRestart);
    let office = one(&r, "KB5002645");
    assert_eq!((office.state, office.code.as_deref()), (LedgerState::Failing, Some("0x80070643")));
    assert_eq!(office.steps.iter().map(|s| s.event).collect::<Vec<_>>(), [LifeEvent::Assigned, LifeEvent::InstallStarted, LifeEvent::InstallFailed]);
    assert!(office.steps.iter().all(|s| s.evidence.file == "UpdatesDeployment.log" && s.evidence.line > 0));
    // No operation is in this log, but a deployed update fails: the first screen says so.
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("KB5002645") && r.summary.verdict.contains("0x80070643"), "{}", r.summary.verdict);
}

/// An update that waited for its restart is installed once the detection after the restart
/// confirms it (the enforcement state message, as Microsoft's deployment article shows it); an
/// update the restart did not confirm still waits for it.
#[test]
fn a_deployed_update_is_installed_once_the_restart_confirms_it() {
    let site = "Site_1074285A-82C7-474F-B242-1EE20F8C3CE5";
    let (a, b) = ("774ec963-65e7-4c81-96e8-d229c10c3d00", "0c8f5a4e-1b2d-4c3e-9f6a-7b8c9d0e1f2a");
    let mut log = String::new();
    for (id, name, kb) in [
        (a, "2024-10 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5044285)", "5044285"),
        (b, "2024-10 Security Update for Microsoft Office (KB5002645)", "5002645"),
    ] {
        log += &ud(
            "14:00:00",
            &format!(
                "Update ({site}/SUM_{id}) Name ({name}) ArticleID ({kb}) added to the targeted list of deployment ({{F7A0F5F8-689F-49BC-8EA3-966C43D8F867}})"
            ),
            1,
        );
        log += &ud("14:05:00", &format!("Update ({site}/SUM_{id}) Progress: Status = ciStateInstalling, PercentComplete = 0, Result = 0x0"), 1);
        log += &ud("14:30:00", &format!("Update ({site}/SUM_{id}) Progress: Status = ciStateWaitReboot, PercentComplete = 100, Result = 0x0"), 1);
    }
    log += &ud("14:30:05", "Raised assignment ({F7A0F5F8-689F-49BC-8EA3-966C43D8F867}) state message successfully. TopicType = Enforce, StateId = 5, StateName = ASSIGNMENT_ENFORCE_PENDING_REBOOT", 1);
    log += &ud("15:02:11", "CUpdatesJob({53F4851F-7E63-4C7E-952D-78345039FFFC}): Detect after reboot job completed with result = 0x0", 1);
    log += &ud(
        "15:02:12",
        &format!("Raised update ({site}/SUM_{a}) enforcement state message successfully. StateId = 10, StateName = CI_ENFORCEMENT_SUCCESSFULL"),
        1,
    );
    let r = report_of(vec![("UpdatesDeployment.log", log.into_bytes())]);
    well_formed(&r);
    let cu = one(&r, "KB5044285");
    assert_eq!(cu.state, LedgerState::Done, "{cu:#?}");
    let last = cu.decisive_step().unwrap();
    assert!(last.evidence.text.contains("CI_ENFORCEMENT_SUCCESSFULL") && last.evidence.line == 9, "{:?}", last.evidence);
    assert_eq!(one(&r, "KB5002645").state, LedgerState::PendingRestart);
}

fn cm(component: &str, time: &str, msg: &str) -> String {
    format!("<![LOG[{msg}]LOG]!><time=\"{time}.000+000\" date=\"10-09-2024\" component=\"{component}\" context=\"\" type=\"1\" thread=\"4200\" file=\"\">\r\n")
}

#[test]
fn configmgrs_table_joins_the_rows_its_ids_name_whatever_their_braces() {
    // The deployment names update `a`; UpdatesStore.log states `a` (a row already, joined) and
    // `c` (a row of its own); `b` is stated in braces and capitals, and WUAHandler.log names it
    // bare: two rows of ConfigMgr's table, one update.
    let site = "Site_1074285A-82C7-474F-B242-1EE20F8C3CE5";
    let (a, b, c) = ("774ec963-65e7-4c81-96e8-d229c10c3d00", "0c8f5a4e-1b2d-4c3e-9f6a-7b8c9d0e1f2a", "5e3b1c2d-7a8b-4c9d-8e1f-2a3b4c5d6e7f");
    let mut deployment = String::new();
    deployment += &ud("14:00:00", &format!("Update ({site}/SUM_{a}) Name (2024-10 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5044285)) ArticleID (5044285) added to the targeted list of deployment ({{F7A0F5F8-689F-49BC-8EA3-966C43D8F867}})"), 1);
    deployment += &ud("14:05:00", &format!("Update ({site}/SUM_{a}) Progress: Status = ciStateInstalling, PercentComplete = 0, Result = 0x0"), 1);
    let state =
        |id: &str, said: &str, time: &str| cm("UpdatesStore", time, &format!("Successfully raised state message for update ({id}) with state ({said})."));
    let mut store = state(a, "Missing", "13:00:00") + &state(c, "Installed", "13:00:01");
    let plain = report_of(vec![("UpdatesDeployment.log", deployment.clone().into_bytes()), ("UpdatesStore.log", store.clone().into_bytes())]);
    store += &state(&format!("{{{}}}", b.to_ascii_uppercase()), "Installed", "13:00:02");
    let wua = cm("WUAHandler", "13:10:00", &format!("Update (Installed): 2024-10 Security Update for Microsoft Office (KB5002645) ({b}, 200)"));
    let braced =
        report_of(vec![("UpdatesDeployment.log", deployment.into_bytes()), ("UpdatesStore.log", store.into_bytes()), ("WUAHandler.log", wua.into_bytes())]);
    for r in [&plain, &braced] {
        well_formed(r);
        let cu = one(r, "KB5044285");
        assert_eq!(cu.update_id, a);
        assert!(cu.steps.iter().any(|s| s.event == LifeEvent::Missing && s.evidence.file == "UpdatesStore.log"), "{:?}", cu.steps);
        assert!(cu.joins.iter().any(|j| j.by == JoinKey::UpdateId && j.evidence.iter().any(|e| e.file == "UpdatesStore.log")), "{:?}", cu.joins);
        let own: Vec<_> = r.ledger.iter().filter(|row| row.update_id == c).collect();
        assert_eq!(own.len(), 1);
        assert_eq!((own[0].state, own[0].steps.len()), (LedgerState::Done, 1));
    }
    let office: Vec<_> = braced.ledger.iter().filter(|row| row.update_id.trim_matches(['{', '}']).eq_ignore_ascii_case(b)).collect();
    assert_eq!(office.len(), 1, "{:#?}", braced.ledger.iter().map(|x| (&x.update_id, &x.title)).collect::<Vec<_>>());
    assert_eq!((office[0].kb.as_str(), office[0].state), ("KB5002645", LedgerState::Done));
    assert_eq!(braced.ledger.len(), 3);
}

/// The CLI's report moves the diagnosis's updates and ledger rows in; the page's copies them
/// from a diagnosis it keeps. Both give the same report, a ledger row with more steps than a
/// report lists cut the same way (a drop of 30 real logs: 5 rows of ConfigMgr's table, 280
/// ledger rows, one of them cut).
#[test]
fn real_logs_a_report_of_a_kept_diagnosis_is_the_report_built_at_once() {
    use wulens_core::report::ReportLimits;
    use wulens_core::Diagnosis;
    let dir = reallogs().join("more");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_none_or(|x| x != "md")).collect();
    names.sort();
    let inputs = names.iter().map(|p| Input { name: p.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(p).unwrap().into() }).collect();
    let a = Analysis::from_inputs(inputs, &Limits::default());
    for limits in [ReportLimits::FULL, ReportLimits::PAGE] {
        let at_once = Report::build_with(&a, limits);
        let d = Diagnosis::run(&a);
        let kept = Report::from_diagnosis(&a, &d, limits);
        assert!(!at_once.updates.is_empty() && !at_once.ledger.is_empty(), "nothing to compare");
        assert!(d.ledger.iter().zip(&at_once.ledger).any(|(all, cut)| all.steps.len() > cut.steps.len()), "no ledger row cut");
        assert_eq!(serde_json::to_value(&at_once).unwrap(), serde_json::to_value(&kept).unwrap());
    }
}

/// Defender's security intelligence update fails five times and a later version of it installs:
/// the ledger (by KB) says installed, and so does the detail: each version has a title of its
/// own, but one KB, and the later install made the failures good.
#[test]
fn failed_tries_of_a_kb_a_later_version_installed_are_recovered() {
    let title = |v: u32| format!("Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.409.{v}.0)");
    let mut s = String::new();
    for i in 0..5 {
        s.push_str(&format!(
            "2024/05/01 1{i}:00:00.0000000 1380  3316  WindowsUpdateClient Event 20, record {i}, PC1, Error: Installation Failure: error 0x80246007, Windows Update could not install the update: {}\r\n",
            title(i)
        ));
    }
    s.push_str(&format!(
        "2024/05/01 16:00:00.0000000 1380  3316  WindowsUpdateClient Event 19, record 9, PC1, Information: Installation Successful: Windows Update installed the update: {}\r\n",
        title(9)
    ));
    let r = report_of(vec![("System.evtx.txt", s.into_bytes())]);
    well_formed(&r);
    assert_eq!(one(&r, "KB2267602").state, LedgerState::Done);
    let text = wulens_core::report::text(&r);
    let detail = text.split("\n\n").nth(2).unwrap_or_default();
    assert!(detail.contains("5 recovered") && !detail.contains("failed"), "the detail agrees with the ledger:\n{text}");
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    // Another KB installed later makes nothing good.
    let other = "Security Intelligence Update for Microsoft Defender Antivirus - KB4052623 (Version 4.18.1.0)";
    let s = format!(
        "2024/05/01 10:00:00.0000000 1380  3316  WindowsUpdateClient Event 20, record 1, PC1, Error: Installation Failure: error 0x80246007, Windows Update could not install the update: {}\r\n\
         2024/05/01 16:00:00.0000000 1380  3316  WindowsUpdateClient Event 19, record 9, PC1, Information: Installation Successful: Windows Update installed the update: {other}\r\n",
        title(1)
    );
    let r = report_of(vec![("System.evtx.txt", s.into_bytes())]);
    assert!(wulens_core::report::text(&r).contains("1 failed"), "{}", wulens_core::report::text(&r));
}
