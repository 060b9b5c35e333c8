//! `use_log_view`: the viewer's conversation with the worker. The state is one reducer
//! (state.rs); the rows live in the worker, and the blocks of them around the viewport in the
//! row cache. This hook asks for what the view needs and turns the user's intents into
//! requests, whose answers it dispatches as actions.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlElement;
use wulens_core::model::{base_name, counted};
use wulens_core::viewer::CodeInView;
use wulens_core::Report;
use wulens_wasm::protocol::{Detail, Filtered, Found, Located, NextKind, Request, Rows};
use yew::prelude::*;

use super::logic::cache::Cache;
use super::logic::geometry::{row_height, scroll_target, Geometry, BLOCK};
use super::logic::query::filter_in_zone;
use super::logic::selection::{find_start, next_mark, print_plan, Selection};
use super::logic::zones::view_zone;
use super::state::{Action, ViewState};
use crate::nav::replace_route_and_notify;
use crate::route::{LogQuery, Route};
use crate::services::Services;

/// What the viewer's parts read, and the intents they can send.
#[derive(Clone)]
pub struct LogView {
    /// The state (state.rs).
    pub state: UseReducerHandle<ViewState>,
    pub geometry: Geometry,
    pub row_h: f64,
    pub cache: Rc<RefCell<Cache>>,
    pub list_ref: NodeRef,
    pub onscroll: Callback<Event>,
    /// Select a row (`true`: extend the selection).
    pub select: Callback<(usize, bool)>,
    /// Next or previous error or warning (`true`: forward).
    pub next: Callback<(NextKind, bool)>,
    /// Find text: (text, forward, step past the selection).
    pub find: Callback<(String, bool, bool)>,
    /// Copy the selection (`true`: as Markdown).
    pub copy: Callback<bool>,
    /// Go to a line of a file (index in the report's files).
    pub goto: Callback<(usize, u32)>,
    pub set_notice: Callback<Option<String>>,
    /// Bookmark the selected row or remove its bookmark.
    pub toggle_mark: Callback<()>,
    /// Next (`true`) or previous bookmark.
    pub jump_mark: Callback<bool>,
    /// `true`: count Δ from the selected row; `false`: from the previous row again.
    pub set_delta_from: Callback<bool>,
    /// Go to the first line at or after a time typed in the grid's zone.
    pub go_time: Callback<String>,
    pub print: Callback<()>,
}

impl LogView {
    /// Rows in the view (none while the first filter is applied).
    pub fn len(&self) -> usize {
        self.state.count.unwrap_or(0)
    }
}

/// The hook's state as a prop: parts re-render with the viewer (it changes on every answer).
#[derive(Clone)]
pub struct ViewHandle(pub LogView);

