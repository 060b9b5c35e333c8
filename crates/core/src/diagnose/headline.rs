//! The first screen: at most three sentences a helpdesk reads in ten seconds (is the machine
//! failing now, and since when; why; what to do first) and a badge worded for what was dropped.
//! It reads what the statements, operations, findings and next checks concluded; the full
//! paragraph (the statements joined) is kept as the detail below it.

use super::finding::Finding;
use super::flow::FlowResult;
use super::operations::Operation;
use super::outcomes::{code_name, Statement};
use super::verdict::NextCheck;
use crate::analysis::Analysis;
use crate::model::{time_of, Badge, Domain, FindingSeverity, OperationKind, Outcome, Standing, VerdictStatus};

/// The first screen's text is kept to about this many characters.
pub const HEADLINE_CHARS: usize = 300;

/// What the first screen says.
pub struct Headline {
    /// What the verdict amounts to (its words: `output::badge_words`).
    pub badge: Badge,
    /// At most three sentences.
    pub text: String,
}

/// Everything the headline reads.
pub struct Facts<'a> {
    pub a: &'a Analysis,
    pub status: VerdictStatus,
    pub statements: &'a [Statement],
    pub operations: &'a [Operation],
    pub findings: &'a [Finding],
    pub next_checks: &'a [NextCheck],
    pub collect_next: &'a [super::CollectNext],
    pub scan: &'a FlowResult,
    /// Every code of the drop, most significant first.
    pub ranked: &'a [u32],
}

pub fn headline(x: &Facts) -> Headline {
    let lead = x.statements.iter().find(|s| s.standing == Standing::Failed);
    let (badge, now) = match lead {
        Some(st) => {
            let (now, failing) = failing_now(x, st);
            (if failing { failed_badge(x, st.domain) } else { Badge::FailedEarlier }, now)
        }
        None => (calm_badge(x), calm_now(x)),
    };
    let mut sentences = vec![now];
    if let Some(st) = lead {
        sentences.extend(cause(x, st));
        sentences.extend(first_step(x));
    }
    // What could not be read is said where nothing else could be concluded, and after the
    // conclusion where something was.
    match unread(x) {
        Some(u) if x.status == VerdictStatus::NoScan => sentences = vec![format!("These logs cannot say whether this machine is failing: {u}")],
        Some(u) => sentences.push(upper_first(&u)),
        None => {}
    }
    Headline { badge, text: fit(sentences) }
}

/// The inputs that hold nothing to read, in one sentence: Windows 10's placeholder
/// WindowsUpdate.log, an event log with no events, a dropped file that is not a log.
fn unread(x: &Facts) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for f in &x.a.files {
        let name = crate::model::base_name(&f.name);
        if crate::read::wu_placeholder(&f.text) {
            parts.push(format!(
                "{name} is Windows 10's placeholder, not the log: run Get-WindowsUpdateLog on the machine (it writes the log from the traces in C:\\Windows\\Logs\\WindowsUpdate) and drop that file or the .etl traces"
            ));
        } else if f.format == crate::model::LogFormat::EventLog && f.entries.is_empty() {
            parts.push(format!("{name} holds no events"));
        } else if f.format == crate::model::LogFormat::Binary && name.to_ascii_lowercase().ends_with(".etl") {
            parts.push(format!("{name} could not be decoded as a trace (Get-WindowsUpdateLog on the machine turns it into text)"));
        } else if f.format == crate::model::LogFormat::Binary {
            parts.push(format!("{name} is not a log (binary content)"));
        } else if f.format == crate::model::LogFormat::Empty {
            parts.push(format!("{name} is empty"));
        }
    }
    match x.a.warnings.as_slice() {
        [] => {}
        [w] => parts.push(format!("{} was not read ({})", crate::model::base_name(&w.name), w.message.trim_end_matches('.'))),
        ws => parts.push(format!("{} inputs were not read (see the files)", ws.len())),
    }
    // Where nothing else is concluded: a device install's log that stops inside an install.
    if x.status == VerdictStatus::NoScan {
        if let Some(d) = super::setup::device_stop(x.a) {
            let f = &x.a.files[d.file];
            let at = time_of(f, d.entry as usize).map(|t| format!(" (begun {})", t.replace('T', " "))).unwrap_or_default();
            parts.push(format!(
                "{} ends inside the install of device {}{at}: the machine hung, crashed or was reset during it, unless the log was copied while it ran",
                crate::model::base_name(&f.name),
                d.device
            ));
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!("{}.", parts.join("; ")))
}

