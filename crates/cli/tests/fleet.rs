//! `wulens fleet` on a generated fleet: every machine of a scenario lands in the same group, the
//! groups are exactly the scenarios' failures, and a damaged bundle is listed as unreadable.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use wulens_core::fleet::MachineRow;

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

    let summary = wulens_core::fleet::FleetSummary::of(&rows);
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
    assert_eq!(csv.lines().next().unwrap(), wulens_core::fleet::CSV_COLUMNS.join(","));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.records().count(), rows.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// tests/fixtures/fleet-attributes: a bundle whose logs state what machines can share (its
/// computer, Entra device id, ConfigMgr management point and site, Intune ring, the device a
/// failed upgrade stopped in), each with its `file:line`, and one whose logs state none.
#[test]
fn a_row_carries_what_its_logs_state_of_the_machine_with_where() {
    let dir = repo().join("tests/fixtures/fleet-attributes");
    let ndjson = wulens(&["fleet", "--format", "ndjson", dir.to_str().unwrap()]);
    let rows: Vec<MachineRow> = ndjson.lines().map(|l| serde_json::from_str(l).expect("a MachineRow per line")).collect();
    assert_eq!(rows.len(), 2, "{ndjson}");
    let a = rows.iter().find(|r| r.bundle.ends_with("collected-7f3a")).expect("the bundle of the stating logs");
    // Named by its computer, not by the folder it came in.
    assert_eq!(a.machine, "PC-ATTR01");
    let got = |v: &str, from: &str| (v.to_string(), from.to_string());
    assert_eq!(got(&a.computer, &a.computer_from), got("PC-ATTR01", "collected-7f3a/dsregcmd_status.txt:9"));
    assert_eq!(got(&a.entra_device_id, &a.entra_device_id_from), got("6f1c2b7e-3d4a-4e5b-9c8d-0a1b2c3d4e5f", "collected-7f3a/dsregcmd_status.txt:15"));
    assert_eq!(got(&a.management_point, &a.management_point_from), got("mp02.contoso.com", "collected-7f3a/CCM/Logs/LocationServices.log:2"));
    assert_eq!(got(&a.site_code, &a.site_code_from), got("PS2", "collected-7f3a/CCM/Logs/LocationServices.log:3"));
    assert_eq!(a.update_ring, "DeferQualityUpdatesPeriodInDays=7;DeferFeatureUpdatesPeriodInDays=30;PauseQualityUpdatesStartTime=2026-11-02");
    assert!(a.update_ring_from.starts_with("collected-7f3a/MDMDiagReport.xml:"), "{}", a.update_ring_from);
    assert_eq!(a.status, "failed", "{}", a.verdict);
    assert_eq!(
        got(&a.blocking, &a.blocking_from),
        got("PCI\\VEN_10EC&DEV_8168&SUBSYS_00000000&REV_15\\4&2B3C4D5E&0&00E4", "collected-7f3a/Panther/setupapi/setupapi.dev.log:9")
    );

    let q = rows.iter().find(|r| r.bundle.ends_with("quiet-pc")).expect("the quiet bundle");
    assert_eq!(q.machine, "quiet-pc", "no computer stated: named by its folder");
    for (k, v, from) in [
        ("computer", &q.computer, &q.computer_from),
        ("entra_device_id", &q.entra_device_id, &q.entra_device_id_from),
        ("management_point", &q.management_point, &q.management_point_from),
        ("site_code", &q.site_code, &q.site_code_from),
        ("update_ring", &q.update_ring, &q.update_ring_from),
        ("blocking", &q.blocking, &q.blocking_from),
    ] {
        assert_eq!((v.as_str(), from.as_str()), ("", ""), "{k} is not stated");
    }

    // The CSV carries the same values, by column name.
    let csv = wulens(&["fleet", "--format", "csv", dir.to_str().unwrap()]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col =
        |r: &csv::StringRecord, name: &str| r.get(header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))).unwrap().to_string();
    let ca = records.iter().find(|r| col(r, "machine") == "PC-ATTR01").expect("PC-ATTR01's CSV row");
    for (name, want) in [
        ("computer", a.computer.as_str()),
        ("computer_from", "collected-7f3a/dsregcmd_status.txt:9"),
        ("entra_device_id", a.entra_device_id.as_str()),
        ("management_point", "mp02.contoso.com"),
        ("management_point_from", "collected-7f3a/CCM/Logs/LocationServices.log:2"),
        ("site_code", "PS2"),
        ("update_ring", a.update_ring.as_str()),
        ("blocking", a.blocking.as_str()),
        ("blocking_from", a.blocking_from.as_str()),
    ] {
        assert_eq!(col(ca, name), want, "{name}");
    }
    let cq = records.iter().find(|r| col(r, "machine") == "quiet-pc").expect("quiet-pc's CSV row");
    assert!(["computer", "management_point", "site_code", "update_ring", "blocking"].iter().all(|c| col(cq, c).is_empty()));

    // The JSON summary names the machine by its computer too.
    let json: serde_json::Value = serde_json::from_str(&wulens(&["fleet", "--format", "json", dir.to_str().unwrap()])).unwrap();
    let names: Vec<&str> = json["groups"].as_array().unwrap().iter().flat_map(|g| g["machines"].as_array().unwrap()).filter_map(|m| m.as_str()).collect();
    assert_eq!(names, ["PC-ATTR01"], "{json}");
}
