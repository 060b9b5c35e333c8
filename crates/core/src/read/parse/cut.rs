//! A big file cut at record boundaries into pieces parsed on all cores, merged in order into
//! what one pass gives.

use super::builder::{renumber, truncated_note, Part, Suspended, MAX_NOTES};
use super::{parse_from, Parsed};
use crate::model::{LogFormat, NO_COMPONENT};

/// Parse `text` in the pieces `cuts` delimits (see [`cuts`]).
pub(super) fn parse_cut(format: LogFormat, text: &str, cuts: &[usize]) -> Parsed {
    if cuts.len() <= 2 {
        return parse_from(format, text, 0).finish();
    }
    let pieces: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    let parts = crate::par::map(pieces, |(from, to)| Part::from(parse_from(format, &text[..to], from)));
    merge_or_whole(format, text, parts)
}

/// The pieces merged; or, when a piece's component table filled up and might have numbered
/// differently than one pass (absurd input), `text` parsed whole.
fn merge_or_whole(format: LogFormat, text: &str, parts: Vec<Part>) -> Parsed {
    if parts.iter().any(|p| p.components.len() >= NO_COMPONENT as usize) {
        return parse_from(format, text, 0).finish();
    }
    merge(parts)
}

/// Pieces of a file smaller than this are not worth a thread.
pub(super) const PIECE_MIN: usize = 4 << 20;

/// Where to cut `text` for `threads` cores: 0, the cuts, `text.len()` (just `[0, len]` when it
/// is not cut). Only formats whose parsers keep no state from one record to the next are cut,
/// each only where a record must begin: after a line break for the one-line formats; for
/// CMTrace, before a line that opens a record (`\n<![LOG[`): the parser ends a record at its
/// `]LOG]!>` marker only when no record opens before it, so none spans such a line.
/// WindowsUpdate.log of Windows 7 (its `tz:` banner), the older site logs and the others stay in
/// one piece.
pub(super) fn cuts(format: LogFormat, text: &str, threads: usize, piece_min: usize) -> Vec<usize> {
    let len = text.len();
    let Some(boundary) = boundary(format) else { return vec![0, len] };
    if threads <= 1 || len < 2 * piece_min {
        return vec![0, len];
    }
    // A few pieces per core, so that a core that finishes early takes another.
    let pieces = (len / piece_min).min(threads * 4);
    let finder = memchr::memmem::Finder::new(boundary);
    let mut out = vec![0];
    for k in 1..pieces {
        let target = (len / pieces * k).max(*out.last().expect("starts with 0"));
        let Some(i) = finder.find(&text.as_bytes()[target..]) else { break };
        // The cut is just after the line break.
        let cut = target + i + 1;
        if cut < len && cut > *out.last().expect("starts with 0") {
            out.push(cut);
        }
    }
    out.push(len);
    out
}

/// What precedes every place a record of `format` must begin (a cut goes just after its line
/// break); `None` for formats that are never cut (see [`cuts`]).
pub(super) fn boundary(format: LogFormat) -> Option<&'static [u8]> {
    match format {
        LogFormat::Cmtrace => Some(b"\n<![LOG["),
        LogFormat::WindowsUpdateEtw | LogFormat::Cbs | LogFormat::Dism | LogFormat::Setup | LogFormat::PlainText => Some(b"\n"),
        _ => None,
    }
}

/// The pieces' results as one: lines renumbered, components renumbered into one table (in order
/// of first appearance, as one pass numbers them).
fn merge(mut parts: Vec<Part>) -> Parsed {
    // The table and each piece's renumbering, in order (a few dozen names).
    let mut table = Suspended::default();
    let mut renumbered = Vec::with_capacity(parts.len());
    let mut lines = 0u32;
    for p in &mut parts {
        let map: Vec<u16> = std::mem::take(&mut p.components).into_iter().map(|c| table.intern(c)).collect();
        renumbered.push((lines, map));
        lines += p.lines;
    }
    let mut out = Parsed { components: table.out.components, ..Parsed::default() };
    // Each piece's entries renumbered where they are (all cores), then copied one after another
    // (plain copies; the first piece's vector is grown, not copied, where the allocator can).
    let parts = crate::par::map(parts.into_iter().zip(renumbered).collect(), |(mut p, (base, map)): (Part, (u32, Vec<u16>))| {
        renumber(&mut p.entries, base, &map);
        p
    });
    let total: usize = parts.iter().map(|p| p.entries.len()).sum();
    let mut truncated = 0u32;
    for (k, p) in parts.into_iter().enumerate() {
        truncated += p.truncated_records;
        if k == 0 {
            out.entries = p.entries;
            out.entries.reserve_exact(total - out.entries.len());
        } else {
            out.entries.extend_from_slice(&p.entries);
        }
        out.thread_hex |= p.thread_hex;
        out.header_offset = out.header_offset.or(p.header_offset);
        out.notes.extend(p.notes);
    }
    out.physical_lines = lines;
    if truncated > 0 {
        out.notes.push(truncated_note(truncated));
    }
    out.notes.truncate(MAX_NOTES);
    out
}
