//! Finding error codes in log text, in every notation the logs use:
//! `0x8024401B`, `8024401b`, `hr=8007000E`, `[80072EE7]`, `-2145107934`, `2149859355` (after an
//! error word), and symbolic names such as `WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ`.
//!
//! Text is cut into word tokens (`[A-Za-z0-9_]+`) so that hex inside longer tokens (hashes,
//! `0x00007FF8A1B2C3D4`, `ab80070005cd`) never matches. A candidate must be a failure value
//! (severity bit set) from a known facility or the knowledge base, which rules out look-alike
//! hex in paths. Bare 8-hex tokens that are GUID parts are skipped; bare all-digit and unsigned
//! decimal forms need an error word (`hr`, `error`, `code`, ...) or brackets in front.

use wulens_kb::Notation;

/// One code found in a piece of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeHit {
    /// The code as a 32-bit value (`-2145107934` and `0x80244022` give the same).
    pub code: u32,
    /// Byte range of the code as written.
    pub start: usize,
    /// End (exclusive) of that byte range.
    pub end: usize,
    /// How it was written (hex, bare hex, decimal, a symbolic name).
    pub notation: Notation,
    /// A symbolic name the log wrote right after the code (`0x800f081f - CBS_E_SOURCE_MISSING`).
    pub stated_symbol: Option<(usize, usize)>,
}

const KEYWORDS: [&[u8]; 14] =
    [b"hr", b"hresult", b"error", b"err", b"errorcode", b"code", b"result", b"status", b"failed", b"failure", b"returned", b"ret", b"exit", b"ec"];

/// Call `f` for every code in `text`, in order. The same code may be reported more than once.
pub fn scan(text: &str, mut f: impl FnMut(CodeHit)) {
    let b = text.as_bytes();
    candidates(b, |s, e| {
        if e - s >= 5 {
            if let Some(hit) = classify(b, s, e) {
                f(hit);
            }
        }
    });
}

/// Per 64 bytes, bit i set when byte i is a word byte (`[A-Za-z0-9_]`) and when it is a digit or
/// `_`: 16 bytes at a time with SIMD (SSE2, part of every x86_64; simd128 in the browser), where
/// the byte classes are two unsigned range tests and one comparison, and each class's bits come
/// out of one move-mask. Faster than [`masks_swar`], which other targets use.
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
#[inline(always)]
fn masks(block: &[u8; 64]) -> Masks {
    let mut m = Masks { word: 0, marked: 0 };
    for (k, c) in block.chunks_exact(16).enumerate() {
        let (word, marked) = classes16(c.try_into().expect("16 bytes"));
        m.word |= u64::from(word) << (k * 16);
        m.marked |= u64::from(marked) << (k * 16);
    }
    m
}

/// Word bytes and digits-or-underscores of 16 bytes, one bit each, byte 0 lowest. Bytes of 0x80
/// and above fail both range tests.
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
#[inline(always)]
fn classes16(c: &[u8; 16]) -> (u16, u16) {
    let v = crate::model::Bytes16::load(c);
    let marked = v.in_range(b'0', 9) | v.eq(b'_');
    let word = marked | v.or(0x20).in_range(b'a', 25);
    (word.bits(), marked.bits())
}

