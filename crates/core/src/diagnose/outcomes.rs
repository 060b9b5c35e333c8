//! What each kind of work in the logs came to, one statement each, as facts, with the lines that
//! prove it: the Windows Update agent's operations, servicing (DISM, CBS, the component store,
//! SFC), Windows setup, task sequences and the ConfigMgr client's installation. The verdict leads
//! with the failed ones and then says what ran and succeeded; the words are written at the output
//! edge (`output/words/outcomes.rs`).

use std::collections::BTreeMap;

use super::operations::{Counted, Operation};
use super::restart::Restart;
use super::setup::{Reached, Rollback, SetupNote, Waiting};
use crate::analysis::Analysis;
use crate::model::Domain;
use crate::model::{LogKind, OperationKind, Outcome, Standing};

/// One sentence of the verdict, with its evidence (file, entry) and codes.
pub struct Statement {
    pub domain: Domain,
    pub standing: Standing,
    /// What the work came to (its words: `output/words/detail.rs`, `output/words/outcomes.rs`).
    pub said: Said,
    /// A target failing now that this statement tells first: its row in `Diagnosis::ledger`.
    pub told: Option<usize>,
    pub lines: Vec<(usize, u32)>,
    pub codes: Vec<u32>,
}

/// What a statement says of its work. An operation is named by its index among the operations
/// the conclusions count (those [`statements`] receives: `Diagnosis::counted_operations`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Said {
    /// The ConfigMgr client scan flow (`Diagnosis::scan`), with its cycles.
    ScanFlow,
    /// The WSUS synchronization flow (`Diagnosis::sync`).
    SyncFlow,
    /// Nothing of its own: only the target it tells first (`Statement::told`).
    Told,
    /// What finding `0` (its index in `Diagnosis::findings`) found: the ConfigMgr chain around
    /// the scan (`diagnose/chain.rs`), the software updates feature off or the site's software
    /// update points.
    Finding(usize),
    /// The Windows Update agent's searches, downloads and installs.
    Agent(Agent),
    /// The ConfigMgr client evaluating its deployments.
    Deployment(Deployment),
    /// Servicing: sessions, the component store's check, SFC, the restart it asked for.
    Servicing(Servicing),
    /// One run per log: the client's installation, setup, a task sequence (the latest decides).
    Run(Run),
}

/// What the agent's operations came to, a kind of work at a time (searches, downloads,
/// installs, in that order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    pub kinds: Vec<AgentKind>,
    /// Delivery Optimization's jobs alone (its log without the agent's): DO serves apps and
    /// Office as well as Windows Update, so the statement names DO.
    pub delivery_optimization: bool,
    /// Something failed (the statement's own standing, before a target failing now leads it).
    pub failed: bool,
}

/// The agent's operations of one kind, by outcome (indices, in order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentKind {
    pub kind: OperationKind,
    pub all: usize,
    pub succeeded: usize,
    pub failed: Vec<usize>,
    /// Failed, then a later try of the same work succeeded: shown, never a failure.
    pub recovered: Vec<usize>,
    pub cancelled: Vec<usize>,
    pub running: usize,
    /// With no end logged (the service restarted).
    pub interrupted: usize,
    pub unknown: usize,
    /// Still running, but an error of its own was logged on the way.
    pub erred: Option<Erred>,
}

/// The operations still running that logged an error of their own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Erred {
    /// How many.
    pub count: usize,
    /// The last of them.
    pub last: usize,
    /// The first code it logged.
    pub code: u32,
    /// The line (its entry) where an update of the call failed, which gave the call its root:
    /// that update's work failed though the call has no end.
    pub update_failed: Option<u32>,
}

/// What the ConfigMgr client's deployment evaluations came to, by label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    pub labels: Vec<DeploymentLabel>,
    /// Error lines with a code before a later success of the same log (file, entry, code):
    /// recovered, not the problem; only where none failed.
    pub recovered: Vec<(usize, u32, u32)>,
}

/// The runs of one label (the deployment's, else its operation's title).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentLabel {
    pub label: String,
    pub all: usize,
    pub succeeded: usize,
    pub failed: Vec<usize>,
}

