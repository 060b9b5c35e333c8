//! Windows Event Trace Log (.etl) files decoded from their bytes: no Windows, no I/O.
//!
//! An ETL file is a sequence of buffers, each starting with a 0x48-byte `WMI_BUFFER_HEADER`
//! (BufferSize at 0x00, SavedOffset at 0x04, BufferFlag at 0x34). Records inside a buffer are
//! 8-byte aligned and begin with a marker whose third byte is the header type. The first
//! record of the file is a system header whose payload is `TRACE_LOGFILE_HEADER` (start time,
//! clock, time zone). Events use `EVENT_HEADER`; a TraceLogging event carries its provider's
//! name and its own name and field types in extended data items, so it decodes without
//! manifests or symbols. WPP and manifest-based events cannot be decoded from the file alone:
//! they are counted per provider in [`Trace::undecoded`]. Compressed buffers (flag 0x40) are
//! XPRESS ("plain LZ77"), decompressed by [`xpress`].
//!
//! Hostile input never panics: anything inconsistent ends the buffer it is in with a message
//! in [`Trace::problems`], and everything decoded before it is kept. Where buffer headers lie
//! (a size that does not fit, a buffer that starts inside the one before it: damaged copies, and
//! traces such as `wusa.exe /log` writes), the reader looks for the next header that makes sense
//! and reads the records between by their markers ([`Trace::damaged_bytes`],
//! [`Trace::recovered_records`] say how much that concerned).

mod read;
pub mod time;
mod tlg;
pub mod xpress;

use std::collections::BTreeMap;

use read::{u16_at, u32_at, u64_at, Reader};

/// Size of `WMI_BUFFER_HEADER`.
pub const BUFFER_HEADER: usize = 0x48;
/// Buffer flag of a compressed buffer.
const FLAG_COMPRESSED: u16 = 0x40;
/// A decompressed buffer larger than this is refused (ETW buffers are at most a few MB).
const MAX_BUFFER: usize = 64 << 20;
const MAX_PROBLEMS: usize = 50;

/// What `TRACE_LOGFILE_HEADER` says about the trace.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LogfileHeader {
    /// FILETIME (UTC) the trace started.
    pub start_time: u64,
    /// FILETIME (UTC) the trace ended (0 while it was being written).
    pub end_time: u64,
    pub boot_time: u64,
    /// Timer resolution in 100 ns units.
    pub timer_resolution: u32,
    /// Frequency of the raw timestamps when they are QPC values.
    pub perf_freq: u64,
    /// 1: QPC, 2: system time (FILETIME), 3: CPU cycle counter.
    pub clock_type: u32,
    /// Minutes to add to local time to get UTC (`TIME_ZONE_INFORMATION.Bias`: 480 is UTC-08:00).
    pub tz_bias_minutes: i32,
    /// Windows build that wrote the trace (the header's provider version, e.g. 22631).
    pub build: u32,
    pub os_major: u8,
    pub os_minor: u8,
    pub log_file_mode: u32,
    pub buffer_size: u32,
    pub pointer_size: u32,
    pub cpu_mhz: u32,
    pub events_lost: u32,
    pub buffers_lost: u32,
    pub logger_name: String,
    pub log_file_name: String,
    /// Raw timestamp of the header record: the clock reading at `start_time`.
    pub sync_timestamp: u64,
}

/// One decoded event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// FILETIME, UTC.
    pub time: u64,
    pub pid: u32,
    pub tid: u32,
    /// The TraceLogging provider's name (or its GUID when the trace does not name it).
    pub provider: String,
    pub provider_guid: String,
    /// The event's name: for Windows Update's providers, the component (`Agent`, `ComApi`, ...).
    pub event: String,
    /// ETW level: 1 critical, 2 error, 3 warning, 4 information, 5 verbose.
    pub level: u8,
    /// The one string field `Info` (Windows Update's events), or the fields as `name=value`.
    pub message: String,
}

impl Record {
    /// `2025/10/08 21:03:26.9403716` in UTC.
    pub fn time_text(&self) -> String {
        time::gwul(self.time)
    }
}

/// Kinds of events that cannot be decoded from the file alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UndecodedKind {
    /// WPP (`TraceMessage`): the format strings live in Microsoft's symbol files.
    Wpp,
    /// `EVENT_HEADER` events without TraceLogging metadata (manifest-based providers).
    Manifest,
    /// Classic (MOF) events and other legacy header forms.
    Classic,
}

impl UndecodedKind {
    pub fn label(self) -> &'static str {
        match self {
            UndecodedKind::Wpp => "WPP",
            UndecodedKind::Manifest => "manifest-based",
            UndecodedKind::Classic => "classic (MOF)",
        }
    }
}

/// Events of one provider that were counted, not decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undecoded {
    /// The provider's GUID (for WPP, the message GUID), or a description when it has none.
    pub provider: String,
    pub kind: UndecodedKind,
    pub count: u64,
}

