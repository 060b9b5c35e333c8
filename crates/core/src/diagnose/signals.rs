//! Literal matching for flow signals and rules: one Aho-Corasick pass over each file finds every
//! literal its signals and rules need, then each signal is a cheap test over a bit set. The
//! literal list is handed in (`catalog.rs` gathers it from the flow and rule data).
//!
//! Each file is scanned with an automaton of only the literals that apply to it (a CBS.log needs
//! a handful, WindowsUpdate.log a few dozen): small automata keep the SIMD prefilter on, which
//! matters because most lines hold no literal at all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aho_corasick::AhoCorasick;

use super::defs::Matcher;
use super::packed::Prefilter;
use crate::model::{Entry, LiteralHits, LogFile};

/// How a file's text is searched for literals. Where aho-corasick has its SIMD prefilter (Teddy,
/// on x86_64 and aarch64), one pass over the whole text skips the many lines without a literal
/// faster than a search per message can start (measured: a search per message is 10 % slower
/// natively on a WindowsUpdate.log). In WebAssembly the automaton reads every byte; there our own
/// prefilter (`packed.rs`, SIMD too) finds the places a literal may start in one pass over the
/// text. Searching only the messages, each in one overlapping pass, is what the browser did
/// before, and what it falls back to when a literal is too short for the prefilter. All three
/// find the same literals (tested).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Search {
    /// One pass over the text of the entries, matches outside messages dropped.
    Text,
    /// Each message on its own, every occurrence in one pass (overlapping matches). What
    /// `Packed` falls back to; chosen outright only by the tests, which compare the three.
    #[cfg_attr(not(test), allow(dead_code))]
    Messages,
    /// One pass over the text of the entries with [`Prefilter`], matches outside messages dropped.
    Packed,
}

const SEARCH: Search = if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) { Search::Text } else { Search::Packed };

/// Files smaller than twice this are scanned in one piece.
const SCAN_PIECE_MIN: usize = 4 << 20;

/// Words in a literal bit set: at most `WORDS * 64` literals.
pub const WORDS: usize = crate::model::LITERAL_WORDS;

/// Which literals a message contains.
pub type Bits = crate::model::LiteralBits;

pub const EMPTY: Bits = [0; WORDS];

/// An automaton over a subset of the literals; pattern i is literal `ids[i]`. For
/// [`Search::Packed`], the prefilter over them (None: a literal is too short for it).
struct Sub {
    ac: AhoCorasick,
    ids: Vec<u16>,
    packed: Option<Prefilter>,
}

pub struct Literals {
    all: Vec<&'static str>,
    subsets: Mutex<HashMap<(Bits, Search), Arc<Sub>>>,
    index: HashMap<&'static str, u16>,
    /// For each literal, the other literals it contains: present whenever it is.
    contained: Vec<Bits>,
}

/// The literals found in a file's entries, compactly: (entry, index of its literal set), in
/// entry order, and the distinct sets (a big log repeats a few dozen combinations of literals
/// over millions of lines).
#[derive(Debug, Default)]
pub struct FileHits {
    hits: LiteralHits,
    /// The number of each of `hits.sets`.
    index: rustc_hash::FxHashMap<Bits, u32>,
}

impl FileHits {
    /// Add entry `e` (after every entry added so far) with the literals `bits`.
    fn push(&mut self, e: u32, bits: Bits) {
        let hits = &mut self.hits;
        debug_assert!(hits.entries.last().is_none_or(|&(last, _)| last < e), "entries in order");
        // Neighbours often hold the same literals.
        if let Some(&(_, k)) = hits.entries.last().filter(|&&(_, k)| hits.sets[k as usize] == bits) {
            hits.entries.push((e, k));
            return;
        }
        let k = hits.intern(bits, &mut self.index);
        hits.entries.push((e, k));
    }

    /// Add the entries of `piece`, which all come after every entry added so far
    /// ([`LiteralHits::append`]).
    fn append(&mut self, piece: FileHits) {
        if self.hits.entries.is_empty() && self.hits.sets.is_empty() {
            *self = piece;
            return;
        }
        debug_assert!(piece.hits.entries.first().is_none_or(|&(first, _)| self.hits.entries.last().is_none_or(|&(last, _)| last < first)), "entries in order");
        self.hits.append(&piece.hits, 0, &mut self.index);
    }

