//! The catalog: every literal the diagnosis data names (flow scopes and signals, rule lines,
//! line sets), one automaton over them, each matcher compiled once, and the literal hits of a
//! drop's files found in one pass per file.

use std::sync::LazyLock;

use super::defs::{self, FlowDef, LineMatcher, Matcher, OperationDef};
use super::signals::{self, Bits, Compiled, FileHits, Literals, EMPTY};
use crate::analysis::Analysis;
use crate::model::{LogFile, LogKind};

/// A flow's matchers with literal ids resolved.
pub struct CompiledFlow {
    /// Per scope: (start, end).
    pub scopes: Vec<(Compiled, Compiled)>,
    /// Per step, per signal.
    pub signals: Vec<Vec<Compiled>>,
}

/// An operation's matchers with literal ids resolved.
pub struct CompiledOperation {
    pub start: Option<Compiled>,
    pub end: Option<Compiled>,
    pub resume: Option<Compiled>,
    pub results: Vec<Compiled>,
    pub facts: Vec<Compiled>,
    pub causes: Vec<Compiled>,
    pub callback: Option<Compiled>,
}

impl CompiledOperation {
    /// Every literal this operation looks at.
    fn bits(&self) -> Bits {
        self.start
            .iter()
            .chain(&self.end)
            .chain(&self.resume)
            .chain(&self.results)
            .chain(&self.facts)
            .chain(&self.causes)
            .chain(&self.callback)
            .fold(EMPTY, |b, m| signals::union(b, m.bits()))
    }
}

pub struct Catalog {
    pub literals: Literals,
    pub client_scan: CompiledFlow,
    pub wsus_sync: CompiledFlow,
    /// Per rule, per `lines` matcher.
    pub rules: Vec<Vec<Compiled>>,
    /// Per line set, per matcher.
    pub line_sets: Vec<Vec<Compiled>>,
    /// Per operation form.
    pub operations: Vec<CompiledOperation>,
    pub counters: Vec<Compiled>,
    pub interrupts: Vec<Compiled>,
}

fn operation_literals(o: &'static OperationDef) -> impl Iterator<Item = &'static str> {
    let matchers = o
        .start
        .iter()
        .chain(&o.end)
        .chain(&o.resume)
        .chain(o.results.iter().map(|r| &r.m))
        .chain(o.facts.iter().map(|f| &f.m))
        .chain(o.causes.iter().map(|c| &c.m))
        .chain(o.callback.iter().map(|c| &c.m));
    matchers.flat_map(Matcher::literals)
}

pub static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let flows = [defs::client_scan(), defs::wsus_sync()];
    let mut all: Vec<&'static str> = Vec::new();
    for f in flows {
        for s in f.scopes {
            all.extend(s.start.literals().chain(s.end.literals()));
        }
        for st in f.steps {
            for sig in st.signals {
                all.extend(sig.m.literals());
            }
        }
    }
    for r in defs::rules() {
        all.extend(r.lines.iter().flat_map(|l| l.m.literals()));
    }
    for s in defs::line_sets() {
        all.extend(s.lines.iter().flat_map(|l| l.m.literals()));
    }
    for o in defs::operations() {
        all.extend(operation_literals(o));
    }
    all.extend(defs::counters().iter().flat_map(|c| c.m.literals()));
    all.extend(defs::interrupts().iter().flat_map(|i| i.m.literals()));
    let literals = Literals::new(all);
    let compile_flow = |def: &FlowDef| CompiledFlow {
        scopes: def.scopes.iter().map(|s| (literals.compile(&s.start), literals.compile(&s.end))).collect(),
        signals: def.steps.iter().map(|st| st.signals.iter().map(|s| literals.compile(&s.m)).collect()).collect(),
    };
    let compile_lines = |lines: &[LineMatcher]| lines.iter().map(|l| literals.compile(&l.m)).collect::<Vec<_>>();
    Catalog {
        client_scan: compile_flow(defs::client_scan()),
        wsus_sync: compile_flow(defs::wsus_sync()),
        rules: defs::rules().iter().map(|r| compile_lines(r.lines)).collect(),
        line_sets: defs::line_sets().iter().map(|s| compile_lines(s.lines)).collect(),
        operations: defs::operations()
            .iter()
            .map(|o| CompiledOperation {
                start: o.start.as_ref().map(|m| literals.compile(m)),
                end: o.end.as_ref().map(|m| literals.compile(m)),
                resume: o.resume.as_ref().map(|m| literals.compile(m)),
                results: o.results.iter().map(|r| literals.compile(&r.m)).collect(),
                facts: o.facts.iter().map(|f| literals.compile(&f.m)).collect(),
                causes: o.causes.iter().map(|c| literals.compile(&c.m)).collect(),
                callback: o.callback.as_ref().map(|c| literals.compile(&c.m)),
            })
            .collect(),
        counters: defs::counters().iter().map(|c| literals.compile(&c.m)).collect(),
        interrupts: compile_lines(defs::interrupts()),
        literals,
    }
});

impl Catalog {
    pub fn flow(&self, def: &FlowDef) -> &CompiledFlow {
        if std::ptr::eq(def, defs::client_scan()) {
            &self.client_scan
        } else {
            &self.wsus_sync
        }
    }

