//! Windows Update for Business reports joined to a fleet: each alert of the exports
//! (`read/wufb.rs`) beside the cause the machine's logs give, by device name (without case) or,
//! where the alert names no machine of the fleet, by the Entra device id another record of the
//! exports pairs with a machine's name; the devices with alerts and no logs, with what to collect
//! from them. `wulens fleet --format json` prints it as `wufb`, the text as its last section.

use serde::{Deserialize, Serialize};

use super::fleet::{FleetSummary, MachineRow};
use super::words::wufb as words;
use crate::read::wufb::{Export, Record, Table};

/// The exports read beside a fleet and what they join to.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct WufbSection {
    /// Each export read: its file, table, shape and records.
    pub exports: Vec<WufbExport>,
    /// Files that could not be read as exports, with why (the others are still read).
    pub problems: Vec<WufbProblem>,
    /// Each alert (UCDeviceAlert, UCUpdateAlert) beside its machine's log-derived cause; joined
    /// ones first, then by device and start time.
    pub alerts: Vec<WufbAlert>,
    /// Each update status (UCClientUpdateStatus) beside the machine's own ledger state of the KB.
    pub statuses: Vec<WufbStatus>,
    /// Devices with alerts whose logs are not in the fleet, with what to collect from them.
    pub without_logs: Vec<DeviceWithoutLogs>,
}

/// One export read.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct WufbExport {
    /// The file's name.
    pub file: String,
    /// `UCDeviceAlert`, `UCUpdateAlert` or `UCClientUpdateStatus`.
    pub table: String,
    /// `csv`, `json` or `ndjson`.
    pub shape: String,
    /// Records read from it.
    pub records: usize,
}

/// A file that could not be read as an export.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct WufbProblem {
    /// The file's name.
    pub file: String,
    /// What is wrong, naming the file and the line.
    pub problem: String,
}

/// One alert beside its machine's log-derived cause.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct WufbAlert {
    /// `DeviceName` as the export gives it (or, where it gives none, the name its Entra id pairs with).
    pub device: String,
    /// `AzureADDeviceId`.
    pub entra_id: String,
    /// `UCDeviceAlert` or `UCUpdateAlert`.
    pub table: String,
    /// `AlertId`.
    pub alert_id: String,
    /// `AlertType` (`ClientUpdateAlert`, `ServiceDeviceAlert`, ...).
    pub alert_type: String,
    /// `AlertSubtype` (`DiskFull`, ...).
    pub alert_subtype: String,
    /// `AlertClassification`: `Error`, `Warning`, `Informational`.
    pub classification: String,
    /// `AlertStatus`: `Active`, `Resolved`, `Deleted`.
    pub status: String,
    /// `ErrorCode` as `0x` and 8 hex digits where it is a code (its extended part after `_`
    /// dropped), else as written.
    pub error_code: String,
    /// The code's name from the knowledge base, else the export's `ErrorSymName`.
    pub error_symbol: String,
    /// Whether the knowledge base has an entry for `error_code`.
    pub error_in_kb: bool,
    /// `Description`, as the export words it.
    pub description: String,
    /// `Recommendation`, as the export words it.
    pub recommendation: String,
    /// `StartTime` as written (UTC).
    pub start_time: String,
    /// `file:line` of the export's record.
    pub from: String,
    /// The fleet's machine it joined, empty when none.
    pub machine: String,
    /// `device_name` or `entra_id`; empty when it joined none.
    pub joined_by: String,
    /// The machine's log-derived cause, when it joined one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<LogCause>,
}

/// What a machine's logs concluded (its fleet row).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct LogCause {
    /// The row's `status` (`failed`, `ok`, `incomplete`, `no_scan`, `unreadable`).
    pub status: String,
    /// Whether its logs hold a ConfigMgr client scan (`MachineRow::configmgr_scan`).
    #[serde(default)]
    pub configmgr_scan: bool,
    /// Where it broke (`MachineRow::failed_at`).
    pub failed_at: String,
    /// The code at the root of the failure.
    pub root_code: String,
    /// The root code's name.
    pub root_symbol: String,
    /// The leading finding's id.
    pub finding: String,
    /// The leading finding's title.
    pub finding_title: String,
    /// The report's first screen.
    pub verdict: String,
    /// Why its bundle could not be read (status `unreadable`).
    pub problem: String,
}

