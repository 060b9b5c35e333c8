//! Inputs as dropped: files, zip bundles (expanded in memory, bounded), binary files.

use std::io::Read;
use std::ops::Deref;
use std::sync::Arc;

use crate::model::{base_name, InputWarning, LogFile, LogFormat, StableBytes, Text, TextEncoding};
use crate::read::encoding::{self, Sniff};
use crate::read::file;

/// One input file: its display name and bytes.
pub struct Input {
    /// Display name: the path inside the drop (`CCM/Logs/WUAHandler.log`); it breaks ties in
    /// format detection and names the log's kind when the content does not.
    pub name: String,
    /// The file's bytes, as they are on disk.
    pub bytes: Bytes,
}

/// An input's bytes, shared and never changed: read into memory, or a memory-mapped file. A
/// UTF-8 log becomes its own text without a copy.
#[derive(Clone)]
pub struct Bytes(Arc<dyn StableBytes>);

impl Bytes {
    /// Bytes that are already shared (a memory-mapped file, a `Vec` in an `Arc`).
    pub fn shared(bytes: Arc<dyn StableBytes>) -> Bytes {
        Bytes(bytes)
    }
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0.bytes()
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self.0.bytes()
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Bytes {
        Bytes(Arc::new(v))
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Bytes {
        v.to_vec().into()
    }
}

impl From<&str> for Bytes {
    fn from(v: &str) -> Bytes {
        v.as_bytes().into()
    }
}

impl From<String> for Bytes {
    fn from(v: String) -> Bytes {
        v.into_bytes().into()
    }
}

/// Bounds that keep a hostile bundle from exhausting memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Total bytes all bundles (zips, cabs) may expand to.
    pub max_expanded_bytes: u64,
    /// Number of files all bundles may expand to.
    pub max_files: usize,
    /// Bundles inside bundles (a zip in a zip, the cab an Intune diagnostics zip holds) are
    /// expanded this many levels deep.
    pub max_zip_depth: u8,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_expanded_bytes: 4 << 30, max_files: 100_000, max_zip_depth: 3 }
    }
}

pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

pub use crate::read::cab::is_cab;

/// A bundle wulens expands: a zip or a Windows cabinet.
pub fn is_bundle(bytes: &[u8]) -> bool {
    is_zip(bytes) || is_cab(bytes)
}

/// Expand zip and cab bundles (recursively, within `limits`); other inputs pass through.
pub fn expand(inputs: Vec<Input>, limits: &Limits, warnings: &mut Vec<InputWarning>) -> Vec<Input> {
    let mut out = Vec::new();
    expand_with(inputs, limits, warnings, &mut |input| out.push(input));
    out
}

/// Like [`expand`], but hands each file to `each` as soon as it is decompressed, so a caller
/// that loads and drops the bytes holds one member at a time (the browser, where a bundle that
/// expands to gigabytes would otherwise exhaust the tab's memory before the first is parsed).
pub fn expand_with(inputs: Vec<Input>, limits: &Limits, warnings: &mut Vec<InputWarning>, each: &mut dyn FnMut(Input)) {
    let mut budget = Budget { bytes: limits.max_expanded_bytes, files: limits.max_files, stopped: false };
    for input in inputs {
        expand_one(input, limits.max_zip_depth, &mut budget, each, warnings);
    }
}

struct Budget {
    bytes: u64,
    files: usize,
    stopped: bool,
}

/// One member of a bundle, read within the budget and expanded in turn: false when the budget
/// is spent (the rest of every bundle is skipped).
struct Take<'a> {
    bundle: &'a str,
    depth: u8,
    budget: &'a mut Budget,
    out: &'a mut dyn FnMut(Input),
    warnings: &'a mut Vec<InputWarning>,
    files: usize,
    /// Members that could not be decompressed, each with a warning of its own.
    failed: usize,
}

