//! The report: what `wulens analyze --format json` prints, what the web app shows and exports.
//! This file is the one definition of that JSON contract (ARCHITECTURE.md, "Contracts"): the CLI
//! serializes these types and the page deserializes the same types. Add fields, never rename.

pub use crate::model::UpdateRow;
use serde::{Deserialize, Serialize};
use wulens_kb::{Decoded, EntryDoc, Source, Step};

use crate::model::{
    CycleOutcome, Domain, Evidence, FindingSeverity, InputWarning, LedgerRow, LinkId, LinkState, OffsetSource, OperationKind, Outcome, RunOn, Setting,
    Standing, StepStatus, UpdateSource, VerdictStatus,
};

/// How much of the long lists a report carries (counts are always complete).
#[derive(Clone, Copy, Debug)]
pub struct ReportLimits {
    /// Occurrences listed per code.
    pub occurrences: usize,
    /// Update rows (a real scan has hundreds; generated noise can have millions).
    pub updates: usize,
    /// Operations listed (failures first, then the latest); groups always count them all.
    pub operations: usize,
}

// The diagnosis writes out as many ledger rows as the fullest report lists.
const _: () = assert!(ReportLimits::FULL.updates <= crate::diagnose::LEDGER_KEPT && ReportLimits::PAGE.updates <= ReportLimits::FULL.updates);

impl ReportLimits {
    /// The CLI's JSON and the exports.
    pub const FULL: ReportLimits = ReportLimits { occurrences: 200, updates: 5000, operations: 1000 };
    /// What the web page renders: small enough to parse and draw without blocking it.
    pub const PAGE: ReportLimits = ReportLimits { occurrences: 12, updates: 1000, operations: 300 };
}

/// The whole report of one drop (the JSON contract; see the module doc). Built by
/// [`Report::build`]; [`crate::text`] and [`crate::markdown`] render it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Report {
    /// The program that wrote the report.
    pub tool: Tool,
    /// The verdict and the drop's totals: the first screen.
    pub summary: Summary,
    /// One per file read (a zip's members each count), sorted by name.
    pub files: Vec<FileReport>,
    /// Inputs that are not files of their own, and what went wrong with them (a bad zip, a bomb).
    pub warnings: Vec<InputWarning>,
    /// Most significant first.
    pub errors: Vec<ErrorReport>,
    /// The ConfigMgr client's scan flow (`client_scan`); every step `unknown` when no client log was given.
    pub scan_flow: FlowReport,
    /// The WSUS server's synchronization flow (`wsus_sync`).
    pub sync_flow: FlowReport,
    /// Where the ConfigMgr software-update chain stands, link by link: the client's (policy,
    /// scan, deployment, content, maintenance window, install, restart) where a ConfigMgr client
    /// log was given, the site's (WSUS configuration, WSUS health, synchronization, software
    /// update points) where a site server's log was. Empty for neither.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<ChainLinkReport>,
    /// The rules that matched (`crates/core/rules/`), most severe first.
    pub findings: Vec<FindingReport>,
    /// At most `ReportLimits::updates` rows (missing first); `updates_total` counts them all.
    pub updates: Vec<UpdateRow>,
    /// Every update row found, listed or not.
    pub updates_total: usize,
    /// The update ledger: at most `ReportLimits::updates` rows, failing and stalled first, each
    /// update or servicing target with its steps across the logs (at most [`LEDGER_STEPS`] of
    /// them: the first and the latest), its state and the joins that made it one row.
    #[serde(default)]
    pub ledger: Vec<LedgerRow>,
    /// Every ledger row, listed or not.
    #[serde(default)]
    pub ledger_total: usize,
    /// The client's configuration: Windows Update policy, WinHTTP proxy, MDM update ring.
    pub configuration: ConfigReport,
    /// What to check next, most useful first, with commands for this machine.
    pub next_checks: Vec<NextCheck>,
    /// What to collect to settle what these logs leave open (a failure without the log that
    /// says why, work still running when the logs end, scan steps no dropped log shows), most
    /// pressing first, each with its command; never something the drop already holds.
    #[serde(default)]
    pub collect_next: Vec<CollectNextReport>,
    /// What each kind of work in the logs came to, one sentence each, failures first: the
    /// verdict is these sentences joined. Each names its lines.
    pub statements: Vec<StatementReport>,
    /// The operations the logs show, from start to end: the Windows Update agent's searches,
    /// downloads and installs (whoever asked), DISM and CBS sessions, component-store checks,
    /// setup runs, task sequences, the ConfigMgr client's installation and evaluations.
    pub operations: OperationsReport,
    /// Where the client gets its updates, as the drop shows it: `wsus`, `public` (Windows
    /// Update, Microsoft Update, the Store) or `unknown`.
    pub update_source: UpdateSource,
    /// The machines of the drop when it looks like several: folders that each hold the same log,
    /// or else files the logs' content tells apart (two computer names, another Windows, another
    /// release line at the same time, a year between copies of one log); each with its label and
    /// its files. Empty when the drop looks like one machine. The verdict and the first screen
    /// say so first.
    #[serde(default)]
    pub machines: Vec<MachineReport>,
    /// True for a report whose identifiers were replaced by pseudonyms (`analyze --redact`,
    /// the page's Share panel, a saved report made from them): it is never redacted again.
    /// Left out when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
}

