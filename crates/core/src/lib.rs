//! wulens core: everything between the bytes of a dropped log and the report, in pure Rust.
//!
//! Hand it the files of a drop as [`Input`]s; [`Analysis::from_inputs`] reads them (encodings,
//! zip bundles, .etl traces, format detection, one parser per format) and merges their
//! timelines; [`Report::build`] runs the diagnosis ([`Diagnosis::run`]) and gives the report:
//! the verdict, the statements with the lines that prove them, the flows, the codes, the
//! operations. [`report::text`] and [`report::markdown`] render it; it serializes to the JSON
//! contract.
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
//! bytes to this crate. The public surface is hand-picked: the entry points at the root
//! ([`Input`], [`Limits`], [`Analysis`], [`Diagnosis`], [`Report`]), the vocabulary
//! ([`model`]), and a module per thing a caller does, each re-exporting what it needs:
//! [`input`] (reading a drop), [`codes`], [`report`] (its parts and renderings), [`ledger`],
//! [`collect`], [`redact`], [`fleet`], [`wufb`] and [`viewer`]. The stages themselves are
//! private.

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

// The entry points: a drop's inputs, read and analysed, diagnosed once, and its report.
pub use analysis::Analysis;
pub use diagnose::Diagnosis;
pub use output::Report;
pub use read::{Input, Limits};

/// Reading a drop: which dropped paths are which machines (`plan`, `bundles`), bytes into log
/// files (formats, encodings, parsers, a big file in pieces), the configuration's inputs.
pub mod input {
    pub use crate::diagnose::scan_piece;
    pub use crate::read::encoding::Decoder;
    pub use crate::read::evtx::DecodeProgress;
    pub use crate::read::{bundles, config, detect, load, parse, plan, Bytes, FileLoader, Loaded};
}

/// The failure codes of a drop: found in text, and what the analysis counts of each.
pub mod codes {
    pub use crate::analysis::codes::{distinct, scan, CodeHit};
    pub use crate::analysis::{CodeStats, Occurrence};
}

/// The parts of a [`Report`](crate::Report) (the JSON contract) and its renderings: text,
/// Markdown, and a code's page as `wulens code` prints it.
pub mod report {
    pub use crate::output::{
        chain_parts, link_state, ChainLinkReport, CodeCount, CollectNextReport, ConfigReport, ContextHere, CycleReport, ErrorReport, FileReport, FindingReport,
        FlowReport, MachineReport, MissingConfig, NextCheck, OperationGroup, OperationReport, OperationsReport, PolicyCard, ProxyCard, ReportLimits,
        RingSetting, StatementReport, StepReport, Summary, TimeZoneReport, Tool, UpdateRingCard, UpdateRow,
    };
    pub use crate::output::{code_text, code_text_for, markdown, markdown_summary, md_code, status_words, text, thousands, SUMMARY_BYTES};
}

/// The update ledger: each update's story in words, as `wulens updates` prints it (a table or
/// CSV) and the page shows it.
pub mod ledger {
    pub use crate::output::ledger::{csv, duration, event, held, state, story, target, text, would_tell, CSV_COLUMNS};
}

/// What to collect: the commands that gather every log and setting wulens reads.
pub mod collect {
    pub use crate::output::collect::{client_script, help_text, steps, CollectStep};
}

/// Sharing safely: identifiers replaced by stable pseudonyms, in logs and reports.
pub mod redact {
    pub use crate::output::redact::{learned, report, write_zip, Kind, KindCount, RedactionSummary, Redactor, MICROSOFT_DOMAINS};
}

/// Fleets: one row per machine, grouped by root cause, what a group shares, per-update
/// compliance.
pub mod fleet {
    pub use crate::output::compliance::{in_cell, ComplianceCell, UpdateCompliance, CELL_NAMES};
    pub use crate::output::fleet::{
        csv, ndjson, onset_words, shared_lead, shared_words, site_cause_lead, site_cause_words, Cause, CauseGroup, CodeTally, FleetSummary, LinkRow,
        MachineRow, UpdateState, CSV_COLUMNS, ROW_UPDATES,
    };
    pub use crate::output::row_status_words;
    pub use crate::output::shared::{Attribute, Onset, Shared, SiteCause, SitePart};
}

/// Windows Update for Business reports' exports: read, and joined to a fleet's rows.
pub mod wufb {
    pub use crate::output::wufb::{CollectItem, DeviceWithoutLogs, FleetJson, LogCause, WufbAlert, WufbExport, WufbProblem, WufbSection, WufbStatus};
    pub use crate::read::wufb::{looks_like, read, Export, Record, Table};
}

/// The log viewer: the merged timeline's rows, filters and navigation, and what a followed
/// file's growth changed.
pub mod viewer {
    pub use crate::analysis::{Appended, TimelineRef};
    pub use crate::output::viewer::{file_index, parse_filter_time, visible, CodeInView, Filter, FilterError, Row, View};
}
