//! Where the ConfigMgr software-update chain stands (`Report::chain`): the client's links
//! (policy → scan → deployments → content → maintenance window → install → restart) and the
//! site's (WSUS configuration → health → synchronization → software update points), each with
//! its state, its sentence and the lines that prove it. A link that fails or waits is open.

use std::rc::Rc;

use yew::prelude::*;

use wulens_core::model::LinkState;
use wulens_core::report::{chain_parts, link_state, ChainLinkReport};
use wulens_core::Report;

use crate::components::common::{jump, EvidenceList};

#[derive(Properties, PartialEq)]
pub struct ChainProps {
    pub report: Rc<Report>,
}

/// The CSS class of a state: the scan stepper's, where one fits.
fn class_of(s: LinkState) -> &'static str {
    match s {
        LinkState::Ok => "ok",
        LinkState::Failed => "failed",
        LinkState::Off | LinkState::Waiting => "waiting",
        LinkState::Running => "running",
        LinkState::NotReached => "not_reached",
        LinkState::NotInLogs => "unknown",
    }
}

/// The first screen's line of the chain: each link's mark and name, in order, a link to the
/// chain below (`Chain`), where each says why.
#[function_component(ChainStrip)]
pub fn chain_strip(p: &ChainProps) -> Html {
    let parts = chain_parts(&p.report.chain);
    html! {
        { for parts.into_iter().enumerate().map(|(i, (title, links))| html! {
            <p class="chain-strip small" data-testid="chain-strip">
                <a href="#/report" onclick={jump(format!("chain-{i}"))}>{format!("{title}:")}</a>
                { for links.into_iter().enumerate().map(|(j, l)| {
                    let label = format!("{}: {}", l.title, link_state(l.state));
                    html! {
                        <>
                            if j > 0 { <span class="muted" aria-hidden="true">{" → "}</span> }
                            <span class={classes!("chain-link", class_of(l.state))} title={label.clone()} aria-label={label} data-link={l.link.id()} data-state={l.state.id()}>
                                <span class={classes!("status", class_of(l.state))} aria-hidden="true">{l.state.mark()}</span>
                                {short_title(l)}
                            </span>
                        </>
                    }
                }) }
            </p>
        }) }
    }
}

/// A link's name in the strip: its title without what the chain section adds in brackets.
fn short_title(l: &ChainLinkReport) -> String {
    l.title.split(" (").next().unwrap_or(&l.title).to_string()
}

#[function_component(Chain)]
pub fn chain(p: &ChainProps) -> Html {
    let parts = chain_parts(&p.report.chain);
    html! {
        { for parts.into_iter().enumerate().map(|(i, (title, links))| html! {
            <section class="flow chain" id={format!("chain-{i}")} aria-label={title} data-testid="chain">
                <h2>{title}</h2>
                <ol class="stepper chain-links">
                    { for links.into_iter().enumerate().map(|(i, l)| link_item(i + 1, l)) }
                </ol>
            </section>
        }) }
    }
}

fn link_item(n: usize, l: &ChainLinkReport) -> Html {
    let class = class_of(l.state);
    let open = matches!(l.state, LinkState::Failed | LinkState::Waiting | LinkState::Off);
    let label = link_state(l.state);
    html! {
        <li class={classes!("step", class)} data-link={l.link.id()} data-state={l.state.id()}>
            <details open={open}>
                <summary>
                    <span class={classes!("status", class)} role="img" aria-label={label} title={label}>{l.state.mark()}</span>
                    <span class="num">{n}</span>
                    <span class="title">{l.title.clone()}</span>
                    <span class={classes!("status-word", class)}>{label}</span>
                </summary>
                <div class="step-body">
                    <p class="reason">{l.summary.clone()}</p>
                    if !l.evidence.is_empty() {
                        <EvidenceList evidence={l.evidence.clone()} />
                    }
                </div>
            </details>
        </li>
    }
}
