//! What a fleet row reads from the logs' own lines, beside the report: the proxy the agent
//! used and the OS build, each with the `file:line` it came from. The report does not carry
//! them (a machine's report stays as it is); the fleet compares machines by them.
//!
//! The lines, in the shapes the agent and Delivery Optimization write them:
//! - the proxy: the legacy WindowsUpdate.log (Windows 7 to 8.1) on a failed request,
//!   `WARNING: SendRequest failed with hr = 80072efd. Proxy List used: <(null)> Bypass List used
//!   : <(null)> Auth Schemes used : <>`; `(null)` names no proxy. Windows 10's log writes
//!   `Using system proxy` / `Auto proxy settings` and never the server, so it gives none.
//! - the OS build: Windows 10 and 11's WindowsUpdate.log (Get-WindowsUpdateLog),
//!   `ProtocolTalker DeviceAttributes[URI]: E:...&OSVersion=10.0.19042.508&...`; the legacy
//!   log's `Report * OS Version = 6.1.7601.1.0.65792`. The latest line wins.
//! - Delivery Optimization's source: Get-DeliveryOptimizationLog's download start,
//!   `{CTelemetryLogger::_InternalTraceDownloadStart} hr = 0, jobId = ..., cacheHost = ,
//!   downloadMode = 1, downloadModeSrc = 7, ...` (tests/fixtures/delivery-optimization: the
//!   layout of that output, our own values): the download mode (0 HTTP only, 1 LAN peers, 2
//!   group, 3 internet peers, 99 simple, 100 bypass) and the Connected Cache server (`cacheHost`)
//!   where one is named. The last download start read (files in the drop's order) wins.
//! - the computer's own name, from the first of these that states one (a source that states two
//!   names states none: its logs are several machines'): `dsregcmd /status`'s `Device Name :`
//!   (Intune's Collect diagnostics runs it), the event logs' Computer column (as wulens renders
//!   a record: `Event 19, record 7, PC02.contoso.com, Information: ...`; each log's latest
//!   record, as a log that spans setup names the name setup gave first, `WIN-...`), setup's
//!   `COnlineWinNTPlatform: ComputerName=` and `Callback_ComputerName_Validate:Computer name is `.
//!   Kept as Windows shows a computer name: the first label of a DNS name, in capitals.
//! - the Entra (Azure AD) device id: `dsregcmd /status`'s `DeviceId : <guid>`.
//! - ConfigMgr's management point: the client's `Current Assigned Management Point is <fqdn>
//!   with Version ...` (LocationServices.log; a task sequence's smsts.log writes it too) or the
//!   client's WMI `CCM_Authority` as text, `CurrentManagementPoint = "<fqdn>";`. The site: the
//!   client's `<AssignedSite SiteCode="PS1"/>` (its WSUS location requests, ccmsetup's client
//!   manifest). A management point's own MP_Location.log names its clients' sites, not its
//!   machine's, and is not read. The latest line wins.

use memchr::memmem::Finder;

use crate::analysis::Analysis;
use crate::model::{computer_name, event_computer, LogKind};

/// A value and the `file:line` it was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub value: String,
    pub from: String,
}

/// What the fleet row reads from the logs' lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFacts {
    /// The proxy the agent's requests went through (`proxy01:8080`; several joined by a space).
    pub proxy: Option<Found>,
    /// The OS build as written (`10.0.19042.508`).
    pub os_build: Option<Found>,
    /// Delivery Optimization's download mode (`1`) and cache server (may be empty), and the
    /// download start line that gives them.
    pub delivery: Option<(String, Found)>,
    /// The computer's name as its logs state it (`PC-001`).
    pub computer: Option<Found>,
    /// The Entra device id, lower case (`0b9d...`).
    pub entra_device_id: Option<Found>,
    /// ConfigMgr's assigned management point (`ps1sys.contoso.com`, as written).
    pub management_point: Option<Found>,
    /// ConfigMgr's assigned site code (`PS1`, in capitals).
    pub site_code: Option<Found>,
}

