//! Format detection from content (the file name only breaks ties).

use crate::model::{is_setup_component, LogFormat, LogKind};
use crate::read::{config, parse};

/// How many leading lines detection looks at.
const DETECT_LINES: usize = 200;

/// How many leading characters detection reads.
const HEAD_CHARS: usize = 256 * 1024;

/// Pick the format whose line shape matches most of the first non-blank lines.
pub fn detect(text: &str, file_name: &str) -> LogFormat {
    if text.is_empty() {
        return LogFormat::Empty;
    }
    let head_end = text.char_indices().nth(HEAD_CHARS).map_or(text.len(), |(i, _)| i);
    let head = &text[..head_end];
    if head.contains("<![LOG[") {
        return LogFormat::Cmtrace;
    }
    if let Some(f) = config::detect(head) {
        return f;
    }
    if parse::setupapi::is_layout(head) {
        return LogFormat::SetupApi;
    }
    if parse::dolog::is_layout(head) {
        return LogFormat::DeliveryOptimization;
    }
    let mut votes = [0usize; 7];
    // CBS-shaped lines written by Windows setup (its components, or a message id column).
    let mut setup = 0;
    // Lines of the delta-extraction engine (DPX): a few in CBS.log, most of a DPX setupact.log.
    let mut dpx = 0;
    // CBS-shaped lines whose component column is blank.
    let mut no_component = 0;
    // Lines of an event log as wulens renders it (`Event 20, record 12, PC01, Error: ...`).
    let mut events = 0;
    let mut seen = 0;
    for line in head.lines().map(str::trim_end).filter(|l| !l.is_empty()).take(DETECT_LINES) {
        seen += 1;
        let b = line.as_bytes();
        // A line as a search tool prints it is read past its prefix (`path:` or `path:123:`).
        let vote =
            if parse::simple::is_record_end(line) { Some(Vote::Simple) } else { classify(b).or_else(|| parse::after_prefix(b, classify).map(|(_, v)| v)) };
        match vote {
            Some(Vote::Simple) => votes[0] += 1,
            Some(Vote::Legacy) => votes[1] += 1,
            Some(Vote::Etw) => {
                votes[2] += 1;
                events += usize::from(line.find(" Event ").is_some_and(|i| parse::wu_etw::event_level(&line[i + 1..]).is_some()));
            }
            Some(Vote::Wsus) => votes[3] += 1,
            Some(Vote::Reporting) => votes[6] += 1,
            Some(Vote::Cbs(c)) => {
                setup += usize::from(c.setup);
                dpx += usize::from(c.dpx);
                no_component += usize::from(c.no_component);
                votes[if c.dism { 5 } else { 4 }] += 1;
            }
            None => {}
        }
    }
    let (best, &n) = votes.iter().enumerate().max_by_key(|(i, v)| (**v, usize::MAX - i)).unwrap();
    // Real logs carry noise (blank lines, continuation blocks): a fifth of lines is enough.
    if n == 0 || n * 5 < seen.min(DETECT_LINES) {
        return LogFormat::PlainText;
    }
    match best {
        0 => LogFormat::CmtraceSimple,
        1 => LogFormat::WindowsUpdateLegacy,
        // An event log wulens decoded and wrote out as text (`wulens redact`) is one again.
        2 if events * 2 > votes[2] => LogFormat::EventLog,
        2 => LogFormat::WindowsUpdateEtw,
        3 => LogFormat::WsusSoftwareDistribution,
        6 => LogFormat::WindowsUpdateReportingEvents,
        _ => {
            // CBS, DISM and Windows setup share the line format: the component column and the
            // name decide. Setup's logs hold DISM's and CBS's lines too (a tenth of its own is
            // enough), and a log named setupact or setuperr is setup's whatever it holds. The
            // servicing stack names a component on every line of its own; setup's logging
            // library leaves the column blank for callers that give none (windeploy, OOBE,
            // Disk Cleanup's setupcln, push-button reset): such lines, a few in CBS.log and
            // DISM.log, are most of a log that library writes for them.
            let cbs_shaped = votes[4] + votes[5];
            if setup * 10 >= cbs_shaped
                || dpx * 2 > cbs_shaped
                || no_component * 2 > cbs_shaped
                || LogKind::before_reading(file_name, LogFormat::Cbs) == Some(LogKind::Setup)
            {
                return LogFormat::Setup;
            }
            let lower = file_name.to_ascii_lowercase();
            if votes[5] > votes[4] || (votes[5] > 0 && lower.contains("dism")) {
                LogFormat::Dism
            } else {
                LogFormat::Cbs
            }
        }
    }
}

