//! The ConfigMgr software-update chain around the client's scan, as facts: whether the client's
//! Software Updates feature is on (UpdatesDeployment.log, ScanAgent.log), the site's software
//! update point synchronization (wsyncmgr.log), and WSUS's configuration and health on the site
//! (WCM.log, WSUSCtrl.log). The literals are data (`rules/configmgr-chain.toml`); these joins
//! read the lines the data matched, in the order the logs wrote them.

use super::content::{ContentJob, ContentState};
use super::defs::RuleDef;
use super::finding::{Ctx, Finding};
use super::found::{ComponentFaults, Found, MpFailures, ServerSync, ServiceWindows, SiteSync};
use crate::model::{time_of, FindingSeverity, LinkState, LogKind, StepStatus, STALL_AFTER_MS};

/// The client says its Software Updates feature is disabled or its policy has not arrived, no
/// later line says it enabled the feature, and no scan was requested in these logs. (At every
/// service start the client says so until it reads its policy, then enables the feature: that
/// is no fault.)
pub fn software_updates_off(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let (mp_lines, lines): (Vec<Line>, Vec<Line>) =
        lines.iter().partition(|&&(f, _)| ctx.a.files[f].is(LogKind::CcmMessaging) || ctx.a.files[f].is(LogKind::PolicyAgent));
    if lines.is_empty() || scan_requested(ctx) {
        return None;
    }
    let sorted = in_time_order(ctx, &lines);
    if sorted.iter().any(|&(f, e)| enabled(ctx.message(f, e))) {
        // Enabled after the lines that said it was off (or at least once in these logs, where
        // their times do not order them): the feature is on.
        let last_on = sorted.iter().rposition(|&(f, e)| enabled(ctx.message(f, e)));
        let last_off = sorted.iter().rposition(|&(f, e)| !enabled(ctx.message(f, e)));
        if last_on > last_off || sorted.iter().all(|&(f, e)| ctx.a.files[f].utc_ms(&ctx.a.files[f].entries[e]).is_none()) {
            return None;
        }
    }
    let off: Vec<(usize, usize)> = sorted.into_iter().filter(|&(f, e)| !enabled(ctx.message(f, e))).collect();
    let when = |&(f, e): &(usize, usize)| time_of(&ctx.a.files[f], e);
    let (first, last) = (off.first().and_then(when), off.last().and_then(when));
    // The first line and the latest prove it.
    let mut evidence = Vec::new();
    for &(f, e) in off.iter().take(1).chain(off.iter().rev().take(1)) {
        let ev = ctx.ev(f, e);
        if !evidence.contains(&ev) {
            evidence.push(ev);
        }
    }
    let mp = mp_failures(ctx, &mp_lines, &mut evidence);
    let codes: &[u32] = if mp.transient { &[0x87D0_0231] } else { &[] };
    Some(Finding::new(rule, rule.severity, Found::SoftwareUpdatesOff { lines: off.len(), first, last, mp }, evidence, codes))
}

/// CcmMessaging.log's and PolicyAgent.log's failed requests to the management point
/// (`[CCMHTTP] ERROR INFO: StatusCode=500 StatusText=...`, `Post to ... failed with 0x87d00231.`):
/// the first and the latest line join the evidence.
fn mp_failures(ctx: &Ctx, lines: &[(usize, usize)], evidence: &mut Vec<crate::model::Evidence>) -> MpFailures {
    let mut mp = MpFailures::default();
    let sorted = in_time_order(ctx, lines);
    for &(f, e) in &sorted {
        let m = ctx.message(f, e);
        if let Some((_, rest)) = m.split_once("StatusCode=") {
            let rest = rest.trim_start();
            let (code, text) = rest.split_once(' ').unwrap_or((rest, ""));
            let text = text.trim_start().strip_prefix("StatusText=").unwrap_or(text).trim();
            if let Ok(code) = code.trim().parse::<u16>() {
                mp.status = Some((code, text.to_string()));
            }
        } else {
            mp.transient = true;
        }
        mp.lines += 1;
        let at = time_of(&ctx.a.files[f], e);
        if mp.first.is_none() {
            mp.first.clone_from(&at);
        }
        mp.last = at;
    }
    for &(f, e) in sorted.iter().take(1).chain(sorted.iter().rev().take(1)) {
        let ev = ctx.ev(f, e);
        if !evidence.contains(&ev) {
            evidence.push(ev);
        }
    }
    mp
}

