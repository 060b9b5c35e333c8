//! Causal chains and recovered failures, on real logs (../shared/reallogs/hold1, read by hand):
//! an operation's root cause is the first link of the chain of errors that led to it on its own
//! way, never an older routine code; each failed download gets the root of its own call; a
//! failure the same caller's next try of the same kind made good is `recovered`, not `failed`.
//!
//! The tests that read them are `real_logs` tests (crates/testdata).

use wulens_core::model::{Domain, OperationKind, Outcome};
use wulens_core::report::OperationReport;
use wulens_core::{Analysis, Input, Limits, Report};

fn report(name: &str) -> Report {
    let d = wulens_testdata::real_logs();
    let bytes = std::fs::read(d.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let base = name.rsplit('/').next().unwrap().to_string();
    let a = Analysis::from_inputs(vec![Input { name: base, bytes: bytes.into() }], &Limits::default());
    Report::build(&a)
}

fn failed(r: &Report, kind: OperationKind) -> Vec<&OperationReport> {
    r.operations.items.iter().filter(|o| o.kind == kind && o.outcome == Outcome::Failed).collect()
}

/// 06_dism.log: CBS could not load the offline store (line 1223, ERROR_SHARING_VIOLATION); the
/// package manager's initialisation fails with hr:0x80070020, then the unattend command ends
/// 0x80004005. The 0x80070002 lines before it are DISM probing for files that need not exist.
#[test]
fn real_logs_the_root_of_a_failed_dism_session_is_the_first_link_of_its_chain() {
    let r = report("hold1/06_dism.log");
    let f = failed(&r, OperationKind::Servicing);
    assert_eq!(f.len(), 1, "one failed session: {:?}", f.iter().map(|o| (&o.code, &o.root)).collect::<Vec<_>>());
    assert_eq!(f[0].code.as_deref(), Some("0x80004005"));
    assert_eq!(f[0].root.as_deref(), Some("0x80070020"), "root");
    assert!(f[0].evidence.iter().any(|e| e.text.contains("Failed to load offline store")), "the chain's first line is evidence");
    let st = r.statements.iter().find(|s| s.domain == Domain::Servicing).expect("a servicing statement");
    assert!(st.text.contains("0x80070020") && !st.text.contains("0x80070002"), "{}", st.text);
}

/// 05_WindowsUpdate.log: three UpdateOrchestrator downloads fail. The first one's update got an
/// HTML page from BITS (`*FAILED* [8020002B]` at 14:04:29, its call ends 14:04:32); the other two
/// end an hour later each with Delivery Optimization's "All available CDNs ... still failed"
/// (`[80D05001]`, then the callback "Call complete and error 0x80d05001"). Each has its own root.
#[test]
fn real_logs_each_failed_download_has_the_root_of_its_own_call() {
    let r = report("hold1/05_WindowsUpdate.log");
    let mut roots: Vec<(String, Option<String>)> =
        failed(&r, OperationKind::Download).iter().map(|o| (o.end.as_ref().and_then(|e| e.time.clone()).unwrap_or_default(), o.root.clone())).collect();
    roots.sort();
    let roots: Vec<Option<&str>> = roots.iter().map(|(_, r)| r.as_deref()).collect();
    assert_eq!(roots, [Some("0x8020002B"), Some("0x80D05001"), Some("0x80D05001")]);
    let v = &r.summary.detail;
    assert!(v.contains("0x80D05001") && v.contains("0x8020002B"), "the verdict names both roots: {v}");
}

fn report_of(name: &str, text: &str) -> Report {
    let a = Analysis::from_inputs(vec![Input { name: name.into(), bytes: text.as_bytes().to_vec().into() }], &Limits::default());
    Report::build(&a)
}

/// The agent writes `* END * Download` lines with no START when its service starts: they are no
/// downloads "with no result in the log". An end that says how it went still is one.
#[test]
fn an_end_with_no_start_and_no_result_is_no_operation() {
    let log = "\
2024/04/11 12:48:04.6260000 1980  8444  Agent           WU client version 10.0.19041.3996
2024/04/11 12:48:04.7000000 9624  5932  ComApi          * END *   Download ClientId = UpdateOrchestrator
2024/04/11 18:48:04.7000000 9624  5932  ComApi          * END *   Download ClientId = UpdateOrchestrator
2024/04/12 00:48:04.7000000 9624  5100  ComApi          Download call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0)
2024/04/12 00:48:04.7000010 9624  5100  ComApi          ClientId = UpdateOrchestrator: Exit code = 0x00000000; Call error code = 0x80240022
2024/04/12 00:48:04.7000020 9624  5100  ComApi          * END *   Download ClientId = UpdateOrchestrator
";
    let r = report_of("WindowsUpdate.log", log);
    let downloads: Vec<Outcome> = r.operations.items.iter().filter(|o| o.kind == OperationKind::Download).map(|o| o.outcome).collect();
    assert_eq!(downloads, [Outcome::Failed], "{}", r.summary.detail);
    assert!(!r.summary.detail.contains("no result"), "{}", r.summary.detail);
}