impl Take<'_> {
    fn member(&mut self, name: String, reader: &mut dyn Read, size: u64) -> bool {
        if self.budget.files == 0 {
            self.warnings
                .push(InputWarning { name: self.bundle.to_string(), message: "holds more files than wulens reads at once; the rest were skipped".into() });
            self.budget.stopped = true;
            return false;
        }
        let mut bytes = Vec::with_capacity(size.min(self.budget.bytes).min(64 << 20) as usize);
        match reader.take(self.budget.bytes + 1).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 > self.budget.bytes => {
                self.over_budget(name, bytes.len() as u64);
                false
            }
            Ok(_) => {
                self.budget.bytes -= bytes.len() as u64;
                self.budget.files -= 1;
                self.files += 1;
                expand_one(Input { name, bytes: bytes.into() }, self.depth - 1, self.budget, self.out, self.warnings);
                !self.budget.stopped
            }
            // Memory ran out before the budget did (a browser tab holds far less than the
            // budget): the same as a bundle past its budget, said once.
            Err(e) if e.kind() == std::io::ErrorKind::OutOfMemory => {
                self.warnings.push(InputWarning {
                    name,
                    message: "expands to more than this machine or browser tab can hold in memory (a zip bomb, or simply too big); this file and the rest of the bundle were skipped".into(),
                });
                self.budget.stopped = true;
                false
            }
            Err(e) => {
                self.warnings.push(InputWarning { name, message: format!("cannot be decompressed ({e}); skipped") });
                self.failed += 1;
                true
            }
        }
    }

    fn too_big(&mut self, name: String, size: u64) {
        self.warnings.push(InputWarning {
            name,
            message: format!(
                "expands to {}, more than the {} left of what all bundles together may expand to (a zip bomb, or simply too big); skipped, and the rest of the bundle read",
                human_bytes(size),
                human_bytes(self.budget.bytes)
            ),
        });
    }

    fn over_budget(&mut self, name: String, read: u64) {
        self.warnings.push(InputWarning {
            name,
            message: format!(
                "expands beyond the {} limit for all bundles together (a zip bomb, or simply too big); this file and the rest of the bundle were skipped",
                human_bytes(Limits::default().max_expanded_bytes.min(self.budget.bytes + read))
            ),
        });
        self.budget.stopped = true;
    }
}

impl crate::read::cab::Members for Take<'_> {
    fn member(&mut self, name: String, bytes: &mut dyn Read, size: u64) -> bool {
        Take::member(self, format!("{}/{}", self.bundle, name.trim_start_matches('/')), bytes, size)
    }

    /// Bytes decompressed to reach the next member count against the budget like a member's.
    fn skipped(&mut self, bytes: u64) -> bool {
        if bytes > self.budget.bytes {
            self.over_budget(self.bundle.to_string(), bytes);
            return false;
        }
        self.budget.bytes -= bytes;
        true
    }

    fn warn(&mut self, name: String, message: String) {
        self.warnings.push(InputWarning { name: format!("{}/{}", self.bundle, name), message });
    }
}

fn expand_one(input: Input, depth: u8, budget: &mut Budget, out: &mut dyn FnMut(Input), warnings: &mut Vec<InputWarning>) {
    if depth == 0 || budget.stopped || !is_bundle(&input.bytes) {
        out(input);
    } else if is_cab(&input.bytes) {
        expand_cab(input, depth, budget, out, warnings);
    } else {
        expand_zip(input, depth, budget, out, warnings);
    }
}

fn expand_cab(input: Input, depth: u8, budget: &mut Budget, out: &mut dyn FnMut(Input), warnings: &mut Vec<InputWarning>) {
    let mut take = Take { bundle: &input.name, depth, budget: &mut *budget, out: &mut *out, warnings: &mut *warnings, files: 0, failed: 0 };
    let opened = crate::read::cab::members(&input.bytes, &mut take);
    let (files, failed) = (take.files, take.failed);
    match opened {
        Ok(_) if files == 0 && failed == 0 && !budget.stopped => {
            warnings.push(InputWarning { name: input.name, message: "is a cab bundle with no files in it".into() })
        }
        Ok(_) => {}
        Err(e) => {
            warnings.push(InputWarning {
                name: input.name.clone(),
                message: format!("looks like a cab bundle but cannot be opened ({e}); it was read as a plain file instead"),
            });
            out(input);
        }
    }
}

