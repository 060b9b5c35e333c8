//! The ConfigMgr chain around the client's scan (issue 64): the client's Software Updates
//! feature, the site's software update point synchronization, WSUS's configuration and health.
//! The scenarios are `tests/fixtures/chain-*/logs` (written by
//! `tests/fixtures/make_chain_fixtures.py` after the lines Microsoft's articles quote), each
//! read whole and each log alone, and real logs that show the routine shapes.

use std::path::{Path, PathBuf};

use wulens_core::model::{FindingSeverity, LedgerState, LifeEvent, LinkId, LinkState, VerdictStatus};
use wulens_core::report::{ChainLinkReport, FindingReport};
use wulens_core::{Analysis, Input, Limits, Report};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name).join("logs")
}

fn report_of(paths: &[PathBuf]) -> Report {
    let mut inputs = Vec::new();
    for p in paths {
        let files: Vec<PathBuf> = if p.is_dir() { std::fs::read_dir(p).unwrap().map(|e| e.unwrap().path()).collect() } else { vec![p.clone()] };
        for f in files {
            inputs.push(Input { name: f.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(&f).unwrap().into() });
        }
    }
    assert!(!inputs.is_empty(), "nothing read from {paths:?}");
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

fn ids(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

fn finding<'r>(r: &'r Report, id: &str) -> &'r FindingReport {
    r.findings.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no {id} finding: {:?}", ids(r)))
}

fn cites(f: &FindingReport, file: &str, line: u32) -> bool {
    f.evidence.iter().any(|e| e.file.ends_with(file) && e.line == line)
}

#[test]
fn a_client_whose_software_updates_policy_never_arrived_says_so_and_claims_no_scan_failure() {
    let r = report_of(&[fixture("chain-updates-off")]);
    let s = &r.summary;
    assert!(s.verdict.contains("Software updates are off on this client"), "{}", s.verdict);
    assert_eq!(s.badge, "Needs attention", "{}", s.verdict);
    assert!(!s.verdict.contains("scan is failing") && !s.verdict.contains("0x80072EE2"), "{}", s.verdict);
    // The management point's time-outs in CcmMessaging.log are the client notification
    // channel's, not the update chain's: no scan step and no update-server finding takes them.
    let flow = &r.scan_flow;
    assert_eq!(flow.failed_step, None, "{:?}", flow.steps.iter().map(|s| &s.status).collect::<Vec<_>>());
    assert!(!ids(&r).contains(&"http_timeout_auth"), "{:?}", ids(&r));
    // One finding says it, with the first and the latest line; the vaguer "no WUAHandler
    // activity" is not said beside it.
    let off = finding(&r, "software_updates_off");
    let times: Vec<&str> = off.evidence.iter().filter_map(|e| e.time.as_deref()).collect();
    assert!(
        times.first().is_some_and(|t| t.starts_with("2025-03-10T07:58:12")) && times.last().is_some_and(|t| t.starts_with("2025-03-12T07:55:05")),
        "{:?}",
        off.evidence
    );
    assert!(off.summary.contains("9 lines") && off.summary.contains("2025-03-10 07:58:12") && off.summary.contains("2025-03-12 07:55:05"), "{}", off.summary);
    assert!(!ids(&r).contains(&"no_wuahandler_activity"), "{:?}", ids(&r));
    // Its advice is the client setting and the policy, with a command that runs as written.
    assert!(r.next_checks.iter().any(|c| c.text.contains("Enable software updates on clients")), "{:?}", r.next_checks);
}

#[test]
fn each_log_of_that_client_alone_says_what_it_shows() {
    let dir = fixture("chain-updates-off");
    for name in ["UpdatesDeployment.log", "ScanAgent.log"] {
        let r = report_of(&[dir.join(name)]);
        assert!(r.summary.verdict.contains("Software updates are off"), "{name}: {}", r.summary.verdict);
    }
    // CcmMessaging.log alone: the management point's time-outs, and no scan failure from them.
    let r = report_of(&[dir.join("CcmMessaging.log")]);
    assert!(!r.summary.verdict.contains("scan is failing"), "{}", r.summary.verdict);
}

