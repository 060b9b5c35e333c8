//! Following logs that are still being written: new text is parsed and scanned for codes on its
//! own, and folded into what the analysis knows. What was read before is neither parsed nor
//! scanned again (only the last record, which the new text may complete).

use super::{scan_file_codes_from, Analysis, CodeStats, Occurrence};
use crate::model::LogFile;

/// What one append changed in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The first entry of the file that is new or was re-read.
    pub first_entry: usize,
    /// Entries of the file after the append.
    pub entries: usize,
}

impl Analysis {
    /// Append decoded `text` (`bytes` long on disk) to file `file` and fold its records in.
    pub fn append(&mut self, file: usize, text: &str, bytes: u64) -> Appended {
        let restart = self.files[file].restart_entry();
        self.forget_codes_from(file, restart);
        let f = &mut self.files[file];
        let first = f.append_text(text, bytes);
        debug_assert_eq!(first, restart);
        self.learn_codes_from(file, first);
        self.resolve_offsets();
        Appended { first_entry: first, entries: self.files[file].entries.len() }
    }

    /// Put `fresh` (the file read again from its start: it was rotated or truncated) in place of
    /// file `file`, keeping its name and place, with a note saying so.
    pub fn restart_file(&mut self, file: usize, mut fresh: LogFile) {
        fresh.notes.push("The file became shorter while it was followed (rotated or truncated): it was read again from its start.".into());
        self.replace_file(file, fresh);
    }

    /// Put `fresh` in place of file `file`, keeping its name and place (a file that was empty
    /// when first read, read now that it has bytes).
    pub fn replace_file(&mut self, file: usize, mut fresh: LogFile) {
        self.forget_codes_from(file, 0);
        fresh.name = self.files[file].name.clone();
        self.files[file] = fresh;
        self.learn_codes_from(file, 0);
        self.resolve_offsets();
    }

    /// Drop file `file`'s records before entry `first` to bound memory (see
    /// [`LogFile::let_go_before`]); the codes they held are forgotten too.
    pub fn let_go_before(&mut self, file: usize, first: usize) -> usize {
        let dropped_hits = self.entry_codes[file].partition_point(|&(e, _)| (e as usize) < first);
        let gone: Vec<(u32, u32)> = self.entry_codes[file].drain(..dropped_hits).collect();
        for (entry, code) in gone {
            self.drop_occurrence(file as u32, entry, code);
        }
        self.machines = None;
        let n = self.files[file].let_go_before(first) as u32;
        for (e, _) in &mut self.entry_codes[file] {
            *e -= n;
        }
        for s in &mut self.codes {
            for o in s.occurrences.iter_mut().filter(|o| o.file == file as u32) {
                o.entry -= n;
            }
        }
        n as usize
    }

    /// Forget the code hits of file `file` from entry `from` on.
    fn forget_codes_from(&mut self, file: usize, from: usize) {
        let keep = self.entry_codes[file].partition_point(|&(e, _)| (e as usize) < from);
        let gone: Vec<(u32, u32)> = self.entry_codes[file].drain(keep..).collect();
        for (entry, code) in gone {
            self.drop_occurrence(file as u32, entry, code);
        }
    }

    fn drop_occurrence(&mut self, file: u32, entry: u32, code: u32) {
        let Ok(i) = self.codes.binary_search_by_key(&code, |c| c.code) else { return };
        let s = &mut self.codes[i];
        if let Some(p) = s.occurrences.iter().position(|o| o.file == file && o.entry == entry) {
            s.occurrences.remove(p);
            s.count -= 1;
        }
        if s.count == 0 {
            self.codes.remove(i);
        }
    }

    /// Scan file `file` from entry `from` on for codes and add them.
    fn learn_codes_from(&mut self, file: usize, from: usize) {
        let hits = scan_file_codes_from(&mut self.files[file], from);
        for h in hits {
            let occurrence = Occurrence { file: file as u32, entry: h.entry, line: h.line };
            let i = match self.codes.binary_search_by_key(&h.code, |c| c.code) {
                Ok(i) => i,
                Err(i) => {
                    self.codes.insert(i, CodeStats { code: h.code, count: 0, occurrences: Vec::new(), stated_symbol: None });
                    i
                }
            };
            let s = &mut self.codes[i];
            s.count += 1;
            // Occurrences are in (file, entry) order.
            let at = s.occurrences.partition_point(|o| (o.file, o.entry) < (occurrence.file, occurrence.entry));
            s.occurrences.insert(at, occurrence);
            if s.stated_symbol.is_none() {
                s.stated_symbol = h.stated_symbol;
            }
            self.entry_codes[file].push((h.entry, h.code));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analysis;
    use crate::read::{Input, Limits};

    fn cm(msg: &str, sec: u32, sev: u8) -> String {
        format!("<![LOG[{msg}]LOG]!><time=\"10:00:{sec:02}.000+000\" date=\"06-12-2024\" component=\"WUAHandler\" context=\"\" type=\"{sev}\" thread=\"1\" file=\"x.cpp:1\">\r\n")
    }

    fn whole(lines: &[String]) -> Analysis {
        Analysis::from_inputs(vec![Input { name: "CCM/Logs/WUAHandler.log".into(), bytes: lines.concat().into_bytes().into() }], &Limits::default())
    }

    #[test]
    fn letting_go_forgets_the_codes_of_what_was_dropped() {
        let lines = vec![cm("Scan failed with error = 0x80244022.", 1, 3), cm("fine", 2, 1), cm("again 0x80244022 and 0x8024401B", 3, 3)];
        let mut a = whole(&lines);
        assert_eq!(a.let_go_before(0, 1), 1);
        let c = a.code_stats(0x8024_4022).unwrap();
        assert_eq!(c.count, 1);
        assert_eq!(c.occurrences[0].entry, 1);
        assert_eq!(c.occurrences[0].line, 3);
        assert_eq!(a.entry_codes[0], vec![(1, 0x8024_4022), (1, 0x8024_401B)]);
        assert_eq!(a.let_go_before(0, 2), 2);
        assert!(a.codes.is_empty());
    }
}
