//! Delivery Optimization's log as `Get-DeliveryOptimizationLog` hands it over, saved as text.
//! The cmdlet decodes the service's ETW traces (`dosvc.*.etl`) into records with the properties
//! `TimeCreated`, `ProcessId`, `ThreadId`, `Level`, `LevelName`, `Message`, `Function`,
//! `LineNumber` and `ErrorCode`. Admins save them in three shapes, all read here:
//!
//! - one line per record, the record's own string form (`| Set-Content do.log`, as Microsoft's
//!   monitoring page suggests, or lines as `Select-String` prints them): the time in UTC with
//!   seven decimals and `Z`, PID and TID in hex, the level's name, `{Function}`, the message:
//!   `2022-02-05T00:03:16.9642216Z  AC8 4618     Info {CBackgroundCopyJob::Resume} Job ... Resume, hr = 0`
//!   (earlier builds wrote no level: `2020-03-04T04:43:32.4371455Z 1B78 EF8 {} (null) [...] (hr:80070005)`);
//! - Format-List blocks (`| Out-File do.log`, `| Format-List`): one `Name : value` line per
//!   property, a long or multi-line value continued on indented lines, records apart by a blank
//!   line; `TimeCreated` is written in the culture's date format without an offset, read as the
//!   other logs' local times are;
//! - CSV (`| Export-Csv`): a header row naming the properties, one quoted row per record (a
//!   message with line breaks stays inside its quotes).
//!
//! Each record is one entry: its time, the thread, the level (`LevelName`, else `Level`: 1-2
//! error, 3 warning), the function as component and the message with its function, so that
//! data can name a trace by its function (`{Function} message` in the one-line form; in the
//! Format-List and CSV shapes the message runs on through `Function` and a stated `ErrorCode`,
//! whose code is then found with the message).
//! Lines that are none of these stay unparsed text (a blank line belongs to the record before).

use super::builder::Builder;
use super::bytes::{skip_ws, token_end};
use crate::model::lines::Line;
use crate::model::time::LocalMs;
use crate::model::{Entry, Severity, NO_COMPONENT, NO_OFFSET, NO_TIME};

/// The properties of a record, in the order the cmdlet writes them.
const PROPERTIES: [&str; 9] = ["TimeCreated", "ProcessId", "ThreadId", "Level", "LevelName", "Message", "Function", "LineNumber", "ErrorCode"];

/// The longest CSV row read as one record (a message with line breaks in its quotes).
const MAX_ROW: usize = 64 * 1024;

/// How many leading lines detection reads.
const DETECT_LINES: usize = 200;

/// Whether `head` (a file's first lines) is a Delivery Optimization log in one of its shapes:
/// a fifth of its lines in the one-line form, a Format-List record that names the properties
/// only this log has together (`TimeCreated`, `LevelName`, `Function`), or a CSV header naming them.
pub fn is_layout(head: &str) -> bool {
    let (mut seen, mut lines, mut keys) = (0usize, 0usize, [false; 3]);
    for l in head.lines().map(|l| l.trim_start_matches('\u{FEFF}').trim_end()).filter(|l| !l.is_empty()).take(DETECT_LINES) {
        seen += 1;
        let b = l.as_bytes();
        if line_header(b).is_some() {
            lines += 1;
        } else if seen <= 3 && csv_header(b).is_some() {
            return true;
        } else if let Some((key, _)) = property(b) {
            for (k, name) in ["TimeCreated", "LevelName", "Function"].iter().enumerate() {
                keys[k] |= key == name.as_bytes();
            }
        }
    }
    (lines > 0 && lines * 5 >= seen) || keys.iter().all(|&k| k)
}

/// The start of a record in the one-line form.
struct LineHeader {
    time: LocalMs,
    offset: i16,
    thread: u32,
    severity: Severity,
    component: std::ops::Range<usize>,
    msg_start: usize,
}

