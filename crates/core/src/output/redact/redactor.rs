//! The `Redactor`: learns the names a drop's texts state, then replaces every identifier in
//! any text with a pseudonym that stays the same for the same original (`HOST-1`, `USER-1`,
//! `IP-1`, ...) across all the texts it redacts.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rustc_hash::FxHashMap;

use crate::read::bundles::stem;

use super::detect::{settle, shapes, Hit};
use super::kinds::{Kind, KindCount, RedactionSummary};
use super::learn::{pseudonym_at, Learned, Learner, Taken};

/// Replaces identifiers (computer, host and user names, IP and MAC addresses, account SIDs,
/// e-mail addresses and UPNs, labelled device, tenant and user ids) with stable pseudonyms.
///
/// Two passes: [`Redactor::learn`] every text of a drop first (the names a log states, such as
/// a computer name or a WSUS server's short name, are then found everywhere), then
/// [`Redactor::redact`] each text that leaves. Error codes, KB numbers, update ids and titles,
/// Microsoft's public endpoints, times, components and ports are kept.
///
/// ```
/// use wulens_core::redact::Redactor;
///
/// let mut r = Redactor::new();
/// r.learn("WSUS server: http://wsus02.corp.local:8530, ComputerName=PC01");
/// assert_eq!(r.redact("PC01 failed 0x80244007 against http://wsus02.corp.local:8530"), "HOST-1 failed 0x80244007 against http://HOST-2:8530");
/// assert_eq!(r.redact("pc01"), "HOST-1");
/// ```
pub struct Redactor {
    learner: Learner,
    /// The learned names, by the name looked for (lower case): (kind, key).
    learned: FxHashMap<String, (Kind, String)>,
    /// The automaton over the learned names and then the pseudonyms' prefixes (`host-`), rebuilt
    /// when a name was learned since.
    matcher: Option<(AhoCorasick, Vec<String>)>,
    /// Pseudonym numbers by (kind, key).
    pseudonyms: FxHashMap<(Kind, String), u32>,
    /// The last number given (or found in a text redacted before) of each kind.
    next: [u32; Kind::ALL.len()],
    /// Everything replaced so far, and what was replaced since the last [`Redactor::tally`].
    total: Tally,
    current: Tally,
    notes: Vec<String>,
}

/// What a redaction replaced: replacements per kind and the pseudonyms used.
#[derive(Default)]
struct Tally {
    replaced: [u64; Kind::ALL.len()],
    used: rustc_hash::FxHashSet<(Kind, u32)>,
    /// The first note that is this tally's.
    notes_from: usize,
}

impl Tally {
    fn add(&mut self, kind: Kind, n: u32) {
        self.replaced[kind.index()] += 1;
        self.used.insert((kind, n));
    }

    fn summary(&self, notes: &[String]) -> RedactionSummary {
        let kinds = Kind::ALL
            .iter()
            .filter(|k| self.replaced[k.index()] > 0)
            .map(|k| KindCount { kind: *k, distinct: self.used.iter().filter(|(u, _)| u == k).count(), replaced: self.replaced[k.index()] })
            .collect();
        RedactionSummary { kinds, notes: notes[self.notes_from.min(notes.len())..].to_vec() }
    }
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new()
    }
}

impl Redactor {
    /// A redactor that has learned nothing yet.
    pub fn new() -> Redactor {
        Redactor {
            learner: Learner::new(),
            learned: FxHashMap::default(),
            matcher: None,
            pseudonyms: FxHashMap::default(),
            next: [0; Kind::ALL.len()],
            total: Tally::default(),
            current: Tally::default(),
            notes: Vec::new(),
        }
    }

    /// The first pass: learn the names `text` states (computer names, the hosts of UNC paths and
    /// URLs, profile folders' user names, labelled ids, serial numbers and hardware hashes). The
    /// pseudonyms a text redacted before holds are never names: they stay as they are, and the
    /// pseudonyms given from now on are numbered past them.
    pub fn learn(&mut self, text: &str) {
        let mut found: Vec<Learned> = Vec::new();
        let mut taken: Vec<Taken> = Vec::new();
        self.learner.learn(text, &mut found, &mut taken);
        for t in taken {
            let next = &mut self.next[t.kind.index()];
            *next = (*next).max(t.number);
        }
        for l in found {
            self.remember(l.name, l.kind, l.key);
        }
    }

