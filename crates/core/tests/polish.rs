//! The small defects admins saw (issue 62, part 4), end to end through the engine: a drop of
//! junk beside a log, random bytes, and the words a fleet row's status gets by its source.

use std::io::Write;
use std::path::{Path, PathBuf};

use wulens_core::fleet::MachineRow;
use wulens_core::model::LogFormat;
use wulens_core::{Analysis, Input, Limits, Report};

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(path)
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Bytes from a fixed-seed xorshift: the same "random" file on every run.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

const CBS: &[u8] = b"2024-05-31 16:45:56, Info                  CBS    Starting TrustedInstaller initialization.\r\n\
2024-05-31 16:45:57, Error                 CBS    Failed to resolve package 'Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.4' [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]\r\n";

#[test]
fn a_drop_of_junk_gets_a_short_verdict_and_its_log_is_still_read() {
    // A nested bomb's shape: zips of members too big for what is left of the budget, twenty
    // files that are not logs, and a small CBS.log after all of them.
    let big = vec![0u8; 3 << 20];
    let inner = zip_of(&[("0.bin", &big), ("1.bin", &big), ("2.bin", &big)]);
    let junk: Vec<(String, Vec<u8>)> = (0..20).map(|i| (format!("blob{i:02}.dat"), noise(i, 4096))).collect();
    let mut members: Vec<(&str, &[u8])> = vec![("a.zip", &inner), ("b.zip", &inner)];
    members.extend(junk.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    members.push(("Windows/Logs/CBS/CBS.log", CBS));
    let bomb = zip_of(&members);
    let limits = Limits { max_expanded_bytes: 8 << 20, ..Limits::default() };
    let a = Analysis::from_inputs(vec![Input { name: "junk.zip".into(), bytes: bomb.into() }], &limits);
    // The CBS.log is read and concluded on.
    let cbs = a.files.iter().find(|f| f.name.ends_with("CBS.log")).expect("CBS.log read");
    assert_eq!(cbs.format, LogFormat::Cbs);
    let r = Report::build(&a);
    assert!(r.errors.iter().any(|e| e.code == "0x800F0922"), "{:?}", r.errors);
    // Every member passed over or not a log is named in the files and warnings, not in the verdict.
    assert_eq!(a.files.iter().filter(|f| f.format == LogFormat::Binary).count(), 20 + 2, "the junk and the two bins that fit");
    assert_eq!(a.warnings.len(), 4, "{:?}", a.warnings);
    let v = &r.summary.verdict;
    assert!(v.contains("26 inputs hold nothing to read: 22 are not logs (binary content), 4 were not read; the files list them"), "{v}");
    assert!(!v.contains("blob"), "no list of names: {v}");
    assert!(v.chars().count() <= 600, "{} characters: {v}", v.chars().count());
}

#[test]
fn a_few_unread_inputs_are_still_named() {
    let a = Analysis::from_inputs(
        vec![Input { name: "CBS.log".into(), bytes: CBS.into() }, Input { name: "photo.dat".into(), bytes: noise(7, 2048).into() }],
        &Limits::default(),
    );
    let v = Report::build(&a).summary.verdict;
    assert!(v.contains("photo.dat is not a log (binary content)"), "{v}");
}

#[test]
fn random_bytes_are_binary_and_code_page_text_is_not() {
    // 1 MB of random bytes, named like a log, in every one of many draws.
    for seed in 0..20 {
        let f = wulens_core::input::load(Input { name: "random.log".into(), bytes: noise(seed, 1 << 20).into() });
        assert_eq!(f.format, LogFormat::Binary, "seed {seed}");
        assert!(f.notes[0].contains("not a text log"), "{:?}", f.notes);
    }
    // Every encoding fixture that is text stays text (the .etl is a trace, empty.log empty).
    let dir = fixture("encodings/logs");
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let f = wulens_core::input::load(Input { name: name.clone(), bytes: std::fs::read(&p).unwrap().into() });
        let text = !matches!(name.as_str(), "WindowsUpdate.etl" | "empty.log");
        assert_eq!(f.is_text(), text, "{name}: {:?} {:?}", f.format, f.notes);
    }
}

fn row_of(dir: &Path, only: Option<&str>) -> MachineRow {
    let inputs = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| only.is_none_or(|o| p.file_name().unwrap() == o))
        .map(|p| Input { name: p.file_name().unwrap().to_string_lossy().to_string(), bytes: std::fs::read(&p).unwrap().into() })
        .collect();
    MachineRow::from_inputs("m", "m", inputs)
}

#[test]
fn scan_completed_only_where_a_configmgr_scan_completed() {
    let logs = fixture("scan-success/logs");
    // The ConfigMgr client's logs: its scan completed.
    let cm = row_of(&logs, None);
    assert_eq!((cm.status.as_str(), cm.configmgr_scan), ("ok", true), "{}", cm.verdict);
    assert_eq!(wulens_core::fleet::row_status_words(&cm.status, cm.configmgr_scan), "Scan completed");
    // The same machine's WindowsUpdate.log alone: Windows Update's own searches, no ConfigMgr scan.
    let wu = row_of(&logs, Some("WindowsUpdate.log"));
    assert_eq!((wu.status.as_str(), wu.configmgr_scan), ("ok", false), "{}", wu.verdict);
    assert_eq!(wulens_core::fleet::row_status_words(&wu.status, wu.configmgr_scan), "No failure");
    let text = wulens_core::fleet::FleetSummary::of(&[MachineRow { machine: "PC-CM".into(), ..cm }, MachineRow { machine: "PC-WU".into(), ..wu }]).text();
    assert!(text.contains("scan completed: PC-CM\n"), "{text}");
    assert!(text.contains("no failure in Windows Update's own work, no ConfigMgr scan in the logs: PC-WU\n"), "{text}");
}