/// One UCClientUpdateStatus record beside the machine's ledger state of the same KB.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct WufbStatus {
    /// `DeviceName` as the export gives it.
    pub device: String,
    /// `AzureADDeviceId`.
    pub entra_id: String,
    /// `TargetKBNumber`.
    pub kb: String,
    /// `UpdateDisplayName`.
    pub update: String,
    /// `ClientState`.
    pub client_state: String,
    /// `ClientSubstate`.
    pub client_substate: String,
    /// `ClientSubstateTime` as written (UTC).
    pub time: String,
    /// `file:line` of the export's record.
    pub from: String,
    /// The fleet's machine it joined, empty when none.
    pub machine: String,
    /// `device_name` or `entra_id`; empty when it joined none.
    pub joined_by: String,
    /// The machine's ledger state of `kb` (`failing`, `done`, ...), empty when its logs do not
    /// name it or no machine joined.
    pub log_state: String,
    /// The ledger's code for a failing `kb`.
    pub log_code: String,
}

/// A device the reports alert on whose logs are not in the fleet.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceWithoutLogs {
    /// `DeviceName` as the export gives it.
    pub device: String,
    /// `AzureADDeviceId`.
    pub entra_id: String,
    /// Its alerts, and how many are `Active`.
    pub alerts: usize,
    /// How many of them are `Active`.
    pub active: usize,
    /// The `file:line` of each of its alerts.
    pub from: Vec<String>,
    /// What to do, in a sentence.
    pub advice: String,
    /// The artifacts to collect (`collect/artifacts.toml`), with their commands.
    pub collect: Vec<CollectItem>,
}

/// One thing to collect from a device.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct CollectItem {
    /// The artifact's id (`collect/artifacts.toml`).
    pub artifact: String,
    /// What it is, in words.
    pub what: String,
    /// The PowerShell that collects it.
    pub command: String,
}

/// `wulens fleet --format json`: the summary, and `wufb` when exports were given.
#[derive(Serialize, Debug)]
pub struct FleetJson<'a> {
    /// The fleet's summary, as without exports.
    #[serde(flatten)]
    pub summary: &'a FleetSummary,
    /// The exports joined to the fleet, when any were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wufb: Option<&'a WufbSection>,
}

fn lower(s: &str) -> String {
    s.trim().to_lowercase()
}

/// `0x80070070_C3FD` → (`0x80070070`, its name, in the knowledge base).
fn code_of(raw: &str, sym_name: &str) -> (String, String, bool) {
    let head = raw.trim().split('_').next().unwrap_or("").trim();
    if head.is_empty() {
        return (String::new(), sym_name.to_string(), false);
    }
    match wulens_kb::lookup(head) {
        Ok(l) => {
            let known = l.entry.is_some();
            let symbol = l.entry.map(|e| e.symbol.to_string()).filter(|s| !s.is_empty()).unwrap_or_else(|| sym_name.to_string());
            (l.code.to_string(), symbol, known)
        }
        Err(_) => (raw.trim().to_string(), sym_name.to_string(), false),
    }
}

/// Which machine a record joins: by its device name, else by its Entra id's name.
struct Joiner<'a> {
    by_name: std::collections::HashMap<String, &'a MachineRow>,
    /// Rows by the Entra device id their logs state (`MachineRow::entra_device_id`).
    by_entra: std::collections::HashMap<String, &'a MachineRow>,
    entra_names: std::collections::HashMap<String, Vec<String>>,
}

impl<'a> Joiner<'a> {
    fn new(rows: &'a [MachineRow], exports: &[Export]) -> Joiner<'a> {
        let by_name = rows.iter().map(|r| (lower(&r.machine), r)).collect();
        let by_entra = rows.iter().filter(|r| !r.entra_device_id.is_empty()).map(|r| (lower(&r.entra_device_id), r)).collect();
        let mut entra_names: std::collections::HashMap<String, Vec<String>> = Default::default();
        for r in exports.iter().flat_map(|x| &x.records) {
            let (id, name) = (lower(r.get("AzureADDeviceId")), r.get("DeviceName").trim());
            if !id.is_empty() && !name.is_empty() {
                let names = entra_names.entry(id).or_default();
                if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                    names.push(name.to_string());
                }
            }
        }
        Joiner { by_name, by_entra, entra_names }
    }

