//! The joins of the `config_*` rules (`rules/with-configuration.toml`): the configuration given
//! next to the logs (`config::ConfigFacts`) against what the logs show; and where the advice's
//! servers come from (`Servers::build`), which reads the rules' line sets.
//!
//! Floors: `config` (what the configuration and logs say) → `finding` (`Finding`, `Ctx`) →
//! this file → `rules` (every rule, and the order of the findings).

use super::config::{microsoft_url, offered_line, public_service_line, OperationUpdate, Proxy, Ring, Servers, UpdateClass};
use super::defs::RuleDef;
use super::finding::{Ctx, Finding};
use super::found::{At, Found, PortFault, RingRival};
use super::operations::Operation;
use crate::analysis::Analysis;
use crate::model::lines::Lines;
use crate::model::{Evidence, FindingSeverity, LogKind, OperationKind, Outcome, Setting};
use crate::read::config::{bypassed, parse_url, same_endpoint, url_in};

fn ev_setting(s: &Setting, a: &Analysis) -> Evidence {
    let text = a
        .files
        .iter()
        .find(|f| f.name == s.file)
        .and_then(|f| Lines::new(&f.text, 0).nth(s.line as usize - 1).map(|l| f.text[l.start..l.end].trim().to_string()))
        .unwrap_or_else(|| s.value.clone());
    Evidence { file: s.file.clone(), line: s.line, time: None, text }
}

/// The first line with one of `codes`: WindowsUpdate.log first (the agent's own account, where
/// article 000 says the detail is), else WUAHandler.log (which repeats what the agent reported).
fn first_code_occurrence(a: &Analysis, codes: &[u32]) -> Option<(u32, usize, usize)> {
    [LogKind::WindowsUpdate, LogKind::WuaHandler].iter().find_map(|&log| {
        codes.iter().find_map(|c| {
            a.code_stats(*c).and_then(|s| s.occurrences.iter().find(|o| a.files[o.file as usize].kind == log).map(|o| (*c, o.file as usize, o.entry as usize)))
        })
    })
}

/// The policy's WUServer / WUStatusServer against the servers ConfigMgr handed out.
pub fn gpo_mismatch(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let (a, c) = (ctx.a, ctx.config);
    let p = c.policy.as_ref()?;
    let (loc, fi, ei) = c.locations.first()?;
    let mismatched: Vec<&Setting> =
        [&p.wu_server, &p.wu_status_server].into_iter().flatten().filter(|s| !c.locations.iter().any(|(l, ..)| same_endpoint(&s.value, &l.value))).collect();
    let first = mismatched.first()?;
    let mut evidence: Vec<Evidence> = mismatched.iter().map(|s| ev_setting(s, a)).collect();
    evidence.push(ctx.ev(*fi, *ei));
    // And where the management point offered it, when another log shows the use.
    if let Some((fo, eo)) = offered_line(a, &loc.value) {
        if (fo, eo) != (*fi, *ei) {
            evidence.push(ctx.ev(fo, eo));
        }
    }
    let said = Found::GpoMismatch { policy: (*first).clone(), assigned: loc.clone() };
    Some(Finding::new(rule, rule.severity, said, evidence, &[]))
}

/// UseWUServer missing or not 1: the agent does not use WSUS. Found only where WSUS is meant:
/// the policy names a server, ConfigMgr hands one out, or the MDM ring points at one; a device
/// that gets its updates from Windows Update (an Intune update ring) has no UseWUServer.
pub fn usewuserver_off(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let a = ctx.a;
    let c = ctx.config;
    let p = c.policy.as_ref()?;
    if p.use_wu_server.as_ref().map(|s| s.value.as_str()) == Some("1") {
        return None;
    }
    if p.wu_server.is_none() && c.locations.is_empty() && c.ring.as_ref().and_then(Ring::service_url).is_none() {
        return None;
    }
    let mut evidence = match &p.use_wu_server {
        Some(s) => vec![ev_setting(s, a)],
        None => p.wu_server.iter().map(|s| ev_setting(s, a)).collect(),
    };
    let public = public_service_line(a);
    if let Some((fi, ei)) = public {
        evidence.push(ctx.ev(fi, ei));
    }
    let said = Found::UseWuServerOff { setting: p.use_wu_server.clone(), policy_file: p.files.first().cloned(), public_service: public.is_some() };
    Some(Finding::new(rule, rule.severity, said, evidence, &[]))
}

