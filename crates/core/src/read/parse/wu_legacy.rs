//! Legacy WindowsUpdate.log (Windows 7 / Server 2008 R2 / 8.1), tab separated:
//!
//! `2018-05-20<TAB>19:21:13:219<TAB> 908<TAB>45c<TAB>Agent<TAB>* WU client version 7.5.7601.17514`
//!
//! Local time without an offset, but each session's banner states the zone:
//! `Logging initialized (build: 7.5.7601.17514, tz: -0700)`. Thread ids are hex.

use super::builder::Builder;
use crate::model::{Severity, NO_OFFSET};

/// What the first line `b` of a record says: its time, thread, component and where its message
/// starts (the level comes from the message's words).
pub struct Header {
    /// Local wall-clock milliseconds (the session banner states the offset).
    pub time: i64,
    /// The thread id (hex in this format).
    pub thread: u32,
    /// Byte range of the component.
    pub component: std::ops::Range<usize>,
    /// Where the message starts in the line.
    pub msg_start: usize,
}

/// Read `b` as a record's first line, or `None` when it does not start with this layout.
pub fn header(b: &[u8]) -> Option<Header> {
    let (time, clock_end) = super::bytes::date_time(b, b'-', b'\t')?;
    let mut i = clock_end;
    let mut fields = [0..0, 0..0, 0..0];
    for f in &mut fields {
        if b.get(i) != Some(&b'\t') {
            return None;
        }
        let start = i + 1;
        let end = memchr::memchr(b'\t', &b[start..]).map_or(b.len(), |j| start + j);
        *f = start..end;
        i = end;
    }
    let [pid, tid, component] = fields;
    // Short ids are padded with spaces inside their column (`\t 716\t a0\t`).
    if !b[pid].iter().all(|c| c.is_ascii_digit() || *c == b' ') || !b[tid.clone()].iter().all(|c| c.is_ascii_hexdigit() || *c == b' ') {
        return None;
    }
    let thread = std::str::from_utf8(&b[tid]).ok().and_then(|t| u32::from_str_radix(t.trim(), 16).ok()).unwrap_or(0);
    let msg_start = if i < b.len() { i + 1 } else { b.len() };
    Some(Header { time, thread, component, msg_start })
}

/// `tz: -0700` in a `Logging initialized` banner → ISO offset in minutes.
fn banner_offset(msg: &str) -> Option<i32> {
    let i = msg.find("tz: ")? + 4;
    let t = msg.get(i..i + 5)?.as_bytes();
    let sign = match t[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hh, _) = crate::model::time::digits(&t[1..], 2, true)?;
    let (mm, _) = crate::model::time::digits(&t[3..], 2, true)?;
    (hh <= 14 && mm < 60).then_some(sign * (hh as i32 * 60 + mm as i32))
}

/// Level words the Windows Update agent writes into its text: `FATAL` or `*FAILED*` make an
/// error, `WARNING` a warning. One pass over the message, 16 bytes at a time, for an `F` or a `W`
/// followed by an `A`, where all three words start: most messages hold none, and the GUIDs that
/// fill the others are full of `F` but seldom of `FA` (three searches for the words, after a
/// search for any `F` or `W`, cost more than the pass: a call per question per message).
pub(crate) fn severity_from_text(msg: &str) -> Severity {
    use crate::model::Bytes16;
    let b = msg.as_bytes();
    let mut warning = false;
    // Positions `p` with `b[p + 1]` in the text, 16 at a time while `b[p + 16]` is too.
    let mut i = 0;
    while i + 17 <= b.len() {
        let here = Bytes16::load(b[i..i + 16].try_into().expect("16 bytes"));
        let next = Bytes16::load(b[i + 1..i + 17].try_into().expect("16 bytes"));
        let mut starts = ((here.eq(b'F') | here.eq(b'W')) & next.eq(b'A')).bits();
        while starts != 0 {
            match level_word_at(b, i + starts.trailing_zeros() as usize) {
                Some(Severity::Error) => return Severity::Error,
                Some(_) => warning = true,
                None => {}
            }
            starts &= starts - 1;
        }
        i += 16;
    }
    for p in i..b.len().saturating_sub(1) {
        if (b[p] == b'F' || b[p] == b'W') && b[p + 1] == b'A' {
            match level_word_at(b, p) {
                Some(Severity::Error) => return Severity::Error,
                Some(_) => warning = true,
                None => {}
            }
        }
    }
    if warning {
        Severity::Warning
    } else {
        Severity::Info
    }
}

/// The level word starting at `p`, if one does.
#[inline]
fn level_word_at(b: &[u8], p: usize) -> Option<Severity> {
    let rest = &b[p..];
    if rest.starts_with(b"FATAL") || (rest.starts_with(b"FAILED*") && p > 0 && b[p - 1] == b'*') {
        Some(Severity::Error)
    } else if rest.starts_with(b"WARNING") {
        Some(Severity::Warning)
    } else {
        None
    }
}

