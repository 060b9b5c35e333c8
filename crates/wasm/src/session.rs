//! [`Session`]: one drop's analysis inside the web worker, in two stages. While **loading**, the
//! worker feeds file chunks (`begin_file`, `push_chunk`, `end_file`; a big file's pieces go out
//! to scanning workers and come back, `schedule.rs`); `analyze` turns the files into one
//! **analysed** drop (the analysis, its one diagnosis, the viewer's view, what the Share panel
//! made), which answers the protocol's requests (`answer.rs`) and follows growing files
//! (`follow.rs`). A drop is one session: the worker makes a new one for the next.

use wasm_bindgen::prelude::*;
use wulens_core::fleet::MachineRow;
use wulens_core::input::FileLoader;
use wulens_core::model::{InputWarning, LogFile};
use wulens_core::redact::Redactor;
use wulens_core::report::ReportLimits;
use wulens_core::viewer::View;
use wulens_core::{Analysis, Diagnosis, Report};

use crate::convert::{browser_limits, report_texts, to_js};
use crate::error::Error;
use crate::protocol::{Decoding, PieceJob, Shared};
use crate::{schedule, zipblob};

#[wasm_bindgen]
#[derive(Default)]
pub struct Session {
    stage: Stage,
    /// Big files' pieces are handed out to scanning workers (`set_delegate`).
    delegate: bool,
    /// The pieces cut and not yet scanned, and which scanner holds how many.
    pub(crate) pieces: schedule::Pieces,
}

enum Stage {
    Loading(Loading),
    Analysed(Box<Analysed>),
}

impl Default for Stage {
    fn default() -> Stage {
        Stage::Loading(Loading::default())
    }
}

/// The files being read, and the ones read.
#[derive(Default)]
pub(crate) struct Loading {
    loaders: Vec<Option<FileLoader>>,
    files: Vec<LogFile>,
    warnings: Vec<InputWarning>,
}

/// One drop, analysed.
pub(crate) struct Analysed {
    pub analysis: Analysis,
    /// The drop's one diagnosis: the page's report and every export are built from it, never
    /// diagnosed again (a new time zone for a file runs it anew).
    pub diagnosis: Diagnosis,
    pub view: View,
    /// Followed files' decoders, by file index (a character may be cut between two reads).
    pub decoders: std::collections::HashMap<usize, wulens_core::input::Decoder>,
    /// The drop's redactor, taught by its texts once: the Share panel's exports and the
    /// redacted logs give a name the same pseudonym.
    pub redactor: Option<Redactor>,
    /// The Share panel's exports of the current diagnosis (made once; a new time zone remakes them).
    pub shared: Option<Box<Shared>>,
}

// The loading calls are never inlined: the worker's warm-up (`worker/warm.rs`, `warm_up`) and its
// analyses then run the same compiled functions, so that the engine's optimised code, earned in
// the warm-up, is the code the first analysis runs.
#[wasm_bindgen]
impl Session {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Session {
        Session::default()
    }

    /// Start a file; returns its handle for `push_chunk` / `end_file`.
    #[inline(never)]
    pub fn begin_file(&mut self, name: String, size: f64) -> Result<u32, JsError> {
        let size = size.max(0.0) as u64;
        let delegate = self.delegate;
        let l = self.loading()?;
        l.loaders.push(Some(if delegate { FileLoader::delegating(name, size) } else { FileLoader::new(name, size) }));
        Ok((l.loaders.len() - 1) as u32)
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
        Ok(to_js(&self.pieces.for_scanner(scanner as usize))?)
    }

    /// Scanning worker `scanner` gave a piece back (its findings put, or it failed).
    pub fn piece_returned(&mut self, scanner: u32) {
        self.pieces.returned(scanner as usize);
    }

    /// Scan one waiting piece here, in this worker; false when none waits.
    pub fn scan_waiting_here(&mut self) -> Result<bool, JsError> {
        Ok(self.scan_one_waiting()?)
    }

    /// The text of a piece as UTF-8 bytes, copied once into a new `Uint8Array` of its own (to be
    /// transferred to a scanning worker); undefined for no such piece.
    pub fn piece_text(&self, file: u32, part: u32) -> Option<js_sys::Uint8Array> {
        self.piece_bytes(file, part).map(js_sys::Uint8Array::from)
    }

    /// What `scan_piece` found in a piece, in its binary form. An error (bytes that are not a
    /// piece's findings) leaves the piece to `scan_here`.
    pub fn put_scan(&mut self, file: u32, part: u32, scan: &[u8]) -> Result<(), JsError> {
        Ok(self.put_scan_bytes(file, part, scan)?)
    }

    /// Scan a piece here, in this worker (its scanning worker failed).
    pub fn scan_here(&mut self, file: u32, part: u32) -> Result<(), JsError> {
        Ok(self.scan_piece_here(file, part)?)
    }

