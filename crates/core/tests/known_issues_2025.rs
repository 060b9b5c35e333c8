//! This year's known issues as rules (issue 74), each on a fixture of our own
//! (tests/fixtures/known-issues-2025, README there): it concludes with the lines that prove it,
//! and stays silent where a line it needs is missing.

use std::path::PathBuf;

use wulens_core::{Analysis, Diagnosis, Input, Limits};

fn fixture(name: &str) -> (String, Vec<u8>) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/known-issues-2025").join(name);
    (name.to_string(), std::fs::read(p).unwrap())
}

fn run(files: Vec<(String, Vec<u8>)>) -> Diagnosis {
    let inputs = files.into_iter().map(|(name, bytes)| Input { name, bytes: bytes.into() }).collect();
    Diagnosis::run(&Analysis::from_inputs(inputs, &Limits::default()))
}

/// The finding `id`'s evidence as `file:line`.
fn lines(d: &Diagnosis, id: &str) -> Option<Vec<String>> {
    d.findings.iter().find(|f| f.id() == id).map(|f| f.evidence.iter().map(|e| format!("{}:{}", e.file, e.line)).collect())
}

#[test]
fn the_winre_update_failing_names_the_recovery_partition() {
    let d = run(vec![fixture("ReportingEvents.log")]);
    assert_eq!(lines(&d, "winre_recovery_partition"), Some(vec!["ReportingEvents.log:1".to_string()]));
    let f = d.findings.iter().find(|f| f.id() == "winre_recovery_partition").unwrap();
    assert!(f.rule.title.contains("recovery partition"));
}

#[test]
fn a_full_efi_system_partition_is_named_with_the_boot_lines_and_the_code() {
    let d = run(vec![fixture("CBS.log")]);
    assert_eq!(lines(&d, "esp_full_boot_files"), Some(vec!["CBS.log:2".to_string(), "CBS.log:4".to_string()]));
    // The boot lines without 0x800F0922: no conclusion.
    let (name, bytes) = fixture("CBS.log");
    let without: String = String::from_utf8(bytes).unwrap().lines().filter(|l| !l.contains("0x800f0922")).map(|l| format!("{l}\n")).collect();
    assert_eq!(lines(&run(vec![(name, without.into_bytes())]), "esp_full_boot_files"), None);
}

#[test]
fn a_24h2_update_failing_on_a_healthy_store_names_the_in_place_upgrade() {
    let both = run(vec![fixture("ReportingEvents.log"), fixture("CBS.log")]);
    assert_eq!(lines(&both, "cu_fails_on_healthy_store"), Some(vec!["ReportingEvents.log:2".to_string(), "CBS.log:5".to_string()]));
    let f = both.findings.iter().find(|f| f.id() == "cu_fails_on_healthy_store").unwrap();
    assert!(f.guidance.iter().any(|g| g.text.contains("in-place upgrade")));
    // Without the store's healthy scan, the failure alone does not say why.
    assert_eq!(lines(&run(vec![fixture("ReportingEvents.log")]), "cu_fails_on_healthy_store"), None);
}