/// A decoded trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    pub header: LogfileHeader,
    /// Decoded events, ordered by time (the file holds one buffer stream per processor).
    pub records: Vec<Record>,
    pub undecoded: Vec<Undecoded>,
    /// Kernel and session records (system, compact, perfinfo headers), skipped.
    pub system_records: u64,
    pub buffers: u32,
    pub compressed_buffers: u32,
    /// What was wrong with the file, in words; decoding stopped in the buffer concerned.
    pub problems: Vec<String>,
    /// Bytes that lay outside any buffer whose header makes sense (damaged headers): searched
    /// for records by their markers.
    pub damaged_bytes: u64,
    /// Records (decoded or counted) found there.
    pub recovered_records: u64,
}

impl Trace {
    /// True when the trace holds events but none could be decoded and some are WPP: a
    /// Windows 10 1507–1703 (Server 2016) Windows Update trace.
    pub fn wpp_only(&self) -> bool {
        self.records.is_empty() && self.undecoded.iter().any(|u| u.kind == UndecodedKind::Wpp)
    }

    /// Number of events counted but not decoded.
    pub fn undecoded_events(&self) -> u64 {
        self.undecoded.iter().map(|u| u.count).sum()
    }
}

/// Why bytes could not be read as a trace at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EtlError {
    /// The bytes do not start with an ETW buffer holding a logfile header.
    NotEtl,
    /// The first buffer looks like a trace but its logfile header cannot be read.
    BadHeader(String),
}

impl std::fmt::Display for EtlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EtlError::NotEtl => write!(f, "not an Event Trace Log: the file does not start with an ETW buffer and its logfile header"),
            EtlError::BadHeader(why) => write!(f, "the trace's logfile header cannot be read: {why}"),
        }
    }
}

impl std::error::Error for EtlError {}

/// True when `bytes` start the way an ETL file does: a buffer header followed by the system
/// record that holds the logfile header. Looks at the first 0x68 bytes only.
pub fn looks_like_etl(bytes: &[u8]) -> bool {
    let (Some(size), Some(rec_size), Some(hook)) = (u32_at(bytes, 0), u16_at(bytes, 0x4C), u16_at(bytes, 0x4E)) else {
        return false;
    };
    let kind = bytes[0x4A];
    let flags = bytes[0x4B];
    size as usize >= BUFFER_HEADER + 0x20 && flags & 0xC0 == 0xC0 && (kind == 1 || kind == 2) && hook == 0 && rec_size as usize >= 0x20 + 0x100
}

/// Decode a whole .etl file.
pub fn decode(bytes: &[u8]) -> Result<Trace, EtlError> {
    if !looks_like_etl(bytes) {
        return Err(EtlError::NotEtl);
    }
    let header = logfile_header(bytes).map_err(EtlError::BadHeader)?;
    let mut d = Decoder { trace: Trace { header, ..Trace::default() }, raw: Vec::new(), undecoded: BTreeMap::new(), dropped_problems: 0 };
    let mut pos = 0usize;
    while pos < bytes.len() {
        let left = bytes.len() - pos;
        if left < BUFFER_HEADER {
            d.problem(format!("the file ends {left} bytes into a buffer header at offset {pos:#x} (truncated copy?)"));
            break;
        }
        let index = d.trace.buffers;
        let size = u32_at(bytes, pos).unwrap_or(0) as usize;
        if index > 0 && !plausible_buffer(bytes, pos) {
            pos = d.salvage(bytes, pos, index);
            continue;
        }
        if size < BUFFER_HEADER {
            d.problem(format!(
                "buffer {index} at offset {pos:#x} states a size of {size} bytes, smaller than its own header; the rest of the file was not read"
            ));
            break;
        }
        let avail = size.min(left);
        if size > left {
            d.problem(format!(
                "buffer {index} at offset {pos:#x} states {size} bytes but the file has only {left} left (truncated copy?); read as far as it goes"
            ));
        }
        let events_end = d.buffer(&bytes[pos..pos + avail], index, pos);
        d.trace.buffers += 1;
        // A buffer that starts where this one's events end, inside the size it states: the
        // size lied (the events between are read from there on).
        if let Some(next) = events_end.and_then(|e| next_buffer(bytes, pos + e, pos + avail)) {
            d.problem(format!("buffer {index} at offset {pos:#x} states {size} bytes, but another buffer starts at {next:#x}; read on from there"));
            pos = next;
            continue;
        }
        // Records past where the buffer says its events end, where only fill belongs: its
        // header lied (`wusa.exe /log` writes one that way); they are searched for by marker.
        if let Some(e) = events_end.filter(|&e| e < avail && stray_records(bytes, pos + e, pos + avail)) {
            pos = d.salvage(bytes, pos + e, d.trace.buffers);
            continue;
        }
        pos += avail;
    }
    Ok(d.finish())
}

