//! What the state asks of the app's effects (`effects.rs`): the reducer only asks; they do.

use std::rc::Rc;

use crate::messages::Dropped;

/// A request the app's effects carry out once the state is drawn (`effects.rs`): `n` counts
/// the requests, so that the same one twice is done twice; `what` is the latest.
#[derive(Clone, Debug, PartialEq)]
pub struct Ask<T> {
    pub n: u32,
    pub what: Option<T>,
}

impl<T> Default for Ask<T> {
    fn default() -> Self {
        Ask { n: 0, what: None }
    }
}

impl<T> Ask<T> {
    pub(super) fn ask(&mut self, what: T) {
        self.n += 1;
        self.what = Some(what);
    }
}

/// Where the page goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Goto {
    /// The report (a saved report opened).
    Report,
    /// The report, unless the log viewer is open: logs dropped again on a viewer link (after
    /// a reload) open with its filters.
    ReportUnlessViewing,
    /// The report at its top, not where the fleet's table was scrolled to (a machine opened).
    ReportFromTop,
    /// The fleet page, its rows arrived.
    Fleet,
}

/// What the worker is told about following.
#[derive(Clone, Debug, PartialEq)]
pub enum FollowOrder {
    /// Follow the files of this drop that have a handle.
    Follow(Rc<Dropped>),
    Stop,
}
