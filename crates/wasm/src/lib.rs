//! The wasm-bindgen boundary of wulens.
//!
//! - [`Session`]: one analysis inside the web worker. The worker script feeds file chunks
//!   (`Blob.slice` + `FileReaderSync`), then asks for the report and for windows of viewer rows.
//!   Requests and answers are JSON strings: the contract is the same JSON the CLI prints.
//! - `kb_*` functions: the knowledge base for the page and for embedders.
//!
//! Everything here is a thin wrapper: logic lives in `wulens-core` and `wulens-kb`, where it is
//! tested natively.

use serde::Deserialize;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wulens_core::model::{InputWarning, LogFile, Severity};
use wulens_core::{Analysis, FileLoader, Filter, Limits, Report, ReportLimits, View};

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

#[derive(Deserialize, Default)]
#[serde(default)]
struct Args {
    start: usize,
    count: usize,
    index: Option<usize>,
    file: u32,
    line: u32,
    forward: Option<bool>,
    min: Option<String>,
    text: String,
    indices: Vec<usize>,
    markdown: bool,
    minutes: Option<i32>,
}

fn err(msg: impl std::fmt::Display) -> String {
    json!({ "error": msg.to_string() }).to_string()
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

    /// Analyse everything added so far and return the report (the CLI's JSON).
    pub fn analyze(&mut self) -> String {
        let files = std::mem::take(&mut self.files);
        let warnings = std::mem::take(&mut self.warnings);
        let a = Analysis::from_files(files, warnings);
        // The page gets short lists; exports ask for the full report ("report", "markdown").
        let report = Report::build_with(&a, ReportLimits::PAGE);
        let out = serde_json::to_string(&report).unwrap_or_else(err);
        self.view = Some(View::new(&a));
        self.analysis = Some(a);
        out
    }

    /// Answer a viewer or report request. `kind` names it; `args` is JSON.
    pub fn request(&mut self, kind: &str, args: &str) -> String {
        let (Some(a), Some(v)) = (self.analysis.as_mut(), self.view.as_mut()) else {
            return err("no analysis yet");
        };
        let p: Args = match kind {
            "filter" => Args::default(),
            _ => serde_json::from_str(args).unwrap_or_default(),
        };
        match kind {
            "filter" => match serde_json::from_str::<Filter>(args) {
                Ok(f) => match v.apply(a, f) {
                    Ok(n) => json!({ "count": n, "total": v.total() }).to_string(),
                    Err(e) => err(e),
                },
                Err(e) => err(format!("bad filter: {e}")),
            },
            "rows" => json!({ "rows": v.rows(a, p.start, p.count.min(2000)), "count": v.len() }).to_string(),
            "detail" => match v.detail(a, p.index.unwrap_or(0)) {
                Some((text, truncated)) => json!({ "text": text, "truncated": truncated }).to_string(),
                None => err("no such row"),
            },
            "locate" => json!({ "index": v.locate(a, p.file, p.line) }).to_string(),
            "next" => {
                let min = match p.min.as_deref() {
                    Some("warning") => Severity::Warning,
                    _ => Severity::Error,
                };
                json!({ "index": v.next_with(a, p.index, min, p.forward.unwrap_or(true)) }).to_string()
            }
            "find" => {
                let (count, index) = v.find(a, &p.text, p.start, p.forward.unwrap_or(true));
                json!({ "count": count, "index": index }).to_string()
            }
            "codes" => json!({ "codes": v.codes_in_view(a) }).to_string(),
            "copy" => json!({ "text": v.copy(a, &p.indices, p.markdown) }).to_string(),
            "markdown" => json!({ "text": wulens_core::markdown(&Report::build(a)) }).to_string(),
            "report" => serde_json::to_string(&Report::build(a)).unwrap_or_else(err),
            "set_offset" => {
                a.set_offset_override(p.file as usize, p.minutes);
                let _ = v.rebuild(a);
                serde_json::to_string(&Report::build_with(a, ReportLimits::PAGE)).unwrap_or_else(err)
            }
            other => err(format!("unknown request {other}")),
        }
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
        let report: serde_json::Value = serde_json::from_str(&s.analyze()).unwrap();
        assert_eq!(report["files"][0]["format"], "cmtrace");
        assert_eq!(report["errors"][0]["code"], "0x8024401B");
        let rows: serde_json::Value = serde_json::from_str(&s.request("rows", r#"{"start":0,"count":10}"#)).unwrap();
        assert_eq!(rows["rows"][0]["severity"], "error");
        let f: serde_json::Value = serde_json::from_str(&s.request("filter", r#"{"text":"(","regex":true}"#)).unwrap();
        assert!(f["error"].as_str().unwrap().contains("not valid"));
        let l: serde_json::Value = serde_json::from_str(&kb_lookup("-2145107941")).unwrap();
        assert_eq!(l["code"], "0x8024401B");
        assert_eq!(l["decoded"]["http_status"], 407);
    }
}
