//! A file's decoded text: owned, or a UTF-8 range of bytes that are shared and never move (a
//! memory-mapped file in the CLI). Reading a 100 MB log into memory costs more than parsing it
//! (the kernel's copy and a page fault per 4 KB); a mapped UTF-8 file needs neither, so its text
//! is the mapping itself once it has been checked to be UTF-8.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// Bytes that stay where they are, unchanged, for as long as the value lives.
///
/// # Safety
/// `bytes` must return the same slice (same address, length and contents) on every call. A
/// [`Text`] checks the bytes are UTF-8 once and relies on this afterwards.
pub unsafe trait StableBytes: Send + Sync {
    /// The bytes, the same slice on every call (see the trait's safety contract).
    fn bytes(&self) -> &[u8];
}

// SAFETY: a `Vec` behind a shared reference cannot be changed or moved.
unsafe impl StableBytes for Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }
}

/// A file's text: `Deref<Target = str>`, cheap to clone.
#[derive(Clone, Default)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Owned(String),
    /// `range` of `bytes` is UTF-8 (checked in [`Text::shared`]).
    Shared {
        bytes: Arc<dyn StableBytes>,
        range: Range<usize>,
    },
}

impl Default for Repr {
    fn default() -> Repr {
        Repr::Owned(String::new())
    }
}

impl Text {
    /// `range` of `bytes` as text, or `None` when it is not UTF-8 (or out of bounds).
    pub fn shared(bytes: Arc<dyn StableBytes>, range: Range<usize>) -> Option<Text> {
        is_utf8(bytes.bytes().get(range.clone())?, UTF8_PIECE).then_some(Text(Repr::Shared { bytes, range }))
    }

    /// The whole text (what `Deref` gives).
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Owned(s) => s,
            Repr::Shared { bytes, range } => {
                let b = &bytes.bytes()[range.clone()];
                // SAFETY: checked to be UTF-8 in `shared`; `StableBytes` promises the same bytes.
                unsafe { std::str::from_utf8_unchecked(b) }
            }
        }
    }

    /// True when the text is shared bytes rather than a copy of its own.
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Repr::Shared { .. })
    }

    /// The text as a `String` to change (a shared text is copied first, once).
    fn owned(&mut self) -> &mut String {
        if let Repr::Shared { .. } = self.0 {
            self.0 = Repr::Owned(self.as_str().to_owned());
        }
        match &mut self.0 {
            Repr::Owned(s) => s,
            Repr::Shared { .. } => unreachable!("made owned above"),
        }
    }

    /// Append `s` at the end (a followed log that grew); a shared text is copied first, once.
    pub fn push_str(&mut self, s: &str) {
        self.owned().push_str(s);
    }

    /// Drop the first `n` bytes (a char boundary).
    pub fn drop_front(&mut self, n: usize) {
        match &mut self.0 {
            Repr::Owned(s) => {
                s.drain(..n);
            }
            Repr::Shared { bytes, range } => {
                assert!(is_boundary(bytes.bytes(), range, n), "drop_front at a char boundary");
                range.start += n;
            }
        }
    }
}

/// Bytes per piece when a big text is checked on several cores.
const UTF8_PIECE: usize = 8 << 20;

/// Is `b` UTF-8 (checked with SIMD)? A big text is checked in pieces on all cores: this check is the one pass over a
/// mapped log that nothing else shares, so done on one core it holds up all the others. Each
/// piece begins at a byte that starts a character; since UTF-8 resynchronises there, the pieces
/// are each valid exactly when the whole is.
fn is_utf8(b: &[u8], piece: usize) -> bool {
    let ranges = crate::par::ranges(b.len(), piece);
    if ranges.len() == 1 {
        return simdutf8::basic::from_utf8(b).is_ok();
    }
    let mut cuts = vec![0];
    for r in &ranges[1..] {
        // Past at most three continuation bytes (10xxxxxx); more cannot be UTF-8.
        let mut c = r.start.max(*cuts.last().expect("starts with 0"));
        let start = c;
        while c < b.len() && (b[c] as i8) < -0x40 {
            if c - start == 3 {
                return false;
            }
            c += 1;
        }
        cuts.push(c);
    }
    cuts.push(b.len());
    let pieces: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    crate::par::map(pieces, |(from, to)| simdutf8::basic::from_utf8(&b[from..to]).is_ok()).into_iter().all(|ok| ok)
}

fn is_boundary(bytes: &[u8], range: &Range<usize>, n: usize) -> bool {
    n <= range.len() && (n == range.len() || (bytes[range.start + n] as i8) >= -0x40)
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Repr::Owned(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Repr::Owned(s.to_owned()))
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_text_is_checked_and_copied_on_change() {
        let bytes: Arc<dyn StableBytes> = Arc::new(b"\xEF\xBB\xBFab\xC3\xA9c".to_vec());
        assert!(Text::shared(bytes.clone(), 0..6).is_none(), "cut inside é");
        assert!(Text::shared(bytes.clone(), 0..99).is_none(), "out of bounds");
        let mut t = Text::shared(bytes.clone(), 3..8).unwrap();
        assert!(t.is_shared());
        assert_eq!(t, "abéc");
        t.drop_front(1);
        assert_eq!(t, "béc");
        assert!(t.is_shared());
        t.push_str("d");
        assert!(!t.is_shared());
        assert_eq!(t, "bécd");
        let not_utf8: Arc<dyn StableBytes> = Arc::new(b"a\xFFb".to_vec());
        assert!(Text::shared(not_utf8, 0..3).is_none());
    }

    #[test]
    fn checked_in_pieces_as_in_one() {
        let text = "ab€c\u{10348}d é".repeat(40).into_bytes();
        // Shifted so that the cuts fall inside characters too.
        let mut cases: Vec<Vec<u8>> = (0..14).map(|k| [&text[k..], &text[..k]].concat()).collect();
        cases.extend((0..7).map(|k| [&b"x".repeat(k)[..], &text].concat()));
        for at in [0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 100, text.len() - 1] {
            for bad in [0xFF, 0x80, 0xC3, 0xF0] {
                let mut t = text.clone();
                t[at] = bad;
                cases.push(t);
            }
        }
        cases.push(vec![0x80; 40]);
        cases.push([&b"a"[..], &[0xE2, 0x82]].concat());
        for case in &cases {
            for piece in [1, 2, 3, 5, 16, 1 << 20] {
                assert_eq!(is_utf8(case, piece), std::str::from_utf8(case).is_ok(), "{case:?} in pieces of {piece}");
            }
        }
    }

    #[test]
    #[should_panic(expected = "char boundary")]
    fn drop_front_inside_a_char_panics() {
        let bytes: Arc<dyn StableBytes> = Arc::new("é".as_bytes().to_vec());
        Text::shared(bytes, 0..2).unwrap().drop_front(1);
    }
}
