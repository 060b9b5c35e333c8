//! The hold3 set of real logs (../shared/reallogs/hold3, never copied into the project): a
//! careful reader's conclusions in its `verdicts.json`, read as they are and checked against the
//! report with hold1's and hold2's checks (common::verdicts), and `nothing_failed`: the report
//! does not stand failed. A missing folder fails: these conclusions are pinned here only.
//!
//! The logs whose conclusion the engine does not reach yet are listed in [`KNOWN_GAPS`], each with
//! what it still gets wrong; a listed log that comes right fails the test too, so the list only
//! ever shrinks. Each shape those logs taught has a fixture of our own, checked here against its
//! own `[verdict]`.

mod common;

use common::verdicts::{problems, Words};
use wulens_core::model::{OperationKind, VerdictStatus};
use wulens_core::{Analysis, Input, Limits};

/// Logs whose careful reader's conclusion is not reached yet, and why (issue 63 names each).
const KNOWN_GAPS: &[(&str, &str)] = &[];

#[test]
fn real_logs_every_hold3_log_gets_the_careful_readers_conclusion_or_is_a_known_gap() {
    let found = problems("hold3", 14, Words::Any);
    let mut bad = Vec::new();
    for (name, problems) in &found {
        let gap = KNOWN_GAPS.iter().find(|(n, _)| n == name);
        match (gap, problems.is_empty()) {
            (None, false) => bad.extend(problems.iter().cloned()),
            (Some((_, why)), true) => bad.push(format!("{name} is listed as a known gap ({why}) but now gets its conclusion: take it off the list")),
            _ => {}
        }
    }
    for (name, _) in KNOWN_GAPS {
        assert!(found.contains_key(*name), "{name} is not in hold3/verdicts.json");
    }
    assert!(bad.is_empty(), "{} problem(s):\n{}", bad.len(), bad.join("\n"));
}

/// Each shape of the hold3 gaps has a fixture of our own (tests/fixtures/<name>: logs written
/// after the real lines with our own values; `tests/fixtures.rs` checks their files and codes):
/// its `[verdict]` table, with verdicts.json's keys and the report's status, holds.
#[test]
fn the_hold3_shapes_fixtures_get_their_conclusions() {
    for name in ["dism-routine-probe", "setup-cancelled-download", "setup-os-rollback", "setup-first-boot-done", "setupapi-routine"] {
        let r = fixture_report(name, |t| t);
        let expected: toml::Value = toml::from_str(&std::fs::read_to_string(fixture(name).join("expected.toml")).unwrap()).unwrap();
        let v = serde_json::to_value(&expected["verdict"]).unwrap();
        let mut bad = common::verdicts::check(&r, &v, Words::Any);
        if v["status"].as_str() != Some(r.summary.status.id()) {
            bad.push(format!("status {} ({}), not {}", r.summary.status.id(), r.summary.badge, v["status"]));
        }
        for st in r.statements.iter().filter(|st| st.evidence.is_empty()) {
            bad.push(format!("a statement with no evidence: {}", st.text));
        }
        // A routine code never leads: the verdict and its detail do not name it.
        let first_screen = format!("{}\n{}", r.summary.verdict, r.summary.detail).to_uppercase().replace("0X", "0x");
        for c in common::verdicts::strings(&v, "never_leads").into_iter().filter(|c| first_screen.contains(&c.to_uppercase().replace("0X", "0x"))) {
            bad.push(format!("the first screen names the routine code {c}"));
        }
        assert!(bad.is_empty(), "{name}: {}\n    verdict: {}", bad.join("\n"), r.summary.verdict);
    }
}