    /// The file has no more bytes: its last piece is parsed (one more job to take).
    #[inline(never)]
    pub fn close_file(&mut self, handle: u32) -> Result<(), JsError> {
        if let Some(l) = self.loader_mut(handle)? {
            l.close();
        }
        Ok(())
    }

    #[inline(never)]
    pub fn push_chunk(&mut self, handle: u32, chunk: &[u8]) -> Result<(), JsError> {
        if let Some(l) = self.loader_mut(handle)? {
            l.push(chunk);
        }
        Ok(())
    }

    /// Decode up to `chunks` more 64 KiB chunks of file `handle`, all of whose bytes are pushed
    /// (the file is closed first): how far it is (a `Decoding`), or null for a file that
    /// `end_file` decodes whole (text, a trace, a bundle). An event log (.evtx) is decoded so,
    /// in steps, for the worker to show its progress and see a cancel between them: step it
    /// until `finished`, then `end_file` (which also reads what steps have not).
    pub fn decode_step(&mut self, handle: u32, chunks: u32) -> Result<JsValue, JsError> {
        let d = self.decode(handle, chunks)?;
        Ok(to_js(&d)?)
    }

    /// The file is complete: decode and parse it now (the worker reports progress between files).
    #[inline(never)]
    pub fn end_file(&mut self, handle: u32) -> Result<(), JsError> {
        let l = self.loading()?;
        if let Some(loader) = l.loaders.get_mut(handle as usize).and_then(Option::take) {
            let loaded = loader.finish(&browser_limits());
            l.files.extend(loaded.files);
            l.warnings.extend(loaded.warnings);
        }
        Ok(())
    }

    /// A problem the page found before the bytes reached us (an unreadable file, a folder error).
    pub fn add_warning(&mut self, name: String, message: String) -> Result<(), JsError> {
        self.loading()?.warnings.push(InputWarning { name, message });
        Ok(())
    }

    /// Analyse everything added so far and return the page's report (a `Report`, as the JSON
    /// texts of its parts: `report_parts`).
    #[inline(never)]
    pub fn analyze(&mut self) -> Result<Vec<String>, JsError> {
        let report = self.analyze_report()?;
        Ok(report_texts(report)?)
    }

    /// Add the members of the zip `name` (its directory read once: `zip`) at or under `inner`
    /// (a member's path inside it; empty: all), one member in memory at a time: one machine of
    /// a zip of bundles. Returns how many members were added.
    pub fn add_zip_members(&mut self, zip: &mut zipblob::ZipDirectory, name: String, inner: String) -> Result<u32, JsError> {
        Ok(self.add_members_of(&name, zip.archive(), &inner)?)
    }

    /// The row of the machine whose files were added (a `MachineRow` object); the files and their
    /// text are dropped: a fleet keeps rows, not logs.
    pub fn machine_row(&mut self, machine: String, bundle: String) -> Result<JsValue, JsError> {
        let row = self.take_row(&machine, &bundle)?;
        Ok(to_js(&row)?)
    }
}

impl Session {
    /// [`Session::scan_waiting_here`] in plain Rust.
    pub fn scan_one_waiting(&mut self) -> Result<bool, Error> {
        let Some(job) = self.pieces.for_here() else { return Ok(false) };
        self.scan_piece_here(job.file, job.part)?;
        Ok(true)
    }

    /// [`Session::put_scan`] in plain Rust.
    pub fn put_scan_bytes(&mut self, file: u32, part: u32, scan: &[u8]) -> Result<(), Error> {
        let scan = wulens_core::model::PieceScan::from_bytes(scan).map_err(|e| Error::Piece(e.to_string()))?;
        if let Some(l) = self.loader_mut(file)? {
            l.put_scan(part, scan);
        }
        Ok(())
    }

    /// [`Session::scan_here`] in plain Rust.
    pub fn scan_piece_here(&mut self, file: u32, part: u32) -> Result<(), Error> {
        if let Some(l) = self.loader_mut(file)? {
            let scan = l.piece_job(part).zip(l.piece_text(part)).map(|(job, text)| wulens_core::input::scan_piece(job.format, job.kind, text));
            if let Some(scan) = scan {
                l.put_scan(part, scan);
            }
        }
        Ok(())
    }

    /// The files being read, or [`Error::AlreadyAnalysed`].
    fn loading(&mut self) -> Result<&mut Loading, Error> {
        match &mut self.stage {
            Stage::Loading(l) => Ok(l),
            Stage::Analysed(_) => Err(Error::AlreadyAnalysed),
        }
    }

    /// The analysed drop, or [`Error::NotAnalysed`].
    pub(crate) fn analysed(&mut self) -> Result<&mut Analysed, Error> {
        match &mut self.stage {
            Stage::Analysed(d) => Ok(d),
            Stage::Loading(_) => Err(Error::NotAnalysed),
        }
    }

