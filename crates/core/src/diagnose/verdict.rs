//! The conclusions: codes ranked by significance, the one-paragraph verdict, and the ranked next
//! checks. Everything here reads what the flows and rules established; nothing matches lines.

use std::collections::HashMap;

use super::config::Machine;
use super::finding::Finding;
use super::flow::FlowResult;
use super::operations::Counted;
use super::operations::Operation;
use super::outcomes::Statement;
use crate::analysis::Analysis;
use crate::model::{base_name, time_of, CycleOutcome, Domain, FindingSeverity, OperationKind, Outcome, Standing, StepStatus, VerdictStatus};
use wulens_kb::Place;

/// A thing to check next, with the command that checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextCheck {
    pub text: String,
    pub command: Option<String>,
    /// What this check comes from: a finding id, a code, or a step.
    pub from: String,
}

/// What the diagnosis concludes from the flows, the operations and the findings: the
/// statements in order, the ranked codes, the next checks, the status and the verdict.
pub struct Conclusion {
    pub statements: Vec<Statement>,
    pub ranked_codes: Vec<u32>,
    pub next_checks: Vec<NextCheck>,
    pub status: VerdictStatus,
    pub verdict: String,
}

/// What the diagnosis stage hands to the conclusions, once established.
pub struct Established<'a> {
    pub scan: &'a FlowResult,
    pub sync: &'a FlowResult,
    pub operations: &'a [Operation],
    pub counted: &'a [Counted],
    pub findings: &'a [Finding],
    /// The client updates from Microsoft's services, not a WSUS server.
    pub public: bool,
    pub machine: &'a Machine,
}

/// The one step from what was established to what is concluded.
pub fn conclude(a: &Analysis, e: &Established) -> Conclusion {
    let mut statements = flow_statements(a, e.scan, e.sync);
    statements.extend(super::outcomes::statements(a, e.operations, e.counted, e.scan.witnessed()));
    // Failures first, then by domain (the client's installation before its scans, ...).
    statements.sort_by_key(|s| (s.standing, s.domain));
    let ranked_codes = rank_codes(a, e.scan, e.sync, e.operations, e.findings);
    // The ranked codes' own guidance is the last resort, and only where something failed:
    // with nothing failed, the drop's most significant code is routine or history, and a
    // repair step for it would send an admin after a machine that is fine.
    let failing = statements.iter().any(|s| s.standing == Standing::Failed);
    // And only for codes that an update program wrote where they are not routine: the
    // knowledge base's advice is about updates and servicing, so a code in another program's log
    // (a device install's setupapi.dev.log, the Intune Management Extension's) gets none.
    let fallback: Vec<u32> = if failing { ranked_codes.iter().copied().filter(|&c| written_by_update_program(a, c)).collect() } else { Vec::new() };
    let next_checks = next_checks(e.scan, e.sync, e.operations, e.findings, &fallback, e.public, e.machine);
    let (status, verdict) = verdict(a, &statements, e.findings, &ranked_codes);
    Conclusion { statements, ranked_codes, next_checks, status, verdict }
}

/// Every code of the drop, most significant first: the failed step's codes, then codes behind a
/// finding, then codes the knowledge base has guidance for, then by count. (A busy log's most
/// frequent code is often noise: E_FAIL in CBS.log, metadata signature checks in WindowsUpdate.log.)
fn rank_codes(a: &Analysis, scan: &FlowResult, sync: &FlowResult, ops: &[Operation], findings: &[Finding]) -> Vec<u32> {
    let mut failed: Vec<u32> = scan.failed_step_codes(a);
    failed.extend(sync.failed_step_codes(a));
    // Then the codes of failed operations, latest first: their result and its root.
    for o in ops.iter().rev().filter(|o| o.outcome == Outcome::Failed) {
        for c in o.code.into_iter().chain(o.root).filter(|c| c & 0x8000_0000 != 0) {
            if !failed.contains(&c) {
                failed.push(c);
            }
        }
    }
    failed.dedup();
    let behind_findings: Vec<String> = findings.iter().filter(|f| f.severity != FindingSeverity::Info).flat_map(|f| f.codes.iter().cloned()).collect();
    let rank = |code: u32| {
        let hex = format!("0x{code:08X}");
        let failed = failed.iter().position(|c| *c == code).unwrap_or(usize::MAX);
        let finding = behind_findings.iter().position(|c| *c == hex).unwrap_or(usize::MAX);
        let no_guidance = !wulens_kb::entry(code).is_some_and(|k| k.has_guidance());
        (failed, finding, all_routine(a, code), no_guidance)
    };
    let mut codes: Vec<(u32, u32)> = a.codes.iter().map(|c| (c.code, c.count)).collect();
    codes.sort_by(|x, y| rank(x.0).cmp(&rank(y.0)).then(y.1.cmp(&x.1)).then(x.0.cmp(&y.0)));
    codes.into_iter().map(|(c, _)| c).collect()
}

