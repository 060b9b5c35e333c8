//! Architecture invariants of crates/core (ARCHITECTURE.md), checked on the source text.
//!
//! - A stage imports only earlier stages: model → read → analysis → diagnose → output.
//! - Only `model/` (plain values) and `output/` (the report, the viewer) derive serde traits:
//!   the JSON contract is defined in `output/`, nowhere else.

use std::path::{Path, PathBuf};

const STAGES: [&str; 5] = ["model", "read", "analysis", "diagnose", "output"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The stage of a source file: its folder under src/, or `None` for the crate root and the
/// cross-cutting modules (`par.rs`, which imports nothing, and `fuzzing.rs`, which drives all).
fn stage_of(path: &Path) -> Option<usize> {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?;
    STAGES.iter().position(|s| *s == first)
}

/// Every `crate::<module>` a file names, with its line (in `use` lines and in paths).
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + 7..];
            let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = after;
        }
        // `use crate::{a, b}` lists.
        if let Some(i) = code.find("crate::{") {
            let list = &code[i + 8..];
            for part in list.split([',', '}']) {
                let name: String = part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.push((n + 1, name));
                }
            }
        }
    }
    out
}

#[test]
fn a_stage_imports_only_earlier_stages() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut bad = Vec::new();
    for f in &files {
        let Some(own) = stage_of(f) else { continue };
        let text = std::fs::read_to_string(f).unwrap();
        for (line, module) in crate_paths(&text) {
            let Some(target) = STAGES.iter().position(|s| *s == module) else {
                if module != "par" {
                    bad.push(format!("{}:{line}: crate::{module} is not a stage (model, read, analysis, diagnose, output) or par", f.display()));
                }
                continue;
            };
            if target > own {
                bad.push(format!("{}:{line}: {} imports the later stage {}", f.display(), STAGES[own], STAGES[target]));
            }
        }
    }
    assert!(bad.is_empty(), "backward imports:\n{}", bad.join("\n"));
}

#[test]
fn only_model_and_output_define_serialized_types() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut bad = Vec::new();
    for f in &files {
        if matches!(stage_of(f), Some(0) | Some(4)) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[derive(") && (line.contains("Serialize") || line.contains("Deserialize")) {
                bad.push(format!("{}:{}", f.display(), n + 1));
            }
        }
    }
    assert!(bad.is_empty(), "serde types outside model/ and output/ (the JSON contract lives in output/):\n{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_backward_imports() {
    let found = crate_paths("use crate::output::Report;\nuse crate::{model, diagnose::x};\nlet x = crate::read::load(i); // crate::output");
    let names: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(names, ["output", "model", "diagnose", "read"]);
}
