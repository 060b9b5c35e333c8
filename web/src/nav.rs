//! Navigation: the current route and moving between routes (hash routing, `route.rs`).

use wasm_bindgen::JsValue;

use crate::route::{self, Route};

pub fn navigate(r: &Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&route::to_hash(r));
    }
}

/// Replace the current history entry (filters typed in the viewer should not flood Back), and
/// tell the app: `replaceState` does not fire `hashchange`.
pub fn replace_route(r: &Route) {
    if let Some(w) = web_sys::window() {
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&route::to_hash(r)));
        }
    }
}

/// [`replace_route`], then re-render as if the hash had changed.
pub fn replace_route_and_notify(r: &Route) {
    replace_route(r);
    if let Some(w) = web_sys::window() {
        if let Ok(e) = web_sys::Event::new("hashchange") {
            let _ = w.dispatch_event(&e);
        }
    }
}

pub fn current_route() -> Route {
    web_sys::window().and_then(|w| w.location().hash().ok()).map(|h| route::parse(&h)).unwrap_or(Route::Home)
}
