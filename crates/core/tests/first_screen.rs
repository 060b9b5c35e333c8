//! The first screen on every real log (../shared/reallogs, its `more/` and `hold1/` folders) and
//! every fixture: at most three sentences in about 300 characters that open with whether the
//! machine is failing now, a badge that agrees with the status and is worded for what was
//! dropped, and the full paragraph kept as the detail.

use std::path::{Path, PathBuf};

use wulens_core::model::{Domain, Standing, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

/// The headline's budget (`output/words/headline.rs`, `HEADLINE_CHARS`), and the ellipsis a cut adds.
const MAX_CHARS: usize = 301;

const FAILED_BADGES: &[&str] = &[
    "Scan failed",
    "WSUS sync failed",
    "Software update point sync failed",
    "Deployment failed",
    "Updates failing",
    "Servicing failed",
    "Upgrade rolled back",
    "Setup failed",
    "Task sequence failed",
    "Client install failed",
    "Failed earlier",
];

/// The ConfigMgr client's logs of its update scan, as their files are named.
const CONFIGMGR_LOGS: &[&str] =
    &["scanagent", "locationservices", "ccmmessaging", "wuahandler", "updatesstore", "statemessage", "updatesdeployment", "updateshandler", "policyagent"];

fn report_of(paths: &[PathBuf]) -> Report {
    let inputs = paths
        .iter()
        .map(|p| Input {
            name: p.file_name().unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).into(),
        })
        .collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

/// Sentences: a full stop, question or exclamation mark followed by a space and a capital, or
/// the end. (Times such as `16:45.` end a sentence too; `0x80070002.` does.)
fn sentences(t: &str) -> usize {
    let c: Vec<char> = t.chars().collect();
    let ends = (0..c.len())
        .filter(|&i| matches!(c[i], '.' | '?' | '!' | '…') && (i + 1 == c.len() || (c[i + 1] == ' ' && c.get(i + 2).is_some_and(|n| n.is_uppercase()))));
    ends.count().max(1)
}

fn check(name: &str, r: &Report, bad: &mut Vec<String>) {
    let s = &r.summary;
    let v = &s.verdict;
    let say = |what: String| format!("{name}: {what}\n    verdict: {v}\n    badge: {}", s.badge);
    if v.chars().count() > MAX_CHARS {
        bad.push(say(format!("{} characters", v.chars().count())));
    }
    if sentences(v) > 3 {
        bad.push(say(format!("{} sentences", sentences(v))));
    }
    // A stalled update opens with what it is stuck in: "... has not finished: it started downloading ...",
    // one still running with what it is doing: "... was still downloading when the log ends".
    let opens = [
        "failing now",
        "Not failing now",
        "No failure in these logs",
        " failed",
        "These logs show no",
        "is failing",
        "has not finished",
        "when the log ends",
        "Whether it succeeded is not known",
        "cannot say whether",
        "is rolling back",
    ];
    let first = v.split(". ").next().unwrap_or(v);
    if !opens.iter().any(|o| first.contains(o)) {
        bad.push(say("the first sentence does not say whether the machine is failing".into()));
    }
    let failed = s.status == VerdictStatus::Failed;
    if failed != FAILED_BADGES.contains(&s.badge.as_str()) {
        bad.push(say(format!("badge disagrees with status {:?}", s.status)));
    }
    if !failed && ["failed", "failing"].iter().any(|w| s.badge.to_lowercase().contains(w)) {
        bad.push(say("a failure badge without a failure".into()));
    }
    let configmgr_scan = r.statements.iter().any(|st| st.domain == Domain::ConfigmgrScan);
    if s.badge.starts_with("Scan") && !configmgr_scan {
        bad.push(say("a scan badge without a ConfigMgr scan".into()));
    }
    if failed != r.statements.iter().any(|st| st.standing == Standing::Failed) {
        bad.push(say("status failed is not exactly a failed statement".into()));
    }
    // The ConfigMgr client's scan, and its commands, only where one of its logs was dropped.
    let configmgr_logs = r.files.iter().any(|f| CONFIGMGR_LOGS.iter().any(|l| f.name.to_lowercase().contains(l)));
    if !configmgr_logs {
        if r.scan_flow.witnessed() || configmgr_scan {
            bad.push(say("a ConfigMgr scan without a ConfigMgr client log".into()));
        }
        for c in r.next_checks.iter().filter(|c| c.command.as_deref().is_some_and(|c| c.contains("root\\ccm")) || c.text.contains("software update point")) {
            bad.push(say(format!("a ConfigMgr check without a ConfigMgr client log: {}", c.text)));
        }
    }
    if s.detail.is_empty() {
        bad.push(say("no detail".into()));
    }
}

fn logs_in(d: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(d).map(|r| r.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "log")).collect()).unwrap_or_default();
    v.sort();
    v
}

