//! What each kind of work came to, in words: the statements of the Windows Update agent, the
//! ConfigMgr client's deployments, servicing and the runs of the client's installation, setup and
//! task sequences, from the facts the diagnosis states (`diagnose/outcomes.rs`). An operation is
//! named by its index among the counted operations (`Diagnosis::counted_operations`).

use std::collections::BTreeMap;

use super::codes::{caller_words, code_name};
use super::setup::result_words;
use crate::analysis::Analysis;
use crate::diagnose::{setup_result, Agent, Corruption, Deployment, Operation, Restart, Run, Servicing, SetupNote, StackRuns};
use crate::model::{base_name, counted, time_of, OperationKind, Outcome};

/// The Windows Update agent: "Windows Update: 53 searches: 1 failed (0x8024402F by Device Driver
/// Retrieval Client at ...), 52 succeeded."
pub fn agent(a: &Analysis, ops: &[&Operation], x: &Agent) -> String {
    let mut parts = Vec::new();
    for k in &x.kinds {
        let mut counts: Vec<String> = Vec::new();
        if !k.failed.is_empty() {
            counts.push(format!("{} failed ({})", k.failed.len(), describe_failures(a, &pick(ops, &k.failed))));
        }
        if !k.recovered.is_empty() {
            // Failed, then a later try of the same work succeeded: shown, never a failure.
            let by =
                if k.kind == OperationKind::Search { "a later search by the same caller or of the same service" } else { "a later try of the same update" };
            counts.push(format!("{} recovered ({}; {by} succeeded)", k.recovered.len(), describe_failures(a, &pick(ops, &k.recovered))));
        }
        if !k.cancelled.is_empty() {
            counts.push(format!("{} cancelled ({})", k.cancelled.len(), describe_failures(a, &pick(ops, &k.cancelled))));
        }
        for (n, what) in [
            (k.running, "still running when the log ends"),
            (k.interrupted, "with no end logged (the service restarted)"),
            (k.unknown, "with no result in the log"),
        ] {
            if n > 0 {
                counts.push(format!("{n} {what}"));
            }
        }
        if let Some(e) = &k.erred {
            let last = ops[e.last];
            let code = code_name(e.code);
            match e.update_failed {
                // An update of the call failed: said as a failure, at the time of that line.
                Some(at) => {
                    let at = time_of(&a.files[last.file], at as usize).map(|t| format!(" at {}", short_time(&t))).unwrap_or_default();
                    counts.push(format!("{} of them after an update's {} failed with {code}{at}", e.count, k.kind.noun(1)));
                }
                None => {
                    let at = when(a, last).replacen(" at ", ", the last at ", 1);
                    counts.push(format!("{} of them after an error ({code}{at})", e.count));
                }
            }
        }
        let all = counted(k.all, k.kind.noun(1), k.kind.noun(2));
        parts.push(if k.succeeded == k.all {
            format!("{all}, {}", if k.all == 1 { "succeeded" } else { "all succeeded" })
        } else {
            if k.succeeded > 0 {
                counts.push(format!("{} succeeded", k.succeeded));
            }
            format!("{all}: {}", counts.join(", "))
        });
    }
    // Delivery Optimization's jobs alone: the sentence names DO, not the agent.
    let by = if x.delivery_optimization { "Delivery Optimization" } else { "Windows Update" };
    let lead = if x.failed { by.to_string() } else { format!("{by} ran") };
    format!("{lead}: {}.", parts.join("; "))
}

/// The ConfigMgr client's deployments: "ConfigMgr: 3 applicability scans, all succeeded; an
/// earlier error (...) was followed by success, so it recovered."
pub fn deployment(a: &Analysis, ops: &[&Operation], x: &Deployment) -> String {
    let mut parts = Vec::new();
    for l in &x.labels {
        let mut p = counted(l.all, &l.label, &format!("{}s", l.label));
        if l.failed.is_empty() {
            p.push_str(if l.succeeded == l.all { ", all succeeded" } else { "" });
            if l.succeeded < l.all {
                p.push_str(&format!(", {} succeeded, the others have no result in these logs", l.succeeded));
            }
        } else {
            p.push_str(&format!(", {} failed: {}", l.failed.len(), describe_failures(a, &pick(ops, &l.failed))));
        }
        parts.push(p);
    }
    if let Some(&(fi, ei, code)) = x.recovered.first() {
        let n = x.recovered.len();
        let line = a.files[fi].entries[ei as usize].line;
        parts.push(format!(
            "{} before them ({} at {}:{line}) {} followed by success, so {} recovered",
            counted(n, "error", "errors"),
            code_name(code),
            base_name(&a.files[fi].name),
            if n == 1 { "was" } else { "were" },
            if n == 1 { "it" } else { "they" }
        ));
    }
    format!("ConfigMgr: {}.", parts.join("; "))
}

