//! One parser per format. Each walks the physical lines once and emits entries that tile them
//! (see the invariant in `model.rs`); none allocates per line.

use rustc_hash::FxHashMap;

use crate::model::lines::{Line, Lines};
use crate::model::LogFormat;
use crate::model::{Entry, PieceParse, Severity, NO_COMPONENT};

pub mod cbs;
pub mod cmtrace;
pub mod plain;
pub mod reporting;
pub mod simple;
pub mod wsus;
pub mod wu_etw;
pub mod wu_legacy;

/// What a parser hands back for one file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    pub components: Vec<String>,
    pub thread_hex: bool,
    /// Offset (ISO minutes) a header line stated for the whole file, when the format has one.
    pub header_offset: Option<i32>,
    pub notes: Vec<String>,
    pub physical_lines: u32,
}

/// Parse `text` as `format`. Formats without a parser keep every line as unparsed text.
///
/// A big file of a format whose records can be told apart without context is cut at record
/// boundaries into pieces parsed on all cores and merged in order: the same entries, lines,
/// components and notes as one pass (see [`cuts`]).
pub fn parse(format: LogFormat, text: &str) -> Parsed {
    parse_cut(format, text, &cuts(format, text, crate::par::threads(), PIECE_MIN))
}

/// Parse `text` in the pieces `cuts` delimits (see [`cuts`]).
fn parse_cut(format: LogFormat, text: &str, cuts: &[usize]) -> Parsed {
    if cuts.len() <= 2 {
        return parse_from(format, text, 0).finish();
    }
    let pieces: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    let parts = crate::par::map(pieces, |(from, to)| Part::from(parse_from(format, &text[..to], from)));
    merge_or_whole(format, text, parts)
}

/// The pieces merged; or, when a piece's component table filled up and might have numbered
/// differently than one pass (absurd input), `text` parsed whole.
fn merge_or_whole(format: LogFormat, text: &str, parts: Vec<Part>) -> Parsed {
    if parts.iter().any(|p| p.components.len() >= NO_COMPONENT as usize) {
        return parse_from(format, text, 0).finish();
    }
    merge(parts)
}

/// A text parsed while it arrives (the web worker reads a file chunk by chunk): each time enough
/// whole records have come in, they are parsed as one more piece, cut where [`cuts`] may cut,
/// so that parsing overlaps the reading of the next chunk. The result is exactly [`parse`]'s.
/// The pieces are joined in order into one parse carried from piece to piece ([`Suspended`]):
/// its entries grow in one vector, sized once from the first piece, and nothing is left to
/// merge at the end.
///
/// Delegating, a piece is only cut here: another worker parses it ([`parse_piece`]) and its
/// entries are handed back ([`Incremental::put_part`]), joined as soon as every piece before it
/// is; a piece that never comes back is parsed here by [`Incremental::finish`].
pub struct Incremental {
    format: LogFormat,
    boundary: &'static [u8],
    piece_min: usize,
    delegate: bool,
    /// The text before this is cut into pieces; it is a record boundary.
    done: usize,
    /// The parse of the first `joined` pieces.
    here: Suspended,
    joined: usize,
    /// How long the text is expected to grow (0: not known; see [`Incremental::expect`]).
    expected: usize,
    /// Delegating: pieces handed back but not joined yet (one before them is still out), by piece.
    back: Vec<Option<Part>>,
    /// Each piece's size, (entries, physical lines), once parsed.
    sizes: Vec<Option<(u32, u32)>>,
    /// A piece handed back filled its component table: the text is parsed whole at the end
    /// (its numbering might differ from one pass; absurd input).
    overflow: bool,
    /// Where each piece lies in the text.
    ranges: Vec<std::ops::Range<usize>>,
}

impl Incremental {
    /// `None` when records of `format` cannot be cut: such a file is parsed whole at the end.
    pub fn new(format: LogFormat) -> Option<Incremental> {
        Self::with_piece(format, PIECE_MIN)
    }

    /// [`Incremental::new`], its pieces parsed elsewhere (see above).
    pub fn delegating(format: LogFormat) -> Option<Incremental> {
        Self::new(format).map(|inc| Incremental { delegate: true, ..inc })
    }

