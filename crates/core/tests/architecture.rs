//! Architecture invariants of crates/core (ARCHITECTURE.md), checked on the source text.
//!
//! - A stage imports only earlier stages: model → read → analysis → diagnose → output.
//! - Only `model/` (plain values) and `output/` (the report, the viewer) derive serde traits:
//!   the JSON contract is defined in `output/`, nowhere else.
//! - No import circle among the files of one folder, anywhere in the workspace (`crates/*/src`,
//!   `web/src`): shared names live one floor down.
//! - The diagnosis states facts: the words a person reads are written in `output/words/`, and
//!   `format!` in `diagnose/` (outside its tests) only writes codes, keys and quoted lines.

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

/// `format!` calls in the diagnosis outside its `#[cfg(test)]` modules, by file. What is left
/// writes no sentence: a code as `0x8024401B`, a `KB5034441`, a policy's setting name, a URL,
/// an evidence line as a file holds it.
fn diagnose_formats() -> Vec<(String, usize)> {
    let mut files = Vec::new();
    rust_files(&src().join("diagnose"), &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let n = code.matches("format!(").count();
        if n > 0 {
            out.push((f.strip_prefix(src()).unwrap().display().to_string(), n));
        }
    }
    out
}

/// The most `format!` the diagnosis may hold outside its tests: lower it when a fact leaves
/// words behind, never raise it (a sentence belongs in `output/words/`).
const DIAGNOSE_FORMATS: usize = 27;

#[test]
fn the_diagnosis_states_facts_and_writes_no_sentence() {
    let found = diagnose_formats();
    let total: usize = found.iter().map(|(_, n)| n).sum();
    assert!(total <= DIAGNOSE_FORMATS, "format! in diagnose/ outside tests: {total} > {DIAGNOSE_FORMATS}; words belong in output/words/: {found:?}");
    assert!(total > 0, "the count reads the diagnosis's files: {found:?}");
    // The words of each kind of text are in one module at the output edge.
    for words in ["headline", "detail", "outcomes", "findings", "flow", "ledger", "machines", "setup", "codes"] {
        assert!(src().join(format!("output/words/{words}.rs")).is_file(), "output/words/{words}.rs");
    }
}

#[test]
fn the_checker_sees_backward_imports() {
    let found = crate_paths("use crate::output::Report;\nuse crate::{model, diagnose::x};\nlet x = crate::read::load(i); // crate::output");
    let names: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(names, ["output", "model", "diagnose", "read"]);
}

// ---------------------------------------------------------------------------------------------
// No import circles among the files of one folder, over the whole workspace.
//
// The modules directly inside one module (the files and sub-folders of a folder) import each
// other in one direction: if `a.rs` takes names from `b.rs`, `b.rs` takes none from `a.rs`,
// directly or through other siblings. A sub-folder is one node with everything in it; the
// folder's own root (`mod.rs`, `lib.rs`, `main.rs`, or `x.rs` beside `x/`) only declares and
// re-exports, so it is no node, but a name it re-exports (`pub use child::Name`) leads to the
// child. Read from `use` lines and from `crate::…`/`super::…`/`self::…` paths in code.

/// Circles other branches are opening right now: the folder, the circle's nodes (sorted) and
/// who opens it. The lead removes an entry when that branch merges; an entry whose circle no
/// longer exists fails the test, so the list cannot rot.
const OPENING: &[(&str, &[&str], &str)] = &[];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The source roots of the workspace's crates: `crates/*/src` and `web/src`.
fn crate_srcs() -> Vec<PathBuf> {
    let ws = workspace();
    let mut out: Vec<PathBuf> = std::fs::read_dir(ws.join("crates")).unwrap().flatten().map(|e| e.path().join("src")).filter(|p| p.is_dir()).collect();
    out.push(ws.join("web/src"));
    out.sort();
    out
}

/// The module path of a file under `src` (`read/etl.rs` → `[read, etl]`, `read/mod.rs` →
/// `[read]`, `lib.rs` → `[]`), and whether the file roots a folder of children.
fn module_of(src: &Path, file: &Path) -> (Vec<String>, bool) {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let stem = parts.pop().unwrap().trim_end_matches(".rs").to_string();
    if stem == "mod" || (parts.is_empty() && (stem == "lib" || stem == "main")) {
        return (parts, true);
    }
    parts.push(stem);
    let is_root = src.join(parts.join("/")).is_dir();
    (parts, is_root)
}