/// Servicing: its sessions, what healthy runs say, the component store's last check, SFC, error
/// lines with no session around them, and the restart it asked for.
pub fn servicing(a: &Analysis, ops: &[&Operation], x: &Servicing) -> String {
    let mut parts: Vec<String> = Vec::new();
    let sessions_word = |n: usize| counted(n, "servicing session", "servicing sessions");
    let completed = pick(ops, &x.completed);
    if !x.failed.is_empty() {
        parts.push(format!("{} of {} failed: {}", x.failed.len(), sessions_word(x.failed_of), describe_servicing_failures(a, &pick(ops, &x.failed))));
        let done = completed.len();
        if done > 0 {
            parts.push(format!("{done} other {} completed{}", if done == 1 { "session" } else { "sessions" }, what_ran(&completed)));
        }
    } else if x.sessions > 0 {
        parts.push(format!("{} of {} completed{}", completed.len(), sessions_word(x.sessions), what_ran(&completed)));
        let open = x.sessions - completed.len();
        if open > 0 {
            parts.push(format!("{open} logged no end (their result is not in this log)"));
        }
    }
    parts.extend(routine_calls(&completed));
    if let Some(scan) = &x.sfc_scan {
        let at = time_of(&a.files[scan.file], scan.entry as usize).map(|t| format!(" (at {})", short_time(&t))).unwrap_or_default();
        match scan.repaired {
            Some(0) => parts.push(format!("SFC's last scan{at} found nothing to repair")),
            Some(n) => parts.push(format!("SFC's last scan{at} repaired the {} it found damaged", counted(n as usize, "component", "components"))),
            None => {}
        }
    } else if let Some(runs) = &x.stack_runs {
        parts.push(stack_runs(a, runs));
    }
    if let Some(check) = &x.check {
        let op = ops[check.op];
        let kind = &check.kind;
        match check.found {
            Corruption::Unrepaired { found, repaired } => parts.push(format!(
                "the last component-store check ({kind}{}) found {} and repaired {repaired}: the store is damaged",
                when(a, op),
                counted(found as usize, "corruption", "corruptions")
            )),
            Corruption::AllRepaired { found, repaired } => parts.push(format!(
                "the last component-store check ({kind}{}) found {} and repaired all {repaired}",
                when(a, op),
                counted(found as usize, "corruption", "corruptions")
            )),
            Corruption::None => parts.push(format!("the last component-store check ({kind}{}) found no corruption", when(a, op))),
            Corruption::NotSaid => {}
        }
        if check.itself_failed {
            parts.push(format!("the component-store check itself failed with {}", failure_words(a, op)));
        }
    }
    if let Some(sfc) = &x.sfc_unrepaired {
        let within = match sfc.components.as_slice() {
            [one] => format!("all in {one}"),
            many => format!("in {} components", many.len()),
        };
        parts.push(format!("SFC could not repair {} ({within})", counted(sfc.files, "file", "files")));
        if x.check.is_none() {
            parts.push("no component-store check in this log tells whether the store itself is damaged".into());
        }
    }
    if let Some(loose) = &x.loose {
        let named: Vec<String> = loose.codes.iter().take(3).map(|&c| code_name(c)).collect();
        parts.push(format!(
            "{} with no session around {} in these lines failed with {}",
            counted(loose.lines, "error line", "error lines"),
            if loose.lines == 1 { "it" } else { "them" },
            named.join(", ")
        ));
    }
    if let Some(r) = &x.restart {
        parts.push(restart(a, r));
    }
    let lead = if x.calm { "Servicing, no failure" } else { "Servicing" };
    format!("{lead}: {}.", parts.join("; "))
}

