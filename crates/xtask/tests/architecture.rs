//! Architecture invariants of the whole repository (ARCHITECTURE.md), checked on the source text:
//!
//! - No Rust function in `crates/*/src`, `web/src` or a crate's `build.rs` is
//!   longer than 150 lines (from its `fn` line to its closing brace at the same indent).
//! - No web component imports the application shell (`crate::app`): components get what they
//!   need from `services.rs` and `nav.rs`.
//! - `unsafe` appears only in the CLI's file mapping and in core's shared text.
//! - Comments (in Rust) and Markdown cite only repository paths that exist: no design note
//!   that was never committed, no file that has become a folder.
//! - The tests find the real logs and the seed articles (../shared) in one place per language:
//!   crates/testdata and tests/e2e/helpers.mjs; no test names a machine's absolute path.

use std::path::{Path, PathBuf};

const MAX_FN_LINES: usize = 150;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every Rust source the length rule covers.
fn sources() -> Vec<PathBuf> {
    let root = root();
    let mut out = Vec::new();
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root.join("crates")).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    crates.push(root.join("web"));
    for c in crates {
        rust_files(&c.join("src"), &mut out);
        if c.join("build.rs").is_file() {
            out.push(c.join("build.rs"));
        }
    }
    out.sort();
    out
}

/// Is this (trimmed) line the start of a function: `[pub[(..)]] [const] [async] [unsafe] [extern "C"] fn name`?
fn is_fn_line(trimmed: &str) -> bool {
    let mut rest = trimmed;
    loop {
        let before = rest;
        for prefix in ["pub(crate) ", "pub(super) ", "pub ", "const ", "async ", "unsafe ", "extern \"C\" ", "default "] {
            if let Some(r) = rest.strip_prefix(prefix) {
                rest = r;
            }
        }
        if rest == before {
            break;
        }
    }
    rest.strip_prefix("fn ").is_some_and(|r| r.starts_with(|c: char| c.is_alphabetic() || c == '_'))
}

/// Functions longer than `max` lines in `text`: (name line, length). A declaration without a
/// body (`;`) and a one-line function are skipped.
fn long_functions(text: &str, max: usize) -> Vec<(usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if !is_fn_line(trimmed) {
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        // The signature ends at the first line ending in `{` (a body) or `;` (no body).
        let Some(open) = (i..lines.len()).find(|&j| {
            let t = lines[j].trim_end();
            t.ends_with('{') || t.ends_with(';') || t.ends_with('}')
        }) else {
            continue;
        };
        if !lines[open].trim_end().ends_with('{') {
            continue;
        }
        let close = (open + 1..lines.len()).find(|&j| lines[j].strip_prefix(indent).is_some_and(|r| r.trim_end() == "}"));
        let len = match close {
            Some(c) => c - i + 1,
            None => lines.len() - i, // no closing brace at its indent: counted to the end
        };
        if len > max {
            out.push((i + 1, len, trimmed.chars().take(60).collect()));
        }
    }
    out
}

#[test]
fn no_function_is_longer_than_150_lines() {
    let root = root();
    let files = sources();
    assert!(files.len() > 50, "the sources were not found under {}", root.display());
    let mut long = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (line, len, sig) in long_functions(&text, MAX_FN_LINES) {
            long.push(format!("{}:{line}: {len} lines: {sig}", f.strip_prefix(&root).unwrap().display()));
        }
    }
    assert!(long.is_empty(), "functions longer than {MAX_FN_LINES} lines (split them):\n{}", long.join("\n"));
}

#[test]
fn the_length_rule_counts_as_documented() {
    let body = |n: usize| (0..n).map(|_| "    x();\n").collect::<String>();
    let long = format!("pub fn a() {{\n{}}}\n\n    fn short() {{ }}\nfn decl();\n", body(150));
    assert_eq!(long_functions(&long, 150), [(1, 152, "pub fn a() {".to_string())]);
    let nested = format!("impl X {{\n    pub(crate) async fn b(\n        x: u32,\n    ) -> u32 {{\n{}    }}\n}}\n", body(10));
    assert_eq!(long_functions(&nested, 12), [(2, 14, "pub(crate) async fn b(".to_string())]);
    assert!(long_functions(&nested, 14).is_empty());
}

#[test]
fn web_components_never_import_the_app_shell() {
    let mut files = Vec::new();
    rust_files(&root().join("web/src/components"), &mut files);
    assert!(!files.is_empty());
    let mut bad = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let grouped = code.contains("crate::{")
                && code.split("crate::{").nth(1).is_some_and(|g| g.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == "app"));
            if code.contains("crate::app") || grouped {
                bad.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(bad.is_empty(), "components import app.rs (use crate::services / crate::nav):\n{}", bad.join("\n"));
}

