//! The selected rows, and what is done from them: where a find starts, the next bookmark, the
//! rows to print.

use wulens_core::model::counted;

/// The selected rows: the cursor and, for a range, the anchor it was extended from.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Selection {
    pub cursor: Option<usize>,
    pub anchor: Option<usize>,
}

impl Selection {
    /// Row `i` alone.
    pub fn at(i: usize) -> Selection {
        Selection { cursor: Some(i), anchor: Some(i) }
    }

    /// Move the cursor to `i`; with `extend`, keep the anchor (a Shift+click or Shift+arrow),
    /// else select row `i` alone.
    pub fn moved(self, i: usize, extend: bool) -> Selection {
        if !extend {
            return Selection::at(i);
        }
        Selection { cursor: Some(i), anchor: self.anchor.or(self.cursor).or(Some(i)) }
    }

    /// The selected range, lowest first.
    pub fn range(self) -> Option<(usize, usize)> {
        let s = self.cursor?;
        let a = self.anchor.unwrap_or(s);
        Some((a.min(s), a.max(s)))
    }

    pub fn contains(self, i: usize) -> bool {
        self.range().is_some_and(|(lo, hi)| (lo..=hi).contains(&i))
    }

    pub fn len(self) -> usize {
        self.range().map_or(0, |(lo, hi)| hi - lo + 1)
    }

    /// The rows to copy (at most 5,001).
    pub fn indices(self) -> Vec<usize> {
        self.range().map(|(lo, hi)| (lo..=hi.min(lo + 5000)).collect()).unwrap_or_default()
    }
}

/// Where a find starts: at the selection, or past it when stepping to the next match.
pub fn find_start(selected: Option<usize>, step: bool, forward: bool) -> usize {
    match (selected, step, forward) {
        (Some(s), true, true) => s + 1,
        (Some(s), true, false) => s.saturating_sub(1),
        (Some(s), false, _) => s,
        (None, _, _) => 0,
    }
}

/// The next (or previous) bookmark from the cursor, wrapping; `marks` are sorted view positions.
pub fn next_mark(marks: &[usize], cursor: Option<usize>, forward: bool) -> Option<usize> {
    let (first, last) = (*marks.first()?, *marks.last()?);
    Some(match (cursor, forward) {
        (None, true) => first,
        (None, false) => last,
        (Some(c), true) => marks.iter().copied().find(|&m| m > c).unwrap_or(first),
        (Some(c), false) => marks.iter().rev().copied().find(|&m| m < c).unwrap_or(last),
    })
}

/// What the viewer prints: the selection when it has several lines, else the rows of the view,
/// at most `PRINT_MAX`; (start, count, note for the reader).
pub const PRINT_MAX: usize = 2000;

pub fn print_plan(sel: Selection, n: usize) -> (usize, usize, String) {
    match sel.range() {
        Some((lo, hi)) if hi > lo => {
            let count = (hi - lo + 1).min(PRINT_MAX);
            let cut = if hi - lo + 1 > PRINT_MAX { format!(" (the first {PRINT_MAX})") } else { String::new() };
            (lo, count, format!("The {} selected lines{cut}.", hi - lo + 1))
        }
        _ if n > PRINT_MAX => {
            (0, PRINT_MAX, format!("The first {PRINT_MAX} of the {n} lines in the view. Select lines (Shift+click, Shift+arrows) to print others."))
        }
        _ => (0, n, format!("All {} in the view.", counted(n, "line", "lines"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selections_extend_from_their_anchor() {
        let s = Selection::default().moved(5, false).moved(8, true);
        assert_eq!(s.range(), Some((5, 8)));
        assert_eq!(s.len(), 4);
        assert!(s.contains(6) && !s.contains(9));
        let s = s.moved(2, true);
        assert_eq!(s.range(), Some((2, 5)));
        assert_eq!(s.moved(7, false), Selection::at(7));
        assert_eq!(Selection::default().len(), 0);
        assert_eq!(Selection::at(0).moved(10_000, true).indices().len(), 5001);
        assert_eq!(find_start(Some(4), true, false), 3);
        assert_eq!(find_start(None, true, true), 0);
    }

    #[test]
    fn bookmarks_wrap_both_ways() {
        let m = [3, 8, 20];
        assert_eq!(next_mark(&m, Some(8), true), Some(20));
        assert_eq!(next_mark(&m, Some(20), true), Some(3), "wraps to the first");
        assert_eq!(next_mark(&m, Some(3), false), Some(20), "wraps to the last");
        assert_eq!(next_mark(&m, Some(10), false), Some(8));
        assert_eq!(next_mark(&m, None, true), Some(3));
        assert_eq!(next_mark(&[], Some(1), true), None);
        assert_eq!(next_mark(&[5], Some(5), true), Some(5));
    }

    #[test]
    fn printing_takes_the_selection_or_the_first_lines() {
        let (start, count, note) = print_plan(Selection::at(4).moved(9, true), 100);
        assert_eq!((start, count), (4, 6));
        assert!(note.contains("6 selected"));
        let (start, count, note) = print_plan(Selection::at(4), 5000);
        assert_eq!((start, count), (0, PRINT_MAX));
        assert!(note.contains("first 2000 of the 5000"));
        assert_eq!(print_plan(Selection::default(), 7), (0, 7, "All 7 lines in the view.".to_string()));
        assert_eq!(print_plan(Selection::default(), 1).2, "All 1 line in the view.");
    }
}
