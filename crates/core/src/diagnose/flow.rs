//! The scan-flow engine: evaluates a flow definition (`flows/*.toml`) over all the logs of a
//! drop and says, per step, `ok`, `failed`, `not_reached` or `unknown`, with evidence.
//!
//! 1. Each file has a kind (`WUAHandler.log`, `WindowsUpdate.log`, ...), resolved when it was read.
//! 2. Every record of an identified file is matched against the signals of its log; records of
//!    severity error in a step's `error_logs` become unattributed errors.
//! 3. Events are ordered by UTC time and cut into scan cycles: a log that goes back to an
//!    earlier step (or restarts a step it already finished) begins a new cycle.
//! 4. In each cycle an unattributed error belongs to the step after the last one that
//!    progressed; the last outcome of a step decides it.
//! 5. The latest cycle is the verdict; earlier cycles are listed with their outcome.

use rustc_hash::FxHashMap;

use wulens_kb::Source;

use super::catalog::{CompiledFlow, Hits, CATALOG};
use super::defs::{FlowDef, Guidance, SignalKind, StepDef};
use crate::analysis::Analysis;
use crate::model::{evidence_of, time_of, CycleOutcome, Evidence, LogFile, LogKind, Severity, StepStatus};

// ---- results ----

/// Why a step has its status, as a fact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Reason {
    /// Nothing more than the status.
    #[default]
    None,
    /// No ConfigMgr client log was given.
    NoClientLog,
    /// Errors were logged, but the step completed after them.
    CompletedAfterErrors,
    /// Started and logged no result, but step `after` ran after it.
    Implied { after: u8 },
    /// Started, but step `failed` failed and this step logged no result.
    StartedBeforeFailure { failed: u8 },
    /// Step `step` before it did not complete.
    Blocked { step: u8 },
    /// It waits for step `step`, which is still running.
    Waits { step: u8 },
    /// No line of the flow in `logs`, which witness the step.
    NoActivity { logs: Vec<&'static str> },
    /// The logs that witness the step were not provided.
    NotWitnessed { logs: Vec<&'static str> },
    /// Not logged in this cycle, but step `after` ran after it.
    NotLoggedButImplied { after: u8 },
    /// Done in an earlier cycle and not repeated.
    EarlierCycle,
    /// No line of this flow in the logs.
    NoLine,
    /// Nothing logged for this step in the latest cycle.
    NothingThisCycle,
    /// No result before the next scan began.
    BeforeNextScan,
    /// Still running when the log ends.
    StillRunning,
    /// Started, and no result in the `minutes` the log goes on after it.
    Hung { minutes: i64 },
    /// Failed with these codes (`0x...`).
    FailedWith { codes: Vec<String> },
}

pub struct StepResult {
    pub number: u8,
    pub title: &'static str,
    pub short: &'static str,
    pub status: StepStatus,
    /// Why this status (its words: `output/words/flow.rs`).
    pub reason: Reason,
    pub evidence: Vec<Evidence>,
    /// Failure codes seen in this step's failure evidence (`0x...`).
    pub codes: Vec<String>,
    /// The logs that witness this step, and those of them that were not provided.
    pub logs: Vec<String>,
    pub missing_logs: Vec<String>,
    pub guidance: &'static [Guidance],
    pub sources: &'static [Source],
}

pub struct CycleResult {
    pub number: usize,
    pub start: Option<String>,
    pub end: Option<String>,
    pub outcome: CycleOutcome,
    pub failed_step: Option<u8>,
    pub last_step: u8,
    pub codes: Vec<String>,
}

pub struct FlowResult {
    pub def: &'static FlowDef,
    pub steps: Vec<StepResult>,
    pub failed_step: Option<u8>,
    /// The latest scan cycles (at most `MAX_CYCLES`), oldest first; the steps above describe
    /// the last one. `cycles_total` counts them all.
    pub cycles: Vec<CycleResult>,
    pub cycles_total: usize,
    /// (file, entry) of the failed step's failure events.
    failed_events: Vec<(u32, u32)>,
    /// (file, entry) of where the latest cycle began and of the last step it confirmed: the
    /// evidence of a scan that did not fail.
    progress_events: Vec<(u32, u32)>,
    /// Logs with at least one line in the latest cycle.
    pub latest_cycle_logs: Vec<LogKind>,
    /// Per log, the last line of that log seen by the flow (file, entry).
    pub last_line_of_log: Vec<(LogKind, u32, u32)>,
}

impl FlowResult {
    /// True when any log showed any step of this flow.
    pub fn witnessed(&self) -> bool {
        !self.cycles.is_empty()
    }

    /// The flow as if no log showed it: every step `unknown`, no cycle. The ConfigMgr client's
    /// scan is told only where one of its own logs was dropped: a WindowsUpdate.log alone shows
    /// the agent's searches (told as operations), not a ConfigMgr scan.
    pub fn unwitnessed(mut self) -> FlowResult {
        self.cycles.clear();
        self.cycles_total = 0;
        self.failed_step = None;
        self.failed_events.clear();
        self.progress_events.clear();
        self.latest_cycle_logs.clear();
        for st in &mut self.steps {
            st.status = StepStatus::Unknown;
            st.reason = Reason::NoClientLog;
            st.evidence.clear();
            st.codes.clear();
        }
        self
    }

    /// Failure codes of the failed step's evidence, most relevant first.
    pub fn failed_step_codes(&self, a: &Analysis) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for &(file, entry) in &self.failed_events {
            for code in a.codes_at(file as usize, entry) {
                if !out.contains(&code) {
                    out.push(code);
                }
            }
        }
        out
    }

    /// (file, entry) of the failed step's failure lines.
    pub fn failed_lines(&self) -> Vec<(u32, u32)> {
        self.failed_events.clone()
    }

    /// (file, entry) of where the latest cycle began and how far it got, in log order.
    pub fn progress_lines(&self) -> Vec<(u32, u32)> {
        self.progress_events.clone()
    }

    pub fn step(&self, n: u8) -> Option<&StepResult> {
        self.steps.iter().find(|s| s.number == n)
    }
}

