//! Analysis: all files of one drop together. The codes found in every record (with their
//! occurrences), each file's time-zone offset (its own, or assumed from the drop), and the merged
//! timeline. The diagnosis and the viewer read from here; nothing here knows about flows or rules.

use std::collections::{BTreeMap, HashMap};

pub mod codes;
mod grow;
pub(crate) mod machines;
mod offsets;
mod timeline;

pub use grow::Appended;
pub use timeline::TimelineRef;

use crate::model::{Entry, EntryCode, InputWarning, LogFile, LogFormat, Severity};
use crate::read::{self, Input, Limits};

/// Where a code was seen: a file, an entry of it, the physical line of the first mention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Index into [`Analysis::files`].
    pub file: u32,
    /// Index into that file's entries.
    pub entry: u32,
    /// 1-based physical line of the code's first mention in the entry.
    pub line: u32,
}

/// Everything known about one code across all files.
#[derive(Clone, Debug)]
pub struct CodeStats {
    /// The code as a 32-bit value (`0x80244007`).
    pub code: u32,
    /// Records (entries or unparsed lines) that mention it, once per record.
    pub count: u32,
    /// Where it was seen, in file then entry order.
    pub occurrences: Vec<Occurrence>,
    /// A symbolic name a log wrote next to it, for codes the knowledge base does not name.
    pub stated_symbol: Option<String>,
}

/// One drop read and merged: its files, the failure codes in them, their time-zone offsets.
/// Built by [`Analysis::from_inputs`]; the diagnosis and the viewer read it.
#[derive(Default)]
pub struct Analysis {
    /// One per input (a zip's members each count), sorted by name.
    pub files: Vec<LogFile>,
    /// Inputs that are not files of their own, and what went wrong with them (a bad zip, a bomb).
    pub warnings: Vec<InputWarning>,
    /// Sorted by code.
    pub codes: Vec<CodeStats>,
    /// Per file: the code hits of each entry, as (entry, code) pairs in entry order.
    pub entry_codes: Vec<Vec<(u32, u32)>>,
    /// User overrides of a file's offset (ISO minutes), by file index.
    pub offset_overrides: HashMap<usize, i32>,
    /// The drop's machines, where `resolve_offsets` needed them (a file's zone is assumed from
    /// its own machine's logs); `Analysis::machines` answers from here, else works them out.
    machines: Option<Vec<machines::DropMachine>>,
}

impl Analysis {
    /// Read, expand, decode, parse and analyse `inputs`.
    pub fn from_inputs(inputs: Vec<Input>, limits: &Limits) -> Analysis {
        let mut warnings = Vec::new();
        let mut expanded = read::expand(inputs, limits, &mut warnings);
        expanded.sort_by(|a, b| a.name.cmp(&b.name));
        let files = crate::par::map(expanded, read::load);
        let mut a = Analysis { files, warnings, ..Analysis::default() };
        a.finish();
        a
    }

    /// Build from files already loaded (the web worker streams them in).
    pub fn from_files(mut files: Vec<LogFile>, warnings: Vec<InputWarning>) -> Analysis {
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let mut a = Analysis { files, warnings, ..Analysis::default() };
        a.finish();
        a
    }

    fn finish(&mut self) {
        self.find_codes();
        self.resolve_offsets();
    }

    /// Scan every record for codes (files in parallel); raise the severity of level-less formats
    /// that show one.
    fn find_codes(&mut self) {
        let files = std::mem::take(&mut self.files);
        let scanned = crate::par::map(files, |mut f| {
            let codes = match f.prescan.as_mut().and_then(|p| p.codes.take()) {
                Some(codes) => prescanned_codes(&mut f, codes),
                None => scan_file_codes(&mut f),
            };
            (f, codes)
        });
        let mut stats: BTreeMap<u32, CodeStats> = BTreeMap::new();
        self.entry_codes = Vec::with_capacity(scanned.len());
        for (fi, (f, hits)) in scanned.into_iter().enumerate() {
            let mut per_file = Vec::with_capacity(hits.len());
            for h in hits {
                let s = stats.entry(h.code).or_insert_with(|| CodeStats { code: h.code, count: 0, occurrences: Vec::new(), stated_symbol: None });
                s.count += 1;
                s.occurrences.push(Occurrence { file: fi as u32, entry: h.entry, line: h.line });
                if s.stated_symbol.is_none() {
                    s.stated_symbol = h.stated_symbol;
                }
                per_file.push((h.entry, h.code));
            }
            debug_assert!(per_file.windows(2).all(|w| w[0].0 <= w[1].0), "code hits in entry order");
            self.entry_codes.push(per_file);
            self.files.push(f);
        }
        self.codes = stats.into_values().collect();
    }