    /// The analysis, once there is one.
    pub fn analysis(&self) -> Option<&Analysis> {
        match &self.stage {
            Stage::Analysed(d) => Some(&d.analysis),
            Stage::Loading(_) => None,
        }
    }

    /// The files read so far, before the analysis.
    pub fn loaded_files(&self) -> &[LogFile] {
        match &self.stage {
            Stage::Loading(l) => &l.files,
            Stage::Analysed(_) => &[],
        }
    }

    /// An open file's loader; `None` for a handle that is ended or was never begun.
    fn loader_mut(&mut self, file: u32) -> Result<Option<&mut FileLoader>, Error> {
        Ok(self.loading()?.loaders.get_mut(file as usize).and_then(Option::as_mut))
    }

    fn loader(&self, file: u32) -> Option<&FileLoader> {
        match &self.stage {
            Stage::Loading(l) => l.loaders.get(file as usize)?.as_ref(),
            Stage::Analysed(_) => None,
        }
    }

    /// [`Session::decode_step`] in plain Rust.
    pub fn decode(&mut self, handle: u32, chunks: u32) -> Result<Option<Decoding>, Error> {
        let Some(l) = self.loader_mut(handle)? else { return Ok(None) };
        Ok(l.decode_step(chunks as usize).map(|p| Decoding { done: p.done, total: p.total, finished: p.finished }))
    }

    /// [`Session::piece_text`] in plain Rust.
    pub fn piece_bytes(&self, file: u32, part: u32) -> Option<&[u8]> {
        self.loader(file)?.piece_text(part).map(str::as_bytes)
    }

    /// The pieces parsed since the last call, of every open file.
    pub fn jobs(&mut self) -> Vec<PieceJob> {
        let Stage::Loading(l) = &mut self.stage else { return Vec::new() };
        let mut out = Vec::new();
        for (file, l) in l.loaders.iter_mut().enumerate() {
            let Some(l) = l else { continue };
            out.extend(l.take_jobs().into_iter().map(|j| PieceJob { file: file as u32, part: j.part, format: j.format, kind: j.kind }));
        }
        out
    }

    /// Analyse everything added so far; the page gets short lists, exports ask for the full report.
    pub fn analyze_report(&mut self) -> Result<Report, Error> {
        let l = std::mem::take(self.loading()?);
        let analysis = Analysis::from_files(l.files, l.warnings);
        let diagnosis = Diagnosis::run(&analysis);
        let report = Report::from_diagnosis(&analysis, &diagnosis, ReportLimits::PAGE);
        let view = View::new(&analysis);
        self.stage = Stage::Analysed(Box::new(Analysed { analysis, diagnosis, view, decoders: Default::default(), redactor: None, shared: None }));
        Ok(report)
    }

    /// [`Session::add_zip_members`] over any reader: the zip's directory read, then its members.
    pub fn add_members<R: std::io::Read + std::io::Seek>(&mut self, name: &str, reader: R, inner: &str) -> Result<u32, Error> {
        self.loading()?;
        let mut archive = zip::ZipArchive::new(reader).map_err(|e| Error::Zip { name: Some(name.to_string()), why: e.to_string() })?;
        self.add_members_of(name, &mut archive, inner)
    }

    /// [`Session::add_zip_members`] over a zip whose directory was read.
    pub fn add_members_of<R: std::io::Read + std::io::Seek>(&mut self, name: &str, archive: &mut zip::ZipArchive<R>, inner: &str) -> Result<u32, Error> {
        let limits = browser_limits();
        let l = self.loading()?;
        let mut added = 0;
        let mut warnings = Vec::new();
        wulens_core::input::bundles::zip_members(
            archive,
            inner,
            limits.max_expanded_bytes,
            &mut |member, bytes| {
                let mut loader = FileLoader::new(format!("{name}/{member}"), bytes.len() as u64);
                loader.push(&bytes);
                let loaded = loader.finish(&limits);
                l.files.extend(loaded.files);
                l.warnings.extend(loaded.warnings);
                added += 1;
            },
            &mut |member, message| warnings.push(InputWarning { name: format!("{name}/{member}"), message }),
        );
        l.warnings.extend(warnings);
        if added == 0 {
            l.warnings.push(InputWarning { name: format!("{name}/{inner}"), message: "has no file in the zip".into() });
        }
        Ok(added)
    }

    /// The row of the files added so far, then a clean session for the next machine.
    pub fn take_row(&mut self, machine: &str, bundle: &str) -> Result<MachineRow, Error> {
        let l = std::mem::take(self.loading()?);
        *self = Session::default();
        Ok(MachineRow::from_analysis(machine, bundle, &Analysis::from_files(l.files, l.warnings)))
    }
}
