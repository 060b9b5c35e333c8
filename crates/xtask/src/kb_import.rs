//! `cargo xtask kb-import`: regenerate `crates/kb/data/imported/` from public tables.
//!
//! Inputs:
//! * the Windows SDK metadata that the `windows` crate (0.62.2) carries as constants in
//!   `src/Windows/Win32/**/mod.rs` (symbolic names at scale: 8,941 `HRESULT`, 3,051 `NTSTATUS`,
//!   3,334 `WIN32_ERROR` names, WinINet and WinHTTP numbers, BITS, WMI, `FACILITY_CODE`,
//!   `NTSTATUS_FACILITY_CODE`). Located with `cargo metadata` on
//!   `crates/xtask/kb-sources/Cargo.toml` (outside the workspace), or `--windows-src DIR`;
//! * the Microsoft documentation tables in `../shared/reference/*.md` (the short published
//!   messages), or `--reference DIR`;
//! * the committed tables in `crates/xtask/kb-sources/tables/` (`--tables DIR`; see the README
//!   there and `cargo xtask kb-sources`): the messages of the SDK error headers
//!   (`sdk-messages.tsv`), the NTSTATUS -> Win32 mapping (`ntstatus-win32.tsv`), Windows setup's
//!   MOSETUP_E_* (`setup-mosetup.tsv`) and the ConfigMgr codes (`configmgr-memdocs.tsv`, then the
//!   community `configmgr-community.tsv`).
//!
//! Output: one TOML file per family in `crates/kb/data/imported/` (or `--out DIR`), sorted by
//! code, byte-identical from run to run. `--check` compares instead of writing.
//!
//! # Which codes
//!
//! Every `HRESULT` and `NTSTATUS` constant of the SDK metadata, as its value, and every
//! `WIN32_ERROR` constant `n` as `HRESULT_FROM_WIN32(n)` (`0x8007xxxx`; 0 stays 0; values above
//! 0xFFFF such as SetupAPI's `0xE000xxxx` as they are). Success codes are taken too (`S_OK`,
//! `WU_S_*`, `STATUS_PENDING`): the knowledge base marks them (`Entry::is_success`). Range
//! markers (`*_BASE`, `*_FIRST`, `*_LAST`, `*_MASK`, `*_RESERVED_n`; not `ERROR_*` names) are
//! taken as names but never lead. From the other types: `RPC_STATUS` (`RPC_S_*`, `EPT_S_*`) and
//! `WSA_ERROR` as Win32 errors, WinINet / WinHTTP 12000-12999, BITS `BG_*`, WMI `WBEMSTATUS`.
//! Then every documentation row, every code the core SDK error headers define that the crate
//! lacks (`kb_common::CORE_HEADERS`: newer wuerror.h codes, Delivery Optimization's `DO_E_*`),
//! the ConfigMgr codes of the two lists (facilities 0x7D0-0x7D2 only: the community list also
//! holds Windows Update codes, whose source is wuerror.h) and the setup list.
//!
//! A header row whose name the crate defines with another value is dropped (winerror.h keeps the
//! 16-bit era `E_ACCESSDENIED` 0x80000009 under `#ifndef _WIN32`).
//!
//! # Layout
//!
//! `layout = "ntstatus"` when the value has an `NTSTATUS` name and no `HRESULT` name (an HRESULT
//! constant of the same value decides: `E_BOUNDS` 0x8000000B is also `STATUS_NO_INHERITANCE`),
//! or is a Win32 value above 0xFFFF with the NTSTATUS error bits (SetupAPI's `0xE000xxxx`). An
//! NTSTATUS entry carries `win32 = n` when the Windows Driver Frameworks table (Win32 error ->
//! NTSTATUS, which UMDF uses) lists it, read backwards; that table gives one NTSTATUS per Win32
//! error, so statuses that RtlNtStatusToDosError folds into an error already taken by another
//! status (`STATUS_OBJECT_NAME_NOT_FOUND` -> `ERROR_FILE_NOT_FOUND`) have no mapping here.
//!
//! # Where each code lives
//!
//! A code may appear once per layer, so every code gets exactly one home, the first rule that
//! matches:
//!
//! | file | codes |
//! |---|---|
//! | `wu.toml` | facility 36 (`0x8024xxxx`, `0x0024xxxx`): `WU_E_*`, `WU_S_*`, `USO_E_*` |
//! | `ntstatus.toml` | NTSTATUS layout with an `NTSTATUS` name (`STATUS_*`, `DBG_*`, `RPC_NT_*`, ...) |
//! | `wininet.toml` | `0x80072EE0`-`0x80072FFF` and the rest of Win32 12000-12999 (WinINet / WinHTTP) |
//! | `win32.toml` | every other `0x8007xxxx` (Win32 error `n` as `HRESULT_FROM_WIN32`, n = 1..=0xFFFF) |
//! | `win32-values.toml` | `WIN32_ERROR` values above 0xFFFF without an HRESULT name |
//! | `configmgr.toml` | facilities 0x7D0-0x7D2 (`0x87D0xxxx`-`0x87D2xxxx`, `0x07D0xxxx`) |
//! | `setup.toml` | facility 0x190 with a `MOSETUP_*` name (`0xC19xxxxx`) |
//! | `delivery-optimization.toml` | facility 208 (`0x80D0xxxx`) |
//! | `bits.toml` | a `BG_E_*`/`BG_S_*` name or listed by the BITS page (this includes BITS's HTTP codes `0x8019xxxx`) |
//! | `wmi.toml` | a `WBEM*_E_*` name or listed by the WMI page |
//! | `com.toml` | listed by a COM error page, or a generic COM / security / setup prefix (`E_`, `CO_E_`, `RPC_E_`, `CERT_E_`, `TRUST_E_`, `CRYPT_E_`, `SPAPI_E_`, `SEC_E_`, `NTE_`, `STG_E_`, `DISP_E_`, ...) |
//! | `hresult.toml` | any other code |
//!
//! # Symbol, aliases, message
//!
//! The symbol is the best-ranked name; every other name is an alias:
//! `win32.toml` prefers an HRESULT constant with the same value (`E_ACCESSDENIED` for
//! `0x80070005`, with `ERROR_ACCESS_DENIED` as alias), then the name the system error pages use;
//! `wininet.toml` prefers `ERROR_WINHTTP_*` (Windows Update and the ConfigMgr client talk
//! through WinHTTP, and the two APIs disagree on a few numbers: 12175 is WinHTTP's
//! `ERROR_WINHTTP_SECURE_FAILURE` but WinINet's `ERROR_INTERNET_DECODING_FAILED`), then
//! `WININET_E_*`, then the WinINet name, and takes the WinHTTP page's message first;
//! `ntstatus.toml` prefers `STATUS_*`; the other families prefer their own prefix. A name only
//! modules outside [`HRESULT_MODULES`] define (DirectInput's `DIERR_NOTFOUND` for 0x80070002)
//! never leads, nor does a range marker. Ties go to names both in the SDK and a page, then
//! alphabetical order. The message is the first one found in the page order of [`docs::DOCS`]
//! (family tables before the generic COM pages; the "common errors" page last), then the setup
//! and ConfigMgr lists (Microsoft's page before the community list), then the SDK header message
//! of the best-ranked name that has one.
//!
//! # Default categories (first rule that matches; curated entries override)
//!
//! | rule | category |
//! |---|---|
//! | a name contains `PROXY` | `proxy` |
//! | `WU_E_PT_HTTP_STATUS_*`, `HTTP_E_STATUS_*`, `BG_E_HTTP_ERROR_*`, facility HTTP (`0x8019xxxx`) | `http` |
//! | a name contains `CERT`, `FILETRUST`, `METADATATRUST`, `SIGNATURE`, ends `_INVALID_CA`, or starts `TRUST_E_`, `CRYPT_E_`, `CRYPT_XML_E_`, `NTE_`, `OSS_`, `CERTSRV_E_`, `WININET_E_SEC_`, `ERROR_WINHTTP_SECURE_` | `certificate` |
//! | access-denied-like names (`ACCESS_DENIED`, `ACCESSDENIED`, `LOGON_FAILURE`, `PRIVILEGE_NOT_HELD`, `WRONG_PASSWORD`, `UNAUTHORIZED`, `AUTHENTICATION`, `NO_USERTOKEN`) and `SEC_E_*` | `authentication` |
//! | a name contains `REBOOT` or `RESTART` | `reboot` |
//! | `DISK_FULL`, `OUTOFMEMORY`, `NOT_ENOUGH_MEMORY`, `NO_SYSTEM_RESOURCES`, `NOT_ENOUGH_QUOTA`, `MEDIUMFULL`, `DISK_QUOTA`, `LOW_BATTERY` | `resources` |
//! | a name contains `POLICY`; `WU_E_WU_DISABLED`, `WU_E_USER_ACCESS_DISABLED` | `policy` |
//! | WU `0x80244xxx` protocol talker, `0x80245xxx` redirector / SIH | `network` |
//! | WU `0x80246xxx` download manager | `download` |
//! | WU `0x80241xxx` Windows Installer, `0x80242xxx` update handler, `0x8024Cxxx` driver util | `installation` |
//! | WU `0x80248xxx` data store, `0x8024Dxxx` WUA setup | `components` |
//! | WU `0x80247xxx` metadata, `0x8024Exxx` expression evaluator | `metadata` |
//! | WU `0x8024Axxx` Automatic Updates | `service` |
//! | other WU: `WU_E_PT_*`, `NO_CONNECTION`/`NETWORK`/`WINHTTP`/`UNREACHABLE` → `network`, `DOWNLOAD` → `download`, `SELFUPDATE`/`SETUP_` → `components`, `SERVICE_STOP`/`NO_SERVICE`/`IDLESHUTDOWN` → `service` | as stated |
//! | Win32 14000-14999 / `ERROR_SXS_*` (`0x800736B0`-`0x80073A97`) | `servicing_store` |
//! | Win32 `ERROR_SERVICE_*`, 1051-1079 | `service` |
//! | Win32 1601-1699 (Windows Installer), `ERROR_INSTALL_*` | `installation` |
//! | Win32 1700-1999 (RPC), 9000-11999 (DNS, Winsock `WSA*`), names with `NETWORK`, `CONNECTION`, `NETNAME`, `NETPATH`, `*_UNREACHABLE` | `network` |
//! | WinINet / WinHTTP | `network` |
//! | BITS | `download` |
//! | COM / other HRESULTs by facility: SECURITY, CERT → `certificate`; INTERNET → `network`; SETUPAPI → `installation`; SXS → `servicing_store`; BACKGROUNDCOPY, DELIVERY_OPTIMIZATION → `download` | as stated |
//! | ConfigMgr | `configmgr` |
//! | setup (MOSETUP_E_*) | `installation` |
//! | Delivery Optimization | `download` |
//! | anything else (WMI, RPC, STORAGE, NTSTATUS, ...) | `general` |
//!
//! Success codes (top bit clear) outside Windows Update and BITS skip the name rules (`SEC_E_OK`
//! is no authentication problem): `reboot` for a REBOOT / RESTART name, else `general`.

