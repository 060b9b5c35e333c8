//! Many machines at once: one row per machine from its report, and the machines grouped by root
//! cause (where it broke, the root code, the leading finding). The CLI's `fleet` command, the
//! Python package and the Spark example all use these, so a group means the same everywhere.
//!
//! The row is a stable schema (`--format ndjson` / `csv`): add columns, never rename them.

use serde::{Deserialize, Serialize};

use super::report::{OperationReport, Report};
use crate::model::{Domain, FindingSeverity, LedgerState, LinkId, LinkState, Outcome, Standing, UpdateClass, VerdictStatus};

/// One machine's conclusion, flat enough for a table.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct MachineRow {
    /// The machine's name: its computer name where its logs state one (`computer`), else the
    /// bundle's (zip or folder) name.
    pub machine: String,
    /// The bundle it was read from, as given.
    pub bundle: String,
    /// `failed`, `ok`, `incomplete`, `no_scan`, or `unreadable` (see `problem`).
    pub status: String,
    /// Whether its logs hold a ConfigMgr client scan (the report states one): an `ok` row's
    /// scan completed. Without one, an `ok` row's conclusions rest on Windows Update's own work,
    /// whose searches are no ConfigMgr scan (`words::row_status_words` words the two apart).
    #[serde(default)]
    pub configmgr_scan: bool,
    /// The report's first screen (`summary.verdict`).
    pub verdict: String,
    /// Where it broke: `ConfigMgr scan step 3 (WUA scan)`, `Windows Update search`,
    /// `servicing session`, ...; empty when nothing failed.
    pub failed_at: String,
    /// The code at the root of the failure (`0x8024401B`), and its name.
    pub root_code: String,
    /// The root code's symbolic name from the knowledge base; may be empty.
    pub root_symbol: String,
    /// The leading finding's id (`proxy_error`), error findings before warnings.
    pub finding: String,
    /// Every finding id, most severe first.
    pub findings: Vec<String>,
    /// The leading finding's title, as the report words it (the page shows it, not the id).
    #[serde(default)]
    pub finding_title: String,
    /// Distinct failure codes with how often each occurs, most significant first (at most 20).
    pub codes: Vec<CodeTally>,
    /// `wsus`, `public` or `unknown` (`UpdateSource::id`); empty when the bundle is unreadable.
    pub update_source: String,
    /// The WSUS server the client uses (the policy, the agent's log, Group Policy, ConfigMgr's
    /// location: the report's `configuration.update_server`), when known.
    pub wsus_server: String,
    /// Where `wsus_server` was read: `file:line`.
    #[serde(default)]
    pub wsus_server_from: String,
    /// When the failures of the kind of work that broke began: its first failure after its
    /// last success (the time as written); empty when nothing failed.
    #[serde(default)]
    pub failing_since: String,
    /// That kind of work's latest failure; empty when nothing failed.
    #[serde(default)]
    pub last_failure: String,
    /// That kind of work's latest success before `failing_since`; empty when none is in the logs.
    #[serde(default)]
    pub last_success: String,
    /// The proxy (`direct` or the servers): the WinHTTP proxy as `netsh winhttp show proxy`
    /// gives it, else the one the agent's requests went through (the legacy WindowsUpdate.log's
    /// `Proxy List used: <...>`), when either is given.
    pub proxy: String,
    /// Where `proxy` was read: `file:line`.
    #[serde(default)]
    pub proxy_from: String,
    /// The OS build as the logs write it (WindowsUpdate.log's `OSVersion=10.0.19042.508`, the
    /// legacy log's `* OS Version = `), the latest; empty when no log gives it.
    #[serde(default)]
    pub os_build: String,
    /// Where `os_build` was read: `file:line`.
    #[serde(default)]
    pub os_build_from: String,
    /// Delivery Optimization's download mode as its latest download start writes it (`0` HTTP
    /// only, `1` LAN peers, `2` group, `3` internet peers, `99` simple, `100` bypass); empty
    /// when no Delivery Optimization log is given.
    #[serde(default)]
    pub do_mode: String,
    /// The Connected Cache server that download start names (`cacheHost`), where one is.
    #[serde(default)]
    pub do_cache_host: String,
    /// Where `do_mode` and `do_cache_host` were read: `file:line`.
    #[serde(default)]
    pub do_from: String,
    /// The computer's name as its logs state it (`dsregcmd /status`'s `Device Name`, the event
    /// logs' Computer column, setup's `ComputerName=`), as Windows shows it (`PC-001`); empty
    /// when no log states one, or its logs state two.
    #[serde(default)]
    pub computer: String,
    /// Where `computer` was read: `file:line`.
    #[serde(default)]
    pub computer_from: String,
    /// The Entra (Azure AD) device id, lower case (`dsregcmd /status`'s `DeviceId`).
    #[serde(default)]
    pub entra_device_id: String,
    /// Where `entra_device_id` was read: `file:line`.
    #[serde(default)]
    pub entra_device_id_from: String,
    /// ConfigMgr's assigned management point, lower case (LocationServices.log's `Current
    /// Assigned Management Point is`, the client's WMI `CurrentManagementPoint`).
    #[serde(default)]
    pub management_point: String,
    /// Where `management_point` was read: `file:line`.
    #[serde(default)]
    pub management_point_from: String,
    /// ConfigMgr's assigned site code (`PS1`: the client's `<AssignedSite SiteCode=...>`).
    #[serde(default)]
    pub site_code: String,
    /// Where `site_code` was read: `file:line`.
    #[serde(default)]
    pub site_code_from: String,
    /// The MDM (Intune) update ring's deferrals and pauses, as the Policy CSP names them,
    /// `DeferQualityUpdatesPeriodInDays=7;PauseQualityUpdatesStartTime=2026-11-02` (the
    /// report's `configuration.update_ring`); empty without an MDM report or those policies.
    #[serde(default)]
    pub update_ring: String,
    /// Where the ring was read: the MDM report's `file:line` of its first policy listed.
    #[serde(default)]
    pub update_ring_from: String,
    /// What a failed upgrade stopped in: the device whose installation a setupapi.dev.log leaves
    /// open when setup failed (its device id); empty otherwise.
    #[serde(default)]
    pub blocking: String,
    /// Where `blocking` was read: `file:line`.
    #[serde(default)]
    pub blocking_from: String,
    /// The AD site a ConfigMgr client states it is in (LocationServices.log), where stated.
    #[serde(default)]
    pub ad_site: String,
    /// Where `ad_site` was read: `file:line`.
    #[serde(default)]
    pub ad_site_from: String,
    /// The ConfigMgr client's version (`5.00.9128.1000`), where its logs state it.
    #[serde(default)]
    pub client_version: String,
    /// Where `client_version` was read: `file:line`.
    #[serde(default)]
    pub client_version_from: String,
    /// The software update point LocationServices gave the client (`http://sup02.contoso.com:8530`);
    /// `wsus_server` is the one its scans talk to.
    #[serde(default)]
    pub sup_location: String,
    /// Where `sup_location` was read: `file:line`.
    #[serde(default)]
    pub sup_location_from: String,
    /// The distribution points its content came from or was asked of, host names joined by `;`.
    #[serde(default)]
    pub dps: String,
    /// Where the first of them was read: `file:line`.
    #[serde(default)]
    pub dps_from: String,
    /// The distribution point a content download failed at (its host), where one did.
    #[serde(default)]
    pub dp_failed: String,
    /// Its answer: `HTTP 405` where one is written, else the code (`0x87D0027E`).
    #[serde(default)]
    pub dp_failed_code: String,
    /// Where `dp_failed` was read: `file:line`.
    #[serde(default)]
    pub dp_failed_from: String,
    /// The maintenance-window types the client asked for and has no window of, joined by `;`
    /// (`4`: Software Updates; 1 All Programs, 2 Programs, 3 Reboot, 5 Task Sequences, 6
    /// Business hours).
    #[serde(default)]
    pub window_types_missing: String,
    /// When its next maintenance window begins, as written.
    #[serde(default)]
    pub window_next: String,
    /// Where `window_next` was read: `file:line`.
    #[serde(default)]
    pub window_next_from: String,
    /// The client's Software Updates feature as its UpdatesDeployment.log last states it: `on`,
    /// `off` (the client setting turns it off), or empty where no line says.
    #[serde(default)]
    pub software_updates: String,
    /// Where `software_updates` was read: `file:line`.
    #[serde(default)]
    pub software_updates_from: String,
    /// A site server's software update points whose latest synchronization failed
    /// (wsyncmgr.log), host names joined by `;`.
    #[serde(default)]
    pub sync_failing: String,
    /// When the first of them began to fail (as written), and the line.
    #[serde(default)]
    pub sync_failing_since: String,
    /// Where that failure was read: `file:line`.
    #[serde(default)]
    pub sync_failing_from: String,
    /// Each link of the ConfigMgr chain the report states (policy, scan, deployment, content,
    /// window, install, restart, and the site's), with its state, code and time.
    #[serde(default)]
    pub links: Vec<LinkRow>,
    /// Time of the drop's earliest timed record, as written; empty when none has a time.
    pub first_time: String,
    /// Time of the drop's latest timed record, as written; empty when none has a time.
    pub last_time: String,
    /// Files read from the bundle.
    pub files: usize,
    /// Physical lines across them.
    pub lines: u64,
    /// The wulens version that made the row (`tool.version`).
    pub wulens_version: String,
    /// Why the bundle could not be read (status `unreadable`).
    pub problem: String,
    /// Each update the machine's logs name, with its latest state and code (the report's ledger,
    /// failing and stalled first; at most [`ROW_UPDATES`]).
    #[serde(default)]
    pub updates: Vec<UpdateState>,
}