impl PartialEq for ViewHandle {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

/// Put a new query in the URL (replacing the entry: filters should not flood Back).
pub fn set_query(q: LogQuery) {
    replace_route_and_notify(&Route::Log(q));
}

type Dispatch = UseReducerDispatcher<ViewState>;

/// Apply the filter; then ask for the codes and components of the view, count find's matches
/// again, and honour `at=file:line`.
fn apply_filter(services: &Services, dispatch: &Dispatch, find_text: Rc<String>, scroll_to: Rc<dyn Fn(usize, usize)>, report: &Report, q: &LogQuery) {
    let at = q.at.rsplit_once(':').and_then(|(file, line)| {
        let fi = report.files.iter().position(|f| f.name == file || base_name(&f.name) == file)?;
        Some((fi as u32, line.parse().unwrap_or(1)))
    });
    let (services2, dispatch) = (services.clone(), dispatch.clone());
    services.request(Request::Filter(filter_in_zone(q, report)), move |res: Result<Filtered, String>| {
        let f = match res {
            Ok(f) => f,
            Err(e) => return dispatch.dispatch(Action::FilterFailed(e)),
        };
        dispatch.dispatch(Action::Filtered { count: f.count, total: f.total });
        let services = services2;
        let d = dispatch.clone();
        services.request(Request::Codes, move |r: Result<Vec<CodeInView>, String>| d.dispatch(Action::Codes(r.unwrap_or_default())));
        let d = dispatch.clone();
        services.request(Request::Components, move |r: Result<Vec<String>, String>| d.dispatch(Action::Components(r.unwrap_or_default())));
        // The find count is of the current view: count again (without moving the selection).
        if find_text.is_empty() {
            dispatch.dispatch(Action::Found(None));
        } else {
            let (text, d) = ((*find_text).clone(), dispatch.clone());
            services.request(Request::Find { text, start: 0, forward: true }, move |r: Result<Found, String>| {
                d.dispatch(Action::Found(r.ok().map(|f| (f.count, None))));
            });
        }
        // Jump to file:line from the report's evidence links.
        if let Some((file, line)) = at {
            services.request(Request::Locate { file, line }, move |r: Result<Located, String>| {
                if let Some(i) = r.ok().and_then(|l| l.index) {
                    dispatch.dispatch(Action::Select { index: i, extend: false });
                    scroll_to(i, f.count);
                }
            });
        }
    });
}

/// Ask for the blocks of rows the viewport needs that are neither here nor asked for.
fn fetch_blocks(services: &Services, cache: &Rc<RefCell<Cache>>, g: &Geometry, redraw: &UseForceUpdateHandle) {
    let (ask, version) = cache.borrow_mut().wanted(g.blocks());
    for b in ask {
        let (cache, redraw) = (cache.clone(), redraw.clone());
        services.request(Request::Rows { start: b * BLOCK, count: BLOCK }, move |res: Result<Rows, String>| {
            if cache.borrow_mut().arrived(version, b, res.map(|r| r.rows).unwrap_or_default()) {
                redraw.force_update();
            }
        });
    }
}

#[hook]
pub fn use_log_view(report: Rc<Report>, q: LogQuery, generation: u32, growth: (u32, Option<(usize, usize)>)) -> LogView {
    let services = use_context::<Services>().expect("services");
    let state = use_reducer(ViewState::default);
    let dispatch = state.dispatcher();
    let cache = use_mut_ref(Cache::default);
    let redraw = use_force_update();
    let print_pending = use_mut_ref(|| false);
    // A row to bring fully into view once the page is laid out again (a selection can change
    // the bars around the list, and with them its height).
    let reveal = use_mut_ref(|| None::<usize>);
    let list_ref = use_node_ref();

    let n = state.count.unwrap_or(0);
    let row_h = row_height(&q);
    let geometry = Geometry::new(n, state.scroll_top, state.viewport_h, row_h);
    // Scroll with the list's height as it is now (the panes around it may have changed it).
    let scroll_to: Rc<dyn Fn(usize, usize)> = {
        let list_ref = list_ref.clone();
        Rc::new(move |i: usize, n: usize| {
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                el.set_scroll_top(scroll_target(i, n, el.scroll_top() as f64, el.client_height() as f64, row_h) as i32);
            }
        })
    };

    // Apply the filter whenever the query (or the analysis) changes.
    let filter = filter_in_zone(&q, &report);
    {
        let (services, dispatch, cache, find_text, scroll_to, report, q) =
            (services.clone(), dispatch.clone(), cache.clone(), state.find_text.clone(), scroll_to.clone(), report.clone(), q.clone());
        use_effect_with((filter.clone(), q.at.clone(), generation), move |_| {
            cache.borrow_mut().reset();
            apply_filter(&services, &dispatch, find_text, scroll_to, &report, &q);
            || ()
        });
    }
    fetch_blocks(&services, &cache, &geometry, &redraw);

    let at_end = geometry.at_end(state.scroll_top, state.viewport_h);
    use_growth(growth, (n, at_end), &cache, &dispatch, &services, &list_ref);
    use_layout(&list_ref, &dispatch, &print_pending, &reveal, &scroll_to, (n, generation));

    // Detail of the selected row.
    {
        let (services, dispatch) = (services.clone(), dispatch.clone());
        use_effect_with((state.sel.cursor, generation, filter), move |(cursor, _, _)| {
            if let Some(i) = *cursor {
                services.request(Request::Detail { index: i }, move |r: Result<Detail, String>| {
                    if let Ok(d) = r {
                        dispatch.dispatch(Action::Detail((i, d.text, d.truncated)));
                    }
                });
            }
            || ()
        });
    }

