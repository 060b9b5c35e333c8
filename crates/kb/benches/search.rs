//! Time of one knowledge-base search and one lookup over the whole base (16,000+ entries):
//! `cargo bench -p wulens-kb`. The search box runs a search on every keystroke, so each query
//! must stay well under 5 ms natively.

fn main() {
    // Build the lower-cased haystacks once, as the first keystroke of a session does.
    divan::black_box(wulens_kb::search("warm up", 1));
    divan::main();
}

/// Typical queries: a single letter (most entries match), a word, two words, a symbolic name, a
/// code prefix, a code, a Win32 number, and a pasted log paragraph (cut to 12 words).
const QUERIES: [&str; 9] = [
    "a",
    "proxy",
    "proxy 407",
    "access denied",
    "WU_E_PT_HTTP_STATUS_SERVICE_UNAVAILABLE",
    "0x8024",
    "0xC1900101",
    "1603",
    "2024-05-31 16:45:33.779 2464 *FAILED* [80072EE2] Library download error. Will retry. Retry Counter:0 WinHttp: SendRequestToServerForFileInformation",
];

#[divan::bench(args = QUERIES)]
fn search(query: &str) -> usize {
    wulens_kb::search(divan::black_box(query), 20).len()
}

#[divan::bench(args = ["0x80070643", "1603", "STATUS_ACCESS_VIOLATION", "-2145107934"])]
fn lookup(input: &str) -> bool {
    wulens_kb::lookup(divan::black_box(input)).is_ok_and(|l| l.known())
}