// ---- evaluation ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Start,
    Ok,
    Fail,
    /// A record of severity error in some step's `error_logs`; attributed during the walk.
    Error,
}

#[derive(Clone, Copy, Debug)]
struct Event {
    step: u8,
    kind: Kind,
    time: i64,
    file: u32,
    entry: u32,
    /// Index of the log id in `log_ids`.
    log: u16,
}

/// How many scan cycles a report lists (the latest ones).
pub const MAX_CYCLES: usize = 50;

/// A scan runs for minutes; this much silence between two lines means a new scan.
const QUIET_GAP_MS: i64 = 30 * 60 * 1000;

/// A scan cycle: its events, in time order (a slice of the flow's one vector of events).
#[derive(Default)]
struct Cycle<'e> {
    events: &'e [Event],
}

/// The cycle being cut while the events are walked: what tells where the next one begins.
#[derive(Default)]
struct Open {
    /// Highest step each log reached in this cycle.
    log_max: FxHashMap<u16, u8>,
    /// (log, step) pairs that have an outcome in this cycle.
    log_outcomes: Vec<(u16, u8)>,
    progress: u8,
    /// The time of its latest event.
    last_time: Option<i64>,
    /// A signal of the flow (not an error record) is in this cycle.
    signalled: bool,
}

impl Open {
    fn push(&mut self, e: &Event) {
        let m = self.log_max.entry(e.log).or_default();
        *m = (*m).max(e.step);
        if matches!(e.kind, Kind::Ok | Kind::Fail) && !self.log_outcomes.contains(&(e.log, e.step)) {
            self.log_outcomes.push((e.log, e.step));
        }
        self.progress = self.progress.max(if e.kind == Kind::Ok { e.step } else { e.step - 1 });
        self.last_time = Some(e.time);
        self.signalled |= e.kind != Kind::Error;
    }

    /// Does `e` begin a new scan rather than continue this one? Early-step activity (steps 1-3)
    /// after the same log moved past that step, after the cycle already got its results
    /// (step 4 or later), or after a long quiet gap, is a new scan.
    fn restarts(&self, e: &Event) -> bool {
        if !matches!(e.kind, Kind::Start | Kind::Ok) || e.step > 3 {
            return false;
        }
        let went_back = self.log_max.get(&e.log).is_some_and(|&m| m > e.step);
        let again = e.kind == Kind::Start && self.log_outcomes.contains(&(e.log, e.step));
        let cycle_max = self.log_max.values().copied().max().unwrap_or(0);
        let finished = cycle_max >= 4 && e.step <= 2;
        let quiet = self.last_time.is_some_and(|l| l != i64::MIN && e.time != i64::MIN && e.time - l > QUIET_GAP_MS);
        went_back || again || finished || quiet
    }
}

