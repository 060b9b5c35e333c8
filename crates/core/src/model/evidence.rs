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
    Evidence { file: f.name.clone(), line, time: time_of(f, entry), text: one_line(f.message(&f.entries[entry]), max) }
}

/// `msg` on one line (line breaks as spaces), trimmed, cut after `max` characters with `…`.
/// One allocation: trimming before the breaks become spaces trims the same characters.
fn one_line(msg: &str, max: usize) -> String {
    // No more than `max` bytes is no more than `max` characters.
    let cut = if msg.len() <= max { None } else { msg.char_indices().nth(max).map(|(i, _)| i) };
    let (kept, more) = match cut {
        Some(i) => (msg[..i].trim_start(), true),
        None => (msg.trim(), false),
    };
    let mut out = String::with_capacity(kept.len() + if more { 3 } else { 0 });
    let mut from = 0;
    for i in memchr::memchr2_iter(b'\r', b'\n', kept.as_bytes()) {
        out.push_str(&kept[from..i]);
        out.push(' ');
        from = i + 1;
    }
    out.push_str(&kept[from..]);
    if more {
        out.push('…');
    }
    out
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

#[cfg(test)]
mod tests {
    /// The quoting as it was first written: a character at a time, then cut, then trimmed.
    fn one_line_by_chars(msg: &str, max: usize) -> String {
        let mut text: String = msg.chars().take(max + 1).map(|c| if c == '\r' || c == '\n' { ' ' } else { c }).collect();
        if text.chars().count() > max {
            text = text.chars().take(max).collect::<String>() + "…";
        }
        text.trim().to_string()
    }

    #[test]
    fn one_line_quotes_as_by_characters() {
        let cases = [
            "",
            "   ",
            "plain",
            "  padded \r\n",
            "\r\nline one\r\nline two\n",
            "über straße ünïcödé",
            "\n\n  é\r",
            "0123456789",
            "01234567890",
            " 0123456789 ",
            "\u{3000}wide space\u{3000}",
        ];
        for msg in cases {
            for max in [0, 1, 3, 9, 10, 11, 300] {
                assert_eq!(super::one_line(msg, max), one_line_by_chars(msg, max), "{msg:?} at {max}");
            }
        }
        let long = "é\r\n".repeat(200);
        assert_eq!(super::one_line(&long, 300), one_line_by_chars(&long, 300));
    }
}
