//! The virtual list: only the rows in the viewport are in the DOM, positioned in a tall spacer.

use std::rc::Rc;

use wulens_core::model::{base_name, Severity};
use wulens_core::{thousands, Report, Row};
use yew::prelude::*;

use super::logic::{file_color, ROW_H};
use super::ViewHandle;

#[derive(Properties, PartialEq)]
pub struct ListProps {
    pub view: ViewHandle,
    pub report: Rc<Report>,
    pub utc: bool,
    pub show_file: bool,
    pub onkeydown: Callback<KeyboardEvent>,
    /// Open a code's entry beside the list.
    pub open_code: Callback<String>,
}

#[function_component(VirtualList)]
pub fn virtual_list(p: &ListProps) -> Html {
    let v = &p.view.0;
    let g = v.geometry;
    let n = v.len();
    let rows: Html = {
        let c = v.cache.borrow();
        (g.first..g.last)
            .map(|i| {
                let top = g.top + (i - g.first) as f64 * ROW_H;
                let onclick = {
                    let select = v.select.clone();
                    Callback::from(move |e: MouseEvent| select.emit((i, e.shift_key())))
                };
                match c.row(i) {
                    Some(r) => render_row(r, top, v.sel.contains(i), p, onclick),
                    None => html! { <div class="row placeholder" style={format!("top:{top}px")} role="row" aria-busy="true"></div> },
                }
            })
            .collect()
    };
    html! {
        <div class="list" ref={v.list_ref.clone()} tabindex="0" role="grid" aria-rowcount={n.to_string()} aria-label="Log lines" onscroll={v.onscroll.clone()} onkeydown={p.onkeydown.clone()}>
            <div class="spacer-v" style={format!("height:{}px", g.spacer)}>{ rows }</div>
            if n == 0 && v.count.is_some() { <p class="empty">{"No line matches the filters."}</p> }
        </div>
    }
}

/// The text of a row with its codes as buttons (char offsets from the worker).
fn text_parts(r: &Row, open_code: &Callback<String>) -> Vec<Html> {
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
            let (open_code, code) = (open_code.clone(), code.clone());
            Callback::from(move |ev: MouseEvent| {
                ev.stop_propagation();
                open_code.emit(code.clone());
            })
        };
        parts.push(html! { <button type="button" class="code-inline" onclick={open} title={format!("{code}: open the knowledge-base entry")}>{chars[s..e].iter().collect::<String>()}</button> });
        pos = e;
    }
    parts.push(html! { {chars[pos.min(chars.len())..].iter().collect::<String>()} });
    parts
}

fn render_row(r: &Row, top: f64, selected: bool, p: &ListProps, onclick: Callback<MouseEvent>) -> Html {
    let time = if p.utc { &r.time_utc } else { &r.time };
    // Unparsed lines have no severity: they show as plain text.
    let severity = if r.severity == Severity::None { "text" } else { r.severity.label() };
    let time_short = time.get(..23).unwrap_or(time).replace('T', " ");
    let file = p.report.files.get(r.file as usize).map(|f| base_name(&f.name).to_string()).unwrap_or_default();
    let cut = if r.truncated { format!(" … ({} characters; select the line to see more)", thousands(r.chars)) } else { String::new() };
    html! {
        <div class={classes!("row", severity, selected.then_some("selected"))} style={format!("top:{top}px")} role="row" aria-selected={selected.to_string()} {onclick}
             data-file={r.file.to_string()} data-line={r.line.to_string()} data-severity={severity}>
            <span class="stripe" style={format!("background:{}", file_color(r.file))} title={file.clone()} aria-hidden="true"></span>
            if p.show_file { <span class="c-file" role="gridcell" title={file.clone()}>{file.clone()}</span> }
            <span class="c-line" role="gridcell">{r.line}</span>
            <span class="c-time" role="gridcell" title={time.clone()}>{time_short}</span>
            <span class="c-comp" role="gridcell" title={r.component.clone()}>{r.component.clone()}</span>
            <span class="c-thread" role="gridcell">{r.thread.clone()}</span>
            <span class="c-text" role="gridcell">{ for text_parts(r, &p.open_code) }<span class="muted">{cut}</span></span>
        </div>
    }
}
