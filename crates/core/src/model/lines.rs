//! Physical lines. A line ends at `\r\n`, `\n` or a lone `\r`; a final line without a
//! terminator still counts, a final terminator does not start an empty line.

/// One physical line: `text[start..end]` is its content, `next` where the following line starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// Byte offset of the line's first byte.
    pub start: usize,
    /// Byte offset just past its content, before the terminator.
    pub end: usize,
    /// Byte offset where the next line starts (past `\r
    /// `, `
    /// ` or `\r`; `end` for the last line without one).
    pub next: usize,
}

/// Iterator over the physical lines of `text` from byte `pos`.
pub struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    /// Lines of `text` from byte `pos` (a line start) to the end.
    pub fn new(text: &'a str, pos: usize) -> Lines<'a> {
        Lines { bytes: text.as_bytes(), pos }
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;

    #[inline]
    fn next(&mut self) -> Option<Line> {
        let b = self.bytes;
        let start = self.pos;
        if start >= b.len() {
            return None;
        }
        let (end, next) = match memchr::memchr2(b'\n', b'\r', &b[start..]) {
            None => (b.len(), b.len()),
            Some(i) => {
                let end = start + i;
                if b[end] == b'\r' && b.get(end + 1) == Some(&b'\n') {
                    (end, end + 2)
                } else {
                    (end, end + 1)
                }
            }
        };
        self.pos = next;
        Some(Line { start, end, next })
    }
}

/// Number of line breaks in `b` (each `\r\n`, `\n` or lone `\r` counts once).
pub fn count_breaks(b: &[u8]) -> u32 {
    let mut n = 0u32;
    let mut i = 0;
    while let Some(j) = memchr::memchr2(b'\n', b'\r', &b[i..]) {
        let p = i + j;
        n += 1;
        i = if b[p] == b'\r' && b.get(p + 1) == Some(&b'\n') { p + 2 } else { p + 1 };
    }
    n
}

/// Number of physical lines in `text`.
pub fn count_lines(text: &str) -> u32 {
    Lines::new(text, 0).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(t: &str) -> Vec<&str> {
        Lines::new(t, 0).map(|l| &t[l.start..l.end]).collect()
    }

    #[test]
    fn mixed_terminators() {
        assert_eq!(contents("a\r\nb\nc\rd"), ["a", "b", "c", "d"]);
        assert_eq!(contents("a\n"), ["a"]);
        assert_eq!(contents("a\n\n"), ["a", ""]);
        assert_eq!(contents("\r\n\r\n"), ["", ""]);
        assert_eq!(contents(""), Vec::<&str>::new());
        assert_eq!(contents("\r\r\n"), ["", ""]);
    }

    #[test]
    fn breaks_match_lines() {
        for t in ["a\r\nb\nc\rd", "x\r\r\ny", "\n\n\n"] {
            assert_eq!(count_breaks(t.as_bytes()) + 1, count_lines(t) + u32::from(t.ends_with(['\n', '\r'])));
        }
    }
}
