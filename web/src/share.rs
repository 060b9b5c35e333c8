//! What the Share panel hands out (`components/share.rs`), in plain Rust, tested natively: the
//! exports of a report (redacted by the worker, or as they are), the preview of what the
//! redaction replaced, and the saved report: a small file the page reopens without the logs.
//!
//! A saved report is JSON: `{"wulens_saved_report": 1, "saved_at": ..., "redacted": true,
//! "lines": true, "report": {...}}`, named `*.wulens.json`. `report` is the full report (the
//! CLI's `--format json`); without `lines`, the log lines its evidence cites are left out (each
//! evidence keeps its file, line and time). A file of a newer format is refused with a message,
//! never read half.

use serde_json::Value;
use wulens_core::model::counted;
use wulens_core::redact::{RedactionSummary, Redactor};
use wulens_core::Report;

/// The key and version that mark a saved report (the key core's drop plan knows it by).
pub const SAVED_KEY: &str = wulens_core::input::plan::SAVED_REPORT_KEY;
pub const SAVED_VERSION: u64 = 1;

/// A report's exports, as they leave the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Exports {
    pub report: Report,
    pub markdown: String,
    pub summary: String,
    pub redaction: Redaction,
}

/// Whether and how the exports were redacted.
#[derive(Clone, Debug, PartialEq)]
pub enum Redaction {
    /// Not redacted: the logs' names and addresses as they are.
    Off,
    /// Redacted now: what the report's exports replaced, and (the logs at hand) what the logs'
    /// zip replaces; each counts exactly what its export replaces.
    Now { report: RedactionSummary, logs: Option<RedactionSummary> },
    /// A report redacted before (a saved report saved redacted): exported as it is, never
    /// redacted again.
    Before,
}

impl Exports {
    /// The worker's redacted exports (`Request::Shared`).
    pub fn from_shared(s: wulens_wasm::Shared) -> Exports {
        Exports { report: s.report, markdown: s.markdown, summary: s.summary, redaction: Redaction::Now { report: s.redaction, logs: Some(s.logs) } }
    }

    /// A report's exports as they are (redaction turned off, or a report redacted before).
    pub fn plain(report: Report) -> Exports {
        let redaction = if report.redacted { Redaction::Before } else { Redaction::Off };
        Exports { markdown: wulens_core::report::markdown(&report), summary: wulens_core::report::markdown_summary(&report), report, redaction }
    }

    /// A saved report's exports: redacted here when asked and not redacted already; as they
    /// are otherwise (a report saved redacted stays as it was: the same text it first left as).
    pub fn for_saved(report: &Report, redact: bool) -> Result<Exports, String> {
        if redact && !report.redacted {
            Exports::redacted_here(report)
        } else {
            Ok(Exports::plain(report.clone()))
        }
    }

    /// A saved report's exports redacted here: its logs are not at hand, so the redactor learns
    /// the names from the report's own strings, each read as its log wrote it.
    pub fn redacted_here(report: &Report) -> Result<Exports, String> {
        let mut r = Redactor::new();
        r.learn_report(report).map_err(|e| e.to_string())?;
        let redacted = wulens_core::redact::report(report, &mut r).map_err(|e| e.to_string())?;
        Ok(Exports { redaction: Redaction::Now { report: r.summary(), logs: None }, ..Exports::plain(redacted) })
    }

    /// True when what leaves is redacted (now or before).
    pub fn redacted(&self) -> bool {
        self.redaction != Redaction::Off
    }

    /// The file names of the downloads.
    pub fn name(&self, ext: &str) -> String {
        format!("wulens-report{}.{ext}", if self.redacted() { "-redacted" } else { "" })
    }
}

/// The preview, one item per kind: "2 computer names (HOST-n), replaced 7 times".
pub fn preview(r: &RedactionSummary) -> Vec<String> {
    r.kinds
        .iter()
        .map(|k| format!("{} ({}-n), replaced {}", k.kind.count(k.distinct), k.kind.prefix(), counted(k.replaced as usize, "time", "times")))
        .collect()
}

