//! The CLI contract (ARCHITECTURE.md, "Contracts"): commands, JSON fields, exit codes. JSON is pinned with insta.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wulens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wulens")).args(args).current_dir(root()).output().expect("run wulens")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "exit {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn analyze_json_has_the_contract_fields() {
    let v = json(&wulens(&["analyze", "tests/fixtures/fail-step3-proxy-407/logs", "--format", "json"]));
    for f in v["files"].as_array().unwrap() {
        for key in ["name", "format", "encoding", "lines", "entries", "unparsed"] {
            assert!(!f[key].is_null(), "files[].{key}");
        }
    }
    let e = &v["errors"][0];
    assert_eq!(e["code"], "0x8024401B");
    for key in ["count", "first_seen", "files", "kb"] {
        assert!(!e[key].is_null(), "errors[].{key}");
    }
    assert_eq!(v["scan_flow"]["failed_step"], 3);
    let step = &v["scan_flow"]["steps"][2];
    assert_eq!((step["number"].as_u64(), step["status"].as_str()), (Some(3), Some("failed")));
    assert!(step["evidence"].as_array().unwrap().iter().all(|e| e["file"].is_string() && e["line"].is_u64()));
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["id"] == "proxy_error" && f["severity"].is_string() && f["evidence"].is_array()));
    assert!(v["updates"].is_array());
}

/// The whole report of two scenarios, pinned. Review changes with `cargo insta review`.
#[test]
fn analyze_json_snapshots() {
    for scenario in ["fail-step3-proxy-407", "seed-excerpts"] {
        let mut v = json(&wulens(&["analyze", &format!("tests/fixtures/{scenario}/logs"), "--format", "json"]));
        v["tool"]["version"] = "[version]".into();
        // Knowledge-base prose is pinned by the kb crate; here only its presence matters.
        for e in v["errors"].as_array_mut().unwrap() {
            if let Some(kb) = e.get_mut("kb").filter(|k| k.is_object()) {
                *kb = serde_json::json!({ "code": kb["code"], "symbol": kb["symbol"], "category": kb["category"], "mitigation_steps": kb["mitigation"].as_array().map_or(0, |m| m.len()) });
            }
        }
        // Keys in name order, whatever order serde_json keeps (the evtx crate turns on its
        // `preserve_order`, so a parsed report keeps the writer's order).
        insta::with_settings!({ sort_maps => true }, {
            insta::assert_json_snapshot!(scenario, v);
        });
    }
}