fn expand_zip(input: Input, depth: u8, budget: &mut Budget, out: &mut dyn FnMut(Input), warnings: &mut Vec<InputWarning>) {
    let mut archive = match zip::ZipArchive::new(std::io::Cursor::new(&input.bytes)) {
        Ok(a) => a,
        Err(e) => {
            warnings.push(InputWarning {
                name: input.name.clone(),
                message: format!("looks like a zip bundle but cannot be opened ({e}); it was read as a plain file instead"),
            });
            out(input);
            return;
        }
    };
    let mut take = Take { bundle: &input.name, depth, budget: &mut *budget, out, warnings: &mut *warnings, files: 0, failed: 0 };
    // Members passed over with a warning of their own: the zip has files, none read.
    let mut passed_over = 0;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                take.warnings
                    .push(InputWarning { name: format!("{}#{}", input.name, i), message: format!("a member of the zip cannot be read ({e}); skipped") });
                passed_over += 1;
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let name = format!("{}/{}", input.name, entry.name().trim_start_matches(['/', '\\']));
        if entry.encrypted() {
            take.warnings.push(InputWarning { name, message: "is encrypted in the zip; skipped (wulens does not ask for zip passwords)".into() });
            passed_over += 1;
            continue;
        }
        let size = entry.size();
        // A member that says it is bigger than what is left is passed over unread (zip members
        // are independent: nothing is decompressed to reach the next), so that the logs beside
        // a bomb are still read. One that lies about its size stops the bundles in `member`.
        if size > take.budget.bytes {
            take.too_big(name, size);
            passed_over += 1;
            continue;
        }
        if !take.member(name, &mut entry, size) {
            break;
        }
    }
    let (files, failed) = (take.files, take.failed);
    if files == 0 && passed_over == 0 && failed == 0 && !budget.stopped {
        warnings.push(InputWarning { name: input.name.clone(), message: "is a zip bundle with no files in it".into() });
    }
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Why a binary file was skipped, in words that say what to do.
pub fn binary_note(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".etl") {
        format!(
            "{} is a binary Event Trace Log (.etl). Windows 10 and later write Windows Update logs as ETL traces: run Get-WindowsUpdateLog in PowerShell on that machine to turn them into a readable WindowsUpdate.log, then add that file.",
            base_name(name)
        )
    } else if lower.ends_with(".evtx") {
        format!(
            "{} is named like a Windows event log (.evtx) but does not start with one's file header (ElfFile): it is damaged or not an event log. Export the log again (wevtutil epl <channel> <file>.evtx) and add it.",
            base_name(name)
        )
    } else {
        format!("{} is not a text log (binary content); skipped.", base_name(name))
    }
}

