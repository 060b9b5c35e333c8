//! A fleet of ConfigMgr clients of two sites (`gen-fleet --shape sites`): each client's
//! `CCM\Logs` folder (LocationServices, ScanAgent, WUAHandler, UpdatesDeployment, UpdatesHandler,
//! CAS, ContentTransferManager, DataTransferService and ServiceWindowManager logs) over nine days,
//! with five causes planted across them that overlap, unrelated faults of single machines, and
//! healthy clients. `fleet.csv` names each machine's site, software update point, distribution
//! point and planted causes: the truth a fleet analysis is measured against.
//!
//! The line shapes are the documented ones (../shared/reference/configmgr-client-lines.md:
//! LocationServices' site assignment, WSUS and content locations, KB 2002059 and "Track software
//! update compliance assessment"), those of tests/fixtures (scan-success, fail-step3-80244007,
//! the chain-* scenarios of tests/fixtures/make_chain_fixtures.py, written after KB 3090265 "Track
//! the software update deployment process" and "Clients fail to download content from a
//! distribution point with HTTP 405 errors") and the real client logs of ../shared/reallogs
//! (01_WUAHandler.log's scan, 04_UpdatesDeployment.log's feature on and off). All names, ids and
//! times are our own.
//!
//! The planted causes (`Planted`), each a set of machines:
//! - `sup`: clients of `ps1sup02.contoso.com` scan daily until 2026-11-17 14:16 UTC, then every scan
//!   fails with 0x80244022 (HTTP 503 from the software update point): a server that broke on one day;
//! - `dp`: clients whose content location is `ps1dp02.contoso.com` fail every download: the
//!   distribution point answers WebDAV's PROPFIND with HTTP 405 (0x87D0027E);
//! - `off`: a group whose Software Updates client setting is off, half of them from the first
//!   line (they never scanned), half from 2026-11-12 (they scanned before);
//! - `window`: clients whose updates downloaded and then wait for a maintenance window that never
//!   opens (no window of the Software Updates type; the All Programs window begins after the logs);
//! - `update`: clients on which KB5055523 fails to install with 0x80070643, on every site, SUP and DP.
//!
//! Causes overlap where they can: a client of the broken SUP may fetch from the broken DP, wait
//! for a window or fail the update. A client whose setting is off has no deployment, so it is in
//! no other cause; a client whose content fails never reaches its window or its install.

use super::Rng;

/// The planted causes a machine has (`fleet.csv`'s `causes`, joined by `;`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Planted {
    pub sup: bool,
    pub dp: bool,
    pub off: bool,
    pub window: bool,
    pub update: bool,
    /// One fault of its own (a scan, a download or an install failing with a code few share).
    pub unrelated: bool,
}

impl Planted {
    pub fn names(&self) -> String {
        let v: Vec<&str> =
            [(self.sup, "sup"), (self.dp, "dp"), (self.off, "off"), (self.window, "window"), (self.update, "update"), (self.unrelated, "unrelated")]
                .into_iter()
                .filter(|(b, _)| *b)
                .map(|(_, n)| n)
                .collect();
        v.join(";")
    }
}

/// One client: where it sits in its site, and what is planted on it.
#[derive(Debug, Clone)]
pub struct Client {
    pub machine: String,
    pub site: &'static str,
    pub mp: &'static str,
    pub sup: &'static str,
    pub dp: &'static str,
    pub ad_site: &'static str,
    pub version: &'static str,
    pub planted: Planted,
}

struct Site {
    code: &'static str,
    mp: &'static str,
    /// (server, weight)
    sups: &'static [(&'static str, u64)],
    dps: &'static [(&'static str, u64)],
    ad_sites: &'static [&'static str],
}

const SITES: [(Site, u64); 2] = [
    (
        Site {
            code: "PS1",
            mp: "ps1mp01.contoso.com",
            sups: &[("ps1sup01.contoso.com", 3), ("ps1sup02.contoso.com", 1)],
            dps: &[("ps1dp01.contoso.com", 3), ("ps1dp02.contoso.com", 1), ("ps1dp03.contoso.com", 2)],
            ad_sites: &["HQ-Berlin", "HQ-Munich"],
        },
        6,
    ),
    (
        Site {
            code: "PS2",
            mp: "ps2mp01.contoso.com",
            sups: &[("ps2sup01.contoso.com", 1), ("ps2sup02.contoso.com", 1)],
            dps: &[("ps2dp01.contoso.com", 1), ("ps2dp02.contoso.com", 1)],
            ad_sites: &["Branch-Lyon", "Branch-Porto"],
        },
        4,
    ),
];

