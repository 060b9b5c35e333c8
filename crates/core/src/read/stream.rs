//! Loading a file chunk by chunk (the web worker reads `Blob.slice`s), holding one copy of the
//! text: the bytes are decoded as they arrive and dropped, and once the format is sure, whole
//! records are parsed as they arrive (the worker reads the next chunk meanwhile). Zip bundles are
//! the exception: they need random access, so their bytes are kept until they are expanded, and
//! then each member is parsed as soon as it is decompressed.

use crate::model::{InputWarning, LogFile, LogFormat, LogKind, PieceFindings, PieceScan, Prescan, TextEncoding};
use crate::read::encoding::{self, Decoder, Sniff};
use crate::read::evtx::{DecodeProgress, Decoder as EvtxDecoder};
use crate::read::file;
use crate::read::input::{self, Input, Limits};
use crate::read::parse::Incremental;

/// How a text is parsed while it arrives.
enum Parsing {
    /// Too little text yet to be sure of its format.
    Undecided,
    /// The format is sure and its records can be cut: parsed in pieces as they arrive.
    Pieces(Box<Incremental>),
    /// The format is sure but its records are parsed in one pass, at the end.
    Whole(LogFormat),
}

impl Parsing {
    /// `text` grew: decide the format once it is sure, and parse what whole records came in
    /// (or, when `delegate`, cut them into pieces for another worker to parse). `expected` is
    /// how long the text should grow (0: not known).
    fn advance(&mut self, text: &str, name: &str, delegate: bool, expected: usize) {
        if matches!(self, Parsing::Undecided) && crate::read::detect::settled(text) {
            let format = crate::read::detect(text, name);
            let inc = if delegate { Incremental::delegating(format) } else { Incremental::new(format) };
            *self = inc.map_or(Parsing::Whole(format), |mut inc| {
                inc.expect(expected);
                Parsing::Pieces(Box::new(inc))
            });
        }
        if let Parsing::Pieces(inc) = self {
            inc.advance(text);
        }
    }
}

enum State {
    /// Collecting the first bytes to decide what the file is.
    Sniffing(Vec<u8>),
    Text {
        decoder: Decoder,
        text: String,
        parsing: Parsing,
    },
    /// A zip or cab bundle, kept whole until `finish`.
    Zip(Vec<u8>),
    /// A binary Event Trace Log (.etl), kept whole until `finish` and then decoded.
    Etl(Vec<u8>),
    /// A Windows event log (.evtx), kept whole until the file is closed, then decoded a few
    /// chunks at a time ([`FileLoader::decode_step`]) or at once at `finish`.
    Evtx(Vec<u8>),
    /// An .evtx being decoded in steps (it owns the bytes).
    Decoding(Box<EvtxDecoder>),
    Binary,
    /// Text that outgrew what one file can hold (4 GB): the rest is counted, not kept.
    TooLarge {
        decoder: Decoder,
        text: String,
    },
}

/// Reads one dropped file chunk by chunk (`push` each chunk in order, then `finish`): sniffs its
/// encoding and format, decodes as it goes, parses whole records as they arrive.
pub struct FileLoader {
    name: String,
    size_hint: u64,
    bytes: u64,
    state: State,
    /// Pieces are handed out to be scanned elsewhere (see [`FileLoader::delegating`]).
    delegate: bool,
    /// Pieces handed out so far by [`FileLoader::take_jobs`].
    handed_out: usize,
    /// What was found in each piece, by piece, as it came back.
    scans: Vec<Option<PieceFindings>>,
    /// The last bytes were decoded ([`FileLoader::close`]).
    closed: bool,
}

/// A piece of a file to scan in another worker: the piece's number in its file, the format to
/// parse it as, the kind whose literals to find (`None`: codes only). Its text is
/// [`FileLoader::piece_text`]; what the scan finds comes back through [`FileLoader::put_scan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PieceJob {
    pub part: u32,
    pub format: LogFormat,
    pub kind: Option<LogKind>,
}

/// What a finished loader yields: files (a zip yields several) and warnings.
pub struct Loaded {
    /// The files read (one, or a bundle's members), in order.
    pub files: Vec<LogFile>,
    /// What went wrong with inputs that are not files of their own (a bad member, a bomb).
    pub warnings: Vec<InputWarning>,
}

const MAX_TEXT: u64 = u32::MAX as u64;

impl FileLoader {
    /// `size_hint` is the file's size when known (lets the text buffer be allocated once).
    pub fn new(name: impl Into<String>, size_hint: u64) -> FileLoader {
        FileLoader {
            name: name.into(),
            size_hint,
            bytes: 0,
            state: State::Sniffing(Vec::new()),
            delegate: false,
            handed_out: 0,
            scans: Vec::new(),
            closed: false,
        }
    }

