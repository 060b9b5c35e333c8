//! The first screen's facts: is the machine failing now, and since when; why; what to do first;
//! a badge for what was dropped. It reads what the statements, operations, findings and next
//! checks concluded and states it as [`Sentence`]s; their words are written at the output edge
//! (`output/words/headline.rs`), which also keeps the screen to about 300 characters.

use super::context::Context;
use super::finding::Finding;
use super::operations::Operation;
use super::outcomes::{Said, Statement};
use super::rules::Evaluated;
use super::verdict::Conclusion;
use crate::analysis::Analysis;
use crate::model::{time_of, Badge, Domain, FindingSeverity, OperationKind, Outcome, Standing, VerdictStatus};

/// What the first screen says, as facts.
pub struct Headline {
    /// What the verdict amounts to (its words: `output::badge_words`).
    pub badge: Badge,
    /// In order: failing now or not, the cause, the first step, what could not be read.
    pub sentences: Vec<Sentence>,
    /// A target failing or stalled now, said before the sentences.
    pub told: Option<Told>,
}

/// A target of the ledger failing or stalled now, said first on the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Told {
    /// Its row in `Diagnosis::ledger`.
    pub row: usize,
    /// How many more of the ledger's rows are failing or stalled.
    pub others: usize,
}

/// A time as the log wrote it (`time_of`), for a sentence to say when.
pub type When = Option<String>;

/// One sentence of the first screen, as facts. Statements and next checks are named by their
/// index in the diagnosis.
#[derive(Clone, Debug, PartialEq)]
pub enum Sentence {
    /// The latest ConfigMgr scan failed at `step` (its short name `short`), its first line at `at`.
    ScanFailing { step: u8, short: &'static str, at: When },
    /// Work of `domain` failed, and no operation of it tells more.
    DomainFailed { domain: Domain, at: When },
    /// The one operation of `kind` failed.
    OneFailed { kind: OperationKind, at: When },
    /// `failed` of `of` operations of `kind` failed, the latest of them too (or the latest is
    /// still running after a failure: `running_after`). `since` is the first failure's time
    /// where more than one failed; `latest_at` the latest's (or, `running_after`, the last
    /// failure's); `name` the one update the failures name.
    FailingNow { kind: OperationKind, failed: usize, of: usize, since: When, name: Option<super::operation::UpdateName>, latest_at: When, running_after: bool },
    /// `failed` of `of` failed, the last at `last_failed_at`; the latest came to `latest`.
    FailedEarlier { kind: OperationKind, failed: usize, of: usize, last_failed_at: When, latest: Outcome, latest_at: When },
    /// No work wulens recognizes; `code` the most significant error that is not routine.
    NoWorkRecognised { code: Option<u32> },
    /// Nothing fails now: what shows it, then what recovered and what still runs.
    Calm { now: Calm, recovered: Option<Recovered>, running: Option<Running> },
    /// What the latest failures come from.
    Cause(Cause),
    /// The first thing to do.
    First(First),
    /// The inputs that hold nothing to read; `alone` where nothing else could be concluded.
    Unread { parts: Vec<Unread>, alone: bool },
    /// What finding `finding` found of the ConfigMgr chain around the scan, failing now: the
    /// site's software update points (`diagnose/chain.rs`).
    Chain { finding: usize },
}

/// Why nothing fails now.
#[derive(Clone, Debug, PartialEq)]
pub enum Calm {
    /// The latest ConfigMgr scan completed (its last line at `at`).
    ScanCompleted { at: When },
    /// The latest operation of `kind` succeeded; `program`: the program whose run it was, where
    /// a setup log is not Windows setup's own (`setup::program`).
    Succeeded { kind: OperationKind, program: Option<super::setup::SetupProgram>, log: crate::model::LogKind, at: When },
    /// An upgrade is rolling back: statement `statement` says so.
    RollingBack { statement: usize },
    /// Nothing failed, but statement `statement` needs attention.
    Attention { statement: usize },
    /// Statement `statement` tells work whose result the logs do not hold.
    ResultUnknown { statement: usize },
    /// No failure; statement `statement`, if any, says what ran.
    NoFailure { statement: Option<usize> },
}

/// Earlier failures of `kind` that a later success followed.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovered {
    pub kind: OperationKind,
    pub count: usize,
    pub first: When,
    pub last: When,
    pub code: Option<u32>,
}

