//! CBS.log and DISM.log: `2020-02-03 23:50:28, Info                  CBS    message`.
//!
//! Windows setup writes the same lines (`setupact.log`), some with a message id between the
//! level and the component: `2019-03-29 00:25:41, Info       [0x0601c1] IBS    InstallWindows:...`.
//!
//! Local time, no offset. A line without a timestamp of its own belongs to the record before it:
//! - indented (`   Original owner: ...`, ` Expected: {l:32 ...}`, setup's `Host system
//!   information:` block, MIG's registry dumps, DISM's `    Msg:[...]`): the writer's next line
//!   of the same message, so the record (and its message) goes on over it;
//! - blank: the record goes on over it, its message does not;
//! - at the start of the line (CheckSUR's summary block in CBS.log, `CSIPERF:` lines,
//!   `[gle=0x...]`): a record of its own with the time, component and thread of the record
//!   before and no level of its own; each such line stays one entry, so what data files read
//!   line by line (`Operation result: 0x800f081f`, `Repair failed: Missing replacement payload.`)
//!   reads as before;
//! - the imaging engine's traces (`[1676.1796] [0x80070570] ResExtract:(514): The file or
//!   directory is corrupted and unreadable.`, in setupact.log and dism.log): a record of its own
//!   likewise, on the thread the line names (after the process id), under no component.
//!
//! Lines before the first record stay unparsed text. A line as a search tool prints it
//! (`C:\...\CbsPersist_20230523095004.log:2023-05-23 09:50:04, Info ...`, see
//! [`after_prefix`](super::bytes::after_prefix)) is read past its prefix. A piece of a big file
//! starts only at a line with a timestamp ([`starts_record`]), so the pieces give what one pass does.

use super::builder::Builder;
use super::bytes::{after_prefix, is_blank};
use super::bytes::{skip_ws, token_end};
use crate::model::lines::Line;
use crate::model::{Entry, Severity, NO_COMPONENT, NO_OFFSET};

/// What the first line `b` of a record says: its time, level, component and where its message
/// starts (CBS, DISM and setup layout).
pub struct Header {
    /// Local wall-clock milliseconds (no offset in this format).
    pub time: i64,
    /// From the level column (`Info` and `Perf` are info).
    pub severity: Severity,
    /// Byte range of the component in the line; empty when the column is blank.
    pub component: std::ops::Range<usize>,
    /// Where the message starts in the line.
    pub msg_start: usize,
    /// A setup message id stood before the component (only Windows setup writes one).
    pub message_id: bool,
}

/// Read `b` as a record's first line, or `None` when it does not start with this layout's time and level.
pub fn header(b: &[u8]) -> Option<Header> {
    let (time, clock_end) = super::bytes::date_time(b, b'-', b' ')?;
    let mut i = clock_end;
    if b.get(i) != Some(&b',') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let level_end = token_end(b, i);
    let severity = match &b[i..level_end] {
        b"Info" | b"Perf" => Severity::Info,
        b"Warning" => Severity::Warning,
        b"Error" => Severity::Error,
        _ => return None,
    };
    let mut c_start = skip_ws(b, level_end);
    let id_end = message_id_end(b, c_start);
    if let Some(id_end) = id_end {
        c_start = skip_ws(b, id_end);
    }
    // The level is padded to 22 columns and the component to 7: text that starts past both is
    // a message with the component column left blank (setup's logging library writes its
    // callers' lines so: windeploy, OOBE, Disk Cleanup's setupcln, push-button reset).
    // The Windows 10 Update Assistant (upgrader_default.log) writes the same time and level, the
    // level padded to 10 columns and no component at all: text before the 22nd column is its
    // message.
    if c_start >= i + COMPONENT_END || (id_end.is_none() && c_start < i + LEVEL_END) {
        return Some(Header { time, severity, component: c_start..c_start, msg_start: c_start, message_id: id_end.is_some() });
    }
    let c_end = token_end(b, c_start);
    let msg_start = skip_ws(b, c_end);
    Some(Header { time, severity, component: c_start..c_end, msg_start, message_id: id_end.is_some() })
}

