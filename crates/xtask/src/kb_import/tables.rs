//! The committed tables in `crates/xtask/kb-sources/tables/` (see the README there): messages of
//! the Windows SDK error headers, the NTSTATUS -> Win32 mapping, and the ConfigMgr and Windows
//! setup code lists. `cargo xtask kb-sources` regenerates the first three from upstream files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::kb_common::sdk::parse_int_literal;

/// One row of `sdk-messages.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMessage {
    pub header: String,
    pub name: String,
    pub value: u32,
    /// `HRESULT`, `NTSTATUS`, `WIN32` (a Win32 error number) or `CODE` (another 32-bit value).
    pub kind: String,
    pub message: String,
}

/// A code with a message (and maybe a name) from a list that is not an SDK header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub code: u32,
    pub name: Option<String>,
    pub message: String,
}

/// Where a list comes from, as the generated entries cite it.
pub struct ListSource {
    pub file: &'static str,
    pub doc: &'static str,
}

/// The lists, in the order their messages win: Microsoft's own pages first, the community list last.
pub const SETUP: ListSource =
    ListSource { file: "setup-mosetup.tsv", doc: "MicrosoftDocs/windows-itpro-docs windows/deployment/upgrade/resolution-procedures.md" };
pub const CONFIGMGR_DOCS: ListSource =
    ListSource { file: "configmgr-memdocs.tsv", doc: "MicrosoftDocs/memdocs memdocs/configmgr/tenant-attach/app-install-error-reference.md" };
pub const CONFIGMGR_COMMUNITY: ListSource =
    ListSource { file: "configmgr-community.tsv", doc: "community list: smcallister594/scotscottmca assets/ErrorCodes/errorCodes.json" };

/// The document the header messages are cited as.
pub const HEADERS_DOC: &str = "Windows SDK headers (microsoft/win32metadata d0f36303)";
/// The document the NTSTATUS mapping is cited as.
pub const NT_WIN32_DOC: &str = "microsoft/Windows-Driver-Frameworks errtostatus.h (Win32 -> NTSTATUS, read backwards)";

pub struct Tables {
    pub messages: Vec<HeaderMessage>,
    /// NTSTATUS -> Win32 error.
    pub nt_win32: BTreeMap<u32, u32>,
    /// Each list with its rows.
    pub lists: Vec<(&'static ListSource, Vec<ListRow>)>,
}

fn rows(dir: &Path, file: &str) -> Result<Vec<Vec<String>>, String> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(|l| l.split('\t').map(str::to_string).collect()).collect())
}

fn hex(s: &str, file: &str) -> Result<u32, String> {
    parse_int_literal(s).ok_or_else(|| format!("{file}: {s:?} is not a number"))
}

pub fn load(dir: &Path) -> Result<Tables, String> {
    let mut messages = Vec::new();
    for r in rows(dir, "sdk-messages.tsv")? {
        let [header, name, value, kind, message] = <[String; 5]>::try_from(r).map_err(|r| format!("sdk-messages.tsv: bad row {r:?}"))?;
        messages.push(HeaderMessage { value: hex(&value, "sdk-messages.tsv")?, header, name, kind, message });
    }
    let mut nt_win32 = BTreeMap::new();
    for r in rows(dir, "ntstatus-win32.tsv")? {
        let [status, win32] = <[String; 2]>::try_from(r).map_err(|r| format!("ntstatus-win32.tsv: bad row {r:?}"))?;
        nt_win32.insert(hex(&status, "ntstatus-win32.tsv")?, hex(&win32, "ntstatus-win32.tsv")?);
    }
    let mut lists = Vec::new();
    for src in [&SETUP, &CONFIGMGR_DOCS, &CONFIGMGR_COMMUNITY] {
        let mut list = Vec::new();
        for r in rows(dir, src.file)? {
            let row = match r.as_slice() {
                [code, message] => ListRow { code: hex(code, src.file)?, name: None, message: message.clone() },
                [code, name, message] => ListRow { code: hex(code, src.file)?, name: Some(name.clone()), message: message.clone() },
                _ => return Err(format!("{}: bad row {r:?}", src.file)),
            };
            list.push(row);
        }
        lists.push((src, list));
    }
    Ok(Tables { messages, nt_win32, lists })
}
