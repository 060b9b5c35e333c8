//! The diagnosis data, compiled from `flows/*.toml` and `rules/*.toml` by build.rs: scan flows
//! (scopes, steps, signals), known-issue rules and named line sets. Literals live only here, so
//! the matcher (`catalog.rs`) learns every literal from the data and nothing can drift.

use std::borrow::Cow;

use wulens_kb::{Source, Step};

use crate::model::{Domain, FindingSeverity, LogKind, OperationKind, RunOn, Severity, Standing, TargetKind, UpdateClass};

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
/// codes it matches; with one, a named function in `rules.rs` or `config_rules.rs` does.
pub struct RuleDef {
    pub id: &'static str,
    pub title: &'static str,
    /// Does the title name a cause? `false` where it only says what the lines look like
    /// ("servicing errors with no session around them"): the cause is its codes' meaning.
    pub cause: bool,
    pub severity: FindingSeverity,
    /// Where the client gets its updates for the rule to apply (`Unknown`: anywhere).
    pub when: UpdateSource,
    pub join: Option<&'static str>,
    /// A code family: the rule matches occurrences of any of these codes.
    pub codes: &'static [u32],
    /// Only occurrences in these logs count (empty: any log).
    pub code_logs: &'static [LogKind],
    /// The finding's summary for line rules; `{n}` is the number of lines.
    pub summary: &'static str,
    pub lines: &'static [LineMatcher],
    /// Its join reads every matching line, in order (not only the first `MAX_LINES`).
    pub every_line: bool,
    pub guidance: &'static [Guidance],
    pub sources: &'static [Source],
}

pub use crate::model::UpdateSource;

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

/// An operation a log shows from start to end (a search, a DISM session, a setup run).
pub struct OperationDef {
    pub id: &'static str,
    /// What it is called when the log names nothing more precise ("DISM session", "search").
    pub title: &'static str,
    pub kind: OperationKind,
    pub logs: &'static [LogKind],
    pub pair: Pair,
    pub start: Option<Matcher>,
    pub end: Option<Matcher>,
    /// For `Pair::Thread`: a line that says the operation continues on this line's thread.
    pub resume: Option<Matcher>,
    /// For `Pair::Key`: the value that ties a start to its end. For `Pair::Thread`: the value that
    /// finds it again on another thread (`resume`, or an end on another thread).
    pub key: Option<Extract>,
    /// Who asked for it (the agent's caller id, the CBS client).
    pub caller: Option<Extract>,
    /// What it was (a DISM command line, setup's command line).
    pub label: Option<Extract>,
    /// Operations without an end are not reported (CBS's read-only sessions never finalize).
    pub ignore_unfinished: bool,
    /// The outcome of an operation that ended without a result line.
    pub no_result: ResultKind,
    pub results: &'static [ResultDef],
    pub facts: &'static [FactDef],
    /// Lines that explain a failure (quoted as evidence and as its cause).
    pub causes: &'static [CauseDef],
    /// The agent's word on a call, written by another process right after the call's end.
    pub callback: Option<CallbackDef>,
}

/// A completion callback: the service tells the caller how its call ended, on another thread
/// and process, right after the caller's end line (`WU client calls back to download call {...}
/// with code Call complete and error 0x80d02002`). `call` must read something from the line (the
/// call it names is of this form); `code` is the call's code as the agent saw it.
pub struct CallbackDef {
    pub m: Matcher,
    pub call: Extract,
    pub code: Extract,
}

/// A line that explains a failure. `any_thread`: it may come from another thread or process
/// (the agent's download manager failing a download that the COM API reports).
pub struct CauseDef {
    pub m: Matcher,
    pub any_thread: bool,
}

/// How the lines of one operation are told from another's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pair {
    /// Start, end and the lines between are on one thread (or, with a `resume` line, move on).
    Thread,
    /// Start and end carry the same key (`Session: <id>`); so do its result lines.
    Key,
    /// Operations follow one another: a start ends the previous one.
    Sequence,
    /// One line is the whole operation (ReportingEvents.log).
    Single,
    /// The whole file is one operation (a setup run, a task sequence).
    File,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultKind {
    Succeeded,
    Failed,
    Cancelled,
    /// Failed when the code read has the failure bit, else succeeded.
    ByCode,
    /// Only the code (`Call error code = ...`).
    Code,
    Unknown,
}

pub struct ResultDef {
    pub m: Matcher,
    pub outcome: ResultKind,
    pub code: Option<Extract>,
    /// The error a remapped code stands for (`Remapping install error [root] -> [code]`).
    pub root: Option<Extract>,
    /// Why, in words, when the line says it.
    pub cause: Option<&'static str>,
}

pub struct FactDef {
    pub name: &'static str,
    pub m: Matcher,
    pub value: Extract,
    /// Its line may come from any thread while the operation ran (`any_thread`).
    pub any_thread: bool,
}

/// Lines counted across a log, by item and group (SFC's files it could not repair).
pub struct CounterDef {
    pub id: &'static str,
    pub logs: &'static [LogKind],
    pub m: Matcher,
    pub item: Option<Extract>,
    pub group: Option<Extract>,
}

/// Lines that only trace a failure a function logged and went on from (`operations/*.toml`,
/// `[[trace]]`): never a link of a chain of errors, never a root.
pub struct TraceDef {
    pub logs: &'static [LogKind],
    /// Every one of these is in the record (case-sensitive).
    pub contains: &'static [&'static str],
}

/// A Windows Update service by id.
pub struct ServiceDef {
    pub id: &'static str,
    pub name: &'static str,
    /// Microsoft's own services (Windows Update, Microsoft Update, the Store), not WSUS.
    pub public: bool,
}

