//! What a ConfigMgr site's clients share, end to end: a generated fleet of ConfigMgr clients of
//! two sites (`gen-fleet --shape sites`, crates/loggen/src/sites.rs) read by `wulens fleet`: each
//! of the five planted causes is found with exactly its planted machines (overlapping), the
//! software update point with the day it broke and the site server's failing synchronization;
//! every client's row names its site, SUP and DP; no single fault is in any cause.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use wulens_core::fleet::{FleetSummary, MachineRow, SitePart};

fn fleet(format: &str, dir: &std::path::Path) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_wulens")).args(["fleet", "--format", format, dir.to_str().unwrap()]).output().expect("run wulens");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn the_five_planted_causes_are_found_with_their_machines() {
    let dir = std::env::temp_dir().join(format!("wulens-site-causes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let clients = wulens_loggen::site_fleet(&dir, 400, 3).unwrap();
    let summary: FleetSummary = serde_json::from_slice(&fleet("json", &dir)).expect("the summary");
    let rows: Vec<MachineRow> = String::from_utf8(fleet("ndjson", &dir)).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    std::fs::remove_dir_all(&dir).unwrap();
    let planted =
        |f: fn(&wulens_loggen::sites::Planted) -> bool| -> BTreeSet<String> { clients.iter().filter(|c| f(&c.planted)).map(|c| c.machine.clone()).collect() };
    let found: BTreeMap<SitePart, (String, BTreeSet<String>)> =
        summary.causes.iter().map(|c| (c.part, (c.value.clone(), c.machines.iter().cloned().collect()))).collect();
    assert_eq!(found.len(), 5, "{:?}", summary.causes);
    for (part, value, machines) in [
        (SitePart::SoftwareUpdatePoint, "http://ps1sup02.contoso.com:8530", planted(|p| p.sup)),
        (SitePart::DistributionPoint, "ps1dp02.contoso.com", planted(|p| p.dp)),
        (SitePart::ClientSetting, "", planted(|p| p.off)),
        (SitePart::MaintenanceWindow, "", planted(|p| p.window)),
        (SitePart::Update, "KB5055523", planted(|p| p.update)),
    ] {
        assert!(machines.len() >= 10, "{part:?}: {}", machines.len());
        assert_eq!(found[&part], (value.to_string(), machines), "{part:?}");
    }
    // Overlapping: clients of the broken SUP that also fetch from the broken DP are in both.
    assert!(!(&found[&SitePart::SoftwareUpdatePoint].1 & &found[&SitePart::DistributionPoint].1).is_empty());
    let sup = summary.causes.iter().find(|c| c.part == SitePart::SoftwareUpdatePoint).unwrap();
    let onset = sup.onset.as_ref().expect("the SUP's onset");
    // The day it broke (2026-11-17 14:16): every last success before, every first failure after.
    assert!(
        onset.first_failure.as_str() >= "2026-11-17T14:16"
            && onset.first_failure.starts_with("2026-11-17T")
            && onset.last_success.as_str() < "2026-11-17T14:16:10",
        "{onset:?}"
    );
    assert_eq!(sup.site_logs.iter().map(|(m, f, _)| (m.as_str(), f.as_str())).collect::<Vec<_>>(), vec![("PS1SITE", "PS1SITE/wsyncmgr.log:72")]);
    let dp = summary.causes.iter().find(|c| c.part == SitePart::DistributionPoint).unwrap();
    assert_eq!((dp.code.as_str(), dp.code_machines), ("HTTP 405", dp.machines.len()));
    // Single faults make no card, and no one of them alone is in a cause.
    let alone = planted(|p| p.unrelated && !(p.sup || p.dp || p.off || p.window || p.update));
    assert!(!alone.is_empty());
    assert!(summary.causes.iter().all(|c| c.machines.iter().all(|m| !alone.contains(m))));
    // Every client's row names its site, SUP and DP (a client whose setting was off from the
    // start never asked for a SUP or content).
    for c in &clients {
        let r = rows.iter().find(|r| r.machine == c.machine).unwrap();
        assert_eq!(
            (r.site_code.as_str(), r.management_point.as_str(), r.ad_site.as_str(), r.client_version.as_str()),
            (c.site, c.mp, c.ad_site, c.version),
            "{}",
            c.machine
        );
        if !c.planted.off {
            assert_eq!(
                (r.sup_location.as_str(), r.wsus_server.as_str()),
                (format!("http://{}:8530", c.sup).as_str(), format!("http://{}:8530", c.sup).as_str())
            );
            assert!(r.dps.split(';').any(|d| d == c.dp) || r.dp_failed == c.dp || c.planted.unrelated, "{}: {} {}", c.machine, r.dps, c.dp);
        }
    }
}