    /// A loader whose pieces (a big file's runs of whole records, as they arrive) are parsed and
    /// scanned for codes and literals elsewhere: the caller takes them with
    /// [`FileLoader::take_jobs`], has [`crate::scan_piece`] run on each (another worker, or
    /// here), and hands back what it made of them with [`FileLoader::put_scan`], all before
    /// [`FileLoader::finish`]. A piece that does not come back costs nothing but time: it is
    /// parsed here, and the analysis scans the file itself.
    pub fn delegating(name: impl Into<String>, size_hint: u64) -> FileLoader {
        FileLoader { delegate: true, ..FileLoader::new(name, size_hint) }
    }

    /// The pieces cut since the last call, to be parsed and scanned elsewhere (none unless
    /// delegating).
    pub fn take_jobs(&mut self) -> Vec<PieceJob> {
        let State::Text { parsing: Parsing::Pieces(inc), .. } = &self.state else { return Vec::new() };
        if !self.delegate {
            return Vec::new();
        }
        let parts = inc.ranges().len();
        let jobs = (self.handed_out..parts).filter_map(|part| self.piece_job(part as u32)).collect();
        self.handed_out = parts;
        jobs
    }

    /// The job of piece `part`, handed out or not.
    pub fn piece_job(&self, part: u32) -> Option<PieceJob> {
        let State::Text { parsing: Parsing::Pieces(inc), .. } = &self.state else { return None };
        inc.ranges().get(part as usize)?;
        Some(PieceJob { part, format: inc.format(), kind: LogKind::before_reading(&self.name, inc.format()) })
    }

    /// The text of piece `part` (see [`FileLoader::take_jobs`]).
    pub fn piece_text(&self, part: u32) -> Option<&str> {
        let State::Text { text, parsing: Parsing::Pieces(inc), .. } = &self.state else { return None };
        inc.ranges().get(part as usize).map(|r| &text[r.clone()])
    }

    /// Piece `part` parsed and scanned elsewhere. False when refused (its entries do not fit
    /// its text, or it is not a piece handed out): the piece is then parsed here.
    pub fn put_scan(&mut self, part: u32, scan: PieceScan) -> bool {
        let State::Text { text, parsing: Parsing::Pieces(inc), .. } = &mut self.state else { return false };
        if !inc.put_part(part as usize, text, scan.parsed) {
            return false;
        }
        let part = part as usize;
        if self.scans.len() <= part {
            self.scans.resize(part + 1, None);
        }
        self.scans[part] = Some(scan.findings);
        true
    }

    /// The file has no more bytes: the last are decoded and, for a file in pieces, what follows
    /// the last piece becomes one (a last job to take). [`FileLoader::finish`] does this too.
    pub fn close(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        if let State::Sniffing(head) = &mut self.state {
            let head = std::mem::take(head);
            if !head.is_empty() {
                self.decide(head, true);
            }
        } else {
            self.feed(&[], true);
        }
        if let State::Text { text, parsing: Parsing::Pieces(inc), .. } = &mut self.state {
            inc.close(text);
        }
    }

    /// Decode up to `chunks` more 64 KiB chunks of an event log (.evtx), closing the file
    /// first: how far its decoding is. `None` for a file decoded whole at
    /// [`FileLoader::finish`] (text, a trace, a bundle). The caller steps it until
    /// `done == total` (a cancel can come between steps), then `finish` makes the file.
    pub fn decode_step(&mut self, chunks: usize) -> Option<DecodeProgress> {
        self.close();
        if let State::Evtx(bytes) = &mut self.state {
            let bytes = std::mem::take(bytes);
            self.state = State::Decoding(Box::new(EvtxDecoder::new(self.name.clone(), bytes)));
        }
        let State::Decoding(d) = &mut self.state else { return None };
        Some(d.step(chunks))
    }

    /// Bytes pushed so far (for a progress bar).
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Feed the file's next chunk of bytes, in order.
    pub fn push(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        if let State::Sniffing(head) = &mut self.state {
            head.extend_from_slice(chunk);
            if head.len() < encoding::SNIFF_LEN {
                return;
            }
            let head = std::mem::take(head);
            self.decide(head, false);
            return;
        }
        self.feed(chunk, false);
    }