#[test]
fn real_logs_each_open_with_whether_the_machine_is_failing_now() {
    let d = wulens_testdata::real_logs();
    let mut bad = Vec::new();
    let mut n = 0;
    for sub in ["", "more", "hold1"] {
        for p in logs_in(&d.join(sub)) {
            let r = report_of(std::slice::from_ref(&p));
            check(&format!("{sub}/{}", p.file_name().unwrap().to_string_lossy()), &r, &mut bad);
            n += 1;
        }
    }
    assert!(n >= 40, "only {n} real logs");
    assert!(bad.is_empty(), "{} problem(s):\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn every_fixture_opens_with_whether_the_machine_is_failing_now() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut bad = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).filter(|p| p.join("expected.toml").exists()).collect();
    dirs.sort();
    for dir in &dirs {
        let files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "expected.toml"))
            .collect();
        check(&dir.file_name().unwrap().to_string_lossy(), &report_of(&files), &mut bad);
    }
    assert!(dirs.len() >= 10, "only {} fixtures", dirs.len());
    assert!(bad.is_empty(), "{} problem(s):\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn sentences_are_counted_as_a_reader_counts_them() {
    assert_eq!(sentences("Not failing now: the latest search succeeded at 2024-05-31 16:45."), 1);
    assert_eq!(sentences("A failed at 0x80070002. Cause: E_FAIL. First: restart."), 3);
    assert_eq!(sentences("Version 10.0.1 ran. Then more."), 2);
}

/// Logs of two machines dropped side by side are told apart by what they say (another Windows;
/// the same log a year apart), and the first screen says so first; one machine's logs of one
/// day (a DISM log and its CBS.log; the ConfigMgr logs with the WindowsUpdate.log of the same
/// client) are one machine.
#[test]
fn real_logs_a_drop_of_two_machines_says_so_first() {
    let d = wulens_testdata::real_logs();
    let report = |names: &[&str]| report_of(&names.iter().map(|n| d.join(n)).collect::<Vec<_>>());
    for (two, why) in
        [(["08_WindowsUpdate.log", "10_WindowsUpdate.log"], "Windows 6.1 and 10.0"), (["hold1/17_CBS.log", "hold1/18_CBS.log"], "one log seven years apart")]
    {
        let r = report(&two);
        assert_eq!(r.machines.len(), 2, "{why}: {:?}", r.machines);
        // Each machine names its own file, so the page can open one machine at a time.
        let files: Vec<&str> = r.machines.iter().flat_map(|m| m.files.iter().map(|f| f.as_str())).collect();
        let names: Vec<&str> = r.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(files.len(), 2, "{why}: {:?}", r.machines);
        assert!(files.iter().all(|f| names.contains(f)) && files[0] != files[1], "{why}: {files:?} of {names:?}");
        assert!(r.machines.iter().all(|m| !m.label.is_empty() && !m.label.contains(".log")), "{why}: {:?}", r.machines);
        assert!(r.summary.verdict.starts_with("These logs seem to come from 2 machines"), "{why}: {}", r.summary.verdict);
        assert!(r.summary.detail.starts_with("These logs seem to come from 2 machines"), "{why}: {}", r.summary.detail);
    }
    let one: [&[&str]; 3] = [
        &["more/42_dism_5_23.log", "more/44_CBS_5_23.log"],
        &["01_WUAHandler.log", "02_UpdatesHandler.log", "03_UpdatesStore.log", "04_UpdatesDeployment.log", "hold1/05_WindowsUpdate.log"],
        &["more/34_WindowsUpdate.log", "more/35_WindowsUpdate_new.log"],
    ];
    for names in one {
        let r = report(names);
        assert!(r.machines.is_empty(), "{names:?}: {:?}", r.machines);
        assert!(!r.summary.verdict.contains("machines"), "{names:?}: {}", r.summary.verdict);
    }
}
