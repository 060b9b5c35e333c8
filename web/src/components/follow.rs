//! Following logs as they are written, as CMTrace does: the Follow toggle, what is followed and
//! when it last changed, and Reload. Where the browser gave file handles (Chromium, Edge), the
//! worker reads the files again every second and adds only what they gained; elsewhere a file
//! cannot be read again once it changed, so Reload asks for the files again.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use wulens_core::model::counted;

use crate::messages::Dropped;
use crate::page::follow_status;
use crate::services::Services;
use crate::state::{Action, Follow};

#[derive(Properties, PartialEq)]
pub struct FollowBarProps {
    pub follow: Follow,
}

#[function_component(FollowBar)]
pub fn follow_bar(p: &FollowBarProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let picker = use_node_ref();
    let f = &p.follow;
    let redraw = use_force_update();
    // While following, "last change 30 s ago" keeps counting.
    use_effect_with(f.on, move |on| {
        let timer = on.then(|| {
            let tick = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || redraw.force_update());
            let w = web_sys::window().expect("window");
            let id = w.set_interval_with_callback_and_timeout_and_arguments_0(wasm_bindgen::JsCast::unchecked_ref(tick.as_ref()), 5000).unwrap_or(0);
            (w, id, tick)
        });
        move || {
            if let Some((w, id, _tick)) = timer {
                w.clear_interval_with_handle(id);
            }
        }
    });
    let toggle = {
        let (dispatch, on) = (services.dispatch.clone(), f.on);
        Callback::from(move |_| dispatch.dispatch(Action::Follow(!on)))
    };
    let reload = {
        let (services, picker, files) = (services.clone(), picker.clone(), f.files.clone());
        Callback::from(move |_| {
            if !services.reload(files.as_ref()) {
                if let Some(i) = picker.cast::<HtmlInputElement>() {
                    i.click();
                }
            }
        })
    };
    let on_pick = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Some(list) = input.files() {
            match Dropped::read(crate::js::collect_input(&list)) {
                Ok(d) if !d.files.is_empty() => {
                    let n = d.files.len();
                    services.analyze(d, format!("{} chosen again", counted(n, "file", "files")));
                }
                Ok(_) => {}
                Err(e) => services.dispatch.dispatch(Action::Failed(e)),
            }
        }
        input.set_value("");
    });
    let reload_title = if f.available {
        "Read the files again from their start and analyse them anew"
    } else {
        "This browser cannot read a file again once it changed: choose the files again"
    };
    if !f.available && !f.reloadable {
        return html! {}; // a sample: nothing to follow or read again
    }
    html! {
        <div class="follow-bar" role="group" aria-label="Logs that are still being written">
            if f.available {
                <button type="button" class={classes!("follow-toggle", f.on.then_some("on"))} aria-pressed={f.on.to_string()} onclick={toggle}
                    title="Read the files again every second and add the lines they gained">
                    <span class="follow-dot" aria-hidden="true"></span>{ if f.on { "Following" } else { "Follow" } }
                </button>
            }
            <button type="button" onclick={reload} title={reload_title}>{"Reload"}</button>
            <input ref={picker} type="file" multiple=true hidden=true onchange={on_pick} aria-label="Choose the log files again" />
            <span class="follow-status" role="status" aria-live="polite">{ follow_status(f, js_sys::Date::now()) }</span>
            { for f.problems.iter().map(|m| html! { <span class="follow-problem">{m.clone()}</span> }) }
        </div>
    }
}
