//! A finding's summary in words: what a rule's join found (`Found`, in `diagnose/found.rs`) said
//! the way the report, the text and the Markdown show it.

use super::codes::describe_codes;
use crate::diagnose::{At, EventErrors, Finding, Found, PortFault, RingRival, UpdateClass};
use crate::model::time::{civil_from_days, format_iso};
use crate::model::{base_name, counted, fill_count};

/// The finding's summary: what its rule found, with the specifics (codes, servers, counts).
pub fn finding_summary(f: &Finding) -> String {
    said_words(&f.found, &f.codes)
}

/// `said` in words; `codes` are the finding's (`0x8024401B`), which some summaries name.
pub fn said_words(said: &Found, codes: &[String]) -> String {
    match said {
        Found::Template { text, n } => fill_count(text, *n),
        Found::CodeFamily { total } => family(codes, *total),
        Found::DeliveryCodes { total, failed } => {
            let then = match failed {
                0 => " No download ended with them: the agent retried or fell back to another way.".to_string(),
                n => format!(" {} failed with one of them.", counted(*n, "download", "downloads")),
            };
            family(codes, *total) + &then
        }
        Found::GpoOverride { policy, assigned, same } => match (policy, assigned) {
            (Some(g), Some(l)) if !same => {
                format!("A domain policy sets the WSUS server to {g}, but ConfigMgr's software update point for this client is {l}. The agent scans against the policy's server.")
            }
            (Some(g), Some(l)) => {
                format!("A domain policy sets the WSUS server to {g}; that is the same server ConfigMgr assigned ({l}), so the override is harmless as long as the two stay identical.")
            }
            (Some(g), None) => {
                format!("A domain policy sets the WSUS server to {g}. Unless that is exactly the software update point (name format and port), the scan fails.")
            }
            _ => "WUAHandler reports that Group Policy overwrote the WSUS settings ConfigMgr made.".to_string(),
        },
        Found::SyncSoapFault { in_call: false, times } => {
            format!("0x80244007 (a SOAP fault returned by WSUS) appears {}; when it comes from SyncUpdates_WithRecovery the known cause is a WSUS server limit (maxInstalledPrerequisites).", counted(*times, "time", "times"))
        }
        Found::SyncSoapFault { in_call: true, times } => {
            format!("SyncUpdates_WithRecovery failed with 0x80244007 ({}): WSUS rejects the client's sync with a SOAP fault, the known WSUS server limit (maxInstalledPrerequisites).", counted(*times, "time", "times"))
        }
        Found::StoreCorruption { check, failed_sessions, no_source } => {
            let mut said: Vec<String> = Vec::new();
            if let Some((found, repaired)) = check {
                said.push(format!("the last component-store check found {} and repaired {repaired}", counted(*found as usize, "corruption", "corruptions")));
            }
            if let Some((n, code)) = failed_sessions {
                said.push(format!("{} failed with {}", counted(*n, "servicing session", "servicing sessions"), describe_codes(&[hex(*code)])));
            }
            if *no_source {
                said.push("a repair found no source for the damaged files (missing replacement payload)".into());
            }
            format!("The component store is damaged: {}.", said.join("; "))
        }
        Found::RepairSourceRefused { source, refused_with, repairs, image } => {
            let why = refused_with.map(|c| format!(" with {}", describe_codes(&[hex(c)]))).unwrap_or_default();
            let given = source.as_ref().map(|s| format!(" `/Source:{s}`")).unwrap_or_default();
            let sessions = if *repairs == 1 { "a repair".to_string() } else { format!("{repairs} repairs") };
            let mut s = format!("The servicing stack refused the source{given}{why} in {sessions}, which then found no source for the damaged files (0x800F081F).");
            if *image {
                s.push_str(" An image file is named by its type and index (`esd:<file>:<index>`, `wim:<file>:<index>`), not as a folder.");
            }
            s
        }
        Found::RestartPending { lines } => format!("{} a restart is required or pending; until it happens, servicing and some scans do not complete.", counted(*lines, "line says", "lines say")),
        Found::NoWuaHandlerLog { client_logs } => format!(
            "{} given but no WUAHandler.log: the client has not run a software-update scan (or WUAHandler.log was left out of the bundle).",
            counted(*client_logs, "ConfigMgr client log was", "ConfigMgr client logs were")
        ),
        Found::WuaHandlerSilent { last_scan_line } => format!(
            "WUAHandler.log has no line for the latest scan request{}: the scan never reached the Windows Update Agent, which usually means the management point returned no software update point.",
            last_scan_line.as_ref().map(|t| format!(" (its last scan line is from {t})")).unwrap_or_default()
        ),
        Found::WsusLocationEmpty => {
            "The WSUS location reply has no location record: the management point knows no software update point for the content version the client asked for."
                .to_string()
        }
        Found::WebPageForFile { lines, hosts, status, lengths } => {
            let answer = [
                status.as_ref().map(|s| format!("`{s}`")),
                Some("`Content-Type: text/html`".to_string()),
                (!lengths.is_empty()).then(|| format!("{} bytes", lengths.join(", "))),
            ];
            format!(
                "{} the answer {} got instead of the update file: {}. A proxy, firewall or captive portal answered in place of Microsoft's content servers, and the download failed on that page ({}).",
                counted(*lines, "download job line shows", "download job lines show"),
                if hosts.is_empty() { "the server".to_string() } else { hosts.join(", ") },
                answer.into_iter().flatten().collect::<Vec<_>>().join(", "),
                describe_codes(codes)
            )
        }
        Found::SessionlessServicingErrors { lines } => format!(
            "{} of servicing with no session around them in these lines: {}. Servicing logged the failure itself; the session's start and end are not in the excerpt.",
            counted(*lines, "error line", "error lines"),
            describe_codes(codes)
        ),
        Found::ErrorsWithoutOperation { total, events } => {
            let said: Vec<String> = events.iter().take(4).map(event_errors).collect();
            format!(
                "{} with a failure code in a Windows Update log that holds no search, download or install, so no operation sums {} up: {}{}.",
                counted(*total, "error event", "error events"),
                if *total == 1 { "it" } else { "them" },
                said.join("; "),
                if events.len() > 4 { "; ..." } else { "" }
            )
        }
        Found::NoNetwork { interfaces, disconnected, since, connected, failures } => {
            let quoted = |m: &str| format!("`{m}`");
            let when = |t: &Option<String>| t.as_ref().map(|t| format!(" at {}", t.get(..19).unwrap_or(t).replace('T', " "))).unwrap_or_default();
            let lines = match interfaces {
                Some(i) => format!("{} and {}", quoted(i), quoted(disconnected)),
                None => quoted(disconnected),
            };
            let until = match connected {
                Some((m, t)) => format!(", until {}{}", quoted(m), when(t)),
                None => ", and no later line says it connected".to_string(),
            };
            format!(
                "The Windows Update agent found no network connection (the machine was offline): {lines}{}{until}. {} on its way to the update service in that time ({}) {} from that: with no network, the server's name cannot be resolved nor the server reached; {} not point at a proxy or DNS setting.",
                when(since),
                if *failures == 1 { "The failure".to_string() } else { format!("The {failures} failures") },
                describe_codes(codes),
                if *failures == 1 { "comes" } else { "come" },
                if *failures == 1 { "it does" } else { "they do" }
            )
        }
        Found::ServiceCrashedInstall { service, at_ms, update, caller, code, earlier } => {
            let time = format_iso(*at_ms, Some(0));
            format!(
                "{} stopped unexpectedly at {} UTC, in the same second as the install of {} failed{}: the install failed because the service it runs on crashed, not because of the update itself.{}",
                service.as_deref().unwrap_or("A service"),
                time.get(..19).unwrap_or(&time).replace('T', " "),
                update.as_ref().map(super::codes::update_name).unwrap_or_else(|| if caller.is_empty() { "an update".to_string() } else { caller.clone() }),
                code.map(|c| format!(" with {}", hex(c))).unwrap_or_default(),
                match earlier {
                    0 => String::new(),
                    1 => " It had crashed once before in this log.".to_string(),
                    n => format!(" It had crashed {n} times before in this log."),
                }
            )
        }
        _ => config_words(said).or_else(|| super::chain::chain_words(said)).unwrap_or_default(),
    }
}

