//! `use_log_view`: the viewer's state and its conversation with the worker. The rows live in
//! the worker; this hook keeps the blocks of rows around the viewport, the selection, the row
//! detail, the codes and components of the view, and turns user intents into requests.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use wulens_core::model::base_name;
use wulens_core::{CodeInView, Report, Row};
use wulens_wasm::protocol::{Detail, Filtered, Found, Located, NextKind, Request, Rows};
use yew::prelude::*;

use super::logic::{filter_of, find_start, scroll_target, Geometry, Selection, BLOCK, ROW_H};
use crate::route::LogQuery;
use crate::services::Services;

#[derive(Default)]
pub struct Cache {
    pub blocks: HashMap<usize, Vec<Row>>,
    pending: HashSet<usize>,
    /// Blocks held from before the rows changed: drawn until fetched again.
    stale: HashSet<usize>,
    /// Bumped when the filter changes, so answers to older requests are dropped.
    version: u32,
}

impl Cache {
    pub fn row(&self, i: usize) -> Option<&Row> {
        self.blocks.get(&(i / BLOCK)).and_then(|b| b.get(i % BLOCK))
    }

    fn reset(&mut self) -> u32 {
        self.version += 1;
        self.blocks.clear();
        self.stale.clear();
        self.pending.clear();
        self.version
    }

    /// The rows changed but mostly not (a followed log grew): keep drawing the rows held until
    /// their blocks are fetched again, so the list does not flash empty.
    fn refresh(&mut self) {
        self.version += 1;
        self.stale.extend(self.blocks.keys().copied());
        self.pending.clear();
    }
}

/// What the viewer's parts read, and the intents they can send.
#[derive(Clone)]
pub struct LogView {
    /// Rows in the view; `None` while filtering.
    pub count: Option<usize>,
    pub total: usize,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub codes: Rc<Vec<CodeInView>>,
    pub components: Rc<Vec<String>>,
    pub sel: Selection,
    pub detail: Option<(usize, String, bool)>,
    pub find_info: Option<(usize, Option<usize>)>,
    pub geometry: Geometry,
    pub viewport_h: f64,
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
}

impl LogView {
    pub fn len(&self) -> usize {
        self.count.unwrap_or(0)
    }
}

struct Handles {
    services: Services,
    count: UseStateHandle<Option<usize>>,
    total: UseStateHandle<usize>,
    error: UseStateHandle<Option<String>>,
    codes: UseStateHandle<Rc<Vec<CodeInView>>>,
    components: UseStateHandle<Rc<Vec<String>>>,
    sel: UseStateHandle<Selection>,
    detail: UseStateHandle<Option<(usize, String, bool)>>,
    redraw: UseForceUpdateHandle,
    scroll_to: Rc<dyn Fn(usize, usize)>,
}

/// Apply the filter; then ask for the codes and components of the view, and honour `at=file:line`.
fn apply_filter(h: &Handles, cache: &Rc<RefCell<Cache>>, report: &Report, q: &LogQuery) {
    cache.borrow_mut().reset();
    let at = q.at.rsplit_once(':').and_then(|(file, line)| {
        let fi = report.files.iter().position(|f| f.name == file || base_name(&f.name) == file)?;
        Some((fi as u32, line.parse().unwrap_or(1)))
    });
    let (services, count, total, error, codes, components, sel, detail, redraw, scroll_to) = (
        h.services.clone(),
        h.count.clone(),
        h.total.clone(),
        h.error.clone(),
        h.codes.clone(),
        h.components.clone(),
        h.sel.clone(),
        h.detail.clone(),
        h.redraw.clone(),
        h.scroll_to.clone(),
    );
    h.services.request(Request::Filter(filter_of(q)), move |res: Result<Filtered, String>| {
        let f = match res {
            Ok(f) => f,
            Err(e) => return error.set(Some(e)),
        };
        error.set(None);
        total.set(f.total);
        count.set(Some(f.count));
        detail.set(None);
        redraw.force_update();
        services.request(Request::Codes, move |r: Result<Vec<CodeInView>, String>| codes.set(Rc::new(r.unwrap_or_default())));
        services.request(Request::Components, move |r: Result<Vec<String>, String>| components.set(Rc::new(r.unwrap_or_default())));
        // Jump to file:line from the report's evidence links.
        if let Some((file, line)) = at {
            services.request(Request::Locate { file, line }, move |r: Result<Located, String>| {
                if let Some(i) = r.ok().and_then(|l| l.index) {
                    sel.set(Selection::at(i));
                    scroll_to(i, f.count);
                }
            });
        }
    });
}

