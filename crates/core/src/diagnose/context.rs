//! What the diagnosis has established before it concludes: the drop, its two flows, its
//! configuration, its operations and its counted lines. Built once in `Diagnosis::run` and read
//! by reference by the rules (`finding::Ctx` adds what the rules find on the way), the
//! conclusions (`verdict::conclude`), what to collect next and the first screen
//! (`headline::Facts`).

use super::config::ConfigFacts;
use super::flow::FlowResult;
use super::operations::{Counted, Operation};
use crate::analysis::Analysis;

/// The drop and what the first stages established about it.
pub struct Context<'a> {
    pub a: &'a Analysis,
    /// The ConfigMgr client's scan flow (unwitnessed without a ConfigMgr client log).
    pub scan: &'a FlowResult,
    /// The WSUS server's synchronization flow.
    pub sync: &'a FlowResult,
    pub config: &'a ConfigFacts,
    /// Every operation the logs show, in their first order: the rules read them all.
    pub ops: &'a [Operation],
    /// The operations the conclusions count, in the same order: each piece of work once, not a
    /// Delivery Optimization job that an agent's download call tells (`delivery::counting`).
    pub counting: &'a [&'a Operation],
    /// The lines the counters counted (SFC's files, the machine's boots).
    pub counted: &'a [Counted],
    /// The contents deployed updates needed on a ConfigMgr client (`content.rs`).
    pub content: &'a [super::content::ContentJob],
}
