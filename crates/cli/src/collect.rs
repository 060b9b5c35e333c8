//! `wulens collect`: this machine's logs and configuration in one zip for a ticket: what
//! `collect-help` tells an admin to gather by hand, done for them. The zip holds exactly the
//! inputs `analyze --this-machine` reads, under the same names, so `wulens analyze` (or the page)
//! reads it back to the same report.

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use crate::machine::{Item, Snapshot};

/// The zip's name when none is given: `wulens-<computer>-<date>.zip`, as `collect-help`'s
/// commands name it, so a folder of them is a fleet with each machine named.
pub fn default_name(computer: &str, now: SystemTime) -> String {
    let (y, m, d, ..) = utc(now).unwrap_or((1980, 1, 1, 0, 0, 0));
    let computer: String = computer.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    format!("wulens-{computer}-{y:04}-{m:02}-{d:02}.zip")
}

/// A time as UTC calendar fields.
fn utc(t: SystemTime) -> Option<(i32, u32, u32, u32, u32, u32)> {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs() as i64;
    let (y, m, d) = wulens_core::model::time::civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400) as u32;
    Some((y, m, d, s / 3600, s / 60 % 60, s % 60))
}

/// The items as a zip: each compressed, stamped with its file's last write (UTC; the zip format
/// keeps no time zone), in the snapshot's order.
pub fn write_zip<W: Write + Seek>(items: &[Item], to: W) -> zip::result::ZipResult<W> {
    let mut zip = zip::ZipWriter::new(to);
    for item in items {
        let mut options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(item.input.bytes.len() as u64 >= u32::MAX as u64);
        let (y, m, d, h, mi, s) = utc(item.modified.unwrap_or_else(SystemTime::now)).unwrap_or((1980, 1, 1, 0, 0, 0));
        if let Ok(time) = zip::DateTime::from_date_and_time(y as u16, m as u8, d as u8, h as u8, mi as u8, s as u8) {
            options = options.last_modified_time(time);
        }
        zip.start_file(item.input.name.as_str(), options)?;
        zip.write_all(&item.input.bytes)?;
    }
    zip.finish()
}

fn write_file(snapshot: &Snapshot, path: &Path) -> Result<u64, String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
    let file = std::fs::File::create(path).map_err(|e| fail(&e))?;
    let written = write_zip(&snapshot.items, std::io::BufWriter::new(file)).and_then(|w| w.into_inner().map_err(|e| e.into_error().into()));
    match written {
        Ok(file) => file.metadata().map(|m| m.len()).map_err(|e| fail(&e)),
        Err(e) => {
            // Half a zip is no bundle: leave none behind.
            let _ = std::fs::remove_file(path);
            Err(fail(&e))
        }
    }
}

pub fn run(out_path: Option<PathBuf>, redact: bool, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let snapshot = match crate::machine::this_machine() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wulens: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    for note in &snapshot.notes {
        eprintln!("wulens: {note}");
    }
    let path = out_path.unwrap_or_else(|| PathBuf::from(default_name(if redact { "redacted" } else { &snapshot.computer }, SystemTime::now())));
    let source = snapshot.source.clone();
    let logs = snapshot.items.iter().filter(|i| !i.input.name.starts_with(crate::machine::REGISTRY)).count();
    let written = if redact { write_redacted(snapshot, &path) } else { write_file(&snapshot, &path) };
    match written {
        Ok(size) => {
            writeln!(out, "{}: {logs} logs from {source} and the Windows Update configuration, {size} bytes", path.display())?;
            writeln!(out, "Read it with `wulens analyze {}`, or drop it on the wulens page.", path.display())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("wulens: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

/// `collect --redact`: the snapshot read as `analyze` reads it, its texts redacted into the zip
/// (the computer's own name taught to the redactor first); the summary on stderr.
fn write_redacted(snapshot: Snapshot, path: &Path) -> Result<u64, String> {
    let inputs: Vec<wulens_core::Input> = snapshot.items.into_iter().map(|i| i.input).collect();
    let analysis = wulens_core::Analysis::from_inputs(inputs, &wulens_core::Limits::default());
    let mut redactor = crate::redact::learned(&analysis);
    redactor.learn_name(wulens_core::redact::Kind::Host, &snapshot.computer);
    let (size, _) = crate::redact::write_file(&analysis, &mut redactor, path)?;
    eprint!("wulens: {}", redactor.summary().text());
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use wulens_core::Input;

    #[test]
    fn the_zip_is_named_after_the_computer_and_the_day() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_717_173_956); // 2024-05-31 16:45:56 UTC
        assert_eq!(default_name("PC-01", t), "wulens-PC-01-2024-05-31.zip");
        assert_eq!(default_name("a/b:c", t), "wulens-a_b_c-2024-05-31.zip");
        assert_eq!(utc(t), Some((2024, 5, 31, 16, 45, 56)));
    }

    #[test]
    fn a_redacted_collection_hides_the_computer_no_log_labels() {
        let log = "2024-05-31 16:45:56, Info CBS Reboot of PC-ZULU9 pending, user C:\\Users\\kjones\\x\r\n";
        let snapshot = Snapshot {
            computer: "PC-ZULU9".into(),
            source: "C:\\Windows".into(),
            items: vec![Item { input: Input { name: "C/Windows/Logs/CBS/CBS.log".into(), bytes: log.into() }, modified: None }],
            notes: Vec::new(),
        };
        let path = std::env::temp_dir().join(format!("wulens-collect-redact-{}.zip", std::process::id()));
        write_redacted(snapshot, &path).unwrap();
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut back = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("C/Windows/Logs/CBS/CBS.log").unwrap(), &mut back).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(back, "2024-05-31 16:45:56, Info CBS Reboot of HOST-1 pending, user C:\\Users\\USER-1\\x\r\n");
    }

    #[test]
    fn the_zip_holds_the_inputs_under_their_names_with_their_times() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_717_173_956);
        let items = vec![
            Item { input: Input { name: "C/Windows/Logs/CBS/CBS.log".into(), bytes: "2024-05-31 16:45:56, Info CBS x\r\n".into() }, modified: Some(t) },
            Item { input: Input { name: "registry/wu-policy.reg".into(), bytes: "Windows Registry Editor Version 5.00\r\n".into() }, modified: None },
        ];
        let bytes = write_zip(&items, std::io::Cursor::new(Vec::new())).unwrap().into_inner();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), items.len());
        for (i, item) in items.iter().enumerate() {
            let mut f = archive.by_index(i).unwrap();
            let mut back = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut back).unwrap();
            assert_eq!((f.name(), &back[..]), (item.input.name.as_str(), &item.input.bytes[..]));
            if i == 0 {
                assert_eq!(f.last_modified().map(|d| (d.year(), d.month(), d.day(), d.hour())), Some((2024, 5, 31, 16)));
            }
        }
    }
}
