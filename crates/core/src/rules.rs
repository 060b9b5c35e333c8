//! Known-issue rules on top of the scan flow, the verdict paragraph and the ranked next checks.
//!
//! Each rule's metadata (id, title, guidance, sources) sits beside the code that detects it.
//! Rules look at error codes (exact families from the seed articles) and at literal signatures
//! in specific logs; every finding carries the lines that prove it.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::config::ConfigReport;
use crate::flow::{file_is, FlowReport, Guidance, Src, StepStatus};
use crate::model::LogFile;
use crate::report::{evidence, ErrorReport, Evidence};
use crate::signals::{Compiled, LITERALS};

#[derive(Serialize, Debug, Clone)]
pub struct Finding {
    pub id: &'static str,
    pub title: &'static str,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// What was found, with the specifics (codes, servers, counts).
    pub summary: String,
    pub evidence: Vec<Evidence>,
    pub codes: Vec<String>,
    pub guidance: &'static [Guidance],
    pub sources: &'static [Src],
}

#[derive(Serialize, Debug, Clone)]
pub struct NextCheck {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// What this check comes from: a finding id, a code, or a step.
    pub from: String,
}

struct Rule {
    id: &'static str,
    title: &'static str,
    guidance: &'static [Guidance],
    sources: &'static [Src],
}

macro_rules! g {
    ($t:expr) => {
        Guidance { text: $t, command: None }
    };
    ($t:expr, $c:expr) => {
        Guidance { text: $t, command: Some($c) }
    };
}

const S000_PROXY: Src = Src { doc: "000_3983b336ceb8dfcf.txt", section: "Scan failures due to proxy-related issues" };
const S000_HTTP: Src = Src { doc: "000_3983b336ceb8dfcf.txt", section: "Scan failures related to HTTP time-out or authentication" };
const S000_CERT: Src = Src { doc: "000_3983b336ceb8dfcf.txt", section: "Scan fails with error 0x80072f0c" };
const S000_GPO: Src = Src { doc: "000_3983b336ceb8dfcf.txt", section: "Group Policy overrides the correct WSUS configuration information" };
const S000_COMP: Src = Src { doc: "000_3983b336ceb8dfcf.txt", section: "Scan failures due to missing or corrupted components" };
const S000_LOC: Src = Src { doc: "000_3983b336ceb8dfcf.txt", section: "Clients can't find the WSUS server location" };
const S000_UNKNOWN: Src = Src { doc: "000_3983b336ceb8dfcf.txt", section: "Compliance results unknown" };
const S001_STEP2: Src = Src { doc: "001_1f102207702da96d.txt", section: "Step 2: Scan Agent requests the scan and WUAHandler starts the scan" };
const S001_STEP1: Src = Src { doc: "001_1f102207702da96d.txt", section: "Troubleshoot issues in step 1" };
const S002_CHECK: Src = Src { doc: "002_a61634285f043b24.txt", section: "Troubleshooting checklist" };
const S002_MUX: Src = Src { doc: "002_a61634285f043b24.txt", section: "Issue 2" };
const S002_80244007: Src = Src { doc: "002_a61634285f043b24.txt", section: "Error code: 80244007" };
const S003_CBS: Src = Src { doc: "003_80077a2f577a378b.txt", section: "0x800f081f" };

