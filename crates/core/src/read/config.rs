//! Client configuration given next to the logs: `reg query ...\WindowsUpdate /s` output, `.reg`
//! exports, `netsh winhttp show proxy` and MDM reports (`MDMDiagReport.xml`, read by
//! `read::mdm`), detected from content and parsed into values with the line each comes from.
//! What they mean for the scan is `diagnose::config`'s job.

use crate::model::lines::Lines;
use crate::model::LogFormat;

// ---- detection ----

/// Detect a configuration input from its first text.
pub fn detect(head: &str) -> Option<LogFormat> {
    let h = head.trim_start_matches('\u{FEFF}').trim_start();
    if h.starts_with("Windows Registry Editor Version") || h.starts_with("REGEDIT4") {
        return Some(LogFormat::RegExport);
    }
    if crate::read::mdm::detect(h) {
        return Some(LogFormat::MdmReport);
    }
    let mut lines = h.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("");
    if (first.starts_with("HKEY_") || first.starts_with("HKLM\\")) && h.contains("    REG_") {
        return Some(LogFormat::RegQuery);
    }
    // `netsh winhttp show proxy`, any language: a header naming WinHTTP that ends with a colon.
    if first.contains("WinHTTP") && first.ends_with(':') && h.lines().filter(|l| !l.trim().is_empty()).count() <= 8 {
        return Some(LogFormat::NetshWinhttp);
    }
    None
}

// ---- registry ----

/// A value from `reg query` or a `.reg` file, with where it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegValue {
    /// The key as written (`HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate`).
    pub key: String,
    /// The value's name; `(Default)` for a `.reg` file's `@`.
    pub name: String,
    /// The value's type (`REG_SZ`, `REG_DWORD`; `REG_BINARY` for any other `.reg` form).
    pub kind: String,
    /// Strings as written; DWORDs in decimal.
    pub data: String,
    /// 1-based physical line of the value in its file.
    pub line: u32,
}

/// `reg query ... /s` output.
pub fn parse_reg_query(text: &str) -> Vec<RegValue> {
    let mut out = Vec::new();
    let mut key = String::new();
    for (i, l) in Lines::new(text, 0).enumerate() {
        let line = &text[l.start..l.end];
        let t = line.trim();
        if t.starts_with("HKEY_") || t.starts_with("HKLM\\") {
            key = t.to_string();
            continue;
        }
        let Some(p) = line.find("    REG_") else { continue };
        let name = line[..p].trim().to_string();
        let rest = &line[p + 4..];
        let (kind, data) = match rest.find("    ") {
            Some(q) => (&rest[..q], rest[q..].trim()),
            None => (rest.trim(), ""),
        };
        let data = if kind == "REG_DWORD" { dword(data).map_or(data.to_string(), |v| v.to_string()) } else { data.to_string() };
        out.push(RegValue { key: key.clone(), name, kind: kind.to_string(), data, line: i as u32 + 1 });
    }
    out
}

/// A `.reg` file from `reg export` / regedit.
pub fn parse_reg_export(text: &str) -> Vec<RegValue> {
    let mut out = Vec::new();
    let mut key = String::new();
    for (i, l) in Lines::new(text, 0).enumerate() {
        let t = text[l.start..l.end].trim();
        if t.starts_with('[') && t.ends_with(']') {
            key = t[1..t.len() - 1].to_string();
            continue;
        }
        let (name, rest) = if let Some(r) = t.strip_prefix('@') {
            ("(Default)".to_string(), r)
        } else if let Some(r) = t.strip_prefix('"') {
            let Some((name, rest)) = split_quoted(r) else { continue };
            (name, rest)
        } else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else { continue };
        let value = value.trim();
        let (kind, data) = if let Some(s) = value.strip_prefix('"') {
            ("REG_SZ", split_quoted(s).map(|(v, _)| v).unwrap_or_default())
        } else if let Some(d) = value.strip_prefix("dword:") {
            ("REG_DWORD", u32::from_str_radix(d.trim(), 16).map_or(d.to_string(), |v| v.to_string()))
        } else {
            ("REG_BINARY", value.to_string())
        };
        out.push(RegValue { key: key.clone(), name, kind: kind.to_string(), data, line: i as u32 + 1 });
    }
    out
}

