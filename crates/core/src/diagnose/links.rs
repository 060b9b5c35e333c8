//! Where the ConfigMgr software-update chain stands, link by link, as facts: the client's
//! policy → scan → deployment → content → maintenance window → install → restart, and the
//! site's WSUS configuration → WSUS health → synchronization → each software update point. Each
//! link is read from what the diagnosis already concluded (the scan flow, the chain's findings,
//! the contents, the ledger), so a link and the finding or row behind it never disagree; each
//! names the lines that prove it. A chain is told only where one of its logs was given.

use super::content::{ContentJob, ContentState};
use super::finding::Finding;
use super::flow::FlowResult;
use super::found::{ComponentFaults, Found, ServiceWindows, SiteSync};
use crate::analysis::Analysis;
use crate::model::{evidence_of, Evidence, LedgerRow, LedgerState, LifeEvent, LinkId, LinkState, LogKind, StepStatus};

/// Lines a link cites at most.
const LINES: usize = 3;

/// One link: where it stands, what the logs say of it, and the lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub id: LinkId,
    pub state: LinkState,
    pub fact: LinkFact,
    pub evidence: Vec<Evidence>,
    /// A log that would show this link was given (for `NotInLogs`: given, and silent on it).
    pub given: bool,
}

/// What the logs say of a link, as facts (its words: `output/words/links.rs`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LinkFact {
    /// Nothing beyond the state.
    #[default]
    None,
    /// The client's site assignment: the site, failed attempts now and before its latest
    /// success, the management point, and the management point's HTTP errors.
    Site {
        site: Option<String>,
        assigned: Option<String>,
        failures: usize,
        since: Option<String>,
        past: usize,
        management_point: Option<String>,
        http_errors: usize,
        http: Option<(u16, String)>,
    },
    /// The Software Updates feature is off: `lines` lines say so, from `since`.
    PolicyOff { lines: usize, since: Option<String> },
    /// The policy arrived: the client turned the feature on, scanned, or was deployed updates.
    PolicyOn { enabled: bool, scanned: bool, deployed: bool },
    /// The scan's latest cycle: the step it failed at, waits in or last confirmed, its codes,
    /// and whether the logs confirm every step.
    Scan { step: Option<&'static str>, codes: Vec<String>, complete: bool },
    /// `n` deployed updates in this state; one of them (`kb`), its code, how long it waits.
    Updates { n: usize, of: usize, kb: Option<String>, code: Option<String>, open_ms: Option<i64> },
    /// The contents' downloads: how many failed, wait for a location, stalled downloading
    /// (no line for hours), download, are done; the first failing content's code.
    Contents { failed: usize, waiting: usize, stalled: usize, downloading: usize, done: usize, code: Option<u32> },
    /// Maintenance windows: updates waiting, the next window, none of the Software Updates type.
    Windows { waiting: usize, next: Option<String>, no_updates_type: bool, closed: usize },
    /// A site component's faults: how many, the latest's text, now or past.
    Component { faults: usize, reason: Option<String>, now: bool },
    /// The site's runs: how many, how many failed, the latest failure's reason.
    Runs { runs: usize, failed: usize, reason: Option<String> },
    /// RebootCoordinator.log's latest restart: the agent that asked, its deadline, when it
    /// began, whether a maintenance window allowed it or the deployment ignores windows.
    Reboot { agent: Option<String>, deadline: Option<String>, initiated: Option<String>, window_allowed: bool, ignore_window: bool },
    /// `installed` deployed updates installed, and none waits for a restart.
    NoRestartPending { installed: usize },
    /// The software update points: the names of those failing now, of how many.
    Servers { failing: Vec<String>, of: usize },
}