/// Ranked, de-duplicated checks: findings first, then the failed step's codes, then the step.
/// Placeholders are filled from what the logs say of `machine`; a step about a WSUS server is left
/// out for an operation against Microsoft's services, and on a client that uses them (`public`).
fn next_checks(
    scan: &FlowResult,
    sync: &FlowResult,
    ops: &[Operation],
    findings: &[Finding],
    // Codes whose guidance comes last, when nothing else gave a check (most significant first).
    ranked: &[u32],
    public: bool,
    machine: &Machine,
) -> Vec<NextCheck> {
    let mut out: Vec<NextCheck> = Vec::new();
    let add = |out: &mut Vec<NextCheck>, text: &str, command: Option<&str>, from: String| {
        let (text, command) = (machine.fill(text), command.map(|c| machine.fill(c)));
        let (text, command) = (text.as_str(), command.as_deref());
        // The same command said twice in other words is one check.
        let same_command = |c: &NextCheck| command.is_some_and(|x| c.command.as_deref().is_some_and(|y| y.trim().eq_ignore_ascii_case(x.trim())));
        if out.len() < 10 && !out.iter().any(|c| c.text == text || same_command(c)) {
            out.push(NextCheck { text: text.to_string(), command: command.map(str::to_string), from });
        }
    };
    for f in findings.iter().filter(|f| f.severity != FindingSeverity::Info) {
        for g in f.guidance.iter().take(2) {
            add(&mut out, &g.text, g.command.as_deref(), format!("finding {}", f.id()));
        }
    }
    for (flow, place) in [(scan, None), (sync, Some(Place::WsusSync))] {
        let Some(n) = flow.failed_step else { continue };
        let st = flow.step(n).expect("the failed step is a step");
        // The client scan's steps are places of their own (`scan_3`); a sync is one place.
        let place = place.or(Some(Place::ScanStep(n)));
        for code in st.codes.iter().take(2) {
            let entry = wulens_kb::lookup(code).ok().and_then(|l| l.entry);
            for s in entry.map_or(&[][..], |k| k.mitigation).iter().filter(|s| s.fits(place)).take(3) {
                add(&mut out, &s.text, s.command.as_deref(), code.clone());
            }
        }
        for g in st.guidance.iter().take(3) {
            add(&mut out, &g.text, g.command.as_deref(), format!("{} step {n}", flow.def.id));
        }
    }
    // The knowledge base on the codes of the latest failed operations (root first). On a client
    // that gets its updates from Microsoft, steps about a WSUS server do not apply.
    let about_wsus = |t: &str| ["WSUS", ":8530", ":8531", "software update point"].iter().any(|w| t.contains(w));
    let mut seen_codes: Vec<u32> = Vec::new();
    for o in ops.iter().rev().filter(|o| o.outcome == Outcome::Failed) {
        let not_wsus = public || machine.public_operation(o);
        let wsus_only = |t: &str| not_wsus && about_wsus(t);
        for c in o.root.into_iter().chain(o.code).filter(|c| c & 0x8000_0000 != 0) {
            if seen_codes.contains(&c) || seen_codes.len() >= 3 {
                continue;
            }
            seen_codes.push(c);
            let Some(k) = wulens_kb::entry(c) else { continue };
            // Two steps not already on the list.
            let before = out.len();
            // Steps that fit this kind of operation (a search gets no BITS job listing).
            let place = place_of(o.kind());
            for st in k.mitigation.iter().filter(|st| st.fits(place) && !wsus_only(&st.text) && !st.command.as_deref().is_some_and(wsus_only)) {
                if out.len() >= before + 2 {
                    break;
                }
                // The update this operation worked on, where its lines name it.
                let (text, command) = (machine.fill_for(o, &st.text), st.command.as_deref().map(|x| machine.fill_for(o, x)));
                add(&mut out, &text, command.as_deref(), format!("0x{c:08X}"));
            }
        }
    }
    if out.is_empty() {
        if let Some((code, k)) = ranked.iter().find_map(|&c| wulens_kb::entry(c).filter(|k| !k.mitigation.is_empty()).map(|k| (c, k))) {
            for s in k.mitigation.iter().take(3) {
                add(&mut out, &s.text, s.command.as_deref(), format!("0x{code:08X}"));
            }
        }
    }
    out
}

