//! What a rule's join found, as facts (`Found`): counts, servers, ports, codes, settings and the
//! lines they were read from, times as the log wrote them. No sentence is built here: the words a
//! person reads are written at the output edge (`output/words/findings.rs`).
//!
//! Where a finding's text names the finding's own codes (its `codes`), the variant says so and
//! does not repeat them.

use super::config::UpdateClass;
use crate::model::Setting;

/// A line of a file: its name as given (a path) and its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At {
    pub file: String,
    pub line: u32,
}

impl At {
    pub fn of(s: &Setting) -> At {
        At { file: s.file.clone(), line: s.line }
    }
}

/// One event (the component column of a Windows Update log) with error lines: how many, and the
/// distinct failure codes they hold, in the order met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventErrors {
    pub event: String,
    pub count: usize,
    pub codes: Vec<u32>,
}

/// What is wrong with a WSUS URL's port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortFault {
    NoPort,
    /// A port WSUS does not use.
    Port(u16),
    NotUrl,
}

/// Who else names an update server than the MDM update ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RingRival {
    /// A Group Policy's WUServer.
    GroupPolicy,
    /// The location ConfigMgr handed out.
    ConfigMgr,
}

/// One software update point's synchronizations in wsyncmgr.log (times as the log wrote them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerSync {
    /// The server as the first `Synchronizing WSUS server` line names it.
    pub name: String,
    pub synced: usize,
    pub failed: usize,
    pub last_success: Option<String>,
    /// The first failure since its last success (the first of all where none succeeded).
    pub failing_since: Option<String>,
    pub last_failure: Option<String>,
    /// The latest failure's text (`Sync failed: <reason>. Source: ...` gives the reason).
    pub reason: Option<String>,
    /// Its latest synchronization failed.
    pub now: bool,
}

/// The site's synchronization runs (`Starting Sync` to `Sync succeeded` / `Sync failed`) and
/// each software update point's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteSync {
    pub runs: usize,
    pub failed_runs: usize,
    /// The latest run that ended: failed or not, when, and a failure's reason.
    pub latest: Option<(bool, Option<String>, Option<String>)>,
    /// The line (file, entry) the latest run's end is read from.
    pub latest_line: Option<(usize, usize)>,
    /// A run started and the log ends before its result.
    pub running: bool,
    pub servers: Vec<ServerSync>,
}

/// A site component's faults in its log (WCM.log, WSUSCtrl.log): past where a success followed
/// the last of them, else now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentFaults {
    pub log: crate::model::LogKind,
    pub faults: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    /// The latest fault's text.
    pub reason: String,
    /// The latest success (a configuration that succeeded, healthy components).
    pub last_ok: Option<String>,
    pub now: bool,
}

/// The ConfigMgr client's maintenance windows as UpdatesDeployment.log and
/// ServiceWindowManager.log show them (times as the logs wrote them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceWindows {
    /// `No current service window available to run updates assignment` lines, the first and last.
    pub unavailable: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    /// The latest `Total actionable updates = N` (install).
    pub actionable: Option<usize>,
    /// Updates whose latest progress is `ciStateWaitServiceWindow`.
    pub waiting: usize,
    /// ServiceWindowManager found no window of the Software Updates type (type 4): the All
    /// Programs windows apply.
    pub no_updates_type: bool,
    /// The next window's start, as the latest `Next Event Time is at ...` that begins a window says it.
    pub next: Option<String>,
}

impl ServiceWindows {
    /// Updates wait for a window when the logs end: some update's latest progress is
    /// `ciStateWaitServiceWindow`, or an evaluation found no window open while updates were
    /// actionable. The one definition the finding, the Window link and the badge read.
    pub fn waiting_now(&self) -> bool {
        self.waiting > 0 || (self.unavailable > 0 && self.actionable.is_some_and(|n| n > 0))
    }

    /// How many updates wait: those whose progress says so, else the actionable ones an
    /// evaluation with no window open left.
    pub fn updates_waiting(&self) -> usize {
        if self.waiting > 0 {
            self.waiting
        } else if self.waiting_now() {
            self.actionable.unwrap_or(0)
        } else {
            0
        }
    }
}