/// Lines that state a machine attribute (the markers of [`RowFacts::of`]'s second pass).
const MP_ASSIGNED: &str = "Current Assigned Management Point is ";
const MP_WMI: &str = "CurrentManagementPoint = \"";
const SITE: &str = "<AssignedSite SiteCode=\"";
const DSREG_NAME: &str = "Device Name : ";
const DSREG_ID: &str = "DeviceId : ";
/// `dsregcmd /status`'s own heading lines: a file that holds one is its output.
const DSREG_STATE: &str = "AzureAdJoined : ";

/// The names one source states: the latest, and whether it stated another before.
#[derive(Default)]
struct Names {
    last: Option<Found>,
    several: bool,
}

impl Names {
    fn add(&mut self, name: &str, from: String) {
        let Some(name) = computer_name(name) else { return };
        if self.last.as_ref().is_some_and(|l| l.value != name) {
            self.several = true;
        }
        self.last = Some(Found { value: name, from });
    }

    fn one(self) -> Option<Found> {
        self.last.filter(|_| !self.several)
    }
}

/// A GUID (`8-4-4-4-12` hex digits, braces allowed), lower case.
fn guid(v: &str) -> Option<String> {
    let v = v.trim_start_matches('{').trim_end_matches('}');
    let shape = v.len() == 36 && v.bytes().enumerate().all(|(k, c)| if matches!(k, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() });
    shape.then(|| v.to_ascii_lowercase())
}

/// The run of host-name bytes at the start of `s` (letters, digits, `.`, `-`, `_`).
fn host_at(s: &str) -> &str {
    let end = s.bytes().position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))).unwrap_or(s.len());
    s[..end].trim_end_matches('.')
}

struct Finders {
    do_start: Finder<'static>,
    proxy_list: Finder<'static>,
    os_attr: Finder<'static>,
    os_legacy: Finder<'static>,
}

static FINDERS: std::sync::LazyLock<Finders> = std::sync::LazyLock::new(|| Finders {
    do_start: Finder::new("downloadMode = "),
    proxy_list: Finder::new("Proxy List used: <"),
    os_attr: Finder::new("OSVersion="),
    os_legacy: Finder::new("* OS Version = "),
});

/// The proxy servers of a `Proxy List used: <...>` line, joined by a space; none for `(null)`.
fn proxy_of(m: &str, at: usize) -> Option<String> {
    let rest = &m[at + "Proxy List used: <".len()..];
    let list = &rest[..rest.find('>')?];
    let servers: Vec<&str> = list.split([';', ' ']).map(str::trim).filter(|s| !s.is_empty() && *s != "(null)").collect();
    (!servers.is_empty()).then(|| servers.join(" "))
}

/// `10.0.19042.508` from `...&OSVersion=10.0.19042.508&...`, or the legacy `* OS Version = `'s.
fn os_of(m: &str, at: usize, key: &str) -> Option<String> {
    let rest = &m[at + key.len()..];
    let v: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    (v.contains('.') && v.starts_with(|c: char| c.is_ascii_digit())).then_some(v)
}

/// `name = value,` in a download start line: the value, trimmed (empty when none).
fn field<'a>(m: &'a str, name: &str) -> Option<&'a str> {
    let at = m.find(&format!("{name} = "))? + name.len() + 3;
    let rest = &m[at..];
    Some(rest[..rest.find(',').unwrap_or(rest.len())].trim())
}

/// The device a failed upgrade stopped in (`diagnose::blocking_device`), with its line.
pub fn blocking(a: &Analysis, d: &crate::diagnose::Diagnosis) -> Option<Found> {
    let stop = crate::diagnose::blocking_device(a, &d.operations)?;
    let f = &a.files[stop.file];
    let line = f.entries.get(stop.entry as usize).map_or(0, |e| e.line);
    Some(Found { value: stop.device, from: format!("{}:{line}", f.name) })
}