/// The software update point that breaks, and when (minutes after 2026-11-10 00:00 UTC).
pub const BROKEN_SUP: &str = "ps1sup02.contoso.com";
const SUP_BREAKS: u32 = 7 * 1440 + 14 * 60 + 16;
/// The distribution point that answers HTTP 405.
pub const BROKEN_DP: &str = "ps1dp02.contoso.com";
/// The update that fails everywhere.
pub const FAILING_KB: &str = "KB5055523";
/// When the logs end: 2026-11-18 20:00 UTC.
const END: u32 = 8 * 1440 + 20 * 60;
/// The deployment arrives on 2026-11-14.
const DEPLOYED: u32 = 4 * 1440;
/// The Software Updates setting turns off on 2026-11-12 at 09:00 for the clients that scanned before.
const OFF_FROM: u32 = 2 * 1440 + 9 * 60;

fn weighted<T: Copy>(rng: &mut Rng, v: &[(T, u64)]) -> T {
    let total: u64 = v.iter().map(|(_, w)| w).sum();
    let mut r = rng.below(total);
    for (x, w) in v {
        if r < *w {
            return *x;
        }
        r -= w;
    }
    v[v.len() - 1].0
}

/// The `n`th client's place and planted causes.
pub(crate) fn client(rng: &mut Rng, n: usize) -> Client {
    let site = &weighted(rng, &SITES.iter().map(|(s, w)| (s, *w)).collect::<Vec<_>>());
    let sup = weighted(rng, site.sups);
    let dp = weighted(rng, site.dps);
    let ad_site = rng.pick(site.ad_sites);
    let version = if rng.below(4) == 0 { "5.00.9132.1011" } else { "5.00.9128.1000" };
    let off = rng.below(100) < 6;
    let window = !off && rng.below(100) < 8;
    let update = !off && rng.below(100) < 5;
    let unrelated = !off && rng.below(100) < 3;
    let machine = format!("CM-{n:05}");
    // A download fault of its own: no distribution point offers its content, which never arrives.
    let own_download = unrelated && machine.ends_with(['3', '4', '5']);
    let planted = Planted {
        sup: !off && sup == BROKEN_SUP,
        dp: !off && dp == BROKEN_DP && !own_download,
        off,
        // Content that fails never reaches its window or its install.
        window: window && dp != BROKEN_DP && !own_download,
        update: update && !window && dp != BROKEN_DP && !own_download,
        unrelated,
    };
    Client { machine, site: site.code, mp: site.mp, sup, dp, ad_site, version, planted }
}

/// A CMTrace line at `t` minutes (+ `s` seconds and `ms`) after 2026-11-10 00:00 UTC.
struct Log {
    text: String,
    component: &'static str,
    tick: u32,
}

impl Log {
    fn new(component: &'static str) -> Log {
        Log { text: String::from("\u{feff}"), component, tick: 0 }
    }

    fn line(&mut self, t: u32, s: u32, kind: u8, thread: u32, source: &str, msg: &str) {
        self.tick = (self.tick + 7) % 1000;
        let day = 10 + t / 1440;
        let (hh, mm) = ((t % 1440) / 60, t % 60);
        self.text.push_str(&format!(
            "<![LOG[{msg}]LOG]!><time=\"{hh:02}:{mm:02}:{s:02}.{:03}+000\" date=\"11-{day:02}-2026\" component=\"{}\" context=\"\" type=\"{kind}\" thread=\"{thread}\" file=\"{source}\">\r\n",
            self.tick, self.component
        ));
    }
}

/// The Software Updates scan's update source (one per site).
fn source(site: &str) -> &'static str {
    if site == "PS1" {
        "{9BA77E27-86B5-4B1B-BE8D-D6A37817516F}"
    } else {
        "{4C1D8A52-7E3B-4F96-A0D5-3B8E2C6F1A94}"
    }
}

