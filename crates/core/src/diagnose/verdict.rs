//! The conclusions: codes ranked by significance, the one-paragraph verdict, and the ranked next
//! checks. Everything here reads what the flows and rules established; nothing matches lines.

use super::context::Context;
use super::finding::Finding;
use super::flow::FlowResult;
use super::found::Found;
use super::outcomes::{Said, Statement};
use super::rules::Evaluated;
use crate::analysis::Analysis;
use crate::model::{Domain, FindingSeverity, OperationKind, Outcome, Standing, StepStatus, VerdictStatus};
use wulens_kb::Place;

/// A thing to check next, with the command that checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextCheck {
    pub text: String,
    pub command: Option<String>,
    /// What this check comes from.
    pub from: CheckFrom,
}

/// What a next check comes from (in words: `output::check_from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckFrom {
    /// A finding, by its rule's id.
    Finding(&'static str),
    /// A code's guidance in the knowledge base.
    Code(u32),
    /// A code as a flow step's failure lines wrote it (`0x...`).
    StepCode(String),
    /// A flow's step, by the flow's id and the step's number.
    Step { flow: &'static str, step: u8 },
}

/// What the diagnosis concludes from the flows, the operations and the findings: the
/// statements in order, the ranked codes, the next checks, the status and the verdict.
pub struct Conclusion {
    pub statements: Vec<Statement>,
    pub ranked_codes: Vec<u32>,
    pub next_checks: Vec<NextCheck>,
    pub status: VerdictStatus,
    pub verdict: Vec<Part>,
}

/// A part of the one-paragraph verdict, in order (its words: `output/words/detail.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Statement `i` of the diagnosis.
    Statement(usize),
    /// No work wulens recognizes in `texts` readable text logs; `code` the most significant
    /// error that is not routine.
    NoWork { texts: usize, code: Option<u32> },
    /// The findings (indices) that are the likely cause of a failure.
    LikelyCause(Vec<usize>),
}

/// The one step from what was established to what is concluded.
pub fn conclude(cx: &Context, found: &Evaluated) -> Conclusion {
    let a = cx.a;
    let mut statements = flow_statements(a, cx.scan, cx.sync);
    statements.extend(super::outcomes::statements(a, cx.counting, cx.counted, cx.scan.witnessed()));
    chain_statements(a, &found.findings, &mut statements);
    // Failures first, then by domain (the client's installation before its scans, ...).
    statements.sort_by_key(|s| (s.standing, s.domain));
    let ranked_codes = rank_codes(cx, &found.findings);
    // The ranked codes' own guidance is the last resort, and only where something failed:
    // with nothing failed, the drop's most significant code is routine or history, and a
    // repair step for it would send an admin after a machine that is fine.
    let failing = statements.iter().any(|s| s.standing == Standing::Failed);
    // And only for codes that an update program wrote where they are not routine: the
    // knowledge base's advice is about updates and servicing, so a code in another program's log
    // (a device install's setupapi.dev.log, the Intune Management Extension's) gets none.
    let fallback: Vec<u32> = if failing { ranked_codes.iter().copied().filter(|&c| written_by_update_program(a, c)).collect() } else { Vec::new() };
    let next_checks = next_checks(cx, found, &fallback);
    let (status, verdict) = verdict(a, &statements, &found.findings, &ranked_codes);
    Conclusion { statements, ranked_codes, next_checks, status, verdict }
}