/// `Enabling software Updates feature`: the client read its policy and turned the feature on.
fn enabled(m: &str) -> bool {
    m.to_ascii_lowercase().contains("enabling software updates feature")
}

/// The latest of `lines` (the `software_updates_off` rule's, file and entry) where the client
/// turned its Software Updates feature on.
pub fn enabled_line(a: &crate::analysis::Analysis, lines: &[(usize, usize)]) -> Option<(usize, usize)> {
    let at = |&(f, e): &(usize, usize)| a.files[f].utc_ms(&a.files[f].entries[e]).unwrap_or(i64::MIN);
    lines.iter().filter(|&&(f, e)| enabled(a.files[f].message(&a.files[f].entries[e]))).max_by_key(|l| (at(l), l.0, l.1)).copied()
}

/// `lines` by their UTC time (a rolled-over log's older part first), then as given.
fn in_time_order(ctx: &Ctx, lines: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut v = lines.to_vec();
    v.sort_by_key(|&(f, e)| (ctx.a.files[f].utc_ms(&ctx.a.files[f].entries[e]).unwrap_or(i64::MIN), f, e));
    v
}

/// A scan the client requested or ran, in any log of the scan flow (steps 2 to 7).
fn scan_requested(ctx: &Ctx) -> bool {
    ctx.scan.steps.iter().skip(1).any(|s| matches!(s.status, StepStatus::Ok | StepStatus::Failed | StepStatus::Running))
}

