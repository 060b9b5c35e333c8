//! Architecture invariants of crates/core (ARCHITECTURE.md), checked on the source text.
//!
//! - A stage imports only earlier stages: model → read → analysis → diagnose → output.
//! - Only `model/` (plain values) and `output/` (the report, the viewer) derive serde traits:
//!   the JSON contract is defined in `output/`, nowhere else.
//! - No import circle among the files of one folder, anywhere in the workspace (`crates/*/src`,
//!   `web/src`): shared names live one floor down.
//! - The diagnosis states facts: the words a person reads are written in `output/words/`, and
//!   `format!` in `diagnose/` (outside its tests) only writes codes, keys and quoted lines.
//! - No sentence is written as a string literal in `diagnose/` or `model/`: what reads like words
//!   there is a pattern matched against the logs, a developer's message, or allowed by name.

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
const DIAGNOSE_FORMATS: usize = 25;

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
// No sentence written as a string literal where the engine states facts.
//
// `diagnose/` and `model/` state facts; the words a person reads are chosen in `output/words/`.
// The `format!` count above cannot see a sentence written as a plain literal, so every string
// literal of those two folders is read, and one that reads like words (three words or more, and
// a space) must be one of what the engine rightly holds:
// - a pattern it matches the logs (or the data's text) against, a fact about the log: an
//   argument of a search (`SEARCHES`), a side of `==` or a match arm's pattern, an item of a
//   `const`/`static` table, a `const` that is searched for;
// - a message to a developer: a panic's, an assertion's, an error value's (`DEVELOPER`);
// - in a comment, an attribute (serde's names, docs) or a `#[cfg(test)]` item;
// - or allowed in `WORDS_ALLOWED`, with the reason.

/// Calls whose string arguments are patterns searched for in a text (the str methods, the
/// memchr and regex searchers, the diagnosis's own `code_after` and `header`).
const SEARCHES: [&str; 20] = [
    "contains",
    "starts_with",
    "ends_with",
    "find",
    "rfind",
    "split_once",
    "rsplit_once",
    "strip_prefix",
    "strip_suffix",
    "split",
    "rsplit",
    "matches",
    "trim_start_matches",
    "trim_end_matches",
    "replace",
    "eq_ignore_ascii_case",
    "Finder::new",
    "Regex::new",
    "code_after",
    "header",
];

/// Calls whose string arguments are messages to a developer (a bug's, a broken input's), which
/// no report shows.
const DEVELOPER: [&str; 15] = [
    "expect",
    "panic!",
    "unreachable!",
    "assert!",
    "assert_eq!",
    "assert_ne!",
    "debug_assert!",
    "debug_assert_eq!",
    "todo!",
    "unimplemented!",
    "Err",
    "map_err",
    "ok_or",
    "ok_or_else",
    "custom",
];

/// Literals that read like words and stay in the engine: (file under src/, the function that
/// holds them, why they are no sentence). An entry that allows nothing fails the test.
const WORDS_ALLOWED: [(&str, &str, &str); 4] = [
    ("model/format.rs", "label", "a format's name, as the files table lists it (`format_label`): a name"),
    ("model/kind.rs", "file_name", "a log's name, which the flows' `logs` and `missing_logs` carry as data: a name"),
    ("model/prescan.rs", "fmt", "a scanned piece's binary form that does not read back: an error between the page's workers"),
    (
        "diagnose/ledger/mod.rs",
        "setup_targets",
        "a setup run's target titled as Windows Update titles feature updates, so that the ledger classes, joins and orders it as a logged title",
    ),
];

/// A string literal of a source file and what surrounds it.
#[derive(Debug)]
struct Literal {
    line: usize,
    text: String,
    /// The function it is written in.
    function: String,
    /// A pattern or a developer's message (see above).
    kept: bool,
    /// The scalar `const` it is the value of: kept if that const is searched for.
    constant: Option<String>,
}

