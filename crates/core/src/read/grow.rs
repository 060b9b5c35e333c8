//! A log that is still being written: new text is parsed onto the end of its `LogFile`, and what
//! was read before is not parsed again.
//!
//! The last record read so far may have been cut off mid-line (the writer had not finished it)
//! or may gain continuation lines (a CMTrace message with line breaks), so it is parsed again
//! together with the new text; everything before it stays as it is. A log followed for hours
//! would grow without bound, so [`LogFile::let_go_before`] drops the oldest records, keeping the
//! physical line numbers of the rest (evidence names lines of the file on disk).

use crate::model::{LogFile, NO_COMPONENT};

/// The most unparsed lines at the end of a file that are parsed again with new text.
const MAX_REPARSED_LINES: usize = 1000;

impl LogFile {
    /// Append decoded `text` to the file and parse it. Returns the index of the first entry that
    /// is new or changed: the previous last entry is re-parsed with the new text.
    pub fn append_text(&mut self, text: &str, added_bytes: u64) -> usize {
        self.bytes += added_bytes;
        if text.is_empty() {
            return self.entries.len();
        }
        // What was found while it was read no longer covers its records.
        self.prescan = None;
        let restart = self.restart_entry();
        let (from_byte, from_line) = match self.entries.get(restart) {
            Some(e) => (e.start as usize, e.line),
            None => (self.text.len(), self.physical_lines + 1),
        };
        self.text.push_str(text);
        let parsed = crate::read::parse::parse(self.format, &self.text[from_byte..]);
        // The tail's components are interned anew: map them onto the file's table.
        let map: Vec<u16> = parsed.components.iter().map(|c| self.component_index(c)).collect();
        let shift = from_byte as u32;
        let line_shift = from_line - 1;
        self.entries.truncate(restart);
        self.entries.extend(parsed.entries.into_iter().map(|mut e| {
            e.move_by(shift);
            e.line += line_shift;
            if e.component != NO_COMPONENT {
                e.component = map.get(e.component as usize).copied().unwrap_or(NO_COMPONENT);
            }
            e
        }));
        self.physical_lines = line_shift + parsed.physical_lines;
        restart
    }

    /// Where parsing resumes: the last parsed record (new lines may continue it) with the
    /// unparsed lines after it (they may be the start of a record cut off by the read); in a
    /// format whose lines take the context of the record before them (the CBS layout), the
    /// last record that starts on its own, where a big file may be cut too. A long run of
    /// unparsed lines (plain text) resumes at its last line only, so appending stays linear.
    pub(crate) fn restart_entry(&self) -> usize {
        let n = self.entries.len();
        if let Some(b) = crate::read::parse::boundary(self.format) {
            let text = self.text.as_bytes();
            let on_its_own = |e: &crate::model::Entry| e.parsed && (b.starts)(&text[e.start as usize..]);
            if let Some(back) = self.entries.iter().rev().take(MAX_REPARSED_LINES).position(on_its_own) {
                return n - 1 - back;
            }
        }
        let tail = self.entries.iter().rev().take(MAX_REPARSED_LINES).take_while(|e| !e.parsed).count();
        if tail == MAX_REPARSED_LINES {
            return n - 1;
        }
        n.saturating_sub(tail + 1)
    }

    /// The index of component `name`, added to the table when new.
    fn component_index(&mut self, name: &str) -> u16 {
        if let Some(i) = self.components.iter().position(|c| c == name) {
            return i as u16;
        }
        if self.components.len() >= NO_COMPONENT as usize {
            return NO_COMPONENT;
        }
        self.components.push(name.to_string());
        (self.components.len() - 1) as u16
    }

