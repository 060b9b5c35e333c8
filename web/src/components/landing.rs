//! The start page: the drop zone, file and folder pickers, the samples, a code search box, and
//! the progress of a running analysis.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use wulens_core::model::counted;

use crate::bridge::files_from_bytes;
use crate::messages::{Dropped, Progress};
use crate::nav::navigate;
use crate::page::human_bytes;
use crate::route::Route;
use crate::samples::{Sample, BROKEN, HEALTHY};
use crate::services::Services;
use crate::state::Phase;

#[derive(Properties, PartialEq)]
pub struct LandingProps {
    pub phase: Phase,
    pub has_report: bool,
    /// The URL carries viewer filters but no logs are loaded (after a reload).
    #[prop_or_default]
    pub pending_filter: bool,
}

#[function_component(Landing)]
pub fn landing(p: &LandingProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let files_ref = use_node_ref();
    let folder_ref = use_node_ref();
    let search = use_state(String::new);

    let on_pick = {
        let services = services.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(list) = input.files() {
                match Dropped::read(crate::js::collect_input(&list)) {
                    Ok(d) => {
                        let n = d.files.len();
                        services.analyze(d, counted(n, "chosen file", "chosen files"));
                    }
                    Err(e) => services.dispatch.dispatch(crate::state::Action::Failed(e)),
                }
            }
            input.set_value("");
        })
    };
    let click = |r: NodeRef| {
        Callback::from(move |_| {
            if let Some(i) = r.cast::<HtmlInputElement>() {
                i.click();
            }
        })
    };
    let sample = |files: Sample, name: &'static str| {
        let services = services.clone();
        Callback::from(move |_| services.analyze(files_from_bytes(files), format!("sample: {name}")))
    };
    let on_search_input = {
        let search = search.clone();
        Callback::from(move |e: InputEvent| search.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_search = {
        let search = search.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let q = search.trim().to_string();
            if q.is_empty() {
                return;
            }
            match wulens_kb::lookup(&q) {
                Ok(l) => navigate(&Route::KbEntry(l.code.to_string(), String::new())),
                Err(_) => navigate(&Route::Kb { query: q, category: String::new() }),
            }
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let follow = {
        let services = services.clone();
        Callback::from(move |_| {
            let services = services.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(crate::js::pick_to_follow()).await.map_err(|e| format!("{e:?}")).and_then(Dropped::read) {
                    Ok(d) if d.files.is_empty() && d.errors.is_empty() => {} // the picker was closed
                    Ok(d) => {
                        let n = d.files.len();
                        services.analyze_and_follow(d, counted(n, "followed file", "followed files"));
                    }
                    Err(e) => services.dispatch.dispatch(crate::state::Action::Failed(format!("the files could not be opened: {e}"))),
                }
            });
        })
    };
    let can_follow = crate::js::can_pick_to_follow();

    let status = match &p.phase {
        Phase::Loading(pr) => progress_panel(pr, services.clone()),
        Phase::Failed(m) => html! {
            <div class="alert error" role="alert">
                <strong>{"The analysis did not finish. "}</strong>{m.clone()}
                <p>{"Nothing was lost: drop the logs again, or drop fewer of them at once."}</p>
            </div>
        },
        _ => html! {},
    };
    let busy = matches!(p.phase, Phase::Loading(_));

    html! {
        <main class="page landing">
            <section class="hero">
                <h1>{"See why a Windows Update scan failed"}</h1>
                <p class="lead">{"Drop a client's ConfigMgr logs and WindowsUpdate.log. wulens explains every error code, shows which step of the software-update scan broke, and says what to check next."}</p>
            </section>
            if p.pending_filter {
                <div class="alert info" role="status">{"This link carries log viewer filters. Drop the same logs again and the viewer opens with them applied."}</div>
            }
            { status }
            <section class={classes!("dropzone", busy.then_some("busy"))} {ondragover} aria-label="Drop zone">
                <div class="drop-icon" aria-hidden="true"></div>
                <p class="drop-title">{"Drop log files, a folder or a zip bundle here"}</p>
                <p class="drop-hint">{"CCM\\Logs, WindowsUpdate.log and its .etl traces, CBS.log, DISM.log, setup's Panther logs, event logs (.evtx), Delivery Optimization, reg query and netsh output, Intune bundles. Any size."}</p>
                <div class="actions">
                    <button type="button" class="primary" onclick={click(files_ref.clone())} disabled={busy}>{"Choose files…"}</button>
                    <button type="button" onclick={click(folder_ref.clone())} disabled={busy}>{"Choose a folder…"}</button>
                    if can_follow {
                        <button type="button" onclick={follow} disabled={busy} title="Open logs that are still being written (WUAHandler.log during a scan) and watch them grow, as CMTrace does">{"Follow logs as they are written…"}</button>
                    }
                    <input ref={files_ref} type="file" multiple=true hidden=true onchange={on_pick.clone()} aria-label="Choose log files" />
                    <input ref={folder_ref} type="file" multiple=true hidden=true webkitdirectory=true onchange={on_pick} aria-label="Choose a log folder" />
                </div>
                <p class="samples">
                    {"No logs at hand? Try a sample: "}
                    <button type="button" class="link" onclick={sample(BROKEN, "broken scan")} disabled={busy}>{"broken scan"}</button>
                    {" · "}
                    <button type="button" class="link" onclick={sample(HEALTHY, "healthy scan")} disabled={busy}>{"healthy scan"}</button>
                </p>
            </section>
            if p.has_report && !busy {
                <p class="center"><a href="#/report">{"Back to the current report"}</a></p>
            }
            <section class="quick-search">
                <form onsubmit={on_search} role="search">
                    <label for="code-search">{"Only have an error code?"}</label>
                    <div class="search-row">
                        <input id="code-search" type="search" placeholder="0x8024401B, -2145107941, WU_E_PT_…, proxy 407" value={(*search).clone()} oninput={on_search_input} autocomplete="off" spellcheck="false" />
                        <button type="submit">{"Look up"}</button>
                    </div>
                </form>
            </section>
            <section class="promises">
                <div><h2>{"Private"}</h2><p>{"Everything runs in this browser tab. Logs are never uploaded, and the page makes no network request after it has loaded."}</p></div>
                <div><h2>{"Step by step"}</h2><p>{"The seven steps of the ConfigMgr client scan and the WSUS sync, each marked ok, failed, not reached or unknown, with the log lines that prove it."}</p></div>
                <div><h2>{"Every code explained"}</h2><p>{format!("{} error codes with names and messages; the ones from the troubleshooting guides with causes and ordered fixes.", wulens_core::report::thousands(wulens_kb::entries().len() as u64))}</p></div>
            </section>
            <section class="many" aria-labelledby="many-title">
                <h2 id="many-title">{"Many machines?"}</h2>
                <p>{"Drop a folder with one zip or folder per machine, several zips at once, or a zip of those zips. wulens analyses each machine in turn, keeps one row per machine (not its logs), and groups the failed ones by root cause: where the scan broke, the root code and the finding. Sort and filter the machines, open any one's full report, export the rows as CSV or NDJSON. Nothing is uploaded."}</p>
            </section>
            <details class="reads" data-testid="reads">
                <summary>{"Every input wulens reads"}</summary>
                <ul>{ for crate::inputs::readable().into_iter().map(|i| html! { <li>{ i }</li> }) }</ul>
            </details>
            <p class="center muted">{"Not sure what to collect? "}<a href="#/collect">{"The commands to gather everything in one zip"}</a></p>
        </main>
    }
}

