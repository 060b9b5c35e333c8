//! The ledger in words: how a person reads a target, a state, a step and a duration. The ledger
//! itself holds facts only; the first screen, the CLI's table and the page read these.

use crate::model::{LedgerRow, LedgerState, LifeEvent, TargetKind, UpdateClass};

/// `6 days`, `5 hours`, `42 minutes`, `30 seconds`: the largest whole unit.
pub fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (n, unit) = match s {
        s if s >= 2 * 86_400 => (s / 86_400, "day"),
        s if s >= 2 * 3600 => (s / 3600, "hour"),
        s if s >= 120 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The target in words: `the 2024-10 cumulative update KB5044273`, `the feature update to
/// version 24H2`, `the Store app Microsoft.XboxGamingOverlay`, `package KB5020683`.
pub fn target(r: &LedgerRow) -> String {
    let kb = if r.kb.is_empty() { String::new() } else { format!(" {}", r.kb) };
    let month = month_of(&r.title).map(|m| format!("{m} ")).unwrap_or_default();
    match (r.kind, r.class) {
        (TargetKind::Package, _) => format!("the servicing package {}", package_name(&r.title)),
        (TargetKind::Feature, _) => format!("the Windows feature {}", r.title),
        (_, UpdateClass::Feature) => match &r.version {
            Some(v) if v.starts_with("build ") => format!("the feature update to {v}{kb}"),
            Some(v) => format!("the feature update to version {v}{kb}"),
            None => format!("the feature update{kb}"),
        },
        (_, UpdateClass::Cumulative) => format!("the {month}cumulative update{kb}"),
        (_, UpdateClass::Security) => format!("the {month}security update{kb}"),
        (_, UpdateClass::ServicingStack) => format!("the {month}servicing stack update{kb}"),
        (_, UpdateClass::Definition) => format!("Defender's security intelligence update{kb}"),
        (_, UpdateClass::StoreApp) => format!("the Store app {}", r.title.get(13..).unwrap_or(&r.title)),
        (_, UpdateClass::Driver) => format!("the driver {}", r.title),
        _ if !r.kb.is_empty() && !r.title.is_empty() && !r.title.contains(&r.kb) => format!("{} ({})", r.title, r.kb),
        _ if !r.title.is_empty() => r.title.clone(),
        _ if !r.kb.is_empty() => format!("update {}", r.kb),
        _ => format!("update {}", r.update_id),
    }
}

/// A package as people name it: CBS's keyform (`name~token~arch~language~version`) as its name,
/// language and version, `Package_for_KB5026039 22621.1554.1.1`; any other name as it is.
fn package_name(title: &str) -> String {
    let parts: Vec<&str> = title.split('~').collect();
    match parts.as_slice() {
        [name, _token, _arch, language, version] if !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit() || b == b'.') => {
            if language.is_empty() {
                format!("{name} {version}")
            } else {
                format!("{name} ({language}) {version}")
            }
        }
        _ => title.to_string(),
    }
}

/// `2024-10 ` from `2024-10 Cumulative Update for ...`.
fn month_of(title: &str) -> Option<&str> {
    let m = title.get(..7)?;
    let b = m.as_bytes();
    (b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5..].iter().all(u8::is_ascii_digit)).then_some(m)
}

/// The state in a few words: `failing (0x80D02002)`, `stalled for 6 days`, `still running when
/// the log ends`, `installed, restart pending`, `done`, `not known from these logs`.
pub fn state(r: &LedgerRow) -> String {
    match r.state {
        LedgerState::Failing => match &r.code {
            Some(c) => format!("failing ({c})"),
            None => "failing".into(),
        },
        LedgerState::Stalled => format!("stalled for {}", duration(r.open_ms.unwrap_or(0))),
        LedgerState::Running => "still running when the log ends".into(),
        LedgerState::Waiting => {
            let what = match r.decisive_step().map(|s| s.event) {
                Some(LifeEvent::WaitingForContent) => "waiting for a distribution point to offer its content",
                _ => "waiting for a maintenance window",
            };
            match r.open_ms {
                Some(ms) if ms >= 60_000 => format!("{what} ({} when the log ends)", duration(ms)),
                _ => what.into(),
            }
        }
        LedgerState::PendingRestart => "installed, restart pending".into(),
        LedgerState::Done => match r.decisive_step().map(|s| s.event) {
            Some(LifeEvent::Superseded) => "superseded".into(),
            Some(LifeEvent::NotApplicable) => "not applicable".into(),
            _ => "installed".into(),
        },
        LedgerState::Unknown => "not known from these logs".into(),
    }
}

/// For a row these logs leave `unknown`: which logs would tell how it ended (the artifacts'
/// short names, `collect/artifacts.toml`), or that the logs that would were given and show no
/// outcome. `None` for any other state.
pub fn would_tell(r: &LedgerRow) -> Option<String> {
    if r.state != LedgerState::Unknown {
        return None;
    }
    let names: Vec<&str> = r.would_tell.iter().filter_map(|id| crate::diagnose::ARTIFACTS.iter().find(|a| a.id == id.as_str())).map(|a| a.name).collect();
    Some(match names.as_slice() {
        [] => "No outcome of it in these logs, though they include the logs that would record one.".into(),
        [one] => format!("These logs do not say how it ended: {one} would."),
        [rest @ .., last] => format!("These logs do not say how it ended: {} or {last} would.", rest.join(", ")),
    })
}