/// What a delimiter opened: a call (its callee, `contains`, `format!`, `Finder::new`), a
/// bracket, a block (the function it is the body of), an attribute.
enum Open {
    Call(String),
    Bracket,
    Block(Option<String>),
    Attribute(usize),
}

fn callee_is(callee: &str, names: &[&str]) -> bool {
    names.iter().any(|n| callee == *n || callee.ends_with(&format!("::{n}")) || callee.ends_with(&format!(".{n}")))
}

/// Reads a source file for [`literals`]: where it is, what the open delimiters opened, the item
/// being read (a function, a `const`, a `#[cfg(test)]` item), and the literals found.
struct Lexer {
    c: Vec<char>,
    i: usize,
    line: usize,
    stack: Vec<Open>,
    /// The last token: `ident` (its path in `path`: `Finder::new`, `format!`), `==`, or a
    /// punctuation.
    prev: String,
    path: String,
    /// `fn` was read: the next word names the function whose block opens next.
    fn_next: bool,
    fn_name: Option<String>,
    /// A `const`/`static` item: 1 its name is next, 2 its type or value is (from `const_from`);
    /// then `konst`: its depth, its name, and whether it is a table (an array or a tuple).
    const_state: u8,
    const_name: String,
    const_from: usize,
    const_depth: usize,
    konst: Option<(usize, String, bool)>,
    /// A `#[cfg(test)]` item being skipped: its depth, and whether its block opened.
    skip: Option<(usize, bool)>,
    /// Constants passed to a search.
    searched: Vec<String>,
    out: Vec<Literal>,
}

impl Lexer {
    fn at(&self, i: usize) -> char {
        self.c.get(i).copied().unwrap_or('\0')
    }

    fn starts_word(&self) -> bool {
        self.i == 0 || !(self.c[self.i - 1].is_alphanumeric() || self.c[self.i - 1] == '_')
    }

    /// Skips the comment at `i`, if one starts there.
    fn comment(&mut self) -> bool {
        match (self.at(self.i), self.at(self.i + 1)) {
            ('/', '/') => {
                while self.i < self.c.len() && self.c[self.i] != '\n' {
                    self.i += 1;
                }
            }
            ('/', '*') => {
                let mut depth = 0;
                while self.i < self.c.len() {
                    match (self.at(self.i), self.at(self.i + 1)) {
                        ('/', '*') => (depth, self.i) = (depth + 1, self.i + 2),
                        ('*', '/') => (depth, self.i) = (depth - 1, self.i + 2),
                        (ch, _) => (self.line, self.i) = (self.line + usize::from(ch == '\n'), self.i + 1),
                    }
                    if depth == 0 {
                        break;
                    }
                }
            }
            _ => return false,
        }
        true
    }

    /// The string literal starting at `i`: its closing hashes, its opening quote, whether raw.
    fn string_start(&self) -> Option<(usize, usize, bool)> {
        let raw_at = |j: usize| {
            let mut k = j;
            while self.at(k) == '#' {
                k += 1;
            }
            (self.at(k) == '"').then_some((k - j, k, true))
        };
        match (self.at(self.i), self.at(self.i + 1)) {
            ('"', _) => Some((0, self.i, false)),
            ('r', _) if self.starts_word() => raw_at(self.i + 1),
            ('b', 'r') if self.starts_word() => raw_at(self.i + 2),
            ('b', '"') if self.starts_word() => Some((0, self.i + 1, false)),
            _ => None,
        }
    }

    /// Reads the string literal that opens at `quote` and records it.
    fn string(&mut self, hashes: usize, quote: usize, raw: bool) {
        let line = self.line;
        let (mut j, mut text) = (quote + 1, String::new());
        while j < self.c.len() {
            if !raw && self.c[j] == '\\' {
                text.extend([self.c[j], self.at(j + 1)]);
                self.line += usize::from(self.at(j + 1) == '\n');
                j += 2;
                continue;
            }
            if self.c[j] == '"' && (0..hashes).all(|h| self.at(j + 1 + h) == '#') {
                j += 1 + hashes;
                break;
            }
            self.line += usize::from(self.c[j] == '\n');
            text.push(self.c[j]);
            j += 1;
        }
        self.i = j;
        if self.skip.is_none() && !self.stack.iter().any(|o| matches!(o, Open::Attribute(_))) {
            self.record(line, text);
        }
        self.prev = "\"".into();
    }