/// The client's place in its ConfigMgr site, as its own logs state it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteFacts {
    /// The AD site (`HQ-Berlin`).
    pub ad_site: Option<Found>,
    /// The client's version (`5.00.9128.1000`).
    pub client_version: Option<Found>,
    /// The site its version check says it can be assigned to (`PS1`, KB 2002059).
    pub site: Option<Found>,
    /// The software update point LocationServices gave it, `http://host:port` lower case.
    pub sup_location: Option<Found>,
    /// The distribution points its content came from (hosts, lower case, in order seen).
    pub dps: Vec<String>,
    /// The first line naming one of them.
    pub dps_from: String,
    /// The distribution point a download failed at, lower case, with the failure's line.
    pub dp_failed: Option<Found>,
    /// Its answer: `HTTP 405` where one is written, else the code (`0x87D0027E`).
    pub dp_failed_code: String,
    /// Maintenance-window types asked for that have no window (`4`: Software Updates).
    pub window_types_missing: Vec<String>,
    /// When the next window begins, as written, with its line.
    pub window_next: Option<Found>,
    /// Each scan's outcome: (time as written, completed, the failure's code).
    pub scans: Vec<(String, bool, String)>,
    /// The Software Updates feature as UpdatesDeployment.log last states it (`Enabling software
    /// Updates feature` on, `Software Updates feature is disabled` off: reallogs 04), with its line.
    pub updates_feature: Option<(bool, Found)>,
    /// A site server's software update points whose latest synchronization failed (wsyncmgr.log:
    /// `Synchronizing WSUS server <name> ...` then `Sync failed: <reason>. Source: ...` before its
    /// `Done synchronizing WSUS Server <name>`; "Track software update synchronization"): each
    /// host, lower case, the time its failures began (as written) and that line.
    pub sync_failing: Vec<(String, Found)>,
}

/// The host of a URL (`http://PS1DP02.CONTOSO.COM:80/SMS_DP_SMSPKG$/...` → `ps1dp02.contoso.com`).
fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = host_at(rest);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The text between `key` and the next `'`.
fn quoted<'a>(m: &'a str, key: &str) -> Option<&'a str> {
    let rest = &m[m.find(key)? + key.len()..];
    Some(&rest[..rest.find('\'')?])
}