mod categories;
mod docs;
mod facilities;
mod tables;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::kb_common::sdk::{self, SdkConst};
use crate::kb_common::{hresult_from_win32, is_marker, repo_root, sdk_code, tables_dir, CORE_HEADERS};

/// The families, one output file each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    Wu,
    Win32,
    Wininet,
    Bits,
    Com,
    Wmi,
    Hresult,
    Ntstatus,
    Win32Values,
    ConfigMgr,
    Setup,
    DeliveryOptimization,
}

impl Family {
    const ALL: [Family; 12] = [
        Family::Wu,
        Family::Win32,
        Family::Wininet,
        Family::Bits,
        Family::Com,
        Family::Wmi,
        Family::Hresult,
        Family::Ntstatus,
        Family::Win32Values,
        Family::ConfigMgr,
        Family::Setup,
        Family::DeliveryOptimization,
    ];

    fn file(self) -> &'static str {
        match self {
            Family::Wu => "wu.toml",
            Family::Win32 => "win32.toml",
            Family::Wininet => "wininet.toml",
            Family::Bits => "bits.toml",
            Family::Com => "com.toml",
            Family::Wmi => "wmi.toml",
            Family::Hresult => "hresult.toml",
            Family::Ntstatus => "ntstatus.toml",
            Family::Win32Values => "win32-values.toml",
            Family::ConfigMgr => "configmgr.toml",
            Family::Setup => "setup.toml",
            Family::DeliveryOptimization => "delivery-optimization.toml",
        }
    }

    fn about(self) -> &'static str {
        match self {
            Family::Wu => "Windows Update Agent codes (facility 36: WU_E_*, WU_S_*, USO_E_*).",
            Family::Win32 => "Win32 errors n as HRESULT 0x8007xxxx (= 0x80070000 | n), except WinINet/WinHTTP 12xxx.",
            Family::Wininet => "WinINet and WinHTTP errors 12000-12999 as HRESULT 0x80072EE0-0x80072FFF.",
            Family::Bits => "Background Intelligent Transfer Service codes (BG_E_*, BG_S_*; BITS's HTTP codes 0x8019xxxx).",
            Family::Com => "Generic COM, security and setup codes (E_*, CO_E_*, RPC_E_*, CERT_E_*, TRUST_E_*, CRYPT_E_*, SPAPI_E_*, SEC_E_*, ...).",
            Family::Wmi => "WMI codes (WBEM_E_*, WBEMMOF_E_*, WBEMESS_E_*).",
            Family::Hresult => "Every other HRESULT constant of the SDK metadata and the SDK error headers, success codes included.",
            Family::Ntstatus => "NTSTATUS values (ntstatus.h STATUS_*, and the Win32 names Windows gives some of them); layout = \"ntstatus\".",
            Family::Win32Values => "WIN32_ERROR values above 0xFFFF as GetLastError returns them (SetupAPI 0xE000xxxx, NDIS 0x8034xxxx, ...); those with the NTSTATUS error bits have layout = \"ntstatus\".",
            Family::ConfigMgr => "Configuration Manager codes (0x87D0xxxx client, 0x87D1xxxx applications, 0x87D2xxxx site server; 0x07D0xxxx success). No public header names them: messages only.",
            Family::Setup => "Windows setup and feature-update result codes (0xC19xxxxx, MOSETUP_E_*; facility 0x190, HRESULT layout).",
            Family::DeliveryOptimization => "Delivery Optimization codes (facility 208, 0x80D0xxxx: DO_E_*).",
        }
    }
}