    /// A literal read at `line`: kept if it is a pattern or a developer's message.
    fn record(&mut self, line: usize, text: String) {
        let direct = match self.stack.last() {
            Some(Open::Call(f)) => f.as_str(),
            _ => "",
        };
        let mut k = self.i;
        while self.at(k).is_whitespace() {
            k += 1;
        }
        let (next, after) = (self.at(k), self.at(k + 1));
        let compared = self.prev == "==" || (next == '=' && matches!(after, '>' | '=')) || (next == '!' && after == '=');
        let pattern = callee_is(direct, &SEARCHES) || compared || self.konst.as_ref().is_some_and(|k| k.2);
        let developer = self.stack.iter().any(|o| matches!(o, Open::Call(f) if callee_is(f, &DEVELOPER)));
        let function = self.stack.iter().rev().find_map(|o| if let Open::Block(Some(f)) = o { Some(f.clone()) } else { None }).unwrap_or_default();
        let constant = self.konst.as_ref().filter(|k| !k.2).map(|k| k.1.clone());
        self.out.push(Literal { line, text, function, kept: pattern || developer, constant });
    }

    /// Skips a char literal (`'"'`, `'\''`, `'\u{FEFF}'`) or a lifetime (`'a`).
    fn char_or_lifetime(&mut self) {
        if self.at(self.i + 1) == '\\' {
            self.i += 3;
            while self.i < self.c.len() && self.c[self.i] != '\'' {
                self.i += 1;
            }
            self.i += 1;
        } else if self.at(self.i + 2) == '\'' {
            self.i += 3;
        } else {
            self.i += 1;
            self.prev = "lifetime".into();
            return;
        }
        self.prev = "'".into();
    }

    /// Reads a word: a path's part, `fn` and its name, `const` and its name, a constant passed
    /// to a search.
    fn word(&mut self) {
        let start = self.i;
        while self.i < self.c.len() && (self.c[self.i].is_alphanumeric() || self.c[self.i] == '_') {
            self.i += 1;
        }
        let word: String = self.c[start..self.i].iter().collect();
        self.path = match self.prev.as_str() {
            "::" => format!("{}::{word}", self.path),
            "." => format!(".{word}"),
            _ => word.clone(),
        };
        if std::mem::take(&mut self.fn_next) {
            self.fn_name = Some(word.clone());
        }
        // `'static` is a lifetime, not an item.
        let keyword = if self.prev == "lifetime" { "" } else { word.as_str() };
        match (keyword, self.const_state) {
            ("fn", _) => (self.fn_next, self.const_state) = (true, 0),
            ("const" | "static", 0) if self.konst.is_none() => self.const_state = 1,
            ("mut", 1) => {}
            ("", _) => {}
            (_, 1) => (self.const_name, self.const_from, self.const_depth, self.const_state) = (word.clone(), self.i, self.stack.len(), 2),
            _ => {}
        }
        let constant = word.len() > 1 && word.chars().all(|x| x.is_ascii_uppercase() || x.is_ascii_digit() || x == '_');
        if constant && matches!(self.stack.last(), Some(Open::Call(f)) if callee_is(f, &SEARCHES)) {
            self.searched.push(word);
        }
        self.prev = "ident".into();
    }

