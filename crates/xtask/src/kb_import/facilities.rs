//! The facility tables: every `FACILITY_CODE` constant of the SDK metadata (HRESULT facilities),
//! one row per value, plus the ConfigMgr and Windows setup facilities that winerror.h does not
//! define ([`EXTRA`]); and every `NTSTATUS_FACILITY_CODE` constant (NTSTATUS facilities, their own
//! numbering), plus facility 0 of the classic `0xC000xxxx` statuses.

use std::collections::BTreeMap;

use crate::kb_common::sdk::SdkConst;

pub struct Facility {
    pub value: u32,
    pub name: String,
    pub label: String,
}

/// Facilities winerror.h does not define, with names of our own (each label says so): the
/// ConfigMgr client writes its codes as `0x87D0xxxx`, application deployment and the Intune
/// management extension as `0x87D1xxxx`, the site server as `0x87D2xxxx`; Windows setup writes
/// `0xC19xxxxx` (MOSETUP_E_*, facility 0x190 with the top two bits set).
pub const EXTRA: [(u32, &str, &str); 4] = [
    (0x190, "FACILITY_MOSETUP", "Windows setup and feature updates, MOSETUP_E_* (not in winerror.h)"),
    (0x7D0, "FACILITY_CCM", "Configuration Manager client (not in winerror.h)"),
    (0x7D1, "FACILITY_CCM_APPS", "Configuration Manager application deployment (not in winerror.h)"),
    (0x7D2, "FACILITY_CCM_SITE", "Configuration Manager site server (not in winerror.h)"),
];

/// NTSTATUS facility 0 has no constant: the classic statuses (`0xC0000005`) live there.
pub const NT_NONE: (u32, &str, &str) = (0, "FACILITY_NONE", "No facility (the classic NTSTATUS values; not in ntstatus.h)");

/// When several names share a value, this one is the `name`; the label mentions both.
const PRIMARY: &[&str] =
    &["FACILITY_SECURITY", "FACILITY_CONFIGURATION", "FACILITY_SHELL", "FACILITY_WINDOWS_SETUP", "FACILITY_WEBSERVICES", "FACILITY_MBN", "FACILITY_SPP"];

