//! Windows Update for Business reports beside the logs: an alert, the cause the machine's logs
//! give, and what to collect from a device that has alerts and no logs.

/// The artifacts (`collect/artifacts.toml`) to ask of a device the reports alert on and whose
/// logs are not in the fleet: the agent's own log, the event logs that record its installs, the
/// policy and proxy it works under, and the Intune update ring a WUfB device is usually given.
pub const WITHOUT_LOGS_ARTIFACTS: &[&str] = &["windows_update_traces", "event_logs", "update_policy", "winhttp_proxy", "intune_diagnostics"];

/// The heading of the text's section.
pub fn heading(alerts: usize, exports: usize) -> String {
    format!("Windows Update for Business alerts ({alerts} from {})", crate::model::counted(exports, "export", "exports"))
}

/// `UCUpdateAlert ClientUpdateAlert DiskFull, 0x80070070 (ERROR_DISK_FULL), Active since 2026-11-20 10:00:00`.
pub fn alert(table: &str, alert_type: &str, subtype: &str, code: &str, symbol: &str, status: &str, start: &str) -> String {
    let mut s = [table, alert_type, subtype].iter().filter(|x| !x.is_empty()).copied().collect::<Vec<_>>().join(" ");
    if !code.is_empty() {
        s.push_str(&if symbol.is_empty() { format!(", {code}") } else { format!(", {code} ({symbol})") });
    }
    if !status.is_empty() {
        s.push_str(&format!(", {status}"));
    }
    if !start.is_empty() {
        s.push_str(&format!(" since {start}"));
    }
    s
}

/// What the machine's logs say beside the alert: `its logs: failed at Windows Update search,
/// 0x8024401B (WU_E_...), proxy error`, or no failure, or why they could not be read.
pub fn log_cause(status: &str, configmgr_scan: bool, failed_at: &str, root_code: &str, root_symbol: &str, finding_title: &str, problem: &str) -> String {
    match status {
        "failed" => {
            let mut parts = vec![format!("failed at {}", if failed_at.is_empty() { "an unnamed step" } else { failed_at })];
            if !root_code.is_empty() {
                parts.push(if root_symbol.is_empty() { root_code.to_string() } else { format!("{root_code} ({root_symbol})") });
            }
            if !finding_title.is_empty() {
                parts.push(finding_title.to_string());
            }
            format!("its logs: {}", parts.join(", "))
        }
        "unreadable" => format!("its logs could not be read: {problem}"),
        other => {
            let status = match other {
                // A ConfigMgr client scan completed; Windows Update's own searches are no scan.
                "ok" if configmgr_scan => "scan completed, no failure",
                "ok" => "no failure",
                "incomplete" => "no failure found, some steps not in the logs",
                "no_scan" => "no scan in them",
                other => other,
            };
            // A machine with no failure may still hold what explains the alert.
            match finding_title {
                "" => format!("its logs: {status}"),
                f => format!("its logs: {status}; finding: {f}"),
            }
        }
    }
}

/// How an alert found its machine: `by name`, `by Entra device id`.
pub fn joined_by(by: &str) -> &'static str {
    match by {
        "entra_id" => "by Entra device id",
        _ => "by name",
    }
}

/// A device as the exports name it: its name, or where they give none, its Entra device id.
pub fn device_label(device: &str, entra_id: &str) -> String {
    match (device.trim(), entra_id.trim()) {
        ("", "") => "a device the export does not name".to_string(),
        ("", id) => format!("the device with Entra device id {id} (no name in the exports)"),
        (name, _) => name.to_string(),
    }
}

/// What to do about a device with alerts and no logs, before the artifacts' list.
pub fn collect_lead(device: &str) -> String {
    format!("collect the logs of {device}: run `wulens collect` on it (one zip), or the commands of `wulens collect-help`, and add the zip to the fleet")
}

/// An export that could not be read, or was no export.
pub fn not_an_export(file: &str) -> String {
    format!("{file}: not a Windows Update for Business reports export (its columns are none of UCDeviceAlert, UCUpdateAlert or UCClientUpdateStatus)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_and_the_logs_beside_it() {
        assert_eq!(
            alert("UCUpdateAlert", "ClientUpdateAlert", "DiskFull", "0x80070070", "ERROR_DISK_FULL", "Active", "2026-11-20 10:00"),
            "UCUpdateAlert ClientUpdateAlert DiskFull, 0x80070070 (ERROR_DISK_FULL), Active since 2026-11-20 10:00"
        );
        assert_eq!(alert("UCDeviceAlert", "", "EndOfService", "", "", "", ""), "UCDeviceAlert EndOfService");
        assert_eq!(
            log_cause("failed", false, "Windows Update search", "0x8024401B", "", "Proxy error", ""),
            "its logs: failed at Windows Update search, 0x8024401B, Proxy error"
        );
        assert_eq!(log_cause("unreadable", false, "", "", "", "", "not a zip"), "its logs could not be read: not a zip");
        assert_eq!(log_cause("ok", true, "", "", "", "The ring pauses updates", ""), "its logs: scan completed, no failure; finding: The ring pauses updates");
        // Windows Update's own searches found no failure: no ConfigMgr scan is said to have run.
        assert_eq!(log_cause("ok", false, "", "", "", "The ring pauses updates", ""), "its logs: no failure; finding: The ring pauses updates");
        assert_eq!(device_label("PC-9", "e-9"), "PC-9");
        assert_eq!(device_label(" ", "e-9"), "the device with Entra device id e-9 (no name in the exports)");
        assert_eq!(device_label("", ""), "a device the export does not name");
    }
}