    /// The literals a log of `kind` can need: small automata keep the SIMD prefilter on.
    pub fn wanted(&self, kind: LogKind) -> Bits {
        let mut bits = EMPTY;
        for def in [defs::client_scan(), defs::wsus_sync()] {
            let compiled = self.flow(def);
            for (sc, (start, end)) in def.scopes.iter().zip(&compiled.scopes) {
                if sc.logs.contains(&kind) {
                    bits = signals::union(bits, signals::union(start.bits(), end.bits()));
                }
            }
            for (st, sigs) in def.steps.iter().zip(&compiled.signals) {
                for (sig, m) in st.signals.iter().zip(sigs) {
                    if sig.logs.contains(&kind) {
                        bits = signals::union(bits, m.bits());
                    }
                }
            }
        }
        let rule_lines = defs::rules().iter().zip(&self.rules).flat_map(|(r, c)| r.lines.iter().zip(c));
        let set_lines = defs::line_sets().iter().zip(&self.line_sets).flat_map(|(s, c)| s.lines.iter().zip(c));
        for (l, m) in rule_lines.chain(set_lines).chain(defs::interrupts().iter().zip(&self.interrupts)) {
            if l.applies_to(kind) {
                bits = signals::union(bits, m.bits());
            }
        }
        for (o, c) in defs::operations().iter().zip(&self.operations) {
            if o.logs.contains(&kind) {
                bits = signals::union(bits, c.bits());
            }
        }
        for (c, m) in defs::counters().iter().zip(&self.counters) {
            if c.logs.contains(&kind) {
                bits = signals::union(bits, m.bits());
            }
        }
        bits
    }
}

/// The literals found in each entry of each file: (entry, literals), sorted by entry; entries
/// without a literal are absent. Computed once per drop, shared by flows and rules.
pub struct Hits {
    per_file: Vec<FileHits>,
}

impl Hits {
    pub fn scan(a: &Analysis) -> Hits {
        let catalog = &*CATALOG;
        let scan = |f: &LogFile| {
            // Found while the file was read, for a log of its kind: the same hits (tested).
            if let Some((_, hits)) = f.prescan.as_ref().and_then(|p| p.literals.as_ref()).filter(|(kind, _)| *kind == f.kind) {
                return FileHits::from_hits(hits.clone());
            }
            if f.is_text() {
                catalog.literals.scan_file(f, catalog.wanted(f.kind))
            } else {
                FileHits::default()
            }
        };
        Hits { per_file: crate::par::map(a.files.iter().collect(), scan) }
    }

    pub fn of(&self, file: usize) -> &FileHits {
        &self.per_file[file]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::signals::Search;

    /// aho-corasick keeps its SIMD prefilter (Teddy) for at most 64 literals; past that it reads
    /// every byte and a WindowsUpdate.log's analysis took 1.2x as long. A log kind's literals
    /// stay within it: a new one makes room (a shared literal, a code read from the line).
    #[test]
    fn every_log_kind_scans_at_most_64_literals() {
        for kind in LogKind::NAMED {
            let n: u32 = CATALOG.wanted(kind).iter().map(|w| w.count_ones()).sum();
            assert!(n <= 64, "{kind:?} needs {n} literals: past 64 the scan loses its SIMD prefilter");
        }
    }

    /// Both ways of scanning a file find, for every entry, exactly the wanted literals its
    /// message holds (checked against a search of each message alone), on every fixture log and
    /// on a generated file big enough to be scanned in pieces.
    #[test]
    fn scanning_a_file_finds_every_literal_of_every_message() {
        let catalog = &*CATALOG;
        let mut files: Vec<LogFile> = Vec::new();
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let mut paths = vec![fixtures.clone()];
        while let Some(p) = paths.pop() {
            for e in std::fs::read_dir(&p).expect("fixtures").flatten() {
                let path = e.path();
                if path.is_dir() {
                    paths.push(path);
                } else if !path.ends_with("README.md") && !path.ends_with("expected.json") {
                    let bytes = std::fs::read(&path).expect("fixture");
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    files.push(crate::read::load(crate::read::Input { name, bytes: bytes.into() }));
                }
            }
        }
        let line = "<![LOG[Processing update status from update (ABC) reboot is required]LOG]!><time=\"10:00:00.000+420\" date=\"05-31-2024\" component=\"UpdatesStore\" context=\"\" type=\"1\" thread=\"1\" file=\"\">\r\n<![LOG[nothing here]LOG]!><time=\"10:00:00.000+420\" date=\"05-31-2024\" component=\"UpdatesStore\" context=\"\" type=\"1\" thread=\"1\" file=\"\">\r\n";
        files.push(crate::read::load(crate::read::Input { name: "UpdatesStore.log".into(), bytes: line.repeat(40_000).into() }));
        // Literals contained in a found one come along even when not wanted: compare the wanted.
        let only = |mut bits: Bits, wanted: Bits| {
            for (b, m) in bits.iter_mut().zip(wanted) {
                *b &= m;
            }
            bits
        };
        let mut checked = 0;
        for (f, search) in files.iter().filter(|f| f.is_text()).flat_map(|f| [(f, Search::Text), (f, Search::Messages), (f, Search::Packed)]) {
            let wanted = catalog.wanted(f.kind);
            let hits = catalog.literals.scan_file_by(f, wanted, search);
            let mut got = hits.iter().map(|(e, bits)| (e, only(*bits, wanted)));
            for (i, e) in f.entries.iter().enumerate() {
                let want = only(catalog.literals.present(&f.text[e.msg_start as usize..e.msg_end as usize]), wanted);
                if want != EMPTY {
                    assert_eq!(got.next(), Some((i as u32, want)), "{} entry {i} ({search:?})", f.name);
                    checked += 1;
                }
            }
            assert_eq!(got.next(), None, "{}: nothing past the last message with a literal", f.name);
        }
        assert!(checked > 81_000, "{checked} messages with literals");
    }
}