struct Decoder {
    trace: Trace,
    /// Records with their raw timestamps, converted in `finish`.
    raw: Vec<(u64, Record)>,
    undecoded: BTreeMap<(UndecodedKind, String), u64>,
    dropped_problems: usize,
}

/// Header types (`TRACE_HEADER_TYPE_*`).
mod ht {
    pub const SYSTEM32: u8 = 1;
    pub const SYSTEM64: u8 = 2;
    pub const COMPACT32: u8 = 3;
    pub const COMPACT64: u8 = 4;
    pub const FULL_HEADER32: u8 = 10;
    pub const INSTANCE32: u8 = 11;
    pub const TIMED: u8 = 12;
    pub const ERROR: u8 = 13;
    pub const WNODE_HEADER: u8 = 14;
    pub const MESSAGE: u8 = 15;
    pub const PERFINFO32: u8 = 16;
    pub const PERFINFO64: u8 = 17;
    pub const EVENT_HEADER32: u8 = 18;
    pub const EVENT_HEADER64: u8 = 19;
    pub const FULL_HEADER64: u8 = 20;
    pub const INSTANCE64: u8 = 21;
}

impl Decoder {
    fn problem(&mut self, p: String) {
        if self.trace.problems.len() < MAX_PROBLEMS {
            self.trace.problems.push(p);
        } else {
            self.dropped_problems += 1;
        }
    }

    fn count(&mut self, kind: UndecodedKind, provider: String) {
        *self.undecoded.entry((kind, provider)).or_default() += 1;
    }

    /// Read the buffer; for one that is not compressed, where its events end (8-byte aligned).
    fn buffer(&mut self, buf: &[u8], index: u32, at: usize) -> Option<usize> {
        let saved = u32_at(buf, 4).unwrap_or(0) as usize;
        let flag = u16_at(buf, 0x34).unwrap_or(0);
        if flag & FLAG_COMPRESSED != 0 {
            self.trace.compressed_buffers += 1;
            if !(BUFFER_HEADER..=MAX_BUFFER).contains(&saved) {
                self.problem(format!("compressed buffer {index} at offset {at:#x} states an uncompressed size of {saved} bytes; skipped"));
                return None;
            }
            let (data, ok) = xpress::decompress(&buf[BUFFER_HEADER..], saved - BUFFER_HEADER);
            if !ok || data.len() != saved - BUFFER_HEADER {
                self.problem(format!(
                    "compressed buffer {index} at offset {at:#x} decompresses to {} of its {} bytes; read as far as it goes",
                    data.len(),
                    saved - BUFFER_HEADER
                ));
            }
            let mut whole = Vec::with_capacity(BUFFER_HEADER + data.len());
            whole.extend_from_slice(&buf[..BUFFER_HEADER]);
            whole.extend_from_slice(&data);
            self.records(&whole, BUFFER_HEADER, whole.len(), index, at);
            None
        } else {
            let end = if saved > buf.len() {
                if saved > u32_at(buf, 0).unwrap_or(0) as usize {
                    self.problem(format!("buffer {index} at offset {at:#x} states {saved} bytes of events, more than the buffer holds; read up to its end"));
                }
                buf.len()
            } else {
                saved
            };
            let reached = self.records(buf, BUFFER_HEADER, end, index, at);
            Some((reached.max(end) + 7) & !7)
        }
    }

    /// The bytes from `pos` do not start a buffer that makes sense: find the next one that
    /// does, and read the records in between by their markers. Returns where reading goes on.
    fn salvage(&mut self, bytes: &[u8], pos: usize, index: u32) -> usize {
        let next = next_buffer(bytes, pos + 8, bytes.len()).unwrap_or(bytes.len());
        let (before, events) = (self.recovered(), self.raw.len());
        let (problems, dropped) = (self.trace.problems.len(), self.dropped_problems);
        let mut p = pos;
        // Byte by byte: where headers lie, records need not keep the file's 8-byte alignment
        // (`wusa.exe /log` writes runs of them 4 bytes, and after a stray byte 1 byte, off it).
        while p + 8 <= next {
            if !plausible_event(bytes, p, next) {
                p += 1;
                continue;
            }
            // A run of records from `p`, read as the events of a buffer.
            let reached = self.records(&bytes[..next], p, next, u32::MAX, pos);
            p = reached.max(p + 1);
        }
        // What the records' own checks said about the bytes in between is noise here.
        self.trace.problems.truncate(problems);
        self.dropped_problems = dropped;
        let found = self.recovered() - before;
        self.trace.damaged_bytes += (next - pos) as u64;
        self.trace.recovered_records += found;
        let decoded = self.raw.len() - events;
        let size = u32_at(bytes, pos).unwrap_or(0);
        let until = if next < bytes.len() { format!("the next buffer, at {next:#x}") } else { "the end of the file".to_string() };
        self.problem(format!(
            "buffer {index} at offset {pos:#x} has a damaged header (it states {size} bytes); the {} bytes up to {until} were searched for records: {found} found, {decoded} of them decoded",
            next - pos
        ));
        next
    }

