//! Per-update compliance across a fleet: each update any machine's logs name, by state (failing
//! with each code, stalled, running, waiting for a maintenance window, pending restart, done, unknown, not seen), each cell with
//! its machines. Read from the rows' ledgers (`MachineRow::updates`, at most `ROW_UPDATES` a
//! machine, failing and stalled first: a machine with more updates than that may count as
//! `not_seen` for one it holds as done).

use serde::{Deserialize, Serialize};

use crate::model::{LedgerState, UpdateClass};

/// Names a cell lists; the rest are counted (`more`).
pub const CELL_NAMES: usize = 20;

/// One update as one machine's row holds it (`MachineRow::compliance_facts`).
#[derive(Debug, Clone, Default)]
pub struct Seen<'a> {
    pub kb: &'a str,
    pub update_id: &'a str,
    pub title: &'a str,
    pub class: UpdateClass,
    pub state: LedgerState,
    pub code: &'a str,
}

/// One machine: its name, whether it could be read, and the updates its row holds.
#[derive(Debug, Clone, Default)]
pub struct MachineUpdates<'a> {
    pub machine: &'a str,
    pub readable: bool,
    pub updates: Vec<Seen<'a>>,
}

/// One update across the fleet.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct UpdateCompliance {
    /// `KB5044273`, else the update id, else the title: what the machines are matched by.
    pub update: String,
    /// The title as the first machine's logs give it.
    pub title: String,
    /// `cumulative`, `security`, `definition`, ...
    pub class: UpdateClass,
    /// Readable machines (every cell's count adds up to it).
    pub machines: usize,
    /// The states, failing first (one cell a code, most machines first), then `stalled`,
    /// `running`, `waiting`, `pending_restart`, `done`, `unknown`, `not_seen`; empty cells left out.
    pub cells: Vec<ComplianceCell>,
}

/// The machines in one state for one update.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ComplianceCell {
    /// `failing`, `stalled`, `running`, `waiting`, `pending_restart`, `done`, `unknown` or `not_seen` (no
    /// line of the machine's logs names the update).
    pub state: String,
    /// The failure's code, for `failing` (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    /// Machines in the cell.
    pub count: usize,
    /// The first [`CELL_NAMES`] of them, sorted.
    pub machines: Vec<String>,
    /// Machines in the cell not listed.
    pub more: usize,
}

