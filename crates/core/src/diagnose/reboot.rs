//! The restart software update installs ask for, as facts (RebootCoordinator.log, and
//! UpdatesDeployment.log's notify line): the latest restart scheduled, by which agent, its
//! deadline, whether a maintenance window allowed it, the grace period the user was given, and
//! whether the restart began (`Reboot initiated`), or is still pending when the logs end. The
//! line shapes are `rules/configmgr-chain.toml`'s (`restart_coordination`), from
//! ../shared/reference/configmgr-client-lines.md; the join reads the lines the data matched, in
//! time order.

use super::defs::RuleDef;
use super::finding::{Ctx, Finding};
use super::found::{Found, RestartSchedule};
use crate::model::{time_of, LinkState};

/// `Scheduled reboot from agent UpdatesDeploymentAgent. Deadline local time: 05/18/2020 12:09:50 PM, ...`
const SCHEDULED: &str = "Scheduled reboot from agent ";
const DEADLINE: &str = "Deadline local time: ";
const WINDOW_ALLOWED: &str = "ServiceWindowsManager has allowed us to Reboot";
/// `Notified UI grace period start with 300 grace seconds and 60 final seconds.`
const GRACE: &str = "Notified UI grace period start with ";
/// The restart began: `System reboot request succeeded.`, then `Reboot initiated`.
pub const INITIATED: [&str; 2] = ["Reboot initiated", "System reboot request succeeded"];
/// UpdatesDeployment.log: `Notify reboot with deadline = ..., Ignore reboot Window = True, ...`.
const IGNORE_WINDOW: &str = "Ignore reboot Window = ";

/// The latest restart the lines show; none where they show none.
pub fn restart_coordination(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let mut sorted = lines.to_vec();
    sorted.sort_by_key(|&(f, e)| (ctx.a.files[f].utc_ms(&ctx.a.files[f].entries[e]).unwrap_or(i64::MIN), f, e));
    let mut r = RestartSchedule::default();
    let (mut scheduled_line, mut initiated_line, mut ignore_line) = (None, None, None);
    for (f, e) in sorted {
        let m = ctx.message(f, e).trim();
        let at = time_of(&ctx.a.files[f], e);
        if let Some((_, rest)) = m.split_once(SCHEDULED) {
            // A new restart: what the one before it said no longer holds.
            r = RestartSchedule { ignore_window: r.ignore_window, scheduled: r.scheduled + 1, ..RestartSchedule::default() };
            initiated_line = None;
            r.agent = Some(rest.split(['.', ' ', ',']).next().unwrap_or("").to_string()).filter(|a| !a.is_empty());
            r.deadline = rest.split_once(DEADLINE).map(|(_, d)| d.split(',').next().unwrap_or(d).trim().to_string());
            r.scheduled_at = at;
            scheduled_line = Some((f, e));
        } else if m.contains(WINDOW_ALLOWED) {
            r.window_allowed = true;
        } else if let Some((_, rest)) = m.split_once(GRACE) {
            r.grace_s = rest.split_whitespace().next().and_then(|n| n.parse().ok());
        } else if INITIATED.iter().any(|k| m.contains(k)) {
            if r.initiated_at.is_none() {
                r.initiated_at = at;
                initiated_line = Some((f, e));
            }
        } else if let Some((_, rest)) = m.split_once(IGNORE_WINDOW) {
            r.ignore_window = Some(rest.trim_start().starts_with("True"));
            ignore_line = Some((f, e)).filter(|_| r.ignore_window == Some(true));
        }
    }
    if r.scheduled == 0 && r.initiated_at.is_none() && r.ignore_window != Some(true) {
        return None;
    }
    let evidence = [scheduled_line, initiated_line, ignore_line].into_iter().flatten().map(|(f, e)| ctx.ev(f, e)).collect();
    Some(Finding::new(rule, r.link_state().severity(), Found::RestartSchedule(r), evidence, &[]))
}

impl RestartSchedule {
    /// Where the restart stands, the one definition the finding, the Restart link and the
    /// ledger's restart step read: scheduled and not begun when the logs end waits; begun is ok.
    pub fn link_state(&self) -> LinkState {
        if self.initiated_at.is_some() || self.scheduled == 0 {
            LinkState::Ok
        } else {
            LinkState::Waiting
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DEADLINE, GRACE, IGNORE_WINDOW, INITIATED, SCHEDULED, WINDOW_ALLOWED};

    /// The reader's shapes are the data's literals, so the literal catalog finds every line it reads.
    #[test]
    fn every_shape_is_a_literal_of_the_rule() {
        let rule = crate::diagnose::defs::rules().iter().find(|r| r.id == "restart_coordination").expect("the rule");
        let any: Vec<&str> = rule.lines.iter().flat_map(|l| l.m.any.iter().copied()).collect();
        for shape in [SCHEDULED, WINDOW_ALLOWED, GRACE, IGNORE_WINDOW].into_iter().chain(INITIATED) {
            assert!(any.contains(&shape), "{shape:?} is not a literal of rules/configmgr-chain.toml");
        }
        assert!(
            "Scheduled reboot from agent UpdatesDeploymentAgent. Deadline local time: 05/18/2020 12:09:50 PM, PreferredRebootWindowType = 4".contains(DEADLINE)
        );
    }
}
