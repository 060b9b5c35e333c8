//! A whole report redacted: every string in it (verdict, statements, evidence lines, file
//! names, the configuration, next checks) through one `Redactor`, so that the text, JSON and
//! Markdown made from it carry pseudonyms only. A redacted report says so (`redacted`) and is
//! never redacted again.

use serde_json::Value;

use super::redactor::Redactor;
use crate::output::report::Report;

/// `report` with every string in it redacted by `redactor` (which should have learned the
/// drop's texts first), marked `redacted`. The report's shape, its numbers and its codes are
/// unchanged. A report redacted already is returned as it is: its pseudonyms are the only
/// names it holds, and redacting them again would only rename them.
pub fn report(report: &Report, redactor: &mut Redactor) -> Result<Report, serde_json::Error> {
    if report.redacted {
        return Ok(report.clone());
    }
    let mut value = serde_json::to_value(report)?;
    walk(&mut value, &mut |s| match redactor.redact(s) {
        std::borrow::Cow::Owned(new) => Some(new),
        std::borrow::Cow::Borrowed(_) => None,
    });
    let mut out: Report = serde_json::from_value(value)?;
    out.redacted = true;
    Ok(out)
}

impl Redactor {
    /// The first pass over a report whose logs are not at hand (a saved report): the names its
    /// strings state, each string read on its own (as its log wrote it, not as JSON escapes
    /// it: `\\Microsoft\\Windows` in JSON is no server's share), and its files' paths.
    pub fn learn_report(&mut self, report: &Report) -> Result<(), serde_json::Error> {
        for f in &report.files {
            self.learn_path(&f.name);
        }
        let mut value = serde_json::to_value(report)?;
        walk(&mut value, &mut |s| {
            self.learn(s);
            None
        });
        Ok(())
    }
}

/// Every string of `v` (object keys too) replaced by what `f` makes of it, if anything.
fn walk(v: &mut Value, f: &mut impl FnMut(&str) -> Option<String>) {
    match v {
        Value::String(s) => {
            if let Some(new) = f(s) {
                *s = new;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| walk(x, f)),
        Value::Object(o) => {
            let entries: Vec<(String, Value)> = std::mem::take(o).into_iter().collect();
            for (k, mut x) in entries {
                walk(&mut x, f);
                let k = f(&k).unwrap_or(k);
                o.insert(k, x);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}