/// How a value is read from a line.
pub struct Extract {
    /// The text after the first of these markers found ...
    pub after: &'static [&'static str],
    /// ... up to the first of these (or the end of the line).
    pub until: &'static [&'static str],
    /// Or the n-th tab-separated column of the record.
    pub column: Option<u8>,
    /// Or the first error code on the line.
    pub first_code: bool,
    /// A code read as decimal (ccmsetup's return codes) ...
    pub decimal: bool,
    /// ... that is a Win32 error (shown as 0x8007xxxx).
    pub win32: bool,
    /// Or a fixed text (a fact that is true when its line is there).
    pub text: Option<&'static str>,
}

/// Something an admin can collect (`collect/artifacts.toml`): what it is, the command, where to
/// run it, and the open questions of a report it settles.
pub struct ArtifactDef {
    /// Its id in a report's `collect_next` (a contract: never rename).
    pub id: &'static str,
    pub what: &'static str,
    pub on: RunOn,
    pub command: &'static str,
    /// What wulens reads from it, in a few words.
    pub shows: &'static str,
    /// The log kinds it brings: one of them in the drop means it is there already.
    pub logs: &'static [LogKind],
    /// The configuration input it brings, when it is one.
    pub config: Option<ConfigInput>,
    /// The ledger's targets whose downloads and installs its logs show (a kind, and for a kind
    /// of update one class of it, or any): a row of one of them that the drop leaves `unknown`
    /// names this artifact when it is not in the drop.
    pub targets: &'static [(TargetKind, Option<UpdateClass>)],
    /// Its short name in a sentence (`the Windows Update traces`); given with `targets`.
    pub name: &'static str,
    pub when: &'static [TriggerDef],
    pub sources: &'static [Source],
}

/// A configuration input an artifact brings (`config = "policy"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigInput {
    Policy,
    Proxy,
    Ring,
}

/// A statement an artifact settles: one of `domains` with one of `standing`, and (when
/// `categories`, `places` or `codes` are given) a code that is one of `codes`, or whose
/// knowledge-base entry has one of `categories`, or one of `places` as its most typical place.
pub struct TriggerDef {
    pub domains: &'static [Domain],
    pub standing: &'static [Standing],
    /// Knowledge-base category ids (`proxy`).
    pub categories: &'static [&'static str],
    /// Knowledge-base place ids (`servicing`, `feature_update`), matched by a code's first
    /// (most typical) place only: many codes also list places where they are rare.
    pub places: &'static [&'static str],
    /// Codes that fit whatever their entry says.
    pub codes: &'static [u32],
    /// Fires only while none of these logs is in the drop (default: the artifact's `logs`).
    pub missing: &'static [LogKind],
    /// Why, with `{code}` for the code that matched.
    pub because: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/diagnosis_data.rs"));

pub fn operations() -> &'static [OperationDef] {
    OPERATIONS
}

pub fn counters() -> &'static [CounterDef] {
    COUNTERS
}

pub fn interrupts() -> &'static [LineMatcher] {
    INTERRUPTS
}

/// Is `code` routine on line `entry` of `f` (a noise context of its knowledge-base entry)? The
/// whole record is matched: some logs write part of the text where others write a component.
pub fn is_routine(f: &crate::model::LogFile, entry: u32, code: u32) -> bool {
    wulens_kb::entry(code).is_some_and(|k| !k.noise.is_empty() && k.is_noise(f.kind.id(), f.record(&f.entries[entry as usize])))
}

/// Does this record of a log of `kind` only trace a failure its function went on from?
pub fn is_trace(kind: LogKind, record: &str) -> bool {
    TRACES.iter().any(|t| t.logs.contains(&kind) && t.contains.iter().all(|c| record.contains(c)))
}

/// A caller as an admin names it: the agent writes a caller without an id of its own as
/// `<<PROCESS>>: powershell.exe`, which is the program `powershell.exe`.
pub fn plain_caller(raw: &str) -> String {
    let c = raw.trim();
    c.strip_prefix("<<PROCESS>>:").map_or(c, str::trim).to_string()
}

pub fn services() -> &'static [ServiceDef] {
    SERVICES
}

/// Codes an agent call ends with that only sum up its updates' results (`operations/*.toml`,
/// `[[summary_code]]`): never the root where an update's own code is known.
pub fn is_summary_code(code: u32) -> bool {
    SUMMARY_CODES.contains(&code)
}

/// What `operations/callers.toml` calls a caller (`the ConfigMgr client` for `CcmExec`), by
/// its plain id ([`plain_caller`]); `None` for an id it does not know.
pub fn caller_name(plain: &str) -> Option<&'static str> {
    CALLERS.iter().find(|(id, _)| id.eq_ignore_ascii_case(plain)).map(|(_, words)| *words)
}

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
    #[test]
    fn a_process_caller_is_the_program() {
        assert_eq!(super::plain_caller("<<PROCESS>>: powershell.exe"), "powershell.exe");
        assert_eq!(super::plain_caller("CcmExec"), "CcmExec");
    }

    #[test]
    fn a_caller_is_named_by_the_data() {
        assert_eq!(super::caller_name("ccmexec"), Some("the ConfigMgr client"));
        assert_eq!(super::caller_name("Panda Systems Management"), None);
        assert!(super::is_summary_code(0x8024_0022) && !super::is_summary_code(0x8007_3701));
    }
    use super::*;

    #[test]
    fn log_kind_ids_agree_with_the_model() {
        for (id, kind) in LOG_KIND_IDS {
            assert_eq!(kind.id(), *id);
        }
        assert_eq!(LOG_KIND_IDS.len(), LogKind::NAMED.len(), "build.rs LOG_KINDS lists every named kind");
    }
}
