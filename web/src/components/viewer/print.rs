//! What the viewer prints: the selected lines, or the first lines of the view with a note, as
//! a plain table (the virtual list only holds the rows on screen). Hidden on screen.

use std::rc::Rc;

use wulens_core::model::base_name;
use wulens_core::Report;
use yew::prelude::*;

use super::hook::ViewHandle;
use crate::route::LogQuery;

#[derive(Properties, PartialEq)]
pub struct PrintProps {
    pub view: ViewHandle,
    pub report: Rc<Report>,
    pub query: LogQuery,
}

#[function_component(PrintRows)]
pub fn print_rows(p: &PrintProps) -> Html {
    let Some(rows) = &p.view.0.state.print_rows else {
        return html! { <section class="print-rows"><p>{"Use the viewer's Print button (or Ctrl+P in the viewer) to print the selected lines or the lines in view."}</p></section> };
    };
    let (rows, note) = &**rows;
    let name = |f: u32| p.report.files.get(f as usize).map(|f| base_name(&f.name).to_string()).unwrap_or_default();
    html! {
        <section class="print-rows">
            <p class="note">{note.clone()}</p>
            <table>
                <thead><tr><th>{"Time"}</th><th>{"File:line"}</th><th>{"Severity"}</th><th>{"Component"}</th><th>{"Message"}</th></tr></thead>
                <tbody>
                    { for rows.iter().map(|r| {
                        let time = if p.query.utc { &r.time_utc } else { &r.time };
                        html! { <tr class={r.severity.label()}><td>{time.get(..23).unwrap_or(time).replace('T', " ")}</td><td>{format!("{}:{}", name(r.file), r.line)}</td><td>{r.severity.label()}</td><td>{r.component.clone()}</td><td>{r.text.clone()}</td></tr> }
                    }) }
                </tbody>
            </table>
        </section>
    }
}
