//! Client configuration given next to the logs, and what it says about the scan.
//!
//! Two facts decide many scan failures and are in no log (article 000, "Group Policy
//! overrides...", the proxy section; article 001, step 1's registry table): which WSUS server
//! the Windows Update policy points to, and which WinHTTP proxy the agent uses. Admins get them
//! with `reg query HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate /s` (or `reg export`)
//! and `netsh winhttp show proxy`. This module reads those outputs and joins them with the logs.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::flow::{file_is, FlowReport, Guidance, Src};
use crate::format::LogFormat;
use crate::lines::Lines;
use crate::model::LogFile;
use crate::report::Evidence;
use crate::rules::Finding;

/// One thing to collect from a client, for `wulens collect-help` and the web page.
pub struct CollectStep {
    pub what: &'static str,
    pub command: &'static str,
    pub why: &'static str,
}

pub const COLLECT_STEPS: &[CollectStep] = &[
    CollectStep { what: "Make a folder for everything", command: "New-Item -ItemType Directory -Force C:\\Temp\\wulens | Out-Null", why: "" },
    CollectStep {
        what: "The ConfigMgr client logs (ScanAgent, LocationServices, CcmMessaging, WUAHandler, UpdatesStore, StateMessage, ...)",
        command: "Copy-Item \"$env:windir\\CCM\\Logs\" C:\\Temp\\wulens\\CCMLogs -Recurse",
        why: "the client scan flow, steps 1, 2 and 4-7",
    },
    CollectStep {
        what: "WindowsUpdate.log (Windows 10 and later: converted from the ETL traces)",
        command: "Get-WindowsUpdateLog -LogPath C:\\Temp\\wulens\\WindowsUpdate.log",
        why: "step 3, the Windows Update Agent's own scan against WSUS",
    },
    CollectStep {
        what: "CBS and DISM logs",
        command: "Copy-Item \"$env:windir\\Logs\\CBS\\CBS.log\",\"$env:windir\\Logs\\DISM\\dism.log\" C:\\Temp\\wulens\\",
        why: "component store corruption and servicing errors",
    },
    CollectStep {
        what: "The Windows Update policy (which WSUS server the client is told to use)",
        command: POLICY_COMMAND,
        why: "Group Policy overrides, missing UseWUServer, wrong port",
    },
    CollectStep {
        what: "The WinHTTP proxy (the proxy the Windows Update Agent uses)",
        command: PROXY_COMMAND,
        why: "proxy errors 0x80244021, 0x8024401B, 0x80240030, 0x8024402C",
    },
    CollectStep {
        what: "Zip it into one bundle",
        command: "Compress-Archive C:\\Temp\\wulens\\* C:\\Temp\\wulens-collect.zip -Force",
        why: "drop the zip on wulens; nothing leaves your machine",
    },
];

const POLICY_COMMAND: &str = "reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate /s > C:\\Temp\\wulens\\wu-policy.txt";
const PROXY_COMMAND: &str = "netsh winhttp show proxy > C:\\Temp\\wulens\\winhttp-proxy.txt";

// ---- detection ----

