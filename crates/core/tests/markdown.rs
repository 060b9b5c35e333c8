//! The Markdown export for tickets: on every fixture and every real log (../shared/reallogs, each
//! file alone), the summary that opens it is at most `SUMMARY_BYTES` and nothing in the document
//! is backslash-escaped (text that Markdown could read as markup is in code spans instead).

use std::path::{Path, PathBuf};

use wulens_core::{markdown, markdown_summary, Analysis, Input, Limits, Report, SUMMARY_BYTES};

mod common;

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
    match common::reallogs() {
        Some(dir) => {
            let mut logs = Vec::new();
            logs_under(&dir, &mut logs);
            assert!(logs.len() >= 50, "real logs: {}", logs.len());
            for p in &logs {
                check(&p.strip_prefix(&dir).unwrap().to_string_lossy(), &analyze(std::slice::from_ref(p)), &mut fails);
            }
        }
        None => eprintln!("real logs not found (set WULENS_REALLOGS); checked the fixtures only"),
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}
