//! Lines a reader can read are read, and what the engine concluded from them line by line still
//! holds: the CBS layout's lines without a timestamp (indented lines of a record, blocks at the
//! start of a line, the imaging engine's traces), a log as a search tool printed it, a log of
//! setup's logging library whose lines name no component, and SetupAPI's device install logs.
//!
//! The inline logs follow the line shapes of real CBS.log, dism.log, setupact.log and
//! setupapi.dev.log files (../shared/reallogs/README.md and more/README.md, evidence/README.md);
//! the names, ids and times are made up.

use wulens_core::model::{OperationKind, Outcome, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

fn analyze(files: &[(&str, &str)]) -> Report {
    let inputs = files.iter().map(|(name, text)| Input { name: (*name).into(), bytes: text.as_bytes().to_vec().into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

fn line(time: &str, level: &str, component: &str, msg: &str) -> String {
    format!("2024-06-24 {time}, {level:<22}{component:<7}{msg}\r\n")
}

/// CheckSUR's summary block after a CBS line with no message: each line of the block is a
/// record of its own (the component-store check reads its result and counts line by line), and
/// its indented lines go on with the line before them, whose value still ends with its line.
#[test]
fn a_store_check_block_reads_line_by_line() {
    let mut cbs = String::new();
    for i in 0..4 {
        cbs += &line("09:52:40", "Info", "CBS", &format!("Repr: Not able to find replacement file for component amd64_microsoft-windows-x_{i}, file x.dll"));
    }
    cbs += &line("09:52:41", "Info", "CBS", "Failed to repair store. [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]");
    cbs += &line("09:52:41", "Info", "CBS", "");
    cbs += "=================================\r\nChecking System Update Readiness.\r\n\r\n";
    cbs += "(p)\tCSI Payload Corrupt\t\t\tamd64_microsoft-windows-x_31bf3856ad364e35_10.0.19041.1_none_0123456789abcdef\\x.dll\r\nRepair failed: Missing replacement payload.\r\n\r\n";
    cbs += "Summary:\r\nOperation: Detect and Repair \r\nOperation result: 0x800f081f\r\nLast Successful Step: Entire operation completes.\r\n";
    cbs += "Total Detected Corruption:\t1\r\n\tCBS Manifest Corruption:\t0\r\n\tCSI Payload Corruption:\t1\r\n";
    cbs += "Total Repaired Corruption:\t0\r\n\tCBS Manifest Repaired:\t0\r\n\tCSI Payload Repaired:\t0\r\n\r\n";
    cbs += "Total Operation Time: 12 seconds.\r\n";
    cbs += &line("09:52:43", "Info", "CBS", "Ending the TrustedInstaller main loop.");
    let r = analyze(&[("CBS.log", &cbs)]);
    assert_eq!((r.files[0].format.as_str(), r.files[0].unparsed), ("cbs", 0));
    let check = r.operations.items.iter().find(|o| o.kind == OperationKind::StoreCheck).expect("a component-store check");
    assert_eq!((check.outcome, check.code.as_deref()), (Outcome::Failed, Some("0x800F081F")));
    assert_eq!(check.start.as_ref().and_then(|e| e.time.as_deref()), Some("2024-06-24T09:52:41.000"), "the block has its record's time");
    let st = r.statements.iter().find(|s| s.text.contains("component-store check")).expect("the servicing statement");
    assert!(st.text.contains("found 1 corruption and repaired 0"), "{}", st.text);
    assert!(r.findings.iter().any(|f| f.id == "cbs_store_corruption" && f.summary.contains("missing replacement payload")), "{:?}", r.findings);
}

/// A record the writer went on over indented lines: a value read after a marker ends with the
/// marker's line.
#[test]
fn a_value_ends_with_its_line() {
    let mut dism = line("10:00:00", "Info", "DISM", "DISM.EXE: <----- Starting Dism.exe session ----->");
    dism += &line("10:00:00", "Info", "DISM", "DISM.EXE: Executing command line: dism.exe /Online /Cleanup-Image /RestoreHealth");
    dism += "                    /Source:wim:D:\\sources\\install.wim:1\r\n                    /LimitAccess\r\n";
    dism += &line("10:05:00", "Info", "DISM", "DISM.EXE: Image session has been closed. Reboot required=no.");
    dism += &line("10:05:00", "Info", "DISM", "DISM.EXE: <----- Ending Dism.exe session ----->");
    let r = analyze(&[("dism.log", &dism)]);
    assert_eq!((r.files[0].format.as_str(), r.files[0].unparsed, r.files[0].entries), ("dism", 0, 4));
    let session = r.operations.items.iter().find(|o| o.kind == OperationKind::Servicing).expect("a DISM session");
    assert_eq!(session.outcome, Outcome::Succeeded);
    assert_eq!(session.label, "dism.exe /Online /Cleanup-Image /RestoreHealth");
}

/// The imaging engine's traces in setupact.log: records of their own, each line's code counted.
#[test]
fn engine_traces_are_read_and_their_codes_counted() {
    let mut act = line("00:28:31", "Info", "SP", "SPWIMCallback: Image apply. Progress: 28");
    for _ in 0..3 {
        act += "[10728.2724] [0x8144012d] \r\n[10728.2724] [0x80070570] ResExtract:(514): The file or directory is corrupted and unreadable.\r\n";
    }
    act += &line("00:28:32", "Error", "SP", "CApplyWIM: Failure while applying image 6. Error 0x80070570");
    let r = analyze(&[("setupact.log", &act)]);
    assert_eq!((r.files[0].format.as_str(), r.files[0].unparsed, r.files[0].entries), ("setup", 0, 8));
    let card = r.errors.iter().find(|e| e.code == "0x80070570").expect("the corrupt-file code");
    assert_eq!(card.count, 4, "once per line that states it");
}

/// findstr's output of a CBS log (`findstr /c:"[SR]" %windir%\Logs\CBS\CbsPersist_*.log`): the
/// file name before every line, the rest read as CBS.log.
#[test]
fn a_findstr_output_of_a_cbs_log_is_read_as_cbs() {
    let prefix = "C:\\Windows\\Logs\\CBS\\CbsPersist_20240624095004.log:";
    let mut out = String::from("Checking the CBS logs for SFC entries\r\n");
    for (i, file) in ["a.dll", "b.dll"].iter().enumerate() {
        out += prefix;
        out += &line(&format!("09:50:0{i}"), "Info", "CSI", &format!("0000000{i} [SR] Cannot repair member file [l:5]'{file}' of Microsoft-Windows-X, version 10.0.19041.1, arch amd64, nonSxS, pkt {{l:8 b:31bf3856ad364e35}} in the store, hash mismatch"));
    }
    out += prefix;
    out += &line("09:50:09", "Info", "CBS", "Failed to repair store. [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]");
    let r = analyze(&[("SFCfromFile.log", &out)]);
    // The line before the first record is the only one no reader can place.
    assert_eq!((r.files[0].format.as_str(), r.files[0].unparsed, r.files[0].entries), ("cbs", 1, 3));
    assert!(r.errors.iter().any(|e| e.code == "0x800F081F"));
    assert!(r.statements.iter().any(|s| s.text.contains("SFC could not repair 2 files")), "{:?}", r.statements);
}

/// Disk Cleanup's setupcln writes through setup's logging library with no component: its
/// setupact.log is setup's (and a cleanup is no failure).
#[test]
fn a_setup_cleanup_log_is_setup() {
    let cln = |time: &str, msg: &str| format!("2020-05-28 {time}, Info                         {msg}\r\n");
    let mut act = cln("12:31:05", "SetupClnLogInitializationInfo - session being initialized for Plugin: Previous Installations");
    act += &cln("12:31:05", "Client Process:C:\\WINDOWS\\system32\\cleanmgr.exe");
    act += &cln("12:31:05", "CSetupFilesCleanup::GetSpaceUsed - Enter");
    act += " \r\n";
    act += &line("12:31:06", "Info", "DISM", "DISM OS Provider: PID=4372 TID=4372 Determined System directory to be C:\\Windows\\System32");
    act += &cln("12:31:07", "CSetupFilesCleanup::GetSpaceUsed - Exit");
    let r = analyze(&[("x.log", &act)]);
    assert_eq!((r.files[0].format.as_str(), r.files[0].unparsed), ("setup", 0));
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
}

/// A SetupAPI log: every section line dated, warnings and errors by their prefix.
#[test]
fn a_setupapi_log_is_read_line_by_line() {
    let dev = concat!(
        "[Device Install Log]\r\n     OS Version = 10.0.19041\r\n     Architecture = amd64\r\n\r\n[BeginLog]\r\n\r\n",
        "[Boot Session: 2022/08/11 22:29:21.389]\r\n\r\n",
        ">>>  [Device Install (Hardware initiated) - PCI\\VEN_8086&DEV_0001\\3&11111111&0&00]\r\n",
        ">>>  Section start 2022/09/14 21:28:18.119\r\n",
        "     dvi: {Build Driver List} 21:28:18.120\r\n",
        "!    inf: Replaced legacy pattern in section 'X_ServiceInstall'. Code = 2086, Line = 42\r\n",
        "!!!  dvi: Device not started: Device has problem: 0x0a (CM_PROB_FAILED_START), problem status: 0xc0000001.\r\n",
        "<<<  Section end 2022/09/14 21:28:19.000\r\n",
        "<<<  [Exit status: FAILURE(0xe0000219)]\r\n\r\n",
    );
    let r = analyze(&[("setupapi.dev.log", dev)]);
    let f = &r.files[0];
    assert_eq!((f.format.as_str(), f.unparsed, f.error_entries, f.warning_entries), ("setupapi", 0, 2, 1));
    assert_eq!(f.first_time.as_deref().map(|t| &t[..19]), Some("2022-08-11T22:29:21"));
}