/// Hand-written labels (by primary name). Others are derived from the name.
const LABELS: &[(&str, &str)] = &[
    ("FACILITY_NULL", "General (no facility)"),
    ("FACILITY_RPC", "RPC"),
    ("FACILITY_DISPATCH", "COM dispatch (IDispatch / automation)"),
    ("FACILITY_STORAGE", "COM structured storage"),
    ("FACILITY_ITF", "Interface-specific"),
    ("FACILITY_WIN32", "Win32 error"),
    ("FACILITY_WINDOWS", "Windows"),
    ("FACILITY_SECURITY", "Security / SSPI"),
    ("FACILITY_CONTROL", "ActiveX controls"),
    ("FACILITY_CERT", "Certificates"),
    ("FACILITY_INTERNET", "Internet / URL monikers"),
    ("FACILITY_MEDIASERVER", "Windows Media Server"),
    ("FACILITY_MSMQ", "Message Queuing"),
    ("FACILITY_SETUPAPI", "Setup API / component servicing"),
    ("FACILITY_SCARD", "Smart cards"),
    ("FACILITY_COMPLUS", "COM+"),
    ("FACILITY_AAF", "Advanced Authoring Format"),
    ("FACILITY_URT", ".NET runtime"),
    ("FACILITY_ACS", "Audit Collection Services"),
    ("FACILITY_DPLAY", "DirectPlay"),
    ("FACILITY_UMI", "Universal Management Interface"),
    ("FACILITY_SXS", "Side-by-side assemblies"),
    ("FACILITY_WINDOWS_CE", "Windows CE"),
    ("FACILITY_HTTP", "HTTP"),
    ("FACILITY_USERMODE_COMMONLOG", "Common Log File System"),
    ("FACILITY_WER", "Windows Error Reporting"),
    ("FACILITY_USERMODE_FILTER_MANAGER", "Filter Manager"),
    ("FACILITY_BACKGROUNDCOPY", "BITS"),
    ("FACILITY_CONFIGURATION", "Configuration / Windows Image Acquisition (FACILITY_WIA)"),
    ("FACILITY_STATE_MANAGEMENT", "State management"),
    ("FACILITY_METADIRECTORY", "Metadirectory services"),
    ("FACILITY_WINDOWSUPDATE", "Windows Update Agent"),
    ("FACILITY_DIRECTORYSERVICE", "Active Directory"),
    ("FACILITY_GRAPHICS", "Graphics"),
    ("FACILITY_SHELL", "Windows shell / Network Access Protection (FACILITY_NAP)"),
    ("FACILITY_TPM_SERVICES", "TPM services"),
    ("FACILITY_TPM_SOFTWARE", "TPM software stack"),
    ("FACILITY_UI", "User interface"),
    ("FACILITY_XAML", "XAML"),
    ("FACILITY_ACTION_QUEUE", "Action queue"),
    ("FACILITY_WINDOWS_SETUP", "Windows Setup / Performance Logs and Alerts (FACILITY_PLA)"),
    ("FACILITY_FVE", "BitLocker Drive Encryption"),
    ("FACILITY_FWP", "Windows Filtering Platform"),
    ("FACILITY_WINRM", "Windows Remote Management"),
    ("FACILITY_NDIS", "Network drivers (NDIS)"),
    ("FACILITY_USERMODE_HYPERVISOR", "Hyper-V hypervisor"),
    ("FACILITY_CMI", "Configuration Management Infrastructure"),
    ("FACILITY_USERMODE_VIRTUALIZATION", "Hyper-V virtualization"),
    ("FACILITY_USERMODE_VOLMGR", "Volume manager"),
    ("FACILITY_BCD", "Boot Configuration Data"),
    ("FACILITY_USERMODE_VHD", "Virtual hard disks"),
    ("FACILITY_USERMODE_HNS", "Host Networking Service"),
    ("FACILITY_SDIAG", "Scripted diagnostics"),
    ("FACILITY_WEBSERVICES", "Windows Web Services / Windows PE (FACILITY_WINPE)"),
    ("FACILITY_WPN", "Windows Push Notifications"),
    ("FACILITY_WINDOWS_STORE", "Microsoft Store"),
    ("FACILITY_INPUT", "Input"),
    ("FACILITY_QUIC", "QUIC"),
    ("FACILITY_EAP", "Extensible Authentication Protocol"),
    ("FACILITY_IORING", "I/O rings"),
    ("FACILITY_WINDOWS_DEFENDER", "Microsoft Defender"),
    ("FACILITY_OPC", "Open Packaging Conventions"),
    ("FACILITY_XPS", "XPS documents"),
    ("FACILITY_RAS", "Remote Access Service"),
    ("FACILITY_MBN", "Mobile broadband / PowerShell (FACILITY_POWERSHELL)"),
    ("FACILITY_EAS", "Exchange ActiveSync policies"),
    ("FACILITY_P2P_INT", "Peer-to-peer (internal)"),
    ("FACILITY_P2P", "Peer-to-peer"),
    ("FACILITY_DAF", "Device Association Framework"),
    ("FACILITY_BLUETOOTH_ATT", "Bluetooth attribute protocol"),
    ("FACILITY_AUDIO", "Audio"),
    ("FACILITY_STATEREPOSITORY", "State repository (app packages)"),
    ("FACILITY_VISUALCPP", "Visual C++ runtime"),
    ("FACILITY_SCRIPT", "Script engines"),
    ("FACILITY_PARSE", "Parsing"),
    ("FACILITY_BLB", "Windows Server Backup (block-level backup)"),
    ("FACILITY_BLB_CLI", "Windows Server Backup (command line)"),
    ("FACILITY_WSBAPP", "Windows Server Backup (application)"),
    ("FACILITY_BLBUI", "Windows Server Backup (UI)"),
    ("FACILITY_USN", "USN change journal"),
    ("FACILITY_USERMODE_VOLSNAP", "Volume shadow copy"),
    ("FACILITY_TIERING", "Storage tiering"),
    ("FACILITY_WSB_ONLINE", "Windows Server Backup (online)"),
    ("FACILITY_ONLINE_ID", "Microsoft account (online ID)"),
    ("FACILITY_DEVICE_UPDATE_AGENT", "Device update agent"),
    ("FACILITY_DRVSERVICING", "Driver servicing"),
    ("FACILITY_DLS", "Download services"),
    ("FACILITY_SOS", "SOS (debugging extension)"),
    ("FACILITY_OCP_UPDATE_AGENT", "OCP update agent"),
    ("FACILITY_DEBUGGERS", "Debuggers"),
    ("FACILITY_DELIVERY_OPTIMIZATION", "Delivery Optimization"),
    ("FACILITY_USERMODE_SPACES", "Storage Spaces"),
    ("FACILITY_USER_MODE_SECURITY_CORE", "Security core"),
    ("FACILITY_USERMODE_LICENSING", "Licensing"),
    ("FACILITY_SPP", "Software Protection Platform / System Restore / device management server (FACILITY_RESTORE, FACILITY_DMSERVER)"),
    ("FACILITY_DEPLOYMENT_SERVICES_SERVER", "Windows Deployment Services (server)"),
    ("FACILITY_DEPLOYMENT_SERVICES_IMAGING", "Windows Deployment Services (imaging)"),
    ("FACILITY_DEPLOYMENT_SERVICES_MANAGEMENT", "Windows Deployment Services (management)"),
    ("FACILITY_DEPLOYMENT_SERVICES_UTIL", "Windows Deployment Services (utilities)"),
    ("FACILITY_DEPLOYMENT_SERVICES_BINLSVC", "Windows Deployment Services (BINL service)"),
    ("FACILITY_DEPLOYMENT_SERVICES_PXE", "Windows Deployment Services (PXE)"),
    ("FACILITY_DEPLOYMENT_SERVICES_TFTP", "Windows Deployment Services (TFTP)"),
    ("FACILITY_DEPLOYMENT_SERVICES_TRANSPORT_MANAGEMENT", "Windows Deployment Services (transport management)"),
    ("FACILITY_DEPLOYMENT_SERVICES_DRIVER_PROVISIONING", "Windows Deployment Services (driver provisioning)"),
    ("FACILITY_DEPLOYMENT_SERVICES_MULTICAST_SERVER", "Windows Deployment Services (multicast server)"),
    ("FACILITY_DEPLOYMENT_SERVICES_MULTICAST_CLIENT", "Windows Deployment Services (multicast client)"),
    ("FACILITY_DEPLOYMENT_SERVICES_CONTENT_PROVIDER", "Windows Deployment Services (content provider)"),
    ("FACILITY_HSP_SERVICES", "Host security processor services"),
    ("FACILITY_HSP_SOFTWARE", "Host security processor software"),
    ("FACILITY_LINGUISTIC_SERVICES", "Linguistic services"),
    ("FACILITY_WEB", "Web platform"),
    ("FACILITY_WEB_SOCKET", "WebSocket"),
    ("FACILITY_AUDIOSTREAMING", "Audio streaming"),
    ("FACILITY_TTD", "Time Travel Debugging"),
    ("FACILITY_ACCELERATOR", "Accelerator"),
    ("FACILITY_MOBILE", "Windows Mobile"),
    ("FACILITY_SQLITE", "SQLite"),
    ("FACILITY_SERVICE_FABRIC", "Service Fabric"),
    ("FACILITY_UTC", "Telemetry (Connected User Experiences)"),
    ("FACILITY_WMAAECMA", "Audio echo cancellation"),
    ("FACILITY_WEP", "Windows Encryption Provider (device encryption)"),
    ("FACILITY_SYNCENGINE", "Sync engine"),
    ("FACILITY_DIRECTMUSIC", "DirectMusic"),
    ("FACILITY_DIRECT3D10", "Direct3D 10"),
    ("FACILITY_DXGI", "DXGI"),
    ("FACILITY_DXGI_DDI", "DXGI driver interface"),
    ("FACILITY_DIRECT3D11", "Direct3D 11"),
    ("FACILITY_DIRECT3D11_DEBUG", "Direct3D 11 debug layer"),
    ("FACILITY_DIRECT3D12", "Direct3D 12"),
    ("FACILITY_DIRECT3D12_DEBUG", "Direct3D 12 debug layer"),
    ("FACILITY_DXCORE", "DXCore"),
    ("FACILITY_PRESENTATION", "Presentation"),
    ("FACILITY_LEAP", "LEAP"),
    ("FACILITY_AUDCLNT", "Audio client (WASAPI)"),
    ("FACILITY_WINML", "Windows ML"),
    ("FACILITY_WINCODEC_DWRITE_DWM", "Imaging / DirectWrite / Desktop Window Manager"),
    ("FACILITY_DIRECT2D", "Direct2D"),
    ("FACILITY_DEFRAG", "Defragmentation"),
    ("FACILITY_USERMODE_SDBUS", "SD bus"),
    ("FACILITY_JSCRIPT", "JScript"),
    ("FACILITY_XBOX", "Xbox"),
    ("FACILITY_GAME", "Gaming"),
    ("FACILITY_PIDGENX", "Product key validation (PidGenX)"),
    ("FACILITY_PIX", "PIX graphics debugger"),
];