/// The servicing stack's runs, where no session, check or error speaks at all.
fn stack_runs(a: &Analysis, runs: &StackRuns) -> String {
    let at = time_of(&a.files[runs.last.0], runs.last.1 as usize).map(|t| short_time(&t));
    let when = match (runs.runs, at) {
        (1, Some(t)) => format!("once and stopped normally (at {t})"),
        (1, None) => "once and stopped normally".to_string(),
        (n, Some(t)) => format!("{n} times and stopped normally (the last at {t})"),
        (n, None) => format!("{n} times and stopped normally"),
    };
    format!("the servicing stack ran {when}; no session to conclude")
}

/// The restart servicing asked for last: still required (since when), or no longer pending
/// because the machine started again, both as the logs' clock reads.
fn restart(a: &Analysis, r: &Restart) -> String {
    let when = |local: i64| {
        let t = crate::model::time::format_iso(local, None);
        let (date, rest) = t.split_once('T').unwrap_or((&t, ""));
        format!("{date} {}", rest.get(..5).unwrap_or(rest))
    };
    let (f, e) = (&a.files[r.file], &a.files[r.file].entries[r.entry as usize]);
    match r.started {
        None => {
            let since = if f.utc_ms(e).is_some() {
                format!(" (asked for at {}; no start of the machine after it is in these logs)", when(e.time))
            } else {
                String::new()
            };
            format!("a restart is required to finish servicing{since}")
        }
        Some(s) => format!("the restart servicing asked for at {} is no longer pending: the machine started again at {}", when(e.time), when(s.local)),
    }
}

/// One run per log (the client's installation, setup, a task sequence): what its latest run
/// came to, what the other runs of its log add, and a failed setup run's note.
pub fn run(a: &Analysis, ops: &[&Operation], r: &Run) -> String {
    let last = ops[r.last];
    let file = base_name(&a.files[last.file].name);
    let name = r.program.map(super::setup::program).unwrap_or(match r.kind {
        OperationKind::ClientInstall => "The ConfigMgr client installation",
        OperationKind::Setup => "Windows setup",
        _ => "The task sequence",
    });
    // The Windows build a run installs, where its log names it (the Update Assistant's).
    let name = match last.fact("build") {
        Some(b) => format!("{name} to Windows build {b}"),
        None => name.to_string(),
    };
    // What a run cancelled or left without a result was waiting on (setup's phase, the failure
    // it kept meeting): said in its first sentence where no code of its own speaks.
    let waiting = r.waiting.as_ref().map(|w| {
        let f = &a.files[last.file];
        let span = time_of(f, w.first as usize).zip(time_of(f, w.last as usize)).map(|(x, y)| (short_time(&x), short_time(&y)));
        super::setup::waiting_clause(&w.phase, &code_name(w.code), w.times, span)
    });
    let mut text = match last.outcome {
        Outcome::Failed | Outcome::Recovered => format!("{name} failed: {}{} ({file}).", failure_words(a, last), when(a, last)),
        Outcome::Cancelled if last.code.is_none() && waiting.is_some() => {
            format!("{name} was cancelled{} ({file}) {}.", when(a, last), waiting.as_deref().unwrap_or_default())
        }
        Outcome::Cancelled => format!("{name} was cancelled: {}{} ({file}).", failure_words(a, last), when(a, last)),
        Outcome::Succeeded => {
            let tail = if r.errors > 0 { format!("; the {} it logged did not stop it", counted(r.errors, "error line", "error lines")) } else { String::new() };
            let code = last.code.map(|c| format!(" ({})", code_name(c))).unwrap_or_default();
            format!("{name} completed{code}{}{tail} ({file}).", when(a, last))
        }
        Outcome::Running => format!("{name} is still running when {file} ends."),
        Outcome::Interrupted | Outcome::Unknown => match &r.rollback {
            Some(rb) => {
                let at = |e: u32| time_of(&a.files[last.file], e as usize).map(|t| format!(" at {}", short_time(&t))).unwrap_or_default();
                let what = rb.undoing.as_ref().map(|w| format!(" (rolling back the {w})")).unwrap_or_default();
                match (rb.ended, &rb.phase) {
                    (None, Some(phase)) => {
                        format!("{name}: an upgrade is rolling back: rollback phase {phase} began{} and is still running when {file} ends.", at(rb.began))
                    }
                    (None, None) => format!(
                        "{name}: a Windows install is being rolled back: the OS rollback began{}{what} and is still running when {file} ends; what made setup roll back is not in {file}.",
                        at(rb.began)
                    ),
                    (Some(end), Some(phase)) => format!(
                        "{name}: the upgrade failed and was rolled back (rollback phase {phase} completed{}); setup's result code is not in {file}.",
                        at(end)
                    ),
                    (Some(end), None) => format!(
                        "{name}: the Windows install failed and was rolled back (the OS rollback{what} completed{}); setup's result code is not in {file}.",
                        at(end)
                    ),
                }
            }
            None => {
                let mut note =
                    if r.errors > 0 { format!("it logged {}", counted(r.errors, "error line", "error lines")) } else { "it logged no error".to_string() };
                if let Some(reached) = &r.reached {
                    let at = time_of(&a.files[last.file], reached.entry as usize).map(|t| format!(" at {}", short_time(&t))).unwrap_or_default();
                    note.push_str(&format!(" and {}{at}", super::setup::reached_clause(&reached.phase)));
                }
                let latest = if r.several { format!("its latest run{}", when(a, last)) } else { "it".to_string() };
                let why = if r.errors_only { " (a setuperr.log holds only the errors; the result is in the setupact.log written beside it)" } else { "" };
                format!("{name}: {}; its result is not in {file}{why}.", note.replacen("it", &latest, 1))
            }
        },
    };
    if r.kind == OperationKind::ClientInstall && matches!(last.outcome, Outcome::Failed | Outcome::Recovered) {
        text.push_str(&client_source(last));
    }
    if r.in_log > 1 {
        text.push_str(&format!(" It is the last of {} runs in {file}; {} failed", r.in_log, r.failed_in_log));
        match r.earlier_failure.map(|i| ops[i]) {
            Some(f) => text.push_str(&format!(", the last of them{}: {}.", when(a, f), failure_words(a, f))),
            None => text.push('.'),
        }
    }
    if let Some(w) = waiting.filter(|_| !(last.outcome == Outcome::Cancelled && last.code.is_none())) {
        text.push_str(&format!(" It stopped {w}."));
    }
    if let Some(note) = &r.note {
        text.push_str(&setup_note(a, last, note));
    }
    text
}

