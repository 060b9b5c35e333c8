//! The state every parser fills: entries, the component table, the line counter; and the same
//! state between two pieces of a text ([`Suspended`]).

use rustc_hash::FxHashMap;

use crate::model::lines::{Line, Lines};
use crate::model::{Entry, PieceParse, Severity, NO_COMPONENT};

/// What a parser hands back for one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Its records and unparsed lines, in order, tiling the physical lines.
    pub entries: Vec<Entry>,
    /// Component names, indexed by [`Entry::component`].
    pub components: Vec<String>,
    /// Threads are written in hex in this format (the viewer shows them so).
    pub thread_hex: bool,
    /// Offset (ISO minutes) a header line stated for the whole file, when the format has one.
    pub header_offset: Option<i32>,
    /// Things the user should know about what the parser met (CMTrace records without an end marker).
    pub notes: Vec<String>,
    /// Physical lines in the text parsed.
    pub physical_lines: u32,
}

/// A file's parser notes stop here.
pub(super) const MAX_NOTES: usize = 20;

/// Shared state of a parse: the entries so far, the component table, the line counter. All of
/// it but the text is owned, so a parse can stop at a piece's end and go on with the next piece
/// of a text that grew meanwhile ([`Builder::suspend`], [`Builder::resume`]).
pub struct Builder<'t> {
    /// The whole text being parsed; entries' offsets index it.
    pub text: &'t str,
    /// Where this parse starts in `text` (a record boundary; 0 unless the file is in pieces).
    pub start: usize,
    /// CMTrace records without an end marker (one note says how many).
    pub truncated_records: u32,
    /// What the parse has built so far (entries, components, notes).
    pub out: Parsed,
    components: FxHashMap<String, u16>,
    /// The last component interned (an index into `out.components`): most records repeat the
    /// one before.
    last_component: u16,
    /// 1-based number of the next physical line.
    pub line_no: u32,
}

/// A [`Builder`] between two pieces of a text: everything it built, without the text.
pub(super) struct Suspended {
    pub(super) out: Parsed,
    components: FxHashMap<String, u16>,
    last_component: u16,
    pub(super) line_no: u32,
    truncated_records: u32,
}

impl Default for Suspended {
    /// A parse that has seen nothing yet.
    fn default() -> Suspended {
        Suspended { out: Parsed::default(), components: FxHashMap::default(), last_component: NO_COMPONENT, line_no: 1, truncated_records: 0 }
    }
}

impl Suspended {
    /// What the parse built, as [`parse`] gives it. The entries' vector gives back what its
    /// guess reserved beyond them, for the files read after this one.
    pub(super) fn finish(self) -> Parsed {
        let mut parsed = Builder::resume("", 0, self).finish();
        parsed.entries.shrink_to_fit();
        parsed
    }

    /// Go on with a piece parsed alone, whose entries' offsets are already the text's: its
    /// lines and components renumbered as one pass numbers them (as [`merge`] does).
    pub(super) fn append(&mut self, part: Part) {
        let map: Vec<u16> = part.components.into_iter().map(|c| self.intern(c)).collect();
        let mut entries = part.entries;
        renumber(&mut entries, self.line_no - 1, &map);
        self.out.entries.extend_from_slice(&entries);
        self.line_no += part.lines;
        self.truncated_records += part.truncated_records;
        self.out.thread_hex |= part.thread_hex;
        self.out.header_offset = self.out.header_offset.or(part.header_offset);
        let room = MAX_NOTES.saturating_sub(self.out.notes.len());
        self.out.notes.extend(part.notes.into_iter().take(room));
    }

    /// The number of component `name`, added if new.
    pub(super) fn intern(&mut self, name: String) -> u16 {
        if let Some(&i) = self.components.get(&name) {
            return i;
        }
        let i = self.out.components.len();
        if i >= NO_COMPONENT as usize {
            return NO_COMPONENT;
        }
        self.components.insert(name.clone(), i as u16);
        self.out.components.push(name);
        i as u16
    }
}

