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

use memchr::memmem::Finder;

use crate::analysis::Analysis;
use crate::model::LogKind;

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
}