/// The chain's links where the drop holds a log of it: the client's when it holds a ConfigMgr
/// client log, the site's when it holds a site server's software update point log.
/// `policy_lines`: the `software_updates_off` rule's lines (the feature off, or turned on).
pub fn build(
    a: &Analysis,
    scan: &FlowResult,
    content: &[ContentJob],
    findings: &[Finding],
    ledger: &[LedgerRow],
    policy_lines: &[(usize, usize)],
) -> Vec<Link> {
    let mut out = Vec::new();
    let has = |k: LogKind| a.files.iter().any(|f| f.kind == k);
    if a.files.iter().any(|f| f.kind.is_configmgr_client()) {
        let off = findings.iter().find_map(|f| match &f.found {
            Found::SoftwareUpdatesOff { lines, first, .. } => Some((f, *lines, first.clone())),
            _ => None,
        });
        let deployed: Vec<&LedgerRow> = ledger.iter().filter(|r| r.steps.iter().any(|s| s.event == LifeEvent::Assigned)).collect();
        let on = super::chain::enabled_line(a, policy_lines).map(|(f, e)| evidence_of(&a.files[f], e));
        out.push(site_assignment(findings));
        out.push(policy(scan, off.as_ref().map(|(f, n, s)| (*f, *n, s.clone())), on, &deployed));
        out.push(scan_link(scan, off.is_some()));
        out.push(deployment(&deployed, off.is_some()));
        out.push(contents(a, content, &deployed));
        out.push(windows(findings));
        out.push(install(&deployed));
        out.push(restart_link(&deployed, findings));
    }
    if has(LogKind::WsyncMgr) || has(LogKind::Wcm) || has(LogKind::WsusCtrl) {
        let faults: &[ComponentFaults] = findings
            .iter()
            .find_map(|f| match &f.found {
                Found::SiteFaults(v) => Some(v.as_slice()),
                _ => None,
            })
            .unwrap_or(&[]);
        let faults_finding = findings.iter().find(|f| matches!(f.found, Found::SiteFaults(_)));
        for (id, kind) in [(LinkId::WsusConfig, LogKind::Wcm), (LinkId::WsusHealth, LogKind::WsusCtrl)] {
            out.push(component(a, id, kind, faults.iter().find(|c| c.log == kind), faults_finding, has(kind)));
        }
        let sync = findings.iter().find_map(|f| match &f.found {
            Found::SiteSync(s) => Some((f, s)),
            _ => None,
        });
        out.extend(site_sync(a, sync, has(LogKind::WsyncMgr)));
    }
    for l in &mut out {
        l.given = witnesses(l.id).iter().any(|&k| has(k));
    }
    out
}

fn link(id: LinkId, state: LinkState, fact: LinkFact, evidence: Vec<Evidence>) -> Link {
    let mut evidence = evidence;
    evidence.dedup();
    evidence.truncate(LINES);
    Link { id, state, fact, evidence, given: false }
}

/// The logs that show a link (`LinkState::NotInLogs` names them).
pub fn witnesses(id: LinkId) -> &'static [LogKind] {
    use LogKind as K;
    match id {
        LinkId::SiteAssignment => &[K::LocationServices, K::Ccmsetup],
        LinkId::Policy => &[K::UpdatesDeployment, K::ScanAgent],
        LinkId::Scan => &[K::ScanAgent, K::WuaHandler, K::UpdatesStore],
        LinkId::Deployment | LinkId::Install => &[K::UpdatesDeployment],
        LinkId::Restart => &[K::UpdatesDeployment, K::RebootCoordinator],
        LinkId::Content => &[K::ContentAccess, K::ContentTransferManager, K::DataTransferService],
        LinkId::Window => &[K::ServiceWindowManager, K::UpdatesDeployment],
        LinkId::WsusConfig => &[K::Wcm],
        LinkId::WsusHealth => &[K::WsusCtrl],
        LinkId::SiteSync | LinkId::ServerSync => &[K::WsyncMgr],
    }
}

/// The site assignment link, from the `site_assignment` finding (`SiteAssignment::link_state`).
fn site_assignment(findings: &[Finding]) -> Link {
    let Some((f, s)) = findings.iter().find_map(|f| match &f.found {
        Found::SiteAssignment(s) => Some((f, s)),
        _ => None,
    }) else {
        return link(LinkId::SiteAssignment, LinkState::NotInLogs, LinkFact::None, Vec::new());
    };
    let fact = LinkFact::Site {
        site: s.site.clone(),
        assigned: s.assigned.clone(),
        failures: s.failures,
        since: s.failing_since.clone(),
        past: s.past_failures,
        management_point: s.management_point.clone(),
        http_errors: s.http_errors,
        http: s.http.clone(),
    };
    link(LinkId::SiteAssignment, s.link_state(), fact, f.evidence.clone())
}

