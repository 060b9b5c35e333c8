//! Plain text: no structure we know, so every line is kept as unparsed text. Error codes are
//! still found in it and it still shows in the viewer.

use super::builder::Builder;

/// Keep every line from `b.start` as an unparsed entry.
pub fn parse(b: &mut Builder) {
    for l in b.lines(b.start) {
        b.unparsed(&l);
    }
}