#[test]
fn a_client_that_enables_the_feature_once_it_reads_its_policy_is_routine() {
    let r = report_of(&[fixture("chain-updates-on")]);
    assert!(!ids(&r).contains(&"software_updates_off"), "{:?}", ids(&r));
}

/// The real log with that shape: at the service's start the policy was not read yet, 33
/// seconds later the client enabled the feature and evaluated its deployments.
#[test]
fn real_logs_a_client_that_enables_the_feature_once_it_reads_its_policy_is_routine() {
    let real = wulens_testdata::real_logs().join("04_UpdatesDeployment.log");
    let r = report_of(&[real]);
    assert!(!ids(&r).contains(&"software_updates_off"), "{:?}", ids(&r));
    assert!(!r.summary.verdict.contains("Software updates are off"), "{}", r.summary.verdict);
}

#[test]
fn failing_replica_software_update_points_are_named_behind_a_site_sync_that_succeeded() {
    let r = report_of(&[fixture("chain-sup-replicas-fail")]);
    let v = &r.summary.verdict;
    for want in [
        "sup02.corp.fabrikam.test",
        "sup03.corp.fabrikam.test",
        "Execution Timeout Expired",
        "since 2025-03-11 02:14:02",
        "succeeded, last at 2025-03-13 02:05:31",
    ] {
        assert!(v.contains(want), "{want:?} not in: {v}");
    }
    assert_eq!(r.summary.badge, "Software update point sync failed", "{v}");
    let sync = finding(&r, "sup_sync");
    assert_eq!(sync.severity, FindingSeverity::Error);
    // Each failing server with its last success and its first failure, past and present apart.
    for want in [
        "sup02.corp.fabrikam.test fails",
        "its last successful synchronization at 2025-03-10 02:07:31",
        "sup03.corp.fabrikam.test fails",
        "4 runs in these logs, 0 failed",
    ] {
        assert!(sync.summary.contains(want), "{want:?} not in: {}", sync.summary);
    }
    assert!(sync.evidence.iter().any(|e| e.text.starts_with("Sync failed: Execution Timeout Expired")), "{:?}", sync.evidence);
    // WCM.log still fails at its end; WSUSCtrl.log's unhealthy component recovered.
    let faults = finding(&r, "site_faults");
    assert!(faults.summary.contains("WSUS Configuration Manager (WCM.log) is failing"), "{}", faults.summary);
    assert!(faults.summary.contains("WSUS Control Manager (WSUSCtrl.log) found WSUS healthy, last at 2025-03-12 05:20:03"), "{}", faults.summary);
    assert!(faults.summary.contains("past"), "{}", faults.summary);
    assert!(cites(faults, "WCM.log", 13), "{:?}", faults.evidence);
    // The WCM fault is the likely cause; the sync finding is not its own cause.
    assert!(v.contains("Likely cause: WSUS configuration or health faults on the site"), "{v}");
}

#[test]
fn a_site_sync_that_fails_says_why_and_since_when() {
    let r = report_of(&[fixture("chain-sup-site-fails")]);
    let v = &r.summary.verdict;
    assert!(v.contains("the latest run failed at 2025-03-11 02:00:40"), "{v}");
    assert!(v.contains("WSUS server not configured"), "{v}");
    assert!(v.contains("last synchronized at 2025-03-10 02:02:11"), "{v}");
    assert_eq!(finding(&r, "sup_sync").severity, FindingSeverity::Error);
}