/// What servicing came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Servicing {
    /// Nothing failed and nothing needs a look (the statement's own standing).
    pub calm: bool,
    /// Servicing sessions, all sorts.
    pub sessions: usize,
    /// The failed sessions.
    pub failed: Vec<usize>,
    /// The sessions of the failed ones' sort (DISM commands, CBS sessions).
    pub failed_of: usize,
    /// The sessions completed: of the other sorts where some failed (the DISM API sessions of
    /// Disk Cleanup beside them are other work), else all of them.
    pub completed: Vec<usize>,
    /// SFC's last scan, where no file it could not repair speaks for it.
    pub sfc_scan: Option<SfcScan>,
    /// The servicing stack's runs that stopped normally, where nothing else speaks.
    pub stack_runs: Option<StackRuns>,
    /// The last component-store check.
    pub check: Option<StoreCheck>,
    /// The files SFC could not repair.
    pub sfc_unrepaired: Option<SfcUnrepaired>,
    /// Error lines of an excerpt cut out of its session (no session around them in that log).
    pub loose: Option<Loose>,
    /// The restart servicing asked for last.
    pub restart: Option<Restart>,
}

/// SFC's last scan: its line, and how many damaged components it repaired (`Some(0)`: it
/// found nothing to repair; `None` where its line gives no number).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SfcScan {
    pub file: usize,
    pub entry: u32,
    pub repaired: Option<u32>,
}

/// How many times the servicing stack ran, and the line of the last run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackRuns {
    pub runs: usize,
    pub last: (usize, u32),
}

/// The last component-store check: its operation, what it was (`/ScanHealth`, or `check`),
/// what it found, and whether the check itself failed where no session did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreCheck {
    pub op: usize,
    pub kind: String,
    pub found: Corruption,
    pub itself_failed: bool,
}

/// What a component-store check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corruption {
    /// More corruptions than it repaired: the store is damaged.
    Unrepaired { found: u32, repaired: u32 },
    /// Corruptions, every one repaired.
    AllRepaired { found: u32, repaired: u32 },
    /// None, and the check succeeded.
    None,
    /// Its lines do not say.
    NotSaid,
}

/// The files SFC could not repair: how many distinct files, in which components (sorted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SfcUnrepaired {
    pub files: usize,
    pub components: Vec<String>,
}

/// Error lines with no servicing session around them: how many, and their codes in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loose {
    pub lines: usize,
    pub codes: Vec<u32>,
}

/// What the latest run of one kind (client installation, setup, task sequence) came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub kind: OperationKind,
    /// The latest run, which decides.
    pub last: usize,
    /// The program that wrote a setup log, where it is not Windows setup.
    pub program: Option<super::setup::SetupProgram>,
    /// Error lines the latest run logged.
    pub errors: usize,
    /// More than one run counts.
    pub several: bool,
    /// Its log is a setuperr.log, and no setupact.log is in the drop.
    pub errors_only: bool,
    /// No result, but the rollback's own lines: the upgrade failed and is being, or was,
    /// undone.
    pub rollback: Option<Rollback>,
    /// How many runs its log holds, and how many of them failed.
    pub in_log: usize,
    pub failed_in_log: usize,
    /// The last failed run of its log, where the latest did not fail.
    pub earlier_failure: Option<usize>,
    /// What a failed setup run's lines add (its extend code, the device install it stops in).
    pub note: Option<SetupNote>,
    /// What a setup run cancelled or left without a result was waiting on: its phase and the
    /// failure that phase kept meeting (a download that never progressed).
    pub waiting: Option<Waiting>,
    /// The last phase a setup run without a result logged finishing (no rollback's lines).
    pub reached: Option<Reached>,
}

/// Every domain the operations show, most important first.
/// `scan_told`: the ConfigMgr scan flow is in the logs and already tells its own searches
/// (CallerId CcmExec), so the agent's sentence leaves them out.
pub fn statements(a: &Analysis, ops: &[&Operation], counted: &[Counted], scan_told: bool) -> Vec<Statement> {
    let mut out = Vec::new();
    out.extend(per_run(a, ops, OperationKind::ClientInstall, Domain::ClientInstall));
    out.extend(deployment(a, ops));
    out.extend(agent(a, ops, scan_told));
    out.extend(servicing(a, ops, counted));
    out.extend(per_run(a, ops, OperationKind::Setup, Domain::Setup));
    out.extend(per_run(a, ops, OperationKind::TaskSequence, Domain::TaskSequence));
    out
}

