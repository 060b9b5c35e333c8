//! The normalized log model, the bottom stage every other stage builds on: one `LogFile` per
//! input (its decoded text, compact entries that point into it, its format and kind), and the
//! plain values the later stages exchange (evidence lines, settings, statuses, times).
//!
//! Invariant (tested by property tests): the entries of a file tile its physical lines exactly.
//! Every physical line belongs to one entry; an entry is either a parsed record (possibly
//! spanning several lines) or one unparsed line. So `lines == parsed lines + unparsed`.

use serde::{Deserialize, Serialize};

mod bytes16;
mod chain;
mod encoding;
mod evidence;
mod format;
mod kind;
mod ledger;
pub mod lines;
mod names;
mod prescan;
mod status;
mod text;
pub mod time;
mod update;

pub(crate) use bytes16::Bytes16;
pub use chain::{LinkId, LinkState};
pub use encoding::{DecodeStats, TextEncoding};
pub use evidence::{evidence, evidence_of, time_of, Evidence, Setting};
pub use format::LogFormat;
pub use kind::{is_setup_component, LogKind};
pub use ledger::{JoinKey, LedgerHold, LedgerJoin, LedgerRow, LedgerState, LedgerStep, LifeEvent, TargetKind, UpdateClass, STALL_AFTER_MS};
pub use names::{computer_name, event_computer};
pub use prescan::{BadPieceScan, EntryCode, LiteralBits, LiteralHits, PieceFindings, PieceParse, PieceScan, Prescan, LITERAL_WORDS};
pub use status::{Badge, CycleOutcome, Domain, FindingSeverity, OperationKind, Outcome, RunOn, Standing, StepStatus, UpdateSource, VerdictStatus};
pub use text::{StableBytes, Text};
use time::LocalMs;
pub use update::UpdateRow;

/// A hex code written with or without `0x` (`0x80D02002`, `80242014`, `0`), up to its end.
pub fn hex_code(s: &str) -> Option<u32> {
    let s = s.trim_start();
    let s = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
    let digits = &s[..s.bytes().take_while(u8::is_ascii_hexdigit).count()];
    (!digits.is_empty() && digits.len() <= 8).then(|| u32::from_str_radix(digits, 16).ok()).flatten()
}