/// What a join of the configuration given beside the logs found, in words (`None` for what the
/// logs alone found, which `said_words` words).
fn config_words(said: &Found) -> Option<String> {
    Some(match said {
        Found::GpoMismatch { policy, assigned } => format!(
            "The policy on this client says WUServer = {} ({}), but ConfigMgr's software update point is {} ({}). A Group Policy overrides the local policy ConfigMgr writes, and the agent scans against the policy's server.",
            policy.value,
            at(&At::of(policy)),
            assigned.value,
            at(&At::of(assigned))
        ),
        Found::UseWuServerOff { setting, policy_file, public_service } => {
            let mut s = match setting {
                Some(s) => format!("UseWUServer is {} ({}): the agent ignores WUServer and does not scan against WSUS.", s.value, at(&At::of(s))),
                None => format!(
                    "The policy{} has no UseWUServer value under ...\\WindowsUpdate\\AU: without UseWUServer = 1 the agent does not use WSUS.",
                    policy_file.as_ref().map(|f| format!(" ({})", base_name(f))).unwrap_or_default()
                ),
            };
            if *public_service {
                s.push_str(" WindowsUpdate.log confirms it: the agent talks to Windows Update.");
            }
            s
        }
        Found::WsusPort { urls } => {
            let what: Vec<String> = urls
                .iter()
                .map(|(url, fault)| match fault {
                    PortFault::NoPort => format!("{url} has no port"),
                    PortFault::Port(port) => format!("{url} uses port {port}"),
                    PortFault::NotUrl => format!("{url} is not a URL"),
                })
                .collect();
            format!("{}. WSUS uses 80/443 or 8530/8531, and the URL must carry the software update point's port.", what.join("; "))
        }
        Found::ProxyBlocksWsus { servers, not_bypassed, code } => {
            let mut parts = vec![format!("WinHTTP sends traffic through {}", servers.join(", "))];
            if let Some((h, bypass)) = not_bypassed {
                parts.push(format!("the WSUS server {h} is not in the bypass list ({})", if bypass.is_empty() { "empty".to_string() } else { bypass.join(";") }));
            }
            if let Some(c) = code {
                parts.push(format!("and the scan fails with {}", hex(*c)));
            }
            format!("{}.", parts.join(", "))
        }
        Found::DirectNetworkErrors { code } => format!(
            "WinHTTP goes direct (no proxy) and the scan fails with {}: the client cannot resolve or reach the update server on its own; a DNS or firewall problem, or a network that needs a proxy.",
            hex(*code)
        ),
        Found::RingPaused { by, pauses, at: line, logs_end_day, found_none } => {
            let what: Vec<String> = pauses.iter().map(|(c, days)| format!("{} updates {}", class(*c), pause_window(*days))).collect();
            let mut s = format!(
                "The MDM update ring{} pauses {} ({}): while a pause lasts (35 days from its start), Windows Update offers this device no {} update.",
                set_by(by),
                what.join(", and "),
                at(line),
                pauses.iter().map(|(c, _)| class(*c)).collect::<Vec<_>>().join(" or ")
            );
            if let Some(d) = logs_end_day {
                s.push_str(&format!(" The logs end on {}, inside the pause.", ymd(*d)));
            }
            if let Some(l) = found_none {
                s.push_str(&format!(" The agent's searches found nothing to install ({}).", at(l)));
            }
            s
        }
        Found::RingDeferred { by, days, at: line, feature_days, found_none } => format!(
            "The MDM update ring{} defers quality updates {days} days ({}){}: Windows Update offers a cumulative or security update to this device {days} days after its release, so a search before then finds none, as the agent's latest search did ({}).",
            set_by(by),
            at(line),
            feature_days.map(|d| format!("; feature updates are deferred {d} days")).unwrap_or_default(),
            at(found_none)
        ),
        Found::RingTwoServices { by, url, rival, other } => format!(
            "The MDM update ring{} points the agent at {} (UpdateServiceUrl, {}), but {} is {} ({}): the device is given two update services, and it scans the one whose policy wins.",
            set_by(by),
            url.value,
            at(&At::of(url)),
            match rival {
                RingRival::GroupPolicy => "a Group Policy (WUServer)",
                RingRival::ConfigMgr => "ConfigMgr's software update point",
            },
            other.value,
            at(&At::of(other))
        ),
        Found::RingAgainstWsusPolicy { by, policy, at: line, wsus } => format!(
            "The MDM update ring{} manages updates from Windows Update ({policy}, {}), but a Group Policy points the agent at WSUS {} with UseWUServer = 1 ({}): the agent scans WSUS, and the ring's deferrals and pauses only govern what it gets from Windows Update.",
            set_by(by),
            at(line),
            wsus.value,
            at(&At::of(wsus))
        ),
        _ => return None,
    })
}