/// `Name"=...` after the opening quote → (unescaped name, rest after the closing quote).
fn split_quoted(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                }
            }
            '"' => return Some((out, &s[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

fn dword(s: &str) -> Option<u32> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

// ---- WinHTTP proxy ----

/// The WinHTTP proxy as `netsh winhttp show proxy` prints it (any language).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxySetting {
    /// Direct access: no proxy.
    Direct {
        /// 1-based line that says so.
        line: u32,
    },
    /// A proxy server list, with its bypass list.
    Proxy {
        /// The servers as written (`proxy01:8080`, `http=proxy:80`), split at `;`, `,` and spaces.
        servers: Vec<String>,
        /// The bypass list's entries (`<local>`, `*.contoso.com`); empty for netsh's `(none)`.
        bypass: Vec<String>,
        /// 1-based line of the server list.
        servers_line: u32,
        /// 1-based line of the bypass list, when there is one.
        bypass_line: Option<u32>,
    },
    /// The output could not be read (another language, another layout): say what we saw.
    Unreadable {
        /// Why, quoting the start of what was seen, in words for the user.
        message: String,
    },
}

/// Words that mean "direct access" in the languages Windows ships most.
const DIRECT_WORDS: [&str; 8] = ["direct access", "direkt", "acceso directo", "accès direct", "accesso diretto", "acesso direto", "直接", "direct"];

/// Read `netsh winhttp show proxy` output: the proxy and bypass lists, direct access, or why not.
pub fn parse_netsh(text: &str) -> ProxySetting {
    let mut body: Vec<(u32, &str)> = Vec::new();
    let mut header_seen = false;
    for (i, l) in Lines::new(text, 0).enumerate() {
        let t = text[l.start..l.end].trim().trim_start_matches('\u{FEFF}');
        if t.is_empty() {
            continue;
        }
        if !header_seen && t.contains("WinHTTP") {
            header_seen = true;
            continue;
        }
        body.push((i as u32 + 1, t));
    }
    // `name : value` lines: the first lists the proxy servers, the second the bypass list.
    let pairs: Vec<(u32, &str)> = body.iter().filter_map(|(n, t)| t.find(": ").map(|p| (*n, t[p + 2..].trim()))).collect();
    if let Some(&(servers_line, servers)) = pairs.first() {
        let split = |s: &str| s.split([';', ',', ' ']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
        let (bypass, bypass_line) = match pairs.get(1) {
            // A value wholly in brackets is netsh's word for none (`(none)`, localized alike).
            Some(&(n, b)) if b.starts_with('(') && b.ends_with(')') => (Vec::new(), Some(n)),
            Some(&(n, b)) => (split(b), Some(n)),
            None => (Vec::new(), None),
        };
        return ProxySetting::Proxy { servers: split(servers), bypass, servers_line, bypass_line };
    }
    if let [(line, t)] = body.as_slice() {
        let lower = t.to_lowercase();
        if DIRECT_WORDS.iter().any(|w| lower.contains(w)) {
            return ProxySetting::Direct { line: *line };
        }
    }
    ProxySetting::Unreadable {
        message: format!(
            "The WinHTTP proxy settings could not be read{}: run `netsh winhttp show proxy` again, or give the English output (`chcp 437` first).",
            body.first().map(|(_, t)| format!(" (\"{}\")", t.chars().take(60).collect::<String>())).unwrap_or_default()
        ),
    }
}

/// Does the bypass list let `host` go direct? `<local>` covers names without a dot; `*` wildcards.
pub fn bypassed(host: &str, bypass: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    bypass.iter().any(|b| {
        let b = b.to_ascii_lowercase();
        if b == "<local>" {
            return !host.contains('.');
        }
        wildcard(&b, &host)
    })
}

fn wildcard(pattern: &str, s: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == s,
        Some((pre, rest)) => {
            if !s.starts_with(pre) {
                return false;
            }
            let s = &s[pre.len()..];
            (0..=s.len()).any(|i| s.is_char_boundary(i) && wildcard(rest, &s[i..]))
        }
    }
}

// ---- URLs ----

/// `http://SERVER:8530/x` → (scheme, lower-case host, explicit port).
pub fn parse_url(u: &str) -> Option<(String, String, Option<u16>)> {
    let (scheme, rest) = u.trim().split_once("://")?;
    let hostport = rest.split(['/', '?', '#']).next()?;
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => (h, p.parse().ok()),
        _ => (hostport, None),
    };
    (!host.is_empty()).then(|| (scheme.to_ascii_lowercase(), host.to_ascii_lowercase(), port))
}

/// Same server and port, with default ports filled in.
pub fn same_endpoint(a: &str, b: &str) -> bool {
    match (parse_url(a), parse_url(b)) {
        (Some((sa, ha, pa)), Some((sb, hb, pb))) => {
            let port = |s: &str, p: Option<u16>| p.unwrap_or(if s == "https" { 443 } else { 80 });
            sa == sb && ha == hb && port(&sa, pa) == port(&sb, pb)
        }
        _ => a.trim_end_matches('/').eq_ignore_ascii_case(b.trim_end_matches('/')),
    }
}

/// Is `key` the Windows Update policy key (`Some(false)`) or its `AU` subkey (`Some(true)`)?
pub fn is_wu_policy_key(key: &str) -> Option<bool> {
    let k = key.to_ascii_lowercase().replace("hkey_local_machine\\", "hklm\\");
    let k = k.replace("\\wow6432node", "");
    if k.ends_with("\\software\\policies\\microsoft\\windows\\windowsupdate") {
        Some(false)
    } else if k.ends_with("\\software\\policies\\microsoft\\windows\\windowsupdate\\au") {
        Some(true)
    } else {
        None
    }
}

/// The first `http(s)://...` URL in `text`, up to a delimiter (`>`, `'`, `"`, `)`, `,`, `<`,
/// white space), without a trailing `/` or `.`.
pub fn url_in(text: &str) -> Option<String> {
    let start = text.find("http://").or_else(|| text.find("https://"))?;
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '>' | '\'' | '"' | ')' | ',' | '<')).unwrap_or(rest.len());
    Some(rest[..end].trim_end_matches(['/', '.']).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REG_QUERY: &str = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\r\n    WUServer    REG_SZ    http://OLDWSUS.CONTOSO.COM:8530\r\n    ElevateNonAdmins    REG_DWORD    0x0\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU\r\n    UseWUServer    REG_DWORD    0x1\r\n\r\n";

    #[test]
    fn reg_query_values() {
        assert_eq!(detect(REG_QUERY), Some(LogFormat::RegQuery));
        let v = parse_reg_query(REG_QUERY);
        assert_eq!(
            v[0],
            RegValue {
                key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate".into(),
                name: "WUServer".into(),
                kind: "REG_SZ".into(),
                data: "http://OLDWSUS.CONTOSO.COM:8530".into(),
                line: 3
            }
        );
        assert_eq!((v[2].name.as_str(), v[2].data.as_str(), v[2].line), ("UseWUServer", "1", 7));
        assert_eq!(is_wu_policy_key(&v[2].key), Some(true));
        assert_eq!(is_wu_policy_key("HKLM\\SOFTWARE\\Wow6432Node\\Policies\\Microsoft\\Windows\\WindowsUpdate"), Some(false));
    }

    #[test]
    fn reg_export_values() {
        let t = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate]\r\n\"WUServer\"=\"http://PS1SITE.CONTOSO.COM:8530\"\r\n\"Odd \\\"name\\\"\"=\"a\\\\b\"\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU]\r\n\"UseWUServer\"=dword:00000000\r\n";
        assert_eq!(detect(t), Some(LogFormat::RegExport));
        let v = parse_reg_export(t);
        assert_eq!((v[0].name.as_str(), v[0].data.as_str(), v[0].line), ("WUServer", "http://PS1SITE.CONTOSO.COM:8530", 4));
        assert_eq!((v[1].name.as_str(), v[1].data.as_str()), ("Odd \"name\"", "a\\b"));
        assert_eq!((v[2].name.as_str(), v[2].kind.as_str(), v[2].data.as_str()), ("UseWUServer", "REG_DWORD", "0"));
    }

    #[test]
    fn netsh_in_english_and_by_structure() {
        let direct = "\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Direct access (no proxy server).\r\n\r\n";
        assert_eq!(detect(direct), Some(LogFormat::NetshWinhttp));
        assert_eq!(parse_netsh(direct), ProxySetting::Direct { line: 4 });
        let proxy =
            "\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Proxy Server(s) :  proxy.contoso.com:8080\r\n    Bypass List     :  <local>;*.fabrikam.com\r\n\r\n";
        assert_eq!(
            parse_netsh(proxy),
            ProxySetting::Proxy {
                servers: vec!["proxy.contoso.com:8080".into()],
                bypass: vec!["<local>".into(), "*.fabrikam.com".into()],
                servers_line: 4,
                bypass_line: Some(5)
            }
        );
        let no_bypass = "\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Proxy Server(s) :  proxy.contoso.com:8080\r\n    Bypass List     :  (none)\r\n\r\n";
        assert!(
            matches!(parse_netsh(no_bypass), ProxySetting::Proxy { ref bypass, bypass_line: Some(5), .. } if bypass.is_empty()),
            "{:?}",
            parse_netsh(no_bypass)
        );
        let german = "Aktuelle WinHTTP-Proxyeinstellungen:\r\n\r\n    Proxyserver:  proxy.contoso.com:8080\r\n    Umgehungsliste:  <local>\r\n";
        assert_eq!(detect(german), Some(LogFormat::NetshWinhttp));
        assert!(matches!(parse_netsh(german), ProxySetting::Proxy { ref servers, .. } if servers == &["proxy.contoso.com:8080"]));
        assert!(matches!(parse_netsh("WinHTTP の現在のプロキシ設定:\r\n\r\n    何か別のこと\r\n"), ProxySetting::Unreadable { .. }));
    }

    #[test]
    fn bypass_and_urls() {
        let b = vec!["<local>".to_string(), "*.contoso.com".to_string()];
        assert!(bypassed("ps1site.contoso.com", &b));
        assert!(bypassed("wsus", &b));
        assert!(!bypassed("ps1site.fabrikam.com", &b));
        assert_eq!(parse_url("http://PS1SITE.CONTOSO.COM:8530/x"), Some(("http".into(), "ps1site.contoso.com".into(), Some(8530))));
        assert!(same_endpoint("http://a.b:80", "http://A.B"));
        assert!(!same_endpoint("http://a.b:8530", "https://a.b:8531"));
    }
}