/// A WSUS URL without a port, or on one WSUS does not use.
pub fn wsus_port(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let p = ctx.config.policy.as_ref()?;
    let bad: Vec<&Setting> = [&p.wu_server, &p.wu_status_server]
        .into_iter()
        .flatten()
        .filter(|s| match parse_url(&s.value) {
            Some((_, _, None)) | None => true,
            Some((_, _, Some(port))) => ![80, 443, 8530, 8531].contains(&port),
        })
        .collect();
    if bad.is_empty() {
        return None;
    }
    let urls = bad
        .iter()
        .map(|s| {
            let fault = match parse_url(&s.value) {
                Some((_, _, None)) => PortFault::NoPort,
                Some((_, _, Some(port))) => PortFault::Port(port),
                None => PortFault::NotUrl,
            };
            (s.value.clone(), fault)
        })
        .collect();
    Some(Finding::new(rule, rule.severity, Found::WsusPort { urls }, bad.iter().map(|s| ev_setting(s, ctx.a)).collect(), &[]))
}

/// The proxy card's line: netsh's own for direct access, else the servers and bypass list.
fn proxy_evidence(px: &Proxy, a: &Analysis) -> Evidence {
    if px.direct {
        return ev_setting(&Setting { value: String::new(), file: px.file.clone(), line: px.line }, a);
    }
    let text = format!("Proxy: {}; bypass: {}", px.servers.join(" "), px.bypass.join(";"));
    Evidence { file: px.file.clone(), line: px.line, time: None, text }
}

/// A WinHTTP proxy that does not bypass the WSUS server, or with proxy errors in the logs.
pub fn proxy_blocks_wsus(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let (a, c) = (ctx.a, ctx.config);
    let px = c.proxy.as_ref().filter(|px| !px.direct && px.problem.is_none() && !px.servers.is_empty())?;
    let wsus_host = c.policy.as_ref().and_then(|p| p.wu_server.as_ref()).or_else(|| c.wsus_location()).and_then(|s| parse_url(&s.value)).map(|(_, h, _)| h);
    let proxy_code = first_code_occurrence(a, &[0x80244021, 0x8024401B, 0x80240030, 0x8024402C]);
    let not_bypassed = wsus_host.as_ref().filter(|h| !bypassed(h, &px.bypass));
    if proxy_code.is_none() && not_bypassed.is_none() {
        return None;
    }
    let mut evidence = vec![proxy_evidence(px, ctx.a)];
    if let Some(line) = px.bypass_line {
        evidence.push(Evidence { file: px.file.clone(), line, time: None, text: format!("Bypass list: {}", px.bypass.join(";")) });
    }
    let code = proxy_code.map(|(code, fi, ei)| {
        evidence.push(ctx.ev(fi, ei));
        code
    });
    let severity = if code.is_none() { FindingSeverity::Warning } else { FindingSeverity::Error };
    let said = Found::ProxyBlocksWsus { servers: px.servers.clone(), not_bypassed: not_bypassed.map(|h| (h.clone(), px.bypass.clone())), code };
    Some(Finding::new(rule, severity, said, evidence, code.as_slice()))
}

/// Direct access (no proxy), yet name-resolution or time-out errors.
pub fn direct_network_errors(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let px = ctx.config.proxy.as_ref().filter(|px| px.direct)?;
    let (code, fi, ei) = first_code_occurrence(ctx.a, &[0x80072EE7, 0x8024402C, 0x80072EE2, 0x8024401C, 0x80244023, 0x80072EFD])?;
    Some(Finding::new(rule, rule.severity, Found::DirectNetworkErrors { code }, vec![proxy_evidence(px, ctx.a), ctx.ev(fi, ei)], &[code]))
}

// ---- the MDM update ring ----

/// A ring policy as evidence: its line, or where the report is one long line (the tool writes
/// it unindented), the element alone.
fn ev_ring(name: &str, s: &Setting, a: &Analysis) -> Evidence {
    let mut e = ev_setting(s, a);
    if e.text.len() > 240 {
        e.text = format!("<{name}>{}</{name}>", s.value);
    }
    e
}

/// The latest time of the logs (UTC ms), configuration files aside.
fn logs_end(a: &Analysis) -> Option<i64> {
    a.files.iter().filter(|f| !f.format.is_configuration()).filter_map(|f| f.entries.iter().rev().find_map(|e| f.utc_ms(e))).max()
}

/// The management server that set the ring (`Microsoft Intune`), where the report names it.
fn by(ring: &Ring) -> Option<String> {
    Some(ring.server.clone()).filter(|s| !s.is_empty())
}