/// 11_WindowsUpdate.log: MoUpdateOrchestrator's search at 01:39:39 ends 0x8024402F (the ECP
/// download was cut off, 0x80072EFE); its next search, at 10:58, succeeds. The failure is shown
/// as recovered and does not make the agent's statement a failure.
#[test]
fn real_logs_a_failure_the_same_callers_next_try_made_good_is_recovered() {
    let r = report("hold1/11_WindowsUpdate.log");
    let searches: Vec<&OperationReport> =
        r.operations.items.iter().filter(|o| o.kind == OperationKind::Search && o.code.as_deref() == Some("0x8024402F")).collect();
    assert_eq!(searches.len(), 1);
    assert_eq!(searches[0].outcome, Outcome::Recovered);
    let g: usize = r.operations.groups.iter().filter(|g| g.kind == OperationKind::Search).map(|g| g.failed).sum();
    assert_eq!(g, 0, "no search failed for good");
    let st = r.statements.iter().find(|s| s.domain == Domain::WindowsUpdate).expect("the agent's statement");
    assert!(st.text.contains("1 recovered") && st.text.contains("0x8024402F"), "{}", st.text);
    // The verdict leads with what did not recover (the downloads that never succeeded).
    assert!(!r.summary.detail.starts_with("Windows Update: 53 searches: 1 failed"), "{}", r.summary.detail);
}

/// One event, one count: a trace and the text Get-WindowsUpdateLog decoded from it (etl/*.etl
/// and its .expected-utc.log) dropped together hold the same install once.
#[test]
fn real_logs_an_operation_in_a_trace_and_its_decoded_text_counts_once() {
    let d = wulens_testdata::real_logs();
    let etl = d.join("etl/WindowsUpdate.20251008.140245.443.8.etl");
    let text = d.join("etl/WindowsUpdate.20251008.140245.443.8.etl.expected-utc.log");
    let inputs = [&etl, &text].map(|p| Input { name: p.file_name().unwrap().to_string_lossy().into(), bytes: std::fs::read(p).unwrap().into() });
    let r = Report::build(&Analysis::from_inputs(inputs.into(), &Limits::default()));
    let installs: Vec<&OperationReport> = r.operations.items.iter().filter(|o| o.kind == OperationKind::Install).collect();
    assert_eq!(installs.len(), 1, "{}", r.summary.detail);
    assert_eq!(installs[0].caller, "Update;ScanForUpdates");
    assert!(r.summary.detail.contains("1 install,"), "{}", r.summary.detail);
}

/// "last at" is the latest in time, not the last in the order the files were given: a rotated
/// dism.log given after the current one holds the older failure.
#[test]
fn last_at_is_the_latest_in_time_across_files() {
    let session = |day: &str| {
        let l = |msg: &str, level: &str| format!("{day} 10:07:47, {level:<22}DISM   {msg}\r\n");
        l("DISM.EXE: <----- Starting Dism.exe session ----->", "Info")
            + &l("DISM.EXE: Executing command line: dism /online /cleanup-image /restorehealth", "Info")
            + &l(
                "DISM Package Manager: PID=1 TID=2 Failed while processing command cleanup-image. - CPackageManagerCLIHandler::ExecuteCmdLine(hr:0x800f081f)",
                "Error",
            )
            + &l("DISM.EXE: <----- Ending Dism.exe session ----->", "Info")
    };
    let inputs = vec![
        Input { name: "dism.log".into(), bytes: session("2023-05-23").into_bytes().into() },
        Input { name: "dism.log.bak".into(), bytes: session("2023-05-20").into_bytes().into() },
    ];
    let r = Report::build(&Analysis::from_inputs(inputs, &Limits::default()));
    let v = &r.summary.detail;
    assert!(v.contains("(2 times)") && v.contains("last at 2023-05-23"), "{v}");
}

