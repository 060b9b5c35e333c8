//! The update ledger as people and spreadsheets read it: `wulens updates` prints these (a table
//! or CSV; its JSON is the report's `ledger` as it is), and the page shows the same words.

use super::words;
use crate::model::LedgerRow;

pub use words::{duration, event, held, state, story, target, would_tell};

/// The columns of [`csv`].
pub const CSV_COLUMNS: [&str; 12] = ["state", "code", "kb", "title", "class", "version", "update_id", "since", "open_for", "steps", "evidence", "would_tell"];

/// One line per row: state, KB, target in words, the decisive step with its time, its line.
pub fn text(rows: &[LedgerRow], total: usize) -> String {
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("No update or servicing target is named in these logs.\n");
        return out;
    }
    let width = rows.iter().map(|r| words::state(r).chars().count()).max().unwrap_or(0).min(40);
    for r in rows {
        let state = words::state(r);
        let kb = if r.kb.is_empty() { "-".to_string() } else { r.kb.clone() };
        out.push_str(&format!("{state:<width$}  {kb:<10}  {}\n", words::target(r)));
        if let Some(s) = r.decisive_step() {
            let at = s.evidence.time.as_deref().map(words::when).unwrap_or_else(|| "(no time)".into());
            out.push_str(&format!("{:width$}  {:<10}  {} {at}, {}:{}\n", "", "", words::event(s.event), s.evidence.file, s.evidence.line));
        }
        if let Some(held) = words::held(r) {
            out.push_str(&format!("{:width$}  {:<10}  {held}\n", "", ""));
        }
        if let Some(tell) = words::would_tell(r) {
            out.push_str(&format!("{:width$}  {:<10}  {tell}\n", "", ""));
        }
    }
    if total > rows.len() {
        out.push_str(&format!("... and {} more\n", total - rows.len()));
    }
    out
}

/// The ledger as CSV (RFC 4180 quoting), a row per target, [`CSV_COLUMNS`] first.
pub fn csv(rows: &[LedgerRow]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for r in rows {
        let d = r.decisive_step();
        let cells = [
            format!("{:?}", r.state).to_ascii_lowercase(),
            r.code.clone().unwrap_or_default(),
            r.kb.clone(),
            r.title.clone(),
            format!("{:?}", r.class).to_ascii_lowercase(),
            r.version.clone().unwrap_or_default(),
            r.update_id.clone(),
            d.and_then(|s| s.evidence.time.clone()).unwrap_or_default(),
            r.open_ms.map(|ms| (ms / 1000).to_string()).unwrap_or_default(),
            r.steps.len().to_string(),
            d.map(|s| format!("{}:{}", s.evidence.file, s.evidence.line)).unwrap_or_default(),
            r.would_tell.join(";"),
        ];
        let cells: Vec<String> = cells.iter().map(|c| quote(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