/// Every code of the drop, most significant first: the failed step's codes, then codes behind a
/// finding, then codes the knowledge base has guidance for, then by count. (A busy log's most
/// frequent code is often noise: E_FAIL in CBS.log, metadata signature checks in WindowsUpdate.log.)
fn rank_codes(cx: &Context, findings: &[Finding]) -> Vec<u32> {
    let a = cx.a;
    let mut failed: Vec<u32> = cx.scan.failed_step_codes(a);
    failed.extend(cx.sync.failed_step_codes(a));
    // Then the codes of failed operations, latest first: their result and its root.
    for o in cx.counting.iter().rev().filter(|o| o.outcome == Outcome::Failed) {
        for c in o.code.into_iter().chain(o.root).filter(|c| c & 0x8000_0000 != 0) {
            if !failed.contains(&c) {
                failed.push(c);
            }
        }
    }
    failed.dedup();
    let behind_findings: Vec<&str> = findings.iter().filter(|f| f.severity != FindingSeverity::Info).flat_map(|f| f.codes.iter().map(String::as_str)).collect();
    let rank = |code: u32| {
        let failed = failed.iter().position(|c| *c == code).unwrap_or(usize::MAX);
        let finding = behind_findings.iter().position(|c| is_hex_of(c, code)).unwrap_or(usize::MAX);
        let no_guidance = !wulens_kb::entry(code).is_some_and(|k| k.has_guidance());
        (failed, finding, all_routine(a, code), no_guidance)
    };
    let mut codes: Vec<(u32, u32)> = a.codes.iter().map(|c| (c.code, c.count)).collect();
    codes.sort_by(|x, y| rank(x.0).cmp(&rank(y.0)).then(y.1.cmp(&x.1)).then(x.0.cmp(&y.0)));
    codes.into_iter().map(|(c, _)| c).collect()
}

/// Is `hex` the code `code` written as `0x` and eight upper-case hex digits?
fn is_hex_of(hex: &str, code: u32) -> bool {
    let digits = hex.strip_prefix("0x").unwrap_or("");
    digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)) && u32::from_str_radix(digits, 16) == Ok(code)
}

/// Words in a knowledge-base step that make it one about a WSUS server.
const ABOUT_WSUS: [&str; 4] = ["WSUS", ":8530", ":8531", "software update point"];