/// One link of the ConfigMgr chain (`Report::chain`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ChainLinkReport {
    /// Which link (`policy`, `scan`, `deployment`, `content`, `window`, `install`, `restart`,
    /// `wsus_config`, `wsus_health`, `site_sync`, `server_sync`).
    pub link: LinkId,
    /// Its name in a few words (`Content`).
    pub title: String,
    /// Where it stands when the logs end.
    pub state: LinkState,
    /// What the logs say of it, in a sentence.
    pub summary: String,
    /// The lines that prove it (none for a link no log shows).
    pub evidence: Vec<Evidence>,
}

/// The chain's parts with their titles: the client's links, then the site's, each where it has
/// any (the renderings and the page draw them in this order).
pub fn chain_parts(chain: &[ChainLinkReport]) -> Vec<(&'static str, Vec<&ChainLinkReport>)> {
    let part = |ids: &[LinkId]| chain.iter().filter(|l| ids.contains(&l.link)).collect::<Vec<_>>();
    [("ConfigMgr client chain", part(&LinkId::CLIENT)), ("Site software update point", part(&LinkId::SITE))]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// One thing to collect next (`Report::collect_next`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CollectNextReport {
    /// Its id in `crates/core/collect/artifacts.toml` (`servicing_logs`).
    pub artifact: String,
    /// What it is, in words (`CBS and DISM logs`).
    pub what: String,
    /// Where to run `command`: `client`, `site_server` or `wsus_server`.
    pub on: RunOn,
    /// The PowerShell command that collects it into C:\Temp\wulens.
    pub command: String,
    /// Why this drop needs it: the open question, in a sentence.
    pub why: String,
    /// The lines that leave the question open.
    pub evidence: Vec<Evidence>,
}

/// One machine of a drop of several (`Report::machines`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(from = "MachineWire")]
pub struct MachineReport {
    /// The computer name a log states, else its folder, else its Windows build and dates.
    pub label: String,
    /// Its files, as the report names them (`files[].name`).
    pub files: Vec<String>,
}

/// A machine as read: an object, or (reports written before machines carried their files) its
/// label alone.
#[derive(Deserialize)]
#[serde(untagged)]
enum MachineWire {
    Full {
        label: String,
        #[serde(default)]
        files: Vec<String>,
    },
    Label(String),
}

impl From<MachineWire> for MachineReport {
    fn from(w: MachineWire) -> Self {
        match w {
            MachineWire::Full { label, files } => MachineReport { label, files },
            MachineWire::Label(label) => MachineReport { label, files: Vec::new() },
        }
    }
}

/// One sentence of the verdict: what one kind of work came to, with its lines.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct StatementReport {
    /// The kind of work it is about.
    pub domain: Domain,
    /// How that work fared.
    pub standing: Standing,
    /// The sentence.
    pub text: String,
    /// The lines that prove it.
    pub evidence: Vec<Evidence>,
    /// The codes it names (`0x8024401B`).
    pub codes: Vec<String>,
}

/// The operations of the drop: counted by kind and caller, the notable ones listed.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct OperationsReport {
    /// Every operation found.
    pub total: usize,
    /// Counts by kind and caller, every operation counted.
    pub groups: Vec<OperationGroup>,
    /// At most `ReportLimits::operations`: failed, cancelled and still running ones first, then
    /// the latest; in time order within each.
    pub items: Vec<OperationReport>,
}

