//! The Updates panel's logic: which ledger rows a filter shows and how many each filter has, and
//! each row's steps as lanes (one per kind of log that tells them) on the row's own time axis.
//! Pure: tested natively by `cargo test -p wulens-web`.

use wulens_core::model::{JoinKey, LedgerRow, LedgerState, LedgerStep, LifeEvent};

/// The filter above the rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Show {
    #[default]
    All,
    Failing,
    Stalled,
    PendingRestart,
}

impl Show {
    pub const ALL: [Show; 4] = [Show::All, Show::Failing, Show::Stalled, Show::PendingRestart];

    pub fn label(self) -> &'static str {
        match self {
            Show::All => "All",
            Show::Failing => "Failing",
            Show::Stalled => "Stalled, running or waiting",
            Show::PendingRestart => "Restart pending",
        }
    }

    pub fn keeps(self, r: &LedgerRow) -> bool {
        match self {
            Show::All => true,
            Show::Failing => r.state == LedgerState::Failing,
            Show::Stalled => matches!(r.state, LedgerState::Stalled | LedgerState::Running | LedgerState::Waiting),
            Show::PendingRestart => r.state == LedgerState::PendingRestart,
        }
    }
}

/// The rows `show` keeps, in the ledger's order (failing and stalled first).
pub fn shown(rows: &[LedgerRow], show: Show) -> Vec<&LedgerRow> {
    rows.iter().filter(|r| show.keeps(r)).collect()
}

/// The row's anchor on the page (`#update-kb5044273`), for the first screen's links.
pub fn anchor(r: &LedgerRow) -> String {
    let key = if !r.kb.is_empty() {
        r.kb.to_ascii_lowercase()
    } else if !r.update_id.is_empty() {
        r.update_id.clone()
    } else {
        r.title.chars().filter(char::is_ascii_alphanumeric).take(40).collect::<String>().to_ascii_lowercase()
    };
    format!("update-{key}")
}

/// The rows the first screen links to: those failing or stalled now, in the ledger's order, at
/// most `n`.
pub fn leading(rows: &[LedgerRow], n: usize) -> Vec<&LedgerRow> {
    rows.iter().filter(|r| matches!(r.state, LedgerState::Failing | LedgerState::Stalled)).take(n).collect()
}

/// A row's short name for a link: its KB, else its title, else its update id's first block.
pub fn short_name(r: &LedgerRow) -> String {
    if !r.kb.is_empty() {
        r.kb.clone()
    } else if !r.title.is_empty() {
        r.title.chars().take(48).collect()
    } else {
        format!("update {}", r.update_id.split('-').next().unwrap_or(&r.update_id))
    }
}

/// The CSS class of a state (the operations' outcome colours).
pub fn state_class(s: LedgerState) -> &'static str {
    match s {
        LedgerState::Failing => "failed",
        LedgerState::Stalled => "cancelled",
        LedgerState::Running | LedgerState::Waiting => "running",
        LedgerState::PendingRestart => "recovered",
        LedgerState::Done => "succeeded",
        LedgerState::Unknown => "unknown",
    }
}

/// The CSS class of a step's dot.
pub fn event_class(e: LifeEvent) -> &'static str {
    match e {
        LifeEvent::DownloadFailed | LifeEvent::InstallFailed => "failed",
        LifeEvent::Installed | LifeEvent::Downloaded | LifeEvent::Restarted | LifeEvent::Superseded | LifeEvent::NotApplicable => "succeeded",
        LifeEvent::DownloadStarted | LifeEvent::InstallStarted => "running",
        LifeEvent::RestartPending | LifeEvent::Cancelled | LifeEvent::WaitingForWindow | LifeEvent::WaitingForContent => "recovered",
        LifeEvent::Missing | LifeEvent::Assigned | LifeEvent::Found => "unknown",
    }
}

/// The log kind a step came from, in words: a lane's name.
pub fn source_label(source: &str) -> &'static str {
    match source {
        "windowsupdate" => "WindowsUpdate.log",
        "eventlog" => "Event logs",
        "reportingevents" => "ReportingEvents.log",
        "updatesstore" | "wuahandler" | "updatesdeployment" | "cas" | "contenttransfermanager" | "datatransferservice" => "ConfigMgr",
        "deliveryoptimization" => "Delivery Optimization",
        "cbs" => "CBS.log",
        "dism" => "DISM",
        "setup" => "Setup",
        _ => "Other logs",
    }
}

/// What a join shared, in words.
pub fn join_label(k: JoinKey) -> &'static str {
    match k {
        JoinKey::UpdateId => "the same update id",
        JoinKey::DoJob => "the Delivery Optimization job the agent gave it",
        JoinKey::Kb => "the same KB",
        JoinKey::Title => "the same title",
    }
}

/// One lane: a log kind and its steps, each at a fraction (0 to 1) of the row's time span.
#[derive(Debug, PartialEq)]
pub struct Lane<'r> {
    pub label: &'static str,
    pub dots: Vec<(f64, &'r LedgerStep)>,
}

