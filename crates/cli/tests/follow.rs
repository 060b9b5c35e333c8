//! `wulens timeline --follow` prints records as a log grows, holds back a record still being
//! written, and follows a rotated file from its start.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn record(msg: &str, second: u32) -> String {
    format!("<![LOG[{msg}]LOG]!><time=\"10:00:{second:02}.000+000\" date=\"06-12-2024\" component=\"WUAHandler\" context=\"\" type=\"1\" thread=\"1\" file=\"x.cpp:1\">\r\n")
}

#[test]
fn a_growing_log_is_followed() {
    let dir = std::env::temp_dir().join(format!("wulens-follow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("WUAHandler.log");
    std::fs::write(&log, record("first record", 1) + &record("second record", 2)).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_wulens"))
        .args(["timeline", "--follow", log.to_str().unwrap()])
        .env("WULENS_FOLLOW_MS", "50")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = |what: &str| rx.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|_| panic!("no line for {what}"));
    assert!(next("first").contains("first record"));
    assert!(next("second").contains("second record"));

    // One whole record and one still being written: only the whole one shows.
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let partial = record("third record, written in two parts", 3);
    let (head, tail) = partial.split_at(30);
    write!(f, "{}{head}", record("appended record", 3)).unwrap();
    f.flush().unwrap();
    assert!(next("appended").contains("appended record"));
    assert!(rx.recv_timeout(Duration::from_millis(400)).is_err(), "a record without its line break was printed");
    write!(f, "{tail}").unwrap();
    f.flush().unwrap();
    assert!(next("completed").contains("third record, written in two parts"));

    // Rotated: the file starts again, shorter.
    std::fs::write(&log, record("after rotation", 9)).unwrap();
    assert!(next("rotation note").contains("following it from its start"));
    assert!(next("after rotation").contains("after rotation"));
    child.kill().unwrap();
    let _ = child.wait();
    std::fs::remove_dir_all(&dir).unwrap();
}