/// Where in an update's life an operation of `kind` is, for the knowledge base's steps.
fn place_of(kind: OperationKind) -> Option<Place> {
    match kind {
        OperationKind::Search => Some(Place::WuSearch),
        OperationKind::Download => Some(Place::WuDownload),
        OperationKind::Install => Some(Place::WuInstall),
        OperationKind::Servicing | OperationKind::StoreCheck => Some(Place::Servicing),
        OperationKind::Setup => Some(Place::FeatureUpdate),
        OperationKind::ClientInstall => Some(Place::ClientInstall),
        OperationKind::Deployment => Some(Place::Deployment),
        OperationKind::TaskSequence => None,
    }
}

/// `0x8024401B, same as HTTP status 407: ..., 14 times in WindowsUpdate.log, first at ...`.
fn describe_error(a: &Analysis, code: u32) -> String {
    let mut s = format!("0x{code:08X}");
    let Some(stats) = a.code_stats(code) else { return s };
    let kb = wulens_kb::entry(code);
    let meaning = kb.map(|k| k.message.trim_end_matches('.').to_string()).filter(|m| !m.is_empty());
    let symbol = kb.map(|k| k.symbol.to_string()).filter(|s| !s.is_empty()).or_else(|| stats.stated_symbol.clone()).unwrap_or_default();
    match (meaning, wulens_kb::decode(code).http_status) {
        (Some(m), _) => s.push_str(&format!(", {}", lower_first(&m))),
        (None, Some(h)) => s.push_str(&format!(", HTTP {h}")),
        (None, None) if !symbol.is_empty() => s.push_str(&format!(" ({symbol})")),
        _ => {}
    }
    // Where it is most frequent, and when it first appeared.
    let mut per_file: HashMap<&str, usize> = HashMap::new();
    for o in &stats.occurrences {
        *per_file.entry(base_name(&a.files[o.file as usize].name)).or_default() += 1;
    }
    if let Some((file, n)) = per_file.iter().max_by_key(|(f, n)| (**n, std::cmp::Reverse(**f))) {
        s.push_str(&format!(", {} in {file}", times(*n)));
    }
    let first = stats
        .occurrences
        .iter()
        .filter_map(|o| {
            let f = &a.files[o.file as usize];
            f.utc_ms(&f.entries[o.entry as usize]).map(|t| (t, o))
        })
        .min_by_key(|(t, _)| *t)
        .and_then(|(_, o)| time_of(&a.files[o.file as usize], o.entry as usize));
    if let Some(t) = first {
        s.push_str(&format!(", first at {}", short_time(&t)));
    }
    s
}

/// The scan flows as verdict sentences (with the failed step's lines as evidence).
fn flow_statements(a: &Analysis, scan: &FlowResult, sync: &FlowResult) -> Vec<Statement> {
    let code_of = |hex: &String| wulens_kb::lookup(hex).map(|l| l.code.0).ok();
    let describe = |hex: &String| code_of(hex).map_or_else(|| hex.clone(), |c| describe_error(a, c));
    let evidence = |flow: &FlowResult| -> (Vec<(usize, u32)>, Vec<u32>) {
        let codes = flow.failed_step_codes(a);
        let failed = flow.failed_lines();
        let lines = if failed.is_empty() { flow.progress_lines() } else { failed };
        let lines = lines.into_iter().take(6).map(|(f, e)| (f as usize, e)).collect();
        (lines, codes)
    };
    let mut out = Vec::new();
    if scan.witnessed() {
        let (standing, mut text) = scan_sentence(scan, &describe);
        if let Some(history) = history(scan) {
            text.push(' ');
            text.push_str(&history);
        }
        let (lines, codes) = evidence(scan);
        out.push(Statement { domain: Domain::ConfigmgrScan, standing, text, told: None, lines, codes });
    }
    if sync.witnessed() {
        let (standing, text) = sync_sentence(sync, &describe);
        let (lines, codes) = evidence(sync);
        out.push(Statement { domain: Domain::WsusSync, standing, text, told: None, lines, codes });
    }
    out
}

