//! Whether a restart that servicing asked for is still pending when the logs end. A line that
//! asks for one ("Reboot required=yes", a session that failed 0x80070BC9 for a restart already
//! pending) is superseded by what the logs show after it: the machine started again (CBS's
//! `TI: Last boot time:`, the `boot` counter of `operations/servicing.toml`). Nothing else proves
//! it: a later session that needed no restart of its own (a `/Get-Features` query) or an install
//! that succeeded says nothing of the restart an earlier one asked for, so the restart stays
//! required, with the time it was asked for, until a start of the machine is in the logs.

use super::defs;
use super::operations::{Counted, Operation};
use crate::analysis::Analysis;
use crate::model::time::days_from_civil;
use crate::model::OperationKind;

/// A start of the machine: when (UTC ms, and as the log's clock reads), and the line (file,
/// entry) that says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Superseder {
    pub at: i64,
    pub local: i64,
    pub file: usize,
    pub entry: u32,
}

/// The restart servicing asked for last: the line that asks for it (file, entry), and the start
/// of the machine after it, which says it is no longer pending (none: still required). Its words:
/// `output/words/outcomes.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Restart {
    pub file: usize,
    pub entry: u32,
    pub started: Option<Superseder>,
}

impl Restart {
    /// The lines that say it: the one that asks, then the start of the machine after it.
    pub fn lines(&self) -> Vec<(usize, u32)> {
        std::iter::once((self.file, self.entry)).chain(self.started.map(|s| (s.file, s.entry))).collect()
    }
}

/// The restart servicing asked for last, still required or no longer pending; none when no
/// session asked for one.
pub fn servicing_restart(a: &Analysis, ops: &[&Operation], counted: &[Counted]) -> Option<Restart> {
    let codes = restart_codes();
    let time = |o: &Operation| o.anchor().and_then(|e| a.files[o.file].utc_ms(&a.files[o.file].entries[e as usize]));
    let ask = ops
        .iter()
        .filter(|o| matches!(o.kind(), OperationKind::Servicing | OperationKind::StoreCheck))
        .filter(|o| o.fact("reboot") == Some("yes") || o.code.is_some_and(|c| codes.contains(&c)))
        .max_by_key(|o| time(o))?;
    let at = ask.anchor()?;
    let later = superseders(a, counted);
    Some(Restart { file: ask.file, entry: at, started: superseded_after(a, &later, ask.file, at) })
}

/// Codes that say a restart is pending (the `pending_reboot` rule's: 0x80070BC9, 0x80242014).
pub fn restart_codes() -> &'static [u32] {
    defs::rules().iter().find(|r| r.id == "pending_reboot").map_or(&[], |r| r.codes)
}

/// Everything in the drop that supersedes a restart asked for before it, in time order.
pub fn superseders(a: &Analysis, counted: &[Counted]) -> Vec<Superseder> {
    let mut out = Vec::new();
    for c in counted.iter().filter(|c| c.id == "boot") {
        let f = &a.files[c.file];
        let e = &f.entries[c.entry as usize];
        // The boot time is written in the log's own clock: the line's offset turns it to UTC.
        if let Some(local) = wall_clock_ms(&c.item) {
            out.push(Superseder { at: local - f.offset_of(e) as i64 * 60_000, local, file: c.file, entry: c.entry });
        }
    }
    out.sort_by_key(|s| s.at);
    out
}

/// The first of `sup` (time-ordered) after the line (file, entry), if any: that line's restart
/// is no longer pending. A line with no time is never superseded.
pub fn superseded_after(a: &Analysis, sup: &[Superseder], file: usize, entry: u32) -> Option<Superseder> {
    let f = &a.files[file];
    let t = f.utc_ms(f.entries.get(entry as usize)?)?;
    sup.get(sup.partition_point(|s| s.at <= t)).copied()
}

/// `2023-05-23 10:23:56.500` as wall-clock milliseconds.
fn wall_clock_ms(v: &str) -> Option<i64> {
    let v = v.trim();
    let num = |r: std::ops::Range<usize>| v.get(r).and_then(|s| s.parse::<u32>().ok());
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let ms = v.get(19..).and_then(|r| r.strip_prefix('.')).and_then(|r| r.get(..3)).and_then(|r| r.parse::<i64>().ok()).unwrap_or(0);
    Some(days_from_civil(y as i32, mo, d) * 86_400_000 + (h as i64 * 3600 + mi as i64 * 60 + s as i64) * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::{wall_clock_ms, Restart, Superseder};

    #[test]
    fn a_restart_is_shown_by_its_ask_then_the_start_after_it() {
        let asked = Restart { file: 1, entry: 40, started: None };
        assert_eq!(asked.lines(), [(1, 40)]);
        let started = Restart { started: Some(Superseder { at: 0, local: 0, file: 2, entry: 7 }), ..asked };
        assert_eq!(started.lines(), [(1, 40), (2, 7)]);
    }

    #[test]
    fn a_boot_time_as_cbs_writes_it() {
        assert_eq!(wall_clock_ms("2023-05-23 10:23:56.500"), Some(1_684_837_436_500));
        assert_eq!(wall_clock_ms("1970-01-01 00:00:01"), Some(1000));
        assert_eq!(wall_clock_ms("not a time"), None);
        assert_eq!(wall_clock_ms("2023-13-23 10:23:56"), None);
    }
}