/// `n` with its noun, singular for one: `1 time`, `3 times` (the words of notes and summaries).
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A summary template with its count: `{n}` the number, each `{one|many}` the word for it
/// (`"{n} {time|times}"`: `1 time`, `3 times`). Rule files' templates are checked at build time.
pub fn fill_count(template: &str, n: usize) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            rest = &rest[open..];
            break;
        };
        let inner = &rest[open + 1..close];
        match inner.split_once('|') {
            _ if inner == "n" => out.push_str(&n.to_string()),
            Some((one, many)) => out.push_str(if n == 1 { one } else { many }),
            None => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A problem with an input that is not a file of its own (a bad zip, a bomb, an unreadable file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputWarning {
    /// The input's name as given (a path inside the drop or a zip).
    pub name: String,
    /// What went wrong, in words for the user.
    pub message: String,
}

/// The log an older generation of a log continues, when `name` is one: ConfigMgr renames a
/// full `X.log` to `X.lo_` (one generation kept) or to `X-YYYYMMDD-HHMMSS.log` (several kept).
/// `CCM/Logs/WUAHandler.lo_` → `CCM/Logs/WUAHandler.log`; `None` for a current log.
pub fn rotated_from(name: &str) -> Option<String> {
    let base = base_name(name);
    let dir = &name[..name.len() - base.len()];
    if let Some(stem) = base.strip_suffix(".lo_").or_else(|| base.strip_suffix(".LO_")) {
        return (!stem.is_empty()).then(|| format!("{dir}{stem}.log"));
    }
    let (stem, ext) = base.rsplit_once('.')?;
    if !ext.eq_ignore_ascii_case("log") {
        return None;
    }
    // `-YYYYMMDD-HHMMSS` at the end of the stem.
    let b = stem.as_bytes();
    let n = b.len();
    let stamp = n > 16 && b[n - 16] == b'-' && b[n - 7] == b'-' && b[n - 15..n - 7].iter().chain(&b[n - 6..]).all(u8::is_ascii_digit);
    stamp.then(|| format!("{dir}{}.{ext}", &stem[..n - 16]))
}

/// `CCM/Logs/WUAHandler.log` → `WUAHandler.log` (both separators: names come from zips and Windows).
pub fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Severity as the log states it (CMTrace `type`, CBS level) or as derived from the text for
/// formats that have no level (WindowsUpdate.log).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Unparsed text: no level known.
    #[default]
    None = 0,
    /// An informational record.
    Info = 1,
    /// A warning record (or a line that reads as one).
    Warning = 2,
    /// An error record (or a line that reads as one).
    Error = 3,
}

impl Severity {
    /// A Windows event's level, as ETW traces and event logs both write it: 1 critical, 2 error,
    /// 3 warning, 4 information, 5 verbose (0: always logged).
    pub fn of_event_level(level: u8) -> Severity {
        match level {
            1 | 2 => Severity::Error,
            3 => Severity::Warning,
            _ => Severity::Info,
        }
    }

    /// Its word in the report and the viewer (`info`, `warning`, `error`; empty for `None`).
    pub fn label(self) -> &'static str {
        match self {
            Severity::None => "",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Sentinel for "no time" in [`Entry::time`].
pub const NO_TIME: LocalMs = i64::MIN;
/// Sentinel for "no offset" in [`Entry::offset`].
pub const NO_OFFSET: i16 = i16::MIN;
/// A file's entries counted (see [`LogFile::counts`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EntryCounts {
    /// Parsed records.
    pub parsed: u32,
    /// Physical lines of the entries that could not be parsed.
    pub unparsed_lines: u32,
    /// Records of severity error.
    pub errors: u32,
    /// Records of severity warning.
    pub warnings: u32,
}

// Entries are most of the memory a log takes beyond its text.
const _: () = assert!(std::mem::size_of::<Entry>() == 40);

/// Sentinel for "no component" in [`Entry::component`].
pub const NO_COMPONENT: u16 = u16::MAX;

/// One record (or one unparsed line). 40 bytes; offsets index the file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Byte range `start..end` of the whole record in the text, without the final line terminator.
    pub start: u32,
    /// End (exclusive) of the record's byte range.
    pub end: u32,
    /// Byte range `msg_start..msg_end` of the message within the record.
    pub msg_start: u32,
    /// End (exclusive) of the message's byte range.
    pub msg_end: u32,
    /// 1-based physical line of the record's first line.
    pub line: u32,
    /// Number of physical lines the record spans (1 for a single-line record). A record ends
    /// after 65,535 lines (the lines after are entries of their own): 40 bytes an entry, not 48.
    pub lines: u16,
    /// Local wall-clock time, or [`NO_TIME`].
    pub time: LocalMs,
    /// ISO offset in minutes stated by the record itself (CMTrace bias, inverted), or [`NO_OFFSET`].
    pub offset: i16,
    /// Index into [`LogFile::components`], or [`NO_COMPONENT`].
    pub component: u16,
    /// The writer's thread id, 0 when the format has none.
    pub thread: u32,
    /// The record's level, as stated or derived from its text.
    pub severity: Severity,
    /// False for an unparsed line.
    pub parsed: bool,
}

impl Entry {
    /// One physical line the parser could not read as a record: no time, no component, no level.
    pub fn unparsed(start: usize, end: usize, line: u32) -> Entry {
        Entry {
            start: start as u32,
            end: end as u32,
            msg_start: start as u32,
            msg_end: end as u32,
            line,
            lines: 1,
            time: NO_TIME,
            offset: NO_OFFSET,
            component: NO_COMPONENT,
            thread: 0,
            severity: Severity::None,
            parsed: false,
        }
    }

    /// The same record `by` bytes further on in its text (a piece's entries joined to the
    /// file's, text appended after a followed file's last record).
    pub fn move_by(&mut self, by: u32) {
        self.start += by;
        self.end += by;
        self.msg_start += by;
        self.msg_end += by;
    }

    /// True unless the time is [`NO_TIME`].
    pub fn has_time(&self) -> bool {
        self.time != NO_TIME
    }

    /// 1-based physical line of the record's last line.
    pub fn last_line(&self) -> u32 {
        self.line + u32::from(self.lines) - 1
    }
}

/// Where a file's time-zone offset comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OffsetSource {
    /// Every record states it (CMTrace `time="...+BIAS"`).
    Record,
    /// The log's own header says it (legacy WindowsUpdate.log `tz: -0700`).
    Header,
    /// The format is UTC by definition (WSUS SoftwareDistribution.log).
    Utc,
    /// Not in the log: taken from other logs of the same drop.
    AssumedFromOtherLogs,
    /// Not in the log and nothing to go by: UTC assumed.
    AssumedUtc,
    /// The user set it.
    Override,
    /// The file has no timestamps.
    #[default]
    NotApplicable,
}

