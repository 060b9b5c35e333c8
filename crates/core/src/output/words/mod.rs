//! The words a person reads for the engine's typed facts, in one place at the output edge. The
//! engine states a fact ([`Badge`], a finding's `Said`); the report, the page and the CLI say it
//! with these words.

mod findings;

pub use findings::finding_summary;

use crate::model::Badge;

/// The first screen's badge in words.
pub fn badge_words(b: Badge) -> &'static str {
    match b {
        Badge::ScanFailed => "Scan failed",
        Badge::WsusSyncFailed => "WSUS sync failed",
        Badge::DeploymentFailed => "Deployment failed",
        Badge::UpdatesFailing => "Updates failing",
        Badge::ServicingFailed => "Servicing failed",
        Badge::UpgradeRolledBack => "Upgrade rolled back",
        Badge::SetupFailed => "Setup failed",
        Badge::TaskSequenceFailed => "Task sequence failed",
        Badge::ClientInstallFailed => "Client install failed",
        Badge::FailedEarlier => "Failed earlier",
        Badge::UpdateStalled => "Update stalled",
        Badge::RollingBack => "Rolling back",
        Badge::NothingToConclude => "Nothing to conclude",
        Badge::StillRunning => "Still running",
        Badge::Recovered => "Recovered",
        Badge::ScanCompleted => "Scan completed",
        Badge::NeedsAttention => "Needs attention",
        Badge::ResultNotInLogs => "Result not in these logs",
        Badge::NoFailureFound => "No failure found",
    }
}