// ---- the badge ----

fn failed_badge(x: &Facts, domain: Domain) -> Badge {
    match domain {
        Domain::ConfigmgrScan => Badge::ScanFailed,
        Domain::WsusSync => Badge::WsusSyncFailed,
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
    x.operations.iter().any(|o| {
        o.kind() == OperationKind::Setup
            && matches!(o.outcome, Outcome::Unknown | Outcome::Interrupted)
            && super::setup::rollback(x.a, o).is_some_and(|r| r.ended.is_some())
    })
}

fn rolled_back(x: &Facts) -> bool {
    if rolled_back_without_result(x) {
        return true;
    }
    x.operations.iter().filter(|o| o.kind() == OperationKind::Setup && o.outcome == Outcome::Failed).any(|o| {
        if super::setup::rolled_back(o) {
            return true;
        }
        let f = &x.a.files[o.file];
        o.lines.iter().any(|&e| f.message(&f.entries[e as usize]).to_ascii_lowercase().contains("rollback"))
    })
}

fn calm_badge(x: &Facts) -> Badge {
    match x.status {
        VerdictStatus::NoScan => Badge::NothingToConclude,
        _ if running(x).is_some() => Badge::StillRunning,
        _ if recovered(x).is_some() => Badge::Recovered,
        VerdictStatus::Ok if x.statements.iter().any(|s| s.domain == Domain::ConfigmgrScan) => Badge::ScanCompleted,
        VerdictStatus::Ok => Badge::NoFailureFound,
        _ if rolling_back(x).is_some() => Badge::RollingBack,
        _ if attention(x).is_some() => Badge::NeedsAttention,
        _ if unknown_result(x).is_some() => Badge::ResultNotInLogs,
        _ => Badge::NoFailureFound,
    }
}

/// A setup run with no result whose rollback is still running when its log ends: an upgrade
/// failed and is being undone.
fn rolling_back<'s>(x: &Facts<'s>) -> Option<&'s super::outcomes::Statement> {
    let open = x.operations.iter().any(|o| {
        o.kind() == OperationKind::Setup
            && matches!(o.outcome, Outcome::Unknown | Outcome::Interrupted)
            && super::setup::rollback(x.a, o).is_some_and(|r| r.ended.is_none())
    });
    open.then(|| x.statements.iter().find(|s| s.domain == Domain::Setup && s.standing == Standing::Attention)).flatten()
}

/// The first statement of work whose result the logs do not hold (a setuperr.log without its
/// setupact.log): never "no failure".
fn unknown_result<'s>(x: &Facts<'s>) -> Option<&'s super::outcomes::Statement> {
    x.statements.iter().find(|s| s.standing == Standing::Unknown && matches!(s.domain, Domain::Setup | Domain::ClientInstall | Domain::TaskSequence))
}

/// The first statement of servicing or setup that needs attention without anything having
/// failed (files SFC could not repair, an upgrade cancelled): the badge must not say "no failure"
/// over it. (A scan step the logs do not show, or a search another caller cancelled, is no such
/// thing.)
fn attention<'s>(x: &Facts<'s>) -> Option<&'s super::outcomes::Statement> {
    x.statements.iter().find(|s| s.standing == Standing::Attention && matches!(s.domain, Domain::Servicing | Domain::Setup))
}

// ---- sentence one: failing now? ----