/// What a failed setup run's lines add: its result with the extend code, and the device install
/// log that shows the driver to suspect.
fn setup_note(a: &Analysis, op: &Operation, note: &SetupNote) -> String {
    let Some(words) = setup_result(op).as_ref().map(result_words) else { return String::new() };
    let mut text = format!(" Setup reported {words}.");
    if let Some(d) = &note.device {
        text.push_str(&format!(
            " The device install log ({}) stops during the installation of {}: that device's driver is the first suspect.",
            base_name(&a.files[d.file].name),
            d.device
        ));
    } else if note.read_rollback_log {
        text.push_str(
            " Read the rollback's device install log ($Windows.~BT\\Sources\\Rollback\\setupapi\\setupapi.dev.log): its last device install is the driver to suspect.",
        );
    }
    text
}

/// The operations of `ops` at `at`.
fn pick<'o>(ops: &[&'o Operation], at: &[usize]) -> Vec<&'o Operation> {
    at.iter().map(|&i| ops[i]).collect()
}

/// ` at 2024-05-31 16:45:56`, when an operation ended (or started); empty when the log has no time.
fn when(a: &Analysis, op: &Operation) -> String {
    op.anchor().and_then(|e| time_of(&a.files[op.file], e as usize)).map(|t| format!(" at {}", short_time(&t))).unwrap_or_default()
}

fn short_time(t: &str) -> String {
    let (date, rest) = t.split_once('T').unwrap_or((t, ""));
    format!("{date} {}", rest.get(..8).unwrap_or(rest))
}