    /// Drop the records before entry `first` (and their text). Line numbers are kept; a note
    /// says how many lines were let go. Returns the number of entries dropped.
    pub fn let_go_before(&mut self, first: usize) -> usize {
        let first = first.min(self.entries.len());
        if first == 0 {
            return 0;
        }
        self.prescan = None;
        let cut = self.entries.get(first).map_or(self.text.len(), |e| e.start as usize);
        let last_line = self.entries[first - 1].last_line();
        self.text.drop_front(cut);
        self.entries.drain(..first);
        let cut = cut as u32;
        for e in &mut self.entries {
            e.start -= cut;
            e.end -= cut;
            e.msg_start -= cut;
            e.msg_end -= cut;
        }
        let note = format!("Lines 1 to {last_line} were let go while following, to keep memory bounded: the analysis covers the lines after them.");
        match self.notes.iter_mut().find(|n| n.starts_with("Lines 1 to ") && n.contains("while following")) {
            Some(n) => *n = note,
            None => self.notes.push(note),
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use crate::model::TextEncoding;
    use crate::read::file::from_text;

    fn cm(msg: &str, sec: u32, comp: &str) -> String {
        format!("<![LOG[{msg}]LOG]!><time=\"10:00:{sec:02}.000+000\" date=\"06-12-2024\" component=\"{comp}\" context=\"\" type=\"1\" thread=\"1\" file=\"x.cpp:1\">\r\n")
    }

    /// Parsing in pieces gives the same entries as parsing at once, wherever the cuts fall.
    #[test]
    fn appending_in_pieces_equals_parsing_at_once() {
        let whole = [
            cm("first", 1, "WUAHandler"),
            cm("second\r\nwith a second line", 2, "ScanAgent"),
            cm("third 0x8024401B", 3, "WUAHandler"),
            "not a record\r\n".to_string(),
            cm("fourth", 4, "Other"),
        ]
        .concat();
        let once = from_text("WUAHandler.log".into(), TextEncoding::Utf8, whole.len() as u64, whole.clone(), Default::default());
        for step in [1, 7, 50, 113, 400] {
            let mut cuts: Vec<usize> = (step..whole.len()).step_by(step).filter(|i| whole.is_char_boundary(*i)).collect();
            cuts.push(whole.len());
            let first = &whole[..cuts[0]];
            let mut f = from_text("WUAHandler.log".into(), TextEncoding::Utf8, first.len() as u64, first.to_string(), Default::default());
            f.format = once.format;
            for w in cuts.windows(2) {
                f.append_text(&whole[w[0]..w[1]], (w[1] - w[0]) as u64);
            }
            assert_eq!(f.text, once.text);
            assert_eq!(f.physical_lines, once.physical_lines, "step {step}");
            assert_eq!(f.entries.len(), once.entries.len(), "step {step}");
            for (a, b) in f.entries.iter().zip(&once.entries) {
                assert_eq!((a.start, a.end, a.line, a.lines, a.time, a.severity), (b.start, b.end, b.line, b.lines, b.time, b.severity), "step {step}");
                assert_eq!(f.component(a), once.component(b));
            }
            assert_eq!(f.bytes, whole.len() as u64);
        }
    }

    /// Lines that take the context of the record before them (the CBS layout's lines without a
    /// timestamp, a SetupAPI section's lines) resume from a record that starts on its own.
    #[test]
    fn context_lines_append_as_they_read_at_once() {
        let cbs = concat!(
            "2020-02-04 17:51:01, Info                  CBS    Failed to repair store. [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]\r\n",
            "2020-02-04 17:51:01, Info                  CBS    \r\n",
            "Checking System Update Readiness.\r\n\r\n",
            "Summary:\r\nOperation result: 0x800f081f\r\nTotal Detected Corruption:\t3\r\n\tCBS Manifest Corruption:\t0\r\n",
            "[1676.1796] [0x80070570] ResExtract:(514): corrupted\r\nCSIPERF:TXCOMMIT;114622\r\n",
            "2020-02-04 17:51:02, Info                  CBS    next\r\n   Original owner: x\r\n",
        );
        let setupapi = concat!(
            ">>>  [Device Install (Hardware initiated) - PCI\\VEN_8086]\r\n>>>  Section start 2023/03/02 05:09:20.100\r\n",
            "     dvi: {Build Driver List} 05:09:20.120\r\n!    inf: warning\r\n<<<  Section end 2023/03/02 05:09:21.000\r\n<<<  [Exit status: SUCCESS]\r\n\r\n",
            ">>>  [Device Install (Hardware initiated) - PCI\\VEN_8086&DEV_2]\r\n>>>  Section start 2023/03/02 05:10:20.100\r\n     dvi: {x} 05:10:21.120\r\n",
        );
        for (name, whole) in [("CBS.log", cbs), ("setupapi.dev.log", setupapi)] {
            let once = from_text(name.into(), TextEncoding::Utf8, whole.len() as u64, whole.to_string(), Default::default());
            assert!(once.entries.iter().all(|e| e.parsed), "{name}");
            for step in [1, 7, 50, 113] {
                let mut f = from_text(name.into(), TextEncoding::Utf8, step as u64, whole[..step].to_string(), Default::default());
                f.format = once.format;
                for from in (step..whole.len()).step_by(step) {
                    let to = (from + step).min(whole.len());
                    f.append_text(&whole[from..to], (to - from) as u64);
                }
                // Component numbers follow the order names were met in (a line cut mid-way
                // meets others): compare the names.
                let key = |f: &crate::model::LogFile| {
                    f.entries.iter().map(|e| (crate::model::Entry { component: 0, ..*e }, f.component(e).to_string())).collect::<Vec<_>>()
                };
                assert_eq!(key(&f), key(&once), "{name} step {step}");
            }
        }
    }

    #[test]
    fn letting_go_keeps_line_numbers_and_says_so() {
        let text = [cm("a", 1, "A"), cm("b\r\nb2", 2, "A"), cm("c", 3, "A")].concat();
        let mut f = from_text("WUAHandler.log".into(), TextEncoding::Utf8, text.len() as u64, text, Default::default());
        assert_eq!(f.let_go_before(2), 2);
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].line, 4);
        assert!(f.record(&f.entries[0]).contains("LOG[c]"));
        assert!(f.notes.iter().any(|n| n.starts_with("Lines 1 to 3 were let go")));
        assert_eq!(f.entry_at_line(4), Some(0));
        f.append_text(&cm("d", 4, "B"), 10);
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[1].line, 5);
        assert_eq!(f.component(&f.entries[1]), "B");
    }
}

