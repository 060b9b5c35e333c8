//! Following growing logs: what the follow bar shows and the worker follows.

use std::rc::Rc;

use crate::messages::Dropped;

/// Following growing logs (browsers with the File System Access API).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Follow {
    /// The files analysed last (their `File`s and handles, not their text): what is followed,
    /// and what Reload reads again. `None` for a sample, a fleet, a machine inside a zip.
    pub files: Option<Rc<Dropped>>,
    /// The analysed files can be read again as they grow (they came with handles).
    pub available: bool,
    /// The analysed files came from the user (not a sample): Reload can ask for them again.
    pub reloadable: bool,
    /// Following was asked for (the worker confirms with `paths`).
    pub on: bool,
    /// The files followed, as dropped.
    pub paths: Vec<String>,
    /// Files that could not be read again, with why.
    pub problems: Vec<String>,
    /// Bumped on every growth: views refresh what they show.
    pub revision: u32,
    /// Rows in the viewer's view and in all, after the last growth.
    pub rows: Option<(usize, usize)>,
    /// Rows in all when following began (to say how many were added since).
    pub base: usize,
    /// When the files last grew (`Date.now()`).
    pub last_change: Option<f64>,
    /// Reports built while following: the report page is drawn anew for each.
    pub reports: u32,
}
