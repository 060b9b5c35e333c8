//! Windows setup and sysprep runs (`setupact.log` / `setuperr.log`): read as their own format and
//! concluded like any other operation, with the code they end with, the lines that prove it and
//! the knowledge base's guidance for that code.
//!
//! The sysprep lines follow the shape sysprep writes when a Store (Appx) package installed for
//! one user is not provisioned for all users and generalize stops (Microsoft Learn, "Sysprep
//! fails after you remove or update Microsoft Store apps that include built-in Windows images");
//! the names and times are made up.

use wulens_core::model::{OperationKind, Outcome, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

fn analyze(files: &[(&str, &str)]) -> Report {
    let inputs = files.iter().map(|(name, text)| Input { name: (*name).into(), bytes: text.as_bytes().to_vec().into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

const PACKAGE: &str = "Microsoft.BingWeather_4.53.51922.0_x64__8wekyb3d8bbwe";

/// One generalize attempt as setuperr.log holds it (errors only).
fn attempt(minute: u32) -> String {
    let t = format!("2024-02-12 09:{minute:02}:31");
    [
        format!("{t}, Error                 SYSPRP Package {PACKAGE} was installed for a user, but not provisioned for all users. This package will not function properly in the sysprep image."),
        format!("{t}, Error                 SYSPRP Failed to remove apps for the current user: 0x80073cf2."),
        format!("{t}, Error                 SYSPRP Exit code of RemoveAllApps thread was 0x3cf2."),
        format!("{t}, Error      [0x0f0082] SYSPRP ActionPlatform::LaunchModule: Failure occurred while executing 'SysprepGeneralizeValidate' from C:\\Windows\\System32\\AppxSysprep.dll; dwRet = 0x3cf2"),
        format!("{t}, Error                 SYSPRP SysprepSession::Validate: Error in validating actions from C:\\Windows\\System32\\Sysprep\\ActionFiles\\Generalize.xml; dwRet = 0x3cf2"),
        format!("{t}, Error                 SYSPRP RunPlatformActions:Failed while validating Sysprep session actions; dwRet = 0x3cf2"),
        format!("{t}, Error      [0x0f0070] SYSPRP RunExternalDlls:An error occurred while running registry sysprep DLLs, halting sysprep execution. dwRet = 0x3cf2"),
        format!("{t}, Error      [0x0f00d8] SYSPRP WinMain:Hit failure while pre-validate sysprep generalize internal providers; hr = 0x80073cf2"),
    ]
    .join("\r\n")
        + "\r\n"
}

/// The same attempt in setupact.log, between its informational lines.
fn setupact() -> String {
    let mut s = String::from("\u{feff}2024-02-12 09:14:02, Info                  SYSPRP ========================================================\r\n");
    s += "2024-02-12 09:14:02, Info                  SYSPRP ===          Beginning of a new sysprep run              ===\r\n";
    s += "2024-02-12 09:14:02, Info       [0x0f004d] SYSPRP WinMain:Processing 'cleanup' internal provider\r\n";
    s += "2024-02-12 09:14:03, Info                  SYSPRP Sysprep_Clean_Validate_Opk: There are no OPK updates to validate\r\n";
    s += &attempt(14);
    s
}

fn sysprep_failed(r: &Report, what: &str) {
    assert_eq!(r.files[0].format, "setup", "{what}: read as a setup log, not {:?}", r.files[0].format_label);
    assert_ne!(r.files[0].format_label, "CBS.log");
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{what}: {}", r.summary.verdict);
    assert!(r.summary.verdict.contains("0x80073CF2"), "{what}: {}", r.summary.verdict);
    assert!(!r.summary.verdict.to_lowercase().contains("no failure"), "{what}: {}", r.summary.verdict);
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::Setup).expect("a setup run");
    assert_eq!(op.outcome, Outcome::Failed, "{what}");
    assert_eq!(op.code.as_deref(), Some("0x80073CF2"), "{what}");
    assert!(op.label.contains(PACKAGE), "{what}: the package is named: {:?}", op.label);
    assert!(op.evidence.iter().any(|e| e.text.contains("halting sysprep execution")), "{what}: {:?}", op.evidence);
    assert!(op.evidence.iter().any(|e| e.text.contains(PACKAGE)), "{what}: the package line is evidence");
    let s = r.statements.iter().find(|s| s.text.contains("0x80073CF2")).expect("a statement with the code");
    assert!(!s.evidence.is_empty());
    // The knowledge base explains the code and says what to do.
    let card = r.errors.iter().find(|e| e.code == "0x80073CF2").expect("an error card");
    let kb = card.kb.as_ref().expect("a knowledge-base entry");
    assert!(!kb.description.is_empty() && !kb.mitigation.is_empty(), "{what}: guidance for 0x80073CF2");
    assert!(kb.description.to_lowercase().contains("provision") || kb.causes.iter().any(|c| c.to_lowercase().contains("provision")));
    // The first screen names the app, and the steps carry its name instead of a placeholder.
    assert!(
        r.summary.verdict.contains("the app Microsoft.BingWeather was installed for a user but not provisioned for all users"),
        "{what}: {}",
        r.summary.verdict
    );
    let commands: Vec<&str> = r.next_checks.iter().filter_map(|c| c.command.as_deref()).collect();
    assert!(commands.iter().any(|c| c.contains("Get-AppxPackage -AllUsers -Name 'Microsoft.BingWeather'")), "{what}: {commands:?}");
    assert!(commands.iter().all(|c| !c.contains("<package")), "{what}: {commands:?}");
}

#[test]
fn a_sysprep_failure_is_a_failed_setup_run_with_its_code_and_package() {
    // setuperr.log after five attempts, as an admin retries.
    let err: String = (10..15).map(attempt).collect();
    sysprep_failed(&analyze(&[("setuperr.log", &err)]), "setuperr.log");
    sysprep_failed(&analyze(&[("setupact.log", &setupact())]), "setupact.log");
    // Renamed, the content still says what it is.
    sysprep_failed(&analyze(&[("sysprep-case-1234.txt", &err)]), "renamed");
}

/// Setup's own result lines decide, not lines that merely look alike: a diagnostic step after
/// the run (`CSetupHost::ExecuteDiagnosticAnalysis`) is not the run's result, and a downlevel
/// phase that hands over to a restart (0x800705BB, ERROR_RESTART_APPLICATION) has not failed.
#[test]
fn only_setups_result_lines_decide() {
    let diag = "2021-05-18 03:12:23, Error                 SP     Failed to merge telemetry file: . hr = 0X80070057\r\n\
                2021-05-18 05:12:58, Error                 MOUPG  CSetupHost::ExecuteDiagnosticAnalysis(1567): Result = 0x80131502\r\n";
    let r = analyze(&[("setuperr.log", diag)]);
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::Setup);
    assert!(op.is_none_or(|o| o.outcome != Outcome::Failed), "{}", r.summary.verdict);
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);

    let restart = "2021-05-18 04:20:20, Error                 MOUPG  CSetupManager::ExecuteInstallMode(840): Result = 0x800705BB\r\n\
                   2021-05-18 04:20:21, Error                 MOUPG  CSetupManager::Execute(295): Result = 0x800705BB\r\n\
                   2021-05-18 04:20:21, Error                 MOUPG  CSetupHost::Execute(433): Result = 0x800705BB\r\n";
    let r = analyze(&[("setuperr.log", restart)]);
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);

    // A real failure still fails.
    let failed = "2024-03-28 11:55:48, Error                 MOUPG  CSetupHost::Execute(433): Result = 0x80070070\r\n";
    let r = analyze(&[("setuperr.log", failed)]);
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
}

