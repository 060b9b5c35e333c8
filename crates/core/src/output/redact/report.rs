//! A whole report redacted: every string in it (verdict, statements, evidence lines, file
//! names, the configuration, next checks) through one `Redactor`, so that the text, JSON and
//! Markdown made from it carry pseudonyms only.

use serde_json::Value;

use super::redactor::Redactor;
use crate::output::report::Report;

/// `report` with every string in it redacted by `redactor` (which should have learned the
/// drop's texts first). The report's shape, its numbers and its codes are unchanged.
pub fn redact_report(report: &Report, redactor: &mut Redactor) -> Result<Report, serde_json::Error> {
    let mut value = serde_json::to_value(report)?;
    walk(&mut value, redactor);
    serde_json::from_value(value)
}

fn walk(v: &mut Value, r: &mut Redactor) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(new) = r.redact(s) {
                *s = new;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| walk(x, r)),
        Value::Object(o) => {
            let entries: Vec<(String, Value)> = std::mem::take(o).into_iter().collect();
            for (k, mut x) in entries {
                walk(&mut x, r);
                o.insert(r.redact(&k).into_owned(), x);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}