/// (update id, title, KB digits, content id, file name) of the deployment every client gets.
const UPDATES: [(&str, &str, &str, &str, &str); 4] = [
    (
        "4d5e6f70-8192-4a3b-9c4d-5e6f70819203",
        "2025-04 Cumulative Update for Windows 11 Version 24H2 for x64-based Systems (KB5055523)",
        "5055523",
        "7e1a2b3c-4d5e-4f60-8172-93a4b5c6d7e8",
        "windows11.0-kb5055523-x64.cab",
    ),
    (
        "5e6f7081-9203-4b4c-8d5e-6f7081920314",
        "2025-04 Cumulative Update for .NET Framework 3.5 and 4.8.1 for Windows 11, version 24H2 for x64 (KB5054979)",
        "5054979",
        "8f2b3c4d-5e6f-4071-8283-a4b5c6d7e8f9",
        "windows11.0-kb5054979-x64-ndp481.cab",
    ),
    (
        "6f708192-0314-4c5d-9e6f-708192031425",
        "Security Update for Microsoft Office LTSC 2021 (KB5002700) 64-Bit Edition",
        "5002700",
        "9a3c4d5e-6f70-4182-9394-b5c6d7e8f90a",
        "mso-x-none_kb5002700.cab",
    ),
    (
        "708192a3-1425-4d6e-af70-8192a3142536",
        "Windows Malicious Software Removal Tool x64 - v5.135 (KB890830)",
        "890830",
        "ab4d5e6f-7081-4293-a4b5-c6d7e8f90a1b",
        "windows-kb890830-x64-v5.135.exe",
    ),
];
const ASSIGNMENT: &str = "{5A7C9E1B-3D5F-4A7C-9E1B-3D5F7A9C1E3B}";

/// The logs of one client, as (file name, bytes).
pub(crate) fn logs(rng: &mut Rng, c: &Client) -> Vec<(String, Vec<u8>)> {
    let mut ls = Log::new("LocationServices");
    let mut sa = Log::new("ScanAgent");
    let mut wua = Log::new("WUAHandler");
    let mut ud = Log::new("UpdatesDeploymentAgent");
    let mut uh = Log::new("UpdatesHandler");
    let mut cas = Log::new("ContentAccess");
    let mut ctm = Log::new("ContentTransferManager");
    let mut dts = Log::new("DataTransferService");
    let mut sw = Log::new("ServiceWindowManager");
    let p = c.planted;
    let src = source(c.site);
    let upper = |s: &str| s.to_ascii_uppercase();
    // The site assignment at the first service start (KB 2002059's lines), and the management point.
    let start = rng.below(120) as u32 + 6 * 60;
    ls.line(start, 2, 1, 3120, "lsad.cpp:1204", &format!("Current AD site of machine is {}", c.ad_site));
    ls.line(start, 2, 1, 3120, "lsad.cpp:1780", &format!("LSGetAssignedSiteFromAD : Trying to Assign to the Site <{}>", c.site));
    ls.line(
        start,
        3,
        1,
        3120,
        "lsad.cpp:1966",
        &format!(
            "LSVerifySiteVersion : Verified Client Version '{}' is not greater than Site Version '5.00.9132.1000'. Client can be assigned to site <{}>.",
            c.version, c.site
        ),
    );
    ls.line(
        start,
        4,
        1,
        3120,
        "lsad.cpp:3322",
        &format!("Current Assigned Management Point is {} with Version 9132 and Capabilities: <Capabilities SchemaVersion=\"1.0\"><Property Name=\"SSLState\" Value=\"0\"/></Capabilities>", upper(c.mp)),
    );
    // Policy: on throughout, or off from the start or from OFF_FROM.
    let off_from = if p.off { Some(if rng.below(2) == 0 { 0 } else { OFF_FROM }) } else { None };
    for day in 0..=8u32 {
        let t = day * 1440 + 6 * 60 + rng.below(90) as u32;
        let off_now = off_from.is_some_and(|o| t >= o);
        ud.line(t, 0, 1, 4412, "systemtasks.cpp:31", "Service startup system task");
        if off_now {
            ud.line(t, 1, 1, 4412, "cdeploymentagent.cpp:204", "Software Updates feature is disabled");
        } else {
            ud.line(t, 20, 1, 4412, "cdeploymentagent.cpp:1951", "Enabling software Updates feature");
        }
        ud.line(t, 21, 1, 4412, "cdeploymentagent.cpp:255", "Startup task completed");
    }
    // A scan a day at the client's own hour while the feature is on.
    let hour = rng.below(24) as u32;
    let mut version = 112;
    for day in 0..=8u32 {
        let t = day * 1440 + hour * 60 + rng.below(60) as u32;
        if t >= END || off_from.is_some_and(|o| t >= o) {
            continue;
        }
        let fails = if p.sup && t >= SUP_BREAKS { Some("0x80244022") } else { None };
        let own = if p.unrelated && c.machine.ends_with(['1', '2']) && day >= 3 + (rng.below(5) as u32) {
            Some(["0x80072EE2", "0x8024401C", "0x80240438"][rng.below(3) as usize])
        } else {
            None
        };
        if day == 5 {
            version += 1;
        }
        scan(rng, c, src, version, t, fails.or(own), &mut ls, &mut sa, &mut wua);
    }
    if !p.off {
        deployment(rng, c, &mut ud, &mut uh, &mut cas, &mut ctm, &mut dts, &mut sw, &mut ls);
    }
    let mut files = vec![("LocationServices.log", ls), ("ScanAgent.log", sa), ("WUAHandler.log", wua), ("UpdatesDeployment.log", ud)];
    if !p.off {
        files.extend([
            ("CAS.log", cas),
            ("ContentTransferManager.log", ctm),
            ("DataTransferService.log", dts),
            ("UpdatesHandler.log", uh),
            ("ServiceWindowManager.log", sw),
        ]);
    }
    files.into_iter().map(|(n, l)| (n.to_string(), l.text.into_bytes())).collect()
}

