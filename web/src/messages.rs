//! The plain messages the page's parts pass each other (the worker's progress, a followed log's
//! growth, dropped files, a fleet's machines) and the helpers they need: the lowest floor of the
//! page, importing nothing of it, so that imports run one way (components, services and state
//! above; bridge, fleet and page beside one another, each only over this).

use std::rc::Rc;

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

/// A file as the drop helpers (`web/js/drop.js`) and the samples give it.
#[derive(Deserialize, Clone)]
pub struct DroppedFile {
    pub path: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub file: web_sys::File,
    /// The file's File System Access handle (Chromium), to read it again as it grows;
    /// `undefined` elsewhere.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    pub handle: JsValue,
}

/// One machine of a fleet, or of a drop of several opened as one: its files as dropped (the
/// `File`s, not their text), and for a machine inside a zip of bundles, its path inside that zip
/// (`files` is then the one zip). The worker gets it as `protocol::MachineFiles`.
#[derive(Clone)]
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
