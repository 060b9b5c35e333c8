//! The merged timeline: every entry of every file in UTC order, a file's own order kept.

use std::collections::BinaryHeap;

use super::Analysis;

/// A position in the merged timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimelineRef {
    /// Index into [`Analysis::files`].
    pub file: u32,
    /// Index into that file's entries.
    pub entry: u32,
}

impl Analysis {
    /// All entries of all files, merged by UTC time. A file's own order is never changed: the
    /// merge takes, at each step, the file whose next entry is earliest. Entries without a time
    /// go with the entry before them; files without any time come last.
    pub fn timeline(&self, include: impl Fn(usize) -> bool) -> Vec<TimelineRef> {
        let total: usize = self.files.iter().enumerate().filter(|(i, _)| include(*i)).map(|(_, f)| f.entries.len()).sum();
        let mut out = Vec::with_capacity(total);
        // (Reverse key, Reverse file) so the heap pops the earliest, ties by file order.
        let mut heap = BinaryHeap::new();
        let mut cursors: Vec<(usize, i64)> = vec![(0, i64::MAX); self.files.len()];
        for (fi, f) in self.files.iter().enumerate() {
            if !include(fi) || f.entries.is_empty() {
                continue;
            }
            let first = f.entries.iter().find_map(|e| f.utc_ms(e)).unwrap_or(i64::MAX);
            cursors[fi].1 = first;
            heap.push(std::cmp::Reverse((first, fi)));
        }
        while let Some(std::cmp::Reverse((_, fi))) = heap.pop() {
            let f = &self.files[fi];
            let (mut i, mut key) = cursors[fi];
            // Emit this file's entries while they are not later than the next file's head.
            let limit = heap.peek().map_or(i64::MAX, |std::cmp::Reverse((k, _))| *k);
            while i < f.entries.len() {
                let e = &f.entries[i];
                if let Some(t) = f.utc_ms(e) {
                    key = t;
                }
                if key > limit && i > cursors[fi].0 {
                    break;
                }
                out.push(TimelineRef { file: fi as u32, entry: i as u32 });
                i += 1;
            }
            cursors[fi] = (i, key);
            if i < f.entries.len() {
                heap.push(std::cmp::Reverse((key, fi)));
            }
        }
        out
    }
}
