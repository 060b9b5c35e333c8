//! The conclusion a careful reader draws from each real log in ../shared/reallogs (and its
//! `more/` folder), checked against what wulens concludes: the verdict's status, the operations
//! and their outcomes and codes, and no alarm on a log where nothing failed. Every fact was read
//! by hand (the folders' READMEs, then grep); none of it is matched by file name in the engine.
//!
//! These are `real_logs` tests (crates/testdata).

use std::path::PathBuf;

use wulens_core::model::{Domain, FindingSeverity, OperationKind, Outcome, Standing, VerdictStatus};
use wulens_core::{Analysis, Input, Limits, Report};

fn dir() -> PathBuf {
    wulens_testdata::real_logs()
}

/// One log's expected conclusion.
struct Expect {
    file: &'static str,
    status: VerdictStatus,
    /// (kind, outcome, how many): operations of that kind with that outcome.
    ops: &'static [(OperationKind, Outcome, usize)],
    /// Codes the failed (or cancelled) operations end with or start from, each present.
    codes: &'static [&'static str],
    /// Words the verdict must say.
    says: &'static [&'static str],
    /// Words it must not say (false alarms).
    never: &'static [&'static str],
    /// No finding of severity error: nothing on this log is a problem to fix.
    no_error_finding: bool,
}

const NONE: &[(OperationKind, Outcome, usize)] = &[];

use OperationKind::*;
use Outcome::*;

