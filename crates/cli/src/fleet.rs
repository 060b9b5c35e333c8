//! `wulens fleet`: many machines' bundles at once, grouped by root cause.
//!
//! A bundle is a zip or a folder holding one machine's logs; what is which is core's drop plan
//! (`wulens_core::input::plan`, the page's too), and a zip of bundles is read in place, its directory
//! once, each machine's members out of it. Bundles are analysed on all cores;
//! each bundle's text is dropped as soon as its row is built, so memory follows the largest
//! bundle times the number of cores, not the fleet. Ctrl+C stops handing out bundles and prints
//! what is done.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::ValueEnum;
use wulens_core::fleet::{FleetSummary, MachineRow};
use wulens_core::input::plan::{self, Plan, Source, Step};

#[derive(Clone, Copy, ValueEnum)]
pub enum FleetFormat {
    /// Machines grouped by root cause.
    Text,
    /// One JSON object per machine and line (the `MachineRow` schema).
    Ndjson,
    /// The same columns as CSV, with a header row.
    Csv,
    /// The summary as one JSON object: the groups with what their machines share and when their
    /// failures began, the machines with no failure, the unreadable bundles.
    Json,
}

/// Where one machine's logs are.
#[derive(Debug, Clone, PartialEq)]
pub enum Logs {
    /// Files on disk, each with its name for the analysis (its path from the bundle's folder).
    Files(Vec<(PathBuf, String)>),
    /// The members at or under `inner` of the zip of bundles `zip` (an index into [`Drop::zips`]).
    Member { zip: usize, inner: String },
}

/// One machine's logs.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub machine: String,
    /// Where it was read, for the row: a path, or a zip's path and the member inside it.
    pub path: String,
    pub logs: Logs,
}

/// A zip of bundles, its directory read once, shared by every machine read out of it (each
/// task reads through a clone of it: the directory is not read again).
pub type Zip = zip::ZipArchive<std::io::Cursor<wulens_core::input::Bytes>>;

/// What `wulens fleet` was given, planned by core's drop plan (`wulens_core::input::plan`, the web
/// page's too): the machines, the Windows Update for Business reports exports set apart, and the
/// zips of bundles they are read out of.
pub struct Drop {
    pub bundles: Vec<Bundle>,
    pub exports: Vec<Export>,
    pub zips: Vec<Zip>,
}

/// An export: a file, or a member of a zip of bundles (an index into [`Drop::zips`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Export {
    File(PathBuf),
    Member { zip: usize, inner: String },
}

/// A path's name as given.
fn name_of(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

/// `name/...` for every file and folder under `dir` (folders end with `/`), with where each is on
/// disk and its size, for the drop plan.
fn walk(dir: &Path, name: &str, out: &mut Vec<(String, PathBuf, u64)>) -> Result<(), String> {
    out.push((format!("{name}/"), dir.to_path_buf(), 0));
    let mut children: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read folder {}: {e}", dir.display()))?.flatten().map(|c| c.path()).collect();
    children.sort();
    for c in children {
        let child = format!("{name}/{}", name_of(&c));
        let meta = std::fs::metadata(&c).map_err(|e| format!("cannot read {}: {e}", c.display()))?;
        if meta.is_dir() {
            walk(&c, &child, out)?;
        } else {
            out.push((child, c, meta.len()));
        }
    }
    Ok(())
}

/// A file's first bytes, as many as tell an export (`wulens_core::input::plan::HEAD_BYTES`); none when it
/// cannot be read (its reading says why later).
fn head(p: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::new();
    let _ = std::fs::File::open(p).and_then(|f| f.take(plan::HEAD_BYTES as u64).read_to_end(&mut head));
    head
}

/// A member's first bytes.
fn member_head(zip: &mut Zip, inner: &str) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::new();
    if let Some(i) = zip.index_for_name(inner) {
        if let Ok(entry) = zip.by_index(i) {
            let _ = entry.take(plan::HEAD_BYTES as u64).read_to_end(&mut head);
        }
    }
    head
}

/// A zip's directory, read once (the file mapped when big, never read whole for that).
fn open_zip(p: &Path) -> Result<Zip, String> {
    let input = crate::files::read_inputs(std::slice::from_ref(&p.to_path_buf()), crate::files::Reading::MapBig)?.pop().ok_or("no file")?;
    zip::ZipArchive::new(std::io::Cursor::new(input.bytes)).map_err(|e| e.to_string())
}

/// `dir/rest` for the drop path `rest` under the given path `top` (its first segment).
fn on_disk(given: &[(String, PathBuf)], path: &str) -> PathBuf {
    let (top, rest) = path.split_once('/').unwrap_or((path, ""));
    match given.iter().find(|(n, _)| n == top) {
        Some((_, p)) if rest.is_empty() => p.clone(),
        Some((_, p)) => p.join(rest),
        None => PathBuf::from(path),
    }
}

