//! Every rule and every operation in the data fires on some fixture or real log: data that
//! never fires is either dead or untested. Reads tests/fixtures (each scenario's logs together)
//! and every real log of ../shared/reallogs (each alone, and each folder together); needs that
//! folder: without it the test fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use wulens_core::{operation_ids, rule_ids, Analysis, Diagnosis, Input, Limits};

mod common;

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).map(|r| r.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect()).unwrap_or_default();
    v.retain(|p| !matches!(p.extension().and_then(|x| x.to_str()), Some("md" | "json" | "toml" | "py")));
    v.sort();
    v
}

fn diagnose(paths: &[PathBuf], rules: &mut BTreeSet<String>, ops: &mut BTreeSet<String>) {
    let inputs = paths.iter().map(|p| Input { name: p.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(p).unwrap().into() }).collect();
    let a = Analysis::from_inputs(inputs, &Limits::default());
    let d = Diagnosis::run(&a);
    rules.extend(d.findings.iter().map(|f| f.id().to_string()));
    ops.extend(d.operations.iter().map(|o| o.def.id.to_string()));
}

#[test]
fn every_rule_and_operation_fires_somewhere() {
    let (mut rules, mut ops) = (BTreeSet::new(), BTreeSet::new());
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    for dir in std::fs::read_dir(&fixtures).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()) {
        // A scenario's logs together; a folder of alternatives or bundles (no logs/): each
        // file alone and all together.
        if dir.join("logs").is_dir() {
            diagnose(&files_in(&dir.join("logs")), &mut rules, &mut ops);
            continue;
        }
        let files = files_in(&dir);
        for f in &files {
            diagnose(std::slice::from_ref(f), &mut rules, &mut ops);
        }
        diagnose(&files, &mut rules, &mut ops);
    }
    let real = common::required();
    for sub in ["", "more", "hold1", "hold2", "evidence", "etl"] {
        let files = files_in(&real.join(sub));
        for f in &files {
            diagnose(std::slice::from_ref(f), &mut rules, &mut ops);
        }
        diagnose(&files, &mut rules, &mut ops);
    }
    let dead_rules: Vec<&str> = rule_ids().filter(|id| !rules.contains(*id)).collect();
    let dead_ops: Vec<&str> = operation_ids().filter(|id| !ops.contains(*id)).collect();
    assert!(dead_rules.is_empty() && dead_ops.is_empty(), "never fire: rules {dead_rules:?}, operations {dead_ops:?}");
}