fn failing_now(x: &Facts, st: &Statement) -> (String, bool) {
    if st.domain == Domain::ConfigmgrScan {
        if let Some(n) = x.scan.failed_step {
            let short = x.scan.step(n).map_or("", |s| s.short);
            return (
                format!("The ConfigMgr update scan is failing: the latest scan failed at step {n} ({}){}.", lower_first(short), at(x, first_line(st))),
                true,
            );
        }
    }
    let Some(kind) = lead_kind(x, st.domain) else {
        return (format!("{} failed{}.", upper_first(st.domain.name()), at(x, first_line(st))), true);
    };
    let mut of: Vec<&Operation> = x.operations.iter().filter(|o| o.kind() == kind).collect();
    // A setup log with no result of its own (setuperr.log beside its setupact.log) is the same
    // run, not another one; a later run its log shows begin is one.
    if kind == OperationKind::Setup {
        of = super::outcomes::runs_that_count(x.a, x.operations, kind);
    }
    // Servicing is counted among the sessions of the sort that failed (DISM commands, CBS
    // sessions), not with the DISM API sessions other programs ran beside them.
    if kind == OperationKind::Servicing {
        let titles: Vec<&str> = of.iter().filter(|o| o.outcome == Outcome::Failed).map(|o| o.def.title).collect();
        of.retain(|o| titles.contains(&o.def.title));
    }
    let failed: Vec<&Operation> = of.iter().copied().filter(|o| o.outcome == Outcome::Failed).collect();
    let latest = latest(x, &of).expect("a kind with a failure has an operation");
    let last_failed = latest_of(x, &failed).expect("a failure");
    if of.len() == 1 {
        return (format!("{} failed{}.", upper_first(kind.noun(1)), at_op(x, latest)), true);
    }
    // A run still running when the log ends says nothing of whether the work succeeds: the
    // latest that ended does. A command retried after failing, its last try cut off by the end
    // of the log, is still failing. (A run that ended logging no error, though no result, got
    // further than the failures before it: that one is not "failing now".)
    let concluded: Vec<&Operation> = of.iter().copied().filter(|o| o.outcome != Outcome::Running).collect();
    let unfinished_after = latest.outcome == Outcome::Running && latest_of(x, &concluded).is_some_and(|o| std::ptr::eq(o, last_failed));
    if latest.outcome == Outcome::Failed || unfinished_after {
        let since = earliest(x, &failed).filter(|_| failed.len() > 1).and_then(|o| stamp(x, o)).map(|t| format!(" since {t}")).unwrap_or_default();
        let latest_at = match at_op(x, latest) {
            t if t.is_empty() => ", including the latest".to_string(),
            t => format!(", the latest{t}"),
        };
        // The one update the failures name, when they name one (an event log's title, a Store app).
        let mut names: Vec<String> = failed.iter().filter_map(|o| o.update_name()).collect();
        names.dedup();
        let name = match names.as_slice() {
            [n] => format!(" ({n})"),
            _ => String::new(),
        };
        let latest_at = if unfinished_after { format!(", the latest{}", at_op(x, last_failed)) } else { latest_at };
        let after = if unfinished_after { " (a later one is still running when the log ends)" } else { "" };
        (format!("{} failing now{since}: {} of {} failed{name}{latest_at}{after}.", what_of(kind), failed.len(), plural(of.len(), kind)), true)
    } else {
        let then = match latest.outcome {
            Outcome::Running => "is still running when the log ends".to_string(),
            Outcome::Succeeded => format!("succeeded{}", at_op(x, latest)),
            Outcome::Unknown => format!("logged no result{}", at_op(x, latest)),
            o => format!("ended {}{}", o.id(), at_op(x, latest)),
        };
        (format!("{} of {} failed (the last{}); the latest {} {then}.", failed.len(), plural(of.len(), kind), at_op(x, last_failed), kind.noun(1)), false)
    }
}

