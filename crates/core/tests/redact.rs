//! Redaction for sharing (`crates/core/src/output/redact/`): identifiers planted in every log
//! format are gone from the redacted logs and from the text, JSON and Markdown of the redacted
//! report; the same original gets the same pseudonym everywhere; what the conclusion needs
//! (codes, KBs, update ids, Microsoft's endpoints, ports) stays; and the conclusion of every
//! fixture and every real log is the same after redaction, from the redacted report and from
//! the redacted logs read again (event logs and traces as the text wulens decoded).

use std::path::{Path, PathBuf};

use wulens_core::model::VerdictStatus;
use wulens_core::redact::{self, Redactor};
use wulens_core::report::{markdown, text};
use wulens_core::{Analysis, Input, Limits, Report};

const WSUS: &str = "wsus02.corp.local";
const GUID_DEVICE: &str = "6f1c0f36-8a3e-4c2b-9d3f-2a1b3c4d5e6f";
const GUID_TENANT: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const GUID_SUS: &str = "c0ffee00-1234-4abc-9def-0123456789ab";
const UPDATE_ID: &str = "7c1a9e5d-3b2f-4d8a-9e6c-1f0b2a4d6e8c";

/// Identifiers planted in the logs below: each must be in the logs, and in no redacted output.
const PLANTED: &[&str] = &[
    "PC-ALPHA7",
    "wsus02",
    WSUS,
    "sccm01.contoso.com",
    "filesrv9",
    "proxy7.corp.local",
    "jdoe",
    "asmith",
    "jane.doe@contoso.com",
    "10.20.30.40",
    "192.168.77.5",
    "fe80::1c2d:3e4f:5a6b:7c8d",
    "00-1A-2B-3C-4D-5E",
    "00:1a:2b:3c:4d:5f",
    "S-1-5-21-1004336348-1177238915-682003330-1001",
    "S-1-12-1-3569512196-1111754522-2218126735-4213215331",
    GUID_DEVICE,
    GUID_TENANT,
    GUID_SUS,
    "CZC1234ABC",
];

/// What the conclusion needs: each is in the logs and must stay.
const KEPT: &[&str] = &["0x80244007", "0x8024401B", "KB5034441", UPDATE_ID, "fe3cr.delivery.mp.microsoft.com", ":8530", "S-1-5-18", "127.0.0.1"];

