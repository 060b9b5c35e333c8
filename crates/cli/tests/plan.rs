//! `wulens fleet` on a generated fleet's folder and on a zip of that folder (core's drop plan,
//! the page's too): the same machines with the same rows (only `bundle`, where each was read,
//! differs), the same Windows Update for Business reports section from the exports beside them,
//! and a saved report is refused as no logs.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wulens_core::fleet::MachineRow;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn wulens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wulens")).args(args).output().expect("run wulens")
}

fn ok(args: &[&str]) -> String {
    let out = wulens(args);
    assert!(out.status.success(), "wulens {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// `dir` zipped as `name/...`, deflated, folders as entries too.
fn zip_folder(dir: &Path, name: &str, w: &mut zip::ZipWriter<Cursor<Vec<u8>>>) {
    w.add_directory(format!("{name}/"), zip::write::SimpleFileOptions::default()).unwrap();
    let mut children: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    children.sort();
    for c in children {
        let child = format!("{name}/{}", c.file_name().unwrap().to_string_lossy());
        if c.is_dir() {
            zip_folder(&c, &child, w);
        } else {
            w.start_file(child, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(&std::fs::read(&c).unwrap()).unwrap();
        }
    }
}

fn rows(ndjson: &str) -> Vec<MachineRow> {
    ndjson.lines().map(|l| serde_json::from_str(l).expect("a MachineRow per line")).collect()
}

#[test]
fn a_fleet_zip_is_the_fleet_its_folder_is() {
    let dir = std::env::temp_dir().join(format!("wulens-cli-plan-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let fleet = dir.join("fleet");
    let scenarios = wulens_loggen::fixture_scenarios(&repo().join("tests/fixtures")).unwrap();
    let made = wulens_loggen::fleet(&fleet, &scenarios, 60, 23).unwrap();
    // One machine unzipped, a folder among the zips; the exports at the top.
    let mut inner = zip::ZipArchive::new(std::fs::File::open(fleet.join("PC-0002.zip")).unwrap()).unwrap();
    inner.extract(&fleet).unwrap();
    assert!(fleet.join("PC-0002").is_dir());
    std::fs::remove_file(fleet.join("PC-0002.zip")).unwrap();
    for x in ["wufb-device-alerts.json", "wufb-update-alerts.csv"] {
        std::fs::copy(repo().join("tests/fixtures/wufb").join(x), fleet.join(x)).unwrap();
    }
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip_folder(&fleet, "fleet", &mut w);
    let zipped = dir.join("fleet.zip");
    std::fs::write(&zipped, w.finish().unwrap().into_inner()).unwrap();

    let from_folder = rows(&ok(&["fleet", "--format", "ndjson", fleet.to_str().unwrap()]));
    let from_zip = rows(&ok(&["fleet", "--format", "ndjson", zipped.to_str().unwrap()]));
    assert_eq!(from_folder.len(), made.len(), "one row per machine");
    let names = |r: &[MachineRow]| r.iter().map(|r| r.machine.clone()).collect::<Vec<_>>();
    assert_eq!(names(&from_zip), names(&from_folder));
    assert!(from_zip.iter().any(|r| r.status == "failed") && from_zip.iter().any(|r| r.status == "unreadable"), "a fleet of every status");
    for (a, b) in from_folder.iter().zip(&from_zip) {
        let folder_bundle = Path::new(&a.bundle).strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        assert_eq!(b.bundle, format!("{}/{folder_bundle}", zipped.display()), "where it was read");
        let same = MachineRow { bundle: a.bundle.clone(), ..b.clone() };
        assert_eq!(&same, a, "{}", a.machine);
    }

    // The summary with the exports joined: the same, where each bundle was read aside.
    let folder_json = ok(&["fleet", "--format", "json", fleet.to_str().unwrap()]);
    let zip_json = ok(&["fleet", "--format", "json", zipped.to_str().unwrap()]);
    let at_folder = format!("{}/", dir.display());
    let at_zip = format!("{}/", zipped.display());
    assert!(folder_json.contains("\"wufb\"") && folder_json.contains("wufb-update-alerts.csv:2"), "the exports are read");
    assert_eq!(zip_json.replace(&at_zip, ""), folder_json.replace(&at_folder, ""));

    // A saved report is no logs: said, exit 2.
    let saved = dir.join("ticket.wulens.json");
    std::fs::write(&saved, br#"{"wulens_saved_report": 1}"#).unwrap();
    let out = wulens(&["fleet", saved.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a report saved by wulens, not logs"), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}