/// The ConfigMgr client's site assignment and the locations it was given (`site.rs`), times as
/// the logs wrote them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteAssignment {
    /// The site the latest attempt tried, and the one the lines say it may be assigned to.
    pub site: Option<String>,
    pub assigned: Option<String>,
    pub assigned_at: Option<String>,
    /// Attempts that ended without assigning the client since the latest success (the first's
    /// and the latest's times), and before it.
    pub failures: usize,
    pub failing_since: Option<String>,
    pub failing_last: Option<String>,
    pub past_failures: usize,
    /// An attempt with no outcome when the logs end.
    pub attempt_open: bool,
    /// The management point, the software update point's WSUS URL.
    pub management_point: Option<String>,
    pub wsus: Option<String>,
    /// Distribution points offered, and content location requests answered with none.
    pub distribution_points: usize,
    pub empty_dp_lists: usize,
    /// The management point's or gateway's HTTP errors: how many, the latest status and its time.
    pub http_errors: usize,
    pub http: Option<(u16, String)>,
    pub http_at: Option<String>,
}

/// The latest restart software update installs asked for (`reboot.rs`), times as the logs wrote
/// them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestartSchedule {
    /// Restarts scheduled in these logs; the latest one's agent, deadline and time.
    pub scheduled: usize,
    pub agent: Option<String>,
    pub deadline: Option<String>,
    pub scheduled_at: Option<String>,
    /// A maintenance window allowed it; the grace period the user was given (seconds).
    pub window_allowed: bool,
    pub grace_s: Option<u32>,
    /// When the restart began, where the lines say it did.
    pub initiated_at: Option<String>,
    /// UpdatesDeployment.log's `Ignore reboot Window = True`: the deployment may restart
    /// outside maintenance windows.
    pub ignore_window: Option<bool>,
}

/// The management point failing the client's requests (CcmMessaging.log, PolicyAgent.log): how
/// many lines say so, the latest HTTP status it answered, whether 0x87D00231 was logged, the
/// first and latest time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MpFailures {
    pub lines: usize,
    pub status: Option<(u16, String)>,
    pub transient: bool,
    pub first: Option<String>,
    pub last: Option<String>,
}