/// Build the table from the `FACILITY_CODE` constants. A few facilities are above 0x7FF and
/// spill into bit 27 (`FACILITY_WEP` 0x801, `FACILITY_PIX` 0xABC); they are kept. Values beyond
/// 12 bits (`FACILITY_NT_BIT`, a flag) are not facilities and are skipped.
pub fn build(consts: &[SdkConst]) -> Vec<Facility> {
    let mut by_value: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for c in consts.iter().filter(|c| c.ty == "FACILITY_CODE" && c.value <= 0xFFF) {
        let names = by_value.entry(c.value).or_default();
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    let mut out: Vec<Facility> = by_value
        .into_iter()
        .map(|(value, mut names)| {
            names.sort();
            let name = names.iter().find(|n| PRIMARY.contains(n)).unwrap_or(&names[0]).to_string();
            let label = match LABELS.iter().find(|(n, _)| *n == name) {
                Some((_, l)) => l.to_string(),
                None => {
                    let mut l = derive_label(&name);
                    let others: Vec<&str> = names.iter().filter(|n| **n != name).copied().collect();
                    if !others.is_empty() {
                        l = format!("{l} (also {})", others.join(", "));
                    }
                    l
                }
            };
            Facility { value, name, label }
        })
        .collect();
    for (value, name, label) in EXTRA {
        if !out.iter().any(|f| f.value == value) {
            out.push(Facility { value, name: name.into(), label: label.into() });
        }
    }
    out.sort_by_key(|f| f.value);
    out
}

/// The NTSTATUS facilities (`NTSTATUS_FACILITY_CODE`), labelled like the HRESULT ones.
pub fn build_nt(consts: &[SdkConst]) -> Vec<Facility> {
    let mut by_value: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for c in consts.iter().filter(|c| c.ty == "NTSTATUS_FACILITY_CODE" && c.value <= 0xFFF && c.name != "FACILITY_MAXIMUM_VALUE") {
        let names = by_value.entry(c.value).or_default();
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    let mut out = vec![Facility { value: NT_NONE.0, name: NT_NONE.1.into(), label: NT_NONE.2.into() }];
    for (value, mut names) in by_value {
        names.sort();
        let name = names[0].to_string();
        let base = derive_label(name.trim_end_matches("_ERROR_CODE"));
        let label = if names.len() > 1 { format!("{base} (also {})", names[1..].join(", ")) } else { base };
        out.push(Facility { value, name, label });
    }
    out
}

/// `FACILITY_USERMODE_FOO_BAR` -> `User-mode foo bar`; short words stay upper-case.
pub fn derive_label(name: &str) -> String {
    let base = name.strip_prefix("FACILITY_").unwrap_or(name);
    let (prefix, base) = match base.strip_prefix("USERMODE_") {
        Some(rest) => ("User-mode ", rest),
        None => ("", base),
    };
    let words: Vec<String> = base
        .split('_')
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            if w.len() <= 3 {
                w.to_string()
            } else if i == 0 && prefix.is_empty() {
                let lower = w.to_ascii_lowercase();
                let mut c = lower.chars();
                c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
            } else {
                w.to_ascii_lowercase()
            }
        })
        .collect();
    format!("{prefix}{}", words.join(" "))
}
