//! Parsers for the Microsoft documentation tables in `../shared/reference/*.md`.
//!
//! The pages use three layouts (see the README in that folder for how each was counted):
//!
//! * [`Layout::PipeTable`]: Markdown tables `| 0x8024A000 | `WU_E_AU_NOSERVICE` | text |`
//!   under `##` headings (the "Message" column holds the symbol, "Description" the text);
//! * [`Layout::DtTable`]: Markdown tables whose first cell is
//!   `<dl> <dt>**WU\_E\_NO\_SERVICE**</dt> <dt>0x80240001</dt> </dl>`;
//! * [`Layout::DlList`]: `<span id="NAME">` anchors, each followed by the number (`5 (0x5)`,
//!   `12002`, `2147749889 (0x80041001)`, or in the anchor line itself: `BG\_E\_EMPTY (0x80200003)`)
//!   and then the message paragraph.

use std::sync::OnceLock;

use regex::Regex;

use crate::kb_common::text;
use Layout::{DlList, DtTable, PipeTable};
use Number::{Hresult, Win32};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    PipeTable,
    DtTable,
    DlList,
}

/// How the number a page gives becomes a 32-bit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    /// The page gives the full HRESULT.
    Hresult,
    /// The page gives a Win32 error `n`; the code is `0x80070000 | n` (`HRESULT_FROM_WIN32`).
    Win32,
}

pub struct DocSpec {
    pub file: &'static str,
    pub layout: Layout,
    pub number: Number,
    /// Entries the reference README counted (same method: table rows / numbered entries).
    pub expected: usize,
}

/// The pages in message priority order: when several pages give a message for the same code,
/// the first one here wins (the per-family tables before the generic COM pages, and the
/// "common errors" page last because its middle column is prose rather than the message).
pub const DOCS: &[DocSpec] = &[
    // 258 rows, 257 codes (0x80243FFF is listed under two headings).
    d("windows-update-error-reference.md", PipeTable, Hresult, 258),
    d("wua-success-and-error-codes-.md", DtTable, Hresult, 75),
    d("wua-networking-error-codes-.md", DtTable, Hresult, 18),
    d("system-error-codes--0-499-.md", DlList, Win32, 244),
    d("system-error-codes--500-999-.md", DlList, Win32, 270),
    d("system-error-codes--1000-1299-.md", DlList, Win32, 219),
    d("system-error-codes--1300-1699-.md", DlList, Win32, 232),
    d("system-error-codes--1700-3999-.md", DlList, Win32, 224),
    d("system-error-codes--4000-5999-.md", DlList, Win32, 282),
    d("system-error-codes--6000-8199-.md", DlList, Win32, 228),
    d("system-error-codes--8200-8999-.md", DlList, Win32, 408),
    d("system-error-codes--9000-11999-.md", DlList, Win32, 223),
    d("system-error-codes--12000-15999-.md", DlList, Win32, 415),
    // The index page: links only.
    d("system-error-codes.md", DlList, Win32, 0),
    // WinHTTP before WinINet: Windows Update and the ConfigMgr client use WinHTTP.
    d("error-messages.md", DlList, Win32, 46),
    d("wininet-errors.md", DlList, Win32, 93),
    d("bits-return-values.md", DlList, Hresult, 54),
    // The README counts the 176 lines `decimal (0xHEX)`. This parser finds 179 numbered entries:
    // two more give the decimal alone (WBEM_E_INVALID_PROVIDER_REGISTRATION 2147749906,
    // WBEM_E_INVALID_ASSOCIATION 2147749994) and one has a leading zero and a garbled hex half
    // (WBEM_E_PROVIDER_ALREADY_REGISTERED `02147750020 (0x119FD010)`: the decimal is used).
    // WBEM_E_METHOD_DISABLED has no number (the SDK supplies it). 178 distinct codes: the page
    // gives WBEMMOF_E_EXPECTED_PROPERTY_NAME the value of WBEMMOF_E_UNRECOGNIZED_TYPE (fixed
    // from the SDK in `assemble`).
    d("wmi-error-constants.md", DlList, Hresult, 176),
    d("com-error-codes-1.md", DtTable, Hresult, 196),
    d("com-error-codes-4.md", DtTable, Hresult, 540),
    // 16 rows, 18 codes (one row lists three codes under the group name TIME_OUT_ERRORS).
    d("windows-update-errors.md", PipeTable, Hresult, 16),
];

