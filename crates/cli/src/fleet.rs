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
use wulens_core::{FleetSummary, MachineRow, CSV_COLUMNS};

#[derive(Clone, Copy, ValueEnum)]
pub enum FleetFormat {
    /// Machines grouped by root cause.
    Text,
    /// One JSON object per machine and line (the `MachineRow` schema).
    Ndjson,
    /// The same columns as CSV, with a header row.
    Csv,
}

/// One machine's logs.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub machine: String,
    pub path: PathBuf,
}

fn is_zip(p: &Path) -> bool {
    p.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip"))
}

fn stem(p: &Path) -> String {
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string());
    match name.rsplit_once('.') {
        Some((s, x)) if x.eq_ignore_ascii_case("zip") && !s.is_empty() => s.to_string(),
        _ => name,
    }
}

/// The bundles under `paths`: a zip is one machine; a folder holding zips or folders and no log
/// files of its own is a folder of machines; any other folder (or a single file) is one machine.
pub fn bundles(paths: &[PathBuf]) -> Result<Vec<Bundle>, String> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        if !meta.is_dir() {
            out.push(Bundle { machine: stem(p), path: p.clone() });
            continue;
        }
        let mut children: Vec<PathBuf> =
            std::fs::read_dir(p).map_err(|e| format!("cannot read folder {}: {e}", p.display()))?.flatten().map(|c| c.path()).collect();
        children.sort();
        let is_bundle = |c: &PathBuf| c.is_dir() || is_zip(c);
        let loose_logs = children.iter().any(|c| c.is_file() && !is_zip(c) && !is_readme(c));
        if !loose_logs && children.iter().any(is_bundle) {
            out.extend(children.iter().filter(|c| is_bundle(c)).map(|c| Bundle { machine: stem(c), path: c.clone() }));
        } else {
            out.push(Bundle { machine: stem(p), path: p.clone() });
        }
    }
    Ok(out)
}

/// Notes a fleet folder may hold beside its bundles.
fn is_readme(p: &Path) -> bool {
    let name = p.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name.starts_with("readme") || name.starts_with('.') || name.ends_with(".csv") || name.ends_with(".md")
}

/// One bundle's row: its report reduced to the fleet columns, or why it could not be read.
pub fn analyse(bundle: &Bundle) -> MachineRow {
    let name = bundle.path.display().to_string();
    match crate::read_inputs(std::slice::from_ref(&bundle.path)) {
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
    let rows: Vec<Option<MachineRow>> = wulens_core::par_map(bundles, |b| {
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
        FleetFormat::Ndjson => {
            for r in &rows {
                serde_json::to_writer(&mut *out, r)?;
                out.write_all(b"\n")?;
            }
        }
        FleetFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(CSV_COLUMNS).map_err(std::io::Error::other)?;
            for r in &rows {
                w.write_record(r.csv_values()).map_err(std::io::Error::other)?;
            }
            w.flush()?;
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
