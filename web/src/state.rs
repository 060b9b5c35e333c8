//! The page's state: the analysis's phase, the report or fleet it produced, and what was dropped
//! (kept to follow it, read it again, or open its machines one at a time). One `use_reducer`
//! store, changed only by typed `Action`s; pure logic, tested natively (`state/tests.rs`).
//! What the page does after a change (go to a page, tell the worker to follow, mark `#app` for
//! the tests) is asked here (`Ask`, `worker`, `Fleet::zip`) and done by the app's effects
//! (`effects.rs`), never by the reducer.

use std::rc::Rc;

use yew::Reducible;

use wulens_core::fleet::MachineRow;
use wulens_core::report::MachineReport;
use wulens_core::wufb::WufbSection;
use wulens_core::Report;
use wulens_wasm::protocol::ZipReads;

use crate::fleet::Fleet;
use crate::messages::{Dropped, FleetMachine, Growth, Progress};
use crate::route::FleetQuery;

mod ask;
mod follow;
#[cfg(test)]
mod tests;

pub use ask::{Ask, FollowOrder, Goto};
pub use follow::Follow;

#[derive(Clone, Debug, PartialEq, Default)]
pub enum Phase {
    #[default]
    Idle,
    Loading(Progress),
    Ready,
    Failed(String),
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct AppState {
    pub phase: Phase,
    pub report: Option<Rc<Report>>,
    /// Bumped for every new analysis, so views drop what they cached from the previous one.
    pub generation: u32,
    /// What was analysed, in words ("3 files", "sample: broken scan").
    pub source: String,
    /// Following the analysed files as they grow.
    pub follow: Follow,
    /// The last fleet dropped: kept while its machines' reports are opened.
    pub fleet: Option<Rc<Fleet>>,
    /// The fleet table's last sort and filters (its route's): the way back to the fleet
    /// restores them.
    pub fleet_query: FleetQuery,
    /// The fleet machine whose report is shown (the report page links back to the fleet).
    pub machine: Option<String>,
    /// The report was opened from a saved report (`crate::share`): the banner's words. Its
    /// logs are not here.
    pub saved: Option<String>,
    /// A file the page refused without changing anything (a saved report it cannot read).
    pub notice: Option<String>,
    /// The last drop analysed as one machine's logs, kept whole while one of the machines it
    /// holds is opened alone: the others open from it without dropping it again.
    pub whole: Option<Rc<Dropped>>,
    /// The machines of `whole` while one of them is open alone (to open another).
    pub split: Vec<MachineReport>,
    /// The fleet being analysed, until its rows arrive (together, in the same order).
    pub pending_fleet: Option<PendingFleet>,
    /// Start following as soon as the analysis in progress ends (files picked to follow).
    pub follow_when_loaded: bool,
    /// Where the page goes once drawn.
    pub goto: Ask<Goto>,
    /// What the worker is told about following once the page is drawn.
    pub tell: Ask<FollowOrder>,
    /// The worker said it is ready: how long its warm-up took (`None`: it failed), how many
    /// scanning workers it has (marked on `#app` for the tests and the bench).
    pub worker: Option<(Option<f64>, u32)>,
}

/// A fleet handed to the worker: its machines (their rows will come in this order) and what
/// was dropped, in words.
#[derive(Clone, PartialEq)]
pub struct PendingFleet {
    pub machines: Rc<Vec<FleetMachine>>,
    pub source: String,
}

impl std::fmt::Debug for PendingFleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PendingFleet({} machines, {})", self.machines.len(), self.source)
    }
}

pub enum Action {
    /// An analysis begins (the drop plan reads what it needs first).
    Started {
        source: String,
        files: u32,
        bytes: f64,
    },
    Progress(Progress),
    /// The analysis's report: shown, and followed if that was asked.
    Loaded(Rc<Report>),
    /// The same analysis with new time-zone offsets: the timeline was re-ordered.
    Updated(Rc<Report>),
    Failed(String),
    Cancelled,
    /// A drop analysed as one machine's logs: it replaces the drop kept before, to follow,
    /// read again, or open one of its machines; `followable`: some of its files have handles.
    OneMachine {
        drop: Rc<Dropped>,
        source: String,
        bytes: f64,
        followable: bool,
    },
    /// The machines of the kept drop, one of which opens alone next (`OpenMachine`).
    Split(Vec<MachineReport>),
    /// One machine's files analysed alone (a fleet's, or one of a drop of several); `files` is
    /// `None` for a machine inside a zip of bundles (nothing to follow or read again).
    OpenMachine {
        name: String,
        source: String,
        count: u32,
        bytes: f64,
        files: Option<Rc<Dropped>>,
        followable: bool,
    },
    /// A fleet's machines handed to the worker, `bytes` dropped.
    FleetStarted {
        machines: Vec<FleetMachine>,
        source: String,
        bytes: f64,
    },
    /// A fleet's rows (one per machine, in order), its Windows Update for Business reports
    /// section, and what reading its zip of bundles cost: the fleet page replaces the report.
    FleetRows {
        rows: Vec<MachineRow>,
        wufb: Option<Rc<WufbSection>>,
        zip: Option<ZipReads>,
    },
    /// The fleet page was shown with this sort and these filters.
    FleetShown(FleetQuery),
    /// Start following once the analysis in progress ends.
    FollowWhenLoaded(bool),
    /// Following asked for (`true`) or stopped.
    Follow(bool),
    /// The worker follows these files; the rows in all at that moment.
    Following(Vec<String>, usize),
    /// Followed files grew.
    Grew(Growth, f64),
    /// A saved report opened, without its logs; `words` say so.
    OpenedSaved {
        report: Rc<Report>,
        source: String,
        words: String,
    },
    /// A file refused with a message; the report shown stays.
    Notice(String),
    /// The worker is ready: its warm-up's ms (`None`: it failed), its scanning workers.
    WorkerReady(Option<f64>, u32),
}

