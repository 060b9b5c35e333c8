//! The drop plan: what was dropped, and how to read it. One pure function for the web page and
//! `wulens fleet` (no I/O: the caller lists what was dropped and reads what the plan asks for),
//! so both read the same drop the same way.
//!
//! A drop is given as its files' paths (relative, `/`-separated, as a drop or a folder walk
//! gives them; a path ending in `/` is a folder marker) and sizes. [`plan`] answers either what
//! it still needs ([`Need`]: the first bytes of some files or zip members, the directory of a
//! zip) or the plan ([`Plan`]). The caller reads what is asked into [`Dropped::heads`] and
//! [`Dropped::listings`] and asks again; each answer asks for something new, so at most three
//! rounds are needed (a JSON file's head, a zip's directory, the heads of the exports it may hold).
//!
//! The plan, in order:
//! - one JSON file named `*.wulens.json`, or whose first bytes carry the `wulens_saved_report`
//!   mark, is a saved report, opened without logs;
//! - Windows Update for Business reports exports (files at the top of the drop or beside bundles,
//!   told by their first bytes: `wufb::looks_like`) are set apart: never a machine;
//! - the rest is split by the bundle rule (`bundles.rs`): several machines are a fleet (read as
//!   a fleet, as `wulens fleet` reads, any two bundles are); one machine beside exports is a
//!   fleet of one, exports alone a fleet of none;
//! - one machine whose files are one zip (dropped alone, or in a folder with notes) is listed:
//!   a zip of bundles (zips or folders of machines inside, at any depth the rule reads through,
//!   with exports beside them) is a fleet whose machines are read out of it in place;
//! - anything else is one machine's logs.

use std::collections::{BTreeMap, HashSet};

use crate::read::bundles::{self, Bundle};
use crate::read::wufb;

/// How many first bytes of a file tell an export or a saved report ([`Need::heads`]).
pub const HEAD_BYTES: usize = 64 * 1024;

/// The key a saved report's JSON object starts with: `{"wulens_saved_report": 1, ...}`.
pub const SAVED_REPORT_KEY: &str = "wulens_saved_report";

/// One dropped file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Its path in the drop (relative, `/`-separated; a folder marker ends with `/`).
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
}

/// What the plan knows of a drop: its files, and what it asked for so far.
#[derive(Debug, Clone, Default)]
pub struct Dropped {
    /// The files (and folder markers) as dropped.
    pub items: Vec<Item>,
    /// A drop made by the page itself (its samples): read as one machine, nothing asked.
    pub built_in: bool,
    /// Read as a fleet whatever it holds (`wulens fleet`): bundles that share no log name are
    /// still several machines (dropped on the page, `CCMLogs/` beside `WindowsUpdate/` is one
    /// machine's logs in two folders).
    pub as_fleet: bool,
    /// The first bytes (up to [`HEAD_BYTES`]) of the files and members asked for, by
    /// [`Head::key`]; empty bytes for one that could not be read.
    pub heads: BTreeMap<String, Vec<u8>>,
    /// The member paths of the zips asked for, by item index, or why the zip could not be listed.
    pub listings: BTreeMap<usize, Result<Vec<String>, String>>,
}

impl Dropped {
    /// A drop of `(path, size)` files.
    pub fn new<S: Into<String>>(items: impl IntoIterator<Item = (S, u64)>) -> Dropped {
        Dropped { items: items.into_iter().map(|(path, size)| Item { path: path.into(), size }).collect(), ..Dropped::default() }
    }

    fn paths(&self) -> Vec<String> {
        self.items.iter().map(|i| i.path.clone()).collect()
    }
}

/// A part of the drop: a dropped file, or a member of a dropped zip (its path inside it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Head {
    /// The dropped file (an index into [`Dropped::items`]).
    pub item: usize,
    /// The member's path inside that file, a zip; `None`: the file itself.
    pub member: Option<String>,
}

impl Head {
    /// Its key in [`Dropped::heads`]: the file's path, or the zip's path, `/`, the member's.
    pub fn key(&self, d: &Dropped) -> String {
        let path = &d.items[self.item].path;
        match &self.member {
            Some(m) => format!("{path}/{m}"),
            None => path.clone(),
        }
    }
}