/// One scan at `t`: the WSUS location request and reply, ScanAgent's job and WUAHandler's search,
/// completed or failed with `code`.
#[allow(clippy::too_many_arguments)]
fn scan(rng: &mut Rng, c: &Client, src: &str, version: u32, t: u32, code: Option<&str>, ls: &mut Log, sa: &mut Log, wua: &mut Log) {
    let job = rng.guid();
    let req = rng.guid();
    let url = format!("http://{}:8530", c.sup.to_ascii_uppercase());
    let server = c.sup.to_ascii_uppercase();
    sa.line(t, 0, 1, 4212, "scanagent.cpp:919", &format!("CScanAgent::ScanByUpdates- Policy available for UpdateSourceID={src} ContentVersion={version}"));
    sa.line(t, 0, 1, 4212, "scanagent.cpp:3393", "Inside CScanAgent::ProcessScanRequest()");
    sa.line(t, 0, 1, 4212, "scanjob.cpp:625", &format!("- - - - - -Requesting WSUS Server Locations from LS for {src} version {version}"));
    sa.line(t, 0, 1, 4212, "scanjob.cpp:932", &format!("- - - - - -Location Request ID = {{{req}}}"));
    ls.line(t, 1, 1, 4212, "ccmwsuslocation.cpp:3566", "CCCMWSUSLocation::GetLocationsAsyncEx");
    ls.line(
        t,
        1,
        1,
        4212,
        "ccmwsuslocation.cpp:3110",
        &format!(
            "WSUSLocationRequest : <WSUSLocationRequest SchemaVersion=\"1.00\"><Content ID=\"{src}\" Version=\"{version}\"/><AssignedSite SiteCode=\"{}\"/><ClientLocationInfo OnInternet=\"0\"><ADSite Name=\"{}\"/><Forest Name=\"CONTOSO.COM\"/><Domain Name=\"CONTOSO.COM\"/></ClientLocationInfo></WSUSLocationRequest>",
            c.site, c.ad_site
        ),
    );
    ls.line(
        t,
        2,
        1,
        2604,
        "ccmwsuslocation.cpp:3210",
        &format!(
            "WSUSLocationReply : <WSUSLocationReply SchemaVersion=\"1.00\"><Sites><Site><MPSite SiteCode=\"{}\"/><LocationRecords><LocationRecord WSUSURL=\"{url}\" ServerName=\"{server}\" Version=\"{version}\"/></LocationRecords></Site></Sites></WSUSLocationReply>",
            c.site
        ),
    );
    ls.line(t, 2, 1, 2604, "ccmwsuslocation.cpp:851", "Calling back with the following WSUS locations");
    ls.line(t, 2, 1, 2604, "ccmwsuslocation.cpp:3624", &format!("WSUS Path='{url}', Server='{server}', Version='{version}'"));
    sa.line(t, 2, 1, 2604, "scanagent.cpp:1724", &format!("*****WSUSLocationUpdate received for location request guid={{{req}}}"));
    sa.line(t, 2, 1, 2604, "scanjob.cpp:2950", &format!("ScanJob({{{job}}}): CScanJob::OnLocationUpdate- Received Location={url}, Version={version}"));
    sa.line(t, 3, 1, 2604, "scanjob.cpp:1885", &format!("ScanJob({{{job}}}): CScanJob::Execute - successfully requested Scan, ScanType=1"));
    wua.line(t, 3, 1, 7340, "sourcemanager.cpp:568", &format!("Existing WUA Managed server was already set ({url}), skipping Group Policy registration."));
    wua.line(t, 3, 1, 7340, "cwuahandler.cpp:3641", "Search Criteria is (DeploymentAction=* AND Type='Software') OR (DeploymentAction=* AND Type='Driver')");
    wua.line(t, 3, 1, 7340, "cwuahandler.cpp:443", "Async searching of updates using WUAgent started.");
    match code {
        Some(code) => {
            wua.line(t, 9, 3, 6612, "cwuahandler.cpp:3532", &format!("OnSearchComplete - Failed to end search job. Error = {code}."));
            wua.line(t, 9, 3, 6612, "cwuahandler.cpp:3201", &format!("Scan failed with error = {code}."));
            sa.line(t, 9, 3, 6612, "scanjob.cpp:2170", &format!("ScanJob({{{job}}}): CScanJob::OnScanComplete -Scan Failed with Error={code}"));
        }
        None => {
            wua.line(t + 1, 20, 1, 1816, "cwuahandler.cpp:2810", "Async searching completed.");
            wua.line(t + 1, 21, 1, 7308, "cwuahandler.cpp:4317", "Successfully completed scan.");
            sa.line(t + 1, 22, 1, 7308, "scanjob.cpp:2171", &format!("ScanJob({{{job}}}): CScanJob::OnScanComplete -Scan completed successfully, ScanType=1"));
            sa.line(t + 1, 22, 1, 7308, "scanagent.cpp:2304", &format!("CScanAgent::ScanComplete- Scan completion received for ToolUniqueID={src}."));
        }
    }
}

