//! Decoded text to a parsed `LogFile`: the last step every reader shares (a dropped file, the
//! streaming loader, the text wulens writes from an .etl trace).

use crate::model::{LogFile, LogFormat, LogKind, Text, TextEncoding};
use crate::read::parse::Parsed;

/// Parse already-decoded text (the streaming loader in the web worker ends here too).
pub fn from_text(name: String, enc: TextEncoding, size: u64, text: impl Into<Text>, stats: crate::model::DecodeStats) -> LogFile {
    let text = text.into();
    let format = crate::read::detect(&text, &name);
    from_text_as(name, enc, size, text, stats, format)
}

/// Parse already-decoded text as `format` (text wulens wrote itself, e.g. from an .etl trace).
pub fn from_text_as(name: String, enc: TextEncoding, size: u64, text: Text, stats: crate::model::DecodeStats, format: LogFormat) -> LogFile {
    let parsed = crate::read::parse::parse(format, &text);
    from_parsed(name, enc, size, text, stats, format, parsed)
}

/// The file of `text`, already parsed as `format` (`parsed`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn from_parsed(
    name: String,
    enc: TextEncoding,
    size: u64,
    text: Text,
    stats: crate::model::DecodeStats,
    format: LogFormat,
    parsed: Parsed,
) -> LogFile {
    let mut notes = parsed.notes;
    // Nothing after its byte-order mark: said like any file with nothing in it.
    if format == LogFormat::Empty {
        notes.push(format!("{} is empty (nothing after its byte-order mark).", crate::model::base_name(&name)));
    }
    if stats.invalid_utf8_bytes > 0 && enc != TextEncoding::Windows1252 {
        let bytes = usize::try_from(stats.invalid_utf8_bytes).unwrap_or(usize::MAX);
        notes.push(format!("{} not valid UTF-8 and read as Windows-1252.", crate::model::counted(bytes, "byte was", "bytes were")));
    }
    if stats.truncated_utf16 {
        notes.push("The UTF-16 text ends in the middle of a character (odd number of bytes): the file was probably cut off while being copied.".into());
    }
    if stats.replaced_utf16 > u64::from(stats.truncated_utf16) {
        notes.push("Some UTF-16 characters were malformed and are shown as \u{FFFD}.".into());
    }
    let kind = LogKind::resolve(&name, format, &parsed.components, &parsed.entries);
    // Windows setup's Update Agent writes setup's line format; its sessions say who they are.
    // Two more programs write setup's line layout (its time and level, no component): Windows
    // setup's Update Agent and the Windows 10 Update Assistant; under another name their lines
    // say which they are.
    let setup = kind == LogKind::Setup && format == LogFormat::Setup;
    let kind = if setup && head_has(text.as_str(), "UpdateAgent logging starts.") {
        LogKind::UpdateAgent
    } else if (setup || kind == LogKind::Cbs) && head_has(text.as_str(), "State manager get called back with state ") {
        LogKind::UpdateAssistant
    } else {
        kind
    };
    // A log in CBS.log's line format whose records turn out to be Windows setup's (its first
    // lines were DISM's, which setup runs) is setup's log; the same parser read it.
    let format = if kind == LogKind::Setup && matches!(format, LogFormat::Cbs | LogFormat::Dism) { LogFormat::Setup } else { format };
    // Delivery Optimization's one-line records are in UTC by format, as decoded traces are.
    // So are an event log's, also once written out as text.
    let utc = (format == LogFormat::DeliveryOptimization && crate::read::parse::dolog::utc(&parsed.entries)) || format == LogFormat::EventLog;
    LogFile {
        name,
        format,
        kind,
        encoding: Some(enc),
        bytes: size,
        text,
        entries: parsed.entries,
        components: parsed.components,
        thread_hex: parsed.thread_hex,
        offset: crate::model::FileOffset {
            minutes: parsed.header_offset.unwrap_or(0),
            source: if utc {
                crate::model::OffsetSource::Utc
            } else if parsed.header_offset.is_some() {
                crate::model::OffsetSource::Header
            } else {
                crate::model::OffsetSource::AssumedUtc
            },
        },
        decode: stats,
        notes,
        physical_lines: parsed.physical_lines,
        prescan: None,
    }
}

/// Whether `marker` is in the first 64 KiB of `text`: how a log under another name says which it
/// is (Windows setup's Update Agent opens each session with `UpdateAgent logging starts.`, the
/// Update Assistant reports its states from its first seconds).
fn head_has(text: &str, marker: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(64 << 10)];
    memchr::memmem::find(head, marker.as_bytes()).is_some()
}
