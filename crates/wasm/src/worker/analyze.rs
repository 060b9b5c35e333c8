//! Analysing a drop: its files read chunk by chunk into the session, big files' pieces pumped to
//! the scanning workers meanwhile, event logs decoded in steps, a cancel seen between them.

use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen_futures::JsFuture;

use super::js::{date_now, err, js_name, now, post, progress, tick, Res};
use super::read::{reader, Chunks};
use super::scan::PieceRun;
use super::{cancelled, set_session, stop, with_session, State};
use crate::protocol::{DropWarning, FileRef, FromWorker, Progress};
use crate::session::Session;

/// An event log's decoding runs about this long between yields.
const DECODE_MS: f64 = 20.0;

pub(super) async fn analyze(w: &Rc<State>, gen: u32, files: &[FileRef], errors: Vec<DropWarning>) -> Res<()> {
    w.following.replace(None);
    set_session(w, Some(Session::new()));
    for e in errors {
        with_session(w, |s| s.add_warning(e.path, e.message))??;
    }
    let count = files.len() as u32;
    let total: f64 = files.iter().map(|f| f.file.size()).sum();
    let mut done = 0.0;
    let mut last = 0.0;
    let at =
        |phase: &str, file: &str, index: usize, done: f64| Progress { phase: phase.into(), file: file.into(), index: index as u32, files: count, done, total };
    let mut chunks = Chunks::new(reader(w), files);
    // Big files' pieces are scanned by the scanning workers while the files are read; each file
    // is ended once all its pieces are scanned, after the last is read.
    let scanners = w.scanners.borrow().clone().filter(|s| !s.live().is_empty());
    let pieces = scanners.map(|scanners| PieceRun::new(w, scanners));
    with_session(w, |s| s.set_delegate(pieces.is_some()))?;
    let mut unended = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let h = with_session(w, |s| s.begin_file(f.path.clone(), f.file.size()))??;
        let mut failure = None;
        while let Some(chunk) = chunks.take(i) {
            let read: Res<f64> = async {
                let buf = JsFuture::from(chunk).await?;
                let bytes = Uint8Array::new(&buf).to_vec();
                with_session(w, |s| s.push_chunk(h, &bytes))??;
                if let Some(p) = &pieces {
                    p.take()?;
                    p.help()?;
                }
                Ok(bytes.len() as f64)
            }
            .await;
            match read {
                Ok(n) => done += n,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
            if date_now() - last > 50.0 {
                last = date_now();
                progress(gen, at("read", &f.path, i, done));
            }
            tick().await;
            if cancelled(w, gen) {
                return stop(w, gen);
            }
        }
        if let Some(e) = failure {
            with_session(w, |s| s.add_warning(f.path.clone(), format!("could not be read ({}); it was skipped", js_name(&e))))??;
        }
        progress(gen, at("parse", &f.path, i, done));
        tick().await;
        if cancelled(w, gen) {
            return stop(w, gen);
        }
        if !decode_in_steps(w, gen, h, |d, t| progress(gen, at("decode", &f.path, i, d).with_total(t))).await? {
            return stop(w, gen);
        }
        match &pieces {
            Some(p) => {
                with_session(w, |s| s.close_file(h))??;
                p.take()?;
                unended.push(h);
            }
            None => with_session(w, |s| s.end_file(h))??,
        }
    }
    if let Some(p) = &pieces {
        p.finish(gen).await?;
        if cancelled(w, gen) {
            return stop(w, gen);
        }
        for h in unended {
            with_session(w, |s| s.end_file(h))??;
        }
    }
    progress(gen, at("analyze", "", files.len(), done));
    tick().await;
    if cancelled(w, gen) {
        return stop(w, gen);
    }
    let report = with_session(w, |s| s.analyze())??;
    post(&FromWorker::Report { gen, report });
    Ok(())
}

impl Progress {
    fn with_total(self, total: f64) -> Progress {
        Progress { total, ..self }
    }
}

/// A binary event log (.evtx) is decoded a 64 KiB chunk at a time (`Session::decode`), about
/// [`DECODE_MS`] of chunks between yields: how far it is goes to the page (`decode`: done and
/// total are chunks; at its first step, every 50 ms and at its end), and a cancel is seen
/// between steps. Any other file is done at once (`end_file` decodes it). False when cancelled.
async fn decode_in_steps(w: &State, gen: u32, h: u32, report: impl Fn(f64, f64)) -> Res<bool> {
    let Some(mut step) = with_session(w, |s| s.decode(h, 1))?.map_err(err)? else { return Ok(true) };
    let mut last = 0.0;
    loop {
        let t0 = now();
        while !step.finished && now() - t0 < DECODE_MS {
            match with_session(w, |s| s.decode(h, 1))?.map_err(err)? {
                Some(d) => step = d,
                None => step.finished = true,
            }
        }
        if step.finished || date_now() - last > 50.0 {
            last = date_now();
            report(step.done as f64, step.total as f64);
        }
        if step.finished {
            return Ok(true);
        }
        tick().await;
        if cancelled(w, gen) {
            return Ok(false);
        }
    }
}
