//! Byte helpers the line parsers share: blanks, tokens, dates at the start of a line.

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