    fn decide(&mut self, head: Vec<u8>, last: bool) {
        if input::is_bundle(&head) {
            let mut v = Vec::with_capacity(self.size_hint.max(head.len() as u64).min(1 << 31) as usize);
            v.extend_from_slice(&head);
            self.state = State::Zip(v);
            return;
        }
        let etl = wulens_etl::looks_like_etl(&head);
        if etl || crate::read::evtx::looks_like_evtx(&head) {
            let mut v = Vec::with_capacity(self.size_hint.max(head.len() as u64).min(1 << 31) as usize);
            v.extend_from_slice(&head);
            self.state = if etl { State::Etl(v) } else { State::Evtx(v) };
            return;
        }
        match encoding::sniff(&head) {
            Sniff::Binary => self.state = State::Binary,
            Sniff::Empty => self.state = State::Sniffing(Vec::new()),
            Sniff::Text(enc) => {
                // UTF-8 text is at most as long as its bytes; UTF-16 ASCII text is half.
                let cap = match enc {
                    TextEncoding::Utf16Le | TextEncoding::Utf16Be | TextEncoding::Utf16LeBom | TextEncoding::Utf16BeBom => self.size_hint / 2 + 16,
                    _ => self.size_hint + 16,
                };
                let text = String::with_capacity(cap.min(MAX_TEXT) as usize);
                self.state = State::Text { decoder: Decoder::new(enc), text, parsing: Parsing::Undecided };
                self.feed(&head, last);
            }
        }
    }

    fn feed(&mut self, chunk: &[u8], last: bool) {
        match &mut self.state {
            State::Text { decoder, text, parsing } => {
                decoder.push(chunk, last, text);
                if text.len() as u64 > MAX_TEXT - (1 << 20) {
                    // What was parsed so far is dropped: the kept text is parsed at the end.
                    let State::Text { decoder, text, .. } = std::mem::replace(&mut self.state, State::Binary) else { unreachable!() };
                    self.state = State::TooLarge { decoder, text };
                } else if !last {
                    // The text so far is to the bytes so far as the whole text to the file's size.
                    let expected = (u128::from(self.size_hint) * text.len() as u128 / u128::from(self.bytes.max(1))).min(MAX_TEXT as u128) as usize;
                    parsing.advance(text, &self.name, self.delegate, expected);
                }
            }
            State::Zip(v) | State::Etl(v) | State::Evtx(v) => v.extend_from_slice(chunk),
            State::TooLarge { .. } | State::Binary | State::Sniffing(_) | State::Decoding(_) => {}
        }
    }

