//! Bundles as admins' collectors write them (`tests/fixtures/bundles`, `tests/fixtures/mdm-cab`,
//! made by `make_bundle_fixtures.py` after Microsoft's documented layouts): Intune's Collect
//! diagnostics zip (flattened and legacy), MdmDiagnosticsTool's cab, a Support Center bundle.
//! Each opens as one machine, the files table says where each file came from, registry exports
//! and `netsh` output inside feed the configuration, and `MDMDiagReport.xml`'s update ring joins
//! it and explains what it can.

use std::path::{Path, PathBuf};

use wulens_core::report::FileReport;
use wulens_core::{Analysis, Input, Limits, Report};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

const INTUNE01: &str = "DiagLogs-PC-INTUNE01-20261120T101500Z.zip";
const INTUNE02: &str = "DiagLogs-PC-INTUNE02-20261121T083000Z.zip";
const SUPPORT: &str = "Support_5f0c2d9a7b3e4c1d8a6f2e0b9c4d7a13.zip";

fn report_of(files: &[(&str, PathBuf)]) -> Report {
    let inputs = files.iter().map(|(name, p)| Input { name: name.to_string(), bytes: std::fs::read(p).unwrap().into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

fn bundle(name: &str) -> Report {
    report_of(&[(name, fixtures().join("bundles").join(name))])
}

fn file<'a>(r: &'a Report, ends: &str) -> &'a FileReport {
    r.files.iter().find(|f| f.name.ends_with(ends)).unwrap_or_else(|| panic!("{ends} not in {:?}", r.files.iter().map(|f| &f.name).collect::<Vec<_>>()))
}

fn finding_ids(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn an_intune_diagnostics_zip_is_one_machine_with_its_update_ring() {
    let r = bundle(INTUNE01);
    assert!(r.machines.is_empty(), "one machine: {:?}", r.machines);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // The cab inside the zip is expanded; each file says where it came from.
    let xml = file(&r, "/MDMDiagReport.xml");
    assert_eq!(xml.format, "mdm_report");
    assert_eq!(xml.bundle, format!("{INTUNE01}/(52) FoldersFiles temp_MDMDiagnostics_mdmlogs-2026-11-20-10-15-00_cab/mdmlogs-2026-11-20-10-15-00.cab"));
    assert_eq!(xml.member, "MDMDiagReport.xml");
    let reg = file(&r, "(8) RegistryKey HKLM_SOFTWARE_Policies export.reg");
    assert_eq!((reg.format.as_str(), reg.encoding.as_str()), ("reg_export", "utf-16le-bom"));
    assert_eq!((reg.bundle.as_str(), reg.member.as_str()), (INTUNE01, "(8) RegistryKey HKLM_SOFTWARE_Policies export.reg"));
    assert_eq!(file(&r, "/cbs.log").member, "(56) FoldersFiles windir_logs_CBS_cbs_log/cbs.log");
    assert_eq!(file(&r, "/cbs.log").format, "cbs");
    // The ring, beside the policy the registry export shows (nothing set for Windows Update)
    // and the proxy netsh printed.
    let c = &r.configuration;
    assert!(c.provided);
    let ring = c.update_ring.as_ref().expect("the update ring");
    assert_eq!(ring.server, "Microsoft Intune");
    assert_eq!(ring.defer_quality_days.as_ref().map(|s| s.value.as_str()), Some("7"));
    assert_eq!(ring.defer_feature_days.as_ref().map(|s| s.value.as_str()), Some("30"));
    assert_eq!(ring.pause_quality.as_ref().map(|s| s.value.as_str()), Some("2026-11-02"));
    assert_eq!(ring.pause_quality_window.as_deref(), Some("from 2026-11-02 to 2026-12-06"));
    assert!(ring.pause_feature.is_none());
    assert_eq!(ring.auto_update.as_deref(), Some("install and restart automatically (the default)"));
    assert_eq!(ring.pause_ux_disabled.as_ref().map(|s| s.value.as_str()), Some("1"));
    assert_eq!((ring.active_hours_start.as_ref().unwrap().value.as_str(), ring.active_hours_end.as_ref().unwrap().value.as_str()), ("8", "17"));
    assert!(ring.update_service_url.is_none());
    assert_eq!(ring.settings.len(), 8);
    assert!(ring.settings.iter().all(|s| s.file == xml.name && s.line > 1));
    let policy = c.policy.as_ref().expect("HKLM\\SOFTWARE\\Policies was exported");
    assert!(policy.wu_server.is_none() && policy.use_wu_server.is_none());
    assert!(c.proxy.as_ref().is_some_and(|p| p.direct));
    // The ring explains: quality updates paused while the logs end. A device of Windows Update
    // is not told it "does not use WSUS".
    let ids = finding_ids(&r);
    assert!(ids.contains(&"config_ring_paused"), "{ids:?}");
    assert!(!ids.contains(&"config_usewuserver_off"), "{ids:?}");
    let paused = r.findings.iter().find(|f| f.id == "config_ring_paused").unwrap();
    assert!(paused.summary.contains("quality updates from 2026-11-02 to 2026-12-06") && paused.summary.contains("2026-11-20"), "{}", paused.summary);
    assert!(paused.evidence.iter().any(|e| e.file == xml.name && e.text.contains("PauseQualityUpdatesStartTime")), "{:?}", paused.evidence);
}

#[test]
fn the_legacy_layout_and_a_ring_against_a_group_policy() {
    let r = bundle(INTUNE02);
    assert!(r.machines.is_empty(), "{:?}", r.machines);
    let reg = file(&r, "/8/export.reg");
    assert_eq!((reg.bundle.as_str(), reg.member.as_str()), (INTUNE02, "8/export.reg"));
    let c = &r.configuration;
    assert_eq!(c.policy.as_ref().and_then(|p| p.wu_server.as_ref()).map(|s| s.value.as_str()), Some("http://OLDWSUS.CONTOSO.COM:8530"));
    let ring = c.update_ring.as_ref().unwrap();
    assert_eq!(ring.defer_feature_days.as_ref().map(|s| s.value.as_str()), Some("90"));
    assert_eq!(ring.auto_update.as_deref(), Some("install and restart at a scheduled time"));
    let ids = finding_ids(&r);
    assert!(ids.contains(&"config_ring_wsus_conflict") && !ids.contains(&"config_ring_paused"), "{ids:?}");
    let f = r.findings.iter().find(|f| f.id == "config_ring_wsus_conflict").unwrap();
    assert!(f.summary.contains("OLDWSUS.CONTOSO.COM") && f.summary.contains("UseWUServer = 1"), "{}", f.summary);
    assert!(f.evidence.iter().any(|e| e.file == reg.name && e.text.contains("WUServer")), "{:?}", f.evidence);
}

#[test]
fn a_support_center_bundle_is_one_machine_and_its_logs_are_read() {
    let r = bundle(SUPPORT);
    assert!(r.machines.is_empty(), "{:?}", r.machines);
    let wua = file(&r, "/WUAHandler.log");
    assert_eq!((wua.format.as_str(), wua.bundle.as_str(), wua.member.as_str()), ("cmtrace", SUPPORT, "ClientLogs/CCM/Logs/WUAHandler.log"));
    assert_eq!(file(&r, "/HKLM_SOFTWARE_Microsoft_CCM.reg").format, "reg_export");
    // The scan failure the logs show is diagnosed as from a folder of loose logs.
    assert_eq!(r.scan_flow.failed_step, Some(3));
    assert!(finding_ids(&r).contains(&"gpo_override"), "{:?}", finding_ids(&r));
    // The client registry is not a Windows Update policy.
    assert!(r.configuration.policy.is_none());
}

#[test]
fn a_folder_of_such_bundles_is_a_fleet() {
    let names = [INTUNE01, INTUNE02, SUPPORT, "README.md"];
    let paths: Vec<String> = names.iter().map(|n| format!("bundles/{n}")).collect();
    let b = wulens_core::input::bundles::bundles(&paths);
    assert_eq!(b.iter().map(|b| b.machine.as_str()).collect::<Vec<_>>(), ["PC-INTUNE01", "PC-INTUNE02", SUPPORT.trim_end_matches(".zip")]);
    assert!(wulens_core::input::bundles::is_fleet(&b, &paths));
    // A zip's own listing (what the page sees of one dropped zip) is one machine.
    let listed: Vec<String> = zip_names(&fixtures().join("bundles").join(INTUNE02)).into_iter().map(|m| format!("{INTUNE02}/{m}")).collect();
    assert_eq!(wulens_core::input::bundles::bundles(&listed).len(), 1);
}

fn zip_names(p: &Path) -> Vec<String> {
    let z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
    z.file_names().map(str::to_string).collect()
}

#[test]
fn an_mdm_cab_beside_the_agent_log_explains_a_search_that_found_nothing() {
    let dir = fixtures().join("mdm-cab");
    let r = report_of(&[("mdm-cab/MDMDiag-PC-MDM04.cab", dir.join("MDMDiag-PC-MDM04.cab")), ("mdm-cab/WindowsUpdate.log", dir.join("WindowsUpdate.log"))]);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let members: Vec<&str> = r.files.iter().filter(|f| !f.bundle.is_empty()).map(|f| f.member.as_str()).collect();
    assert_eq!(
        members,
        ["MDMDiagHtmlReport.html", "MDMDiagReport.xml", "MdmDiagLogMetadata.json", "MdmDiagReport_RegistryDump.reg", "MdmLogCollectorFootPrint.txt"]
    );
    let ring = r.configuration.update_ring.as_ref().unwrap();
    // The report is one line of XML: every value is on line 1.
    assert_eq!(ring.defer_quality_days.as_ref().map(|s| (s.value.as_str(), s.line)), Some(("14", 1)));
    let f = r.findings.iter().find(|f| f.id == "config_ring_deferred").unwrap_or_else(|| panic!("{:?}", finding_ids(&r)));
    assert!(f.summary.contains("14 days") && f.summary.contains("WindowsUpdate.log line 5"), "{}", f.summary);
    // The long line is not quoted whole.
    assert!(f.evidence.iter().all(|e| e.text.len() < 300), "{:?}", f.evidence);
    assert!(f.evidence.iter().any(|e| e.text.contains("Updates found = 0")));
}
