//! The log viewer: the merged timeline of all files (or one file per tab), virtualised.
//!
//! In parts, like Yew's examples: the state, its actions and the reducer are state.rs;
//! `use_log_view` (hook.rs) holds it and talks to the worker; the parts (parts.rs, list.rs,
//! columns.rs, highlight.rs, aside.rs, timezones.rs, print.rs) draw it; logic/ is the pure
//! logic, one job per file (geometry, the row cache, selection, keys, columns, find marks, time
//! zones, files, the query), tested natively. The filter state is the route
//! (`#/log?sev=error&q=...`): a reload or a shared link restores it.

mod aside;
mod columns;
mod highlight;
mod hook;
mod list;
pub mod logic;
mod parts;
mod print;
mod state;
mod timezones;

use std::rc::Rc;

use web_sys::{Element, HtmlElement};
use wulens_core::Report;
use yew::prelude::*;

use crate::components::follow::FollowBar;
use crate::route::LogQuery;
use crate::state::Follow;
use aside::{CodePanel, CodesAside};
use columns::GridOptions;
use highlight::Highlights;
use hook::{page_rows, use_log_view, LogView, ViewHandle};
use list::VirtualList;
use logic::keys::{key_action, KeyAction};
use parts::{Chips, DetailPane, FilterBar, FindBar, Help, Tabs};
use print::PrintRows;

#[derive(Properties, PartialEq)]
pub struct ViewerProps {
    pub report: Rc<Report>,
    pub query: LogQuery,
    pub generation: u32,
    #[prop_or_default]
    pub follow: Follow,
}

fn focus(r: &NodeRef) {
    if let Some(el) = r.cast::<HtmlElement>() {
        let _ = el.focus();
    }
}

/// Is the key event's target a place to type (then most keys are the field's)?
fn typing(e: &KeyboardEvent) -> bool {
    e.target_dyn_into::<Element>().is_some_and(|el| {
        matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA") || el.closest("[role=dialog], [role=separator]").ok().flatten().is_some()
    })
}

/// The viewer's keys, wherever the focus is in it (logic/keys.rs decides, this does).
fn onkeydown(
    v: &LogView,
    find_ref: &NodeRef,
    goto_ref: &NodeRef,
    help: &UseStateHandle<bool>,
    side_code: &UseStateHandle<Option<String>>,
) -> Callback<KeyboardEvent> {
    let (v, find_ref, goto_ref, help, side_code) = (v.clone(), find_ref.clone(), goto_ref.clone(), help.clone(), side_code.clone());
    Callback::from(move |e: KeyboardEvent| {
        let in_field = typing(&e);
        let Some(action) = key_action(&e.key(), e.shift_key(), e.ctrl_key() || e.meta_key(), v.state.sel.cursor, v.len(), page_rows(&v), in_field) else {
            return;
        };
        e.prevent_default();
        match action {
            KeyAction::ToggleMark => v.toggle_mark.emit(()),
            KeyAction::Mark(forward) => v.jump_mark.emit(forward),
            KeyAction::Print => v.print.emit(()),
            KeyAction::Select(i, extend) => v.select.emit((i, extend)),
            KeyAction::Next(kind, forward) => v.next.emit((kind, forward)),
            KeyAction::FocusFind => focus(&find_ref),
            KeyAction::FocusGoto => focus(&goto_ref),
            KeyAction::Copy(markdown) => v.copy.emit(markdown),
            KeyAction::ToggleHelp => help.set(!*help),
            KeyAction::Escape => {
                help.set(false);
                side_code.set(None);
                focus(&v.list_ref);
            }
        }
    })
}

#[function_component(LogViewer)]
pub fn log_viewer(p: &ViewerProps) -> Html {
    let v = use_log_view(p.report.clone(), p.query.clone(), p.generation, (p.follow.revision, p.follow.rows));
    let help = use_state(|| false);
    let side_code = use_state(|| None::<String>);
    let codes_folded = use_state(|| false);
    let fold_codes = {
        let codes_folded = codes_folded.clone();
        Callback::from(move |_| codes_folded.set(!*codes_folded))
    };
    let find_ref = use_node_ref();
    let goto_ref = use_node_ref();
    let open_code = {
        let side_code = side_code.clone();
        Callback::from(move |c: String| side_code.set(Some(c)))
    };
    let toggle_help = {
        let help = help.clone();
        Callback::from(move |_| help.set(!*help))
    };
    let q = &p.query;
    html! {
        <main class="page viewer" aria-label="Log viewer" onkeydown={onkeydown(&v, &find_ref, &goto_ref, &help, &side_code)}>
            <FollowBar follow={p.follow.clone()} />
            <Tabs report={p.report.clone()} query={q.clone()} />
            // The filter bar, the grid options and the find bar flow as one run of tools: two rows
            // at 1280 px, more only on a narrower window.
            <div class="tools">
                <FilterBar report={p.report.clone()} query={q.clone()} components={v.state.components.clone()} />
                <div class="gridbar">
                    <GridOptions query={q.clone()} />
                    <Highlights query={q.clone()} />
                </div>
                <FindBar view={ViewHandle(v.clone())} report={p.report.clone()} query={q.clone()} find_ref={find_ref.clone()} goto_ref={goto_ref.clone()} on_help={toggle_help.clone()} />
            </div>
            <Chips query={q.clone()} />
            if let Some(e) = &v.state.error { <div class="alert error" role="alert">{e.clone()}</div> }
            if let Some(m) = &v.state.notice { <div class="alert info" role="status">{m.clone()}</div> }
            <div class={classes!("viewer-body", (*codes_folded && side_code.is_none()).then_some("codes-folded"))}>
                <VirtualList view={ViewHandle(v.clone())} report={p.report.clone()} query={q.clone()} open_code={open_code.clone()} />
                if let Some(code) = &*side_code {
                    <CodePanel code={code.clone()} onclose={{ let side_code = side_code.clone(); Callback::from(move |_| side_code.set(None)) }} />
                } else {
                    <CodesAside codes={v.state.codes.clone()} {open_code} collapsed={*codes_folded} ontoggle={fold_codes} />
                }
            </div>
            <DetailPane detail={v.state.detail.clone()} selected={v.state.sel.cursor} />
            if *help { <Help onclose={toggle_help} /> }
            <PrintRows view={ViewHandle(v.clone())} report={p.report.clone()} query={q.clone()} />
        </main>
    }
}
