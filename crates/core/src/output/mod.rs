//! Output: what people and programs read. The report (the JSON contract, defined once in
//! `report.rs`), its text and Markdown renderings, the "what to collect" list, and the log
//! viewer's model (filters, rows, navigation) that the web worker serves, and the redaction of
//! what leaves for sharing (`redact/`).

mod build_report;
pub(crate) mod collect;
pub(crate) mod compliance;
pub(crate) mod fleet;
pub(crate) mod ledger;
mod markdown;
pub(crate) mod redact;
mod render;
mod report;
mod row_facts;
pub(crate) mod shared;
pub(crate) mod viewer;
mod words;
pub(crate) mod wufb;

pub use markdown::{markdown, markdown_summary, md_code, status_words, SUMMARY_BYTES};
pub use render::{code_text, code_text_for, text, thousands};
pub use report::{
    chain_parts, ChainLinkReport, CodeCount, CollectNextReport, ConfigReport, ContextHere, CycleReport, ErrorReport, FileReport, FindingReport, FlowReport,
    MachineReport, MissingConfig, NextCheck, OperationGroup, OperationReport, OperationsReport, PolicyCard, ProxyCard, Report, ReportLimits, RingSetting,
    StatementReport, StepReport, Summary, TimeZoneReport, Tool, UpdateRingCard, UpdateRow,
};
pub use words::{badge_words, detail, headline_text, link_state, row_status_words, statement_text};
