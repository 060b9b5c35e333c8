//! Output: what people and programs read. The report (the JSON contract, defined once in
//! `report.rs`), its text and Markdown renderings, the "what to collect" list, and the log
//! viewer's model (filters, rows, navigation) that the web worker serves, and the redaction of
//! what leaves for sharing (`redact/`).

mod build_report;
mod collect;
mod compliance;
mod fleet;
mod ledger;
mod markdown;
mod redact;
mod render;
mod report;
mod row_facts;
mod shared;
mod viewer;
mod words;
mod wufb;

pub use collect::{client_script, collect_steps, CollectStep};
pub use compliance::{in_cell, ComplianceCell, UpdateCompliance, CELL_NAMES};
pub use fleet::{
    fleet_csv, fleet_ndjson, onset_words, shared_lead, shared_words, Cause, CauseGroup, CodeTally, FleetSummary, MachineRow, UpdateState, CSV_COLUMNS,
    ROW_UPDATES,
};
pub use ledger::{
    ledger_csv, ledger_duration, ledger_event, ledger_held, ledger_state, ledger_story, ledger_target, ledger_text, ledger_would_tell, LEDGER_COLUMNS,
};
pub use markdown::{markdown, markdown_summary, md_code, status_words, SUMMARY_BYTES};
pub use redact::{
    learned as learned_redactor, redact_report, write_zip as write_redacted_zip, Kind as RedactKind, KindCount, RedactionSummary, Redactor, MICROSOFT_DOMAINS,
};
pub use render::{code_text, collect_help_text, text, thousands};
pub use report::{
    chain_parts, ChainLinkReport, CodeCount, CollectNextReport, ConfigReport, ContextHere, CycleReport, ErrorReport, FileReport, FindingReport, FlowReport,
    MachineReport, MissingConfig, NextCheck, OperationGroup, OperationReport, OperationsReport, PolicyCard, ProxyCard, Report, ReportLimits, RingSetting,
    StatementReport, StepReport, Summary, TimeZoneReport, Tool, UpdateRingCard, UpdateRow,
};
pub use shared::{Attribute, Onset, Shared};
pub use viewer::{file_index, parse_filter_time, visible, CodeInView, Filter, FilterError, Row, View};
pub use words::{badge_words, detail, headline_text, row_status_words, statement_text};
pub use wufb::{CollectItem, DeviceWithoutLogs, FleetJson, LogCause, WufbAlert, WufbExport, WufbProblem, WufbSection, WufbStatus};
