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
mod lookup;
mod model;
mod place;
mod search;
mod tables;

pub use category::Category;
pub use code::{CodeParseError, ErrorCode, Notation};
pub use decode::{
    decode, hresult_from_win32, is_plausible_failure, layout_of, nt_to_win32, Decoded, Win32, FACILITY_HTTP, FACILITY_WIN32, FACILITY_WINDOWSUPDATE, NT_BIT,
};
pub use lookup::{lookup, Lookup};
pub use model::{Context, ContextDoc, Entry, EntryDoc, Facility, Layout, Noise, NoiseDoc, Origin, PlaceDoc, Source, Step, Verdict};
pub use place::Place;
pub use search::{search, SearchHit};
pub use tables::{all_symbols, code_for_symbol, entries, entry, facilities, nt_facilities, symbols};

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
