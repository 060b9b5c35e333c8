//! The grid: a header row (columns.rs) over the virtual list, where only the rows in the
//! viewport are in the DOM, positioned in a tall spacer.

use std::rc::Rc;

use wulens_core::model::base_name;
use wulens_core::report::thousands;
use wulens_core::viewer::Row;
use wulens_core::Report;
use yew::prelude::*;

use super::columns::ColumnHeader;
use super::hook::ViewHandle;
use super::logic::columns::{column_style, visible_columns, Column};
use super::logic::files::file_color;
use super::logic::find::{find_ranges, split_marks, Rules};
use super::logic::zones::format_delta;
use crate::route::{severity_name, LogQuery};

#[derive(Properties, PartialEq)]
pub struct ListProps {
    pub view: ViewHandle,
    pub report: Rc<Report>,
    pub query: LogQuery,
    /// Open a code's entry beside the list.
    pub open_code: Callback<String>,
}

/// What every row of one render shares.
struct RowCtx<'a> {
    report: &'a Report,
    utc: bool,
    columns: &'a [Column],
    rules: Rules,
    find: &'a str,
    delta_from: Option<i64>,
    open_code: &'a Callback<String>,
}

#[function_component(VirtualList)]
pub fn virtual_list(p: &ListProps) -> Html {
    let v = &p.view.0;
    let g = v.geometry;
    let n = v.len();
    let q = &p.query;
    let columns = visible_columns(q, q.files.len() != 1);
    let ctx = RowCtx {
        report: &p.report,
        utc: q.utc,
        columns: &columns,
        rules: Rules::new(&q.highlights),
        find: v.state.find_text.as_str(),
        delta_from: v.state.delta_from.map(|(ms, _, _)| ms),
        open_code: &p.open_code,
    };
    let rows: Html = {
        let c = v.cache.borrow();
        (g.first..g.last)
            .map(|i| {
                let top = g.top + (i - g.first) as f64 * v.row_h;
                let onclick = {
                    let select = v.select.clone();
                    Callback::from(move |e: MouseEvent| select.emit((i, e.shift_key())))
                };
                match c.row(i) {
                    Some(r) => render_row(r, top, v.state.sel.contains(i), v.state.marks.contains(&(r.file, r.line)), &ctx, onclick),
                    None => html! { <div class="row placeholder" style={format!("top:{top}px")} role="row" aria-busy="true"></div> },
                }
            })
            .collect()
    };
    let delta_label =
        v.state.delta_from.map(|(_, file, line)| format!("Δ since {}:{line}", p.report.files.get(file as usize).map_or("", |f| base_name(&f.name))));
    html! {
        <div class={classes!("grid", q.wrap.then_some("wrap"))} role="grid" aria-label="Log lines" aria-rowcount={(n + 1).to_string()} style={column_style(q)}>
            <ColumnHeader query={q.clone()} columns={columns.clone()} {delta_label} />
            <div class="list" ref={v.list_ref.clone()} tabindex="0" role="rowgroup" aria-label="Lines" onscroll={v.onscroll.clone()}>
                <div class="spacer-v" style={format!("height:{}px", g.spacer)}>{ rows }</div>
                if n == 0 && v.state.count.is_some() { <p class="empty">{"No line matches the filters."}</p> }
            </div>
        </div>
    }
}

