//! The knowledge base's breadth on real logs (issue 65): every code the engine finds in
//! ../shared/reallogs is read with wulens itself (each file alone, a zip's members each a log),
//! and at least 90 % of the distinct codes, and every one of the 50 carried by the most logs,
//! must have an answer (guidance, or a context that says what the code means where it is
//! written); every code must have a name or decode as "not a documented Windows code". The
//! contexts' citations of real log lines are checked against those lines. `real_logs` tests
//! (crates/testdata).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use wulens_core::model::LogKind;
use wulens_core::{Analysis, Input, Limits};

/// The share of distinct codes that must have an answer, in per cent.
const BAR_PERCENT: usize = 90;
/// The codes carried by the most logs, all of which must have an answer.
const TOP: usize = 50;

fn real_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    v.sort();
    for p in v {
        if p.is_dir() {
            real_files(&p, out);
        } else if !matches!(p.extension().and_then(|x| x.to_str()), Some("md" | "json" | "toml" | "py")) {
            out.push(p);
        }
    }
}

/// One real file read by the engine, with its path under ../shared/reallogs.
struct Read {
    rel: String,
    analysis: Analysis,
}

/// Every real file, each read alone (as `wulens analyze FILE` reads it).
static READS: LazyLock<Vec<Read>> = LazyLock::new(|| {
    let root = wulens_testdata::real_logs();
    let mut files = Vec::new();
    real_files(&root, &mut files);
    files
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            let input = Input { name: p.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(p).unwrap().into() };
            Read { rel, analysis: Analysis::from_inputs(vec![input], &Limits::default()) }
        })
        .collect()
});

/// Each code the engine finds, with the logs that carry it (file, member) and its occurrences.
fn codes() -> (usize, BTreeMap<u32, (BTreeSet<String>, u64)>) {
    let mut logs = 0;
    let mut codes: BTreeMap<u32, (BTreeSet<String>, u64)> = BTreeMap::new();
    for r in READS.iter() {
        logs += r.analysis.files.len();
        for c in &r.analysis.codes {
            let slot = codes.entry(c.code).or_default();
            for o in &c.occurrences {
                slot.0.insert(format!("{}:{}", r.rel, r.analysis.files[o.file as usize].name));
            }
            slot.1 += u64::from(c.count);
        }
    }
    (logs, codes)
}

fn answered(code: u32) -> bool {
    wulens_kb::entry(code).is_some_and(|e| e.has_answer())
}

#[test]
fn most_codes_real_logs_carry_have_an_answer() {
    let (logs, codes) = codes();
    assert!(codes.len() > 100, "the real logs hold {} distinct codes: is ../shared/reallogs complete?", codes.len());
    let mut by_logs: Vec<(u32, usize, u64)> = codes.iter().map(|(c, (l, n))| (*c, l.len(), *n)).collect();
    by_logs.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let answered_codes = by_logs.iter().filter(|c| answered(c.0)).count();
    let occurrences: u64 = by_logs.iter().map(|c| c.2).sum();
    let answered_occurrences: u64 = by_logs.iter().filter(|c| answered(c.0)).map(|c| c.2).sum();
    let line = |c: &(u32, usize, u64)| {
        let name = wulens_kb::entry(c.0).map_or("", |e| e.symbol);
        format!("0x{:08X} {name} ({} logs, {} occurrences)", c.0, c.1, c.2)
    };
    let missing: Vec<String> = by_logs.iter().filter(|c| !answered(c.0)).map(line).collect();
    let top_missing: Vec<String> = by_logs.iter().take(TOP).filter(|c| !answered(c.0)).map(line).collect();
    println!(
        "{logs} logs, {} distinct codes, {answered_codes} with an answer ({} %); {occurrences} occurrences, {answered_occurrences} answered ({} %)",
        by_logs.len(),
        answered_codes * 100 / by_logs.len(),
        answered_occurrences * 100 / occurrences.max(1)
    );
    println!("without an answer:\n  {}", missing.join("\n  "));
    assert!(top_missing.is_empty(), "of the {TOP} codes the most logs carry, these have no answer:\n  {}", top_missing.join("\n  "));
    assert!(
        answered_codes * 100 >= by_logs.len() * BAR_PERCENT,
        "{answered_codes} of {} distinct codes have an answer, under {BAR_PERCENT} %; without one:\n  {}",
        by_logs.len(),
        missing.join("\n  ")
    );
}