/// What the plan needs read before it can say more.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Need {
    /// The first [`HEAD_BYTES`] of these.
    pub heads: Vec<Head>,
    /// The directories of these zips (item indices).
    pub listings: Vec<usize>,
}

/// Where a machine's files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Dropped files (item indices, in path order).
    Files(Vec<usize>),
    /// The members of the dropped zip `item` at or under `inner` (a member zip, or a folder).
    Member {
        /// The zip (an index into [`Dropped::items`]).
        item: usize,
        /// The machine's member zip or folder inside it.
        inner: String,
    },
}

/// One machine of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// Its name: the bundle's, as the bundle rule names it.
    pub name: String,
    /// The bundle's path in the drop (`fleet/PC-001.zip`, `fleet.zip/fleet/PC-001.zip`); empty
    /// for loose files.
    pub bundle: String,
    /// Where its files are.
    pub source: Source,
}

/// Several machines read one by one, a row each, with the exports beside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fleet {
    /// The machines, in path order, a row each.
    pub machines: Vec<Machine>,
    /// The Windows Update for Business reports exports, read after the machines and joined.
    pub exports: Vec<Head>,
    /// The dropped zip the machines are read out of (a zip of bundles); `None`: dropped files.
    pub zip: Option<usize>,
}

/// How to read a drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing was dropped.
    Empty,
    /// A report saved by wulens (item index): opened as it is, without logs.
    Saved(usize),
    /// One machine's logs: one report of every file.
    Machine(Machine),
    /// Several machines (or exports beside machines): the fleet page, `wulens fleet`'s rows.
    Fleet(Fleet),
}

/// One step of planning: what is still needed, or the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Read this, then ask again.
    Need(Need),
    /// How to read the drop.
    Ready(Plan),
}

/// The plan of a drop, or what to read first (see the module's rule).
pub fn plan(d: &Dropped) -> Step {
    if d.items.is_empty() {
        return Step::Ready(Plan::Empty);
    }
    if let Some(step) = saved(d) {
        return step;
    }
    let paths = d.paths();
    let maybe: Vec<Head> =
        if d.built_in || paths.len() < 2 { Vec::new() } else { candidates(&paths).into_iter().map(|item| Head { item, member: None }).collect() };
    let exports = match heads_of(d, &maybe) {
        Ok(x) => x,
        Err(need) => return Step::Need(need),
    };
    let exports: Vec<usize> = exports.iter().map(|h| h.item).collect();
    if let Some(found) = machines_of(&paths, &exports, d.as_fleet) {
        let machines = found.into_iter().map(|b| Machine { name: b.machine, bundle: b.path, source: Source::Files(b.files) }).collect();
        return Step::Ready(Plan::Fleet(Fleet { machines, exports: exports.into_iter().map(|item| Head { item, member: None }).collect(), zip: None }));
    }
    let (one, bundle) = one_machine(&paths);
    let zip = match bundle.as_slice() {
        [z] if !d.built_in && bundles::is_zip_name(&paths[*z]) => *z,
        _ => return Step::Ready(Plan::Machine(one)),
    };
    match d.listings.get(&zip) {
        None => Step::Need(Need { listings: vec![zip], ..Need::default() }),
        Some(Err(_)) => Step::Ready(Plan::Machine(one)),
        Some(Ok(entries)) => in_zip(d, zip, entries).unwrap_or(Step::Ready(Plan::Machine(one))),
    }
}

/// A lone JSON file: a saved report by its name, or by its first bytes.
fn saved(d: &Dropped) -> Option<Step> {
    let [one] = d.items.as_slice() else { return None };
    let name = one.path.to_ascii_lowercase();
    if name.ends_with(".wulens.json") {
        return Some(Step::Ready(Plan::Saved(0)));
    }
    if !name.ends_with(".json") {
        return None;
    }
    let head = Head { item: 0, member: None };
    match d.heads.get(&head.key(d)) {
        None => Some(Step::Need(Need { heads: vec![head], ..Need::default() })),
        Some(h) if claims_saved(h) => Some(Step::Ready(Plan::Saved(0))),
        Some(_) => None,
    }
}

/// Whether a file's first bytes say it is a saved report: a JSON object whose first 200 bytes
/// hold the mark.
pub fn claims_saved(head: &[u8]) -> bool {
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let first = &head[start..head.len().min(start + 200)];
    first.first() == Some(&b'{') && first.windows(SAVED_REPORT_KEY.len()).any(|w| w == SAVED_REPORT_KEY.as_bytes())
}

