//! The page's side of the analysis worker: start it, hand it files, correlate its answers.
//!
//! The worker loads the same wasm module as the page (`public/worker.js`). Cancelling an
//! analysis terminates the worker; the next analysis starts a fresh one.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

use crate::model::Progress;

#[derive(Clone, Debug, PartialEq)]
pub enum WorkerEvent {
    Ready,
    Progress(Progress),
    Report(Rc<String>),
    Failed(String),
}

type Pending = Rc<RefCell<HashMap<u32, Box<dyn FnOnce(Result<String, String>)>>>>;

pub struct Bridge {
    worker: Worker,
    /// The analysis whose events count; older ones (cancelled) are ignored.
    generation: Rc<Cell<u32>>,
    next_id: Cell<u32>,
    pending: Pending,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn get_str(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

fn get_f64(v: &JsValue, key: &str) -> f64 {
    get(v, key).as_f64().unwrap_or(0.0)
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
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

impl Bridge {
    pub fn start(on_event: Callback<WorkerEvent>) -> Result<Rc<Bridge>, String> {
        let (glue, wasm) = asset_urls()?;
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        opts.set_name("wulens-analysis");
        let worker = Worker::new_with_options("worker.js", &opts).map_err(|e| format!("cannot start the analysis worker: {e:?}"))?;
        let pending: Pending = Rc::new(RefCell::new(HashMap::new()));
        let generation = Rc::new(Cell::new(0u32));
        let p2 = pending.clone();
        let g2 = generation.clone();
        let ev = on_event.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
            let data = m.data();
            let gen = get(&data, "gen").as_f64().map(|g| g as u32);
            if gen.is_some_and(|g| g != g2.get()) {
                return; // an event of a cancelled analysis
            }
            match get_str(&data, "type").as_str() {
                "ready" => ev.emit(WorkerEvent::Ready),
                "progress" => ev.emit(WorkerEvent::Progress(Progress {
                    phase: get_str(&data, "phase"),
                    file: get_str(&data, "file"),
                    index: get_f64(&data, "index") as u32,
                    files: get_f64(&data, "files") as u32,
                    done: get_f64(&data, "done"),
                    total: get_f64(&data, "total"),
                })),
                "report" => ev.emit(WorkerEvent::Report(Rc::new(get_str(&data, "json")))),
                "reply" => {
                    let id = get_f64(&data, "id") as u32;
                    // Take the callback out before calling it: it may send the next request.
                    let cb = p2.borrow_mut().remove(&id);
                    if let Some(cb) = cb {
                        cb(Ok(get_str(&data, "json")));
                    }
                }
                "error" => {
                    let msg = get_str(&data, "message");
                    let id = get(&data, "id").as_f64();
                    let cb = id.and_then(|id| p2.borrow_mut().remove(&(id as u32)));
                    match cb {
                        Some(cb) => cb(Err(msg)),
                        None => ev.emit(WorkerEvent::Failed(msg)),
                    }
                }
                _ => {}
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        let ev2 = on_event;
        let onerror = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
            ev2.emit(WorkerEvent::Failed(format!("the analysis worker stopped: {}", e.message())));
        });
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        // boot.js compiled the module once; the worker instantiates the same one.
        let module = web_sys::window().map(|w| get(&w, "wulensModule")).unwrap_or(JsValue::UNDEFINED);
        worker
            .post_message(&obj(&[("type", "init".into()), ("glue", glue.into()), ("wasm", wasm.into()), ("module", module)]))
            .map_err(|e| format!("cannot talk to the analysis worker: {e:?}"))?;
        Ok(Rc::new(Bridge { worker, generation, next_id: Cell::new(1), pending, _onmessage: onmessage, _onerror: onerror }))
    }

    /// `files`: a JS array of `{path, file}`; `errors`: a JS array of `{path, message}`.
    pub fn analyze(&self, files: &JsValue, errors: &JsValue) {
        let gen = self.generation.get() + 1;
        self.generation.set(gen);
        self.pending.borrow_mut().clear();
        let _ = self.worker.post_message(&obj(&[("type", "analyze".into()), ("gen", gen.into()), ("files", files.clone()), ("errors", errors.clone())]));
    }

    /// Stop the running analysis: its remaining events are ignored from now on.
    pub fn cancel(&self) {
        let gen = self.generation.get();
        self.generation.set(gen + 1);
        let _ = self.worker.post_message(&obj(&[("type", "cancel".into()), ("gen", gen.into())]));
    }

    /// Ask the worker's session something (`rows`, `filter`, ...); `done` gets the JSON answer.
    pub fn request(&self, kind: &str, args: String, done: impl FnOnce(Result<String, String>) + 'static) {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.pending.borrow_mut().insert(id, Box::new(done));
        let _ = self.worker.post_message(&obj(&[("type", "request".into()), ("id", id.into()), ("kind", kind.into()), ("args", args.into())]));
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.terminate();
    }
}

/// Build the `{path, file}` array for bytes compiled into the app (the samples).
pub fn files_from_bytes(files: &[(&str, &[u8])]) -> JsValue {
    let arr = Array::new();
    for (name, bytes) in files {
        let parts = Array::new();
        parts.push(&js_sys::Uint8Array::from(*bytes));
        let opts = web_sys::FilePropertyBag::new();
        opts.set_type("text/plain");
        if let Ok(f) = web_sys::File::new_with_u8_array_sequence_and_options(&parts, name, &opts) {
            arr.push(&obj(&[("path", (*name).into()), ("file", f.into())]));
        }
    }
    arr.into()
}

pub fn js_get(v: &JsValue, key: &str) -> JsValue {
    get(v, key)
}
