//! The fleet page's logic: the status counts, and the machines table's filter and sort. Pure
//! functions, tested natively; whether a drop is a fleet is core's drop plan
//! (`wulens_core::input::plan`), the rows, the grouping and the exports are `wulens_core`'s.

use std::cmp::Ordering;
use std::rc::Rc;

use wulens_core::fleet::{FleetSummary, MachineRow};
use wulens_core::model::time::{civil_from_days, days_from_civil};
use wulens_core::wufb::WufbSection;
use wulens_wasm::protocol::ZipReads;

use crate::messages::FleetMachine;
use crate::route::FleetQuery;

/// A fleet's results: one row per machine, the same order as `machines` (whose `File`s are kept
/// to open a machine's report later; their text is not; shared with the state that waited for
/// the rows, never copied).
#[derive(Clone)]
pub struct Fleet {
    pub rows: Vec<MachineRow>,
    pub machines: Rc<Vec<FleetMachine>>,
    pub summary: FleetSummary,
    /// What was dropped, in words.
    pub source: String,
    /// The Windows Update for Business reports exports of the drop joined to the rows (`None`:
    /// the drop held no export).
    pub wufb: Option<Rc<WufbSection>>,
    /// What reading its zip of bundles cost, when its machines were read out of one (for the
    /// tests and the bench: `data-zip-opens`, `data-zip-read`).
    pub zip: Option<ZipReads>,
}

impl PartialEq for Fleet {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows && self.source == other.source && self.wufb == other.wufb
    }
}

impl std::fmt::Debug for Fleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fleet({} machines, {})", self.rows.len(), self.source)
    }
}

impl Fleet {
    pub fn new(rows: Vec<MachineRow>, machines: impl Into<Rc<Vec<FleetMachine>>>, source: String) -> Fleet {
        let summary = FleetSummary::of(&rows);
        Fleet { rows, machines: machines.into(), summary, source, wufb: None, zip: None }
    }

    /// The machine whose row is named `name` (to open its report).
    pub fn machine_named(&self, name: &str) -> Option<&FleetMachine> {
        self.rows.iter().position(|r| r.machine == name).and_then(|i| self.machines.get(i))
    }
}

/// The statuses of a row, in the order the page lists them, with their label.
pub const STATUSES: &[(&str, &str)] =
    &[("failed", "Failed"), ("unreadable", "Unreadable"), ("incomplete", "No failure found"), ("no_scan", "No scan"), ("ok", "Scan completed")];

pub fn status_label(status: &str) -> &str {
    STATUSES.iter().find(|(s, _)| *s == status).map(|(_, l)| *l).unwrap_or(status)
}

fn status_rank(status: &str) -> usize {
    STATUSES.iter().position(|(s, _)| *s == status).unwrap_or(STATUSES.len())
}

/// How many machines have each status (every status listed, zeros included).
pub fn status_counts(rows: &[MachineRow]) -> Vec<(&'static str, &'static str, usize)> {
    STATUSES.iter().map(|(s, l)| (*s, *l, rows.iter().filter(|r| r.status == *s).count())).collect()
}

/// The machines table's columns: (sort key, heading).
pub const COLUMNS: &[(&str, &str)] = &[
    ("machine", "Machine"),
    ("status", "Status"),
    ("failed_at", "Where it broke"),
    ("root_code", "Root code"),
    ("finding", "Finding"),
    ("last_time", "Last log time"),
    ("files", "Files"),
    ("lines", "Lines"),
];

/// Names as people sort them: case-insensitive, runs of digits by value (`PC-2` before `PC-10`).
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars>| {
                    let mut n = String::new();
                    while let Some(c) = it.next_if(char::is_ascii_digit) {
                        n.push(c);
                    }
                    n
                };
                let (m, n) = (take(&mut x), take(&mut y));
                let (mt, nt) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let o = mt.len().cmp(&nt.len()).then_with(|| mt.cmp(nt));
                if o != Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                let o = c.to_lowercase().cmp(d.to_lowercase());
                if o != Ordering::Equal {
                    return o;
                }
                x.next();
                y.next();
            }
        }
    }
}