/// Parse the whole text into entries; each session banner's `tz:` sets the offset of the records after it.
pub fn parse(b: &mut Builder) {
    b.out.thread_hex = true;
    let text = b.text;
    let mut offset = NO_OFFSET;
    for l in b.lines(0) {
        let line = &text.as_bytes()[l.start..l.end];
        let Some((at, h)) = header(line).map(|h| (0, h)).or_else(|| super::bytes::after_prefix(line, header)) else {
            b.unparsed(&l);
            continue;
        };
        let msg = &text[l.start + at + h.msg_start..l.end];
        if msg.contains("Logging initialized") {
            if let Some(o) = banner_offset(msg) {
                offset = o as i16;
                b.out.header_offset.get_or_insert(o);
            }
        }
        let component = at + h.component.start..at + h.component.end;
        b.line_record(&l, at + h.msg_start, h.time, offset, component, h.thread, severity_from_text(msg));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn level_words_are_found_wherever_they_are() {
        use super::severity_from_text;
        use crate::model::Severity;
        // What the agent's words mean, asked the plain way.
        let plain = |m: &str| {
            if m.contains("FATAL") || m.contains("*FAILED*") {
                Severity::Error
            } else if m.contains("WARNING") {
                Severity::Warning
            } else {
                Severity::Info
            }
        };
        let pieces = ["FATAL", "*FAILED*", "FAILED", "WARNING", "WARN", "FA", "WA", "*", "F", "W", "A", "{FA3B0C1D-FFAA}", "x", "é", "  "];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for len in 0..40 {
            for _ in 0..200 {
                let mut m = String::new();
                for _ in 0..len {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    m.push_str(pieces[(x % pieces.len() as u64) as usize]);
                }
                assert_eq!(severity_from_text(&m), plain(&m), "{m:?}");
            }
        }
        assert_eq!(severity_from_text("2 updates FAILED* to install"), Severity::Info, "an error only as *FAILED*");
    }

    use super::*;
    use crate::model::LogFormat;
    use crate::read::parse::test_support::parse_checked;

    #[test]
    fn lines_banner_and_levels() {
        let text = "2018-05-20\t19:21:13:219\t 908\t45c\tMisc\t===========  Logging initialized (build: 7.5.7601.17514, tz: -0700)  ===========\n2018-05-20\t19:21:14:001\t 908\t45c\tPT\tWARNING: Sync of Updates: 0x8024000b\nnot a log line\n";
        let p = parse_checked(LogFormat::WindowsUpdateLegacy, text);
        assert_eq!(p.entries.len(), 3);
        assert_eq!(p.header_offset, Some(-420));
        assert_eq!(p.entries[1].offset, -420);
        assert_eq!(p.entries[1].thread, 0x45c);
        assert_eq!(p.entries[1].severity, Severity::Warning);
        assert_eq!(p.components, ["Misc", "PT"]);
        assert!(!p.entries[2].parsed);
    }

    /// Windows 7 pads a short thread id (and PID) with a space inside its tab column
    /// (`\t dc\t`); mixed line ends and a byte-order mark where two logs were joined must not
    /// cost a line its time, thread and component either.
    #[test]
    fn padded_columns_mixed_line_ends_and_a_bom_inside() {
        let text = "2018-06-15\t20:58:42:511\t1020\t dc\tMisc\t===========  Logging initialized (build: 7.5.7601.17514, tz: +0200)  ===========\r\n\
                    2018-06-15\t20:58:42:667\t 716\t a0\tService\t** START **  Service: Service startup\n\
                    \u{feff}2018-06-15\t20:58:43:041\t1020\t dc\tAgent\t  * WSUS server: <NULL>\r\
                    2018-06-15\t20:58:44:000\t1020\t5a4\tAgent\tWARNING: Exit code = 0x80242016\r\n";
        let p = parse_checked(LogFormat::WindowsUpdateLegacy, text);
        assert_eq!(p.entries.len(), 4);
        assert!(p.entries.iter().all(|e| e.parsed && e.time > 0), "{:?}", p.entries);
        let threads: Vec<u32> = p.entries.iter().map(|e| e.thread).collect();
        assert_eq!(threads, [0xdc, 0xa0, 0xdc, 0x5a4]);
        assert_eq!(p.components, ["Misc", "Service", "Agent"]);
        assert_eq!(p.entries[2].offset, 120);
        assert_eq!(&text[p.entries[2].msg_start as usize..p.entries[2].msg_end as usize], "  * WSUS server: <NULL>");
        assert_eq!(p.entries[3].severity, Severity::Warning);
    }
}