fn policy(scan: &FlowResult, off: Option<(&Finding, usize, Option<String>)>, on: Option<Evidence>, deployed: &[&LedgerRow]) -> Link {
    if let Some((f, lines, since)) = off {
        return link(LinkId::Policy, LinkState::Off, LinkFact::PolicyOff { lines, since }, f.evidence.clone());
    }
    // A scan ConfigMgr asked for, or an update it deployed, needs the policy.
    let scanned = scan.steps.iter().skip(1).find(|s| matches!(s.status, StepStatus::Ok | StepStatus::Failed | StepStatus::Running) && !s.evidence.is_empty());
    let ev: Vec<Evidence> =
        on.clone().into_iter().chain(scanned.and_then(|s| s.evidence.first().cloned())).chain(assigned_lines(deployed).into_iter().take(1)).collect();
    if ev.is_empty() {
        return link(LinkId::Policy, LinkState::NotInLogs, LinkFact::None, Vec::new());
    }
    link(LinkId::Policy, LinkState::Ok, LinkFact::PolicyOn { enabled: on.is_some(), scanned: scanned.is_some(), deployed: !deployed.is_empty() }, ev)
}

fn scan_link(scan: &FlowResult, off: bool) -> Link {
    if !scan.witnessed() {
        let state = if off { LinkState::NotReached } else { LinkState::NotInLogs };
        return link(LinkId::Scan, state, LinkFact::None, Vec::new());
    }
    if let Some(n) = scan.failed_step {
        let step = scan.step(n);
        let fact = LinkFact::Scan { step: step.map(|s| s.short), codes: step.map(|s| s.codes.clone()).unwrap_or_default(), complete: false };
        return link(LinkId::Scan, LinkState::Failed, fact, step.map(|s| s.evidence.clone()).unwrap_or_default());
    }
    if let Some(s) = scan.steps.iter().find(|s| s.status == StepStatus::Running) {
        return link(LinkId::Scan, LinkState::Running, LinkFact::Scan { step: Some(s.short), codes: Vec::new(), complete: false }, s.evidence.clone());
    }
    // The latest cycle's last step that succeeded proves it.
    let last = scan.steps.iter().rev().find(|s| s.status == StepStatus::Ok && !s.evidence.is_empty());
    link(
        LinkId::Scan,
        LinkState::Ok,
        LinkFact::Scan { step: last.map(|s| s.short), codes: Vec::new(), complete: scan.steps.iter().all(|s| s.status == StepStatus::Ok) },
        last.map(|s| s.evidence.clone()).unwrap_or_default(),
    )
}

fn assigned_lines(deployed: &[&LedgerRow]) -> Vec<Evidence> {
    deployed.iter().filter_map(|r| r.steps.iter().find(|s| s.event == LifeEvent::Assigned)).map(|s| s.evidence.clone()).collect()
}

fn deployment(deployed: &[&LedgerRow], off: bool) -> Link {
    if deployed.is_empty() {
        let state = if off { LinkState::NotReached } else { LinkState::NotInLogs };
        return link(LinkId::Deployment, state, LinkFact::None, Vec::new());
    }
    let fact = LinkFact::Updates { n: deployed.len(), of: deployed.len(), kb: None, code: None, open_ms: None };
    link(LinkId::Deployment, LinkState::Ok, fact, assigned_lines(deployed))
}

fn contents(a: &Analysis, jobs: &[ContentJob], deployed: &[&LedgerRow]) -> Link {
    let count = |st: LinkState| jobs.iter().filter(|j| j.link_state() == st).count();
    let failed = count(LinkState::Failed);
    let stalled = jobs.iter().filter(|j| j.link_state() == LinkState::Waiting && j.state == ContentState::Downloading).count();
    let waiting = count(LinkState::Waiting) - stalled;
    let downloading = count(LinkState::Running);
    let done = count(LinkState::Ok);
    let first_failed = jobs.iter().find(|j| j.state == ContentState::Failed);
    let code = first_failed.and_then(|j| j.code);
    let lines_of = |j: &ContentJob| j.lines().into_iter().map(|(f, e)| evidence_of(&a.files[f], e)).collect::<Vec<_>>();
    if let Some(state) = super::content::link_state(jobs) {
        // The content the link stands by: the first in the state the worst of them is in.
        let shown = jobs.iter().find(|j| j.link_state() == state);
        return link(LinkId::Content, state, LinkFact::Contents { failed, waiting, stalled, downloading, done, code }, shown.map(lines_of).unwrap_or_default());
    }
    // Without the content logs, UpdatesDeployment.log's download steps of the deployed updates.
    let steps = |e: LifeEvent| deployed.iter().filter_map(move |r| r.steps.iter().rev().find(|s| s.event == e)).collect::<Vec<_>>();
    let (fails, dones) = (steps(LifeEvent::DownloadFailed), steps(LifeEvent::Downloaded));
    if fails.is_empty() && dones.is_empty() {
        return link(LinkId::Content, LinkState::NotInLogs, LinkFact::None, Vec::new());
    }
    let fact = LinkFact::Contents {
        failed: fails.len(),
        waiting: 0,
        stalled: 0,
        downloading: 0,
        done: dones.len(),
        code: fails.first().and_then(|s| s.code.as_deref()).and_then(crate::model::hex_code),
    };
    let state = if fails.is_empty() { LinkState::Ok } else { LinkState::Failed };
    let shown = if fails.is_empty() { dones } else { fails };
    link(LinkId::Content, state, fact, shown.into_iter().map(|s| s.evidence.clone()).collect())
}

