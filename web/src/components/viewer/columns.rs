//! The grid's header row (a resizable edge on each column: drag it, or focus it and use the
//! arrow keys) and the grid's options: the Columns menu, Wrap, and whether F3 / F4 stop on
//! routine noise. Widths, hidden columns and options live in the URL with the filters.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::{Element, HtmlElement, PointerEvent};
use yew::prelude::*;

use super::hook::set_query;
use super::logic::columns::{column_width, resize_key, toggle_column, with_width, Column, MAX_COL, MIN_COL};
use crate::route::LogQuery;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub query: LogQuery,
    pub columns: Vec<Column>,
    /// "Δ since WUAHandler.log:12" when Δ counts from a chosen row.
    pub delta_label: Option<String>,
}

/// A drag in progress: the column, where the pointer started, the width then, the width now.
#[derive(Clone, Copy)]
struct Drag {
    column: Column,
    x0: f64,
    w0: u32,
    w: i64,
}

fn grid_of(e: &PointerEvent) -> Option<HtmlElement> {
    let el: Element = e.target_dyn_into::<Element>()?;
    el.closest(".grid").ok().flatten().and_then(|g| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(g).ok())
}

#[function_component(ColumnHeader)]
pub fn column_header(p: &HeaderProps) -> Html {
    let drag = use_mut_ref(|| None::<Drag>);
    let cells = p.columns.iter().map(|&c| {
        let label = match (c, &p.delta_label) {
            (Column::Delta, Some(l)) => l.clone(),
            _ => c.label().to_string(),
        };
        let title = match c {
            Column::Delta => "Time since the previous line (or since the line chosen with “Δ from here”)",
            _ => "",
        };
        html! {
            <span class={format!("c-{}", c.id())} role="columnheader" title={title}>
                <span class="label">{label}</span>
                if c.resizable() { { resize_handle(c, &p.query, &drag) } }
            </span>
        }
    });
    html! {
        <div class="grid-head" role="rowgroup">
            <div class="head-row" role="row">
                <span class="stripe" aria-hidden="true"></span>
                <span class="c-mark" aria-hidden="true"></span>
                { for cells }
            </div>
        </div>
    }
}

/// The edge of a column's header: drag it, or focus it and press ← / → (Shift: larger steps).
fn resize_handle(c: Column, q: &LogQuery, drag: &Rc<RefCell<Option<Drag>>>) -> Html {
    let width = column_width(q, c);
    let down = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            e.prevent_default();
            if let Some(t) = e.target_dyn_into::<Element>() {
                let _ = t.set_pointer_capture(e.pointer_id());
            }
            *drag.borrow_mut() = Some(Drag { column: c, x0: e.client_x() as f64, w0: width, w: width as i64 });
        })
    };
    let moved = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            let mut d = drag.borrow_mut();
            let Some(d) = d.as_mut().filter(|d| d.column == c) else { return };
            d.w = (d.w0 as i64 + (e.client_x() as f64 - d.x0) as i64).clamp(MIN_COL as i64, MAX_COL as i64);
            // Live: only the grid's custom property changes; the URL is written on release.
            if let Some(g) = grid_of(&e) {
                let _ = g.style().set_property(&format!("--w-{}", c.id()), &format!("{}px", d.w));
            }
        })
    };
    let up = {
        let (drag, q) = (drag.clone(), q.clone());
        Callback::from(move |_: PointerEvent| {
            if let Some(d) = drag.borrow_mut().take().filter(|d| d.column == c) {
                if d.w != d.w0 as i64 {
                    set_query(with_width(&q, c, d.w));
                }
            }
        })
    };
    let key = {
        let q = q.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(w) = resize_key(width, &e.key(), e.shift_key()) {
                e.prevent_default();
                set_query(with_width(&q, c, w));
            }
        })
    };
    html! {
        <span class="resize" role="separator" tabindex="0" aria-orientation="vertical" aria-label={format!("Resize the {} column", c.label())}
            aria-valuenow={width.to_string()} aria-valuemin={MIN_COL.to_string()} aria-valuemax={MAX_COL.to_string()}
            title="Drag to resize (or focus and press ← →)"
            onpointerdown={down} onpointermove={moved} onpointerup={up.clone()} onpointercancel={up} onkeydown={key}></span>
    }
}

#[derive(Properties, PartialEq)]
pub struct OptionsProps {
    pub query: LogQuery,
}

/// The Columns menu (show or hide each column), Wrap, and "Stop on noise" for F3 / F4.
#[function_component(GridOptions)]
pub fn grid_options(p: &OptionsProps) -> Html {
    let q = &p.query;
    let set = |f: fn(&mut LogQuery)| {
        let q = q.clone();
        Callback::from(move |_| {
            let mut nq = q.clone();
            f(&mut nq);
            set_query(nq);
        })
    };
    let boxes = Column::ALL.into_iter().filter(|c| *c != Column::Message).map(|c| {
        let shown = !q.hidden_cols.iter().any(|h| h == c.id());
        let onchange = {
            let q = q.clone();
            Callback::from(move |_| set_query(toggle_column(&q, c)))
        };
        let label = if c == Column::Delta { "Δ (time since the previous line)" } else { c.label() };
        html! { <label><input type="checkbox" checked={shown} {onchange} data-col={c.id()} />{label}</label> }
    });
    html! {
        <>
            <details class="columns-menu">
                <summary>{"Columns"}</summary>
                <div class="menu" role="group" aria-label="Columns shown">{ for boxes }</div>
            </details>
            <button type="button" class={classes!("toggle", q.wrap.then_some("on"))} aria-pressed={q.wrap.to_string()} title="Wrap long messages over three lines" onclick={set(|x| x.wrap = !x.wrap)}>{"Wrap"}</button>
            <button type="button" class={classes!("toggle", q.routine.then_some("on"))} aria-pressed={q.routine.to_string()}
                title="F3 / F4 also stop on lines whose codes the knowledge base marks as routine in that log (e.g. CBS's file-not-found probes)" onclick={set(|x| x.routine = !x.routine)}>{"Stop on noise"}</button>
        </>
    }
}
