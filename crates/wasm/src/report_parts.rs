//! The page's report as the worker sends it: JSON texts of parts, each small enough for the page
//! to read in a task of its own.
//!
//! A big drop's page report is half a megabyte to over a megabyte of JSON, most of it two lists
//! (the updates table and the operations, a thousand rows each at most; an operation with its
//! lines is about a kilobyte). Read in one go it held the page's main thread for 30-60 ms on the
//! two-core machine (docs/speed.md). So the head (the report with those two lists empty) comes
//! first and the rows follow in parts of about [`PART_BYTES`]; the page reads one part per task
//! ([`ReportReader`]).

use serde::{Deserialize, Serialize};
use wulens_core::report::{OperationReport, UpdateRow};
use wulens_core::Report;

/// A part of rows is closed once it is this long: a few ms to read in the browser.
pub const PART_BYTES: usize = 64 << 10;

/// One part, as read. Externally tagged: `{"head": {...}}`, `{"updates": [...]}`,
/// `{"operations": [...]}` ([`report_parts`] writes each part in that form, the rows one by one).
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum PartIn {
    Head(Box<Report>),
    Updates(Vec<UpdateRow>),
    Operations(Vec<OperationReport>),
}

/// `report` as parts: the head first, then its updates and its operations, in order.
pub fn report_parts(mut report: Report) -> Result<Vec<String>, serde_json::Error> {
    let updates = std::mem::take(&mut report.updates);
    let operations = std::mem::take(&mut report.operations.items);
    let mut parts = vec![format!("{{\"head\":{}}}", serde_json::to_string(&report)?)];
    rows_in_parts("updates", &updates, &mut parts)?;
    rows_in_parts("operations", &operations, &mut parts)?;
    Ok(parts)
}

/// `rows` as parts `{"<tag>": [row, ...]}`, each closed once it holds [`PART_BYTES`].
fn rows_in_parts<T: Serialize>(tag: &str, rows: &[T], parts: &mut Vec<String>) -> Result<(), serde_json::Error> {
    let mut part = String::new();
    for row in rows {
        if part.is_empty() {
            part = format!("{{\"{tag}\":[");
        } else {
            part.push(',');
        }
        part.push_str(&serde_json::to_string(row)?);
        if part.len() >= PART_BYTES {
            part.push_str("]}");
            parts.push(std::mem::take(&mut part));
        }
    }
    if !part.is_empty() {
        part.push_str("]}");
        parts.push(part);
    }
    Ok(())
}

/// Why a report's parts could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// A part that is not JSON of a part's shape, with the reader's reason.
    #[error("the report could not be read: {0}")]
    Json(String),
    #[error("the report could not be read: it came with two heads")]
    TwoHeads,
    #[error("the report could not be read: its rows came before its head")]
    RowsBeforeHead,
    #[error("the report could not be read: it was empty")]
    Empty,
}

/// A report read back part by part, in the order [`report_parts`] wrote them.
#[derive(Default)]
pub struct ReportReader {
    report: Option<Report>,
}

impl ReportReader {
    /// Read one part.
    pub fn read(&mut self, part: &str) -> Result<(), ReadError> {
        let part: PartIn = serde_json::from_str(part).map_err(|e| ReadError::Json(e.to_string()))?;
        match (part, self.report.as_mut()) {
            (PartIn::Head(head), None) => self.report = Some(*head),
            (PartIn::Head(_), Some(_)) => return Err(ReadError::TwoHeads),
            (_, None) => return Err(ReadError::RowsBeforeHead),
            (PartIn::Updates(rows), Some(r)) => r.updates.extend(rows),
            (PartIn::Operations(rows), Some(r)) => r.operations.items.extend(rows),
        }
        Ok(())
    }

    /// The report, once every part is read.
    pub fn finish(self) -> Result<Report, ReadError> {
        self.report.ok_or(ReadError::Empty)
    }

    /// Every part of `parts` read at once.
    pub fn read_all(parts: &[String]) -> Result<Report, ReadError> {
        let mut reader = ReportReader::default();
        for p in parts {
            reader.read(p)?;
        }
        reader.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wulens_core::report::ReportLimits;
    use wulens_core::{Analysis, Input, Limits};

    /// A report with `updates` update rows and `operations` operations: a fixture's report with
    /// its rows repeated.
    fn report_with(updates: usize, operations: usize) -> Report {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/scan-success/logs");
        let inputs = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
            .map(|e| Input { name: e.file_name().to_string_lossy().into_owned(), bytes: std::fs::read(e.path()).unwrap().into() })
            .collect();
        let mut r = Report::build_with(&Analysis::from_inputs(inputs, &Limits::default()), ReportLimits::PAGE);
        let (u, o) = (r.updates.first().cloned().expect("an update row"), r.operations.items.first().cloned().expect("an operation"));
        r.updates = (0..updates).map(|i| UpdateRow { title: format!("{} {i}", u.title), ..u.clone() }).collect();
        r.operations.items = (0..operations).map(|i| OperationReport { label: format!("{i}"), ..o.clone() }).collect();
        r
    }

    #[test]
    fn parts_read_back_to_the_same_report() {
        for (updates, operations) in [(0, 0), (1, 0), (0, 1), (1000, 1000)] {
            let report = report_with(updates, operations);
            let whole = serde_json::to_string(&report).unwrap();
            let (update_bytes, operation_bytes) =
                (serde_json::to_string(&report.updates).unwrap().len(), serde_json::to_string(&report.operations.items).unwrap().len());
            let parts = report_parts(report).unwrap();
            // The head, then the rows in as few parts as their size asks.
            let rows_parts = |bytes: usize, rows: usize| if rows == 0 { 0 } else { bytes.div_ceil(PART_BYTES) };
            let want = 1 + rows_parts(update_bytes, updates) + rows_parts(operation_bytes, operations);
            assert!(parts.len().abs_diff(want) <= 2, "{updates} updates, {operations} operations: {} parts, about {want} expected", parts.len());
            assert!(parts[1..].iter().all(|p| p.len() < PART_BYTES + 4096), "every part of rows is small");
            let back = ReportReader::read_all(&parts).unwrap();
            assert_eq!(serde_json::to_string(&back).unwrap(), whole, "{updates} updates, {operations} operations");
        }
    }

    #[test]
    fn parts_out_of_order_or_missing_say_so() {
        let parts = report_parts(report_with(3, 3)).unwrap();
        let err = |parts: &[String]| ReportReader::read_all(parts).unwrap_err();
        assert_eq!(err(&parts[1..]), ReadError::RowsBeforeHead);
        assert_eq!(err(&[parts[0].clone(), parts[0].clone()]), ReadError::TwoHeads);
        assert_eq!(err(&[]).to_string(), "the report could not be read: it was empty");
        let bad = err(&["{\"head\": 1}".to_string()]);
        assert!(matches!(bad, ReadError::Json(_)) && bad.to_string().starts_with("the report could not be read: "), "{bad}");
    }
}