fn windows(findings: &[Finding]) -> Link {
    let Some((f, w)) = findings.iter().find_map(|f| match &f.found {
        Found::ServiceWindows(w) => Some((f, w)),
        _ => None,
    }) else {
        return link(LinkId::Window, LinkState::NotInLogs, LinkFact::None, Vec::new());
    };
    let state = if w.waiting_now() { LinkState::Waiting } else { LinkState::Ok };
    let ServiceWindows { next, no_updates_type, unavailable, .. } = w.clone();
    link(LinkId::Window, state, LinkFact::Windows { waiting: w.updates_waiting(), next, no_updates_type, closed: unavailable }, f.evidence.clone())
}

/// The deployed updates `pick` keeps.
fn rows_in<'r>(deployed: &[&'r LedgerRow], pick: impl Fn(&LedgerRow) -> bool) -> Vec<&'r LedgerRow> {
    deployed.iter().copied().filter(|r| pick(r)).collect()
}

fn updates_link(id: LinkId, state: LinkState, rows: &[&LedgerRow], of: usize) -> Link {
    let first = rows.first();
    let fact = LinkFact::Updates {
        n: rows.len(),
        of,
        kb: first.map(|r| r.kb.clone()).filter(|k| !k.is_empty()),
        code: first.and_then(|r| r.code.clone()),
        open_ms: first.and_then(|r| r.open_ms),
    };
    link(id, state, fact, rows.iter().filter_map(|r| r.decisive_step()).map(|s| s.evidence.clone()).collect())
}

fn install(deployed: &[&LedgerRow]) -> Link {
    let of = deployed.len();
    let began = |r: &LedgerRow| r.steps.iter().any(|s| matches!(s.event, LifeEvent::InstallStarted | LifeEvent::Installed | LifeEvent::InstallFailed));
    let failing = rows_in(deployed, |r| r.state == LedgerState::Failing && r.decisive_step().is_some_and(|s| s.event == LifeEvent::InstallFailed));
    if !failing.is_empty() {
        return updates_link(LinkId::Install, LinkState::Failed, &failing, of);
    }
    let running = rows_in(deployed, |r| {
        matches!(r.state, LedgerState::Running | LedgerState::Stalled) && r.decisive_step().is_some_and(|s| s.event == LifeEvent::InstallStarted)
    });
    if !running.is_empty() {
        return updates_link(LinkId::Install, LinkState::Running, &running, of);
    }
    let done = rows_in(deployed, |r| matches!(r.state, LedgerState::Done | LedgerState::PendingRestart) && began(r));
    if !done.is_empty() {
        return updates_link(LinkId::Install, LinkState::Ok, &done, of);
    }
    let state = if of > 0 { LinkState::NotReached } else { LinkState::NotInLogs };
    link(LinkId::Install, state, LinkFact::None, Vec::new())
}

/// The Restart link: the ledger's rows that wait for a restart wait; else RebootCoordinator.log's
/// latest restart (`RestartSchedule::link_state`) where it is given; else the rows' restarts.
fn restart_link(deployed: &[&LedgerRow], findings: &[Finding]) -> Link {
    let base = restart(deployed);
    let rc = findings.iter().find_map(|f| match &f.found {
        Found::RestartSchedule(r) => Some((f, r)),
        _ => None,
    });
    match rc {
        Some((f, r)) if base.state != LinkState::Waiting => {
            let fact = LinkFact::Reboot {
                agent: r.agent.clone(),
                deadline: r.deadline.clone(),
                initiated: r.initiated_at.clone(),
                window_allowed: r.window_allowed,
                ignore_window: r.ignore_window == Some(true),
            };
            link(LinkId::Restart, r.link_state(), fact, f.evidence.clone())
        }
        _ => base,
    }
}

