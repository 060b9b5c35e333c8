//! The hold1 set of real logs (../shared/reallogs/hold1, never copied into the project; hold2 is
//! reallogs_hold2.rs): a careful reader's conclusions in its `verdicts.json`, and the failure
//! codes counted in its `expect.json`, read as they are and checked against the report.
//! The tests that read them are `real_logs` tests (crates/testdata). Nothing in the engine
//! knows these files: every conclusion comes from the general rules.
//!
//! `verdicts.json` checks (see that folder's README):
//! - `not_failed`: no failed scan step and no failed search;
//! - `no_error_findings`: no finding of severity error;
//! - `parsed`: the format is recognised (not plain text), and every line parsed;
//! - `mentions`: codes that the verdict, a statement or an error or warning finding names;
//! - `mentions_words`: words (any case) that the verdict, a statement or a finding says, all of
//!   them.
//!
//! The checks are common::verdicts's, shared with hold2.

use std::collections::BTreeMap;

mod common;

use common::verdicts::{json, readers_conclusions, report, set, strings, Words};

#[test]
fn real_logs_every_hold1_log_gets_the_careful_readers_conclusion() {
    readers_conclusions("hold1", 13, Words::All);
}

/// Every failure code the mechanical count finds is found at least as often (wulens also reads
/// symbolic names, decimal values and HRESULTs in words, which that count does not), and a code
/// it lists as optional is never required.
#[test]
fn real_logs_every_hold1_failure_code_is_found() {
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
