//! Bundles as admins' collectors write them (`tests/fixtures/bundles`): `wulens analyze` on an
//! Intune Collect diagnostics zip gives one machine with the update ring in its configuration
//! and each file's place in the bundle; `wulens fleet` on the folder gives one row per bundle.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wulens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wulens")).args(args).current_dir(root()).output().expect("run wulens")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

#[test]
fn analyze_an_intune_diagnostics_zip() {
    let out = wulens(&["analyze", "tests/fixtures/bundles/DiagLogs-PC-INTUNE01-20261120T101500Z.zip", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["machines"].as_array().map(Vec::len), Some(0));
    let ring = &v["configuration"]["update_ring"];
    assert_eq!(ring["pause_quality"]["value"], "2026-11-02");
    assert_eq!(ring["defer_quality_days"]["value"], "7");
    let files = v["files"].as_array().unwrap();
    let xml = files.iter().find(|f| f["format"] == "mdm_report").expect("MDMDiagReport.xml read");
    assert_eq!(xml["member"], "MDMDiagReport.xml");
    assert!(xml["bundle"].as_str().unwrap().ends_with(".cab"), "{}", xml["bundle"]);
    assert!(files.iter().any(|f| f["member"] == "(8) RegistryKey HKLM_SOFTWARE_Policies export.reg" && f["format"] == "reg_export"));
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["id"] == "config_ring_paused"));
    // The text report shows the ring in the configuration too.
    let text = String::from_utf8_lossy(&wulens(&["analyze", "tests/fixtures/bundles/DiagLogs-PC-INTUNE01-20261120T101500Z.zip"]).stdout).into_owned();
    assert!(text.contains("Intune update ring") && text.contains("quality updates paused"), "{text}");
}

#[test]
fn a_folder_of_bundles_is_a_fleet() {
    let out = wulens(&["fleet", "tests/fixtures/bundles", "--format", "ndjson"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut machines: Vec<&str> = rows.iter().map(|r| r["machine"].as_str().unwrap()).collect();
    machines.sort();
    assert_eq!(machines, ["PC-INTUNE01", "PC-INTUNE02", "Support_5f0c2d9a7b3e4c1d8a6f2e0b9c4d7a13"]);
}
