//! The report: verdict, scan-flow stepper, findings, next checks, error cards, updates, files.

use std::rc::Rc;

use yew::prelude::*;

use wulens_core::model::{base_name, counted, OffsetSource, Setting, StepStatus, VerdictStatus};
use wulens_core::report::{thousands, ErrorReport, FindingReport, FlowReport};
use wulens_core::Report;

use crate::components::common::{step_status_label, use_reveal, CodeLink, Command, CopyButton, EvidenceList, Sources, StatusIcon, Steps};
use crate::components::follow::FollowBar;
use crate::components::ledger::{TargetLinks, UpdateLedger};
use crate::components::machines::MachinesNotice;
use crate::components::operations::{Operations, Statements};
use crate::messages::Dropped;
use crate::page::{counted_thousands, split_time};
use crate::route::{to_hash, LogQuery, Route};
use crate::state::Follow;

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub report: Rc<Report>,
    pub source: String,
    #[prop_or_default]
    pub follow: Follow,
    /// Opened from a saved report (no logs): the Share panel makes its exports itself.
    #[prop_or_default]
    pub saved: bool,
    /// The drop kept whole (`AppState::whole`): its machines open from it, one at a time.
    #[prop_or_default]
    pub whole: Option<Rc<Dropped>>,
}

/// The report is drawn in parts, a frame apart: the verdict with the findings and next checks,
/// then the flows, the operations, the first error cards, the others, and last the updates and
/// the files (a report already drawn whole, or one a followed log brings, is drawn whole at once).
/// `data-complete` marks the last part drawn.
const LAST_PART: u8 = 5;

/// Error cards drawn in the first of their two parts (a card is up to a hundred elements).
const FIRST_CARDS: usize = 6;

#[function_component(ReportPage)]
pub fn report_page(p: &ReportProps) -> Html {
    let r = &p.report;
    // A report a followed log brings replaces the page drawn for the one before: drawn at once.
    let part = use_reveal(LAST_PART, Rc::as_ptr(&p.report) as usize, p.follow.reports > 0);
    let complete = (part == LAST_PART).then_some("");
    html! {
        <main class="page report" data-complete={complete}>
            <FollowBar follow={p.follow.clone()} />
            if r.machines.len() > 1 {
                <MachinesNotice machines={r.machines.clone()} whole={p.whole.clone()} />
            }
            <Summary report={p.report.clone()} source={p.source.clone()} />
            <crate::components::share::SharePanel report={p.report.clone()} saved={p.saved} />
            <div class="columns">
                <div class="col-main">
                    if !r.chain.is_empty() {
                        <crate::components::chain::Chain report={p.report.clone()} />
                    }
                    if part >= 1 && r.scan_flow.witnessed() {
                        <FlowView flow={r.scan_flow.clone()} heading="Client scan flow" />
                    } else if part >= 1 && r.scan_flow.logs_given() {
                        <p class="muted no-flow small" data-testid="no-configmgr-flow">{"These ConfigMgr client logs show no update scan: none was requested in them."}</p>
                    } else if part >= 1 && r.files.iter().any(|f| f.format.starts_with("cmtrace")) {
                        <p class="muted no-flow small" data-testid="no-configmgr-flow">{"None of these ConfigMgr logs is one of the client scan's (ScanAgent.log, LocationServices.log, WUAHandler.log): no client scan flow to show."}</p>
                    } else if part >= 1 {
                        <p class="muted no-flow small" data-testid="no-configmgr-flow">{"No ConfigMgr client log in this drop: no client scan flow to show."}</p>
                    }
                    if part >= 1 && r.sync_flow.witnessed() {
                        <FlowView flow={r.sync_flow.clone()} heading="WSUS synchronization" />
                    }
                    if part >= 1 {
                        <UpdateLedger report={p.report.clone()} />
                    }
                </div>
                <div class="col-side">
                    <ConfigCard report={p.report.clone()} />
                    <Findings findings={r.findings.clone()} />
                    <NextChecks report={p.report.clone()} />
                    <crate::components::collect::CollectNext report={p.report.clone()} />
                </div>
            </div>
            if part >= 2 {
                <Operations report={p.report.clone()} />
            }
            if part >= 3 {
                <ErrorCards report={p.report.clone()} shown={if part == 3 { FIRST_CARDS } else { usize::MAX }} />
            }
            if part >= 5 {
                <Updates report={p.report.clone()} />
                <Files report={p.report.clone()} />
            }
        </main>
    }
}

