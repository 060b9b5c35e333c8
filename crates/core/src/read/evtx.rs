//! Windows event logs (.evtx), recognised by their file header (`ElfFile\0`): read by the `evtx`
//! crate from the bytes (one thread, no file I/O) and rendered one event per line in
//! `Get-WindowsUpdateLog`'s layout (`YYYY/MM/DD HH:MM:SS.fffffff PID TID Provider Message`, times
//! in UTC), which the WindowsUpdate.log line parser reads, so the timeline, the code scan, the
//! operations and the rules work on events as on any log. Lines follow the record ids, not the
//! times (a machine's clock can go back inside a log). Each message starts with `Event <id>,
//! record <n>, <computer>, <level>:` and, for the events whose meaning Microsoft documents (see
//! `operations/eventlog.toml`), says it in words with the event's data; every other event keeps
//! its data as `name=value` pairs: no event is dropped for a provider wulens does not know.
//! Result codes are written as `0x%08X` (the XML holds some as signed decimals).
//!
//! The file header is not trusted: a log copied while Windows had it open has a stale one (it
//! counts fewer chunks and records than the file holds), so the crate walks every 64 KiB chunk the
//! file's size allows, and a file cut inside its last chunk has that chunk's whole records read.
//!
//! A [`Decoder`] reads the chunks a few at a time (the page's worker steps it, so that a big log
//! shows its progress and can be cancelled); [`load`] runs one to its end: the same file either
//! way.

use std::fmt::Write;
use std::io::Cursor;
use std::sync::Arc;

use evtx::err::EvtxError;
use serde_json::Value;

use crate::model::{base_name, DecodeStats, LogFile, LogFormat, OffsetSource, Severity, TextEncoding};
use crate::read::file;

const FILE_HEADER: usize = 4096;
const CHUNK: usize = 64 * 1024;
/// A chunk's header; a cut chunk shorter than this holds no record.
const CHUNK_HEADER: usize = 512;
/// How many reading problems the notes list.
const LISTED: usize = 3;

/// The first bytes of every .evtx file.
pub fn looks_like_evtx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"ElfFile\0")
}

/// One event, as the line shows it.
struct Event {
    record: u64,
    time: String,
    level: u8,
    line: String,
}

/// Decode an .evtx file's bytes into a `LogFile` (a [`Decoder`] run to its end).
pub fn load(name: String, bytes: &[u8]) -> LogFile {
    Decoder::new(name, bytes.to_vec()).finish()
}

/// How far a [`Decoder`] is: 64 KiB chunks read, of the chunks in the file (its size decides
/// how many, not its header).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecodeProgress {
    /// Chunks read so far (`total` once every chunk is read).
    pub done: u64,
    /// Chunks in the file.
    pub total: u64,
    /// Every chunk is read ([`Decoder::finish`] only makes the file).
    pub finished: bool,
}

/// An .evtx file decoded a few chunks at a time: [`Decoder::step`] until its progress is
/// `finished`, then [`Decoder::finish`] (which reads what is left). The page's worker steps it between
/// messages, so that a big log shows its progress and a cancel is seen at once; [`load`] runs
/// it in one go. It owns the file's bytes and drops them once every chunk is read.
pub struct Decoder {
    name: String,
    /// The file's size as given (before a cut chunk is completed).
    size: u64,
    /// The file ends inside a chunk.
    cut: bool,
    /// The header says the file was copied while the log was open.
    dirty: bool,
    settings: Arc<evtx::ParserSettings>,
    /// The chunks not read yet, in record order; `None` once all are read, or when the file
    /// cannot be opened (`unreadable`).
    chunks: Option<evtx::IntoIterChunks<Cursor<Vec<u8>>>>,
    /// Why the file cannot be read at all.
    unreadable: Option<String>,
    events: Vec<Event>,
    problems: Vec<String>,
    progress: DecodeProgress,
}

