//! `wulens fleet` with Windows Update for Business reports exports (`tests/fixtures/wufb`) at the
//! top of a folder of bundles (`tests/fixtures/bundles`): the exports are no machine, each alert
//! stands beside the cause its machine's logs give, a device with alerts and no logs is listed
//! with what to collect, and a damaged export is named while the others are read.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn wulens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wulens")).args(args).current_dir(root()).output().expect("run wulens")
}

/// The three bundles and the four exports side by side in a fresh folder.
fn fleet_with_exports(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wulens-wufb-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for from in ["tests/fixtures/bundles", "tests/fixtures/wufb"] {
        for e in std::fs::read_dir(root().join(from)).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".md") {
                std::fs::copy(e.path(), dir.join(&name)).unwrap();
            }
        }
    }
    dir
}

#[test]
fn exports_in_a_fleet_folder_join_each_alert_to_its_machine() {
    let dir = fleet_with_exports("json");
    let out = wulens(&["fleet", dir.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("wufb-cut-short.json: line"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The exports are no machine: the fleet is the three bundles, as without them.
    assert_eq!(v["machines"], 3);
    let w = &v["wufb"];
    let mut files: Vec<(&str, &str, u64)> =
        w["exports"].as_array().unwrap().iter().map(|x| (x["file"].as_str().unwrap(), x["table"].as_str().unwrap(), x["records"].as_u64().unwrap())).collect();
    files.sort();
    assert_eq!(
        files,
        [
            ("wufb-client-update-status.ndjson", "UCClientUpdateStatus", 2),
            ("wufb-device-alerts.json", "UCDeviceAlert", 2),
            ("wufb-update-alerts.csv", "UCUpdateAlert", 2)
        ]
    );
    let problems = w["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["file"], "wufb-cut-short.json");
    assert!(problems[0]["problem"].as_str().unwrap().contains("ends before it is complete"), "{}", problems[0]);

    let alerts = w["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 4);
    let by_id = |id: &str| alerts.iter().find(|a| a["alert_id"] == id).unwrap_or_else(|| panic!("alert {id}"));
    // By name, without case: pc-intune02's download failure beside PC-INTUNE02's logs.
    let a = by_id("4b1d0c2e9f8a7b6c5d4e3f2a1b0c9d81");
    assert_eq!((a["device"].as_str(), a["machine"].as_str(), a["joined_by"].as_str()), (Some("pc-intune02"), Some("PC-INTUNE02"), Some("device_name")));
    assert_eq!((a["table"].as_str(), a["alert_subtype"].as_str(), a["status"].as_str()), (Some("UCUpdateAlert"), Some("DownloadFailure"), Some("Active")));
    assert_eq!(
        (a["error_code"].as_str(), a["error_symbol"].as_str(), a["error_in_kb"].as_bool()),
        (Some("0x80072EE2"), Some("ERROR_WINHTTP_TIMEOUT"), Some(true))
    );
    assert_eq!(a["from"], "wufb-update-alerts.csv:2");
    assert_eq!(a["start_time"], "11/20/2026, 7:58:12.000 AM");
    assert!(a["description"].as_str().unwrap().contains("timed out, \"oldwsus\" unreachable"), "{}", a["description"]);
    assert_eq!(a["log"]["status"], "ok");
    assert_eq!(a["log"]["finding"], "config_ring_wsus_conflict");
    assert!(!a["log"]["finding_title"].as_str().unwrap().is_empty());
    // By Entra device id: the registration alert names no device; the status export pairs its id
    // with PC-INTUNE01.
    let a = by_id("9e2f1a0b8c7d6e5f4a3b2c1d0e9f8a71");
    assert_eq!((a["device"].as_str(), a["machine"].as_str(), a["joined_by"].as_str()), (Some("PC-INTUNE01"), Some("PC-INTUNE01"), Some("entra_id")));
    assert_eq!(a["from"], "wufb-device-alerts.json:2");
    assert_eq!(a["log"]["finding"], "config_ring_paused");
    // PC-NOLOGS07: two alerts, no logs, what to collect.
    let nolog = by_id("4b1d0c2e9f8a7b6c5d4e3f2a1b0c9d82");
    assert_eq!((nolog["machine"].as_str(), nolog["error_symbol"].as_str()), (Some(""), Some("ERROR_INSTALL_FAILURE")));
    assert!(nolog.get("log").is_none());
    let without = w["without_logs"].as_array().unwrap();
    assert_eq!(without.len(), 1, "{without:?}");
    assert_eq!((without[0]["device"].as_str(), without[0]["alerts"].as_u64(), without[0]["active"].as_u64()), (Some("PC-NOLOGS07"), Some(2), Some(2)));
    let mut from: Vec<&str> = without[0]["from"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    from.sort();
    assert_eq!(from, ["wufb-device-alerts.json:23", "wufb-update-alerts.csv:3"]);
    let collect: Vec<&str> = without[0]["collect"].as_array().unwrap().iter().map(|c| c["artifact"].as_str().unwrap()).collect();
    assert!(collect.contains(&"windows_update_traces") && collect.contains(&"event_logs"), "{collect:?}");
    // The update statuses join too.
    let statuses = w["statuses"].as_array().unwrap();
    assert_eq!(statuses.len(), 2);
    assert!(statuses.iter().all(|s| s["machine"] == s["device"] && s["kb"] == "KB5046633"), "{statuses:?}");

    // The text says the same in a section of its own.
    let text = String::from_utf8_lossy(&wulens(&["fleet", dir.to_str().unwrap()]).stdout).into_owned();
    assert!(text.contains("Windows Update for Business alerts (4 from 3 exports)"), "{text}");
    assert!(text.contains("pc-intune02: UCUpdateAlert ClientUpdateAlert DownloadFailure, 0x80072EE2 (ERROR_WINHTTP_TIMEOUT), Active"), "{text}");
    assert!(text.contains("PC-INTUNE01 by Entra device id; its logs: no failure; finding: The Intune update ring pauses updates"), "{text}");
    assert!(text.contains("PC-NOLOGS07: 2 alerts, 2 active"), "{text}");
    assert!(text.contains("run `wulens collect` on it"), "{text}");
    assert!(text.contains("could not be read: wufb-cut-short.json: line"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn exports_given_with_wufb_and_a_fleet_without_any_is_unchanged() {
    // Without exports the JSON has no `wufb` and is the same as before.
    let plain = wulens(&["fleet", "tests/fixtures/bundles", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(v.get("wufb").is_none());
    // `--wufb FILE`, repeatable; a file that is no export is named.
    let out = wulens(&[
        "fleet",
        "tests/fixtures/bundles",
        "--format",
        "json",
        "--wufb",
        "tests/fixtures/wufb/wufb-update-alerts.csv",
        "--wufb",
        "tests/fixtures/wufb/README.md",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let w: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut without_wufb = w.clone();
    without_wufb.as_object_mut().unwrap().remove("wufb");
    assert_eq!(without_wufb, v, "the summary is the same with exports");
    let w = &w["wufb"];
    assert_eq!(w["alerts"].as_array().unwrap().len(), 2);
    assert_eq!(w["alerts"][0]["machine"], "PC-INTUNE02");
    assert!(w["problems"][0]["problem"].as_str().unwrap().starts_with("README.md: not a Windows Update for Business reports export"), "{}", w["problems"]);
}