/// One link of a machine's ConfigMgr chain (the report's `chain[]`), flat.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    /// `policy`, `scan`, `deployment`, `content`, `window`, `install`, `restart`, ...
    pub link: LinkId,
    /// `failed`, `off`, `waiting`, `running`, `ok`, `not_reached`, `not_in_logs`.
    pub state: LinkState,
    /// The first code its summary or lines give (`0x80244022`), or empty.
    #[serde(default)]
    pub code: String,
    /// The time of its first line (as written), or empty.
    #[serde(default)]
    pub since: String,
    /// The time of its latest line (as written), or empty.
    #[serde(default)]
    pub time: String,
    /// Its first line: `file:line`.
    #[serde(default)]
    pub from: String,
}

impl LinkRow {
    fn of(l: &super::report::ChainLinkReport) -> LinkRow {
        let code = std::iter::once(l.summary.as_str()).chain(l.evidence.iter().map(|e| e.text.as_str())).find_map(first_code).unwrap_or_default();
        let times = l.evidence.iter().filter_map(|e| e.time.clone());
        LinkRow {
            link: l.link,
            state: l.state,
            code,
            since: times.clone().min().unwrap_or_default(),
            time: times.max().unwrap_or_default(),
            from: l.evidence.first().map(|e| format!("{}:{}", e.file, e.line)).unwrap_or_default(),
        }
    }

    /// `scan:failed:0x80244022:2026-11-18T14:02:09.007+00:00` (the CSV's `links`).
    fn csv(&self) -> String {
        let mut s = format!("{}:{}", self.link.id(), self.state.id());
        for v in [&self.code, &self.time] {
            if !v.is_empty() {
                s.push(':');
                s.push_str(v);
            }
        }
        s
    }
}

/// The first `0x` and eight hex digits in `s`, in capitals (`0x80244022`).
fn first_code(s: &str) -> Option<String> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let hex = &b[i + 2..i + 10];
        (b[i] == b'0' && (b[i + 1] | 0x20) == b'x' && hex.iter().all(u8::is_ascii_hexdigit) && b.get(i + 10).is_none_or(|c| !c.is_ascii_hexdigit()))
            .then(|| format!("0x{}", s[i + 2..i + 10].to_ascii_uppercase()))
    })
}

/// Ledger rows a machine row carries.
pub const ROW_UPDATES: usize = 50;

/// One update's latest state on one machine (a row of the report's ledger, without its steps).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateState {
    /// `KB5044273`, or empty.
    pub kb: String,
    /// The update id, or empty.
    pub update_id: String,
    /// The title as the logs give it.
    pub title: String,
    /// `cumulative`, `security`, `feature`, `driver`, `definition`, `store_app`, ...
    pub class: UpdateClass,
    /// `failing`, `stalled`, `running`, `waiting`, `pending_restart`, `done` or `unknown`.
    pub state: LedgerState,
    /// The failure's code, for `failing`.
    pub code: String,
    /// When its decisive step happened, as written.
    pub since: String,
    /// Its decisive step is a failed install (not a download).
    #[serde(default)]
    pub install_failed: bool,
}

/// A code and how often the machine's logs mention it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct CodeTally {
    /// The code, 8 hex digits (`0x8024401B`).
    pub code: String,
    /// Records that mention it.
    pub count: u32,
}

