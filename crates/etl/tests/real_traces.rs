//! The real traces in `../shared/reallogs/etl` (beside the repository; never copied into it):
//! decoded line by line against their reference text, the compressed one decompressed, and
//! every truncation and byte flip survived without a panic.

use std::path::PathBuf;

fn dir() -> Option<PathBuf> {
    let d = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reallogs/etl"));
    if d.is_dir() {
        Some(d)
    } else {
        println!("note: {} is missing; the real-trace tests are skipped", d.display());
        None
    }
}

fn read(name: &str) -> Option<Vec<u8>> {
    Some(std::fs::read(dir()?.join(name)).unwrap())
}

/// `2025/10/08 21:03:26.9403716` → 100 ns ticks since midnight plus a day number.
fn ticks(t: &str) -> i64 {
    let n = |s: &str| s.parse::<i64>().unwrap();
    let (d, c) = t.split_once(' ').unwrap();
    let day: Vec<i64> = d.split('/').map(n).collect();
    let (hms, frac) = c.split_once('.').unwrap();
    let hms: Vec<i64> = hms.split(':').map(n).collect();
    ((((day[0] * 12 + day[1]) * 31 + day[2]) * 24 + hms[0]) * 60 + hms[1]) * 60 * 10_000_000 + hms[2] * 10_000_000 + n(frac)
}

struct Line {
    time: String,
    pid: u32,
    tid: u32,
    component: String,
    message: String,
    provider: String,
    level: u8,
}

fn expected(name: &str) -> Vec<Line> {
    let text = std::fs::read_to_string(dir().unwrap().join(name)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (body, tail) = l.rsplit_once("\t[").unwrap();
            let (provider, level) = tail.trim_end_matches(']').split_once(" L").unwrap();
            let time = body[..27].to_string();
            let mut rest = body[27..].split_whitespace();
            let pid = rest.next().unwrap().parse().unwrap();
            let tid = rest.next().unwrap().parse().unwrap();
            let component = rest.next().unwrap().to_string();
            // The component is padded to 15 columns and followed by one space.
            let at = body.find(&format!(" {component} ")).unwrap() + 1 + component.len().max(15) + 1;
            Line { time, pid, tid, component, message: body[at..].to_string(), provider: provider.into(), level: level.parse().unwrap() }
        })
        .collect()
}

fn compare(etl: &str, build: u32) {
    let Some(bytes) = read(etl) else { return };
    let trace = wulens_etl::decode(&bytes).unwrap();
    assert!(trace.problems.is_empty(), "{:?}", trace.problems);
    assert!(trace.undecoded.is_empty(), "{:?}", trace.undecoded);
    assert_eq!(trace.header.tz_bias_minutes, 480);
    assert_eq!(trace.header.build, build);
    assert_eq!(trace.header.log_file_mode, 0x1100_2009);
    let want = expected(&format!("{etl}.expected-utc.log"));
    assert_eq!(trace.records.len(), want.len());
    for (i, (r, w)) in trace.records.iter().zip(&want).enumerate() {
        // The README: the reference decoders agree to within 2 µs.
        let dt = (ticks(&r.time_text()) - ticks(&w.time)).abs();
        assert!(dt <= 20, "line {i}: {} vs {}", r.time_text(), w.time);
        assert_eq!((r.pid, r.tid), (w.pid, w.tid), "line {i}");
        assert_eq!(r.event, w.component, "line {i}");
        assert_eq!(r.message, w.message, "line {i}");
        assert_eq!(r.level, w.level, "line {i}");
        assert_eq!(r.provider, w.provider, "line {i}");
    }
}

#[test]
fn windows_update_trace_matches_its_reference_text() {
    compare("WindowsUpdate.20251008.140245.443.8.etl", 22631);
    if let Some(bytes) = read("WindowsUpdate.20251008.140245.443.8.etl") {
        let t = wulens_etl::decode(&bytes).unwrap();
        assert_eq!((t.buffers, t.compressed_buffers), (7, 0));
        assert_eq!(t.header.logger_name, "WindowsUpdate_trace_log");
        assert_eq!(t.header.events_lost, 41);
        assert!(t.records.iter().any(|r| r.message.contains("result = 0x00000000")));
    }
}

#[test]
fn sih_trace_matches_its_reference_text() {
    compare("SIH.20230422.034724.362.1.etl", 22621);
    if let Some(bytes) = read("SIH.20230422.034724.362.1.etl") {
        let t = wulens_etl::decode(&bytes).unwrap();
        let failed: Vec<_> = t.records.iter().filter(|r| r.level == 3).collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].message, "*FAILED* [80245108] DoWithCatchHResult caught");
        assert_eq!(failed[0].provider_guid, "9906081D-E45A-4F41-A53F-2AC2E0225DE1");
    }
}

#[test]
fn compressed_trace_decodes_its_one_event() {
    let Some(bytes) = read("SelfDescribingSingleEvent.etl") else { return };
    let t = wulens_etl::decode(&bytes).unwrap();
    assert!(t.problems.is_empty(), "{:?}", t.problems);
    assert_eq!(t.compressed_buffers, 2);
    assert_eq!(t.records.len(), 1);
    let r = &t.records[0];
    assert_eq!((r.provider.as_str(), r.event.as_str(), r.level), ("MySource", "TestEvent", 5));
    assert_eq!(r.message, "a={b=Hello c=World!}");
    assert_eq!(r.time_text(), "2022/04/20 21:27:16.5904094");
    // The relogger's classic session records are counted, not dropped.
    assert_eq!(t.undecoded_events(), 18);
    assert!(!t.wpp_only());
}

#[test]
fn truncations_and_flipped_bytes_never_panic() {
    let Some(d) = dir() else { return };
    for name in ["WindowsUpdate.20251008.140245.443.8.etl", "SIH.20230422.034724.362.1.etl", "SelfDescribingSingleEvent.etl"] {
        let bytes = std::fs::read(d.join(name)).unwrap();
        let full = wulens_etl::decode(&bytes).unwrap().records.len();
        for cut in (0..bytes.len()).step_by(97) {
            if let Ok(t) = wulens_etl::decode(&bytes[..cut]) {
                assert!(t.records.len() <= full, "{name} cut at {cut}");
                if cut % 4096 != 0 {
                    assert!(!t.problems.is_empty(), "{name} cut at {cut}: the truncation is reported");
                }
            }
        }
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..1000 {
            let mut v = bytes.clone();
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let i = seed as usize % v.len();
                v[i] ^= 1 << ((seed >> 32) % 8);
            }
            let _ = wulens_etl::decode(&v);
        }
        // A lying buffer size: records past it are reported, the ones before it kept.
        let mut v = bytes.clone();
        let second = u32::from_le_bytes([v[0], v[1], v[2], v[3]]) as usize;
        v[second..second + 4].copy_from_slice(&0x0010_0000u32.to_le_bytes());
        if let Ok(t) = wulens_etl::decode(&v) {
            assert!(!t.problems.is_empty(), "{name}: lying size reported");
        }
    }
}

#[test]
fn not_a_trace_is_an_error() {
    assert_eq!(wulens_etl::decode(b"hello"), Err(wulens_etl::EtlError::NotEtl));
    assert_eq!(wulens_etl::decode(&[0u8; 4096]), Err(wulens_etl::EtlError::NotEtl));
}
