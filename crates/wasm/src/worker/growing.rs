//! Following growing logs: each followed file polled once a second through its File System
//! Access handle, the bytes it gained handed to the session (`crates/wasm/src/follow.rs`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use super::js::{date_now, err, global, js_error, js_name, now, post, Res};
use super::read::CHUNK;
use super::{enqueue, with_session, Job, State};
use crate::protocol::{FollowTarget, FromWorker};

/// Followed files are checked this often.
const FOLLOW_MS: i32 = 1000;

// Following growing logs (Chromium: File System Access handles). Once a second each followed
// file's size is checked; only the bytes it gained are read and handed to the session, which
// parses them onto the end of the file. A file that became shorter (rotated, truncated) is read
// again from its start. The report is rebuilt at most every 2 s, or less often when building it
// takes long (never more than a tenth of the time), so following never keeps the worker busy.

pub(super) struct Following {
    pub(super) gen: u32,
    files: RefCell<Vec<Followed>>,
    last_report: Cell<f64>,
    report_cost: Cell<f64>,
    stale: Cell<bool>,
    problems: RefCell<String>,
}

struct Followed {
    path: String,
    handle: JsValue,
    file: u32,
    size: f64,
}

impl Following {
    fn report_due(&self) -> bool {
        date_now() - self.last_report.get() >= (10.0 * self.report_cost.get()).max(2000.0)
    }
}

pub(super) fn start_following(w: &Rc<State>, gen: u32, targets: Vec<FollowTarget>) -> Res<()> {
    let (files, total) = {
        let mut s = w.session.borrow_mut();
        let s = s.as_mut().ok_or_else(|| js_error("no analysis to follow"))?;
        let files: Vec<Followed> = targets
            .into_iter()
            .filter(|t| t.handle.is_truthy())
            .filter_map(|t| Some(Followed { file: s.file_index(&t.path)?, path: t.path, handle: t.handle, size: t.size }))
            .collect();
        (files, s.settle_view().map_err(err)?.total)
    };
    let paths = files.iter().map(|f| f.path.clone()).collect();
    let f = Rc::new(Following {
        gen,
        files: RefCell::new(files),
        last_report: Cell::new(date_now()),
        report_cost: Cell::new(0.0),
        stale: Cell::new(false),
        problems: RefCell::default(),
    });
    w.following.replace(Some(f.clone()));
    post(&FromWorker::Following { gen, paths, total });
    schedule(w, f);
    Ok(())
}

fn schedule(w: &Rc<State>, f: Rc<Following>) {
    let w = w.clone();
    let poll = Closure::once_into_js(move || enqueue(&w, Job::Poll(f)));
    let _ = global().set_timeout_with_callback_and_timeout_and_arguments_0(poll.unchecked_ref(), FOLLOW_MS);
}

fn is_following(w: &State, f: &Rc<Following>) -> bool {
    w.following.borrow().as_ref().is_some_and(|g| Rc::ptr_eq(g, f))
}

async fn get_file(handle: &JsValue) -> Res<File> {
    let get: Function = Reflect::get(handle, &"getFile".into())?.dyn_into()?;
    let file = JsFuture::from(Promise::resolve(&get.call0(handle)?)).await?;
    file.dyn_into()
}

async fn array_buffer(file: &File, start: f64, end: f64) -> Res<Vec<u8>> {
    let buf = JsFuture::from(file.slice_with_f64_and_f64(start, end)?.array_buffer()).await?;
    Ok(Uint8Array::new(&buf).to_vec())
}

pub(super) async fn poll(w: &Rc<State>, f: &Rc<Following>) -> Res<()> {
    if !is_following(w, f) || w.session.borrow().is_none() {
        return Ok(());
    }
    let mut grew = false;
    let mut problems = Vec::new();
    let n = f.files.borrow().len();
    for k in 0..n {
        let (handle, index, size, path) = {
            let files = f.files.borrow();
            let t = &files[k];
            (t.handle.clone(), t.file, t.size, t.path.clone())
        };
        let file = match get_file(&handle).await {
            Ok(file) => file,
            Err(e) => {
                problems.push(format!("{path}: {}", js_name(&e)));
                continue;
            }
        };
        let now_size = file.size();
        if now_size < size {
            let bytes = Uint8Array::new(&JsFuture::from(file.array_buffer()).await?).to_vec();
            with_session(w, |s| s.restart_bytes(index as usize, bytes))?;
            grew = true;
        } else if now_size > size {
            let mut off = size;
            while off < now_size {
                let bytes = array_buffer(&file, off, now_size.min(off + CHUNK)).await?;
                with_session(w, |s| s.grow_bytes(index as usize, &bytes))?;
                off += CHUNK;
            }
            grew = true;
        }
        f.files.borrow_mut()[k].size = now_size;
    }
    if !is_following(w, f) {
        return Ok(());
    }
    let joined = problems.join("\n");
    if grew {
        let filtered = with_session(w, |s| s.settle_view())?.map_err(err)?;
        let report = if f.report_due() {
            let (now_ms, t0) = (date_now(), now());
            let report = with_session(w, |s| s.page_report())??;
            f.report_cost.set(now() - t0);
            f.last_report.set(now_ms);
            f.stale.set(false);
            Some(report)
        } else {
            f.stale.set(true);
            None
        };
        post(&FromWorker::Grew { gen: f.gen, count: Some(filtered.count), total: Some(filtered.total), report, problems });
    } else if f.stale.get() && f.report_due() {
        // The last growth came too soon after a report: the report catches up now.
        f.stale.set(false);
        f.last_report.set(date_now());
        let filtered = with_session(w, |s| s.settle_view())?.map_err(err)?;
        let report = with_session(w, |s| s.page_report())??;
        post(&FromWorker::Grew { gen: f.gen, count: Some(filtered.count), total: Some(filtered.total), report: Some(report), problems });
    } else if joined != *f.problems.borrow() {
        post(&FromWorker::Grew { gen: f.gen, count: None, total: None, report: None, problems });
    }
    f.problems.replace(joined);
    schedule(w, f.clone());
    Ok(())
}