/// The operations of one kind asked for by one caller, counted by outcome.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct OperationGroup {
    /// The kind of operation counted.
    pub kind: OperationKind,
    /// Who asked (`CcmExec`, `MoUpdateOrchestrator`, `Device Driver Retrieval Client`, a CBS client); may be empty.
    pub caller: String,
    /// The caller in plain words, with its id (`the ConfigMgr client (CcmExec)`); an id wulens
    /// does not know as given.
    #[serde(default)]
    pub caller_words: String,
    /// Operations in the group.
    pub total: usize,
    /// Those that succeeded.
    pub succeeded: usize,
    /// Those that failed with nothing later recovering them.
    pub failed: usize,
    /// Failed, then succeeded on a later try of the same caller (not counted in `failed`).
    #[serde(default)]
    pub recovered: usize,
    /// Those a caller or a user cancelled.
    pub cancelled: usize,
    /// Those still running when the log ends.
    pub running: usize,
    /// Those with no end logged: the service restarted or another run began.
    pub interrupted: usize,
    /// Those whose lines give no result.
    pub unknown: usize,
    /// Failure codes of the failed ones, most frequent first.
    pub codes: Vec<String>,
}

/// One operation the logs show: what it was, who asked, how it ended, and its lines.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct OperationReport {
    /// What kind of operation it is.
    pub kind: OperationKind,
    /// `search`, `DISM session`, ...
    pub title: String,
    /// What it was: a DISM command line, setup's command line; may be empty.
    pub label: String,
    /// Who asked, as the log writes it (`CcmExec`); may be empty.
    pub caller: String,
    /// The caller in plain words, with its id (see `OperationGroup::caller_words`).
    #[serde(default)]
    pub caller_words: String,
    /// The update it worked on, as its lines name it (an update id, an event's title with its
    /// KB, a Store app's product id and package); absent when they do not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<String>,
    /// The service searched (`Windows Update`, `Microsoft Update`, `WSUS (managed server)`), when the log names it.
    pub service: Option<String>,
    /// `Yes` / `No` for the agent's searches, when the log says.
    pub online: Option<String>,
    /// The log it was read from (display name).
    pub file: String,
    /// Its first line.
    pub start: Option<Evidence>,
    /// Its end line; absent when it has none, or when that is its first line.
    pub end: Option<Evidence>,
    /// How it ended, or that it had not when the log ends.
    pub outcome: Outcome,
    /// Its result code (`Exit code = ...`), success codes included.
    pub code: Option<String>,
    /// The error before it that explains it.
    pub root: Option<String>,
    /// Failure codes on its way, with how often, most frequent first.
    pub codes_seen: Vec<CodeCount>,
    /// Why, in words, when a line says it.
    pub cause: Option<String>,
    /// Its lines: start, results, causes, end.
    pub evidence: Vec<Evidence>,
    /// The line of another log that names this operation as part of a larger one it served (a
    /// Delivery Optimization job the Windows Update agent's download call names); that one
    /// counts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served: Option<Evidence>,
}

/// A code and how often it was seen.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CodeCount {
    /// The code (`0x80240022`).
    pub code: String,
    /// How many times.
    pub count: u32,
}

/// The program that wrote the report.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Tool {
    /// Always `wulens`.
    pub name: String,
    /// The wulens version that wrote it (the core crate's `CARGO_PKG_VERSION`).
    pub version: String,
}

/// The verdict and the drop's totals: what the first screen shows.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Summary {
    /// `failed`, `ok`, `incomplete` (steps not witnessed) or `no_scan` (no client scan logs).
    pub status: VerdictStatus,
    /// The first screen, at most three sentences: is the machine failing now (and since when),
    /// why, and what to do first.
    pub verdict: String,
    /// The verdict's standing in words for what was dropped: `Updates failing`, `Servicing
    /// failed`, `Scan failed` (a ConfigMgr client scan), `Recovered`, `No failure found`, ...
    #[serde(default)]
    pub badge: String,
    /// The detail below it: one sentence per kind of work the logs show, failed ones first.
    #[serde(default)]
    pub detail: String,
    /// Files read (a zip's members each count).
    pub files: usize,
    /// Physical lines across all files.
    pub lines: u64,
    /// Parsed records across all files (unparsed lines not counted).
    pub entries: u64,
    /// Distinct failure codes found (the length of [`Report::errors`]).
    pub distinct_errors: usize,
    /// Time of the drop's earliest timed record (in UTC order), as written, with its offset when known.
    pub first_time: Option<String>,
    /// Time of the drop's latest timed record (in UTC order), as written, with its offset when known.
    pub last_time: Option<String>,
}