/// The deployment of [`UPDATES`] on 2026-11-14: its content from the client's distribution point,
/// then its window and its install.
#[allow(clippy::too_many_arguments)]
fn deployment(rng: &mut Rng, c: &Client, ud: &mut Log, uh: &mut Log, cas: &mut Log, ctm: &mut Log, dts: &mut Log, sw: &mut Log, ls: &mut Log) {
    let p = c.planted;
    let site = format!("Site_{}", source(c.site).trim_matches(|ch| ch == '{' || ch == '}'));
    let t = DEPLOYED + 8 * 60 + rng.below(240) as u32;
    let dp = format!("http://{}", c.dp.to_ascii_uppercase());
    ud.line(t, 0, 1, 4412, "updatesassignment.cpp:164", &format!("Assignment {ASSIGNMENT} has total CI = 4"));
    for (uid, title, kb, _, _) in UPDATES {
        ud.line(
            t,
            1,
            1,
            4412,
            "updatesassignment.cpp:1230",
            &format!("Update ({site}/SUM_{uid}) Name ({title}) ArticleID ({kb}) added to the targeted list of deployment ({ASSIGNMENT})"),
        );
    }
    ud.line(t, 2, 1, 4412, "updatesassignment.cpp:1300", "EnumerateUpdates for action (UpdateActionInstall) - Total actionable updates = 4");
    for (uid, ..) in UPDATES {
        ud.line(
            t,
            3,
            1,
            4412,
            "updatesassignment.cpp:1511",
            &format!("Update ({site}/SUM_{uid}) Progress: Status = ciStateDownloading, PercentComplete = 0, Result = 0x0"),
        );
    }
    // A download fault of its own: a full disk on some unrelated clients (those not failing a scan).
    let own_download = p.unrelated && !c.machine.ends_with(['1', '2']) && c.machine.ends_with(['3', '4', '5']);
    for (k, (uid, _, _, cid, name)) in UPDATES.iter().enumerate() {
        let job = rng.guid();
        let dj = rng.guid();
        let k = k as u32;
        uh.line(t, 9, 1, 6204, "cupdatejob.cpp:2042", &format!("Bundle update ({uid}) is requesting download from child updates for action (INSTALL)"));
        uh.line(
            t,
            9,
            1,
            6204,
            "cupdatejob.cpp:2060",
            &format!("Content Text = <Content ContentId=\"{cid}\" Version=\"1\"><FileContent Name=\"{name}\" Hash=\"5B1F0C7E9A2D4B6C8E0F1A3B5C7D9E1F2A4B6C8D\" HashAlgorithm=\"SHA1\" Size=\"81234567\"/></Content>"),
        );
        cas.line(
            t,
            10,
            1,
            3532,
            "contentaccessservice.cpp:1420",
            &format!("Requesting content {cid}.1, size(KB) 79331, under context System with priority Medium"),
        );
        cas.line(t, 10, 1, 3532, "downloadmanager.cpp:1051", &format!("Submitted CTM job {{{job}}} to download Content {cid}.1 under context System"));
        if own_download {
            // No distribution point offers it (an empty location update; the job waits).
            ctm.line(t, 13, 1, 5120, "ctmjob.cpp:1534", &format!("CTM job {{{job}}} entered phase CCM_DOWNLOADSTATUS_WAITING_CONTENTLOCATIONS"));
            ctm.line(t, 15, 1, 5120, "ctmjob.cpp:1822", &format!("CCTMJob::UpdateLocations({{{job}}}) - Received empty location update for CTM Job {{{job}}}"));
            ctm.line(t, 15, 1, 5120, "ctmjob.cpp:1840", &format!("CTM job {{{job}}} suspended"));
            continue;
        }
        ls.line(
            t,
            11,
            1,
            3120,
            "ccmcontentlocation.cpp:640",
            &format!(
                "Distribution Point='{dp}/SMS_DP_SMSPKG$/{cid}', Locality='LOCAL', DPType='SERVER', Version='9132', Capabilities='<Capabilities SchemaVersion=\"1.0\"><Property Name=\"SSLState\" Value=\"0\"/></Capabilities>', Signature='{dp}/SMS_DP_SMSSIG$/{cid}', ForestTrust='TRUE',"
            ),
        );
        ls.line(t, 11, 1, 3120, "ccmcontentlocation.cpp:1010", &format!("Calling back with locations for location request {{{}}}", rng.guid()));
        cas.line(t, 12, 1, 3532, "contentaccessservice.cpp:1702", &format!("Download started for content {cid}.1"));
        ctm.line(
            t,
            12,
            1,
            5120,
            "ctmjob.cpp:2144",
            &format!("CTM job {{{job}}} (corresponding DTS job {{{dj}}}) started download from '{dp}/SMS_DP_SMSPKG$/{cid}' for full content download."),
        );
        if p.dp {
            dts.line(
                t,
                12,
                1,
                2984,
                "dtsjob.cpp:560",
                &format!("DTSJob {{{dj}}} created to download from '{dp}:80/SMS_DP_SMSPKG$/{cid}' to 'C:\\Windows\\ccmcache\\{}'.", 4 + k),
            );
            dts.line(t, 12, 1, 2984, "dtsjob.cpp:820", &format!("DTSJob {{{dj}}} in state 'DownloadingManifest'."));
            for retry in [0, 10] {
                dts.line(t + retry, 13, 3, 2984, "davhelper.cpp:1241", "Error sending DAV request. HTTP code 405, status 'Method Not Allowed'");
                dts.line(t + retry, 13, 3, 2984, "davhelper.cpp:1290", "GetDirectoryList_HTTP failed after retry");
                dts.line(
                    t + retry,
                    13,
                    3,
                    2984,
                    "davhelper.cpp:1301",
                    &format!("GetDirectoryList_HTTP('{dp}:80/SMS_DP_SMSPKG$/{cid}') failed with code 0x87d0027e."),
                );
                dts.line(
                    t + retry,
                    13,
                    3,
                    2984,
                    "dtsjob.cpp:1472",
                    &format!("DTSJob({{{dj}}}):CDTSJob::ProcessManifestCallback - Error retrieving manifest (0x87d0027e)."),
                );
            }
            continue;
        }
        let done = t + 3 + k;
        dts.line(t, 12, 1, 2984, "dtsjob.cpp:820", &format!("DTSJob {{{dj}}} in state 'DownloadingData'."));
        dts.line(done, 40, 1, 2984, "dtsjob.cpp:1688", &format!("DTSJob {{{dj}}} successfully completed download."));
        ctm.line(done, 40, 1, 5120, "ctmjob.cpp:1201", &format!("CCTMJob::EvaluateState(JobID={{{job}}}, State=Complete)"));
        cas.line(done, 40, 1, 3532, "contentaccessservice.cpp:1811", &format!("Download completed for content {cid}.1 under context System"));
        cas.line(
            done,
            41,
            1,
            3532,
            "contentaccessservice.cpp:1930",
            &format!("Hash verification succeeded for content {cid}.1 downloaded under context System"),
        );
    }
    if p.dp || own_download {
        return;
    }
    window_and_install(c, &site, t, ud, sw);
}

