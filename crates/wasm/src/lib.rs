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
//! - `kb_*` functions: the knowledge base for the page and for embedders.
//!
//! Everything here is a thin wrapper: logic lives in `wulens-core` and `wulens-kb`, where it is
//! tested natively; [`Session::answer`] is the whole protocol in plain Rust, tested natively too.
//! One file per job: `session.rs` (loading, then analysed), `answer.rs` (the protocol),
//! `follow.rs` (growing files), `exports.rs` (free functions), `error.rs` (the one error type
//! and its one conversion to `JsError`).

mod answer;
mod error;
mod exports;
mod follow;
pub mod protocol;
pub mod report_parts;
mod schedule;
mod session;
mod zipblob;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wulens_core::{Limits, Report};

pub use error::Error;
pub use exports::{kb_export, kb_lookup, kb_search, scan_piece, scan_piece_bytes, unreadable_row, version, warm_scanner, zip_entries};
pub use protocol::{Answer, Decoding, Detail, Filtered, Found, Located, NextKind, PieceJob, Request, Response, Rows, Shared, ZipEntries};
pub use session::Session;

/// Limits in the browser: a tab has a few GB of memory at most.
fn browser_limits() -> Limits {
    Limits { max_expanded_bytes: 2 << 30, ..Limits::default() }
}

/// A plain JS object for `value` (maps as objects, `None` as `null`).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Error> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// A report as JSON texts of parts ([`report_parts`]). A big drop's report is tens of thousands
/// of values: as text it is written here and read on the page (`serde_json` both ways) without
/// building, cloning and reading as many JS objects (measured on 100 MB drops: the worker's last
/// step 30-50 ms shorter).
fn report_texts(report: Report) -> Result<Vec<String>, Error> {
    Ok(report_parts::report_parts(report)?)
}

#[cfg(test)]
mod tests;
