//! What a bundle is: which files of a drop belong to which machine. One rule for `wulens fleet`
//! and the web page, over paths only (no I/O), so both split a drop the same way.
//!
//! The paths are relative and `/`-separated, as a drop or a folder walk gives them
//! (`fleet/PC-001.zip`, `fleet/PC-002/CCM/Logs/WUAHandler.log`); a path ending in `/` names a
//! folder (the CLI lists folders that way, empty ones included). A zip whose members are listed
//! as paths under it (`fleet.zip/fleet/PC-001.zip`) is read like a folder: a zip of bundles.
//!
//! The rule, for each item given (each path's first segment):
//! - a zip or a cab is one machine; a folder holding log files of its own is one machine;
//! - a folder laid out as a diagnostics collection is one machine, whatever it holds: Intune's
//!   Collect diagnostics (the DiagnosticLog CSP's archive: `results.xml` beside one folder per
//!   directive, `1`, `2`, ..., or, flattened, `(1) RegistryKey ...`, `(63) FoldersFiles ...`);
//! - a folder holding zips or folders and no log files of its own (notes such as `README`,
//!   `*.csv`, `*.md` and dot files aside) is a folder of machines, one per zip or folder; a
//!   folder that only wraps one such folder of machines is read through;
//! - log files given loose, beside anything else, make the whole drop one machine.

use std::collections::BTreeMap;

/// One machine's bundle in a drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The machine's name: the bundle's file or folder name, without `.zip` (for the names
    /// collectors give their bundles, the computer's name: see [`stem`]).
    pub machine: String,
    /// The bundle's path in the drop: a zip (`fleet/PC-001.zip`), a folder (`fleet/PC-002`),
    /// or, for a drop of loose files, its one item (or empty when there are several).
    pub path: String,
    /// Indices of the given paths (files, not folder markers) that belong to this machine.
    pub files: Vec<usize>,
}

#[derive(Default)]
struct Node {
    /// The path of this node in the drop (no trailing `/`).
    path: String,
    /// The index of the given path when this node is a file.
    file: Option<usize>,
    /// Named as a folder (a path went through it, or ended at it with `/`).
    folder: bool,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    fn is_archive(&self) -> bool {
        is_archive_name(self.name())
    }

    /// A zip, a cab or a folder: something that can be one machine's bundle.
    fn is_bundle(&self) -> bool {
        self.folder || self.is_archive()
    }

    /// Laid out as the DiagnosticLog CSP's archive (Intune's Collect diagnostics): its
    /// `results.xml` maps each directive to a folder numbered in order (`1`, `2`, ...), or, in
    /// the flattened layout, to entries named `(N) <directive> <what>` (files, or folders where
    /// a directive collected several files). One machine's collection, never a fleet: its
    /// folders each hold an `export.reg` or an `output.log`.
    fn is_collection(&self) -> bool {
        let numbered = |c: &Node| {
            let n = c.name();
            (c.folder && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) || directive_index(n).is_some()
        };
        let results = self.children.values().any(|c| !c.folder && c.name().eq_ignore_ascii_case("results.xml"));
        let count = self.children.values().filter(|c| numbered(c)).count();
        count >= 2 && (results || self.children.values().filter(|c| directive_index(c.name()).is_some()).count() >= 2)
    }

    /// A file that is neither a bundle nor a note: a log of the folder itself.
    fn is_loose_log(&self) -> bool {
        !self.is_bundle() && !is_note(self.name())
    }

    fn files(&self, out: &mut Vec<usize>) {
        out.extend(self.file);
        for c in self.children.values() {
            c.files(out);
        }
    }

    fn bundle(&self) -> Bundle {
        let mut files = Vec::new();
        self.files(&mut files);
        files.sort_unstable();
        Bundle { machine: stem(self.name()), path: self.path.clone(), files }
    }

    /// The machines of a folder (or of a listed zip).
    fn machines<'a>(&'a self, out: &mut Vec<&'a Node>) {
        let kids: Vec<&Node> = self.children.values().filter(|c| c.is_bundle()).collect();
        if kids.is_empty() || self.children.values().any(Node::is_loose_log) || self.is_collection() {
            out.push(self);
            return;
        }
        if let [only] = kids.as_slice() {
            if only.folder {
                let mut inner = Vec::new();
                only.machines(&mut inner);
                if inner.len() >= 2 {
                    out.extend(inner);
                    return;
                }
            }
        }
        out.extend(kids);
    }
}

/// `name.zip` (any case).
pub fn is_zip_name(name: &str) -> bool {
    has_extension(name, ".zip")
}

