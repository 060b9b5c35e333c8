//! Beside the list: the codes in view, or one code's knowledge-base entry.

use std::rc::Rc;

use wulens_core::viewer::CodeInView;
use yew::prelude::*;

use crate::components::common::{Sources, Steps};
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct CodesProps {
    pub codes: Rc<Vec<CodeInView>>,
    pub open_code: Callback<String>,
    /// Folded to a narrow strip, so the messages get the width.
    pub collapsed: bool,
    pub ontoggle: Callback<MouseEvent>,
}

/// The codes of the view, most frequent first; each opens its entry. It folds to a strip.
#[function_component(CodesAside)]
pub fn codes_aside(p: &CodesProps) -> Html {
    if p.collapsed {
        return html! {
            <aside class="codes-in-view collapsed" aria-label="Codes in view">
                <button type="button" class="fold" onclick={p.ontoggle.clone()} aria-expanded="false" title="Show the codes in view">
                    {format!("Codes ({})", p.codes.len())}
                </button>
            </aside>
        };
    }
    html! {
        <aside class="codes-in-view" aria-label="Codes in view">
            <div class="aside-head">
                <h2>{"Codes in view"}</h2>
                <button type="button" class="fold link" onclick={p.ontoggle.clone()} aria-expanded="true" title="Fold the codes panel: more room for the messages">{"Hide"}</button>
            </div>
            if p.codes.is_empty() { <p class="muted">{"No error code in these lines."}</p> }
            <ul>
                { for p.codes.iter().take(40).map(|c| {
                    let open = { let (open_code, code) = (p.open_code.clone(), c.code.clone()); Callback::from(move |_| open_code.emit(code.clone())) };
                    html! { <li><button type="button" class="code-chip chip" onclick={open} title={c.message.clone()}><span class="code">{c.code.clone()}</span><span class="sym">{c.symbol.clone()}</span><span class="count">{format!("×{}", c.count)}</span></button></li> }
                }) }
            </ul>
        </aside>
    }
}

#[derive(Properties, PartialEq)]
pub struct CodePanelProps {
    pub code: String,
    pub onclose: Callback<MouseEvent>,
}

/// A code's knowledge-base entry beside the viewer, without leaving the scroll position.
#[function_component(CodePanel)]
pub fn code_panel(p: &CodePanelProps) -> Html {
    let body = match wulens_kb::lookup(&p.code) {
        Ok(l) => html! {
            <>
                <h2><span class="code">{l.code.to_string()}</span></h2>
                if let Some(e) = l.entry {
                    <p class="symbol">{e.symbol}</p>
                    <p>{e.message}</p>
                    if !e.description.is_empty() { <p>{e.description}</p> }
                    if !e.mitigation.is_empty() { <h3>{"What to do"}</h3><Steps steps={e.mitigation.to_vec()} /> }
                    <Sources sources={e.sources.to_vec()} />
                } else {
                    <p class="muted">{format!("Not in the knowledge base: {} facility, code {}.", l.decoded.facility_label, l.decoded.code)}</p>
                }
                <p><a href={crate::route::to_hash(&Route::KbEntry(l.code.to_string(), String::new()))} target="_blank" rel="noopener">{"Open the full entry"}</a></p>
            </>
        },
        Err(e) => html! { <p>{e.to_string()}</p> },
    };
    html! {
        <aside class="code-panel" aria-label="Error code">
            <button type="button" class="close" onclick={p.onclose.clone()} aria-label="Close">{"×"}</button>
            { body }
        </aside>
    }
}