const RULES: &[Rule] = &[
    Rule {
        id: "gpo_override",
        title: "Group Policy overrides the WSUS server that ConfigMgr set",
        guidance: &[
            g!("A domain GPO for Windows Update wins over the local policy ConfigMgr writes. Make the GPO's 'Specify intranet Microsoft update service location' exactly the software update point (same name format and port), or stop applying it to ConfigMgr clients."),
            g!("Check what the client actually received.", "gpresult /h gpresult.html"),
            g!("Compare with the registry values the agent uses.", "reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate"),
        ],
        sources: &[S000_GPO],
    },
    Rule {
        id: "wua_memory_8007000e",
        title: "Windows Update Agent ran out of memory (GetUpdateMetadata2, 0x8007000E)",
        guidance: &[
            g!("This is the known 32-bit Windows 7 agent problem: the metadata of a large scan does not fit the address space. Install the Windows Update Client for Windows 7 of June 2015 (KB3050265) or later."),
            g!("Reduce the scan size: decline superseded and unneeded updates on WSUS so fewer updates are evaluated."),
        ],
        sources: &[S001_STEP2],
    },
    Rule {
        id: "proxy_error",
        title: "Proxy or name-resolution errors reaching the update server",
        guidance: &[
            g!("The Windows Update Agent scans through the WinHTTP proxy (not the browser's): show it.", "netsh winhttp show proxy"),
            g!("If the browser's settings are right, copy them to WinHTTP, or set a proxy with a bypass list that includes the WSUS server.", "netsh winhttp import proxy source=ie"),
            g!("For 407 (proxy authentication required), let the proxy accept the computer account or bypass it for the intranet WSUS server."),
        ],
        sources: &[S000_PROXY],
    },
    Rule {
        id: "http_timeout_auth",
        title: "HTTP time-outs or authentication errors reaching the update server",
        guidance: &[
            g!("Prove the path from the client to WSUS: the self-update file, then the client web service (use your server and port).", "curl -v http://SUPSERVER.CONTOSO.COM:8530/Selfupdate/wuident.cab"),
            g!("Test the port through firewalls.", "Test-NetConnection SUPSERVER.CONTOSO.COM -Port 8530"),
            g!("Check the IIS logs on the WSUS server: if WSUS did not answer with the error, a proxy or firewall in between did."),
            g!("For 401/403, check the WinHTTP proxy first, then the authentication settings of the WSUS virtual directories.", "netsh winhttp show proxy"),
        ],
        sources: &[S000_HTTP],
    },
    Rule {
        id: "certificate_client_auth",
        title: "WSUS asks the client for a certificate (0x80072F0C)",
        guidance: &[
            g!("With SSL, the WSUS virtual directories (ClientWebService, SimpleAuthWebService, ...) must be set to ignore client certificates, not accept or require them."),
            g!("Make sure the server authentication certificate on the WSUS site matches the FQDN clients use (intranet and, if used, Internet names)."),
            g!("Check that the software update point is set to require SSL exactly when WSUS is configured for SSL."),
        ],
        sources: &[S000_CERT],
    },
    Rule {
        id: "component_corruption",
        title: "Missing or corrupted Windows Update components",
        guidance: &[
            g!("Run the Windows Update troubleshooter, and make sure the Windows Update Agent is current."),
            g!("Reset the data store: stop the service.", "net stop wuauserv"),
            g!("Rename the SoftwareDistribution folder.", "ren %windir%\\SoftwareDistribution SoftwareDistribution.old"),
            g!("Start the service and run a Software Updates Scan Cycle.", "net start wuauserv"),
        ],
        sources: &[S000_COMP],
    },
    Rule {
        id: "mux_connection",
        title: "Failed to connect to Mux (network or certificate error)",
        guidance: &[
            g!("The number in the message is a Winsock error: look it up, then check the network path and certificates (certificate errors are reported precisely: cannot be verified, not authorized, ...)."),
        ],
        sources: &[S002_MUX],
    },
    Rule {
        id: "sync_updates_with_recovery",
        title: "SyncUpdates_WithRecovery failed (0x80244007): WSUS rejects the client's sync",
        guidance: &[
            g!("The fix is on the WSUS server: in %ProgramFiles%\\Update Services\\WebServices\\ClientWebService\\web.config raise maxInstalledPrerequisites from 400 to 800. Take ownership of the file first.", "takeown /f web.config"),
            g!("Grant yourself write access.", "icacls web.config /grant administrator:(F)"),
            g!("Edit the value (<add key=\"maxInstalledPrerequisites\" value=\"800\"/>) and save.", "notepad.exe web.config"),
            g!("Restart IIS.", "IISReset"),
        ],
        sources: &[S002_80244007],
    },
    Rule {
        id: "cbs_store_corruption",
        title: "Component store (CBS) corruption",
        guidance: &[
            g!("Check the component store.", "DISM /Online /Cleanup-Image /ScanHealth"),
            g!("Confirm whether it is repairable.", "DISM /Online /Cleanup-Image /CheckHealth"),
            g!("Repair it; if the source is missing (0x800F081F), add /Source with a matching install image or allow Windows Update as the source.", "DISM /Online /Cleanup-Image /RestoreHealth"),
            g!("Then repair system files.", "sfc /scannow"),
            g!("Restart the machine and retry the update."),
        ],
        sources: &[S003_CBS, S002_CHECK],
    },
    Rule {
        id: "pending_reboot",
        title: "A restart is pending",
        guidance: &[g!("Restart the machine so pending servicing operations complete, then retry the scan or the installation.")],
        sources: &[S002_CHECK],
    },
    Rule {
        id: "no_wuahandler_activity",
        title: "No WUAHandler activity: the client is not scanning",
        guidance: &[
            g!("Check that the client setting 'Enable software updates on clients' applies to this device and that policy arrives (PolicyAgent.log)."),
            g!("Check that the site has a software update point and that the client gets a WSUS location (LocationServices.log)."),
            g!("Look for communication errors with the management point in CcmMessaging.log."),
        ],
        sources: &[S000_UNKNOWN, S001_STEP1],
    },
    Rule {
        id: "wsus_location_empty",
        title: "The management point returned no WSUS location",
        guidance: &[
            g!("An empty location reply usually means the content version the client asks for does not match the software update point's: check Monitoring > Software Update Point Synchronization Status."),
            g!("Compare Update Source unique ID and content version in the site database.", "select * from CI_UpdateSources; select * from WSUSServerLocations; select * from Update_SyncStatus"),
        ],
        sources: &[S000_LOC],
    },
    Rule {
        id: "wu_search_failed_other_caller",
        title: "Windows Update searches by other callers failed",
        guidance: &[g!("These searches were not started by ConfigMgr (for example drivers or Defender through Windows Update); they show the same network path problems and are worth fixing, but they do not decide the ConfigMgr scan.")],
        sources: &[],
    },
];