/// Delivery Optimization gives up on one update three times ("All available CDNs for the update
/// ... are tried but the download job ... still failed", `hr = 0x80D02002`); each time the agent
/// calls its caller back with that code ("WU client calls back to download call {...} with code
/// Call complete and error 0x80d02002") right after the COM API's end line. Two of the calls
/// began before the log does (the client waited across a service restart). Days before, an
/// unrelated download-job error (0x80D02003) was written on a thread whose id the COM API later
/// reuses. Each download's root is its own callback's code, never that old one, and the group
/// names it with its count.
#[test]
fn each_download_takes_the_root_its_callback_gives() {
    let call = |day: &str, t: &str, with_start: bool| {
        let l = |time: &str, pid: &str, tid: &str, comp: &str, msg: &str| format!("2024/04/{day} {time}.1000000 {pid:<5} {tid:<5} {comp:<15} {msg}\r\n");
        let mut s = String::new();
        if with_start {
            s += &l(&format!("{t}:00:00"), "9624", "5932", "ComApi", "* START *   Download ClientId = UpdateOrchestrator ");
            s += &l(&format!("{t}:00:01"), "9624", "5932", "ComApi", "*QUEUED* Download ClientId = UpdateOrchestrator");
        }
        s += &l(&format!("{t}:08:00"), "1980", "7124", "DownloadManager", "DO job {3D1A1DC4-DC68-4657-B071-BF8D06AB8DB4} failed, updateId = E3766677-6547-4EC8-9097-4C7E37190DDA.1, hr = 0x80D02002. File URL = http://2.tlu.dl.delivery.mp.microsoft.com/filestreamingservice/files/d96b0a7d, local path = C:\\WINDOWS\\SoftwareDistribution\\Download\\befb31a5\\windows10.0-kb5036892-x64.cab, The response headers = ");
        s += &l(&format!("{t}:08:01"), "1980", "7124", "DownloadManager", "*FAILED* [80D02002] All available CDNs for the update E3766677-6547-4EC8-9097-4C7E37190DDA.1 are tried but the download job 3D1A1DC4-DC68-4657-B071-BF8D06AB8DB4 still failed.");
        s += &l(&format!("{t}:08:02"), "9624", "5100", "ComApi", "*RESUMED* Download ClientId = UpdateOrchestrator");
        s += &l(
            &format!("{t}:08:02"),
            "9624",
            "5100",
            "ComApi",
            "Download call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0)",
        );
        s += &l(&format!("{t}:08:02"), "9624", "5100", "ComApi", "ClientId = UpdateOrchestrator: Exit code = 0x00000000; Call error code = 0x80240022");
        s += &l(&format!("{t}:08:02"), "9624", "5100", "ComApi", "* END *   Download ClientId = UpdateOrchestrator");
        s += &l(
            &format!("{t}:08:02"),
            "1980",
            "4176",
            "Agent",
            "WU client calls back to download call {6F3BA7D2-B729-423F-827A-5B6BDBC7643A} with code Call complete and error 0x80d02002",
        );
        s
    };
    let log = "2024/04/08 06:00:00.1000000 1980  5100  DownloadManager *FAILED* [80D02003] Failed to restore the download job {B925DB3E-3616-41B0-9893-324AA1872F3E}\r\n".to_string()
        + &call("11", "12", false)
        + &call("11", "18", false)
        + &call("12", "00", true);
    let r = report_of("WindowsUpdate.log", &log);
    let downloads: Vec<&OperationReport> = r.operations.items.iter().filter(|o| o.kind == OperationKind::Download).collect();
    let roots: Vec<(Outcome, Option<&str>)> = downloads.iter().map(|o| (o.outcome, o.root.as_deref())).collect();
    assert_eq!(roots, [(Outcome::Failed, Some("0x80D02002")); 3], "{}", r.summary.detail);
    assert!(downloads.iter().all(|o| o.evidence.iter().any(|e| e.text.contains("calls back to download call"))), "the callback is evidence");
    let st = &r.statements.iter().find(|s| s.domain == Domain::WindowsUpdate).expect("the agent's statement").text;
    assert!(st.contains("0x80D02002 (DO_E_DOWNLOAD_NO_PROGRESS), so the call ended with 0x80240022 (WU_E_ALL_UPDATES_FAILED) ×3"), "{st}");
    assert!(!st.contains("0x80D02003") && !r.summary.verdict.contains("0x80D02003"), "{st}");
}

