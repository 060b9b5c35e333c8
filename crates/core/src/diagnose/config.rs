//! Client configuration given next to the logs, and what it says about the scan.
//!
//! Two facts decide many scan failures and are in no log (article 000, "Group Policy
//! overrides...", the proxy section; article 001, step 1's registry table): which WSUS server
//! the Windows Update policy points to, and which WinHTTP proxy the agent uses. Admins get them
//! with `reg query HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate /s` (or `reg export`)
//! and `netsh winhttp show proxy`; `read::config` parses them, this module reads them as a card
//! and joins them with the logs (the joins the `config_*` rules name).

use super::defs::RuleDef;
use super::operations::Operation;
use super::rules::{Ctx, Finding};
use crate::analysis::Analysis;
use crate::model::lines::Lines;
use crate::model::{base_name, Evidence, FindingSeverity, InputWarning, LogFormat, LogKind, OperationKind, Setting};
use crate::read::config::{bypassed, is_wu_policy_key, parse_netsh, parse_reg_export, parse_reg_query, parse_url, same_endpoint, url_in, ProxySetting};

/// The command that collects the Windows Update policy (shown when it was not given).
pub const POLICY_COMMAND: &str = "reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate /s > C:\\Temp\\wulens\\wu-policy.txt";
/// The command that collects the WinHTTP proxy.
pub const PROXY_COMMAND: &str = "netsh winhttp show proxy > C:\\Temp\\wulens\\winhttp-proxy.txt";

/// The Windows Update policy as given.
#[derive(Debug, Default, Clone)]
pub struct Policy {
    pub wu_server: Option<Setting>,
    pub wu_status_server: Option<Setting>,
    pub use_wu_server: Option<Setting>,
    /// The WSUS port from WUServer (or the scheme's default, flagged by `port_explicit`).
    pub port: Option<u16>,
    pub port_explicit: bool,
    pub files: Vec<String>,
}

/// The WinHTTP proxy as given.
#[derive(Debug, Default, Clone)]
pub struct Proxy {
    pub direct: bool,
    pub servers: Vec<String>,
    pub bypass: Vec<String>,
    pub file: String,
    pub line: u32,
    pub bypass_line: Option<u32>,
    /// Set when the output could not be read.
    pub problem: Option<String>,
}

/// Configuration that was not given, and the command that collects it.
#[derive(Debug, Clone)]
pub struct MissingConfig {
    pub what: &'static str,
    pub command: &'static str,
}

/// What the configuration inputs and the logs say about the client's update source.
#[derive(Debug, Default)]
pub struct ConfigFacts {
    pub policy: Option<Policy>,
    pub proxy: Option<Proxy>,
    /// The WSUS servers ConfigMgr gave the client (see `wsus_locations`), with their lines.
    pub locations: Vec<(Setting, usize, usize)>,
    pub missing: Vec<MissingConfig>,
    /// Configuration files that could not be read, and why.
    pub unreadable: Vec<InputWarning>,
}

impl ConfigFacts {
    /// False when no configuration input was given.
    pub fn provided(&self) -> bool {
        self.policy.is_some() || self.proxy.is_some()
    }

    /// The WSUS server ConfigMgr handed out, as the logs show it.
    pub fn wsus_location(&self) -> Option<&Setting> {
        self.locations.first().map(|(s, ..)| s)
    }
}

