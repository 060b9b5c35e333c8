//! The ConfigMgr client's site assignment and the locations it was given, as facts
//! (LocationServices.log, and ccmsetup.log's LocationServices lines): each attempt to assign the
//! client to a site (`LSGetAssignedSiteFromAD : Trying to Assign to the Site <S>`,
//! `LSVerifySiteVersion : Verifying Site Version for <S>`) and the line that says it may be
//! assigned (`... Client can be assigned to site <S>.`), the management point it was given, the
//! software update point's WSUS location, the distribution points (or an empty list), and the
//! management point's and gateway's HTTP failures (`[CCMHTTP] ERROR INFO: StatusCode= 403
//! StatusText= ...`). The line shapes are `rules/configmgr-site.toml`'s, with their sources
//! (../shared/reference/configmgr-client-lines.md); the join reads the lines the data matched,
//! in time order.
//!
//! An attempt that a later attempt follows with no "can be assigned" line between them did not
//! assign the client (Microsoft Learn, "Assign clients to a site": automatic assignment retries
//! while the site's compatibility cannot be verified, and the client stays unmanaged): those are
//! the failed attempts, past where a later attempt succeeded.

use super::defs::RuleDef;
use super::finding::{Ctx, Finding};
use super::found::{Found, SiteAssignment};
use crate::model::{time_of, LinkState};