/// A file's name for the analysis: its path from the folder that holds its bundle.
fn from_bundle(bundle: &str, path: &str) -> String {
    let parent = bundle.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    if parent.is_empty() {
        return path.to_string();
    }
    path.strip_prefix(parent).and_then(|r| r.strip_prefix('/')).unwrap_or(path).to_string()
}

/// What `paths` hold, by core's drop plan (the web page's too): a folder or a zip of bundles
/// (zips or folders, one per machine) is many machines; a folder of logs one; Windows Update for
/// Business reports exports, given as paths or beside the bundles, are no machine: they are
/// returned apart. A report saved by wulens is no logs: an error says so.
pub fn bundles(paths: &[PathBuf]) -> Result<Drop, String> {
    let mut items: Vec<(String, PathBuf, u64)> = Vec::new();
    let mut given: Vec<(String, PathBuf)> = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let name = name_of(p);
        given.push((name.clone(), p.clone()));
        if meta.is_dir() {
            walk(p, &name, &mut items)?;
        } else {
            items.push((name, p.clone(), meta.len()));
        }
    }
    let mut d = plan::Dropped { as_fleet: true, ..plan::Dropped::new(items.iter().map(|(n, _, size)| (n.clone(), *size))) };
    let mut opened: std::collections::BTreeMap<usize, Zip> = std::collections::BTreeMap::new();
    let planned = loop {
        match plan::plan(&d) {
            Step::Ready(p) => break p,
            Step::Need(need) => {
                for z in need.listings {
                    let listed = open_zip(&items[z].1).map(|a| {
                        let l = wulens_core::input::bundles::zip_listing(&a);
                        opened.insert(z, a);
                        l
                    });
                    d.listings.insert(z, listed);
                }
                for h in need.heads {
                    let bytes = match (&h.member, opened.get_mut(&h.item)) {
                        (Some(m), Some(a)) => member_head(a, m),
                        _ => head(&items[h.item].1),
                    };
                    d.heads.insert(h.key(&d), bytes);
                }
            }
        }
    };
    let files = |bundle: &str, idx: &[usize]| Logs::Files(idx.iter().map(|&i| (items[i].1.clone(), from_bundle(bundle, &items[i].0))).collect());
    let shown = |bundle: &str| match bundle {
        "" => given.iter().map(|(_, p)| p.display().to_string()).collect::<Vec<_>>().join(", "),
        b => on_disk(&given, b).display().to_string(),
    };
    let machine = |m: plan::Machine, zips: &[usize]| {
        let logs = match &m.source {
            Source::Files(idx) => files(&m.bundle, idx),
            Source::Member { item, inner } => Logs::Member { zip: zips.iter().position(|z| z == item).unwrap_or(0), inner: inner.clone() },
        };
        let path = match &m.source {
            Source::Files(_) => shown(&m.bundle),
            Source::Member { item, inner } => format!("{}/{inner}", items[*item].1.display()),
        };
        Bundle { machine: m.name, path, logs }
    };
    match planned {
        Plan::Empty => Ok(Drop { bundles: Vec::new(), exports: Vec::new(), zips: Vec::new() }),
        Plan::Saved(i) => Err(format!("{} is a report saved by wulens, not logs: open it in the page (wulens serve)", items[i].1.display())),
        Plan::Machine(m) => Ok(Drop { bundles: vec![machine(m, &[])], exports: Vec::new(), zips: Vec::new() }),
        Plan::Fleet(f) => {
            let order: Vec<usize> = f.zip.into_iter().collect();
            let exports = f
                .exports
                .iter()
                .map(|h| match &h.member {
                    Some(m) => Export::Member { zip: 0, inner: m.clone() },
                    None => Export::File(items[h.item].1.clone()),
                })
                .collect();
            let bundles = f.machines.into_iter().map(|m| machine(m, &order)).collect();
            let zips = order.iter().filter_map(|z| opened.remove(z)).collect();
            Ok(Drop { bundles, exports, zips })
        }
    }
}

