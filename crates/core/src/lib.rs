//! wulens core: everything between the bytes of a dropped log and the report, in pure Rust.
//!
//! Pipeline: [`input`] (zips, binaries) → [`encoding`] (sniff + decode to UTF-8) →
//! [`format`] (detect from content) → [`parse`] (entries that tile the lines) →
//! [`analysis`] (codes, time zones, merged timeline) → [`flow`] + [`rules`] + [`updates`] →
//! [`report`] (the JSON contract) and [`render`] (text and Markdown).
//!
//! No I/O and no web dependencies: the CLI reads files, the wasm crate reads `Blob`s, both hand
//! bytes to this crate.

pub mod analysis;
pub mod codes;
pub mod config;
pub mod encoding;
pub mod flow;
pub mod format;
pub mod fuzzing;
pub mod input;
pub mod lines;
pub mod model;
pub mod par;
pub mod parse;
pub mod render;
pub mod report;
pub mod rules;
pub mod signals;
pub mod stream;
pub mod time;
pub mod updates;
pub mod viewer;

pub use analysis::Analysis;
pub use format::LogFormat;
pub use input::{Input, Limits};
pub use model::{Entry, LogFile, Severity};
pub use report::Report;
