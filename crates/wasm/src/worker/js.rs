//! The worker's small boundary helpers, shared by every job: posting to the page, errors as JS
//! values and their messages, the clocks, yielding to the event loop.

pub(super) use crate::convert::{js_field, js_message, js_string};
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::DedicatedWorkerGlobalScope;

use crate::convert::to_js;
use crate::error::Error;
use crate::protocol::{FromWorker, Progress, Reply};

pub(super) type Res<T> = Result<T, JsValue>;

pub(super) fn global() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Post a message to the page.
pub(super) fn post(msg: &FromWorker) {
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

pub(super) fn reply(id: u32, reply: Reply) -> Res<()> {
    post(&FromWorker::Reply { id, reply });
    Ok(())
}

pub(super) fn progress(gen: u32, progress: Progress) {
    post(&FromWorker::Progress { gen, progress });
}

pub(super) fn err(e: Error) -> JsValue {
    JsError::from(e).into()
}

pub(super) fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// The kind of a failed read, as `(e && e.name) || e` says it (`NotReadableError`).
pub(super) fn js_name(e: &JsValue) -> String {
    js_field(e, "name").unwrap_or_else(|| js_string(e))
}

pub(super) fn now() -> f64 {
    global().performance().map_or_else(js_sys::Date::now, |p| p.now())
}

pub(super) fn date_now() -> f64 {
    js_sys::Date::now()
}

/// Yield to the event loop without `setTimeout`'s clamping: a cancel message is seen.
pub(super) async fn tick() {
    let Ok(ch) = web_sys::MessageChannel::new() else { return };
    let p = Promise::new(&mut |resolve, _| {
        ch.port1().set_onmessage(Some(&resolve));
        let _ = ch.port2().post_message(&JsValue::from(0));
    });
    let _ = JsFuture::from(p).await;
    ch.port1().set_onmessage(None);
}

/// Resolves after `ms` milliseconds.
pub(super) fn after(ms: i32) -> Promise {
    Promise::new(&mut |resolve, _| {
        let _ = global().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    })
}

pub(super) fn obj(pairs: &[(&str, &JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}
