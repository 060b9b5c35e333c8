//! Each file's time-zone offset, where it comes from, and an override (a WindowsUpdate.log
//! collected from a machine in another zone, a bias a script wrote wrong).

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use wulens_core::model::{base_name, OffsetSource};
use wulens_core::Report;
use wulens_wasm::protocol::Request;
use yew::prelude::*;

use super::logic::files::file_color;
use super::logic::zones::{offset_choices, offset_label};
use crate::services::Services;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct TzProps {
    pub report: Rc<Report>,
}

#[function_component(TimeZones)]
pub fn time_zones(p: &TzProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let offsets = offset_choices();
    let rows = p.report.files.iter().enumerate().filter(|(_, f)| f.first_time.is_some()).map(|(i, f)| {
        let services = services.clone();
        let onchange = Callback::from(move |e: Event| {
            let minutes: Option<i32> = e.target_unchecked_into::<HtmlSelectElement>().value().parse().ok();
            let dispatch = services.dispatch.clone();
            services.request(Request::SetOffset { file: i as u32, minutes }, move |r: Result<Box<Report>, String>| {
                if let Ok(r) = r {
                    dispatch.dispatch(Action::Updated(Rc::new(*r)));
                }
            });
        });
        let overridden = f.time_zone.source == OffsetSource::Override;
        html! {
            <tr>
                <th scope="row"><span class="stripe" style={format!("background:{}", file_color(i as u32))}></span>{base_name(&f.name).to_string()}</th>
                <td class="small muted">{f.time_zone.note.clone()}</td>
                <td>
                    <select aria-label={format!("Time zone of {}", base_name(&f.name))} {onchange} data-file={f.name.clone()}>
                        <option value="" selected={!overridden}>{format!("As read ({})", f.time_zone.offset)}</option>
                        { for offsets.iter().map(|m| html! { <option value={m.to_string()} selected={overridden && f.time_zone.offset_minutes == *m}>{offset_label(*m)}</option> }) }
                    </select>
                </td>
            </tr>
        }
    });
    html! {
        <span class="tz">
            <button type="button" class="tab tz-button" onclick={toggle} aria-expanded={open.to_string()}>{"Time zones…"}</button>
            if *open {
                <div class="tz-panel" role="dialog" aria-label="Time zones of the files">
                    <p class="small muted">{"The merged timeline orders lines by UTC. Change a file's offset if it was collected in another zone; the timeline re-orders."}</p>
                    <table><tbody>{ for rows }</tbody></table>
                </div>
            }
        </span>
    }
}
