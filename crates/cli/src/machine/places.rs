//! Where Windows, the Windows Update agent and the ConfigMgr client keep the logs wulens reads:
//! the list `wulens collect-help` tells an admin to copy, found here on the machine itself.

use std::path::{Path, PathBuf};

/// The folders the places are under, as this machine has them.
#[derive(Clone, Debug)]
pub struct Roots {
    /// `%windir%` (`C:\Windows`).
    pub windows: Folder,
    /// `%SystemDrive%\` (`C:\`): feature updates leave their logs in `$WINDOWS.~BT`.
    pub system_drive: Folder,
    /// `%ProgramFiles%` (`C:\Program Files`): a WSUS server's own log.
    pub program_files: Folder,
    /// The ConfigMgr client's log folder when the registry moves it out of `%windir%\CCM\Logs`.
    pub ccm_logs: Option<Folder>,
}

/// A folder on disk and the name its files are given in the report (`C/Windows`: the path with
/// the drive letter as its first folder, so a report names a file where it lies).
#[derive(Clone, Debug)]
pub struct Folder {
    pub path: PathBuf,
    pub label: String,
}

impl Folder {
    /// A Windows path (`C:\Windows`) and its label (`C/Windows`).
    pub fn windows(path: &str) -> Folder {
        let label = path.trim_end_matches(['\\', '/']).replacen(":\\", "/", 1).replacen(':', "", 1).replace('\\', "/");
        Folder { path: PathBuf::from(path), label }
    }

    fn join(&self, dir: &str) -> Folder {
        if dir.is_empty() {
            return self.clone();
        }
        let mut path = self.path.clone();
        for part in dir.split('\\') {
            path.push(part);
        }
        Folder { path, label: format!("{}/{}", self.label, dir.replace('\\', "/")) }
    }
}

#[derive(Clone, Copy)]
enum Root {
    Windows,
    SystemDrive,
    ProgramFiles,
    /// `%windir%\CCM\Logs`, or where the registry says the client logs.
    CcmLogs,
}

/// Which files of a folder are taken (names compared without case, as Windows does).
#[derive(Clone, Copy)]
enum Files {
    /// Files with one of these extensions.
    Ext(&'static [&'static str]),
    /// These files.
    Named(&'static [&'static str]),
}

struct Place {
    root: Root,
    dir: &'static str,
    files: Files,
}

const SETUP_LOGS: Files = Files::Named(&["setupact.log", "setuperr.log"]);

/// Every place, in the order `collect-help` lists them.
const PLACES: &[Place] = &[
    // The ConfigMgr client (its rotated logs end in .lo_), its installation, a task sequence.
    Place { root: Root::CcmLogs, dir: "", files: Files::Ext(&["log", "lo_"]) },
    Place { root: Root::CcmLogs, dir: "SMSTSLog", files: Files::Named(&["smsts.log"]) },
    Place { root: Root::Windows, dir: r"ccmsetup\Logs", files: Files::Ext(&["log"]) },
    // The Windows Update agent: its traces (Windows 10 and later), the Windows 7 / 8.1 text log,
    // and the results it reports.
    Place { root: Root::Windows, dir: r"Logs\WindowsUpdate", files: Files::Ext(&["etl"]) },
    Place { root: Root::Windows, dir: "", files: Files::Named(&["WindowsUpdate.log"]) },
    Place { root: Root::Windows, dir: "SoftwareDistribution", files: Files::Named(&["ReportingEvents.log"]) },
    // Servicing.
    Place { root: Root::Windows, dir: r"Logs\CBS", files: Files::Ext(&["log"]) },
    Place { root: Root::Windows, dir: r"Logs\DISM", files: Files::Named(&["dism.log"]) },
    // Windows setup: the installation, and a feature update's run and its rollback.
    Place { root: Root::Windows, dir: "Panther", files: SETUP_LOGS },
    Place { root: Root::SystemDrive, dir: r"$WINDOWS.~BT\Sources\Panther", files: SETUP_LOGS },
    Place { root: Root::SystemDrive, dir: r"$WINDOWS.~BT\Sources\Rollback", files: SETUP_LOGS },
    // The event logs that hold installs, servicing, searches and downloads.
    Place {
        root: Root::Windows,
        dir: r"System32\winevt\Logs",
        files: Files::Named(&[
            "System.evtx",
            "Setup.evtx",
            "Microsoft-Windows-WindowsUpdateClient%4Operational.evtx",
            "Microsoft-Windows-Bits-Client%4Operational.evtx",
        ]),
    },
    // A WSUS server's synchronization log.
    Place { root: Root::ProgramFiles, dir: r"Update Services\LogFiles", files: Files::Named(&["SoftwareDistribution.log"]) },
];

