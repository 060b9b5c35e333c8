//! The hold1 set of real logs (../shared/reallogs/hold1, never copied into the project; hold2 is
//! reallogs_hold2.rs): a careful reader's conclusions in its `verdicts.json`, and the failure
//! codes counted in its `expect.json`, read as they are and checked against the report.
//! These tests need those folders: without them they fail rather than check nothing. Nothing in the engine
//! knows these files: every conclusion comes from the general rules.
//!
//! `verdicts.json` checks (see that folder's README):
//! - `not_failed`: no failed scan step and no failed search;
//! - `no_error_findings`: no finding of severity error;
//! - `parsed`: the format is recognised (not plain text), and every line parsed;
//! - `mentions`: codes that the verdict, a statement or an error or warning finding names;
//! - `mentions_words`: words (any case) that the verdict, a statement or a finding says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use wulens_core::model::{FindingSeverity, OperationKind, Outcome, StepStatus};
use wulens_core::Report;

mod common;

use common::verdicts::{flag, named_codes, report, said, strings};

fn set(name: &str) -> PathBuf {
    let d = common::reallogs().map(|r| r.join(name)).filter(|d| d.join("verdicts.json").exists());
    d.unwrap_or_else(|| panic!("../shared/reallogs/{name}/verdicts.json is needed by this test (set WULENS_REALLOGS to the folder)"))
}

fn json(d: &Path, name: &str) -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(d.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn check(r: &Report, v: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    if flag(v, "not_failed") {
        for st in r.scan_flow.steps.iter().filter(|s| s.status == StepStatus::Failed) {
            bad.push(format!("scan step {} failed", st.number));
        }
        let searches = r.operations.groups.iter().filter(|g| g.kind == OperationKind::Search).map(|g| g.failed).sum::<usize>();
        if searches > 0 {
            bad.push(format!("{searches} failed search(es)"));
        }
        let listed = r.operations.items.iter().filter(|o| o.kind == OperationKind::Search && o.outcome == Outcome::Failed).count();
        if listed > 0 && searches == 0 {
            bad.push("a failed search is listed but not counted".into());
        }
    }
    if flag(v, "no_error_findings") {
        for f in r.findings.iter().filter(|f| f.severity == FindingSeverity::Error) {
            bad.push(format!("error finding {}: {}", f.id, f.summary));
        }
    }
    if flag(v, "parsed") {
        for f in &r.files {
            if f.format == "plain_text" || f.unparsed > 0 {
                bad.push(format!("{} read as {} with {} unparsed lines", f.name, f.format, f.unparsed));
            }
        }
    }
    let codes = named_codes(r);
    for c in strings(v, "mentions") {
        if !codes.contains(&c.to_uppercase().replace("0X", "0x")) {
            bad.push(format!("{c} is not named by the verdict, a statement or a finding"));
        }
    }
    let words = said(r, false).to_lowercase();
    for w in strings(v, "mentions_words") {
        if !words.contains(&w.to_lowercase()) {
            bad.push(format!("{w:?} is not said"));
        }
    }
    bad
}

/// Every log of `name` checked against its careful reader's verdict; at least `min` logs.
fn readers_conclusions(name: &str, min: usize) {
    let d = set(name);
    let verdicts = json(&d, "verdicts.json");
    let mut checked = 0;
    let mut all = Vec::new();
    for (name, v) in verdicts.iter().filter(|(k, _)| !k.starts_with('_')) {
        let r = report(&d, name);
        checked += 1;
        for b in check(&r, v) {
            all.push(format!("{name}: {b}\n    verdict: {}\n    reader: {}", r.summary.verdict, v.get("why").and_then(Value::as_str).unwrap_or("")));
        }
        // Conclusions are evidence.
        for st in r.statements.iter().filter(|st| st.evidence.is_empty()) {
            all.push(format!("{name}: a statement with no evidence: {}", st.text));
        }
    }
    assert!(checked >= min, "verdicts.json lists {checked} logs");
    assert!(all.is_empty(), "{} problem(s):\n{}", all.len(), all.join("\n"));
}

#[test]
fn every_hold1_log_gets_the_careful_readers_conclusion() {
    readers_conclusions("hold1", 13);
}

/// Every failure code the mechanical count finds is found at least as often (wulens also reads
/// symbolic names, decimal values and HRESULTs in words, which that count does not), and a code
/// it lists as optional is never required.
#[test]
fn every_hold1_failure_code_is_found() {
    let d = set("hold1");
    let expect = json(&d, "expect.json");
    let mut all = Vec::new();
    for (name, v) in expect.iter().filter(|(_, v)| v.get("codes").is_some()) {
        let r = report(&d, name);
        let got: BTreeMap<&str, u32> = r.errors.iter().map(|e| (e.code.as_str(), e.count)).collect();
        let optional = strings(v, "optional");
        for (code, n) in v["codes"].as_object().expect("codes is an object") {
            let n = n.as_u64().expect("a count") as u32;
            let have = got.get(code.as_str()).copied().unwrap_or(0);
            if have < n && !optional.contains(code) {
                all.push(format!("{name}: {code} found {have} time(s), the count says {n}"));
            }
        }
    }
    assert!(all.is_empty(), "{} problem(s):\n{}", all.len(), all.join("\n"));
}