fn restart(deployed: &[&LedgerRow]) -> Link {
    let of = deployed.len();
    let pending = rows_in(deployed, |r| r.state == LedgerState::PendingRestart);
    if !pending.is_empty() {
        return updates_link(LinkId::Restart, LinkState::Waiting, &pending, of);
    }
    let restarted = rows_in(deployed, |r| r.steps.iter().any(|s| s.event == LifeEvent::Restarted));
    if !restarted.is_empty() {
        let mut l = updates_link(LinkId::Restart, LinkState::Ok, &restarted, of);
        l.evidence =
            restarted.iter().filter_map(|r| r.steps.iter().rev().find(|s| s.event == LifeEvent::Restarted)).map(|s| s.evidence.clone()).take(LINES).collect();
        return l;
    }
    // Installed, and no restart pending: none is needed (ConfigMgr says "pending" until it).
    let installed = rows_in(deployed, |r| r.state == LedgerState::Done && r.decisive_step().is_some_and(|s| s.event == LifeEvent::Installed));
    if !installed.is_empty() {
        let ev = installed.iter().filter_map(|r| r.decisive_step()).map(|s| s.evidence.clone()).collect();
        return link(LinkId::Restart, LinkState::Ok, LinkFact::NoRestartPending { installed: installed.len() }, ev);
    }
    let state = if of > 0 { LinkState::NotReached } else { LinkState::NotInLogs };
    link(LinkId::Restart, state, LinkFact::None, Vec::new())
}

fn component(a: &Analysis, id: LinkId, kind: LogKind, faults: Option<&ComponentFaults>, finding: Option<&Finding>, given: bool) -> Link {
    if !given {
        return link(id, LinkState::NotInLogs, LinkFact::None, Vec::new());
    }
    let Some(c) = faults else {
        return link(id, LinkState::Ok, LinkFact::Component { faults: 0, reason: None, now: false }, Vec::new());
    };
    let of_log = |e: &&Evidence| a.files.iter().any(|f| f.name == e.file && f.kind == kind);
    let ev = finding.map(|f| f.evidence.iter().filter(of_log).cloned().collect()).unwrap_or_default();
    let state = if c.now { LinkState::Failed } else { LinkState::Ok };
    link(id, state, LinkFact::Component { faults: c.faults, reason: Some(c.reason.clone()), now: c.now }, ev)
}

fn site_sync(a: &Analysis, sync: Option<(&Finding, &SiteSync)>, given: bool) -> Vec<Link> {
    let none = |state| vec![link(LinkId::SiteSync, state, LinkFact::None, Vec::new()), link(LinkId::ServerSync, state, LinkFact::None, Vec::new())];
    let Some((f, s)) = sync else {
        return none(if given { LinkState::NotReached } else { LinkState::NotInLogs });
    };
    if s.runs == 0 && s.latest.is_none() && s.servers.is_empty() {
        // The sync manager started and waited: no run in these logs.
        return none(LinkState::NotReached);
    }
    let state = match &s.latest {
        _ if s.running => LinkState::Running,
        Some((true, _, _)) => LinkState::Failed,
        Some(_) => LinkState::Ok,
        None => LinkState::NotReached,
    };
    let reason = s.latest.as_ref().filter(|l| l.0).and_then(|l| l.2.clone());
    let failing: Vec<&super::found::ServerSync> = s.servers.iter().filter(|x| x.now).collect();
    let latest = s.latest_line.map(|(fi, e)| evidence_of(&a.files[fi], e)).into_iter().collect();
    let runs = link(LinkId::SiteSync, state, LinkFact::Runs { runs: s.runs, failed: s.failed_runs, reason }, latest);
    let server_state = if s.servers.is_empty() {
        LinkState::NotReached
    } else if failing.is_empty() {
        LinkState::Ok
    } else {
        LinkState::Failed
    };
    let names = failing.iter().map(|x| x.name.clone()).collect();
    // The finding's evidence: each failing server's first and latest failure, then the run's.
    let (fact, ev) =
        if s.servers.is_empty() { (LinkFact::None, Vec::new()) } else { (LinkFact::Servers { failing: names, of: s.servers.len() }, f.evidence.clone()) };
    let servers = link(LinkId::ServerSync, server_state, fact, ev);
    vec![runs, servers]
}
