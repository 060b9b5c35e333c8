//! The rest of the Windows Update for Business reports section (`components/wufb.rs`): the
//! devices the reports alert on whose logs are not in the fleet, with what to collect from them
//! (core's words and `wulens collect-help`'s commands), and each client update status beside the
//! machine's own ledger state of the same KB.

use std::rc::Rc;

use yew::prelude::*;

use wulens_core::model::counted;
use wulens_core::wufb::{WufbSection, WufbStatus};

use crate::page::report_time;
use crate::wufb::{code_spans, logged_state, reported_state};

/// A section passed down whole.
#[derive(Properties, PartialEq)]
pub struct SectionProps {
    pub section: Rc<WufbSection>,
}

/// Devices with alerts and no logs: each with its alerts' lines and what to collect.
#[function_component(WithoutLogs)]
pub fn without_logs(p: &SectionProps) -> Html {
    let w = &p.section;
    if w.without_logs.is_empty() {
        return html! {};
    }
    html! {
        <div class="wufb-without">
            <h3>{format!("Devices with alerts and no logs ({})", w.without_logs.len())}</h3>
            <ul class="wufb-devices">
                { for w.without_logs.iter().map(|d| html! {
                    <li class="wufb-device" data-device={d.device.clone()}>
                        <p>
                            <strong>{d.label()}</strong>
                            <span class="muted">{format!(": {}, {} active ({})", counted(d.alerts, "alert", "alerts"), d.active, d.from.join(", "))}</span>
                        </p>
                        <p class="wufb-advice">{ for code_spans(&d.advice).into_iter().map(|(code, t)| if code { html! { <code>{t}</code> } } else { html! { {t} } }) }</p>
                        <details>
                            <summary>{format!("What to collect from it ({})", d.collect.len())}</summary>
                            <ul class="wufb-collect">
                                { for d.collect.iter().map(|c| html! {
                                    <li data-artifact={c.artifact.clone()}>{c.what.clone()}<pre><code>{c.command.clone()}</code></pre></li>
                                }) }
                            </ul>
                        </details>
                    </li>
                }) }
            </ul>
        </div>
    }
}

/// Each client update status beside the machine's own ledger state of the KB.
#[function_component(Statuses)]
pub fn statuses(p: &SectionProps) -> Html {
    let w = &p.section;
    if w.statuses.is_empty() {
        return html! {};
    }
    html! {
        <div class="wufb-statuses">
            <h3>{format!("Update statuses ({})", w.statuses.len())}</h3>
            <div class="table-wrap">
                <table class="wufb-status">
                    <thead><tr>
                        <th scope="col">{"Device"}</th><th scope="col">{"Update"}</th><th scope="col">{"The reports say"}</th>
                        <th scope="col">{"Its logs say"}</th><th scope="col">{"From"}</th>
                    </tr></thead>
                    <tbody>
                        { for w.statuses.iter().map(|s| html! {
                            <tr data-device={s.device.clone()} data-kb={s.kb.clone()} data-log-state={s.log_state.clone()}>
                                <td>{s.device.clone()}</td>
                                <td title={s.update.clone()}>{if s.kb.is_empty() { s.update.clone() } else { s.kb.clone() }}</td>
                                <td class="small">{reported_state(&WufbStatus { time: report_time(&s.time), ..s.clone() })}</td>
                                <td class="small">{logged_state(s)}</td>
                                <td class="small from">{s.from.clone()}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </div>
    }
}