/// The columns of `--format csv`, in order (the list columns joined with `;`).
pub const CSV_COLUMNS: &[&str] = &[
    "machine",
    "bundle",
    "status",
    "failed_at",
    "root_code",
    "root_symbol",
    "finding",
    "findings",
    "codes",
    "update_source",
    "wsus_server",
    "proxy",
    "first_time",
    "last_time",
    "files",
    "lines",
    "wulens_version",
    "problem",
    "verdict",
    "computer",
    "computer_from",
    "entra_device_id",
    "entra_device_id_from",
    "management_point",
    "management_point_from",
    "site_code",
    "site_code_from",
    "update_ring",
    "update_ring_from",
    "blocking",
    "blocking_from",
    "ad_site",
    "client_version",
    "sup_location",
    "dps",
    "dp_failed",
    "dp_failed_code",
    "window_types_missing",
    "window_next",
    "software_updates",
    "sync_failing",
    "links",
    "failing_since",
    "last_failure",
    "last_success",
];

/// The update ring's policies a row carries (`MachineRow::update_ring`), in this order.
const RING_POLICIES: [&str; 6] = [
    "DeferQualityUpdatesPeriodInDays",
    "DeferFeatureUpdatesPeriodInDays",
    "PauseQualityUpdates",
    "PauseQualityUpdatesStartTime",
    "PauseFeatureUpdates",
    "PauseFeatureUpdatesStartTime",
];

impl MachineRow {
    /// The row of one machine's report; `machine` names it, `bundle` is where it was read from.
    pub fn from_report(machine: &str, bundle: &str, r: &Report) -> MachineRow {
        let failed = r.summary.status == VerdictStatus::Failed;
        let (failed_at, root) = if failed { where_it_broke(r) } else { (String::new(), None) };
        let root_symbol = root.as_deref().and_then(|c| wulens_kb::lookup(c).ok()).and_then(|l| l.entry).map(|e| e.symbol.to_string()).unwrap_or_default();
        let mut findings: Vec<(FindingSeverity, &str)> = r.findings.iter().map(|f| (f.severity, f.id.as_str())).collect();
        findings.sort_by_key(|(s, _)| severity_rank(*s));
        let finding = findings.iter().find(|(s, _)| *s != FindingSeverity::Info).map(|(_, id)| id.to_string()).unwrap_or_default();
        let finding_title = r.findings.iter().find(|f| f.id == finding).map(|f| f.title.clone()).unwrap_or_default();
        let policy = r.configuration.policy.as_ref();
        let server = r.configuration.update_server.as_ref().or(policy.and_then(|p| p.wu_server.as_ref())).or(r.configuration.wsus_location.as_ref());
        // `http://wsus02:8530`: scheme, host and port alone (the port the scheme implies where
        // none is written), so machines on one server group whatever path or case their logs use.
        let wsus_server = server
            .map(|s| match crate::read::config::parse_url(&s.value) {
                Some((scheme, host, port)) => format!("{scheme}://{host}:{}", port.unwrap_or(if scheme == "https" { 443 } else { 80 })),
                None => s.value.clone(),
            })
            .unwrap_or_default();
        let wsus_server_from = server.map(|s| format!("{}:{}", s.file, s.line)).unwrap_or_default();
        let (failing_since, last_failure, last_success) = if failed { onset(r) } else { Default::default() };
        let proxy = r.configuration.proxy.as_ref().map(|p| if p.direct { "direct".to_string() } else { p.servers.join(" ") }).unwrap_or_default();
        let proxy_from = r.configuration.proxy.as_ref().filter(|_| !proxy.is_empty()).map(|p| format!("{}:{}", p.file, p.line)).unwrap_or_default();
        let ring: Vec<&super::report::RingSetting> = r
            .configuration
            .update_ring
            .iter()
            .flat_map(|c| RING_POLICIES.iter().filter_map(|n| c.settings.iter().find(|s| s.name.eq_ignore_ascii_case(n))))
            .filter(|s| !s.value.is_empty())
            .collect();
        let update_ring = ring.iter().map(|s| format!("{}={}", s.name, s.value)).collect::<Vec<_>>().join(";");
        let update_ring_from = ring.first().map(|s| format!("{}:{}", s.file, s.line)).unwrap_or_default();
        MachineRow {
            machine: machine.to_string(),
            bundle: bundle.to_string(),
            status: r.summary.status.id().to_string(),
            configmgr_scan: r.statements.iter().any(|s| s.domain == Domain::ConfigmgrScan),
            verdict: r.summary.verdict.clone(),
            failed_at,
            root_code: root.unwrap_or_default(),
            root_symbol,
            finding,
            findings: findings.iter().map(|(_, id)| id.to_string()).collect(),
            finding_title,
            codes: r.errors.iter().take(20).map(|e| CodeTally { code: e.code.clone(), count: e.count }).collect(),
            update_source: r.update_source.id().to_string(),
            wsus_server,
            wsus_server_from,
            failing_since,
            last_failure,
            last_success,
            proxy,
            proxy_from,
            os_build: String::new(),
            os_build_from: String::new(),
            do_mode: String::new(),
            do_cache_host: String::new(),
            do_from: String::new(),
            computer: String::new(),
            computer_from: String::new(),
            entra_device_id: String::new(),
            entra_device_id_from: String::new(),
            management_point: String::new(),
            management_point_from: String::new(),
            site_code: String::new(),
            site_code_from: String::new(),
            update_ring,
            update_ring_from,
            blocking: String::new(),
            blocking_from: String::new(),
            links: r.chain.iter().map(LinkRow::of).collect(),
            first_time: r.summary.first_time.clone().unwrap_or_default(),
            last_time: r.summary.last_time.clone().unwrap_or_default(),
            files: r.summary.files,
            lines: r.summary.lines,
            wulens_version: r.tool.version.clone(),
            problem: String::new(),
            updates: r
                .ledger
                .iter()
                .filter(|u| !u.kb.is_empty() || !u.title.is_empty())
                .take(ROW_UPDATES)
                .map(|u| UpdateState {
                    kb: u.kb.clone(),
                    update_id: u.update_id.clone(),
                    title: u.title.clone(),
                    class: u.class,
                    state: u.state,
                    code: u.code.clone().unwrap_or_default(),
                    since: u.decisive_step().and_then(|s| s.evidence.time.clone()).unwrap_or_default(),
                    install_failed: u.decisive_step().is_some_and(|s| s.event == crate::model::LifeEvent::InstallFailed),
                })
                .collect(),
            ..MachineRow::default()
        }
    }