/// One log per format the fixtures have, each with identifiers planted where those logs write them.
fn planted_logs() -> Vec<(&'static str, String)> {
    let cm = |msg: &str, t: &str| {
        format!("<![LOG[{msg}]LOG]!><time=\"{t}.481+420\" date=\"06-25-2024\" component=\"WUAHandler\" context=\"\" type=\"3\" thread=\"7340\" file=\"cwuahandler.cpp:100\">\r\n")
    };
    let wuahandler = [
        cm(&format!("Existing WUA Managed server was already set (http://{WSUS}:8530), skipping Group Policy registration."), "15:31:09"),
        cm("Its a WSUS Update Source type ({9BA77E27-86B5-4B1B-BE8D-D6A37817516F}), adding it. Management point sccm01.contoso.com, client SMS Unique Identifier: GUID:6F1C0F36-8A3E-4C2B-9D3F-2A1B3C4D5E6F", "15:31:10"),
        cm("OnSearchComplete - Failed to end search job. Error = 0x80244007.", "15:31:15"),
        cm("Scan failed with error = 0x80244007.", "15:31:15"),
    ]
    .concat();
    let wu = [
        "2024/06/25 15:31:10.0563137 1380  3316  Misc            ComputerName = PC-ALPHA7.corp.local, SusClientId = c0ffee00-1234-4abc-9def-0123456789ab, SerialNumber = CZC1234ABC\r\n",
        "2024/06/25 15:31:10.0630977 1380  3316  Agent           WSUS server: http://wsus02:8530, proxy7.corp.local:8080, source 10.20.30.40, mac 00-1A-2B-3C-4D-5E\r\n",
        "2024/06/25 15:31:14.1180000 1380  9044  Agent           * START * Finding updates CallerId = CcmExec  Id = 57\r\n",
        "2024/06/25 15:31:14.2180000 1380  9044  ProtocolTalker  SyncUpdates_WithRecovery failed, url http://wsus02.corp.local:8530/ClientWebService/client.asmx 0x8024401B\r\n",
        "2024/06/25 15:31:15.4180000 1380  9044  Agent           * END * Finding updates CallerId = CcmExec, Id = 57, Exit code = 0x80244007\r\n",
        "2024/06/25 15:31:16.0000000 1380  9044  Agent           Update {7c1a9e5d-3b2f-4d8a-9e6c-1f0b2a4d6e8c}.200 KB5034441 from https://fe3cr.delivery.mp.microsoft.com/ for S-1-5-18 on 127.0.0.1\r\n",
    ]
    .concat();
    let cbs = [
        "2024-06-24 09:30:12, Info                  CBS    TI: --- Initializing Trusted Installer ---\r\n",
        "2024-06-24 09:30:13, Info                  CBS    Loading package from C:\\Users\\jdoe\\Downloads\\windows10.0-kb5034441-x64.msu, user S-1-5-21-1004336348-1177238915-682003330-1001\r\n",
        "2024-06-24 09:30:14, Info                  CBS    Source \\\\filesrv9\\sources\\sxs given by jane.doe@contoso.com\r\n",
    ]
    .concat();
    let dism = [
        "2024-06-24 09:30:05, Info                  DISM   PID=6212 TID=6480 Scratch directory set to 'C:\\Users\\asmith\\AppData\\Local\\Temp\\'. - CDISMManager::put_ScratchDir\r\n",
        "2024-06-24 09:30:06, Info                  DISM   PID=6212 TID=6480 Host machine: PC-ALPHA7, AADTenantID: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d - CDISMManager::Init\r\n",
    ]
    .concat();
    let setupapi = [
        "[Device Install Log]\r\n     OS Version = 10.0.19041\r\n     Architecture = amd64\r\n\r\n[BeginLog]\r\n\r\n",
        ">>>  [Device Install (Hardware initiated) - PCI\\VEN_8086&DEV_0001\\3&11111111&0&00]\r\n",
        ">>>  Section start 2022/09/14 21:28:18.119\r\n",
        "     dvi: {Build Driver List} 21:28:18.120 from \\\\filesrv9\\drivers for C:\\Users\\asmith\\x.inf, MAC 00:1a:2b:3c:4d:5f\r\n",
        "!!!  dvi: Device not started: Device has problem: 0x0a (CM_PROB_FAILED_START), problem status: 0xc0000001.\r\n",
        "<<<  Section end 2022/09/14 21:28:19.000\r\n",
        "<<<  [Exit status: FAILURE(0xe0000219)]\r\n\r\n",
    ]
    .concat();
    let dolog = [
        "2026-11-14T09:12:03.1045871Z  AC8 4618     Info {CBackgroundCopyJob::_InternalCreateDownload} New download: jobId = 5b0e4c2a-9d17-4e8b-a3f6-0c2d1e9f8a71, Uri = http://dl.delivery.mp.microsoft.com/filestreamingservice/files/x, DeviceId = 6f1c0f36-8a3e-4c2b-9d3f-2a1b3c4d5e6f\r\n",
        "2026-11-14T09:12:04.2210553Z  AC8 40C8     Info {CConnMan::_OnConnect} peer 192.168.77.5:7680 and [fe80::1c2d:3e4f:5a6b:7c8d]:7680 connected\r\n",
    ]
    .concat();
    let events = [
        "2024/06/25 15:40:00.0000000 1380  3316  WindowsUpdateClient Event 20, record 12, PC-ALPHA7.corp.local, Error: Installation Failure: KB5034441 failed with 0x80244007, user S-1-12-1-3569512196-1111754522-2218126735-4213215331\r\n",
        "2024/06/25 15:40:01.0000000 1380  3316  User_Profiles_Service Event 1, record 13, PC-ALPHA7.corp.local, Information: UserName: CORP\\asmith signed in as jane.doe@contoso.com\r\n",
    ]
    .concat();
    vec![
        ("CCM/Logs/WUAHandler.log", wuahandler),
        ("C/Windows/WindowsUpdate.log", wu),
        ("C/Windows/Logs/CBS/CBS.log", cbs),
        ("C/Windows/Logs/DISM/dism.log", dism),
        ("C/Windows/INF/setupapi.dev.log", setupapi),
        ("do-setcontent.log", dolog),
        ("System.evtx.txt", events),
    ]
}

fn inputs(logs: &[(&str, String)]) -> Vec<Input> {
    logs.iter().map(|(n, t)| Input { name: n.to_string(), bytes: t.as_bytes().to_vec().into() }).collect()
}

/// A redactor taught by every file of the drop, as the CLI's and the page's are.
fn learned(a: &Analysis) -> Redactor {
    wulens_core::redact::learned(a)
}

