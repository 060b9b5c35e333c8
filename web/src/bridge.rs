//! The page's side of the analysis worker: start it, hand it files, correlate its answers.
//!
//! The worker loads the same wasm module as the page (`public/worker.js`, a shim) and runs
//! `wulens_wasm::AnalysisWorker`. Both directions are typed once, in `wulens_wasm::protocol`:
//! the page builds a [`ToWorker`] (never an object by hand) and reads a [`FromWorker`], both as
//! plain JS objects through serde-wasm-bindgen; a `File` or bytes cross as the JS values they are.
//! The report, the one big message, crosses as JSON texts of its parts read with serde_json
//! (quicker than as JS objects), one part per task, so that reading it never blocks the page
//! for frames.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::Array;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};
use wulens_core::fleet::MachineRow;
use wulens_core::wufb::WufbSection;
use wulens_core::Report;
pub use wulens_wasm::protocol::ZipReads;
use wulens_wasm::protocol::{
    Answer, DropWarning, ExportRef, FileRef, FollowTarget, FromWorker, Init, MachineFiles, Reply, Request, Sample, ToWorker, ZipEntries,
};
use wulens_wasm::report_parts::ReportReader;
use yew::Callback;

use crate::messages::{scanners_for, Dropped, DroppedFile, ExportFile, FleetMachine, Growth, Progress};

#[derive(Clone, Debug, PartialEq)]
pub enum WorkerEvent {
    /// The worker is ready: how long its warm-up took, how many scanning workers it has.
    Ready(Option<f64>, u32),
    Progress(Progress),
    Report(Rc<Report>),
    /// A fleet's rows, one per machine in the order they were sent, its Windows Update for
    /// Business reports exports joined to them (when the drop held any), and what reading its
    /// zip of bundles cost (when its machines were read out of one).
    Fleet(Vec<MachineRow>, Option<Rc<WufbSection>>, Option<ZipReads>),
    Failed(String),
    /// The files now followed (paths as dropped) and the rows in all at that moment.
    Following(Vec<String>, usize),
    /// Followed files grew: the rows of the view and in all, a new report when one was built,
    /// and files that could not be read again.
    Grew(Growth),
}

type Pending = Rc<RefCell<HashMap<u32, Box<dyn FnOnce(Result<Reply, String>)>>>>;

pub struct Bridge {
    worker: Worker,
    /// The analysis whose events count; older ones (cancelled) are ignored.
    generation: Rc<Cell<u32>>,
    next_id: Cell<u32>,
    pending: Pending,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

/// The sample logs, for the worker to warm its compiled code on at load (`worker/warm.rs`, `warm_up`).
fn warm_up_files() -> Vec<Sample> {
    let samples = [("broken-scan", crate::samples::BROKEN), ("healthy-scan", crate::samples::HEALTHY)];
    samples
        .iter()
        .flat_map(|(dir, files)| files.iter().map(move |(name, bytes)| Sample { path: format!("{dir}/{name}"), bytes: js_sys::Uint8Array::from(*bytes) }))
        .collect()
}

/// A message as the plain JS object the worker reads back with the same type.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| format!("a message could not be sent to the analysis worker: {e}"))
}

fn file_ref(f: &DroppedFile) -> FileRef {
    FileRef { path: f.path.clone(), file: f.file.clone() }
}

/// URLs of the wasm-bindgen glue and the wasm file, from the links boot.js used.
fn asset_urls() -> Result<(String, String), String> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let href = |id: &str| -> Result<String, String> {
        let el = doc.get_element_by_id(id).ok_or_else(|| format!("the page is missing #{id}"))?;
        el.get_attribute("href").ok_or_else(|| format!("#{id} has no href")).and_then(|h| {
            web_sys::Url::new_with_base(&h, &doc.base_uri().ok().flatten().unwrap_or_default()).map(|u| u.href()).map_err(|_| format!("bad URL {h}"))
        })
    };
    Ok((href("wulens-glue")?, href("wulens-wasm")?))
}

