//! What failing machines share: for a group of machines that failed the same way, the value of
//! an attribute (the update server, the proxy, the failing update, the OS build, the cache
//! server, ConfigMgr's management point) that the group holds and the
//! rest of the fleet does not, tested as a contrast; and when the group's failures began.
//!
//! The rule, documented in docs/fleet.md:
//! - a group needs at least [`MIN_GROUP`] machines;
//! - a value is shared when at least [`MIN_SHARE`] of the group hold it;
//! - it is a shared cause when Fisher's exact test (one-sided: the group holds the value more
//!   often than the fleet's other readable machines) gives p ≤ [`ALPHA`]; a value every readable
//!   machine holds is never one (nothing to contrast);
//! - the onset is a change in time when every machine of the group last succeeded before any of
//!   them began to fail.
//!
//! Facts only: the words are the fleet text's and the page's.

use serde::{Deserialize, Serialize};
use statrs::distribution::{DiscreteCDF, Hypergeometric};

/// What the rule reads of one machine's fleet row (`MachineRow::facts`).
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    /// The machine's name.
    pub machine: &'a str,
    /// False for a bundle that could not be read (it counts for nothing).
    pub readable: bool,
    /// `http://wsus02:8530`.
    pub server: &'a str,
    /// The `file:line` that names it.
    pub server_from: &'a str,
    /// The WinHTTP proxy, empty or `direct` for none.
    pub proxy: &'a str,
    /// The `file:line` that names it.
    pub proxy_from: &'a str,
    /// The OS build (`10.0.19042.508`), empty when not known.
    pub os_build: &'a str,
    /// The `file:line` that names it.
    pub os_build_from: &'a str,
    /// Delivery Optimization's Connected Cache server, empty when none is named.
    pub cache_host: &'a str,
    /// The `file:line` that names it.
    pub cache_host_from: &'a str,
    /// ConfigMgr's assigned management point, empty when not known.
    pub management_point: &'a str,
    /// The `file:line` that names it.
    pub management_point_from: &'a str,
    /// The KBs failing on the machine.
    pub failing_updates: Vec<&'a str>,
    /// When its failures began (as written).
    pub failing_since: &'a str,
    /// Its last success before them (as written).
    pub last_success: &'a str,
}

/// A group smaller than this is never given a shared cause (a handful of unrelated faults).
pub const MIN_GROUP: usize = 3;
/// The share of a group that must hold a value.
pub const MIN_SHARE: f64 = 0.9;
/// The share of the machines holding a value that must be in the group: a server that serves
/// most of its machines well is not what breaks the others, however significant the contrast.
pub const MIN_PURITY: f64 = 0.5;
/// Fisher's exact test's threshold.
pub const ALPHA: f64 = 0.01;

/// What a shared cause is about.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// The WSUS server the machines use (`MachineRow::wsus_server`).
    Server,
    /// The WinHTTP proxy (`MachineRow::proxy`).
    Proxy,
    /// An update that fails on the machine (its KB, from the row's ledger).
    Update,
    /// The OS build (`MachineRow::os_build`): a fault of one build.
    OsBuild,
    /// Delivery Optimization's Connected Cache server (`MachineRow::do_cache_host`).
    CacheHost,
    /// ConfigMgr's management point the client is assigned to (`MachineRow::management_point`).
    ManagementPoint,
}

/// Every attribute, in the order the rule tries them.
pub const ATTRIBUTES: [Attribute; 6] =
    [Attribute::Server, Attribute::Proxy, Attribute::Update, Attribute::OsBuild, Attribute::CacheHost, Attribute::ManagementPoint];

/// A value a group of failed machines shares and the rest of the fleet does not.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Shared {
    /// What it is about.
    pub attribute: Attribute,
    /// `http://wsus02:8530`, `proxy01:8080`, `KB5044273`.
    pub value: String,
    /// Machines of the group that hold it.
    pub in_group: usize,
    /// The group's size.
    pub group: usize,
    /// Readable machines outside the group that hold it.
    pub others_with: usize,
    /// Readable machines outside the group whose logs tell this attribute (for a server or a
    /// proxy: name one), the machines it is contrasted with.
    pub others: usize,
    /// Fisher's exact test, one-sided.
    pub p: f64,
    /// A few of the group's machines that hold it (the evidence), with where their row read it
    /// (`wsus_server_from` for a server, `proxy_from`, `os_build_from`).
    pub evidence: Vec<(String, String)>,
}

