//! The worker steps an event log's decoding (`Session::decode_step`) to show its progress: the
//! same report as a session that decodes it whole at `end_file`. It reads a real event log, so
//! it is a test beside the crate's code, not in it.

use wulens_wasm::{Decoding, Session};

/// An event log is decoded in steps (`decode_step`), the worker showing its progress
/// between them: the report is the one a session that decodes it at `end_file` gives. A text
/// log has no steps. Reads 65_System.evtx (a real one, ../shared/reallogs/evidence) in place.
#[test]
fn real_logs_event_log_decoded_in_steps_gives_the_same_report() {
    let bytes = std::fs::read(wulens_testdata::real_logs().join("evidence/65_System.evtx")).unwrap();
    let run = |stepped: bool| {
        let mut s = Session::new();
        let h = s.begin_file("System.evtx".into(), bytes.len() as f64).unwrap();
        for c in bytes.chunks(8 << 20) {
            s.push_chunk(h, c).unwrap();
        }
        let mut steps: Vec<Decoding> = Vec::new();
        while stepped && !steps.last().is_some_and(|s| s.finished) {
            steps.push(s.decode(h, 1).unwrap().expect("an event log is decoded in steps"));
        }
        s.end_file(h).unwrap();
        (steps, serde_json::to_string(&s.analyze_report().unwrap()).unwrap())
    };
    let (steps, stepped) = run(true);
    let (_, whole) = run(false);
    assert_eq!(stepped, whole);
    // Its three chunks of events one a step, then past its fourteen empty ones to the end.
    let done: Vec<(u64, u64, bool)> = steps.iter().map(|s| (s.done, s.total, s.finished)).collect();
    assert_eq!(done, [(1, 17, false), (2, 17, false), (3, 17, false), (17, 17, true)]);
    let mut s = Session::new();
    let h = s.begin_file("WindowsUpdate.log".into(), 0.0).unwrap();
    s.push_chunk(h, b"2024/05/31 10:00:00.0000000 1234 5678 Agent           * START * Search\r\n").unwrap();
    assert_eq!(s.decode(h, 1).unwrap(), None, "a text log is parsed whole at end_file");
    let res = Decoding { done: 2, total: 17, finished: false };
    assert_eq!(serde_json::from_str::<Decoding>(&serde_json::to_string(&res).unwrap()).unwrap(), res);
}
