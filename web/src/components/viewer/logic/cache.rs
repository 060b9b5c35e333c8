//! The row cache: the blocks of rows around the viewport (the rows live in the worker), which
//! to ask for, and which answers are still for the view shown.

use std::collections::{HashMap, HashSet};

use wulens_core::viewer::Row;

use super::geometry::BLOCK;

#[derive(Default)]
pub struct Cache {
    pub blocks: HashMap<usize, Vec<Row>>,
    pending: HashSet<usize>,
    /// Blocks held from before the rows changed: drawn until fetched again.
    stale: HashSet<usize>,
    /// Bumped when the filter changes, so answers to older requests are dropped.
    version: u32,
}

impl Cache {
    pub fn row(&self, i: usize) -> Option<&Row> {
        self.blocks.get(&(i / BLOCK)).and_then(|b| b.get(i % BLOCK))
    }

    /// The filter changed: nothing held is of the new view.
    pub fn reset(&mut self) -> u32 {
        self.version += 1;
        self.blocks.clear();
        self.stale.clear();
        self.pending.clear();
        self.version
    }

    /// The rows changed but mostly not (a followed log grew): keep drawing the rows held until
    /// their blocks are fetched again, so the list does not flash empty.
    pub fn refresh(&mut self) {
        self.version += 1;
        self.stale.extend(self.blocks.keys().copied());
        self.pending.clear();
    }

    /// Of the blocks the drawn rows need, those to ask for (neither here nor asked for), marked
    /// as asked for; and the version their answers must carry.
    pub fn wanted(&mut self, blocks: impl IntoIterator<Item = usize>) -> (Vec<usize>, u32) {
        let ask = blocks.into_iter().filter(|b| (!self.blocks.contains_key(b) || self.stale.contains(b)) && self.pending.insert(*b)).collect();
        (ask, self.version)
    }

    /// The rows of block `b` arrived for `version`: kept if that is still the view's (then the
    /// list must be drawn again: `true`).
    pub fn arrived(&mut self, version: u32, b: usize, rows: Vec<Row>) -> bool {
        if self.version != version {
            return false;
        }
        self.pending.remove(&b);
        self.stale.remove(&b);
        self.blocks.insert(b, rows);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<Row> {
        let row = Row {
            index: 0,
            file: 0,
            entry: 0,
            line: 1,
            lines: 1,
            time: String::new(),
            time_utc: String::new(),
            severity: Default::default(),
            component: String::new(),
            thread: String::new(),
            text: "x".into(),
            chars: 1,
            truncated: false,
            codes: Vec::new(),
            ms: None,
            delta_ms: None,
            routine: false,
        };
        vec![row; n]
    }

    #[test]
    fn a_block_is_asked_for_once_and_kept() {
        let mut c = Cache::default();
        let (ask, v) = c.wanted(0..=1);
        assert_eq!(ask, [0, 1]);
        assert!(c.wanted(0..=2).0 == [2], "blocks asked for are not asked again");
        assert!(c.arrived(v, 0, rows(BLOCK)));
        assert!(c.row(BLOCK - 1).is_some() && c.row(BLOCK).is_none());
        assert!(c.wanted(0..=0).0.is_empty(), "held");
    }

    #[test]
    fn answers_for_an_older_view_are_dropped() {
        let mut c = Cache::default();
        let (_, old) = c.wanted(0..=0);
        let new = c.reset();
        assert!(!c.arrived(old, 0, rows(3)));
        assert!(c.row(0).is_none());
        assert_eq!(c.wanted(0..=0), (vec![0], new), "asked for again in the new view");
    }

    #[test]
    fn a_refresh_keeps_drawing_the_rows_until_they_come_again() {
        let mut c = Cache::default();
        let (_, v) = c.wanted(0..=1);
        assert!(c.arrived(v, 0, rows(2)));
        c.refresh();
        assert!(c.row(1).is_some(), "still drawn");
        let (ask, v) = c.wanted(0..=1);
        assert_eq!(ask, [0, 1], "the stale block and the one never answered");
        assert!(c.arrived(v, 0, rows(5)));
        assert!(c.row(4).is_some());
        assert_eq!(c.wanted(0..=0).0, Vec::<usize>::new());
    }
}
