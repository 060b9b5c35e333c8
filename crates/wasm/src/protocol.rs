//! The worker protocol, defined once, here: every message the page sends the analysis worker
//! ([`ToWorker`]) and every message it posts back ([`FromWorker`]), and inside them what the
//! page asks an analysed drop ([`Request`]) and what it answers ([`Response`]).
//!
//! Both sides use these types: the page (`web/src/bridge.rs`) builds a `ToWorker` and posts it
//! as a plain JS object (serde-wasm-bindgen, no JSON strings); the worker's one entry
//! (`AnalysisWorker::handle`, `worker/mod.rs`) reads it back with the same type, and the page reads
//! a `FromWorker` the same way. `public/worker.js` only loads the module and hands messages on:
//! no command is matched by name in JavaScript. What the browser must move itself (a `File`, a
//! compiled module, bytes) crosses as the JS value it is (`serde_wasm_bindgen::preserve`).
//!
//! A fleet (several machines' bundles) is analysed machine by machine: the worker reads one
//! machine's files into a fresh `Session`, takes its row (a `wulens_core::fleet::MachineRow`) and
//! frees it. A zip's members are listed without reading the zip whole (`ZipDirectory`).
//! Windows Update for Business reports exports in a fleet's drop are picked by their first
//! bytes (core's drop plan), then read and joined to the rows in the worker (`WufbExports`).

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use wulens_core::fleet::MachineRow;
use wulens_core::viewer::{CodeInView, Filter, Row};
use wulens_core::wufb::WufbSection;
use wulens_core::Report;

/// A message from the page to the analysis worker. Externally tagged: `{analyze: {gen, ...}}`,
/// `"unfollow"`. `gen` is the analysis a message belongs to (a cancel names the one to stop);
/// `id` pairs a question with its [`FromWorker::Reply`].
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToWorker {
    /// The first message: the module's URLs (`public/worker.js` loads it from them, or from the
    /// page's compiled `module`), the samples to warm the compiled code on, how many scanning
    /// workers to start.
    Init(Init),
    /// Analyse dropped files; `errors` are problems the page met collecting them.
    Analyze {
        gen: u32,
        files: Vec<FileRef>,
        errors: Vec<DropWarning>,
    },
    /// Follow the files that have a handle, each read on from its `size` at the analysis.
    Follow {
        gen: u32,
        targets: Vec<FollowTarget>,
    },
    Unfollow,
    /// Analyse a fleet machine by machine, then read its exports and join them to the rows.
    Fleet {
        gen: u32,
        machines: Vec<MachineFiles>,
        exports: Vec<ExportRef>,
    },
    /// The first bytes (`plan::HEAD_BYTES`) of members of the zip listed last.
    ZipHeads {
        id: u32,
        #[serde(with = "serde_wasm_bindgen::preserve")]
        file: web_sys::File,
        members: Vec<String>,
    },
    /// One machine inside a zip of bundles (its members under `inner`), analysed as a drop.
    AnalyzeMember {
        gen: u32,
        file: FileRef,
        inner: String,
    },
    /// The members of a zip, reading its directory only (kept for what follows).
    ListZip {
        id: u32,
        #[serde(with = "serde_wasm_bindgen::preserve")]
        file: web_sys::File,
    },
    /// The drop's logs redacted into a zip.
    RedactedZip {
        id: u32,
    },
    /// Free the session: a saved report is shown, whose logs the worker must not answer for.
    Forget,
    /// A question to the analysed drop.
    Request {
        id: u32,
        request: Request,
    },
    /// Stop analysis `gen` (seen between chunks and steps).
    Cancel {
        gen: u32,
    },
}