/// What the agent writes when a search found nothing to install: COMAPI's end of a search
/// (`* END *   Search ClientId = ..., Updates found = 0, ServiceId = ...`) and the Windows 7
/// agent's `Found 0 updates and 0 categories in search`, as real WindowsUpdate.logs write them.
/// Read by the ring's joins alone, and only when an update ring is given: the catalog's scan
/// of every WindowsUpdate.log stays within its 64 literals.
const FOUND_NONE: [&str; 2] = ["Updates found = 0", "Found 0 updates"];

/// Lines of a search that found nothing at or after `from_day`, the latest last; at most `n`.
fn found_none_since(ctx: &Ctx, from_day: Option<i64>, n: usize) -> Vec<(usize, usize)> {
    let a = ctx.a;
    let finders = FOUND_NONE.map(memchr::memmem::Finder::new);
    let mut hits: Vec<(Option<i64>, usize, usize)> = Vec::new();
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| f.is(LogKind::WindowsUpdate)) {
        for (ei, e) in f.entries.iter().enumerate() {
            let m = f.message(e);
            let none = finders.iter().any(|fd| fd.find_iter(m.as_bytes()).any(|at| !m.as_bytes().get(at + fd.needle().len()).is_some_and(u8::is_ascii_digit)));
            let t = f.utc_ms(e);
            if none && from_day.is_none_or(|d| t.is_none_or(|t| t.div_euclid(86_400_000) >= d)) {
                hits.push((t, fi, ei));
            }
        }
    }
    hits.sort();
    hits.into_iter().rev().take(n).rev().map(|(_, f, e)| (f, e)).collect()
}

/// The ring pauses quality or feature updates, and the pause is in effect when the logs end (or
/// the logs carry no time): Windows Update offers nothing of that kind until it lapses.
pub fn ring_paused(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let a = ctx.a;
    let ring = ctx.config.ring.as_ref()?;
    let end = logs_end(a);
    let paused: Vec<(UpdateClass, super::config::Pause)> = [UpdateClass::Quality, UpdateClass::Feature]
        .into_iter()
        .filter_map(|c| ring.pause(c).map(|p| (c, p)))
        .filter(|(_, p)| end.is_none_or(|t| p.in_effect_at(t) != Some(false)))
        .collect();
    if paused.is_empty() {
        return None;
    }
    let mut evidence: Vec<Evidence> = paused.iter().map(|(c, p)| ev_ring(&pause_name(*c, p), &p.setting, a)).collect();
    let none = found_none_since(ctx, paused.iter().filter_map(|(_, p)| p.days.map(|d| d.0)).min(), 2);
    evidence.extend(none.iter().map(|&(f, e)| ctx.ev(f, e)));
    let said = Found::RingPaused {
        by: by(ring),
        pauses: paused.iter().map(|(c, p)| (*c, p.days)).collect(),
        at: At { file: ring.file.clone(), line: paused[0].1.setting.line },
        logs_end_day: end.map(|t| t.div_euclid(86_400_000)),
        found_none: none.last().map(|&(f, e)| log_line(a, f, e)),
    };
    Some(Finding::new(rule, rule.severity, said, evidence, &[]))
}

/// Entry `e` of file `f`: the file and its line.
fn log_line(a: &Analysis, f: usize, e: usize) -> At {
    At { file: a.files[f].name.clone(), line: a.files[f].entries[e].line }
}

/// The policy a pause was read from.
fn pause_name(c: UpdateClass, p: &super::config::Pause) -> String {
    let class = if c == UpdateClass::Quality { "Quality" } else { "Feature" };
    if p.days.is_some() {
        format!("Pause{class}UpdatesStartTime")
    } else {
        format!("Pause{class}Updates")
    }
}

/// The ring defers quality updates and the agent's searches found nothing: the deferral is why
/// the latest cumulative update is not offered yet (no pause of quality updates in effect; that
/// one says more).
pub fn ring_deferred(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let a = ctx.a;
    let ring = ctx.config.ring.as_ref()?;
    let (days, s) = ring.deferral(UpdateClass::Quality)?;
    let end = logs_end(a);
    if ring.pause(UpdateClass::Quality).is_some_and(|p| end.is_none_or(|t| p.in_effect_at(t) != Some(false))) {
        return None;
    }
    let &(f, e) = found_none_since(ctx, None, 1).last()?;
    let feature_days = ring.deferral(UpdateClass::Feature).map(|(d, _)| d);
    let said = Found::RingDeferred { by: by(ring), days, at: At::of(s), feature_days, found_none: log_line(a, f, e) };
    Some(Finding::new(rule, rule.severity, said, vec![ev_ring("DeferQualityUpdatesPeriodInDays", s, a), ctx.ev(f, e)], &[]))
}

