//! What the page does once its state changed: the app's effects, each reacting to one part of
//! the state (`state::Ask`s, the worker's readiness, a fleet's zip reads). The reducer only
//! asks; these do (go to a page, scroll, tell the worker to follow, mark `#app`).

use std::rc::Rc;

use wulens_wasm::protocol::ZipReads;
use yew::prelude::*;

use crate::bridge::Bridge;
use crate::nav::{current_route, navigate};
use crate::route::{FleetQuery, Route};
use crate::state::{AppState, FollowOrder, Goto};

/// Carry out what `state` asks, each time it asks.
#[hook]
pub fn use_state_effects(state: &AppState, bridge: Option<Rc<Bridge>>) {
    use_effect_with(state.goto.clone(), |goto| {
        if let Some(to) = goto.what {
            go(to);
        }
    });
    use_effect_with(state.tell.clone(), move |tell| match (&tell.what, bridge) {
        (Some(FollowOrder::Follow(d)), Some(b)) => b.follow(d),
        (Some(FollowOrder::Stop), Some(b)) => b.unfollow(),
        _ => {}
    });
    use_effect_with(state.worker, |ready| {
        if let Some((warm_ms, scanners)) = *ready {
            mark_ready(warm_ms, scanners);
        }
    });
    use_effect_with(state.fleet.as_ref().and_then(|f| f.zip), |zip| {
        if let Some(z) = zip {
            mark_zip(z);
        }
    });
}

fn go(to: Goto) {
    match to {
        Goto::Report => navigate(&Route::Report),
        Goto::ReportUnlessViewing => {
            if !matches!(current_route(), Route::Log(_)) {
                navigate(&Route::Report);
            }
        }
        Goto::ReportFromTop => {
            navigate(&Route::Report);
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
        }
        Goto::Fleet => navigate(&Route::Fleet(FleetQuery::default())),
    }
}

fn app_element() -> Option<web_sys::Element> {
    web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"))
}

/// For the tests and the bench: the worker is ready, whether (and how long) it warmed up, and
/// how many scanning workers share big files' pieces.
fn mark_ready(warm_ms: Option<f64>, scanners: u32) {
    if let Some(el) = app_element() {
        let _ = el.set_attribute("data-worker", "ready");
        let _ = el.set_attribute("data-warm-ms", &warm_ms.map_or("failed".to_string(), |ms| format!("{ms:.0}")));
        let _ = el.set_attribute("data-scanners", &scanners.to_string());
    }
}

/// For the tests and the bench: a zip of bundles' directory is read once, its bytes about once.
fn mark_zip(z: &ZipReads) {
    if let Some(el) = app_element() {
        let _ = el.set_attribute("data-zip-opens", &z.opens.to_string());
        let _ = el.set_attribute("data-zip-read", &format!("{:.3}", z.fetched / z.size.max(1.0)));
    }
}
