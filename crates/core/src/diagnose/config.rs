//! Client configuration given next to the logs, and what it says about the scan.
//!
//! Two facts decide many scan failures and are in no log (article 000, "Group Policy
//! overrides...", the proxy section; article 001, step 1's registry table): which WSUS server
//! the Windows Update policy points to, and which WinHTTP proxy the agent uses. Admins get them
//! with `reg query HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate /s` (or `reg export`)
//! and `netsh winhttp show proxy`; `read::config` parses them, this module reads them as a card
//! and joins them with the logs (the joins the `config_*` rules name). On a device managed by
//! Intune, the Windows Update policies come from the MDM update ring instead: an
//! `MDMDiagReport.xml` (MdmDiagnosticsTool, Intune's Collect diagnostics) shows them
//! (`read::mdm`), read here as the ring.

use super::operations::Operation;
use crate::analysis::Analysis;
use crate::model::time::days_from_civil;
use crate::model::{InputWarning, LogFormat, LogKind, OperationKind, Setting};
use crate::read::config::{is_wu_policy_key, parse_netsh, parse_reg_export, parse_reg_query, parse_url, same_endpoint, url_in, ProxySetting};

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

/// Configuration that was not given (its words and the command that collects it are the
/// output's: `output/words/codes.rs`, `collect/artifacts.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingConfig {
    /// The Windows Update policy (a `reg query` or `reg export` of its key).
    Policy,
    /// The WinHTTP proxy (`netsh winhttp show proxy`).
    Proxy,
}

impl MissingConfig {
    /// The id of the artifact that collects it (`collect/artifacts.toml`).
    pub fn artifact(self) -> &'static str {
        match self {
            MissingConfig::Policy => "update_policy",
            MissingConfig::Proxy => "winhttp_proxy",
        }
    }
}

/// An MDM diagnostics report that cannot be read as XML: its file, and the XML reader's error.
#[derive(Debug, Clone)]
pub struct UnreadableRing {
    pub file: String,
    pub error: String,
}

/// The MDM update ring (Intune's "Update rings for Windows 10 and later"): the `Update`
/// policies of the Policy CSP an MDM report shows in force.
#[derive(Debug, Default, Clone)]
pub struct Ring {
    /// The report they were read from.
    pub file: String,
    /// The management server that set them, where the report names it (`Microsoft Intune`).
    pub server: String,
    /// Every `Update` policy, by its Policy CSP name, in the report's order.
    pub settings: Vec<(String, Setting)>,
}

/// How long a pause lasts from its start date (Policy CSP, `PauseQualityUpdatesStartTime`:
/// "paused for 35 days from the specified start date"; the same for feature updates).
pub const PAUSE_DAYS: i64 = 35;

/// A pause of quality or feature updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    /// The policy that sets it: the start date, else the `Pause...Updates` flag.
    pub setting: Setting,
    /// The first and the last day paused (days since 1970-01-01), where a start date is given.
    pub days: Option<(i64, i64)>,
}

impl Pause {
    /// Is the pause in effect at `ms` (UTC)? None where its start is not known.
    pub fn in_effect_at(&self, ms: i64) -> Option<bool> {
        let day = ms.div_euclid(86_400_000);
        self.days.map(|(a, b)| (a..=b).contains(&day))
    }
}

/// `2026-11-02` (a time may follow) as days since 1970-01-01.
fn day_of(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| std::str::from_utf8(b.get(r)?).ok()?.parse::<u32>().ok();
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y as i32, m, d))
}

/// The kind of update a pause or deferral is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateClass {
    /// Monthly cumulative and security updates.
    Quality,
    /// A new Windows version.
    Feature,
}

impl UpdateClass {
    pub fn word(self) -> &'static str {
        match self {
            UpdateClass::Quality => "quality",
            UpdateClass::Feature => "feature",
        }
    }

    fn policy(self) -> &'static str {
        match self {
            UpdateClass::Quality => "Quality",
            UpdateClass::Feature => "Feature",
        }
    }
}