fn exports(r: &Report) -> [(&'static str, String); 3] {
    [("json", serde_json::to_string_pretty(r).unwrap()), ("text", text(r)), ("markdown", markdown(r))]
}

fn left(haystack: &str, needles: &[&str]) -> Vec<String> {
    let lower = haystack.to_ascii_lowercase();
    needles.iter().filter(|n| lower.contains(&n.to_ascii_lowercase())).map(|n| n.to_string()).collect()
}

#[test]
fn planted_identifiers_are_gone_from_the_logs_and_what_is_needed_stays() {
    let logs = planted_logs();
    let all: String = logs.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(left(&all, PLANTED).len(), PLANTED.len(), "every identifier is planted");
    let analysis = Analysis::from_inputs(inputs(&logs), &Limits::default());
    let formats: Vec<&str> = analysis.files.iter().map(|f| f.format.id()).collect();
    // The event-log text as wulens renders an .evtx reads as an event log.
    for f in ["cmtrace", "windowsupdate_etw", "cbs", "dism", "setupapi", "delivery_optimization", "evtx"] {
        assert!(formats.contains(&f), "{f} is among the planted logs' formats: {formats:?}");
    }
    let mut r = learned(&analysis);
    for f in &analysis.files {
        let red = r.redact(&f.text);
        assert!(left(&red, PLANTED).is_empty(), "{}: {:?} left in\n{red}", f.name, left(&red, PLANTED));
        let before = left(&f.text, KEPT);
        assert_eq!(left(&red, KEPT), before, "{}: what the conclusion needs stays\n{red}", f.name);
    }
    let summary = r.summary();
    let kinds: Vec<redact::Kind> = summary.kinds.iter().map(|k| k.kind).collect();
    // Site codes and certificate names are ConfigMgr's: a CCM\Logs folder has them (below).
    let expected: Vec<redact::Kind> = redact::Kind::ALL.into_iter().filter(|k| !matches!(k, redact::Kind::Site | redact::Kind::Cert)).collect();
    assert_eq!(kinds, expected, "every kind was replaced: {}", summary.text());
}

#[test]
fn planted_identifiers_are_gone_from_every_export_of_the_report() {
    let analysis = Analysis::from_inputs(inputs(&planted_logs()), &Limits::default());
    let report = Report::build(&analysis);
    // The unredacted exports do carry identifiers, so their absence below is the redaction's.
    let before: Vec<String> = exports(&report).iter().flat_map(|(_, s)| left(s, PLANTED)).collect();
    for must in ["wsus02", WSUS, "PC-ALPHA7", "sccm01.contoso.com", GUID_DEVICE] {
        assert!(before.iter().any(|b| b == must), "{must} is in the unredacted report: {before:?}");
    }
    let mut r = learned(&analysis);
    let red = redact::report(&report, &mut r).unwrap();
    for (format, out) in exports(&red) {
        assert!(left(&out, PLANTED).is_empty(), "{format}: {:?} left in\n{out}", left(&out, PLANTED));
        assert!(out.contains("0x80244007") && out.contains("HOST-"), "{format}: codes and pseudonyms are in it");
    }
    assert_eq!(conclusion(&red), conclusion(&report));
}

#[test]
fn one_original_is_one_pseudonym_in_every_log_and_the_report() {
    let analysis = Analysis::from_inputs(inputs(&planted_logs()), &Limits::default());
    let report = Report::build(&analysis);
    let mut r = learned(&analysis);
    let texts: Vec<String> = analysis.files.iter().map(|f| r.redact(&f.text).into_owned()).collect();
    let wsus = r.pseudonym(redact::Kind::Host, WSUS);
    let pc = r.pseudonym(redact::Kind::Host, "pc-alpha7");
    assert_ne!(wsus, pc);
    // The short name a log states (`http://wsus02:8530`) is another name than the FQDN; the
    // computer's FQDN and its name are one.
    assert_eq!(r.pseudonym(redact::Kind::Host, "pc-alpha7.corp.local"), pc);
    let wu = &texts[analysis.files.iter().position(|f| f.name.ends_with("WindowsUpdate.log")).unwrap()];
    assert!(wu.contains(&format!("http://{wsus}:8530/ClientWebService")), "{wu}");
    let cm = &texts[analysis.files.iter().position(|f| f.name.ends_with("WUAHandler.log")).unwrap()];
    assert!(cm.contains(&format!("(http://{wsus}:8530)")), "{cm}");
    let json = serde_json::to_string(&redact::report(&report, &mut r).unwrap()).unwrap();
    assert!(json.contains(&format!("http://{wsus}:8530")), "the report joins on the same pseudonym");
    // A second pass over the same text gives the same result.
    let again: Vec<String> = analysis.files.iter().map(|f| r.redact(&f.text).into_owned()).collect();
    assert_eq!(again, texts);
}

/// What a report concludes, pseudonyms aside: the status, the failed step, the findings, each
/// operation's kind, outcome, code and root code, the codes found with their counts, and the
/// updates' KBs and states.
fn conclusion(r: &Report) -> String {
    let mut ops: Vec<String> = r.operations.items.iter().map(|o| format!("{:?} {:?} {:?} {:?}", o.kind, o.outcome, o.code, o.root)).collect();
    ops.sort();
    let mut findings: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
    findings.sort();
    let errors: Vec<String> = r.errors.iter().map(|e| format!("{} x{}", e.code, e.count)).collect();
    let mut updates: Vec<String> = r.updates.iter().map(|u| format!("{:?} {:?}", u.kb, u.state)).collect();
    updates.sort();
    format!(
        "status {:?}\nfailed step {:?}\nfindings {findings:?}\noperations {} {ops:#?}\nerrors {errors:?}\nupdates {} {updates:?}\nstatements {}",
        r.summary.status,
        r.scan_flow.failed_step,
        r.operations.total,
        r.updates_total,
        r.statements.iter().map(|s| format!("{:?}", s.standing)).collect::<Vec<_>>().join(",")
    )
}

/// The drop read again from its redacted logs, as `wulens redact` writes them: each text file
/// under its redacted name, an event log or a trace as the text wulens decoded (`NAME.txt`).
fn redacted_drop(a: &Analysis, r: &mut Redactor) -> Analysis {
    let inputs = a
        .files
        .iter()
        .filter(|f| f.is_text())
        .map(|f| {
            let lower = f.name.to_ascii_lowercase();
            let binary = lower.ends_with(".evtx") || lower.ends_with(".etl");
            let name = format!("{}{}", r.redact(&f.name), if binary { ".txt" } else { "" });
            Input { name, bytes: r.redact(&f.text).as_bytes().to_vec().into() }
        })
        .collect();
    Analysis::from_inputs(inputs, &Limits::default())
}

/// The conclusion of a drop redacted both ways: the report redacted, and the logs redacted and
/// read again. Returns what differs.
fn check_drop(label: &str, inputs: Vec<Input>) -> Vec<String> {
    let analysis = Analysis::from_inputs(inputs, &Limits::default());
    let report = Report::build(&analysis);
    let want = conclusion(&report);
    let mut r = learned(&analysis);
    let mut bad = Vec::new();
    let red = redact::report(&report, &mut r).unwrap();
    if conclusion(&red) != want {
        bad.push(format!("{label}: the redacted report concludes otherwise:\n{want}\n---\n{}", conclusion(&red)));
    }
    let again = Report::build(&redacted_drop(&analysis, &mut r));
    if conclusion(&again) != want {
        bad.push(format!("{label}: the redacted logs conclude otherwise:\n{want}\n---\n{}", conclusion(&again)));
    }
    bad
}

fn read_tree(dir: &Path, base: &Path, out: &mut Vec<Input>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            read_tree(&p, base, out);
        } else if !(name == "expected.toml" || name == "README.md" || name.ends_with(".py") || name.starts_with('.')) {
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            out.push(Input { name: rel, bytes: std::fs::read(&p).unwrap().into() });
        }
    }
}