/// Decode and parse one input into a `LogFile`.
pub fn load(input: Input) -> LogFile {
    let Input { name, bytes } = input;
    let size = bytes.len() as u64;
    if wulens_etl::looks_like_etl(&bytes) {
        return crate::read::etl::load(name, &bytes);
    }
    if crate::read::evtx::looks_like_evtx(&bytes) {
        return crate::read::evtx::load(name, &bytes);
    }
    let sniffed = encoding::sniff(&bytes[..bytes.len().min(encoding::SNIFF_LEN)]);
    let enc = match sniffed {
        Sniff::Empty => {
            let mut f = LogFile::skipped(name.clone(), LogFormat::Empty, 0, format!("{} is empty.", base_name(&name)));
            f.encoding = Some(TextEncoding::Utf8);
            return f;
        }
        Sniff::Binary => return LogFile::skipped(name.clone(), LogFormat::Binary, size, binary_note(&name)),
        Sniff::Text(enc) => enc,
    };
    if size > u32::MAX as u64 {
        return LogFile::skipped(
            name,
            LogFormat::PlainText,
            size,
            "is larger than 4 GB; split it (or keep only the time range you need) and drop the parts".into(),
        );
    }
    let bom = match enc {
        TextEncoding::Utf8 => Some(0),
        TextEncoding::Utf8Bom if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) => Some(3),
        _ => None,
    };
    // UTF-8 text is the bytes themselves (U+FEFF, three bytes, left out); anything else decoded.
    if let Some(text) = bom.and_then(|bom| Text::shared(bytes.0.clone(), bom..bytes.len())) {
        return file::from_text(name, enc, size, text, Default::default());
    }
    let (text, stats) = encoding::decode_slice(&bytes, enc);
    file::from_text(name, enc, size, text, stats)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn utf8_text_is_the_bytes_themselves() {
        for bytes in [&b"plain line\r\n"[..], b"\xEF\xBB\xBFcaf\xC3\xA9 ok\r\n", b"\xEF\xBB\xBFcaf\xE9 \x80 not UTF-8", b"\xEF\xBB\xBF\xEF\xBB\xBFtwo BOMs"] {
            let f = load(Input { name: "x.log".into(), bytes: bytes.into() });
            let enc = f.encoding.unwrap();
            let (text, stats) = encoding::decode_slice(bytes, enc);
            assert_eq!((f.text.as_str(), f.decode), (text.as_str(), stats), "{bytes:?}");
            // Valid UTF-8 is not copied; the rest is decoded into text of its own.
            assert_eq!(f.text.is_shared(), std::str::from_utf8(bytes).is_ok(), "{bytes:?}");
        }
    }

    #[test]
    fn expands_nested_bundles() {
        let inner = zip_of(&[("WindowsUpdate.log", b"hello")]);
        let outer = zip_of(&[("CCM/Logs/WUAHandler.log", b"a"), ("inner.zip", &inner)]);
        let mut w = Vec::new();
        let out = expand(vec![Input { name: "bundle.zip".into(), bytes: outer.into() }], &Limits::default(), &mut w);
        let names: Vec<_> = out.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["bundle.zip/CCM/Logs/WUAHandler.log", "bundle.zip/inner.zip/WindowsUpdate.log"]);
        assert!(w.is_empty());
    }

    #[test]
    fn empty_zip_says_so() {
        let empty = zip_of(&[]);
        let mut w = Vec::new();
        let out = expand(vec![Input { name: "empty.zip".into(), bytes: empty.into() }], &Limits::default(), &mut w);
        assert!(out.is_empty());
        assert_eq!(w[0].message, "is a zip bundle with no files in it");
    }

    /// A reader whose memory runs out, as `read_to_end` does in a browser tab long before the
    /// budget is spent.
    struct NoMemory;
    impl Read for NoMemory {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::OutOfMemory.into())
        }
    }

    /// A reader that fails as a damaged member does.
    struct Damaged;
    impl Read for Damaged {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "invalid deflate stream"))
        }
    }

    #[test]
    fn a_bomb_that_runs_out_of_memory_is_one_sentence_and_one_input() {
        for (reader, stops) in [(&mut NoMemory as &mut dyn Read, true), (&mut Damaged as &mut dyn Read, false)] {
            let mut budget = Budget { bytes: 1 << 30, files: 10, stopped: false };
            let (mut out, mut warnings) = (Vec::new(), Vec::new());
            let mut push = |i: Input| out.push(i);
            let mut take = Take { bundle: "bomb.zip", depth: 2, budget: &mut budget, out: &mut push, warnings: &mut warnings, files: 0, failed: 0 };
            assert_eq!(take.member("bomb.zip/a.log".into(), reader, 10), !stops);
            assert_eq!((take.files, take.failed), (0, usize::from(!stops)));
            assert_eq!(budget.stopped, stops);
            assert_eq!(warnings.len(), 1, "{warnings:?}");
            assert_eq!(warnings[0].name, "bomb.zip/a.log");
            let m = &warnings[0].message;
            assert!(
                if stops { m.contains("zip bomb") && !m.contains("out of memory") } else { m.contains("cannot be decompressed (invalid deflate stream)") },
                "{m}"
            );
        }
    }

    #[test]
    fn a_zip_whose_only_member_cannot_be_decompressed_is_not_called_empty() {
        // A stored member whose bytes were cut: its CRC check fails when it is read.
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("a.log", zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)).unwrap();
        w.write_all(b"hello, world, hello, world").unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        let at = bytes.windows(5).position(|w| w == b"hello").unwrap();
        bytes[at] = b'j';
        let mut w = Vec::new();
        let out = expand(vec![Input { name: "one.zip".into(), bytes: bytes.into() }], &Limits::default(), &mut w);
        assert!(out.is_empty());
        assert_eq!(w.len(), 1, "one warning for one file: {w:?}");
        assert!(w[0].message.starts_with("cannot be decompressed"), "{w:?}");
    }

    #[test]
    fn bomb_is_bounded() {
        let big = vec![b'A'; 2 << 20];
        let bomb = zip_of(&[("a.log", &big), ("b.log", &big)]);
        assert!(bomb.len() < 64 << 10, "highly compressible");
        let limits = Limits { max_expanded_bytes: 3 << 20, ..Limits::default() };
        let mut w = Vec::new();
        let out = expand(vec![Input { name: "bomb.zip".into(), bytes: bomb.into() }], &limits, &mut w);
        assert_eq!(out.len(), 1);
        assert!(w[0].message.contains("zip bomb"), "{:?}", w);
    }

    #[test]
    fn the_logs_beside_a_bomb_are_still_read() {
        // Nested: members that expand past what is left are passed over unread, one by one,
        // and the small CBS.log after them (and in the outer zip) is read.
        let big = vec![0u8; 2 << 20];
        let cbs = b"2024-05-31 16:45:56, Info                  CBS    Starting TrustedInstaller initialization.\r\n";
        let inner = zip_of(&[("0.bin", &big), ("1.bin", &big), ("2.bin", &big), ("inner/CBS.log", cbs)]);
        let outer = zip_of(&[("a.zip", &inner), ("b.zip", &inner), ("CBS.log", cbs)]);
        let limits = Limits { max_expanded_bytes: 5 << 20, ..Limits::default() };
        let mut w = Vec::new();
        let out = expand(vec![Input { name: "junk.zip".into(), bytes: outer.into() }], &limits, &mut w);
        let names: Vec<_> = out.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            ["junk.zip/a.zip/0.bin", "junk.zip/a.zip/1.bin", "junk.zip/a.zip/inner/CBS.log", "junk.zip/b.zip/inner/CBS.log", "junk.zip/CBS.log"],
            "{w:?}"
        );
        // Each member passed over is named with why; nothing read is lost.
        let skipped: Vec<_> = w.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(skipped, ["junk.zip/a.zip/2.bin", "junk.zip/b.zip/0.bin", "junk.zip/b.zip/1.bin", "junk.zip/b.zip/2.bin"]);
        assert!(w.iter().all(|w| w.message.contains("zip bomb") && w.message.contains("the rest of the bundle read")), "{w:?}");
    }

    #[test]
    fn cabs_expand_like_zips_nested_and_bounded() {
        use crate::read::cab::tests::cab_of;
        let cab = cab_of(&[("MDMDiagReport.xml", b"<MDMEnterpriseDiagnosticsReport/>"), ("logs\\WindowsUpdate.log", b"hello")], 2);
        let outer = zip_of(&[("(77) FoldersFiles temp_MDMDiagnostics_mdmlogs_cab/mdmlogs.cab", &cab), ("results.xml", b"<Collection/>")]);
        let mut w = Vec::new();
        let out = expand(vec![Input { name: "DiagLogs.zip".into(), bytes: outer.into() }], &Limits::default(), &mut w);
        let names: Vec<_> = out.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "DiagLogs.zip/(77) FoldersFiles temp_MDMDiagnostics_mdmlogs_cab/mdmlogs.cab/MDMDiagReport.xml",
                "DiagLogs.zip/(77) FoldersFiles temp_MDMDiagnostics_mdmlogs_cab/mdmlogs.cab/logs/WindowsUpdate.log",
                "DiagLogs.zip/results.xml"
            ]
        );
        assert_eq!(&*out[1].bytes, b"hello");
        assert!(w.is_empty(), "{w:?}");
        // A cab that expands past the budget stops there, with the same words as a zip bomb.
        let big = vec![b'A'; 2 << 20];
        let bomb = cab_of(&[("a.log", &big), ("b.log", &big)], 1);
        assert!(bomb.len() < 64 << 10, "highly compressible");
        let limits = Limits { max_expanded_bytes: 3 << 20, ..Limits::default() };
        let mut w = Vec::new();
        let out = expand(vec![Input { name: "bomb.cab".into(), bytes: bomb.into() }], &limits, &mut w);
        assert_eq!(out.len(), 1);
        assert!(w[0].message.contains("zip bomb"), "{w:?}");
        // And one that is not a cabinet after its signature is read as a plain file, with why.
        let mut w = Vec::new();
        let out = expand(vec![Input { name: "x.cab".into(), bytes: b"MSCF\0\0\0\0 cut off".to_vec().into() }], &Limits::default(), &mut w);
        assert_eq!(out.len(), 1);
        assert!(w[0].message.contains("cannot be opened"), "{w:?}");
    }

    /// A minimal trace: one buffer with the logfile header and `records` after it.
    pub(crate) fn etl_with(records: &[Vec<u8>]) -> Vec<u8> {
        let mut b = vec![0u8; 0x48];
        b[0..4].copy_from_slice(&0x1000u32.to_le_bytes());
        b[0x36] = 4;
        // System header (SYSTEM64, hook 0) and a zeroed TRACE_LOGFILE_HEADER with names.
        let payload = 0x118 + 4;
        b.extend_from_slice(&[2, 0, 2, 0xC0]);
        b.extend_from_slice(&((0x20 + payload) as u16).to_le_bytes());
        b.extend_from_slice(&[0, 0]);
        b.extend_from_slice(&[0u8; 0x18]);
        let mut h = vec![0u8; payload];
        h[0xF8 + 8..0xF8 + 16].copy_from_slice(&10_000_000u64.to_le_bytes());
        b.extend_from_slice(&h);
        for r in records {
            while !b.len().is_multiple_of(8) {
                b.push(0);
            }
            b.extend_from_slice(r);
        }
        let saved = b.len() as u32;
        b[4..8].copy_from_slice(&saved.to_le_bytes());
        b.resize(0x1000, 0xFF);
        b
    }

    /// A WPP message (TraceMessage) with a GUID, a timestamp and thread/process ids.
    pub(crate) fn wpp_record() -> Vec<u8> {
        let mut r = vec![0x28, 0, 15, 0xC0, 1, 0, 0x2A, 0];
        r.extend_from_slice(&[0x11; 16]);
        r.extend_from_slice(&[0; 16]);
        r
    }

    #[test]
    fn binary_and_etl_are_explained() {
        let f = load(Input { name: "C/Windows/Logs/WindowsUpdate/WindowsUpdate.20240531.etl".into(), bytes: vec![0, 1, 2, 3, 0, 0, 0, 9, 200, 0].into() });
        assert_eq!(f.format, LogFormat::Binary);
        assert!(f.notes[0].contains("Get-WindowsUpdateLog"));
        // A WPP trace (Windows 10 1507-1703) is recognised by content and explained.
        let wpp = load(Input { name: "WindowsUpdate.20170101.etl.bin".into(), bytes: etl_with(&[wpp_record(), wpp_record()]).into() });
        assert_eq!(wpp.format, LogFormat::Binary);
        assert!(wpp.notes[0].contains("is a WPP trace") && wpp.notes[0].contains("2 events"), "{:?}", wpp.notes);
        assert!(wpp.notes[0].contains("symbol files") && wpp.notes[0].contains("Get-WindowsUpdateLog"));
        // A trace with no events says so.
        let empty = load(Input { name: "x.etl".into(), bytes: etl_with(&[]).into() });
        assert!(empty.notes[0].contains("no events"), "{:?}", empty.notes);
        // A trace cut inside its header is explained, not decoded.
        let cut = load(Input { name: "y.etl".into(), bytes: etl_with(&[])[..0x100].into() });
        assert_eq!(cut.format, LogFormat::Binary);
        assert!(cut.notes[0].contains("logfile header cannot be read"), "{:?}", cut.notes);
        let e = load(Input { name: "x.log".into(), bytes: vec![].into() });
        assert_eq!(e.format, LogFormat::Empty);
    }
}
