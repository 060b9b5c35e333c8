//! `wulens analyze --redact` and `wulens redact -o FILE.zip` (issue 48, "Share safely"): no
//! identifier a drop holds leaves in any format, the summary goes to stderr, and the redacted
//! zip reads back to the same conclusion.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wulens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wulens")).args(args).current_dir(root()).output().expect("run wulens")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "exit {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Identifiers in the fixture config-proxy-407 (its WSUS server, its proxy) and in the log
/// planted beside it (a computer, a user, addresses, a SID, an e-mail address, a device id).
const IDENTIFIERS: &[&str] = &[
    "ps1site",
    "proxy.contoso.com",
    "PC-BRAVO3",
    "mwilson",
    "10.44.0.17",
    "00-1A-2B-3C-4D-5E",
    "S-1-5-21-1004336348-1177238915-682003330-1104",
    "m.wilson@contoso.com",
    "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
];

const PLANTED: &str = "2024-06-25 15:31:12, Info                  CBS    Loading C:\\Users\\mwilson\\Downloads\\kb.msu for S-1-5-21-1004336348-1177238915-682003330-1104 (m.wilson@contoso.com)\r\n\
2024-06-25 15:31:13, Info                  CBS    ComputerName=PC-BRAVO3, DeviceId: {3F2504E0-4F89-41D3-9A0C-0305E82C3301}, peer 10.44.0.17, MAC 00-1A-2B-3C-4D-5E\r\n";

/// config-proxy-407's logs and the planted CBS.log, in a folder of their own.
fn drop_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name).join("logs");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let from = root().join("tests/fixtures/config-proxy-407/logs");
    for e in std::fs::read_dir(&from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.join("CBS.log"), PLANTED).unwrap();
    dir
}

fn left(haystack: &str) -> Vec<&'static str> {
    let lower = haystack.to_ascii_lowercase();
    IDENTIFIERS.iter().copied().filter(|i| lower.contains(&i.to_ascii_lowercase())).collect()
}

/// The conclusion of a JSON report, names aside.
fn conclusion(v: &serde_json::Value) -> String {
    let mut findings: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    findings.sort();
    let errors: Vec<String> = v["errors"].as_array().unwrap().iter().map(|e| format!("{} x{}", e["code"], e["count"])).collect();
    let mut ops: Vec<String> =
        v["operations"]["items"].as_array().unwrap().iter().map(|o| format!("{} {} {} {}", o["kind"], o["outcome"], o["code"], o["root"])).collect();
    ops.sort();
    format!("{} step {} {findings:?} {errors:?} {ops:?}", v["summary"]["status"], v["scan_flow"]["failed_step"])
}

#[test]
fn analyze_redact_leaves_no_identifier_in_any_format() {
    let dir = drop_dir("analyze-redact");
    let path = dir.to_str().unwrap();
    let plain = ok(&wulens(&["analyze", path, "--format", "json"]));
    assert_eq!(left(&plain), ["ps1site", "proxy.contoso.com"], "the plain report carries the WSUS server and the proxy");
    for format in ["json", "text", "markdown"] {
        let out = wulens(&["analyze", path, "--format", format, "--redact"]);
        let stdout = ok(&out);
        assert!(left(&stdout).is_empty(), "{format}: {:?} left in\n{stdout}", left(&stdout));
        assert!(stdout.contains("0x8024401B") && stdout.contains("HOST-"), "{format}: codes stay, pseudonyms are there");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("Redacted") && stderr.contains("server and host names as HOST-n"), "{format}: the summary is on stderr: {stderr}");
        assert!(left(&stderr).is_empty(), "the summary names no original");
    }
    let red: serde_json::Value = serde_json::from_str(&ok(&wulens(&["analyze", path, "--format", "json", "--redact"]))).unwrap();
    assert_eq!(conclusion(&red), conclusion(&serde_json::from_str(&plain).unwrap()));
}