    /// Records decoded, counted or skipped so far.
    fn recovered(&self) -> u64 {
        self.raw.len() as u64 + self.undecoded.values().sum::<u64>() + self.trace.system_records
    }

    /// Read the records of `buf[start..end]`; returns where reading stopped.
    fn records(&mut self, buf: &[u8], start: usize, end: usize, index: u32, at: usize) -> usize {
        let mut pos = start;
        let mut n = 0usize;
        while pos + 8 <= end {
            let marker = u32_at(buf, pos).unwrap_or(0);
            if marker == 0xFFFF_FFFF || marker == 0 {
                // Fill after the last record.
                return pos;
            }
            let kind = (marker >> 16) as u8;
            let flags = (marker >> 24) as u8;
            let low = (marker & 0xFFFF) as usize;
            let wpp_marker = flags & 0xC0 == 0x80 && flags & 0x10 != 0;
            let (size, min) = if wpp_marker {
                (low, 8)
            } else if flags & 0xC0 != 0xC0 {
                self.problem(format!(
                    "buffer {index} at offset {at:#x}: record {n} at {pos:#x} has no record marker ({marker:#010x}); the rest of the buffer was skipped"
                ));
                return pos;
            } else {
                match kind {
                    ht::SYSTEM32 | ht::SYSTEM64 => (u16_at(buf, pos + 4).unwrap_or(0) as usize, 0x20),
                    ht::COMPACT32 | ht::COMPACT64 => (u16_at(buf, pos + 4).unwrap_or(0) as usize, 0x18),
                    ht::PERFINFO32 | ht::PERFINFO64 => (u16_at(buf, pos + 4).unwrap_or(0) as usize, 0x10),
                    ht::FULL_HEADER32 | ht::FULL_HEADER64 | ht::INSTANCE32 | ht::INSTANCE64 => (low, 0x30),
                    ht::TIMED | ht::ERROR | ht::WNODE_HEADER | ht::MESSAGE => (low, 8),
                    ht::EVENT_HEADER32 | ht::EVENT_HEADER64 => (low, 0x50),
                    _ => {
                        self.problem(format!(
                            "buffer {index} at offset {at:#x}: record {n} at {pos:#x} has the unknown header type {kind}; the rest of the buffer was skipped"
                        ));
                        return pos;
                    }
                }
            };
            if size < min {
                self.problem(format!(
                    "buffer {index} at offset {at:#x}: record {n} at {pos:#x} states {size} bytes, less than its header; the rest of the buffer was skipped"
                ));
                return pos;
            }
            if pos + size > end {
                self.problem(format!(
                    "buffer {index} at offset {at:#x}: record {n} at {pos:#x} states {size} bytes, past the end of the buffer's events ({end:#x}); the rest of the buffer was skipped"
                ));
                return pos;
            }
            let rec = &buf[pos..pos + size];
            if wpp_marker || (kind == ht::MESSAGE) {
                self.wpp(rec);
            } else {
                match kind {
                    ht::EVENT_HEADER32 | ht::EVENT_HEADER64 => self.event(rec, index, at, pos),
                    ht::FULL_HEADER32 | ht::FULL_HEADER64 | ht::INSTANCE32 | ht::INSTANCE64 => {
                        self.count(UndecodedKind::Classic, guid(&rec[0x18..0x28]));
                    }
                    ht::SYSTEM32 | ht::SYSTEM64 if index == 0 && n == 0 => {} // the logfile header
                    _ => self.trace.system_records += 1,
                }
            }
            n += 1;
            pos += (size + 7) & !7;
        }
        pos
    }

    fn wpp(&mut self, rec: &[u8]) {
        let opts = u16_at(rec, 6).unwrap_or(0);
        let mut at = 8;
        if opts & 0x01 != 0 {
            at += 4;
        }
        let provider = if opts & 0x02 != 0 {
            rec.get(at..at + 16).map_or_else(|| "WPP message without a GUID".to_string(), guid)
        } else {
            "WPP message without a GUID".to_string()
        };
        self.count(UndecodedKind::Wpp, provider);
    }