/// The exports read (each file once), and the files that could not be, with why; `given` are the
/// `--wufb` files, which must be exports.
fn read_exports(found: &[Export], zips: &[Zip], given: &[PathBuf]) -> (Vec<wulens_core::wufb::Export>, Vec<(String, String)>) {
    let (mut exports, mut problems) = (Vec::new(), Vec::new());
    let mut seen: Vec<PathBuf> = Vec::new();
    let files = given.iter().cloned().map(Export::File).chain(found.iter().cloned());
    for x in files {
        let (name, read) = match &x {
            Export::File(p) => {
                let key = p.canonicalize().unwrap_or_else(|_| p.clone());
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                (name_of(p), std::fs::read(p).map_err(|e| e.to_string()))
            }
            Export::Member { zip, inner } => {
                let (mut got, mut why) = (None, None);
                if let Some(z) = zips.get(*zip) {
                    wulens_core::input::bundles::zip_members(&mut z.clone(), inner, 1 << 30, &mut |_, b| got = Some(b), &mut |_, w| why = Some(w));
                }
                (wulens_core::model::base_name(inner).to_string(), got.ok_or_else(|| why.unwrap_or_else(|| format!("no member {inner} in the zip"))))
            }
        };
        match read {
            Err(e) => problems.push((name.clone(), format!("{name}: cannot read it: {e}"))),
            Ok(bytes) => match wulens_core::wufb::read(&name, &bytes) {
                Ok(Some(x)) => exports.push(x),
                Ok(None) => problems.push((name.clone(), wulens_core::wufb::WufbSection::not_an_export(&name))),
                Err(e) => problems.push((name, e)),
            },
        }
    }
    (exports, problems)
}

/// One bundle's row: its report reduced to the fleet columns, or why it could not be read. A
/// machine inside a zip of bundles is read out of it through `zips` (its directory read once),
/// its files named as they are in the zip's folder, as the same bundle unzipped would name them.
pub fn analyse(bundle: &Bundle, zips: &[Zip]) -> MachineRow {
    let mut inputs = Vec::new();
    let mut warnings = Vec::new();
    match &bundle.logs {
        Logs::Files(files) => {
            for (p, name) in files {
                match std::fs::read(p) {
                    Ok(bytes) => inputs.push(wulens_core::Input { name: name.clone(), bytes: bytes.into() }),
                    Err(e) => return MachineRow::unreadable(&bundle.machine, &bundle.path, &format!("cannot read {}: {e}", p.display())),
                }
            }
        }
        Logs::Member { zip, inner } => {
            let Some(z) = zips.get(*zip) else { return MachineRow::unreadable(&bundle.machine, &bundle.path, "its zip could not be opened") };
            let base = inner.trim_end_matches('/');
            let parent = base.rsplit_once('/').map(|(d, _)| d.len() + 1).unwrap_or(0);
            let limit = wulens_core::Limits::default().max_expanded_bytes;
            let mut each =
                |member: &str, bytes: Vec<u8>| inputs.push(wulens_core::Input { name: member[parent.min(member.len())..].to_string(), bytes: bytes.into() });
            let mut warn = |member: &str, message: String| warnings.push(wulens_core::model::InputWarning { name: member.to_string(), message });
            wulens_core::input::bundles::zip_members(&mut z.clone(), inner, limit, &mut each, &mut warn);
        }
    }
    let mut analysis = wulens_core::Analysis::from_inputs(inputs, &wulens_core::Limits::default());
    analysis.warnings.extend(warnings);
    MachineRow::from_analysis(&bundle.machine, &bundle.path, &analysis)
}