    /// Reads a punctuation: delimiters (calls, blocks, attributes and the `#[cfg(test)]` items
    /// they skip), `::`, `==`, `=>`, the `=` of a `const`, the `;` that ends an item.
    fn punct(&mut self, ch: char) {
        if self.const_state == 2 && matches!(ch, ';' | '{' | '}' | '>') && self.stack.len() == self.const_depth {
            // A `const` that is no item with a value (`impl<const N: usize>`, `*const T`).
            self.const_state = 0;
        }
        self.i += 1;
        let next = self.at(self.i);
        let token = match ch {
            ':' if next == ':' => "::",
            '=' if next == '=' => "==",
            '=' if next == '>' => "=>",
            '!' if next == '=' => "==",
            _ => "",
        };
        if !token.is_empty() {
            self.i += 1;
            self.prev = token.into();
            return;
        }
        match ch {
            '!' if self.prev == "ident" => {
                self.path.push('!');
                return;
            }
            '#' if next == '[' || (next == '!' && self.at(self.i + 1) == '[') => {
                self.i += if next == '!' { 2 } else { 1 };
                self.stack.push(Open::Attribute(self.i));
            }
            '(' => self.stack.push(Open::Call(if self.prev == "ident" { self.path.clone() } else { String::new() })),
            '[' => self.stack.push(Open::Bracket),
            '{' => {
                self.stack.push(Open::Block(self.fn_name.take()));
                let depth = self.stack.len();
                if let Some((d, opened)) = self.skip.as_mut() {
                    *opened |= depth == *d + 1;
                }
            }
            ')' | ']' | '}' => match self.stack.pop() {
                Some(Open::Attribute(from)) => {
                    let attribute: String = self.c[from..self.i - 1].iter().filter(|x| !x.is_whitespace()).collect();
                    if attribute == "cfg(test)" && self.skip.is_none() {
                        self.skip = Some((self.stack.len(), false));
                    }
                }
                _ if ch == '}' && self.skip.is_some_and(|(d, opened)| opened && self.stack.len() == d) => self.skip = None,
                _ => {}
            },
            ';' => {
                self.fn_name = None;
                if self.konst.as_ref().is_some_and(|k| k.0 == self.stack.len()) {
                    self.konst = None;
                }
                if self.skip.is_some_and(|(d, opened)| !opened && self.stack.len() == d) {
                    self.skip = None;
                }
            }
            '=' if self.const_state == 2 => {
                let head: String = self.c[self.const_from..self.i - 1].iter().collect();
                self.konst = Some((self.stack.len(), self.const_name.clone(), head.contains('[') || head.contains('(')));
                self.const_state = 0;
            }
            _ => {}
        }
        self.prev = ch.to_string();
    }
}

/// Every string literal of `src` outside comments, attributes and `#[cfg(test)]` items.
fn literals(src: &str) -> Vec<Literal> {
    let mut l = Lexer {
        c: src.chars().collect(),
        i: 0,
        line: 1,
        stack: Vec::new(),
        prev: String::new(),
        path: String::new(),
        fn_next: false,
        fn_name: None,
        const_state: 0,
        const_name: String::new(),
        const_from: 0,
        const_depth: 0,
        konst: None,
        skip: None,
        searched: Vec::new(),
        out: Vec::new(),
    };
    while l.i < l.c.len() {
        let ch = l.c[l.i];
        if ch.is_whitespace() {
            l.line += usize::from(ch == '\n');
            l.i += 1;
        } else if l.comment() {
        } else if let Some((hashes, quote, raw)) = l.string_start() {
            l.string(hashes, quote, raw);
        } else if ch == '\'' {
            l.char_or_lifetime();
        } else if ch.is_alphabetic() || ch == '_' {
            l.word();
        } else {
            l.punct(ch);
        }
    }
    let searched = std::mem::take(&mut l.searched);
    for lit in &mut l.out {
        lit.kept |= lit.constant.as_ref().is_some_and(|k| searched.contains(k));
    }
    l.out
}

/// Does a literal read like words: three words of letters or more, and a space (format
/// arguments `{...}` left out, escapes read)?
fn reads_like_words(text: &str) -> bool {
    let mut plain = String::new();
    let mut chars = text.chars().peekable();
    let mut depth = 0;
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => match chars.next() {
                Some('n' | 'r' | 't') => plain.push(' '),
                Some('u') => {
                    chars.by_ref().take_while(|&x| x != '}').for_each(drop);
                }
                Some(x) => plain.push(x),
                None => {}
            },
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => plain.push(ch),
            _ => {}
        }
    }
    plain.contains(' ') && plain.split(|ch: char| !ch.is_alphabetic()).filter(|w| !w.is_empty()).count() >= 3
}

