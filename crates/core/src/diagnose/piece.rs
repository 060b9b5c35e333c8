//! A scanning worker's share of a big file: one piece of whole records, parsed alone, scanned
//! for codes and for the literals of its file's kind. The entries the session's own parse would
//! make of those records, and what the analysis and the diagnosis would find in them, so that
//! they need not scan the file again (`model::Prescan`).

use super::catalog::CATALOG;
use crate::model::{LogFormat, LogKind, PieceFindings, PieceScan};

/// The findings of `text`, a piece of a file of `format` that starts at a record boundary;
/// its literals only when the file's `kind` is known before it is read to the end
/// ([`LogKind::before_reading`]).
pub fn scan_piece(format: LogFormat, kind: Option<LogKind>, text: &str) -> PieceScan {
    let mut parsed = crate::read::parse::parse_piece(format, text);
    let codes = crate::analysis::piece_codes(format, text, &mut parsed.entries);
    let literals = kind.map(|k| CATALOG.literals.scan_entries(text, &parsed.entries, CATALOG.wanted(k)).into_hits());
    let findings = PieceFindings { entries: parsed.entries.len() as u32, lines: parsed.lines, codes, literals };
    PieceScan { parsed, findings }
}
