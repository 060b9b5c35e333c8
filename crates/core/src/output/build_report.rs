//! Building the report (`report.rs`'s types) from an analysis and its diagnosis: the facts
//! quoted with their lines, the long lists cut at [`ReportLimits`], the badge in words.

use super::report::{
    ChainLinkReport, CodeCount, CollectNextReport, ConfigReport, ContextHere, CycleReport, ErrorReport, FileReport, FindingReport, FlowReport, MachineReport,
    MissingConfig, NextCheck, OperationGroup, OperationReport, OperationsReport, PolicyCard, ProxyCard, Report, ReportLimits, RingSetting, StatementReport,
    StepReport, Summary, TimeZoneReport, Tool, UpdateRingCard,
};
use crate::analysis::{Analysis, CodeStats};
use crate::diagnose::{self, Diagnosis};
use crate::model::time::format_offset;
use crate::model::{evidence, evidence_of, time_of, InputWarning, LedgerRow, LogFile, OffsetSource, Outcome};

impl Report {
    /// The report of an analysed drop, with every list at [`ReportLimits::FULL`] (runs the diagnosis).
    pub fn build(a: &Analysis) -> Report {
        Report::build_with(a, ReportLimits::FULL)
    }

    /// The report with the lists cut at `limits` (runs the diagnosis).
    pub fn build_with(a: &Analysis, limits: ReportLimits) -> Report {
        let mut d = Diagnosis::run(a);
        // The rest of the report is made first: its words read the ledger. Then the two long
        // lists move in, not copied: nothing else reads them.
        let mut report = Report::without_lists(a, &d, limits);
        d.updates.truncate(limits.updates);
        report.updates = std::mem::take(&mut d.updates);
        report.updates.iter_mut().for_each(titled);
        d.ledger.truncate(limits.updates);
        report.ledger = std::mem::take(&mut d.ledger).into_iter().map(ledger_row).collect();
        report
    }

    /// The report from a diagnosis already run (the session keeps one per drop).
    pub fn from_diagnosis(a: &Analysis, d: &Diagnosis, limits: ReportLimits) -> Report {
        Report {
            updates: d
                .updates
                .iter()
                .take(limits.updates)
                .cloned()
                .map(|mut r| {
                    titled(&mut r);
                    r
                })
                .collect(),
            ledger: d.ledger.iter().take(limits.updates).cloned().map(ledger_row).collect(),
            ..Report::without_lists(a, d, limits)
        }
    }

    /// The report with no updates and no ledger rows (their totals counted).
    fn without_lists(a: &Analysis, d: &Diagnosis, limits: ReportLimits) -> Report {
        let errors: Vec<ErrorReport> = d.ranked_codes.iter().filter_map(|&c| a.code_stats(c)).map(|c| error_report(a, c, limits)).collect();
        let (first_time, last_time) = time_span(a);
        let files: Vec<FileReport> = a.files.iter().map(file_report).collect();
        Report {
            tool: Tool { name: "wulens".into(), version: env!("CARGO_PKG_VERSION").into() },
            summary: Summary {
                status: d.status,
                verdict: super::headline_text(a, d),
                badge: super::badge_words(d.headline.badge).to_string(),
                detail: super::detail(a, d),
                files: a.files.len(),
                lines: a.files.iter().map(|f| f.physical_lines as u64).sum(),
                entries: files.iter().map(|f| f.entries as u64).sum(),
                distinct_errors: errors.len(),
                first_time,
                last_time,
            },
            files,
            warnings: a.warnings.clone(),
            errors,
            scan_flow: flow_report(&d.scan, &d.servers),
            sync_flow: flow_report(&d.sync, &d.servers),
            chain: d
                .chain
                .iter()
                .map(|l| ChainLinkReport {
                    link: l.id,
                    title: super::words::link_title(l.id).into(),
                    state: l.state,
                    summary: super::words::link_summary(l),
                    evidence: l.evidence.clone(),
                })
                .collect(),
            findings: d.findings.iter().map(finding_report).collect(),
            updates: Vec::new(),
            updates_total: d.updates_total,
            ledger: Vec::new(),
            ledger_total: d.ledger_total,
            configuration: configuration(a, d),
            next_checks: d
                .next_checks
                .iter()
                .map(|c| NextCheck { text: c.text.clone(), command: c.command.clone(), from: super::words::check_from(&c.from) })
                .collect(),
            collect_next: d.collect_next.iter().map(|c| collect_next_report(a, c)).collect(),
            statements: d.statements.iter().map(|st| statement_report(a, d, st)).collect(),
            operations: operations_report(a, &d.operations, limits),
            update_source: d.source,
            machines: if d.machines.len() > 1 { d.machines.iter().map(|m| machine_report(a, m)).collect() } else { Vec::new() },
            redacted: false,
        }
    }
}