const fn d(file: &'static str, layout: Layout, number: Number, expected: usize) -> DocSpec {
    DocSpec { file, layout, number, expected }
}

/// One entry as the page writes it: the numbers it lists (a row of the "common errors" page
/// lists three codes), the constant name and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    pub numbers: Vec<u32>,
    pub name: Option<String>,
    pub message: Option<String>,
    /// The heading the table or list sits under.
    pub section: String,
}

/// One code with what a page says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub code: u32,
    pub name: Option<String>,
    pub message: Option<String>,
    pub section: String,
}

pub fn parse(spec: &DocSpec, text: &str) -> Vec<RawEntry> {
    match spec.layout {
        Layout::PipeTable => parse_pipe_tables(text),
        Layout::DtTable => parse_dt_tables(text),
        Layout::DlList => parse_dl_list(text),
    }
}

/// Numbers -> codes. Win32 number n becomes `HRESULT_FROM_WIN32(n)`: 0 (ERROR_SUCCESS) stays 0,
/// and numbers above 0xFFFF are dropped.
pub fn rows(spec: &DocSpec, entries: &[RawEntry]) -> Vec<Row> {
    let mut out = Vec::new();
    for e in entries {
        for &n in &e.numbers {
            let code = match spec.number {
                Number::Hresult => n,
                Number::Win32 if n == 0 => 0,
                Number::Win32 if n <= 0xFFFF => 0x8007_0000 | n,
                Number::Win32 => continue,
            };
            out.push(Row { code, name: e.name.clone(), message: e.message.clone(), section: e.section.clone() });
        }
    }
    out
}

fn rx(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap())
}

fn heading(line: &str) -> Option<String> {
    let t = line.trim_start();
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if hashes == 0 || hashes > 6 || !t[hashes..].starts_with(' ') {
        return None;
    }
    Some(text::clean(&t[hashes..]))
}

/// Split a Markdown table line into cells (a `\|` is not a separator). The leading `|` is
/// dropped; a missing trailing `|` is tolerated.
pub fn split_cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'|') {
            cur.push('|');
            chars.next();
        } else if c == '|' {
            cells.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    if !cur.trim().is_empty() {
        cells.push(cur);
    }
    cells
}

fn hex_codes(cell: &str) -> Vec<u32> {
    static HEX: OnceLock<Regex> = OnceLock::new();
    rx(&HEX, r"\b0[xX]([0-9A-Fa-f]{8})\b").captures_iter(cell).filter_map(|c| u32::from_str_radix(&c[1], 16).ok()).collect()
}

/// `| Error code | Message | Description |` tables. A row that lists several codes shares one
/// message; its "Message" cell then names the group (e.g. `TIME_OUT_ERRORS`), not a constant,
/// so no name is taken from it.
pub fn parse_pipe_tables(text: &str) -> Vec<RawEntry> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut cols: Option<(Option<usize>, Option<usize>)> = None;
    for line in text.lines() {
        if let Some(h) = heading(line) {
            section = h;
            cols = None;
            continue;
        }
        if !line.trim_start().starts_with('|') {
            if !line.trim().is_empty() {
                cols = None;
            }
            continue;
        }
        let cells = split_cells(line);
        if cells.first().is_some_and(|c| c.to_ascii_lowercase().contains("error code")) {
            let find = |word: &str| cells.iter().position(|c| c.to_ascii_lowercase().contains(word));
            cols = Some((find("message"), find("description")));
            continue;
        }
        let Some((msg_col, desc_col)) = cols else { continue };
        let numbers = hex_codes(&cells[0]);
        if numbers.is_empty() {
            continue;
        }
        let name = if numbers.len() == 1 { msg_col.and_then(|i| cells.get(i)).and_then(|c| text::as_symbol(c)) } else { None };
        let message = desc_col.and_then(|i| cells.get(i)).and_then(|c| text::message(c));
        out.push(RawEntry { numbers, name, message, section: section.clone() });
    }
    out
}