    /// What the fleet's shared-cause rule reads of this row.
    pub fn facts(&self) -> super::shared::Facts<'_> {
        super::shared::Facts {
            machine: &self.machine,
            readable: self.status != "unreadable",
            server: &self.wsus_server,
            server_from: &self.wsus_server_from,
            proxy: &self.proxy,
            proxy_from: &self.proxy_from,
            os_build: &self.os_build,
            os_build_from: &self.os_build_from,
            cache_host: &self.do_cache_host,
            cache_host_from: &self.do_from,
            management_point: &self.management_point,
            management_point_from: &self.management_point_from,
            failing_updates: self.updates.iter().filter(|u| u.state == LedgerState::Failing).map(|u| u.kb.as_str()).collect(),
            failing_since: &self.failing_since,
            last_success: &self.last_success,
            failed: self.status == "failed",
            first_time: &self.first_time,
            last_time: &self.last_time,
            links: super::shared::Links {
                states: self.links.iter().map(|l| (l.link, l.state, l.code.as_str())).collect(),
                waiting_since: self.links.iter().find(|l| l.link == LinkId::Window).map_or("", |l| l.since.as_str()),
                dps: &self.dps,
                dp_failed: &self.dp_failed,
                dp_failed_code: &self.dp_failed_code,
                dp_failed_from: &self.dp_failed_from,
                software_updates: &self.software_updates,
                software_updates_from: &self.software_updates_from,
                window_types_missing: &self.window_types_missing,
                window_next: &self.window_next,
                sync_failing: &self.sync_failing,
                sync_failing_since: &self.sync_failing_since,
                sync_failing_from: &self.sync_failing_from,
                install_failures: self
                    .updates
                    .iter()
                    .filter(|u| u.state == LedgerState::Failing && u.install_failed)
                    .map(|u| (u.kb.as_str(), u.code.as_str()))
                    .collect(),
                installs: self
                    .updates
                    .iter()
                    .filter(|u| u.state == LedgerState::Done || (u.state == LedgerState::Failing && u.install_failed))
                    .map(|u| (u.kb.as_str(), u.state == LedgerState::Failing))
                    .collect(),
            },
        }
    }

    /// What per-update compliance reads of this row.
    pub fn compliance_facts(&self) -> super::compliance::MachineUpdates<'_> {
        super::compliance::MachineUpdates {
            machine: &self.machine,
            readable: self.status != "unreadable",
            updates: self
                .updates
                .iter()
                .map(|u| super::compliance::Seen { kb: &u.kb, update_id: &u.update_id, title: &u.title, class: u.class, state: u.state, code: &u.code })
                .collect(),
        }
    }

    /// One machine's bundle (its files, or one zip as a single input) read, analysed and reduced
    /// to its row; a bundle with nothing readable in it gets an `unreadable` row with why.
    pub fn from_inputs(machine: &str, bundle: &str, inputs: Vec<crate::read::Input>) -> MachineRow {
        let analysis = crate::analysis::Analysis::from_inputs(inputs, &crate::read::Limits::default());
        MachineRow::from_analysis(machine, bundle, &analysis)
    }

    /// One machine's files, already read (the web worker streams them in), reduced to its row;
    /// nothing readable in them gives an `unreadable` row with why.
    pub fn from_analysis(machine: &str, bundle: &str, analysis: &crate::analysis::Analysis) -> MachineRow {
        let diagnosis = analysis.files.iter().any(|f| f.is_text()).then(|| crate::diagnose::Diagnosis::run(analysis));
        let report = diagnosis.as_ref().map(|d| Report::from_diagnosis(analysis, d, super::report::ReportLimits::FULL));
        match (report, diagnosis) {
            // Nothing read (a damaged zip read as one line of bytes, a folder of binaries): listed
            // as unreadable with why, not as a machine with no scan.
            (Some(r), Some(d)) if r.summary.entries != 0 || analysis.warnings.is_empty() => {
                let mut row = MachineRow::from_report(machine, bundle, &r);
                let facts = super::row_facts::RowFacts::of(analysis);
                if let Some(b) = super::row_facts::blocking(analysis, &d) {
                    (row.blocking, row.blocking_from) = (b.value, b.from);
                }
                // Named by its computer where its logs state it; `bundle` keeps where it was read.
                if let Some(c) = facts.computer {
                    row.machine = c.value.clone();
                    (row.computer, row.computer_from) = (c.value, c.from);
                }
                for (fact, value, from) in [
                    (facts.entra_device_id, &mut row.entra_device_id, &mut row.entra_device_id_from),
                    (facts.management_point, &mut row.management_point, &mut row.management_point_from),
                    (facts.site_code, &mut row.site_code, &mut row.site_code_from),
                ] {
                    if let Some(f) = fact {
                        (*value, *from) = (f.value, f.from);
                    }
                }
                if let Some(p) = facts.proxy.filter(|_| row.proxy.is_empty()) {
                    (row.proxy, row.proxy_from) = (p.value, p.from);
                }
                if let Some(o) = facts.os_build {
                    (row.os_build, row.os_build_from) = (o.value, o.from);
                }
                if let Some((cache, mode)) = facts.delivery {
                    (row.do_mode, row.do_cache_host, row.do_from) = (mode.value, cache, mode.from);
                }
                row.place_in_site(&super::row_facts::SiteFacts::of(analysis));
                row
            }
            (_, _) => {
                let why = analysis
                    .warnings
                    .first()
                    .map(|w| format!("{}: {}", w.name, w.message))
                    .or_else(|| analysis.files.first().and_then(|f| f.notes.first().cloned()))
                    .unwrap_or_else(|| "no text log in it".into());
                MachineRow::unreadable(machine, bundle, &why)
            }
        }
    }

    /// A ConfigMgr client's place in its site, and the onset of its failing scans where the
    /// chain's scan link fails and Windows Update's own searches gave none.
    fn place_in_site(&mut self, site: &super::row_facts::SiteFacts) {
        for (fact, value, from) in [
            (&site.ad_site, &mut self.ad_site, &mut self.ad_site_from),
            (&site.client_version, &mut self.client_version, &mut self.client_version_from),
            (&site.sup_location, &mut self.sup_location, &mut self.sup_location_from),
            (&site.window_next, &mut self.window_next, &mut self.window_next_from),
        ] {
            if let Some(f) = fact {
                (*value, *from) = (f.value.clone(), f.from.clone());
            }
        }
        if let Some(f) = site.site.as_ref().filter(|_| self.site_code.is_empty()) {
            (self.site_code, self.site_code_from) = (f.value.clone(), f.from.clone());
        }
        (self.dps, self.dps_from) = (site.dps.join(";"), site.dps_from.clone());
        if let Some(f) = &site.dp_failed {
            (self.dp_failed, self.dp_failed_code, self.dp_failed_from) = (f.value.clone(), site.dp_failed_code.clone(), f.from.clone());
        }
        self.window_types_missing = site.window_types_missing.join(";");
        self.sync_failing = site.sync_failing.iter().map(|(h, _)| h.as_str()).collect::<Vec<_>>().join(";");
        if let Some((_, f)) = site.sync_failing.first() {
            (self.sync_failing_since, self.sync_failing_from) = (f.value.clone(), f.from.clone());
        }
        if let Some((on, f)) = &site.updates_feature {
            (self.software_updates, self.software_updates_from) = (if *on { "on" } else { "off" }.to_string(), f.from.clone());
        }
        let scan_failed = self.links.iter().any(|l| l.link == LinkId::Scan && l.state == LinkState::Failed);
        if scan_failed && self.failing_since.is_empty() {
            if let Some((since, last, ok)) = site.scan_onset() {
                (self.failing_since, self.last_failure, self.last_success) = (since, last, ok);
            }
        }
    }

    /// A bundle that gave no report: it is listed with why, never dropped.
    pub fn unreadable(machine: &str, bundle: &str, problem: &str) -> MachineRow {
        MachineRow {
            machine: machine.to_string(),
            bundle: bundle.to_string(),
            status: "unreadable".into(),
            problem: problem.to_string(),
            wulens_version: env!("CARGO_PKG_VERSION").to_string(),
            ..MachineRow::default()
        }
    }

    /// Its key among the machines with no failure: its status, an `ok` without a ConfigMgr
    /// scan told apart (`FleetSummary::no_failure`).
    fn no_failure_key<'a>(&self, status: &'a str) -> &'a str {
        if status == "ok" && !self.configmgr_scan {
            "ok_windows_update"
        } else {
            status
        }
    }

    /// The root cause this machine is grouped by; empty when nothing failed.
    pub fn cause(&self) -> Cause {
        Cause { failed_at: self.failed_at.clone(), root_code: self.root_code.clone(), finding: self.finding.clone() }
    }

    /// The row's values in `CSV_COLUMNS` order.
    pub fn csv_values(&self) -> Vec<String> {
        let codes: Vec<String> = self.codes.iter().map(|c| format!("{}x{}", c.code, c.count)).collect();
        vec![
            self.machine.clone(),
            self.bundle.clone(),
            self.status.clone(),
            self.failed_at.clone(),
            self.root_code.clone(),
            self.root_symbol.clone(),
            self.finding.clone(),
            self.findings.join(";"),
            codes.join(";"),
            self.update_source.clone(),
            self.wsus_server.clone(),
            self.proxy.clone(),
            self.first_time.clone(),
            self.last_time.clone(),
            self.files.to_string(),
            self.lines.to_string(),
            self.wulens_version.clone(),
            self.problem.clone(),
            self.verdict.clone(),
            self.computer.clone(),
            self.computer_from.clone(),
            self.entra_device_id.clone(),
            self.entra_device_id_from.clone(),
            self.management_point.clone(),
            self.management_point_from.clone(),
            self.site_code.clone(),
            self.site_code_from.clone(),
            self.update_ring.clone(),
            self.update_ring_from.clone(),
            self.blocking.clone(),
            self.blocking_from.clone(),
            self.ad_site.clone(),
            self.client_version.clone(),
            self.sup_location.clone(),
            self.dps.clone(),
            self.dp_failed.clone(),
            self.dp_failed_code.clone(),
            self.window_types_missing.clone(),
            self.window_next.clone(),
            self.software_updates.clone(),
            self.sync_failing.clone(),
            self.links.iter().map(LinkRow::csv).collect::<Vec<_>>().join(";"),
            self.failing_since.clone(),
            self.last_failure.clone(),
            self.last_success.clone(),
        ]
    }
}

