//! The plain messages the page's parts pass each other (the worker's progress, a followed log's
//! growth, dropped files, a fleet's machines) and the helpers they need: the lowest floor of the
//! page, importing nothing of it, so that imports run one way (components, services and state
//! above; bridge, fleet and page beside one another, each only over this).

use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use wulens_core::Report;

/// Progress of an analysis, from the worker (`FromWorker::Progress`).
pub use wulens_wasm::protocol::Progress;

/// How many scanning workers (public/scanner.js) share big files' pieces on a machine of
/// `cores` logical cores: the cores beyond two, the analysis worker's and the one that reading
/// the files and the page itself keep busy, at most three. On two cores a scanner competes with
/// those two and only adds the pieces' copies: measured 2-5 % slower to the verdict at 100 MB
/// (docs/speed.md), so there the analysis worker does all the work, as it always did.
pub fn scanners_for(cores: f64) -> u32 {
    if !cores.is_finite() {
        return 0;
    }
    (cores as i64 - 2).clamp(0, 3) as u32
}

/// What a round of following changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Growth {
    pub count: Option<usize>,
    pub total: Option<usize>,
    pub report: Option<Rc<Report>>,
    pub problems: Vec<String>,
}

/// A file as the drop helpers (`web/js/drop.js`) and the samples give it. Two are equal when
/// they are the same `File` and handle (JavaScript's `===`).
#[derive(Deserialize, Clone, PartialEq)]
pub struct DroppedFile {
    pub path: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub file: web_sys::File,
    /// The file's File System Access handle (Chromium), to read it again as it grows;
    /// `undefined` elsewhere.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    pub handle: JsValue,
}

/// A `File` and a handle are objects (or `undefined`), for which `===` is reflexive.
impl Eq for DroppedFile {}

/// A problem found while collecting a drop (an unreadable file, a folder error).
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DropError {
    pub path: String,
    pub message: String,
}

/// What a drop or a file picker gave: `{files: [{path, file}], errors: [{path, message}]}`.
/// The state keeps it in an `Rc` (`Eq`: two `Rc`s of one drop compare by address first).
#[derive(Deserialize, Clone, Default, PartialEq, Eq)]
#[serde(default)]
pub struct Dropped {
    pub files: Vec<DroppedFile>,
    pub errors: Vec<DropError>,
    /// Compiled into the app (the samples): nothing to read again.
    pub built_in: bool,
}

impl std::fmt::Debug for Dropped {
    /// The paths only: a `File` is a JavaScript object.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths: Vec<&str> = self.files.iter().map(|f| f.path.as_str()).collect();
        f.debug_struct("Dropped").field("files", &paths).field("errors", &self.errors).field("built_in", &self.built_in).finish()
    }
}

impl Dropped {
    pub fn read(v: JsValue) -> Result<Dropped, String> {
        serde_wasm_bindgen::from_value(v).map_err(|e| format!("the dropped files could not be read: {e}"))
    }

    pub fn bytes(&self) -> f64 {
        self.files.iter().map(|f| f.file.size()).sum()
    }

    /// Whether the files can be read again as they grow (some came with a handle).
    pub fn followable(&self) -> bool {
        self.files.iter().any(|f| !f.handle.is_undefined() && !f.handle.is_null())
    }

    /// `[{path, handle}]` of the files that have a handle (to read them again).
    pub fn handles(&self) -> Array {
        self.files
            .iter()
            .filter(|f| !f.handle.is_undefined() && !f.handle.is_null())
            .map(|f| {
                let o = Object::new();
                let _ = Reflect::set(&o, &"path".into(), &f.path.as_str().into());
                let _ = Reflect::set(&o, &"handle".into(), &f.handle);
                JsValue::from(o)
            })
            .collect()
    }
}

/// One machine of a fleet, or of a drop of several opened as one: its files as dropped (the
/// `File`s, not their text), and for a machine inside a zip of bundles, its path inside that zip
/// (`files` is then the one zip). The worker gets it as `protocol::MachineFiles`.
#[derive(Clone, PartialEq, Eq)]
pub struct FleetMachine {
    pub name: String,
    /// The bundle's path in the drop (`fleet/PC-001.zip`), the row's `bundle`.
    pub bundle: String,
    pub files: Vec<DroppedFile>,
    pub inner: Option<String>,
}

/// A file of a drop read as a Windows Update for Business reports export: a dropped file, or the
/// member `inner` of a dropped zip (`file` is then the zip).
#[derive(Clone)]
pub struct ExportFile {
    pub file: DroppedFile,
    pub inner: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanners_take_the_cores_beyond_two() {
        let got: Vec<u32> = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 16.0, f64::NAN].iter().map(|&c| scanners_for(c)).collect();
        assert_eq!(got, [0, 0, 0, 1, 2, 3, 3, 0]);
    }

    #[test]
    fn progress_is_a_fraction() {
        assert_eq!(Progress { done: 5.0, total: 10.0, ..Progress::default() }.fraction(), 0.5);
        assert_eq!(Progress::default().fraction(), 0.0);
    }
}
