//! The viewer's state, what changes it, and the reducer (`use_reducer` in hook.rs). Pure: no
//! DOM, no worker; tested natively. The rows are not here: they live in the worker, and the
//! blocks of them around the viewport in the row cache (logic/cache.rs).

use std::collections::BTreeSet;
use std::rc::Rc;

use wulens_core::viewer::{CodeInView, Row};
use yew::Reducible;

use super::logic::selection::Selection;

/// The full text of a row: (its index in the view, the text, cut at `MAX_DETAIL_CHARS`).
pub type Detail = (usize, String, bool);
/// The rows to print and the note above them.
pub type Printed = Rc<(Vec<Row>, String)>;

#[derive(Clone, Debug, PartialEq)]
pub struct ViewState {
    /// Rows in the view; `None` until the first filter is applied.
    pub count: Option<usize>,
    /// Rows of the merged timeline.
    pub total: usize,
    /// Why the filter could not be applied.
    pub error: Option<String>,
    /// What the last intent has to say (nothing found, copied, ...).
    pub notice: Option<String>,
    /// The codes of the view, most frequent first.
    pub codes: Rc<Vec<CodeInView>>,
    /// The components of the files in view.
    pub components: Rc<Vec<String>>,
    /// The list's scroll position and height, in px.
    pub scroll_top: f64,
    pub viewport_h: f64,
    /// Cursor and anchor change together: one field, so no render ever sees half a selection.
    pub sel: Selection,
    /// The full text of the selected row (of the row it was asked for).
    pub detail: Option<Detail>,
    /// What find looks for (marked in the rows).
    pub find_text: Rc<String>,
    /// Matches of find in the view, and the row find selected.
    pub find_info: Option<(usize, Option<usize>)>,
    /// Bookmarked lines: (file index, line).
    pub marks: Rc<BTreeSet<(u32, u32)>>,
    /// The row the Δ column counts from (UTC ms, file, line); `None`: from the previous row.
    pub delta_from: Option<(i64, u32, u32)>,
    pub print_rows: Option<Printed>,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            count: None,
            total: 0,
            error: None,
            notice: None,
            codes: Rc::default(),
            components: Rc::default(),
            scroll_top: 0.0,
            viewport_h: 600.0,
            sel: Selection::default(),
            detail: None,
            find_text: Rc::default(),
            find_info: None,
            marks: Rc::default(),
            delta_from: None,
            print_rows: None,
        }
    }
}

/// What changes the viewer's state: the worker's answers and the user's moves.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The worker applied the filter: rows in the view and in all. The detail of the view
    /// before goes with it.
    Filtered {
        count: usize,
        total: usize,
    },
    /// The filter could not be applied (a regex or a time that is not one).
    FilterFailed(String),
    /// Followed logs grew: rows in the view and in all now.
    Grew {
        count: usize,
        total: usize,
    },
    Codes(Vec<CodeInView>),
    Components(Vec<String>),
    /// The list was scrolled to this position.
    Scrolled(f64),
    /// The list is this tall now (a change of a pixel or less is none).
    Resized(f64),
    /// Select a row; `extend`: keep the anchor (Shift).
    Select {
        index: usize,
        extend: bool,
    },
    /// The full text of a row arrived.
    Detail(Detail),
    Notice(Option<String>),
    /// Find looks for this text now; an empty text ends the find.
    FindText(String),
    /// Matches in the view, and the row find selected (`None`: no count).
    Found(Option<(usize, Option<usize>)>),
    /// Bookmark a line (file index, line), or remove its bookmark.
    ToggleMark(u32, u32),
    /// Count Δ from this row (UTC ms, file, line), or from the previous row again (`None`).
    DeltaFrom(Option<(i64, u32, u32)>),
    /// The rows to print arrived, with the note above them.
    Print(Vec<Row>, String),
}

