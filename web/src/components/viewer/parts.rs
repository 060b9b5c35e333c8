//! The viewer's bars: file tabs, the filter bar, the chips of active filters, the find bar (find,
//! go to line, next error or warning, copy, the row count), the detail pane and the key help.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use wulens_core::model::Severity;
use wulens_core::model::{base_name, counted};
use wulens_core::report::thousands;
use wulens_core::Report;
use wulens_wasm::protocol::NextKind;
use yew::prelude::*;

use super::hook::{set_query, ViewHandle};
use super::logic::files::{file_color, file_tabs};
use super::logic::query::{chips, close_file, component_options, toggle_severity};
use super::logic::zones::time_hints;
use super::timezones::TimeZones;
use crate::page::counted_thousands;
use crate::route::{severity_name, LogQuery};

#[derive(Properties, PartialEq)]
pub struct QueryProps {
    pub report: Rc<Report>,
    pub query: LogQuery,
}

/// A callback that sets the query `f` makes of the current one.
fn change(q: &LogQuery, f: impl Fn(&mut LogQuery) + 'static) -> Callback<MouseEvent> {
    let q = q.clone();
    Callback::from(move |_| {
        let mut nq = q.clone();
        f(&mut nq);
        set_query(nq);
    })
}

/// "All files (merged)" and one tab per file; closing a tab leaves the file out of the timeline.
#[function_component(Tabs)]
pub fn tabs(p: &QueryProps) -> Html {
    let q = &p.query;
    let tabs = file_tabs(&p.report, &q.hidden);
    let merged_active = !tabs.iter().any(|t| t.is_active(q));
    let tab = |files: Vec<String>| {
        change(q, move |nq| {
            nq.files = files.clone();
            nq.at.clear();
        })
    };
    html! {
        <div class="tabs" role="toolbar" aria-label="Files: one tab per log (with its rotated generations), or all merged">
            <button type="button" aria-pressed={merged_active.to_string()} class={classes!("tab", "tab-all", merged_active.then_some("active"))} onclick={tab(Vec::new())}>
                {format!("All files (merged, {})", thousands(p.report.summary.lines))}
            </button>
            { for tabs.iter().map(|t| {
                let names = t.names();
                let active = t.is_active(q);
                let close = {
                    let (q, names) = (q.clone(), names.clone());
                    Callback::from(move |e: MouseEvent| {
                        e.stop_propagation();
                        set_query(names.iter().fold(q.clone(), |nq, n| close_file(&nq, n)));
                    })
                };
                let label = base_name(&t.name).to_string();
                let title = if t.members.len() == 1 { names[0].clone() } else { format!("{}: {} with its older generations {}", t.name, label, names[..names.len() - 1].iter().map(|n| base_name(n)).collect::<Vec<_>>().join(", ")) };
                let stripe = t.members.last().map_or(0, |(i, _)| *i as u32);
                html! {
                    <span class={classes!("tab", active.then_some("active"))}>
                        <button type="button" aria-pressed={active.to_string()} class="tab-open" onclick={tab(names.clone())} {title}>
                            <span class="stripe" style={format!("background:{}", file_color(stripe))}></span>
                            {label.clone()}
                            if t.members.len() > 1 { <span class="muted">{format!(" + {} older", t.members.len() - 1)}</span> }
                            <span class="muted">{format!(" {}", thousands(t.lines))}</span>
                        </button>
                        <button type="button" class="tab-close" onclick={close} aria-label={format!("Close {label} (leave it out of the timeline)")} title="Close: leave this log out of the merged timeline">{"×"}</button>
                    </span>
                }
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    pub report: Rc<Report>,
    pub query: LogQuery,
    /// The components of the whole view (the worker's answer).
    pub components: Rc<Vec<String>>,
}

/// A callback that sets a field of the query from an input's value.
fn on_field(q: &LogQuery, f: fn(&mut LogQuery, String)) -> Callback<Event> {
    let q = q.clone();
    Callback::from(move |e: Event| {
        let mut nq = q.clone();
        f(&mut nq, e.target_unchecked_into::<HtmlInputElement>().value());
        set_query(nq);
    })
}

/// Severity toggles, text or regex, component, more filters, time zones, UTC.
#[function_component(FilterBar)]
pub fn filter_bar(p: &FilterBarProps) -> Html {
    let q = &p.query;
    let on_text = {
        let q = q.clone();
        Callback::from(move |e: InputEvent| {
            let mut nq = q.clone();
            nq.text = e.target_unchecked_into::<HtmlInputElement>().value();
            set_query(nq);
        })
    };
    let on_component = {
        let q = q.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut nq = q.clone();
            nq.components = if v.is_empty() { Vec::new() } else { vec![v] };
            set_query(nq);
        })
    };
    let components = component_options(&p.components, q);
    let (first, last, zone) = time_hints(&p.report, q);
    html! {
        <div class="filterbar" role="search">
            <div class="sev-toggles" role="group" aria-label="Severity">
                { for [(Severity::Error, "Errors"), (Severity::Warning, "Warnings"), (Severity::Info, "Info"), (Severity::None, "Unparsed")].into_iter().map(|(s, label)| {
                    let on = q.severities.contains(&s);
                    let onclick = { let q = q.clone(); Callback::from(move |_| set_query(toggle_severity(&q, s))) };
                    html! { <button type="button" class={classes!("toggle", severity_name(s), on.then_some("on"))} aria-pressed={on.to_string()} {onclick}>{label}</button> }
                }) }
            </div>
            <label class="field">
                <span class="sr-only">{"Filter text"}</span>
                <input type="search" class="filter-text" placeholder={if q.regex { "Regular expression" } else { "Filter: text in the line" }} value={q.text.clone()} oninput={on_text} spellcheck="false" />
            </label>
            <button type="button" class={classes!("toggle", q.regex.then_some("on"))} aria-pressed={q.regex.to_string()} title="Treat the filter as a regular expression" onclick={change(q, |x| x.regex = !x.regex)}>{".*"}</button>
            <button type="button" class={classes!("toggle", q.case_sensitive.then_some("on"))} aria-pressed={q.case_sensitive.to_string()} title="Match case" onclick={change(q, |x| x.case_sensitive = !x.case_sensitive)}>{"Aa"}</button>
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
                    <label>{"Thread "}<input type="text" inputmode="numeric" value={q.threads.iter().map(u32::to_string).collect::<Vec<_>>().join(",")} onchange={on_field(q, |x, v| x.threads = v.split(',').filter_map(|t| t.trim().parse().ok()).collect())} placeholder="10444" /></label>
                    <p class="small muted zone-note">{format!("Times in {zone}, as the grid shows them.")}</p>
                    <label>{"From "}<input type="text" class="time-from" value={q.from.clone()} onchange={on_field(q, |x, v| x.from = v.trim().to_string())} placeholder={first.unwrap_or_else(|| "2024-05-31 16:45".into())} /></label>
                    <label>{"To "}<input type="text" class="time-to" value={q.to.clone()} onchange={on_field(q, |x, v| x.to = v.trim().to_string())} placeholder={last.unwrap_or_else(|| "2024-05-31 17:00".into())} /></label>
                    <label>{"Code "}<input type="text" value={q.code.clone()} onchange={on_field(q, |x, v| x.code = v.trim().to_string())} placeholder="0x8024401B" /></label>
                </div>
            </details>
            <div class="spacer"></div>
            <TimeZones report={p.report.clone()} />
            <button type="button" class={classes!("toggle", q.utc.then_some("on"))} aria-pressed={q.utc.to_string()} title="Show times in UTC instead of each log's local time" onclick={change(q, |x| x.utc = !x.utc)}>{if q.utc { "UTC" } else { "Local time" }}</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ChipsProps {
    pub query: LogQuery,
}

/// The active filters, each removable, and "Clear all".
#[function_component(Chips)]
pub fn chips_bar(p: &ChipsProps) -> Html {
    let chips = chips(&p.query);
    if chips.is_empty() {
        return html! {};
    }
    let clear = {
        let q = p.query.clone();
        Callback::from(move |_| set_query(q.cleared()))
    };
    html! {
        <div class="chips" aria-label="Active filters">
            { for chips.into_iter().map(|(label, nq)| {
                let remove = Callback::from(move |_| set_query(nq.clone()));
                html! { <span class="chip">{label.clone()}<button type="button" onclick={remove} aria-label={format!("Remove filter {label}")}>{"×"}</button></span> }
            }) }
            <button type="button" class="link" onclick={clear}>{"Clear all"}</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FindBarProps {
    pub view: ViewHandle,
    pub report: Rc<Report>,
    pub query: LogQuery,
    pub find_ref: NodeRef,
    pub goto_ref: NodeRef,
    pub on_help: Callback<MouseEvent>,
}

/// Find in the view, go to a line or a time, next error or warning, Δ origin, print, copy the
/// selection, the row count.
#[function_component(FindBar)]
pub fn find_bar(p: &FindBarProps) -> Html {
    let v = &p.view.0;
    let goto = use_state(String::new);
    let time = use_state(String::new);
    let on_find_input = {
        let find = v.find.clone();
        Callback::from(move |e: InputEvent| find.emit((e.target_unchecked_into::<HtmlInputElement>().value(), true, false)))
    };
    let on_find_key = {
        let (find_text, find) = (v.state.find_text.clone(), v.find.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                find.emit(((*find_text).clone(), !e.shift_key(), true));
            }
        })
    };
    let on_goto_key = {
        let (goto, go, notice, q, report) = (goto.clone(), v.goto.clone(), v.set_notice.clone(), p.query.clone(), p.report.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Enter" {
                return;
            }
            e.prevent_default();
            let Ok(line) = goto.trim().parse::<u32>() else { return notice.emit(Some("Type a line number.".into())) };
            let file = q.files.last().and_then(|n| report.files.iter().position(|f| &f.name == n)).or_else(|| (report.files.len() == 1).then_some(0));
            match file {
                Some(file) => go.emit((file, line)),
                None => notice.emit(Some("Pick a file tab first: line numbers belong to one file.".into())),
            }
        })
    };
    let on_time_key = {
        let (time, go) = (time.clone(), v.go_time.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                go.emit((*time).clone());
            }
        })
    };
    let (first, _, zone) = time_hints(&p.report, &p.query);
    let nav = |kind: NextKind, forward: bool| {
        let next = v.next.clone();
        Callback::from(move |_| next.emit((kind, forward)))
    };
    let copy = |markdown: bool| {
        let copy = v.copy.clone();
        Callback::from(move |_| copy.emit(markdown))
    };
    let selected_rows = v.state.sel.len();
    let delta_on = v.state.delta_from.is_some();
    let delta = {
        let set = v.set_delta_from.clone();
        Callback::from(move |_| set.emit(!delta_on))
    };
    let print = {
        let print = v.print.clone();
        Callback::from(move |_| print.emit(()))
    };
    html! {
        <div class="findbar">
            <label class="field">
                <span class="sr-only">{"Find in view"}</span>
                <input ref={p.find_ref.clone()} type="search" class="find" placeholder="Find" title="Find in view: marks the matching lines; Enter goes to the next (Ctrl+F)" value={(*v.state.find_text).clone()} oninput={on_find_input} onkeydown={on_find_key} />
            </label>
            if let Some((c, _)) = v.state.find_info { <span class="muted find-count" aria-live="polite">{format!("{} match", counted_thousands(c, "line", "lines"))}</span> }
            <label class="field">
                <span class="sr-only">{"Go to line"}</span>
                <input ref={p.goto_ref.clone()} type="text" inputmode="numeric" class="goto" placeholder="Go to line" title="Go to a line of the file (Ctrl+G)" value={(*goto).clone()}
                    oninput={{ let goto = goto.clone(); Callback::from(move |e: InputEvent| goto.set(e.target_unchecked_into::<HtmlInputElement>().value())) }}
                    onkeydown={on_goto_key} />
            </label>
            <label class="field">
                <span class="sr-only">{format!("Go to time ({zone})")}</span>
                <input type="text" class="goto-time" placeholder="Go to time" title={first.map_or(format!("Go to the first line at or after this time, in {zone}"), |f| format!("Go to the first line at or after this time ({f}, say), in {zone}"))} value={(*time).clone()}
                    oninput={{ let time = time.clone(); Callback::from(move |e: InputEvent| time.set(e.target_unchecked_into::<HtmlInputElement>().value())) }}
                    onkeydown={on_time_key} />
            </label>
            <button type="button" onclick={nav(NextKind::Error, false)} title="Previous error (Shift+F3)">{"◀ Error"}</button>
            <button type="button" onclick={nav(NextKind::Error, true)} title="Next error (F3)">{"Error ▶"}</button>
            <button type="button" onclick={nav(NextKind::Warning, true)} title="Next warning (F4)">{"Warning ▶"}</button>
            <button type="button" class={classes!("toggle", delta_on.then_some("on"))} aria-pressed={delta_on.to_string()} onclick={delta}
                title="Δ column: count from the selected line instead of the previous line">{"Δ from here"}</button>
            <button type="button" onclick={print} title="Print the selected lines, or the lines in view (Ctrl+P)">{"Print"}</button>
            <button type="button" class="icon" onclick={p.on_help.clone()} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">{"?"}</button>
            // Always there (disabled without a selection): selecting never reflows the bars.
            <button type="button" disabled={selected_rows == 0} onclick={copy(false)} title="Copy the selected lines (Ctrl+C)">{match selected_rows { 0 => "Copy lines".to_string(), n => format!("Copy {}", counted(n, "line", "lines")) }}</button>
            <button type="button" disabled={selected_rows == 0} onclick={copy(true)} title="Copy as a Markdown code block with file names and line numbers (Ctrl+Shift+C)">{"Copy as Markdown"}</button>
            if !v.state.marks.is_empty() { <span class="muted small" title="F2 / Shift+F2: next / previous bookmark">{format!("◆ {}", counted(v.state.marks.len(), "bookmark", "bookmarks"))}</span> }
            <span class="count" aria-live="polite" data-testid="row-count">
                { match v.state.count { Some(c) => format!("{} of {} lines", thousands(c as u64), thousands(v.state.total as u64)), None => "Filtering…".into() } }
            </span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub detail: Option<(usize, String, bool)>,
    pub selected: Option<usize>,
}

/// The full text of the selected row.
#[function_component(DetailPane)]
pub fn detail_pane(p: &DetailProps) -> Html {
    match &p.detail {
        Some((i, text, truncated)) if Some(*i) == p.selected => html! {
            <section class="detail" aria-label="Selected line">
                <pre>{text.clone()}</pre>
                if *truncated { <p class="muted">{"(cut at 200,000 characters)"}</p> }
            </section>
        },
        // Always there, the same height: the list never shrinks under a row just selected.
        _ => html! { <section class="detail" aria-label="Selected line"><p class="muted">{"Select a line to read it in full here."}</p></section> },
    }
}

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub onclose: Callback<MouseEvent>,
}