impl SiteFacts {
    /// Read from the client's ConfigMgr logs.
    pub fn of(a: &Analysis) -> SiteFacts {
        let mut r = SiteFacts::default();
        let mut http: Option<String> = None;
        let mut asked: Option<String> = None;
        let mut sync_at: Option<String> = None;
        for f in a.files.iter().filter(|f| f.is_text()) {
            let kind = [
                LogKind::LocationServices,
                LogKind::ContentTransferManager,
                LogKind::DataTransferService,
                LogKind::ServiceWindowManager,
                LogKind::WuaHandler,
                LogKind::UpdatesDeployment,
                LogKind::WsyncMgr,
            ]
            .into_iter()
            .find(|k| f.is(*k));
            let Some(kind) = kind else { continue };
            for (i, e) in f.entries.iter().enumerate() {
                let m = f.message(e);
                let found = |value: String| Found { value, from: format!("{}:{}", f.name, e.line) };
                match kind {
                    LogKind::LocationServices => {
                        if let Some(site) = m.strip_prefix("Current AD site of machine is ") {
                            r.ad_site = Some(found(site.trim().to_string()));
                        } else if let Some(v) = quoted(m, "Verified Client Version '") {
                            r.client_version = Some(found(v.to_string()));
                            let code =
                                m.split_once("Client can be assigned to site <").and_then(|(_, c)| c.split_once('>')).map(|(c, _)| c.to_ascii_uppercase());
                            if let Some(code) = code.filter(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphanumeric())) {
                                r.site = Some(found(code));
                            }
                        } else if let Some(url) = m.strip_prefix("WSUS Path='").and_then(|_| quoted(m, "WSUS Path='")) {
                            let v = match crate::read::config::parse_url(url) {
                                Some((scheme, host, port)) => format!("{scheme}://{host}:{}", port.unwrap_or(if scheme == "https" { 443 } else { 80 })),
                                None => url.to_string(),
                            };
                            r.sup_location = Some(found(v.to_ascii_lowercase()));
                        } else if let Some(h) = quoted(m, "Distribution Point='").and_then(url_host) {
                            r.add_dp(h, found(String::new()).from);
                        }
                    }
                    LogKind::ContentTransferManager => {
                        if let Some(h) = m.contains(" started download from '").then(|| quoted(m, " started download from '")).flatten().and_then(url_host) {
                            r.add_dp(h, found(String::new()).from);
                        }
                    }
                    LogKind::DataTransferService => {
                        if let Some(code) =
                            m.split_once("Error sending DAV request. HTTP code ").map(|(_, c)| c.chars().take_while(char::is_ascii_digit).collect::<String>())
                        {
                            http = Some(format!("HTTP {code}"));
                        } else if let Some(h) =
                            m.starts_with("GetDirectoryList_HTTP('").then(|| quoted(m, "GetDirectoryList_HTTP('")).flatten().and_then(url_host)
                        {
                            let code = m
                                .split_once("failed with code ")
                                .map(|(_, c)| c.trim_end_matches('.').trim())
                                .and_then(|c| u32::from_str_radix(c.trim_start_matches("0x").trim_start_matches("0X"), 16).ok())
                                .map(|c| format!("0x{c:08X}"));
                            r.dp_failed_code = http.clone().or(code).unwrap_or_default();
                            r.dp_failed = Some(found(h));
                        }
                    }
                    LogKind::ServiceWindowManager => {
                        if let Some(t) = m.split_once("OnIsServiceWindowAvailable called with:").and_then(|(_, r)| r.split_once("Type:")) {
                            asked = Some(t.1.trim().to_string());
                        } else if m.starts_with("No Service Windows exist for this type") {
                            if let Some(t) = asked.clone().filter(|t| !r.window_types_missing.contains(t)) {
                                r.window_types_missing.push(t);
                            }
                        } else if let Some(rest) = m.strip_prefix("Next Event Time is at ") {
                            if m.ends_with("Is the next event the beginning of the window? Yes") {
                                r.window_next = Some(found(rest.split(". Service Window").next().unwrap_or(rest).trim().to_string()));
                            }
                        }
                    }
                    LogKind::WsyncMgr => {
                        let m = m.trim();
                        if let Some(h) = m.strip_prefix("Synchronizing WSUS server ").map(|h| h.trim_end_matches("...").trim().to_ascii_lowercase()) {
                            sync_at = Some(h);
                        } else if let Some(h) = m.strip_prefix("Done synchronizing WSUS Server ") {
                            let h = h.trim().to_ascii_lowercase();
                            r.sync_failing.retain(|(x, _)| *x != h);
                        } else if m.starts_with("Sync failed: ") {
                            if let Some(h) = sync_at.take().filter(|h| !r.sync_failing.iter().any(|(x, _)| x == h)) {
                                let at = crate::model::time_of(f, i).unwrap_or_default();
                                r.sync_failing.push((h, Found { value: at, from: format!("{}:{}", f.name, e.line) }));
                            }
                        }
                    }
                    LogKind::UpdatesDeployment => {
                        let m = m.trim();
                        if m == "Enabling software Updates feature" || m == "Software Updates feature is disabled" {
                            r.updates_feature = Some((m.starts_with("Enabling"), found(String::new())));
                        }
                    }
                    _ => {
                        let ok = m.starts_with("Successfully completed scan.");
                        if ok || m.starts_with("Scan failed with error = ") {
                            if let Some(t) = crate::model::time_of(f, i) {
                                let code = m
                                    .strip_prefix("Scan failed with error = ")
                                    .map(|c| c.trim().trim_end_matches('.').to_ascii_uppercase())
                                    .unwrap_or_default();
                                r.scans.push((t, ok, code));
                            }
                        }
                    }
                }
            }
        }
        r.scans.sort();
        r
    }

    fn add_dp(&mut self, host: String, from: String) {
        if self.dps.is_empty() {
            self.dps_from = from;
        }
        if !self.dps.contains(&host) {
            self.dps.push(host);
        }
    }

    /// (failing since, last failure, last success) of the scans, as a fleet row gives them:
    /// the run of failures that ends the logs, from the first failure with the code the latest
    /// gives (a fault of the machine's own before its server broke is another failure), and the
    /// success before the run.
    pub fn scan_onset(&self) -> Option<(String, String, String)> {
        let last_ok = self.scans.iter().rposition(|(_, ok, _)| *ok);
        let run = &self.scans[last_ok.map_or(0, |i| i + 1)..];
        let last = run.last()?;
        let first = run.iter().rposition(|(_, _, code)| *code != last.2).map_or(&run[0], |i| &run[i + 1]);
        Some((first.0.clone(), last.0.clone(), last_ok.map(|i| self.scans[i].0.clone()).unwrap_or_default()))
    }
}