/// The literals of `src` that read like words and are neither patterns nor a developer's.
fn sentences(src: &str) -> Vec<Literal> {
    literals(src).into_iter().filter(|l| !l.kept && reads_like_words(&l.text)).collect()
}

#[test]
fn the_engine_writes_no_sentence_as_a_literal() {
    let mut files = Vec::new();
    rust_files(&src().join("diagnose"), &mut files);
    rust_files(&src().join("model"), &mut files);
    files.sort();
    let (mut bad, mut used, mut read) = (Vec::new(), [false; WORDS_ALLOWED.len()], 0);
    for f in &files {
        let rel = f.strip_prefix(src()).unwrap().to_string_lossy().replace('\\', "/");
        let all = literals(&std::fs::read_to_string(f).unwrap());
        read += all.len();
        for l in all.into_iter().filter(|l| !l.kept && reads_like_words(&l.text)) {
            match WORDS_ALLOWED.iter().position(|(file, function, _)| *file == rel && *function == l.function) {
                Some(k) => used[k] = true,
                None => bad.push(format!("{rel}:{} (in {}): {:?}", l.line, l.function, l.text)),
            }
        }
    }
    assert!(read > 500, "the check reads the engine's literals: {read}");
    for (k, (file, function, _)) in WORDS_ALLOWED.iter().enumerate() {
        assert!(used[k], "WORDS_ALLOWED: {file} {function} allows nothing now: remove it");
    }
    assert!(bad.is_empty(), "sentences written in the engine (state the fact; its words belong in output/words/):\n{}", bad.join("\n"));
}

#[test]
fn the_sentence_checker_tells_words_from_patterns() {
    let src = r###"
        /// Doc comments may say anything at all.
        #[serde(rename = "a name with words")]
        const MARKERS: [&str; 2] = ["Sync failed. Will retry", "There are no unhealthy components"];
        const STARTS: &str = "Initiating rollback of the update, phase = ";
        const SAID: &str = "a constant sentence nobody searches for";
        fn read<'a>(m: &'a str, q: char) -> Option<Fact> {
            let (quote, key) = ('"', "hklm\\software\\policies\\microsoft");
            if m.contains("Network state: Disconnected") || m.split_once(STARTS).is_some() || q == '\'' {
                let code = code_after(m, "failed with code ");
                let url = m.split_once(r#"started download from ""#)?.1;
                let x = memchr::memmem::Finder::new("Existing WUA Managed server was already set");
                return Some(Fact::Said { text: format!("the Store app {url} failed twice") });
            }
            match m {
                "Reset this PC by hand" => None,
                _ if m == "an install that ended well" => Some(Fact::Words("install and restart automatically")),
                _ => x.expect("a run has a line").ok_or(Bad("not a piece of this version"))?,
            }
        }
        #[cfg(test)]
        pub(super) mod tests {
            fn words() { let _ = "a test may write words"; }
        }
        fn after() -> &'static str { "words after the tests are read again" }
        impl<const N: usize> Shown for [u8; N] { fn say(&self) -> String { let n = N; format!("{n} bytes were read") } }
    "###;
    let found: Vec<(usize, String, String)> = sentences(src).into_iter().map(|l| (l.line, l.function, l.text)).collect();
    assert_eq!(
        found,
        [
            (6, String::new(), "a constant sentence nobody searches for".to_string()),
            (13, "read".into(), "the Store app {url} failed twice".into()),
            (17, "read".into(), "install and restart automatically".into()),
            (25, "after".into(), "words after the tests are read again".into()),
            (26, "say".into(), "{n} bytes were read".into()),
        ]
    );
    assert!(!reads_like_words("{} × {} {}") && !reads_like_words("Proxy: {}; bypass: {}") && reads_like_words("on the client"));
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