/// Which of `maybe` are exports, by their first bytes; or the heads still to read.
fn heads_of(d: &Dropped, maybe: &[Head]) -> Result<Vec<Head>, Need> {
    let missing: Vec<Head> = maybe.iter().filter(|h| !d.heads.contains_key(&h.key(d))).cloned().collect();
    if !missing.is_empty() {
        return Err(Need { heads: missing, ..Need::default() });
    }
    Ok(maybe.iter().filter(|h| d.heads.get(&h.key(d)).is_some_and(|b| wufb::looks_like(b))).cloned().collect())
}

/// The whole drop as one machine, named as the bundle rule names it, and the files of its one
/// bundle (notes beside it aside; empty when the rule finds several).
fn one_machine(paths: &[String]) -> (Machine, Vec<usize>) {
    let mut found = bundles::bundles(paths);
    let all: Vec<usize> = (0..paths.len()).filter(|&i| !paths[i].ends_with('/')).collect();
    match found.len() {
        1 => {
            let b = found.remove(0);
            (Machine { name: b.machine, bundle: b.path, source: Source::Files(all) }, b.files)
        }
        _ => (Machine { name: "dropped files".into(), bundle: String::new(), source: Source::Files(all) }, Vec::new()),
    }
}

/// The zip `zip`, listed: a fleet when the bundle rule finds a zip of bundles in it (`None`:
/// one machine's zip, whether or not the drop is read as a fleet), or the heads of the exports
/// it may hold, still to read.
fn in_zip(d: &Dropped, zip: usize, entries: &[String]) -> Option<Step> {
    let maybe: Vec<Head> = candidates(entries).into_iter().map(|i| Head { item: zip, member: Some(entries[i].clone()) }).collect();
    let exports = match heads_of(d, &maybe) {
        Ok(x) => x,
        Err(need) => return Some(Step::Need(need)),
    };
    let members: Vec<String> = entries.iter().filter(|e| !exports.iter().any(|h| h.member.as_deref() == Some(e.as_str()))).cloned().collect();
    let prefix = format!("{}/", d.items[zip].path.trim_end_matches('/'));
    let paths: Vec<String> = members.iter().map(|e| format!("{prefix}{e}")).collect();
    let found = bundles::bundles(&paths);
    // Inside one dropped zip only the bundle rule tells machines apart, for `wulens fleet` too:
    // the zip `wulens collect` writes holds one machine's `C/` and `registry/` folders.
    if !bundles::is_fleet(&found, &paths) {
        return None;
    }
    let machines = found
        .into_iter()
        .map(|b| Machine {
            name: b.machine,
            source: Source::Member { item: zip, inner: b.path.strip_prefix(&prefix).unwrap_or_default().to_string() },
            bundle: b.path,
        })
        .collect();
    Some(Step::Ready(Plan::Fleet(Fleet { machines, exports, zip: Some(zip) })))
}

