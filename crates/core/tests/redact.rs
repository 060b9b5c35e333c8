//! Redaction for sharing (`crates/core/src/output/redact/`): identifiers planted in every log
//! format are gone from the redacted logs and from the text, JSON and Markdown of the redacted
//! report; the same original gets the same pseudonym everywhere; what the conclusion needs
//! (codes, KBs, update ids, Microsoft's endpoints, ports) stays; and the conclusion of every
//! fixture and every real log is the same after redaction, from the redacted report and from
//! the redacted logs read again (event logs and traces as the text wulens decoded).

use std::path::{Path, PathBuf};

use wulens_core::model::VerdictStatus;
use wulens_core::{markdown, redact_report, text, Analysis, Input, Limits, RedactKind, Redactor, Report};

mod common;

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
        "2024/06/25 15:31:10.0563137 1380  3316  Misc            ComputerName = PC-ALPHA7.corp.local, SusClientId = c0ffee00-1234-4abc-9def-0123456789ab\r\n",
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

/// A redactor taught by every file of the drop, as the CLI's is.
fn learned(a: &Analysis) -> Redactor {
    let mut r = Redactor::new();
    for f in &a.files {
        r.learn_path(&f.name);
        r.learn(&f.text);
    }
    r
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
    let kinds: Vec<RedactKind> = summary.kinds.iter().map(|k| k.kind).collect();
    assert_eq!(kinds, RedactKind::ALL, "every kind was replaced: {}", summary.text());
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
    let red = redact_report(&report, &mut r).unwrap();
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
    let wsus = r.pseudonym(RedactKind::Host, WSUS);
    let pc = r.pseudonym(RedactKind::Host, "pc-alpha7");
    assert_ne!(wsus, pc);
    // The short name a log states (`http://wsus02:8530`) is another name than the FQDN; the
    // computer's FQDN and its name are one.
    assert_eq!(r.pseudonym(RedactKind::Host, "pc-alpha7.corp.local"), pc);
    let wu = &texts[analysis.files.iter().position(|f| f.name.ends_with("WindowsUpdate.log")).unwrap()];
    assert!(wu.contains(&format!("http://{wsus}:8530/ClientWebService")), "{wu}");
    let cm = &texts[analysis.files.iter().position(|f| f.name.ends_with("WUAHandler.log")).unwrap()];
    assert!(cm.contains(&format!("(http://{wsus}:8530)")), "{cm}");
    let json = serde_json::to_string(&redact_report(&report, &mut r).unwrap()).unwrap();
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
    let red = redact_report(&report, &mut r).unwrap();
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
fn every_real_log_concludes_the_same_after_redaction() {
    let dir = common::reallogs().expect("the real logs (../shared/reallogs, or $WULENS_REALLOGS) are needed by this test");
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
    let red = redact_report(&report, &mut r).unwrap();
    assert_eq!(red, report);
    assert_eq!(red.summary.status, VerdictStatus::Failed);
    assert_eq!(r.summary().total(), 0, "{}", r.summary().text());
}