/// [`masks`] eight bytes at a time in a u64 (SWAR: no branch, no table), for targets without
/// the SIMD version; the tests check the two agree on every byte.
#[cfg_attr(any(target_arch = "x86_64", target_arch = "wasm32"), allow(dead_code))]
#[cfg_attr(not(any(target_arch = "x86_64", target_arch = "wasm32")), inline(always))]
fn masks_swar(block: &[u8; 64]) -> Masks {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn splat(b: u8) -> u64 {
        u64::from_ne_bytes([b; 8])
    }
    // Per byte of 7 bits, high bit of the result set when `lo <= y <= hi` (no carries cross
    // bytes: every sum stays below 0x100).
    #[inline(always)]
    fn in_range(y: u64, lo: u8, hi: u8) -> u64 {
        (y + splat(0x80 - lo)) & !(y + splat(0x7F - hi)) & HIGH
    }
    // The eight high bits gathered into one byte, byte 0 lowest.
    #[inline(always)]
    fn gather(high: u64) -> u64 {
        ((high >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
    }
    let mut m = Masks { word: 0, marked: 0 };
    for (k, c) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        let y = x & LOW7;
        let digit = in_range(y, b'0', b'9');
        let letter = in_range(y | splat(0x20), b'a', b'z');
        let underscore = !((y ^ splat(b'_')) + LOW7) & HIGH;
        // Bytes of 0x80 and above are never word bytes.
        let ascii = !x & HIGH;
        m.word |= gather((digit | letter | underscore) & ascii) << (k * 8);
        m.marked |= gather((digit | underscore) & ascii) << (k * 8);
    }
    m
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
use masks_swar as masks;

/// See [`masks`].
#[derive(Debug, PartialEq, Eq)]
struct Masks {
    word: u64,
    /// Digits and underscores.
    marked: u64,
}

/// Bits `0..i` set (every bit from 64 on).
// Always inlined, like the other helpers of this loop: in the browser's build (optimised for
// size) a closure doing this stayed a call per run and cost more than the scan itself (Chromium
// profile).
#[inline(always)]
fn below(i: u32) -> u64 {
    if i >= 64 {
        u64::MAX
    } else {
        (1u64 << i) - 1
    }
}

/// Call `f(start, end)` for every maximal run of word bytes that holds a digit or an underscore,
/// in order: every code is such a run (hex and decimal forms have digits, an all-letter hex
/// word is never taken as a code, symbolic names have underscores), and in prose most words are
/// neither. 64 bytes at a time: the cost goes with the number of such runs.
#[inline]
fn candidates(b: &[u8], mut f: impl FnMut(usize, usize)) {
    // The run that reaches the end of the block before: its start, and whether it is marked.
    let mut open: Option<(usize, bool)> = None;
    for (k, block) in b.chunks(64).enumerate() {
        let base = k * 64;
        let width = block.len() as u32;
        let Masks { word, marked } = match block.try_into() {
            Ok(full) => masks(full),
            Err(_) => {
                // The last, short block: padded with bytes that are not word bytes.
                let mut padded = [0u8; 64];
                padded[..block.len()].copy_from_slice(block);
                masks(&padded)
            }
        };
        // Bit i set where byte i is not a word byte; past the end of a short block, all set.
        let gaps = !word;
        let mut from = 0u32;
        if let Some((s, was_marked)) = open {
            let run = gaps.trailing_zeros().min(width);
            let is_marked = was_marked || marked & below(run) != 0;
            if run == width {
                open = Some((s, is_marked));
                continue;
            }
            if is_marked {
                f(s, base + run as usize);
            }
            open = None;
            from = run;
        }
        // Runs that start in this block, from one marked byte to the next run holding one.
        let mut todo = marked & !below(from);
        while todo != 0 {
            let p = todo.trailing_zeros();
            // The run starts after the last gap before p (or at `from`: a gap, or the block's
            // start when no run came from the block before).
            let before = gaps & below(p) & !below(from);
            let s = if before == 0 { from } else { 64 - before.leading_zeros() };
            let after = gaps & !below(p);
            let e = after.trailing_zeros();
            if e >= width {
                open = Some((base + s as usize, true));
                break;
            }
            f(base + s as usize, base + e as usize);
            todo &= !below(e);
        }
        // An unmarked run reaching the block's end may still get a digit in the next block.
        if open.is_none() && width == 64 && word >> 63 == 1 {
            let before = gaps & !below(from);
            let s = if before == 0 { from } else { 64 - before.leading_zeros() };
            open = Some((base + s as usize, false));
        }
    }
    if let Some((s, true)) = open {
        f(s, b.len());
    }
}

/// All distinct codes in `text`, each with its first hit, in order of first appearance.
pub fn distinct(text: &str) -> Vec<CodeHit> {
    let mut out: Vec<CodeHit> = Vec::new();
    scan(text, |h| {
        if !out.iter().any(|o| o.code == h.code) {
            out.push(h);
        }
    });
    out
}

#[inline]
fn hex_value(t: &[u8]) -> Option<u32> {
    let mut v: u32 = 0;
    for &c in t {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | d as u32;
    }
    Some(v)
}

fn classify(b: &[u8], s: usize, e: usize) -> Option<CodeHit> {
    let t = &b[s..e];
    let len = t.len();
    let hit = |code: u32, notation: Notation| {
        wulens_kb::is_plausible_failure(code).then(|| CodeHit { code, start: s, end: e, notation, stated_symbol: stated_symbol(b, e) })
    };
    // 0x8024401B
    if len == 10 && t[0] == b'0' && (t[1] | 0x20) == b'x' {
        let v = hex_value(&t[2..])?;
        if v & 0x8000_0000 == 0 {
            return None;
        }
        // DISM's own field: `[1234] [0xc142011c] Function:(641)`: a code even from an unknown
        // facility (the bracketed hex after the bracketed process id).
        if v & 0xFFFF != 0 && dism_code_field(b, s, e) {
            return Some(CodeHit { code: v, start: s, end: e, notation: Notation::Hex, stated_symbol: stated_symbol(b, e) });
        }
        return hit(v, Notation::Hex);
    }
    // 8024401b, 8007000E, [80072EE7]
    if len == 8 && matches!(t[0], b'8' | b'9' | b'a'..=b'f' | b'A'..=b'F') {
        // GUID parts first: a WindowsUpdate.log is full of them, and the test is cheaper.
        if in_guid(b, s, e) {
            return None;
        }
        let v = hex_value(t)?;
        // `[d:F1005F2F]`, `{l:16 b:...}`: a one-letter tag and a colon mark an id, not a code.
        if s >= 2 && b[s - 1] == b':' && b[s - 2].is_ascii_alphabetic() && (s < 3 || !b[s - 3].is_ascii_alphanumeric()) {
            return None;
        }
        let letters = t.iter().filter(|c| c.is_ascii_alphabetic()).count();
        if letters == len {
            return None; // a word such as "deadbeef", not a code
        }
        if letters == 0 && !has_context(b, s, e) && !wil_code_field(b, s) {
            return None;
        }
        if in_path(b, s, e) && !has_context(b, s, e) {
            return None; // a hash in a path or file name: ...\Download\8e9f0a1b.cab
        }
        return hit(v, Notation::BareHex);
    }
    // -2145107934 and 2149859355
    if len == 10 && t.iter().all(u8::is_ascii_digit) {
        let v: u64 = std::str::from_utf8(t).ok()?.parse().ok()?;
        let signed = s >= 1 && b[s - 1] == b'-' && (s < 2 || !(b[s - 2].is_ascii_alphanumeric() || b[s - 2] == b'-' || b[s - 2] == b'.'));
        if signed {
            if v > 1 << 31 {
                return None;
            }
            let code = (-(v as i64)) as i32 as u32;
            return hit(code, Notation::SignedDecimal).map(|mut h| {
                h.start -= 1;
                h
            });
        }
        if (1u64 << 31..=u32::MAX as u64).contains(&v) && has_context(b, s, e) {
            return hit(v as u32, Notation::UnsignedDecimal);
        }
        return None;
    }
    // WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ, CBS_E_SOURCE_MISSING, E_ACCESSDENIED
    if t[0].is_ascii_uppercase() && t.contains(&b'_') && t.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_') {
        let sym = std::str::from_utf8(t).ok()?;
        let code = symbol_code(sym)?;
        if code & 0x8000_0000 == 0 {
            return None;
        }
        return Some(CodeHit { code, start: s, end: e, notation: Notation::Symbol, stated_symbol: None });
    }
    None
}

/// DISM's code fields: `[0x........]` right after `[digits] ` at the start of the text, and
/// `(hr:0x........)` at the end of a message.
fn dism_code_field(b: &[u8], s: usize, e: usize) -> bool {
    if s >= 4 && &b[s - 4..s] == b"(hr:" && b.get(e) == Some(&b')') {
        return true;
    }
    if s < 2 || b[s - 1] != b'[' || b.get(e) != Some(&b']') {
        return false;
    }
    let head = &b[..s - 1];
    let head = head.strip_suffix(b" ").unwrap_or(head);
    match head.strip_prefix(b"[").and_then(|h| h.strip_suffix(b"]")) {
        Some(pid) => !pid.is_empty() && pid.iter().all(u8::is_ascii_digit),
        None => false,
    }
}

/// The Windows Implementation Library's failure field: `ReturnHr(1) tid(2efc) 80070003 The
/// system cannot find the path specified.` (DISM's Appx provider, setup's migration plug-ins):
/// the bare code right after the thread id.
fn wil_code_field(b: &[u8], s: usize) -> bool {
    let Some(head) = b[..s].strip_suffix(b") ") else { return false };
    let digits = head.iter().rev().take_while(|c| c.is_ascii_hexdigit()).count();
    digits > 0 && head[..head.len() - digits].ends_with(b" tid(")
}

fn symbol_code(sym: &str) -> Option<u32> {
    let table = wulens_kb::symbols();
    table.binary_search_by(|(s, _)| (*s).cmp(sym)).ok().map(|i| table[i].1)
}

/// `{4AE85C00-0EAA-...}` or `505fda07-b4f3-...`: the 8-hex token is the first group of a GUID
/// (followed by `-` and 4 hex digits) or the last part of a hyphenated hex run.
fn in_guid(b: &[u8], s: usize, e: usize) -> bool {
    let followed = b.get(e) == Some(&b'-') && b.get(e + 1..e + 5).is_some_and(|g| g.iter().all(u8::is_ascii_hexdigit));
    let preceded = s >= 2 && b[s - 1] == b'-' && b[s - 2].is_ascii_hexdigit();
    followed || preceded
}

/// The token is part of a path or file name: after `\` or `/`, or before `\`, `/`, `@` or an
/// extension.
fn in_path(b: &[u8], s: usize, e: usize) -> bool {
    let before = s.checked_sub(1).map(|i| b[i]);
    let after = b.get(e).copied();
    matches!(before, Some(b'\\' | b'/' | b'.'))
        || matches!(after, Some(b'\\' | b'/' | b'@'))
        || (after == Some(b'.') && b.get(e + 1).is_some_and(|c| c.is_ascii_alphanumeric()))
}

/// An error word or an opening bracket right before the token (`hr=`, `error `, `[`).
fn has_context(b: &[u8], s: usize, e: usize) -> bool {
    if s >= 1 && b[s - 1] == b'[' && b.get(e) == Some(&b']') {
        return true;
    }
    let mut i = s;
    let mut skipped = 0;
    while i > 0 && matches!(b[i - 1], b' ' | b'=' | b':' | b'(' | b'#' | b'\t' | b',' | b'-') && skipped < 4 {
        i -= 1;
        skipped += 1;
    }
    let word_end = i;
    while i > 0 && b[i - 1].is_ascii_alphabetic() {
        i -= 1;
    }
    let word = &b[i..word_end];
    !word.is_empty() && KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// `0x800f081f - CBS_E_SOURCE_MISSING`: the name a log writes after a code.
fn stated_symbol(b: &[u8], e: usize) -> Option<(usize, usize)> {
    let rest = b.get(e..e + 3)?;
    if rest != b" - " {
        return None;
    }
    let s = e + 3;
    let mut i = s;
    while i < b.len() && (b[i].is_ascii_uppercase() || b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    (i - s >= 5 && b[s..i].contains(&b'_') && b[s].is_ascii_uppercase()).then_some((s, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Word runs holding a digit or an underscore, the slow way, byte by byte.
    fn naive_candidates(b: &[u8]) -> Vec<(usize, usize)> {
        let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && !word(b[i]) {
                i += 1;
            }
            let s = i;
            while i < b.len() && word(b[i]) {
                i += 1;
            }
            if b[s..i].iter().any(|c| c.is_ascii_digit() || *c == b'_') {
                out.push((s, i));
            }
        }
        out
    }

    #[test]
    fn the_simd_masks_agree_with_the_swar_ones_on_every_byte_in_every_place() {
        for shift in 0..64 {
            for from in (0..=255u8).step_by(64) {
                let block: [u8; 64] = std::array::from_fn(|i| from.wrapping_add(((i + shift) % 64) as u8));
                assert_eq!(masks(&block), masks_swar(&block), "{block:?}");
            }
        }
    }

    #[test]
    fn candidates_match_the_byte_by_byte_split() {
        let mut cases: Vec<Vec<u8>> =
            vec![vec![], b"a".to_vec(), b"1".to_vec(), b" ".to_vec(), vec![b'x'; 64], vec![b'x'; 65], vec![b'x'; 128], [vec![b'x'; 63], vec![b' ']].concat()];
        // A digit in every place of runs that cross one or two block boundaries.
        for len in [63usize, 64, 65, 127, 128, 129, 130] {
            for at in 0..len {
                let mut v = vec![b'x'; len];
                v[at] = b'7';
                cases.push(v.clone());
                v.splice(0..0, *b"ab ");
                cases.push(v);
            }
        }
        // Runs that end or start on block boundaries, UTF-8 and high bytes, every word class;
        // and long words with a rare digit or underscore.
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for alphabet in [&b"aZ09_ -\\.:[]\xc3\xa9\x80"[..], &b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ  9_"[..]] {
            for len in [1usize, 7, 63, 64, 65, 127, 128, 129, 200, 1000] {
                for _ in 0..50 {
                    let v: Vec<u8> = (0..len)
                        .map(|_| {
                            x ^= x << 13;
                            x ^= x >> 7;
                            x ^= x << 17;
                            alphabet[(x % alphabet.len() as u64) as usize]
                        })
                        .collect();
                    cases.push(v);
                }
            }
        }
        for c in cases {
            let mut got = Vec::new();
            candidates(&c, |s, e| got.push((s, e)));
            assert_eq!(got, naive_candidates(&c), "{c:?}");
        }
    }

    fn codes(t: &str) -> Vec<String> {
        let mut v = Vec::new();
        scan(t, |h| v.push(format!("0x{:08X}", h.code)));
        v
    }

    #[test]
    fn every_notation() {
        assert_eq!(codes("Exit code = 0x8024401B"), ["0x8024401B"]);
        assert_eq!(codes("PT WARNING: Sync of Updates: 0x8024000b"), ["0x8024000B"]);
        assert_eq!(codes("WARNING: ISusInternal::GetUpdateMetadata2 failed, hr=8007000E"), ["0x8007000E"]);
        assert_eq!(codes("*FAILED* [80072EE7] Send request"), ["0x80072EE7"]);
        assert_eq!(codes("Scan failed with error 8024401b."), ["0x8024401B"]);
        assert_eq!(codes("Update failed -2145107934 in console"), ["0x80244022"]);
        assert_eq!(codes("error code 2149859355"), ["0x8024401B"]);
        assert_eq!(codes("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ"), ["0x8024401B"]);
        assert_eq!(codes("error 0x80244022"), ["0x80244022"]);
        assert_eq!(codes("0X8007000D"), ["0x8007000D"]);
        assert_eq!(codes("Error = 0x87d00215."), ["0x87D00215"]);
    }

    #[test]
    fn no_false_positives() {
        for t in [
            "Added update {4AE85C00-0EAA-4BE0-B81B-DBD7053D5FAE}.104 to search result",
            "update (505fda07-b4f3-45fb-83d9-8642554e2773) with state (Missing)",
            "Security Update for Windows 7 (KB2862152)",
            "address 0x00007FF8A1B2C3D4 and ab80070005cd and sha1=8024401b9cd3e1",
            "2024/05/31 16:45:56.1360371 and time=\"16:45:56.136+420\"",
            "file d93451dbcd905d0aa9f1e0ee454fd1de\\e4b7f43a241ff2cefbd6a4",
            "Flags 0x200, result = 0x0, success 0x00240010",
            "P1=1714686783&P2=404 size 80070005 bytes",
            "size 4294967295 bytes and 2149859355 items",
            "Handle 0xFFFFFFFF and path C:\\Windows\\8e9f0a1b\\x",
            "Validating C:\\Windows\\SoftwareDistribution\\Download\\8007f0c1.cab and /tmp/80240e1a",
            "CSI    8024a0f1@2025/1/3:10:00:00 Primitive installers committed",
            "ERROR_SUCCESS and S_OK",
            "deadbeef cafebabe",
            "2019-2145107934",
            "Exec: Processing complete, session(Corruption Repairing): [d:F1005F2F]",
        ] {
            assert_eq!(codes(t), Vec::<String>::new(), "{t}");
        }
    }

    #[test]
    fn ids_and_dism_code_fields() {
        assert_eq!(codes("Processing complete, [d:F1005F2F] {l:16 b:8024401b}"), Vec::<String>::new());
        assert_eq!(codes("[1234] [0xc142011c] Function:(641)"), ["0xC142011C"]);
        assert_eq!(codes("[1234][0x8007007b] FIOReadFileIntoBuffer:(1381)"), ["0x8007007B"]);
        assert_eq!(codes("see 0xc1429999 here"), Vec::<String>::new(), "an unknown facility outside DISM's field stays out");
        assert_eq!(codes("[1] [0xc1429999] x"), ["0xC1429999"]);
        assert_eq!(codes("hr:0x8024401b"), ["0x8024401B"]);
        assert_eq!(codes("Failed to add Appx package - CAppxManager::ProcessCommandAddAllUserAppxPackage(hr:0xc1570118)"), ["0xC1570118"]);
        // The Windows Implementation Library's field after the thread id, digits only too.
        assert_eq!(
            codes("AppxProvider.dll!00007FF8C05B156F: (caller: 00007FF8C05A759F) ReturnHr(1) tid(2efc) 80070003 The system cannot find the path specified."),
            ["0x80070003"]
        );
        assert_eq!(codes("(caller: 00007FF8EA2660BE) ReturnHr(1) tid(20cc) C1570118     Msg:[Failed while adding package]"), ["0xC1570118"]);
        assert!(codes("the thread (2efc) 80070003 left").is_empty(), "digits alone need their field");
    }

    #[test]
    fn symbol_stated_by_the_log() {
        let t = "[HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]";
        let hits = distinct(t);
        assert_eq!(hits.len(), 1, "hex and symbol are the same code");
        let (s, e) = hits[0].stated_symbol.unwrap();
        assert_eq!(&t[s..e], "CBS_E_SOURCE_MISSING");
        assert_eq!(&t[hits[0].start..hits[0].end], "0x800f081f");
    }

    #[test]
    fn signed_decimal_span_includes_minus() {
        let t = "code -2145107934";
        let h = &distinct(t)[0];
        assert_eq!(&t[h.start..h.end], "-2145107934");
    }
}
