//! The grid's columns: their widths, which are shown, and the CSS that sizes them.

use crate::route::LogQuery;

/// A column of the grid. The stripe (file colour) and the bookmark gutter are not columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Line,
    Time,
    Delta,
    File,
    Component,
    Thread,
    Message,
}

impl Column {
    pub const ALL: [Column; 7] = [Column::File, Column::Line, Column::Time, Column::Delta, Column::Component, Column::Thread, Column::Message];

    pub fn id(self) -> &'static str {
        match self {
            Column::Line => "line",
            Column::Time => "time",
            Column::Delta => "delta",
            Column::File => "file",
            Column::Component => "comp",
            Column::Thread => "thread",
            Column::Message => "text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::Line => "Line",
            Column::Time => "Time",
            Column::Delta => "Δ",
            Column::File => "File",
            Column::Component => "Component",
            Column::Thread => "Thread",
            Column::Message => "Message",
        }
    }

    /// Default width in px; the message takes the rest.
    pub fn default_width(self) -> u32 {
        match self {
            Column::Line => 52,
            Column::Time => 176,
            Column::Delta => 64,
            Column::File => 120,
            Column::Component => 110,
            Column::Thread => 48,
            Column::Message => 0,
        }
    }

    /// The message is always shown and takes the remaining width.
    pub fn resizable(self) -> bool {
        self != Column::Message
    }
}

pub const MIN_COL: u32 = 28;
pub const MAX_COL: u32 = 900;

/// A column's width in this query.
pub fn column_width(q: &LogQuery, c: Column) -> u32 {
    q.widths.iter().find(|(id, _)| id == c.id()).map_or(c.default_width(), |(_, w)| (*w).clamp(MIN_COL, MAX_COL))
}

/// The query with column `c` at `w` px (clamped; the default width is not written to the URL).
pub fn with_width(q: &LogQuery, c: Column, w: i64) -> LogQuery {
    let w = w.clamp(MIN_COL as i64, MAX_COL as i64) as u32;
    let mut nq = q.clone();
    nq.widths.retain(|(id, _)| id != c.id());
    if w != c.default_width() {
        nq.widths.push((c.id().to_string(), w));
    }
    nq
}

/// A resize by keyboard on a column's edge: the new width, or `None` for other keys.
pub fn resize_key(width: u32, key: &str, shift: bool) -> Option<i64> {
    let step = if shift { 40 } else { 8 };
    match key {
        "ArrowLeft" => Some(width as i64 - step),
        "ArrowRight" => Some(width as i64 + step),
        _ => None,
    }
}

/// The query with column `c` hidden or shown again.
pub fn toggle_column(q: &LogQuery, c: Column) -> LogQuery {
    let mut nq = q.clone();
    match nq.hidden_cols.iter().position(|x| x == c.id()) {
        Some(i) => {
            nq.hidden_cols.remove(i);
        }
        None => nq.hidden_cols.push(c.id().to_string()),
    }
    nq
}

/// The columns the grid shows, in order. The file column only when several files are merged.
pub fn visible_columns(q: &LogQuery, merged: bool) -> Vec<Column> {
    Column::ALL.into_iter().filter(|c| *c == Column::Message || (!q.hidden_cols.iter().any(|h| h == c.id()) && (merged || *c != Column::File))).collect()
}

/// The CSS custom properties that size the columns (`--w-time:184px;...`).
pub fn column_style(q: &LogQuery) -> String {
    Column::ALL.iter().filter(|c| c.resizable()).map(|c| format!("--w-{}:{}px;", c.id(), column_width(q, *c))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_resize_hide_and_style() {
        let q = LogQuery::default();
        assert_eq!(column_width(&q, Column::Time), 176);
        let q2 = with_width(&q, Column::Time, 240);
        assert_eq!(column_width(&q2, Column::Time), 240);
        assert_eq!(q2.widths, [("time".to_string(), 240)]);
        assert!(with_width(&q2, Column::Time, 176).widths.is_empty(), "the default is not written");
        assert_eq!(column_width(&with_width(&q, Column::File, 3), Column::File), MIN_COL);
        assert_eq!(resize_key(100, "ArrowRight", false), Some(108));
        assert_eq!(resize_key(100, "ArrowLeft", true), Some(60));
        assert_eq!(resize_key(100, "Enter", false), None);
        let hidden = toggle_column(&q, Column::Thread);
        assert_eq!(visible_columns(&hidden, true), [Column::File, Column::Line, Column::Time, Column::Delta, Column::Component, Column::Message]);
        assert_eq!(visible_columns(&hidden, false)[0], Column::Line, "one file: no file column");
        assert!(toggle_column(&hidden, Column::Thread).hidden_cols.is_empty());
        assert!(visible_columns(&LogQuery { hidden_cols: vec!["text".into()], ..q.clone() }, true).contains(&Column::Message), "the message stays");
        assert!(column_style(&q2).contains("--w-time:240px;"));
    }
}