/// One file read: its format, size, counts, time span and time zone.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct FileReport {
    /// Display name: the path inside the drop (`CCM/Logs/WUAHandler.log`, `bundle.zip/WindowsUpdate.log`).
    pub name: String,
    /// `cmtrace`, `windowsupdate_etw`, ... (`LogFormat::id`).
    pub format: String,
    /// The format in words (`CMTrace (ConfigMgr)`, `CBS.log`).
    pub format_label: String,
    /// How its bytes were decoded (`utf-8`, `utf-16le-bom`, `windows-1252`), or `binary`.
    pub encoding: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Physical lines in its text.
    pub lines: u32,
    /// Parsed records.
    pub entries: u32,
    /// Physical lines no parser could read as a record.
    pub unparsed: u32,
    /// Records of severity error.
    pub error_entries: u32,
    /// Records of severity warning.
    pub warning_entries: u32,
    /// Time of its first timed record, as written, with its offset when known.
    pub first_time: Option<String>,
    /// Time of its last timed record, as written, with its offset when known.
    pub last_time: Option<String>,
    /// The time-zone offset its times are read in, and where it comes from.
    pub time_zone: TimeZoneReport,
    /// Things the user should know about it (truncation, invalid bytes, why it was skipped).
    pub notes: Vec<String>,
    /// For an older generation of a log (`X.lo_`, `X-20240601-120000.log`): the log it
    /// continues (`X.log`), which the viewer shows with it as one tab. Absent otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rotated_from: String,
    /// For a file read from inside a bundle (a zip, a cab, one inside another): that bundle's
    /// path in the drop (`DiagLogs-PC-1-20261120T101500Z.zip`, or for the cab an Intune
    /// diagnostics zip holds, `DiagLogs-...zip/(77) FoldersFiles temp_MDMDiagnostics_..._cab/mdmlogs-....cab`).
    /// Absent for a file dropped as it is.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bundle: String,
    /// Its path inside that bundle (`(63) FoldersFiles windows_logs_WindowsUpdate/WindowsUpdate.20261120.101500.001.etl`):
    /// where the collector put it. Absent for a file dropped as it is.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub member: String,
}

/// The time-zone offset of a file's times, and where it comes from.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct TimeZoneReport {
    /// ISO offset in minutes (east of UTC is positive: UTC-07:00 is -420).
    pub offset_minutes: i32,
    /// `UTC-07:00`
    pub offset: String,
    /// Where it comes from (stated by the log, the format's UTC, assumed, set by the user).
    pub source: OffsetSource,
    /// Says how the offset was found or why it is assumed.
    pub note: String,
}

/// One failure code of the drop: what it means and where it was seen.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ErrorReport {
    /// The code, 8 hex digits (`0x8024401B`), however the log wrote it.
    pub code: String,
    /// Its symbolic name (`WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ`): the knowledge base's, else the one the log wrote beside it; may be empty.
    pub symbol: String,
    /// The knowledge base's message for it; empty when it does not know the code.
    pub message: String,
    /// Records (entries or unparsed lines) that mention it, once per record.
    pub count: u32,
    /// Time of its earliest timed mention (in UTC order), as written.
    pub first_seen: Option<String>,
    /// Time of its latest timed mention (in UTC order), as written.
    pub last_seen: Option<String>,
    /// The files that mention it, in the order of the files.
    pub files: Vec<String>,
    /// Its mentions, at most [`ReportLimits::occurrences`], in file then line order.
    pub occurrences: Vec<Evidence>,
    /// All its mentions, listed or not.
    pub occurrences_total: usize,
    /// The knowledge base's entry for it (causes, what to do, sources), when it has one.
    pub kb: Option<EntryDoc>,
    /// The code's parts (severity, facility, code), as any 32-bit code decodes.
    pub decoded: Decoded,
    /// Where this drop writes it, by the entry's contexts (`kb.contexts`): each context its
    /// mentions match, most mentions first. Empty when none matches (or no entry has contexts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub here: Vec<ContextHere>,
    /// Every mention was written by a component outside the update chain (client notification,
    /// the fallback status point, inventory, application deployment): the code means what that
    /// component says (`here`), and the knowledge base's update advice does not apply. Written
    /// only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outside_updates: bool,
}

