//! The codes on an operation's way: the failure codes of its lines between start and end (its
//! thread's, in a threaded log), routine ones left out, and the chain of errors that ends in its
//! failure, whose first link is the root.

use rustc_hash::FxHashMap;

use super::defs::{self, Pair};
use super::operation::{push_line, Operation};
use crate::analysis::Analysis;
use crate::model::{LogFile, Outcome};

/// Links of one chain of errors follow each other within this time (or, in a log with no
/// time, within this many records): a DISM command's failure cascades through its providers in
/// the same second; Delivery Optimization gives up on a job a second or two before the call ends.
pub(super) const CHAIN_GAP_MS: i64 = 60_000;
pub(super) const CHAIN_GAP_ENTRIES: u32 = 400;

/// Where an operation's own lines begin: at its start; for a call of a thread (the agent's)
/// whose start is not in the log, with the lines just before its end (within the chain gap),
/// never the whole log before it (an error days earlier, on a thread whose id its end reuses, is
/// no link of its chain).
pub(super) fn window_from(f: &LogFile, op: &Operation) -> u32 {
    let (Some(e), None, Pair::Thread) = (op.end, op.start, op.def.pair) else { return op.start.unwrap_or(0) };
    let at = |i: u32| f.utc_ms(&f.entries[i as usize]);
    let Some(t_end) = at(e) else { return e.saturating_sub(CHAIN_GAP_ENTRIES) };
    let mut i = e;
    while i > 0 && e - i < 100_000 && at(i - 1).is_none_or(|t| t_end - t <= CHAIN_GAP_MS) {
        i -= 1;
    }
    i
}

/// The last run of `entries` (ascending) whose neighbours are within the chain gap of each other.
pub(super) fn last_run(f: &LogFile, entries: &[u32]) -> Vec<u32> {
    let Some(&last) = entries.last() else { return Vec::new() };
    let mut run = vec![last];
    for &e in entries.iter().rev().skip(1) {
        let next = *run.last().expect("a run has a line");
        let (te, tn) = (f.utc_ms(&f.entries[e as usize]), f.utc_ms(&f.entries[next as usize]));
        let close = match (te, tn) {
            (Some(a), Some(b)) => b - a <= CHAIN_GAP_MS,
            _ => next - e <= CHAIN_GAP_ENTRIES,
        };
        if !close {
            break;
        }
        run.push(e);
    }
    run.reverse();
    run
}

