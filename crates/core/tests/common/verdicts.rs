//! What the tests of the careful readers' verdicts share (reallogs_verdicts.rs for hold1,
//! reallogs_hold2.rs): a report of one real log, the values a verdict names, and what a report
//! says in words and codes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use wulens_core::model::{FindingSeverity, OperationKind, Outcome, StepStatus, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

/// How a set's `mentions_words` reads, as its own documents define it: hold1's README lists
/// words the report must all say; hold2's `_about` asks for one of them.
#[derive(Clone, Copy)]
pub enum Words {
    All,
    Any,
}

/// The folder of a set of real logs with a careful reader's `verdicts.json`, or a failure that
/// says it is missing: these conclusions are pinned nowhere else.
pub fn set(name: &str) -> PathBuf {
    let d = wulens_testdata::real_logs().join(name);
    assert!(d.join("verdicts.json").is_file(), "{}/verdicts.json is needed by this test", d.display());
    d
}

pub fn json(d: &Path, name: &str) -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(d.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What a report gets wrong against one log's verdict (`not_failed`, `nothing_failed`,
/// `no_error_findings`, `parsed`, `mentions`, `mentions_words`).
pub fn check(r: &Report, v: &Value, words: Words) -> Vec<String> {
    let mut bad = Vec::new();
    if flag(v, "not_failed") {
        for st in r.scan_flow.steps.iter().filter(|s| s.status == StepStatus::Failed) {
            bad.push(format!("scan step {} failed", st.number));
        }
        let counted = r.operations.groups.iter().filter(|g| g.kind == OperationKind::Search).map(|g| g.failed).sum::<usize>();
        let listed = r.operations.items.iter().filter(|o| o.kind == OperationKind::Search && o.outcome == Outcome::Failed).count();
        if counted > 0 || listed > 0 {
            bad.push(format!("{} failed search(es) ({counted} counted, {listed} listed)", counted.max(listed)));
        }
    }
    // Nothing the logs show failed, now or earlier: no failed status (hold3's key).
    if flag(v, "nothing_failed") && r.summary.status == VerdictStatus::Failed {
        bad.push(format!("status failed ({})", r.summary.badge));
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
    let said = said(r, false).to_lowercase();
    let wanted = strings(v, "mentions_words");
    let missing: Vec<&String> = wanted.iter().filter(|w| !said.contains(&w.to_lowercase())).collect();
    match words {
        Words::All if !missing.is_empty() => bad.push(format!("{missing:?} not said")),
        Words::Any if !wanted.is_empty() && missing.len() == wanted.len() => bad.push(format!("none of {wanted:?} is said")),
        _ => {}
    }
    bad
}

/// Every log of the set checked against its careful reader's verdict, at least `min` of them;
/// every statement names its lines.
pub fn readers_conclusions(name: &str, min: usize, words: Words) {
    let all: Vec<String> = problems(name, min, words).into_values().flatten().collect();
    assert!(all.is_empty(), "{} problem(s):\n{}", all.len(), all.join("\n"));
}

/// What each log of the set gets wrong against its careful reader's verdict (a log with none is
/// listed with no problem), at least `min` logs checked; a statement without its lines is one.
pub fn problems(name: &str, min: usize, words: Words) -> BTreeMap<String, Vec<String>> {
    let d = set(name);
    let verdicts = json(&d, "verdicts.json");
    let mut out = BTreeMap::new();
    for (name, v) in verdicts.iter().filter(|(k, _)| !k.starts_with('_')) {
        let r = report(&d, name);
        let mut bad = Vec::new();
        for b in check(&r, v, words) {
            bad.push(format!("{name}: {b}\n    verdict: {}\n    reader: {}", r.summary.verdict, v.get("why").and_then(Value::as_str).unwrap_or("")));
        }
        // Conclusions are evidence.
        for st in r.statements.iter().filter(|st| st.evidence.is_empty()) {
            bad.push(format!("{name}: a statement with no evidence: {}", st.text));
        }
        out.insert(name.clone(), bad);
    }
    assert!(out.len() >= min, "verdicts.json lists {} logs", out.len());
    out
}

pub fn report(d: &Path, name: &str) -> Report {
    let bytes = std::fs::read(d.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let a = Analysis::from_inputs(vec![Input { name: name.to_string(), bytes: bytes.into() }], &Limits::default());
    Report::build(&a)
}

pub fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default()
}

pub fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// Everything the first screen says in words: the verdict, the statements, the findings' titles
/// and summaries (of the error and warning ones when `serious`).
pub fn said(r: &Report, serious: bool) -> String {
    let mut s = format!("{}\n{}", r.summary.verdict, r.summary.detail);
    for st in &r.statements {
        s.push('\n');
        s.push_str(&st.text);
    }
    for f in r.findings.iter().filter(|f| !serious || f.severity != FindingSeverity::Info) {
        s.push('\n');
        s.push_str(&f.title);
        s.push('\n');
        s.push_str(&f.summary);
    }
    s
}

/// The codes the conclusions name: in the words, in the statements' codes, in the error and
/// warning findings' codes.
pub fn named_codes(r: &Report) -> String {
    let mut s = said(r, true).to_uppercase().replace("0X", "0x");
    for c in r.statements.iter().flat_map(|st| &st.codes).chain(r.findings.iter().filter(|f| f.severity != FindingSeverity::Info).flat_map(|f| &f.codes)) {
        s.push(' ');
        s.push_str(c);
    }
    s
}
