//! Compiles the data of the diagnosis into static tables: the scan flows (`flows/*.toml`, see
//! `flows/README.md`) and the known-issue rules (`rules/*.toml`, see `rules/README.md`).
//! A mistake in a data file fails the build with the file and the item named.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "../kb/data_shapes.rs"]
mod data_shapes;
use data_shapes::{lit, Source, Step as Guidance};

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
    ("servicewindowmanager", "ServiceWindowManager"),
    ("rebootcoordinator", "RebootCoordinator"),
    ("cas", "ContentAccess"),
    ("contenttransfermanager", "ContentTransferManager"),
    ("datatransferservice", "DataTransferService"),
    ("wsyncmgr", "WsyncMgr"),
    ("wcm", "Wcm"),
    ("wsusctrl", "WsusCtrl"),
    ("cbs", "Cbs"),
    ("dism", "Dism"),
    ("reportingevents", "ReportingEvents"),
    ("setup", "Setup"),
    ("updateagent", "UpdateAgent"),
    ("updateassistant", "UpdateAssistant"),
    ("smsts", "TaskSequence"),
    ("ccmsetup", "Ccmsetup"),
    ("clientmsi", "ClientMsi"),
    ("eventlog", "EventLog"),
    ("deliveryoptimization", "DeliveryOptimization"),
];

