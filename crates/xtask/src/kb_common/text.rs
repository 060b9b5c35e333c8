//! Turning a Markdown / HTML table cell into a plain message string.

use std::sync::OnceLock;

use regex::Regex;

/// Longest message kept; longer cells are cut to their first sentences.
pub const MAX_MESSAGE: usize = 300;

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap())
}

/// Strip Markdown and HTML: links keep their text, `**`, backticks, tags and `<br>` go, HTML
/// entities and backslash escapes are decoded, whitespace is collapsed.
pub fn clean(s: &str) -> String {
    static BR: OnceLock<Regex> = OnceLock::new();
    static TAG: OnceLock<Regex> = OnceLock::new();
    static AUTOLINK: OnceLock<Regex> = OnceLock::new();
    static LINK: OnceLock<Regex> = OnceLock::new();
    static ENTITY: OnceLock<Regex> = OnceLock::new();
    static ESCAPE: OnceLock<Regex> = OnceLock::new();
    // Escaped angle brackets are text, not tags: park them in private-use characters.
    let mut t = s.replace("\\<", "\u{E000}").replace("\\>", "\u{E001}");
    t = re(&BR, r"(?i)<br\s*/?>").replace_all(&t, " ").into_owned();
    t = re(&TAG, r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>").replace_all(&t, "").into_owned();
    t = re(&AUTOLINK, r"<(https?://[^<>\s]+)>").replace_all(&t, "$1").into_owned();
    t = re(&LINK, r"!?\[([^\]]*)\]\([^)]*\)").replace_all(&t, "$1").into_owned();
    t = t.replace("**", "").replace('`', "");
    t = re(&ESCAPE, r"\\([\\`*_{}\[\]()#+\-.!|~])").replace_all(&t, "$1").into_owned();
    t = re(&ENTITY, r"&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z]+);")
        .replace_all(&t, |c: &regex::Captures| decode_entity(&c[1]).unwrap_or_else(|| c[0].to_string()))
        .into_owned();
    t = t.replace('\u{E000}', "<").replace('\u{E001}', ">");
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entity(e: &str) -> Option<String> {
    let ch = match e {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "hellip" => '…',
        _ => {
            let num = e.strip_prefix('#')?;
            let n = match num.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(n)?
        }
    };
    Some(ch.to_string())
}

/// A cleaned message, or `None` when the cell is empty or a placeholder (`NA`, `-`).
pub fn message(raw: &str) -> Option<String> {
    let m = shorten(&clean(raw), MAX_MESSAGE);
    match m.as_str() {
        "" | "NA" | "N/A" | "-" | "—" => None,
        _ => Some(m),
    }
}

/// Keep the first sentences that fit in `max` characters; a single longer sentence is cut at a
/// word boundary and ends with `…`.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(end) = sentence_end(rest) {
        let (sentence, tail) = rest.split_at(end);
        let candidate = if out.is_empty() { sentence.trim().to_string() } else { format!("{out} {}", sentence.trim()) };
        if candidate.chars().count() > max {
            break;
        }
        out = candidate;
        rest = tail;
    }
    if !out.is_empty() {
        return out;
    }
    let mut cut = String::new();
    for word in s.split(' ') {
        if cut.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// Byte index just after the first sentence end (`.`, `!` or `?` followed by a space and an
/// upper-case letter or a digit, or by the end of the text).
fn sentence_end(s: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (i, &(pos, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        match chars.get(i + 1) {
            None => return Some(s.len()),
            Some(&(_, ' ')) if chars.get(i + 2).is_some_and(|&(_, n)| n.is_uppercase() || n.is_ascii_digit()) => {
                return Some(pos + c.len_utf8());
            }
            _ => {}
        }
    }
    None
}

/// A cell that names a constant: letters, digits and `_`, starting with a letter.
pub fn as_symbol(cell: &str) -> Option<String> {
    let s = clean(cell);
    let ok = s.len() > 2
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && (s.contains('_') || !s.chars().any(|c| c.is_ascii_lowercase()));
    ok.then_some(s)
}
