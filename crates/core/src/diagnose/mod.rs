//! Diagnosis: what the logs of one drop mean. One pass per file finds every literal the data
//! needs (`catalog`), the scan flows say which step ran, failed or was not reached (`flow`), the
//! rules turn known signatures into findings with evidence (`rules`, `config`), and the verdict
//! and next checks sum it up (`verdict`). Flows, rules and their literals are data
//! (`flows/*.toml`, `rules/*.toml`, compiled by build.rs into `defs`).

mod catalog;
mod chain;
mod collect_next;
mod config;
mod config_rules;
mod content;
mod context;
mod defs;
mod delivery;
mod eventlog;
mod finding;
mod flow;
mod found;
mod headline;
mod ledger;
mod links;
pub(crate) use crate::analysis::machines::NAME_MARKERS;
mod op_codes;
mod operation;
mod operations;
mod outcomes;
mod packed;
mod piece;
mod reboot;
mod restart;
mod retries;
mod rules;
mod setup;
mod signals;
mod site;
mod updates;
mod verdict;

pub use crate::analysis::machines::{About, DropMachine, Traits};
pub use collect_next::{CollectNext, Why};
pub use config::{ConfigFacts, MissingConfig, Ring, Servers, UpdateClass};
pub use content::{ContentJob, ContentState};
pub use defs::{caller_name, is_routine, plain_caller, ArtifactDef, ARTIFACTS};
pub use finding::Finding;
pub use flow::{FlowResult, Reason};
pub use found::{At, ComponentFaults, EventErrors, Found, PortFault, RestartSchedule, RingRival, ServerSync, ServiceWindows, SiteAssignment, SiteSync};
pub use headline::{Calm, Cause, First, Headline, Recovered, Running, Sentence, Unread, When};
pub use ledger::KEPT as LEDGER_KEPT;
pub use links::{witnesses as link_witnesses, Link, LinkFact};
pub use operation::UpdateName;
pub use operations::{Counted, Operation};
pub use outcomes::{Agent, Corruption, Deployment, Run, Said, Servicing, StackRuns, Statement};
pub use piece::scan_piece;
pub use restart::Restart;
pub use setup::{blocking_device, result as setup_result, PhaseDone, SetupNote, SetupProgram, SetupResult};
pub use updates::UpdateRow;
pub use verdict::{CheckFrom, NextCheck, Part};

use crate::analysis::Analysis;
use crate::model::VerdictStatus;

