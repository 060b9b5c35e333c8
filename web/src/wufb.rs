//! The fleet page's Windows Update for Business reports: which files of a drop may be exports
//! (the worker then tells by their first bytes, core's `wufb::looks_like`: by content, never by
//! name), the drop's machines once its exports are set apart, and the words of the section that
//! only the page says. Pure, tested natively; the join and its sentences are core's
//! (`WufbSection`, `output/words/wufb.rs`).

use std::collections::HashSet;

use wulens_core::bundles::{self, Bundle};
use wulens_core::{WufbAlert, WufbSection, WufbStatus};

use crate::fleet::{fleet_in_zip, fleet_of, state_label, Inner};

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// The files that may be exports: at the top of the drop, or beside bundles (in a folder that
/// holds a zip, a cab or a folder) no deeper than a folder of bundles wrapped in a dropped
/// folder (`share/fleet/alerts.json`). A zip or a cab is a bundle, never an export. The paths
/// are a drop's, or a zip's members.
pub fn candidates(paths: &[String]) -> Vec<usize> {
    let mut holds_bundles: HashSet<&str> = HashSet::new();
    for p in paths {
        if bundles::is_archive_name(p) {
            holds_bundles.insert(parent(p));
        }
        let mut folder = parent(p);
        while !folder.is_empty() {
            holds_bundles.insert(parent(folder));
            folder = parent(folder);
        }
    }
    (0..paths.len())
        .filter(|&i| {
            let p = paths[i].as_str();
            !bundles::is_archive_name(p) && (!p.contains('/') || (p.matches('/').count() <= 2 && holds_bundles.contains(parent(p))))
        })
        .collect()
}

/// The machines of a drop whose files `exports` (indices into `paths`) are exports: its bundles
/// as the rule finds them without the exports; one machine's logs beside exports are a fleet of
/// that one machine (its alerts join it), and exports alone a fleet of none (every device
/// without logs). `None`: no export and one machine's logs, whose report opens as before.
pub fn machines_of(paths: &[String], exports: &[usize]) -> Option<Vec<Bundle>> {
    if exports.is_empty() {
        return fleet_of(paths);
    }
    let rest: Vec<usize> = (0..paths.len()).filter(|i| !exports.contains(i)).collect();
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let rest_paths: Vec<String> = rest.iter().map(|&i| paths[i].clone()).collect();
    let remap = |b: Bundle| Bundle { files: b.files.iter().map(|&j| rest[j]).collect(), ..b };
    if let Some(found) = fleet_of(&rest_paths) {
        return Some(found.into_iter().map(remap).collect());
    }
    let mut found = bundles::bundles(&rest_paths);
    let one = match found.len() {
        1 => found.remove(0),
        _ => Bundle { machine: "dropped files".into(), path: String::new(), files: (0..rest.len()).collect() },
    };
    Some(vec![remap(one)])
}

/// The machines inside the zip `zip` whose members `exports` are exports: a zip of bundles
/// without them (`None`: one machine's zip, whose report opens as before).
pub fn machines_in_zip(zip: &str, entries: &[String], exports: &[String]) -> Option<Vec<Inner>> {
    let rest: Vec<String> = entries.iter().filter(|e| !exports.contains(e)).cloned().collect();
    fleet_in_zip(zip, &rest)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `4 alerts from 3 exports: 3 beside their machine's logs, 1 on a device with no logs here.`
pub fn summary(w: &WufbSection) -> String {
    let joined = w.alerts.iter().filter(|a| !a.machine.is_empty()).count();
    let mut s = format!("{} from {}", plural(w.alerts.len(), "alert", "alerts"), plural(w.exports.len(), "export", "exports"));
    if !w.alerts.is_empty() {
        s.push_str(&format!(": {} beside their machine's logs", joined));
        let apart = w.alerts.len() - joined;
        if apart > 0 {
            s.push_str(&format!(", {apart} on {} with no logs here", plural(w.without_logs.len(), "device", "devices")));
        }
    }
    if !w.statuses.is_empty() {
        s.push_str(&format!("; {}", plural(w.statuses.len(), "update status", "update statuses")));
    }
    s.push('.');
    s
}

/// `wufb-update-alerts.csv (UCUpdateAlert, 2 records)`, each export read.
pub fn exports_words(w: &WufbSection) -> Vec<String> {
    w.exports.iter().map(|x| format!("{} ({}, {})", x.file, x.table, plural(x.records, "record", "records"))).collect()
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

    fn p(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn exports_may_lie_at_the_top_or_beside_bundles_never_inside_a_machine() {
        let paths = p(&[
            "fleet/PC-1.zip",
            "fleet/alerts.json",
            "fleet/PC-2/WindowsUpdate.log",
            "fleet/PC-2/CCM/Logs/WUAHandler.log",
            "fleet/status.ndjson",
            "loose.csv",
            "share/fleet/PC-3.zip",
            "share/fleet/more.json",
            "a/b/c/PC-4.zip",
            "a/b/c/deep.json",
        ]);
        let got: Vec<&str> = candidates(&paths).into_iter().map(|i| paths[i].as_str()).collect();
        // PC-2's own log lies beside its CCM folder: asked about (by content it is no export).
        assert_eq!(got, ["fleet/alerts.json", "fleet/PC-2/WindowsUpdate.log", "fleet/status.ndjson", "loose.csv", "share/fleet/more.json"]);
        assert!(candidates(&p(&["CCMLogs/WUAHandler.log", "CCMLogs/ScanAgent.log"])).is_empty(), "one machine's folder: nothing to ask");
    }

    #[test]
    fn exports_are_no_machine_and_the_bundles_beside_them_still_are() {
        let paths = p(&["fleet/PC-1.zip", "fleet/alerts.json", "fleet/PC-2.zip", "fleet/status.ndjson", "fleet/fleet.csv"]);
        // Today a JSON at the top is a log of the folder: the folder is one machine.
        assert!(fleet_of(&paths).is_none());
        let m = machines_of(&paths, &[1, 3]).unwrap();
        assert_eq!(m.iter().map(|b| (b.machine.as_str(), b.files.clone())).collect::<Vec<_>>(), [("PC-1", vec![0]), ("PC-2", vec![2])]);
        // One bundle beside exports: a fleet of one; exports alone: a fleet of none.
        let one = machines_of(&p(&["drop/PC-1.zip", "drop/alerts.csv"]), &[1]).unwrap();
        assert_eq!((one.len(), one[0].machine.as_str(), one[0].files.clone()), (1, "PC-1", vec![0]));
        assert_eq!(machines_of(&p(&["alerts.csv"]), &[0]), Some(Vec::new()));
        // No export: as before.
        assert!(machines_of(&p(&["WUAHandler.log", "ScanAgent.log"]), &[]).is_none());
        let entries = p(&["fleet/PC-1.zip", "fleet/PC-2.zip", "fleet/alerts.json"]);
        assert!(fleet_in_zip("f.zip", &entries).is_none(), "the JSON made the zip one machine");
        let inner = machines_in_zip("f.zip", &entries, &p(&["fleet/alerts.json"])).unwrap();
        assert_eq!(inner.iter().map(|m| m.machine.as_str()).collect::<Vec<_>>(), ["PC-1", "PC-2"]);
    }

    #[test]
    fn the_section_in_words() {
        let rows = vec![wulens_core::MachineRow { machine: "PC-1".into(), status: "failed".into(), ..Default::default() }];
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
