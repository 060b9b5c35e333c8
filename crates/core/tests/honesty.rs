//! The first screen says what is known and no more: a setup run whose result is not in the
//! logs is not "no failure"; a rollback still running is said; a cause is a cause, not the shape
//! of the evidence; advice names the server the logs name; inputs with nothing to read are said
//! on the first screen. Synthetic logs pin each case; the real logs of ../shared/reallogs (read
//! where they are, never copied) are cut or combined here where a case needs it. These tests
//! need that folder: without it they fail, they never pass by checking nothing.

use std::path::PathBuf;

use wulens_core::model::VerdictStatus;
use wulens_core::{Analysis, Input, Limits, Report};

fn reallogs() -> PathBuf {
    wulens_testdata::real_logs()
}

fn report_of(inputs: Vec<(&str, Vec<u8>)>) -> Report {
    let inputs = inputs.into_iter().map(|(name, bytes)| Input { name: name.to_string(), bytes: bytes.into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

fn real(path: &str) -> Vec<u8> {
    std::fs::read(reallogs().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The first `n` lines of a real log, as if it had been copied while setup still wrote it.
fn first_lines(path: &str, n: usize) -> Vec<u8> {
    let bytes = real(path);
    let cut = bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(n - 1).map_or(bytes.len(), |(i, _)| i + 1);
    bytes[..cut].to_vec()
}

#[test]
fn real_logs_a_setuperr_log_alone_is_no_reassurance() {
    // evidence/70: the rollback's setuperr.log, 5 Error lines; setup's result (0xC1900101) is
    // only in the setupact.log beside it (evidence/README.md).
    let r = report_of(vec![("setuperr.log", real("evidence/70_setuperr.log"))]);
    assert_ne!(r.summary.badge, "No failure found", "{}", r.summary.verdict);
    assert_eq!(r.summary.badge, "Result not in these logs");
    assert!(!r.summary.verdict.contains("No failure"), "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("5 error lines") && r.summary.verdict.contains("setupact.log"), "{}", r.summary.verdict);
    assert_eq!(r.collect_next.first().map(|c| c.artifact.as_str()), Some("setup_logs"), "the setupact.log is what to collect first");
    // With its setupact.log beside it, the result is known and the hint goes.
    let both = report_of(vec![("setuperr.log", real("evidence/70_setuperr.log")), ("setupact.log", real("evidence/69_setupact.log"))]);
    assert_eq!(both.summary.status, VerdictStatus::Failed, "{}", both.summary.verdict);
    assert!(!both.collect_next.iter().any(|c| c.artifact == "setup_logs"));
}

#[test]
fn real_logs_a_reset_of_the_pc_is_not_called_an_upgrade() {
    // evidence/75: a WinRE "Reset this PC" setuperr.log, not from an update.
    let r = report_of(vec![("setuperr.log", real("evidence/75_setuperr.log"))]);
    assert!(r.summary.verdict.contains("Reset this PC"), "{}", r.summary.verdict);
    assert!(!r.summary.verdict.contains("upgrade failed") && r.summary.status != VerdictStatus::Failed, "{}", r.summary.verdict);
    assert_ne!(r.summary.badge, "No failure found");
}

#[test]
fn real_logs_a_rollback_still_running_is_said_with_its_phase_and_line() {
    // evidence/69 cut inside its phase 1 (opened at line 5248, closed at 5547), before setup
    // reports its result (line 5377): the upgrade is being undone when the log ends.
    let r = report_of(vec![("setupact.log", first_lines("evidence/69_setupact.log", 5300))]);
    assert_eq!(r.summary.badge, "Rolling back", "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("rollback phase 1") && r.summary.verdict.contains("still running"), "{}", r.summary.verdict);
    let st = r.statements.iter().find(|s| s.domain == wulens_core::model::Domain::Setup).expect("a setup statement");
    assert!(st.evidence.iter().any(|e| e.line == 5248), "the rollback's opening line proves it: {:?}", st.evidence);
    // Cut after phase 0 closed (line 5245) and before phase 1: the upgrade failed and was
    // rolled back, its cause not in these lines.
    let done = report_of(vec![("setupact.log", first_lines("evidence/69_setupact.log", 5247))]);
    assert_eq!(done.summary.status, VerdictStatus::Failed, "{}", done.summary.verdict);
    assert_eq!(done.summary.badge, "Upgrade rolled back");
    assert!(done.summary.verdict.contains("not in these logs"), "{}", done.summary.verdict);
    // The whole log: setup's own result leads, as before.
    let whole = report_of(vec![("setupact.log", real("evidence/69_setupact.log"))]);
    assert!(whole.summary.verdict.contains("0xC1900101-0x30018"), "{}", whole.summary.verdict);
}

const SESSIONLESS_CBS: &str = "\
2024-06-24 09:50:01, Info                  CBS    Exec: Processing started.
2024-06-24 09:52:40, Error                 CSI    00000001 (F) STATUS_SXS_COMPONENT_STORE_CORRUPT #2841 [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
2024-06-24 09:52:41, Error                 CBS    Failed to resolve package 'Package_for_RollupFix~31bf3856ad364e35~amd64~~22621.3737.1.7' [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
2024-06-24 09:52:42, Error                 CBS    Failed to find a source for the payload [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]
2024-06-24 09:52:43, Info                  CBS    Ending the TrustedInstaller main loop.
";

#[test]
fn a_likely_cause_is_a_cause_not_the_shape_of_the_evidence() {
    let r = report_of(vec![("CBS.log", SESSIONLESS_CBS.as_bytes().to_vec())]);
    assert_eq!(r.summary.status, VerdictStatus::Failed);
    assert!(r.findings.iter().any(|f| f.id == "servicing_error_lines"), "the finding stands: {:?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>());
    for text in [&r.summary.verdict, &r.summary.detail] {
        let cause = text.split_once("ikely cause: ").map(|(_, c)| c).unwrap_or_else(|| panic!("no likely cause in {text}"));
        assert!(!cause.to_lowercase().contains("no session around"), "{cause}");
        assert!(cause.contains("store is corrupted") && cause.contains("0x800F0831"), "{cause}");
        assert!(cause.contains("0x800F081F"), "{cause}");
    }
}

#[test]
fn advice_names_the_server_the_searches_talked_to() {
    // The agent's log alone (no WUAHandler.log, no policy): its searches name the WSUS server.
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/config-none-given/logs/WindowsUpdate.log");
    let r = report_of(vec![("WindowsUpdate.log", std::fs::read(fixtures).expect("fixture"))]);
    let all: Vec<String> = r.next_checks.iter().flat_map(|c| [c.text.clone(), c.command.clone().unwrap_or_default()]).collect();
    assert!(all.iter().any(|t| t.to_lowercase().contains("ps1site.contoso.com")), "{all:#?}");
    assert!(!all.iter().any(|t| t.contains("<your WSUS server")), "{all:#?}");
}

const PLACEHOLDER: &str = "Windows Update logs are now generated using ETW (Event Tracing for Windows).\r\nPlease run the Windows PowerShell cmdlet Get-WindowsUpdateLog to convert ETW traces into a readable WindowsUpdate.log.\r\n\r\nFor more information, please visit https://go.microsoft.com/fwlink/?LinkId=518345\r\n";

#[test]
fn real_logs_inputs_with_nothing_to_read_are_said_on_the_first_screen() {
    let r = report_of(vec![("WindowsUpdate.log", PLACEHOLDER.as_bytes().to_vec())]);
    assert_eq!(r.summary.status, VerdictStatus::NoScan);
    assert!(r.summary.verdict.contains("placeholder") && r.summary.verdict.contains("Get-WindowsUpdateLog"), "{}", r.summary.verdict);
    // evidence/67: a valid event log with no record.
    let name = "67_Microsoft-Windows-WindowsUpdateClient%4Operational.evtx";
    let r = report_of(vec![(name, real(&format!("evidence/{name}")))]);
    assert!(r.summary.verdict.contains("holds no events"), "{}", r.summary.verdict);
    // A file that is no log, beside one that is.
    let r = report_of(vec![
        ("photo.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0, 1, 0, 0, 0, 0]),
        ("WindowsUpdate.log", PLACEHOLDER.as_bytes().to_vec()),
    ]);
    assert!(r.summary.verdict.contains("photo.jpg is not a log"), "{}", r.summary.verdict);
}

#[test]
fn real_logs_a_device_install_log_cut_inside_an_install_says_so() {
    // evidence/72: the rollback's setupapi.dev.log ends inside a device install, then binary
    // garbage (the machine died during device installation).
    let r = report_of(vec![("setupapi.dev.log", real("evidence/72_setupapi.dev.log"))]);
    assert!(r.summary.verdict.contains("ends inside the install of device"), "{}", r.summary.verdict);
    assert!(
        r.next_checks.iter().all(|c| !c.text.contains("DISM") && !c.command.as_deref().unwrap_or("").contains("DISM")),
        "no servicing advice for a device install log"
    );
}

/// One DISM session: its command line, and its end (failed with `hr` or succeeded).
fn dism_session(at: &str, command: &str, hr: Option<&str>) -> String {
    let mut s = format!(
        "{at}, Info                  DISM   PID=2424 TID=3456 Scratch directory set to 'C:\\Windows\\TEMP\\'. - CDISMManager::put_ScratchDir\n\
         {at}, Info                  DISM   PID=2424 TID=3456 <----- Starting Dism.exe session -----> - CDISMManager::FinalConstruct\n\
         {at}, Info                  DISM   DISM.EXE: Executing command line: {command}\n"
    );
    match hr {
        Some(hr) => s.push_str(&format!("{at}, Error                 DISM   DISM.EXE: Failed while processing command enable-feature. HRESULT={hr}\n")),
        None => s.push_str(&format!("{at}, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.\n")),
    }
    s.push_str(&format!("{at}, Info                  DISM   PID=2424 TID=3456 <----- Ending Dism.exe session -----> - CDISMManager::Cleanup\n"));
    s
}

#[test]
fn a_feature_that_fails_on_every_try_is_failing_now_whatever_else_succeeds() {
    // Enabling .NET 3.5 fails on each of three tries; health checks between and after them
    // succeed, so the latest servicing session of the log succeeded.
    let enable = "Dism.exe /Online /Enable-Feature /FeatureName:NetFx3 /All /LimitAccess /Source:D:\\sources\\sxs";
    let check = "Dism.exe /Online /Cleanup-Image /CheckHealth";
    let mut log = String::new();
    for (i, hour) in ["09", "10", "11"].iter().enumerate() {
        log.push_str(&dism_session(&format!("2024-06-24 {hour}:00:0{i}"), enable, Some("800F081F")));
        log.push_str(&dism_session(&format!("2024-06-24 {hour}:30:0{i}"), check, None));
    }
    let r = report_of(vec![("dism.log", log.into_bytes())]);
    let row = r.ledger.iter().find(|row| row.title == "NetFx3").unwrap_or_else(|| panic!("no NetFx3 row: {:#?}", r.ledger));
    assert_eq!(row.state, wulens_core::model::LedgerState::Failing);
    assert_eq!(row.code.as_deref(), Some("0x800F081F"));
    assert_eq!(row.steps.iter().filter(|s| s.event.is_failure()).count(), 3, "each try is a step");
    assert!(row.steps.iter().all(|s| s.evidence.file == "dism.log" && s.evidence.line > 0), "every step names its line");
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("NetFx3") && r.summary.verdict.contains("is failing"), "{}", r.summary.verdict);
    // Succeeding on the last try, it is done and the log no longer fails now.
    let mut fixed = String::new();
    fixed.push_str(&dism_session("2024-06-24 09:00:00", enable, Some("800F081F")));
    fixed.push_str(&dism_session("2024-06-24 10:00:00", enable, None));
    let r = report_of(vec![("dism.log", fixed.into_bytes())]);
    let row = r.ledger.iter().find(|row| row.title == "NetFx3").expect("a NetFx3 row");
    assert_eq!(row.state, wulens_core::model::LedgerState::Done);
    assert_eq!(r.summary.badge, "Failed earlier", "{}", r.summary.verdict);
    assert!(!r.summary.verdict.contains("is failing"), "{}", r.summary.verdict);
}