/// Facilities of the ConfigMgr codes (0x7D0 client, 0x7D1 applications, 0x7D2 site server).
const CCM_FACILITIES: [u32; 3] = [0x7D0, 0x7D1, 0x7D2];
/// Facility of Windows setup's MOSETUP_E_* codes.
const SETUP_FACILITY: u32 = 0x190;
const DO_FACILITY: u32 = 208;

/// Modules whose names lead: winerror.h (`Foundation`) and the update, networking and crypto
/// headers. Other modules reuse the same values under their own names (DirectInput's
/// `DIERR_NOTFOUND` is 0x80070002): those names become aliases and never lead.
pub const HRESULT_MODULES: &[&str] = &[
    "Win32::Foundation",
    "Win32::System::UpdateAgent",
    "Win32::System::Com",
    "Win32::System::Com::Urlmon",
    "Win32::System::Ole",
    "Win32::Security::Cryptography",
    "Win32::Networking::BackgroundIntelligentTransferService",
    "Win32::Networking::WinHttp",
    "Win32::Networking::WinInet",
];

/// Prefixes that put an HRESULT in `com.toml` rather than `hresult.toml`.
const COM_PREFIXES: &[&str] = &[
    "E_",
    "CO_E_",
    "RPC_E_",
    "CERT_E_",
    "TRUST_E_",
    "CRYPT_E_",
    "SPAPI_E_",
    "SEC_E_",
    "NTE_",
    "OSS_",
    "DISP_E_",
    "TYPE_E_",
    "STG_E_",
    "OLE_E_",
    "OLEOBJ_E_",
    "CLASS_E_",
    "REGDB_E_",
    "MK_E_",
    "RO_E_",
    "CS_E_",
    "CLIPBRD_E_",
    "DV_E_",
    "CACHE_E_",
    "VIEW_E_",
    "DRAGDROP_E_",
    "CONVERT10_E_",
    "CLIENTSITE_E_",
    "INPLACE_E_",
    "ENUM_E_",
    "EVENT_E_",
    "CONTEXT_E_",
    "MEM_E_",
    "CAT_E_",
    "CERTSRV_E_",
    "XENROLL_E_",
    "DIGSIG_E_",
    "MSSIPOTF_E_",
    "PERSIST_E_",
    "APPX_E_",
];

#[derive(Default)]
struct Options {
    windows_src: Option<PathBuf>,
    reference: Option<PathBuf>,
    tables: Option<PathBuf>,
    out: Option<PathBuf>,
    check: bool,
}

const USAGE: &str = "usage: cargo xtask kb-import [--windows-src DIR] [--reference DIR] [--tables DIR] [--out DIR] [--check]

  --windows-src DIR  the `windows` crate source (default: found with cargo metadata on
                     crates/xtask/kb-sources/Cargo.toml)
  --reference DIR    the documentation tables (default: <repo>/../shared/reference)
  --tables DIR       the extracted tables (default: <repo>/crates/xtask/kb-sources/tables)
  --out DIR          where to write (default: <repo>/crates/kb/data/imported)
  --check            do not write; fail when a file would change";

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().map(PathBuf::from).ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"));
        match a.as_str() {
            "--windows-src" => o.windows_src = Some(value(a)?),
            "--reference" => o.reference = Some(value(a)?),
            "--tables" => o.tables = Some(value(a)?),
            "--out" => o.out = Some(value(a)?),
            "--check" => o.check = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    Ok(o)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let opts = parse_args(args)?;
    let root = repo_root();
    let reference = opts.reference.clone().unwrap_or_else(|| root.join("../shared/reference"));
    let out_dir = opts.out.clone().unwrap_or_else(|| root.join("crates/kb/data/imported"));
    let tables_dir = opts.tables.clone().unwrap_or_else(|| tables_dir(&root));

    let located = sdk::locate(&root, opts.windows_src.as_deref())?;
    let consts = sdk::load(&located.win32_dir)?;
    eprintln!("windows crate {}: {} integer constants in {}", located.version, consts.len(), located.win32_dir.display());
    let pages = load_docs(&reference)?;
    let tables = tables::load(&tables_dir)?;
    eprintln!(
        "tables in {}: {} header messages, {} NTSTATUS mappings, {}",
        tables_dir.display(),
        tables.messages.len(),
        tables.nt_win32.len(),
        tables.lists.iter().map(|(s, r)| format!("{} {} rows", s.file, r.len())).collect::<Vec<_>>().join(", ")
    );

    let kb = assemble(&consts, &pages, &tables);
    let crate_doc = format!("windows crate {} (Windows SDK metadata)", located.version);
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for family in Family::ALL {
        let entries: Vec<&Entry> = kb.iter().filter(|e| e.family == family).collect();
        files.insert(family.file().to_string(), render_entries(family, &entries, &crate_doc, &located.version));
    }
    let facs = facilities::build(&consts);
    let nt_facs = facilities::build_nt(&consts);
    files.insert("facilities.toml".into(), render_facilities(&facs, &nt_facs, &located.version));

    write_or_check(&out_dir, &files, opts.check)?;
    print_summary(&kb, &facs);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Documentation pages

struct Page {
    spec: &'static docs::DocSpec,
    rows: Vec<docs::Row>,
}

fn load_docs(dir: &Path) -> Result<Vec<Page>, String> {
    let mut pages = Vec::new();
    for spec in docs::DOCS {
        let path = dir.join(spec.file);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let entries = docs::parse(spec, &text);
        let rows = docs::rows(spec, &entries);
        let distinct: BTreeSet<u32> = rows.iter().map(|r| r.code).collect();
        let with_msg = entries.iter().filter(|e| e.message.is_some()).count();
        let verdict = if entries.len() == spec.expected { "= README".to_string() } else { format!("README counts {}", spec.expected) };
        eprintln!("  {:<40} {:>4} entries ({verdict}), {:>4} with message, {:>4} distinct codes", spec.file, entries.len(), with_msg, distinct.len());
        pages.push(Page { spec, rows });
    }
    // Pages in the folder that no parser knows are reported, not guessed at.
    if let Ok(read) = std::fs::read_dir(dir) {
        let mut unknown: Vec<String> = read
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && n != "README.md" && !docs::DOCS.iter().any(|d| d.file == n))
            .collect();
        unknown.sort();
        for n in unknown {
            eprintln!("  note: {n} has no parser and is not imported");
        }
    }
    Ok(pages)
}

// ---------------------------------------------------------------------------------------------
// Assembly