/// `name.zip` or `name.cab` (any case): an archive wulens expands, one machine's bundle.
pub fn is_archive_name(name: &str) -> bool {
    has_extension(name, ".zip") || has_extension(name, ".cab")
}

fn has_extension(name: &str, ext: &str) -> bool {
    name.len() > ext.len() && name.get(name.len() - ext.len()..).is_some_and(|x| x.eq_ignore_ascii_case(ext))
}

/// `(63) FoldersFiles windows_logs_WindowsUpdate` → 63: the number the flattened DiagnosticLog
/// CSP archive puts before each directive's output (`RegistryKey`, `Command`, `Events`,
/// `FoldersFiles`, or `No Results - Error [0x...]` where one failed).
pub fn directive_index(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('(')?;
    let (n, rest) = rest.split_once(") ")?;
    let kinds = ["RegistryKey", "Command", "Events", "FoldersFiles", "No Results"];
    (!n.is_empty() && n.len() <= 4 && kinds.iter().any(|k| rest.starts_with(k))).then(|| n.parse().ok()).flatten()
}

/// Notes a fleet folder may hold beside its bundles: not a machine, not a log of the folder.
pub fn is_note(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("readme") || name.starts_with('.') || name.ends_with(".csv") || name.ends_with(".md")
}

/// A bundle's machine name: its name without `.zip` (or `.cab`); for the names collectors give
/// their bundles, the computer's name: `wulens-<COMPUTERNAME>-<yyyy-MM-dd>.zip` (the collect
/// commands) and `DiagLogs-<COMPUTERNAME>-<yyyyMMddTHHmmssZ>.zip` (Intune's Collect
/// diagnostics, as the DiagnosticLog CSP names its archive), also once unzipped to a folder.
pub fn stem(name: &str) -> String {
    let s = match name.rsplit_once('.') {
        Some((s, x)) if (x.eq_ignore_ascii_case("zip") || x.eq_ignore_ascii_case("cab")) && !s.is_empty() => s,
        _ => name,
    };
    collected_computer(s).or_else(|| diaglogs_computer(s)).unwrap_or(s).to_string()
}

