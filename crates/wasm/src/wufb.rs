//! Windows Update for Business reports exports beside a fleet (core's `wufb`; which dropped
//! files are exports, by their first bytes, is core's drop plan), read and joined to the
//! fleet's rows in the worker once every machine has its row ([`WufbExports`]). A file is an
//! export by its columns, never by its name; a damaged export is a problem naming its file and
//! line, and the other exports are still read.

use wasm_bindgen::prelude::*;
use wulens_core::fleet::MachineRow;
use wulens_core::wufb::{self, WufbSection};

use crate::convert::to_js;
use crate::error::Error;
use crate::zipblob;

/// How much of a file's start decides whether it is an export (as the CLI reads it).
pub use wulens_core::input::plan::HEAD_BYTES;

/// The exports of a fleet's drop, read one by one, then joined to the fleet's rows.
#[wasm_bindgen]
#[derive(Default)]
pub struct WufbExports {
    exports: Vec<wufb::Export>,
    problems: Vec<(String, String)>,
}

#[wasm_bindgen]
impl WufbExports {
    #[wasm_bindgen(constructor)]
    pub fn new() -> WufbExports {
        WufbExports::default()
    }

    /// Read a file picked as an export (`path` as dropped; it is named by its file name).
    pub fn add_file(&mut self, path: &str, bytes: &[u8]) {
        self.add(path, bytes);
    }

    /// Read the member `inner` of the zip `path` (its directory read once: `zip`) as an export.
    pub fn add_member(&mut self, zip: &mut zipblob::ZipDirectory, path: &str, inner: &str) {
        self.add_archive_member(path, zip.archive(), inner);
    }

    /// A file picked as an export that could not be read at all (`why`, as the browser says it).
    pub fn cannot_read(&mut self, path: &str, why: &str) {
        let name = wulens_core::model::base_name(path).to_string();
        self.problems.push((name.clone(), format!("{name}: cannot read it: {why}")));
    }

    /// The exports joined to the fleet's rows (`MachineRow` objects): a `WufbSection` object.
    pub fn join(&self, rows: JsValue) -> Result<JsValue, JsError> {
        let rows: Vec<MachineRow> = serde_wasm_bindgen::from_value(rows).map_err(|e| Error::BadRequest(format!("the fleet's rows: {e}")))?;
        Ok(to_js(&self.section(&rows))?)
    }
}

impl WufbExports {
    /// [`WufbExports::add_file`] in plain Rust: an export read, else its problem kept.
    pub fn add(&mut self, path: &str, bytes: &[u8]) {
        let name = wulens_core::model::base_name(path).to_string();
        match wufb::read(&name, bytes) {
            Ok(Some(x)) => self.exports.push(x),
            Ok(None) => self.problems.push((name.clone(), WufbSection::not_an_export(&name))),
            Err(e) => self.problems.push((name, e)),
        }
    }

    /// [`WufbExports::add_member`] over any reader: a zip that cannot be opened is an error.
    pub fn add_zip_member<R: std::io::Read + std::io::Seek>(&mut self, path: &str, reader: R, inner: &str) -> Result<(), Error> {
        let mut archive = zip::ZipArchive::new(reader).map_err(|e| Error::Zip { name: Some(path.to_string()), why: e.to_string() })?;
        self.add_archive_member(path, &mut archive, inner);
        Ok(())
    }

    /// [`WufbExports::add_member`] over a zip whose directory was read.
    pub fn add_archive_member<R: std::io::Read + std::io::Seek>(&mut self, path: &str, archive: &mut zip::ZipArchive<R>, inner: &str) {
        let mut got = None;
        let mut warned = None;
        wulens_core::input::bundles::zip_members(archive, inner, 1 << 30, &mut |_, bytes| got = Some(bytes), &mut |_, why| warned = Some(why));
        match (got, warned) {
            (Some(bytes), _) => self.add(inner, &bytes),
            (None, why) => self.cannot_read(inner, &why.unwrap_or_else(|| format!("no member {inner} in {path}"))),
        }
    }

    /// The exports joined to `rows`.
    pub fn section(&self, rows: &[MachineRow]) -> WufbSection {
        WufbSection::join(rows, &self.exports, self.problems.clone())
    }
}
