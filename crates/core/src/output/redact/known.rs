//! What the redaction keeps and where it looks: Microsoft's public update endpoints, the top
//! level domains a host name ends in, the labels logs put before computer names, user names and
//! ids, and the words that are never a learned name.

/// Domains of Microsoft's public services that update logs name: kept, since the conclusion
/// needs them and they identify no one. A host is kept when it is one of these or ends in
/// `.` and one of these. From Microsoft's list of the endpoints Windows Update, Delivery
/// Optimization and the connectivity test use ("Manage connection endpoints for Windows 11
/// Enterprise" and "Windows Update troubleshooting: WSUS and proxy", learn.microsoft.com):
/// `*.update.microsoft.com`, `*.windowsupdate.com`, `*.delivery.mp.microsoft.com`,
/// `*.dl.delivery.mp.microsoft.com`, `*.do.dsp.mp.microsoft.com`, `ctldl.windowsupdate.com`,
/// `*.msftconnecttest.com`, `*.msftncsi.com`, `settings-win.data.microsoft.com`,
/// `login.live.com`, `login.microsoftonline.com`, `*.manage.microsoft.com` (Intune), `*.wns.windows.com`, and
/// the schema and documentation hosts their XML and messages cite.
pub const MICROSOFT_DOMAINS: &[&str] = &[
    "microsoft.com",
    "windowsupdate.com",
    "msftconnecttest.com",
    "msftncsi.com",
    "windows.com",
    "live.com",
    "microsoftonline.com",
    "msedge.net",
    "aka.ms",
    "sfx.ms",
    "microsoft.net",
    "asp.net",
    "bing.com",
    "office.com",
    "w3.org",
    "xmlsoap.org",
];

/// Top-level domains a host name in a log ends in: the generic ones, the names internal
/// networks use (`.local`, `.corp`, `.lan`, ...) and country codes, less those that are also
/// file extensions in update logs (`.cat`, `.md`, `.ps`, `.rs`, `.sh`, `.py`, `.so`, `.in`).
/// A dotted word ending otherwise (`WindowsUpdate.log`, `wuaueng.dll`) is no host.
pub const TLDS: &[&str] = &[
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "io",
    "co",
    "cloud",
    "online",
    "local",
    "localdomain",
    "lan",
    "corp",
    "internal",
    "intra",
    "intranet",
    "home",
    "private",
    "ad",
    "domain",
    "test",
    "example",
    "invalid",
    "de",
    "uk",
    "fr",
    "nl",
    "be",
    "ch",
    "at",
    "se",
    "no",
    "dk",
    "fi",
    "it",
    "es",
    "pt",
    "pl",
    "cz",
    "sk",
    "hu",
    "ro",
    "ru",
    "ua",
    "jp",
    "cn",
    "kr",
    "tw",
    "hk",
    "sg",
    "au",
    "nz",
    "ca",
    "us",
    "br",
    "mx",
    "ar",
    "cl",
    "za",
    "ie",
    "il",
    "tr",
    "gr",
    "lu",
    "li",
    "eu",
    "ms",
];

/// Labels of a file name's extension: a dotted word with one of these inside
/// (`app.exe.local`) is a file, not a host.
pub const FILE_EXTENSIONS: &[&str] =
    &["exe", "dll", "sys", "log", "cab", "msi", "msu", "mum", "cat", "xml", "txt", "manifest", "etl", "evtx", "inf", "ini", "dat"];

/// What a label announces: the kind of the value after it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Label {
    /// A computer name (`ComputerName=PC01`).
    Computer,
    /// A user or account name (`UserName: jdoe`, `CORP\jdoe`).
    User,
    /// A GUID that identifies a device, tenant, user, machine, account or client.
    Id,
    /// A proxy server (`Proxy Server(s) :  proxy01:8080`).
    Proxy,
    /// A domain or tenant name (`DomainName : CORP`, `TenantName : Contoso`): learned whole.
    Domain,
    /// A site server's name: a management point, fallback status point, CMG or other server a
    /// ConfigMgr client is told of (`/mp:VR-SRV-01`, `FSP=primary.lan`, `CCMHOSTNAME=…`).
    Server,
    /// A ConfigMgr site code (`SMSSITECODE=PS1`, `<SiteCode>PS1</SiteCode>`, `site '<P04>'`).
    Site,
    /// An Entra (Azure AD) tenant id.
    Tenant,
    /// A value unique to the device's hardware: a serial number, a hardware hash or id, a
    /// product id (`SerialNumber>5CG1234XYZ<`, an Autopilot
    /// CSV's `Hardware Hash` column).
    Device,
}

