//! The words the diagnosis speaks in: step statuses, cycle outcomes, finding severities and the
//! verdict's status. Enums, so a typo is a compile error; they serialize to the report's strings.

use serde::{Deserialize, Serialize};

/// A scan-flow step's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Ok,
    Failed,
    NotReached,
    #[default]
    Unknown,
}

impl StepStatus {
    pub fn id(self) -> &'static str {
        match self {
            StepStatus::Ok => "ok",
            StepStatus::Failed => "failed",
            StepStatus::NotReached => "not_reached",
            StepStatus::Unknown => "unknown",
        }
    }

    pub fn mark(self) -> &'static str {
        match self {
            StepStatus::Ok => "✔",
            StepStatus::Failed => "✘",
            StepStatus::NotReached => "…",
            StepStatus::Unknown => "?",
        }
    }
}

/// How one scan cycle ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CycleOutcome {
    Completed,
    Failed,
    #[default]
    Incomplete,
}

impl CycleOutcome {
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
    Error,
    Warning,
    #[default]
    Info,
}

impl FindingSeverity {
    pub fn id(self) -> &'static str {
        match self {
            FindingSeverity::Error => "error",
            FindingSeverity::Warning => "warning",
            FindingSeverity::Info => "info",
        }
    }

    pub fn from_id(id: &str) -> Option<FindingSeverity> {
        [FindingSeverity::Error, FindingSeverity::Warning, FindingSeverity::Info].into_iter().find(|s| s.id() == id)
    }
}

/// The verdict's one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum VerdictStatus {
    Failed,
    Ok,
    /// No failure, but steps the logs do not witness.
    Incomplete,
    /// No client scan and no WSUS synchronization in the logs.
    #[default]
    NoScan,
}

impl VerdictStatus {
    pub fn id(self) -> &'static str {
        match self {
            VerdictStatus::Failed => "failed",
            VerdictStatus::Ok => "ok",
            VerdictStatus::Incomplete => "incomplete",
            VerdictStatus::NoScan => "no_scan",
        }
    }
}