/// Detect a configuration input from its first text.
pub fn detect(head: &str) -> Option<LogFormat> {
    let h = head.trim_start_matches('\u{FEFF}').trim_start();
    if h.starts_with("Windows Registry Editor Version") || h.starts_with("REGEDIT4") {
        return Some(LogFormat::RegExport);
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
    pub key: String,
    pub name: String,
    pub kind: String,
    /// Strings as written; DWORDs in decimal.
    pub data: String,
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxySetting {
    Direct {
        line: u32,
    },
    Proxy {
        servers: Vec<String>,
        bypass: Vec<String>,
        servers_line: u32,
        bypass_line: Option<u32>,
    },
    /// The output could not be read (another language, another layout): say what we saw.
    Unreadable {
        message: String,
    },
}

/// Words that mean "direct access" in the languages Windows ships most.
const DIRECT_WORDS: [&str; 8] = ["direct access", "direkt", "acceso directo", "accès direct", "accesso diretto", "acesso direto", "直接", "direct"];

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

// ---- the report's configuration card ----

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Setting {
    pub value: String,
    pub file: String,
    pub line: u32,
}

#[derive(Serialize, Debug, Default)]
pub struct PolicyCard {
    pub wu_server: Option<Setting>,
    pub wu_status_server: Option<Setting>,
    pub use_wu_server: Option<Setting>,
    /// The WSUS port from WUServer (or the scheme's default, flagged by `port_explicit`).
    pub port: Option<u16>,
    pub port_explicit: bool,
    pub files: Vec<String>,
}

#[derive(Serialize, Debug, Default)]
pub struct ProxyCard {
    pub direct: bool,
    pub servers: Vec<String>,
    pub bypass: Vec<String>,
    pub file: String,
    pub line: u32,
    pub bypass_line: Option<u32>,
    /// Set when the output could not be read.
    pub problem: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct MissingConfig {
    pub what: &'static str,
    pub command: &'static str,
}

#[derive(Serialize, Debug, Default)]
pub struct ConfigReport {
    /// False when no configuration input was given.
    pub provided: bool,
    pub policy: Option<PolicyCard>,
    pub proxy: Option<ProxyCard>,
    /// The WSUS server ConfigMgr handed out, as the logs show it.
    pub wsus_location: Option<Setting>,
    /// Configuration that was not given, and the command that collects it.
    pub missing: Vec<MissingConfig>,
    /// Configuration files that could not be read, and why.
    pub unreadable: Vec<crate::input::InputWarning>,
}

fn is_wu_policy_key(key: &str) -> Option<bool> {
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

/// The LocationServices line that offered `url` (the latest such line).
fn offered_line(a: &Analysis, url: &str) -> Option<(usize, usize)> {
    let mut found = None;
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| file_is(f, "locationservices")) {
        for (ei, e) in f.entries.iter().enumerate() {
            let m = f.message(e);
            if has(&FINDERS.wsus_path, m) && url_in(m).is_some_and(|u| same_endpoint(&u, url)) {
                found = Some((fi, ei));
            }
        }
    }
    found
}

/// Precompiled substring searches for the per-line scans below (a big WindowsUpdate.log has
/// millions of lines; `str::contains` would rebuild its searcher for every one).
struct Finders {
    wsus_path: memchr::memmem::Finder<'static>,
    service_id: memchr::memmem::Finder<'static>,
    wsus_null: [memchr::memmem::Finder<'static>; 2],
    public: [memchr::memmem::Finder<'static>; 2],
    used: [memchr::memmem::Finder<'static>; 3],
}

static FINDERS: std::sync::LazyLock<Finders> = std::sync::LazyLock::new(|| {
    use memchr::memmem::Finder;
    Finders {
        wsus_path: Finder::new("WSUS Path='"),
        service_id: Finder::new("ServiceID = {"),
        wsus_null: [Finder::new("WSUS server: (null)"), Finder::new("WSUS server: <NULL>")],
        public: PUBLIC_SERVICES.map(Finder::new),
        used: [
            Finder::new("OnLocationUpdate- Received"),
            Finder::new("Enabling WUA Managed server policy to use server"),
            Finder::new("Existing WUA Managed server was already set"),
        ],
    }
});

fn has(f: &memchr::memmem::Finder, s: &str) -> bool {
    f.find(s.as_bytes()).is_some()
}

/// Windows Update's and Microsoft Update's service ids: the agent is not talking to WSUS.
const PUBLIC_SERVICES: [&str; 2] = ["9482F4B4-E343-43B6-B170-9A65BC822C77", "7971F918-A847-4430-9279-4A52D1EFE18D"];

/// The WindowsUpdate.log line showing a search against Windows Update instead of WSUS: the
/// search's ServiceID when the log has it, else the agent's "WSUS server: (null)".
fn public_service_line(a: &Analysis) -> Option<(usize, usize)> {
    let find = |pred: &dyn Fn(&str) -> bool| {
        a.files
            .iter()
            .enumerate()
            .filter(|(_, f)| file_is(f, "windowsupdate"))
            .find_map(|(fi, f)| f.entries.iter().position(|e| pred(f.message(e))).map(|ei| (fi, ei)))
    };
    let fs = &*FINDERS;
    find(&|m| has(&fs.service_id, m) && fs.public.iter().any(|p| has(p, m))).or_else(|| find(&|m| fs.wsus_null.iter().any(|n| has(n, m))))
}

/// The WSUS servers ConfigMgr gave the client, from the logs. The first is the one the client
/// used (ScanAgent's location update, WUAHandler's managed server), else the first one offered
/// (LocationServices); the rest are every server any of them named.
fn wsus_locations(a: &Analysis) -> Vec<(Setting, usize, usize)> {
    let mut used: Vec<(u8, Setting, usize, usize)> = Vec::new();
    for (fi, f) in a.files.iter().enumerate() {
        let fs = &*FINDERS;
        let (rank, keys): (u8, Vec<&memchr::memmem::Finder>) = match () {
            _ if file_is(f, "scanagent") => (3, vec![&fs.used[0]]),
            _ if file_is(f, "wuahandler") => (2, vec![&fs.used[1], &fs.used[2]]),
            _ if file_is(f, "locationservices") => (1, vec![&fs.wsus_path]),
            _ => continue,
        };
        for (ei, e) in f.entries.iter().enumerate() {
            let m = f.message(e);
            if !keys.iter().any(|k| has(k, m)) {
                continue;
            }
            if let Some(url) = url_in(m) {
                used.push((rank, Setting { value: url, file: f.name.clone(), line: e.line }, fi, ei));
            }
        }
    }
    // Highest rank first; within a rank, the latest cycle's first line (stable sort keeps order).
    let best_rank = used.iter().map(|u| u.0).max();
    let mut primary: Option<(Setting, usize, usize)> = None;
    if let Some(r) = best_rank {
        // The first line of the last run of this rank's lines.
        let of_rank: Vec<&(u8, Setting, usize, usize)> = used.iter().filter(|u| u.0 == r).collect();
        let mut start = of_rank.len() - 1;
        while start > 0 && of_rank[start - 1].2 == of_rank[start].2 && of_rank[start - 1].3 + 1 == of_rank[start].3 {
            start -= 1;
        }
        let p = of_rank[start];
        primary = Some((p.1.clone(), p.2, p.3));
    }
    let mut out: Vec<(Setting, usize, usize)> = primary.into_iter().collect();
    for (_, s, f, e) in used {
        if !out.iter().any(|(o, ..)| same_endpoint(&o.value, &s.value)) {
            out.push((s, f, e));
        }
    }
    out
}

fn url_in(text: &str) -> Option<String> {
    let start = text.find("http://").or_else(|| text.find("https://"))?;
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '>' | '\'' | '"' | ')' | ',' | '<')).unwrap_or(rest.len());
    Some(rest[..end].trim_end_matches(['/', '.']).to_string())
}

impl ConfigReport {
    pub fn build(a: &Analysis) -> ConfigReport {
        let mut r = ConfigReport::default();
        let mut policy = PolicyCard::default();
        let mut have_policy = false;
        for f in a.files.iter().filter(|f| matches!(f.format, LogFormat::RegQuery | LogFormat::RegExport)) {
            let values = if f.format == LogFormat::RegQuery { parse_reg_query(&f.text) } else { parse_reg_export(&f.text) };
            let mut used = false;
            for v in values {
                let Some(au) = is_wu_policy_key(&v.key) else { continue };
                used = true;
                let s = Setting { value: v.data.clone(), file: f.name.clone(), line: v.line };
                match (au, v.name.as_str()) {
                    (false, "WUServer") => policy.wu_server = Some(s),
                    (false, "WUStatusServer") => policy.wu_status_server = Some(s),
                    (true, "UseWUServer") => policy.use_wu_server = Some(s),
                    _ => {}
                }
            }
            // A policy export that names the key but no values still counts: it says "nothing set".
            if used || f.text.to_ascii_lowercase().contains("\\windowsupdate") {
                have_policy = true;
                policy.files.push(f.name.clone());
            }
        }
        if let Some(s) = &policy.wu_server {
            if let Some((scheme, _, port)) = parse_url(&s.value) {
                policy.port_explicit = port.is_some();
                policy.port = Some(port.unwrap_or(if scheme == "https" { 443 } else { 80 }));
            }
        }
        if have_policy {
            r.policy = Some(policy);
        }
        // Several netsh outputs: the last readable one wins; unreadable ones are reported.
        for f in a.files.iter().filter(|f| f.format == LogFormat::NetshWinhttp) {
            let card = match parse_netsh(&f.text) {
                ProxySetting::Direct { line } => ProxyCard { direct: true, file: f.name.clone(), line, ..ProxyCard::default() },
                ProxySetting::Proxy { servers, bypass, servers_line, bypass_line } => {
                    ProxyCard { direct: false, servers, bypass, file: f.name.clone(), line: servers_line, bypass_line, problem: None }
                }
                ProxySetting::Unreadable { message } => {
                    r.unreadable.push(crate::input::InputWarning { name: f.name.clone(), message: message.clone() });
                    if r.proxy.is_none() {
                        r.proxy = Some(ProxyCard { file: f.name.clone(), problem: Some(message), ..ProxyCard::default() });
                    }
                    continue;
                }
            };
            r.proxy = Some(card);
        }
        r.provided = r.policy.is_some() || r.proxy.is_some();
        r.wsus_location = wsus_locations(a).into_iter().next().map(|(s, _, _)| s);
        if r.policy.is_none() {
            r.missing.push(MissingConfig { what: "the Windows Update policy (WSUS server, UseWUServer)", command: POLICY_COMMAND });
        }
        if r.proxy.is_none() {
            r.missing.push(MissingConfig { what: "the WinHTTP proxy", command: PROXY_COMMAND });
        }
        r
    }
}

// ---- findings that join configuration and logs ----

const S000_GPO: Src = Src { doc: "000_3983b336ceb8dfcf.txt", section: "Group Policy overrides the correct WSUS configuration information" };
const S000_PROXY: Src = Src { doc: "000_3983b336ceb8dfcf.txt", section: "Scan failures due to proxy-related issues" };
const S000_HTTP: Src = Src { doc: "000_3983b336ceb8dfcf.txt", section: "Scan failures related to HTTP time-out or authentication" };
const S001_STEP1: Src = Src { doc: "001_1f102207702da96d.txt", section: "Step 1: The client sends a WSUS location request to the management point" };

const G_MISMATCH: &[Guidance] = &[
    Guidance { text: "Find the GPO that sets 'Specify intranet Microsoft update service location' for this computer and make it the software update point exactly (name format and port), or stop applying it to ConfigMgr clients.", command: Some("gpresult /h C:\\Temp\\gpresult.html") },
    Guidance { text: "After the policy is fixed, refresh it and run a Software Updates Scan Cycle; WUAHandler.log should then show the software update point.", command: Some("gpupdate /force") },
];
const G_USEWU: &[Guidance] = &[
    Guidance { text: "UseWUServer must be 1 for the agent to use WUServer. ConfigMgr sets it through local policy; a domain GPO that sets 'Configure Automatic Updates' without the intranet location can leave it at 0. Check the resulting policy.", command: Some("gpresult /h C:\\Temp\\gpresult.html") },
    Guidance { text: "Refresh the policy and trigger a scan cycle; then query the AU key again.", command: Some("reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU") },
];
const G_PORT: &[Guidance] = &[
    Guidance { text: "WSUS listens on 80/443 (default website) or 8530/8531 (WSUS website). The URL needs the server name and the port the software update point was set up with; compare with the SUP properties and the IIS bindings.", command: None },
    Guidance { text: "Test the port from the client.", command: Some("Test-NetConnection SUPSERVER.CONTOSO.COM -Port 8530") },
];
const G_PROXY: &[Guidance] = &[
    Guidance { text: "The Windows Update Agent scans through this WinHTTP proxy. Add the WSUS server to the bypass list (it is on the intranet), or make sure the proxy lets the computer account through.", command: Some("netsh winhttp set proxy proxy-server=\"proxy.contoso.com:8080\" bypass-list=\"<local>;*.contoso.com\"") },
    Guidance { text: "Or copy the (working) Internet Explorer settings into WinHTTP.", command: Some("netsh winhttp import proxy source=ie") },
];
const G_DIRECT: &[Guidance] = &[
    Guidance {
        text: "WinHTTP goes direct (no proxy), so these are not proxy errors: check that the client resolves the WSUS server's FQDN and reaches its port.",
        command: Some("Resolve-DnsName SUPSERVER.CONTOSO.COM"),
    },
    Guidance { text: "If the network only lets traffic out through a proxy, set one for WinHTTP.", command: Some("netsh winhttp import proxy source=ie") },
];

fn ev_setting(s: &Setting, a: &Analysis, text_of_line: bool) -> Evidence {
    let text = if text_of_line {
        a.files
            .iter()
            .find(|f| f.name == s.file)
            .and_then(|f| Lines::new(&f.text, 0).nth(s.line as usize - 1).map(|l| f.text[l.start..l.end].trim().to_string()))
            .unwrap_or_else(|| s.value.clone())
    } else {
        s.value.clone()
    };
    Evidence { file: s.file.clone(), line: s.line, time: None, text }
}

fn ev_entry(a: &Analysis, fi: usize, ei: usize) -> Evidence {
    let f: &LogFile = &a.files[fi];
    crate::report::evidence(f, ei, f.entries[ei].line, 300)
}

/// The first line with one of `codes`: WindowsUpdate.log first (the agent's own account, where
/// article 000 says the detail is), else WUAHandler.log (which repeats what the agent reported).
fn first_code_occurrence(a: &Analysis, codes: &[u32]) -> Option<(u32, usize, usize)> {
    ["windowsupdate", "wuahandler"].iter().find_map(|log| {
        codes.iter().find_map(|c| {
            a.code_stats(*c)
                .and_then(|s| s.occurrences.iter().find(|o| file_is(&a.files[o.file as usize], log)).map(|o| (*c, o.file as usize, o.entry as usize)))
        })
    })
}

pub fn findings(a: &Analysis, c: &ConfigReport, _scan: &FlowReport) -> Vec<Finding> {
    let mut out = Vec::new();
    let locations = wsus_locations(a);
    let location = locations.first();
    if let Some(p) = &c.policy {
        // WUServer / WUStatusServer against the servers ConfigMgr handed out.
        if let Some((loc, fi, ei)) = location {
            let mismatched: Vec<&Setting> = [&p.wu_server, &p.wu_status_server]
                .into_iter()
                .flatten()
                .filter(|s| !locations.iter().any(|(l, ..)| same_endpoint(&s.value, &l.value)))
                .collect();
            if let Some(first) = mismatched.first() {
                let mut evidence: Vec<Evidence> = mismatched.iter().map(|s| ev_setting(s, a, true)).collect();
                evidence.push(ev_entry(a, *fi, *ei));
                // And where the management point offered it, when another log shows the use.
                if let Some((fo, eo)) = offered_line(a, &loc.value) {
                    if (fo, eo) != (*fi, *ei) {
                        evidence.push(ev_entry(a, fo, eo));
                    }
                }
                out.push(Finding {
                    id: "config_gpo_mismatch",
                    title: "The Windows Update policy points to another WSUS server than ConfigMgr's",
                    severity: "error",
                    summary: format!(
                        "The policy on this client says WUServer = {} ({} line {}), but ConfigMgr's software update point is {} ({} line {}). A Group Policy overrides the local policy ConfigMgr writes, and the agent scans against the policy's server.",
                        first.value,
                        crate::input::base_name(&first.file),
                        first.line,
                        loc.value,
                        crate::input::base_name(&loc.file),
                        loc.line
                    ),
                    evidence,
                    codes: Vec::new(),
                    guidance: G_MISMATCH,
                    sources: &[S000_GPO, S001_STEP1],
                });
            }
        }
        let use_wu = p.use_wu_server.as_ref().map(|s| s.value.as_str());
        if use_wu != Some("1") {
            let (summary, evidence) = match &p.use_wu_server {
                Some(s) => (
                    format!(
                        "UseWUServer is {} ({} line {}): the agent ignores WUServer and does not scan against WSUS.",
                        s.value,
                        crate::input::base_name(&s.file),
                        s.line
                    ),
                    vec![ev_setting(s, a, true)],
                ),
                None => (
                    format!(
                        "The policy{} has no UseWUServer value under ...\\WindowsUpdate\\AU: without UseWUServer = 1 the agent does not use WSUS.",
                        p.files.first().map(|f| format!(" ({})", crate::input::base_name(f))).unwrap_or_default()
                    ),
                    p.wu_server.iter().map(|s| ev_setting(s, a, true)).collect(),
                ),
            };
            let mut evidence = evidence;
            let mut summary = summary;
            if let Some((fi, ei)) = public_service_line(a) {
                summary.push_str(" WindowsUpdate.log confirms it: the agent talks to Windows Update.");
                evidence.push(ev_entry(a, fi, ei));
            }
            out.push(Finding {
                id: "config_usewuserver_off",
                title: "UseWUServer is not 1: the client does not use WSUS",
                severity: "error",
                summary,
                evidence,
                codes: Vec::new(),
                guidance: G_USEWU,
                sources: &[S001_STEP1],
            });
        }
        let bad_port: Vec<&Setting> = [&p.wu_server, &p.wu_status_server]
            .into_iter()
            .flatten()
            .filter(|s| match parse_url(&s.value) {
                Some((_, _, None)) => true,
                Some((_, _, Some(port))) => ![80, 443, 8530, 8531].contains(&port),
                None => true,
            })
            .collect();
        if !bad_port.is_empty() {
            let what: Vec<String> = bad_port
                .iter()
                .map(|s| match parse_url(&s.value) {
                    Some((_, _, None)) => format!("{} has no port", s.value),
                    Some((_, _, Some(port))) => format!("{} uses port {port}", s.value),
                    None => format!("{} is not a URL", s.value),
                })
                .collect();
            out.push(Finding {
                id: "config_wsus_port",
                title: "The WSUS URL in the policy lacks the port or uses an unusual one",
                severity: "warning",
                summary: format!("{}. WSUS uses 80/443 or 8530/8531, and the URL must carry the software update point's port.", what.join("; ")),
                evidence: bad_port.iter().map(|s| ev_setting(s, a, true)).collect(),
                codes: Vec::new(),
                guidance: G_PORT,
                sources: &[S000_HTTP],
            });
        }
    }
    if let Some(px) = &c.proxy {
        let proxy_file = px.file.clone();
        let proxy_ev = Evidence {
            file: proxy_file.clone(),
            line: px.line,
            time: None,
            text: if px.direct {
                "Direct access (no proxy server).".into()
            } else {
                format!("Proxy: {}; bypass: {}", px.servers.join(" "), px.bypass.join(";"))
            },
        };
        let wsus_host = c
            .policy
            .as_ref()
            .and_then(|p| p.wu_server.as_ref())
            .map(|s| s.value.clone())
            .or_else(|| location.map(|(s, ..)| s.value.clone()))
            .and_then(|u| parse_url(&u))
            .map(|(_, h, _)| h);
        if !px.direct && px.problem.is_none() && !px.servers.is_empty() {
            let proxy_code = first_code_occurrence(a, &[0x80244021, 0x8024401B, 0x80240030, 0x8024402C]);
            let not_bypassed = wsus_host.as_ref().filter(|h| !bypassed(h, &px.bypass));
            if proxy_code.is_some() || not_bypassed.is_some() {
                let mut parts = vec![format!("WinHTTP sends traffic through {}", px.servers.join(", "))];
                if let Some(h) = not_bypassed {
                    parts.push(format!(
                        "the WSUS server {h} is not in the bypass list ({})",
                        if px.bypass.is_empty() { "empty".to_string() } else { px.bypass.join(";") }
                    ));
                }
                let mut evidence = vec![proxy_ev.clone()];
                if let Some(line) = px.bypass_line {
                    evidence.push(Evidence { file: px.file.clone(), line, time: None, text: format!("Bypass list: {}", px.bypass.join(";")) });
                }
                let mut codes = Vec::new();
                if let Some((code, fi, ei)) = proxy_code {
                    parts.push(format!("and the scan fails with 0x{code:08X}"));
                    evidence.push(ev_entry(a, fi, ei));
                    codes.push(format!("0x{code:08X}"));
                }
                out.push(Finding {
                    id: "config_proxy_blocks_wsus",
                    title: "A WinHTTP proxy stands between the client and WSUS",
                    severity: if codes.is_empty() { "warning" } else { "error" },
                    summary: format!("{}.", parts.join(", ")),
                    evidence,
                    codes,
                    guidance: G_PROXY,
                    sources: &[S000_PROXY],
                });
            }
        }
        if px.direct {
            if let Some((code, fi, ei)) = first_code_occurrence(a, &[0x80072EE7, 0x8024402C, 0x80072EE2, 0x8024401C, 0x80244023, 0x80072EFD]) {
                out.push(Finding {
                    id: "config_direct_network_errors",
                    title: "No proxy, yet name-resolution or time-out errors",
                    severity: "error",
                    summary: format!("WinHTTP goes direct (no proxy) and the scan fails with 0x{code:08X}: the client cannot resolve or reach the update server on its own; a DNS or firewall problem, or a network that needs a proxy."),
                    evidence: vec![proxy_ev, ev_entry(a, fi, ei)],
                    codes: vec![format!("0x{code:08X}")],
                    guidance: G_DIRECT,
                    sources: &[S000_HTTP, S000_PROXY],
                });
            }
        }
    }
    out
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
