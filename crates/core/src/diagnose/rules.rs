//! Known-issue rules (`rules/*.toml`) on top of the scan flow: each fires at most one finding,
//! with the lines that prove it.
//!
//! A rule without a `join` is evaluated here from its data alone: a code family (which codes
//! occur, where, how often) or line signatures (literal matchers in some logs, optionally only
//! lines holding given codes). A rule with a `join` names a function below (or in `config_rules.rs`)
//! that combines what the data matched with the flow, other lines or the configuration.

use super::catalog::{Hits, CATALOG};
use super::config::Servers;
use super::config_rules;
use super::context::Context;
use super::defs::{self, LineMatcher, RuleDef, UpdateSource};
use super::finding::{Ctx, Finding};
use super::flow::FlowResult;
use super::found::{EventErrors, Found};
use super::operations::Operation;
use super::signals::Compiled;
use crate::analysis::Analysis;
use crate::model::{CycleOutcome, Evidence, FindingSeverity, LogKind, OperationKind, Outcome, Severity, StepStatus};
use crate::read::config::url_in;

type Join = fn(&Ctx, &'static RuleDef, &[(usize, usize)]) -> Option<Finding>;

/// The joins rules may name. A test checks that every `join` in the data is here, and back.
const JOINS: &[(&str, Join)] = &[
    ("gpo_override", gpo_override),
    ("lines_with_codes", lines_with_codes),
    ("lines_with_set", lines_with_set),
    ("sync_updates_with_recovery", sync_updates_with_recovery),
    ("repair_source_unusable", repair_source_unusable),
    ("cbs_store_corruption", cbs_store_corruption),
    ("pending_reboot", pending_reboot),
    ("no_wuahandler_activity", no_wuahandler_activity),
    ("wsus_location_empty", wsus_location_empty),
    ("delivery_optimization", delivery_optimization),
    ("cdn_answered_by_proxy", cdn_answered_by_proxy),
    ("servicing_error_lines", servicing_error_lines),
    ("errors_without_operation", errors_without_operation),
    ("no_network", no_network),
    ("eventlog_service_crash_during_install", super::eventlog::service_crash_during_install),
    ("software_updates_off", super::chain::software_updates_off),
    ("sup_sync", super::chain::sup_sync),
    ("site_faults", super::chain::site_faults),
    ("maintenance_windows", super::chain::maintenance_windows),
    ("update_content", super::chain::update_content),
    ("site_assignment", super::site::site_assignment),
    ("restart_coordination", super::reboot::restart_coordination),
    ("config_gpo_mismatch", config_rules::gpo_mismatch),
    ("config_usewuserver_off", config_rules::usewuserver_off),
    ("config_wsus_port", config_rules::wsus_port),
    ("config_proxy_blocks_wsus", config_rules::proxy_blocks_wsus),
    ("config_direct_network_errors", config_rules::direct_network_errors),
    ("config_ring_paused", config_rules::ring_paused),
    ("config_ring_deferred", config_rules::ring_deferred),
    ("config_ring_wsus_conflict", config_rules::ring_wsus_conflict),
];

/// How many lines a rule keeps (a busy log can repeat a signature thousands of times).
const MAX_LINES: usize = 50;

/// What the rules established: the findings, most severe first, in data order otherwise; where
/// the client gets its updates; the servers its advice can name.
pub struct Evaluated {
    pub findings: Vec<Finding>,
    pub source: UpdateSource,
    pub servers: Servers,
    /// Each rule's id and the lines its data matched (file, entry), finding or not: what else
    /// reads those lines reads them here, not from the logs again.
    pub lines: Vec<(&'static str, Vec<(usize, usize)>)>,
}

impl Evaluated {
    /// The client updates from Microsoft's services, not a WSUS server.
    pub fn public(&self) -> bool {
        self.source == UpdateSource::Public
    }
}

/// Every rule over the drop.
pub fn evaluate(cx: &Context, hits: &Hits) -> Evaluated {
    let a = cx.a;
    let rules = defs::rules();
    let rule_lines = line_hits(a, hits, rules.iter().map(|r| (r.lines, if r.every_line { usize::MAX } else { MAX_LINES })).collect(), &CATALOG.rules);
    let sets = defs::line_sets();
    let set_lines = line_hits(a, hits, sets.iter().map(|s| (s.lines, MAX_LINES)).collect(), &CATALOG.line_sets);
    let ctx = Ctx { cx, servers: Servers::default(), sets: sets.iter().map(|s| s.id).zip(set_lines).collect() };
    let source = update_source(&ctx);
    let servers = Servers::build(&ctx);
    let ctx = Ctx { servers: servers.clone(), ..ctx };
    let mut out: Vec<Finding> = Vec::new();
    for (rule, lines) in rules.iter().zip(&rule_lines) {
        // WSUS rules also apply when the source is not shown; public ones only when it is.
        let applies = match rule.when {
            UpdateSource::Unknown => true,
            UpdateSource::Wsus => source != UpdateSource::Public,
            UpdateSource::Public => source == UpdateSource::Public,
        };
        if !applies {
            continue;
        }
        let finding = match rule.join {
            None => generic(&ctx, rule, lines),
            Some(name) => {
                let (_, join) = JOINS.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("rule {}: no join named {name}", rule.id));
                join(&ctx, rule, lines)
            }
        };
        out.extend(finding.map(|mut f| {
            f.guidance = f.guidance.iter().map(|g| servers.fill_step(g)).collect();
            f
        }));
    }
    // With software updates off on the client, no scan is expected: the missing WUAHandler
    // activity is that, said more precisely.
    if out.iter().any(|f| f.id() == "software_updates_off") {
        out.retain(|f| f.id() != "no_wuahandler_activity");
    }
    // Most severe first; among equals, the findings about the failed scan before those that
    // lean on lines of an earlier scan (a log silent since then), then data order.
    let before = ctx.scan.failed_step.and_then(|_| earlier_scan_end(ctx.scan));
    out.sort_by_key(|f| (f.severity, distance(f, before)));
    Evaluated { findings: out, source, servers, lines: rules.iter().map(|r| r.id).zip(rule_lines).collect() }
}

/// When the last scan before the failed one that came to an end (completed or failed) ended
/// (UTC ms, or local where the log gives no offset). An incomplete cycle just before can be the
/// failed scan's own beginning (its location request), so it does not count.
fn earlier_scan_end(scan: &FlowResult) -> Option<i64> {
    let (_, earlier) = scan.cycles.split_last()?;
    earlier.iter().rev().find(|c| c.outcome != CycleOutcome::Incomplete)?.end.as_deref().and_then(iso_ms)
}

/// `2024-06-14T09:40:02.469-07:00` (offset optional; `Z` is UTC) as ms.
fn iso_ms(s: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    let (y, mo, d, h, mi, sec) = (num(0..4)? as i32, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    let ms = if s.as_bytes().get(19) == Some(&b'.') { num(20..23).unwrap_or(0) } else { 0 };
    let local = crate::model::time::local_ms(y, mo, d, h, mi, sec, ms)?;
    let tail = s.get(19..).unwrap_or("");
    let offset = tail.find(['+', '-']).and_then(|i| {
        let sign = if tail.as_bytes()[i] == b'-' { -1 } else { 1 };
        let (oh, om) = (tail.get(i + 1..i + 3)?.parse::<i64>().ok()?, tail.get(i + 4..i + 6)?.parse::<i64>().ok()?);
        Some(sign * (oh * 60 + om))
    });
    Some(local - offset.unwrap_or(0) * 60_000)
}

/// 0: no line of the finding is older than the failed scan (or no earlier scan is known); 1:
/// some are; 2: all its dated lines are.
fn distance(f: &Finding, before: Option<i64>) -> u8 {
    let Some(end) = before else { return 0 };
    let times: Vec<i64> = f.evidence.iter().filter_map(|e| e.time.as_deref().and_then(iso_ms)).collect();
    let old = times.iter().filter(|&&t| t <= end).count();
    match old {
        0 => 0,
        n if n == times.len() => 2,
        _ => 1,
    }
}

/// Where the client gets its updates: WSUS when ConfigMgr handed out a location, the policy sets
/// WUServer, or the agent names a WSUS server; Microsoft's services when the agent says it has no
/// WSUS server (`WSUS server: (null)`) or every search it logs went to a public service.
pub fn update_source(ctx: &Ctx) -> UpdateSource {
    let c = ctx.config;
    let policy_wsus = c.policy.as_ref().is_some_and(|p| p.wu_server.is_some() && p.use_wu_server.as_ref().is_some_and(|u| u.value == "1"));
    if policy_wsus || !c.locations.is_empty() || ctx.scan.witnessed() {
        return UpdateSource::Wsus;
    }
    let said: Vec<&str> = ctx.set("wsus_location").iter().map(|&(f, e)| ctx.message(f, e)).filter(|m| m.contains("WSUS server: ")).collect();
    if said.iter().any(|m| m.contains("WSUS server: http")) {
        return UpdateSource::Wsus;
    }
    let services: Vec<bool> = ctx.ops.iter().filter(|o| o.kind() == OperationKind::Search).filter_map(|o| o.public_service()).collect();
    if services.iter().any(|p| !p) {
        return UpdateSource::Wsus;
    }
    let null = said.iter().any(|m| m.contains("WSUS server: (null)") || m.contains("WSUS server: <NULL>"));
    if null || !services.is_empty() {
        UpdateSource::Public
    } else {
        UpdateSource::Unknown
    }
}

/// Every line of the drop the rule `id`'s line matchers match, in file order (a reader that
/// needs them before the rules run: the contents' download, which the ledger reads too).
pub fn lines_of(a: &Analysis, hits: &Hits, id: &str) -> Vec<(usize, usize)> {
    let Some(i) = defs::rules().iter().position(|r| r.id == id) else { return Vec::new() };
    let rule = &defs::rules()[i];
    line_hits(a, hits, vec![(rule.lines, usize::MAX)], std::slice::from_ref(&CATALOG.rules[i])).pop().unwrap_or_default()
}

/// For each group of line matchers and its cap: the (file, entry) of matching lines in file
/// order, at most the cap (`MAX_LINES`, or every line for a join that reads them in order), then narrowed to the lines holding the codes a matcher asks for.
fn line_hits(a: &Analysis, hits: &Hits, groups: Vec<(&'static [LineMatcher], usize)>, compiled: &[Vec<Compiled>]) -> Vec<Vec<(usize, usize)>> {
    let mut raw: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); groups.len()];
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| f.is_text()) {
        let applicable: Vec<(usize, usize, &Compiled)> = groups
            .iter()
            .zip(compiled)
            .enumerate()
            .flat_map(|(g, ((lines, _), c))| lines.iter().zip(c).enumerate().filter(|(_, (l, _))| l.applies_to(f.kind)).map(move |(li, (_, m))| (g, li, m)))
            .collect();
        if applicable.is_empty() {
            continue;
        }
        // The matchers each distinct set of literals satisfies, in order, worked out once per set.
        let hits = hits.of(fi);
        let matching: Vec<Vec<(usize, usize)>> =
            hits.sets().iter().map(|bits| applicable.iter().filter(|(_, _, m)| m.matches(bits)).map(|&(g, li, _)| (g, li)).collect()).collect();
        for (ei, k) in hits.iter_sets() {
            let ei = ei as usize;
            for &(g, li) in &matching[k] {
                let v = &mut raw[g];
                if v.len() < groups[g].1 && v.last().is_none_or(|&(f, e, _)| (f, e) != (fi, ei)) {
                    v.push((fi, ei, li));
                }
            }
        }
    }
    raw.into_iter()
        .zip(groups)
        .map(|(v, (lines, _))| {
            v.into_iter()
                .filter(|&(fi, ei, li)| {
                    let l = &lines[li];
                    let mut codes = a.codes_at(fi, ei as u32).peekable();
                    (!l.with_failure_code || codes.peek().is_some()) && (l.line_codes.is_empty() || codes.any(|c| l.line_codes.contains(&c)))
                })
                .map(|(fi, ei, _)| (fi, ei))
                .collect()
        })
        .collect()
}

