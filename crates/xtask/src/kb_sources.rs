//! `cargo xtask kb-sources`: extract the public error tables that `cargo xtask kb-import` reads
//! from `crates/xtask/kb-sources/tables/` out of their upstream files.
//!
//! The tables are committed, so `kb-import` is reproducible without these upstream checkouts;
//! this command documents (and repeats) how three of them were made. Each flag names a local copy
//! of one upstream source and regenerates one table; flags left out leave their table alone.
//!
//! | flag | upstream (commit) | table |
//! |---|---|---|
//! | `--sdk-headers DIR` | microsoft/win32metadata `generation/WinSDK/RecompiledIdlHeaders/{shared,um}/*.h` ([`WIN32METADATA`]) | `sdk-messages.tsv` |
//! | `--wdf-errtostatus FILE` | microsoft/Windows-Driver-Frameworks `src/framework/shared/inc/primitives/um/errtostatus.h` ([`WDF`], MIT) | `ntstatus-win32.tsv` |
//! | `--configmgr-json FILE` | smcallister594/scotscottmca `assets/ErrorCodes/errorCodes.json` ([`CONFIGMGR_COMMUNITY`], community) | `configmgr-community.tsv` |
//!
//! `setup-mosetup.tsv` and `configmgr-memdocs.tsv` were transcribed by hand from Microsoft
//! documentation pages (see the README in the tables folder); this command does not touch them.
//!
//! # sdk-messages.tsv
//!
//! Every `// MessageId: NAME` / `// MessageText:` block of the headers (the message `FormatMessage`
//! returns, as the `.mc` source wrote it) and every `#define DO_E_* _HRESULT_TYPEDEF_(...) // text`
//! of deliveryoptimizationerrors.h, with the value from the `#define` that follows. Kept: names that
//! the `windows` crate also defines with the same value, as one of the types `kb-import` takes, and
//! every code of the core tables ([`CORE_HEADERS`]) whether or not the crate has it (newer
//! wuerror.h codes, Delivery Optimization). Messages are cut to their first sentences
//! ([`text::MAX_MESSAGE`] characters), as `kb-import` does with page text.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::kb_common::sdk::{self, SdkConst};
use crate::kb_common::{tables_dir, takes, text, CORE_HEADERS};

/// The win32metadata snapshot the headers were read from.
pub const WIN32METADATA: Upstream = Upstream {
    repo: "microsoft/win32metadata",
    path: "generation/WinSDK/RecompiledIdlHeaders",
    commit: "d0f363037c6987790b3548b7f82f382034d86bf2",
    license: "Windows SDK headers, Microsoft copyright (the repository's MIT license does not cover them): only names, values and the short published messages are taken",
};

pub const WDF: Upstream = Upstream {
    repo: "microsoft/Windows-Driver-Frameworks",
    path: "src/framework/shared/inc/primitives/um/errtostatus.h",
    commit: "168a37f03e6498f483cb8eddf700b62680ec8d1d",
    license: "MIT",
};

pub const CONFIGMGR_COMMUNITY: Upstream = Upstream {
    repo: "smcallister594/scotscottmca",
    path: "assets/ErrorCodes/errorCodes.json",
    commit: "685ef3375dd905dceaeae1e239b9264e4f6a5473",
    license: "community list (a blog's JSON, no license stated; the codes and short messages are the ones the ConfigMgr console shows); only code and message are taken",
};

pub struct Upstream {
    pub repo: &'static str,
    pub path: &'static str,
    pub commit: &'static str,
    pub license: &'static str,
}

impl Upstream {
    fn header(&self, what: &str) -> String {
        format!("# {what}\n# Extracted by `cargo xtask kb-sources` from {} {} at commit {}.\n# License: {}.\n", self.repo, self.path, self.commit, self.license)
    }
}

const USAGE: &str = "usage: cargo xtask kb-sources [--sdk-headers DIR] [--wdf-errtostatus FILE] [--configmgr-json FILE] [--windows-src DIR] [--out DIR]

  --sdk-headers DIR       win32metadata's generation/WinSDK/RecompiledIdlHeaders (or any folder of
                          its .h files), at the commit in crates/xtask/src/kb_sources.rs
  --wdf-errtostatus FILE  Windows-Driver-Frameworks' errtostatus.h
  --configmgr-json FILE   the community ConfigMgr error list (errorCodes.json)
  --windows-src DIR       the `windows` crate source (default: found with cargo metadata)
  --out DIR               where to write (default: crates/xtask/kb-sources/tables)";

