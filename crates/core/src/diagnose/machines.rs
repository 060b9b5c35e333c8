//! Several machines in one drop: the same log (by kind) under two or more folders of the drop
//! means two or more machines' logs, and one verdict would mix them. Rotated copies of a log
//! (`X.lo_`, `X-20240601-120000.log`) sit in the same folder, so they never count.

use crate::analysis::Analysis;
use crate::model::LogKind;

/// The folders of the drop that each hold their own copy of a log another folder also holds,
/// sorted; empty when the drop looks like one machine.
pub fn folders(a: &Analysis) -> Vec<String> {
    let named: Vec<(&str, LogKind)> = a.files.iter().filter(|f| f.is_text() && f.kind != LogKind::Other).map(|f| (f.name.as_str(), f.kind)).collect();
    if named.len() < 2 {
        return Vec::new();
    }
    // The folder path each file sits in, below what every file shares (a zip's own name, ...).
    let dirs: Vec<Vec<&str>> = named
        .iter()
        .map(|(n, _)| n.split(['/', '\\']).collect::<Vec<_>>())
        .map(|mut p| {
            p.pop();
            p
        })
        .collect();
    let shared = (0..).take_while(|&i| dirs.iter().all(|d| d.len() > i && d[i] == dirs[0][i])).count();
    let root = |d: &Vec<&str>| d.get(shared).map(|s| s.to_string());
    let mut out: Vec<String> = Vec::new();
    for (i, (_, kind)) in named.iter().enumerate() {
        let Some(r) = root(&dirs[i]) else { continue };
        let elsewhere = named.iter().enumerate().any(|(j, (_, k))| k == kind && root(&dirs[j]).is_some_and(|o| o != r));
        if elsewhere && !out.contains(&r) {
            out.push(r);
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analysis;
    use crate::read::{Input, Limits};

    const RECORD: &str = "<![LOG[Async searching completed.]LOG]!><time=\"10:00:00.000+000\" date=\"06-12-2024\" component=\"WUAHandler\" context=\"\" type=\"1\" thread=\"1\" file=\"x.cpp:1\">\r\n";

    fn drop(names: &[&str]) -> Vec<String> {
        let inputs = names.iter().map(|n| Input { name: n.to_string(), bytes: RECORD.as_bytes().into() }).collect();
        super::folders(&Analysis::from_inputs(inputs, &Limits::default()))
    }

    #[test]
    fn the_same_log_in_two_folders_is_two_machines() {
        assert_eq!(drop(&["logs.zip/PC1/CCM/Logs/WUAHandler.log", "logs.zip/PC2/CCM/Logs/WUAHandler.log"]), ["PC1", "PC2"]);
        assert_eq!(drop(&["PC1/WUAHandler.log", "PC2/Logs/WUAHandler.log", "PC2/Logs/ScanAgent.log"]), ["PC1", "PC2"]);
    }

    #[test]
    fn one_machine_with_rotated_logs_and_other_folders_is_one() {
        assert!(drop(&["CCM/Logs/WUAHandler.log", "CCM/Logs/WUAHandler-20240601-120000.log", "Windows/WindowsUpdate.log"]).is_empty());
        assert!(drop(&["WUAHandler.log", "ScanAgent.log"]).is_empty());
        assert!(drop(&["PC1/WUAHandler.log", "PC2/ScanAgent.log"]).is_empty());
    }
}