/// After the content: the updates wait for a window that never opens, or install in the All
/// Programs window at 22:00 (KB5055523 failing where planted, an update of its own failing on
/// some single-fault clients).
fn window_and_install(c: &Client, site: &str, t: u32, ud: &mut Log, sw: &mut Log) {
    let p = c.planted;
    // The window: waiting for one that never opens, or the All Programs window at 22:00.
    let ready = t + 5;
    if p.window {
        let next = "11/29/2026 22:00:00";
        let mut at = ready;
        while at < END {
            ud.line(at, 0, 1, 4412, "updatesassignment.cpp:1300", "EnumerateUpdates for action (UpdateActionInstall) - Total actionable updates = 4");
            ud.line(at, 1, 1, 4412, "deploymentutils.cpp:88", "No current service window available to run updates assignment with time required = 3600");
            if at == ready {
                for (uid, ..) in UPDATES {
                    ud.line(
                        at,
                        1,
                        1,
                        4412,
                        "updatesassignment.cpp:1511",
                        &format!("Update ({site}/SUM_{uid}) Progress: Status = ciStateWaitServiceWindow, PercentComplete = 100, Result = 0x0"),
                    );
                }
            }
            sw.line(at, 1, 1, 5120, "servicewindowmanager.cpp:1045", "OnIsServiceWindowAvailable called with: Runtime:3600, Type:4");
            sw.line(
                at,
                1,
                1,
                5120,
                "servicewindowmanager.cpp:1120",
                "No Service Windows exist for this type. Will check if the program can run in the All Programs window...",
            );
            sw.line(at, 1, 1, 5120, "servicewindowmanager.cpp:1610", "Biggest Active Service Window for Type=1 not found");
            sw.line(at, 1, 1, 5120, "servicewindowmanager.cpp:1201", "Program cannot Run! Setting *canProgramRun to FALSE");
            sw.line(
                at,
                2,
                1,
                5120,
                "servicewindowmanager.cpp:702",
                &format!("Next Event Time is at {next}. Service Window with ID:{{8D2C4E6A-1B3F-4A5C-9E7D-0F2A4C6E8B1D}}. Is the next event the beginning of the window? Yes"),
            );
            at += 720;
        }
        return;
    }
    let open = DEPLOYED + 22 * 60;
    let install = open + 2;
    for (uid, ..) in UPDATES {
        ud.line(
            install,
            0,
            1,
            4412,
            "updatesassignment.cpp:1511",
            &format!("Update ({site}/SUM_{uid}) Progress: Status = ciStateInstalling, PercentComplete = 0, Result = 0x0"),
        );
    }
    let own_install = p.unrelated && c.machine.ends_with(['6', '7']);
    for (k, (uid, ..)) in UPDATES.iter().enumerate() {
        let own_k = 1 + c.machine.bytes().last().map_or(0, |d| usize::from(d % 3));
        let failing = (k == 0 && p.update) || (k == own_k && own_install);
        let end = install + 14 + k as u32;
        if failing {
            let code = if k == 0 {
                "0x80070643"
            } else {
                ["0x800F0922", "0x80070005", "0x80240022", "0x800F081F"][c.machine.len() % 4 + usize::from(c.machine.ends_with('7'))]
            };
            ud.line(
                end,
                5,
                3,
                4412,
                "updatesassignment.cpp:1511",
                &format!("Update ({site}/SUM_{uid}) Progress: Status = ciStateError, PercentComplete = 0, Result = {code}"),
            );
        } else {
            ud.line(
                end,
                5,
                1,
                4412,
                "updatesassignment.cpp:1511",
                &format!("Update ({site}/SUM_{uid}) Progress: Status = ciStateInstallComplete, PercentComplete = 100, Result = 0x0"),
            );
        }
    }
}

