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

mod follow;
pub mod protocol;
pub mod report_parts;
mod schedule;
mod zipblob;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wulens_core::model::{InputWarning, LogFile, Severity};
use wulens_core::{Analysis, Diagnosis, FileLoader, Limits, MachineRow, Redactor, Report, ReportLimits, View};

pub use protocol::{Answer, Decoding, Detail, Filtered, Found, Located, NextKind, PieceJob, Request, Response, Rows, Shared, ZipEntries};

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
    /// The drop's one diagnosis: the page's report and every export are built from it, never
    /// diagnosed again (a new time zone for a file runs it anew).
    diagnosis: Option<Diagnosis>,
    view: Option<View>,
    /// Followed files' decoders, by file index (a character may be cut between two reads).
    decoders: std::collections::HashMap<usize, wulens_core::Decoder>,
    /// Big files' pieces are handed out to scanning workers (`set_delegate`).
    delegate: bool,
    /// The pieces cut and not yet scanned, and which scanner holds how many.
    pieces: schedule::Pieces,
    /// The drop's redactor, taught by its texts once: the Share panel's exports and the
    /// redacted logs give a name the same pseudonym.
    redactor: Option<Redactor>,
    /// The Share panel's exports of the current diagnosis (made once; a new time zone remakes them).
    shared: Option<Box<Shared>>,
}

/// What a redactor replaced between two of its summaries (the kinds' counts grow as it goes).
fn since(before: &wulens_core::RedactionSummary, after: &wulens_core::RedactionSummary) -> wulens_core::RedactionSummary {
    let kinds = after
        .kinds
        .iter()
        .map(|k| {
            let b = before.kinds.iter().find(|x| x.kind == k.kind);
            wulens_core::KindCount { kind: k.kind, distinct: k.distinct, replaced: k.replaced - b.map_or(0, |b| b.replaced) }
        })
        .filter(|k| k.replaced > 0)
        .collect();
    wulens_core::RedactionSummary { kinds, notes: after.notes.clone() }
}

/// The one conversion at the edge: every failure reaches JavaScript as an `Error` whose message
/// a user can act on.
fn into_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// A plain JS object for `value` (maps as objects, `None` as `null`).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(into_error)
}

/// A report as JSON texts of parts ([`report_parts`]). A big drop's report is tens of thousands
/// of values: as text it is written here and read on the page (`serde_json` both ways) without
/// building, cloning and reading as many JS objects (measured on 100 MB drops: the worker's last
/// step 30-50 ms shorter).
fn report_texts(report: Report) -> Result<Vec<String>, JsError> {
    report_parts::report_parts(report).map_err(into_error)
}

#[wasm_bindgen]
impl Session {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Session {
        Session::default()
    }

    /// Start a file; returns its handle for `push_chunk` / `end_file`.
    pub fn begin_file(&mut self, name: String, size: f64) -> u32 {
        let size = size.max(0.0) as u64;
        self.loaders.push(Some(if self.delegate { FileLoader::delegating(name, size) } else { FileLoader::new(name, size) }));
        (self.loaders.len() - 1) as u32
    }

    /// Files begun from now on hand their pieces out to scanning workers: after each
    /// `push_chunk` (and `close_file`), `queue_pieces` queues them; each one's findings come back
    /// through `put_scan` (or `scan_here`) before `end_file`.
    pub fn set_delegate(&mut self, on: bool) {
        self.delegate = on;
    }

    /// Queue the pieces parsed since the last call, of every open file, for the scanners.
    pub fn queue_pieces(&mut self) {
        let jobs = self.jobs();
        self.pieces.add(jobs);
    }

    /// The next piece for scanning worker number `scanner` (a `PieceJob`), or null when it
    /// holds enough already or nothing waits (`schedule.rs`). Say when it comes back with
    /// `piece_returned`.
    pub fn piece_for(&mut self, scanner: u32) -> Result<JsValue, JsError> {
        to_js(&self.pieces.for_scanner(scanner as usize))
    }

