//! The Markdown export for tickets: on every fixture and every real log (../shared/reallogs, each
//! file alone), the summary that opens it is at most `SUMMARY_BYTES` and nothing in the document
//! is backslash-escaped (text that Markdown could read as markup is in code spans instead).

use std::path::{Path, PathBuf};

use wulens_core::report::{markdown, markdown_summary, SUMMARY_BYTES};
use wulens_core::{Analysis, Input, Limits, Report};

fn analyze(files: &[PathBuf]) -> Report {
    let inputs = files.iter().map(|p| Input { name: p.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(p).unwrap().into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

/// The text outside code spans (a run of backticks opens one, the same run closes it).
fn outside_code(md: &str) -> String {
    let b = md.as_bytes();
    let (mut out, mut i) = (String::new(), 0);
    while i < b.len() {
        if b[i] == b'`' {
            let n = b[i..].iter().take_while(|&&c| c == b'`').count();
            let fence = &md[i..i + n];
            match md[i + n..].find(fence) {
                Some(j) => {
                    i += n + j + n;
                    continue;
                }
                None => {
                    out.push_str(fence);
                    i += n;
                    continue;
                }
            }
        }
        let c = md[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn check(name: &str, r: &Report, fails: &mut Vec<String>) {
    let summary = markdown_summary(r);
    let md = markdown(r);
    if summary.len() > SUMMARY_BYTES {
        fails.push(format!("{name}: summary is {} bytes", summary.len()));
    }
    if !md.starts_with(&summary) {
        fails.push(format!("{name}: the document does not open with its summary"));
    }
    let plain = outside_code(&md);
    if let Some(i) = plain.find('\\') {
        fails.push(format!("{name}: a backslash outside code: {:?}", &plain[i.saturating_sub(40)..(i + 40).min(plain.len())]));
    }
    if let Some(l) = plain.lines().find(|l| l.contains('`')) {
        fails.push(format!("{name}: an unclosed code span: {l:?}"));
    }
}

fn logs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            logs_under(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("log") || x.eq_ignore_ascii_case("etl") || x.eq_ignore_ascii_case("evtx")) {
            out.push(p);
        }
    }
}

#[test]
fn summaries_are_short_and_nothing_is_escaped() {
    let mut fails = Vec::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(&fixtures).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("logs").is_dir()).collect();
    scenarios.sort();
    assert!(scenarios.len() >= 12);
    for s in &scenarios {
        let files: Vec<PathBuf> = std::fs::read_dir(s.join("logs")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
        check(&s.file_name().unwrap().to_string_lossy(), &analyze(&files), &mut fails);
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

/// The same on every real log, each file alone.
#[test]
fn real_logs_summaries_are_short_and_nothing_is_escaped() {
    let dir = wulens_testdata::real_logs();
    let (mut logs, mut fails) = (Vec::new(), Vec::new());
    logs_under(&dir, &mut logs);
    assert!(logs.len() >= 50, "real logs: {}", logs.len());
    for p in &logs {
        check(&p.strip_prefix(&dir).unwrap().to_string_lossy(), &analyze(std::slice::from_ref(p)), &mut fails);
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

/// Every evidence object (`{file, line, text}`) of a report, anywhere in it.
fn evidence_texts(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(o) => {
            if let (Some(_), Some(_), Some(serde_json::Value::String(t))) = (o.get("file"), o.get("line"), o.get("text")) {
                out.push(t.clone());
            }
            o.values().for_each(|x| evidence_texts(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| evidence_texts(x, out)),
        _ => {}
    }
}

/// The Markdown read back by a CommonMark parser (pulldown-cmark): no backtick is left outside
/// a code span (a span split or left open), and every evidence line the document prints is one
/// code span holding its text exactly (line breaks as spaces). Returns how many were found.
fn read_back(name: &str, r: &Report, md: &str, fails: &mut Vec<String>) -> usize {
    use pulldown_cmark::{Event, Parser};
    let mut spans = std::collections::HashSet::new();
    for ev in Parser::new(md) {
        match ev {
            Event::Code(c) => {
                spans.insert(c.into_string());
            }
            Event::Text(t) if t.contains('`') => fails.push(format!("{name}: a backtick outside any code span: {t:?}")),
            Event::Html(h) | Event::InlineHtml(h) => fails.push(format!("{name}: read as HTML: {h:?}")),
            _ => {}
        }
    }
    let mut texts = Vec::new();
    evidence_texts(&serde_json::to_value(r).unwrap(), &mut texts);
    let mut found = 0;
    for t in texts.iter().filter(|t| !t.is_empty()) {
        let shown: String = t.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }).collect();
        if !md.contains(&wulens_core::report::md_code(t)) {
            continue;
        }
        found += 1;
        if !spans.contains(&shown) {
            fails.push(format!("{name}: the evidence {t:?} is not one code span"));
        }
    }
    found
}

/// A report whose evidence lines, codes and symbols hold what Markdown would read as markup:
/// backticks in runs, at the ends, spaces around, emphasis, HTML, links, headings, line breaks.
fn hostile(mut r: Report) -> Report {
    const NASTY: [&str; 10] = [
        "a `b` c",
        "``x",
        "` leading and trailing `",
        "  spaced  ",
        "*em* _u_ <b>html</b> [link](http://x) | pipe",
        "# heading\r\n1. list",
        "\\` escaped backtick",
        "```fence``` and ````",
        "    indented <script>alert(1)</script>",
        "   ",
    ];
    let mut n = 0;
    let mut next = || {
        n += 1;
        NASTY[n % NASTY.len()].to_string()
    };
    for f in &mut r.findings {
        f.evidence.iter_mut().for_each(|e| e.text = next());
    }
    for st in r.scan_flow.steps.iter_mut().chain(r.sync_flow.steps.iter_mut()) {
        st.evidence.iter_mut().for_each(|e| e.text = next());
    }
    for op in &mut r.operations.items {
        op.evidence.iter_mut().for_each(|e| e.text = next());
    }
    for e in &mut r.errors {
        e.symbol = format!("WU_E_`{}", e.symbol);
    }
    r
}

#[test]
fn a_parser_reads_every_code_span_and_evidence_line_back() {
    let mut fails = Vec::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(&fixtures).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("logs").is_dir()).collect();
    scenarios.sort();
    let (mut found, mut hostile_found) = (0, 0);
    for s in &scenarios {
        let files: Vec<PathBuf> = std::fs::read_dir(s.join("logs")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
        let name = s.file_name().unwrap().to_string_lossy().into_owned();
        let r = analyze(&files);
        found += read_back(&name, &r, &markdown(&r), &mut fails);
        read_back(&name, &r, &markdown_summary(&r), &mut fails);
        // What the Share panel hands out: the report redacted.
        let mut redactor = wulens_core::redact::Redactor::new();
        redactor.learn(&serde_json::to_string(&r).unwrap());
        let red = wulens_core::redact::report(&r, &mut redactor).unwrap();
        read_back(&format!("{name} (redacted)"), &red, &markdown(&red), &mut fails);
        let h = hostile(r);
        hostile_found += read_back(&format!("{name} (hostile)"), &h, &markdown(&h), &mut fails);
    }
    assert!(found > 20 && hostile_found > 20, "evidence lines read back: {found}, hostile {hostile_found}");
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

/// The same on the real logs, each file alone. They must be here (../shared/reallogs).
#[test]
fn a_parser_reads_the_real_logs_reports_back() {
    let dir = wulens_testdata::real_logs();
    let mut logs = Vec::new();
    logs_under(&dir, &mut logs);
    assert!(logs.len() >= 50, "real logs: {}", logs.len());
    let (mut fails, mut found) = (Vec::new(), 0);
    for p in &logs {
        let r = analyze(std::slice::from_ref(p));
        found += read_back(&p.strip_prefix(&dir).unwrap().to_string_lossy(), &r, &markdown(&r), &mut fails);
    }
    assert!(found > 100, "evidence lines read back: {found}");
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn the_summary_holds_what_it_says() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/fail-step3-proxy-407/logs");
    let files: Vec<PathBuf> = std::fs::read_dir(&fixtures).unwrap().map(|e| e.unwrap().path()).collect();
    let mut r = analyze(&files);
    r.summary.verdict = format!("{} {}", r.summary.verdict, "More words. ".repeat(100));
    let s = markdown_summary(&r);
    assert!(!s.contains("below"), "copied alone, the summary points at nothing below: {s}");
    assert!(s.contains(" …"), "a cut verdict is marked: {s}");
}
