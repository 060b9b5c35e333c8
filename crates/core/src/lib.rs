//! wulens core: everything between the bytes of a dropped log and the report, in pure Rust.
//!
//! Hand it the files of a drop as [`Input`]s; [`Analysis::from_inputs`] reads them (encodings,
//! zip bundles, .etl traces, format detection, one parser per format) and merges their
//! timelines; [`Report::build`] runs the diagnosis ([`Diagnosis::run`]) and gives the report:
//! the verdict, the statements with the lines that prove them, the flows, the codes, the
//! operations. [`text`] and [`markdown`] render it; it serializes to the JSON contract.
//!
//! ```
//! use wulens_core::model::VerdictStatus;
//! use wulens_core::{Analysis, Input, Limits, Report};
//!
//! let log = "\
//! 2024/06/25 15:31:14.1180000 1380  9044  Agent           * START * Finding updates CallerId = CcmExec  Id = 57
//! 2024/06/25 15:31:15.4180000 1380  9044  Agent           * END * Finding updates CallerId = CcmExec, Id = 57, Exit code = 0x80244007
//! ";
//! let input = Input { name: "WindowsUpdate.log".into(), bytes: log.as_bytes().to_vec().into() };
//! let analysis = Analysis::from_inputs(vec![input], &Limits::default());
//! let report = Report::build(&analysis);
//! assert_eq!(report.summary.status, VerdictStatus::Failed);
//! assert!(report.errors.iter().any(|e| e.code == "0x80244007"));
//! println!("{}", report.summary.verdict);
//! ```
//!
//! Five stages, each importing only the ones before it (a test checks it):
//! [`model`] (log files, entries, the values stages exchange) → `read` (bytes, encodings,
//! formats, parsers, configuration inputs) → `analysis` (codes, time zones, the merged timeline)
//! → `diagnose` (flows, rules, configuration, updates, the verdict; data in `flows/` and
//! `rules/`) → `output` (the report's JSON contract, text and Markdown, the log viewer).
//!
//! No I/O and no web dependencies: the CLI reads files, the wasm crate reads `Blob`s, both hand
//! bytes to this crate. The public surface below is a hand-picked list: the stages themselves
//! are private.

#![warn(missing_docs)]

pub mod model;

mod analysis;
mod diagnose;
mod output;
mod par;
mod read;

/// The fuzz targets' bodies (crates/fuzz; `tests/fuzz_smoke.rs`), behind the `fuzzing` feature.
#[cfg(feature = "fuzzing")]
pub mod fuzzing;

// Reading a drop.
pub use read::bundles::{self, is_fleet, Bundle};
pub use read::plan;
pub use read::{config, detect, encoding::Decoder, evtx::DecodeProgress, load, parse, Bytes, FileLoader, Input, Limits, Loaded};

// The analysis of a drop, and its diagnosis.
pub use analysis::{codes, Analysis, Appended, CodeStats, Occurrence, TimelineRef};
pub use diagnose::{operation_ids, rule_ids, scan_piece, Diagnosis};
pub use model::{Entry, LogFile, LogFormat, LogKind, RunOn, Severity};

// The report (the JSON contract) and its renderings.
pub use output::{
    chain_parts, ChainLinkReport, CodeCount, CollectNextReport, ConfigReport, ContextHere, CycleReport, ErrorReport, FileReport, FindingReport, FlowReport,
    MachineReport, MissingConfig, NextCheck, OperationGroup, OperationReport, OperationsReport, PolicyCard, ProxyCard, Report, ReportLimits, RingSetting,
    StatementReport, StepReport, Summary, TimeZoneReport, Tool, UpdateRingCard, UpdateRow,
};
pub use output::{
    client_script, code_text, collect_help_text, collect_steps, markdown, markdown_summary, md_code, status_words, text, thousands, CollectStep, SUMMARY_BYTES,
};

// The update ledger: each update's story, in words.
pub use output::{
    ledger_csv, ledger_duration, ledger_event, ledger_held, ledger_state, ledger_story, ledger_target, ledger_text, ledger_would_tell, LEDGER_COLUMNS,
};

// Sharing safely: identifiers replaced by stable pseudonyms, in logs and reports.
pub use output::{learned_redactor, redact_report, write_redacted_zip, KindCount, RedactKind, RedactionSummary, Redactor, MICROSOFT_DOMAINS};

// Fleets: one row per machine, grouped by root cause.
pub use output::{
    fleet_csv, fleet_ndjson, onset_words, row_status_words, shared_lead, shared_words, Cause, CauseGroup, CodeTally, FleetSummary, MachineRow, UpdateState,
    CSV_COLUMNS, ROW_UPDATES,
};
pub use output::{in_cell, Attribute, ComplianceCell, Onset, Shared, UpdateCompliance, CELL_NAMES};

// Windows Update for Business reports' exports, read and joined to a fleet.
pub use output::{CollectItem, DeviceWithoutLogs, FleetJson, LogCause, WufbAlert, WufbExport, WufbProblem, WufbSection, WufbStatus};
pub use read::wufb;

// The log viewer.
pub use output::{file_index, parse_filter_time, visible, CodeInView, Filter, FilterError, Row, View};
