//! What the tests that read real logs share. The real logs themselves are found by
//! `wulens_testdata::real_logs()` (crates/testdata), which every test crate uses.

#[allow(dead_code)]
pub mod verdicts;
