//! The boundary in plain Rust: sessions, the protocol, scanning workers, zips of bundles.

use super::*;
use wulens_core::fleet::MachineRow;
use wulens_core::model::Severity;
use wulens_core::report::ReportLimits;
use wulens_core::{Analysis, Diagnosis, Limits, Report};

#[test]
fn session_round_trip() {
    let mut s = Session::new();
    let h = s.begin_file("WUAHandler.log".into(), 0.0).unwrap();
    let text = "<![LOG[Scan failed with error = 0x8024401b.]LOG]!><time=\"10:00:05.000+480\" date=\"01-15-2024\" component=\"WUAHandler\" context=\"\" type=\"3\" thread=\"7\" file=\"\">\r\n";
    for c in text.as_bytes().chunks(13) {
        s.push_chunk(h, c).unwrap();
    }
    s.end_file(h).unwrap();
    let report = s.analyze_report().unwrap();
    assert_eq!(report.files[0].format, "cmtrace");
    assert_eq!(report.errors[0].code, "0x8024401B");
    let rows = Rows::from_response(s.answer(Request::Rows { start: 0, count: 10 }).unwrap()).unwrap();
    assert_eq!(rows.rows[0].severity, Severity::Error);
    let filter = wulens_core::viewer::Filter { text: "(".into(), regex: true, ..Default::default() };
    assert!(s.answer(Request::Filter(filter)).unwrap_err().to_string().contains("not valid"));
    let comps = Vec::<String>::from_response(s.answer(Request::Components).unwrap()).unwrap();
    assert_eq!(comps, ["WUAHandler"]);
    let next = Located::from_response(s.answer(Request::Next { from: None, min: NextKind::Error, forward: true, routine: false }).unwrap()).unwrap();
    assert_eq!(next.index, Some(0));
    assert!(Rows::from_response(s.answer(Request::Codes).unwrap()).is_none(), "the wrong answer type is refused");
    let at = Located::from_response(s.answer(Request::AtTime { time: "2024-01-15 10:00".into(), zone: -480 }).unwrap()).unwrap();
    assert_eq!(at.index, Some(0));
    assert_eq!(Vec::<usize>::from_response(s.answer(Request::Positions { lines: vec![(0, 1)] }).unwrap()).unwrap(), [0]);
    let l = serde_json::to_value(wulens_kb::lookup("-2145107941").unwrap()).unwrap();
    assert_eq!(l["code"], "0x8024401B");
    assert_eq!(l["decoded"]["http_status"], 407);
}

