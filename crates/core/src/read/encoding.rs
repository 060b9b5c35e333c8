//! Text encodings of Windows logs, detected from the bytes, and a streaming decoder to UTF-8.
//!
//! Windows writes logs as UTF-8 (ConfigMgr, with a BOM), UTF-16 LE (`reg export`, some tools),
//! or the ANSI code page (Windows-1252 on Western systems). We decode UTF-8 and, byte by byte,
//! fall back to Windows-1252 for anything that is not valid UTF-8, so a stray byte never hides a
//! line or fails a file.

use crate::model::{DecodeStats, TextEncoding};

/// What the first bytes of a file say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniff {
    Text(TextEncoding),
    Binary,
    Empty,
}

/// How many leading bytes [`sniff`] looks at.
pub const SNIFF_LEN: usize = 8192;

/// Decide the encoding (or that it is binary) from the start of a file.
pub fn sniff(head: &[u8]) -> Sniff {
    if head.is_empty() {
        return Sniff::Empty;
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Sniff::Text(TextEncoding::Utf8Bom);
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Sniff::Text(TextEncoding::Utf16LeBom);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Sniff::Text(TextEncoding::Utf16BeBom);
    }
    let head = &head[..head.len().min(SNIFF_LEN)];
    // UTF-16 without a BOM: ASCII text leaves a zero in every other byte.
    if head.len() >= 4 {
        let pairs = head.len() / 2;
        let (mut zero_even, mut zero_odd) = (0usize, 0usize);
        for p in head.chunks_exact(2) {
            zero_even += (p[0] == 0) as usize;
            zero_odd += (p[1] == 0) as usize;
        }
        if zero_odd * 10 >= pairs * 4 && zero_even * 20 <= pairs {
            return Sniff::Text(TextEncoding::Utf16Le);
        }
        if zero_even * 10 >= pairs * 4 && zero_odd * 20 <= pairs {
            return Sniff::Text(TextEncoding::Utf16Be);
        }
    }
    // Binary: many NULs (over 5%) or many other control characters (over 10%). Text logs with
    // a stray NUL (a crash mid-write, a copy tool) stay text: their NULs are shown, not hidden.
    let nul = memchr::memchr_iter(0, head).count();
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B | 0)).count();
    if nul * 20 > head.len() || control * 10 > head.len() {
        return Sniff::Binary;
    }
    match std::str::from_utf8(head) {
        Ok(_) => Sniff::Text(TextEncoding::Utf8),
        // A multi-byte character cut by the end of the sniff window is still UTF-8.
        Err(e) if e.error_len().is_none() => Sniff::Text(TextEncoding::Utf8),
        // Not UTF-8, so text only in a one-byte code page, where text has next to no byte that
        // is no character: random or compressed bytes have one in eight (the controls above,
        // DEL and the five bytes Windows-1252 leaves undefined), while text in Windows-1252,
        // accented as it may be, has none.
        Err(_) if (control + nul + undefined_in_cp1252(head)) * ODD_PER_TEXT > head.len() => Sniff::Binary,
        Err(_) => {
            if has_valid_multibyte(head) {
                Sniff::Text(TextEncoding::Utf8)
            } else {
                Sniff::Text(TextEncoding::Windows1252)
            }
        }
    }
}

/// At most one byte in this many may be no character in a head that is not UTF-8: a
/// Windows-1252 log with a stray control byte stays text, random bytes (one in eight) do not.
const ODD_PER_TEXT: usize = 50;

/// DEL and the bytes Windows-1252 maps to no character.
fn undefined_in_cp1252(head: &[u8]) -> usize {
    head.iter().filter(|&&b| matches!(b, 0x7F | 0x81 | 0x8D | 0x8F | 0x90 | 0x9D)).count()
}

fn has_valid_multibyte(b: &[u8]) -> bool {
    let mut rest = b;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => return s.bytes().any(|c| c >= 0x80),
            Err(e) => {
                let (ok, _) = rest.split_at(e.valid_up_to());
                if ok.iter().any(|&c| c >= 0x80) {
                    return true;
                }
                match e.error_len() {
                    Some(n) => rest = &rest[e.valid_up_to() + n..],
                    None => return false,
                }
            }
        }
    }
}

/// Windows-1252 → Unicode for 0x80..=0x9F; the rest of the high half maps to U+00A0..U+00FF.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š',
    '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