impl Ring {
    pub fn get(&self, name: &str) -> Option<&Setting> {
        self.settings.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, s)| s)
    }

    /// A whole number of days (a deferral), where set.
    pub fn days(&self, name: &str) -> Option<(u32, &Setting)> {
        self.get(name).and_then(|s| s.value.trim().parse().ok().map(|d| (d, s)))
    }

    /// `DeferQualityUpdatesPeriodInDays` / `DeferFeatureUpdatesPeriodInDays`, where above 0.
    pub fn deferral(&self, class: UpdateClass) -> Option<(u32, &Setting)> {
        self.days(&format!("Defer{}UpdatesPeriodInDays", class.policy())).filter(|(d, _)| *d > 0)
    }

    /// The pause of `class`: its start date (`Pause...UpdatesStartTime`), or the flag
    /// (`Pause...Updates` = 1) alone; none when the flag says 0 or neither is set.
    pub fn pause(&self, class: UpdateClass) -> Option<Pause> {
        let flag = self.get(&format!("Pause{}Updates", class.policy()));
        if flag.is_some_and(|f| f.value.trim() == "0") {
            return None;
        }
        let start = self.get(&format!("Pause{}UpdatesStartTime", class.policy())).filter(|s| !s.value.trim().is_empty());
        match (start.and_then(|s| day_of(&s.value).map(|d| (s, d))), flag) {
            (Some((s, d)), _) => Some(Pause { setting: s.clone(), days: Some((d, d + PAUSE_DAYS - 1)) }),
            (None, Some(f)) if f.value.trim() == "1" => Some(Pause { setting: f.clone(), days: None }),
            _ => None,
        }
    }

    /// The update service the ring points the agent at (`UpdateServiceUrl`), where it is a URL.
    pub fn service_url(&self) -> Option<&Setting> {
        self.get("UpdateServiceUrl").filter(|s| parse_url(&s.value).is_some())
    }

    /// Does the ring manage updates from Windows Update (deferrals, pauses), as opposed to only
    /// pointing the agent somewhere?
    pub fn manages_windows_update(&self) -> bool {
        [UpdateClass::Quality, UpdateClass::Feature].iter().any(|&c| self.deferral(c).is_some() || self.pause(c).is_some())
    }
}

/// What the configuration inputs and the logs say about the client's update source.
#[derive(Debug, Default)]
pub struct ConfigFacts {
    pub policy: Option<Policy>,
    pub proxy: Option<Proxy>,
    /// The MDM update ring, where an MDM report was given.
    pub ring: Option<Ring>,
    /// The WSUS servers ConfigMgr gave the client (see `wsus_locations`), with their lines.
    pub locations: Vec<(Setting, usize, usize)>,
    pub missing: Vec<MissingConfig>,
    /// Configuration files that could not be read, and why (the netsh outputs).
    pub unreadable: Vec<InputWarning>,
    /// MDM reports that could not be read (after `unreadable` in the report).
    pub unreadable_rings: Vec<UnreadableRing>,
}

impl ConfigFacts {
    /// False when no configuration input was given.
    pub fn provided(&self) -> bool {
        self.policy.is_some() || self.proxy.is_some() || self.ring.is_some()
    }

    /// The WSUS server ConfigMgr handed out, as the logs show it.
    pub fn wsus_location(&self) -> Option<&Setting> {
        self.locations.first().map(|(s, ..)| s)
    }
}

