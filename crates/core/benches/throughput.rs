//! Throughput of the core, in MB/s, on generated logs (crates/loggen): `cargo bench -p wulens-core`.
//!
//! - `parse/<format>`: decode nothing, detect and parse one file's text.
//! - `codes`: find error codes in every record of a parsed file.
//! - `analyze`: everything the CLI does after reading the files: decode, detect, parse, codes,
//!   time zones, scan flows, rules, the report (all four generated files, 8 MB in all).
//! - `analyze_one`: the same for one big file of one shape (`updatesstore`: UpdatesStore.log's
//!   update-status traffic; `guids`: the same log naming a new update id on almost every line;
//!   `windowsupdate`: a Get-WindowsUpdateLog WindowsUpdate.log), 32 MB: big enough to be cut in
//!   pieces parsed and scanned on all cores.
//! - `redact/<file>`: learn the names a file states, then redact it (`Redactor`), one thread.

use divan::counter::BytesCount;
use divan::Bencher;
use wulens_core::{Analysis, Input, Limits, Report};

const SIZE: u64 = 8 << 20;

fn main() {
    divan::main();
}

#[divan::bench(args = ["WUAHandler.log", "WindowsUpdate.log", "CBS.log", "UpdatesStore.log"])]
fn parse(b: Bencher, name: &str) {
    let text = if name == "UpdatesStore.log" { wulens_loggen::single_text("updatesstore", SIZE, 7) } else { wulens_loggen::text(name, SIZE, 7) };
    b.counter(BytesCount::new(text.len())).bench(|| {
        let format = wulens_core::input::detect(&text, name);
        divan::black_box(wulens_core::input::parse::parse(format, &text).entries.len())
    });
}

#[divan::bench(args = ["WUAHandler.log", "WindowsUpdate.log", "CBS.log"])]
fn redact(b: Bencher, name: &str) {
    let text = wulens_loggen::text(name, SIZE, 7);
    b.counter(BytesCount::new(text.len())).bench(|| {
        let mut r = wulens_core::redact::Redactor::new();
        r.learn(&text);
        divan::black_box(r.redact(&text).len())
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
    let files: Vec<(String, wulens_core::input::Bytes)> =
        wulens_loggen::PLAN.iter().map(|(name, share)| (name.to_string(), wulens_loggen::text(name, (SIZE as f64 * share) as u64, 7).into())).collect();
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    b.counter(BytesCount::new(total)).with_inputs(|| files.iter().map(|(n, b)| Input { name: n.clone(), bytes: b.clone() }).collect::<Vec<_>>()).bench_values(
        |inputs| {
            let a = Analysis::from_inputs(inputs, &Limits::default());
            divan::black_box(Report::build(&a).errors.len())
        },
    );
}

#[divan::bench(args = ["updatesstore", "guids", "windowsupdate"], sample_count = 20)]
fn analyze_one(b: Bencher, shape: &str) {
    let name = wulens_loggen::SHAPES.iter().find(|(s, _)| *s == shape).map(|(_, n)| *n).expect("a shape");
    let bytes: wulens_core::input::Bytes = wulens_loggen::single_text(shape, 32 << 20, 7).into();
    b.counter(BytesCount::new(bytes.len())).with_inputs(|| vec![Input { name: name.to_string(), bytes: bytes.clone() }]).bench_values(|inputs| {
        let a = Analysis::from_inputs(inputs, &Limits::default());
        divan::black_box(Report::build(&a).errors.len())
    });
}

/// One knowledge-base search per query, as the search box runs it on every keystroke: a single
/// letter (every entry matches), a word, a code prefix, and a pasted log paragraph.
#[divan::bench(args = ["a", "proxy", "0x8024", "2024-05-31 16:45:33.779 2464 *FAILED* [80072EE2] Library download error. Will retry. Retry Counter:0 WinHttp: SendRequestToServerForFileInformation"])]
fn kb_search(query: &str) -> usize {
    wulens_kb::search(divan::black_box(query), 20).len()
}
