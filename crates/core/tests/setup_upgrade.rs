//! Feature updates and Windows setup concluded like an expert: the result setup reports after a
//! rollback with its extend code (the phase it failed in), the device install a setupapi.dev.log
//! stops in, and the setup family's other logs (first boot and OOBE, DPX, WinRE's push-button
//! reset) read as setup's, never as CBS.log, and never called a failure when nothing failed.
//!
//! The inline logs follow the line shapes of real Panther, rollback and setupapi logs
//! (../shared/reallogs/evidence/README.md); the names, ids and times are made up. The real
//! rollback set (evidence/69-72) and the reset log (75) are read in place.

use wulens_core::model::{OperationKind, Outcome, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

fn analyze(files: &[(&str, &[u8])]) -> Report {
    let inputs = files.iter().map(|(name, bytes)| Input { name: (*name).into(), bytes: bytes.to_vec().into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

fn line(time: &str, level: &str, component: &str, msg: &str) -> String {
    format!("2023-03-02 {time}, {level:<22}{component:<7}{msg}\r\n")
}

/// The rollback's setupact.log: setup back in the old OS reports the first boot's failure, then
/// remaps it for telemetry and runs its diagnostic step.
fn rollback_setupact() -> String {
    let mut s = String::from("\u{feff}");
    s += &line("03:11:03", "Info", "SP", "Cannot recover the system.");
    s += &line("03:12:23", "Info", "SP", "Rollback completed successfully.");
    s += &line("05:12:40", "Info", "MOUPG", "SetupHost: Current SetupHost Version: [10.0.19041.1]");
    s += &line("05:12:43", "Info", "MOUPG", "SetupHost: Reporting post reboot event -> [0xC1900101, 0x30018]");
    s += &line("05:12:43", "Info", "MOUPG", "ImageExit: Initializing SetupResult: [0xc1900101]");
    s += &line("05:12:43", "Info", "MOUPG", "ImageExit: Initializing Extended:    [0x30018]");
    s += &line("05:12:44", "Info", "MOUPG", "Finalize: Remapping install error [0xC1900101] -> [0xC1900108] for telemetry.");
    s += &line("05:12:58", "Error", "MOUPG", "CSetupHost::ExecuteDiagnosticAnalysis(1567): Result = 0x80131502");
    s
}

/// The same run's setuperr.log: none of its errors is the cause.
fn rollback_setuperr() -> String {
    line("03:11:07", "Error", "SP", "ObliterateOrMoveDirectoryTree(C:\\$WINDOWS.~BT\\Sources\\Panther) failed.[gle=0x00000005]")
        + &line("05:12:58", "Error", "MOUPG", "CSetupHost::ExecuteDiagnosticAnalysis(1567): Result = 0x80131502")
}

const DEVICE: &str = "PCI\\VEN_8086&DEV_1234&SUBSYS_00000000&REV_01\\3&11111111&0&E0";

/// The rollback's setupapi.dev.log: one install closed, one open when the log stops, then the
/// bytes a crash leaves behind.
fn setupapi() -> Vec<u8> {
    let mut s = String::from("[Device Install Log]\r\n     OS Version = 10.0.19041\r\n");
    s += ">>>  [Setup online Device Install (Hardware initiated) - PCI\\VEN_8086&DEV_0001\\3&11111111&0&00]\r\n";
    s += ">>>  Section start 2023/03/02 05:09:20.100\r\n     dvi: {Build Driver List} 05:09:20.120\r\n";
    s += "<<<  Section end 2023/03/02 05:09:21.000\r\n<<<  [Exit status: SUCCESS]\r\n\r\n";
    s += &format!(">>>  [Setup online Device Install (Hardware initiated) - {DEVICE}]\r\n");
    s += ">>>  Section start 2023/03/02 05:09:26.000\r\n     dvi: Waiting for previous device install to complete. 05:09:26.198\r\n<ins>";
    let mut b = s.into_bytes();
    b.extend([0u8, 0, 0xFF, 0xFE, 0x28, 0x7C, 0, 0, 0x78, 0x3F, 0, 0xC3]);
    b
}

#[test]
fn a_rollback_reports_its_result_extend_code_and_phase() {
    let act = rollback_setupact();
    let r = analyze(&[("setupact.log", act.as_bytes())]);
    assert_eq!(r.files[0].format, "setup");
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert_eq!(r.summary.badge, "Upgrade rolled back", "a failure in the first boot rolls back");
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::Setup).expect("a setup run");
    assert_eq!(op.outcome, Outcome::Failed);
    // The result, not the code it is remapped to for telemetry, nor the diagnostic step after it.
    assert_eq!(op.code.as_deref(), Some("0xC1900101"), "{op:?}");
    for words in ["0xC1900101-0x30018", "first boot phase"] {
        assert!(r.summary.verdict.contains(words), "{words}: {}", r.summary.verdict);
    }
    assert!(!r.summary.verdict.contains("0x80131502"), "{}", r.summary.verdict);
    let st = r.statements.iter().find(|s| s.text.contains("0x30018")).expect("the setup statement names the extend code");
    assert!(st.evidence.iter().any(|e| e.text.contains("Reporting post reboot event")), "{:?}", st.evidence);
    // No device install log in the drop: the statement says which one to read.
    assert!(st.text.contains("setupapi.dev.log"), "{}", st.text);
}

#[test]
fn a_rollback_with_its_logs_names_the_device_install_where_the_log_stops() {
    let (act, err, dev) = (rollback_setupact(), rollback_setuperr(), setupapi());
    // setuperr.log after setupact.log: a companion without a result decides nothing.
    let r = analyze(&[("Rollback/setupact.log", act.as_bytes()), ("Rollback/setuperr.log", err.as_bytes()), ("Rollback/setupapi/setupapi.dev.log", &dev)]);
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("0xC1900101-0x30018"), "{}", r.summary.verdict);
    let st = r.statements.iter().find(|s| s.text.contains("0x30018")).expect("the setup statement");
    assert!(st.text.contains(DEVICE), "{}", st.text);
    assert!(st.evidence.iter().any(|e| e.file.ends_with("setupapi.dev.log") && e.text.contains(DEVICE)), "{:?}", st.evidence);
    assert!(st.evidence.iter().any(|e| e.text.contains("Waiting for previous device install")), "its last text line: {:?}", st.evidence);
    // The device install log is read as SetupAPI's, all but the bytes after its last line.
    let dev = r.files.iter().find(|f| f.name.ends_with("setupapi.dev.log")).expect("the device install log");
    assert_eq!((dev.format.as_str(), dev.unparsed), ("setupapi", 1));
}

#[test]
fn a_setup_log_whose_sections_all_end_names_no_device() {
    let act = rollback_setupact();
    let closed = b"[Device Install Log]\r\n>>>  [Device Install (Hardware initiated) - USB\\VID_1234]\r\n<<<  Section end 2023/03/02 05:09:21.000\r\n<<<  [Exit status: SUCCESS]\r\n";
    let r = analyze(&[("setupact.log", act.as_bytes()), ("setupapi.dev.log", closed)]);
    let st = r.statements.iter().find(|s| s.text.contains("0x30018")).expect("the setup statement");
    assert!(!st.text.contains("USB\\VID_1234"), "{}", st.text);
}

fn oobe_line(time: &str, level: &str, process: &str, msg: &str) -> String {
    format!("2021-09-27 {time}, {level:<29}[{process}] {msg}\r\n")
}

#[test]
fn a_first_boot_that_exits_with_zero_is_setup_and_nothing_failed() {
    let mut s = String::from("\u{feff}");
    s += &oobe_line("04:03:44", "Info", "windeploy.exe", "WinDeploy.exe launched with command-line []...");
    s += &oobe_line("04:03:44", "Error", "windeploy.exe", "CFirstUXWnd::OpenExisting failed with error 80070490");
    s += &oobe_line("04:03:45", "Info", "msoobe.exe", "OOBE: loading oobe.xml failed 0x80070003");
    s += &oobe_line("11:04:06", "Info", "oobeldr.exe", "OOBELdr.exe exiting with code [0x0]...");
    s += &oobe_line("11:04:06", "Info", "windeploy.exe", "WinDeploy.exe exiting with code [0x0]");
    let r = analyze(&[("setupact.log", s.as_bytes())]);
    assert_eq!(r.files[0].format, "setup", "read as setup's, not CBS.log");
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert!(!r.summary.verdict.contains("Servicing"), "{}", r.summary.verdict);
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::Setup).expect("a setup run");
    assert_eq!(op.outcome, Outcome::Succeeded);
    assert!(op.end.as_ref().or(op.evidence.last()).is_some_and(|e| e.text.contains("exiting with code [0x0]")), "{op:?}");
}

#[test]
fn a_push_button_reset_and_a_dpx_log_are_setup_and_nothing_failed() {
    let pad = |level: &str, msg: &str| format!("2021-06-09 12:08:20, {level:<29}{msg}\n");
    let reset = pad("Error", "Failed to check OS architecture. 0x00000490[gle=0x00000002]")
        + &pad("Error", "WinReGetConfigEx failed. Error: 0x00000003[gle=0x00000003]")
        + &pad("Error", "0x80070490 in PushButtonReset::OEMConnection::Create (x.cpp:57): Did not find OEM plugin");
    let dpx = line(
        "11:16:34",
        "Info",
        "DPX",
        "CreateFileW failed, FileName:\\\\?\\C:\\Windows\\SoftwareDistribution\\Download\\ab\\$dpx$.tmp\\job.xml, Error:0x80070002",
    ) + &line("11:16:37", "Info", "DPX", "Started DPX phase: Inventory")
        + &line("11:16:56", "Info", "DPX", "Ended DPX phase: Inventory");
    for (name, text) in [("x.log", reset), ("y.log", dpx)] {
        let r = analyze(&[(name, text.as_bytes())]);
        assert_eq!(r.files[0].format, "setup", "{text}");
        assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
        assert!(!r.summary.verdict.to_lowercase().contains("failed"), "{}", r.summary.verdict);
    }
}

// ---- the real rollback set and the reset log (../shared/reallogs/evidence) ----

fn real(names: &[&str]) -> Report {
    let d = wulens_testdata::real_logs().join("evidence");
    let inputs = names.iter().map(|n| Input { name: (*n).into(), bytes: std::fs::read(d.join(n)).expect("a real log").into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

#[test]
fn real_logs_rollback_set_gives_the_result_phase_and_device() {
    let r = real(&["69_setupact.log", "70_setuperr.log", "71_setuperr.log", "72_setupapi.dev.log"]);
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert_eq!(r.summary.badge, "Upgrade rolled back");
    // 70 and 71 hold the same run without its result: not three runs.
    assert!(!r.summary.verdict.contains(" of 3 "), "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("0xC1900101-0x30018") && r.summary.verdict.contains("first boot"), "{}", r.summary.verdict);
    let st = r.statements.iter().find(|s| s.text.contains("0x30018")).expect("the setup statement");
    assert!(st.text.contains("PCI\\VEN_8086&DEV_8C10"), "the device where 72 stops: {}", st.text);
    assert!(st.evidence.iter().any(|e| e.file == "69_setupact.log" && e.line == 5377), "{:?}", st.evidence);
    assert!(st.evidence.iter().any(|e| e.file == "72_setupapi.dev.log" && e.line == 1168), "{:?}", st.evidence);
    // 69 alone: the same result and phase.
    let r = real(&["69_setupact.log"]);
    assert!(r.summary.verdict.contains("0xC1900101-0x30018"), "{}", r.summary.verdict);
}

#[test]
fn real_logs_reset_log_is_setup_and_nothing_failed() {
    let r = real(&["75_setuperr.log"]);
    assert_eq!(r.files[0].format, "setup");
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert!(!r.summary.verdict.contains("Servicing"), "{}", r.summary.verdict);
}

/// A result setup reports before any restart (`PostReboot: [FALSE]`) failed in the old Windows,
/// the downlevel phase, whatever phase digit its extend code carries: 0x50013's 5 is setup
/// undoing its work when it reported (the shape of ../shared/reallogs/more/55).
#[test]
fn a_result_reported_before_any_restart_is_a_downlevel_failure() {
    let mut s = String::from("\u{feff}");
    s += &line("08:18:24", "Error", "MOUPG", "CSetupPlatform::Initialize: Disk provisioning is not available; hr = 0x80070032");
    s += &line("08:18:24", "Info", "MOUPG", "Setup phase change: [SetupPhaseInstall] -> [SetupPhaseError]");
    s += &line("08:18:24", "Info", "MOUPG", "ImageExit: Initializing SetupResult: [0x80070032]");
    s += &line("08:18:24", "Info", "MOUPG", "ImageExit: Initializing Extended:    [0x50013]");
    s += &line("08:18:24", "Info", "MOUPG", "ImageExit: Initializing PostReboot:  [FALSE]");
    s += &line("08:19:31", "Info", "MOUPG", "Finalize: Remapping install error [0x80070032] -> [0xC1900108] for telemetry.");
    let r = analyze(&[("setupact.log", s.as_bytes())]);
    assert_eq!(r.summary.status, VerdictStatus::Failed);
    assert!(r.summary.verdict.contains("downlevel phase"), "{}", r.summary.verdict);
    assert!(!r.summary.verdict.contains("in the uninstall phase"), "{}", r.summary.verdict);
    assert_ne!(r.summary.badge, "Upgrade rolled back");
    // After the restart into the new Windows, the phase digit is the phase it failed in.
    let post = s.replace("PostReboot:  [FALSE]", "PostReboot:  [TRUE]").replace("[0x50013]", "[0x30018]");
    let r = analyze(&[("setupact.log", post.as_bytes())]);
    assert!(r.summary.verdict.contains("first boot phase"), "{}", r.summary.verdict);
}

/// The Safe OS phase's setupact.log (`$WINDOWS.~BT\Sources\Panther`): applying the image fails on
/// a file it cannot read, and the phase exits with a code of its own.
fn safe_os_setupact() -> String {
    let mut s = String::from("\u{feff}");
    s += &line("00:21:31", "Info", "MOUPG", "Overall progress: [0%]");
    s += &line("00:27:53", "Error", "", "ITaskFolder::DeleteTask failed. hr = 0x80070002");
    s += &line("00:32:45", "Error", "SP", "SPWIMCallback: Error in apply of C:\\$WINDOWS.~BT\\NewOS\\Windows\\WinSxS\\amd64_x\\mscordbi.dll");
    s += &line(
        "00:32:46",
        "Error",
        "SP",
        "    CApplyWIM: Failure while applying image 6 for D:\\$WINDOWS.~BT\\Payload\\OSImage\\Install.wim. Error 0x80070570[gle=0x00000570]",
    );
    s += &line(
        "00:32:46",
        "Error",
        "SP",
        "Operation failed: Apply WIM file PathForNewOSFile, index 6 to D:\\$WINDOWS.~BT\\NewOS. Error: 0x80070570[gle=0x000000b7]",
    );
    s += &line("00:32:46", "Error", "SP", "ExecuteOperations: Main operation execution failed. Error: 0x8007000D");
    s += &line("00:32:46", "Info", "SP", "Execution phase [Safe OS] exiting with HRESULT [0x8007000D]");
    s
}

/// Its rollback, which reports that phase's failure after the restart into the old Windows.
fn safe_os_rollback() -> String {
    let mut s = String::from("\u{feff}");
    s += &line("00:33:40", "Info", "SP", "Initiating rollback");
    s += &line("00:34:30", "Info", "SP", "Rollback completed successfully.");
    s += &line("00:34:39", "Info", "MOUPG", "SetupHost: Reporting post reboot event -> [0x8007000D, 0x2000C]");
    s += &line("00:34:39", "Info", "MOUPG", "ImageExit: Initializing SetupResult: [0x8007000d]");
    s += &line("00:34:39", "Info", "MOUPG", "ImageExit: Initializing Extended:    [0x2000c]");
    s += &line("00:34:40", "Info", "MOUPG", "Finalize: Remapping install error [0x8007000D] -> [0xC1900108] for telemetry.");
    s
}

/// A phase that failed (its root the setup operation that failed in it, not an older routine
/// error) and the rollback's report of that phase are one run: the report's cause names the
/// phase's root, and the first step is about the media, not the update service.
#[test]
fn a_failed_phase_and_its_rollback_report_are_one_run_with_the_phases_root() {
    let phase = safe_os_setupact();
    let alone = analyze(&[("setupact.log", phase.as_bytes())]);
    assert_eq!(alone.summary.status, VerdictStatus::Failed, "{}", alone.summary.verdict);
    assert!(alone.summary.verdict.contains("Cause: 0x80070570"), "{}", alone.summary.verdict);
    assert!(alone.summary.verdict.contains("First: get the installation media again"), "{}", alone.summary.verdict);

    let rollback = safe_os_rollback();
    let r = analyze(&[("Sources/Panther/setupact.log", phase.as_bytes()), ("Sources/Rollback/setupact.log", rollback.as_bytes())]);
    assert_eq!(r.summary.badge, "Upgrade rolled back", "{}", r.summary.verdict);
    assert!(r.summary.verdict.starts_with("Windows setup run failed at"), "one run, not two: {}", r.summary.verdict);
    assert!(r.summary.verdict.contains("0x8007000D-0x2000C") && r.summary.verdict.contains("after 0x80070570 (ERROR_FILE_CORRUPT)"), "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("First: get the installation media again"), "{}", r.summary.verdict);
    // The lines that prove the root are shown, from the phase's own log.
    let st = r.statements.iter().find(|s| s.domain == wulens_core::model::Domain::Setup).expect("the setup statement");
    assert!(st.evidence.iter().any(|e| e.file.ends_with("Panther/setupact.log") && e.text.contains("Operation failed: Apply WIM")), "{:?}", st.evidence);
    assert!(st.evidence.iter().any(|e| e.text.contains("Execution phase [Safe OS] exiting with HRESULT")), "{:?}", st.evidence);
    assert!(st.evidence.iter().take(3).any(|e| e.text.contains("Operation failed: Apply WIM")), "among the first shown: {:?}", st.evidence);
    let runs: Vec<_> = r.operations.items.iter().filter(|o| o.kind == OperationKind::Setup).collect();
    assert!(runs.iter().all(|o| o.outcome == Outcome::Failed), "{runs:?}");
}
