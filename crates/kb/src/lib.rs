//! wulens error knowledge base.
//!
//! Entries are data (`data/**/*.toml`), compiled into static tables by `build.rs`; see
//! `data/README.md` for the format and how an organisation adds its own entries. This crate adds
//! the structural [`decode`] of any 32-bit value, [`lookup`] in every notation admins paste, and a
//! ranked [`search`]. It has no web or I/O dependencies so the CLI and the wasm build share it.
//!
//! ```
//! let l = wulens_kb::lookup("0x8024401B").unwrap();
//! assert_eq!(l.entry.map(|e| e.symbol), Some("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ"));
//! assert_eq!(wulens_kb::lookup("1603").unwrap().code.0, 0x80070643);
//! ```
//!
//! The public surface is the list re-exported below; the modules themselves are private.

#![warn(missing_docs)]

mod category;
mod code;
mod decode;
mod model;
mod place;
mod search;

pub use category::Category;
pub use code::{CodeParseError, ErrorCode, Notation};
pub use decode::{
    decode, hresult_from_win32, is_plausible_failure, layout_of, nt_to_win32, Decoded, Win32, FACILITY_HTTP, FACILITY_WIN32, FACILITY_WINDOWSUPDATE, NT_BIT,
};
pub use model::{Entry, EntryDoc, Facility, Layout, Noise, NoiseDoc, Origin, PlaceDoc, Source, Step};
pub use place::Place;
pub use search::{search, SearchHit};

mod data {
    use crate::model::*;
    use crate::{Category, Place};
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

/// The answer to "what is this code?".
#[derive(Debug, Clone)]
pub struct Lookup {
    /// The code looked up. For a bare Win32 error number (`1603`, `0x3`) its HRESULT form
    /// (`0x80070643`), where the knowledge base keeps Win32 errors.
    pub code: ErrorCode,
    /// How the input was written.
    pub notation: Notation,
    /// The knowledge base's entry for the code, if it has one.
    pub entry: Option<&'static Entry>,
    /// The structural decode of the 32-bit value (severity, facility, layout).
    pub decoded: Decoded,
    /// The Win32 error number as written when the input was one ([`Notation::Win32Decimal`],
    /// [`Notation::Win32Hex`]).
    pub win32_error: Option<u32>,
}

impl Lookup {
    /// Whether the knowledge base has an entry for the code.
    pub fn known(&self) -> bool {
        self.entry.is_some()
    }

