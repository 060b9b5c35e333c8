//! The worker protocol: what the page asks the analysis session and what it answers.
//!
//! Defined once, here; both sides use these types. The worker hands a [`Request`] (a plain JS
//! object) to `Session::request`, which answers a [`Response`] as a plain JS object
//! (serde-wasm-bindgen, no JSON strings); the page deserializes it with the same types and takes
//! the variant it expects through [`Answer`].
//!
//! A fleet (several machines' bundles) is analysed machine by machine: the worker reads one
//! machine's files into a fresh `Session`, takes its row (`Session::machine_row`, a
//! `wulens_core::MachineRow` as a plain object) and frees it; the page reads the rows with the
//! same type. A zip's members are listed without reading the zip whole (`ZipDirectory::entries`).
//! Windows Update for Business reports exports in a fleet's drop are picked by their first
//! bytes (core's drop plan), then read and joined to the rows in the worker (`WufbExports`).

use serde::{Deserialize, Serialize};
use wulens_core::{CodeInView, Filter, Report, Row};

/// A viewer or report request. Externally tagged: `{rows: {start, count}}`, `"codes"`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Apply a filter to the merged timeline.
    Filter(Filter),
    /// A window of rows of the filtered view.
    Rows { start: usize, count: usize },
    /// The full text of one row.
    Detail { index: usize },
    /// The row of `file` (index in the report's files) at `line`.
    Locate { file: u32, line: u32 },
    /// The next (or previous) row of severity `min` after `from`; lines whose every code is
    /// routine noise in their log are skipped unless `routine`.
    Next {
        from: Option<usize>,
        min: NextKind,
        forward: bool,
        #[serde(default)]
        routine: bool,
    },
    /// Find text in the view from `start`.
    Find { text: String, start: usize, forward: bool },
    /// The first row at or after a time as typed, in the zone `zone` minutes east of UTC.
    AtTime { time: String, zone: i32 },
    /// The positions in the view of (file, line) pairs (bookmarks), sorted; hidden ones left out.
    Positions { lines: Vec<(u32, u32)> },
    /// The codes in the filtered view, most frequent first.
    Codes,
    /// The components of the files in view (for the component drop-down).
    Components,
    /// The given rows as text, or as Markdown with file names and line numbers.
    Copy { indices: Vec<usize>, markdown: bool },
    /// The whole report as Markdown (what `wulens analyze --format markdown` prints).
    Markdown,
    /// The summary that opens that Markdown (at most `wulens_core::SUMMARY_BYTES`), for a ticket.
    MarkdownSummary,
    /// The whole report (the CLI's limits), for the JSON export.
    Report,
    /// Override a file's time-zone offset (`None`: as read); answers the page's report again.
    SetOffset { file: u32, minutes: Option<i32> },
    /// The exports with every identifier replaced (the Share panel), and what was replaced.
    Shared,
}

/// What `Next` looks for.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NextKind {
    Error,
    Warning,
}

impl NextKind {
    pub fn label(self) -> &'static str {
        match self {
            NextKind::Error => "error",
            NextKind::Warning => "warning",
        }
    }
}

/// The answer to a [`Request`]; one variant per kind of answer.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    Filtered(Filtered),
    Rows(Rows),
    Detail(Detail),
    Located(Located),
    Found(Found),
    Codes(Vec<CodeInView>),
    Positions(Vec<usize>),
    Components(Vec<String>),
    Text(String),
    Report(Box<Report>),
    /// The members of a zip (`ZipDirectory::entries`), to tell a zip of bundles from one machine's zip.
    ZipEntries(ZipEntries),
    Shared(Box<Shared>),
}

/// The report redacted for sharing, as its exports, and what the redaction replaced (shown
/// before anything leaves). One redactor, taught by every text of the drop, makes all of them
/// and the redacted logs' zip (`Session::redacted_zip`): a name has one pseudonym everywhere.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Shared {
    /// What was replaced in the report, by kind.
    pub redaction: wulens_core::RedactionSummary,
    /// What the logs' zip (`Session::redacted_zip`) replaces, by kind, and its notes: counted
    /// before it is written, so that the preview says it before anything leaves.
    #[serde(default)]
    pub logs: wulens_core::RedactionSummary,
    /// The whole report, redacted (the CLI's limits), for the JSON export and a saved report.
    pub report: Report,
    /// `wulens_core::markdown` of it.
    pub markdown: String,
    /// `wulens_core::markdown_summary` of it.
    pub summary: String,
}

/// The file members of a zip, as paths inside it, in the zip's order.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ZipEntries {
    pub entries: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Filtered {
    /// Rows that pass the filter.
    pub count: usize,
    /// Rows of the merged timeline.
    pub total: usize,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Rows {
    pub rows: Vec<Row>,
    /// Rows in the view.
    pub count: usize,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Detail {
    pub text: String,
    pub truncated: bool,
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Located {
    pub index: Option<usize>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Found {
    /// Matches in the view.
    pub count: usize,
    pub index: Option<usize>,
}

/// A type the page expects as the answer to a request: `bridge.request::<Rows>(...)`.
pub trait Answer: Sized {
    fn from_response(r: Response) -> Option<Self>;
}

macro_rules! answer {
    ($($t:ty => $v:ident),* $(,)?) => {
        $(impl Answer for $t {
            fn from_response(r: Response) -> Option<Self> {
                match r {
                    Response::$v(x) => Some(x),
                    _ => None,
                }
            }
        })*
    };
}

answer!(Filtered => Filtered, Rows => Rows, Detail => Detail, Located => Located, Found => Found, Vec<CodeInView> => Codes, Vec<usize> => Positions, Vec<String> => Components, String => Text, Box<Report> => Report, ZipEntries => ZipEntries, Box<Shared> => Shared);

impl Answer for Response {
    fn from_response(r: Response) -> Option<Self> {
        Some(r)
    }
}

/// How far a file's decoding in steps is (`Session::decode_step`): an event log's (.evtx)
/// 64 KiB chunks read, of the chunks in the file; `finished` once every chunk is read
/// (`Session::end_file` then makes the file).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoding {
    pub done: u64,
    pub total: u64,
    pub finished: bool,
}

/// A piece of a big file for a scanning worker (`public/scanner.js`): the session parsed it as
/// it arrived and hands it out so that its codes and literals are found on another core. The
/// worker gets this with the piece's text (`Session::piece_text`), runs `scan_piece`, and the
/// session takes the findings back with `Session::put_scan(file, part, bytes)`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct PieceJob {
    /// The file's handle in its session (`Session::begin_file`).
    pub file: u32,
    /// The piece's number in its file.
    pub part: u32,
    pub format: wulens_core::LogFormat,
    /// The kind whose literals to find (as its id, `windowsupdate`); `None`: codes only.
    pub kind: Option<wulens_core::LogKind>,
}