/// The codes a failure names: its own, then the root that came before it on its way. A
/// cancellation names only its own code.
/// Where a failed client installation was getting its files, as ccmsetup reported it: the path
/// of the failed deployment, and the management point its command line names.
fn client_source(op: &Operation) -> String {
    match (op.fact("download_from"), op.fact("mp")) {
        (Some(path), Some(mp)) => format!(" It was downloading the client's files from {path} (its management point: {mp})."),
        (Some(path), None) => format!(" It was downloading the client's files from {path}."),
        (None, Some(mp)) => format!(" Its management point: {mp}."),
        (None, None) => String::new(),
    }
}

fn failure_words(a: &Analysis, op: &Operation) -> String {
    if let (Some(lead), Some(call)) = (op.lead_code(), op.code.filter(|&c| Some(c) != op.lead_code())) {
        // The call's code only sums up its updates: the update's own code leads.
        return format!("{}, so the call ended with {}", code_name(lead), code_name(call));
    }
    let own = op.code.map(code_name);
    let root = op.root.filter(|r| Some(*r) != op.code && matches!(op.outcome, Outcome::Failed | Outcome::Recovered)).map(code_name);
    let mut s = match (own, root) {
        (Some(c), Some(r)) => format!("{c}, after {r}"),
        (Some(c), None) => c,
        (None, Some(r)) => format!("after {r}"),
        (None, None) => String::new(),
    };
    if let Some(c) = op.cause {
        s = if s.is_empty() { c.to_string() } else { format!("{s}: {c}") };
    } else if let Some(w) = root_words(a, op).or_else(|| op.first_link.and_then(|e| wil_message(a, op.file, e))) {
        s = if s.is_empty() { format!("“{w}”") } else { format!("{s}: “{w}”") };
    }
    if s.is_empty() {
        "no code in the log".to_string()
    } else {
        s
    }
}

/// What the root's own line says, in its words up to its details (`Failed to load offline store
/// from boot directory`): the first of the operation's lines that holds the root code, when the
/// root differs from the result.
fn root_words(a: &Analysis, op: &Operation) -> Option<String> {
    let root = op.root.filter(|r| Some(*r) != op.code)?;
    let f = &a.files[op.file];
    let e = op.lines.iter().copied().find(|&e| a.codes_at(op.file, e).any(|c| c == root))?;
    if let Some(m) = wil_message(a, op.file, e) {
        return Some(m);
    }
    let msg = f.message(&f.entries[e as usize]).trim();
    // Past a DISM provider's `PID=.. TID=..` and the agent's `*FAILED* [80070002]`.
    let msg = msg.split_once(" TID=").map_or(msg, |(_, rest)| rest.split_once(' ').map_or("", |(_, m)| m)).trim();
    let msg = msg.strip_prefix("*FAILED*").map_or(msg, |m| m.trim_start().split_once(']').filter(|(c, _)| c.starts_with('[')).map_or(m, |(_, m)| m)).trim();
    // Up to the first detail: a colon, a bracket, an `hr`, or an id (a GUID, a number).
    let mut end = msg.len();
    let mut at = 0;
    for word in msg.split(' ') {
        let detail = word.contains([':', '[', '(', ',', '='])
            || word.chars().filter(char::is_ascii_digit).count() >= 2
            || word.eq_ignore_ascii_case("hr")
            || word == "HRESULT";
        if detail && at > 0 {
            end = at + word.find([':', '[', '(', ',']).filter(|&i| i > 0 && !word.contains('=')).unwrap_or(0);
            break;
        }
        at += word.len() + 1;
    }
    let mut words: Vec<&str> = msg[..end.min(msg.len())].split_whitespace().collect();
    // A phrase cut before its detail ends on the word that led to it: `failed with`.
    while words.last().is_some_and(|w| ["with", "for", "of", "to", "in", "at", "from", "by", "-", "=", "is", "was"].contains(&w.to_ascii_lowercase().as_str()))
    {
        words.pop();
    }
    let words: String = words.join(" ").trim_end_matches(['.', ';', ' ', '-']).chars().take(90).collect();
    (words.split_whitespace().count() >= 3).then_some(words)
}

