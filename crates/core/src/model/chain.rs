//! The links of the ConfigMgr software-update chain and where each stands: the values the
//! report's `chain` carries (`diagnose/links.rs` reads them; their words are
//! `output/words/links.rs`).

use serde::{Deserialize, Serialize};

use super::{FindingSeverity, LedgerState};

/// One link of the chain, in its order. The client's links follow Microsoft Learn's "Track the
/// software update deployment process" (policy, evaluation, content, maintenance windows,
/// install, restart); the site's follow "Track software update synchronization".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkId {
    /// The client's site assignment and the management point it was given (LocationServices.log,
    /// ccmsetup.log).
    SiteAssignment,
    /// The client's Software Updates policy: the feature on or off (UpdatesDeployment.log,
    /// ScanAgent.log).
    Policy,
    /// The client's scan for updates (the scan flow's seven steps).
    Scan,
    /// Deployments that target updates to this client (UpdatesDeployment.log).
    Deployment,
    /// The updates' content, from a distribution point (CAS, ContentTransferManager,
    /// DataTransferService).
    Content,
    /// Maintenance windows (ServiceWindowManager.log, UpdatesDeployment.log).
    Window,
    /// The installs of deployed updates (UpdatesDeployment.log, UpdatesHandler.log).
    Install,
    /// The restart the installs ask for.
    Restart,
    /// The site's WSUS configuration (WCM.log).
    WsusConfig,
    /// WSUS's health on the software update point (WSUSCtrl.log).
    WsusHealth,
    /// The site's synchronization runs (wsyncmgr.log).
    SiteSync,
    /// Each software update point's synchronization (wsyncmgr.log).
    ServerSync,
}

impl LinkId {
    /// The link's id as the JSON writes it (`wsus_config`).
    pub fn id(self) -> &'static str {
        match self {
            LinkId::SiteAssignment => "site_assignment",
            LinkId::Policy => "policy",
            LinkId::Scan => "scan",
            LinkId::Deployment => "deployment",
            LinkId::Content => "content",
            LinkId::Window => "window",
            LinkId::Install => "install",
            LinkId::Restart => "restart",
            LinkId::WsusConfig => "wsus_config",
            LinkId::WsusHealth => "wsus_health",
            LinkId::SiteSync => "site_sync",
            LinkId::ServerSync => "server_sync",
        }
    }

    /// The client's chain, in order.
    pub const CLIENT: [LinkId; 8] =
        [LinkId::SiteAssignment, LinkId::Policy, LinkId::Scan, LinkId::Deployment, LinkId::Content, LinkId::Window, LinkId::Install, LinkId::Restart];
    /// The site's chain, in order.
    pub const SITE: [LinkId; 4] = [LinkId::WsusConfig, LinkId::WsusHealth, LinkId::SiteSync, LinkId::ServerSync];
}

/// Where a link stands when the logs end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// It fails now: its latest outcome is a failure.
    Failed,
    /// Switched off (the client's Software Updates feature).
    Off,
    /// ConfigMgr waits (for a window, a distribution point, a restart).
    Waiting,
    /// Started, and the logs end before its outcome.
    Running,
    /// Its latest outcome is a success.
    Ok,
    /// Not reached: a link before it is off or never led to it.
    NotReached,
    /// None of these logs shows it.
    NotInLogs,
}

impl LinkState {
    /// A one-character mark for text (as [`crate::model::StepStatus::mark`]).
    pub fn mark(self) -> &'static str {
        match self {
            LinkState::Ok => "✔",
            LinkState::Failed => "✘",
            LinkState::Off => "○",
            LinkState::Waiting => "⏸",
            LinkState::Running => "⟳",
            LinkState::NotReached => "…",
            LinkState::NotInLogs => "?",
        }
    }

    /// The state a ledger row's state stands for in the chain, the one definition the links,
    /// the findings and the badge read: failing is failed; stalled (started, no outcome for
    /// hours), waiting for a window or a distribution point and installed with a restart
    /// pending are waiting; running is running; done is ok; unknown stands nowhere.
    pub fn of_ledger(s: LedgerState) -> Option<LinkState> {
        Some(match s {
            LedgerState::Failing => LinkState::Failed,
            LedgerState::Stalled | LedgerState::Waiting | LedgerState::PendingRestart => LinkState::Waiting,
            LedgerState::Running => LinkState::Running,
            LedgerState::Done => LinkState::Ok,
            LedgerState::Unknown => return None,
        })
    }

    /// The severity of a finding that says a link stands here: an error only for a link that
    /// fails now, a warning for one that is off, waits or has no outcome yet, else an info.
    pub fn severity(self) -> FindingSeverity {
        match self {
            LinkState::Failed => FindingSeverity::Error,
            LinkState::Off | LinkState::Waiting | LinkState::Running => FindingSeverity::Warning,
            LinkState::Ok | LinkState::NotReached | LinkState::NotInLogs => FindingSeverity::Info,
        }
    }

    /// The state's id as the JSON writes it (`not_in_logs`).
    pub fn id(self) -> &'static str {
        match self {
            LinkState::Failed => "failed",
            LinkState::Off => "off",
            LinkState::Waiting => "waiting",
            LinkState::Running => "running",
            LinkState::Ok => "ok",
            LinkState::NotReached => "not_reached",
            LinkState::NotInLogs => "not_in_logs",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_json_names() {
        for id in LinkId::CLIENT.into_iter().chain(LinkId::SITE) {
            assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{}\"", id.id()));
        }
        for s in [LinkState::Failed, LinkState::Off, LinkState::Waiting, LinkState::Running, LinkState::Ok, LinkState::NotReached, LinkState::NotInLogs] {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.id()));
        }
    }
}
