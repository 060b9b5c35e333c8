//! The ConfigMgr chain around the scan in words (`diagnose/chain.rs` found the facts): the
//! client's Software Updates feature, the site's software update point synchronization and
//! WSUS's configuration and health.

use crate::diagnose::{ComponentFaults, Found, ServerSync, ServiceWindows, SiteSync};
use crate::model::{counted, LogKind};

/// A time as the log wrote it (`2024-05-18T21:22:59.243+07:00`), as a person reads it:
/// `2024-05-18 21:22:59`.
fn at(t: &Option<String>) -> String {
    t.as_deref().map(|t| t.get(..19).unwrap_or(t).replace('T', " ")).unwrap_or_else(|| "a time the log does not give".to_string())
}

/// The chain's findings in words; `None` for any other finding.
pub fn chain_words(said: &Found) -> Option<String> {
    Some(match said {
        Found::SoftwareUpdatesOff { lines, first, last } => {
            let span = if first == last { format!("at {}", at(first)) } else { format!("from {} to {}", at(first), at(last)) };
            format!(
                "Software updates are off on this client: {} {span} that its Software Updates policy has not arrived or that the feature is disabled, and no update scan was requested in these logs. Nothing here failed; the client was never told to scan.",
                counted(*lines, "line says", "lines say")
            )
        }
        Found::SiteSync(s) => site_sync(s),
        Found::SiteFaults(faults) => faults.iter().map(component).collect::<Vec<_>>().join(" "),
        Found::ServiceWindows(w) => windows(w),
        _ => return None,
    })
}

/// The first screen's sentence for a chain finding failing now: what fails, since when, and
/// the reason the lines give; `None` where nothing of it fails now.
pub fn chain_headline(said: &Found) -> Option<String> {
    match said {
        Found::SiteSync(s) => {
            let failing: Vec<&ServerSync> = s.servers.iter().filter(|x| x.now).collect();
            match &s.latest {
                Some((true, t, reason)) => Some(format!(
                    "The site's software update point synchronization is failing: the latest run failed{}{}{}.",
                    t.as_ref().map(|_| format!(" at {}", at(t))).unwrap_or_default(),
                    reason.as_ref().map(|r| format!(" (\"{r}\")")).unwrap_or_default(),
                    failing
                        .first()
                        .and_then(|x| x.last_success.as_ref().map(|_| format!("; {} last synchronized at {}", x.name, at(&x.last_success))))
                        .unwrap_or_default()
                )),
                _ if !failing.is_empty() => {
                    let names: Vec<&str> = failing.iter().map(|x| x.name.as_str()).collect();
                    let since = failing.iter().filter_map(|x| x.failing_since.clone()).min();
                    let reasons: Vec<&str> = failing.iter().filter_map(|x| x.reason.as_deref()).collect();
                    let reason = match reasons.first() {
                        Some(r) if reasons.iter().all(|x| x == r) => format!(" with \"{}\"", short(r)),
                        _ => String::new(),
                    };
                    let site = match &s.latest {
                        Some((false, t, _)) => format!("; the site's own synchronization succeeded, last at {}", at(t)),
                        _ => String::new(),
                    };
                    Some(format!(
                        "{} {} to synchronize{reason} since {}{site}.",
                        join_names(&names),
                        if names.len() == 1 { "fails" } else { "fail" },
                        at(&since)
                    ))
                }
                _ => None,
            }
        }
        Found::SiteFaults(faults) => faults.iter().find(|c| c.now).map(component),
        _ => None,
    }
}

/// A reason cut at its first sentence.
fn short(r: &str) -> &str {
    r.split(". ").next().unwrap_or(r).trim_end_matches('.')
}

fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn site_sync(s: &SiteSync) -> String {
    if s.runs == 0 && s.latest.is_none() && s.servers.is_empty() {
        return "No software update point synchronization ran in these logs: the sync manager started and waited, and nothing failed.".to_string();
    }
    let mut out = Vec::new();
    let failing: Vec<&ServerSync> = s.servers.iter().filter(|x| x.now).collect();
    let recovered: Vec<&ServerSync> = s.servers.iter().filter(|x| !x.now && x.failed > 0).collect();
    match &s.latest {
        Some((false, t, _)) if !failing.is_empty() => {
            out.push(format!("The site's latest synchronization said it succeeded ({}), but not every software update point did:", at(t)))
        }
        Some((false, t, _)) => out.push(format!("The site's latest synchronization succeeded ({}).", at(t))),
        Some((true, t, reason)) => out.push(format!(
            "The site's latest synchronization failed{}{}.",
            t.as_ref().map(|_| format!(" ({})", at(t))).unwrap_or_default(),
            reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
        )),
        None if s.running => out.push("A synchronization started and had no result when the log ends.".to_string()),
        None => {}
    }
    for x in &failing {
        out.push(format!(
            "{} fails{}{}, {}.",
            x.name,
            x.reason.as_ref().map(|r| format!(" with \"{r}\"")).unwrap_or_default(),
            match x.failing_since == x.last_failure {
                true => format!(" (at {})", at(&x.last_failure)),
                false => format!(" since {} (last at {})", at(&x.failing_since), at(&x.last_failure)),
            },
            match &x.last_success {
                Some(_) => format!("its last successful synchronization at {}", at(&x.last_success)),
                None => "with no successful synchronization in these logs".to_string(),
            }
        ));
    }
    for x in &recovered {
        out.push(format!("{} failed {} and synchronized again at {}.", x.name, counted(x.failed, "time", "times"), at(&x.last_success)));
    }
    let ok = s.servers.iter().filter(|x| x.failed == 0 && x.synced > 0).count();
    if ok > 0 {
        out.push(format!("{} synchronized without a failure.", counted(ok, "software update point", "software update points")));
    }
    out.push(format!("{} in these logs, {} failed.", counted(s.runs, "run", "runs"), s.failed_runs));
    out.join(" ")
}

fn windows(w: &ServiceWindows) -> String {
    let span = if w.first == w.last { format!("at {}", at(&w.first)) } else { format!("from {} to {}", at(&w.first), at(&w.last)) };
    let closed = (w.unavailable > 0).then(|| format!("{} {span} found no maintenance window open", counted(w.unavailable, "evaluation", "evaluations")));
    let kind = if w.no_updates_type { "; no window of the Software Updates type exists, so the All Programs windows apply" } else { "" };
    let next = w.next.as_ref().map(|n| format!("; the next window begins at {n}")).unwrap_or_default();
    let waiting = w.waiting > 0 || (w.unavailable > 0 && w.actionable.is_some_and(|n| n > 0));
    if waiting {
        let n = if w.waiting > 0 { w.waiting } else { w.actionable.unwrap_or(0) };
        let mut s = format!("{} for a maintenance window to install{kind}{next}.", counted(n, "deployed update waits", "deployed updates wait"));
        if let Some(c) = closed {
            s.push_str(&format!(" {}.", super::ledger::upper_first(&c)));
        }
        s
    } else if let Some(c) = closed {
        format!("{}{kind}{next}, and no update was waiting to install: routine, nothing waits.", super::ledger::upper_first(&c))
    } else {
        format!("No maintenance window of the Software Updates type exists, so the All Programs windows apply{next}. Whether updates wait for one is in UpdatesDeployment.log.")
    }
}

fn component(c: &ComponentFaults) -> String {
    let (what, ok) = match c.log {
        LogKind::Wcm => ("WSUS Configuration Manager (WCM.log)", "configured WSUS"),
        LogKind::WsusCtrl => ("WSUS Control Manager (WSUSCtrl.log)", "found WSUS healthy"),
        _ => (c.log.file_name(), "succeeded"),
    };
    let span = if c.first == c.last { format!("at {}", at(&c.first)) } else { format!("from {} to {}", at(&c.first), at(&c.last)) };
    let faults = counted(c.faults, "fault", "faults");
    if c.now {
        format!("{what} is failing: it logged {faults} {span}, the latest \"{}\", and nothing succeeded after it.", c.reason)
    } else {
        format!("{what} {ok}, last at {}. The {faults} it logged {span} came before that (the latest \"{}\"): past.", at(&c.last_ok), c.reason)
    }
}