impl Reducible for ViewState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // What changes nothing returns the same state: no render.
        match action {
            Action::Resized(h) if h <= 0.0 || (h - self.viewport_h).abs() <= 1.0 => return self,
            Action::Scrolled(top) if top == self.scroll_top => return self,
            _ => {}
        }
        let mut s = (*self).clone();
        match action {
            Action::Filtered { count, total } => {
                s.error = None;
                s.total = total;
                s.count = Some(count);
                s.detail = None;
            }
            Action::FilterFailed(e) => s.error = Some(e),
            Action::Grew { count, total } => {
                s.count = Some(count);
                s.total = total;
            }
            Action::Codes(c) => s.codes = Rc::new(c),
            Action::Components(c) => s.components = Rc::new(c),
            Action::Scrolled(top) => s.scroll_top = top,
            Action::Resized(h) => s.viewport_h = h,
            Action::Select { index, extend } => s.sel = s.sel.moved(index, extend),
            Action::Detail(d) => s.detail = Some(d),
            Action::Notice(m) => s.notice = m,
            Action::FindText(text) => {
                if text.is_empty() {
                    s.find_info = None;
                }
                s.find_text = Rc::new(text);
            }
            Action::Found(info) => s.find_info = info,
            Action::ToggleMark(file, line) => {
                let marks = Rc::make_mut(&mut s.marks);
                if !marks.remove(&(file, line)) {
                    marks.insert((file, line));
                }
            }
            Action::DeltaFrom(from) => s.delta_from = from,
            Action::Print(rows, note) => s.print_rows = Some(Rc::new((rows, note))),
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(actions: impl IntoIterator<Item = Action>) -> Rc<ViewState> {
        actions.into_iter().fold(Rc::new(ViewState::default()), |s, a| s.reduce(a))
    }

    #[test]
    fn a_filter_sets_the_counts_and_drops_the_detail_and_the_error() {
        let s = run([Action::FilterFailed("not a regex".into()), Action::Detail((3, "text".into(), false))]);
        assert_eq!((s.error.as_deref(), s.detail.is_some(), s.count), (Some("not a regex"), true, None));
        let s = s.reduce(Action::Filtered { count: 5, total: 9 });
        assert_eq!((s.error.clone(), s.detail.clone(), s.count, s.total), (None, None, Some(5), 9));
        // A growth keeps the detail (the same rows, more of them).
        let s = s.reduce(Action::Detail((1, "x".into(), true))).reduce(Action::Grew { count: 7, total: 12 });
        assert_eq!((s.count, s.total, s.detail.is_some()), (Some(7), 12, true));
    }

    #[test]
    fn the_selection_moves_and_extends_from_its_anchor() {
        let s = run([Action::Select { index: 4, extend: false }, Action::Select { index: 8, extend: true }]);
        assert_eq!(s.sel.range(), Some((4, 8)));
        let s = s.reduce(Action::Select { index: 2, extend: false });
        assert_eq!(s.sel, Selection::at(2));
    }

    #[test]
    fn what_changes_nothing_does_not_render() {
        let s = Rc::new(ViewState::default());
        assert!(Rc::ptr_eq(&s, &s.clone().reduce(Action::Resized(600.5))), "within a pixel");
        assert!(Rc::ptr_eq(&s, &s.clone().reduce(Action::Resized(0.0))), "not laid out");
        assert!(Rc::ptr_eq(&s, &s.clone().reduce(Action::Scrolled(0.0))));
        let t = s.clone().reduce(Action::Resized(480.0));
        assert_eq!(t.viewport_h, 480.0);
        assert_eq!(t.clone().reduce(Action::Scrolled(24.0)).scroll_top, 24.0);
        assert!(!Rc::ptr_eq(&s, &s.clone().reduce(Action::Notice(None))), "other answers render");
    }

    #[test]
    fn an_empty_find_ends_the_count() {
        let s = run([Action::FindText("proxy".into()), Action::Found(Some((3, Some(7))))]);
        assert_eq!((s.find_text.as_str(), s.find_info), ("proxy", Some((3, Some(7)))));
        let s = s.reduce(Action::FindText("prox".into()));
        assert_eq!(s.find_info, Some((3, Some(7))), "kept until the new count comes");
        let s = s.reduce(Action::FindText(String::new()));
        assert_eq!((s.find_text.as_str(), s.find_info), ("", None));
    }

    #[test]
    fn bookmarks_toggle_and_delta_counts_from_a_row() {
        let s = run([Action::ToggleMark(0, 10), Action::ToggleMark(1, 3), Action::ToggleMark(0, 10)]);
        assert_eq!(s.marks.iter().copied().collect::<Vec<_>>(), [(1, 3)]);
        let s = s.reduce(Action::DeltaFrom(Some((1_000, 1, 3))));
        assert_eq!(s.delta_from, Some((1_000, 1, 3)));
        assert_eq!(s.reduce(Action::DeltaFrom(None)).delta_from, None);
    }

    #[test]
    fn answers_land_in_their_fields() {
        let s = run([
            Action::Components(vec!["Agent".into()]),
            Action::Notice(Some("Copied 1 line as text.".into())),
            Action::Print(Vec::new(), "All 0 lines in the view.".into()),
        ]);
        assert_eq!(*s.components, ["Agent"]);
        assert_eq!(s.notice.as_deref(), Some("Copied 1 line as text."));
        assert_eq!(s.print_rows.as_ref().map(|p| p.1.as_str()), Some("All 0 lines in the view."));
        assert!(s.codes.is_empty());
    }
}