/// `| <dl> <dt>**NAME**</dt> <dt>0x80240001</dt> </dl> | Description |` tables.
pub fn parse_dt_tables(text: &str) -> Vec<RawEntry> {
    static NAME: OnceLock<Regex> = OnceLock::new();
    static CODE: OnceLock<Regex> = OnceLock::new();
    let name_re = rx(&NAME, r"<dt>\s*\*\*(.+?)\*\*\s*</dt>");
    let code_re = rx(&CODE, r"<dt>\s*0[xX]([0-9A-Fa-f]{8})\s*</dt>");
    let mut out = Vec::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(h) = heading(line) {
            section = h;
            continue;
        }
        if !line.trim_start().starts_with('|') || !line.contains("<dt>") {
            continue;
        }
        let cells = split_cells(line);
        let Some(first) = cells.first() else { continue };
        let numbers: Vec<u32> = code_re.captures_iter(first).filter_map(|c| u32::from_str_radix(&c[1], 16).ok()).collect();
        if numbers.is_empty() {
            continue;
        }
        let name = name_re.captures(first).and_then(|c| text::as_symbol(&c[1]));
        let message = cells.get(1).and_then(|c| text::message(c));
        out.push(RawEntry { numbers, name, message, section: section.clone() });
    }
    out
}

/// `<span id="NAME">` anchor lists. The number follows the anchor on its own line
/// (`5 (0x5)`, `12002`, `2147749889 (0x80041001)`) or sits in the anchor line
/// (`BG\_E\_EMPTY (0x80200003)`); the message is the first paragraph after the number.
/// Anchors without a number (WinINet lists a few generic Win32 names that way) and anchors that
/// are not constant names (WMI's `0x80041068 - 0x80041099` ranges) give no entry.
pub fn parse_dl_list(text: &str) -> Vec<RawEntry> {
    static HEAD: OnceLock<Regex> = OnceLock::new();
    static NUM: OnceLock<Regex> = OnceLock::new();
    // Names are upper case except for a few (`ERROR_ITERATED_DATA_EXCEEDS_64k`).
    let head_re = rx(&HEAD, r"^([A-Z][A-Za-z0-9_]*)(?:\s*\(0[xX]([0-9A-Fa-f]{1,8})\))?$");
    // WMI writes one number with a leading zero (`02147750020 (0x119FD010)`).
    let num_re = rx(&NUM, r"^0*([0-9]{1,10})(?:\s*\(0[xX]([0-9A-Fa-f]{1,8})\))?$");

    struct Cur {
        name: String,
        number: Option<u32>,
        lines: Vec<String>,
        closed: bool,
    }
    let mut out = Vec::new();
    let mut section = String::new();
    let mut cur: Option<Cur> = None;
    let flush = |cur: &mut Option<Cur>, out: &mut Vec<RawEntry>, section: &str| {
        if let Some(c) = cur.take() {
            if let Some(n) = c.number {
                out.push(RawEntry { numbers: vec![n], name: Some(c.name), message: text::message(&c.lines.join(" ")), section: section.to_string() });
            }
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if let Some(h) = heading(line) {
            flush(&mut cur, &mut out, &section);
            section = h;
            continue;
        }
        if t.starts_with("<span id=") {
            flush(&mut cur, &mut out, &section);
            if let Some(c) = head_re.captures(&text::clean(t)) {
                let number = c.get(2).and_then(|h| u32::from_str_radix(h.as_str(), 16).ok());
                cur = Some(Cur { name: c[1].to_string(), number, lines: Vec::new(), closed: false });
            }
            continue;
        }
        let Some(c) = cur.as_mut() else { continue };
        if c.closed {
            continue;
        }
        let stripped = text::clean(t);
        if c.number.is_none() {
            if let Some(m) = num_re.captures(&stripped) {
                let dec: Option<u32> = m[1].parse().ok();
                let hex = m.get(2).and_then(|h| u32::from_str_radix(h.as_str(), 16).ok());
                // "n (0xN)": when the halves disagree the decimal is taken (the one such case,
                // WMI's `02147750020 (0x119FD010)`, has a garbled hex half).
                if hex.is_some() && hex != dec {
                    eprintln!("  note: {} is listed as {} (0x{}); using the decimal", c.name, &m[1], &m[2]);
                }
                c.number = dec.or(hex);
            }
            continue;
        }
        if stripped.is_empty() || t.starts_with('>') {
            if !c.lines.is_empty() {
                c.closed = true;
            }
        } else {
            c.lines.push(t.to_string());
        }
        if (t.contains("</dd>") || t.contains("</dl>")) && !c.lines.is_empty() {
            c.closed = true;
        }
    }
    flush(&mut cur, &mut out, &section);
    out
}