    /// Scanning worker `scanner` gave a piece back (its findings put, or it failed).
    pub fn piece_returned(&mut self, scanner: u32) {
        self.pieces.returned(scanner as usize);
    }

    /// Scan one waiting piece here, in this worker; false when none waits.
    pub fn scan_waiting_here(&mut self) -> bool {
        let Some(job) = self.pieces.for_here() else { return false };
        self.scan_here(job.file, job.part);
        true
    }

    /// The text of a piece as UTF-8 bytes, copied once into a new `Uint8Array` of its own (to be
    /// transferred to a scanning worker); undefined for no such piece.
    pub fn piece_text(&self, file: u32, part: u32) -> Option<js_sys::Uint8Array> {
        self.piece_bytes(file, part).map(js_sys::Uint8Array::from)
    }

    /// What `scan_piece` found in a piece, in its binary form. An error (bytes that are not a
    /// piece's findings) leaves the piece to `scan_here`.
    pub fn put_scan(&mut self, file: u32, part: u32, scan: &[u8]) -> Result<(), JsError> {
        let scan = wulens_core::model::PieceScan::from_bytes(scan).map_err(into_error)?;
        if let Some(Some(l)) = self.loaders.get_mut(file as usize) {
            l.put_scan(part, scan);
        }
        Ok(())
    }

    /// Scan a piece here, in this worker (its scanning worker failed).
    pub fn scan_here(&mut self, file: u32, part: u32) {
        if let Some(Some(l)) = self.loaders.get_mut(file as usize) {
            let scan = l.piece_job(part).zip(l.piece_text(part)).map(|(job, text)| wulens_core::scan_piece(job.format, job.kind, text));
            if let Some(scan) = scan {
                l.put_scan(part, scan);
            }
        }
    }

    /// The file has no more bytes: its last piece is parsed (one more job to take).
    pub fn close_file(&mut self, handle: u32) {
        if let Some(Some(l)) = self.loaders.get_mut(handle as usize) {
            l.close();
        }
    }

    pub fn push_chunk(&mut self, handle: u32, chunk: &[u8]) {
        if let Some(Some(l)) = self.loaders.get_mut(handle as usize) {
            l.push(chunk);
        }
    }

    /// Decode up to `chunks` more 64 KiB chunks of file `handle`, all of whose bytes are pushed
    /// (the file is closed first): how far it is (a `Decoding`), or null for a file that
    /// `end_file` decodes whole (text, a trace, a bundle). An event log (.evtx) is decoded so,
    /// in steps, for the worker to show its progress and see a cancel between them: step it
    /// until `finished`, then `end_file` (which also reads what steps have not).
    pub fn decode_step(&mut self, handle: u32, chunks: u32) -> Result<JsValue, JsError> {
        to_js(&self.decode(handle, chunks))
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

    /// Analyse everything added so far and return the page's report (a `Report`, as the JSON
    /// texts of its parts: `report_parts`).
    pub fn analyze(&mut self) -> Result<Vec<String>, JsError> {
        report_texts(self.analyze_report())
    }

    /// Add the members of the zip `name` (read through `read(offset, length)`, a `Uint8Array`)
    /// at or under `inner` (a member's path inside it; empty: all), one member in memory at a
    /// time: one machine of a zip of bundles. Returns how many members were added.
    pub fn add_zip_members(&mut self, name: String, size: f64, read: &js_sys::Function, inner: String) -> Result<u32, JsError> {
        let blob = zipblob::BlobReader::new(read, size);
        self.add_members(&name, std::io::BufReader::with_capacity(1 << 20, blob), &inner).map_err(into_error)
    }

    /// The row of the machine whose files were added (a `MachineRow` object); the files and their
    /// text are dropped: a fleet keeps rows, not logs.
    pub fn machine_row(&mut self, machine: String, bundle: String) -> Result<JsValue, JsError> {
        to_js(&self.take_row(&machine, &bundle))
    }

    /// The drop's logs redacted into a zip (a `Uint8Array`): the Share panel's download.
    pub fn redacted_zip(&mut self) -> Result<Vec<u8>, JsError> {
        self.redacted_zip_bytes().map_err(into_error)
    }

    /// Answer a [`Request`] (a plain object) with a [`Response`] (a plain object).
    pub fn request(&mut self, request: JsValue) -> Result<JsValue, JsError> {
        let req: Request = serde_wasm_bindgen::from_value(request).map_err(|e| into_error(format!("bad request: {e}")))?;
        let res = self.answer(req).map_err(into_error)?;
        to_js(&res)
    }
}

impl Session {
    fn loader(&self, file: u32) -> Option<&FileLoader> {
        self.loaders.get(file as usize)?.as_ref()
    }

