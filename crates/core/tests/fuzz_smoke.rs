//! A short fuzz smoke run: every fuzz target (see src/fuzzing.rs and crates/fuzz) on the
//! fixtures, the committed fuzz corpus, and a few thousand deterministic mutations of them.
//! The long runs (millions of executions) use `cargo fuzz`; this keeps every target exercised
//! in every test run.

use std::path::Path;

use wulens_core::fuzzing;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = vec![Vec::new(), b"\xFF\xFE".to_vec(), b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec()];
    for dir in ["tests/fixtures/notations/logs", "tests/fixtures/encodings/logs", "tests/fixtures/config-proxy-407/logs", "crates/fuzz/corpus-seed"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else { continue };
        for e in rd.flatten() {
            let mut b = std::fs::read(e.path()).unwrap();
            b.truncate(16 << 10);
            out.push(b);
        }
    }
    out
}

/// Flip, insert and cut bytes, the way a fuzzer's first mutations do.
fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..1 + rng.next() % 8 {
        let n = v.len().max(1);
        match rng.next() % 5 {
            0 if !v.is_empty() => {
                let i = (rng.next() as usize) % n;
                v[i] ^= 1 << (rng.next() % 8);
            }
            1 => {
                let i = (rng.next() as usize) % (v.len() + 1);
                let b = [0u8, b'\r', b'\n', 0xFF, b'<', b']', b'0', b'x', 0xC3, 0x80][(rng.next() % 10) as usize];
                v.insert(i, b);
            }
            2 if !v.is_empty() => {
                let i = (rng.next() as usize) % n;
                v.truncate(i);
            }
            3 if v.len() > 8 => {
                let i = (rng.next() as usize) % (v.len() - 4);
                let chunk = v[i..i + 4].to_vec();
                v.splice(i..i, chunk.iter().copied().cycle().take(4 * (1 + rng.next() as usize % 64)));
            }
            _ => v.extend_from_slice(b"<![LOG[x 0x8024401B]LOG]!><time=\"10:00:00.000+480\" date=\"01-15-2024\" component=\"W\" type=\"3\">\r\n"),
        }
    }
    v
}

fn run(target: fn(&[u8]), rounds: usize) {
    run_on(target, rounds, seeds());
}

fn run_on(target: fn(&[u8]), rounds: usize, seeds: Vec<Vec<u8>>) {
    let mut rng = Rng(0x5EED_F00D);
    for s in &seeds {
        target(s);
    }
    for i in 0..rounds {
        let base = &seeds[i % seeds.len()];
        target(&mutate(&mut rng, base));
    }
}

#[test]
fn parse_any() {
    run(fuzzing::parse_any, 3000);
}

#[test]
fn decode_chunks() {
    run(fuzzing::decode_chunks, 3000);
}

#[test]
fn zip() {
    run(fuzzing::zip, 2000);
}

#[test]
fn code_lookup() {
    run(fuzzing::code_lookup, 3000);
}

#[test]
fn kb_search() {
    run(fuzzing::kb_search, 1000);
}

#[test]
fn analysis() {
    run(fuzzing::analysis, 300);
}

#[test]
fn config() {
    run(fuzzing::config, 3000);
}

#[test]
fn etl() {
    run(fuzzing::etl, 1000);
}

/// The same from the real traces (../shared/reallogs/etl).
#[test]
fn real_logs_etl() {
    let dir = wulens_testdata::real_logs().join("etl");
    let mut seeds = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap().flatten().filter(|e| e.path().extension().is_some_and(|x| x == "etl")) {
        seeds.push(std::fs::read(e.path()).unwrap());
    }
    assert!(seeds.len() >= 3, "real traces in {}: {}", dir.display(), seeds.len());
    run_on(fuzzing::etl, 1000, seeds);
}
