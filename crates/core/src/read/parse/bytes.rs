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
/// were joined) is read past: the index counts it. A zero FILETIME (`1601-01-01 00:00:00`) is
/// a time not known ([`NO_TIME`](crate::model::NO_TIME)).
pub(crate) fn date_time(b: &[u8], date_sep: u8, gap: u8) -> Option<(i64, usize)> {
    let bom = if b.starts_with(BOM) { BOM.len() } else { 0 };
    let b = &b[bom..];
    let (y, mo, d) = ymd(b, date_sep)?;
    if b.get(10) != Some(&gap) {
        return None;
    }
    let (h, mi, s, ms, n) = crate::model::time::parse_clock(&b[11..])?;
    let time = match crate::model::time::local_ms(y, mo, d, h, mi, s, ms) {
        Some(t) => t,
        // A zero FILETIME as Windows prints it (an event whose clock was never set): a record
        // with no time.
        None if (y, mo, d, h, mi, s) == (1601, 1, 1, 0, 0, 0) => crate::model::NO_TIME,
        None => return None,
    };
    Some((time, bom + 11 + n))
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

/// A line of spaces and tabs only (or nothing): it belongs to the record before it.
#[inline]
pub(crate) fn is_blank(b: &[u8]) -> bool {
    b.iter().all(|&c| c == b' ' || c == b'\t')
}

/// How far into a search tool's output line a prefix of its own can reach: a Windows path
/// (MAX_PATH) and a line number.
const PREFIX_MAX: usize = 300;

/// The line `b` as a search tool prints a match (`findstr`, `grep -H`, `Select-String`):
/// `C:\Windows\Logs\CBS\CbsPersist_20230523095004.log:2023-05-23 09:50:04, Info ...` or
/// `CBS.log:1234:2023-05-23 ...`, a prefix that ends with a colon (the file, then maybe the line
/// number) before a line of the layout `header` reads. The prefix never begins with a blank (a
/// continuation line is indented) and the rest begins with a digit right after a colon, as every
/// dated layout does: the offset of the rest and what `header` read there.
pub(crate) fn after_prefix<H>(b: &[u8], header: impl Fn(&[u8]) -> Option<H>) -> Option<(usize, H)> {
    if b.first().is_none_or(|&c| c == b' ' || c == b'\t') {
        return None;
    }
    let head = &b[..b.len().min(PREFIX_MAX)];
    let mut from = 1;
    while let Some(i) = memchr::memchr(b':', &head[from..]) {
        let rest = from + i + 1;
        if b.get(rest).is_some_and(u8::is_ascii_digit) {
            if let Some(h) = header(&b[rest..]) {
                return Some((rest, h));
            }
        }
        from = rest;
    }
    None
}