#[derive(Debug, Clone)]
struct NameInfo {
    name: String,
    /// The SDK type when the name is an SDK constant (`HRESULT`, `WIN32_ERROR`, ...), or the kind
    /// a header defines it as (`HRESULT`, `NTSTATUS`, `WIN32_ERROR`, `CODE`).
    sdk_ty: Option<String>,
    in_doc: bool,
    /// Defined by winerror.h and the core modules ([`HRESULT_MODULES`]), a core header or a page:
    /// a name that may lead. Names only other API headers use stay aliases.
    core: bool,
}

struct Hit {
    /// Lower wins for the message: the documentation pages in [`docs::DOCS`] order, then the
    /// lists of the tables folder.
    page: usize,
    file: &'static str,
    section: String,
    message: Option<String>,
}

#[derive(Default)]
struct Cand {
    names: Vec<NameInfo>,
    hits: Vec<Hit>,
    modules: BTreeSet<String>,
    /// (header, name, message) from sdk-messages.tsv.
    header_messages: Vec<(String, String, String)>,
    /// The code is known only from a header (not the crate): cite the header.
    header_only: bool,
    win32: Option<u32>,
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
struct Entry {
    family: Family,
    code: u32,
    symbol: Option<String>,
    aliases: Vec<String>,
    message: Option<String>,
    category: &'static str,
    ntstatus: bool,
    /// For an NTSTATUS: the Win32 error it maps to.
    win32: Option<u32>,
    /// (doc, section); the SDK metadata is given by module path and rendered with the crate doc.
    doc_sources: Vec<(String, String)>,
    modules: Vec<String>,
}

/// The facility, read as 12 bits (16-27): winerror.h's field is 11 bits, but facilities above
/// 0x7FF (`FACILITY_WEP` 0x801, the Direct3D ones, ...) spill into the reserved bit 27, and
/// reading 11 bits would file `WEP_E_*` (0x8801xxxx) under FACILITY_RPC.
fn facility(code: u32) -> u32 {
    (code >> 16) & 0xFFF
}

fn valid_symbol(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A header row's code and the type its name gets (as [`NameInfo::sdk_ty`]).
fn header_code(m: &tables::HeaderMessage) -> Option<(u32, &'static str)> {
    match m.kind.as_str() {
        "HRESULT" => Some((m.value, "HRESULT")),
        "NTSTATUS" => Some((m.value, "NTSTATUS")),
        "WIN32" => Some((hresult_from_win32(m.value), "WIN32_ERROR")),
        "CODE" => Some((m.value, "CODE")),
        _ => None,
    }
}

/// Is the code one of the ConfigMgr facilities?
fn is_configmgr(code: u32) -> bool {
    CCM_FACILITIES.contains(&facility(code)) && (code >> 28) & 0x7 == 0
}

fn assemble(consts: &[SdkConst], pages: &[Page], tables: &tables::Tables) -> Vec<Entry> {
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
fn is_ntstatus(code: u32, cand: &Cand) -> bool {
    if cand.has_ty("HRESULT") {
        return false;
    }
    if cand.has_ty("NTSTATUS") {
        return true;
    }
    (cand.has_ty("WIN32_ERROR") || cand.has_ty("CODE")) && code > 0xFFFF && code & 0x4000_0000 != 0 && code & 0xFFFF_0000 != 0x8007_0000
}

fn family_of(code: u32, cand: &Cand, pages: &[Page]) -> Family {
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
fn name_rank(family: Family, n: &NameInfo) -> (u8, u8, String) {
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

fn make_entry(code: u32, mut cand: Cand, pages: &[Page]) -> Entry {
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

// ---------------------------------------------------------------------------------------------
// Output

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7F => {
                let _ = write!(o, "\\u{:04X}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn render_entries(family: Family, entries: &[&Entry], crate_doc: &str, version: &str) -> String {
    let mut used_docs: BTreeSet<usize> = BTreeSet::new();
    for e in entries {
        for (d, _) in &e.doc_sources {
            if let Some(i) = docs::DOCS.iter().position(|s| s.file == d) {
                used_docs.insert(i);
            }
        }
    }
    let doc_list: Vec<&str> = used_docs.iter().map(|&i| docs::DOCS[i].file).collect();
    let mut o = String::new();
    let _ = write!(o, "# @generated by cargo xtask kb-import from windows crate {version} (src/Windows/Win32/**/mod.rs)");
    if !doc_list.is_empty() {
        let _ = write!(o, " and ../shared/reference/{{{}}}", doc_list.join(", "));
    }
    let mut tables_used: BTreeSet<&str> = BTreeSet::new();
    for e in entries {
        for (d, _) in &e.doc_sources {
            if d == tables::HEADERS_DOC {
                tables_used.insert("sdk-messages.tsv");
            } else if d == tables::NT_WIN32_DOC {
                tables_used.insert("ntstatus-win32.tsv");
            } else if let Some(l) = [&tables::SETUP, &tables::CONFIGMGR_DOCS, &tables::CONFIGMGR_COMMUNITY].iter().find(|l| l.doc == d) {
                tables_used.insert(l.file);
            }
        }
    }
    if !tables_used.is_empty() {
        let _ = write!(o, " and crates/xtask/kb-sources/tables/{{{}}}", tables_used.into_iter().collect::<Vec<_>>().join(", "));
    }
    o.push_str(". Do not edit by hand.\n");
    let _ = writeln!(o, "# {}", family.about());
    for e in entries {
        o.push_str("\n[[entry]]\n");
        let _ = writeln!(o, "code = \"0x{:08X}\"", e.code);
        if let Some(s) = &e.symbol {
            let _ = writeln!(o, "symbol = {}", toml_str(s));
        }
        if !e.aliases.is_empty() {
            let list: Vec<String> = e.aliases.iter().map(|a| toml_str(a)).collect();
            let _ = writeln!(o, "aliases = [{}]", list.join(", "));
        }
        if let Some(m) = &e.message {
            let _ = writeln!(o, "message = {}", toml_str(m));
        }
        let _ = writeln!(o, "category = \"{}\"", e.category);
        if e.ntstatus {
            o.push_str("layout = \"ntstatus\"\n");
        }
        if let Some(w) = e.win32 {
            let _ = writeln!(o, "win32 = {w}");
        }
        o.push_str("sources = [\n");
        for (d, s) in &e.doc_sources {
            let _ = writeln!(o, "  {{ doc = {}, section = {} }},", toml_str(d), toml_str(s));
        }
        for m in &e.modules {
            let _ = writeln!(o, "  {{ doc = {}, section = {} }},", toml_str(crate_doc), toml_str(m));
        }
        o.push_str("]\n");
    }
    o
}

fn render_facilities(facs: &[facilities::Facility], nt: &[facilities::Facility], version: &str) -> String {
    let mut o = String::new();
    let extra: Vec<String> = facilities::EXTRA.iter().map(|(v, n, _)| format!("{n} 0x{v:X}")).collect();
    let _ = writeln!(
        o,
        "# @generated by cargo xtask kb-import from windows crate {version} (FACILITY_CODE and NTSTATUS_FACILITY_CODE constants in src/Windows/Win32/**/mod.rs) plus facilities winerror.h does not define ({}). Do not edit by hand.",
        extra.join(", ")
    );
    o.push_str("# HRESULT facilities ([[facility]]) and NTSTATUS facilities ([[nt_facility]], their own numbering). Where the SDK gives one value two or more names, the label names the others.\n");
    for (table, list) in [("facility", facs), ("nt_facility", nt)] {
        for f in list {
            let _ = writeln!(o, "\n[[{table}]]");
            let _ = writeln!(o, "value = {}", f.value);
            let _ = writeln!(o, "name = {}", toml_str(&f.name));
            let _ = writeln!(o, "label = {}", toml_str(&f.label));
        }
    }
    o
}

const GENERATED_MARK: &str = "# @generated by cargo xtask kb-import";

fn write_or_check(dir: &Path, files: &BTreeMap<String, String>, check: bool) -> Result<(), String> {
    let mut stale: Vec<PathBuf> = Vec::new();
    if let Ok(read) = std::fs::read_dir(dir) {
        for e in read.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".toml") && !files.contains_key(&name) && std::fs::read_to_string(&p).is_ok_and(|t| t.starts_with(GENERATED_MARK)) {
                stale.push(p);
            }
        }
    }
    stale.sort();
    if check {
        let mut differ: Vec<String> = Vec::new();
        for (name, text) in files {
            if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()) {
                differ.push(name.clone());
            }
        }
        differ.extend(stale.iter().map(|p| format!("{} (stale)", p.display())));
        if !differ.is_empty() {
            return Err(format!("out of date in {}: {}; run cargo xtask kb-import", dir.display(), differ.join(", ")));
        }
        eprintln!("{} is up to date", dir.display());
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, text) in files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    for p in stale {
        std::fs::remove_file(&p).map_err(|e| format!("cannot remove stale {}: {e}", p.display()))?;
        eprintln!("removed stale {}", p.display());
    }
    Ok(())
}

fn print_summary(kb: &[Entry], facs: &[facilities::Facility]) {
    println!("{:<14} {:>7} {:>13} {:>12} {:>13}", "file", "entries", "with message", "symbol-only", "message-only");
    for family in Family::ALL {
        let es: Vec<&Entry> = kb.iter().filter(|e| e.family == family).collect();
        let with_msg = es.iter().filter(|e| e.message.is_some()).count();
        let symbol_only = es.iter().filter(|e| e.message.is_none()).count();
        let msg_only = es.iter().filter(|e| e.symbol.is_none()).count();
        println!("{:<14} {:>7} {:>13} {:>12} {:>13}", family.file(), es.len(), with_msg, symbol_only, msg_only);
    }
    let with_msg = kb.iter().filter(|e| e.message.is_some()).count();
    println!("{:<14} {:>7} {:>13}", "total", kb.len(), with_msg);
    println!("facilities.toml: {} facilities", facs.len());
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::docs::{parse_dl_list, parse_dt_tables, parse_pipe_tables, RawEntry};
    use super::*;
    use crate::kb_common::text;

    fn entry(numbers: &[u32], name: Option<&str>, message: Option<&str>, section: &str) -> RawEntry {
        RawEntry { numbers: numbers.to_vec(), name: name.map(str::to_string), message: message.map(str::to_string), section: section.to_string() }
    }

    #[test]
    fn sdk_line_hresult_hex() {
        let l = "pub const WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ: windows_core::HRESULT = windows_core::HRESULT(0x8024401B_u32 as _);";
        assert_eq!(sdk::parse_line(l), Some(("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ".into(), "HRESULT".into(), 0x8024_401B)));
    }

    #[test]
    fn sdk_line_negative_i32() {
        let l = "pub const BG_E_HTTP_ERROR_407: i32 = -2145844841i32;";
        assert_eq!(sdk::parse_line(l), Some(("BG_E_HTTP_ERROR_407".into(), "i32".into(), 0x8019_0197)));
    }

    #[test]
    fn sdk_line_u32_and_win32_error_and_facility() {
        assert_eq!(sdk::parse_line("pub const ERROR_INTERNET_TIMEOUT: u32 = 12002u32;"), Some(("ERROR_INTERNET_TIMEOUT".into(), "u32".into(), 12002)));
        assert_eq!(
            sdk::parse_line("pub const ERROR_ACCESS_DENIED: WIN32_ERROR = WIN32_ERROR(5u32);"),
            Some(("ERROR_ACCESS_DENIED".into(), "WIN32_ERROR".into(), 5))
        );
        assert_eq!(
            sdk::parse_line("pub const FACILITY_WINDOWSUPDATE: FACILITY_CODE = FACILITY_CODE(36u32);"),
            Some(("FACILITY_WINDOWSUPDATE".into(), "FACILITY_CODE".into(), 36))
        );
        assert_eq!(
            sdk::parse_line("pub const WBEM_E_FAILED: WBEMSTATUS = WBEMSTATUS(-2147217407i32);"),
            Some(("WBEM_E_FAILED".into(), "WBEMSTATUS".into(), 0x8004_1001))
        );
    }

    #[test]
    fn sdk_line_rejects_non_integers() {
        assert_eq!(sdk::parse_line("pub const FOO: windows_core::PCWSTR = windows_core::w!(\"x\");"), None);
        assert_eq!(sdk::parse_line("pub const BIG: u64 = 18446744073709551615u64;"), None);
        assert_eq!(sdk::parse_line("pub struct WIN32_ERROR(pub u32);"), None);
        assert_eq!(sdk::parse_int_literal("0xFFFF_FFFF"), Some(u32::MAX));
        assert_eq!(sdk::parse_int_literal("-1i32"), Some(u32::MAX));
    }

    #[test]
    fn pipe_table_rows() {
        let md = "\
## Automatic Update Errors

| Error code |            Message              |      Description       |
|------------|---------------------------------|------------------------|
| 0x8024A000 |      `WU_E_AU_NOSERVICE`        | Automatic Updates was unable to service incoming requests. |
| 0x80243FFF |  `WU_E_AUCLIENT_UNEXPECTED`     | There was a user interface error not covered by another `WU_E_AUCLIENT_*` error code. |

## Windows Update error codes

| Error code |  Message                          | Description                                                  |
|------------|-----------------------------------|--------------------------------------------------------------|
| 0x80240001 | `WU_E_NO_SERVICE`                 | Windows Update Agent was unable to provide the service.
";
        assert_eq!(
            parse_pipe_tables(md),
            vec![
                entry(&[0x8024_A000], Some("WU_E_AU_NOSERVICE"), Some("Automatic Updates was unable to service incoming requests."), "Automatic Update Errors"),
                entry(
                    &[0x8024_3FFF],
                    Some("WU_E_AUCLIENT_UNEXPECTED"),
                    Some("There was a user interface error not covered by another WU_E_AUCLIENT_* error code."),
                    "Automatic Update Errors"
                ),
                entry(&[0x8024_0001], Some("WU_E_NO_SERVICE"), Some("Windows Update Agent was unable to provide the service."), "Windows Update error codes"),
            ]
        );
    }

    #[test]
    fn pipe_table_common_errors_layout() {
        let md = "\
# Windows Update common errors and mitigation

|                Error Code                |              Message              |          Description          |      Mitigation
|------------------------------------------|-----------------------------------|-------------------------------|-----------------
|                0x80200053                |      BG_E_VALIDATION_FAILED       |              NA               | Ensure that there are no firewalls.<br><br>Run the [script](https://x.invalid).
| 0x80072EFD <br>0x80072EFE <br>0x80D02002 |          TIME_OUT_ERRORS          |    The operation timed out    | Make sure there are no firewall rules.
|                0X8007000D                |        ERROR_INVALID_DATA         | Indicates invalid data downloaded or corruption occurred. | Attempt to re-download.
|                0x80070422               |       | This issue occurs when the Windows Update service stops working or is not running. | Check.<br>  |
";
        let got = parse_pipe_tables(md);
        let s = "Windows Update common errors and mitigation";
        assert_eq!(
            got,
            vec![
                entry(&[0x8020_0053], Some("BG_E_VALIDATION_FAILED"), None, s),
                entry(&[0x8007_2EFD, 0x8007_2EFE, 0x80D0_2002], None, Some("The operation timed out"), s),
                entry(&[0x8007_000D], Some("ERROR_INVALID_DATA"), Some("Indicates invalid data downloaded or corruption occurred."), s),
                entry(&[0x8007_0422], None, Some("This issue occurs when the Windows Update service stops working or is not running."), s),
            ]
        );
    }

    #[test]
    fn dt_table_rows() {
        let md = r#"
# WUA Networking Error Codes

| Constant/value | Description |
|:---|:---|
| <span id="WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ"></span><span id="wu_e_pt_http_status_proxy_auth_req"></span><dl> <dt>**WU\_E\_PT\_HTTP\_STATUS\_PROXY\_AUTH\_REQ**</dt> <dt>0x8024401B</dt> </dl>    | Same as HTTP status 407 – Proxy authentication is required.<br/>   |
| <span id="WU_E_CALL_CANCELLED_BY_POLICY"></span><dl> <dt>**WU\_E\_CALL\_CANCELLED\_BY\_POLICY**</dt> <dt>0x8024002F</dt> </dl> | Operation did not complete because the **DisableWindowsUpdateAccess** policy was set in the registry.<br/> |
| Header<br/> | <dl> <dt>Wuerror.h</dt> </dl> |
"#;
        let s = "WUA Networking Error Codes";
        assert_eq!(
            parse_dt_tables(md),
            vec![
                entry(&[0x8024_401B], Some("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ"), Some("Same as HTTP status 407 – Proxy authentication is required."), s),
                entry(
                    &[0x8024_002F],
                    Some("WU_E_CALL_CANCELLED_BY_POLICY"),
                    Some("Operation did not complete because the DisableWindowsUpdateAccess policy was set in the registry."),
                    s
                ),
            ]
        );
    }

    #[test]
    fn dl_list_system_error_codes() {
        let md = r#"# System Error Codes (0-499)

<span id="ERROR_SUCCESS"></span><span id="error_success"></span>**ERROR\_SUCCESS**
   

0 (0x0)
 



The operation completed successfully.


   

<span id="ERROR_ACCESS_DENIED"></span><span id="error_access_denied"></span>**ERROR\_ACCESS\_DENIED**
   

5 (0x5)
 



Access is denied.


   

## Requirements
"#;
        let got = parse_dl_list(md);
        let s = "System Error Codes (0-499)";
        assert_eq!(
            got,
            vec![
                entry(&[0], Some("ERROR_SUCCESS"), Some("The operation completed successfully."), s),
                entry(&[5], Some("ERROR_ACCESS_DENIED"), Some("Access is denied."), s),
            ]
        );
        let spec = docs::DOCS.iter().find(|d| d.file == "system-error-codes--0-499-.md").unwrap();
        let rows = docs::rows(spec, &got);
        assert_eq!(rows.iter().map(|r| r.code).collect::<Vec<_>>(), vec![0, 0x8007_0005], "ERROR_SUCCESS is 0 (S_OK), 5 is 0x80070005");
    }

    #[test]
    fn dl_list_wininet_and_winhttp() {
        let md = r#"# Error Messages (Winhttp.h)

<dl> <dt>

<span id="ERROR_WINHTTP_TIMEOUT"></span><span id="error_winhttp_timeout"></span>**ERROR\_WINHTTP\_TIMEOUT**
</dt> <dd> <dl> <dt>

12002
</dt> <dt>



The request has timed out.

This error can be returned as a result of TCP/IP time-out behavior.
</dt> </dl> </dd> <dt>

<span id="ERROR_INVALID_HANDLE"></span><span id="error_invalid_handle"></span>**ERROR\_INVALID\_HANDLE**
</dt> <dd> <dl> <dt>



The type of handle supplied is incorrect for this operation.


</dt> </dl> </dd> <dt>

<span id="ERROR_GOPHER_ATTRIBUTE_NOT_FOUND"></span>**ERROR\_GOPHER\_ATTRIBUTE\_NOT\_FOUND**
</dt> <dd> <dl> <dt>

12137
</dt> <dt>



Returned by [**WinHttpGetProxyForUrl**](/windows/desktop/api/x) when the requested attribute could not be located.

> [!Note]  
> Windows XP and Windows Server 2003 R2 and earlier only.

</dt> </dl> </dd> </dl>
"#;
        let s = "Error Messages (Winhttp.h)";
        assert_eq!(
            parse_dl_list(md),
            vec![
                entry(&[12002], Some("ERROR_WINHTTP_TIMEOUT"), Some("The request has timed out."), s),
                entry(
                    &[12137],
                    Some("ERROR_GOPHER_ATTRIBUTE_NOT_FOUND"),
                    Some("Returned by WinHttpGetProxyForUrl when the requested attribute could not be located."),
                    s
                ),
            ]
        );
    }

    #[test]
    fn dl_list_wmi_numbers_and_ranges() {
        let md = r#"# WMI Error Constants

<dl> <dt>

<span id="0x80041068_-_0x80041099"></span><span id="0X80041068_-_0X80041099"></span>0x80041068 - 0x80041099
</dt> <dd>

Errors that originate in WMI itself.

</dd> </dl>

<dl> <dt>

<span id="WBEM_E_FAILED"></span><span id="wbem_e_failed"></span>**WBEM\_E\_FAILED**
</dt> <dd> <dl> <dt>

2147749889 (0x80041001)
</dt> <dt>



Call failed.


</dt> </dl> </dd> <dt>
"#;
        assert_eq!(parse_dl_list(md), vec![entry(&[0x8004_1001], Some("WBEM_E_FAILED"), Some("Call failed."), "WMI Error Constants")]);
    }

    #[test]
    fn dl_list_bits_number_in_anchor_line() {
        let md = r#"# BITS Return Values

<dl> <dt>

<span id="BG_S_PARTIAL_COMPLETE__0x00200017_"></span><span id="bg_s_partial_complete__0x00200017_"></span>BG\_S\_PARTIAL\_COMPLETE (0x00200017)
</dt> <dd>

A subset of the job's files transferred successfully before the [**IBackgroundCopyJob::Complete**](/windows/x) method was called. Those that were not complete were deleted.

</dd> <dt>

<span id="BG_E_HTTP_ERROR_407__0x80190197_"></span>BG\_E\_HTTP\_ERROR\_407 (0x80190197)
</dt> <dd>

Proxy authentication is required.

</dd> </dl>
"#;
        let s = "BITS Return Values";
        assert_eq!(
            parse_dl_list(md),
            vec![
                entry(
                    &[0x0020_0017],
                    Some("BG_S_PARTIAL_COMPLETE"),
                    Some("A subset of the job's files transferred successfully before the IBackgroundCopyJob::Complete method was called. Those that were not complete were deleted."),
                    s
                ),
                entry(&[0x8019_0197], Some("BG_E_HTTP_ERROR_407"), Some("Proxy authentication is required."), s),
            ]
        );
    }

    #[test]
    fn cleaning_and_shortening() {
        assert_eq!(text::clean("Same as `SOAP_E_VERSION_MISMATCH` - `SOAP` client"), "Same as SOAP_E_VERSION_MISMATCH - SOAP client");
        assert_eq!(text::clean("a&amp;b &lt;x&gt; \\<y> WU\\_E\\_PT\\_\\* [link](http://x)<br/>end"), "a&b <x> <y> WU_E_PT_* link end");
        let long = format!("{}. Second sentence here. {}", "A".repeat(200), "B".repeat(150));
        let short = text::shorten(&long, text::MAX_MESSAGE);
        assert_eq!(short, format!("{}. Second sentence here.", "A".repeat(200)));
        let one = "word ".repeat(100);
        let cut = text::shorten(one.trim(), 50);
        assert!(cut.ends_with('…') && cut.chars().count() <= 50, "{cut}");
        assert_eq!(text::message("NA"), None);
        assert_eq!(text::message("  <br/> "), None);
    }

    fn c(name: &str, ty: &str, value: u32, module: &str) -> SdkConst {
        SdkConst { name: name.into(), ty: ty.into(), value, module: module.into() }
    }

    #[test]
    fn assembly_homes_symbols_and_aliases() {
        let consts = vec![
            c("E_ACCESSDENIED", "HRESULT", 0x8007_0005, "Win32::Foundation"),
            c("ERROR_ACCESS_DENIED", "WIN32_ERROR", 5, "Win32::Foundation"),
            c("ERROR_FILE_NOT_FOUND", "WIN32_ERROR", 2, "Win32::Foundation"),
            c("DIERR_NOTFOUND", "HRESULT", 0x8007_0002, "Win32::Devices::HumanInterfaceDevice"),
            c("WININET_E_TIMEOUT", "HRESULT", 0x8007_2EE2, "Win32::Foundation"),
            c("ERROR_INTERNET_TIMEOUT", "u32", 12002, "Win32::Networking::WinInet"),
            c("ERROR_WINHTTP_TIMEOUT", "u32", 12002, "Win32::Networking::WinHttp"),
            c("BG_E_HTTP_ERROR_407", "i32", 0x8019_0197, "Win32::Networking::BackgroundIntelligentTransferService"),
            c("HTTP_E_STATUS_PROXY_AUTH_REQ", "HRESULT", 0x8019_0197, "Win32::Foundation"),
            c("WU_S_REBOOT_REQUIRED", "HRESULT", 0x0024_0005, "Win32::System::UpdateAgent"),
            c("S_FALSE", "HRESULT", 1, "Win32::Foundation"),
            c("STATUS_WAIT_1", "NTSTATUS", 1, "Win32::Foundation"),
            c("SEC_E_OK", "HRESULT", 0, "Win32::Foundation"),
            c("ERROR_SUCCESS", "WIN32_ERROR", 0, "Win32::Foundation"),
            c("WEP_E_NO_LICENSE", "HRESULT", 0x8801_0006, "Win32::Foundation"),
            c("INET_E_ERROR_FIRST", "HRESULT", 0x800C_0002, "Win32::System::Com::Urlmon"),
            c("INET_E_INVALID_URL", "HRESULT", 0x800C_0002, "Win32::System::Com::Urlmon"),
            c("SPAPI_E_NO_ASSOCIATED_CLASS", "HRESULT", 0x800F_0200, "Win32::Foundation"),
            c("ERROR_NO_ASSOCIATED_CLASS", "WIN32_ERROR", 0xE000_0200, "Win32::Foundation"),
            c("STATUS_ACCESS_VIOLATION", "NTSTATUS", 0xC000_0005, "Win32::Foundation"),
            c("E_BOUNDS", "HRESULT", 0x8000_000B, "Win32::Foundation"),
            c("STATUS_NO_INHERITANCE", "NTSTATUS", 0x8000_000B, "Win32::Foundation"),
        ];
        let msg = |header: &str, name: &str, value: u32, kind: &str, message: &str| tables::HeaderMessage {
            header: header.into(),
            name: name.into(),
            value,
            kind: kind.into(),
            message: message.into(),
        };
        let tables = tables::Tables {
            messages: vec![
                msg("ntstatus.h", "STATUS_ACCESS_VIOLATION", 0xC000_0005, "NTSTATUS", "The instruction referenced memory."),
                msg("wuerror.h", "WU_E_STANDBY_ACTIVITY_NOT_ALLOWED", 0x8024_0067, "HRESULT", "Not allowed in standby."),
                // winerror.h's 16-bit era value of E_ACCESSDENIED: the crate's value wins.
                msg("winerror.h", "E_ACCESSDENIED", 0x8000_0009, "HRESULT", "General access denied error"),
                msg("other.h", "NOT_IN_THE_CRATE", 0x8123_0001, "HRESULT", "Not taken."),
            ],
            nt_win32: [(0xC000_0005, 998), (0x0000_0000, 0)].into_iter().collect(),
            lists: vec![
                (&tables::SETUP, vec![tables::ListRow { code: 0xC190_0101, name: Some("MOSETUP_E_SETUP_PLATFORM".into()), message: "Setup failed.".into() }]),
                (&tables::CONFIGMGR_DOCS, vec![tables::ListRow { code: 0x87D0_0215, name: None, message: "Item not found".into() }]),
                (
                    &tables::CONFIGMGR_COMMUNITY,
                    vec![
                        tables::ListRow { code: 0x87D0_0215, name: None, message: "Item not found (community)".into() },
                        tables::ListRow { code: 0x87D0_027E, name: None, message: "Bad HTTP status code".into() },
                        tables::ListRow { code: 0x8024_A000, name: None, message: "Not taken: wuerror.h is the source".into() },
                    ],
                ),
            ],
        };
        let kb = assemble(&consts, &[], &tables);
        let get = |code: u32| kb.iter().find(|e| e.code == code).unwrap_or_else(|| panic!("0x{code:08X} missing"));
        let denied = get(0x8007_0005);
        assert_eq!((denied.family, denied.symbol.as_deref()), (Family::Win32, Some("E_ACCESSDENIED")));
        assert_eq!(denied.aliases, vec!["ERROR_ACCESS_DENIED".to_string()]);
        assert_eq!(denied.category, "authentication");
        let not_found = get(0x8007_0002);
        assert_eq!(not_found.symbol.as_deref(), Some("ERROR_FILE_NOT_FOUND"), "DirectInput's name for the value never leads");
        assert_eq!(not_found.aliases, vec!["DIERR_NOTFOUND".to_string()]);
        let timeout = get(0x8007_2EE2);
        assert_eq!(timeout.family, Family::Wininet);
        assert_eq!(timeout.symbol.as_deref(), Some("ERROR_WINHTTP_TIMEOUT"));
        assert_eq!(timeout.aliases, vec!["WININET_E_TIMEOUT".to_string(), "ERROR_INTERNET_TIMEOUT".to_string()]);
        let bits = get(0x8019_0197);
        assert_eq!((bits.family, bits.symbol.as_deref(), bits.category), (Family::Bits, Some("BG_E_HTTP_ERROR_407"), "proxy"));
        assert_eq!(get(0x0024_0005).category, "reboot");
        // Success codes and every facility are taken; a range marker never leads.
        assert_eq!((get(1).symbol.as_deref(), get(1).ntstatus), (Some("S_FALSE"), false));
        let success = get(0);
        assert_eq!(success.category, "general", "SEC_E_OK is not an authentication problem");
        assert!(success.aliases.contains(&"ERROR_SUCCESS".to_string()) || success.symbol.as_deref() == Some("ERROR_SUCCESS"));
        assert_eq!(get(0x8801_0006).symbol.as_deref(), Some("WEP_E_NO_LICENSE"));
        assert_eq!(get(0x800C_0002).symbol.as_deref(), Some("INET_E_INVALID_URL"));
        assert_eq!(get(0x800F_0200).aliases, vec!["ERROR_NO_ASSOCIATED_CLASS".to_string()]);
        let setupapi = get(0xE000_0200);
        assert_eq!((setupapi.family, setupapi.ntstatus), (Family::Win32Values, true));
        // NTSTATUS: layout, header message and Win32 mapping.
        let av = get(0xC000_0005);
        assert_eq!((av.family, av.ntstatus, av.win32), (Family::Ntstatus, true, Some(998)));
        assert_eq!(av.message.as_deref(), Some("The instruction referenced memory."));
        // A value with an HRESULT and an NTSTATUS name is an HRESULT.
        let bounds = get(0x8000_000B);
        assert_eq!((bounds.symbol.as_deref(), bounds.ntstatus, bounds.aliases.clone()), (Some("E_BOUNDS"), false, vec!["STATUS_NO_INHERITANCE".to_string()]));
        // Header-only codes of the core headers; the 16-bit era duplicate and other headers not.
        assert_eq!(get(0x8024_0067).symbol.as_deref(), Some("WU_E_STANDBY_ACTIVITY_NOT_ALLOWED"));
        assert!(kb.iter().all(|e| e.code != 0x8000_0009 && e.code != 0x8123_0001));
        // Lists: Microsoft's page before the community list; only ConfigMgr codes of the latter.
        let item = get(0x87D0_0215);
        assert_eq!((item.family, item.message.as_deref(), item.category), (Family::ConfigMgr, Some("Item not found"), "configmgr"));
        assert_eq!(item.doc_sources.len(), 2);
        assert_eq!(get(0x87D0_027E).message.as_deref(), Some("Bad HTTP status code"));
        assert!(kb.iter().all(|e| e.code != 0x8024_A000));
        let setup = get(0xC190_0101);
        assert_eq!((setup.family, setup.symbol.as_deref(), setup.ntstatus), (Family::Setup, Some("MOSETUP_E_SETUP_PLATFORM"), false));
    }

    #[test]
    fn rendering_is_valid_toml() {
        let e = Entry {
            family: Family::Wu,
            code: 0x8024_401B,
            symbol: Some("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ".into()),
            aliases: vec!["A_B".into()],
            message: Some("Say \"hi\" \\ there".into()),
            category: "proxy",
            ntstatus: true,
            win32: Some(998),
            doc_sources: vec![("x.md".into(), "Sec".into())],
            modules: vec!["Win32::System::UpdateAgent".into()],
        };
        let text = render_entries(Family::Wu, &[&e], "windows crate 0.62.2 (Windows SDK metadata)", "0.62.2");
        assert!(text.starts_with("# @generated by cargo xtask kb-import from "));
        let v: toml::Value = toml::from_str(&text).unwrap();
        let entry = &v["entry"][0];
        assert_eq!(entry["message"].as_str(), Some("Say \"hi\" \\ there"));
        assert_eq!(entry["sources"].as_array().unwrap().len(), 2);
        assert_eq!((entry["layout"].as_str(), entry["win32"].as_integer()), (Some("ntstatus"), Some(998)));
    }

    #[test]
    fn facility_labels() {
        let consts = vec![
            c("FACILITY_SSPI", "FACILITY_CODE", 9, "Win32::System::Diagnostics::Debug"),
            c("FACILITY_SECURITY", "FACILITY_CODE", 9, "Win32::System::Diagnostics::Debug"),
            c("FACILITY_USERMODE_VOLMGR", "FACILITY_CODE", 56, "Win32::System::Diagnostics::Debug"),
            c("FACILITY_NT_BIT", "FACILITY_CODE", 0x1000_0000, "Win32::System::Diagnostics::Debug"),
            c("FACILITY_ACPI_ERROR_CODE", "NTSTATUS_FACILITY_CODE", 20, "Win32::Foundation"),
        ];
        let f = facilities::build(&consts);
        let got: Vec<(u32, &str, &str)> = f.iter().map(|f| (f.value, f.name.as_str(), f.label.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (9, "FACILITY_SECURITY", "Security / SSPI"),
                (56, "FACILITY_USERMODE_VOLMGR", "Volume manager"),
                (0x190, "FACILITY_MOSETUP", "Windows setup and feature updates, MOSETUP_E_* (not in winerror.h)"),
                (0x7D0, "FACILITY_CCM", "Configuration Manager client (not in winerror.h)"),
                (0x7D1, "FACILITY_CCM_APPS", "Configuration Manager application deployment (not in winerror.h)"),
                (0x7D2, "FACILITY_CCM_SITE", "Configuration Manager site server (not in winerror.h)"),
            ]
        );
        let nt: Vec<(u32, String)> = facilities::build_nt(&consts).into_iter().map(|f| (f.value, f.name)).collect();
        assert_eq!(nt, vec![(0, "FACILITY_NONE".to_string()), (20, "FACILITY_ACPI_ERROR_CODE".to_string())]);
        assert_eq!(facilities::derive_label("FACILITY_EXAMPLE_THING_DNS"), "Example thing DNS");
    }
}