/// The status word and the one-paragraph verdict: what failed and where first, then plainly
/// what ran and how it went. "Likely cause" only follows a failure. `statements` are in order.
fn verdict(a: &Analysis, statements: &[Statement], findings: &[Finding], ranked: &[u32]) -> (VerdictStatus, String) {
    let status = match statements.iter().map(|s| s.standing).min() {
        None => VerdictStatus::NoScan,
        Some(Standing::Failed) => VerdictStatus::Failed,
        Some(Standing::Ok) if statements.iter().all(|s| s.standing == Standing::Ok) => VerdictStatus::Ok,
        Some(_) => VerdictStatus::Incomplete,
    };
    let mut parts: Vec<String> = statements.iter().map(|s| s.text.clone()).collect();
    if status == VerdictStatus::NoScan {
        let texts = a.files.iter().filter(|f| f.is_text()).count();
        let mut p = if texts == 0 {
            "None of the inputs is a readable text log.".to_string()
        } else {
            "These logs show no ConfigMgr client scan, no WSUS synchronization and no update, servicing or setup operation wulens recognizes.".to_string()
        };
        if let Some(&code) = ranked.iter().find(|&&c| !all_routine(a, c)) {
            p.push_str(&format!(" The most significant error is {}.", describe_error(a, code)));
        } else if texts > 0 {
            p.push_str(" No error codes were found, other than routine ones.");
        }
        parts.push(p);
    }
    if status == VerdictStatus::Failed {
        let main: Vec<&Finding> = findings.iter().filter(|f| f.severity == FindingSeverity::Error).take(2).collect();
        if !main.is_empty() {
            let titles: Vec<String> = main.iter().map(|f| super::outcomes::finding_cause(f)).collect();
            parts.push(format!("Likely cause: {}.", titles.join("; ")));
        }
    }
    (status, parts.join(" "))
}

/// Does `code` appear, where it is not routine, in the log of a program the diagnosis knows (the
/// agent, servicing, setup, the ConfigMgr client, the event logs), not only in other logs?
fn written_by_update_program(a: &Analysis, code: u32) -> bool {
    a.code_stats(code).is_some_and(|s| {
        s.occurrences.iter().any(|o| {
            let f = &a.files[o.file as usize];
            f.kind != crate::model::LogKind::Other && !super::is_routine(f, o.entry, code)
        })
    })
}

/// True when every occurrence of `code` is routine where it appears.
pub fn all_routine(a: &Analysis, code: u32) -> bool {
    a.code_stats(code).is_some_and(|s| s.occurrences.iter().all(|o| super::is_routine(&a.files[o.file as usize], o.entry, code)))
}

fn scan_sentence(scan: &FlowResult, describe: &dyn Fn(&String) -> String) -> (Standing, String) {
    if let Some(n) = scan.failed_step {
        let st = scan.step(n).expect("the failed step is a step");
        let mut p = format!("The scan failed at step {n} ({})", lower_first(st.short));
        if let Some(code) = st.codes.first() {
            p.push_str(&format!(": {}", describe(code)));
        } else if !st.reason.is_empty() {
            p.push_str(&format!(": {}", st.reason));
        }
        p.push('.');
        return (Standing::Failed, p);
    }
    let of = |status: StepStatus| scan.steps.iter().filter(|s| s.status == status).map(|s| s.number).collect::<Vec<u8>>();
    let (unknown, not_reached, running) = (of(StepStatus::Unknown), of(StepStatus::NotReached), of(StepStatus::Running));
    let last_ok = scan.steps.iter().filter(|s| s.status == StepStatus::Ok).map(|s| s.number).max().unwrap_or(0);
    if let Some(&r) = running.first() {
        let st = scan.step(r).expect("a running step is a step");
        let mut p = format!(
            "The latest scan is still running when the logs end: step {r} ({}) started and has no result yet; nothing failed before it.",
            lower_first(st.short)
        );
        if !unknown.is_empty() {
            p.push_str(&format!(" Step{} {} could not be checked without more logs.", if unknown.len() > 1 { "s" } else { "" }, list(&unknown)));
        }
        return (Standing::Attention, p);
    }
    if unknown.is_empty() && not_reached.is_empty() {
        return (Standing::Ok, "The latest scan completed: every step of the client scan flow is confirmed by the logs.".into());
    }
    let mut p = format!("No step of the latest scan failed; the logs confirm it up to step {last_ok}.");
    if !unknown.is_empty() {
        p.push_str(&format!(" Step{} {} could not be checked without more logs.", if unknown.len() > 1 { "s" } else { "" }, list(&unknown)));
    }
    if !not_reached.is_empty() {
        p.push_str(&format!(" Step{} {} left no trace yet.", if not_reached.len() > 1 { "s" } else { "" }, list(&not_reached)));
    }
    // Not a failure, but not a confirmed success either: some steps are not in these logs.
    (Standing::Attention, p)
}