    /// The lookup of an exact code, as if written in hex.
    pub fn for_code(code: u32) -> Lookup {
        Lookup { code: ErrorCode(code), notation: Notation::Hex, entry: entry(code), decoded: decode(code), win32_error: None }
    }
}

/// Look a code up in any notation: `0x8024401B`, `8024401b`, `-2145107941`, `2149859355`,
/// `WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ`, with surrounding whitespace or quotes. A valid code that
/// is not in the knowledge base still gets a decode (`entry` is `None`).
///
/// A number below 0x10000 written in decimal (`1603`, `exit code 1603`) or as short hex (`0x3`,
/// `GLE = 0x3`, or `gle=0x00000003` after a Win32 word) is a Win32 error: the lookup is of its
/// HRESULT form (`0x80070643`), with `notation` [`Notation::Win32Decimal`] or
/// [`Notation::Win32Hex`] and the number in `win32_error`. Eight hex digits stay the 32-bit value
/// as written (`0x00000103` is `STATUS_PENDING`, not Win32 error 259).
pub fn lookup(input: &str) -> Result<Lookup, CodeParseError> {
    match code::parse_numeric(input) {
        Ok((c, notation)) => {
            let win32_error = notation.is_win32().then_some(c.0);
            let code = if notation.is_win32() { hresult_from_win32(c.0) } else { c.0 };
            Ok(Lookup { code: ErrorCode(code), notation, entry: entry(code), decoded: decode(code), win32_error })
        }
        Err(CodeParseError::NotACode(s)) if code::looks_symbolic(input) => {
            let sym = code::clean_input(input);
            match code_for_symbol(sym) {
                Some(c) => Ok(Lookup { code: ErrorCode(c), notation: Notation::Symbol, entry: entry(c), decoded: decode(c), win32_error: None }),
                None => Err(CodeParseError::UnknownSymbol(s)),
            }
        }
        Err(e) => Err(e),
    }
}

impl serde::Serialize for Lookup {
    /// The `wulens code --format json` contract (ARCHITECTURE.md, "Contracts"): the entry's fields at the top level,
    /// plus `decoded` and `known`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let e = self.entry;
        let mut st = s.serialize_struct("Lookup", 20)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("notation", &self.notation)?;
        // Written only when the input was a bare Win32 error number (`1603`).
        if let Some(n) = self.win32_error {
            st.serialize_field("win32_error", &n)?;
        }
        st.serialize_field("known", &self.known())?;
        st.serialize_field("symbol", e.map_or("", |e| e.symbol))?;
        st.serialize_field("aliases", e.map_or(&[][..], |e| e.aliases))?;
        st.serialize_field("message", e.map_or("", |e| e.message))?;
        st.serialize_field("category", &e.map(|e| e.category))?;
        st.serialize_field("category_label", &e.map(|e| e.category.label()))?;
        st.serialize_field("description", e.map_or("", |e| e.description))?;
        st.serialize_field("causes", e.map_or(&[][..], |e| e.causes))?;
        st.serialize_field("mitigation", e.map_or(&[][..], |e| e.mitigation))?;
        let related: Vec<ErrorCode> = e.map_or(Vec::new(), |e| e.related.iter().map(|c| ErrorCode(*c)).collect());
        st.serialize_field("related", &related)?;
        st.serialize_field("scan_step", &e.and_then(|e| e.scan_step()))?;
        let doc = e.map(|e| e.doc());
        st.serialize_field("places", doc.as_ref().map_or(&[][..], |d| &d.places[..]))?;
        st.serialize_field("noise", doc.as_ref().map_or(&[][..], |d| &d.noise[..]))?;
        st.serialize_field("sources", e.map_or(&[][..], |e| e.sources))?;
        st.serialize_field("origin", &e.map(|e| e.origin))?;
        // Written only for success (and NTSTATUS informational) codes.
        if e.is_some_and(|e| e.is_success()) {
            st.serialize_field("success", &true)?;
        }
        st.serialize_field("decoded", &self.decoded)?;
        st.end()
    }
}

/// The whole knowledge base as one document, for wikis and tooling (`wulens kb export`).
#[derive(serde::Serialize)]
pub struct Export {
    /// The document's format id (`wulens-kb/1`).
    pub format: &'static str,
    /// The version of wulens that wrote it.
    pub version: &'static str,
    /// How many entries follow.
    pub count: usize,
    /// Each category, with how many entries it holds.
    pub categories: Vec<CategoryInfo>,
    /// Every entry, sorted by code.
    pub entries: &'static [Entry],
}

/// A category of the knowledge base and how many entries it holds.
#[derive(serde::Serialize)]
pub struct CategoryInfo {
    /// The category's id (`network`, `download`, ...).
    pub id: &'static str,
    /// Its label in words.
    pub label: &'static str,
    /// How many entries have this category.
    pub count: usize,
}

/// The whole knowledge base as one [`Export`] document.
pub fn export() -> Export {
    Export { format: "wulens-kb/1", version: env!("CARGO_PKG_VERSION"), count: entries().len(), categories: category_counts(), entries: entries() }
}

