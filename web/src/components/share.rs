//! The Share panel: everything that leaves the page (copies, downloads, a saved report, the logs'
//! zip) is redacted unless the person turns it off, and the panel says what was replaced before
//! anything leaves. The exports' logic is `crate::share`'s; the redaction runs in the worker.

use std::rc::Rc;

use wulens_core::Report;
use wulens_wasm::protocol::Request;
use yew::prelude::*;

use crate::services::Services;
use crate::share::{previews, saved_file, Exports, Redaction};

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub report: Rc<Report>,
    /// The report was opened from a saved report: no logs, its exports are made here.
    #[prop_or_default]
    pub saved: bool,
}

type Ready = Option<Result<Rc<Exports>, String>>;

/// Ask for the exports: the worker's (redacted, or the full report as it is), or a saved report's.
fn prepare(services: &Services, report: &Report, saved: bool, redact: bool, done: UseStateHandle<Ready>) {
    if saved {
        return done.set(Some(Exports::for_saved(report, redact).map(Rc::new)));
    }
    if redact {
        services.request(Request::Shared, move |r: Result<Box<wulens_wasm::Shared>, String>| done.set(Some(r.map(|s| Rc::new(Exports::from_shared(*s))))));
    } else {
        services.request(Request::Report, move |r: Result<Box<Report>, String>| done.set(Some(r.map(|r| Rc::new(Exports::plain(*r))))));
    }
}

#[function_component(SharePanel)]
pub fn share_panel(p: &ShareProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let redact = use_state(|| true);
    let lines = use_state(|| true);
    let ready = use_state(|| None::<Result<Rc<Exports>, String>>);
    let said = use_state(String::new);
    {
        let (services, report, saved, ready) = (services.clone(), p.report.clone(), p.saved, ready.clone());
        use_effect_with((Rc::as_ptr(&p.report) as usize, *redact), move |&(_, redact)| {
            ready.set(None);
            prepare(&services, &report, saved, redact, ready);
        });
    }
    let ex = match &*ready {
        Some(Ok(ex)) => Some(ex.clone()),
        _ => None,
    };
    let act = |what: &'static str| {
        let (ex, said, lines, services) = (ex.clone(), said.clone(), *lines, services.clone());
        Callback::from(move |_| {
            let Some(ex) = &ex else { return };
            let said = said.clone();
            match what {
                "summary" => crate::js::copy_text(&ex.summary, move |ok| said.set(if ok { "Summary copied." } else { "Copying failed." }.into())),
                "md-copy" => crate::js::copy_text(&ex.markdown, move |ok| said.set(if ok { "Markdown copied." } else { "Copying failed." }.into())),
                "md" => crate::js::download(&ex.name("md"), "text/markdown", &ex.markdown),
                "json" => crate::js::download(&ex.name("json"), "application/json", &serde_json::to_string_pretty(&ex.report).unwrap_or_default()),
                "save" => match saved_file(&ex.report, ex.redacted(), lines, &now()) {
                    Ok(text) => crate::js::download(&ex.name("wulens.json"), "application/json", &text),
                    Err(e) => said.set(format!("The report could not be saved: {e}")),
                },
                _ => {
                    said.set("Writing the redacted logs…".into());
                    services.redacted_zip(move |r| match r {
                        Ok(bytes) => {
                            crate::js::download_blob("wulens-logs-redacted.zip", "application/zip", &bytes);
                            said.set("Redacted logs saved.".into());
                        }
                        Err(e) => said.set(format!("The redacted logs could not be written: {e}")),
                    });
                }
            }
        })
    };
    let toggle = |s: &UseStateHandle<bool>| {
        let s = s.clone();
        Callback::from(move |_| s.set(!*s))
    };
    let off = ex.is_none();
    // A report redacted before (a saved report saved redacted) stays as it is: nothing to turn off.
    let before = p.report.redacted;
    html! {
        <section class="share" aria-labelledby="share-title" data-testid="share">
            <h2 id="share-title">{"Share"}</h2>
            <label class="share-redact"><input type="checkbox" checked={*redact || before} disabled={before} onchange={toggle(&redact)} data-testid="redact" />
                {" Replace host, user and server names, addresses, SIDs, ids and serial numbers in everything that leaves this page"}</label>
            { match &*ready {
                None => html! { <p class="muted small" data-testid="share-preview">{"Preparing what would leave…"}</p> },
                Some(Err(e)) => html! { <p class="share-error small" role="alert" data-testid="share-preview">{format!("Nothing can be shared: {e}")}</p> },
                Some(Ok(ex)) => match &ex.redaction {
                    Redaction::Now { .. } => html! {
                        <div class="small" data-testid="share-preview">
                            { for previews(&ex.redaction).into_iter().map(|(title, items)| html! {
                                <>{title}<ul>{ for items.into_iter().map(|t| html! { <li>{t}</li> }) }</ul></>
                            }) }
                            <p class="muted">{"Read it before you share it."}</p>
                        </div>
                    },
                    Redaction::Before => html! { <p class="small" data-testid="share-preview">{"Redacted when it was saved: its exports are the same text it first left as; nothing is replaced again."}</p> },
                    Redaction::Off => html! { <p class="share-warn small" data-testid="share-preview">{"Not redacted: what leaves holds the logs' names and addresses as they are."}</p> },
                },
            } }
            <div class="actions">
                <button type="button" onclick={act("summary")} disabled={off} title="The verdict, the leading failures and the first checks (at most 2 KB), for a ticket">{"Copy summary"}</button>
                <button type="button" onclick={act("md-copy")} disabled={off}>{"Copy as Markdown"}</button>
                <button type="button" onclick={act("md")} disabled={off}>{"Download Markdown"}</button>
                <button type="button" onclick={act("json")} disabled={off}>{"Download JSON"}</button>
                if !p.saved {
                    <button type="button" onclick={act("zip")} disabled={off || !*redact} title="The logs with every identifier replaced, same names and folders: wulens reads them back to the same conclusion">{"Download redacted logs (zip)"}</button>
                }
                <button type="button" onclick={act("save")} disabled={off} title="A small file this page reopens without the logs">{"Save report"}</button>
                <label class="small"><input type="checkbox" checked={*lines} onchange={toggle(&lines)} />{" with the log lines its evidence cites"}</label>
            </div>
            if !said.is_empty() { <p class="small muted" role="status">{(*said).clone()}</p> }
        </section>
    }
}

/// The time now, as `2026-11-26 23:40 UTC`.
fn now() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", d.get_utc_full_year(), d.get_utc_month() + 1, d.get_utc_date(), d.get_utc_hours(), d.get_utc_minutes())
}