/// The logs a flow talks about, and which of them the drop provides.
struct Logs {
    ids: Vec<LogKind>,
    provided: Vec<bool>,
}

impl Logs {
    fn of(a: &Analysis, def: &FlowDef) -> Logs {
        let mut ids: Vec<LogKind> = Vec::new();
        for st in def.steps {
            for id in st.witnesses.iter().chain(st.error_logs).chain(st.signals.iter().flat_map(|s| s.logs)) {
                if !ids.contains(id) {
                    ids.push(*id);
                }
            }
        }
        let provided = ids.iter().map(|&id| a.files.iter().any(|f| f.is(id))).collect();
        Logs { ids, provided }
    }

    fn provided(&self, kind: LogKind) -> bool {
        self.ids.iter().position(|x| *x == kind).is_some_and(|p| self.provided[p])
    }
}

pub fn evaluate(a: &Analysis, hits: &Hits, def: &'static FlowDef) -> FlowResult {
    let compiled = CATALOG.flow(def);
    let logs = Logs::of(a, def);
    let mut events: Vec<Event> = Vec::new();
    for (fi, f) in a.files.iter().enumerate() {
        let Some(log) = logs.ids.iter().position(|&id| f.is(id)) else { continue };
        collect_events(a, hits.of(fi), fi, f, logs.ids[log], log as u16, def, compiled, &mut events);
    }
    events.sort_by_key(|e| (e.time, e.file, e.entry));
    let cycles = cut_cycles(def, &logs, &mut events);
    let file_ends: Vec<i64> = a.files.iter().map(|f| f.entries.iter().rev().find_map(|e| f.utc_ms(e)).unwrap_or(i64::MIN)).collect();

    let mut report = FlowResult {
        def,
        steps: Vec::new(),
        failed_step: None,
        cycles: summarize(a, def, &logs, &cycles, &file_ends),
        cycles_total: cycles.len(),
        failed_events: Vec::new(),
        progress_events: Vec::new(),
        latest_cycle_logs: Vec::new(),
        last_line_of_log: Vec::new(),
    };
    let empty = Cycle::default();
    let last = cycles.last().unwrap_or(&empty);
    for e in last.events {
        let id = logs.ids[e.log as usize];
        if !report.latest_cycle_logs.contains(&id) {
            report.latest_cycle_logs.push(id);
        }
    }
    for e in cycles.iter().flat_map(|c| c.events) {
        let id = logs.ids[e.log as usize];
        match report.last_line_of_log.iter_mut().find(|(l, _, _)| *l == id) {
            Some(x) => *x = (id, e.file, e.entry),
            None => report.last_line_of_log.push((id, e.file, e.entry)),
        }
    }
    let first = last.events.iter().find(|e| e.kind != Kind::Error);
    let furthest = last.events.iter().filter(|e| e.kind == Kind::Ok).max_by_key(|e| (e.step, e.time, e.file, e.entry));
    for e in first.into_iter().chain(furthest).chain(last.events.last().filter(|e| e.kind != Kind::Error)) {
        if !report.progress_events.contains(&(e.file, e.entry)) {
            report.progress_events.push((e.file, e.entry));
        }
    }
    let earlier = if cycles.len() > 1 { Some(&cycles[..cycles.len() - 1]) } else { None };
    let (statuses, reasons) = step_statuses(last, def.steps.len(), earlier, def, &logs, Some(&file_ends));
    report.failed_step = statuses.iter().position(|s| *s == StepStatus::Failed).map(|i| i as u8 + 1);
    for (i, st) in def.steps.iter().enumerate() {
        let step = step_result(a, &logs, st, (statuses[i], reasons[i].clone()), last, earlier, &mut report.failed_events);
        report.steps.push(step);
    }
    // Fill the failure reason with the codes now that they are known.
    if let Some(fs) = report.failed_step {
        let s = &mut report.steps[fs as usize - 1];
        if !s.codes.is_empty() && s.reason == Reason::None {
            s.reason = Reason::FailedWith { codes: s.codes.clone() };
        }
    }
    report
}

