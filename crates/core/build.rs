//! Compiles the data of the diagnosis into static tables: the scan flows (`flows/*.toml`, see
//! `flows/README.md`) and the known-issue rules (`rules/*.toml`, see `rules/README.md`).
//! A mistake in a data file fails the build with the file and the item named.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Log kinds the data may name, and the `LogKind` variant of each (src/model/kind.rs; a test
/// there checks both lists agree).
const LOG_KINDS: &[(&str, &str)] = &[
    ("scanagent", "ScanAgent"),
    ("locationservices", "LocationServices"),
    ("ccmmessaging", "CcmMessaging"),
    ("mp_location", "MpLocation"),
    ("wuahandler", "WuaHandler"),
    ("windowsupdate", "WindowsUpdate"),
    ("updatesstore", "UpdatesStore"),
    ("statemessage", "StateMessage"),
    ("updatesdeployment", "UpdatesDeployment"),
    ("updateshandler", "UpdatesHandler"),
    ("policyagent", "PolicyAgent"),
    ("softwaredistribution", "SoftwareDistribution"),
    ("cbs", "Cbs"),
    ("dism", "Dism"),
];

// ---- the data files' shapes ----

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Flow {
    id: String,
    title: String,
    #[serde(default)]
    sources: Vec<Src>,
    #[serde(default)]
    scope: Vec<Scope>,
    step: Vec<Step>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Src {
    doc: String,
    section: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Scope {
    id: String,
    log: Vec<String>,
    start: Matcher,
    end: Matcher,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Matcher {
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    any: Vec<String>,
    #[serde(default)]
    none: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    number: u8,
    title: String,
    short: String,
    witnesses: Vec<String>,
    #[serde(default)]
    error_logs: Vec<String>,
    #[serde(default)]
    codes: Vec<String>,
    #[serde(default)]
    sources: Vec<Src>,
    #[serde(default)]
    guidance: Vec<Guidance>,
    #[serde(default)]
    signal: Vec<Signal>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Guidance {
    text: String,
    command: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Signal {
    kind: String,
    log: Vec<String>,
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    any: Vec<String>,
    #[serde(default)]
    none: Vec<String>,
    scope: Option<String>,
    min_severity: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<Rule>,
    #[serde(default)]
    line_set: Vec<LineSet>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    id: String,
    title: String,
    severity: String,
    join: Option<String>,
    #[serde(default)]
    codes: Vec<String>,
    #[serde(default)]
    code_logs: Vec<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    guidance: Vec<Guidance>,
    #[serde(default)]
    sources: Vec<Src>,
    #[serde(default)]
    lines: Vec<Lines>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Lines {
    #[serde(default)]
    logs: Vec<String>,
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    any: Vec<String>,
    #[serde(default)]
    none: Vec<String>,
    #[serde(default)]
    line_codes: Vec<String>,
    #[serde(default)]
    with_failure_code: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LineSet {
    id: String,
    lines: Vec<Lines>,
}

// ---- generating Rust ----

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn strs(v: &[String]) -> String {
    format!("&[{}]", v.iter().map(|s| lit(s)).collect::<Vec<_>>().join(","))
}

fn kinds(v: &[String], what: &str) -> String {
    let mut out = Vec::new();
    for id in v {
        let Some((_, variant)) = LOG_KINDS.iter().find(|(i, _)| i == id) else {
            let known: Vec<&str> = LOG_KINDS.iter().map(|(i, _)| *i).collect();
            panic!("{what}: unknown log {id:?}; use one of {}", known.join(", "));
        };
        out.push(format!("LogKind::{variant}"));
    }
    format!("&[{}]", out.join(","))
}

fn matcher(all: &[String], any: &[String], none: &[String], what: &str) -> String {
    assert!(!(all.is_empty() && any.is_empty()), "{what}: a matcher needs `all` or `any`");
    for s in all.iter().chain(any).chain(none) {
        assert!(!s.is_empty(), "{what}: an empty literal matches every line");
    }
    format!("Matcher{{all:{},any:{},none:{}}}", strs(all), strs(any), strs(none))
}

fn sources(v: &[Src], what: &str) -> String {
    let mut out = String::from("&[");
    for s in v {
        assert!(!s.doc.trim().is_empty() && !s.section.trim().is_empty(), "{what}: a source needs doc and section");
        let _ = write!(out, "Source{{doc:Cow::Borrowed({}),section:Cow::Borrowed({})}},", lit(&s.doc), lit(&s.section));
    }
    out.push(']');
    out
}

fn guidance(v: &[Guidance]) -> String {
    let mut out = String::from("&[");
    for g in v {
        let cmd = g.command.as_ref().map_or("None".to_string(), |c| format!("Some(Cow::Borrowed({}))", lit(c)));
        let _ = write!(out, "Guidance{{text:Cow::Borrowed({}),command:{cmd}}},", lit(&g.text));
    }
    out.push(']');
    out
}

fn code(c: &str, what: &str) -> String {
    let h = c.strip_prefix("0x").unwrap_or_else(|| panic!("{what}: code {c} must start with 0x"));
    format!("0x{:08X}", u32::from_str_radix(h, 16).unwrap_or_else(|_| panic!("{what}: bad code {c}")))
}

fn codes(v: &[String], what: &str) -> String {
    format!("&[{}]", v.iter().map(|c| code(c, what)).collect::<Vec<_>>().join(","))
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
    files.sort();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    files
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn flow(path: &Path, konst: &str, out: &mut String) {
    let flow: Flow = read(path);
    let scope_ids: Vec<&str> = flow.scope.iter().map(|s| s.id.as_str()).collect();
    let mut scopes = String::from("&[");
    for s in &flow.scope {
        let what = format!("{} scope {}", path.display(), s.id);
        let _ = write!(
            scopes,
            "ScopeDef{{id:{},logs:{},start:{},end:{}}},",
            lit(&s.id),
            kinds(&s.log, &what),
            matcher(&s.start.all, &s.start.any, &s.start.none, &what),
            matcher(&s.end.all, &s.end.any, &s.end.none, &what)
        );
    }
    scopes.push(']');
    let mut steps = String::from("&[");
    for (i, st) in flow.step.iter().enumerate() {
        let what = format!("{} step {}", path.display(), st.number);
        assert_eq!(st.number as usize, i + 1, "{what}: steps must be numbered 1, 2, 3 ...");
        let mut signals = String::from("&[");
        for sig in &st.signal {
            let kind = match sig.kind.as_str() {
                "start" => "Start",
                "ok" => "Ok",
                "fail" => "Fail",
                "outcome" => "Outcome",
                k => panic!("{what}: unknown signal kind {k}"),
            };
            let scope = match &sig.scope {
                Some(s) => format!("Some({})", scope_ids.iter().position(|x| x == s).unwrap_or_else(|| panic!("{what}: unknown scope {s}"))),
                None => "None".into(),
            };
            let sev = match sig.min_severity.as_deref() {
                None => "None".to_string(),
                Some("warning") => "Some(Severity::Warning)".into(),
                Some("error") => "Some(Severity::Error)".into(),
                Some(s) => panic!("{what}: min_severity {s} must be warning or error"),
            };
            let _ = write!(
                signals,
                "SignalDef{{kind:SignalKind::{kind},logs:{},m:{},scope:{scope},min_severity:{sev}}},",
                kinds(&sig.log, &what),
                matcher(&sig.all, &sig.any, &sig.none, &what)
            );
        }
        signals.push(']');
        let _ = write!(
            steps,
            "StepDef{{number:{},title:{},short:{},witnesses:{},error_logs:{},codes:{},sources:{},guidance:{},signals:{signals}}},",
            st.number,
            lit(&st.title),
            lit(&st.short),
            kinds(&st.witnesses, &what),
            kinds(&st.error_logs, &what),
            codes(&st.codes, &what),
            sources(&st.sources, &what),
            guidance(&st.guidance),
        );
    }
    steps.push(']');
    let _ = writeln!(
        out,
        "pub(crate) static {konst}: FlowDef = FlowDef{{id:{},title:{},sources:{},scopes:{scopes},steps:{steps}}};",
        lit(&flow.id),
        lit(&flow.title),
        sources(&flow.sources, &flow.id)
    );
}

fn lines(v: &[Lines], what: &str) -> String {
    let mut out = String::from("&[");
    for l in v {
        let _ = write!(
            out,
            "LineMatcher{{logs:{},m:{},line_codes:{},with_failure_code:{}}},",
            kinds(&l.logs, what),
            matcher(&l.all, &l.any, &l.none, what),
            codes(&l.line_codes, what),
            l.with_failure_code
        );
    }
    out.push(']');
    out
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let mut out = String::from("// @generated by crates/core/build.rs from flows/*.toml and rules/*.toml. Do not edit.\n");
    let flows = toml_files(&root.join("flows"));
    for (name, konst) in [("client_scan", "CLIENT_SCAN"), ("wsus_sync", "WSUS_SYNC")] {
        let path = flows.iter().find(|p| p.file_stem().is_some_and(|s| s == name)).unwrap_or_else(|| panic!("flows/{name}.toml is missing"));
        flow(path, konst, &mut out);
    }

    let mut rules = String::from("pub(crate) static RULES: &[RuleDef] = &[");
    let mut sets = String::from("pub(crate) static LINE_SETS: &[LineSetDef] = &[");
    let mut ids: Vec<String> = Vec::new();
    for path in toml_files(&root.join("rules")) {
        let file: RuleFile = read(&path);
        for r in &file.rule {
            let what = format!("{} rule {}", path.display(), r.id);
            assert!(!ids.contains(&r.id), "{what}: the id is used twice");
            ids.push(r.id.clone());
            let severity = match r.severity.as_str() {
                "error" => "Error",
                "warning" => "Warning",
                "info" => "Info",
                s => panic!("{what}: severity {s:?} must be error, warning or info"),
            };
            assert!(r.join.is_some() || !r.codes.is_empty() || !r.lines.is_empty(), "{what}: a rule needs `codes`, `lines` or a `join`");
            assert!(r.join.is_some() || !r.lines.is_empty() || r.summary.is_empty() || r.summary.contains("{n}"), "{what}: a summary template says {{n}}");
            assert!(!r.guidance.is_empty(), "{what}: a finding needs guidance");
            let _ = write!(
                rules,
                "RuleDef{{id:{},title:{},severity:FindingSeverity::{severity},join:{},codes:{},code_logs:{},summary:{},lines:{},guidance:{},sources:{}}},",
                lit(&r.id),
                lit(&r.title),
                r.join.as_ref().map_or("None".into(), |j| format!("Some({})", lit(j))),
                codes(&r.codes, &what),
                kinds(&r.code_logs, &what),
                lit(&r.summary),
                lines(&r.lines, &what),
                guidance(&r.guidance),
                sources(&r.sources, &what),
            );
        }
        for s in &file.line_set {
            let what = format!("{} line_set {}", path.display(), s.id);
            let _ = write!(sets, "LineSetDef{{id:{},lines:{}}},", lit(&s.id), lines(&s.lines, &what));
        }
    }
    rules.push_str("];\n");
    sets.push_str("];\n");
    out.push_str(&rules);
    out.push_str(&sets);
    let _ = writeln!(
        out,
        "#[cfg(test)] pub(crate) static LOG_KIND_IDS: &[(&str, LogKind)] = &[{}];",
        LOG_KINDS.iter().map(|(id, v)| format!("({},LogKind::{v})", lit(id))).collect::<Vec<_>>().join(",")
    );
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("diagnosis_data.rs");
    std::fs::write(dest, out).unwrap();
}