/// What one line says, in the order the shapes are tried.
#[derive(Debug, PartialEq, Eq)]
enum Said<'t> {
    /// An attempt begins: the site tried.
    Trying(&'t str),
    /// The site's version is being verified (inside an attempt, or one by itself).
    Verifying(&'t str),
    /// The client may be assigned to this site.
    Assignable(&'t str),
    /// The management point the client uses.
    ManagementPoint(&'t str),
    /// The software update point's WSUS location.
    Wsus(&'t str),
    /// A distribution point offered for a content.
    DistributionPoint,
    /// A content location request answered with no distribution point.
    NoDistributionPoint,
    /// `[CCMHTTP] ERROR INFO: StatusCode= N StatusText= T`.
    HttpStatus(u16, &'t str),
}

/// The shapes, each a literal of `rules/configmgr-site.toml` (a test checks they are there).
const TRYING: &str = "Trying to Assign to the Site ";
const VERIFYING: &str = "Verifying Site Version for ";
const ASSIGNABLE: &str = "Client can be assigned to site ";
const MP: &str = "Current Assigned Management Point is ";
const WSUS: &str = "WSUS Path='";
const DP: &str = "Distribution Point='";
const NO_DP: &str = "Calling back with empty distribution points list";
const HTTP: &str = "[CCMHTTP] ERROR INFO: StatusCode=";

/// A site code as the line writes it, without its angle brackets and a trailing period.
fn site(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("").trim_end_matches('.').trim_start_matches('<').trim_end_matches('>')
}

fn said(m: &str) -> Option<Said<'_>> {
    let m = m.trim();
    if let Some((_, rest)) = m.split_once(TRYING) {
        return Some(Said::Trying(site(rest)));
    }
    if let Some((_, rest)) = m.split_once(VERIFYING) {
        return Some(Said::Verifying(site(rest)));
    }
    if let Some((_, rest)) = m.split_once(ASSIGNABLE) {
        return Some(Said::Assignable(site(rest)));
    }
    if let Some((_, rest)) = m.split_once(MP) {
        return Some(Said::ManagementPoint(rest.split_whitespace().next().unwrap_or("")));
    }
    if let Some((_, rest)) = m.split_once(WSUS) {
        return rest.split('\'').next().map(Said::Wsus);
    }
    if m.contains(NO_DP) {
        return Some(Said::NoDistributionPoint);
    }
    if m.contains(DP) {
        return Some(Said::DistributionPoint);
    }
    if let Some((_, rest)) = m.split_once(HTTP) {
        let rest = rest.trim_start();
        let (code, text) = rest.split_once(' ').unwrap_or((rest, ""));
        let text = text.trim_start().strip_prefix("StatusText=").unwrap_or(text).trim();
        return Some(Said::HttpStatus(code.trim().parse().ok()?, text));
    }
    None
}

/// The site assignment the lines show; none where they show nothing of it.
pub fn site_assignment(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let mut sorted = lines.to_vec();
    sorted.sort_by_key(|&(f, e)| (ctx.a.files[f].utc_ms(&ctx.a.files[f].entries[e]).unwrap_or(i64::MIN), f, e));
    let mut s = SiteAssignment::default();
    // The attempt under way: its first line, and whether it verified the site's version yet.
    let mut open: Option<((usize, usize), bool)> = None;
    // Every failed attempt's first line (the first and the latest are its evidence).
    let mut failing: Vec<(usize, usize)> = Vec::new();
    let (mut assigned_line, mut last_http, mut no_dp_line) = (None, None, None);
    let mut seen = false;
    for (f, e) in sorted {
        let Some(said) = said(ctx.message(f, e)) else { continue };
        seen = true;
        let at = time_of(&ctx.a.files[f], e);
        match said {
            Said::Trying(site) | Said::Verifying(site) => {
                let verifying = matches!(said, Said::Verifying(_));
                match open {
                    // Verifying inside an attempt that has not verified yet: the same attempt.
                    Some((_, false)) if verifying => open = open.map(|(l, _)| (l, true)),
                    _ => {
                        if let Some((line, _)) = open.take() {
                            fail(&mut s, &mut failing, ctx, line);
                        }
                        open = Some(((f, e), verifying));
                    }
                }
                s.site = Some(site.to_string());
            }
            Said::Assignable(site) => {
                open = None;
                s.assigned = Some(site.to_string());
                s.assigned_at = at;
                s.past_failures += s.failures;
                s.failures = 0;
                s.failing_since = None;
                assigned_line = Some((f, e));
            }
            Said::ManagementPoint(mp) => s.management_point = Some(mp.to_string()),
            Said::Wsus(url) => s.wsus = Some(url.to_string()),
            Said::DistributionPoint => s.distribution_points += 1,
            Said::NoDistributionPoint => {
                s.empty_dp_lists += 1;
                no_dp_line = Some((f, e));
            }
            Said::HttpStatus(code, text) => {
                s.http_errors += 1;
                s.http = Some((code, text.to_string()));
                s.http_at = at;
                last_http = Some((f, e));
            }
        }
    }
    // Locations alone (a management point, a WSUS path) are no finding: the client was given
    // them, nothing to tell. An attempt, an empty distribution point list or an HTTP error is.
    let attempts = s.failures + s.past_failures + usize::from(s.assigned.is_some()) + usize::from(open.is_some());
    if !seen || (attempts == 0 && s.empty_dp_lists == 0 && s.http_errors == 0) {
        return None;
    }
    // An attempt open when the logs end has no outcome yet.
    s.attempt_open = open.is_some();
    let state = s.link_state();
    let mut evidence = Vec::new();
    let firsts = failing.first().copied().into_iter().chain(failing.last().copied());
    for (f, e) in firsts.chain(open.map(|(l, _)| l)).chain(assigned_line).chain(no_dp_line).chain(last_http) {
        let ev = ctx.ev(f, e);
        if !evidence.contains(&ev) {
            evidence.push(ev);
        }
    }
    let severity = if s.failures == 0 && s.past_failures > 0 { crate::model::FindingSeverity::Warning } else { state.severity() };
    Some(Finding::new(rule, severity, Found::SiteAssignment(s), evidence, &[]))
}

/// An attempt (its first line) ended without assigning the client.
fn fail(s: &mut SiteAssignment, failing: &mut Vec<(usize, usize)>, ctx: &Ctx, line: (usize, usize)) {
    let at = time_of(&ctx.a.files[line.0], line.1);
    s.failures += 1;
    if s.failing_since.is_none() {
        s.failing_since.clone_from(&at);
    }
    s.failing_last = at;
    failing.push(line);
}

impl SiteAssignment {
    /// Where the site assignment stands, the one definition its finding and its link read: attempts
    /// that failed with none succeeding after them fail; a lone attempt with no outcome when the
    /// logs end is still running; an assignment the lines confirm is ok; management point and
    /// location lines alone (no attempt in these logs) say the client is assigned.
    pub fn link_state(&self) -> LinkState {
        if self.failures > 0 {
            LinkState::Failed
        } else if self.attempt_open {
            LinkState::Running
        } else {
            LinkState::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{said, Said, ASSIGNABLE, DP, HTTP, MP, NO_DP, TRYING, VERIFYING, WSUS};

    /// The reader's shapes are the data's literals, so the literal catalog finds every line it reads.
    #[test]
    fn every_shape_is_a_literal_of_the_rule() {
        let rule = crate::diagnose::defs::rules().iter().find(|r| r.id == "site_assignment").expect("the rule");
        let any: Vec<&str> = rule.lines.iter().flat_map(|l| l.m.any.iter().copied()).collect();
        for shape in [TRYING, VERIFYING, ASSIGNABLE, MP, WSUS, DP, NO_DP, HTTP] {
            assert!(any.contains(&shape), "{shape:?} is not a literal of rules/configmgr-site.toml");
        }
    }

    /// The lines as ../shared/reference/configmgr-client-lines.md quotes them (KB 2002059; Microsoft
    /// Learn, "Track software update compliance assessment" and "CMG communication errors").
    #[test]
    fn lines_as_the_sources_show_them() {
        assert_eq!(said("LSGetAssignedSiteFromAD : Trying to Assign to the Site <P04>"), Some(Said::Trying("P04")));
        assert_eq!(said("LSVerifySiteVersion : Verifying Site Version for <P04>"), Some(Said::Verifying("P04")));
        assert_eq!(
            said("LSVerifySiteVersion : Verified Client Version '4.00.6221.1000' is not greater than Site Version '4.00.6221.0000'. Client can be assigned to site <P04>."),
            Some(Said::Assignable("P04"))
        );
        assert_eq!(
            said("WSUS Path='http://PS1SITE.CONTOSO.COM:8530', Server='PS1SITE.CONTOSO.COM', Version='38'"),
            Some(Said::Wsus("http://PS1SITE.CONTOSO.COM:8530"))
        );
        assert_eq!(said("LS Request CorrelationID {0F1E} - Calling back with empty distribution points list"), Some(Said::NoDistributionPoint));
        assert_eq!(
            said("[CCMHTTP] ERROR INFO: StatusCode= 403 StatusText= CMGConnector_Clientcertificaterequired"),
            Some(Said::HttpStatus(403, "CMGConnector_Clientcertificaterequired"))
        );
        assert_eq!(said("[CCMHTTP] ERROR INFO: StatusCode=500 StatusText=Internal Server Error"), Some(Said::HttpStatus(500, "Internal Server Error")));
        assert_eq!(said("Executing Task LSRefreshLocationsTask"), None);
    }
}
