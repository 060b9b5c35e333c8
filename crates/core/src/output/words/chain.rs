//! The ConfigMgr chain around the scan in words (`diagnose/chain.rs` found the facts): the
//! client's Software Updates feature, the site's software update point synchronization and
//! WSUS's configuration and health.

use crate::diagnose::{ComponentFaults, ContentJob, ContentState, Found, RestartSchedule, ServerSync, ServiceWindows, SiteAssignment, SiteSync};
use crate::model::{counted, LinkState, LogKind};

/// A time as the log wrote it (`2024-05-18T21:22:59.243+07:00`), as a person reads it:
/// `2024-05-18 21:22:59`.
fn at(t: &Option<String>) -> String {
    t.as_deref().map(|t| t.get(..19).unwrap_or(t).replace('T', " ")).unwrap_or_else(|| "a time the log does not give".to_string())
}

/// The chain's findings in words; `None` for any other finding.
pub fn chain_words(said: &Found) -> Option<String> {
    Some(match said {
        Found::SoftwareUpdatesOff { lines, first, last, mp } => {
            let span = if first == last { format!("at {}", at(first)) } else { format!("from {} to {}", at(first), at(last)) };
            let mp = if mp.lines > 0 {
                let status = mp.status.as_ref().map(|(c, t)| format!(", the latest answer HTTP {c} {t}")).unwrap_or_default();
                let code = if mp.transient { " (0x87D00231)" } else { "" };
                format!(
                    " The management point failed the client's requests {} from {} to {}{status}{code}: the likely reason the policy never arrived (CcmMessaging.log).",
                    counted(mp.lines, "time", "times"),
                    at(&mp.first),
                    at(&mp.last)
                )
            } else {
                String::new()
            };
            format!(
                "Software updates are off on this client: {} {span} that its Software Updates policy has not arrived or that the feature is disabled, and no update scan was requested in these logs. Nothing here failed; the client was never told to scan.{mp}",
                counted(*lines, "line says", "lines say")
            )
        }
        Found::SiteSync(s) => site_sync(s),
        Found::SiteFaults(faults) => faults.iter().map(component).collect::<Vec<_>>().join(" "),
        Found::ServiceWindows(w) => windows(w),
        Found::Content { jobs, .. } => contents(jobs),
        Found::SiteAssignment(s) => site_assignment(s),
        Found::RestartSchedule(r) => restart(r),
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
        Found::SiteAssignment(s) if s.link_state() == LinkState::Failed => Some(site_assignment(s)),
        Found::RestartSchedule(r) if r.link_state() == LinkState::Waiting => Some(restart(r)),
        Found::Content { jobs, .. } => {
            // The first content in the worst state, where that is a failure or a wait.
            let now = jobs.iter().min_by_key(|j| j.link_state()).filter(|j| matches!(j.link_state(), LinkState::Failed | LinkState::Waiting))?;
            Some(content(now))
        }
        _ => None,
    }
}

/// A content by what a person knows it as: its update's KB and file, else its id.
fn content_name(j: &ContentJob) -> String {
    match (&j.kb, &j.file_name) {
        (Some(kb), Some(f)) => format!("{kb} ({f})"),
        (None, Some(f)) => format!("{f} (content {})", j.content),
        _ => format!("content {}", j.content),
    }
}

/// The host of a distribution point URL (`http://dp1.contoso.com/SMS_DP_SMSPKG$/...`).
fn host(url: &str) -> String {
    crate::read::config::parse_url(url).map_or_else(|| url.to_string(), |(_, host, _)| host)
}

/// One content's download in a sentence.
fn content(j: &ContentJob) -> String {
    let what = content_name(j);
    let from = j.source.as_deref().map(|u| format!(" from {}", host(u))).unwrap_or_default();
    let left = |open: Option<i64>| match open {
        Some(t) if t > 0 => format!(" when the logs end {} later", super::ledger::duration(t)),
        _ => " when the logs end".to_string(),
    };
    match j.state {
        ContentState::Failed => {
            let code = j.code.map(|c| format!(": 0x{c:08X}")).unwrap_or_default();
            let http = j.http.as_ref().map(|(code, status)| format!(" after the HTTP answer {code} {status}")).unwrap_or_default();
            let tries = if j.failures > 1 { format!(" ({} failures)", j.failures) } else { String::new() };
            format!("The content of {what} failed to download{from}{code}{http}, at {}{tries}; no later line downloaded it.", at(&j.at))
        }
        ContentState::NoLocations => {
            format!(
                "No distribution point offered the content of {what}: the client's location request came back empty at {}, and the download waits{}.",
                at(&j.at),
                left(j.open_ms)
            )
        }
        ContentState::Downloading if j.stalled() => {
            format!("The content of {what} started downloading{from} at {} and was still not downloaded{}.", at(&j.since), left(j.open_ms))
        }
        ContentState::Downloading => format!("The content of {what} was still downloading{from}{} (started {}).", left(j.open_ms), at(&j.since)),
        ContentState::Requested | ContentState::WaitingForLocations => {
            format!("The content of {what} was asked for at {} and had no distribution point yet{}.", at(&j.since), left(j.open_ms))
        }
        ContentState::Downloaded => format!("The content of {what} downloaded{from} at {}.", at(&j.at)),
        ContentState::Verified => format!("The content of {what} downloaded{from} and its hash was verified at {}.", at(&j.at)),
    }
}

/// Every content: those that fail or wait, one sentence each, then how many downloaded well.
fn contents(jobs: &[ContentJob]) -> String {
    let mut out: Vec<String> = jobs.iter().filter(|j| !j.state.is_done()).take(5).map(content).collect();
    let open = jobs.iter().filter(|j| !j.state.is_done()).count();
    if open > 5 {
        out.push(format!("{} more not downloaded.", counted(open - 5, "content", "contents")));
    }
    let done: Vec<&ContentJob> = jobs.iter().filter(|j| j.state.is_done()).collect();
    if done.len() == 1 {
        out.push(content(done[0]));
    } else if !done.is_empty() {
        let verified = done.iter().filter(|j| j.state == ContentState::Verified).count();
        let mut hosts: Vec<String> = done.iter().filter_map(|j| j.source.as_deref().map(host)).collect();
        hosts.sort_unstable();
        hosts.dedup();
        let hosts: Vec<&str> = hosts.iter().map(String::as_str).collect();
        let from = if hosts.is_empty() { String::new() } else { format!(" from {}", join_names(&hosts)) };
        let past: usize = done.iter().map(|j| j.failures).sum();
        let past = if past > 0 { format!(" after {} on the way", counted(past, "failure", "failures")) } else { String::new() };
        out.push(format!("{} downloaded{from}{past} ({verified} with the hash verified).", counted(done.len(), "content", "contents")));
    }
    out.join(" ")
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
    if w.waiting_now() {
        let n = w.updates_waiting();
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

/// The client's site assignment: failing now, past, or confirmed; then the locations it was given
/// and the management point's HTTP errors.
fn site_assignment(s: &SiteAssignment) -> String {
    let site = s.site.as_deref().map(|x| format!("site {x}")).unwrap_or_else(|| "its site".to_string());
    let span = |a: &Option<String>, b: &Option<String>| if a == b { format!("at {}", at(a)) } else { format!("from {} to {}", at(a), at(b)) };
    let mut out = vec![match s.link_state() {
        LinkState::Failed => format!(
            "The client could not be assigned to {site}: {} {} ended without its site version verified, and none succeeded when the logs end.",
            counted(s.failures, "attempt", "attempts"),
            span(&s.failing_since, &s.failing_last)
        ),
        LinkState::Running => format!("An attempt to assign the client to {site} had no outcome when the logs end."),
        _ => match (&s.assigned, s.past_failures) {
            (Some(a), 0) => format!("The client may be assigned to site {a}: its version was verified at {}.", at(&s.assigned_at)),
            (Some(a), p) => format!(
                "The client may be assigned to site {a}: its version was verified at {}, after {} that failed before it: past.",
                at(&s.assigned_at),
                counted(p, "attempt", "attempts")
            ),
            (None, _) => "No site assignment attempt in these logs.".to_string(),
        },
    }];
    if let Some(mp) = &s.management_point {
        out.push(format!("Its management point: {mp}."));
    }
    if let Some(w) = &s.wsus {
        out.push(format!("Its software update point: {w}."));
    }
    if s.empty_dp_lists > 0 {
        out.push(format!("{} came back with no distribution point.", counted(s.empty_dp_lists, "content location request", "content location requests")));
    }
    if let Some((code, text)) = &s.http {
        out.push(format!(
            "{} got an HTTP error, the latest {code} {text} at {}.",
            counted(s.http_errors, "management point request", "management point requests"),
            at(&s.http_at)
        ));
    }
    out.join(" ")
}

/// The latest restart software update installs asked for: scheduled by whom, its deadline,
/// begun or still pending when the logs end, then the window and grace period.
fn restart(r: &RestartSchedule) -> String {
    let mut out = Vec::new();
    let began = r.initiated_at.as_ref().map(|_| format!("began at {}", at(&r.initiated_at)));
    if r.scheduled > 0 {
        let by = r.agent.as_deref().map(|a| format!(" by {a}")).unwrap_or_default();
        let deadline = r.deadline.as_deref().map(|d| format!(" with the deadline {d} (local time)")).unwrap_or_default();
        let now = began.unwrap_or_else(|| "is still pending when the logs end".to_string());
        out.push(format!("The restart scheduled{by} at {}{deadline} {now}.", at(&r.scheduled_at)));
        if r.window_allowed {
            out.push("A maintenance window allowed it.".to_string());
        }
        if let Some(g) = r.grace_s {
            out.push(format!("The user was given {g} seconds."));
        }
    } else if let Some(b) = began {
        out.push(format!("A restart {b}."));
    }
    if r.ignore_window == Some(true) {
        out.push("The deployment may restart outside maintenance windows (Ignore reboot Window = True).".to_string());
    }
    out.join(" ")
}
