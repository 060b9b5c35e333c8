//! What was found in a file's records while it was being read, by another worker: the failure
//! codes of each entry and the diagnosis' literals. The browser's analysis worker parses a big
//! file as its slices arrive and hands each piece of whole records to a scanning worker, which
//! parses the same piece and scans it (`diagnose::scan_piece`); the analysis and the diagnosis
//! then use these instead of scanning the file again on one core. Plain values, and the compact
//! binary form in which a piece's findings cross between workers (a piece of 8 MB holds tens of
//! thousands of hits: as JS objects they would cost more than the scan).

use rustc_hash::FxHashMap;

use super::LogKind;

/// Words in a literal bit set: at most `LITERAL_WORDS * 64` literals (the catalog checks).
pub const LITERAL_WORDS: usize = 8;

/// Which of the catalog's literals a message holds, one bit each.
pub type LiteralBits = [u64; LITERAL_WORDS];

/// A failure code in an entry: the entry's index, the code, the physical line of its first
/// mention, and the symbolic name the log wrote beside it (for codes the knowledge base does not
/// name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryCode {
    pub entry: u32,
    pub code: u32,
    pub line: u32,
    pub stated_symbol: Option<String>,
}

/// The literals found in a run of entries: (entry, index into `sets`) in entry order, entries
/// without a literal absent; the distinct sets in order of first appearance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiteralHits {
    pub entries: Vec<(u32, u32)>,
    pub sets: Vec<LiteralBits>,
}

/// One piece's findings. Entries count from the piece's first, lines from its first line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PieceScan {
    /// Entries the piece parsed into and physical lines it holds: the file's own parse of the
    /// same piece must agree, or the findings are not used.
    pub entries: u32,
    pub lines: u32,
    pub codes: Vec<EntryCode>,
    /// `None` when the piece was not scanned for literals (its file's kind depends on all of it).
    pub literals: Option<LiteralHits>,
}

/// A whole file's findings, its pieces' joined.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prescan {
    /// The codes of every entry, in entry order; taken by the analysis.
    pub codes: Option<Vec<EntryCode>>,
    /// The literals wanted for a log of this kind; used by the diagnosis when the file's kind is
    /// that kind.
    pub literals: Option<(LogKind, LiteralHits)>,
}

impl Prescan {
    /// The findings of a file's pieces, in order, each with the size the file's own parse gave
    /// that piece (entries, lines). `None` when a piece is missing or disagrees on its size.
    pub fn join(pieces: Vec<PieceScan>, sizes: &[(u32, u32)], kind: Option<LogKind>) -> Option<Prescan> {
        if pieces.len() != sizes.len() || pieces.iter().zip(sizes).any(|(p, &(entries, lines))| (p.entries, p.lines) != (entries, lines)) {
            return None;
        }
        let with_literals = kind.filter(|_| pieces.iter().all(|p| p.literals.is_some()));
        let mut codes = Vec::with_capacity(pieces.iter().map(|p| p.codes.len()).sum());
        let mut literals = LiteralHits::default();
        let mut index: FxHashMap<LiteralBits, u32> = FxHashMap::default();
        let (mut entry_base, mut line_base) = (0u32, 0u32);
        for p in pieces {
            codes.extend(p.codes.into_iter().map(|c| EntryCode { entry: c.entry + entry_base, line: c.line + line_base, ..c }));
            if let (Some(_), Some(hits)) = (with_literals, p.literals) {
                // The piece's sets numbered into the file's, in order of first appearance.
                let renumbered: Vec<u32> = hits
                    .sets
                    .iter()
                    .map(|&bits| {
                        let next = literals.sets.len() as u32;
                        let k = *index.entry(bits).or_insert(next);
                        if k == next {
                            literals.sets.push(bits);
                        }
                        k
                    })
                    .collect();
                literals.entries.extend(hits.entries.iter().map(|&(e, k)| (e + entry_base, renumbered[k as usize])));
            }
            entry_base += p.entries;
            line_base += p.lines;
        }
        Some(Prescan { codes: Some(codes), literals: with_literals.map(|k| (k, literals)) })
    }
}

