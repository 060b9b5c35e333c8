//! Reading the dropped files: slices read by the reading worker (`public/reader.js`, [`Reader`]),
//! one chunk always read ahead, across files too ([`Chunks`]).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{ErrorEvent, File, MessageEvent, Worker};

use super::js::{js_field, obj};
use super::State;
use crate::protocol::FileRef;

/// The slice of a file read at a time.
pub(super) const CHUNK: f64 = (8 << 20) as f64;

pub(super) fn reader(w: &State) -> Rc<Reader> {
    w.reader.borrow_mut().get_or_insert_with(Reader::here).clone()
}

/// Slices of files read by the reading worker (`public/reader.js`): `read(file, start, end)`
/// resolves to an `ArrayBuffer`. Where that worker cannot be started, or fails, this thread reads.
pub(super) struct Reader {
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
    pub(super) fn here() -> Rc<Reader> {
        Rc::new(Reader { worker: None, queue: Rc::default(), ignore: Closure::new(|_: JsValue| {}), _handlers: None })
    }

    pub(super) fn start() -> Rc<Reader> {
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
pub(super) struct Chunks {
    reader: Rc<Reader>,
    plan: Vec<(usize, File, f64)>,
    k: usize,
    ahead: Option<(usize, Promise)>,
}

impl Chunks {
    pub(super) fn new(reader: Rc<Reader>, files: &[FileRef]) -> Chunks {
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
    pub(super) fn take(&mut self, i: usize) -> Option<Promise> {
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
