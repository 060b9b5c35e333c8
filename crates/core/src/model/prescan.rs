//! What another worker made of a file's records while the file was being read: the records
//! parsed, their failure codes and the diagnosis' literals. The browser's analysis worker cuts a
//! big file into pieces of whole records as its slices arrive and hands each to a scanning
//! worker, which parses and scans it (`diagnose::scan_piece`); the session keeps the entries and
//! the analysis and the diagnosis use the findings, instead of doing all of it on one core.
//! Plain values, and the compact binary form in which a piece crosses between workers (8 MB of
//! log is some 60,000 entries and as many hits: as JS objects they would cost more than the
//! parse).

use rustc_hash::FxHashMap;

use super::{Entry, LogKind, Severity, NO_COMPONENT};

/// Words in a literal bit set: at most `LITERAL_WORDS * 64` literals (the catalog checks).
pub const LITERAL_WORDS: usize = 8;

/// Which of the catalog's literals a message holds, one bit each.
pub type LiteralBits = [u64; LITERAL_WORDS];

/// A failure code in an entry: the entry's index, the code, the physical line of its first
/// mention, and the symbolic name the log wrote beside it (for codes the knowledge base does not
/// name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryCode {
    /// Index of the entry in its file (or piece).
    pub entry: u32,
    /// The code as a 32-bit value (`0x80244007`).
    pub code: u32,
    /// 1-based physical line of its first mention.
    pub line: u32,
    /// The name the log wrote beside the code (`WU_E_PT_SOAPCLIENT_PARSEFAULT`), if any.
    pub stated_symbol: Option<String>,
}

/// The literals found in a run of entries: (entry, index into `sets`) in entry order, entries
/// without a literal absent; the distinct sets in order of first appearance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiteralHits {
    /// (entry index, index into `sets`) for each entry that holds a literal, in entry order.
    pub entries: Vec<(u32, u32)>,
    /// The distinct literal sets, in order of first appearance.
    pub sets: Vec<LiteralBits>,
}

impl LiteralHits {
    /// The number of `bits` among the sets (`index` maps each set to its number), added if new.
    pub fn intern(&mut self, bits: LiteralBits, index: &mut FxHashMap<LiteralBits, u32>) -> u32 {
        let next = self.sets.len() as u32;
        let k = *index.entry(bits).or_insert(next);
        if k == next {
            self.sets.push(bits);
        }
        k
    }

    /// Add the hits of `piece`, whose entries, moved on by `entry_base`, all come after these.
    /// Its few dozen sets are looked up once each, not once per entry, and numbered as pushing
    /// its entries one by one would number them (order of first appearance).
    pub fn append(&mut self, piece: &LiteralHits, entry_base: u32, index: &mut FxHashMap<LiteralBits, u32>) {
        let renumbered: Vec<u32> = piece.sets.iter().map(|&bits| self.intern(bits, index)).collect();
        self.entries.extend(piece.entries.iter().map(|&(e, k)| (e + entry_base, renumbered[k as usize])));
    }
}

/// A piece of a file parsed: its entries (offsets into the text it was parsed in: from the
/// piece's first byte when parsed alone, as a scanning worker does), lines counted from its first
/// line, components indexing the piece's own table (the file's parse joins the pieces).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PieceParse {
    /// The piece's records and unparsed lines, tiling its lines.
    pub entries: Vec<Entry>,
    /// Component names the entries' `component` indexes.
    pub components: Vec<String>,
    /// Physical lines in the piece.
    pub lines: u32,
    /// Threads are written in hex in this format.
    pub thread_hex: bool,
    /// Offset (ISO minutes) a header line stated for the whole file, when the piece holds one.
    pub header_offset: Option<i32>,
    /// Things the user should know about what the parser met (CMTrace records without an end marker).
    pub notes: Vec<String>,
    /// CMTrace records without an end marker.
    pub truncated_records: u32,
}

impl PieceParse {
    /// Do the entries lie in a piece of `text`, on character boundaries, with components from
    /// the table? (What crossed between workers is checked before the file's text is cut by it.)
    pub fn fits(&self, text: &str) -> bool {
        let at = |i: u32| text.is_char_boundary(i as usize);
        self.entries.iter().all(|e| {
            e.start <= e.end
                && e.msg_start <= e.msg_end
                && (e.end as usize) <= text.len()
                && (e.msg_end as usize) <= text.len()
                && at(e.start)
                && at(e.end)
                && at(e.msg_start)
                && at(e.msg_end)
                && (e.component == NO_COMPONENT || (e.component as usize) < self.components.len())
        })
    }
}

/// What was found in a piece. Entries count from the piece's first, lines from its first line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PieceFindings {
    /// Entries the piece parsed into and physical lines it holds.
    pub entries: u32,
    /// Physical lines in the piece.
    pub lines: u32,
    /// Failure codes found in the piece's entries, in entry order.
    pub codes: Vec<EntryCode>,
    /// `None` when the piece was not scanned for literals (its file's kind depends on all of it).
    pub literals: Option<LiteralHits>,
}

