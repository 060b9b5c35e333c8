//! A big file whose pieces are parsed and scanned elsewhere while it is read (the browser's scanning
//! workers: `FileLoader::delegating`, `scan_piece`) ends with exactly the analysis and the report
//! of the same file read and scanned here: entries, severities, codes, literals, conclusions.

use wulens_core::input::{scan_piece, FileLoader};
use wulens_core::model::{LogFile, PieceScan};
use wulens_core::{Analysis, Input, Limits, Report};

/// `bytes` loaded in `chunk`-byte slices; when `delegate`, every piece handed out is scanned
/// (its findings crossing in their binary form, as between workers) and handed back, except
/// the pieces `lose` names.
fn load(name: &str, bytes: &[u8], chunk: usize, delegate: bool, lose: &[u32]) -> LogFile {
    let mut l = if delegate { FileLoader::delegating(name, bytes.len() as u64) } else { FileLoader::new(name, bytes.len() as u64) };
    let mut jobs = 0;
    let mut run = |l: &mut FileLoader| {
        for job in l.take_jobs() {
            jobs += 1;
            let text = l.piece_text(job.part).expect("the piece's text").to_owned();
            let scan = PieceScan::from_bytes(&scan_piece(job.format, job.kind, &text).to_bytes()).expect("reads back");
            if !lose.contains(&job.part) {
                l.put_scan(job.part, scan);
            }
        }
    };
    for c in bytes.chunks(chunk) {
        l.push(c);
        run(&mut l);
    }
    l.close();
    run(&mut l);
    if delegate {
        assert!(jobs >= 3, "{name}: {jobs} pieces handed out");
    } else {
        assert_eq!(jobs, 0, "a loader that does not delegate hands out nothing");
    }
    l.finish(&Limits::default()).files.remove(0)
}

fn report(files: Vec<LogFile>) -> String {
    let a = Analysis::from_files(files, Vec::new());
    serde_json::to_string(&Report::build(&a)).expect("report")
}

/// The generated shapes `./dev bench` measures, and a log whose kind only its records tell
/// (codes found elsewhere, literals here).
fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let mut store = b"\xEF\xBB\xBF".to_vec();
    store.extend_from_slice(wulens_loggen::single_text("updatesstore", 14 << 20, 3).as_bytes());
    vec![
        ("WindowsUpdate.log", wulens_loggen::single_text("windowsupdate", 14 << 20, 5).into_bytes()),
        ("CCM/Logs/UpdatesStore.log", store),
        ("Panther/CBS.log", wulens_loggen::text("CBS.log", 10 << 20, 7).into_bytes()),
        ("CCM/Logs/unnamed.log", wulens_loggen::text("WUAHandler.log", 10 << 20, 9).into_bytes()),
    ]
}

#[test]
fn pieces_scanned_elsewhere_give_the_analysis_and_report_of_scanning_here() {
    let inputs = inputs();
    let mut here = Vec::new();
    let mut elsewhere = Vec::new();
    for (name, bytes) in &inputs {
        let plain = load(name, bytes, 3 << 20, false, &[]);
        assert!(plain.prescan.is_none());
        let delegated = load(name, bytes, 3 << 20, true, &[]);
        let prescan = delegated.prescan.as_deref().unwrap_or_else(|| panic!("{name}: the pieces' findings are kept"));
        assert!(prescan.codes.as_ref().is_some_and(|c| !c.is_empty()), "{name}: codes found elsewhere");
        // The literals are found elsewhere when the name and format tell the kind.
        let kind_known = !name.ends_with("unnamed.log") && !name.ends_with("CBS.log");
        assert_eq!(prescan.literals.is_some(), kind_known, "{name}");
        // The entries parsed elsewhere (a WindowsUpdate.log's already marked by their codes:
        // compared after the analysis below).
        assert_eq!(delegated.entries.len(), plain.entries.len(), "{name}");
        assert!(delegated.components == plain.components && delegated.physical_lines == plain.physical_lines && delegated.notes == plain.notes, "{name}");
        assert_eq!(delegated.kind, plain.kind, "{name}");

        // The analysis of one file: the same codes, the same severities derived from them.
        let a = Analysis::from_files(vec![load(name, bytes, 3 << 20, true, &[])], Vec::new());
        let b = Analysis::from_files(vec![load(name, bytes, 3 << 20, false, &[])], Vec::new());
        assert!(a.entry_codes == b.entry_codes, "{name}: codes");
        assert!(a.files[0].entries == b.files[0].entries, "{name}: entries and their severities");
        let stats = |a: &Analysis| a.codes.iter().map(|c| (c.code, c.count, c.occurrences.clone(), c.stated_symbol.clone())).collect::<Vec<_>>();
        assert!(stats(&a) == stats(&b), "{name}: code statistics");
        here.push(plain);
        elsewhere.push(delegated);
    }
    let at_once = {
        let inputs = inputs.iter().map(|(n, b)| Input { name: n.to_string(), bytes: b.clone().into() }).collect();
        serde_json::to_string(&Report::build(&Analysis::from_inputs(inputs, &Limits::default()))).expect("report")
    };
    let here = report(here);
    assert!(here == at_once, "loaded in slices, as the CLI reads it");
    assert!(report(elsewhere) == here, "scanned elsewhere, as scanned here");
}

/// A piece whose findings never came back (a worker failed) leaves the file to be scanned here:
/// nothing is lost, nothing is half-used.
#[test]
fn a_piece_that_does_not_come_back_leaves_the_file_to_be_scanned_here() {
    let (name, bytes) = inputs().remove(0);
    let lost = load(name, &bytes, 3 << 20, true, &[1]);
    assert!(lost.prescan.is_none());
    let plain = load(name, &bytes, 3 << 20, false, &[]);
    assert!(report(vec![lost]) == report(vec![plain]));
}

/// A file that grows after it was read (followed) no longer uses what was found before.
#[test]
fn a_followed_file_that_grows_drops_its_findings() {
    let (name, bytes) = inputs().remove(0);
    let mut f = load(name, &bytes, 3 << 20, true, &[]);
    assert!(f.prescan.is_some());
    f.append_text("2024/05/31 10:00:00.0000000 1 2 Agent           more\r\n", 10);
    assert!(f.prescan.is_none());
}
