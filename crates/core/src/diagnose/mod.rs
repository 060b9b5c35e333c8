//! Diagnosis: what the logs of one drop mean. One pass per file finds every literal the data
//! needs (`catalog`), the scan flows say which step ran, failed or was not reached (`flow`), the
//! rules turn known signatures into findings with evidence (`rules`, `config`), and the verdict
//! and next checks sum it up (`verdict`). Flows, rules and their literals are data
//! (`flows/*.toml`, `rules/*.toml`, compiled by build.rs into `defs`).

mod catalog;
mod config;
mod defs;
mod flow;
mod rules;
mod signals;
mod updates;
mod verdict;

pub use config::{ConfigFacts, POLICY_COMMAND, PROXY_COMMAND};
pub use flow::FlowResult;
pub use rules::Finding;
pub use updates::UpdateRow;
pub use verdict::NextCheck;

use crate::analysis::Analysis;
use crate::model::VerdictStatus;

/// Everything the diagnosis concluded about one drop, built once.
pub struct Diagnosis {
    pub scan: FlowResult,
    pub sync: FlowResult,
    pub config: ConfigFacts,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// Every update the logs name, missing first.
    pub updates: Vec<UpdateRow>,
    /// Every code of the drop, most significant first.
    pub ranked_codes: Vec<u32>,
    pub status: VerdictStatus,
    pub verdict: String,
    pub next_checks: Vec<NextCheck>,
}

impl Diagnosis {
    pub fn run(a: &Analysis) -> Diagnosis {
        let hits = catalog::Hits::scan(a);
        let scan = flow::evaluate(a, &hits, defs::client_scan());
        let sync = flow::evaluate(a, &hits, defs::wsus_sync());
        let config = ConfigFacts::build(a);
        let findings = rules::evaluate(a, &hits, &scan, &config);
        let ranked_codes = verdict::rank_codes(a, &scan, &sync, &findings);
        let next_checks = verdict::next_checks(&scan, &sync, &findings, &ranked_codes);
        let (status, verdict) = verdict::verdict(a, &scan, &sync, &findings, &ranked_codes);
        Diagnosis { updates: updates::collect(a), scan, sync, config, findings, ranked_codes, status, verdict, next_checks }
    }
}

/// `0x8024401B (WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ)` for each of the first three codes.
pub fn describe_codes(codes: &[String]) -> String {
    let mut parts = Vec::new();
    for c in codes.iter().take(3) {
        let sym = wulens_kb::lookup(c).ok().and_then(|l| l.entry).map(|e| e.symbol).filter(|s| !s.is_empty());
        parts.push(match sym {
            Some(s) => format!("{c} ({s})"),
            None => c.clone(),
        });
    }
    parts.join(", ")
}