    fn with_piece(format: LogFormat, piece_min: usize) -> Option<Incremental> {
        Some(Incremental {
            format,
            boundary: boundary(format)?,
            piece_min,
            delegate: false,
            done: 0,
            here: Suspended::default(),
            joined: 0,
            expected: 0,
            back: Vec::new(),
            sizes: Vec::new(),
            overflow: false,
            ranges: Vec::new(),
        })
    }

    /// The text is expected to grow to about `len` bytes (the file's size): the first piece's
    /// entries say how many the whole will have, and their vector is sized for them once,
    /// instead of doubling as it fills (each time a copy, and new memory to touch).
    pub fn expect(&mut self, len: usize) {
        self.expected = len;
    }

    /// Parse the whole records that arrived since the last piece, once there are at least a
    /// piece's worth. `text` only ever grows: what was parsed before is unchanged.
    pub fn advance(&mut self, text: &str) {
        if text.len() - self.done < self.piece_min {
            return;
        }
        // The last place a record must begin; the cut is just after its line break.
        let Some(i) = memchr::memmem::rfind(&text.as_bytes()[self.done..], self.boundary) else { return };
        self.cut(text, self.done + i + 1);
    }

    /// `text[done..to]` becomes the next piece: parsed on from the pieces before it, or (when
    /// delegating) left for another worker.
    fn cut(&mut self, text: &str, to: usize) {
        self.ranges.push(self.done..to);
        self.done = to;
        if self.delegate {
            self.back.push(None);
            self.sizes.push(None);
        } else {
            let size = self.parse_here(text);
            self.sizes.push(Some(size));
        }
    }

    /// Piece `joined` parsed here, on from the pieces before it: its size.
    fn parse_here(&mut self, text: &str) -> (u32, u32) {
        let range = self.ranges[self.joined].clone();
        let (entries, lines) = (self.here.out.entries.len(), self.here.line_no);
        let mut b = Builder::resume(&text[..range.end], range.start, std::mem::take(&mut self.here));
        run(self.format, &mut b);
        self.here = b.suspend();
        self.joined += 1;
        self.size_once();
        ((self.here.out.entries.len() - entries) as u32, self.here.line_no - lines)
    }

    /// After the first piece: its entries per byte say how many the rest will have (and an
    /// eighth more); never more than the rest of the text itself takes (a piece of blank lines
    /// before long ones must not ask for gigabytes): past that, the vector doubles as it fills.
    fn size_once(&mut self) {
        let to = self.ranges[0].end;
        if self.joined != 1 || self.expected <= to {
            return;
        }
        let rest = (self.here.out.entries.len() as u64 * (self.expected - to) as u64 / to.max(1) as u64) as usize;
        self.here.out.entries.reserve((rest + rest / 8).min((self.expected - to) / std::mem::size_of::<Entry>()));
    }

    /// Join the pieces handed back whose predecessors are all joined.
    fn join_back(&mut self) {
        while let Some(part) = self.back.get_mut(self.joined).and_then(Option::take) {
            self.overflow |= part.components.len() >= NO_COMPONENT as usize;
            self.here.append(part);
            self.joined += 1;
            self.size_once();
        }
    }

    pub fn format(&self) -> LogFormat {
        self.format
    }

    /// How many pieces were cut so far.
    pub fn pieces(&self) -> usize {
        self.ranges.len()
    }

    /// The text is complete: what is left after the last piece becomes a piece of its own, when
    /// there are pieces (a text too small for one is parsed whole by [`Incremental::finish`]).
    pub fn close(&mut self, text: &str) {
        if !self.ranges.is_empty() && self.done < text.len() {
            self.cut(text, text.len());
        }
    }

    /// Where each piece cut so far lies in the text, in order.
    pub fn ranges(&self) -> &[std::ops::Range<usize>] {
        &self.ranges
    }

