//! The tables `build.rs` compiles from the data files, and reading them by code or by symbol.

use crate::model::{Entry, Facility};

pub(crate) mod data {
    use crate::category::Category;
    use crate::model::*;
    use crate::place::Place;
    use std::borrow::Cow;
    include!(concat!(env!("OUT_DIR"), "/kb_data.rs"));
}

/// Every entry, sorted by code.
pub fn entries() -> &'static [Entry] {
    data::ENTRIES
}

/// Known HRESULT facilities, sorted by value.
pub fn facilities() -> &'static [Facility] {
    data::FACILITIES
}

/// Known NTSTATUS facilities (their own numbering), sorted by value.
pub fn nt_facilities() -> &'static [Facility] {
    data::NT_FACILITIES
}

/// The entry for an exact code.
pub fn entry(code: u32) -> Option<&'static Entry> {
    data::ENTRIES.binary_search_by_key(&code, |e| e.code).ok().map(|i| &data::ENTRIES[i])
}

/// The code whose symbol or alias is `symbol` (case-insensitive).
pub fn code_for_symbol(symbol: &str) -> Option<u32> {
    let upper = symbol.trim().to_ascii_uppercase();
    data::SYMBOLS.binary_search_by(|(s, _)| (*s).cmp(upper.as_str())).ok().map(|i| data::SYMBOLS[i].1)
}

/// Symbols with a known code, for scanning log text for symbolic names, upper-cased and sorted.
/// NTSTATUS names (`STATUS_*`) are left out: CBS and DISM logs are full of routine statuses
/// such as `STATUS_OBJECT_NAME_NOT_FOUND`. [`all_symbols`] has every name.
pub fn symbols() -> &'static [(&'static str, u32)] {
    data::LOG_SYMBOLS
}

/// Every symbol and alias of the knowledge base (NTSTATUS names too), upper-cased and sorted;
/// what [`code_for_symbol`] searches.
pub fn all_symbols() -> &'static [(&'static str, u32)] {
    data::SYMBOLS
}