fn rule(id: &str) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).expect("rule id")
}

/// Literals the rules match; registered with the shared automaton.
pub const RULE_LITERALS: &[&str] = &[
    "Group policy settings were overwritten by a higher authority",
    "GetUpdateMetadata2",
    "Failed to connect to Mux",
    "SyncUpdates_WithRecovery",
    "store corruption",
    "Missing replacement payload",
    "CSI Payload Corrupt",
    "Reboot required=yes",
    "A reboot is required",
    "reboot is required",
    "pending a reboot",
    "Finding updates",
    "Exit code = ",
    "CallerId = CcmExec",
    "failed Searching for update with error",
    "WSUS Path='",
    "Enabling WUA Managed server policy to use server",
    "Location=<",
    "WSUS server: ",
];

const PROXY: &[u32] = &[0x80244021, 0x8024401B, 0x80240030, 0x8024402C];
const HTTP: &[u32] = &[0x80072EE2, 0x8024401C, 0x80244023, 0x80244017, 0x80244018];
const CERT: &[u32] = &[0x80072F0C];
const COMPONENTS: &[u32] =
    &[0x80245003, 0x80070514, 0x8DDD0018, 0x80246008, 0x80200013, 0x80004015, 0x800A0046, 0x800A01AD, 0x80070424, 0x800B0100, 0x80248011];
const CBS_CORRUPTION: &[u32] = &[0x800F081F, 0x800F0831, 0x80073701, 0x8007371B, 0x80070570, 0x800F0825];
const REBOOT: &[u32] = &[0x80070BC9, 0x80242014];

fn matcher(all: &'static [&'static str], any: &'static [&'static str], none: &'static [&'static str]) -> Compiled {
    LITERALS.compile(&crate::flow::Matcher { all, any, none })
}

/// Text signatures: rule id, which files, matcher.
struct TextRule {
    id: &'static str,
    files: fn(&LogFile) -> bool,
    m: Compiled,
}

static TEXT_RULES: LazyLock<Vec<TextRule>> = LazyLock::new(|| {
    vec![
        TextRule {
            id: "gpo_override",
            files: |f| file_is(f, "wuahandler"),
            m: matcher(&["Group policy settings were overwritten by a higher authority"], &[], &[]),
        },
        TextRule { id: "wua_memory_8007000e", files: |f| file_is(f, "windowsupdate"), m: matcher(&["GetUpdateMetadata2"], &[], &[]) },
        TextRule { id: "mux_connection", files: |_| true, m: matcher(&["Failed to connect to Mux"], &[], &[]) },
        TextRule { id: "sync_updates_with_recovery", files: |_| true, m: matcher(&["SyncUpdates_WithRecovery"], &[], &[]) },
        TextRule {
            id: "cbs_store_corruption",
            files: |f| file_is(f, "cbs") || file_is(f, "dism"),
            m: matcher(&[], &["store corruption", "Missing replacement payload", "CSI Payload Corrupt"], &[]),
        },
        TextRule {
            id: "pending_reboot",
            files: |_| true,
            m: matcher(&[], &["Reboot required=yes", "A reboot is required", "reboot is required", "pending a reboot"], &[]),
        },
        TextRule {
            id: "wu_search_failed_other_caller",
            files: |f| file_is(f, "windowsupdate"),
            m: matcher(&["Finding updates", "Exit code = "], &[], &["CallerId = CcmExec"]),
        },
        TextRule {
            id: "wu_search_failed_other_caller",
            files: |f| file_is(f, "windowsupdate"),
            m: matcher(&["failed Searching for update with error"], &[], &[]),
        },
        TextRule {
            id: "wsus_location",
            files: |f| file_is(f, "locationservices") || file_is(f, "scanagent") || file_is(f, "wuahandler") || file_is(f, "windowsupdate"),
            m: matcher(&[], &["WSUS Path='", "Enabling WUA Managed server policy to use server", "Location=<", "WSUS server: "], &[]),
        },
    ]
});

/// The literals the text rules need for file `f`.
pub fn literals_for(f: &LogFile) -> crate::signals::Bits {
    TEXT_RULES.iter().filter(|r| (r.files)(f)).fold([0u64; 4], |acc, r| crate::signals::union(acc, r.m.bits()))
}