#[test]
fn every_fixture_concludes_the_same_after_redaction() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).expect("tests/fixtures is there").map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 20, "the fixtures are there: {dirs:?}");
    let mut bad = Vec::new();
    for d in &dirs {
        let mut inputs = Vec::new();
        read_tree(d, d, &mut inputs);
        bad.extend(check_drop(&d.display().to_string(), inputs));
    }
    assert!(bad.is_empty(), "{}", bad.join("\n\n"));
}

#[test]
fn real_logs_each_conclude_the_same_after_redaction() {
    let dir = wulens_testdata::real_logs();
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                stack.push(p);
            } else if !(name.ends_with(".md") || name.ends_with(".json") || name.ends_with(".expected-utc.log")) {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 60, "the real logs are there: {} files", files.len());
    let mut bad = Vec::new();
    let mut failed = 0;
    for p in &files {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let input = Input { name, bytes: std::fs::read(p).unwrap().into() };
        let problems = check_drop(&p.display().to_string(), vec![input]);
        failed += usize::from(!problems.is_empty());
        bad.extend(problems);
    }
    assert!(bad.is_empty(), "{failed} of {} real logs conclude otherwise:\n{}", files.len(), bad.join("\n\n"));
}

#[test]
fn a_report_without_identifiers_is_unchanged() {
    let log = "2024/06/25 15:31:14.1180000 1380  9044  Agent           * START * Finding updates CallerId = CcmExec  Id = 57\r\n\
               2024/06/25 15:31:15.4180000 1380  9044  Agent           * END * Finding updates CallerId = CcmExec, Id = 57, Exit code = 0x80244007\r\n";
    let analysis = Analysis::from_inputs(vec![Input { name: "WindowsUpdate.log".into(), bytes: log.as_bytes().to_vec().into() }], &Limits::default());
    let report = Report::build(&analysis);
    let mut r = learned(&analysis);
    let red = redact::report(&report, &mut r).unwrap();
    assert_eq!(Report { redacted: false, ..red.clone() }, report);
    assert!(red.redacted);
    assert_eq!(red.summary.status, VerdictStatus::Failed);
    assert_eq!(r.summary().total(), 0, "{}", r.summary().text());
}

// Issue 62: identifiers the drop states anywhere (dsregcmd, the event logs' computer, an MDM
// report, an Autopilot hash CSV, the names of bundles' members and folders) are replaced
// everywhere, in texts, file names and paths, in every case; serial numbers and hardware
// hashes have a kind of their own; a redacted report is never redacted again; each export's
// count is exactly what it replaced.

const PC: &str = "PC-0427";
const PC_FQDN: &str = "PC-0427.corp.example.com";
const SERIAL: &str = "5CG7301QX9";
const PRODUCT_ID: &str = "00330-80000-00000-AA123";
const HW_HASH: &str = "T0FeAQEAHAAAAAoAhwtlTQAAgQAJAK1kT0A2xW9kZ0R3aXRoU29tZUludmVudGVkQnl0ZXNGb3JUaGVUZXN0T25seQ+/Wulens/Redact/Test/HashEndsHere4242==";
const HWDEVID: &str = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F91";
const DEVICE_ID: &str = "1d3f5a7b-9c2e-4f60-8a1b-2c3d4e5f6a7b";
const TENANT_ID: &str = "8e0c1d2f-3a4b-4c5d-9e6f-7a8b9c0d1e2f";
const DRUMM_SID: &str = "S-1-5-21-3623811015-3361044348-30300820-1013";

/// Every kind planted, in every format a drop of one machine brings: each must be gone from
/// every export, in any case.
const DROP_PLANTED: &[&str] = &[
    PC,
    PC_FQDN,
    "corp.example.com",
    "CORPZ",
    "ZanzibarLabs",
    SERIAL,
    PRODUCT_ID,
    HW_HASH,
    "T0FeAQEAHAAAAAoAhwtlTQ",
    HWDEVID,
    DEVICE_ID,
    TENANT_ID,
    "kdrumm",
    "k.drumm@zanzibar.example.com",
    DRUMM_SID,
    "10.42.7.19",
    "3C-52-82-1A-2B-3C",
];

