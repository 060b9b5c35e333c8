//! What to collect from a client: the commands that gather every log and configuration wulens
//! reads into one zip (`wulens collect-help`, the web page's "What to collect").

use crate::diagnose::{POLICY_COMMAND, PROXY_COMMAND};

/// One thing to collect from a client, for `wulens collect-help` and the web page.
pub struct CollectStep {
    /// What it gathers, in words.
    pub what: &'static str,
    /// The PowerShell line that gathers it into `C:\Temp\wulens`.
    pub command: &'static str,
    /// What wulens reads from it (empty when it only prepares).
    pub why: &'static str,
}

/// The steps in the order to run them: make the folder, copy the logs and the configuration, zip it.
pub const COLLECT_STEPS: &[CollectStep] = &[
    CollectStep { what: "Make a folder for everything", command: "New-Item -ItemType Directory -Force C:\\Temp\\wulens | Out-Null", why: "" },
    CollectStep {
        what: "The ConfigMgr client logs (ScanAgent, LocationServices, CcmMessaging, WUAHandler, UpdatesStore, StateMessage, ...)",
        command: "Copy-Item \"$env:windir\\CCM\\Logs\" C:\\Temp\\wulens\\CCMLogs -Recurse",
        why: "the client scan flow, steps 1, 2 and 4-7",
    },
    CollectStep {
        what: "The Windows Update traces (.etl files) as they are: wulens decodes them (Windows 10 1709 and later). On Windows 10 1507-1703 and Server 2016 they are WPP traces that need Microsoft's symbol files: run Get-WindowsUpdateLog -LogPath C:\\Temp\\wulens\\WindowsUpdate.log there instead",
        command: "Copy-Item \"$env:windir\\Logs\\WindowsUpdate\" C:\\Temp\\wulens\\WindowsUpdate -Recurse",
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
        command: "Compress-Archive C:\\Temp\\wulens\\* \"C:\\Temp\\wulens-$env:COMPUTERNAME-$(Get-Date -Format yyyy-MM-dd).zip\" -Force",
        why: "named after the computer, so a folder of them is a fleet with each machine named; drop the zip on wulens, nothing leaves your machine",
    },
];