/// The kind of work of `domain` that leads: the one whose latest operation failed, else the one
/// with the most failures.
fn lead_kind(x: &Facts, domain: Domain) -> Option<OperationKind> {
    let kinds = kinds_of(domain);
    let failed: Vec<&Operation> = x.operations.iter().filter(|o| kinds.contains(&o.kind()) && o.outcome == Outcome::Failed).collect();
    let latest_failed = |k: OperationKind| {
        let of: Vec<&Operation> = x.operations.iter().filter(|o| o.kind() == k).collect();
        latest(x, &of).is_some_and(|o| o.outcome == Outcome::Failed)
    };
    let count = |k: OperationKind| failed.iter().filter(|o| o.kind() == k).count();
    kinds.iter().copied().filter(|&k| count(k) > 0).max_by_key(|&k| (latest_failed(k), count(k)))
}

/// The failed operations of the lead kind, latest first.
fn lead_failures<'o>(x: &Facts<'o>, domain: Domain) -> Vec<&'o Operation> {
    let Some(kind) = lead_kind(x, domain) else { return Vec::new() };
    let mut v: Vec<&Operation> = x.operations.iter().filter(|o| o.kind() == kind && o.outcome == Outcome::Failed).collect();
    v.sort_by_key(|o| std::cmp::Reverse(utc(x, o)));
    v
}

fn calm_now(x: &Facts) -> String {
    if x.status == VerdictStatus::NoScan {
        let mut s =
            "These logs show no update, servicing or setup work that wulens recognizes, so they cannot say whether this machine is failing.".to_string();
        match x.ranked.iter().find(|&&c| !super::verdict::all_routine(x.a, c)) {
            Some(&c) => s.push_str(&format!(" The most significant error is {}.", code_name(c))),
            None => s.push_str(" No error in them other than routine ones."),
        }
        return s;
    }
    let mut s = match latest_ok(x) {
        Some(t) => format!("Not failing now: {t}."),
        None => match x.statements.iter().find(|s| s.standing != Standing::Ok).or(x.statements.first()).map(|s| first_sentence(&s.text)) {
            Some(_) if rolling_back(x).is_some() => {
                // "Windows setup: an upgrade is rolling back: ..." without the program's name.
                let t = first_sentence(&rolling_back(x).expect("checked").text);
                upper_first(t.split_once(": ").map_or(t.as_str(), |(_, rest)| rest))
            }
            Some(_) if x.status != VerdictStatus::Ok && running(x).is_none() && attention(x).is_some() => {
                format!("Not failing now, but this needs attention. {}", first_sentence(&attention(x).expect("checked").text))
            }
            Some(_) if unknown_result(x).is_some() => {
                // "Windows setup: it logged 5 error lines; ..." → "Windows setup logged ...".
                let t = &unknown_result(x).expect("checked").text;
                let t = t.replacen(": it logged", " logged", 1).replacen(": its latest run", "'s latest run", 1);
                format!("Whether it succeeded is not known: {}", t.strip_prefix("The ").map_or(t.clone(), |rest| format!("the {rest}")))
            }
            Some(t) if t.chars().count() < 160 => format!("No failure in these logs. {t}"),
            _ => "No failure in these logs.".to_string(),
        },
    };
    if let Some(r) = recovered(x) {
        s.push(' ');
        s.push_str(&r);
    }
    if let Some(r) = running(x) {
        s.push(' ');
        s.push_str(&r);
    }
    s
}

/// "the latest search succeeded at 2024-05-31 16:45", for the first kind of work that has one
/// (the ConfigMgr scan first, where its logs were given).
fn latest_ok(x: &Facts) -> Option<String> {
    if let Some(st) = x.statements.iter().find(|s| s.domain == Domain::ConfigmgrScan && s.standing == Standing::Ok) {
        return Some(format!("the latest ConfigMgr update scan completed{}", at(x, st.lines.last().copied())));
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
        let of: Vec<&Operation> = x.operations.iter().filter(|o| o.kind() == k && o.outcome == Outcome::Succeeded).collect();
        let o = latest(x, &of)?;
        Some(format!("the latest {} succeeded{}", o.def.kind.noun(1), at_op(x, o)))
    })
}