/// The labels, matched without regard to case where a word starts.
pub const LABELS: &[(&str, Label)] = &[
    ("ComputerName", Label::Computer),
    ("Computer Name", Label::Computer),
    ("MachineName", Label::Computer),
    ("Machine Name", Label::Computer),
    ("Hostname", Label::Computer),
    ("Host Name", Label::Computer),
    ("DNSHostName", Label::Computer),
    ("NetBIOSName", Label::Computer),
    ("NetBIOS Name", Label::Computer),
    // dsregcmd /status, MDM reports (DevDetail's DNSComputerName).
    ("Device Name", Label::Computer),
    ("DeviceName", Label::Computer),
    ("DNSComputerName", Label::Computer),
    // ConfigMgr's own lines: ccmsetup's command line and properties (`/mp:`, `SMSMP=`, `FSP=`,
    // `CCMHOSTNAME=`, `SMSSITECODE=`), LocationServices' and ccmsetup's replies
    // (`Current Assigned Management Point is …`, `from MP '…'`, `<SiteCode>…</SiteCode>`,
    // `site '<P04>'`), CcmMessaging's message headers (`<SourceHost>…</SourceHost>`), and the
    // connection lines (`Host=CMG.CLOUDAPP.NET, Path=…`): Microsoft Learn, "About client
    // installation parameters and properties", "Microsoft Entra authentication workflow",
    // KB 2002059, and ../shared/reference/configmgr-client-lines.md.
    ("SourceHost", Label::Computer),
    ("/mp", Label::Server),
    ("SMSMP", Label::Server),
    ("MP", Label::Server),
    ("FSP", Label::Server),
    ("CCMHOSTNAME", Label::Server),
    ("SMSSLP", Label::Server),
    ("Management Point is", Label::Server),
    ("Management Point", Label::Server),
    ("ServerName", Label::Server),
    ("Server Name", Label::Server),
    ("Host", Label::Server),
    ("SMSSITECODE", Label::Site),
    ("SiteCode", Label::Site),
    ("Site Code", Label::Site),
    ("AssignedSiteCode", Label::Site),
    ("Assigned Site", Label::Site),
    ("Site", Label::Site),
    ("SMS", Label::Site),
    ("DomainName", Label::Domain),
    ("TenantName", Label::Domain),
    ("UserName", Label::User),
    ("User Name", Label::User),
    ("AccountName", Label::User),
    ("Account Name", Label::User),
    ("SamAccountName", Label::User),
    ("DeviceId", Label::Id),
    ("Device ID", Label::Id),
    ("AADDeviceId", Label::Id),
    ("AAD Device ID", Label::Id),
    ("AzureADDeviceId", Label::Id),
    ("IntuneDeviceId", Label::Id),
    ("ManagedDeviceId", Label::Id),
    ("TenantId", Label::Tenant),
    ("Tenant ID", Label::Tenant),
    ("AADTenantID", Label::Tenant),
    ("AAD Tenant ID", Label::Tenant),
    ("Tenant", Label::Tenant),
    ("Entra Device ID", Label::Id),
    ("Azure AD Device ID", Label::Id),
    ("EntDMID", Label::Id),
    ("SusClientId", Label::Id),
    ("MachineId", Label::Id),
    ("Machine ID", Label::Id),
    ("UserId", Label::Id),
    ("User ID", Label::Id),
    ("AccountId", Label::Id),
    ("Account ID", Label::Id),
    ("ClientId", Label::Id),
    ("Client ID", Label::Id),
    ("Client GUID", Label::Id),
    ("ClientGUID", Label::Id),
    ("SMSID", Label::Id),
    ("SMS Unique Identifier", Label::Id),
    ("GUID:", Label::Id),
    ("KeyContainerId", Label::Id),
    ("DevId", Label::Id),
    ("Proxy Server(s)", Label::Proxy),
    ("ProxyServer", Label::Proxy),
    ("Proxy Server", Label::Proxy),
    ("SerialNumber", Label::Device),
    ("Serial Number", Label::Device),
    ("SMBIOSSerialNumber", Label::Device),
    ("Device Serial Number", Label::Device),
    ("HWDevID", Label::Device),
    ("DeviceHardwareData", Label::Device),
    ("Hardware Hash", Label::Device),
    ("HardwareHash", Label::Device),
    ("Windows Product ID", Label::Device),
];