/// A context of a code's knowledge-base entry that its mentions in this drop match.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ContextHere {
    /// The context's index in the entry's `contexts`.
    pub context: usize,
    /// How many of the code's mentions match it.
    pub mentions: usize,
    /// The first of them.
    pub first: Evidence,
}

/// A flow (`crates/core/flows/*.toml`) as the logs show it: its steps in the latest cycle, and its cycles.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct FlowReport {
    /// The flow's id (`client_scan`, `wsus_sync`).
    pub id: String,
    /// Its title for people.
    pub title: String,
    /// Its steps in order, as they stand in the latest cycle.
    pub steps: Vec<StepReport>,
    /// The number of the latest cycle's first failed step.
    pub failed_step: Option<u8>,
    /// The latest scan cycles (at most `diagnose::MAX_CYCLES`), oldest first; the steps above
    /// describe the last one. `cycles_total` counts them all.
    pub cycles: Vec<CycleReport>,
    /// Every cycle the logs show, listed or not.
    pub cycles_total: usize,
}

impl OperationGroup {
    /// `["12 ok", "2 failed", "1 running"]`: the succeeded count (in `ok` words), then each
    /// other outcome that happened. The text and the Markdown say a group this way.
    pub fn count_words(&self, ok: &str) -> Vec<String> {
        let mut counts = vec![format!("{} {ok}", self.succeeded)];
        let others = [
            (self.failed, "failed"),
            (self.recovered, "recovered"),
            (self.cancelled, "cancelled"),
            (self.running, "running"),
            (self.interrupted, "no end"),
            (self.unknown, "no result"),
        ];
        counts.extend(others.iter().filter(|(n, _)| *n > 0).map(|(n, w)| format!("{n} {w}")));
        counts
    }
}

impl FlowReport {
    /// True when any log showed any step of this flow.
    pub fn witnessed(&self) -> bool {
        !self.cycles.is_empty()
    }

    /// Some log that would witness one of its steps was given (whether or not it shows a cycle).
    pub fn logs_given(&self) -> bool {
        self.steps.iter().any(|s| s.logs.len() > s.missing_logs.len())
    }

    /// Step number `n` (1-based), if the flow has it.
    pub fn step(&self, n: u8) -> Option<&StepReport> {
        self.steps.iter().find(|s| s.number == n)
    }
}

/// One step of a flow in the latest cycle: its status, why, its lines and what to do.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct StepReport {
    /// 1-based position in the flow.
    pub number: u8,
    /// Its title for people.
    pub title: String,
    /// A few words for it (`WUA scan`), as a fleet row's `failed_at` names the step.
    pub short: String,
    /// How the step stands.
    pub status: StepStatus,
    /// Why this status, in a sentence.
    pub reason: String,
    /// The lines that show it (its failure, or its progress).
    pub evidence: Vec<Evidence>,
    /// Failure codes seen in this step's failure evidence.
    pub codes: Vec<String>,
    /// The logs that witness this step, and those of them that were not provided.
    pub logs: Vec<String>,
    /// Those of `logs` that were not in the drop.
    pub missing_logs: Vec<String>,
    /// What to do about it (the flow's own guidance, `flows/*.toml`), with this machine's servers
    /// filled in.
    pub guidance: Vec<Step>,
    /// Where that advice comes from (the seed article and section).
    pub sources: Vec<Source>,
}

/// One scan cycle: when it ran and how far it got.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CycleReport {
    /// 1-based number among all the cycles the logs show.
    pub number: usize,
    /// Time of its first line, as written.
    pub start: Option<String>,
    /// Time of its last line, as written.
    pub end: Option<String>,
    /// How it ended.
    pub outcome: CycleOutcome,
    /// The number of its first failed step, if one failed.
    pub failed_step: Option<u8>,
    /// The highest step that logged a success (0: none).
    pub last_step: u8,
    /// Failure codes of the failed step's lines (`0x8024401B`).
    pub codes: Vec<String>,
}

