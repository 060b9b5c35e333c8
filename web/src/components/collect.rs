//! "What to collect": the commands that gather every log and setting wulens reads, in one zip.

use yew::prelude::*;

use crate::components::common::Command;

#[function_component(CollectPage)]
pub fn collect_page() -> Html {
    let all: String = wulens_core::COLLECT_STEPS.iter().map(|s| s.command).collect::<Vec<_>>().join("\n");
    html! {
        <main class="page narrow collect">
            <h1>{"What to collect from a client"}</h1>
            <p class="lead">{"Run these in an elevated PowerShell on the affected client, then drop the zip on the start page. Each item lets wulens check more steps of the scan; nothing leaves your machine."}</p>
            <ol class="collect-steps">
                { for wulens_core::COLLECT_STEPS.iter().map(|s| html! {
                    <li>
                        <p><strong>{s.what}</strong></p>
                        <Command command={AttrValue::Static(s.command)} />
                        if !s.why.is_empty() { <p class="muted">{format!("Shows: {}", s.why)}</p> }
                    </li>
                }) }
            </ol>
            <h2>{"All at once"}</h2>
            <pre class="script">{all.clone()}</pre>
            <crate::components::common::CopyButton text={AttrValue::from(all)} label={AttrValue::Static("Copy the whole script")} />
            <p class="muted">{"The same list is printed by "}<code>{"wulens collect-help"}</code>{"."}</p>
        </main>
    }
}
