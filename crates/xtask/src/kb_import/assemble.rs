//! Assembly: every source's codes and names into one entry per code, its family, its leading
//! name and its message.

use std::collections::{BTreeMap, BTreeSet};

use crate::kb_common::sdk::SdkConst;
use crate::kb_common::{hresult_from_win32, is_marker, sdk_code, CORE_HEADERS};

use super::family::*;
use super::pages::Page;
use super::{categories, tables};

#[derive(Debug, Clone)]
pub(super) struct NameInfo {
    pub(super) name: String,
    /// The SDK type when the name is an SDK constant (`HRESULT`, `WIN32_ERROR`, ...), or the kind
    /// a header defines it as (`HRESULT`, `NTSTATUS`, `WIN32_ERROR`, `CODE`).
    pub(super) sdk_ty: Option<String>,
    pub(super) in_doc: bool,
    /// Defined by winerror.h and the core modules ([`HRESULT_MODULES`]), a core header or a page:
    /// a name that may lead. Names only other API headers use stay aliases.
    pub(super) core: bool,
}

pub(super) struct Hit {
    /// Lower wins for the message: the documentation pages in [`docs::DOCS`] order, then the
    /// lists of the tables folder.
    pub(super) page: usize,
    pub(super) file: &'static str,
    pub(super) section: String,
    pub(super) message: Option<String>,
}

#[derive(Default)]
pub(super) struct Cand {
    pub(super) names: Vec<NameInfo>,
    pub(super) hits: Vec<Hit>,
    pub(super) modules: BTreeSet<String>,
    /// (header, name, message) from sdk-messages.tsv.
    pub(super) header_messages: Vec<(String, String, String)>,
    /// The code is known only from a header (not the crate): cite the header.
    pub(super) header_only: bool,
    pub(super) win32: Option<u32>,
}

impl Cand {
    fn add_name(&mut self, name: &str, sdk_ty: Option<&str>, in_doc: bool, core: bool) {
        if let Some(n) = self.names.iter_mut().find(|n| n.name == name) {
            if n.sdk_ty.is_none() {
                n.sdk_ty = sdk_ty.map(str::to_string);
            }
            n.in_doc |= in_doc;
            n.core |= core;
        } else {
            self.names.push(NameInfo { name: name.to_string(), sdk_ty: sdk_ty.map(str::to_string), in_doc, core });
        }
    }

    fn has_ty(&self, ty: &str) -> bool {
        self.names.iter().any(|n| n.sdk_ty.as_deref() == Some(ty))
    }
}

/// One generated entry.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    pub(super) family: Family,
    pub(super) code: u32,
    pub(super) symbol: Option<String>,
    pub(super) aliases: Vec<String>,
    pub(super) message: Option<String>,
    pub(super) category: &'static str,
    pub(super) ntstatus: bool,
    /// For an NTSTATUS: the Win32 error it maps to.
    pub(super) win32: Option<u32>,
    /// (doc, section); the SDK metadata is given by module path and rendered with the crate doc.
    pub(super) doc_sources: Vec<(String, String)>,
    pub(super) modules: Vec<String>,
}

/// The facility, read as 12 bits (16-27): winerror.h's field is 11 bits, but facilities above
/// 0x7FF (`FACILITY_WEP` 0x801, the Direct3D ones, ...) spill into the reserved bit 27, and
/// reading 11 bits would file `WEP_E_*` (0x8801xxxx) under FACILITY_RPC.
pub(super) fn facility(code: u32) -> u32 {
    (code >> 16) & 0xFFF
}

