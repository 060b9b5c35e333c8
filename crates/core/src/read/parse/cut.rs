//! A big file cut at record boundaries into pieces parsed on all cores, merged in order into
//! what one pass gives.

use super::builder::Parsed;
use super::builder::{renumber, renumbered, truncated_note, Part, Suspended, MAX_NOTES};
use super::formats::parse_from;
use crate::model::{LogFormat, NO_COMPONENT};

/// Parse `text` in the pieces `cuts` delimits (see [`cuts`]).
/// `text` parsed as `format`, in pieces on all cores where it is big enough (see [`cuts`]).
pub(super) fn parse_all(format: LogFormat, text: &str) -> Parsed {
    parse_cut(format, text, &cuts(format, text, crate::par::threads(), PIECE_MIN))
}

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
/// is not cut). Only formats whose records can be told apart without what came before are cut,
/// each only where a record must begin (see [`Boundary`]). WindowsUpdate.log of Windows 7 (its
/// `tz:` banner), the older site logs and the others stay in one piece.
pub(super) fn cuts(format: LogFormat, text: &str, threads: usize, piece_min: usize) -> Vec<usize> {
    let len = text.len();
    let Some(boundary) = boundary(format) else { return vec![0, len] };
    if threads <= 1 || len < 2 * piece_min {
        return vec![0, len];
    }
    // A few pieces per core, so that a core that finishes early takes another.
    let pieces = (len / piece_min).min(threads * 4);
    let finder = memchr::memmem::Finder::new(boundary.before);
    let bytes = text.as_bytes();
    let mut out = vec![0];
    for k in 1..pieces {
        let last = *out.last().expect("starts with 0");
        let target = (len / pieces * k).max(last);
        // The cut is just after a line break, before a line that starts a record.
        let Some(cut) = finder.find_iter(&bytes[target..]).map(|i| target + i + 1).find(|&c| (boundary.starts)(&bytes[c..])) else { break };
        if cut < len && cut > last {
            out.push(cut);
        }
    }
    out.push(len);
    out
}

/// Where a record of a format must begin: just after `before` (which ends with a line break),
/// at a line `starts` accepts (`starts` reads the text from the line's start to the end of what
/// there is; it says yes only to a line that begins a record whatever came before it, and only
/// once enough of it is there to tell).
#[derive(Clone, Copy)]
pub(crate) struct Boundary {
    pub(crate) before: &'static [u8],
    pub(crate) starts: fn(&[u8]) -> bool,
}

/// Where records of `format` may begin; `None` for formats that are never cut (see [`cuts`]).
/// A blank line belongs to the record before it, so no piece begins with one; nor, in the CBS
/// layout, with a line that has no timestamp (it goes with the record before it); a SetupAPI
/// log is cut only before a section's title (its lines take the section's time).
pub(crate) fn boundary(format: LogFormat) -> Option<Boundary> {
    let starts: fn(&[u8]) -> bool = match format {
        LogFormat::Cmtrace => return Some(Boundary { before: b"\n<![LOG[", starts: |_| true }),
        LogFormat::WindowsUpdateEtw | LogFormat::PlainText => |rest| rest.first().is_some_and(|&c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n')),
        LogFormat::Cbs | LogFormat::Dism | LogFormat::Setup => super::cbs::starts_record,
        LogFormat::SetupApi => super::setupapi::starts_record,
        _ => return None,
    };
    Some(Boundary { before: b"\n", starts })
}

/// The pieces' results as one: lines renumbered, components renumbered into one table (in order
/// of first appearance, as one pass numbers them).
fn merge(mut parts: Vec<Part>) -> Parsed {
    // The table and each piece's renumbering, in order (a few dozen names).
    let mut table = Suspended::default();
    let mut numbering = Vec::with_capacity(parts.len());
    let mut lines = 0u32;
    for p in &mut parts {
        let map: Vec<u16> = std::mem::take(&mut p.components).into_iter().map(|c| table.intern(c)).collect();
        numbering.push((lines, map));
        lines += p.lines;
    }
    let mut out = Parsed { components: table.out.components, ..Parsed::default() };
    // The first piece's vector is grown, not copied, where the allocator can; each other piece is
    // renumbered as it is copied after it, on all cores, and freed once copied (so the file's
    // entries are never held twice).
    let total: usize = parts.iter().map(|p| p.entries.len()).sum();
    let mut truncated = 0u32;
    for (k, (p, (base, map))) in parts.into_iter().zip(numbering).enumerate() {
        truncated += p.truncated_records;
        if k == 0 {
            out.entries = p.entries;
            renumber(&mut out.entries, base, &map);
            out.entries.reserve_exact(total - out.entries.len());
        } else {
            crate::par::extend_mapped(&mut out.entries, &p.entries, |e| renumbered(e, base, &map));
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
