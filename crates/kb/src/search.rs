//! Ranked search over code prefix, symbolic name and words.
//!
//! Ranking, highest first: the exact code (any notation), a hex prefix of the code, an exact
//! symbol, a symbol substring, then word matches weighted by where they hit (category, symbol,
//! message, our own prose). Every word of the query must hit somewhere. Entries with guidance
//! get a boost so that, among near-equals, the answer with mitigation comes first; ties go to
//! the lower code.

use std::sync::LazyLock;

use memchr::memmem;

use crate::category::Category;
use crate::code::{self, ErrorCode};
use crate::lookup::lookup;
use crate::model::Entry;
use crate::tables::entries;

/// One entry a search found, with what the results list shows of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchHit {
    /// The entry's code.
    pub code: ErrorCode,
    /// Its symbolic name (may be empty).
    pub symbol: &'static str,
    /// Its short message.
    pub message: &'static str,
    /// Its category.
    pub category: Category,
    /// The category in words.
    pub category_label: &'static str,
    /// It has guidance beyond a name and message ([`Entry::has_guidance`]).
    pub has_guidance: bool,
    /// How well it matches: higher first.
    pub score: u32,
    /// The whole entry (not serialized: the list shows the fields above).
    #[serde(skip)]
    pub entry: &'static Entry,
}

/// The lower-cased text of every entry, one buffer per field, built once. Each entry's text ends
/// with a `\n` (a query word never holds one), so a match never spans two entries; `starts[i]`
/// is where entry `i` begins. One pass of a word's searcher over a whole buffer replaces one
/// search per entry: at 16,000 entries that is most of a search's time.
struct Field {
    text: String,
    starts: Vec<u32>,
}

impl Field {
    fn build(texts: impl Iterator<Item = String>) -> Field {
        let mut text = String::new();
        let mut starts = Vec::new();
        for t in texts {
            starts.push(text.len() as u32);
            text.push_str(&t);
            text.push('\n');
        }
        Field { text, starts }
    }

    /// Sets bit `i` of `hits` for every entry `i` whose text contains the word. After a match the
    /// search resumes at the next entry: each entry costs at most one match.
    fn mark(&self, word: &memmem::Finder, hits: &mut [u64]) {
        let bytes = self.text.as_bytes();
        let mut pos = 0usize;
        let mut entry = 0usize;
        while let Some(found) = word.find(&bytes[pos..]) {
            let at = pos + found;
            // Matches come in order: walk the entry index forward instead of searching for it.
            while entry + 1 < self.starts.len() && self.starts[entry + 1] as usize <= at {
                entry += 1;
            }
            hits[entry / 64] |= 1 << (entry % 64);
            match self.starts.get(entry + 1) {
                Some(&next) => pos = next as usize,
                None => break,
            }
        }
    }

    fn get(&self, i: usize) -> &str {
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e as usize);
        &self.text[self.starts[i] as usize..end - 1]
    }
}

struct Haystack {
    /// Symbol and aliases, lower-case, separated by spaces.
    symbols: Field,
    /// The message (plus `http NNN` for the HTTP status codes).
    message: Field,
    /// Our own prose: description, causes, mitigation steps and commands.
    prose: Field,
    /// The category of each entry, and each category's searchable text.
    category: Vec<u8>,
    category_text: Vec<String>,
}

static HAYSTACK: LazyLock<Haystack> = LazyLock::new(|| {
    let es = entries();
    let symbols = Field::build(es.iter().map(|e| {
        let mut symbols = e.symbol.to_ascii_lowercase();
        for a in e.aliases {
            symbols.push(' ');
            symbols.push_str(&a.to_ascii_lowercase());
        }
        symbols
    }));
    let message = Field::build(es.iter().map(|e| {
        let mut message = e.message.to_lowercase();
        if let Some(s) = crate::decode::http_status(e.code) {
            message.push_str(&format!(" http {s}"));
        }
        message.replace('\n', " ")
    }));
    let prose = Field::build(es.iter().map(|e| {
        let mut prose = String::new();
        for part in std::iter::once(e.description).chain(e.causes.iter().copied()) {
            prose.push_str(part);
            prose.push(' ');
        }
        // Each context's words: where the code is written (log kinds, component), why, and what
        // to do there, so "dism mounted image" finds the code DISM writes when it asks that.
        let steps = e.mitigation.iter().chain(e.contexts.iter().flat_map(|c| c.steps));
        for part in e.contexts.iter().flat_map(|c| c.logs.iter().copied().chain([c.at, c.why])) {
            prose.push_str(part);
            prose.push(' ');
        }
        for s in steps {
            prose.push_str(&s.text);
            prose.push(' ');
            if let Some(c) = &s.command {
                prose.push_str(c);
                prose.push(' ');
            }
        }
        prose.to_lowercase().replace('\n', " ")
    }));
    let category = es.iter().map(|e| Category::ALL.iter().position(|c| *c == e.category).unwrap_or(0) as u8).collect();
    let category_text = Category::ALL.iter().map(|c| format!("{} {}", c.id().replace('_', " "), c.label().to_lowercase())).collect();
    Haystack { symbols, message, prose, category, category_text }
});

