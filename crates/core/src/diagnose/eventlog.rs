//! What the event logs (.evtx, rendered by `read/evtx.rs`) add to the rules: a service that
//! crashed in the same seconds as an install failed (the install's failure is the crash's), and
//! which BITS jobs are another program's (their errors say nothing about Windows Update).

use super::defs::RuleDef;
use super::finding::{Ctx, Finding};
use super::found::Found;
use crate::analysis::Analysis;
use crate::model::{LogKind, OperationKind, Outcome};

/// How close a crash must be to a failure to be its cause: the Service Control Manager logs the
/// crash and the agent the failure within the same second or two (65: 81 ms apart).
const CRASH_GAP_MS: i64 = 2_000;

/// `eventlog_service_crash_during_install`: the rule's lines are the Service Control Manager's
/// "terminated unexpectedly" events (7031, 7034); an install that failed in the same seconds in
/// the same log failed because that service stopped under it.
pub fn service_crash_during_install(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let a = ctx.a;
    let at = |fi: usize, ei: usize| a.files[fi].utc_ms(&a.files[fi].entries[ei]);
    for op in ctx.ops.iter().filter(|o| o.kind() == OperationKind::Install && o.outcome == Outcome::Failed) {
        let Some(end) = op.end.or(op.anchor()) else { continue };
        if a.files[op.file].kind != LogKind::EventLog {
            continue;
        }
        let Some(failed_at) = at(op.file, end as usize) else { continue };
        let crashes: Vec<(usize, usize)> =
            lines.iter().copied().filter(|&(f, e)| f == op.file && at(f, e).is_some_and(|t| (t - failed_at).abs() <= CRASH_GAP_MS)).collect();
        let Some(&(cf, ce)) = crashes.last() else { continue };
        let service = service_name(ctx.message(cf, ce));
        // The same service's earlier crashes in this log: counted, and evidence before the last.
        // (An event that names no service matches the lines holding "A service", as it always did.)
        let mut evidence: Vec<_> = lines
            .iter()
            .filter(|&&(f, e)| f == op.file && e < ce && ctx.message(f, e).contains(service.unwrap_or("A service")))
            .map(|&(f, e)| ctx.ev(f, e))
            .collect();
        let earlier = evidence.len();
        let said = Found::ServiceCrashedInstall {
            service: service.map(str::to_string),
            at_ms: failed_at,
            update: op.update_name(),
            caller: op.caller.clone(),
            code: op.code,
            earlier,
        };
        evidence.push(ctx.ev(cf, ce));
        evidence.push(ctx.ev(op.file, end as usize));
        return Some(Finding::new(rule, rule.severity, said, evidence, op.code.as_slice()));
    }
    None
}

/// `the AppX Deployment Service (AppXSVC) service terminated` → the service's name.
fn service_name(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("Service stopped unexpectedly: the ")?;
    rest.split_once(" service terminated").map(|(name, _)| name)
}

/// BITS jobs Windows Update creates (Windows 7 to 8.1; Windows 10 and later download through
/// Delivery Optimization): "WU Client Download" is the agent's job name in the BITS client log.
const WINDOWS_UPDATE_JOBS: [&str; 1] = ["WU Client Download"];

/// Whether line `ei` of file `fi` is an event of a BITS job that is not Windows Update's (Edge,
/// OneDrive, fonts, other updaters): its errors are not Windows Update's.
pub fn other_programs_job(a: &Analysis, fi: usize, ei: usize) -> bool {
    let f = &a.files[fi];
    if f.kind != LogKind::EventLog {
        return false;
    }
    let m = f.message(&f.entries[ei]);
    m.contains(": BITS job ") && !WINDOWS_UPDATE_JOBS.iter().any(|j| m.contains(&format!(": {j}, URL ")))
}