/// Rows as CSV: the `CSV_COLUMNS` header, then a line per row (fields quoted when they hold a
/// comma, a quote or a line break). `wulens fleet --format csv` and the web page's export.
pub fn csv(rows: &[MachineRow]) -> String {
    fn field(out: &mut String, v: &str) {
        if v.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&v.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(v);
        }
    }
    let mut out = String::new();
    let mut line = |values: &mut dyn Iterator<Item = &str>| {
        for (i, v) in values.enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, v);
        }
        out.push('\n');
    };
    line(&mut CSV_COLUMNS.iter().copied());
    for r in rows {
        let values = r.csv_values();
        line(&mut values.iter().map(String::as_str));
    }
    out
}

/// Rows as NDJSON: one `MachineRow` object per line (`wulens fleet --format ndjson`).
pub fn ndjson(rows: &[MachineRow]) -> String {
    let mut out = String::new();
    for r in rows {
        // A row is strings and numbers: serializing it cannot fail.
        out.push_str(&serde_json::to_string(r).unwrap_or_default());
        out.push('\n');
    }
    out
}

fn severity_rank(s: FindingSeverity) -> u8 {
    match s {
        FindingSeverity::Error => 0,
        FindingSeverity::Warning => 1,
        FindingSeverity::Info => 2,
    }
}

/// Where a failed machine broke and the code at its root: the failed scan step first (what
/// ConfigMgr admins act on), then the WSUS synchronization, then the latest failed operation,
/// then the first failed statement.
fn where_it_broke(r: &Report) -> (String, Option<String>) {
    for (name, flow) in [("ConfigMgr scan", &r.scan_flow), ("WSUS synchronization", &r.sync_flow)] {
        if let Some(n) = flow.failed_step {
            let step = flow.steps.iter().find(|s| s.number == n);
            let short = step.map(|s| s.short.as_str()).unwrap_or_default();
            let code = step.and_then(|s| s.codes.first().cloned());
            return (format!("{name} step {n} ({short})"), code);
        }
    }
    let failed: Vec<&OperationReport> = r.operations.items.iter().filter(|o| o.outcome == Outcome::Failed).collect();
    if let Some(o) = failed.iter().max_by_key(|o| o.end.as_ref().or(o.start.as_ref()).and_then(|e| e.time.clone())) {
        return (o.kind.noun(1).to_string(), o.root.clone().or_else(|| o.code.clone()));
    }
    if let Some(st) = r.statements.iter().find(|s| s.standing == Standing::Failed) {
        return (st.domain.name().to_string(), st.codes.first().cloned());
    }
    ("failed".into(), r.errors.first().map(|e| e.code.clone()))
}

