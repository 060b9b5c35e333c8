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
//! the words said by the verdict, a statement or a finding).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use wulens_core::model::{FindingSeverity, OperationKind, Outcome, StepStatus};
use wulens_core::Report;

mod common;

use common::verdicts::{flag, named_codes, report, said, strings};

fn hold2() -> PathBuf {
    let d = common::reallogs().map(|r| r.join("hold2"));
    match d {
        Some(d) if d.join("verdicts.json").exists() => d,
        _ => panic!("the hold2 real logs are missing: put them in ../shared/reallogs/hold2 or set WULENS_REALLOGS"),
    }
}

fn check(r: &Report, v: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    if flag(v, "not_failed") {
        for st in r.scan_flow.steps.iter().filter(|s| s.status == StepStatus::Failed) {
            bad.push(format!("scan step {} failed", st.number));
        }
        let searches = r.operations.items.iter().filter(|o| o.kind == OperationKind::Search && o.outcome == Outcome::Failed).count();
        if searches > 0 {
            bad.push(format!("{searches} failed search(es)"));
        }
    }
    if flag(v, "no_error_findings") {
        for f in r.findings.iter().filter(|f| f.severity == FindingSeverity::Error) {
            bad.push(format!("error finding {}: {}", f.id, f.summary));
        }
    }
    if flag(v, "parsed") {
        for f in r.files.iter().filter(|f| f.format == "plain_text" || f.unparsed > 0 || f.entries == 0) {
            bad.push(format!("{} read as {} with {} entries, {} unparsed lines", f.name, f.format, f.entries, f.unparsed));
        }
    }
    let codes = named_codes(r);
    for c in strings(v, "mentions") {
        if !codes.contains(&c.to_uppercase().replace("0X", "0x")) {
            bad.push(format!("{c} is not named by the verdict, a statement or a finding"));
        }
    }
    let words = said(r, false).to_lowercase();
    let wanted = strings(v, "mentions_words");
    if !wanted.is_empty() && !wanted.iter().any(|w| words.contains(&w.to_lowercase())) {
        bad.push(format!("none of {wanted:?} is said"));
    }
    bad
}

#[test]
fn every_hold2_log_gets_the_careful_readers_conclusion() {
    let d = hold2();
    let text = std::fs::read_to_string(d.join("verdicts.json")).expect("verdicts.json");
    let verdicts: BTreeMap<String, Value> = serde_json::from_str(&text).expect("verdicts.json is JSON");
    let mut checked = 0;
    let mut all = Vec::new();
    for (name, v) in verdicts.iter().filter(|(k, _)| !k.starts_with('_')) {
        let r = report(&d, name);
        checked += 1;
        for b in check(&r, v) {
            all.push(format!("{name}: {b}\n    verdict: {}\n    reader: {}", r.summary.verdict, v.get("why").and_then(Value::as_str).unwrap_or("")));
        }
        for st in r.statements.iter().filter(|st| st.evidence.is_empty()) {
            all.push(format!("{name}: a statement with no evidence: {}", st.text));
        }
    }
    assert!(checked >= 14, "verdicts.json lists {checked} logs");
    assert!(all.is_empty(), "{} problem(s):\n{}", all.len(), all.join("\n"));
}

/// A first boot with no network: the agent's own state lines say so, and the finding quotes
/// them beside the name-resolution failures they explain.
#[test]
fn an_offline_first_boot_is_said_to_have_had_no_network() {
    let r = report(&hold2(), "43_WindowsUpdate.20250426.052044.386.1.etl");
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
fn a_wusa_trace_is_read_and_its_failed_install_named() {
    let r = report(&hold2(), "45_Update_log.txt");
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
