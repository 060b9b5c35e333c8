//! Reading: bytes as dropped (files, zip and cab bundles, chunks from the browser) become `LogFile`s.
//! Encodings are sniffed and decoded, the format is detected from content, one parser per format
//! turns lines into entries, and configuration outputs (`reg query`, `.reg`, `netsh`) are parsed
//! into values.

pub mod bundles;
pub mod cab;
pub mod config;
mod detect;
pub mod encoding;
pub mod etl;
pub mod evtx;
pub mod file;
mod grow;
pub mod input;
pub mod mdm;
pub mod parse;
pub mod plan;
pub mod stream;
pub mod wufb;

pub use detect::{detect, wu_placeholder};
pub use input::{expand, load, Bytes, Input, Limits};
pub use stream::{FileLoader, Loaded};