/// When the failures of the kind of work that broke last began and ended, and its last success
/// before them: (failing since, last failure, last success), times as written. A fleet's
/// machines that began to fail together point at a change on that day.
fn onset(r: &Report) -> (String, String, String) {
    let time = |o: &&OperationReport| o.end.as_ref().or(o.start.as_ref()).and_then(|e| e.time.clone());
    let failed = |o: &&OperationReport| matches!(o.outcome, Outcome::Failed | Outcome::Recovered);
    let Some(kind) = r.operations.items.iter().filter(failed).max_by_key(time).map(|o| o.kind) else { return Default::default() };
    let mut of: Vec<(String, bool)> = r.operations.items.iter().filter(|o| o.kind == kind).filter_map(|o| time(&o).map(|t| (t, failed(&o)))).collect();
    of.sort();
    let last_failure = of.iter().rev().find(|(_, f)| *f).map(|(t, _)| t.clone()).unwrap_or_default();
    // The run of failures that ends the log, or the latest one: from the first failure after the
    // last success before the latest failure.
    let before = of.iter().filter(|(t, _)| *t <= last_failure).collect::<Vec<_>>();
    let last_ok = before.iter().rposition(|(_, f)| !*f);
    let since = before.iter().skip(last_ok.map_or(0, |i| i + 1)).find(|(_, f)| *f).map(|(t, _)| t.clone()).unwrap_or_default();
    let last_success = last_ok.map(|i| before[i].0.clone()).unwrap_or_default();
    (since, last_failure, last_success)
}

/// What a shared cause points at, as a heading: `The server http://wsus02:8530`.
pub fn shared_lead(x: &super::shared::Shared) -> String {
    use super::shared::Attribute;
    match x.attribute {
        Attribute::Server => format!("The server {}", x.value),
        Attribute::Proxy => format!("The proxy {}", x.value),
        Attribute::Update => format!("The update {}", x.value),
        Attribute::OsBuild => format!("The OS build {}", x.value),
        Attribute::CacheHost => format!("The cache server {}", x.value),
        Attribute::ManagementPoint => format!("The management point {}", x.value),
    }
}

/// What a site's cause names, as a heading: `Software update point http://sup02:8530: scans fail since 2026-11-17T14:16`.
pub fn site_cause_lead(c: &super::shared::SiteCause) -> String {
    use super::shared::SitePart;
    let since = c.onset.as_ref().map(|o| format!(" since {}", o.first_failure)).unwrap_or_default();
    let code = if c.code.is_empty() { String::new() } else { format!(" ({})", c.code) };
    match c.part {
        SitePart::SoftwareUpdatePoint => format!("Software update point {}: its clients' scans fail{since}{code}", c.value),
        SitePart::DistributionPoint => format!("Distribution point {}: its clients' content fails{code}", c.value),
        SitePart::ClientSetting => "Client setting: Software Updates is off".to_string(),
        SitePart::MaintenanceWindow => "Maintenance window: updates wait for one (waiting, not failing)".to_string(),
        SitePart::Update => format!("Update {}: its install fails on every site{code}", c.value),
    }
}

/// A site's cause in words: the contrast, the numbers, what to look at.
pub fn site_cause_words(c: &super::shared::SiteCause) -> String {
    use super::shared::SitePart;
    let evidence: Vec<String> = c.evidence.iter().map(|(m, from)| if from.is_empty() { m.clone() } else { format!("{m} ({from})") }).collect();
    let eg = if evidence.is_empty() { String::new() } else { format!(" E.g. {}", evidence.join(", ")) };
    let contrast = |what: &str| {
        format!(
            "{} of the {} machines {what}; {} of the {} other {} (Fisher's exact test, p = {:.1e}).",
            c.machines.len(),
            c.holders,
            c.others_with,
            c.others,
            if c.part == SitePart::Update { "updates' installs fail" } else { "machines whose logs show that link fail it" },
            c.p
        )
    };
    match c.part {
        SitePart::SoftwareUpdatePoint => {
            let sync: Vec<String> = c.site_logs.iter().map(|(m, from, since)| format!(" Its synchronization has failed since {since} ({m}: {from})." )).collect();
            format!("{}{} Look at that software update point, not at each client.{eg}", contrast("whose scans talk to it fail"), sync.concat())
        }
        SitePart::DistributionPoint => {
            format!("{} {} of them answered {}: look at that distribution point.{eg}", contrast("that fetch content from it fail there"), c.code_machines, c.code)
        }
        SitePart::Update => format!("{} {} of them fail with {}: a problem of that update, not of each machine.{eg}", contrast("that install it fail"), c.code_machines, c.code),
        SitePart::ClientSetting => format!(
            "{} machines have the Software Updates client setting off ({} of them scanned before it turned off); {} other machines have it on. Check the client settings deployed to their collection.{eg}",
            c.machines.len(),
            c.scanned_before,
            c.others
        ),
        SitePart::MaintenanceWindow => {
            let types: Vec<String> = c.window_types_missing.iter().map(|t| window_type_words(t)).collect();
            let none = if types.is_empty() { String::new() } else { format!(" No window of the type {} exists;", types.join(", ")) };
            let next = if c.window_next.is_empty() { String::new() } else { format!(" the next window begins at {}.", c.window_next) };
            format!(
                "{} machines' updates wait for a maintenance window, the first since {}, the longest for {} when their logs end.{none}{next}",
                c.machines.len(),
                c.waiting_since,
                duration_words(c.longest_wait_seconds)
            )
        }
    }
}

/// A maintenance-window type by its number (ServiceWindowManager's `Type:`).
fn window_type_words(t: &str) -> String {
    let name = match t {
        "1" => "All Programs",
        "2" => "Programs",
        "3" => "Reboot",
        "4" => "Software Updates",
        "5" => "Task Sequences",
        "6" => "Business hours",
        other => return format!("type {other}"),
    };
    name.to_string()
}

/// When a group's failures began, in words: the window and the machines that bound it, then the
/// contrast with the machines watched across it.
pub fn onset_words(o: &super::shared::Onset) -> String {
    let until = if o.last_first_failure.is_empty() || o.last_first_failure == o.first_failure {
        String::new()
    } else {
        format!(" to {} ({})", o.last_first_failure, o.last_first_failure_machine)
    };
    format!(
        "Every last success at or before {} ({}), every first failure from {} ({}){until}: something changed in between. \
         The {} first failures fall within {} of each other in logs of {} (by chance: {:.1e}); \
         {} of the {} other readable machines seen across that time broke in it (Fisher's exact test, p = {:.1e}).",
        o.last_success,
        o.last_success_machine,
        o.first_failure,
        o.first_failure_machine,
        o.machines,
        duration_words(o.within_seconds),
        duration_words(o.span_seconds),
        o.sharp_p,
        o.others_with,
        o.others,
        o.p
    )
}

/// `43 min`, `26 h`, `14 days`.
fn duration_words(seconds: i64) -> String {
    let minutes = (seconds + 30) / 60;
    if minutes < 120 {
        crate::model::counted(minutes.max(0) as usize, "minute", "minutes")
    } else if minutes < 48 * 60 {
        crate::model::counted(((minutes + 30) / 60) as usize, "hour", "hours")
    } else {
        crate::model::counted(((minutes + 720) / 1440) as usize, "day", "days")
    }
}