/// Earlier failures that a later success of the same kind and caller followed.
fn recovered(x: &Facts) -> Option<String> {
    let rec: Vec<&Operation> = x.operations.iter().filter(|o| o.outcome.id() == "recovered").collect();
    let kind = rec.first()?.kind();
    let rec: Vec<&Operation> = rec.into_iter().filter(|o| o.kind() == kind).collect();
    let (first, last) = (earliest(x, &rec)?, latest(x, &rec)?);
    let span = match (stamp(x, first), stamp(x, last)) {
        (Some(f), Some(l)) if rec.len() > 1 && f != l => format!(" from {} to {}", &f[..10.min(f.len())], &l[..10.min(l.len())]),
        (Some(f), _) => format!(" at {f}"),
        _ => String::new(),
    };
    let code = first.root.or(first.code).map(|c| format!(" ({})", code_name(c))).unwrap_or_default();
    Some(format!("{} failed {}{span}{code}, then recovered.", upper_first(kind.noun(2)), times(rec.len())))
}

fn running(x: &Facts) -> Option<String> {
    let st = x.statements.iter().find(|s| s.standing == Standing::Attention)?;
    let open = x.operations.iter().filter(|o| o.outcome == Outcome::Running).collect::<Vec<_>>();
    if let Some(o) = latest(x, &open) {
        // An error it logged on the way is said, never hidden behind "running".
        let after = o.codes_seen.first().map(|&(c, _)| format!(", after {}", code_name(c))).unwrap_or_default();
        let noun = o.def.kind.noun(1);
        let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "An" } else { "A" };
        return Some(format!("{article} {noun} is still running when the log ends{after}."));
    }
    (st.domain == Domain::ConfigmgrScan && x.scan.steps.iter().any(|s| s.status == crate::model::StepStatus::Running))
        .then(|| "The latest ConfigMgr scan is still running when the logs end.".to_string())
}

// ---- sentences two and three: why, and what first ----