/// The LocationServices line that offered `url` (the latest such line).
fn offered_line(a: &Analysis, url: &str) -> Option<(usize, usize)> {
    let mut found = None;
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| f.is(LogKind::LocationServices)) {
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
            .filter(|(_, f)| f.is(LogKind::WindowsUpdate))
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
            _ if f.is(LogKind::ScanAgent) => (3, vec![&fs.used[0]]),
            _ if f.is(LogKind::WuaHandler) => (2, vec![&fs.used[1], &fs.used[2]]),
            _ if f.is(LogKind::LocationServices) => (1, vec![&fs.wsus_path]),
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

impl ConfigFacts {
    pub fn build(a: &Analysis) -> ConfigFacts {
        let mut r = ConfigFacts::default();
        let mut policy = Policy::default();
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
                ProxySetting::Direct { line } => Proxy { direct: true, file: f.name.clone(), line, ..Proxy::default() },
                ProxySetting::Proxy { servers, bypass, servers_line, bypass_line } => {
                    Proxy { direct: false, servers, bypass, file: f.name.clone(), line: servers_line, bypass_line, problem: None }
                }
                ProxySetting::Unreadable { message } => {
                    r.unreadable.push(InputWarning { name: f.name.clone(), message: message.clone() });
                    if r.proxy.is_none() {
                        r.proxy = Some(Proxy { file: f.name.clone(), problem: Some(message), ..Proxy::default() });
                    }
                    continue;
                }
            };
            r.proxy = Some(card);
        }
        r.locations = wsus_locations(a);
        if r.policy.is_none() {
            r.missing.push(MissingConfig { what: "the Windows Update policy (WSUS server, UseWUServer)", command: POLICY_COMMAND });
        }
        if r.proxy.is_none() {
            r.missing.push(MissingConfig { what: "the WinHTTP proxy", command: PROXY_COMMAND });
        }
        r
    }
}

// ---- the joins of the `config_*` rules ----

fn ev_setting(s: &Setting, a: &Analysis) -> Evidence {
    let text = a
        .files
        .iter()
        .find(|f| f.name == s.file)
        .and_then(|f| Lines::new(&f.text, 0).nth(s.line as usize - 1).map(|l| f.text[l.start..l.end].trim().to_string()))
        .unwrap_or_else(|| s.value.clone());
    Evidence { file: s.file.clone(), line: s.line, time: None, text }
}

/// The first line with one of `codes`: WindowsUpdate.log first (the agent's own account, where
/// article 000 says the detail is), else WUAHandler.log (which repeats what the agent reported).
fn first_code_occurrence(a: &Analysis, codes: &[u32]) -> Option<(u32, usize, usize)> {
    [LogKind::WindowsUpdate, LogKind::WuaHandler].iter().find_map(|&log| {
        codes.iter().find_map(|c| {
            a.code_stats(*c).and_then(|s| s.occurrences.iter().find(|o| a.files[o.file as usize].kind == log).map(|o| (*c, o.file as usize, o.entry as usize)))
        })
    })
}

/// The policy's WUServer / WUStatusServer against the servers ConfigMgr handed out.
pub fn gpo_mismatch(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let (a, c) = (ctx.a, ctx.config);
    let p = c.policy.as_ref()?;
    let (loc, fi, ei) = c.locations.first()?;
    let mismatched: Vec<&Setting> =
        [&p.wu_server, &p.wu_status_server].into_iter().flatten().filter(|s| !c.locations.iter().any(|(l, ..)| same_endpoint(&s.value, &l.value))).collect();
    let first = mismatched.first()?;
    let mut evidence: Vec<Evidence> = mismatched.iter().map(|s| ev_setting(s, a)).collect();
    evidence.push(ctx.ev(*fi, *ei));
    // And where the management point offered it, when another log shows the use.
    if let Some((fo, eo)) = offered_line(a, &loc.value) {
        if (fo, eo) != (*fi, *ei) {
            evidence.push(ctx.ev(fo, eo));
        }
    }
    let summary = format!(
        "The policy on this client says WUServer = {} ({} line {}), but ConfigMgr's software update point is {} ({} line {}). A Group Policy overrides the local policy ConfigMgr writes, and the agent scans against the policy's server.",
        first.value,
        base_name(&first.file),
        first.line,
        loc.value,
        base_name(&loc.file),
        loc.line
    );
    Some(Finding::new(rule, rule.severity, summary, evidence, Vec::new()))
}