/// Work still running when the log ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Running {
    /// An operation of `kind`, after the error `after` it logged on the way.
    Operation { kind: OperationKind, after: Option<u32> },
    /// The latest ConfigMgr scan.
    Scan,
}

/// The cause of the latest failures.
#[derive(Clone, Debug, PartialEq)]
pub enum Cause {
    /// A feature update's result with its extend code and phase.
    SetupResult(super::setup::SetupResult),
    /// A rollback completed, setup's result is not in the logs.
    NotInLogs,
    /// Sysprep refused `app`, installed for a user but not provisioned; `others` earlier runs refused.
    App { app: String, code: Option<u32>, others: Vec<String> },
    /// Finding `finding`, whose lines' codes are the cause.
    FindingCodes { finding: usize },
    /// Finding `finding`'s title, with the lead failures' code.
    Finding { finding: usize, code: Option<u32> },
    /// No code and no finding: statement `statement`'s own first clause.
    Clause { statement: usize },
    /// The code, with its meaning.
    Code(u32),
}

/// The first thing to do: the first next check, else what to collect first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum First {
    Check,
    Collect,
}

/// An input that holds nothing to read.
#[derive(Clone, Debug, PartialEq)]
pub enum Unread {
    /// Windows 10's placeholder WindowsUpdate.log.
    Placeholder {
        name: String,
    },
    NoEvents {
        name: String,
    },
    /// An .etl that could not be decoded.
    Undecoded {
        name: String,
    },
    Binary {
        name: String,
    },
    Empty {
        name: String,
    },
    /// One input not read, with the reader's message.
    NotRead {
        name: String,
        message: String,
    },
    /// This many inputs not read.
    NotReadMany(usize),
    /// A device install's log that ends inside the install of `device`.
    DeviceStop {
        file: String,
        device: String,
        begun: When,
    },
}

/// Everything the headline reads: what the diagnosis established (`Context`, read through
/// `Deref`), what the rules found, what was concluded, and what to collect next.
pub struct Facts<'a> {
    pub cx: &'a Context<'a>,
    pub found: &'a Evaluated,
    pub conclusion: &'a Conclusion,
    pub collect_next: &'a [super::collect_next::CollectNext],
}

impl<'a> std::ops::Deref for Facts<'a> {
    type Target = Context<'a>;

    fn deref(&self) -> &Context<'a> {
        self.cx
    }
}

pub fn headline(x: &Facts) -> Headline {
    let lead = x.conclusion.statements.iter().position(|s| s.standing == Standing::Failed);
    let (badge, now) = match lead {
        Some(i) => {
            let (now, failing) = failing_now(x, &x.conclusion.statements[i]);
            (if failing { failed_badge(x, x.conclusion.statements[i].domain) } else { Badge::FailedEarlier }, now)
        }
        None => (calm_badge(x), calm_now(x)),
    };
    let mut sentences = vec![now];
    if let Some(i) = lead {
        sentences.extend(cause(x, i).map(Sentence::Cause));
        sentences.extend(first_step(x).map(Sentence::First));
    }
    // What could not be read is said where nothing else could be concluded, and after the
    // conclusion where something was.
    let parts = unread(x);
    if !parts.is_empty() {
        let alone = x.conclusion.status == VerdictStatus::NoScan;
        if alone {
            sentences.clear();
        }
        sentences.push(Sentence::Unread { parts, alone });
    }
    Headline { badge, sentences, told: None }
}