/// When a group's failures began: every machine's last success before `last_success`, every
/// failure from `first_failure` on.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Onset {
    /// The latest of the group's last successes (as written).
    pub last_success: String,
    /// The machine it is on.
    pub last_success_machine: String,
    /// The earliest of the group's first failures (as written).
    pub first_failure: String,
    /// The machine it is on.
    pub first_failure_machine: String,
    /// Machines of the group whose logs give both times.
    pub machines: usize,
}

/// The value of `attribute` on `row` (an update: each KB failing there).
fn values(row: &Facts, attribute: Attribute) -> Vec<String> {
    let one = |s: &str| if s.is_empty() { Vec::new() } else { vec![s.to_ascii_lowercase()] };
    match attribute {
        Attribute::Server => one(row.server),
        Attribute::Proxy => one(if row.proxy == "direct" { "" } else { row.proxy }),
        Attribute::OsBuild => one(row.os_build),
        Attribute::CacheHost => one(row.cache_host),
        Attribute::ManagementPoint => one(row.management_point),
        Attribute::Update => {
            let mut v: Vec<String> = row.failing_updates.iter().filter(|kb| !kb.is_empty()).map(|kb| kb.to_ascii_uppercase()).collect();
            v.sort();
            v.dedup();
            v
        }
    }
}

/// Whether the row's logs tell `attribute` at all. A server, a proxy, a build or a cache server
/// is contrasted only with machines whose logs name one (a direct connection is a proxy value): a machine whose logs
/// never name its server is on no other server, and counting it would make any server that
/// failing machines name look shared. Whether an update fails is known of every readable row.
fn known(row: &Facts, attribute: Attribute) -> bool {
    match attribute {
        Attribute::Server => !row.server.is_empty(),
        Attribute::Proxy => !row.proxy.is_empty(),
        Attribute::OsBuild => !row.os_build.is_empty(),
        // Delivery Optimization's lines were read (`cache_host_from`), with or without a cache.
        Attribute::CacheHost => !row.cache_host_from.is_empty(),
        Attribute::ManagementPoint => !row.management_point.is_empty(),
        Attribute::Update => true,
    }
}

/// P(X ≥ x) for X the number of the group's `n` machines holding a value that `k` of the
/// fleet's `total` readable machines hold, drawn without replacement: Fisher's exact test, one
/// sided.
pub fn fisher_greater(total: u64, k: u64, n: u64, x: u64) -> f64 {
    if x == 0 {
        return 1.0;
    }
    match Hypergeometric::new(total, k, n) {
        Ok(h) => h.sf(x - 1).clamp(0.0, 1.0),
        Err(_) => 1.0,
    }
}

/// The shared causes of the group `members` (indices into `rows`) among the fleet's readable
/// `rows`, strongest first.
pub fn shared(rows: &[Facts], members: &[usize]) -> Vec<Shared> {
    if members.len() < MIN_GROUP {
        return Vec::new();
    }
    let readable: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].readable).collect();
    let mut out = Vec::new();
    for attribute in ATTRIBUTES {
        // The machines the contrast is drawn among: readable ones whose logs tell the attribute.
        let told: Vec<usize> = readable.iter().copied().filter(|&i| known(&rows[i], attribute)).collect();
        let group_told = members.iter().filter(|&&m| rows[m].readable && known(&rows[m], attribute)).count();
        let total = told.len() as u64;
        // Each value the group holds, with how many of its machines hold it.
        let mut counts: Vec<(String, usize)> = Vec::new();
        for &m in members {
            for v in values(&rows[m], attribute) {
                match counts.iter_mut().find(|(x, _)| *x == v) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((v, 1)),
                }
            }
        }
        for (value, in_group) in counts {
            if (in_group as f64) < MIN_SHARE * members.len() as f64 {
                continue;
            }
            let with = told.iter().filter(|&&i| values(&rows[i], attribute).contains(&value)).count();
            if with as u64 == total || (in_group as f64) < MIN_PURITY * with as f64 {
                continue;
            }
            let p = fisher_greater(total, with as u64, group_told as u64, in_group as u64);
            if p > ALPHA {
                continue;
            }
            let evidence = members
                .iter()
                .filter(|&&m| values(&rows[m], attribute).contains(&value))
                .take(3)
                .map(|&m| {
                    let from = match attribute {
                        Attribute::Server => rows[m].server_from,
                        Attribute::Proxy => rows[m].proxy_from,
                        Attribute::OsBuild => rows[m].os_build_from,
                        Attribute::CacheHost => rows[m].cache_host_from,
                        Attribute::ManagementPoint => rows[m].management_point_from,
                        Attribute::Update => "",
                    };
                    (rows[m].machine.to_string(), from.to_string())
                })
                .collect();
            out.push(Shared { attribute, value, in_group, group: members.len(), others_with: with - in_group, others: told.len() - group_told, p, evidence });
        }
    }
    out.sort_by(|a, b| a.p.total_cmp(&b.p).then(a.attribute.cmp(&b.attribute)));
    out
}

