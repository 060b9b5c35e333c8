//! What Windows setup's own lines say about a run beyond its result code: the extend code that
//! comes with a feature update's result (the phase setup was in, and its operation), and the
//! device installation a setupapi.dev.log stops in. The result lines themselves are data
//! (`operations/setup-and-clients.toml`).

use super::operations::Operation;
use crate::analysis::Analysis;
use crate::model::{OperationKind, Outcome, Severity};

/// The run reported its result before any restart (`ImageExit: Initializing PostReboot:
/// [FALSE]`): it failed in the old Windows, in the downlevel phase, whatever state setup was in
/// when it reported (a "Disk provisioning is not available" failure in `SetupPhaseInstall`
/// reports extend code 0x50013, written while setup undid its work).
fn before_restart(op: &Operation) -> bool {
    op.fact("post_reboot").is_some_and(|v| v.trim().trim_matches(['[', ']', ' ']).eq_ignore_ascii_case("false"))
}

/// The extend code a run reported with its result (`Reporting post reboot event -> [0xC1900101,
/// 0x30018]`, `ImageExit: Initializing Extended: [0x30018]`), if not zero.
pub fn extend_code(op: &Operation) -> Option<u32> {
    op.fact("extended").and_then(hex).filter(|&n| n != 0)
}

/// `0x30018`, `0XC1900101` or bare hex digits, as setup writes its codes.
fn hex(v: &str) -> Option<u32> {
    let v = v.trim();
    u32::from_str_radix(v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")).unwrap_or(v), 16).ok()
}

/// The failure code setup reported beside the extend code (`-> [0xC1900101, ...]`,
/// `SetupResult: [0xc1900101]`), else the run's own.
fn result_code(op: &Operation) -> Option<u32> {
    let stated = op.fact("result").and_then(hex);
    stated.or(op.code).filter(|c| c & 0x8000_0000 != 0)
}

/// A failed run's result as setup reported it: its code with the extend code (whose first hex
/// digit is the phase and last two the operation; words: `output/words/setup.rs`), whether it
/// reported before any restart (`before_restart`), and the failure the phase's own log names
/// (joined by `join_phase_failures`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetupResult {
    pub code: u32,
    pub extend: u32,
    pub before_restart: bool,
    pub root: Option<u32>,
}

/// A run's result with its extend code, or `None` when it reported no extend code.
pub fn result(op: &Operation) -> Option<SetupResult> {
    let extend = extend_code(op)?;
    let code = result_code(op)?;
    Some(SetupResult { code, extend, before_restart: before_restart(op), root: op.root.filter(|&r| r != code && r & 0x8000_0000 != 0) })
}

/// The extend code's phase digit a phase name of setup's platform stands for (`Execution phase
/// [Safe OS] exiting with HRESULT [...]`), where it is one of those.
fn phase_digit(name: &str) -> Option<u32> {
    let n: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    match n.as_str() {
        "downlevel" => Some(1),
        "safeos" => Some(2),
        "firstboot" => Some(3),
        "oobeboot" | "secondboot" => Some(4),
        _ => None,
    }
}

/// What a failed phase failed on: the last error line before its exit that names another code
/// than the exit's (`Operation execution failed: 12. hr = 0x80070570` before `Execution phase
/// [Safe OS] exiting with HRESULT [0x8007000D]`), within the run; its entry and code.
fn phase_root(a: &Analysis, op: &Operation) -> Option<(u32, u32)> {
    let f = &a.files[op.file];
    let exit = op.failed_at?;
    let from = op.start.unwrap_or(0);
    let v = &a.entry_codes[op.file];
    let upto = v.partition_point(|&(e, _)| e < exit);
    v[..upto].iter().rev().take_while(|&&(e, _)| e >= from).take(MAX_LOOK_BACK).copied().find(|&(e, code)| {
        Some(code) != op.code && code & 0x8000_0000 != 0 && f.entries[e as usize].severity == Severity::Error && !super::defs::is_routine(f, e, code)
    })
}

/// Codes looked at before a phase's exit for what it failed on.
const MAX_LOOK_BACK: usize = 64;

/// How long after a phase fails setup reports it (after restarting into the old Windows).
const REPORT_WINDOW_MS: i64 = 12 * 3_600_000;

