//! One definition per state of the ConfigMgr chain (issue 73): the finding, the link, the
//! ledger row and the badge of every chain scenario read the same state. The scenarios are the
//! `tests/fixtures/chain-*` folders (whole and each log alone) and the ones written here, line by
//! line after Microsoft's documented shapes (../shared/reference/configmgr-client-lines.md; KB
//! 3090265, "Track the software update deployment process", for CAS.log and UpdatesHandler.log),
//! not after the readers' own strings.

use std::path::{Path, PathBuf};

use wulens_core::model::{FindingSeverity, LedgerState, LifeEvent, LinkId, LinkState, VerdictStatus};
use wulens_core::report::ChainLinkReport;
use wulens_core::{Analysis, Input, Limits, Report};

/// A CMTrace line as the client writes it (UTC-05:00, as `+300`).
fn cm(msg: &str, date: &str, time: &str, component: &str) -> String {
    format!("<![LOG[{msg}]LOG]!><time=\"{time}.000+300\" date=\"{date}\" component=\"{component}\" context=\"\" type=\"1\" thread=\"3532\" file=\"x.cpp:1\">")
}

/// A log of CMTrace lines: (message, time) on one day, one component.
fn log(name: &str, component: &str, date: &str, lines: &[(&str, &str)]) -> Input {
    let text: String = lines.iter().map(|(m, t)| cm(m, date, t, component) + "\r\n").collect();
    Input { name: name.to_string(), bytes: [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat().into() }
}

fn report(inputs: Vec<Input>) -> Report {
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

fn fixture_inputs(dir: &Path) -> Vec<Input> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|f| Input { name: f.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(f).unwrap().into() }).collect()
}

fn link(r: &Report, id: LinkId) -> &ChainLinkReport {
    r.chain.iter().find(|l| l.link == id).unwrap_or_else(|| panic!("no {id:?} link"))
}

fn finding_severity(r: &Report, id: &str) -> Option<FindingSeverity> {
    r.findings.iter().find(|f| f.id == id).map(|f| f.severity)
}

const CONTENT_LOGS: [&str; 3] = ["CAS.log", "ContentTransferManager.log", "DataTransferService.log"];

/// The finding, the link, the ledger rows and the badge of one report agree; `what` names it.
fn agree(r: &Report, what: &str) {
    let states: Vec<(LinkId, LinkState)> = r.chain.iter().map(|l| (l.link, l.state)).collect();
    // The content: its finding's severity is its link's state's, and the rows its logs decide
    // stand where the link stands at worst.
    if let Some(sev) = finding_severity(r, "update_content") {
        let l = link(r, LinkId::Content);
        assert_eq!(sev, l.state.severity(), "{what}: update_content is {sev:?}, its link {:?}", l.state);
        let rows: Vec<LinkState> = r
            .ledger
            .iter()
            .filter(|x| x.decisive_step().is_some_and(|s| CONTENT_LOGS.iter().any(|n| s.evidence.file.ends_with(n))))
            .filter_map(|x| LinkState::of_ledger(x.state))
            .collect();
        if let Some(worst) = rows.iter().min() {
            assert_eq!(*worst, l.state, "{what}: the content's rows stand at {rows:?}, its link {:?}", l.state);
        }
    } else if r.chain.iter().any(|l| l.link == LinkId::Content) {
        let l = link(r, LinkId::Content);
        assert!(
            !matches!(l.state, LinkState::Failed | LinkState::Waiting | LinkState::Running)
                || l.evidence.iter().all(|e| !CONTENT_LOGS.iter().any(|n| e.file.ends_with(n))),
            "{what}: a content link {:?} with no finding",
            l.state
        );
    }
    // The maintenance windows: the finding's severity is its link's state's; a row waiting for
    // a window means the link waits.
    if let Some(sev) = finding_severity(r, "maintenance_windows") {
        let l = link(r, LinkId::Window);
        assert_eq!(sev, l.state.severity(), "{what}: maintenance_windows is {sev:?}, its link {:?}", l.state);
    }
    if r.ledger.iter().any(|x| x.state == LedgerState::Waiting && x.decisive_step().is_some_and(|s| s.event == LifeEvent::WaitingForWindow)) {
        assert_eq!(link(r, LinkId::Window).state, LinkState::Waiting, "{what}");
    }
    // The restart: a row that waits for one means the link waits; RebootCoordinator.log's
    // finding has its link's state's severity where no row waits.
    if r.ledger.iter().any(|x| x.state == LedgerState::PendingRestart) {
        assert_eq!(link(r, LinkId::Restart).state, LinkState::Waiting, "{what}");
    } else if let Some(sev) = finding_severity(r, "restart_coordination") {
        assert_eq!(sev, link(r, LinkId::Restart).state.severity(), "{what}");
    }
    // A finding that is an error is a link that fails, and the other way round, and only then
    // is the verdict a failure (the badge follows the verdict).
    let chain_errors = ["update_content", "maintenance_windows", "sup_sync", "site_faults", "software_updates_off", "site_assignment"]
        .iter()
        .any(|id| finding_severity(r, id) == Some(FindingSeverity::Error));
    let failed_link = states.iter().any(|(_, s)| *s == LinkState::Failed);
    assert_eq!(chain_errors, failed_link, "{what}: {states:?} {:?}", r.findings.iter().map(|f| (&f.id, f.severity)).collect::<Vec<_>>());
    if !failed_link {
        assert_ne!(r.summary.status, VerdictStatus::Failed, "{what}: {states:?}: {}", r.summary.verdict);
        assert!(!r.summary.badge.ends_with("failed"), "{what}: {states:?}: badge {}", r.summary.badge);
    }
}