/// Hits of text rules: rule id → (file, entry), in file order, at most 50 each.
fn text_hits(a: &Analysis) -> HashMap<&'static str, Vec<(usize, usize)>> {
    let mut hits: HashMap<&'static str, Vec<(usize, usize)>> = HashMap::new();
    for (fi, f) in a.files.iter().enumerate() {
        let rules: Vec<&TextRule> = TEXT_RULES.iter().filter(|r| (r.files)(f)).collect();
        if rules.is_empty() || !f.is_text() {
            continue;
        }
        for &(ei, bits) in &a.signal_hits()[fi] {
            let ei = ei as usize;
            for r in &rules {
                if r.m.matches(&bits) {
                    let v = hits.entry(r.id).or_default();
                    if v.len() < 50 {
                        v.push((fi, ei));
                    }
                }
            }
        }
    }
    hits
}

fn has_failure_code(a: &Analysis, fi: usize, ei: usize) -> bool {
    a.codes_at(fi, ei as u32).next().is_some()
}

fn ev(a: &Analysis, fi: usize, ei: usize) -> Evidence {
    let f = &a.files[fi];
    evidence(f, ei, f.entries[ei].line, 300)
}

/// Findings from a family of codes: which of them occur, where, how often.
fn code_family(a: &Analysis, id: &'static str, family: &[u32], severity: &'static str, only: Option<fn(&LogFile) -> bool>) -> Option<Finding> {
    let mut codes = Vec::new();
    let mut evidence_list = Vec::new();
    let mut total = 0;
    for c in family {
        let Some(s) = a.code_stats(*c) else { continue };
        let occ: Vec<_> = s.occurrences.iter().filter(|o| only.is_none_or(|f| f(&a.files[o.file as usize]))).collect();
        if occ.is_empty() {
            continue;
        }
        total += occ.len();
        codes.push(format!("0x{c:08X}"));
        for o in occ.iter().take(2) {
            evidence_list.push(ev(a, o.file as usize, o.entry as usize));
        }
    }
    if codes.is_empty() {
        return None;
    }
    let r = rule(id);
    Some(Finding {
        id,
        title: r.title,
        severity,
        summary: format!(
            "{} seen {} time(s): {}.",
            if codes.len() == 1 { "This code was" } else { "These codes were" },
            total,
            crate::flow::describe_codes(&codes)
        ),
        evidence: evidence_list.into_iter().take(6).collect(),
        codes,
        guidance: r.guidance,
        sources: r.sources,
    })
}

fn text_finding(a: &Analysis, id: &'static str, hits: &[(usize, usize)], severity: &'static str, summary: String) -> Finding {
    let r = rule(id);
    let mut codes: Vec<String> = Vec::new();
    for &(fi, ei) in hits {
        for c in a.codes_at(fi, ei as u32) {
            let s = format!("0x{c:08X}");
            if !codes.contains(&s) {
                codes.push(s);
            }
        }
    }
    Finding {
        id,
        title: r.title,
        severity,
        summary,
        evidence: hits.iter().take(4).map(|&(f, e)| ev(a, f, e)).collect(),
        codes,
        guidance: r.guidance,
        sources: r.sources,
    }
}

/// `http://SERVER:8530` inside `<...>`, `'...'` or after `Server `.
fn url_in(text: &str) -> Option<String> {
    let start = text.find("http://").or_else(|| text.find("https://"))?;
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '>' | '\'' | '"' | ')' | ',')).unwrap_or(rest.len());
    Some(rest[..end].trim_end_matches(['/', '.']).to_string())
}

fn same_server(a: &str, b: &str) -> bool {
    a.trim_end_matches('/').eq_ignore_ascii_case(b.trim_end_matches('/'))
}

