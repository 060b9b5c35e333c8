//! Application state: what phase the analysis is in and the report it produced.
//! A `use_reducer` store; pure logic, tested natively.

use std::rc::Rc;

use yew::Reducible;

use wulens_core::Report;

use crate::fleet::Fleet;
use crate::messages::{Growth, Progress};

#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Idle,
    Loading(Progress),
    Ready,
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
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
    /// The fleet machine whose report is shown (the report page links back to the fleet).
    pub machine: Option<String>,
    /// The report was opened from a saved report (`crate::share`): the banner's words. Its
    /// logs are not here.
    pub saved: Option<String>,
    /// A file the page refused without changing anything (a saved report it cannot read).
    pub notice: Option<String>,
}

/// Following growing logs (browsers with the File System Access API).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Follow {
    /// The analysed files can be read again as they grow (they came with handles).
    pub available: bool,
    /// The analysed files came from the user (not a sample): Reload can ask for them again.
    pub reloadable: bool,
    /// Following was asked for (the worker confirms with `paths`).
    pub on: bool,
    /// The files followed, as dropped.
    pub paths: Vec<String>,
    /// Files that could not be read again, with why.
    pub problems: Vec<String>,
    /// Bumped on every growth: views refresh what they show.
    pub revision: u32,
    /// Rows in the viewer's view and in all, after the last growth.
    pub rows: Option<(usize, usize)>,
    /// Rows in all when following began (to say how many were added since).
    pub base: usize,
    /// When the files last grew (`Date.now()`).
    pub last_change: Option<f64>,
    /// Reports built while following: the report page is drawn anew for each.
    pub reports: u32,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            phase: Phase::Idle,
            report: None,
            generation: 0,
            source: String::new(),
            follow: Follow::default(),
            fleet: None,
            machine: None,
            saved: None,
            notice: None,
        }
    }
}