/// Words that are never learned as a name (lower case): what a label is followed by in prose
/// (`Computer name is`), placeholders, built-in accounts and profile folders, protocol words.
pub const NOT_NAMES: &[&str] = &[
    "localhost",
    "local",
    "unknown",
    "null",
    "none",
    "n/a",
    "true",
    "false",
    "is",
    "was",
    "not",
    "the",
    "of",
    "to",
    "for",
    "and",
    "or",
    "with",
    "from",
    "set",
    "http",
    "https",
    "direct",
    "system",
    "network",
    "service",
    "localservice",
    "networkservice",
    "local service",
    "network service",
    "administrator",
    "guest",
    "public",
    "default",
    "default user",
    "all users",
    "defaultuser0",
    "defaultuser100000",
    "users",
    "user",
    "computer",
    "machine",
    "host",
    "server",
    "name",
    "client",
    "empty",
    "changed",
    "found",
    "missing",
    "access",
    "proxy",
    "bypass",
    "list",
    "temp",
    "systemprofile",
    "localsystem",
    "nt authority",
    "authority",
    "workgroup",
    "nt service",
    "iis apppool",
    "builtin",
];

/// True when `name` (lower case) is never learned as a name: too short, no letter in it, an
/// error code (`0x80070005`), or one of [`NOT_NAMES`].
pub fn not_a_name(name: &str) -> bool {
    name.len() < 3 || !name.bytes().any(|b| b.is_ascii_alphabetic()) || name.starts_with("0x") || NOT_NAMES.contains(&name)
}

/// Site codes ConfigMgr reserves (Microsoft Learn, "Plan for site codes and site names"): never
/// a site's, so never learned as one (`CAS` is also a client component's name).
pub const RESERVED_SITE_CODES: &[&str] = &["aux", "cas", "con", "nul", "prn", "sms"];

/// Certificate name attributes (`CN=`, `OU=`, `O=`, `DC=`) whose values are learned, and names
/// that identify no one (ConfigMgr's own self-signed certificates are `CN=SMS`).
pub const CERT_ATTRIBUTES: &[&str] = &["CN=", "OU=", "O=", "DC="];
pub const NOT_CERT_NAMES: &[&str] = &["sms", "users", "computers", "builtin", "microsoft", "localhost"];

/// Names shaped like hosts that are not: the loopback names, and DOS programs (`NTDETECT.COM`).
const NOT_HOSTS: &[&str] = &["localhost", "localhost.localdomain", "ntdetect.com", "command.com"];

/// True when the host `name` (lower case) is one of Microsoft's public endpoints, or the
/// loopback name.
pub fn is_public_endpoint(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    NOT_HOSTS.contains(&name)
        || MICROSOFT_DOMAINS.iter().any(|d| name == *d || (name.len() > d.len() && name.ends_with(d) && name.as_bytes()[name.len() - d.len() - 1] == b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_endpoints_are_kept_and_look_alikes_are_not() {
        for h in ["fe3cr.delivery.mp.microsoft.com", "download.windowsupdate.com", "www.msftconnecttest.com", "microsoft.com", "localhost"] {
            assert!(is_public_endpoint(h), "{h}");
        }
        for h in ["notmicrosoft.com", "wsus01.corp.local", "microsoft.com.evil.net"] {
            assert!(!is_public_endpoint(h), "{h}");
        }
    }
}
