//! The fleet page's first section: what failing machines share. For each root-cause group with
//! a shared cause or a change in time (core's rule, `output/shared.rs`: an onset only where it is
//! sharp and the rest of the fleet, seen across it, did not break): what to look at, the contrast
//! with its numbers, when the failures began (a small chart of failures per hour), and the
//! machines that prove it one click away.

use std::rc::Rc;

use yew::prelude::*;

use wulens_core::fleet::{onset_words, shared_lead, shared_words};
use wulens_core::model::counted;

use crate::fleet::{group_words, onsets, show_machines, Fleet, Onsets};
use crate::nav::replace_route_and_notify;
use crate::route::{FleetQuery, Route};
use crate::services::Services;

#[derive(Properties, PartialEq)]
pub struct CausesProps {
    pub fleet: Rc<Fleet>,
    pub query: FleetQuery,
}

#[function_component(SharedCauses)]
pub fn shared_causes(p: &CausesProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let f = &p.fleet;
    let found: Vec<usize> = (0..f.summary.groups.len()).filter(|&i| !f.summary.groups[i].shared.is_empty() || f.summary.groups[i].onset.is_some()).collect();
    if f.summary.groups.is_empty() {
        return html! {};
    }
    let open = |name: &str| {
        let m = f.machines.iter().zip(&f.rows).find(|(_, r)| r.machine == name).map(|(m, _)| m.clone());
        let services = services.clone();
        Callback::from(move |_| {
            if let Some(m) = &m {
                services.open_machine(m)
            }
        })
    };
    html! {
        <section class="fleet-shared" aria-labelledby="shared-title">
            <h2 id="shared-title">{"What failing machines share"}</h2>
            if found.is_empty() {
                <p class="muted">{"No group of failing machines shares a server, a proxy, an update or a day that the rest of the fleet does not: each group below failed its own way."}</p>
            }
            <ol class="shared-causes">
                { for found.iter().map(|&i| {
                    let g = &f.summary.groups[i];
                    let on = p.query.group == Some(i);
                    let q = FleetQuery { group: if on { None } else { Some(i) }, status: String::new(), ..p.query.clone() };
                    let lead = g.shared.first().map(shared_lead).unwrap_or_else(|| "A change in time".to_string());
                    html! {
                        <li class="shared-cause" data-group={i.to_string()}>
                            <h3>{lead}</h3>
                            <p class="muted">{format!("{}: {}", counted(g.machines.len(), "machine", "machines"), group_words(&f.rows, g))}</p>
                            { for g.shared.iter().map(|x| html! {
                                <p class="contrast" data-attribute={serde_json::to_string(&x.attribute).unwrap_or_default().trim_matches('"').to_string()} data-value={x.value.clone()}>
                                    {shared_words(x)}
                                </p>
                            }) }
                            if let Some(o) = &g.onset {
                                <p class="onset" data-machines={o.machines.to_string()} data-others={o.others.to_string()} data-others-with={o.others_with.to_string()}>{onset_words(o)}</p>
                            }
                            <Chart onsets={Rc::new(onsets(&f.rows, &f.summary, i))} />
                            <p class="shared-machines">
                                { for proof(g).into_iter().map(|(m, from)| html! {
                                    <button type="button" class="link machine-open" onclick={open(&m)} title={if from.is_empty() { format!("Open the report of {m}") } else { format!("Open the report of {m}: {from}") }}>{m.clone()}</button>
                                }) }
                                <button type="button" aria-pressed={on.to_string()} onclick={Callback::from(move |_| replace_route_and_notify(&Route::Fleet(q.clone())))}>
                                    { if on { "Show all machines".to_string() } else { show_machines(g.machines.len()) } }
                                </button>
                            </p>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}

/// The machines that prove a card, each with where its row read the value: the strongest shared
/// cause's evidence, else the machines that bound a change in time (the last success, the first
/// and the last first failure).
fn proof(g: &wulens_core::fleet::CauseGroup) -> Vec<(String, String)> {
    if let Some(x) = g.shared.first() {
        return x.evidence.clone();
    }
    let mut v: Vec<(String, String)> = Vec::new();
    if let Some(o) = &g.onset {
        for m in [&o.last_success_machine, &o.first_failure_machine, &o.last_first_failure_machine] {
            if !m.is_empty() && !v.iter().any(|(n, _)| n == m) {
                v.push((m.clone(), String::new()));
            }
        }
    }
    v
}

#[derive(Properties, PartialEq)]
struct ChartProps {
    onsets: Rc<Onsets>,
}

/// Failures per hour (or day) as bars; the numbers are in each bar's title and the label.
#[function_component(Chart)]
fn chart(p: &ChartProps) -> Html {
    let o = &p.onsets;
    if o.buckets.is_empty() {
        return html! { <p class="muted small">{"When these machines began to fail is not in their logs."}</p> };
    }
    let top = o.buckets.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    // A day's 24 hours at least, so a few bars stay bars.
    let (w, h) = (o.buckets.len().max(24) * 10, 40);
    let (first, last) = (&o.buckets[0].0, &o.buckets[o.buckets.len() - 1].0);
    let label = format!("Machines that began to fail, per {}: {} of them from {first} to {last}, at most {top} in one {}", o.per, o.timed, o.per);
    html! {
        <figure class="onset-chart">
            <svg viewBox={format!("0 0 {w} {h}")} preserveAspectRatio="none" role="img" aria-label={label.clone()}>
                { for o.buckets.iter().enumerate().map(|(i, (at, n))| {
                    let bh = if *n == 0 { 0 } else { (n * (h - 2) / top).max(2) };
                    html! { <rect x={(i * 10 + 1).to_string()} y={(h - bh).to_string()} width="8" height={bh.to_string()}><title>{format!("{at}: {n}")}</title></rect> }
                }) }
            </svg>
            <figcaption class="muted small">{
                if o.buckets.len() == 1 { format!("All {} began to fail in the {} of {first}", o.timed, o.per) }
                else { format!("Began to fail per {}, {first} to {last}", o.per) }
            }</figcaption>
        </figure>
    }
}