/// The file that roots module `m` under `src`, if `m` is one.
fn root_file(src: &Path, m: &[String]) -> Option<PathBuf> {
    if m.is_empty() {
        return [src.join("lib.rs"), src.join("main.rs")].into_iter().find(|p| p.is_file());
    }
    let base = src.join(m.join("/"));
    [base.with_extension("rs"), base.join("mod.rs")].into_iter().find(|p| p.is_file())
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Every full path a use tree names: `a::{b, c::d as e}` → `a::b`, `a::c::d`.
fn expand(s: &str) -> Vec<Vec<String>> {
    struct Cur<'a> {
        b: &'a [u8],
        i: usize,
    }
    impl Cur<'_> {
        fn ws(&mut self) {
            while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
        }
        fn ident(&mut self) -> Option<String> {
            self.ws();
            let start = self.i;
            while self.i < self.b.len() && is_ident(self.b[self.i]) {
                self.i += 1;
            }
            (self.i > start).then(|| String::from_utf8_lossy(&self.b[start..self.i]).into_owned())
        }
        fn eat(&mut self, t: &str) -> bool {
            self.ws();
            let hit = self.b[self.i..].starts_with(t.as_bytes());
            if hit {
                self.i += t.len();
            }
            hit
        }
        fn tree(&mut self, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
            let mut path = prefix;
            loop {
                if self.eat("{") {
                    while !self.eat("}") {
                        let before = self.i;
                        self.tree(path.clone(), out);
                        self.eat(",");
                        if self.i == before || self.i >= self.b.len() {
                            return;
                        }
                    }
                    return;
                }
                match self.ident() {
                    Some(name) => path.push(name),
                    None => {
                        out.push(path);
                        return;
                    }
                }
                if !self.eat("::") {
                    let save = self.i;
                    if !(self.eat("as") && self.b.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) && self.ident().is_some()) {
                        self.i = save;
                    }
                    out.push(path);
                    return;
                }
            }
        }
    }
    let mut out = Vec::new();
    Cur { b: s.as_bytes(), i: 0 }.tree(Vec::new(), &mut out);
    out
}

/// A file's code, comments and `#[cfg(test)]` items dropped (a test may take names from anywhere),
/// each `use` joined onto one line, with the line it starts on.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    // Inside a `#[cfg(test)]` item: the brace depth it opened at, once its `{` is seen.
    let (mut in_test, mut depth, mut test_depth) = (false, 0i32, None::<i32>);
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let before = depth;
        depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
        if code.trim() == "#[cfg(test)]" {
            in_test = true;
            continue;
        }
        if in_test {
            if test_depth.is_none() && depth > before {
                test_depth = Some(before);
            }
            if test_depth.is_some_and(|d| depth <= d) || (test_depth.is_none() && code.contains(';')) {
                (in_test, test_depth) = (false, None);
            }
            continue;
        }
        if let Some((start, mut acc)) = open.take() {
            acc.push(' ');
            acc.push_str(code);
            if code.contains(';') {
                out.push((start, acc));
            } else {
                open = Some((start, acc));
            }
            continue;
        }
        if use_tree(code).is_some() && !code.contains(';') {
            open = Some((n + 1, code.to_string()));
        } else {
            out.push((n + 1, code.to_string()));
        }
    }
    out
}

/// The tree of a `use` line (`use a::{b, c};` → `a::{b, c};`).
fn use_tree(code: &str) -> Option<&str> {
    let t = code.trim_start();
    let t = t.strip_prefix("pub(crate) ").or_else(|| t.strip_prefix("pub(super) ")).or_else(|| t.strip_prefix("pub ")).unwrap_or(t);
    t.strip_prefix("use ")
}

/// Every path a file names, absolute from its crate's root, with its line: `crate::a::b`,
/// `super::x` and `self::x` (from the file's module), and a module root's relative
/// `use child::…`. `uses_only` keeps the `use` lines (a root's imports and re-exports).
fn named_paths(text: &str, module: &[String], is_root: bool, uses_only: bool) -> Vec<(usize, Vec<String>)> {
    let parent = module[..module.len().saturating_sub(1)].to_vec();
    let mut out = Vec::new();
    for (n, code) in code_lines(text) {
        let tree = use_tree(&code);
        if uses_only && tree.is_none() {
            continue;
        }
        for (prefix, base) in [("crate::", Vec::new()), ("super::", parent.clone()), ("self::", module.to_vec())] {
            let mut from = 0;
            while let Some(i) = code[from..].find(prefix) {
                let at = from + i;
                from = at + prefix.len();
                if at > 0 && (is_ident(code.as_bytes()[at - 1]) || code.as_bytes()[at - 1] == b':') {
                    continue;
                }
                for p in expand(&code[from..]) {
                    out.push((n, base.iter().cloned().chain(p).collect()));
                }
            }
        }
        if let (true, Some(t)) = (is_root, tree) {
            if !["crate::", "super::", "self::", "::"].iter().any(|p| t.starts_with(p)) {
                for p in expand(t) {
                    out.push((n, module.iter().cloned().chain(p).collect()));
                }
            }
        }
    }
    out
}

