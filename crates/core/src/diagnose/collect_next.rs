//! What to collect next: for each statement the drop leaves open (failed without the log that
//! says why, still running, unknown) and each step of a scan flow that no dropped log shows, the
//! artifact of `collect/artifacts.toml` that would settle it, with the command to get it. An
//! artifact already in the drop (one of its log kinds, or its configuration input) is never
//! asked for.

use super::context::Context;
use super::defs::{ArtifactDef, ConfigInput, TriggerDef, ARTIFACTS};
use super::flow::FlowResult;
use super::outcomes::Statement;
use crate::analysis::Analysis;
use crate::model::{LogKind, Standing, StepStatus};

/// One thing to collect, and why this drop needs it.
pub struct CollectNext {
    pub artifact: &'static ArtifactDef,
    /// The open question the artifact settles (its words: `output/words/mod.rs`).
    pub why: Why,
    /// (file, entry) of the lines that leave the question open.
    pub lines: Vec<(usize, u32)>,
}

/// Why an artifact is to be collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The artifact's trigger (`collect/artifacts.toml`, its `because` with `{code}`) for a
    /// statement, with the statement's first code that fits it (`None`: the trigger takes any
    /// code and the statement has none).
    Trigger { because: &'static str, code: Option<u32> },
    /// The logs (file names) of a scan flow's steps marked unknown.
    FlowLogs(Vec<String>),
}

/// At most this many: the first screen names the first, the report lists them.
const MAX: usize = 4;

/// Every artifact the drop would need, most pressing first: the statements' (in their order,
/// failures first), then the logs a scan flow's unknown steps are in.
pub fn collect_next(cx: &Context, statements: &[Statement]) -> Vec<CollectNext> {
    let (a, scan, sync, config) = (cx.a, cx.scan, cx.sync, cx.config);
    let in_drop = |k: LogKind| has_log(a, k);
    let configured = |c: ConfigInput| match c {
        ConfigInput::Policy => config.policy.is_some(),
        ConfigInput::Proxy => config.proxy.is_some(),
        ConfigInput::Ring => config.ring.is_some(),
    };
    let mut out: Vec<CollectNext> = Vec::new();
    // The chain's statements (a finding's own: `Said::Finding`) say everything their logs show;
    // the artifacts' triggers are about work whose end these logs do not hold.
    for st in statements.iter().filter(|s| s.standing != Standing::Ok && !matches!(s.said, super::outcomes::Said::Finding(_))) {
        for art in ARTIFACTS {
            if out.iter().any(|c| c.artifact.id == art.id) || art.config.is_some_and(configured) {
                continue;
            }
            let Some(t) = art.when.iter().find(|t| t.domains.contains(&st.domain) && t.standing.contains(&st.standing)) else {
                continue;
            };
            let missing = if t.missing.is_empty() { art.logs } else { t.missing };
            if missing.iter().any(|&k| in_drop(k)) {
                continue;
            }
            if let Some(why) = because(t, &st.codes) {
                out.push(CollectNext { artifact: art, why, lines: st.lines.clone() });
            }
        }
    }
    for flow in [scan, sync].into_iter().filter(|f| f.witnessed()) {
        out.extend(flow_logs(flow, &out));
    }
    out.truncate(MAX);
    out
}

/// Whether the drop holds a log of kind `k`. A setuperr.log alone is not setup's logs: it holds
/// only their errors, not the result.
pub fn has_log(a: &Analysis, k: LogKind) -> bool {
    a.files.iter().any(|f| f.is(k) && !(k == LogKind::Setup && super::setup::errors_only(&f.name)))
}

/// The trigger with the statement's first code that fits it; none when it asks for a kind of
/// code the statement does not have.
fn because(t: &TriggerDef, codes: &[u32]) -> Option<Why> {
    let picky = !t.categories.is_empty() || !t.places.is_empty() || !t.codes.is_empty();
    let fits = |c: u32| {
        t.codes.contains(&c)
            || wulens_kb::entry(c).is_some_and(|k| t.categories.contains(&k.category.id()) || k.places.first().is_some_and(|p| t.places.contains(&p.id())))
    };
    let code = codes.iter().copied().find(|&c| !picky || fits(c));
    if code.is_none() && picky {
        return None;
    }
    Some(Why::Trigger { because: t.because, code })
}

/// The artifacts that hold the logs of the flow's unknown steps, each naming those logs.
fn flow_logs(flow: &FlowResult, taken: &[CollectNext]) -> Vec<CollectNext> {
    let mut out: Vec<(&'static ArtifactDef, Vec<&str>)> = Vec::new();
    for name in flow.steps.iter().filter(|s| s.status == StepStatus::Unknown).flat_map(|s| &s.missing_logs) {
        let Some(kind) = LogKind::NAMED.into_iter().find(|k| k.file_name() == name) else { continue };
        let Some(art) = ARTIFACTS.iter().find(|a| a.logs.contains(&kind)) else { continue };
        if taken.iter().any(|c| c.artifact.id == art.id) {
            continue;
        }
        match out.iter_mut().find(|(a, _)| a.id == art.id) {
            Some((_, names)) if !names.contains(&name.as_str()) => names.push(name),
            Some(_) => {}
            None => out.push((art, vec![name])),
        }
    }
    out.into_iter()
        .map(|(artifact, names)| CollectNext { artifact, why: Why::FlowLogs(names.into_iter().map(str::to_string).collect()), lines: Vec::new() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_name_known_categories_and_places() {
        for art in ARTIFACTS {
            for t in art.when {
                for c in t.categories {
                    assert!(wulens_kb::Category::ALL.iter().any(|k| k.id() == *c), "{}: unknown category {c}", art.id);
                }
                for p in t.places {
                    assert!(wulens_kb::Place::from_id(p).is_some(), "{}: unknown place {p}", art.id);
                }
            }
        }
    }

    #[test]
    fn missing_configuration_is_collected_by_an_artifact() {
        use super::super::config::MissingConfig;
        let command = |m: MissingConfig| ARTIFACTS.iter().find(|a| a.id == m.artifact()).map(|a| a.command);
        assert_eq!(
            command(MissingConfig::Policy),
            Some("reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate /s > C:\\Temp\\wulens\\wu-policy.txt")
        );
        assert_eq!(command(MissingConfig::Proxy), Some("netsh winhttp show proxy > C:\\Temp\\wulens\\winhttp-proxy.txt"));
    }
}
