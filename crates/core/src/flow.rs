//! The scan-flow engine: evaluates a flow definition (`flows/*.toml`) over all the logs of a
//! drop and says, per step, `ok`, `failed`, `not_reached` or `unknown`, with evidence.
//!
//! 1. Each file gets an identity (`wuahandler`, `windowsupdate`, ...) from its name or content.
//! 2. Every record of an identified file is matched against the signals of its log; records of
//!    severity error in a step's `error_logs` become unattributed errors.
//! 3. Events are ordered by UTC time and cut into scan cycles: a log that goes back to an
//!    earlier step (or restarts a step it already finished) begins a new cycle.
//! 4. In each cycle an unattributed error belongs to the step after the last one that
//!    progressed; the last outcome of a step decides it.
//! 5. The latest cycle is the verdict; earlier cycles are listed with their outcome.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::format::LogFormat;
use crate::model::{LogFile, Severity};
use crate::report::{evidence, time_of, Evidence};
use crate::signals::{Compiled, LITERALS};

// ---- definitions (generated from flows/*.toml by build.rs) ----

pub struct FlowDef {
    pub id: &'static str,
    pub title: &'static str,
    pub sources: &'static [Src],
    pub scopes: &'static [ScopeDef],
    pub steps: &'static [StepDef],
}

#[derive(Debug, Serialize)]
pub struct Src {
    pub doc: &'static str,
    pub section: &'static str,
}

pub struct ScopeDef {
    pub id: &'static str,
    pub logs: &'static [&'static str],
    pub start: Matcher,
    pub end: Matcher,
}

pub struct Matcher {
    pub all: &'static [&'static str],
    pub any: &'static [&'static str],
    pub none: &'static [&'static str],
}

pub struct StepDef {
    pub number: u8,
    pub title: &'static str,
    pub short: &'static str,
    pub witnesses: &'static [&'static str],
    pub error_logs: &'static [&'static str],
    pub codes: &'static [u32],
    pub sources: &'static [Src],
    pub guidance: &'static [Guidance],
    pub signals: &'static [SignalDef],
}

#[derive(Debug, Serialize)]
pub struct Guidance {
    pub text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalKind {
    Start,
    Ok,
    Fail,
    /// Fail when the record holds a failure code, else ok (`Exit code = 0x...`).
    Outcome,
}

pub struct SignalDef {
    pub kind: SignalKind,
    pub logs: &'static [&'static str],
    pub m: Matcher,
    pub scope: Option<usize>,
    pub min_severity: Option<Severity>,
}

include!(concat!(env!("OUT_DIR"), "/flows_data.rs"));

pub fn client_scan() -> &'static FlowDef {
    &CLIENT_SCAN
}

pub fn wsus_sync() -> &'static FlowDef {
    &WSUS_SYNC
}

/// Display file name of a log id.
pub fn log_file_name(id: &str) -> String {
    match id {
        "scanagent" => "ScanAgent.log".into(),
        "locationservices" => "LocationServices.log".into(),
        "ccmmessaging" => "CcmMessaging.log".into(),
        "mp_location" => "MP_Location.log (management point)".into(),
        "wuahandler" => "WUAHandler.log".into(),
        "windowsupdate" => "WindowsUpdate.log".into(),
        "updatesstore" => "UpdatesStore.log".into(),
        "statemessage" => "StateMessage.log".into(),
        "softwaredistribution" => "SoftwareDistribution.log (WSUS server)".into(),
        "cbs" => "CBS.log".into(),
        "dism" => "DISM.log".into(),
        other => format!("{other}.log"),
    }
}

