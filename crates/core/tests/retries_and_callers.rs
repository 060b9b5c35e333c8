//! Downloads and installs made good by a later try of the same update (recovered), and not by
//! another update's success; callers said in plain words. Small inline logs in the shapes the
//! agent writes them (ReportingEvents.log's tab-separated events, Get-WindowsUpdateLog text).

use wulens_core::model::{OperationKind, Outcome, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

fn analyze(name: &str, text: &str) -> Report {
    let a = Analysis::from_inputs(vec![Input { name: name.into(), bytes: text.as_bytes().to_vec().into() }], &Limits::default());
    Report::build(&a)
}

/// One ReportingEvents.log event: `ev` is `162 [AGENT_DOWNLOAD_SUCCEEDED]`, `update` the
/// update's id (column 5).
fn event(time: &str, ev: &str, update: &str, code: &str, caller: &str) -> String {
    let ok = if code == "0" { "Success" } else { "Failure" };
    format!("{{A583FB9E-9C9C-4282-B2AC-021ABB6BCB34}}\t2023-06-17 {time}:087+0300\t1\t{ev}\t101\t{{{update}}}\t1\t{code}\t{caller}\t{ok}\tContent Download\tDownload.\tw3Fd8MIdE0yBSbdX.0\r\n")
}

const U1: &str = "83CB05B1-36CD-4EF9-A9C6-136D4B522E64";
const U2: &str = "C432F685-4AE8-4DF6-BDEB-97DB1EA94716";

fn outcomes(r: &Report, kind: OperationKind) -> Vec<Outcome> {
    r.operations.items.iter().filter(|o| o.kind == kind).map(|o| o.outcome).collect()
}

#[test]
fn a_failed_download_that_the_same_update_later_got_is_recovered() {
    let text = event("08:00:00", "161 [AGENT_DOWNLOAD_FAILED]", U1, "80d02002", "MoUpdateOrchestrator")
        + &event("14:00:00", "162 [AGENT_DOWNLOAD_SUCCEEDED]", U1, "0", "MoUpdateOrchestrator")
        + &event("14:30:00", "182 [AGENT_INSTALLING_SUCCEEDED]", U1, "0", "MoUpdateOrchestrator");
    let r = analyze("ReportingEvents.log", &text);
    assert_eq!(outcomes(&r, OperationKind::Download), vec![Outcome::Recovered, Outcome::Succeeded]);
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    let st = &r.statements.first().expect("a statement").text;
    assert!(st.contains("1 recovered") && st.contains("a later try of the same update succeeded"), "{st}");
}

#[test]
fn another_updates_success_does_not_make_a_failed_install_good() {
    let text = event("08:00:00", "183 [AGENT_INSTALLING_FAILED]", U1, "800f0831", "UpdateOrchestrator")
        + &event("09:00:00", "182 [AGENT_INSTALLING_SUCCEEDED]", U2, "0", "UpdateOrchestrator");
    let r = analyze("ReportingEvents.log", &text);
    assert_eq!(outcomes(&r, OperationKind::Install), vec![Outcome::Failed, Outcome::Succeeded]);
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("0x800F0831"), "{}", r.summary.verdict);
}

/// Defender's security intelligence gets a new update id for each version under one KB: a
/// version that fails "not applicable" (0x80240017) once a newer one is in, or that a newer
/// one replaces within the day, is recovered; another KB's failure stands.
#[test]
fn an_install_the_same_kb_made_good_around_it_is_recovered() {
    let titled = |time: &str, ev: &str, update: &str, code: &str, title: &str| {
        event(time, ev, update, code, "MoUpdateOrchestrator").replace("Download.", &format!("Installation: the following update: {title}"))
    };
    const DEFENDER: &str = "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602";
    const U3: &str = "0B71DC05-AA75-4408-BE30-47358191B516";
    let text = titled("08:00:00", "183 [AGENT_INSTALLING_SUCCEEDED]", U1, "0", &format!("{DEFENDER} (Version 1.375.440.0)"))
        + &titled("09:00:00", "182 [AGENT_INSTALLING_FAILED]", U2, "80240017", &format!("{DEFENDER} (Version 1.375.414.0)."))
        + &titled("10:00:00", "182 [AGENT_INSTALLING_FAILED]", U3, "80073d02", "2022-10 Cumulative Update for Windows 10 (KB5018410).")
        + &titled("11:00:00", "183 [AGENT_INSTALLING_SUCCEEDED]", U1, "0", "2022-10 Cumulative Update for Windows 10 (KB5018411)");
    let r = analyze("ReportingEvents.log", &text);
    assert_eq!(outcomes(&r, OperationKind::Install), vec![Outcome::Succeeded, Outcome::Recovered, Outcome::Failed, Outcome::Succeeded]);
    assert!(r.summary.verdict.contains("0x80073D02") && !r.summary.verdict.contains("0x80240017"), "{}", r.summary.verdict);

    // Another code than "not applicable" is made good only by a success after it.
    let text = titled("08:00:00", "183 [AGENT_INSTALLING_SUCCEEDED]", U1, "0", &format!("{DEFENDER} (Version 1.375.440.0)"))
        + &titled("09:00:00", "182 [AGENT_INSTALLING_FAILED]", U2, "80070005", &format!("{DEFENDER} (Version 1.375.414.0)."));
    let r = analyze("ReportingEvents.log", &text);
    assert_eq!(outcomes(&r, OperationKind::Install), vec![Outcome::Succeeded, Outcome::Failed]);
}