/// `2022-02-05T00:03:16.9642216Z  AC8 4618     Info {Function} message` (or an ISO offset in
/// place of the `Z`).
fn line_header(b: &[u8]) -> Option<LineHeader> {
    let (time, clock_end) = super::bytes::date_time(b, b'-', b'T')?;
    let (offset, mut i) = iso_offset(b, clock_end)?;
    let mut hex = [0u32; 2];
    for v in &mut hex {
        let start = skip_ws(b, i);
        let end = token_end(b, start);
        if start == i || end == start || end - start > 8 {
            return None;
        }
        *v = u32::from_str_radix(std::str::from_utf8(&b[start..end]).ok()?, 16).ok()?;
        i = end;
    }
    // Builds before 2021 wrote no level: a failure trace says `(hr:80070005)`.
    let level_start = skip_ws(b, i);
    if level_start == i {
        return None;
    }
    let (severity, msg_start) = if b.get(level_start) == Some(&b'{') {
        let failure = memchr::memmem::find(&b[level_start..], b"(hr:").is_some();
        (if failure { Severity::Error } else { Severity::Info }, level_start)
    } else {
        let level_end = token_end(b, level_start);
        (level_name(&b[level_start..level_end])?, skip_ws(b, level_end))
    };
    let mut component = 0..0;
    // The message keeps `{Function}` before it: data names a trace by its function.
    if b.get(msg_start) == Some(&b'{') {
        if let Some(close) = memchr::memchr(b'}', &b[msg_start..]) {
            component = msg_start + 1..msg_start + close;
        }
    }
    Some(LineHeader { time, offset, thread: hex[1], severity, component, msg_start })
}

/// `Z` or `+hh:mm` / `-hh:mm` at `i`: the offset in minutes and the index past it.
fn iso_offset(b: &[u8], i: usize) -> Option<(i16, usize)> {
    match b.get(i)? {
        b'Z' => Some((0, i + 1)),
        &sign @ (b'+' | b'-') => {
            let (h, _) = crate::model::time::digits(b.get(i + 1..)?, 2, true)?;
            if b.get(i + 3) != Some(&b':') {
                return None;
            }
            let (m, _) = crate::model::time::digits(b.get(i + 4..)?, 2, true)?;
            let minutes = (h * 60 + m) as i16;
            Some((if sign == b'-' { -minutes } else { minutes }, i + 6))
        }
        _ => None,
    }
}

/// A level's name as the cmdlet writes it.
fn level_name(word: &[u8]) -> Option<Severity> {
    match word {
        b"Critical" | b"Error" => Some(Severity::Error),
        b"Warning" => Some(Severity::Warning),
        b"Info" | b"Information" | b"Informational" | b"Verbose" | b"LogAlways" => Some(Severity::Info),
        _ => None,
    }
}

/// A Format-List line `Name   : value` at the start of a line: the name and where the value starts.
fn property(b: &[u8]) -> Option<(&[u8], usize)> {
    let name_end = b.iter().position(|c| !c.is_ascii_alphabetic())?;
    let colon = skip_ws(b, name_end);
    if name_end == 0 || b.get(colon) != Some(&b':') || !matches!(b.get(colon + 1), None | Some(b' ')) {
        return None;
    }
    Some((&b[..name_end], skip_ws(b, colon + 1)))
}

/// The columns of a CSV header row that names the record's properties (`"TimeCreated",...`).
fn csv_header(b: &[u8]) -> Option<Vec<usize>> {
    let fields = csv_fields(b, 0)?.0;
    let names: Vec<&[u8]> = fields.iter().map(|r| &b[r.clone()]).collect();
    let col = |name: &str| names.iter().position(|n| *n == name.as_bytes());
    if col("TimeCreated").is_none() || col("Message").is_none() || col("LevelName").is_none() {
        return None;
    }
    Some(PROPERTIES.iter().map(|p| col(p).unwrap_or(usize::MAX)).collect())
}

/// The fields of a CSV record from `from` (each field's value without its quotes) and the
/// index just past the record; `None` when a quoted field is not closed in `b`.
fn csv_fields(b: &[u8], from: usize) -> Option<(Vec<std::ops::Range<usize>>, usize)> {
    let mut fields = Vec::new();
    let mut i = from;
    loop {
        let (field, next) = if b.get(i) == Some(&b'"') {
            let mut j = i + 1;
            loop {
                j += memchr::memchr(b'"', b.get(j..)?)?;
                if b.get(j + 1) == Some(&b'"') {
                    j += 2;
                } else {
                    break;
                }
            }
            (i + 1..j, j + 1)
        } else {
            let end = memchr::memchr3(b',', b'\n', b'\r', &b[i..]).map_or(b.len(), |k| i + k);
            (i..end, end)
        };
        fields.push(field);
        match b.get(next) {
            Some(b',') => i = next + 1,
            _ => return Some((fields, next)),
        }
    }
}

