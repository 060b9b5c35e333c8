//! What components need from the app: the analysis worker and the dispatcher of the page's
//! state. Components take a `Services` from the context; they never import `app.rs` (a test
//! checks it). It holds no state: a component reads the state (`state.rs`) from its props and
//! changes it only by dispatching an `Action`; these methods are the intents that need the
//! worker (analyse a drop as core's drop plan says, open a machine, ask a question), and what
//! follows them (going to a page, following) the app's effects do (`effects.rs`).

use std::rc::Rc;

use wulens_core::input::plan::{self, Plan, Source, Step};
use wulens_core::model::counted;
use wulens_core::report::MachineReport;
use wulens_wasm::protocol::{Answer, Request};
use yew::prelude::*;

use crate::bridge::{Bridge, WorkerEvent};
use crate::messages::{Dropped, ExportFile, FleetMachine};
use crate::share::open_saved;
use crate::state::{Action, AppState};

#[derive(Clone, PartialEq)]
pub struct Services {
    /// The worker's channel (a resource, not state): `None` before it started, and in embeds.
    pub bridge: Option<Rc<Bridge>>,
    pub dispatch: UseReducerDispatcher<AppState>,
}

/// The analysis worker is not there (it failed to start): what the page says.
const NO_WORKER: &str = "the analysis worker is not running; reload the page";

impl Services {
    /// Analyse a drop as core's drop plan says (`wulens_core::input::plan`, `wulens fleet`'s too): a
    /// saved report opens as it is; one machine's logs give its report; several machines (a
    /// folder of bundles, several zips, a zip of bundles, with Windows Update for Business
    /// reports exports beside them) give the fleet page. The page only reads what the plan asks
    /// for: a file's first bytes here, a zip's directory and its members' first bytes in the
    /// worker, which keeps that directory for the fleet's machines.
    pub fn analyze(&self, dropped: Dropped, source: String) {
        let mut d = plan::Dropped::new(dropped.files.iter().map(|f| (f.path.clone(), f.file.size() as u64)));
        d.built_in = dropped.built_in;
        self.plan_step(dropped, d, source, false);
    }

    /// One step of the plan: read what it needs, then ask again; or open what it planned.
    fn plan_step(&self, dropped: Dropped, mut d: plan::Dropped, source: String, started: bool) {
        let need = match plan::plan(&d) {
            Step::Ready(p) => return self.open_plan(dropped, p, source),
            Step::Need(need) => need,
        };
        let bridge = self.bridge.clone();
        let in_worker = !need.listings.is_empty() || need.heads.iter().any(|h| h.member.is_some());
        let b = match bridge {
            Some(b) => b,
            // Without the worker only a file's first bytes can be read (a saved report opens).
            None if in_worker => return self.analyze_one(Rc::new(dropped), source),
            None => return self.read_heads(dropped, d, need.heads, source, started, None),
        };
        if !started && (in_worker || dropped.files.len() > 1) {
            self.dispatch.dispatch(Action::Started { source: source.clone(), files: dropped.files.len() as u32, bytes: dropped.bytes() });
        }
        let gen = b.generation();
        let (this, again) = (self.clone(), b.clone());
        if let Some(&z) = need.listings.first() {
            let file = dropped.files[z].file.clone();
            return b.list_zip(&file, move |res| {
                if again.generation() != gen {
                    return; // cancelled, or another drop meanwhile
                }
                d.listings.insert(z, res.map(|l| l.entries));
                this.plan_step(dropped, d, source, true);
            });
        }
        let (members, files): (Vec<plan::Head>, Vec<plan::Head>) = need.heads.into_iter().partition(|h| h.member.is_some());
        if members.is_empty() {
            return self.read_heads(dropped, d, files, source, true, Some(b));
        }
        let zip = dropped.files[members[0].item].file.clone();
        let names: Vec<String> = members.iter().filter_map(|h| h.member.clone()).collect();
        b.zip_heads(&zip, &names, move |res| {
            if again.generation() != gen {
                return;
            }
            // A member that cannot be read has no first bytes: it is no export.
            let heads = res.unwrap_or_default();
            for (k, h) in members.iter().enumerate() {
                d.heads.insert(h.key(&d), heads.get(k).cloned().unwrap_or_default());
            }
            this.plan_step(dropped, d, source, true);
        });
    }