/// A site server's logs (wsyncmgr.log, WCM.log, WSUSCtrl.log): the site's synchronization each
/// night, its replica `BROKEN_SUP` failing from the night after it broke
/// (tests/fixtures/make_chain_fixtures.py's shapes, the SMS trace layout of
/// ../shared/reallogs/hold2/48_WCM.log).
pub fn site_server_logs() -> Vec<(String, Vec<u8>)> {
    let sms = |out: &mut String, msg: &str, day: u32, hh: u32, mm: u32, comp: &str| {
        out.push_str(&format!("{msg}  $$<{comp}><11-{day:02}-2026 {hh:02}:{mm:02}:00.000+000><thread=4120 (0x1018)>\r\n"));
    };
    let c = "SMS_WSUS_SYNC_MANAGER";
    let mut w = String::from("\u{feff}");
    for day in 10..=18u32 {
        sms(&mut w, "Starting Sync", day, 2, 0, c);
        sms(&mut w, "Synchronizing WSUS server ps1sup01.contoso.com ...", day, 2, 0, c);
        sms(&mut w, "Done synchronizing WSUS Server ps1sup01.contoso.com", day, 2, 2, c);
        sms(&mut w, "Sync succeeded. Setting sync alert to canceled state on site PS1", day, 2, 5, c);
        sms(&mut w, "Synchronizing replica WSUS servers", day, 2, 5, c);
        sms(&mut w, &format!("Synchronizing WSUS server {BROKEN_SUP} ..."), day, 2, 6, c);
        sms(&mut w, "sync: Starting Replica WSUS synchronization", day, 2, 6, c);
        if day >= 18 {
            sms(&mut w, "Sync failed: The request failed with HTTP status 503: Service Unavailable. Source: Microsoft.UpdateServices.Administration.AdminProxy.CreateUpdateServer", day, 2, 8, c);
            sms(&mut w, &format!("STATMSG: ID=6703 SEV=E LEV=M SOURCE=\"SMS Server\" COMP=\"SMS_WSUS_SYNC_MANAGER\" SYS=PS1SITE.CONTOSO.COM SITE=PS1 PID=2210 TID=4120 GMTDATE=Wed Nov 18 02:08:00.000 2026 ISTR0=\"{BROKEN_SUP}\" NUMATTRS=0"), day, 2, 8, c);
        } else {
            sms(&mut w, &format!("Done synchronizing WSUS Server {BROKEN_SUP}"), day, 2, 7, c);
        }
    }
    let c = "SMS_WSUS_CONFIGURATION_MANAGER";
    let mut wcm = String::from("\u{feff}");
    for day in 10..=18u32 {
        if day >= 18 {
            sms(&mut wcm, &format!("Attempting connection to WSUS server: {BROKEN_SUP}, port: 8530, useSSL: False"), day, 1, 10, c);
            sms(&mut wcm, "System.Net.WebException: The request failed with HTTP status 503: Service Unavailable.~~   at Microsoft.UpdateServices.Administration.AdminProxy.CreateUpdateServer(Object[] args)", day, 1, 11, c);
            sms(&mut wcm, "Remote configuration failed on WSUS Server.", day, 1, 11, c);
            sms(&mut wcm, "Setting new configuration state to 3 (WSUS_CONFIG_FAILED)", day, 1, 11, c);
        } else {
            sms(&mut wcm, &format!("Successfully connected to server: {BROKEN_SUP}, port: 8530, useSSL: False"), day, 1, 10, c);
            sms(&mut wcm, "Setting new configuration state to 2 (WSUS_CONFIG_SUCCESS)", day, 1, 10, c);
        }
    }
    vec![("wsyncmgr.log".into(), w.into_bytes()), ("WCM.log".into(), wcm.into_bytes())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_the_seeds_and_causes_overlap() {
        let run = |seed| {
            let mut rng = Rng(seed);
            (1..=2000).map(|n| client(&mut rng, n)).map(|c| (c.machine, c.sup, c.dp, c.planted)).collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
        let got = run(5);
        let n = |f: fn(&Planted) -> bool| got.iter().filter(|c| f(&c.3)).count();
        // About 15 % on the broken SUP, 10 % on the broken DP, 6 % off, 7 % waiting, 4 % failing the update.
        for (count, lo, hi) in
            [(n(|p| p.sup), 220, 340), (n(|p| p.dp), 150, 250), (n(|p| p.off), 80, 160), (n(|p| p.window), 90, 190), (n(|p| p.update), 50, 130)]
        {
            assert!((lo..=hi).contains(&count), "{count} not in {lo}..={hi}");
        }
        assert!(n(|p| p.sup && p.dp) > 10 && n(|p| p.sup && p.window) > 5 && n(|p| p.sup && p.update) > 3);
        assert_eq!(n(|p| p.off && (p.sup || p.dp || p.window || p.update)), 0);
        assert_eq!(n(|p| p.dp && (p.window || p.update)), 0);
    }

    #[test]
    fn a_broken_sup_client_scans_then_fails_from_the_day_it_broke() {
        let mut rng = Rng(9);
        let c = (1..).map(|n| client(&mut rng, n)).find(|c| c.planted.sup && !c.planted.unrelated).unwrap();
        let logs = logs(&mut rng, &c);
        let text = |name: &str| String::from_utf8(logs.iter().find(|(n, _)| n == name).unwrap().1.clone()).unwrap();
        let wua = text("WUAHandler.log");
        assert!(wua.contains("Successfully completed scan.") && wua.contains("Scan failed with error = 0x80244022."), "{wua}");
        let first_fail = wua.lines().find(|l| l.contains("Scan failed")).unwrap();
        assert!(first_fail.contains("date=\"11-17-2026\"") || first_fail.contains("date=\"11-18-2026\""), "{first_fail}");
        assert!(text("LocationServices.log").contains("WSUS Path='http://PS1SUP02.CONTOSO.COM:8530'"));
    }
}