    /// A name learned: kept with its kind and key; a name learned again as a kind that says
    /// more (a computer's name that is also the host of a URL on that computer) takes that kind.
    fn remember(&mut self, name: String, kind: Kind, key: String) {
        match self.learned.entry(name) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert((kind, key));
                self.matcher = None;
            }
            std::collections::hash_map::Entry::Occupied(mut e) => {
                let (had, _) = e.get();
                if kind.group() == had.group() && rank(kind) < rank(*had) {
                    e.insert((kind, key));
                }
            }
        }
    }

    /// The first pass over a file's path in the drop: what it states as text, and the computer
    /// a collector's bundle is named for (`DiagLogs-PC01-20261120T101500Z.zip`,
    /// `wulens-PC01-2026-11-25.zip`: `crates/core/src/read/bundles.rs`).
    /// MdmDiagnosticsTool's Autopilot hash is named for the computer too (`DeviceHash_PC01.csv`).
    pub fn learn_path(&mut self, path: &str) {
        self.learn(path);
        for seg in path.split(['/', '\\']) {
            let mut found = Vec::new();
            super::learn::user_in_file_name(seg, &mut found);
            for l in found {
                self.remember(l.name, l.kind, l.key);
            }
            let computer = stem(seg);
            let plain = seg.rsplit_once('.').map_or(seg, |(s, _)| s);
            if computer != plain && computer != seg {
                self.learn_name(Kind::Host, &computer);
            }
            let hash = plain.get(..11).is_some_and(|p| p.eq_ignore_ascii_case("DeviceHash_")) && seg[plain.len()..].eq_ignore_ascii_case(".csv");
            if hash {
                self.learn_name(Kind::Host, &plain[11..]);
            }
        }
    }

    /// Teach a name known otherwise (the computer a collection runs on): replaced wherever it
    /// occurs, as a whole word, like the names [`Redactor::learn`] finds.
    pub fn learn_name(&mut self, kind: Kind, name: &str) {
        let lower = name.trim().to_ascii_lowercase();
        let pseudonym = pseudonym_at(lower.to_ascii_uppercase().as_bytes(), 0).is_some_and(|(_, e)| e == lower.len());
        if lower.len() >= 3 && !pseudonym {
            self.remember(lower.clone(), kind, lower);
        }
    }

    /// The pseudonym of `key` of `kind`: the same one every time (`HOST-3`).
    pub fn pseudonym(&mut self, kind: Kind, key: &str) -> String {
        format!("{}-{}", kind.prefix(), self.number(kind, key))
    }

    /// The number of `key`'s pseudonym, given now if it has none yet.
    fn number(&mut self, kind: Kind, key: &str) -> u32 {
        let group = kind.group();
        let key = self.host_key(kind, key);
        match self.pseudonyms.get(&(group, key.clone())) {
            Some(n) => *n,
            None => {
                self.next[group.index()] += 1;
                let n = self.next[group.index()];
                self.pseudonyms.insert((group, key), n);
                n
            }
        }
    }

    /// A host's key: an FQDN whose first label is a learned name is that name (`wsus01` and
    /// `wsus01.corp.local` are one server, `pc01` and `pc01.corp.local` one computer).
    fn host_key(&self, kind: Kind, key: &str) -> String {
        if kind.group() == Kind::Host {
            if let Some((k2, k)) = self.learned.get(key) {
                if k2.group() == Kind::Host {
                    return k.clone();
                }
            }
            if let Some((first, _)) = key.split_once('.') {
                if let Some((k2, k)) = self.learned.get(first) {
                    if k2.group() == Kind::Host && k == first {
                        return k.clone();
                    }
                }
            }
        }
        key.to_string()
    }

    /// The kind a host found by its shape is counted as: the learned kind of its name or of its
    /// first label, else a server's.
    fn host_kind(&self, key: &str) -> Kind {
        let first = key.split_once('.').map_or(key, |(f, _)| f);
        [key, first].iter().find_map(|k| self.learned.get(*k).map(|(kind, _)| *kind).filter(|k| k.group() == Kind::Host)).unwrap_or(Kind::Server)
    }

    fn build_matcher(&mut self) {
        if self.matcher.is_none() {
            let mut names: Vec<String> = self.learned.keys().cloned().collect();
            names.sort();
            names.extend(Kind::ALL.iter().map(|k| format!("{}-", k.prefix().to_ascii_lowercase())));
            let ac = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&names)
                .expect("learned names build an automaton");
            self.matcher = Some((ac, names));
        }
    }

    /// Every identifier of `text`, settled (no overlaps; kept shapes included, with empty keys).
    /// A learned name is a whole word: letters and digits around it make it part of another
    /// (`WIN7SP1`), while `_`, `-` and `.` part words (`DeviceHash_PC01.csv`). A pseudonym
    /// already in the text (`HOST-3`) is kept as it is.
    fn hits(&mut self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        shapes(text, &mut hits);
        let b = text.as_bytes();
        let word = |c: u8| c.is_ascii_alphanumeric();
        self.build_matcher();
        let (ac, names) = self.matcher.as_ref().expect("just built");
        let learned = self.learned.len();
        for m in ac.find_iter(b) {
            let (s, e) = (m.start(), m.end());
            let p = m.pattern().as_usize();
            if p >= learned {
                if let Some((t, end)) = pseudonym_at(b, s).filter(|_| b[s].is_ascii_uppercase()) {
                    hits.push(Hit { start: s, end, kind: t.kind, key: String::new() });
                }
                continue;
            }
            let (kind, key) = &self.learned[&names[p]];
            if kind == &Kind::Site {
                if let Some(end) = site_code_at(b, s, e) {
                    hits.push(Hit { start: s, end, kind: Kind::Site, key: key.clone() });
                }
                continue;
            }
            if (s > 0 && word(b[s - 1]) && word(b[s])) || (e < b.len() && word(b[e]) && word(b[e - 1])) {
                continue;
            }
            hits.push(Hit { start: s, end: e, kind: *kind, key: key.clone() });
        }
        for h in hits.iter_mut().filter(|h| h.kind == Kind::Host && !h.key.is_empty()) {
            h.kind = self.host_kind(&h.key);
        }
        settle(hits)
    }

    /// The second pass: `text` with every identifier replaced by its pseudonym; borrowed when
    /// there was none.
    pub fn redact<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        let hits = self.hits(text);
        if hits.iter().all(|h| h.key.is_empty()) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for h in hits.into_iter().filter(|h| !h.key.is_empty()) {
            out.push_str(&text[at..h.start]);
            out.push_str(&self.replace(h.kind, &h.key));
            // A package id (`PS100012`): the site code's pseudonym, then the package's number.
            if h.kind == Kind::Site && h.end - h.start > h.key.len() {
                out.push('-');
                out.push_str(&text[h.start + h.key.len()..h.end]);
            }
            at = h.end;
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }

    /// What [`Redactor::redact`] would replace in `text`, counted (and given its pseudonyms)
    /// without writing the text: the preview of an export before it is made.
    pub fn count(&mut self, text: &str) {
        for h in self.hits(text).into_iter().filter(|h| !h.key.is_empty()) {
            self.replace(h.kind, &h.key);
        }
    }

    /// One replacement: the pseudonym, counted.
    fn replace(&mut self, kind: Kind, key: &str) -> String {
        let n = self.number(kind, key);
        self.total.add(kind, n);
        self.current.add(kind, n);
        format!("{}-{n}", kind.prefix())
    }

    /// Every pseudonym given so far with its original (lower case): for the eyes of whoever
    /// shares, never for what leaves. Sorted by pseudonym.
    pub fn mapping(&self) -> Vec<(String, String)> {
        let mut out: Vec<(Kind, u32, String)> = self.pseudonyms.iter().map(|((k, key), n)| (*k, *n, key.clone())).collect();
        out.sort();
        out.into_iter().map(|(k, n, key)| (format!("{}-{n}", k.prefix()), key)).collect()
    }

    /// Every name learned from the texts (lower case), sorted: for the eyes of whoever shares,
    /// and for the tests that check none of them leaves; never for what leaves.
    pub fn learned_names(&self) -> Vec<(Kind, String)> {
        let mut out: Vec<(Kind, String)> = self.learned.iter().map(|(name, (kind, _))| (*kind, name.clone())).collect();
        out.sort();
        out
    }

    /// Add a note to the summary (a binary log written as its decoded text).
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// What was replaced so far, by kind, and the notes.
    pub fn summary(&self) -> RedactionSummary {
        self.total.summary(&self.notes)
    }

    /// What was replaced since the last tally (or since the start), and the notes added since:
    /// each export's own count (the report's, the logs' zip's). Starts the next tally.
    pub fn tally(&mut self) -> RedactionSummary {
        let s = self.current.summary(&self.notes);
        self.current = Tally { notes_from: self.notes.len(), ..Tally::default() };
        s
    }
}