/// A phase that failed in one log (`Execution phase [Safe OS] exiting with HRESULT
/// [0x8007000D]`, its root the operation that failed) and the result the rollback's log reports
/// for that phase with the same code (`Reporting post reboot event -> [0x8007000D, 0x2000C]`)
/// are one run: the report takes the phase's root, and the phase's log is marked
/// `reported_in` that log (it is no run of its own to count).
pub fn join_phase_failures(a: &Analysis, ops: &mut [Operation]) {
    for o in ops.iter_mut().filter(|o| o.kind() == OperationKind::Setup && o.outcome == Outcome::Failed && o.fact("phase").is_some()) {
        if let Some((e, root)) = phase_root(a, o) {
            o.root = Some(root);
            o.first_link = Some(e);
            if !o.lines.contains(&e) {
                o.lines.push(e);
            }
        }
    }
    let time = |o: &Operation| o.anchor().and_then(|e| a.files[o.file].utc_ms(&a.files[o.file].entries[e as usize]));
    let phases: Vec<usize> = (0..ops.len())
        .filter(|&i| {
            ops[i].kind() == OperationKind::Setup && ops[i].outcome == Outcome::Failed && ops[i].fact("phase").is_some_and(|p| phase_digit(p).is_some())
        })
        .collect();
    for r in 0..ops.len() {
        let report = &ops[r];
        let (Some(ext), Some(code), Some(at)) = (extend_code(report), result_code(report), time(report)) else { continue };
        if report.kind() != OperationKind::Setup || report.outcome != Outcome::Failed || report.root.is_some_and(|x| x != code) {
            continue;
        }
        let same = phases.iter().copied().filter(|&p| {
            let o = &ops[p];
            o.file != report.file
                && o.code == Some(code)
                && o.fact("phase").and_then(phase_digit) == Some(ext >> 16)
                && time(o).is_some_and(|t| t <= at && at - t <= REPORT_WINDOW_MS)
        });
        let Some(p) = same.max_by_key(|&p| time(&ops[p])) else { continue };
        let root = ops[p].root;
        ops[r].root = root.or(ops[r].root);
        ops[p].reported_in = Some(ops[r].file);
    }
}

/// A failed run whose extend code puts it past the downlevel phase (SafeOS, first boot, OOBE):
/// the new Windows had taken over, so setup rolled the machine back to the old one (Microsoft
/// Learn, "Resolve Windows upgrade errors": a failure after the downlevel phase rolls back).
pub fn rolled_back(op: &Operation) -> bool {
    op.outcome == Outcome::Failed && !before_restart(op) && extend_code(op).is_some_and(|e| matches!(e >> 16, 2..=4))
}

/// An upgrade's rollback as setup's platform writes it in the rollback's setupact.log
/// (`$WINDOWS.~BT\Sources\Rollback`): each phase opens with "Initiating rollback/uninstall,
/// phase = N" and closes with "Rollback completed successfully." (WinPE), "Rollback-Online-System
/// completed successfully." or "Rollback-Online-User completed successfully." (read from a 1909 to
/// 20H2 upgrade that rolled back in its first boot; three phases appended to one log).
///
/// A clean install's rollback is written by the OS Rollback tool instead (`Starting OS
/// Rollback... (launched with command line [/CleanInstallFromWinPE ...])`, then `OS Rollback:
/// Rolling back clean install launched from WinPE...`, its checkpoints rolled back one by one):
/// it names no phase, but what it undoes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rollback {
    /// The phase number the latest opening line gives (none for the OS Rollback tool's).
    pub phase: Option<String>,
    /// What the OS Rollback tool says it rolls back (`clean install launched from WinPE`).
    pub undoing: Option<String>,
    /// Its opening line.
    pub began: u32,
    /// The line that closes it, `None` when the log ends before one.
    pub ended: Option<u32>,
}

const ROLLBACK_BEGINS: &str = "Initiating rollback/uninstall, phase = ";
/// The OS Rollback tool's opening line, and its line that says what it rolls back.
const OS_ROLLBACK_BEGINS: &str = "Starting OS Rollback...";
const OS_ROLLBACK_UNDOES: &str = "OS Rollback: Rolling back ";
/// The lines that close a phase ("Rollback-Online-Common completed successfully." is the first
/// step of phases 1 and 2, not their end).
const ROLLBACK_ENDS: [&str; 3] =
    ["Rollback completed successfully.", "Rollback-Online-System completed successfully.", "Rollback-Online-User completed successfully."];

