//! The wasm-bindgen boundary of wulens.
//!
//! - [`Session`]: one analysis inside the web worker. The worker script feeds file chunks
//!   (`Blob.slice` + `FileReaderSync`), steps the decoding of an event log (`decode_step`),
//!   then asks for the report and for windows of viewer rows.
//!   Requests and answers are typed ([`protocol`]) and cross the boundary as plain JS objects
//!   (serde-wasm-bindgen); the report is the same `wulens_core::Report` the CLI prints, as JSON
//!   texts of parts the page reads one per task ([`report_parts`]).
//! - [`scan_piece`] and [`warm_scanner`]: a scanning worker's work (`public/scanner.js`): a piece
//!   of a big file that a session cut (`Session::set_delegate`, `queue_pieces`, `piece_for`,
//!   `piece_text`; who scans what is `schedule.rs`),
//!   parsed and scanned, handed back to the session in binary form (`Session::put_scan`).
//! - [`ZipDirectory`]: a zip of bundles read in place, its directory once, each machine's
//!   members by name (`zipblob.rs`).
//! - [`WufbExports`]: Windows Update for Business reports
//!   exports in a fleet's drop, told from the bundles by their first bytes, read and joined to
//!   the fleet's rows (`wufb.rs`).
//! - `kb_*` functions: the knowledge base for the page and for embedders.
//!
//! Everything here is a thin wrapper: logic lives in `wulens-core` and `wulens-kb`, where it is
//! tested natively; [`Session::answer`] is the whole protocol in plain Rust, tested natively too.
//! One file per job: `session.rs` (loading, then analysed), `answer.rs` (the protocol),
//! `follow.rs` (growing files), `exports.rs` (free functions), `convert.rs` (values as JS
//! objects, a report as texts, the browser's limits), `error.rs` (the one error type and its
//! one conversion to `JsError`).

mod answer;
mod convert;
mod error;
mod exports;
mod follow;
pub mod protocol;
pub mod report_parts;
mod schedule;
mod session;
mod wufb;
mod zipblob;

pub use error::Error;
pub use exports::{kb_export, kb_lookup, kb_search, scan_piece, scan_piece_bytes, unreadable_row, version, warm_scanner};
pub use protocol::{Answer, Decoding, Detail, Filtered, Found, Located, NextKind, PieceJob, Request, Response, Rows, Shared, ZipEntries};
pub use session::Session;
pub use wufb::{WufbExports, HEAD_BYTES};
pub use zipblob::ZipDirectory;

#[cfg(test)]
mod tests;