/// The preview of one export's redaction: its heading and its items ("nothing" when it found
/// no identifier), then its notes.
pub fn preview_of(what: &str, r: &RedactionSummary) -> (String, Vec<String>) {
    let mut items = preview(r);
    if items.is_empty() {
        items.push("nothing: no identifier was found".into());
    }
    items.extend(r.notes.iter().cloned());
    (format!("Replaced in {what}:"), items)
}

/// The preview of the exports' redaction, one block per export that counts differently.
pub fn previews(r: &Redaction) -> Vec<(String, Vec<String>)> {
    match r {
        Redaction::Now { report, logs } => {
            let mut out = vec![preview_of("the report's exports (copies, Markdown, JSON, saved report)", report)];
            if let Some(logs) = logs {
                out.push(preview_of("the redacted logs' zip", logs));
            }
            out
        }
        Redaction::Off | Redaction::Before => Vec::new(),
    }
}

/// The saved report's file text.
pub fn saved_file(report: &Report, redacted: bool, lines: bool, saved_at: &str) -> Result<String, String> {
    let mut value = serde_json::to_value(report).map_err(|e| e.to_string())?;
    if !lines {
        drop_lines(&mut value);
    }
    let doc = serde_json::json!({ SAVED_KEY: SAVED_VERSION, "saved_at": saved_at, "redacted": redacted, "lines": lines, "report": value });
    serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())
}

/// Evidence texts emptied: every object with a `file`, a `line` and a `text`.
fn drop_lines(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.contains_key("file") && o.get("line").is_some_and(Value::is_u64) && o.get("text").is_some_and(Value::is_string) {
                o.insert("text".into(), Value::String(String::new()));
            }
            o.values_mut().for_each(drop_lines);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_lines),
        _ => {}
    }
}

/// A saved report, opened.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub report: Report,
    pub redacted: bool,
    pub lines: bool,
    pub saved_at: String,
}

impl Saved {
    /// The banner's words.
    pub fn words(&self, name: &str) -> String {
        let mut w = format!("Opened from a saved report ({name}");
        if !self.saved_at.is_empty() {
            w.push_str(&format!(", saved {}", self.saved_at));
        }
        w.push_str(if self.redacted { ", redacted" } else { ", not redacted" });
        if !self.lines {
            w.push_str(", without its log lines");
        }
        w.push_str("). The logs are not in it: the log viewer and following need the logs themselves.");
        w
    }
}