    /// Piece `k` as another worker parsed it alone ([`parse_piece`] of its range of `text`).
    /// Refused (false; the piece is then parsed here) unless its entries fit that range.
    pub fn put_part(&mut self, k: usize, text: &str, mut piece: PieceParse) -> bool {
        let (Some(range), Some(None)) = (self.ranges.get(k), self.sizes.get(k)) else { return false };
        if !self.delegate || !piece.fits(&text[range.clone()]) {
            return false;
        }
        for e in &mut piece.entries {
            e.move_by(range.start as u32);
        }
        self.sizes[k] = Some((piece.entries.len() as u32, piece.lines));
        self.back[k] = Some(piece);
        self.join_back();
        true
    }

    /// Each piece's size, (entries, physical lines); `None` for a piece not parsed yet.
    pub fn sizes(&self) -> &[Option<(u32, u32)>] {
        &self.sizes
    }

    /// The whole `text` parsed: the pieces so far (those not handed back parsed here) and the
    /// rest.
    pub fn finish(mut self, text: &str) -> Parsed {
        if self.ranges.is_empty() || self.overflow {
            return parse(self.format, text);
        }
        self.close(text);
        while self.joined < self.ranges.len() {
            if self.back[self.joined].is_some() {
                self.join_back();
            } else {
                self.parse_here(text);
            }
        }
        if self.overflow {
            return parse(self.format, text);
        }
        self.here.finish()
    }
}

/// A piece of a file parsed alone (`text` starts at a record boundary): what [`Incremental`]
/// parses as that piece of the whole text, but for the offsets, which count from the piece's
/// first byte (tested).
pub fn parse_piece(format: LogFormat, text: &str) -> PieceParse {
    Part::from(parse_from(format, text, 0))
}

/// What one piece's parse leaves: owned, so the text may grow (and move) after it. The same
/// value a scanning worker hands back for a piece it parsed (offsets from the piece's start).
type Part = PieceParse;

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

/// One parser over `text[from..]` (`from` is a record boundary; offsets stay those of `text`).
fn parse_from(format: LogFormat, text: &str, from: usize) -> Builder<'_> {
    let mut b = Builder::new(text, from);
    run(format, &mut b);
    b
}

/// The parser of `format` over `b.text[b.start..]`.
fn run(format: LogFormat, b: &mut Builder) {
    match format {
        LogFormat::Cmtrace => cmtrace::parse(b),
        LogFormat::CmtraceSimple => simple::parse(b),
        LogFormat::WindowsUpdateLegacy => wu_legacy::parse(b),
        LogFormat::WindowsUpdateEtw => wu_etw::parse(b),
        // Event logs are rendered in that layout (read/evtx.rs).
        LogFormat::EventLog => wu_etw::parse(b),
        LogFormat::Cbs | LogFormat::Dism | LogFormat::Setup => cbs::parse(b),
        LogFormat::WsusSoftwareDistribution => wsus::parse(b),
        LogFormat::WindowsUpdateReportingEvents => reporting::parse(b),
        _ => plain::parse(b),
    }
}

/// Pieces of a file smaller than this are not worth a thread.
const PIECE_MIN: usize = 4 << 20;

/// Where to cut `text` for `threads` cores: 0, the cuts, `text.len()` (just `[0, len]` when it
/// is not cut). Only formats whose parsers keep no state from one record to the next are cut,
/// each only where a record must begin: after a line break for the one-line formats; for
/// CMTrace, before a line that opens a record (`\n<![LOG[`): the parser ends a record at its
/// `]LOG]!>` marker only when no record opens before it, so none spans such a line.
/// WindowsUpdate.log of Windows 7 (its `tz:` banner), the older site logs and the others stay in
/// one piece.
fn cuts(format: LogFormat, text: &str, threads: usize, piece_min: usize) -> Vec<usize> {
    let len = text.len();
    let Some(boundary) = boundary(format) else { return vec![0, len] };
    if threads <= 1 || len < 2 * piece_min {
        return vec![0, len];
    }
    // A few pieces per core, so that a core that finishes early takes another.
    let pieces = (len / piece_min).min(threads * 4);
    let finder = memchr::memmem::Finder::new(boundary);
    let mut out = vec![0];
    for k in 1..pieces {
        let target = (len / pieces * k).max(*out.last().expect("starts with 0"));
        let Some(i) = finder.find(&text.as_bytes()[target..]) else { break };
        // The cut is just after the line break.
        let cut = target + i + 1;
        if cut < len && cut > *out.last().expect("starts with 0") {
            out.push(cut);
        }
    }
    out.push(len);
    out
}

