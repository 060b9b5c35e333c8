//! Small pieces shared by pages: copy buttons, commands, code links, evidence lines.

use yew::prelude::*;

use wulens_core::model::{base_name, Evidence, StepStatus};
use wulens_kb::{Source, Step};

use crate::page::split_time;
use crate::route::{LogQuery, Route};

/// Counts from 0 up to `last`, one step after each frame the browser draws. A long page drawn in
/// parts (its first part at 0) keeps every task of the main thread short: drawn in one go, a big
/// report's DOM work and first layout block the page for about 100 ms. `key` names what is drawn:
/// drawn whole once, it is drawn whole at once when the page comes back to it, so that the
/// browser can restore where it was scrolled to. `at_once` draws it whole at once anyway (a page
/// that replaces one already drawn: drawn in parts, its sections would flicker).
#[hook]
pub fn use_reveal(last: u8, key: usize, at_once: bool) -> u8 {
    thread_local! {
        static DRAWN_WHOLE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }
    let stage = use_state_eq(|| if at_once || DRAWN_WHOLE.get() == key { last } else { 0 });
    {
        let stage = stage.clone();
        use_effect_with((*stage, key), move |&(now, key)| {
            if now < last {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(crate::js::after_paint()).await;
                    stage.set(now + 1);
                });
            } else {
                DRAWN_WHOLE.set(key);
            }
        });
    }
    *stage
}

#[derive(Properties, PartialEq)]
pub struct CopyProps {
    pub text: AttrValue,
    #[prop_or(AttrValue::Static("Copy"))]
    pub label: AttrValue,
    #[prop_or_default]
    pub title: AttrValue,
}

/// A button that copies `text` and says so.
#[function_component(CopyButton)]
pub fn copy_button(p: &CopyProps) -> Html {
    let state = use_state(|| 0u8); // 0 idle, 1 copied, 2 failed
    let onclick = {
        let text = p.text.to_string();
        let state = state.clone();
        Callback::from(move |_| {
            let state = state.clone();
            crate::js::copy_text(&text, move |ok| state.set(if ok { 1 } else { 2 }));
        })
    };
    let label = match *state {
        1 => "Copied".to_string(),
        2 => "Copy failed".to_string(),
        _ => p.label.to_string(),
    };
    let title = if p.title.is_empty() { format!("Copy: {}", p.text) } else { p.title.to_string() };
    html! { <button type="button" class="copy" {onclick} {title} aria-live="polite">{label}</button> }
}

#[derive(Properties, PartialEq)]
pub struct CommandProps {
    pub command: AttrValue,
}

/// A command as a command: monospace, selectable, with a copy button.
#[function_component(Command)]
pub fn command(p: &CommandProps) -> Html {
    html! {
        <div class="command">
            <code>{p.command.clone()}</code>
            <CopyButton text={p.command.clone()} title={AttrValue::from(format!("Copy the command {}", p.command))} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct StepsProps {
    pub steps: Vec<Step>,
    #[prop_or(true)]
    pub ordered: bool,
}

/// Ordered mitigation steps, commands shown as commands.
#[function_component(Steps)]
pub fn steps(p: &StepsProps) -> Html {
    let items = p.steps.iter().map(|s| {
        html! {
            <li>
                <span>{s.text.clone()}</span>
                if let Some(c) = &s.command { <Command command={AttrValue::from(c.clone())} /> }
            </li>
        }
    });
    if p.ordered {
        html! { <ol class="steps">{ for items }</ol> }
    } else {
        html! { <ul class="steps">{ for items }</ul> }
    }
}

#[derive(Properties, PartialEq)]
pub struct CodeLinkProps {
    pub code: AttrValue,
    #[prop_or_default]
    pub symbol: AttrValue,
}

/// A code that opens its knowledge-base entry.
#[function_component(CodeLink)]
pub fn code_link(p: &CodeLinkProps) -> Html {
    let href = crate::route::to_hash(&Route::KbEntry(p.code.to_string(), String::new()));
    let title = if p.symbol.is_empty() { format!("What {} means", p.code) } else { format!("{} {}", p.code, p.symbol) };
    html! { <a class="code" {href} {title}>{p.code.clone()}</a> }
}

#[derive(Properties, PartialEq)]
pub struct EvidenceProps {
    pub evidence: Vec<Evidence>,
    #[prop_or(6)]
    pub max: usize,
}

/// Log lines that prove something; each opens the log viewer at that line.
#[function_component(EvidenceList)]
pub fn evidence_list(p: &EvidenceProps) -> Html {
    if p.evidence.is_empty() {
        return html! {};
    }
    html! {
        <ul class="evidence">
            { for p.evidence.iter().take(p.max).map(|e| {
                let at = format!("{}:{}", e.file, e.line);
                let href = crate::route::to_hash(&Route::Log(LogQuery { at: at.clone(), ..LogQuery::default() }));
                let short = base_name(&e.file);
                let time = e.time.as_deref().map(|t| split_time(t).0).unwrap_or_default();
                html! {
                    <li>
                        <a class="where" {href} title={format!("Show {} line {} in the log viewer", e.file, e.line)}>{format!("{short}:{}", e.line)}</a>
                        if !time.is_empty() { <span class="time">{time}</span> }
                        <span class="text">{e.text.clone()}</span>
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct SourcesProps {
    pub sources: Vec<Source>,
}

/// Where the facts come from.
#[function_component(Sources)]
pub fn sources(p: &SourcesProps) -> Html {
    if p.sources.is_empty() {
        return html! {};
    }
    html! {
        <p class="sources">
            {"Source: "}
            { for p.sources.iter().enumerate().map(|(i, s)| html! {
                <>
                    if i > 0 { {"; "} }
                    <cite title={s.doc.clone()}>{crate::page::source_label(&s.doc, &s.section)}</cite>
                    if !s.section.is_empty() && !crate::page::sdk_doc(&s.doc) { {format!(", “{}”", s.section)} }
                </>
            }) }
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    pub status: StepStatus,
}

/// ✔ ✘ … ? ⟳ with a text label for screen readers.
#[function_component(StatusIcon)]
pub fn status_icon(p: &StatusProps) -> Html {
    let label = step_status_label(p.status);
    html! { <span class={classes!("status", p.status.id())} role="img" aria-label={label} title={label}>{p.status.mark()}</span> }
}

/// A step status in words.
pub fn step_status_label(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Ok => "ok",
        StepStatus::Failed => "failed",
        StepStatus::NotReached => "not reached",
        StepStatus::Running => "still running when the log ends",
        StepStatus::Unknown => "unknown",
    }
}

/// A link to a part of this page (`id`): scrolls it into view and moves focus there, without
/// touching the address (a `#id` hash would be read as a route, and the page would be lost).
pub fn jump(id: String) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id)) else { return };
        el.scroll_into_view();
        if let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            if !h.has_attribute("tabindex") {
                let _ = h.set_attribute("tabindex", "-1");
            }
            let _ = h.focus();
        }
    })
}