impl ToWorker {
    /// The question's id, for a failure's answer.
    pub fn id(&self) -> Option<u32> {
        match self {
            ToWorker::ZipHeads { id, .. } | ToWorker::ListZip { id, .. } | ToWorker::RedactedZip { id } | ToWorker::Request { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The analysis the message belongs to, for a failure's answer.
    pub fn gen(&self) -> Option<u32> {
        match self {
            ToWorker::Analyze { gen, .. }
            | ToWorker::Follow { gen, .. }
            | ToWorker::Fleet { gen, .. }
            | ToWorker::AnalyzeMember { gen, .. }
            | ToWorker::Cancel { gen } => Some(*gen),
            _ => None,
        }
    }
}

/// [`ToWorker::Init`].
#[derive(Serialize, Deserialize)]
pub struct Init {
    /// The wasm-bindgen glue's URL.
    pub glue: String,
    /// The wasm file's URL (where the compiled module cannot be passed on).
    pub wasm: String,
    /// The `WebAssembly.Module` the page compiled (undefined: none).
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    pub module: JsValue,
    /// The sample logs to warm the compiled code on.
    pub samples: Vec<Sample>,
    /// Scanning workers to start (`public/scanner.js`).
    pub scanners: u32,
}

/// A sample log: its path and bytes.
#[derive(Serialize, Deserialize)]
pub struct Sample {
    pub path: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub bytes: js_sys::Uint8Array,
}

/// A dropped file: its path in the drop and the browser's `File` (never its text).
#[derive(Serialize, Deserialize, Clone)]
pub struct FileRef {
    pub path: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub file: web_sys::File,
}

/// A problem met collecting a drop (an unreadable file, a folder error).
#[derive(Serialize, Deserialize, Clone)]
pub struct DropWarning {
    pub path: String,
    pub message: String,
}

/// A file to follow: its path, its File System Access handle, its size when analysed.
#[derive(Serialize, Deserialize)]
pub struct FollowTarget {
    pub path: String,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    pub handle: JsValue,
    pub size: f64,
}

/// One machine of a fleet: its files, or for a machine inside a zip of bundles, the zip (the one
/// file) and the machine's path inside it (`inner`).
#[derive(Serialize, Deserialize)]
pub struct MachineFiles {
    pub machine: String,
    /// The bundle's path in the drop, the row's `bundle`.
    pub bundle: String,
    pub files: Vec<FileRef>,
    pub inner: Option<String>,
}

/// A file read as a Windows Update for Business reports export: a dropped file, or the member
/// `inner` of a dropped zip (`file` is then the zip).
#[derive(Serialize, Deserialize)]
pub struct ExportRef {
    pub path: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub file: web_sys::File,
    pub inner: Option<String>,
}

/// A message from the analysis worker to the page. Externally tagged: `{progress: {...}}`.
///
/// A report crosses as the JSON texts of its parts ([`crate::report_parts`]), not as one typed
/// value: page and worker are two instances of the module with two memories, so a `Report`
/// crosses as some copy anyway; as texts it is written in the worker and read on the page with
/// `serde_json` (30-50 ms quicker than as JS objects on 100 MB drops), and the page reads one
/// part per task, so that a big drop's report never blocks it for frames.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker {
    /// The module is loaded and warmed: how long warming took (null: it failed), how many
    /// scanning workers are ready.
    Ready {
        version: String,
        warm_ms: Option<f64>,
        scanners: u32,
    },
    Progress {
        gen: u32,
        progress: Progress,
    },
    /// The page's report, as the JSON texts of its parts.
    Report {
        gen: u32,
        report: Vec<String>,
    },
    /// The answer to question `id`.
    Reply {
        id: u32,
        reply: Reply,
    },
    /// A question (`id`), an analysis (`gen`) or the worker itself failed.
    Failed {
        id: Option<u32>,
        gen: Option<u32>,
        message: String,
    },
    Cancelled {
        gen: u32,
    },
    /// The files now followed (paths as dropped) and the rows in all.
    Following {
        gen: u32,
        paths: Vec<String>,
        total: usize,
    },
    /// Followed files grew: rows in the view and in all, a new report when one was built (its
    /// parts' texts), files that could not be read again.
    Grew {
        gen: u32,
        count: Option<usize>,
        total: Option<usize>,
        report: Option<Vec<String>>,
        problems: Vec<String>,
    },
    /// A fleet's rows, in the order its machines were sent, its exports joined to them, and
    /// what reading its zip of bundles cost (when its machines were read out of one).
    Fleet {
        gen: u32,
        rows: Vec<MachineRow>,
        wufb: Option<WufbSection>,
        zip: Option<ZipReads>,
    },
}

/// An answer to a question: the session's [`Response`], or bytes the browser moves as they are.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    Answer(Response),
    /// The first bytes of the members asked for (`ZipHeads`), each a `Uint8Array`.
    Heads(#[serde(with = "serde_wasm_bindgen::preserve")] js_sys::Array),
    /// A zip's bytes (`RedactedZip`), a `Uint8Array`.
    Bytes(#[serde(with = "serde_wasm_bindgen::preserve")] js_sys::Uint8Array),
}

/// How far an analysis is.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Progress {
    /// `read`, `parse`, `decode` (an event log's events: `done` and `total` count its 64 KiB
    /// chunks), `analyze`, or `machine` (a fleet: they count machines); else bytes.
    pub phase: String,
    pub file: String,
    pub index: u32,
    pub files: u32,
    pub done: f64,
    pub total: f64,
}

impl Progress {
    pub fn fraction(&self) -> f64 {
        if self.total <= 0.0 {
            0.0
        } else {
            (self.done / self.total).clamp(0.0, 1.0)
        }
    }
}

/// What a fleet's zip of bundles cost the worker since the drop's zip was listed: how many
/// times a directory was read, and how many of its bytes were read in all (its `size`), for
/// the tests and the bench.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct ZipReads {
    pub opens: u32,
    pub fetched: f64,
    pub size: f64,
}

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
    /// The summary that opens that Markdown (at most `wulens_core::report::SUMMARY_BYTES`), for a ticket.
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
    pub redaction: wulens_core::redact::RedactionSummary,
    /// What the logs' zip (`Session::redacted_zip`) replaces, by kind, and its notes: counted
    /// before it is written, so that the preview says it before anything leaves.
    #[serde(default)]
    pub logs: wulens_core::redact::RedactionSummary,
    /// The whole report, redacted (the CLI's limits), for the JSON export and a saved report.
    pub report: Report,
    /// `wulens_core::report::markdown` of it.
    pub markdown: String,
    /// `wulens_core::report::markdown_summary` of it.
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
    pub format: wulens_core::model::LogFormat,
    /// The kind whose literals to find (as its id, `windowsupdate`); `None`: codes only.
    pub kind: Option<wulens_core::model::LogKind>,
}