/// Where the component column ends, counted from the level: `Info` padded to 22 columns, then
/// the component padded to 7.
const COMPONENT_END: usize = LEVEL_END + 7;
/// Where CBS's padded level column ends, counted from the level.
const LEVEL_END: usize = 22;

/// Whether `rest` (a text from the start of a line on) begins with a whole line that starts a
/// record of this layout whatever comes before it: a line with a timestamp, its line break
/// there too (a line still arriving is not judged). Big files are cut only before such lines.
pub fn starts_record(rest: &[u8]) -> bool {
    let Some(end) = memchr::memchr2(b'\n', b'\r', rest) else { return false };
    let line = &rest[..end];
    header(line).is_some() || after_prefix(line, header).is_some()
}

/// The imaging engine's trace line (`[1676.1796] [0x80070570] ResExtract:(514): ...`,
/// `[9340] [0xc142011c] WIMGetMountedImageHandle:(2897)`, `[3520] [CreateParallelDecodeInfo:(1201)
/// -> ...]`): the thread it names (0 when it names only the process) and where its text begins.
fn engine_trace(b: &[u8]) -> Option<(u32, usize)> {
    let rest = b.strip_prefix(b"[")?;
    let close = memchr::memchr(b']', &rest[..rest.len().min(24)])?;
    let ids = &rest[..close];
    let (pid, tid) = match memchr::memchr(b'.', ids) {
        Some(dot) => (&ids[..dot], &ids[dot + 1..]),
        None => (ids, &ids[ids.len()..]),
    };
    let digits = |d: &[u8]| !d.is_empty() && d.len() <= 10 && d.iter().all(u8::is_ascii_digit);
    if !digits(pid) || !(tid.is_empty() || digits(tid)) || !rest[close + 1..].starts_with(b" [") {
        return None;
    }
    let thread = tid.iter().try_fold(0u32, |v, &c| v.checked_mul(10)?.checked_add(u32::from(c - b'0'))).unwrap_or(0);
    Some((thread, 1 + close + 2))
}

/// The end of a setup message id (`[0x0601c1]`) at `i`, if one is there.
fn message_id_end(b: &[u8], i: usize) -> Option<usize> {
    let rest = b.get(i..)?.strip_prefix(b"[0x")?;
    let n = rest.iter().take_while(|c| c.is_ascii_hexdigit()).count();
    (n > 0 && rest.get(n) == Some(&b']')).then_some(i + 3 + n + 1)
}

/// Parse the text from `b.start` into entries (see the module doc for lines without a time).
pub fn parse(b: &mut Builder) {
    let text = b.text;
    // The time, offset, component and thread of the last line with a timestamp in this parse.
    let mut context: Option<Entry> = None;
    for l in b.lines(b.start) {
        let line = &text.as_bytes()[l.start..l.end];
        let record = match header(line) {
            Some(h) => Some((0, h)),
            None if starts_indented(line) => {
                if !b.continue_last(&l, !is_blank(line)) {
                    b.unparsed(&l);
                }
                continue;
            }
            None => after_prefix(line, header),
        };
        match (record, context) {
            (Some((at, h)), _) => {
                let component = at + h.component.start..at + h.component.end;
                b.line_record(&l, at + h.msg_start, h.time, NO_OFFSET, component, 0, h.severity);
                context = b.last_record().copied();
            }
            (None, Some(before)) => b.record(beside(&l, line, &before), 1),
            (None, None) => b.unparsed(&l),
        }
    }
}

/// A blank or indented line: it goes on with the record before it.
fn starts_indented(line: &[u8]) -> bool {
    line.first().is_none_or(|&c| c == b' ' || c == b'\t')
}