/// A rule from its data alone: a code family, else its lines.
fn generic(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    if !rule.codes.is_empty() {
        return code_family(ctx, rule, rule.severity);
    }
    if lines.is_empty() {
        return None;
    }
    Some(line_finding(ctx, rule, lines, rule.severity, Found::Template { text: rule.summary, n: lines.len() }))
}

/// Which codes of the rule's family occur (in its `code_logs`), where and how often.
pub fn code_family(ctx: &Ctx, rule: &'static RuleDef, severity: FindingSeverity) -> Option<Finding> {
    let a = ctx.a;
    let mut codes = Vec::new();
    let mut evidence = Vec::new();
    let mut total = 0;
    let cdn = (rule.when == UpdateSource::Wsus).then(|| ctx.servers.cdn_downloads(ctx.ops));
    for c in rule.codes {
        let Some(s) = a.code_stats(*c) else { continue };
        // A WSUS rule does not count what a download from Microsoft's content network met.
        let occ: Vec<_> = s
            .occurrences
            .iter()
            .filter(|o| rule.code_logs.is_empty() || rule.code_logs.contains(&a.files[o.file as usize].kind))
            // Another program's BITS job (an event log's): its errors are not the update agent's.
            .filter(|o| !super::eventlog::other_programs_job(a, o.file as usize, o.entry as usize))
            .filter(|o| !cdn.as_ref().is_some_and(|c| c.holds(o.file as usize, o.entry as usize)))
            .collect();
        if occ.is_empty() {
            continue;
        }
        total += occ.len();
        codes.push(*c);
        evidence.extend(occ.iter().take(2).map(|o| ctx.ev(o.file as usize, o.entry as usize)));
    }
    if codes.is_empty() {
        return None;
    }
    evidence.truncate(6);
    Some(Finding::new(rule, severity, Found::CodeFamily { total }, evidence, &codes))
}