impl RowFacts {
    /// Read from every WindowsUpdate.log of the drop; the latest line of each kind wins.
    pub fn of(a: &Analysis) -> RowFacts {
        let fs = &*FINDERS;
        let mut r = RowFacts::default();
        for f in a.files.iter().filter(|f| f.is(LogKind::DeliveryOptimization)) {
            for e in &f.entries {
                let m = f.message(e);
                if fs.do_start.find(m.as_bytes()).is_none() {
                    continue;
                }
                let mode = field(m, "downloadMode").unwrap_or_default();
                if !mode.is_empty() && mode.chars().all(|c| c.is_ascii_digit()) {
                    let cache = field(m, "cacheHost").unwrap_or_default().to_string();
                    r.delivery = Some((cache, Found { value: mode.to_string(), from: format!("{}:{}", f.name, e.line) }));
                }
            }
        }
        r.identity(a);
        for f in a.files.iter().filter(|f| f.is(LogKind::WindowsUpdate)) {
            let found = |value: String, line: u32| Found { value, from: format!("{}:{line}", f.name) };
            for e in &f.entries {
                let m = f.message(e);
                if let Some(at) = fs.proxy_list.find(m.as_bytes()) {
                    if let Some(p) = proxy_of(m, at) {
                        r.proxy = Some(found(p, e.line));
                    }
                }
                if let Some(at) = fs.os_attr.find(m.as_bytes()) {
                    // `DL_OSVersion=` is the version a download is for, not the machine's.
                    if !m[..at].ends_with("DL_") {
                        if let Some(v) = os_of(m, at, "OSVersion=") {
                            r.os_build = Some(found(v, e.line));
                        }
                    }
                } else if let Some(at) = fs.os_legacy.find(m.as_bytes()) {
                    if let Some(v) = os_of(m, at, "* OS Version = ") {
                        r.os_build = Some(found(v, e.line));
                    }
                }
            }
        }
        r
    }

