//! The report: what `wulens analyze --format json` prints and what the web app shows.
//! Field names are a contract (DESIGN.md, "CLI contract"); add fields, never rename them.

use serde::Serialize;

use crate::analysis::{Analysis, CodeStats};
use crate::input::InputWarning;
use crate::model::{LogFile, OffsetSource, Severity};
use crate::time::{format_iso, format_offset};

/// How much of the long lists a report carries (counts are always complete).
#[derive(Clone, Copy, Debug)]
pub struct ReportLimits {
    /// Occurrences listed per code.
    pub occurrences: usize,
    /// Update rows (a real scan has hundreds; generated noise can have millions).
    pub updates: usize,
}

impl ReportLimits {
    /// The CLI's JSON and the exports.
    pub const FULL: ReportLimits = ReportLimits { occurrences: 200, updates: 5000 };
    /// What the web page renders: small enough to parse and draw without blocking it.
    pub const PAGE: ReportLimits = ReportLimits { occurrences: 12, updates: 1000 };
}

#[derive(Serialize, Debug)]
pub struct Report {
    pub tool: Tool,
    pub summary: Summary,
    pub files: Vec<FileReport>,
    pub warnings: Vec<InputWarning>,
    pub errors: Vec<ErrorReport>,
    pub scan_flow: crate::flow::FlowReport,
    pub sync_flow: crate::flow::FlowReport,
    pub findings: Vec<crate::rules::Finding>,
    /// At most `ReportLimits::updates` rows (missing first); `updates_total` counts them all.
    pub updates: Vec<crate::updates::UpdateRow>,
    pub updates_total: usize,
    pub configuration: crate::config::ConfigReport,
    pub next_checks: Vec<crate::rules::NextCheck>,
}

#[derive(Serialize, Debug)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize, Debug)]
pub struct Summary {
    /// `failed`, `ok`, `incomplete` (steps not witnessed) or `no_scan` (no client scan logs).
    pub status: &'static str,
    /// One paragraph in plain language.
    pub verdict: String,
    pub files: usize,
    pub lines: u64,
    pub entries: u64,
    pub distinct_errors: usize,
    pub first_time: Option<String>,
    pub last_time: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct FileReport {
    pub name: String,
    pub format: &'static str,
    pub format_label: &'static str,
    pub encoding: &'static str,
    pub bytes: u64,
    pub lines: u32,
    pub entries: u32,
    pub unparsed: u32,
    /// Records of severity error / warning.
    pub error_entries: u32,
    pub warning_entries: u32,
    pub first_time: Option<String>,
    pub last_time: Option<String>,
    pub time_zone: TimeZoneReport,
    pub notes: Vec<String>,
}

#[derive(Serialize, Debug)]
pub struct TimeZoneReport {
    pub offset_minutes: i32,
    /// `UTC-07:00`
    pub offset: String,
    pub source: OffsetSource,
    /// Says how the offset was found or why it is assumed.
    pub note: String,
}

#[derive(Serialize, Debug, Clone)]
pub struct Evidence {
    pub file: String,
    pub line: u32,
    pub time: Option<String>,
    pub text: String,
}

#[derive(Serialize, Debug)]
pub struct ErrorReport {
    pub code: String,
    pub symbol: String,
    pub message: String,
    pub count: u32,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub files: Vec<String>,
    pub occurrences: Vec<Evidence>,
    pub occurrences_total: usize,
    pub kb: Option<&'static wulens_kb::Entry>,
    pub decoded: wulens_kb::Decoded,
}

/// A record rendered for people: one line of text, at most `max` characters.
pub fn evidence(f: &LogFile, entry: usize, line: u32, max: usize) -> Evidence {
    let e = &f.entries[entry];
    let mut text: String = f.message(e).chars().take(max + 1).map(|c| if c == '\r' || c == '\n' { ' ' } else { c }).collect();
    if text.chars().count() > max {
        text = text.chars().take(max).collect::<String>() + "…";
    }
    Evidence { file: f.name.clone(), line, time: time_of(f, entry), text: text.trim().to_string() }
}

/// ISO time of an entry as written, with its offset when known.
pub fn time_of(f: &LogFile, entry: usize) -> Option<String> {
    let e = &f.entries[entry];
    e.has_time().then(|| {
        let known = e.offset != crate::model::NO_OFFSET || matches!(f.offset.source, OffsetSource::Header | OffsetSource::Utc | OffsetSource::Override);
        format_iso(e.time, known.then(|| f.offset_of(e)))
    })
}

fn tz_report(f: &LogFile) -> TimeZoneReport {
    let o = f.offset;
    let note = match o.source {
        OffsetSource::Record => "stated on every record (CMTrace bias)".to_string(),
        OffsetSource::Header => "stated by the log's own header (tz:)".to_string(),
        OffsetSource::Utc => "the format is written in UTC".to_string(),
        OffsetSource::AssumedFromOtherLogs => {
            format!("assumed: this format has no time zone; {} taken from the other logs of this drop", format_offset(o.minutes))
        }
        OffsetSource::AssumedUtc => "assumed UTC: this format has no time zone and no other log states one".to_string(),
        OffsetSource::Override => format!("set by you to {}", format_offset(o.minutes)),
        OffsetSource::NotApplicable => "no timestamps".to_string(),
    };
    TimeZoneReport { offset_minutes: o.minutes, offset: format_offset(o.minutes), source: o.source, note }
}

fn file_report(f: &LogFile) -> FileReport {
    let first = f.entries.iter().position(|e| e.has_time());
    let last = f.entries.iter().rposition(|e| e.has_time());
    FileReport {
        name: f.name.clone(),
        format: f.format.id(),
        format_label: f.format.label(),
        encoding: f.encoding.map_or("binary", |e| e.id()),
        bytes: f.bytes,
        lines: f.physical_lines,
        entries: f.parsed_entries() as u32,
        unparsed: f.unparsed_lines(),
        error_entries: f.entries.iter().filter(|e| e.severity == Severity::Error).count() as u32,
        warning_entries: f.entries.iter().filter(|e| e.severity == Severity::Warning).count() as u32,
        first_time: first.and_then(|i| time_of(f, i)),
        last_time: last.and_then(|i| time_of(f, i)),
        time_zone: tz_report(f),
        notes: f.notes.clone(),
    }
}

fn error_report(a: &Analysis, c: &CodeStats, limits: ReportLimits) -> ErrorReport {
    let kb = wulens_kb::entry(c.code);
    let mut files: Vec<String> = Vec::new();
    for o in &c.occurrences {
        let name = &a.files[o.file as usize].name;
        if !files.contains(name) {
            files.push(name.clone());
        }
    }
    let timed: Vec<(i64, usize)> = c
        .occurrences
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let f = &a.files[o.file as usize];
            f.utc_ms(&f.entries[o.entry as usize]).map(|t| (t, i))
        })
        .collect();
    let at = |i: usize| {
        let o = c.occurrences[i];
        time_of(&a.files[o.file as usize], o.entry as usize)
    };
    let first_seen = timed.iter().min().and_then(|&(_, i)| at(i));
    let last_seen = timed.iter().max().and_then(|&(_, i)| at(i));
    ErrorReport {
        code: format!("0x{:08X}", c.code),
        symbol: kb.map(|e| e.symbol.to_string()).filter(|s| !s.is_empty()).or_else(|| c.stated_symbol.clone()).unwrap_or_default(),
        message: kb.map_or(String::new(), |e| e.message.to_string()),
        count: c.count,
        first_seen,
        last_seen,
        files,
        occurrences: c.occurrences.iter().take(limits.occurrences).map(|o| evidence(&a.files[o.file as usize], o.entry as usize, o.line, 300)).collect(),
        occurrences_total: c.occurrences.len(),
        kb,
        decoded: wulens_kb::decode(c.code),
    }
}