/// What a rule found, one variant per kind of finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// A line rule's data summary (`rule.summary`), `{n}` standing for `n`, the number of lines.
    Template { text: &'static str, n: usize },
    /// The rule's code family occurred `total` times: the finding's codes.
    CodeFamily { total: usize },
    /// Delivery Optimization's codes (the finding's) occurred `total` times; `failed` downloads
    /// ended with one of them.
    DeliveryCodes { total: usize, failed: usize },
    /// Group Policy overwrote ConfigMgr's WSUS settings: the policy's server (`policy`), the one
    /// ConfigMgr assigned (`assigned`), and whether both are the same server.
    GpoOverride { policy: Option<String>, assigned: Option<String>, same: bool },
    /// 0x80244007, `times` times; `in_call`: seen on SyncUpdates_WithRecovery's lines (`times`
    /// counts those lines), else the code anywhere.
    SyncSoapFault { in_call: bool, times: usize },
    /// The component store is damaged: the last store check's corruptions found and repaired;
    /// the servicing sessions that failed with a corruption code, and the last one's code; a
    /// repair that found no source (missing replacement payload).
    StoreCorruption { check: Option<(u32, u32)>, failed_sessions: Option<(usize, u32)>, no_source: bool },
    /// A repair's source refused (`/Source:` value, the code it was refused with) in `repairs`
    /// repairs, which then found no source; `image`: the source names an image file as a path.
    RepairSourceRefused { source: Option<String>, refused_with: Option<u32>, repairs: usize, image: bool },
    /// `lines` lines say a restart is required or pending.
    RestartPending { lines: usize },
    /// `client_logs` ConfigMgr client logs given, no WUAHandler.log.
    NoWuaHandlerLog { client_logs: usize },
    /// WUAHandler.log has no line for the latest scan request; its last scan line's time.
    WuaHandlerSilent { last_scan_line: Option<String> },
    /// The WSUS location reply has no location record.
    WsusLocationEmpty,
    /// The ConfigMgr client's Software Updates feature is off: `lines` lines say so (its
    /// policy not received, the feature disabled), the first and last at these times; no
    /// scan was requested in these logs.
    SoftwareUpdatesOff { lines: usize, first: Option<String>, last: Option<String>, mp: MpFailures },
    /// The site's software update point synchronization (wsyncmgr.log).
    SiteSync(SiteSync),
    /// WSUS's configuration (WCM.log) and health (WSUSCtrl.log) faults, one per log.
    SiteFaults(Vec<ComponentFaults>),
    /// The client's maintenance windows and the updates that wait for one.
    ServiceWindows(ServiceWindows),
    /// The contents deployed updates needed on a ConfigMgr client and where each download
    /// stands; `stall_ms`: how long a download may go on with no line before it is stalled.
    Content { jobs: Vec<super::content::ContentJob>, stall_ms: i64 },
    /// The client's site assignment and locations (`site.rs`).
    SiteAssignment(SiteAssignment),
    /// The restart after software update installs (`reboot.rs`).
    RestartSchedule(RestartSchedule),
    /// `lines` download job lines got a web page: the servers asked, the answer's status line
    /// and lengths. Their codes are the finding's.
    WebPageForFile { lines: usize, hosts: Vec<String>, status: Option<String>, lengths: Vec<String> },
    /// `lines` servicing error lines outside a session; their codes are the finding's.
    SessionlessServicingErrors { lines: usize },
    /// `total` error events in a Windows Update log with no operation, by event, most first.
    ErrorsWithoutOperation { total: usize, events: Vec<EventErrors> },
    /// The agent found no network: the interface count line before the state (`interfaces`),
    /// the first Disconnected state and its time, the Connected state that ended it and its
    /// time, and the `failures` on the way to the update service meanwhile (whose codes are the
    /// finding's). Messages trimmed, times as the log wrote them.
    NoNetwork { interfaces: Option<String>, disconnected: String, since: Option<String>, connected: Option<(String, Option<String>)>, failures: usize },
    /// A service (`service`, where its event names it) crashed within the second an install
    /// failed (UTC ms): the update's name, else the caller; the install's code; how many times it
    /// crashed before in this log.
    ServiceCrashedInstall {
        service: Option<String>,
        at_ms: i64,
        update: Option<super::operation::UpdateName>,
        caller: String,
        code: Option<u32>,
        earlier: usize,
    },
    /// The policy's WUServer (or WUStatusServer) is not ConfigMgr's software update point.
    GpoMismatch { policy: Setting, assigned: Setting },
    /// UseWUServer is not 1 (`setting`), or missing (`None`; the policy's first file);
    /// `public_service`: WindowsUpdate.log shows the agent talking to Windows Update.
    UseWuServerOff { setting: Option<Setting>, policy_file: Option<String>, public_service: bool },
    /// WSUS URLs with a port WSUS does not use, or none.
    WsusPort { urls: Vec<(String, PortFault)> },
    /// WinHTTP's proxy servers; the WSUS host not bypassed, with the bypass list; the scan's
    /// proxy-error code.
    ProxyBlocksWsus { servers: Vec<String>, not_bypassed: Option<(String, Vec<String>)>, code: Option<u32> },
    /// WinHTTP goes direct and the scan fails with `code`.
    DirectNetworkErrors { code: u32 },
    /// The MDM update ring (set by `by`) pauses these classes (their first and last day, days
    /// since 1970-01-01, where a start is given); the report's line of the first pause; the day
    /// the logs end; the latest search that found nothing.
    RingPaused { by: Option<String>, pauses: Vec<(UpdateClass, Option<(i64, i64)>)>, at: At, logs_end_day: Option<i64>, found_none: Option<At> },
    /// The ring defers quality updates `days` days (and feature updates, where it does); the
    /// agent's latest search found nothing.
    RingDeferred { by: Option<String>, days: u32, at: At, feature_days: Option<u32>, found_none: At },
    /// The ring's UpdateServiceUrl against another server (a Group Policy's or ConfigMgr's).
    RingTwoServices { by: Option<String>, url: Setting, rival: RingRival, other: Setting },
    /// The ring manages updates from Windows Update (`policy`, read at `at`), and a Group Policy
    /// points the agent at WSUS (`wsus`) with UseWUServer = 1.
    RingAgainstWsusPolicy { by: Option<String>, policy: String, at: At, wsus: Setting },
}
