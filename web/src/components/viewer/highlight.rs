//! Highlight rules, as in CMTrace: rows whose message contains a text (or matches a regular
//! expression) take a colour. Added from a small dialog, shown as chips, kept in the URL.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::hook::set_query;
use super::logic::find::{rule_problem, HIGHLIGHT_COLORS};
use crate::route::{Highlight, LogQuery};

#[derive(Properties, PartialEq)]
pub struct HighlightsProps {
    pub query: LogQuery,
}

#[function_component(Highlights)]
pub fn highlights(p: &HighlightsProps) -> Html {
    let q = &p.query;
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |()| open.set(false))
    };
    let chips = q.highlights.iter().enumerate().map(|(i, h)| {
        let remove = {
            let q = q.clone();
            Callback::from(move |_| {
                let mut nq = q.clone();
                nq.highlights.remove(i);
                set_query(nq);
            })
        };
        let label = format!("{}{}", if h.regex { "regex: " } else { "" }, h.text);
        html! {
            <span class={format!("chip hl-chip hl-{}", h.color)}>
                <span class="swatch" aria-hidden="true"></span>{label.clone()}
                <button type="button" onclick={remove} aria-label={format!("Remove highlight {label}")}>{"×"}</button>
            </span>
        }
    });
    html! {
        <span class="highlights">
            <button type="button" class="toggle" onclick={toggle} aria-expanded={open.to_string()} title="Colour the lines that contain a text, as CMTrace does">{"Highlight…"}</button>
            { for chips }
            if *open { <RuleDialog query={q.clone()} onclose={close} /> }
        </span>
    }
}

#[derive(Properties, PartialEq)]
struct DialogProps {
    query: LogQuery,
    onclose: Callback<()>,
}

#[function_component(RuleDialog)]
fn rule_dialog(p: &DialogProps) -> Html {
    let text = use_state(String::new);
    let regex = use_state(|| false);
    let color = use_state(|| HIGHLIGHT_COLORS[p.query.highlights.len() % HIGHLIGHT_COLORS.len()].0.to_string());
    let problem = use_state(|| None::<String>);
    let input_ref = use_node_ref();
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
            || ()
        });
    }
    let add = {
        let (q, text, regex, color, problem, close) = (p.query.clone(), text.clone(), regex.clone(), color.clone(), problem.clone(), p.onclose.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(m) = rule_problem(&text, *regex) {
                return problem.set(Some(m));
            }
            let mut nq = q.clone();
            nq.highlights.push(Highlight { text: text.trim().to_string(), regex: *regex, color: (*color).clone() });
            set_query(nq);
            close.emit(());
        })
    };
    let swatches = HIGHLIGHT_COLORS.iter().map(|(id, label)| {
        let onchange = {
            let (color, id) = (color.clone(), id.to_string());
            Callback::from(move |_| color.set(id.clone()))
        };
        html! { <label class={format!("swatch-pick hl-{id}")}><input type="radio" name="hl-color" value={*id} checked={*color == *id} {onchange} /><span>{*label}</span></label> }
    });
    html! {
        <div class="hl-dialog" role="dialog" aria-label="Add a highlight rule">
            <form onsubmit={add}>
                <label class="block">{"Lines containing"}
                    <input ref={input_ref} type="text" value={(*text).clone()} spellcheck="false" placeholder="e.g. 0x8024 or proxy"
                        oninput={{ let text = text.clone(); Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                </label>
                <label><input type="checkbox" checked={*regex} onchange={{ let regex = regex.clone(); Callback::from(move |_| regex.set(!*regex)) }} />{" Regular expression"}</label>
                <fieldset><legend>{"Colour"}</legend>{ for swatches }</fieldset>
                if let Some(m) = &*problem { <p class="alert error" role="alert">{m.clone()}</p> }
                <div class="buttons">
                    <button type="submit" class="primary">{"Add"}</button>
                    <button type="button" onclick={{ let close = p.onclose.clone(); Callback::from(move |_| close.emit(())) }}>{"Close"}</button>
                </div>
            </form>
        </div>
    }
}