/// A line at the start of a line with no timestamp, after the record `before`: a record of its
/// own with `before`'s time, component and thread, no level; an engine trace on its own thread.
fn beside(l: &Line, line: &[u8], before: &Entry) -> Entry {
    let (thread, component, msg_start) = match engine_trace(line) {
        Some((thread, msg)) => (thread, NO_COMPONENT, l.start + msg),
        None => (before.thread, before.component, l.start),
    };
    Entry {
        start: l.start as u32,
        end: l.end as u32,
        msg_start: msg_start as u32,
        msg_end: l.end as u32,
        line: 0,
        lines: 0,
        time: before.time,
        offset: before.offset,
        component,
        thread,
        severity: Severity::None,
        parsed: true,
    }
}

#[cfg(test)]
mod tests {
    use crate::model::LogFormat;
    use crate::model::Severity;
    use crate::read::parse::test_support::parse_checked;

    #[test]
    fn levels_components_and_blocks() {
        let text = "2020-02-03 23:50:28, Info                  CBS    TI: Last boot time\r\n2020-02-04 00:15:12, Error                 CBS    Session: 1_2 failed to perform store corruption detect and repair operation. [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]\r\n\r\nSummary:\r\nOperation result: 0x800f081f\r\n";
        let p = parse_checked(LogFormat::Cbs, text);
        assert!(p.entries.iter().all(|e| e.parsed), "{:?}", p.entries);
        assert_eq!(p.entries[1].severity, Severity::Error);
        // The blank line belongs to the error line; each line of the block after it is a record
        // of its own, at the error line's time and component, with no level of its own.
        assert_eq!(p.entries.len(), 4);
        assert_eq!((p.entries[1].line, p.entries[1].lines), (2, 2));
        for e in &p.entries[2..] {
            assert_eq!((e.time, e.component, e.severity), (p.entries[1].time, p.entries[1].component, Severity::None));
        }
        assert_eq!(&text[p.entries[3].msg_start as usize..p.entries[3].msg_end as usize], "Operation result: 0x800f081f");
        assert_eq!(p.components, ["CBS"]);
    }

    /// Windows setup's message id column (`[0x0601c1]`) is not the component.
    #[test]
    fn a_setup_message_id_is_read_past() {
        let text = "2019-03-29 00:25:41, Info       [0x0601c1] IBS    InstallWindows:Setup Phase 2\n2023-01-10 10:15:32, Error      [0x0f0070] SYSPRP RunExternalDlls: halting sysprep execution. dwRet = 0x3cf2\n";
        let p = parse_checked(LogFormat::Setup, text);
        assert_eq!(p.components, ["IBS", "SYSPRP"]);
        assert_eq!(&text[p.entries[0].msg_start as usize..p.entries[0].msg_end as usize], "InstallWindows:Setup Phase 2");
        assert_eq!(p.entries[1].severity, Severity::Error);
    }

    /// A second byte-order mark where a later session was appended (Panther's setuperr.log,
    /// DISM logs of a task sequence) starts a line like any other.
    #[test]
    fn a_bom_inside_the_file_keeps_the_line() {
        let text = "2021-05-18 04:20:14, Error                 CSI    first\r\n\u{feff}2021-05-18 04:20:20, Error                 MOUPG  second\r\n";
        let p = parse_checked(LogFormat::Cbs, text);
        assert!(p.entries.iter().all(|e| e.parsed), "{:?}", p.entries);
        assert_eq!(p.components, ["CSI", "MOUPG"]);
        assert_eq!(&text[p.entries[1].msg_start as usize..p.entries[1].msg_end as usize], "second");
    }