/// Handle one message of the worker.
fn on_message(data: JsValue, generation: &Rc<Cell<u32>>, pending: &Pending, ev: &Callback<WorkerEvent>) {
    let msg: FromWorker = match serde_wasm_bindgen::from_value(data) {
        Ok(m) => m,
        Err(e) => return ev.emit(WorkerEvent::Failed(format!("the analysis worker sent a message the page cannot read: {e}"))),
    };
    let current = |g: u32| g == generation.get();
    match msg {
        FromWorker::Ready { warm_ms, scanners, .. } => ev.emit(WorkerEvent::Ready(warm_ms, scanners)),
        FromWorker::Progress { gen, progress } if current(gen) => ev.emit(WorkerEvent::Progress(progress)),
        FromWorker::Report { gen, report } if current(gen) => {
            // Each part read in a task of its own: receiving a big drop's report and reading it
            // whole (tens of ms each) in one task would block the page for several frames.
            let (generation, ev) = (generation.clone(), ev.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut reader = ReportReader::default();
                for part in &report {
                    let _ = wasm_bindgen_futures::JsFuture::from(crate::js::next_task()).await;
                    if generation.get() != gen {
                        return; // cancelled meanwhile
                    }
                    if let Err(e) = reader.read(part) {
                        return ev.emit(WorkerEvent::Failed(e.to_string()));
                    }
                }
                match reader.finish() {
                    Ok(r) => ev.emit(WorkerEvent::Report(Rc::new(r))),
                    Err(e) => ev.emit(WorkerEvent::Failed(e.to_string())),
                }
            });
        }
        FromWorker::Fleet { gen, rows, wufb, zip } if current(gen) => ev.emit(WorkerEvent::Fleet(rows, wufb.map(Rc::new), zip)),
        FromWorker::Reply { id, reply } => {
            // Take the callback out before calling it: it may send the next request.
            let cb = pending.borrow_mut().remove(&id);
            if let Some(cb) = cb {
                cb(Ok(reply));
            }
        }
        FromWorker::Failed { id, gen, message } => {
            if gen.is_some_and(|g| !current(g)) {
                return; // an event of a cancelled analysis
            }
            let cb = id.and_then(|id| pending.borrow_mut().remove(&id));
            match cb {
                Some(cb) => cb(Err(message)),
                None => ev.emit(WorkerEvent::Failed(message)),
            }
        }
        FromWorker::Following { gen, paths, total } if current(gen) => ev.emit(WorkerEvent::Following(paths, total)),
        FromWorker::Grew { gen, count, total, report, problems } if current(gen) => {
            // Read at once: a followed log's growths must reach the page in the order they came.
            let report = match report.as_deref().map(ReportReader::read_all).transpose() {
                Ok(r) => r,
                Err(e) => return ev.emit(WorkerEvent::Failed(e.to_string())),
            };
            ev.emit(WorkerEvent::Grew(Growth { count, total, report: report.map(Rc::new), problems }))
        }
        _ => {} // progress or a report of a cancelled analysis, a cancellation
    }
}

