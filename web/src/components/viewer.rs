//! The log viewer: the merged timeline of all files (or one file per tab), virtualised.
//!
//! The rows live in the worker; this component asks for blocks of rows around the scroll
//! position, so a million lines scroll as smoothly as a hundred. The filter state is the route
//! (`#/log?sev=error&q=...`): a reload or a shared link restores it.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::{replace_route, Services};
use crate::components::common::{base_name, Sources, Steps};
use crate::model::{thousands, CodeInView, Report, Row};
use crate::route::{LogQuery, Route};

pub const ROW_H: f64 = 24.0;
const BLOCK: usize = 200;
/// Browsers cap element heights; beyond this the scrollbar maps proportionally to rows.
const MAX_PX: f64 = 8_000_000.0;
const PALETTE: [&str; 8] = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626"];

pub fn file_color(i: u32) -> &'static str {
    PALETTE[i as usize % PALETTE.len()]
}

/// The selected rows: the cursor and, for a range, the anchor it was extended from.
#[derive(Clone, Copy, Default, PartialEq)]
struct Selection {
    cursor: Option<usize>,
    anchor: Option<usize>,
}

#[derive(Properties, PartialEq)]
pub struct ViewerProps {
    pub report: Rc<Report>,
    pub query: LogQuery,
    pub generation: u32,
}

/// The worker's filter for a URL query.
fn filter_json(_report: &Report, q: &LogQuery) -> String {
    serde_json::json!({
        "files": q.files,
        "hidden": q.hidden,
        "severities": q.severities,
        "components": q.components,
        "threads": q.threads,
        "text": q.text,
        "regex": q.regex,
        "case_sensitive": q.case_sensitive,
        "code": if q.code.is_empty() { None } else { Some(&q.code) },
        "from": if q.from.is_empty() { None } else { Some(&q.from) },
        "to": if q.to.is_empty() { None } else { Some(&q.to) },
    })
    .to_string()
}

#[derive(Default)]
struct Cache {
    blocks: HashMap<usize, Vec<Row>>,
    pending: HashSet<usize>,
    /// Bumped when the filter changes, so answers to older requests are dropped.
    version: u32,
}

fn get_usize(v: &serde_json::Value, k: &str) -> Option<usize> {
    v.get(k).and_then(|x| x.as_u64()).map(|x| x as usize)
}

