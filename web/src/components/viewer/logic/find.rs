//! Find marks in a row's text, and highlight rules (CMTrace's highlight).

use crate::route::Highlight;

/// Where `needle` occurs in `text`, ignoring ASCII case as the worker's find does: char ranges.
pub fn find_ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let n: Vec<char> = needle.chars().map(|c| c.to_ascii_lowercase()).collect();
    if n.is_empty() {
        return Vec::new();
    }
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + n.len() <= t.len() {
        if t[i..i + n.len()] == n[..] {
            out.push((i, i + n.len()));
            i += n.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The pieces of chars `start..end` cut at the marks: (start, end, marked).
pub fn split_marks(start: usize, end: usize, marks: &[(usize, usize)]) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut pos = start;
    for &(s, e) in marks.iter().filter(|(s, e)| *e > start && *s < end) {
        let (s, e) = (s.max(start), e.min(end));
        if s > pos {
            out.push((pos, s, false));
        }
        out.push((s, e, true));
        pos = e;
    }
    if pos < end || out.is_empty() {
        out.push((pos, end, false));
    }
    out
}

/// Highlight colours: (id, label). Their styles are in styles.css (`.row.hl-<id>`).
pub const HIGHLIGHT_COLORS: [(&str, &str); 5] = [("yellow", "Yellow"), ("green", "Green"), ("blue", "Blue"), ("purple", "Purple"), ("orange", "Orange")];

/// Highlight rules ready to match; a rule whose regex does not compile matches nothing.
pub struct Rules(Vec<(Option<Matcher>, String)>);

enum Matcher {
    Text(String),
    Regex(regex_lite::Regex),
}

impl Rules {
    pub fn new(rules: &[Highlight]) -> Rules {
        Rules(
            rules
                .iter()
                .map(|h| {
                    let m = if h.regex {
                        regex_lite::Regex::new(&format!("(?i){}", h.text)).ok().map(Matcher::Regex)
                    } else {
                        Some(Matcher::Text(h.text.to_ascii_lowercase()))
                    };
                    let color = if HIGHLIGHT_COLORS.iter().any(|(id, _)| *id == h.color) { h.color.clone() } else { "yellow".to_string() };
                    (m, color)
                })
                .collect(),
        )
    }

    /// The colour of the first rule `text` matches (ASCII case ignored).
    pub fn color(&self, text: &str) -> Option<&str> {
        self.0.iter().find_map(|(m, color)| {
            let hit = match m.as_ref()? {
                Matcher::Text(t) => !find_ranges(text, t).is_empty(),
                Matcher::Regex(r) => r.is_match(text),
            };
            hit.then_some(color.as_str())
        })
    }
}

/// Whether a rule's pattern is usable: a message for people when it is not.
pub fn rule_problem(text: &str, regex: bool) -> Option<String> {
    if text.trim().is_empty() {
        return Some("Type the text to highlight.".into());
    }
    regex.then(|| regex_lite::Regex::new(text).err().map(|e| format!("Not a valid regular expression: {e}"))).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_marks_and_highlight_rules() {
        assert_eq!(find_ranges("Scan FAILED, failed again", "failed"), [(5, 11), (13, 19)]);
        assert_eq!(find_ranges("ééx", "X"), [(2, 3)], "char offsets, not bytes");
        assert!(find_ranges("abc", "").is_empty());
        assert_eq!(find_ranges("aaaa", "aa"), [(0, 2), (2, 4)], "no overlaps");
        assert_eq!(split_marks(0, 10, &[(2, 4), (8, 12)]), [(0, 2, false), (2, 4, true), (4, 8, false), (8, 10, true)]);
        assert_eq!(split_marks(3, 6, &[]), [(3, 6, false)]);
        assert_eq!(split_marks(5, 5, &[]), [(5, 5, false)]);
        let rules = Rules::new(&[
            Highlight { text: "proxy".into(), regex: false, color: "orange".into() },
            Highlight { text: r"0x8024\w{4}".into(), regex: true, color: "blue".into() },
            Highlight { text: "(".into(), regex: true, color: "green".into() },
            Highlight { text: "scan".into(), regex: false, color: "nonsense".into() },
        ]);
        assert_eq!(rules.color("PROXY said 0x8024401B"), Some("orange"), "first rule wins, case ignored");
        assert_eq!(rules.color("error 0x8024401b"), Some("blue"));
        assert_eq!(rules.color("Scan done"), Some("yellow"), "an unknown colour falls back");
        assert_eq!(rules.color("nothing"), None);
        assert!(rule_problem("(", true).unwrap().contains("Not a valid"));
        assert!(rule_problem(" ", false).is_some());
        assert_eq!(rule_problem("(", false), None);
    }
}
