//! Every place a literal starts in a text, found 16 bytes at a time: the literal scan's prefilter
//! in WebAssembly.
//!
//! aho-corasick has a SIMD prefilter (Teddy) on x86_64 and aarch64 only. In WebAssembly its
//! automaton reads every byte, and the literal scan was about a third of the browser's analysis
//! of a WindowsUpdate.log once its code was optimised. This is the same idea, small: the
//! literals' first three bytes are split into 16 groups, and for each place of the three, tables
//! of 16 entries say, by the low and by the high nibble of a byte, which groups have that byte in
//! that place (a bit per group: two tables per nibble). A position can start a literal only if
//! its three bytes fit one group in all three places: twelve table lookups (`i8x16.swizzle`) and
//! a few ANDs for 16 positions at once. The few positions that pass are checked against the
//! literals with those three bytes, longest first.
//!
//! Natively the 16 positions are worked out one by one, so the tests run everywhere; the SIMD
//! block is the only part that differs, and it computes the same bits.

use std::ops::Range;

use rustc_hash::FxHashMap;

/// How many bytes of each literal the tables look at (no literal may be shorter).
const FINGERPRINT: usize = 3;

/// How many groups the literals' beginnings are split into: one bit each in the bytes of two
/// sets of tables. On a WindowsUpdate.log's 64 literals (41 distinct beginnings), 16 groups let
/// 1.1 % of the positions through, 8 groups 10 %.
const GROUPS: usize = 16;

/// Tables per set: a table's entries are bytes, one bit per group.
const HALVES: usize = GROUPS / 8;