/// The latest rollback phase among the lines of run `op` (its whole log when it has no start or
/// end of its own), and whether it closed.
pub fn rollback(a: &Analysis, op: &Operation) -> Option<Rollback> {
    let f = &a.files[op.file];
    let text = f.text.as_bytes();
    [ROLLBACK_BEGINS, OS_ROLLBACK_BEGINS].iter().find_map(|m| memchr::memmem::find(text, m.as_bytes()))?;
    let (from, to) = (op.start.unwrap_or(0) as usize, op.end.map_or(f.entries.len(), |e| e as usize + 1).min(f.entries.len()));
    let mut found: Option<Rollback> = None;
    for ei in from..to {
        let m = f.message(&f.entries[ei]);
        if let Some((_, phase)) = m.split_once(ROLLBACK_BEGINS) {
            found = Some(Rollback { phase: Some(phase.trim().to_string()), undoing: None, began: ei as u32, ended: None });
        } else if m.contains(OS_ROLLBACK_BEGINS) {
            found = Some(Rollback { phase: None, undoing: None, began: ei as u32, ended: None });
        } else if let Some(r) = found.as_mut().filter(|r| r.ended.is_none()) {
            if ROLLBACK_ENDS.contains(&m.trim()) {
                r.ended = Some(ei as u32);
            } else if let Some((_, what)) = m.split_once(OS_ROLLBACK_UNDOES).filter(|_| r.undoing.is_none()) {
                r.undoing = Some(what.trim().trim_end_matches('.').trim().to_string()).filter(|w| !w.is_empty());
            }
        }
    }
    found
}

/// What a setup run that was cancelled, or that the log leaves without a result, was waiting on:
/// the phase it was in (`Setup phase change: [SetupPhasePreDownload] -> [SetupPhaseDownload]`)
/// and the failure that phase kept meeting (`Bits Error: Fatal = [No], State =
/// [TransientError], ... hr = [0x80070083]` once a minute: a download that never progressed), with
/// how often and its first and last lines. Its words: `output/words/setup.rs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// The phase's name as setup writes it (`SetupPhaseDownload`): only a run whose log says
    /// which phase it was in is said to wait on something (a setuperr.log's errors of hours, a
    /// log of many programs, say no such thing).
    pub phase: String,
    pub code: u32,
    pub times: usize,
    pub first: u32,
    pub last: u32,
}

const PHASE_CHANGE: &str = "Setup phase change: [";

/// A code met this often in one phase is work setup kept retrying (BITS retries a transient
/// error once a minute), not a one-off it went on from.
const RETRIED: usize = 3;

/// What run `op`, cancelled or without a result, was waiting on (see [`Waiting`]): the most
/// frequent failure code of the warning and error lines of the phase its log says it was in when it stopped
/// (from that phase's change line to the next, or to the end of its log: a download can go on
/// failing after the user's cancel), met at least [`RETRIED`] times; routine codes and the
/// cancellation's own codes left out.
pub fn waiting(a: &Analysis, op: &Operation) -> Option<Waiting> {
    if op.kind() != OperationKind::Setup || !matches!(op.outcome, Outcome::Cancelled | Outcome::Running | Outcome::Interrupted | Outcome::Unknown) {
        return None;
    }
    let f = &a.files[op.file];
    let from = op.start.unwrap_or(0);
    let stop = op.anchor().unwrap_or(f.entries.len().saturating_sub(1) as u32);
    let phase_of = |ei: u32| f.message(&f.entries[ei as usize]).split_once(PHASE_CHANGE).map(|(_, rest)| rest);
    // The phase it was in when it stopped, and where that phase began and ended.
    let began = (from..=stop).rev().find(|&e| phase_of(e).is_some());
    let phase = began.and_then(phase_of).and_then(|rest| rest.split_once("-> [")).map(|(_, to)| to.split(']').next().unwrap_or(to).trim().to_string())?;
    let (lo, hi) = (began.unwrap_or(from), (stop + 1..f.entries.len() as u32).find(|&e| phase_of(e).is_some()).unwrap_or(f.entries.len() as u32));
    let v = &a.entry_codes[op.file];
    let mut counts: Vec<(u32, usize, u32, u32)> = Vec::new();
    for &(e, code) in &v[v.partition_point(|&(e, _)| e < lo)..v.partition_point(|&(e, _)| e < hi)] {
        let level = f.entries[e as usize].severity;
        if code & 0x8000_0000 == 0
            || !matches!(level, Severity::Error | Severity::Warning)
            || super::operation::CANCELLED.contains(&code)
            || super::defs::is_routine(f, e, code)
        {
            continue;
        }
        match counts.iter_mut().find(|c| c.0 == code) {
            Some(c) if c.3 != e => (c.1, c.3) = (c.1 + 1, e),
            Some(_) => {}
            None => counts.push((code, 1, e, e)),
        }
    }
    let (code, times, first, last) = counts.into_iter().filter(|c| c.1 >= RETRIED).max_by_key(|c| (c.1, std::cmp::Reverse(c.2)))?;
    Some(Waiting { phase, code, times, first, last })
}