/// `This code was seen 3 times: 0x80072EE2 (WININET_E_TIMEOUT).`
fn family(codes: &[String], total: usize) -> String {
    format!("{} seen {}: {}.", if codes.len() == 1 { "This code was" } else { "These codes were" }, counted(total, "time", "times"), describe_codes(codes))
}

/// `TaskCreateFailed ×2 (0x80070005 (E_ACCESSDENIED))`: the first three codes.
fn event_errors(e: &EventErrors) -> String {
    let hex: Vec<String> = e.codes.iter().take(3).map(|&c| hex(c)).collect();
    format!("{} ×{} ({})", if e.event.is_empty() { "-" } else { &e.event }, e.count, describe_codes(&hex))
}

/// `WindowsUpdate.log line 5`.
fn at(l: &At) -> String {
    format!("{} line {}", base_name(&l.file), l.line)
}

/// ` (set by Microsoft Intune)`, where the report names the server.
fn set_by(by: &Option<String>) -> String {
    by.as_ref().map(|s| format!(" (set by {s})")).unwrap_or_default()
}

fn class(c: UpdateClass) -> &'static str {
    match c {
        UpdateClass::Quality => "quality",
        UpdateClass::Feature => "feature",
    }
}

/// `from 2026-11-02 to 2026-12-06`, or `(no start date given)`.
pub fn pause_window(days: Option<(i64, i64)>) -> String {
    match days {
        Some((a, b)) => format!("from {} to {}", ymd(a), ymd(b)),
        None => "(no start date given)".into(),
    }
}