#[function_component(LogViewer)]
pub fn log_viewer(p: &ViewerProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let cache = use_mut_ref(Cache::default);
    let redraw = use_force_update();
    let count = use_state(|| None::<usize>);
    let total = use_state(|| 0usize);
    let error = use_state(|| None::<String>);
    let scroll_top = use_state(|| 0.0f64);
    let viewport_h = use_state(|| 600.0f64);
    // Cursor and anchor change together: one state, so no render ever sees half a selection.
    let sel = use_state(Selection::default);
    let selected = sel.cursor;
    let detail = use_state(|| None::<(usize, String, bool)>);
    let side_code = use_state(|| None::<String>);
    let codes = use_state(Vec::<CodeInView>::new);
    let find_text = use_state(String::new);
    let find_info = use_state(|| None::<(usize, Option<usize>)>);
    let goto = use_state(String::new);
    let help = use_state(|| false);
    let notice = use_state(|| None::<String>);
    let list_ref = use_node_ref();
    let find_ref = use_node_ref();
    let goto_ref = use_node_ref();
    let q = p.query.clone();
    let report = p.report.clone();

    let set_query = {
        let report = report.clone();
        move |nq: LogQuery| {
            let _ = &report;
            replace_route(&Route::Log(nq.clone()));
            // replace_state does not fire hashchange: tell the app.
            if let Some(w) = web_sys::window() {
                let _ = w.dispatch_event(&web_sys::Event::new("hashchange").unwrap());
            }
        }
    };

    // Geometry of the virtual list.
    let n = (*count).unwrap_or(0);
    let full_px = n as f64 * ROW_H;
    let scaled = full_px > MAX_PX;
    let spacer = if scaled { MAX_PX } else { full_px };
    let visible = ((*viewport_h / ROW_H).ceil() as usize + 1).max(1);
    let first = if scaled {
        let frac = (*scroll_top / (spacer - *viewport_h).max(1.0)).clamp(0.0, 1.0);
        (frac * n.saturating_sub(visible) as f64) as usize
    } else {
        (*scroll_top / ROW_H) as usize
    };
    let last = (first + visible + 10).min(n);
    let window_top = if scaled { *scroll_top } else { first as f64 * ROW_H };

    let scroll_to = {
        let list_ref = list_ref.clone();
        let viewport_h = viewport_h.clone();
        move |i: usize, n: usize| {
            let Some(el) = list_ref.cast::<HtmlElement>() else { return };
            let vh = *viewport_h;
            let full = n as f64 * ROW_H;
            let top = if full > MAX_PX {
                let vis = (vh / ROW_H).ceil() as f64 + 1.0;
                (i as f64 / (n as f64 - vis).max(1.0)).clamp(0.0, 1.0) * (MAX_PX - vh)
            } else {
                let row_top = i as f64 * ROW_H;
                let cur = el.scroll_top() as f64;
                if row_top < cur {
                    row_top
                } else if row_top + ROW_H > cur + vh {
                    row_top + ROW_H - vh
                } else {
                    cur
                }
            };
            el.set_scroll_top(top as i32);
        }
    };

    // Apply the filter whenever the query (or the analysis) changes; then honour `at=file:line`.
    {
        let services = services.clone();
        let cache = cache.clone();
        let count = count.clone();
        let total = total.clone();
        let error = error.clone();
        let codes = codes.clone();
        let sel = sel.clone();
        let detail = detail.clone();
        let scroll_to = scroll_to.clone();
        let redraw = redraw.clone();
        let report = report.clone();
        let filter_key = (filter_json(&report, &q), q.at.clone(), p.generation);
        use_effect_with(filter_key, move |(fj, at, _)| {
            let version = {
                let mut c = cache.borrow_mut();
                c.version += 1;
                c.blocks.clear();
                c.pending.clear();
                c.version
            };
            let at = at.clone();
            let services2 = services.clone();
            services.request("filter", fj.clone(), move |res| {
                let v: serde_json::Value = res.ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
                if let Some(e) = v.get("error").and_then(|e| e.as_str()) {
                    error.set(Some(e.to_string()));
                    return;
                }
                error.set(None);
                let n = get_usize(&v, "count").unwrap_or(0);
                total.set(get_usize(&v, "total").unwrap_or(0));
                count.set(Some(n));
                detail.set(None);
                redraw.force_update();
                let codes = codes.clone();
                services2.request("codes", "{}".into(), move |res| {
                    if let Some(list) = res
                        .ok()
                        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                        .and_then(|v| serde_json::from_value::<Vec<CodeInView>>(v["codes"].clone()).ok())
                    {
                        codes.set(list);
                    }
                });
                // Jump to file:line from the report's evidence links.
                if let Some((file, line)) = at.rsplit_once(':') {
                    let Some(fi) = report.files.iter().position(|f| f.name == file || base_name(&f.name) == file) else { return };
                    let line: u32 = line.parse().unwrap_or(1);
                    let sel = sel.clone();
                    services2.request("locate", serde_json::json!({ "file": fi, "line": line }).to_string(), move |res| {
                        let idx = res.ok().and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()).and_then(|v| get_usize(&v, "index"));
                        if let Some(i) = idx {
                            sel.set(Selection { cursor: Some(i), anchor: Some(i) });
                            scroll_to(i, n);
                        }
                    });
                }
                let _ = version;
            });
            || ()
        });
    }

    // Fetch the blocks the viewport needs.
    {
        let needed: Vec<usize> = if n == 0 { Vec::new() } else { (first / BLOCK..=(last.saturating_sub(1)) / BLOCK).collect() };
        let mut c = cache.borrow_mut();
        let version = c.version;
        for b in needed {
            if c.blocks.contains_key(&b) || c.pending.contains(&b) {
                continue;
            }
            c.pending.insert(b);
            let cache2 = cache.clone();
            let redraw = redraw.clone();
            services.request("rows", serde_json::json!({ "start": b * BLOCK, "count": BLOCK }).to_string(), move |res| {
                let rows: Vec<Row> = res
                    .ok()
                    .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                    .and_then(|v| serde_json::from_value(v["rows"].clone()).ok())
                    .unwrap_or_default();
                let mut c = cache2.borrow_mut();
                if c.version == version {
                    c.pending.remove(&b);
                    c.blocks.insert(b, rows);
                    drop(c);
                    redraw.force_update();
                }
            });
        }
    }

    // Keep the viewport height in sync with the element.
    {
        let list_ref = list_ref.clone();
        let viewport_h = viewport_h.clone();
        use_effect(move || {
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                let h = el.client_height() as f64;
                if h > 0.0 && (h - *viewport_h).abs() > 1.0 {
                    viewport_h.set(h);
                }
            }
            || ()
        });
    }

    // Detail of the selected row.
    {
        let services = services.clone();
        let detail = detail.clone();
        use_effect_with((selected, p.generation, filter_json(&report, &q)), move |(cursor, _, _)| {
            if let Some(i) = *cursor {
                services.request("detail", serde_json::json!({ "index": i }).to_string(), move |res| {
                    if let Some(v) = res.ok().and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()) {
                        if let Some(t) = v["text"].as_str() {
                            detail.set(Some((i, t.to_string(), v["truncated"].as_bool().unwrap_or(false))));
                        }
                    }
                });
            }
            || ()
        });
    }

    let onscroll = {
        let scroll_top = scroll_top.clone();
        let list_ref = list_ref.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = list_ref.cast::<HtmlElement>() {
                scroll_top.set(el.scroll_top() as f64);
            }
        })
    };

    let select = {
        let sel = sel.clone();
        let scroll_to = scroll_to.clone();
        move |i: usize, extend: bool| {
            let anchor = if extend { sel.anchor.or(sel.cursor).or(Some(i)) } else { Some(i) };
            sel.set(Selection { cursor: Some(i), anchor });
            scroll_to(i, n);
        }
    };

    // Navigation through the worker: next/previous error or warning, find.
    let nav = {
        let services = services.clone();
        let select = select.clone();
        let notice = notice.clone();
        move |min: &'static str, forward: bool| {
            let select = select.clone();
            let notice = notice.clone();
            services.request("next", serde_json::json!({ "index": selected, "min": min, "forward": forward }).to_string(), move |res| {
                match res.ok().and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()).and_then(|v| get_usize(&v, "index")) {
                    Some(i) => {
                        notice.set(None);
                        select(i, false)
                    }
                    None => notice.set(Some(format!("No {min} in this view."))),
                }
            });
        }
    };
    let do_find = {
        let services = services.clone();
        let select = select.clone();
        let find_info = find_info.clone();
        move |text: String, forward: bool, step: bool| {
            if text.is_empty() {
                find_info.set(None);
                return;
            }
            let from = match (selected, step, forward) {
                (Some(s), true, true) => s + 1,
                (Some(s), true, false) => s.saturating_sub(1),
                (Some(s), false, _) => s,
                (None, _, _) => 0,
            };
            let select = select.clone();
            let find_info = find_info.clone();
            services.request("find", serde_json::json!({ "text": text, "start": from, "forward": forward }).to_string(), move |res| {
                if let Some(v) = res.ok().and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()) {
                    let count = get_usize(&v, "count").unwrap_or(0);
                    let idx = get_usize(&v, "index");
                    find_info.set(Some((count, idx)));
                    if let Some(i) = idx {
                        select(i, false);
                    }
                }
            });
        }
    };
    let copy_selection = {
        let services = services.clone();
        let sel = sel.clone();
        let notice = notice.clone();
        move |markdown: bool| {
            let Some(s) = sel.cursor else { return };
            let a = sel.anchor.unwrap_or(s);
            let (lo, hi) = (a.min(s), a.max(s));
            let indices: Vec<usize> = (lo..=hi.min(lo + 5000)).collect();
            let notice = notice.clone();
            services.request("copy", serde_json::json!({ "indices": indices, "markdown": markdown }).to_string(), move |res| {
                if let Some(t) = res.ok().and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()).and_then(|v| v["text"].as_str().map(str::to_string))
                {
                    let notice = notice.clone();
                    let what = if markdown { "as Markdown" } else { "as text" };
                    let lines = hi - lo + 1;
                    crate::js::copy_text(&t, move |ok| {
                        notice.set(Some(if ok { format!("Copied {lines} line(s) {what}.") } else { "The browser refused the clipboard.".into() }))
                    });
                }
            });
        }
    };

    let onkeydown = {
        let select = select.clone();
        let nav = nav.clone();
        let find_ref = find_ref.clone();
        let goto_ref = goto_ref.clone();
        let help = help.clone();
        let copy_selection = copy_selection.clone();
        let side_code = side_code.clone();
        let viewport_h = viewport_h.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            let page = ((*viewport_h / ROW_H) as usize).max(1);
            let cur = selected.unwrap_or(0);
            let handled = match key.as_str() {
                "F3" => {
                    nav("error", !e.shift_key());
                    true
                }
                "F4" => {
                    nav("warning", !e.shift_key());
                    true
                }
                "ArrowDown" if n > 0 => {
                    select((cur + usize::from(selected.is_some())).min(n - 1), e.shift_key());
                    true
                }
                "ArrowUp" if n > 0 => {
                    select(cur.saturating_sub(1), e.shift_key());
                    true
                }
                "PageDown" if n > 0 => {
                    select((cur + page).min(n - 1), e.shift_key());
                    true
                }
                "PageUp" if n > 0 => {
                    select(cur.saturating_sub(page), e.shift_key());
                    true
                }
                "Home" if n > 0 => {
                    select(0, e.shift_key());
                    true
                }
                "End" if n > 0 => {
                    select(n - 1, e.shift_key());
                    true
                }
                "f" | "F" if e.ctrl_key() || e.meta_key() => {
                    focus(&find_ref);
                    true
                }
                "/" => {
                    focus(&find_ref);
                    true
                }
                "g" | "G" if e.ctrl_key() || e.meta_key() => {
                    focus(&goto_ref);
                    true
                }
                "c" | "C" if e.ctrl_key() || e.meta_key() => {
                    copy_selection(e.shift_key());
                    true
                }
                "?" => {
                    help.set(!*help);
                    true
                }
                "Escape" => {
                    help.set(false);
                    side_code.set(None);
                    true
                }
                _ => false,
            };
            if handled {
                e.prevent_default();
            }
        })
    };

    // ---- filter controls ----
    let q2 = q.clone();
    let toggle_sev = {
        let set_query = set_query.clone();
        move |s: &'static str| {
            let q = q2.clone();
            let set_query = set_query.clone();
            Callback::from(move |_| {
                let mut nq = q.clone();
                if let Some(i) = nq.severities.iter().position(|x| x == s) {
                    nq.severities.remove(i);
                } else {
                    nq.severities.push(s.to_string());
                }
                set_query(nq);
            })
        }
    };
    let on_text = {
        let q = q.clone();
        let set_query = set_query.clone();
        Callback::from(move |e: InputEvent| {
            let mut nq = q.clone();
            nq.text = e.target_unchecked_into::<HtmlInputElement>().value();
            set_query(nq);
        })
    };
    let flag = |f: fn(&mut LogQuery)| {
        let q = q.clone();
        let set_query = set_query.clone();
        Callback::from(move |_| {
            let mut nq = q.clone();
            f(&mut nq);
            set_query(nq);
        })
    };
    let on_component = {
        let q = q.clone();
        let set_query = set_query.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut nq = q.clone();
            nq.components = if v.is_empty() { Vec::new() } else { vec![v] };
            set_query(nq);
        })
    };
    let on_field = |f: fn(&mut LogQuery, String)| {
        let q = q.clone();
        let set_query = set_query.clone();
        Callback::from(move |e: Event| {
            let mut nq = q.clone();
            f(&mut nq, e.target_unchecked_into::<HtmlInputElement>().value());
            set_query(nq);
        })
    };
    let tab = |files: Vec<String>| {
        let q = q.clone();
        let set_query = set_query.clone();
        Callback::from(move |_| {
            let mut nq = q.clone();
            nq.files = files.clone();
            nq.at.clear();
            set_query(nq);
        })
    };

    // ---- chips of active filters ----
    let mut chips: Vec<(String, LogQuery)> = Vec::new();
    {
        let mut push = |label: String, f: &dyn Fn(&mut LogQuery)| {
            let mut nq = q.clone();
            f(&mut nq);
            nq.at.clear();
            chips.push((label, nq));
        };
        for f in &q.files {
            let f2 = f.clone();
            push(format!("file: {}", base_name(f)), &move |x| x.files.retain(|y| *y != f2));
        }
        for h in &q.hidden {
            let h2 = h.clone();
            push(format!("closed: {}", base_name(h)), &move |x| x.hidden.retain(|y| *y != h2));
        }
        for s in &q.severities {
            let s2 = s.clone();
            push(format!("severity: {s}"), &move |x| x.severities.retain(|y| *y != s2));
        }
        for c in &q.components {
            let c2 = c.clone();
            push(format!("component: {c}"), &move |x| x.components.retain(|y| *y != c2));
        }
        for t in &q.threads {
            let t2 = *t;
            push(format!("thread: {t}"), &move |x| x.threads.retain(|y| *y != t2));
        }
        if !q.text.is_empty() {
            push(format!("{}: {}", if q.regex { "regex" } else { "text" }, q.text), &|x| x.text.clear());
        }
        if !q.code.is_empty() {
            push(format!("code: {}", q.code), &|x| x.code.clear());
        }
        if !q.from.is_empty() {
            push(format!("from: {}", q.from), &|x| x.from.clear());
        }
        if !q.to.is_empty() {
            push(format!("to: {}", q.to), &|x| x.to.clear());
        }
    }

    // Components available in the shown files (from the worker's codes? no: from the rows we have).
    let components: Vec<String> = {
        let c = cache.borrow();
        let mut set: Vec<String> = c.blocks.values().flatten().map(|r| r.component.clone()).filter(|x| !x.is_empty()).collect();
        set.sort();
        set.dedup();
        for x in &q.components {
            if !set.contains(x) {
                set.push(x.clone());
            }
        }
        set
    };

    let rows_html = {
        let c = cache.borrow();
        (first..last)
            .map(|i| {
                let row = c.blocks.get(&(i / BLOCK)).and_then(|b| b.get(i % BLOCK));
                let top = window_top + (i - first) as f64 * ROW_H;
                let row_selected = match (sel.cursor, sel.anchor) {
                    (Some(s), Some(a)) => (a.min(s)..=a.max(s)).contains(&i),
                    (Some(s), None) => s == i,
                    _ => false,
                };
                let onclick = {
                    let select = select.clone();
                    Callback::from(move |e: MouseEvent| select(i, e.shift_key()))
                };
                match row {
                    Some(r) => render_row(r, top, row_selected, q.utc, q.files.len() != 1, &report, onclick, side_code.clone()),
                    None => html! { <div class="row placeholder" style={format!("top:{top}px")} role="row" aria-busy="true"></div> },
                }
            })
            .collect::<Html>()
    };

    let selected_rows = match (sel.cursor, sel.anchor) {
        (Some(s), Some(a)) => a.max(s) - a.min(s) + 1,
        (Some(_), None) => 1,
        _ => 0,
    };
    let file_tabs: Vec<(String, u32, u32)> =
        report.files.iter().enumerate().filter(|(_, f)| f.lines > 0).map(|(i, f)| (f.name.clone(), i as u32, f.lines)).collect();
    let merged_active = q.files.len() != 1;

    html! {
        <main class="page viewer" aria-label="Log viewer">
            <div class="tabs" role="toolbar" aria-label="Files: one tab per file, or all merged">
                        <button type="button" aria-pressed={merged_active.to_string()} class={classes!("tab", "tab-all", merged_active.then_some("active"))} onclick={tab(Vec::new())}>
                    {format!("All files (merged, {})", thousands(report.summary.lines))}
                </button>
                { for file_tabs.iter().filter(|(name, ..)| !q.hidden.contains(name)).map(|(name, i, lines)| {
                    let active = q.files.len() == 1 && &q.files[0] == name;
                    let close = {
                        let q = q.clone();
                        let set_query = set_query.clone();
                        let name = name.clone();
                        Callback::from(move |e: MouseEvent| {
                            e.stop_propagation();
                            let mut nq = q.clone();
                            nq.files.retain(|f| *f != name);
                            nq.hidden.push(name.clone());
                            nq.at.clear();
                            set_query(nq);
                        })
                    };
                    html! {
                        <span class={classes!("tab", active.then_some("active"))}>
                            <button type="button" aria-pressed={active.to_string()} class="tab-open" onclick={tab(vec![name.clone()])} title={name.clone()}>
                                <span class="stripe" style={format!("background:{}", file_color(*i))}></span>
                                {base_name(name).to_string()}
                                <span class="muted">{format!(" {}", thousands(*lines as u64))}</span>
                            </button>
                            <button type="button" class="tab-close" onclick={close} aria-label={format!("Close {} (leave it out of the timeline)", base_name(name))} title="Close: leave this file out of the merged timeline">{"×"}</button>
                        </span>
                    }
                }) }

            </div>
            <div class="filterbar" role="search">
                <div class="sev-toggles" role="group" aria-label="Severity">
                    { for [("error", "Errors"), ("warning", "Warnings"), ("info", "Info"), ("text", "Unparsed")].iter().map(|(s, label)| {
                        let on = q.severities.iter().any(|x| x == s);
                        html! { <button type="button" class={classes!("toggle", *s, on.then_some("on"))} aria-pressed={on.to_string()} onclick={toggle_sev(s)}>{*label}</button> }
                    }) }
                </div>
                <label class="field">
                    <span class="sr-only">{"Filter text"}</span>
                    <input type="search" class="filter-text" placeholder={if q.regex { "Regular expression" } else { "Filter: text in the line" }} value={q.text.clone()} oninput={on_text} spellcheck="false" />
                </label>
                <button type="button" class={classes!("toggle", q.regex.then_some("on"))} aria-pressed={q.regex.to_string()} title="Treat the filter as a regular expression" onclick={flag(|x| x.regex = !x.regex)}>{".*"}</button>
                <button type="button" class={classes!("toggle", q.case_sensitive.then_some("on"))} aria-pressed={q.case_sensitive.to_string()} title="Match case" onclick={flag(|x| x.case_sensitive = !x.case_sensitive)}>{"Aa"}</button>
                <label class="field">
                    <span class="sr-only">{"Component"}</span>
                    <select onchange={on_component} aria-label="Component">
                        <option value="" selected={q.components.is_empty()}>{"All components"}</option>
                        { for components.iter().map(|c| html! { <option value={c.clone()} selected={q.components.contains(c)}>{c.clone()}</option> }) }
                    </select>
                </label>
                <details class="more-filters">
                    <summary>{"More"}</summary>
                    <div class="more-grid">
                        <label>{"Thread "}<input type="text" inputmode="numeric" value={q.threads.iter().map(u32::to_string).collect::<Vec<_>>().join(",")} onchange={on_field(|x, v| x.threads = v.split(',').filter_map(|t| t.trim().parse().ok()).collect())} placeholder="10444" /></label>
                        <label>{"From (UTC) "}<input type="text" value={q.from.clone()} onchange={on_field(|x, v| x.from = v.trim().to_string())} placeholder="2024-05-31 16:45" /></label>
                        <label>{"To (UTC) "}<input type="text" value={q.to.clone()} onchange={on_field(|x, v| x.to = v.trim().to_string())} placeholder="2024-05-31 17:00" /></label>
                        <label>{"Code "}<input type="text" value={q.code.clone()} onchange={on_field(|x, v| x.code = v.trim().to_string())} placeholder="0x8024401B" /></label>
                    </div>
                </details>
                <div class="spacer"></div>
                <TimeZones report={report.clone()} />
                <button type="button" class={classes!("toggle", q.utc.then_some("on"))} aria-pressed={q.utc.to_string()} title="Show times in UTC instead of each log's local time" onclick={flag(|x| x.utc = !x.utc)}>{if q.utc { "UTC" } else { "Local time" }}</button>
            </div>
            if !chips.is_empty() {
                <div class="chips" aria-label="Active filters">
                    { for chips.into_iter().map(|(label, nq)| {
                        let set_query = set_query.clone();
                        let remove = Callback::from(move |_| set_query(nq.clone()));
                        html! { <span class="chip">{label.clone()}<button type="button" onclick={remove} aria-label={format!("Remove filter {label}")}>{"×"}</button></span> }
                    }) }
                    <button type="button" class="link" onclick={{ let set_query = set_query.clone(); let q = q.clone(); Callback::from(move |_| set_query(q.cleared())) }}>{"Clear all"}</button>
                </div>
            }
            <div class="findbar">
                <label class="field">
                    <span class="sr-only">{"Find in view"}</span>
                    <input ref={find_ref} type="search" placeholder="Find (highlight, Enter for next)" value={(*find_text).clone()}
                        oninput={{ let find_text = find_text.clone(); let do_find = do_find.clone(); Callback::from(move |e: InputEvent| {
                            let v = e.target_unchecked_into::<HtmlInputElement>().value(); find_text.set(v.clone()); do_find(v, true, false);
                        }) }}
                        onkeydown={{ let find_text = find_text.clone(); let do_find = do_find.clone(); Callback::from(move |e: KeyboardEvent| {
                            if e.key() == "Enter" { e.prevent_default(); do_find((*find_text).clone(), !e.shift_key(), true); }
                        }) }} />
                </label>
                if let Some((c, _)) = *find_info { <span class="muted" aria-live="polite">{format!("{} match{}", thousands(c as u64), if c == 1 { "" } else { "es" })}</span> }
                <label class="field">
                    <span class="sr-only">{"Go to line"}</span>
                    <input ref={goto_ref} type="text" inputmode="numeric" class="goto" placeholder="Go to line" value={(*goto).clone()}
                        oninput={{ let goto = goto.clone(); Callback::from(move |e: InputEvent| goto.set(e.target_unchecked_into::<HtmlInputElement>().value())) }}
                        onkeydown={{
                            let goto = goto.clone(); let services = services.clone(); let select = select.clone(); let q = q.clone(); let report = report.clone(); let notice = notice.clone();
                            Callback::from(move |e: KeyboardEvent| {
                                if e.key() != "Enter" { return; }
                                e.prevent_default();
                                let Ok(line) = goto.trim().parse::<u32>() else { notice.set(Some("Type a line number.".into())); return };
                                let file = q.files.first().and_then(|n| report.files.iter().position(|f| &f.name == n)).or_else(|| (report.files.len() == 1).then_some(0));
                                let Some(file) = file else { notice.set(Some("Pick a file tab first: line numbers belong to one file.".into())); return };
                                let select = select.clone(); let notice = notice.clone();
                                services.request("locate", serde_json::json!({ "file": file, "line": line }).to_string(), move |res| {
                                    match res.ok().and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()).and_then(|v| get_usize(&v, "index")) {
                                        Some(i) => select(i, false),
                                        None => notice.set(Some(format!("Line {line} is not in this view."))),
                                    }
                                });
                            })
                        }} />
                </label>
                <button type="button" onclick={{ let nav = nav.clone(); Callback::from(move |_| nav("error", false)) }} title="Previous error (Shift+F3)">{"◀ Error"}</button>
                <button type="button" onclick={{ let nav = nav.clone(); Callback::from(move |_| nav("error", true)) }} title="Next error (F3)">{"Error ▶"}</button>
                <button type="button" onclick={{ let nav = nav.clone(); Callback::from(move |_| nav("warning", true)) }} title="Next warning (F4)">{"Warning ▶"}</button>
                <button type="button" class="icon" onclick={{ let help = help.clone(); Callback::from(move |_| help.set(!*help)) }} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">{"?"}</button>
                if selected_rows > 0 {
                    <button type="button" onclick={{ let c = copy_selection.clone(); Callback::from(move |_| c(false)) }} title="Copy the selected lines (Ctrl+C)">{format!("Copy {selected_rows} line{}", if selected_rows == 1 { "" } else { "s" })}</button>
                    <button type="button" onclick={{ let c = copy_selection.clone(); Callback::from(move |_| c(true)) }} title="Copy as a Markdown code block with file names and line numbers (Ctrl+Shift+C)">{"Copy as Markdown"}</button>
                }
                <span class="count" aria-live="polite" data-testid="row-count">
                    { match *count { Some(c) => format!("{} of {} lines", thousands(c as u64), thousands(*total as u64)), None => "Filtering…".into() } }
                </span>
            </div>
            if let Some(e) = &*error { <div class="alert error" role="alert">{e.clone()}</div> }
            if let Some(m) = &*notice { <div class="alert info" role="status">{m.clone()}</div> }
            <div class="viewer-body">
                <div class="list" ref={list_ref} tabindex="0" role="grid" aria-rowcount={n.to_string()} aria-label="Log lines" {onscroll} {onkeydown}>
                    <div class="spacer-v" style={format!("height:{spacer}px")}>{ rows_html }</div>
                    if n == 0 && count.is_some() { <p class="empty">{"No line matches the filters."}</p> }
                </div>
                if let Some(code) = &*side_code {
                    <CodePanel code={code.clone()} onclose={{ let side_code = side_code.clone(); Callback::from(move |_| side_code.set(None)) }} />
                } else {
                    <aside class="codes-in-view" aria-label="Codes in view">
                        <h2>{"Codes in view"}</h2>
                        if codes.is_empty() { <p class="muted">{"No error code in these lines."}</p> }
                        <ul>
                            { for codes.iter().take(40).map(|c| {
                                let open = { let side_code = side_code.clone(); let code = c.code.clone(); Callback::from(move |_| side_code.set(Some(code.clone()))) };
                                html! { <li><button type="button" class="code-chip chip" onclick={open} title={c.message.clone()}><span class="code">{c.code.clone()}</span><span class="sym">{c.symbol.clone()}</span><span class="count">{format!("×{}", c.count)}</span></button></li> }
                            }) }
                        </ul>
                    </aside>
                }
            </div>
            if let Some((i, text, truncated)) = &*detail {
                if Some(*i) == selected {
                    <section class="detail" aria-label="Selected line">
                        <pre>{text.clone()}</pre>
                        if *truncated { <p class="muted">{"(cut at 200,000 characters)"}</p> }
                    </section>
                }
            }
            if *help {
                <div class="help" role="dialog" aria-label="Keyboard shortcuts">
                    <h2>{"Keyboard"}</h2>
                    <dl>
                        <dt>{"F3 / Shift+F3"}</dt><dd>{"next / previous error (type 3) in the view, across files"}</dd>
                        <dt>{"F4 / Shift+F4"}</dt><dd>{"next / previous warning"}</dd>
                        <dt>{"↑ ↓ PgUp PgDn Home End"}</dt><dd>{"move the selection (Shift extends it)"}</dd>
                        <dt>{"Ctrl+F or /"}</dt><dd>{"find in the view; Enter / Shift+Enter for next / previous"}</dd>
                        <dt>{"Ctrl+G"}</dt><dd>{"go to a line of the file in the current tab"}</dd>
                        <dt>{"Ctrl+C / Ctrl+Shift+C"}</dt><dd>{"copy the selected lines as text / as Markdown"}</dd>
                        <dt>{"Esc"}</dt><dd>{"close this help or the code panel"}</dd>
                    </dl>
                    <button type="button" onclick={{ let help = help.clone(); Callback::from(move |_| help.set(false)) }}>{"Close"}</button>
                </div>
            }
        </main>
    }
}

