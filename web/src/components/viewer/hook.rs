//! `use_log_view`: the viewer's state and its conversation with the worker. The rows live in
//! the worker; this hook keeps the blocks of rows around the viewport, the selection, the row
//! detail, the codes and components of the view, and turns user intents into requests.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use web_sys::HtmlElement;
use wulens_core::model::base_name;
use wulens_core::{CodeInView, Report, Row};
use wulens_wasm::protocol::{Detail, Filtered, Found, Located, NextKind, Request, Rows};
use yew::prelude::*;

use super::logic::geometry::{row_height, scroll_target, Geometry, BLOCK};
use super::logic::query::filter_in_zone;
use super::logic::selection::{find_start, next_mark, print_plan, Selection};
use super::logic::zones::view_zone;
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
    /// What find looks for (marked in the rows).
    pub find_text: Rc<String>,
    pub geometry: Geometry,
    pub row_h: f64,
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
    /// Bookmarked lines: (file index, line).
    pub marks: Rc<BTreeSet<(u32, u32)>>,
    /// Bookmark the selected row or remove its bookmark.
    pub toggle_mark: Callback<()>,
    /// Next (`true`) or previous bookmark.
    pub jump_mark: Callback<bool>,
    /// The row the Δ column counts from (UTC ms, file, line); `None`: from the previous row.
    pub delta_from: Option<(i64, u32, u32)>,
    /// `true`: count Δ from the selected row; `false`: from the previous row again.
    pub set_delta_from: Callback<bool>,
    /// Go to the first line at or after a time typed in the grid's zone.
    pub go_time: Callback<String>,
    /// The rows to print and the note above them.
    pub print_rows: Option<Rc<(Vec<Row>, String)>>,
    pub print: Callback<()>,
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
    find_text: Rc<String>,
    find_info: UseStateHandle<Option<(usize, Option<usize>)>>,
}