/// The last phase a setup run's log says it finished, for a run whose result is not in it:
/// setup's platform ends each phase `Execution phase [Post OOBE] exiting with HRESULT
/// [0x00000000]`; a WinPE clean install's setup writes `InstallWindows:First boot phase of setup
/// done!!!!` before the new Windows starts (read from a clean install's setupact.log).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhaseDone {
    /// A phase of setup's platform that exited with success, by the name its line gives.
    Exited(String),
    /// The clean install's first boot phase.
    FirstBoot,
}

/// [`PhaseDone`] and its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached {
    pub phase: PhaseDone,
    pub entry: u32,
}

const PHASE_EXITS: (&str, &str) = ("Execution phase [", "] exiting with HRESULT [0x00000000]");
const FIRST_BOOT_DONE: &str = "First boot phase of setup done";

/// The last phase run `op` (without a result of its own) logged finishing, if any.
pub fn reached(a: &Analysis, op: &Operation) -> Option<Reached> {
    if op.kind() != OperationKind::Setup || !matches!(op.outcome, Outcome::Unknown | Outcome::Interrupted) {
        return None;
    }
    let f = &a.files[op.file];
    let text = f.text.as_bytes();
    if memchr::memmem::find(text, PHASE_EXITS.1.as_bytes()).is_none() && memchr::memmem::find(text, FIRST_BOOT_DONE.as_bytes()).is_none() {
        return None;
    }
    let (from, to) = (op.start.unwrap_or(0) as usize, op.end.map_or(f.entries.len(), |e| e as usize + 1).min(f.entries.len()));
    (from..to).rev().find_map(|ei| {
        let m = f.message(&f.entries[ei]);
        let phase = if m.contains(FIRST_BOOT_DONE) {
            PhaseDone::FirstBoot
        } else {
            let name = m.split_once(PHASE_EXITS.0)?.1.split_once(PHASE_EXITS.1)?.0.trim();
            PhaseDone::Exited(name.to_string())
        };
        Some(Reached { phase, entry: ei as u32 })
    })
}

/// Is this file setup's error log (`setuperr.log`), which holds only the error lines of the
/// `setupact.log` beside it (Microsoft Learn, "Windows Setup log files and event logs")?
pub fn errors_only(name: &str) -> bool {
    crate::model::base_name(name).to_ascii_lowercase().contains("setuperr")
}

/// Programs other than an upgrade that write setup's log format, by a marker of their lines:
/// the recovery environment's "Reset this PC" writes `PushButtonReset::` in its setuperr.log
/// (`0x80070490 in PushButtonReset::OEMConnection::Create (base\reset\engine\...)`, read from a
/// reset's $SysReset log); the Windows 10 Update Assistant reports its states (`State manager get
/// called back with state Downloading, hr 0x0`, read from its upgrader_default.log).
const PROGRAMS: [(&str, SetupProgram); 2] =
    [("PushButtonReset::", SetupProgram::ResetThisPc), ("State manager get called back with state ", SetupProgram::UpdateAssistant)];

/// A program other than Windows setup that wrote a run's log in setup's format (its words:
/// `output/words/setup.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupProgram {
    /// The recovery environment's "Reset this PC" (push-button reset): no update.
    ResetThisPc,
    /// The Windows 10 Update Assistant's upgrade.
    UpdateAssistant,
}