/// The module a path leads to: the longest prefix that is a module, followed through the
/// re-exports of that module's root when the next name is one of them.
fn resolve(src: &Path, path: &[String], depth: usize) -> Vec<String> {
    let mut m: Vec<String> = Vec::new();
    for seg in path {
        m.push(seg.clone());
        if root_file(src, &m).is_none() {
            m.pop();
            break;
        }
    }
    let (Some(name), true) = (path.get(m.len()), depth < 4) else { return m };
    let Some(root) = root_file(src, &m) else { return m };
    let text = std::fs::read_to_string(root).unwrap();
    for (_, p) in named_paths(&text, &m, true, true) {
        if p.last() == Some(name) && p.len() > m.len() + 1 && p.starts_with(&m) {
            return resolve(src, &p, depth + 1);
        }
    }
    m
}

/// The sibling edges of the workspace: (folder, from, to, where).
fn sibling_edges() -> Vec<(String, String, String, String)> {
    let ws = workspace();
    let mut edges = Vec::new();
    for src in crate_srcs() {
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        files.sort();
        for f in &files {
            let (module, is_root) = module_of(&src, f);
            let text = std::fs::read_to_string(f).unwrap();
            for (line, p) in named_paths(&text, &module, is_root, false) {
                let target = resolve(&src, &p, 0);
                let common = module.iter().zip(&target).take_while(|(a, b)| a == b).count();
                if common < module.len() && common < target.len() {
                    let folder = src.join(module[..common].join("/"));
                    let folder = folder.strip_prefix(&ws).unwrap().to_string_lossy().trim_end_matches('/').to_string();
                    let at = format!("{}:{line}", f.strip_prefix(&ws).unwrap().display());
                    edges.push((folder, module[common].clone(), target[common].clone(), at));
                }
            }
        }
    }
    edges
}

/// The circles (strongly connected sets of two or more nodes) of one folder's graph, each sorted.
fn circles(edges: &[(String, String)]) -> Vec<Vec<String>> {
    let mut nodes: Vec<&String> = edges.iter().flat_map(|(a, b)| [a, b]).collect();
    nodes.sort();
    nodes.dedup();
    let reach = |from: &String| {
        let mut seen = vec![from.clone()];
        let mut i = 0;
        while i < seen.len() {
            for (a, b) in edges {
                if *a == seen[i] && !seen.contains(b) {
                    seen.push(b.clone());
                }
            }
            i += 1;
        }
        seen
    };
    let mut out: Vec<Vec<String>> = Vec::new();
    for n in &nodes {
        let mut scc: Vec<String> = reach(n).into_iter().filter(|m| reach(m).contains(n)).collect();
        scc.sort();
        if scc.len() > 1 && !out.contains(&scc) {
            out.push(scc);
        }
    }
    out
}

#[test]
fn no_import_circle_among_the_files_of_a_folder() {
    let edges = sibling_edges();
    let mut folders: Vec<&String> = edges.iter().map(|e| &e.0).collect();
    folders.sort();
    folders.dedup();
    let mut bad = Vec::new();
    let mut opening_seen = vec![false; OPENING.len()];
    for folder in folders {
        let mine: Vec<(String, String)> = edges.iter().filter(|e| &e.0 == folder).map(|e| (e.1.clone(), e.2.clone())).collect();
        for c in circles(&mine) {
            if let Some(k) = OPENING.iter().position(|(f, nodes, _)| f == folder && nodes.iter().eq(c.iter())) {
                opening_seen[k] = true;
                continue;
            }
            let lines: Vec<String> =
                edges.iter().filter(|e| &e.0 == folder && c.contains(&e.1) && c.contains(&e.2)).map(|e| format!("  {} → {} ({})", e.1, e.2, e.3)).collect();
            bad.push(format!("{folder}: {}\n{}", c.join(" ↔ "), lines.join("\n")));
        }
    }
    for (k, (folder, nodes, who)) in OPENING.iter().enumerate() {
        if !opening_seen[k] {
            bad.push(format!("{folder}: the allowed circle {nodes:?} ({who}) no longer exists: remove its OPENING entry"));
        }
    }
    assert!(bad.is_empty(), "import circles among the files of one folder (move the shared names one floor down):\n{}", bad.join("\n"));
}

#[test]
fn the_circle_checker_reads_use_trees_and_finds_circles() {
    let p = expand("a::{b, c::{d as e, f}, self};");
    assert_eq!(p, [vec!["a", "b"], vec!["a", "c", "d"], vec!["a", "c", "f"], vec!["a", "self"]]);
    let found = named_paths("use crate::read::{etl, input::Bytes};\nlet x = super::tlg::f(); // crate::z\n", &["read".into(), "file".into()], false, false);
    let paths: Vec<String> = found.iter().map(|(_, p)| p.join("::")).collect();
    assert_eq!(paths, ["read::etl", "read::input::Bytes", "read::tlg::f"]);
    let e = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(circles(&[e("a", "b"), e("b", "c"), e("c", "a"), e("c", "d")]), [vec!["a", "b", "c"]]);
    assert!(circles(&[e("a", "b"), e("b", "c")]).is_empty());
}