pub(crate) struct Prefilter {
    /// Per half h of the groups and place k in the fingerprint: bit g of `lo[h][k][n]` is set
    /// when a literal of group 8h + g has a byte of low nibble n at place k; `hi` the same for
    /// the high nibble.
    lo: [[[u8; 16]; FINGERPRINT]; HALVES],
    hi: [[[u8; 16]; FINGERPRINT]; HALVES],
    /// The same tables as vectors, (low, high) per half and place.
    #[cfg(target_arch = "wasm32")]
    vectors: [[(core::arch::wasm32::v128, core::arch::wasm32::v128); FINGERPRINT]; HALVES],
    /// The literals by their first bytes, longest first: (bytes, literal id).
    by_prefix: FxHashMap<[u8; FINGERPRINT], Vec<(&'static [u8], u16)>>,
}

impl Prefilter {
    /// The prefilter for `literals` (text, id), or None when one is shorter than the fingerprint.
    pub fn new(literals: &[(&'static str, u16)]) -> Option<Prefilter> {
        let mut by_prefix: FxHashMap<[u8; FINGERPRINT], Vec<(&'static [u8], u16)>> = FxHashMap::default();
        for &(text, id) in literals {
            let bytes = text.as_bytes();
            let key: [u8; FINGERPRINT] = bytes.get(..FINGERPRINT)?.try_into().ok()?;
            by_prefix.entry(key).or_default().push((bytes, id));
        }
        for list in by_prefix.values_mut() {
            list.sort_by_key(|(b, _)| std::cmp::Reverse(b.len()));
        }
        // Sorted beginnings cut into runs: alike beginnings share a group, which keeps each
        // group's tables narrow (a group accepts every mix of its members' nibbles).
        let mut prefixes: Vec<[u8; FINGERPRINT]> = by_prefix.keys().copied().collect();
        prefixes.sort_unstable();
        let per_group = prefixes.len().div_ceil(GROUPS).max(1);
        let (mut lo, mut hi) = ([[[0u8; 16]; FINGERPRINT]; HALVES], [[[0u8; 16]; FINGERPRINT]; HALVES]);
        for (i, p) in prefixes.iter().enumerate() {
            let group = i / per_group;
            let (half, bit) = (group / 8, 1u8 << (group % 8));
            for (k, &b) in p.iter().enumerate() {
                lo[half][k][(b & 15) as usize] |= bit;
                hi[half][k][(b >> 4) as usize] |= bit;
            }
        }
        #[cfg(target_arch = "wasm32")]
        let vectors = std::array::from_fn(|h| std::array::from_fn(|k| (vector(&lo[h][k]), vector(&hi[h][k]))));
        Some(Prefilter {
            lo,
            hi,
            #[cfg(target_arch = "wasm32")]
            vectors,
            by_prefix,
        })
    }

    /// Every position of `span` in `text` where a literal starts and ends within the span, with
    /// the longest literal there: (start, end, literal id), in order of start. The same as
    /// searching leftmost-longest and going on one byte after each match's start.
    ///
    /// A block may read past the span's end into the rest of `text` (its positions there are
    /// dropped): a short span, a message, costs a block or two rather than a byte at a time.
    pub fn matches<'t>(&'t self, text: &'t [u8], span: Range<usize>) -> impl Iterator<Item = (usize, usize, u16)> + 't {
        let end = span.end.min(text.len());
        let mut at = span.start;
        // Positions of the current block that passed, as bits from `block_at`.
        let mut block_at = at;
        let mut passed: u16 = 0;
        std::iter::from_fn(move || loop {
            while passed != 0 {
                let j = passed.trailing_zeros() as usize;
                passed &= passed - 1;
                if let Some(m) = self.verify(text, block_at + j, end) {
                    return Some(m);
                }
            }
            if at + FINGERPRINT > end {
                return None;
            }
            block_at = at;
            if at + 15 + FINGERPRINT <= text.len() {
                passed = self.block(&text[at..at + 15 + FINGERPRINT]);
                // Positions whose fingerprint would reach past the span are not in it.
                let inside = end + 1 - FINGERPRINT - at;
                if inside < 16 {
                    passed &= (1u16 << inside) - 1;
                }
                at += 16;
            } else {
                passed = self.passes(&text[at..at + FINGERPRINT]) as u16;
                at += 1;
            }
        })
    }

    /// The longest literal starting at `p` and ending by `end`.
    fn verify(&self, text: &[u8], p: usize, end: usize) -> Option<(usize, usize, u16)> {
        let key: [u8; FINGERPRINT] = text.get(p..p + FINGERPRINT)?.try_into().ok()?;
        let list = self.by_prefix.get(&key)?;
        list.iter().find(|(b, _)| p + b.len() <= end && &text[p..p + b.len()] == *b).map(|&(b, id)| (p, p + b.len(), id))
    }

    /// Whether the fingerprint bytes `b` fit one group in every place.
    fn passes(&self, b: &[u8]) -> bool {
        (0..HALVES).any(|h| {
            let mut groups = u8::MAX;
            for (k, &c) in b.iter().take(FINGERPRINT).enumerate() {
                groups &= self.lo[h][k][(c & 15) as usize] & self.hi[h][k][(c >> 4) as usize];
            }
            groups != 0
        })
    }

    /// For the 16 positions starting `b` (which holds 15 + FINGERPRINT bytes), bit j set when
    /// position j passes.
    #[cfg(not(target_arch = "wasm32"))]
    fn block(&self, b: &[u8]) -> u16 {
        (0..16).filter(|&j| self.passes(&b[j..j + FINGERPRINT])).fold(0, |bits, j| bits | 1 << j)
    }

    #[cfg(target_arch = "wasm32")]
    fn block(&self, b: &[u8]) -> u16 {
        use core::arch::wasm32::*;
        let nibble = u8x16_splat(15);
        let bytes: [v128; FINGERPRINT] = std::array::from_fn(|k| vector(&b[k..k + 16]));
        let (low, high) = (bytes.map(|c| v128_and(c, nibble)), bytes.map(|c| u8x16_shr(c, 4)));
        let mut any = u8x16_splat(0);
        for h in 0..HALVES {
            let mut groups = u8x16_splat(u8::MAX);
            for k in 0..FINGERPRINT {
                let (lo, hi) = self.vectors[h][k];
                let (lo, hi) = (u8x16_swizzle(lo, low[k]), u8x16_swizzle(hi, high[k]));
                groups = v128_and(groups, v128_and(lo, hi));
            }
            any = v128_or(any, groups);
        }
        if !v128_any_true(any) {
            return 0;
        }
        u8x16_bitmask(u8x16_ne(any, u8x16_splat(0)))
    }
}

/// The 16 bytes of `b` as a vector: two 8-byte loads (built byte by byte, a vector takes 16).
#[cfg(target_arch = "wasm32")]
#[inline]
fn vector(b: &[u8]) -> core::arch::wasm32::v128 {
    let half = |s: &[u8]| u64::from_le_bytes(s.try_into().expect("8 bytes"));
    core::arch::wasm32::u64x2(half(&b[..8]), half(&b[8..16]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_by_brute_force(literals: &[(&'static str, u16)], text: &[u8], span: Range<usize>) -> Vec<(usize, usize, u16)> {
        let mut out = Vec::new();
        for p in span.clone() {
            let longest = literals.iter().filter(|(l, _)| p + l.len() <= span.end && text[p..].starts_with(l.as_bytes())).max_by_key(|(l, _)| l.len());
            if let Some(&(l, id)) = longest {
                out.push((p, p + l.len(), id));
            }
        }
        out
    }

    /// Every start of every literal, the longest there, in spans of every offset and length
    /// (blocks and the byte-by-byte tail, literals cut by the span's end), on text that holds
    /// literals next to each other, inside each other and near misses.
    #[test]
    fn finds_what_a_search_at_every_position_finds() {
        let literals: Vec<(&'static str, u16)> = [
            "END",
            "* END *",
            "* END * Finding updates",
            "Download",
            "Download call complete",
            "START",
            "Search",
            "Found ",
            "Call error code = ",
            "Call error code = 0x8024000B",
            "reboot is required",
            "WSUS Path='",
            "ENDS",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (*l, i as u16 * 3))
        .collect();
        let text = b"x* END * Finding updatesDownload call complet Download call complete END* END ENDSTART Searc Search Found Found Call error code = 0x8024000B; reboot is requiredWSUS Path='http' ENDEND\r\nDownloaD";
        let f = Prefilter::new(&literals).expect("all literals are long enough");
        let mut checked = 0;
        for start in 0..text.len() {
            for end in start..=text.len() {
                let got: Vec<_> = f.matches(text, start..end).collect();
                assert_eq!(got, all_by_brute_force(&literals, text, start..end), "span {start}..{end}");
                checked += got.len();
            }
        }
        assert!(checked > 10_000, "{checked} matches compared");
    }

    #[test]
    fn a_literal_shorter_than_the_fingerprint_means_no_prefilter() {
        assert!(Prefilter::new(&[("ab", 0), ("abc", 1)]).is_none());
        assert!(Prefilter::new(&[("abc", 1)]).is_some());
    }
}