    let onscroll = {
        let (dispatch, list_ref) = (dispatch.clone(), list_ref.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                dispatch.dispatch(Action::Scrolled(el.scroll_top() as f64));
            }
        })
    };
    let select = {
        let (dispatch, scroll_to, reveal) = (dispatch.clone(), scroll_to.clone(), reveal.clone());
        Callback::from(move |(i, extend): (usize, bool)| {
            dispatch.dispatch(Action::Select { index: i, extend });
            scroll_to(i, n);
            *reveal.borrow_mut() = Some(i);
        })
    };
    let set_notice = {
        let dispatch = dispatch.clone();
        Callback::from(move |m: Option<String>| dispatch.dispatch(Action::Notice(m)))
    };
    let ctx =
        Ctx { services: services.clone(), state: state.clone(), sel: state.sel, select: select.clone(), set_notice: set_notice.clone(), routine: q.routine };
    let (next, find, copy, goto) = intents(&ctx);
    let (toggle_mark, jump_mark, set_delta_from) = marking(&ctx, &cache);
    let go_time = go_time(&ctx, view_zone(&report, &q).unwrap_or(0));
    let print = print_intent(&services, &dispatch, state.sel, n, &print_pending);

    LogView {
        state,
        geometry,
        row_h,
        cache,
        list_ref,
        onscroll,
        select,
        next,
        find,
        copy,
        goto,
        set_notice,
        toggle_mark,
        jump_mark,
        set_delta_from,
        go_time,
        print,
    }
}

/// Followed logs grew: fetch the rows again, keep the selection; a view scrolled to its end
/// stays at its end, as CMTrace's does. `at_end` comes from what the hook knows (reading the
/// element's metrics here would force a layout on every growth).
#[hook]
fn use_growth(
    growth: (u32, Option<(usize, usize)>),
    rows_and_at_end: (usize, bool),
    cache: &Rc<RefCell<Cache>>,
    dispatch: &Dispatch,
    services: &Services,
    list_ref: &NodeRef,
) {
    let (n, at_end) = rows_and_at_end;
    let stick_to_end = use_mut_ref(|| false);
    {
        let (cache, dispatch, stick, services) = (cache.clone(), dispatch.clone(), stick_to_end.clone(), services.clone());
        use_effect_with(growth, move |(_, rows)| {
            if let Some((rows, all)) = *rows {
                *stick.borrow_mut() = at_end;
                cache.borrow_mut().refresh();
                dispatch.dispatch(Action::Grew { count: rows, total: all });
                services.request(Request::Codes, move |r: Result<Vec<CodeInView>, String>| dispatch.dispatch(Action::Codes(r.unwrap_or_default())));
            }
            || ()
        });
    }
    // After the render that shows the new rows (the list is taller now).
    let (list_ref, stick) = (list_ref.clone(), stick_to_end);
    use_effect_with(n, move |_| {
        if std::mem::take(&mut *stick.borrow_mut()) {
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                el.set_scroll_top(i32::MAX); // the browser stops it at the end
            }
        }
        || ()
    });
}

/// Focus the list when the viewer opens (its keys work at once); after each render, keep the
/// viewport height, bring a just-selected row fully into view, and print when asked.
#[hook]
fn use_layout(
    list_ref: &NodeRef,
    dispatch: &Dispatch,
    print_pending: &Rc<RefCell<bool>>,
    reveal: &Rc<RefCell<Option<usize>>>,
    scroll_to: &Rc<dyn Fn(usize, usize)>,
    rows_and_generation: (usize, u32),
) {
    let (n, generation) = rows_and_generation;
    // The keys work as soon as the viewer opens: the list has the focus.
    {
        let list_ref = list_ref.clone();
        use_effect_with(generation, move |_| {
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                let _ = el.focus();
            }
            || ()
        });
    }

    // Keep the viewport height in sync with the element; print when the rows to print are drawn.
    {
        let (list_ref, dispatch, print_pending, reveal, scroll_to) =
            (list_ref.clone(), dispatch.clone(), print_pending.clone(), reveal.clone(), scroll_to.clone());
        use_effect(move || {
            if let Some(i) = reveal.borrow_mut().take() {
                scroll_to(i, n);
            }
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                // The reducer keeps the height it has unless this differs by more than a pixel.
                dispatch.dispatch(Action::Resized(el.client_height() as f64));
            }
            if std::mem::take(&mut *print_pending.borrow_mut()) {
                if let Some(w) = web_sys::window() {
                    let _ = w.print();
                }
            }
            || ()
        });
    }
}