/// Events in time order cut into cycles, errors attributed to a step as they come (an error no
/// step takes is dropped). The events stay where they are, moved up over the dropped ones: a
/// cycle is a slice of them, not a copy (a long log has hundreds of thousands).
fn cut_cycles<'e>(def: &FlowDef, logs: &Logs, events: &'e mut [Event]) -> Vec<Cycle<'e>> {
    let mut starts: Vec<usize> = Vec::new();
    let mut open = Open::default();
    let mut kept = 0;
    for i in 0..events.len() {
        let mut e = events[i];
        // An error record counts against a step only while a scan is under way (a signal of
        // the flow began this cycle): CcmMessaging.log and LocationServices.log carry every
        // component's traffic to the site (client notification, state messages, inventory),
        // and their errors are no scan's when no scan was started.
        if e.kind == Kind::Error && !open.signalled {
            continue;
        }
        if starts.is_empty() || (e.kind != Kind::Error && open.restarts(&e)) {
            starts.push(kept);
            open = Open::default();
        }
        if e.kind == Kind::Error {
            let id = logs.ids[e.log as usize];
            let next = open.progress + 1;
            let Some(step) = (next..=(next + 1).min(def.steps.len() as u8)).find(|&s| def.steps[s as usize - 1].error_logs.contains(&id)) else { continue };
            e.step = step;
            e.kind = Kind::Fail;
        }
        open.push(&e);
        events[kept] = e;
        kept += 1;
    }
    let events = &events[..kept];
    starts.iter().enumerate().map(|(k, &from)| Cycle { events: &events[from..starts.get(k + 1).copied().unwrap_or(kept)] }).collect()
}

/// The codes on the lines of `events` (`0x...`, each once).
fn codes_of<'e>(a: &Analysis, events: impl Iterator<Item = &'e Event>) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for e in events {
        for code in a.codes_at(e.file as usize, e.entry) {
            let s = format!("0x{code:08X}");
            if !codes.contains(&s) {
                codes.push(s);
            }
        }
    }
    codes
}

/// The outcome of each of the latest `MAX_CYCLES` cycles (a long log can hold thousands).
fn summarize(a: &Analysis, def: &FlowDef, logs: &Logs, cycles: &[Cycle], file_ends: &[i64]) -> Vec<CycleResult> {
    let first_listed = cycles.len().saturating_sub(MAX_CYCLES);
    let mut out = Vec::new();
    for (ci, c) in cycles.iter().enumerate().skip(first_listed) {
        let latest = ci + 1 == cycles.len();
        let (statuses, _) = step_statuses(c, def.steps.len(), None, def, logs, if latest { Some(file_ends) } else { None });
        let failed = statuses.iter().position(|s| *s == StepStatus::Failed).map(|i| i as u8 + 1);
        let last_step = c.events.iter().filter(|e| e.kind == Kind::Ok).map(|e| e.step).max().unwrap_or(0);
        let ev_time = |e: &Event| time_of(&a.files[e.file as usize], e.entry as usize);
        out.push(CycleResult {
            number: ci + 1,
            start: c.events.first().and_then(ev_time),
            end: c.events.last().and_then(ev_time),
            outcome: if failed.is_some() {
                CycleOutcome::Failed
            } else if statuses.iter().all(|s| matches!(s, StepStatus::Ok | StepStatus::Unknown)) {
                CycleOutcome::Completed
            } else {
                CycleOutcome::Incomplete
            },
            failed_step: failed,
            last_step,
            codes: codes_of(a, c.events.iter().filter(|e| e.kind == Kind::Fail && Some(e.step) == failed)),
        });
    }
    out
}