    /// The writer's indented next lines go on with its record (and its message: their codes
    /// are the record's); lines before the first record stay text.
    #[test]
    fn indented_lines_continue_their_record() {
        let text = concat!(
            "   stray before any record\r\n",
            "2021-06-21 10:00:00, Info                  CSI    00000100 Hashes for file member [l:10]'img0.jpg' do not match.\r\n",
            " Expected: {l:32 ml:33 b:a63e}.\r\n",
            " Actual: {l:32 b:1b49}.\r\n",
            "\r\n",
            "2021-06-21 10:00:01, Error                 DISM   DISM Appx Provider: LogHr(1) tid(1e5c) 8007029C An assertion failure has occurred.\r\n",
            "    Msg:[Failed to remove package (hr:0x80073cf2)] \r\n",
            "2021-06-21 10:00:02, Info                  CBS    last\r\n",
        );
        let p = parse_checked(LogFormat::Cbs, text);
        assert_eq!(p.entries.iter().map(|e| (e.parsed, e.lines)).collect::<Vec<_>>(), [(false, 1), (true, 4), (true, 2), (true, 1)]);
        let msg = |e: &crate::model::Entry| &text[e.msg_start as usize..e.msg_end as usize];
        assert!(msg(&p.entries[1]).ends_with(" Actual: {l:32 b:1b49}."), "the blank line is no part of the message");
        assert!(msg(&p.entries[2]).ends_with("(hr:0x80073cf2)] "));
    }

    /// The imaging engine's trace lines are records on the thread they name, their code in the
    /// message; other lines at the start of a line keep the context of the record before.
    #[test]
    fn engine_traces_and_blocks_are_records_of_their_own() {
        let text = concat!(
            "2023-05-23 00:28:31, Info                  SP     SPWIMCallback: Image apply. Progress: 28\r\n",
            "[10728.2724] [0x80070570] ResExtract:(514): The file or directory is corrupted and unreadable.\r\n",
            "[9340] [0xc142011c] WIMGetMountedImageHandle:(2897)\r\n",
            "[3520] [CreateParallelDecodeInfo:(1201) -> Multithreaded decoding for LZMS WIM is enabled!] (null) (Error = 0) \r\n",
            "CSIPERF:TXCOMMIT;114622\r\n",
        );
        let p = parse_checked(LogFormat::Setup, text);
        assert!(p.entries.iter().all(|e| e.parsed && e.lines == 1 && e.time == p.entries[0].time), "{:?}", p.entries);
        let e = &p.entries[1];
        assert_eq!((e.thread, e.component, e.severity), (2724, crate::model::NO_COMPONENT, Severity::None));
        assert!(text[e.msg_start as usize..].starts_with("[0x80070570] ResExtract"));
        assert_eq!(p.entries[2].thread, 0);
        assert!(text[p.entries[3].msg_start as usize..].starts_with("[CreateParallelDecodeInfo"));
        let last = p.entries[4];
        assert_eq!((last.component, last.severity, last.msg_start), (0, Severity::None, last.start), "SP's context, no level");
    }

    /// findstr's output of a CBS log: each line read past the file name it starts with.
    #[test]
    fn a_search_tools_prefix_is_read_past() {
        let text = concat!(
            "C:\\Windows\\Logs\\CBS\\CbsPersist_20230523095004.log:2023-05-23 09:50:04, Info                  CSI    [SR] Cannot repair member file [l:12]'Appx.psd1' of Microsoft-Windows-Appx\r\n",
            "CBS.log:17:2023-05-23 09:50:05, Error                 CBS    Failed [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]\r\n",
        );
        let p = parse_checked(LogFormat::Cbs, text);
        assert_eq!(p.components, ["CSI", "CBS"]);
        assert!(p.entries.iter().all(|e| e.parsed && e.has_time()));
        assert!(text[p.entries[0].msg_start as usize..].starts_with("[SR] Cannot repair"));
        assert_eq!(p.entries[1].severity, Severity::Error);
    }

    /// A blank component column (setup's logging library, for callers that name none): the
    /// message starts there, its first word is no component.
    #[test]
    fn a_blank_component_column_is_no_component() {
        let text = concat!(
            "2021-06-09 12:22:37, Error                        0x80070490 in PushButtonReset::OEMConnection::Create: Did not find OEM plugin\n",
            "2020-05-28 12:31:05, Info                         CSetupFilesCleanup::GetSpaceUsed - Enter\n",
        );
        let p = parse_checked(LogFormat::Setup, text);
        assert!(p.components.is_empty(), "{:?}", p.components);
        assert!(text[p.entries[0].msg_start as usize..].starts_with("0x80070490 in PushButtonReset"));
    }
}