impl Report {
    pub fn build(a: &Analysis) -> Report {
        Report::build_with(a, ReportLimits::FULL)
    }

    pub fn build_with(a: &Analysis, limits: ReportLimits) -> Report {
        let files: Vec<FileReport> = a.files.iter().map(file_report).collect();
        let mut errors: Vec<ErrorReport> = a.codes.iter().map(|c| error_report(a, c, limits)).collect();
        let scan_flow = crate::flow::evaluate(a, crate::flow::client_scan());
        let sync_flow = crate::flow::evaluate(a, crate::flow::wsus_sync());
        let mut updates = crate::updates::collect(a);
        let updates_total = updates.len();
        updates.truncate(limits.updates);
        let configuration = crate::config::ConfigReport::build(a);
        let findings = crate::rules::evaluate(a, &scan_flow, &sync_flow, &configuration);
        // Most significant first: the failed step's codes, then codes behind a finding, then
        // codes the knowledge base has guidance for, then by count. (A busy log's most frequent
        // code is often noise: E_FAIL in CBS.log, metadata signature checks in WindowsUpdate.log.)
        let mut failed_codes: Vec<String> =
            scan_flow.failed_step_codes(a).iter().chain(&sync_flow.failed_step_codes(a)).map(|c| format!("0x{c:08X}")).collect();
        failed_codes.dedup();
        let finding_codes: Vec<&String> = findings.iter().filter(|f| f.severity != "info").flat_map(|f| &f.codes).collect();
        let rank = |e: &ErrorReport| {
            let failed = failed_codes.iter().position(|c| *c == e.code).unwrap_or(usize::MAX);
            let finding = finding_codes.iter().position(|c| **c == e.code).unwrap_or(usize::MAX);
            let guidance = !e.kb.is_some_and(|k| k.has_guidance());
            (failed, finding, guidance)
        };
        errors.sort_by(|x, y| rank(x).cmp(&rank(y)).then(y.count.cmp(&x.count)).then(x.code.cmp(&y.code)));
        let times: Vec<(i64, usize, usize)> = a
            .files
            .iter()
            .enumerate()
            .flat_map(|(fi, f)| {
                let first = f.entries.iter().position(|e| e.has_time()).map(|i| (f.utc_ms(&f.entries[i]).unwrap(), fi, i));
                let last = f.entries.iter().rposition(|e| e.has_time()).map(|i| (f.utc_ms(&f.entries[i]).unwrap(), fi, i));
                first.into_iter().chain(last)
            })
            .collect();
        let first_time = times.iter().min().and_then(|&(_, f, e)| time_of(&a.files[f], e));
        let last_time = times.iter().max().and_then(|&(_, f, e)| time_of(&a.files[f], e));
        let next_checks = crate::rules::next_checks(&scan_flow, &sync_flow, &findings, &errors);
        let (status, verdict) = crate::rules::verdict(a, &scan_flow, &sync_flow, &findings, &errors);
        Report {
            tool: Tool { name: "wulens", version: env!("CARGO_PKG_VERSION") },
            summary: Summary {
                status,
                verdict,
                files: a.files.len(),
                lines: a.files.iter().map(|f| f.physical_lines as u64).sum(),
                entries: a.files.iter().map(|f| f.parsed_entries() as u64).sum(),
                distinct_errors: errors.len(),
                first_time,
                last_time,
            },
            files,
            warnings: a.warnings.clone(),
            errors,
            scan_flow,
            sync_flow,
            findings,
            updates,
            updates_total,
            configuration,
            next_checks,
        }
    }
}
