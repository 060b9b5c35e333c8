//! Every scenario in `tests/fixtures/<name>/` (logs written from the seed articles' excerpts,
//! in their real on-disk formats) is analyzed and compared with its `expected.toml`:
//! per-file format, encoding and line accounting; every error code with its count and the
//! line of each record; the scan and sync flow statuses; the findings; the updates table.

use std::path::{Path, PathBuf};

use wulens_core::{Analysis, Input, Limits, Report};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn load_scenario(dir: &Path) -> Analysis {
    let mut inputs = Vec::new();
    for e in std::fs::read_dir(dir.join("logs")).unwrap() {
        let p = e.unwrap().path();
        inputs.push(Input { name: p.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(&p).unwrap().into() });
    }
    Analysis::from_inputs(inputs, &Limits::default())
}

fn scenarios() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures_dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("expected.toml").exists()).collect();
    v.sort();
    assert!(v.len() >= 12, "fixtures missing: {v:?}");
    v
}

fn check(dir: &Path) -> Vec<String> {
    let expected: toml::Value = toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap()).unwrap();
    let a = load_scenario(dir);
    let r = Report::build(&a);
    let mut problems = Vec::new();
    let mut fail = |s: String| problems.push(s);
    for section in [check_files, check_errors, check_flows, check_findings, check_config, check_updates] {
        section(&expected, &r, &mut fail);
    }
    // Every sentence of the verdict names the lines that prove it.
    for st in r.statements.iter().filter(|st| st.evidence.is_empty()) {
        fail(format!("statement with no evidence: {}", st.text));
    }
    problems
}

/// Files and line accounting.
fn check_files(expected: &toml::Value, r: &Report, fail: &mut dyn FnMut(String)) {
    let files = expected["file"].as_array().unwrap();
    assert_eq!(files.len(), r.files.len(), "file count");
    for ef in files {
        let name = ef["name"].as_str().unwrap();
        let Some(f) = r.files.iter().find(|f| f.name == name) else {
            fail(format!("file {name} not in report"));
            continue;
        };
        for (key, got) in [("format", f.format.to_string()), ("encoding", f.encoding.to_string())] {
            if ef[key].as_str().unwrap() != got {
                fail(format!("{name}: {key} expected {} got {got}", ef[key]));
            }
        }
        for (key, got) in [("lines", f.lines), ("entries", f.entries), ("unparsed", f.unparsed)] {
            if ef[key].as_integer().unwrap() != got as i64 {
                fail(format!("{name}: {key} expected {} got {got}", ef[key]));
            }
        }
        if f.format != "binary" && f.format != "empty" && f.lines != f.entries_lines() + f.unparsed {
            fail(format!("{name}: lines in != lines out"));
        }
    }
}

/// Error codes: exact set, counts and lines.
fn check_errors(expected: &toml::Value, r: &Report, fail: &mut dyn FnMut(String)) {
    let errors = expected.get("error").and_then(|e| e.as_array()).cloned().unwrap_or_default();
    let got_codes: Vec<&str> = r.errors.iter().map(|e| e.code.as_str()).collect();
    let want_codes: Vec<&str> = errors.iter().map(|e| e["code"].as_str().unwrap()).collect();
    let mut g = got_codes.clone();
    g.sort();
    let mut w = want_codes.clone();
    w.sort();
    if g != w {
        fail(format!("codes expected {w:?} got {g:?}"));
    }
    for ee in &errors {
        let code = ee["code"].as_str().unwrap();
        let Some(e) = r.errors.iter().find(|e| e.code == code) else { continue };
        if ee["count"].as_integer().unwrap() != e.count as i64 {
            fail(format!("{code}: count expected {} got {}", ee["count"], e.count));
        }
        let mut want: Vec<String> = ee["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
        let mut got: Vec<String> = e.occurrences.iter().map(|o| format!("{}:{}", o.file, o.line)).collect();
        want.sort();
        got.sort();
        if want != got {
            fail(format!("{code}: lines expected {want:?} got {got:?}"));
        }
    }
}

/// Flows.
fn check_flows(expected: &toml::Value, r: &Report, fail: &mut dyn FnMut(String)) {
    for (key, flow) in [("scan_flow", &r.scan_flow), ("sync_flow", &r.sync_flow)] {
        let Some(ef) = expected.get(key) else { continue };
        let want: Vec<&str> = ef["steps"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
        let got: Vec<&str> = flow.steps.iter().map(|s| s.status.id()).collect();
        if want != got {
            let reasons: Vec<&str> = flow.steps.iter().map(|s| s.reason.as_str()).collect();
            fail(format!("{key}: steps expected {want:?} got {got:?} ({reasons:?})"));
        }
        let want_failed = ef.get("failed_step").map(|v| v.as_integer().unwrap() as u8);
        if want_failed != flow.failed_step {
            fail(format!("{key}: failed_step expected {want_failed:?} got {:?}", flow.failed_step));
        }
    }
}

/// Findings: the exact set of ids, when the scenario states it.
fn check_findings(expected: &toml::Value, r: &Report, fail: &mut dyn FnMut(String)) {
    if let Some(want) = expected.get("findings") {
        let mut want: Vec<&str> = want.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let mut got: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
        want.sort();
        got.sort();
        got.dedup();
        if want != got {
            fail(format!("findings expected {want:?} got {got:?}"));
        }
        for f in &r.findings {
            if f.evidence.is_empty() && f.id != "no_wuahandler_activity" {
                fail(format!("finding {} has no evidence", f.id));
            }
        }
    }
}

/// Client configuration (reg query / .reg / netsh), both sides of the evidence.
fn check_config(expected: &toml::Value, r: &Report, fail: &mut dyn FnMut(String)) {
    if let Some(ec) = expected.get("config") {
        let c = &r.configuration;
        if ec["provided"].as_bool() != Some(c.provided) {
            fail(format!("config.provided expected {} got {}", ec["provided"], c.provided));
        }
        let policy = c.policy.as_ref();
        for (key, got) in [
            ("wu_server", policy.and_then(|p| p.wu_server.as_ref()).map(|s| s.value.clone())),
            ("wu_status_server", policy.and_then(|p| p.wu_status_server.as_ref()).map(|s| s.value.clone())),
            ("use_wu_server", policy.and_then(|p| p.use_wu_server.as_ref()).map(|s| s.value.clone())),
            ("proxy", c.proxy.as_ref().filter(|p| p.problem.is_none()).map(|p| p.servers.join(" "))),
        ] {
            let want = ec.get(key).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()));
            if want != got {
                fail(format!("config.{key} expected {want:?} got {got:?}"));
            }
        }
        if let Some(b) = ec.get("bypass") {
            let want: Vec<&str> = b.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            let got: Vec<&str> = c.proxy.as_ref().map(|p| p.bypass.iter().map(String::as_str).collect()).unwrap_or_default();
            if want != got {
                fail(format!("config.bypass expected {want:?} got {got:?}"));
            }
        }
        if let Some(u) = ec.get("unreadable") {
            let want: Vec<&str> = u.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            let got: Vec<&str> = c.unreadable.iter().map(|w| w.name.as_str()).collect();
            if want != got {
                fail(format!("config.unreadable expected {want:?} got {got:?}"));
            }
        }
        if let Some(ev) = ec.get("evidence") {
            let cited: Vec<String> =
                r.findings.iter().filter(|f| f.id.starts_with("config_")).flat_map(|f| f.evidence.iter().map(|e| format!("{}:{}", e.file, e.line))).collect();
            for want in ev.as_array().unwrap().iter().map(|v| v.as_str().unwrap()) {
                if !cited.iter().any(|c| c == want) {
                    fail(format!("config evidence {want} not cited; cited {cited:?}"));
                }
            }
        }
    }
}