pub fn evaluate(a: &Analysis, scan: &FlowReport, _sync: &FlowReport, config: &ConfigReport) -> Vec<Finding> {
    let hits = text_hits(a);
    let scan_failed = scan.failed_step.is_some();
    let mut out = Vec::new();

    // Group Policy override, with the two servers side by side when both are known.
    if let Some(h) = hits.get("gpo_override") {
        let &(fi, ei) = h.last().unwrap();
        let gpo_url = url_in(a.files[fi].message(&a.files[fi].entries[ei]));
        let location = hits.get("wsus_location").and_then(|v| {
            v.iter().rev().find_map(|&(f, e)| {
                let file = &a.files[f];
                let msg = file.message(&file.entries[e]);
                // The location ConfigMgr handed out, not what the agent ended up using.
                if file_is(file, "windowsupdate") {
                    return None;
                }
                url_in(msg).map(|u| (u, f, e))
            })
        });
        let mut hits_ev = h.clone();
        let summary = match (&gpo_url, &location) {
            (Some(g), Some((l, f, e))) if !same_server(g, l) => {
                hits_ev.push((*f, *e));
                format!("A domain policy sets the WSUS server to {g}, but ConfigMgr's software update point for this client is {l}. The agent scans against the policy's server.")
            }
            (Some(g), Some((l, _, _))) => format!("A domain policy sets the WSUS server to {g}; that is the same server ConfigMgr assigned ({l}), so the override is harmless as long as the two stay identical."),
            (Some(g), None) => format!("A domain policy sets the WSUS server to {g}. Unless that is exactly the software update point (name format and port), the scan fails."),
            _ => "WUAHandler reports that Group Policy overwrote the WSUS settings ConfigMgr made.".to_string(),
        };
        let harmless = matches!((&gpo_url, &location), (Some(g), Some((l, _, _))) if same_server(g, l));
        out.push(text_finding(
            a,
            "gpo_override",
            &hits_ev,
            if harmless {
                "info"
            } else if scan_failed {
                "error"
            } else {
                "warning"
            },
            summary,
        ));
    }

    if let Some(h) = hits.get("wua_memory_8007000e") {
        let with_code: Vec<_> = h.iter().copied().filter(|&(f, e)| a.codes_at(f, e as u32).any(|c| c == 0x8007000E)).collect();
        if !with_code.is_empty() {
            out.push(text_finding(
                a,
                "wua_memory_8007000e",
                &with_code,
                "error",
                format!(
                    "WindowsUpdate.log shows 'GetUpdateMetadata2 failed, hr=8007000E' {} time(s): the agent ran out of memory while reading update metadata.",
                    with_code.len()
                ),
            ));
        }
    }

    out.extend(code_family(a, "proxy_error", PROXY, "error", None));
    out.extend(code_family(a, "http_timeout_auth", HTTP, "error", None));
    out.extend(code_family(a, "certificate_client_auth", CERT, "error", None));
    out.extend(code_family(a, "component_corruption", COMPONENTS, "error", None));

    if let Some(h) = hits.get("mux_connection") {
        out.push(text_finding(
            a,
            "mux_connection",
            h,
            "error",
            format!("'Failed to connect to Mux' appears {} time(s): downloads from WSUS or ConfigMgr are blocked by a network or certificate error.", h.len()),
        ));
    }

    // SyncUpdates_WithRecovery failing with 0x80244007 (a SOAP fault from WSUS). The same call
    // failing with another code (a time-out, a name not resolved) is a network problem instead.
    if let Some(s) = a.code_stats(0x80244007) {
        let with_sync: Vec<(usize, usize)> = hits
            .get("sync_updates_with_recovery")
            .map(|h| h.iter().copied().filter(|&(f, e)| a.codes_at(f, e as u32).any(|c| c == 0x80244007)).collect())
            .unwrap_or_default();
        let mut h = with_sync.clone();
        h.extend(s.occurrences.iter().take(4).map(|o| (o.file as usize, o.entry as usize)));
        h.dedup();
        let summary = if with_sync.is_empty() {
            format!("0x80244007 (a SOAP fault returned by WSUS) appears {} time(s); when it comes from SyncUpdates_WithRecovery the known cause is a WSUS server limit (maxInstalledPrerequisites).", s.count)
        } else {
            format!("SyncUpdates_WithRecovery failed with 0x80244007 ({} time(s)): WSUS rejects the client's sync with a SOAP fault, the known WSUS server limit (maxInstalledPrerequisites).", with_sync.len())
        };
        out.push(text_finding(a, "sync_updates_with_recovery", &h, "error", summary));
    }

    // CBS corruption: codes in CBS/DISM, or the corruption signatures.
    let cbs_codes = code_family(a, "cbs_store_corruption", CBS_CORRUPTION, "error", Some(|f| file_is(f, "cbs") || file_is(f, "dism")));
    let cbs_text = hits.get("cbs_store_corruption");
    if cbs_codes.is_some() || cbs_text.is_some() {
        let mut f = cbs_codes.unwrap_or_else(|| text_finding(a, "cbs_store_corruption", cbs_text.unwrap(), "error", String::new()));
        if let Some(t) = cbs_text {
            for &(fi, ei) in t.iter().take(3) {
                let e = ev(a, fi, ei);
                if !f.evidence.iter().any(|x| x.file == e.file && x.line == e.line) {
                    f.evidence.push(e);
                }
            }
        }
        let repair_failed =
            cbs_text.is_some_and(|t| t.iter().any(|&(fi, ei)| a.files[fi].message(&a.files[fi].entries[ei]).contains("Missing replacement payload")));
        f.summary = format!(
            "The component store is damaged{}{}.",
            if f.codes.is_empty() { String::new() } else { format!(": {}", crate::flow::describe_codes(&f.codes)) },
            if repair_failed { "; a repair already failed for lack of a source (missing replacement payload)" } else { "" }
        );
        out.push(f);
    }

    let mut reboot: Vec<(usize, usize)> = hits.get("pending_reboot").cloned().unwrap_or_default();
    for c in REBOOT {
        if let Some(s) = a.code_stats(*c) {
            reboot.extend(s.occurrences.iter().take(3).map(|o| (o.file as usize, o.entry as usize)));
        }
    }
    if !reboot.is_empty() {
        out.push(text_finding(
            a,
            "pending_reboot",
            &reboot,
            "warning",
            format!("{} line(s) say a restart is required or pending; until it happens, servicing and some scans do not complete.", reboot.len()),
        ));
    }

    // No WUAHandler activity: the client logs are here but WUAHandler is absent, or it wrote
    // nothing for the latest scan (article 001, step 2: no new WUAHandler lines after a scan
    // means the management point returned no software update point).
    let has_wuahandler = a.files.iter().any(|f| file_is(f, "wuahandler") && f.is_text());
    let client_logs = a
        .files
        .iter()
        .filter(|f| {
            ["scanagent", "locationservices", "updatesdeployment", "updateshandler", "updatesstore", "ccmmessaging", "policyagent"]
                .iter()
                .any(|id| file_is(f, id))
        })
        .count();
    let early = |id: &str| scan.latest_cycle_logs.contains(&id);
    let scan_requested = early("scanagent") || early("locationservices");
    let r = rule("no_wuahandler_activity");
    if !has_wuahandler && (client_logs >= 3 || (client_logs >= 1 && scan_requested)) {
        out.push(Finding {
            id: r.id,
            title: r.title,
            severity: "warning",
            summary: format!("{client_logs} ConfigMgr client log(s) were given but no WUAHandler.log: the client has not run a software-update scan (or WUAHandler.log was left out of the bundle)."),
            evidence: Vec::new(),
            codes: Vec::new(),
            guidance: r.guidance,
            sources: r.sources,
        });
    } else if has_wuahandler && scan_requested && !early("wuahandler") {
        let mut evidence_list = Vec::new();
        let mut summary = "WUAHandler.log has no line for the latest scan request".to_string();
        if let Some(&(_, f, e)) = scan.last_line_of_log.iter().find(|(l, _, _)| *l == "wuahandler") {
            let ev0 = ev(a, f as usize, e as usize);
            if let Some(t) = &ev0.time {
                summary.push_str(&format!(" (its last scan line is from {})", t));
            }
            evidence_list.push(ev0);
        }
        if let Some(&(_, f, e)) = scan.last_line_of_log.iter().find(|(l, _, _)| *l == "scanagent" || *l == "locationservices") {
            evidence_list.insert(0, ev(a, f as usize, e as usize));
        }
        summary.push_str(": the scan never reached the Windows Update Agent, which usually means the management point returned no software update point.");
        out.push(Finding {
            id: r.id,
            title: r.title,
            severity: "error",
            summary,
            evidence: evidence_list,
            codes: Vec::new(),
            guidance: r.guidance,
            sources: r.sources,
        });
    }

    // An empty WSUS location reply.
    if let Some(step1) = scan.step(1) {
        if step1.status == StepStatus::Failed && step1.evidence.iter().any(|e| e.text.contains("WSUSLocationReply") && !e.text.contains("LocationRecord ")) {
            let r = rule("wsus_location_empty");
            out.push(Finding {
                id: r.id,
                title: r.title,
                severity: "error",
                summary: "The WSUS location reply has no location record: the management point knows no software update point for the content version the client asked for.".into(),
                evidence: step1.evidence.iter().filter(|e| e.text.contains("WSUSLocationReply")).cloned().collect(),
                codes: Vec::new(),
                guidance: r.guidance,
                sources: r.sources,
            });
        }
    }

    if let Some(h) = hits.get("wu_search_failed_other_caller") {
        let failed: Vec<(usize, usize)> = h.iter().copied().filter(|&(f, e)| has_failure_code(a, f, e)).collect();
        if !failed.is_empty() {
            out.push(text_finding(
                a,
                "wu_search_failed_other_caller",
                &failed,
                "info",
                format!("{} Windows Update search(es) started by other callers ended with an error.", failed.len()),
            ));
        }
    }

    out.extend(crate::config::findings(a, config, scan));

    // Most severe first, stable otherwise.
    let rank = |s: &str| match s {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    out.sort_by_key(|f| rank(f.severity));
    out
}

/// Ranked, de-duplicated checks: findings first, then the failed step's codes, then the step.
pub fn next_checks(scan: &FlowReport, sync: &FlowReport, findings: &[Finding], errors: &[ErrorReport]) -> Vec<NextCheck> {
    let mut out: Vec<NextCheck> = Vec::new();
    fn add(out: &mut Vec<NextCheck>, text: &str, command: Option<&str>, from: String) {
        if out.len() < 10 && !out.iter().any(|c| c.text == text) {
            out.push(NextCheck { text: text.to_string(), command: command.map(str::to_string), from });
        }
    }
    let mut push = |text: &str, command: Option<&str>, from: String| add(&mut out, text, command, from);
    for f in findings.iter().filter(|f| f.severity != "info") {
        for g in f.guidance.iter().take(2) {
            push(g.text, g.command, format!("finding {}", f.id));
        }
    }
    for flow in [scan, sync] {
        if let Some(n) = flow.failed_step {
            let st = flow.step(n).unwrap();
            for code in st.codes.iter().take(2) {
                if let Some(k) = errors.iter().find(|e| &e.code == code).and_then(|e| e.kb) {
                    for s in k.mitigation.iter().take(3) {
                        push(&s.text, s.command.as_deref(), code.clone());
                    }
                }
            }
            for g in st.guidance.iter().take(3) {
                push(g.text, g.command, format!("{} step {n}", flow.id));
            }
        }
    }
    if out.is_empty() {
        if let Some(e) = errors.iter().find(|e| e.kb.is_some_and(|k| !k.mitigation.is_empty())) {
            for s in e.kb.unwrap().mitigation.iter().take(3) {
                add(&mut out, &s.text, s.command.as_deref(), e.code.clone());
            }
        }
    }
    // Logs that would let wulens say more.
    let missing: Vec<&String> = scan.steps.iter().filter(|s| s.status == StepStatus::Unknown).flat_map(|s| &s.missing_logs).collect();
    let mut seen = Vec::new();
    for m in missing {
        if !seen.contains(&m) {
            seen.push(m);
        }
    }
    if scan.witnessed() && !seen.is_empty() {
        let names: Vec<&str> = seen.iter().map(|s| s.as_str()).collect();
        let text = format!("Add {} to the drop to check the steps marked unknown.", names.join(", "));
        let cmd = names.iter().any(|n| n.starts_with("WindowsUpdate")).then_some("Get-WindowsUpdateLog -LogPath C:\\Temp\\WindowsUpdate.log");
        add(&mut out, &text, cmd, "missing logs".into());
    }
    out
}

/// The status word and the one-paragraph verdict.
pub fn verdict(a: &Analysis, scan: &FlowReport, sync: &FlowReport, findings: &[Finding], errors: &[ErrorReport]) -> (&'static str, String) {
    let mut parts: Vec<String> = Vec::new();
    let status;
    let describe_error = |code: &str| -> String {
        let Some(e) = errors.iter().find(|e| e.code == code) else { return code.to_string() };
        let mut s = e.code.clone();
        let meaning = e.kb.map(|k| k.message.trim_end_matches('.').to_string()).filter(|m| !m.is_empty());
        match (meaning, e.decoded.http_status) {
            (Some(m), _) => s.push_str(&format!(", {}", lower_first(&m))),
            (None, Some(h)) => s.push_str(&format!(", HTTP {h}")),
            (None, None) if !e.symbol.is_empty() => s.push_str(&format!(" ({})", e.symbol)),
            _ => {}
        }
        // Where it is most frequent, and when it first appeared.
        let mut per_file: HashMap<&str, usize> = HashMap::new();
        for o in &e.occurrences {
            *per_file.entry(crate::input::base_name(&o.file)).or_default() += 1;
        }
        if let Some((file, n)) = per_file.iter().max_by_key(|(f, n)| (**n, std::cmp::Reverse(**f))) {
            let n = if per_file.len() == 1 { e.count as usize } else { *n };
            s.push_str(&format!(", {} in {file}", times(n)));
        }
        if let Some(t) = &e.first_seen {
            s.push_str(&format!(", first at {}", short_time(t)));
        }
        s
    };
    if scan.witnessed() {
        let cycles = scan.cycles_total;
        if let Some(n) = scan.failed_step {
            status = "failed";
            let st = scan.step(n).unwrap();
            let mut p = format!("The scan failed at step {n} ({})", lower_first(st.short));
            if let Some(code) = st.codes.first() {
                p.push_str(&format!(": {}", describe_error(code)));
            } else if !st.reason.is_empty() {
                p.push_str(&format!(": {}", st.reason));
            }
            p.push('.');
            parts.push(p);
        } else {
            let unknown: Vec<u8> = scan.steps.iter().filter(|s| s.status == StepStatus::Unknown).map(|s| s.number).collect();
            let not_reached: Vec<u8> = scan.steps.iter().filter(|s| s.status == StepStatus::NotReached).map(|s| s.number).collect();
            let last_ok = scan.steps.iter().filter(|s| s.status == StepStatus::Ok).map(|s| s.number).max().unwrap_or(0);
            if unknown.is_empty() && not_reached.is_empty() {
                status = "ok";
                parts.push("The latest scan completed: every step of the client scan flow is confirmed by the logs.".into());
            } else {
                status = "incomplete";
                let mut p = format!("No step of the latest scan failed; the logs confirm it up to step {last_ok}.");
                if !unknown.is_empty() {
                    p.push_str(&format!(" Step{} {} could not be checked without more logs.", if unknown.len() > 1 { "s" } else { "" }, list(&unknown)));
                }
                if !not_reached.is_empty() {
                    p.push_str(&format!(" Step{} {} left no trace yet.", if not_reached.len() > 1 { "s" } else { "" }, list(&not_reached)));
                }
                parts.push(p);
            }
        }
        if cycles > 1 {
            let earlier = &scan.cycles[..cycles - 1];
            let failed = earlier.iter().filter(|c| c.outcome == "failed").count();
            let completed = earlier.iter().filter(|c| c.outcome == "completed").count();
            let history = match (failed, completed, earlier.len()) {
                (0, c, n) if c == n => {
                    if n == 1 {
                        "the earlier one completed".to_string()
                    } else {
                        format!("the {n} earlier ones completed")
                    }
                }
                (f, _, n) if f == n => {
                    if n == 1 {
                        "the earlier one failed too".to_string()
                    } else {
                        format!("the {n} earlier ones failed too")
                    }
                }
                (f, _, n) => format!("{f} of the {n} earlier ones failed"),
            };
            let listed = if cycles > scan.cycles.len() { format!(" (of the last {})", scan.cycles.len() - 1) } else { String::new() };
            parts.push(format!("This is the latest of {cycles} scan cycles in the logs; {history}{listed}."));
        }
    } else if sync.witnessed() {
        if let Some(n) = sync.failed_step {
            status = "failed";
            let st = sync.step(n).unwrap();
            let mut p = format!("The WSUS synchronization failed at step {n} ({})", lower_first(st.short));
            if let Some(code) = st.codes.first() {
                p.push_str(&format!(": {}", describe_error(code)));
            }
            p.push('.');
            parts.push(p);
        } else {
            status = if sync.steps.iter().all(|s| s.status == StepStatus::Ok) { "ok" } else { "incomplete" };
            parts.push(if status == "ok" {
                "The latest WSUS synchronization completed.".into()
            } else {
                "The WSUS synchronization shows no failure, but did not finish in these logs.".to_string()
            });
        }
    } else {
        status = "no_scan";
        let texts = a.files.iter().filter(|f| f.is_text()).count();
        let mut p = if texts == 0 {
            "None of the inputs is a readable text log.".to_string()
        } else {
            "These logs show no ConfigMgr client scan and no WSUS synchronization.".to_string()
        };
        // Errors are ranked: codes behind a finding first, then codes with guidance, then count.
        if let Some(e) = errors.first() {
            p.push_str(&format!(" The most significant error is {}.", describe_error(&e.code)));
        } else if texts > 0 {
            p.push_str(" No error codes were found.");
        }
        parts.push(p);
    }
    let main: Vec<&Finding> = findings.iter().filter(|f| f.severity == "error").take(2).collect();
    if !main.is_empty() {
        let titles: Vec<&str> = main.iter().map(|f| f.title).collect();
        parts.push(format!("Likely cause: {}.", titles.join("; ")));
    }
    (status, parts.join(" "))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // Keep acronyms and codes (WSUS, HTTP, 0x...) as they are.
        Some(f) if f.is_uppercase() && c.clone().next().is_some_and(|n| n.is_lowercase()) => f.to_lowercase().chain(c).collect(),
        _ => s.to_string(),
    }
}

fn times(n: usize) -> String {
    if n == 1 {
        "once".into()
    } else {
        format!("{n} times")
    }
}

fn list(v: &[u8]) -> String {
    let s: Vec<String> = v.iter().map(u8::to_string).collect();
    match s.len() {
        0 => String::new(),
        1 => s[0].clone(),
        _ => format!("{} and {}", s[..s.len() - 1].join(", "), s[s.len() - 1]),
    }
}

/// `2024-05-31T16:45:56.136-07:00` → `2024-05-31 16:45:56 (UTC-07:00)`.
fn short_time(t: &str) -> String {
    let (date, rest) = t.split_once('T').unwrap_or((t, ""));
    let clock = rest.get(..8).unwrap_or(rest);
    let zone = rest.get(12..).unwrap_or("");
    match zone {
        "" => format!("{date} {clock}"),
        "Z" => format!("{date} {clock} UTC"),
        z => format!("{date} {clock} (UTC{z})"),
    }
}
