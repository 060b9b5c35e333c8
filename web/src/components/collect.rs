//! "What to collect": the commands that gather every log and setting wulens reads, in one zip
//! (the page), and what a report still needs (its "What to collect next" section).

use std::rc::Rc;

use wulens_core::model::RunOn;
use wulens_core::Report;
use yew::prelude::*;

use crate::components::common::{Command, CopyButton, EvidenceList};

#[function_component(CollectPage)]
pub fn collect_page() -> Html {
    let steps = wulens_core::collect::steps();
    let script = wulens_core::collect::client_script();
    let item = |s: &wulens_core::collect::CollectStep| {
        html! {
            <li>
                <p><strong>{s.what}</strong></p>
                <Command command={AttrValue::Static(s.command)} />
                if !s.why.is_empty() { <p class="muted">{format!("Shows: {}", s.why)}</p> }
            </li>
        }
    };
    html! {
        <main class="page narrow collect">
            <h1>{"What to collect from a client"}</h1>
            <p class="lead">{"Run these in an elevated PowerShell on the affected client, then drop the zip on the start page. Each item lets wulens check more steps of the scan; nothing leaves your machine."}</p>
            <ol class="collect-steps">
                { for steps.iter().filter(|s| s.on == RunOn::Client).map(item) }
            </ol>
            <h2>{"All at once"}</h2>
            <pre class="script">{script.clone()}</pre>
            <CopyButton text={AttrValue::from(script)} label={AttrValue::Static("Copy the whole script")} />
            <h2>{"On the servers"}</h2>
            <p>{"When the client's logs point at its servers, run these there too (into C:\\Temp\\wulens) and drop the files with the client's."}</p>
            <ol class="collect-steps">
                { for steps.iter().filter(|s| s.on != RunOn::Client).map(|s| html! {
                    <li>
                        <p><strong>{s.what}</strong>{format!(" ({})", s.on.words())}</p>
                        <Command command={AttrValue::Static(s.command)} />
                        <p class="muted">{format!("Shows: {}", s.why)}</p>
                    </li>
                }) }
            </ol>
            <p class="muted">{"The same list is printed by "}<code>{"wulens collect-help"}</code>{"."}</p>
        </main>
    }
}

#[derive(Properties, PartialEq)]
pub struct CollectNextProps {
    pub report: Rc<Report>,
}

/// What this drop still needs: each artifact with why and its command, never one already here.
#[function_component(CollectNext)]
pub fn collect_next(p: &CollectNextProps) -> Html {
    if p.report.collect_next.is_empty() {
        return html! {};
    }
    html! {
        <section class="next collect-next" aria-labelledby="collect-next-title" data-testid="collect-next">
            <h2 id="collect-next-title">{"What to collect next"}</h2>
            <ol class="steps">
                { for p.report.collect_next.iter().map(|c| html! {
                    <li>
                        <p><strong>{c.what.clone()}</strong>{format!(" ({})", c.on.words())}</p>
                        <p>{c.why.clone()}</p>
                        <Command command={AttrValue::from(c.command.clone())} />
                        if !c.evidence.is_empty() { <EvidenceList evidence={c.evidence.clone()} max={2} /> }
                    </li>
                }) }
            </ol>
        </section>
    }
}