/// The message of a Windows Implementation Library failure line (`... ReturnHr(1) tid(20cc)
/// C1570118     Msg:[Failed while adding package ...]`), written on the line itself or on the
/// record that follows it when the line holds the system's text for the code
/// (DISM's Appx provider writes both): about 280 characters at most, or none.
fn wil_message(a: &Analysis, file: usize, e: u32) -> Option<String> {
    let f = &a.files[file];
    let at = |i: u32| f.entries.get(i as usize).map(|x| f.record(x));
    let own = at(e)?;
    if !own.contains(" tid(") {
        return None;
    }
    // The next record holds the message only when it is its continuation (no time of its own).
    let next = f.entries.get(e as usize + 1).filter(|x| !x.has_time()).and_then(|_| at(e + 1));
    let text = [Some(own), next].into_iter().flatten().find_map(|r| r.split_once("Msg:[").map(|(_, m)| m))?;
    let text = text.rsplit_once(']').map_or(text, |(m, _)| m).trim();
    let words = if text.chars().count() > 280 {
        let cut: String = text.chars().take(280).collect();
        format!("{}…", cut.rsplit_once(' ').map_or(cut.as_str(), |(w, _)| w))
    } else {
        text.to_string()
    };
    (words.split_whitespace().count() >= 3).then_some(words)
}

/// Failures grouped by code: "0x8024402F by Device Driver Retrieval Client at 2024-05-31 16:45:56".
/// A group names each distinct root with how many it explains, every caller that failed (with
/// its count when there are several), and when the latest of them ended, by time.
fn describe_failures(a: &Analysis, failed: &[&Operation]) -> String {
    let mut by_code: BTreeMap<Option<u32>, Vec<&Operation>> = BTreeMap::new();
    for o in failed {
        by_code.entry(o.lead_code()).or_default().push(o);
    }
    let mut groups: Vec<(Option<u32>, Vec<&Operation>)> = by_code.into_iter().collect();
    groups.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    let mut out = Vec::new();
    for (_, ops) in groups.iter().take(3) {
        let last = latest(a, ops);
        let mut roots: Vec<(u32, usize)> = Vec::new();
        for r in ops.iter().filter(|o| matches!(o.outcome, Outcome::Failed | Outcome::Recovered)).filter_map(|o| o.root.filter(|r| Some(*r) != o.lead_code())) {
            match roots.iter_mut().find(|(c, _)| *c == r) {
                Some(x) => x.1 += 1,
                None => roots.push((r, 1)),
            }
        }
        roots.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        let mut s = if roots.len() > 1 {
            let own = last.lead_code().map(code_name).unwrap_or_else(|| "no code in the log".into());
            let after: Vec<String> = roots.iter().map(|&(r, n)| format!("{} in {n}", code_name(r))).collect();
            let mut s = format!("{own} ×{}, after {}", ops.len(), after.join(" and "));
            if let Some(c) = last.cause {
                s = format!("{s}: {c}");
            }
            s
        } else {
            let s = failure_words(a, last);
            if ops.len() > 1 {
                format!("{s} ×{}", ops.len())
            } else {
                s
            }
        };
        let mut callers: Vec<(&str, usize)> = Vec::new();
        for c in ops.iter().map(|o| o.caller.as_str()).filter(|c| !c.is_empty()) {
            match callers.iter_mut().find(|(x, _)| *x == c) {
                Some(x) => x.1 += 1,
                None => callers.push((c, 1)),
            }
        }
        callers.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        if !callers.is_empty() {
            let counted = callers.len() > 1 && callers.iter().any(|c| c.1 > 1);
            let mut names: Vec<String> = callers.iter().take(5).map(|&(c, n)| if counted { counted_caller(c, n) } else { caller_words(c) }).collect();
            if callers.len() > 5 {
                names.push(format!("{} other callers", callers.len() - 5));
            }
            let names = match names.split_last() {
                Some((tail, head)) if !head.is_empty() => format!("{} and {tail}", head.join(", ")),
                _ => names.join(""),
            };
            s.push_str(&format!(" by {names}"));
        }
        let mut names: Vec<String> = Vec::new();
        for n in ops.iter().filter_map(|o| o.update_name()).map(|n| super::codes::update_name(&n)) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        match names.len() {
            0 => {}
            1 | 2 => s.push_str(&format!(" of {}", names.join(" and "))),
            n => s.push_str(&format!(" of {n} updates")),
        }
        let at = when(a, last);
        if !at.is_empty() {
            s.push_str(&if ops.len() > 1 { format!(",{}", at.replacen(" at ", " last at ", 1)) } else { format!(",{at}") });
        }
        out.push(s);
    }
    if groups.len() > 3 {
        out.push(format!("and {}", counted(groups.len() - 3, "other code", "other codes")));
    }
    out.join("; ")
}