    fn event(&mut self, rec: &[u8], index: u32, at: usize, pos: usize) {
        let flags = u16_at(rec, 4).unwrap_or(0);
        let tid = u32_at(rec, 8).unwrap_or(0);
        let pid = u32_at(rec, 12).unwrap_or(0);
        let ts = u64_at(rec, 16).unwrap_or(0);
        let provider_guid = guid(&rec[0x18..0x28]);
        let level = rec[0x2C];
        if flags & 0x0008 != 0 {
            // EVENT_HEADER_FLAG_TRACE_MESSAGE: a WPP message in the new header.
            self.count(UndecodedKind::Wpp, provider_guid);
            return;
        }
        let mut payload_at = 0x50;
        let mut provider_name = None;
        let mut schema = None;
        if flags & 0x0001 != 0 {
            loop {
                let (Some(size), Some(ty), Some(link), Some(data_size)) =
                    (u16_at(rec, payload_at), u16_at(rec, payload_at + 2), u16_at(rec, payload_at + 4), u16_at(rec, payload_at + 6))
                else {
                    self.problem(format!("buffer {index} at offset {at:#x}: the event at {pos:#x} ends inside its extended data; skipped"));
                    return;
                };
                let (size, data_size) = (size as usize, data_size as usize);
                if size < 8 + data_size || payload_at + size > rec.len() {
                    self.problem(format!("buffer {index} at offset {at:#x}: the event at {pos:#x} has an extended data item of inconsistent size; skipped"));
                    return;
                }
                let data = &rec[payload_at + 8..payload_at + 8 + data_size];
                match ty {
                    11 => schema = tlg::schema(data),
                    12 => provider_name = tlg::provider_name(data),
                    _ => {}
                }
                payload_at += size;
                if link & 1 == 0 {
                    break;
                }
            }
        }
        let payload = &rec[payload_at..];
        let (event, message) = if flags & 0x0004 != 0 {
            // EVENT_HEADER_FLAG_STRING_ONLY: the payload is one UTF-16 string.
            let mut s = read::utf16(payload);
            while s.ends_with('\0') {
                s.pop();
            }
            (String::new(), s)
        } else if let Some(schema) = schema {
            let mut r = Reader::new(payload);
            let (values, complete) = tlg::values(&schema.fields, &mut r);
            let only_info = schema.fields.len() == 1
                && schema.fields[0].name == "Info"
                && schema.fields[0].count == tlg::Count::One
                && matches!(schema.fields[0].in_type, tlg::IN_UNICODESTRING | tlg::IN_COUNTEDSTRING | 2 | 23);
            let mut message =
                if only_info && values.len() == 1 { values[0].1.clone() } else { values.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ") };
            if !complete {
                message.push_str(" [payload cut short]");
                self.problem(format!("buffer {index} at offset {at:#x}: the payload of event {} at {pos:#x} is shorter than its fields", schema.name));
            }
            (schema.name, message)
        } else if let Some(s) = one_string(payload) {
            // No metadata, but the payload is one NUL-terminated UTF-16 string (wusa.exe's
            // events): that string is the message.
            (String::new(), s)
        } else {
            self.count(UndecodedKind::Manifest, provider_guid);
            return;
        };
        let provider = provider_name.unwrap_or_else(|| provider_guid.clone());
        let event = if event.is_empty() { provider.clone() } else { event };
        self.raw.push((ts, Record { time: 0, pid, tid, provider, provider_guid, event, level, message }));
    }

    fn finish(mut self) -> Trace {
        let h = &self.trace.header;
        let freq = match h.clock_type {
            2 => 0,
            3 => u64::from(h.cpu_mhz) * 1_000_000,
            _ => h.perf_freq,
        };
        let (start, sync) = (h.start_time, h.sync_timestamp);
        let to_filetime = |raw: u64| -> u64 {
            if h.clock_type == 2 {
                return raw;
            }
            if freq == 0 {
                return start;
            }
            let delta = (raw as i128 - sync as i128) * 10_000_000 / freq as i128;
            (start as i128 + delta).clamp(0, u64::MAX as i128) as u64
        };
        let mut records: Vec<Record> = std::mem::take(&mut self.raw)
            .into_iter()
            .map(|(raw, mut r)| {
                r.time = to_filetime(raw);
                r
            })
            .collect();
        if freq == 0 && self.trace.header.clock_type != 2 && !records.is_empty() {
            self.problem("the trace's clock frequency is 0: event times cannot be computed and are shown as the trace's start".into());
        }
        records.sort_by_key(|r| r.time);
        self.trace.records = records;
        self.trace.undecoded = self.undecoded.into_iter().map(|((kind, provider), count)| Undecoded { provider, kind, count }).collect();
        self.trace.undecoded.sort_by(|a, b| b.count.cmp(&a.count).then(a.kind.cmp(&b.kind)).then(a.provider.cmp(&b.provider)));
        if self.dropped_problems > 0 {
            self.trace.problems.push(format!("... and {} more problems", self.dropped_problems));
        }
        self.trace
    }
}

/// The text of a payload that is exactly one NUL-terminated UTF-16LE string of text: an even
/// length, one NUL code unit and only at its end, valid UTF-16, and no control character but
/// tab, CR and LF (a binary payload that happens to end in two zero bytes is not text). Trailing
/// line breaks are dropped.
fn one_string(payload: &[u8]) -> Option<String> {
    if payload.len() < 4 || !payload.len().is_multiple_of(2) {
        return None;
    }
    let units: Vec<u16> = payload.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let (&last, text) = units.split_last()?;
    if last != 0 || text.is_empty() {
        return None;
    }
    let s: String = char::decode_utf16(text.iter().copied()).collect::<Result<_, _>>().ok()?;
    if s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')) {
        return None;
    }
    let trimmed = s.trim_end_matches(['\r', '\n']);
    (!trimmed.trim().is_empty()).then(|| trimmed.to_string())
}