impl Bridge {
    pub fn start(on_event: Callback<WorkerEvent>) -> Result<Rc<Bridge>, String> {
        let (glue, wasm) = asset_urls()?;
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        opts.set_name("wulens-analysis");
        let worker = Worker::new_with_options("worker.js", &opts).map_err(|e| format!("cannot start the analysis worker: {e:?}"))?;
        let pending: Pending = Rc::new(RefCell::new(HashMap::new()));
        let generation = Rc::new(Cell::new(0u32));
        let (p2, g2, ev) = (pending.clone(), generation.clone(), on_event.clone());
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| on_message(m.data(), &g2, &p2, &ev));
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        let onerror = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
            on_event.emit(WorkerEvent::Failed(format!("the analysis worker stopped: {}", e.message())));
        });
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        let init = ToWorker::Init(Init {
            glue,
            wasm,
            module: crate::js::compiled_module(),
            samples: warm_up_files(),
            scanners: scanners_for(web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency())),
        });
        worker.post_message(&to_js(&init)?).map_err(|e| format!("cannot talk to the analysis worker: {e:?}"))?;
        Ok(Rc::new(Bridge { worker, generation, next_id: Cell::new(1), pending, _onmessage: onmessage, _onerror: onerror }))
    }

    /// Post a message to the worker.
    fn send(&self, msg: &ToWorker) {
        match to_js(msg) {
            Ok(v) => {
                let _ = self.worker.post_message(&v);
            }
            Err(e) => web_sys::console::error_1(&e.into()),
        }
    }

    /// Post a question to the worker; `done` gets its reply.
    fn ask(&self, msg: impl FnOnce(u32) -> ToWorker, done: impl FnOnce(Result<Reply, String>) + 'static) {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.pending.borrow_mut().insert(id, Box::new(done));
        self.send(&msg(id));
    }

    /// Analyse a drop in the worker.
    pub fn analyze(&self, dropped: &Dropped) {
        let gen = self.next_generation();
        let files = dropped.files.iter().map(file_ref).collect();
        let errors = dropped.errors.iter().map(|e| DropWarning { path: e.path.clone(), message: e.message.clone() }).collect();
        self.send(&ToWorker::Analyze { gen, files, errors });
    }

    /// Follow the files of `dropped` that have a handle, as analysed by the last analysis; each
    /// is read on from the size it had then.
    pub fn follow(&self, dropped: &Dropped) {
        let targets = dropped
            .files
            .iter()
            .filter(|f| !f.handle.is_undefined() && !f.handle.is_null())
            .map(|f| FollowTarget { path: f.path.clone(), handle: f.handle.clone(), size: f.file.size() })
            .collect();
        self.send(&ToWorker::Follow { gen: self.generation.get(), targets });
    }

    /// Stop following.
    pub fn unfollow(&self) {
        self.send(&ToWorker::Unfollow);
    }

    /// The analysis whose events count now (a cancel or a new analysis changes it).
    pub fn generation(&self) -> u32 {
        self.generation.get()
    }

    fn next_generation(&self) -> u32 {
        let gen = self.generation.get() + 1;
        self.generation.set(gen);
        self.pending.borrow_mut().clear();
        gen
    }

    /// Analyse a fleet in the worker, machine by machine, then read its exports and join them
    /// to the rows; the rows and the section come back as one event.
    pub fn fleet(&self, machines: &[FleetMachine], exports: &[ExportFile]) {
        let gen = self.next_generation();
        let machines = machines
            .iter()
            .map(|m| MachineFiles { machine: m.name.clone(), bundle: m.bundle.clone(), files: m.files.iter().map(file_ref).collect(), inner: m.inner.clone() })
            .collect();
        let exports = exports.iter().map(|e| ExportRef { path: e.file.path.clone(), file: e.file.file.clone(), inner: e.inner.clone() }).collect();
        self.send(&ToWorker::Fleet { gen, machines, exports });
    }

    /// The first bytes (`plan::HEAD_BYTES`) of the members `members` of the zip `zip`, read
    /// through the directory the worker kept when it listed the zip.
    pub fn zip_heads(&self, zip: &web_sys::File, members: &[String], done: impl FnOnce(Result<Vec<Vec<u8>>, String>) + 'static) {
        let read = move |res: Result<Reply, String>| {
            done(res.and_then(|r| match r {
                Reply::Heads(heads) => Ok(heads.iter().map(|h| js_sys::Uint8Array::new(&h).to_vec()).collect()),
                _ => Err("the worker answered another question".into()),
            }));
        };
        let file = zip.clone();
        let members = members.to_vec();
        self.ask(move |id| ToWorker::ZipHeads { id, file, members }, read);
    }

    /// Analyse one machine inside a zip of bundles (its members under `inner`).
    pub fn analyze_member(&self, zip: &DroppedFile, inner: &str) {
        let gen = self.next_generation();
        self.send(&ToWorker::AnalyzeMember { gen, file: file_ref(zip), inner: inner.to_string() });
    }

    /// The members of a zip, reading only its directory (which the worker keeps for the fleet's
    /// machines and the members' first bytes).
    pub fn list_zip(&self, zip: &web_sys::File, done: impl FnOnce(Result<ZipEntries, String>) + 'static) {
        let file = zip.clone();
        self.ask(move |id| ToWorker::ListZip { id, file }, move |res| done(typed(res)));
    }

    /// Stop the running analysis: its remaining events are ignored from now on.
    pub fn cancel(&self) {
        let gen = self.generation.get();
        self.generation.set(gen + 1);
        self.send(&ToWorker::Cancel { gen });
    }

    /// The drop's logs redacted into a zip (`Session::redacted_zip_bytes`), as a `Uint8Array`.
    pub fn redacted_zip(&self, done: impl FnOnce(Result<JsValue, String>) + 'static) {
        let read = move |res: Result<Reply, String>| {
            done(res.and_then(|r| match r {
                Reply::Bytes(bytes) => Ok(bytes.into()),
                _ => Err("the worker answered another question".into()),
            }));
        };
        self.ask(|id| ToWorker::RedactedZip { id }, read);
    }

    /// Stop what runs and free the session: a saved report is shown, whose logs the worker
    /// must not answer for.
    pub fn forget(&self) {
        self.cancel();
        self.send(&ToWorker::Forget);
    }

    /// Ask the worker's session something; `done` gets the answer as the type `T` expected.
    pub fn request<T: Answer + 'static>(&self, request: &Request, done: impl FnOnce(Result<T, String>) + 'static) {
        let request = request.clone();
        self.ask(move |id| ToWorker::Request { id, request }, move |res| done(typed(res)));
    }
}

/// A worker's answer read as the type `T` expected.
fn typed<T: Answer>(res: Result<Reply, String>) -> Result<T, String> {
    res.and_then(|r| match r {
        Reply::Answer(r) => T::from_response(r).ok_or_else(|| "the worker answered another question".to_string()),
        _ => Err("the worker answered another question".to_string()),
    })
}

/// A bridge is one worker: it equals only itself (what it runs is no state of the page).
impl PartialEq for Bridge {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.terminate();
    }
}

/// The files of a drop for bytes compiled into the app (the samples).
pub fn files_from_bytes(files: &[(&str, &[u8])]) -> Dropped {
    let mut out = Dropped::default();
    for (name, bytes) in files {
        let parts = Array::new();
        parts.push(&js_sys::Uint8Array::from(*bytes));
        let opts = web_sys::FilePropertyBag::new();
        opts.set_type("text/plain");
        if let Ok(file) = web_sys::File::new_with_u8_array_sequence_and_options(&parts, name, &opts) {
            out.files.push(DroppedFile { path: (*name).to_string(), file, handle: JsValue::UNDEFINED });
        }
    }
    out.built_in = true;
    out
}