/// A shared cause in words: the contrast with its numbers, then the conclusion.
pub fn shared_words(x: &super::shared::Shared) -> String {
    use super::shared::Attribute;
    let (holds, hold, conclusion) = match x.attribute {
        Attribute::Server => (format!("use {}", x.value), "use it", "look at that server, not at each client"),
        Attribute::Proxy => (format!("go through proxy {}", x.value), "go through it", "look at that proxy"),
        Attribute::Update => (format!("fail on {}", x.value), "fail on it", "a problem of that update, not of each machine"),
        Attribute::OsBuild => (format!("run build {}", x.value), "run it", "a fault of that OS build, not of each machine"),
        Attribute::CacheHost => (format!("download from cache server {}", x.value), "download from it", "look at that Connected Cache server"),
        Attribute::ManagementPoint => (format!("report to management point {}", x.value), "report to it", "look at that management point"),
    };
    let evidence: Vec<String> = x.evidence.iter().map(|(m, from)| if from.is_empty() { m.clone() } else { format!("{m} ({from})") }).collect();
    format!(
        "{} of {} {holds}; {} of the {} other readable machines {hold} (Fisher's exact test, p = {:.1e}): {conclusion}. E.g. {}",
        x.in_group,
        x.group,
        x.others_with,
        x.others,
        x.p,
        evidence.join(", ")
    )
}

/// What machines that failed the same way share.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cause {
    /// Where it broke (`MachineRow::failed_at`).
    pub failed_at: String,
    /// The code at the root (`MachineRow::root_code`); may be empty.
    pub root_code: String,
    /// The leading finding's id (`MachineRow::finding`); may be empty.
    pub finding: String,
}

impl Cause {
    /// `ConfigMgr scan step 3 (WUA scan) · 0x8024401B (WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ) · proxy_error`.
    pub fn describe(&self, symbol: &str) -> String {
        let mut parts = vec![self.failed_at.clone()];
        if !self.root_code.is_empty() {
            parts.push(if symbol.is_empty() { self.root_code.clone() } else { format!("{} ({symbol})", self.root_code) });
        }
        if !self.finding.is_empty() {
            parts.push(format!("finding {}", self.finding));
        }
        parts.join(" · ")
    }
}

/// Machines that failed the same way.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CauseGroup {
    /// What the machines share.
    pub cause: Cause,
    /// The root code's symbolic name; may be empty.
    pub root_symbol: String,
    /// The machines' names, sorted.
    pub machines: Vec<String>,
    /// What these machines share and the rest of the fleet does not (output/shared.rs: the
    /// rule and its thresholds), strongest first.
    #[serde(default)]
    pub shared: Vec<super::shared::Shared>,
    /// When their failures began, where they all last succeeded before any failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<super::shared::Onset>,
}

/// A fleet's machines: failed ones grouped by cause (largest group first), the others by status.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct FleetSummary {
    /// Rows summarised (every machine, readable or not).
    pub machines: usize,
    /// Failed machines grouped by cause, largest group first.
    pub groups: Vec<CauseGroup>,
    /// Machines with no failure, by status (`ok`, `incomplete`, `no_scan`), names sorted; `ok`
    /// only where a ConfigMgr client scan completed, `ok_windows_update` where Windows Update's
    /// own work found no failure and the logs hold no ConfigMgr scan.
    pub no_failure: Vec<(String, Vec<String>)>,
    /// (machine, why) for bundles that could not be read.
    pub unreadable: Vec<(String, String)>,
    /// Each update the rows name, by state across the readable machines, the most failing
    /// first (output/compliance.rs).
    #[serde(default)]
    pub compliance: Vec<super::compliance::UpdateCompliance>,
    /// What the site's clients share (output/shared.rs, `site_causes`): the software update
    /// point, distribution point, client setting, maintenance window or update behind them,
    /// each with its machines; causes overlap.
    #[serde(default)]
    pub causes: Vec<super::shared::SiteCause>,
}