fn compare(a: &MachineRow, b: &MachineRow, column: &str) -> Ordering {
    let text = |f: fn(&MachineRow) -> &str| {
        // Empty values last, whichever way the column is sorted first.
        match (f(a).is_empty(), f(b).is_empty()) {
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ => natural(f(a), f(b)),
        }
    };
    match column {
        "status" => status_rank(&a.status).cmp(&status_rank(&b.status)),
        "failed_at" => text(|r| &r.failed_at),
        "root_code" => text(|r| &r.root_code),
        "finding" => text(|r| &r.finding),
        "last_time" => text(|r| &r.last_time),
        "files" => a.files.cmp(&b.files),
        "lines" => a.lines.cmp(&b.lines),
        _ => Ordering::Equal,
    }
}

/// Whether a row is one of a root-cause group's machines.
pub fn in_group(row: &MachineRow, summary: &FleetSummary, group: usize) -> bool {
    summary.groups.get(group).is_some_and(|g| row.status == "failed" && row.cause() == g.cause)
}

fn matches_text(row: &MachineRow, needle: &str) -> bool {
    let hay =
        [&row.machine, &row.bundle, &row.failed_at, &row.root_code, &row.root_symbol, &row.finding, &row.verdict, &row.problem, &row.wsus_server, &row.proxy];
    hay.iter().any(|h| h.to_lowercase().contains(needle)) || row.codes.iter().any(|c| c.code.to_lowercase().contains(needle))
}

/// The indices of the rows the table shows for `q`: filtered by status, group and text
/// (case-insensitive, in the machine name, bundle, cause, codes, verdict and problem), sorted by
/// the chosen column (then by machine name).
pub fn visible(rows: &[MachineRow], summary: &FleetSummary, q: &FleetQuery) -> Vec<usize> {
    let needle = q.text.trim().to_lowercase();
    let mut out: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            let r = &rows[i];
            (q.status.is_empty() || r.status == q.status)
                && q.group.is_none_or(|g| in_group(r, summary, g))
                && (q.update.is_empty() || wulens_core::fleet::in_cell(&r.compliance_facts(), &q.update, &q.update_state))
                && (needle.is_empty() || matches_text(r, &needle))
        })
        .collect();
    let column = if COLUMNS.iter().any(|(c, _)| *c == q.sort) { q.sort.as_str() } else { "machine" };
    let by_name = |a: &MachineRow, b: &MachineRow| natural(&a.machine, &b.machine).then_with(|| a.bundle.cmp(&b.bundle));
    out.sort_by(|&a, &b| {
        let (ra, rb) = (&rows[a], &rows[b]);
        let o = compare(ra, rb, column).then_with(|| by_name(ra, rb));
        if q.desc {
            o.reverse()
        } else {
            o
        }
    });
    out
}

/// A compliance state in words, for the matrix's header and the filter's chip.
pub fn state_label(state: &str) -> &str {
    match state {
        "failing" => "Failing",
        "stalled" => "Stalled",
        "running" => "Running",
        "waiting" => "Waiting for a window",
        "pending_restart" => "Pending restart",
        "done" => "Installed",
        "unknown" => "State not known",
        "not_seen" => "Not in the logs",
        other => other,
    }
}

/// The matrix's columns, in the cells' order.
pub const UPDATE_STATES: [&str; 8] = ["failing", "stalled", "running", "waiting", "pending_restart", "done", "unknown", "not_seen"];

/// The columns a fleet's matrix shows: every state, but "waiting" (for a ConfigMgr maintenance
/// window) only where some update has machines in it.
pub fn update_columns(c: &[wulens_core::fleet::UpdateCompliance]) -> Vec<&'static str> {
    let waiting = c.iter().any(|u| u.cells.iter().any(|x| x.state == "waiting"));
    UPDATE_STATES.into_iter().filter(|s| *s != "waiting" || waiting).collect()
}

