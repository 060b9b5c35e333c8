//! The viewer's pure logic, one job per file. No DOM, no Yew: tested natively
//! (`cargo test -p wulens-web`).
//!
//! - `geometry`: row heights, which rows the viewport draws, scrolling a row into view;
//! - `cache`: the blocks of rows around the viewport, which to ask for, which answers to keep;
//! - `selection`: the selected rows, where a find starts, the next bookmark, what to print;
//! - `keys`: what a key does;
//! - `columns`: widths, hidden columns, their CSS;
//! - `find`: find marks and highlight rules;
//! - `zones`: time zones, times in the grid's zone, the Δ column;
//! - `files`: file tabs and colours;
//! - `query`: the worker's filter for a URL query, the chips, the filter bar's changes.

pub mod cache;
pub mod columns;
pub mod files;
pub mod find;
pub mod geometry;
pub mod keys;
pub mod query;
pub mod selection;
pub mod zones;