/// What one wsyncmgr.log line says.
#[derive(Debug, PartialEq, Eq)]
enum SyncLine<'t> {
    /// `Starting Sync`: a run begins.
    Start,
    /// `Synchronizing WSUS server <name> ...`: that server's synchronization begins.
    Server(&'t str),
    /// `Done synchronizing WSUS Server <name>`.
    ServerDone(&'t str),
    /// `Sync succeeded. ...`: the run ended well.
    Succeeded,
    /// `Sync failed: <reason>. Source: ...`, status message 6703 or another failure line.
    Failed(&'t str),
}

fn sync_line(m: &str) -> Option<SyncLine<'_>> {
    let m = m.trim();
    if m.starts_with("Starting Sync") {
        return Some(SyncLine::Start);
    }
    if let Some(rest) = m.strip_prefix("Synchronizing WSUS server ") {
        return Some(SyncLine::Server(rest.trim_end_matches('.').trim()));
    }
    if let Some(rest) = m.strip_prefix("Done synchronizing WSUS Server ") {
        return Some(SyncLine::ServerDone(rest.trim_end_matches('.').trim()));
    }
    if m.starts_with("Sync succeeded") {
        return Some(SyncLine::Succeeded);
    }
    // "Sync failed. Will retry in 60 minutes" follows the line with the reason.
    if m.starts_with("Sync failed. Will retry") {
        return None;
    }
    if let Some(rest) = m.strip_prefix("Sync failed:") {
        let reason = rest.split(" Source:").next().unwrap_or(rest).trim().trim_end_matches('.');
        return Some(SyncLine::Failed(reason));
    }
    if m.contains("STATMSG: ID=6703") {
        return Some(SyncLine::Failed(""));
    }
    if m.contains("Sync failed") || m.contains("Failed to sync") || m.contains("Exception") || m.contains("Timeout Expired") {
        return Some(SyncLine::Failed(m));
    }
    None
}

/// The runs and each server's synchronizations in wsyncmgr.log. The evidence: for each server
/// failing now, its first failure since its last success and its latest; the latest failed
/// run's failure; the latest success.
pub fn sup_sync(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let mut sync = SiteSync { runs: 0, failed_runs: 0, latest: None, latest_line: None, running: false, servers: Vec::new() };
    // Per server (as `sync.servers`): the line of its first failure since its last success, of
    // its latest failure.
    let mut seen: Vec<(Option<Line>, Option<Line>)> = Vec::new();
    // The run under way: `Some(failure)` once it started, the failure (its time and reason) once
    // one is logged in it. The server being synchronized.
    let mut run: Option<Option<Failure>> = None;
    let mut open: Option<usize> = None;
    let (mut last_ok_line, mut run_failed_line, mut run_line) = (None, None, None);
    for (f, e) in in_time_order(ctx, lines) {
        let Some(said) = sync_line(ctx.message(f, e)) else { continue };
        let at = time_of(&ctx.a.files[f], e);
        match said {
            SyncLine::Start => {
                if end_run(&mut sync, run.take()) {
                    run_failed_line = run_line;
                    sync.latest_line = run_line;
                }
                sync.runs += 1;
                run = Some(None);
                (open, run_line) = (None, None);
            }
            SyncLine::Server(name) => {
                let i = server(&mut sync.servers, name);
                seen.resize(sync.servers.len(), (None, None));
                open = Some(i);
            }
            SyncLine::ServerDone(name) => {
                let i = server(&mut sync.servers, name);
                seen.resize(sync.servers.len(), (None, None));
                let s = &mut sync.servers[i];
                s.synced += 1;
                s.last_success.clone_from(&at);
                s.failing_since = None;
                s.now = false;
                seen[i].0 = None;
                open = None;
                last_ok_line = Some((f, e));
            }
            SyncLine::Succeeded => {
                sync.latest = Some((false, at, None));
                sync.latest_line = Some((f, e));
                (run, open, run_line) = (None, None, None);
                last_ok_line = Some((f, e));
            }
            SyncLine::Failed(reason) => {
                let reason = (!reason.is_empty()).then(|| reason.to_string());
                if let Some(i) = open.take() {
                    fail_server(&mut sync.servers[i], &at, reason.clone());
                    seen[i] = (seen[i].0.or(Some((f, e))), Some((f, e)));
                }
                if let Some(failure) = run.as_mut() {
                    match failure {
                        Some(x) if x.reason.is_none() => x.reason = reason,
                        Some(_) => {}
                        None => *failure = Some(Failure { at, reason }),
                    }
                    run_line = run_line.or(Some((f, e)));
                }
            }
        }
    }
    // A run with a failure and no later success ended failed; one with neither is still running
    // when the log ends.
    match run {
        Some(None) => sync.running = true,
        run => {
            if end_run(&mut sync, run) {
                run_failed_line = run_line;
                sync.latest_line = run_line;
            }
        }
    }
    if sync.runs == 0 && sync.servers.is_empty() && sync.latest.is_none() {
        // A sync manager that only started and waited: no run in these logs, said with the
        // log's first and last lines.
        let (fi, f) = ctx.a.files.iter().enumerate().find(|(_, f)| f.is(LogKind::WsyncMgr))?;
        let evidence = [0, f.entries.len().saturating_sub(1)].into_iter().filter(|&e| e < f.entries.len()).map(|e| ctx.ev(fi, e)).collect::<Vec<_>>();
        return Some(Finding::new(rule, FindingSeverity::Info, Found::SiteSync(sync), evidence, &[]));
    }
    let failing_lines = sync.servers.iter().zip(&seen).filter(|(s, _)| s.now).flat_map(|(_, (since, last))| [*since, *last]);
    let mut evidence = Vec::new();
    for (f, e) in failing_lines.chain([run_failed_line.filter(|_| sync.latest.as_ref().is_some_and(|l| l.0)), last_ok_line]).flatten() {
        let ev = ctx.ev(f, e);
        if !evidence.contains(&ev) {
            evidence.push(ev);
        }
    }
    let failing = sync.servers.iter().any(|s| s.now) || sync.latest.as_ref().is_some_and(|l| l.0);
    let failed_ever = sync.servers.iter().any(|s| s.failed > 0) || sync.failed_runs > 0;
    let severity = if failing {
        FindingSeverity::Error
    } else if failed_ever {
        FindingSeverity::Warning
    } else {
        FindingSeverity::Info
    };
    Some(Finding::new(rule, severity, Found::SiteSync(sync), evidence, &[]))
}

/// A line of the drop: (file, entry).
type Line = (usize, usize);

/// A failure logged in a run: when, and its reason where the line gives one.
struct Failure {
    at: Option<String>,
    reason: Option<String>,
}

/// A run ends without `Sync succeeded`: failed where a failure was logged in it (true).
fn end_run(sync: &mut SiteSync, run: Option<Option<Failure>>) -> bool {
    let Some(Some(x)) = run else { return false };
    sync.failed_runs += 1;
    sync.latest = Some((true, x.at, x.reason));
    true
}

fn server(servers: &mut Vec<ServerSync>, name: &str) -> usize {
    if let Some(i) = servers.iter().position(|s| s.name.eq_ignore_ascii_case(name)) {
        return i;
    }
    servers.push(ServerSync {
        name: name.to_string(),
        synced: 0,
        failed: 0,
        last_success: None,
        failing_since: None,
        last_failure: None,
        reason: None,
        now: false,
    });
    servers.len() - 1
}

fn fail_server(s: &mut ServerSync, at: &Option<String>, reason: Option<String>) {
    s.failed += 1;
    if !s.now {
        s.failing_since.clone_from(at);
    }
    s.last_failure.clone_from(at);
    if reason.is_some() {
        s.reason = reason;
    }
    s.now = true;
}

/// WCM.log's configuration and WSUSCtrl.log's health checks: each log's faults, past where a
/// success came after the last one, else still failing when the log ends. A line the component
/// itself calls expected (`Failure expected`) is no fault.
pub fn site_faults(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let mut out: Vec<ComponentFaults> = Vec::new();
    let mut evidence = Vec::new();
    for kind in [LogKind::Wcm, LogKind::WsusCtrl] {
        let mut c = ComponentFaults { log: kind, faults: 0, first: None, last: None, reason: String::new(), last_ok: None, now: false };
        let mut last_fault = None;
        let mut last_ok = None;
        for (f, e) in in_time_order(ctx, lines).into_iter().filter(|&(f, _)| ctx.a.files[f].is(kind)) {
            let m = ctx.message(f, e).trim();
            let at = time_of(&ctx.a.files[f], e);
            if is_ok(m) {
                c.last_ok.clone_from(&at);
                c.now = false;
                last_ok = Some((f, e));
            } else if is_fault(m) {
                c.faults += 1;
                if c.first.is_none() {
                    c.first.clone_from(&at);
                }
                c.last.clone_from(&at);
                c.reason = m.trim_end_matches('~').trim().to_string();
                c.now = true;
                if c.faults <= 3 {
                    evidence.push(ctx.ev(f, e));
                }
                last_fault = Some((f, e));
            }
        }
        if c.faults == 0 {
            continue;
        }
        if let Some((f, e)) = last_fault.filter(|_| c.faults > 3) {
            evidence.push(ctx.ev(f, e));
        }
        if let Some((f, e)) = last_ok {
            evidence.push(ctx.ev(f, e));
        }
        out.push(c);
    }
    if out.is_empty() {
        return None;
    }
    let severity = if out.iter().any(|c| c.now) { FindingSeverity::Error } else { FindingSeverity::Info };
    Some(Finding::new(rule, severity, Found::SiteFaults(out), evidence, &[]))
}

/// A configuration that succeeded, a connection made, or healthy components.
fn is_ok(m: &str) -> bool {
    m.contains("(WSUS_CONFIG_SUCCESS)")
        || m.starts_with("There are no unhealthy WSUS Server components")
        || m.starts_with("Successfully checked database connection")
        || m.starts_with("Successfully connected to")
}

fn is_fault(m: &str) -> bool {
    if m.contains("Failure expected") || m.starts_with("There are no unhealthy") {
        return false;
    }
    m.contains("(WSUS_CONFIG_FAILED)")
        || m.contains("unhealthy")
        || m.contains("failed")
        || m.contains("Failed")
        || m.contains("Exception")
        || m.starts_with("***")
}

/// The client's maintenance windows: evaluations that found no window open, how many updates
/// were actionable then, the updates whose install waits for a window, whether a window of the
/// Software Updates type exists, and when the next window begins. Updates that wait are a
/// warning; windows closed while nothing was actionable are routine (an info).
pub fn maintenance_windows(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let mut w = ServiceWindows { unavailable: 0, first: None, last: None, actionable: None, waiting: 0, no_updates_type: false, next: None };
    let mut evidence = Vec::new();
    // Each update's latest progress: waiting for a window or not.
    let mut progress: Vec<(&str, bool)> = Vec::new();
    // The window type ServiceWindowManager was last asked about.
    let mut asked: Option<&str> = None;
    for (f, e) in in_time_order(ctx, lines) {
        let m = ctx.message(f, e).trim();
        let at = time_of(&ctx.a.files[f], e);
        if m.starts_with("No current service window available to run updates assignment") {
            w.unavailable += 1;
            if w.first.is_none() {
                w.first.clone_from(&at);
                evidence.push(ctx.ev(f, e));
            }
            w.last = at;
        } else if let Some(n) = m.split_once("Total actionable updates = ").and_then(|(_, n)| n.trim().parse::<usize>().ok()) {
            if m.contains("UpdateActionInstall") || !m.contains("action (") {
                w.actionable = Some(n);
            }
        } else if let Some((id, status)) = m.split_once("/SUM_").and_then(|(_, r)| r.split_once(") Progress: Status = ")) {
            let waits = status.starts_with("ciStateWaitServiceWindow");
            match progress.iter_mut().find(|(i, _)| *i == id) {
                Some(p) => p.1 = waits,
                None => progress.push((id, waits)),
            }
            if waits && evidence.len() < 3 {
                evidence.push(ctx.ev(f, e));
            }
        } else if let Some(t) = m.split_once("OnIsServiceWindowAvailable called with:").and_then(|(_, r)| r.split_once("Type:")) {
            asked = Some(t.1.trim());
        } else if m.starts_with("No Service Windows exist for this type") && asked == Some("4") {
            if !w.no_updates_type {
                evidence.push(ctx.ev(f, e));
            }
            w.no_updates_type = true;
        } else if let Some(rest) = m.strip_prefix("Next Event Time is at ") {
            if m.ends_with("Is the next event the beginning of the window? Yes") {
                w.next = Some(rest.split(". Service Window").next().unwrap_or(rest).trim().to_string());
            }
        }
    }
    w.waiting = progress.iter().filter(|(_, waits)| *waits).count();
    if w.unavailable == 0 && w.waiting == 0 && !w.no_updates_type {
        return None;
    }
    let severity = if w.waiting_now() { LinkState::Waiting } else { LinkState::Ok }.severity();
    Some(Finding::new(rule, severity, Found::ServiceWindows(w), evidence, &[]))
}

/// The contents deployed updates needed (`content.rs`), standing where the worst of them
/// stands (`ContentJob::link_state`, the one definition the Content link, the ledger and the
/// badge read): an error where one fails, a warning where one waits or has no outcome yet, an
/// info where all downloaded. The evidence: each content's first line, its latest failure and
/// the line its state is read from, the worst first. The advice is the part that fits what the
/// lines show ([`ContentAdvice`]).
pub fn update_content(ctx: &Ctx, rule: &'static RuleDef, _lines: &[(usize, usize)]) -> Option<Finding> {
    let state = super::content::link_state(ctx.content)?;
    let mut order: Vec<&ContentJob> = ctx.content.iter().collect();
    order.sort_by_key(|j| j.link_state());
    let mut evidence = Vec::new();
    for (f, e) in order.iter().take(4).flat_map(|j| j.lines()) {
        let ev = ctx.ev(f, e);
        if !evidence.contains(&ev) {
            evidence.push(ev);
        }
    }
    let codes: Vec<u32> = ctx.content.iter().filter(|j| j.link_state() == LinkState::Failed).filter_map(|j| j.code).collect();
    let mut finding = Finding::new(rule, state.severity(), Found::Content { jobs: ctx.content.to_vec(), stall_ms: STALL_AFTER_MS }, evidence, &codes);
    let mut i = 0;
    finding.guidance.retain(|_| {
        let keep = CONTENT_ADVICE.get(i).is_none_or(|a| a.fits(ctx.content));
        i += 1;
        keep
    });
    Some(finding)
}

/// What each piece of the `update_content` rule's guidance is for, in its order in
/// `rules/configmgr-chain.toml` (a test checks the two agree): advice is shown only where the
/// lines it answers are in the logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentAdvice {
    /// A transfer failed: find the failing request.
    Failure,
    /// A transfer got HTTP 405 (WebDAV on the distribution point).
    Http405,
    /// No distribution point offers a content.
    NoLocations,
    /// A download stays open.
    Open,
}

