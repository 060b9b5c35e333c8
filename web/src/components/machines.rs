//! Before the verdict of a drop that holds several machines' logs: a notice that says so, and
//! two ways on: the same files as a fleet (one row per machine, as for bundles), or one machine
//! at a time (its files analysed alone; the drop stays kept, nothing is dropped again).

use std::rc::Rc;

use yew::prelude::*;

use wulens_core::model::counted;
use wulens_core::report::MachineReport;

use crate::machines::{notice, split};
use crate::messages::Dropped;
use crate::services::Services;

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub machines: Vec<MachineReport>,
    /// The drop kept whole (`AppState::whole`): `None` when it is gone.
    pub whole: Option<Rc<Dropped>>,
}

#[function_component(MachinesNotice)]
pub fn machines_notice(p: &NoticeProps) -> Html {
    let services = use_context::<Services>().expect("services");
    // Each machine's files of the drop; none when the drop is gone or cannot be split.
    let actions = match p.whole.as_ref().and_then(|w| Some((w, split(w, &p.machines)?))) {
        Some((whole, ms)) => {
            let fleet = {
                let (services, whole, ms) = (services.clone(), whole.clone(), ms.clone());
                Callback::from(move |_| services.open_split_as_fleet(&whole, ms.clone()))
            };
            html! {
                <div class="machines-actions">
                    <button type="button" class="primary" onclick={fleet} data-testid="open-as-fleet"
                        title="Analyse each machine's files on its own and compare them, one row each">{"Open as a fleet"}</button>
                    <div class="machine-picker" role="group" aria-labelledby="machine-picker-title">
                        <span id="machine-picker-title" class="muted">{"One machine at a time:"}</span>
                        { for ms.iter().zip(&p.machines).map(|(m, r)| {
                            let (services, m) = (services.clone(), m.clone());
                            let all = p.machines.clone();
                            let open = Callback::from(move |_| services.open_one_of(&all, &m));
                            html! {
                                <button type="button" onclick={open} data-testid="open-machine" data-machine={r.label.clone()}
                                    title={r.files.join("\n")}>{format!("{} · {}", r.label, counted(r.files.len(), "file", "files"))}</button>
                            }
                        }) }
                    </div>
                </div>
            }
        }
        None => html! { <p class="muted">{"Drop each machine's logs on their own to read them apart."}</p> },
    };
    html! {
        <section class="machines-notice" aria-labelledby="machines-title" data-testid="machines-notice">
            <h2 id="machines-title">{format!("Several machines: {}", p.machines.len())}</h2>
            <p>{notice(&p.machines)}</p>
            {actions}
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct SwitchProps {
    /// The machine whose report is open.
    pub current: String,
    /// The machines of the drop kept whole while one is open alone (`AppState::split`).
    pub machines: Vec<MachineReport>,
    pub whole: Option<Rc<Dropped>>,
}

/// Above the report of one machine opened from a drop of several: the others, and the drop's
/// machines together again (nothing dropped again). Nothing for a fleet's machine.
#[function_component(MachineSwitch)]
pub fn machine_switch(p: &SwitchProps) -> Html {
    let services = use_context::<Services>().expect("services");
    let machines = &p.machines;
    if !machines.iter().any(|m| m.label == p.current) {
        return html! {};
    }
    let Some((whole, split)) = p.whole.as_ref().and_then(|w| Some((w.clone(), split(w, machines)?))) else { return html! {} };
    let all_together = {
        let services = services.clone();
        Callback::from(move |_| services.reopen_whole(&whole))
    };
    html! {
        <nav class="machine-switch" aria-label="Machines of this drop" data-testid="machine-switch">
            <span>{format!("{}: one of {} machines in this drop.", p.current, machines.len())}</span>
            { for split.iter().zip(machines).filter(|(_, r)| r.label != p.current).map(|(m, r)| {
                let (services, m, all) = (services.clone(), m.clone(), machines.clone());
                let open = Callback::from(move |_| services.open_one_of(&all, &m));
                html! { <button type="button" onclick={open} data-testid="open-machine" data-machine={r.label.clone()}>{format!("Open {}", r.label)}</button> }
            }) }
            <button type="button" class="link" onclick={all_together} data-testid="all-machines">{"All machines together"}</button>
        </nav>
    }
}
