//! The MDM update ring as a source of the ledger: a ring that pauses quality or feature updates
//! holds back the rows of that kind that are not done, when the pause is in effect as the logs
//! end (or its dates are not known). Policy CSP, Update/PauseQualityUpdatesStartTime and
//! PauseFeatureUpdatesStartTime: updates of that kind are paused for 35 days from the start date.

use super::end_of;
use crate::analysis::Analysis;
use crate::diagnose::config::{Ring, UpdateClass as RingClass};
use crate::model::time::format_date;
use crate::model::{LedgerHold, LedgerRow, LedgerState, UpdateClass};

/// Marks each row of `rows` that `ring`'s pause holds back.
pub fn hold(a: &Analysis, ring: &Ring, rows: &mut [LedgerRow]) {
    let end = a.files.iter().filter_map(end_of).max();
    for class in [RingClass::Quality, RingClass::Feature] {
        let Some(pause) = ring.pause(class) else { continue };
        if end.is_some_and(|t| pause.in_effect_at(t) == Some(false)) {
            continue;
        }
        let held = LedgerHold {
            updates: class.word().to_string(),
            policy: ring.settings.iter().find(|(_, s)| *s == pause.setting).map(|(n, _)| n.clone()).unwrap_or_default(),
            value: pause.setting.value.clone(),
            from: pause.days.map(|(a, _)| format_date(a)),
            until: pause.days.map(|(_, b)| format_date(b)),
            server: ring.server.clone(),
            file: pause.setting.file.clone(),
            line: pause.setting.line,
        };
        for r in rows.iter_mut().filter(|r| of_class(r.class) == Some(class) && !matches!(r.state, LedgerState::Done | LedgerState::PendingRestart)) {
            r.held = Some(held.clone());
        }
    }
}

/// The ring's kind of update a row's class is: the monthly cumulative, security and servicing
/// stack updates are quality updates; a new Windows version is a feature update.
fn of_class(c: UpdateClass) -> Option<RingClass> {
    match c {
        UpdateClass::Cumulative | UpdateClass::Security | UpdateClass::ServicingStack => Some(RingClass::Quality),
        UpdateClass::Feature => Some(RingClass::Feature),
        _ => None,
    }
}
