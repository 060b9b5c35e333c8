//! What the logs' work came to: the statements under the verdict (one per kind of work, with its
//! lines) and the Windows Update activity (the operations: searches, downloads, installs,
//! servicing, setup...), counted by kind and caller and listed failures first.

use std::rc::Rc;

use wulens_core::model::{base_name, Domain, Evidence, OperationKind, Outcome, Standing};
use wulens_core::report::{OperationGroup, OperationReport, StatementReport};
use wulens_core::Report;
use yew::prelude::*;

use crate::components::common::{CodeLink, EvidenceList};
use crate::page::split_time;
use crate::route::{to_hash, LogQuery, Route};

/// Items shown before "Show all".
pub const ITEMS_SHOWN: usize = 12;

pub fn standing_mark(s: Standing) -> (&'static str, &'static str, &'static str) {
    match s {
        Standing::Ok => ("✔", "ok", "ok"),
        Standing::Failed => ("✘", "failed", "failed"),
        Standing::Attention => ("!", "attention", "needs attention"),
        Standing::Unknown => ("?", "unknown", "outcome unknown"),
    }
}

pub fn domain_label(d: Domain) -> &'static str {
    match d {
        Domain::ClientInstall => "ConfigMgr client installation",
        Domain::ConfigmgrScan => "ConfigMgr scan",
        Domain::WsusSync => "WSUS synchronization",
        Domain::SiteSync => "Software update point synchronization",
        Domain::ConfigmgrDeployment => "ConfigMgr deployments",
        Domain::WindowsUpdate => "Windows Update",
        Domain::Servicing => "Servicing (DISM, CBS)",
        Domain::Setup => "Windows setup",
        Domain::TaskSequence => "Task sequence",
    }
}

/// A statement that opens with its own kind of work ("Windows Update: ...", "Servicing: ...")
/// is not labelled again.
pub fn needs_label(d: Domain, text: &str) -> bool {
    let first = domain_label(d).split_whitespace().next().unwrap_or_default();
    !text.starts_with(first)
}

/// Failed, cancelled and still running first (what people look for), then in report order.
pub fn outcome_rank(o: Outcome) -> u8 {
    match o {
        Outcome::Failed => 0,
        Outcome::Cancelled => 1,
        Outcome::Running => 2,
        Outcome::Recovered => 3,
        Outcome::Interrupted => 4,
        Outcome::Unknown => 5,
        Outcome::Succeeded => 6,
    }
}

/// The items in display order: notable ones first, the latest first within a rank (the
/// report lists each rank in time order).
pub fn ordered_items(items: &[OperationReport]) -> Vec<&OperationReport> {
    let outcomes: Vec<Outcome> = items.iter().map(|o| o.outcome).collect();
    display_order(&outcomes).into_iter().map(|i| &items[i]).collect()
}

/// Indexes of `outcomes` (in time order) by rank, the latest first within a rank.
pub fn display_order(outcomes: &[Outcome]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..outcomes.len()).collect();
    order.sort_by_key(|&i| (outcome_rank(outcomes[i]), std::cmp::Reverse(i)));
    order
}