/// The ring and a Group Policy (or ConfigMgr) send the agent to different update services: the
/// ring's WSUS against another one, or the ring's Windows Update deferrals and pauses against a
/// Group Policy that points the agent at WSUS.
pub fn ring_wsus_conflict(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let (a, c) = (ctx.a, ctx.config);
    let ring = c.ring.as_ref()?;
    let gpo = c.policy.as_ref().and_then(|p| p.wu_server.as_ref());
    let gpo_on = c.policy.as_ref().and_then(|p| p.use_wu_server.as_ref()).filter(|s| s.value.trim() == "1");
    if let Some(url) = ring.service_url() {
        let other = gpo
            .filter(|g| !same_endpoint(&g.value, &url.value))
            .map(|g| (g, RingRival::GroupPolicy))
            .or_else(|| c.wsus_location().filter(|l| !same_endpoint(&l.value, &url.value)).map(|l| (l, RingRival::ConfigMgr)))?;
        let said = Found::RingTwoServices { by: by(ring), url: url.clone(), rival: other.1, other: other.0.clone() };
        return Some(Finding::new(rule, rule.severity, said, vec![ev_ring("UpdateServiceUrl", url, a), ev_setting(other.0, a)], &[]));
    }
    let (g, on) = (gpo?, gpo_on?);
    if !ring.manages_windows_update() {
        return None;
    }
    let (name, s) = [UpdateClass::Quality, UpdateClass::Feature].iter().find_map(|&cl| {
        ring.pause(cl).map(|p| (pause_name(cl, &p), p.setting)).or_else(|| {
            ring.deferral(cl).map(|(_, s)| (format!("Defer{}UpdatesPeriodInDays", if cl == UpdateClass::Quality { "Quality" } else { "Feature" }), s.clone()))
        })
    })?;
    let evidence = vec![ev_ring(&name, &s, a), ev_setting(g, a), ev_setting(on, a)];
    let said = Found::RingAgainstWsusPolicy { by: by(ring), policy: name, at: At::of(&s), wsus: g.clone() };
    Some(Finding::new(rule, rule.severity, said, evidence, &[]))
}

// ---- where the advice's servers come from ----

