//! Ranked search over code prefix, symbolic name and words.
//!
//! Ranking, highest first: the exact code (any notation), a hex prefix of the code, an exact
//! symbol, a symbol substring, then word matches weighted by where they hit (category, symbol,
//! message, our own prose). Every word of the query must hit somewhere. Entries with guidance
//! get a boost so that, among near-equals, the answer with mitigation comes first.

use std::sync::LazyLock;

use memchr::memmem;

use crate::model::Entry;
use crate::{code, entries, lookup, ErrorCode};

#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchHit {
    pub code: ErrorCode,
    pub symbol: &'static str,
    pub message: &'static str,
    pub category: crate::Category,
    pub category_label: &'static str,
    pub has_guidance: bool,
    pub score: u32,
    #[serde(skip)]
    pub entry: &'static Entry,
}

/// Lower-cased text of each entry, built once.
struct Haystack {
    hex: String,
    symbols: String,
    category: String,
    message: String,
    prose: String,
}

static HAYSTACKS: LazyLock<Vec<Haystack>> = LazyLock::new(|| {
    entries()
        .iter()
        .map(|e| {
            let mut prose = String::new();
            for part in std::iter::once(e.description).chain(e.causes.iter().copied()) {
                prose.push_str(part);
                prose.push('\n');
            }
            for s in e.mitigation {
                prose.push_str(&s.text);
                prose.push('\n');
                if let Some(c) = &s.command {
                    prose.push_str(c);
                    prose.push('\n');
                }
            }
            let mut symbols = e.symbol.to_ascii_lowercase();
            for a in e.aliases {
                symbols.push(' ');
                symbols.push_str(&a.to_ascii_lowercase());
            }
            let mut message = e.message.to_lowercase();
            if let Some(s) = crate::decode::http_status(e.code) {
                message.push_str(&format!(" http {s}"));
            }
            Haystack {
                hex: format!("{:08x}", e.code),
                symbols,
                category: format!("{} {}", e.category.id().replace('_', " "), e.category.label().to_lowercase()),
                message,
                prose: prose.to_lowercase(),
            }
        })
        .collect()
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
    let exact = lookup(q).ok().map(|l| l.code.0);
    let q_clean = code::clean_input(q);
    let hex_prefix = hex_prefix(q_clean);
    let q_lower = q_clean.to_ascii_lowercase();
    let words: Vec<String> = q.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect();
    // Longest words first: they are the most selective, and a miss ends an entry's scoring.
    let mut words = words;
    words.sort();
    words.dedup();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.truncate(MAX_QUERY_WORDS);
    // One prebuilt searcher per word: every entry's fields are searched with it, and building a
    // searcher per `contains` call was most of a search's time.
    let words: Vec<memmem::Finder> = words.iter().map(|w| memmem::Finder::new(w.as_bytes()).into_owned()).collect();
    let symbol_finder = memmem::Finder::new(q_lower.as_bytes());

    let mut hits: Vec<SearchHit> = Vec::new();
    for (e, h) in entries().iter().zip(HAYSTACKS.iter()) {
        let mut score = 0u32;
        if exact == Some(e.code) {
            score += 10_000;
        }
        if let Some(p) = &hex_prefix {
            if h.hex.starts_with(p.as_str()) {
                score += 2_000 + 100 * p.len() as u32;
            }
        }
        if q_lower.len() >= 3 && q_lower.contains('_') {
            if h.symbols.split(' ').any(|s| s == q_lower) {
                score += 5_000;
            } else if symbol_finder.find(h.symbols.as_bytes()).is_some() {
                score += 1_000;
            }
        }
        let curated = e.origin != crate::Origin::Imported;
        score += word_score(&words, h, curated);
        if score == 0 {
            continue;
        }
        if e.has_guidance() {
            score += 50;
        }
        hits.push(SearchHit {
            code: ErrorCode(e.code),
            symbol: e.symbol,
            message: e.message,
            category: e.category,
            category_label: e.category.label(),
            has_guidance: e.has_guidance(),
            score,
            entry: e,
        });
    }
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.code.cmp(&b.code)));
    hits.truncate(limit);
    hits
}

/// `0x8024`, `8024401` or `0x8024401b` → lower-case hex digits to match as a prefix.
fn hex_prefix(q: &str) -> Option<String> {
    let digits = q.strip_prefix("0x").or_else(|| q.strip_prefix("0X")).unwrap_or(q);
    let long_enough = digits.len() >= 3 || (!digits.is_empty() && q.len() != digits.len());
    (long_enough && digits.len() <= 8 && digits.bytes().all(|b| b.is_ascii_hexdigit())).then(|| digits.to_ascii_lowercase())
}

/// Sum of word weights; 0 unless every word hits somewhere. A category is a curated judgement
/// for curated entries but a range heuristic for imported ones, so it weighs less there.
fn word_score(words: &[memmem::Finder], h: &Haystack, curated: bool) -> u32 {
    if words.is_empty() {
        return 0;
    }
    let hit = |w: &memmem::Finder, field: &str| w.find(field.as_bytes()).is_some();
    let mut total = 0;
    for w in words {
        let mut s = 0;
        if hit(w, &h.category) {
            s += if curated { 100 } else { 30 };
        }
        if hit(w, &h.symbols) {
            s += 40;
        }
        if hit(w, &h.message) {
            s += 25;
        }
        if hit(w, &h.prose) {
            s += 10;
        }
        if s == 0 {
            return 0;
        }
        total += s;
    }
    total
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
