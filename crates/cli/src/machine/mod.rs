//! `--this-machine`: the logs and the configuration of the Windows machine wulens runs on, read
//! where Windows keeps them. This is the platform layer; core stays free of I/O and is handed the
//! same inputs an admin's zip would give it.
//!
//! - `places.rs`: the folders and files (`%windir%\CCM\Logs`, `Logs\WindowsUpdate\*.etl`, ...).
//! - `registry.rs`: the Windows Update policy and the WinHTTP proxy, written as `reg export` and
//!   `netsh winhttp show proxy` write them.
//! - `windows.rs` (Windows only): the environment and the registry.

use std::path::Path;
use std::time::SystemTime;

use wulens_core::Input;

// Elsewhere than on Windows these are compiled for their tests (and clippy) only.
#[cfg_attr(not(windows), allow(dead_code))]
mod places;
#[cfg_attr(not(windows), allow(dead_code))]
mod registry;
#[cfg(windows)]
mod windows;

/// What `--this-machine` read: the inputs of one analysis (and of `wulens collect`'s zip).
pub struct Snapshot {
    /// `%COMPUTERNAME%`.
    pub computer: String,
    /// Where the logs were looked for (`C:\Windows`).
    pub source: String,
    pub items: Vec<Item>,
    /// What could not be read, and why (said on stderr; the rest is analyzed).
    pub notes: Vec<String>,
}

/// One input and when its file was last written (the registry's texts have no time).
pub struct Item {
    pub input: Input,
    pub modified: Option<SystemTime>,
}

/// The configuration read from the registry: `Ok(None)` where the key or value does not exist.
pub struct Config {
    pub policy: Result<Option<registry::Key>, String>,
    pub winhttp: Result<Option<Vec<u8>>, String>,
}

/// The names the registry's texts are given in the report and in the zip: a folder of their own.
pub const REGISTRY: &str = "registry/";
pub const POLICY_NAME: &str = "registry/wu-policy.reg";
pub const PROXY_NAME: &str = "registry/winhttp-proxy.txt";

/// The logs and configuration of this machine.
#[cfg(windows)]
pub fn this_machine() -> Result<Snapshot, String> {
    Ok(windows::snapshot())
}

#[cfg(not(windows))]
pub fn this_machine() -> Result<Snapshot, String> {
    Err("--this-machine reads the folders and the registry of the Windows machine it runs on: run wulens.exe there, or give the logs' paths".into())
}

/// The snapshot of the `found` files (read on all cores) and of the registry's configuration.
#[cfg_attr(not(windows), allow(dead_code))]
fn assemble(computer: &str, source: &str, found: Vec<places::Found>, config: Config) -> Snapshot {
    let mut notes = Vec::new();
    let mut items = Vec::new();
    for read in
        crate::files::par_map(found, |f| read_shared(&f.path).map(|(bytes, modified)| Item { input: Input { name: f.name, bytes: bytes.into() }, modified }))
    {
        match read {
            Ok(item) => items.push(item),
            Err(note) => notes.push(note),
        }
    }
    let text = |name: &str, text: String| Item { input: Input { name: name.into(), bytes: text.into() }, modified: None };
    match config.policy {
        Ok(key) => items.push(text(POLICY_NAME, registry::reg_export(registry::POLICY_KEY, key.as_ref()))),
        Err(e) => notes.push(e),
    }
    match config.winhttp {
        Ok(value) => items.push(text(PROXY_NAME, registry::netsh_text(value.as_deref()))),
        Err(e) => notes.push(e),
    }
    Snapshot { computer: computer.to_string(), source: source.to_string(), items, notes }
}

/// A log's bytes as they are now, and when it was last written. Logs are read while Windows
/// writes them (CBS.log, the ConfigMgr client's, the update traces): the file is opened sharing
/// reading, writing and deletion, so the writer is never blocked, and copied (never mapped: a
/// mapped file cannot be truncated by the program that writes it, which would break its log
/// rotation).
#[cfg_attr(not(windows), allow(dead_code))]
fn read_shared(path: &Path) -> Result<(Vec<u8>, Option<SystemTime>), String> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE
        options.share_mode(0x1 | 0x2 | 0x4);
    }
    let fail = |e: std::io::Error| {
        let why = match (e.kind(), e.raw_os_error()) {
            (std::io::ErrorKind::PermissionDenied, _) => ": run wulens from an elevated prompt (Run as administrator) to read it",
            // ERROR_SHARING_VIOLATION
            (_, Some(32)) => ": the program that writes it does not let others read it while it runs",
            _ => "",
        };
        format!("cannot read {}: {e}{why}", path.display())
    };
    let mut file = options.open(path).map_err(fail)?;
    let modified = file.metadata().and_then(|m| m.modified()).ok();
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(fail)?;
    Ok((bytes, modified))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_holds_the_logs_and_the_configuration_and_says_what_it_could_not_read() {
        let dir = std::env::temp_dir().join(format!("wulens-machine-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("CBS.log"), b"2024-05-31 16:45:56, Info CBS Starting\r\n").unwrap();
        let found = vec![
            places::Found { path: dir.join("CBS.log"), name: "C/Windows/Logs/CBS/CBS.log".into() },
            places::Found { path: dir.join("gone.log"), name: "C/Windows/Logs/CBS/gone.log".into() },
        ];
        let s = assemble("PC-01", r"C:\Windows", found, Config { policy: Ok(None), winhttp: Err("cannot read the proxy: denied".into()) });
        let names: Vec<&str> = s.items.iter().map(|i| i.input.name.as_str()).collect();
        assert_eq!(names, ["C/Windows/Logs/CBS/CBS.log", POLICY_NAME]);
        assert!(s.items[0].modified.is_some() && s.items[1].modified.is_none());
        assert_eq!(s.notes.len(), 2, "{:?}", s.notes);
        assert!(s.notes[0].starts_with("cannot read ") && s.notes[0].contains("gone.log"), "{:?}", s.notes);
        assert_eq!(s.notes[1], "cannot read the proxy: denied");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(not(windows))]
    #[test]
    fn elsewhere_than_windows_this_machine_says_where_it_works() {
        let e = this_machine().err().unwrap();
        assert!(e.contains("wulens.exe"), "{e}");
    }
}
