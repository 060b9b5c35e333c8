//! `wulens fleet`: many machines' bundles at once, grouped by root cause.
//!
//! A bundle is a zip or a folder holding one machine's logs. Bundles are analysed on all cores;
//! each bundle's text is dropped as soon as its row is built, so memory follows the largest
//! bundle times the number of cores, not the fleet. Ctrl+C stops handing out bundles and prints
//! what is done.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::ValueEnum;
use wulens_core::{FleetSummary, MachineRow};

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

/// One machine's logs.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub machine: String,
    pub path: PathBuf,
}

/// A path's name as given.
fn name_of(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

/// `name/...` for every file and folder under `dir` (folders end with `/`), for the bundle rule;
/// `skip` are files left out (the exports found at the top).
fn walk(dir: &Path, name: &str, skip: &[PathBuf], out: &mut Vec<String>) -> Result<(), String> {
    out.push(format!("{name}/"));
    let mut children: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read folder {}: {e}", dir.display()))?.flatten().map(|c| c.path()).collect();
    children.sort();
    for c in children.into_iter().filter(|c| !skip.contains(c)) {
        let child = format!("{name}/{}", name_of(&c));
        if c.is_dir() {
            walk(&c, &child, skip, out)?;
        } else {
            out.push(child);
        }
    }
    Ok(())
}

/// Whether a file's first bytes name a Windows Update for Business reports table's columns
/// (`wulens_core::wufb::looks_like`): an export, not a machine.
fn is_export(p: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    p.is_file() && std::fs::File::open(p).and_then(|f| f.take(64 * 1024).read_to_end(&mut head)).is_ok() && wulens_core::wufb::looks_like(&head)
}

/// The exports at the top of `dir`.
fn exports_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| is_export(p)).collect();
    found.sort();
    found
}

/// The bundles under `paths`, by the rule in `wulens_core::bundles` (the web page's too): a zip
/// is one machine; a folder holding zips or folders and no log files of its own is a folder of
/// machines; any other folder (or a single file) is one machine. Windows Update for Business
/// reports exports, given as paths or at the top of a folder, are no machine: they are returned
/// apart.
pub fn bundles(paths: &[PathBuf]) -> Result<(Vec<Bundle>, Vec<PathBuf>), String> {
    let mut out = Vec::new();
    let mut exports = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let name = name_of(p);
        let mut listed = Vec::new();
        if meta.is_dir() {
            let found = exports_in(p);
            walk(p, &name, &found, &mut listed)?;
            exports.extend(found);
        } else if is_export(p) {
            // An export given among the paths is read as one, never as a machine.
            exports.push(p.clone());
            continue;
        } else {
            listed.push(name.clone());
        }
        for b in wulens_core::bundles::bundles(&listed) {
            let path = match b.path.split_once('/') {
                Some((_, rest)) => p.join(rest),
                None => p.clone(),
            };
            out.push(Bundle { machine: b.machine, path });
        }
    }
    Ok((out, exports))
}

/// The exports read (each file once), and the files that could not be, with why; `given` are the
/// `--wufb` files, which must be exports.
fn read_exports(found: &[PathBuf], given: &[PathBuf]) -> (Vec<wulens_core::wufb::Export>, Vec<(String, String)>) {
    let (mut exports, mut problems) = (Vec::new(), Vec::new());
    let mut seen: Vec<PathBuf> = Vec::new();
    for p in given.iter().chain(found) {
        let key = p.canonicalize().unwrap_or_else(|_| p.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let name = name_of(p);
        match std::fs::read(p) {
            Err(e) => problems.push((name.clone(), format!("{name}: cannot read it: {e}"))),
            Ok(bytes) => match wulens_core::wufb::read(&name, &bytes) {
                Ok(Some(x)) => exports.push(x),
                Ok(None) => problems.push((name.clone(), wulens_core::WufbSection::not_an_export(&name))),
                Err(e) => problems.push((name, e)),
            },
        }
    }
    (exports, problems)
}

/// One bundle's row: its report reduced to the fleet columns, or why it could not be read.
pub fn analyse(bundle: &Bundle) -> MachineRow {
    let name = bundle.path.display().to_string();
    match crate::files::read_inputs(std::slice::from_ref(&bundle.path), crate::files::Reading::Copy) {
        Ok(inputs) => MachineRow::from_inputs(&bundle.machine, &name, inputs),
        Err(e) => MachineRow::unreadable(&bundle.machine, &name, &e),
    }
}

pub fn run(paths: &[PathBuf], wufb: &[PathBuf], format: FleetFormat, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let (bundles, found) = match bundles(paths) {
        Ok((b, x)) if b.is_empty() && x.is_empty() && wufb.is_empty() => {
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
        let row = analyse(&b);
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
        let (exports, problems) = read_exports(&found, wufb);
        for (_, why) in &problems {
            eprintln!("wulens: {why}");
        }
        wulens_core::WufbSection::join(&rows, &exports, problems)
    });
    match format {
        FleetFormat::Text => {
            out.write_all(FleetSummary::of(&rows).text().as_bytes())?;
            if let Some(w) = &joined {
                out.write_all(w.text().as_bytes())?;
            }
        }
        FleetFormat::Ndjson => out.write_all(wulens_core::fleet_ndjson(&rows).as_bytes())?,
        FleetFormat::Csv => out.write_all(wulens_core::fleet_csv(&rows).as_bytes())?,
        FleetFormat::Json => {
            let summary = FleetSummary::of(&rows);
            match &joined {
                None => serde_json::to_writer_pretty(&mut *out, &summary).map_err(std::io::Error::other)?,
                Some(w) => {
                    serde_json::to_writer_pretty(&mut *out, &wulens_core::FleetJson { summary: &summary, wufb: Some(w) }).map_err(std::io::Error::other)?
                }
            }
            out.write_all(b"\n")?;
        }
    }
    Ok(if interrupted { ExitCode::from(130) } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let (b, exports) = bundles(&[root.join("fleet"), root.join("PC-03")]).unwrap();
        assert!(exports.is_empty());
        let names: Vec<&str> = b.iter().map(|b| b.machine.as_str()).collect();
        assert_eq!(names, ["PC-01", "PC-02", "PC-03"]);
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
        let (b, exports) = bundles(std::slice::from_ref(&root)).unwrap();
        assert_eq!(exports, [root.join("alerts.json")]);
        assert_eq!(b.len(), 1, "notes.json is a loose file: the folder is one machine, as before: {b:?}");
        std::fs::remove_file(root.join("notes.json")).unwrap();
        let (b, _) = bundles(std::slice::from_ref(&root)).unwrap();
        let names: Vec<&str> = b.iter().map(|b| b.machine.as_str()).collect();
        assert_eq!(names, ["PC-01", "PC-02"]);
        // An export given as a path is one too.
        let (b, given) = bundles(&[root.join("alerts.json"), root.join("PC-02")]).unwrap();
        assert_eq!((b.len(), given), (1, vec![root.join("alerts.json")]));
        let (x, problems) = read_exports(&exports, &[root.join("PC-02/Logs/WUAHandler.log")]);
        assert_eq!(x.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].1.contains("WUAHandler.log: not a Windows Update for Business reports export"), "{problems:?}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