fn cause(x: &Facts, st: &Statement) -> Option<String> {
    let routine = |c: &u32| super::verdict::all_routine(x.a, *c);
    // The root of the latest failures of the lead kind, then the statement's codes.
    let ops = lead_failures(x, st.domain);
    // A feature update's result with its extend code says the phase it failed in.
    if let Some(w) = ops.first().filter(|_| st.domain == Domain::Setup).and_then(|o| super::setup::result_words(o)) {
        return Some(format!("Cause: {w}."));
    }
    // A rollback that completed in a log without setup's result: the failure is certain, its
    // cause is not in these lines.
    if st.domain == Domain::Setup && ops.is_empty() && rolled_back_without_result(x) {
        return Some("Cause: not in these logs; setup's result code and the phase it failed in are not in them.".to_string());
    }
    // Sysprep refused a Store app installed for one user only: the latest run's app stands (each
    // run stops at the first it meets; the ones before it were dealt with or are met again).
    if let Some((o, app)) = ops.iter().find_map(|o| o.fact("unprovisioned_app").map(|a| (o, super::config::app_name(a)))) {
        let mut others: Vec<&str> = ops.iter().filter_map(|o| o.fact("unprovisioned_app")).map(super::config::app_name).filter(|a| *a != app).collect();
        others.sort_unstable();
        others.dedup();
        let code = o.lead_code().map(|c| format!(" (0x{c:08X})")).unwrap_or_default();
        let before = match others.len() {
            0 => String::new(),
            1 => format!("; an earlier run refused {}", others[0]),
            n => format!("; earlier runs refused {n} others"),
        };
        return Some(format!("Cause: the app {app} was installed for a user but not provisioned for all users{code}{before}."));
    }
    let from_ops = ops.iter().flat_map(|o| o.root.into_iter().chain(o.code)).filter(|c| c & 0x8000_0000 != 0);
    let code = from_ops.chain(st.codes.iter().copied()).find(|c| !routine(c)).or(st.codes.first().copied());
    // For the agent's failures, a finding about other codes is not their cause (the network
    // errors of searches that recovered do not say why a download's signature check failed).
    let lead_codes: Vec<u32> =
        ops.iter().flat_map(|o| o.root.into_iter().chain(o.code)).filter(|&c| c & 0x8000_0000 != 0 && !super::defs::is_summary_code(c)).collect();
    let related = |f: &&Finding| {
        let theirs = f.codes.iter().filter_map(|h| wulens_kb::lookup(h).ok().map(|l| l.code.0));
        st.domain != Domain::WindowsUpdate || f.codes.is_empty() || lead_codes.is_empty() || theirs.into_iter().any(|c| lead_codes.contains(&c))
    };
    let finding = x.findings.iter().filter(|f| f.severity == FindingSeverity::Error).find(related);
    if let Some(f) = finding {
        // The lead failures' own code where the finding names it too, else theirs, else the
        // finding's.
        let theirs: Vec<u32> = f.codes.iter().filter_map(|h| wulens_kb::lookup(h).ok().map(|l| l.code.0)).collect();
        let lead: Vec<u32> = ops.iter().flat_map(|o| o.root.into_iter().chain(o.code)).collect();
        let own = lead.iter().copied().find(|c| theirs.contains(c)).or(code).or(theirs.first().copied());
        if f.cause_codes().is_some_and(|c| !c.is_empty()) {
            // The finding describes its lines: their codes' meaning is the cause.
            return Some(format!("Likely cause: {}.", super::outcomes::finding_cause(f)));
        }
        let title = lower_first(f.rule.title.trim_end_matches('.'));
        return Some(match own {
            Some(c) => format!("Likely cause: {title}, {}.", code_name(c)),
            None => format!("Likely cause: {title}."),
        });
    }
    // No code and no finding: the statement's own first clause says what failed.
    let Some(c) = code else {
        let what = st.text.split_once(": ").map_or(st.text.as_str(), |(_, w)| w);
        let what = what.split(';').next().unwrap_or(what).trim().trim_end_matches('.');
        return (!what.is_empty() && what.chars().count() < 120).then(|| format!("Cause: {what}."));
    };
    let meaning = wulens_kb::entry(c).map(|k| k.message.trim().trim_end_matches('.').to_string()).filter(|m| !m.is_empty());
    Some(match meaning {
        Some(m) => format!("Cause: {}, {}.", code_name(c), lower_first(&m)),
        None => format!("Cause: {}.", code_name(c)),
    })
}

/// Up to its first full stop followed by a space (or the whole text).
fn first_sentence(t: &str) -> String {
    t.trim().split_inclusive(". ").next().unwrap_or(t).trim_end().to_string()
}

fn first_step(x: &Facts) -> Option<String> {
    // With nothing to do, what to collect: the logs that would settle what is open.
    let text = x.next_checks.first().map(|c| c.text.as_str()).or_else(|| x.collect_next.first().map(|c| c.why.as_str()))?.trim();
    // Its first sentence: the rest is on the list below.
    let first = text.split_inclusive(". ").next().unwrap_or(text).trim_end();
    let first = first.trim_end_matches('.');
    Some(format!("First: {}.", lower_first(first)))
}

/// Sentences joined, a later one only whole and only while the whole stays within
/// `HEADLINE_CHARS` (the lists below the first screen say the rest); the first is always kept.
fn fit(sentences: Vec<String>) -> String {
    let mut out = String::new();
    for (i, s) in sentences.into_iter().enumerate() {
        if i == 0 {
            out = s;
        } else if out.chars().count() + 1 + s.chars().count() <= HEADLINE_CHARS {
            out.push(' ');
            out.push_str(&s);
        }
    }
    out
}

// ---- words and times ----