    /// Read the first bytes of dropped files (a `Blob` slice each), then plan on.
    fn read_heads(&self, dropped: Dropped, mut d: plan::Dropped, heads: Vec<plan::Head>, source: String, started: bool, b: Option<Rc<Bridge>>) {
        let this = self.clone();
        let gen = b.as_ref().map(|b| b.generation());
        wasm_bindgen_futures::spawn_local(async move {
            for h in heads {
                let file = &dropped.files[h.item].file;
                let bytes = match file.slice_with_f64_and_f64(0.0, plan::HEAD_BYTES as f64) {
                    Ok(blob) => wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await.ok().map(|b| js_sys::Uint8Array::new(&b).to_vec()),
                    Err(_) => None,
                };
                d.heads.insert(h.key(&d), bytes.unwrap_or_default());
            }
            if b.as_ref().map(|b| b.generation()) != gen {
                return; // cancelled, or another drop meanwhile
            }
            this.plan_step(dropped, d, source, started);
        });
    }

    /// Open a drop as planned.
    fn open_plan(&self, dropped: Dropped, planned: Plan, source: String) {
        let f = match planned {
            Plan::Fleet(f) => f,
            Plan::Saved(i) => return self.open_saved(dropped, i, source),
            Plan::Empty | Plan::Machine(_) => return self.analyze_one(Rc::new(dropped), source),
        };
        let file = |i: usize| dropped.files[i].clone();
        let machines: Vec<FleetMachine> = f
            .machines
            .into_iter()
            .map(|m| match m.source {
                Source::Files(idx) => FleetMachine { name: m.name, bundle: m.bundle, files: idx.into_iter().map(file).collect(), inner: None },
                Source::Member { item, inner } => FleetMachine { name: m.name, bundle: m.bundle, files: vec![file(item)], inner: Some(inner) },
            })
            .collect();
        let exports: Vec<ExportFile> = f.exports.into_iter().map(|h| ExportFile { file: file(h.item), inner: h.member }).collect();
        self.fleet(machines, exports, &dropped, source);
    }