/// What precedes every place a record of `format` must begin (a cut goes just after its line
/// break); `None` for formats that are never cut (see [`cuts`]).
fn boundary(format: LogFormat) -> Option<&'static [u8]> {
    match format {
        LogFormat::Cmtrace => Some(b"\n<![LOG["),
        LogFormat::WindowsUpdateEtw | LogFormat::Cbs | LogFormat::Dism | LogFormat::Setup | LogFormat::PlainText => Some(b"\n"),
        _ => None,
    }
}

/// The pieces' results as one: lines renumbered, components renumbered into one table (in order
/// of first appearance, as one pass numbers them).
fn merge(mut parts: Vec<Part>) -> Parsed {
    // The table and each piece's renumbering, in order (a few dozen names).
    let mut table = Suspended::default();
    let mut renumbered = Vec::with_capacity(parts.len());
    let mut lines = 0u32;
    for p in &mut parts {
        let map: Vec<u16> = std::mem::take(&mut p.components).into_iter().map(|c| table.intern(c)).collect();
        renumbered.push((lines, map));
        lines += p.lines;
    }
    let mut out = Parsed { components: table.out.components, ..Parsed::default() };
    // Each piece's entries renumbered where they are (all cores), then copied one after another
    // (plain copies; the first piece's vector is grown, not copied, where the allocator can).
    let parts = crate::par::map(parts.into_iter().zip(renumbered).collect(), |(mut p, (base, map)): (Part, (u32, Vec<u16>))| {
        renumber(&mut p.entries, base, &map);
        p
    });
    let total: usize = parts.iter().map(|p| p.entries.len()).sum();
    let mut truncated = 0u32;
    for (k, p) in parts.into_iter().enumerate() {
        truncated += p.truncated_records;
        if k == 0 {
            out.entries = p.entries;
            out.entries.reserve_exact(total - out.entries.len());
        } else {
            out.entries.extend_from_slice(&p.entries);
        }
        out.thread_hex |= p.thread_hex;
        out.header_offset = out.header_offset.or(p.header_offset);
        out.notes.extend(p.notes);
    }
    out.physical_lines = lines;
    if truncated > 0 {
        out.notes.push(cmtrace::truncated_note(truncated));
    }
    out.notes.truncate(MAX_NOTES);
    out
}

/// A piece's entries as the whole file numbers them: lines after the `base` lines before the
/// piece, components through `map` (the piece's table into the file's).
fn renumber(entries: &mut [Entry], base: u32, map: &[u16]) {
    for e in entries {
        e.line += base;
        if e.component != NO_COMPONENT {
            e.component = map[e.component as usize];
        }
    }
}

/// A file's parser notes stop here.
const MAX_NOTES: usize = 20;

/// Shared state of a parse: the entries so far, the component table, the line counter. All of
/// it but the text is owned, so a parse can stop at a piece's end and go on with the next piece
/// of a text that grew meanwhile ([`Builder::suspend`], [`Builder::resume`]).
pub struct Builder<'t> {
    pub text: &'t str,
    /// Where this parse starts in `text` (a record boundary; 0 unless the file is in pieces).
    pub start: usize,
    /// CMTrace records without an end marker (one note says how many).
    pub truncated_records: u32,
    pub out: Parsed,
    components: FxHashMap<String, u16>,
    /// The last component interned (an index into `out.components`): most records repeat the
    /// one before.
    last_component: u16,
    /// 1-based number of the next physical line.
    pub line_no: u32,
}

/// A [`Builder`] between two pieces of a text: everything it built, without the text.
struct Suspended {
    out: Parsed,
    components: FxHashMap<String, u16>,
    last_component: u16,
    line_no: u32,
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
    fn finish(self) -> Parsed {
        let mut parsed = Builder::resume("", 0, self).finish();
        parsed.entries.shrink_to_fit();
        parsed
    }

