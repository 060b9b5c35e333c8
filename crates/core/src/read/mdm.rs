//! `MDMDiagReport.xml`, the MDM report MdmDiagnosticsTool writes (in its `-cab`/`-zip`/`-out`
//! output and in Intune's Collect diagnostics): the policies the MDM enrollments set, of which
//! wulens reads the `Update` area: the Intune update ring (deferrals, pauses, the automatic
//! update mode, who may pause, active hours, the update service URL). The XML is read by
//! roxmltree.
//!
//! The report's layout, as Microsoft's own scripts over it read it: under
//! `MDMEnterpriseDiagnosticsReport/PolicyManager`, each `ConfigSource` (one per enrollment,
//! `EnrollmentId`) holds `PolicyScope` blocks (`<PolicyScope>Device</PolicyScope>` or a user's
//! SID) of `Area`s (`<PolicyAreaName>Update</PolicyAreaName>`, then one element per policy,
//! `<DeferQualityUpdatesPeriodInDays>7</...>`, with `..._LastWrite` beside it); the
//! `currentPolicies` blocks hold the values in force (`CurrentPolicyValues`, with
//! `..._ProviderSet` and `..._WinningProvider`). `DeviceManagementAccount/Enrollment` names each
//! enrollment's server.

/// Is `head` (a file's first text) an MDM diagnostics report?
pub fn detect(head: &str) -> bool {
    let h = head.trim_start_matches('\u{FEFF}').trim_start();
    let window = &h[..h.char_indices().nth(4096).map_or(h.len(), |(i, _)| i)];
    h.starts_with('<') && window.contains("<MDMEnterpriseDiagnosticsReport")
}

/// One policy of the report's `Update` area, with the line it is written on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MdmPolicy {
    /// `DeferQualityUpdatesPeriodInDays`, as the Policy CSP names it.
    pub name: String,
    pub value: String,
    pub line: u32,
    /// From the values in force (`currentPolicies`) rather than one enrollment's.
    pub current: bool,
    /// The enrollment that set it (`ConfigSource/EnrollmentId`), where known.
    pub enrollment: String,
}

/// What wulens reads of an MDM report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MdmReport {
    /// The device's `Update` policies: the value in force where the report has one, else the
    /// value an enrollment set; in the report's order.
    pub update: Vec<MdmPolicy>,
    /// The enrollments' management servers (`MDMServerName`), by enrollment id.
    pub servers: Vec<(String, String)>,
}

fn child_text<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    n.children().find(|c| c.is_element() && c.tag_name().name().eq_ignore_ascii_case(name)).and_then(|c| c.text()).map(str::trim)
}

fn elements<'a>(n: roxmltree::Node<'a, 'a>, name: &'a str) -> impl Iterator<Item = roxmltree::Node<'a, 'a>> + 'a {
    n.children().filter(move |c| c.is_element() && c.tag_name().name().eq_ignore_ascii_case(name))
}

/// A scope block's scope: `Device`, or a user's SID.
fn is_device(scope: roxmltree::Node) -> bool {
    child_text(scope, "PolicyScope").is_none_or(|s| s.eq_ignore_ascii_case("device"))
}

/// The policies of the `Update` areas under `scope` (a `PolicyScope` or `currentPolicies`
/// block): every element but the area's name and the `_LastWrite` / `_ProviderSet` /
/// `_WinningProvider` notes.
fn update_values<'a>(newlines: &[usize], areas: impl Iterator<Item = roxmltree::Node<'a, 'a>>, current: bool, enrollment: &str, out: &mut Vec<MdmPolicy>) {
    for area in areas.filter(|a| child_text(*a, "PolicyAreaName").is_some_and(|n| n.eq_ignore_ascii_case("Update"))) {
        for v in area.children().filter(|c| c.is_element()) {
            let name = v.tag_name().name();
            let note = ["PolicyAreaName"].contains(&name) || ["_LastWrite", "_ProviderSet", "_WinningProvider"].iter().any(|s| name.ends_with(s));
            if note {
                continue;
            }
            let line = newlines.partition_point(|&n| n < v.range().start) as u32 + 1;
            out.push(MdmPolicy { name: name.to_string(), value: v.text().unwrap_or("").trim().to_string(), line, current, enrollment: enrollment.to_string() });
        }
    }
}