    /// (the device's name, the machine, how it joined).
    fn join(&self, r: &Record) -> (String, Option<&'a MachineRow>, &'static str) {
        let name = r.get("DeviceName").trim();
        if let Some(m) = self.by_name.get(&lower(name)).filter(|_| !name.is_empty()) {
            return (name.to_string(), Some(*m), "device_name");
        }
        let id = lower(r.get("AzureADDeviceId"));
        // The id a machine's own logs state (dsregcmd's `DeviceId`): joined by it directly.
        if let Some(m) = self.by_entra.get(&id).filter(|_| !id.is_empty()) {
            return (if name.is_empty() { m.machine.clone() } else { name.to_string() }, Some(*m), "entra_id");
        }
        for other in self.entra_names.get(&id).into_iter().flatten() {
            if let Some(m) = self.by_name.get(&lower(other)) {
                return (if name.is_empty() { other.clone() } else { name.to_string() }, Some(*m), "entra_id");
            }
        }
        let fallback = self.entra_names.get(&id).and_then(|v| v.first()).cloned().unwrap_or_default();
        (if name.is_empty() { fallback } else { name.to_string() }, None, "")
    }
}

impl WufbAlert {
    /// The alert in words: `UCUpdateAlert ClientUpdateAlert DownloadFailure, 0x80072EE2
    /// (ERROR_WINHTTP_TIMEOUT), Active since ...` (the text's and the page's).
    pub fn words(&self) -> String {
        words::alert(&self.table, &self.alert_type, &self.alert_subtype, &self.error_code, &self.error_symbol, &self.status, &self.start_time)
    }

    /// How it found its machine: `by name`, `by Entra device id`.
    pub fn joined_words(&self) -> &'static str {
        words::joined_by(&self.joined_by)
    }
}

impl LogCause {
    /// What the machine's logs say beside an alert: `its logs: failed at ..., 0x..., <finding>`.
    pub fn words(&self) -> String {
        words::log_cause(&self.status, self.configmgr_scan, &self.failed_at, &self.root_code, &self.root_symbol, &self.finding_title, &self.problem)
    }
}

impl DeviceWithoutLogs {
    /// The device as the exports name it: its name, else its Entra device id.
    pub fn label(&self) -> String {
        words::device_label(&self.device, &self.entra_id)
    }
}

fn log_cause(m: &MachineRow) -> LogCause {
    LogCause {
        status: m.status.clone(),
        configmgr_scan: m.configmgr_scan,
        failed_at: m.failed_at.clone(),
        root_code: m.root_code.clone(),
        root_symbol: m.root_symbol.clone(),
        finding: m.finding.clone(),
        finding_title: m.finding_title.clone(),
        verdict: m.verdict.clone(),
        problem: m.problem.clone(),
    }
}

impl WufbSection {
    /// The problem of a file given as an export whose columns are no table's.
    pub fn not_an_export(file: &str) -> String {
        words::not_an_export(file)
    }