/// The inputs that hold nothing to read: Windows 10's placeholder WindowsUpdate.log, an event
/// log with no events, a dropped file that is not a log.
fn unread(x: &Facts) -> Vec<Unread> {
    let mut parts = Vec::new();
    for f in &x.a.files {
        let name = crate::model::base_name(&f.name).to_string();
        if crate::read::wu_placeholder(&f.text) {
            parts.push(Unread::Placeholder { name });
        } else if f.format == crate::model::LogFormat::EventLog && f.entries.is_empty() {
            parts.push(Unread::NoEvents { name });
        } else if f.format == crate::model::LogFormat::Binary && name.to_ascii_lowercase().ends_with(".etl") {
            parts.push(Unread::Undecoded { name });
        } else if f.format == crate::model::LogFormat::Binary {
            parts.push(Unread::Binary { name });
        } else if f.format == crate::model::LogFormat::Empty {
            parts.push(Unread::Empty { name });
        }
    }
    match x.a.warnings.as_slice() {
        [] => {}
        [w] => parts.push(Unread::NotRead { name: crate::model::base_name(&w.name).to_string(), message: w.message.clone() }),
        ws => parts.push(Unread::NotReadMany(ws.len())),
    }
    // Where nothing else is concluded: a device install's log that stops inside an install.
    if x.conclusion.status == VerdictStatus::NoScan {
        if let Some(d) = super::setup::device_stop(x.a) {
            let f = &x.a.files[d.file];
            parts.push(Unread::DeviceStop { file: crate::model::base_name(&f.name).to_string(), device: d.device, begun: time_of(f, d.entry as usize) });
        }
    }
    parts
}

// ---- the badge ----

fn failed_badge(x: &Facts, domain: Domain) -> Badge {
    match domain {
        Domain::ConfigmgrScan => Badge::ScanFailed,
        Domain::WsusSync => Badge::WsusSyncFailed,
        Domain::SiteSync => Badge::SiteSyncFailed,
        Domain::ConfigmgrDeployment => Badge::DeploymentFailed,
        Domain::WindowsUpdate => Badge::UpdatesFailing,
        Domain::Servicing => Badge::ServicingFailed,
        Domain::Setup if rolled_back(x) => Badge::UpgradeRolledBack,
        Domain::Setup => Badge::SetupFailed,
        Domain::TaskSequence => Badge::TaskSequenceFailed,
        Domain::ClientInstall => Badge::ClientInstallFailed,
    }
}

/// A setup run with no result of its own whose rollback completed (its log has the rollback's
/// lines but not setup's report).
fn rolled_back_without_result(x: &Facts) -> bool {
    x.counting.iter().any(|o| {
        o.kind() == OperationKind::Setup
            && matches!(o.outcome, Outcome::Unknown | Outcome::Interrupted)
            && super::setup::rollback(x.a, o).is_some_and(|r| r.ended.is_some())
    })
}

fn rolled_back(x: &Facts) -> bool {
    if rolled_back_without_result(x) {
        return true;
    }
    x.counting.iter().copied().filter(|o| o.kind() == OperationKind::Setup && o.outcome == Outcome::Failed).any(|o| {
        if super::setup::rolled_back(o) {
            return true;
        }
        let f = &x.a.files[o.file];
        o.lines.iter().any(|&e| f.message(&f.entries[e as usize]).to_ascii_lowercase().contains("rollback"))
    })
}

fn calm_badge(x: &Facts) -> Badge {
    match x.conclusion.status {
        VerdictStatus::NoScan => Badge::NothingToConclude,
        _ if running(x).is_some() => Badge::StillRunning,
        _ if recovered(x).is_some() => Badge::Recovered,
        VerdictStatus::Ok if x.conclusion.statements.iter().any(|s| s.domain == Domain::ConfigmgrScan) => Badge::ScanCompleted,
        VerdictStatus::Ok => Badge::NoFailureFound,
        _ if rolling_back(x).is_some() => Badge::RollingBack,
        _ if attention(x).is_some() => Badge::NeedsAttention,
        _ if unknown_result(x).is_some() => Badge::ResultNotInLogs,
        _ => Badge::NoFailureFound,
    }
}

/// A setup run with no result whose rollback is still running when its log ends: an upgrade
/// failed and is being undone.
fn rolling_back(x: &Facts) -> Option<usize> {
    let open = x.counting.iter().any(|o| {
        o.kind() == OperationKind::Setup
            && matches!(o.outcome, Outcome::Unknown | Outcome::Interrupted)
            && super::setup::rollback(x.a, o).is_some_and(|r| r.ended.is_none())
    });
    open.then(|| x.conclusion.statements.iter().position(|s| s.domain == Domain::Setup && s.standing == Standing::Attention)).flatten()
}

