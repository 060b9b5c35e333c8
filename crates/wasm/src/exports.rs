//! The boundary's free functions: a scanning worker's work ([`scan_piece`], [`warm_scanner`]),
//! an unreadable bundle's row for the fleet page, and the knowledge base
//! for the page and for embedders (`kb_*`).

use wasm_bindgen::prelude::*;
use wulens_core::fleet::MachineRow;

use crate::convert::to_js;
use crate::error::Error;
use crate::protocol::PieceJob;

/// A scanning worker's work: the findings of a piece (`text`, UTF-8, as `Session::piece_text`
/// gave it) in their binary form, for `Session::put_scan`.
#[wasm_bindgen]
pub fn scan_piece(job: JsValue, text: &[u8]) -> Result<Vec<u8>, JsError> {
    let job: PieceJob = serde_wasm_bindgen::from_value(job).map_err(|e| Error::Piece(format!("bad piece: {e}")))?;
    Ok(scan_piece_bytes(&job, text)?)
}

/// [`scan_piece`] in plain Rust.
pub fn scan_piece_bytes(job: &PieceJob, text: &[u8]) -> Result<Vec<u8>, Error> {
    let text = simdutf8::basic::from_utf8(text).map_err(|_| Error::Piece("a piece's text is not UTF-8".into()))?;
    Ok(wulens_core::input::scan_piece(job.format, job.kind, text).to_bytes())
}

/// Warm a scanning worker's compiled code (as `worker/warm.rs`, `warm_up`, warms its own): `bytes` (a sample
/// log, UTF-8) repeated `rounds` times, scanned as one piece of a file called `name`.
#[wasm_bindgen]
pub fn warm_scanner(name: &str, bytes: &[u8], rounds: u32) {
    let sample = String::from_utf8_lossy(bytes);
    let text = sample.repeat(rounds as usize);
    let format = wulens_core::input::detect(&text, name);
    let kind = wulens_core::model::LogKind::before_reading(name, format);
    std::hint::black_box(wulens_core::input::scan_piece(format, kind, &text));
}

/// The row of a bundle that could not be read at all (a `MachineRow` object).
#[wasm_bindgen]
pub fn unreadable_row(machine: &str, bundle: &str, problem: &str) -> Result<JsValue, JsError> {
    Ok(to_js(&MachineRow::unreadable(machine, bundle, problem))?)
}

/// `{ code, known, symbol, ..., decoded }` for any notation; a notation that is no code is an
/// error saying why.
#[wasm_bindgen]
pub fn kb_lookup(input: &str) -> Result<JsValue, JsError> {
    let entry = wulens_kb::lookup(input).map_err(|e| Error::Code(e.to_string()))?;
    Ok(to_js(&entry)?)
}

/// Ranked search results.
#[wasm_bindgen]
pub fn kb_search(query: &str, limit: u32) -> Result<JsValue, JsError> {
    Ok(to_js(&wulens_kb::search(query, limit as usize))?)
}

/// The whole knowledge base (same document as `wulens kb export`).
#[wasm_bindgen]
pub fn kb_export() -> Result<JsValue, JsError> {
    Ok(to_js(&wulens_kb::export())?)
}

#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
