//! Literal matching for flow signals and rules: one Aho-Corasick pass per message finds every
//! literal any signal needs, then each signal is a cheap test over the bit set.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::flow::{FlowDef, Matcher, CLIENT_SCAN, WSUS_SYNC};

/// Which literals a message contains.
pub type Bits = [u64; 4];

pub struct Literals {
    ac: AhoCorasick,
    index: HashMap<&'static str, u16>,
    pub count: usize,
}

/// A matcher with literal ids resolved.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    all: Vec<u16>,
    any: Vec<u16>,
    none: Vec<u16>,
}

fn flow_literals(f: &'static FlowDef, out: &mut Vec<&'static str>) {
    let mut add = |m: &'static Matcher| out.extend(m.all.iter().chain(m.any).chain(m.none).copied());
    for s in f.scopes {
        add(&s.start);
        add(&s.end);
    }
    for st in f.steps {
        for sig in st.signals {
            add(&sig.m);
        }
    }
}

pub static LITERALS: LazyLock<Literals> = LazyLock::new(|| {
    let mut all: Vec<&'static str> = Vec::new();
    flow_literals(&CLIENT_SCAN, &mut all);
    flow_literals(&WSUS_SYNC, &mut all);
    all.extend(crate::rules::RULE_LITERALS.iter().copied());
    all.sort_unstable();
    all.dedup();
    assert!(all.len() <= 256, "more than 256 signal literals: widen Bits");
    let ac = AhoCorasick::builder().match_kind(aho_corasick::MatchKind::Standard).build(&all).expect("literal automaton");
    let index = all.iter().enumerate().map(|(i, s)| (*s, i as u16)).collect();
    Literals { ac, index, count: all.len() }
});

impl Literals {
    /// Every literal present in `text`.
    pub fn present(&self, text: &str) -> Bits {
        let mut bits = [0u64; 4];
        for m in self.ac.find_overlapping_iter(text) {
            let i = m.pattern().as_usize();
            bits[i / 64] |= 1 << (i % 64);
        }
        bits
    }

    pub fn compile(&self, m: &Matcher) -> Compiled {
        let ids = |v: &[&'static str]| v.iter().map(|s| self.id(s)).collect();
        Compiled { all: ids(m.all), any: ids(m.any), none: ids(m.none) }
    }

    pub fn id(&self, s: &str) -> u16 {
        *self.index.get(s).unwrap_or_else(|| panic!("literal {s:?} not registered"))
    }
}

#[inline]
pub fn has(bits: &Bits, id: u16) -> bool {
    bits[id as usize / 64] & (1 << (id % 64)) != 0
}

impl Compiled {
    pub fn matches(&self, bits: &Bits) -> bool {
        self.all.iter().all(|&i| has(bits, i)) && (self.any.is_empty() || self.any.iter().any(|&i| has(bits, i))) && !self.none.iter().any(|&i| has(bits, i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_literals_all_found() {
        let l = &*LITERALS;
        let bits = l.present("* END * Finding updates CallerId = CcmExec, Id = 5, Exit code = 0x8024401B");
        for s in ["Finding updates", "CallerId = CcmExec", "END", "Exit code = "] {
            assert!(has(&bits, l.id(s)), "{s}");
        }
        assert!(!has(&bits, l.id("START")));
    }
}