fn fixture(scenario: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(scenario).join("logs");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn a_machine_of_a_zip_of_bundles_gives_its_row_and_the_session_is_emptied() {
    let proxy: Vec<(String, Vec<u8>)> = fixture("fail-step3-proxy-407").into_iter().map(|(n, b)| (format!("PC-1/{n}"), b)).collect();
    let inner = zip_of(&proxy);
    let outer = zip_of(&[("fleet/PC-1.zip".into(), inner), ("fleet/PC-2.zip".into(), b"PK\x03\x04 cut off".to_vec())]);
    let listed = protocol::ZipEntries { entries: wulens_core::input::bundles::zip_listing(&zip::ZipArchive::new(std::io::Cursor::new(&outer)).unwrap()) };
    assert_eq!(listed.entries, ["fleet/PC-1.zip", "fleet/PC-2.zip"]);
    let paths: Vec<String> = listed.entries.iter().map(|e| format!("fleet.zip/{e}")).collect();
    let machines = wulens_core::input::bundles::bundles(&paths);
    assert!(wulens_core::input::bundles::is_fleet(&machines, &paths));
    assert_eq!(machines[0].machine, "PC-1");

    let mut s = Session::new();
    assert_eq!(s.add_members("fleet.zip", std::io::Cursor::new(&outer), "fleet/PC-1.zip").unwrap(), 1);
    let row = s.take_row("PC-1", "fleet.zip/fleet/PC-1.zip").unwrap();
    assert_eq!((row.status.as_str(), row.root_code.as_str()), ("failed", "0x8024401B"), "{row:?}");
    assert!(row.failed_at.starts_with("ConfigMgr scan step 3"), "{}", row.failed_at);
    assert!(s.loaded_files().is_empty() && s.analysis().is_none(), "the machine's text is dropped");

    s.add_members("fleet.zip", std::io::Cursor::new(&outer), "fleet/PC-2.zip").unwrap();
    let bad = s.take_row("PC-2", "fleet.zip/fleet/PC-2.zip").unwrap();
    assert_eq!(bad.status, "unreadable");
    assert!(bad.problem.contains("cannot be opened"), "{}", bad.problem);
    assert!(s.add_members("x.zip", std::io::Cursor::new(b"not a zip".to_vec()), "").unwrap_err().to_string().contains("x.zip cannot be opened as a zip"));
    let res = Response::ZipEntries(listed.clone());
    assert_eq!(ZipEntries::from_response(serde_json::from_str(&serde_json::to_string(&res).unwrap()).unwrap()), Some(listed));
}

/// What a fleet keeps per machine: its row, not its page report. Measured on every fixture
/// scenario (run with `--nocapture` to see the sizes): a row is about a kilobyte, the page's
/// report tens of kilobytes, so a fleet of 10,000 machines keeps ~10 MB of rows.
#[test]
fn a_row_is_a_small_fraction_of_the_report() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut scenarios: Vec<String> =
        std::fs::read_dir(&root).unwrap().flatten().filter(|e| e.path().join("logs").is_dir()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    scenarios.sort();
    assert!(scenarios.len() > 10);
    let (mut rows, mut reports) = (0usize, 0usize);
    for sc in &scenarios {
        let files = fixture(sc);
        let inputs = files.iter().map(|(n, b)| wulens_core::Input { name: n.clone(), bytes: b.clone().into() }).collect();
        let a = Analysis::from_inputs(inputs, &Limits::default());
        let report = serde_json::to_string(&Report::build_with(&a, ReportLimits::PAGE)).unwrap().len();
        let row = serde_json::to_string(&MachineRow::from_analysis(sc, sc, &a)).unwrap().len();
        println!("{sc:32} row {row:6} B   page report {report:8} B");
        assert!(row < 4096, "{sc}: a row of {row} bytes");
        rows += row;
        reports += report;
    }
    println!("total: rows {rows} B, page reports {reports} B");
    assert!(rows * 10 < reports, "rows {rows} B against reports {reports} B");
}

/// A big WindowsUpdate.log read as the worker reads it, its pieces scanned by "workers"
/// (`scan_piece_bytes`; one piece, as if its worker failed, by `scan_here`): the report of a
/// session that scans everything itself.
#[test]
fn pieces_handed_out_give_the_report_of_a_session_that_scans_itself() {
    let line = |i: usize| {
        let msg = match i % 5 {
            0 => "* START * Search ClientId = CcmExec".to_string(),
            1 => format!("*FAILED* [8024401B] Web service call {i}"),
            2 => "Exit code = 0x80072EE2".to_string(),
            _ => format!("Update {{{:08X}-1111-2222-3333-444455556666}} found", i),
        };
        format!("2024/05/31 10:{:02}:{:02}.0000000 1234 5678 Agent           {msg}\r\n", (i / 60) % 60, i % 60)
    };
    let text: String = (0..150_000).map(line).collect();
    assert!(text.len() > 10 << 20);
    let run = |delegate: bool| {
        let mut s = Session::new();
        s.set_delegate(delegate);
        let h = s.begin_file("WindowsUpdate.log".into(), text.len() as f64).unwrap();
        let mut jobs = Vec::new();
        for c in text.as_bytes().chunks(3 << 20) {
            s.push_chunk(h, c).unwrap();
            jobs.extend(s.jobs());
        }
        s.close_file(h).unwrap();
        jobs.extend(s.jobs());
        assert_eq!(jobs.is_empty(), !delegate);
        for job in &jobs {
            assert_eq!((job.file, job.kind), (h, Some(wulens_core::model::LogKind::WindowsUpdate)));
            if job.part == 1 {
                s.scan_here(job.file, job.part).unwrap();
                continue;
            }
            let bytes = s.piece_bytes(job.file, job.part).expect("piece").to_vec();
            let found = scan_piece_bytes(job, &bytes).expect("scanned");
            s.put_scan(job.file, job.part, &found).map_err(|_| "put").unwrap();
        }
        s.end_file(h).unwrap();
        assert_eq!(s.loaded_files()[0].prescan.is_some(), delegate);
        serde_json::to_string(&s.analyze_report().unwrap()).unwrap()
    };
    let whole = run(false);
    assert_eq!(run(true), whole);
    // The worker's pump: two scanners take what the queue gives them, the session scans
    // one waiting piece after each slice and all that is left once the file is read.
    let mut s = Session::new();
    s.set_delegate(true);
    let h = s.begin_file("WindowsUpdate.log".into(), text.len() as f64).unwrap();
    let mut by_scanners = 0;
    for c in text.as_bytes().chunks(3 << 20) {
        s.push_chunk(h, c).unwrap();
        s.queue_pieces();
        let mut held = Vec::new();
        for scanner in 0..2 {
            held.extend(std::iter::from_fn(|| s.pieces.for_scanner(scanner)).map(|j| (scanner, j)));
        }
        s.scan_waiting_here().unwrap();
        for (scanner, job) in held {
            let found = scan_piece_bytes(&job, s.piece_bytes(job.file, job.part).expect("piece")).expect("scanned");
            s.put_scan(job.file, job.part, &found).map_err(|_| "put").unwrap();
            s.piece_returned(scanner as u32);
            by_scanners += 1;
        }
    }
    s.close_file(h).unwrap();
    s.queue_pieces();
    while s.scan_waiting_here().unwrap() {}
    s.end_file(h).unwrap();
    assert!(by_scanners > 0 && s.loaded_files()[0].prescan.is_some());
    assert_eq!(serde_json::to_string(&s.analyze_report().unwrap()).unwrap(), whole);
    let job = PieceJob { file: 0, part: 0, format: wulens_core::model::LogFormat::WindowsUpdateEtw, kind: None };
    assert!(scan_piece_bytes(&job, b"\xFF\xFE").unwrap_err().to_string().contains("not UTF-8"));
}

/// The page's exports reuse the drop's diagnosis: one run for the drop, one more for a new
/// time zone, and every export equal to a report built from scratch.
#[test]
fn a_drop_is_diagnosed_once_and_its_exports_reuse_it() {
    let text = "2024/05/31 10:00:00.0000000 1234 5678 Agent           * START * Search ClientId = CcmExec\r\n\
                2024/05/31 10:00:09.0000000 1234 5678 Agent           *FAILED* [8024401B] Web service call\r\n";
    let mut s = Session::new();
    let h = s.begin_file("WindowsUpdate.log".into(), text.len() as f64).unwrap();
    s.push_chunk(h, text.as_bytes()).unwrap();
    s.end_file(h).unwrap();
    let runs = Diagnosis::runs_on_this_thread;
    let before = runs();
    let page = s.analyze_report().unwrap();
    assert_eq!(runs() - before, 1);
    let fresh = Report::build(s.analysis().unwrap());
    let before = runs();
    for req in [Request::Markdown, Request::MarkdownSummary, Request::Report] {
        match s.answer(req).unwrap() {
            Response::Text(t) => assert!(t == wulens_core::report::markdown(&fresh) || t == wulens_core::report::markdown_summary(&fresh)),
            Response::Report(r) => assert_eq!(serde_json::to_string(&r).unwrap(), serde_json::to_string(&fresh).unwrap()),
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(runs() - before, 0, "exports do not diagnose again");
    assert_eq!(page.summary.verdict, fresh.summary.verdict);
    s.answer(Request::SetOffset { file: 0, minutes: Some(60) }).unwrap();
    assert_eq!(runs() - before, 1, "a new time zone diagnoses anew");
}

/// The Share panel's exports and zip: no planted identifier leaves, the conclusion stays,
/// and the redacted logs read back to the same verdict.
#[test]
fn shared_exports_and_the_zip_hide_the_drop_s_names_and_keep_the_conclusion() {
    let text = "2024/05/31 10:00:00.0000000 1234 5678 Agent           * START * Search ClientId = CcmExec\r\n\
                2024/05/31 10:00:01.0000000 1234 5678 Agent           WSUS server: http://wsus77.contoso.example:8530\r\n\
                2024/05/31 10:00:02.0000000 1234 5678 Misc            Loaded C:\\Users\\zorro.admin\\AppData\\x.dll from 10.20.30.40\r\n\
                2024/05/31 10:00:09.0000000 1234 5678 Agent           *FAILED* [8024401B] Web service call to http://wsus77.contoso.example:8530\r\n";
    let mut s = Session::new();
    let h = s.begin_file("logs/WindowsUpdate.log".into(), text.len() as f64).unwrap();
    s.push_chunk(h, text.as_bytes()).unwrap();
    s.end_file(h).unwrap();
    let page = s.analyze_report().unwrap();
    let shared = Box::<Shared>::from_response(s.answer(Request::Shared).unwrap()).unwrap();
    let json = serde_json::to_string(&shared.report).unwrap();
    for out in [&json, &shared.markdown, &shared.summary] {
        for planted in ["wsus77", "contoso", "zorro", "10.20.30.40"] {
            assert!(!out.to_lowercase().contains(planted), "{planted} left in {out}");
        }
    }
    assert_eq!(shared.report.summary.status, page.summary.status);
    assert!(shared.report.errors.iter().any(|e| e.code == "0x8024401B"));
    let kinds: Vec<_> = shared.redaction.kinds.iter().map(|k| k.kind).collect();
    assert!(kinds.contains(&wulens_core::redact::Kind::Server), "the WSUS server: {:?}", shared.redaction);
    assert_eq!(Box::<Shared>::from_response(s.answer(Request::Shared).unwrap()).unwrap(), shared, "made once per diagnosis");

    let zip = s.redacted_zip_bytes().unwrap();
    let mut back = Session::new();
    back.add_members("shared.zip", std::io::Cursor::new(&zip), "").unwrap();
    let again = back.analyze_report().unwrap();
    let texts: String = back.analysis().unwrap().files.iter().map(|f| format!("{}\n{}", f.name, f.text)).collect();
    for planted in ["wsus77", "contoso", "zorro", "10.20.30.40"] {
        assert!(!texts.to_lowercase().contains(planted), "{planted} left in the zip: {texts}");
    }
    assert!(texts.contains("HOST-"), "{texts}");
    assert_eq!((again.summary.status, again.summary.badge.clone()), (page.summary.status, page.summary.badge.clone()));
    assert_eq!(again.errors.iter().map(|e| &e.code).collect::<Vec<_>>(), page.errors.iter().map(|e| &e.code).collect::<Vec<_>>());
    let shown = serde_json::to_string(&shared.report.summary.verdict).unwrap();
    assert!(shown.contains("HOST-") || !page.summary.verdict.contains("wsus77"), "{shown}");
}

#[test]
fn requests_and_responses_read_back() {
    let reqs = [
        Request::Filter(wulens_core::viewer::Filter { severities: vec![wulens_core::model::Severity::Error], ..Default::default() }),
        Request::Rows { start: 200, count: 200 },
        Request::Next { from: Some(3), min: NextKind::Warning, forward: false, routine: true },
        Request::AtTime { time: "2024-01-15 10:00".into(), zone: -480 },
        Request::Positions { lines: vec![(0, 3), (1, 9)] },
        Request::SetOffset { file: 1, minutes: None },
        Request::Codes,
    ];
    for r in reqs {
        let back: Request = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }
    assert_eq!(serde_json::to_string(&Request::Codes).unwrap(), "\"codes\"");
    let res = Response::Found(Found { count: 2, index: None });
    assert_eq!(serde_json::from_str::<Response>(&serde_json::to_string(&res).unwrap()).unwrap(), res);
}

#[test]
fn a_session_loads_then_answers_and_says_so_out_of_turn() {
    let mut s = Session::new();
    assert!(matches!(s.answer(Request::Codes), Err(Error::NotAnalysed)));
    assert_eq!(s.answer(Request::Report).unwrap_err().to_string(), "no analysis yet");
    assert!(matches!(s.redacted_zip_bytes(), Err(Error::NotAnalysed)));
    let h = s.begin_file("WindowsUpdate.log".into(), 0.0).unwrap();
    s.push_chunk(h, b"2024/05/31 10:00:00.0000000 1234 5678 Agent           * START * Search\r\n").unwrap();
    s.end_file(h).unwrap();
    assert_eq!(s.loaded_files().len(), 1);
    s.analyze_report().unwrap();
    assert!(s.loaded_files().is_empty() && s.analysis().is_some());
    assert!(s.answer(Request::Codes).is_ok());
    // A drop is one session: more files, or a second analysis, are refused with why.
    assert!(matches!(s.add_members("more.zip", std::io::Cursor::new(b"PK".to_vec()), ""), Err(Error::AlreadyAnalysed)));
    assert!(matches!(s.analyze_report(), Err(Error::AlreadyAnalysed)));
    assert!(matches!(s.take_row("PC-1", "PC-1.zip"), Err(Error::AlreadyAnalysed)));
    assert!(s.analysis().is_some(), "a refused call loses nothing");
}

/// The page's fleet with Windows Update for Business reports exports (tests/fixtures/wufb beside
/// tests/fixtures/bundles): the exports are told from the bundles by their first bytes, read
/// (loose or inside a zip of bundles) and joined to the machines' rows as `wulens fleet` joins
/// them; the damaged export is named with its line and the others are still read.
#[test]
fn wufb_exports_are_told_from_bundles_and_joined_to_the_rows() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let read_dir = |d: &str| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(root.join(d))
            .unwrap()
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .filter(|(n, _)| !n.ends_with(".md"))
            .collect();
        v.sort();
        v
    };
    let (bundles, exports) = (read_dir("bundles"), read_dir("wufb"));
    let head = |b: &[u8]| b[..b.len().min(HEAD_BYTES)].to_vec();
    assert!(bundles.iter().all(|(_, b)| !wulens_core::wufb::looks_like(&head(b))), "a bundle is no export");
    assert!(exports.iter().all(|(_, b)| wulens_core::wufb::looks_like(&head(b))), "every fixture export, the cut one too, is an export");
    let rows: Vec<MachineRow> = bundles
        .iter()
        .map(|(name, bytes)| {
            let mut s = Session::new();
            s.add_members(name, std::io::Cursor::new(bytes), "").unwrap();
            s.take_row(&wulens_core::input::bundles::stem(name), name).unwrap()
        })
        .collect();
    assert!(rows.iter().any(|r| r.machine == "PC-INTUNE02"), "{:?}", rows.iter().map(|r| &r.machine).collect::<Vec<_>>());

    let mut loose = WufbExports::new();
    for (name, bytes) in &exports {
        loose.add(&format!("drop/{name}"), bytes);
    }
    // The same exports inside a zip of bundles, read member by member.
    let zipped = zip_of(&exports.iter().map(|(n, b)| (format!("fleet/{n}"), b.clone())).collect::<Vec<_>>());
    let mut inside = WufbExports::new();
    for (name, _) in &exports {
        let inner = format!("fleet/{name}");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zipped)).unwrap();
        assert_eq!(zipblob::head(&mut archive, &inner, HEAD_BYTES), head(&exports.iter().find(|(n, _)| n == name).unwrap().1));
        inside.add_zip_member("fleet.zip", std::io::Cursor::new(&zipped), &inner).unwrap();
    }
    let w = loose.section(&rows);
    assert_eq!(inside.section(&rows), w, "loose or inside a zip, the same section");
    assert_eq!(w.exports.len(), 3);
    assert_eq!(w.problems.len(), 1, "{:?}", w.problems);
    assert_eq!(w.problems[0].file, "wufb-cut-short.json");
    assert!(w.problems[0].problem.starts_with("wufb-cut-short.json: line "), "{}", w.problems[0].problem);
    assert_eq!(w.alerts.len(), 4);
    let a = w.alerts.iter().find(|a| a.machine == "PC-INTUNE02").unwrap();
    assert_eq!(
        (a.device.as_str(), a.joined_by.as_str(), a.from.as_str(), a.error_code.as_str()),
        ("pc-intune02", "device_name", "wufb-update-alerts.csv:2", "0x80072EE2")
    );
    assert!(a.log.as_ref().is_some_and(|l| !l.finding_title.is_empty()), "{a:?}");
    assert!(w.alerts.iter().any(|a| a.machine == "PC-INTUNE01" && a.joined_by == "entra_id"));
    assert_eq!(w.without_logs.iter().map(|d| d.device.as_str()).collect::<Vec<_>>(), ["PC-NOLOGS07"]);
    assert!(!w.without_logs[0].collect.is_empty());
    // A member the zip does not hold is named, never lost silently.
    let mut missing = WufbExports::new();
    missing.add_zip_member("fleet.zip", std::io::Cursor::new(&zipped), "fleet/gone.csv").unwrap();
    assert!(missing.section(&[]).problems[0].problem.starts_with("gone.csv: cannot read it"), "{:?}", missing.section(&[]).problems);
}
