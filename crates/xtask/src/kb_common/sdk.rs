//! Reading the Windows SDK constants that the `windows` crate carries in
//! `src/Windows/Win32/**/mod.rs`.
//!
//! The crate is located with `cargo metadata` on `crates/xtask/kb-sources/Cargo.toml`, a tiny
//! package outside the workspace whose only dependency is `windows = "=0.62.2"`; cargo downloads
//! the source into its registry cache when needed. Nothing in the workspace depends on it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use regex::Regex;

/// One `pub const NAME: TYPE = VALUE;` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkConst {
    pub name: String,
    /// Last path segment of the declared type: `HRESULT`, `WIN32_ERROR`, `u32`, `i32`,
    /// `FACILITY_CODE`, `WSA_ERROR`, `RPC_STATUS`, `WBEMSTATUS`, ...
    pub ty: String,
    /// The value as a 32-bit pattern (negative `i32` values are two's complement).
    pub value: u32,
    /// Module path, e.g. `Win32::System::UpdateAgent`.
    pub module: String,
}

/// Where the `windows` crate source is and which version it is.
pub struct Located {
    /// `.../src/Windows/Win32`
    pub win32_dir: PathBuf,
    pub version: String,
}

/// Find the `windows` crate: `--windows-src DIR` (the crate root, its `src`, or the
/// `src/Windows/Win32` folder itself), else `cargo metadata` on the kb-sources manifest.
pub fn locate(repo_root: &Path, override_dir: Option<&Path>) -> Result<Located, String> {
    let crate_root = match override_dir {
        Some(dir) => {
            let dir = dir.to_path_buf();
            if dir.join("src/Windows/Win32").is_dir() {
                dir
            } else if dir.join("Windows/Win32").is_dir() {
                dir.parent().map(Path::to_path_buf).unwrap_or(dir)
            } else if dir.ends_with("Windows/Win32") && dir.is_dir() {
                dir.ancestors().nth(3).map(Path::to_path_buf).unwrap_or(dir)
            } else {
                return Err(format!("--windows-src {}: no src/Windows/Win32 folder there", dir.display()));
            }
        }
        None => crate_root_from_metadata(repo_root)?,
    };
    let win32_dir = crate_root.join("src/Windows/Win32");
    if !win32_dir.is_dir() {
        return Err(format!("{} does not exist", win32_dir.display()));
    }
    let version = crate_version(&crate_root.join("Cargo.toml")).unwrap_or_else(|| "(unknown version)".into());
    Ok(Located { win32_dir, version })
}

fn crate_root_from_metadata(repo_root: &Path) -> Result<PathBuf, String> {
    let manifest = repo_root.join("crates/xtask/kb-sources/Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(&manifest)
        .output()
        .map_err(|e| format!("cannot run {cargo} metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo metadata --manifest-path {} failed:\n{}", manifest.display(), String::from_utf8_lossy(&out.stderr)));
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata output is not JSON: {e}"))?;
    let packages = meta["packages"].as_array().ok_or("cargo metadata: no packages")?;
    let windows =
        packages.iter().find(|p| p["name"] == "windows").ok_or("cargo metadata: package `windows` not found (check crates/xtask/kb-sources/Cargo.toml)")?;
    let manifest_path = windows["manifest_path"].as_str().ok_or("cargo metadata: windows has no manifest_path")?;
    Path::new(manifest_path).parent().map(Path::to_path_buf).ok_or_else(|| format!("bad manifest_path {manifest_path}"))
}

fn crate_version(cargo_toml: &Path) -> Option<String> {
    let text = std::fs::read_to_string(cargo_toml).ok()?;
    let value: toml::Value = toml::from_str(&text).ok()?;
    value.get("package")?.get("version")?.as_str().map(str::to_string)
}

/// Every constant in every `mod.rs` under `win32_dir`, in a stable order (files sorted by path,
/// lines in file order).
pub fn load(win32_dir: &Path) -> Result<Vec<SdkConst>, String> {
    let mut files = Vec::new();
    collect_mod_rs(win32_dir, &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let rel = file.parent().unwrap_or(win32_dir).strip_prefix(win32_dir).unwrap_or(Path::new(""));
        let mut module = String::from("Win32");
        for part in rel.components() {
            module.push_str("::");
            module.push_str(&part.as_os_str().to_string_lossy());
        }
        let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        for line in text.lines() {
            if let Some((name, ty, value)) = parse_line(line) {
                out.push(SdkConst { name, ty, value, module: module.clone() });
            }
        }
    }
    if out.is_empty() {
        return Err(format!("no constants found under {}", win32_dir.display()));
    }
    Ok(out)
}

fn collect_mod_rs(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in read.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect_mod_rs(&p, files)?;
        } else if p.file_name().is_some_and(|n| n == "mod.rs") {
            files.push(p);
        }
    }
    Ok(())
}

/// Parse one line of a `windows` crate module into (name, type, 32-bit value). Lines that are
/// not integer constants (strings, GUIDs, structs, 64-bit values) give `None`.
///
/// ```text
/// pub const WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ: windows_core::HRESULT = windows_core::HRESULT(0x8024401B_u32 as _);
/// pub const ERROR_ACCESS_DENIED: WIN32_ERROR = WIN32_ERROR(5u32);
/// pub const ERROR_INTERNET_TIMEOUT: u32 = 12002u32;
/// pub const BG_E_HTTP_ERROR_407: i32 = -2145844841i32;
/// ```
pub fn parse_line(line: &str) -> Option<(String, String, u32)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"^pub const ([A-Za-z_][A-Za-z0-9_]*): ([A-Za-z_][A-Za-z0-9_:]*) = (.+);\s*$").unwrap());
    let c = re.captures(line.trim_start())?;
    let ty = c[2].rsplit("::").next().unwrap_or(&c[2]).to_string();
    let value = parse_value(&c[3])?;
    Some((c[1].to_string(), ty, value))
}

fn parse_value(expr: &str) -> Option<u32> {
    let mut e = expr.trim();
    // Unwrap a newtype constructor: `windows_core::HRESULT(...)`, `WIN32_ERROR(5u32)`.
    if let Some(open) = e.find('(') {
        let head = &e[..open];
        if e.ends_with(')') && !head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            e = e[open + 1..e.len() - 1].trim();
        }
    }
    let e = e.strip_suffix("as _").map(str::trim).unwrap_or(e);
    parse_int_literal(e)
}

/// `0x8024401B_u32`, `5u32`, `-2145844841i32`, `12002` -> the 32-bit pattern.
pub fn parse_int_literal(s: &str) -> Option<u32> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut digits: String = s.chars().filter(|&c| c != '_').collect();
    for suffix in ["usize", "isize", "u64", "i64", "u32", "i32", "u16", "i16", "u8", "i8"] {
        if let Some(d) = digits.strip_suffix(suffix) {
            digits = d.to_string();
            break;
        }
    }
    let magnitude: i128 = if let Some(hex) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        i128::from_str_radix(hex, 16).ok()?
    } else {
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()?
    };
    let v = if neg { -magnitude } else { magnitude };
    if v < i32::MIN as i128 || v > u32::MAX as i128 {
        return None;
    }
    Some(v as i64 as u32)
}