/// What one line says about the format.
enum Vote {
    Simple,
    Legacy,
    Etw,
    Wsus,
    Reporting,
    Cbs(CbsLine),
}

/// A line in the CBS layout: whose it is.
struct CbsLine {
    dism: bool,
    setup: bool,
    dpx: bool,
    no_component: bool,
}

/// The layout of a line whose header starts at its first byte (the simple ConfigMgr format,
/// whose marks end the line, is told apart before).
fn classify(b: &[u8]) -> Option<Vote> {
    if parse::wu_legacy::header(b).is_some() {
        return Some(Vote::Legacy);
    }
    if parse::wu_etw::header(b).is_some() {
        return Some(Vote::Etw);
    }
    if parse::wsus::header(b).is_some() {
        return Some(Vote::Wsus);
    }
    if parse::reporting::header(b).is_some() {
        return Some(Vote::Reporting);
    }
    let h = parse::cbs::header(b)?;
    let line = std::str::from_utf8(b).ok()?;
    let component = &line[h.component.clone()];
    // Without a component, the message's first word is the mark (`[windeploy.exe] ...`).
    let first = if component.is_empty() { line[h.msg_start..].split([' ', '\t']).next().unwrap_or("") } else { component };
    Some(Vote::Cbs(CbsLine {
        dism: component == "DISM",
        setup: h.message_id || is_setup_component(component) || setup_family(first, line),
        dpx: component == "DPX",
        no_component: component.is_empty(),
    }))
}

/// A line only the Windows setup family writes, read from its shape: the Panther programs of a
/// first boot, OOBE and unattend pass log under their process name in brackets
/// (`[windeploy.exe] WinDeploy.exe exiting with code [0x0]`, `[msoobe.exe]`, `[SETUPUGC.EXE]`),
/// and WinRE's push-button reset (Reset this PC) logs through `PushButtonReset::` and the WinRE
/// configuration calls (`WinReGetConfigEx failed`), with no component column at all.
fn setup_family(component: &str, line: &str) -> bool {
    let process = component.len() > 6
        && component.starts_with('[')
        && component.ends_with(']')
        && component[..component.len() - 1].to_ascii_lowercase().ends_with(".exe");
    process || line.contains("PushButtonReset::") || line.contains("WinReGetConfig")
}

