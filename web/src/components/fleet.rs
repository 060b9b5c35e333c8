//! The fleet page: many machines' bundles at once. The status counts, the root-cause groups
//! (largest first, as `wulens fleet` prints them), and a table of machines, sortable and
//! filterable; a machine opens its own report. The table's state lives in the URL
//! (`route::FleetQuery`), so coming back from a machine restores it.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use wulens_core::fleet::{csv as fleet_csv, ndjson as fleet_ndjson, MachineRow};
use wulens_core::model::counted;
use wulens_core::report::thousands;

use crate::components::causes::SharedCauses;
use crate::components::common::CodeLink;
use crate::components::compliance::Compliance;
use crate::components::wufb::WufbReports;
use crate::fleet::{finding_words, group_words, show_machines, some_names, status_counts, status_label, visible, Fleet, COLUMNS};
use crate::messages::Dropped;
use crate::nav::replace_route_and_notify;
use crate::page::split_time;
use crate::route::{FleetQuery, Route};
use crate::services::Services;

/// Rows drawn at first; more on demand (a table of thousands would block the page).
const PAGE_ROWS: usize = 500;

#[derive(Properties, PartialEq)]
pub struct FleetProps {
    pub fleet: Rc<Fleet>,
    pub query: FleetQuery,
}

fn set_query(q: FleetQuery) {
    replace_route_and_notify(&Route::Fleet(q));
}

#[function_component(FleetPage)]
pub fn fleet_page(p: &FleetProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let f = &p.fleet;
    let shown = visible(&f.rows, &f.summary, &p.query);
    let export = |kind: &'static str| {
        let fleet = f.clone();
        let shown = shown.clone();
        Callback::from(move |_| {
            let rows: Vec<MachineRow> = shown.iter().map(|&i| fleet.rows[i].clone()).collect();
            match kind {
                "csv" => crate::js::download("wulens-fleet.csv", "text/csv", &fleet_csv(&rows)),
                _ => crate::js::download("wulens-fleet.ndjson", "application/x-ndjson", &fleet_ndjson(&rows)),
            }
        })
    };
    let as_one = {
        let fleet = f.clone();
        Callback::from(move |_| {
            let mut d = Dropped::default();
            for m in fleet.machines.iter() {
                for file in &m.files {
                    if !d.files.iter().any(|x| x.path == file.path) {
                        d.files.push(file.clone());
                    }
                }
            }
            services.analyze_one(Rc::new(d), format!("{} (as one machine)", fleet.source));
        })
    };
    let failed: usize = f.summary.groups.iter().map(|g| g.machines.len()).sum();
    html! {
        <main class="page fleet">
            <section class="fleet-head" aria-labelledby="fleet-title">
                <h1 id="fleet-title">{format!("Fleet: {}", counted(f.rows.len(), "machine", "machines"))}</h1>
                <p class="muted source">{f.source.clone()}</p>
                <StatusBar fleet={f.clone()} query={p.query.clone()} />
                <p class="fleet-actions">
                    <button type="button" onclick={export("csv")}>{format!("Download CSV ({})", shown.len())}</button>
                    <button type="button" onclick={export("ndjson")}>{format!("Download NDJSON ({})", shown.len())}</button>
                    <button type="button" class="link" onclick={as_one} title="Several zips or folders of one machine's logs: analyze them together">{"These are one machine's logs? Analyze them together"}</button>
                </p>
            </section>
            <SharedCauses fleet={f.clone()} query={p.query.clone()} />
            <WufbReports fleet={f.clone()} />
            <Groups fleet={f.clone()} query={p.query.clone()} failed={failed} />
            <Compliance fleet={f.clone()} query={p.query.clone()} />
            <Machines fleet={f.clone()} query={p.query.clone()} shown={Rc::new(shown)} />
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct PartProps {
    fleet: Rc<Fleet>,
    query: FleetQuery,
}

/// A status's words over the machines that have it: `ok` is "Scan completed" only where each
/// of them completed a ConfigMgr client scan (Windows Update's own searches are no such scan).
fn status_words<'a>(rows: &[wulens_core::fleet::MachineRow], status: &'a str) -> &'a str {
    match status {
        "ok" => wulens_core::fleet::row_status_words(status, rows.iter().filter(|r| r.status == status).all(|r| r.configmgr_scan)),
        _ => status_label(status),
    }
}