/// Whether the bundles found are several machines: as the bundle rule tells, or any two or
/// more when the drop is read as a fleet.
fn several(found: &[Bundle], paths: &[String], as_fleet: bool) -> bool {
    bundles::is_fleet(found, paths) || (as_fleet && found.len() >= 2)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// The files that may be exports: at the top of the drop, or beside bundles (in a folder that
/// holds a zip, a cab or a folder) no deeper than a folder of bundles wrapped in a dropped
/// folder (`share/fleet/alerts.json`). A zip or a cab is a bundle, never an export. The paths
/// are a drop's, or a zip's members.
pub fn candidates(paths: &[String]) -> Vec<usize> {
    let mut holds_bundles: HashSet<&str> = HashSet::new();
    for p in paths {
        if bundles::is_archive_name(p) {
            holds_bundles.insert(parent(p));
        }
        let mut folder = parent(p);
        while !folder.is_empty() {
            holds_bundles.insert(parent(folder));
            folder = parent(folder);
        }
    }
    (0..paths.len())
        .filter(|&i| {
            let p = paths[i].as_str();
            !p.ends_with('/') && !bundles::is_archive_name(p) && (!p.contains('/') || (p.matches('/').count() <= 2 && holds_bundles.contains(parent(p))))
        })
        .collect()
}

/// The machines of a drop whose files `exports` (indices into `paths`) are exports: its bundles
/// as the rule finds them without the exports when they are several machines; one machine's
/// logs beside exports are a fleet of that one machine (its alerts join it), and exports alone a
/// fleet of none. `None`: no export and one machine's logs.
fn machines_of(paths: &[String], exports: &[usize], as_fleet: bool) -> Option<Vec<Bundle>> {
    let rest: Vec<usize> = (0..paths.len()).filter(|i| !exports.contains(i)).collect();
    let rest_paths: Vec<String> = rest.iter().map(|&i| paths[i].clone()).collect();
    let remap = |b: Bundle| Bundle { files: b.files.iter().map(|&j| rest[j]).collect(), ..b };
    let found = bundles::bundles(&rest_paths);
    if several(&found, &rest_paths, as_fleet) {
        return Some(found.into_iter().map(remap).collect());
    }
    if exports.is_empty() {
        return None;
    }
    if rest.iter().all(|&i| paths[i].ends_with('/')) {
        return Some(Vec::new());
    }
    let one = match <[Bundle; 1]>::try_from(found) {
        Ok([b]) => b,
        Err(_) => Bundle { machine: "dropped files".into(), path: String::new(), files: (0..rest.len()).filter(|&j| !rest_paths[j].ends_with('/')).collect() },
    };
    Some(vec![remap(one)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drop_of(paths: &[&str]) -> Dropped {
        Dropped::new(paths.iter().map(|p| (*p, 100)))
    }

    const ALERTS: &[u8] = br#"[{"AlertId": "a", "AlertSubtype": "DiskFull", "DeviceName": "PC-1"}]"#;

    /// Answer every need from `heads` (by key; anything else: a log's first bytes) and `listings`.
    fn settle(mut d: Dropped, heads: &[(&str, &[u8])], listings: &[(usize, &[&str])]) -> (Plan, usize) {
        for rounds in 0..5 {
            match plan(&d) {
                Step::Ready(p) => return (p, rounds),
                Step::Need(need) => {
                    assert!(!need.heads.is_empty() || !need.listings.is_empty(), "a need asks for something");
                    for h in need.heads {
                        let key = h.key(&d);
                        let bytes = heads.iter().find(|(k, _)| *k == key).map(|(_, b)| b.to_vec()).unwrap_or_else(|| b"<![LOG[a log]LOG]!>".to_vec());
                        assert!(d.heads.insert(key.clone(), bytes).is_none(), "{key} asked twice");
                    }
                    for z in need.listings {
                        let l = listings
                            .iter()
                            .find(|(i, _)| *i == z)
                            .map(|(_, l)| Ok(l.iter().map(|s| s.to_string()).collect()))
                            .unwrap_or(Err("not a zip".into()));
                        assert!(d.listings.insert(z, l).is_none(), "zip {z} listed twice");
                    }
                }
            }
        }
        panic!("the plan never settles");
    }

    fn names(p: &Plan) -> Vec<(String, String)> {
        match p {
            Plan::Fleet(f) => f.machines.iter().map(|m| (m.name.clone(), m.bundle.clone())).collect(),
            Plan::Machine(m) => vec![(m.name.clone(), m.bundle.clone())],
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_folder_of_bundles_and_the_zip_of_that_folder_are_the_same_machines() {
        let members = ["fleet/PC-0001.zip", "fleet/PC-0002.zip", "fleet/PC-0003/WUAHandler.log", "fleet/PC-0003/CCM/ScanAgent.log", "fleet/fleet.csv"];
        let (folder, rounds) = settle(drop_of(&members), &[], &[]);
        assert_eq!(rounds, 1, "the folder's top files are asked whether they are exports, once");
        let (zipped, rounds) = settle(drop_of(&["fleet.zip"]), &[], &[(0, &members)]);
        assert_eq!(rounds, 2, "the zip's directory, then its candidates' heads");
        let machines = |p: &Plan| names(p).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(machines(&folder), ["PC-0001", "PC-0002", "PC-0003"]);
        assert_eq!(machines(&zipped), machines(&folder));
        let Plan::Fleet(f) = &zipped else { panic!("{zipped:?}") };
        assert_eq!(f.zip, Some(0));
        assert_eq!(f.machines[2].source, Source::Member { item: 0, inner: "fleet/PC-0003".into() });
        assert_eq!(f.machines[0].bundle, "fleet.zip/fleet/PC-0001.zip");
        let Plan::Fleet(f) = &folder else { panic!() };
        assert_eq!((f.zip, &f.machines[2].source), (None, &Source::Files(vec![2, 3])));
    }

    #[test]
    fn a_zip_of_bundles_in_a_folder_is_a_fleet_too_and_a_zip_of_logs_is_one_machine() {
        let (p, _) = settle(drop_of(&["share/fleet.zip", "share/README.md"]), &[], &[(0, &["a/PC-1.zip", "a/PC-2.zip"])]);
        assert_eq!(names(&p), [("PC-1".to_string(), "share/fleet.zip/a/PC-1.zip".to_string()), ("PC-2".into(), "share/fleet.zip/a/PC-2.zip".into())]);
        let (p, _) = settle(drop_of(&["PC-9.zip"]), &[], &[(0, &["CCM/Logs/WUAHandler.log", "WindowsUpdate.log"])]);
        assert_eq!(p, Plan::Machine(Machine { name: "PC-9".into(), bundle: "PC-9.zip".into(), source: Source::Files(vec![0]) }));
        // A zip that cannot be listed is read as one machine's bundle (its reader says why).
        let (p, _) = settle(drop_of(&["broken.zip"]), &[], &[]);
        assert!(matches!(p, Plan::Machine(_)), "{p:?}");
    }

    #[test]
    fn exports_are_set_apart_by_their_first_bytes_in_a_folder_and_in_a_zip() {
        let paths = ["fleet/PC-1.zip", "fleet/alerts.json", "fleet/PC-2.zip", "fleet/notes.json"];
        let (p, _) = settle(drop_of(&paths), &[("fleet/alerts.json", ALERTS)], &[]);
        let Plan::Fleet(f) = &p else { panic!("{p:?}") };
        assert_eq!(names(&p), [("fleet".to_string(), "fleet".to_string())], "notes.json is a log of the folder: one machine beside the export");
        assert_eq!(f.exports, [Head { item: 1, member: None }]);
        let paths = ["fleet/PC-1.zip", "fleet/alerts.json", "fleet/PC-2.zip"];
        let (p, _) = settle(drop_of(&paths), &[("fleet/alerts.json", ALERTS)], &[]);
        assert_eq!(names(&p).iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["PC-1", "PC-2"]);
        let (p, _) = settle(drop_of(&["f.zip"]), &[("f.zip/fleet/alerts.json", ALERTS)], &[(0, &["fleet/PC-1.zip", "fleet/PC-2.zip", "fleet/alerts.json"])]);
        let Plan::Fleet(f) = &p else { panic!("{p:?}") };
        assert_eq!(f.exports, [Head { item: 0, member: Some("fleet/alerts.json".into()) }]);
        assert_eq!(f.machines.len(), 2);
        // Without the export's columns the JSON is a log: the zip is one machine's.
        let (p, _) = settle(drop_of(&["f.zip"]), &[], &[(0, &["fleet/PC-1.zip", "fleet/PC-2.zip", "fleet/alerts.json"])]);
        assert!(matches!(p, Plan::Machine(_)), "{p:?}");
        // One bundle beside exports: a fleet of one; exports alone: a fleet of none.
        let (p, _) = settle(drop_of(&["drop/PC-1.zip", "drop/alerts.csv"]), &[("drop/alerts.csv", ALERTS)], &[]);
        assert_eq!(names(&p), [("PC-1".to_string(), "drop/PC-1.zip".to_string())]);
        let (p, _) = settle(drop_of(&["a.json", "b.json"]), &[("a.json", ALERTS), ("b.json", ALERTS)], &[]);
        assert_eq!(p, Plan::Fleet(Fleet { machines: Vec::new(), exports: vec![Head { item: 0, member: None }, Head { item: 1, member: None }], zip: None }));
    }

    #[test]
    fn a_saved_report_by_its_name_or_its_mark_and_other_json_is_a_log() {
        assert_eq!(settle(drop_of(&["ticket.wulens.json"]), &[], &[]), (Plan::Saved(0), 0));
        let (p, rounds) = settle(drop_of(&["export.json"]), &[("export.json", b" {\"wulens_saved_report\": 1, \"report\": {}}")], &[]);
        assert_eq!((p, rounds), (Plan::Saved(0), 1));
        let (p, _) = settle(drop_of(&["other.json"]), &[("other.json", b"{\"report\": 1}")], &[]);
        assert!(matches!(p, Plan::Machine(_)), "{p:?}");
        assert!(!claims_saved(b"[\"wulens_saved_report\"]"), "an array is no saved report");
        assert!(!claims_saved(&[b"{".as_slice(), &[b' '; 300], SAVED_REPORT_KEY.as_bytes()].concat()), "the mark comes first");
    }

    #[test]
    fn one_machines_logs_loose_or_in_folders_and_the_samples_ask_nothing() {
        let (p, rounds) = settle(drop_of(&["CCMLogs/WUAHandler.log", "CCMLogs/ScanAgent.log"]), &[], &[]);
        assert_eq!((names(&p), rounds), (vec![("CCMLogs".to_string(), "CCMLogs".to_string())], 0));
        let two = ["CCMLogs/WUAHandler.log", "WindowsUpdate/WindowsUpdate.20240101.etl"];
        let (p, _) = settle(drop_of(&two), &[], &[]);
        assert_eq!(p, Plan::Machine(Machine { name: "dropped files".into(), bundle: String::new(), source: Source::Files(vec![0, 1]) }));
        // Read as a fleet (`wulens fleet`), each folder given is a machine; inside one zip the
        // bundle rule decides, as on the page: the zip `wulens collect` writes is one machine.
        let (p, _) = settle(Dropped { as_fleet: true, ..drop_of(&two) }, &[], &[]);
        assert_eq!(names(&p), [("CCMLogs".to_string(), "CCMLogs".to_string()), ("WindowsUpdate".into(), "WindowsUpdate".into())]);
        let (p, _) = settle(Dropped { as_fleet: true, ..drop_of(&["both.zip"]) }, &[], &[(0, &two)]);
        assert!(matches!(p, Plan::Machine(_)), "{p:?}");
        let collected = ["C/windows/CCM/Logs/WUAHandler.log", "C/windows/WindowsUpdate.log", "registry/wu-policy.reg", "registry/winhttp-proxy.txt"];
        let (p, _) = settle(Dropped { as_fleet: true, ..drop_of(&["wulens-PC-7-2026-11-28.zip"]) }, &[], &[(0, &collected)]);
        assert!(matches!(p, Plan::Machine(_)), "{p:?}");
        let (p, _) = settle(Dropped { as_fleet: true, ..drop_of(&["CCMLogs/WUAHandler.log"]) }, &[], &[]);
        assert!(matches!(p, Plan::Machine(_)), "one bundle is one machine: {p:?}");
        let samples = Dropped { built_in: true, ..drop_of(&["WUAHandler.log", "samples.zip"]) };
        assert!(matches!(plan(&samples), Step::Ready(Plan::Machine(_))));
        assert_eq!(plan(&Dropped::default()), Step::Ready(Plan::Empty));
        // Folder markers are never files of a machine.
        let (p, _) = settle(drop_of(&["fleet/", "fleet/PC-1/", "fleet/PC-1/a.log", "fleet/PC-2.zip"]), &[], &[]);
        let Plan::Fleet(f) = &p else { panic!("{p:?}") };
        assert_eq!(f.machines[0].source, Source::Files(vec![2]));
    }

    #[test]
    fn candidates_lie_at_the_top_or_beside_bundles_never_inside_a_machine() {
        let paths: Vec<String> = [
            "fleet/PC-1.zip",
            "fleet/alerts.json",
            "fleet/PC-2/WindowsUpdate.log",
            "fleet/PC-2/CCM/Logs/WUAHandler.log",
            "fleet/status.ndjson",
            "loose.csv",
            "share/fleet/PC-3.zip",
            "share/fleet/more.json",
            "a/b/c/PC-4.zip",
            "a/b/c/deep.json",
        ]
        .map(String::from)
        .to_vec();
        let got: Vec<&str> = candidates(&paths).into_iter().map(|i| paths[i].as_str()).collect();
        assert_eq!(got, ["fleet/alerts.json", "fleet/PC-2/WindowsUpdate.log", "fleet/status.ndjson", "loose.csv", "share/fleet/more.json"]);
    }
}