/// The first statement of work whose result the logs do not hold (a setuperr.log without its
/// setupact.log): never "no failure".
fn unknown_result(x: &Facts) -> Option<usize> {
    x.conclusion
        .statements
        .iter()
        .position(|s| s.standing == Standing::Unknown && matches!(s.domain, Domain::Setup | Domain::ClientInstall | Domain::TaskSequence))
}

/// The first statement of servicing or setup that needs attention without anything having
/// failed (files SFC could not repair, an upgrade cancelled): the badge must not say "no failure"
/// over it. (A scan step the logs do not show, or a search another caller cancelled, is no such
/// thing.)
fn attention(x: &Facts) -> Option<usize> {
    x.conclusion
        .statements
        .iter()
        .position(|s| s.standing == Standing::Attention && (matches!(s.domain, Domain::Servicing | Domain::Setup) || matches!(s.said, Said::Finding(_))))
}

// ---- sentence one: failing now? ----

fn failing_now(x: &Facts, st: &Statement) -> (Sentence, bool) {
    if let Said::Finding(finding) = st.said {
        return (Sentence::Chain { finding }, true);
    }
    if st.domain == Domain::ConfigmgrScan {
        if let Some(n) = x.scan.failed_step {
            let short = x.scan.step(n).map_or("", |s| s.short);
            return (Sentence::ScanFailing { step: n, short, at: at(x, first_line(st)) }, true);
        }
    }
    let Some(kind) = lead_kind(x, st.domain) else {
        return (Sentence::DomainFailed { domain: st.domain, at: at(x, first_line(st)) }, true);
    };
    let mut of: Vec<&Operation> = x.counting.iter().copied().filter(|o| o.kind() == kind).collect();
    // A setup log with no result of its own (setuperr.log beside its setupact.log) is the same
    // run, not another one; a later run its log shows begin is one.
    if kind == OperationKind::Setup {
        of = super::outcomes::runs_that_count(x.a, x.counting, kind);
    }
    // Servicing is counted among the sessions of the sort that failed (DISM commands, CBS
    // sessions), not with the DISM API sessions other programs ran beside them.
    if kind == OperationKind::Servicing {
        let titles: Vec<&str> = of.iter().filter(|o| o.outcome == Outcome::Failed).map(|o| o.def.title).collect();
        of.retain(|o| titles.contains(&o.def.title));
    }
    let failed: Vec<&Operation> = of.iter().copied().filter(|o| o.outcome == Outcome::Failed).collect();
    let newest = latest(x, &of).expect("a kind with a failure has an operation");
    let last_failed = latest(x, &failed).expect("a failure");
    if of.len() == 1 {
        return (Sentence::OneFailed { kind, at: stamp(x, newest) }, true);
    }
    // A run still running when the log ends says nothing of whether the work succeeds: the
    // latest that ended does. A command retried after failing, its last try cut off by the end
    // of the log, is still failing. (A run that ended logging no error, though no result, got
    // further than the failures before it: that one is not "failing now".)
    let concluded: Vec<&Operation> = of.iter().copied().filter(|o| o.outcome != Outcome::Running).collect();
    let running_after = newest.outcome == Outcome::Running && latest(x, &concluded).is_some_and(|o| std::ptr::eq(o, last_failed));
    if newest.outcome == Outcome::Failed || running_after {
        let since = earliest(x, &failed).filter(|_| failed.len() > 1).and_then(|o| stamp(x, o));
        // The one update the failures name, when they name one (an event log's title, a Store app).
        let mut names: Vec<super::operation::UpdateName> = failed.iter().filter_map(|o| o.update_name()).collect();
        names.dedup();
        let name = match names.as_slice() {
            [n] => Some(n.clone()),
            _ => None,
        };
        let latest_at = stamp(x, if running_after { last_failed } else { newest });
        (Sentence::FailingNow { kind, failed: failed.len(), of: of.len(), since, name, latest_at, running_after }, true)
    } else {
        let sentence = Sentence::FailedEarlier {
            kind,
            failed: failed.len(),
            of: of.len(),
            last_failed_at: stamp(x, last_failed),
            latest: newest.outcome,
            latest_at: stamp(x, newest),
        };
        (sentence, false)
    }
}