fn kinds_of(d: Domain) -> &'static [OperationKind] {
    match d {
        Domain::WindowsUpdate => &[OperationKind::Search, OperationKind::Download, OperationKind::Install],
        Domain::Servicing => &[OperationKind::Servicing, OperationKind::StoreCheck],
        Domain::Setup => &[OperationKind::Setup],
        Domain::TaskSequence => &[OperationKind::TaskSequence],
        Domain::ClientInstall => &[OperationKind::ClientInstall],
        Domain::ConfigmgrDeployment => &[OperationKind::Deployment],
        Domain::ConfigmgrScan | Domain::WsusSync => &[],
    }
}

fn what_of(k: OperationKind) -> &'static str {
    match k {
        OperationKind::Search => "Update searches are",
        OperationKind::Download => "Update downloads are",
        OperationKind::Install => "Update installs are",
        OperationKind::Servicing => "Servicing is",
        OperationKind::StoreCheck => "Component-store checks are",
        OperationKind::Setup => "Windows setup is",
        OperationKind::TaskSequence => "The task sequence is",
        OperationKind::ClientInstall => "The ConfigMgr client installation is",
        OperationKind::Deployment => "Deployment evaluations are",
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

fn latest_of<'o>(x: &Facts, ops: &[&'o Operation]) -> Option<&'o Operation> {
    latest(x, ops)
}

fn earliest<'o>(x: &Facts, ops: &[&'o Operation]) -> Option<&'o Operation> {
    ops.iter().enumerate().min_by_key(|(i, o)| (utc(x, o).unwrap_or(i64::MAX), *i)).map(|(_, o)| *o)
}

/// `2024-05-31 16:45` (the log's own clock).
fn stamp(x: &Facts, o: &Operation) -> Option<String> {
    let t = time_of(&x.a.files[o.file], o.anchor()? as usize)?;
    let (date, rest) = t.split_once('T').unwrap_or((&t, ""));
    Some(format!("{date} {}", rest.get(..5).unwrap_or(rest)))
}

fn at_op(x: &Facts, o: &Operation) -> String {
    stamp(x, o).map(|t| format!(" at {t}")).unwrap_or_default()
}

fn first_line(st: &Statement) -> Option<(usize, u32)> {
    st.lines.first().copied()
}

fn at(x: &Facts, line: Option<(usize, u32)>) -> String {
    let Some((f, e)) = line else { return String::new() };
    time_of(&x.a.files[f], e as usize)
        .map(|t| {
            let (date, rest) = t.split_once('T').unwrap_or((&t, ""));
            format!(" at {date} {}", rest.get(..5).unwrap_or(rest))
        })
        .unwrap_or_default()
}

fn plural(n: usize, k: OperationKind) -> String {
    format!("{n} {}", k.noun(n))
}

fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    // A name of two capitalised words (Delivery Optimization, Windows Update) stays as it is.
    let name = s.split_whitespace().nth(1).is_some_and(|w| w.starts_with(char::is_uppercase));
    match c.next() {
        // Keep acronyms and codes (WSUS, HTTP, 0x...) as they are.
        Some(f) if !name && f.is_uppercase() && c.clone().next().is_some_and(|n| n.is_lowercase() || n == ' ') => f.to_lowercase().chain(c).collect(),
        _ => s.to_string(),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

// ---- the ledger: a target failing or stalled now ----

/// The first screen with the ledger's word on each target: where it would reassure (no failure,
/// failed earlier, recovered, still running, a scan completed) while a target's latest attempt
/// failed or a step of it stalled, that target is said first. A target fails now when its own
/// latest attempt failed, whatever other work succeeded after it: then the status is failed and
/// a statement of its own says so with its lines. A stalled target changes the badge only where
/// nothing failed.
///
/// `ledger` is the ledger's first rows in its order (failing, then stalled, first), `urgent`
/// how many of all its rows are failing or stalled.
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
    let lead = ledger.iter().find(|r| r.state == LedgerState::Failing).or_else(|| ledger.iter().find(|r| r.state == LedgerState::Stalled));
    let Some(row) = lead else { return (h, status, None) };
    let Some(story) = super::ledger_words::story(row) else { return (h, status, None) };
    let domain = if matches!(row.kind, TargetKind::Package | TargetKind::Feature) { Domain::Servicing } else { Domain::WindowsUpdate };
    let (badge, status, statement) = match row.state {
        LedgerState::Failing => {
            let mut lines: Vec<(usize, u32)> = row.failures().chain(row.decisive_step()).filter_map(|s| line_of(a, &s.evidence)).collect();
            lines.dedup();
            let codes = row.code.as_deref().and_then(|c| u32::from_str_radix(c.trim_start_matches("0x"), 16).ok()).into_iter().collect();
            let st = Statement { domain, standing: Standing::Failed, text: story.clone(), lines, codes };
            (if domain == Domain::Servicing { Badge::ServicingFailed } else { Badge::UpdatesFailing }, VerdictStatus::Failed, Some(st))
        }
        _ if status == VerdictStatus::Failed => (h.badge, status, None),
        _ => (Badge::UpdateStalled, status, None),
    };
    let others = urgent - 1;
    let mut sentences = vec![story];
    if others > 0 {
        sentences.push(format!("{others} more update{} failing or stalled: see Updates.", if others == 1 { " is" } else { "s are" }));
    }
    sentences.extend(split_sentences(&h.text));
    (Headline { badge, text: fit(sentences) }, status, statement)
}

