//! The analysis worker, in Rust. `public/worker.js` loads the module and hands every message
//! from the page to [`AnalysisWorker::handle`]; everything else happens here: a message is read
//! as a [`ToWorker`] and answered with [`FromWorker`]s, both typed in `protocol.rs`.
//!
//! - Messages run one after another (a queue and one runner future), except a cancel, which is
//!   noted at once: every message about an analysis carries its generation number, and the
//!   work checks it between chunks and steps, after yielding to the event loop (`tick`), so a
//!   cancel is seen within a chunk.
//! - The dropped files are read in chunks (`Blob.slice`) by the reading worker
//!   (`public/reader.js`, [`Reader`]), one chunk always read ahead, across files too
//!   ([`read::Chunks`]): reading and parsing overlap. Where that worker cannot start, this one reads.
//! - A big file's pieces are scanned by the scanning workers (`public/scanner.js`,
//!   [`Scanners`]) while the files are read; who scans what is the session's (`schedule.rs`),
//!   this only pumps it ([`scan::PieceRun`]).
//! - An event log is decoded in steps of about [`analyze::DECODE_MS`], its progress posted between them.
//! - A fleet is read machine by machine, each into a `Session` freed once its row is taken;
//!   a zip of bundles has its directory read once and kept ([`zip_of`]), and what reading zips
//!   cost is counted for the fleet's message.
//! - Followed files are polled once a second through their File System Access handles.
//! - At `init`, the compiled code is warmed on the samples ([`warm::warm_up`]).
//!
//! One file per job: `mod.rs` (the entry, the message loop, the cancel and session
//! bookkeeping), `js.rs` (the small boundary helpers), `warm.rs` (starting at `init`, the
//! warm-up), `read.rs` (chunks, the reading worker), `scan.rs` (the scanning workers),
//! `analyze.rs` (a drop, .evtx decoding in steps), `fleet.rs` (fleets, zips, WUfB exports),
//! `growing.rs` (following growing files).

mod analyze;
mod fleet;
mod growing;
mod js;
mod read;
mod scan;
mod warm;

use std::cell::{Cell, RefCell};
use std::collections::{HashSet, VecDeque};
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::error::Error;
use crate::protocol::{FromWorker, Reply, Response, ToWorker};
use crate::session::Session;
use analyze::analyze;
use fleet::{analyze_member, fleet, zip_of, KeptZip};
use growing::{poll, start_following, Following};
use js::{err, js_message, post, reply, Res};
use read::Reader;
use scan::Scanners;
use warm::start;

/// The analysis worker's state; `public/worker.js` makes one and hands it every message.
#[wasm_bindgen]
#[derive(Default)]
pub struct AnalysisWorker {
    w: Rc<State>,
}

#[wasm_bindgen]
impl AnalysisWorker {
    #[wasm_bindgen(constructor)]
    pub fn new() -> AnalysisWorker {
        AnalysisWorker::default()
    }

    /// A message from the page (a [`ToWorker`] as a plain object). A cancel is noted at once;
    /// anything else runs after the messages before it.
    pub fn handle(&self, msg: JsValue) -> Result<(), JsError> {
        let msg: ToWorker = serde_wasm_bindgen::from_value(msg).map_err(|e| Error::BadRequest(format!("a message the worker cannot read: {e}")))?;
        if let ToWorker::Cancel { gen } = msg {
            self.w.cancelled.borrow_mut().insert(gen);
            return Ok(());
        }
        enqueue(&self.w, Job::Message(Box::new(msg)));
        Ok(())
    }
}

#[derive(Default)]
struct State {
    /// The current drop's session (the page's questions go to it).
    session: RefCell<Option<Session>>,
    /// Changes whenever `session` is replaced: a scanning worker's late piece sees its session gone.
    session_id: Cell<u64>,
    cancelled: RefCell<HashSet<u32>>,
    queue: RefCell<VecDeque<Job>>,
    busy: Cell<bool>,
    following: RefCell<Option<Rc<Following>>>,
    reader: RefCell<Option<Rc<Reader>>>,
    scanners: RefCell<Option<Rc<Scanners>>>,
    /// The directory of the last zip listed, kept (see [`zip_of`]).
    zip: RefCell<Option<KeptZip>>,
    /// What reading zips cost since the drop's zip was listed: directories read, bytes read.
    zip_opens: Cell<u32>,
    zip_fetched: Rc<Cell<u64>>,
}