#[test]
fn each_site_log_alone_says_what_it_shows() {
    let dir = fixture("chain-sup-replicas-fail");
    let r = report_of(&[dir.join("wsyncmgr.log")]);
    assert!(r.summary.verdict.contains("fail to synchronize"), "{}", r.summary.verdict);
    let r = report_of(&[dir.join("WCM.log")]);
    assert!(r.summary.verdict.contains("WSUS Configuration Manager (WCM.log) is failing"), "{}", r.summary.verdict);
    let r = report_of(&[dir.join("WSUSCtrl.log")]);
    assert_eq!(r.summary.status, VerdictStatus::Ok, "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("found WSUS healthy"), "{}", r.summary.verdict);
}

#[test]
fn real_logs_of_site_servers_read_as_their_careful_reader_reads_them() {
    let real = wulens_testdata::real_logs();
    // WCM.log of a healthy site: three error lines at the site's installation, then 17
    // successful configurations: a past fault, nothing failing.
    let r = report_of(&[real.join("hold2/48_WCM.log")]);
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    let faults = finding(&r, "site_faults");
    assert_eq!(faults.severity, FindingSeverity::Info);
    assert!(faults.summary.contains("configured WSUS, last at 2024-06-06 05:35:39") && faults.summary.contains("past"), "{}", faults.summary);
    // An idle wsyncmgr.log: no run, said so, nothing failed.
    let r = report_of(&[real.join("hold2/50_wsyncmgr.log")]);
    assert!(r.summary.verdict.contains("No software update point synchronization ran in these logs"), "{}", r.summary.verdict);
    assert!(r.findings.iter().all(|f| f.severity != FindingSeverity::Error), "{:?}", ids(&r));
}

#[test]
fn updates_waiting_for_a_maintenance_window_are_said_and_the_ledger_says_so_per_update() {
    let r = report_of(&[fixture("chain-maintenance-window")]);
    let v = &r.summary.verdict;
    for want in
        ["3 deployed updates wait for a maintenance window", "no window of the Software Updates type exists", "the next window begins at 03/15/2025 22:00:00"]
    {
        assert!(v.contains(want), "{want:?} not in: {v}");
    }
    assert_eq!(r.summary.badge, "Needs attention", "{v}");
    let w = finding(&r, "maintenance_windows");
    assert_eq!(w.severity, FindingSeverity::Warning);
    assert!(w.summary.contains("3 evaluations from 2025-03-12 19:09:12 to 2025-03-14 07:08:02 found no maintenance window open"), "{}", w.summary);
    assert!(cites(w, "ServiceWindowManager.log", 2), "{:?}", w.evidence);
    // Each deployed update's row waits, from the line that says so.
    assert_eq!(r.ledger.len(), 3, "{:?}", r.ledger.iter().map(|x| &x.kb).collect::<Vec<_>>());
    for (row, line) in r.ledger.iter().zip(17..) {
        assert_eq!(row.state, LedgerState::Waiting, "{}", row.kb);
        let step = row.decisive_step().expect("the step it waits from");
        assert_eq!((step.event, step.evidence.file.ends_with("UpdatesDeployment.log")), (LifeEvent::WaitingForWindow, true), "{}", row.kb);
        assert!((17..20).contains(&step.evidence.line), "{} {line}", step.evidence.line);
    }
    // Alone, UpdatesDeployment.log says the same; ServiceWindowManager.log says what it can.
    let alone = report_of(&[fixture("chain-maintenance-window").join("UpdatesDeployment.log")]);
    assert!(alone.summary.verdict.contains("3 deployed updates wait for a maintenance window"), "{}", alone.summary.verdict);
    let windows = report_of(&[fixture("chain-maintenance-window").join("ServiceWindowManager.log")]);
    let f = finding(&windows, "maintenance_windows");
    assert_eq!(f.severity, FindingSeverity::Info);
    assert!(f.summary.contains("Whether updates wait for one is in UpdatesDeployment.log"), "{}", f.summary);
}

#[test]
fn real_logs_a_closed_window_with_nothing_to_install_is_routine() {
    // The real log: at a service start no window was open and no update was actionable.
    let r = report_of(&[wulens_testdata::real_logs().join("04_UpdatesDeployment.log")]);
    let w = finding(&r, "maintenance_windows");
    assert_eq!(w.severity, FindingSeverity::Info);
    assert!(w.summary.contains("routine, nothing waits"), "{}", w.summary);
    assert!(!r.summary.verdict.contains("maintenance window"), "{}", r.summary.verdict);
    assert!(r.ledger.iter().all(|x| x.state != LedgerState::Waiting));
}

#[test]
fn a_content_download_that_fails_names_the_update_the_distribution_point_and_its_answer() {
    let r = report_of(&[fixture("chain-content-fails")]);
    let v = &r.summary.verdict;
    for want in [
        "The content of KB5055523 (windows11.0-kb5055523-x64.cab) failed to download from cmdp02.corp.example.net",
        "0x87D0027E",
        "HTTP answer 405 Method Not Allowed",
        "(2 failures)",
    ] {
        assert!(v.contains(want), "{want:?} not in: {v}");
    }
    assert_eq!(r.summary.badge, "Deployment failed", "{v}");
    let f = finding(&r, "update_content");
    assert_eq!(f.severity, FindingSeverity::Error);
    // The request, the latest failure (the manifest line of the second try), and the content
    // no distribution point offers, a day before the logs end.
    assert!(cites(f, "CAS.log", 1) && cites(f, "DataTransferService.log", 10) && cites(f, "ContentTransferManager.log", 5), "{:?}", f.evidence);
    assert!(f.summary.contains("No distribution point offered the content of KB5054979") && f.summary.contains("24 hours later"), "{}", f.summary);
    // The advice asks this client's distribution point for this content.
    let command = f.guidance.iter().find_map(|g| g.command.as_deref()).expect("a command");
    assert!(command.contains("'http://cmdp02.corp.example.net/SMS_DP_SMSPKG$/7e1a2b3c-4d5e-4f60-8172-93a4b5c6d7e8'"), "{command}");
    // The update's ledger row fails with the transfer's code, from its line.
    let row = r.ledger.iter().find(|x| x.kb == "KB5055523").expect("KB5055523's row");
    assert_eq!((row.state, row.code.as_deref()), (LedgerState::Failing, Some("0x87D0027E")));
    let step = row.decisive_step().expect("the failure");
    assert_eq!((step.event, step.evidence.file.ends_with("DataTransferService.log")), (LifeEvent::DownloadFailed, true));
    // The update whose content no distribution point offers waits for one, from the line that
    // says the location update came back empty: not "still running".
    let row = r.ledger.iter().find(|x| x.kb == "KB5054979").expect("KB5054979's row");
    assert_eq!(row.state, LedgerState::Waiting, "{:?}", row.steps.iter().map(|s| s.event).collect::<Vec<_>>());
    let step = row.decisive_step().expect("the wait");
    assert_eq!((step.event, step.evidence.file.ends_with("ContentTransferManager.log"), step.evidence.line), (LifeEvent::WaitingForContent, true, 5));
    assert_eq!(wulens_core::ledger::state(row), "waiting for a distribution point to offer its content (24 hours when the log ends)");
}

#[test]
fn content_downloaded_and_verified_is_no_failure_and_each_log_alone_says_what_it_shows() {
    let r = report_of(&[fixture("chain-content-ok")]);
    assert_eq!(r.summary.status, VerdictStatus::Ok, "{}", r.summary.verdict);
    let f = finding(&r, "update_content");
    assert_eq!(f.severity, FindingSeverity::Info);
    assert!(f.summary.contains("2 contents downloaded from cmdp02.corp.example.net (2 with the hash verified)"), "{}", f.summary);
    assert!(r.ledger.iter().all(|x| x.state == LedgerState::Done), "{:?}", r.ledger.iter().map(|x| (&x.kb, x.state)).collect::<Vec<_>>());
    // The ledger has each download's steps from CAS.log, joined by the update id.
    for row in &r.ledger {
        assert!(row.steps.iter().any(|s| s.event == LifeEvent::Downloaded && s.evidence.file.ends_with("CAS.log")), "{}", row.kb);
    }
    // CAS.log alone knows the contents by id, not by update.
    let cas = report_of(&[fixture("chain-content-ok").join("CAS.log")]);
    let f = finding(&cas, "update_content");
    assert!(f.summary.contains("2 contents downloaded (2 with the hash verified)"), "{}", f.summary);
    // Without CAS.log no content is known: the transfer logs alone make no finding.
    let dts = report_of(&[fixture("chain-content-ok").join("DataTransferService.log")]);
    assert!(!ids(&dts).contains(&"update_content"), "{:?}", ids(&dts));
}

// ---- where the chain stands, link by link (`Report::chain`) ----

fn states(r: &Report) -> Vec<(LinkId, LinkState)> {
    r.chain.iter().map(|l| (l.link, l.state)).collect()
}

fn link_of(r: &Report, id: LinkId) -> &ChainLinkReport {
    r.chain.iter().find(|l| l.link == id).unwrap_or_else(|| panic!("no {id:?} link: {:?}", states(r)))
}

#[test]
fn the_chain_of_a_client_whose_policy_never_arrived_stops_at_its_policy() {
    let r = report_of(&[fixture("chain-updates-off")]);
    use LinkId as L;
    use LinkState as S;
    assert_eq!(
        states(&r),
        [
            (L::SiteAssignment, S::NotInLogs),
            (L::Policy, S::Off),
            (L::Scan, S::NotReached),
            (L::Deployment, S::NotReached),
            (L::Content, S::NotInLogs),
            (L::Window, S::Ok),
            (L::Install, S::NotInLogs),
            (L::Restart, S::NotInLogs)
        ]
    );
    let policy = link_of(&r, L::Policy);
    assert!(policy.evidence.iter().any(|e| e.file.ends_with("ScanAgent.log") && e.line == 2), "{:?}", policy.evidence);
    assert!(policy.summary.starts_with("Off: 9 lines say from 2025-03-10 07:58"), "{}", policy.summary);
    // A link no given log shows names the logs that would; one whose log is given and silent says so.
    assert_eq!(link_of(&r, L::Content).summary, "Not in these logs: CAS.log, ContentTransferManager.log or DataTransferService.log would show it.");
    assert_eq!(link_of(&r, L::Install).summary, "No line of it in UpdatesDeployment.log.");
    // No site log, no site chain.
    assert!(r.chain.iter().all(|l| LinkId::CLIENT.contains(&l.link)));
    // A client that turned the feature on once it read its policy: on, from that line.
    let r = report_of(&[fixture("chain-updates-on")]);
    let policy = link_of(&r, L::Policy);
    assert_eq!((policy.state, policy.summary.as_str()), (S::Ok, "On: the client turned its Software Updates feature on."));
    assert!(policy.evidence.first().is_some_and(|e| e.text.starts_with("Enabling software Updates feature")), "{:?}", policy.evidence);
}

#[test]
fn the_chain_says_which_link_waits_or_fails_with_its_lines() {
    use LinkId as L;
    use LinkState as S;
    let r = report_of(&[fixture("chain-maintenance-window")]);
    let w = link_of(&r, L::Window);
    assert_eq!(w.state, S::Waiting);
    assert!(w.summary.contains("3 updates waiting for a maintenance window") && w.summary.contains("03/15/2025 22:00:00"), "{}", w.summary);
    assert_eq!((link_of(&r, L::Deployment).state, link_of(&r, L::Install).state), (S::Ok, S::NotReached));

    let r = report_of(&[fixture("chain-content-fails")]);
    let c = link_of(&r, L::Content);
    assert_eq!(c.state, S::Failed);
    assert_eq!(c.summary, "1 content failed to download (0x87D0027E), 1 content waiting for a distribution point.");
    assert!(c.evidence.iter().any(|e| e.file.ends_with("DataTransferService.log") && e.line == 10), "{:?}", c.evidence);

    let r = report_of(&[fixture("chain-content-ok")]);
    assert_eq!(
        states(&r),
        [
            (L::SiteAssignment, S::NotInLogs),
            (L::Policy, S::Ok),
            (L::Scan, S::NotInLogs),
            (L::Deployment, S::Ok),
            (L::Content, S::Ok),
            (L::Window, S::NotInLogs),
            (L::Install, S::Ok),
            (L::Restart, S::Ok)
        ]
    );
    assert_eq!(link_of(&r, L::Install).summary, "2 of 2 (KB5055523 and more) installed.");
}

#[test]
fn the_site_chain_names_failing_servers_behind_a_run_that_succeeded() {
    use LinkId as L;
    use LinkState as S;
    let r = report_of(&[fixture("chain-sup-replicas-fail")]);
    assert_eq!(states(&r), [(L::WsusConfig, S::Failed), (L::WsusHealth, S::Ok), (L::SiteSync, S::Ok), (L::ServerSync, S::Failed)]);
    // The run's link cites the run's own success, not the servers' failures.
    let run = link_of(&r, L::SiteSync);
    assert_eq!(run.evidence.iter().map(|e| e.line).collect::<Vec<_>>(), [105], "{:?}", run.evidence);
    assert_eq!(link_of(&r, L::ServerSync).summary, "2 of 3 failing now: sup02.corp.fabrikam.test, sup03.corp.fabrikam.test.");
    assert!(link_of(&r, L::WsusHealth).summary.contains("past"));

    let r = report_of(&[fixture("chain-sup-site-fails")]);
    assert_eq!(r.summary.badge, "Software update point sync failed");
    assert_eq!(link_of(&r, L::SiteSync).state, S::Failed);
    assert_eq!(link_of(&r, L::WsusConfig).state, S::NotInLogs);
    // A site server's logs alone ask for no client's configuration.
    assert!(r.configuration.missing.is_empty(), "{:?}", r.configuration.missing);
    assert!(!wulens_core::report::text(&r).contains("Client configuration"));
}

#[test]
fn a_drop_without_configmgr_logs_has_no_chain() {
    let r = report_of(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/samples/broken-scan/WindowsUpdate.log")]);
    assert!(r.chain.is_empty(), "{:?}", states(&r));
    assert!(!wulens_core::report::text(&r).contains("ConfigMgr client chain"));
}

#[test]
fn real_logs_the_chain_of_a_client_and_of_an_idle_site() {
    use LinkId as L;
    use LinkState as S;
    let real = wulens_testdata::real_logs();
    let r = report_of(&["01_WUAHandler.log", "02_UpdatesHandler.log", "03_UpdatesStore.log", "04_UpdatesDeployment.log"].map(|n| real.join(n)));
    assert_eq!((link_of(&r, L::Policy).state, link_of(&r, L::Scan).state, link_of(&r, L::Deployment).state), (S::Ok, S::Ok, S::Ok), "{:?}", states(&r));
    assert!(r.chain.iter().all(|l| l.state != S::Failed), "{:?}", states(&r));
    // Steps 3 and 7 unconfirmed: no failure, and not "completed".
    assert_eq!(link_of(&r, L::Scan).summary, "No step of the latest scan failed; the logs confirm it up to \"Update store\".");
    // Every link that stands somewhere names its lines.
    assert!(r.chain.iter().filter(|l| matches!(l.state, S::Ok | S::Failed | S::Waiting | S::Off)).all(|l| !l.evidence.is_empty()), "{:?}", states(&r));
    let r = report_of(&[real.join("hold2/50_wsyncmgr.log")]);
    assert_eq!(link_of(&r, L::SiteSync).state, S::NotReached);
    assert_eq!(link_of(&r, L::SiteSync).summary, "No synchronization run in this log.");
}
