//! Fleets and zips of bundles: the drop's zip directory read once and kept, machines read one
//! by one into their own sessions (and what reading zips cost), the WUfB exports joined to the
//! rows, one machine of a zip opened from the fleet page.

use std::cell::RefMut;
use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;
use wulens_core::fleet::MachineRow;

use super::js::{date_now, err, js_error, js_message, js_name, post, progress, tick, Res};
use super::read::{reader, Chunks};
use super::{cancelled, set_session, stop, with_session, State};
use crate::protocol::{ExportRef, FileRef, FromWorker, MachineFiles, Progress, ZipReads};
use crate::session::Session;
use crate::wufb::WufbExports;
use crate::zipblob::{FileSource, ZipDirectory};

pub(super) struct KeptZip {
    key: String,
    dir: ZipDirectory,
    size: f64,
}

/// The directory of the last zip listed, kept: a zip of bundles is listed once by the drop
/// plan, then every machine of the fleet (and one opened later from the fleet page) is read out
/// of it by name, never by listing the zip again. A `File` posted twice is two objects: the zip
/// is known again by its name, size and time; `fresh` reads its directory again (a new drop's
/// listing). Its bytes are read in place (`FileReaderSync`), never whole.
pub(super) fn zip_of<'a>(w: &'a State, file: &File, fresh: bool) -> Res<RefMut<'a, ZipDirectory>> {
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
fn wufb_section(w: &State, exports: &[ExportRef], rows: &[MachineRow]) -> Option<wulens_core::wufb::WufbSection> {
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

pub(super) async fn fleet(w: &Rc<State>, gen: u32, machines: &[MachineFiles], exports: &[ExportRef]) -> Res<()> {
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
pub(super) async fn analyze_member(w: &Rc<State>, gen: u32, f: &FileRef, inner: &str) -> Res<()> {
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
