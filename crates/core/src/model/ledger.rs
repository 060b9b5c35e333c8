//! The update ledger: one row per update (or servicing target) with what happened to it, step by
//! step, across every log of a drop, and where it stands when the logs end. The diagnosis builds
//! it (`diagnose/ledger`); the report carries it as it is. Facts only: states, times, codes and
//! lines; the words a person reads are written where the report is shown.

use serde::{Deserialize, Serialize};

use super::Evidence;

/// What a row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// An update the agent, ConfigMgr or the event logs name (by id, KB or title).
    Update,
    /// A servicing package (`Package_for_KB5020683`, a Setup.evtx package by its KB).
    Package,
    /// A Store app package.
    App,
    /// A Windows optional feature or capability that servicing enables (`NetFx3`,
    /// `Language.Basic~~~fa-IR~0.0.1.0`).
    Feature,
}

/// What sort of update a row is, from its title (the words Microsoft's titles use).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UpdateClass {
    /// A monthly cumulative update (`2024-10 Cumulative Update for Windows 11 ... (KB5044284)`).
    Cumulative,
    /// A security update or a security monthly rollup.
    Security,
    /// A feature update (`Feature update to Windows 11, version 24H2`, `Windows 10, version 22H2`).
    Feature,
    /// A servicing stack update.
    ServicingStack,
    /// A driver (`Intel - Display - 31.0.101.4502`).
    Driver,
    /// Defender's security intelligence (definitions).
    Definition,
    /// A Store app (`9NZKPSTSNW4P-Microsoft.XboxGamingOverlay`).
    StoreApp,
    /// .NET, Office, a tool, or a title that says nothing of its sort.
    #[default]
    Other,
}

/// A step with no outcome while its log goes on this long is stalled, not running.
pub const STALL_AFTER_MS: i64 = 60 * 60 * 1000;

/// One thing that happened to a target, as a log line says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifeEvent {
    /// ConfigMgr's scan says it is required and not installed (`Missing`).
    Missing,
    /// A ConfigMgr deployment targets it (UpdatesDeployment.log's "added to the targeted list
    /// of deployment").
    Assigned,
    /// A search found it applicable.
    Found,
    /// A download began (event 44, `New download job`, ReportingEvents 167).
    DownloadStarted,
    /// The download completed.
    Downloaded,
    /// The download failed (with its code).
    DownloadFailed,
    /// An install began (event 43, a servicing request, ReportingEvents 181).
    InstallStarted,
    /// The install succeeded.
    Installed,
    /// The install failed (with its code).
    InstallFailed,
    /// The install asked for a restart to finish.
    RestartPending,
    /// Superseded by another update.
    Superseded,
    /// Not applicable to the machine (nothing to do).
    NotApplicable,
    /// Cancelled or paused by a caller, not a failure.
    Cancelled,
    /// The restart an install asked for happened (`Reboot completed`).
    Restarted,
    /// ConfigMgr holds the install until a maintenance window opens (UpdatesDeployment.log's
    /// `Progress: Status = ciStateWaitServiceWindow`).
    WaitingForWindow,
    /// ConfigMgr waits for the update's content: the client's request for its locations came
    /// back empty, no distribution point offers it (ContentTransferManager.log's `Received
    /// empty location update`).
    WaitingForContent,
}

impl LifeEvent {
    /// An event that ends an attempt (as opposed to one that starts it or only names the target).
    pub fn is_outcome(self) -> bool {
        matches!(
            self,
            LifeEvent::Downloaded
                | LifeEvent::DownloadFailed
                | LifeEvent::Installed
                | LifeEvent::InstallFailed
                | LifeEvent::RestartPending
                | LifeEvent::Superseded
                | LifeEvent::NotApplicable
                | LifeEvent::Cancelled
                | LifeEvent::Restarted
        )
    }

    /// A step that begins work whose outcome should follow.
    pub fn is_start(self) -> bool {
        matches!(self, LifeEvent::DownloadStarted | LifeEvent::InstallStarted)
    }

    /// A download or install that failed.
    pub fn is_failure(self) -> bool {
        matches!(self, LifeEvent::DownloadFailed | LifeEvent::InstallFailed)
    }
}

/// Where a target stands when the logs end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LedgerState {
    /// Its latest attempt failed (`code`).
    Failing,
    /// A step started and no outcome followed while its log went on (`stalled_ms`).
    Stalled,
    /// A step started shortly before its log ends: still running when the log ends.
    Running,
    /// ConfigMgr waits: for a maintenance window to install it, or for a distribution point to
    /// offer its content (the decisive step says which).
    Waiting,
    /// Installed; a restart is still needed to finish.
    PendingRestart,
    /// Installed, superseded or not applicable: nothing left to do.
    Done,
    /// These logs do not tell (found or required, never tried here).
    #[default]
    Unknown,
}