/// Print: fetch the rows `print_plan` picks, draw them (print.rs), then print.
fn print_intent(services: &Services, dispatch: &Dispatch, s: Selection, n: usize, print_pending: &Rc<RefCell<bool>>) -> Callback<()> {
    let (services, dispatch, print_pending) = (services.clone(), dispatch.clone(), print_pending.clone());
    Callback::from(move |()| {
        let (start, count, note) = print_plan(s, n);
        let (dispatch, print_pending) = (dispatch.clone(), print_pending.clone());
        services.request(Request::Rows { start, count }, move |r: Result<Rows, String>| {
            let Ok(r) = r else { return };
            *print_pending.borrow_mut() = true;
            dispatch.dispatch(Action::Print(r.rows, note));
        });
    })
}

/// What the intents share.
struct Ctx {
    services: Services,
    state: UseReducerHandle<ViewState>,
    /// The selection this render shows.
    sel: Selection,
    select: Callback<(usize, bool)>,
    set_notice: Callback<Option<String>>,
    /// F3 / F4 stop on routine noise too.
    routine: bool,
}

type Intents = (Callback<(NextKind, bool)>, Callback<(String, bool, bool)>, Callback<bool>, Callback<(usize, u32)>);

/// The viewer's intents as callbacks: next error or warning, find, copy, go to a line.
fn intents(ctx: &Ctx) -> Intents {
    let next = {
        let (services, select, set_notice, from, routine) = (ctx.services.clone(), ctx.select.clone(), ctx.set_notice.clone(), ctx.sel.cursor, ctx.routine);
        Callback::from(move |(min, forward): (NextKind, bool)| {
            let (select, set_notice) = (select.clone(), set_notice.clone());
            services.request(Request::Next { from, min, forward, routine }, move |r: Result<Located, String>| match r.ok().and_then(|l| l.index) {
                Some(i) => {
                    set_notice.emit(None);
                    select.emit((i, false));
                }
                None if routine => set_notice.emit(Some(format!("No {} in this view.", min.label()))),
                None => set_notice.emit(Some(format!("No {} in this view but routine noise (turn on \"Stop on noise\" to visit those).", min.label()))),
            });
        })
    };
    let find = {
        let (services, select, dispatch, selected) = (ctx.services.clone(), ctx.select.clone(), ctx.state.dispatcher(), ctx.sel.cursor);
        Callback::from(move |(text, forward, step): (String, bool, bool)| {
            dispatch.dispatch(Action::FindText(text.clone()));
            if text.is_empty() {
                return;
            }
            let (select, dispatch) = (select.clone(), dispatch.clone());
            let start = find_start(selected, step, forward);
            services.request(Request::Find { text, start, forward }, move |r: Result<Found, String>| {
                if let Ok(f) = r {
                    dispatch.dispatch(Action::Found(Some((f.count, f.index))));
                    if let Some(i) = f.index {
                        select.emit((i, false));
                    }
                }
            });
        })
    };
    let copy = {
        let (services, s, set_notice) = (ctx.services.clone(), ctx.sel, ctx.set_notice.clone());
        Callback::from(move |markdown: bool| {
            if s.len() == 0 {
                return;
            }
            let (set_notice, lines) = (set_notice.clone(), s.len());
            services.request(Request::Copy { indices: s.indices(), markdown }, move |r: Result<String, String>| {
                let Ok(text) = r else { return };
                let what = if markdown { "as Markdown" } else { "as text" };
                crate::js::copy_text(&text, move |ok| {
                    set_notice.emit(Some(if ok {
                        format!("Copied {} {what}.", counted(lines, "line", "lines"))
                    } else {
                        "The browser refused the clipboard.".into()
                    }))
                });
            });
        })
    };
    let goto = {
        let (services, select, set_notice) = (ctx.services.clone(), ctx.select.clone(), ctx.set_notice.clone());
        Callback::from(move |(file, line): (usize, u32)| {
            let (select, set_notice) = (select.clone(), set_notice.clone());
            services.request(Request::Locate { file: file as u32, line }, move |r: Result<Located, String>| match r.ok().and_then(|l| l.index) {
                Some(i) => select.emit((i, false)),
                None => set_notice.emit(Some(format!("Line {line} is not in this view."))),
            });
        })
    };

    (next, find, copy, goto)
}