#[test]
fn every_chain_fixture_reads_one_state_in_its_finding_link_ledger_and_badge() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("chain-")))
        .map(|p| p.join("logs"))
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 7, "{dirs:?}");
    let mut checked = 0;
    for dir in &dirs {
        let all = fixture_inputs(dir);
        agree(&report(fixture_inputs(dir)), &dir.display().to_string());
        checked += 1;
        for one in all {
            let name = format!("{}/{}", dir.display(), one.name);
            agree(&report(vec![one]), &name);
            checked += 1;
        }
    }
    for (name, inputs) in
        [("no distribution point", no_distribution_point()), ("application content", application_content()), ("actionable", actionable_without_window())]
    {
        agree(&report(inputs), name);
        checked += 1;
    }
    assert!(checked >= 30, "{checked}");
}

const DAY: &str = "04-09-2025";
const UPDATE: &str = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d";
const CONTENT: &str = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e";
const JOB: &str = "{A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D}";

/// A deployed update whose content no distribution point offers: LocationServices.log calls
/// back with an empty list, ContentTransferManager.log receives the empty location update and
/// suspends the job (../shared/reference/configmgr-client-lines.md, "No distribution point for
/// a content"); no transfer started, nothing failed.
fn no_distribution_point() -> Vec<Input> {
    let sum = format!("Update (Site_7C41A0D2-9E3B-4F6A-8D15-2B9C0E7F3A64/SUM_{UPDATE})");
    let added = format!("{sum} Name (2025-04 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5055518)) ArticleID (5055518) added to the targeted list of deployment ({{5A7C9E1B-3D5F-4A7C-9E1B-3D5F7A9C1E3B}})");
    let progress = format!("{sum} Progress: Status = ciStateDownloading, PercentComplete = 0, Result = 0x0");
    let asks = format!("Bundle update ({UPDATE}) is requesting download from child updates for action (INSTALL)");
    let text = format!("Content Text = <Content ContentId=\"{CONTENT}\" Version=\"1\"><FileContent Name=\"windows10.0-kb5055518-x64.cab\" Hash=\"5B1F\" Size=\"199093\"/></Content>");
    let requesting = format!("Requesting content {CONTENT}.1, size(KB) 79331, under context System with priority Medium");
    let submitted = format!("Submitted CTM job {JOB} to download Content {CONTENT}.1 under context System");
    let phase = format!("CTM job {JOB} entered phase CCM_DOWNLOADSTATUS_WAITING_CONTENTLOCATIONS");
    let empty = format!("CCTMJob::UpdateLocations({JOB}) - Received empty location update for CTM Job {JOB}");
    let suspended = format!("CTM job {JOB} suspended");
    vec![
        log("UpdatesDeployment.log", "UpdatesDeploymentAgent", DAY, &[(&added, "20:01:00"), (&progress, "20:02:00")]),
        log("UpdatesHandler.log", "UpdatesHandler", DAY, &[(&asks, "20:02:01"), (&text, "20:02:01")]),
        log("CAS.log", "ContentAccess", DAY, &[(&requesting, "20:02:02"), (&submitted, "20:02:02")]),
        log(
            "LocationServices.log",
            "LocationServices",
            DAY,
            &[("LS Request CorrelationID {0F1E2D3C-4B5A-4968-8776-655443322110} - Calling back with empty distribution points list", "20:02:04")],
        ),
        log("ContentTransferManager.log", "ContentTransferManager", DAY, &[(&phase, "20:02:03"), (&empty, "20:02:04"), (&suspended, "20:02:04")]),
    ]
}

