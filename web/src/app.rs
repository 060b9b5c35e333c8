//! The application shell: routing, the analysis lifecycle, drag and drop anywhere on the page.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::bridge::{Bridge, WorkerEvent};
use crate::components::{
    collect::CollectPage,
    kb::{EmbedKb, EmbedSearch, KbEntryPage, KbSearchPage},
    landing::Landing,
    report::ReportPage,
    viewer::LogViewer,
};
use crate::model::Report;
use crate::route::{self, Route};
use crate::state::{Action, AppState, Phase};

/// What components need from the app: the worker and the store.
#[derive(Clone)]
pub struct Services {
    pub bridge: Rc<RefCell<Option<Rc<Bridge>>>>,
    pub dispatch: UseReducerDispatcher<AppState>,
}

impl PartialEq for Services {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.bridge, &other.bridge)
    }
}

impl Services {
    /// Analyse `files` (a JS array of `{path, file}`) in the worker started at load.
    pub fn analyze(&self, files: JsValue, errors: JsValue, source: String) {
        let count = js_sys::Array::from(&files).length();
        if count == 0 {
            let msg = if js_sys::Array::from(&errors).length() > 0 {
                "None of the dropped files could be read."
            } else {
                "Nothing was dropped: drop log files, a folder or a zip bundle."
            };
            self.dispatch.dispatch(Action::Failed(msg.into()));
            return;
        }
        let bytes: f64 =
            js_sys::Array::from(&files).iter().map(|f| crate::bridge::js_get(&crate::bridge::js_get(&f, "file"), "size").as_f64().unwrap_or(0.0)).sum();
        let Some(b) = self.bridge.borrow().clone() else {
            self.dispatch.dispatch(Action::Failed("the analysis worker is not running; reload the page".into()));
            return;
        };
        self.dispatch.dispatch(Action::Started { source, files: count, bytes });
        b.analyze(&files, &errors);
    }

    pub fn cancel(&self) {
        if let Some(b) = self.bridge.borrow().as_ref() {
            b.cancel();
        }
        self.dispatch.dispatch(Action::Cancelled);
    }

    pub fn request(&self, kind: &str, args: String, done: impl FnOnce(Result<String, String>) + 'static) {
        let bridge = self.bridge.borrow().clone();
        match bridge {
            Some(b) => b.request(kind, args, done),
            None => done(Err("no analysis is loaded".into())),
        }
    }
}

/// Start the worker once, at load: analysing later makes no network request.
fn start_worker(bridge: &Rc<RefCell<Option<Rc<Bridge>>>>, dispatch: UseReducerDispatcher<AppState>) {
    let on_event = Callback::from(move |e: WorkerEvent| match e {
        WorkerEvent::Ready => {
            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
                let _ = el.set_attribute("data-worker", "ready");
            }
        }
        WorkerEvent::Progress(p) => dispatch.dispatch(Action::Progress(p)),
        WorkerEvent::Report(json) => match serde_json::from_str::<Report>(&json) {
            Ok(r) => {
                dispatch.dispatch(Action::Loaded(Rc::new(r)));
                // Logs dropped again on a viewer link (after a reload) open with its filters.
                if !matches!(current_route(), Route::Log(_)) {
                    navigate(&Route::Report);
                }
            }
            Err(e) => dispatch.dispatch(Action::Failed(format!("the report could not be read: {e}"))),
        },
        WorkerEvent::Failed(m) => dispatch.dispatch(Action::Failed(m)),
    });
    match Bridge::start(on_event) {
        Ok(b) => *bridge.borrow_mut() = Some(b),
        Err(e) => web_sys::console::error_1(&e.into()),
    }
}

pub fn navigate(r: &Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&route::to_hash(r));
    }
}

/// Replace the current history entry (filters typed in the viewer should not flood Back).
pub fn replace_route(r: &Route) {
    if let Some(w) = web_sys::window() {
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&route::to_hash(r)));
        }
    }
}

