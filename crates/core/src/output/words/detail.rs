//! The detail below the first screen in words: the statements joined (the diagnosis's
//! paragraph), after what the drop mixes and the target failing now; and each statement with
//! the target it tells first.

use super::ledger::story;
use crate::diagnose::{Diagnosis, Statement};

/// The detail: that the drop seems to mix machines, the target failing now, then the
/// statements' paragraph.
pub fn detail(d: &Diagnosis) -> String {
    let mut v = d.verdict.clone();
    if d.machines.len() > 1 {
        // Said first: every conclusion after it mixes machines.
        v = if d.machines_apart {
            format!(
                "These logs seem to come from {} machines ({}): the conclusions below mix them; analyse each machine's logs alone. {v}",
                d.machines.len(),
                d.machines.iter().map(|m| m.about.as_str()).collect::<Vec<_>>().join("; ")
            )
        } else {
            let mut named = d.machines.iter().take(4).map(|m| m.about.as_str()).collect::<Vec<_>>().join(", ");
            if d.machines.len() > 4 {
                named.push_str(", ...");
            }
            format!(
                "These logs seem to come from {} machines (the same logs in {named}): the conclusions below mix them; analyse each folder alone, or use `wulens fleet`. {v}",
                d.machines.len()
            )
        };
    }
    // The target failing now is the first thing the detail says too.
    if let Some(row) = d.statements.iter().find_map(|s| s.told).and_then(|r| story(&d.ledger[r])) {
        v = format!("{row} {v}");
    }
    v
}

/// A statement in words: the target it tells first, then what its kind of work came to
/// ("Windows Update: 133 searches ..." goes on without its label).
pub fn statement_text(d: &Diagnosis, st: &Statement) -> String {
    let Some(story) = st.told.and_then(|r| story(&d.ledger[r])) else { return st.text.clone() };
    if st.text.is_empty() {
        return story;
    }
    let rest = match st.text.split_once(": ") {
        Some((label, rest)) if label.split_whitespace().count() <= 3 && !label.bytes().any(|b| b.is_ascii_digit()) => rest,
        _ => st.text.as_str(),
    };
    format!("{story} {rest}")
}
