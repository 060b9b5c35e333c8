//! Every rule, every operation and every noise pattern (crates/kb/data/noise) in the data fires
//! on some fixture or real log: data that never fires is either dead or untested. Reads tests/fixtures (each scenario's logs together)
//! and every real log of ../shared/reallogs (each alone, and each folder together): a `real_logs`
//! test (crates/testdata).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use wulens_core::{Analysis, Diagnosis, Input, Limits};

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).map(|r| r.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect()).unwrap_or_default();
    v.retain(|p| !matches!(p.extension().and_then(|x| x.to_str()), Some("md" | "json" | "toml" | "py")));
    v.sort();
    v
}

/// What fired: rule ids, operation ids, noise patterns (code, index in its entry's `noise`).
#[derive(Default)]
struct Fired {
    rules: BTreeSet<String>,
    ops: BTreeSet<String>,
    noise: BTreeSet<(u32, usize)>,
}

fn diagnose(paths: &[PathBuf], fired: &mut Fired) {
    let inputs = paths.iter().map(|p| Input { name: p.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(p).unwrap().into() }).collect();
    let a = Analysis::from_inputs(inputs, &Limits::default());
    let d = Diagnosis::run(&a);
    fired.rules.extend(d.findings.iter().map(|f| f.id().to_string()));
    fired.ops.extend(d.operations.iter().map(|o| o.def.id.to_string()));
    // A noise pattern fires on a line of its log kinds holding its code with every string it
    // names (the engine's own test, wulens_kb's `Entry::is_noise`, one pattern at a time).
    for f in &a.files {
        for c in &a.codes {
            let Some(k) = wulens_kb::entry(c.code) else { continue };
            for (i, n) in k.noise.iter().enumerate() {
                if !n.logs.contains(&f.kind.id()) || fired.noise.contains(&(c.code, i)) {
                    continue;
                }
                if f.entries.iter().any(|e| {
                    let line = f.record(e);
                    n.contains.iter().all(|s| line.contains(s))
                }) {
                    fired.noise.insert((c.code, i));
                }
            }
        }
    }
}

#[test]
fn real_logs_every_rule_operation_and_noise_pattern_fires_somewhere() {
    let mut fired = Fired::default();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    for dir in std::fs::read_dir(&fixtures).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()) {
        // A scenario's logs together; a folder of alternatives or bundles (no logs/): each
        // file alone and all together.
        if dir.join("logs").is_dir() {
            diagnose(&files_in(&dir.join("logs")), &mut fired);
            continue;
        }
        let files = files_in(&dir);
        for f in &files {
            diagnose(std::slice::from_ref(f), &mut fired);
        }
        diagnose(&files, &mut fired);
    }
    let real = wulens_testdata::real_logs();
    for sub in ["", "more", "hold1", "hold2", "evidence", "etl"] {
        let files = files_in(&real.join(sub));
        for f in &files {
            diagnose(std::slice::from_ref(f), &mut fired);
        }
        diagnose(&files, &mut fired);
    }
    let dead_rules: Vec<&str> = Diagnosis::rule_ids().filter(|id| !fired.rules.contains(*id)).collect();
    let dead_ops: Vec<&str> = Diagnosis::operation_ids().filter(|id| !fired.ops.contains(*id)).collect();
    let patterns: Vec<(u32, usize, &[&str])> =
        wulens_kb::entries().iter().flat_map(|k| k.noise.iter().enumerate().map(move |(i, n)| (k.code, i, n.contains))).collect();
    assert!(patterns.len() >= 20, "the noise data holds {} patterns", patterns.len());
    let dead_noise: Vec<String> =
        patterns.iter().filter(|(c, i, _)| !fired.noise.contains(&(*c, *i))).map(|(c, _, words)| format!("0x{c:08X} {words:?}")).collect();
    assert!(
        dead_rules.is_empty() && dead_ops.is_empty() && dead_noise.is_empty(),
        "never fire: rules {dead_rules:?}, operations {dead_ops:?}, noise patterns {dead_noise:?}"
    );
}
