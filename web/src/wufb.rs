//! The fleet page's Windows Update for Business reports: the words of the section that only the
//! page says. Pure, tested natively; which files are exports is core's drop plan
//! (`wulens_core::input::plan`, by their first bytes, never by name), the join and its sentences are
//! core's (`WufbSection`, `output/words/wufb.rs`).

use wulens_core::wufb::{WufbAlert, WufbSection, WufbStatus};

use crate::fleet::state_label;
use wulens_core::model::counted;

/// `4 alerts from 3 exports: 3 beside their machine's logs, 1 on a device with no logs here.`
pub fn summary(w: &WufbSection) -> String {
    let joined = w.alerts.iter().filter(|a| !a.machine.is_empty()).count();
    let mut s = format!("{} from {}", counted(w.alerts.len(), "alert", "alerts"), counted(w.exports.len(), "export", "exports"));
    if !w.alerts.is_empty() {
        s.push_str(&format!(": {} beside their machine's logs", joined));
        let apart = w.alerts.len() - joined;
        if apart > 0 {
            s.push_str(&format!(", {apart} on {} with no logs here", counted(w.without_logs.len(), "device", "devices")));
        }
    }
    if !w.statuses.is_empty() {
        s.push_str(&format!("; {}", counted(w.statuses.len(), "update status", "update statuses")));
    }
    s.push('.');
    s
}

/// `wufb-update-alerts.csv (UCUpdateAlert, 2 records)`, each export read.
pub fn exports_words(w: &WufbSection) -> Vec<String> {
    w.exports.iter().map(|x| format!("{} ({}, {})", x.file, x.table, counted(x.records, "record", "records"))).collect()
}

/// What the alert is: `ClientUpdateAlert · DownloadFailure`.
pub fn alert_kind(a: &WufbAlert) -> String {
    [a.alert_type.as_str(), a.alert_subtype.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · ")
}

/// Its status and since when: `Active since 11/20/2026, 7:58:12.000 AM`.
pub fn alert_when(a: &WufbAlert) -> String {
    match (a.status.is_empty(), a.start_time.is_empty()) {
        (false, false) => format!("{} since {}", a.status, a.start_time),
        (false, true) => a.status.clone(),
        (true, false) => format!("since {}", a.start_time),
        (true, true) => String::new(),
    }
}

/// What the reports say of an update: `Installing · DownloadStart, 2026-11-20T07:40:00Z`.
pub fn reported_state(s: &WufbStatus) -> String {
    let state = [s.client_state.as_str(), s.client_substate.as_str()];
    let mut words = state.iter().filter(|x| !x.is_empty()).copied().collect::<Vec<_>>();
    words.dedup();
    let words = words.join(" · ");
    if s.time.is_empty() {
        words
    } else {
        format!("{words}, {}", s.time)
    }
}

/// What the machine's own logs say of the same update: its ledger state (`Failing 0x80070643`),
/// or that they do not name it, or that the fleet has no logs of the device.
pub fn logged_state(s: &WufbStatus) -> String {
    match (s.machine.is_empty(), s.log_state.as_str()) {
        (true, _) => "No logs of this device in the fleet".into(),
        (false, "") => "Its logs do not name this update".into(),
        (false, state) if s.log_code.is_empty() => state_label(state).to_string(),
        (false, state) => format!("{} {}", state_label(state), s.log_code),
    }
}

/// A sentence of core's with `code` spans (`run \`wulens collect\` on it`), capitalised: its
/// parts, each `(is code, text)`, to render the code as code.
pub fn code_spans(sentence: &str) -> Vec<(bool, String)> {
    let mut c = sentence.chars();
    let s: String = c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default();
    s.split('`').enumerate().filter(|(_, t)| !t.is_empty()).map(|(i, t)| (i % 2 == 1, t.to_string())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_in_words() {
        let rows = vec![wulens_core::fleet::MachineRow { machine: "PC-1".into(), status: "failed".into(), ..Default::default() }];
        let csv = "AlertId,AlertType,AlertSubtype,AlertStatus,DeviceName,StartTime [UTC]\na1,ClientUpdateAlert,DownloadFailure,Active,pc-1,2026-11-20\na2,ClientDeviceAlert,DiskFull,,PC-9,\n";
        let status = "DeviceName,TargetKBNumber,ClientState,ClientSubstate,ClientSubstateTime\nPC-1,KB1,Installing,DownloadStart,2026-11-20T07:40Z\nPC-9,KB1,Installed,Installed,\n";
        let x = [wulens_core::wufb::read("a.csv", csv.as_bytes()).unwrap().unwrap(), wulens_core::wufb::read("s.csv", status.as_bytes()).unwrap().unwrap()];
        let w = WufbSection::join(&rows, &x, Vec::new());
        assert_eq!(summary(&w), "2 alerts from 2 exports: 1 beside their machine's logs, 1 on 1 device with no logs here; 2 update statuses.");
        assert_eq!(exports_words(&w), ["a.csv (UCDeviceAlert, 2 records)", "s.csv (UCClientUpdateStatus, 2 records)"]);
        assert_eq!(
            (alert_kind(&w.alerts[0]), alert_when(&w.alerts[0])),
            ("ClientUpdateAlert · DownloadFailure".to_string(), "Active since 2026-11-20".to_string())
        );
        assert_eq!(alert_when(&w.alerts[1]), "");
        assert_eq!(reported_state(&w.statuses[0]), "Installing · DownloadStart, 2026-11-20T07:40Z");
        assert_eq!(reported_state(&w.statuses[1]), "Installed");
        assert_eq!(logged_state(&w.statuses[0]), "Its logs do not name this update");
        assert_eq!(logged_state(&w.statuses[1]), "No logs of this device in the fleet");
        let failing = WufbStatus { machine: "PC-1".into(), log_state: "failing".into(), log_code: "0x80070643".into(), ..w.statuses[0].clone() };
        assert_eq!(logged_state(&failing), "Failing 0x80070643");
        let advice = &w.without_logs[0].advice;
        let spans = code_spans(advice);
        assert!(spans[0].1.starts_with("Collect the logs of PC-9"), "{advice}");
        assert!(spans.contains(&(true, "wulens collect".to_string())), "{spans:?}");
        let empty = WufbSection::join(&rows, &x[..1], Vec::new());
        assert!(summary(&empty).ends_with("no logs here."), "{}", summary(&empty));
    }
}