/// ReportingEvents.log lists no update states: its installs give the updates table its rows,
/// by KB (the latest install of a KB decides; a version that failed "not applicable" after a
/// newer one went in says nothing) or else by title, failed ones first.
#[test]
fn the_updates_table_takes_its_rows_from_reportingevents_installs() {
    let line = |time: &str, ev: &str, update: &str, code: &str, words: &str| event(time, ev, update, code, "MoUpdateOrchestrator").replace("Download.", words);
    const DEFENDER: &str = "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602";
    const U3: &str = "0B71DC05-AA75-4408-BE30-47358191B516";
    let text = line(
        "08:00:00",
        "183 [AGENT_INSTALLING_SUCCEEDED]",
        U1,
        "0",
        &format!("Installation Successful: Windows successfully installed the following update: {DEFENDER} (Version 1.375.440.0)"),
    ) + &line(
        "09:00:00",
        "182 [AGENT_INSTALLING_FAILED]",
        U2,
        "80240017",
        &format!("Installation Failure: Windows failed to install the following update with error 0x80240017: {DEFENDER} (Version 1.375.414.0)."),
    ) + &line(
        "10:00:00",
        "182 [AGENT_INSTALLING_FAILED]",
        U3,
        "80073d02",
        "Installation Failure: Windows failed to install the following update with error 0x80073d02: 9N8G5RFZ9XK3-Microsoft.WindowsTerminalPreview.",
    );
    let r = analyze("ReportingEvents.log", &text);
    let rows: Vec<(&str, &str, &str)> = r.updates.iter().map(|u| (u.kb.as_str(), u.state.as_str(), u.title.as_str())).collect();
    assert_eq!(
        rows,
        [
            ("", "failed", "9N8G5RFZ9XK3-Microsoft.WindowsTerminalPreview"),
            ("KB2267602", "installed", "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.375.440.0)")
        ],
        "{:?}",
        r.updates
    );
    assert_eq!(r.updates[0].update_id, format!("{{{U3}}}"));
}

#[test]
fn a_success_of_the_same_update_after_the_retry_window_does_not_recover_it() {
    let text = event("08:00:00", "161 [AGENT_DOWNLOAD_FAILED]", U1, "80d02002", "UpdateOrchestrator").replace("2023-06-17", "2023-06-15")
        + &event("09:00:00", "162 [AGENT_DOWNLOAD_SUCCEEDED]", U1, "0", "UpdateOrchestrator");
    let r = analyze("ReportingEvents.log", &text);
    assert_eq!(outcomes(&r, OperationKind::Download), vec![Outcome::Failed, Outcome::Succeeded]);
}

const DOWNLOAD: &str = "\
2025/02/12 02:41:10.3604316 6012  10040 ComApi          * START *   Download ClientId = CcmExec
2025/02/12 02:41:10.6580494 1404  3832  DownloadManager * START * Begin Downloading Updates [CallerId = CcmExec] [Call ID = {BAA0DA32-3373-4447-8C47-9D355697D7A6}]
2025/02/12 02:49:42.6189641 1404  10880 DownloadManager *FAILED* [80200053] Error occurred while downloading update 2B9F4C1E-7A3D-4E8B-9C60-1D5E3F7A8B21.1; notifying dependent calls.
2025/02/12 02:49:42.6661836 6012  10280 ComApi          *RESUMED* Download ClientId = CcmExec
2025/02/12 02:49:42.6661855 6012  10280 ComApi          Download call complete (succeeded = 0, succeeded with errors = 0, failed = 1, cancelled = 0, unaccounted = 0)
2025/02/12 02:49:42.6661893 6012  10280 ComApi          ClientId = CcmExec: Exit code = 0x00000000; Call error code = 0x80240022
2025/02/12 02:49:42.6661899 6012  10280 ComApi          * END *   Download ClientId = CcmExec
";