/// The page's lower floors import one way: `messages.rs` (plain messages) nothing of the page;
/// `page.rs` (helpers) no component; `bridge.rs`, `fleet.rs` and `state.rs` not one another's
/// messages in a circle (bridge → page → state → bridge was one).
#[test]
fn web_imports_run_one_way() {
    let banned: [(&str, &[&str]); 6] = [
        ("messages.rs", &["crate::"]),
        ("wufb.rs", &["crate::bridge", "crate::state", "crate::services", "crate::components"]),
        ("page.rs", &["crate::components", "crate::bridge", "crate::services"]),
        ("bridge.rs", &["crate::page", "crate::state", "crate::fleet", "crate::services", "crate::components"]),
        ("fleet.rs", &["crate::bridge", "crate::state", "crate::services", "crate::components"]),
        ("state.rs", &["crate::bridge", "crate::page", "crate::services", "crate::components"]),
    ];
    let mut bad = Vec::new();
    for (file, words) in banned {
        let text = std::fs::read_to_string(root().join("web/src").join(file)).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(w) = words.iter().find(|w| code.contains(**w)) {
                bad.push(format!("web/src/{file}:{}: {w}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(bad.is_empty(), "an import against the floors (see web/src/messages.rs):\n{}", bad.join("\n"));
}

/// Files allowed to hold `unsafe` code, and why: a mapped file is the CLI's fastest way to read a
/// big log, its text is checked to be UTF-8 once instead of on every access, and the CLI sets
/// one parameter of the C library's allocator.
const UNSAFE_ALLOWED: [&str; 3] = ["crates/cli/src/allocator.rs", "crates/cli/src/files.rs", "crates/core/src/model/text.rs"];

#[test]
fn unsafe_code_lives_only_where_documented() {
    let root = root();
    let mut found = Vec::new();
    for f in sources() {
        let rel = f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&f).unwrap();
        let uses = text.lines().any(|l| {
            let code = l.split("//").next().unwrap_or("");
            code.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == "unsafe")
        });
        if uses {
            found.push(rel);
        }
    }
    found.sort();
    assert_eq!(found, UNSAFE_ALLOWED, "unsafe code outside the documented files (ARCHITECTURE.md)");
}

/// The only files that look for ../shared: crates/testdata (whose lookups also check that the
/// calling test carries its group's mark, so `./dev test` can leave it out) and the browser
/// tests' helpers.
const SHARED_LOOKUPS: [&str; 2] = ["crates/testdata/src/lib.rs", "tests/e2e/helpers.mjs"];

#[test]
fn the_shared_folders_are_looked_up_in_one_place_per_language() {
    let root = root();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("web"), &mut files);
    for e in std::fs::read_dir(root.join("tests/e2e")).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "mjs") {
            files.push(e.path());
        }
    }
    // A variable read, a path beside the repository, a machine's absolute path (in code, not in
    // comments or messages; written as a class so that this file names no machine's path).
    let lookup = regex::Regex::new(
        r#"(var_os|var)\("WULENS_(REALLOGS|SEEDS)|process\.env\.WULENS_(REALLOGS|SEEDS)|["'`]/?(\.\./)+shared/(reallogs|seeds)|["'`]/w[o]rk/"#,
    )
    .unwrap();
    let mut bad = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        // This file names them to find them.
        if SHARED_LOOKUPS.contains(&rel.as_str()) || rel == "crates/xtask/tests/architecture.rs" || rel.contains("/target/") || rel.contains("/node_modules/") {
            continue;
        }
        for (n, line) in std::fs::read_to_string(&f).unwrap().lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(m) = lookup.find(code) {
                bad.push(format!("{rel}:{}: {}: {}", n + 1, m.as_str(), line.trim()));
            }
        }
    }
    assert!(bad.is_empty(), "a test looks for ../shared itself (use crates/testdata or tests/e2e/helpers.mjs):\n{}", bad.join("\n"));
}

/// Folders that hold no text of the project's own (build output, installed packages).
const NOT_OURS: [&str; 4] = ["target", "node_modules", "dist", "pkg"];

/// Every `.rs` and `.md` file of the repository, and the names of all its folders.
fn text_files(dir: &Path, files: &mut Vec<PathBuf>, folders: &mut std::collections::HashSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if !name.starts_with('.') && !NOT_OURS.contains(&name.as_str()) {
                folders.insert(name);
                text_files(&p, files, folders);
            }
        } else if p.extension().is_some_and(|x| x == "rs" || x == "md") {
            files.push(p);
        }
    }
}

