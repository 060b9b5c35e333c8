//! Synthetic logs for each variant met in real logs (see ../shared/reallogs): date styles, an
//! operation cut off by the end of its log, a Group Policy override that stops step 1, a failed
//! client installation, routine servicing lines, a client of Microsoft Update. Lines are our own,
//! written after the real ones' shapes.

use wulens_core::model::{Domain, FindingSeverity, OperationKind, Outcome, Standing, StepStatus, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

fn report(files: &[(&str, String)]) -> Report {
    let inputs = files.iter().map(|(n, t)| Input { name: n.to_string(), bytes: t.as_bytes().into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

fn cm(msg: &str, time: &str, component: &str, typ: u8, thread: u32) -> String {
    format!("<![LOG[{msg}]LOG]!><time=\"{time}.000+420\" date=\"06-18-2024\" component=\"{component}\" context=\"\" type=\"{typ}\" thread=\"{thread}\" file=\"x.cpp:1\">\r\n")
}

/// A Get-WindowsUpdateLog line; `sep` is the date separator ('/' or '-').
fn wu(sep: char, time: &str, tid: u32, comp: &str, msg: &str) -> String {
    format!("2024{sep}06{sep}18 {time}.1234567 1104  {tid:<5} {comp:<15} {msg}\r\n")
}

fn search(sep: char, start: &str, end: &str, tid: u32, caller: &str, id: u32, exit: &str) -> String {
    wu(sep, start, tid, "Agent", &format!("* START * Finding updates CallerId = {caller}  Id = {id}"))
        + &wu(sep, start, tid, "Agent", "Online = Yes; Interactive = No; AllowCachedResults = No; Ignore download priority = No")
        + &wu(sep, start, tid, "Agent", "ServiceID = {9482F4B4-E343-43B6-B170-9A65BC822C77} Windows Update")
        + &wu(sep, end, tid, "Agent", &format!("* END * Finding updates CallerId = {caller}, Id = {id}, Exit code = {exit}"))
}

#[test]
fn dash_dated_get_windowsupdatelog_text_is_read_and_its_failed_search_told() {
    let mut log = wu('-', "10:00:00", 7, "Shared", "* START * Service startup");
    log += &wu('-', "10:00:01", 7, "Agent", "WSUS server: (null)");
    log += &search('-', "10:00:02", "10:00:05", 9, "Update;ScanForUpdates", 1, "0x00000000");
    log += &wu('-', "10:01:00", 11, "Agent", "* START * Finding updates CallerId = Device Driver Retrieval Client  Id = 2");
    log += &wu('-', "10:01:05", 11, "Misc", "*FAILED* [80072EE7] Send request");
    log += &wu('-', "10:01:06", 11, "Misc", "*FAILED* [8024402C] WinHttp: SendRequestToServerForFileInformation (retrying with default proxy)");
    log += &wu('-', "10:01:09", 11, "Agent", "* END * Finding updates CallerId = Device Driver Retrieval Client, Id = 2, Exit code = 0x8024402C");
    log += &search('-', "10:05:00", "10:05:04", 13, "Windows Defender", 3, "0x00240010");
    let r = report(&[("WindowsUpdate.log", log)]);
    assert_eq!(r.files[0].format, "windowsupdate_etw");
    assert_eq!(r.files[0].unparsed, 0);
    assert_eq!(r.summary.status, VerdictStatus::Failed);
    let v = &r.summary.detail;
    assert!(v.contains("3 searches") && v.contains("0x8024402C") && v.contains("Device Driver Retrieval Client"), "{v}");
    assert!(v.contains("0x80072EE7"), "the root before it: {v}");
    let defender = r.operations.items.iter().find(|o| o.caller == "Windows Defender").unwrap();
    assert_eq!(defender.outcome, Outcome::Succeeded, "0x00240010 is a success code (WU_S_SEARCH_CRITERIA_NOT_SUPPORTED)");
    // Windows Update, not WSUS: no WSUS checks.
    assert_eq!(r.update_source, wulens_core::model::UpdateSource::Public);
    assert!(r.findings.iter().any(|f| f.id == "internet_path_error"), "{:?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>());
    let checks: String = r.next_checks.iter().map(|c| format!("{} {}", c.text, c.command.as_deref().unwrap_or(""))).collect();
    assert!(!checks.contains("SUPSERVER") && !checks.contains("8530") && !checks.contains("WSUS server"), "{checks}");
}

/// ConfigMgr logs of a client whose latest scan is still in step 3 when WindowsUpdate.log was
/// collected: earlier scans all ended 0x00000000.
fn cut_off(later: Option<&str>) -> Vec<(&'static str, String)> {
    let mut wuah = String::new();
    let mut wulog = String::new();
    for (i, (h, h2)) in [("08", "08"), ("09", "09"), ("10", "10")].iter().enumerate() {
        let last = i == 2;
        wuah += &cm("Its a WSUS Update Source type ({9BA77E27-86B5-4B1B-BE8D-D6A37817516F}), adding it.", &format!("{h}:00:00"), "WUAHandler", 1, 4);
        wuah += &cm(
            "Existing WUA Managed server was already set (http://PS1SITE.CONTOSO.COM:8530), skipping Group Policy registration.",
            &format!("{h}:00:01"),
            "WUAHandler",
            1,
            4,
        );
        wuah += &cm("Added Update Source ({9BA77E27-86B5-4B1B-BE8D-D6A37817516F}) of content type: 2", &format!("{h}:00:02"), "WUAHandler", 1, 4);
        wuah += &cm("Search Criteria is (DeploymentAction=* AND Type='Software')", &format!("{h}:00:03"), "WUAHandler", 1, 4);
        wuah += &cm("Async searching of updates using WUAgent started.", &format!("{h}:00:04"), "WUAHandler", 1, 4);
        wulog += &wu('/', &format!("{h2}:00:05"), 20 + i as u32, "Agent", &format!("* START * Finding updates CallerId = CcmExec  Id = {i}"));
        wulog += &wu('/', &format!("{h2}:00:05"), 20 + i as u32, "Agent", "ServiceID = {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed");
        if !last {
            wulog += &wu(
                '/',
                &format!("{h2}:02:00"),
                20 + i as u32,
                "Agent",
                &format!("* END * Finding updates CallerId = CcmExec, Id = {i}, Exit code = 0x00000000"),
            );
            wuah += &cm("Async searching completed.", &format!("{h}:02:01"), "WUAHandler", 1, 4);
            wuah += &cm("Successfully completed scan.", &format!("{h}:02:02"), "WUAHandler", 1, 4);
        } else {
            wulog += &wu('/', "10:00:30", 22, "Agent", "Adding update {2E6B3A41-5A7C-45B5-8A2D-4BA4E0E8CB1E}.201 to search result");
        }
    }
    // An unrelated download error of the day before, which must not become the "cause".
    wulog = wu('/', "07:00:00", 5, "DownloadManager", "*FAILED* [80246008] Error occurred while downloading update") + &wulog;
    if let Some(t) = later {
        wulog += &wu('/', t, 5, "Agent", "Adding timer: ");
    }
    vec![("WUAHandler.log", wuah), ("WindowsUpdate.log", wulog)]
}

#[test]
fn a_scan_cut_off_by_the_end_of_the_log_is_still_running_not_failed() {
    let r = report(&cut_off(None));
    let s3 = r.scan_flow.step(3).unwrap();
    assert_eq!(s3.status, StepStatus::Running, "{}", s3.reason);
    assert_eq!(r.scan_flow.failed_step, None);
    assert_eq!(r.summary.status, VerdictStatus::Incomplete);
    let v = &r.summary.detail;
    assert!(v.contains("still running when the logs end"), "{v}");
    assert!(!v.contains("failed at") && !v.contains("Likely cause") && !v.contains("0x80246008"), "{v}");
    assert!(v.contains("the 2 earlier ones completed"), "{v}");
    let op = r.operations.items.iter().find(|o| o.caller == "CcmExec" && o.outcome == Outcome::Running);
    assert!(op.is_some(), "the agent's search is still running too");
}

#[test]
fn a_step_that_started_while_the_log_goes_on_for_hours_did_fail() {
    let r = report(&cut_off(Some("13:00:00")));
    let s3 = r.scan_flow.step(3).unwrap();
    assert_eq!(s3.status, StepStatus::Failed, "{}", s3.reason);
    assert!(s3.reason.contains("no result"), "{}", s3.reason);
}

#[test]
fn a_group_policy_override_that_stops_the_update_source_is_step_1_with_its_guidance() {
    let mut wuah = cm("Its a WSUS Update Source type ({9BA77E27-86B5-4B1B-BE8D-D6A37817516F}), adding it.", "09:00:00", "WUAHandler", 1, 4);
    wuah += &cm("Enabling WUA Managed server policy to use server: http://PS1SITE.CONTOSO.COM:8530", "09:00:01", "WUAHandler", 1, 4);
    wuah += &cm("Waiting for 2 mins for Group Policy to notify of WUA policy change...", "09:00:02", "WUAHandler", 1, 4);
    wuah += &cm(
        "Group policy settings were overwritten by a higher authority (Domain Controller) to: Server http://OLDWSUS.CONTOSO.COM:8530 and Policy ENABLED",
        "09:02:02",
        "WUAHandler",
        2,
        4,
    );
    wuah += &cm(
        "Failed to Add Update Source for WUAgent of type (2) and id ({9BA77E27-86B5-4B1B-BE8D-D6A37817516F}). Error = 0x87d00692.",
        "09:02:03",
        "WUAHandler",
        3,
        4,
    );
    let r = report(&[("WUAHandler.log", wuah)]);
    assert_eq!(r.scan_flow.failed_step, Some(1), "{:?}", r.scan_flow.steps.iter().map(|s| (s.number, s.status, &s.reason)).collect::<Vec<_>>());
    let step1 = r.scan_flow.step(1).unwrap();
    assert!(step1.guidance.iter().any(|g| g.text.contains("Group Policy")), "step 1's guidance names the override");
    assert!(step1.sources.iter().any(|s| s.section == "Troubleshoot issues in step 1"));
    assert!(r.summary.detail.contains("step 1"), "{}", r.summary.detail);
    assert!(!r.next_checks.iter().any(|c| c.text.contains("SoftwareDistribution")), "not step 2's reset of the data store");
    assert!(r.findings.iter().any(|f| f.id == "gpo_override" && f.severity == FindingSeverity::Error));
}

#[test]
fn a_failed_client_installation_leads_the_verdict_with_its_cause() {
    let mut log = cm("==========[ ccmsetup started in process 4232 ]==========", "11:00:00", "ccmsetup", 1, 9);
    log += &cm("Ccmsetup command line: \"C:\\WINDOWS\\ccmsetup\\ccmsetup.exe\" /mp:https://MP.CONTOSO.COM", "11:00:01", "ccmsetup", 1, 9);
    log += &cm("Failed to successfully complete HTTP request. (StatusCode at WinHttpQueryHeaders: 404)", "11:00:05", "ccmsetup", 3, 9);
    log += &cm("Failed to download 'https://MP.CONTOSO.COM/CCM_Client/ccmsetup.cab' (0x80190194)", "11:00:05", "ccmsetup", 3, 9);
    log += &cm("CcmSetup failed with error code 0x80190194", "11:00:06", "ccmsetup", 3, 9);
    log += &cm("CcmSetup is exiting with return code 1", "11:00:06", "ccmsetup", 1, 9);
    let r = report(&[("ccmsetup.log", log)]);
    assert_eq!(r.summary.status, VerdictStatus::Failed);
    let st = &r.statements[0];
    assert_eq!((st.domain, st.standing), (Domain::ClientInstall, Standing::Failed));
    assert!(st.text.contains("0x80190194"), "{}", st.text);
    assert!(st.evidence.iter().any(|e| e.text.contains("404")), "the failing download is quoted");
    // The verdict says the installation failed, not a generic most-frequent code.
    assert!(r.summary.detail.starts_with("The ConfigMgr client installation failed"), "{}", r.summary.detail);
}

#[test]
fn client_msi_return_code_1603_is_a_failed_installation() {
    let log = "MSI (s) (B4:BC) [10:05:30:100]: Note: 1: 1708\r\nMSI (s) (B4:BC) [10:05:30:101]: Product: Configuration Manager Client -- Installation operation failed.\r\nMSI (s) (B4:BC) [10:05:31:123]: MainEngineThread is returning 1603\r\n";
    let r = report(&[("client.msi.log", log.to_string())]);
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::ClientInstall).unwrap();
    assert_eq!(op.outcome, Outcome::Failed);
    assert_eq!(op.code.as_deref(), Some("0x80070643"), "1603 is ERROR_INSTALL_FAILURE");
}

#[test]
fn routine_servicing_lines_raise_no_alarm() {
    let line = |t: &str, lvl: &str, comp: &str, msg: &str| format!("2025-03-14 01:{t}, {lvl:<21} {comp:<6} {msg}\r\n");
    let mut log = line("00:00", "Info", "CBS", "Session: 31174583_1 initialized by client DISM Package Manager Provider, external staging directory: (null)");
    log += &line("00:01", "Info", "CBS", "Failed to internally open package. [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]");
    log += &line("00:02", "Info", "CSI", "00000005 CSI Store corruption status report: incomplete");
    log += &line("00:03", "Info", "CBS", "Exec: No store corruption found, nothing to repair");
    log += &line("00:04", "Info", "CBS", "Checking System Update Readiness.");
    log += &line("00:04", "Info", "CBS", "Operation: Detect and Repair ");
    log += &line("00:04", "Info", "CBS", "Operation result: 0x0");
    log += &line("00:04", "Info", "CBS", "Total Detected Corruption:\t0");
    log += &line("00:04", "Info", "CBS", "Total Repaired Corruption:\t0");
    log += &line("00:05", "Info", "CBS", "Session: 31174583_1 finalized. Reboot required: no [HRESULT = 0x00000000 - S_OK]");
    let r = report(&[("CBS.log", log)]);
    assert_eq!(r.summary.status, VerdictStatus::Ok, "{}", r.summary.detail);
    assert!(r.findings.is_empty(), "{:?}", r.findings.iter().map(|f| &f.summary).collect::<Vec<_>>());
    assert!(r.summary.detail.contains("found no corruption"), "{}", r.summary.detail);
    assert!(!r.summary.detail.contains("most significant"), "{}", r.summary.detail);
}

#[test]
fn reportingevents_in_utf16_gives_the_agents_operations() {
    let row = |t: &str, ev: &str, code: &str, caller: &str, ok: &str| {
        format!("{{A583FB9E-9C9C-4282-B2AC-021ABB6BCB34}}\t2023-06-17 {t}:087+0300\t1\t{ev}\t101\t{{9482F4B4-E343-43B6-B170-9A65BC822C77}}\t1\t{code}\t{caller}\t{ok}\tSoftware Synchronization\tWindows Update Client finished.\tw3Fd8MIdE0yBSbdX.0\r\n")
    };
    let text = row("20:20:23", "147 [AGENT_DETECTION_FINISHED]", "0", "MoUpdateOrchestrator", "Success")
        + &row("21:20:23", "148 [AGENT_DETECTION_FAILED]", "80072ee2", "MoUpdateOrchestrator", "Failure")
        + &row("22:20:23", "147 [AGENT_DETECTION_FINISHED]", "0", "MoUpdateOrchestrator", "Success");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let a = Analysis::from_inputs(vec![Input { name: "ReportingEvents.log".into(), bytes: bytes.into() }], &Limits::default());
    let r = Report::build(&a);
    assert_eq!(r.files[0].format, "windowsupdate_reportingevents");
    assert_eq!(r.files[0].time_zone.offset, "UTC+03:00");
    let g = r.operations.groups.iter().find(|g| g.kind == OperationKind::Search).unwrap();
    // The failed search is followed an hour later by the same caller's successful one: recovered.
    assert_eq!((g.total, g.recovered, g.succeeded), (3, 1, 2));
    assert!(r.summary.detail.contains("0x80072EE2"), "{}", r.summary.detail);
}
