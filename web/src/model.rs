//! The page's view of the report JSON (the same document `wulens analyze --format json` prints).
//! Lenient on purpose (`default` everywhere): the page shows what it knows.

use serde::Deserialize;

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Report {
    pub tool: Tool,
    pub summary: Summary,
    pub files: Vec<FileInfo>,
    pub warnings: Vec<Warning>,
    pub errors: Vec<ErrorInfo>,
    pub scan_flow: Flow,
    pub sync_flow: Flow,
    pub findings: Vec<Finding>,
    pub updates: Vec<Update>,
    pub updates_total: usize,
    pub next_checks: Vec<NextCheck>,
    pub configuration: Configuration,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Setting {
    pub value: String,
    pub file: String,
    pub line: u32,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Policy {
    pub wu_server: Option<Setting>,
    pub wu_status_server: Option<Setting>,
    pub use_wu_server: Option<Setting>,
    pub port: Option<u16>,
    pub port_explicit: bool,
    pub files: Vec<String>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Proxy {
    pub direct: bool,
    pub servers: Vec<String>,
    pub bypass: Vec<String>,
    pub file: String,
    pub line: u32,
    pub problem: Option<String>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Missing {
    pub what: String,
    pub command: String,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Configuration {
    pub provided: bool,
    pub policy: Option<Policy>,
    pub proxy: Option<Proxy>,
    pub wsus_location: Option<Setting>,
    pub missing: Vec<Missing>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Summary {
    pub status: String,
    pub verdict: String,
    pub files: usize,
    pub lines: u64,
    pub entries: u64,
    pub distinct_errors: usize,
    pub first_time: Option<String>,
    pub last_time: Option<String>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct TimeZone {
    pub offset_minutes: i32,
    pub offset: String,
    pub source: String,
    pub note: String,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct FileInfo {
    pub name: String,
    pub format: String,
    pub format_label: String,
    pub encoding: String,
    pub bytes: u64,
    pub lines: u32,
    pub entries: u32,
    pub unparsed: u32,
    pub error_entries: u32,
    pub warning_entries: u32,
    pub first_time: Option<String>,
    pub last_time: Option<String>,
    pub time_zone: TimeZone,
    pub notes: Vec<String>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Warning {
    pub name: String,
    pub message: String,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Evidence {
    pub file: String,
    pub line: u32,
    pub time: Option<String>,
    pub text: String,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Step {
    pub text: String,
    pub command: Option<String>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Source {
    pub doc: String,
    pub section: String,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct KbEntry {
    pub code: String,
    pub symbol: String,
    pub message: String,
    pub category: String,
    pub category_label: String,
    pub description: String,
    pub causes: Vec<String>,
    pub mitigation: Vec<Step>,
    pub related: Vec<String>,
    pub scan_step: Option<u8>,
    pub sources: Vec<Source>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Decoded {
    pub severity: String,
    pub layout: String,
    pub customer: bool,
    pub facility: u16,
    pub facility_name: String,
    pub facility_label: String,
    pub code: u16,
    pub win32: Option<Win32>,
    pub http_status: Option<u16>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Win32 {
    pub code: u16,
    pub name: String,
    pub message: String,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ErrorInfo {
    pub code: String,
    pub symbol: String,
    pub message: String,
    pub count: u32,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub files: Vec<String>,
    pub occurrences: Vec<Evidence>,
    pub occurrences_total: usize,
    pub kb: Option<KbEntry>,
    pub decoded: Decoded,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct FlowStep {
    pub number: u8,
    pub title: String,
    pub short: String,
    pub status: String,
    pub reason: String,
    pub evidence: Vec<Evidence>,
    pub codes: Vec<String>,
    pub logs: Vec<String>,
    pub missing_logs: Vec<String>,
    pub guidance: Vec<Step>,
    pub sources: Vec<Source>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Cycle {
    pub number: usize,
    pub start: Option<String>,
    pub end: Option<String>,
    pub outcome: String,
    pub failed_step: Option<u8>,
    pub last_step: u8,
    pub codes: Vec<String>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Flow {
    pub id: String,
    pub title: String,
    pub steps: Vec<FlowStep>,
    pub failed_step: Option<u8>,
    pub cycles: Vec<Cycle>,
    pub cycles_total: usize,
}

impl Flow {
    pub fn witnessed(&self) -> bool {
        !self.cycles.is_empty()
    }
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    pub codes: Vec<String>,
    pub guidance: Vec<Step>,
    pub sources: Vec<Source>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Update {
    pub kb: String,
    pub title: String,
    pub state: String,
    pub update_id: String,
    pub revision: Option<u32>,
    pub superseded_by: Option<String>,
    pub file: String,
    pub line: u32,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct NextCheck {
    pub text: String,
    pub command: Option<String>,
    pub from: String,
}

/// One viewer row (see `wulens_core::viewer::Row`).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Row {
    pub index: u32,
    pub file: u32,
    pub entry: u32,
    pub line: u32,
    pub lines: u32,
    pub time: String,
    pub time_utc: String,
    pub severity: String,
    pub component: String,
    pub thread: String,
    pub text: String,
    pub chars: u64,
    pub truncated: bool,
    pub codes: Vec<(u32, u32, String)>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct CodeInView {
    pub code: String,
    pub symbol: String,
    pub message: String,
    pub count: u32,
    pub has_guidance: bool,
}

/// Progress of an analysis, from the worker.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub phase: String,
    pub file: String,
    pub index: u32,
    pub files: u32,
    pub done: f64,
    pub total: f64,
}

impl Progress {
    pub fn fraction(&self) -> f64 {
        if self.total <= 0.0 {
            0.0
        } else {
            (self.done / self.total).clamp(0.0, 1.0)
        }
    }
}

pub fn human_bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut v = n;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{} bytes", n as u64)
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `2024-05-31T16:45:56.136-07:00` → (`2024-05-31 16:45:56`, `UTC-07:00`).
pub fn split_time(t: &str) -> (String, String) {
    let (date, rest) = t.split_once('T').unwrap_or((t, ""));
    let clock = rest.get(..8).unwrap_or(rest);
    let zone = match rest.get(12..).unwrap_or("") {
        "" => String::new(),
        "Z" => "UTC".into(),
        z => format!("UTC{z}"),
    };
    (format!("{date} {clock}"), zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cli_contract() {
        let json = r#"{"summary":{"status":"failed","verdict":"v"},"errors":[{"code":"0x8024401B","count":3,"kb":{"code":"0x8024401B","mitigation":[{"text":"t","command":"netsh winhttp show proxy"}]},"decoded":{"http_status":407}}],"scan_flow":{"steps":[{"number":3,"status":"failed"}],"failed_step":3,"cycles":[{"number":1}]},"unknown_field":1}"#;
        let r: Report = serde_json::from_str(json).unwrap();
        assert_eq!(r.summary.status, "failed");
        assert_eq!(r.errors[0].kb.as_ref().unwrap().mitigation[0].command.as_deref(), Some("netsh winhttp show proxy"));
        assert_eq!(r.scan_flow.failed_step, Some(3));
        assert!(r.scan_flow.witnessed());
    }

    #[test]
    fn formats() {
        assert_eq!(split_time("2024-05-31T16:45:56.136-07:00"), ("2024-05-31 16:45:56".into(), "UTC-07:00".into()));
        assert_eq!(split_time("2024-05-31T16:45:56.136"), ("2024-05-31 16:45:56".into(), String::new()));
        assert_eq!(human_bytes(1536.0), "1.5 KB");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