/// A caller in words with how many it had: `the ConfigMgr client (CcmExec, 3)`, `powershell.exe (2)`.
fn counted_caller(caller: &str, n: usize) -> String {
    let words = caller_words(caller);
    match words.strip_suffix(')') {
        Some(head) if words != caller => format!("{head}, {n})"),
        _ => format!("{words} ({n})"),
    }
}

/// The operation of `ops` that ended last in time (logs from several sources are not in time
/// order one after the other); the last in order where there is no time.
fn latest<'a>(a: &Analysis, ops: &[&'a Operation]) -> &'a Operation {
    let at = |o: &Operation| o.anchor().and_then(|e| a.files[o.file].utc_ms(&a.files[o.file].entries[e as usize]));
    ops.iter().enumerate().max_by_key(|(i, o)| (at(o), *i)).map(|(_, o)| *o).expect("a group has an operation")
}

/// What the completed sessions were, where they are of more than one sort or were run by
/// programs (DISM API sessions): ` (3 DISM sessions; 49 DISM API sessions, by cleanmgr.exe ×40,
/// powershell.exe ×9)`; empty for sessions of one sort with no program named.
fn what_ran(sessions: &[&Operation]) -> String {
    let done: Vec<&&Operation> = sessions.iter().filter(|o| o.outcome == Outcome::Succeeded).collect();
    let mut sorts: Vec<(&str, Vec<&&Operation>)> = Vec::new();
    for o in &done {
        match sorts.iter_mut().find(|(t, _)| *t == o.def.title) {
            Some((_, v)) => v.push(o),
            None => sorts.push((o.def.title, vec![o])),
        }
    }
    let programs = |ops: &[&&Operation]| {
        let mut by: Vec<(String, usize)> = Vec::new();
        for p in ops.iter().filter_map(|o| o.fact("program")).map(program) {
            match by.iter_mut().find(|(n, _)| *n == p) {
                Some((_, c)) => *c += 1,
                None => by.push((p, 1)),
            }
        }
        by.sort_by_key(|(n, c)| (std::cmp::Reverse(*c), n.clone()));
        let named: Vec<String> = by.iter().take(3).map(|(n, c)| if *c > 1 { format!("{n} ×{c}") } else { n.clone() }).collect();
        if named.is_empty() {
            String::new()
        } else {
            format!(", by {}{}", named.join(", "), if by.len() > 3 { ", ..." } else { "" })
        }
    };
    // The features they were for (Windows setup's Update Agent names each session's).
    let features = |ops: &[&&Operation]| {
        let mut named: Vec<&str> = Vec::new();
        for f in ops.iter().filter_map(|o| o.fact("feature")) {
            if !named.contains(&f) {
                named.push(f);
            }
        }
        match named.len() {
            0 => String::new(),
            n if n <= 3 => format!(", for {}", named.join(", ")),
            n => format!(", for {} and {} more", named[..2].join(", "), n - 2),
        }
    };
    let words: Vec<String> = sorts.iter().map(|(t, v)| format!("{}{}{}", counted(v.len(), t, &format!("{t}s")), programs(v), features(v))).collect();
    if words.is_empty() || (sorts.len() == 1 && !words[0].contains(", by ") && !words[0].contains(", for ")) {
        return String::new();
    }
    format!(" ({})", words.join("; "))
}

/// The completed sessions that were a program's routine call, ending the way it always does (a
/// noise context of the knowledge base bound to that program), by program and code: `28 of them
/// were msmpeng.exe's routine call, ending 0x800F080C (CBS_E_UNKNOWN_UPDATE) as it routinely does: no
/// failure`.
fn routine_calls(completed: &[&Operation]) -> Vec<String> {
    let mut by: Vec<(String, u32, usize)> = Vec::new();
    for o in completed {
        let (Some(code), Some(p)) = (o.routine, o.program()) else { continue };
        let p = program(p);
        match by.iter_mut().find(|(n, c, _)| *n == p && *c == code) {
            Some(g) => g.2 += 1,
            None => by.push((p, code, 1)),
        }
    }
    by.into_iter()
        .map(|(p, code, n)| {
            let which = if n == 1 { "one of them was".to_string() } else { format!("{n} of them were") };
            format!("{which} {p}'s routine call, ending {} as it routinely does: no failure", code_name(code))
        })
        .collect()
}