/// Every fixture log, appended in pieces of several sizes, ends as it reads at once: the
/// formats' multi-line records, headers and unparsed lines resume correctly wherever a read
/// cuts them.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::read::{load, Input};

    pub(crate) fn logs(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                logs(&p, out);
            } else if p.parent().is_some_and(|d| d.ends_with("logs") || d.components().any(|c| c.as_os_str() == "logs")) {
                out.push(p);
            }
        }
    }

    #[test]
    fn every_fixture_log_appends_as_it_reads_at_once() {
        let mut files = Vec::new();
        logs(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures"), &mut files);
        let mut checked = 0;
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            let once = load(Input { name: path.display().to_string(), bytes: bytes.clone().into() });
            // Only UTF-8 text can be cut at any char boundary without a decoder.
            if !once.is_text() || once.text.len() != bytes.len() || std::str::from_utf8(&bytes).is_err() {
                continue;
            }
            let text = once.text.clone();
            for step in [61, 997] {
                let mut cut = step.min(text.len());
                while !text.is_char_boundary(cut) {
                    cut += 1;
                }
                let mut f = load(Input { name: path.display().to_string(), bytes: text.as_bytes()[..cut].into() });
                f.format = once.format;
                while cut < text.len() {
                    let mut next = (cut + step).min(text.len());
                    while !text.is_char_boundary(next) {
                        next += 1;
                    }
                    f.append_text(&text[cut..next], (next - cut) as u64);
                    cut = next;
                }
                let key = |f: &crate::model::LogFile| {
                    f.entries.iter().map(|e| (e.start, e.end, e.line, e.lines, e.time, e.severity, e.parsed, f.component(e).to_string())).collect::<Vec<_>>()
                };
                assert_eq!(key(&f), key(&once), "{} in pieces of {step}", path.display());
                assert_eq!(f.physical_lines, once.physical_lines);
            }
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} fixture logs were checked");
    }
}