#[test]
fn every_code_real_logs_carry_is_named_or_decoded_as_undocumented() {
    let (_, codes) = codes();
    let mut unnamed = Vec::new();
    for (&code, (logs, _)) in &codes {
        let named = |c: u32| wulens_kb::entry(c).is_some_and(|e| !e.symbol.is_empty() || !e.message.is_empty());
        // A code no table names is "not a documented Windows code", explained by its bits: an
        // NTSTATUS the knowledge base names, carried as an HRESULT, or a facility it knows.
        let decoded = wulens_kb::decode(code);
        let explained = decoded.ntstatus.is_some_and(|nt| named(nt.0)) || decoded.facility_name != "unknown";
        if !named(code) && !explained {
            unnamed.push(format!("0x{code:08X} in {}", logs.iter().next().unwrap()));
        }
    }
    assert!(unnamed.is_empty(), "codes with neither a name nor a facility:\n  {}", unnamed.join("\n  "));
}

/// A context's citation of a real log (`reallogs/PATH`, section `line N`) is a line of that file
/// that the context matches: its log kind is one of the context's, it holds every string the
/// context names, and the engine finds the code on it.
#[test]
fn real_logs_contexts_cite_lines_that_match_them() {
    let by_rel: BTreeMap<&str, &Analysis> = READS.iter().map(|r| (r.rel.as_str(), &r.analysis)).collect();
    let kinds: BTreeSet<&str> = LogKind::NAMED.iter().chain([&LogKind::Other]).map(|k| k.id()).collect();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for e in wulens_kb::entries() {
        for c in e.contexts {
            if let Some(l) = c.logs.iter().find(|l| !kinds.contains(**l)) {
                wrong.push(format!("0x{:08X} {:?}: {l:?} is not a log kind", e.code, c.at));
            }
            for s in c.sources.iter().filter(|s| s.doc.starts_with("reallogs/")) {
                let rel = &s.doc["reallogs/".len()..];
                let line: Option<u32> = s.section.strip_prefix("line ").and_then(|n| n.parse().ok());
                let (Some(a), Some(line)) = (by_rel.get(rel), line) else {
                    wrong.push(format!("0x{:08X} {:?}: {} {} is not a real log and line", e.code, c.at, s.doc, s.section));
                    continue;
                };
                let f = &a.files[0];
                let entry = f.entries.iter().position(|x| x.line <= line && line < x.line + u32::from(x.lines.max(1)));
                let ok = entry.is_some_and(|i| {
                    let text = f.record(&f.entries[i]);
                    let has_code = a.entry_codes[0].iter().any(|&(en, code)| en as usize == i && code == e.code);
                    c.logs.contains(&f.kind.id()) && c.contains.iter().all(|s| text.contains(s)) && has_code
                });
                if !ok {
                    wrong.push(format!("0x{:08X} {:?}: {} {} (a {} log) does not match it", e.code, c.at, s.doc, s.section, f.kind.id()));
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 30, "only {checked} real-log citations");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A report says, for each code, which contexts of its entry the drop's mentions match: how
/// many, the first line, and the context as the entry has it (the error card and the text lead
/// with it). On a real CBS.log: E_FAIL is routine in every mention (CBS's telemetry upload),
/// RPC_S_SERVER_UNAVAILABLE an internal trace in some, and a code with no context has none.
#[test]
fn real_logs_a_report_names_the_context_each_code_is_written_in_here() {
    let path = wulens_testdata::real_logs().join("15_CBS.log");
    let input = Input { name: "15_CBS.log".into(), bytes: std::fs::read(&path).unwrap().into() };
    let r = wulens_core::Report::build(&Analysis::from_inputs(vec![input], &Limits::default()));
    let err = |code: &str| r.errors.iter().find(|e| e.code == code).unwrap_or_else(|| panic!("{code} not in the report"));
    let verdict = |code: &str, i: usize| {
        let e = err(code);
        let h = &e.here[i];
        (e.kb.as_ref().unwrap().contexts[h.context].verdict, h.mentions, e.occurrences_total)
    };
    let (v, n, total) = verdict("0x80004005", 0);
    assert_eq!((v, n), (wulens_kb::Verdict::Routine, total), "E_FAIL: every mention is CBS's telemetry upload");
    let (v, n, total) = verdict("0x800706BA", 0);
    assert!(v == wulens_kb::Verdict::Trace && n > 0 && n < total, "{v:?} {n} of {total}");
    assert!(err("0x800F081F").here.is_empty(), "{:?}", err("0x800F081F").here);
    // Every context named is the entry's, and its first line is one of the code's mentions.
    for e in &r.errors {
        for h in &e.here {
            assert!(h.context < e.kb.as_ref().unwrap().contexts.len());
            assert!(
                h.first.text.contains(&e.code[2..]) || h.first.text.to_ascii_lowercase().contains(&e.code[2..].to_ascii_lowercase()),
                "{}: {:?}",
                e.code,
                h.first
            );
        }
    }
}