/// The kind of work of `domain` that leads: the one whose latest operation failed, else the one
/// with the most failures.
fn lead_kind(x: &Facts, domain: Domain) -> Option<OperationKind> {
    let kinds = kinds_of(domain);
    let failed: Vec<&Operation> = x.counting.iter().copied().filter(|o| kinds.contains(&o.kind()) && o.outcome == Outcome::Failed).collect();
    let latest_failed = |k: OperationKind| {
        let of: Vec<&Operation> = x.counting.iter().copied().filter(|o| o.kind() == k).collect();
        latest(x, &of).is_some_and(|o| o.outcome == Outcome::Failed)
    };
    let count = |k: OperationKind| failed.iter().filter(|o| o.kind() == k).count();
    kinds.iter().copied().filter(|&k| count(k) > 0).max_by_key(|&k| (latest_failed(k), count(k)))
}

/// The failed operations of the lead kind, latest first.
fn lead_failures<'o>(x: &Facts<'o>, domain: Domain) -> Vec<&'o Operation> {
    let Some(kind) = lead_kind(x, domain) else { return Vec::new() };
    let mut v: Vec<&Operation> = x.counting.iter().copied().filter(|o| o.kind() == kind && o.outcome == Outcome::Failed).collect();
    v.sort_by_key(|o| std::cmp::Reverse(utc(x, o)));
    v
}

fn calm_now(x: &Facts) -> Sentence {
    if x.conclusion.status == VerdictStatus::NoScan {
        return Sentence::NoWorkRecognised { code: x.conclusion.ranked_codes.iter().copied().find(|&c| !super::verdict::all_routine(x.a, c)) };
    }
    let running = running(x);
    let now = match latest_ok(x) {
        Some(c) => c,
        None => {
            let quoted = x.conclusion.statements.iter().position(|s| s.standing != Standing::Ok).or((!x.conclusion.statements.is_empty()).then_some(0));
            match quoted {
                Some(_) if rolling_back(x).is_some() => Calm::RollingBack { statement: rolling_back(x).expect("checked") },
                Some(_) if x.conclusion.status != VerdictStatus::Ok && running.is_none() && attention(x).is_some() => {
                    Calm::Attention { statement: attention(x).expect("checked") }
                }
                Some(_) if unknown_result(x).is_some() => Calm::ResultUnknown { statement: unknown_result(x).expect("checked") },
                q => Calm::NoFailure { statement: q },
            }
        }
    };
    Sentence::Calm { now, recovered: recovered(x), running }
}

/// The latest search that succeeded, for the first kind of work that has one (the ConfigMgr
/// scan first, where its logs were given).
fn latest_ok(x: &Facts) -> Option<Calm> {
    if let Some(st) = x.conclusion.statements.iter().find(|s| s.domain == Domain::ConfigmgrScan && s.standing == Standing::Ok) {
        return Some(Calm::ScanCompleted { at: at(x, st.lines.last().copied()) });
    }
    let order = [
        OperationKind::Search,
        OperationKind::Install,
        OperationKind::Download,
        OperationKind::Servicing,
        OperationKind::Setup,
        OperationKind::ClientInstall,
        OperationKind::Deployment,
        OperationKind::TaskSequence,
        OperationKind::StoreCheck,
    ];
    order.iter().find_map(|&k| {
        let of: Vec<&Operation> = x.counting.iter().copied().filter(|o| o.kind() == k && o.outcome == Outcome::Succeeded).collect();
        let o = latest(x, &of)?;
        let program = if k == OperationKind::Setup { super::setup::program(x.a, o) } else { None };
        Some(Calm::Succeeded { kind: o.def.kind, program, log: x.a.files[o.file].kind, at: stamp(x, o) })
    })
}