/// Apply the filter; then ask for the codes and components of the view, and honour `at=file:line`.
fn apply_filter(h: &Handles, cache: &Rc<RefCell<Cache>>, report: &Report, q: &LogQuery) {
    cache.borrow_mut().reset();
    let at = q.at.rsplit_once(':').and_then(|(file, line)| {
        let fi = report.files.iter().position(|f| f.name == file || base_name(&f.name) == file)?;
        Some((fi as u32, line.parse().unwrap_or(1)))
    });
    let (find_text, find_info) = (h.find_text.clone(), h.find_info.clone());
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
    h.services.request(Request::Filter(filter_in_zone(q, report)), move |res: Result<Filtered, String>| {
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
        // The find count is of the current view: count again (without moving the selection).
        if find_text.is_empty() {
            find_info.set(None);
        } else {
            let text = (*find_text).clone();
            services.request(Request::Find { text, start: 0, forward: true }, move |r: Result<Found, String>| {
                find_info.set(r.ok().map(|f| (f.count, None)));
            });
        }
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
    let find_text = use_state(|| Rc::new(String::new()));
    let marks = use_state(|| Rc::new(BTreeSet::<(u32, u32)>::new()));
    let delta_from = use_state(|| None::<(i64, u32, u32)>);
    let print_rows = use_state(|| None::<Rc<(Vec<Row>, String)>>);
    let print_pending = use_mut_ref(|| false);
    // A row to bring fully into view once the page is laid out again (a selection can change
    // the bars around the list, and with them its height).
    let reveal = use_mut_ref(|| None::<usize>);
    let list_ref = use_node_ref();

    let n = (*count).unwrap_or(0);
    let row_h = row_height(&q);
    let geometry = Geometry::new(n, *scroll_top, *viewport_h, row_h);
    // Scroll with the list's height as it is now (the panes around it may have changed it).
    let scroll_to: Rc<dyn Fn(usize, usize)> = {
        let list_ref = list_ref.clone();
        Rc::new(move |i: usize, n: usize| {
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                el.set_scroll_top(scroll_target(i, n, el.scroll_top() as f64, el.client_height() as f64, row_h) as i32);
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
        find_text: (*find_text).clone(),
        find_info: find_info.clone(),
    };

    // Apply the filter whenever the query (or the analysis) changes.
    let filter = filter_in_zone(&q, &report);
    {
        let (cache, report, q) = (cache.clone(), report.clone(), q.clone());
        use_effect_with((filter.clone(), q.at.clone(), generation), move |_| {
            apply_filter(&handles, &cache, &report, &q);
            || ()
        });
    }
    fetch_blocks(&services, &cache, &geometry, &redraw);

    let at_end = geometry.at_end(*scroll_top, *viewport_h);
    use_growth(growth, at_end, n, &cache, &count, &total, &codes, &redraw, &services, &list_ref);
    use_layout(&list_ref, &viewport_h, &print_pending, &reveal, &scroll_to, (n, generation));

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
        let (sel, scroll_to, reveal) = (sel.clone(), scroll_to.clone(), reveal.clone());
        Callback::from(move |(i, extend): (usize, bool)| {
            sel.set(sel.moved(i, extend));
            scroll_to(i, n);
            *reveal.borrow_mut() = Some(i);
        })
    };
    let set_notice = {
        let notice = notice.clone();
        Callback::from(move |m: Option<String>| notice.set(m))
    };
    let ctx = Ctx { services: services.clone(), sel: *sel, select: select.clone(), set_notice: set_notice.clone(), routine: q.routine };
    let (next, find, copy, goto) = intents(&ctx, &find_info, &find_text);
    let (toggle_mark, jump_mark, set_delta_from) = marking(&ctx, &cache, &marks, &delta_from);
    let go_time = go_time(&ctx, view_zone(&report, &q).unwrap_or(0));
    let print = print_intent(&services, *sel, n, &print_rows, &print_pending, &redraw);

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
        find_text: (*find_text).clone(),
        geometry,
        row_h,
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
        marks: (*marks).clone(),
        toggle_mark,
        jump_mark,
        delta_from: *delta_from,
        set_delta_from,
        go_time,
        print_rows: (*print_rows).clone(),
        print,
    }
}

/// Followed logs grew: fetch the rows again, keep the selection; a view scrolled to its end
/// stays at its end, as CMTrace's does. `at_end` comes from what the hook knows (reading the
/// element's metrics here would force a layout on every growth).
#[hook]
#[allow(clippy::too_many_arguments)]
fn use_growth(
    growth: (u32, Option<(usize, usize)>),
    at_end: bool,
    n: usize,
    cache: &Rc<RefCell<Cache>>,
    count: &UseStateHandle<Option<usize>>,
    total: &UseStateHandle<usize>,
    codes: &UseStateHandle<Rc<Vec<CodeInView>>>,
    redraw: &UseForceUpdateHandle,
    services: &Services,
    list_ref: &NodeRef,
) {
    let stick_to_end = use_mut_ref(|| false);
    {
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
    viewport_h: &UseStateHandle<f64>,
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
        let (list_ref, viewport_h, print_pending, reveal, scroll_to) =
            (list_ref.clone(), viewport_h.clone(), print_pending.clone(), reveal.clone(), scroll_to.clone());
        use_effect(move || {
            if let Some(i) = reveal.borrow_mut().take() {
                scroll_to(i, n);
            }
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                let h = el.client_height() as f64;
                if h > 0.0 && (h - *viewport_h).abs() > 1.0 {
                    viewport_h.set(h);
                }
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
fn print_intent(
    services: &Services,
    s: Selection,
    n: usize,
    print_rows: &UseStateHandle<Printed>,
    print_pending: &Rc<RefCell<bool>>,
    redraw: &UseForceUpdateHandle,
) -> Callback<()> {
    let (services, print_rows, print_pending, redraw) = (services.clone(), print_rows.clone(), print_pending.clone(), redraw.clone());
    Callback::from(move |()| {
        let (start, count, note) = print_plan(s, n);
        let (print_rows, print_pending, redraw) = (print_rows.clone(), print_pending.clone(), redraw.clone());
        services.request(Request::Rows { start, count }, move |r: Result<Rows, String>| {
            let Ok(r) = r else { return };
            *print_pending.borrow_mut() = true;
            print_rows.set(Some(Rc::new((r.rows, note))));
            redraw.force_update();
        });
    })
}

/// The rows to print and the note above them.
type Printed = Option<Rc<(Vec<Row>, String)>>;

/// What the intents share.
struct Ctx {
    services: Services,
    sel: Selection,
    select: Callback<(usize, bool)>,
    set_notice: Callback<Option<String>>,
    /// F3 / F4 stop on routine noise too.
    routine: bool,
}

type Intents = (Callback<(NextKind, bool)>, Callback<(String, bool, bool)>, Callback<bool>, Callback<(usize, u32)>);

/// The viewer's intents as callbacks: next error or warning, find, copy, go to a line.
fn intents(ctx: &Ctx, find_info: &UseStateHandle<Option<(usize, Option<usize>)>>, find_text: &UseStateHandle<Rc<String>>) -> Intents {
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
        let (services, select, find_info, find_text, selected) =
            (ctx.services.clone(), ctx.select.clone(), find_info.clone(), find_text.clone(), ctx.sel.cursor);
        Callback::from(move |(text, forward, step): (String, bool, bool)| {
            find_text.set(Rc::new(text.clone()));
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
                    set_notice.emit(Some(if ok { format!("Copied {lines} line(s) {what}.") } else { "The browser refused the clipboard.".into() }))
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
fn marking(
    ctx: &Ctx,
    cache: &Rc<RefCell<Cache>>,
    marks: &UseStateHandle<Rc<BTreeSet<(u32, u32)>>>,
    delta_from: &UseStateHandle<Option<(i64, u32, u32)>>,
) -> (Callback<()>, Callback<bool>, Callback<bool>) {
    let selected = ctx.sel.cursor.and_then(|i| cache.borrow().row(i).cloned());
    let toggle = {
        let (marks, selected, set_notice) = (marks.clone(), selected.clone(), ctx.set_notice.clone());
        Callback::from(move |()| {
            let Some(r) = &selected else { return set_notice.emit(Some("Select a line to bookmark it.".into())) };
            let mut m = (**marks).clone();
            if !m.remove(&(r.file, r.line)) {
                m.insert((r.file, r.line));
            }
            marks.set(Rc::new(m));
        })
    };
    let jump = {
        let (services, marks, select, set_notice, cursor) = (ctx.services.clone(), marks.clone(), ctx.select.clone(), ctx.set_notice.clone(), ctx.sel.cursor);
        Callback::from(move |forward: bool| {
            if marks.is_empty() {
                return set_notice.emit(Some("No bookmark yet: Ctrl+F2 bookmarks the selected line.".into()));
            }
            let (select, set_notice) = (select.clone(), set_notice.clone());
            services.request(Request::Positions { lines: marks.iter().copied().collect() }, move |r: Result<Vec<usize>, String>| {
                match next_mark(&r.unwrap_or_default(), cursor, forward) {
                    Some(i) => select.emit((i, false)),
                    None => set_notice.emit(Some("The bookmarked lines are not in this view.".into())),
                }
            });
        })
    };
    let set_delta = {
        let (delta_from, set_notice) = (delta_from.clone(), ctx.set_notice.clone());
        Callback::from(move |on: bool| match (&selected, on) {
            (_, false) => delta_from.set(None),
            (Some(r), true) => match r.ms {
                Some(ms) => delta_from.set(Some((ms, r.file, r.line))),
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
    ((v.viewport_h / v.row_h) as usize).max(1)
}
