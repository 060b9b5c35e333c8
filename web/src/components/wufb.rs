//! The fleet page's Windows Update for Business reports section, after the shared causes: each
//! alert of the dropped exports beside the cause wulens found in that machine's logs, the
//! machine one click away; then the devices with alerts and no logs, with what to collect, and
//! each update status beside the machine's own ledger state (`components/wufb_more.rs`). Absent
//! when the drop held no export. The join and its sentences are core's (`WufbSection`).

use std::rc::Rc;

use yew::prelude::*;

use wulens_core::wufb::WufbAlert;

use crate::components::common::CodeLink;
use crate::components::wufb_more::{Statuses, WithoutLogs};
use crate::fleet::Fleet;
use crate::page::report_time;
use crate::services::Services;
use crate::wufb::{alert_kind, alert_when, exports_words, summary};

#[derive(Properties, PartialEq)]
pub struct WufbProps {
    pub fleet: Rc<Fleet>,
}

#[function_component(WufbReports)]
pub fn wufb_reports(p: &WufbProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let Some(section) = p.fleet.wufb.clone() else { return html! {} };
    let w = &*section;
    let open = |name: &str| {
        let m = p.fleet.machine_named(name).cloned();
        let services = services.clone();
        Callback::from(move |_| {
            if let Some(m) = &m {
                services.open_machine(m)
            }
        })
    };
    let joined: Vec<&WufbAlert> = w.alerts.iter().filter(|a| !a.machine.is_empty()).collect();
    html! {
        <section class="fleet-wufb" aria-labelledby="wufb-title">
            <h2 id="wufb-title">{"Windows Update for Business reports"}</h2>
            <p data-testid="wufb-summary">{summary(w)}</p>
            if !w.exports.is_empty() {
                <p class="muted small wufb-exports">{format!("Read from {}", exports_words(w).join(", "))}</p>
            }
            { for w.problems.iter().map(|x| html! {
                <p class="wufb-problem" data-file={x.file.clone()}><strong>{"Could not be read: "}</strong>{x.problem.clone()}</p>
            }) }
            if !joined.is_empty() {
                <div class="table-wrap">
                    <table class="wufb-alerts">
                        <caption class="muted small">{"Each alert beside what wulens found in that machine's logs"}</caption>
                        <thead><tr>
                            <th scope="col">{"Machine"}</th><th scope="col">{"Alert in the reports"}</th><th scope="col">{"Code"}</th>
                            <th scope="col">{"What its logs say"}</th><th scope="col">{"From"}</th>
                        </tr></thead>
                        <tbody>{ for joined.iter().map(|a| alert_row(a, open(&a.machine))) }</tbody>
                    </table>
                </div>
            }
            <WithoutLogs section={section.clone()} />
            <Statuses section={section.clone()} />
        </section>
    }
}

fn alert_row(a: &WufbAlert, open: Callback<MouseEvent>) -> Html {
    let log = a.log.clone().unwrap_or_default();
    // Its start as the page writes every time, whichever export it came from.
    let when = alert_when(&WufbAlert { start_time: report_time(&a.start_time), ..a.clone() });
    html! {
        <tr data-alert={a.alert_id.clone()} data-machine={a.machine.clone()} data-joined-by={a.joined_by.clone()}>
            <td>
                <button type="button" class="link machine-open" onclick={open} title={format!("Open the report of {}", a.machine)}>{a.machine.clone()}</button>
                <span class="muted small joined">{format!(" {} {}", a.joined_words(), if a.joined_by == "entra_id" { a.entra_id.clone() } else { a.device.clone() })}</span>
            </td>
            <td title={a.words()}>
                <span class="wufb-kind">{alert_kind(a)}</span>
                <span class="muted small">{format!(" {}", a.table)}</span>
                if !when.is_empty() { <br /><span class="small">{when}</span> }
                if !a.description.is_empty() { <br /><span class="small muted">{a.description.clone()}</span> }
            </td>
            <td>
                if !a.error_code.is_empty() {
                    <CodeLink code={AttrValue::from(a.error_code.clone())} symbol={AttrValue::from(a.error_symbol.clone())} />
                    if !a.error_symbol.is_empty() { <br /><span class="small wufb-symbol">{a.error_symbol.clone()}</span> }
                }
            </td>
            <td class="wufb-log" title={log.words()}>
                <span class={classes!("badge", log.status.clone())}>{wulens_core::fleet::row_status_words(&log.status, log.configmgr_scan)}</span>
                if log.status == "unreadable" { <br /><span class="small">{log.problem.clone()}</span> }
                if !log.failed_at.is_empty() { <br /><span class="small wufb-where">{log.failed_at.clone()}</span> }
                if !log.root_code.is_empty() {
                    <br /><CodeLink code={AttrValue::from(log.root_code.clone())} symbol={AttrValue::from(log.root_symbol.clone())} />
                    if !log.root_symbol.is_empty() { <span class="small">{format!(" {}", log.root_symbol)}</span> }
                }
                if !log.finding_title.is_empty() { <br /><span class="small wufb-finding">{log.finding_title.clone()}</span> }
            </td>
            <td class="small from">{a.from.clone()}</td>
        </tr>
    }
}
