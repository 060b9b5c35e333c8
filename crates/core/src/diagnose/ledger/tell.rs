//! Which log would tell how an `unknown` row ended: the artifacts of `collect/artifacts.toml`
//! whose `targets` take the row's kind (and class) and that the drop does not hold.

use crate::analysis::Analysis;
use crate::diagnose::collect_next::has_log;
use crate::diagnose::defs::{ArtifactDef, ARTIFACTS};
use crate::model::{LedgerRow, LedgerState};

/// The artifacts that show some target's downloads and installs and are not in the drop, in
/// file order (found once per drop).
pub struct Tellers(Vec<&'static ArtifactDef>);

impl Tellers {
    pub fn of(a: &Analysis) -> Tellers {
        Tellers(ARTIFACTS.iter().filter(|art| !art.targets.is_empty() && !art.logs.iter().any(|&k| has_log(a, k))).collect())
    }

    /// The artifacts that would tell how `r` ended, when the drop leaves it `unknown`.
    pub fn for_row(&self, r: &LedgerRow) -> Vec<String> {
        if r.state != LedgerState::Unknown {
            return Vec::new();
        }
        self.0
            .iter()
            .filter(|art| art.targets.iter().any(|&(kind, class)| kind == r.kind && class.is_none_or(|c| c == r.class)))
            .map(|art| art.id.to_string())
            .collect()
    }
}
