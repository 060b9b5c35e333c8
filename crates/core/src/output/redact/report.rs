//! A whole report redacted: every string value in it (verdict, statements, evidence lines, file
//! names, the configuration, next checks) through one `Redactor`, so that the text, JSON and
//! Markdown made from it carry pseudonyms only. A redacted report says so (`redacted`) and is
//! never redacted again. Object keys are the report's field names, never a log's text: they are
//! left alone, and a value whose type takes only certain words (a state, a kind) keeps its word
//! when a pseudonym would not read back (a name learned from a log can be any word), so a
//! report is always redacted, whatever its logs hold.

use serde_json::Value;

use super::redactor::Redactor;
use crate::output::report::Report;

/// How many fields may keep their words before the report is taken as unredactable: far more
/// than a report has typed words, far fewer than a loop would need.
const MAX_KEPT: usize = 256;

/// `report` with every string value in it redacted by `redactor` (which should have learned
/// the drop's texts first), marked `redacted`. The report's shape, its numbers and its codes
/// are unchanged. A report redacted already is returned as it is: its pseudonyms are the only
/// names it holds, and redacting them again would only rename them. Fails only where the
/// report cannot be written as JSON at all, never for what its logs hold.
pub fn report(report: &Report, redactor: &mut Redactor) -> Result<Report, serde_json::Error> {
    if report.redacted {
        return Ok(report.clone());
    }
    let original = serde_json::to_value(report)?;
    let mut value = original.clone();
    walk(&mut value, &mut |s| match redactor.redact(s) {
        std::borrow::Cow::Owned(new) => Some(new),
        std::borrow::Cow::Borrowed(_) => None,
    });
    let mut kept = 0;
    let mut out: Report = loop {
        match serde_path_to_error::deserialize::<_, Report>(&value) {
            Ok(r) => break r,
            Err(e) if kept < MAX_KEPT => {
                // The field the pseudonym broke takes its original word back.
                let path = e.path().to_string();
                let (Some(was), Some(now)) = (at_path(&original, &path).cloned(), at_path_mut(&mut value, &path)) else {
                    return Err(e.into_inner());
                };
                if *now == was {
                    return Err(e.into_inner());
                }
                *now = was;
                kept += 1;
            }
            Err(e) => return Err(e.into_inner()),
        }
    };
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

/// Every string value of `v` replaced by what `f` makes of it, if anything (keys are field
/// names: left alone).
fn walk(v: &mut Value, f: &mut impl FnMut(&str) -> Option<String>) {
    match v {
        Value::String(s) => {
            if let Some(new) = f(s) {
                *s = new;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| walk(x, f)),
        Value::Object(o) => o.values_mut().for_each(|x| walk(x, f)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The steps of a path as `serde_path_to_error` writes it (`chain[2].state`, `files[0]`).
fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty() && *p != "?") {
        let (name, rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            out.push(Step::Key(name));
        }
        for index in rest.split('[').map(|i| i.trim_end_matches(']')).filter(|i| !i.is_empty()) {
            if let Ok(i) = index.parse() {
                out.push(Step::Index(i));
            }
        }
    }
    out
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn at_path<'v>(mut v: &'v Value, path: &str) -> Option<&'v Value> {
    for s in steps(path) {
        v = match s {
            Step::Key(k) => v.get(k)?,
            Step::Index(i) => v.get(i)?,
        };
    }
    Some(v)
}

fn at_path_mut<'v>(mut v: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    for s in steps(path) {
        v = match s {
            Step::Key(k) => v.get_mut(k)?,
            Step::Index(i) => v.get_mut(i)?,
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_keys_and_indices() {
        let v = serde_json::json!({ "chain": [{ "state": "ok" }, { "state": "failed", "lines": [1, 2] }] });
        assert_eq!(at_path(&v, "chain[1].state"), Some(&Value::from("failed")));
        assert_eq!(at_path(&v, "chain[1].lines[1]"), Some(&Value::from(2)));
        assert_eq!(at_path(&v, "chain[3].state"), None);
    }
}