/// Steps a ledger row lists in a report: its first few and its latest.
pub const LEDGER_STEPS: usize = 40;

/// A ledger row with its first four steps and its latest ones: [`LEDGER_STEPS`] in all, more
/// only when the decisive step is older than those (it and every step after it are kept).
fn ledger_row(mut r: LedgerRow) -> LedgerRow {
    if r.steps.len() <= LEDGER_STEPS {
        return r;
    }
    let head = 4;
    let tail_from = (r.steps.len() - (LEDGER_STEPS - head)).min(r.decisive.unwrap_or(usize::MAX)).max(head);
    r.steps.drain(head..tail_from);
    r.decisive = r.decisive.map(|i| if i < head { i } else { i - tail_from + head });
    r
}

fn machine_report(a: &Analysis, m: &diagnose::DropMachine) -> MachineReport {
    MachineReport { label: super::words::machine_label(m), files: m.files.iter().filter_map(|&i| a.files.get(i)).map(|f| f.name.clone()).collect() }
}

/// The earliest and latest time of the drop (UTC order), as written.
fn time_span(a: &Analysis) -> (Option<String>, Option<String>) {
    let times: Vec<(i64, usize, usize)> = a
        .files
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| {
            let at = |i: usize| f.utc_ms(&f.entries[i]).map(|t| (t, fi, i));
            let first = f.entries.iter().position(|e| e.has_time()).and_then(at);
            let last = f.entries.iter().rposition(|e| e.has_time()).and_then(at);
            first.into_iter().chain(last)
        })
        .collect();
    let first = times.iter().min().and_then(|&(_, f, e)| time_of(&a.files[f], e));
    let last = times.iter().max().and_then(|&(_, f, e)| time_of(&a.files[f], e));
    (first, last)
}

fn tz_report(f: &LogFile) -> TimeZoneReport {
    let o = f.offset;
    let note = match o.source {
        OffsetSource::Record => "stated on every record (CMTrace bias)".to_string(),
        OffsetSource::Header => "stated by the log's own header (tz:)".to_string(),
        OffsetSource::Utc => "the format is written in UTC".to_string(),
        OffsetSource::AssumedFromOtherLogs => {
            format!("assumed: this format has no time zone; {} taken from the other logs of this drop", format_offset(o.minutes))
        }
        OffsetSource::AssumedUtc => "assumed UTC: this format has no time zone and no other log of this machine states one".to_string(),
        OffsetSource::Override => format!("set by you to {}", format_offset(o.minutes)),
        OffsetSource::NotApplicable => "no timestamps".to_string(),
    };
    TimeZoneReport { offset_minutes: o.minutes, offset: format_offset(o.minutes), source: o.source, note }
}

fn file_report(f: &LogFile) -> FileReport {
    let first = f.entries.iter().position(|e| e.has_time());
    let last = f.entries.iter().rposition(|e| e.has_time());
    let counts = f.counts();
    FileReport {
        name: f.name.clone(),
        format: f.format.id().into(),
        format_label: f.format.label().into(),
        encoding: f.encoding.map_or("binary", |e| e.id()).into(),
        bytes: f.bytes,
        lines: f.physical_lines,
        entries: counts.parsed,
        unparsed: counts.unparsed_lines,
        error_entries: counts.errors,
        warning_entries: counts.warnings,
        first_time: first.and_then(|i| time_of(f, i)),
        last_time: last.and_then(|i| time_of(f, i)),
        time_zone: tz_report(f),
        notes: f.notes.clone(),
        rotated_from: crate::model::rotated_from(&f.name).unwrap_or_default(),
        bundle: in_bundle(&f.name).0,
        member: in_bundle(&f.name).1,
    }
}

/// A file's name as (the innermost bundle holding it, its path inside), or empty strings for a
/// file dropped as it is: the name is the bundle's path, then the member's (`a.zip/x/y.log`).
fn in_bundle(name: &str) -> (String, String) {
    let segs: Vec<&str> = name.split('/').collect();
    match segs[..segs.len().saturating_sub(1)].iter().rposition(|s| crate::read::bundles::is_archive_name(s)) {
        Some(i) => (segs[..=i].join("/"), segs[i + 1..].join("/")),
        None => (String::new(), String::new()),
    }
}

