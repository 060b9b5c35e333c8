//! What `kb-import` and `kb-sources` share: where the repository and the tables are, the SDK
//! metadata reader, message text cleaning, and which SDK constants become knowledge-base codes.

pub(crate) mod sdk;
pub(crate) mod text;

use std::path::{Path, PathBuf};

use sdk::SdkConst;

/// Headers whose every error code is taken, not only those the `windows` crate also has.
pub const CORE_HEADERS: &[&str] = &["winerror.h", "ntstatus.h", "wuerror.h", "deliveryoptimizationerrors.h", "BitsMsg.h"];

/// The folder the tables live in.
pub fn tables_dir(repo_root: &Path) -> PathBuf {
    repo_root.join("crates/xtask/kb-sources/tables")
}

/// The repository's root (this crate is `crates/xtask`).
pub(crate) fn repo_root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    dir.canonicalize().unwrap_or(dir)
}

/// Range markers such as `DNS_ERROR_RESPONSE_CODES_BASE`, `OLE_E_FIRST`, `WSABASEERR`.
/// `ERROR_*` names are real errors even when they end like one (`ERROR_IMAGE_NOT_AT_BASE`).
pub(crate) fn is_marker(name: &str) -> bool {
    const ENDS: [&str; 5] = ["_BASE", "_FIRST", "_LAST", "_MASK", "BASEERR"];
    if name.rsplit_once("_RESERVED_").is_some_and(|(_, n)| n.chars().all(|c| c.is_ascii_digit())) {
        return true;
    }
    !name.starts_with("ERROR_") && ENDS.iter().any(|e| name.ends_with(e))
}

/// `HRESULT_FROM_WIN32`: 0 stays 0, 1..=0xFFFF become 0x8007xxxx, larger values are already codes.
pub(crate) fn hresult_from_win32(n: u32) -> u32 {
    if n == 0 || n > 0xFFFF {
        n
    } else {
        0x8007_0000 | n
    }
}

/// True when `kb-import` takes the constant (see [`sdk_code`]).
pub(crate) fn takes(c: &SdkConst) -> bool {
    sdk_code(c).is_some()
}

/// Where an SDK constant goes: `Some(code)` when it is taken. Every `HRESULT`, `NTSTATUS` and
/// `WIN32_ERROR` constant (success codes and range markers included; markers never lead), and
/// the Win32-style numbers of RPC, Winsock, WinINet / WinHTTP, BITS and WMI.
pub(crate) fn sdk_code(c: &SdkConst) -> Option<u32> {
    let win32 = |n: u32| ((1..=0xFFFF).contains(&n)).then_some(0x8007_0000 | n);
    match c.ty.as_str() {
        "HRESULT" | "NTSTATUS" => Some(c.value),
        "WIN32_ERROR" => Some(hresult_from_win32(c.value)),
        _ if is_marker(&c.name) => None,
        "RPC_STATUS" if ["RPC_S_", "RPC_X_", "EPT_S_"].iter().any(|p| c.name.starts_with(p)) => win32(c.value),
        "WSA_ERROR" if c.name.starts_with("WSA") => win32(c.value),
        "u32" | "i32"
            if (c.module == "Win32::Networking::WinInet" || c.module == "Win32::Networking::WinHttp")
                && ["ERROR_INTERNET_", "ERROR_HTTP_", "ERROR_FTP_", "ERROR_GOPHER_", "ERROR_WINHTTP_"].iter().any(|p| c.name.starts_with(p))
                && (12000..=12999).contains(&c.value) =>
        {
            win32(c.value)
        }
        "u32" | "i32"
            if c.module == "Win32::Networking::BackgroundIntelligentTransferService" && (c.name.starts_with("BG_E_") || c.name.starts_with("BG_S_")) =>
        {
            Some(c.value)
        }
        "WBEMSTATUS" if c.name.starts_with("WBEM") => Some(c.value),
        _ => None,
    }
}
