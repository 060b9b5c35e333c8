//! Failures the same work recovered from: a later try of the same operation, within a day, that
//! succeeded marks the failure recovered (the agent retries a failed search hours later).

use rustc_hash::FxHashMap;

use super::operation::Operation;
use crate::analysis::Analysis;
use crate::model::{OperationKind, Outcome};

/// How long after a failure the agent's next try of the same work comes: Windows 7's Automatic
/// Updates retries a failed search 5 hours later (it logs "AU setting next detection timeout")
/// and otherwise searches every 22 hours (its default detection frequency);
/// the Update Orchestrator scans at least daily. A success within a day made the failure good.
const RETRY_WINDOW_MS: i64 = 24 * 3_600_000;

/// WU_E_NOT_APPLICABLE: the update no longer applies to the machine (a newer one is in).
const NOT_APPLICABLE: u32 = 0x8024_0017;

/// What a later try must share with a failure to make it good, as keys (a try shares one): a
/// search, the caller (a search of one caller is the same work as the next), and, for a failure
/// on the path to the update service (`path_failure`), the service: any caller's later search of
/// the same service that succeeded shows the path works again; a download or an install, the
/// update (its `update` fact: any caller's success with that update made it good; none without
/// one, and an update another one superseded is never the same update), and the KB its title
/// names (`kb`: a KB such as Defender's security intelligence gets a new update id for each
/// version). `tried`: the keys a success offers rather than those a failure needs.
pub(super) fn retry_keys(o: &Operation, tried: bool) -> Vec<(OperationKind, String)> {
    match o.kind() {
        OperationKind::Search => {
            let service = o.fact("service").map(|s| format!("service {}", s.trim().trim_matches(['{', '}']).to_ascii_uppercase()));
            let service = service.filter(|_| tried || path_failure(o));
            std::iter::once((OperationKind::Search, o.caller.clone())).chain(service.map(|s| (OperationKind::Search, s))).collect()
        }
        k @ (OperationKind::Download | OperationKind::Install) => {
            let update = o.fact("update").map(|u| (k, u.trim().trim_matches(['{', '}']).to_ascii_uppercase()));
            let kb = o.fact("kb").filter(|v| v.bytes().all(|b| b.is_ascii_digit())).map(|v| (k, format!("KB{v}")));
            update.into_iter().chain(kb).filter(|(_, u)| !u.is_empty()).collect()
        }
        _ => Vec::new(),
    }
}

/// A failure on the way to the update service rather than of the caller's own request: its code
/// or root is, by the knowledge base's category, about the network, a proxy, an HTTP answer, a
/// certificate or the server (0x80072EFD, 0x8024402C, 0x80244022, ...; 0x8024402F after
/// 0x80072EFE). The same path serves every caller of that service.
pub(super) fn path_failure(o: &Operation) -> bool {
    use wulens_kb::Category::*;
    o.code.into_iter().chain(o.root).any(|c| wulens_kb::entry(c).is_some_and(|e| matches!(e.category, Network | Proxy | Http | Certificate | WsusServer)))
}

/// Failed searches, downloads and installs that a later one of the same work (`retry_keys`),
/// begun within the retry window after the failure ended, brought to success: `Recovered`.
pub fn mark_recovered(a: &Analysis, ops: &mut [Operation]) {
    let at = |o: &Operation, e: Option<u32>| e.and_then(|e| a.files[o.file].utc_ms(&a.files[o.file].entries[e as usize]));
    // The successes of each piece of work, in time order: a failure asks for the first one at
    // or after it (a binary search, not a walk over all of them: a big log holds tens of thousands).
    let mut successes: FxHashMap<(OperationKind, String), Vec<i64>> = FxHashMap::default();
    for o in ops.iter().filter(|o| o.outcome == Outcome::Succeeded) {
        let Some(t) = at(o, o.start.or(o.anchor())) else { continue };
        for key in retry_keys(o, true) {
            successes.entry(key).or_default().push(t);
        }
    }
    for times in successes.values_mut() {
        times.sort_unstable();
    }
    // An update that no longer applies (0x80240017) failed because the same work was done
    // already: a success shortly before it made it good as well as one after.
    let made_good = |key: &(OperationKind, String), failed: i64, before_too: bool| {
        successes.get(key).is_some_and(|times| {
            let next = times.partition_point(|&t| t < failed);
            times.get(next).is_some_and(|&t| t - failed <= RETRY_WINDOW_MS) || (before_too && next > 0 && failed - times[next - 1] <= RETRY_WINDOW_MS)
        })
    };
    let recovered: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.outcome == Outcome::Failed)
        .filter(|(_, o)| {
            let no_longer_applies = o.code == Some(NOT_APPLICABLE);
            at(o, o.anchor()).is_some_and(|failed| retry_keys(o, false).iter().any(|key| made_good(key, failed, no_longer_applies)))
        })
        .map(|(i, _)| i)
        .collect();
    for i in recovered {
        ops[i].outcome = Outcome::Recovered;
    }
}