    /// The failure codes found in one entry (entry_codes is in entry order: a binary search, so
    /// callers that look up many entries stay linear in the log).
    pub fn codes_at(&self, file: usize, entry: u32) -> impl Iterator<Item = u32> + '_ {
        let v = &self.entry_codes[file];
        let start = v.partition_point(|&(e, _)| e < entry);
        v[start..].iter().take_while(move |&&(e, _)| e == entry).map(|&(_, c)| c)
    }

    /// Everything known about `code`, when any file mentions it.
    pub fn code_stats(&self, code: u32) -> Option<&CodeStats> {
        self.codes.binary_search_by_key(&code, |c| c.code).ok().map(|i| &self.codes[i])
    }
}

/// Entries per piece when one file's codes are found on several cores.
const ENTRIES_PER_PIECE: usize = 32 << 10;

/// The codes of one file, once per entry, in entry order; a big file's entries in pieces on all
/// cores.
fn scan_file_codes(f: &mut LogFile) -> Vec<EntryCode> {
    let derive = derives_severity(f.format);
    let text = f.text.as_str();
    let ranges = crate::par::ranges(f.entries.len(), ENTRIES_PER_PIECE);
    if ranges.len() == 1 {
        return scan_entries(text, &mut f.entries, 0, derive);
    }
    let per_piece = ranges[0].len();
    let pieces: Vec<(usize, &mut [Entry])> = f.entries.chunks_mut(per_piece).enumerate().map(|(k, c)| (k * per_piece, c)).collect();
    crate::par::map(pieces, |(first, entries)| scan_entries(text, entries, first, derive)).into_iter().flatten().collect()
}

/// The codes another worker found in `f`'s records while it was read, with the severity they
/// give a WindowsUpdate.log line applied (as [`scan_entries`] does).
fn prescanned_codes(f: &mut LogFile, codes: Vec<EntryCode>) -> Vec<EntryCode> {
    if derives_severity(f.format) {
        for h in &codes {
            let e = &mut f.entries[h.entry as usize];
            if e.severity < Severity::Warning {
                e.severity = Severity::Error;
            }
        }
    }
    codes
}

/// Does a failure code make a line of `format` an error (it writes no severity of its own)?
fn derives_severity(format: LogFormat) -> bool {
    matches!(format, LogFormat::WindowsUpdateLegacy | LogFormat::WindowsUpdateEtw)
}

/// The codes of a piece of a file parsed alone, `entries` of `text` (a scanning worker's
/// share of a big file: see `model::Prescan`), with the severity they give applied.
pub fn piece_codes(format: LogFormat, text: &str, entries: &mut [Entry]) -> Vec<EntryCode> {
    scan_entries(text, entries, 0, derives_severity(format))
}

/// [`scan_file_codes`] from entry `from` on (a followed log's new records).
fn scan_file_codes_from(f: &mut LogFile, from: usize) -> Vec<EntryCode> {
    let derive = derives_severity(f.format);
    let from = from.min(f.entries.len());
    scan_entries(f.text.as_str(), &mut f.entries[from..], from, derive)
}