/// Which of two kinds of one group says more about a name: a computer's, then a server's, then a
/// domain's.
fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::Host => 0,
        Kind::Server => 1,
        _ => 2,
    }
}

/// Where a learned site code found at `s..e` ends, if it stands there as a site code: a whole
/// word (`<PS1>`, `SMS:PS1`, `SiteCode="PS1"`), or the first three characters of a package id
/// (`PS100012`: the code and five hex digits), whose end is returned. A code of letters only
/// (`abc`) could be a word: it is taken only where a site code is written, after `<`, `>`, `:`,
/// `=`, a quote, `_` or `/` (blanks between allowed), never in prose.
fn site_code_at(b: &[u8], s: usize, e: usize) -> Option<usize> {
    let word = |c: &u8| c.is_ascii_alphanumeric();
    if s > 0 && word(&b[s - 1]) {
        return None;
    }
    let end = if b.get(e).is_none_or(|c| !word(c)) {
        e
    } else if b.len() >= e + 5 && b[e..e + 5].iter().all(u8::is_ascii_hexdigit) && b.get(e + 5).is_none_or(|c| !word(c)) {
        e + 5
    } else {
        return None;
    };
    if b[s..e].iter().any(u8::is_ascii_digit) {
        return Some(end);
    }
    let before = b[..s].iter().rev().find(|c| **c != b' ' && **c != b'\t');
    before.is_some_and(|c| matches!(c, b'<' | b'>' | b':' | b'=' | b'"' | b'\'' | b'_' | b'/' | b'$')).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_original_gets_the_same_pseudonym_everywhere() {
        let mut r = Redactor::new();
        r.learn("ComputerName=PC01.corp.local\nC:\\Users\\jdoe\\Desktop");
        let a = r.redact("PC01 asked 10.0.0.5; pc01.corp.local; user jdoe; mail jdoe@corp.com");
        assert_eq!(a, "HOST-1 asked IP-1; HOST-1; user USER-1; mail EMAIL-1");
        assert_eq!(r.redact("10.0.0.5 again, JDOE again"), "IP-1 again, USER-1 again");
        assert!(matches!(r.redact("0x80244007 KB5034441 at 2024-05-31 16:45:56"), Cow::Borrowed(_)));
        let s = r.summary();
        assert_eq!(
            s.kinds.iter().map(|k| (k.kind, k.distinct, k.replaced)).collect::<Vec<_>>(),
            [(Kind::Host, 1, 2), (Kind::User, 1, 2), (Kind::Ip, 1, 2), (Kind::Email, 1, 1)]
        );
    }

    #[test]
    fn a_learned_name_inside_a_longer_word_stays() {
        let mut r = Redactor::new();
        r.learn("ComputerName=WIN7");
        assert_eq!(r.redact("WIN7 runs WIN7SP1 and WIN7-x"), "HOST-1 runs WIN7SP1 and HOST-1-x");
    }
}