    /// The hits as plain values (a scanning worker hands them over: `model::Prescan`).
    pub fn into_hits(self) -> LiteralHits {
        self.hits
    }

    /// Hits found elsewhere, as [`FileHits`]. The sets must be distinct (as `into_hits` and
    /// `Prescan::join` leave them): the diagnosis works out what depends on them once per set.
    pub fn from_hits(hits: LiteralHits) -> FileHits {
        let index = hits.sets.iter().enumerate().map(|(k, &bits)| (bits, k as u32)).collect();
        FileHits { hits, index }
    }

    /// Every entry with literals, in order.
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Bits)> + '_ {
        self.hits.entries.iter().map(|&(e, s)| (e, &self.hits.sets[s as usize]))
    }

    /// Every entry with literals, in order, with the index of its literals in [`FileHits::sets`]:
    /// what depends only on the literals is worked out once per set.
    pub fn iter_sets(&self) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.hits.entries.iter().map(|&(e, s)| (e, s as usize))
    }

    /// The distinct sets of literals of the file's entries.
    pub fn sets(&self) -> &[Bits] {
        &self.hits.sets
    }
}

/// A matcher with literal ids resolved.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    all: Vec<u16>,
    any: Vec<u16>,
    none: Vec<u16>,
}

impl Literals {
    /// An automaton over `literals` (duplicates are fine).
    pub fn new(mut all: Vec<&'static str>) -> Literals {
        all.sort_unstable();
        all.dedup();
        assert!(all.len() <= WORDS * 64, "more than {} signal literals: widen Bits", WORDS * 64);
        // Messages may be searched each on its own (`scan_messages`): no literal may reach past one.
        assert!(all.iter().all(|l| !l.contains(['\n', '\r']) && !l.contains("]LOG]!>")), "a signal literal holds a line break or a record's end");
        // Leftmost-longest, not overlapping, so the automaton can use its SIMD prefilter (most lines
        // hold no literal). `matches` restarts one byte after each match's start, so literals that
        // begin inside a match are still found; shorter literals at the same start are added from
        // `contained`. Together that is every literal present.
        let index = all.iter().enumerate().map(|(i, s)| (*s, i as u16)).collect();
        let contained = all
            .iter()
            .map(|outer| {
                let mut bits = EMPTY;
                for (j, inner) in all.iter().enumerate() {
                    if inner != outer && outer.contains(inner) {
                        bits[j / 64] |= 1 << (j % 64);
                    }
                }
                bits
            })
            .collect();
        Literals { subsets: Mutex::new(HashMap::new()), index, contained, all }
    }
}