pub fn run(args: &[String], repo_root: &Path) -> Result<(), String> {
    let mut headers: Option<PathBuf> = None;
    let mut wdf: Option<PathBuf> = None;
    let mut configmgr: Option<PathBuf> = None;
    let mut windows_src: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().map(PathBuf::from).ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"));
        match a.as_str() {
            "--sdk-headers" => headers = Some(value(a)?),
            "--wdf-errtostatus" => wdf = Some(value(a)?),
            "--configmgr-json" => configmgr = Some(value(a)?),
            "--windows-src" => windows_src = Some(value(a)?),
            "--out" => out = Some(value(a)?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    if headers.is_none() && wdf.is_none() && configmgr.is_none() {
        return Err(format!("nothing to do\n\n{USAGE}"));
    }
    let out = out.unwrap_or_else(|| tables_dir(repo_root));
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    if let Some(dir) = headers {
        let located = sdk::locate(repo_root, windows_src.as_deref())?;
        let consts = sdk::load(&located.win32_dir)?;
        let rows = sdk_messages(&dir, &consts)?;
        let mut o = WIN32METADATA.header("Messages of the Windows SDK error headers: header, name, value, kind (HRESULT, NTSTATUS, WIN32 = a Win32 error number, CODE = a 32-bit value of another layout), message.");
        for r in &rows {
            let _ = writeln!(o, "{}\t{}\t0x{:08X}\t{}\t{}", r.header, r.name, r.value, r.kind, r.message);
        }
        write(&out.join("sdk-messages.tsv"), &o)?;
        eprintln!("sdk-messages.tsv: {} rows", rows.len());
    }
    if let Some(file) = wdf {
        let text = read(&file)?;
        let pairs = wdf_pairs(&text)?;
        let mut o =
            WDF.header("Win32 error -> NTSTATUS (the table UMDF uses to convert a Win32 error to an NTSTATUS): ntstatus, win32. kb-import reads it backwards.");
        for (win32, status) in &pairs {
            let _ = writeln!(o, "0x{status:08X}\t{win32}");
        }
        write(&out.join("ntstatus-win32.tsv"), &o)?;
        eprintln!("ntstatus-win32.tsv: {} pairs", pairs.len());
    }
    if let Some(file) = configmgr {
        let text = read(&file)?;
        let rows = configmgr_rows(&text)?;
        let mut o = CONFIGMGR_COMMUNITY.header("ConfigMgr error codes and messages: code, message. Community source.");
        for (code, msg) in &rows {
            let _ = writeln!(o, "0x{code:08X}\t{msg}");
        }
        write(&out.join("configmgr-community.tsv"), &o)?;
        eprintln!("configmgr-community.tsv: {} rows", rows.len());
    }
    Ok(())
}

fn read(p: &Path) -> Result<String, String> {
    let bytes = std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
    // Upstream files are UTF-8, some with a BOM, and a few headers carry Windows-1252 bytes.
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    };
    Ok(text.trim_start_matches('\u{FEFF}').to_string())
}

fn write(p: &Path, text: &str) -> Result<(), String> {
    std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
}

/// One message of a header.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MessageRow {
    pub header: String,
    pub name: String,
    pub value: u32,
    pub kind: &'static str,
    pub message: String,
}

fn sdk_messages(dir: &Path, consts: &[SdkConst]) -> Result<Vec<MessageRow>, String> {
    let mut files = Vec::new();
    collect_headers(dir, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(format!("no .h files under {}", dir.display()));
    }
    // Names the crate defines as a type kb-import takes, with their values.
    let mut known: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for c in consts.iter().filter(|c| takes(c)) {
        known.entry(c.name.as_str()).or_default().insert(c.value);
    }
    let mut rows = BTreeSet::new();
    for f in files {
        let header = f.file_name().unwrap().to_string_lossy().into_owned();
        let text = read(&f)?;
        let core = CORE_HEADERS.contains(&header.as_str());
        for (name, value, kind, message) in parse_header(&text, &header) {
            let in_crate = known.get(name.as_str()).is_some_and(|v| v.contains(&value));
            if in_crate || (core && kind != "OTHER") {
                rows.insert(MessageRow { header: header.clone(), name, value, kind, message });
            }
        }
    }
    Ok(rows.into_iter().collect())
}

fn collect_headers(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for e in read.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_headers(&p, files)?;
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("h")) {
            files.push(p);
        }
    }
    Ok(())
}

