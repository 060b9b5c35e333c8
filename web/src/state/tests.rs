//! The reducer's actions, each on the state it changes.

use std::rc::Rc;

use yew::Reducible;

use wulens_core::fleet::MachineRow;
use wulens_core::report::MachineReport;
use wulens_core::Report;

use super::{Action, AppState, FollowOrder, Goto, Phase};
use crate::messages::{DropError, Dropped, FleetMachine, Progress};
use crate::route::FleetQuery;

fn empty() -> Rc<Report> {
    Rc::new(Report::build(&wulens_core::Analysis::from_inputs(Vec::new(), &wulens_core::Limits::default())))
}

/// A drop told apart by its one error's path (a `File` needs a browser).
fn drop_named(name: &str, built_in: bool) -> Rc<Dropped> {
    Rc::new(Dropped { files: Vec::new(), errors: vec![DropError { path: name.into(), message: String::new() }], built_in })
}

fn one_machine(s: Rc<AppState>, drop: &Rc<Dropped>, followable: bool) -> Rc<AppState> {
    s.reduce(Action::OneMachine { drop: drop.clone(), source: "drop".into(), bytes: 1.0, followable })
}

fn machine(name: &str) -> FleetMachine {
    FleetMachine { name: name.into(), bundle: format!("{name}.zip"), files: Vec::new(), inner: None }
}

fn fleet_started(s: Rc<AppState>, names: &[&str]) -> Rc<AppState> {
    s.reduce(Action::FleetStarted { machines: names.iter().map(|n| machine(n)).collect(), source: "bundles".into(), bytes: 2.0 })
}

fn rows(names: &[&str]) -> Action {
    Action::FleetRows { rows: names.iter().map(|n| MachineRow::unreadable(n, &format!("{n}.zip"), "x")).collect(), wufb: None, zip: None }
}

fn kept(d: &Option<Rc<Dropped>>, want: &Rc<Dropped>) -> bool {
    d.as_ref().is_some_and(|d| Rc::ptr_eq(d, want))
}

#[test]
fn lifecycle() {
    let s = Rc::new(AppState::default());
    let s = s.reduce(Action::Started { source: "2 files".into(), files: 2, bytes: 100.0 });
    assert!(matches!(s.phase, Phase::Loading(_)));
    assert_eq!(s.generation, 1);
    let s = s.reduce(Action::Progress(Progress { done: 50.0, total: 100.0, ..Progress::default() }));
    let Phase::Loading(p) = &s.phase else { panic!() };
    assert_eq!(p.fraction(), 0.5);
    let s = s.reduce(Action::Loaded(empty()));
    assert_eq!(s.phase, Phase::Ready);
    assert_eq!((s.goto.n, s.goto.what), (1, Some(Goto::ReportUnlessViewing)), "a report is shown unless the viewer is open");
    let s = s.reduce(Action::Progress(Progress::default()));
    assert_eq!(s.phase, Phase::Ready, "stale progress ignored");
    let s = s.reduce(Action::Started { source: "x".into(), files: 1, bytes: 1.0 }).reduce(Action::Cancelled);
    assert_eq!(s.phase, Phase::Ready, "cancel keeps the previous report");
    assert_eq!(s.generation, 3);
}

#[test]
fn a_saved_report_replaces_the_drop_and_a_refused_file_changes_nothing() {
    let d = drop_named("a.log", false);
    let s = one_machine(Rc::new(AppState::default()), &d, true).reduce(Action::Loaded(empty()));
    let s = s.reduce(Action::Notice("x.wulens.json is not a wulens saved report".into()));
    assert_eq!((s.phase.clone(), s.report.is_some(), s.source.as_str()), (Phase::Ready, true, "drop"), "a refused file loses nothing");
    assert!(kept(&s.whole, &d) && kept(&s.follow.files, &d), "a refused file keeps the drop");
    let s = s.reduce(Action::OpenedSaved { report: empty(), source: "saved report".into(), words: "Opened from a saved report".into() });
    assert_eq!((s.phase.clone(), s.saved.is_some(), s.notice.is_none(), s.follow.available), (Phase::Ready, true, true, false));
    assert!(s.whole.is_none() && s.follow.files.is_none(), "the drop before is gone: nothing to follow, read again or split");
    assert_eq!((s.goto.n, s.goto.what), (2, Some(Goto::Report)), "the requests go on counting");
    let s = s.reduce(Action::Started { source: "drop".into(), files: 1, bytes: 1.0 });
    assert_eq!(s.saved, None, "a new drop is no saved report");
}

