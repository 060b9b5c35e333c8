//! Following logs that are still being written (the worker polls the files' handles).
//!
//! The worker hands over only the bytes a file gained since it was last read; they are decoded
//! with the file's encoding (a decoder per file carries a character cut between two reads) and
//! parsed onto the end of the file (`Analysis::append`): what was read before is not parsed
//! again. A file that became shorter was rotated or truncated and is read again from its start.
//! Memory stays bounded: a followed file's oldest records are let go once its text passes
//! [`KEEP_BYTES`].

use wasm_bindgen::prelude::*;
use wulens_core::input::Decoder;
use wulens_core::report::ReportLimits;
use wulens_core::Report;

use crate::convert::{report_texts, to_js};
use crate::error::Error;
use crate::protocol::Filtered;
use crate::session::Session;

/// A followed file's text is kept under this size: past it, the oldest half is let go.
pub const KEEP_BYTES: usize = 64 << 20;

#[wasm_bindgen]
impl Session {
    /// The index of the analysed file read from `path` (a file dropped or picked as it is on disk,
    /// not a member of a zip), for `grow` / `restart`; `None` when there is none.
    pub fn file_index(&self, path: &str) -> Option<u32> {
        let a = self.analysis()?;
        a.files.iter().position(|f| f.name == path).map(|i| i as u32)
    }

    /// `chunk`: the next bytes at the end of file `file`.
    pub fn grow(&mut self, file: u32, chunk: &[u8]) {
        self.grow_bytes(file as usize, chunk);
    }

    /// File `file` is now `bytes`, read again from its start (it became shorter).
    pub fn restart(&mut self, file: u32, bytes: Vec<u8>) {
        self.restart_bytes(file as usize, bytes);
    }

    /// After a round of growth: bound memory and bring the view up to date. Answers `Filtered`
    /// (rows in the view, rows in all).
    pub fn settle(&mut self) -> Result<JsValue, JsError> {
        let filtered = self.settle_view()?;
        Ok(to_js(&filtered)?)
    }

    /// The page's report of everything read so far (a `Report`, as the JSON texts of its parts).
    pub fn page_report(&self) -> Result<Vec<String>, JsError> {
        let a = self.analysis().ok_or(Error::NotAnalysed)?;
        Ok(report_texts(Report::build_with(a, ReportLimits::PAGE))?)
    }
}

impl Session {
    pub fn grow_bytes(&mut self, file: usize, chunk: &[u8]) {
        let Ok(d) = self.analysed() else { return };
        let Some(f) = d.analysis.files.get(file) else { return };
        if !f.is_text() {
            // Empty when first read: read it whole now that it has bytes.
            return self.read_again(file, chunk.to_vec(), false);
        }
        let encoding = f.encoding.unwrap_or(wulens_core::model::TextEncoding::Utf8);
        let decoder = d.decoders.entry(file).or_insert_with(|| Decoder::continuing(encoding));
        let mut text = String::with_capacity(chunk.len());
        decoder.push(chunk, false, &mut text);
        d.analysis.append(file, &text, chunk.len() as u64);
    }

    pub fn restart_bytes(&mut self, file: usize, bytes: Vec<u8>) {
        self.read_again(file, bytes, true);
    }

    /// Read file `file` again from its start: it became shorter (`shrank`, noted), or was empty
    /// when first read and now has bytes (kept empty while they are still not text).
    fn read_again(&mut self, file: usize, bytes: Vec<u8>, shrank: bool) {
        let Ok(d) = self.analysed() else { return };
        let Some(f) = d.analysis.files.get(file) else { return };
        let fresh = wulens_core::input::load(wulens_core::Input { name: f.name.clone(), bytes: bytes.into() });
        if !shrank && !fresh.is_text() {
            return;
        }
        d.decoders.remove(&file);
        if shrank {
            d.analysis.restart_file(file, fresh);
        } else {
            d.analysis.replace_file(file, fresh);
        }
    }

