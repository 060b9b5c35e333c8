//! What components need from the app: the analysis worker and the store. Components take a
//! `Services` from the context; they never import `app.rs` (a test checks it).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wulens_core::input::plan::{self, Plan, Source, Step};
use wulens_core::report::MachineReport;
use wulens_wasm::protocol::{Answer, Request};
use yew::prelude::*;

use crate::bridge::{Bridge, Dropped, WorkerEvent};
use crate::fleet::Fleet;
use crate::machines::{files_words, pick};
use crate::messages::{ExportFile, Machine, Progress};
use crate::nav::{current_route, navigate};
use crate::route::{FleetQuery, Route};
use crate::share::open_saved;
use crate::state::{Action, AppState};

/// The machines of a fleet being analysed, and what was dropped, in words.
pub type PendingFleet = Rc<RefCell<Option<(Vec<Machine>, String)>>>;

#[derive(Clone)]
pub struct Services {
    pub bridge: Rc<RefCell<Option<Rc<Bridge>>>>,
    pub dispatch: UseReducerDispatcher<AppState>,
    /// The last drop analysed (its File objects and handles, not their text): to follow it or
    /// read it again.
    pub last_drop: Rc<RefCell<Option<Dropped>>>,
    /// Start following as soon as the analysis in progress ends (files picked to follow).
    pub follow_when_loaded: Rc<Cell<bool>>,
    /// The machines of the fleet being analysed, with what was dropped: their rows arrive
    /// together, in the same order.
    pub pending_fleet: PendingFleet,
    /// The last drop analysed as one machine's logs, kept whole while one of the machines it
    /// holds is opened alone: the others can be opened from it without dropping it again.
    pub whole_drop: Rc<RefCell<Option<Dropped>>>,
    /// The machines of `whole_drop` while one of them is open alone (to open another).
    pub split_machines: Rc<RefCell<Vec<MachineReport>>>,
}

impl PartialEq for Services {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.bridge, &other.bridge)
    }
}