/// The failure codes on the operation's way (its thread's lines between start and end, or every
/// line between them), routine ones left out, most frequent first; and its root code when no
/// result line named one: the most frequent of them other than its own code.
pub(super) fn add_codes_seen(a: &Analysis, op: &mut Operation) {
    if op.def.pair == Pair::Single {
        return;
    }
    let f = &a.files[op.file];
    let from = window_from(f, op);
    let to = op.end.unwrap_or(f.entries.len().saturating_sub(1) as u32);
    // Its root comes from the lines up to the one that says it failed, never after it.
    let upto = op.failed_at.map_or(to, |e| e.min(to));
    let thread = op.start.or(op.end).map(|e| f.entries[e as usize].thread);
    let v = &a.entry_codes[op.file];
    let first = v.partition_point(|&(e, _)| e < from);
    let mut counts: FxHashMap<u32, (u32, u32)> = FxHashMap::default();
    for &(e, code) in v[first..].iter().take_while(|(e, _)| *e <= to) {
        let entry = &f.entries[e as usize];
        if op.def.pair == Pair::Thread && Some(entry.thread) != thread {
            continue;
        }
        // An event log interleaves every provider's events: only the operation's own speak for it.
        if f.format == crate::model::LogFormat::EventLog && !op.lines.contains(&e) {
            continue;
        }
        if defs::is_routine(f, e, code) || defs::is_trace(f.kind, f.record(entry)) || op.routine == Some(code) {
            continue;
        }
        let c = counts.entry(code).or_insert((0, e));
        c.0 += 1;
    }
    let mut seen: Vec<(u32, u32, u32)> = counts.into_iter().map(|(code, (n, first))| (code, n, first)).collect();
    seen.sort_by_key(|&(code, n, first)| (std::cmp::Reverse(n), first, code));
    let chain = if op.root.is_none() && op.outcome == Outcome::Failed { error_chain(a, op, from, upto, thread) } else { Vec::new() };
    if let Some(&(e, first)) = chain.first() {
        // The log says which lines are errors: the chain they make up to the failure names
        // its root, its first link (none when that is the failure's own code).
        op.root = (Some(first) != op.code).then_some(first);
        op.first_link = Some(e);
        push_line(op, e);
    } else if op.root.is_none() && op.outcome == Outcome::Failed {
        // Failures cascade, and a cause outside the agent (the network, a proxy, a server's
        // answer, a certificate) comes first: the earliest such code; else the earliest of the
        // most frequent.
        let outside = |c: u32| {
            use wulens_kb::Category::*;
            wulens_kb::entry(c).is_some_and(|e| matches!(e.category, Network | Proxy | Http | Certificate))
        };
        // A code that only sums up the updates' results (0x80240022) is never another's root.
        let others: Vec<&(u32, u32, u32)> = seen.iter().filter(|s| Some(s.0) != op.code && s.2 <= upto && !defs::is_summary_code(s.0)).collect();
        op.root = others.iter().filter(|s| outside(s.0)).min_by_key(|s| s.2).or_else(|| others.iter().take(4).min_by_key(|s| s.2)).map(|s| s.0);
    }
    op.codes_seen = seen.into_iter().take(6).map(|(c, n, _)| (c, n)).collect();
    // Still running after an update of its own failed (a line from another thread said so):
    // that code is the first one seen.
    if let (Outcome::Running, Some(r)) = (op.outcome, op.root) {
        op.codes_seen.retain(|&(c, _)| c != r);
        op.codes_seen.insert(0, (r, 1));
    }
}

/// The chain of errors that ends the operation: its error- and warning-level lines with a
/// failure code that is not routine there and that do more than trace (`[[trace]]`: a failure a
/// function logged and went on from), up to the line that says it failed (`to`), on its own
/// thread when it has one; the last run of
/// them that follow each other closely, if it holds an error; (entry, code) of each link, first
/// link first. (A warning can be a link: DISM warns "CBS AddSource failed with
/// HRESULT=0x80070003" before the missing source fails the command.)
pub(super) fn error_chain(a: &Analysis, op: &Operation, from: u32, to: u32, thread: Option<u32>) -> Vec<(u32, u32)> {
    let f = &a.files[op.file];
    // Only where each line states its level (CBS, DISM, CMTrace): WindowsUpdate.log's levels are
    // guessed from words, and its routine lookups would read as errors.
    if !matches!(f.format, crate::model::LogFormat::Cbs | crate::model::LogFormat::Dism | crate::model::LogFormat::Cmtrace) {
        return Vec::new();
    }
    let v = &a.entry_codes[op.file];
    let first = v.partition_point(|&(e, _)| e < from);
    let links: Vec<(u32, u32)> = v[first..]
        .iter()
        .take_while(|(e, _)| *e <= to)
        .filter(|&&(e, code)| {
            let entry = &f.entries[e as usize];
            code & 0x8000_0000 != 0
                && matches!(entry.severity, crate::model::Severity::Error | crate::model::Severity::Warning)
                && !(op.def.pair == Pair::Thread && Some(entry.thread) != thread)
                && !super::defs::is_routine(f, e, code)
                && !defs::is_trace(f.kind, f.record(entry))
        })
        .copied()
        .collect();
    let mut entries: Vec<u32> = links.iter().map(|l| l.0).collect();
    entries.dedup();
    let run = last_run(f, &entries);
    // A chain of warnings alone is no chain of errors.
    if !run.iter().any(|&e| f.entries[e as usize].severity == crate::model::Severity::Error) {
        return Vec::new();
    }
    let Some(&start) = run.first() else { return Vec::new() };
    links.into_iter().filter(|l| l.0 >= start).collect()
}