#[test]
fn a_content_no_distribution_point_offers_waits_everywhere_with_no_http_405_advice() {
    let r = report(no_distribution_point());
    let c = link(&r, LinkId::Content);
    assert_eq!(c.state, LinkState::Waiting, "{}", c.summary);
    assert_eq!(c.summary, "1 content waiting for a distribution point.");
    assert_eq!(finding_severity(&r, "update_content"), Some(FindingSeverity::Warning));
    let row = r.ledger.iter().find(|x| x.kb == "KB5055518").expect("KB5055518's row");
    assert_eq!(row.state, LedgerState::Waiting);
    let step = row.decisive_step().unwrap();
    assert_eq!((step.event, step.evidence.file.as_str(), step.evidence.line), (LifeEvent::WaitingForContent, "ContentTransferManager.log", 2));
    assert_eq!(r.summary.status, VerdictStatus::Incomplete, "{}", r.summary.verdict);
    assert_eq!(r.summary.badge, "Needs attention", "{}", r.summary.verdict);
    // The advice fits what the lines show: the content's distribution, not WebDAV on a
    // distribution point that never answered, nor a failing request that is not in the logs.
    let f = r.findings.iter().find(|f| f.id == "update_content").unwrap();
    let texts: Vec<&str> = f.guidance.iter().map(|g| &*g.text).collect();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].starts_with("A content that no distribution point offers"), "{texts:?}");
    for c in &r.next_checks {
        assert!(!c.text.contains("405") && !c.text.contains("WebDAV"), "{}", c.text);
    }
}

