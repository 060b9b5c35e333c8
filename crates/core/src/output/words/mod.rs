//! The words a person reads for the engine's typed facts, at the output edge, a module per kind
//! of text: the first screen (`headline`), the detail and its statements (`detail`), what each
//! kind of work came to (`outcomes`), the scan flows (`flow`), the findings (`findings`), the
//! machines of a drop (`machines`), the ledger (`ledger`), the model's values (`values`: an
//! operation's kind and outcome, a domain, where a command runs), the badge and where a next
//! check comes from (here). The engine states a fact; the report, the page and the CLI say it
//! with these words.

mod chain;
mod codes;
mod detail;
mod findings;
mod flow;
mod headline;
mod ledger;
mod links;
mod machines;
mod outcomes;
mod setup;
mod values;
pub mod wufb;

pub use codes::{caller_words, collect_why, context_here, missing_config, update_title};
pub use detail::{detail, statement_text};
pub use findings::{auto_update, finding_summary, pause_window, unreadable_ring};
pub use flow::reason;
pub use headline::headline_text;
pub use ledger::{duration, event, held, state, story, target, when, would_tell};
pub use links::{link_state, link_summary, link_title};
pub use machines::machine_label;

use crate::diagnose::CheckFrom;

use crate::model::Badge;

/// What a next check comes from, as the report names it: `finding <id>`, a code, `<flow>
/// step <n>`.
pub fn check_from(f: &CheckFrom) -> String {
    match f {
        CheckFrom::Finding(id) => format!("finding {id}"),
        CheckFrom::Code(c) => format!("0x{c:08X}"),
        CheckFrom::StepCode(hex) => hex.clone(),
        CheckFrom::Step { flow, step } => format!("{flow} step {step}"),
    }
}

/// A fleet row's status in words (`MachineRow::status`), by what its logs show: an `ok` row is
/// "Scan completed" only where a ConfigMgr client scan completed (`configmgr_scan`); where its
/// logs hold Windows Update's own work alone, whose searches are no ConfigMgr scan, it found
/// "No failure".
pub fn row_status_words(status: &str, configmgr_scan: bool) -> &'static str {
    match status {
        "failed" => "Failed",
        "unreadable" => "Unreadable",
        "incomplete" => "No failure found",
        "no_scan" => "No scan",
        "ok" if configmgr_scan => "Scan completed",
        "ok" | "ok_windows_update" => "No failure",
        _ => "",
    }
}

/// A group of `wulens fleet`'s machines with no failure (`FleetSummary::no_failure`'s keys).
pub fn no_failure_words(key: &str) -> &str {
    match key {
        "ok" => "scan completed",
        "ok_windows_update" => "no failure in Windows Update's own work, no ConfigMgr scan in the logs",
        "incomplete" => "no failure found, some steps not in the logs",
        "no_scan" => "no scan in the logs",
        other => other,
    }
}

/// The first screen's badge in words.
pub fn badge_words(b: Badge) -> &'static str {
    match b {
        Badge::ScanFailed => "Scan failed",
        Badge::WsusSyncFailed => "WSUS sync failed",
        Badge::SiteSyncFailed => "Software update point sync failed",
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
        Badge::StillRunning => "In progress",
        Badge::Recovered => "Recovered",
        Badge::ScanCompleted => "Scan completed",
        Badge::NeedsAttention => "Needs attention",
        Badge::ResultNotInLogs => "Result not in these logs",
        Badge::NoFailureFound => "No failure found",
    }
}
