//! What failing machines share, on planted fleets (`gen-fleet --plant`, crates/loggen/src/plants.rs)
//! of 200 and 240 machines: `wulens fleet --format json` names the three planted causes (the
//! server, the update, the proxy) with exactly their machines and the broken server's day as a
//! change in time, and gives the unrelated faults (a few machines each, alike in a code only,
//! their failures spread over days) no shared cause and no change in time, though some of their
//! groups have every last success before any first failure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use wulens_core::fleet::{Attribute, CauseGroup, FleetSummary, MachineRow};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `wulens fleet --format FORMAT DIR`.
fn fleet(format: &str, dir: &std::path::Path) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_wulens")).args(["fleet", "--format", format, dir.to_str().unwrap()]).output().expect("run wulens");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// A planted fleet's summary and rows as the CLI writes them, and each machine's scenario.
fn planted(count: usize, seed: u64) -> (FleetSummary, Vec<MachineRow>, BTreeMap<String, String>) {
    let dir = std::env::temp_dir().join(format!("wulens-causes-{count}-{seed}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let scenarios = wulens_loggen::fixture_scenarios(&repo().join("tests/fixtures")).unwrap();
    let made = wulens_loggen::fleet_with(&dir, &scenarios, count, seed, true).unwrap();
    let summary = serde_json::from_slice(&fleet("json", &dir)).expect("the fleet summary");
    let rows = String::from_utf8(fleet("ndjson", &dir)).unwrap().lines().map(|l| serde_json::from_str(l).expect("a row")).collect();
    std::fs::remove_dir_all(&dir).unwrap();
    (summary, rows, made.into_iter().collect())
}

/// Whether the group's timed machines all last succeeded before any of them began to fail: what
/// the rule before this one called a change in time.
fn one_window(g: &CauseGroup, rows: &[MachineRow]) -> bool {
    let timed: Vec<&MachineRow> =
        rows.iter().filter(|r| g.machines.contains(&r.machine) && !r.last_success.is_empty() && !r.failing_since.is_empty()).collect();
    let last = timed.iter().map(|r| r.last_success.as_str()).max();
    let first = timed.iter().map(|r| r.failing_since.as_str()).min();
    timed.len() >= 3 && last < first
}

/// The three planted causes and nothing else; returns how many groups of unrelated faults had
/// one window (the trap).
fn check(count: usize, seed: u64) -> usize {
    let (summary, rows, scenario_of) = planted(count, seed);
    let of = |s: &str| -> BTreeSet<String> { scenario_of.iter().filter(|(_, v)| *v == s).map(|(m, _)| m.clone()).collect() };
    for (scenario, attribute, value) in [
        ("planted-server", Attribute::Server, "http://wsus02.contoso.com:8530"),
        ("planted-update", Attribute::Update, "KB5044273"),
        ("planted-proxy", Attribute::Proxy, "proxy07.contoso.com:8080"),
    ] {
        let machines = of(scenario);
        assert!(machines.len() >= 3, "{scenario}: {}", machines.len());
        let g =
            summary.groups.iter().find(|g| g.shared.iter().any(|s| s.attribute == attribute && s.value == value)).unwrap_or_else(|| panic!("{value} is named"));
        assert_eq!(g.machines.iter().cloned().collect::<BTreeSet<_>>(), machines, "{scenario}");
        let s = g.shared.iter().find(|s| s.value == value).unwrap();
        assert_eq!((s.in_group, s.group, s.others_with), (machines.len(), machines.len(), 0), "{scenario}");
    }
    // The one change in time: the server's day, its every machine, none of the others.
    let timed: Vec<&CauseGroup> = summary.groups.iter().filter(|g| g.onset.is_some()).collect();
    assert_eq!(timed.len(), 1, "{:#?}", timed.iter().map(|g| (&g.cause, &g.onset)).collect::<Vec<_>>());
    let o = timed[0].onset.as_ref().unwrap();
    // A machine of another fault may break in the window too, but hardly any.
    assert!(o.machines == of("planted-server").len() && o.others_with * 9 <= o.machines, "{o:?}");
    assert!(o.last_success.as_str() < "2026-11-17T13:41" && o.first_failure.as_str() >= "2026-11-17T14:16", "{o:?}");
    assert!(o.last_first_failure.as_str() < "2026-11-17T15:00" && o.others >= 10 && o.p <= 0.01, "{o:?}");
    assert!(timed[0].machines.iter().all(|m| scenario_of[m] == "planted-server"));
    // The unrelated faults: groups of a code, nothing shared, no change in time.
    let unrelated = of("planted-unrelated");
    let groups: Vec<&CauseGroup> = summary.groups.iter().filter(|g| g.machines.iter().any(|m| unrelated.contains(m))).collect();
    assert!(groups.iter().any(|g| g.machines.len() >= 3), "unrelated faults enough to form a group");
    for g in &groups {
        assert!(g.shared.is_empty() && g.onset.is_none(), "{:?}: {:?} {:?}", g.cause, g.shared, g.onset);
    }
    groups.iter().filter(|g| one_window(g, &rows)).count()
}

#[test]
fn planted_fleets_name_their_three_causes_and_no_change_in_time_but_the_servers() {
    // The fleet `./dev test` checks the SQL and Spark on, and a larger one of another seed; the
    // trap is laid in them: unrelated faults that the rule before this one dated.
    let trapped = check(200, 11) + check(240, 29);
    assert!(trapped >= 1, "no group of unrelated faults had one window");
}