#[test]
fn a_drop_replaces_the_drop_before() {
    let (first, second) = (drop_named("first.log", false), drop_named("sample", true));
    let s = one_machine(Rc::new(AppState::default()), &first, true);
    assert!(kept(&s.whole, &first) && kept(&s.follow.files, &first));
    assert_eq!((s.follow.available, s.follow.reloadable, s.generation), (true, true, 1));
    let s = s.reduce(Action::Split(vec![MachineReport { label: "PC1".into(), files: Vec::new() }]));
    let s = one_machine(s, &second, false);
    assert!(kept(&s.whole, &second) && kept(&s.follow.files, &second), "the second drop is kept, not the first");
    assert!(s.split.is_empty(), "the machines of the drop before are forgotten");
    assert_eq!((s.follow.available, s.follow.reloadable), (false, false), "a sample is neither followed nor read again");
}

#[test]
fn one_machine_of_a_drop_opens_alone_and_the_drop_stays_whole() {
    let d = drop_named("two-machines.zip", false);
    let machines = vec![MachineReport { label: "PC1".into(), files: vec!["a".into()] }, MachineReport { label: "PC2".into(), files: vec!["b".into()] }];
    let s = one_machine(Rc::new(AppState::default()), &d, false).reduce(Action::Loaded(empty()));
    let alone = drop_named("PC1's files", false);
    let s = s.reduce(Action::Split(machines.clone())).reduce(Action::OpenMachine {
        name: "PC1".into(),
        source: "PC1 (one machine of the drop)".into(),
        count: 1,
        bytes: 1.0,
        files: Some(alone.clone()),
        followable: false,
    });
    assert!(kept(&s.whole, &d), "the drop stays whole");
    assert!(kept(&s.follow.files, &alone), "the machine's files are what Reload reads");
    assert_eq!((s.split.clone(), s.machine.as_deref(), s.follow.reloadable), (machines, Some("PC1"), true));
    assert_eq!(s.goto.what, Some(Goto::ReportFromTop));
    let s = s.reduce(Action::OpenMachine { name: "PC2".into(), source: "PC2".into(), count: 1, bytes: 1.0, files: None, followable: false });
    assert_eq!((s.follow.files.is_none(), s.follow.reloadable, s.split.len()), (true, false, 2), "a machine inside a zip: nothing to read again");
    let s = one_machine(s, &d, false);
    assert!(kept(&s.whole, &d) && s.split.is_empty() && s.machine.is_none(), "all machines together again");
}

#[test]
fn a_pending_fleet_is_taken_once_by_its_rows() {
    let s = fleet_started(Rc::new(AppState::default()), &["PC-1", "PC-2"]);
    let Phase::Loading(p) = &s.phase else { panic!("{:?}", s.phase) };
    assert_eq!((p.phase.as_str(), p.files, s.pending_fleet.as_ref().map(|p| p.machines.len())), ("machine", 2, Some(2)));
    let s = s.reduce(rows(&["PC-1", "PC-2"]));
    assert_eq!((s.phase.clone(), s.pending_fleet.is_none(), s.goto.what), (Phase::Ready, true, Some(Goto::Fleet)));
    let f = s.fleet.clone().expect("the fleet");
    assert_eq!((f.rows.len(), f.machines[1].name.as_str(), f.source.as_str()), (2, "PC-2", "bundles"));
    let again = s.clone().reduce(rows(&["PC-1", "PC-2"]));
    assert!(matches!(again.phase, Phase::Failed(_)), "rows without a pending fleet are refused");
    assert!(again.fleet.as_ref().is_some_and(|g| Rc::ptr_eq(g, &f)), "and the fleet shown stays");
    let s = fleet_started(s, &["PC-1", "PC-2", "PC-3"]).reduce(rows(&["PC-1"]));
    assert!(matches!(s.phase, Phase::Failed(_)) && s.pending_fleet.is_none(), "rows that do not match its machines");
    let s = fleet_started(s, &["PC-1"]).reduce(Action::Cancelled);
    assert!(s.pending_fleet.is_none(), "a cancelled fleet's rows never come");
}

