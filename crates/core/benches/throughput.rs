//! Throughput of the core, in MB/s, on generated logs (crates/loggen): `cargo bench -p wulens-core`.
//!
//! - `parse/<format>`: decode nothing, detect and parse one file's text.
//! - `codes`: find error codes in every record of a parsed file.
//! - `analyze`: everything the CLI does after reading the files: decode, detect, parse, codes,
//!   time zones, scan flows, rules, the report (all four generated files, 8 MB in all).

use divan::counter::BytesCount;
use divan::Bencher;
use wulens_core::{Analysis, Input, Limits, Report};

const SIZE: u64 = 8 << 20;

fn main() {
    divan::main();
}

#[divan::bench(args = ["WUAHandler.log", "WindowsUpdate.log", "CBS.log"])]
fn parse(b: Bencher, name: &str) {
    let text = wulens_loggen::text(name, SIZE, 7);
    b.counter(BytesCount::new(text.len())).bench(|| {
        let format = wulens_core::detect(&text, name);
        divan::black_box(wulens_core::parse::parse(format, &text).entries.len())
    });
}

#[divan::bench]
fn codes(b: Bencher) {
    let text = wulens_loggen::text("WindowsUpdate.log", SIZE, 7);
    b.counter(BytesCount::new(text.len())).bench(|| {
        let mut n = 0usize;
        for line in text.lines() {
            wulens_core::codes::scan(line, |_| n += 1);
        }
        divan::black_box(n)
    });
}

#[divan::bench]
fn analyze(b: Bencher) {
    let files: Vec<(String, Vec<u8>)> =
        wulens_loggen::PLAN.iter().map(|(name, share)| (name.to_string(), wulens_loggen::text(name, (SIZE as f64 * share) as u64, 7).into_bytes())).collect();
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    b.counter(BytesCount::new(total)).with_inputs(|| files.iter().map(|(n, b)| Input { name: n.clone(), bytes: b.clone() }).collect::<Vec<_>>()).bench_values(
        |inputs| {
            let a = Analysis::from_inputs(inputs, &Limits::default());
            divan::black_box(Report::build(&a).errors.len())
        },
    );
}

/// One knowledge-base search per query, as the search box runs it on every keystroke: a single
/// letter (every entry matches), a word, a code prefix, and a pasted log paragraph.
#[divan::bench(args = ["a", "proxy", "0x8024", "2024-05-31 16:45:33.779 2464 *FAILED* [80072EE2] Library download error. Will retry. Retry Counter:0 WinHttp: SendRequestToServerForFileInformation"])]
fn kb_search(query: &str) -> usize {
    wulens_kb::search(divan::black_box(query), 20).len()
}
