//! `wulens redact` and the `--redact` of `analyze` and `collect`: what leaves for a vendor, a
//! forum or Microsoft, with computer, host and user names, addresses, SIDs, e-mail addresses and
//! device ids replaced by stable pseudonyms (`wulens_core::redact::Redactor`). The redactor learns from
//! every text of the drop first, so a name one log states is replaced in all of them.

use std::path::Path;

pub use wulens_core::redact::learned;
use wulens_core::redact::{self, Redactor};
use wulens_core::Analysis;

/// Write the redacted zip to `path` (none is left behind when writing fails).
pub fn write_file(analysis: &Analysis, redactor: &mut Redactor, path: &Path) -> Result<(u64, usize), String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
    let file = std::fs::File::create(path).map_err(|e| fail(&e))?;
    let written = redact::write_zip(analysis, redactor, std::io::BufWriter::new(file))
        .and_then(|(w, n)| w.into_inner().map(|f| (f, n)).map_err(|e| e.into_error().into()));
    match written {
        Ok((file, n)) => file.metadata().map(|m| (m.len(), n)).map_err(|e| fail(&e)),
        Err(e) => {
            let _ = std::fs::remove_file(path);
            Err(fail(&e))
        }
    }
}