#[test]
fn a_caller_is_said_in_plain_words_and_the_updates_code_leads() {
    let r = analyze("WindowsUpdate.log", DOWNLOAD);
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::Download).expect("the download");
    assert_eq!((op.caller.as_str(), op.caller_words.as_str()), ("CcmExec", "the ConfigMgr client (CcmExec)"));
    assert_eq!((op.code.as_deref(), op.root.as_deref()), (Some("0x80240022"), Some("0x80200053")));
    let st = &r.statements.first().expect("a statement");
    assert!(st.text.contains("by the ConfigMgr client (CcmExec)"), "{}", st.text);
    // The update's own code leads; the call's summary (all updates failed) follows it.
    assert_eq!(st.codes.first().map(String::as_str), Some("0x80200053"), "{}", st.text);
    assert!(st.text.contains("0x80200053 (BG_E_VALIDATION_FAILED), so the call ended with 0x80240022"), "{}", st.text);
}

#[test]
fn a_call_cut_after_its_updates_failure_is_still_running_and_names_the_code() {
    let cut: String = DOWNLOAD.lines().take(3).map(|l| format!("{l}\n")).collect();
    let r = analyze("WindowsUpdate.log", &cut);
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::Download).expect("the download");
    assert_eq!((op.outcome, op.root.as_deref()), (Outcome::Running, Some("0x80200053")));
    assert!(op.evidence.iter().any(|e| e.line == 3), "the download manager's line is evidence");
    assert_eq!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert!(r.summary.verdict.contains("0x80200053"), "{}", r.summary.verdict);
    assert!(
        r.statements[0].text.contains("still running when the log ends, 1 of them after an update's download failed with 0x80200053"),
        "{}",
        r.statements[0].text
    );
}

/// Callers the agent names by their process or leaves unnamed are said in words too, with the id
/// the log gives: `<<PROCESS>>: taskhostw.exe` (a scheduled task), `ClientId = (null)`.
#[test]
fn a_caller_named_by_its_process_or_unnamed_is_said_in_words() {
    let log = DOWNLOAD.replace("CcmExec", "(null)");
    let r = analyze("WindowsUpdate.log", &log);
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::Download).expect("the download");
    assert_eq!(op.caller_words, "a caller that gave no name (null)");
    assert!(r.statements[0].text.contains("by a caller that gave no name"), "{}", r.statements[0].text);
    let log = DOWNLOAD.replace("CcmExec", "<<PROCESS>>: taskhostw.exe");
    let r = analyze("WindowsUpdate.log", &log);
    let op = r.operations.items.iter().find(|o| o.kind == OperationKind::Download).expect("the download");
    assert_eq!((op.caller.as_str(), op.caller_words.as_str()), ("taskhostw.exe", "a scheduled task (taskhostw.exe)"));
}

/// A search cut off mid-call (0x80072EFE) on its own thread, against the service and server the
/// log names (Get-WindowsUpdateLog text).
fn cut_off_search(service: &str, server_url: &str) -> String {
    format!(
        "\
2025/02/11 09:14:02.1203377 1404  3308  Agent           * START * Finding updates CallerId = UpdateOrchestrator  Id = 12 (cV = Rk3cT8vL0m2Qx1Zp.1.0.0.1)
2025/02/11 09:14:02.1203491 1404  3308  Agent           Online = Yes; Interactive = No; AllowCachedResults = No; Ignore download priority = No
2025/02/11 09:14:02.1203712 1404  3308  Agent           ServiceID = {{{service}}} Third party service
2025/02/11 09:14:02.2100529 1404  3308  ProtocolTalker  ServiceId = {{{service}}}, Server URL = {server_url}
2025/02/11 09:14:23.3101205 1404  3308  WebServices     *FAILED* [80072EFE] Web service call
2025/02/11 09:14:23.3110342 1404  3308  ProtocolTalker  *FAILED* [80072EFE] Sync of Updates
2025/02/11 09:14:23.6181474 1404  3308  Agent           * END * Finding updates CallerId = UpdateOrchestrator, Id = 12, Exit code = 0x80072EFE (cV = Rk3cT8vL0m2Qx1Zp.1.0.0.1)
"
    )
}

/// A failed search's next check names the server the search talked to (its `Server URL`), not
/// "the Server URL of the failed call": Microsoft's front end for a search of Windows Update, the
/// WSUS server for a managed one.
#[test]
fn a_failed_searchs_check_names_the_server_it_searched() {
    for (service, url, named) in [
        ("9482F4B4-E343-43B6-B170-9A65BC822C77", "https://fe2cr.update.microsoft.com/v6/ClientWebService/client.asmx", "https://fe2cr.update.microsoft.com"),
        ("3DA21691-E39D-4DA6-8A4B-B43877BCB1B7", "https://sup01.firm.internal:8531/ClientWebService/client.asmx", "https://sup01.firm.internal:8531"),
    ] {
        let r = analyze("WindowsUpdate.log", &cut_off_search(service, url));
        assert_eq!(outcomes(&r, OperationKind::Search), vec![Outcome::Failed], "{}", r.summary.detail);
        let check =
            r.next_checks.iter().find(|c| c.text.contains("cut off mid-call")).unwrap_or_else(|| panic!("the cut-off search's check: {:?}", r.next_checks));
        assert!(check.text.contains(named) && !check.text.contains('<') && !check.text.contains("Server URL"), "{}", check.text);
    }
}

