//! The detail below the first screen in words: the one-paragraph verdict (the statements, then
//! what they amount to), after that the drop mixes machines and the target failing now; and
//! each statement with the target it tells first.

use std::borrow::Cow;

use super::codes::finding_cause;
use super::flow::{describe_error, scan_statement, sync_statement};
use super::ledger::story;
use super::machines::machine_about;
use super::outcomes;
use crate::analysis::Analysis;
use crate::diagnose::{Diagnosis, Part, Said, Statement};

/// The detail: that the drop seems to mix machines, the target failing now, then the verdict.
pub fn detail(a: &Analysis, d: &Diagnosis) -> String {
    let mut v = d.verdict.iter().map(|p| part(a, d, p)).collect::<Vec<_>>().join(" ");
    if d.machines.len() > 1 {
        // Said first: every conclusion after it mixes machines.
        v = if d.machines_apart {
            // The logs that could be any of theirs (no name, no build, their days fit several).
            let outside: Vec<&str> = a
                .files
                .iter()
                .enumerate()
                .filter(|(i, f)| f.is_text() && !f.entries.is_empty() && !d.machines.iter().any(|m| m.files.contains(i)))
                .map(|(_, f)| crate::model::base_name(&f.name))
                .collect();
            let nobody = match outside.as_slice() {
                [] => String::new(),
                [one] => format!("; {one} names no computer or Windows build and could be any of theirs"),
                [x, y] => format!("; {x} and {y} name no computer or Windows build and could be any of theirs"),
                [x, y, rest @ ..] => format!("; {x}, {y} and {} more name no computer or Windows build and could be any of theirs", rest.len()),
            };
            format!(
                "These logs seem to come from {} machines ({}{nobody}): the conclusions below mix them; analyse each machine's logs alone. {v}",
                d.machines.len(),
                d.machines.iter().map(machine_about).collect::<Vec<_>>().join("; ")
            )
        } else {
            let mut named = d.machines.iter().take(4).map(machine_about).collect::<Vec<_>>().join(", ");
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

fn part(a: &Analysis, d: &Diagnosis, p: &Part) -> String {
    match p {
        Part::Statement(i) => own_text(a, d, &d.statements[*i]).into_owned(),
        Part::NoWork { texts, code } => {
            let mut p = if *texts == 0 {
                "None of the inputs is a readable text log.".to_string()
            } else {
                "These logs show no ConfigMgr client scan, no WSUS synchronization and no update, servicing or setup operation wulens recognizes.".to_string()
            };
            if let Some(code) = code {
                p.push_str(&format!(" The most significant error is {}.", describe_error(a, *code)));
            } else if *texts > 0 {
                p.push_str(" No error codes were found, other than routine ones.");
            }
            p
        }
        Part::LikelyCause(findings) => {
            format!("Likely cause: {}.", findings.iter().map(|&f| finding_cause(&d.findings[f])).collect::<Vec<_>>().join("; "))
        }
    }
}

/// What a statement's own work came to, without the target it tells first.
pub(super) fn own_text<'d>(a: &Analysis, d: &'d Diagnosis, st: &'d Statement) -> Cow<'d, str> {
    match &st.said {
        Said::ScanFlow => Cow::Owned(scan_statement(a, &d.scan)),
        Said::SyncFlow => Cow::Owned(sync_statement(a, &d.sync)),
        Said::Told => Cow::Borrowed(""),
        Said::Agent(x) => Cow::Owned(outcomes::agent(a, &d.counted_operations(), x)),
        Said::Deployment(x) => Cow::Owned(outcomes::deployment(a, &d.counted_operations(), x)),
        Said::Servicing(x) => Cow::Owned(outcomes::servicing(a, &d.counted_operations(), x)),
        Said::Run(x) => Cow::Owned(outcomes::run(a, &d.counted_operations(), x)),
        Said::Finding(i) => Cow::Owned(super::findings::finding_summary(&d.findings[*i])),
    }
}

/// A statement in words: the target it tells first, then what its kind of work came to
/// ("Windows Update: 133 searches ..." goes on without its label).
pub fn statement_text(a: &Analysis, d: &Diagnosis, st: &Statement) -> String {
    let own = own_text(a, d, st);
    let Some(story) = st.told.and_then(|r| story(&d.ledger[r])) else { return own.into_owned() };
    if own.is_empty() {
        return story;
    }
    let rest = match own.split_once(": ") {
        Some((label, rest)) if label.split_whitespace().count() <= 3 && !label.bytes().any(|b| b.is_ascii_digit()) => rest,
        _ => own.as_ref(),
    };
    format!("{story} {rest}")
}
