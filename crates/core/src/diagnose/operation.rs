//! One operation found in a log (`operations.rs` finds them): what it was, its lines, how it
//! ended, and the small changes the reading makes to it (a line added, a start moved, a callback
//! that decides it).

use super::defs::{self, OperationDef};
use crate::model::{OperationKind, Outcome};

/// One operation found in a log.
#[derive(Clone)]
pub struct Operation {
    pub def: &'static OperationDef,
    pub file: usize,
    /// Entry of the start line (`None`: it began before the log does).
    pub start: Option<u32>,
    /// Entry of the end line (`None`: no end in the log).
    pub end: Option<u32>,
    pub caller: String,
    pub label: String,
    pub facts: Vec<(&'static str, String)>,
    pub outcome: Outcome,
    /// The result code (`Exit code = ...`, `HRESULT = ...`), success codes included.
    pub code: Option<u32>,
    /// The error a remapped code stands for, or the most frequent other failure on its way.
    pub root: Option<u32>,
    /// Failure codes on its lines between start and end that are not routine there, with how
    /// often, most frequent first.
    pub codes_seen: Vec<(u32, u32)>,
    /// Why, in words, when a result line says it.
    pub cause: Option<&'static str>,
    /// Entry of the line that says it failed (its decisive result line): its root is looked for
    /// up to that line, never after it.
    pub failed_at: Option<u32>,
    /// Entry of the first link of the chain of errors that ended it, also where that link holds
    /// its own code (and no other root is named): the line that says first what went wrong.
    pub first_link: Option<u32>,
    /// Lines that prove it: start, result, causes, end (entries of `file`).
    pub lines: Vec<u32>,
    /// A setup phase that failed here and whose result a later log reports (the rollback's): that
    /// log's file. The run is told there, not counted again here.
    pub reported_in: Option<usize>,
    /// The line of another log that says this operation served a larger one there (a Delivery
    /// Optimization job the agent's download call names): (file, entry).
    pub served: Option<(usize, u32)>,
    /// A program's routine call that failed only the way it always does (a knowledge-base noise
    /// context bound to that program: Defender's daily feature probe through the DISM API): the
    /// code its lines said. The operation is then no failure; its lines still show the call.
    pub routine: Option<u32>,
}

impl Operation {
    pub fn kind(&self) -> OperationKind {
        self.def.kind
    }

    pub fn fact(&self, name: &str) -> Option<&str> {
        self.facts.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The program that asked for it, as its lines name it: its `program` fact (a command line),
    /// else its caller, else its label.
    pub fn program(&self) -> Option<&str> {
        self.fact("program").or(Some(self.caller.as_str())).filter(|c| !c.is_empty()).or(Some(self.label.as_str())).filter(|c| !c.is_empty())
    }

    /// The update an operation worked on, where its lines name it (an event log's title or a
    /// Store app), not a bare update id.
    pub fn update_name(&self) -> Option<UpdateName> {
        UpdateName::of(self.fact("update")?)
    }

    /// The service's name (`Windows Update`), from the service id the log names.
    pub fn service(&self) -> Option<String> {
        let id = self.fact("service")?.trim_matches(['{', '}']).to_ascii_uppercase();
        Some(defs::services().iter().find(|s| s.id == id).map_or(id, |s| s.name.to_string()))
    }

    /// True when it searched one of Microsoft's public services rather than WSUS.
    pub fn public_service(&self) -> Option<bool> {
        let id = self.fact("service")?.trim_matches(['{', '}']).to_ascii_uppercase();
        defs::services().iter().find(|s| s.id == id).map(|s| s.public)
    }

    /// The code that leads when the operation is named: its root where its own code only sums
    /// up its updates' results (`[[summary_code]]`: 0x80240022, all updates failed) and the
    /// log gives an update's own code; else its own code.
    pub fn lead_code(&self) -> Option<u32> {
        match (self.code, self.root) {
            (Some(c), Some(r)) if defs::is_summary_code(c) => Some(r),
            (c, _) => c,
        }
    }

    /// The entry whose time says when it happened (its end, else the line that says it failed,
    /// else its start).
    pub fn anchor(&self) -> Option<u32> {
        self.end.or(self.failed_at).or(self.start).or(self.lines.first().copied())
    }
}

/// Codes that say the operation was cancelled, not that it failed: ERROR_CANCELLED,
/// ERROR_REQUEST_ABORTED, WU_E_CALL_CANCELLED, CBS_E_CANCEL.
pub(super) const CANCELLED: [u32; 4] = [0x8007_04C7, 0x8007_04D3, 0x8024_000B, 0x800F_0820];

pub fn new_op(def: &'static OperationDef, file: usize, start: Option<u32>) -> Operation {
    Operation {
        def,
        file,
        start,
        end: None,
        caller: String::new(),
        label: String::new(),
        facts: Vec::new(),
        outcome: Outcome::Unknown,
        code: None,
        root: None,
        codes_seen: Vec::new(),
        cause: None,
        failed_at: None,
        first_link: None,
        lines: start.into_iter().collect(),
        reported_in: None,
        served: None,
        routine: None,
    }
}

pub(super) fn push_line(op: &mut Operation, ei: u32) {
    if !op.lines.contains(&ei) {
        op.lines.push(ei);
    }
}

/// The operation began at `start` (its start line replaced in its lines).
pub(super) fn restart(op: &mut Operation, start: Option<u32>) {
    if let Some(old) = op.start {
        op.lines.retain(|&e| e != old);
    }
    op.start = start;
    if let Some(s) = start {
        op.lines.insert(0, s);
    }
}

/// The agent called back with `code` (see `Reader::callback`): a call no result line decided is
/// decided by it, and its error is the root where the call's own code only sums up.
pub(super) fn called_back(op: &mut Operation, code: u32, ei: u32) {
    push_line(op, ei);
    let failure = code & 0x8000_0000 != 0;
    if matches!(op.outcome, Outcome::Unknown | Outcome::Running | Outcome::Interrupted) {
        op.outcome = match code {
            _ if CANCELLED.contains(&code) => Outcome::Cancelled,
            _ if failure => Outcome::Failed,
            _ => Outcome::Succeeded,
        };
    }
    match op.code {
        None if failure => op.code = Some(code),
        Some(c) if failure && c != code && defs::is_summary_code(c) => op.root = Some(code),
        _ => {}
    }
}

/// An update as a log names it (its words: `output/words/codes.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpdateName {
    /// Its title or name, as the log writes it.
    Title(String),
    /// A Microsoft Store app by its package name: the log leads it with the app's product id
    /// (`9NZKPSTSNW4P-Microsoft.XboxGamingOverlay`).
    StoreApp(String),
}

impl UpdateName {
    /// An update as a log names it: none for a bare update id.
    pub fn of(u: &str) -> Option<UpdateName> {
        let u = u.trim();
        let id_like = u.trim_matches(['{', '}']).chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        if u.is_empty() || id_like {
            return None;
        }
        match u.split_once('-') {
            Some((product, package)) if is_store_product_id(product) && package.contains('.') => Some(UpdateName::StoreApp(package.to_string())),
            _ => Some(UpdateName::Title(u.to_string())),
        }
    }
}

/// A Microsoft Store product id: twelve upper-case letters and digits (`9NZKPSTSNW4P`).
pub(super) fn is_store_product_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) && s.bytes().any(|b| b.is_ascii_digit())
}