#[test]
fn analyze_text_and_markdown() {
    let out = wulens(&["analyze", "tests/fixtures/fail-step3-gpo-override/logs"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("✘ 3. Windows Update Agent scans against the WSUS server  [failed]"), "{text}");
    assert!(text.contains("✔ 1."));
    assert!(text.contains("Group Policy overrides the WSUS server"));
    assert!(text.contains("http://OLDWSUS.CONTOSO.COM:8530"));
    let md = String::from_utf8(wulens(&["analyze", "tests/fixtures/fail-step3-gpo-override/logs", "--format", "markdown"]).stdout).unwrap();
    // The ticket's Markdown: the summary first (the page's "Copy summary"), the detail after it.
    assert!(md.starts_with("# wulens report: Scan failed\n"), "{md}");
    let summary = &md[..md.find("\n---\n").expect("the summary ends with a rule")];
    assert!(summary.len() <= wulens_core::report::SUMMARY_BYTES && summary.contains("Leading failures:"), "{summary}");
    assert!(md.contains("- `0x80072EE2` `ERROR_WINHTTP_TIMEOUT`"), "{md}");
    assert!(!md.contains("\\_"), "no backslash escapes: {md}");
}

#[test]
fn analyze_exit_codes() {
    let missing = wulens(&["analyze", "no/such/path.log"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read no/such/path.log"));

    let dir = std::env::temp_dir().join(format!("wulens-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let etl = dir.join("WindowsUpdate.etl");
    std::fs::write(&etl, [0u8, 1, 2, 3, 0, 0, 0, 9, 200, 0]).unwrap();
    let only_binary = wulens(&["analyze", etl.to_str().unwrap()]);
    assert_eq!(only_binary.status.code(), Some(2));
    let err = String::from_utf8_lossy(&only_binary.stderr);
    assert!(err.contains("Get-WindowsUpdateLog"), "{err}");
    assert!(err.contains("nothing to analyze"), "{err}");

    // A binary next to a real log: a message on stderr, and the run goes on.
    let mixed = wulens(&["analyze", etl.to_str().unwrap(), "tests/fixtures/fail-step3-proxy-407/logs/WUAHandler.log"]);
    assert_eq!(mixed.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&mixed.stderr).contains("Get-WindowsUpdateLog"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn code_json_contract_and_exit_codes() {
    let v = json(&wulens(&["code", "-2145107941", "--format", "json"]));
    assert_eq!(v["code"], "0x8024401B");
    assert_eq!(v["symbol"], "WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ");
    assert_eq!(v["known"], true);
    assert_eq!(v["category"], "proxy");
    for key in ["message", "description", "mitigation", "sources"] {
        assert!(!v[key].is_null() && v[key] != "" && v[key] != serde_json::json!([]), "{key}");
    }
    assert_eq!(v["decoded"]["facility"], 36);
    assert_eq!(v["decoded"]["facility_name"], "FACILITY_WINDOWSUPDATE");
    assert_eq!(v["decoded"]["http_status"], 407);
    assert_eq!(v["decoded"]["severity"], "error");

    let unknown = json(&wulens(&["code", "0x8024FFFE", "--format", "json"]));
    assert_eq!(unknown["known"], false);
    assert_eq!(unknown["decoded"]["facility_name"], "FACILITY_WINDOWSUPDATE");

    let win32 = json(&wulens(&["code", "0x80070005", "--format", "json"]));
    assert_eq!(win32["decoded"]["win32"]["name"], "ERROR_ACCESS_DENIED");

    let bad = wulens(&["code", "not a code"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not an error code"));
    assert_eq!(wulens(&["code", "0x123456789"]).status.code(), Some(1));

    let text = String::from_utf8(wulens(&["code", "8024401b"]).stdout).unwrap();
    assert!(text.contains("What to do:") && text.contains("netsh winhttp show proxy"));
}

#[test]
fn search_and_kb_export() {
    let hits = json(&wulens(&["search", "proxy", "--format", "json", "--limit", "4"]));
    let codes: Vec<&str> = hits.as_array().unwrap().iter().map(|h| h["code"].as_str().unwrap()).collect();
    for c in ["0x80244021", "0x8024401B", "0x80240030", "0x8024402C"] {
        assert!(codes.contains(&c), "{codes:?}");
    }
    let export = json(&wulens(&["kb", "export"]));
    assert_eq!(export["format"], "wulens-kb/1");
    assert!(export["count"].as_u64().unwrap() > 1000);
    assert_eq!(export["entries"].as_array().unwrap().len() as u64, export["count"].as_u64().unwrap());
}

#[test]
fn timeline_and_collect_help() {
    let out = wulens(&["timeline", "tests/fixtures/fail-step3-proxy-407/logs", "--problems"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.iter().all(|l| l.contains(" error ") || l.contains(" warning ")), "{text}");
    assert!(lines.windows(2).all(|w| w[0][..23] <= w[1][..23]), "merged in time order:\n{text}");
    let help = String::from_utf8(wulens(&["collect-help"]).stdout).unwrap();
    assert!(help.contains("Get-WindowsUpdateLog") && help.contains("netsh winhttp show proxy"));
    // The bundle is named after the computer, and the fleet names the machine after the bundle.
    assert!(help.contains("wulens-$env:COMPUTERNAME-$(Get-Date -Format yyyy-MM-dd).zip"), "{help}");
    assert_eq!(wulens_core::input::bundles::stem("wulens-PC-042-2026-11-25.zip"), "PC-042");
}

#[test]
fn configuration_joins_the_logs_on_both_sides() {
    let v = json(&wulens(&["analyze", "tests/fixtures/config-gpo-mismatch/logs", "--format", "json"]));
    let c = &v["configuration"];
    assert_eq!(c["provided"], true);
    assert_eq!(c["policy"]["wu_server"]["value"], "http://OLDWSUS.CONTOSO.COM:8530");
    assert_eq!(c["policy"]["use_wu_server"]["value"], "1");
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["id"] == "config_gpo_mismatch").expect("finding");
    let cited: Vec<String> = f["evidence"].as_array().unwrap().iter().map(|e| format!("{}:{}", e["file"].as_str().unwrap(), e["line"])).collect();
    assert!(cited.iter().any(|c| c.ends_with("wu-policy.txt:3")), "{cited:?}");
    assert!(cited.iter().any(|c| c.ends_with("LocationServices.log:10")), "{cited:?}");
    assert!(f["summary"].as_str().unwrap().contains("http://PS1SITE.CONTOSO.COM:8530"));

    // A UTF-16 .reg export and a WinHTTP proxy that does not bypass WSUS.
    let v = json(&wulens(&["analyze", "tests/fixtures/config-proxy-407/logs", "--format", "json"]));
    let files: Vec<(&str, &str)> = v["files"].as_array().unwrap().iter().map(|f| (f["format"].as_str().unwrap(), f["encoding"].as_str().unwrap())).collect();
    assert!(files.contains(&("reg_export", "utf-16le-bom")), "{files:?}");
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["id"] == "config_proxy_blocks_wsus"));

    // Logs only: no configuration findings, and the commands that would add them.
    let v = json(&wulens(&["analyze", "tests/fixtures/config-none-given/logs", "--format", "json"]));
    assert_eq!(v["configuration"]["provided"], false);
    assert!(!v["findings"].as_array().unwrap().iter().any(|f| f["id"].as_str().unwrap().starts_with("config_")));
    let commands: Vec<&str> = v["configuration"]["missing"].as_array().unwrap().iter().map(|m| m["command"].as_str().unwrap()).collect();
    assert!(commands.iter().any(|c| c.starts_with("reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate /s")), "{commands:?}");
    assert!(commands.iter().any(|c| c.starts_with("netsh winhttp show proxy")));
    let text = String::from_utf8(wulens(&["analyze", "tests/fixtures/config-none-given/logs"]).stdout).unwrap();
    assert!(text.contains("Client configuration\n  not given"), "{text}");
}

/// Hostile input: clear messages, nothing lost, bounded resources.
#[test]
fn hostile_inputs() {
    let dir = std::env::temp_dir().join(format!("wulens-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // 10,000 tiny files, some with a code.
    let many = dir.join("many");
    std::fs::create_dir_all(&many).unwrap();
    for i in 0..10_000 {
        let line = if i % 1000 == 0 { format!("line {i} error 0x8024401B\n") } else { format!("line {i}\n") };
        std::fs::write(many.join(format!("f{i:05}.log")), line).unwrap();
    }
    let v = json(&wulens(&["analyze", many.to_str().unwrap(), "--format", "json"]));
    assert_eq!(v["files"].as_array().unwrap().len(), 10_000);
    assert_eq!(v["summary"]["lines"], 10_000);
    assert_eq!(v["errors"][0]["count"], 10);

    // Folders nested 60 deep.
    let mut deep = dir.join("deep");
    for i in 0..60 {
        deep = deep.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("WindowsUpdate.log"), "2024/05/31 16:45:56.1360371 1 2 WebServices     *FAILED* [80072EE2] Send request\r\n").unwrap();
    let v = json(&wulens(&["analyze", dir.join("deep").to_str().unwrap(), "--format", "json"]));
    assert!(v["files"][0]["name"].as_str().unwrap().ends_with("/d59/WindowsUpdate.log"));
    assert_eq!(v["errors"][0]["code"], "0x80072EE2");

    // A single 50 MB line, then a line with NULs and mixed line endings.
    let big = dir.join("huge.log");
    let mut content = vec![b'x'; 50 << 20];
    content.extend_from_slice(b" 0x8024401B\r\nnul\0inside\rcr only\nlf\r\n");
    std::fs::write(&big, &content).unwrap();
    let v = json(&wulens(&["analyze", big.to_str().unwrap(), "--format", "json"]));
    assert_eq!(v["files"][0]["lines"], 4);
    assert_eq!(v["files"][0]["format"], "plain_text");
    assert_eq!(v["errors"][0]["code"], "0x8024401B");

    std::fs::remove_dir_all(&dir).unwrap();
}

/// A Windows event log analyses like any log (the real ones in ../shared/reallogs/evidence,
/// read in place).
#[test]
fn real_logs_analyze_an_event_log() {
    let p = wulens_testdata::real_logs().join("evidence/65_System.evtx");
    let v = json(&wulens(&["analyze", p.to_str().unwrap(), "--format", "json"]));
    assert_eq!(v["files"][0]["format"], "evtx");
    assert_eq!(v["files"][0]["entries"], 299);
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["id"] == "eventlog_service_crash_during_install"));
    let text = wulens(&["analyze", p.to_str().unwrap(), "--format", "text"]);
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("0x80073CF9"));
}

#[test]
fn the_windows_commands_say_where_they_work_elsewhere() {
    // --this-machine reads a Windows machine: on Linux it says so, exit 2, nothing on stdout.
    for args in [&["analyze", "--this-machine"][..], &["collect"], &["fleet-row", "--this-machine"]] {
        let out = wulens(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("run wulens.exe there"), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // fleet-row has no other source than this machine; analyze needs paths without it.
    assert_eq!(wulens(&["fleet-row"]).status.code(), Some(2));
    assert_eq!(wulens(&["analyze"]).status.code(), Some(2));
}

#[cfg(not(feature = "site"))]
#[test]
fn serve_without_the_page_built_in_says_how_to_get_it() {
    let out = wulens(&["serve", "--no-open"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("./dev dist"), "{}", String::from_utf8_lossy(&out.stderr));
}