/// Whether a buffer header that makes sense starts at `p`: the first buffer's logger id (one
/// session writes a file), a state, flags and type of the values ETW writes, a size an ETW buffer
/// can have, events that fit in it (or, compressed, a plausible uncompressed size), and a record
/// marker where its events begin.
fn plausible_buffer(bytes: &[u8], p: usize) -> bool {
    let (Some(size), Some(saved), Some(flag)) = (u32_at(bytes, p), u32_at(bytes, p + 4), u16_at(bytes, p + 0x34)) else {
        return false;
    };
    let (Some(logger), Some(state), Some(kind)) = (u16_at(bytes, p + 0x2A), u32_at(bytes, p + 0x2C), u16_at(bytes, p + 0x36)) else {
        return false;
    };
    if Some(logger) != u16_at(bytes, 0x2A) || state > 8 || flag > 0xFF || kind > 16 {
        return false;
    }
    let (size, saved) = (size as usize, saved as usize);
    // A buffer flushed before any event may state no events at all (0).
    if !(BUFFER_HEADER + 8..=MAX_BUFFER).contains(&size) || !(saved == 0 || (BUFFER_HEADER..=MAX_BUFFER).contains(&saved)) {
        return false;
    }
    if flag & FLAG_COMPRESSED != 0 {
        return true;
    }
    saved <= size && (saved <= BUFFER_HEADER || plausible_record(bytes, p + BUFFER_HEADER, p + saved))
}

/// Whether a record marker that makes sense starts at `p` and its record ends by `end`.
fn plausible_record(bytes: &[u8], p: usize, end: usize) -> bool {
    let Some(marker) = u32_at(bytes, p) else { return false };
    let (kind, flags, low) = ((marker >> 16) as u8, (marker >> 24) as u8, (marker & 0xFFFF) as usize);
    if flags & 0xC0 == 0x80 && flags & 0x10 != 0 {
        return low >= 8 && p + low <= end; // WPP
    }
    if flags & 0xC0 != 0xC0 {
        return false;
    }
    let (size, min) = match kind {
        ht::SYSTEM32 | ht::SYSTEM64 => (u16_at(bytes, p + 4).unwrap_or(0) as usize, 0x20),
        ht::EVENT_HEADER32 | ht::EVENT_HEADER64 => (low, 0x50),
        ht::FULL_HEADER32 | ht::FULL_HEADER64 | ht::INSTANCE32 | ht::INSTANCE64 => (low, 0x30),
        ht::PERFINFO32 | ht::PERFINFO64 => (u16_at(bytes, p + 4).unwrap_or(0) as usize, 0x10),
        _ => return false,
    };
    size >= min && p + size <= end
}

/// Whether an `EVENT_HEADER` record that makes sense starts at `p` (where a run of records is
/// looked for in damaged bytes: stricter than [`plausible_record`], since a false start could
/// swallow the real records after it): its marker, flags and property fields of the values
/// ETW writes, and a provider.
fn plausible_event(bytes: &[u8], p: usize, end: usize) -> bool {
    let Some(marker) = u32_at(bytes, p) else { return false };
    let kind = (marker >> 16) as u8;
    if !matches!(kind, ht::EVENT_HEADER32 | ht::EVENT_HEADER64) || !plausible_record(bytes, p, end) {
        return false;
    }
    let (Some(flags), Some(property)) = (u16_at(bytes, p + 4), u16_at(bytes, p + 6)) else { return false };
    flags < 0x400 && property < 8 && bytes.get(p + 0x18..p + 0x28).is_some_and(|g| g.iter().any(|&b| b != 0))
}

/// Whether `bytes[from..to]`, the unused rest of a buffer, holds an event record rather than
/// fill (0xFF or zero bytes, where ETW leaves the rest of a buffer).
fn stray_records(bytes: &[u8], from: usize, to: usize) -> bool {
    let filled = |b: u8| b == 0xFF || b == 0;
    !bytes.get(from..(from + 8).min(to)).is_some_and(|b| b.iter().copied().all(filled)) && (from..to).any(|p| plausible_event(bytes, p, bytes.len()))
}

/// The first offset in `from..to`, 8-byte aligned from `from`, where a buffer that makes sense
/// starts.
fn next_buffer(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    (from..to.min(bytes.len())).step_by(8).find(|&p| plausible_buffer(bytes, p))
}