/// One rule that matched: what it found, its lines, and what to do.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct FindingReport {
    /// The rule's id (`proxy_error`), stable across versions.
    pub id: String,
    /// The rule's title for people.
    pub title: String,
    /// How much it matters.
    pub severity: FindingSeverity,
    /// What was found, with the specifics (codes, servers, counts).
    pub summary: String,
    /// The lines that show it.
    pub evidence: Vec<Evidence>,
    /// The codes it is about (`0x8024401B`).
    pub codes: Vec<String>,
    /// What to do, with this machine's servers and paths filled in.
    pub guidance: Vec<Step>,
    /// Where the rule comes from (the seed article and section).
    pub sources: Vec<Source>,
}

/// The client's configuration as the configuration inputs and the logs show it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ConfigReport {
    /// False when no configuration input was given.
    pub provided: bool,
    /// The Windows Update policy (`reg query` output or a `.reg` export), when given.
    pub policy: Option<PolicyCard>,
    /// The WinHTTP proxy (`netsh winhttp show proxy` output), when given.
    pub proxy: Option<ProxyCard>,
    /// The WSUS server ConfigMgr handed out, as the logs show it.
    pub wsus_location: Option<Setting>,
    /// Configuration that was not given, and the command that collects it.
    pub missing: Vec<MissingConfig>,
    /// Configuration files that could not be read, and why.
    pub unreadable: Vec<InputWarning>,
    /// The MDM update ring (Intune's update ring), from an `MDMDiagReport.xml`: the managed
    /// counterpart of the Windows Update policy. Absent when no MDM report was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_ring: Option<UpdateRingCard>,
    /// The update server this client uses, where the policy, the agent's log (`WSUS server:`, a
    /// search's `Server URL = `), Group Policy or ConfigMgr's location names one: the value as
    /// written and the line it was read from (the advice's commands carry it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_server: Option<Setting>,
}

/// The MDM update ring: the Policy CSP's `Update` policies an MDM report shows in force.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct UpdateRingCard {
    /// The report they were read from.
    pub file: String,
    /// The management server that set them, where the report names it (`Microsoft Intune`).
    pub server: String,
    /// `DeferQualityUpdatesPeriodInDays`: days a quality update waits after its release.
    pub defer_quality_days: Option<Setting>,
    /// `DeferFeatureUpdatesPeriodInDays`: days a feature update waits after its release.
    pub defer_feature_days: Option<Setting>,
    /// A pause of quality updates: its start date (`PauseQualityUpdatesStartTime`), or the
    /// `PauseQualityUpdates` flag alone.
    pub pause_quality: Option<Setting>,
    /// A pause of feature updates, as `pause_quality` (`PauseFeatureUpdatesStartTime`, or the
    /// `PauseFeatureUpdates` flag).
    pub pause_feature: Option<Setting>,
    /// The pause's days in words (`from 2026-11-02 to 2026-12-06`: a pause lasts 35 days).
    pub pause_quality_window: Option<String>,
    /// The feature pause's days in words, as `pause_quality_window`.
    pub pause_feature_window: Option<String>,
    /// `AllowAutoUpdate`, and what it means.
    pub allow_auto_update: Option<Setting>,
    /// What `allow_auto_update`'s value means, in words.
    pub auto_update: Option<String>,
    /// `SetDisablePauseUXAccess`: 1 means the user cannot pause updates.
    pub pause_ux_disabled: Option<Setting>,
    /// `ActiveHoursStart` (hour, 0-23): when the hours without automatic restarts begin.
    pub active_hours_start: Option<Setting>,
    /// `ActiveHoursEnd` (hour, 0-23): when they end.
    pub active_hours_end: Option<Setting>,
    /// `UpdateServiceUrl` (a WSUS server instead of Microsoft Update) and its alternate.
    pub update_service_url: Option<Setting>,
    /// `UpdateServiceUrlAlternate`: an intranet server to download the updates from instead.
    pub update_service_url_alternate: Option<Setting>,
    /// Every `Update` policy of the report, by its Policy CSP name.
    pub settings: Vec<RingSetting>,
}