    /// A saved report (`crate::share`) is opened without logs; one that cannot be read is
    /// refused with why, the report shown staying.
    fn open_saved(&self, dropped: Dropped, item: usize, source: String) {
        let one = dropped.files[item].clone();
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(one.file.text()).await.ok().and_then(|v| v.as_string());
            let Some(text) = text else {
                return this.analyze_one(Rc::new(dropped), source);
            };
            let name = wulens_core::model::base_name(&one.path).to_string();
            match open_saved(&name, &text) {
                Ok(saved) => {
                    if let Some(b) = &this.bridge {
                        b.forget();
                    }
                    let words = saved.words(&name);
                    this.dispatch.dispatch(Action::OpenedSaved { report: Rc::new(saved.report), source: format!("saved report: {name}"), words });
                }
                Err(message) => this.dispatch.dispatch(Action::Notice(message)),
            }
        });
    }

    /// The drop's logs redacted into a zip, as a `Uint8Array`.
    pub fn redacted_zip(&self, done: impl FnOnce(Result<wasm_bindgen::JsValue, String>) + 'static) {
        match &self.bridge {
            Some(b) => b.redacted_zip(done),
            None => done(Err("no analysis is loaded".into())),
        }
    }

    /// Analyse a drop as one machine's logs, whatever it holds; the drop is kept (to follow it,
    /// read it again, or open one of its machines alone) in place of the one before.
    pub fn analyze_one(&self, dropped: Rc<Dropped>, source: String) {
        if dropped.files.is_empty() {
            let msg = if !dropped.errors.is_empty() {
                "None of the dropped files could be read."
            } else {
                "Nothing was dropped: drop log files, a folder or a zip bundle."
            };
            self.dispatch.dispatch(Action::Failed(msg.into()));
            return;
        }
        let Some(b) = &self.bridge else {
            return self.dispatch.dispatch(Action::Failed(NO_WORKER.into()));
        };
        let (bytes, followable) = (dropped.bytes(), dropped.followable());
        self.dispatch.dispatch(Action::OneMachine { drop: dropped.clone(), source, bytes, followable });
        b.analyze(&dropped);
    }

    /// Open machine `m` of `machines` (the kept drop's, split by `machines::split`) alone; the
    /// others stay a click away (`components::machines::MachineSwitch`).
    pub fn open_one_of(&self, machines: &[MachineReport], m: &FleetMachine) {
        self.dispatch.dispatch(Action::Split(machines.to_vec()));
        self.open_machine_of(m, "one machine of the drop");
    }

    /// The kept drop, analysed again as it was dropped (all its machines together).
    pub fn reopen_whole(&self, whole: &Rc<Dropped>) {
        self.analyze_one(whole.clone(), counted(whole.files.len(), "file", "files"));
    }

    /// Open the machines of a drop of several (`whole`) as a fleet: one row each, as for bundles.
    pub fn open_split_as_fleet(&self, whole: &Dropped, machines: Vec<FleetMachine>) {
        let source = format!("{} in {}", counted(machines.len(), "machine", "machines"), counted(whole.files.len(), "file", "files"));
        self.fleet(machines, Vec::new(), whole, source);
    }

    /// Analyse files picked to follow, and follow them once analysed.
    pub fn analyze_and_follow(&self, dropped: Dropped, source: String) {
        self.dispatch.dispatch(Action::FollowWhenLoaded(dropped.followable()));
        self.analyze(dropped, source);
    }

    /// Read the analysed files (`Follow::files`) again from their start: through their handles
    /// where the browser gave them; `false` when it did not (then the files must be chosen
    /// again).
    pub fn reload(&self, files: Option<&Rc<Dropped>>) -> bool {
        let Some(d) = files.filter(|d| d.followable()).cloned() else { return false };
        let services = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let read = wasm_bindgen_futures::JsFuture::from(crate::js::read_handles(&d.handles().into())).await;
            match read.map_err(|e| format!("{e:?}")).and_then(Dropped::read) {
                Ok(mut again) => {
                    again.errors.extend(d.errors.iter().cloned());
                    let n = again.files.len();
                    services.analyze(again, format!("{} read again", counted(n, "file", "files")));
                }
                Err(e) => services.dispatch.dispatch(Action::Failed(format!("the files could not be read again: {e}"))),
            }
        });
        true
    }

    /// Analyse each machine of a fleet in the worker; the fleet page opens when all are done.
    fn fleet(&self, machines: Vec<FleetMachine>, exports: Vec<ExportFile>, dropped: &Dropped, source: String) {
        let Some(b) = &self.bridge else {
            return self.dispatch.dispatch(Action::Failed(NO_WORKER.into()));
        };
        b.fleet(&machines, &exports);
        self.dispatch.dispatch(Action::FleetStarted { machines, source, bytes: dropped.bytes() });
    }

    /// Open one machine of the fleet: its files are read again into a normal analysis (its
    /// report and log viewer); the fleet's rows stay.
    pub fn open_machine(&self, m: &FleetMachine) {
        self.open_machine_of(m, "from the fleet");
    }

    /// Open one machine's files alone (`origin`: where it came from, in words, for the source
    /// line); the drop they came from stays kept.
    fn open_machine_of(&self, m: &FleetMachine, origin: &str) {
        let Some(b) = &self.bridge else {
            return self.dispatch.dispatch(Action::Failed(NO_WORKER.into()));
        };
        let bytes = m.files.iter().map(|f| f.file.size()).sum();
        let (name, source, count) = (m.name.clone(), format!("{} ({origin})", m.name), m.files.len() as u32);
        match &m.inner {
            Some(inner) => {
                self.dispatch.dispatch(Action::OpenMachine { name, source, count, bytes, files: None, followable: false });
                b.analyze_member(&m.files[0], inner)
            }
            None => {
                let d = Rc::new(Dropped { files: m.files.clone(), ..Dropped::default() });
                self.dispatch.dispatch(Action::OpenMachine { name, source, count, bytes, files: Some(d.clone()), followable: d.followable() });
                b.analyze(&d);
            }
        }
    }

    pub fn cancel(&self) {
        if let Some(b) = &self.bridge {
            b.cancel();
        }
        self.dispatch.dispatch(Action::Cancelled);
    }

    /// Ask the worker; `done` gets the answer as the type expected (`request::<Rows>(...)`).
    pub fn request<T: Answer + 'static>(&self, request: Request, done: impl FnOnce(Result<T, String>) + 'static) {
        match &self.bridge {
            Some(b) => b.request(&request, done),
            None => done(Err("no analysis is loaded".into())),
        }
    }
}

/// Start the worker, whose events become actions: once, at load (analysing later makes no
/// network request); `None` when it cannot start (the page says so when asked to analyse).
pub fn start_worker(dispatch: UseReducerDispatcher<AppState>) -> Option<Rc<Bridge>> {
    let on_event = Callback::from(move |e: WorkerEvent| {
        dispatch.dispatch(match e {
            WorkerEvent::Ready(warm_ms, scanners) => Action::WorkerReady(warm_ms, scanners),
            WorkerEvent::Progress(p) => Action::Progress(p),
            WorkerEvent::Report(r) => Action::Loaded(r),
            WorkerEvent::Fleet(rows, wufb, zip) => Action::FleetRows { rows, wufb, zip },
            WorkerEvent::Failed(m) => Action::Failed(m),
            WorkerEvent::Following(paths, total) => Action::Following(paths, total),
            WorkerEvent::Grew(g) => Action::Grew(g, js_sys::Date::now()),
        })
    });
    Bridge::start(on_event).map_err(|e| web_sys::console::error_1(&e.into())).ok()
}