/// A root never comes from lines after the failure: a later run's own errors (a firmware export
/// that fails with STATUS_INVALID_PARAMETER, with no sysprep halt) are not the cause of the
/// attempts before it.
#[test]
fn a_later_runs_errors_are_not_the_root_of_an_earlier_sysprep_failure() {
    let mut err: String = (10..13).map(attempt).collect();
    for msg in
        ["BCD: BiUpdateEfiEntry failed c000000d", "BCD: BiExportBcdObjects failed c000000d", "BCD: Failed to export alterations to firmware. Status: c000000d"]
    {
        err += &format!("2024-02-12 10:30:17, Error                 TOOL   {msg}\r\n");
    }
    let r = analyze(&[("setuperr.log", &err)]);
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::Setup).expect("a setup run");
    assert_eq!(op.code.as_deref(), Some("0x80073CF2"));
    assert_ne!(op.root.as_deref(), Some("0xC000000D"), "{op:?}");
    assert!(!r.summary.verdict.contains("0xC000000D"), "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("0x80073CF2"), "{}", r.summary.verdict);
}

/// A whole log's run failed when its decisive line says so, not when the file ends: what setup
/// writes after it (its cleanup, a later tool's lines) is no part of when it failed.
#[test]
fn a_failed_run_failed_at_its_decisive_line_not_at_the_end_of_the_file() {
    let mut act = String::new();
    act += "2022-07-06 08:18:24, Info                  MOUPG  Setup phase change: [SetupPhaseInstall] -> [SetupPhaseError]\r\n";
    act += "2022-07-06 08:19:31, Info                  MOUPG  Finalize: Remapping install error [0x80070032] -> [0xC1900108] for telemetry.\r\n";
    act += "2022-07-06 08:23:12, Info                  MOUPG  SetupHost: Cleanup finished\r\n";
    let r = analyze(&[("setupact.log", &act)]);
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::Setup).expect("a setup run");
    assert_eq!(op.outcome, Outcome::Failed);
    assert!(r.summary.verdict.contains("08:19"), "{}", r.summary.verdict);
    assert!(!r.summary.verdict.contains("08:23"), "{}", r.summary.verdict);
}

