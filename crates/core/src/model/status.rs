//! The words the diagnosis speaks in: step statuses, cycle outcomes, finding severities and the
//! verdict's status. Enums, so a typo is a compile error; they serialize to the report's strings.
//! What a person reads for them (`Outcome::words`, `OperationKind::noun`, `Domain::name`,
//! `RunOn::words`) is written at the output edge, `output/words/values.rs`.

use serde::{Deserialize, Serialize};

/// A scan-flow step's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Its last logged result is a success, or a later step ran (so it is implied).
    Ok,
    /// Its last result is a failure, or an error line no later success recovered.
    Failed,
    /// Not run: an earlier step failed, did not complete or is still running (or the flow shows no activity in logs that would show it).
    NotReached,
    /// Started, and the log ends before its result (the logs were collected mid-scan).
    Running,
    /// No log that would witness this step was given, or nothing decides it.
    #[default]
    Unknown,
}

impl StepStatus {
    /// The report's string for it (`ok`, `not_reached`).
    pub fn id(self) -> &'static str {
        match self {
            StepStatus::Ok => "ok",
            StepStatus::Failed => "failed",
            StepStatus::NotReached => "not_reached",
            StepStatus::Running => "running",
            StepStatus::Unknown => "unknown",
        }
    }

    /// One character for the text and Markdown step lists (`✔`, `✘`, `…`, `⟳`, `?`).
    pub fn mark(self) -> &'static str {
        match self {
            StepStatus::Ok => "✔",
            StepStatus::Failed => "✘",
            StepStatus::NotReached => "…",
            StepStatus::Running => "⟳",
            StepStatus::Unknown => "?",
        }
    }
}

/// How one scan cycle ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CycleOutcome {
    /// Every step the logs witness succeeded.
    Completed,
    /// A step failed in this cycle.
    Failed,
    /// No failure, but some step did not finish (not reached, or still running).
    #[default]
    Incomplete,
}

impl CycleOutcome {
    /// The report's string for it (`completed`, `failed`, `incomplete`).
    pub fn id(self) -> &'static str {
        match self {
            CycleOutcome::Completed => "completed",
            CycleOutcome::Failed => "failed",
            CycleOutcome::Incomplete => "incomplete",
        }
    }
}

/// How much a finding matters. Ordered: errors first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FindingSeverity {
    /// A failure to act on.
    Error,
    /// Worth a look; not a failure on its own.
    Warning,
    /// Context: how the machine is set up, what the logs show.
    #[default]
    Info,
}

impl FindingSeverity {
    /// The report's and the rules' string for it (`error`, `warning`, `info`).
    pub fn id(self) -> &'static str {
        match self {
            FindingSeverity::Error => "error",
            FindingSeverity::Warning => "warning",
            FindingSeverity::Info => "info",
        }
    }

    /// The severity whose [`id`](Self::id) is `id`; `None` for any other word.
    pub fn from_id(id: &str) -> Option<FindingSeverity> {
        [FindingSeverity::Error, FindingSeverity::Warning, FindingSeverity::Info].into_iter().find(|s| s.id() == id)
    }
}

/// The verdict's one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum VerdictStatus {
    /// At least one domain's statement stands [`Standing::Failed`].
    Failed,
    /// Every domain's statement stands [`Standing::Ok`].
    Ok,
    /// No failure, but steps the logs do not witness.
    Incomplete,
    /// No client scan and no WSUS synchronization in the logs.
    #[default]
    NoScan,
}

impl VerdictStatus {
    /// The report's string for it (`failed`, `ok`, `incomplete`, `no_scan`).
    pub fn id(self) -> &'static str {
        match self {
            VerdictStatus::Failed => "failed",
            VerdictStatus::Ok => "ok",
            VerdictStatus::Incomplete => "incomplete",
            VerdictStatus::NoScan => "no_scan",
        }
    }
}

/// The first screen's badge: what the verdict amounts to, as a fact. Its words are the output's
/// (`output::badge_words`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Badge {
    /// The latest ConfigMgr scan failed.
    ScanFailed,
    /// The latest WSUS synchronization failed.
    WsusSyncFailed,
    /// The site's software update point synchronization fails (its run, or a software update
    /// point's).
    SiteSyncFailed,
    /// A ConfigMgr deployment failed.
    DeploymentFailed,
    /// Windows Update work fails now.
    UpdatesFailing,
    /// Servicing (CBS, DISM) fails now.
    ServicingFailed,
    /// A feature update or upgrade failed and was rolled back.
    UpgradeRolledBack,
    /// Setup failed.
    SetupFailed,
    /// A task sequence failed.
    TaskSequenceFailed,
    /// The ConfigMgr client install failed.
    ClientInstallFailed,
    /// A failure whose kind of work succeeded after it.
    FailedEarlier,
    /// An update whose step started and has had no outcome for hours.
    UpdateStalled,
    /// An upgrade is rolling back when its log ends.
    RollingBack,
    /// No work in the logs to judge.
    NothingToConclude,
    /// Work is still running when the log ends.
    StillRunning,
    /// Work failed and a later try of the same work succeeded.
    Recovered,
    /// The ConfigMgr scan completed.
    ScanCompleted,
    /// Nothing failed, but something needs a look (files not repaired, an upgrade cancelled).
    NeedsAttention,
    /// Work whose result these logs do not hold.
    ResultNotInLogs,
    /// No failure in these logs.
    NoFailureFound,
}