fn lines_of(ops: &[&Operation], max: usize) -> Vec<(usize, u32)> {
    let mut v = Vec::new();
    for op in ops {
        for &e in op.lines.iter().take(3) {
            if v.len() < max && !v.contains(&(op.file, e)) {
                v.push((op.file, e));
            }
        }
    }
    v
}

fn codes_of(ops: &[&Operation]) -> Vec<u32> {
    let mut v = Vec::new();
    for c in ops.iter().flat_map(|o| o.lead_code().into_iter().chain(o.code).chain(o.root)) {
        if c & 0x8000_0000 != 0 && !v.contains(&c) {
            v.push(c);
        }
    }
    v
}

// ---- the Windows Update agent ----

/// The agent's searches, downloads and installs by outcome: failed ones and what ran.
fn agent(a: &Analysis, ops: &[&Operation], scan_told: bool) -> Option<Statement> {
    // The ConfigMgr client's searches are told by its scan's statement when there is one.
    let agent: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].kind().is_agent() && !(scan_told && ops[i].caller.eq_ignore_ascii_case("CcmExec"))).collect();
    if agent.is_empty() {
        return None;
    }
    let mut kinds = Vec::new();
    let mut standing = Standing::Ok;
    let mut shown: Vec<&Operation> = Vec::new();
    let mut failing_line: Option<(usize, u32)> = None;
    for kind in [OperationKind::Search, OperationKind::Download, OperationKind::Install] {
        let of: Vec<usize> = agent.iter().copied().filter(|&i| ops[i].kind() == kind).collect();
        if of.is_empty() {
            continue;
        }
        let with = |o: Outcome| of.iter().copied().filter(|&i| ops[i].outcome == o).collect::<Vec<usize>>();
        let (failed, recovered, cancelled) = (with(Outcome::Failed), with(Outcome::Recovered), with(Outcome::Cancelled));
        let succeeded = with(Outcome::Succeeded).len();
        if !failed.is_empty() {
            standing = Standing::Failed;
            shown.extend(failed.iter().rev().take(2).map(|&i| &ops[i]));
        }
        shown.extend(recovered.iter().rev().take(1).map(|&i| &ops[i]));
        if !cancelled.is_empty() {
            shown.extend(cancelled.iter().rev().take(1).map(|&i| &ops[i]));
            // Cancelled and nothing of the kind succeeded: worth a look, not a failure.
            if succeeded == 0 && standing == Standing::Ok {
                standing = Standing::Attention;
            }
        }
        // Still running, but an error of its own was logged on the way: said, never hidden.
        let running = with(Outcome::Running);
        let erred_ones: Vec<usize> = running.iter().copied().filter(|&i| !ops[i].codes_seen.is_empty()).collect();
        let mut erred = None;
        if let Some(&i) = erred_ones.last() {
            let last = &ops[i];
            // An update of the call failed (the handler's or the download manager's line says
            // so): that update's work failed though the call has no end. A failure, whose line
            // leads the evidence.
            let update_failed = root_line(a, last);
            match update_failed {
                Some(e) => {
                    failing_line.get_or_insert((last.file, e));
                    standing = Standing::Failed;
                }
                None if standing == Standing::Ok => standing = Standing::Attention,
                None => {}
            }
            shown.push(last);
            erred = Some(Erred { count: erred_ones.len(), last: i, code: last.codes_seen[0].0, update_failed });
        }
        kinds.push(AgentKind {
            kind,
            all: of.len(),
            succeeded,
            failed,
            recovered,
            cancelled,
            running: running.len(),
            interrupted: with(Outcome::Interrupted).len(),
            unknown: with(Outcome::Unknown).len(),
            erred,
        });
    }
    if shown.is_empty() {
        // Nothing failed: the latest operation of each kind shows it.
        for kind in [OperationKind::Search, OperationKind::Download, OperationKind::Install] {
            shown.extend(agent.iter().rfind(|&&i| ops[i].kind() == kind).map(|&i| &ops[i]));
        }
    }
    let delivery_optimization = agent.iter().all(|&i| a.files[ops[i].file].is(LogKind::DeliveryOptimization));
    let mut lines = lines_of(&shown, 6);
    if let Some(l) = failing_line {
        lines.retain(|&x| x != l);
        lines.insert(0, l);
    }
    let said = Said::Agent(Agent { kinds, delivery_optimization, failed: standing == Standing::Failed });
    Some(Statement { domain: Domain::WindowsUpdate, standing, said, told: None, lines, codes: codes_of(&shown) })
}