/// An MDM ring's `AllowAutoUpdate` value in words (Policy CSP, Update/AllowAutoUpdate).
pub fn auto_update(value: &str) -> Option<&'static str> {
    Some(match value.trim() {
        "0" => "notify before downloading",
        "1" => "install automatically, the user schedules the restart",
        "2" => "install and restart automatically (the default)",
        "3" => "install and restart at a scheduled time",
        "4" => "install and restart automatically, without user control",
        "5" => "automatic updates turned off",
        _ => return None,
    })
}

/// Why an MDM diagnostics report's update ring is not shown: its XML does not read (`error`, the
/// reader's).
pub fn unreadable_ring(error: &str) -> String {
    format!("is an MDM diagnostics report that cannot be read as XML ({error}); its update ring is not shown")
}

/// A day (since 1970-01-01) as `yyyy-mm-dd`.
fn ymd(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

fn hex(c: u32) -> String {
    format!("0x{c:08X}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Setting;

    fn setting(value: &str, file: &str, line: u32) -> Setting {
        Setting { value: value.into(), file: file.into(), line }
    }

    #[test]
    fn a_rule_template_is_filled_with_its_count() {
        assert_eq!(said_words(&Found::Template { text: "{n} {line says|lines say} so.", n: 3 }, &[]), "3 lines say so.");
        assert_eq!(said_words(&Found::Template { text: "{n} {line says|lines say} so.", n: 1 }, &[]), "1 line says so.");
    }

    #[test]
    fn a_code_family_says_one_code_or_several() {
        let one = ["0x8024401B".to_string()];
        assert!(said_words(&Found::CodeFamily { total: 2 }, &one).starts_with("This code was seen 2 times: 0x8024401B ("));
        let two = ["0x80070005".to_string(), "0x12345678".to_string()];
        assert!(said_words(&Found::CodeFamily { total: 5 }, &two).starts_with("These codes were seen 5 times: 0x80070005 ("));
        assert!(said_words(&Found::DeliveryCodes { total: 1, failed: 2 }, &one).ends_with(". 2 downloads failed with one of them."));
        assert!(said_words(&Found::DeliveryCodes { total: 1, failed: 0 }, &one)
            .ends_with(". No download ended with them: the agent retried or fell back to another way."));
    }

    #[test]
    fn one_and_many_agree_with_their_verbs() {
        let offline = |failures| Found::NoNetwork { interfaces: None, disconnected: "no network".into(), since: None, connected: None, failures };
        let one = said_words(&offline(1), &[]);
        assert!(one.contains(". The failure on its way") && one.contains(") comes from that") && one.contains("; it does not point"), "{one}");
        let three = said_words(&offline(3), &[]);
        assert!(three.contains(". The 3 failures on its way") && three.contains(") come from that") && three.contains("; they do not point"), "{three}");
        let lone = said_words(&Found::ErrorsWithoutOperation { total: 1, events: Vec::new() }, &[]);
        assert!(lone.starts_with("1 error event with") && lone.contains("sums it up"), "{lone}");
        let many = said_words(&Found::ErrorsWithoutOperation { total: 2, events: Vec::new() }, &[]);
        assert!(many.starts_with("2 error events with") && many.contains("sums them up"), "{many}");
    }

    #[test]
    fn the_client_logs_without_wuahandler() {
        assert_eq!(
            said_words(&Found::NoWuaHandlerLog { client_logs: 4 }, &[]),
            "4 ConfigMgr client logs were given but no WUAHandler.log: the client has not run a software-update scan (or WUAHandler.log was left out of the bundle)."
        );
        let silent = said_words(&Found::WuaHandlerSilent { last_scan_line: Some("2024-06-14T09:40:02.469-07:00".into()) }, &[]);
        assert!(
            silent.starts_with("WUAHandler.log has no line for the latest scan request (its last scan line is from 2024-06-14T09:40:02.469-07:00): "),
            "{silent}"
        );
    }

    #[test]
    fn wsus_ports_name_each_url() {
        let urls =
            vec![("http://a".to_string(), PortFault::NoPort), ("http://b:8080".to_string(), PortFault::Port(8080)), ("b".to_string(), PortFault::NotUrl)];
        assert_eq!(
            said_words(&Found::WsusPort { urls }, &[]),
            "http://a has no port; http://b:8080 uses port 8080; b is not a URL. WSUS uses 80/443 or 8530/8531, and the URL must carry the software update point's port."
        );
    }

    #[test]
    fn a_ring_and_another_server() {
        let said = Found::RingTwoServices {
            by: None,
            url: setting("https://wsus1:8531", r"C:\x\MDMDiagReport.xml", 7),
            rival: RingRival::ConfigMgr,
            other: setting("http://sup:8530", "logs/LocationServices.log", 12),
        };
        assert_eq!(
            said_words(&said, &[]),
            "The MDM update ring points the agent at https://wsus1:8531 (UpdateServiceUrl, MDMDiagReport.xml line 7), but ConfigMgr's software update point is http://sup:8530 (LocationServices.log line 12): the device is given two update services, and it scans the one whose policy wins."
        );
    }

    #[test]
    fn a_service_crash_names_the_install() {
        let said = Found::ServiceCrashedInstall { service: None, at_ms: 0, update: None, caller: String::new(), code: Some(0x80070643), earlier: 2 };
        assert_eq!(
            said_words(&said, &[]),
            "A service stopped unexpectedly at 1970-01-01 00:00:00 UTC, in the same second as the install of an update failed with 0x80070643: the install failed because the service it runs on crashed, not because of the update itself. It had crashed 2 times before in this log."
        );
    }

    #[test]
    fn a_refused_repair_source() {
        let said = Found::RepairSourceRefused { source: Some(r"F:\sources\install.esd".into()), refused_with: None, repairs: 2, image: true };
        assert_eq!(
            said_words(&said, &[]),
            "The servicing stack refused the source `/Source:F:\\sources\\install.esd` in 2 repairs, which then found no source for the damaged files (0x800F081F). An image file is named by its type and index (`esd:<file>:<index>`, `wim:<file>:<index>`), not as a folder."
        );
    }
}