/// A piece's findings that cannot be read back (cut off, or written by another version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPieceScan(&'static str);

impl std::fmt::Display for BadPieceScan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a scanned piece could not be read back: {}", self.0)
    }
}

impl std::error::Error for BadPieceScan {}

/// The first bytes of the binary form, with its version.
const MAGIC: &[u8; 4] = b"WLP1";

impl PieceScan {
    /// The compact binary form: little-endian numbers, lengths before lists.
    pub fn to_bytes(&self) -> Vec<u8> {
        let lits = self.literals.as_ref();
        let size = 24 + self.codes.len() * 16 + lits.map_or(0, |l| l.sets.len() * 8 * LITERAL_WORDS + l.entries.len() * 8);
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(MAGIC);
        for n in [self.entries, self.lines, self.codes.len() as u32] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        for c in &self.codes {
            for n in [c.entry, c.code, c.line] {
                out.extend_from_slice(&n.to_le_bytes());
            }
            let symbol = c.stated_symbol.as_deref().map(str::as_bytes);
            // u32::MAX: no symbol.
            out.extend_from_slice(&symbol.map_or(u32::MAX, |s| s.len() as u32).to_le_bytes());
            out.extend_from_slice(symbol.unwrap_or_default());
        }
        match lits {
            None => out.push(0),
            Some(l) => {
                out.push(1);
                out.extend_from_slice(&(l.sets.len() as u32).to_le_bytes());
                for word in l.sets.iter().flatten() {
                    out.extend_from_slice(&word.to_le_bytes());
                }
                out.extend_from_slice(&(l.entries.len() as u32).to_le_bytes());
                for &(e, k) in &l.entries {
                    out.extend_from_slice(&e.to_le_bytes());
                    out.extend_from_slice(&k.to_le_bytes());
                }
            }
        }
        out
    }