/// `st` (a target failing now) first among the statements, in its kind of work's statement
/// (one statement per kind of work), which then stands failed: the story, then what that work
/// came to ("Windows Update: 133 searches ..." goes on without its label).
pub fn lead_with(statements: &mut Vec<Statement>, st: Statement) {
    let Some(i) = statements.iter().position(|s| s.domain == st.domain) else {
        statements.insert(0, st);
        return;
    };
    let old = statements.remove(i);
    let rest = match old.text.split_once(": ") {
        Some((label, rest)) if label.split_whitespace().count() <= 3 && !label.bytes().any(|b| b.is_ascii_digit()) => rest,
        _ => old.text.as_str(),
    };
    let text = format!("{} {rest}", st.text);
    let mut lines = st.lines;
    lines.extend(old.lines.iter().filter(|l| !lines.contains(l)).collect::<Vec<_>>());
    let mut codes = st.codes;
    codes.extend(old.codes.iter().filter(|c| !codes.contains(c)).collect::<Vec<_>>());
    statements.insert(0, Statement { domain: st.domain, standing: Standing::Failed, text, lines, codes });
}

/// The (file, entry) of an evidence line.
fn line_of(a: &Analysis, e: &crate::model::Evidence) -> Option<(usize, u32)> {
    let fi = a.files.iter().position(|f| f.name == e.file)?;
    a.files[fi].entry_at_line(e.line).map(|i| (fi, i as u32))
}

/// A text's sentences: each ends at `. ` before an upper-case letter (`0x8024402F.` and `KB5044273.`
/// end one; `e.g. the` does not).
fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for i in 0..b.len().saturating_sub(2) {
        if b[i] == b'.' && b[i + 1] == b' ' && b[i + 2].is_ascii_uppercase() {
            out.push(text[start..=i].to_string());
            start = i + 2;
        }
    }
    if start < text.len() {
        out.push(text[start..].to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_the_first_sentence_and_only_whole_ones_after_it() {
        let long = "x ".repeat(200);
        let s = fit(vec!["Updates are failing now.".into(), "Cause: 0x80070005.".into(), format!("First: {long}")]);
        assert_eq!(s, "Updates are failing now. Cause: 0x80070005.");
        let first = "y".repeat(400);
        assert_eq!(fit(vec![first.clone(), "More.".into()]), first, "the first sentence is never cut");
    }

    #[test]
    fn words() {
        assert_eq!(times(1), "once");
        assert_eq!(times(81), "81 times");
        assert_eq!(plural(3, OperationKind::Download), "3 downloads");
        assert_eq!(lower_first("Proxy errors"), "proxy errors");
        assert_eq!(lower_first("WSUS server"), "WSUS server");
        assert_eq!(lower_first("A proxy answers"), "a proxy answers");
    }
}
