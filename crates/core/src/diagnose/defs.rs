//! The diagnosis data, compiled from `flows/*.toml` and `rules/*.toml` by build.rs: scan flows
//! (scopes, steps, signals), known-issue rules and named line sets. Literals live only here, so
//! the matcher (`catalog.rs`) learns every literal from the data and nothing can drift.

use std::borrow::Cow;

use wulens_kb::Source;

use crate::model::{FindingSeverity, LogKind, Severity};

/// Guidance is a knowledge-base step: text and an optional command.
pub type Guidance = wulens_kb::Step;

/// Literals a record's message must hold: every one of `all`, one of `any` (if given), none of
/// `none`. Case-sensitive.
#[derive(Debug)]
pub struct Matcher {
    pub all: &'static [&'static str],
    pub any: &'static [&'static str],
    pub none: &'static [&'static str],
}

impl Matcher {
    pub fn literals(&self) -> impl Iterator<Item = &'static str> {
        self.all.iter().chain(self.any).chain(self.none).copied()
    }
}

pub struct FlowDef {
    pub id: &'static str,
    pub title: &'static str,
    pub sources: &'static [Source],
    pub scopes: &'static [ScopeDef],
    pub steps: &'static [StepDef],
}

/// A span of lines on one thread between a start and an end signal (one `CcmExec` search
/// inside WindowsUpdate.log, where the exit code is written on its own line).
pub struct ScopeDef {
    pub id: &'static str,
    pub logs: &'static [LogKind],
    pub start: Matcher,
    pub end: Matcher,
}

pub struct StepDef {
    pub number: u8,
    pub title: &'static str,
    pub short: &'static str,
    /// Logs whose lines can prove the step happened.
    pub witnesses: &'static [LogKind],
    /// Logs whose error records count against this step when the previous one succeeded.
    pub error_logs: &'static [LogKind],
    pub codes: &'static [u32],
    pub sources: &'static [Source],
    pub guidance: &'static [Guidance],
    pub signals: &'static [SignalDef],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalKind {
    Start,
    Ok,
    Fail,
    /// Fail when the record holds a failure code, else ok (`Exit code = 0x...`).
    Outcome,
}

pub struct SignalDef {
    pub kind: SignalKind,
    pub logs: &'static [LogKind],
    pub m: Matcher,
    pub scope: Option<usize>,
    pub min_severity: Option<Severity>,
}

/// A known-issue rule. Without a `join` the rule engine builds the finding from the lines and
/// codes it matches; with one, a named function in `rules.rs` or `config.rs` does.
pub struct RuleDef {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: FindingSeverity,
    pub join: Option<&'static str>,
    /// A code family: the rule matches occurrences of any of these codes.
    pub codes: &'static [u32],
    /// Only occurrences in these logs count (empty: any log).
    pub code_logs: &'static [LogKind],
    /// The finding's summary for line rules; `{n}` is the number of lines.
    pub summary: &'static str,
    pub lines: &'static [LineMatcher],
    pub guidance: &'static [Guidance],
    pub sources: &'static [Source],
}

/// Lines of some logs that match a literal matcher.
pub struct LineMatcher {
    /// Empty: any log.
    pub logs: &'static [LogKind],
    pub m: Matcher,
    /// Only lines that hold one of these codes.
    pub line_codes: &'static [u32],
    /// Only lines that hold a failure code.
    pub with_failure_code: bool,
}

impl LineMatcher {
    pub fn applies_to(&self, kind: LogKind) -> bool {
        self.logs.is_empty() || self.logs.contains(&kind)
    }
}

/// Lines the joins read, by name (not findings by themselves).
pub struct LineSetDef {
    pub id: &'static str,
    pub lines: &'static [LineMatcher],
}

include!(concat!(env!("OUT_DIR"), "/diagnosis_data.rs"));

pub fn client_scan() -> &'static FlowDef {
    &CLIENT_SCAN
}

pub fn wsus_sync() -> &'static FlowDef {
    &WSUS_SYNC
}

pub fn rules() -> &'static [RuleDef] {
    RULES
}

pub fn line_sets() -> &'static [LineSetDef] {
    LINE_SETS
}

// Cow is used by the generated tables.
const _: Option<Cow<'static, str>> = None;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_kind_ids_agree_with_the_model() {
        for (id, kind) in LOG_KIND_IDS {
            assert_eq!(kind.id(), *id);
        }
        assert_eq!(LOG_KIND_IDS.len(), LogKind::NAMED.len(), "build.rs LOG_KINDS lists every named kind");
    }
}