/// UseWUServer missing or not 1: the agent does not use WSUS.
pub fn usewuserver_off(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let a = ctx.a;
    let p = ctx.config.policy.as_ref()?;
    if p.use_wu_server.as_ref().map(|s| s.value.as_str()) == Some("1") {
        return None;
    }
    let (mut summary, mut evidence) = match &p.use_wu_server {
        Some(s) => (
            format!("UseWUServer is {} ({} line {}): the agent ignores WUServer and does not scan against WSUS.", s.value, base_name(&s.file), s.line),
            vec![ev_setting(s, a)],
        ),
        None => (
            format!(
                "The policy{} has no UseWUServer value under ...\\WindowsUpdate\\AU: without UseWUServer = 1 the agent does not use WSUS.",
                p.files.first().map(|f| format!(" ({})", base_name(f))).unwrap_or_default()
            ),
            p.wu_server.iter().map(|s| ev_setting(s, a)).collect(),
        ),
    };
    if let Some((fi, ei)) = public_service_line(a) {
        summary.push_str(" WindowsUpdate.log confirms it: the agent talks to Windows Update.");
        evidence.push(ctx.ev(fi, ei));
    }
    Some(Finding::new(rule, rule.severity, summary, evidence, Vec::new()))
}

/// A WSUS URL without a port, or on one WSUS does not use.
pub fn wsus_port(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let p = ctx.config.policy.as_ref()?;
    let bad: Vec<&Setting> = [&p.wu_server, &p.wu_status_server]
        .into_iter()
        .flatten()
        .filter(|s| match parse_url(&s.value) {
            Some((_, _, None)) | None => true,
            Some((_, _, Some(port))) => ![80, 443, 8530, 8531].contains(&port),
        })
        .collect();
    if bad.is_empty() {
        return None;
    }
    let what: Vec<String> = bad
        .iter()
        .map(|s| match parse_url(&s.value) {
            Some((_, _, None)) => format!("{} has no port", s.value),
            Some((_, _, Some(port))) => format!("{} uses port {port}", s.value),
            None => format!("{} is not a URL", s.value),
        })
        .collect();
    let summary = format!("{}. WSUS uses 80/443 or 8530/8531, and the URL must carry the software update point's port.", what.join("; "));
    Some(Finding::new(rule, rule.severity, summary, bad.iter().map(|s| ev_setting(s, ctx.a)).collect(), Vec::new()))
}

fn proxy_evidence(px: &Proxy) -> Evidence {
    let text = if px.direct { "Direct access (no proxy server).".into() } else { format!("Proxy: {}; bypass: {}", px.servers.join(" "), px.bypass.join(";")) };
    Evidence { file: px.file.clone(), line: px.line, time: None, text }
}

/// A WinHTTP proxy that does not bypass the WSUS server, or with proxy errors in the logs.
pub fn proxy_blocks_wsus(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let (a, c) = (ctx.a, ctx.config);
    let px = c.proxy.as_ref().filter(|px| !px.direct && px.problem.is_none() && !px.servers.is_empty())?;
    let wsus_host = c.policy.as_ref().and_then(|p| p.wu_server.as_ref()).or_else(|| c.wsus_location()).and_then(|s| parse_url(&s.value)).map(|(_, h, _)| h);
    let proxy_code = first_code_occurrence(a, &[0x80244021, 0x8024401B, 0x80240030, 0x8024402C]);
    let not_bypassed = wsus_host.as_ref().filter(|h| !bypassed(h, &px.bypass));
    if proxy_code.is_none() && not_bypassed.is_none() {
        return None;
    }
    let mut parts = vec![format!("WinHTTP sends traffic through {}", px.servers.join(", "))];
    if let Some(h) = not_bypassed {
        parts.push(format!("the WSUS server {h} is not in the bypass list ({})", if px.bypass.is_empty() { "empty".to_string() } else { px.bypass.join(";") }));
    }
    let mut evidence = vec![proxy_evidence(px)];
    if let Some(line) = px.bypass_line {
        evidence.push(Evidence { file: px.file.clone(), line, time: None, text: format!("Bypass list: {}", px.bypass.join(";")) });
    }
    let mut codes = Vec::new();
    if let Some((code, fi, ei)) = proxy_code {
        parts.push(format!("and the scan fails with 0x{code:08X}"));
        evidence.push(ctx.ev(fi, ei));
        codes.push(format!("0x{code:08X}"));
    }
    let severity = if codes.is_empty() { FindingSeverity::Warning } else { FindingSeverity::Error };
    Some(Finding::new(rule, severity, format!("{}.", parts.join(", ")), evidence, codes))
}