/// One step of the latest cycle with its evidence: failures first, then outcomes, then starts,
/// at most six; an ok step carried from an earlier cycle shows where it happened.
fn step_result(
    a: &Analysis,
    logs: &Logs,
    st: &'static StepDef,
    (status, reason): (StepStatus, Reason),
    last: &Cycle,
    earlier: Option<&[Cycle]>,
    failed_events: &mut Vec<(u32, u32)>,
) -> StepResult {
    let num = st.number;
    let mut evs: Vec<&Event> = last.events.iter().filter(|e| e.step == num).collect();
    if evs.is_empty() && status == StepStatus::Ok {
        if let Some(c) = earlier.and_then(|prev| prev.iter().rev().find(|c| c.events.iter().any(|e| e.step == num && e.kind == Kind::Ok))) {
            evs = c.events.iter().filter(|e| e.step == num && e.kind == Kind::Ok).collect();
        }
    }
    let rank = |e: &&Event| match e.kind {
        Kind::Fail => 0,
        Kind::Ok => 1,
        _ => 2,
    };
    let mut shown: Vec<&Event> = evs.iter().copied().filter(|e| status != StepStatus::Ok || e.kind != Kind::Fail || evs.len() < 3).collect();
    // The first six by (rank, time, line): a step of a long log holds millions of events, and
    // (file, entry) is unique, so selecting them before sorting picks the same six.
    let key = |e: &&Event| (rank(e), e.time, e.file, e.entry);
    if shown.len() > 6 {
        shown.select_nth_unstable_by_key(5, key);
        shown.truncate(6);
    }
    // A failed step shows the lines that failed it first (a reader shows the first few).
    shown.sort_by_key(|e| (status == StepStatus::Failed && e.kind != Kind::Fail, e.time, e.file, e.entry));
    let mut codes = Vec::new();
    if status == StepStatus::Failed {
        let fails: Vec<&&Event> = evs.iter().filter(|e| e.kind == Kind::Fail).collect();
        failed_events.extend(fails.iter().map(|e| (e.file, e.entry)));
        codes = codes_of(a, fails.into_iter().copied());
    }
    StepResult {
        number: num,
        title: st.title,
        short: st.short,
        status,
        reason,
        evidence: shown.iter().map(|e| evidence_of(&a.files[e.file as usize], e.entry as usize)).collect(),
        codes,
        logs: st.witnesses.iter().map(|w| w.file_name().to_string()).collect(),
        missing_logs: st.witnesses.iter().filter(|w| !logs.provided(**w)).map(|w| w.file_name().to_string()).collect(),
        guidance: st.guidance,
        sources: st.sources,
    }
}

