//! Binary Event Trace Logs (.etl), recognised by their first buffer's shape: decoded by
//! `wulens-etl` into the text `Get-WindowsUpdateLog` would write (`YYYY/MM/DD HH:MM:SS.fffffff
//! PID TID Component Message`, one line per event, times in UTC), which the WindowsUpdate.log
//! parser then reads like any other, so operations, flows and codes work unchanged. The events'
//! ETW levels raise the severity the text gives (1-2 error, 3 warning), and every entry states
//! UTC as its offset.

use std::fmt::Write;

use crate::model::{base_name, DecodeStats, LogFile, LogFormat, Severity, TextEncoding};
use crate::read::file;

/// How many of a trace's problems and undecoded providers the file's notes list.
const LISTED: usize = 5;

/// Decode an .etl file's bytes into a `LogFile`.
pub fn load(name: String, bytes: &[u8]) -> LogFile {
    let size = bytes.len() as u64;
    let base = base_name(&name).to_string();
    let trace = match wulens_etl::decode(bytes) {
        Ok(t) => t,
        Err(e) => {
            let note = format!(
                "{base} looks like an Event Trace Log (.etl), but {e}. If it is a Windows Update trace, run Get-WindowsUpdateLog in PowerShell on that machine and add the WindowsUpdate.log it writes."
            );
            return LogFile::skipped(name, LogFormat::Binary, size, note);
        }
    };
    if trace.records.is_empty() {
        let mut f = LogFile::skipped(name, LogFormat::Binary, size, empty_note(&base, &trace));
        f.notes.extend(damage_note(&trace, size));
        f.notes.extend(problem_notes(&trace));
        return f;
    }
    let mut text = String::with_capacity(trace.records.iter().map(|r| r.message.len() + 64).sum());
    for r in &trace.records {
        let component = one_token(&r.event);
        let _ = write!(text, "{} {:<5} {:<5} {:<15} ", r.time_text(), r.pid, r.tid, component);
        text.extend(r.message.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }));
        text.push('\n');
    }
    let mut f = file::from_text_as(name, TextEncoding::Utf8, size, text.into(), DecodeStats::default(), LogFormat::WindowsUpdateEtw);
    // The file was binary: no text encoding applies. Its times are UTC by format, whatever
    // the machine's zone (the other logs of the drop do not take their offset from it).
    f.encoding = None;
    f.offset.source = crate::model::OffsetSource::Utc;
    for e in f.entries.iter_mut().filter(|e| e.parsed) {
        // One line per event, in order: line n is record n-1.
        if let Some(r) = trace.records.get(e.line as usize - 1) {
            e.offset = 0;
            e.severity = e.severity.max(Severity::of_event_level(r.level));
        }
    }
    let mut notes = vec![summary(&trace)];
    if trace.header.events_lost > 0 {
        notes.push(format!("The trace's header says {} events of the session were not recorded: the log may have gaps.", trace.header.events_lost));
    }
    if !trace.undecoded.is_empty() {
        notes.push(undecoded_note(&trace));
    }
    if let Some(note) = damage_note(&trace, size) {
        notes.push(note);
    }
    notes.extend(problem_notes(&trace));
    notes.append(&mut f.notes);
    f.notes = notes;
    f
}

/// The component column is one token: blanks inside an event name become `_`.
fn one_token(s: &str) -> String {
    let t: String = s.chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect();
    if t.is_empty() {
        "-".into()
    } else {
        t
    }
}

fn summary(trace: &wulens_etl::Trace) -> String {
    let mut providers: Vec<&str> = Vec::new();
    for r in &trace.records {
        if !providers.contains(&r.provider.as_str()) {
            providers.push(&r.provider);
        }
    }
    let h = &trace.header;
    let offset = -h.tz_bias_minutes;
    format!(
        "Decoded from a binary ETW trace ({}{}, Windows build {}): {}, shown in Get-WindowsUpdateLog's layout with times in UTC. The machine's time zone was UTC{}{:02}:{:02} when it was recorded.",
        providers.iter().take(LISTED).copied().collect::<Vec<_>>().join(", "),
        if providers.len() > LISTED { ", ..." } else { "" },
        h.build,
        if trace.records.len() == 1 { "1 event".to_string() } else { format!("{} events", trace.records.len()) },
        if offset < 0 { '-' } else { '+' },
        offset.unsigned_abs() / 60,
        offset.unsigned_abs() % 60,
    )
}

fn undecoded_note(trace: &wulens_etl::Trace) -> String {
    let list: Vec<String> = trace.undecoded.iter().take(LISTED).map(|u| format!("{} × {} {}", u.count, u.kind.label(), u.provider)).collect();
    format!(
        "{} more events could not be decoded: their text is not in the file (WPP events need Microsoft's symbol files, manifest-based ones their provider's manifest): {}{}.",
        trace.undecoded_events(),
        list.join(", "),
        if trace.undecoded.len() > LISTED { ", ..." } else { "" }
    )
}

fn empty_note(base: &str, trace: &wulens_etl::Trace) -> String {
    if trace.wpp_only() {
        format!(
            "{base} is a WPP trace, the way Windows 10 1507 to 1703 and Windows Server 2016 write Windows Update logs: its {} events can be decoded only with Microsoft's symbol files, which are not in the file. Run Get-WindowsUpdateLog in PowerShell on that machine (it fetches the symbols from Microsoft) and add the WindowsUpdate.log it writes.",
            trace.undecoded_events()
        )
    } else if trace.undecoded_events() > 0 {
        format!("{base} is an Event Trace Log (.etl) with no event wulens can decode. {}", undecoded_note(trace))
    } else {
        format!("{base} is an Event Trace Log (.etl) with no events in it.")
    }
}

/// How much of the trace lay outside buffers whose headers make sense, and what was found there.
fn damage_note(trace: &wulens_etl::Trace, size: u64) -> Option<String> {
    (trace.damaged_bytes > 0).then(|| {
        format!(
            "{} of the trace's {} bytes are not in a buffer whose header makes sense (damaged headers, or a writer such as wusa.exe /log that leaves them inconsistent): {} records were recovered from them by their markers; anything else they held is lost.",
            trace.damaged_bytes, size, trace.recovered_records
        )
    })
}

fn problem_notes(trace: &wulens_etl::Trace) -> Vec<String> {
    let mut out: Vec<String> = trace.problems.iter().take(LISTED).map(|p| format!("The trace is damaged: {p}.")).collect();
    if trace.problems.len() > LISTED {
        out.push(format!("... and {} more problems in the trace.", trace.problems.len() - LISTED));
    }
    out
}