fn error_report(a: &Analysis, c: &CodeStats, limits: ReportLimits) -> ErrorReport {
    let kb = wulens_kb::entry(c.code);
    let (here, outside_updates) = kb.map_or_else(|| (Vec::new(), false), |e| contexts_here(a, c, e));
    let mut files: Vec<String> = Vec::new();
    for o in &c.occurrences {
        let name = &a.files[o.file as usize].name;
        if !files.contains(name) {
            files.push(name.clone());
        }
    }
    let timed: Vec<(i64, usize)> = c
        .occurrences
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let f = &a.files[o.file as usize];
            f.utc_ms(&f.entries[o.entry as usize]).map(|t| (t, i))
        })
        .collect();
    let at = |i: usize| {
        let o = c.occurrences[i];
        time_of(&a.files[o.file as usize], o.entry as usize)
    };
    ErrorReport {
        code: format!("0x{:08X}", c.code),
        symbol: kb.map(|e| e.symbol.to_string()).filter(|s| !s.is_empty()).or_else(|| c.stated_symbol.clone()).unwrap_or_default(),
        message: kb.map_or(String::new(), |e| e.message.to_string()),
        count: c.count,
        first_seen: timed.iter().min().and_then(|&(_, i)| at(i)),
        last_seen: timed.iter().max().and_then(|&(_, i)| at(i)),
        files,
        occurrences: c.occurrences.iter().take(limits.occurrences).map(|o| evidence(&a.files[o.file as usize], o.entry as usize, o.line, 300)).collect(),
        occurrences_total: c.occurrences.len(),
        kb: kb.map(|e| e.doc()),
        decoded: wulens_kb::decode(c.code),
        here,
        outside_updates,
    }
}

/// The contexts of `entry` that the code's mentions match, each keyed by the log, the component
/// that wrote the line and the line itself (a context about one writer or one update over the
/// general ones), each with how many and the first; the ones about one writer or update first,
/// then by mentions. True as well when every mention is a writer's outside the update chain.
fn contexts_here(a: &Analysis, c: &CodeStats, entry: &wulens_kb::Entry) -> (Vec<ContextHere>, bool) {
    if entry.contexts.is_empty() {
        return (Vec::new(), false);
    }
    let mut here: Vec<ContextHere> = Vec::new();
    let mut outside = 0;
    for o in &c.occurrences {
        let f = &a.files[o.file as usize];
        let Some(e) = f.entries.get(o.entry as usize) else { continue };
        let Some(ctx) = entry.context_of_writer(f.kind.id(), f.component(e), f.message(e)) else { continue };
        let Some(i) = entry.contexts.iter().position(|x| std::ptr::eq(x, ctx)) else { continue };
        outside += usize::from(ctx.outside_updates);
        match here.iter_mut().find(|h| h.context == i) {
            Some(h) => h.mentions += 1,
            None => here.push(ContextHere { context: i, mentions: 1, first: evidence(f, o.entry as usize, o.line, 300) }),
        }
    }
    here.sort_by_key(|h| (!entry.contexts[h.context].is_specific(), std::cmp::Reverse(h.mentions)));
    (here, outside > 0 && outside == c.occurrences.len())
}

fn flow_report(r: &diagnose::FlowResult, servers: &diagnose::Servers) -> FlowReport {
    FlowReport {
        id: r.def.id.into(),
        title: r.def.title.into(),
        steps: r
            .steps
            .iter()
            .map(|s| StepReport {
                number: s.number,
                title: s.title.into(),
                short: s.short.into(),
                status: s.status,
                reason: super::words::reason(&s.reason),
                evidence: s.evidence.clone(),
                codes: s.codes.clone(),
                logs: s.logs.clone(),
                missing_logs: s.missing_logs.clone(),
                guidance: s.guidance.iter().map(|g| servers.fill_step(g)).collect(),
                sources: s.sources.to_vec(),
            })
            .collect(),
        failed_step: r.failed_step,
        cycles: r
            .cycles
            .iter()
            .map(|c| CycleReport {
                number: c.number,
                start: c.start.clone(),
                end: c.end.clone(),
                outcome: c.outcome,
                failed_step: c.failed_step,
                last_step: c.last_step,
                codes: c.codes.clone(),
            })
            .collect(),
        cycles_total: r.cycles_total,
    }
}

fn finding_report(f: &diagnose::Finding) -> FindingReport {
    FindingReport {
        id: f.rule.id.into(),
        title: f.rule.title.into(),
        severity: f.severity,
        summary: super::words::finding_summary(f),
        evidence: f.evidence.clone(),
        codes: f.codes.clone(),
        guidance: f.guidance.clone(),
        sources: f.rule.sources.to_vec(),
    }
}