/// The machines by status; each count filters the table.
#[function_component(StatusBar)]
fn status_bar(p: &PartProps) -> Html {
    html! {
        <ul class="fleet-status" aria-label="Machines by status">
            { for status_counts(&p.fleet.rows).into_iter().map(|(status, _, n)| {
                let label = status_words(&p.fleet.rows, status);
                let on = p.query.status == status;
                let q = FleetQuery { status: if on { String::new() } else { status.to_string() }, group: None, ..p.query.clone() };
                html! {
                    <li>
                        <button type="button" class={classes!("status-count", status)} data-status={status} aria-pressed={on.to_string()} disabled={n == 0}
                            title={if on { "Show every status".to_string() } else { format!("Show only: {label}") }}
                            onclick={Callback::from(move |_| set_query(q.clone()))}>
                            <span class="n">{n}</span>{" "}<span>{label}</span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct GroupsProps {
    fleet: Rc<Fleet>,
    query: FleetQuery,
    failed: usize,
}

/// Failed machines grouped by root cause, largest group first; a group filters the table.
#[function_component(Groups)]
fn groups(p: &GroupsProps) -> Html {
    let s = &p.fleet.summary;
    html! {
        <section class="fleet-groups" aria-labelledby="groups-title">
            <h2 id="groups-title">{format!("Root causes ({}, {})", counted(s.groups.len(), "group", "groups"), counted(p.failed, "failed machine", "failed machines"))}</h2>
            if s.groups.is_empty() {
                <p class="muted">{"No machine failed."}</p>
            }
            <ol class="groups">
                { for s.groups.iter().enumerate().map(|(i, g)| {
                    let on = p.query.group == Some(i);
                    let q = FleetQuery { group: if on { None } else { Some(i) }, status: String::new(), ..p.query.clone() };
                    html! {
                        <li class={classes!("group", on.then_some("selected"))} data-group={i.to_string()} data-count={g.machines.len().to_string()}
                            data-failed-at={g.cause.failed_at.clone()} data-root-code={g.cause.root_code.clone()} data-finding={g.cause.finding.clone()}>
                            <span class="count">{g.machines.len()}</span>
                            <div class="cause">
                                <p class="where">{g.cause.failed_at.clone()}</p>
                                <p>
                                    if !g.cause.root_code.is_empty() {
                                        <CodeLink code={AttrValue::from(g.cause.root_code.clone())} symbol={AttrValue::from(g.root_symbol.clone())} />
                                        if !g.root_symbol.is_empty() { <span class="group-symbol">{format!(" {}", g.root_symbol)}</span> }
                                    } else {
                                        <span class="muted">{"no code"}</span>
                                    }
                                    if !g.cause.finding.is_empty() { <span class="group-finding">{format!(" · {}", finding_words(&p.fleet.rows, &g.cause.finding))}</span> }
                                </p>
                                <p class="names muted">{some_names(&g.machines, 5)}</p>
                            </div>
                            <button type="button" aria-pressed={on.to_string()} onclick={Callback::from(move |_| set_query(q.clone()))}>
                                { if on { "Show all machines".to_string() } else { show_machines(g.machines.len()) } }
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct MachinesProps {
    fleet: Rc<Fleet>,
    query: FleetQuery,
    shown: Rc<Vec<usize>>,
}

/// The machines table: filter by text, status and group; sort by any column; open a machine.
#[function_component(Machines)]
fn machines(p: &MachinesProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let limit = use_state(|| PAGE_ROWS);
    let q = &p.query;
    let on_text = {
        let q = q.clone();
        Callback::from(move |e: InputEvent| set_query(FleetQuery { text: e.target_unchecked_into::<HtmlInputElement>().value(), ..q.clone() }))
    };
    let on_status = {
        let q = q.clone();
        Callback::from(move |e: Event| set_query(FleetQuery { status: e.target_unchecked_into::<web_sys::HtmlSelectElement>().value(), ..q.clone() }))
    };
    let clear_group = {
        let q = q.clone();
        Callback::from(move |_| set_query(FleetQuery { group: None, ..q.clone() }))
    };
    let clear_cell = {
        let q = q.clone();
        Callback::from(move |_| set_query(FleetQuery { update: String::new(), update_state: String::new(), ..q.clone() }))
    };
    let more = {
        let limit = limit.clone();
        Callback::from(move |_| limit.set(*limit + PAGE_ROWS))
    };
    let group = q.group.and_then(|g| p.fleet.summary.groups.get(g));
    html! {
        <section class="fleet-machines" aria-labelledby="machines-title">
            <h2 id="machines-title">{"Machines"}</h2>
            <div class="fleet-filters" role="search">
                <label>{"Filter "}<input type="search" class="fleet-filter" value={q.text.clone()} oninput={on_text} placeholder="name, code, cause, verdict…" autocomplete="off" spellcheck="false" /></label>
                <label>{"Status "}
                    <select class="fleet-status-filter" onchange={on_status}>
                        <option value="" selected={q.status.is_empty()}>{"Any"}</option>
                        { for crate::fleet::STATUSES.iter().map(|(s, _)| html! { <option value={*s} selected={q.status == *s}>{status_words(&p.fleet.rows, s)}</option> }) }
                    </select>
                </label>
                if let Some(g) = group {
                    <span class="chip group-chip">{format!("Group: {}", group_words(&p.fleet.rows, g))}
                        <button type="button" class="link" onclick={clear_group} aria-label="Show every group">{"×"}</button></span>
                }
                if !q.update.is_empty() {
                    <span class="chip group-chip cell-chip">{format!("Update: {} · {}", q.update, crate::fleet::state_label(&q.update_state))}
                        <button type="button" class="link" onclick={clear_cell} aria-label="Show every update state">{"×"}</button></span>
                }
                <span class="muted" data-testid="fleet-count" aria-live="polite">{format!("{} of {}", p.shown.len(), counted(p.fleet.rows.len(), "machine", "machines"))}</span>
            </div>
            <div class="table-wrap">
                <table class="machines">
                    <thead><tr>{ for COLUMNS.iter().map(|(key, label)| header(q, key, label)) }</tr></thead>
                    <tbody>
                        { for p.shown.iter().take(*limit).map(|&i| {
                            let m = p.fleet.machines.get(i).cloned();
                            let services = services.clone();
                            let open = Callback::from(move |_| if let Some(m) = &m { services.open_machine(m) });
                            machine_row(&p.fleet.rows[i], open)
                        }) }
                    </tbody>
                </table>
            </div>
            if p.shown.len() > *limit {
                <p><button type="button" onclick={more}>{format!("Show more ({} of {} shown)", *limit, p.shown.len())}</button></p>
            }
        </section>
    }
}

/// A sortable column's header: a button (keyboard-accessible), `aria-sort` on the sorted one.
fn header(q: &FleetQuery, key: &'static str, label: &'static str) -> Html {
    let sorted = q.sort == key || (q.sort.is_empty() && key == "machine");
    let next = FleetQuery { sort: key.to_string(), desc: sorted && !q.desc, ..q.clone() };
    let aria = sorted.then_some(if q.desc { "descending" } else { "ascending" });
    let arrow = match (sorted, q.desc) {
        (false, _) => "",
        (true, false) => " ▲",
        (true, true) => " ▼",
    };
    let numeric = matches!(key, "files" | "lines");
    html! {
        <th scope="col" aria-sort={aria} class={classes!(numeric.then_some("num"))} data-column={key}>
            <button type="button" class="sort" onclick={Callback::from(move |_| set_query(next.clone()))}>{label}<span aria-hidden="true">{arrow}</span></button>
        </th>
    }
}

fn machine_row(r: &MachineRow, open: Callback<MouseEvent>) -> Html {
    let last = if r.last_time.is_empty() { String::new() } else { split_time(&r.last_time).0 };
    let at = if r.status == "unreadable" { r.problem.clone() } else { r.failed_at.clone() };
    html! {
        <tr data-machine={r.machine.clone()} data-status={r.status.clone()}>
            <td><button type="button" class="link machine-open" onclick={open} title={format!("Open the report of {} ({})", r.machine, r.bundle)}>{r.machine.clone()}</button></td>
            <td><span class={classes!("badge", r.status.clone())}>{wulens_core::fleet::row_status_words(&r.status, r.configmgr_scan)}</span></td>
            <td class="at" title={r.verdict.clone()}>{at}</td>
            <td>
                if !r.root_code.is_empty() { <CodeLink code={AttrValue::from(r.root_code.clone())} symbol={AttrValue::from(r.root_symbol.clone())} /> }
            </td>
            <td class="small" data-finding={r.finding.clone()}>{if r.finding_title.is_empty() { r.finding.replace('_', " ") } else { r.finding_title.clone() }}</td>
            <td class="small">{last}</td>
            <td class="num">{r.files}</td>
            <td class="num">{thousands(r.lines)}</td>
        </tr>
    }
}