/// A log found on the machine, with the name the report gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub name: String,
}

/// Every log of [`PLACES`] that exists under `roots`, place by place, files in name order. A
/// folder that is not there is skipped (a machine without the ConfigMgr client has no CCM\Logs).
pub fn find(roots: &Roots) -> Vec<Found> {
    let mut out = Vec::new();
    let ccm = roots.ccm_logs.clone().unwrap_or_else(|| roots.windows.join(r"CCM\Logs"));
    for place in PLACES {
        let root = match place.root {
            Root::Windows => &roots.windows,
            Root::SystemDrive => &roots.system_drive,
            Root::ProgramFiles => &roots.program_files,
            Root::CcmLogs => &ccm,
        };
        let folder = root.join(place.dir);
        let mut here: Vec<Found> = list(&folder.path)
            .into_iter()
            .filter(|n| wanted(place.files, n))
            .map(|n| Found { path: folder.path.join(&n), name: format!("{}/{n}", folder.label) })
            .collect();
        here.sort_by_key(|a| a.name.to_lowercase());
        for f in here {
            if !out.iter().any(|o: &Found| o.path == f.path) {
                out.push(f);
            }
        }
    }
    out
}

/// The names of the files (not folders) directly in `dir`; none when it cannot be listed.
fn list(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_file())).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
}

fn wanted(files: Files, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    match files {
        Files::Ext(exts) => lower.rsplit_once('.').is_some_and(|(_, ext)| exts.contains(&ext)),
        Files::Named(names) => names.iter().any(|n| n.eq_ignore_ascii_case(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_paths_are_labelled_with_their_drive() {
        assert_eq!(Folder::windows(r"C:\Windows").label, "C/Windows");
        assert_eq!(Folder::windows(r"C:\").label, "C");
        assert_eq!(Folder::windows(r"D:\Program Files\").label, "D/Program Files");
    }

    #[test]
    fn the_places_are_found_by_file_name_without_case_and_nothing_else() {
        let root = std::env::temp_dir().join(format!("wulens-places-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let files = [
            "win/CCM/Logs/WUAHandler.log",
            "win/CCM/Logs/ScanAgent.lo_",
            "win/CCM/Logs/notes.txt",
            "win/Logs/CBS/CBS.log",
            "win/Logs/CBS/CbsPersist_20240531.cab",
            "win/Logs/WindowsUpdate/WindowsUpdate.20240531.1.etl",
            "win/SoftwareDistribution/reportingevents.LOG",
            "win/System32/winevt/Logs/System.evtx",
            "win/System32/winevt/Logs/Application.evtx",
            "drive/$WINDOWS.~BT/Sources/Panther/setupact.log",
            "pf/Update Services/LogFiles/SoftwareDistribution.log",
        ];
        for f in files {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        let at = |dir: &str, label: &str| Folder { path: root.join(dir), label: label.into() };
        let roots = Roots { windows: at("win", "C/Windows"), system_drive: at("drive", "C"), program_files: at("pf", "C/Program Files"), ccm_logs: None };
        let names: Vec<String> = find(&roots).into_iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "C/Windows/CCM/Logs/ScanAgent.lo_",
                "C/Windows/CCM/Logs/WUAHandler.log",
                "C/Windows/Logs/WindowsUpdate/WindowsUpdate.20240531.1.etl",
                "C/Windows/SoftwareDistribution/reportingevents.LOG",
                "C/Windows/Logs/CBS/CBS.log",
                "C/$WINDOWS.~BT/Sources/Panther/setupact.log",
                "C/Windows/System32/winevt/Logs/System.evtx",
                "C/Program Files/Update Services/LogFiles/SoftwareDistribution.log",
            ]
        );
        // The registry may move the client's logs.
        let moved = Roots { ccm_logs: Some(at("win/Logs/CBS", "D/CCMLogs")), ..roots };
        assert!(find(&moved).iter().any(|f| f.name == "D/CCMLogs/CBS.log"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
