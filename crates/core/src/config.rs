//! Client configuration given next to the logs: Windows Update policy (`reg query` output or a
//! `.reg` export) and the WinHTTP proxy (`netsh winhttp show proxy`). Detection lives here; the
//! configuration findings are added by the configuration change.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::flow::FlowReport;
use crate::format::LogFormat;
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
        command: "reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate /s > C:\\Temp\\wulens\\wu-policy.txt",
        why: "Group Policy overrides, missing UseWUServer, wrong port",
    },
    CollectStep {
        what: "The WinHTTP proxy (the proxy the Windows Update Agent uses)",
        command: "netsh winhttp show proxy > C:\\Temp\\wulens\\winhttp-proxy.txt",
        why: "proxy errors 0x80244021, 0x8024401B, 0x80240030, 0x8024402C",
    },
    CollectStep {
        what: "Zip it into one bundle",
        command: "Compress-Archive C:\\Temp\\wulens\\* C:\\Temp\\wulens-collect.zip -Force",
        why: "drop the zip on wulens; nothing leaves your machine",
    },
];

#[derive(Serialize, Debug, Default)]
pub struct ConfigReport {
    /// False when no configuration input was given.
    pub provided: bool,
}

impl ConfigReport {
    pub fn build(a: &Analysis) -> ConfigReport {
        ConfigReport { provided: a.files.iter().any(|f| f.format.is_configuration()) }
    }
}

/// Detect a configuration input from its first text.
pub fn detect(head: &str) -> Option<LogFormat> {
    let h = head.trim_start_matches('\u{FEFF}').trim_start();
    if h.starts_with("Windows Registry Editor Version") || h.starts_with("REGEDIT4") {
        return Some(LogFormat::RegExport);
    }
    if h.lines().take(5).any(|l| l.trim().starts_with("HKEY_LOCAL_MACHINE\\") || l.trim().starts_with("HKLM\\")) && h.contains("    REG_") {
        return Some(LogFormat::RegQuery);
    }
    if h.starts_with("Current WinHTTP proxy settings") {
        return Some(LogFormat::NetshWinhttp);
    }
    None
}

pub fn findings(_a: &Analysis, _c: &ConfigReport, _scan: &FlowReport) -> Vec<Finding> {
    Vec::new()
}