/// Which property a Format-List continuation line continues.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Message,
    Other,
}

/// Parse Delivery Optimization log text in any of its three shapes (one line per record,
/// Format-List, CSV) from `b.start`, one entry per record.
pub fn parse(b: &mut Builder) {
    let text = b.text;
    let bytes = text.as_bytes();
    let mut lines = b.lines(b.start);
    // The property a Format-List record's indented lines continue, while one is open.
    let mut field: Option<Field> = None;
    // The columns of a CSV header seen before.
    let mut csv: Option<Vec<usize>> = None;
    while let Some(l) = lines.next() {
        let line = &bytes[l.start..l.end];
        if super::bytes::is_blank(line) {
            b.unparsed(&l);
        } else if let Some(h) = line_header(line) {
            field = None;
            b.line_record(&l, h.msg_start, h.time, h.offset, h.component, h.thread, h.severity);
        } else if let Some(cols) = csv_header(line) {
            csv = Some(cols);
            field = None;
            b.unparsed(&l);
        } else if let Some((name, value)) = property(line) {
            list_property(b, &l, name, value, &mut field);
        } else if field.is_some() && matches!(line.first(), Some(b' ' | b'\t')) && b.last_record().is_some() {
            let message = field == Some(Field::Message);
            b.continue_last(&l, message);
        } else if let Some(cols) = &csv {
            csv_row(b, &l, &mut lines, cols);
        } else {
            b.unparsed(&l);
        }
    }
}

/// A `Name : value` line of a Format-List record: `TimeCreated` (or any property where no
/// record is open) begins a record, the others fill the open one.
fn list_property(b: &mut Builder, l: &Line, name: &[u8], value: usize, field: &mut Option<Field>) {
    let text = b.text;
    let v = &text.as_bytes()[l.start + value..l.end];
    let known = PROPERTIES.iter().any(|p| p.as_bytes() == name);
    if name == b"TimeCreated" || (field.is_none() || b.last_record().is_none()) && known {
        let (time, offset) = if name == b"TimeCreated" { culture_time(v) } else { (NO_TIME, NO_OFFSET) };
        let at = (l.start + value) as u32;
        let e = Entry {
            start: l.start as u32,
            end: l.end as u32,
            msg_start: at,
            msg_end: l.end as u32,
            time,
            offset,
            component: NO_COMPONENT,
            severity: Severity::Info,
            ..Entry::unparsed(0, 0, 0)
        };
        b.record(e, 1);
        *field = Some(Field::Other);
        if name != b"TimeCreated" {
            fill(b, name, v, l, value);
        }
        return;
    }
    if field.is_none() || !b.continue_last(l, false) {
        b.unparsed(l);
        return;
    }
    *field = Some(if name == b"Message" { Field::Message } else { Field::Other });
    fill(b, name, v, l, value);
}

/// The open record takes what property `name` says (its value `v`, at `value` in line `l`).
fn fill(b: &mut Builder, name: &[u8], v: &[u8], l: &Line, value: usize) {
    let component = (name == b"Function" && !v.is_empty()).then(|| b.component(std::str::from_utf8(v).unwrap_or("")));
    let Some(e) = b.out.entries.last_mut() else { return };
    match name {
        b"ThreadId" => e.thread = number(v).unwrap_or(0),
        b"Level" => e.severity = number(v).map_or(Severity::Info, |n| Severity::of_event_level(n.min(255) as u8)),
        b"LevelName" => e.severity = level_name(v).unwrap_or(e.severity),
        b"Message" => {
            e.msg_start = (l.start + value) as u32;
            e.msg_end = l.end as u32;
        }
        b"Function" => {
            e.component = component.unwrap_or(NO_COMPONENT);
            e.msg_end = l.end as u32;
        }
        // A stated code is read with the message.
        b"ErrorCode" if !v.is_empty() && number(v) != Some(0) => e.msg_end = l.end as u32,
        _ => {}
    }
}