pub fn run(paths: &[PathBuf], wufb: &[PathBuf], format: FleetFormat, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let Drop { bundles, exports: found, zips } = match bundles(paths) {
        Ok(d) if d.bundles.is_empty() && d.exports.is_empty() && wufb.is_empty() => {
            eprintln!("wulens: no bundle found: give zips or folders of logs, one per machine");
            return Ok(ExitCode::from(2));
        }
        Ok(b) => b,
        Err(e) => {
            eprintln!("wulens: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let total = bundles.len();
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // A second Ctrl+C while finishing kills the process as usual.
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} bundles {wide_bar} {per_sec} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let rows: Vec<Option<MachineRow>> = crate::files::par_map(bundles, |b| {
        if stop.load(Ordering::SeqCst) {
            return None;
        }
        let row = analyse(&b, &zips);
        bar.inc(1);
        Some(row)
    });
    bar.finish_and_clear();
    let rows: Vec<MachineRow> = rows.into_iter().flatten().collect();
    let interrupted = rows.len() < total;
    if interrupted {
        eprintln!("wulens: interrupted: {} of {total} bundles analysed; the output covers those", rows.len());
    }
    // Windows Update for Business reports beside the machines, when any were given or found.
    let joined = (!found.is_empty() || !wufb.is_empty()).then(|| {
        let (exports, problems) = read_exports(&found, &zips, wufb);
        for (_, why) in &problems {
            eprintln!("wulens: {why}");
        }
        wulens_core::wufb::WufbSection::join(&rows, &exports, problems)
    });
    match format {
        FleetFormat::Text => {
            out.write_all(FleetSummary::of(&rows).text().as_bytes())?;
            if let Some(w) = &joined {
                out.write_all(w.text().as_bytes())?;
            }
        }
        FleetFormat::Ndjson => out.write_all(wulens_core::fleet::ndjson(&rows).as_bytes())?,
        FleetFormat::Csv => out.write_all(wulens_core::fleet::csv(&rows).as_bytes())?,
        FleetFormat::Json => {
            let summary = FleetSummary::of(&rows);
            match &joined {
                None => serde_json::to_writer_pretty(&mut *out, &summary).map_err(std::io::Error::other)?,
                Some(w) => serde_json::to_writer_pretty(&mut *out, &wulens_core::wufb::FleetJson { summary: &summary, wufb: Some(w) })
                    .map_err(std::io::Error::other)?,
            }
            out.write_all(b"\n")?;
        }
    }
    Ok(if interrupted { ExitCode::from(130) } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(d: &Drop) -> Vec<&str> {
        d.bundles.iter().map(|b| b.machine.as_str()).collect()
    }

    #[test]
    fn a_folder_of_bundles_is_many_machines_a_folder_of_logs_is_one() {
        let root = std::env::temp_dir().join(format!("wulens-fleet-bundles-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("fleet/PC-02/Logs")).unwrap();
        std::fs::write(root.join("fleet/PC-01.zip"), b"PK").unwrap();
        std::fs::write(root.join("fleet/PC-02/Logs/WUAHandler.log"), b"x").unwrap();
        std::fs::write(root.join("fleet/README.txt"), b"notes").unwrap();
        std::fs::create_dir_all(root.join("PC-03")).unwrap();
        std::fs::write(root.join("PC-03/WindowsUpdate.log"), b"x").unwrap();
        let d = bundles(&[root.join("fleet"), root.join("PC-03")]).unwrap();
        assert!(d.exports.is_empty());
        // In the drop's path order, as the page lists them (`PC-03` sorts before `fleet`).
        assert_eq!(names(&d), ["PC-03", "PC-01", "PC-02"]);
        assert_eq!(d.bundles[2].logs, Logs::Files(vec![(root.join("fleet/PC-02/Logs/WUAHandler.log"), "PC-02/Logs/WUAHandler.log".into())]));
        assert_eq!(d.bundles[2].path, root.join("fleet/PC-02").display().to_string());
        // A folder of logs alone is one machine, named after it.
        let d = bundles(&[root.join("PC-03")]).unwrap();
        assert_eq!((names(&d), d.bundles[0].path.clone()), (vec!["PC-03"], root.join("PC-03").display().to_string()));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn exports_at_the_top_of_a_fleet_are_no_machine() {
        let root = std::env::temp_dir().join(format!("wulens-fleet-exports-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("PC-02/Logs")).unwrap();
        std::fs::write(root.join("PC-01.zip"), b"PK").unwrap();
        std::fs::write(root.join("PC-02/Logs/WUAHandler.log"), b"x").unwrap();
        // A JSON file at the top would make the folder one machine's logs, were it not an export.
        std::fs::write(root.join("alerts.json"), br#"[{"AlertId": "a", "AlertSubtype": "DiskFull", "DeviceName": "PC-01"}]"#).unwrap();
        std::fs::write(root.join("notes.json"), br#"{"DeviceName": "PC-01"}"#).unwrap();
        let d = bundles(std::slice::from_ref(&root)).unwrap();
        assert_eq!(d.exports, [Export::File(root.join("alerts.json"))]);
        assert_eq!(d.bundles.len(), 1, "notes.json is a loose file: the folder is one machine, as before: {:?}", d.bundles);
        std::fs::remove_file(root.join("notes.json")).unwrap();
        let d = bundles(std::slice::from_ref(&root)).unwrap();
        assert_eq!(names(&d), ["PC-01", "PC-02"]);
        // An export given as a path is one too.
        let d = bundles(&[root.join("alerts.json"), root.join("PC-02")]).unwrap();
        assert_eq!((d.bundles.len(), d.exports.clone()), (1, vec![Export::File(root.join("alerts.json"))]));
        let (x, problems) = read_exports(&d.exports, &[], &[root.join("PC-02/Logs/WUAHandler.log")]);
        assert_eq!(x.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].1.contains("WUAHandler.log: not a Windows Update for Business reports export"), "{problems:?}");
        // A saved report is no logs.
        std::fs::write(root.join("t.wulens.json"), b"{}").unwrap();
        assert!(bundles(&[root.join("t.wulens.json")]).err().is_some_and(|e| e.contains("a report saved by wulens")));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