impl Servers {
    /// The WSUS server from, in order: the policy given (WUServer), the agent's latest
    /// `WSUS server: http...`, a Group Policy override WUAHandler reports, the location
    /// ConfigMgr handed out. The proxy from `netsh winhttp show proxy`.
    pub fn build(ctx: &Ctx) -> Servers {
        let c = ctx.config;
        // Each candidate with the line that names it (the row of a fleet says where it came from).
        let setting = |f: usize, e: u32, value: String| {
            let file = &ctx.a.files[f];
            Setting { value, file: file.name.clone(), line: file.entries.get(e as usize).map_or(0, |x| x.line) }
        };
        let agent = || {
            ctx.set("wsus_location")
                .iter()
                .rev()
                .filter(|&&(f, _)| ctx.a.files[f].is(LogKind::WindowsUpdate))
                .find_map(|&(f, e)| ctx.message(f, e).split_once("WSUS server: ").and_then(|(_, rest)| url_in(rest)).map(|u| setting(f, e as u32, u)))
        };
        let gpo = || ctx.set("gpo_server").iter().rev().find_map(|&(f, e)| url_in(ctx.message(f, e)).map(|u| setting(f, e as u32, u)));
        // The server the agent's latest search of a server that is not Microsoft's talked to
        // (its `Server URL = http://wsus01:8530/ClientWebService/client.asmx`).
        let searched = || {
            let mut searches: Vec<&Operation> = ctx.ops.iter().filter(|o| o.kind() == OperationKind::Search).collect();
            searches.sort_by_key(|o| (o.file, o.start));
            searches.iter().rev().find_map(|o| {
                o.fact("server").filter(|u| parse_url(u).is_some() && !microsoft_url(u)).map(|u| setting(o.file, o.start.unwrap_or(0), u.to_string()))
            })
        };
        let from = c.policy.as_ref().and_then(|p| p.wu_server.clone()).or_else(agent).or_else(searched).or_else(gpo).or_else(|| c.wsus_location().cloned());
        let wsus = from.as_ref().and_then(|s| parse_url(&s.value)).map(|(scheme, host, port)| {
            let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
            (scheme, host, port)
        });
        let proxy = c.proxy.as_ref().filter(|p| !p.direct && p.problem.is_none()).and_then(|p| p.servers.first()).map(|s| {
            // `http=proxy:8080;https=proxy:8080` names a proxy per scheme: the first one.
            let first = s.split(';').next().unwrap_or(s);
            first.rsplit_once('=').map_or(first, |(_, v)| v).trim().to_string()
        });
        let mut cdn_files: Vec<usize> = Vec::new();
        let mut wsus_files: Vec<usize> = Vec::new();
        for &(f, e) in ctx.set("download_url") {
            let m = ctx.message(f, e);
            let after = ["File URL = ", "Uri = ", "cdnUrl = "].iter().find_map(|k| m.split_once(k).map(|(_, rest)| rest));
            let Some(url) = after.and_then(url_in) else { continue };
            let list = if microsoft_url(&url) { &mut cdn_files } else { &mut wsus_files };
            if !list.contains(&f) {
                list.push(f);
            }
        }
        cdn_files.retain(|f| !wsus_files.contains(f));
        let mut public_callers: Vec<(usize, String)> = Vec::new();
        let mut wsus_callers: Vec<(usize, String)> = Vec::new();
        for o in ctx.ops.iter().filter(|o| o.kind() == OperationKind::Search && !o.caller.is_empty()) {
            let list = match o.public_service() {
                Some(true) => &mut public_callers,
                Some(false) => &mut wsus_callers,
                None => continue,
            };
            let key = (o.file, o.caller.clone());
            if !list.contains(&key) {
                list.push(key);
            }
        }
        public_callers.retain(|k| !wsus_callers.contains(k));
        let updates = ctx.ops.iter().filter(|o| o.outcome == Outcome::Failed).filter_map(|o| operation_update(ctx.a, o)).collect();
        let wsus_from = from.filter(|_| wsus.is_some());
        let content = ctx.content;
        let failing = content.iter().rev().find(|j| j.state == super::content::ContentState::Failed && j.source.is_some());
        let dp_url = failing.or_else(|| content.iter().rev().find(|j| j.source.is_some())).and_then(|j| j.source.clone());
        Servers { wsus, wsus_from, proxy, cdn_files, public_callers, updates, dp_url }
    }
}

/// How many lines of a failed operation are read for its update (a long install runs for
/// thousands of lines of other threads).
const UPDATE_LINES: usize = 400;

/// The one KB number (`KB5051974`) and the one update id (`UpdateId = <guid>`, `idUpdate={guid}`,
/// `updateId = guid`) a failed operation's lines name: from its first line to its last, at most
/// `UPDATE_LINES`. Two different ones (another update's lines in between) name none.
fn operation_update(a: &Analysis, o: &Operation) -> Option<OperationUpdate> {
    let f = &a.files[o.file];
    let (start, end) = (o.start? as usize, o.end.map_or(f.entries.len(), |e| e as usize + 1));
    let mut kbs: Vec<String> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for e in f.entries.get(start..end.min(start + UPDATE_LINES))? {
        let m = f.message(e);
        for (i, _) in m.match_indices("KB") {
            let digits: String = m[i + 2..].chars().take_while(char::is_ascii_digit).collect();
            let word_start = !m[..i].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric());
            if word_start && (6..=8).contains(&digits.len()) && !kbs.iter().any(|k| k[2..] == digits) {
                kbs.push(format!("KB{digits}"));
            }
        }
        for key in ["UpdateId = ", "updateId = ", "idUpdate={", "update "] {
            for (i, _) in m.match_indices(key) {
                let id: String = m[i + key.len()..].chars().take(36).collect();
                let guid = id.len() == 36 && id.chars().enumerate().all(|(n, c)| if [8, 13, 18, 23].contains(&n) { c == '-' } else { c.is_ascii_hexdigit() });
                if guid && !ids.iter().any(|x| x.eq_ignore_ascii_case(&id)) {
                    ids.push(id.to_ascii_uppercase());
                }
            }
        }
    }
    let one = |v: Vec<String>| if v.len() == 1 { v.into_iter().next() } else { None };
    let (kb, id) = (one(kbs), one(ids));
    (kb.is_some() || id.is_some()).then_some(OperationUpdate { file: o.file, start: o.start, kb, id })
}