/// `(name, value, kind, message)` for every message block and Delivery Optimization define.
pub fn parse_header(text: &str, header: &str) -> Vec<(String, u32, &'static str, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some(id) = line.strip_prefix("// MessageId:") {
            let name = id.trim().to_string();
            // Skip to `// MessageText:`, gather the comment lines after it, then the #define.
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim().starts_with("//") && !lines[j].contains("MessageText:") {
                j += 1;
            }
            let mut msg = Vec::new();
            if j < lines.len() && lines[j].contains("MessageText:") {
                j += 1;
                while j < lines.len() && lines[j].trim().starts_with("//") {
                    msg.push(lines[j].trim().trim_start_matches('/').trim());
                    j += 1;
                }
            }
            while j < lines.len() && lines[j].trim().is_empty() {
                j += 1;
            }
            if let Some((dname, rhs)) = lines.get(j).and_then(|l| define(l)) {
                if dname == name {
                    if let Some((value, kind)) = define_value(rhs, header) {
                        let m = text::shorten(&msg.join(" ").split_whitespace().collect::<Vec<_>>().join(" "), text::MAX_MESSAGE);
                        if !m.is_empty() {
                            out.push((name, value, kind, m));
                        }
                    }
                }
            }
            i = j.max(i + 1);
            continue;
        }
        // deliveryoptimizationerrors.h: `#define DO_E_X _HRESULT_TYPEDEF_(0x80D01001L) // text`
        if let Some((name, rhs)) = define(line).filter(|_| header == "deliveryoptimizationerrors.h") {
            if let Some((code, comment)) = rhs.split_once("//") {
                if name.contains("_E_") || name.contains("_S_") {
                    if let Some((value, kind)) = define_value(code, header) {
                        let m = text::shorten(&comment.split_whitespace().collect::<Vec<_>>().join(" "), text::MAX_MESSAGE);
                        if !m.is_empty() && kind != "OTHER" && value > 0xFFFF {
                            out.push((name.to_string(), value, kind, m));
                        }
                    }
                }
            }
        }
        i += 1;
    }
    out
}

/// `#define NAME rest` -> (NAME, rest).
fn define(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix("#define")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (name, tail) = rest.split_at(end);
    if name.is_empty() || !tail.starts_with([' ', '\t']) {
        return None;
    }
    Some((name, tail.trim()))
}

