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

mod assemble;
mod categories;
mod docs;
mod facilities;
mod family;
mod output;
mod pages;
mod tables;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::kb_common::sdk;
use crate::kb_common::{repo_root, tables_dir};

use assemble::{assemble, Entry};
use family::Family;
use output::{print_summary, render_entries, render_facilities, write_or_check};
use pages::load_docs;

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