/// A file's time-zone facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileOffset {
    /// ISO offset in minutes used for records that do not state their own.
    pub minutes: i32,
    /// Where `minutes` comes from.
    pub source: OffsetSource,
}

/// One decoded, parsed input.
#[derive(Debug)]
pub struct LogFile {
    /// Display name: the path inside the drop (`CCM/Logs/WUAHandler.log`, `bundle.zip/WindowsUpdate.log`).
    pub name: String,
    /// Its line format (decides the parser).
    pub format: LogFormat,
    /// Which log this is (resolved once, when it is read).
    pub kind: LogKind,
    /// How its bytes were decoded; `None` when they were not (a binary file).
    pub encoding: Option<TextEncoding>,
    /// Its size in bytes, as given.
    pub bytes: u64,
    /// The decoded text the entries point into.
    pub text: Text,
    /// Its records and unparsed lines, in order, tiling its physical lines (the module's invariant).
    pub entries: Vec<Entry>,
    /// Component names, indexed by [`Entry::component`].
    pub components: Vec<String>,
    /// Threads are shown in hex for formats that write them in hex.
    pub thread_hex: bool,
    /// Its time-zone offset and where it comes from.
    pub offset: FileOffset,
    /// What decoding met (invalid bytes, a cut-off UTF-16 file).
    pub decode: DecodeStats,
    /// Things the user should know about this file (truncation, invalid bytes, why it was skipped).
    pub notes: Vec<String>,
    /// Physical lines in the text.
    pub physical_lines: u32,
    /// What another worker found in its records while it was read (the browser's scanning
    /// workers); `None` when nothing was, or the records changed since (a followed log grew).
    pub prescan: Option<Box<Prescan>>,
}

impl LogFile {
    /// A file that could not be read as a log (binary, empty, unreadable).
    pub fn skipped(name: String, format: LogFormat, bytes: u64, note: String) -> LogFile {
        LogFile {
            name,
            format,
            kind: LogKind::Other,
            encoding: None,
            bytes,
            text: Text::default(),
            entries: Vec::new(),
            components: Vec::new(),
            thread_hex: false,
            offset: FileOffset { minutes: 0, source: OffsetSource::NotApplicable },
            decode: DecodeStats::default(),
            notes: vec![note],
            physical_lines: 0,
            prescan: None,
        }
    }

    /// True for a file read as text (not binary, not empty).
    pub fn is_text(&self) -> bool {
        !matches!(self.format, LogFormat::Binary | LogFormat::Empty)
    }

    /// True for a text file of kind `kind` (the test flows and rules apply).
    pub fn is(&self, kind: LogKind) -> bool {
        self.kind == kind && self.is_text()
    }

    /// The message of `e` (without time, component or level).
    pub fn message(&self, e: &Entry) -> &str {
        &self.text[e.msg_start as usize..e.msg_end as usize]
    }

