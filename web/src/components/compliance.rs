//! The fleet page's compliance matrix: each update the fleet's logs name, by state across the
//! machines (core's `FleetSummary::compliance`), the most failing first. A cell's count filters
//! the machines table to that cell (`FleetQuery::update`, core's `in_cell`).

use std::rc::Rc;

use yew::prelude::*;

use wulens_core::fleet::UpdateCompliance;
use wulens_core::model::counted;

use crate::fleet::{state_label, update_columns, Fleet};
use crate::nav::replace_route_and_notify;
use crate::route::{FleetQuery, Route};

/// Updates shown before "Show all".
const FIRST: usize = 15;

#[derive(Properties, PartialEq)]
pub struct ComplianceProps {
    pub fleet: Rc<Fleet>,
    pub query: FleetQuery,
}

#[function_component(Compliance)]
pub fn compliance(p: &ComplianceProps) -> Html {
    let all = use_state(|| false);
    let c = &p.fleet.summary.compliance;
    if c.is_empty() {
        return html! {};
    }
    let shown = if *all { c.len() } else { c.len().min(FIRST) };
    let columns = update_columns(c);
    let toggle = {
        let all = all.clone();
        Callback::from(move |_| all.set(!*all))
    };
    html! {
        <section class="fleet-compliance" aria-labelledby="compliance-title">
            <h2 id="compliance-title">{format!("Updates across the fleet ({} the logs name)", counted(c.len(), "update", "updates"))}</h2>
            <div class="table-wrap">
                <table class="compliance">
                    <thead><tr>
                        <th scope="col">{"Update"}</th>
                        { for columns.iter().map(|s| html! { <th scope="col" class={classes!("num", *s)}>{state_label(s)}</th> }) }
                    </tr></thead>
                    <tbody>{ for c.iter().take(shown).map(|u| row(u, &p.query, &columns)) }</tbody>
                </table>
            </div>
            if c.len() > FIRST {
                <p><button type="button" onclick={toggle}>{ if *all { format!("Show the first {FIRST}") } else { format!("Show all {} updates", c.len()) } }</button></p>
            }
        </section>
    }
}

fn row(u: &UpdateCompliance, q: &FleetQuery, columns: &[&'static str]) -> Html {
    let title = if u.title.is_empty() || u.title == u.update { String::new() } else { u.title.clone() };
    html! {
        <tr data-update={u.update.clone()}>
            <th scope="row"><span class="update-id">{u.update.clone()}</span>
                if !title.is_empty() { <span class="muted small update-title">{format!(" {title}")}</span> }
            </th>
            { for columns.iter().map(|state| cell(u, state, q)) }
        </tr>
    }
}

/// A state's cell: its count (the failing one per code), a button that filters the table.
fn cell(u: &UpdateCompliance, state: &'static str, q: &FleetQuery) -> Html {
    let cells: Vec<_> = u.cells.iter().filter(|c| c.state == state).collect();
    let n: usize = cells.iter().map(|c| c.count).sum();
    if n == 0 {
        return html! { <td class="num muted">{"·"}</td> };
    }
    let on = q.update == u.update && q.update_state == state;
    let next = if on {
        FleetQuery { update: String::new(), update_state: String::new(), ..q.clone() }
    } else {
        FleetQuery { update: u.update.clone(), update_state: state.to_string(), group: None, status: String::new(), ..q.clone() }
    };
    let codes: Vec<String> = cells.iter().filter(|c| !c.code.is_empty()).map(|c| format!("{} × {}", c.count, c.code)).collect();
    let names: Vec<String> = cells.iter().flat_map(|c| c.machines.iter().cloned()).take(10).collect();
    let more = n.saturating_sub(names.len());
    let title = format!(
        "{}: {} — {}{}",
        state_label(state),
        counted(n, "machine", "machines"),
        names.join(", "),
        if more > 0 { format!(" (+{more} more)") } else { String::new() }
    );
    html! {
        <td class={classes!("num", state)} data-state={state} data-count={n.to_string()}>
            <button type="button" class="link cell" aria-pressed={on.to_string()} title={title}
                aria-label={format!("{} {}: {n}, show these machines", u.update, state_label(state))}
                onclick={Callback::from(move |_| replace_route_and_notify(&Route::Fleet(next.clone())))}>{n}</button>
            // Each code whole, the list broken between codes only (the cell is as wide as one).
            if !codes.is_empty() {
                <span class="codes small muted">{ for codes.iter().enumerate().map(|(i, c)| html! { <>
                    if i > 0 { {", "} }
                    <span class="code-count">{c.clone()}</span>
                </> }) }</span>
            }
        </td>
    }
}