/// A query is a code, a name or a few words: longer text (a pasted log paragraph) is cut here,
/// so that one keystroke never costs more than a few milliseconds.
const MAX_QUERY_CHARS: usize = 200;
const MAX_QUERY_WORDS: usize = 12;

/// Search the knowledge base. Empty queries return nothing.
pub fn search(query: &str, limit: usize) -> Vec<SearchHit> {
    let q = query.trim();
    let q = q.char_indices().nth(MAX_QUERY_CHARS).map_or(q, |(i, _)| &q[..i]);
    if q.is_empty() || limit == 0 {
        return Vec::new();
    }
    let es = entries();
    let h = &*HAYSTACK;
    let n = es.len();
    let mut scores = vec![0u32; n];

    // The exact code, in any notation.
    if let Some(i) = lookup(q).ok().and_then(|l| es.binary_search_by_key(&l.code.0, |e| e.code).ok()) {
        scores[i] += 10_000;
    }
    let q_clean = code::clean_input(q);
    // A hex prefix: the entries are sorted by code, so its matches are one range.
    if let Some(p) = hex_prefix(q_clean) {
        let shift = 32 - 4 * p.len() as u32;
        let v = u32::from_str_radix(&p, 16).unwrap_or(0);
        let lo = if shift == 32 { 0 } else { v << shift };
        let hi = if shift == 32 { u32::MAX } else { lo | ((1u64 << shift) - 1) as u32 };
        let first = es.partition_point(|e| e.code < lo);
        let last = es.partition_point(|e| e.code <= hi);
        for s in &mut scores[first..last] {
            *s += 2_000 + 100 * p.len() as u32;
        }
    }
    // A symbolic name, whole or in part.
    let q_lower = q_clean.to_ascii_lowercase();
    if q_lower.len() >= 3 && q_lower.contains('_') {
        let mut hits = vec![0u64; n.div_ceil(64)];
        h.symbols.mark(&memmem::Finder::new(q_lower.as_bytes()), &mut hits);
        for (i, s) in scores.iter_mut().enumerate() {
            if hits[i / 64] >> (i % 64) & 1 == 1 {
                *s += if h.symbols.get(i).split(' ').any(|s| s == q_lower) { 5_000 } else { 1_000 };
            }
        }
    }
    // Words: every word must hit somewhere.
    let words = query_words(q);
    if !words.is_empty() {
        let mut alive = vec![u64::MAX; n.div_ceil(64)];
        let mut alive_count = n;
        let mut word_scores = vec![0u32; n];
        for w in &words {
            if alive_count == 0 {
                break;
            }
            let finder = memmem::Finder::new(w.as_bytes());
            let in_category: Vec<bool> = h.category_text.iter().map(|t| finder.find(t.as_bytes()).is_some()).collect();
            let mut sym = vec![0u64; n.div_ceil(64)];
            let mut msg = vec![0u64; n.div_ceil(64)];
            let mut prose = vec![0u64; n.div_ceil(64)];
            if alive_count > n / 32 {
                h.symbols.mark(&finder, &mut sym);
                h.message.mark(&finder, &mut msg);
                h.prose.mark(&finder, &mut prose);
            } else {
                // Few entries left (the first words already ruled most out): search just those.
                for i in (0..n).filter(|i| alive[i / 64] >> (i % 64) & 1 == 1) {
                    for (field, bits) in [(&h.symbols, &mut sym), (&h.message, &mut msg), (&h.prose, &mut prose)] {
                        if finder.find(field.get(i).as_bytes()).is_some() {
                            bits[i / 64] |= 1 << (i % 64);
                        }
                    }
                }
            }
            for (i, e) in es.iter().enumerate() {
                let (k, bit) = (i / 64, 1u64 << (i % 64));
                if alive[k] & bit == 0 {
                    continue;
                }
                let curated = e.origin != crate::model::Origin::Imported;
                let mut s = 0;
                if in_category[h.category[i] as usize] {
                    s += if curated { 100 } else { 30 };
                }
                if sym[k] & bit != 0 {
                    s += 40;
                }
                if msg[k] & bit != 0 {
                    s += 25;
                }
                if prose[k] & bit != 0 {
                    s += 10;
                }
                if s == 0 {
                    alive[k] &= !bit;
                    alive_count -= 1;
                    word_scores[i] = 0;
                } else {
                    word_scores[i] += s;
                }
            }
        }
        for (s, w) in scores.iter_mut().zip(&word_scores) {
            *s += w;
        }
    }

    // The best `limit`, without sorting every match (a one-letter query matches most entries).
    let mut found: Vec<(u32, usize)> = Vec::new();
    for (i, &s) in scores.iter().enumerate() {
        if s > 0 {
            found.push((s + if es[i].has_guidance() { 50 } else { 0 }, i));
        }
    }
    // Higher score first, then lower code (entries are sorted by code: lower index).
    let order = |a: &(u32, usize), b: &(u32, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if found.len() > limit {
        found.select_nth_unstable_by(limit - 1, order);
        found.truncate(limit);
    }
    found.sort_unstable_by(order);
    found
        .into_iter()
        .map(|(score, i)| {
            let e = &es[i];
            SearchHit {
                code: ErrorCode(e.code),
                symbol: e.symbol,
                message: e.message,
                category: e.category,
                category_label: e.category.label(),
                has_guidance: e.has_guidance(),
                score,
                entry: e,
            }
        })
        .collect()
}

/// The words of a query, lower-cased, distinct, longest first, at most [`MAX_QUERY_WORDS`].
fn query_words(q: &str) -> Vec<String> {
    let mut words: Vec<String> = q.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect();
    words.sort();
    words.dedup();
    // Longest words first: they are the most selective.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.truncate(MAX_QUERY_WORDS);
    words
}

/// `0x8024`, `8024401` or `0x8024401b` → lower-case hex digits to match as a prefix.
fn hex_prefix(q: &str) -> Option<String> {
    let digits = q.strip_prefix("0x").or_else(|| q.strip_prefix("0X")).unwrap_or(q);
    let long_enough = digits.len() >= 3 || (!digits.is_empty() && q.len() != digits.len());
    (long_enough && digits.len() <= 8 && digits.bytes().all(|b| b.is_ascii_hexdigit())).then(|| digits.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_code_first_in_any_notation() {
        for q in ["0x8024401B", "-2145107941", "2149859355", "WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ", "8024401b"] {
            let hits = search(q, 5);
            assert_eq!(hits[0].code, ErrorCode(0x8024401B), "{q}");
        }
    }

    #[test]
    fn hex_prefix_lists_the_family() {
        let hits = search("0x802440", 50);
        assert!(hits.len() > 10);
        assert!(hits.iter().all(|h| format!("{:08X}", h.code.0).starts_with("802440")));
    }

    #[test]
    fn proxy_ranks_the_proxy_family_first() {
        let hits = search("proxy", 40);
        let proxy_family = [0x80244021u32, 0x8024401B, 0x80240030, 0x8024402C];
        let top: Vec<u32> = hits.iter().take(proxy_family.len()).map(|h| h.code.0).collect();
        for c in proxy_family {
            assert!(top.contains(&c), "0x{c:08X} not in the top {}: {top:08X?}", proxy_family.len());
        }
        assert!(hits.iter().take(4).all(|h| h.category == crate::Category::Proxy));
    }

    #[test]
    fn long_pasted_text_is_cut_not_slow() {
        let paragraph = "proxy ".repeat(5000);
        let hits = search(&paragraph, 5);
        assert!(!hits.is_empty() && hits[0].category == crate::Category::Proxy);
        // A word past the cut does not count: it would exclude every entry otherwise.
        let past_cut = format!("{}zzzz-no-such-thing", "proxy ".repeat(40));
        assert!(!search(&past_cut, 5).is_empty());
    }

    #[test]
    fn words_must_all_match() {
        let hits = search("proxy 407", 5);
        assert_eq!(hits[0].code, ErrorCode(0x8024401B));
        assert!(search("catroot2", 10).iter().any(|h| h.code == ErrorCode(0x80242006)));
        assert!(search("zzzz-no-such-thing", 10).is_empty());
    }
}