/// Does `f` count as log `id`? By file name stem, or by content.
pub fn file_is(f: &LogFile, id: &str) -> bool {
    let base = crate::input::base_name(&f.name).to_ascii_lowercase();
    if let Some(rest) = base.strip_prefix(id) {
        if rest.is_empty() || rest.starts_with(['.', '-', '_', ' ', '(']) {
            return true;
        }
    }
    match id {
        "windowsupdate" => matches!(f.format, LogFormat::WindowsUpdateLegacy | LogFormat::WindowsUpdateEtw),
        "softwaredistribution" => f.format == LogFormat::WsusSoftwareDistribution,
        "cbs" => f.format == LogFormat::Cbs,
        "dism" => f.format == LogFormat::Dism,
        _ if f.format == LogFormat::Cmtrace => main_component(f).is_some_and(|c| c.to_ascii_lowercase().starts_with(id)),
        _ => false,
    }
}

fn main_component(f: &LogFile) -> Option<&str> {
    let mut counts = vec![0u32; f.components.len()];
    for e in f.entries.iter().take(2000) {
        if let Some(c) = counts.get_mut(e.component as usize) {
            *c += 1;
        }
    }
    let (i, _) = counts.iter().enumerate().max_by_key(|(_, c)| **c)?;
    f.components.get(i).map(String::as_str)
}

// ---- compiled form ----

struct CompiledFlow {
    scopes: Vec<(Compiled, Compiled)>,
    /// Per step, per signal.
    signals: Vec<Vec<Compiled>>,
}

fn compile(def: &'static FlowDef) -> CompiledFlow {
    let l = &*LITERALS;
    CompiledFlow {
        scopes: def.scopes.iter().map(|s| (l.compile(&s.start), l.compile(&s.end))).collect(),
        signals: def.steps.iter().map(|st| st.signals.iter().map(|s| l.compile(&s.m)).collect()).collect(),
    }
}

/// The literals the flows' signals and scopes need for file `f`.
pub fn literals_for(f: &LogFile) -> crate::signals::Bits {
    let mut bits = [0u64; 4];
    for (def, compiled) in [(&CLIENT_SCAN, &*COMPILED_CLIENT), (&WSUS_SYNC, &*COMPILED_SYNC)] {
        for (sc, (start, end)) in def.scopes.iter().zip(&compiled.scopes) {
            if sc.logs.iter().any(|id| file_is(f, id)) {
                bits = crate::signals::union(bits, crate::signals::union(start.bits(), end.bits()));
            }
        }
        for (st, sigs) in def.steps.iter().zip(&compiled.signals) {
            for (sig, m) in st.signals.iter().zip(sigs) {
                if sig.logs.iter().any(|id| file_is(f, id)) {
                    bits = crate::signals::union(bits, m.bits());
                }
            }
        }
    }
    bits
}

static COMPILED_CLIENT: LazyLock<CompiledFlow> = LazyLock::new(|| compile(&CLIENT_SCAN));
static COMPILED_SYNC: LazyLock<CompiledFlow> = LazyLock::new(|| compile(&WSUS_SYNC));

// ---- report ----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Ok,
    Failed,
    NotReached,
    Unknown,
}

impl StepStatus {
    pub fn id(self) -> &'static str {
        match self {
            StepStatus::Ok => "ok",
            StepStatus::Failed => "failed",
            StepStatus::NotReached => "not_reached",
            StepStatus::Unknown => "unknown",
        }
    }

    pub fn mark(self) -> &'static str {
        match self {
            StepStatus::Ok => "✔",
            StepStatus::Failed => "✘",
            StepStatus::NotReached => "…",
            StepStatus::Unknown => "?",
        }
    }
}

#[derive(Serialize, Debug)]
pub struct StepReport {
    pub number: u8,
    pub title: &'static str,
    pub short: &'static str,
    pub status: StepStatus,
    /// Why this status, in a sentence.
    pub reason: String,
    pub evidence: Vec<Evidence>,
    /// Failure codes seen in this step's failure evidence.
    pub codes: Vec<String>,
    /// The logs that witness this step, and those of them that were not provided.
    pub logs: Vec<String>,
    pub missing_logs: Vec<String>,
    pub guidance: &'static [Guidance],
    pub sources: &'static [Src],
}

