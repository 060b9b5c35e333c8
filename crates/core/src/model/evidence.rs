//! Evidence: a line of a log as a finding, a step or a verdict quotes it, with the file, the
//! physical line and the time, so a reader can open it.

use serde::{Deserialize, Serialize};

use crate::model::time::format_iso;
use crate::model::{LogFile, OffsetSource, NO_OFFSET};

/// One log line quoted as proof: where it is and what it says.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The file's display name (its path inside the drop, as [`LogFile::name`]).
    pub file: String,
    /// 1-based physical line in that file.
    pub line: u32,
    /// ISO time of the record as written, with its offset when known; `None` for a line without one.
    #[serde(default)]
    pub time: Option<String>,
    /// The record's message on one line (line breaks as spaces), cut at a length with `…`.
    pub text: String,
}

/// A configuration value with where it was read (`reg query` output, a `.reg` file, a log line).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The value as written (`http://wsus01:8530`, `1`).
    pub value: String,
    /// The file it was read from.
    pub file: String,
    /// 1-based physical line in that file.
    pub line: u32,
}

/// Record `entry` of `f` as evidence: its message on one line, at most `max` characters.
pub fn evidence(f: &LogFile, entry: usize, line: u32, max: usize) -> Evidence {
    let e = &f.entries[entry];
    let mut text: String = f.message(e).chars().take(max + 1).map(|c| if c == '\r' || c == '\n' { ' ' } else { c }).collect();
    if text.chars().count() > max {
        text = text.chars().take(max).collect::<String>() + "…";
    }
    Evidence { file: f.name.clone(), line, time: time_of(f, entry), text: text.trim().to_string() }
}

/// Record `entry` of `f` as evidence at its first line, cut at 300 characters.
pub fn evidence_of(f: &LogFile, entry: usize) -> Evidence {
    evidence(f, entry, f.entries[entry].line, 300)
}

/// ISO time of an entry as written, with its offset when known.
pub fn time_of(f: &LogFile, entry: usize) -> Option<String> {
    let e = &f.entries[entry];
    e.has_time().then(|| {
        let known = e.offset != NO_OFFSET || matches!(f.offset.source, OffsetSource::Header | OffsetSource::Utc | OffsetSource::Override);
        format_iso(e.time, known.then(|| f.offset_of(e)))
    })
}