    /// [`Session::decode_step`] in plain Rust.
    pub fn decode(&mut self, handle: u32, chunks: u32) -> Option<Decoding> {
        let p = self.loaders.get_mut(handle as usize)?.as_mut()?.decode_step(chunks as usize)?;
        Some(Decoding { done: p.done, total: p.total, finished: p.finished })
    }

    /// [`Session::piece_text`] in plain Rust.
    pub fn piece_bytes(&self, file: u32, part: u32) -> Option<&[u8]> {
        self.loader(file)?.piece_text(part).map(str::as_bytes)
    }

    /// The pieces parsed since the last call, of every open file.
    pub fn jobs(&mut self) -> Vec<PieceJob> {
        let mut out = Vec::new();
        for (file, l) in self.loaders.iter_mut().enumerate() {
            let Some(l) = l else { continue };
            out.extend(l.take_jobs().into_iter().map(|j| PieceJob { file: file as u32, part: j.part, format: j.format, kind: j.kind }));
        }
        out
    }

    /// Analyse everything added so far; the page gets short lists, exports ask for the full report.
    pub fn analyze_report(&mut self) -> Report {
        let files = std::mem::take(&mut self.files);
        let warnings = std::mem::take(&mut self.warnings);
        let a = Analysis::from_files(files, warnings);
        let d = Diagnosis::run(&a);
        let report = Report::from_diagnosis(&a, &d, ReportLimits::PAGE);
        self.view = Some(View::new(&a));
        self.analysis = Some(a);
        self.diagnosis = Some(d);
        self.redactor = None;
        self.shared = None;
        report
    }

    /// The Share panel's exports: the full report redacted by the drop's redactor (taught first,
    /// once), as JSON and Markdown, with what was replaced. Made once per diagnosis.
    fn shared(&mut self) -> Result<Box<Shared>, String> {
        if let Some(s) = &self.shared {
            return Ok(s.clone());
        }
        let (Some(a), Some(d)) = (self.analysis.as_ref(), self.diagnosis.as_ref()) else {
            return Err("no analysis yet".into());
        };
        let redactor = self.redactor.get_or_insert_with(|| wulens_core::learned_redactor(a));
        let before = redactor.summary();
        let report = wulens_core::redact_report(&Report::from_diagnosis(a, d, ReportLimits::FULL), redactor).map_err(|e| e.to_string())?;
        let redaction = since(&before, &redactor.summary());
        let shared = Box::new(Shared { redaction, markdown: wulens_core::markdown(&report), summary: wulens_core::markdown_summary(&report), report });
        self.shared = Some(shared.clone());
        Ok(shared)
    }

    /// The drop's logs redacted into a zip (what `wulens redact` writes), with the same
    /// redactor as the Share panel's report: a name has one pseudonym in both.
    pub fn redacted_zip_bytes(&mut self) -> Result<Vec<u8>, String> {
        let a = self.analysis.as_ref().ok_or("no analysis yet")?;
        let redactor = self.redactor.get_or_insert_with(|| wulens_core::learned_redactor(a));
        let (cursor, _) = wulens_core::write_redacted_zip(a, redactor, std::io::Cursor::new(Vec::new())).map_err(|e| e.to_string())?;
        Ok(cursor.into_inner())
    }