    pub fn settle_view(&mut self) -> Result<Filtered, Error> {
        let d = self.analysed()?;
        let (a, v) = (&mut d.analysis, &mut d.view);
        for file in 0..a.files.len() {
            let f = &a.files[file];
            if f.text.len() > KEEP_BYTES {
                // Keep the newest half: the first record past the midpoint.
                let mid = (f.text.len() - KEEP_BYTES / 2) as u32;
                let first = f.entries.partition_point(|e| e.start < mid);
                a.let_go_before(file, first);
            }
        }
        let count = v.rebuild(a).map_err(Error::View)?;
        Ok(Filtered { count, total: v.total() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Request, Response, Rows};
    use wulens_core::model::VerdictStatus;

    fn cm(msg: &str, sec: u32, sev: u8) -> String {
        format!("<![LOG[{msg}]LOG]!><time=\"10:00:{sec:02}.000+000\" date=\"06-12-2024\" component=\"WUAHandler\" context=\"\" type=\"{sev}\" thread=\"1\" file=\"x.cpp:1\">\r\n")
    }

    fn session(text: &str) -> Session {
        let mut s = Session::new();
        let h = s.begin_file("CCM/Logs/WUAHandler.log".into(), text.len() as f64).unwrap();
        s.push_chunk(h, text.as_bytes()).unwrap();
        s.end_file(h).unwrap();
        s.analyze_report().unwrap();
        s
    }

    #[test]
    fn a_followed_log_gains_rows_and_the_verdict_follows() {
        let start = [
            cm("Its a WSUS Update Source type ({3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}), adding it.", 1, 1),
            cm("Async searching of updates using WUAgent started.", 2, 1),
        ]
        .concat();
        let mut s = session(&start);
        let file = s.file_index("CCM/Logs/WUAHandler.log").unwrap();
        assert_eq!(s.settle_view().unwrap().count, 2);
        let more = [cm("OnSearchComplete - Failed to end search job. Error = 0x80244022.", 3, 3), cm("Scan failed with error = 0x80244022.", 4, 3)].concat();
        // Two reads that cut a record (and a UTF-8 character would be carried the same way).
        s.grow(file, &more.as_bytes()[..37]);
        s.grow(file, &more.as_bytes()[37..]);
        let filtered = s.settle_view().unwrap();
        assert_eq!((filtered.count, filtered.total), (4, 4));
        let Response::Rows(Rows { rows, .. }) = s.answer(Request::Rows { start: 0, count: 10 }).unwrap() else { panic!() };
        assert!(rows[3].text.contains("Scan failed"));
        let report = Report::build_with(s.analysis().unwrap(), ReportLimits::PAGE);
        assert_eq!(report.summary.status, VerdictStatus::Failed);
        assert_eq!(report.errors[0].code, "0x80244022");
    }

    #[test]
    fn a_log_that_shrinks_is_read_again_and_an_empty_one_when_it_fills() {
        let mut s = session(&cm("old scan 0x80244022", 1, 3));
        s.restart_bytes(0, cm("new start", 5, 1).into_bytes());
        let a = s.analysis().unwrap();
        assert_eq!(a.files[0].entries.len(), 1);
        assert!(a.codes.is_empty());
        assert!(a.files[0].notes.iter().any(|n| n.contains("rotated or truncated")));

        let mut s = session("");
        let file = s.file_index("CCM/Logs/WUAHandler.log").unwrap();
        s.grow(file, cm("first words 0x8024401B", 1, 3).as_bytes());
        assert_eq!(s.settle_view().unwrap().count, 1);
        assert_eq!(s.analysis().unwrap().codes[0].code, 0x8024_401B);
    }

    #[test]
    fn memory_stays_bounded_while_following() {
        let mut s = session(&cm("start", 0, 1));
        let line = cm(&"x".repeat(1000), 1, 1);
        let block = line.repeat(4096); // ~4.5 MB
        for _ in 0..40 {
            s.grow(0, block.as_bytes());
            s.settle_view().unwrap();
        }
        let f = &s.analysis().unwrap().files[0];
        assert!(f.text.len() <= KEEP_BYTES, "{} bytes kept", f.text.len());
        assert!(f.notes.iter().any(|n| n.contains("let go while following")));
        assert!(f.entries[0].line > 1);
    }
}