impl Decoder {
    /// A decoder of an .evtx file's bytes: its header is read, no chunk yet.
    pub fn new(name: String, mut data: Vec<u8>) -> Decoder {
        let size = data.len() as u64;
        // A file cut inside a chunk: the crate reads whole chunks only, so the cut one is
        // completed with zeros (its records that were copied whole are read; the one cut in two
        // is reported).
        let tail = data.len().saturating_sub(FILE_HEADER) % CHUNK;
        let cut = data.len() > FILE_HEADER && tail != 0;
        if cut && tail >= CHUNK_HEADER {
            data.resize(data.len() + CHUNK - tail, 0);
        }
        let total = (data.len().saturating_sub(FILE_HEADER) / CHUNK) as u64;
        let settings = evtx::ParserSettings::new().num_threads(1);
        let mut d = Decoder {
            name,
            size,
            cut,
            dirty: false,
            settings: Arc::new(settings.clone()),
            chunks: None,
            unreadable: None,
            events: Vec::new(),
            problems: Vec::new(),
            progress: DecodeProgress { done: 0, total, finished: false },
        };
        match evtx::EvtxParser::from_buffer(data) {
            Ok(p) => {
                d.dirty = p.header().flags.bits() & 1 != 0;
                d.chunks = Some(p.with_configuration(settings).into_chunks());
            }
            Err(e) => {
                d.unreadable = Some(e.to_string());
                d.progress = DecodeProgress { done: 0, total: 0, finished: true };
            }
        }
        d
    }

    /// Read up to `chunks` more chunks (at least one); how far it is then.
    pub fn step(&mut self, chunks: usize) -> DecodeProgress {
        for _ in 0..chunks.max(1) {
            let Some(iter) = self.chunks.as_mut() else { break };
            match iter.next() {
                Some(chunk) => {
                    self.read_chunk(chunk);
                    self.progress.done = (self.progress.done + 1).min(self.progress.total);
                }
                None => {
                    // The bytes go now, before the text is made.
                    self.chunks = None;
                    self.progress.done = self.progress.total;
                    self.progress.finished = true;
                }
            }
        }
        self.progress
    }

    /// One chunk's events, or what kept it (or a record of it) from being read.
    fn read_chunk(&mut self, chunk: Result<evtx::EvtxChunkData, EvtxError>) {
        let mut data = match chunk {
            Ok(data) => data,
            Err(e) => return self.problems.push(e.to_string()),
        };
        let number = data.number.unwrap_or_default();
        let mut chunk = match data.parse(Arc::clone(&self.settings)) {
            Ok(chunk) => chunk,
            Err(e) => return self.problems.push(EvtxError::FailedToParseChunk { chunk_id: number, source: Box::new(e) }.to_string()),
        };
        for record in chunk.iter() {
            // As the crate's own record iterators: a record carved from free space that cannot
            // be rendered is noise, not a problem (none is carved: `recover_records` is off).
            let recovered = record.as_ref().is_ok_and(|r| r.recovered);
            match record.and_then(|r| r.into_json_value()) {
                Ok(r) => self.events.push(render(r.event_record_id, &r.timestamp, &r.data)),
                Err(e) if !recovered => self.problems.push(e.to_string()),
                Err(_) => {}
            }
        }
    }