    /// A file's times read in another zone: the view and the diagnosis are made anew.
    fn set_offset(&mut self, file: u32, minutes: Option<i32>) -> Result<Response, String> {
        let (Some(mut a), Some(v)) = (self.analysis.take(), self.view.as_mut()) else {
            return Err("no analysis yet".into());
        };
        a.set_offset_override(file as usize, minutes);
        let rebuilt = v.rebuild(&a);
        let d = Diagnosis::run(&a);
        let report = Report::from_diagnosis(&a, &d, ReportLimits::PAGE);
        self.analysis = Some(a);
        self.diagnosis = Some(d);
        self.shared = None;
        rebuilt?;
        Ok(Response::Report(Box::new(report)))
    }

    /// [`Session::add_zip_members`] over any reader.
    pub fn add_members<R: std::io::Read + std::io::Seek>(&mut self, name: &str, reader: R, inner: &str) -> Result<u32, String> {
        let limits = browser_limits();
        let mut added = 0;
        let mut warnings = Vec::new();
        let opened = zipblob::members(
            reader,
            inner,
            limits.max_expanded_bytes,
            &mut |member, bytes| {
                let mut l = FileLoader::new(format!("{name}/{member}"), bytes.len() as u64);
                l.push(&bytes);
                let loaded = l.finish(&limits);
                self.files.extend(loaded.files);
                self.warnings.extend(loaded.warnings);
                added += 1;
            },
            &mut |member, message| warnings.push(InputWarning { name: format!("{name}/{member}"), message }),
        );
        self.warnings.extend(warnings);
        opened.map_err(|e| format!("{name} cannot be opened as a zip ({e})"))?;
        if added == 0 {
            self.warnings.push(InputWarning { name: format!("{name}/{inner}"), message: "has no file in the zip".into() });
        }
        Ok(added)
    }

    /// The row of the files added so far, then a clean session for the next machine.
    pub fn take_row(&mut self, machine: &str, bundle: &str) -> MachineRow {
        let files = std::mem::take(&mut self.files);
        let warnings = std::mem::take(&mut self.warnings);
        *self = Session::default();
        MachineRow::from_analysis(machine, bundle, &Analysis::from_files(files, warnings))
    }

    /// The protocol in plain Rust: the answer to `req`, or a message for people.
    pub fn answer(&mut self, req: Request) -> Result<Response, String> {
        match req {
            Request::SetOffset { file, minutes } => return self.set_offset(file, minutes),
            Request::Shared => return self.shared().map(Response::Shared),
            _ => {}
        }
        let (Some(a), Some(d), Some(v)) = (self.analysis.as_mut(), self.diagnosis.as_ref(), self.view.as_mut()) else {
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
                // The lines of the updates failing or stalled now come first.
                Response::Located(Located { index: v.next_stop(a, from, min, forward, !routine, &d.target_lines(a)) })
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
            Request::Markdown => Response::Text(wulens_core::markdown(&Report::from_diagnosis(a, d, ReportLimits::FULL))),
            Request::MarkdownSummary => Response::Text(wulens_core::markdown_summary(&Report::from_diagnosis(a, d, ReportLimits::FULL))),
            Request::Report => Response::Report(Box::new(Report::from_diagnosis(a, d, ReportLimits::FULL))),
            // Answered before the match (they need the whole session).
            Request::SetOffset { .. } | Request::Shared => return Err("internal: a session request reached the view".into()),
        })
    }
}

/// A scanning worker's work: the findings of a piece (`text`, UTF-8, as `Session::piece_text`
/// gave it) in their binary form, for `Session::put_scan`.
#[wasm_bindgen]
pub fn scan_piece(job: JsValue, text: &[u8]) -> Result<Vec<u8>, JsError> {
    let job: PieceJob = serde_wasm_bindgen::from_value(job).map_err(|e| into_error(format!("bad piece: {e}")))?;
    scan_piece_bytes(&job, text).map_err(into_error)
}