/// The codes of `entries` (the file's entries from index `first` on).
fn scan_entries(text: &str, entries: &mut [Entry], first: usize, derive: bool) -> Vec<EntryCode> {
    let mut out = Vec::new();
    for (k, e) in entries.iter_mut().enumerate() {
        let ei = first + k;
        let msg = &text[e.msg_start as usize..e.msg_end as usize];
        let mut found: [u32; 8] = [0; 8];
        let mut n = 0;
        codes::scan(msg, |h| {
            if found[..n].contains(&h.code) || n == found.len() {
                return;
            }
            found[n] = h.code;
            n += 1;
            let pos = e.msg_start as usize + h.start;
            let line = if e.lines == 1 { e.line } else { e.line + crate::model::lines::count_breaks(&text.as_bytes()[e.start as usize..pos]) };
            out.push(EntryCode { entry: ei as u32, code: h.code, line, stated_symbol: h.stated_symbol.map(|(a, b)| msg[a..b].to_string()) });
        });
        // WindowsUpdate.log writes no severity column: a line with a failure code is an error,
        // unless the line itself says it is a warning (`WARNING: ... 0x8024000b`).
        if derive && n > 0 && e.severity < Severity::Warning {
            e.severity = Severity::Error;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OffsetSource;

    fn analysis(files: &[(&str, &str)]) -> Analysis {
        Analysis::from_inputs(files.iter().map(|(n, t)| Input { name: n.to_string(), bytes: t.as_bytes().into() }).collect(), &Limits::default())
    }

    const CM: &str = "<![LOG[scan failed 0x8024401B]LOG]!><time=\"10:00:01.000+420\" date=\"05-31-2024\" component=\"WUAHandler\" context=\"\" type=\"3\" thread=\"1\" file=\"\">\r\n<![LOG[later]LOG]!><time=\"10:00:05.000+420\" date=\"05-31-2024\" component=\"WUAHandler\" context=\"\" type=\"1\" thread=\"1\" file=\"\">\r\n";
    const WU: &str = "2024/05/31 10:00:00.0000000 1 2 WebServices     first\r\n2024/05/31 10:00:03.0000000 1 2 WebServices     *FAILED* [8024401B] proxy\r\nno header line\r\n2024/05/31 10:00:09.0000000 1 2 Agent           last\r\n";

    #[test]
    fn merges_by_utc_and_assumes_offsets_from_cmtrace() {
        let a = analysis(&[("WUAHandler.log", CM), ("WindowsUpdate.log", WU)]);
        assert_eq!(a.files[1].offset.source, OffsetSource::AssumedFromOtherLogs);
        assert_eq!(a.files[1].offset.minutes, -420);
        assert_eq!(a.files[0].offset.source, OffsetSource::Record);
        let order: Vec<(u32, u32)> = a.timeline(|_| true).iter().map(|r| (r.file, r.entry)).collect();
        // files sorted by name: 0 = WUAHandler.log, 1 = WindowsUpdate.log
        assert_eq!(order, [(1, 0), (0, 0), (1, 1), (1, 2), (0, 1), (1, 3)]);
    }

    /// Two machines' folders: the time zone one machine's ConfigMgr log states is assumed for
    /// that machine's WindowsUpdate.log, never for the other machine's.
    #[test]
    fn a_time_zone_is_assumed_only_for_the_machine_that_states_it() {
        let a = analysis(&[("PC1/WUAHandler.log", CM), ("PC1/WindowsUpdate.log", WU), ("PC2/WindowsUpdate.log", WU)]);
        let by_name = |n: &str| a.files.iter().find(|f| f.name == n).unwrap().offset;
        assert_eq!(a.machines().len(), 2);
        assert_eq!((by_name("PC1/WindowsUpdate.log").source, by_name("PC1/WindowsUpdate.log").minutes), (OffsetSource::AssumedFromOtherLogs, -420));
        assert_eq!((by_name("PC2/WindowsUpdate.log").source, by_name("PC2/WindowsUpdate.log").minutes), (OffsetSource::AssumedUtc, 0));
        // One machine's folder with the same logs: the drop is one machine and lends its zone.
        let one = analysis(&[("PC1/WUAHandler.log", CM), ("PC1/WindowsUpdate.log", WU)]);
        assert!(one.machines().is_empty());
        assert_eq!(one.files[1].offset.minutes, -420);
    }

    #[test]
    fn counts_codes_once_per_record_with_lines() {
        let a = analysis(&[("WUAHandler.log", CM), ("WindowsUpdate.log", WU)]);
        let s = a.code_stats(0x8024401B).unwrap();
        assert_eq!(s.count, 2);
        let lines: Vec<(u32, u32)> = s.occurrences.iter().map(|o| (o.file, o.line)).collect();
        assert_eq!(lines, [(0, 1), (1, 2)]);
        assert_eq!(a.files[1].entries[1].severity, Severity::Error, "derived from the code");
    }

    #[test]
    fn a_warning_with_a_code_stays_a_warning() {
        let wu = "2024/06/18 10:11:04.1234567 1234  5678  ComApi          WARNING: Sync of Updates: 0x8024000b\n2024/06/18 10:11:05.1234567 1234  5678  ComApi          Exit code = 0x8024401B\n";
        let a = analysis(&[("WindowsUpdate.log", wu)]);
        let sev: Vec<Severity> = a.files[0].entries.iter().map(|e| e.severity).collect();
        assert_eq!(sev, [Severity::Warning, Severity::Error]);
    }

    #[test]
    fn override_reorders_the_timeline() {
        let mut a = analysis(&[("WUAHandler.log", CM), ("WindowsUpdate.log", WU)]);
        a.set_offset_override(1, Some(-480)); // WindowsUpdate.log an hour later in UTC
        let order: Vec<u32> = a.timeline(|_| true).iter().map(|r| r.file).collect();
        assert_eq!(order, [0, 0, 1, 1, 1, 1]);
        assert_eq!(a.files[1].offset.source, OffsetSource::Override);
    }
}