/// The keys.
#[function_component(Help)]
pub fn help(p: &HelpProps) -> Html {
    html! {
        <div class="help" role="dialog" aria-label="Keyboard shortcuts">
            <h2>{"Keyboard"}</h2>
            <dl>
                <dt>{"F3 / Shift+F3"}</dt><dd>{"next / previous error (type 3) in the view, across files"}</dd>
                <dt>{"F4 / Shift+F4"}</dt><dd>{"next / previous warning (both skip routine noise unless “Stop on noise” is on)"}</dd>
                <dt>{"Ctrl+F2"}</dt><dd>{"bookmark the selected line, or remove its bookmark"}</dd>
                <dt>{"F2 / Shift+F2"}</dt><dd>{"next / previous bookmark (wraps around)"}</dd>
                <dt>{"↑ ↓ PgUp PgDn Home End"}</dt><dd>{"move the selection (Shift extends it)"}</dd>
                <dt>{"Ctrl+F or /"}</dt><dd>{"find in the view; Enter / Shift+Enter for next / previous"}</dd>
                <dt>{"Ctrl+G"}</dt><dd>{"go to a line of the file in the current tab"}</dd>
                <dt>{"Ctrl+C / Ctrl+Shift+C"}</dt><dd>{"copy the selected lines as text / as Markdown"}</dd>
                <dt>{"Ctrl+P"}</dt><dd>{"print the selected lines, or the lines in view"}</dd>
                <dt>{"← → on a column edge"}</dt><dd>{"resize the column (Shift: larger steps)"}</dd>
                <dt>{"Esc"}</dt><dd>{"close this help or the code panel"}</dd>
            </dl>
            <button type="button" onclick={p.onclose.clone()}>{"Close"}</button>
        </div>
    }
}