/// The repository paths a line of text cites: a path whose first folder is one of the
/// repository's and that either starts at a top folder (`crates/`, `docs/`, ...) or names a
/// `.rs`, `.md` or `.toml` file (`read/parse/mod.rs`), or an upper-case Markdown name
/// (`ARCHITECTURE.md`). URLs, Windows paths, globs and placeholders (`<name>`) are not paths.
fn cited_paths(line: &str, folders: &std::collections::HashSet<String>) -> Vec<String> {
    const TOP: [&str; 5] = ["crates/", "docs/", "web/", "tests/", "public/"];
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-');
    let mut out = Vec::new();
    let mut rest = line;
    let mut offset = 0;
    while let Some(start) = rest.find(is_path_char) {
        let len = rest[start..].find(|c: char| !is_path_char(c)).unwrap_or(rest.len() - start);
        let (before, after) = (line[..offset + start].chars().last(), rest[start + len..].chars().next());
        let word = rest[start..start + len].trim_end_matches('.');
        let word = word.strip_prefix("./").unwrap_or(word);
        let placeholder = before.is_some_and(|c| ":\\<{*$%~".contains(c)) || after.is_some_and(|c| "<{*\\".contains(c));
        let relative_out = word.starts_with("../") || word.contains("...") || word.contains("//");
        let first = word.split('/').next().unwrap_or("");
        let file = [".rs", ".md", ".toml"].iter().any(|x| word.ends_with(x));
        let in_repo = word.contains('/') && folders.contains(first) && (file || TOP.iter().any(|t| word.starts_with(t)));
        let top_md = word.strip_suffix(".md").is_some_and(|s| {
            s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
        });
        if !placeholder && !relative_out && (in_repo || top_md) {
            out.push(word.to_string());
        }
        offset += start + len;
        rest = &rest[start + len..];
    }
    out
}

/// Does `cited` name a file or folder, read from the citing file's folder or one above it, from
/// a crate (`crates/*`, its `src/`), or from the web crate?
fn resolves(root: &Path, citing: &Path, cited: &str) -> bool {
    let mut bases: Vec<PathBuf> = citing.ancestors().skip(1).take_while(|d| d.starts_with(root)).map(Path::to_path_buf).collect();
    for c in std::fs::read_dir(root.join("crates")).unwrap().flatten().map(|e| e.path()) {
        bases.push(c.join("src"));
        bases.push(c);
    }
    bases.extend([root.join("web"), root.join("web/src")]);
    bases.iter().any(|b| b.join(cited.trim_end_matches('/')).exists())
}

/// Paths cited in `text` (of the file `citing`: in Rust, its comments) that do not exist.
fn dead_citations(root: &Path, citing: &Path, text: &str, folders: &std::collections::HashSet<String>) -> Vec<String> {
    let rust = citing.extension().is_some_and(|x| x == "rs");
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let cited = if rust { line.find("//").map_or("", |i| &line[i..]) } else { line };
        for path in cited_paths(cited, folders) {
            if !resolves(root, citing, &path) {
                out.push(format!("{}:{}: {path}", citing.strip_prefix(root).unwrap_or(citing).display(), n + 1));
            }
        }
    }
    out
}

#[test]
fn comments_and_docs_cite_only_files_that_exist() {
    let root = root();
    let (mut files, mut folders) = (Vec::new(), std::collections::HashSet::new());
    text_files(&root, &mut files, &mut folders);
    files.sort();
    assert!(files.len() > 100, "the sources were not found under {}", root.display());
    let dead: Vec<String> = files.iter().flat_map(|f| dead_citations(&root, f, &std::fs::read_to_string(f).unwrap(), &folders)).collect();
    assert!(dead.is_empty(), "comments or docs cite a path that is not in the repository (fix or drop the citation):\n{}", dead.join("\n"));
}

#[test]
fn a_citation_of_a_missing_file_is_found() {
    let root = root();
    let (mut files, mut folders) = (Vec::new(), std::collections::HashSet::new());
    text_files(&root, &mut files, &mut folders);
    let lib = root.join("crates/core/src/lib.rs");
    // Written with `{c}` for the comment marker, and the planted document's name put together,
    // so that this file's own lines cite nothing.
    let c = "/".repeat(2);
    let missing = ["DESIGN", "md"].join(".");
    let text = [
        format!("fn x() {{}} {c} see {missing}, `crates/core/src/nowhere.rs` and read/parse/gone.rs"),
        format!("{c} ARCHITECTURE.md, crates/core/rules/, read/parse/mod.rs, tests/fixtures.rs: all there"),
        format!("{c} not paths: https:{c}x.org/docs/a.md, C:\\Windows\\Logs\\CBS\\CBS.log, tests/fixtures/<name>/x.md,"),
        format!("{c} ../shared/reallogs/README.md, crates/*/build.rs"),
        format!("let s = \"{missing}\";"),
    ]
    .join("\n");
    let dead = dead_citations(&root, &lib, &text, &folders);
    assert_eq!(
        dead,
        [
            format!("crates/core/src/lib.rs:1: {missing}"),
            "crates/core/src/lib.rs:1: crates/core/src/nowhere.rs".into(),
            "crates/core/src/lib.rs:1: read/parse/gone.rs".into()
        ]
    );
}
