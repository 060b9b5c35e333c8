//! The application shell: routing, the analysis lifecycle, drag and drop anywhere on the page.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use wulens_core::model::counted;

use crate::bridge::Bridge;
use crate::components::{
    collect::CollectPage,
    fleet::FleetPage,
    kb::{EmbedKb, EmbedSearch, KbEntryPage, KbSearchPage},
    landing::Landing,
    machines::MachineSwitch,
    report::ReportPage,
    viewer::LogViewer,
};
use crate::effects::use_state_effects;
use crate::messages::Dropped;
use crate::nav::current_route;
use crate::route::{to_hash, Route};
use crate::services::{start_worker, Services};
use crate::state::{Action, AppState, Phase};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    let route = use_state(current_route);
    // The worker's channel: a resource, started once (below), not state.
    let bridge = use_state(|| None::<Rc<Bridge>>);
    let services = Services { bridge: (*bridge).clone(), dispatch: state.dispatcher() };
    use_state_effects(&state, services.bridge.clone());
    let dragging = use_state(|| false);
    let fleet_href = to_hash(&Route::Fleet(state.fleet_query.clone()));
    {
        // Embeds only show the knowledge base: no worker for them.
        let (bridge, dispatch) = (bridge.clone(), state.dispatcher());
        use_effect_with(route.is_embed(), move |embed| {
            if !*embed && bridge.is_none() {
                bridge.set(start_worker(dispatch));
            }
        });
    }

    {
        let (route, dispatch) = (route.clone(), state.dispatcher());
        use_effect_with((), move |_| {
            let cb = Closure::<dyn FnMut()>::new(move || {
                let r = current_route();
                if let Route::Fleet(q) = &r {
                    dispatch.dispatch(Action::FleetShown(q.clone()));
                }
                route.set(r);
            });
            let w = web_sys::window().unwrap();
            w.add_event_listener_with_callback("hashchange", cb.as_ref().unchecked_ref()).unwrap();
            move || {
                let _ = w.remove_event_listener_with_callback("hashchange", cb.as_ref().unchecked_ref());
            }
        });
    }
    {
        // Mark the document so tests and embedders know the app is up.
        let r = (*route).clone();
        use_effect_with(r, |r| {
            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
                let _ = el.set_attribute("data-state", "ready");
            }
            if r.is_embed() {
                crate::js::report_height();
            }
            if let Some(d) = web_sys::window().and_then(|w| w.document()) {
                d.set_title(match r {
                    Route::Kb { .. } | Route::KbEntry(..) => "wulens: error code knowledge base",
                    Route::Log(_) => "wulens: log viewer",
                    Route::Report => "wulens: report",
                    Route::Collect => "wulens: what to collect",
                    Route::Fleet(_) => "wulens: fleet",
                    _ => "wulens: Windows Update log analyzer",
                });
            }
        });
    }

    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            // Leaving to outside the window (no related target) ends the drag state.
            if e.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    let ondrop = {
        let dragging = dragging.clone();
        let services = services.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let Some(dt) = e.data_transfer() else { return };
            let promise = crate::js::collect_dropped(&dt);
            let services = services.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(promise).await {
                    Ok(v) => match Dropped::read(v) {
                        Ok(d) => {
                            let n = d.files.len();
                            services.analyze(d, counted(n, "dropped file", "dropped files"));
                        }
                        Err(e) => services.dispatch.dispatch(Action::Failed(e)),
                    },
                    Err(e) => services.dispatch.dispatch(Action::Failed(format!("the drop could not be read: {e:?}"))),
                }
            });
        })
    };

    let body = page_for(&route, &state, &fleet_href);

    if route.is_embed() {
        return html! { <ContextProvider<Services> context={services}><div class="embed">{ body }</div></ContextProvider<Services>> };
    }
    html! {
        <ContextProvider<Services> context={services}>
            <div class={classes!("shell", dragging.then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
                <a class="skip" href="#main" onclick={crate::components::common::jump("main".into())}>{"Skip to content"}</a>
                { top_bar(&route, state.report.is_some(), state.fleet.is_some().then_some(fleet_href.as_str())) }
                if let Some(n) = &state.notice {
                    <p class="notice-bar" role="alert" data-testid="notice">{n.clone()}</p>
                }
                <div id="main">{ body }</div>
                if *dragging {
                    <div class="drop-overlay" aria-hidden="true"><div>{"Drop logs, folders or zip bundles to analyze them"}</div></div>
                }
            </div>
        </ContextProvider<Services>>
    }
}

/// The page of a route, given the analysis state.
fn page_for(route: &Route, state: &AppState, fleet_href: &str) -> Html {
    match route {
        Route::Home => html! { <Landing phase={state.phase.clone()} has_report={state.report.is_some()} /> },
        Route::Report => match (&state.report, &state.phase) {
            (_, Phase::Loading(_)) | (_, Phase::Failed(_)) | (None, _) => html! { <Landing phase={state.phase.clone()} has_report={state.report.is_some()} /> },
            // Drawn anew for each report a followed log brings: a diff of two reports' pages can
            // trip Yew's node positions where sections appear.
            (Some(r), _) => {
                let switch = state.machine.clone().map(|m| html! { <MachineSwitch current={m} machines={state.split.clone()} whole={state.whole.clone()} /> });
                let saved = state.saved.as_ref().map(|w| html! { <p class="saved-banner" data-testid="saved-banner">{w.clone()}</p> });
                html! { <>{ back_to_fleet(state, fleet_href) }{ switch }{ saved }<ReportPage key={state.follow.reports} report={r.clone()} source={state.source.clone()} follow={state.follow.clone()} saved={state.saved.is_some()} whole={state.whole.clone()} /></> }
            }
        },
        Route::Fleet(q) => match (&state.fleet, &state.phase) {
            (Some(f), Phase::Ready | Phase::Idle) => html! { <FleetPage fleet={f.clone()} query={q.clone()} /> },
            _ => html! { <Landing phase={state.phase.clone()} has_report={state.report.is_some()} /> },
        },
        Route::Log(q) => match (&state.report, &state.phase) {
            (Some(_), Phase::Ready) if state.saved.is_some() => html! {
                <main class="page narrow" data-testid="no-logs">
                    <h1>{"The logs are not in a saved report"}</h1>
                    <p>{"This report was opened from a saved report, which holds the report and at most the lines its evidence cites. Drop the logs themselves to see them in the log viewer."}</p>
                    <p><a href="#/report">{"Back to the report"}</a></p>
                </main>
            },
            (Some(r), Phase::Ready) => html! { <LogViewer report={r.clone()} query={q.clone()} generation={state.generation} follow={state.follow.clone()} /> },
            _ => html! { <Landing phase={state.phase.clone()} has_report={false} pending_filter={q.is_filtered()} /> },
        },
        Route::Kb { query, category } => html! { <KbSearchPage query={query.clone()} category={category.clone()} /> },
        Route::KbEntry(code, kb) => html! { <KbEntryPage code={code.clone()} kb={kb.clone()} /> },
        Route::EmbedKb(code, kb) => html! { <EmbedKb code={code.clone()} kb={kb.clone()} /> },
        Route::EmbedSearch { query } => html! { <EmbedSearch query={query.clone()} /> },
        Route::Collect => html! { <CollectPage /> },
        Route::NotFound(p) => html! {
            <main class="page narrow"><h1>{"Not found"}</h1><p>{format!("There is no page at #/{p}.")}</p><p><a href="#/">{"Go to the start page"}</a></p></main>
        },
    }
}

/// Above a fleet machine's report: the way back to the fleet, whose results stayed.
fn back_to_fleet(state: &AppState, href: &str) -> Html {
    match (&state.machine, &state.fleet) {
        (Some(m), Some(_)) => html! {
            <nav class="fleet-back" aria-label="Fleet">
                <a href={href.to_string()}>{"← Back to the fleet"}</a>
                <span class="muted">{format!(" · machine {m}")}</span>
            </nav>
        },
        _ => html! {},
    }
}

/// The top bar: the brand, the main navigation (the current page marked), the privacy note.
fn top_bar(route: &Route, has_report: bool, fleet: Option<&str>) -> Html {
    let active = |r: &str| {
        let cur = match route {
            Route::Home => "home",
            Route::Report => "report",
            Route::Log(_) => "log",
            Route::Kb { .. } | Route::KbEntry(..) => "kb",
            Route::Collect => "collect",
            Route::Fleet(_) => "fleet",
            _ => "",
        };
        if cur == r {
            "active"
        } else {
            ""
        }
    };
    html! {
        <header class="topbar">
            <a class="brand" href="#/" aria-label="wulens home">
                <span class="logo" aria-hidden="true"></span>
                <span>{"wulens"}</span>
            </a>
            <nav aria-label="Main">
                <a href="#/" class={active("home")}>{"Analyze"}</a>
                if let Some(href) = fleet {
                    <a href={href.to_string()} class={active("fleet")}>{"Fleet"}</a>
                }
                if has_report {
                    <a href="#/report" class={active("report")}>{"Report"}</a>
                    <a href="#/log" class={active("log")} aria-label="Log viewer">{nav_label("Log viewer", "Log")}</a>
                }
                <a href="#/kb" class={active("kb")} aria-label="Error codes">{nav_label("Error codes", "Codes")}</a>
                <a href="#/collect" class={active("collect")} aria-label="What to collect">{nav_label("What to collect", "Collect")}</a>
            </nav>
            <span class="privacy" title="wulens runs entirely in this browser tab. Logs are never uploaded; the page makes no network request after it has loaded."><span class="lock" aria-hidden="true"></span>{"Local only"}</span>
        </header>
    }
}

/// A navigation item's words: in full, and a short form that phones show instead, so that every
/// item stays on one line of the top bar (`styles.css`, narrow screens).
fn nav_label(full: &'static str, short: &'static str) -> Html {
    html! {
        <>
            <span class="nav-full">{full}</span>
            <span class="nav-short" aria-hidden="true">{short}</span>
        </>
    }
}