    /// Join the exports to the fleet's rows; `problems` are the files that could not be read.
    pub fn join(rows: &[MachineRow], exports: &[Export], problems: Vec<(String, String)>) -> WufbSection {
        let joiner = Joiner::new(rows, exports);
        let mut seen = std::collections::HashSet::new();
        let mut alerts = Vec::new();
        let mut statuses = Vec::new();
        for x in exports {
            for r in &x.records {
                let (device, machine, by) = joiner.join(r);
                let from = format!("{}:{}", x.name, r.line);
                if r.table == Table::ClientUpdateStatus {
                    let kb = r.get("TargetKBNumber").to_string();
                    let seen_kb = machine.and_then(|m| m.updates.iter().find(|u| !kb.is_empty() && u.kb.eq_ignore_ascii_case(&kb)));
                    statuses.push(WufbStatus {
                        device,
                        entra_id: r.get("AzureADDeviceId").to_string(),
                        kb,
                        update: r.get("UpdateDisplayName").to_string(),
                        client_state: r.get("ClientState").to_string(),
                        client_substate: r.get("ClientSubstate").to_string(),
                        time: r.get("ClientSubstateTime").to_string(),
                        from,
                        machine: machine.map(|m| m.machine.clone()).unwrap_or_default(),
                        joined_by: by.to_string(),
                        log_state: seen_kb.map(|u| u.state.id().to_string()).unwrap_or_default(),
                        log_code: seen_kb.map(|u| u.code.clone()).unwrap_or_default(),
                    });
                    continue;
                }
                // The same alert in two exports (a CSV and a JSON of one table) counts once.
                let id = r.get("AlertId");
                if !id.is_empty() && !seen.insert((r.table, id.to_string())) {
                    continue;
                }
                let (error_code, error_symbol, error_in_kb) = code_of(r.get("ErrorCode"), r.get("ErrorSymName"));
                alerts.push(WufbAlert {
                    device,
                    entra_id: r.get("AzureADDeviceId").to_string(),
                    table: r.table.name().to_string(),
                    alert_id: id.to_string(),
                    alert_type: r.get("AlertType").to_string(),
                    alert_subtype: r.get("AlertSubtype").to_string(),
                    classification: r.get("AlertClassification").to_string(),
                    status: r.get("AlertStatus").to_string(),
                    error_code,
                    error_symbol,
                    error_in_kb,
                    description: r.get("Description").to_string(),
                    recommendation: r.get("Recommendation").to_string(),
                    start_time: r.get("StartTime").to_string(),
                    from,
                    machine: machine.map(|m| m.machine.clone()).unwrap_or_default(),
                    joined_by: by.to_string(),
                    log: machine.map(log_cause),
                });
            }
        }
        alerts.sort_by(|a, b| {
            (a.machine.is_empty(), lower(&a.device), &a.start_time, &a.from).cmp(&(b.machine.is_empty(), lower(&b.device), &b.start_time, &b.from))
        });
        statuses.sort_by(|a, b| (a.machine.is_empty(), lower(&a.device), &a.kb, &a.from).cmp(&(b.machine.is_empty(), lower(&b.device), &b.kb, &b.from)));
        let without_logs = without_logs(&alerts);
        WufbSection {
            exports: exports
                .iter()
                .map(|x| WufbExport { file: x.name.clone(), table: x.table.name().into(), shape: x.shape.into(), records: x.records.len() })
                .collect(),
            problems: problems.into_iter().map(|(file, problem)| WufbProblem { file, problem }).collect(),
            alerts,
            statuses,
            without_logs,
        }
    }

    /// The section as text, after the fleet's: each alert with its machine's cause, then the
    /// devices with no logs and what to collect, then the files that could not be read.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(s, "\n{}", words::heading(self.alerts.len(), self.exports.len()));
        for a in self.alerts.iter().filter(|a| !a.machine.is_empty()) {
            let _ = writeln!(s, "  {}: {} ({})", a.device, a.words(), a.from);
            if let Some(l) = &a.log {
                let _ = writeln!(s, "         {} {}; {}", a.machine, a.joined_words(), l.words());
            }
        }
        if !self.without_logs.is_empty() {
            let _ = writeln!(s, "  Devices with alerts and no logs ({})", self.without_logs.len());
            for d in &self.without_logs {
                let _ = writeln!(s, "  {}: {}, {} active ({})", d.label(), crate::model::counted(d.alerts, "alert", "alerts"), d.active, d.from.join(", "));
                let _ = writeln!(s, "         {}", d.advice);
                for c in &d.collect {
                    let _ = writeln!(s, "           {}: {}", c.artifact, c.command);
                }
            }
        }
        for p in &self.problems {
            let _ = writeln!(s, "  could not be read: {}", p.problem);
        }
        s
    }
}

/// The devices of alerts that joined no machine, each once, with its alerts' lines.
fn without_logs(alerts: &[WufbAlert]) -> Vec<DeviceWithoutLogs> {
    let mut out: Vec<DeviceWithoutLogs> = Vec::new();
    for a in alerts.iter().filter(|a| a.machine.is_empty()) {
        let key = if a.device.is_empty() { lower(&a.entra_id) } else { lower(&a.device) };
        let i = match out.iter().position(|d| (if d.device.is_empty() { lower(&d.entra_id) } else { lower(&d.device) }) == key) {
            Some(i) => i,
            None => {
                let label = words::device_label(&a.device, &a.entra_id);
                out.push(DeviceWithoutLogs {
                    device: a.device.clone(),
                    entra_id: a.entra_id.clone(),
                    advice: words::collect_lead(&label),
                    collect: collect_items(),
                    ..DeviceWithoutLogs::default()
                });
                out.len() - 1
            }
        };
        let d = &mut out[i];
        d.alerts += 1;
        d.active += usize::from(a.status.eq_ignore_ascii_case("active"));
        d.from.push(a.from.clone());
        if d.entra_id.is_empty() {
            d.entra_id = a.entra_id.clone();
        }
    }
    out
}