fn current_route() -> Route {
    web_sys::window().and_then(|w| w.location().hash().ok()).map(|h| route::parse(&h)).unwrap_or(Route::Home)
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    let route = use_state(current_route);
    let bridge = use_mut_ref(|| None::<Rc<Bridge>>);
    let services = Services { bridge: bridge.clone(), dispatch: state.dispatcher() };
    let dragging = use_state(|| false);
    {
        // Embeds only show the knowledge base: no worker for them.
        let dispatch = state.dispatcher();
        use_effect_with(route.is_embed(), move |embed| {
            if !*embed && bridge.borrow().is_none() {
                start_worker(&bridge, dispatch);
            }
        });
    }

    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let cb = Closure::<dyn FnMut()>::new(move || route.set(current_route()));
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
                    Route::Kb { .. } | Route::KbEntry(_) => "wulens: error code knowledge base",
                    Route::Log(_) => "wulens: log viewer",
                    Route::Report => "wulens: report",
                    Route::Collect => "wulens: what to collect",
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
                    Ok(v) => {
                        let files = crate::bridge::js_get(&v, "files");
                        let errors = crate::bridge::js_get(&v, "errors");
                        let n = js_sys::Array::from(&files).length();
                        services.analyze(files, errors, format!("{n} dropped file{}", if n == 1 { "" } else { "s" }));
                    }
                    Err(e) => services.dispatch.dispatch(Action::Failed(format!("the drop could not be read: {e:?}"))),
                }
            });
        })
    };

    let body = match &*route {
        Route::Home => html! { <Landing phase={state.phase.clone()} has_report={state.report.is_some()} /> },
        Route::Report => match (&state.report, &state.phase) {
            (_, Phase::Loading(_)) | (_, Phase::Failed(_)) | (None, _) => html! { <Landing phase={state.phase.clone()} has_report={state.report.is_some()} /> },
            (Some(r), _) => html! { <ReportPage report={r.clone()} source={state.source.clone()} /> },
        },
        Route::Log(q) => match (&state.report, &state.phase) {
            (Some(r), Phase::Ready) => html! { <LogViewer report={r.clone()} query={q.clone()} generation={state.generation} /> },
            _ => html! { <Landing phase={state.phase.clone()} has_report={false} pending_filter={q.is_filtered()} /> },
        },
        Route::Kb { query, category } => html! { <KbSearchPage query={query.clone()} category={category.clone()} /> },
        Route::KbEntry(code) => html! { <KbEntryPage code={code.clone()} /> },
        Route::EmbedKb(code) => html! { <EmbedKb code={code.clone()} /> },
        Route::EmbedSearch { query } => html! { <EmbedSearch query={query.clone()} /> },
        Route::Collect => html! { <CollectPage /> },
        Route::NotFound(p) => html! {
            <main class="page narrow"><h1>{"Not found"}</h1><p>{format!("There is no page at #/{p}.")}</p><p><a href="#/">{"Go to the start page"}</a></p></main>
        },
    };

    if route.is_embed() {
        return html! { <ContextProvider<Services> context={services}><div class="embed">{ body }</div></ContextProvider<Services>> };
    }
    let has_report = state.report.is_some();
    let active = |r: &str| {
        let cur = match &*route {
            Route::Home => "home",
            Route::Report => "report",
            Route::Log(_) => "log",
            Route::Kb { .. } | Route::KbEntry(_) => "kb",
            Route::Collect => "collect",
            _ => "",
        };
        if cur == r {
            "active"
        } else {
            ""
        }
    };
    html! {
        <ContextProvider<Services> context={services}>
            <div class={classes!("shell", dragging.then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
                <a class="skip" href="#main">{"Skip to content"}</a>
                <header class="topbar">
                    <a class="brand" href="#/" aria-label="wulens home">
                        <span class="logo" aria-hidden="true"></span>
                        <span>{"wulens"}</span>
                    </a>
                    <nav aria-label="Main">
                        <a href="#/" class={active("home")}>{"Analyze"}</a>
                        if has_report {
                            <a href="#/report" class={active("report")}>{"Report"}</a>
                            <a href="#/log" class={active("log")}>{"Log viewer"}</a>
                        }
                        <a href="#/kb" class={active("kb")}>{"Error codes"}</a>
                        <a href="#/collect" class={active("collect")}>{"What to collect"}</a>
                    </nav>
                    <span class="privacy" title="wulens runs entirely in this browser tab. Logs are never uploaded; the page makes no network request after it has loaded."><span class="lock" aria-hidden="true"></span>{"Local only"}</span>
                </header>
                <div id="main">{ body }</div>
                if *dragging {
                    <div class="drop-overlay" aria-hidden="true"><div>{"Drop logs, folders or zip bundles to analyze them"}</div></div>
                }
            </div>
        </ContextProvider<Services>>
    }
}
