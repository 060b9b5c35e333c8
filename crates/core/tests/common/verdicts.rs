//! What the tests of the careful readers' verdicts share (reallogs_verdicts.rs for hold1,
//! reallogs_hold2.rs): a report of one real log, the values a verdict names, and what a report
//! says in words and codes.

use std::path::Path;

use serde_json::Value;
use wulens_core::model::FindingSeverity;
use wulens_core::{Analysis, Input, Limits, Report};

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