fn collect_items() -> Vec<CollectItem> {
    words::WITHOUT_LOGS_ARTIFACTS
        .iter()
        .filter_map(|id| crate::diagnose::ARTIFACTS.iter().find(|a| a.id == *id))
        .map(|a| CollectItem { artifact: a.id.to_string(), what: a.what.to_string(), command: a.command.to_string() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::wufb::read;

    fn row(machine: &str, status: &str, code: &str) -> MachineRow {
        MachineRow {
            machine: machine.into(),
            status: status.into(),
            failed_at: if status == "failed" { "Windows Update search".into() } else { String::new() },
            root_code: code.into(),
            finding: "proxy_error".into(),
            finding_title: "Proxy error".into(),
            ..MachineRow::default()
        }
    }

    const ALERTS: &str = "AlertId,AlertType,AlertSubtype,AlertStatus,DeviceName,AzureADDeviceId,ErrorCode,ErrorSymName,StartTime [UTC]\n\
        a1,ClientUpdateAlert,DownloadFailure,Active,pc-01,e-01,0x8024401B_1F,,2026-11-20 10:00:00\n\
        a2,ClientDeviceAlert,DiskFull,Active,,e-02,,,2026-11-20 11:00:00\n\
        a3,ClientDeviceAlert,EndOfService,Active,PC-99,e-99,,,2026-11-19 09:00:00\n\
        a4,ClientDeviceAlert,EndOfService,Resolved,pc-99,e-99,0x12345678,MY_SYM,2026-11-18 09:00:00\n";
    const STATUS: &str = "DeviceName,AzureADDeviceId,TargetKBNumber,ClientState,ClientSubstate\nPC-02,e-02,KB5044273,Installing,DownloadStart\n";

    #[test]
    fn alerts_join_by_name_without_case_and_by_entra_id() {
        let a = read("alerts.csv", ALERTS.as_bytes()).unwrap().unwrap();
        let s = read("status.csv", STATUS.as_bytes()).unwrap().unwrap();
        let mut pc2 = row("PC-02", "ok", "");
        pc2.updates = vec![super::super::fleet::UpdateState {
            kb: "KB5044273".into(),
            state: crate::model::LedgerState::Failing,
            code: "0x80070643".into(),
            ..Default::default()
        }];
        let rows = vec![row("PC-01", "failed", "0x8024401B"), pc2];
        let w = WufbSection::join(&rows, &[a, s], vec![("bad.json".into(), "bad.json: line 3: cut".into())]);
        assert_eq!(w.alerts.len(), 4);
        let pc1 = &w.alerts[0];
        assert_eq!((pc1.device.as_str(), pc1.machine.as_str(), pc1.joined_by.as_str()), ("pc-01", "PC-01", "device_name"));
        assert_eq!((pc1.error_code.as_str(), pc1.error_in_kb), ("0x8024401B", true));
        assert!(!pc1.error_symbol.is_empty());
        assert_eq!(pc1.from, "alerts.csv:2");
        let log = pc1.log.as_ref().unwrap();
        assert_eq!((log.status.as_str(), log.root_code.as_str(), log.finding.as_str()), ("failed", "0x8024401B", "proxy_error"));
        let pc2 = &w.alerts[1];
        assert_eq!((pc2.device.as_str(), pc2.machine.as_str(), pc2.joined_by.as_str(), pc2.from.as_str()), ("PC-02", "PC-02", "entra_id", "alerts.csv:3"));
        assert_eq!(pc2.log.as_ref().unwrap().status, "ok");
        // PC-99 has no logs: two alerts, one active, and what to collect.
        assert_eq!(w.without_logs.len(), 1);
        let d = &w.without_logs[0];
        assert_eq!((d.device.as_str(), d.alerts, d.active), ("pc-99", 2, 1));
        assert_eq!(d.from, ["alerts.csv:5", "alerts.csv:4"]);
        assert!(d.collect.iter().any(|c| c.artifact == "windows_update_traces" && !c.command.is_empty()), "{:?}", d.collect);
        assert!(d.advice.contains("wulens collect"), "{}", d.advice);
        let unknown = w.alerts.iter().find(|a| a.alert_id == "a4").unwrap();
        assert_eq!((unknown.error_code.as_str(), unknown.error_symbol.as_str(), unknown.error_in_kb), ("0x12345678", "MY_SYM", false));
        // The update status sits beside the ledger's state of the same KB.
        assert_eq!(w.statuses.len(), 1);
        assert_eq!((w.statuses[0].machine.as_str(), w.statuses[0].log_state.as_str(), w.statuses[0].log_code.as_str()), ("PC-02", "failing", "0x80070643"));
        let t = w.text();
        assert!(t.contains("Windows Update for Business alerts (4 from 2 exports)"), "{t}");
        assert!(t.contains("pc-01: UCDeviceAlert ClientUpdateAlert DownloadFailure, 0x8024401B"), "{t}");
        assert!(t.contains("PC-01 by name; its logs: failed at Windows Update search, 0x8024401B, Proxy error"), "{t}");
        assert!(t.contains("pc-99: 2 alerts, 1 active"), "{t}");
        assert!(t.contains("could not be read: bad.json: line 3: cut"), "{t}");
    }

    /// An alert that names no device and whose Entra id pairs with no name is said by that id.
    #[test]
    fn a_device_without_a_name_is_said_by_its_entra_id() {
        let csv = "AlertId,AlertType,AlertSubtype,AlertStatus,DeviceName,AzureADDeviceId\na9,ClientDeviceAlert,DiskFull,Active,,e-77\n";
        let w = WufbSection::join(&[row("PC-01", "ok", "")], &[read("a.csv", csv.as_bytes()).unwrap().unwrap()], Vec::new());
        assert_eq!(w.without_logs.len(), 1);
        let t = w.text();
        assert!(t.contains("  the device with Entra device id e-77 (no name in the exports): 1 alert, 1 active (a.csv:2)"), "{t}");
        assert!(w.without_logs[0].advice.starts_with("collect the logs of the device with Entra device id e-77"), "{}", w.without_logs[0].advice);
    }

    /// A machine whose logs state its Entra device id (dsregcmd's `DeviceId`) takes the alerts
    /// of that id, whatever name the export gives the device (renamed since, or none), and no
    /// other record of the exports needs to pair the id with its name.
    #[test]
    fn a_machine_whose_logs_state_its_entra_id_is_joined_by_it() {
        let csv = "AlertId,AlertType,AlertSubtype,AlertStatus,DeviceName,AzureADDeviceId\n\
            b1,ClientDeviceAlert,DiskFull,Active,OLD-NAME,0B9D4C2A-1111-4B6E-9D0A-3F5C7E9A1B2C\n\
            b2,ClientDeviceAlert,DiskFull,Active,,0b9d4c2a-1111-4b6e-9d0a-3f5c7e9a1b2c\n\
            b3,ClientDeviceAlert,DiskFull,Active,,0b9d4c2a-2222-4b6e-9d0a-3f5c7e9a1b2c\n";
        let mut pc = row("PC-07", "failed", "0x8024401B");
        pc.entra_device_id = "0b9d4c2a-1111-4b6e-9d0a-3f5c7e9a1b2c".into();
        let w = WufbSection::join(&[pc, row("PC-08", "ok", "")], &[read("a.csv", csv.as_bytes()).unwrap().unwrap()], Vec::new());
        let by: Vec<(&str, &str, &str)> = w.alerts.iter().map(|a| (a.device.as_str(), a.machine.as_str(), a.joined_by.as_str())).collect();
        assert_eq!(by, [("OLD-NAME", "PC-07", "entra_id"), ("PC-07", "PC-07", "entra_id"), ("", "", "")]);
        assert_eq!(w.without_logs.len(), 1, "only the other id has no logs: {:?}", w.without_logs);
    }

    #[test]
    fn the_same_alert_in_two_exports_counts_once() {
        let a = read("a.csv", ALERTS.as_bytes()).unwrap().unwrap();
        let b = read("b.csv", ALERTS.as_bytes()).unwrap().unwrap();
        assert_eq!(WufbSection::join(&[], &[a, b], Vec::new()).alerts.len(), 4);
    }
}