fn crlf(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

/// MdmDiagnosticsTool's cab (`-area Autopilot;DeviceEnrollment -cab`): its report naming the
/// device, its serial number, hardware id and hash; the Autopilot CSV named for the computer;
/// the collector's footprint naming both.
fn mdm_cab() -> Vec<u8> {
    let report = [
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><MDMEnterpriseDiagnosticsReport><Version>1.0</Version>",
        &format!("<DeviceInfo><DeviceName>{PC}</DeviceName><SMBIOSSerialNumber>{SERIAL}</SMBIOSSerialNumber><HWDevID>{HWDEVID}</HWDevID>"),
        &format!("<DeviceHardwareData>{HW_HASH}</DeviceHardwareData><EntDMID>{DEVICE_ID}</EntDMID></DeviceInfo>"),
        "<DeviceManagementAccount><Enrollment><EnrollmentId>4B1A2C3D-0E0F-4A1B-8C2D-3E4F5A6B7C8D</EnrollmentId><EnrollmentState>1</EnrollmentState>",
        "<ProtectedInformation><MDMServerName>Microsoft Intune</MDMServerName></ProtectedInformation></Enrollment></DeviceManagementAccount>",
        "<PolicyManager><currentPolicies><PolicyScope>Device</PolicyScope><CurrentPolicyValues><PolicyAreaName>Update</PolicyAreaName>",
        "<DeferQualityUpdatesPeriodInDays>14</DeferQualityUpdatesPeriodInDays><DeferQualityUpdatesPeriodInDays_ProviderSet>1</DeferQualityUpdatesPeriodInDays_ProviderSet>",
        "</CurrentPolicyValues></currentPolicies></PolicyManager></MDMEnterpriseDiagnosticsReport>",
    ]
    .concat();
    let files = [
        ("MDMDiagReport.xml", report),
        (&*format!("DeviceHash_{PC}.csv"), crlf(&["Device Serial Number,Windows Product ID,Hardware Hash", &format!("{SERIAL},{PRODUCT_ID},{HW_HASH}")])),
        (
            "MdmLogCollectorFootPrint.txt",
            crlf(&[
                "2026-11-20 10:15:00 Collecting MDM diagnostic logs",
                &format!("2026-11-20 10:15:02 Autopilot: C:\\Users\\Public\\Documents\\MDMDiagnostics\\DeviceHash_{PC}.csv for {SERIAL}"),
                &format!("2026-11-20 10:15:03 Added DeviceHash_{PC}.csv"),
            ]),
        ),
    ]
    .map(|(n, t)| (n.to_string(), t));
    let mut builder = cab::CabinetBuilder::new();
    let folder = builder.add_folder(cab::CompressionType::MsZip);
    for (name, _) in &files {
        folder.add_file(name.as_str());
    }
    let mut writer = builder.build(std::io::Cursor::new(Vec::new())).unwrap();
    let mut i = 0;
    while let Some(mut w) = writer.next_file().unwrap() {
        std::io::Write::write_all(&mut w, files[i].1.as_bytes()).unwrap();
        i += 1;
    }
    writer.finish().unwrap().into_inner()
}

/// Intune's Collect diagnostics zip, holding the MDM cab and a folder named for the computer.
fn diag_zip() -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("(1) FoldersFiles temp_MDMDiagnostics_mdmlogs-2026-11-20-10-15-00.cab/mdmlogs-2026-11-20-10-15-00.cab", opts).unwrap();
    zip.write_all(&mdm_cab()).unwrap();
    zip.start_file(format!("(2) Command dsregcmd {PC}/output.log"), opts).unwrap();
    zip.write_all(b"Collected by the DiagnosticLog CSP\r\n").unwrap();
    zip.finish().unwrap().into_inner()
}

/// One machine's drop, in a folder named for it: dsregcmd /status, the event logs as wulens
/// renders them, WindowsUpdate.log, and the Collect diagnostics zip.
fn machine_drop() -> Vec<Input> {
    let dsregcmd = crlf(&[
        "+----------------------------------------------------------------------+",
        "| Device State                                                         |",
        "+----------------------------------------------------------------------+",
        "",
        "             AzureAdJoined : YES",
        "              DomainJoined : YES",
        "                DomainName : CORPZ",
        &format!("               Device Name : {PC_FQDN}"),
        "",
        "+----------------------------------------------------------------------+",
        "| Device Details                                                       |",
        "+----------------------------------------------------------------------+",
        "",
        &format!("                  DeviceId : {DEVICE_ID}"),
        "",
        "+----------------------------------------------------------------------+",
        "| Tenant Details                                                       |",
        "+----------------------------------------------------------------------+",
        "",
        "                TenantName : ZanzibarLabs",
        &format!("                  TenantId : {TENANT_ID}"),
        "",
        "| Diagnostic Data                                                      |",
        "     Executing Account Name : CORPZ\\kdrumm, k.drumm@zanzibar.example.com",
    ]);
    let events = [
        format!("2024/06/25 15:40:00.0000000 1380  3316  WindowsUpdateClient Event 20, record 12, {PC_FQDN}, Error: Installation Failure: KB5034441 failed with 0x80244007, user {DRUMM_SID}\r\n"),
        format!("2024/06/25 15:40:01.0000000 1380  3316  Microsoft-Windows-Kernel-General Event 16, record 13, {}, Information: The access history in hive \\??\\C:\\Users\\kdrumm\\ntuser.dat was cleared\r\n", PC_FQDN.to_ascii_lowercase()),
    ]
    .concat();
    let wu = [
        "2024/06/25 15:31:14.1180000 1380  9044  Agent           * START * Finding updates CallerId = UpdateOrchestrator  Id = 57\r\n",
        &format!("2024/06/25 15:31:14.2180000 1380  9044  Misc            {} at 10.42.7.19 (3C-52-82-1A-2B-3C) serial {SERIAL}\r\n", PC.to_ascii_lowercase()),
        "2024/06/25 15:31:15.4180000 1380  9044  Agent           * END * Finding updates CallerId = UpdateOrchestrator, Id = 57, Exit code = 0x80244007\r\n",
    ]
    .concat();
    let text = |n: &str, t: String| Input { name: format!("{PC}/{n}"), bytes: t.into_bytes().into() };
    vec![
        text("dsregcmd_status.txt", dsregcmd),
        text("System.evtx.txt", events),
        text("WindowsUpdate.log", wu),
        Input { name: format!("{PC}/DiagLogs.zip"), bytes: diag_zip().into() },
    ]
}