/// A routine call is bound to the program that makes it: the same DISM session, disabling the
/// same absent feature, asked for by anyone else (an admin's script) is a failed session.
#[test]
fn a_probe_is_routine_only_for_the_program_the_noise_data_names() {
    let probe = fixture_report("dism-routine-probe", |t| t);
    let servicing = |r: &wulens_core::Report| r.operations.groups.iter().filter(|g| g.kind == OperationKind::Servicing).map(|g| g.failed).sum::<usize>();
    assert_eq!(servicing(&probe), 0, "{}", probe.summary.verdict);
    // The conclusion cites the line that names whose call it was.
    let cited = probe.statements.iter().flat_map(|s| &s.evidence).any(|e| e.text.contains("Parent process command line") && e.text.contains("MsMpEng.exe"));
    assert!(cited, "{:?}", probe.statements);
    let script = fixture_report("dism-routine-probe", |t| t.replace("MsMpEng.exe", "powershell.exe"));
    assert_eq!(servicing(&script), 2, "{}", script.summary.verdict);
    assert_eq!(script.summary.status, VerdictStatus::Failed, "{}", script.summary.verdict);
    assert!(script.summary.verdict.contains("0x800F080C"), "{}", script.summary.verdict);
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

/// A fixture's logs (each text changed by `edit`) analysed together.
fn fixture_report(name: &str, edit: impl Fn(String) -> String) -> wulens_core::Report {
    let mut inputs = Vec::new();
    for e in std::fs::read_dir(fixture(name).join("logs")).unwrap() {
        let p = e.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        // A UTF-16 log (the Update Assistant's) is edited as text and handed over as UTF-8.
        let text = match bytes.strip_prefix(&[0xFF, 0xFE]) {
            Some(wide) => String::from_utf16(&wide.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect::<Vec<_>>()).unwrap(),
            None => String::from_utf8(bytes).unwrap(),
        };
        let text = edit(text);
        inputs.push(Input { name: p.file_name().unwrap().to_string_lossy().into_owned(), bytes: text.into_bytes().into() });
    }
    wulens_core::Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

/// Windows setup's Update Agent: each session is a servicing session named by its features, its
/// result the HRESULT its last phase reports; a phase that fails fails the session, and a log
/// renamed (as a drop's copies are) is still known by its sessions' lines.
#[test]
fn update_agent_sessions_are_servicing_sessions_with_their_result() {
    let ok = fixture_report("updateagent-fod", |t| t);
    let servicing = |r: &wulens_core::Report| r.operations.groups.iter().filter(|g| g.kind == OperationKind::Servicing).map(|g| (g.succeeded, g.failed)).next();
    assert_eq!(servicing(&ok), Some((2, 0)), "{}", ok.summary.verdict);
    assert!(ok.summary.detail.contains("2 Update Agent sessions, for Rsat.Dns.Tools~~0.0.1.0, Language.Basic~~~de-DE~0.0.1.0"), "{}", ok.summary.detail);
    // The first screen says whose session succeeded, not "the latest servicing session".
    assert!(ok.summary.verdict.contains("the Update Agent's latest session succeeded"), "{}", ok.summary.verdict);
    // A careful reader's conclusion, with verdicts.json's keys: nothing failed, no error finding,
    // and the routine code never leads.
    let v = serde_json::json!({ "not_failed": true, "nothing_failed": true, "no_error_findings": true });
    let bad = common::verdicts::check(&ok, &v, Words::Any);
    assert!(bad.is_empty() && ok.summary.status == VerdictStatus::Ok, "{bad:?} {}: {}", ok.summary.badge, ok.summary.verdict);
    assert!(!format!("{} {}", ok.summary.verdict, ok.summary.detail).contains("0x80040154"), "{}", ok.summary.detail);
    let failed = fixture_report("updateagent-fod", |t| {
        t.replacen(
            "ReportEventDownloadRequestEnd: hr                         = [0x0]",
            "ReportEventDownloadRequestEnd: hr                         = [0x800f0950]",
            1,
        )
    });
    assert_eq!(servicing(&failed), Some((1, 1)), "{}", failed.summary.verdict);
    assert!(failed.summary.verdict.contains("0x800F0950"), "{}", failed.summary.verdict);
    // The same log under another name is still the Update Agent's.
    let text = std::fs::read_to_string(fixture("updateagent-fod").join("logs/UpdateAgent.log")).unwrap();
    let renamed = Analysis::from_inputs(vec![Input { name: "PC01_log.txt".into(), bytes: text.into_bytes().into() }], &Limits::default());
    assert_eq!(renamed.files[0].kind, wulens_core::model::LogKind::UpdateAgent);
}

/// The Windows 10 Update Assistant: the whole log is one upgrade, named with the build it
/// installs; how it exited decides, else a state reported with a failing HRESULT; its
/// configuration look-ups that find nothing (0x80070002) never lead.
#[test]
fn the_update_assistants_upgrade_is_a_setup_run_with_its_build() {
    let ok = fixture_report("updateassistant-upgrade", |t| t);
    let v = serde_json::json!({ "not_failed": true, "nothing_failed": true, "no_error_findings": true });
    let bad = common::verdicts::check(&ok, &v, Words::Any);
    assert!(bad.is_empty() && ok.summary.status == VerdictStatus::Ok, "{bad:?} {}: {}", ok.summary.badge, ok.summary.verdict);
    assert!(ok.summary.detail.contains("Update Assistant's upgrade to Windows build 19045 completed"), "{}", ok.summary.detail);
    assert!(ok.summary.verdict.starts_with("Not failing now: the Windows 10 Update Assistant's upgrade succeeded at "), "{}", ok.summary.verdict);
    assert!(!format!("{} {}", ok.summary.verdict, ok.summary.detail).contains("0x80070002"), "{}", ok.summary.detail);
    // An exit with a code fails the run with it; so does a state that reports one.
    let exit = fixture_report("updateassistant-upgrade", |t| t.replace("error code 0x0.", "error code 0xC1900200."));
    assert_eq!(exit.summary.status, VerdictStatus::Failed, "{}", exit.summary.verdict);
    assert!(exit.summary.verdict.contains("0xC1900200"), "{}", exit.summary.verdict);
    let state = fixture_report("updateassistant-upgrade", |t| {
        t.replace("state Installing, hr 0x0", "state Installing, hr 0x80070070")
            .replace("Exit state: UserPerformWindowsRestart, error code 0x0.", "Installing failed")
    });
    assert_eq!(state.summary.status, VerdictStatus::Failed, "{}", state.summary.verdict);
    assert!(state.summary.verdict.contains("0x80070070"), "{}", state.summary.verdict);
    // Under another name it is still the Update Assistant's log.
    let bytes = std::fs::read(fixture("updateassistant-upgrade").join("logs/upgrader_default.log")).unwrap();
    let renamed = Analysis::from_inputs(vec![Input { name: "PC01-upgrade.log".into(), bytes: bytes.into() }], &Limits::default());
    assert_eq!(renamed.files[0].kind, wulens_core::model::LogKind::UpdateAssistant);
}
