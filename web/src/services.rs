//! What components need from the app: the analysis worker and the store. Components take a
//! `Services` from the context; they never import `app.rs` (a test checks it).

use std::cell::RefCell;
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
        b.analyze(&dropped);
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
        let on_event = Callback::from(move |e: WorkerEvent| match e {
            WorkerEvent::Ready => {
                if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
                    let _ = el.set_attribute("data-worker", "ready");
                }
            }
            WorkerEvent::Progress(p) => dispatch.dispatch(Action::Progress(p)),
            WorkerEvent::Report(r) => {
                dispatch.dispatch(Action::Loaded(r));
                // Logs dropped again on a viewer link (after a reload) open with its filters.
                if !matches!(current_route(), Route::Log(_)) {
                    navigate(&Route::Report);
                }
            }
            WorkerEvent::Failed(m) => dispatch.dispatch(Action::Failed(m)),
        });
        match Bridge::start(on_event) {
            Ok(b) => *self.bridge.borrow_mut() = Some(b),
            Err(e) => web_sys::console::error_1(&e.into()),
        }
    }
}