thread_local! {
    /// Diagnoses run on this thread (`Diagnosis::runs_on_this_thread`).
    static RUNS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Everything the diagnosis concluded about one drop, built once.
pub struct Diagnosis {
    /// The ConfigMgr client's scan flow (`flows/client_scan.toml`): its steps and cycles.
    pub scan: FlowResult,
    /// The WSUS server's synchronization flow (`flows/wsus_sync.toml`).
    pub sync: FlowResult,
    /// What the configuration inputs (registry, proxy, MDM report) and the logs say about the update source.
    pub config: ConfigFacts,
    /// Every operation the logs show (searches, downloads, installs, servicing, setup, ...).
    pub operations: Vec<Operation>,
    /// Lines counted by the counters (SFC's files it could not repair).
    pub counted: Vec<Counted>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// Every update the logs name, missing first: the first [`LEDGER_KEPT`] (as many as a
    /// report lists), `updates_total` counting them all.
    pub updates: Vec<UpdateRow>,
    /// How many updates the logs name, written out in `updates` or not.
    pub updates_total: usize,
    /// Every update and servicing target with its story across the logs, failing first: the
    /// first [`LEDGER_KEPT`] (as many as a report lists), `ledger_total` counting them all.
    pub ledger: Vec<crate::model::LedgerRow>,
    /// How many rows the ledger has, written out in `ledger` or not.
    pub ledger_total: usize,
    /// What each kind of work in the logs came to (agent, servicing, setup, ...).
    pub statements: Vec<Statement>,
    /// Every code of the drop, most significant first.
    pub ranked_codes: Vec<u32>,
    /// The verdict's one word, from the statements' standings.
    pub status: VerdictStatus,
    /// The one-paragraph verdict, in parts: the statements, failed ones first, and what they
    /// amount to. The detail below the first screen says it (`output/words/detail.rs`), after
    /// the target failing now and that the drop mixes machines.
    pub verdict: Vec<Part>,
    /// The first screen's facts: failing now or not, why, what first, and the badge.
    pub headline: Headline,
    /// What to check next, each with a command for this machine, most useful first.
    pub next_checks: Vec<NextCheck>,
    /// What to collect to settle what the drop leaves open, most pressing first.
    pub collect_next: Vec<CollectNext>,
    /// Where the client gets its updates, as far as the drop shows.
    pub source: defs::UpdateSource,
    /// Folders of the drop that look like separate machines (the same log in each), or else the
    /// files that the logs' own content tells apart (two computer names, another Windows,
    /// another release line at the same time, a year between copies of one log), each with its
    /// label and files; empty for one.
    pub machines: Vec<DropMachine>,
    /// Whether `machines` were told apart by the logs' content rather than by folders.
    pub machines_apart: bool,
    /// The servers the logs name, which fill the placeholders of the advice.
    pub servers: config::Servers,
    /// Where the ConfigMgr software-update chain stands, link by link (the client's, the site's,
    /// where the drop holds their logs).
    pub chain: Vec<Link>,
}

impl Diagnosis {
    /// The id of every rule in the data (`rules/*.toml`): the findings a drop can get.
    pub fn rule_ids() -> impl Iterator<Item = &'static str> {
        defs::rules().iter().map(|r| r.id)
    }

    /// The id of every operation in the data (`operations/*.toml`).
    pub fn operation_ids() -> impl Iterator<Item = &'static str> {
        defs::operations().iter().map(|o| o.id)
    }

    /// The operations the conclusions count, in order: `operations` without the jobs another
    /// operation tells (`served`, `delivery.rs`). A statement names its operations by their
    /// index here (`Said`).
    pub fn counted_operations(&self) -> Vec<&Operation> {
        delivery::counting(&self.operations)
    }

    /// The lines (file, entry) that prove an update or target failing or stalled now: each such
    /// ledger row's failures and its decisive step, sorted. The viewer's next-error key stops on
    /// them first.
    pub fn target_lines(&self, a: &Analysis) -> Vec<(u32, u32)> {
        use crate::model::LedgerState;
        let mut out: Vec<(u32, u32)> = self
            .ledger
            .iter()
            .filter(|r| matches!(r.state, LedgerState::Failing | LedgerState::Stalled))
            .flat_map(|r| r.failures().chain(r.decisive_step()))
            .filter_map(|s| {
                let fi = a.files.iter().position(|f| f.name == s.evidence.file)?;
                a.files[fi].entry_at_line(s.evidence.line).map(|e| (fi as u32, e as u32))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// How many diagnoses this thread has run: a drop is diagnosed once, and its page, exports
    /// and CLI formats are built from that one (tests count it).
    pub fn runs_on_this_thread() -> u64 {
        RUNS.with(|n| n.get())
    }

    /// Diagnose one analysed drop (counted by [`Diagnosis::runs_on_this_thread`]).
    pub fn run(a: &Analysis) -> Diagnosis {
        RUNS.with(|n| n.set(n.get() + 1));
        // The literals are found on all cores. Then the two flows, the updates table (which
        // needs no literal, and is itself worked out in pieces), the configuration and the
        // operations (which follow each file's lines in order) do not depend on each other: each
        // is a task of its own, and a core that finishes one takes the next.
        let hits = catalog::Hits::scan(a);
        // The contents' lines, which the ledger reads as the rules do (the catalog found them).
        let content_lines = rules::lines_of(a, &hits, "update_content");
        let (((scan, sync), ((updates, (sightings, content)), config)), (operations, counted)) = crate::par::join(
            || {
                crate::par::join(
                    || crate::par::join(|| flow::evaluate(a, &hits, defs::client_scan()), || flow::evaluate(a, &hits, defs::wsus_sync())),
                    || crate::par::join(|| crate::par::join(|| updates::collect(a), || ledger::with_content(a, &content_lines)), || ConfigFacts::build(a)),
                )
            },
            || (operations::find(a, &hits), operations::count(a, &hits)),
        );
        // No ConfigMgr client log, no ConfigMgr scan to tell (its step 3 would be read from a
        // WindowsUpdate.log alone).
        let scan = if a.files.iter().any(|f| f.kind.is_configmgr_client()) { scan } else { scan.unwitnessed() };
        let mut operations = operations;
        operations::mark_recovered(a, &mut operations);
        setup::join_phase_failures(a, &mut operations);
        delivery::join_jobs(a, &mut operations);
        // The ledger and the report's first rows of the updates table both read the table as
        // it is, and neither reads the other.
        let table = updates.rows();
        let (mut ledger, (updates, updates_total)) =
            crate::par::join(|| ledger::build(a, &sightings, &table, &operations), || updates::written(a, &table, &operations, LEDGER_KEPT));
        drop(sightings);
        // The conclusions count each piece of work once: not a job another operation tells.
        let counting = delivery::counting(&operations);
        if let Some(ring) = &config.ring {
            ledger::hold(a, ring, &mut ledger.rows);
        }
        let cx = context::Context { a, scan: &scan, sync: &sync, config: &config, ops: &operations, counting: &counting, counted: &counted, content: &content };
        let found = rules::evaluate(&cx, &hits);
        let conclusion = verdict::conclude(&cx, &found);
        let collect_next = collect_next::collect_next(&cx, &conclusion.statements);
        let machines = a.machines();
        let machines_apart = machines.iter().any(|m| matches!(m.about, crate::analysis::machines::About::Files { .. }));
        let facts = headline::Facts { cx: &cx, found: &found, conclusion: &conclusion, collect_next: &collect_next };
        let headline = headline::headline(&facts);
        let verdict::Conclusion { statements, ranked_codes, next_checks, status, mut verdict } = conclusion;
        let rules::Evaluated { findings, source, servers, lines } = found;
        let (mut headline, status, told) = headline::with_ledger(a, headline, status, &ledger.rows, ledger.urgent);
        let mut statements = statements;
        if let Some(st) = told {
            // The target failing now is the first thing the detail says too.
            let moved = headline::lead_with(&mut statements, st);
            headline.renumber(moved);
            for p in &mut verdict {
                if let verdict::Part::Statement(j) = p {
                    *j = headline::moved_to(*j, moved);
                }
            }
        }
        let policy_lines = lines.iter().find(|(id, _)| *id == "software_updates_off").map_or(&[][..], |(_, l)| l.as_slice());
        let chain = links::build(a, &scan, &content, &findings, &ledger.rows, policy_lines);
        Diagnosis {
            chain,
            updates,
            updates_total,
            ledger: ledger.rows,
            ledger_total: ledger.total,
            scan,
            sync,
            config,
            operations,
            counted,
            findings,
            statements,
            ranked_codes,
            status,
            verdict,
            headline,
            next_checks,
            collect_next,
            source,
            machines,
            machines_apart,
            servers,
        }
    }
}
