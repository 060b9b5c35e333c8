//! The ConfigMgr chain's links in words (`diagnose/links.rs` states them): each link's name and
//! a sentence of where it stands.

use crate::diagnose::{Link, LinkFact};
use crate::model::{counted, LinkId, LinkState, LogKind};

use super::ledger::{duration, upper_first, when};

/// A link's name in a few words.
pub fn link_title(id: LinkId) -> &'static str {
    match id {
        LinkId::SiteAssignment => "Site assignment",
        LinkId::Policy => "Software Updates policy",
        LinkId::Scan => "Scan",
        LinkId::Deployment => "Deployments",
        LinkId::Content => "Content",
        LinkId::Window => "Maintenance window",
        LinkId::Install => "Install",
        LinkId::Restart => "Restart",
        LinkId::WsusConfig => "WSUS configuration (WCM.log)",
        LinkId::WsusHealth => "WSUS health (WSUSCtrl.log)",
        LinkId::SiteSync => "Site synchronization",
        LinkId::ServerSync => "Software update points",
    }
}

/// Where a link stands, in a word or two (`failed`, `not in these logs`).
pub fn link_state(s: LinkState) -> &'static str {
    match s {
        LinkState::Failed => "failed",
        LinkState::Off => "off",
        LinkState::Waiting => "waiting",
        LinkState::Running => "still running when the logs end",
        LinkState::Ok => "ok",
        LinkState::NotReached => "not reached",
        LinkState::NotInLogs => "not in these logs",
    }
}

/// The logs that show a link, by name (`CAS.log, ContentTransferManager.log or
/// DataTransferService.log`).
fn witnesses(id: LinkId) -> String {
    let names: Vec<String> = crate::diagnose::link_witnesses(id).iter().map(|k| format!("{}.log", file_name(*k))).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// A log kind's usual file name, without `.log`.
fn file_name(k: LogKind) -> &'static str {
    match k {
        LogKind::UpdatesDeployment => "UpdatesDeployment",
        LogKind::ScanAgent => "ScanAgent",
        LogKind::WuaHandler => "WUAHandler",
        LogKind::UpdatesStore => "UpdatesStore",
        LogKind::ContentAccess => "CAS",
        LogKind::ContentTransferManager => "ContentTransferManager",
        LogKind::DataTransferService => "DataTransferService",
        LogKind::ServiceWindowManager => "ServiceWindowManager",
        LogKind::Wcm => "WCM",
        LogKind::WsusCtrl => "WSUSCtrl",
        LogKind::WsyncMgr => "wsyncmgr",
        LogKind::LocationServices => "LocationServices",
        LogKind::RebootCoordinator => "RebootCoordinator",
        LogKind::Ccmsetup => "ccmsetup",
        other => other.id(),
    }
}