    /// The whole record of `e`, as written (all its lines, without the final terminator).
    pub fn record(&self, e: &Entry) -> &str {
        &self.text[e.start as usize..e.end as usize]
    }

    /// The component name of `e`, or `""` when it has none.
    pub fn component(&self, e: &Entry) -> &str {
        self.components.get(e.component as usize).map_or("", String::as_str)
    }

    /// Number of parsed records (not unparsed lines).
    pub fn parsed_entries(&self) -> usize {
        self.entries.iter().filter(|e| e.parsed).count()
    }

    /// Its entries counted in one pass (a big log's entries are tens of MB: read once, not once
    /// per count).
    pub fn counts(&self) -> EntryCounts {
        let mut c = EntryCounts::default();
        for e in &self.entries {
            if e.parsed {
                c.parsed += 1;
            } else {
                c.unparsed_lines += u32::from(e.lines);
            }
            c.errors += u32::from(e.severity == Severity::Error);
            c.warnings += u32::from(e.severity == Severity::Warning);
        }
        c
    }

    /// ISO offset in minutes that applies to `e`.
    pub fn offset_of(&self, e: &Entry) -> i32 {
        if e.offset != NO_OFFSET && self.offset.source != OffsetSource::Override {
            e.offset as i32
        } else {
            self.offset.minutes
        }
    }

    /// UTC milliseconds of `e`, when it has a time.
    pub fn utc_ms(&self, e: &Entry) -> Option<i64> {
        e.has_time().then(|| e.time - self.offset_of(e) as i64 * 60_000)
    }

    /// Physical line of byte offset `pos` inside entry `e`.
    pub fn line_at(&self, e: &Entry, pos: usize) -> u32 {
        if e.lines == 1 {
            return e.line;
        }
        let head = &self.text.as_bytes()[e.start as usize..pos.min(e.end as usize)];
        e.line + lines::count_breaks(head)
    }

    /// Index of the entry holding physical line `line` (1-based).
    pub fn entry_at_line(&self, line: u32) -> Option<usize> {
        let i = self.entries.partition_point(|e| e.last_line() < line);
        (i < self.entries.len() && self.entries[i].line <= line).then_some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::{counted, fill_count, rotated_from};

    #[test]
    fn counts_take_the_word_for_their_number() {
        assert_eq!(counted(1, "time", "times"), "1 time");
        assert_eq!(counted(0, "time", "times"), "0 times");
        assert_eq!(counted(3, "search", "searches"), "3 searches");
        assert_eq!(fill_count("appears {n} {time|times}: {n} {search|searches}.", 1), "appears 1 time: 1 search.");
        assert_eq!(fill_count("appears {n} {time|times}: {n} {search|searches}.", 2), "appears 2 times: 2 searches.");
        // Braces that are no part of a template are kept as written.
        assert_eq!(fill_count("{x} and {n} {line|lines} and {", 5), "{x} and 5 lines and {");
    }

    #[test]
    fn older_generations_name_the_log_they_continue() {
        assert_eq!(rotated_from("CCM/Logs/WUAHandler.lo_").as_deref(), Some("CCM/Logs/WUAHandler.log"));
        assert_eq!(rotated_from("logs.zip\\Logs\\ScanAgent.LO_").as_deref(), Some("logs.zip\\Logs\\ScanAgent.log"));
        assert_eq!(rotated_from("CCM/Logs/WUAHandler-20240601-120000.log").as_deref(), Some("CCM/Logs/WUAHandler.log"));
        assert_eq!(rotated_from("UpdatesDeployment-20231130-235959.LOG").as_deref(), Some("UpdatesDeployment.LOG"));
        for current in
            ["WUAHandler.log", "CBS.log", "dism_5_23.log", "WUAHandler-2024.log", "x-20240601-12000a.log", "-20240601-120000.log", ".lo_", "notes.txt"]
        {
            assert_eq!(rotated_from(current), None, "{current}");
        }
    }
}