/// `TRACE_LOGFILE_HEADER`, the payload of the first record of the first buffer.
fn logfile_header(bytes: &[u8]) -> Result<LogfileHeader, String> {
    let rec = BUFFER_HEADER;
    let size = u16_at(bytes, rec + 4).unwrap_or(0) as usize;
    let end = (rec + size).min(bytes.len());
    let p = bytes.get(rec + 0x20..end).ok_or("the header record is cut off")?;
    let cut = || "the header record is shorter than TRACE_LOGFILE_HEADER".to_string();
    let u32p = |at: usize| u32_at(p, at).ok_or_else(cut);
    let u64p = |at: usize| u64_at(p, at).ok_or_else(cut);
    let version = u32p(0x04)?;
    let pointer_size = u32p(0x2C)?;
    let ptr = if pointer_size == 4 || (pointer_size != 8 && bytes[rec + 2] == ht::SYSTEM32) { 4 } else { 8 };
    let tz = 0x38 + 2 * ptr;
    let boot = (tz + 172 + 7) & !7;
    let mut h = LogfileHeader {
        buffer_size: u32p(0x00)?,
        os_major: version as u8,
        os_minor: (version >> 8) as u8,
        build: u32p(0x08)?,
        end_time: u64p(0x10)?,
        timer_resolution: u32p(0x18)?,
        log_file_mode: u32p(0x20)?,
        pointer_size,
        events_lost: u32p(0x30)?,
        cpu_mhz: u32p(0x34)?,
        tz_bias_minutes: u32p(tz)? as i32,
        boot_time: u64p(boot)?,
        perf_freq: u64p(boot + 8)?,
        start_time: u64p(boot + 16)?,
        clock_type: u32p(boot + 24)?,
        buffers_lost: u32p(boot + 28)?,
        sync_timestamp: u64_at(bytes, rec + 0x10).ok_or_else(cut)?,
        ..LogfileHeader::default()
    };
    let mut names = Reader::new(p.get(boot + 32..).unwrap_or(&[]));
    h.logger_name = names.utf16z().unwrap_or_default();
    h.log_file_name = names.utf16z().unwrap_or_default();
    Ok(h)
}

