//! One parser per format. Each walks the physical lines once and emits entries that tile them
//! (see the invariant in `model/`); none allocates per line.
//!
//! This file is the face ([`parse`], [`parse_piece`]); `formats.rs` dispatches a format to its
//! parser, `builder.rs` is the state every parser fills and what it hands back, `cut.rs` cuts
//! a big file into pieces parsed on all cores and merges them, `incremental.rs` parses a text
//! while it arrives (the browser), `bytes.rs` holds the byte helpers the parsers share.

use crate::model::{LogFormat, PieceParse};

mod builder;
mod bytes;
mod cut;
mod formats;
mod incremental;

pub use builder::{Builder, Parsed};
pub(crate) use bytes::{after_prefix, ymd};
pub use incremental::Incremental;

use builder::Part;
pub(crate) use cut::boundary;

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

/// Parse `text` as `format`. Formats without a parser keep every line as unparsed text.
///
/// A big file of a format whose records can be told apart without context is cut at record
/// boundaries into pieces parsed on all cores and merged in order: the same entries, lines,
/// components and notes as one pass (see [`cuts`]).
pub fn parse(format: LogFormat, text: &str) -> Parsed {
    cut::parse_all(format, text)
}

/// A piece of a file parsed alone (`text` starts at a record boundary): what [`Incremental`]
/// parses as that piece of the whole text, but for the offsets, which count from the piece's
/// first byte (tested).
pub fn parse_piece(format: LogFormat, text: &str) -> PieceParse {
    Part::from(formats::parse_from(format, text, 0))
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
