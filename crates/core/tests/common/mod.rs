//! What the tests that read real logs share.

use std::path::PathBuf;

#[allow(dead_code)]
pub mod verdicts;

/// The real logs (never copied into the project): `$WULENS_REALLOGS`, `../shared/reallogs`
/// beside the repository, or `/work/shared/reallogs`; `None` where none of them is here.
pub fn reallogs() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("WULENS_REALLOGS").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reallogs")),
        Some(PathBuf::from("/work/shared/reallogs")),
    ];
    candidates.into_iter().flatten().find(|p| p.join("README.md").exists())
}

/// [`reallogs`], or a failure that says what is missing: a test that reads real logs never
/// passes by checking nothing.
#[allow(dead_code)]
pub fn required() -> PathBuf {
    reallogs().expect("../shared/reallogs is needed by this test (set WULENS_REALLOGS to its path)")
}
