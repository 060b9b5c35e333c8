//! Advice for this machine, and findings for what the logs plainly show.
//!
//! The next checks and each finding's guidance name the WSUS server, its port and the proxy the
//! logs (or the configuration given) name; where they do not, the advice keeps a placeholder that
//! cannot be run by mistake (`<your WSUS server>`), never a plausible host name. The findings:
//! a proxy or captive portal answering for Microsoft's content servers, Delivery Optimization's
//! own errors, servicing errors cut out of their session. All log lines below are our own,
//! written after the shapes of real logs.

use std::path::{Path, PathBuf};

use wulens_core::model::{FindingSeverity, VerdictStatus};
use wulens_core::{Analysis, Diagnosis, Input, Limits, Report};

/// Host names the data once used as examples: runnable by mistake against someone's network.
const PLAUSIBLE: [&str; 5] = ["contoso", "supserver", "fabrikam", "example.com", "wsus01."];

/// A plausible host: one of `PLAUSIBLE`, or a name starting `wsus.` (`wsus.corp.local`), in
/// lower-case text.
fn plausible_host(lower: &str) -> Option<&str> {
    if let Some(h) = PLAUSIBLE.iter().find(|h| lower.contains(*h)) {
        return Some(h);
    }
    let named = lower.match_indices("wsus.").any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + 5..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric()) && after.is_some_and(|c| c.is_ascii_alphanumeric())
    });
    named.then_some("wsus.")
}
/// The placeholders of a WSUS server, which the logs fill when they name it.
const WSUS_PLACEHOLDERS: [&str; 3] = ["<your WSUS server URL>", "<your WSUS server>", "<WSUS port>"];

/// Named files of one drop.
type Files = Vec<(String, Vec<u8>)>;

fn analyse(files: Files) -> (Analysis, Diagnosis, Report) {
    let inputs = files.into_iter().map(|(name, bytes)| Input { name, bytes: bytes.into() }).collect();
    let a = Analysis::from_inputs(inputs, &Limits::default());
    let d = Diagnosis::run(&a);
    let r = Report::build(&a);
    (a, d, r)
}

fn text(name: &str, s: &str) -> (String, Vec<u8>) {
    (name.to_string(), s.replace('\n', "\r\n").into_bytes())
}

/// Every piece of advice of a report: (where from, text, command).
fn advice(r: &Report) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        r.next_checks.iter().map(|c| (format!("next check from {}", c.from), format!("{} | {}", c.text, c.command.as_deref().unwrap_or("")))).collect();
    for f in &r.findings {
        for g in &f.guidance {
            v.push((format!("finding {}", f.id), format!("{} | {}", g.text, g.command.as_deref().unwrap_or(""))));
        }
    }
    v
}

/// The advice's problems: a plausible host anywhere, a WSUS placeholder where the logs name the
/// server.
fn advice_problems(name: &str, d: &Diagnosis, r: &Report) -> Vec<String> {
    let mut bad = Vec::new();
    // The servers the logs name are this machine's, not examples.
    let named: Vec<String> = d.servers.wsus.iter().map(|(_, h, _)| h.to_lowercase()).chain(d.servers.proxy.iter().map(|p| p.to_lowercase())).collect();
    for (from, s) in advice(r) {
        let mut lower = s.to_lowercase();
        for n in &named {
            lower = lower.replace(n.as_str(), "");
        }
        if let Some(h) = plausible_host(&lower) {
            bad.push(format!("{name}: {from} names the example host {h:?}: {s}"));
        }
        if d.servers.wsus.is_some() && WSUS_PLACEHOLDERS.iter().any(|p| s.contains(p)) {
            bad.push(format!("{name}: {from} keeps a placeholder although the logs name {:?}: {s}", d.servers.wsus));
        }
    }
    bad
}