    /// The computer's name, its Entra device id, its management point and site.
    fn identity(&mut self, a: &Analysis) {
        let (mut dsreg, mut events, mut setup) = (Names::default(), Names::default(), Names::default());
        for f in a.files.iter().filter(|f| f.is_text()) {
            let text = f.text.as_bytes();
            let has = |m: &str| memchr::memmem::find(text, m.as_bytes()).is_some();
            let at = |e: &crate::model::Entry| format!("{}:{}", f.name, e.line);
            if f.is(LogKind::EventLog) {
                // The latest record's: a log that spans setup names its first name too
                // (`WIN-...` before the machine was renamed).
                let last = f.entries.iter().rev().find_map(|e| event_computer(f.message(e)).filter(|c| !c.is_empty()).map(|c| (c, e)));
                if let Some((c, e)) = last {
                    events.add(c, at(e));
                }
                continue;
            }
            if has(DSREG_STATE) {
                for e in &f.entries {
                    let m = f.message(e).trim();
                    if let Some(name) = m.strip_prefix(DSREG_NAME) {
                        dsreg.add(name, at(e));
                    } else if let Some(id) = m.strip_prefix(DSREG_ID).and_then(|v| guid(v.trim())) {
                        self.entra_device_id = Some(Found { value: id, from: at(e) });
                    }
                }
            }
            if f.is(LogKind::Setup) && crate::diagnose::NAME_MARKERS.iter().any(|m| has(m)) {
                for e in &f.entries {
                    let m = f.message(e);
                    if let Some(name) = crate::diagnose::NAME_MARKERS.iter().find_map(|k| m.find(k).map(|i| &m[i + k.len()..])) {
                        setup.add(host_at(name), at(e));
                    }
                }
            }
            // A management point's or a WSUS server's own logs name other machines' sites.
            if f.is(LogKind::MpLocation) || f.is(LogKind::SoftwareDistribution) || !(has(MP_ASSIGNED) || has(MP_WMI) || has(SITE)) {
                continue;
            }
            for e in &f.entries {
                let m = f.message(e);
                let mp = m.find(MP_ASSIGNED).map(|i| i + MP_ASSIGNED.len()).or_else(|| m.find(MP_WMI).map(|i| i + MP_WMI.len()));
                if let Some(mp) = mp.map(|i| host_at(&m[i..])).filter(|h| h.contains(|c: char| c.is_ascii_alphabetic())) {
                    self.management_point = Some(Found { value: mp.to_ascii_lowercase(), from: at(e) });
                }
                if let Some(i) = m.find(SITE) {
                    let code: String = m[i + SITE.len()..].chars().take_while(char::is_ascii_alphanumeric).collect();
                    if code.len() == 3 {
                        self.site_code = Some(Found { value: code.to_ascii_uppercase(), from: at(e) });
                    }
                }
            }
        }
        self.computer = [dsreg, events, setup].into_iter().find_map(Names::one);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysis(name: &str, text: &str) -> Analysis {
        Analysis::from_inputs(vec![crate::read::Input { name: name.into(), bytes: text.as_bytes().to_vec().into() }], &crate::read::Limits::default())
    }

    #[test]
    fn the_legacy_log_names_the_proxy_and_the_os() {
        let text = "2022-04-19\t09:46:11:519\t 692\t574\tReport\t  * OS Version = 6.1.7601.1.0.65792\r\n\
2017-03-23\t17:44:13:441\t1112\t2d14\tMisc\tWARNING: SendRequest failed with hr = 80072efd. Proxy List used: <(null)> Bypass List used : <(null)> Auth Schemes used : <>\r\n\
2017-03-23\t17:45:13:441\t1112\t2d14\tMisc\tWARNING: SendRequest failed with hr = 80072efd. Proxy List used: <proxy01.contoso.com:8080> Bypass List used : <(null)> Auth Schemes used : <>\r\n";
        let r = RowFacts::of(&analysis("WindowsUpdate.log", text));
        assert_eq!(r.proxy, Some(Found { value: "proxy01.contoso.com:8080".into(), from: "WindowsUpdate.log:3".into() }));
        assert_eq!(r.os_build, Some(Found { value: "6.1.7601.1.0.65792".into(), from: "WindowsUpdate.log:1".into() }));
    }

    #[test]
    fn delivery_optimization_names_its_mode_and_cache_server() {
        let text = "2026-11-14T09:12:03.2210553Z  AC8 40C8     Info {CTelemetryLogger::_InternalTraceDownloadStart} hr = 0, jobId = 5b0e4c2a, cacheHost = , downloadMode = 1, downloadModeSrc = 7, isVpn = 0\r\n\
2026-11-14T09:13:03.2210553Z  AC8 40C8     Info {CTelemetryLogger::_InternalTraceDownloadStart} hr = 0, jobId = 6b0e4c2a, cacheHost = mcc01.contoso.com, downloadMode = 2, downloadModeSrc = 7, isVpn = 0\r\n";
        let a = analysis("DeliveryOptimization.log", text);
        assert!(a.files[0].is(LogKind::DeliveryOptimization));
        let (cache, mode) = RowFacts::of(&a).delivery.expect("a download start");
        assert_eq!((cache.as_str(), mode.value.as_str(), mode.from.as_str()), ("mcc01.contoso.com", "2", "DeliveryOptimization.log:2"));
    }

    #[test]
    fn the_windows_10_log_names_the_os_build_not_a_downloads() {
        let text = "2025/03/19 07:13:47.8749292 24624 27276 ProtocolTalker  DeviceAttributes[URI]: E:FlightRing=Retail&WuClientVer=10.0.19041.508&OSVersion=10.0.19042.508&DL_OSVersion=10.0.20348.2908\r\n\
2025/03/19 07:13:48.8749292 24624 27276 WebServices     Auto proxy settings for this web service call.\r\n";
        let r = RowFacts::of(&analysis("WindowsUpdate.log", text));
        assert_eq!(r.os_build.map(|f| f.value), Some("10.0.19042.508".into()));
        assert_eq!(r.proxy, None, "Windows 10 never names the proxy's server");
    }

    #[test]
    fn dsregcmd_names_the_computer_and_its_entra_device_id() {
        let text = "+------+\r\n| Device State |\r\n+------+\r\n\r\n             AzureAdJoined : YES\r\n               Device Name : pc-07.corp.contoso.com\r\n\r\n                  DeviceId : 6F1C2B7E-3D4A-4E5B-9C8D-0A1B2C3D4E5F\r\n";
        let r = RowFacts::of(&analysis("dsregcmd.txt", text));
        assert_eq!(r.computer, Some(Found { value: "PC-07".into(), from: "dsregcmd.txt:6".into() }));
        assert_eq!(r.entra_device_id, Some(Found { value: "6f1c2b7e-3d4a-4e5b-9c8d-0a1b2c3d4e5f".into(), from: "dsregcmd.txt:8".into() }));
        // `Device Name :` outside dsregcmd's output names nothing.
        let r = RowFacts::of(&analysis("notes.txt", "               Device Name : PC-99\r\n"));
        assert_eq!((r.computer, r.entra_device_id), (None, None));
    }

    #[test]
    fn setup_names_the_computer_and_two_names_are_none() {
        let line = |n: &str| format!("2026-11-20 05:12:40, Info                  MIG    COnlineWinNTPlatform: ComputerName={n}\r\n");
        let r = RowFacts::of(&analysis("setupact.log", &line("branch-07")));
        assert_eq!(r.computer, Some(Found { value: "BRANCH-07".into(), from: "setupact.log:1".into() }));
        let r = RowFacts::of(&analysis("setupact.log", &(line("BRANCH-07") + &line("LAB-12"))));
        assert_eq!(r.computer, None, "a log of two machines names neither");
    }

    #[test]
    fn a_client_and_a_site_server_state_their_place_in_the_site() {
        let cm = |m: &str, c: &str, t: &str| {
            format!("<![LOG[{m}]LOG]!><time=\"{t}.000+000\" date=\"11-17-2026\" component=\"{c}\" context=\"\" type=\"1\" thread=\"1\" file=\"x.cpp:1\">\r\n")
        };
        let ls = cm("Current AD site of machine is HQ-Berlin", "LocationServices", "08:00:00")
            + &cm("LSVerifySiteVersion : Verified Client Version '5.00.9128.1000' is not greater than Site Version '5.00.9132.1000'. Client can be assigned to site <PS1>.", "LocationServices", "08:00:01")
            + &cm("WSUS Path='http://PS1SUP02.CONTOSO.COM:8530', Server='PS1SUP02.CONTOSO.COM', Version='112'", "LocationServices", "08:00:02");
        let dts = cm("Error sending DAV request. HTTP code 405, status 'Method Not Allowed'", "DataTransferService", "09:00:00")
            + &cm("GetDirectoryList_HTTP('http://PS1DP02.CONTOSO.COM:80/SMS_DP_SMSPKG$/7e1a') failed with code 0x87d0027e.", "DataTransferService", "09:00:00");
        let wua = cm("Successfully completed scan.", "WUAHandler", "10:00:00")
            + &cm("Scan failed with error = 0x80244022.", "WUAHandler", "14:16:00")
            + &cm("Scan failed with error = 0x80244022.", "WUAHandler", "18:00:00");
        let ud = cm("Enabling software Updates feature", "UpdatesDeploymentAgent", "07:00:00")
            + &cm("Software Updates feature is disabled", "UpdatesDeploymentAgent", "07:30:00");
        let inputs = [("LocationServices.log", ls), ("DataTransferService.log", dts), ("WUAHandler.log", wua), ("UpdatesDeployment.log", ud)]
            .into_iter()
            .map(|(n, t)| crate::read::Input { name: n.into(), bytes: t.into_bytes().into() })
            .collect();
        let s = SiteFacts::of(&Analysis::from_inputs(inputs, &crate::read::Limits::default()));
        let onset = s.scan_onset();
        assert_eq!(s.ad_site.map(|f| f.value), Some("HQ-Berlin".into()));
        assert_eq!(s.client_version.map(|f| f.value), Some("5.00.9128.1000".into()));
        assert_eq!(s.site.map(|f| (f.value, f.from)), Some(("PS1".into(), "LocationServices.log:2".into())));
        assert_eq!(s.sup_location.map(|f| (f.value, f.from)), Some(("http://ps1sup02.contoso.com:8530".into(), "LocationServices.log:3".into())));
        assert_eq!((s.dp_failed.map(|f| f.value), s.dp_failed_code.as_str()), (Some("ps1dp02.contoso.com".into()), "HTTP 405"));
        assert_eq!(s.updates_feature.clone().map(|(on, f)| (on, f.from)), Some((false, "UpdatesDeployment.log:2".into())));
        let (since, last, ok) = onset.expect("failing scans");
        assert!(since.starts_with("2026-11-17T14:16") && last.starts_with("2026-11-17T18:00") && ok.starts_with("2026-11-17T10:00"), "{since} {last} {ok}");
        // A site server: the replica's synchronization fails after it last succeeded.
        let sms = |m: &str, t: &str| format!("{m}  $$<SMS_WSUS_SYNC_MANAGER><11-18-2026 {t}.000+000><thread=4120 (0x1018)>\r\n");
        let w = sms("Synchronizing WSUS server sup02.contoso.com ...", "01:00:00")
            + &sms("Done synchronizing WSUS Server sup02.contoso.com", "01:02:00")
            + &sms("Synchronizing WSUS server sup02.contoso.com ...", "02:00:00")
            + &sms("Sync failed: The request failed with HTTP status 503: Service Unavailable. Source: X", "02:08:00");
        let s = SiteFacts::of(&analysis("wsyncmgr.log", &w));
        assert_eq!(s.sync_failing.iter().map(|(h, f)| (h.as_str(), f.from.as_str())).collect::<Vec<_>>(), vec![("sup02.contoso.com", "wsyncmgr.log:4")]);
    }

    #[test]
    fn the_configmgr_client_names_its_management_point_and_site() {
        let cm = |m: &str, c: &str| {
            format!(
                "<![LOG[{m}]LOG]!><time=\"08:00:02.000+000\" date=\"11-20-2026\" component=\"{c}\" context=\"\" type=\"1\" thread=\"1\" file=\"x.cpp:1\">\r\n"
            )
        };
        let text = cm("Current Assigned Management Point is MP02.CONTOSO.COM with Version 9122 and Capabilities: <Capabilities/>", "LocationServices")
            + &cm(
                "WSUSLocationRequest : <WSUSLocationRequest SchemaVersion=\"1.00\"><AssignedSite SiteCode=\"ps2\"/></WSUSLocationRequest>",
                "LocationServices",
            );
        let r = RowFacts::of(&analysis("LocationServices.log", &text));
        assert_eq!(r.management_point, Some(Found { value: "mp02.contoso.com".into(), from: "LocationServices.log:1".into() }));
        assert_eq!(r.site_code, Some(Found { value: "PS2".into(), from: "LocationServices.log:2".into() }));
        // The client's WMI as text.
        let r = RowFacts::of(&analysis(
            "root_ccm.txt",
            "instance of CCM_Authority\r\n{\r\n\tName = \"SMS:PS1\";\r\n\tCurrentManagementPoint = \"PS1SYS.CONTOSO.COM\";\r\n};\r\n",
        ));
        assert_eq!(r.management_point.map(|f| (f.value, f.from)), Some(("ps1sys.contoso.com".into(), "root_ccm.txt:4".into())));
        // A management point's own log names its clients' sites, not its own machine's.
        let mp = cm("MP LM: Message Body : <LocationRequest><AssignedSite SiteCode=\"PS9\"/></LocationRequest>", "MP_LocationManager");
        let r = RowFacts::of(&analysis("MP_Location.log", &mp));
        assert_eq!(r.site_code, None);
    }
}