/// The row's steps in lanes, in order of each lane's first step. A step without a time sits where
/// its order puts it; a row whose steps share one time has them side by side in the middle.
pub fn lanes(r: &LedgerRow) -> Vec<Lane<'_>> {
    let times: Vec<i64> = r.steps.iter().filter_map(|s| s.utc_ms).collect();
    let (lo, hi) = (times.iter().min().copied().unwrap_or(0), times.iter().max().copied().unwrap_or(0));
    let n = r.steps.len().max(1);
    let mut out: Vec<Lane> = Vec::new();
    for (i, s) in r.steps.iter().enumerate() {
        let x = match s.utc_ms {
            Some(t) if hi > lo => (t - lo) as f64 / (hi - lo) as f64,
            _ if n > 1 && hi == lo && times.len() < n => i as f64 / (n - 1) as f64,
            _ => 0.5,
        };
        let label = source_label(&s.source);
        match out.iter_mut().find(|l| l.label == label) {
            Some(l) => l.dots.push((x, s)),
            None => out.push(Lane { label, dots: vec![(x, s)] }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wulens_core::model::{Evidence, TargetKind, UpdateClass};

    fn step(event: LifeEvent, t: Option<i64>, source: &str) -> LedgerStep {
        LedgerStep {
            event,
            utc_ms: t,
            code: None,
            source: source.into(),
            evidence: Evidence { file: "x.log".into(), line: 1, time: None, text: String::new() },
        }
    }

    fn row(state: LedgerState, kb: &str, steps: Vec<LedgerStep>) -> LedgerRow {
        LedgerRow {
            kind: TargetKind::Update,
            class: UpdateClass::Cumulative,
            kb: kb.into(),
            update_id: String::new(),
            revision: None,
            title: String::new(),
            version: None,
            state,
            code: None,
            open_ms: None,
            decisive: Some(0),
            steps,
            joins: Vec::new(),
            would_tell: Vec::new(),
            held: None,
        }
    }

    #[test]
    fn filters_keep_their_states() {
        let rows = vec![
            row(LedgerState::Failing, "KB1", vec![]),
            row(LedgerState::Stalled, "KB2", vec![]),
            row(LedgerState::Running, "KB3", vec![]),
            row(LedgerState::PendingRestart, "KB4", vec![]),
            row(LedgerState::Done, "KB5", vec![]),
        ];
        let kbs = |s: Show| shown(&rows, s).iter().map(|r| r.kb.as_str()).collect::<Vec<_>>();
        assert_eq!(kbs(Show::All).len(), 5);
        assert_eq!(kbs(Show::Failing), ["KB1"]);
        assert_eq!(kbs(Show::Stalled), ["KB2", "KB3"]);
        assert_eq!(kbs(Show::PendingRestart), ["KB4"]);
        assert_eq!(anchor(&rows[0]), "update-kb1");
    }

    #[test]
    fn lanes_place_each_source_on_the_rows_time_axis() {
        let r = row(
            LedgerState::Done,
            "KB1",
            vec![
                step(LifeEvent::DownloadStarted, Some(0), "windowsupdate"),
                step(LifeEvent::Downloaded, Some(50), "eventlog"),
                step(LifeEvent::Installed, Some(100), "windowsupdate"),
            ],
        );
        let l = lanes(&r);
        assert_eq!(l.iter().map(|l| l.label).collect::<Vec<_>>(), ["WindowsUpdate.log", "Event logs"]);
        assert_eq!(l[0].dots.iter().map(|d| d.0).collect::<Vec<_>>(), [0.0, 1.0]);
        assert_eq!(l[1].dots[0].0, 0.5);
        // One time for all: the middle.
        let same = row(LedgerState::Done, "KB1", vec![step(LifeEvent::Installed, Some(7), "eventlog")]);
        assert_eq!(lanes(&same)[0].dots[0].0, 0.5);
        // Each kind of log the ledger reads has a lane of its own name.
        for kind in [
            "windowsupdate",
            "eventlog",
            "reportingevents",
            "updatesstore",
            "updatesdeployment",
            "cas",
            "contenttransfermanager",
            "datatransferservice",
            "deliveryoptimization",
            "cbs",
            "dism",
            "setup",
        ] {
            assert_ne!(source_label(kind), "Other logs", "{kind}");
        }
    }

    #[test]
    fn the_first_screen_links_the_rows_failing_or_stalled_now() {
        let rows = vec![
            row(LedgerState::Failing, "KB1", vec![]),
            row(LedgerState::Done, "KB2", vec![]),
            row(LedgerState::Stalled, "KB3", vec![]),
            row(LedgerState::Failing, "KB4", vec![]),
        ];
        let names: Vec<String> = leading(&rows, 2).into_iter().map(short_name).collect();
        assert_eq!(names, ["KB1", "KB3"]);
        let mut bare = row(LedgerState::Failing, "", vec![]);
        bare.update_id = "7244ac23-389c-4a30-8c3a-0022fb9ea52f".into();
        assert_eq!(short_name(&bare), "update 7244ac23");
    }
}