/// One search in Get-WindowsUpdateLog text: `caller` against `service`, ending `exit` after the
/// failure lines `fails` (written on its thread), at `time` on 2024/05/31.
fn search(time: &str, tid: &str, caller: &str, service: &str, fails: &[&str], exit: &str) -> String {
    let l = |msg: &str| format!("2024/05/31 {time}.1000000 6720  {tid:<5} Agent           {msg}\n");
    let mut s = l(&format!("* START * Finding updates CallerId = {caller}  Id = 15 (cV = euIlM35NZEaP8rau.1.0.0.2)"));
    s += &l(&format!("ServiceID = {{{service}}} Windows Update"));
    for f in fails {
        s += &l(f);
    }
    s + &l(&format!("* END * Finding updates CallerId = {caller}, Id = 15, Exit code = {exit} (cV = euIlM35NZEaP8rau.1.0.0.2)"))
}

const WINDOWS_UPDATE: &str = "9482F4B4-E343-43B6-B170-9A65BC822C77";

/// The driver client's search fails on the network path (name not resolved, 0x8024402C); two
/// hours later the scheduler's search of the same service succeeds: the path works again, so the
/// failure is recovered and the machine is not failing now. A failure of the caller's own request
/// (0x80240032, invalid criteria) is not made good by another caller's success.
#[test]
fn another_callers_success_against_the_same_service_recovers_a_path_failure() {
    let failed = |code: &str| {
        search("16:45:56", "10908", "Device Driver Retrieval Client", WINDOWS_UPDATE, &[&format!("*FAILED* [{code}] Send request")], &format!("0x{code}"))
    };
    let ok = search("18:46:09", "9540", "MoUpdateOrchestrator", WINDOWS_UPDATE, &[], "0x00000000");
    let r = analyze("WindowsUpdate.log", &(failed("8024402C") + &ok));
    assert_eq!(outcomes(&r, OperationKind::Search), vec![Outcome::Recovered, Outcome::Succeeded], "{}", r.summary.detail);
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    let st = &r.statements[0].text;
    assert!(st.contains("1 recovered") && st.contains("of the same service"), "{st}");
    let r = analyze("WindowsUpdate.log", &(failed("80240032") + &ok));
    assert_eq!(outcomes(&r, OperationKind::Search), vec![Outcome::Failed, Outcome::Succeeded], "{}", r.summary.detail);
    // Another service's success says nothing of this one's path.
    let other = ok.replace(WINDOWS_UPDATE, "855E8A7C-ECB4-4CA3-B045-1DFA50104289");
    let r = analyze("WindowsUpdate.log", &(failed("8024402C") + &other));
    assert_eq!(outcomes(&r, OperationKind::Search), vec![Outcome::Failed, Outcome::Succeeded], "{}", r.summary.detail);
}

/// A download that failed with the update's own code after searches that failed on the network
/// and recovered: the network errors' finding is not the download's cause. The verdict names the
/// download's code, and a name of two capitalised words stays written as a name.
#[test]
fn a_finding_about_other_codes_is_not_the_failed_downloads_cause() {
    for (code, words) in [("0x80096004", "the signature of the certificate cannot be verified"), ("0x80d03805", "Delivery Optimization paused the job")] {
        let searches = search("10:00:00", "10908", "MoUpdateOrchestrator", WINDOWS_UPDATE, &["*FAILED* [8024402C] Send request"], "0x8024402C")
            + &search("10:30:00", "10908", "MoUpdateOrchestrator", WINDOWS_UPDATE, &[], "0x00000000");
        let download = DOWNLOAD.replace("2025/02/12", "2024/05/31").replace("*FAILED* [80200053] ", "").replace("CcmExec", "MoUpdateOrchestrator")
            + &format!("2024/05/31 02:49:42.6662221 1404  5508  Agent           WU client calls back to download call {{BAA0DA32-3373-4447-8C47-9D355697D7A6}} with code Call complete and error {code}\n");
        let download = download.replace("2024/05/31 02:", "2024/05/31 12:");
        let r = analyze("WindowsUpdate.log", &(searches + &download));
        assert_eq!(outcomes(&r, OperationKind::Search), vec![Outcome::Recovered, Outcome::Succeeded], "{}", r.summary.detail);
        let v = &r.summary.verdict;
        assert!(v.contains(&code.to_ascii_uppercase().replace("0X", "0x")) && v.contains(words), "{v}");
        assert!(!v.contains("Likely cause: proxy"), "{v}");
    }
}