    /// The file is complete: parse it (or expand the bundle).
    pub fn finish(mut self, limits: &Limits) -> Loaded {
        self.close();
        if matches!(&self.state, State::Sniffing(head) if head.is_empty()) {
            let mut f = LogFile::skipped(self.name.clone(), LogFormat::Empty, 0, format!("{} is empty.", crate::model::base_name(&self.name)));
            f.encoding = Some(TextEncoding::Utf8);
            return Loaded { files: vec![f], warnings: Vec::new() };
        }
        let name = self.name;
        match self.state {
            State::Text { decoder, mut text, parsing } => {
                text.shrink_to_fit();
                let (enc, stats) = (decoder.encoding(), decoder.stats.clone());
                let f = match parsing {
                    Parsing::Undecided => file::from_text(name, enc, self.bytes, text, stats),
                    Parsing::Whole(format) => file::from_text_as(name, enc, self.bytes, text.into(), stats, format),
                    Parsing::Pieces(inc) => {
                        let format = inc.format();
                        // Every piece's findings, if all came back and agree with this parse.
                        let sizes: Option<Vec<(u32, u32)>> = inc.sizes().iter().copied().collect();
                        let prescan = (self.delegate && !self.scans.is_empty())
                            .then(|| Prescan::join(self.scans.into_iter().collect::<Option<Vec<_>>>()?, &sizes?, LogKind::before_reading(&name, format)))
                            .flatten();
                        let parsed = inc.finish(&text);
                        let mut f = file::from_parsed(name, enc, self.bytes, text.into(), stats, format, parsed);
                        f.prescan = prescan.map(Box::new);
                        f
                    }
                };
                Loaded { files: vec![f], warnings: Vec::new() }
            }
            State::TooLarge { decoder, text } => {
                let kept = text.len() as u64;
                let mut f = file::from_text(name, decoder.encoding(), self.bytes, text, decoder.stats.clone());
                f.notes.push(format!(
                    "The file is {}; only its first {} could be read (one file is limited to 4 GB of text). Split it, or keep only the time range you need.",
                    input::human_bytes(self.bytes),
                    input::human_bytes(kept)
                ));
                Loaded { files: vec![f], warnings: Vec::new() }
            }
            State::Binary => {
                Loaded { files: vec![LogFile::skipped(name.clone(), LogFormat::Binary, self.bytes, input::binary_note(&name))], warnings: Vec::new() }
            }
            State::Etl(bytes) => Loaded { files: vec![input::load(Input { name, bytes: bytes.into() })], warnings: Vec::new() },
            // The bytes are the decoder's: not copied.
            State::Evtx(bytes) => Loaded { files: vec![EvtxDecoder::new(name, bytes).finish()], warnings: Vec::new() },
            State::Decoding(d) => Loaded { files: vec![d.finish()], warnings: Vec::new() },
            State::Zip(bytes) => {
                // Each member is parsed as soon as it is decompressed and its bytes dropped.
                let mut warnings = Vec::new();
                let mut files = Vec::new();
                input::expand_with(vec![Input { name, bytes: bytes.into() }], limits, &mut warnings, &mut |member| files.push(input::load(member)));
                Loaded { files, warnings }
            }
            State::Sniffing(_) => unreachable!("decided above"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_in_chunks(name: &str, bytes: &[u8], chunk: usize) -> Loaded {
        let mut l = FileLoader::new(name, bytes.len() as u64);
        for c in bytes.chunks(chunk.max(1)) {
            l.push(c);
        }
        l.finish(&Limits::default())
    }

    #[test]
    fn same_result_as_loading_at_once() {
        let text = "<![LOG[caf\u{e9} 0x8024401B]LOG]!><time=\"10:00:00.000+420\" date=\"05-31-2024\" component=\"WUAHandler\" context=\"\" type=\"3\" thread=\"1\" file=\"\">\r\n".repeat(400);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        for bytes in [text.as_bytes().to_vec(), utf16] {
            let whole = input::load(Input { name: "WUAHandler.log".into(), bytes: bytes.clone().into() });
            for chunk in [1, 7, 4096, 65536] {
                let got = load_in_chunks("WUAHandler.log", &bytes, chunk);
                let f = &got.files[0];
                assert_eq!(f.text, whole.text, "chunk {chunk}");
                assert_eq!(f.entries, whole.entries);
                assert_eq!(f.encoding, whole.encoding);
            }
        }
    }

    /// A big file is parsed in pieces while it arrives, and ends up exactly as if loaded at once.
    #[test]
    fn a_big_text_parsed_as_it_arrives_is_parsed_as_at_once() {
        let record = |i: usize| {
            format!(
                "<![LOG[record {i} 0x8024401B\r\nsecond line]LOG]!><time=\"10:00:{:02}.000+420\" date=\"05-31-2024\" component=\"C{}\" context=\"\" type=\"{}\" thread=\"{}\" file=\"\">\r\n",
                i % 60,
                i % 7,
                1 + i % 3,
                i % 5
            )
        };
        let text: String = (0..70_000).map(record).collect();
        assert!(text.len() > 9 << 20);
        let bytes = text.as_bytes();
        let whole = input::load(Input { name: "UpdatesStore.log".into(), bytes: bytes.to_vec().into() });
        let mut l = FileLoader::new("UpdatesStore.log", bytes.len() as u64);
        for c in bytes.chunks(1 << 20) {
            l.push(c);
        }
        let State::Text { parsing: Parsing::Pieces(inc), .. } = &l.state else { panic!("parsed as it arrives") };
        assert_eq!(inc.format(), LogFormat::Cmtrace);
        assert!(inc.pieces() >= 2, "{} pieces", inc.pieces());
        let f = &l.finish(&Limits::default()).files[0];
        assert_eq!(f.entries, whole.entries);
        assert_eq!(f.components, whole.components);
        assert_eq!((f.kind, f.physical_lines, &f.notes), (whole.kind, whole.physical_lines, &whole.notes));
        assert_eq!(f.text, whole.text);
    }

    #[test]
    fn empty_binary_and_small_files() {
        assert_eq!(load_in_chunks("e.log", b"", 10).files[0].format, LogFormat::Empty);
        assert_eq!(load_in_chunks("x.etl", &[0, 0, 0, 1, 2, 0, 0, 3], 3).files[0].format, LogFormat::Binary);
        // A trace is recognised by its first buffer and decoded whole, whatever the chunks.
        let wpp = crate::read::input::tests::etl_with(&[crate::read::input::tests::wpp_record()]);
        for chunk in [1, 100, 5000] {
            let f = &load_in_chunks("trace.etl", &wpp, chunk).files[0];
            assert_eq!(f.format, LogFormat::Binary);
            assert!(f.notes[0].contains("WPP trace"), "{:?}", f.notes);
        }
        assert_eq!(load_in_chunks("t.txt", b"hello\n", 2).files[0].format, LogFormat::PlainText);
    }
}