/// The badge: the report's own words for what was dropped (`summary.badge`, the Markdown
/// summary's title too), coloured by the status.
fn status_label(s: &wulens_core::report::Summary) -> (String, &'static str) {
    let class = match s.status {
        VerdictStatus::Failed => "failed",
        VerdictStatus::Ok => "ok",
        VerdictStatus::Incomplete => "incomplete",
        VerdictStatus::NoScan => "none",
    };
    let words = if s.badge.is_empty() { wulens_core::report::status_words(s.status).to_string() } else { s.badge.clone() };
    (words, class)
}

#[derive(Properties, PartialEq)]
struct SummaryProps {
    report: Rc<Report>,
    source: String,
}

#[function_component(Summary)]
fn summary(p: &SummaryProps) -> Html {
    let r = &p.report;
    let s = &r.summary;
    let (label, class) = status_label(s);
    let span = match (&s.first_time, &s.last_time) {
        (Some(a), Some(b)) => format!("{} → {}", split_time(a).0, split_time(b).0),
        _ => String::new(),
    };
    html! {
        <section class={classes!("summary", class)} aria-labelledby="verdict-title">
            <div class="summary-head">
                <span class={classes!("badge", class)} data-testid="badge">{label}</span>
                <h1 id="verdict-title">{"Verdict"}</h1>
                <span class="muted source">{p.source.clone()}</span>
            </div>
            <p class="verdict" data-testid="verdict">{s.verdict.clone()}</p>
            <TargetLinks report={r.clone()} />
            if !r.chain.is_empty() {
                <crate::components::chain::ChainStrip report={r.clone()} />
            }
            <Statements statements={r.statements.clone()} />
            if !r.errors.is_empty() {
                <div class="top-codes">
                    { for r.errors.iter().take(4).map(|e| html! {
                        <a class="chip code-chip" href="#/report" onclick={super::common::jump(format!("error-{}", e.code))} title={e.message.clone()}>
                            <span class="code">{e.code.clone()}</span>
                            if !e.symbol.is_empty() { <span class="sym">{e.symbol.clone()}</span> }
                            <span class="count">{format!("×{}", e.count)}</span>
                        </a>
                    }) }
                </div>
            }
            <div class="facts">
                <span>{counted(s.files, "file", "files")}</span>
                <span>{counted_thousands(s.lines as usize, "line", "lines")}</span>
                <span>{counted_thousands(s.entries as usize, "entry", "entries")}</span>
                if !span.is_empty() { <span>{span}</span> }
            </div>
            <div class="actions">
                <a class="button primary" href="#/log">{"Open the log viewer"}</a>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FlowProps {
    flow: FlowReport,
    heading: AttrValue,
}

#[function_component(FlowView)]
fn flow_view(p: &FlowProps) -> Html {
    let f = &p.flow;
    if f.steps.is_empty() {
        return html! {};
    }
    let cycles = if f.cycles.len() > 1 {
        let earlier: Vec<String> = f.cycles[..f.cycles.len() - 1]
            .iter()
            .map(|c| {
                let when = c.start.as_deref().map(|t| split_time(t).0).unwrap_or_default();
                match c.failed_step {
                    Some(n) => format!("{when}: failed at step {n}{}", if c.codes.is_empty() { String::new() } else { format!(" ({})", c.codes.join(", ")) }),
                    None => format!("{when}: {}", c.outcome.id()),
                }
            })
            .collect();
        html! {
            <details class="cycles">
                <summary>{format!("{} scan cycles in the logs; showing the latest{}", f.cycles_total.max(f.cycles.len()), if f.cycles_total > f.cycles.len() { format!(" (the {} before it are listed)", f.cycles.len() - 1) } else { String::new() })}</summary>
                <ul>{ for earlier.into_iter().map(|c| html! { <li>{c}</li> }) }</ul>
            </details>
        }
    } else {
        html! {}
    };
    html! {
        <section class="flow" aria-labelledby={format!("flow-{}", f.id)}>
            <h2 id={format!("flow-{}", f.id)}>{p.heading.clone()}</h2>
            if !f.witnessed() {
                <p class="muted">{"None of the given logs shows this flow. The steps say which logs would."}</p>
            }
            { cycles }
            <ol class="stepper">
                { for f.steps.iter().map(|st| {
                    let failed = f.failed_step == Some(st.number);
                    let open = failed;
                    html! {
                        <li class={classes!("step", st.status.id(), failed.then_some("failed-step"))} data-step={st.number.to_string()} data-status={st.status.id()}>
                            <details open={open}>
                                <summary>
                                    <StatusIcon status={st.status} />
                                    <span class="num">{st.number}</span>
                                    <span class="title">{st.title.clone()}</span>
                                    <span class={classes!("status-word", st.status.id())}>{step_status_label(st.status)}</span>
                                </summary>
                                <div class="step-body">
                                    if !st.reason.is_empty() { <p class="reason">{st.reason.clone()}</p> }
                                    if !st.codes.is_empty() {
                                        <p class="codes">{"Codes: "}{ for st.codes.iter().map(|c| html! { <><CodeLink code={AttrValue::from(c.clone())} />{" "}</> }) }</p>
                                    }
                                    <EvidenceList evidence={st.evidence.clone()} />
                                    if !st.missing_logs.is_empty() && st.status == StepStatus::Unknown {
                                        <p class="muted">{format!("Would be shown by: {}", st.missing_logs.join(", "))}</p>
                                    }
                                    if failed || st.status == StepStatus::Failed {
                                        <div class="guidance">
                                            <h3>{"What to check"}</h3>
                                            <Steps steps={st.guidance.clone()} />
                                            <Sources sources={st.sources.clone()} />
                                        </div>
                                    } else if !st.guidance.is_empty() {
                                        <details class="more"><summary>{"Troubleshooting for this step"}</summary><Steps steps={st.guidance.clone()} /><Sources sources={st.sources.clone()} /></details>
                                    }
                                </div>
                            </details>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FindingsProps {
    findings: Vec<FindingReport>,
}

#[function_component(Findings)]
fn findings(p: &FindingsProps) -> Html {
    html! {
        <section class="findings" aria-labelledby="findings-title">
            <h2 id="findings-title">{"Findings"}</h2>
            if p.findings.is_empty() {
                <p class="muted">{"No known issue matched these logs."}</p>
            }
            { for p.findings.iter().map(|f| html! {
                <article class={classes!("finding", f.severity.id())} data-finding={f.id.clone()}>
                    <h3><span class={classes!("sev", f.severity.id())}>{f.severity.id()}</span>{f.title.clone()}</h3>
                    <p>{f.summary.clone()}</p>
                    <EvidenceList evidence={f.evidence.clone()} max={4} />
                    if !f.guidance.is_empty() {
                        <details><summary>{"What to do"}</summary><Steps steps={f.guidance.clone()} /><Sources sources={f.sources.clone()} /></details>
                    }
                </article>
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ReportOnly {
    report: Rc<Report>,
}

#[function_component(NextChecks)]
fn next_checks(p: &ReportOnly) -> Html {
    if p.report.next_checks.is_empty() {
        return html! {};
    }
    html! {
        <section class="next" aria-labelledby="next-title">
            <h2 id="next-title">{"What to check next"}</h2>
            <ol class="steps">
                { for p.report.next_checks.iter().map(|c| html! {
                    <li>
                        <span>{c.text.clone()}</span>
                        if let Some(cmd) = &c.command { <Command command={AttrValue::from(cmd.clone())} /> }
                    </li>
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ErrorsProps {
    report: Rc<Report>,
    /// How many cards to draw (the report is drawn in parts).
    shown: usize,
}

#[function_component(ErrorCards)]
fn error_cards(p: &ErrorsProps) -> Html {
    let errors = &p.report.errors;
    html! {
        <section class="errors" aria-labelledby="errors-title">
            <h2 id="errors-title">{format!("Error codes ({})", errors.len())}</h2>
            if errors.is_empty() {
                <p class="muted">{"No error code was found in these logs."}</p>
            }
            <div class="cards">
                { for errors.iter().take(p.shown).map(error_card) }
            </div>
        </section>
    }
}

fn error_card(e: &ErrorReport) -> Html {
    let kb = e.kb.as_ref();
    let title = kb.map(|k| k.message.clone()).filter(|m| !m.is_empty()).unwrap_or_else(|| e.message.clone());
    let first = e.first_seen.as_deref().map(|t| {
        let (when, zone) = split_time(t);
        if zone.is_empty() {
            when
        } else {
            format!("{when} ({zone})")
        }
    });
    let files: Vec<&str> = e.files.iter().map(|f| base_name(f)).collect();
    let log_href = to_hash(&Route::Log(LogQuery { code: e.code.clone(), ..LogQuery::default() }));
    html! {
        <article class="error-card" id={format!("error-{}", e.code)} data-code={e.code.clone()}>
            <header>
                <CodeLink code={AttrValue::from(e.code.clone())} symbol={AttrValue::from(e.symbol.clone())} />
                if !e.symbol.is_empty() { <span class="symbol">{e.symbol.clone()}</span> }
                <span class="count" title="records that mention it">{format!("×{}", e.count)}</span>
            </header>
            if !title.is_empty() { <p class="message">{title}</p> }
            <p class="where">
                if let Some(f) = first { <span>{format!("First seen {f}")}</span> }
                <span>{format!("in {}", files.join(", "))}</span>
                <a href={log_href}>{format!("Show the {}", counted(e.occurrences_total, "line", "lines"))}</a>
            </p>
            { for e.here.iter().take(2).map(|h| context_here(e, h)) }
            { match kb {
                // Every mention a writer's outside the update chain: its context above is the answer.
                Some(_) if e.outside_updates => html! {},
                Some(k) if !k.description.is_empty() || !k.mitigation.is_empty() => html! {
                    <>
                        if !k.description.is_empty() { <p>{k.description.clone()}</p> }
                        if !k.causes.is_empty() {
                            <details><summary>{"Likely causes"}</summary><ul>{ for k.causes.iter().map(|c| html! { <li>{c.clone()}</li> }) }</ul></details>
                        }
                        if !k.mitigation.is_empty() {
                            <div class="mitigation"><h3>{"What to do"}</h3><Steps steps={k.mitigation.clone()} /></div>
                        }
                        <Sources sources={k.sources.clone()} />
                    </>
                },
                Some(_) => html! { <p class="muted">{format!("{} · {}", e.decoded.facility_label, e.decoded.facility_name)}</p> },
                None => html! {
                    <p class="muted">{format!("Not in the knowledge base. Decoded: {} facility ({}), code {}{}.", e.decoded.facility_label, e.decoded.facility, e.decoded.code,
                        e.decoded.win32.as_ref().map(|w| format!(", Win32 {} {}", w.code, w.name)).unwrap_or_default())}</p>
                },
            } }
            if let Some(n) = other_places(e) {
                <p class="muted small">{n}</p>
            }
            <p class="card-links">
                <a href={to_hash(&Route::KbEntry(e.code.clone(), leading_update(e)))}>{"Full entry"}</a>
                <CopyButton text={AttrValue::from(e.code.clone())} label={AttrValue::Static("Copy code")} />
            </p>
        </article>
    }
}

/// The update the card's leading context is about, as its first line names it (`KB5034441`),
/// so the full entry and its embed open with that update's context; empty where none.
fn leading_update(e: &ErrorReport) -> String {
    let Some((h, k)) = e.here.first().zip(e.kb.as_ref()) else { return String::new() };
    let text = h.first.text.to_ascii_uppercase();
    k.contexts.get(h.context).and_then(|c| c.kbs.iter().find(|kb| text.contains(kb.as_str()))).cloned().unwrap_or_default()
}

/// The places the entry knows the code written that this drop's mentions do not match, as a
/// pointer to the full entry; `None` when there are none.
fn other_places(e: &ErrorReport) -> Option<String> {
    let all = e.kb.as_ref()?.contexts.len();
    let other = all.saturating_sub(e.here.len());
    (other > 0).then(|| {
        if e.here.is_empty() {
            format!("The knowledge base explains {} it is written: see the full entry.", counted(other, "place", "places"))
        } else {
            format!("It is also written in {} the knowledge base explains: see the full entry.", counted(other, "other place", "other places"))
        }
    })
}

/// Where this drop writes the code, by a context of its entry: routine, a trace or a failure
/// here, why, how many of its mentions, the first of them; a failure's steps.
fn context_here(e: &ErrorReport, h: &wulens_core::report::ContextHere) -> Html {
    let Some(c) = e.kb.as_ref().and_then(|k| k.contexts.get(h.context)) else { return html! {} };
    let (label, class) = match c.verdict {
        wulens_kb::Verdict::Routine => ("Routine here", "routine"),
        wulens_kb::Verdict::Trace => ("An internal trace here", "trace"),
        wulens_kb::Verdict::Failure => ("A failure here", "failure"),
    };
    let n = if h.mentions == e.occurrences_total { "every mention".to_string() } else { format!("{} of {} mentions", h.mentions, e.occurrences_total) };
    html! {
        <div class={classes!("here", class)} data-verdict={c.verdict.id()}>
            <p><strong>{label}</strong>{format!(": {} ({n}, first {}:{}).", c.at, base_name(&h.first.file), h.first.line)}</p>
            <p>{c.why.clone()}</p>
            if c.verdict == wulens_kb::Verdict::Failure && !c.steps.is_empty() {
                <div class="mitigation"><h3>{"What to do here"}</h3><Steps steps={c.steps.clone()} /></div>
            }
        </div>
    }
}

#[function_component(Updates)]
fn updates(p: &ReportOnly) -> Html {
    // Collapsed until opened, then 200 rows at a time: a big table would block the page.
    let shown = use_state(|| 200usize);
    let open = use_state(|| false);
    let u = &p.report.updates;
    if u.is_empty() {
        return html! {};
    }
    // "2 missing, 1 failed, 40 installed": the states that need doing first; the others counted.
    let count = |s: &str| u.iter().filter(|x| x.state == s).count();
    let (missing, failed, installed) = (count("missing"), count("failed"), count("installed"));
    let other = u.len() - missing - failed - installed;
    let mut counts = vec![format!("{missing} missing")];
    if failed > 0 {
        counts.push(format!("{failed} failed"));
    }
    counts.push(format!("{installed} installed"));
    if other > 0 {
        counts.push(format!("{other} other"));
    }
    let more = {
        let shown = shown.clone();
        Callback::from(move |_| shown.set(*shown + 1000))
    };
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| open.set(e.target_unchecked_into::<web_sys::HtmlDetailsElement>().open()))
    };
    html! {
        <section class="updates" aria-labelledby="updates-title">
            <details {ontoggle} open={*open}>
            <summary><h2 id="updates-title" class="inline">{format!("Updates ({})", counts.join(", "))}</h2></summary>
            if *open {
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">{"State"}</th><th scope="col">{"KB"}</th><th scope="col">{"Title"}</th><th scope="col">{"Update ID"}</th><th scope="col">{"Where"}</th></tr></thead>
                    <tbody>
                        { for u.iter().take(*shown).map(|x| html! {
                            <tr class={x.state.clone()}>
                                <td><span class={classes!("state", x.state.clone())}>{x.state.clone()}</span>
                                    if x.superseded_by.is_some() { <span class="muted" title={format!("superseded by {}", x.superseded_by.clone().unwrap_or_default())}>{" (superseded)"}</span> }
                                </td>
                                <td>{x.kb.clone()}</td>
                                <td>{x.title.clone()}</td>
                                <td class="mono small">{x.update_id.clone()}</td>
                                <td><a href={to_hash(&Route::Log(LogQuery { at: format!("{}:{}", x.file, x.line), ..LogQuery::default() }))}>{format!("{}:{}", base_name(&x.file), x.line)}</a></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            }
            if *open && u.len() > *shown {
                <p><button type="button" onclick={more}>{format!("Show more ({} of {} shown)", *shown, u.len())}</button></p>
            }
            if p.report.updates_total > u.len() {
                <p class="muted">{format!("The report lists the first {} of {} updates; the full list is in the JSON export.", u.len(), p.report.updates_total)}</p>
            }
            </details>
        </section>
    }
}

#[function_component(Files)]
fn files(p: &ReportOnly) -> Html {
    let r = &p.report;
    html! {
        <section class="files" aria-labelledby="files-title">
            <h2 id="files-title">{format!("Files ({})", r.files.len())}</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">{"File"}</th><th scope="col">{"Format"}</th><th scope="col">{"Encoding"}</th>
                        <th scope="col" class="num">{"Lines"}</th><th scope="col" class="num">{"Entries"}</th><th scope="col" class="num">{"Unparsed"}</th>
                        <th scope="col" class="num">{"Errors"}</th><th scope="col">{"Time zone"}</th>
                    </tr></thead>
                    <tbody>
                        { for r.files.iter().map(|f| html! {
                            <tr data-file={f.name.clone()}>
                                <td><span class="file-name" title={f.name.clone()}>{base_name(&f.name).to_string()}</span>
                                    if !f.bundle.is_empty() {
                                        <div class="from small muted" data-bundle={f.bundle.clone()} data-member={f.member.clone()}>{from_bundle(&f.bundle, &f.member)}</div>
                                    }
                                    { for f.notes.iter().map(|n| html! { <div class="note">{n.clone()}</div> }) }
                                </td>
                                <td data-format={f.format.clone()}>{f.format_label.clone()}</td>
                                <td>{f.encoding.clone()}</td>
                                <td class="num">{thousands(f.lines as u64)}</td>
                                <td class="num">{thousands(f.entries as u64)}</td>
                                <td class="num">{thousands(f.unparsed as u64)}</td>
                                <td class="num">{thousands(f.error_entries as u64)}</td>
                                <td title={f.time_zone.note.clone()}>{f.time_zone.offset.clone()}
                                    if matches!(f.time_zone.source, OffsetSource::AssumedFromOtherLogs | OffsetSource::AssumedUtc) { <span class="assumed">{" (assumed)"}</span> }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            if !r.warnings.is_empty() {
                <ul class="warnings">{ for r.warnings.iter().map(|w| html! { <li><strong>{w.name.clone()}</strong>{": "}{w.message.clone()}</li> }) }</ul>
            }
        </section>
    }
}

/// Where a file of a bundle came from: `in DiagLogs-PC-1-….zip › (63) FoldersFiles windows_logs_WindowsUpdate`
/// (the bundle's name, then the folders the collector put it in).
fn from_bundle(bundle: &str, member: &str) -> String {
    match member.rsplit_once('/') {
        Some((dir, _)) => format!("in {} › {}", base_name(bundle), dir.replace('/', " › ")),
        None => format!("in {}", base_name(bundle)),
    }
}

/// The MDM update ring's rows in the configuration card (Intune's update ring).
fn ring_rows(r: &wulens_core::report::UpdateRingCard, at: &dyn Fn(&Setting) -> Html) -> Html {
    let row = |label: &str, s: &Option<Setting>, words: Option<String>, empty: &str| -> Html {
        html! {
            <tr><th scope="row">{label.to_string()}</th>
                <td>{ match s {
                    Some(s) => html! { <><span class="mono">{s.value.clone()}</span>{ words.map(|w| format!(" ({w})")).unwrap_or_default() }{" "}{at(s)}</> },
                    None => html! { <span class="muted">{empty.to_string()}</span> },
                } }</td></tr>
        }
    };
    let pause_words = |w: &Option<String>| w.clone();
    let users_pause =
        r.pause_ux_disabled.as_ref().map(|s| if s.value.trim() == "1" { "users may not pause".to_string() } else { "users may pause".to_string() });
    let hours = match (&r.active_hours_start, &r.active_hours_end) {
        (Some(a), Some(b)) => Some(format!("{}:00 to {}:00", a.value.trim(), b.value.trim())),
        _ => None,
    };
    html! {
        <>
            <tr class="ring-head"><th scope="row">{"Intune update ring"}</th>
                <td>{ if r.server.is_empty() { "from the MDM report".to_string() } else { format!("set by {}", r.server) } }{" "}<span class="muted small">{base_name(&r.file).to_string()}</span></td></tr>
            { row("Quality updates deferred (days)", &r.defer_quality_days, None, "not set (no deferral)") }
            { row("Feature updates deferred (days)", &r.defer_feature_days, None, "not set (no deferral)") }
            { row("Quality updates paused", &r.pause_quality, pause_words(&r.pause_quality_window), "no") }
            { row("Feature updates paused", &r.pause_feature, pause_words(&r.pause_feature_window), "no") }
            { row("Automatic updates (AllowAutoUpdate)", &r.allow_auto_update, r.auto_update.clone(), "not set (install and restart automatically)") }
            { row("Pause access (SetDisablePauseUXAccess)", &r.pause_ux_disabled, users_pause, "not set (users may pause)") }
            { row("Active hours start", &r.active_hours_start, hours, "not set") }
            { row("Update service (UpdateServiceUrl)", &r.update_service_url, None, "not set (Microsoft Update)") }
            if r.update_service_url_alternate.is_some() {
                { row("Alternate update service", &r.update_service_url_alternate, None, "") }
            }
        </>
    }
}

/// The client's configuration when it was given (Windows Update policy, WinHTTP proxy, the
/// Intune update ring), and plainly what was not given, with the command that collects it.
#[function_component(ConfigCard)]
fn config_card(p: &ReportOnly) -> Html {
    let c = &p.report.configuration;
    let at = |s: &Setting| -> Html {
        let href = to_hash(&Route::Log(LogQuery { at: format!("{}:{}", s.file, s.line), ..LogQuery::default() }));
        html! { <a class="where small" {href}>{format!("{}:{}", base_name(&s.file), s.line)}</a> }
    };
    let row = |label: &str, s: &Option<Setting>, empty: &str| -> Html {
        html! {
            <tr><th scope="row">{label.to_string()}</th>
                <td>{ match s { Some(s) => html! { <><span class="mono">{s.value.clone()}</span>{" "}{at(s)}</> }, None => html! { <span class="muted">{empty.to_string()}</span> } } }</td></tr>
        }
    };
    let missing = html! {
        { for c.missing.iter().map(|m| html! { <><p class="small muted">{m.what.clone()}</p><Command command={AttrValue::from(m.command.clone())} /></> }) }
    };
    if !c.provided && c.missing.is_empty() && c.wsus_location.is_none() {
        // A drop of servers' logs alone: no client whose configuration to ask for.
        return html! {};
    }
    if !c.provided {
        // No configuration given: one line (what the logs say of the WSUS location, if
        // anything), the commands that would add it folded under it.
        return html! {
            <section class="config compact" aria-labelledby="config-title" data-provided="false">
                <h2 id="config-title">{"Client configuration"}</h2>
                if let Some(loc) = &c.wsus_location {
                    <p class="small">{"ConfigMgr's WSUS location: "}<span class="mono">{loc.value.clone()}</span>{" "}{at(loc)}</p>
                }
                <details class="missing">
                    <summary>{"Not given: which WSUS server and proxy this client really uses cannot be checked. How to add it"}</summary>
                    <p>{"Run on the client and drop the output with the logs:"}</p>
                    { missing }
                </details>
            </section>
        };
    }
    html! {
        <section class="config" aria-labelledby="config-title" data-provided={c.provided.to_string()}>
            <h2 id="config-title">{"Client configuration"}</h2>
            if !c.provided {
                <p class="muted">{"No configuration was given, so wulens cannot check which WSUS server and proxy this client really uses."}</p>
            }
            <table class="kv">
                <tbody>
                    if let Some(pol) = &c.policy {
                        { row("WSUS server (WUServer)", &pol.wu_server, "not set") }
                        { row("Status server", &pol.wu_status_server, "not set") }
                        { row("UseWUServer", &pol.use_wu_server, "not set (WSUS not used)") }
                        if let Some(port) = pol.port {
                            <tr><th scope="row">{"Port"}</th><td>{ if pol.port_explicit { port.to_string() } else { format!("{port} (none in the URL)") } }</td></tr>
                        }
                    }
                    if let Some(loc) = &c.wsus_location {
                        { row("ConfigMgr's WSUS location", &Some(loc.clone()), "") }
                    }
                    if let Some(px) = &c.proxy {
                        <tr><th scope="row">{"WinHTTP proxy"}</th><td>{
                            match (&px.problem, px.direct) {
                                (Some(m), _) => html! { <span class="note">{m.clone()}</span> },
                                (None, true) => html! { <>{"direct access (no proxy)"}</> },
                                (None, false) => html! { <span class="mono">{px.servers.join(" ")}</span> },
                            }
                        }</td></tr>
                        if !px.direct && px.problem.is_none() {
                            <tr><th scope="row">{"Bypass list"}</th><td class="mono">{ if px.bypass.is_empty() { "(empty)".to_string() } else { px.bypass.join(";") } }</td></tr>
                        }
                    }
                    if let Some(ring) = &c.update_ring {
                        { ring_rows(ring, &at) }
                    }
                </tbody>
            </table>
            if !c.missing.is_empty() {
                <div class="missing">
                    <p>{"To add what is missing, run on the client and drop the output with the logs:"}</p>
                    { missing }
                </div>
            }
        </section>
    }
}