/// Each category with the number of entries in it, in display order.
pub fn category_counts() -> Vec<CategoryInfo> {
    Category::ALL.iter().map(|c| CategoryInfo { id: c.id(), label: c.label(), count: entries().iter().filter(|e| e.category == *c).count() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_sorted_and_unique() {
        assert!(entries().windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn symbol_and_numeric_lookups_agree() {
        let by_hex = lookup("0x8024401B").unwrap();
        for s in ["8024401b", "-2145107941", "2149859355", "WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ", " 'wu_e_pt_http_status_proxy_auth_req' "] {
            let l = lookup(s).unwrap();
            assert_eq!(l.code, by_hex.code, "{s}");
            assert!(l.known(), "{s}");
        }
        assert_eq!(lookup("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ").unwrap().notation, Notation::Symbol);
    }

    #[test]
    fn entry_json_reads_back_as_the_same_document() {
        let samples = [0x0000_0000, 0x0024_0001, 0xC000_0005, 0x0000_0103, 0xC190_0101, 0x87D0_027E, 0xE000_0219];
        for e in entries().iter().filter(|e| e.has_guidance() || samples.contains(&e.code)) {
            let json = serde_json::to_string(e).unwrap();
            let back: EntryDoc = serde_json::from_str(&json).unwrap();
            // Where a step fits is the diagnosis' (which next check suits which operation), not
            // part of the exported document.
            let mut doc = e.doc();
            doc.mitigation.iter_mut().for_each(|s| s.fits = &[]);
            assert_eq!(back, doc, "{json}");
        }
        // Failure HRESULTs keep their JSON: `layout` and `success` are written only when they say
        // something (an NTSTATUS, a success code).
        let json = serde_json::to_value(entry(0x80070005).unwrap()).unwrap();
        assert!(json.get("layout").is_none() && json.get("success").is_none(), "{json}");
        let json = serde_json::to_value(entry(0x0000_0103).unwrap()).unwrap();
        assert_eq!((json["layout"].as_str(), json["success"].as_bool()), (Some("ntstatus"), Some(true)));
        let e = entry(0x8024401B).unwrap();
        assert_eq!(e.scan_step(), Some(3));
        assert_eq!(e.doc().places[0].id, "scan_3");
        let d: Decoded = serde_json::from_str(&serde_json::to_string(&decode(0x80070005)).unwrap()).unwrap();
        assert_eq!(d, decode(0x80070005));
    }

    #[test]
    fn lookup_json_adds_fields_only_when_they_apply() {
        let hex = serde_json::to_value(lookup("0x80070643").unwrap()).unwrap();
        assert!(hex.get("win32_error").is_none() && hex.get("success").is_none(), "{hex}");
        assert!(hex["decoded"].get("win32_hresult").is_none() && hex["decoded"].get("ntstatus").is_none());
        let dec = serde_json::to_value(lookup("1603").unwrap()).unwrap();
        assert_eq!((dec["code"].as_str(), dec["win32_error"].as_u64()), (Some("0x80070643"), Some(1603)));
        let nt = serde_json::to_value(lookup("0xC0000005").unwrap()).unwrap();
        assert_eq!(nt["decoded"]["win32_hresult"].as_str(), Some("0x800703E6"));
        assert_eq!(nt["decoded"]["win32"]["name"].as_str(), Some("ERROR_NOACCESS"));
        let ok = serde_json::to_value(lookup("S_OK").unwrap()).unwrap();
        assert_eq!((ok["code"].as_str(), ok["success"].as_bool()), (Some("0x00000000"), Some(true)));
    }

    #[test]
    fn unknown_but_valid_codes_decode() {
        let l = lookup("0x8024FFFE").unwrap();
        assert!(!l.known());
        assert_eq!(l.decoded.facility_name, "FACILITY_WINDOWSUPDATE");
        assert!(matches!(lookup("WU_E_NOT_A_REAL_NAME_AT_ALL"), Err(CodeParseError::UnknownSymbol(_))));
        assert!(matches!(lookup("hello world"), Err(CodeParseError::NotACode(_))));
    }
}