pub fn cp1252_char(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Streaming decoder: feed chunks in order, get UTF-8 appended to one `String`.
pub struct Decoder {
    encoding: TextEncoding,
    /// Leading bytes still to skip (the BOM), possibly across chunks.
    skip: usize,
    /// Incomplete UTF-8 sequence carried to the next chunk.
    carry: Vec<u8>,
    utf16: Option<encoding_rs::Decoder>,
    utf16_bytes: u64,
    finished: bool,
    /// What decoding has met so far (invalid bytes, a cut-off UTF-16 end).
    pub stats: DecodeStats,
}

impl Decoder {
    /// A decoder for a file's bytes from its start (its byte-order mark skipped).
    pub fn new(encoding: TextEncoding) -> Decoder {
        let utf16 = match encoding {
            TextEncoding::Utf16Le | TextEncoding::Utf16LeBom => Some(encoding_rs::UTF_16LE.new_decoder_without_bom_handling()),
            TextEncoding::Utf16Be | TextEncoding::Utf16BeBom => Some(encoding_rs::UTF_16BE.new_decoder_without_bom_handling()),
            _ => None,
        };
        Decoder { encoding, skip: encoding.bom_len(), carry: Vec::new(), utf16, utf16_bytes: 0, finished: false, stats: DecodeStats::default() }
    }

    /// A decoder for bytes further into a file already being read (a followed log's new
    /// bytes): there is no byte-order mark to skip.
    pub fn continuing(encoding: TextEncoding) -> Decoder {
        Decoder { skip: 0, ..Decoder::new(encoding) }
    }

    /// The encoding it decodes.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// Decode one chunk. `last` must be true for the final chunk (it may be empty).
    pub fn push(&mut self, mut chunk: &[u8], last: bool, out: &mut String) {
        if self.finished {
            debug_assert!(chunk.is_empty(), "bytes after the last chunk");
            return;
        }
        self.finished = last;
        if self.skip > 0 {
            let n = self.skip.min(chunk.len());
            chunk = &chunk[n..];
            self.skip -= n;
        }
        if self.encoding.is_utf16() {
            self.push_utf16(chunk, last, out);
        } else if self.encoding == TextEncoding::Windows1252 {
            out.reserve(chunk.len());
            for &b in chunk {
                out.push(cp1252_char(b));
            }
        } else {
            self.push_utf8(chunk, last, out);
        }
    }

    fn push_utf16(&mut self, chunk: &[u8], last: bool, out: &mut String) {
        let dec = self.utf16.as_mut().expect("utf16 decoder");
        // encoding_rs carries half code units across chunks; we only count bytes for the report.
        self.utf16_bytes += chunk.len() as u64;
        if last && self.utf16_bytes % 2 == 1 {
            self.stats.truncated_utf16 = true;
        }
        let needed = dec.max_utf8_buffer_length(chunk.len()).unwrap_or(chunk.len() * 3 + 16);
        out.reserve(needed);
        let mut input = chunk;
        loop {
            let (result, read, had_errors) = dec.decode_to_string(input, out, last);
            if had_errors {
                self.stats.replaced_utf16 += 1;
            }
            input = &input[read..];
            match result {
                encoding_rs::CoderResult::InputEmpty => break,
                encoding_rs::CoderResult::OutputFull => out.reserve(input.len() * 3 + 16),
            }
        }
    }

    fn push_utf8(&mut self, chunk: &[u8], last: bool, out: &mut String) {
        let joined;
        let mut bytes = chunk;
        if !self.carry.is_empty() {
            let mut v = std::mem::take(&mut self.carry);
            v.extend_from_slice(chunk);
            joined = v;
            bytes = &joined;
        }
        out.reserve(bytes.len());
        // Almost every chunk is valid: checked with SIMD, then read again only when it is not.
        if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
            out.push_str(s);
            return;
        }
        loop {
            match std::str::from_utf8(bytes) {
                Ok(s) => {
                    out.push_str(s);
                    return;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    // SAFETY-free: from_utf8 on the valid prefix cannot fail.
                    out.push_str(std::str::from_utf8(&bytes[..good]).unwrap());
                    match e.error_len() {
                        Some(n) => {
                            for &b in &bytes[good..good + n] {
                                out.push(cp1252_char(b));
                            }
                            self.stats.invalid_utf8_bytes += n as u64;
                            bytes = &bytes[good + n..];
                        }
                        None if !last => {
                            self.carry = bytes[good..].to_vec();
                            return;
                        }
                        None => {
                            for &b in &bytes[good..] {
                                out.push(cp1252_char(b));
                            }
                            self.stats.invalid_utf8_bytes += (bytes.len() - good) as u64;
                            return;
                        }
                    }
                }
            }
        }
    }
}

