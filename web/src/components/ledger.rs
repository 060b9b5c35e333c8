//! The Updates panel: the report's update ledger, one row per update or servicing target with its
//! state, its code, its decisive step and line, and its steps as a small timeline with a lane per
//! kind of log; filters for what needs doing. The logic is `crate::ledger`'s.

use std::rc::Rc;

use wulens_core::ledger::{event as ledger_event, held as ledger_held, state as ledger_state, target as ledger_target, would_tell as ledger_would_tell};
use wulens_core::model::{base_name, counted, Evidence, LedgerRow};
use wulens_core::Report;
use yew::prelude::*;

use crate::components::common::{CodeLink, Command};
use crate::ledger::{anchor, event_class, join_label, lanes, shown, state_class, Show};
use crate::page::split_time;
use crate::route::{to_hash, LogQuery, Route};

/// Rows drawn before "Show more".
const ROWS_SHOWN: usize = 12;

#[derive(Properties, PartialEq)]
pub struct LedgerProps {
    pub report: Rc<Report>,
}

fn line_link(e: &Evidence) -> Html {
    let href = to_hash(&Route::Log(LogQuery { at: format!("{}:{}", e.file, e.line), ..LogQuery::default() }));
    html! { <a class="small" {href} title={e.text.clone()}>{format!("{}:{}", base_name(&e.file), e.line)}</a> }
}

fn when(e: &Evidence) -> String {
    e.time.as_deref().map(|t| split_time(t).0).unwrap_or_default()
}

#[function_component(UpdateLedger)]
pub fn update_ledger(p: &LedgerProps) -> Html {
    let show = use_state(Show::default);
    let limit = use_state(|| ROWS_SHOWN);
    let rows = &p.report.ledger;
    if rows.is_empty() {
        return html! {};
    }
    let list = shown(rows, *show);
    let filter = |s: Show| {
        let n = shown(rows, s).len();
        let (show, limit) = (show.clone(), limit.clone());
        let pressed = if *show == s { "true" } else { "false" };
        let onclick = Callback::from(move |_| {
            show.set(s);
            limit.set(ROWS_SHOWN);
        });
        html! { <button type="button" class="chip" aria-pressed={pressed} disabled={n == 0 && s != Show::All} {onclick}>{format!("{} ({n})", s.label())}</button> }
    };
    let more = {
        let limit = limit.clone();
        Callback::from(move |_| limit.set(*limit + 200))
    };
    html! {
        <section class="ledger" aria-labelledby="ledger-title" data-testid="ledger">
            <h2 id="ledger-title">{"Updates"}<span class="muted small">{format!(" · {} named in these logs", p.report.ledger_total)}</span></h2>
            <div class="chips" role="group" aria-label="Show updates">{ for Show::ALL.into_iter().map(filter) }</div>
            <ul class="ledger-rows">{ for list.iter().take(*limit).map(|r| html! { <LedgerItem row={(*r).clone()} /> }) }</ul>
            if list.len() > *limit {
                <p><button type="button" onclick={more}>{format!("Show more ({} of {})", *limit, list.len())}</button></p>
            }
            if p.report.ledger_total > rows.len() {
                <p class="muted small">{format!("The report lists the first {} of {} updates; the JSON export has them all.", rows.len(), p.report.ledger_total)}</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ItemProps {
    row: LedgerRow,
}

#[function_component(LedgerItem)]
fn ledger_item(p: &ItemProps) -> Html {
    let r = &p.row;
    let state = format!("{:?}", r.state).to_ascii_lowercase();
    let target = ledger_target(r);
    let title = (!r.title.is_empty() && !target.contains(&r.title)).then(|| r.title.clone());
    // The command of each log that would tell how it ended, from the one list of what to collect.
    let steps = if r.would_tell.is_empty() { Vec::new() } else { wulens_core::collect::steps() };
    let commands: Vec<&'static str> = r.would_tell.iter().filter_map(|id| steps.iter().find(|c| c.artifact == id.as_str())).map(|c| c.command).collect();
    html! {
        <li class="ledger-row" id={anchor(r)} data-state={state}>
            <div class="op-head">
                <span class={classes!("outcome", state_class(r.state))}>{ledger_state(r)}</span>
                <span class="op-title" title={title.unwrap_or_default()}>{target}</span>
                if let Some(c) = &r.code { <CodeLink code={AttrValue::from(c.clone())} /> }
                if r.held.is_some() {
                    <span class="chip held small" title={ledger_held(r).unwrap_or_default()}>{"held by the ring"}</span>
                }
                if let Some(s) = r.decisive_step() {
                    <span class="small decisive muted">{format!("{} {} · ", ledger_event(s.event), when(&s.evidence))}{line_link(&s.evidence)}</span>
                }
            </div>
            <div class="lanes" aria-hidden="true">
                { for lanes(r).into_iter().map(|l| html! {
                    <div class="lane">
                        <span class="lane-name small muted">{l.label}</span>
                        <span class="track">{ for l.dots.into_iter().map(|(x, s)| html! {
                            <span class={classes!("dot", event_class(s.event))} style={format!("left: {:.1}%", x * 100.0)} title={format!("{} {}", ledger_event(s.event), when(&s.evidence))}></span>
                        }) }</span>
                    </div>
                }) }
            </div>
            <details>
                <summary class="small">{format!("{} and how the logs were joined", counted(r.steps.len(), "step", "steps"))}</summary>
                <ol class="steps small">{ for r.steps.iter().map(|s| html! {
                    <li>{format!("{} {}", when(&s.evidence), ledger_event(s.event))}
                        if let Some(c) = &s.code { {" "}<CodeLink code={AttrValue::from(c.clone())} /> }
                        {" · "}{line_link(&s.evidence)}</li>
                }) }</ol>
                if !r.joins.is_empty() {
                    <ul class="joins small">{ for r.joins.iter().map(|j| html! {
                        <li>{format!("joined by {} ({}): ", join_label(j.by), j.value)}
                            { for j.evidence.iter().map(|e| html! { <>{line_link(e)}{" "}</> }) }</li>
                    }) }</ul>
                }
                if let Some(held) = ledger_held(r) {
                    <p class="small held-by">{held}</p>
                }
                if let Some(tell) = ledger_would_tell(r) {
                    <p class="muted small would-tell">{tell}</p>
                    { for commands.into_iter().map(|c| html! { <Command command={AttrValue::Static(c)} /> }) }
                }
            </details>
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct TargetLinksProps {
    pub report: Rc<Report>,
}

/// Under the first screen: the updates failing or stalled now, each a link to its row in the
/// Updates panel.
#[function_component(TargetLinks)]
pub fn target_links(p: &TargetLinksProps) -> Html {
    let rows = crate::ledger::leading(&p.report.ledger, 4);
    if rows.is_empty() {
        return html! {};
    }
    html! {
        <p class="target-links" data-testid="target-links">
            <span class="muted">{"See: "}</span>
            { for rows.into_iter().map(|r| html! {
                <a class={classes!("chip", "target-link", state_class(r.state))} href="#/report" onclick={crate::components::common::jump(anchor(r))} title={ledger_target(r)}>
                    {format!("{} · {}", crate::ledger::short_name(r), ledger_state(r))}
                </a>
            }) }
        </p>
    }
}