#[allow(clippy::too_many_arguments)]
fn collect_events(
    a: &Analysis,
    hits: &super::signals::FileHits,
    fi: usize,
    f: &LogFile,
    id: LogKind,
    log: u16,
    def: &'static FlowDef,
    compiled: &CompiledFlow,
    out: &mut Vec<Event>,
) {
    // Signals and scopes that apply to this file.
    let mut sigs: Vec<(usize, usize)> = Vec::new();
    for (si, st) in def.steps.iter().enumerate() {
        for (gi, sig) in st.signals.iter().enumerate() {
            if sig.logs.contains(&id) {
                sigs.push((si, gi));
            }
        }
    }
    let scopes: Vec<usize> = def.scopes.iter().enumerate().filter(|(_, s)| s.logs.contains(&id)).map(|(i, _)| i).collect();
    let error_step = def.steps.iter().any(|s| s.error_logs.contains(&id));
    if sigs.is_empty() && !error_step {
        return;
    }
    let failure_entries: rustc_hash::FxHashSet<u32> = a.entry_codes[fi].iter().map(|(e, _)| *e).collect();
    // What each distinct set of literals (and none: an error line without one) says to the
    // scopes and signals, worked out once per set.
    let said = |bits: &super::signals::Bits| Said {
        scope_starts: scopes.iter().map(|&sc| compiled.scopes[sc].0.matches(bits)).collect(),
        scope_ends: scopes.iter().map(|&sc| compiled.scopes[sc].1.matches(bits)).collect(),
        signals: sigs.iter().map(|&(si, gi)| compiled.signals[si][gi].matches(bits)).collect(),
    };
    let per_set: Vec<Said> = hits.sets().iter().map(said).collect();
    let no_literal = said(&super::signals::EMPTY);
    // Threads inside each scope.
    let mut in_scope: Vec<FxHashMap<u32, bool>> = vec![FxHashMap::default(); def.scopes.len()];
    // An event's time is that of the last timed line up to it: worked out only for the lines
    // that make events (most lines make none), from the lines after the previous one.
    let mut time = i64::MIN;
    let mut timed_to = 0;
    let mut with_literals = hits.iter_sets().peekable();
    for (ei, e) in f.entries.iter().enumerate() {
        let said = match with_literals.next_if(|&(i, _)| i as usize == ei) {
            Some((_, k)) => &per_set[k],
            _ if !error_step || e.severity != Severity::Error => continue,
            _ => &no_literal,
        };
        if !e.parsed {
            continue;
        }
        if let Some(t) = f.entries[timed_to..=ei].iter().rev().find_map(|e| f.utc_ms(e)) {
            time = t;
        }
        timed_to = ei + 1;
        for (&sc, _) in scopes.iter().zip(&said.scope_starts).filter(|(_, starts)| **starts) {
            in_scope[sc].insert(e.thread, true);
        }
        let mut matched = false;
        for (&(si, gi), _) in sigs.iter().zip(&said.signals).filter(|(_, m)| **m) {
            let sig = &def.steps[si].signals[gi];
            if sig.min_severity.is_some_and(|m| e.severity < m) {
                continue;
            }
            if let Some(sc) = sig.scope {
                if !in_scope[sc].get(&e.thread).copied().unwrap_or(false) {
                    continue;
                }
            }
            let kind = match sig.kind {
                SignalKind::Start => Kind::Start,
                SignalKind::Ok => Kind::Ok,
                SignalKind::Fail => Kind::Fail,
                SignalKind::Outcome => {
                    if failure_entries.contains(&(ei as u32)) {
                        Kind::Fail
                    } else {
                        Kind::Ok
                    }
                }
            };
            out.push(Event { step: def.steps[si].number, kind, time, file: fi as u32, entry: ei as u32, log });
            matched = true;
            break;
        }
        if !matched && error_step && e.severity == Severity::Error {
            out.push(Event { step: 0, kind: Kind::Error, time, file: fi as u32, entry: ei as u32, log });
        }
        for (&sc, _) in scopes.iter().zip(&said.scope_ends).filter(|(_, ends)| **ends) {
            in_scope[sc].insert(e.thread, false);
        }
    }
}

/// What one set of literals says to a flow's scopes and signals in one file (see
/// `collect_events`): each matcher, evaluated.
struct Said {
    scope_starts: Vec<bool>,
    scope_ends: Vec<bool>,
    signals: Vec<bool>,
}

/// Where each file's timed lines end (UTC ms), to tell a step still running when its log ends
/// from one that hung while the log went on. `None` for cycles a later one followed.
type FileEnds<'a> = Option<&'a [i64]>;