pub fn decode_slice(bytes: &[u8], encoding: TextEncoding) -> (String, DecodeStats) {
    let mut d = Decoder::new(encoding);
    let mut out = String::new();
    d.push(bytes, true, &mut out);
    (out, d.stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    #[test]
    fn sniffs_every_encoding() {
        assert_eq!(sniff(b""), Sniff::Empty);
        assert_eq!(sniff(b"\xEF\xBB\xBFhello"), Sniff::Text(TextEncoding::Utf8Bom));
        assert_eq!(sniff(&utf16le("hello world", true)), Sniff::Text(TextEncoding::Utf16LeBom));
        assert_eq!(sniff(&utf16le("hello world, a log line", false)), Sniff::Text(TextEncoding::Utf16Le));
        let be: Vec<u8> = "hello world, a log line".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(sniff(&be), Sniff::Text(TextEncoding::Utf16Be));
        assert_eq!(sniff("caf\u{e9} ok".as_bytes()), Sniff::Text(TextEncoding::Utf8));
        assert_eq!(sniff(b"caf\xE9 \xFCber 10\x80"), Sniff::Text(TextEncoding::Windows1252));
        let mut bin = vec![0u8; 64];
        bin.extend_from_slice(&[1, 2, 3, 0xFF, 0x10, 0x11]);
        assert_eq!(sniff(&bin), Sniff::Binary);
    }

    /// Bytes from a fixed-seed xorshift: the same "random" file on every run.
    fn noise(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn random_bytes_are_binary_whatever_the_draw() {
        // Before, a draw was binary only when its controls passed a tenth: about two in three.
        for seed in 0..200 {
            for len in [512, 4096, SNIFF_LEN] {
                assert_eq!(sniff(&noise(seed, len)), Sniff::Binary, "seed {seed}, {len} bytes");
            }
        }
    }

    #[test]
    fn accented_code_page_text_stays_text() {
        // Windows-1252 at its most accented (every word with é, ü, ß, €, typographic quotes and
        // dashes), a stray control byte and a stray NUL in it: text.
        let line: &[u8] = b"2024-05-31 16:45:56, Info CBS Paket \x93Sicherheitsupdate f\xFCr Windows\x94 \x96 \xE9t\xE9 install\xE9 \x80 \xDFe\x85\r\n";
        let mut t = line.repeat(100);
        t[500] = 0x1A;
        t[900] = 0;
        assert_eq!(sniff(&t), Sniff::Text(TextEncoding::Windows1252));
        // Text that is all high bytes (Cyrillic in Windows-1251, read as 1252): text.
        let cyr: Vec<u8> = (0..4000).map(|i| if i % 9 == 8 { b' ' } else { 0xC0 + (i * 7 % 64) as u8 }).collect();
        assert_eq!(sniff(&cyr), Sniff::Text(TextEncoding::Windows1252));
        // UTF-16 without a byte-order mark, Latin and not: text.
        let s = "2024-05-31 16:45:56 Обновление установлено, état 0x80070643\r\n".repeat(50);
        assert_eq!(sniff(&utf16le(&s, false)), Sniff::Text(TextEncoding::Utf16Le));
    }

    #[test]
    fn a_short_line_with_a_nul_is_still_text() {
        assert_eq!(sniff(b"before\0after 0x8024401B\r\nnext line\n"), Sniff::Text(TextEncoding::Utf8));
    }

    #[test]
    fn few_nuls_are_still_text() {
        let mut t = b"2024-05-31 16:45:56, Info CBS line\r\n".repeat(40);
        t[100] = 0;
        assert_eq!(sniff(&t), Sniff::Text(TextEncoding::Utf8));
    }

    #[test]
    fn cp1252_fallback_per_byte() {
        let (s, st) = decode_slice(b"caf\xE9 \x80 ok \xE2\x82\xAC", TextEncoding::Utf8);
        assert_eq!(s, "café € ok €");
        assert_eq!(st.invalid_utf8_bytes, 2);
        let (s, _) = decode_slice(b"\xE9\xFC\x80", TextEncoding::Windows1252);
        assert_eq!(s, "éü€");
    }

    #[test]
    fn streaming_utf8_split_inside_a_character() {
        let text = "ab€cd".as_bytes();
        for split in 0..=text.len() {
            let mut d = Decoder::new(TextEncoding::Utf8);
            let mut out = String::new();
            d.push(&text[..split], false, &mut out);
            d.push(&text[split..], true, &mut out);
            assert_eq!(out, "ab€cd", "split at {split}");
            assert_eq!(d.stats.invalid_utf8_bytes, 0);
        }
    }

    #[test]
    fn streaming_utf16_with_bom_split_anywhere() {
        let bytes = utf16le("line one\r\nline \u{20AC}", true);
        for split in 0..=bytes.len() {
            let mut d = Decoder::new(TextEncoding::Utf16LeBom);
            let mut out = String::new();
            d.push(&bytes[..split], false, &mut out);
            d.push(&bytes[split..], true, &mut out);
            assert_eq!(out, "line one\r\nline €", "split at {split}");
            assert!(!d.stats.truncated_utf16);
        }
    }

    #[test]
    fn truncated_utf16_is_reported() {
        let mut bytes = utf16le("abc", true);
        bytes.push(b'd');
        let (s, st) = decode_slice(&bytes, TextEncoding::Utf16LeBom);
        assert!(s.starts_with("abc"));
        assert!(st.truncated_utf16);
    }
}
