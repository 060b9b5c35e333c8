//! The seed table: every scenario in `tests/seeds/*.toml` (a troubleshooting section of a seed
//! article, as the logs a client writes) is analyzed in several shapes and must give the
//! article's conclusion. The format is described in `tests/seeds/README.md`.
//!
//! Shapes: `full` (the logs as given: the error and its follow-up lines), `cut` (the files named
//! in `cut` end right after the line holding the given words; a file cut at `"-"` is left out),
//! and `bundle` (the full logs beside the unrelated, healthy logs of `tests/seeds/healthy/`).
//! A row (or a shape) marked `known_gap = "why"` must still miss its conclusion: the test fails
//! once the gap is closed, so the mark is removed with the fix.

use std::path::{Path, PathBuf};

use wulens_core::model::{FindingSeverity, Outcome, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scenarios() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(repo().join("tests/seeds")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
    v.sort();
    v
}

type Files = Vec<(String, Vec<u8>)>;

/// The logs of a scenario as given: a fixture's `logs/` and the inline `[[file]]`s.
fn full_logs(row: &toml::Value) -> Files {
    let mut files: Files = Vec::new();
    if let Some(fx) = row.get("fixture").and_then(|v| v.as_str()) {
        files.extend(read_dir(&repo().join("tests/fixtures").join(fx).join("logs")));
    }
    for f in row.get("file").and_then(|v| v.as_array()).into_iter().flatten() {
        let name = f["name"].as_str().unwrap().to_string();
        let mut text = f["text"].as_str().unwrap().trim_start_matches('\n').to_string();
        if f.get("crlf").and_then(|v| v.as_bool()).unwrap_or(false) {
            text = text.replace('\n', "\r\n");
        }
        files.retain(|(n, _)| *n != name);
        files.push((name, text.into_bytes()));
    }
    assert!(!files.is_empty(), "a scenario without logs");
    files
}

fn read_dir(dir: &Path) -> Files {
    let mut v: Files = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    v.sort();
    v
}

/// Each file named in `cut` ends with the first line holding its words (`"-"`: left out).
fn cut(files: &Files, cuts: &toml::value::Table) -> Files {
    let mut out = Files::new();
    for (name, bytes) in files {
        let Some(words) = cuts.get(name).map(|w| w.as_str().unwrap()) else {
            out.push((name.clone(), bytes.clone()));
            continue;
        };
        if words == "-" {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let at = text.find(words).unwrap_or_else(|| panic!("cut: {words:?} is not in {name}"));
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
        out.push((name.clone(), text.as_bytes()[..end].to_vec()));
    }
    for name in cuts.keys() {
        assert!(files.iter().any(|(n, _)| n == name), "cut: no file {name}");
    }
    out
}

fn analyze(files: &Files) -> Report {
    let inputs = files.iter().map(|(n, b)| Input { name: n.clone(), bytes: b.clone().into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

fn strs(v: Option<&toml::Value>) -> Vec<String> {
    match v {
        Some(toml::Value::String(s)) => vec![s.clone()],
        Some(toml::Value::Array(a)) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        _ => Vec::new(),
    }
}

/// What the report misses of the conclusion `expect` (empty: it says it all).
fn misses(r: &Report, expect: &toml::value::Table) -> Vec<String> {
    let mut out = Vec::new();
    let verdict = &r.summary.verdict;
    let int = |k: &str| expect.get(k).and_then(|v| v.as_integer()).map(|n| n as u8);
    if let Some(n) = int("failed_step") {
        if r.scan_flow.failed_step != Some(n) {
            out.push(format!("scan: failed step {:?}, not {n}", r.scan_flow.failed_step));
        }
    }
    if let Some(n) = int("sync_failed_step") {
        if r.sync_flow.failed_step != Some(n) {
            out.push(format!("sync: failed step {:?}, not {n}", r.sync_flow.failed_step));
        }
    }
    let failure = int("failed_step").is_some()
        || int("sync_failed_step").is_some()
        || expect.contains_key("operation")
        || expect.get("status").and_then(|v| v.as_str()) == Some("failed");
    if failure {
        // A known failure is never summed up as "nothing failed" or "still running".
        for words in ["nothing failed", "still running", "No failure"] {
            if verdict.contains(words) {
                out.push(format!("the verdict says {words:?} over a failure: {verdict}"));
            }
        }
        if r.summary.status != VerdictStatus::Failed {
            out.push(format!("status {:?}, not failed", r.summary.status));
        }
    }
    if let Some(kind) = expect.get("operation").and_then(|v| v.as_str()) {
        let root = expect.get("root").and_then(|v| v.as_str());
        let found = r.operations.items.iter().any(|o| {
            o.kind.id() == kind
                && o.outcome == Outcome::Failed
                && root.is_none_or(|c| o.root.as_deref() == Some(c) || (o.root.is_none() && o.code.as_deref() == Some(c)))
        });
        if !found {
            let seen: Vec<String> = r.operations.items.iter().map(|o| format!("{} {:?} {:?}/{:?}", o.kind.id(), o.outcome, o.code, o.root)).collect();
            out.push(format!("no failed {kind} with root {root:?}; operations: {seen:?}"));
        }
    }
    if let Some(root) = expect.get("root").and_then(|v| v.as_str()) {
        let lead = r.statements.first().and_then(|s| s.codes.first());
        if lead.map(String::as_str) != Some(root) {
            out.push(format!("the verdict's lead code is {lead:?}, not {root}: {verdict}"));
        }
        if !verdict.contains(root) {
            out.push(format!("the verdict does not name {root}: {verdict}"));
        }
    }
    let findings = strs(expect.get("finding"));
    for id in &findings {
        if !r.findings.iter().any(|f| f.id == *id) {
            out.push(format!("no finding {id}; findings: {:?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>()));
        }
    }
    // `finding_has`: words the first expected finding says in its summary (not only in a line it cites).
    if let Some(f) = findings.first().and_then(|id| r.findings.iter().find(|f| f.id == *id)) {
        for words in strs(expect.get("finding_has")) {
            if !f.summary.contains(&words) {
                out.push(format!("finding {} does not show {words:?}: {}", f.id, f.summary));
            }
        }
    }
    if let Some(words) = expect.get("check").and_then(|v| v.as_str()) {
        let first = r.next_checks.first().map(|c| format!("{} {}", c.text, c.command.as_deref().unwrap_or(""))).unwrap_or_default();
        if !first.to_lowercase().contains(&words.to_lowercase()) {
            out.push(format!("the first next check does not say {words:?}: {first}"));
        }
    }
    for words in strs(expect.get("verdict_has")) {
        if !verdict.contains(&words) {
            out.push(format!("the verdict does not say {words:?}: {verdict}"));
        }
    }
    // Every sentence of the verdict names its lines.
    for st in r.statements.iter().filter(|st| st.evidence.is_empty()) {
        out.push(format!("statement with no evidence: {}", st.text));
    }
    out
}

/// The expectations of one shape: the row's, with the shape's own table over them.
fn expect_for(row: &toml::Value, shape: &str) -> toml::value::Table {
    let mut e = row.get("expect").and_then(|v| v.as_table()).cloned().unwrap_or_default();
    for s in ["full", "cut", "bundle"] {
        e.remove(s);
    }
    if let Some(over) = row.get("expect").and_then(|v| v.get(shape)).and_then(|v| v.as_table()) {
        for (k, v) in over {
            // `key = false` takes the row's expectation away for this shape.
            if v.as_bool() == Some(false) {
                e.remove(k);
            } else {
                e.insert(k.clone(), v.clone());
            }
        }
    }
    e
}

fn check_row(path: &Path) -> Vec<String> {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let row: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
    for key in ["seed", "section", "description"] {
        assert!(row.get(key).and_then(|v| v.as_str()).is_some_and(|s| !s.is_empty()), "{name}: no {key}");
    }
    let seed = row["seed"].as_str().unwrap();
    assert!(seed.len() > 4 && seed.ends_with(".txt"), "{name}: seed {seed}");
    let full = full_logs(&row);
    let mut shapes: Vec<(&str, Files)> = vec![("full", full.clone())];
    if let Some(cuts) = row.get("cut").and_then(|v| v.as_table()) {
        shapes.push(("cut", cut(&full, cuts)));
    }
    let mut bundle = full.clone();
    bundle.extend(read_dir(&repo().join("tests/seeds/healthy")));
    shapes.push(("bundle", bundle));
    let mut problems = Vec::new();
    for (shape, files) in &shapes {
        let mut expect = expect_for(&row, shape);
        let r = analyze(files);
        // A known gap names the expectations (`gap`, default all) that today's engine misses:
        // each must still be missed, and everything else must hold.
        // `known_gap = ""` in a shape: the row's gap does not reach that shape.
        let gap = expect.remove("known_gap").map(|v| v.as_str().unwrap().to_string()).filter(|g| !g.is_empty());
        let gap_keys = strs(expect.remove("gap").as_ref());
        let mut gapped = toml::value::Table::new();
        if gap.is_some() {
            let keys: Vec<String> = if gap_keys.is_empty() { expect.keys().cloned().collect() } else { gap_keys };
            for k in keys {
                let v = expect.remove(&k).unwrap_or_else(|| panic!("{name}: gap {k} is not expected"));
                gapped.insert(k, v);
            }
        }
        problems.extend(misses(&r, &expect).into_iter().map(|m| format!("{name} [{shape}]: {m}")));
        if let Some(gap) = gap {
            for (k, v) in gapped {
                // The row's other expectations hold (checked above), so with this one added
                // anything missed is this gap.
                let mut with = expect.clone();
                with.insert(k.clone(), v);
                if misses(&r, &with).is_empty() {
                    problems.push(format!("{name} [{shape}]: the known gap on {k} is closed ({gap}): remove the mark"));
                }
            }
        }
    }
    assert!(shapes.len() >= 2);
    problems
}

#[test]
fn every_seed_scenario_gives_the_articles_conclusion() {
    let rows = scenarios();
    assert!(rows.len() >= 10, "seed table too small: {rows:?}");
    let mut problems = Vec::new();
    for row in &rows {
        problems.extend(check_row(row));
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

/// The healthy logs added to every scenario's bundle conclude nothing failed on their own.
#[test]
fn the_healthy_bundle_is_healthy() {
    let r = analyze(&read_dir(&repo().join("tests/seeds/healthy")));
    assert_ne!(r.summary.status, VerdictStatus::Failed, "{}", r.summary.verdict);
    assert!(r.findings.iter().all(|f| f.severity == FindingSeverity::Info), "{:?}", r.findings.iter().map(|f| &f.id).collect::<Vec<_>>());
}