    /// Go on with a piece parsed alone, whose entries' offsets are already the text's: its
    /// lines and components renumbered as one pass numbers them (as [`merge`] does).
    fn append(&mut self, part: Part) {
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
    fn intern(&mut self, name: String) -> u16 {
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
    pub fn new(text: &'t str, start: usize) -> Builder<'t> {
        Builder::resume(text, start, Suspended::default())
    }

    /// Go on with `text[start..]` (`start` is a record boundary) from where `s` stopped.
    fn resume(text: &'t str, start: usize, s: Suspended) -> Builder<'t> {
        let Suspended { mut out, components, last_component, line_no, truncated_records } = s;
        out.entries.reserve(text.len().saturating_sub(start) / 120);
        Builder { text, start, truncated_records, out, components, last_component, line_no }
    }

    /// Stop here, keeping what was built (see [`Builder::resume`]).
    fn suspend(self) -> Suspended {
        let Builder { out, components, last_component, line_no, truncated_records, .. } = self;
        Suspended { out, components, last_component, line_no, truncated_records }
    }

    pub fn lines(&self, from: usize) -> Lines<'t> {
        Lines::new(self.text, from)
    }

    /// Keep `l` as one unparsed line.
    pub fn unparsed(&mut self, l: &Line) {
        self.out.entries.push(Entry::unparsed(l.start, l.end, self.line_no));
        self.line_no += 1;
    }

    /// Add a parsed record spanning `lines` physical lines.
    pub fn record(&mut self, mut e: Entry, lines: u32) {
        e.line = self.line_no;
        e.lines = lines;
        e.parsed = true;
        self.out.entries.push(e);
        self.line_no += lines;
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

    pub fn note(&mut self, note: String) {
        if self.out.notes.len() < MAX_NOTES {
            self.out.notes.push(note);
        }
    }

    fn finish(mut self) -> Parsed {
        self.out.physical_lines = self.line_no - 1;
        if self.truncated_records > 0 {
            let note = cmtrace::truncated_note(self.truncated_records);
            self.note(note);
        }
        self.out
    }
}

/// Skip ASCII spaces and tabs from `i`.
#[inline]
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}

/// End of the run of non-blank bytes starting at `i`.
#[inline]
pub(crate) fn token_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
        i += 1;
    }
    i
}

/// `YYYY<sep>MM<sep>DD<gap>hh:mm:ss[.fraction]` at the start of a line, the way the
/// WindowsUpdate, CBS and WSUS logs begin: the local time in ms and the index past the clock.
/// A byte-order mark before the date (where a writer appended a second session, or two logs
/// were joined) is read past: the index counts it.
pub(crate) fn date_time(b: &[u8], date_sep: u8, gap: u8) -> Option<(i64, usize)> {
    let bom = if b.starts_with(BOM) { BOM.len() } else { 0 };
    let b = &b[bom..];
    let (y, mo, d) = ymd(b, date_sep)?;
    if b.get(10) != Some(&gap) {
        return None;
    }
    let (h, mi, s, ms, n) = crate::model::time::parse_clock(&b[11..])?;
    Some((crate::model::time::local_ms(y, mo, d, h, mi, s, ms)?, bom + 11 + n))
}

/// U+FEFF in UTF-8.
pub(crate) const BOM: &[u8] = "\u{feff}".as_bytes();

/// `YYYY<sep>MM<sep>DD` at the start of `b` → (y, m, d).
pub(crate) fn ymd(b: &[u8], sep: u8) -> Option<(i32, u32, u32)> {
    if b.len() < 10 || b[4] != sep || b[7] != sep {
        return None;
    }
    let (y, _) = crate::model::time::digits(b, 4, true)?;
    let (m, _) = crate::model::time::digits(&b[5..], 2, true)?;
    let (d, _) = crate::model::time::digits(&b[8..], 2, true)?;
    Some((y as i32, m, d))
}

#[cfg(test)]
mod piece_tests {
    use super::*;