const WSUS_TIMEOUTS: &str = "\
2024/03/04 09:00:01.1000000 1200  1300  Agent           WSUS server: https://wsus7.corp.test:8531
2024/03/04 09:00:01.1100000 1200  1300  Agent           WSUS status server: https://wsus7.corp.test:8531
2024/03/04 09:00:02.2000000 1200  1300  Agent           * START * Finding updates CallerId = CcmExec  Id = 4
2024/03/04 09:00:02.2100000 1200  1300  Agent           Online = Yes; Interactive = No; AllowCachedResults = No; Ignore download priority = No
2024/03/04 09:00:02.2200000 1200  1300  Agent           ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed
2024/03/04 09:01:02.2000000 1200  1300  WebServices     WS error: The operation timed out
2024/03/04 09:01:02.2100000 1200  1300  ProtocolTalker  *FAILED* [80072EE2] SyncUpdates_WithRecovery failed
2024/03/04 09:01:02.2200000 1200  1300  Agent           *FAILED* [80072EE2] Search failed
2024/03/04 09:01:02.2300000 1200  1300  Agent           * END * Finding updates CallerId = CcmExec, Id = 4, Exit code = 0x80072EE2
";

#[test]
fn the_checks_name_the_wsus_server_the_log_names() {
    let (_, d, r) = analyse(vec![text("WindowsUpdate.log", WSUS_TIMEOUTS)]);
    assert_eq!(d.servers.wsus, Some(("https".into(), "wsus7.corp.test".into(), 8531)));
    let all: Vec<String> = advice(&r).into_iter().map(|(_, s)| s).collect();
    assert!(all.iter().any(|s| s.contains("https://wsus7.corp.test:8531/Selfupdate/wuident.cab")), "{all:#?}");
    assert!(all.iter().any(|s| s.contains("Test-NetConnection wsus7.corp.test -Port 8531")), "{all:#?}");
    let bad = advice_problems("WindowsUpdate.log", &d, &r);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn without_a_server_in_the_logs_the_checks_keep_a_placeholder_nobody_can_run() {
    let log = WSUS_TIMEOUTS.lines().skip(2).collect::<Vec<_>>().join("\n");
    let (_, d, r) = analyse(vec![text("WindowsUpdate.log", &log)]);
    assert_eq!(d.servers.wsus, None);
    let all: Vec<String> = advice(&r).into_iter().map(|(_, s)| s).collect();
    assert!(all.iter().any(|s| s.contains("Test-NetConnection <your WSUS server> -Port <WSUS port>")), "{all:#?}");
    let bad = advice_problems("WindowsUpdate.log", &d, &r);
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Every fixture: no example host in any advice, and no WSUS placeholder where the logs name
/// the server.
#[test]
fn no_advice_names_an_example_host_or_keeps_a_placeholder_the_logs_fill() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut sets: Vec<(String, Files)> = Vec::new();
    for e in std::fs::read_dir(&root).unwrap().flatten().filter(|e| e.path().join("logs").is_dir()) {
        let files = read_dir_files(&e.path().join("logs"));
        sets.push((e.file_name().to_string_lossy().into_owned(), files));
    }
    assert!(sets.len() >= 20, "fixture scenarios: {}", sets.len());
    no_advice_problems(sets);
}

/// The same on every real text log and decoded trace, each alone.
#[test]
fn real_logs_no_advice_names_an_example_host_or_keeps_a_placeholder_the_logs_fill() {
    let sets = real_logs();
    assert!(sets.len() >= 20, "real logs: {}", sets.len());
    no_advice_problems(sets);
}

/// Advice that names an example host or keeps a placeholder the logs fill, a WSUS check that
/// does not name the server a log names, a caller left as the agent's placeholder.
fn no_advice_problems(sets: Vec<(String, Files)>) {
    let mut bad = Vec::new();
    for (name, files) in sets {
        let text = files_text(&files);
        let (_, d, r) = analyse(files);
        bad.extend(advice_problems(&name, &d, &r));
        bad.extend(wsus_checks_name_the_named_server(&name, &text, &d, &r));
        // Callers in plain words.
        let said = [&r.summary.verdict, &r.summary.detail].into_iter().chain(r.operations.items.iter().map(|o| &o.caller));
        bad.extend(said.filter(|s| s.contains("<<PROCESS>>")).map(|s| format!("{name}: the agent's placeholder for a caller: {s}")));
    }
    assert!(bad.is_empty(), "{} problem(s):\n{}", bad.len(), bad.join("\n"));
}

/// Every real text log and decoded trace, each alone: the top folder, `more/`, `hold1/` and the
/// traces' decoded text (`etl/*.expected-utc.log`).
fn real_logs() -> Vec<(String, Files)> {
    let mut sets = Vec::new();
    let real = wulens_testdata::real_logs();
    for sub in ["", "more", "hold1", "etl"] {
        for (name, bytes) in read_dir_files(&real.join(sub)) {
            if name.ends_with(".log") {
                sets.push((format!("{sub}/{name}"), vec![(name, bytes)]));
            }
        }
    }
    sets
}

fn files_text(files: &Files) -> String {
    files.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect::<Vec<_>>().join("\n")
}

/// Where a log names the WSUS server (`WSUS server: https://host:port`, the agent's own line),
/// the diagnosis knows it, and every check that reaches a WSUS port or names the WSUS server
/// names that host.
fn wsus_checks_name_the_named_server(name: &str, text: &str, d: &Diagnosis, r: &Report) -> Vec<String> {
    let Some(url) = text.rsplit("WSUS server: http").next().filter(|_| text.contains("WSUS server: http")) else { return Vec::new() };
    let host = url.trim_start_matches('s').trim_start_matches("://").split([':', '/', ' ', '\r', '\n', '\t']).next().unwrap_or("").to_lowercase();
    let mut bad = Vec::new();
    if d.servers.wsus.as_ref().is_none_or(|(_, h, _)| h.to_lowercase() != host) {
        bad.push(format!("{name}: the log names the WSUS server {host}, the diagnosis has {:?}", d.servers.wsus));
    }
    for (from, s) in advice(r) {
        let lower = s.to_lowercase();
        let about_wsus = ["-port 853", ":8530", ":8531", "wsus server"].iter().any(|w| lower.contains(w));
        if about_wsus && !lower.contains(&host) {
            bad.push(format!("{name}: {from} is about the WSUS server but does not name {host}: {s}"));
        }
    }
    bad
}

fn read_dir_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten().filter(|e| e.path().is_file()).map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())).collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The data itself: no guidance, mitigation or step check names an example host.
#[test]
fn the_advice_in_the_data_names_no_example_host() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut bad = Vec::new();
    for dir in ["rules", "flows", "operations", "../kb/data/curated"] {
        for (name, bytes) in read_dir_files(&base.join(dir)) {
            if !name.ends_with(".toml") {
                continue;
            }
            for (i, line) in String::from_utf8_lossy(&bytes).lines().enumerate() {
                let lower = line.to_lowercase();
                if (lower.contains("text =") || lower.contains("command =")) && PLAUSIBLE.iter().any(|h| lower.contains(h)) {
                    bad.push(format!("{dir}/{name}:{}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// A Windows Update client (no WSUS) whose searches time out: no check about a WSUS server.
#[test]
fn no_wsus_checks_for_a_client_of_windows_update() {
    let log = WSUS_TIMEOUTS
        .replace("WSUS server: https://wsus7.corp.test:8531", "WSUS server: (null)")
        .replace("WSUS status server: https://wsus7.corp.test:8531", "WSUS status server: (null)")
        .replace("3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed", "9482F4B4-E343-43B6-B170-9A65BC822C77} Third party service")
        .replace("CcmExec", "UpdateOrchestrator");
    let (_, _, r) = analyse(vec![text("WindowsUpdate.log", &log)]);
    let wsus: Vec<&wulens_core::report::NextCheck> = r
        .next_checks
        .iter()
        .filter(|c| c.text.contains("WSUS server") || c.command.as_deref().is_some_and(|c| c.contains("WSUS") || c.contains(":8530")))
        .collect();
    assert!(wsus.is_empty(), "{wsus:#?}");
}

/// A cumulative update that the servicing stack fails (0x800F081F under the call's 0x80240022):
/// our own lines, after the agent's.
const INSTALL_FAILED: &str = "\
2025/02/12 03:10:04.2010417 6012  8120  ComApi          * START *   Install ClientId = UpdateOrchestrator, Flags: 0X10050 (cV: Pq7Lm2Xv9Tn4Rb8Y.3.0.0)
2025/02/12 03:10:04.2010468 6012  8120  ComApi          Updates in request: 1
2025/02/12 03:10:04.2010521 6012  8120  ComApi          ServiceID = {7971F918-A847-4430-9279-4A52D1EFE18D} Third party service
2025/02/12 03:10:04.2102238 1404  5512  Agent           * START *  Installing updates CallerId = UpdateOrchestrator
2025/02/12 03:10:04.2102291 1404  5512  Agent           Updates to install = 1
2025/02/12 03:10:04.2105501 1404  5512  Agent             Title = 2025-02 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5051974)
2025/02/12 03:10:04.2105544 1404  5512  Agent             UpdateId = 5C1E0F3A-27B4-4C8D-9E61-3F7A2B9D4E10.1
2025/02/12 03:10:04.4402570 1404  5512  Handler         * START *   CBS  Install
2025/02/12 03:10:04.4431071 1404  5512  Handler         Starting install of CBS update 5C1E0F3A-27B4-4C8D-9E61-3F7A2B9D4E10
2025/02/12 03:10:04.9712917 1404  5512  Handler         CBS package identity: Package_for_RollupFix~31bf3856ad364e35~amd64~~19041.5487.1.10
2025/02/12 03:17:41.8618014 1404  3068  Handler         CBS called Error with 0x800F081F, 
2025/02/12 03:17:41.8686315 1404  5512  Handler         Completed install of CBS update with type=0, requiresReboot=0, installerError=1, hr=0x800F081F
2025/02/12 03:17:41.8705974 1404  5512  Handler         * END *   CBS Install
2025/02/12 03:17:41.8802765 1404  5512  Agent           LogHistory called. idUpdate={5C1E0F3A-27B4-4C8D-9E61-3F7A2B9D4E10}.1, resultMapped=800F081F, resultUnMapped=0
2025/02/12 03:17:41.8873270 1404  5512  Agent           Install updates CallerId = UpdateOrchestrator
2025/02/12 03:17:41.8997679 6012  9076  ComApi           Install ClientId = UpdateOrchestrator
2025/02/12 03:17:41.8997727 6012  9076  ComApi          Install call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0
2025/02/12 03:17:41.8999963 6012  9076  ComApi          Reboot required = False
2025/02/12 03:17:41.8999981 6012  9076  ComApi          ClientId = UpdateOrchestrator: Exit code = 0x00000000; Call error code = 0x80240022
2025/02/12 03:17:41.9000025 6012  9076  ComApi          * END *   Install ClientId = UpdateOrchestrator
2025/02/12 03:17:41.9008152 1404  1148  Agent           WU client calls back to install call {64556D43-1A1C-4A8C-91C1-31C779A9633C} with code Call complete and error 0x800F081F 
";

/// The next checks name the update a failed install worked on (its KB number, from its own
/// lines); without it in the log, the placeholder stays and names no real update.
#[test]
fn the_checks_name_the_update_the_failed_install_names() {
    let (_, _, r) = analyse(vec![text("WindowsUpdate.log", INSTALL_FAILED)]);
    let all: Vec<String> = advice(&r).into_iter().map(|(_, s)| s).collect();
    assert!(all.iter().any(|s| s.contains("KB5051974")), "{all:#?}");
    assert!(!all.iter().any(|s| s.contains("<KB number>")), "{all:#?}");
    let without: String = INSTALL_FAILED.lines().filter(|l| !l.contains("Title = ")).collect::<Vec<_>>().join("\n");
    let (_, _, r) = analyse(vec![text("WindowsUpdate.log", &without)]);
    let all: Vec<String> = advice(&r).into_iter().map(|(_, s)| s).collect();
    assert!(all.iter().any(|s| s.contains("<KB number>")), "{all:#?}");
    assert!(!all.iter().any(|s| s.contains("KB5051974")), "{all:#?}");
}

// ---- findings ----

const PORTAL: &str = "\
2024/05/06 14:02:41.7600000 576   1700  ComApi          * START *   Download ClientId = UpdateOrchestrator (cV = Ab+cD.1.0.0)
2024/05/06 14:02:41.7700000 576   1700  Agent           WSUS server: (null)
2024/05/06 14:03:48.2000000 576   1808  DownloadManager DO job {D0000000-0000-4000-8000-000000000001} failed, updateId = 11111111-2222-4333-8444-555555555555.1, hr = 0x80D05011. File URL = http://7.tlu.dl.delivery.mp.microsoft.com/filestreamingservice/files/aaaa, local path = C:\\WINDOWS\\SoftwareDistribution\\Download\\abc\\installer.exe, The response headers = HTTP/1.0 200 OK  Content-Length: 2104  Content-Type: text/html; charset=UTF-8
2024/05/06 14:04:29.3700000 576   7900  DownloadManager BITS job {B0000000-0000-4000-8000-000000000002} failed, updateId = 11111111-2222-4333-8444-555555555555.1, hr = 0x8020002B. File URL = http://7.tlu.dl.delivery.mp.microsoft.com/filestreamingservice/files/aaaa, local path = C:\\WINDOWS\\SoftwareDistribution\\Download\\abc\\installer.exe, The response headers = HTTP/1.0 200 OK  Content-Length: 2101  Content-Type: text/html; charset=UTF-8
2024/05/06 14:04:29.3800000 576   7900  DownloadManager *FAILED* [8020002B] Error occurred while downloading update 11111111-2222-4333-8444-555555555555.1; notifying dependent calls.
2024/05/06 14:04:32.4500000 576   1700  ComApi          Download call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0)
2024/05/06 14:04:32.4600000 576   1700  ComApi          * END *   Download ClientId = UpdateOrchestrator, Exit code = 0x00000000; Call error code = 0x80240022
";

#[test]
fn an_html_page_instead_of_the_file_is_a_proxy_or_portal_answering() {
    let (_, _, r) = analyse(vec![text("WindowsUpdate.log", PORTAL)]);
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "cdn_answered_by_proxy")
        .unwrap_or_else(|| panic!("no portal finding: {:#?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>()));
    assert_eq!(f.severity, FindingSeverity::Error);
    assert_eq!(f.evidence.iter().map(|e| e.line).collect::<Vec<_>>(), [3, 4], "{:#?}", f.evidence);
    assert!(f.summary.contains("text/html") && f.summary.contains("2104") && f.summary.contains("HTTP/1.0 200 OK"), "{}", f.summary);
    assert!(!first_and_detail(&r).contains("HTTP time-outs or authentication"), "{}", r.summary.verdict);
    assert!(r.findings.iter().all(|f| f.id != "http_timeout_auth"), "{:#?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>());
}

/// The real log of this shape: the verdict's likely cause is the portal, not a WSUS time-out.
#[test]
fn real_logs_html_answer_is_named_as_the_likely_cause() {
    let path = wulens_testdata::real_logs().join("hold1/05_WindowsUpdate.log");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (_, _, r) = analyse(vec![("05_WindowsUpdate.log".into(), bytes)]);
    assert!(r.findings.iter().any(|f| f.id == "cdn_answered_by_proxy" && f.severity == FindingSeverity::Error));
    assert!(!first_and_detail(&r).contains("HTTP time-outs or authentication"), "{}", r.summary.verdict);
}

const DO_FAILED: &str = "\
2024/06/01 10:00:00.1000000 900   1000  ComApi          * START *   Download ClientId = MoUpdateOrchestrator (cV = Xy+z.1.0.0)
2024/06/01 10:05:00.2000000 900   1100  DownloadManager DO job {D0000000-0000-4000-8000-0000000000AA} failed, updateId = 22222222-3333-4444-8555-666666666666.1, hr = 0x80D02002. File URL = http://au.download.windowsupdate.com/c/upgr/2024/06/file.esd, local path = C:\\WINDOWS\\SoftwareDistribution\\Download\\def\\file.esd
2024/06/01 10:05:00.3000000 900   1100  DownloadManager *FAILED* [80D02002] Error occurred while downloading update 22222222-3333-4444-8555-666666666666.1; notifying dependent calls.
2024/06/01 10:05:01.4000000 900   1000  Agent           WU client calls back to download call {C0000000-0000-4000-8000-0000000000CC} with code Call complete and error 0x80d02002
2024/06/01 10:05:01.5000000 900   1000  ComApi          Download call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0)
2024/06/01 10:05:01.6000000 900   1000  ComApi          * END *   Download ClientId = MoUpdateOrchestrator, Exit code = 0x00000000; Call error code = 0x80D02002
";

#[test]
fn delivery_optimization_failures_are_named_with_their_codes() {
    let (_, _, r) = analyse(vec![text("WindowsUpdate.log", DO_FAILED)]);
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "delivery_optimization")
        .unwrap_or_else(|| panic!("no DO finding: {:#?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>()));
    assert_eq!(f.severity, FindingSeverity::Error, "{}", f.summary);
    assert!(f.codes.iter().any(|c| c == "0x80D02002"), "{:?}", f.codes);
    assert!(!f.evidence.is_empty());
}

const CBS_EXCERPT: &str = "\
2024-02-11 08:14:02, Info                  CBS    Exec: Resolving source for package Package_for_RollupFix~31bf3856ad364e35~amd64~~22621.3155.1.7
2024-02-11 08:14:05, Error                 CBS    Failed to resolve source for package Package_for_RollupFix~31bf3856ad364e35~amd64~~22621.3155.1.7 [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]
2024-02-11 08:14:05, Info                  CBS    Mark store corruption flag because of package: Package_for_RollupFix~31bf3856ad364e35~amd64~~22621.3155.1.7
2024-02-11 08:14:06, Error                 CBS    Store corruption detected in function CCbsExecutionState::ResolvePackage. [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
";

#[test]
fn servicing_errors_without_their_session_are_a_failure() {
    let (_, _, r) = analyse(vec![text("CBS.log", CBS_EXCERPT)]);
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "servicing_error_lines")
        .unwrap_or_else(|| panic!("no finding: {:#?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>()));
    assert_eq!(f.severity, FindingSeverity::Error);
    for c in ["0x800F081F", "0x800F0831"] {
        assert!(f.codes.iter().any(|x| x == c), "{c} not in {:?}", f.codes);
    }
    assert_eq!(f.evidence.len(), 2, "{:#?}", f.evidence);
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert!(!first_and_detail(&r).contains("no update, servicing or setup operation"), "{}", r.summary.verdict);
    assert!(r.statements.iter().any(|s| !s.evidence.is_empty() && s.text.contains("0x800F081F")), "{}", r.summary.verdict);
}

/// Where the careful reader of hold1 found nothing to fix, no error finding.
#[test]
fn real_logs_hold1_logs_with_nothing_to_fix_get_no_error_finding() {
    let real = wulens_testdata::real_logs();
    let v = std::fs::read_to_string(real.join("hold1/verdicts.json")).expect("hold1/verdicts.json");
    let v: serde_json::Value = serde_json::from_str(&v).unwrap();
    let mut bad = Vec::new();
    for (name, _) in v.as_object().unwrap().iter().filter(|(_, x)| x.get("no_error_findings").and_then(|b| b.as_bool()) == Some(true)) {
        let bytes = std::fs::read(real.join("hold1").join(name)).unwrap();
        let (_, _, r) = analyse(vec![(name.clone(), bytes)]);
        for f in r.findings.iter().filter(|f| f.severity == FindingSeverity::Error) {
            bad.push(format!("{name}: {} {}", f.id, f.summary));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn a_caller_the_agent_names_by_its_process_is_that_program() {
    let log = WSUS_TIMEOUTS.replace("CcmExec", "<<PROCESS>>: powershell.exe");
    let (_, _, r) = analyse(vec![text("WindowsUpdate.log", &log)]);
    let callers: Vec<&str> = r.operations.items.iter().map(|o| o.caller.as_str()).collect();
    assert_eq!(callers, ["powershell.exe"], "{}", r.summary.verdict);
    assert!(first_and_detail(&r).contains("by a PowerShell script (powershell.exe)"), "{}", r.summary.verdict);
}

/// A service's own trace, as Get-WindowsUpdateLog lays it out: a repair that failed again and
/// again, and no search, download or install in it.
const REPAIR_TRACE: &str = "\
2024/07/01 10:00:00.1000000 4120  4200  MedicPluginStart  Plugin WaaSMedic.TaskHeal started
2024/07/01 10:00:00.2000000 4120  4200  TaskCreateFailed  *FAILED* [80070534] Could not create task \\Microsoft\\Windows\\WindowsUpdate\\Scheduled Start
2024/07/01 10:00:00.3000000 4120  4200  TaskCreateFailed  *FAILED* [80070534] Could not create task \\Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan
2024/07/01 10:00:00.4000000 4120  4200  MedicPluginResult Plugin WaaSMedic.TaskHeal result 0x80070534
";

#[test]
fn failed_repairs_in_a_trace_with_no_operation_are_a_finding() {
    let (_, _, r) = analyse(vec![text("WaaSMedic.20240701.log", REPAIR_TRACE)]);
    let f = r.findings.iter().find(|f| f.id == "errors_without_operation").unwrap_or_else(|| panic!("no finding: {}", r.summary.verdict));
    assert_eq!(f.severity, FindingSeverity::Error);
    assert!(f.codes.iter().any(|c| c == "0x80070534"), "{:?}", f.codes);
    assert!(f.summary.contains("TaskCreateFailed ×2"), "{}", f.summary);
    assert_eq!(f.evidence.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 4, 3], "one line of each event first: {:#?}", f.evidence);
    // A log with operations sums its errors up there instead.
    let (_, _, r) = analyse(vec![text("WindowsUpdate.log", WSUS_TIMEOUTS)]);
    assert!(r.findings.iter().all(|f| f.id != "errors_without_operation"), "{:#?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>());
}

/// The SIH client's trace: one warning-level `*FAILED* [80245108]` (no healing engine offered),
/// nothing to fix.
#[test]
fn real_logs_a_routine_warning_in_a_service_trace_is_no_error() {
    let bytes = std::fs::read(wulens_testdata::real_logs().join("etl/SIH.20230422.034724.362.1.etl")).expect("etl/SIH.20230422.034724.362.1.etl");
    let (_, _, r) = analyse(vec![("SIH.20230422.034724.362.1.etl".into(), bytes)]);
    let errors: Vec<&str> = r.findings.iter().filter(|f| f.severity == FindingSeverity::Error).map(|f| f.summary.as_str()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// A WSUS client whose Store downloads fail with HTTP 403: the Store's service is Microsoft's,
/// so no WSUS time-out finding and no WSUS check for it.
#[test]
fn a_store_download_on_a_wsus_client_gets_no_wsus_checks() {
    let store = "\
2024/03/04 10:00:00.1000000 1200  1400  ComApi          * START *   Search ClientId = Update;ScanForUpdates, ServiceId = 855E8A7C-ECB4-4CA3-B045-1DFA50104289, Flags: 0X10
2024/03/04 10:00:00.2000000 1200  1400  Agent           * START * Finding updates CallerId = Update;ScanForUpdates  Id = 9
2024/03/04 10:00:00.2100000 1200  1400  Agent           ServiceID = {855E8A7C-ECB4-4CA3-B045-1DFA50104289} Third party service
2024/03/04 10:00:05.3000000 1200  1400  Agent           * END * Finding updates CallerId = Update;ScanForUpdates, Id = 9, Exit code = 0x00000000
2024/03/04 10:00:06.1000000 1200  1500  ComApi          * START *   Download ClientId = Update;ScanForUpdates (cV = Qr+s.1.0.0)
2024/03/04 10:00:09.2000000 1200  1600  Agent           WU client calls back to download call {E0000000-0000-4000-8000-0000000000EE} with code Call progress and error 0x80244018
2024/03/04 10:00:09.3000000 1200  1500  ComApi          Download call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0)
2024/03/04 10:00:09.4000000 1200  1500  ComApi          * END *   Download ClientId = Update;ScanForUpdates, Exit code = 0x00000000; Call error code = 0x80244018
";
    let log = WSUS_TIMEOUTS.replace("Exit code = 0x80072EE2", "Exit code = 0x00000000").replace("*FAILED* [80072EE2]", "Done") + store;
    let (_, _, r) = analyse(vec![text("WindowsUpdate.log", &log)]);
    let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(!ids.contains(&"http_timeout_auth"), "{ids:?}");
    let wsus: Vec<&wulens_core::report::NextCheck> =
        r.next_checks.iter().filter(|c| c.command.as_deref().is_some_and(|c| c.contains("wsus7.corp.test"))).collect();
    assert!(wsus.is_empty(), "{wsus:#?}");
}

/// The first screen and the detail below it.
fn first_and_detail(r: &wulens_core::Report) -> String {
    format!("{}\n{}", r.summary.verdict, r.summary.detail)
}

/// Nothing failed: the drop's most significant code is a routine probe (servicing asks for a
/// country code that is not set), and no next check sends the admin to repair the component
/// store for it.
#[test]
fn nothing_failed_means_no_repair_step_for_a_routine_code() {
    let cbs = "2024-05-01 10:00:00, Info                  CBS    Starting TrustedInstaller initialization.\n\
               2024-05-01 10:00:01, Info                  CBS    Failed to get WU country code [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]\n\
               2024-05-01 10:00:02, Info                  CBS    Ending TrustedInstaller initialization.\n";
    let (_, d, r) = analyse(vec![text("CBS.log", cbs)]);
    assert_ne!(d.status, VerdictStatus::Failed);
    assert!(r.errors.iter().any(|e| e.code == "0x80070002"), "the code is still listed with its card");
    assert!(r.next_checks.is_empty(), "no repair step for a routine code: {:?}", r.next_checks);
}