fn focus(r: &NodeRef) {
    if let Some(el) = r.cast::<HtmlElement>() {
        let _ = el.focus();
    }
}

#[allow(clippy::too_many_arguments)]
fn render_row(
    r: &Row,
    top: f64,
    selected: bool,
    utc: bool,
    show_file: bool,
    report: &Report,
    onclick: Callback<MouseEvent>,
    side_code: UseStateHandle<Option<String>>,
) -> Html {
    let time = if utc { &r.time_utc } else { &r.time };
    // Unparsed lines have no severity: they show as plain text.
    let severity = if r.severity == "none" { "text".to_string() } else { r.severity.clone() };
    let time_short = time.get(..23).unwrap_or(time).replace('T', " ");
    let file = report.files.get(r.file as usize).map(|f| base_name(&f.name).to_string()).unwrap_or_default();
    // Split the text around code chips (char offsets from the worker).
    let chars: Vec<char> = r.text.chars().collect();
    let mut parts: Vec<Html> = Vec::new();
    let mut pos = 0usize;
    for (s, e, code) in &r.codes {
        let (s, e) = (*s as usize, (*e as usize).min(chars.len()));
        if s < pos || s > e {
            continue;
        }
        parts.push(html! { {chars[pos..s].iter().collect::<String>()} });
        let open = {
            let side_code = side_code.clone();
            let code = code.clone();
            Callback::from(move |ev: MouseEvent| {
                ev.stop_propagation();
                side_code.set(Some(code.clone()));
            })
        };
        parts.push(html! { <button type="button" class="code-inline" onclick={open} title={format!("{code}: open the knowledge-base entry")}>{chars[s..e].iter().collect::<String>()}</button> });
        pos = e;
    }
    parts.push(html! { {chars[pos.min(chars.len())..].iter().collect::<String>()} });
    let cut = if r.truncated { format!(" … ({} characters; select the line to see more)", thousands(r.chars)) } else { String::new() };
    html! {
        <div class={classes!("row", severity.clone(), selected.then_some("selected"))} style={format!("top:{top}px")} role="row" aria-selected={selected.to_string()} {onclick}
             data-file={r.file.to_string()} data-line={r.line.to_string()} data-severity={severity.clone()}>
            <span class="stripe" style={format!("background:{}", file_color(r.file))} title={file.clone()} aria-hidden="true"></span>
            if show_file { <span class="c-file" role="gridcell" title={file.clone()}>{file.clone()}</span> }
            <span class="c-line" role="gridcell">{r.line}</span>
            <span class="c-time" role="gridcell" title={time.clone()}>{time_short}</span>
            <span class="c-comp" role="gridcell" title={r.component.clone()}>{r.component.clone()}</span>
            <span class="c-thread" role="gridcell">{r.thread.clone()}</span>
            <span class="c-text" role="gridcell">{ for parts }<span class="muted">{cut}</span></span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CodePanelProps {
    code: String,
    onclose: Callback<MouseEvent>,
}

/// A code's knowledge-base entry beside the viewer, without leaving the scroll position.
#[function_component(CodePanel)]
fn code_panel(p: &CodePanelProps) -> Html {
    let l = wulens_kb::lookup(&p.code);
    let body = match &l {
        Ok(l) => {
            let e = l.entry;
            let steps: Vec<crate::model::Step> = e
                .map(|e| {
                    e.mitigation.iter().map(|s| crate::model::Step { text: s.text.to_string(), command: s.command.as_ref().map(|c| c.to_string()) }).collect()
                })
                .unwrap_or_default();
            let sources: Vec<crate::model::Source> = e
                .map(|e| e.sources.iter().map(|s| crate::model::Source { doc: s.doc.to_string(), section: s.section.to_string() }).collect())
                .unwrap_or_default();
            html! {
                <>
                    <h2><span class="code">{l.code.to_string()}</span></h2>
                    if let Some(e) = e {
                        <p class="symbol">{e.symbol}</p>
                        <p>{e.message}</p>
                        if !e.description.is_empty() { <p>{e.description}</p> }
                        if !steps.is_empty() { <h3>{"What to do"}</h3><Steps steps={steps} /> }
                        <Sources sources={sources} />
                    } else {
                        <p class="muted">{format!("Not in the knowledge base: {} facility, code {}.", l.decoded.facility_label, l.decoded.code)}</p>
                    }
                    <p><a href={crate::route::to_hash(&Route::KbEntry(l.code.to_string()))} target="_blank" rel="noopener">{"Open the full entry"}</a></p>
                </>
            }
        }
        Err(e) => html! { <p>{e.to_string()}</p> },
    };
    html! {
        <aside class="code-panel" aria-label="Error code">
            <button type="button" class="close" onclick={p.onclose.clone()} aria-label="Close">{"×"}</button>
            { body }
        </aside>
    }
}

#[derive(Properties, PartialEq)]
struct TzProps {
    report: Rc<Report>,
}

/// Each file's time-zone offset, where it comes from, and an override (a WindowsUpdate.log
/// collected from a machine in another zone, a bias a script wrote wrong).
#[function_component(TimeZones)]
fn time_zones(p: &TzProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let offsets: Vec<i32> =
        (-12 * 4..=14 * 4).map(|q| q * 15).filter(|m| m % 60 == 0 || [-570, -210, 210, 270, 330, 345, 390, 525, 570, 630, 765].contains(m)).collect();
    let label = |m: i32| if m == 0 { "UTC".to_string() } else { format!("UTC{}{:02}:{:02}", if m < 0 { '-' } else { '+' }, m.abs() / 60, m.abs() % 60) };
    html! {
        <span class="tz">
            <button type="button" class="tab tz-button" onclick={toggle} aria-expanded={open.to_string()}>{"Time zones…"}</button>
            if *open {
                <div class="tz-panel" role="dialog" aria-label="Time zones of the files">
                    <p class="small muted">{"The merged timeline orders lines by UTC. Change a file's offset if it was collected in another zone; the timeline re-orders."}</p>
                    <table>
                        <tbody>
                            { for p.report.files.iter().enumerate().filter(|(_, f)| f.first_time.is_some()).map(|(i, f)| {
                                let services = services.clone();
                                let onchange = Callback::from(move |e: Event| {
                                    let v = e.target_unchecked_into::<HtmlSelectElement>().value();
                                    let minutes: Option<i32> = v.parse().ok();
                                    let dispatch = services.dispatch.clone();
                                    services.request("set_offset", serde_json::json!({ "file": i, "minutes": minutes }).to_string(), move |res| {
                                        if let Some(r) = res.ok().and_then(|s| serde_json::from_str::<Report>(&s).ok()) {
                                            dispatch.dispatch(crate::state::Action::Updated(Rc::new(r)));
                                        }
                                    });
                                });
                                let overridden = f.time_zone.source == "override";
                                html! {
                                    <tr>
                                        <th scope="row"><span class="stripe" style={format!("background:{}", file_color(i as u32))}></span>{base_name(&f.name).to_string()}</th>
                                        <td class="small muted">{f.time_zone.note.clone()}</td>
                                        <td>
                                            <select aria-label={format!("Time zone of {}", base_name(&f.name))} {onchange} data-file={f.name.clone()}>
                                                <option value="" selected={!overridden}>{format!("As read ({})", f.time_zone.offset)}</option>
                                                { for offsets.iter().map(|m| html! { <option value={m.to_string()} selected={overridden && f.time_zone.offset_minutes == *m}>{label(*m)}</option> }) }
                                            </select>
                                        </td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </span>
    }
}