/// Updates.
fn check_updates(expected: &toml::Value, r: &Report, fail: &mut dyn FnMut(String)) {
    if let Some(ups) = expected.get("update").and_then(|u| u.as_array()) {
        for u in ups {
            let kb = u["kb"].as_str().unwrap();
            match r.updates.iter().find(|x| x.kb == kb) {
                Some(x) => {
                    if x.state != u["state"].as_str().unwrap() || x.title != u["title"].as_str().unwrap() {
                        fail(format!("update {kb}: expected {u} got {} / {}", x.state, x.title));
                    }
                }
                None => fail(format!("update {kb} missing")),
            }
        }
        let titled = r.updates.iter().filter(|x| !x.kb.is_empty()).count();
        if titled != ups.len() {
            fail(format!("updates with a KB: expected {} got {titled}", ups.len()));
        }
    }
}

trait EntryLines {
    fn entries_lines(&self) -> u32;
}

impl EntryLines for wulens_core::report::FileReport {
    fn entries_lines(&self) -> u32 {
        self.lines - self.unparsed
    }
}

#[test]
fn every_fixture_matches_its_expected_result() {
    let mut all = Vec::new();
    for dir in scenarios() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        for p in check(&dir) {
            all.push(format!("{name}: {p}"));
        }
    }
    assert!(all.is_empty(), "{} problem(s):\n{}", all.len(), all.join("\n"));
}

#[test]
fn partial_logs_never_give_a_false_ok() {
    // Only WUAHandler.log of a successful scan: steps witnessed by other logs are unknown, and
    // the report names the logs that would witness them.
    let dir = fixtures_dir().join("scan-success/logs");
    let bytes = std::fs::read(dir.join("WUAHandler.log")).unwrap();
    let a = Analysis::from_inputs(vec![Input { name: "WUAHandler.log".into(), bytes: bytes.into() }], &Limits::default());
    let r = Report::build(&a);
    let s = |n: u8| r.scan_flow.step(n).unwrap();
    assert_eq!(s(3).status.id(), "unknown");
    assert!(s(3).reason.contains("WindowsUpdate.log"), "{}", s(3).reason);
    assert_eq!(s(3).missing_logs, ["WindowsUpdate.log"]);
    assert_eq!(s(6).status.id(), "unknown");
    assert_eq!(s(7).status.id(), "unknown");
    for n in [2, 4, 5] {
        assert_eq!(s(n).status.id(), "ok", "step {n}");
        assert!(!s(n).evidence.is_empty());
    }
    assert_eq!(r.scan_flow.failed_step, None);
    assert_eq!(r.summary.status.id(), "incomplete");
}

#[test]
fn bundled_samples_are_the_fixture_logs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (sample, fixture) in [("healthy-scan", "scan-success"), ("broken-scan", "fail-step3-gpo-override")] {
        let s = root.join("public/samples").join(sample);
        let f = root.join("tests/fixtures").join(fixture).join("logs");
        let mut names: Vec<_> = std::fs::read_dir(&f).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        for n in &names {
            assert_eq!(std::fs::read(s.join(n)).unwrap(), std::fs::read(f.join(n)).unwrap(), "{sample}/{n:?} differs from {fixture}");
        }
        let count = std::fs::read_dir(&s).unwrap().count();
        assert_eq!(count, names.len(), "{sample} has extra files");
    }
}