/// [`scan_piece`] in plain Rust.
pub fn scan_piece_bytes(job: &PieceJob, text: &[u8]) -> Result<Vec<u8>, String> {
    let text = simdutf8::basic::from_utf8(text).map_err(|_| "a piece's text is not UTF-8".to_string())?;
    Ok(wulens_core::scan_piece(job.format, job.kind, text).to_bytes())
}

/// Warm a scanning worker's compiled code (see `public/worker.js`, warmUp): `bytes` (a sample
/// log, UTF-8) repeated `rounds` times, scanned as one piece of a file called `name`.
#[wasm_bindgen]
pub fn warm_scanner(name: &str, bytes: &[u8], rounds: u32) {
    let sample = String::from_utf8_lossy(bytes);
    let text = sample.repeat(rounds as usize);
    let format = wulens_core::detect(&text, name);
    let kind = wulens_core::LogKind::before_reading(name, format);
    std::hint::black_box(wulens_core::scan_piece(format, kind, &text));
}

/// The file members of a zip read through `read(offset, length)` (only its directory is read),
/// as a `Response::ZipEntries`; a zip that cannot be opened is an error with why.
#[wasm_bindgen]
pub fn zip_entries(size: f64, read: &js_sys::Function) -> Result<JsValue, JsError> {
    let blob = zipblob::BlobReader::new(read, size);
    let entries = zipblob::entries(std::io::BufReader::with_capacity(1 << 20, blob)).map_err(|e| into_error(format!("cannot be opened as a zip ({e})")))?;
    to_js(&Response::ZipEntries(ZipEntries { entries }))
}

/// The row of a bundle that could not be read at all (a `MachineRow` object).
#[wasm_bindgen]
pub fn unreadable_row(machine: &str, bundle: &str, problem: &str) -> Result<JsValue, JsError> {
    to_js(&MachineRow::unreadable(machine, bundle, problem))
}

/// `{ code, known, symbol, ..., decoded }` for any notation; a notation that is no code is an
/// error saying why.
#[wasm_bindgen]
pub fn kb_lookup(input: &str) -> Result<JsValue, JsError> {
    to_js(&wulens_kb::lookup(input).map_err(into_error)?)
}

/// Ranked search results.
#[wasm_bindgen]
pub fn kb_search(query: &str, limit: u32) -> Result<JsValue, JsError> {
    to_js(&wulens_kb::search(query, limit as usize))
}

