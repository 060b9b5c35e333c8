//! A text parsed while it arrives (the browser reads a file chunk by chunk), piece by piece.

use super::builder::Parsed;
use super::builder::{Builder, Part, Suspended};
use super::cut::parse_all as parse;
use super::cut::{boundary, Boundary, PIECE_MIN};
use super::formats::run;
use crate::model::{Entry, LogFormat, PieceParse, NO_COMPONENT};

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
    boundary: Boundary,
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
        let rest = &text.as_bytes()[self.done..];
        let Some(i) = memchr::memmem::rfind_iter(rest, self.boundary.before).find(|&i| (self.boundary.starts)(&rest[i + 1..])) else { return };
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

    /// The format its pieces are parsed as.
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

#[cfg(test)]
mod piece_tests {
    use super::super::cut::{cuts, parse_cut};
    use super::super::{parse_piece, test_support};
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
            // Lines that belong to the record before them: blank, indented, at the start of
            // the line (a block, an engine trace), and a search tool's prefix before a record.
            match i % 13 {
                1 => {
                    etw += "\r\n  \r\n";
                    cbs += "   Original owner: Microsoft-Windows-shell32\r\n\r\n Expected: {l:32}.\r\n";
                }
                4 => cbs += "Summary:\r\nOperation result: 0x800f081f\r\n\tCBS Manifest Corruption:\t0\r\n",
                7 => cbs += "[1676.1796] [0x80070570] ResExtract:(514): corrupted\n[9340] [0xc142011c] WIMGetMountedImageHandle:(2897)\n",
                10 => cbs += &format!("C:\\Logs\\CbsPersist.log:2024-05-31 16:46:{:02}, Info                  CSI    prefixed {i}\r\n", i % 60),
                _ => {}
            }
        }
        let mut setupapi = String::from("[Device Install Log]\r\n     OS Version = 10.0.19041\r\n\r\n[Boot Session: 2023/03/01 22:29:21.389]\r\n\r\n");
        for i in 0..120 {
            setupapi += &format!(">>>  [Device Install (Hardware initiated) - PCI\\VEN_{i:04}]\r\n>>>  Section start 2023/03/02 05:{:02}:20.100\r\n", i % 60);
            for j in 0..i % 5 {
                setupapi += &format!("     dvi: {{Build Driver List}} 05:{:02}:2{j}.120\r\n!    inf: warning {j}\r\n     utl:      Driver Node:\r\n", i % 60);
            }
            setupapi += "<<<  Section end 2023/03/02 05:09:21.000\r\n<<<  [Exit status: SUCCESS]\r\n\r\n";
        }
        for (format, text) in [
            (LogFormat::Cmtrace, cmtrace),
            (LogFormat::WindowsUpdateEtw, etw.clone()),
            (LogFormat::Cbs, cbs.clone()),
            (LogFormat::Dism, cbs.clone()),
            (LogFormat::Setup, cbs),
            (LogFormat::SetupApi, setupapi),
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