/// Direct access (no proxy), yet name-resolution or time-out errors.
pub fn direct_network_errors(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let px = ctx.config.proxy.as_ref().filter(|px| px.direct)?;
    let (code, fi, ei) = first_code_occurrence(ctx.a, &[0x80072EE7, 0x8024402C, 0x80072EE2, 0x8024401C, 0x80244023, 0x80072EFD])?;
    let summary = format!("WinHTTP goes direct (no proxy) and the scan fails with 0x{code:08X}: the client cannot resolve or reach the update server on its own; a DNS or firewall problem, or a network that needs a proxy.");
    Some(Finding::new(rule, rule.severity, summary, vec![proxy_evidence(px), ctx.ev(fi, ei)], vec![format!("0x{code:08X}")]))
}

// ---- advice for this machine ----

/// Placeholders the advice in the data is written with (guidance, mitigations, step checks):
/// filled from the logs and the configuration where they name the value, else left as they are,
/// written so that nobody runs them by mistake.
pub const WSUS_URL: &str = "<your WSUS server URL>";
pub const WSUS_HOST: &str = "<your WSUS server>";
pub const WSUS_PORT: &str = "<WSUS port>";
pub const PROXY: &str = "<your proxy>";
pub const PROXY_HOST: &str = "<your proxy host>";

/// What the logs and the configuration say about this machine's servers, for the advice.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Machine {
    /// The WSUS server the agent uses: scheme, host, port (the scheme's default when not given).
    pub wsus: Option<(String, String, u16)>,
    /// The WinHTTP proxy (`host:port`, as netsh shows it).
    pub proxy: Option<String>,
    /// Files whose downloads come from Microsoft's content network, not from WSUS: every
    /// `File URL = ` the agent names there is on a Microsoft host.
    pub cdn_files: Vec<usize>,
    /// Callers (per file) whose every search in that file went to a Microsoft service (the
    /// Store's `Update;ScanForUpdates`, a Windows Update client): their downloads do too.
    pub public_callers: Vec<(usize, String)>,
}

/// Hosts of Microsoft's update content (Windows Update's CDN, Delivery Optimization's).
const MICROSOFT_HOSTS: [&str; 2] = ["microsoft.com", "windowsupdate.com"];

/// Is `url` on one of Microsoft's hosts?
pub fn microsoft_url(url: &str) -> bool {
    parse_url(url).is_some_and(|(_, host, _)| MICROSOFT_HOSTS.iter().any(|m| host == *m || host.ends_with(&format!(".{m}"))))
}

