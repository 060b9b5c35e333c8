//! What each kind of work in the logs came to, in one sentence each, with the lines that prove
//! it: the Windows Update agent's operations, servicing (DISM, CBS, the component store, SFC),
//! Windows setup, task sequences and the ConfigMgr client's installation. The verdict leads with
//! the failed ones and then says plainly what ran and succeeded.

use std::collections::BTreeMap;

use super::operations::{Counted, Operation};
use crate::analysis::Analysis;
use crate::model::{base_name, time_of, Domain, LogKind, OperationKind, Outcome, Standing};

/// One sentence of the verdict, with its evidence (file, entry) and codes.
pub struct Statement {
    pub domain: Domain,
    pub standing: Standing,
    /// What the work came to (its words: `output/words/detail.rs`).
    pub said: Said,
    /// A target failing now that this statement tells first: its row in `Diagnosis::ledger`.
    pub told: Option<usize>,
    pub lines: Vec<(usize, u32)>,
    pub codes: Vec<u32>,
}

/// What a statement says of its work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Said {
    /// The ConfigMgr client scan flow (`Diagnosis::scan`), with its cycles.
    ScanFlow,
    /// The WSUS synchronization flow (`Diagnosis::sync`).
    SyncFlow,
    /// What the operations of a kind of work came to, already in words (empty where only the
    /// target told first is said).
    Text(String),
}

/// Every domain the operations show, most important first.
/// `scan_told`: the ConfigMgr scan flow is in the logs and already tells its own searches
/// (CallerId CcmExec), so the agent's sentence leaves them out.
pub fn statements(a: &Analysis, ops: &[Operation], counted: &[Counted], scan_told: bool) -> Vec<Statement> {
    let mut out = Vec::new();
    out.extend(per_run(a, ops, OperationKind::ClientInstall, Domain::ClientInstall, "The ConfigMgr client installation"));
    out.extend(deployment(a, ops));
    out.extend(agent(a, ops, scan_told));
    out.extend(servicing(a, ops, counted));
    out.extend(per_run(a, ops, OperationKind::Setup, Domain::Setup, "Windows setup"));
    out.extend(per_run(a, ops, OperationKind::TaskSequence, Domain::TaskSequence, "The task sequence"));
    out
}

/// `0x8024402C (WU_E_PT_WINHTTP_NAME_NOT_RESOLVED)`.
/// A finding as a cause: its rule's title, or where that title only says what the lines look
/// like, what its first two codes mean ("the CBS store is corrupted, 0x800F0831
/// (CBS_E_STORE_CORRUPTION)").
pub fn finding_cause(f: &super::finding::Finding) -> String {
    let Some(codes) = f.cause_codes().filter(|c| !c.is_empty()) else {
        return f.rule.title.trim_end_matches('.').to_string();
    };
    let words: Vec<String> = codes
        .iter()
        .take(2)
        .map(|&c| match wulens_kb::entry(c).map(|k| k.message.trim().trim_end_matches('.')).filter(|m| !m.is_empty()) {
            Some(m) => format!("{}, {}", lower_first_word(m), code_name(c)),
            None => code_name(c),
        })
        .collect();
    words.join("; ")
}

/// `s` with its first letter in lower case, unless the first word is an acronym ("CBS").
fn lower_first_word(s: &str) -> String {
    let first = s.split_whitespace().next().unwrap_or("");
    if first.chars().filter(|c| c.is_alphabetic()).count() > 1 && first.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase()) {
        return s.to_string();
    }
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_lowercase().chain(c).collect())
}

pub fn code_name(code: u32) -> String {
    match wulens_kb::entry(code).map(|e| e.symbol).filter(|s| !s.is_empty()) {
        Some(s) => format!("0x{code:08X} ({s})"),
        None => format!("0x{code:08X}"),
    }
}