/// Read a saved report; a message for people when it is not one, is damaged or is newer.
pub fn open_saved(name: &str, text: &str) -> Result<Saved, String> {
    let not = |why: &str| format!("{name} is not a wulens saved report ({why}); nothing was changed.");
    let v: Value = serde_json::from_str(text).map_err(|e| not(&format!("it is not JSON: {e}")))?;
    let version = v.get(SAVED_KEY).ok_or_else(|| not(&format!("it has no \"{SAVED_KEY}\" mark")))?;
    let version = version.as_u64().ok_or_else(|| not("its version is not a number"))?;
    if version > SAVED_VERSION {
        return Err(format!(
            "{name} was saved by a newer wulens (saved report format {version}; this page reads format {SAVED_VERSION}): open it with a newer wulens; nothing was changed."
        ));
    }
    let report = v.get("report").ok_or_else(|| not("it holds no report"))?;
    let mut report: Report = serde_json::from_value(report.clone())
        .map_err(|e| format!("{name} is a wulens saved report, but its report cannot be read ({e}); nothing was changed."))?;
    let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    // A report saved redacted before reports said so themselves is marked here: it is never
    // redacted again.
    report.redacted |= flag("redacted");
    Ok(Saved { redacted: report.redacted, report, lines: flag("lines"), saved_at: v.get("saved_at").and_then(Value::as_str).unwrap_or_default().to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wulens_core::{Analysis, Input, Limits};

    fn report() -> Report {
        let text = "2024/05/31 10:00:00.0000000 1234 5678 Agent           * START * Search ClientId = CcmExec\r\n\
                    2024/05/31 10:00:09.0000000 1234 5678 Agent           *FAILED* [8024401B] Web service call to http://wsus77.contoso.example:8530\r\n";
        let a = Analysis::from_inputs(vec![Input { name: "WindowsUpdate.log".into(), bytes: text.as_bytes().to_vec().into() }], &Limits::default());
        Report::build(&a)
    }

    #[test]
    fn a_saved_report_reopens_to_the_same_report() {
        let r = report();
        let text = saved_file(&r, true, true, "2026-11-26 23:00").unwrap();
        assert!(wulens_core::input::plan::claims_saved(text.as_bytes()), "the drop plan knows it: {}", &text[..80]);
        let back = open_saved("x.wulens.json", &text).unwrap();
        // Saved as redacted, it is marked so (and never redacted again).
        assert_eq!(serde_json::to_string(&back.report).unwrap(), serde_json::to_string(&Report { redacted: true, ..r }).unwrap());
        assert!(back.redacted && back.lines);
        assert!(back.words("x.wulens.json").starts_with("Opened from a saved report (x.wulens.json, saved 2026-11-26 23:00, redacted)"));
    }

    #[test]
    fn without_lines_the_evidence_keeps_its_places_only() {
        let r = report();
        let cited = r.errors[0].occurrences[0].text.clone();
        assert!(cited.contains("wsus77"));
        let text = saved_file(&r, false, false, "").unwrap();
        assert!(!text.contains("Web service call to"), "the cited line is left out");
        let back = open_saved("x.wulens.json", &text).unwrap();
        assert_eq!(back.report.errors[0].occurrences[0].line, r.errors[0].occurrences[0].line);
        assert_eq!(back.report.summary.verdict, r.summary.verdict);
        assert!(!back.lines && back.words("x").contains("without its log lines"));
    }

    #[test]
    fn bad_foreign_and_newer_files_are_refused_with_a_message() {
        let e = open_saved("a.wulens.json", "not json").unwrap_err();
        assert!(e.contains("is not a wulens saved report (it is not JSON"), "{e}");
        let e = open_saved("a.json", r#"{"name": "package"}"#).unwrap_err();
        assert!(e.contains("has no \"wulens_saved_report\" mark"), "{e}");
        let e = open_saved("a.wulens.json", r#"{"wulens_saved_report": 2, "report": {"future": true}}"#).unwrap_err();
        assert!(e.contains("saved by a newer wulens (saved report format 2; this page reads format 1)"), "{e}");
        let e = open_saved("a.wulens.json", r#"{"wulens_saved_report": 1, "report": {"summary": 3}}"#).unwrap_err();
        assert!(e.contains("its report cannot be read"), "{e}");
        assert!(!wulens_core::input::plan::claims_saved(br#"{"name": "package"}"#));
    }

    #[test]
    fn a_saved_report_redacted_here_hides_its_names() {
        let ex = Exports::redacted_here(&report()).unwrap();
        assert!(!ex.markdown.contains("wsus77") && !serde_json::to_string(&ex.report).unwrap().contains("wsus77"));
        let Redaction::Now { report: replaced, logs: None } = &ex.redaction else { panic!("{:?}", ex.redaction) };
        let p = preview(replaced);
        assert_eq!(p, ["1 server or host name (HOST-n), replaced 3 times"], "the WSUS server");
        assert_eq!(ex.name("md"), "wulens-report-redacted.md");
        assert_eq!(Exports::plain(report()).name("json"), "wulens-report.json");
    }

    /// A drop as the worker redacts it: a server, a computer, a user, and a task's path whose
    /// `\Microsoft\` JSON writes as `\\Microsoft\\`.
    fn worker_exports() -> Exports {
        let text = "2024/05/31 10:00:00.0000000 1234 5678 Agent           * START * Search ClientId = CcmExec\r\n\
                    2024/05/31 10:00:01.0000000 1234 5678 Misc            ComputerName = PC-0427.corp.example.com, C:\\Users\\kdrumm\\x, task \\Microsoft\\Windows\\WindowsUpdate\\Scheduled Start\r\n\
                    2024/05/31 10:00:09.0000000 1234 5678 Agent           *FAILED* [8024401B] Web service call to http://wsus77.contoso.example:8530 from PC-0427\r\n";
        let a = Analysis::from_inputs(vec![Input { name: "PC-0427/WindowsUpdate.log".into(), bytes: text.as_bytes().to_vec().into() }], &Limits::default());
        let mut r = wulens_core::redact::learned(&a);
        let redacted = wulens_core::redact::report(&Report::build(&a), &mut r).unwrap();
        let replaced = r.tally();
        Exports { redaction: Redaction::Now { report: replaced, logs: None }, ..Exports::plain(redacted) }
    }

    #[test]
    fn a_redacted_saved_report_reopens_to_the_same_exports_byte_for_byte() {
        let first = worker_exports();
        let json = serde_json::to_string_pretty(&first.report).unwrap();
        for gone in ["pc-0427", "kdrumm", "wsus77", "contoso"] {
            assert!(!json.to_ascii_lowercase().contains(gone), "{gone} left in {json}");
        }
        assert!(first.markdown.contains("HOST-") && !first.markdown.contains("HOST-1\\Windows"));
        let saved = saved_file(&first.report, first.redacted(), true, "2026-11-28 19:00 UTC").unwrap();
        let back = open_saved("r.wulens.json", &saved).unwrap();
        assert!(back.redacted && back.report.redacted);
        for redact in [true, false] {
            let again = Exports::for_saved(&back.report, redact).unwrap();
            assert_eq!(again.redaction, Redaction::Before, "never redacted again");
            assert_eq!(again.markdown, first.markdown, "the Markdown is the first export's");
            assert_eq!(again.summary, first.summary);
            assert_eq!(serde_json::to_string_pretty(&again.report).unwrap(), json, "the JSON is the first export's");
            assert_eq!(again.name("md"), first.name("md"));
            assert!(previews(&again.redaction).is_empty());
        }
    }

    #[test]
    fn a_report_saved_redacted_by_an_older_page_is_never_redacted_again() {
        // Saved before reports said they are redacted: the file's flag says it.
        let first = worker_exports();
        let mut old = serde_json::to_value(&first.report).unwrap();
        old.as_object_mut().unwrap().remove("redacted");
        let doc = serde_json::json!({ SAVED_KEY: 1, "saved_at": "", "redacted": true, "lines": true, "report": old });
        let back = open_saved("old.wulens.json", &doc.to_string()).unwrap();
        let again = Exports::for_saved(&back.report, true).unwrap();
        assert_eq!(again.redaction, Redaction::Before);
        assert_eq!(again.markdown, first.markdown);
        assert!(again.markdown.contains("\\Microsoft\\Windows") || !first.markdown.contains("Microsoft"), "{}", again.markdown);
    }

    #[test]
    fn the_preview_counts_each_export_on_its_own() {
        let s = |kind, distinct, replaced| RedactionSummary { kinds: vec![wulens_core::redact::KindCount { kind, distinct, replaced }], notes: Vec::new() };
        let r = Redaction::Now { report: s(wulens_core::redact::Kind::Host, 2, 66), logs: Some(s(wulens_core::redact::Kind::User, 1, 61)) };
        let p = previews(&r);
        assert_eq!(p.len(), 2);
        assert!(p[0].0.contains("report's exports") && p[0].1 == ["2 computer names (HOST-n), replaced 66 times"], "{p:?}");
        assert!(p[1].0.contains("logs' zip") && p[1].1 == ["1 user name (USER-n), replaced 61 times"], "{p:?}");
        let none = previews(&Redaction::Now { report: RedactionSummary::default(), logs: None });
        assert_eq!(none[0].1, ["nothing: no identifier was found"]);
    }
}