    /// Read back what [`PieceScan::to_bytes`] wrote; anything else is refused, never guessed at.
    pub fn from_bytes(bytes: &[u8]) -> Result<PieceScan, BadPieceScan> {
        let mut r = Reader(bytes);
        if r.take(4)? != MAGIC {
            return Err(BadPieceScan("not a piece's findings of this version"));
        }
        let (entries, lines, n_codes) = (r.u32()?, r.u32()?, r.u32()?);
        let mut codes = Vec::with_capacity((n_codes as usize).min(bytes.len() / 16));
        for _ in 0..n_codes {
            let (entry, code, line, len) = (r.u32()?, r.u32()?, r.u32()?, r.u32()?);
            let stated_symbol = match len {
                u32::MAX => None,
                n => Some(std::str::from_utf8(r.take(n as usize)?).map_err(|_| BadPieceScan("a symbol is not UTF-8"))?.to_owned()),
            };
            if entry >= entries {
                return Err(BadPieceScan("a code names an entry past the piece's end"));
            }
            codes.push(EntryCode { entry, code, line, stated_symbol });
        }
        let literals = match r.take(1)?[0] {
            0 => None,
            1 => {
                let n_sets = r.u32()? as usize;
                let mut sets = Vec::with_capacity(n_sets.min(bytes.len() / (8 * LITERAL_WORDS)));
                for _ in 0..n_sets {
                    let mut bits = [0u64; LITERAL_WORDS];
                    for w in &mut bits {
                        *w = r.u64()?;
                    }
                    sets.push(bits);
                }
                let n = r.u32()? as usize;
                let mut hits = Vec::with_capacity(n.min(bytes.len() / 8));
                for _ in 0..n {
                    let (e, k) = (r.u32()?, r.u32()?);
                    if e >= entries || k as usize >= sets.len() {
                        return Err(BadPieceScan("a literal names an entry or a set that does not exist"));
                    }
                    hits.push((e, k));
                }
                Some(LiteralHits { entries: hits, sets })
            }
            _ => return Err(BadPieceScan("unknown literal marker")),
        };
        if !r.0.is_empty() {
            return Err(BadPieceScan("bytes left over"));
        }
        Ok(PieceScan { entries, lines, codes, literals })
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BadPieceScan> {
        if self.0.len() < n {
            return Err(BadPieceScan("cut off"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, BadPieceScan> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }

    fn u64(&mut self) -> Result<u64, BadPieceScan> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(entries: u32, lines: u32, hits: &[(u32, u64)]) -> PieceScan {
        let mut sets: Vec<LiteralBits> = Vec::new();
        let mut out = Vec::new();
        for &(e, bit) in hits {
            let bits = [bit, 0, 0, 0, 0, 0, 0, 1];
            let k = sets.iter().position(|s| *s == bits).unwrap_or_else(|| {
                sets.push(bits);
                sets.len() - 1
            });
            out.push((e, k as u32));
        }
        let codes = hits
            .iter()
            .map(|&(e, b)| EntryCode { entry: e, code: 0x8024_0000 | b as u32, line: e + 1, stated_symbol: (b == 2).then(|| "WU_E_X".into()) })
            .collect();
        PieceScan { entries, lines, codes, literals: Some(LiteralHits { entries: out, sets }) }
    }

    #[test]
    fn the_binary_form_reads_back_and_refuses_anything_else() {
        for p in [piece(10, 12, &[(0, 1), (3, 2), (9, 1)]), PieceScan { entries: 3, lines: 3, codes: Vec::new(), literals: None }, PieceScan::default()] {
            let bytes = p.to_bytes();
            assert_eq!(PieceScan::from_bytes(&bytes), Ok(p.clone()));
            for cut in 0..bytes.len() {
                assert!(PieceScan::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(PieceScan::from_bytes(&longer).is_err());
        }
        let mut wrong = piece(2, 2, &[(1, 1)]).to_bytes();
        wrong[4] = 1; // one entry only: the hit on entry 1 is past it
        assert!(PieceScan::from_bytes(&wrong).unwrap_err().to_string().contains("past the piece's end"));
    }

    #[test]
    fn pieces_join_with_entries_lines_and_sets_renumbered() {
        let a = piece(10, 12, &[(0, 1), (3, 2)]);
        let b = piece(5, 5, &[(0, 4), (2, 2), (4, 1)]);
        let joined = Prescan::join(vec![a.clone(), b.clone()], &[(10, 12), (5, 5)], Some(LogKind::WindowsUpdate)).unwrap();
        let codes: Vec<(u32, u32)> = joined.codes.as_ref().unwrap().iter().map(|c| (c.entry, c.line)).collect();
        assert_eq!(codes, [(0, 1), (3, 4), (10, 13), (12, 15), (14, 17)]);
        let (kind, lits) = joined.literals.unwrap();
        assert_eq!(kind, LogKind::WindowsUpdate);
        // Sets in order of first appearance across both pieces: bit 1, bit 2, bit 4.
        assert_eq!(lits.sets.iter().map(|s| s[0]).collect::<Vec<_>>(), [1, 2, 4]);
        assert_eq!(lits.entries, [(0, 0), (3, 1), (10, 2), (12, 1), (14, 0)]);
        // A piece whose size the file's parse does not share, or a missing piece: nothing.
        assert!(Prescan::join(vec![a.clone(), b.clone()], &[(10, 12), (5, 6)], None).is_none());
        assert!(Prescan::join(vec![a.clone()], &[(10, 12), (5, 5)], None).is_none());
        // Without a kind, or a piece without literals: the codes only.
        assert!(Prescan::join(vec![a.clone(), b.clone()], &[(10, 12), (5, 5)], None).unwrap().literals.is_none());
        let bare = PieceScan { literals: None, ..b };
        assert!(Prescan::join(vec![a, bare], &[(10, 12), (5, 5)], Some(LogKind::Cbs)).unwrap().literals.is_none());
    }
}