impl Services {
    /// Analyse a drop as core's drop plan says (`wulens_core::plan`, `wulens fleet`'s too): a
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
        let bridge = self.bridge.borrow().clone();
        let in_worker = !need.listings.is_empty() || need.heads.iter().any(|h| h.member.is_some());
        let b = match bridge {
            Some(b) => b,
            // Without the worker only a file's first bytes can be read (a saved report opens).
            None if in_worker => return self.analyze_one(dropped, source),
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
            Plan::Empty | Plan::Machine(_) => return self.analyze_one(dropped, source),
        };
        let file = |i: usize| dropped.files[i].clone();
        let machines: Vec<Machine> = f
            .machines
            .into_iter()
            .map(|m| match m.source {
                Source::Files(idx) => Machine { name: m.name, bundle: m.bundle, files: idx.into_iter().map(file).collect(), inner: None },
                Source::Member { item, inner } => Machine { name: m.name, bundle: m.bundle, files: vec![file(item)], inner: Some(inner) },
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
                return this.analyze_one(dropped, source);
            };
            let name = wulens_core::model::base_name(&one.path).to_string();
            match open_saved(&name, &text) {
                Ok(saved) => {
                    if let Some(b) = this.bridge.borrow().as_ref() {
                        b.forget();
                    }
                    this.last_drop.borrow_mut().take();
                    this.whole_drop.borrow_mut().take();
                    let words = saved.words(&name);
                    this.dispatch.dispatch(Action::OpenedSaved { report: Rc::new(saved.report), source: format!("saved report: {name}"), words });
                    navigate(&Route::Report);
                }
                Err(message) => this.dispatch.dispatch(Action::Notice(message)),
            }
        });
    }

    /// The drop's logs redacted into a zip, as a `Uint8Array`.
    pub fn redacted_zip(&self, done: impl FnOnce(Result<wasm_bindgen::JsValue, String>) + 'static) {
        let bridge = self.bridge.borrow().clone();
        match bridge {
            Some(b) => b.redacted_zip(done),
            None => done(Err("no analysis is loaded".into())),
        }
    }

    /// Analyse a drop as one machine's logs, whatever it holds.
    pub fn analyze_one(&self, dropped: Dropped, source: String) {
        let count = dropped.files.len() as u32;
        if count == 0 {
            let msg = if !dropped.errors.is_empty() {
                "None of the dropped files could be read."
            } else {
                "Nothing was dropped: drop log files, a folder or a zip bundle."
            };
            self.dispatch.dispatch(Action::Failed(msg.into()));
            return;
        }
        let Some(b) = self.bridge.borrow().clone() else {
            self.dispatch.dispatch(Action::Failed("the analysis worker is not running; reload the page".into()));
            return;
        };
        self.dispatch.dispatch(Action::Started { source, files: count, bytes: dropped.bytes() });
        self.dispatch.dispatch(Action::Followable(dropped.followable(), !dropped.built_in));
        b.analyze(&dropped);
        *self.whole_drop.borrow_mut() = Some(dropped.clone());
        self.split_machines.borrow_mut().clear();
        *self.last_drop.borrow_mut() = Some(dropped);
    }

    /// The machines a report names, as the fleet's machines: each with its files of the drop
    /// kept whole (`None`: the drop is gone, or a machine's files cannot be read apart).
    pub fn split(&self, machines: &[MachineReport]) -> Option<Vec<Machine>> {
        let drop = self.whole_drop.borrow();
        let d = drop.as_ref()?;
        let paths: Vec<String> = d.files.iter().map(|f| f.path.clone()).collect();
        machines
            .iter()
            .map(|m| {
                let p = pick(&paths, m)?;
                let bundle = match &p.inner {
                    Some(inner) => format!("{}/{inner}", paths[p.files[0]]),
                    None => m.files.first().cloned().unwrap_or_default(),
                };
                Some(Machine { name: m.label.clone(), bundle, files: p.files.iter().map(|&i| d.files[i].clone()).collect(), inner: p.inner })
            })
            .collect()
    }

    /// Open machine `m` of `machines` (the drop's, split by `split`) alone; the others stay a
    /// click away (`components::machines::MachineSwitch`).
    pub fn open_one_of(&self, machines: &[MachineReport], m: &Machine) {
        *self.split_machines.borrow_mut() = machines.to_vec();
        self.open_machine_of(m, "one machine of the drop");
    }

    /// The drop kept whole, analysed again as it was dropped (all its machines together).
    pub fn reopen_whole(&self) {
        let Some(d) = self.whole_drop.borrow().clone() else { return };
        let source = files_words(d.files.len());
        self.analyze_one(d, source);
    }

    /// Open the machines of a drop of several as a fleet: one row each, as for bundles.
    pub fn open_split_as_fleet(&self, machines: Vec<Machine>) {
        let Some(d) = self.whole_drop.borrow().clone() else { return };
        let source = format!("{} machines in {}", machines.len(), files_words(d.files.len()));
        self.fleet(machines, Vec::new(), &d, source);
    }

    /// Analyse files picked to follow, and follow them once analysed.
    pub fn analyze_and_follow(&self, dropped: Dropped, source: String) {
        self.follow_when_loaded.set(dropped.followable());
        self.analyze(dropped, source);
    }

    /// Follow the analysed files as they grow (`false`: stop).
    pub fn follow(&self, on: bool) {
        let Some(b) = self.bridge.borrow().clone() else { return };
        let drop = self.last_drop.borrow();
        match (on, drop.as_ref()) {
            (true, Some(d)) if d.followable() => {
                self.dispatch.dispatch(Action::Follow(true));
                b.follow(d);
            }
            _ => {
                self.dispatch.dispatch(Action::Follow(false));
                b.unfollow();
            }
        }
    }

    /// Read the analysed files again from their start: through their handles where the browser
    /// gave them; `false` when it did not (then the files must be chosen again).
    pub fn reload(&self) -> bool {
        let Some(d) = self.last_drop.borrow().clone() else { return false };
        if !d.followable() {
            return false;
        }
        let services = self.clone();
        let was_following = self.follow_when_loaded.get();
        wasm_bindgen_futures::spawn_local(async move {
            let read = wasm_bindgen_futures::JsFuture::from(crate::js::read_handles(&d.handles().into())).await;
            match read.map_err(|e| format!("{e:?}")).and_then(Dropped::read) {
                Ok(mut again) => {
                    again.errors.extend(d.errors.iter().cloned());
                    let n = again.files.len();
                    services.follow_when_loaded.set(was_following);
                    services.analyze(again, format!("{} read again", wulens_core::model::counted(n, "file", "files")));
                }
                Err(e) => services.dispatch.dispatch(Action::Failed(format!("the files could not be read again: {e}"))),
            }
        });
        true
    }

    /// Analyse each machine of a fleet in the worker; the fleet page opens when all are done.
    fn fleet(&self, machines: Vec<Machine>, exports: Vec<ExportFile>, dropped: &Dropped, source: String) {
        let Some(b) = self.bridge.borrow().clone() else {
            self.dispatch.dispatch(Action::Failed("the analysis worker is not running; reload the page".into()));
            return;
        };
        let n = machines.len() as u32;
        self.dispatch.dispatch(Action::Started { source: source.clone(), files: n, bytes: dropped.bytes() });
        self.dispatch.dispatch(Action::Followable(false, false));
        self.dispatch.dispatch(Action::Progress(Progress { phase: "machine".into(), files: n, total: n as f64, ..Progress::default() }));
        b.fleet(&machines, &exports);
        *self.pending_fleet.borrow_mut() = Some((machines, source));
    }

    /// Open one machine of the fleet: its files are read again into a normal analysis (its
    /// report and log viewer); the fleet's rows stay.
    pub fn open_machine(&self, m: &Machine) {
        self.open_machine_of(m, "from the fleet");
    }

    /// Open one machine's files alone (`origin`: where it came from, in words, for the source
    /// line); the drop they came from stays kept.
    pub fn open_machine_of(&self, m: &Machine, origin: &str) {
        let Some(b) = self.bridge.borrow().clone() else {
            self.dispatch.dispatch(Action::Failed("the analysis worker is not running; reload the page".into()));
            return;
        };
        let bytes = m.files.iter().map(|f| f.file.size()).sum();
        self.dispatch.dispatch(Action::Started { source: format!("{} ({origin})", m.name), files: m.files.len() as u32, bytes });
        self.dispatch.dispatch(Action::Machine(m.name.clone()));
        match &m.inner {
            Some(inner) => {
                self.dispatch.dispatch(Action::Followable(false, false));
                *self.last_drop.borrow_mut() = None;
                b.analyze_member(&m.files[0], inner)
            }
            None => {
                let d = Dropped { files: m.files.clone(), ..Dropped::default() };
                self.dispatch.dispatch(Action::Followable(d.followable(), true));
                b.analyze(&d);
                *self.last_drop.borrow_mut() = Some(d);
            }
        }
        navigate(&Route::Report);
        // The report opens at its top, not where the table was scrolled to.
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    }

    pub fn cancel(&self) {
        if let Some(b) = self.bridge.borrow().as_ref() {
            b.cancel();
        }
        self.dispatch.dispatch(Action::Cancelled);
    }

    /// Ask the worker; `done` gets the answer as the type expected (`request::<Rows>(...)`).
    pub fn request<T: Answer + 'static>(&self, request: Request, done: impl FnOnce(Result<T, String>) + 'static) {
        let bridge = self.bridge.borrow().clone();
        match bridge {
            Some(b) => b.request(&request, done),
            None => done(Err("no analysis is loaded".into())),
        }
    }

    /// Start the worker once, at load: analysing later makes no network request.
    pub fn start_worker(&self) {
        let dispatch = self.dispatch.clone();
        let services = self.clone();
        let pending = self.pending_fleet.clone();
        let on_event = Callback::from(move |e: WorkerEvent| match e {
            WorkerEvent::Fleet(rows, wufb, zip) => match pending.borrow_mut().take() {
                Some((machines, source)) if machines.len() == rows.len() => {
                    // For the tests and the bench: a zip of bundles' directory is read once,
                    // its bytes about once.
                    if let (Some(z), Some(el)) = (zip, web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"))) {
                        let _ = el.set_attribute("data-zip-opens", &z.opens.to_string());
                        let _ = el.set_attribute("data-zip-read", &format!("{:.3}", z.fetched / z.size.max(1.0)));
                    }
                    let fleet = Fleet { wufb, ..Fleet::new(rows, machines, source) };
                    dispatch.dispatch(Action::FleetLoaded(Rc::new(fleet)));
                    navigate(&Route::Fleet(FleetQuery::default()));
                }
                _ => dispatch.dispatch(Action::Failed("the fleet's rows do not match its machines; drop the bundles again".into())),
            },
            WorkerEvent::Ready(warm_ms, scanners) => {
                if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
                    let _ = el.set_attribute("data-worker", "ready");
                    // For the tests and the bench: whether (and how long) the worker warmed up,
                    // and how many scanning workers share big files' pieces.
                    let _ = el.set_attribute("data-warm-ms", &warm_ms.map_or("failed".to_string(), |ms| format!("{ms:.0}")));
                    let _ = el.set_attribute("data-scanners", &scanners.to_string());
                }
            }
            WorkerEvent::Progress(p) => dispatch.dispatch(Action::Progress(p)),
            WorkerEvent::Report(r) => {
                dispatch.dispatch(Action::Loaded(r));
                if services.follow_when_loaded.replace(false) {
                    services.follow(true);
                }
                // Logs dropped again on a viewer link (after a reload) open with its filters.
                if !matches!(current_route(), Route::Log(_)) {
                    navigate(&Route::Report);
                }
            }
            WorkerEvent::Failed(m) => dispatch.dispatch(Action::Failed(m)),
            WorkerEvent::Following(paths, total) => dispatch.dispatch(Action::Following(paths, total)),
            WorkerEvent::Grew(g) => dispatch.dispatch(Action::Grew(g, js_sys::Date::now())),
        });
        match Bridge::start(on_event) {
            Ok(b) => *self.bridge.borrow_mut() = Some(b),
            Err(e) => web_sys::console::error_1(&e.into()),
        }
    }
}