/// A finding in words: the title a machine's report gives the id, else the id made readable
/// (`proxy_error` → `proxy error`).
pub fn finding_words(rows: &[MachineRow], id: &str) -> String {
    match rows.iter().find(|r| r.finding == id && !r.finding_title.is_empty()) {
        Some(r) => r.finding_title.clone(),
        None => id.replace('_', " "),
    }
}

/// A root-cause group in words: where it broke, the code with its name, the finding's title.
pub fn group_words(rows: &[MachineRow], g: &wulens_core::fleet::CauseGroup) -> String {
    let mut parts = vec![g.cause.failed_at.clone()];
    if !g.cause.root_code.is_empty() {
        parts.push(if g.root_symbol.is_empty() { g.cause.root_code.clone() } else { format!("{} ({})", g.cause.root_code, g.root_symbol) });
    }
    if !g.cause.finding.is_empty() {
        parts.push(finding_words(rows, &g.cause.finding));
    }
    parts.join(" · ")
}

/// The group's button: `Show this machine`, `Show these 3 machines`.
pub fn show_machines(n: usize) -> String {
    if n == 1 {
        "Show this machine".into()
    } else {
        format!("Show these {n} machines")
    }
}

pub fn some_names(names: &[String], shown: usize) -> String {
    let head: Vec<&str> = names.iter().take(shown).map(String::as_str).collect();
    if names.len() > head.len() {
        format!("{} (+{} more)", head.join(", "), names.len() - head.len())
    } else {
        head.join(", ")
    }
}

/// When a group's machines began to fail, counted per hour (per day when the failures span more
/// than two days): each machine once, at its `failing_since`, else its `last_failure`, where the
/// time reads `YYYY-MM-DD HH` or `YYYY-MM-DDTHH`. Buckets run from the first to the last with
/// the empty ones in between; none when no machine's time reads so.
#[derive(Debug, PartialEq)]
pub struct Onsets {
    /// `2026-11-17 14:00` or `2026-11-17`, with the machines that began then.
    pub buckets: Vec<(String, usize)>,
    pub per: &'static str,
    /// Machines of the group with a time.
    pub timed: usize,
}

