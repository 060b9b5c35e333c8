//! `import wulens`: the wulens engine for Python, one function per operation, the CLI's JSON
//! as Python values (so a notebook, a script or a Spark job reads the same report as the page).
//!
//! - `analyze(data)`: `bytes` (one log, or one zip bundle) or a list of `(name, bytes)` → the
//!   report as a `dict` (the same document as `wulens analyze --format json`).
//! - `machine_row(machine, bundle, data)`: one machine's bundle → its fleet row (`dict`, the
//!   columns of `wulens fleet --format ndjson`), for grouping machines by root cause.
//! - `lookup(code)`: any notation → the knowledge-base entry as a `dict`, or `None` when the
//!   text is not a code.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use wulens_core::fleet::MachineRow;
use wulens_core::{Analysis, Input, Limits, Report};

/// Python's `json.loads` over our serde JSON: one definition of every document, no copies.
fn to_python(py: Python<'_>, value: &impl serde::Serialize) -> PyResult<PyObject> {
    let text = serde_json::to_string(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// `bytes` (named `name`), or a list of `(name, bytes)` pairs.
fn inputs(data: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<Input>> {
    if let Ok(b) = data.downcast::<PyBytes>() {
        return Ok(vec![Input { name: name.to_string(), bytes: b.as_bytes().into() }]);
    }
    if let Ok(list) = data.downcast::<PyList>() {
        let mut out = Vec::with_capacity(list.len());
        for item in list.iter() {
            let (n, b): (String, Vec<u8>) = item.extract().map_err(|_| PyValueError::new_err("each item must be a (name, bytes) pair"))?;
            out.push(Input { name: n, bytes: b.into() });
        }
        return Ok(out);
    }
    Err(PyValueError::new_err("data must be bytes or a list of (name, bytes) pairs"))
}

/// Analyse logs: `bytes` or `[(name, bytes), ...]` → the report (dict). `name` names a single
/// `bytes` input (a `.zip` name makes it a bundle).
#[pyfunction]
#[pyo3(signature = (data, name = "input.log"))]
fn analyze(py: Python<'_>, data: &Bound<'_, PyAny>, name: &str) -> PyResult<PyObject> {
    let inputs = inputs(data, name)?;
    let report = py.allow_threads(|| Report::build(&Analysis::from_inputs(inputs, &Limits::default())));
    to_python(py, &report)
}

/// One machine's bundle → its fleet row (dict): status, where it broke, root code, findings.
#[pyfunction]
fn machine_row(py: Python<'_>, machine: &str, bundle: &str, data: &Bound<'_, PyAny>) -> PyResult<PyObject> {
    let name = if bundle.is_empty() { machine } else { bundle };
    let inputs = inputs(data, name)?;
    let row = py.allow_threads(|| MachineRow::from_inputs(machine, bundle, inputs));
    to_python(py, &row)
}

/// The knowledge-base entry of a code in any notation (`0x8024401B`, `-2145107941`, `1603`,
/// `WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ`), or `None` when the text is not a code.
#[pyfunction]
fn lookup(py: Python<'_>, code: &str) -> PyResult<Option<PyObject>> {
    match wulens_kb::lookup(code) {
        Ok(l) => to_python(py, &l).map(Some),
        Err(_) => Ok(None),
    }
}

#[pymodule]
fn wulens(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(machine_row, m)?)?;
    m.add_function(wrap_pyfunction!(lookup, m)?)?;
    Ok(())
}