pub(super) fn valid_symbol(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A header row's code and the type its name gets (as [`NameInfo::sdk_ty`]).
pub(super) fn header_code(m: &tables::HeaderMessage) -> Option<(u32, &'static str)> {
    match m.kind.as_str() {
        "HRESULT" => Some((m.value, "HRESULT")),
        "NTSTATUS" => Some((m.value, "NTSTATUS")),
        "WIN32" => Some((hresult_from_win32(m.value), "WIN32_ERROR")),
        "CODE" => Some((m.value, "CODE")),
        _ => None,
    }
}

/// Is the code one of the ConfigMgr facilities?
pub(super) fn is_configmgr(code: u32) -> bool {
    CCM_FACILITIES.contains(&facility(code)) && (code >> 28) & 0x7 == 0
}

pub(super) fn assemble(consts: &[SdkConst], pages: &[Page], tables: &tables::Tables) -> Vec<Entry> {
    let mut cands: BTreeMap<u32, Cand> = BTreeMap::new();
    let mut sdk_by_name: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for c in consts {
        if let Some(code) = sdk_code(c) {
            let cand = cands.entry(code).or_default();
            let core = HRESULT_MODULES.contains(&c.module.as_str());
            cand.add_name(&c.name, Some(&c.ty), false, core);
            cand.modules.insert(c.module.clone());
            sdk_by_name.entry(&c.name).or_default().insert(code);
        }
    }
    for (i, page) in pages.iter().enumerate() {
        for row in &page.rows {
            // A page that gives a constant the value of another SDK constant has a typo in the
            // number (WMI lists WBEMMOF_E_EXPECTED_PROPERTY_NAME as 0x8004400B, the value of
            // WBEMMOF_E_UNRECOGNIZED_TYPE; the SDK has 0x8004400C): the SDK value is used. A value
            // the SDK does not use is kept: it can be an older value of the constant (the WU
            // table's 0x80245FFF WU_E_REDIRECTOR_UNEXPECTED, 0x802450FF in today's wuerror.h).
            let mut code = row.code;
            let taken_by_other = cands.get(&code).is_some_and(|c| c.names.iter().any(|n| n.sdk_ty.is_some() && Some(n.name.as_str()) != row.name.as_deref()));
            if let Some(values) = row.name.as_deref().and_then(|n| sdk_by_name.get(n)).filter(|_| taken_by_other) {
                if values.len() == 1 && !values.contains(&code) {
                    let v = *values.first().unwrap();
                    eprintln!("  note: {} lists {} as 0x{code:08X}; the SDK value 0x{v:08X} is used", page.spec.file, row.name.as_deref().unwrap_or_default());
                    code = v;
                }
            }
            let cand = cands.entry(code).or_default();
            if let Some(n) = row.name.as_deref().filter(|n| valid_symbol(n)) {
                cand.add_name(n, None, true, true);
            }
            cand.hits.push(Hit { page: i, file: page.spec.file, section: row.section.clone(), message: row.message.clone() });
        }
    }
    // SetupAPI's own numbering (0xE0000xxx `WIN32_ERROR`) for codes that are HRESULTs 0x800Fxxxx.
    for c in consts.iter().filter(|c| c.ty == "WIN32_ERROR" && c.value & 0xFFFF_0000 == 0xE000_0000) {
        if let Some(cand) = cands.get_mut(&(0x800F_0000 | (c.value & 0xFFFF))) {
            cand.add_name(&c.name, Some(&c.ty), false, true);
            cand.modules.insert(c.module.clone());
        }
    }
    // The SDK error headers: messages for the names above, and the codes of the core headers that
    // the crate's metadata does not have (newer wuerror.h codes, Delivery Optimization).
    let mut header_only = 0;
    for m in &tables.messages {
        let Some((code, ty)) = header_code(m) else { continue };
        // A name the crate defines with another value is that value's: winerror.h keeps the
        // 16-bit era values of E_ACCESSDENIED & co. (0x80000009) under `#ifndef _WIN32`.
        if sdk_by_name.get(m.name.as_str()).is_some_and(|v| !v.contains(&code)) {
            continue;
        }
        let core_header = CORE_HEADERS.contains(&m.header.as_str());
        if !cands.contains_key(&code) {
            if !core_header {
                continue;
            }
            header_only += 1;
            cands.entry(code).or_default().header_only = true;
        }
        let cand = cands.get_mut(&code).unwrap();
        if core_header || cand.names.iter().any(|n| n.name == m.name) {
            cand.add_name(&m.name, Some(ty), false, core_header);
        }
        cand.header_messages.push((m.header.clone(), m.name.clone(), m.message.clone()));
    }
    eprintln!("  {header_only} codes only in the SDK error headers");
    // ConfigMgr and setup lists: Microsoft's pages first, the community list for the rest. The
    // community list also holds Windows Update codes and a few placeholders (0, -1, 10): only its
    // ConfigMgr codes are taken; wuerror.h is the source for the others.
    let first_list_page = pages.len();
    for (k, (src, rows)) in tables.lists.iter().enumerate() {
        for r in rows {
            let wanted = if src.file == tables::SETUP.file { facility(r.code) == SETUP_FACILITY } else { is_configmgr(r.code) };
            if !wanted {
                continue;
            }
            let cand = cands.entry(r.code).or_default();
            if let Some(n) = r.name.as_deref().filter(|n| valid_symbol(n)) {
                cand.add_name(n, None, true, true);
            }
            let section = format!("0x{:08X}", r.code);
            cand.hits.push(Hit { page: first_list_page + k, file: src.doc, section, message: Some(r.message.clone()) });
        }
    }
    // NTSTATUS -> Win32 (used for NTSTATUS entries only). Win32 0 is no mapping, and the table's
    // "Win32 errors" above 0xFFFF (the graphics and NDIS values that are NTSTATUS-shaped) are not
    // error numbers.
    for (status, win32) in &tables.nt_win32 {
        if let Some(cand) = cands.get_mut(status) {
            if (1..=0xFFFF).contains(win32) {
                cand.win32 = Some(*win32);
            }
        }
    }
    let mut kb: Vec<Entry> = cands.into_iter().map(|(code, cand)| make_entry(code, cand, pages)).collect();
    // SetupAPI's own numbering 0xE000xxxx has no message of its own: the HRESULT form's.
    let twins: BTreeMap<u32, usize> = kb.iter().enumerate().filter(|(_, e)| e.code & 0xFFFF_0000 == 0x800F_0000).map(|(i, e)| (e.code, i)).collect();
    for i in 0..kb.len() {
        if kb[i].code & 0xFFFF_0000 != 0xE000_0000 || kb[i].message.is_some() {
            continue;
        }
        let Some(&j) = twins.get(&(0x800F_0000 | (kb[i].code & 0xFFFF))) else { continue };
        let (message, docs) = (kb[j].message.clone(), kb[j].doc_sources.clone());
        if message.is_some() {
            kb[i].message = message;
            for d in docs {
                if !kb[i].doc_sources.contains(&d) {
                    kb[i].doc_sources.push(d);
                }
            }
        }
    }
    kb
}

/// NTSTATUS layout: the value has an NTSTATUS name and no HRESULT name (an HRESULT constant of
/// the same value decides: `E_BOUNDS` 0x8000000B is also `STATUS_NO_INHERITANCE`), or it is a
/// Win32 value above 0xFFFF with the NTSTATUS error bits (SetupAPI's 0xE000xxxx).
pub(super) fn is_ntstatus(code: u32, cand: &Cand) -> bool {
    if cand.has_ty("HRESULT") {
        return false;
    }
    if cand.has_ty("NTSTATUS") {
        return true;
    }
    (cand.has_ty("WIN32_ERROR") || cand.has_ty("CODE")) && code > 0xFFFF && code & 0x4000_0000 != 0 && code & 0xFFFF_0000 != 0x8007_0000
}

pub(super) fn family_of(code: u32, cand: &Cand, pages: &[Page]) -> Family {
    let on_page = |file: &str| cand.hits.iter().any(|h| h.page < pages.len() && pages[h.page].spec.file == file);
    let named = |prefixes: &[&str]| cand.names.iter().any(|n| prefixes.iter().any(|p| n.name.starts_with(p)));
    if facility(code) == 36 {
        Family::Wu
    } else if is_ntstatus(code, cand) && cand.has_ty("NTSTATUS") {
        Family::Ntstatus
    } else if code & 0xFFFF_0000 == 0x8007_0000 {
        if (12000..=12999).contains(&(code & 0xFFFF)) {
            Family::Wininet
        } else {
            Family::Win32
        }
    } else if code > 0xFFFF && cand.has_ty("WIN32_ERROR") && !cand.has_ty("HRESULT") {
        Family::Win32Values
    } else if is_configmgr(code) {
        Family::ConfigMgr
    } else if facility(code) == SETUP_FACILITY && named(&["MOSETUP_"]) {
        Family::Setup
    } else if facility(code) == DO_FACILITY {
        Family::DeliveryOptimization
    } else if named(&["BG_E_", "BG_S_"]) || on_page("bits-return-values.md") {
        Family::Bits
    } else if named(&["WBEM_E_", "WBEMESS_E_", "WBEMMOF_E_"]) || on_page("wmi-error-constants.md") {
        Family::Wmi
    } else if on_page("com-error-codes-1.md") || on_page("com-error-codes-4.md") || named(COM_PREFIXES) {
        Family::Com
    } else {
        Family::Hresult
    }
}

/// Sort key for names: lower is better (see the module documentation).
pub(super) fn name_rank(family: Family, n: &NameInfo) -> (u8, u8, String) {
    let s = n.name.as_str();
    let mut first = match family {
        Family::Wu => u8::from(!(s.starts_with("WU_") || s.starts_with("USO_"))),
        Family::Win32 => {
            if n.sdk_ty.as_deref() == Some("HRESULT") {
                0
            } else if n.in_doc {
                1
            } else if s.starts_with("ERROR_") {
                2
            } else {
                3
            }
        }
        Family::Wininet => {
            if s.starts_with("ERROR_WINHTTP_") {
                0
            } else if s.starts_with("WININET_E_") {
                1
            } else if ["ERROR_INTERNET_", "ERROR_HTTP_", "ERROR_FTP_", "ERROR_GOPHER_"].iter().any(|p| s.starts_with(p)) {
                2
            } else {
                3
            }
        }
        Family::Bits => u8::from(!s.starts_with("BG_")),
        Family::Wmi => u8::from(!s.starts_with("WBEM")),
        Family::Ntstatus => {
            if s.starts_with("STATUS_") {
                0
            } else if n.sdk_ty.as_deref() == Some("NTSTATUS") {
                1
            } else {
                2
            }
        }
        Family::Win32Values => u8::from(!s.starts_with("ERROR_")),
        Family::Setup => u8::from(!s.starts_with("MOSETUP_")),
        Family::DeliveryOptimization => u8::from(!s.starts_with("DO_")),
        Family::ConfigMgr | Family::Com | Family::Hresult => u8::from(n.sdk_ty.as_deref() != Some("HRESULT") && !n.in_doc),
    };
    if !n.core {
        first += 5;
    }
    if is_marker(s) {
        first += 10;
    }
    let second = match (n.sdk_ty.is_some(), n.in_doc) {
        (true, true) => 0,
        (true, false) => 1,
        _ => 2,
    };
    (first, second, n.name.clone())
}

pub(super) fn make_entry(code: u32, mut cand: Cand, pages: &[Page]) -> Entry {
    let family = family_of(code, &cand, pages);
    let ntstatus = is_ntstatus(code, &cand);
    cand.names.sort_by_key(|n| name_rank(family, n));
    let names: Vec<String> = cand.names.iter().map(|n| n.name.clone()).collect();
    let symbol = names.first().cloned();
    let aliases: Vec<String> = names.iter().skip(1).cloned().collect();
    cand.hits.sort_by_key(|h| h.page);
    // The message: the first page or list that gives one; else the header message of the
    // best-ranked name that has one (the message belongs to the name that leads).
    let mut message = cand.hits.iter().find_map(|h| h.message.clone());
    let mut header_used: Option<String> = None;
    if message.is_none() {
        for n in &names {
            if let Some((h, _, m)) = cand.header_messages.iter().find(|(_, hn, _)| hn == n) {
                message = Some(m.clone());
                header_used = Some(h.clone());
                break;
            }
        }
    }
    let mut doc_sources: Vec<(String, String)> = Vec::new();
    for h in &cand.hits {
        let s = (h.file.to_string(), h.section.clone());
        if !doc_sources.contains(&s) {
            doc_sources.push(s);
        }
    }
    if cand.header_only && header_used.is_none() {
        header_used = cand.header_messages.first().map(|(h, _, _)| h.clone());
    }
    if let Some(h) = header_used {
        doc_sources.push((tables::HEADERS_DOC.to_string(), h));
    }
    let win32 = if ntstatus { cand.win32 } else { None };
    if win32.is_some() {
        doc_sources.push((tables::NT_WIN32_DOC.to_string(), "ErrorTable".to_string()));
    }
    let all: Vec<&str> = cand.names.iter().map(|n| n.name.as_str()).collect();
    let category = categories::category(family, code, &all);
    Entry { family, code, symbol, aliases, message, category, ntstatus, win32, doc_sources, modules: cand.modules.into_iter().collect() }
}