/// The automaton over `ids` for `search`: leftmost-longest for one pass over the text (see
/// `new`), standard semantics for messages, searched each in one overlapping pass (no restart
/// after each match: a WindowsUpdate.log message often holds several literals, one inside another).
fn build(all: &[&'static str], ids: Vec<u16>, search: Search) -> Sub {
    let patterns: Vec<&str> = ids.iter().map(|&i| all[i as usize]).collect();
    let packed = match search {
        Search::Packed => Prefilter::new(&patterns.iter().copied().zip(ids.iter().copied()).collect::<Vec<_>>()),
        _ => None,
    };
    // The automaton searches each message when there is no prefilter for `Packed`.
    let kind = match search {
        Search::Text => aho_corasick::MatchKind::LeftmostLongest,
        Search::Messages | Search::Packed => aho_corasick::MatchKind::Standard,
    };
    let ac = AhoCorasick::builder().match_kind(kind).kind(Some(aho_corasick::AhoCorasickKind::DFA)).build(&patterns).expect("literal automaton");
    Sub { ac, ids, packed }
}

impl Literals {
    /// Every literal present in `text`.
    #[cfg(test)]
    pub fn present(&self, text: &str) -> Bits {
        let mut bits = EMPTY;
        let mut every = EMPTY;
        for i in 0..self.all.len() {
            every[i / 64] |= 1 << (i % 64);
        }
        let sub = self.subset(every, Search::Text);
        for m in matches(&sub.ac, text, 0..text.len()) {
            self.set(&mut bits, sub.ids[m.pattern().as_usize()] as usize);
        }
        bits
    }

    /// One pass over a whole file: for every entry whose message holds at least one literal,
    /// (entry index, literals present), sorted by entry; entries without literals are absent.
    /// A big file is scanned in pieces on all cores, each a run of whole entries.
    pub fn scan_file(&self, f: &LogFile, wanted: Bits) -> FileHits {
        self.scan_file_by(f, wanted, SEARCH)
    }

    pub(crate) fn scan_file_by(&self, f: &LogFile, wanted: Bits, search: Search) -> FileHits {
        self.scan_entries_by(f.text.as_str(), &f.entries, wanted, search)
    }

    /// [`Literals::scan_file`] over `entries` of `text` (a piece of a file parsed alone).
    pub fn scan_entries(&self, text: &str, entries: &[Entry], wanted: Bits) -> FileHits {
        self.scan_entries_by(text, entries, wanted, SEARCH)
    }

    fn scan_entries_by(&self, text: &str, entries: &[Entry], wanted: Bits, search: Search) -> FileHits {
        if wanted == EMPTY {
            return FileHits::default();
        }
        let sub = self.subset(wanted, search);
        // Pieces of about SCAN_PIECE_MIN bytes, in entries.
        let per_entry = (text.len() / entries.len().max(1)).max(1);
        let ranges = crate::par::ranges(entries.len(), SCAN_PIECE_MIN / per_entry);
        let scan = |r: std::ops::Range<usize>| {
            let from = if r.start == 0 { 0 } else { entries[r.start].start as usize };
            let to = entries.get(r.end).map_or(text.len(), |e| e.start as usize);
            match (search, &sub.packed) {
                (Search::Text, _) => {
                    self.scan_text(entries, r, matches(&sub.ac, text, from..to).map(|m| (m.start(), m.end(), sub.ids[m.pattern().as_usize()])))
                }
                (Search::Packed, Some(packed)) => self.scan_packed(packed, text, entries, r),
                (Search::Messages | Search::Packed, _) => self.scan_messages(&sub, text, entries, r),
            }
        };
        if ranges.len() == 1 {
            return scan(0..entries.len());
        }
        // The pieces in one vector of the size they make together, not one grown as they come.
        let pieces = crate::par::map(ranges, scan);
        let total = pieces.iter().map(|p| p.hits.entries.len()).sum::<usize>();
        let mut pieces = pieces.into_iter();
        let mut out = pieces.next().unwrap_or_default();
        out.hits.entries.reserve_exact(total - out.hits.entries.len());
        for piece in pieces {
            out.append(piece);
        }
        out
    }

    /// [`Literals::scan_file`] over the entries `range`, message by message: a line's framing
    /// (time, component, thread: a third or more of a CMTrace line) is never read. No literal
    /// can reach past a message's end (none holds a line break or a CMTrace end marker, checked
    /// in `new`), so this finds what one pass over the text finds.
    fn scan_messages(&self, sub: &Sub, text: &str, entries: &[Entry], range: std::ops::Range<usize>) -> FileHits {
        self.by_message(entries, range, |e| {
            let message = aho_corasick::Input::new(text).span(e.msg_start as usize..e.msg_end as usize);
            sub.ac.find_overlapping_iter(message).map(|m| sub.ids[m.pattern().as_usize()])
        })
    }

    /// [`Literals::scan_file`] over the entries `range` with the prefilter, message by message: a
    /// line's framing (time, component, thread: a third or more of a line) is never read, and a
    /// message's last block reads on into the next line rather than a byte at a time.
    fn scan_packed(&self, packed: &Prefilter, text: &str, entries: &[Entry], range: std::ops::Range<usize>) -> FileHits {
        self.by_message(entries, range, |e| packed.matches(text.as_bytes(), e.msg_start as usize..e.msg_end as usize).map(|(_, _, id)| id))
    }

    /// The entries `range` whose message holds a literal, with its literals: `found` gives the
    /// ids of the literals in an entry's message. Never inlined (see [`Literals::scan_text`]).
    #[inline(never)]
    fn by_message<I: Iterator<Item = u16>>(&self, entries: &[Entry], range: std::ops::Range<usize>, found: impl Fn(&Entry) -> I) -> FileHits {
        let mut out = FileHits::default();
        for (i, e) in entries.iter().enumerate().take(range.end).skip(range.start) {
            let mut bits = EMPTY;
            let mut any = false;
            for id in found(e) {
                self.set(&mut bits, id as usize);
                any = true;
            }
            if any {
                out.push(i as u32, bits);
            }
        }
        out
    }

    /// [`Literals::scan_file`] over the entries `range`, given every place in their text where a
    /// literal starts (the longest there), in order: (start, end, literal id). Never inlined: in
    /// the browser a function runs unoptimised until V8 has compiled it again, on the side, and a
    /// small hot function is ready long before the big one that calls it.
    #[inline(never)]
    fn scan_text(&self, entries: &[Entry], range: std::ops::Range<usize>, found: impl Iterator<Item = (usize, usize, u16)>) -> FileHits {
        let entries = &entries[..range.end];
        let mut out = FileHits::default();
        // The entry being filled: matches come in order of their start, so the entry holding
        // one is found by moving on, and an entry is complete once a match lies past it.
        let mut current: Option<(usize, Bits)> = None;
        let mut i = range.start;
        for (s, t, id) in found {
            while i < entries.len() && (entries[i].end as usize) < s {
                i += 1;
            }
            let Some(e) = entries.get(i) else { continue };
            if (e.msg_start as usize) > s || t > e.msg_end as usize {
                continue;
            }
            let id = id as usize;
            match &mut current {
                Some((last, bits)) if *last == i => self.set(bits, id),
                _ => {
                    if let Some((last, bits)) = current.take() {
                        out.push(last as u32, bits);
                    }
                    let mut bits = EMPTY;
                    self.set(&mut bits, id);
                    current = Some((i, bits));
                }
            }
        }
        if let Some((last, bits)) = current {
            out.push(last as u32, bits);
        }
        out
    }

    /// The automaton for a set of literals, built once per distinct set.
    fn subset(&self, wanted: Bits, search: Search) -> Arc<Sub> {
        let mut cache = self.subsets.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .entry((wanted, search))
            .or_insert_with(|| Arc::new(build(&self.all, (0..self.all.len() as u16).filter(|&i| has(&wanted, i)).collect(), search)))
            .clone()
    }

    fn set(&self, bits: &mut Bits, id: usize) {
        bits[id / 64] |= 1 << (id % 64);
        for (b, c) in bits.iter_mut().zip(&self.contained[id]) {
            *b |= c;
        }
    }

    /// The matcher with literal ids resolved. Every literal of `m` must be in the list.
    pub fn compile(&self, m: &Matcher) -> Compiled {
        let ids = |v: &[&'static str]| v.iter().map(|s| self.id(s).unwrap_or_else(|| panic!("literal {s:?} is not in the catalog"))).collect();
        Compiled { all: ids(m.all), any: ids(m.any), none: ids(m.none) }
    }

    pub fn id(&self, s: &str) -> Option<u16> {
        self.index.get(s).copied()
    }
}

/// Every position where a literal starts (the longest one there): the search restarts one byte
/// after each match's start.
fn matches<'t>(ac: &'t AhoCorasick, text: &'t str, span: std::ops::Range<usize>) -> impl Iterator<Item = aho_corasick::Match> + 't {
    let mut pos = span.start;
    std::iter::from_fn(move || {
        if pos > span.end {
            return None;
        }
        let m = ac.find(aho_corasick::Input::new(text).span(pos..span.end))?;
        pos = m.start() + 1;
        Some(m)
    })
}

pub fn union(mut a: Bits, b: Bits) -> Bits {
    for (x, y) in a.iter_mut().zip(b) {
        *x |= y;
    }
    a
}

#[inline]
pub fn has(bits: &Bits, id: u16) -> bool {
    bits[id as usize / 64] & (1 << (id % 64)) != 0
}

impl Compiled {
    /// The literals this matcher looks at.
    pub fn bits(&self) -> Bits {
        let mut b = EMPTY;
        for &i in self.all.iter().chain(&self.any).chain(&self.none) {
            b[i as usize / 64] |= 1 << (i % 64);
        }
        b
    }

    pub fn matches(&self, bits: &Bits) -> bool {
        self.all.iter().all(|&i| has(bits, i)) && (self.any.is_empty() || self.any.iter().any(|&i| has(bits, i))) && !self.none.iter().any(|&i| has(bits, i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The browser's literal scan takes the prefilter only if every literal is long enough for
    /// it; a shorter one would silently send it back to the slower search per message.
    #[test]
    fn every_literal_of_the_data_is_long_enough_for_the_prefilter() {
        let literals = &super::super::catalog::CATALOG.literals;
        let every = literals.all.iter().enumerate().fold(EMPTY, |mut b, (i, _)| {
            b[i / 64] |= 1 << (i % 64);
            b
        });
        assert!(
            literals.subset(every, Search::Packed).packed.is_some(),
            "a literal shorter than the prefilter's fingerprint: {:?}",
            literals.all.iter().filter(|l| l.len() < 3).collect::<Vec<_>>()
        );
    }

    #[test]
    fn overlapping_literals_all_found() {
        let l = Literals::new(vec![
            "Finding updates",
            "CallerId = CcmExec",
            "END",
            "Exit code = ",
            "START",
            "Async searching completed",
            "ynchronization completed",
            "A reboot is required",
            "reboot is required",
        ]);
        let id = |s: &str| l.id(s).unwrap();
        let bits = l.present("* END * Finding updates CallerId = CcmExec, Id = 5, Exit code = 0x8024401B");
        for s in ["Finding updates", "CallerId = CcmExec", "END", "Exit code = "] {
            assert!(has(&bits, id(s)), "{s}");
        }
        assert!(!has(&bits, id("START")));
        // A literal that starts inside another one's match, and one contained in it.
        let bits = l.present("the Async searching completed successfully and A reboot is required");
        for s in ["Async searching completed", "A reboot is required", "reboot is required"] {
            assert!(has(&bits, id(s)), "{s}");
        }
        assert!(!has(&bits, id("ynchronization completed")));
        let m = l.compile(&Matcher { all: &["Finding updates"], any: &["END"], none: &["START"] });
        assert!(m.matches(&l.present("* END * Finding updates")));
        assert!(!m.matches(&l.present("* START * Finding updates")));
    }

    #[test]
    fn pieces_appended_equal_entries_pushed_one_by_one() {
        // Sets shared between pieces, sets new in a later piece, runs of one set, empty pieces.
        let set = |i: u64| {
            let mut b = EMPTY;
            b[(i % WORDS as u64) as usize] = 1 << (i * 7 % 64);
            b
        };
        let entries: Vec<(u32, Bits)> = (0..400u32).filter(|e| e % 3 != 1).map(|e| (e, set(u64::from(e / 5 % 9) + u64::from(e / 200) * 4))).collect();
        let mut one_by_one = FileHits::default();
        for &(e, bits) in &entries {
            one_by_one.push(e, bits);
        }
        for cuts in [vec![0, 400], vec![0, 0, 133, 400], vec![0, 7, 8, 200, 301, 400, 400]] {
            let mut appended = FileHits::default();
            for w in cuts.windows(2) {
                let mut piece = FileHits::default();
                for &(e, bits) in entries.iter().filter(|(e, _)| (w[0]..w[1]).contains(e)) {
                    piece.push(e, bits);
                }
                appended.append(piece);
            }
            assert_eq!((&appended.hits.entries, &appended.hits.sets), (&one_by_one.hits.entries, &one_by_one.hits.sets), "{cuts:?}");
            assert!(one_by_one.hits.sets.len() > 9, "sets new in later pieces");
        }
    }
}