/// The program that wrote run `op`'s log, where it is not Windows setup.
pub fn program(a: &Analysis, op: &Operation) -> Option<SetupProgram> {
    let text = a.files[op.file].text.as_bytes();
    PROGRAMS.iter().find(|(m, _)| memchr::memmem::find(text, m.as_bytes()).is_some()).map(|(_, name)| *name)
}

/// A device installation that a setupapi.dev.log opens and never closes: the log stops in it
/// (the machine hung, crashed or was reset while installing that device).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceStop {
    pub file: usize,
    pub entry: u32,
    pub device: String,
}

/// The device installation the last section of a setupapi.dev.log in the drop leaves open.
/// The log's sections open with `>>>  [Device Install (Hardware initiated) - <device id>]` and
/// close with `<<<  Section end` / `<<<  [Exit status: SUCCESS]` (Microsoft Learn, "SetupAPI
/// text logs": "Format of a text log section"); a tail of bytes that are not text after the last
/// line (a file cut off by the crash) is no section.
pub fn device_stop(a: &Analysis) -> Option<DeviceStop> {
    let mut found = None;
    for (fi, f) in a.files.iter().enumerate() {
        let mut open: Option<(u32, &str)> = None;
        for (ei, e) in f.entries.iter().enumerate() {
            let line = f.record(e).trim_start();
            if let Some(title) = line.strip_prefix(">>>  [") {
                open = Some((ei as u32, title));
            } else if line.starts_with("<<<  ") {
                open = None;
            }
        }
        let Some((entry, title)) = open else { continue };
        if !title.contains("Device Install") {
            continue;
        }
        let device = title.split_once(" - ").map_or(title, |(_, d)| d).trim_end_matches(']').trim();
        found = Some(DeviceStop { file: fi, entry, device: device.to_string() });
    }
    found
}

/// The device a failed upgrade stopped in: the latest failed setup run of `ops` whose failure
/// note (`failure_note`) names the device installation a setupapi.dev.log leaves open.
pub fn blocking_device(a: &Analysis, ops: &[Operation]) -> Option<DeviceStop> {
    ops.iter().rev().filter(|o| o.kind() == OperationKind::Setup).find_map(|o| failure_note(a, o).and_then(|(n, _)| n.device))
}

/// What a failed setup run's lines add to its statement: its result with the extend code
/// (`result`), then where a setupapi.dev.log in the drop stops, or, for a rollback in
/// SafeOS or the first boot without one, that the rollback's device install log is the one to
/// read. Its words: `output/words/outcomes.rs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupNote {
    pub device: Option<DeviceStop>,
    pub read_rollback_log: bool,
}

/// What a failed setup run adds to its statement (see [`SetupNote`]), with the lines that show
/// it; none where the run reported no extend code.
pub fn failure_note(a: &Analysis, op: &Operation) -> Option<(SetupNote, Vec<(usize, u32)>)> {
    if !matches!(op.outcome, Outcome::Failed | Outcome::Recovered) {
        return None;
    }
    // Said where the words say the result.
    extend_code(op)?;
    result_code(op)?;
    let mut lines = Vec::new();
    let device = device_stop(a);
    if let Some(d) = &device {
        lines.push((d.file, d.entry));
        let f = &a.files[d.file];
        // Its last line of text (not the bytes a crash left after it).
        let text_line = |e: &crate::model::Entry| {
            let r = f.record(e).trim();
            !r.is_empty() && !r.contains(['\0', '\u{FFFD}']) && e.severity != Severity::Error
        };
        if let Some(last) = f.entries.iter().rposition(text_line).filter(|&l| l as u32 != d.entry) {
            lines.push((d.file, last as u32));
        }
    }
    // 0xC1900101 is setup's generic rollback, mostly a driver; in SafeOS and the first boot
    // the device install log shows which (Microsoft Learn, "Resolution procedures").
    let read_rollback_log = device.is_none() && result_code(op) == Some(0xC190_0101) && extend_code(op).is_some_and(|e| matches!(e >> 16, 2 | 3));
    Some((SetupNote { device, read_rollback_log }, lines))
}
