//! Delivery Optimization's jobs joined to the Windows Update agent's downloads they served.
//!
//! On Windows 10 and later the agent hands each update's files to Delivery Optimization and
//! names the job in its own log (`DownloadManager DO job initialized: JobId = {…}`, `Update the
//! URLs for DO Job … - Update …`, `*FAILED* [80D03805] DO job {…} hit a transient error,
//! updateId = …`). Delivery Optimization's own log names the same job (`jobId = …`). When a drop
//! holds both, a job and the agent's download call whose lines name it are one download told
//! twice: the call counts it (the agent's sentence), and the job says which call it served and
//! is not counted again. A job no agent line names stays a download of its own.

use memchr::memmem;
use rustc_hash::FxHashMap;

use crate::analysis::Analysis;
use crate::model::{LogKind, OperationKind, Outcome};

use super::operations::Operation;
use super::updates::is_guid;

/// Where an agent's line names a job: the file and entry, and the update it was for.
struct Named {
    file: usize,
    entry: u32,
    update: Option<String>,
}

/// Mark each Delivery Optimization job (an operation with a `job` fact) that an agent's
/// download call names: `served` is that line, `reported_in` the agent's log.
pub fn join_jobs(a: &Analysis, ops: &mut [Operation]) {
    let jobs: Vec<(usize, String)> =
        ops.iter().enumerate().filter_map(|(i, o)| o.fact("job").map(|j| (i, guid_key(j)))).filter(|(_, k)| k.len() == 36).collect();
    if jobs.is_empty() {
        return;
    }
    let named = named_jobs(a);
    // The agent's download calls, listed once rather than looked for among all operations per job.
    let calls: Vec<usize> = (0..ops.len()).filter(|&c| ops[c].kind() == OperationKind::Download && ops[c].fact("job").is_none()).collect();
    for (i, key) in jobs {
        let Some(n) = named.get(&key) else { continue };
        // The agent's download call open at that line (the latest begun before it).
        let call = calls
            .iter()
            .copied()
            .filter(|&c| ops[c].file == n.file && ops[c].start.is_none_or(|s| s <= n.entry) && ops[c].end.is_none_or(|e| n.entry <= e))
            .max_by_key(|&c| ops[c].start);
        let Some(c) = call else { continue };
        // A failed call with no code of its own failed on its job: the job's code explains it.
        let (job, call) = (&ops[i], &ops[c]);
        if call.outcome == Outcome::Failed && call.code.is_none() && call.root.is_none() && job.outcome == Outcome::Failed {
            ops[c].root = job.code;
        }
        let file = ops[c].file;
        let op = &mut ops[i];
        op.served = Some((n.file, n.entry));
        op.reported_in = Some(file);
        if let Some(u) = &n.update {
            op.facts.push(("agent_update", u.clone()));
        }
    }
}

/// The operations the conclusions count, in their order: each piece of work once, so not a job
/// that another operation tells (`served`). Borrowed: the rules read every operation beside them.
pub fn counting(ops: &[Operation]) -> Vec<&Operation> {
    ops.iter().filter(|o| o.served.is_none()).collect()
}

/// The first line of each agent's log that names a Delivery Optimization job, by job id.
fn named_jobs(a: &Analysis) -> FxHashMap<String, Named> {
    let mut out: FxHashMap<String, Named> = FxHashMap::default();
    let finders = [memmem::Finder::new("DO job"), memmem::Finder::new("DO Job")];
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| f.is(LogKind::WindowsUpdate)) {
        for (ei, e) in f.entries.iter().enumerate() {
            let m = f.message(e);
            let Some(at) = finders.iter().find_map(|x| x.find(m.as_bytes())) else { continue };
            let Some(id) = first_guid(&m[at..]) else { continue };
            let update = m.split_once(" Update ").or_else(|| m.split_once("updateId = ")).and_then(|(_, rest)| first_guid(rest));
            // The first line that names the job places it; any line may name its update.
            let n = out.entry(guid_key(id)).or_insert(Named { file: fi, entry: ei as u32, update: None });
            if n.update.is_none() {
                n.update = update.map(str::to_string);
            }
        }
    }
    out
}

/// A GUID as a key: no braces, lower case (the agent writes it upper case, DO lower case).
fn guid_key(s: &str) -> String {
    s.trim().trim_matches(|c| c == '{' || c == '}').to_ascii_lowercase()
}

/// The first GUID (`8294F2E2-DBD9-46BE-A58F-8591B12ADC48`) in `s`, not the tail of a longer
/// run of hex digits.
fn first_guid(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(35))
        .find(|&i| (i == 0 || !b[i - 1].is_ascii_hexdigit()) && s.is_char_boundary(i) && s.is_char_boundary(i + 36) && is_guid(&s[i..i + 36]))
        .map(|i| &s[i..i + 36])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operations the conclusions count keep their order, and no served job is among them.
    #[test]
    fn counting_keeps_order_without_served_jobs() {
        use crate::diagnose::defs;
        let def = &defs::operations()[0];
        for served_at in [vec![], vec![0], vec![2], vec![0, 1, 4], vec![0, 1, 2, 3, 4], vec![3, 4]] {
            let ops: Vec<Operation> = (0..5)
                .map(|i| {
                    let mut o = super::super::operations::new_op(def, i, None);
                    o.served = served_at.contains(&i).then_some((9, i as u32));
                    o
                })
                .collect();
            let want: Vec<usize> = (0..5).filter(|i| !served_at.contains(i)).collect();
            assert_eq!(counting(&ops).iter().map(|o| o.file).collect::<Vec<_>>(), want, "{served_at:?}");
        }
    }

    #[test]
    fn finds_guids_in_both_spellings() {
        let agent = "Update the URLs for DO Job 8294F2E2-DBD9-46BE-A58F-8591B12ADC48 - Update 5E223EF3-4CD4-4BDC-84D8-BC2A4A1F1345.101";
        assert_eq!(first_guid(agent), Some("8294F2E2-DBD9-46BE-A58F-8591B12ADC48"));
        assert_eq!(guid_key("{8294F2E2-DBD9-46BE-A58F-8591B12ADC48}"), "8294f2e2-dbd9-46be-a58f-8591b12adc48");
        let (_, rest) = agent.split_once(" Update ").unwrap();
        assert_eq!(first_guid(rest), Some("5E223EF3-4CD4-4BDC-84D8-BC2A4A1F1345"));
        assert_eq!(first_guid("DO job initialized"), None);
        // A longer hex run is no GUID.
        assert_eq!(first_guid("x08294F2E2-DBD9-46BE-A58F-8591B12ADC48"), None);
    }
}
