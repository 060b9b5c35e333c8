//! A client's `CCM\Logs` folder as ConfigMgr writes it, for the tests of redaction (core, CLI,
//! the page's worker), with the identifiers its logs carry, in our own lines after the shapes
//! Microsoft documents: ccmsetup's `[NAME] Running on '…'` and command line (Microsoft
//! Learn, "About client installation parameters and properties"), the Entra workflow's lines
//! ("Microsoft Entra authentication workflow"), LocationServices' site assignment (KB 2002059)
//! and management point, PolicyAgent's policy source (`SMS:<site>`), the content's package ids
//! and distribution points (KB 3090265), certificate issuers, a DNS service record, a per-user
//! Software Center log, and InventoryAgent's WMI queries, whose column lists once stopped the
//! whole export.
/// The computer, the management point (and fallback status point), a distribution point, the
/// Entra tenant and device.
pub const PC: &str = "VR-PC-0042";
pub const MP: &str = "VR-SRV-01";
pub const DP: &str = "vr-dp-02.vanroy.local";
pub const TENANT: &str = "9aaf466a-3f40-4468-b3cd-f0010f21f05a";
pub const DEVICE: &str = "3c1e2d4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
/// Every identifier planted: each is in the logs, and must be in no redacted output.
pub const PLANTED: &[&str] = &[
    PC,
    MP,
    DP,
    "vr-dp-02",
    "vanroy.local",
    "vrcmg.cloudapp.net",
    "Vanroy Root CA",
    "Vanroy Issuing CA",
    "Vanroy Ltd",
    "jdoe",
    "VANROY",
    TENANT,
    DEVICE,
    "SMS:VR1",
    "<VR1>",
    "SMSSITECODE=VR1",
    "_mssms_mp_vr1",
    "VR100012",
    "00:15:5D:0A:0B:0C",
    "S-1-5-21-3623811015-3361044348-30300820-1013",
];

fn line(msg: &str, component: &str, time: &str, kind: u8) -> String {
    format!(
        "<![LOG[{msg}]LOG]!><time=\"{time}.120-60\" date=\"11-03-2026\" component=\"{component}\" context=\"\" type=\"{kind}\" thread=\"4120\" file=\"x.cpp:10\">\r\n"
    )
}