/// The whole knowledge base (same document as `wulens kb export`).
#[wasm_bindgen]
pub fn kb_export() -> Result<JsValue, JsError> {
    to_js(&wulens_kb::export())
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
        let l = serde_json::to_value(wulens_kb::lookup("-2145107941").unwrap()).unwrap();
        assert_eq!(l["code"], "0x8024401B");
        assert_eq!(l["decoded"]["http_status"], 407);
    }

    fn fixture(scenario: &str) -> Vec<(String, Vec<u8>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(scenario).join("logs");
        let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect();
        out.sort();
        out
    }

    fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in files {
            w.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_machine_of_a_zip_of_bundles_gives_its_row_and_the_session_is_emptied() {
        let proxy: Vec<(String, Vec<u8>)> = fixture("fail-step3-proxy-407").into_iter().map(|(n, b)| (format!("PC-1/{n}"), b)).collect();
        let inner = zip_of(&proxy);
        let outer = zip_of(&[("fleet/PC-1.zip".into(), inner), ("fleet/PC-2.zip".into(), b"PK\x03\x04 cut off".to_vec())]);
        let listed = protocol::ZipEntries { entries: zipblob::entries(std::io::Cursor::new(&outer)).unwrap() };
        assert_eq!(listed.entries, ["fleet/PC-1.zip", "fleet/PC-2.zip"]);
        let paths: Vec<String> = listed.entries.iter().map(|e| format!("fleet.zip/{e}")).collect();
        let machines = wulens_core::bundles::bundles(&paths);
        assert!(wulens_core::is_fleet(&machines, &paths));
        assert_eq!(machines[0].machine, "PC-1");

        let mut s = Session::new();
        assert_eq!(s.add_members("fleet.zip", std::io::Cursor::new(&outer), "fleet/PC-1.zip").unwrap(), 1);
        let row = s.take_row("PC-1", "fleet.zip/fleet/PC-1.zip");
        assert_eq!((row.status.as_str(), row.root_code.as_str()), ("failed", "0x8024401B"), "{row:?}");
        assert!(row.failed_at.starts_with("ConfigMgr scan step 3"), "{}", row.failed_at);
        assert!(s.files.is_empty() && s.analysis.is_none(), "the machine's text is dropped");

        s.add_members("fleet.zip", std::io::Cursor::new(&outer), "fleet/PC-2.zip").unwrap();
        let bad = s.take_row("PC-2", "fleet.zip/fleet/PC-2.zip");
        assert_eq!(bad.status, "unreadable");
        assert!(bad.problem.contains("cannot be opened"), "{}", bad.problem);
        assert!(s.add_members("x.zip", std::io::Cursor::new(b"not a zip".to_vec()), "").unwrap_err().contains("x.zip cannot be opened as a zip"));
        let res = Response::ZipEntries(listed.clone());
        assert_eq!(ZipEntries::from_response(serde_json::from_str(&serde_json::to_string(&res).unwrap()).unwrap()), Some(listed));
    }

    /// What a fleet keeps per machine: its row, not its page report. Measured on every fixture
    /// scenario (run with `--nocapture` to see the sizes): a row is about a kilobyte, the page's
    /// report tens of kilobytes, so a fleet of 10,000 machines keeps ~10 MB of rows.
    #[test]
    fn a_row_is_a_small_fraction_of_the_report() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let mut scenarios: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .flatten()
            .filter(|e| e.path().join("logs").is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        scenarios.sort();
        assert!(scenarios.len() > 10);
        let (mut rows, mut reports) = (0usize, 0usize);
        for sc in &scenarios {
            let files = fixture(sc);
            let inputs = files.iter().map(|(n, b)| wulens_core::Input { name: n.clone(), bytes: b.clone().into() }).collect();
            let a = Analysis::from_inputs(inputs, &Limits::default());
            let report = serde_json::to_string(&Report::build_with(&a, ReportLimits::PAGE)).unwrap().len();
            let row = serde_json::to_string(&MachineRow::from_analysis(sc, sc, &a)).unwrap().len();
            println!("{sc:32} row {row:6} B   page report {report:8} B");
            assert!(row < 4096, "{sc}: a row of {row} bytes");
            rows += row;
            reports += report;
        }
        println!("total: rows {rows} B, page reports {reports} B");
        assert!(rows * 10 < reports, "rows {rows} B against reports {reports} B");
    }

    /// A big WindowsUpdate.log read as the worker reads it, its pieces scanned by "workers"
    /// (`scan_piece_bytes`; one piece, as if its worker failed, by `scan_here`): the report of a
    /// session that scans everything itself.
    #[test]
    fn pieces_handed_out_give_the_report_of_a_session_that_scans_itself() {
        let line = |i: usize| {
            let msg = match i % 5 {
                0 => "* START * Search ClientId = CcmExec".to_string(),
                1 => format!("*FAILED* [8024401B] Web service call {i}"),
                2 => "Exit code = 0x80072EE2".to_string(),
                _ => format!("Update {{{:08X}-1111-2222-3333-444455556666}} found", i),
            };
            format!("2024/05/31 10:{:02}:{:02}.0000000 1234 5678 Agent           {msg}\r\n", (i / 60) % 60, i % 60)
        };
        let text: String = (0..150_000).map(line).collect();
        assert!(text.len() > 10 << 20);
        let run = |delegate: bool| {
            let mut s = Session::new();
            s.set_delegate(delegate);
            let h = s.begin_file("WindowsUpdate.log".into(), text.len() as f64);
            let mut jobs = Vec::new();
            for c in text.as_bytes().chunks(3 << 20) {
                s.push_chunk(h, c);
                jobs.extend(s.jobs());
            }
            s.close_file(h);
            jobs.extend(s.jobs());
            assert_eq!(jobs.is_empty(), !delegate);
            for job in &jobs {
                assert_eq!((job.file, job.kind), (h, Some(wulens_core::LogKind::WindowsUpdate)));
                if job.part == 1 {
                    s.scan_here(job.file, job.part);
                    continue;
                }
                let bytes = s.piece_bytes(job.file, job.part).expect("piece").to_vec();
                let found = scan_piece_bytes(job, &bytes).expect("scanned");
                s.put_scan(job.file, job.part, &found).map_err(|_| "put").unwrap();
            }
            s.end_file(h);
            assert_eq!(s.files[0].prescan.is_some(), delegate);
            serde_json::to_string(&s.analyze_report()).unwrap()
        };
        let whole = run(false);
        assert_eq!(run(true), whole);
        // The worker's pump: two scanners take what the queue gives them, the session scans
        // one waiting piece after each slice and all that is left once the file is read.
        let mut s = Session::new();
        s.set_delegate(true);
        let h = s.begin_file("WindowsUpdate.log".into(), text.len() as f64);
        let mut by_scanners = 0;
        for c in text.as_bytes().chunks(3 << 20) {
            s.push_chunk(h, c);
            s.queue_pieces();
            let mut held = Vec::new();
            for scanner in 0..2 {
                held.extend(std::iter::from_fn(|| s.pieces.for_scanner(scanner)).map(|j| (scanner, j)));
            }
            s.scan_waiting_here();
            for (scanner, job) in held {
                let found = scan_piece_bytes(&job, s.piece_bytes(job.file, job.part).expect("piece")).expect("scanned");
                s.put_scan(job.file, job.part, &found).map_err(|_| "put").unwrap();
                s.piece_returned(scanner as u32);
                by_scanners += 1;
            }
        }
        s.close_file(h);
        s.queue_pieces();
        while s.scan_waiting_here() {}
        s.end_file(h);
        assert!(by_scanners > 0 && s.files[0].prescan.is_some());
        assert_eq!(serde_json::to_string(&s.analyze_report()).unwrap(), whole);
        let job = PieceJob { file: 0, part: 0, format: wulens_core::LogFormat::WindowsUpdateEtw, kind: None };
        assert!(scan_piece_bytes(&job, b"\xFF\xFE").unwrap_err().contains("not UTF-8"));
    }

    /// The page's exports reuse the drop's diagnosis: one run for the drop, one more for a new
    /// time zone, and every export equal to a report built from scratch.
    #[test]
    fn a_drop_is_diagnosed_once_and_its_exports_reuse_it() {
        let text = "2024/05/31 10:00:00.0000000 1234 5678 Agent           * START * Search ClientId = CcmExec\r\n\
                    2024/05/31 10:00:09.0000000 1234 5678 Agent           *FAILED* [8024401B] Web service call\r\n";
        let mut s = Session::new();
        let h = s.begin_file("WindowsUpdate.log".into(), text.len() as f64);
        s.push_chunk(h, text.as_bytes());
        s.end_file(h);
        let runs = Diagnosis::runs_on_this_thread;
        let before = runs();
        let page = s.analyze_report();
        assert_eq!(runs() - before, 1);
        let fresh = Report::build(s.analysis.as_ref().unwrap());
        let before = runs();
        for req in [Request::Markdown, Request::MarkdownSummary, Request::Report] {
            match s.answer(req).unwrap() {
                Response::Text(t) => assert!(t == wulens_core::markdown(&fresh) || t == wulens_core::markdown_summary(&fresh)),
                Response::Report(r) => assert_eq!(serde_json::to_string(&r).unwrap(), serde_json::to_string(&fresh).unwrap()),
                other => panic!("unexpected answer {other:?}"),
            }
        }
        assert_eq!(runs() - before, 0, "exports do not diagnose again");
        assert_eq!(page.summary.verdict, fresh.summary.verdict);
        s.answer(Request::SetOffset { file: 0, minutes: Some(60) }).unwrap();
        assert_eq!(runs() - before, 1, "a new time zone diagnoses anew");
    }

    /// The Share panel's exports and zip: no planted identifier leaves, the conclusion stays,
    /// and the redacted logs read back to the same verdict.
    #[test]
    fn shared_exports_and_the_zip_hide_the_drop_s_names_and_keep_the_conclusion() {
        let text = "2024/05/31 10:00:00.0000000 1234 5678 Agent           * START * Search ClientId = CcmExec\r\n\
                    2024/05/31 10:00:01.0000000 1234 5678 Agent           WSUS server: http://wsus77.contoso.example:8530\r\n\
                    2024/05/31 10:00:02.0000000 1234 5678 Misc            Loaded C:\\Users\\zorro.admin\\AppData\\x.dll from 10.20.30.40\r\n\
                    2024/05/31 10:00:09.0000000 1234 5678 Agent           *FAILED* [8024401B] Web service call to http://wsus77.contoso.example:8530\r\n";
        let mut s = Session::new();
        let h = s.begin_file("logs/WindowsUpdate.log".into(), text.len() as f64);
        s.push_chunk(h, text.as_bytes());
        s.end_file(h);
        let page = s.analyze_report();
        let shared = Box::<Shared>::from_response(s.answer(Request::Shared).unwrap()).unwrap();
        let json = serde_json::to_string(&shared.report).unwrap();
        for out in [&json, &shared.markdown, &shared.summary] {
            for planted in ["wsus77", "contoso", "zorro", "10.20.30.40"] {
                assert!(!out.to_lowercase().contains(planted), "{planted} left in {out}");
            }
        }
        assert_eq!(shared.report.summary.status, page.summary.status);
        assert!(shared.report.errors.iter().any(|e| e.code == "0x8024401B"));
        let kinds: Vec<_> = shared.redaction.kinds.iter().map(|k| k.kind).collect();
        assert!(kinds.contains(&wulens_core::RedactKind::Host), "{:?}", shared.redaction);
        assert_eq!(Box::<Shared>::from_response(s.answer(Request::Shared).unwrap()).unwrap(), shared, "made once per diagnosis");

        let zip = s.redacted_zip_bytes().unwrap();
        let mut back = Session::new();
        back.add_members("shared.zip", std::io::Cursor::new(&zip), "").unwrap();
        let again = back.analyze_report();
        let texts: String = back.analysis.as_ref().unwrap().files.iter().map(|f| format!("{}\n{}", f.name, f.text)).collect();
        for planted in ["wsus77", "contoso", "zorro", "10.20.30.40"] {
            assert!(!texts.to_lowercase().contains(planted), "{planted} left in the zip: {texts}");
        }
        assert!(texts.contains("HOST-"), "{texts}");
        assert_eq!((again.summary.status, again.summary.badge.clone()), (page.summary.status, page.summary.badge.clone()));
        assert_eq!(again.errors.iter().map(|e| &e.code).collect::<Vec<_>>(), page.errors.iter().map(|e| &e.code).collect::<Vec<_>>());
        let shown = serde_json::to_string(&shared.report.summary.verdict).unwrap();
        assert!(shown.contains("HOST-") || !page.summary.verdict.contains("wsus77"), "{shown}");
    }

    #[test]
    fn requests_and_responses_read_back() {
        let reqs = [
            Request::Filter(wulens_core::Filter { severities: vec![wulens_core::Severity::Error], ..Default::default() }),
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