/// When the group's failures began, where every machine's last success came before any
/// machine's first failure (a change in time); `None` otherwise or when fewer than
/// [`MIN_GROUP`] machines give both times.
pub fn onset(rows: &[Facts], members: &[usize]) -> Option<Onset> {
    let timed: Vec<&Facts> = members.iter().map(|&m| &rows[m]).filter(|r| !r.last_success.is_empty() && !r.failing_since.is_empty()).collect();
    if timed.len() < MIN_GROUP {
        return None;
    }
    let last = timed.iter().max_by(|a, b| a.last_success.cmp(b.last_success))?;
    let first = timed.iter().min_by(|a, b| a.failing_since.cmp(b.failing_since))?;
    (last.last_success < first.failing_since).then(|| Onset {
        last_success: last.last_success.to_string(),
        last_success_machine: last.machine.to_string(),
        first_failure: first.failing_since.to_string(),
        first_failure_machine: first.machine.to_string(),
        machines: timed.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::LedgerState;
    use crate::output::fleet::{FleetSummary, MachineRow, UpdateState};

    fn machine(name: &str, failed: bool, server: &str, since: &str, ok: &str) -> MachineRow {
        MachineRow {
            machine: name.into(),
            status: if failed { "failed" } else { "ok" }.into(),
            failed_at: if failed { "Windows Update search".into() } else { String::new() },
            root_code: if failed { "0x80244022".into() } else { String::new() },
            wsus_server: server.into(),
            wsus_server_from: format!("{name}/WindowsUpdate.log:12"),
            failing_since: since.into(),
            last_success: ok.into(),
            ..MachineRow::default()
        }
    }

    #[test]
    fn machines_failing_on_one_server_share_it_and_its_day() {
        // 8 machines on wsus02 fail from 14:16 on, each last succeeding before 13:41; 20 on
        // wsus01 are fine, and one of them fails another way.
        let mut rows: Vec<MachineRow> = (0..8)
            .map(|i| {
                machine(
                    &format!("pc{i:02}"),
                    true,
                    "http://wsus02:8530",
                    &format!("2026-11-17T14:{:02}:00", 16 + i),
                    &format!("2026-11-17T13:{:02}:00", 30 + i),
                )
            })
            .collect();
        rows.extend((0..20).map(|i| machine(&format!("ok{i:02}"), false, "http://wsus01:8530", "", "")));
        let mut odd = machine("odd", true, "http://wsus01:8530", "2026-11-10T09:00:00", "");
        odd.root_code = "0x80070643".into();
        rows.push(odd);
        let f = FleetSummary::of(&rows);
        let g = &f.groups[0];
        assert_eq!(g.machines.len(), 8);
        let s = &g.shared[0];
        assert_eq!((s.attribute, s.value.as_str(), s.in_group, s.group, s.others_with, s.others), (Attribute::Server, "http://wsus02:8530", 8, 8, 0, 21));
        assert!(s.p < 1e-6, "{}", s.p);
        assert_eq!(s.evidence[0], ("pc00".to_string(), "pc00/WindowsUpdate.log:12".to_string()));
        let o = g.onset.as_ref().expect("an onset");
        assert_eq!((o.last_success.as_str(), o.first_failure.as_str()), ("2026-11-17T13:37:00", "2026-11-17T14:16:00"));
        // The lone other failure is no shared cause: a group of one.
        assert!(f.groups[1].shared.is_empty() && f.groups[1].onset.is_none());
        let t = f.text();
        assert!(t.contains("8 of 8 use http://wsus02:8530; 0 of the 21 other readable machines use it"), "{t}");
        assert!(t.contains("look at that server"), "{t}");
    }

    #[test]
    fn unrelated_faults_are_never_promoted_to_a_shared_cause() {
        // Four machines fail the same way but on four servers, as the fleet's others do.
        let servers = ["http://a:8530", "http://b:8530", "http://c:8530", "http://d:8530"];
        let mut rows: Vec<MachineRow> = servers.iter().enumerate().map(|(i, s)| machine(&format!("f{i}"), true, s, "", "")).collect();
        rows.extend(servers.iter().cycle().take(12).enumerate().map(|(i, s)| machine(&format!("ok{i}"), false, s, "", "")));
        assert!(FleetSummary::of(&rows).groups[0].shared.is_empty());
        // Every machine on one server: nothing to contrast.
        let rows: Vec<MachineRow> = (0..10).map(|i| machine(&format!("m{i}"), i < 5, "http://one:8530", "", "")).collect();
        assert!(FleetSummary::of(&rows).groups[0].shared.is_empty());
        // Two machines are too few, however alike.
        let mut rows: Vec<MachineRow> = (0..2).map(|i| machine(&format!("f{i}"), true, "http://x:8530", "", "")).collect();
        rows.extend((0..20).map(|i| machine(&format!("ok{i}"), false, "http://y:8530", "", "")));
        assert!(FleetSummary::of(&rows).groups[0].shared.is_empty());
    }

    #[test]
    fn machines_whose_logs_name_no_server_are_on_no_other_server() {
        // Every log that names a server names the same one; 30 machines' logs name none (no
        // scan in them). Failed scans name the server because a scan does: it is no contrast.
        let mut rows: Vec<MachineRow> = (0..12).map(|i| machine(&format!("f{i}"), true, "http://one:8530", "", "")).collect();
        rows.extend((0..20).map(|i| machine(&format!("ok{i}"), false, "http://one:8530", "", "")));
        rows.extend((0..30).map(|i| machine(&format!("quiet{i}"), false, "", "", "")));
        assert!(FleetSummary::of(&rows).groups[0].shared.is_empty(), "{:?}", FleetSummary::of(&rows).groups[0].shared);
        // A second server among the machines that name one is a contrast again.
        for r in rows.iter_mut().filter(|r| r.machine.starts_with("ok")) {
            r.wsus_server = "http://two:8530".into();
        }
        let g = &FleetSummary::of(&rows).groups[0];
        assert_eq!((g.shared[0].value.as_str(), g.shared[0].others_with, g.shared[0].others), ("http://one:8530", 0, 20));
    }

    #[test]
    fn a_server_most_of_whose_machines_are_fine_is_not_the_cause() {
        // 20 machines on the main server fail, 60 on it are fine, 40 on a second server are fine:
        // the contrast is significant (20 of 20 against 60 of 100), but the server serves three
        // in four of its machines well.
        let mut rows: Vec<MachineRow> = (0..20).map(|i| machine(&format!("f{i}"), true, "http://main:8530", "", "")).collect();
        rows.extend((0..60).map(|i| machine(&format!("ok{i}"), false, "http://main:8530", "", "")));
        rows.extend((0..40).map(|i| machine(&format!("two{i}"), false, "http://two:8530", "", "")));
        assert!(fisher_greater(120, 80, 20, 20) < ALPHA);
        assert!(FleetSummary::of(&rows).groups[0].shared.is_empty());
    }

    #[test]
    fn machines_failing_on_one_update_share_it() {
        let failing = |kb: &str| UpdateState { kb: kb.into(), state: LedgerState::Failing, code: "0x80070643".into(), ..UpdateState::default() };
        let mut rows: Vec<MachineRow> = (0..6)
            .map(|i| {
                let mut r = machine(&format!("f{i}"), true, "http://wsus:8530", "", "");
                r.updates = vec![failing("KB5044273")];
                r
            })
            .collect();
        rows.extend((0..10).map(|i| machine(&format!("ok{i}"), false, "http://wsus:8530", "", "")));
        let g = &FleetSummary::of(&rows).groups[0];
        assert_eq!(g.shared.len(), 1, "the server is everyone's: only the update is shared");
        assert_eq!((g.shared[0].attribute, g.shared[0].value.as_str()), (Attribute::Update, "KB5044273"));
    }

    #[test]
    fn machines_failing_on_one_management_point_share_it_and_unnamed_ones_do_not_count() {
        // 4 machines assigned to mp02 fail; 10 on mp01 do not; 10 more name no management point.
        let mut rows: Vec<MachineRow> = (0..4)
            .map(|i| {
                let mut r = machine(&format!("f{i}"), true, "http://wsus:8530", "", "");
                (r.management_point, r.management_point_from) = ("MP02.contoso.com".into(), format!("f{i}/LocationServices.log:2"));
                r
            })
            .collect();
        rows.extend((0..10).map(|i| {
            let mut r = machine(&format!("ok{i}"), false, "http://wsus:8530", "", "");
            r.management_point = "mp01.contoso.com".into();
            r
        }));
        rows.extend((0..10).map(|i| machine(&format!("quiet{i}"), false, "http://wsus:8530", "", "")));
        let f = FleetSummary::of(&rows);
        let m = f.groups[0].shared.iter().find(|s| s.attribute == Attribute::ManagementPoint).expect("the management point");
        assert_eq!((m.value.as_str(), m.in_group, m.others_with, m.others), ("mp02.contoso.com", 4, 0, 10));
        assert_eq!(m.evidence[0], ("f0".to_string(), "f0/LocationServices.log:2".to_string()));
        assert!(f.text().contains("4 of 4 report to management point mp02.contoso.com; 0 of the 10 other readable machines report to it"), "{}", f.text());
        // Where only the failing machines name one, there is nothing to contrast with.
        let alone: Vec<MachineRow> = rows.iter().filter(|r| !r.machine.starts_with("ok")).cloned().collect();
        assert!(FleetSummary::of(&alone).groups[0].shared.iter().all(|s| s.attribute != Attribute::ManagementPoint));
    }

    #[test]
    fn machines_failing_on_one_os_build_or_proxy_share_it_with_its_line() {
        // 5 machines on build 19042.508 behind proxy01 fail; 12 on 19045.2965, direct, do not.
        let mut rows: Vec<MachineRow> = (0..5)
            .map(|i| {
                let mut r = machine(&format!("f{i}"), true, "http://wsus:8530", "", "");
                (r.os_build, r.os_build_from) = ("10.0.19042.508".into(), format!("f{i}/WindowsUpdate.log:40"));
                (r.proxy, r.proxy_from) = ("proxy01:8080".into(), format!("f{i}/winhttp-proxy.txt:4"));
                r
            })
            .collect();
        rows.extend((0..12).map(|i| {
            let mut r = machine(&format!("ok{i}"), false, "http://wsus:8530", "", "");
            r.os_build = "10.0.19045.2965".into();
            r.proxy = "direct".into();
            r
        }));
        let f = FleetSummary::of(&rows);
        let g = &f.groups[0];
        let got: Vec<(Attribute, &str, &str)> = g.shared.iter().map(|s| (s.attribute, s.value.as_str(), s.evidence[0].1.as_str())).collect();
        assert_eq!(got, vec![(Attribute::Proxy, "proxy01:8080", "f0/winhttp-proxy.txt:4"), (Attribute::OsBuild, "10.0.19042.508", "f0/WindowsUpdate.log:40")]);
        let t = f.text();
        assert!(t.contains("5 of 5 run build 10.0.19042.508; 0 of the 12 other readable machines run it"), "{t}");
        // Downloads from one Connected Cache server that the healthy machines, whose Delivery
        // Optimization logs are read too, do not use.
        let mut cached = rows.clone();
        for r in cached.iter_mut() {
            r.do_from = format!("{}/DeliveryOptimization.log:8", r.machine);
        }
        for r in cached.iter_mut().take(5) {
            r.do_cache_host = "mcc01.contoso.com".into();
        }
        // Machines whose Delivery Optimization logs are not read contrast with nothing.
        let mut unread = cached.clone();
        for r in unread.iter_mut().skip(5) {
            r.do_from = String::new();
        }
        assert!(FleetSummary::of(&unread).groups[0].shared.iter().all(|s| s.attribute != Attribute::CacheHost));
        let g = &FleetSummary::of(&cached).groups[0];
        let c = g.shared.iter().find(|s| s.attribute == Attribute::CacheHost).expect("the cache server");
        assert_eq!((c.value.as_str(), c.in_group, c.others_with, c.evidence[0].1.as_str()), ("mcc01.contoso.com", 5, 0, "f0/DeliveryOptimization.log:8"));
        // Half the group on a build is no shared build.
        for r in rows.iter_mut().take(2) {
            r.os_build = "10.0.19045.2965".into();
        }
        assert!(FleetSummary::of(&rows).groups[0].shared.iter().all(|s| s.attribute != Attribute::OsBuild));
    }

    #[test]
    fn fisher_matches_a_hand_computed_table() {
        // 10 machines, 4 on one server, the group is those 4: P = 1 / C(10,4) = 1/210.
        assert!((fisher_greater(10, 4, 4, 4) - 1.0 / 210.0).abs() < 1e-12);
        // Half the fleet on it and half the group: no evidence at all.
        assert!(fisher_greater(10, 5, 4, 2) > 0.5);
        assert_eq!(fisher_greater(10, 5, 4, 0), 1.0);
    }
}