    /// `p` is what one pass gives (`whole`), in every field.
    fn same(p: &Parsed, whole: &Parsed, what: &str) {
        assert_eq!(p.entries, whole.entries, "{what}");
        assert_eq!(p.components, whole.components, "{what}");
        assert_eq!(p.notes, whole.notes, "{what}");
        assert_eq!(p.physical_lines, whole.physical_lines, "{what}");
        assert_eq!((p.thread_hex, p.header_offset), (whole.thread_hex, whole.header_offset), "{what}");
    }

    /// Every chunked format, in pieces of every size, parses as in one pass.
    #[test]
    fn pieces_parse_as_one_pass() {
        let cm = |msg: &str, comp: &str| {
            format!(
                "<![LOG[{msg}]LOG]!><time=\"10:00:00.000+420\" date=\"05-31-2024\" component=\"{comp}\" context=\"\" type=\"3\" thread=\"1\" file=\"\">\r\n"
            )
        };
        let mut cmtrace = String::from("\u{FEFF}");
        for i in 0..300 {
            match i % 7 {
                0 => cmtrace += &cm("multi\r\nline\nrecord 0x8024401B", "A"),
                1 => cmtrace += "<![LOG[cut off, no end marker\r\n",
                2 => cmtrace += "stray text\r\n\r\n",
                3 => cmtrace += &cm(&format!("component {}", i % 11), &format!("C{}", i % 13)),
                4 => cmtrace += "<![LOG[a record that opens inside a line <![LOG[x]LOG]!><time=\"1\">\n",
                _ => cmtrace += &cm("one line", "B"),
            }
        }
        cmtrace += "<![LOG[last, cut";
        let mut etw = String::new();
        let mut cbs = String::new();
        for i in 0..400 {
            etw += &format!("2024/05/31 16:45:{:02}.1360371 1234  5678  Comp{}     *FAILED* [80072EE7] Send request\r\n", i % 60, i % 17);
            cbs += &format!("2024-05-31 16:45:{:02}, Info                  CBS{}    message {i}\r\n", i % 60, i % 5);
            if i % 9 == 0 {
                etw += "not a header\n\r";
                cbs += "\r\n";
            }
        }
        for (format, text) in [
            (LogFormat::Cmtrace, cmtrace),
            (LogFormat::WindowsUpdateEtw, etw.clone()),
            (LogFormat::Cbs, cbs.clone()),
            (LogFormat::Dism, cbs.clone()),
            (LogFormat::Setup, cbs),
            (LogFormat::PlainText, etw),
        ] {
            let whole = test_support::parse_checked(format, &text);
            for (threads, piece) in [(2, 64), (3, 500), (8, 97), (16, 1), (2, 5000)] {
                let cuts = cuts(format, &text, threads, piece);
                assert!(cuts.len() > 2 || piece >= 5000, "{format:?} cut in pieces");
                same(&parse_cut(format, &text, &cuts), &whole, &format!("{format:?} {cuts:?}"));
            }
            // The text arriving in chunks, parsed as it comes.
            for (piece, chunk) in [(1, 1), (64, 7), (500, 300), (97, 4096), (1, 100_000)] {
                let mut inc = Incremental::with_piece(format, piece).expect("a format that is cut");
                for end in (chunk..text.len()).step_by(chunk).filter(|&e| text.is_char_boundary(e)) {
                    inc.advance(&text[..end]);
                }
                assert!(inc.pieces() > 1 || chunk >= text.len(), "{format:?} parsed in pieces as it came");
                same(&inc.finish(&text), &whole, &format!("{format:?} piece {piece} chunk {chunk}"));
            }
            // Delegated: the pieces parsed alone and handed back in any order (the browser's
            // analysis worker scans the newest waiting piece itself), some never, joined as
            // soon as every piece before them is in.
            for (piece, chunk) in [(64, 7), (500, 300), (1, 4096)] {
                let mut inc = Incremental { delegate: true, ..Incremental::with_piece(format, piece).expect("a format that is cut") };
                for end in (chunk..text.len()).step_by(chunk).filter(|&e| text.is_char_boundary(e)) {
                    inc.advance(&text[..end]);
                }
                inc.close(&text);
                let n = inc.pieces();
                assert!(n > 3, "{format:?} in pieces");
                // Odd pieces last to first, then the even ones; every fifth never comes back.
                let order = (0..n).filter(|k| k % 2 == 1).rev().chain((0..n).filter(|k| k % 2 == 0)).filter(|k| k % 5 != 3);
                for k in order {
                    let range = inc.ranges()[k].clone();
                    let parsed = parse_piece(format, &text[range.clone()]);
                    assert!(inc.put_part(k, &text, parsed.clone()), "piece {k} taken");
                    assert!(!inc.put_part(k, &text, parsed), "piece {k} taken once");
                    assert!(inc.joined <= n && inc.back[..inc.joined].iter().all(Option::is_none));
                }
                assert_eq!(inc.sizes().iter().filter(|s| s.is_none()).count(), (0..n).filter(|k| k % 5 == 3).count());
                same(&inc.finish(&text), &whole, &format!("{format:?} delegated, piece {piece} chunk {chunk}"));
            }
        }
        assert!(Incremental::new(LogFormat::WindowsUpdateLegacy).is_none(), "parsed whole at the end");
        // Formats that keep state from line to line are never cut.
        assert_eq!(cuts(LogFormat::WindowsUpdateLegacy, &"x\n".repeat(100), 8, 1), [0, 200]);
    }