/// `DiagLogs-PC-001-20261125T101500Z` → `PC-001`.
fn diaglogs_computer(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("DiagLogs-")?;
    let (computer, stamp) = rest.split_at_checked(rest.len().checked_sub(17)?)?;
    let stamp = stamp.strip_prefix('-')?.as_bytes();
    let shape = stamp.len() == 16
        && stamp.iter().enumerate().all(|(i, c)| match i {
            8 => *c == b'T',
            15 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    (shape && !computer.is_empty()).then_some(computer)
}

/// `wulens-PC-001-2026-11-25` → `PC-001`: the name the collect commands give a bundle.
fn collected_computer(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("wulens-")?;
    let (computer, date) = rest.split_at_checked(rest.len().checked_sub(11)?)?;
    let date = date.strip_prefix('-')?.as_bytes();
    let shape = date.len() == 10 && date.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    (shape && !computer.is_empty()).then_some(computer)
}

fn tree(paths: &[impl AsRef<str>]) -> Node {
    let mut root = Node { folder: true, ..Node::default() };
    for (i, p) in paths.iter().enumerate() {
        let p = p.as_ref().replace('\\', "/");
        let marker = p.ends_with('/');
        let segs: Vec<&str> = p.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
        let mut node = &mut root;
        for (n, seg) in segs.iter().enumerate() {
            let path = if node.path.is_empty() { seg.to_string() } else { format!("{}/{seg}", node.path) };
            node = node.children.entry(seg.to_string()).or_insert_with(|| Node { path, ..Node::default() });
            if n + 1 < segs.len() || marker {
                node.folder = true;
            } else {
                node.file = Some(i);
            }
        }
    }
    root
}

/// The machines of a drop, in path order (see the module's rule). Never empty when `paths` is
/// not: a drop that is no fleet is one machine holding every file.
pub fn bundles(paths: &[impl AsRef<str>]) -> Vec<Bundle> {
    let root = tree(paths);
    if root.children.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<&Node> = Vec::new();
    if !root.children.values().any(Node::is_loose_log) {
        for item in root.children.values() {
            if item.folder {
                item.machines(&mut found);
            } else if item.is_archive() {
                found.push(item);
            }
        }
    }
    if found.is_empty() {
        let mut whole = root.bundle();
        let only = (root.children.len() == 1).then(|| root.children.values().next()).flatten();
        whole.path = only.map(|n| n.path.clone()).unwrap_or_default();
        whole.machine = only.map(|n| stem(n.name())).unwrap_or_else(|| "dropped files".into());
        return vec![whole];
    }
    found.iter().map(|n| n.bundle()).collect()
}

/// Whether `bundles` (of `paths`) are several machines, not one machine's logs in several
/// folders: two or more bundles, and an archive among them or a log name that two of them share
/// (`CCMLogs/` and `WindowsUpdate/` dropped together are one machine; `PC-1/` and `PC-2/` both
/// holding `WUAHandler.log` are two).
pub fn is_fleet(bundles: &[Bundle], paths: &[impl AsRef<str>]) -> bool {
    if bundles.len() < 2 {
        return false;
    }
    if bundles.iter().any(|b| is_archive_name(&b.path)) {
        return true;
    }
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    for (n, b) in bundles.iter().enumerate() {
        for &i in &b.files {
            let name = paths[i].as_ref().rsplit(['/', '\\']).next().unwrap_or_default().to_ascii_lowercase();
            if is_note(&name) {
                continue;
            }
            match owner.insert(name, n) {
                Some(other) if other != n => return true,
                _ => {}
            }
        }
    }
    false
}

/// A zip member's name as a path: `/`-separated, no leading `/`.
fn member_path(name: &str) -> String {
    name.replace('\\', "/").trim_start_matches('/').to_string()
}

/// The file members of a zip whose directory was read (folders left out), as paths inside it:
/// what the drop plan splits (`plan.rs`).
pub fn zip_listing<R: std::io::Read + std::io::Seek>(archive: &zip::ZipArchive<R>) -> Vec<String> {
    archive.file_names().filter(|n| !n.ends_with('/') && !n.ends_with('\\')).map(member_path).collect()
}

/// One machine of a zip of bundles: each file member at or under `inner` (a member zip, or a
/// folder; empty: every member) handed to `each` with its bytes, one at a time, in the zip's
/// order, within `budget` expanded bytes; what cannot be read goes to `warn`. Members are picked
/// by name from the directory already read: no other member is read, so a fleet's zip costs
/// what its machines' members cost, once its directory is read once.
pub fn zip_members<R: std::io::Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    inner: &str,
    budget: u64,
    each: &mut dyn FnMut(&str, Vec<u8>),
    warn: &mut dyn FnMut(&str, String),
) {
    use std::io::Read;
    let inner = member_path(inner).trim_end_matches('/').to_string();
    let wanted = |name: &str| inner.is_empty() || name == inner || name.strip_prefix(inner.as_str()).is_some_and(|r| r.starts_with('/'));
    let picked: Vec<usize> = (0..archive.len()).filter(|&i| archive.name_for_index(i).is_some_and(|n| wanted(&member_path(n)))).collect();
    let mut left = budget;
    for i in picked {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                warn(&format!("#{i}"), format!("a member of the zip cannot be read ({e}); skipped"));
                continue;
            }
        };
        let name = member_path(entry.name());
        if entry.is_dir() {
            continue;
        }
        if entry.encrypted() {
            warn(&name, "is encrypted in the zip; skipped (wulens does not ask for zip passwords)".into());
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size().min(left).min(64 << 20) as usize);
        match (&mut entry).take(left + 1).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 > left => {
                warn(&name, "expands beyond the limit for one machine (a zip bomb, or simply too big); this file and the rest were skipped".into());
                return;
            }
            Ok(_) => {
                left -= bytes.len() as u64;
                drop(entry);
                each(&name, bytes);
            }
            Err(e) => warn(&name, format!("cannot be decompressed ({e}); skipped")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(paths: &[&str]) -> Vec<String> {
        bundles(paths).into_iter().map(|b| b.machine).collect()
    }

    #[test]
    fn a_folder_of_zips_and_folders_is_a_machine_each_and_notes_belong_to_none() {
        let paths = ["fleet/PC-001.zip", "fleet/PC-002/CCM/Logs/WUAHandler.log", "fleet/PC-002/WindowsUpdate.log", "fleet/README.txt", "fleet/fleet.csv"];
        let b = bundles(&paths);
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].machine.as_str(), b[0].path.as_str(), b[0].files.as_slice()), ("PC-001", "fleet/PC-001.zip", &[0][..]));
        assert_eq!((b[1].machine.as_str(), b[1].path.as_str(), b[1].files.as_slice()), ("PC-002", "fleet/PC-002", &[1, 2][..]));
        assert!(is_fleet(&b, &paths));
    }

    #[test]
    fn a_folder_with_logs_of_its_own_is_one_machine() {
        let paths = ["CCMLogs/WUAHandler.log", "CCMLogs/ScanAgent.log", "CCMLogs/old/ScanAgent-20240101.log"];
        let b = bundles(&paths);
        assert_eq!(b, vec![Bundle { machine: "CCMLogs".into(), path: "CCMLogs".into(), files: vec![0, 1, 2] }]);
        assert!(!is_fleet(&b, &paths));
    }

    #[test]
    fn loose_logs_make_the_drop_one_machine_even_beside_zips() {
        let paths = ["WUAHandler.log", "bundle.zip", "ScanAgent.log"];
        let b = bundles(&paths);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].files, vec![0, 1, 2]);
        assert_eq!(b[0].machine, "dropped files");
        assert_eq!(names(&["WindowsUpdate.log"]), ["WindowsUpdate.log"]);
    }

    #[test]
    fn several_zips_are_several_machines() {
        let paths = ["PC-1.zip", "PC-2.ZIP", "notes.md"];
        assert_eq!(names(&paths), ["PC-1", "PC-2"]);
        assert!(is_fleet(&bundles(&paths), &paths));
        // One zip alone is one machine, as is a lone note.
        assert_eq!(names(&["PC-1.zip"]), ["PC-1"]);
        assert_eq!(names(&["README.md"]), ["README.md"]);
        assert!(bundles(&[] as &[&str]).is_empty());
    }

    #[test]
    fn a_zip_of_zips_listed_is_a_fleet_through_its_wrapping_folder() {
        let paths = ["fleet.zip/fleet/PC-0001.zip", "fleet.zip/fleet/PC-0002.zip", "fleet.zip/fleet/fleet.csv"];
        let b = bundles(&paths);
        assert_eq!(b.iter().map(|b| b.path.as_str()).collect::<Vec<_>>(), ["fleet.zip/fleet/PC-0001.zip", "fleet.zip/fleet/PC-0002.zip"]);
        assert!(is_fleet(&b, &paths));
        // Top folders inside a zip are machines too.
        let paths = ["all.zip/PC-A/WUAHandler.log", "all.zip/PC-B/WUAHandler.log"];
        let b = bundles(&paths);
        assert_eq!(names(&paths), ["PC-A", "PC-B"]);
        assert!(is_fleet(&b, &paths));
        // One machine's collected zip: its folders share no log, logs of its own.
        let paths = ["collect.zip/CCMLogs/WUAHandler.log", "collect.zip/WindowsUpdate/WindowsUpdate.20240101.etl", "collect.zip/CBS.log"];
        assert_eq!(names(&paths), ["collect"]);
    }

    #[test]
    fn one_machines_folders_dropped_together_are_not_a_fleet() {
        let paths = ["CCMLogs/WUAHandler.log", "CCMLogs/ScanAgent.log", "WindowsUpdate/WindowsUpdate.20240101.etl"];
        let b = bundles(&paths);
        assert_eq!(b.len(), 2, "the rule sees two folders");
        assert!(!is_fleet(&b, &paths), "no log repeats: one machine's parts");
        let paths = ["PC-1/WUAHandler.log", "PC-2/WUAHandler.log"];
        assert!(is_fleet(&bundles(&paths), &paths));
    }

    #[test]
    fn a_wrapper_folder_is_read_through_only_when_it_holds_a_fleet() {
        // `collected/fleet/{zips}`: the wrapped fleet.
        assert_eq!(names(&["collected/fleet/a.zip", "collected/fleet/b.zip"]), ["a", "b"]);
        // `CCM/Logs/*.log`: one machine, the folder that holds the logs (as before).
        assert_eq!(names(&["CCM/Logs/WUAHandler.log", "CCM/Logs/ScanAgent.log"]), ["Logs"]);
        assert_eq!(names(&["parent/PC-01.zip", "parent/notes.md"]), ["PC-01"]);
        // Folder markers: an empty folder is a bundle too.
        assert_eq!(names(&["fleet/", "fleet/PC-1/", "fleet/PC-2.zip"]), ["PC-1", "PC-2"]);
    }

    #[test]
    fn a_collected_zip_names_its_computer() {
        assert_eq!(names(&["wulens-PC-001-2026-11-25.zip", "wulens-SRV2-2026-11-24.zip"]), ["PC-001", "SRV2"]);
        // Anything else keeps its name.
        assert_eq!(stem("wulens-collect.zip"), "wulens-collect");
        assert_eq!(stem("wulens-2026-11-25.zip"), "wulens-2026-11-25");
        assert_eq!(stem("PC-9-2026-11-25.zip"), "PC-9-2026-11-25");
    }

    #[test]
    fn a_diagnostics_collection_is_one_machine_named_for_its_computer() {
        // Intune's Collect diagnostics, unzipped: the legacy layout (results.xml, a folder per
        // directive) and the flattened one, here with only folders (each directive collected
        // several files), where no log of its own marks the folder as one machine.
        let legacy =
            ["DiagLogs-PC-1-20261120T101500Z/1/export.reg", "DiagLogs-PC-1-20261120T101500Z/2/export.reg", "DiagLogs-PC-1-20261120T101500Z/results.xml"];
        assert_eq!(names(&legacy), ["PC-1"]);
        let flat = |pc: &str| {
            [
                "(63) FoldersFiles windows_logs_WindowsUpdate/WindowsUpdate.20261120.101500.001.etl",
                "(64) FoldersFiles ProgramData_Microsoft_IntuneManagementExtension_Logs/IntuneManagementExtension.log",
                "(65) FoldersFiles windir_ccm_logs/WUAHandler.log",
            ]
            .map(|m| format!("collected/DiagLogs-{pc}-20261120T101500Z/{m}"))
        };
        let one = flat("PC-2");
        assert_eq!(bundles(&one).into_iter().map(|b| b.machine).collect::<Vec<_>>(), ["PC-2"]);
        let two: Vec<String> = flat("PC-2").into_iter().chain(flat("PC-3")).collect();
        let b = bundles(&two);
        assert_eq!(b.iter().map(|b| b.machine.as_str()).collect::<Vec<_>>(), ["PC-2", "PC-3"]);
        assert!(is_fleet(&b, &two));
        // Their zips, and cabs (MDMDiagnosticsTool's), are machines too.
        let archives = ["DiagLogs-PC-4-20261120T101500Z.zip", "MDMDiag-PC-5.cab"];
        assert_eq!(names(&archives), ["PC-4", "MDMDiag-PC-5"]);
        assert!(is_fleet(&bundles(&archives), &archives));
        assert_eq!(directive_index("(1) No Results - Error [0x80070002] RegistryKey HKLM_SOFTWARE_Microsoft_CloudManagedUpdate"), Some(1));
        assert_eq!(directive_index("(1) notes.txt"), None);
        assert_eq!(stem("DiagLogs-PC-1-20261120T1015Z.zip"), "DiagLogs-PC-1-20261120T1015Z");
    }

    #[test]
    fn a_machine_is_read_out_of_a_zip_of_bundles_by_name_alone() {
        use std::io::{Cursor, Read, Seek, SeekFrom, Write};
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in
            [("fleet/PC-1.zip", &b"PK.."[..]), ("fleet/PC-2/", b""), ("fleet/PC-2/a.log", b"a"), ("fleet/PC-2/b.log", b"b"), ("fleet/PC-22/c.log", b"c")]
        {
            if name.ends_with('/') {
                w.add_directory(name, zip::write::SimpleFileOptions::default()).unwrap();
            } else {
                w.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
                w.write_all(bytes).unwrap();
            }
        }
        let z = w.finish().unwrap().into_inner();
        // Counts the bytes read past the directory: only the wanted members' are.
        struct Counted<R>(R, std::rc::Rc<std::cell::Cell<u64>>);
        impl<R: Read> Read for Counted<R> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.read(buf)?;
                self.1.set(self.1.get() + n as u64);
                Ok(n)
            }
        }
        impl<R: Seek> Seek for Counted<R> {
            fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
                self.0.seek(to)
            }
        }
        let count = std::rc::Rc::new(std::cell::Cell::new(0));
        let mut archive = zip::ZipArchive::new(Counted(Cursor::new(&z), count.clone())).unwrap();
        assert_eq!(zip_listing(&archive), ["fleet/PC-1.zip", "fleet/PC-2/a.log", "fleet/PC-2/b.log", "fleet/PC-22/c.log"]);
        let directory = count.get();
        let mut got = Vec::new();
        zip_members(&mut archive, "fleet/PC-2/", 1 << 20, &mut |n, b| got.push((n.to_string(), b)), &mut |_, m| panic!("{m}"));
        assert_eq!(got, [("fleet/PC-2/a.log".to_string(), b"a".to_vec()), ("fleet/PC-2/b.log".to_string(), b"b".to_vec())]);
        let read = count.get() - directory;
        assert!(read < 200, "two members of one byte each, and their headers: {read} bytes read");
        let mut archive = zip::ZipArchive::new(Cursor::new(&z)).unwrap();
        let (mut n, mut warned) = (0, Vec::new());
        zip_members(&mut archive, "", 2, &mut |_, _| n += 1, &mut |name, m| warned.push(format!("{name}: {m}")));
        assert_eq!(n, 0, "the first member is over the budget");
        assert!(warned[0].contains("beyond the limit"), "{warned:?}");
    }
}