fn hex(c: u32) -> String {
    format!("0x{c:08X}")
}

fn collect_next_report(a: &Analysis, c: &diagnose::CollectNext) -> CollectNextReport {
    CollectNextReport {
        artifact: c.artifact.id.into(),
        what: c.artifact.what.into(),
        on: c.artifact.on,
        command: c.artifact.command.into(),
        why: super::words::collect_why(c),
        evidence: c.lines.iter().map(|&(f, e)| evidence_of(&a.files[f], e as usize)).collect(),
    }
}

fn statement_report(a: &Analysis, d: &Diagnosis, st: &diagnose::Statement) -> StatementReport {
    StatementReport {
        domain: st.domain,
        standing: st.standing,
        text: super::statement_text(a, d, st),
        evidence: st.lines.iter().map(|&(f, e)| evidence_of(&a.files[f], e as usize)).collect(),
        codes: st.codes.iter().map(|c| hex(*c)).collect(),
    }
}

fn operations_report(a: &Analysis, ops: &[diagnose::Operation], limits: ReportLimits) -> OperationsReport {
    let mut groups: Vec<OperationGroup> = Vec::new();
    let mut group_codes: Vec<Vec<(u32, usize)>> = Vec::new();
    for o in ops {
        let i = match groups.iter().position(|g| g.kind == o.kind() && g.caller == o.caller) {
            Some(i) => i,
            None => {
                groups.push(OperationGroup {
                    kind: o.kind(),
                    caller: o.caller.clone(),
                    caller_words: super::words::caller_words(&o.caller),
                    total: 0,
                    succeeded: 0,
                    failed: 0,
                    recovered: 0,
                    cancelled: 0,
                    running: 0,
                    interrupted: 0,
                    unknown: 0,
                    codes: Vec::new(),
                });
                group_codes.push(Vec::new());
                groups.len() - 1
            }
        };
        let g = &mut groups[i];
        g.total += 1;
        *match o.outcome {
            Outcome::Succeeded => &mut g.succeeded,
            Outcome::Failed => &mut g.failed,
            Outcome::Recovered => &mut g.recovered,
            Outcome::Cancelled => &mut g.cancelled,
            Outcome::Running => &mut g.running,
            Outcome::Interrupted => &mut g.interrupted,
            Outcome::Unknown => &mut g.unknown,
        } += 1;
        if o.outcome == Outcome::Failed {
            if let Some(c) = o.code.or(o.root) {
                match group_codes[i].iter_mut().find(|(x, _)| *x == c) {
                    Some(x) => x.1 += 1,
                    None => group_codes[i].push((c, 1)),
                }
            }
        }
    }
    for (g, mut codes) in groups.iter_mut().zip(group_codes) {
        codes.sort_by_key(|&(c, n)| (std::cmp::Reverse(n), c));
        g.codes = codes.into_iter().map(|(c, _)| hex(c)).collect();
    }
    groups.sort_by_key(|g| (g.kind, std::cmp::Reverse(g.failed), std::cmp::Reverse(g.total), g.caller.clone()));
    // Failures and cancellations first (they are what people look for), then the latest.
    let notable = |o: &diagnose::Operation| matches!(o.outcome, Outcome::Failed | Outcome::Recovered | Outcome::Cancelled | Outcome::Running);
    let mut chosen: Vec<usize> = (0..ops.len()).filter(|&i| notable(&ops[i])).collect();
    chosen.truncate(limits.operations);
    for i in (0..ops.len()).rev() {
        if chosen.len() >= limits.operations {
            break;
        }
        if !notable(&ops[i]) {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    OperationsReport { total: ops.len(), groups, items: chosen.into_iter().map(|i| operation_report(a, &ops[i])).collect() }
}

fn operation_report(a: &Analysis, o: &diagnose::Operation) -> OperationReport {
    let f = &a.files[o.file];
    let ev = |e: u32| evidence_of(f, e as usize);
    OperationReport {
        kind: o.kind(),
        title: o.def.title.into(),
        label: o.label.clone(),
        caller: o.caller.clone(),
        caller_words: super::words::caller_words(&o.caller),
        update: o.fact("update").map(|u| u.trim().to_string()).filter(|u| !u.is_empty()),
        service: o.service(),
        online: o.fact("online").map(str::to_string),
        file: f.name.clone(),
        start: o.start.map(ev),
        end: o.end.filter(|e| Some(*e) != o.start).map(ev),
        outcome: o.outcome,
        code: o.code.map(hex),
        root: o.root.map(hex),
        codes_seen: o.codes_seen.iter().map(|&(c, n)| CodeCount { code: hex(c), count: n }).collect(),
        cause: o.cause.map(str::to_string),
        evidence: o.lines.iter().take(8).map(|&e| ev(e)).collect(),
        served: o.served.map(|(sf, se)| evidence_of(&a.files[sf], se as usize)),
    }
}

fn config_report(c: &diagnose::ConfigFacts) -> ConfigReport {
    ConfigReport {
        provided: c.provided(),
        policy: c.policy.as_ref().map(|p| PolicyCard {
            wu_server: p.wu_server.clone(),
            wu_status_server: p.wu_status_server.clone(),
            use_wu_server: p.use_wu_server.clone(),
            port: p.port,
            port_explicit: p.port_explicit,
            files: p.files.clone(),
        }),
        proxy: c.proxy.as_ref().map(|p| ProxyCard {
            direct: p.direct,
            servers: p.servers.clone(),
            bypass: p.bypass.clone(),
            file: p.file.clone(),
            line: p.line,
            bypass_line: p.bypass_line,
            problem: p.problem.clone(),
        }),
        wsus_location: c.wsus_location().cloned(),
        missing: c
            .missing
            .iter()
            .map(|&m| MissingConfig { what: super::words::missing_config(m).into(), command: collect_command(m.artifact()).into() })
            .collect(),
        unreadable: c
            .unreadable
            .iter()
            .cloned()
            .chain(c.unreadable_rings.iter().map(|u| InputWarning { name: u.file.clone(), message: super::words::unreadable_ring(&u.error) }))
            .collect(),
        update_ring: c.ring.as_ref().map(ring_card),
        update_server: None,
    }
}

/// An updates-table row with its title in words: a Store app's, which the diagnosis keeps as the
/// log names it.
fn titled(r: &mut crate::model::UpdateRow) {
    if std::mem::take(&mut r.store_app) {
        if let Some(t) = super::words::update_title(&r.title) {
            r.title = t;
        }
    }
}

/// The command of the artifact `id` (`collect/artifacts.toml`).
fn collect_command(id: &str) -> &'static str {
    diagnose::ARTIFACTS.iter().find(|a| a.id == id).map_or("", |a| a.command)
}

fn ring_card(r: &diagnose::Ring) -> UpdateRingCard {
    use diagnose::UpdateClass::{Feature, Quality};
    let get = |n: &str| r.get(n).cloned();
    let (pq, pf) = (r.pause(Quality), r.pause(Feature));
    UpdateRingCard {
        file: r.file.clone(),
        server: r.server.clone(),
        defer_quality_days: get("DeferQualityUpdatesPeriodInDays"),
        defer_feature_days: get("DeferFeatureUpdatesPeriodInDays"),
        pause_quality_window: pq.as_ref().map(|p| super::words::pause_window(p.days)),
        pause_feature_window: pf.as_ref().map(|p| super::words::pause_window(p.days)),
        pause_quality: pq.map(|p| p.setting),
        pause_feature: pf.map(|p| p.setting),
        allow_auto_update: get("AllowAutoUpdate"),
        auto_update: r.get("AllowAutoUpdate").and_then(|s| super::words::auto_update(&s.value)).map(str::to_string),
        pause_ux_disabled: get("SetDisablePauseUXAccess"),
        active_hours_start: get("ActiveHoursStart"),
        active_hours_end: get("ActiveHoursEnd"),
        update_service_url: get("UpdateServiceUrl"),
        update_service_url_alternate: get("UpdateServiceUrlAlternate"),
        settings: r.settings.iter().map(|(n, s)| RingSetting { name: n.clone(), value: s.value.clone(), file: s.file.clone(), line: s.line }).collect(),
    }
}

/// The client's configuration card. A drop of servers' logs alone (the site's software update
/// point, WSUS) is asked for no client's configuration: there is no client in it.
fn configuration(a: &Analysis, d: &Diagnosis) -> ConfigReport {
    use crate::model::LogKind as K;
    let mut c = ConfigReport { update_server: d.servers.wsus_from.clone(), ..config_report(&d.config) };
    let servers_only = !a.files.is_empty() && a.files.iter().all(|f| matches!(f.kind, K::WsyncMgr | K::Wcm | K::WsusCtrl | K::SoftwareDistribution));
    if servers_only && !c.provided {
        c.missing.clear();
    }
    c
}