pub fn kind_label(k: OperationKind) -> String {
    let noun = k.noun(1);
    let mut c = noun.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct StatementsProps {
    pub statements: Vec<StatementReport>,
}

/// One sentence per kind of work, with a standing mark and the lines that say it.
#[function_component(Statements)]
pub fn statements(p: &StatementsProps) -> Html {
    if p.statements.is_empty() {
        return html! {};
    }
    html! {
        <ul class="statements" aria-label="What the logs show, by kind of work">
            { for p.statements.iter().map(|s| {
                let (mark, class, label) = standing_mark(s.standing);
                html! {
                    <li class={classes!("statement", class)} data-standing={class}>
                        <span class={classes!("standing", class)} role="img" aria-label={label} title={label}>{mark}</span>
                        <div class="statement-body">
                            <p>
                                if needs_label(s.domain, &s.text) { <span class="domain">{domain_label(s.domain)}</span>{": "} }
                                {s.text.clone()}
                            </p>
                            if !s.codes.is_empty() {
                                <p class="codes">{ for s.codes.iter().map(|c| html! { <><CodeLink code={AttrValue::from(c.clone())} />{" "}</> }) }</p>
                            }
                            <EvidenceList evidence={s.evidence.clone()} max={3} />
                        </div>
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct OperationsProps {
    pub report: Rc<Report>,
}

fn group_row(g: &OperationGroup) -> Html {
    let n = |v: usize, class: &'static str| {
        if v == 0 {
            html! { <td class="num muted">{"0"}</td> }
        } else {
            html! { <td class={classes!("num", class)}>{v}</td> }
        }
    };
    html! {
        <tr data-kind={g.kind.id()}>
            <td>{kind_label(g.kind)}</td>
            <td>{ if g.caller.is_empty() { html! { <span class="muted">{"—"}</span> } } else { html! { {if g.caller_words.is_empty() { g.caller.clone() } else { g.caller_words.clone() }} } } }</td>
            <td class="num">{g.total}</td>
            { n(g.succeeded, "ok") }
            { n(g.failed, "failed") }
            { n(g.recovered, "attention") }
            { n(g.cancelled, "attention") }
            { n(g.running, "running") }
            { n(g.interrupted + g.unknown, "unknown") }
            <td>{ for g.codes.iter().take(3).map(|c| html! { <><CodeLink code={AttrValue::from(c.clone())} />{" "}</> }) }</td>
        </tr>
    }
}

fn when(e: &Option<Evidence>) -> String {
    e.as_ref().and_then(|e| e.time.as_deref()).map(|t| split_time(t).0).unwrap_or_default()
}

fn item(o: &OperationReport) -> Html {
    let start = when(&o.start);
    let end = when(&o.end);
    let at = o.start.as_ref().or(o.end.as_ref()).map(|e| (e.file.clone(), e.line));
    html! {
        <li class={classes!("operation", o.outcome.id())} data-outcome={o.outcome.id()} data-kind={o.kind.id()}>
            <div class="op-head">
                <span class={classes!("outcome", o.outcome.id())} title={o.outcome.words()}>{o.outcome.id()}</span>
                <span class="op-title">{o.title.clone()}</span>
                if !o.caller.is_empty() { <span class="op-caller">{format!("by {}", if o.caller_words.is_empty() { &o.caller } else { &o.caller_words })}</span> }
                if let Some(s) = &o.service { <span class="muted small">{format!("· {s}")}</span> }
                if !start.is_empty() { <span class="time">{ if end.is_empty() || end == start { start.clone() } else { format!("{start} → {end}") } }</span> }
                if let Some(c) = o.code.as_ref().filter(|c| o.outcome != Outcome::Succeeded || c.as_str() != "0x00000000") { <CodeLink code={AttrValue::from(c.clone())} /> }
                if let Some((file, line)) = at {
                    <a class="where small" href={to_hash(&Route::Log(LogQuery { at: format!("{file}:{line}"), ..LogQuery::default() }))}>{format!("{}:{line}", base_name(&file))}</a>
                }
            </div>
            if !o.label.is_empty() { <p class="op-label mono small">{o.label.clone()}</p> }
            if let Some(s) = &o.served {
                <p class="op-served small muted" data-testid="op-served">{"Served the Windows Update agent's download, which counts it: "}
                    <a href={to_hash(&Route::Log(LogQuery { at: format!("{}:{}", s.file, s.line), ..LogQuery::default() }))}>{format!("{}:{}", base_name(&s.file), s.line)}</a>
                </p>
            }
            if o.outcome != Outcome::Succeeded {
                <p class="small">{o.outcome.words()}
                    if let Some(c) = &o.cause { {format!(": {c}")} }
                    if let Some(r) = &o.root { {" (after "}<CodeLink code={AttrValue::from(r.clone())} />{")"} }
                </p>
                <EvidenceList evidence={o.evidence.clone()} max={4} />
            }
        </li>
    }
}

/// "Windows Update activity": the groups as a table, the items as a compact list, capped.
#[function_component(Operations)]
pub fn operations(p: &OperationsProps) -> Html {
    let all = use_state(|| false);
    let ops = &p.report.operations;
    if ops.total == 0 {
        return html! {};
    }
    let items = ordered_items(&ops.items);
    let shown = if *all { items.len() } else { items.len().min(ITEMS_SHOWN) };
    let toggle = {
        let all = all.clone();
        Callback::from(move |_| all.set(!*all))
    };
    html! {
        <section class="operations" aria-labelledby="operations-title">
            <h2 id="operations-title">{format!("Windows Update activity ({})", ops.total)}</h2>
            <div class="table-wrap">
                <table class="op-groups">
                    <thead><tr>
                        <th scope="col">{"Kind"}</th><th scope="col">{"Caller"}</th><th scope="col" class="num">{"Total"}</th>
                        <th scope="col" class="num">{"Succeeded"}</th><th scope="col" class="num">{"Failed"}</th><th scope="col" class="num">{"Recovered"}</th><th scope="col" class="num">{"Cancelled"}</th>
                        <th scope="col" class="num">{"Running"}</th><th scope="col" class="num">{"No end"}</th><th scope="col">{"Codes"}</th>
                    </tr></thead>
                    <tbody>{ for ops.groups.iter().map(group_row) }</tbody>
                </table>
            </div>
            <ol class="op-items">{ for items.iter().take(shown).map(|o| item(o)) }</ol>
            if items.len() > ITEMS_SHOWN {
                <p><button type="button" class="show-all" onclick={toggle}>{ if *all { "Show fewer".to_string() } else { format!("Show all {} operations", items.len()) } }</button></p>
            }
            if ops.total > ops.items.len() {
                <p class="muted small">{format!("The page lists {} of {} operations (failures first, then the latest); the counts above include all of them, and the JSON export lists more.", ops.items.len(), ops.total)}</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_first_and_labels() {
        assert!(outcome_rank(Outcome::Failed) < outcome_rank(Outcome::Running));
        assert!(!needs_label(Domain::WindowsUpdate, "Windows Update: 13 searches"));
        assert!(!needs_label(Domain::Servicing, "Servicing: 1 of 5 servicing sessions failed"));
        assert!(needs_label(Domain::ConfigmgrScan, "The scan failed at step 3 (WUA scan)."));
        assert!(outcome_rank(Outcome::Running) < outcome_rank(Outcome::Succeeded));
        assert_eq!(kind_label(OperationKind::Search), "Search");
        // Unrecovered failures first, the latest first within each rank.
        assert_eq!(display_order(&[Outcome::Succeeded, Outcome::Failed, Outcome::Failed, Outcome::Succeeded, Outcome::Recovered]), [2, 1, 4, 3, 0]);
        assert_eq!(standing_mark(Standing::Attention).1, "attention");
    }
}