fn sync_sentence(sync: &FlowResult, describe: &dyn Fn(&String) -> String) -> (Standing, String) {
    if let Some(n) = sync.failed_step {
        let st = sync.step(n).expect("the failed step is a step");
        let mut p = format!("The WSUS synchronization failed at step {n} ({})", lower_first(st.short));
        if let Some(code) = st.codes.first() {
            p.push_str(&format!(": {}", describe(code)));
        }
        p.push('.');
        (Standing::Failed, p)
    } else if sync.steps.iter().all(|s| s.status == StepStatus::Ok) {
        (Standing::Ok, "The latest WSUS synchronization completed.".into())
    } else {
        (Standing::Attention, "The WSUS synchronization shows no failure, but did not finish in these logs.".into())
    }
}

/// "This is the latest of 5 scan cycles in the logs; the 4 earlier ones completed."
fn history(scan: &FlowResult) -> Option<String> {
    let total = scan.cycles_total;
    if total < 2 {
        return None;
    }
    let earlier = &scan.cycles[..scan.cycles.len() - 1];
    let failed = earlier.iter().filter(|c| c.outcome == CycleOutcome::Failed).count();
    let completed = earlier.iter().filter(|c| c.outcome == CycleOutcome::Completed).count();
    let open = earlier.len() - failed - completed;
    let history = match (failed, completed, earlier.len()) {
        (0, 1, 1) => "the earlier one completed".to_string(),
        (0, c, n) if c == n => format!("the {n} earlier ones completed"),
        (1, _, 1) => "the earlier one failed too".to_string(),
        (f, _, n) if f == n => format!("the {n} earlier ones failed too"),
        (0, 0, 1) => "the earlier one has no end in these logs".to_string(),
        (0, 0, n) => format!("the {n} earlier ones have no end in these logs"),
        (0, c, n) => format!("{c} of the {n} earlier ones completed and {open} {} no end in these logs", if open == 1 { "has" } else { "have" }),
        (f, _, n) => format!("{f} of the {n} earlier ones failed"),
    };
    let listed = if total > scan.cycles.len() { format!(" (of the last {})", earlier.len()) } else { String::new() };
    Some(format!("This is the latest of {total} scan cycles in the logs; {history}{listed}."))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // Keep acronyms and codes (WSUS, HTTP, 0x...) as they are.
        Some(f) if f.is_uppercase() && c.clone().next().is_some_and(|n| n.is_lowercase()) => f.to_lowercase().chain(c).collect(),
        _ => s.to_string(),
    }
}

fn times(n: usize) -> String {
    if n == 1 {
        "once".into()
    } else {
        format!("{n} times")
    }
}

fn list(v: &[u8]) -> String {
    let s: Vec<String> = v.iter().map(u8::to_string).collect();
    match s.len() {
        0 => String::new(),
        1 => s[0].clone(),
        _ => format!("{} and {}", s[..s.len() - 1].join(", "), s[s.len() - 1]),
    }
}

/// `2024-05-31T16:45:56.136-07:00` → `2024-05-31 16:45:56 (UTC-07:00)`.
fn short_time(t: &str) -> String {
    let (date, rest) = t.split_once('T').unwrap_or((t, ""));
    let clock = rest.get(..8).unwrap_or(rest);
    let zone = rest.get(12..).unwrap_or("");
    match zone {
        "" => format!("{date} {clock}"),
        "Z" => format!("{date} {clock} UTC"),
        z => format!("{date} {clock} (UTC{z})"),
    }
}