/// ` at 2024-05-31 16:45:56`, when an operation ended (or started); empty when the log has no time.
fn when(a: &Analysis, op: &Operation) -> String {
    op.anchor().and_then(|e| time_of(&a.files[op.file], e as usize)).map(|t| format!(" at {}", short_time(&t))).unwrap_or_default()
}

fn short_time(t: &str) -> String {
    let (date, rest) = t.split_once('T').unwrap_or((t, ""));
    format!("{date} {}", rest.get(..8).unwrap_or(rest))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The codes a failure names: its own, then the root that came before it on its way. A
/// cancellation names only its own code.
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
pub fn root_words(a: &Analysis, op: &Operation) -> Option<String> {
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

/// "53 searches: 1 failed (0x8024402F by Device Driver Retrieval Client at ...), 52 succeeded."
fn agent(a: &Analysis, ops: &[Operation], scan_told: bool) -> Option<Statement> {
    // The ConfigMgr client's searches are told by its scan's statement when there is one.
    let agent: Vec<&Operation> = ops.iter().filter(|o| o.kind().is_agent() && !(scan_told && o.caller.eq_ignore_ascii_case("CcmExec"))).collect();
    if agent.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    let mut standing = Standing::Ok;
    let mut shown: Vec<&Operation> = Vec::new();
    let mut failing_line: Option<(usize, u32)> = None;
    for kind in [OperationKind::Search, OperationKind::Download, OperationKind::Install] {
        let of: Vec<&Operation> = agent.iter().copied().filter(|o| o.kind() == kind).collect();
        if of.is_empty() {
            continue;
        }
        let with = |o: Outcome| of.iter().copied().filter(|x| x.outcome == o).collect::<Vec<&Operation>>();
        let (failed, cancelled, ok) = (with(Outcome::Failed), with(Outcome::Cancelled), with(Outcome::Succeeded).len());
        let recovered = with(Outcome::Recovered);
        let mut counts: Vec<String> = Vec::new();
        if !failed.is_empty() {
            standing = Standing::Failed;
            counts.push(format!("{} failed ({})", failed.len(), describe_failures(a, &failed)));
            shown.extend(failed.iter().rev().take(2));
        }
        if !recovered.is_empty() {
            // Failed, then a later try of the same work succeeded: shown, never a failure.
            let by = if kind == OperationKind::Search { "a later search by the same caller or of the same service" } else { "a later try of the same update" };
            counts.push(format!("{} recovered ({}; {by} succeeded)", recovered.len(), describe_failures(a, &recovered)));
            shown.extend(recovered.iter().rev().take(1));
        }
        if !cancelled.is_empty() {
            counts.push(format!("{} cancelled ({})", cancelled.len(), describe_failures(a, &cancelled)));
            shown.extend(cancelled.iter().rev().take(1));
            // Cancelled and nothing of the kind succeeded: worth a look, not a failure.
            if ok == 0 && standing == Standing::Ok {
                standing = Standing::Attention;
            }
        }
        for (o, what) in [
            (Outcome::Running, "still running when the log ends"),
            (Outcome::Interrupted, "with no end logged (the service restarted)"),
            (Outcome::Unknown, "with no result in the log"),
        ] {
            let n = with(o).len();
            if n > 0 {
                counts.push(format!("{n} {what}"));
            }
        }
        // Still running, but an error of its own was logged on the way: said, never hidden.
        let erred: Vec<&Operation> = with(Outcome::Running).into_iter().filter(|o| !o.codes_seen.is_empty()).collect();
        if let Some(last) = erred.last() {
            let code = code_name(last.codes_seen[0].0);
            // An update of the call failed (the handler's or the download manager's line says
            // so): that update's work failed though the call has no end. Said as a failure, at
            // the time of that line, which leads the evidence.
            match root_line(a, last) {
                Some(e) => {
                    let at = time_of(&a.files[last.file], e as usize).map(|t| format!(" at {}", short_time(&t))).unwrap_or_default();
                    counts.push(format!("{} of them after an update's {} failed with {code}{at}", erred.len(), kind.noun(1)));
                    failing_line.get_or_insert((last.file, e));
                    standing = Standing::Failed;
                }
                None => {
                    let at = when(a, last).replacen(" at ", ", the last at ", 1);
                    counts.push(format!("{} of them after an error ({code}{at})", erred.len()));
                    if standing == Standing::Ok {
                        standing = Standing::Attention;
                    }
                }
            }
            shown.push(last);
        }
        let all = of.len();
        let p = if ok == all {
            format!("{}, {}", plural(all, kind.noun(1), kind.noun(2)), if all == 1 { "succeeded" } else { "all succeeded" })
        } else {
            if ok > 0 {
                counts.push(format!("{ok} succeeded"));
            }
            format!("{}: {}", plural(all, kind.noun(1), kind.noun(2)), counts.join(", "))
        };
        parts.push(p);
    }
    if shown.is_empty() {
        // Nothing failed: the latest operation of each kind shows it.
        for kind in [OperationKind::Search, OperationKind::Download, OperationKind::Install] {
            shown.extend(agent.iter().copied().rfind(|o| o.kind() == kind));
        }
    }
    // Delivery Optimization's jobs alone (its log without the agent's): DO serves apps and
    // Office as well as Windows Update, so the sentence names DO, not the agent.
    let by = if agent.iter().all(|o| a.files[o.file].is(LogKind::DeliveryOptimization)) { "Delivery Optimization" } else { "Windows Update" };
    let lead = if standing == Standing::Failed { by.to_string() } else { format!("{by} ran") };
    let text = format!("{lead}: {}.", parts.join("; "));
    let mut lines = lines_of(&shown, 6);
    if let Some(l) = failing_line {
        lines.retain(|&x| x != l);
        lines.insert(0, l);
    }
    Some(Statement { domain: Domain::WindowsUpdate, standing, said: Said::Text(text), told: None, lines, codes: codes_of(&shown) })
}

/// The line of a call still running that gave it an update's failure (`root`), if any.
fn root_line(a: &Analysis, op: &Operation) -> Option<u32> {
    let root = op.root?;
    op.lines.iter().copied().find(|&e| a.codes_at(op.file, e).any(|c| c == root))
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
            let mut names: Vec<String> =
                callers.iter().take(5).map(|&(c, n)| if counted { counted_caller(c, n) } else { super::defs::caller_words(c) }).collect();
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
        for n in ops.iter().filter_map(|o| o.update_name()) {
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
        out.push(format!("and {} other code(s)", groups.len() - 3));
    }
    out.join("; ")
}

/// A caller in words with how many it had: `the ConfigMgr client (CcmExec, 3)`, `powershell.exe (2)`.
fn counted_caller(caller: &str, n: usize) -> String {
    let words = super::defs::caller_words(caller);
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

// ---- the ConfigMgr client evaluating deployments ----

/// "ConfigMgr: 3 applicability scans, all succeeded; an earlier error (0x87D00215, line 22) was
/// followed by success."
fn deployment(a: &Analysis, ops: &[Operation]) -> Option<Statement> {
    let runs: Vec<&Operation> = ops.iter().filter(|o| o.kind() == OperationKind::Deployment).collect();
    if runs.is_empty() {
        return None;
    }
    let mut by_label: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for o in &runs {
        by_label.entry(if o.label.is_empty() { o.def.title } else { o.label.as_str() }).or_default().push(o);
    }
    let mut parts = Vec::new();
    let mut standing = Standing::Ok;
    let mut shown: Vec<&Operation> = Vec::new();
    for (label, of) in &by_label {
        let failed: Vec<&Operation> = of.iter().copied().filter(|o| o.outcome == Outcome::Failed).collect();
        let ok = of.iter().filter(|o| o.outcome == Outcome::Succeeded).count();
        let mut p = plural(of.len(), label, &format!("{label}s"));
        if failed.is_empty() {
            p.push_str(if ok == of.len() { ", all succeeded" } else { "" });
            if ok < of.len() {
                p.push_str(&format!(", {ok} succeeded, the others have no result in these logs"));
                standing = standing.min(Standing::Attention);
            }
        } else {
            standing = Standing::Failed;
            p.push_str(&format!(", {} failed: {}", failed.len(), describe_failures(a, &failed)));
            shown.extend(failed.iter().rev().take(2));
        }
        parts.push(p);
    }
    if shown.is_empty() {
        shown.extend(runs.last());
    }
    let mut lines = lines_of(&shown, 6);
    if standing != Standing::Failed {
        // Errors before a later success: recovered, not the problem.
        let recovered = recovered_errors(a, &runs);
        if let Some(&(fi, ei, code)) = recovered.first() {
            let line = a.files[fi].entries[ei as usize].line;
            parts.push(format!(
                "{} before them ({} at {}:{line}) {} followed by success, so {} recovered",
                plural(recovered.len(), "error", "errors"),
                code_name(code),
                base_name(&a.files[fi].name),
                if recovered.len() == 1 { "was" } else { "were" },
                if recovered.len() == 1 { "it" } else { "they" }
            ));
            lines.push((fi, ei));
        }
    }
    Some(Statement {
        domain: Domain::ConfigmgrDeployment,
        standing,
        said: Said::Text(format!("ConfigMgr: {}.", parts.join("; "))),
        told: None,
        lines,
        codes: codes_of(&shown),
    })
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

fn servicing(a: &Analysis, ops: &[Operation], counted: &[Counted]) -> Option<Statement> {
    let sessions: Vec<&Operation> = ops.iter().filter(|o| o.kind() == OperationKind::Servicing).collect();
    let checks: Vec<&Operation> = ops.iter().filter(|o| o.kind() == OperationKind::StoreCheck).collect();
    let sfc: Vec<&Counted> = counted.iter().filter(|c| c.id == "sfc_cannot_repair").collect();
    // Error lines of an excerpt cut out of its session (no session to conclude in that log).
    let loose = super::rules::sessionless_servicing_errors(a, ops);
    // The servicing stack's runs that stopped normally: what ran, where nothing else speaks.
    let stack_runs: Vec<&Counted> = counted.iter().filter(|c| c.id == "trusted_installer_run").collect();
    let sfc_scan = counted.iter().rfind(|c| c.id == "sfc_repairing");
    if sessions.is_empty() && checks.is_empty() && sfc.is_empty() && loose.is_empty() && stack_runs.is_empty() && sfc_scan.is_none() {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    let mut standing = Standing::Ok;
    let mut shown: Vec<&Operation> = Vec::new();
    let mut lines: Vec<(usize, u32)> = Vec::new();
    let failed: Vec<&Operation> = sessions.iter().copied().filter(|o| o.outcome == Outcome::Failed).collect();
    let sessions_word = |n: usize| plural(n, "servicing session", "servicing sessions");
    if !failed.is_empty() {
        standing = Standing::Failed;
        // Counted among the sessions of their own sort (DISM commands, CBS sessions): the DISM
        // API sessions of Disk Cleanup beside them are other work, said apart.
        let (same, other): (Vec<&Operation>, Vec<&Operation>) = sessions.iter().partition(|o| failed.iter().any(|f| f.def.title == o.def.title));
        parts.push(format!("{} of {} failed: {}", failed.len(), sessions_word(same.len()), describe_servicing_failures(a, &failed)));
        let done = other.iter().filter(|o| o.outcome == Outcome::Succeeded).count();
        if done > 0 {
            parts.push(format!("{done} other {} completed{}", if done == 1 { "session" } else { "sessions" }, what_ran(&other)));
        }
        shown.extend(failed.iter().rev().take(2));
    } else if !sessions.is_empty() {
        let done = sessions.iter().filter(|o| o.outcome == Outcome::Succeeded).count();
        parts.push(format!("{} of {} completed{}", done, sessions_word(sessions.len()), what_ran(&sessions)));
        let open = sessions.len() - done;
        if open > 0 {
            parts.push(format!("{open} logged no end (their result is not in this log)"));
        }
    }
    let quiet = sessions.is_empty() && checks.is_empty() && sfc.is_empty() && loose.is_empty();
    let (said, shown_lines) = healthy_runs(a, sfc_scan.filter(|_| sfc.is_empty()), if quiet { &stack_runs } else { &[] });
    parts.extend(said);
    lines.extend(shown_lines);
    if let Some(check) = checks.last() {
        let n = |name: &str| check.fact(name).and_then(|v| v.trim().parse::<u32>().ok());
        let (found, repaired) = (n("detected"), n("repaired"));
        let kind = check.fact("operation").unwrap_or("check").trim().to_string();
        match (found, repaired) {
            (Some(f), Some(r)) if f > r => {
                standing = standing.min(Standing::Failed);
                parts.push(format!(
                    "the last component-store check ({kind}{}) found {} and repaired {r}: the store is damaged",
                    when(a, check),
                    plural(f as usize, "corruption", "corruptions")
                ));
                shown.push(check);
            }
            (Some(f), Some(r)) if f > 0 => parts.push(format!(
                "the last component-store check ({kind}{}) found {} and repaired all {r}",
                when(a, check),
                plural(f as usize, "corruption", "corruptions")
            )),
            (Some(0), _) if check.outcome == Outcome::Succeeded => {
                parts.push(format!("the last component-store check ({kind}{}) found no corruption", when(a, check)))
            }
            _ => {}
        }
        if check.outcome == Outcome::Failed && failed.is_empty() {
            standing = Standing::Failed;
            parts.push(format!("the component-store check itself failed with {}", failure_words(a, check)));
            shown.push(check);
        }
    }
    if !sfc.is_empty() {
        let mut files: Vec<&str> = sfc.iter().map(|c| c.item.as_str()).collect();
        files.sort_unstable();
        files.dedup();
        let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &sfc {
            *groups.entry(c.group.as_str()).or_default() += 1;
        }
        let within = if groups.len() == 1 { format!("all in {}", groups.keys().next().expect("one group")) } else { format!("in {} components", groups.len()) };
        parts.push(format!("SFC could not repair {} ({within})", plural(files.len(), "file", "files")));
        if checks.is_empty() {
            parts.push("no component-store check in this log tells whether the store itself is damaged".into());
        }
        if standing == Standing::Ok {
            standing = Standing::Attention;
        }
        lines.extend(sfc.iter().take(2).map(|c| (c.file, c.entry)));
    }
    let mut loose_codes: Vec<u32> = Vec::new();
    for &(_, _, c) in &loose {
        if !loose_codes.contains(&c) {
            loose_codes.push(c);
        }
    }
    if !loose.is_empty() {
        standing = Standing::Failed;
        let named: Vec<String> = loose_codes.iter().take(3).map(|&c| code_name(c)).collect();
        parts.push(format!(
            "{} with no session around {} in these lines failed with {}",
            plural(loose.len(), "error line", "error lines"),
            if loose.len() == 1 { "it" } else { "them" },
            named.join(", ")
        ));
        lines.extend(loose.iter().take(4).map(|&(f, e, _)| (f, e)));
    }
    let restart = super::restart::servicing_words(a, ops, counted);
    if let Some((words, _)) = &restart {
        parts.push(words.clone());
    }
    if parts.is_empty() {
        return None;
    }
    if shown.is_empty() && lines.is_empty() {
        shown.extend(checks.last().or(sessions.last()));
    }
    lines.splice(0..0, lines_of(&shown, 6));
    for l in restart.map(|(_, l)| l).unwrap_or_default() {
        if !lines.contains(&l) {
            lines.push(l);
        }
    }
    let lead = if standing == Standing::Ok { "Servicing, no failure" } else { "Servicing" };
    let text = format!("{lead}: {}.", parts.join("; "));
    let mut codes = codes_of(&shown);
    codes.extend(loose_codes.into_iter().filter(|c| !codes.contains(c)).collect::<Vec<u32>>());
    Some(Statement { domain: Domain::Servicing, standing, said: Said::Text(text), told: None, lines, codes })
}

/// What healthy runs say where nothing else does: SFC's last scan (where no file it could not
/// repair speaks for it), and the servicing stack's runs (where no session, check or error
/// speaks at all).
fn healthy_runs(a: &Analysis, sfc_scan: Option<&Counted>, stack_runs: &[&Counted]) -> (Vec<String>, Vec<(usize, u32)>) {
    let (mut parts, mut lines) = (Vec::new(), Vec::new());
    if let Some(scan) = sfc_scan {
        let at = time_of(&a.files[scan.file], scan.entry as usize).map(|t| format!(" (at {})", short_time(&t))).unwrap_or_default();
        match scan.item.trim().parse::<u32>() {
            Ok(0) => parts.push(format!("SFC's last scan{at} found nothing to repair")),
            Ok(n) => parts.push(format!("SFC's last scan{at} repaired the {} it found damaged", plural(n as usize, "component", "components"))),
            Err(_) => {}
        }
        lines.push((scan.file, scan.entry));
    } else if let Some(last) = stack_runs.last() {
        let at = time_of(&a.files[last.file], last.entry as usize).map(|t| short_time(&t));
        let when = match (stack_runs.len(), at) {
            (1, Some(t)) => format!("once and stopped normally (at {t})"),
            (1, None) => "once and stopped normally".to_string(),
            (n, Some(t)) => format!("{n} times and stopped normally (the last at {t})"),
            (n, None) => format!("{n} times and stopped normally"),
        };
        parts.push(format!("the servicing stack ran {when}; no session to conclude"));
        lines.extend(stack_runs.iter().rev().take(2).rev().map(|c| (c.file, c.entry)));
    }
    (parts, lines)
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
    let words: Vec<String> = sorts.iter().map(|(t, v)| format!("{}{}", plural(v.len(), t, &format!("{t}s")), programs(v))).collect();
    if words.is_empty() || (sorts.len() == 1 && !words[0].contains(", by ")) {
        return String::new();
    }
    format!(" ({})", words.join("; "))
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
        out.push(format!("and {} other kind(s) of failure", groups.len() - 3));
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

// ---- one run per log: client installation, setup, task sequence ----

/// The runs of one kind that count, in time order: a run with no result of its own and no line
/// that began it (a setuperr.log beside its setupact.log holds the same run without its result)
/// does not, where another run states one.
pub fn runs_that_count<'o>(a: &Analysis, ops: &'o [Operation], kind: OperationKind) -> Vec<&'o Operation> {
    // A phase whose failure a later log reports (the rollback's) is that run, not another one.
    let mut runs: Vec<&Operation> = ops.iter().filter(|o| o.kind() == kind && o.reported_in.is_none()).collect();
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

fn per_run(a: &Analysis, ops: &[Operation], kind: OperationKind, domain: Domain, name: &str) -> Option<Statement> {
    let runs = runs_that_count(a, ops, kind);
    // The latest run decides.
    let last = *runs.last()?;
    let file = base_name(&a.files[last.file].name);
    let name = if kind == OperationKind::Setup { super::setup::program(a, last).unwrap_or(name) } else { name };
    let rollback = (kind == OperationKind::Setup).then(|| super::setup::rollback(a, last)).flatten();
    let (standing, text) = match last.outcome {
        // A run of a whole log is never marked recovered; it is here for the match to be whole.
        Outcome::Failed | Outcome::Recovered => (Standing::Failed, format!("{name} failed: {}{} ({file}).", failure_words(a, last), when(a, last))),
        Outcome::Cancelled => (Standing::Attention, format!("{name} was cancelled: {}{} ({file}).", failure_words(a, last), when(a, last))),
        Outcome::Succeeded => {
            let noted = run_errors(a, last);
            let tail = if noted > 0 { format!("; the {} it logged did not stop it", plural(noted, "error line", "error lines")) } else { String::new() };
            let code = last.code.map(|c| format!(" ({})", code_name(c))).unwrap_or_default();
            (Standing::Ok, format!("{name} completed{code}{}{tail} ({file}).", when(a, last)))
        }
        Outcome::Running => (Standing::Attention, format!("{name} is still running when {file} ends.")),
        // No result, but the rollback's own lines: the upgrade failed and is being, or was,
        // undone.
        Outcome::Interrupted | Outcome::Unknown if rollback.is_some() => {
            let r = rollback.as_ref().expect("checked");
            let at = |e: u32| time_of(&a.files[last.file], e as usize).map(|t| format!(" at {}", short_time(&t))).unwrap_or_default();
            match r.ended {
                None => (
                    Standing::Attention,
                    format!("{name}: an upgrade is rolling back: rollback phase {} began{} and is still running when {file} ends.", r.phase, at(r.began)),
                ),
                Some(end) => (
                    Standing::Failed,
                    format!(
                        "{name}: the upgrade failed and was rolled back (rollback phase {} completed{}); setup's result code is not in {file}.",
                        r.phase,
                        at(end)
                    ),
                ),
            }
        }
        Outcome::Interrupted | Outcome::Unknown => {
            let errors = run_errors(a, last);
            let note = if errors > 0 { format!("it logged {}", plural(errors, "error line", "error lines")) } else { "it logged no error".to_string() };
            let latest = if runs.len() > 1 { format!("its latest run{}", when(a, last)) } else { "it".to_string() };
            // A setuperr.log holds only the error lines of the setupact.log written beside it.
            let errors_only = kind == OperationKind::Setup
                && super::setup::errors_only(&a.files[last.file].name)
                && !a.files.iter().any(|f| f.is(LogKind::Setup) && !super::setup::errors_only(&f.name));
            let why = if errors_only { " (a setuperr.log holds only the errors; the result is in the setupact.log written beside it)" } else { "" };
            (Standing::Unknown, format!("{name}: {}; its result is not in {file}{why}.", note.replacen("it", &latest, 1)))
        }
    };
    let (mut standing, mut text) = (standing, text);
    let mut lines = lines_of(&[last], 6);
    if let Some(r) = rollback.filter(|_| matches!(last.outcome, Outcome::Interrupted | Outcome::Unknown)) {
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
    if own.len() > 1 {
        let failed: Vec<&Operation> = own.iter().copied().filter(|o| o.outcome == Outcome::Failed).collect();
        text.push_str(&format!(" It is the last of {} runs in {file}; {} failed", own.len(), failed.len()));
        match failed.last() {
            Some(f) if last.outcome != Outcome::Failed => {
                text.push_str(&format!(", the last of them{}: {}.", when(a, f), failure_words(a, f)));
                standing = Standing::Failed;
                lines.extend(lines_of(&[f], 4).into_iter().filter(|l| !lines.contains(l)).collect::<Vec<_>>());
                codes.extend(codes_of(&[f]).into_iter().filter(|c| !codes.contains(c)).collect::<Vec<_>>());
            }
            _ => text.push('.'),
        }
    }
    let note = if kind == OperationKind::Setup { super::setup::failure_note(a, last) } else { None };
    if let Some((words, shown)) = note {
        text.push_str(&words);
        lines.extend(shown);
    }
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
    Some(Statement { domain, standing, said: Said::Text(text), told: None, lines, codes })
}