/// Ask for the blocks of rows the viewport needs that are neither here nor asked for.
fn fetch_blocks(services: &Services, cache: &Rc<RefCell<Cache>>, g: &Geometry, redraw: &UseForceUpdateHandle) {
    let mut c = cache.borrow_mut();
    let version = c.version;
    for b in g.blocks() {
        if (c.blocks.contains_key(&b) && !c.stale.contains(&b)) || !c.pending.insert(b) {
            continue;
        }
        let (cache2, redraw) = (cache.clone(), redraw.clone());
        services.request(Request::Rows { start: b * BLOCK, count: BLOCK }, move |res: Result<Rows, String>| {
            let mut c = cache2.borrow_mut();
            if c.version == version {
                c.pending.remove(&b);
                c.stale.remove(&b);
                c.blocks.insert(b, res.map(|r| r.rows).unwrap_or_default());
                drop(c);
                redraw.force_update();
            }
        });
    }
}

#[hook]
pub fn use_log_view(report: Rc<Report>, q: LogQuery, generation: u32, growth: (u32, Option<(usize, usize)>)) -> LogView {
    let services = use_context::<Services>().expect("services");
    let cache = use_mut_ref(Cache::default);
    let redraw = use_force_update();
    let count = use_state(|| None::<usize>);
    let total = use_state(|| 0usize);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let codes = use_state(|| Rc::new(Vec::<CodeInView>::new()));
    let components = use_state(|| Rc::new(Vec::<String>::new()));
    let scroll_top = use_state(|| 0.0f64);
    let viewport_h = use_state(|| 600.0f64);
    // Cursor and anchor change together: one state, so no render ever sees half a selection.
    let sel = use_state(Selection::default);
    let detail = use_state(|| None::<(usize, String, bool)>);
    let find_info = use_state(|| None::<(usize, Option<usize>)>);
    let list_ref = use_node_ref();

    let n = (*count).unwrap_or(0);
    let geometry = Geometry::new(n, *scroll_top, *viewport_h);
    let scroll_to: Rc<dyn Fn(usize, usize)> = {
        let (list_ref, viewport_h) = (list_ref.clone(), viewport_h.clone());
        Rc::new(move |i: usize, n: usize| {
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                el.set_scroll_top(scroll_target(i, n, el.scroll_top() as f64, *viewport_h) as i32);
            }
        })
    };
    let handles = Handles {
        services: services.clone(),
        count: count.clone(),
        total: total.clone(),
        error: error.clone(),
        codes: codes.clone(),
        components: components.clone(),
        sel: sel.clone(),
        detail: detail.clone(),
        redraw: redraw.clone(),
        scroll_to: scroll_to.clone(),
    };

    // Apply the filter whenever the query (or the analysis) changes.
    let filter = filter_of(&q);
    {
        let (cache, report) = (cache.clone(), report.clone());
        use_effect_with((filter.clone(), q.at.clone(), generation), move |_| {
            apply_filter(&handles, &cache, &report, &q);
            || ()
        });
    }
    fetch_blocks(&services, &cache, &geometry, &redraw);

    // Followed logs grew: fetch the rows again, keep the selection; a view scrolled to its end
    // stays at its end, as CMTrace's does.
    let stick_to_end = use_mut_ref(|| false);
    {
        // Whether the view is at its end, from what the hook knows (reading the element's
        // metrics here would force a layout on every growth).
        let at_end = geometry.at_end(*scroll_top, *viewport_h);
        let (cache, count, total, redraw, stick, services, codes) =
            (cache.clone(), count.clone(), total.clone(), redraw.clone(), stick_to_end.clone(), services.clone(), codes.clone());
        use_effect_with(growth, move |(_, rows)| {
            if let Some((rows, all)) = *rows {
                *stick.borrow_mut() = at_end;
                cache.borrow_mut().refresh();
                count.set(Some(rows));
                total.set(all);
                redraw.force_update();
                services.request(Request::Codes, move |r: Result<Vec<CodeInView>, String>| codes.set(Rc::new(r.unwrap_or_default())));
            }
            || ()
        });
    }
    {
        // After the render that shows the new rows (the list is taller now).
        let (list_ref, stick) = (list_ref.clone(), stick_to_end.clone());
        use_effect_with(n, move |_| {
            if std::mem::take(&mut *stick.borrow_mut()) {
                if let Some(el) = list_ref.cast::<HtmlElement>() {
                    el.set_scroll_top(i32::MAX); // the browser stops it at the end
                }
            }
            || ()
        });
    }

    // Keep the viewport height in sync with the element: a ResizeObserver tells when it
    // changes (reading it on every render would force a layout each time).
    {
        let (list_ref, viewport_h) = (list_ref.clone(), viewport_h.clone());
        use_effect_with(list_ref.clone(), move |_| {
            let observer = list_ref.cast::<HtmlElement>().and_then(|el| {
                let vh = viewport_h.clone();
                let cb = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() else { return };
                    let h = entry.content_rect().height();
                    if h > 0.0 {
                        vh.set(h);
                    }
                });
                let o = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()).ok()?;
                o.observe(&el);
                Some((o, cb))
            });
            move || {
                if let Some((o, _cb)) = observer {
                    o.disconnect();
                }
            }
        });
    }

    // Detail of the selected row.
    {
        let (services, detail) = (services.clone(), detail.clone());
        use_effect_with((sel.cursor, generation, filter), move |(cursor, _, _)| {
            if let Some(i) = *cursor {
                services.request(Request::Detail { index: i }, move |r: Result<Detail, String>| {
                    if let Ok(d) = r {
                        detail.set(Some((i, d.text, d.truncated)));
                    }
                });
            }
            || ()
        });
    }

    let onscroll = {
        let (scroll_top, list_ref) = (scroll_top.clone(), list_ref.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                scroll_top.set(el.scroll_top() as f64);
            }
        })
    };
    let select = {
        let (sel, scroll_to) = (sel.clone(), scroll_to.clone());
        Callback::from(move |(i, extend): (usize, bool)| {
            sel.set(sel.moved(i, extend));
            scroll_to(i, n);
        })
    };
    let set_notice = {
        let notice = notice.clone();
        Callback::from(move |m: Option<String>| notice.set(m))
    };
    let (next, find, copy, goto) = intents(&services, *sel, &select, &set_notice, &find_info);

    LogView {
        count: *count,
        total: *total,
        error: (*error).clone(),
        notice: (*notice).clone(),
        codes: (*codes).clone(),
        components: (*components).clone(),
        sel: *sel,
        detail: (*detail).clone(),
        find_info: *find_info,
        geometry,
        viewport_h: *viewport_h,
        cache,
        list_ref,
        onscroll,
        select,
        next,
        find,
        copy,
        goto,
        set_notice,
    }
}