#[test]
fn the_redacted_zip_holds_the_logs_and_reads_back_to_the_same_conclusion() {
    for (label, source) in [
        ("planted", drop_dir("redact-zip")),
        ("gpo", root().join("tests/fixtures/fail-step3-gpo-override/logs")),
        ("bundles", root().join("tests/fixtures/bundles")),
        ("cab", root().join("tests/fixtures/mdm-cab")),
        ("do", root().join("tests/fixtures/delivery-optimization-agent")),
    ] {
        redacted_zip_reads_back(label, source);
    }
}

/// The same for the real event logs (six .evtx) and setup logs of ../shared/reallogs/evidence.
#[test]
fn real_logs_redacted_zip_holds_the_event_logs_and_reads_back_to_the_same_conclusion() {
    redacted_zip_reads_back("evtx", wulens_testdata::real_logs().join("evidence"));
}

/// `wulens redact SOURCE -o ZIP`: nothing planted is left in the zip, which reads back to the
/// same conclusion as SOURCE.
fn redacted_zip_reads_back(label: &str, source: PathBuf) {
    let zip = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("redacted-{label}.zip"));
    let _ = std::fs::remove_file(&zip);
    let (src, dst) = (source.to_str().unwrap(), zip.to_str().unwrap());
    let out = wulens(&["redact", src, "-o", dst]);
    let stdout = ok(&out);
    assert!(stdout.contains("redacted logs"), "{label}: {stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Redacted"), "{label}: the summary is on stderr");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        all.push_str(f.name());
        all.push('\n');
        f.read_to_string(&mut all).unwrap_or_else(|e| panic!("{label}: {} is UTF-8 text: {e}", f.name()));
    }
    assert!(left(&all).is_empty(), "{label}: {:?} left in the zip", left(&all));
    let plain: serde_json::Value = serde_json::from_str(&ok(&wulens(&["analyze", src, "--format", "json"]))).unwrap();
    let back: serde_json::Value = serde_json::from_str(&ok(&wulens(&["analyze", dst, "--format", "json"]))).unwrap();
    assert_eq!(conclusion(&back), conclusion(&plain), "{label}: the redacted zip concludes the same");
    assert_eq!(
        back["files"].as_array().unwrap().len(),
        plain["files"].as_array().unwrap().iter().filter(|f| f["format"] != "binary" && f["format"] != "empty").count()
    );
    if label == "evtx" {
        let back_files = back["files"].as_array().unwrap();
        let decoded: Vec<&serde_json::Value> = back_files.iter().filter(|f| f["name"].as_str().unwrap().ends_with(".evtx.txt")).collect();
        assert_eq!(decoded.len(), 6, "each event log is written as NAME.evtx.txt");
        // One of them holds no event: its text is empty.
        assert_eq!(decoded.iter().filter(|f| f["format"] == "evtx").count(), 5, "the event logs read back as event logs");
    }
    if label == "planted" {
        let names: Vec<String> = (0..archive.len()).map(|i| archive.by_index(i).unwrap().name().to_string()).collect();
        assert!(names.contains(&"logs/CBS.log".to_string()) && names.contains(&"logs/wu-policy.reg".to_string()), "{names:?}");
    }
}

// Issue 62: what the drop states about itself (dsregcmd's device name, an MDM report's serial
// number and hardware hash, an Autopilot CSV named for the computer, the folder named after
// it) leaves in no output of `wulens redact` or `analyze --redact`: not in texts, not in names.

const PC: &str = "PC-0427";
const SERIAL: &str = "5CG7301QX9";
const HW_HASH: &str = "T0FeAQEAHAAAAAoAhwtlTQAAgQAJAK1kT0A2xW9kZ0R3aXRoU29tZUludmVudGVkQnl0ZXM+/Test==";
const DROP_PLANTED: &[&str] =
    &[PC, "corp.example.com", SERIAL, HW_HASH, "00330-80000-00000-AA123", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "kdrumm", "PC-MDM04"];