const EXPECT: &[Expect] = &[
    Expect {
        file: "01_WUAHandler.log",
        status: VerdictStatus::Incomplete,
        ops: NONE,
        codes: &[],
        says: &["3 scan cycles", "could not be checked"],
        never: &["failed at", "Likely cause"],
        no_error_finding: true,
    },
    Expect {
        file: "02_UpdatesHandler.log",
        status: VerdictStatus::Ok,
        ops: &[(Deployment, Succeeded, 3)],
        codes: &[],
        says: &["3 applicability scans, all succeeded"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "03_UpdatesStore.log",
        status: VerdictStatus::Incomplete,
        ops: NONE,
        codes: &[],
        says: &["No step of the latest scan failed"],
        never: &["failed at"],
        no_error_finding: true,
    },
    Expect {
        file: "04_UpdatesDeployment.log",
        status: VerdictStatus::Ok,
        ops: &[(Deployment, Succeeded, 3)],
        codes: &[],
        says: &["0x87D00215", "recovered"],
        never: &["most significant"],
        no_error_finding: true,
    },
    Expect {
        file: "08_WindowsUpdate.log",
        status: VerdictStatus::Incomplete,
        ops: &[(Search, Cancelled, 1)],
        codes: &["0x8024000B"],
        says: &["ChkWuDrv"],
        never: &["Likely cause"],
        no_error_finding: true,
    },
    Expect {
        file: "10_WindowsUpdate.log",
        status: VerdictStatus::Failed,
        ops: &[(Search, Failed, 2), (Search, Succeeded, 11), (Install, Failed, 2)],
        codes: &["0x8024402F", "0x8024402C", "0x800F0828"],
        says: &["13 searches", "Device Driver Retrieval Client"],
        never: &["WSUS"],
        no_error_finding: false,
    },
    Expect {
        file: "15_CBS.log",
        status: VerdictStatus::Failed,
        ops: &[(Servicing, Failed, 2), (Servicing, Cancelled, 1)],
        codes: &["0x800F081F", "0x800F0820"],
        says: &["the store is damaged"],
        never: &[],
        no_error_finding: false,
    },
    Expect {
        file: "19_dism.log",
        status: VerdictStatus::Failed,
        ops: &[(Servicing, Failed, 4), (Servicing, Succeeded, 12)],
        codes: &[],
        says: &["the command line is not valid", "restart"],
        never: &["store is damaged", "corruption"],
        no_error_finding: true,
    },
    // Two ccmsetup processes at once: process 476 exits 0 on its thread while process 3324
    // fails on its own: "Failed to download files through BITS. Error: 0x80190194 ... HTTP status
    // 404" (a worker thread), then "CcmSetup failed with error code 0x80190194" (hold1/README.md).
    // The WMI namespace errors (0x8004100E) are routine before the client is installed.
    Expect {
        file: "hold1/07_ccmsetup.log",
        status: VerdictStatus::Failed,
        ops: &[(ClientInstall, Failed, 1), (ClientInstall, Succeeded, 1)],
        codes: &["0x80190194"],
        // ... and where it was downloading from: the path ccmsetup reports on its service's
        // thread (line 222) and the management point of its command line (line 46).
        says: &[
            "client installation is failing now",
            "0x80190194",
            "downloading the client's files from HTTP://server.dmz/CCM_Client",
            "management point: server.dmz",
        ],
        never: &["0x8004100E"],
        no_error_finding: true,
    },
    // hold1/14, 17, 18: CBS.logs of TrustedInstaller runs with Windows Update's read-only
    // sessions and routine codes, no Error line; 20: Disk Cleanup's DISM API sessions
    // (hold1/README.md): what ran, and that nothing failed.
    Expect {
        file: "hold1/17_CBS.log",
        status: VerdictStatus::Ok,
        ops: NONE,
        codes: &[],
        says: &["servicing stack ran once and stopped normally"],
        never: &["failed", "0x800F0805"],
        no_error_finding: true,
    },
    Expect {
        file: "hold1/18_CBS.log",
        status: VerdictStatus::Ok,
        ops: NONE,
        codes: &[],
        says: &["servicing stack ran 3 times"],
        never: &["failed", "0x80070002"],
        no_error_finding: true,
    },
    Expect {
        file: "hold1/14_Windows_2k.log",
        status: VerdictStatus::Ok,
        ops: NONE,
        codes: &[],
        says: &["servicing stack ran once"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "hold1/20_dism.log",
        status: VerdictStatus::Ok,
        ops: &[(Servicing, Succeeded, 21), (Servicing, Failed, 0)],
        codes: &[],
        says: &["DISM API sessions", "cleanmgr.exe"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/30_WindowsUpdate.log",
        status: VerdictStatus::Failed,
        // 31 of the 229 failed searches were followed within a day by a successful search of the
        // same caller (AutomaticUpdates retries a failed search 5 hours later): recovered.
        ops: &[(Search, Failed, 198), (Search, Recovered, 31), (Search, Succeeded, 8), (Install, Succeeded, 1)],
        codes: &["0x80072EFD", "0xC8000710"],
        says: &["237 searches", "AutomaticUpdates", "CompatTelRunner"],
        never: &["WSUS"],
        no_error_finding: false,
    },
    Expect {
        file: "more/31_WindowsUpdate.log",
        status: VerdictStatus::Failed,
        // The search that failed 0x8024402C at 19:50:05 was retried by the same caller at 19:56
        // and succeeded: recovered (the downloads that failed keep the status failed).
        ops: &[(Search, Failed, 0), (Search, Recovered, 1), (Search, Succeeded, 40)],
        codes: &["0x8024402C"],
        says: &["41 searches", "PAD.Console.Host"],
        never: &["WSUS"],
        no_error_finding: false,
    },
    Expect {
        file: "more/32_WindowsUpdate.log",
        status: VerdictStatus::Failed,
        ops: &[(Search, Succeeded, 163), (Search, Cancelled, 1), (Install, Failed, 2)],
        codes: &["0x8024000B", "0x80240009"],
        says: &["164 searches", "Device Driver Retrieval Client"],
        never: &["searches: 1 failed", "name resolution"],
        no_error_finding: true,
    },
    Expect {
        file: "more/33_WindowsUpdate.log",
        status: VerdictStatus::Ok,
        ops: &[(Search, Succeeded, 106)],
        codes: &[],
        says: &["106 searches, all succeeded"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/34_WindowsUpdate.log",
        status: VerdictStatus::Ok,
        ops: &[(Search, Succeeded, 160)],
        codes: &[],
        says: &["160 searches, all succeeded"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/35_WindowsUpdate_new.log",
        status: VerdictStatus::Incomplete,
        ops: &[(Search, Succeeded, 154)],
        codes: &[],
        says: &["154 searches, all succeeded"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/36_WindowsUpdate.log",
        status: VerdictStatus::Ok,
        ops: &[(Search, Succeeded, 8)],
        codes: &[],
        says: &["8 searches, all succeeded"],
        never: &["failed", "most significant"],
        no_error_finding: true,
    },
    Expect {
        file: "more/37_ReportingEvents.log",
        status: VerdictStatus::Failed,
        // The two 0x8024402C searches and the 0x80240438 one were each followed within a day
        // by a successful search of the same caller: recovered; the 19 time-outs were not.
        ops: &[(Search, Failed, 19), (Search, Recovered, 3), (Search, Succeeded, 1656)],
        codes: &["0x80072EE2", "0x8024402C", "0x80240438"],
        says: &["×19"],
        never: &["WSUS"],
        no_error_finding: false,
    },
    Expect {
        file: "more/38_smsts.log",
        status: VerdictStatus::Ok,
        ops: &[(TaskSequence, Succeeded, 1)],
        codes: &[],
        says: &["task sequence completed", "did not stop it"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/39_smsts.log",
        status: VerdictStatus::Incomplete,
        ops: &[(TaskSequence, Unknown, 1)],
        codes: &[],
        says: &["not in"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/40_smsts.log",
        status: VerdictStatus::Incomplete,
        ops: &[(TaskSequence, Unknown, 1)],
        codes: &[],
        says: &["not in"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/41_dism.log",
        status: VerdictStatus::Failed,
        ops: &[(Servicing, Failed, 5)],
        codes: &["0x800F081F", "0x80070003"],
        says: &["restorehealth", "CBS_E_SOURCE_MISSING"],
        never: &[],
        no_error_finding: false,
    },
    Expect {
        file: "more/42_dism_5_23.log",
        status: VerdictStatus::Failed,
        ops: &[(Servicing, Failed, 21)],
        codes: &["0x800F081F", "0x80070BC9"],
        says: &["restorehealth", "restart"],
        never: &[],
        no_error_finding: false,
    },
    Expect {
        file: "more/43_CBS.log",
        status: VerdictStatus::Failed,
        ops: &[(StoreCheck, Succeeded, 2)],
        codes: &[],
        says: &["found 9 corruptions and repaired 0", "SFC could not repair 21 files"],
        never: &[],
        no_error_finding: false,
    },
    Expect {
        file: "more/44_CBS_5_23.log",
        status: VerdictStatus::Failed,
        ops: &[(Servicing, Failed, 2)],
        codes: &["0x80070BC9"],
        says: &["found 10 corruptions", "restart"],
        never: &[],
        no_error_finding: false,
    },
    Expect {
        file: "more/45_dism.log",
        status: VerdictStatus::Failed,
        ops: &[(Servicing, Failed, 5)],
        codes: &["0x800F081F"],
        says: &["NetFx3"],
        never: &["store is damaged"],
        no_error_finding: true,
    },
    Expect {
        file: "more/46_dism.log",
        status: VerdictStatus::Ok,
        // One dism.exe command and 127 DISM API sessions of scripts and programs, each ended; the
        // scripts' feature queries that fail (0x800F080C) are no failure of their sessions.
        ops: &[(Servicing, Succeeded, 128), (Servicing, Failed, 0)],
        codes: &[],
        says: &["no failure", "DISM API sessions", "powershell.exe"],
        never: &["failed", "0x800F080C"],
        no_error_finding: true,
    },
    Expect {
        file: "more/47_CBS.log",
        status: VerdictStatus::Incomplete,
        ops: NONE,
        codes: &[],
        says: &["SFC could not repair 2 files"],
        never: &["store is damaged", "CBS_E_INVALID_PACKAGE"],
        no_error_finding: true,
    },
    Expect {
        file: "more/48_CBS.log",
        status: VerdictStatus::Incomplete,
        ops: NONE,
        codes: &[],
        says: &["SFC could not repair 174 files (all in UserExperience-FileExp)"],
        never: &["store is damaged"],
        no_error_finding: true,
    },
    Expect {
        file: "more/49_CBS.log",
        status: VerdictStatus::Ok,
        ops: &[(StoreCheck, Succeeded, 1)],
        codes: &[],
        says: &["found 9 corruptions and repaired all 9"],
        never: &["damaged", "failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/50_CBS.log",
        status: VerdictStatus::Ok,
        ops: &[(StoreCheck, Succeeded, 1)],
        codes: &[],
        says: &["found no corruption"],
        never: &["damaged", "failed"],
        no_error_finding: true,
    },
    // Disk Cleanup's and the appraiser's DISM API sessions, each ended: what ran, and that it
    // did not fail (its 1,058 EnumeratePathEx errors are Disk Cleanup's probes).
    Expect {
        file: "more/51_dism.log",
        status: VerdictStatus::Ok,
        ops: &[(Servicing, Succeeded, 52), (Servicing, Failed, 0)],
        codes: &[],
        says: &["DISM API sessions", "cleanmgr.exe"],
        never: &["failed", "0xC142011C"],
        no_error_finding: true,
    },
    Expect {
        file: "more/52_dism.log",
        status: VerdictStatus::Failed,
        ops: &[(Servicing, Failed, 7)],
        codes: &["0x80070032"],
        says: &["Get-Drivers"],
        never: &["store is damaged"],
        no_error_finding: true,
    },
    Expect {
        file: "more/53_dism.log",
        status: VerdictStatus::Failed,
        ops: &[(Servicing, Failed, 4)],
        // The first failure returned is 0xC1570118 (`ReturnHr(1) ... C1570118 Msg:[... an equal
        // or higher version of the package ... already exists]`); the 0x800700B7 after it
        // ("Failed to initialize package set") is DISM passing the same failure up.
        codes: &["0xC1570118"],
        says: &["Add-ProvisionedAppxPackage", "equal or higher version"],
        never: &["store is damaged"],
        no_error_finding: true,
    },
    Expect {
        file: "more/54_cbs.log",
        status: VerdictStatus::Ok,
        ops: &[(Servicing, Succeeded, 1)],
        codes: &[],
        says: &["no failure"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/55_setupact.log",
        status: VerdictStatus::Failed,
        ops: &[(Setup, Failed, 1)],
        codes: &["0xC1900108", "0x80070032"],
        // Downlevel, before any restart ("PostReboot: [FALSE]", "Reporting error event", not a
        // post reboot one): the extend code 0x50013's phase 5 is setup undoing its work.
        says: &["Windows setup failed", "downlevel phase"],
        never: &["in the uninstall phase"],
        no_error_finding: true,
    },
    Expect {
        file: "more/56_setupact.log",
        status: VerdictStatus::Incomplete,
        ops: &[(Setup, Cancelled, 1)],
        codes: &[],
        says: &["cancelled"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/57_setuperr.log",
        status: VerdictStatus::Incomplete,
        ops: &[(Setup, Cancelled, 1)],
        codes: &[],
        says: &["cancelled"],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/58_SetupAct.log",
        status: VerdictStatus::Incomplete,
        ops: &[(Setup, Unknown, 1)],
        codes: &[],
        says: &["not in"],
        never: &["failed", "0x80070005"],
        no_error_finding: true,
    },
    // evidence/69-75: one feature update's rollback and Panther logs, and a reset's setuperr.log
    // (evidence/README.md). Setup's result is only in 69's Info lines: the post-reboot event
    // 0xC1900101 (remapped to 0xC1900108 for telemetry). 70's and 71's Error lines are not the
    // cause: a diagnostic step after the run (`ExecuteDiagnosticAnalysis ... 0x80131502`) and a
    // downlevel hand-off to a restart (`CSetupHost::Execute(433): Result = 0x800705BB`).
    Expect {
        file: "evidence/69_setupact.log",
        status: VerdictStatus::Failed,
        ops: &[(Setup, Failed, 1)],
        codes: &["0xC1900101"],
        says: &["Windows setup failed", "0xC1900101-0x30018", "first boot phase"],
        never: &[],
        no_error_finding: false,
    },
    Expect {
        file: "evidence/70_setuperr.log",
        status: VerdictStatus::Incomplete,
        ops: &[(Setup, Failed, 0)],
        codes: &[],
        says: &["not in"],
        never: &["failed", "0x80131502"],
        no_error_finding: true,
    },
    Expect {
        file: "evidence/71_setuperr.log",
        status: VerdictStatus::Incomplete,
        ops: &[(Setup, Failed, 0)],
        codes: &[],
        says: &["not in"],
        never: &["failed", "0x800705BB"],
        no_error_finding: true,
    },
    // A push-button reset's setuperr.log (WinRE), not an upgrade: no setup failure. Its lines
    // (`PushButtonReset::`, `WinReGetConfigEx`) make it a setup-family log, with no result.
    Expect {
        file: "evidence/75_setuperr.log",
        status: VerdictStatus::Incomplete,
        ops: &[(Setup, Failed, 0)],
        codes: &[],
        says: &[],
        never: &["failed"],
        no_error_finding: true,
    },
    Expect {
        file: "more/59_setupact.log",
        status: VerdictStatus::Incomplete,
        ops: &[(Setup, Unknown, 1)],
        codes: &[],
        says: &["not in"],
        never: &["failed"],
        no_error_finding: true,
    },
];

fn report(d: &std::path::Path, name: &str) -> Report {
    let bytes = std::fs::read(d.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let base = name.rsplit('/').next().unwrap().to_string();
    let a = Analysis::from_inputs(vec![Input { name: base, bytes: bytes.into() }], &Limits::default());
    Report::build(&a)
}

fn check(r: &Report, x: &Expect) -> Vec<String> {
    let mut bad = Vec::new();
    let v = &format!("{}\n{}", r.summary.verdict, r.summary.detail);
    if r.summary.status != x.status {
        bad.push(format!("status {:?}, expected {:?}", r.summary.status, x.status));
    }
    for &(kind, outcome, n) in x.ops {
        let got = r.operations.groups.iter().filter(|g| g.kind == kind).map(|g| count(g, outcome)).sum::<usize>();
        if got != n {
            bad.push(format!("{kind:?} {outcome:?}: {got}, expected {n}"));
        }
    }
    let op_codes: Vec<&str> = r
        .operations
        .items
        .iter()
        .filter(|o| matches!(o.outcome, Failed | Recovered | Cancelled))
        .flat_map(|o| o.code.iter().chain(&o.root))
        .map(String::as_str)
        .collect();
    for c in x.codes {
        if !op_codes.contains(c) {
            bad.push(format!("no failed operation with {c} (have {op_codes:?})"));
        }
    }
    for s in x.says {
        if !v.to_lowercase().contains(&s.to_lowercase()) {
            bad.push(format!("the verdict does not say {s:?}"));
        }
    }
    for s in x.never {
        if v.to_lowercase().contains(&s.to_lowercase()) {
            bad.push(format!("the verdict says {s:?}"));
        }
    }
    if x.no_error_finding {
        for f in r.findings.iter().filter(|f| f.severity == FindingSeverity::Error) {
            bad.push(format!("error finding {} on a log with nothing to fix: {}", f.id, f.summary));
        }
    }
    // Conclusions are evidence: every sentence of the verdict names the lines that prove it.
    for st in r.statements.iter().filter(|st| st.evidence.is_empty()) {
        bad.push(format!("a statement with no evidence: {}", st.text));
    }
    // Advice is said once: no command twice on the list.
    let commands: Vec<String> = r.next_checks.iter().filter_map(|c| c.command.as_deref()).map(|c| c.trim().to_lowercase()).collect();
    for (i, c) in commands.iter().enumerate() {
        if commands[..i].contains(c) {
            bad.push(format!("the next checks say {c:?} twice"));
        }
    }
    if v.contains("Likely cause") && r.summary.status != VerdictStatus::Failed {
        bad.push("a likely cause without a failure".into());
    }
    bad
}

fn count(g: &wulens_core::report::OperationGroup, o: Outcome) -> usize {
    match o {
        Succeeded => g.succeeded,
        Failed => g.failed,
        Recovered => g.recovered,
        Cancelled => g.cancelled,
        Running => g.running,
        Interrupted => g.interrupted,
        Unknown => g.unknown,
    }
}

#[test]
fn real_logs_each_get_the_conclusion_a_careful_reader_draws() {
    let d = dir();
    let mut all = Vec::new();
    for x in EXPECT {
        let r = report(&d, x.file);
        for b in check(&r, x) {
            all.push(format!("{}: {b}\n    verdict: {}", x.file, r.summary.verdict));
        }
        // Every statement names its lines, and a failed one names some.
        for s in &r.statements {
            if s.standing == Standing::Failed && s.evidence.is_empty() && s.domain != Domain::ConfigmgrScan {
                all.push(format!("{}: failed statement without evidence: {}", x.file, s.text));
            }
        }
    }
    assert!(all.is_empty(), "{} problem(s):\n{}", all.len(), all.join("\n"));
}

#[test]
fn real_logs_are_all_in_the_table() {
    let d = dir();
    let mut files: Vec<String> = Vec::new();
    for sub in ["", "more/"] {
        for e in std::fs::read_dir(d.join(sub)).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.ends_with(".log") {
                files.push(format!("{sub}{name}"));
            }
        }
    }
    for f in &files {
        assert!(EXPECT.iter().any(|x| x.file == f), "{f} has no expected conclusion");
    }
}