pub enum Action {
    Started {
        source: String,
        files: u32,
        bytes: f64,
    },
    Progress(Progress),
    Loaded(Rc<Report>),
    /// The same analysis with new time-zone offsets: the timeline was re-ordered.
    Updated(Rc<Report>),
    Failed(String),
    Cancelled,
    /// Whether the analysis being started can be followed, and read again at all (dropped or
    /// chosen files, not a sample).
    Followable(bool, bool),
    /// Following asked for (`true`) or stopped.
    Follow(bool),
    /// The worker follows these files; the rows in all at that moment.
    Following(Vec<String>, usize),
    /// Followed files grew.
    Grew(Growth, f64),
    /// A fleet's rows: the fleet page replaces the previous report.
    FleetLoaded(Rc<Fleet>),
    /// The analysis just started is this fleet machine's (after `Started`).
    Machine(String),
    /// A saved report opened, without its logs; `words` say so.
    OpenedSaved {
        report: Rc<Report>,
        source: String,
        words: String,
    },
    /// A file refused with a message; the report shown stays.
    Notice(String),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Followable(available, reloadable) => s.follow = Follow { available, reloadable, ..Follow::default() },
            Action::Follow(on) => {
                s.follow.on = on && s.follow.available;
                if !on {
                    s.follow.paths.clear();
                    s.follow.problems.clear();
                }
            }
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
            Action::Started { source, files, bytes } => {
                s.phase = Phase::Loading(Progress { phase: "read".into(), files, total: bytes, ..Progress::default() });
                s.source = source;
                s.generation += 1;
                s.machine = None;
                s.saved = None;
                s.notice = None;
            }
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
            }
            Action::Updated(r) => {
                s.report = Some(r);
                s.generation += 1;
            }
            Action::Failed(m) => s.phase = Phase::Failed(m),
            Action::Cancelled => {
                s.phase = if s.report.is_some() || s.fleet.is_some() { Phase::Ready } else { Phase::Idle };
                s.generation += 1;
            }
            Action::FleetLoaded(f) => {
                s.phase = Phase::Ready;
                s.fleet = Some(f);
                s.report = None;
                s.machine = None;
            }
            Action::Machine(m) => s.machine = Some(m),
            Action::OpenedSaved { report, source, words } => {
                s = AppState { generation: s.generation + 1, ..AppState::default() };
                s.phase = Phase::Ready;
                s.report = Some(report);
                s.source = source;
                s.saved = Some(words);
            }
            Action::Notice(m) => s.notice = Some(m),
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle() {
        let s = Rc::new(AppState::default());
        let s = s.reduce(Action::Started { source: "2 files".into(), files: 2, bytes: 100.0 });
        assert!(matches!(s.phase, Phase::Loading(_)));
        assert_eq!(s.generation, 1);
        let s = s.reduce(Action::Progress(Progress { done: 50.0, total: 100.0, ..Progress::default() }));
        let Phase::Loading(p) = &s.phase else { panic!() };
        assert_eq!(p.fraction(), 0.5);
        let empty = Report::build(&wulens_core::Analysis::from_inputs(Vec::new(), &wulens_core::Limits::default()));
        let s = s.reduce(Action::Loaded(Rc::new(empty)));
        assert_eq!(s.phase, Phase::Ready);
        let s = s.reduce(Action::Progress(Progress::default()));
        assert_eq!(s.phase, Phase::Ready, "stale progress ignored");
        let s = s.reduce(Action::Started { source: "x".into(), files: 1, bytes: 1.0 }).reduce(Action::Cancelled);
        assert_eq!(s.phase, Phase::Ready, "cancel keeps the previous report");
        assert_eq!(s.generation, 3);
    }

    #[test]
    fn a_saved_report_replaces_the_drop_and_a_refused_file_changes_nothing() {
        let empty = || Rc::new(Report::build(&wulens_core::Analysis::from_inputs(Vec::new(), &wulens_core::Limits::default())));
        let s = Rc::new(AppState::default()).reduce(Action::Started { source: "drop".into(), files: 1, bytes: 1.0 }).reduce(Action::Loaded(empty()));
        let s = s.reduce(Action::Notice("x.wulens.json is not a wulens saved report".into()));
        assert_eq!((s.phase.clone(), s.report.is_some(), s.source.as_str()), (Phase::Ready, true, "drop"), "a refused file loses nothing");
        let s = s.reduce(Action::OpenedSaved { report: empty(), source: "saved report".into(), words: "Opened from a saved report".into() });
        assert_eq!((s.phase.clone(), s.saved.is_some(), s.notice.is_none(), s.follow.available), (Phase::Ready, true, true, false));
        let s = s.reduce(Action::Started { source: "drop".into(), files: 1, bytes: 1.0 });
        assert_eq!(s.saved, None, "a new drop is no saved report");
    }

    #[test]
    fn a_fleet_stays_while_its_machines_open() {
        let rows =
            vec![wulens_core::fleet::MachineRow::unreadable("PC-1", "PC-1.zip", "x"), wulens_core::fleet::MachineRow::unreadable("PC-2", "PC-2.zip", "x")];
        let s = Rc::new(AppState::default()).reduce(Action::Started { source: "fleet".into(), files: 2, bytes: 2.0 });
        let s = s.reduce(Action::FleetLoaded(Rc::new(Fleet::new(rows, Vec::new(), "2 bundles".into()))));
        assert_eq!((s.phase.clone(), s.report.is_none()), (Phase::Ready, true));
        let s = s.reduce(Action::Started { source: "PC-1".into(), files: 1, bytes: 1.0 }).reduce(Action::Machine("PC-1".into()));
        assert_eq!(s.machine.as_deref(), Some("PC-1"));
        let s = s.reduce(Action::Cancelled);
        assert_eq!(s.phase, Phase::Ready, "cancelling a machine returns to the fleet");
        let empty = Report::build(&wulens_core::Analysis::from_inputs(Vec::new(), &wulens_core::Limits::default()));
        let s = s
            .reduce(Action::Started { source: "PC-2".into(), files: 1, bytes: 1.0 })
            .reduce(Action::Machine("PC-2".into()))
            .reduce(Action::Loaded(Rc::new(empty)));
        assert_eq!((s.machine.as_deref(), s.fleet.as_ref().map(|f| f.rows.len())), (Some("PC-2"), Some(2)));
        assert_eq!(s.reduce(Action::Started { source: "drop".into(), files: 1, bytes: 1.0 }).machine, None, "a new drop is no fleet machine");
    }
}
