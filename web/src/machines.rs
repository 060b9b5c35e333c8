//! A drop that the report says is several machines' logs: which dropped files are each
//! machine's (to open them as a fleet, or one machine at a time, without dropping them again),
//! and what the notice says. Pure functions, tested natively.

use wulens_core::input::bundles::is_zip_name;
use wulens_core::model::counted;
use wulens_core::report::MachineReport;

use crate::messages::{Dropped, FleetMachine};

/// What to read again for one machine: dropped files (indices into the drop), or, when its
/// files all lie under one folder inside one dropped zip, that zip and the folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub files: Vec<usize>,
    /// The folder inside the zip `files[0]` (`FleetMachine::inner`).
    pub inner: Option<String>,
}

/// Where a report's file name comes from in the drop: the dropped file itself, or a member of
/// a dropped zip (its path inside the zip).
fn source_of(dropped: &[String], name: &str) -> Option<(usize, Option<String>)> {
    if let Some(i) = dropped.iter().position(|p| p == name) {
        return Some((i, None));
    }
    dropped.iter().enumerate().filter(|(_, p)| is_zip_name(p)).find_map(|(i, p)| {
        let rest = name.strip_prefix(p.as_str())?.strip_prefix('/')?;
        Some((i, Some(rest.to_string())))
    })
}

/// The dropped files of machine `m`; `None` when they cannot be read apart from the others'
/// (a file the drop does not hold, or members of a zip that share no folder of their own).
pub fn pick(dropped: &[String], m: &MachineReport) -> Option<Pick> {
    let found: Vec<(usize, Option<String>)> = m.files.iter().map(|n| source_of(dropped, n)).collect::<Option<_>>()?;
    if found.is_empty() {
        return None;
    }
    if found.iter().all(|(_, inner)| inner.is_none()) {
        let mut files: Vec<usize> = found.iter().map(|(i, _)| *i).collect();
        files.sort_unstable();
        files.dedup();
        return Some(Pick { files, inner: None });
    }
    // Members of one zip: the folder they all lie under, inside it.
    let zip = found[0].0;
    let members: Vec<&str> = found.iter().map(|(i, inner)| (*i == zip).then_some(inner.as_deref()).flatten()).collect::<Option<_>>()?;
    let first: Vec<&str> = members[0].split('/').collect();
    let shared = (0..first.len() - 1).take_while(|&k| members.iter().all(|m| m.split('/').nth(k) == Some(first[k]))).count();
    (shared > 0).then(|| Pick { files: vec![zip], inner: Some(first[..shared].join("/")) })
}

/// The machines a report names, as a fleet's machines: each with its files of the drop kept
/// whole (`None`: a machine's files cannot be read apart).
pub fn split(whole: &Dropped, machines: &[MachineReport]) -> Option<Vec<FleetMachine>> {
    let paths: Vec<String> = whole.files.iter().map(|f| f.path.clone()).collect();
    machines
        .iter()
        .map(|m| {
            let p = pick(&paths, m)?;
            let bundle = match &p.inner {
                Some(inner) => format!("{}/{inner}", paths[p.files[0]]),
                None => m.files.first().cloned().unwrap_or_default(),
            };
            Some(FleetMachine { name: m.label.clone(), bundle, files: p.files.iter().map(|&i| whole.files[i].clone()).collect(), inner: p.inner })
        })
        .collect()
}

/// The notice above the verdict: `These logs seem to come from 2 machines: BRANCH-07 (1 file) and
/// WIN-7 (2 files). Their conclusions would be mixed.`
pub fn notice(machines: &[MachineReport]) -> String {
    let each: Vec<String> = machines.iter().map(|m| format!("{} ({})", m.label, counted(m.files.len(), "file", "files"))).collect();
    let list = match each.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    format!("These logs seem to come from {}: {list}. One report would mix their conclusions.", counted(machines.len(), "machine", "machines"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(label: &str, files: &[&str]) -> MachineReport {
        MachineReport { label: label.into(), files: files.iter().map(|f| f.to_string()).collect() }
    }

    fn paths(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn loose_files_are_picked_by_their_path() {
        let dropped = paths(&["logs/old/WindowsUpdate.log", "logs/WindowsUpdate.log", "logs/CBS.log"]);
        let m = machine("Windows 10.0.19041", &["logs/WindowsUpdate.log", "logs/CBS.log"]);
        assert_eq!(pick(&dropped, &m), Some(Pick { files: vec![1, 2], inner: None }));
        assert_eq!(pick(&dropped, &machine("x", &["elsewhere.log"])), None, "a file the drop does not hold");
        assert_eq!(pick(&dropped, &machine("x", &[])), None);
    }

    #[test]
    fn a_folder_inside_a_zip_is_read_as_a_member() {
        let dropped = paths(&["logs.zip"]);
        let m = machine("PC1", &["logs.zip/PC1/CCM/Logs/WUAHandler.log", "logs.zip/PC1/WindowsUpdate.log"]);
        assert_eq!(pick(&dropped, &m), Some(Pick { files: vec![0], inner: Some("PC1".into()) }));
        let loose = machine("Windows 6.1.7601", &["logs.zip/WindowsUpdate.log"]);
        assert_eq!(pick(&dropped, &loose), None, "a loose member shares the zip with the other machine");
        let both = paths(&["a.zip", "b.log"]);
        assert_eq!(pick(&both, &machine("x", &["a.zip/PC1/x.log", "b.log"])), None, "a zip's member and a loose file");
    }

    #[test]
    fn the_notice_names_each_machine_and_its_files() {
        let ms = [machine("BRANCH-07", &["a.log"]), machine("Windows 6.1.7601, 2018-05-20", &["b.log", "c.log"])];
        assert_eq!(
            notice(&ms),
            "These logs seem to come from 2 machines: BRANCH-07 (1 file) and Windows 6.1.7601, 2018-05-20 (2 files). One report would mix their conclusions."
        );
        let three = [machine("A", &["a"]), machine("B", &["b"]), machine("C", &["c"])];
        assert!(notice(&three).contains(": A (1 file), B (1 file) and C (1 file)."));
    }
}