pub fn onsets(rows: &[MachineRow], summary: &FleetSummary, group: usize) -> Onsets {
    // Hours since 1970, from the date's days and the hour.
    fn hour_of(t: &str) -> Option<i64> {
        let b = t.as_bytes();
        if b.len() < 13 || !matches!(b[10], b'T' | b' ') || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<u32>().ok();
        let (y, m, d, h) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?);
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) || h > 23 {
            return None;
        }
        Some(days_from_civil(y as i32, m, d) * 24 + i64::from(h))
    }
    fn label(hour: i64, per_day: bool) -> String {
        let (y, m, d) = civil_from_days(hour.div_euclid(24));
        if per_day {
            format!("{y:04}-{m:02}-{d:02}")
        } else {
            format!("{y:04}-{m:02}-{d:02} {:02}:00", hour.rem_euclid(24))
        }
    }
    let hours: Vec<i64> = rows
        .iter()
        .filter(|r| in_group(r, summary, group))
        .filter_map(|r| hour_of(if r.failing_since.is_empty() { &r.last_failure } else { &r.failing_since }))
        .collect();
    let (Some(&lo), Some(&hi)) = (hours.iter().min(), hours.iter().max()) else {
        return Onsets { buckets: Vec::new(), per: "hour", timed: 0 };
    };
    let per_day = hi - lo > 48;
    let key = |h: i64| if per_day { h.div_euclid(24) } else { h };
    let (first, last) = (key(lo), key(hi));
    let mut counts = vec![0usize; (last - first + 1) as usize];
    for &h in &hours {
        counts[(key(h) - first) as usize] += 1;
    }
    let buckets = counts.into_iter().enumerate().map(|(i, n)| (label(if per_day { (first + i as i64) * 24 } else { first + i as i64 }, per_day), n)).collect();
    Onsets { buckets, per: if per_day { "day" } else { "hour" }, timed: hours.len() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_waiting_column_shows_only_where_a_machine_waits() {
        let cell = |state: &str| wulens_core::fleet::ComplianceCell { state: state.into(), code: String::new(), count: 1, machines: vec!["a".into()], more: 0 };
        let update = |cells| wulens_core::fleet::UpdateCompliance { update: "KB1".into(), title: String::new(), class: Default::default(), cells, machines: 1 };
        assert!(!update_columns(&[update(vec![cell("done")])]).contains(&"waiting"));
        let both = update_columns(&[update(vec![cell("done")]), update(vec![cell("waiting")])]);
        assert_eq!(both, UPDATE_STATES.to_vec());
    }

    #[test]
    fn findings_and_groups_in_words() {
        let mut a = row("a", "failed", "search", "0x8024401B", 1);
        a.finding = "proxy_error".into();
        let mut b = a.clone();
        b.finding_title = "Proxy or name-resolution errors".into();
        assert_eq!(finding_words(&[a.clone(), b], "proxy_error"), "Proxy or name-resolution errors");
        assert_eq!(finding_words(&[a], "proxy_error"), "proxy error");
        assert_eq!(show_machines(1), "Show this machine");
        assert_eq!(show_machines(3), "Show these 3 machines");
    }

    #[test]
    fn a_compliance_cell_filters_the_table_to_its_machines() {
        use wulens_core::model::LedgerState;
        let with = |name: &str, state: LedgerState| {
            let mut r = row(name, "ok", "", "", 1);
            r.updates = vec![wulens_core::fleet::UpdateState { kb: "KB5044273".into(), state, code: "0x80070643".into(), ..Default::default() }];
            r
        };
        let rows = vec![with("a", LedgerState::Failing), with("b", LedgerState::Done), with("c", LedgerState::Failing), row("d", "ok", "", "", 1)];
        let summary = FleetSummary::of(&rows);
        let q = |state: &str| FleetQuery { update: "KB5044273".into(), update_state: state.into(), ..FleetQuery::default() };
        let names = |q: FleetQuery| visible(&rows, &summary, &q).into_iter().map(|i| rows[i].machine.clone()).collect::<Vec<_>>();
        assert_eq!(names(q("failing")), ["a", "c"]);
        assert_eq!(names(q("done")), ["b"]);
        assert_eq!(names(q("not_seen")), ["d"]);
        assert_eq!(summary.compliance[0].cells.iter().map(|c| c.count).sum::<usize>(), 4);
    }

    #[test]
    fn a_groups_failures_are_counted_per_hour_with_the_gaps() {
        let mut rows = Vec::new();
        for (name, since, last) in
            [("a", "2026-11-17T14:16:02", ""), ("b", "2026-11-17 14:50:00", ""), ("c", "", "2026-11-17T16:01:00"), ("d", "11/17/2026 14:00", "")]
        {
            let mut r = row(name, "failed", "search", "0x80244022", 1);
            r.failing_since = since.into();
            r.last_failure = last.into();
            rows.push(r);
        }
        rows.push(row("ok", "ok", "", "", 1));
        let summary = FleetSummary::of(&rows);
        let o = onsets(&rows, &summary, 0);
        assert_eq!(o.timed, 3, "the US-style time does not read");
        assert_eq!(o.per, "hour");
        let want: Vec<(String, usize)> = vec![("2026-11-17 14:00".into(), 2), ("2026-11-17 15:00".into(), 0), ("2026-11-17 16:00".into(), 1)];
        assert_eq!(o.buckets, want);
        // Over more than two days: per day, across a month's end.
        rows[0].failing_since = "2026-11-29T23:10:00".into();
        rows[1].failing_since = "2026-12-02T01:00:00".into();
        rows[2].last_failure = String::new();
        let o = onsets(&rows, &FleetSummary::of(&rows), 0);
        assert_eq!(o.per, "day");
        assert_eq!(o.buckets.iter().map(|(d, n)| format!("{d}={n}")).collect::<Vec<_>>(), ["2026-11-29=1", "2026-11-30=0", "2026-12-01=0", "2026-12-02=1"]);
    }

    fn row(machine: &str, status: &str, at: &str, code: &str, lines: u64) -> MachineRow {
        MachineRow { machine: machine.into(), status: status.into(), failed_at: at.into(), root_code: code.into(), lines, ..MachineRow::default() }
    }

    fn rows() -> Vec<MachineRow> {
        vec![
            row("PC-3", "failed", "ConfigMgr scan step 3 (WUA scan)", "0x8024401B", 30),
            row("pc-10", "ok", "", "", 100),
            row("PC-2", "failed", "servicing session", "0x800F081F", 20),
            row("PC-1", "failed", "ConfigMgr scan step 3 (WUA scan)", "0x8024401B", 10),
            MachineRow::unreadable("PC-4", "fleet/PC-4.zip", "cannot be opened as a zip"),
        ]
    }

    fn names(rows: &[MachineRow], idx: &[usize]) -> Vec<String> {
        idx.iter().map(|&i| rows[i].machine.clone()).collect()
    }

    #[test]
    fn sorts_by_any_column_and_filters_by_status_group_and_text() {
        let r = rows();
        let s = FleetSummary::of(&r);
        let q = FleetQuery::default();
        assert_eq!(names(&r, &visible(&r, &s, &q)), ["PC-1", "PC-2", "PC-3", "PC-4", "pc-10"]);
        let by_lines = FleetQuery { sort: "lines".into(), desc: true, ..q.clone() };
        assert_eq!(names(&r, &visible(&r, &s, &by_lines)), ["pc-10", "PC-3", "PC-2", "PC-1", "PC-4"]);
        let by_code = FleetQuery { sort: "root_code".into(), ..q.clone() };
        assert_eq!(names(&r, &visible(&r, &s, &by_code))[..3], ["PC-2", "PC-1", "PC-3"], "0x800F… before 0x8024…, empty last");
        let by_status = FleetQuery { sort: "status".into(), ..q.clone() };
        assert_eq!(names(&r, &visible(&r, &s, &by_status)), ["PC-1", "PC-2", "PC-3", "PC-4", "pc-10"]);
        let failed = FleetQuery { status: "failed".into(), ..q.clone() };
        assert_eq!(visible(&r, &s, &failed).len(), 3);
        // The largest group is the proxy one; clicking it shows exactly its machines.
        assert_eq!(s.groups[0].machines, ["PC-1", "PC-3"]);
        let group = FleetQuery { group: Some(0), ..q.clone() };
        assert_eq!(names(&r, &visible(&r, &s, &group)), ["PC-1", "PC-3"]);
        assert!(visible(&r, &s, &FleetQuery { group: Some(9), ..q.clone() }).is_empty());
        let text = FleetQuery { text: " SERVICING ".into(), ..q.clone() };
        assert_eq!(names(&r, &visible(&r, &s, &text)), ["PC-2"]);
        let problem = FleetQuery { text: "opened as a zip".into(), ..q };
        assert_eq!(names(&r, &visible(&r, &s, &problem)), ["PC-4"]);
    }

    #[test]
    fn counts_every_status() {
        let c = status_counts(&rows());
        assert_eq!(c.iter().map(|(s, _, n)| (*s, *n)).collect::<Vec<_>>(), [("failed", 3), ("unreadable", 1), ("incomplete", 0), ("no_scan", 0), ("ok", 1)]);
        assert_eq!(status_label("no_scan"), "No scan");
        assert_eq!(natural("PC-2", "pc-10"), Ordering::Less);
        assert_eq!(natural("PC-010", "PC-9"), Ordering::Greater);
        assert_eq!(natural("a", "ab"), Ordering::Less);
        assert_eq!(some_names(&["a".into(), "b".into(), "c".into()], 2), "a, b (+1 more)");
    }
}
