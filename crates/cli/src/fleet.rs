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

/// `name/...` for every file and folder under `dir` (folders end with `/`), for the bundle rule.
fn walk(dir: &Path, name: &str, out: &mut Vec<String>) -> Result<(), String> {
    out.push(format!("{name}/"));
    let mut children: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read folder {}: {e}", dir.display()))?.flatten().map(|c| c.path()).collect();
    children.sort();
    for c in children {
        let child = format!("{name}/{}", name_of(&c));
        if c.is_dir() {
            walk(&c, &child, out)?;
        } else {
            out.push(child);
        }
    }
    Ok(())
}

/// The bundles under `paths`, by the rule in `wulens_core::bundles` (the web page's too): a zip
/// is one machine; a folder holding zips or folders and no log files of its own is a folder of
/// machines; any other folder (or a single file) is one machine.
pub fn bundles(paths: &[PathBuf]) -> Result<Vec<Bundle>, String> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let name = name_of(p);
        let mut listed = Vec::new();
        if meta.is_dir() {
            walk(p, &name, &mut listed)?;
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
    Ok(out)
}

/// One bundle's row: its report reduced to the fleet columns, or why it could not be read.
pub fn analyse(bundle: &Bundle) -> MachineRow {
    let name = bundle.path.display().to_string();
    match crate::files::read_inputs(std::slice::from_ref(&bundle.path), crate::files::Reading::Copy) {
        Ok(inputs) => MachineRow::from_inputs(&bundle.machine, &name, inputs),
        Err(e) => MachineRow::unreadable(&bundle.machine, &name, &e),
    }
}

pub fn run(paths: &[PathBuf], format: FleetFormat, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let bundles = match bundles(paths) {
        Ok(b) if b.is_empty() => {
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
    match format {
        FleetFormat::Text => out.write_all(FleetSummary::of(&rows).text().as_bytes())?,
        FleetFormat::Ndjson => out.write_all(wulens_core::fleet_ndjson(&rows).as_bytes())?,
        FleetFormat::Csv => out.write_all(wulens_core::fleet_csv(&rows).as_bytes())?,
        FleetFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &FleetSummary::of(&rows)).map_err(std::io::Error::other)?;
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
        let b = bundles(&[root.join("fleet"), root.join("PC-03")]).unwrap();
        let names: Vec<&str> = b.iter().map(|b| b.machine.as_str()).collect();
        assert_eq!(names, ["PC-01", "PC-02", "PC-03"]);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