/// The line of a call still running that gave it an update's failure (`root`), if any.
fn root_line(a: &Analysis, op: &Operation) -> Option<u32> {
    let root = op.root?;
    op.lines.iter().copied().find(|&e| a.codes_at(op.file, e).any(|c| c == root))
}

// ---- the ConfigMgr client evaluating deployments ----

/// The deployments' runs by label; errors before a later success where none failed.
fn deployment(a: &Analysis, ops: &[&Operation]) -> Option<Statement> {
    let runs: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].kind() == OperationKind::Deployment).collect();
    if runs.is_empty() {
        return None;
    }
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in &runs {
        let o = &ops[i];
        by_label.entry(if o.label.is_empty() { o.def.title } else { o.label.as_str() }).or_default().push(i);
    }
    let mut labels = Vec::new();
    let mut standing = Standing::Ok;
    let mut shown: Vec<&Operation> = Vec::new();
    for (label, of) in &by_label {
        let failed: Vec<usize> = of.iter().copied().filter(|&i| ops[i].outcome == Outcome::Failed).collect();
        let succeeded = of.iter().filter(|&&i| ops[i].outcome == Outcome::Succeeded).count();
        if failed.is_empty() {
            if succeeded < of.len() {
                standing = standing.min(Standing::Attention);
            }
        } else {
            standing = Standing::Failed;
            shown.extend(failed.iter().rev().take(2).map(|&i| &ops[i]));
        }
        labels.push(DeploymentLabel { label: label.to_string(), all: of.len(), succeeded, failed });
    }
    if shown.is_empty() {
        shown.extend(runs.last().map(|&i| &ops[i]));
    }
    let mut lines = lines_of(&shown, 6);
    let mut recovered = Vec::new();
    if standing != Standing::Failed {
        // Errors before a later success: recovered, not the problem.
        recovered = recovered_errors(a, &runs.iter().map(|&i| ops[i]).collect::<Vec<_>>());
        if let Some(&(fi, ei, _)) = recovered.first() {
            lines.push((fi, ei));
        }
    }
    let codes = codes_of(&shown);
    Some(Statement { domain: Domain::ConfigmgrDeployment, standing, said: Said::Deployment(Deployment { labels, recovered }), told: None, lines, codes })
}

/// Error records with a code, in the files of `runs`, that a succeeded run of the same file ends
/// after: (file, entry, code).
fn recovered_errors(a: &Analysis, runs: &[&Operation]) -> Vec<(usize, u32, u32)> {
    let mut out = Vec::new();
    let mut files: Vec<usize> = runs.iter().map(|o| o.file).collect();
    files.dedup();
    for fi in files {
        let last_ok = runs.iter().filter(|o| o.file == fi && o.outcome == Outcome::Succeeded).filter_map(|o| o.end).max();
        let Some(last_ok) = last_ok else { continue };
        let f = &a.files[fi];
        for &(e, code) in &a.entry_codes[fi] {
            if e < last_ok && f.entries[e as usize].severity == crate::model::Severity::Error && !out.iter().any(|(_, x, _)| *x == e) {
                out.push((fi, e, code));
            }
        }
    }
    out
}

// ---- servicing ----

