//! What components need from the app: the analysis worker and the store. Components take a
//! `Services` from the context; they never import `app.rs` (a test checks it).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wulens_wasm::protocol::{Answer, Request};
use yew::prelude::*;

use crate::bridge::{Bridge, Dropped, WorkerEvent};
use crate::nav::{current_route, navigate};
use crate::route::Route;
use crate::state::{Action, AppState};

#[derive(Clone)]
pub struct Services {
    pub bridge: Rc<RefCell<Option<Rc<Bridge>>>>,
    pub dispatch: UseReducerDispatcher<AppState>,
    /// The last drop analysed (its File objects and handles, not their text): to follow it or
    /// read it again.
    pub last_drop: Rc<RefCell<Option<Dropped>>>,
    /// Start following as soon as the analysis in progress ends (files picked to follow).
    pub follow_when_loaded: Rc<Cell<bool>>,
}

impl PartialEq for Services {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.bridge, &other.bridge)
    }
}

impl Services {
    /// Analyse a drop in the worker started at load.
    pub fn analyze(&self, dropped: Dropped, source: String) {
        let count = dropped.files.len() as u32;
        if count == 0 {
            let msg = if !dropped.errors.is_empty() {
                "None of the dropped files could be read."
            } else {
                "Nothing was dropped: drop log files, a folder or a zip bundle."
            };
            self.dispatch.dispatch(Action::Failed(msg.into()));
            return;
        }
        let Some(b) = self.bridge.borrow().clone() else {
            self.dispatch.dispatch(Action::Failed("the analysis worker is not running; reload the page".into()));
            return;
        };
        self.dispatch.dispatch(Action::Started { source, files: count, bytes: dropped.bytes() });
        self.dispatch.dispatch(Action::Followable(dropped.followable()));
        b.analyze(&dropped);
        *self.last_drop.borrow_mut() = Some(dropped);
    }

    /// Analyse files picked to follow, and follow them once analysed.
    pub fn analyze_and_follow(&self, dropped: Dropped, source: String) {
        self.follow_when_loaded.set(dropped.followable());
        self.analyze(dropped, source);
    }

    /// Follow the analysed files as they grow (`false`: stop).
    pub fn follow(&self, on: bool) {
        let Some(b) = self.bridge.borrow().clone() else { return };
        let drop = self.last_drop.borrow();
        match (on, drop.as_ref()) {
            (true, Some(d)) if d.followable() => {
                self.dispatch.dispatch(Action::Follow(true));
                b.follow(d);
            }
            _ => {
                self.dispatch.dispatch(Action::Follow(false));
                b.unfollow();
            }
        }
    }

    /// Read the analysed files again from their start: through their handles where the browser
    /// gave them; `false` when it did not (then the files must be chosen again).
    pub fn reload(&self) -> bool {
        let Some(d) = self.last_drop.borrow().clone() else { return false };
        if !d.followable() {
            return false;
        }
        let services = self.clone();
        let was_following = self.follow_when_loaded.get();
        wasm_bindgen_futures::spawn_local(async move {
            let read = wasm_bindgen_futures::JsFuture::from(crate::js::read_handles(&d.handles().into())).await;
            match read.map_err(|e| format!("{e:?}")).and_then(Dropped::read) {
                Ok(mut again) => {
                    again.errors.extend(d.errors.iter().cloned());
                    let n = again.files.len();
                    services.follow_when_loaded.set(was_following);
                    services.analyze(again, format!("{n} file{} read again", if n == 1 { "" } else { "s" }));
                }
                Err(e) => services.dispatch.dispatch(Action::Failed(format!("the files could not be read again: {e}"))),
            }
        });
        true
    }

    pub fn cancel(&self) {
        if let Some(b) = self.bridge.borrow().as_ref() {
            b.cancel();
        }
        self.dispatch.dispatch(Action::Cancelled);
    }

    /// Ask the worker; `done` gets the answer as the type expected (`request::<Rows>(...)`).
    pub fn request<T: Answer + 'static>(&self, request: Request, done: impl FnOnce(Result<T, String>) + 'static) {
        let bridge = self.bridge.borrow().clone();
        match bridge {
            Some(b) => b.request(&request, done),
            None => done(Err("no analysis is loaded".into())),
        }
    }

    /// Start the worker once, at load: analysing later makes no network request.
    pub fn start_worker(&self) {
        let dispatch = self.dispatch.clone();
        let services = self.clone();
        let on_event = Callback::from(move |e: WorkerEvent| match e {
            WorkerEvent::Ready => {
                if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
                    let _ = el.set_attribute("data-worker", "ready");
                }
            }
            WorkerEvent::Progress(p) => dispatch.dispatch(Action::Progress(p)),
            WorkerEvent::Report(r) => {
                dispatch.dispatch(Action::Loaded(r));
                if services.follow_when_loaded.replace(false) {
                    services.follow(true);
                }
                // Logs dropped again on a viewer link (after a reload) open with its filters.
                if !matches!(current_route(), Route::Log(_)) {
                    navigate(&Route::Report);
                }
            }
            WorkerEvent::Failed(m) => dispatch.dispatch(Action::Failed(m)),
            WorkerEvent::Following(paths, total) => dispatch.dispatch(Action::Following(paths, total)),
            WorkerEvent::Grew(g) => dispatch.dispatch(Action::Grew(g, js_sys::Date::now())),
        });
        match Bridge::start(on_event) {
            Ok(b) => *self.bridge.borrow_mut() = Some(b),
            Err(e) => web_sys::console::error_1(&e.into()),
        }
    }
}
