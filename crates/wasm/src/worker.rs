//! The analysis worker, in Rust. `public/worker.js` loads the module and hands every message
//! from the page to [`AnalysisWorker::handle`]; everything else happens here: a message is read
//! as a [`ToWorker`] and answered with [`FromWorker`]s, both typed in `protocol.rs`.
//!
//! - Messages run one after another (a queue and one runner future), except a cancel, which is
//!   noted at once: every message about an analysis carries its generation number, and the
//!   work checks it between chunks and steps, after yielding to the event loop (`tick`), so a
//!   cancel is seen within a chunk.
//! - The dropped files are read in chunks (`Blob.slice`) by the reading worker
//!   (`public/reader.js`, [`Reader`]), one chunk always read ahead, across files too
//!   ([`Chunks`]): reading and parsing overlap. Where that worker cannot start, this one reads.
//! - A big file's pieces are scanned by the scanning workers (`public/scanner.js`,
//!   [`Scanners`]) while the files are read; who scans what is the session's (`schedule.rs`),
//!   this only pumps it ([`PieceRun`]).
//! - An event log is decoded in steps of about [`DECODE_MS`], its progress posted between them.
//! - A fleet is read machine by machine, each into a `Session` freed once its row is taken;
//!   a zip of bundles has its directory read once and kept ([`zip_of`]), and what reading zips
//!   cost is counted for the fleet's message.
//! - Followed files are polled once a second through their File System Access handles.
//! - At `init`, the compiled code is warmed on the samples ([`warm_up`]).

use std::cell::{Cell, RefCell, RefMut};
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{DedicatedWorkerGlobalScope, ErrorEvent, File, MessageEvent, Worker, WorkerOptions, WorkerType};
use wulens_core::MachineRow;

use crate::convert::to_js;
use crate::error::Error;
use crate::protocol::{DropWarning, ExportRef, FileRef, FollowTarget, FromWorker, Init, MachineFiles, Progress, Reply, Response, Sample, ToWorker, ZipReads};
use crate::session::Session;
use crate::wufb::WufbExports;
use crate::zipblob::{FileSource, ZipDirectory};

/// The slice of a file read at a time.
const CHUNK: f64 = (8 << 20) as f64;
/// Scanning workers at most (the page asks for the cores beyond two: `scanners_for`).
const MAX_SCANNERS: u32 = 3;
/// An event log's decoding runs about this long between yields.
const DECODE_MS: f64 = 20.0;
/// Followed files are checked this often.
const FOLLOW_MS: i32 = 1000;
/// A page's first analysis would otherwise run mostly in the engine's baseline code: V8
/// compiles WebAssembly quickly at first and optimises a function only once it has run a while
/// (dynamic tiering), on other threads. Analysing the samples at load, each repeated, gets the
/// hot code optimised before a person has chosen any logs. Measured on 100 MB drops in
/// Chromium, time to the verdict, interleaved runs: 20 rounds made the first analysis 13-20 %
/// faster than none, 60 rounds 13-27 % faster again than 20. It takes 0.25-0.4 s of this
/// worker's time, before `ready`; a drop that comes meanwhile waits for it.
const WARM_UP_ROUNDS: usize = 60;

type Res<T> = Result<T, JsValue>;

/// The analysis worker's state; `public/worker.js` makes one and hands it every message.
#[wasm_bindgen]
#[derive(Default)]
pub struct AnalysisWorker {
    w: Rc<State>,
}

#[wasm_bindgen]
impl AnalysisWorker {
    #[wasm_bindgen(constructor)]
    pub fn new() -> AnalysisWorker {
        AnalysisWorker::default()
    }

    /// A message from the page (a [`ToWorker`] as a plain object). A cancel is noted at once;
    /// anything else runs after the messages before it.
    pub fn handle(&self, msg: JsValue) -> Result<(), JsError> {
        let msg: ToWorker = serde_wasm_bindgen::from_value(msg).map_err(|e| Error::BadRequest(format!("a message the worker cannot read: {e}")))?;
        if let ToWorker::Cancel { gen } = msg {
            self.w.cancelled.borrow_mut().insert(gen);
            return Ok(());
        }
        enqueue(&self.w, Job::Message(Box::new(msg)));
        Ok(())
    }
}

#[derive(Default)]
struct State {
    /// The current drop's session (the page's questions go to it).
    session: RefCell<Option<Session>>,
    /// Changes whenever `session` is replaced: a scanning worker's late piece sees its session gone.
    session_id: Cell<u64>,
    cancelled: RefCell<HashSet<u32>>,
    queue: RefCell<VecDeque<Job>>,
    busy: Cell<bool>,
    following: RefCell<Option<Rc<Following>>>,
    reader: RefCell<Option<Rc<Reader>>>,
    scanners: RefCell<Option<Rc<Scanners>>>,
    /// The directory of the last zip listed, kept (see [`zip_of`]).
    zip: RefCell<Option<KeptZip>>,
    /// What reading zips cost since the drop's zip was listed: directories read, bytes read.
    zip_opens: Cell<u32>,
    zip_fetched: Rc<Cell<u64>>,
}

enum Job {
    Message(Box<ToWorker>),
    Poll(Rc<Following>),
}

struct KeptZip {
    key: String,
    dir: ZipDirectory,
    size: f64,
}

fn enqueue(w: &Rc<State>, job: Job) {
    w.queue.borrow_mut().push_back(job);
    if w.busy.replace(true) {
        return;
    }
    let w = w.clone();
    spawn_local(async move {
        loop {
            let job = w.queue.borrow_mut().pop_front();
            let Some(job) = job else { break };
            run(&w, job).await;
        }
        w.busy.set(false);
    });
}