fn drop_left(haystack: &str) -> Vec<&'static str> {
    let lower = haystack.to_ascii_lowercase();
    DROP_PLANTED.iter().copied().filter(|i| lower.contains(&i.to_ascii_lowercase())).collect()
}

/// A machine's folder, named for it: dsregcmd /status, an MDM report, the Autopilot CSV, a
/// WindowsUpdate.log that names the computer in lower case, and a zip of its CBS log.
fn machine_dir() -> PathBuf {
    use std::io::Write;
    let top = Path::new(env!("CARGO_TARGET_TMPDIR")).join("redact-machine");
    let _ = std::fs::remove_dir_all(&top);
    let dir = top.join(PC);
    std::fs::create_dir_all(&dir).unwrap();
    let w = |name: &str, text: String| std::fs::write(dir.join(name), text).unwrap();
    w(
        "dsregcmd_status.txt",
        format!(
            "| Device State |\r\n\r\n              DomainJoined : YES\r\n               Device Name : {PC}.corp.example.com\r\n                  DeviceId : 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\r\n     Executing Account Name : CORPZ\\kdrumm\r\n"
        ),
    );
    w(
        "MDMDiagReport.xml",
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<MDMEnterpriseDiagnosticsReport>\r\n<DeviceInfo><SMBIOSSerialNumber>{SERIAL}</SMBIOSSerialNumber><DeviceHardwareData>{HW_HASH}</DeviceHardwareData></DeviceInfo>\r\n</MDMEnterpriseDiagnosticsReport>\r\n"),
    );
    w(&format!("DeviceHash_{PC}.csv"), format!("Device Serial Number,Windows Product ID,Hardware Hash\r\n{SERIAL},00330-80000-00000-AA123,{HW_HASH}\r\n"));
    w(
        "WindowsUpdate.log",
        [
            "2024/06/25 15:31:14.1180000 1380  9044  Agent           * START * Finding updates CallerId = UpdateOrchestrator  Id = 57\r\n".to_string(),
            format!("2024/06/25 15:31:14.2180000 1380  9044  Misc            {} asked, serial {SERIAL}\r\n", PC.to_ascii_lowercase()),
            "2024/06/25 15:31:15.4180000 1380  9044  Agent           * END * Finding updates CallerId = UpdateOrchestrator, Id = 57, Exit code = 0x80244007\r\n".to_string(),
        ]
        .concat(),
    );
    let mut zip = zip::ZipWriter::new(std::fs::File::create(dir.join("servicing.zip")).unwrap());
    zip.start_file(format!("{PC}-servicing/CBS.log"), zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(format!("2024-06-24 09:30:12, Info                  CBS    Loaded C:\\Users\\kdrumm\\x.msu on {PC}\r\n").as_bytes()).unwrap();
    zip.finish().unwrap();
    dir
}

#[test]
fn what_the_drop_states_about_itself_leaves_in_no_text_and_no_name() {
    let dir = machine_dir();
    let cab = root().join("tests/fixtures/mdm-cab");
    for (label, source) in [("machine", dir), ("cab", cab)] {
        let src = source.to_str().unwrap();
        let plain = ok(&wulens(&["analyze", src, "--format", "json"]));
        assert!(!drop_left(&plain).is_empty(), "{label}: the plain report names the machine");
        for format in ["json", "text", "markdown"] {
            let out = wulens(&["analyze", src, "--format", format, "--redact"]);
            let stdout = ok(&out);
            assert!(drop_left(&stdout).is_empty(), "{label} {format}: {:?} left in\n{stdout}", drop_left(&stdout));
            assert!(drop_left(&String::from_utf8_lossy(&out.stderr)).is_empty());
        }
        let red: serde_json::Value = serde_json::from_str(&ok(&wulens(&["analyze", src, "--format", "json", "--redact"]))).unwrap();
        assert_eq!(red["redacted"], true, "{label}: a redacted report says so");
        assert_eq!(conclusion(&red), conclusion(&serde_json::from_str(&plain).unwrap()));

        let zip = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("redacted-self-{label}.zip"));
        let _ = std::fs::remove_file(&zip);
        let out = wulens(&["redact", src, "-o", zip.to_str().unwrap()]);
        ok(&out);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if label == "machine" {
            assert!(stderr.contains("serial numbers, hardware hashes and other device-unique values as HW-n"), "{stderr}");
        }
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
        let mut names = Vec::new();
        for i in 0..archive.len() {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            assert!(drop_left(f.name()).is_empty(), "{label}: the member's name is redacted: {}", f.name());
            assert!(drop_left(&text).is_empty(), "{label}: {}: {:?} left in\n{text}", f.name(), drop_left(&text));
            names.push(f.name().to_string());
        }
        if label == "machine" {
            assert!(names.iter().any(|n| n.starts_with("HOST-") && n.contains("/DeviceHash_HOST-")), "{names:?}");
            assert!(names.iter().any(|n| n.contains("servicing.zip/HOST-") && n.ends_with("-servicing/CBS.log")), "{names:?}");
        }
        let back: serde_json::Value = serde_json::from_str(&ok(&wulens(&["analyze", zip.to_str().unwrap(), "--format", "json"]))).unwrap();
        assert_eq!(conclusion(&back), conclusion(&serde_json::from_str(&plain).unwrap()), "{label}: the redacted zip concludes the same");
    }
}

