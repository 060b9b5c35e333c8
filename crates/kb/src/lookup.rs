//! What an admin pastes, looked up: a code in any notation or a symbol, with its entry and its
//! structural decode.

use crate::code::{self, CodeParseError, ErrorCode, Notation};
use crate::decode::{decode, hresult_from_win32, Decoded};
use crate::model::Entry;
use crate::tables::{code_for_symbol, entry};

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
        // Where the code is written and what it means there; written only when there are some.
        if let Some(d) = doc.as_ref().filter(|d| !d.contexts.is_empty()) {
            st.serialize_field("contexts", &d.contexts)?;
        }
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