fn step_statuses(c: &Cycle, n: usize, earlier: Option<&[Cycle]>, def: &FlowDef, logs: &Logs, ends: FileEnds) -> (Vec<StepStatus>, Vec<Reason>) {
    let mut st = vec![StepStatus::Unknown; n];
    let mut reasons = vec![Reason::None; n];
    let has_events = |s: u8| c.events.iter().any(|e| e.step == s);
    let later_ran = |s: u8| c.events.iter().any(|e| e.step > s && e.kind != Kind::Fail);
    for i in 0..n {
        let s = i as u8 + 1;
        let step_def = &def.steps[i];
        let last_outcome = c.events.iter().rev().find(|e| e.step == s && matches!(e.kind, Kind::Ok | Kind::Fail));
        let blocked =
            (0..i).find(|&j| matches!(st[j], StepStatus::Failed | StepStatus::NotReached) && !(st[j] == StepStatus::NotReached && later_ran(j as u8 + 1)));
        if let Some(e) = last_outcome {
            let unrecovered = c.events.iter().filter(|x| x.step == s && x.kind == Kind::Fail).find(|f| !recovered(c, f));
            st[i] = match (e.kind, unrecovered) {
                (Kind::Ok, None) => StepStatus::Ok,
                _ => StepStatus::Failed,
            };
            if st[i] == StepStatus::Ok && c.events.iter().any(|x| x.step == s && x.kind == Kind::Fail) {
                reasons[i] = Reason::CompletedAfterErrors;
            }
            continue;
        }
        if has_events(s) {
            // Started, no outcome.
            if later_ran(s) {
                st[i] = StepStatus::Ok;
                reasons[i] = Reason::Implied { after: s + 1 };
            } else if let Some(j) = (0..i).find(|&j| st[j] == StepStatus::Failed) {
                // Failed outranks still running: the scan stopped at the failure.
                st[i] = StepStatus::NotReached;
                reasons[i] = Reason::StartedBeforeFailure { failed: j as u8 + 1 };
            } else {
                (st[i], reasons[i]) = started_without_result(c, s, ends);
            }
            continue;
        }
        if let Some(j) = blocked {
            st[i] = StepStatus::NotReached;
            reasons[i] = Reason::Blocked { step: j as u8 + 1 };
            continue;
        }
        if let Some(j) = (0..i).find(|&j| st[j] == StepStatus::Running) {
            st[i] = StepStatus::NotReached;
            reasons[i] = Reason::Waits { step: j as u8 + 1 };
            continue;
        }
        let witnessed = step_def.witnesses.iter().any(|w| logs.provided(*w));
        if c.events.is_empty() {
            // No scan at all in these logs: say which logs were looked at, or are missing.
            let logs: Vec<&'static str> = step_def.witnesses.iter().map(|w| w.file_name()).collect();
            if witnessed {
                st[i] = StepStatus::NotReached;
                reasons[i] = Reason::NoActivity { logs };
            } else {
                st[i] = StepStatus::Unknown;
                reasons[i] = Reason::NotWitnessed { logs };
            }
            continue;
        }
        if !witnessed {
            st[i] = StepStatus::Unknown;
            reasons[i] = Reason::NotWitnessed { logs: step_def.witnesses.iter().map(|w| w.file_name()).collect() };
            continue;
        }
        if later_ran(s) {
            st[i] = StepStatus::Ok;
            reasons[i] = Reason::NotLoggedButImplied { after: s + 1 };
            continue;
        }
        if let Some(prev) = earlier {
            if prev.iter().any(|pc| pc.events.iter().any(|e| e.step == s && e.kind == Kind::Ok)) && s == 1 {
                st[i] = StepStatus::Ok;
                reasons[i] = Reason::EarlierCycle;
                continue;
            }
        }
        st[i] = StepStatus::NotReached;
        reasons[i] = if c.events.is_empty() { Reason::NoLine } else { Reason::NothingThisCycle };
    }
    (st, reasons)
}

/// Did the scan get past the failure `f`? Only if, after it, the log that failed went on to a
/// success of the same step or to any later step, or a later step succeeded in any log. A
/// success of the same step in another log (ScanAgent raising its update-source state message
/// after WUAHandler failed to add the source) or a later step that only started is no
/// recovery: outcome precedence is failed > still running > ok.
fn recovered(c: &Cycle, f: &Event) -> bool {
    let after = |x: &&Event| (x.time, x.file, x.entry) > (f.time, f.file, f.entry);
    c.events.iter().filter(after).any(|x| {
        (x.log == f.log && ((x.step == f.step && x.kind == Kind::Ok) || (x.step > f.step && x.kind != Kind::Fail))) || (x.step > f.step && x.kind == Kind::Ok)
    })
}

/// A step that started and logged no result: still running when its log ends (the log stops
/// within `QUIET_GAP_MS` of its last line), or hung while the log went on. A cycle that a later
/// one followed simply has no end in these logs.
fn started_without_result(c: &Cycle, s: u8, ends: FileEnds) -> (StepStatus, Reason) {
    let Some(ends) = ends else {
        return (StepStatus::Running, Reason::BeforeNextScan);
    };
    let Some(last) = c.events.iter().rev().find(|e| e.step == s) else {
        return (StepStatus::Running, Reason::StillRunning);
    };
    let end = ends.get(last.file as usize).copied().unwrap_or(i64::MIN);
    if last.time == i64::MIN || end == i64::MIN || end - last.time <= QUIET_GAP_MS {
        (StepStatus::Running, Reason::StillRunning)
    } else {
        (StepStatus::Failed, Reason::Hung { minutes: (end - last.time) / 60_000 })
    }
}