/// Servicing's sessions, the component store's last check, SFC, error lines with no session
/// around them, the restart servicing asked for; what healthy runs say where nothing else does.
fn servicing(a: &Analysis, ops: &[&Operation], counted: &[Counted]) -> Option<Statement> {
    let sessions: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].kind() == OperationKind::Servicing).collect();
    let checks: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].kind() == OperationKind::StoreCheck).collect();
    let sfc: Vec<&Counted> = counted.iter().filter(|c| c.id == "sfc_cannot_repair").collect();
    // Error lines of an excerpt cut out of its session (no session to conclude in that log).
    let loose = super::rules::sessionless_servicing_errors(a, ops);
    // The servicing stack's runs that stopped normally: what ran, where nothing else speaks.
    let stack_runs: Vec<&Counted> = counted.iter().filter(|c| c.id == "trusted_installer_run").collect();
    let sfc_scan = counted.iter().rfind(|c| c.id == "sfc_repairing");
    if sessions.is_empty() && checks.is_empty() && sfc.is_empty() && loose.is_empty() && stack_runs.is_empty() && sfc_scan.is_none() {
        return None;
    }
    let mut said = false;
    let mut standing = Standing::Ok;
    let mut shown: Vec<&Operation> = Vec::new();
    let mut lines: Vec<(usize, u32)> = Vec::new();
    let failed: Vec<usize> = sessions.iter().copied().filter(|&i| ops[i].outcome == Outcome::Failed).collect();
    let (failed_of, completed) = if !failed.is_empty() {
        standing = Standing::Failed;
        shown.extend(failed.iter().rev().take(2).map(|&i| &ops[i]));
        // Counted among the sessions of their own sort (DISM commands, CBS sessions): the DISM
        // API sessions of Disk Cleanup beside them are other work, said apart.
        let (same, other): (Vec<usize>, Vec<usize>) = sessions.iter().partition(|&&i| failed.iter().any(|&f| ops[f].def.title == ops[i].def.title));
        (same.len(), other.into_iter().filter(|&i| ops[i].outcome == Outcome::Succeeded).collect())
    } else {
        (0, sessions.iter().copied().filter(|&i| ops[i].outcome == Outcome::Succeeded).collect::<Vec<usize>>())
    };
    said |= !sessions.is_empty();
    // What healthy runs say where nothing else does: SFC's last scan (where no file it could not
    // repair speaks for it), and the servicing stack's runs (where no session, check or error
    // speaks at all).
    let quiet = sessions.is_empty() && checks.is_empty() && sfc.is_empty() && loose.is_empty();
    let sfc_scan = sfc_scan.filter(|_| sfc.is_empty()).map(|c| SfcScan { file: c.file, entry: c.entry, repaired: c.item.trim().parse::<u32>().ok() });
    let stack_runs = match stack_runs.last() {
        Some(last) if quiet && sfc_scan.is_none() => {
            lines.extend(stack_runs.iter().rev().take(2).rev().map(|c| (c.file, c.entry)));
            Some(StackRuns { runs: stack_runs.len(), last: (last.file, last.entry) })
        }
        _ => None,
    };
    if let Some(scan) = &sfc_scan {
        said |= scan.repaired.is_some();
        lines.push((scan.file, scan.entry));
    }
    said |= stack_runs.is_some();
    let check = checks.last().map(|&i| {
        let check = &ops[i];
        let n = |name: &str| check.fact(name).and_then(|v| v.trim().parse::<u32>().ok());
        let found = match (n("detected"), n("repaired")) {
            (Some(found), Some(repaired)) if found > repaired => {
                standing = standing.min(Standing::Failed);
                shown.push(check);
                Corruption::Unrepaired { found, repaired }
            }
            (Some(found), Some(repaired)) if found > 0 => Corruption::AllRepaired { found, repaired },
            (Some(0), _) if check.outcome == Outcome::Succeeded => Corruption::None,
            _ => Corruption::NotSaid,
        };
        let itself_failed = check.outcome == Outcome::Failed && failed.is_empty();
        if itself_failed {
            standing = Standing::Failed;
            shown.push(check);
        }
        said |= found != Corruption::NotSaid || itself_failed;
        StoreCheck { op: i, kind: check.fact("operation").unwrap_or("check").trim().to_string(), found, itself_failed }
    });
    let sfc_unrepaired = (!sfc.is_empty()).then(|| {
        let mut files: Vec<&str> = sfc.iter().map(|c| c.item.as_str()).collect();
        files.sort_unstable();
        files.dedup();
        let mut components: Vec<String> = sfc.iter().map(|c| c.group.clone()).collect();
        components.sort_unstable();
        components.dedup();
        if standing == Standing::Ok {
            standing = Standing::Attention;
        }
        lines.extend(sfc.iter().take(2).map(|c| (c.file, c.entry)));
        SfcUnrepaired { files: files.len(), components }
    });
    said |= sfc_unrepaired.is_some();
    let mut loose_codes: Vec<u32> = Vec::new();
    for &(_, _, c) in &loose {
        if !loose_codes.contains(&c) {
            loose_codes.push(c);
        }
    }
    let loose_said = (!loose.is_empty()).then(|| {
        standing = Standing::Failed;
        lines.extend(loose.iter().take(4).map(|&(f, e, _)| (f, e)));
        Loose { lines: loose.len(), codes: loose_codes.clone() }
    });
    said |= loose_said.is_some();
    let restart = super::restart::servicing_restart(a, ops, counted);
    said |= restart.is_some();
    if !said {
        return None;
    }
    if shown.is_empty() && lines.is_empty() {
        shown.extend(checks.last().or(sessions.last()).map(|&i| &ops[i]));
    }
    // A program's routine calls, said apart from the failures: the last one's lines show it.
    if let Some(&i) = sessions.iter().rfind(|&&i| ops[i].routine.is_some() && ops[i].outcome == Outcome::Succeeded) {
        if !shown.iter().any(|o| std::ptr::eq(*o, ops[i])) {
            shown.push(ops[i]);
        }
    }
    lines.splice(0..0, lines_of(&shown, 6));
    for l in restart.as_ref().map(Restart::lines).unwrap_or_default() {
        if !lines.contains(&l) {
            lines.push(l);
        }
    }
    let mut codes = codes_of(&shown);
    codes.extend(loose_codes.into_iter().filter(|c| !codes.contains(c)).collect::<Vec<u32>>());
    let said = Servicing {
        calm: standing == Standing::Ok,
        sessions: sessions.len(),
        failed,
        failed_of,
        completed,
        sfc_scan,
        stack_runs,
        check,
        sfc_unrepaired,
        loose: loose_said,
        restart,
    };
    Some(Statement { domain: Domain::Servicing, standing, said: Said::Servicing(said), told: None, lines, codes })
}

