//! What a machine's fleet row carries for the fleet to find what failing machines share: the
//! update server with the line that names it, and when its failures began (issue 49, item 1).
//! Reads a fixture, and a real log of ../shared/reallogs in the `real_logs` tests (crates/testdata).

use std::path::PathBuf;

use wulens_core::fleet::MachineRow;
use wulens_core::Input;

fn row(name: &str, bytes: Vec<u8>) -> MachineRow {
    MachineRow::from_inputs("m", "m", vec![Input { name: name.into(), bytes: bytes.into() }])
}

#[test]
fn the_row_names_the_server_the_logs_name_and_where() {
    // The agent's log alone: no policy, no WUAHandler.log; its searches name the server.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/config-none-given/logs/WindowsUpdate.log");
    let r = row("WindowsUpdate.log", std::fs::read(path).unwrap());
    assert_eq!(r.wsus_server, "http://ps1site.contoso.com:8530", "scheme, host and port, one spelling for the fleet");
    assert_eq!(r.wsus_server_from, "WindowsUpdate.log:8", "the line that names it");
}

#[test]
fn real_logs_a_failed_row_says_when_its_failures_began() {
    // 10_WindowsUpdate.log: searches succeed until 2024-05-31, then fail (README: 0x8024402C
    // name resolution) until the log ends.
    let r = row("10_WindowsUpdate.log", std::fs::read(wulens_testdata::real_logs().join("10_WindowsUpdate.log")).unwrap());
    assert_eq!(r.status, "failed");
    assert!(!r.failing_since.is_empty() && !r.last_failure.is_empty() && !r.last_success.is_empty(), "{r:?}");
    assert!(r.last_success < r.failing_since && r.failing_since <= r.last_failure, "{} < {} <= {}", r.last_success, r.failing_since, r.last_failure);
    assert!(r.failing_since.starts_with("2024-05-31"), "{}", r.failing_since);
}

#[test]
fn a_machine_with_no_failure_has_no_onset() {
    let ok = row(
        "WindowsUpdate.log",
        std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/scan-success/logs/WindowsUpdate.log")).unwrap(),
    );
    assert!(ok.failing_since.is_empty() && ok.last_failure.is_empty());
}

#[test]
fn real_logs_an_event_log_names_its_computer_by_its_latest_record() {
    // evidence/65: a System log that spans setup: its first records name the name setup gave
    // (`WIN-...`), its later ones the machine's own. The row is named by the latest.
    let r = row("65_System.evtx", std::fs::read(wulens_testdata::real_logs().join("evidence/65_System.evtx")).unwrap());
    assert!(!r.computer.is_empty() && !r.computer.starts_with("WIN-"), "{} ({})", r.computer, r.computer_from);
    assert_eq!(r.machine, r.computer, "named by its computer");
    assert!(r.computer_from.starts_with("65_System.evtx:"), "{}", r.computer_from);
}