/// more/32_WindowsUpdate.log: seven downloads of MoUpdateOrchestrator wait at once (08:16:55);
/// each completes on a thread it resumed on, the agent calls back with its code, and the thread
/// it started on repeats "Download call complete". The agent called back 41 times: 10 with an
/// error (0x80240061 ×4, 0x80096010 ×4, 0x80D03805, 0x8007000D), 31 with 0. Each download has
/// the outcome and root of its own call: the one that started at 08:16:55.804 (thread 1376) is
/// the one that failed at 08:17:06.
#[test]
fn real_logs_each_download_has_the_outcome_its_callback_gives() {
    let r = report("more/32_WindowsUpdate.log");
    let downloads: Vec<&OperationReport> = r.operations.items.iter().filter(|o| o.kind == OperationKind::Download).collect();
    let count = |o: Outcome| downloads.iter().filter(|d| d.outcome == o).count();
    assert_eq!((count(Outcome::Failed), count(Outcome::Succeeded)), (10, 31), "{}", r.summary.detail);
    assert!(downloads.iter().filter(|d| d.outcome == Outcome::Succeeded).all(|d| d.end.is_some()), "a download succeeded only where it ended");
    let mut roots: Vec<&str> = failed(&r, OperationKind::Download).iter().filter_map(|o| o.root.as_deref()).collect();
    roots.sort_unstable();
    assert_eq!(
        roots,
        ["0x8007000D", "0x80096010", "0x80096010", "0x80096010", "0x80096010", "0x80240061", "0x80240061", "0x80240061", "0x80240061", "0x80D03805"]
    );
    let at_0817 = failed(&r, OperationKind::Download)
        .into_iter()
        .find(|o| o.end.as_ref().and_then(|e| e.time.as_deref()).is_some_and(|t| t.starts_with("2023-05-22T08:17:06.152")));
    assert_eq!(at_0817.and_then(|o| o.start.as_ref()).and_then(|s| s.time.as_deref()), Some("2023-05-22T08:16:55.804"));
}

/// A download whose start is not in the log (it began before the log does) ends with only the
/// call's summary code and no callback: its own lines are those just before its end, so an error
/// written days earlier on a thread whose id it reuses is not its root.
#[test]
fn an_end_without_a_start_takes_no_root_from_days_before() {
    let log = "\
2024/04/08 06:00:00.1000000 1980  5100  DownloadManager *FAILED* [80D02003] Failed to restore the download job {B925DB3E-3616-41B0-9893-324AA1872F3E}
2024/04/11 12:08:02.1000000 9624  5100  ComApi          *RESUMED* Download ClientId = UpdateOrchestrator
2024/04/11 12:08:02.1000010 9624  5100  ComApi          Download call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0)
2024/04/11 12:08:02.1000020 9624  5100  ComApi          ClientId = UpdateOrchestrator: Exit code = 0x00000000; Call error code = 0x80240022
2024/04/11 12:08:02.1000030 9624  5100  ComApi          * END *   Download ClientId = UpdateOrchestrator
";
    let r = report_of("WindowsUpdate.log", log);
    let f = failed(&r, OperationKind::Download);
    assert_eq!(f.len(), 1, "{}", r.summary.detail);
    assert_eq!((f[0].code.as_deref(), f[0].root.as_deref()), (Some("0x80240022"), None), "{}", r.summary.detail);
    assert!(!r.summary.detail.contains("0x80D02003"), "{}", r.summary.detail);
}