/// The zip `redact::write_zip` makes, as (name, text) pairs.
fn zip_members(bytes: Vec<u8>) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut f, &mut text).unwrap();
            (f.name().to_string(), text)
        })
        .collect()
}

#[test]
fn every_identifier_the_drop_states_is_gone_from_every_export_and_name() {
    let inputs = machine_drop();
    let analysis = Analysis::from_inputs(inputs, &Limits::default());
    let names: Vec<&str> = analysis.files.iter().map(|f| f.name.as_str()).collect();
    // The cab inside the zip is read: its members are files of the drop.
    for member in ["MDMDiagReport.xml", "DeviceHash_PC-0427.csv", "MdmLogCollectorFootPrint.txt"] {
        assert!(names.iter().any(|n| n.ends_with(member)), "{member} is read from the cab: {names:?}");
    }
    let all: String = analysis.files.iter().map(|f| format!("{}\n{}\n", f.name, f.text)).collect();
    assert_eq!(left(&all, DROP_PLANTED).len(), DROP_PLANTED.len(), "every identifier is planted: {:?}", left(&all, DROP_PLANTED));
    let report = Report::build(&analysis);
    let plain = serde_json::to_string(&report).unwrap();
    assert!(plain.contains(PC), "the computer is in the unredacted report");

    let mut r = wulens_core::redact::learned(&analysis);
    r.tally();
    let red = redact::report(&report, &mut r).unwrap();
    let report_count = r.tally();
    assert!(red.redacted && !report.redacted);
    for (format, out) in exports(&red) {
        assert!(left(&out, DROP_PLANTED).is_empty(), "{format}: {:?} left in\n{out}", left(&out, DROP_PLANTED));
    }
    for f in &red.files {
        let path = format!("{} {:?} {:?}", f.name, f.bundle, f.member);
        assert!(left(&path, DROP_PLANTED).is_empty(), "the file's names are redacted: {path}");
    }
    assert!(report_count.total() > 0, "{}", report_count.text());

    // The preview's count of the logs' zip is what writing it replaces.
    let preview = r.count_zip(&analysis);
    let (cursor, written) = wulens_core::redact::write_zip(&analysis, &mut r, std::io::Cursor::new(Vec::new())).unwrap();
    assert_eq!(r.tally(), preview, "the zip replaces what its preview counted");
    let kinds: Vec<redact::Kind> = preview.kinds.iter().map(|k| k.kind).collect();
    for k in [
        redact::Kind::Host,
        redact::Kind::User,
        redact::Kind::Ip,
        redact::Kind::Mac,
        redact::Kind::Sid,
        redact::Kind::Email,
        redact::Kind::Id,
        redact::Kind::Device,
    ] {
        assert!(kinds.contains(&k), "{k:?} is replaced in the zip: {}", preview.text());
    }
    let device = preview.kinds.iter().find(|k| k.kind == redact::Kind::Device).unwrap();
    assert_eq!(device.distinct, 4, "the serial number, product id, hardware id and hash: {}", preview.text());
    let members = zip_members(cursor.into_inner());
    assert_eq!(members.len(), written);
    for (name, text) in &members {
        assert!(left(name, DROP_PLANTED).is_empty(), "the member's name is redacted: {name}");
        assert!(left(text, DROP_PLANTED).is_empty(), "{name}: {:?} left in\n{text}", left(text, DROP_PLANTED));
    }
    let host = r.pseudonym(redact::Kind::Host, &PC.to_ascii_lowercase());
    assert!(members.iter().any(|(n, _)| n.starts_with(&format!("{host}/")) && n.ends_with(&format!("DeviceHash_{host}.csv"))), "{members:?}");
    assert_eq!(r.pseudonym(redact::Kind::Host, &PC_FQDN.to_ascii_lowercase()), host, "the FQDN and its short name are one");

    // The redacted logs read again conclude the same, and redacted again they stay as they are:
    // their pseudonyms are no names.
    let again =
        Analysis::from_inputs(members.iter().map(|(n, t)| Input { name: n.clone(), bytes: t.as_bytes().to_vec().into() }).collect(), &Limits::default());
    assert_eq!(conclusion(&Report::build(&again)), conclusion(&report));
    let mut second = wulens_core::redact::learned(&again);
    for f in &again.files {
        assert_eq!(second.redact(&f.text), &*f.text, "{} is redacted once", f.name);
        assert_eq!(second.redact(&f.name), f.name.as_str());
    }
    assert_eq!(second.summary().total(), 0, "{}", second.summary().text());
}