impl FleetSummary {
    /// Group the rows: failed ones by [`Cause`], the others by status, unreadable ones apart.
    pub fn of(rows: &[MachineRow]) -> FleetSummary {
        let mut groups: Vec<CauseGroup> = Vec::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut no_failure: Vec<(String, Vec<String>)> = Vec::new();
        let mut unreadable = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            match row.status.as_str() {
                "failed" => {
                    let cause = row.cause();
                    match groups.iter().position(|g| g.cause == cause) {
                        Some(g) => {
                            groups[g].machines.push(row.machine.clone());
                            members[g].push(i);
                        }
                        None => {
                            groups.push(CauseGroup {
                                cause,
                                root_symbol: row.root_symbol.clone(),
                                machines: vec![row.machine.clone()],
                                shared: Vec::new(),
                                onset: None,
                            });
                            members.push(vec![i]);
                        }
                    }
                }
                "unreadable" => unreadable.push((row.machine.clone(), row.problem.clone())),
                status => match no_failure.iter_mut().find(|(s, _)| s == row.no_failure_key(status)) {
                    Some((_, v)) => v.push(row.machine.clone()),
                    None => no_failure.push((row.no_failure_key(status).to_string(), vec![row.machine.clone()])),
                },
            }
        }
        let facts: Vec<super::shared::Facts> = rows.iter().map(MachineRow::facts).collect();
        for (g, m) in groups.iter_mut().zip(&members) {
            g.machines.sort();
            g.shared = super::shared::shared(&facts, m);
            g.onset = super::shared::onset(&facts, m);
        }
        groups.sort_by(|a, b| b.machines.len().cmp(&a.machines.len()).then_with(|| a.cause.cmp(&b.cause)));
        for (_, v) in &mut no_failure {
            v.sort();
        }
        no_failure.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        unreadable.sort();
        let updates: Vec<super::compliance::MachineUpdates> = rows.iter().map(MachineRow::compliance_facts).collect();
        let compliance = super::compliance::compliance(&updates);
        let causes = super::shared::site_causes(&facts);
        FleetSummary { machines: rows.len(), groups, no_failure, unreadable, compliance, causes }
    }

    /// The grouping as text: largest group first, a few machine names each.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let names = |v: &[String]| {
            let shown: Vec<&str> = v.iter().take(5).map(String::as_str).collect();
            if v.len() > shown.len() {
                format!("{} (+{} more)", shown.join(", "), v.len() - shown.len())
            } else {
                shown.join(", ")
            }
        };
        let failed: usize = self.groups.iter().map(|g| g.machines.len()).sum();
        let mut s = String::new();
        let _ = writeln!(
            s,
            "wulens fleet | {}: {failed} failed, {} unreadable",
            crate::model::counted(self.machines, "machine", "machines"),
            self.unreadable.len()
        );
        if !self.causes.is_empty() {
            let _ = writeln!(s, "\nWhat the site's clients share ({})", crate::model::counted(self.causes.len(), "cause", "causes"));
            for c in &self.causes {
                let _ = writeln!(s, "  {:>5}  {}", c.machines.len(), site_cause_lead(c));
                let _ = writeln!(s, "         {}", names(&c.machines));
                let _ = writeln!(s, "         {}", site_cause_words(c));
                if let Some(o) = &c.onset {
                    let words = onset_words(o);
                    let _ = writeln!(s, "         onset: {}", lower_first(words.trim_end_matches('.')));
                }
            }
        }
        let _ = writeln!(s, "\nRoot causes ({}, largest first)", crate::model::counted(self.groups.len(), "group", "groups"));
        if self.groups.is_empty() {
            let _ = writeln!(s, "  no machine failed");
        }
        for g in &self.groups {
            let _ = writeln!(s, "  {:>5}  {}", g.machines.len(), g.cause.describe(&g.root_symbol));
            let _ = writeln!(s, "         {}", names(&g.machines));
            for x in &g.shared {
                let _ = writeln!(s, "         shared: {}", shared_words(x));
            }
            if let Some(o) = &g.onset {
                let words = onset_words(o);
                let _ = writeln!(s, "         onset: {}", lower_first(words.trim_end_matches('.')));
            }
        }
        let _ = writeln!(s, "\nNo failure");
        if self.no_failure.is_empty() {
            let _ = writeln!(s, "  none");
        }
        for (status, v) in &self.no_failure {
            let label = super::words::no_failure_words(status);
            let _ = writeln!(s, "  {:>5}  {label}: {}", v.len(), names(v));
        }
        if !self.unreadable.is_empty() {
            let _ = writeln!(s, "\nCould not be read");
            for (m, why) in &self.unreadable {
                let _ = writeln!(s, "  {m}: {why}");
            }
        }
        s
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(machine: &str, status: &str, failed_at: &str, code: &str, finding: &str) -> MachineRow {
        MachineRow {
            machine: machine.into(),
            status: status.into(),
            failed_at: failed_at.into(),
            root_code: code.into(),
            finding: finding.into(),
            ..MachineRow::default()
        }
    }

    #[test]
    fn machines_group_by_cause_largest_first() {
        let rows = vec![
            row("b", "failed", "ConfigMgr scan step 3 (WUA scan)", "0x8024401B", "proxy_error"),
            row("a", "failed", "ConfigMgr scan step 3 (WUA scan)", "0x8024401B", "proxy_error"),
            row("c", "failed", "servicing session", "0x800F081F", "cbs_store_corruption"),
            MachineRow { configmgr_scan: true, ..row("d", "ok", "", "", "") },
            MachineRow::unreadable("e", "e.zip", "not a zip"),
            row("f", "ok", "", "", ""),
        ];
        let f = FleetSummary::of(&rows);
        assert_eq!(f.machines, 6);
        assert_eq!(f.groups.len(), 2);
        assert_eq!(f.groups[0].machines, vec!["a", "b"]);
        assert_eq!(f.groups[1].cause.root_code, "0x800F081F");
        // A ConfigMgr scan completed on d; f's logs hold Windows Update's own work alone.
        assert_eq!(f.no_failure, vec![("ok".to_string(), vec!["d".to_string()]), ("ok_windows_update".to_string(), vec!["f".to_string()])]);
        assert_eq!(f.unreadable, vec![("e".to_string(), "not a zip".to_string())]);
        let t = f.text();
        assert!(t.contains("6 machines: 3 failed, 1 unreadable"), "{t}");
        assert!(t.contains("1  scan completed: d\n"), "{t}");
        assert!(t.contains("1  no failure in Windows Update's own work, no ConfigMgr scan in the logs: f\n"), "{t}");
        assert_eq!((crate::output::words::row_status_words("ok", true), crate::output::words::row_status_words("ok", false)), ("Scan completed", "No failure"));
        assert!(t.find("0x8024401B").unwrap() < t.find("0x800F081F").unwrap(), "{t}");
    }

    #[test]
    fn csv_values_follow_the_columns() {
        let r = row("a", "failed", "x", "0x1", "f");
        assert_eq!(r.csv_values().len(), CSV_COLUMNS.len());
    }

    #[test]
    fn csv_and_ndjson_exports() {
        let mut r = row("PC \"1\"", "failed", "step 3, WUA scan", "0x1", "f");
        r.verdict = "line one\nline two".into();
        r.codes = vec![CodeTally { code: "0x1".into(), count: 2 }];
        let csv = csv(&[r.clone(), row("b", "ok", "", "", "")]);
        let lines: Vec<&str> = csv.split('\n').collect();
        assert_eq!(lines[0], CSV_COLUMNS.join(","));
        assert!(lines[1].starts_with("\"PC \"\"1\"\"\",,failed,\"step 3, WUA scan\",0x1,,f,,0x1x2,"), "{}", lines[1]);
        assert!(csv.contains(&format!("\"line one\nline two\"{}\n", ",".repeat(CSV_COLUMNS.len() - 19))), "{csv}");
        assert!(csv.ends_with(&format!("\nb,,ok,,,,,,,,,,,,0,0{}\n", ",".repeat(CSV_COLUMNS.len() - 16))), "{csv}");
        let nd = ndjson(&[r.clone()]);
        assert_eq!(nd.lines().count(), 1);
        assert_eq!(serde_json::from_str::<MachineRow>(nd.trim_end()).unwrap(), r);
    }

    /// Rows written before the machine attributes still parse, with them empty.
    #[test]
    fn an_older_row_without_the_machine_attributes_parses() {
        let mut v = serde_json::to_value(row("a", "ok", "", "", "")).unwrap();
        let added = ["computer", "entra_device_id", "management_point", "site_code", "update_ring", "blocking"];
        for k in added {
            v.as_object_mut().unwrap().remove(k);
            v.as_object_mut().unwrap().remove(&format!("{k}_from"));
        }
        let old: MachineRow = serde_json::from_value(v).unwrap();
        assert_eq!(old, row("a", "ok", "", "", ""));
        for k in added {
            assert!(CSV_COLUMNS.contains(&k) && CSV_COLUMNS.contains(&format!("{k}_from").as_str()), "{k} is a CSV column");
        }
    }
}