/// A CSV row under a header with the columns `cols`; a quoted message with line breaks takes
/// the lines after it.
fn csv_row(b: &mut Builder, l: &Line, lines: &mut crate::model::lines::Lines, cols: &[usize]) {
    let text = b.text;
    // A row ends at a line's end, within a bound (an unclosed quote takes no more than that).
    let row =
        csv_fields(text.as_bytes(), l.start).filter(|(_, end)| end - l.start <= MAX_ROW && matches!(text.as_bytes().get(*end), None | Some(b'\r' | b'\n')));
    let Some((fields, end)) = row else {
        b.unparsed(l);
        return;
    };
    let at = |p: usize| cols.get(p).and_then(|&c| fields.get(c)).cloned();
    let value = |p: usize| at(p).map_or(&b""[..], |r| &text.as_bytes()[r]);
    let (time, offset) = culture_time(value(0));
    let severity = level_name(value(4)).or_else(|| number(value(3)).map(|n| Severity::of_event_level(n.min(255) as u8))).unwrap_or(Severity::Info);
    let function = std::str::from_utf8(value(6)).unwrap_or("");
    let component = if function.is_empty() { NO_COMPONENT } else { b.component(function) };
    let msg = at(5).unwrap_or(l.start..l.start);
    let code = value(8);
    let mut msg_end = at(6).map_or(msg.end, |r| r.end.max(msg.end));
    if !code.is_empty() && number(code) != Some(0) {
        msg_end = at(8).map_or(msg_end, |r| r.end.max(msg_end));
    }
    let e = Entry {
        start: l.start as u32,
        end: l.end as u32,
        msg_start: msg.start as u32,
        msg_end: l.end.min(msg_end) as u32,
        time,
        offset,
        component,
        thread: number(value(2)).unwrap_or(0),
        severity,
        ..Entry::unparsed(0, 0, 0)
    };
    b.record(e, 1);
    // The row's other lines: inside a quoted field.
    while b.last_record().is_some_and(|e| (e.end as usize) < end) {
        let Some(next) = lines.next() else { break };
        b.continue_last(&next, false);
    }
    if let Some(e) = b.out.entries.last_mut() {
        e.msg_end = (msg_end as u32).clamp(e.msg_start, e.end);
    }
}

/// A decimal or `0x` hex number (`4`, `0x80D02002`, `-2133843966` as its 32 bits).
fn number(v: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(v).ok()?.trim();
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).ok();
    }
    s.parse::<u32>().ok().or_else(|| s.parse::<i32>().ok().map(|n| n as u32))
}

/// `TimeCreated` as PowerShell writes a date in the culture it ran in: `2/5/2022 12:03:16 AM`
/// (month first where the clock has AM/PM), `05/02/2022 00:03:16` and `05.02.2022 00:03:16`
/// (day first), `2022-02-05 00:03:16`, or the ISO form (with its offset). The time, and the
/// offset where the text states one.
fn culture_time(v: &[u8]) -> (LocalMs, i16) {
    if let Some(h) = super::bytes::date_time(v, b'-', b'T') {
        if let Some((o, _)) = iso_offset(v, h.1) {
            return (h.0, o);
        }
        return (h.0, NO_OFFSET);
    }
    if let Some((t, _)) = super::bytes::date_time(v, b'-', b' ') {
        return (t, NO_OFFSET);
    }
    (dmy_time(v).unwrap_or(NO_TIME), NO_OFFSET)
}

/// `M/D/YYYY h:mm:ss AM`, `DD/MM/YYYY HH:mm:ss`, `DD.MM.YYYY HH:mm:ss`.
fn dmy_time(v: &[u8]) -> Option<LocalMs> {
    let s = std::str::from_utf8(v).ok()?.trim();
    let (date, rest) = s.split_once(' ')?;
    let sep = if date.contains('/') { '/' } else { '.' };
    let mut parts = date.split(sep).map(|p| p.parse::<u32>().ok());
    let (a, b, y) = (parts.next()??, parts.next()??, parts.next()??);
    let rest = rest.trim_start();
    let (h, mi, sec, ms, n) = crate::model::time::parse_clock(rest.as_bytes())?;
    let meridiem = rest[n..].trim().to_ascii_uppercase();
    let h = match meridiem.as_str() {
        "AM" if h == 12 => 0,
        "PM" if h < 12 => h + 12,
        _ => h,
    };
    // AM/PM is the US clock, whose dates are month first; else day first, unless it cannot be.
    let month_first = sep == '/' && (!meridiem.is_empty() || b > 12) && a <= 12;
    let (m, d) = if month_first { (a, b) } else { (b, a) };
    crate::model::time::local_ms(y as i32, m, d, h, mi, sec, ms)
}