/// Earlier failures that a later success of the same kind and caller followed.
fn recovered(x: &Facts) -> Option<Recovered> {
    let rec: Vec<&Operation> = x.counting.iter().copied().filter(|o| o.outcome.id() == "recovered").collect();
    let kind = rec.first()?.kind();
    let rec: Vec<&Operation> = rec.into_iter().filter(|o| o.kind() == kind).collect();
    let (first, last) = (earliest(x, &rec)?, latest(x, &rec)?);
    Some(Recovered { kind, count: rec.len(), first: stamp(x, first), last: stamp(x, last), code: first.root.or(first.code) })
}

fn running(x: &Facts) -> Option<Running> {
    let st = x.conclusion.statements.iter().find(|s| s.standing == Standing::Attention)?;
    let open = x.counting.iter().copied().filter(|o| o.outcome == Outcome::Running).collect::<Vec<_>>();
    if let Some(o) = latest(x, &open) {
        // An error it logged on the way is said, never hidden behind "running".
        return Some(Running::Operation { kind: o.def.kind, after: o.codes_seen.first().map(|&(c, _)| c) });
    }
    (st.domain == Domain::ConfigmgrScan && x.scan.steps.iter().any(|s| s.status == crate::model::StepStatus::Running)).then_some(Running::Scan)
}

// ---- sentences two and three: why, and what first ----

fn cause(x: &Facts, i: usize) -> Option<Cause> {
    let st = &x.conclusion.statements[i];
    let routine = |c: &u32| super::verdict::all_routine(x.a, *c);
    // The root of the latest failures of the lead kind, then the statement's codes.
    let ops = lead_failures(x, st.domain);
    // A feature update's result with its extend code says the phase it failed in.
    if let Some(r) = ops.first().filter(|_| st.domain == Domain::Setup).and_then(|o| super::setup::result(o)) {
        return Some(Cause::SetupResult(r));
    }
    // A rollback that completed in a log without setup's result: the failure is certain, its
    // cause is not in these lines.
    if st.domain == Domain::Setup && ops.is_empty() && rolled_back_without_result(x) {
        return Some(Cause::NotInLogs);
    }
    // Sysprep refused a Store app installed for one user only: the latest run's app stands (each
    // run stops at the first it meets; the ones before it were dealt with or are met again).
    if let Some((o, app)) = ops.iter().find_map(|o| o.fact("unprovisioned_app").map(|a| (o, super::config::app_name(a)))) {
        let mut others: Vec<&str> = ops.iter().filter_map(|o| o.fact("unprovisioned_app")).map(super::config::app_name).filter(|a| *a != app).collect();
        others.sort_unstable();
        others.dedup();
        return Some(Cause::App { app: app.to_string(), code: o.lead_code(), others: others.into_iter().map(str::to_string).collect() });
    }
    let from_ops = ops.iter().flat_map(|o| o.root.into_iter().chain(o.code)).filter(|c| c & 0x8000_0000 != 0);
    let code = from_ops.chain(st.codes.iter().copied()).find(|c| !routine(c)).or(st.codes.first().copied());
    // For the agent's failures, a finding about other codes is not their cause (the network
    // errors of searches that recovered do not say why a download's signature check failed).
    let lead_codes: Vec<u32> =
        ops.iter().flat_map(|o| o.root.into_iter().chain(o.code)).filter(|&c| c & 0x8000_0000 != 0 && !super::defs::is_summary_code(c)).collect();
    let related = |f: &Finding| {
        let theirs = f.codes.iter().filter_map(|h| wulens_kb::lookup(h).ok().map(|l| l.code.0));
        st.domain != Domain::WindowsUpdate || f.codes.is_empty() || lead_codes.is_empty() || theirs.into_iter().any(|c| lead_codes.contains(&c))
    };
    // A statement that is a finding's own (the chain around the scan) is not its own cause.
    let own = match st.said {
        Said::Finding(f) => Some(f),
        _ => None,
    };
    let finding = x.found.findings.iter().enumerate().position(|(fi, f)| f.severity == FindingSeverity::Error && related(f) && Some(fi) != own);
    if own.is_some() && finding.is_none() {
        return None;
    }
    if let Some(fi) = finding {
        let f = &x.found.findings[fi];
        if f.cause_codes().is_some_and(|c| !c.is_empty()) {
            // The finding describes its lines: their codes' meaning is the cause.
            return Some(Cause::FindingCodes { finding: fi });
        }
        // The lead failures' own code where the finding names it too, else theirs, else the
        // finding's.
        let theirs: Vec<u32> = f.codes.iter().filter_map(|h| wulens_kb::lookup(h).ok().map(|l| l.code.0)).collect();
        let lead: Vec<u32> = ops.iter().flat_map(|o| o.root.into_iter().chain(o.code)).collect();
        let own = lead.iter().copied().find(|c| theirs.contains(c)).or(code).or(theirs.first().copied());
        return Some(Cause::Finding { finding: fi, code: own });
    }
    // No code and no finding: the statement's own first clause says what failed.
    Some(match code {
        Some(c) => Cause::Code(c),
        None => Cause::Clause { statement: i },
    })
}