/// A finding quoting `lines` (the first four), with the codes they hold.
pub fn line_finding(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)], severity: FindingSeverity, said: Found) -> Finding {
    let mut codes: Vec<u32> = Vec::new();
    for &(fi, ei) in lines {
        for c in ctx.a.codes_at(fi, ei as u32) {
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
    }
    Finding::new(rule, severity, said, lines.iter().take(4).map(|&(f, e)| ctx.ev(f, e)).collect(), &codes)
}

fn same_server(a: &str, b: &str) -> bool {
    a.trim_end_matches('/').eq_ignore_ascii_case(b.trim_end_matches('/'))
}

// ---- joins ----

/// The rule's lines prove it only where one of its codes is written too (0x800F0922 with the
/// boot partition's lines): the lines, then the first mention of each code.
fn lines_with_codes(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let mut ev: Vec<(usize, usize)> = lines.iter().take(3).copied().collect();
    let mentions: Vec<(usize, usize)> =
        rule.codes.iter().filter_map(|c| ctx.a.code_stats(*c)).filter_map(|s| s.occurrences.first()).map(|o| (o.file as usize, o.entry as usize)).collect();
    if lines.is_empty() || mentions.is_empty() {
        return None;
    }
    for m in mentions {
        if !ev.contains(&m) {
            ev.push(m);
        }
    }
    Some(line_finding(ctx, rule, &ev, rule.severity, Found::Template { text: rule.summary, n: lines.len() }))
}

/// The rule's lines prove it only beside the lines of the line set that has the rule's id (a
/// cumulative update failing, and the store scanning healthy): the first of each.
fn lines_with_set(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let with = ctx.set(rule.id);
    if lines.is_empty() || with.is_empty() {
        return None;
    }
    let ev: Vec<(usize, usize)> = lines.iter().take(2).chain(with.iter().take(2)).copied().collect();
    Some(line_finding(ctx, rule, &ev, rule.severity, Found::Template { text: rule.summary, n: lines.len() }))
}

/// WUAHandler says Group Policy overwrote ConfigMgr's settings: with the two servers side by
/// side when the logs show ConfigMgr's. Harmless when both are the same server.
fn gpo_override(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let &(fi, ei) = lines.last()?;
    let gpo_url = url_in(ctx.message(fi, ei));
    // The location ConfigMgr handed out (ScanAgent's location update, WUAHandler enabling the
    // managed server, LocationServices' offer: `ConfigFacts::locations`, the one the client used
    // first), not what the agent ended up using nor the server the policy already held.
    let location = ctx
        .config
        .locations
        .iter()
        .find(|(_, f, e)| !ctx.message(*f, *e).contains("Existing WUA Managed server was already set"))
        .map(|(s, f, e)| (s.value.clone(), *f, *e));
    let mut shown = lines.to_vec();
    let harmless = matches!((&gpo_url, &location), (Some(g), Some((l, _, _))) if same_server(g, l));
    if let (Some(_), Some((_, f, e))) = (&gpo_url, &location) {
        if !harmless {
            shown.push((*f, *e));
        }
    }
    let severity = if harmless {
        FindingSeverity::Info
    } else if ctx.scan.failed_step.is_some() {
        FindingSeverity::Error
    } else {
        FindingSeverity::Warning
    };
    let said = Found::GpoOverride { policy: gpo_url, assigned: location.map(|(l, _, _)| l), same: harmless };
    Some(line_finding(ctx, rule, &shown, severity, said))
}

/// SyncUpdates_WithRecovery failing with 0x80244007 (a SOAP fault from WSUS). The same call
/// failing with another code (a time-out, a name not resolved) is a network problem instead.
fn sync_updates_with_recovery(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let s = ctx.a.code_stats(0x80244007)?;
    let mut shown = lines.to_vec();
    shown.extend(s.occurrences.iter().take(4).map(|o| (o.file as usize, o.entry as usize)));
    shown.dedup();
    let said = Found::SyncSoapFault { in_call: !lines.is_empty(), times: if lines.is_empty() { s.count as usize } else { lines.len() } };
    Some(line_finding(ctx, rule, &shown, rule.severity, said))
}

/// Component store corruption, as servicing itself concluded it: the last component-store check
/// found corruptions it did not repair, or a servicing session failed with a corruption code
/// (the rule's `codes`), or a repair found no source for the damaged files. Routine lines that
/// merely mention corruption ("no store corruption found", a status report) never fire it.
fn cbs_store_corruption(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let count = |o: &Operation, name: &str| o.fact(name).and_then(|v| v.trim().parse::<u32>().ok());
    let damaged = ctx
        .ops
        .iter()
        .rev()
        .find(|o| o.kind() == OperationKind::StoreCheck)
        .filter(|o| matches!((count(o, "detected"), count(o, "repaired")), (Some(f), Some(r)) if f > r));
    // A repair or a store check that failed on a corruption code; installing a feature without
    // its source (0x800F081F on /Enable-Feature) is not a damaged store.
    let repair = |o: &Operation| {
        let l = o.label.to_ascii_lowercase();
        ["restorehealth", "scanhealth", "checkhealth", "/cleanup-image"].iter().any(|w| l.contains(w))
            || o.fact("operation").is_some_and(|v| v.contains("corruption"))
    };
    let failed: Vec<&Operation> = ctx
        .ops
        .iter()
        .filter(|o| o.kind() == OperationKind::Servicing && o.outcome == Outcome::Failed && repair(o))
        .filter(|o| o.code.into_iter().chain(o.root).any(|c| rule.codes.contains(&c)))
        .collect();
    let payload: Vec<(usize, usize)> = lines.iter().copied().filter(|&(fi, ei)| ctx.message(fi, ei).contains("Missing replacement payload")).collect();
    if damaged.is_none() && failed.is_empty() && payload.is_empty() {
        return None;
    }
    let mut evidence: Vec<Evidence> = Vec::new();
    let mut codes: Vec<u32> = Vec::new();
    let mut check = None;
    let mut failed_sessions = None;
    if let Some(c) = damaged {
        check = Some((count(c, "detected").unwrap_or(0), count(c, "repaired").unwrap_or(0)));
        let shown: Vec<u32> = c.lines.iter().rev().take(2).rev().copied().collect();
        evidence.extend(shown.iter().map(|&e| ctx.ev(c.file, e as usize)));
    }
    if let Some(last) = failed.last() {
        let code = last.code.or(last.root).expect("a corruption code");
        failed_sessions = Some((failed.len(), code));
        for o in failed.iter().rev().take(2) {
            evidence.extend(o.lines.iter().take(2).map(|&e| ctx.ev(o.file, e as usize)));
        }
        for c in failed.iter().flat_map(|o| o.code.into_iter().chain(o.root)).filter(|c| rule.codes.contains(c)) {
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
    }
    if !payload.is_empty() {
        evidence.extend(payload.iter().take(2).map(|&(f, e)| ctx.ev(f, e)));
    }
    evidence.truncate(6);
    let said = Found::StoreCorruption { check, failed_sessions, no_source: !payload.is_empty() };
    Some(Finding::new(rule, rule.severity, said, evidence, &codes))
}

/// A repair (`/RestoreHealth`) that failed finding no source (0x800F081F) after the servicing
/// stack refused the source it was given (`CBS AddSource failed with HRESULT=...`, a line of the
/// session). Where that source is an image file named as a path (`F:\sources\install.esd`,
/// without `esd:` before it and an index after it), the steps name that file.
fn repair_source_unusable(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let within =
        |o: &Operation, &(fi, ei): &(usize, usize)| fi == o.file && o.start.is_some_and(|s| s as usize <= ei) && o.end.is_some_and(|e| ei <= e as usize);
    let failed: Vec<(&Operation, (usize, usize))> = ctx
        .ops
        .iter()
        .filter(|o| o.kind() == OperationKind::Servicing && o.outcome == Outcome::Failed && o.label.to_ascii_lowercase().contains("/restorehealth"))
        .filter(|o| o.code.into_iter().chain(o.root).any(|c| rule.codes.contains(&c)))
        .filter_map(|o| lines.iter().find(|l| within(o, l)).map(|&l| (o, l)))
        .collect();
    let &(last, refused) = failed.last()?;
    let source = source_option(&last.label);
    let image = source.filter(|s| {
        let l = s.to_ascii_lowercase();
        (l.ends_with(".esd") || l.ends_with(".wim")) && !l.starts_with("esd:") && !l.starts_with("wim:")
    });
    let code = crate::analysis::codes::distinct(ctx.message(refused.0, refused.1)).first().map(|h| h.code);
    let said = Found::RepairSourceRefused { source: source.map(str::to_string), refused_with: code, repairs: failed.len(), image: image.is_some() };
    let mut evidence = vec![ctx.ev(last.file, last.start.unwrap_or(refused.1 as u32) as usize), ctx.ev(refused.0, refused.1)];
    evidence.extend(last.end.map(|e| ctx.ev(last.file, e as usize)));
    let mut f = Finding::new(rule, rule.severity, said, evidence, &[0x800F081F]);
    match image {
        Some(file) => {
            let kind = if file.to_ascii_lowercase().ends_with(".esd") { "esd" } else { "wim" };
            let fill = |t: &str| t.replace("<the image given with /Source>", file).replace("<wim or esd>", kind);
            f.guidance = f.guidance.iter().map(|g| g.map_text(fill)).collect();
        }
        // A folder that was not there or not usable: only the steps that do not name an image.
        None => f.guidance.retain(|g| !g.command.as_deref().is_some_and(|c| c.contains("<the image given with /Source>"))),
    }
    Some(f)
}

/// The value of a command line's `/Source:` option (up to the next option).
fn source_option(command: &str) -> Option<&str> {
    let at = command.to_ascii_lowercase().find("/source:")? + "/source:".len();
    let rest = &command[at..];
    let end = rest.find(" /").unwrap_or(rest.len());
    Some(rest[..end].trim().trim_matches('"')).filter(|s| !s.is_empty())
}

/// Lines that say a restart is pending, and the codes that mean it (first three of each), that
/// nothing later superseded (`restart.rs`: the machine started again, a session ended needing
/// no restart, an install succeeded).
fn pending_reboot(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    let later = super::restart::superseders(ctx.a, ctx.counted);
    let pending = |&(f, e): &(usize, usize)| super::restart::superseded_after(ctx.a, &later, f, e as u32).is_none();
    let mut shown: Vec<(usize, usize)> = lines.iter().copied().filter(pending).collect();
    for c in rule.codes {
        if let Some(s) = ctx.a.code_stats(*c) {
            shown.extend(s.occurrences.iter().map(|o| (o.file as usize, o.entry as usize)).filter(pending).take(3));
        }
    }
    if shown.is_empty() {
        return None;
    }
    Some(line_finding(ctx, rule, &shown, rule.severity, Found::RestartPending { lines: shown.len() }))
}

/// No WUAHandler activity: the client logs are here but WUAHandler is absent, or it wrote
/// nothing for the latest scan (article 001, step 2: no new WUAHandler lines after a scan
/// means the management point returned no software update point).
fn no_wuahandler_activity(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let (a, scan) = (ctx.a, ctx.scan);
    let has_wuahandler = a.files.iter().any(|f| f.is(LogKind::WuaHandler));
    const CLIENT: [LogKind; 7] = [
        LogKind::ScanAgent,
        LogKind::LocationServices,
        LogKind::UpdatesDeployment,
        LogKind::UpdatesHandler,
        LogKind::UpdatesStore,
        LogKind::CcmMessaging,
        LogKind::PolicyAgent,
    ];
    let client_logs = a.files.iter().filter(|f| CLIENT.contains(&f.kind)).count();
    let early = |k: LogKind| scan.latest_cycle_logs.contains(&k);
    let scan_requested = early(LogKind::ScanAgent) || early(LogKind::LocationServices);
    if !has_wuahandler && (client_logs >= 3 || (client_logs >= 1 && scan_requested)) {
        return Some(Finding::new(rule, FindingSeverity::Warning, Found::NoWuaHandlerLog { client_logs }, Vec::new(), &[]));
    }
    if !(has_wuahandler && scan_requested && !early(LogKind::WuaHandler)) {
        return None;
    }
    let mut evidence = Vec::new();
    let mut last_scan_line = None;
    if let Some(&(_, f, e)) = scan.last_line_of_log.iter().find(|(l, _, _)| *l == LogKind::WuaHandler) {
        let ev = ctx.ev(f as usize, e as usize);
        last_scan_line.clone_from(&ev.time);
        evidence.push(ev);
    }
    if let Some(&(_, f, e)) = scan.last_line_of_log.iter().find(|(l, _, _)| matches!(l, LogKind::ScanAgent | LogKind::LocationServices)) {
        evidence.insert(0, ctx.ev(f as usize, e as usize));
    }
    Some(Finding::new(rule, FindingSeverity::Error, Found::WuaHandlerSilent { last_scan_line }, evidence, &[]))
}

/// Step 1 failed on a WSUS location reply without a location record.
fn wsus_location_empty(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let step1 = ctx.scan.step(1)?;
    let empty = |text: &str| text.contains("WSUSLocationReply") && !text.contains("LocationRecord ");
    if step1.status != StepStatus::Failed || !step1.evidence.iter().any(|e| empty(&e.text)) {
        return None;
    }
    let evidence = step1.evidence.iter().filter(|e| e.text.contains("WSUSLocationReply")).cloned().collect();
    Some(Finding::new(rule, rule.severity, Found::WsusLocationEmpty, evidence, &[]))
}

/// Download jobs that got a web page where the update file was expected: the answer's status,
/// type and length are on the job's line (`The response headers = HTTP/1.0 200 OK
/// Content-Length: 1975  Content-Type: text/html`).
fn cdn_answered_by_proxy(ctx: &Ctx, rule: &'static RuleDef, lines: &[(usize, usize)]) -> Option<Finding> {
    if lines.is_empty() {
        return None;
    }
    // A header's value runs to the double space that separates the headers.
    let header = |m: &str, name: &str| m.split_once(name).map(|(_, r)| r.trim_start().split("  ").next().unwrap_or("").trim().to_string());
    let mut status: Vec<String> = Vec::new();
    let mut lengths: Vec<String> = Vec::new();
    let mut hosts: Vec<String> = Vec::new();
    for &(f, e) in lines {
        let m = ctx.message(f, e);
        for (v, x) in [(&mut status, header(m, "The response headers =")), (&mut lengths, header(m, "Content-Length:"))] {
            if let Some(x) = x.filter(|x| !x.is_empty() && !v.contains(x)) {
                v.push(x);
            }
        }
        let host = m.split_once("File URL = ").and_then(|(_, r)| url_in(r)).and_then(|u| crate::read::config::parse_url(&u)).map(|(_, h, _)| h);
        if let Some(h) = host.filter(|h| !hosts.contains(h)) {
            hosts.push(h);
        }
    }
    let said = Found::WebPageForFile { lines: lines.len(), hosts, status: status.into_iter().next(), lengths };
    Some(line_finding(ctx, rule, lines, rule.severity, said))
}

/// Delivery Optimization's own codes (the rule's family). An error when a download ended with
/// one (its result code, as the completion says it); a warning when it ended otherwise (the agent
/// retried, fell back to BITS, or another error decided it), or no download is in the logs:
/// then it is information. A download with no code of its own that failed on its Delivery
/// Optimization job (`delivery.rs` gives it the job's code as its root) ended with it too.
fn delivery_optimization(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let mut f = code_family(ctx, rule, rule.severity)?;
    let ours = |c: &u32| rule.codes.contains(c);
    let failed: Vec<&Operation> = ctx
        .ops
        .iter()
        .filter(|o| o.kind() == OperationKind::Download && o.outcome == Outcome::Failed && o.served.is_none())
        .filter(|o| o.code.or(o.root).is_some_and(|c| ours(&c)))
        .collect();
    // Recovered is not failed: shown, but not a problem to fix.
    f.severity = if failed.is_empty() { FindingSeverity::Info } else { FindingSeverity::Error };
    if let Found::CodeFamily { total } = f.found {
        f.found = Found::DeliveryCodes { total, failed: failed.len() };
    }
    Some(f)
}

/// Lines that open or close a servicing session (CBS's client sessions and TrustedInstaller,
/// DISM's sessions): a log that has one frames its errors in sessions, which the operations read.
const SESSION_FRAMES: [&str; 6] = [
    "initialized by client",
    "Starting TrustedInstaller",
    "Starting DismApi.dll session",
    "Ending DismApi.dll session",
    "Starting Dism.exe session",
    "Ending Dism.exe session",
];

/// Error-level lines of CBS.log or DISM.log with a failure code that is not routine there, in a
/// log where no servicing session frames them (an excerpt cut out of its session): servicing said
/// it failed on its own lines. (file, entry, code) in file order, at most `MAX_LINES`.
pub fn sessionless_servicing_errors(a: &Analysis, ops: &[&Operation]) -> Vec<(usize, u32, u32)> {
    let mut out = Vec::new();
    // The component store's failures, which stand even where session lines that concluded
    // nothing are around them (the rule's `codes`).
    let standing: &[u32] = defs::rules().iter().find(|r| r.id == "servicing_error_lines").map_or(&[], |r| r.codes);
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| matches!(f.kind, LogKind::Cbs | LogKind::Dism)) {
        if ops.iter().any(|o| o.file == fi && matches!(o.kind(), OperationKind::Servicing | OperationKind::StoreCheck)) {
            continue;
        }
        let framed = SESSION_FRAMES.iter().any(|m| memchr::memmem::find(f.text.as_bytes(), m.as_bytes()).is_some());
        for (ei, _) in f.entries.iter().enumerate().filter(|(_, e)| e.severity == Severity::Error) {
            let ei = ei as u32;
            let code = a.codes_at(fi, ei).find(|&c| c & 0x8000_0000 != 0 && !super::defs::is_routine(f, ei, c) && (!framed || standing.contains(&c)));
            if let Some(c) = code {
                out.push((fi, ei, c));
                if out.len() >= MAX_LINES {
                    return out;
                }
            }
        }
    }
    out
}

/// Servicing errors without a session around them (see `sessionless_servicing_errors`).
fn servicing_error_lines(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let errors = sessionless_servicing_errors(ctx.a, ctx.counting);
    if errors.is_empty() {
        return None;
    }
    let mut codes: Vec<u32> = Vec::new();
    for &(_, _, c) in &errors {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    let said = Found::SessionlessServicingErrors { lines: errors.len() };
    let lines: Vec<(usize, usize)> = errors.iter().map(|&(f, e, _)| (f, e as usize)).collect();
    Some(Finding::new(rule, rule.severity, said, lines.iter().take(6).map(|&(f, e)| ctx.ev(f, e)).collect(), &codes))
}

/// Error events of a Windows Update log or trace that holds no search, download, install or
/// other operation: a service's own trace (the Windows Update Medic Service repairing the agent,
/// the orchestrator) whose failures no operation sums up. Grouped by event (the component
/// column), with their codes; routine codes do not count.
fn errors_without_operation(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let a = ctx.a;
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut groups: Vec<(String, usize, Vec<u32>)> = Vec::new();
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| f.is(LogKind::WindowsUpdate)) {
        if ctx.ops.iter().any(|o| o.file == fi) {
            continue;
        }
        for (ei, e) in f.entries.iter().enumerate().filter(|(_, e)| e.severity == Severity::Error) {
            let codes: Vec<u32> = a.codes_at(fi, ei as u32).filter(|&c| c & 0x8000_0000 != 0 && !super::defs::is_routine(f, ei as u32, c)).collect();
            if codes.is_empty() {
                continue;
            }
            if lines.len() < MAX_LINES {
                lines.push((fi, ei));
            }
            let name = f.component(e).to_string();
            let i = groups.iter().position(|g| g.0 == name).unwrap_or_else(|| {
                groups.push((name, 0, Vec::new()));
                groups.len() - 1
            });
            groups[i].1 += 1;
            for c in codes {
                if !groups[i].2.contains(&c) {
                    groups[i].2.push(c);
                }
            }
        }
    }
    if lines.is_empty() {
        return None;
    }
    let total: usize = groups.iter().map(|g| g.1).sum();
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    let events = groups.iter().map(|(event, count, codes)| EventErrors { event: event.clone(), count: *count, codes: codes.clone() }).collect();
    let mut f = line_finding(ctx, rule, &lines, rule.severity, Found::ErrorsWithoutOperation { total, events });
    // One line of each event first: the evidence shows every kind of failure.
    let mut shown: Vec<(usize, usize)> = Vec::new();
    for g in &groups {
        if let Some(&l) = lines.iter().find(|&&(fi, ei)| a.files[fi].component(&a.files[fi].entries[ei]) == g.0) {
            shown.push(l);
        }
    }
    shown.extend(lines.iter().filter(|l| !shown.contains(l)).copied().collect::<Vec<_>>());
    f.evidence = shown.iter().take(6).map(|&(fi, ei)| ctx.ev(fi, ei)).collect();
    Some(f)
}

/// The agent's own word that the machine had no network (`Network state: Disconnected`) when its
/// latest failure on the way to the update service (the rule's codes) came: per Windows Update
/// log holding such a failure, the run of Disconnected states in force at it (read back from it),
/// the failures within it, and the `Network state: Connected` that ended it, if the log shows
/// one. A log whose latest such failure came while connected says nothing here. The state lines
/// are read here, not scanned for: a WindowsUpdate.log's literals keep to 64 (`catalog.rs`).
fn no_network(ctx: &Ctx, rule: &'static RuleDef, _: &[(usize, usize)]) -> Option<Finding> {
    let a = ctx.a;
    let mut found: Vec<Finding> = Vec::new();
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| f.is(LogKind::WindowsUpdate)) {
        let mut fails: Vec<(usize, u32)> = Vec::new();
        for &c in rule.codes {
            let Some(s) = a.code_stats(c) else { continue };
            fails.extend(s.occurrences.iter().filter(|o| o.file as usize == fi && !super::defs::is_routine(f, o.entry, c)).map(|o| (o.entry as usize, c)));
        }
        fails.sort_unstable();
        let Some(&(last, _)) = fails.last() else { continue };
        // `Some(connected)` for a state line.
        let state = |e: usize| {
            let m = ctx.message(fi, e);
            m.contains("Network state: ").then(|| !m.contains("Network state: Disconnected"))
        };
        let Some(at) = (0..last).rev().find(|&e| state(e).is_some()) else { continue };
        if state(at) != Some(false) {
            continue;
        }
        let mut since = at;
        while let Some(e) = (0..since).rev().find(|&e| state(e).is_some()) {
            if state(e) != Some(false) {
                break;
            }
            since = e;
        }
        let back = (last + 1..f.entries.len()).find(|&e| state(e) == Some(true));
        let during: Vec<(usize, u32)> = fails.iter().copied().filter(|&(e, _)| e > since).collect();
        let mut codes: Vec<u32> = Vec::new();
        for &(_, c) in &during {
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
        // The interface count the state came from, just before it.
        let count = (since.saturating_sub(5)..since).rev().find(|&e| ctx.message(fi, e).contains("UpdateNetworkState Ipv4, cNetworkInterfaces = 0."));
        let mut shown: Vec<usize> = count.into_iter().chain([since]).chain(during.iter().map(|d| d.0).take(2)).chain(back).collect();
        shown.dedup();
        let message = |e: usize| ctx.message(fi, e).trim().to_string();
        let time = |e: usize| ctx.ev(fi, e).time;
        let said = Found::NoNetwork {
            interfaces: count.map(message),
            disconnected: message(since),
            since: time(since),
            connected: back.map(|b| (message(b), time(b))),
            failures: during.len(),
        };
        found.push(Finding::new(rule, rule.severity, said, shown.iter().map(|&e| ctx.ev(fi, e)).collect(), &codes));
    }
    // A rule fires once: where several logs show it, the last one read.
    found.pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_join_in_the_data_exists_and_is_used() {
        for r in defs::rules() {
            if let Some(j) = r.join {
                assert!(JOINS.iter().any(|(n, _)| *n == j), "rule {} names join {j}, which does not exist", r.id);
            }
        }
        for (name, _) in JOINS {
            assert!(defs::rules().iter().any(|r| r.join == Some(name)), "join {name} is not used by any rule");
        }
    }
}
