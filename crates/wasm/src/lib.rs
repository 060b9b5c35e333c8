//! The wasm-bindgen boundary of wulens.
//!
//! - [`AnalysisWorker`]: the analysis worker, whole (`worker/`). `public/worker.js` only loads
//!   the module and hands it every message of the page; it reads each as a typed
//!   [`protocol::ToWorker`], does the work (reading the dropped `File`s in chunks through the
//!   reading worker, the scanning workers, decoding steps, fleets machine by machine, zips of
//!   bundles, following growing files, the warm-up) and posts typed [`protocol::FromWorker`]s.
//!   The page (`web/src/bridge.rs`) uses the same types: the protocol is defined once
//!   ([`protocol`]) and crosses as plain JS objects (serde-wasm-bindgen); the report is the same
//!   `wulens_core::Report` the CLI prints, as JSON texts of parts the page reads one per task
//!   ([`report_parts`]).
//! - [`Session`]: one analysis inside the worker: file chunks in (`begin_file`, `push_chunk`,
//!   `decode_step`, `end_file`), then the report and the answers to the page's requests.
//! - [`scan_piece`] and [`warm_scanner`]: a scanning worker's work (`public/scanner.js`): a piece
//!   of a big file that a session cut (`Session::set_delegate`, `queue_pieces`; who scans what
//!   is `schedule.rs`), parsed and scanned, handed back to the session in binary form
//!   (`Session::put_scan`).
//! - [`ZipDirectory`]: a zip of bundles read in place, its directory once, each machine's
//!   members by name (`zipblob.rs`).
//! - [`WufbExports`]: Windows Update for Business reports
//!   exports in a fleet's drop, told from the bundles by their first bytes, read and joined to
//!   the fleet's rows (`wufb.rs`).
//! - `kb_*` functions: the knowledge base for the page and for embedders.
//!
//! Everything but the worker's orchestration is a thin wrapper: logic lives in `wulens-core`
//! and `wulens-kb`, where it is tested natively; [`Session::answer`] is the whole request
//! protocol in plain Rust, tested natively too.
//! One file per job: `worker/` (the worker, itself one file per job: `mod.rs` the entry, the
//! message loop and cancels, `js.rs` its small helpers, `warm.rs` starting and the warm-up,
//! `read.rs` chunks and the reading worker, `scan.rs` the scanning workers, `analyze.rs` a drop
//! and .evtx decoding in steps, `fleet.rs` fleets, zips and WUfB exports, `growing.rs` growing
//! files), `session.rs` (loading, then analysed), `answer.rs` (the requests), `follow.rs`
//! (growing files, in the session), `exports.rs` (free functions), `convert.rs` (values as JS
//! objects, a report as texts, the browser's limits), `error.rs` (the one error type and its one
//! conversion to `JsError`).

mod answer;
mod convert;
mod error;
mod exports;
mod follow;
pub mod protocol;
pub mod report_parts;
mod schedule;
mod session;
mod worker;
mod wufb;
mod zipblob;

pub use error::Error;
pub use exports::{kb_export, kb_lookup, kb_search, scan_piece, scan_piece_bytes, unreadable_row, version, warm_scanner};
pub use protocol::{Answer, Decoding, Detail, Filtered, Found, FromWorker, Located, NextKind, PieceJob, Request, Response, Rows, Shared, ToWorker, ZipEntries};
pub use session::Session;
pub use worker::AnalysisWorker;
pub use wufb::{WufbExports, HEAD_BYTES};
pub use zipblob::ZipDirectory;

#[cfg(test)]
mod tests;