    /// A text parsed as it arrives, its length known: the first piece sizes the entries' vector
    /// for the whole text, which is then filled in place (no copy as it grows), and the parse
    /// is one pass's.
    #[test]
    fn the_first_piece_sizes_the_entries_for_the_whole_text() {
        let text: String = (0..5000).map(|i| format!("2024/05/31 16:45:{:02}.1360371 1234  5678  Agent{}     message {i}\r\n", i % 60, i % 3)).collect();
        let mut inc = Incremental::with_piece(LogFormat::WindowsUpdateEtw, 4096).expect("cut");
        inc.expect(text.len());
        let mut first: Option<(*const Entry, usize)> = None;
        for end in (1000..text.len()).step_by(1000) {
            inc.advance(&text[..end]);
            if first.is_none() && inc.joined > 0 {
                first = Some((inc.here.out.entries.as_ptr(), inc.here.out.entries.capacity()));
            }
        }
        let (ptr, capacity) = first.expect("a piece was parsed");
        assert!(capacity >= 5000, "sized for the whole text: {capacity}");
        inc.close(&text);
        assert!(inc.pieces() > 10);
        assert_eq!(inc.here.out.entries.as_ptr(), ptr, "filled in place");
        let p = inc.finish(&text);
        assert_eq!(p.entries, test_support::parse_checked(LogFormat::WindowsUpdateEtw, &text).entries);
        // Blank lines first, long lines after: the first piece's guess is bounded by the text.
        let text = "\r\n".repeat(3000) + &format!("{}\r\n", "x".repeat(400)).repeat(5000);
        let mut inc = Incremental::with_piece(LogFormat::PlainText, 4096).expect("cut");
        inc.expect(text.len());
        inc.advance(&text[..8000]);
        let here = &inc.here.out.entries;
        let (reserved, rest) = (here.capacity() - here.len(), text.len() - inc.ranges()[0].end);
        assert!(reserved > 0 && reserved * std::mem::size_of::<Entry>() <= rest, "{reserved} entries reserved for the last {rest} bytes");
        inc.advance(&text);
        assert_eq!(inc.finish(&text).entries, test_support::parse_checked(LogFormat::PlainText, &text).entries);
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Parse and check the tiling invariant; return the result.
    pub fn parse_checked(format: LogFormat, text: &str) -> Parsed {
        let p = parse(format, text);
        let mut line = 1;
        let mut pos = 0usize;
        for e in &p.entries {
            assert_eq!(e.line, line, "entries must tile the lines: {e:?}");
            assert!(e.start as usize >= pos && e.end >= e.start && e.msg_start >= e.start && e.msg_end <= e.end);
            line += e.lines;
            pos = e.end as usize;
        }
        assert_eq!(line - 1, crate::model::lines::count_lines(text), "every physical line accounted for");
        assert_eq!(p.physical_lines, crate::model::lines::count_lines(text));
        p
    }
}
