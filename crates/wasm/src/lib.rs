//! The wasm-bindgen boundary of wulens.
//!
//! - [`Session`]: one analysis inside the web worker. The worker script feeds file chunks
//!   (`Blob.slice` + `FileReaderSync`), then asks for the report and for windows of viewer rows.
//!   Requests and answers are typed ([`protocol`]) and cross the boundary as plain JS objects
//!   (serde-wasm-bindgen); the report is the same `wulens_core::Report` the CLI prints.
//! - `kb_*` functions: the knowledge base for the page and for embedders.
//!
//! Everything here is a thin wrapper: logic lives in `wulens-core` and `wulens-kb`, where it is
//! tested natively; [`Session::answer`] is the whole protocol in plain Rust, tested natively too.

pub mod protocol;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wulens_core::model::{InputWarning, LogFile, Severity};
use wulens_core::{Analysis, FileLoader, Limits, Report, ReportLimits, View};

pub use protocol::{Answer, Detail, Filtered, Found, Located, NextKind, Request, Response, Rows};

/// Limits in the browser: a tab has a few GB of memory at most.
fn browser_limits() -> Limits {
    Limits { max_expanded_bytes: 2 << 30, ..Limits::default() }
}

#[wasm_bindgen]
#[derive(Default)]
pub struct Session {
    loaders: Vec<Option<FileLoader>>,
    files: Vec<LogFile>,
    warnings: Vec<InputWarning>,
    analysis: Option<Analysis>,
    view: Option<View>,
}

fn err(msg: impl std::fmt::Display) -> String {
    serde_json::json!({ "error": msg.to_string() }).to_string()
}

/// A plain JS object for `value` (maps as objects, `None` as `null`).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsError::new(&e.to_string()))
}

#[wasm_bindgen]
impl Session {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Session {
        Session::default()
    }

    /// Start a file; returns its handle for `push_chunk` / `end_file`.
    pub fn begin_file(&mut self, name: String, size: f64) -> u32 {
        self.loaders.push(Some(FileLoader::new(name, size.max(0.0) as u64)));
        (self.loaders.len() - 1) as u32
    }

    pub fn push_chunk(&mut self, handle: u32, chunk: &[u8]) {
        if let Some(Some(l)) = self.loaders.get_mut(handle as usize) {
            l.push(chunk);
        }
    }

    /// The file is complete: decode and parse it now (the worker reports progress between files).
    pub fn end_file(&mut self, handle: u32) {
        if let Some(slot) = self.loaders.get_mut(handle as usize) {
            if let Some(l) = slot.take() {
                let loaded = l.finish(&browser_limits());
                self.files.extend(loaded.files);
                self.warnings.extend(loaded.warnings);
            }
        }
    }

    /// A problem the page found before the bytes reached us (an unreadable file, a folder error).
    pub fn add_warning(&mut self, name: String, message: String) {
        self.warnings.push(InputWarning { name, message });
    }

    /// Analyse everything added so far and return the page's report (a `Report` object).
    pub fn analyze(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.analyze_report())
    }

    /// Answer a [`Request`] (a plain object) with a [`Response`] (a plain object).
    pub fn request(&mut self, request: JsValue) -> Result<JsValue, JsError> {
        let req: Request = serde_wasm_bindgen::from_value(request).map_err(|e| JsError::new(&format!("bad request: {e}")))?;
        let res = self.answer(req).map_err(|e| JsError::new(&e))?;
        to_js(&res)
    }
}

impl Session {
    /// Analyse everything added so far; the page gets short lists, exports ask for the full report.
    pub fn analyze_report(&mut self) -> Report {
        let files = std::mem::take(&mut self.files);
        let warnings = std::mem::take(&mut self.warnings);
        let a = Analysis::from_files(files, warnings);
        let report = Report::build_with(&a, ReportLimits::PAGE);
        self.view = Some(View::new(&a));
        self.analysis = Some(a);
        report
    }