/// The LocationServices line that offered `url` (the latest such line).
pub(super) fn offered_line(a: &Analysis, url: &str) -> Option<(usize, usize)> {
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
pub(super) fn public_service_line(a: &Analysis) -> Option<(usize, usize)> {
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
            // A policy export that names the key but no values still counts: it says "nothing set";
            // so does an export of a key above it (Intune's collection exports all of
            // `HKLM\SOFTWARE\Policies`), but not one of another `WindowsUpdate` key.
            if used || names_policy_key(&f.text) {
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
        r.ring = ring(a, &mut r.unreadable_rings);
        r.locations = wsus_locations(a);
        if r.policy.is_none() {
            r.missing.push(MissingConfig::Policy);
        }
        if r.proxy.is_none() {
            r.missing.push(MissingConfig::Proxy);
        }
        r
    }
}

/// Does a registry export or query name the Windows Update policy key, or export a key above
/// it?
fn names_policy_key(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.contains("\\policies\\microsoft\\windows\\windowsupdate") {
        return true;
    }
    let first_key = lower.lines().map(str::trim).find(|l| l.starts_with("[hkey_") || l.starts_with("hkey_") || l.starts_with("hklm\\"));
    first_key.is_some_and(|k| {
        let k = k.trim_matches(['[', ']']).replace("hkey_local_machine\\", "hklm\\").replace("\\wow6432node", "");
        ["hklm\\software\\policies", "hklm\\software\\policies\\microsoft", "hklm\\software\\policies\\microsoft\\windows"].contains(&k.trim_end_matches('\\'))
    })
}

/// The MDM update ring from the first MDM report that can be read; the others that cannot are
/// said so.
fn ring(a: &Analysis, unreadable: &mut Vec<UnreadableRing>) -> Option<Ring> {
    let mut found = None;
    for f in a.files.iter().filter(|f| f.format == LogFormat::MdmReport) {
        match crate::read::mdm::parse(&f.text) {
            Ok(r) if found.is_none() => {
                let server = r.update.first().and_then(|p| r.servers.iter().find(|(id, _)| id.eq_ignore_ascii_case(&p.enrollment))).map(|(_, s)| s.clone());
                let settings = r.update.into_iter().map(|p| (p.name, Setting { value: p.value, file: f.name.clone(), line: p.line })).collect();
                found = Some(Ring { file: f.name.clone(), server: server.unwrap_or_default(), settings });
            }
            Ok(_) => {}
            Err(e) => unreadable.push(UnreadableRing { file: f.name.clone(), error: e.to_string() }),
        }
    }
    found
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
/// The distribution point URL a ConfigMgr client's content download failed on (else the latest
/// it downloaded from), and its host.
pub const DP_URL: &str = "<the distribution point's content URL>";
pub const DP_HOST: &str = "<your distribution point>";
/// The update a failed operation worked on, where its lines name exactly one.
pub const KB_NUMBER: &str = "<KB number>";
pub const UPDATE_ID: &str = "<update id>";
/// The update server a failed search talked to (its `Server URL = ...`), else its service's name.
pub const SEARCHED_SERVER: &str = "<the update server it searched>";
/// The Store app sysprep refused (`unprovisioned_app`): its name and its full name.
pub const APP_NAME: &str = "<package name from setupact.log>";
pub const APP_FULL_NAME: &str = "<package full name from setupact.log>";

/// This machine's servers as its logs and configuration state them (WSUS, the proxy, Microsoft's
/// content network, the distribution point) and the updates its failed work named: what the
/// advice's placeholders are filled with. (The configuration given as files is `ConfigFacts`;
/// the machines a drop holds are `DropMachine`s.)
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Servers {
    /// The WSUS server the agent uses: scheme, host, port (the scheme's default when not given).
    pub wsus: Option<(String, String, u16)>,
    /// Where [`Servers::wsus`] was read: the value as written and its line.
    pub wsus_from: Option<Setting>,
    /// The WinHTTP proxy (`host:port`, as netsh shows it).
    pub proxy: Option<String>,
    /// Files whose downloads come from Microsoft's content network, not from WSUS: every
    /// `File URL = ` the agent names there (every `Uri = ` or `cdnUrl = ` of Delivery
    /// Optimization's log) is on a Microsoft host.
    pub cdn_files: Vec<usize>,
    /// Callers (per file) whose every search in that file went to a Microsoft service (the
    /// Store's `Update;ScanForUpdates`, a Windows Update client): their downloads do too.
    pub public_callers: Vec<(usize, String)>,
    /// Failed operations (file, first entry) and the one KB number and update id their lines
    /// name, if they name one.
    pub updates: Vec<OperationUpdate>,
    /// The distribution point URL of a ConfigMgr content download: a failing one's, else the
    /// latest (`content.rs`).
    pub dp_url: Option<String>,
}

/// The update one failed operation worked on, as its lines name it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OperationUpdate {
    pub file: usize,
    pub start: Option<u32>,
    pub kb: Option<String>,
    pub id: Option<String>,
}

/// A package's name from its full name (`Name_Version_Architecture_ResourceId_PublisherId`).
pub fn app_name(full: &str) -> &str {
    full.split('_').next().unwrap_or(full)
}

/// Hosts of Microsoft's update content (Windows Update's CDN, Delivery Optimization's).
const MICROSOFT_HOSTS: [&str; 2] = ["microsoft.com", "windowsupdate.com"];

/// Is `url` on one of Microsoft's hosts?
pub fn microsoft_url(url: &str) -> bool {
    parse_url(url).is_some_and(|(_, host, _)| MICROSOFT_HOSTS.iter().any(|m| host == *m || host.ends_with(&format!(".{m}"))))
}

/// The downloads from Microsoft's services of a drop: (file, first entry, last entry), the
/// first entry 0 when the download began before its log does, the last `usize::MAX` when it has
/// no end in the log.
pub struct CdnDownloads {
    spans: Vec<(usize, usize, usize)>,
}

impl CdnDownloads {
    /// Is entry `e` of file `f` part of one of them?
    pub fn holds(&self, f: usize, e: usize) -> bool {
        self.spans.iter().any(|&(file, first, last)| file == f && first <= e && e <= last)
    }
}

impl Servers {
    /// The downloads from Microsoft's services (see `public_operation`), to tell which lines were
    /// met on them. Listed once, then asked about each line: a busy log has thousands of
    /// operations and thousands of lines to ask about.
    pub fn cdn_downloads(&self, ops: &[Operation]) -> CdnDownloads {
        let spans = ops
            .iter()
            .filter(|o| o.kind() == OperationKind::Download && self.public_operation(o))
            .map(|o| (o.file, o.start.map_or(0, |s| s as usize), o.end.map_or(usize::MAX, |x| x as usize)))
            .collect();
        CdnDownloads { spans }
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
            // A search with no server of its own in the log (the ConfigMgr scan's) used WSUS.
            s = s.replace(SEARCHED_SERVER, WSUS_URL);
            s = s.replace(WSUS_URL, &format!("{scheme}://{host}:{port}")).replace(WSUS_HOST, host).replace(WSUS_PORT, &port.to_string());
        }
        if let Some(url) = &self.dp_url {
            if let Some((_, host, _)) = parse_url(url) {
                s = s.replace(DP_HOST, &host);
            }
            s = s.replace(DP_URL, url);
        }
        if let Some(p) = &self.proxy {
            let host = p.rsplit_once(':').filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit())).map_or(p.as_str(), |(h, _)| h);
            s = s.replace(PROXY_HOST, host).replace(PROXY, p);
        }
        s
    }

    /// `text` with the placeholders this machine's logs fill, and those of the update that the
    /// failed operation `o` worked on.
    pub fn fill_for(&self, o: &Operation, text: &str) -> String {
        let mut s = text.to_string();
        if s.contains(SEARCHED_SERVER) {
            // `https://fe2cr.update.microsoft.com` (with its port where the URL gives one).
            let server = o
                .fact("server")
                .and_then(|u| parse_url(u).map(|(scheme, host, port)| port.map_or(format!("{scheme}://{host}"), |p| format!("{scheme}://{host}:{p}"))));
            let public = o.public_service().unwrap_or(false).then(|| o.service()).flatten();
            if let Some(x) = server.or(public) {
                s = s.replace(SEARCHED_SERVER, &x);
            }
        }
        let mut s = self.fill(&s);
        if let Some(full) = o.fact("unprovisioned_app") {
            s = s.replace(APP_FULL_NAME, full).replace(APP_NAME, app_name(full));
        }
        if let Some(u) = self.updates.iter().find(|u| u.file == o.file && u.start == o.start) {
            if let Some(kb) = &u.kb {
                s = s.replace(KB_NUMBER, kb);
            }
            if let Some(id) = &u.id {
                s = s.replace(UPDATE_ID, id);
            }
        }
        s
    }

    /// A step with its placeholders filled.
    pub fn fill_step(&self, st: &wulens_kb::Step) -> wulens_kb::Step {
        st.map_text(|t| self.fill(t))
    }
}