impl<'t> Builder<'t> {
    /// A fresh parse of `text` from byte `start` (a record boundary), line 1.
    pub fn new(text: &'t str, start: usize) -> Builder<'t> {
        Builder::resume(text, start, Suspended::default())
    }

    /// Go on with `text[start..]` (`start` is a record boundary) from where `s` stopped.
    pub(super) fn resume(text: &'t str, start: usize, s: Suspended) -> Builder<'t> {
        let Suspended { mut out, components, last_component, line_no, truncated_records } = s;
        out.entries.reserve(text.len().saturating_sub(start) / 120);
        Builder { text, start, truncated_records, out, components, last_component, line_no }
    }

    /// Stop here, keeping what was built (see [`Builder::resume`]).
    pub(super) fn suspend(self) -> Suspended {
        let Builder { out, components, last_component, line_no, truncated_records, .. } = self;
        Suspended { out, components, last_component, line_no, truncated_records }
    }

    /// The physical lines of the text from byte `from`.
    pub fn lines(&self, from: usize) -> Lines<'t> {
        Lines::new(self.text, from)
    }

    /// Keep `l` as one unparsed line; a blank line belongs to the record before it, whatever
    /// the format (it is no line a reader could not read).
    pub fn unparsed(&mut self, l: &Line) {
        if super::bytes::is_blank(&self.text.as_bytes()[l.start..l.end]) && self.continue_last(l, false) {
            return;
        }
        self.out.entries.push(Entry::unparsed(l.start, l.end, self.line_no));
        self.line_no += 1;
    }

    /// `l` continues the last record of this parse (its message too when `message`: text the
    /// writer put on the next line of the same record); false when the last entry is not a
    /// record of this parse (none, unparsed text, or a piece before this one).
    pub fn continue_last(&mut self, l: &Line, message: bool) -> bool {
        let start = self.start;
        // A record holds at most `u16::MAX` lines; the next is a line of its own.
        let Some(e) = self.out.entries.last_mut().filter(|e| e.parsed && e.start as usize >= start && e.lines < u16::MAX) else { return false };
        e.end = l.end as u32;
        e.lines += 1;
        if message {
            e.msg_end = l.end as u32;
        }
        self.line_no += 1;
        true
    }

    /// The last record of this parse, if the last entry is one.
    pub fn last_record(&self) -> Option<&Entry> {
        self.out.entries.last().filter(|e| e.parsed && e.start as usize >= self.start)
    }

    /// Add a parsed record spanning `lines` physical lines.
    pub fn record(&mut self, mut e: Entry, lines: u32) {
        e.line = self.line_no;
        e.parsed = true;
        let Ok(n) = u16::try_from(lines) else { return self.record_cut(e) };
        e.lines = n;
        self.out.entries.push(e);
        self.line_no += lines;
    }

    /// A record of more lines than an entry counts (a 65,536-line message): its first
    /// `u16::MAX` lines stay the record and the rest are kept as unparsed lines, so that every
    /// line is still in exactly one entry.
    #[cold]
    fn record_cut(&mut self, mut e: Entry) {
        let end = e.end as usize;
        let mut lines = Lines::new(self.text, e.start as usize).take_while(|l| l.start <= end);
        let last = lines.by_ref().take(u16::MAX as usize).last().expect("a record has lines");
        e.end = last.end as u32;
        e.msg_end = e.msg_end.min(e.end);
        e.msg_start = e.msg_start.min(e.msg_end);
        e.lines = u16::MAX;
        self.out.entries.push(e);
        self.line_no += u32::from(u16::MAX);
        for l in lines {
            self.out.entries.push(Entry::unparsed(l.start, l.end.min(end), self.line_no));
            self.line_no += 1;
        }
    }

    /// Add a record that is the whole line `l`, its message from `msg_start` and its component
    /// at `component` (both relative to the line): the shape of every one-line-per-record format.
    #[allow(clippy::too_many_arguments)]
    pub fn line_record(&mut self, l: &Line, msg_start: usize, time: i64, offset: i16, component: std::ops::Range<usize>, thread: u32, severity: Severity) {
        let component = self.component(&self.text[l.start + component.start..l.start + component.end]);
        let e = Entry {
            start: l.start as u32,
            end: l.end as u32,
            msg_start: (l.start + msg_start) as u32,
            msg_end: l.end as u32,
            line: 0,
            lines: 0,
            time,
            offset,
            component,
            thread,
            severity,
            parsed: true,
        };
        self.record(e, 1);
    }

    /// Index of a component name, interned per file.
    pub fn component(&mut self, name: &str) -> u16 {
        if name.is_empty() {
            return NO_COMPONENT;
        }
        if self.out.components.get(self.last_component as usize).is_some_and(|last| last == name) {
            return self.last_component;
        }
        if let Some(&i) = self.components.get(name) {
            self.last_component = i;
            return i;
        }
        let i = self.out.components.len();
        if i >= NO_COMPONENT as usize {
            return NO_COMPONENT;
        }
        self.out.components.push(name.to_string());
        self.components.insert(name.to_string(), i as u16);
        i as u16
    }

    /// Add a note for the user about this file (the first `MAX_NOTES` are kept).
    pub fn note(&mut self, note: String) {
        if self.out.notes.len() < MAX_NOTES {
            self.out.notes.push(note);
        }
    }

    pub(super) fn finish(mut self) -> Parsed {
        self.out.physical_lines = self.line_no - 1;
        if self.truncated_records > 0 {
            let note = truncated_note(self.truncated_records);
            self.note(note);
        }
        self.out
    }
}

/// What one piece's parse leaves: owned, so the text may grow (and move) after it. The same
/// value a scanning worker hands back for a piece it parsed (offsets from the piece's start).
pub(super) type Part = PieceParse;

impl From<Builder<'_>> for Part {
    fn from(b: Builder<'_>) -> Part {
        let out = b.out;
        PieceParse {
            entries: out.entries,
            components: out.components,
            lines: b.line_no - 1,
            thread_hex: out.thread_hex,
            header_offset: out.header_offset,
            notes: out.notes,
            truncated_records: b.truncated_records,
        }
    }
}

/// A piece's entry as the whole file numbers it: its line after the `base` lines before the
/// piece, its component through `map` (the piece's table into the file's).
pub(super) fn renumbered(e: &Entry, base: u32, map: &[u16]) -> Entry {
    let mut e = *e;
    e.line += base;
    if e.component != NO_COMPONENT {
        e.component = map[e.component as usize];
    }
    e
}

/// [`renumbered`], in place.
pub(super) fn renumber(entries: &mut [Entry], base: u32, map: &[u16]) {
    for e in entries {
        *e = renumbered(e, base, map);
    }
}

/// The note on records without an end marker (one per file, however many pieces it was read in).
pub(crate) fn truncated_note(truncated: u32) -> String {
    let records = crate::model::counted(truncated as usize, "CMTrace record has", "CMTrace records have");
    format!("{records} no ]LOG]!> end marker (the file may be cut off); their first lines are kept as text")
}