/// Read an MDM report. The values in force come first; an enrollment's value is kept only for
/// a policy with none in force.
pub fn parse(text: &str) -> Result<MdmReport, String> {
    let opts = roxmltree::ParsingOptions { allow_dtd: false, ..roxmltree::ParsingOptions::default() };
    let text = text.trim_start_matches('\u{FEFF}');
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| e.to_string())?;
    // Where each line ends, once: a value's line is found by its offset.
    let newlines: Vec<usize> = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
    let root = doc.root_element();
    let mut current = Vec::new();
    let mut set = Vec::new();
    let mut servers = Vec::new();
    for pm in elements(root, "PolicyManager") {
        for block in elements(pm, "currentPolicies").filter(|b| is_device(*b)) {
            update_values(&newlines, elements(block, "CurrentPolicyValues"), true, "", &mut current);
        }
        for source in elements(pm, "ConfigSource") {
            let enrollment = child_text(source, "EnrollmentId").unwrap_or("");
            for scope in elements(source, "PolicyScope").filter(|s| is_device(*s)) {
                update_values(&newlines, elements(scope, "Area"), false, enrollment, &mut set);
            }
        }
    }
    for account in elements(root, "DeviceManagementAccount") {
        for e in elements(account, "Enrollment") {
            let id = child_text(e, "EnrollmentId").unwrap_or("");
            let server = e.descendants().find(|d| d.is_element() && d.tag_name().name().eq_ignore_ascii_case("MDMServerName")).and_then(|d| d.text());
            if let Some(server) = server.map(str::trim).filter(|s| !s.is_empty()) {
                servers.push((id.to_string(), server.to_string()));
            }
        }
    }
    let mut update = current;
    for p in set {
        if !update.iter().any(|u| u.name.eq_ignore_ascii_case(&p.name)) {
            update.push(p);
        } else if let Some(u) = update.iter_mut().find(|u| u.name.eq_ignore_ascii_case(&p.name) && u.enrollment.is_empty()) {
            u.enrollment = p.enrollment;
        }
    }
    Ok(MdmReport { update, servers })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<MDMEnterpriseDiagnosticsReport>
  <Version>1.0</Version>
  <DeviceManagementAccount>
    <Enrollment>
      <EnrollmentId>0D2E4C8A-1111-4B6E-9D0A-3F5C7E9A1B2C</EnrollmentId>
      <ProtectedInformation><MDMServerName>Microsoft Intune</MDMServerName></ProtectedInformation>
    </Enrollment>
  </DeviceManagementAccount>
  <PolicyManager>
    <ConfigSource>
      <EnrollmentId>0D2E4C8A-1111-4B6E-9D0A-3F5C7E9A1B2C</EnrollmentId>
      <PolicyScope>
        <PolicyScope>Device</PolicyScope>
        <Area>
          <PolicyAreaName>Update</PolicyAreaName>
          <DeferQualityUpdatesPeriodInDays>7</DeferQualityUpdatesPeriodInDays>
          <DeferQualityUpdatesPeriodInDays_LastWrite>1</DeferQualityUpdatesPeriodInDays_LastWrite>
          <PauseQualityUpdatesStartTime>2026-11-02</PauseQualityUpdatesStartTime>
        </Area>
        <Area>
          <PolicyAreaName>Defender</PolicyAreaName>
          <AllowRealtimeMonitoring>1</AllowRealtimeMonitoring>
        </Area>
      </PolicyScope>
      <PolicyScope>
        <PolicyScope>S-1-5-21-1-2-3-1001</PolicyScope>
        <Area><PolicyAreaName>Update</PolicyAreaName><UserOnly>1</UserOnly></Area>
      </PolicyScope>
    </ConfigSource>
    <currentPolicies>
      <PolicyScope>Device</PolicyScope>
      <CurrentPolicyValues>
        <PolicyAreaName>Update</PolicyAreaName>
        <DeferQualityUpdatesPeriodInDays>14</DeferQualityUpdatesPeriodInDays>
        <DeferQualityUpdatesPeriodInDays_ProviderSet>1</DeferQualityUpdatesPeriodInDays_ProviderSet>
        <DeferQualityUpdatesPeriodInDays_WinningProvider>0D2E4C8A-1111-4B6E-9D0A-3F5C7E9A1B2C</DeferQualityUpdatesPeriodInDays_WinningProvider>
      </CurrentPolicyValues>
    </currentPolicies>
  </PolicyManager>
</MDMEnterpriseDiagnosticsReport>
"#;

    #[test]
    fn the_update_area_in_force_then_as_set() {
        assert!(detect(REPORT));
        assert!(!detect("<Collection HRESULT=\"0\"><ID>x</ID></Collection>"));
        let r = parse(REPORT).unwrap();
        let got: Vec<(&str, &str, u32, bool)> = r.update.iter().map(|p| (p.name.as_str(), p.value.as_str(), p.line, p.current)).collect();
        assert_eq!(got, [("DeferQualityUpdatesPeriodInDays", "14", 35, true), ("PauseQualityUpdatesStartTime", "2026-11-02", 19, false)]);
        assert_eq!(r.update[0].enrollment, "0D2E4C8A-1111-4B6E-9D0A-3F5C7E9A1B2C");
        assert_eq!(r.servers, [("0D2E4C8A-1111-4B6E-9D0A-3F5C7E9A1B2C".to_string(), "Microsoft Intune".to_string())]);
        // One line of XML (the tool writes it unindented) reads the same, every value on line 1.
        let flat: String = REPORT.lines().map(str::trim).collect();
        assert_eq!(parse(&flat).unwrap().update.len(), 2);
        // Not XML, or a DTD (entity expansion): an error, never a panic.
        assert!(parse("<MDMEnterpriseDiagnosticsReport><PolicyManager>").is_err());
        assert!(parse("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><MDMEnterpriseDiagnosticsReport>&a;</MDMEnterpriseDiagnosticsReport>").is_err());
    }
}
