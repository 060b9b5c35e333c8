//! Fuzz target bodies, shared by the `cargo fuzz` targets (crates/fuzz) and the short fuzz
//! smoke run of the test suite (`tests/fuzz_smoke.rs`). Each one feeds arbitrary input to a
//! part that reads untrusted bytes and checks the invariants that must hold for any input;
//! a panic is a finding.

use crate::analysis::Analysis;
use crate::model::lines::count_lines;
use crate::read::encoding::{self, Decoder, Sniff};
use crate::read::input::{self, Input, Limits};

/// Small limits so a fuzzed zip cannot use the machine's memory.
const LIMITS: Limits = Limits { max_expanded_bytes: 4 << 20, max_files: 64, max_zip_depth: 2 };

/// Any bytes as a log file: sniff, decode, detect, parse. Every line must be accounted for.
pub fn parse_any(data: &[u8]) {
    let f = input::load(Input { name: "fuzz.log".into(), bytes: data.into() });
    if f.is_text() {
        let mut line = 1u32;
        for e in &f.entries {
            assert_eq!(e.line, line, "entries tile the lines");
            assert!(e.start <= e.end && e.msg_start >= e.start && e.msg_end <= e.end);
            assert!(f.text.is_char_boundary(e.msg_start as usize) && f.text.is_char_boundary(e.msg_end as usize));
            line += u32::from(e.lines);
        }
        assert_eq!(line - 1, count_lines(&f.text));
        assert_eq!(f.physical_lines, count_lines(&f.text));
    }
}

/// Bytes as an Event Trace Log: the decoder never panics, and a trace that decodes reads as a
/// log whose entries tile its lines (one per event).
pub fn etl(data: &[u8]) {
    if let Ok(t) = wulens_etl::decode(data) {
        assert!(t.records.windows(2).all(|w| w[0].time <= w[1].time), "records ordered by time");
    }
    parse_any(data);
}

/// The encoding sniffer and the streaming decoder: chunked decoding equals whole decoding.
pub fn decode_chunks(data: &[u8]) {
    let Some((&split, rest)) = data.split_first() else { return };
    let enc = match encoding::sniff(rest) {
        Sniff::Text(e) => e,
        _ => return,
    };
    let (whole, stats) = encoding::decode_slice(rest, enc);
    let step = 1 + split as usize % 97;
    let mut d = Decoder::new(enc);
    let mut out = String::new();
    let mut chunks = rest.chunks(step).peekable();
    while let Some(c) = chunks.next() {
        d.push(c, chunks.peek().is_none(), &mut out);
    }
    if rest.is_empty() {
        d.push(&[], true, &mut out);
    }
    assert_eq!(out, whole, "chunked decode differs");
    assert_eq!(d.stats.truncated_utf16, stats.truncated_utf16);
}

/// Bytes as a zip bundle, and as a cab bundle: expansion must stay within the limits and never
/// panic.
pub fn zip(data: &[u8]) {
    let cab: Vec<u8> = if input::is_cab(data) { data.to_vec() } else { [&b"MSCF\0\0\0\0"[..], data].concat() };
    for (name, bytes) in [("fuzz.zip", data.to_vec()), ("fuzz.cab", cab)] {
        let mut warnings = Vec::new();
        let out = input::expand(vec![Input { name: name.into(), bytes: bytes.into() }], &LIMITS, &mut warnings);
        let total: usize = out.iter().filter(|i| i.name != name).map(|i| i.bytes.len()).sum();
        assert!(total as u64 <= LIMITS.max_expanded_bytes, "expansion beyond the limit");
        assert!(out.len() <= LIMITS.max_files + 1);
    }
}

/// Text as a code to look up or to find in a log line.
pub fn code_lookup(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    if let Ok(l) = wulens_kb::lookup(&s) {
        // Any valid code decodes; its canonical form parses back to itself.
        assert_eq!(wulens_kb::lookup(&l.code.to_string()).map(|x| x.code), Ok(l.code));
    }
    crate::analysis::codes::scan(&s, |h| {
        assert!(h.start < h.end && h.end <= s.len());
        assert!(wulens_kb::is_plausible_failure(h.code));
    });
}

/// Text typed or pasted into the knowledge-base search box. Separate from `code_lookup` because
/// a search reads every entry (about 0.2-0.5 ms), a lookup a few bytes.
pub fn kb_search(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let hits = wulens_kb::search(&s, 20);
    assert!(hits.len() <= 20);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "hits ranked best first");
}

/// Several files through the whole analysis, the report, its renderings and the viewer.
pub fn analysis(data: &[u8]) {
    let parts: Vec<&[u8]> = data.splitn(3, |&b| b == 0xFF).collect();
    let names = ["WUAHandler.log", "WindowsUpdate.log", "wu-policy.txt"];
    let inputs = parts.iter().zip(names).map(|(p, n)| Input { name: n.into(), bytes: (*p).into() }).collect();
    let mut a = Analysis::from_inputs(inputs, &LIMITS);
    let r = crate::Report::build(&a);
    let _ = crate::output::text(&r);
    let _ = crate::output::markdown(&r);
    let mut v = crate::output::viewer::View::new(&a);
    assert_eq!(v.len(), a.files.iter().map(|f| f.entries.len()).sum::<usize>());
    let _ = v.rows(&a, 0, 50);
    let _ = v.apply(&a, crate::output::viewer::Filter { text: String::from_utf8_lossy(parts[0]).chars().take(8).collect(), regex: true, ..Default::default() });
    let _ = v.next_with(&a, None, crate::model::Severity::Error, true, true);
    let _ = v.codes_in_view(&a);
    a.set_offset_override(0, Some(-480));
    let _ = v.rebuild(&a);
}

/// Configuration parsers on any text.
pub fn config(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let _ = crate::read::config::detect(&s);
    let lines = count_lines(&s);
    for v in crate::read::config::parse_reg_query(&s).into_iter().chain(crate::read::config::parse_reg_export(&s)) {
        assert!(v.line >= 1 && v.line <= lines);
    }
    let _ = crate::read::config::parse_netsh(&s);
    let _ = crate::read::config::parse_url(&s);
    if let Ok(r) = crate::read::mdm::parse(&s) {
        assert!(r.update.iter().all(|p| p.line >= 1 && p.line <= lines.max(1)));
    }
}