#[test]
fn the_http_405_advice_stays_where_a_405_is_in_the_logs() {
    let r = report(fixture_inputs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/chain-content-fails/logs")));
    let f = r.findings.iter().find(|f| f.id == "update_content").unwrap();
    // The failing request, the 405 (WebDAV), and the content no distribution point offers.
    assert_eq!(f.guidance.len(), 3, "{:?}", f.guidance.iter().map(|g| &g.text).collect::<Vec<_>>());
    assert!(f.guidance[1].text.contains("HTTP 405"), "{}", f.guidance[1].text);
}

/// An application's content (`Content_<guid>.1`) downloaded through CAS.log while no update asked
/// for it: UpdatesHandler.log names no content, UpdatesDeployment.log deploys nothing.
fn application_content() -> Vec<Input> {
    let app = "Content_1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b.1";
    let requesting = format!("Requesting content {app}, size(KB) 2048, under context System with priority Low");
    let submitted = format!("Submitted CTM job {JOB} to download Content {app} under context System");
    let done = format!("Download completed for content {app} under context System");
    let hash = format!("Hash verification succeeded for content {app} downloaded under context System");
    vec![
        log("CAS.log", "ContentAccess", DAY, &[(&requesting, "20:02:02"), (&submitted, "20:02:02"), (&done, "20:02:40"), (&hash, "20:02:41")]),
        log(
            "UpdatesHandler.log",
            "UpdatesHandler",
            DAY,
            &[("Initiating updates scan for checking applicability.", "19:00:00"), ("Successfully initiated scan.", "19:00:01")],
        ),
    ]
}

#[test]
fn an_applications_content_is_no_update_content() {
    let r = report(application_content());
    assert!(r.findings.iter().all(|f| f.id != "update_content"), "{:?}", r.findings.iter().map(|f| (&f.id, &f.summary)).collect::<Vec<_>>());
    assert_ne!(link(&r, LinkId::Content).state, LinkState::Ok);
    assert!(!r.summary.verdict.contains("downloaded"), "{}", r.summary.verdict);
    // CAS.log alone: its id is an application's.
    let r = report(application_content().into_iter().take(1).collect());
    assert!(r.findings.iter().all(|f| f.id != "update_content"), "{:?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>());
}

/// An evaluation that found two updates to install and no window open
/// (../shared/reference/configmgr-client-lines.md: "No current service window available to run
/// updates assignment with time required = 600").
fn actionable_without_window() -> Vec<Input> {
    vec![log(
        "UpdatesDeployment.log",
        "UpdatesDeploymentAgent",
        DAY,
        &[
            ("EnumerateUpdates for action (UpdateActionInstall) - Total actionable updates = 2", "20:00:00"),
            ("No current service window available to run updates assignment with time required = 600", "20:00:01"),
        ],
    )]
}

#[test]
fn updates_an_evaluation_left_for_a_window_wait_in_the_link_too() {
    let r = report(actionable_without_window());
    assert_eq!(finding_severity(&r, "maintenance_windows"), Some(FindingSeverity::Warning));
    let w = link(&r, LinkId::Window);
    assert_eq!(w.state, LinkState::Waiting, "{}", w.summary);
    assert!(w.summary.starts_with("2 updates waiting for a maintenance window"), "{}", w.summary);
}

// ---- site assignment (LocationServices.log) ----

/// LocationServices.log: an attempt to assign the client every ten minutes from 10:00 to 14:50
/// that no "can be assigned" line follows, then, where `assigned`, the attempt at 15:00 whose
/// site version is verified (KB 2002059's lines), and the management point the client uses.
fn location_services(assigned: bool) -> Vec<Input> {
    let mut lines: Vec<(String, String)> = Vec::new();
    for i in 0..30 {
        let t = format!("{:02}:{:02}:00", 10 + i / 6, (i % 6) * 10);
        lines.push(("LSGetAssignedSiteFromAD : Trying to Assign to the Site <PS1>".into(), t.clone()));
        lines.push(("LSVerifySiteVersion : Verifying Site Version for <PS1>".into(), t));
    }
    if assigned {
        for m in [
            "LSGetAssignedSiteFromAD : Trying to Assign to the Site <PS1>",
            "LSVerifySiteVersion : Verifying Site Version for <PS1>",
            "LSGetSiteVersionFromAD : Successfully retrieved version '5.00.9122.1000' for site '<PS1>'",
            "LSVerifySiteVersion : Verified Client Version '5.00.9122.1000' is not greater than Site Version '5.00.9122.1000'. Client can be assigned to site <PS1>.",
            "Current Assigned Management Point is MP01.CONTOSO.COM with Version 9122 and Capabilities: <Capabilities/>",
        ] {
            lines.push((m.into(), "15:00:00".into()));
        }
    }
    let refs: Vec<(&str, &str)> = lines.iter().map(|(m, t)| (m.as_str(), t.as_str())).collect();
    vec![log("LocationServices.log", "LocationServices", DAY, &refs)]
}

#[test]
fn locationservices_alone_says_a_site_assignment_that_failed_then_succeeded_is_past() {
    let r = report(location_services(true));
    let f = r.findings.iter().find(|f| f.id == "site_assignment").expect("a site_assignment finding");
    assert_eq!(f.severity, FindingSeverity::Warning);
    assert_eq!(
        f.summary,
        "The client may be assigned to site PS1: its version was verified at 2025-04-09 15:00:00, after 30 attempts that failed before it: past. Its management point: MP01.CONTOSO.COM."
    );
    // The first failed attempt, the latest, and the line that verified the site.
    assert_eq!(f.evidence.iter().map(|e| e.line).collect::<Vec<_>>(), [1, 59, 64], "{:?}", f.evidence);
    let l = link(&r, LinkId::SiteAssignment);
    assert_eq!(l.state, LinkState::Ok);
    assert_eq!(r.chain.first().map(|l| l.link), Some(LinkId::SiteAssignment));
    assert_ne!(r.summary.badge, "Nothing to conclude", "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("after 30 attempts that failed before it"), "{}", r.summary.verdict);
    agree(&r, "assigned after failures");
}

#[test]
fn locationservices_alone_says_a_site_assignment_still_failing() {
    let r = report(location_services(false));
    let f = r.findings.iter().find(|f| f.id == "site_assignment").expect("a site_assignment finding");
    assert_eq!(f.severity, FindingSeverity::Error);
    assert!(
        f.summary.starts_with(
            "The client could not be assigned to site PS1: 29 attempts from 2025-04-09 10:00:00 to 2025-04-09 14:40:00 ended without its site version verified"
        ),
        "{}",
        f.summary
    );
    let l = link(&r, LinkId::SiteAssignment);
    assert_eq!(l.state, LinkState::Failed);
    assert!(l.summary.starts_with("29 attempts to assign the client to PS1 failed (from 2025-04-09 10:00"), "{}", l.summary);
    assert!(r.summary.verdict.contains("could not be assigned to site PS1"), "{}", r.summary.verdict);
    agree(&r, "still failing");
}

// ---- client install (ccmsetup.log) ----

/// A ccmsetup run that cannot download the client from an HTTPS-only site system: no client
/// certificate (Microsoft Learn, KB 4495265's ccmsetup.log lines: `Text=CCM_E_NO_CLIENT_PKI_CERT`,
/// `GetDirectoryList failed with a non-recoverable failure, 0x87d00454`), after ccmsetup's own
/// routine `SetInitialCommandLine failed with 0x80070002` (../shared/reallogs/hold1/07_ccmsetup.log
/// line 29); the run's start and failure as that real log writes them.
fn ccmsetup_without_certificate() -> Vec<Input> {
    let url = "https://cmg.contoso.com/downloadrestservice.svc/getcontentxmlsecure?pid=PS1002B9&cid=PS1002B9";
    let http = format!("[CCMHTTP] ERROR: URL={url}, Port=0, Options=224, Code=0, Text=CCM_E_NO_CLIENT_PKI_CERT");
    let list = format!("Failed to get directory list from '{url}'. Error 0x87d00454");
    let remote = format!("Found remote location '{url}'");
    vec![log(
        "ccmsetup.log",
        "ccmsetup",
        "02-19-2025",
        &[
            ("==========[ ccmsetup started in process 4242 ]==========", "13:49:30"),
            ("SetInitialCommandLine failed with 0x80070002", "13:49:30"),
            ("Command line: ccmsetup.exe /mp:https://cmg.contoso.com/CCM_PROXY_MUTUALAUTH/72057594037938216 SMSSITECODE=PS1", "13:49:30"),
            ("Found a valid online MP 'https://cmg.contoso.com/CCM_PROXY_MUTUALAUTH/72057594037938216'.", "13:49:33"),
            (&remote, "13:49:35"),
            (&http, "13:49:35"),
            ("GetDirectoryList failed with a non-recoverable failure, 0x87d00454", "13:49:35"),
            (&list, "13:49:35"),
            ("CcmSetup failed with error code 0x87d00454", "13:49:36"),
        ],
    )]
}

#[test]
fn a_client_install_without_a_client_certificate_gets_client_install_advice_never_servicing_advice() {
    let r = report(ccmsetup_without_certificate());
    assert_eq!(r.summary.badge, "Client install failed", "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("0x87D00454"), "{}", r.summary.verdict);
    let checks: Vec<String> = r.next_checks.iter().map(|c| format!("{} {}", c.text, c.command.as_deref().unwrap_or(""))).collect();
    for c in &checks {
        assert!(!c.contains("CBS.log") && !c.contains("RestoreHealth") && !c.contains("sfc "), "servicing advice for a client install: {c}");
    }
    assert!(checks.iter().any(|c| c.contains("1.3.6.1.5.5.7.3.2")), "{checks:#?}");
    let code = r.errors.iter().find(|e| e.code == "0x87D00454").expect("0x87D00454 among the errors");
    assert!(code.kb.is_some(), "0x87D00454 has no knowledge-base entry");
}

#[test]
fn the_site_assignment_fixture_reads_as_a_past_fault_with_its_lines() {
    let r = report(fixture_inputs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/chain-site-assignment/logs")));
    let f = r.findings.iter().find(|f| f.id == "site_assignment").expect("a site_assignment finding");
    assert_eq!(f.severity, FindingSeverity::Warning);
    assert_eq!(
        f.summary,
        "The client may be assigned to site PS1: its version was verified at 2025-03-18 12:00:01, after 30 attempts that failed before it: past. Its management point: CM01.CORP.FABRIKAM.TEST. Its software update point: http://CM01.CORP.FABRIKAM.TEST:8530."
    );
    assert_eq!(f.evidence.iter().map(|e| e.line).collect::<Vec<_>>(), [3, 61, 66], "{:?}", f.evidence);
    assert_eq!(link(&r, LinkId::SiteAssignment).state, LinkState::Ok);
    // The first screen says the past fault, not only the scan's first step.
    assert!(r.summary.verdict.contains("after 30 attempts that failed before it: past"), "{}", r.summary.verdict);
    assert_eq!(r.summary.badge, "Needs attention", "{}", r.summary.verdict);
}

#[test]
fn the_chains_client_codes_are_answered_where_they_are_written() {
    for (code, log) in [(0x87D0_0454u32, "ccmsetup"), (0x87D0_0231, "ccmmessaging"), (0x87D0_027E, "datatransferservice")] {
        let e = wulens_kb::entry(code).unwrap_or_else(|| panic!("0x{code:08X} has no entry"));
        assert!(!e.mitigation.is_empty() && !e.sources.is_empty(), "0x{code:08X}");
        let c = e.contexts.iter().find(|c| c.logs.contains(&log)).unwrap_or_else(|| panic!("0x{code:08X}: no context in {log}"));
        assert!(!c.steps.is_empty() && !c.sources.is_empty(), "0x{code:08X} in {log}");
    }
}

#[test]
fn servicewindowmanager_alone_says_its_windows_on_the_first_screen() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/chain-maintenance-window/logs");
    let r = report(fixture_inputs(&dir).into_iter().filter(|i| i.name == "ServiceWindowManager.log").collect());
    assert_ne!(r.summary.badge, "Nothing to conclude", "{}", r.summary.verdict);
    assert_ne!(r.summary.status, VerdictStatus::NoScan, "{}", r.summary.verdict);
    for want in
        ["No maintenance window of the Software Updates type exists, so the All Programs windows apply", "the next window begins at 03/15/2025 22:00:00"]
    {
        assert!(r.summary.verdict.contains(want), "{want:?} not in: {}", r.summary.verdict);
    }
}

// ---- restarts (RebootCoordinator.log) ----

/// A deployed update installed and waiting for a restart (UpdatesDeployment.log), and
/// RebootCoordinator.log scheduling it (../shared/reference/configmgr-client-lines.md: the 2020
/// client's lines); `began`: the restart request succeeded and began.
fn restart(began: bool) -> Vec<Input> {
    let sum = format!("Update (Site_7C41A0D2-9E3B-4F6A-8D15-2B9C0E7F3A64/SUM_{UPDATE})");
    let added = format!("{sum} Name (2025-04 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5055518)) ArticleID (5055518) added to the targeted list of deployment ({{5A7C9E1B-3D5F-4A7C-9E1B-3D5F7A9C1E3B}})");
    let installing = format!("{sum} Progress: Status = ciStateInstalling, PercentComplete = 0, Result = 0x0");
    let reboot = format!("{sum} Progress: Status = ciStateWaitReboot, PercentComplete = 100, Result = 0x0");
    let mut rc = vec![
        ("Entered ScheduleRebootImpl - requested from 'UpdatesDeploymentAgent'. set Rebootby = 1744251600. set NotifyUI = True. set PreferredRebootWindowType = 4", "20:20:05"),
        ("Scheduled reboot from agent UpdatesDeploymentAgent. Deadline local time: 04/09/2025 09:20:00 PM, PreferredRebootWindowType = 4", "20:20:05"),
        ("Not in Maintenance/Service Mode, check ServiceWindowsManager next", "20:20:05"),
        ("CheckRebootWindow: Service Windows found for type:4", "20:20:05"),
        ("ServiceWindowsManager has allowed us to Reboot", "20:20:05"),
        ("Notified UI grace period start with 300 grace seconds and 60 final seconds.", "20:20:06"),
    ];
    if began {
        rc.push(("System reboot request succeeded.", "20:26:06"));
        rc.push(("Reboot initiated", "20:26:06"));
    }
    vec![
        log(
            "UpdatesDeployment.log",
            "UpdatesDeploymentAgent",
            DAY,
            &[
                (&added, "20:01:00"),
                (&installing, "20:05:00"),
                (&reboot, "20:20:00"),
                ("No installations in pipeline, notify reboot. NotifyUI = True", "20:20:01"),
                ("Notify reboot with deadline = Wednesday, Apr 09, 2025. - 21:20:00, Ignore reboot Window = False, NotifyUI = True", "20:20:01"),
            ],
        ),
        log("RebootCoordinator.log", "RebootCoordinator", DAY, &rc),
    ]
}

#[test]
fn a_restart_rebootcoordinator_began_feeds_the_restart_link_and_the_ledger() {
    let r = report(restart(true));
    let l = link(&r, LinkId::Restart);
    assert_eq!(l.state, LinkState::Ok, "{}", l.summary);
    let row = r.ledger.iter().find(|x| x.kb == "KB5055518").expect("KB5055518's row");
    assert_eq!(row.state, LedgerState::Done, "{:?}", row.steps.iter().map(|s| s.event).collect::<Vec<_>>());
    let step = row.steps.iter().find(|s| s.event == LifeEvent::Restarted).expect("a restart step");
    assert_eq!((step.evidence.file.as_str(), step.evidence.line), ("RebootCoordinator.log", 7));
    let f = r.findings.iter().find(|f| f.id == "restart_coordination").expect("a restart_coordination finding");
    assert_eq!(f.severity, FindingSeverity::Info);
    assert_eq!(
        f.summary,
        "The restart scheduled by UpdatesDeploymentAgent at 2025-04-09 20:20:05 with the deadline 04/09/2025 09:20:00 PM (local time) began at 2025-04-09 20:26:06. A maintenance window allowed it. The user was given 300 seconds."
    );
    agree(&r, "restart began");
}

#[test]
fn a_restart_scheduled_and_not_begun_waits_in_the_link_the_ledger_and_the_first_screen() {
    let r = report(restart(false));
    let l = link(&r, LinkId::Restart);
    assert_eq!(l.state, LinkState::Waiting, "{}", l.summary);
    let row = r.ledger.iter().find(|x| x.kb == "KB5055518").expect("KB5055518's row");
    assert_eq!(row.state, LedgerState::PendingRestart);
    assert_eq!(r.findings.iter().find(|f| f.id == "restart_coordination").map(|f| f.severity), Some(FindingSeverity::Warning));
    assert!(r.summary.verdict.contains("deadline 04/09/2025 09:20:00 PM (local time) is still pending when the logs end"), "{}", r.summary.verdict);
    assert_ne!(r.summary.status, VerdictStatus::Failed);
    // RebootCoordinator.log alone says the same.
    let alone = report(restart(false).into_iter().skip(1).collect());
    assert_eq!(link(&alone, LinkId::Restart).state, LinkState::Waiting);
    assert_ne!(alone.summary.badge, "Nothing to conclude", "{}", alone.summary.verdict);
    agree(&r, "restart pending");
}

// ---- policy and the management point (CcmMessaging.log) ----

#[test]
fn a_management_point_that_fails_the_clients_requests_is_said_as_why_the_policy_never_arrived() {
    let off = [
        ("Software Updates client configuration policy has not been received.", "08:00:00"),
        ("Software Updates feature is disabled", "08:00:00"),
        ("Software Updates client configuration policy has not been received.", "12:00:00"),
        ("Software Updates feature is disabled", "12:00:00"),
    ];
    // codaamok 2019, as ../shared/reference/configmgr-client-lines.md quotes it.
    let mp = [
        ("Successfully queued event on HTTP/HTTPS failure for server 'cm01.corp.fabrikam.test'.", "09:00:00"),
        ("Post to http://cm01.corp.fabrikam.test/ccm_system_windowsauth/request failed with 0x87d00231.", "09:00:00"),
        ("[CCMHTTP] ERROR: URL=http://cm01.corp.fabrikam.test/ccm_system/request, Port=80, Options=224, Code=0, Text=CCM_E_BAD_HTTP_STATUS_CODE", "09:00:00"),
        ("[CCMHTTP] ERROR INFO: StatusCode=500 StatusText=Internal Server Error", "09:00:00"),
    ];
    let r = report(vec![log("UpdatesDeployment.log", "UpdatesDeploymentAgent", DAY, &off), log("CcmMessaging.log", "CcmMessaging", DAY, &mp)]);
    let f = r.findings.iter().find(|f| f.id == "software_updates_off").expect("software_updates_off");
    assert!(
        f.summary.ends_with("The management point failed the client's requests 2 times from 2025-04-09 09:00:00 to 2025-04-09 09:00:00, the latest answer HTTP 500 Internal Server Error (0x87D00231): the likely reason the policy never arrived (CcmMessaging.log)."),
        "{}",
        f.summary
    );
    assert_eq!(f.evidence.iter().filter(|e| e.file == "CcmMessaging.log").map(|e| e.line).collect::<Vec<_>>(), [2, 4], "{:?}", f.evidence);
    assert_eq!(link(&r, LinkId::Policy).state, LinkState::Off);
    agree(&r, "policy off, management point failing");
}