/// The first next check, else (with nothing to do) what to collect first: the logs that would
/// settle what is open.
fn first_step(x: &Facts) -> Option<First> {
    if !x.conclusion.next_checks.is_empty() {
        Some(First::Check)
    } else {
        (!x.collect_next.is_empty()).then_some(First::Collect)
    }
}

// ---- kinds and times ----

fn kinds_of(d: Domain) -> &'static [OperationKind] {
    match d {
        Domain::WindowsUpdate => &[OperationKind::Search, OperationKind::Download, OperationKind::Install],
        Domain::Servicing => &[OperationKind::Servicing, OperationKind::StoreCheck],
        Domain::Setup => &[OperationKind::Setup],
        Domain::TaskSequence => &[OperationKind::TaskSequence],
        Domain::ClientInstall => &[OperationKind::ClientInstall],
        Domain::ConfigmgrDeployment => &[OperationKind::Deployment],
        Domain::ConfigmgrScan | Domain::WsusSync | Domain::SiteSync => &[],
    }
}

fn utc(x: &Facts, o: &Operation) -> Option<i64> {
    let f = &x.a.files[o.file];
    o.anchor().and_then(|e| f.utc_ms(&f.entries[e as usize]))
}

/// The operation that happened last (by time; file order where a log has no time).
fn latest<'o>(x: &Facts, ops: &[&'o Operation]) -> Option<&'o Operation> {
    ops.iter().enumerate().max_by_key(|(i, o)| (utc(x, o), *i)).map(|(_, o)| *o)
}

fn earliest<'o>(x: &Facts, ops: &[&'o Operation]) -> Option<&'o Operation> {
    ops.iter().enumerate().min_by_key(|(i, o)| (utc(x, o).unwrap_or(i64::MAX), *i)).map(|(_, o)| *o)
}

/// When an operation happened, as its log wrote it.
fn stamp(x: &Facts, o: &Operation) -> When {
    time_of(&x.a.files[o.file], o.anchor()? as usize)
}

fn first_line(st: &Statement) -> Option<(usize, u32)> {
    st.lines.first().copied()
}

/// When a line was written, as its log wrote it.
fn at(x: &Facts, line: Option<(usize, u32)>) -> When {
    let (f, e) = line?;
    time_of(&x.a.files[f], e as usize)
}

// ---- the ledger: a target failing or stalled now ----

