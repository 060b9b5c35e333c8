//! `wulens fleet` on a generated fleet: every machine of a scenario lands in the same group, the
//! groups are exactly the scenarios' failures, and a damaged bundle is listed as unreadable.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use wulens_core::MachineRow;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scenarios() -> Vec<PathBuf> {
    wulens_loggen::fixture_scenarios(&repo().join("tests/fixtures")).unwrap()
}

fn wulens(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wulens")).args(args).output().expect("run wulens");
    assert!(out.status.success(), "wulens {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn a_generated_fleet_groups_by_the_scenarios_it_was_made_of() {
    let dir = std::env::temp_dir().join(format!("wulens-fleet-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let made = wulens_loggen::fleet(&dir, &scenarios(), 150, 7).unwrap();
    let scenario_of: BTreeMap<String, String> = made.into_iter().collect();

    let ndjson = wulens(&["fleet", "--format", "ndjson", dir.to_str().unwrap()]);
    let rows: Vec<MachineRow> = ndjson.lines().map(|l| serde_json::from_str(l).expect("a MachineRow per line")).collect();
    assert_eq!(rows.len(), scenario_of.len(), "one row per bundle");

    // Each scenario maps to one (status, cause); each failed cause's group holds exactly the
    // machines of the scenarios that map to it.
    let mut by_scenario: BTreeMap<&str, BTreeSet<(String, String, String, String)>> = BTreeMap::new();
    for r in &rows {
        let s = scenario_of.get(&r.machine).unwrap_or_else(|| panic!("unknown machine {}", r.machine));
        by_scenario.entry(s).or_default().insert((r.status.clone(), r.failed_at.clone(), r.root_code.clone(), r.finding.clone()));
    }
    for (s, causes) in &by_scenario {
        assert_eq!(causes.len(), 1, "scenario {s} split over {causes:?}");
    }
    let one = |s: &str| by_scenario[s].iter().next().cloned().unwrap();
    let (status, at, code, _) = one("fail-step3-proxy-407");
    assert_eq!((status.as_str(), code.as_str()), ("failed", "0x8024401B"));
    assert!(at.starts_with("ConfigMgr scan step 3"), "{at}");
    assert_eq!(one("cbs-corruption").2, "0x800F081F");
    assert_eq!(one("fail-step1-no-location").1.split(' ').take(4).collect::<Vec<_>>().join(" "), "ConfigMgr scan step 1");
    assert_eq!(one("scan-success").0, "ok");
    assert_eq!(one("unreadable").0, "unreadable");

    let summary = wulens_core::FleetSummary::of(&rows);
    for g in &summary.groups {
        let expected: usize = by_scenario
            .iter()
            .filter(|(_, c)| {
                c.iter().any(|(st, at, code, f)| st == "failed" && *at == g.cause.failed_at && *code == g.cause.root_code && *f == g.cause.finding)
            })
            .map(|(s, _)| scenario_of.values().filter(|v| v == s).count())
            .sum();
        assert_eq!(g.machines.len(), expected, "group {:?}", g.cause);
    }
    assert!(summary.groups.windows(2).all(|w| w[0].machines.len() >= w[1].machines.len()), "largest group first");

    // The text names the largest group first; CSV has a header and a row per machine.
    let text = wulens(&["fleet", dir.to_str().unwrap()]);
    let first = &summary.groups[0];
    assert!(text.contains(&format!("{:>5}  {}", first.machines.len(), first.cause.describe(&first.root_symbol))), "{text}");
    assert!(text.contains("Could not be read"), "{text}");
    let csv = wulens(&["fleet", "--format", "csv", dir.to_str().unwrap()]);
    assert_eq!(csv.lines().next().unwrap(), wulens_core::CSV_COLUMNS.join(","));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.records().count(), rows.len());
    std::fs::remove_dir_all(&dir).unwrap();
}