async fn run(w: &Rc<State>, job: Job) {
    match job {
        Job::Message(m) => {
            let (id, gen) = (m.id(), m.gen());
            if let Err(e) = message(w, *m).await {
                post(&FromWorker::Failed { id, gen, message: js_message(&e) });
            }
        }
        Job::Poll(f) => {
            if let Err(e) = poll(w, &f).await {
                post(&FromWorker::Failed { id: None, gen: Some(f.gen), message: format!("following stopped: {}", js_message(&e)) });
            }
        }
    }
}

async fn message(w: &Rc<State>, m: ToWorker) -> Res<()> {
    match m {
        ToWorker::Init(init) => start(w, init).await,
        ToWorker::Analyze { gen, files, errors } => analyze(w, gen, &files, errors).await,
        ToWorker::Follow { gen, targets } => start_following(w, gen, targets),
        ToWorker::Unfollow => {
            w.following.replace(None);
            Ok(())
        }
        ToWorker::Fleet { gen, machines, exports } => fleet(w, gen, &machines, &exports).await,
        ToWorker::ZipHeads { id, file, members } => {
            let heads: Array = {
                let mut dir = zip_of(w, &file, false)?;
                members.iter().map(|m| JsValue::from(Uint8Array::from(&dir.head(m)[..]))).collect()
            };
            reply(id, Reply::Heads(heads))
        }
        ToWorker::AnalyzeMember { gen, file, inner } => analyze_member(w, gen, &file, &inner).await,
        ToWorker::ListZip { id, file } => {
            // A drop's zip is listed first: what reading zips costs is counted from here.
            w.zip_opens.set(0);
            w.zip_fetched.set(0);
            let entries = zip_of(w, &file, true)?.listing();
            reply(id, Reply::Answer(Response::ZipEntries(entries)))
        }
        ToWorker::RedactedZip { id } => {
            let bytes = with_session(w, |s| s.redacted_zip_bytes())?.map_err(err)?;
            reply(id, Reply::Bytes(Uint8Array::from(&bytes[..])))
        }
        ToWorker::Forget => {
            // A saved report is shown: no session answers for logs that are not there.
            w.following.replace(None);
            set_session(w, None);
            Ok(())
        }
        ToWorker::Request { id, request } => {
            let response = with_session(w, |s| s.answer(request))?.map_err(err)?;
            reply(id, Reply::Answer(response))
        }
        ToWorker::Cancel { gen } => {
            w.cancelled.borrow_mut().insert(gen);
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The boundary's small helpers.

fn global() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Post a message to the page.
fn post(msg: &FromWorker) {
    match to_js(msg) {
        Ok(v) => {
            let _ = global().post_message(&v);
        }
        Err(e) => {
            let failed = FromWorker::Failed { id: None, gen: None, message: e.to_string() };
            if let Ok(v) = to_js(&failed) {
                let _ = global().post_message(&v);
            }
        }
    }
}

fn reply(id: u32, reply: Reply) -> Res<()> {
    post(&FromWorker::Reply { id, reply });
    Ok(())
}

fn progress(gen: u32, progress: Progress) {
    post(&FromWorker::Progress { gen, progress });
}

fn err(e: Error) -> JsValue {
    JsError::from(e).into()
}

fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// A JS value's `name` or `message` field when it is a non-empty string.
fn js_field(e: &JsValue, key: &str) -> Option<String> {
    if !e.is_object() {
        return None;
    }
    Reflect::get(e, &JsValue::from_str(key)).ok().and_then(|v| v.as_string()).filter(|s| !s.is_empty())
}

fn js_string(e: &JsValue) -> String {
    e.as_string().or_else(|| e.as_f64().map(|n| n.to_string())).unwrap_or_else(|| format!("{e:?}"))
}

/// What went wrong, as `String((e && e.message) || e)` says it.
pub(crate) fn js_message(e: &JsValue) -> String {
    js_field(e, "message").unwrap_or_else(|| js_string(e))
}

/// The kind of a failed read, as `(e && e.name) || e` says it (`NotReadableError`).
fn js_name(e: &JsValue) -> String {
    js_field(e, "name").unwrap_or_else(|| js_string(e))
}

fn now() -> f64 {
    global().performance().map_or_else(js_sys::Date::now, |p| p.now())
}

fn date_now() -> f64 {
    js_sys::Date::now()
}

/// Yield to the event loop without `setTimeout`'s clamping: a cancel message is seen.
async fn tick() {
    let Ok(ch) = web_sys::MessageChannel::new() else { return };
    let p = Promise::new(&mut |resolve, _| {
        ch.port1().set_onmessage(Some(&resolve));
        let _ = ch.port2().post_message(&JsValue::from(0));
    });
    let _ = JsFuture::from(p).await;
    ch.port1().set_onmessage(None);
}

/// Resolves after `ms` milliseconds.
fn after(ms: i32) -> Promise {
    Promise::new(&mut |resolve, _| {
        let _ = global().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    })
}

fn obj(pairs: &[(&str, &JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn cancelled(w: &State, gen: u32) -> bool {
    w.cancelled.borrow().contains(&gen)
}

/// `f` on the current session, or "no analysis yet".
fn with_session<T>(w: &State, f: impl FnOnce(&mut Session) -> T) -> Res<T> {
    let mut s = w.session.borrow_mut();
    let s = s.as_mut().ok_or_else(|| err(Error::NotAnalysed))?;
    Ok(f(s))
}

fn set_session(w: &State, s: Option<Session>) {
    w.session_id.set(w.session_id.get() + 1);
    // The old session is dropped here, before the new one fills memory.
    w.session.replace(None);
    w.session.replace(s);
}

/// The analysis `gen` stopped: its session is dropped.
fn stop(w: &State, gen: u32) -> Res<()> {
    set_session(w, None);
    post(&FromWorker::Cancelled { gen });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Starting: the reading worker, the scanning workers, the warm-up.

async fn start(w: &Rc<State>, init: Init) -> Res<()> {
    // Now, at load: analysing makes no request later.
    w.reader.replace(Some(Reader::start()));
    let scanners = Scanners::start(&init);
    w.scanners.replace(Some(scanners.clone()));
    let warm = warm_up(&init.samples);
    // The scanners warm up on the other cores meanwhile; an analysis uses those that are ready.
    let _ = JsFuture::from(Promise::race(&Array::of2(&scanners.ready, &after(3000)))).await;
    post(&FromWorker::Ready { version: crate::version(), warm_ms: warm, scanners: scanners.live().len() as u32 });
    Ok(())
}

/// Analyse the samples, each repeated [`WARM_UP_ROUNDS`] times: how long it took in ms, or
/// `None` if it failed (only a warm-up: the analyses report their own errors).
fn warm_up(samples: &[Sample]) -> Option<f64> {
    let t0 = now();
    let mut s = Session::new();
    for Sample { path, bytes } in samples {
        let bytes = bytes.to_vec();
        let h = s.begin_file(path.clone(), (bytes.len() * WARM_UP_ROUNDS) as f64).ok()?;
        for _ in 0..WARM_UP_ROUNDS {
            s.push_chunk(h, &bytes).ok()?;
        }
        s.end_file(h).ok()?;
    }
    s.analyze().ok()?;
    (!samples.is_empty()).then(|| now() - t0)
}

fn reader(w: &State) -> Rc<Reader> {
    w.reader.borrow_mut().get_or_insert_with(Reader::here).clone()
}

// ---------------------------------------------------------------------------------------------
// The reading worker.

/// Slices of files read by the reading worker (`public/reader.js`): `read(file, start, end)`
/// resolves to an `ArrayBuffer`. Where that worker cannot be started, or fails, this thread reads.
struct Reader {
    worker: Option<Worker>,
    queue: Rc<ReadQueue>,
    /// Swallows the rejection of a read ahead that is never taken (cancelled).
    ignore: Closure<dyn FnMut(JsValue)>,
    _handlers: Option<ReaderHandlers>,
}

/// The reading worker's `onmessage` and `onerror`, kept as long as it lives.
type ReaderHandlers = (Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(ErrorEvent)>);

#[derive(Default)]
struct ReadQueue {
    pending: RefCell<HashMap<u32, PendingRead>>,
    next: Cell<u32>,
    failed: Cell<bool>,
}

struct PendingRead {
    file: File,
    start: f64,
    end: f64,
    resolve: Function,
    reject: Function,
}

/// Read a slice on this thread.
fn read_here(file: &File, start: f64, end: f64) -> Promise {
    match file.slice_with_f64_and_f64(start, end) {
        Ok(b) => b.array_buffer(),
        Err(e) => Promise::reject(&e),
    }
}

impl Reader {
    fn here() -> Rc<Reader> {
        Rc::new(Reader { worker: None, queue: Rc::default(), ignore: Closure::new(|_: JsValue| {}), _handlers: None })
    }

    fn start() -> Rc<Reader> {
        let Ok(worker) = Worker::new("reader.js") else { return Reader::here() };
        let queue: Rc<ReadQueue> = Rc::default();
        let q = queue.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let d = ev.data();
            let id = Reflect::get(&d, &"id".into()).ok().and_then(|v| v.as_f64()).unwrap_or(-1.0) as u32;
            let Some(p) = q.pending.borrow_mut().remove(&id) else { return };
            let error = Reflect::get(&d, &"error".into()).unwrap_or(JsValue::UNDEFINED);
            if error.is_object() {
                let e = js_sys::Error::new(&js_field(&error, "message").unwrap_or_default());
                e.set_name(&js_field(&error, "name").unwrap_or_else(|| "Error".into()));
                let _ = p.reject.call1(&JsValue::NULL, &e);
            } else {
                let _ = p.resolve.call1(&JsValue::NULL, &Reflect::get(&d, &"buffer".into()).unwrap_or(JsValue::UNDEFINED));
            }
        });
        let q = queue.clone();
        let onerror = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
            ev.prevent_default();
            q.failed.set(true);
            let pending: Vec<PendingRead> = q.pending.borrow_mut().drain().map(|(_, p)| p).collect();
            for p in pending {
                spawn_local(async move {
                    let _ = match JsFuture::from(read_here(&p.file, p.start, p.end)).await {
                        Ok(b) => p.resolve.call1(&JsValue::NULL, &b),
                        Err(e) => p.reject.call1(&JsValue::NULL, &e),
                    };
                });
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Rc::new(Reader { worker: Some(worker), queue, ignore: Closure::new(|_: JsValue| {}), _handlers: Some((onmessage, onerror)) })
    }

    fn read(&self, file: &File, start: f64, end: f64) -> Promise {
        let Some(worker) = self.worker.as_ref().filter(|_| !self.queue.failed.get()) else { return read_here(file, start, end) };
        let id = self.queue.next.get();
        self.queue.next.set(id.wrapping_add(1));
        let p = Promise::new(&mut |resolve, reject| {
            self.queue.pending.borrow_mut().insert(id, PendingRead { file: file.clone(), start, end, resolve, reject });
        });
        let msg = obj(&[("id", &id.into()), ("file", file.as_ref()), ("start", &start.into()), ("end", &end.into())]);
        if let Err(e) = worker.post_message(&msg) {
            if let Some(p) = self.queue.pending.borrow_mut().remove(&id) {
                let _ = p.reject.call1(&JsValue::NULL, &e);
            }
        }
        p
    }
}

/// The chunks of all `files`, in order, each an `ArrayBuffer`, with one chunk always being read
/// ahead, across files too: the next chunk (or the next file's first) is read by the reading
/// worker while the session decodes and parses this one. So reading and parsing overlap for
/// one big file and for many small ones alike, and at most two chunks are in memory besides
/// the text. After a failed read, taking from the next file skips the rest of the failed one.
struct Chunks {
    reader: Rc<Reader>,
    plan: Vec<(usize, File, f64)>,
    k: usize,
    ahead: Option<(usize, Promise)>,
}

impl Chunks {
    fn new(reader: Rc<Reader>, files: &[FileRef]) -> Chunks {
        let mut plan = Vec::new();
        for (i, f) in files.iter().enumerate() {
            let size = f.file.size();
            let mut off = 0.0;
            while off < size {
                plan.push((i, f.file.clone(), off));
                off += CHUNK;
            }
        }
        let mut c = Chunks { reader, plan, k: 0, ahead: None };
        c.ahead = c.read_next();
        c
    }

    fn read_next(&mut self) -> Option<(usize, Promise)> {
        let (i, file, off) = self.plan.get(self.k)?.clone();
        self.k += 1;
        let p = self.reader.read(&file, off, off + CHUNK);
        let _ = p.catch(&self.reader.ignore);
        Some((i, p))
    }

    /// The next chunk of file `i` (to await), or `None` when it has no more.
    fn take(&mut self, i: usize) -> Option<Promise> {
        if self.ahead.as_ref().is_some_and(|(a, _)| *a < i) {
            while self.plan.get(self.k).is_some_and(|(j, _, _)| *j < i) {
                self.k += 1;
            }
            self.ahead = self.read_next();
        }
        if self.ahead.as_ref().is_none_or(|(a, _)| *a != i) {
            return None;
        }
        let current = self.ahead.take().map(|(_, p)| p);
        self.ahead = self.read_next();
        current
    }
}

// ---------------------------------------------------------------------------------------------
// The scanning workers.

/// The scanning workers (`public/scanner.js`): as many as the page asks for (the cores beyond
/// two), each with its own instance of the module, warmed at load like this worker. Where none
/// is asked for, none can be started, or none is ready, this worker does everything itself.
struct Scanners {
    all: Vec<Rc<Scanner>>,
    /// Resolves once every scanner is ready or has failed.
    ready: Promise,
    next: Cell<u32>,
}

struct Scanner {
    index: u32,
    worker: Worker,
    ready: Cell<bool>,
    dead: Cell<bool>,
    settled: RefCell<Option<Function>>,
    pending: RefCell<HashMap<u32, (Function, Function)>>,
    handlers: RefCell<Vec<JsValue>>,
}

impl Scanner {
    fn kill(&self) {
        self.dead.set(true);
        let pending: Vec<_> = self.pending.borrow_mut().drain().map(|(_, p)| p).collect();
        for (_, reject) in pending {
            let _ = reject.call1(&JsValue::NULL, &js_error("scanning worker failed"));
        }
        self.worker.terminate();
    }

    fn settle(&self) {
        if let Some(resolve) = self.settled.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }

    fn on_message(&self, d: JsValue) {
        let ready = Reflect::get(&d, &"ready".into()).unwrap_or(JsValue::UNDEFINED);
        let failed = Reflect::get(&d, &"failed".into()).unwrap_or(JsValue::UNDEFINED);
        if ready.is_truthy() || failed.is_truthy() {
            self.ready.set(ready.is_truthy());
            if failed.is_truthy() {
                self.kill();
            }
            return self.settle();
        }
        let id = Reflect::get(&d, &"id".into()).ok().and_then(|v| v.as_f64()).unwrap_or(-1.0) as u32;
        let Some((resolve, reject)) = self.pending.borrow_mut().remove(&id) else { return };
        let error = Reflect::get(&d, &"error".into()).unwrap_or(JsValue::UNDEFINED);
        let _ = if error.is_truthy() {
            reject.call1(&JsValue::NULL, &js_error(&js_string(&error)))
        } else {
            resolve.call1(&JsValue::NULL, &Reflect::get(&d, &"scan".into()).unwrap_or(JsValue::UNDEFINED))
        };
    }
}

impl Scanners {
    fn start(init: &Init) -> Rc<Scanners> {
        let want = init.scanners.min(MAX_SCANNERS);
        let samples: Array = init.samples.iter().map(|s| JsValue::from(obj(&[("path", &s.path.as_str().into()), ("bytes", s.bytes.as_ref())]))).collect();
        let mut all = Vec::new();
        let ready = Array::new();
        for index in 0..want {
            let opts = WorkerOptions::new();
            opts.set_type(WorkerType::Module);
            let Ok(worker) = Worker::new_with_options("scanner.js", &opts) else { break };
            let s = Rc::new(Scanner {
                index,
                worker,
                ready: Cell::new(false),
                dead: Cell::new(false),
                settled: RefCell::default(),
                pending: RefCell::default(),
                handlers: RefCell::default(),
            });
            ready.push(&Promise::new(&mut |resolve, _| {
                s.settled.replace(Some(resolve));
            }));
            let s2 = s.clone();
            let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| s2.on_message(ev.data()));
            let s2 = s.clone();
            let onerror = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
                ev.prevent_default();
                s2.kill();
                s2.settle();
            });
            s.worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
            s.worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
            // The closures live as long as the worker (the scanner holds them).
            s.handlers.borrow_mut().extend([onmessage.into_js_value(), onerror.into_js_value()]);
            let setup =
                obj(&[("glue", &init.glue.as_str().into()), ("module", &init.module), ("wasm", &init.wasm.as_str().into()), ("samples", samples.as_ref())]);
            if s.worker.post_message(&setup).is_err() {
                // A browser that cannot pass a compiled module on: the scanner compiles it from its URL.
                let _ = Reflect::set(&setup, &"module".into(), &JsValue::NULL);
                let _ = s.worker.post_message(&setup);
            }
            all.push(s);
        }
        Rc::new(Scanners { all, ready: Promise::all(&ready), next: Cell::new(0) })
    }

    fn live(&self) -> Vec<Rc<Scanner>> {
        self.all.iter().filter(|s| s.ready.get() && !s.dead.get()).cloned().collect()
    }

    /// Scan `text` (its buffer transferred) on scanner `s`: resolves to the findings (an `ArrayBuffer`).
    fn scan(&self, s: &Scanner, job: &JsValue, text: &Uint8Array) -> Promise {
        let id = self.next.get();
        self.next.set(id.wrapping_add(1));
        let p = Promise::new(&mut |resolve, reject| {
            s.pending.borrow_mut().insert(id, (resolve, reject));
        });
        let buffer = text.buffer();
        let msg = obj(&[("id", &id.into()), ("job", job), ("text", buffer.as_ref())]);
        if let Err(e) = s.worker.post_message_with_transfer(&msg, &Array::of1(&buffer)) {
            if let Some((_, reject)) = s.pending.borrow_mut().remove(&id) {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        }
        p
    }
}

/// The pieces of the files of the current session, scanned by the scanning workers while the
/// files are read. Who scans which piece is the session's (`schedule.rs`, tested natively):
/// this only pumps it. A piece whose scanner fails is scanned here.
struct PieceRun {
    w: Rc<State>,
    session_id: u64,
    scanners: Rc<Scanners>,
    running: Cell<usize>,
    /// Wakes `finish` when a piece comes back.
    waiter: RefCell<Option<Function>>,
}

impl PieceRun {
    fn live(&self) -> bool {
        self.w.session_id.get() == self.session_id && self.w.session.borrow().is_some()
    }

    fn pump(self: &Rc<Self>) {
        if !self.live() {
            return;
        }
        for sc in self.scanners.live() {
            let index = sc.index as usize;
            loop {
                let next = {
                    let mut s = self.w.session.borrow_mut();
                    let Some(s) = s.as_mut() else { return };
                    let Some(job) = s.pieces.for_scanner(index) else { break };
                    match s.piece_bytes(job.file, job.part) {
                        Some(text) => Some((job, Uint8Array::from(text))),
                        None => {
                            s.pieces.returned(index);
                            None
                        }
                    }
                };
                let Some((job, text)) = next else { continue };
                let Ok(job_js) = to_js(&job) else {
                    let _ = with_session(&self.w, |s| {
                        let _ = s.scan_piece_here(job.file, job.part);
                        s.pieces.returned(index);
                    });
                    continue;
                };
                let found = self.scanners.scan(&sc, &job_js, &text);
                self.running.set(self.running.get() + 1);
                let run = self.clone();
                spawn_local(async move {
                    let found = JsFuture::from(found).await;
                    if run.live() {
                        let _ = with_session(&run.w, |s| {
                            let put = found.map_err(drop).and_then(|f| s.put_scan_bytes(job.file, job.part, &Uint8Array::new(&f).to_vec()).map_err(drop));
                            if put.is_err() {
                                let _ = s.scan_piece_here(job.file, job.part);
                            }
                        });
                    }
                    run.running.set(run.running.get() - 1);
                    if run.live() {
                        let _ = with_session(&run.w, |s| s.pieces.returned(index));
                        run.pump();
                    }
                    if let Some(wake) = run.waiter.borrow_mut().take() {
                        let _ = wake.call0(&JsValue::NULL);
                    }
                });
            }
        }
    }

    /// Queue the pieces cut since the last call and hand them out.
    fn take(self: &Rc<Self>) -> Res<()> {
        with_session(&self.w, |s| s.queue_pieces())?;
        self.pump();
        Ok(())
    }

    /// While the files are read: what the scanners cannot keep up with, this worker scans one
    /// piece of at a time (the reading worker reads the next slice meanwhile).
    fn help(&self) -> Res<()> {
        with_session(&self.w, |s| s.scan_one_waiting())?.map_err(err)?;
        Ok(())
    }

    /// Every piece cut: this worker scans what no scanner has taken yet, then waits for the
    /// scanners' last pieces.
    async fn finish(self: &Rc<Self>, gen: u32) -> Res<()> {
        self.take()?;
        while with_session(&self.w, |s| s.scan_one_waiting())?.map_err(err)? {
            tick().await;
            if cancelled(&self.w, gen) {
                return Ok(());
            }
        }
        while self.running.get() > 0 {
            let wake = Promise::new(&mut |resolve, _| {
                self.waiter.replace(Some(resolve));
            });
            let _ = JsFuture::from(wake).await;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Analysing a drop.

async fn analyze(w: &Rc<State>, gen: u32, files: &[FileRef], errors: Vec<DropWarning>) -> Res<()> {
    w.following.replace(None);
    set_session(w, Some(Session::new()));
    for e in errors {
        with_session(w, |s| s.add_warning(e.path, e.message))??;
    }
    let count = files.len() as u32;
    let total: f64 = files.iter().map(|f| f.file.size()).sum();
    let mut done = 0.0;
    let mut last = 0.0;
    let at =
        |phase: &str, file: &str, index: usize, done: f64| Progress { phase: phase.into(), file: file.into(), index: index as u32, files: count, done, total };
    let mut chunks = Chunks::new(reader(w), files);
    // Big files' pieces are scanned by the scanning workers while the files are read; each file
    // is ended once all its pieces are scanned, after the last is read.
    let scanners = w.scanners.borrow().clone().filter(|s| !s.live().is_empty());
    let pieces = scanners
        .map(|scanners| Rc::new(PieceRun { w: w.clone(), session_id: w.session_id.get(), scanners, running: Cell::new(0), waiter: RefCell::default() }));
    with_session(w, |s| s.set_delegate(pieces.is_some()))?;
    let mut unended = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let h = with_session(w, |s| s.begin_file(f.path.clone(), f.file.size()))??;
        let mut failure = None;
        while let Some(chunk) = chunks.take(i) {
            let read: Res<f64> = async {
                let buf = JsFuture::from(chunk).await?;
                let bytes = Uint8Array::new(&buf).to_vec();
                with_session(w, |s| s.push_chunk(h, &bytes))??;
                if let Some(p) = &pieces {
                    p.take()?;
                    p.help()?;
                }
                Ok(bytes.len() as f64)
            }
            .await;
            match read {
                Ok(n) => done += n,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
            if date_now() - last > 50.0 {
                last = date_now();
                progress(gen, at("read", &f.path, i, done));
            }
            tick().await;
            if cancelled(w, gen) {
                return stop(w, gen);
            }
        }
        if let Some(e) = failure {
            with_session(w, |s| s.add_warning(f.path.clone(), format!("could not be read ({}); it was skipped", js_name(&e))))??;
        }
        progress(gen, at("parse", &f.path, i, done));
        tick().await;
        if cancelled(w, gen) {
            return stop(w, gen);
        }
        if !decode_in_steps(w, gen, h, |d, t| progress(gen, at("decode", &f.path, i, d).with_total(t))).await? {
            return stop(w, gen);
        }
        match &pieces {
            Some(p) => {
                with_session(w, |s| s.close_file(h))??;
                p.take()?;
                unended.push(h);
            }
            None => with_session(w, |s| s.end_file(h))??,
        }
    }
    if let Some(p) = &pieces {
        p.finish(gen).await?;
        if cancelled(w, gen) {
            return stop(w, gen);
        }
        for h in unended {
            with_session(w, |s| s.end_file(h))??;
        }
    }
    progress(gen, at("analyze", "", files.len(), done));
    tick().await;
    if cancelled(w, gen) {
        return stop(w, gen);
    }
    let report = with_session(w, |s| s.analyze())??;
    post(&FromWorker::Report { gen, report });
    Ok(())
}

impl Progress {
    fn with_total(self, total: f64) -> Progress {
        Progress { total, ..self }
    }
}

/// A binary event log (.evtx) is decoded a 64 KiB chunk at a time (`Session::decode`), about
/// [`DECODE_MS`] of chunks between yields: how far it is goes to the page (`decode`: done and
/// total are chunks; at its first step, every 50 ms and at its end), and a cancel is seen
/// between steps. Any other file is done at once (`end_file` decodes it). False when cancelled.
async fn decode_in_steps(w: &State, gen: u32, h: u32, report: impl Fn(f64, f64)) -> Res<bool> {
    let Some(mut step) = with_session(w, |s| s.decode(h, 1))?.map_err(err)? else { return Ok(true) };
    let mut last = 0.0;
    loop {
        let t0 = now();
        while !step.finished && now() - t0 < DECODE_MS {
            match with_session(w, |s| s.decode(h, 1))?.map_err(err)? {
                Some(d) => step = d,
                None => step.finished = true,
            }
        }
        if step.finished || date_now() - last > 50.0 {
            last = date_now();
            report(step.done as f64, step.total as f64);
        }
        if step.finished {
            return Ok(true);
        }
        tick().await;
        if cancelled(w, gen) {
            return Ok(false);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Zips of bundles and fleets.

/// The directory of the last zip listed, kept: a zip of bundles is listed once by the drop
/// plan, then every machine of the fleet (and one opened later from the fleet page) is read out
/// of it by name, never by listing the zip again. A `File` posted twice is two objects: the zip
/// is known again by its name, size and time; `fresh` reads its directory again (a new drop's
/// listing). Its bytes are read in place (`FileReaderSync`), never whole.
fn zip_of<'a>(w: &'a State, file: &File, fresh: bool) -> Res<RefMut<'a, ZipDirectory>> {
    let key = format!("{}\u{0}{}\u{0}{}", file.name(), file.size(), file.last_modified());
    let known = !fresh && w.zip.borrow().as_ref().is_some_and(|z| z.key == key);
    if !known {
        w.zip.replace(None);
        let reader = web_sys::FileReaderSync::new()?;
        let dir = ZipDirectory::open(Box::new(FileSource { file: file.clone(), reader, fetched: w.zip_fetched.clone() }), file.size()).map_err(err)?;
        w.zip_opens.set(w.zip_opens.get() + 1);
        w.zip.replace(Some(KeptZip { key, dir, size: file.size() }));
    }
    Ok(RefMut::map(w.zip.borrow_mut(), |z| &mut z.as_mut().expect("kept just now").dir))
}

/// One machine's files into `s`: its own files, or its members inside a zip of bundles
/// (`inner`). False when the run was cancelled meanwhile.
async fn read_machine(w: &State, s: &mut Session, gen: u32, files: &[FileRef], inner: Option<&str>) -> Res<bool> {
    if let Some(inner) = inner {
        let f = files.first().ok_or_else(|| js_error("a machine in a zip without its zip"))?;
        let mut dir = zip_of(w, &f.file, false)?;
        s.add_members_of(&f.path, dir.archive(), inner).map_err(err)?;
        return Ok(!cancelled(w, gen));
    }
    let mut chunks = Chunks::new(reader(w), files);
    for (i, f) in files.iter().enumerate() {
        let h = s.begin_file(f.path.clone(), f.file.size())?;
        let mut failure = None;
        while let Some(chunk) = chunks.take(i) {
            let pushed = match JsFuture::from(chunk).await {
                Ok(buf) => s.push_chunk(h, &Uint8Array::new(&buf).to_vec()).map_err(JsValue::from),
                Err(e) => Err(e),
            };
            if let Err(e) = pushed {
                failure = Some(e);
                break;
            }
            tick().await;
            if cancelled(w, gen) {
                return Ok(false);
            }
        }
        if let Some(e) = failure {
            s.add_warning(f.path.clone(), format!("could not be read ({}); it was skipped", js_name(&e)))?;
        }
        s.end_file(h)?;
    }
    Ok(true)
}

/// The fleet's exports read and joined to its rows (`None` without exports). A file that
/// cannot be read is named among the section's problems.
fn wufb_section(w: &State, exports: &[ExportRef], rows: &[MachineRow]) -> Option<wulens_core::WufbSection> {
    if exports.is_empty() {
        return None;
    }
    let mut x = WufbExports::new();
    for e in exports {
        let mut read = || -> Res<()> {
            match &e.inner {
                Some(inner) => x.add_archive_member(&e.path, zip_of(w, &e.file, false)?.archive(), inner),
                None => {
                    let bytes = web_sys::FileReaderSync::new()?.read_as_array_buffer(&e.file)?;
                    x.add(&e.path, &Uint8Array::new(&bytes).to_vec());
                }
            }
            Ok(())
        };
        if let Err(why) = read() {
            x.cannot_read(e.inner.as_deref().unwrap_or(&e.path), &js_message(&why));
        }
    }
    Some(x.section(rows))
}

async fn fleet(w: &Rc<State>, gen: u32, machines: &[MachineFiles], exports: &[ExportRef]) -> Res<()> {
    w.following.replace(None);
    let total = machines.len();
    let mut rows = Vec::with_capacity(total);
    let mut last = 0.0;
    for (i, m) in machines.iter().enumerate() {
        if i == 0 || date_now() - last > 50.0 {
            last = date_now();
            progress(
                gen,
                Progress { phase: "machine".into(), file: m.machine.clone(), index: i as u32, files: total as u32, done: i as f64, total: total as f64 },
            );
        }
        let mut s = Session::new();
        let mut done = true;
        match read_machine(w, &mut s, gen, &m.files, m.inner.as_deref()).await {
            Ok(true) => rows.push(s.take_row(&m.machine, &m.bundle).unwrap_or_else(|e| MachineRow::unreadable(&m.machine, &m.bundle, &e.to_string()))),
            Ok(false) => done = false,
            // A bundle that cannot be read is a row that says why, never the end of the run.
            Err(e) => rows.push(MachineRow::unreadable(&m.machine, &m.bundle, &js_message(&e))),
        }
        drop(s);
        if !done || cancelled(w, gen) {
            // The current report (if any) stays usable: its session is kept.
            post(&FromWorker::Cancelled { gen });
            return Ok(());
        }
        tick().await;
    }
    // The fleet replaces the previous analysis on the page.
    set_session(w, None);
    let wufb = wufb_section(w, exports, &rows);
    let in_zip = machines.iter().any(|m| m.inner.is_some());
    let zip = w.zip.borrow().as_ref().filter(|_| in_zip).map(|z| ZipReads { opens: w.zip_opens.get(), fetched: w.zip_fetched.get() as f64, size: z.size });
    post(&FromWorker::Fleet { gen, rows, wufb, zip });
    Ok(())
}

/// One machine of a zip of bundles, opened from the fleet page: a normal analysis of its members.
async fn analyze_member(w: &Rc<State>, gen: u32, f: &FileRef, inner: &str) -> Res<()> {
    w.following.replace(None);
    set_session(w, Some(Session::new()));
    let name = format!("{}/{inner}", f.path);
    progress(gen, Progress { phase: "read".into(), file: name.clone(), index: 0, files: 1, done: 0.0, total: f.file.size() });
    tick().await;
    let read = || -> Res<()> {
        let mut dir = zip_of(w, &f.file, false)?;
        with_session(w, |s| s.add_members_of(&f.path, dir.archive(), inner))?.map_err(err)?;
        Ok(())
    };
    if let Err(e) = read() {
        with_session(w, |s| s.add_warning(name, js_message(&e)))??;
    }
    if cancelled(w, gen) {
        return stop(w, gen);
    }
    let report = with_session(w, |s| s.analyze())??;
    post(&FromWorker::Report { gen, report });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Following growing logs (Chromium: File System Access handles). Once a second each followed
// file's size is checked; only the bytes it gained are read and handed to the session, which
// parses them onto the end of the file. A file that became shorter (rotated, truncated) is read
// again from its start. The report is rebuilt at most every 2 s, or less often when building it
// takes long (never more than a tenth of the time), so following never keeps the worker busy.

struct Following {
    gen: u32,
    files: RefCell<Vec<Followed>>,
    last_report: Cell<f64>,
    report_cost: Cell<f64>,
    stale: Cell<bool>,
    problems: RefCell<String>,
}

struct Followed {
    path: String,
    handle: JsValue,
    file: u32,
    size: f64,
}

impl Following {
    fn report_due(&self) -> bool {
        date_now() - self.last_report.get() >= (10.0 * self.report_cost.get()).max(2000.0)
    }
}

fn start_following(w: &Rc<State>, gen: u32, targets: Vec<FollowTarget>) -> Res<()> {
    let (files, total) = {
        let mut s = w.session.borrow_mut();
        let s = s.as_mut().ok_or_else(|| js_error("no analysis to follow"))?;
        let files: Vec<Followed> = targets
            .into_iter()
            .filter(|t| t.handle.is_truthy())
            .filter_map(|t| Some(Followed { file: s.file_index(&t.path)?, path: t.path, handle: t.handle, size: t.size }))
            .collect();
        (files, s.settle_view().map_err(err)?.total)
    };
    let paths = files.iter().map(|f| f.path.clone()).collect();
    let f = Rc::new(Following {
        gen,
        files: RefCell::new(files),
        last_report: Cell::new(date_now()),
        report_cost: Cell::new(0.0),
        stale: Cell::new(false),
        problems: RefCell::default(),
    });
    w.following.replace(Some(f.clone()));
    post(&FromWorker::Following { gen, paths, total });
    schedule(w, f);
    Ok(())
}

fn schedule(w: &Rc<State>, f: Rc<Following>) {
    let w = w.clone();
    let poll = Closure::once_into_js(move || enqueue(&w, Job::Poll(f)));
    let _ = global().set_timeout_with_callback_and_timeout_and_arguments_0(poll.unchecked_ref(), FOLLOW_MS);
}

fn is_following(w: &State, f: &Rc<Following>) -> bool {
    w.following.borrow().as_ref().is_some_and(|g| Rc::ptr_eq(g, f))
}

async fn get_file(handle: &JsValue) -> Res<File> {
    let get: Function = Reflect::get(handle, &"getFile".into())?.dyn_into()?;
    let file = JsFuture::from(Promise::resolve(&get.call0(handle)?)).await?;
    file.dyn_into()
}

async fn array_buffer(file: &File, start: f64, end: f64) -> Res<Vec<u8>> {
    let buf = JsFuture::from(file.slice_with_f64_and_f64(start, end)?.array_buffer()).await?;
    Ok(Uint8Array::new(&buf).to_vec())
}

async fn poll(w: &Rc<State>, f: &Rc<Following>) -> Res<()> {
    if !is_following(w, f) || w.session.borrow().is_none() {
        return Ok(());
    }
    let mut grew = false;
    let mut problems = Vec::new();
    let n = f.files.borrow().len();
    for k in 0..n {
        let (handle, index, size, path) = {
            let files = f.files.borrow();
            let t = &files[k];
            (t.handle.clone(), t.file, t.size, t.path.clone())
        };
        let file = match get_file(&handle).await {
            Ok(file) => file,
            Err(e) => {
                problems.push(format!("{path}: {}", js_name(&e)));
                continue;
            }
        };
        let now_size = file.size();
        if now_size < size {
            let bytes = Uint8Array::new(&JsFuture::from(file.array_buffer()).await?).to_vec();
            with_session(w, |s| s.restart_bytes(index as usize, bytes))?;
            grew = true;
        } else if now_size > size {
            let mut off = size;
            while off < now_size {
                let bytes = array_buffer(&file, off, now_size.min(off + CHUNK)).await?;
                with_session(w, |s| s.grow_bytes(index as usize, &bytes))?;
                off += CHUNK;
            }
            grew = true;
        }
        f.files.borrow_mut()[k].size = now_size;
    }
    if !is_following(w, f) {
        return Ok(());
    }
    let joined = problems.join("\n");
    if grew {
        let filtered = with_session(w, |s| s.settle_view())?.map_err(err)?;
        let report = if f.report_due() {
            let (now_ms, t0) = (date_now(), now());
            let report = with_session(w, |s| s.page_report())??;
            f.report_cost.set(now() - t0);
            f.last_report.set(now_ms);
            f.stale.set(false);
            Some(report)
        } else {
            f.stale.set(true);
            None
        };
        post(&FromWorker::Grew { gen: f.gen, count: Some(filtered.count), total: Some(filtered.total), report, problems });
    } else if f.stale.get() && f.report_due() {
        // The last growth came too soon after a report: the report catches up now.
        f.stale.set(false);
        f.last_report.set(date_now());
        let filtered = with_session(w, |s| s.settle_view())?.map_err(err)?;
        let report = with_session(w, |s| s.page_report())??;
        post(&FromWorker::Grew { gen: f.gen, count: Some(filtered.count), total: Some(filtered.total), report: Some(report), problems });
    } else if joined != *f.problems.borrow() {
        post(&FromWorker::Grew { gen: f.gen, count: None, total: None, report: None, problems });
    }
    f.problems.replace(joined);
    schedule(w, f.clone());
    Ok(())
}