#[test]
fn a_redacted_report_is_never_redacted_again_and_reads_back_the_same() {
    let analysis = Analysis::from_inputs(machine_drop(), &Limits::default());
    let report = Report::build(&analysis);
    let mut r = wulens_core::redact::learned(&analysis);
    let red = redact::report(&report, &mut r).unwrap();
    let json = serde_json::to_string_pretty(&red).unwrap();
    assert!(json.contains("\"redacted\": true"), "the report says it is redacted");
    assert!(!serde_json::to_string(&report).unwrap().contains("\"redacted\""), "a plain report's JSON is as it was");
    // Reopened (as a saved report is), taught by its own strings, and redacted again: the same.
    let back: Report = serde_json::from_str(&json).unwrap();
    let mut fresh = Redactor::new();
    fresh.learn_report(&back).unwrap();
    let twice = redact::report(&back, &mut fresh).unwrap();
    assert_eq!(serde_json::to_string_pretty(&twice).unwrap(), json);
    assert_eq!(markdown(&twice), markdown(&red));
    assert_eq!(fresh.summary().total(), 0);
}

#[test]
fn a_report_learned_from_its_own_strings_keeps_microsoft_s_names() {
    // A line with a task's path (`\Microsoft\Windows\...`) once made "Microsoft" a server's
    // name: JSON escapes its backslash as `\\`, the shape of a share (`\\server\share`).
    let log = "2024/06/25 15:31:14.1180000 1380  9044  Agent           * START * Finding updates CallerId = UpdateOrchestrator  Id = 57\r\n\
               2024/06/25 15:31:14.2180000 1380  9044  Agent           *FAILED* [80244007] Task \\Microsoft\\Windows\\WindowsUpdate\\Scheduled Start, http://wsus88.corp.example.com:8530\r\n\
               2024/06/25 15:31:15.4180000 1380  9044  Agent           * END * Finding updates CallerId = UpdateOrchestrator, Id = 57, Exit code = 0x80244007\r\n";
    let analysis = Analysis::from_inputs(vec![Input { name: "WindowsUpdate.log".into(), bytes: log.as_bytes().to_vec().into() }], &Limits::default());
    let report = Report::build(&analysis);
    assert!(serde_json::to_string(&report).unwrap().contains("\\\\Microsoft\\\\Windows"));
    // Taught by the report's JSON text, as the page once was, "Microsoft" is a name.
    let mut json_taught = Redactor::new();
    json_taught.learn(&serde_json::to_string(&report).unwrap());
    let wrong = serde_json::to_string(&redact::report(&report, &mut json_taught).unwrap()).unwrap();
    assert!(wrong.contains("\\\\HOST-1\\\\Windows"), "{wrong}");
    let mut r = Redactor::new();
    r.learn_report(&report).unwrap();
    let red = redact::report(&report, &mut r).unwrap();
    let json = serde_json::to_string(&red).unwrap();
    assert!(json.contains("Task \\\\Microsoft\\\\Windows\\\\WindowsUpdate") && !json.contains("\\\\HOST-"), "{json}");
    assert!(!json.contains("wsus88") && json.contains("http://HOST-1:8530"), "the server is still replaced");
    assert_eq!(r.summary().kinds.iter().map(|k| (k.kind, k.distinct)).collect::<Vec<_>>(), [(redact::Kind::Server, 1)], "{}", r.summary().text());
}

use wulens_testdata::ccm_logs::{self as cm, PLANTED as CM_PLANTED};

/// The CCM\Logs folder of `wulens_testdata::ccm_logs`, as a drop.
fn ccm_logs_drop() -> Vec<Input> {
    cm::files().into_iter().map(|(name, text)| Input { name: name.into(), bytes: text.into_bytes().into() }).collect()
}

/// True when `name` stands in `text` as a whole word (letters and digits around it make it part
/// of another), in any case.
fn stands_in(text: &str, name: &str) -> bool {
    let (t, n) = (text.to_ascii_lowercase(), name.to_ascii_lowercase());
    let b = t.as_bytes();
    t.match_indices(&n).any(|(at, _)| {
        let e = at + n.len();
        (at == 0 || !b[at - 1].is_ascii_alphanumeric() || !n.as_bytes()[0].is_ascii_alphanumeric())
            && (e >= b.len() || !b[e].is_ascii_alphanumeric() || !n.as_bytes()[n.len() - 1].is_ascii_alphanumeric())
    })
}