enum Job {
    Message(Box<ToWorker>),
    Poll(Rc<Following>),
}

fn enqueue(w: &Rc<State>, job: Job) {
    w.queue.borrow_mut().push_back(job);
    if w.busy.replace(true) {
        return;
    }
    let w = w.clone();
    spawn_local(async move {
        loop {
            let job = w.queue.borrow_mut().pop_front();
            let Some(job) = job else { break };
            run(&w, job).await;
        }
        w.busy.set(false);
    });
}

async fn run(w: &Rc<State>, job: Job) {
    match job {
        Job::Message(m) => {
            let (id, gen) = (m.id(), m.gen());
            if let Err(e) = message(w, *m).await {
                post(&FromWorker::Failed { id, gen, message: js_message(&e) });
            }
        }
        Job::Poll(f) => {
            if let Err(e) = poll(w, &f).await {
                post(&FromWorker::Failed { id: None, gen: Some(f.gen), message: format!("following stopped: {}", js_message(&e)) });
            }
        }
    }
}

async fn message(w: &Rc<State>, m: ToWorker) -> Res<()> {
    match m {
        ToWorker::Init(init) => start(w, init).await,
        ToWorker::Analyze { gen, files, errors } => analyze(w, gen, &files, errors).await,
        ToWorker::Follow { gen, targets } => start_following(w, gen, targets),
        ToWorker::Unfollow => {
            w.following.replace(None);
            Ok(())
        }
        ToWorker::Fleet { gen, machines, exports } => fleet(w, gen, &machines, &exports).await,
        ToWorker::ZipHeads { id, file, members } => {
            let heads: Array = {
                let mut dir = zip_of(w, &file, false)?;
                members.iter().map(|m| JsValue::from(Uint8Array::from(&dir.head(m)[..]))).collect()
            };
            reply(id, Reply::Heads(heads))
        }
        ToWorker::AnalyzeMember { gen, file, inner } => analyze_member(w, gen, &file, &inner).await,
        ToWorker::ListZip { id, file } => {
            // A drop's zip is listed first: what reading zips costs is counted from here.
            w.zip_opens.set(0);
            w.zip_fetched.set(0);
            let entries = zip_of(w, &file, true)?.listing();
            reply(id, Reply::Answer(Response::ZipEntries(entries)))
        }
        ToWorker::RedactedZip { id } => {
            let bytes = with_session(w, |s| s.redacted_zip_bytes())?.map_err(err)?;
            reply(id, Reply::Bytes(Uint8Array::from(&bytes[..])))
        }
        ToWorker::Forget => {
            // A saved report is shown: no session answers for logs that are not there.
            w.following.replace(None);
            set_session(w, None);
            Ok(())
        }
        ToWorker::Request { id, request } => {
            let response = with_session(w, |s| s.answer(request))?.map_err(err)?;
            reply(id, Reply::Answer(response))
        }
        ToWorker::Cancel { gen } => {
            w.cancelled.borrow_mut().insert(gen);
            Ok(())
        }
    }
}

fn cancelled(w: &State, gen: u32) -> bool {
    w.cancelled.borrow().contains(&gen)
}

/// `f` on the current session, or "no analysis yet".
fn with_session<T>(w: &State, f: impl FnOnce(&mut Session) -> T) -> Res<T> {
    let mut s = w.session.borrow_mut();
    let s = s.as_mut().ok_or_else(|| err(Error::NotAnalysed))?;
    Ok(f(s))
}

fn set_session(w: &State, s: Option<Session>) {
    w.session_id.set(w.session_id.get() + 1);
    // The old session is dropped here, before the new one fills memory.
    w.session.replace(None);
    w.session.replace(s);
}

/// The analysis `gen` stopped: its session is dropped.
fn stop(w: &State, gen: u32) -> Res<()> {
    set_session(w, None);
    post(&FromWorker::Cancelled { gen });
    Ok(())
}