/// For a row the MDM update ring's pause holds back: `Held back by the update ring (Microsoft
/// Intune): quality updates are paused from 2026-11-02 to 2026-12-06 (MDMDiagReport.xml:12).`
pub fn held(r: &LedgerRow) -> Option<String> {
    let h = r.held.as_ref()?;
    let by = if h.server.is_empty() { String::new() } else { format!(" ({})", h.server) };
    let when = match (&h.from, &h.until) {
        (Some(a), Some(b)) => format!("from {a} to {b}"),
        _ => format!("({} = {})", h.policy, h.value),
    };
    Some(format!("Held back by the update ring{by}: {} updates are paused {when} ({}:{}).", h.updates, h.file, h.line))
}

/// A step in words: `download started`, `install failed`.
pub fn event(e: LifeEvent) -> &'static str {
    match e {
        LifeEvent::Missing => "required, not installed (ConfigMgr)",
        LifeEvent::Assigned => "deployed to this machine (ConfigMgr)",
        LifeEvent::Found => "found by a search",
        LifeEvent::DownloadStarted => "download started",
        LifeEvent::Downloaded => "downloaded",
        LifeEvent::DownloadFailed => "download failed",
        LifeEvent::InstallStarted => "install started",
        LifeEvent::Installed => "installed",
        LifeEvent::InstallFailed => "install failed",
        LifeEvent::RestartPending => "restart required",
        LifeEvent::Superseded => "superseded",
        LifeEvent::NotApplicable => "not applicable",
        LifeEvent::Cancelled => "cancelled",
        LifeEvent::Restarted => "restarted",
        LifeEvent::WaitingForWindow => "waiting for a maintenance window (ConfigMgr)",
        LifeEvent::WaitingForContent => "no distribution point offers its content (ConfigMgr)",
    }
}

/// `2024-10-09 14:03` from an evidence time as written (`2024-10-09T14:03:11.123+02:00`).
pub fn when(iso: &str) -> String {
    iso.get(..16).unwrap_or(iso).replace('T', " ")
}

/// One sentence of a failing, stalled or running target for the first screen, e.g. "The 2024-10
/// cumulative update KB5044273 started downloading on 2024-10-09 14:03 and has not finished in
/// the 6 days the log goes on."
pub fn story(r: &LedgerRow) -> Option<String> {
    let step = r.decisive_step()?;
    let at = step.evidence.time.as_deref().map(|t| format!(" on {}", when(t))).unwrap_or_default();
    // An update the logs name only by its id says so, rather than reading like a name.
    let who = if r.kb.is_empty() && r.title.is_empty() && !r.update_id.is_empty() {
        format!("The update with id {} (no KB or title in these logs)", r.update_id)
    } else {
        upper_first(&target(r))
    };
    let doing = match step.event {
        LifeEvent::DownloadStarted | LifeEvent::DownloadFailed => "download",
        _ => "install",
    };
    Some(match r.state {
        LedgerState::Stalled => {
            let verb = if doing == "download" { "started downloading" } else { "started installing" };
            format!("{who} has not finished: it {verb}{at} and no outcome follows in the {} the log goes on.", duration(r.open_ms.unwrap_or(0)))
        }
        LedgerState::Running => {
            let (began, verb) = if doing == "download" { ("started downloading", "downloading") } else { ("started installing", "installing") };
            let later = match r.open_ms {
                Some(ms) if ms >= 60_000 => format!(", {} later", duration(ms)),
                _ => String::new(),
            };
            format!("{who} {began}{at} and was still {verb} when the log ends{later}.")
        }
        LedgerState::Failing => {
            let tries = r.steps.iter().filter(|s| s.event.is_failure()).count();
            let code = r.code.as_deref().map(|c| format!(" with {c}")).unwrap_or_default();
            let all = if tries > 1 { format!(" ({tries} failures, none made good)") } else { String::new() };
            format!("{who} is failing: its latest {doing} failed{code}{at}{all}.")
        }
        _ => return None,
    })
}

pub(super) fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_the_largest_whole_unit() {
        assert_eq!(duration(6 * 86_400_000 + 5), "6 days");
        assert_eq!(duration(86_400_000), "24 hours");
        assert_eq!(duration(5 * 3_600_000), "5 hours");
        assert_eq!(duration(42 * 60_000), "42 minutes");
        assert_eq!(duration(1000), "1 second");
    }

    #[test]
    fn a_cbs_keyform_reads_as_name_and_version() {
        assert_eq!(package_name("Package_for_KB5026039~31bf3856ad364e35~amd64~~22621.1554.1.1"), "Package_for_KB5026039 22621.1554.1.1");
        assert_eq!(package_name("windows10.0-kb5020683-x64.cab"), "windows10.0-kb5020683-x64.cab");
        assert_eq!(
            package_name("Microsoft-Windows-Product-Data-21h1-EKB-Package~31bf3856ad364e35~amd64~en-US~10.0.19041.789"),
            "Microsoft-Windows-Product-Data-21h1-EKB-Package (en-US) 10.0.19041.789"
        );
    }

    #[test]
    fn an_unknown_row_names_the_logs_that_would_tell() {
        let mut r = LedgerRow {
            kind: TargetKind::Update,
            class: UpdateClass::Cumulative,
            kb: "KB5044273".into(),
            update_id: String::new(),
            revision: None,
            title: String::new(),
            version: None,
            state: LedgerState::Unknown,
            code: None,
            open_ms: None,
            decisive: None,
            steps: Vec::new(),
            joins: Vec::new(),
            would_tell: vec!["windows_update_traces".into(), "event_logs".into()],
            held: None,
        };
        assert_eq!(would_tell(&r).as_deref(), Some("These logs do not say how it ended: the Windows Update traces or the event logs would."));
        r.would_tell.clear();
        assert!(would_tell(&r).unwrap().starts_with("No outcome of it in these logs"));
        r.state = LedgerState::Done;
        assert_eq!(would_tell(&r), None);
    }
}
