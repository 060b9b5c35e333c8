//! A drop's logs, redacted, as a zip (`wulens redact`, `collect --redact`, the page's Share
//! panel): the same names and folders, redacted too, which wulens reads back to the same
//! conclusion. The zip is written into any `Write + Seek` (a file, a `Vec` in the browser).

use std::io::{Seek, Write};

use super::kinds::{Kind, RedactionSummary};
use super::redactor::Redactor;
use crate::analysis::Analysis;
use crate::model::{LogFile, LogFormat};
use crate::read::bundles;

/// A redactor that has learned the drop: every file's name and text, and the machines a drop
/// of several is named for (`PC-0427/WindowsUpdate.log` beside `PC-0428/WindowsUpdate.log`:
/// `crates/core/src/read/bundles.rs`).
pub fn learned(analysis: &Analysis) -> Redactor {
    let mut r = Redactor::new();
    for f in &analysis.files {
        r.learn_path(&f.name);
        r.learn(&f.text);
    }
    let names: Vec<&str> = analysis.files.iter().map(|f| f.name.as_str()).collect();
    let machines = bundles::bundles(&names);
    if bundles::is_fleet(&machines, &names) {
        for m in machines.iter().filter(|m| computer_shaped(&m.machine)) {
            r.learn_name(Kind::Host, &m.machine);
        }
    }
    r
}

/// A folder's name that can be a computer's: letters, digits and `-` (no blank, no dot), a
/// digit or a `-` among them: a word (`more`, `evidence`) names a folder, not a machine.
fn computer_shaped(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        && name.bytes().any(|c| c.is_ascii_alphabetic())
        && name.bytes().any(|c| c.is_ascii_digit() || c == b'-')
}

/// True for a file wulens decoded from a binary format (an event log, an ETW trace): its text
/// is what wulens made of it, written under its name plus `.txt`.
fn decoded(f: &LogFile) -> bool {
    let lower = f.name.to_ascii_lowercase();
    f.format == LogFormat::EventLog || lower.ends_with(".etl") || lower.ends_with(".evtx")
}

/// The zip's members: each text file of the drop with its name in the zip (before redaction),
/// and the files left out (not being text).
fn members(analysis: &Analysis) -> (Vec<(&LogFile, String)>, Vec<&LogFile>) {
    let (text, other): (Vec<&LogFile>, Vec<&LogFile>) = analysis.files.iter().partition(|f| f.is_text());
    (text.into_iter().map(|f| (f, if decoded(f) { format!("{}.txt", f.name) } else { f.name.clone() })).collect(), other)
}

impl Redactor {
    /// What [`write_zip`] would replace in `analysis`'s logs, counted without writing them:
    /// the preview of the logs' zip, the same count the zip then makes (its pseudonyms given
    /// now, in the zip's order), with the zip's notes. Starts a tally of its own
    /// ([`Redactor::tally`]).
    pub fn count_zip(&mut self, analysis: &Analysis) -> RedactionSummary {
        self.tally();
        let (text, other) = members(analysis);
        let (mut as_text, mut skipped) = (Vec::new(), Vec::new());
        for (f, name) in text {
            let name = self.redact(&name).into_owned();
            self.count(&f.text);
            if decoded(f) {
                as_text.push(name);
            }
        }
        for f in other {
            skipped.push(self.redact(&f.name).into_owned());
        }
        RedactionSummary { notes: notes(&as_text, &skipped), ..self.tally() }
    }
}

/// The zip's notes: the logs written as their decoded text, the files left out.
fn notes(as_text: &[String], skipped: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if !as_text.is_empty() {
        out.push(format!(
            "Written as the text wulens decoded from them (their binary form cannot be redacted), which wulens reads back as the same logs: {}.",
            as_text.join(", ")
        ));
    }
    if !skipped.is_empty() {
        out.push(format!("Left out, not being text: {}.", skipped.join(", ")));
    }
    out
}

/// The drop's text files, redacted, into a zip: the same names and folders (redacted too),
/// UTF-8, a decoded binary log as `<name>.txt`; what was left out or changed is noted in the
/// redactor's summary. Returns how many files were written.
pub fn write_zip<W: Write + Seek>(analysis: &Analysis, redactor: &mut Redactor, to: W) -> zip::result::ZipResult<(W, usize)> {
    let mut zip = zip::ZipWriter::new(to);
    let mut names = std::collections::HashSet::new();
    let (mut written, mut as_text, mut skipped) = (0, Vec::new(), Vec::new());
    let (text, other) = members(analysis);
    for (f, name) in text {
        let mut name = redactor.redact(&name).into_owned();
        if decoded(f) {
            as_text.push(name.clone());
        }
        let base = name.clone();
        let mut n = 1;
        while !names.insert(name.clone()) {
            n += 1;
            name = format!("{base}~{n}");
        }
        let options =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(f.text.len() as u64 >= u32::MAX as u64);
        zip.start_file(name.as_str(), options)?;
        zip.write_all(redactor.redact(&f.text).as_bytes())?;
        written += 1;
    }
    for f in other {
        skipped.push(redactor.redact(&f.name).into_owned());
    }
    for n in notes(&as_text, &skipped) {
        redactor.note(n);
    }
    Ok((zip.finish()?, written))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Input, Limits};

    #[test]
    fn the_zip_holds_each_text_file_redacted_under_its_name() {
        let log = "2024-05-31 16:45:56, Info CBS Loaded from C:\\Users\\jdoe\\Downloads\\x.msu on PC01.corp.local\r\n";
        let inputs = vec![
            Input { name: "logs/CBS.log".into(), bytes: log.as_bytes().to_vec().into() },
            Input { name: "logs/empty.log".into(), bytes: Vec::new().into() },
        ];
        let analysis = Analysis::from_inputs(inputs, &Limits::default());
        let mut r = learned(&analysis);
        let (cursor, n) = write_zip(&analysis, &mut r, std::io::Cursor::new(Vec::new())).unwrap();
        assert_eq!(n, 1);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(cursor.into_inner())).unwrap();
        let mut back = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("logs/CBS.log").unwrap(), &mut back).unwrap();
        assert_eq!(back, "2024-05-31 16:45:56, Info CBS Loaded from C:\\Users\\USER-1\\Downloads\\x.msu on HOST-1\r\n");
        assert!(r.summary().notes.iter().any(|n| n.contains("logs/empty.log")), "{:?}", r.summary());
    }
}
