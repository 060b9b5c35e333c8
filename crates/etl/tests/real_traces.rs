//! The real traces in `../shared/reallogs/etl` (beside the repository; never copied into it):
//! decoded line by line against their reference text, the compressed one decompressed, and
//! every truncation and byte flip survived without a panic.

use std::path::PathBuf;

/// The real traces' folder (crates/testdata finds the real logs).
fn dir() -> PathBuf {
    wulens_testdata::real_logs().join("etl")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
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
    let text = std::fs::read_to_string(dir().join(name)).unwrap();
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
    let bytes = read(etl);
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
fn real_logs_windows_update_trace_matches_its_reference_text() {
    compare("WindowsUpdate.20251008.140245.443.8.etl", 22631);
    {
        let bytes = read("WindowsUpdate.20251008.140245.443.8.etl");
        let t = wulens_etl::decode(&bytes).unwrap();
        assert_eq!((t.buffers, t.compressed_buffers), (7, 0));
        assert_eq!(t.header.logger_name, "WindowsUpdate_trace_log");
        assert_eq!(t.header.events_lost, 41);
        assert!(t.records.iter().any(|r| r.message.contains("result = 0x00000000")));
    }
}

#[test]
fn real_logs_sih_trace_matches_its_reference_text() {
    compare("SIH.20230422.034724.362.1.etl", 22621);
    {
        let bytes = read("SIH.20230422.034724.362.1.etl");
        let t = wulens_etl::decode(&bytes).unwrap();
        let failed: Vec<_> = t.records.iter().filter(|r| r.level == 3).collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].message, "*FAILED* [80245108] DoWithCatchHResult caught");
        assert_eq!(failed[0].provider_guid, "9906081D-E45A-4F41-A53F-2AC2E0225DE1");
    }
}

#[test]
fn real_logs_compressed_trace_decodes_its_one_event() {
    let bytes = read("SelfDescribingSingleEvent.etl");
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
fn real_logs_truncations_and_flipped_bytes_never_panic() {
    let d = dir();
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

/// The same events, in the same order.
fn same_events(a: &wulens_etl::Trace, b: &wulens_etl::Trace, what: &str) {
    let key = |t: &wulens_etl::Trace| t.records.iter().map(|r| (r.time, r.tid, r.event.clone(), r.message.clone())).collect::<Vec<_>>();
    assert_eq!(key(a), key(b), "{what}");
}

/// Buffer headers that lie after the first buffer (a damaged copy; a trace as `wusa.exe /log`
/// writes it): the records are found by their markers, and the trace says how much was damaged.
#[test]
fn real_logs_damaged_buffer_headers_give_back_their_records() {
    for name in ["WindowsUpdate.20251008.140245.443.8.etl", "SIH.20230422.034724.362.1.etl"] {
        let bytes = read(name);
        let clean = wulens_etl::decode(&bytes).unwrap();
        let buffer = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
        assert!(!clean.records.is_empty() && bytes.len() > buffer);

        // Every header after the first wiped out.
        let mut wiped = bytes.clone();
        for at in (buffer..wiped.len()).step_by(buffer) {
            wiped[at..at + wulens_etl::BUFFER_HEADER].fill(0);
        }
        let t = wulens_etl::decode(&wiped).unwrap();
        same_events(&t, &clean, &format!("{name}: wiped headers"));
        assert!(t.damaged_bytes >= (bytes.len() - buffer) as u64 / 2, "{name}: {} damaged bytes", t.damaged_bytes);
        assert!(t.recovered_records > 0 && t.problems.iter().any(|p| p.contains("damaged header")), "{name}: {:?}", t.problems);

        // Headers after the first turned to noise.
        let mut noisy = bytes.clone();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for at in (buffer..noisy.len()).step_by(buffer) {
            for b in &mut noisy[at..at + wulens_etl::BUFFER_HEADER] {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *b = seed as u8;
            }
        }
        let t = wulens_etl::decode(&noisy).unwrap();
        same_events(&t, &clean, &format!("{name}: noisy headers"));

        // The first buffer states a size far past its own end, and past the file's.
        let mut lying = bytes.clone();
        lying[0..4].copy_from_slice(&0x0010_0000u32.to_le_bytes());
        let t = wulens_etl::decode(&lying).unwrap();
        same_events(&t, &clean, &format!("{name}: lying first size"));
        assert!(!t.problems.is_empty());
    }
    // A compressed buffer whose header is damaged cannot be read: it is said, nothing panics.
    {
        let bytes = read("SelfDescribingSingleEvent.etl");
        let mut v = bytes.clone();
        v[0x400..0x400 + wulens_etl::BUFFER_HEADER].fill(0);
        let t = wulens_etl::decode(&v).unwrap();
        assert!(t.damaged_bytes > 0 && !t.problems.is_empty(), "{:?}", t.problems);
    }
}