// ---- the data files' shapes ----

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Flow {
    id: String,
    title: String,
    #[serde(default)]
    sources: Vec<Source>,
    #[serde(default)]
    scope: Vec<Scope>,
    step: Vec<Step>,
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
    sources: Vec<Source>,
    #[serde(default)]
    guidance: Vec<Guidance>,
    #[serde(default)]
    signal: Vec<Signal>,
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
    /// `false` for a rule whose title says what the lines look like, not why it failed: the
    /// cause is then its codes' own meaning.
    #[serde(default = "yes")]
    cause: bool,
    join: Option<String>,
    when: Option<String>,
    #[serde(default)]
    codes: Vec<String>,
    #[serde(default)]
    code_logs: Vec<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    guidance: Vec<Guidance>,
    #[serde(default)]
    sources: Vec<Source>,
    #[serde(default)]
    lines: Vec<Lines>,
    /// The join reads every matching line in order (a log's runs, start to end), not the
    /// first few that prove a finding.
    #[serde(default)]
    every_line: bool,
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

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationFile {
    #[serde(default)]
    operation: Vec<Operation>,
    #[serde(default)]
    counter: Vec<Counter>,
    #[serde(default)]
    interrupt: Vec<Lines>,
    #[serde(default)]
    service: Vec<Service>,
    #[serde(default)]
    summary_code: Vec<SummaryCode>,
    #[serde(default)]
    caller: Vec<CallerName>,
    #[serde(default)]
    trace: Vec<Trace>,
}

/// Lines that only trace a failure a function logged and went on from: never a link of a chain.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Trace {
    logs: Vec<String>,
    contains: Vec<String>,
    why: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SummaryCode {
    code: String,
    name: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CallerName {
    id: String,
    words: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Operation {
    id: String,
    title: String,
    kind: String,
    logs: Vec<String>,
    pair: String,
    start: Option<Matcher>,
    end: Option<Matcher>,
    resume: Option<Matcher>,
    key: Option<Extract>,
    caller: Option<Extract>,
    label: Option<Extract>,
    #[serde(default)]
    unfinished: Option<String>,
    #[serde(default)]
    no_result: Option<String>,
    #[serde(default)]
    result: Vec<ResultRule>,
    #[serde(default)]
    fact: Vec<Fact>,
    #[serde(default)]
    cause: Vec<Cause>,
    callback: Option<Callback>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Callback {
    line: Matcher,
    call: Extract,
    code: Extract,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ResultRule {
    line: Matcher,
    outcome: String,
    code: Option<Extract>,
    root: Option<Extract>,
    cause: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Fact {
    name: String,
    line: Matcher,
    value: Extract,
    /// The line may come from another thread while the operation ran (a run's report written
    /// by its service's thread).
    #[serde(default)]
    any_thread: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Cause {
    line: Matcher,
    #[serde(default)]
    any_thread: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Counter {
    id: String,
    logs: Vec<String>,
    line: Matcher,
    item: Option<Extract>,
    group: Option<Extract>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Service {
    id: String,
    name: String,
    public: bool,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn list(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// How a value is read from a line: the text after a marker up to a delimiter, a tab-separated
/// column, the line's first code, or a fixed text.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Extract {
    after: Option<OneOrMany>,
    #[serde(default)]
    until: Vec<String>,
    column: Option<u8>,
    #[serde(default)]
    first_code: bool,
    #[serde(default)]
    decimal: bool,
    #[serde(default)]
    win32: bool,
    text: Option<String>,
}

// ---- generating Rust ----

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

fn sources(v: &[Source], what: &str) -> String {
    let mut out = String::from("&[");
    for s in v {
        s.check().unwrap_or_else(|e| panic!("{what}: {e}"));
        out.push_str(&s.literal());
    }
    out.push(']');
    out
}

fn guidance(v: &[Guidance]) -> String {
    let mut out = String::from("&[");
    for g in v {
        // A flow step's or a rule's guidance is placed where it stands.
        assert!(g.fits.is_empty(), "guidance {:?}: `fits` places a knowledge-base step; a flow step's or rule's guidance has none", g.text);
        out.push_str(&g.literal(""));
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

fn extract(e: &Option<Extract>, what: &str) -> String {
    e.as_ref().map_or("None".into(), |e| format!("Some({})", extract_expr(e, what)))
}

fn extract_expr(e: &Extract, what: &str) -> String {
    let after = e.after.as_ref().map(OneOrMany::list).unwrap_or_default();
    let ways = usize::from(!after.is_empty()) + usize::from(e.column.is_some()) + usize::from(e.first_code) + usize::from(e.text.is_some());
    assert_eq!(ways, 1, "{what}: an extract needs exactly one of `after`, `column`, `first_code`, `text`");
    format!(
        "Extract{{after:{},until:{},column:{},first_code:{},decimal:{},win32:{},text:{}}}",
        strs(&after),
        strs(&e.until),
        e.column.map_or("None".into(), |c| format!("Some({c})")),
        e.first_code,
        e.decimal,
        e.win32,
        e.text.as_ref().map_or("None".into(), |t| format!("Some({})", lit(t)))
    )
}

fn opt_matcher(m: &Option<Matcher>, what: &str) -> String {
    m.as_ref().map_or("None".into(), |m| format!("Some({})", matcher(&m.all, &m.any, &m.none, what)))
}

/// One operation of operations/*.toml, checked, as the Rust of its `OperationDef`.
fn operation_def(o: &Operation, what: &str) -> String {
    let what = what.to_string();
    let kind = match o.kind.as_str() {
        "search" => "Search",
        "download" => "Download",
        "install" => "Install",
        "servicing" => "Servicing",
        "store_check" => "StoreCheck",
        "setup" => "Setup",
        "task_sequence" => "TaskSequence",
        "client_install" => "ClientInstall",
        "deployment" => "Deployment",
        k => panic!("{what}: unknown kind {k:?}"),
    };
    let pair = match o.pair.as_str() {
        "thread" => "Thread",
        "key" => "Key",
        "sequence" => "Sequence",
        "single" => "Single",
        "file" => "File",
        p => panic!("{what}: pair {p:?} must be thread, key, sequence, single or file"),
    };
    match pair {
        "Key" => assert!(o.key.is_some(), "{what}: pair = \"key\" needs a `key`"),
        // A whole log's runs: `start` begins a new run, `end` lines close one (both optional).
        "File" => {}
        "Single" => assert!(o.start.is_some() && o.end.is_none(), "{what}: pair = \"single\" needs a start and no end"),
        _ => assert!(o.start.is_some() && o.end.is_some(), "{what}: needs a start and an end"),
    }
    assert!(!o.result.is_empty(), "{what}: an operation needs result lines");
    assert!(o.resume.is_none() || (pair == "Thread" && o.key.is_some()), "{what}: `resume` is for pair = \"thread\" with a `key`");
    let outcome = |o: &str, what: &str| match o {
        "succeeded" => "Succeeded",
        "failed" => "Failed",
        "cancelled" => "Cancelled",
        "by_code" => "ByCode",
        "code" => "Code",
        "unknown" => "Unknown",
        x => panic!("{what}: outcome {x:?} must be succeeded, failed, cancelled, by_code, code or unknown"),
    };
    let mut results = String::from("&[");
    for r in &o.result {
        let oc = outcome(&r.outcome, &what);
        assert!(!matches!(oc, "ByCode" | "Code") || r.code.is_some(), "{what}: outcome {} needs a `code`", r.outcome);
        let _ = write!(
            results,
            "ResultDef{{m:{},outcome:ResultKind::{oc},code:{},root:{},cause:{}}},",
            matcher(&r.line.all, &r.line.any, &r.line.none, &what),
            extract(&r.code, &what),
            extract(&r.root, &what),
            r.cause.as_ref().map_or("None".into(), |c| format!("Some({})", lit(c)))
        );
    }
    results.push(']');
    // The analysis keeps which facts a line states in 64 bits (`operations::Said`).
    assert!(o.fact.len() <= 64, "{what}: at most 64 facts");
    let mut facts = String::from("&[");
    for f in &o.fact {
        let _ = write!(
            facts,
            "FactDef{{name:{},m:{},value:{},any_thread:{}}},",
            lit(&f.name),
            matcher(&f.line.all, &f.line.any, &f.line.none, &what),
            extract_expr(&f.value, &what),
            f.any_thread
        );
    }
    facts.push(']');
    let mut causes = String::from("&[");
    for c in &o.cause {
        let _ = write!(causes, "CauseDef{{m:{},any_thread:{}}},", matcher(&c.line.all, &c.line.any, &c.line.none, &what), c.any_thread);
    }
    causes.push(']');
    let no_result = outcome(o.no_result.as_deref().unwrap_or("unknown"), &what);
    assert!(matches!(no_result, "Succeeded" | "Unknown"), "{what}: no_result is succeeded or unknown");
    let ignore = match o.unfinished.as_deref() {
        None | Some("running") => false,
        Some("ignore") => true,
        Some(x) => panic!("{what}: unfinished {x:?} must be running or ignore"),
    };
    assert!(o.callback.is_none() || pair == "Thread", "{what}: a `callback` is for pair = \"thread\"");
    let callback = o.callback.as_ref().map_or("None".into(), |c| {
        format!(
            "Some(CallbackDef{{m:{},call:{},code:{}}})",
            matcher(&c.line.all, &c.line.any, &c.line.none, &what),
            extract_expr(&c.call, &what),
            extract_expr(&c.code, &what)
        )
    });
    let mut def = String::new();
    let _ = write!(
        def,
        "OperationDef{{id:{},title:{},kind:OperationKind::{kind},logs:{},pair:Pair::{pair},start:{},end:{},resume:{},key:{},caller:{},label:{},ignore_unfinished:{ignore},no_result:ResultKind::{no_result},results:{results},facts:{facts},causes:{causes},callback:{callback}}},",
        lit(&o.id),
        lit(&o.title),
        kinds(&o.logs, &what),
        opt_matcher(&o.start, &what),
        opt_matcher(&o.end, &what),
        opt_matcher(&o.resume, &what),
        extract(&o.key, &what),
        extract(&o.caller, &what),
        extract(&o.label, &what),
    );
    def
}

fn operations(root: &Path, out: &mut String) {
    let mut ops = String::from("pub(crate) static OPERATIONS: &[OperationDef] = &[");
    let mut counters = String::from("pub(crate) static COUNTERS: &[CounterDef] = &[");
    let mut interrupts = String::from("pub(crate) static INTERRUPTS: &[LineMatcher] = &[");
    let mut services = String::from("pub(crate) static SERVICES: &[ServiceDef] = &[");
    let mut summaries = String::from("pub(crate) static SUMMARY_CODES: &[u32] = &[");
    let mut callers = String::from("pub(crate) static CALLERS: &[(&str, &str)] = &[");
    let mut traces = String::from("pub(crate) static TRACES: &[TraceDef] = &[");
    let mut ids: Vec<String> = Vec::new();
    for path in toml_files(&root.join("operations")) {
        let file: OperationFile = read(&path);
        for o in &file.operation {
            let what = format!("{} operation {}", path.display(), o.id);
            assert!(!ids.contains(&o.id), "{what}: the id is used twice");
            ids.push(o.id.clone());
            ops.push_str(&operation_def(o, &what));
        }
        for c in &file.counter {
            let what = format!("{} counter {}", path.display(), c.id);
            let _ = write!(
                counters,
                "CounterDef{{id:{},logs:{},m:{},item:{},group:{}}},",
                lit(&c.id),
                kinds(&c.logs, &what),
                matcher(&c.line.all, &c.line.any, &c.line.none, &what),
                extract(&c.item, &what),
                extract(&c.group, &what)
            );
        }
        for i in &file.interrupt {
            let what = format!("{} interrupt", path.display());
            let _ = write!(interrupts, "{}", lines(std::slice::from_ref(i), &what).trim_start_matches("&[").trim_end_matches(']'));
        }
        for sv in &file.service {
            assert!(
                sv.id.len() == 36 && sv.id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
                "{}: service id {} is a GUID without braces",
                path.display(),
                sv.id
            );
            let _ = write!(services, "ServiceDef{{id:{},name:{},public:{}}},", lit(&sv.id.to_ascii_uppercase()), lit(&sv.name), sv.public);
        }
        for sc in &file.summary_code {
            let what = format!("{} summary code {}", path.display(), sc.name);
            assert!(!sc.name.trim().is_empty(), "{what}: no name");
            let _ = write!(summaries, "{},", code(&sc.code, &what));
        }
        for t in &file.trace {
            let what = format!("{} trace", path.display());
            assert!(!t.contains.is_empty() && t.contains.iter().all(|c| !c.is_empty()), "{what}: `contains` needs literals");
            assert!(!t.why.trim().is_empty(), "{what}: say why such a line only traces");
            let _ = write!(traces, "TraceDef{{logs:{},contains:{}}},", kinds(&t.logs, &what), strs(&t.contains));
        }
        for c in &file.caller {
            assert!(!c.id.trim().is_empty() && !c.words.trim().is_empty(), "{}: a caller needs an id and words", path.display());
            let _ = write!(callers, "({},{}),", lit(c.id.trim()), lit(c.words.trim()));
        }
    }
    for (s, end) in [
        (&mut ops, "];\n"),
        (&mut counters, "];\n"),
        (&mut interrupts, "];\n"),
        (&mut services, "];\n"),
        (&mut summaries, "];\n"),
        (&mut callers, "];\n"),
        (&mut traces, "];\n"),
    ] {
        s.push_str(end);
    }
    out.push_str(&summaries);
    out.push_str(&callers);
    out.push_str(&traces);
    out.push_str(&ops);
    out.push_str(&counters);
    out.push_str(&interrupts);
    out.push_str(&services);
}

// ---- collect/artifacts.toml ----

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ArtifactFile {
    artifact: Vec<Artifact>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Artifact {
    id: String,
    what: String,
    on: String,
    command: String,
    shows: String,
    #[serde(default)]
    logs: Vec<String>,
    #[serde(default)]
    config: Option<String>,
    #[serde(default)]
    targets: Vec<String>,
    #[serde(default)]
    name: Option<String>,
    sources: Vec<Source>,
    #[serde(default)]
    when: Vec<Trigger>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Trigger {
    domains: Vec<String>,
    standing: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    places: Vec<String>,
    #[serde(default)]
    codes: Vec<String>,
    #[serde(default)]
    missing: Vec<String>,
    because: String,
}

/// collect/artifacts.toml, checked, as `ARTIFACTS`. Category and place ids are checked against
/// the knowledge base by a test (diagnose/collect_next.rs): build.rs does not link it.
fn artifacts(root: &Path, out: &mut String) {
    let path = root.join("collect").join("artifacts.toml");
    println!("cargo:rerun-if-changed={}", path.display());
    let file: ArtifactFile = read(&path);
    let mut ids: Vec<&str> = Vec::new();
    out.push_str("pub static ARTIFACTS: &[ArtifactDef] = &[");
    for a in &file.artifact {
        let what = format!("{} artifact {}", path.display(), a.id);
        assert!(!ids.contains(&a.id.as_str()), "{what}: the id is used twice");
        ids.push(&a.id);
        assert!(!a.what.trim().is_empty() && !a.command.trim().is_empty() && !a.shows.trim().is_empty(), "{what}: needs what, command and shows");
        assert!(!a.sources.is_empty(), "{what}: needs a source");
        let on = match a.on.as_str() {
            "client" => "Client",
            "site_server" => "SiteServer",
            "wsus_server" => "WsusServer",
            o => panic!("{what}: on {o:?} must be client, site_server or wsus_server"),
        };
        let config = match a.config.as_deref() {
            None => "None",
            Some("policy") => "Some(ConfigInput::Policy)",
            Some("proxy") => "Some(ConfigInput::Proxy)",
            Some("ring") => "Some(ConfigInput::Ring)",
            Some(c) => panic!("{what}: config {c:?} must be policy, proxy or ring"),
        };
        assert!(a.targets.is_empty() || a.name.is_some() && !a.logs.is_empty(), "{what}: `targets` needs `name` and `logs`");
        let targets: Vec<&str> = a
            .targets
            .iter()
            .map(|t| match t.as_str() {
                "update" => "(TargetKind::Update,None)",
                "update:feature" => "(TargetKind::Update,Some(UpdateClass::Feature))",
                "package" => "(TargetKind::Package,None)",
                "app" => "(TargetKind::App,None)",
                "feature" => "(TargetKind::Feature,None)",
                t => panic!("{what}: target {t:?} must be update, update:feature, package, app or feature"),
            })
            .collect();
        let mut when = String::from("&[");
        for t in &a.when {
            assert!(!t.domains.is_empty() && !t.standing.is_empty(), "{what}: a `when` needs domains and standing");
            assert!(
                t.because.contains("{code}") || t.categories.is_empty() && t.places.is_empty() && t.codes.is_empty(),
                "{what}: a `when` that picks codes says {{code}}"
            );
            assert!(
                a.config.is_some() || !a.logs.is_empty() || !t.missing.is_empty(),
                "{what}: a `when` needs `logs`, `config` or `missing` to tell whether the drop already has it"
            );
            let domains: Vec<String> = t
                .domains
                .iter()
                .map(|d| match d.as_str() {
                    "client_install" => "Domain::ClientInstall",
                    "configmgr_scan" => "Domain::ConfigmgrScan",
                    "wsus_sync" => "Domain::WsusSync",
                    "site_sync" => "Domain::SiteSync",
                    "configmgr_deployment" => "Domain::ConfigmgrDeployment",
                    "windows_update" => "Domain::WindowsUpdate",
                    "servicing" => "Domain::Servicing",
                    "setup" => "Domain::Setup",
                    "task_sequence" => "Domain::TaskSequence",
                    d => panic!("{what}: unknown domain {d:?}"),
                })
                .map(String::from)
                .collect();
            let standing: Vec<String> = t
                .standing
                .iter()
                .map(|s| match s.as_str() {
                    "failed" => "Standing::Failed",
                    "attention" => "Standing::Attention",
                    "unknown" => "Standing::Unknown",
                    s => panic!("{what}: standing {s:?} must be failed, attention or unknown"),
                })
                .map(String::from)
                .collect();
            let _ = write!(
                when,
                "TriggerDef{{domains:&[{}],standing:&[{}],categories:{},places:{},codes:{},missing:{},because:{}}},",
                domains.join(","),
                standing.join(","),
                strs(&t.categories),
                strs(&t.places),
                codes(&t.codes, &what),
                kinds(&t.missing, &what),
                lit(&t.because)
            );
        }
        when.push(']');
        let _ = write!(
            out,
            "ArtifactDef{{id:{},what:{},name:{},on:RunOn::{on},command:{},shows:{},logs:{},config:{config},targets:&[{}],when:{when},sources:{}}},",
            lit(&a.id),
            lit(&a.what),
            lit(a.name.as_deref().unwrap_or("")),
            lit(&a.command),
            lit(&a.shows),
            kinds(&a.logs, &what),
            targets.join(","),
            sources(&a.sources, &what)
        );
    }
    out.push_str("];\n");
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", root.join("../kb/data_shapes.rs").display());
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
            check_count_words(&r.summary, &what);
            assert!(!r.guidance.is_empty(), "{what}: a finding needs guidance");
            let _ = write!(
                rules,
                "RuleDef{{id:{},title:{},cause:{},severity:FindingSeverity::{severity},when:UpdateSource::{},join:{},codes:{},code_logs:{},summary:{},lines:{},every_line:{},guidance:{},sources:{}}},",
                lit(&r.id),
                lit(&r.title),
                r.cause,
                match r.when.as_deref() {
                    None => "Unknown",
                    Some("wsus") => "Wsus",
                    Some("public") => "Public",
                    Some(w) => panic!("{what}: when {w:?} must be wsus or public"),
                },
                r.join.as_ref().map_or("None".into(), |j| format!("Some({})", lit(j))),
                codes(&r.codes, &what),
                kinds(&r.code_logs, &what),
                lit(&r.summary),
                lines(&r.lines, &what),
                r.every_line,
                guidance(&r.guidance),
                sources(&r.sources, &what),
            );
            assert!(!r.every_line || r.join.is_some(), "{what}: every_line is for a join that reads the lines in order");
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
    operations(&root, &mut out);
    artifacts(&root, &mut out);
    let _ = writeln!(
        out,
        "#[cfg(test)] pub(crate) static LOG_KIND_IDS: &[(&str, LogKind)] = &[{}];",
        LOG_KINDS.iter().map(|(id, v)| format!("({},LogKind::{v})", lit(id))).collect::<Vec<_>>().join(",")
    );
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("diagnosis_data.rs");
    std::fs::write(dest, out).unwrap();
}

fn yes() -> bool {
    true
}

/// A summary template's braces are `{n}` (the count) or `{one|many}` (its word, by the count),
/// and a plural is written as such, never "line(s)".
fn check_count_words(summary: &str, what: &str) {
    let mut rest = summary;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c).unwrap_or_else(|| panic!("{what}: a `{{` in the summary is never closed"));
        let inner = &rest[open + 1..close];
        let word = inner.split_once('|').is_some_and(|(one, many)| !one.is_empty() && !many.is_empty() && !many.contains('|'));
        assert!(inner == "n" || word, "{what}: `{{{inner}}}` in the summary is neither {{n}} nor {{one|many}}");
        assert!(!word || summary.contains("{n}"), "{what}: `{{{inner}}}` needs the count {{n}} it is the word for");
        rest = &rest[close + 1..];
    }
    let b = summary.as_bytes();
    let hedged = ["(s)", "(es)"].iter().any(|p| summary.match_indices(p).any(|(i, _)| i > 0 && b[i - 1].is_ascii_alphabetic()));
    assert!(!hedged, "{what}: write the plural as {{one|many}}, not with (s)");
}