type Intents = (Callback<(NextKind, bool)>, Callback<(String, bool, bool)>, Callback<bool>, Callback<(usize, u32)>);

/// The viewer's intents as callbacks: next error or warning, find, copy, go to a line.
fn intents(
    services: &Services,
    sel: Selection,
    select: &Callback<(usize, bool)>,
    set_notice: &Callback<Option<String>>,
    find_info: &UseStateHandle<Option<(usize, Option<usize>)>>,
) -> Intents {
    let next = {
        let (services, select, set_notice, from) = (services.clone(), select.clone(), set_notice.clone(), sel.cursor);
        Callback::from(move |(min, forward): (NextKind, bool)| {
            let (select, set_notice) = (select.clone(), set_notice.clone());
            services.request(Request::Next { from, min, forward }, move |r: Result<Located, String>| match r.ok().and_then(|l| l.index) {
                Some(i) => {
                    set_notice.emit(None);
                    select.emit((i, false));
                }
                None => set_notice.emit(Some(format!("No {} in this view.", min.label()))),
            });
        })
    };
    let find = {
        let (services, select, find_info, selected) = (services.clone(), select.clone(), find_info.clone(), sel.cursor);
        Callback::from(move |(text, forward, step): (String, bool, bool)| {
            if text.is_empty() {
                return find_info.set(None);
            }
            let (select, find_info) = (select.clone(), find_info.clone());
            let start = find_start(selected, step, forward);
            services.request(Request::Find { text, start, forward }, move |r: Result<Found, String>| {
                if let Ok(f) = r {
                    find_info.set(Some((f.count, f.index)));
                    if let Some(i) = f.index {
                        select.emit((i, false));
                    }
                }
            });
        })
    };
    let copy = {
        let (services, s, set_notice) = (services.clone(), sel, set_notice.clone());
        Callback::from(move |markdown: bool| {
            if s.len() == 0 {
                return;
            }
            let (set_notice, lines) = (set_notice.clone(), s.len());
            services.request(Request::Copy { indices: s.indices(), markdown }, move |r: Result<String, String>| {
                let Ok(text) = r else { return };
                let what = if markdown { "as Markdown" } else { "as text" };
                crate::js::copy_text(&text, move |ok| {
                    set_notice.emit(Some(if ok { format!("Copied {lines} line(s) {what}.") } else { "The browser refused the clipboard.".into() }))
                });
            });
        })
    };
    let goto = {
        let (services, select, set_notice) = (services.clone(), select.clone(), set_notice.clone());
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

/// Rows per page for PageUp / PageDown.
pub fn page_rows(v: &LogView) -> usize {
    ((v.viewport_h / ROW_H) as usize).max(1)
}
