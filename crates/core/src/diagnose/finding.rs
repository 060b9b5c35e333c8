//! What a rule found (`Finding`), and everything a rule's join may look at (`Ctx`).
//!
//! One floor below the rules: `config_rules` (the `config_*` joins) and `rules` (every other
//! join, and the evaluation) both build on it.

use rustc_hash::FxHashMap;

use super::config::Servers;
use super::context::Context;
use super::defs::{Guidance, RuleDef};
use super::found::Found;
use crate::model::{evidence_of, Evidence, FindingSeverity};

/// What a rule found.
#[derive(Clone)]
pub struct Finding {
    pub rule: &'static RuleDef,
    pub severity: FindingSeverity,
    /// What was found, with the specifics (codes, servers, counts), as facts: the output edge
    /// says it in words.
    pub found: Found,
    pub evidence: Vec<Evidence>,
    /// Codes on the evidence lines or of the family (`0x...`).
    pub codes: Vec<String>,
    /// The rule's guidance, with the placeholders this machine's logs fill.
    pub guidance: Vec<Guidance>,
}

impl Finding {
    /// `codes` as the lines or the family hold them; the finding keeps them as the report shows
    /// them (`0x8024401B`).
    pub fn new(rule: &'static RuleDef, severity: FindingSeverity, said: Found, evidence: Vec<Evidence>, codes: &[u32]) -> Finding {
        let codes = codes.iter().map(|c| format!("0x{c:08X}")).collect();
        Finding { rule, severity, found: said, evidence, codes, guidance: rule.guidance.to_vec() }
    }

    pub fn id(&self) -> &'static str {
        self.rule.id
    }

    /// Where the rule's title says what the lines look like rather than why the work failed
    /// (`cause = false` in the data): the distinct codes its lines hold, whose meaning is the
    /// cause. `None` when the title is the cause.
    pub fn cause_codes(&self) -> Option<Vec<u32>> {
        if self.rule.cause {
            return None;
        }
        let mut out: Vec<u32> = Vec::new();
        for c in self.codes.iter().filter_map(|h| wulens_kb::lookup(h).ok().map(|l| l.code.0)) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        Some(out)
    }
}

/// Everything a join may look at: what the diagnosis established (`Context`, read through
/// `Deref`), and what the rules find on the way.
pub struct Ctx<'a> {
    pub cx: &'a Context<'a>,
    /// The servers the logs name (filled once the line sets are found).
    pub servers: Servers,
    /// Hits of each named line set.
    pub(super) sets: FxHashMap<&'static str, Vec<(usize, usize)>>,
}

impl<'a> std::ops::Deref for Ctx<'a> {
    type Target = Context<'a>;

    fn deref(&self) -> &Context<'a> {
        self.cx
    }
}

impl Ctx<'_> {
    pub fn set(&self, id: &str) -> &[(usize, usize)] {
        self.sets.get(id).map_or(&[], Vec::as_slice)
    }

    pub fn ev(&self, fi: usize, ei: usize) -> Evidence {
        evidence_of(&self.a.files[fi], ei)
    }

    pub fn message(&self, fi: usize, ei: usize) -> &str {
        let f = &self.a.files[fi];
        f.message(&f.entries[ei])
    }
}