    /// The protocol in plain Rust: the answer to `req`, or a message for people.
    pub fn answer(&mut self, req: Request) -> Result<Response, String> {
        let (Some(a), Some(v)) = (self.analysis.as_mut(), self.view.as_mut()) else {
            return Err("no analysis yet".into());
        };
        Ok(match req {
            Request::Filter(f) => {
                let count = v.apply(a, f)?;
                Response::Filtered(Filtered { count, total: v.total() })
            }
            Request::Rows { start, count } => Response::Rows(Rows { rows: v.rows(a, start, count.min(2000)), count: v.len() }),
            Request::Detail { index } => {
                let (text, truncated) = v.detail(a, index).ok_or("no such row")?;
                Response::Detail(Detail { text, truncated })
            }
            Request::Locate { file, line } => Response::Located(Located { index: v.locate(a, file, line) }),
            Request::Next { from, min, forward, routine } => {
                let min = match min {
                    NextKind::Error => Severity::Error,
                    NextKind::Warning => Severity::Warning,
                };
                Response::Located(Located { index: v.next_with(a, from, min, forward, !routine) })
            }
            Request::Find { text, start, forward } => {
                let (count, index) = v.find(a, &text, start, forward);
                Response::Found(Found { count, index })
            }
            Request::AtTime { time, zone } => Response::Located(Located { index: v.at_time(a, &time, zone)? }),
            Request::Positions { lines } => Response::Positions(v.positions(a, &lines)),
            Request::Codes => Response::Codes(v.codes_in_view(a)),
            Request::Components => Response::Components(v.components(a)),
            Request::Copy { indices, markdown } => Response::Text(v.copy(a, &indices, markdown)),
            Request::Markdown => Response::Text(wulens_core::markdown(&Report::build(a))),
            Request::Report => Response::Report(Box::new(Report::build(a))),
            Request::SetOffset { file, minutes } => {
                a.set_offset_override(file as usize, minutes);
                v.rebuild(a)?;
                Response::Report(Box::new(Report::build_with(a, ReportLimits::PAGE)))
            }
        })
    }
}

/// `{ code, known, symbol, ..., decoded }` for any notation, or `{ error }`.
#[wasm_bindgen]
pub fn kb_lookup(input: &str) -> String {
    match wulens_kb::lookup(input) {
        Ok(l) => serde_json::to_string(&l).unwrap_or_else(err),
        Err(e) => err(e),
    }
}

/// Ranked search results as JSON.
#[wasm_bindgen]
pub fn kb_search(query: &str, limit: u32) -> String {
    serde_json::to_string(&wulens_kb::search(query, limit as usize)).unwrap_or_else(err)
}

/// The whole knowledge base (same document as `wulens kb export`).
#[wasm_bindgen]
pub fn kb_export() -> String {
    serde_json::to_string(&wulens_kb::export()).unwrap_or_else(err)
}

#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_round_trip() {
        let mut s = Session::new();
        let h = s.begin_file("WUAHandler.log".into(), 0.0);
        let text = "<![LOG[Scan failed with error = 0x8024401b.]LOG]!><time=\"10:00:05.000+480\" date=\"01-15-2024\" component=\"WUAHandler\" context=\"\" type=\"3\" thread=\"7\" file=\"\">\r\n";
        for c in text.as_bytes().chunks(13) {
            s.push_chunk(h, c);
        }
        s.end_file(h);
        let report = s.analyze_report();
        assert_eq!(report.files[0].format, "cmtrace");
        assert_eq!(report.errors[0].code, "0x8024401B");
        let rows = Rows::from_response(s.answer(Request::Rows { start: 0, count: 10 }).unwrap()).unwrap();
        assert_eq!(rows.rows[0].severity, Severity::Error);
        let filter = wulens_core::Filter { text: "(".into(), regex: true, ..Default::default() };
        assert!(s.answer(Request::Filter(filter)).unwrap_err().contains("not valid"));
        let comps = Vec::<String>::from_response(s.answer(Request::Components).unwrap()).unwrap();
        assert_eq!(comps, ["WUAHandler"]);
        let next = Located::from_response(s.answer(Request::Next { from: None, min: NextKind::Error, forward: true, routine: false }).unwrap()).unwrap();
        assert_eq!(next.index, Some(0));
        assert!(Rows::from_response(s.answer(Request::Codes).unwrap()).is_none(), "the wrong answer type is refused");
        let at = Located::from_response(s.answer(Request::AtTime { time: "2024-01-15 10:00".into(), zone: -480 }).unwrap()).unwrap();
        assert_eq!(at.index, Some(0));
        assert_eq!(Vec::<usize>::from_response(s.answer(Request::Positions { lines: vec![(0, 1)] }).unwrap()).unwrap(), [0]);
        let l: serde_json::Value = serde_json::from_str(&kb_lookup("-2145107941")).unwrap();
        assert_eq!(l["code"], "0x8024401B");
        assert_eq!(l["decoded"]["http_status"], 407);
    }

    #[test]
    fn requests_and_responses_read_back() {
        let reqs = [
            Request::Filter(wulens_core::Filter { severities: vec!["error".into()], ..Default::default() }),
            Request::Rows { start: 200, count: 200 },
            Request::Next { from: Some(3), min: NextKind::Warning, forward: false, routine: true },
            Request::AtTime { time: "2024-01-15 10:00".into(), zone: -480 },
            Request::Positions { lines: vec![(0, 3), (1, 9)] },
            Request::SetOffset { file: 1, minutes: None },
            Request::Codes,
        ];
        for r in reqs {
            let back: Request = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
            assert_eq!(back, r);
        }
        assert_eq!(serde_json::to_string(&Request::Codes).unwrap(), "\"codes\"");
        let res = Response::Found(Found { count: 2, index: None });
        assert_eq!(serde_json::from_str::<Response>(&serde_json::to_string(&res).unwrap()).unwrap(), res);
    }
}
