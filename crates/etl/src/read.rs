//! A bounds-checked little-endian cursor: every read past the end is `None`, never a panic.

pub struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(b: &'a [u8]) -> Reader<'a> {
        Reader { b, pos: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.b.len()
    }

    pub fn rest(&self) -> &'a [u8] {
        &self.b[self.pos.min(self.b.len())..]
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    pub fn peek(&self, n: usize) -> Option<&'a [u8]> {
        self.b.get(self.pos..self.pos.checked_add(n)?)
    }

    pub fn skip(&mut self, n: usize) -> Option<()> {
        self.take(n).map(|_| ())
    }

    pub fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|s| u16::from_le_bytes([s[0], s[1]]))
    }

    pub fn u32(&mut self) -> Option<u32> {
        self.take(4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    pub fn u64(&mut self) -> Option<u64> {
        self.take(8).map(|s| u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]))
    }

    /// A NUL-terminated UTF-8 string (lossy).
    pub fn cstr(&mut self) -> Option<String> {
        Some(String::from_utf8_lossy(self.bytes_z()?).into_owned())
    }

    /// Bytes up to a NUL (consumed, not returned).
    pub fn bytes_z(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest();
        let n = rest.iter().position(|&c| c == 0)?;
        self.pos += n + 1;
        Some(&rest[..n])
    }

    /// A NUL-terminated UTF-16LE string (lossy).
    pub fn utf16z(&mut self) -> Option<String> {
        let rest = self.rest();
        let n = rest.chunks_exact(2).position(|c| c == [0, 0])?;
        self.pos += 2 * n + 2;
        Some(utf16(&rest[..2 * n]))
    }
}

pub fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Reader::new(b.get(at..)?).u16()
}

pub fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Reader::new(b.get(at..)?).u32()
}

pub fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Reader::new(b.get(at..)?).u64()
}

/// UTF-16LE bytes as text (lossy; an odd last byte is dropped).
pub fn utf16(b: &[u8]) -> String {
    let units: Vec<u16> = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units)
}