/// The program a command line starts, by its file name: `C:\WINDOWS\system32\cleanmgr.exe
/// /autoclean` → `cleanmgr.exe`.
fn program(command: &str) -> String {
    let t = command.trim();
    let first = match t.strip_prefix('"') {
        Some(rest) => rest.split('"').next().unwrap_or(rest),
        None => t.split_whitespace().next().unwrap_or(t),
    };
    first.rsplit(['\\', '/']).next().unwrap_or(first).to_ascii_lowercase()
}

/// Failed servicing sessions grouped by code and cause: "`dism /online /cleanup-image
/// /restorehealth ...` with 0x800F081F (CBS_E_SOURCE_MISSING) ×2, last at ...".
fn describe_servicing_failures(a: &Analysis, failed: &[&Operation]) -> String {
    let mut groups: Vec<(Option<u32>, Option<&str>, Vec<&Operation>)> = Vec::new();
    for o in failed {
        match groups.iter_mut().find(|(c, cause, _)| *c == o.code && *cause == o.cause) {
            Some(g) => g.2.push(o),
            None => groups.push((o.code, o.cause, vec![o])),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.2.len()));
    let mut out: Vec<String> = Vec::new();
    for (_, _, ops) in groups.iter().take(3) {
        let last = latest(a, ops);
        let what = if !last.label.is_empty() { format!("`{}`", command(&last.label)) } else { last.fact("operation").unwrap_or(last.def.title).to_string() };
        let times = if ops.len() > 1 { format!(" ({} times)", ops.len()) } else { String::new() };
        let at = when(a, last);
        let at = if at.is_empty() {
            at
        } else if ops.len() > 1 {
            format!(",{}", at.replacen(" at ", " last at ", 1))
        } else {
            format!(",{at}")
        };
        out.push(format!("{what}{times}: {}{at}", failure_words(a, last)));
    }
    if groups.len() > 3 {
        out.push(format!("and {} of failure", counted(groups.len() - 3, "other kind", "other kinds")));
    }
    out.join("; ")
}

/// `dism /online /cleanup-image /restorehealth /source:...` without the program path, short.
fn command(label: &str) -> String {
    let t = label.trim();
    // From the program's name on: `"X:\windows\system32\dism.exe" /image:...` → `dism /image:...`.
    let lower = t.to_ascii_lowercase();
    let program = lower.find("dism.exe").map(|at| at + "dism.exe".len()).or_else(|| lower.find("dism ").map(|at| at + "dism".len()));
    match program {
        Some(after) => command_words(&format!("dism{}", t[after..].trim_start_matches('"'))),
        None => command_words(t),
    }
}

fn command_words(t: &str) -> String {
    let t: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > 120 {
        t.chars().take(117).collect::<String>() + "…"
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_in_words() {
        assert_eq!(program(r"C:\WINDOWS\system32\cleanmgr.exe /autoclean"), "cleanmgr.exe");
        assert_eq!(program(r#""C:\Program Files\PowerShell\7\pwsh.exe" -File x.ps1"#), "pwsh.exe");
        assert_eq!(command(r#""X:\windows\system32\dism.exe" /image:C:\ /cleanup-image /restorehealth"#), r"dism /image:C:\ /cleanup-image /restorehealth");
        assert_eq!(command("dism   /online /get-features"), "dism /online /get-features");
        let long = "x ".repeat(100);
        assert_eq!(command_words(&long).chars().count(), 118);
        assert!(command_words(&long).ends_with('…'));
    }

    #[test]
    fn counts_and_times_in_words() {
        assert_eq!(counted(1, "search", "searches"), "1 search");
        assert_eq!(counted(3, "search", "searches"), "3 searches");
        assert_eq!(short_time("2024-05-31T16:45:56.136-07:00"), "2024-05-31 16:45:56");
    }
}