fn progress_panel(p: &Progress, services: Services) -> Html {
    let pct = (p.fraction() * 100.0).round();
    let what = progress_text(p);
    let oncancel = Callback::from(move |_| services.cancel());
    html! {
        <section class="progress-panel" aria-live="polite">
            <div class="progress-head">
                <span>{what}</span>
                <span class="muted">{ amount(p) }</span>
            </div>
            <progress max="100" value={pct.to_string()} aria-label="Analysis progress">{format!("{pct}%")}</progress>
            <button type="button" onclick={oncancel}>{"Cancel"}</button>
        </section>
    }
}

/// How much of what the panel says is done: machines, an event log's chunks, or bytes.
fn amount(p: &Progress) -> String {
    let count = |n: f64| wulens_core::report::thousands(n.max(0.0) as u64);
    match p.phase.as_str() {
        "machine" => format!("{} of {} done", p.done, counted(p.total as usize, "machine", "machines")),
        "decode" => format!("{} of {} blocks of 64 KB", count(p.done), count(p.total)),
        _ => format!("{} of {}", human_bytes(p.done), human_bytes(p.total)),
    }
}

/// What the progress panel says the run is doing.
fn progress_text(p: &Progress) -> String {
    let pct = (p.fraction() * 100.0).round();
    match p.phase.as_str() {
        // No file is named before the first one is opened.
        "read" if p.file.is_empty() && p.files > 1 => format!("Reading {} files…", p.files),
        "read" if p.file.is_empty() => "Reading the file…".to_string(),
        "read" => format!("Reading {} ({} of {})", wulens_core::model::base_name(&p.file), p.index + 1, p.files.max(1)),
        "parse" => format!("Parsing {}", wulens_core::model::base_name(&p.file)),
        "decode" => format!("Reading the events of {}: {pct} %", wulens_core::model::base_name(&p.file)),
        "analyze" => "Finding the codes and the scan steps…".to_string(),
        // The worker has not named its first machine yet.
        "machine" if p.file.is_empty() => format!("Starting on {}…", counted(p.files.max(1) as usize, "machine", "machines")),
        "machine" => format!("Analysing {} (machine {} of {})", p.file, (p.index + 1).min(p.files.max(1)), p.files.max(1)),
        _ => "Starting…".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_names_no_blank_file() {
        let at =
            |phase: &str, file: &str, index, files| progress_text(&Progress { phase: phase.into(), file: file.into(), index, files, ..Progress::default() });
        assert_eq!(at("read", "", 0, 601), "Reading 601 files…");
        assert_eq!(at("read", "", 0, 1), "Reading the file…");
        assert_eq!(at("read", "logs/PC-0001.zip", 0, 601), "Reading PC-0001.zip (1 of 601)");
        assert_eq!(at("machine", "", 0, 600), "Starting on 600 machines…");
        assert_eq!(at("machine", "PC-0116", 115, 600), "Analysing PC-0116 (machine 116 of 600)");
    }
}