/// Whether [`detect`]'s answer for `text` holds for every longer text that begins with it (a file
/// still arriving): detection reads only the first `HEAD_CHARS` characters, and a text of more
/// than four bytes for each of them holds them all.
pub fn settled(text: &str) -> bool {
    text.len() > 4 * HEAD_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format_from_content() {
        let cases = [
            ("<![LOG[Hello]LOG]!><time=\"08:53:25.263+240\" date=\"07-14-2021\" component=\"WUAHandler\" context=\"\" type=\"1\" thread=\"1\" file=\"x.cpp:1\">", LogFormat::Cmtrace),
            ("Starting sync $$<SMS_WSUS_SYNC_MANAGER><05-31-2024 16:45:56.136+420><thread=4512 (0x11A0)>", LogFormat::CmtraceSimple),
            ("2018-05-20\t19:21:13:219\t 908\t45c\tAgent\t* WU client version 7.5.7601.17514", LogFormat::WindowsUpdateLegacy),
            ("2024/05/02 14:43:56.6390016 4932  6608  SLS             Get response for service", LogFormat::WindowsUpdateEtw),
            ("2020-02-03 23:50:28, Info                  CBS    TI: --- Initializing Trusted Installer ---", LogFormat::Cbs),
            ("2014-02-17 15:22:02, Info                  DISM   PID=10500 Scratch directory set", LogFormat::Dism),
            ("2022-07-06 10:01:02, Info                  MOUPG  SetupHost: Current SetupHost Version: [10.0.19041.1]", LogFormat::Setup),
            ("2023-01-10 10:15:32, Error      [0x0f0070] SYSPRP RunExternalDlls:An error occurred while running registry sysprep DLLs, halting sysprep execution. dwRet = 0x3cf2", LogFormat::Setup),
            ("2024-05-31 16:45:56.136 UTC\tInfo\tWsusService.27\tEventLogEventReporter.ReportEvent\tEventId=382,Type=Information", LogFormat::WsusSoftwareDistribution),
            ("just some notes\nabout a machine", LogFormat::PlainText),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text, "whatever.log"), want, "{text}");
        }
        assert_eq!(detect("", "x"), LogFormat::Empty);
        // Setup's logs hold DISM's lines too: the name breaks the tie, as it does for DISM.
        let dism = "2025-05-02 15:17:01, Info                  DISM   PID=1712 TID=2044 Scratch directory set";
        assert_eq!(detect(dism, "Panther/SetupAct.log"), LogFormat::Setup);
        assert_eq!(detect(dism, "cbs.log"), LogFormat::Dism);
    }

    #[test]
    fn detects_the_setup_family_from_its_line_shape() {
        // windeploy / OOBE (Panther\UnattendGC\setupact.log): a process name in brackets.
        let oobe = "2021-09-27 04:03:44, Info                         [windeploy.exe] WinDeploy.exe launched with command-line []...\r\n\
                    2021-09-27 04:03:44, Error                        [windeploy.exe] CFirstUXWnd::OpenExisting failed with error 80070490\r\n\
                    2021-09-27 11:04:06, Info                         [oobeldr.exe] OOBELdr.exe exiting with code [0x0]...\r\n";
        assert_eq!(detect(oobe, "x.log"), LogFormat::Setup);
        // WinRE's push-button reset: no component column.
        let reset = "2021-06-09 12:08:20, Error                        WinReGetConfigEx failed. Error: 0x00000003[gle=0x00000003]\n\
                     2021-06-09 12:22:37, Error                        0x80070490 in PushButtonReset::OEMConnection::Create (x.cpp:57): Did not find OEM plugin\n";
        assert_eq!(detect(reset, "x.log"), LogFormat::Setup);
        // A DPX setupact.log is DPX's lines; CBS.log holds a few of them among its own.
        let dpx = "2013-12-10 11:16:37, Info                  DPX    Started DPX phase: Inventory\r\n\
                   2013-12-10 11:16:56, Info                  DPX    Ended DPX phase: Inventory\r\n";
        assert_eq!(detect(dpx, "x.log"), LogFormat::Setup);
        let cbs = "2020-02-03 23:50:28, Info                  CBS    TI: --- Initializing Trusted Installer ---\r\n";
        assert_eq!(detect(&(cbs.repeat(3) + dpx), "x.log"), LogFormat::Cbs);
        // A bracketed word that is not a program, as CBS writes them, decides nothing.
        let csi = "2020-02-03 23:50:28, Info                  CSI    [SR] Verifying 100 components\r\n";
        assert_eq!(detect(&csi.repeat(3), "x.log"), LogFormat::Cbs);
    }

    /// Disk Cleanup's setupcln writes through setup's logging library with the component column
    /// left blank: a log of its lines is setup's, though CBS.log and DISM.log hold a few (a DISM
    /// session that cleanmgr started logs them in between its own).
    #[test]
    fn a_log_of_lines_without_a_component_is_setup() {
        let cln = "2020-05-28 12:31:05, Info                         SetupClnLogInitializationInfo - session being initialized for Plugin: Previous Installations\r\n\
                   2020-05-28 12:31:05, Info                         CSetupFilesCleanup::GetSpaceUsed - Enter\r\n";
        let dism = "2020-09-18 21:56:47, Info                  DISM   API: PID=7932 TID=8160 Enter DismInitializeInternal - DismInitializeInternal\r\n";
        assert_eq!(detect(&(cln.repeat(5) + dism), "x.log"), LogFormat::Setup);
        assert_eq!(detect(&(dism.repeat(11) + &cln.repeat(5)), "x.log"), LogFormat::Dism);
        let cbs = "2020-02-03 23:50:28, Info                  CBS    TI: --- Initializing Trusted Installer ---\r\n";
        assert_eq!(detect(&(cbs.repeat(11) + &cln.repeat(5)), "x.log"), LogFormat::Cbs);
    }

    /// A log as findstr, grep or Select-String print it: each line after its `path:` (and line
    /// number) is read in its own layout.
    #[test]
    fn a_search_tools_prefix_is_read_past() {
        let findstr = "C:\\Windows\\Logs\\CBS\\CbsPersist_20230523095004.log:2023-05-23 09:50:04, Info                  CSI    00000001@2023/5/23:07:50:04.123 Beginning Verify and Repair transaction\r\n";
        assert_eq!(detect(&findstr.repeat(5), "SFCfromFile.log"), LogFormat::Cbs);
        let grep = "logs/WindowsUpdate.log:1234:2024/05/02 14:43:56.6390016 4932  6608  SLS             Get response for service\n";
        assert_eq!(detect(&grep.repeat(5), "x.txt"), LogFormat::WindowsUpdateEtw);
        // A colon in a line of text decides nothing.
        assert_eq!(detect("Note: 2 things\nTime: 10:00\n", "x.txt"), LogFormat::PlainText);
    }

    #[test]
    fn a_setupapi_log_is_its_own_format() {
        let dev = "[Device Install Log]\r\n     OS Version = 10.0.19041\r\n[BeginLog]\r\n\r\n>>>  [Device Install (Hardware initiated) - USB\\VID_1234]\r\n>>>  Section start 2023/03/02 05:09:20.100\r\n     dvi: {Build Driver List} 05:09:20.120\r\n<<<  Section end 2023/03/02 05:09:21.000\r\n<<<  [Exit status: SUCCESS]\r\n";
        assert_eq!(detect(dev, "x.log"), LogFormat::SetupApi);
        // Cut from its header, a section start still says so.
        assert_eq!(detect(&dev[dev.find(">>>").unwrap()..], "x.log"), LogFormat::SetupApi);
    }

    #[test]
    fn a_settled_text_keeps_its_format_whatever_follows() {
        // Lines of a CBS log, then (past the head) lines of another format entirely.
        let cbs = "2020-02-03 23:50:28, Info                  CBS    TI: --- Initializing Trusted Installer ---\r\n";
        let mut text = String::new();
        while !settled(&text) {
            text += cbs;
        }
        let format = detect(&text, "CBS.log");
        assert_eq!(format, LogFormat::Cbs);
        text += &"<![LOG[x]LOG]!><time=\"1\">\r\n".repeat(100_000);
        assert_eq!(detect(&text, "CBS.log"), format);
        // Four-byte characters: the head is all of them, however long in bytes.
        let wide = "\u{1F600}".repeat(HEAD_CHARS + 1);
        assert!(settled(&wide));
        assert_eq!(detect(&wide, "x.log"), detect(&(wide.clone() + &"<![LOG[".repeat(10)), "x.log"));
    }
}

/// Is `text` the short file Windows 10 and later leave at `C:\Windows\WindowsUpdate.log` in
/// place of the log ("Windows Update logs are now generated using ETW (Event Tracing for
/// Windows). Please run the Windows PowerShell cmdlet Get-WindowsUpdateLog to convert ETW traces
/// into a readable WindowsUpdate.log.")?
pub fn wu_placeholder(text: &str) -> bool {
    text.len() < 4096 && text.contains("Get-WindowsUpdateLog") && text.contains("ETW")
}

#[cfg(test)]
mod placeholder_tests {
    #[test]
    fn the_windows_10_placeholder_is_known_and_a_real_log_is_not() {
        let placeholder = "Windows Update logs are now generated using ETW (Event Tracing for Windows).\r\nPlease run the Windows PowerShell cmdlet Get-WindowsUpdateLog to convert ETW traces into a readable WindowsUpdate.log.\r\n";
        assert!(super::wu_placeholder(placeholder));
        assert!(!super::wu_placeholder("2024/06/18 10:11:03.7920257 1380  3316  Shared          UpdateNetworkState Ipv4, cNetworkInterfaces = 1."));
    }
}