impl UpdateRingCard {
    /// The ring's set values in words, for the text and Markdown renderings: (label, value with
    /// what it means, where).
    pub fn rows(&self) -> Vec<(&'static str, String, &Setting)> {
        let with = |s: &Setting, words: Option<&str>| match words {
            Some(w) => format!("{} ({w})", s.value),
            None => s.value.clone(),
        };
        let hours = match (&self.active_hours_start, &self.active_hours_end) {
            (Some(a), Some(b)) => Some(format!("{}:00 to {}:00", a.value.trim(), b.value.trim())),
            _ => None,
        };
        let pause_ux = self.pause_ux_disabled.as_ref().map(|s| if s.value.trim() == "1" { "users may not pause" } else { "users may pause" });
        let rows: [(&'static str, &Option<Setting>, Option<&str>); 9] = [
            ("quality updates deferred (days)", &self.defer_quality_days, None),
            ("feature updates deferred (days)", &self.defer_feature_days, None),
            ("quality updates paused", &self.pause_quality, self.pause_quality_window.as_deref()),
            ("feature updates paused", &self.pause_feature, self.pause_feature_window.as_deref()),
            ("AllowAutoUpdate", &self.allow_auto_update, self.auto_update.as_deref()),
            ("SetDisablePauseUXAccess", &self.pause_ux_disabled, pause_ux),
            ("active hours start", &self.active_hours_start, hours.as_deref()),
            ("UpdateServiceUrl", &self.update_service_url, None),
            ("UpdateServiceUrlAlternate", &self.update_service_url_alternate, None),
        ];
        rows.into_iter().filter_map(|(label, s, words)| s.as_ref().map(|s| (label, with(s, words), s))).collect()
    }

    /// `set by Microsoft Intune`, or where the ring was read.
    pub fn origin(&self) -> String {
        if self.server.is_empty() {
            "from the MDM report".into()
        } else {
            format!("set by {}", self.server)
        }
    }
}

/// One `Update` policy of an MDM report.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct RingSetting {
    /// Its Policy CSP name (`DeferQualityUpdatesPeriodInDays`).
    pub name: String,
    /// Its value as the report gives it.
    pub value: String,
    /// The report it was read from.
    pub file: String,
    /// 1-based line of the value in the report.
    pub line: u32,
}

/// The Windows Update policy (`HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate`), as given.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct PolicyCard {
    /// `WUServer`: the WSUS server the client is told to use.
    pub wu_server: Option<Setting>,
    /// `WUStatusServer`: where the client reports to.
    pub wu_status_server: Option<Setting>,
    /// `AU\UseWUServer`: 1 when the client must use `WUServer`.
    pub use_wu_server: Option<Setting>,
    /// The WSUS port from WUServer (or the scheme's default, flagged by `port_explicit`).
    pub port: Option<u16>,
    /// True when `WUServer` writes its port.
    pub port_explicit: bool,
    /// The configuration files it was read from.
    pub files: Vec<String>,
}

/// The WinHTTP proxy (`netsh winhttp show proxy`), as given.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ProxyCard {
    /// True for direct access (no proxy).
    pub direct: bool,
    /// The proxy servers as written (`proxy01:8080`).
    pub servers: Vec<String>,
    /// The bypass list (`<local>`, `*.contoso.com`).
    pub bypass: Vec<String>,
    /// The file it was read from.
    pub file: String,
    /// 1-based line of the proxy servers (or of direct access).
    pub line: u32,
    /// 1-based line of the bypass list, when there is one.
    pub bypass_line: Option<u32>,
    /// Set when the output could not be read.
    pub problem: Option<String>,
}

/// A configuration input that was not given.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MissingConfig {
    /// What it is, in words.
    pub what: String,
    /// The command that collects it.
    pub command: String,
}

/// One thing to check next.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct NextCheck {
    /// What to check and why, in a sentence, with this machine's servers filled in.
    pub text: String,
    /// The command that checks it, when there is one; unknown values are placeholders nobody can run by mistake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// What this check comes from: a finding id, a code, or a step.
    pub from: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;
    use crate::read::{Input, Limits};

    #[test]
    fn the_json_reads_back_as_the_same_report() {
        let text = "<![LOG[Scan failed with error = 0x8024401b.]LOG]!><time=\"10:00:05.000+480\" date=\"01-15-2024\" component=\"WUAHandler\" context=\"\" type=\"3\" thread=\"7\" file=\"\">\r\n";
        let a = Analysis::from_inputs(vec![Input { name: "WUAHandler.log".into(), bytes: text.into() }], &Limits::default());
        let r = Report::build(&a);
        let back: Report = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}
