//! The scan flows in words: why each step has its status, the ConfigMgr scan's and the WSUS
//! synchronization's statements (with the scan cycles' history), and a code as the verdict
//! describes it (its meaning, where it is most frequent, when it first appeared).

use std::collections::HashMap;

use super::codes::describe_codes;
use crate::analysis::Analysis;
use crate::diagnose::{FlowResult, Reason};
use crate::model::{base_name, time_of, CycleOutcome, StepStatus};

/// Why a step has its status, in a few words (empty for no reason beyond the status).
pub fn reason(r: &Reason) -> String {
    let logs = |names: &[&str]| match names {
        [] => String::new(),
        [one] => one.to_string(),
        [head @ .., last] => format!("{} and {last}", head.join(", ")),
    };
    match r {
        Reason::None => String::new(),
        Reason::NoClientLog => "No ConfigMgr client log was given.".into(),
        Reason::CompletedAfterErrors => "errors were logged, but the step completed after them".into(),
        Reason::Implied { after } => format!("implied: step {after} ran after it"),
        Reason::StartedBeforeFailure { failed } => format!("started, but step {failed} failed and this step logged no result"),
        Reason::Blocked { step } => format!("step {step} did not complete"),
        Reason::Waits { step } => format!("waits for step {step}, which is still running"),
        Reason::NoActivity { logs: names } => format!("no activity of this flow in {}", logs(names)),
        Reason::NotWitnessed { logs: names } => format!("not witnessed: {} {} not provided", logs(names), if names.len() == 1 { "was" } else { "were" }),
        Reason::NotLoggedButImplied { after } => format!("implied: not logged in this cycle, but step {after} ran after it"),
        Reason::EarlierCycle => "done in an earlier cycle; not repeated".into(),
        Reason::NoLine => "no line of this flow in the logs".into(),
        Reason::NothingThisCycle => "nothing logged for this step in the latest cycle".into(),
        Reason::BeforeNextScan => "no result in these logs before the next scan began".into(),
        Reason::StillRunning => "still running when the log ends".into(),
        Reason::Hung { minutes } => format!("started, but no result was logged in the {} that the log goes on after it", duration(*minutes)),
        Reason::FailedWith { codes } => format!("failed with {}", describe_codes(codes)),
    }
}

/// The ConfigMgr client scan's statement: the step it failed at, is running at, or the steps
/// the logs confirm; then the history of its cycles.
pub fn scan_statement(a: &Analysis, scan: &FlowResult) -> String {
    let mut text = scan_sentence(a, scan);
    if let Some(history) = history(scan) {
        text.push(' ');
        text.push_str(&history);
    }
    text
}

fn scan_sentence(a: &Analysis, scan: &FlowResult) -> String {
    if let Some(n) = scan.failed_step {
        let st = scan.step(n).expect("the failed step is a step");
        let mut p = format!("The scan failed at step {n} ({})", lower_first(st.short));
        if let Some(code) = st.codes.first() {
            p.push_str(&format!(": {}", describe(a, code)));
        } else if st.reason != Reason::None {
            p.push_str(&format!(": {}", reason(&st.reason)));
        }
        p.push('.');
        return p;
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
        return p;
    }
    if unknown.is_empty() && not_reached.is_empty() {
        return "The latest scan completed: every step of the client scan flow is confirmed by the logs.".into();
    }
    let mut p = format!("No step of the latest scan failed; the logs confirm it up to step {last_ok}.");
    if !unknown.is_empty() {
        p.push_str(&format!(" Step{} {} could not be checked without more logs.", if unknown.len() > 1 { "s" } else { "" }, list(&unknown)));
    }
    if !not_reached.is_empty() {
        p.push_str(&format!(" Step{} {} left no trace yet.", if not_reached.len() > 1 { "s" } else { "" }, list(&not_reached)));
    }
    p
}

/// The WSUS synchronization's statement.
pub fn sync_statement(a: &Analysis, sync: &FlowResult) -> String {
    if let Some(n) = sync.failed_step {
        let st = sync.step(n).expect("the failed step is a step");
        let mut p = format!("The WSUS synchronization failed at step {n} ({})", lower_first(st.short));
        if let Some(code) = st.codes.first() {
            p.push_str(&format!(": {}", describe(a, code)));
        }
        p.push('.');
        p
    } else if sync.steps.iter().all(|s| s.status == StepStatus::Ok) {
        "The latest WSUS synchronization completed.".into()
    } else {
        "The WSUS synchronization shows no failure, but did not finish in these logs.".into()
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

/// A step's code (`0x...`) as the verdict describes it, or as written where the knowledge
/// base does not know it.
fn describe(a: &Analysis, hex: &str) -> String {
    wulens_kb::lookup(hex).map(|l| l.code.0).ok().map_or_else(|| hex.to_string(), |c| describe_error(a, c))
}

/// `0x8024401B, same as HTTP status 407: ..., 14 times in WindowsUpdate.log, first at ...`.
pub fn describe_error(a: &Analysis, code: u32) -> String {
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

/// `45 minutes`, `5 hours`, `3 days`.
fn duration(minutes: i64) -> String {
    match minutes {
        m if m < 120 => format!("{m} minutes"),
        m if m < 48 * 60 => format!("{} hours", m / 60),
        m => format!("{} days", m / (24 * 60)),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_in_words() {
        assert_eq!(reason(&Reason::NotWitnessed { logs: vec!["WUAHandler.log"] }), "not witnessed: WUAHandler.log was not provided");
        assert_eq!(
            reason(&Reason::NoActivity { logs: vec!["ScanAgent.log", "WUAHandler.log", "WindowsUpdate.log"] }),
            "no activity of this flow in ScanAgent.log, WUAHandler.log and WindowsUpdate.log"
        );
        assert_eq!(reason(&Reason::Hung { minutes: 3 * 24 * 60 }), "started, but no result was logged in the 3 days that the log goes on after it");
        assert_eq!(reason(&Reason::None), "");
        assert_eq!(list(&[1, 2, 5]), "1, 2 and 5");
    }
}