    /// Read what is left, then make the `LogFile`: one line per event, in record order.
    pub fn finish(mut self) -> LogFile {
        while !self.progress.finished {
            self.step(64);
        }
        let Decoder { name, size, cut, dirty, mut events, problems, unreadable, .. } = self;
        let base = base_name(&name).to_string();
        if let Some(e) = unreadable {
            let note = format!("{base} looks like a Windows event log (.evtx), but it cannot be read ({e}): the file is damaged or cut short. Copy it again (wevtutil epl <channel> <file>.evtx exports a clean copy) and add it.");
            return LogFile::skipped(name, LogFormat::Binary, size, note);
        }
        // Record ids, not times, give the order: the clock can go back within a log.
        events.sort_by_key(|e| e.record);
        events.dedup_by_key(|e| e.record);
        if events.is_empty() {
            let mut f = LogFile::skipped(
                name,
                LogFormat::EventLog,
                size,
                format!("{base} is a Windows event log (.evtx) with no events in it: no Windows Update activity (nor anything else) was recorded in it."),
            );
            f.notes.extend(problem_notes(&problems, cut));
            return f;
        }
        let mut text = String::with_capacity(events.iter().map(|e| e.line.len() + 64).sum());
        for e in &events {
            text.push_str(&e.time);
            text.push(' ');
            text.push_str(&e.line);
            text.push('\n');
        }
        let mut f = file::from_text_as(name, TextEncoding::Utf8, size, text.into(), DecodeStats::default(), LogFormat::EventLog);
        // The file was binary: no text encoding applies, and its times are UTC by format.
        f.encoding = None;
        f.offset.source = OffsetSource::Utc;
        for e in f.entries.iter_mut().filter(|e| e.parsed) {
            // One line per event, in order: line n is event n-1.
            if let Some(ev) = events.get(e.line as usize - 1) {
                e.offset = 0;
                e.severity = Severity::of_event_level(ev.level);
            }
        }
        let mut notes = vec![summary(&events, dirty)];
        notes.extend(problem_notes(&problems, cut));
        notes.append(&mut f.notes);
        f.notes = notes;
        f
    }
}

fn level_word(level: u8) -> &'static str {
    match level {
        1 => "Critical",
        2 => "Error",
        3 => "Warning",
        5 => "Verbose",
        _ => "Information",
    }
}

fn summary(events: &[Event], dirty: bool) -> String {
    let first = events.first().map_or(0, |e| e.record);
    let last = events.last().map_or(0, |e| e.record);
    format!(
        "Read from a binary Windows event log (.evtx): {} event{} (records {first} to {last}), one per line in record order, times in UTC.{}",
        events.len(),
        if events.len() == 1 { "" } else { "s" },
        if dirty {
            " The file was copied while Windows had the log open (its header is marked dirty and may be stale): every chunk in the file was read, whatever the header counts."
        } else {
            ""
        }
    )
}

fn problem_notes(problems: &[String], cut: bool) -> Vec<String> {
    let mut out = Vec::new();
    if cut {
        out.push(
            "The file ends inside a 64 KB chunk: it was cut short while being copied. The events copied whole were read; the rest of that chunk is lost."
                .into(),
        );
    }
    if !problems.is_empty() {
        let listed: Vec<&str> = problems.iter().take(LISTED).map(String::as_str).collect();
        out.push(format!(
            "{} of the log could not be read (damaged or cut short): {}{}",
            crate::model::counted(problems.len(), "part", "parts"),
            listed.join("; "),
            if problems.len() > LISTED { "; ..." } else { "" }
        ));
    }
    out
}

/// `Event`'s system fields and data, rendered as one line after the time.
fn render(record: u64, time: &evtx::Timestamp, data: &Value) -> Event {
    let event = &data["Event"];
    let sys = &event["System"];
    let provider = attr(&sys["Provider"], "Name").unwrap_or_default();
    let short = short_provider(&provider);
    let id = number(&sys["EventID"]).unwrap_or(0);
    let level = number(&sys["Level"]).unwrap_or(4).min(255) as u8;
    let pid = attr(&sys["Execution"], "ProcessID").and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
    let tid = attr(&sys["Execution"], "ThreadID").and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
    let computer = scalar(&sys["Computer"]).unwrap_or_default();
    let fields = fields(event);
    let mut line = format!("{pid:<5} {tid:<5} {short:<15} Event {id}, record {record}, {}, {}: ", one_line(&computer), level_word(level));
    line.push_str(&message(&short, id, &fields));
    Event { record, time: clock(time), level, line: one_line(&line) }
}

/// `Microsoft-Windows-WindowsUpdateClient` → `WindowsUpdateClient`; blanks become `_` (the
/// component column is one token).
fn short_provider(p: &str) -> String {
    let s = p.strip_prefix("Microsoft-Windows-").unwrap_or(p);
    let s: String = s.chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect();
    if s.is_empty() {
        "-".into()
    } else {
        s
    }
}