/// The `update_content` rule's guidance, in order.
pub const CONTENT_ADVICE: [ContentAdvice; 4] = [ContentAdvice::Failure, ContentAdvice::Http405, ContentAdvice::NoLocations, ContentAdvice::Open];

impl ContentAdvice {
    fn fits(self, jobs: &[ContentJob]) -> bool {
        jobs.iter().any(|j| match self {
            ContentAdvice::Failure => j.state == ContentState::Failed,
            ContentAdvice::Http405 => j.http.as_ref().is_some_and(|(code, _)| *code == 405),
            ContentAdvice::NoLocations => j.state == ContentState::NoLocations,
            ContentAdvice::Open => j.state == ContentState::Downloading,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{sync_line, ContentAdvice, SyncLine, CONTENT_ADVICE};

    /// `CONTENT_ADVICE` names the `update_content` rule's guidance in its order.
    #[test]
    fn the_content_advice_is_the_rules_guidance_in_order() {
        let rule = crate::diagnose::defs::rules().iter().find(|r| r.id == "update_content").expect("the rule");
        assert_eq!(rule.guidance.len(), CONTENT_ADVICE.len());
        for (g, a) in rule.guidance.iter().zip(CONTENT_ADVICE) {
            let said = match a {
                ContentAdvice::Failure => "failing request",
                ContentAdvice::Http405 => "HTTP 405",
                ContentAdvice::NoLocations => "no distribution point offers",
                ContentAdvice::Open => "stays open",
            };
            assert!(g.text.contains(said), "{a:?}: {}", g.text);
        }
    }

    #[test]
    fn wsyncmgr_lines_as_the_article_shows_them() {
        assert_eq!(sync_line("Starting Sync"), Some(SyncLine::Start));
        assert_eq!(sync_line("Synchronizing WSUS server sup2.contoso.com ..."), Some(SyncLine::Server("sup2.contoso.com")));
        assert_eq!(sync_line("Done synchronizing WSUS Server sup2.contoso.com"), Some(SyncLine::ServerDone("sup2.contoso.com")));
        assert_eq!(sync_line("Synchronizing SMS database with WSUS server cs1site.contoso.com ..."), None);
        assert_eq!(sync_line("Done synchronizing SMS with WSUS Server cs1site.contoso.com"), None);
        assert_eq!(sync_line("Sync succeeded. Setting sync alert to canceled state on site CS1"), Some(SyncLine::Succeeded));
        assert_eq!(
            sync_line("Sync failed: WSUS server not configured. Please refer to WCM.log for configuration error details. Source: CWSyncMgr::DoSync"),
            Some(SyncLine::Failed("WSUS server not configured. Please refer to WCM.log for configuration error details"))
        );
        assert_eq!(sync_line("Sync failed. Will retry in 60 minutes"), None);
    }
}