/// The first screen with the ledger's word on each target: where it would reassure (no failure,
/// failed earlier, recovered, still running, a scan completed) while a target's latest attempt
/// failed, a step of it stalled or a step of it is still running when its log ends, that target
/// is said first. A target fails now when its own latest attempt failed, whatever other work
/// succeeded after it: then the status is failed and a statement of its own says so with its
/// lines. A stalled target changes the badge only where nothing failed, and so does a running
/// one (work in progress), when no target fails or stalls.
///
/// `ledger` is the ledger's first rows in its order (failing, stalled, then running, first),
/// `urgent` how many of all its rows are failing or stalled.
pub fn with_ledger(
    a: &Analysis,
    h: Headline,
    status: VerdictStatus,
    ledger: &[crate::model::LedgerRow],
    urgent: usize,
) -> (Headline, VerdictStatus, Option<Statement>) {
    use crate::model::{LedgerState, TargetKind};
    let reassuring = !h.badge.alarms();
    if !reassuring {
        return (h, status, None);
    }
    let lead = ledger
        .iter()
        .position(|r| r.state == LedgerState::Failing)
        .or_else(|| ledger.iter().position(|r| r.state == LedgerState::Stalled))
        .or_else(|| ledger.iter().position(|r| r.state == LedgerState::Running));
    let Some(i) = lead else { return (h, status, None) };
    let row = &ledger[i];
    // A target is told by its decisive step: a row without one has nothing to tell.
    if row.decisive_step().is_none() {
        return (h, status, None);
    }
    let domain = if matches!(row.kind, TargetKind::Package | TargetKind::Feature) { Domain::Servicing } else { Domain::WindowsUpdate };
    let (badge, status, statement) = match row.state {
        LedgerState::Failing => {
            let mut lines: Vec<(usize, u32)> = row.failures().chain(row.decisive_step()).filter_map(|s| line_of(a, &s.evidence)).collect();
            lines.dedup();
            let codes = row.code.as_deref().and_then(|c| u32::from_str_radix(c.trim_start_matches("0x"), 16).ok()).into_iter().collect();
            let st = Statement { domain, standing: Standing::Failed, said: super::outcomes::Said::Told, told: Some(i), lines, codes };
            (if domain == Domain::Servicing { Badge::ServicingFailed } else { Badge::UpdatesFailing }, VerdictStatus::Failed, Some(st))
        }
        _ if status == VerdictStatus::Failed => (h.badge, status, None),
        LedgerState::Stalled => (Badge::UpdateStalled, status, None),
        _ => (Badge::StillRunning, status, None),
    };
    // `urgent` counts the failing and stalled rows: a running lead is not one of them.
    let others = if row.state == LedgerState::Running { urgent } else { urgent - 1 };
    (Headline { badge, sentences: h.sentences, told: Some(Told { row: i, others }) }, status, statement)
}

/// `st` (a target failing now) first among the statements, in its kind of work's statement
/// (one statement per kind of work), which then stands failed and tells the target before what
/// that work came to. Returns where that statement was before it moved first (`None`: `st` was
/// put before all of them).
pub fn lead_with(statements: &mut Vec<Statement>, st: Statement) -> Option<usize> {
    let Some(i) = statements.iter().position(|s| s.domain == st.domain) else {
        statements.insert(0, st);
        return None;
    };
    let old = statements.remove(i);
    let mut lines = st.lines;
    lines.extend(old.lines.iter().filter(|l| !lines.contains(l)).collect::<Vec<_>>());
    let mut codes = st.codes;
    codes.extend(old.codes.iter().filter(|c| !codes.contains(c)).collect::<Vec<_>>());
    statements.insert(0, Statement { domain: st.domain, standing: Standing::Failed, said: old.said, told: st.told, lines, codes });
    Some(i)
}

impl Headline {
    /// The statements it names, renumbered after [`lead_with`] moved statement `moved` (or put
    /// a new one) first.
    pub fn renumber(&mut self, moved: Option<usize>) {
        let at = |j: usize| moved_to(j, moved);
        for s in &mut self.sentences {
            match s {
                Sentence::Calm { now: Calm::RollingBack { statement } | Calm::Attention { statement } | Calm::ResultUnknown { statement }, .. }
                | Sentence::Cause(Cause::Clause { statement }) => *statement = at(*statement),
                Sentence::Calm { now: Calm::NoFailure { statement: Some(statement) }, .. } => *statement = at(*statement),
                _ => {}
            }
        }
    }
}

/// Where statement `j` is after [`lead_with`] moved statement `moved` (or put a new one) first.
pub fn moved_to(j: usize, moved: Option<usize>) -> usize {
    match moved {
        None => j + 1,
        Some(i) if j == i => 0,
        Some(i) if j < i => j + 1,
        Some(_) => j,
    }
}

/// The (file, entry) of an evidence line.
fn line_of(a: &Analysis, e: &crate::model::Evidence) -> Option<(usize, u32)> {
    let fi = a.files.iter().position(|f| f.name == e.file)?;
    a.files[fi].entry_at_line(e.line).map(|i| (fi, i as u32))
}
