//! Legacy WindowsUpdate.log (Windows 7 / Server 2008 R2 / 8.1), tab separated:
//!
//! `2018-05-20<TAB>19:21:13:219<TAB> 908<TAB>45c<TAB>Agent<TAB>* WU client version 7.5.7601.17514`
//!
//! Local time without an offset, but each session's banner states the zone:
//! `Logging initialized (build: 7.5.7601.17514, tz: -0700)`. Thread ids are hex.

use super::Builder;
use crate::model::{Severity, NO_OFFSET};

pub struct Header {
    pub time: i64,
    pub thread: u32,
    pub component: std::ops::Range<usize>,
    pub msg_start: usize,
}

pub fn header(b: &[u8]) -> Option<Header> {
    let (time, clock_end) = super::date_time(b, b'-', b'\t')?;
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
    if !b[pid].iter().all(|c| c.is_ascii_digit() || *c == b' ') || !b[tid.clone()].iter().all(u8::is_ascii_hexdigit) {
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

/// Level words the Windows Update agent writes into its text.
pub(crate) fn severity_from_text(msg: &str) -> Severity {
    use std::sync::LazyLock;
    static FINDERS: LazyLock<[memchr::memmem::Finder<'static>; 3]> =
        LazyLock::new(|| [memchr::memmem::Finder::new("FATAL"), memchr::memmem::Finder::new("*FAILED*"), memchr::memmem::Finder::new("WARNING")]);
    let b = msg.as_bytes();
    // Most lines have no upper-case F or W at all: skip the searches for them.
    if memchr::memchr2(b'F', b'W', b).is_none() {
        return Severity::Info;
    }
    let [fatal, failed, warning] = &*FINDERS;
    if fatal.find(b).is_some() || failed.find(b).is_some() {
        Severity::Error
    } else if warning.find(b).is_some() {
        Severity::Warning
    } else {
        Severity::Info
    }
}

pub fn parse(b: &mut Builder) {
    b.out.thread_hex = true;
    let text = b.text;
    let mut offset = NO_OFFSET;
    for l in b.lines(0) {
        let line = &text.as_bytes()[l.start..l.end];
        let Some(h) = header(line) else {
            b.unparsed(&l);
            continue;
        };
        let msg = &text[l.start + h.msg_start..l.end];
        if msg.contains("Logging initialized") {
            if let Some(o) = banner_offset(msg) {
                offset = o as i16;
                b.out.header_offset.get_or_insert(o);
            }
        }
        b.line_record(&l, h.msg_start, h.time, offset, h.component, h.thread, severity_from_text(msg));
    }
}

#[cfg(test)]
mod tests {
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
}