/// The text of a row: its codes as buttons, find matches as marks (char offsets throughout;
/// every piece is text, never HTML).
fn text_parts(r: &Row, find: &str, open_code: &Callback<String>) -> Vec<Html> {
    let chars: Vec<char> = r.text.chars().collect();
    let marks = find_ranges(&r.text, find);
    let piece = |s: usize, e: usize| -> Html {
        split_marks(s, e, &marks)
            .into_iter()
            .map(|(a, b, marked)| {
                let t: String = chars[a..b].iter().collect();
                if marked {
                    html! { <mark>{t}</mark> }
                } else {
                    html! { {t} }
                }
            })
            .collect()
    };
    let mut parts: Vec<Html> = Vec::new();
    let mut pos = 0usize;
    for (s, e, code) in &r.codes {
        let (s, e) = (*s as usize, (*e as usize).min(chars.len()));
        if s < pos || s > e {
            continue;
        }
        parts.push(piece(pos, s));
        let open = {
            let (open_code, code) = (open_code.clone(), code.clone());
            Callback::from(move |ev: MouseEvent| {
                ev.stop_propagation();
                open_code.emit(code.clone());
            })
        };
        parts.push(
            html! { <button type="button" class="code-inline" onclick={open} title={format!("{code}: open the knowledge-base entry")}>{piece(s, e)}</button> },
        );
        pos = e;
    }
    parts.push(piece(pos.min(chars.len()), chars.len()));
    parts
}

fn cell(r: &Row, c: Column, marked: bool, x: &RowCtx) -> Html {
    let class = format!("c-{}", c.id());
    match c {
        Column::File => {
            let name = x.report.files.get(r.file as usize).map(|f| f.name.clone()).unwrap_or_default();
            html! { <span {class} role="gridcell" title={name.clone()}>{base_name(&name).to_string()}</span> }
        }
        Column::Line => html! { <span {class} role="gridcell">{r.line}</span> },
        Column::Time => {
            let time = if x.utc { &r.time_utc } else { &r.time };
            // The date apart, so a narrow screen can show the time of day alone.
            let (date, clock) = time.get(..23).unwrap_or(time).split_once('T').unwrap_or(("", time));
            html! { <span {class} role="gridcell" title={time.clone()}><span class="date">{format!("{date} ")}</span>{clock.to_string()}</span> }
        }
        Column::Delta => {
            let d = match x.delta_from {
                Some(from) => r.ms.map(|t| t - from),
                None => r.delta_ms,
            };
            html! { <span {class} role="gridcell">{d.map(format_delta).unwrap_or_default()}</span> }
        }
        Column::Component => html! { <span {class} role="gridcell" title={r.component.clone()}>{r.component.clone()}</span> },
        Column::Thread => html! { <span {class} role="gridcell">{r.thread.clone()}</span> },
        Column::Message => {
            let cut = if r.truncated { format!(" … ({} characters; select the line to see more)", thousands(r.chars)) } else { String::new() };
            html! {
                <span {class} role="gridcell">
                    if marked { <span class="sr-only">{"Bookmarked: "}</span> }
                    { for text_parts(r, x.find, x.open_code) }<span class="muted">{cut}</span>
                </span>
            }
        }
    }
}

fn render_row(r: &Row, top: f64, selected: bool, marked: bool, x: &RowCtx, onclick: Callback<MouseEvent>) -> Html {
    // Unparsed lines have no severity: they show as plain text.
    let severity = severity_name(r.severity);
    let hl = x.rules.color(&r.text).map(|c| format!("hl hl-{c}"));
    let file = x.report.files.get(r.file as usize).map(|f| base_name(&f.name).to_string()).unwrap_or_default();
    html! {
        <div class={classes!("row", severity, selected.then_some("selected"), marked.then_some("marked"), r.routine.then_some("routine"), hl)} style={format!("top:{top}px")} role="row" aria-selected={selected.to_string()} {onclick}
             data-file={r.file.to_string()} data-line={r.line.to_string()} data-severity={severity}>
            <span class="stripe" style={format!("background:{}", file_color(r.file))} title={file} aria-hidden="true"></span>
            <span class="c-mark" title={if marked { "Bookmarked (F2 / Shift+F2 to jump, Ctrl+F2 to remove)" } else { "" }} aria-hidden="true">{if marked { "◆" } else { "" }}</span>
            { for x.columns.iter().map(|c| cell(r, *c, marked, x)) }
        </div>
    }
}