/// Ranked, de-duplicated checks: findings first, then the failed step's codes, then the step.
/// Placeholders are filled from what the logs say of the machine (`Servers`); a step about a
/// WSUS server is left out for an operation against Microsoft's services, and on a client that
/// uses them.
/// `ranked`: the codes whose guidance comes last, when nothing else gave a check (most
/// significant first).
fn next_checks(cx: &Context, found: &Evaluated, ranked: &[u32]) -> Vec<NextCheck> {
    let (findings, servers, public) = (&found.findings, &found.servers, found.public());
    let mut out: Vec<NextCheck> = Vec::new();
    let add = |out: &mut Vec<NextCheck>, text: &str, command: Option<&str>, from: CheckFrom| {
        let (text, command) = (servers.fill(text), command.map(|c| servers.fill(c)));
        let (text, command) = (text.as_str(), command.as_deref());
        // The same command said twice in other words is one check.
        let same_command = |c: &NextCheck| command.is_some_and(|x| c.command.as_deref().is_some_and(|y| y.trim().eq_ignore_ascii_case(x.trim())));
        if out.len() < 10 && !out.iter().any(|c| c.text == text || same_command(c)) {
            out.push(NextCheck { text: text.to_string(), command: command.map(str::to_string), from });
        }
    };
    for f in findings.iter().filter(|f| f.severity != FindingSeverity::Info) {
        for g in f.guidance.iter().take(2) {
            add(&mut out, &g.text, g.command.as_deref(), CheckFrom::Finding(f.id()));
        }
    }
    for (flow, place) in [(cx.scan, None), (cx.sync, Some(Place::WsusSync))] {
        let Some(n) = flow.failed_step else { continue };
        let st = flow.step(n).expect("the failed step is a step");
        // The client scan's steps are places of their own (`scan_3`); a sync is one place.
        let place = place.or(Some(Place::ScanStep(n)));
        for code in st.codes.iter().take(2) {
            let entry = wulens_kb::lookup(code).ok().and_then(|l| l.entry);
            for s in entry.map_or(&[][..], |k| k.mitigation).iter().filter(|s| s.fits(place)).take(3) {
                add(&mut out, &s.text, s.command.as_deref(), CheckFrom::StepCode(code.clone()));
            }
        }
        for g in st.guidance.iter().take(3) {
            add(&mut out, &g.text, g.command.as_deref(), CheckFrom::Step { flow: flow.def.id, step: n });
        }
    }
    // The knowledge base on the codes of the latest failed operations (root first). On a client
    // that gets its updates from Microsoft, steps about a WSUS server do not apply.
    let about_wsus = |t: &str| ABOUT_WSUS.iter().any(|w| t.contains(w));
    let mut seen_codes: Vec<u32> = Vec::new();
    for o in cx.counting.iter().rev().filter(|o| o.outcome == Outcome::Failed) {
        let not_wsus = public || servers.public_operation(o);
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
                let (text, command) = (servers.fill_for(o, &st.text), st.command.as_deref().map(|x| servers.fill_for(o, x)));
                add(&mut out, &text, command.as_deref(), CheckFrom::Code(c));
            }
        }
    }
    if out.is_empty() {
        if let Some((code, k)) = ranked.iter().find_map(|&c| wulens_kb::entry(c).filter(|k| !k.mitigation.is_empty()).map(|k| (c, k))) {
            for s in k.mitigation.iter().take(3) {
                add(&mut out, &s.text, s.command.as_deref(), CheckFrom::Code(code));
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

/// The scan flows as statements (with the failed step's lines as evidence); their words are
/// the flows' own (`Said::ScanFlow`, `Said::SyncFlow`).
fn flow_statements(a: &Analysis, scan: &FlowResult, sync: &FlowResult) -> Vec<Statement> {
    let evidence = |flow: &FlowResult| -> (Vec<(usize, u32)>, Vec<u32>) {
        let codes = flow.failed_step_codes(a);
        let failed = flow.failed_lines();
        let lines = if failed.is_empty() { flow.progress_lines() } else { failed };
        let lines = lines.into_iter().take(6).map(|(f, e)| (f as usize, e)).collect();
        (lines, codes)
    };
    let mut out = Vec::new();
    if scan.witnessed() {
        let (lines, codes) = evidence(scan);
        out.push(Statement { domain: Domain::ConfigmgrScan, standing: scan_standing(scan), said: Said::ScanFlow, told: None, lines, codes });
    }
    if sync.witnessed() {
        let standing = if sync.failed_step.is_some() {
            Standing::Failed
        } else if sync.steps.iter().all(|s| s.status == StepStatus::Ok) {
            Standing::Ok
        } else {
            Standing::Attention
        };
        let (lines, codes) = evidence(sync);
        out.push(Statement { domain: Domain::WsusSync, standing, said: Said::SyncFlow, told: None, lines, codes });
    }
    out
}

/// The chain's findings as statements of what the work came to: software updates off on the
/// client (in place of the scan flow's, which then has nothing to tell: no scan was requested),
/// and the site's software update points, failing now or not.
fn chain_statements(a: &Analysis, findings: &[Finding], out: &mut Vec<Statement>) {
    for (i, f) in findings.iter().enumerate() {
        let (domain, standing) = match (f.id(), f.severity) {
            ("software_updates_off", _) => {
                out.retain(|s| s.domain != Domain::ConfigmgrScan);
                (Domain::ConfigmgrScan, Standing::Attention)
            }
            ("sup_sync" | "site_faults", FindingSeverity::Error) => (Domain::SiteSync, Standing::Failed),
            ("sup_sync" | "site_faults", _) => (Domain::SiteSync, Standing::Ok),
            ("maintenance_windows", FindingSeverity::Warning) => (Domain::ConfigmgrDeployment, Standing::Attention),
            // ServiceWindowManager.log's windows (none of the Software Updates type, the next
            // one's start) are what that log is opened for: said, though nothing waits.
            ("maintenance_windows", _) if matches!(&f.found, Found::ServiceWindows(w) if w.no_updates_type || w.next.is_some()) => {
                (Domain::ConfigmgrDeployment, Standing::Ok)
            }
            ("update_content", FindingSeverity::Error) => (Domain::ConfigmgrDeployment, Standing::Failed),
            ("update_content", FindingSeverity::Warning) => (Domain::ConfigmgrDeployment, Standing::Attention),
            ("update_content", _) => (Domain::ConfigmgrDeployment, Standing::Ok),
            // A client its site does not take yet retries on its own: attention, not a failure
            // of work; attempts a later one made good are past, said on the first screen (a
            // warning), and an assignment with no failure is routine.
            ("site_assignment", FindingSeverity::Error | FindingSeverity::Warning) => (Domain::ClientInstall, Standing::Attention),
            ("site_assignment", _) => (Domain::ClientInstall, Standing::Ok),
            // A restart scheduled and not begun when the logs end waits; one begun is done.
            ("restart_coordination", FindingSeverity::Warning) => (Domain::ConfigmgrDeployment, Standing::Attention),
            ("restart_coordination", _) => (Domain::ConfigmgrDeployment, Standing::Ok),
            _ => continue,
        };
        let lines = f
            .evidence
            .iter()
            .filter_map(|ev| {
                let fi = a.files.iter().position(|x| x.name == ev.file)?;
                a.files[fi].entry_at_line(ev.line).map(|e| (fi, e as u32))
            })
            .collect();
        out.push(Statement { domain, standing, said: Said::Finding(i), told: None, lines, codes: Vec::new() });
    }
}

/// The latest scan failed; or it is still running, or some steps are not in these logs (not a
/// failure, but no confirmed success either); or every step is confirmed.
fn scan_standing(scan: &FlowResult) -> Standing {
    if scan.failed_step.is_some() {
        return Standing::Failed;
    }
    let confirmed = scan.steps.iter().all(|s| !matches!(s.status, StepStatus::Unknown | StepStatus::NotReached | StepStatus::Running));
    if confirmed {
        Standing::Ok
    } else {
        Standing::Attention
    }
}

/// The status word and the one-paragraph verdict: what failed and where first, then plainly
/// what ran and how it went. "Likely cause" only follows a failure. `statements` are in order.
fn verdict(a: &Analysis, statements: &[Statement], findings: &[Finding], ranked: &[u32]) -> (VerdictStatus, Vec<Part>) {
    let status = match statements.iter().map(|s| s.standing).min() {
        None => VerdictStatus::NoScan,
        Some(Standing::Failed) => VerdictStatus::Failed,
        Some(Standing::Ok) if statements.iter().all(|s| s.standing == Standing::Ok) => VerdictStatus::Ok,
        Some(_) => VerdictStatus::Incomplete,
    };
    let mut parts: Vec<Part> = (0..statements.len()).map(Part::Statement).collect();
    if status == VerdictStatus::NoScan {
        let texts = a.files.iter().filter(|f| f.is_text()).count();
        parts.push(Part::NoWork { texts, code: ranked.iter().copied().find(|&c| !all_routine(a, c)) });
    }
    if status == VerdictStatus::Failed {
        // A finding that is a statement's own (the chain around the scan) is said there already.
        let own: Vec<usize> = statements.iter().filter_map(|s| if let Said::Finding(f) = s.said { Some(f) } else { None }).collect();
        let main: Vec<usize> =
            findings.iter().enumerate().filter(|(i, f)| f.severity == FindingSeverity::Error && !own.contains(i)).take(2).map(|(i, _)| i).collect();
        if !main.is_empty() {
            parts.push(Part::LikelyCause(main));
        }
    }
    (status, parts)
}

/// Does `code` appear, where it is not routine, in the log of a program the diagnosis knows (the
/// agent, servicing, setup, the ConfigMgr client, the event logs), not only in other logs, and
/// not only in the lines of a component outside the update chain (the knowledge base's writer
/// contexts: client notification, the fallback status point, inventory, applications)?
fn written_by_update_program(a: &Analysis, code: u32) -> bool {
    let entry = wulens_kb::entry(code);
    a.code_stats(code).is_some_and(|s| {
        s.occurrences.iter().any(|o| {
            let f = &a.files[o.file as usize];
            let outside = || {
                let e = &f.entries[o.entry as usize];
                entry.and_then(|k| k.context_of_writer(f.kind.id(), f.component(e), f.message(e))).is_some_and(|c| c.outside_updates)
            };
            f.kind != crate::model::LogKind::Other && !super::defs::is_routine(f, o.entry, code) && !outside()
        })
    })
}

/// True when every occurrence of `code` is routine where it appears.
pub fn all_routine(a: &Analysis, code: u32) -> bool {
    a.code_stats(code).is_some_and(|s| s.occurrences.iter().all(|o| super::defs::is_routine(&a.files[o.file as usize], o.entry, code)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_code_written_as_the_rules_write_it() {
        assert!(super::is_hex_of("0x8024401B", 0x8024_401B));
        assert!(!super::is_hex_of("0x8024401b", 0x8024_401B), "the rules write upper case");
        assert!(!super::is_hex_of("0x+024401B", 0x0024_401B));
        assert!(!super::is_hex_of("8024401B", 0x8024_401B));
    }
}