impl Machine {
    /// The WSUS server from, in order: the policy given (WUServer), the agent's latest
    /// `WSUS server: http...`, a Group Policy override WUAHandler reports, the location
    /// ConfigMgr handed out. The proxy from `netsh winhttp show proxy`.
    pub fn build(ctx: &Ctx) -> Machine {
        let c = ctx.config;
        let agent = || {
            ctx.set("wsus_location")
                .iter()
                .rev()
                .filter(|&&(f, _)| ctx.a.files[f].is(LogKind::WindowsUpdate))
                .find_map(|&(f, e)| ctx.message(f, e).split_once("WSUS server: ").and_then(|(_, rest)| url_in(rest)))
        };
        let gpo = || ctx.set("gpo_server").iter().rev().find_map(|&(f, e)| url_in(ctx.message(f, e)));
        let url = c
            .policy
            .as_ref()
            .and_then(|p| p.wu_server.as_ref())
            .map(|s| s.value.clone())
            .or_else(agent)
            .or_else(gpo)
            .or_else(|| c.wsus_location().map(|s| s.value.clone()));
        let wsus = url.as_deref().and_then(parse_url).map(|(scheme, host, port)| {
            let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
            (scheme, host, port)
        });
        let proxy = c.proxy.as_ref().filter(|p| !p.direct && p.problem.is_none()).and_then(|p| p.servers.first()).map(|s| {
            // `http=proxy:8080;https=proxy:8080` names a proxy per scheme: the first one.
            let first = s.split(';').next().unwrap_or(s);
            first.rsplit_once('=').map_or(first, |(_, v)| v).trim().to_string()
        });
        let mut cdn_files: Vec<usize> = Vec::new();
        let mut wsus_files: Vec<usize> = Vec::new();
        for &(f, e) in ctx.set("download_url") {
            let Some(url) = ctx.message(f, e).split_once("File URL = ").and_then(|(_, rest)| url_in(rest)) else { continue };
            let list = if microsoft_url(&url) { &mut cdn_files } else { &mut wsus_files };
            if !list.contains(&f) {
                list.push(f);
            }
        }
        cdn_files.retain(|f| !wsus_files.contains(f));
        let mut public_callers: Vec<(usize, String)> = Vec::new();
        let mut wsus_callers: Vec<(usize, String)> = Vec::new();
        for o in ctx.ops.iter().filter(|o| o.kind() == OperationKind::Search && !o.caller.is_empty()) {
            let list = match o.public_service() {
                Some(true) => &mut public_callers,
                Some(false) => &mut wsus_callers,
                None => continue,
            };
            let key = (o.file, o.caller.clone());
            if !list.contains(&key) {
                list.push(key);
            }
        }
        public_callers.retain(|k| !wsus_callers.contains(k));
        Machine { wsus, proxy, cdn_files, public_callers }
    }

    /// Is entry `e` of file `f` part of a download from Microsoft's services (see
    /// `public_operation`)?
    pub fn met_on_cdn(&self, ops: &[Operation], f: usize, e: usize) -> bool {
        ops.iter().any(|o| {
            o.kind() == OperationKind::Download
                && o.file == f
                && o.start.map_or(0, |s| s as usize) <= e
                && o.end.is_none_or(|x| e <= x as usize)
                && self.public_operation(o)
        })
    }

    /// Does `o` work against Microsoft's services (Windows Update, Microsoft Update, the Store,
    /// their content network) rather than WSUS: a search of a public service, a download where
    /// every file comes from Microsoft's hosts or for a caller that searches only them.
    pub fn public_operation(&self, o: &Operation) -> bool {
        o.public_service() == Some(true)
            || (o.kind() == OperationKind::Download
                && (self.cdn_files.contains(&o.file) || self.public_callers.iter().any(|(f, c)| *f == o.file && *c == o.caller)))
    }

    /// `text` with the placeholders this machine's logs fill.
    pub fn fill(&self, text: &str) -> String {
        let mut s = text.to_string();
        if let Some((scheme, host, port)) = &self.wsus {
            s = s.replace(WSUS_URL, &format!("{scheme}://{host}:{port}")).replace(WSUS_HOST, host).replace(WSUS_PORT, &port.to_string());
        }
        if let Some(p) = &self.proxy {
            let host = p.rsplit_once(':').filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit())).map_or(p.as_str(), |(h, _)| h);
            s = s.replace(PROXY_HOST, host).replace(PROXY, p);
        }
        s
    }

    /// A step with its placeholders filled.
    pub fn fill_step(&self, st: &wulens_kb::Step) -> wulens_kb::Step {
        wulens_kb::Step { text: self.fill(&st.text).into(), command: st.command.as_deref().map(|c| self.fill(c).into()), fits: st.fits }
    }
}