/// The time in the layout's form, in UTC, to the 100 ns.
fn clock(t: &evtx::Timestamp) -> String {
    let secs = t.as_second();
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = crate::model::time::civil_from_days(days);
    let ticks = t.subsec_nanosecond().max(0) / 100;
    format!("{y:04}/{m:02}/{d:02} {:02}:{:02}:{:02}.{ticks:07}", rest / 3600, rest / 60 % 60, rest % 60)
}

/// An attribute of an element (`{"#attributes": {"Name": ...}}`), as text.
fn attr(v: &Value, name: &str) -> Option<String> {
    scalar(&v["#attributes"][name])
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(o) => o.get("#text").and_then(scalar),
        Value::Array(a) => Some(a.iter().filter_map(scalar).collect::<Vec<_>>().join(", ")),
        Value::Null => None,
    }
}

fn number(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        Value::Object(o) => o.get("#text").and_then(number),
        _ => None,
    }
}

/// The event's data as (name, value) in document order: `EventData`'s named items, or
/// `UserData`'s one element's children (Setup.evtx's servicing events), or `Data` items without
/// names as `Data1`, `Data2`, ... Result codes are normalised (see [`code_value`]).
fn fields(event: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let body = if event["EventData"].is_object() {
        &event["EventData"]
    } else if let Some(o) = event["UserData"].as_object() {
        o.values().next().unwrap_or(&Value::Null)
    } else {
        &Value::Null
    };
    let Some(o) = body.as_object() else { return out };
    for (k, v) in o {
        if k == "#attributes" {
            continue;
        }
        if k == "Data" {
            // Unnamed items: a list under `#text`, or one value.
            let items: Vec<String> = match v.get("#text").unwrap_or(v) {
                Value::Array(a) => a.iter().filter_map(scalar).collect(),
                other => scalar(other).into_iter().collect(),
            };
            for (i, s) in items.into_iter().enumerate() {
                out.push((format!("Data{}", i + 1), s));
            }
            continue;
        }
        let Some(s) = scalar(v) else { continue };
        let s = if is_code_field(k) {
            code_value(v).unwrap_or(s)
        } else if k == "Binary" {
            binary_text(&s)
        } else {
            s
        };
        out.push((k.clone(), s));
    }
    // The newer Setup.evtx schema writes a state as a number and its name beside it
    // (`IntendedPackageState` 5112, `IntendedPackageStateTextized` "Installed"): the name is kept.
    let named: Vec<(String, String)> = out.iter().filter_map(|(k, v)| Some((k.strip_suffix("Textized")?.to_string(), v.clone()))).collect();
    out.retain(|(k, _)| !k.ends_with("Textized"));
    for (k, v) in named {
        match out.iter_mut().find(|(x, _)| *x == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    out
}

/// An event's binary data: UTF-16 text where it is some (the Service Control Manager puts the
/// service's name there), else only its size.
fn binary_text(hex: &str) -> String {
    let bytes: Option<Vec<u8>> = (0..hex.len() / 2).map(|i| hex.get(2 * i..2 * i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    let Some(bytes) = bytes else { return format!("{} bytes", hex.len() / 2) };
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let text: String = char::decode_utf16(units.iter().copied().take_while(|&u| u != 0)).map(|c| c.unwrap_or('\u{FFFD}')).collect();
    if !text.is_empty() && text.chars().all(|c| !c.is_control() && c != '\u{FFFD}') {
        text
    } else {
        format!("{} bytes", bytes.len())
    }
}

/// Fields that hold a result code (`hr` of BITS, `errorCode` of the agent, `ErrorCode` of
/// servicing).
fn is_code_field(name: &str) -> bool {
    matches!(name.to_ascii_lowercase().as_str(), "errorcode" | "hr" | "hresult" | "resultcode" | "statuscode" | "error")
}

/// A code as `0x%08X`: signed or unsigned decimals (`-2147012866`, `2147954430`) and hex text.
fn code_value(v: &Value) -> Option<String> {
    let n: i64 = match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_u64().map(|u| u as i64))?,
        Value::String(s) => {
            let t = s.trim();
            match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                Some(h) => i64::from_str_radix(h, 16).ok()?,
                None => t.parse().ok()?,
            }
        }
        Value::Object(o) => return o.get("#text").and_then(code_value),
        _ => return None,
    };
    (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&n).then(|| format!("0x{:08X}", n as u32))
}

fn one_line(s: &str) -> String {
    s.chars().map(|c| if c == '\r' || c == '\n' || c == '\t' { ' ' } else { c }).collect()
}

/// The event in words where its meaning is documented (the template's `{name}`s are filled from
/// the data), then every field the template did not use as `name=value` (after ` | `).
fn message(provider: &str, id: u64, fields: &[(String, String)]) -> String {
    let template = TEMPLATES.iter().find(|(p, i, _)| *p == provider && *i == id).map(|(_, _, t)| *t);
    let mut used: Vec<&str> = Vec::new();
    let mut out = String::new();
    if let Some(t) = template {
        let mut rest = t;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else { break };
            let key = &rest[open + 1..open + close];
            let value = fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
            out.push_str(value.unwrap_or("?"));
            used.push(key);
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
    }
    // After ` | `, so that a template's last value (an update's title) ends where the line's
    // other data begins.
    let mut sep = if out.is_empty() { "" } else { " | " };
    for (k, v) in fields.iter().filter(|(k, _)| !used.contains(&k.as_str())) {
        let _ = write!(out, "{sep}{k}={v}");
        sep = "; ";
    }
    if out.is_empty() {
        out.push_str("(no event data)");
    }
    out
}

/// What the events we reason about mean, in our own words (sources: `operations/eventlog.toml`):
/// (provider without `Microsoft-Windows-`, event id, template).
const TEMPLATES: &[(&str, u64, &str)] = &[
    ("WindowsUpdateClient", 19, "Installation Successful: Windows Update installed the update: {updateTitle}"),
    ("WindowsUpdateClient", 20, "Installation Failure: error {errorCode}, Windows Update could not install the update: {updateTitle}"),
    ("WindowsUpdateClient", 25, "Search Failure: error {errorCode}, Windows Update could not check for updates"),
    ("WindowsUpdateClient", 26, "Search Successful: Windows Update found {updateCount} update(s)"),
    ("WindowsUpdateClient", 31, "Download Failure: error {errorCode}, Windows Update could not download the update: {updateTitle}"),
    ("WindowsUpdateClient", 41, "Download Successful: Windows Update downloaded the update: {updateTitle}"),
    ("WindowsUpdateClient", 43, "Installation Started: Windows Update began installing the update: {updateTitle}"),
    ("WindowsUpdateClient", 44, "Windows Update began downloading the update: {updateTitle}"),
    ("Servicing", 1, "Servicing request for package {PackageIdentifier}: from state {InitialPackageState} to {IntendedPackageState}, client {Client}"),
    ("Servicing", 2, "Servicing completed for package {PackageIdentifier}: state {IntendedPackageState}, result {ErrorCode}, client {Client}"),
    ("Servicing", 3, "Servicing failed for package {PackageIdentifier}: state {IntendedPackageState}, result {ErrorCode}, client {Client}"),
    ("Servicing", 4, "Servicing needs a restart for package {PackageIdentifier}: state {IntendedPackageState}, client {Client}"),
    ("Service_Control_Manager", 7031, "Service stopped unexpectedly: the {param1} service terminated unexpectedly ({param2} time(s))"),
    ("Service_Control_Manager", 7034, "Service stopped unexpectedly: the {param1} service terminated unexpectedly ({param2} time(s))"),
    ("Service_Control_Manager", 7040, "Service start type changed: the {param1} service's start type went from {param2} to {param3}"),
    ("Bits-Client", 59, "BITS job started: {name}, URL {url}"),
    ("Bits-Client", 60, "BITS job stopped: {name}, URL {url}, status {hr}"),
    ("Bits-Client", 61, "BITS job failed: {name}, URL {url}, error {hr}"),
];