/// Whether the parsed records of `entries` state their times in UTC (the one-line form), so
/// that the file's times are UTC by format and say nothing of the machine's clock.
pub fn utc(entries: &[Entry]) -> bool {
    let mut timed = entries.iter().filter(|e| e.parsed && e.has_time()).peekable();
    timed.peek().is_some() && timed.all(|e| e.offset == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::local_ms;
    use crate::model::LogFormat;
    use crate::read::parse::test_support::parse_checked;

    const ONE_LINE: &str = "2022-02-05T00:03:16.9641605Z  AC8 4618     Info {CBackgroundCopyJob::_InternalCreateDownload} New download: jobId = 192e1997-7b9f-4cb4-93e7-a7c19bf06c94\r\n\
        2022-02-05T00:03:17.0011000Z  AC8 40C8  Warning {CHttpDownloader::_OnRequestComplete} hr = 80d05011, job failed\r\n\
        \r\n";

    #[test]
    fn one_line_records_are_utc_entries() {
        assert!(is_layout(ONE_LINE));
        let p = parse_checked(LogFormat::DeliveryOptimization, ONE_LINE);
        assert_eq!(p.entries.len(), 2, "the blank line goes with the record before it");
        let e = p.entries[1];
        assert_eq!((e.severity, e.thread, e.offset, e.lines), (Severity::Warning, 0x40C8, 0, 2));
        assert_eq!(e.time, local_ms(2022, 2, 5, 0, 3, 17, 1).unwrap());
        assert_eq!(p.components[e.component as usize], "CHttpDownloader::_OnRequestComplete");
        assert_eq!(&ONE_LINE[e.msg_start as usize..e.msg_end as usize], "{CHttpDownloader::_OnRequestComplete} hr = 80d05011, job failed");
        assert!(utc(&p.entries));
        // Without a level column (earlier builds): a failure trace is an error.
        let old = "2020-03-04T04:43:32.4368707Z 1B78 EF8 {ServiceMain} *** Starting service ***\n2020-03-04T04:43:32.4371455Z 1B78 EF8 {} (null) [x.cpp] (hr:80070005)\n";
        assert!(is_layout(old));
        let p = parse_checked(LogFormat::DeliveryOptimization, old);
        assert_eq!(
            p.entries.iter().map(|e| (e.parsed, e.severity, e.component)).collect::<Vec<_>>(),
            [(true, Severity::Info, 0), (true, Severity::Error, NO_COMPONENT)]
        );
    }

    const LIST: &str = "\r\n\r\nTimeCreated : 2/5/2022 12:03:17 PM\r\nProcessId   : 2760\r\nThreadId    : 16584\r\nLevel       : 2\r\n\
        LevelName   : Error\r\nMessage     : Job 192e1997 failed, hr = 0x80d02002\r\n              and a second line\r\n\
        Function    : CDownloadJob::_OnFailure\r\nLineNumber  : 812\r\nErrorCode   : 0x80D02002\r\n\r\n\
        TimeCreated : 2/5/2022 12:03:18 PM\r\nProcessId   : 2760\r\nThreadId    : 16584\r\nLevel       : 4\r\nLevelName   : Info\r\n\
        Message     : Done\r\nFunction    : CDownloadJob::Done\r\nLineNumber  : 90\r\nErrorCode   : \r\n";

    #[test]
    fn a_format_list_record_is_one_entry() {
        assert!(is_layout(LIST));
        let p = parse_checked(LogFormat::DeliveryOptimization, LIST);
        let records: Vec<_> = p.entries.iter().filter(|e| e.parsed).collect();
        assert_eq!(records.len(), 2);
        let e = records[0];
        assert_eq!((e.severity, e.thread, e.offset, e.lines), (Severity::Error, 16584, NO_OFFSET, 11));
        assert_eq!(e.time, local_ms(2022, 2, 5, 12, 3, 17, 0).unwrap());
        assert_eq!(p.components[e.component as usize], "CDownloadJob::_OnFailure");
        let msg = &LIST[e.msg_start as usize..e.msg_end as usize];
        assert!(msg.starts_with("Job 192e1997 failed") && msg.contains("a second line") && msg.ends_with("0x80D02002"), "{msg}");
        let done = &LIST[records[1].msg_start as usize..records[1].msg_end as usize];
        assert_eq!(done, "Done\r\nFunction    : CDownloadJob::Done", "no code stated: the message and its function");
        assert!(!utc(&p.entries));
    }

    #[test]
    fn csv_rows_are_entries_and_a_quoted_break_stays_in_its_row() {
        let csv = "#TYPE Microsoft.Windows.DeliveryOptimization.LogEntry\r\n\
            \"TimeCreated\",\"ProcessId\",\"ThreadId\",\"Level\",\"LevelName\",\"Message\",\"Function\",\"LineNumber\",\"ErrorCode\"\r\n\
            \"05.02.2022 13:03:17\",\"2760\",\"100\",\"3\",\"Warning\",\"two\r\nlines, \"\"quoted\"\"\",\"CFoo::Bar\",\"12\",\"-2133843966\"\r\n\
            \"05.02.2022 13:03:18\",\"2760\",\"100\",\"4\",\"Info\",\"ok\",\"CFoo::Baz\",\"13\",\"\"\r\n";
        assert!(is_layout(csv));
        let p = parse_checked(LogFormat::DeliveryOptimization, csv);
        let records: Vec<_> = p.entries.iter().filter(|e| e.parsed).collect();
        assert_eq!(records.len(), 2);
        assert_eq!((records[0].lines, records[0].severity, records[0].thread), (2, Severity::Warning, 100));
        assert_eq!(records[0].time, local_ms(2022, 2, 5, 13, 3, 17, 0).unwrap());
        let msg = &csv[records[0].msg_start as usize..records[0].msg_end as usize];
        assert!(msg.starts_with("two\r\nlines") && msg.ends_with("-2133843966"), "{msg}");
        assert_eq!(&csv[records[1].msg_start as usize..records[1].msg_end as usize], "ok\",\"CFoo::Baz");
    }

    #[test]
    fn garbled_lines_are_kept_and_other_logs_are_not_taken_for_it() {
        let text = format!("{ONE_LINE}@@ binary junk \u{1}\r\n2022-02-05T00:03:18Z  AC8 4618  Bogus {{X}} y\r\n");
        let p = parse_checked(LogFormat::DeliveryOptimization, &text);
        assert_eq!(p.entries.iter().filter(|e| !e.parsed).count(), 2, "kept as text");
        assert!(!is_layout("2024/05/02 14:43:56.6390016 4932  6608  SLS             Get response\n"));
        // Get-WinEvent | Format-List has TimeCreated but no LevelName / Function.
        assert!(!is_layout(
            "TimeCreated  : 5/2/2024 2:43:56 PM\nProviderName : Microsoft-Windows-WindowsUpdateClient\nLevelDisplayName : Information\nMessage : x\n"
        ));
    }

    #[test]
    fn dates_in_each_culture() {
        let t = |s: &str| culture_time(s.as_bytes()).0;
        let want = local_ms(2022, 2, 5, 13, 3, 16, 0).unwrap();
        for s in ["2/5/2022 1:03:16 PM", "05/02/2022 13:03:16", "05.02.2022 13:03:16", "2022-02-05 13:03:16", "2022-02-05T13:03:16Z"] {
            assert_eq!(t(s), want, "{s}");
        }
        assert_eq!(t("12/25/2022 12:00:00 AM"), local_ms(2022, 12, 25, 0, 0, 0, 0).unwrap());
        assert_eq!(t("25/12/2022 00:00:00"), local_ms(2022, 12, 25, 0, 0, 0, 0).unwrap());
        assert_eq!(t("not a date"), NO_TIME);
    }
}
