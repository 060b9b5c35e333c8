//! Views. Each file is one page or a group of small shared pieces; they read the report JSON
//! (`model.rs`) and talk to the worker through `Services`.

pub mod collect;
pub mod common;
pub mod kb;
pub mod landing;
pub mod report;
pub mod viewer;