/// The value of a `#define` and its kind: `((NTSTATUS)0xC0000005L)`, `_HRESULT_TYPEDEF_(0x...)`,
/// `((HRESULT)0x...)`, `_NDIS_ERROR_TYPEDEF_(0x...)`, or a plain number (a Win32 error in
/// winerror.h; a full 32-bit code elsewhere when above 0xFFFF).
pub fn define_value(rhs: &str, header: &str) -> Option<(u32, &'static str)> {
    let code = rhs.split("//").next().unwrap_or(rhs).trim();
    let first = code.find(|c: char| c.is_ascii_digit())?;
    let lit: String = code[first..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let lit = lit.trim_end_matches(['L', 'l', 'U', 'u']);
    let value = sdk::parse_int_literal(lit)?;
    let kind = if code.contains("NTSTATUS") {
        "NTSTATUS"
    } else if code.contains("HRESULT") {
        "HRESULT"
    } else if code.contains("_NDIS_ERROR_TYPEDEF_") || value > 0xFFFF {
        "CODE"
    } else if header == "winerror.h" && code.chars().all(|c| c.is_ascii_alphanumeric()) {
        "WIN32"
    } else {
        "OTHER"
    };
    Some((value, kind))
}

/// `(win32, ntstatus)` pairs of errtostatus.h, in table order.
pub fn wdf_pairs(text: &str) -> Result<Vec<(u32, u32)>, String> {
    let body = |start: &str| -> Result<&str, String> {
        let at = text.find(start).ok_or_else(|| format!("errtostatus.h: no {start}"))?;
        let open = text[at..].find('{').ok_or("errtostatus.h: no table")? + at;
        let close = text[open..].find("};").ok_or("errtostatus.h: unterminated table")? + open;
        Ok(&text[open + 1..close])
    };
    let numbers = |s: &str| -> Vec<u32> {
        s.split(|c: char| !(c.is_ascii_alphanumeric()))
            .filter(|t| t.starts_with(|c: char| c.is_ascii_digit()))
            .filter_map(|t| sdk::parse_int_literal(t.trim_end_matches(['L', 'l', 'U', 'u'])))
            .collect()
    };
    let statuses = numbers(body("ErrorTable[]")?);
    let buckets = numbers(body("ErrorBucketTable[]")?);
    if buckets.len() % 2 != 0 {
        return Err("errtostatus.h: odd bucket table".into());
    }
    let mut pairs = Vec::new();
    let mut index = 0usize;
    for b in buckets.chunks(2) {
        for k in 0..b[1] {
            let status = *statuses.get(index).ok_or("errtostatus.h: the buckets run past the status table")?;
            index += 1;
            if status != u32::MAX {
                pairs.push((b[0] + k, status));
            }
        }
    }
    if index != statuses.len() {
        return Err(format!("errtostatus.h: {} statuses, the buckets cover {index}", statuses.len()));
    }
    Ok(pairs)
}

/// `(code, message)` of the community JSON, sorted by code; messages cleaned like page text.
pub fn configmgr_rows(text: &str) -> Result<Vec<(u32, String)>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("errorCodes.json: {e}"))?;
    let arr = v.as_array().ok_or("errorCodes.json: not an array")?;
    let mut out = BTreeMap::new();
    for item in arr {
        let hex = item["HexCode"].as_str().ok_or("errorCodes.json: an item without HexCode")?;
        let code = u32::from_str_radix(hex.trim_start_matches("0x").trim_start_matches("0X"), 16).map_err(|e| format!("errorCodes.json: {hex}: {e}"))?;
        let msg = item["Description"].as_str().unwrap_or_default();
        // The JSON holds a few mis-decoded apostrophes (U+FFFD): keep an apostrophe.
        let msg = text::shorten(&msg.replace('\u{FFFD}', "'").split_whitespace().collect::<Vec<_>>().join(" "), text::MAX_MESSAGE);
        if !msg.is_empty() {
            out.insert(code, msg);
        }
    }
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_blocks_and_do_defines() {
        let h = "\
//
// MessageId: STATUS_ACCESS_VIOLATION
//
// MessageText:
//
// The instruction at 0x%p referenced memory at 0x%p.
// The memory could not be %s.
//
#define STATUS_ACCESS_VIOLATION          ((NTSTATUS)0xC0000005L)    // winnt

#define DO_E_JOB_NOT_FOUND                          _HRESULT_TYPEDEF_(0x80D02003L) // Job was not found
#define DO_TRANSIENT_ZONE 0x3800
";
        assert_eq!(
            parse_header(h, "deliveryoptimizationerrors.h"),
            vec![
                (
                    "STATUS_ACCESS_VIOLATION".into(),
                    0xC000_0005,
                    "NTSTATUS",
                    "The instruction at 0x%p referenced memory at 0x%p. The memory could not be %s.".into()
                ),
                ("DO_E_JOB_NOT_FOUND".into(), 0x80D0_2003, "HRESULT", "Job was not found".into()),
            ]
        );
        let w = "// MessageId: ERROR_FILE_NOT_FOUND\n//\n// MessageText:\n//\n// The system cannot find the file specified.\n//\n#define ERROR_FILE_NOT_FOUND             2L\n";
        assert_eq!(parse_header(w, "winerror.h"), vec![("ERROR_FILE_NOT_FOUND".into(), 2, "WIN32", "The system cannot find the file specified.".into())]);
        assert_eq!(parse_header(w, "other.h")[0].2, "OTHER");
        assert_eq!(define_value("_NDIS_ERROR_TYPEDEF_(0x80340001L)", "winerror.h"), Some((0x8034_0001, "CODE")));
    }

    #[test]
    fn wdf_buckets() {
        let t = "CONST NTSTATUS ErrorTable[] = {\n 0x0,\n 0xc0000010,\n 0xffffffff,\n 0xc0000022,\n};\nCONST ERROR_BUCKET ErrorBucketTable[] = {\n {0x0, 2},\n {0x5, 2},\n};\n";
        assert_eq!(wdf_pairs(t).unwrap(), vec![(0, 0), (1, 0xC000_0010), (6, 0xC000_0022)]);
    }

    #[test]
    fn community_json() {
        let j =
            r#"[{"HexCode":"0x87D0027E","Description":"Bad HTTP status code"},{"HexCode":"0x87D20803","Description":"Error reading peer\ufffds certificate"}]"#;
        assert_eq!(configmgr_rows(j).unwrap(), vec![(0x87D0_027E, "Bad HTTP status code".into()), (0x87D2_0803, "Error reading peer's certificate".into())]);
    }
}
