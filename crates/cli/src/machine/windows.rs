//! The Windows side of `--this-machine`: the folders from the environment, the configuration from
//! the registry (read-only, through the `windows-registry` crate). Compiled on Windows only.

use super::places::{self, Folder, Roots};
use super::registry::{Key, Value, CCM_LOGGING_KEY, CCM_LOG_DIRECTORY, CONNECTIONS_KEY, POLICY_KEY, REG_EXPAND_SZ, REG_SZ, WINHTTP_VALUE};
use super::{Config, Snapshot};

/// `HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)`: the key or value is not there.
const NOT_FOUND: u32 = 0x8007_0002;

pub fn snapshot() -> Snapshot {
    let env = |name: &str, default: &str| std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_string());
    let windir = env("windir", &env("SystemRoot", r"C:\Windows"));
    let drive = env("SystemDrive", "C:");
    // A 64-bit wulens sees the 64-bit Program Files either way; ProgramW6432 says it plainly.
    let program_files = env("ProgramW6432", &env("ProgramFiles", r"C:\Program Files"));
    let ccm_logs = match string(CCM_LOGGING_KEY, CCM_LOG_DIRECTORY) {
        Ok(Some(dir)) if !dir.trim().is_empty() => Some(Folder::windows(dir.trim())),
        _ => None,
    };
    let roots = Roots {
        windows: Folder::windows(&windir),
        system_drive: Folder::windows(&format!("{drive}\\")),
        program_files: Folder::windows(&program_files),
        ccm_logs,
    };
    let config = Config { policy: key(POLICY_KEY), winhttp: bytes(CONNECTIONS_KEY, WINHTTP_VALUE) };
    super::assemble(&env("COMPUTERNAME", "this machine"), &windir, places::find(&roots), config)
}

/// `Ok(None)` for a key or value that does not exist; an error (access denied) says which.
fn absent_or<T>(path: &str, r: windows_registry::Result<T>) -> Result<Option<T>, String> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.code().0 as u32 == NOT_FOUND => Ok(None),
        Err(e) => Err(format!("cannot read HKEY_LOCAL_MACHINE\\{path}: {e}")),
    }
}

/// A key with its values and sub-keys, as `reg export` reads it.
fn key(path: &str) -> Result<Option<Key>, String> {
    let Some(k) = absent_or(path, windows_registry::LOCAL_MACHINE.open(path))? else { return Ok(None) };
    let fail = |e: &dyn std::fmt::Display| format!("cannot read HKEY_LOCAL_MACHINE\\{path}: {e}");
    let values = k.values().map_err(|e| fail(&e))?.map(|(name, v)| Value { name, kind: u32::from(v.ty()), data: v.to_vec() }).collect();
    let mut subkeys = Vec::new();
    for name in k.keys().map_err(|e| fail(&e))? {
        if let Some(sub) = key(&format!("{path}\\{name}"))? {
            subkeys.push(sub);
        }
    }
    Ok(Some(Key { path: path.to_string(), values, subkeys }))
}

fn bytes(path: &str, name: &str) -> Result<Option<Vec<u8>>, String> {
    let Some(k) = absent_or(path, windows_registry::LOCAL_MACHINE.open(path))? else { return Ok(None) };
    Ok(absent_or(path, k.get_value(name))?.map(|v| v.to_vec()))
}

fn string(path: &str, name: &str) -> Result<Option<String>, String> {
    let Some(k) = absent_or(path, windows_registry::LOCAL_MACHINE.open(path))? else { return Ok(None) };
    Ok(absent_or(path, k.get_value(name))?.filter(|v| [REG_SZ, REG_EXPAND_SZ].contains(&u32::from(v.ty()))).map(|v| super::registry::utf16(&v)))
}