/// A scanning worker's answer for one piece: the piece parsed, and what was found in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PieceScan {
    /// The piece's parse.
    pub parsed: PieceParse,
    /// The codes and literals found in it.
    pub findings: PieceFindings,
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
    pub fn join(pieces: Vec<PieceFindings>, sizes: &[(u32, u32)], kind: Option<LogKind>) -> Option<Prescan> {
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
                literals.append(&hits, entry_base, &mut index);
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
const MAGIC: &[u8; 4] = b"WLP2";

impl PieceScan {
    /// The compact binary form: little-endian numbers, lengths before lists.
    pub fn to_bytes(&self) -> Vec<u8> {
        let (p, f) = (&self.parsed, &self.findings);
        let lits = f.literals.as_ref();
        let size = 64 + p.entries.len() * ENTRY_BYTES + f.codes.len() * 16 + lits.map_or(0, |l| l.sets.len() * 8 * LITERAL_WORDS + l.entries.len() * 8);
        let mut w = Writer(Vec::with_capacity(size));
        w.0.extend_from_slice(MAGIC);
        w.u32(p.lines);
        w.u32(p.entries.len() as u32);
        for e in &p.entries {
            for n in [e.start, e.end, e.msg_start, e.msg_end, e.line, u32::from(e.lines)] {
                w.u32(n);
            }
            w.0.extend_from_slice(&e.time.to_le_bytes());
            w.0.extend_from_slice(&e.offset.to_le_bytes());
            w.0.extend_from_slice(&e.component.to_le_bytes());
            w.u32(e.thread);
            w.0.push(e.severity as u8);
            w.0.push(u8::from(e.parsed));
        }
        w.strings(&p.components);
        w.strings(&p.notes);
        w.0.push(u8::from(p.thread_hex));
        match p.header_offset {
            None => w.0.push(0),
            Some(o) => {
                w.0.push(1);
                w.0.extend_from_slice(&o.to_le_bytes());
            }
        }
        w.u32(p.truncated_records);
        w.u32(f.codes.len() as u32);
        for c in &f.codes {
            for n in [c.entry, c.code, c.line] {
                w.u32(n);
            }
            w.string(c.stated_symbol.as_deref());
        }
        match lits {
            None => w.0.push(0),
            Some(l) => {
                w.0.push(1);
                w.u32(l.sets.len() as u32);
                for word in l.sets.iter().flatten() {
                    w.0.extend_from_slice(&word.to_le_bytes());
                }
                w.u32(l.entries.len() as u32);
                for &(e, k) in &l.entries {
                    w.u32(e);
                    w.u32(k);
                }
            }
        }
        w.0
    }

    /// Read back what [`PieceScan::to_bytes`] wrote; anything else is refused, never guessed at.
    pub fn from_bytes(bytes: &[u8]) -> Result<PieceScan, BadPieceScan> {
        let mut r = Reader(bytes);
        if r.take(4)? != MAGIC {
            return Err(BadPieceScan("not a piece of this version"));
        }
        let lines = r.u32()?;
        let n = r.u32()? as usize;
        let mut entries = Vec::with_capacity(n.min(bytes.len() / ENTRY_BYTES));
        for _ in 0..n {
            let b = r.take(ENTRY_BYTES)?;
            let u = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
            entries.push(Entry {
                start: u(0),
                end: u(4),
                msg_start: u(8),
                msg_end: u(12),
                line: u(16),
                // Written from a u16: a larger value is no prescan of ours.
                lines: u(20).min(u32::from(u16::MAX)) as u16,
                time: i64::from_le_bytes(b[24..32].try_into().expect("8 bytes")),
                offset: i16::from_le_bytes([b[32], b[33]]),
                component: u16::from_le_bytes([b[34], b[35]]),
                thread: u(36),
                severity: match b[40] {
                    0 => Severity::None,
                    1 => Severity::Info,
                    2 => Severity::Warning,
                    3 => Severity::Error,
                    _ => return Err(BadPieceScan("unknown severity")),
                },
                parsed: b[41] != 0,
            });
        }
        let components = r.strings()?;
        let notes = r.strings()?;
        let thread_hex = r.take(1)?[0] != 0;
        let header_offset = match r.take(1)?[0] {
            0 => None,
            _ => Some(i32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes"))),
        };
        let truncated_records = r.u32()?;
        let parsed = PieceParse { entries, components, lines, thread_hex, header_offset, notes, truncated_records };
        let n_entries = parsed.entries.len() as u32;
        let n_codes = r.u32()?;
        let mut codes = Vec::with_capacity((n_codes as usize).min(bytes.len() / 16));
        for _ in 0..n_codes {
            let (entry, code, line) = (r.u32()?, r.u32()?, r.u32()?);
            let stated_symbol = r.string()?;
            if entry >= n_entries {
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
                    if e >= n_entries || k as usize >= sets.len() {
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
        let findings = PieceFindings { entries: n_entries, lines, codes, literals };
        Ok(PieceScan { parsed, findings })
    }
}

/// An entry's size in the binary form.
const ENTRY_BYTES: usize = 42;

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    /// A string, or none (its length u32::MAX).
    fn string(&mut self, s: Option<&str>) {
        self.u32(s.map_or(u32::MAX, |s| s.len() as u32));
        self.0.extend_from_slice(s.unwrap_or_default().as_bytes());
    }

    fn strings(&mut self, v: &[String]) {
        self.u32(v.len() as u32);
        for s in v {
            self.string(Some(s));
        }
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

    fn string(&mut self) -> Result<Option<String>, BadPieceScan> {
        match self.u32()? {
            u32::MAX => Ok(None),
            n => Ok(Some(std::str::from_utf8(self.take(n as usize)?).map_err(|_| BadPieceScan("a string is not UTF-8"))?.to_owned())),
        }
    }

    fn strings(&mut self) -> Result<Vec<String>, BadPieceScan> {
        let n = self.u32()? as usize;
        let mut v = Vec::with_capacity(n.min(self.0.len() / 4));
        for _ in 0..n {
            v.push(self.string()?.ok_or(BadPieceScan("a missing string in a list"))?);
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(entries: u32, lines: u32, hits: &[(u32, u64)]) -> PieceFindings {
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
        PieceFindings { entries, lines, codes, literals: Some(LiteralHits { entries: out, sets }) }
    }

    fn scan(entries: u32, hits: &[(u32, u64)]) -> PieceScan {
        let entry = |i: u32| Entry {
            start: i * 10,
            end: i * 10 + 8,
            msg_start: i * 10 + 2,
            msg_end: i * 10 + 8,
            line: i + 1,
            lines: 1,
            time: if i == 1 { super::super::NO_TIME } else { 1_700_000_000_000 + i as i64 },
            offset: if i == 2 { super::super::NO_OFFSET } else { -420 },
            component: if i == 0 { NO_COMPONENT } else { (i % 2) as u16 },
            thread: 7 * i,
            severity: [Severity::None, Severity::Info, Severity::Warning, Severity::Error][i as usize % 4],
            parsed: i != 0,
        };
        let parsed = PieceParse {
            entries: (0..entries).map(entry).collect(),
            components: vec!["Agent".into(), "Caf\u{e9}".into()],
            lines: entries,
            thread_hex: true,
            header_offset: Some(-60),
            notes: vec!["a note".into()],
            truncated_records: 2,
        };
        PieceScan { parsed, findings: findings(entries, entries, hits) }
    }

    #[test]
    fn the_binary_form_reads_back_and_refuses_anything_else() {
        let bare = PieceScan { findings: PieceFindings { entries: 3, lines: 3, codes: Vec::new(), literals: None }, ..scan(3, &[]) };
        for p in [scan(10, &[(0, 1), (3, 2), (9, 1)]), bare, PieceScan::default()] {
            let bytes = p.to_bytes();
            assert_eq!(PieceScan::from_bytes(&bytes), Ok(p.clone()));
            for cut in 0..bytes.len() {
                assert!(PieceScan::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(PieceScan::from_bytes(&longer).is_err());
        }
        // One entry fewer: the hit on the last entry is past the piece's end.
        let mut fewer = scan(2, &[(1, 1)]);
        fewer.parsed.entries.pop();
        fewer.findings.entries = 1;
        assert!(PieceScan::from_bytes(&fewer.to_bytes()).unwrap_err().to_string().contains("past the piece's end"));
    }

    #[test]
    fn a_piece_fits_its_text_only_on_its_boundaries_and_with_its_components() {
        let text = "0123456789".repeat(4);
        let p = scan(4, &[]).parsed;
        assert!(p.fits(&text));
        assert!(!p.fits(&text[..35]), "past the end");
        assert!(!p.fits(&format!("0\u{e9}{}", &text[3..])), "inside a character");
        let mut wrong = p.clone();
        wrong.entries[1].component = 2;
        assert!(!wrong.fits(&text), "a component the table lacks");
    }

    #[test]
    fn pieces_join_with_entries_lines_and_sets_renumbered() {
        let a = findings(10, 12, &[(0, 1), (3, 2)]);
        let b = findings(5, 5, &[(0, 4), (2, 2), (4, 1)]);
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
        let bare = PieceFindings { literals: None, ..b };
        assert!(Prescan::join(vec![a, bare], &[(10, 12), (5, 5)], Some(LogKind::Cbs)).unwrap().literals.is_none());
    }
}