// ---- one run per log: client installation, setup, task sequence ----

/// The runs of one kind that count, in time order: a run with no result of its own and no line
/// that began it (a setuperr.log beside its setupact.log holds the same run without its result)
/// does not, where another run states one.
pub fn runs_that_count<'o>(a: &Analysis, ops: &'o [&'o Operation], kind: OperationKind) -> Vec<&'o Operation> {
    // A phase whose failure a later log reports (the rollback's) is that run, not another one.
    let mut runs: Vec<&Operation> = ops.iter().copied().filter(|o| o.kind() == kind && o.reported_in.is_none()).collect();
    let time = |o: &Operation| o.anchor().and_then(|e| a.files[o.file].utc_ms(&a.files[o.file].entries[e as usize]));
    runs.sort_by_key(|o| time(o));
    let stated = |o: &Operation| !matches!(o.outcome, Outcome::Unknown | Outcome::Interrupted);
    if runs.iter().any(|o| stated(o)) {
        runs.retain(|o| stated(o) || o.start.is_some());
    }
    runs
}

/// Error lines of a run: those of its log between its start and its end (the whole log for a
/// log that holds one run).
fn run_errors(a: &Analysis, op: &Operation) -> usize {
    let f = &a.files[op.file];
    let (from, to) = (op.start.unwrap_or(0) as usize, op.end.map_or(f.entries.len(), |e| e as usize + 1));
    f.entries.get(from..to.min(f.entries.len())).map_or(0, |v| v.iter().filter(|e| e.severity == crate::model::Severity::Error).count())
}

/// The latest run of one kind, which decides, and what its log's other runs add.
fn per_run(a: &Analysis, ops: &[&Operation], kind: OperationKind, domain: Domain) -> Option<Statement> {
    let runs = runs_that_count(a, ops, kind);
    let last = *runs.last()?;
    let index = |o: &Operation| ops.iter().position(|x| std::ptr::eq(*x, o)).expect("a run is one of the operations");
    let program = if kind == OperationKind::Setup { super::setup::program(a, last) } else { None };
    let unresolved = matches!(last.outcome, Outcome::Interrupted | Outcome::Unknown);
    // No result, but the rollback's own lines: the upgrade failed and is being, or was, undone.
    let rollback = (kind == OperationKind::Setup && unresolved).then(|| super::setup::rollback(a, last)).flatten();
    let mut standing = match last.outcome {
        // A run of a whole log is never marked recovered; it is here for the match to be whole.
        Outcome::Failed | Outcome::Recovered => Standing::Failed,
        Outcome::Cancelled | Outcome::Running => Standing::Attention,
        Outcome::Succeeded => Standing::Ok,
        Outcome::Interrupted | Outcome::Unknown => match &rollback {
            Some(r) if r.ended.is_none() => Standing::Attention,
            Some(_) => Standing::Failed,
            None => Standing::Unknown,
        },
    };
    let errors = if matches!(last.outcome, Outcome::Succeeded) || unresolved { run_errors(a, last) } else { 0 };
    // A setuperr.log holds only the error lines of the setupact.log written beside it.
    let errors_only = kind == OperationKind::Setup
        && super::setup::errors_only(&a.files[last.file].name)
        && !a.files.iter().any(|f| f.is(LogKind::Setup) && !super::setup::errors_only(&f.name));
    let mut lines = lines_of(&[last], 6);
    if let Some(r) = &rollback {
        lines.splice(0..0, std::iter::once((last.file, r.began)).chain(r.ended.map(|e| (last.file, e))));
        lines.dedup();
    }
    let mut codes = codes_of(&[last]);
    // A phase that failed in another log and that this run's result reports (`reported_in`):
    // what it failed on and its exit prove the root this run took from it, right after the
    // result line (the first screen shows the first few).
    if last.outcome == Outcome::Failed {
        let mut at = lines.len().min(1);
        for p in ops.iter().filter(|o| o.reported_in == Some(last.file)) {
            for e in p.first_link.into_iter().chain(p.failed_at) {
                if !lines.contains(&(p.file, e)) {
                    lines.insert(at, (p.file, e));
                    at += 1;
                }
            }
        }
    }
    // The runs of its log: a log that holds several says how many, and how many failed; a
    // failure before a latest run that did not fail is an earlier one, still a failure.
    let own: Vec<&Operation> = runs.iter().copied().filter(|o| o.file == last.file).collect();
    let failed: Vec<&Operation> = own.iter().copied().filter(|o| o.outcome == Outcome::Failed).collect();
    let mut earlier_failure = None;
    if own.len() > 1 {
        if let Some(f) = failed.last().filter(|_| last.outcome != Outcome::Failed) {
            standing = Standing::Failed;
            lines.extend(lines_of(&[f], 4).into_iter().filter(|l| !lines.contains(l)).collect::<Vec<_>>());
            codes.extend(codes_of(&[f]).into_iter().filter(|c| !codes.contains(c)).collect::<Vec<_>>());
            earlier_failure = Some(index(f));
        }
    }
    let waiting = super::setup::waiting(a, last);
    if let Some(w) = &waiting {
        for e in [w.first, w.last] {
            if !lines.contains(&(last.file, e)) {
                lines.push((last.file, e));
            }
        }
        if !codes.contains(&w.code) {
            codes.push(w.code);
        }
    }
    let reached = if rollback.is_none() { super::setup::reached(a, last) } else { None };
    if let Some(r) = &reached {
        lines.push((last.file, r.entry));
    }
    let note = if kind == OperationKind::Setup { super::setup::failure_note(a, last) } else { None };
    let note = note.map(|(note, shown)| {
        lines.extend(shown);
        note
    });
    if lines.is_empty() {
        // No line of its own (the run's result is not in the log): its last error line, and
        // where the log ends.
        let f = &a.files[last.file];
        let last_error = f.entries.iter().rposition(|e| e.severity == crate::model::Severity::Error);
        let end = f.entries.len().checked_sub(1);
        for e in last_error.into_iter().chain(end) {
            if !lines.contains(&(last.file, e as u32)) {
                lines.push((last.file, e as u32));
            }
        }
    }
    let said = Run {
        kind,
        last: index(last),
        program,
        errors,
        several: runs.len() > 1,
        errors_only,
        rollback,
        in_log: own.len(),
        failed_in_log: failed.len(),
        earlier_failure,
        note,
        waiting,
        reached,
    };
    Some(Statement { domain, standing, said: Said::Run(said), told: None, lines, codes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnose(files: &[(&str, &str)]) -> super::super::Diagnosis {
        let files = files
            .iter()
            .map(|(name, text)| {
                crate::read::file::from_text(name.to_string(), crate::model::TextEncoding::Utf8, text.len() as u64, text.to_string(), Default::default())
            })
            .collect();
        super::super::Diagnosis::run(&Analysis::from_files(files, Vec::new()))
    }

    /// A repair that cannot find its source, twice, and the check that found the store damaged:
    /// the failed sessions (by index among the counted operations) and what the check found.
    #[test]
    fn servicing_states_its_failed_sessions_and_the_damaged_store() {
        let d = diagnose(&[
            ("CBS.log", include_str!("../../../../tests/fixtures/cbs-corruption/logs/CBS.log")),
            ("dism.log", include_str!("../../../../tests/fixtures/cbs-corruption/logs/dism.log")),
        ]);
        let st = d.statements.iter().find(|s| s.domain == Domain::Servicing).expect("a servicing statement");
        assert_eq!(st.standing, Standing::Failed);
        let Said::Servicing(x) = &st.said else { panic!("servicing says {:?}", st.said) };
        let ops = d.counted_operations();
        assert!(!x.calm);
        assert_eq!((x.sessions, x.failed.len(), x.failed_of, x.completed.len()), (2, 2, 2, 0));
        assert!(x.failed.iter().all(|&i| ops[i].kind() == OperationKind::Servicing && ops[i].outcome == Outcome::Failed));
        assert!(x.failed.iter().all(|&i| ops[i].code == Some(0x800F_081F)));
        let check = x.check.as_ref().expect("the component-store check");
        assert_eq!(ops[check.op].kind(), OperationKind::StoreCheck);
        assert_eq!((check.kind.as_str(), check.found, check.itself_failed), ("Detect and Repair", Corruption::Unrepaired { found: 2, repaired: 0 }, false));
        assert_eq!((&x.sfc_scan, &x.stack_runs, &x.sfc_unrepaired, &x.loose, &x.restart), (&None, &None, &None, &None, &None));
    }

    /// Delivery Optimization's job that the agent's download call names is that download, told
    /// once: the agent's statement counts its two downloads, one failed, by index.
    #[test]
    fn the_agent_states_its_downloads_by_outcome() {
        let d = diagnose(&[
            ("WindowsUpdate.log", include_str!("../../../../tests/fixtures/delivery-optimization-agent/WindowsUpdate.log")),
            ("DeliveryOptimization.log", include_str!("../../../../tests/fixtures/delivery-optimization-agent/DeliveryOptimization.log")),
        ]);
        let st = d.statements.iter().find(|s| s.domain == Domain::WindowsUpdate).expect("the agent's statement");
        let Said::Agent(x) = &st.said else { panic!("the agent says {:?}", st.said) };
        let ops = d.counted_operations();
        assert!(x.failed && !x.delivery_optimization);
        assert_eq!(x.kinds.len(), 1);
        let k = &x.kinds[0];
        assert_eq!((k.kind, k.all, k.succeeded, k.failed.len()), (OperationKind::Download, 2, 1, 1));
        assert_eq!((k.recovered.len(), k.cancelled.len(), k.running, k.interrupted, k.unknown, &k.erred), (0, 0, 0, 0, 0, &None));
        let failed = ops[k.failed[0]];
        assert_eq!((failed.kind(), failed.outcome, failed.root), (OperationKind::Download, Outcome::Failed, Some(0x80D0_2002)));
    }
}
