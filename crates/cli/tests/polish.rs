//! `wulens analyze` names every input it does not read, with why (issue 62, part 4, item 8).

use std::path::{Path, PathBuf};
use std::process::Command;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wulens-cli-polish-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(path)
}

#[test]
fn every_skipped_input_is_named_with_its_reason() {
    let dir = tmp("skipped");
    // A byte-order mark and nothing else (UTF-8 and UTF-16), an empty file, random bytes named
    // like a log, and a log that is read.
    let files: [(&str, Vec<u8>); 4] = [
        ("bom-only.log", b"\xEF\xBB\xBF".to_vec()),
        ("bom16-only.log", b"\xFF\xFE".to_vec()),
        ("empty.log", Vec::new()),
        ("random.log", {
            let mut x = 0x2545_F491_4F6C_DD1Du64;
            (0..65536)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect()
        }),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let log = fixture("fail-step3-proxy-407/logs/WUAHandler.log");
    let out = Command::new(env!("CARGO_BIN_EXE_wulens")).arg("analyze").arg(&dir).arg(&log).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    for (name, why) in [
        ("bom-only.log", "is empty (nothing after its byte-order mark)."),
        ("bom16-only.log", "is empty (nothing after its byte-order mark)."),
        ("empty.log", "is empty."),
        ("random.log", "is not a text log (binary content); skipped."),
    ] {
        // As the drop names it: the folder given, then the file.
        let want = format!("wulens: {}/{name}: {why}", dir.file_name().unwrap().to_string_lossy());
        assert!(lines.contains(&want.as_str()), "{want}\nnot in:\n{err}");
    }
    // No line without a name, and the log that is text is not among them.
    assert!(!lines.iter().any(|l| l.trim() == "wulens: skipped"), "{err}");
    assert_eq!(lines.len(), 4, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