impl Badge {
    /// Whether the badge says something fails or is being undone now. Any other badge must not
    /// stand over an update that fails or stalls now.
    pub fn alarms(self) -> bool {
        use Badge::*;
        match self {
            ScanFailed | WsusSyncFailed | SiteSyncFailed | DeploymentFailed | UpdatesFailing | ServicingFailed | UpgradeRolledBack | SetupFailed
            | TaskSequenceFailed | ClientInstallFailed | UpdateStalled | RollingBack => true,
            FailedEarlier | NothingToConclude | StillRunning | Recovered | ScanCompleted | NeedsAttention | ResultNotInLogs | NoFailureFound => false,
        }
    }
}

/// What kind of operation a log shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// The Windows Update agent searching for updates.
    Search,
    /// The agent downloading updates.
    Download,
    /// The agent installing updates.
    Install,
    /// A servicing session (DISM, CBS).
    Servicing,
    /// A component-store check (ScanHealth, RestoreHealth, CheckSUR).
    StoreCheck,
    /// A Windows setup run (feature update, upgrade, clean install).
    Setup,
    /// A task sequence.
    TaskSequence,
    /// The ConfigMgr client's installation.
    ClientInstall,
    /// The ConfigMgr client evaluating its deployments (assignment evaluations, applicability scans).
    Deployment,
}

impl OperationKind {
    /// The report's string for it (`search`, `store_check`, `task_sequence`).
    pub fn id(self) -> &'static str {
        match self {
            OperationKind::Search => "search",
            OperationKind::Download => "download",
            OperationKind::Install => "install",
            OperationKind::Servicing => "servicing",
            OperationKind::StoreCheck => "store_check",
            OperationKind::Setup => "setup",
            OperationKind::TaskSequence => "task_sequence",
            OperationKind::ClientInstall => "client_install",
            OperationKind::Deployment => "deployment",
        }
    }

    /// The Windows Update agent's own operations.
    pub fn is_agent(self) -> bool {
        matches!(self, OperationKind::Search | OperationKind::Download | OperationKind::Install)
    }
}

/// How an operation ended, or that it had not when the log ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Ended in failure (an error line or a failing result code).
    Failed,
    /// Failed, and a later try of the same work succeeded within the agent's retry window (a
    /// search of the same caller; a download or install of the same update, by any caller):
    /// shown, never the verdict's lead.
    Recovered,
    /// Stopped by a caller or a user before it ended.
    Cancelled,
    /// Started, and the log ends before it does.
    Running,
    /// Started, and the service restarted (or another began) before it ended.
    Interrupted,
    /// Its lines are in the log, but not its result.
    #[default]
    Unknown,
    /// Its end line says it succeeded.
    Succeeded,
}

impl Outcome {
    /// The report's string for it (`failed`, `recovered`, `running`).
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Failed => "failed",
            Outcome::Recovered => "recovered",
            Outcome::Cancelled => "cancelled",
            Outcome::Running => "running",
            Outcome::Interrupted => "interrupted",
            Outcome::Unknown => "unknown",
            Outcome::Succeeded => "succeeded",
        }
    }
}

/// The area of work a verdict sentence is about, in the order the verdict names failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    /// The ConfigMgr client's installation (ccmsetup, client.msi).
    ClientInstall,
    /// The ConfigMgr client's software-update scan flow.
    ConfigmgrScan,
    /// A WSUS server's synchronization.
    WsusSync,
    /// A ConfigMgr site's software update points: their synchronization, WSUS's configuration
    /// and health (wsyncmgr.log, WCM.log, WSUSCtrl.log).
    SiteSync,
    /// The ConfigMgr client evaluating its deployments.
    ConfigmgrDeployment,
    /// The Windows Update agent's own searches, downloads and installs.
    WindowsUpdate,
    /// DISM, CBS, the component store, SFC.
    Servicing,
    /// Windows setup.
    Setup,
    /// A task sequence (TSManager, smsts.log).
    TaskSequence,
}

/// How a domain fared. Ordered: failures first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Something in this domain failed and nothing later recovered it.
    Failed,
    /// Not a failure, but not finished or not healthy (cancelled, still running, steps not in the logs, unrepaired files).
    Attention,
    /// Ran and ended well.
    Ok,
    /// Ran, and the log does not say how it ended.
    Unknown,
}

/// Where the client gets its updates, as the logs and the configuration show it (the report's
/// `update_source`: `wsus`, `public`, `unknown`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UpdateSource {
    /// A WSUS server (ConfigMgr's software update point, or a policy's WUServer).
    Wsus,
    /// Microsoft's services over the internet (Windows Update, Microsoft Update, the Store).
    Public,
    /// Not shown.
    #[default]
    Unknown,
}

impl UpdateSource {
    /// The report's string for it (`wsus`, `public`, `unknown`).
    pub fn id(self) -> &'static str {
        match self {
            UpdateSource::Wsus => "wsus",
            UpdateSource::Public => "public",
            UpdateSource::Unknown => "unknown",
        }
    }
}

/// Where an admin runs a collection command (`collect/artifacts.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOn {
    /// The machine whose logs these are.
    Client,
    /// The ConfigMgr site server.
    SiteServer,
    /// The WSUS server (the software update point).
    WsusServer,
}