fn setup_runs(r: &Report) -> Vec<&wulens_core::report::OperationReport> {
    r.operations.items.iter().filter(|o| o.kind == OperationKind::Setup).collect()
}

/// A setuperr.log of five generalize attempts is five sysprep runs, each failed with its own
/// lines; the latest says the machine is failing now, since the first.
#[test]
fn each_sysprep_attempt_in_one_log_is_a_run_of_its_own() {
    let err: String = (10..15).map(attempt).collect();
    let r = analyze(&[("setuperr.log", &err)]);
    let runs = setup_runs(&r);
    assert_eq!(runs.len(), 5, "{:?}", runs.iter().map(|o| (&o.outcome, &o.code)).collect::<Vec<_>>());
    assert!(runs.iter().all(|o| o.outcome == Outcome::Failed && o.code.as_deref() == Some("0x80073CF2")));
    // Each run's evidence is its own attempt's lines.
    for (o, minute) in runs.iter().zip(10..) {
        let t = format!("09:{minute:02}:31");
        assert!(o.evidence.iter().all(|e| e.time.as_deref().is_some_and(|x| x.contains(&t))), "{t}: {:?}", o.evidence);
    }
    assert_eq!(r.summary.status, VerdictStatus::Failed);
    let st = r.statements.iter().find(|s| s.text.contains("0x80073CF2")).expect("the setup statement");
    assert!(st.text.contains("last of 5 runs") && st.text.contains("5 failed"), "{}", st.text);
}

/// The latest run decides: sysprep failed twice, then ran again and logged no error; the log
/// does not say the machine is failing now: the two failures are earlier ones (a failure all
/// the same, as servicing's earlier failures are).
#[test]
fn the_latest_sysprep_run_decides_whether_it_is_failing_now() {
    let begin = |t: &str| {
        format!("2024-02-12 {t}, Info                  SYSPRP ========================================================\r\n2024-02-12 {t}, Info                  SYSPRP ===          Beginning of a new sysprep run              ===\r\n")
    };
    let mut act = begin("09:14:02") + &attempt(14);
    act += &(begin("09:20:02") + &attempt(20));
    act += &begin("09:40:02");
    act += "2024-02-12 09:40:03, Info       [0x0f004d] SYSPRP WinMain:Processing 'cleanup' internal provider\r\n";
    act += "2024-02-12 09:40:04, Info                  SYSPRP Sysprep_Clean_Validate_Opk: There are no OPK updates to validate\r\n";
    let r = analyze(&[("setupact.log", &act)]);
    let runs = setup_runs(&r);
    assert_eq!(runs.len(), 3, "{:?}", runs.iter().map(|o| (&o.outcome, &o.code)).collect::<Vec<_>>());
    assert_eq!(runs.iter().filter(|o| o.outcome == Outcome::Failed).count(), 2);
    assert_eq!(r.summary.badge, "Failed earlier", "{}", r.summary.verdict);
    assert!(!r.summary.verdict.contains("failing now"), "{}", r.summary.verdict);
    let st = r.statements.iter().find(|s| s.domain == wulens_core::model::Domain::Setup).expect("the setup statement");
    assert!(st.text.contains("last of 3 runs") && st.text.contains("2 failed"), "{}", st.text);
    assert!(st.text.contains("logged no error"), "the latest run's own errors, not the log's: {}", st.text);
}