/// The folder's files: (name in the drop, text).
pub fn files() -> Vec<(&'static str, String)> {
    let ccmsetup = [
        line("==========[ ccmsetup started in process 6112 ]==========", "ccmsetup", "08:00:01", 1),
        line(&format!("[{PC}] Running on 'Microsoft Windows 11 Enterprise' (10.0.22631). Service Pack (0.0). SuiteMask = 272. Product Type = 18"), "ccmsetup", "08:00:01", 1),
        line(&format!("Ccmsetup command line: ccmsetup.exe /mp:{MP} SMSSITECODE=VR1 FSP={MP} SMSMP={MP} CCMHOSTNAME=VRCMG.CLOUDAPP.NET/CCM_Proxy_MutualAuth/72186325152220500 CCMCERTISSUERS=\"CN=Vanroy Root CA; OU=PKI; O=Vanroy Ltd; C=BE\""), "ccmsetup", "08:00:02", 1),
        line(&format!("FSP:    {MP}"), "ccmsetup", "08:00:02", 1),
        line("Getting AAD info from CMG 'VRCMG.CLOUDAPP.NET'", "ccmsetup", "08:00:03", 1),
        line(&format!("SMS CCM 5.0: Host=VRCMG.CLOUDAPP.NET, Path=/CCM_Proxy_ServerAuth/AADAuthInfo?TenantID={TENANT}, Port=443, Protocol=https, CcmTokenAuth=0, Flags=0x1304, Options=0xe0"), "ccmsetup", "08:00:03", 1),
        line(&format!("<ClientRegistrationRequest><AADDeviceID>{DEVICE}</AADDeviceID><AADTenantID>{TENANT}</AADTenantID></ClientRegistrationRequest>"), "ccmsetup", "08:00:04", 1),
        line("Unable to find any Certificate based on Certificate Issuers", "ccmsetup", "08:00:05", 3),
        line(&format!("Retrived site version '5.00.9128.1000' from MP '{MP}'."), "ccmsetup", "08:00:05", 1),
        line(&format!("Sending Fallback Status Point message to '{MP}', STATEID='100'."), "FSPStateMessage", "08:00:06", 1),
        line("CcmSetup failed with error code 0x87d00454", "ccmsetup", "08:00:07", 3),
    ]
    .concat();
    let location = [
        line("Current AD site of machine is VR-Brussels", "LocationServices", "09:00:00", 1),
        line("LSGetAssignedSiteFromAD : Trying to Assign to the Site <VR1>", "LocationServices", "09:00:00", 1),
        line("Attempting to retrieve lookup MP(s) from DNS _mssms_mp_vr1._tcp.vanroy.local", "LocationServices", "09:00:01", 1),
        line(&format!("Current Assigned Management Point is {MP}.vanroy.local with Version 9128 and Capabilities: <Capabilities SchemaVersion=\"1.0\"/>"), "LocationServices", "09:00:01", 1),
        line(&format!("Distribution Point='http://{DP}/SMS_DP_SMSPKG$/VR100012', Locality='LOCAL', DPType='SERVER', Version='9128', Capabilities='', Signature='', ForestTrust='TRUE',"), "LocationServices", "09:00:02", 1),
    ]
    .concat();
    let policy = line(
        "Download of policy CCM_Policy_Policy5.PolicyID=\"{a1b2c3d4-0000-4000-8000-000000000001}\",PolicySource=\"SMS:VR1\",PolicyRuleID=\"{b1b2c3d4-0000-4000-8000-000000000002}\",PolicyVersion=\"2.00\" completed (DTS Job ID: {C1B2C3D4-0000-4000-8000-000000000003})",
        "PolicyAgent_RequestAssignments",
        "09:05:00",
        1,
    );
    let certs = [
        line("Certificate Issuer 1 [CN=Vanroy Issuing CA; DC=vanroy; DC=local]", "CertificateMaintenance", "09:06:00", 1),
        line("MAC Address 00:15:5D:0A:0B:0C, account S-1-5-21-3623811015-3361044348-30300820-1013", "ClientIDManagerStartup", "09:06:01", 1),
    ]
    .concat();
    let inventory = [
        line("Collection: Namespace = \\\\.\\root\\cimv2; Query = SELECT __CLASS, __PATH, __RELPATH, DefaultIPGateway, DHCPEnabled, DHCPServer, DNSDomain, DNSHostName, Index, IPAddress, IPEnabled, IPSubnet, MACAddress, ServiceName FROM Win32_NetworkAdapterConfiguration; Timeout = 600 secs.", "InventoryAgent", "10:00:00", 1),
        line("Collection: Namespace = \\\\.\\root\\cimv2; Query = SELECT __CLASS, __PATH, __RELPATH, Caption, Description, Manufacturer, Name, Version, SerialNumber, SMBIOSBIOSVersion FROM Win32_BIOS; Timeout = 600 secs.", "InventoryAgent", "10:00:01", 1),
        line("Collection: Namespace = \\\\.\\root\\cimv2; Query = SELECT __CLASS, __PATH, __RELPATH, BuildNumber, Caption, CSDVersion, Name, Version, LastBootUpTime FROM Win32_OperatingSystem; Timeout = 600 secs.", "InventoryAgent", "10:00:02", 1),
    ]
    .concat();
    let scclient = line("Software Center opened", "SCClient", "10:10:00", 1);
    vec![
        ("Logs/ccmsetup.log", ccmsetup),
        ("Logs/LocationServices.log", location),
        ("Logs/PolicyAgent.log", policy),
        ("Logs/CertificateMaintenance.log", certs),
        ("Logs/InventoryAgent.log", inventory),
        ("Logs/SCClient_VANROY@jdoe_1.log", scclient),
    ]
}
