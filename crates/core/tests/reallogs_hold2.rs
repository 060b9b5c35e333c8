//! The hold2 set of real logs (../shared/reallogs/hold2, never copied into the project): a
//! careful reader's conclusions in its `verdicts.json`, read as they are and checked against the
//! report, and what two of them need in particular: an offline first boot's trace (43) and the
//! ETW file `wusa.exe /log` writes (45). Nothing in the engine knows these files: every conclusion
//! comes from the general rules, operations and the trace reader. Unlike the older sets' tests,
//! a missing folder fails: these conclusions are pinned here and nowhere else.
//!
//! `verdicts.json` checks (its `_about`): `not_failed` (no failed scan step, no failed search),
//! `no_error_findings`, `parsed` (a format of its own, every line parsed), `mentions` (each code
//! named by the verdict, a statement or an error or warning finding), `mentions_words` (one of
//! the words said by the verdict, a statement or a finding). The checks are common::verdicts's,
//! shared with hold1.

use wulens_core::model::{FindingSeverity, OperationKind, Outcome};

mod common;

use common::verdicts::{readers_conclusions, report, set, Words};

#[test]
fn real_logs_every_hold2_log_gets_the_careful_readers_conclusion() {
    readers_conclusions("hold2", 14, Words::Any);
}

/// A first boot with no network: the agent's own state lines say so, and the finding quotes
/// them beside the name-resolution failures they explain.
#[test]
fn real_logs_an_offline_first_boot_is_said_to_have_had_no_network() {
    let r = report(&set("hold2"), "43_WindowsUpdate.20250426.052044.386.1.etl");
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "no_network")
        .unwrap_or_else(|| panic!("no no_network finding: {:?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>()));
    assert_eq!(f.severity, FindingSeverity::Warning);
    let lines: Vec<&str> = f.evidence.iter().map(|e| e.text.as_str()).collect();
    assert!(lines.contains(&"Network state: Disconnected"), "{lines:?}");
    assert!(lines.contains(&"UpdateNetworkState Ipv4, cNetworkInterfaces = 0."), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("8024402C")), "{lines:?}");
    assert!(f.codes.contains(&"0x8024402C".to_string()), "{:?}", f.codes);
    assert!(f.summary.contains("no later line says it connected") && f.summary.contains("proxy or DNS"), "{}", f.summary);
}

/// wusa.exe's /log file: an ETW trace whose events are bare UTF-16 strings, read into lines; the
/// standalone install's result is the update's own HRESULT, never the "all updates failed" sum.
#[test]
fn real_logs_a_wusa_trace_is_read_and_its_failed_install_named() {
    let r = report(&set("hold2"), "45_Update_log.txt");
    let file = &r.files[0];
    assert_eq!((file.format.as_str(), file.entries, file.unparsed), ("windowsupdate_etw", 336, 0));
    let installs: Vec<_> = r.operations.items.iter().filter(|o| o.kind == OperationKind::Install).collect();
    assert_eq!(installs.len(), 1, "{installs:?}");
    let install = installs[0];
    assert_eq!(install.outcome, Outcome::Failed);
    assert_eq!(install.code.as_deref(), Some("0x80073712"));
    assert_ne!(install.root.as_deref(), Some("0x80240022"), "the summary code is never the root");
    assert!(install.update.as_deref().is_some_and(|u| u.contains("KB5062673")), "{:?}", install.update);
    assert!(r.summary.verdict.contains("0x80073712") && !r.summary.verdict.contains("0x80240022"), "{}", r.summary.verdict);
    assert!(
        r.statements.iter().any(|st| st.text.contains("KB5062673") && st.text.contains("0x80073712")),
        "{:?}",
        r.statements.iter().map(|s| &s.text).collect::<Vec<_>>()
    );
}