/// Bookmarks (toggle, jump) and the row Δ counts from.
fn marking(ctx: &Ctx, cache: &Rc<RefCell<Cache>>) -> (Callback<()>, Callback<bool>, Callback<bool>) {
    let selected = ctx.sel.cursor.and_then(|i| cache.borrow().row(i).cloned());
    let toggle = {
        let (dispatch, selected, set_notice) = (ctx.state.dispatcher(), selected.clone(), ctx.set_notice.clone());
        Callback::from(move |()| match &selected {
            Some(r) => dispatch.dispatch(Action::ToggleMark(r.file, r.line)),
            None => set_notice.emit(Some("Select a line to bookmark it.".into())),
        })
    };
    let jump = {
        let (services, state, select, set_notice, cursor) =
            (ctx.services.clone(), ctx.state.clone(), ctx.select.clone(), ctx.set_notice.clone(), ctx.sel.cursor);
        Callback::from(move |forward: bool| {
            if state.marks.is_empty() {
                return set_notice.emit(Some("No bookmark yet: Ctrl+F2 bookmarks the selected line.".into()));
            }
            let (select, set_notice) = (select.clone(), set_notice.clone());
            services.request(Request::Positions { lines: state.marks.iter().copied().collect() }, move |r: Result<Vec<usize>, String>| {
                match next_mark(&r.unwrap_or_default(), cursor, forward) {
                    Some(i) => select.emit((i, false)),
                    None => set_notice.emit(Some("The bookmarked lines are not in this view.".into())),
                }
            });
        })
    };
    let set_delta = {
        let (dispatch, set_notice) = (ctx.state.dispatcher(), ctx.set_notice.clone());
        Callback::from(move |on: bool| match (&selected, on) {
            (_, false) => dispatch.dispatch(Action::DeltaFrom(None)),
            (Some(r), true) => match r.ms {
                Some(ms) => dispatch.dispatch(Action::DeltaFrom(Some((ms, r.file, r.line)))),
                None => set_notice.emit(Some("This line has no time.".into())),
            },
            (None, true) => set_notice.emit(Some("Select the line to count from.".into())),
        })
    };
    (toggle, jump, set_delta)
}

/// Go to the first line at or after a time, typed in the zone the grid shows.
fn go_time(ctx: &Ctx, zone: i32) -> Callback<String> {
    let (services, select, set_notice) = (ctx.services.clone(), ctx.select.clone(), ctx.set_notice.clone());
    Callback::from(move |time: String| {
        if time.trim().is_empty() {
            return;
        }
        let (select, set_notice) = (select.clone(), set_notice.clone());
        services.request(Request::AtTime { time: time.trim().to_string(), zone }, move |r: Result<Located, String>| match r {
            Ok(Located { index: Some(i) }) => {
                set_notice.emit(None);
                select.emit((i, false));
            }
            Ok(Located { index: None }) => set_notice.emit(Some("No line in this view has a time.".into())),
            Err(e) => set_notice.emit(Some(e)),
        });
    })
}

/// Rows per page for PageUp / PageDown.
pub fn page_rows(v: &LogView) -> usize {
    ((v.state.viewport_h / v.row_h) as usize).max(1)
}
