//! One parser per format. Each walks the physical lines once and emits entries that tile them
//! (see the invariant in `model/`); none allocates per line.
//!
//! This file dispatches a format to its parser ([`parse`], [`parse_piece`]); `builder.rs` is
//! the state every parser fills, `cut.rs` cuts a big file into pieces parsed on all cores and
//! merges them, `incremental.rs` parses a text while it arrives (the browser), `bytes.rs` holds
//! the byte helpers the parsers share.

use crate::model::Entry;
use crate::model::{LogFormat, PieceParse};

mod builder;
mod bytes;
mod cut;
mod incremental;

pub use builder::Builder;
pub(crate) use bytes::{after_prefix, date_time, skip_ws, token_end, ymd, BOM};
pub use incremental::Incremental;

use builder::Part;
pub(crate) use cut::boundary;
use cut::{cuts, parse_cut, PIECE_MIN};

pub mod cbs;
pub mod cmtrace;
pub mod dolog;
pub mod plain;
pub mod reporting;
pub mod setupapi;
pub mod simple;
pub mod wsus;
pub mod wu_etw;
pub mod wu_legacy;

/// What a parser hands back for one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Its records and unparsed lines, in order, tiling the physical lines.
    pub entries: Vec<Entry>,
    /// Component names, indexed by [`Entry::component`].
    pub components: Vec<String>,
    /// Threads are written in hex in this format (the viewer shows them so).
    pub thread_hex: bool,
    /// Offset (ISO minutes) a header line stated for the whole file, when the format has one.
    pub header_offset: Option<i32>,
    /// Things the user should know about what the parser met (CMTrace records without an end marker).
    pub notes: Vec<String>,
    /// Physical lines in the text parsed.
    pub physical_lines: u32,
}

/// Parse `text` as `format`. Formats without a parser keep every line as unparsed text.
///
/// A big file of a format whose records can be told apart without context is cut at record
/// boundaries into pieces parsed on all cores and merged in order: the same entries, lines,
/// components and notes as one pass (see [`cuts`]).
pub fn parse(format: LogFormat, text: &str) -> Parsed {
    parse_cut(format, text, &cuts(format, text, crate::par::threads(), PIECE_MIN))
}

/// A piece of a file parsed alone (`text` starts at a record boundary): what [`Incremental`]
/// parses as that piece of the whole text, but for the offsets, which count from the piece's
/// first byte (tested).
pub fn parse_piece(format: LogFormat, text: &str) -> PieceParse {
    Part::from(parse_from(format, text, 0))
}

/// One parser over `text[from..]` (`from` is a record boundary; offsets stay those of `text`).
pub(super) fn parse_from(format: LogFormat, text: &str, from: usize) -> Builder<'_> {
    let mut b = Builder::new(text, from);
    run(format, &mut b);
    b
}

/// The parser of `format` over `b.text[b.start..]`.
pub(super) fn run(format: LogFormat, b: &mut Builder) {
    match format {
        LogFormat::Cmtrace => cmtrace::parse(b),
        LogFormat::CmtraceSimple => simple::parse(b),
        LogFormat::WindowsUpdateLegacy => wu_legacy::parse(b),
        LogFormat::WindowsUpdateEtw => wu_etw::parse(b),
        // Event logs are rendered in that layout (read/evtx.rs).
        LogFormat::EventLog => wu_etw::parse(b),
        LogFormat::Cbs | LogFormat::Dism | LogFormat::Setup => cbs::parse(b),
        LogFormat::WsusSoftwareDistribution => wsus::parse(b),
        LogFormat::WindowsUpdateReportingEvents => reporting::parse(b),
        LogFormat::SetupApi => setupapi::parse(b),
        LogFormat::DeliveryOptimization => dolog::parse(b),
        _ => plain::parse(b),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Parse and check the tiling invariant; return the result.
    pub fn parse_checked(format: LogFormat, text: &str) -> Parsed {
        let p = parse(format, text);
        let mut line = 1;
        let mut pos = 0usize;
        for e in &p.entries {
            assert_eq!(e.line, line, "entries must tile the lines: {e:?}");
            assert!(e.start as usize >= pos && e.end >= e.start && e.msg_start >= e.start && e.msg_end <= e.end);
            line += u32::from(e.lines);
            pos = e.end as usize;
        }
        assert_eq!(line - 1, crate::model::lines::count_lines(text), "every physical line accounted for");
        assert_eq!(p.physical_lines, crate::model::lines::count_lines(text));
        p
    }
}