/// One machine's state of one update: (the state's order, its id, the code, the machine).
type Held = (u8, &'static str, String, String);

fn key(u: &Seen) -> String {
    if !u.kb.is_empty() {
        u.kb.to_ascii_uppercase()
    } else if !u.update_id.is_empty() {
        u.update_id.to_ascii_lowercase()
    } else {
        u.title.to_string()
    }
}

/// Whether `machine` is in the cell of `update` (an [`UpdateCompliance::update`]) and `state`
/// (a [`ComplianceCell::state`], `not_seen` included): the page's filter, the same rule as the
/// cells' counts.
pub fn in_cell(machine: &MachineUpdates, update: &str, state: &str) -> bool {
    if !machine.readable {
        return false;
    }
    let first = machine.updates.iter().find(|u| key(u) == update);
    match first {
        Some(u) => u.state.id() == state,
        None => state == "not_seen",
    }
}

/// Every update the fleet's rows name, the most failing machines first (then by name).
pub fn compliance(fleet: &[MachineUpdates]) -> Vec<UpdateCompliance> {
    // update -> (title, class, [(state order, state, code, machine)])
    let mut by: std::collections::BTreeMap<String, (String, UpdateClass, Vec<Held>)> = Default::default();
    let readable: Vec<&MachineUpdates> = fleet.iter().filter(|m| m.readable).collect();
    for m in &readable {
        let mut seen_here: Vec<String> = Vec::new();
        for u in &m.updates {
            let k = key(u);
            if k.is_empty() || seen_here.contains(&k) {
                continue;
            }
            seen_here.push(k.clone());
            let e = by.entry(k).or_insert_with(|| (u.title.to_string(), u.class, Vec::new()));
            let code = if u.state == LedgerState::Failing { u.code.to_string() } else { String::new() };
            e.2.push((u.state as u8, u.state.id(), code, m.machine.to_string()));
        }
    }
    let mut out: Vec<UpdateCompliance> = by
        .into_iter()
        .map(|(update, (title, class, mut held))| {
            let holders: std::collections::HashSet<&str> = held.iter().map(|h| h.3.as_str()).collect();
            let not_seen: Vec<String> = readable.iter().map(|m| m.machine).filter(|n| !holders.contains(n)).map(str::to_string).collect();
            held.extend(not_seen.into_iter().map(|n| (u8::MAX, "not_seen", String::new(), n)));
            held.sort();
            let mut cells: Vec<ComplianceCell> = Vec::new();
            let mut order: Vec<u8> = Vec::new();
            for (o, state, code, machine) in held {
                match cells.iter_mut().zip(&order).find(|(c, co)| **co == o && c.code == code) {
                    Some((c, _)) => {
                        c.count += 1;
                        if c.machines.len() < CELL_NAMES {
                            c.machines.push(machine);
                        } else {
                            c.more += 1;
                        }
                    }
                    None => {
                        cells.push(ComplianceCell { state: state.to_string(), code, count: 1, machines: vec![machine], more: 0 });
                        order.push(o);
                    }
                }
            }
            // Within a state (the failing codes), the largest cell first; the states keep their order.
            let mut ranked: Vec<(u8, ComplianceCell)> = order.into_iter().zip(cells).collect();
            ranked.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.count.cmp(&a.1.count)).then_with(|| a.1.code.cmp(&b.1.code)));
            UpdateCompliance { update, title, class, machines: readable.len(), cells: ranked.into_iter().map(|(_, c)| c).collect() }
        })
        .collect();
    let failing = |u: &UpdateCompliance| u.cells.iter().filter(|c| c.state == "failing").map(|c| c.count).sum::<usize>();
    out.sort_by(|a, b| failing(b).cmp(&failing(a)).then_with(|| a.update.cmp(&b.update)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fleet::{FleetSummary, MachineRow, UpdateState};

    fn row(name: &str, updates: &[(&str, LedgerState, &str)]) -> MachineRow {
        MachineRow {
            machine: name.into(),
            status: "ok".into(),
            updates: updates
                .iter()
                .map(|(kb, state, code)| UpdateState { kb: kb.to_string(), state: *state, code: code.to_string(), ..UpdateState::default() })
                .collect(),
            ..MachineRow::default()
        }
    }

    #[test]
    fn updates_by_state_with_their_machines() {
        use LedgerState::*;
        let mut rows = vec![
            row("a", &[("KB1", Failing, "0x80070643"), ("KB2", Done, "")]),
            row("b", &[("kb1", Failing, "0x80070643")]),
            row("c", &[("KB1", Failing, "0x800F081F"), ("KB2", PendingRestart, "")]),
            row("d", &[("KB1", Done, "")]),
            row("e", &[]),
            MachineRow::unreadable("z", "z.zip", "cut off"),
        ];
        rows.extend((0..25).map(|i| row(&format!("m{i:02}"), &[("KB2", Done, "")])));
        let c = FleetSummary::of(&rows).compliance;
        assert_eq!(c.iter().map(|u| u.update.as_str()).collect::<Vec<_>>(), vec!["KB1", "KB2"], "the failing update first");
        let kb1: Vec<(&str, &str, usize, Vec<&str>)> =
            c[0].cells.iter().map(|x| (x.state.as_str(), x.code.as_str(), x.count, x.machines.iter().map(String::as_str).collect())).collect();
        assert_eq!(c[0].machines, 30, "the unreadable bundle counts for nothing");
        assert_eq!(kb1[0], ("failing", "0x80070643", 2, vec!["a", "b"]));
        assert_eq!(kb1[1], ("failing", "0x800F081F", 1, vec!["c"]));
        assert_eq!(kb1[2], ("done", "", 1, vec!["d"]));
        assert_eq!((kb1[3].0, kb1[3].2), ("not_seen", 26));
        let kb2 = &c[1].cells;
        assert_eq!((kb2[0].state.as_str(), kb2[0].count), ("pending_restart", 1));
        assert_eq!((kb2[1].state.as_str(), kb2[1].count, kb2[1].machines.len(), kb2[1].more), ("done", 26, CELL_NAMES, 6));
        assert_eq!((kb2[2].state.as_str(), kb2[2].machines.clone()), ("not_seen", vec!["b".to_string(), "d".into(), "e".into()]));
        assert!(c.iter().all(|u| u.cells.iter().map(|x| x.count).sum::<usize>() == u.machines));
        // The page's filter picks each cell's machines, no more.
        for u in &c {
            for cell in &u.cells {
                let picked: Vec<&str> = rows.iter().filter(|r| in_cell(&r.compliance_facts(), &u.update, &cell.state)).map(|r| r.machine.as_str()).collect();
                let in_state: usize = u.cells.iter().filter(|x| x.state == cell.state).map(|x| x.count).sum();
                assert_eq!(picked.len(), in_state, "{} {}", u.update, cell.state);
                assert!(cell.machines.iter().all(|m| picked.contains(&m.as_str())));
            }
        }
    }
}
