//! wulens core: everything between the bytes of a dropped log and the report, in pure Rust.
//!
//! Five stages, each importing only the ones before it (a test checks it):
//! [`model`] (log files, entries, the values stages exchange) → `read` (bytes, encodings,
//! formats, parsers, configuration inputs) → `analysis` (codes, time zones, the merged timeline)
//! → `diagnose` (flows, rules, configuration, updates, the verdict; data in `flows/` and
//! `rules/`) → `output` (the report's JSON contract, text and Markdown, the log viewer).
//!
//! No I/O and no web dependencies: the CLI reads files, the wasm crate reads `Blob`s, both hand
//! bytes to this crate.

pub mod model;

mod analysis;
mod diagnose;
mod output;
mod par;
mod read;

pub mod fuzzing;

pub use analysis::{codes, Analysis, Appended, CodeStats, Occurrence, TimelineRef};
pub use diagnose::{scan_piece, Diagnosis};
pub use model::{Entry, LogFile, LogFormat, LogKind, Severity};
pub use output::*;
pub use par::map as par_map;
pub use read::bundles::{self, is_fleet, Bundle};
pub use read::{config, detect, encoding::Decoder, load, parse, Bytes, FileLoader, Input, Limits, Loaded};
