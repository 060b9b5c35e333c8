//! The wulens web app (Yew). The same wasm module also runs in the analysis worker
//! (`public/worker.js`), where there is no window and `main` does nothing.

mod app;
mod bridge;
mod components;
mod effects;
mod fleet;
mod inputs;
mod js;
mod ledger;
mod machines;
mod messages;
mod nav;
mod page;
mod route;
mod samples;
mod services;
mod share;
mod state;
mod wufb;

// The worker calls the Session and kb_* exports of wulens-wasm from this same module.
pub use wulens_wasm::*;

fn main() {
    let Some(window) = web_sys::window() else { return };
    let Some(root) = window.document().and_then(|d| d.get_element_by_id("app")) else { return };
    root.set_text_content(None);
    yew::Renderer::<app::App>::with_root(root).render();
}
