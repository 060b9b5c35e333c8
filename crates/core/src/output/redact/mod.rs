//! Redaction for sharing: a drop's identifiers (computer, host and user names, IP and MAC
//! addresses, account SIDs, e-mail addresses and UPNs, device, tenant and user ids) replaced by
//! stable pseudonyms, in the logs themselves and in every string of a report. The CLI and the
//! page hand it texts (and a writer for the zip).
//!
//! `kinds.rs` (the kinds and the summary) and `known.rs` (what is kept, and the labels) are the
//! floor; `detect.rs` finds identifiers by their shape, `learn.rs` the names a text states,
//! `redactor.rs` joins both into pseudonyms, `report.rs` redacts a whole report, `logs.rs` a
//! drop's logs into a zip.

mod detect;
mod kinds;
mod known;
mod learn;
mod logs;
mod redactor;
mod report;

pub use kinds::{Kind, KindCount, RedactionSummary};
pub use known::MICROSOFT_DOMAINS;
pub use logs::{learned, write_zip};
pub use redactor::Redactor;
pub use report::report;
