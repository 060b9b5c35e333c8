//! The "simple" ConfigMgr format of older site-server logs (WCM.log, WSyncMgr.log, ...):
//!
//! `Synchronizing update 1234 $$<SMS_WSUS_SYNC_MANAGER><05-31-2024 16:45:56.136+420><thread=4512 (0x11A0)>`
//!
//! A record's message may span lines; the line carrying `$$<` ends it. The `+420` is a CMTrace
//! bias (minutes to add to get UTC).

use super::builder::Builder;
use crate::model::{Entry, Severity, NO_COMPONENT, NO_OFFSET, NO_TIME};

/// True when `line` carries the `$$<component><date time><thread=...>` trailer.
pub fn is_record_end(line: &str) -> bool {
    trailer(line).is_some()
}

struct Trailer<'a> {
    /// Byte index of `$$<` in the line.
    at: usize,
    component: &'a str,
    time: Option<(i64, Option<i32>)>,
    thread: u32,
}

fn trailer(line: &str) -> Option<Trailer<'_>> {
    let at = memchr::memmem::rfind(line.as_bytes(), b"$$<")?;
    let rest = &line[at + 3..];
    let c_end = rest.find('>')?;
    let component = &rest[..c_end];
    let rest = rest[c_end + 1..].strip_prefix('<')?;
    let t_end = rest.find('>')?;
    let stamp = &rest.as_bytes()[..t_end];
    let rest = rest[t_end + 1..].strip_prefix("<thread=")?;
    let thread = super::cmtrace::leading_number(rest);
    let time = (|| {
        let (y, mo, d) = super::cmtrace::parse_mdy(stamp)?;
        let sp = memchr::memchr(b' ', stamp)?;
        let (h, mi, s, ms, n) = crate::model::time::parse_clock(&stamp[sp + 1..])?;
        let t = crate::model::time::local_ms(y, mo, d, h, mi, s, ms)?;
        let bias = super::cmtrace::parse_bias(&stamp[sp + 1 + n..]);
        Some((t, bias.map(|b| -b)))
    })();
    Some(Trailer { at, component, time, thread })
}

/// Parse the text from `b.start` into entries, a record ending at its `$$<...>` trailer.
pub fn parse(b: &mut Builder) {
    let text = b.text;
    let mut pending: Option<(usize, u32)> = None; // (record start, lines so far)
    let mut pos = 0;
    while pos < text.len() {
        let l = b.lines(pos).next().expect("pos < len");
        pos = l.next;
        let line = &text[l.start..l.end];
        let (start, lines) = match pending.take() {
            Some((s, n)) => (s, n + 1),
            None => (l.start, 1),
        };
        let Some(t) = trailer(line) else {
            pending = Some((start, lines));
            continue;
        };
        let mut msg_end = l.start + t.at;
        while msg_end > start && text.as_bytes()[msg_end - 1] == b' ' {
            msg_end -= 1;
        }
        let (time, offset) = match t.time {
            Some((t, Some(o))) => (t, o as i16),
            Some((t, None)) => (t, NO_OFFSET),
            None => (NO_TIME, NO_OFFSET),
        };
        let e = Entry {
            start: start as u32,
            end: l.end as u32,
            msg_start: start as u32,
            msg_end: msg_end as u32,
            line: 0,
            lines: 0,
            time,
            offset,
            component: if t.component.is_empty() { NO_COMPONENT } else { b.component(t.component) },
            thread: t.thread,
            severity: Severity::Info,
            parsed: true,
        };
        b.record(e, lines);
    }
    // Lines after the last trailer never got one: keep them as text.
    if let Some((start, _)) = pending {
        let tail: Vec<_> = b.lines(start).collect();
        for l in tail {
            b.unparsed(&l);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::LogFormat;
    use crate::read::parse::test_support::parse_checked;

    #[test]
    fn records_and_continuations() {
        let text = "Sync started $$<SMS_WSUS_SYNC_MANAGER><05-31-2024 16:45:56.136+420><thread=4512 (0x11A0)>\r\nfirst part\r\nsecond part  $$<SMS_WSUS_SYNC_MANAGER><05-31-2024 16:45:57.000+420><thread=4512 (0x11A0)>\r\ndangling";
        let p = parse_checked(LogFormat::CmtraceSimple, text);
        assert_eq!(p.entries.len(), 3);
        let e = p.entries[1];
        assert_eq!((e.line, e.lines), (2, 2));
        assert_eq!(&text[e.msg_start as usize..e.msg_end as usize], "first part\r\nsecond part");
        assert_eq!(p.entries[0].offset, -420);
        assert_eq!(p.entries[0].thread, 4512);
        assert!(!p.entries[2].parsed);
    }
}