/// Two installs of one caller wait at once (hold1/12, 2025-01-05 16:36:41); each ends on another
/// thread and the thread it started on repeats "Install call complete" right after: that echo
/// says which call ended, so each install keeps its own start.
#[test]
fn each_install_ends_the_call_its_own_thread_repeats() {
    let log = "\
2025/01/05 16:36:41.1179330 10460 2340  ComApi          * START *   Install ClientId = Update;ScanForUpdatesForUser, Flags: 0X40 (cV: 96DfS8r8zkCg3CZJ.4.11.1.0.0)
2025/01/05 16:36:41.1507619 10460 11996 ComApi          * START *   Install ClientId = Update;ScanForUpdatesForUser, Flags: 0X40 (cV: 96DfS8r8zkCg3CZJ.3.11.1.0.0)
2025/01/05 16:36:42.0061291 10460 8704  ComApi          Install call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0
2025/01/05 16:36:42.0061300 10460 8704  ComApi          Call error code = 0x80240022
2025/01/05 16:36:42.0061781 10460 8704  ComApi          * END *   Install ClientId = Update;ScanForUpdatesForUser
2025/01/05 16:36:42.0063024 10460 11996 ComApi          Install call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0
2025/01/05 16:36:43.0158794 10460 2888  ComApi          Install call complete (succeeded = 1, succeeded with errors = 0, failed = 0, cancelled = 0, unaccounted = 0
2025/01/05 16:36:43.0159443 10460 2888  ComApi          * END *   Install ClientId = Update;ScanForUpdatesForUser
2025/01/05 16:36:43.0160206 10460 2340  ComApi          Install call complete (succeeded = 1, succeeded with errors = 0, failed = 0, cancelled = 0, unaccounted = 0
";
    let r = report_of("WindowsUpdate.log", log);
    let mut installs: Vec<(u32, Outcome)> =
        r.operations.items.iter().filter(|o| o.kind == OperationKind::Install).map(|o| (o.start.as_ref().map_or(0, |s| s.line), o.outcome)).collect();
    installs.sort_unstable_by_key(|i| i.0);
    assert_eq!(installs, [(1, Outcome::Succeeded), (2, Outcome::Failed)], "{}", r.summary.detail);
}

/// A dism.log line: `2024-03-05 10:00:01, Error                 DISM   <msg>` with CRLF.
fn dism(time: &str, level: &str, msg: &str) -> String {
    format!("2024-03-05 {time}, {level:<22}DISM   {msg}\r\n")
}

/// DISM's Appx provider writes each failure it returns as a Windows Implementation Library line
/// (`ReturnHr(n) tid(x) <code>` then `Msg:[...]` and, on the next line, its callback), the
/// shape of ../shared/reallogs/more/53 and 41; a `LogHr` line is a failure a function logged
/// and went on from (here a debug assertion, 0x8007029C). The root is the first failure that was
/// returned: 0xC1570118, an equal or higher version of the package is already there; the
/// 0x800700B7 after it is DISM's translation of it, and the assertion is no link.
#[test]
fn a_logged_assertion_is_no_root_and_a_returned_failure_is() {
    let wil = |n: u32, kind: &str, code: &str, rest: &str| {
        format!(
            "DISM Appx Provider: PID=5120 TID=6044 onecore\\admin\\appmodel\\utilities\\provisionhelper\\msixprovisioningrequest.cpp(87{n})\\AppxProvider.dll!00007FF8EA26760C: (caller: 00007FF8EA2660BE) {kind}({n}) tid(179c) {code}{rest}"
        )
    };
    let mut log = dism("10:00:00", "Info", "DISM.EXE: <----- Starting Dism.exe session ----->");
    log += &dism(
        "10:00:00",
        "Info",
        "DISM.EXE: Executing command line: DISM.exe /Online /Add-ProvisionedAppxPackage /PackagePath:C:\\Apps\\Contoso.Notes.appxbundle /SkipLicense",
    );
    log += &dism("10:00:01", "Error", &wil(1, "LogHr", "8007029C", " An assertion failure has occurred."));
    log += &dism("10:00:01", "Error", &wil(1, "ReturnHr", "C1570118", "     Msg:[Failed while adding package Contoso.Notes_2.1.0.0_neutral_~_8wekyb3d8bbwe since an equal or higher version of the package, Contoso.Notes_2.4.0.0_neutral_~_8wekyb3d8bbwe, already exists] "));
    log += " - CAppxManager::ResultLoggingCallback\r\n";
    log += &dism("10:00:01", "Error", &wil(2, "ReturnHr", "C1570118", "     Msg:[Failed to add main bundle package for provisioning.] "));
    log += " - CAppxManager::ResultLoggingCallback\r\n";
    log += &dism("10:00:01", "Error", "DISM Appx Provider: PID=5120 TID=6044 Failed to initialize package set - CAppxManager::AddAllUserAppxPackageWithOptionalPackagesAndRegionAndStubPackageOption(hr:0x800700b7)");
    log += &dism(
        "10:00:01",
        "Error",
        "DISM Appx Provider: PID=5120 TID=6044 Failed to add Appx package - CAppxManager::ProcessCommandAddAllUserAppxPackage(hr:0xc1570118)",
    );
    log += &dism(
        "10:00:01",
        "Error",
        "DISM Appx Provider: PID=5120 TID=6044 Failed processing command to add Appx package - CAppxManager::ExecuteCmdLine(hr:0xc1570118)",
    );
    log += &dism("10:00:02", "Info", "DISM.EXE: Image session has been closed. Reboot required=no.");
    log += &dism("10:00:02", "Info", "DISM.EXE: <----- Ending Dism.exe session ----->");
    let r = report_of("dism.log", &log);
    let f = failed(&r, OperationKind::Servicing);
    assert_eq!(f.len(), 1, "{}", r.summary.detail);
    assert_eq!(f[0].code.as_deref(), Some("0xC1570118"));
    assert!(!matches!(f[0].root.as_deref(), Some("0x8007029C" | "0x800700B7")), "root {:?}", f[0].root);
    assert!(f[0].evidence.iter().any(|e| e.text.contains("ReturnHr(1)")), "the first returned failure is evidence: {:?}", f[0].evidence);
    let st = r.statements.iter().find(|s| s.domain == Domain::Servicing).expect("a servicing statement");
    assert!(st.text.contains("equal or higher version"), "the first link's own words: {}", st.text);
    assert!(!st.text.contains("0x8007029C") && !r.summary.verdict.contains("0x8007029C"), "{} / {}", st.text, r.summary.verdict);
    let card = r.errors.iter().find(|e| e.code == "0xC1570118").expect("an error card");
    assert!(card.kb.as_ref().is_some_and(|k| !k.description.is_empty() && !k.mitigation.is_empty()), "guidance for 0xC1570118");
}

/// The root comes from the lines up to the one that says the command failed, never from what the
/// session writes after it: DISM's cleanup of its temporary folder is no cause.
#[test]
fn a_root_never_comes_from_lines_after_the_failure() {
    let mut log = dism("10:00:00", "Info", "DISM.EXE: <----- Starting Dism.exe session ----->");
    log += &dism("10:00:00", "Info", "DISM.EXE: Executing command line: dism.exe /online /enable-feature /featurename:NetFx3");
    log += &dism("10:00:00", "Error", "DISM.EXE: Failed validating command line: dism.exe /online /enable-feature /featurename:NetFx3");
    log += &dism("10:00:01", "Warning", "DISM Manager: PID=1940 TID=2008 Failed to remove the temporary folder C:\\Users\\admin\\AppData\\Local\\Temp\\3381B666-2DD2-48BB-84AA-41F3E163FF42 - CDISMManager::CleanupImageSessionEntry(hr:0x80070091)");
    log += &dism("10:00:01", "Info", "DISM.EXE: <----- Ending Dism.exe session ----->");
    let r = report_of("dism.log", &log);
    let f = failed(&r, OperationKind::Servicing);
    assert_eq!(f.len(), 1, "{}", r.summary.detail);
    assert_eq!(f[0].root, None, "{:?}", f[0]);
    assert!(!r.summary.detail.contains("0x80070091"), "{}", r.summary.detail);
    assert!(!r.summary.verdict.contains("0x80070091"), "{}", r.summary.verdict);
}

/// One DISM session on `day` at `time` that ends with `reboot` ("yes" or "no").
fn dism_session(day: &str, time: &str, command: &str, reboot: &str) -> String {
    let l = |msg: &str| format!("{day} {time}, Info                  DISM   {msg}\r\n");
    l("DISM.EXE: <----- Starting Dism.exe session ----->")
        + &l(&format!("DISM.EXE: Executing command line: {command}"))
        + &l(&format!("DISM.EXE: Image session has been closed. Reboot required={reboot}."))
        + &l("DISM.EXE: <----- Ending Dism.exe session ----->")
}

/// A later session that needed no restart of its own (a query) says nothing of the restart an
/// earlier one asked for: it stays required, said with when it was asked for, since no start of
/// the machine after it is in the log.
#[test]
fn a_later_session_needing_none_does_not_clear_a_pending_restart() {
    let mut log = dism_session("2014-02-18", "10:32:01", "dism.exe /Online /Disable-Feature:Printing-Foundation-LPRPortMonitor", "yes");
    log += &dism_session("2019-06-05", "13:04:18", "dism.exe /Online /Get-Features", "no");
    log += &dism_session("2019-06-05", "13:10:00", "dism.exe /Online /Get-Packages", "no");
    let r = report_of("dism.log", &log);
    assert!(r.findings.iter().any(|f| f.id == "pending_reboot"), "{:?}", r.findings.iter().map(|f| &f.summary).collect::<Vec<_>>());
    assert!(
        r.summary.detail.contains("a restart is required") && r.summary.detail.contains("asked for at 2014-02-18 10:32; no start of the machine after it"),
        "{}",
        r.summary.detail
    );

    // The same restart asked for by the latest session is still pending.
    let mut log = dism_session("2019-06-05", "13:04:18", "dism.exe /Online /Get-Features", "no");
    log += &dism_session("2019-06-05", "13:10:00", "dism.exe /Online /Disable-Feature:Printing-Foundation-LPRPortMonitor", "yes");
    let r = report_of("dism.log", &log);
    assert!(r.findings.iter().any(|f| f.id == "pending_reboot"));
    assert!(r.summary.detail.contains("a restart is required"), "{}", r.summary.detail);
}

/// CBS.log says when the machine last started (`TI: Last boot time:`): a start after the
/// sessions that failed for a pending restart (0x80070BC9) means that restart happened.
#[test]
fn a_later_boot_supersedes_a_pending_restart() {
    let l = |t: &str, level: &str, msg: &str| format!("2023-05-23 {t}, {level:<22}CBS    {msg}\r\n");
    let mut log = l("10:15:25", "Info", "TI: Last boot time: 2023-05-23 10:05:31.500");
    log += &l("10:17:30", "Info", "Session: 31034769_4265380821 initialized by client DISM Package Manager Provider, external staging directory: (null), external registry directory: (null)");
    log += &l("10:17:36", "Info", "TI: CBS has signaled that a reboot is required.");
    log += &l("10:17:36", "Error", "Failed to create CSI transaction with id: TI5.31034769_4265380821:1/. A pending repair transaction already exists, reboot is required [HRESULT = 0x80070bc9 - ERROR_FAIL_REBOOT_REQUIRED]");
    log += &l("10:17:36", "Info", "Session: 31034769_4265380821 finalized. Reboot required: no [HRESULT = 0x80070bc9 - ERROR_FAIL_REBOOT_REQUIRED]");
    let pending = report_of("CBS.log", &log);
    assert!(pending.findings.iter().any(|f| f.id == "pending_reboot"), "the restart is pending before the boot");
    log += &l("10:24:05", "Info", "TI: Last boot time: 2023-05-23 10:23:56.500");
    log += &l("10:24:07", "Info", "Startup processing completed. [HRESULT = 0x00000000]");
    let r = report_of("CBS.log", &log);
    assert!(!r.findings.iter().any(|f| f.id == "pending_reboot"), "{:?}", r.findings.iter().map(|f| &f.summary).collect::<Vec<_>>());
    let st = r.statements.iter().find(|s| s.domain == Domain::Servicing).expect("a servicing statement");
    assert!(!st.text.contains("a restart is required"), "{}", st.text);
    assert!(st.text.contains("2023-05-23 10:23"), "says when the machine started again: {}", st.text);
}

/// A CBS.log of one healthy SFC scan says what ran and that it found nothing to repair, not
/// "nothing to conclude" (the shape of ../shared/reallogs/more/50's scan).
#[test]
fn a_healthy_sfc_scan_is_said() {
    let l = |t: &str, c: &str, msg: &str| format!("2025-03-14 {t}, Info                  {c:<7}{msg}\r\n");
    let mut log = l("01:03:10", "CSI", "00000201 [SR] Verifying 100 components");
    log += &l("01:03:10", "CSI", "00000202 [SR] Beginning Verify and Repair transaction");
    log += &l("01:04:50", "CSI", "00000203 [SR] Verify complete");
    log += &l("01:04:55", "CSI", "0000022d [SR] Repairing 0 components");
    log += &l("01:04:55", "CSI", "0000022e [SR] Beginning Verify and Repair transaction");
    log += &l("01:04:55", "CSI", "0000022f [SR] Repair complete");
    let r = report_of("CBS.log", &log);
    assert_eq!(r.summary.badge, "No failure found", "{}", r.summary.verdict);
    let st = r.statements.iter().find(|s| s.domain == Domain::Servicing).expect("a servicing statement");
    assert!(st.text.contains("SFC") && st.text.contains("nothing to repair"), "{}", st.text);
    assert!(st.evidence.iter().any(|e| e.text.contains("Repairing 0 components")), "{:?}", st.evidence);
}

/// One `/RestoreHealth` from an install.esd given as a path, as DISM.log writes it: the servicing
/// stack refuses the source, then finds none (0x800F081F).
fn repair_from_esd(time: &str, source: &str) -> String {
    let mut s = dism(time, "Info", "DISM.EXE: <----- Starting Dism.exe session ----->");
    s += &dism(time, "Info", &format!("DISM.EXE: Executing command line: dism  /online /cleanup-image /restorehealth /Source:{source} /LimitAccess"));
    s += &dism(
        time,
        "Warning",
        "DISM Package Manager: PID=5516 TID=12648 CBS AddSource failed with HRESULT=0x8007007b! - CDISMPackageManager::Internal_Finalize",
    );
    s += &dism(
        time,
        "Error",
        "DISM Package Manager: PID=5516 TID=12648 Failed to restore the image health. - CPackageManagerCLIHandler::ProcessCmdLine_CleanupImage(hr:0x800f081f)",
    );
    s += &dism(
        time,
        "Error",
        "DISM Package Manager: PID=5516 TID=12648 Failed while processing command cleanup-image. - CPackageManagerCLIHandler::ExecuteCmdLine(hr:0x800f081f)",
    );
    s += &dism(time, "Info", "DISM.EXE: Image session has been closed. Reboot required=no.");
    s += &dism(time, "Info", "DISM.EXE: <----- Ending Dism.exe session ----->");
    s
}

/// A repair that keeps failing because its source is refused: the source is the cause (its
/// steps name the file and the form DISM wants), and a last try cut off by the end of the log
/// leaves the machine failing now, not "failed earlier".
#[test]
fn a_refused_repair_source_is_the_cause_and_a_cut_off_retry_keeps_it_failing() {
    let mut log = repair_from_esd("10:00:00", r"F:\sources\install.esd");
    log += &repair_from_esd("10:05:00", r"F:\sources\install.esd");
    log += &dism("10:09:00", "Info", "DISM.EXE: <----- Starting Dism.exe session ----->");
    log +=
        &dism("10:09:00", "Info", r"DISM.EXE: Executing command line: dism  /online /cleanup-image /restorehealth /Source:F:\sources\install.esd /LimitAccess");
    let r = report_of("dism.log", &log);
    assert_eq!(r.summary.badge, "Servicing failed", "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("failing now") && r.summary.verdict.contains("still running when the log ends"), "{}", r.summary.verdict);
    let f = &r.findings[0];
    assert_eq!(f.id, "repair_source_unusable", "{:?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>());
    assert!(f.summary.contains(r"/Source:F:\sources\install.esd") && f.summary.contains("0x8007007B"), "{}", f.summary);
    assert!(f.evidence.iter().any(|e| e.text.contains("AddSource failed")), "{:?}", f.evidence);
    let commands: Vec<&str> = r.next_checks.iter().filter_map(|c| c.command.as_deref()).collect();
    assert!(commands.contains(&r"DISM /Get-WimInfo /WimFile:F:\sources\install.esd"), "{commands:?}");
    assert!(commands.iter().any(|c| c.contains(r"/Source:esd:F:\sources\install.esd:<index>")), "{commands:?}");
    assert!(r.summary.verdict.contains("Likely cause: the repair source was refused"), "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("First: list the images in the repair's install file."), "{}", r.summary.verdict);

    // A folder given as the source: no step names an image file.
    let r = report_of("dism.log", &repair_from_esd("10:00:00", r"F:\sources\sxs"));
    let f = r.findings.iter().find(|f| f.id == "repair_source_unusable").expect("the finding");
    assert!(!f.summary.contains("esd:<file>"), "{}", f.summary);
    assert!(r.next_checks.iter().all(|c| !c.command.as_deref().unwrap_or("").contains("WimInfo")), "{:?}", r.next_checks);
}

/// Files SFC could not repair are no outright failure (a known update side effect can leave
/// such lines), but the first screen must not call them "no failure": it says they need
/// attention, with what SFC could not do.
#[test]
fn files_sfc_could_not_repair_need_attention_on_the_first_screen() {
    let l = |t: &str, msg: &str| format!("2025-03-14 {t}, Info                  CSI    {msg}\r\n");
    let cannot = |t: &str, file: &str| {
        l(t, &format!("00000210 [SR] Cannot repair member file [l:9]'{file}' of Microsoft-Windows-Appx-Module, version 10.0.19041.1, arch amd64"))
    };
    // A scan verifies (and meets the files it cannot repair), then repairs what it can.
    let log = l("01:00:00", "00000201 [SR] Beginning Verify and Repair transaction")
        + &cannot("01:00:01", "Appx.psd1")
        + &cannot("01:00:01", "Appx.psm1")
        + &l("01:00:02", "0000022d [SR] Repairing 1 components");
    let r = report_of("CBS.log", &log);
    assert_eq!(r.summary.badge, "Needs attention", "{}", r.summary.verdict);
    assert!(r.summary.verdict.starts_with("Not failing now, but this needs attention."), "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("SFC could not repair 2 files"), "{}", r.summary.verdict);
    assert!(!r.summary.verdict.contains("No failure"), "{}", r.summary.verdict);
}