impl AppState {
    fn start(&mut self, source: String, files: u32, bytes: f64) {
        self.phase = Phase::Loading(Progress { phase: "read".into(), files, total: bytes, ..Progress::default() });
        self.source = source;
        self.generation += 1;
        self.machine = None;
        self.saved = None;
        self.notice = None;
    }

    /// Following asked for or stopped: only files with handles can be followed; the worker is
    /// told either way.
    fn follow(&mut self, on: bool) {
        self.follow.on = on && self.follow.available;
        if !self.follow.on {
            self.follow.paths.clear();
            self.follow.problems.clear();
        }
        let order = match (&self.follow.files, self.follow.on) {
            (Some(d), true) => FollowOrder::Follow(d.clone()),
            _ => FollowOrder::Stop,
        };
        self.tell.ask(order);
    }

    fn fleet_rows(&mut self, rows: Vec<MachineRow>, wufb: Option<Rc<WufbSection>>, zip: Option<ZipReads>) {
        match self.pending_fleet.take() {
            Some(p) if p.machines.len() == rows.len() => {
                let fleet = Fleet { wufb, zip, ..Fleet::new(rows, p.machines, p.source) };
                self.phase = Phase::Ready;
                self.fleet = Some(Rc::new(fleet));
                self.report = None;
                self.machine = None;
                self.goto.ask(Goto::Fleet);
            }
            _ => self.phase = Phase::Failed("the fleet's rows do not match its machines; drop the bundles again".into()),
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Follow(on) => s.follow(on),
            Action::Following(paths, base) => {
                if !s.follow.on {
                    return self;
                }
                s.follow.paths = paths;
                s.follow.base = base;
            }
            Action::Grew(g, now) => {
                if !s.follow.on {
                    return self;
                }
                s.follow.problems = g.problems;
                if let (Some(count), Some(total)) = (g.count, g.total) {
                    s.follow.rows = Some((count, total));
                    s.follow.revision += 1;
                    s.follow.last_change = Some(now);
                }
                if let Some(r) = g.report {
                    s.report = Some(r);
                    s.follow.reports += 1;
                }
            }
            Action::FollowWhenLoaded(on) => s.follow_when_loaded = on,
            Action::Started { source, files, bytes } => s.start(source, files, bytes),
            Action::OneMachine { drop, source, bytes, followable } => {
                s.start(source, drop.files.len() as u32, bytes);
                s.follow = Follow { files: Some(drop.clone()), available: followable, reloadable: !drop.built_in, ..Follow::default() };
                s.whole = Some(drop);
                s.split.clear();
            }
            Action::Split(machines) => s.split = machines,
            Action::OpenMachine { name, source, count, bytes, files, followable } => {
                s.start(source, count, bytes);
                s.machine = Some(name);
                s.follow = Follow { reloadable: files.is_some(), files, available: followable, ..Follow::default() };
                s.goto.ask(Goto::ReportFromTop);
            }
            Action::FleetStarted { machines, source, bytes } => {
                let n = machines.len() as u32;
                s.start(source.clone(), n, bytes);
                s.follow = Follow::default();
                s.phase = Phase::Loading(Progress { phase: "machine".into(), files: n, total: n as f64, ..Progress::default() });
                s.pending_fleet = Some(PendingFleet { machines: Rc::new(machines), source });
            }
            Action::FleetRows { rows, wufb, zip } => s.fleet_rows(rows, wufb, zip),
            Action::FleetShown(q) => s.fleet_query = q,
            Action::Progress(p) => {
                // Late progress from a cancelled run must not bring the bar back.
                if matches!(s.phase, Phase::Loading(_)) {
                    s.phase = Phase::Loading(p);
                } else {
                    return self;
                }
            }
            Action::Loaded(r) => {
                s.phase = Phase::Ready;
                s.report = Some(r);
                s.goto.ask(Goto::ReportUnlessViewing);
                if std::mem::take(&mut s.follow_when_loaded) {
                    s.follow(true);
                }
            }
            Action::Updated(r) => {
                s.report = Some(r);
                s.generation += 1;
            }
            Action::Failed(m) => s.phase = Phase::Failed(m),
            Action::Cancelled => {
                s.phase = if s.report.is_some() || s.fleet.is_some() { Phase::Ready } else { Phase::Idle };
                s.generation += 1;
                // A cancelled fleet's rows never come.
                s.pending_fleet = None;
            }
            Action::OpenedSaved { report, source, words } => {
                // Nothing of the drop before stays (the worker forgot it); the requests to the
                // effects go on counting.
                let (generation, goto, tell, worker) = (s.generation + 1, s.goto, s.tell, s.worker);
                s = AppState { generation, goto, tell, worker, ..AppState::default() };
                s.phase = Phase::Ready;
                s.report = Some(report);
                s.source = source;
                s.saved = Some(words);
                s.goto.ask(Goto::Report);
            }
            Action::Notice(m) => s.notice = Some(m),
            Action::WorkerReady(warm_ms, scanners) => s.worker = Some((warm_ms, scanners)),
        }
        Rc::new(s)
    }
}