/// A client's CCM\Logs folder (`wulens_testdata::ccm_logs`: ccmsetup's command line, the
/// management point, site code, certificate issuers, Entra ids, an inventory log's WMI queries,
/// a per-user log's name) shares from `analyze --redact` and `wulens redact`, with none of its
/// names left.
#[test]
fn a_ccm_logs_folder_redacts_in_every_format_and_in_the_zip() {
    use wulens_testdata::ccm_logs;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ccm-logs");
    let _ = std::fs::remove_dir_all(&dir);
    for (name, text) in ccm_logs::files() {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let path = dir.to_str().unwrap();
    let lost = |s: &str| ccm_logs::PLANTED.iter().filter(|p| s.to_ascii_lowercase().contains(&p.to_ascii_lowercase())).copied().collect::<Vec<_>>();
    for format in ["json", "text", "markdown"] {
        let out = wulens(&["analyze", path, "--format", format, "--redact"]);
        let stdout = ok(&out);
        assert!(lost(&stdout).is_empty(), "{format}: {:?} left in", lost(&stdout));
        // The report cites the site code and the certificate issuer: its summary counts them.
        let stderr = String::from_utf8_lossy(&out.stderr);
        for kind in ["1 site code as SITE-n", "certificate name"] {
            assert!(stderr.contains(kind), "{format}: the summary counts {kind}: {stderr}");
        }
    }
    let zip = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ccm-logs-redacted.zip");
    let _ = std::fs::remove_file(&zip);
    let out = wulens(&["redact", path, "-o", zip.to_str().unwrap()]);
    ok(&out);
    // The logs hold every kind: the zip's summary counts each on its own.
    let stderr = String::from_utf8_lossy(&out.stderr);
    for kind in ["1 computer name as HOST-n", "3 server and host names as HOST-n", "1 site code as SITE-n", "1 tenant id as TENANT-n", "1 user name as USER-n"]
    {
        assert!(stderr.contains(kind), "the zip's summary counts {kind}: {stderr}");
    }
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    assert_eq!(archive.len(), ccm_logs::files().len());
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut all = f.name().to_string();
        f.read_to_string(&mut all).unwrap();
        assert!(lost(&all).is_empty(), "{}: {:?} left in", f.name(), lost(&all));
    }
}
