//! The drop plan on a generated fleet: the folder `gen-fleet` writes (with Windows Update for
//! Business reports exports at its top) and a zip of that folder are the same machines, each
//! machine's bytes read out of the zip are its bundle's bytes in the folder, and the exports are
//! set apart alike; real logs dropped as their folder are one machine.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use wulens_core::input::plan::{self, Dropped, Plan, Source, Step};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` as `name/...` (folders end with `/`), with its bytes.
fn walk(dir: &Path, name: &str, out: &mut Vec<(String, Vec<u8>)>) {
    out.push((format!("{name}/"), Vec::new()));
    let mut children: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    children.sort();
    for c in children {
        let child = format!("{name}/{}", c.file_name().unwrap().to_string_lossy());
        if c.is_dir() {
            walk(&c, &child, out);
        } else {
            out.push((child, std::fs::read(&c).unwrap()));
        }
    }
}

/// Plan a drop, answering its needs: files' heads from `files`, the zip's listing and members'
/// heads from `zip` (the drop's one item).
fn settle(files: &[(String, Vec<u8>)], zip: Option<&mut zip::ZipArchive<Cursor<Vec<u8>>>>) -> Plan {
    let mut d = Dropped::new(files.iter().map(|(p, b)| (p.clone(), b.len() as u64)));
    let mut zip = zip;
    for _ in 0..4 {
        let need = match plan::plan(&d) {
            Step::Ready(p) => return p,
            Step::Need(n) => n,
        };
        for z in need.listings {
            d.listings.insert(z, Ok(wulens_core::input::bundles::zip_listing(zip.as_deref().expect("only the zip is listed"))));
        }
        for h in need.heads {
            let bytes = match (&h.member, zip.as_deref_mut()) {
                (Some(m), Some(a)) => {
                    let mut head = Vec::new();
                    a.by_name(m).unwrap().take(plan::HEAD_BYTES as u64).read_to_end(&mut head).unwrap();
                    head
                }
                _ => files[h.item].1[..files[h.item].1.len().min(plan::HEAD_BYTES)].to_vec(),
            };
            d.heads.insert(h.key(&d), bytes);
        }
    }
    panic!("the plan never settles")
}

#[test]
fn a_fleet_folder_and_its_zip_are_the_same_machines_read_from_the_same_bytes() {
    let dir = std::env::temp_dir().join(format!("wulens-plan-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let fleet = dir.join("fleet");
    let scenarios = wulens_loggen::fixture_scenarios(&repo().join("tests/fixtures")).unwrap();
    let made = wulens_loggen::fleet(&fleet, &scenarios, 60, 11).unwrap();
    for x in ["wufb-device-alerts.json", "wufb-update-alerts.csv"] {
        std::fs::copy(repo().join("tests/fixtures/wufb").join(x), fleet.join(x)).unwrap();
    }
    let mut files = Vec::new();
    walk(&fleet, "fleet", &mut files);
    std::fs::remove_dir_all(&dir).unwrap();

    let folder = settle(&files, None);
    let Plan::Fleet(f) = &folder else { panic!("{folder:?}") };
    assert_eq!(f.zip, None);
    let machines: Vec<&str> = f.machines.iter().map(|m| m.name.as_str()).collect();
    let want: Vec<&str> = made.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(machines, want, "one machine per bundle, in path order; fleet.csv is a note");
    let exports: Vec<&str> = f.exports.iter().map(|h| files[h.item].0.as_str()).collect();
    assert_eq!(exports, ["fleet/wufb-device-alerts.json", "fleet/wufb-update-alerts.csv"]);

    // The same folder zipped (deflated, as Explorer's "Send to compressed folder" writes it).
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (path, bytes) in &files {
        if path.ends_with('/') {
            w.add_directory(path.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        } else {
            w.start_file(path.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(bytes).unwrap();
        }
    }
    let zipped = w.finish().unwrap().into_inner();
    let mut archive = zip::ZipArchive::new(Cursor::new(zipped.clone())).unwrap();
    let one = [("fleet.zip".to_string(), zipped)];
    let inside = settle(&one, Some(&mut archive));
    let Plan::Fleet(z) = &inside else { panic!("{inside:?}") };
    assert_eq!(z.zip, Some(0));
    assert_eq!(z.machines.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), machines);
    assert_eq!(z.exports.iter().map(|h| h.member.clone().unwrap()).collect::<Vec<_>>(), exports);

    // Each machine's bytes out of the zip are its bundle's in the folder.
    let by_path: BTreeMap<&str, &[u8]> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    for (a, b) in f.machines.iter().zip(&z.machines) {
        assert_eq!(format!("fleet.zip/{}", a.bundle), b.bundle);
        let Source::Files(idx) = &a.source else { panic!("{a:?}") };
        let Source::Member { item: 0, inner } = &b.source else { panic!("{b:?}") };
        let mut got = Vec::new();
        wulens_core::input::bundles::zip_members(&mut archive, inner, 1 << 30, &mut |n, bytes| got.push((n.to_string(), bytes)), &mut |n, m| {
            panic!("{n}: {m}")
        });
        let want: Vec<(String, Vec<u8>)> = idx.iter().map(|&i| (files[i].0.clone(), by_path[files[i].0.as_str()].to_vec())).collect();
        assert_eq!(got, want, "{}", a.name);
    }
}

#[test]
fn real_logs_dropped_as_their_folder_are_one_machine() {
    let root = wulens_testdata::real_logs();
    let mut files = Vec::new();
    for e in std::fs::read_dir(&root).unwrap().flatten().filter(|e| e.path().is_file()) {
        files.push((format!("reallogs/{}", e.file_name().to_string_lossy()), std::fs::read(e.path()).unwrap()));
    }
    files.sort();
    assert!(files.len() >= 8, "{}", files.len());
    match settle(&files, None) {
        Plan::Machine(m) => {
            assert_eq!((m.name.as_str(), m.bundle.as_str()), ("reallogs", "reallogs"));
            assert_eq!(m.source, Source::Files((0..files.len()).collect()));
        }
        other => panic!("{other:?}"),
    }
}