#[test]
fn a_ccm_logs_folder_shares_with_every_configmgr_identifier_replaced() {
    let analysis = Analysis::from_inputs(ccm_logs_drop(), &Limits::default());
    let all: String = analysis.files.iter().map(|f| format!("{}\n{}\n", f.name, f.text)).collect();
    assert_eq!(left(&all, CM_PLANTED).len(), CM_PLANTED.len(), "every identifier is planted: {:?}", left(&all, CM_PLANTED));
    let report = Report::build(&analysis);
    let mut r = learned(&analysis);
    r.tally();
    let red = redact::report(&report, &mut r).expect("a CCM\\Logs folder's report is redacted, whatever its inventory queries name");
    let report_count = r.tally();
    for (format, out) in exports(&red) {
        assert!(left(&out, CM_PLANTED).is_empty(), "{format}: {:?} left in", left(&out, CM_PLANTED));
    }
    assert!(report_count.total() > 0);
    let preview = r.count_zip(&analysis);
    let (cursor, _) = redact::write_zip(&analysis, &mut r, std::io::Cursor::new(Vec::new())).unwrap();
    assert_eq!(r.tally(), preview, "the zip replaces what its preview counted");
    let members = zip_members(cursor.into_inner());
    assert_eq!(members.len(), 6);
    for (name, text) in &members {
        assert!(left(name, CM_PLANTED).is_empty(), "the member's name is redacted: {name}");
        assert!(left(text, CM_PLANTED).is_empty(), "{name}: {:?} left in\n{text}", left(text, CM_PLANTED));
        // What is no one's stays: the WMI query's columns, the component, the codes.
        if name.ends_with("InventoryAgent.log") {
            assert!(text.contains("DNSHostName, Index") && text.contains("Name, Version, SerialNumber"), "{text}");
        }
    }
    assert!(members.iter().any(|(n, _)| n.starts_with("Logs/SCClient_HOST-") && n.contains("@USER-1_1.log")), "{members:?}");
    let ccmsetup = &members.iter().find(|(n, _)| n.ends_with("ccmsetup.log")).unwrap().1;
    assert!(ccmsetup.contains("0x87d00454") && ccmsetup.contains("Unable to find any Certificate based on Certificate Issuers"), "{ccmsetup}");
    assert!(members.iter().any(|(_, t)| t.contains("SMS_DP_SMSPKG$/SITE-1-00012")), "a package id keeps its number beside its site's pseudonym");

    // The preview counts them by kind.
    let count = |k: redact::Kind| preview.kinds.iter().find(|c| c.kind == k).map_or(0, |c| c.distinct);
    assert_eq!(count(redact::Kind::Host), 1, "the computer: {}", preview.text());
    assert_eq!(count(redact::Kind::Server), 3, "the MP, the DP and the CMG: {}", preview.text());
    assert_eq!(count(redact::Kind::Site), 1, "{}", preview.text());
    assert_eq!(count(redact::Kind::Tenant), 1, "{}", preview.text());
    assert_eq!(count(redact::Kind::Id), 1, "the Entra device id: {}", preview.text());
    assert_eq!(count(redact::Kind::Cert), 4, "Vanroy Root CA, PKI, Vanroy Ltd, Vanroy Issuing CA: {}", preview.text());
    assert_eq!(count(redact::Kind::User), 1, "{}", preview.text());
    assert!(count(redact::Kind::Domain) >= 2, "vanroy.local and VANROY: {}", preview.text());
    for k in [redact::Kind::Mac, redact::Kind::Sid] {
        assert_eq!(count(k), 1, "{k:?}: {}", preview.text());
    }
    // One name, one pseudonym, short or long.
    assert_eq!(r.pseudonym(redact::Kind::Server, "vr-srv-01.vanroy.local"), r.pseudonym(redact::Kind::Server, "vr-srv-01"));
    assert!(check_drop("CCM\\Logs", ccm_logs_drop()).is_empty(), "{:?}", check_drop("CCM\\Logs", ccm_logs_drop()));
}

#[test]
fn a_saved_report_redacted_later_loses_the_user_in_a_log_s_name() {
    let analysis = Analysis::from_inputs(ccm_logs_drop(), &Limits::default());
    let report = Report::build(&analysis);
    let mut r = Redactor::new();
    r.learn_report(&report).unwrap();
    let red = redact::report(&report, &mut r).unwrap();
    let json = serde_json::to_string(&red).unwrap();
    assert!(!stands_in(&json, "jdoe") && !stands_in(&json, "VANROY"), "{json}");
    assert!(json.contains("SCClient_HOST-"), "{json}");
}

#[test]
fn real_logs_every_learned_name_is_gone_from_every_output() {
    let dir = wulens_testdata::real_logs();
    let mut inputs = Vec::new();
    read_tree(&dir, &dir, &mut inputs);
    inputs.retain(|i| !(i.name.ends_with(".json") || i.name.ends_with(".expected-utc.log")));
    assert!(inputs.len() >= 60, "the real logs are there: {}", inputs.len());
    // Each folder as one drop, and the whole tree as one.
    let mut drops: std::collections::BTreeMap<String, Vec<Input>> = std::collections::BTreeMap::new();
    for i in &inputs {
        let folder = i.name.rsplit_once('/').map_or(".", |(d, _)| d).to_string();
        drops.entry(folder).or_default().push(Input { name: i.name.clone(), bytes: i.bytes.clone() });
    }
    drops.insert("(all)".into(), inputs);
    let mut bad = Vec::new();
    for (label, drop) in drops {
        let analysis = Analysis::from_inputs(drop, &Limits::default());
        let report = Report::build(&analysis);
        let mut r = learned(&analysis);
        let red = match redact::report(&report, &mut r) {
            Ok(red) => red,
            Err(e) => {
                bad.push(format!("{label}: the report is not redacted: {e}"));
                continue;
            }
        };
        let (cursor, _) = redact::write_zip(&analysis, &mut r, std::io::Cursor::new(Vec::new())).unwrap();
        let members = zip_members(cursor.into_inner());
        // A site code of letters only is replaced only where a site code is written: elsewhere
        // it is a word or a number (`abc` is a thread id in a legacy WindowsUpdate.log).
        let originals: Vec<String> = r
            .learned_names()
            .into_iter()
            .filter(|(kind, name)| !(*kind == redact::Kind::Site && name.bytes().all(|c| c.is_ascii_alphabetic())))
            .map(|(_, name)| name)
            .collect();
        assert!(label != "(all)" || originals.len() >= 10, "names are learned from the real logs: {originals:?}");
        let outs =
            exports(&red).into_iter().map(|(f, t)| (f.to_string(), t)).chain(members.into_iter().flat_map(|(n, t)| [(n.clone(), n), (String::new(), t)]));
        for (what, out) in outs {
            for o in originals.iter().filter(|o| stands_in(&out, o)) {
                bad.push(format!("{label}: {o:?} is left in {what}"));
            }
        }
    }
    bad.dedup();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
