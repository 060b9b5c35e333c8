//! The virtual list's geometry: row heights, which rows the viewport draws, and the scroll
//! position that brings a row into view.

use crate::route::LogQuery;

pub const ROW_H: f64 = 24.0;
/// A row when long messages wrap: three lines of text.
pub const ROW_H_WRAP: f64 = 62.0;

/// The height of a row in this query's layout.
pub fn row_height(q: &LogQuery) -> f64 {
    if q.wrap {
        ROW_H_WRAP
    } else {
        ROW_H
    }
}
/// Rows fetched per request.
pub const BLOCK: usize = 200;
/// Browsers cap element heights; beyond this the scrollbar maps proportionally to rows.
pub const MAX_PX: f64 = 8_000_000.0;

/// Which rows the viewport shows, and where.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// Height of the scrolled content.
    pub spacer: f64,
    pub first: usize,
    /// One past the last row drawn.
    pub last: usize,
    /// Top of the first drawn row.
    pub top: f64,
}

impl Geometry {
    pub fn new(n: usize, scroll_top: f64, viewport_h: f64, row_h: f64) -> Geometry {
        let full_px = n as f64 * row_h;
        let scaled = full_px > MAX_PX;
        let spacer = if scaled { MAX_PX } else { full_px };
        let visible = ((viewport_h / row_h).ceil() as usize + 1).max(1);
        let first = if scaled {
            let frac = (scroll_top / (spacer - viewport_h).max(1.0)).clamp(0.0, 1.0);
            (frac * n.saturating_sub(visible) as f64) as usize
        } else {
            ((scroll_top / row_h) as usize).min(n)
        };
        let last = (first + visible + 10).min(n);
        let top = if scaled { scroll_top } else { first as f64 * row_h };
        Geometry { spacer, first, last, top }
    }

    /// Whether a view scrolled to `scroll_top` shows its last rows (a followed log then keeps
    /// its newest lines in view, as CMTrace does).
    pub fn at_end(&self, scroll_top: f64, viewport_h: f64) -> bool {
        scroll_top + viewport_h >= self.spacer - 2.0 * ROW_H
    }

    /// The blocks of rows the drawn rows need.
    pub fn blocks(&self) -> std::ops::RangeInclusive<usize> {
        if self.last == 0 || self.first >= self.last {
            #[allow(clippy::reversed_empty_ranges)]
            return 1..=0;
        }
        self.first / BLOCK..=(self.last - 1) / BLOCK
    }
}

/// The scroll position that brings row `i` of `n` (rows of `row_h` px) fully into a viewport of
/// height `vh` now scrolled to `cur`. In a list too tall for the browser (scaled), the row is
/// drawn at the top of the viewport.
pub fn scroll_target(i: usize, n: usize, cur: f64, vh: f64, row_h: f64) -> f64 {
    let full = n as f64 * row_h;
    if full > MAX_PX {
        let vis = (vh / row_h).ceil() + 1.0;
        return (i as f64 / (n as f64 - vis).max(1.0)).clamp(0.0, 1.0) * (MAX_PX - vh);
    }
    let row_top = i as f64 * row_h;
    if row_top < cur {
        row_top
    } else if row_top + row_h > cur + vh {
        (row_top + row_h - vh).min(row_top)
    } else {
        cur
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_the_end_of_the_view() {
        // 100 rows of 24 px in a 480 px viewport: the end is at 1920 px of scroll.
        let g = Geometry::new(100, 0.0, 480.0, ROW_H);
        assert!(!g.at_end(0.0, 480.0));
        assert!(g.at_end(1920.0, 480.0));
        assert!(g.at_end(1890.0, 480.0), "within two rows of the end counts");
        assert!(Geometry::new(5, 0.0, 480.0, ROW_H).at_end(0.0, 480.0), "a view shorter than the window is at its end");
    }

    #[test]
    fn geometry_small_and_huge() {
        let g = Geometry::new(1000, 240.0, 600.0, ROW_H);
        assert_eq!((g.first, g.top, g.spacer), (10, 240.0, 24_000.0));
        assert_eq!(g.last, 10 + 26 + 10);
        assert_eq!(g.blocks(), 0..=0);
        assert!(Geometry::new(0, 0.0, 600.0, ROW_H).blocks().is_empty());
        // Wrapped rows are taller: fewer of them in the same viewport.
        let g = Geometry::new(1000, 620.0, 600.0, ROW_H_WRAP);
        assert_eq!((g.first, g.top, g.spacer), (10, 620.0, 62_000.0));
        // A million rows: the spacer is capped and the scrollbar maps proportionally.
        let g = Geometry::new(1_000_000, MAX_PX - 600.0, 600.0, ROW_H);
        assert_eq!(g.spacer, MAX_PX);
        assert_eq!(g.last, 1_000_000);
        assert_eq!(*g.blocks().end(), 999_999 / BLOCK);
        assert_eq!(row_height(&LogQuery { wrap: true, ..LogQuery::default() }), ROW_H_WRAP);
    }

    #[test]
    fn scrolling_brings_a_row_into_view() {
        assert_eq!(scroll_target(5, 100, 0.0, 240.0, ROW_H), 0.0, "already visible");
        assert_eq!(scroll_target(50, 100, 0.0, 240.0, ROW_H), 51.0 * ROW_H - 240.0, "below: bottom-aligned");
        assert_eq!(scroll_target(2, 100, 480.0, 240.0, ROW_H), 48.0, "above: top-aligned");
        assert_eq!(scroll_target(1_000_000, 1_000_000, 0.0, 600.0, ROW_H), MAX_PX - 600.0);
        // A row partly below the bottom edge is brought fully in; one partly above too.
        assert_eq!(scroll_target(10, 100, 0.0, 250.0, ROW_H), 11.0 * ROW_H - 250.0);
        assert_eq!(scroll_target(10, 100, 245.0, 250.0, ROW_H), 240.0);
        // A viewport lower than a row: the row's top wins.
        assert_eq!(scroll_target(10, 100, 0.0, 40.0, ROW_H_WRAP), 620.0);
        // Every target leaves the row fully inside the viewport.
        for (i, cur, vh) in [(0, 500.0, 300.0), (99, 0.0, 300.0), (40, 950.0, 123.0), (41, 0.0, 100.0)] {
            let t = scroll_target(i, 100, cur, vh, ROW_H);
            assert!(i as f64 * ROW_H >= t && (i + 1) as f64 * ROW_H <= t + vh, "row {i} from {cur} in {vh}: {t}");
        }
    }
}
