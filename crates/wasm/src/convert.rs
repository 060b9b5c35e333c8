//! What crosses the boundary: a value as a plain JS object, a report as JSON texts of its
//! parts; and the limits a drop is read with in the browser.

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wulens_core::{Limits, Report};

use crate::error::Error;
use crate::report_parts;

/// Limits in the browser: a tab has a few GB of memory at most.
pub(crate) fn browser_limits() -> Limits {
    Limits { max_expanded_bytes: 2 << 30, ..Limits::default() }
}

/// A plain JS object for `value` (maps as objects, `None` as `null`).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Error> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// A report as JSON texts of parts ([`report_parts`]). A big drop's report is tens of thousands
/// of values: as text it is written here and read on the page (`serde_json` both ways) without
/// building, cloning and reading as many JS objects (measured on 100 MB drops: the worker's last
/// step 30-50 ms shorter).
pub(crate) fn report_texts(report: Report) -> Result<Vec<String>, Error> {
    Ok(report_parts::report_parts(report)?)
}

/// A JS value's `name` or `message` field when it is a non-empty string.
pub(crate) fn js_field(e: &JsValue, key: &str) -> Option<String> {
    if !e.is_object() {
        return None;
    }
    js_sys::Reflect::get(e, &JsValue::from_str(key)).ok().and_then(|v| v.as_string()).filter(|s| !s.is_empty())
}

pub(crate) fn js_string(e: &JsValue) -> String {
    e.as_string().or_else(|| e.as_f64().map(|n| n.to_string())).unwrap_or_else(|| format!("{e:?}"))
}

/// What went wrong, as `String((e && e.message) || e)` says it (the worker's failures and a
/// zip member's read).
pub(crate) fn js_message(e: &JsValue) -> String {
    js_field(e, "message").unwrap_or_else(|| js_string(e))
}