/// A GUID as Windows writes it: `9906081D-E45A-4F41-A53F-2AC2E0225DE1`.
pub fn guid(b: &[u8]) -> String {
    if b.len() < 16 {
        return String::from("(cut-off GUID)");
    }
    let d1 = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let d2 = u16::from_le_bytes([b[4], b[5]]);
    let d3 = u16::from_le_bytes([b[6], b[7]]);
    format!("{d1:08X}-{d2:04X}-{d3:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}", b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROVIDER: [u8; 16] = [0x12, 0x8C, 0x60, 0x09, 0xDA, 0xC1, 0x04, 0x41, 0xA6, 0xFE, 0xB9, 0x59, 0xCF, 0x57, 0x56, 0x0A];

    fn put16(b: &mut [u8], at: usize, v: u16) {
        b[at..at + 2].copy_from_slice(&v.to_le_bytes());
    }

    fn put32(b: &mut [u8], at: usize, v: u32) {
        b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    fn put64(b: &mut [u8], at: usize, v: u64) {
        b[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }

    fn utf16z(s: &str) -> Vec<u8> {
        s.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
    }

    /// An `EVENT_HEADER` record without extended data (no TraceLogging metadata), padded to 8.
    fn event(time: u64, payload: &[u8]) -> Vec<u8> {
        let size = 0x50 + payload.len();
        let mut r = vec![0u8; (size + 7) & !7];
        put32(&mut r, 0, size as u32 | u32::from(ht::EVENT_HEADER64) << 16 | 0xC0 << 24);
        put32(&mut r, 8, 0x3B0); // thread
        put32(&mut r, 12, 0x17E8); // process
        put64(&mut r, 16, time);
        r[0x18..0x28].copy_from_slice(&PROVIDER);
        put16(&mut r, 0x28, 1); // event id
        r[0x2C] = 4;
        r[0x50..size].copy_from_slice(payload);
        r
    }

    /// A first buffer: its header, the logfile header (clock: system time) and `events`.
    fn first_buffer(events: &[Vec<u8>]) -> Vec<u8> {
        let mut b = vec![0u8; BUFFER_HEADER + 0x140];
        put16(&mut b, 0x2A, 0x14); // logger id
        let rec = BUFFER_HEADER;
        put32(&mut b, rec, u32::from(ht::SYSTEM64) << 16 | 0xC0 << 24);
        put16(&mut b, rec + 4, 0x140);
        let p = rec + 0x20;
        put32(&mut b, p + 0x2C, 8); // pointer size
        put32(&mut b, p + 0x110, 2); // clock type: FILETIME
        for e in events {
            b.extend_from_slice(e);
        }
        let len = b.len() as u32;
        put32(&mut b, 0, len);
        put32(&mut b, 4, len);
        b
    }

    const T0: u64 = 133_900_000_000_000_000;

    #[test]
    fn a_payload_of_one_utf16_string_is_the_message() {
        let bytes = first_buffer(&[event(T0, &utf16z("InstallWorker.01105: Starting to copy payload\n"))]);
        let t = decode(&bytes).unwrap();
        assert_eq!(t.records.len(), 1, "{t:?}");
        let r = &t.records[0];
        assert_eq!(r.message, "InstallWorker.01105: Starting to copy payload");
        assert_eq!((r.time, r.pid, r.tid, r.level), (T0, 0x17E8, 0x3B0, 4));
        assert_eq!(r.provider, "09608C12-C1DA-4104-A6FE-B959CF57560A");
        assert_eq!(r.event, r.provider);
        assert!(t.undecoded.is_empty());
    }

    #[test]
    fn a_payload_that_is_not_one_string_stays_undecoded() {
        let two = [utf16z("one"), utf16z("two")].concat();
        let binary = [1u8, 0, 0, 0, 7, 0, 0, 0];
        let odd = [b'a', 0, b'b', 0, 0, 0, 9];
        let bytes = first_buffer(&[event(T0, &two), event(T0, &binary), event(T0, &odd), event(T0, &[0, 0])]);
        let t = decode(&bytes).unwrap();
        assert!(t.records.is_empty(), "{:?}", t.records);
        assert_eq!(t.undecoded_events(), 4);
        assert_eq!(t.undecoded[0].kind, UndecodedKind::Manifest);
    }

    #[test]
    fn records_off_the_alignment_after_a_damaged_header_are_recovered() {
        let mut bytes = first_buffer(&[event(T0, &utf16z("Start of install"))]);
        // A buffer header whose events would end past its own size (as wusa.exe /log writes
        // them), then records 4 bytes off the 8-byte alignment, then one after a stray byte.
        let mut header = vec![0u8; BUFFER_HEADER - 4];
        put32(&mut header, 0, 0xC978);
        put32(&mut header, 4, 0x1_C978);
        put16(&mut header, 0x2A, 0x14);
        bytes.extend_from_slice(&header);
        assert_eq!(bytes.len() % 8, 4);
        bytes.extend_from_slice(&event(T0 + 10, &utf16z("HRESULT of the update: 0X80073712")));
        bytes.push(0);
        bytes.extend_from_slice(&event(T0 + 20, &utf16z("Exit with error code 0X80073712")));
        let t = decode(&bytes).unwrap();
        let messages: Vec<&str> = t.records.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(messages, ["Start of install", "HRESULT of the update: 0X80073712", "Exit with error code 0X80073712"]);
        assert_eq!(t.recovered_records, 2);
        assert!(t.damaged_bytes > 0);
    }

    #[test]
    fn records_past_where_a_buffer_says_its_events_end_are_recovered() {
        let mut bytes = first_buffer(&[event(T0, &utf16z("Start of install"))]);
        let events_end = bytes.len();
        // Where the first buffer's events end, a header that makes no sense and more records,
        // all inside the size the first buffer states.
        let mut header = vec![0u8; BUFFER_HEADER - 4];
        put32(&mut header, 0, 0xC978);
        put32(&mut header, 4, 0x1_C978);
        bytes.extend_from_slice(&header);
        bytes.extend_from_slice(&event(T0 + 10, &utf16z("End of install")));
        bytes.resize(bytes.len() + 64, 0xFF);
        let size = bytes.len() as u32;
        put32(&mut bytes, 0, size);
        assert_eq!(u32_at(&bytes, 4), Some(events_end as u32));
        let t = decode(&bytes).unwrap();
        let messages: Vec<&str> = t.records.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(messages, ["Start of install", "End of install"]);
        assert_eq!(t.recovered_records, 1);
    }

    #[test]
    fn fill_after_a_buffers_events_is_not_searched() {
        let mut bytes = first_buffer(&[event(T0, &utf16z("Start of install"))]);
        bytes.resize(bytes.len() + 256, 0xFF);
        let size = bytes.len() as u32;
        put32(&mut bytes, 0, size);
        let t = decode(&bytes).unwrap();
        assert_eq!((t.records.len(), t.damaged_bytes, t.problems.len()), (1, 0, 0), "{:?}", t.problems);
    }

    #[test]
    fn text_of_one_string_is_refused_with_control_characters_or_inner_nuls() {
        assert_eq!(one_string(&utf16z("a\tb\r\n")).as_deref(), Some("a\tb"));
        assert_eq!(one_string(&[0x01, 0, 0, 0]), None);
        assert_eq!(one_string(&[b'a', 0, 0, 0, b'b', 0, 0, 0]), None);
        assert_eq!(one_string(&utf16z("\r\n")), None);
        assert_eq!(one_string(&[0x00, 0xD8, 0, 0]), None); // a lone surrogate
    }
}