impl LedgerState {
    /// The state's id as the JSON writes it (`failing`, `pending_restart`, ...).
    pub fn id(self) -> &'static str {
        match self {
            LedgerState::Failing => "failing",
            LedgerState::Stalled => "stalled",
            LedgerState::Running => "running",
            LedgerState::Waiting => "waiting",
            LedgerState::PendingRestart => "pending_restart",
            LedgerState::Done => "done",
            LedgerState::Unknown => "unknown",
        }
    }
}

/// One step of a target's story: what happened, when, with which code, and the line that says it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct LedgerStep {
    /// What happened.
    pub event: LifeEvent,
    /// UTC milliseconds since the epoch, when the line has a time.
    pub utc_ms: Option<i64>,
    /// The result code the line gives (`0x80D02002`), for failures and results.
    pub code: Option<String>,
    /// The log kind that says it (`windowsupdate`, `eventlog`, `reportingevents`, ...): a lane.
    pub source: String,
    /// The line that says it.
    pub evidence: Evidence,
}

/// How two sightings of a target were found to be the same target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinKey {
    /// The same update id (exact).
    UpdateId,
    /// A Delivery Optimization job the agent names for that update id.
    DoJob,
    /// The same KB number.
    Kb,
    /// The same title, word for word (the last resort).
    Title,
}

/// One join: by what, on which value, and the line of each side.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct LedgerJoin {
    /// What the two sides share.
    pub by: JoinKey,
    /// The shared value (an id, a job, a KB, a title).
    pub value: String,
    /// A line of each side.
    pub evidence: Vec<Evidence>,
}

/// One update or servicing target and its story.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    /// An update, a servicing package or a Store app.
    pub kind: TargetKind,
    /// The sort of update its title names.
    pub class: UpdateClass,
    /// `KB5044284`, or empty.
    pub kb: String,
    /// The update id in lower case, without braces, or empty.
    pub update_id: String,
    /// The update's revision, when a line gives it.
    pub revision: Option<u32>,
    /// The title as a log gives it (the longest seen), or the package / app name.
    pub title: String,
    /// A feature update's version (`24H2`, `22H2`), from its title.
    pub version: Option<String>,
    /// Where it stands when the logs end.
    pub state: LedgerState,
    /// The code of the failure that makes it `failing`.
    pub code: Option<String>,
    /// For `stalled` and `running`: how long its log went on after the step that has no outcome.
    pub open_ms: Option<i64>,
    /// The step the state is read from (an index into `steps`).
    pub decisive: Option<usize>,
    /// Every step, in time order.
    pub steps: Vec<LedgerStep>,
    /// How the sightings were joined into this row.
    pub joins: Vec<LedgerJoin>,
    /// For `unknown`: the artifacts (`collect_next` ids: `event_logs`, ...) not in the drop
    /// whose logs would show how it ended, most telling first. Empty when every such log was
    /// given: then none of them shows an outcome.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub would_tell: Vec<String>,
    /// The MDM update ring's pause of its kind of update (quality or feature), in effect when
    /// the logs end, for a row not done: what holds it back, with the line that sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<LedgerHold>,
}

/// A policy that holds a target back: the MDM update ring's pause of its kind of update.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct LedgerHold {
    /// `quality` or `feature`.
    pub updates: String,
    /// The Policy CSP setting (`PauseQualityUpdatesStartTime`, or the `PauseQualityUpdates` flag).
    pub policy: String,
    /// Its value as written.
    pub value: String,
    /// The first day paused (`2026-11-02`), where the start date is given.
    pub from: Option<String>,
    /// The last day paused (`2026-12-06`: a pause lasts 35 days), where the start date is given.
    pub until: Option<String>,
    /// The management server that set it (`Microsoft Intune`), where the report names it.
    pub server: String,
    /// The report that sets it.
    pub file: String,
    /// The line of the report that sets it.
    pub line: u32,
}

impl LedgerRow {
    /// The failures of its steps, oldest first.
    pub fn failures(&self) -> impl Iterator<Item = &LedgerStep> {
        self.steps.iter().filter(|s| s.event.is_failure())
    }

    /// The step its state is read from.
    pub fn decisive_step(&self) -> Option<&LedgerStep> {
        self.decisive.and_then(|i| self.steps.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::LedgerState;

    #[test]
    fn a_state_id_is_the_json_value() {
        use LedgerState::*;
        for s in [Failing, Stalled, Running, PendingRestart, Done, Unknown] {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::Value::from(s.id()), "{s:?}");
        }
    }
}