/// One link in a sentence.
pub fn link_summary(l: &Link) -> String {
    use LinkFact as F;
    if l.state == LinkState::NotInLogs {
        if l.given {
            return format!("No line of it in {}.", witnesses(l.id));
        }
        return format!("Not in these logs: {} would show it.", witnesses(l.id));
    }
    match (&l.fact, l.state) {
        (F::PolicyOff { lines, since }, _) => {
            let since = since.as_deref().map(|t| format!(" from {}", when(t))).unwrap_or_default();
            format!(
                "Off: {} say{since} that the Software Updates client policy has not arrived or that the feature is disabled.",
                counted(*lines, "line", "lines")
            )
        }
        (F::PolicyOn { enabled, scanned, deployed }, _) => {
            let said: Vec<&str> =
                [(*enabled, "turned its Software Updates feature on"), (*scanned, "scanned for updates"), (*deployed, "has updates deployed to it")]
                    .into_iter()
                    .filter_map(|(yes, what)| yes.then_some(what))
                    .collect();
            let said = match said.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => said.concat(),
            };
            format!("On: the client {said}.")
        }
        (F::NoRestartPending { installed }, _) => format!("No restart pending for the {} installed.", counted(*installed, "update", "updates")),
        (F::Scan { step, codes, .. }, LinkState::Failed) => {
            let codes = if codes.is_empty() { String::new() } else { format!(" with {}", codes.join(", ")) };
            format!("The latest scan failed at \"{}\"{codes}.", step.unwrap_or("a step"))
        }
        (F::Scan { step, .. }, LinkState::Running) => format!("The latest scan is at \"{}\" when the logs end.", step.unwrap_or("a step")),
        (F::Scan { complete: true, .. }, _) => "The latest scan completed.".into(),
        (F::Scan { step: Some(step), .. }, _) => format!("No step of the latest scan failed; the logs confirm it up to \"{step}\"."),
        (F::Scan { .. }, _) => "No step of the latest scan failed.".into(),
        (F::Updates { n, .. }, _) if l.id == LinkId::Deployment => format!("{} targeted to this client.", counted(*n, "deployed update", "deployed updates")),
        (F::Updates { n, of, kb, code, open_ms }, state) => updates(l.id, state, *n, *of, kb.as_deref(), code.as_deref(), *open_ms),
        (F::Contents { failed, waiting, stalled, downloading, done, code }, _) => {
            let mut parts = Vec::new();
            if *failed > 0 {
                let code = code.map(|c| format!(" (0x{c:08X})")).unwrap_or_default();
                parts.push(format!("{} failed to download{code}", counted(*failed, "content", "contents")));
            }
            if *waiting > 0 {
                parts.push(format!("{} waiting for a distribution point", counted(*waiting, "content", "contents")));
            }
            if *stalled > 0 {
                parts.push(format!("{} with no download progress for an hour or more", counted(*stalled, "content", "contents")));
            }
            if *downloading > 0 {
                parts.push(format!("{} downloading", counted(*downloading, "content", "contents")));
            }
            if *done > 0 {
                parts.push(format!("{} downloaded", counted(*done, "content", "contents")));
            }
            format!("{}.", upper_first(&parts.join(", ")))
        }
        (F::Windows { waiting, next, no_updates_type, closed }, _) => {
            let kind = if *no_updates_type { " (none of the Software Updates type: the All Programs windows apply)" } else { "" };
            if *waiting > 0 {
                let next = next.as_deref().map(|t| format!("; the next window begins at {t}")).unwrap_or_default();
                format!("{} waiting for a maintenance window{kind}{next}.", counted(*waiting, "update", "updates"))
            } else {
                format!("No update waits for a window ({} found none open{kind}).", counted(*closed, "evaluation", "evaluations"))
            }
        }
        (F::Component { faults: 0, .. }, _) => "No fault in its log.".into(),
        (F::Component { faults, reason, now }, _) => {
            let latest = reason.as_deref().map(|r| format!(", the latest \"{r}\"")).unwrap_or_default();
            let when = if *now { "nothing succeeded after it" } else { "a success came after it: past" };
            format!("{}{latest}; {when}.", counted(*faults, "fault", "faults"))
        }
        (F::Runs { runs, failed, reason }, state) => {
            let latest = match (state, reason) {
                (LinkState::Failed, Some(r)) => format!(" The latest failed: \"{r}\"."),
                (LinkState::Failed, None) => " The latest failed.".into(),
                (LinkState::Running, _) => " The latest is still running when the log ends.".into(),
                _ => " The latest succeeded.".into(),
            };
            format!("{}, {failed} failed.{latest}", counted(*runs, "run", "runs"))
        }
        (F::Servers { failing, of }, _) if failing.is_empty() => {
            format!("{} synchronized; none fails now.", counted(*of, "software update point", "software update points"))
        }
        (F::Servers { failing, of }, _) => format!("{} of {of} failing now: {}.", failing.len(), failing.join(", ")),
        (F::Site { site, assigned, failures, since, past, management_point, http_errors, http }, state) => {
            let mp = management_point.as_deref().map(|m| format!(" Its management point: {m}.")).unwrap_or_default();
            let http = match http {
                Some((code, text)) if *http_errors > 0 => {
                    format!(" {} with an HTTP error, the latest {code} {text}.", counted(*http_errors, "request", "requests"))
                }
                _ => String::new(),
            };
            let site = site.as_deref().unwrap_or("its site");
            let head = match state {
                LinkState::Failed => format!(
                    "{} to assign the client to {site} failed{}, and none succeeded after.",
                    counted(*failures, "attempt", "attempts"),
                    since.as_deref().map(|t| format!(" (from {})", when(t))).unwrap_or_default()
                ),
                LinkState::Running => format!("An attempt to assign the client to {site} had no outcome when the logs end."),
                _ => match (assigned, *past) {
                    (Some(a), 0) => format!("The client may be assigned to {a}: its version was verified."),
                    (Some(a), p) => format!("The client may be assigned to {a}, after {} that failed (past).", counted(p, "attempt", "attempts")),
                    (None, _) => "No assignment attempt in these logs.".to_string(),
                },
            };
            format!("{head}{mp}{http}")
        }
        (F::Reboot { agent, deadline, initiated, window_allowed, ignore_window }, _) => {
            let by = agent.as_deref().map(|a| format!(" by {a}")).unwrap_or_default();
            let deadline = deadline.as_deref().map(|d| format!(", deadline {d}")).unwrap_or_default();
            let window = if *window_allowed { ", in a maintenance window" } else { "" };
            let ignore = if *ignore_window { " The deployment may restart outside maintenance windows." } else { "" };
            match initiated {
                Some(t) => format!("A restart scheduled{by}{deadline} began at {}{window}.{ignore}", when(t)),
                None => format!("A restart scheduled{by}{deadline} had not begun when the logs end.{ignore}"),
            }
        }
        (F::None, LinkState::NotReached) => not_reached(l.id).into(),
        (F::None, s) => format!("{}.", upper_first(link_state(s))),
    }
}

fn not_reached(id: LinkId) -> &'static str {
    match id {
        LinkId::Scan => "No scan was requested in these logs.",
        LinkId::Deployment => "No deployment targets an update to this client in these logs.",
        LinkId::Install => "No install of a deployed update began in these logs.",
        LinkId::SiteSync | LinkId::ServerSync => "No synchronization run in this log.",
        _ => "Not reached in these logs.",
    }
}

fn updates(id: LinkId, state: LinkState, n: usize, of: usize, kb: Option<&str>, code: Option<&str>, open_ms: Option<i64>) -> String {
    let which = kb.map(|k| format!(" ({k}{})", if n > 1 { " and more" } else { "" })).unwrap_or_default();
    let many = format!("{} of {of}{which}", n);
    match (id, state) {
        (LinkId::Install, LinkState::Failed) => format!("{many} failed to install{}.", code.map(|c| format!(", the latest with {c}")).unwrap_or_default()),
        (LinkId::Install, _) if state == LinkState::Running => {
            let open = open_ms.filter(|&t| t >= 60_000).map(|t| format!(", {} before the logs end", duration(t))).unwrap_or_default();
            format!("{many} installing{open}.")
        }
        (LinkId::Install, _) => format!("{many} installed."),
        (LinkId::Restart, LinkState::Waiting) => format!("{many} installed and waiting for a restart."),
        (LinkId::Restart, _) => format!("{many} finished after a restart."),
        _ => format!("{many}."),
    }
}
