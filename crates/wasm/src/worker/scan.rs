//! The scanning workers (`public/scanner.js`, [`Scanners`]) and the pump that hands them the
//! pieces of a big file while it is read ([`PieceRun`]; who scans what is `schedule.rs`).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::js::{err, js_error, js_string, obj, tick, Res};
use super::{cancelled, with_session, State};
use crate::convert::to_js;
use crate::protocol::Init;

/// Scanning workers at most (the page asks for the cores beyond two: `scanners_for`).
const MAX_SCANNERS: u32 = 3;

/// The scanning workers (`public/scanner.js`): as many as the page asks for (the cores beyond
/// two), each with its own instance of the module, warmed at load like this worker. Where none
/// is asked for, none can be started, or none is ready, this worker does everything itself.
pub(super) struct Scanners {
    all: Vec<Rc<Scanner>>,
    /// Resolves once every scanner is ready or has failed.
    pub(super) ready: Promise,
    next: Cell<u32>,
}

pub(super) struct Scanner {
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
    pub(super) fn start(init: &Init) -> Rc<Scanners> {
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

    pub(super) fn live(&self) -> Vec<Rc<Scanner>> {
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
pub(super) struct PieceRun {
    w: Rc<State>,
    session_id: u64,
    scanners: Rc<Scanners>,
    running: Cell<usize>,
    /// Wakes `finish` when a piece comes back.
    waiter: RefCell<Option<Function>>,
}

impl PieceRun {
    /// The pieces of the current session, handed to `scanners`.
    pub(super) fn new(w: &Rc<State>, scanners: Rc<Scanners>) -> Rc<PieceRun> {
        Rc::new(PieceRun { w: w.clone(), session_id: w.session_id.get(), scanners, running: Cell::new(0), waiter: RefCell::default() })
    }

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
    pub(super) fn take(self: &Rc<Self>) -> Res<()> {
        with_session(&self.w, |s| s.queue_pieces())?;
        self.pump();
        Ok(())
    }

    /// While the files are read: what the scanners cannot keep up with, this worker scans one
    /// piece of at a time (the reading worker reads the next slice meanwhile).
    pub(super) fn help(&self) -> Res<()> {
        with_session(&self.w, |s| s.scan_one_waiting())?.map_err(err)?;
        Ok(())
    }

    /// Every piece cut: this worker scans what no scanner has taken yet, then waits for the
    /// scanners' last pieces.
    pub(super) async fn finish(self: &Rc<Self>, gen: u32) -> Res<()> {
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