#[test]
fn a_fleet_stays_while_its_machines_open() {
    let s = fleet_started(Rc::new(AppState::default()), &["PC-1", "PC-2"]).reduce(rows(&["PC-1", "PC-2"]));
    assert_eq!((s.phase.clone(), s.report.is_none()), (Phase::Ready, true));
    let open = |name: &str| Action::OpenMachine { name: name.into(), source: name.into(), count: 1, bytes: 1.0, files: None, followable: false };
    let sorted = FleetQuery { sort: "status".into(), text: "PC".into(), ..FleetQuery::default() };
    let s = s.reduce(Action::FleetShown(sorted.clone())).reduce(open("PC-1"));
    assert_eq!(s.machine.as_deref(), Some("PC-1"));
    assert_eq!(s.fleet_query, sorted, "the way back to the fleet keeps its sort and filters");
    let s = s.reduce(Action::Cancelled);
    assert_eq!(s.phase, Phase::Ready, "cancelling a machine returns to the fleet");
    let s = s.reduce(open("PC-2")).reduce(Action::Loaded(empty()));
    assert_eq!((s.machine.as_deref(), s.fleet.as_ref().map(|f| f.rows.len())), (Some("PC-2"), Some(2)));
    assert_eq!(s.reduce(Action::Started { source: "drop".into(), files: 1, bytes: 1.0 }).machine, None, "a new drop is no fleet machine");
}

#[test]
fn follow_when_loaded_follows_once_the_report_comes() {
    let d = drop_named("WUAHandler.log", false);
    let s = Rc::new(AppState::default()).reduce(Action::FollowWhenLoaded(true));
    let s = one_machine(s, &d, true);
    assert!(s.follow_when_loaded && !s.follow.on, "not before the report");
    let s = s.reduce(Action::Loaded(empty()));
    assert!(s.follow.on && !s.follow_when_loaded, "followed, and asked no more");
    assert_eq!((s.tell.n, s.tell.what.clone()), (1, Some(FollowOrder::Follow(d.clone()))), "the worker is told to follow the drop");
    let s = s.reduce(Action::Loaded(empty()));
    assert_eq!(s.tell.n, 1, "the next report asks nothing");
    let s = s.reduce(Action::FollowWhenLoaded(true));
    let s = one_machine(s, &drop_named("sample", true), false).reduce(Action::Loaded(empty()));
    assert!(!s.follow.on && !s.follow_when_loaded);
    assert_eq!(s.tell.what, Some(FollowOrder::Stop), "files without handles are not followed");
}

#[test]
fn following_is_asked_and_stopped() {
    let d = drop_named("WUAHandler.log", false);
    let s = one_machine(Rc::new(AppState::default()), &d, true).reduce(Action::Loaded(empty())).reduce(Action::Follow(true));
    assert_eq!((s.follow.on, s.tell.what.clone()), (true, Some(FollowOrder::Follow(d.clone()))));
    let s = s.reduce(Action::Following(vec!["WUAHandler.log".into()], 10));
    assert_eq!((s.follow.paths.len(), s.follow.base), (1, 10));
    let s = s.reduce(Action::Follow(false));
    assert_eq!((s.follow.on, s.follow.paths.is_empty(), s.tell.n, s.tell.what.clone()), (false, true, 2, Some(FollowOrder::Stop)));
    let s = s.reduce(Action::Following(vec!["late".into()], 1));
    assert!(s.follow.paths.is_empty(), "the worker's late word is ignored once stopped");
    let sample = one_machine(s, &drop_named("sample", true), false).reduce(Action::Follow(true));
    assert_eq!((sample.follow.on, sample.tell.what.clone()), (false, Some(FollowOrder::Stop)), "files without handles");
}