#[derive(Serialize, Debug)]
pub struct CycleReport {
    pub number: usize,
    pub start: Option<String>,
    pub end: Option<String>,
    /// `completed`, `failed` or `incomplete`.
    pub outcome: &'static str,
    pub failed_step: Option<u8>,
    pub last_step: u8,
    pub codes: Vec<String>,
}

#[derive(Serialize, Debug, Default)]
pub struct FlowReport {
    pub id: &'static str,
    pub title: &'static str,
    pub steps: Vec<StepReport>,
    pub failed_step: Option<u8>,
    /// The latest scan cycles (at most `MAX_CYCLES`), oldest first; the steps above describe
    /// the last one. `cycles_total` counts them all.
    pub cycles: Vec<CycleReport>,
    pub cycles_total: usize,
    #[serde(skip)]
    failed_events: Vec<(u32, u32)>,
    /// Log ids with at least one line in the latest cycle.
    #[serde(skip)]
    pub latest_cycle_logs: Vec<&'static str>,
    /// Per log id, the last line of that log seen by the flow (file, entry).
    #[serde(skip)]
    pub last_line_of_log: Vec<(&'static str, u32, u32)>,
}

impl FlowReport {
    /// True when any log showed any step of this flow.
    pub fn witnessed(&self) -> bool {
        !self.cycles.is_empty()
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

    pub fn step(&self, n: u8) -> Option<&StepReport> {
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

#[derive(Default)]
struct Cycle {
    events: Vec<Event>,
    /// Highest step each log reached in this cycle.
    log_max: HashMap<u16, u8>,
    /// (log, step) pairs that have an outcome in this cycle.
    log_outcomes: Vec<(u16, u8)>,
    progress: u8,
}

impl Cycle {
    fn push(&mut self, e: Event) {
        let m = self.log_max.entry(e.log).or_default();
        *m = (*m).max(e.step);
        if matches!(e.kind, Kind::Ok | Kind::Fail) && !self.log_outcomes.contains(&(e.log, e.step)) {
            self.log_outcomes.push((e.log, e.step));
        }
        self.progress = self.progress.max(if e.kind == Kind::Ok { e.step } else { e.step - 1 });
        self.events.push(e);
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
        let quiet = self.events.last().is_some_and(|l| l.time != i64::MIN && e.time != i64::MIN && e.time - l.time > QUIET_GAP_MS);
        went_back || again || finished || quiet
    }
}

pub fn evaluate(a: &Analysis, def: &'static FlowDef) -> FlowReport {
    let compiled: &CompiledFlow = if def.id == "client_scan" { &COMPILED_CLIENT } else { &COMPILED_SYNC };
    // All log ids the flow talks about.
    let mut log_ids: Vec<&'static str> = Vec::new();
    for st in def.steps {
        for id in st.witnesses.iter().chain(st.error_logs).chain(st.signals.iter().flat_map(|s| s.logs)) {
            if !log_ids.contains(id) {
                log_ids.push(id);
            }
        }
    }
    let provided: Vec<bool> = log_ids.iter().map(|id| a.files.iter().any(|f| f.is_text() && file_is(f, id))).collect();

    let mut events: Vec<Event> = Vec::new();
    for (fi, f) in a.files.iter().enumerate() {
        let Some(log) = log_ids.iter().position(|id| file_is(f, id)) else { continue };
        let id = log_ids[log];
        collect_events(a, fi, f, id, log as u16, def, compiled, &mut events);
    }
    events.sort_by_key(|e| (e.time, e.file, e.entry));

    // Cut into cycles, attributing errors as we go.
    let mut cycles: Vec<Cycle> = Vec::new();
    for mut e in events {
        let new_cycle = match cycles.last() {
            None => true,
            Some(c) => e.kind != Kind::Error && c.restarts(&e),
        };
        if new_cycle {
            cycles.push(Cycle::default());
        }
        let c = cycles.last_mut().expect("a cycle exists");
        if e.kind == Kind::Error {
            let id = log_ids[e.log as usize];
            let next = c.progress + 1;
            let Some(step) = (next..=(next + 1).min(def.steps.len() as u8)).find(|&s| def.steps[s as usize - 1].error_logs.contains(&id)) else { continue };
            e.step = step;
            e.kind = Kind::Fail;
        }
        c.push(e);
    }

    let mut report = FlowReport { id: def.id, title: def.title, ..FlowReport::default() };
    let n = def.steps.len();
    let mut summaries = Vec::new();
    // Only the cycles the report lists are summarised (a long log can hold thousands).
    let first_listed = cycles.len().saturating_sub(MAX_CYCLES);
    for (ci, c) in cycles.iter().enumerate().skip(first_listed) {
        let (statuses, _) = step_statuses(c, n, None, def, &log_ids, &provided);
        let failed = statuses.iter().position(|s| *s == StepStatus::Failed).map(|i| i as u8 + 1);
        let last_step = c.events.iter().filter(|e| e.kind == Kind::Ok).map(|e| e.step).max().unwrap_or(0);
        let mut codes: Vec<String> = Vec::new();
        for e in c.events.iter().filter(|e| e.kind == Kind::Fail && Some(e.step) == failed) {
            for code in a.codes_at(e.file as usize, e.entry) {
                let s = format!("0x{code:08X}");
                if !codes.contains(&s) {
                    codes.push(s);
                }
            }
        }
        let ev_time = |e: &Event| time_of(&a.files[e.file as usize], e.entry as usize);
        summaries.push(CycleReport {
            number: ci + 1,
            start: c.events.first().and_then(ev_time),
            end: c.events.last().and_then(ev_time),
            outcome: if failed.is_some() {
                "failed"
            } else if statuses.iter().all(|s| matches!(s, StepStatus::Ok | StepStatus::Unknown)) {
                "completed"
            } else {
                "incomplete"
            },
            failed_step: failed,
            last_step,
            codes,
        });
    }
    report.cycles_total = summaries.len();
    report.cycles = summaries.split_off(summaries.len().saturating_sub(MAX_CYCLES));

    let empty = Cycle::default();
    let last = cycles.last().unwrap_or(&empty);
    for e in &last.events {
        let id = log_ids[e.log as usize];
        if !report.latest_cycle_logs.contains(&id) {
            report.latest_cycle_logs.push(id);
        }
    }
    for c in &cycles {
        for e in &c.events {
            let id = log_ids[e.log as usize];
            match report.last_line_of_log.iter_mut().find(|(l, _, _)| *l == id) {
                Some(x) => *x = (id, e.file, e.entry),
                None => report.last_line_of_log.push((id, e.file, e.entry)),
            }
        }
    }
    let earlier = if cycles.len() > 1 { Some(&cycles[..cycles.len() - 1]) } else { None };
    let (statuses, reasons) = step_statuses(last, n, earlier, def, &log_ids, &provided);
    report.failed_step = statuses.iter().position(|s| *s == StepStatus::Failed).map(|i| i as u8 + 1);

    for (i, st) in def.steps.iter().enumerate() {
        let num = st.number;
        let mut evs: Vec<&Event> = last.events.iter().filter(|e| e.step == num).collect();
        if evs.is_empty() && statuses[i] == StepStatus::Ok {
            // Carried from an earlier cycle: show where.
            if let Some(prev) = earlier {
                if let Some(c) = prev.iter().rev().find(|c| c.events.iter().any(|e| e.step == num && e.kind == Kind::Ok)) {
                    evs = c.events.iter().filter(|e| e.step == num && e.kind == Kind::Ok).collect();
                }
            }
        }
        // Failures first, then outcomes, then starts; at most 6.
        let rank = |e: &&Event| match e.kind {
            Kind::Fail => 0,
            Kind::Ok => 1,
            _ => 2,
        };
        let mut shown: Vec<&Event> = evs.clone();
        shown.sort_by_key(|e| (rank(e), e.time, e.file, e.entry));
        if statuses[i] == StepStatus::Ok {
            shown.retain(|e| e.kind != Kind::Fail || evs.len() < 3);
        }
        shown.truncate(6);
        shown.sort_by_key(|e| (e.time, e.file, e.entry));
        let ev: Vec<Evidence> = shown
            .iter()
            .map(|e| {
                let f = &a.files[e.file as usize];
                evidence(f, e.entry as usize, f.entries[e.entry as usize].line, 300)
            })
            .collect();
        let mut codes: Vec<String> = Vec::new();
        if statuses[i] == StepStatus::Failed {
            for e in evs.iter().filter(|e| e.kind == Kind::Fail) {
                report.failed_events.push((e.file, e.entry));
                for code in a.codes_at(e.file as usize, e.entry) {
                    let s = format!("0x{code:08X}");
                    if !codes.contains(&s) {
                        codes.push(s);
                    }
                }
            }
        }
        let missing: Vec<String> = st.witnesses.iter().filter(|w| !provided[log_ids.iter().position(|x| x == *w).unwrap()]).map(|w| log_file_name(w)).collect();
        report.steps.push(StepReport {
            number: num,
            title: st.title,
            short: st.short,
            status: statuses[i],
            reason: reasons[i].clone(),
            evidence: ev,
            codes,
            logs: st.witnesses.iter().map(|w| log_file_name(w)).collect(),
            missing_logs: missing,
            guidance: st.guidance,
            sources: st.sources,
        });
    }
    // Fill the failure reason with the codes now that they are known.
    if let Some(fs) = report.failed_step {
        let s = &mut report.steps[fs as usize - 1];
        if !s.codes.is_empty() && s.reason.is_empty() {
            s.reason = format!("failed with {}", describe_codes(&s.codes));
        }
    }
    report
}

/// `0x8024401B (WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ)` for the first code, plus the others.
pub fn describe_codes(codes: &[String]) -> String {
    let mut parts = Vec::new();
    for c in codes.iter().take(3) {
        let sym = wulens_kb::lookup(c).ok().and_then(|l| l.entry).map(|e| e.symbol).filter(|s| !s.is_empty());
        parts.push(match sym {
            Some(s) => format!("{c} ({s})"),
            None => c.clone(),
        });
    }
    parts.join(", ")
}

#[allow(clippy::too_many_arguments)]
fn collect_events(a: &Analysis, fi: usize, f: &LogFile, id: &str, log: u16, def: &'static FlowDef, compiled: &CompiledFlow, out: &mut Vec<Event>) {
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
    let failure_entries: std::collections::HashSet<u32> = a.entry_codes[fi].iter().map(|(e, _)| *e).collect();
    // Threads inside each scope.
    let mut in_scope: Vec<HashMap<u32, bool>> = vec![HashMap::new(); def.scopes.len()];
    let mut time = i64::MIN;
    let hits = &a.signal_hits()[fi];
    let mut cursor = 0usize;
    for (ei, e) in f.entries.iter().enumerate() {
        if let Some(t) = f.utc_ms(e) {
            time = t;
        }
        while cursor < hits.len() && (hits[cursor].0 as usize) < ei {
            cursor += 1;
        }
        let bits = match hits.get(cursor) {
            Some((i, b)) if *i as usize == ei => *b,
            _ if !error_step || e.severity != Severity::Error => continue,
            _ => [0; 4],
        };
        if !e.parsed {
            continue;
        }
        for &sc in &scopes {
            let (start, _) = &compiled.scopes[sc];
            if start.matches(&bits) {
                in_scope[sc].insert(e.thread, true);
            }
        }
        let mut matched = false;
        for &(si, gi) in &sigs {
            let sig = &def.steps[si].signals[gi];
            if sig.min_severity.is_some_and(|m| e.severity < m) {
                continue;
            }
            if let Some(sc) = sig.scope {
                if !in_scope[sc].get(&e.thread).copied().unwrap_or(false) {
                    continue;
                }
            }
            if !compiled.signals[si][gi].matches(&bits) {
                continue;
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
        for &sc in &scopes {
            let (_, end) = &compiled.scopes[sc];
            if end.matches(&bits) {
                in_scope[sc].insert(e.thread, false);
            }
        }
    }
}

fn step_statuses(c: &Cycle, n: usize, earlier: Option<&[Cycle]>, def: &FlowDef, log_ids: &[&str], provided: &[bool]) -> (Vec<StepStatus>, Vec<String>) {
    let mut st = vec![StepStatus::Unknown; n];
    let mut reasons = vec![String::new(); n];
    let has_events = |s: u8| c.events.iter().any(|e| e.step == s);
    let later_ran = |s: u8| c.events.iter().any(|e| e.step > s && e.kind != Kind::Fail);
    for i in 0..n {
        let s = i as u8 + 1;
        let step_def = &def.steps[i];
        let last_outcome = c.events.iter().rev().find(|e| e.step == s && matches!(e.kind, Kind::Ok | Kind::Fail));
        let blocked =
            (0..i).find(|&j| matches!(st[j], StepStatus::Failed | StepStatus::NotReached) && !(st[j] == StepStatus::NotReached && later_ran(j as u8 + 1)));
        if let Some(e) = last_outcome {
            st[i] = if e.kind == Kind::Ok { StepStatus::Ok } else { StepStatus::Failed };
            if e.kind == Kind::Ok && c.events.iter().any(|x| x.step == s && x.kind == Kind::Fail) {
                reasons[i] = "errors were logged, but the step completed after them".into();
            }
            continue;
        }
        if has_events(s) {
            // Started, no outcome.
            if later_ran(s) {
                st[i] = StepStatus::Ok;
                reasons[i] = format!("implied: step {} ran after it", s + 1);
            } else {
                st[i] = StepStatus::Failed;
                reasons[i] = "started, but no result was logged after it".into();
            }
            continue;
        }
        if let Some(j) = blocked {
            st[i] = StepStatus::NotReached;
            reasons[i] = format!("step {} did not complete", j + 1);
            continue;
        }
        let witnessed = step_def.witnesses.iter().any(|w| log_ids.iter().position(|x| x == w).is_some_and(|p| provided[p]));
        if c.events.is_empty() {
            // No scan at all in these logs: say which logs were looked at, or are missing.
            let names: Vec<String> = step_def.witnesses.iter().map(|w| log_file_name(w)).collect();
            if witnessed {
                st[i] = StepStatus::NotReached;
                reasons[i] = format!("no activity of this flow in {}", join_names(&names));
            } else {
                st[i] = StepStatus::Unknown;
                reasons[i] = format!("not witnessed: {} {} not provided", join_names(&names), if names.len() == 1 { "was" } else { "were" });
            }
            continue;
        }
        if !witnessed {
            st[i] = StepStatus::Unknown;
            let names: Vec<String> = step_def.witnesses.iter().map(|w| log_file_name(w)).collect();
            reasons[i] = format!("not witnessed: {} {} not provided", join_names(&names), if names.len() == 1 { "was" } else { "were" });
            continue;
        }
        if later_ran(s) {
            st[i] = StepStatus::Ok;
            reasons[i] = format!("implied: not logged in this cycle, but step {} ran after it", s + 1);
            continue;
        }
        if let Some(prev) = earlier {
            if prev.iter().any(|pc| pc.events.iter().any(|e| e.step == s && e.kind == Kind::Ok)) && s == 1 {
                st[i] = StepStatus::Ok;
                reasons[i] = "done in an earlier cycle; not repeated".into();
                continue;
            }
        }
        st[i] = StepStatus::NotReached;
        reasons[i] = if c.events.is_empty() { "no line of this flow in the logs".into() } else { "nothing logged for this step in the latest cycle".into() };
    }
    (st, reasons)
}

fn join_names(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        _ => format!("{} and {}", names[..names.len() - 1].join(", "), names[names.len() - 1]),
    }
}
