//! Hash routes, so the app works from any static host and under any sub-path:
//! `#/`, `#/report`, `#/log?sev=error&q=proxy`, `#/kb?q=407`, `#/kb/0x80244022`,
//! `#/embed/kb/0x80244022`, `#/embed/search`, `#/collect`,
//! `#/fleet?sort=lines&desc=1&status=failed&group=0&q=proxy`. Pure logic, tested natively.

use std::fmt::Write as _;

use wulens_core::model::Severity;

/// Log viewer state that lives in the URL, so a reload or a shared link restores it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogQuery {
    /// File names (not indices: indices change with what is dropped).
    pub files: Vec<String>,
    /// Severities shown (`sev=error,text`); empty: all.
    pub severities: Vec<Severity>,
    pub components: Vec<String>,
    pub threads: Vec<u32>,
    pub text: String,
    pub regex: bool,
    pub case_sensitive: bool,
    pub code: String,
    pub from: String,
    pub to: String,
    /// Show times in UTC instead of each log's local time.
    pub utc: bool,
    /// Jump target: `file:line`.
    pub at: String,
    /// Files closed in the viewer: left out of the merged timeline.
    pub hidden: Vec<String>,
    /// Column widths in pixels that differ from the defaults, by column id (`time`, `file`...).
    pub widths: Vec<(String, u32)>,
    /// Columns the user hid, by id.
    pub hidden_cols: Vec<String>,
    /// Wrap long messages (taller rows).
    pub wrap: bool,
    /// F3 / F4 also stop on lines whose codes are routine noise in their log.
    pub routine: bool,
    /// Highlight rules, first match wins (CMTrace's highlight).
    pub highlights: Vec<Highlight>,
}

/// A highlight rule: rows whose message contains `text` (or matches it as a regex) get `color`.
#[derive(Clone, Debug, PartialEq)]
pub struct Highlight {
    pub text: String,
    pub regex: bool,
    pub color: String,
}

impl Highlight {
    /// `color~r~text` (or `~t~` for plain text): one element of the `hl` list.
    fn to_param(&self) -> String {
        format!("{}~{}~{}", self.color, if self.regex { 'r' } else { 't' }, self.text)
    }

    fn from_param(s: &str) -> Option<Highlight> {
        let mut it = s.splitn(3, '~');
        let (color, kind, text) = (it.next()?, it.next()?, it.next()?);
        let color = color.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>();
        (!text.is_empty() && !color.is_empty()).then(|| Highlight { text: text.to_string(), regex: kind == "r", color })
    }
}

impl LogQuery {
    pub fn is_filtered(&self) -> bool {
        !(self.files.is_empty()
            && self.severities.is_empty()
            && self.components.is_empty()
            && self.threads.is_empty()
            && self.text.is_empty()
            && self.code.is_empty()
            && self.from.is_empty()
            && self.to.is_empty()
            && self.hidden.is_empty())
    }

    /// The same view without filters (keeps display options: columns, wrap, highlights).
    pub fn cleared(&self) -> LogQuery {
        LogQuery {
            utc: self.utc,
            widths: self.widths.clone(),
            hidden_cols: self.hidden_cols.clone(),
            wrap: self.wrap,
            routine: self.routine,
            highlights: self.highlights.clone(),
            ..LogQuery::default()
        }
    }
}

/// The fleet page's table state in the URL, so coming back from a machine's report restores it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FleetQuery {
    /// The column sorted by (`machine` when empty).
    pub sort: String,
    pub desc: bool,
    pub text: String,
    /// Only machines of this status.
    pub status: String,
    /// Only the machines of this root-cause group (its index, largest group first).
    pub group: Option<usize>,
    /// Only the machines in this cell of the compliance matrix: an update (`KB5044273`) and a
    /// state (`failing`, `not_seen`, ...); both or neither.
    pub update: String,
    pub update_state: String,
}

// A route is built once per navigation: the viewer's query being the largest variant costs
// nothing worth a Box at every use.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    Home,
    Report,
    Log(LogQuery),
    Kb {
        query: String,
        category: String,
    },
    /// An entry page: the code in any notation, and the update it was written for
    /// (`?kb=KB5034441`; empty: none), whose context then leads.
    KbEntry(String, String),
    EmbedKb(String, String),
    EmbedSearch {
        query: String,
    },
    Collect,
    Fleet(FleetQuery),
    NotFound(String),
}

impl Route {
    pub fn is_embed(&self) -> bool {
        matches!(self, Route::EmbedKb(..) | Route::EmbedSearch { .. })
    }
}

pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                Ok(v) => {
                    out.push(v);
                    i += 3;
                }
                Err(_) => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Query pairs with the key decoded and the value still encoded (lists split on raw commas).
fn params(q: &str) -> Vec<(String, &str)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), v),
            None => (decode(p), ""),
        })
        .collect()
}

/// A severity as the URL, the severity toggles and the rows name it: `error`, `warning`,
/// `info`, and `text` for unparsed lines (`Severity::None`).
pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::None => "text",
        s => s.label(),
    }
}

/// The severity a URL names (`None`: not one).
fn severity_named(name: &str) -> Option<Severity> {
    [Severity::Error, Severity::Warning, Severity::Info, Severity::None].into_iter().find(|s| severity_name(*s) == name)
}

fn list(v: &str) -> Vec<String> {
    v.split(',').filter(|s| !s.is_empty()).map(decode).collect()
}

pub fn parse(hash: &str) -> Route {
    let h = hash.trim_start_matches('#');
    let (path, query) = h.split_once('?').unwrap_or((h, ""));
    let path = path.trim_matches('/');
    let get = |key: &str| params(query).into_iter().find(|(k, _)| k == key).map(|(_, v)| decode(v)).unwrap_or_default();
    let segs: Vec<&str> = if path.is_empty() { Vec::new() } else { path.split('/').collect() };
    match segs.as_slice() {
        [] => Route::Home,
        ["report"] => Route::Report,
        ["log"] => {
            let mut q = LogQuery::default();
            for (k, v) in params(query) {
                match k.as_str() {
                    "file" => q.files = list(v),
                    "sev" => q.severities = list(v).iter().filter_map(|s| severity_named(s)).collect(),
                    "comp" => q.components = list(v),
                    "thread" => q.threads = v.split(',').filter_map(|t| t.trim().parse().ok()).collect(),
                    "q" => q.text = decode(v),
                    "re" => q.regex = v == "1",
                    "cs" => q.case_sensitive = v == "1",
                    "code" => q.code = decode(v),
                    "from" => q.from = decode(v),
                    "to" => q.to = decode(v),
                    "utc" => q.utc = v == "1",
                    "at" => q.at = decode(v),
                    "hide" => q.hidden = list(v),
                    "cw" => q.widths = list(v).iter().filter_map(|p| p.split_once('.').and_then(|(c, w)| Some((c.to_string(), w.parse().ok()?)))).collect(),
                    "nocol" => q.hidden_cols = list(v),
                    "wrap" => q.wrap = v == "1",
                    "noise" => q.routine = v == "1",
                    "hl" => q.highlights = list(v).iter().filter_map(|h| Highlight::from_param(h)).collect(),
                    _ => {}
                }
            }
            Route::Log(q)
        }
        ["kb"] => Route::Kb { query: get("q"), category: get("cat") },
        ["kb", code] => Route::KbEntry(decode(code), get("kb")),
        ["embed", "kb", code] => Route::EmbedKb(decode(code), get("kb")),
        ["embed", "search"] => Route::EmbedSearch { query: get("q") },
        ["collect"] => Route::Collect,
        ["fleet"] => Route::Fleet(FleetQuery {
            sort: get("sort"),
            desc: get("desc") == "1",
            text: get("q"),
            status: get("status"),
            group: get("group").parse().ok(),
            update: get("update"),
            update_state: get("ustate"),
        }),
        _ => Route::NotFound(path.to_string()),
    }
}

pub fn to_hash(r: &Route) -> String {
    fn join(v: &[String]) -> String {
        v.iter().map(|s| encode(s)).collect::<Vec<_>>().join(",")
    }
    match r {
        Route::Home => "#/".into(),
        Route::Report => "#/report".into(),
        Route::Log(q) => {
            let mut p: Vec<String> = Vec::new();
            if !q.files.is_empty() {
                p.push(format!("file={}", join(&q.files)));
            }
            if !q.severities.is_empty() {
                p.push(format!("sev={}", q.severities.iter().map(|s| severity_name(*s)).collect::<Vec<_>>().join(",")));
            }
            if !q.components.is_empty() {
                p.push(format!("comp={}", join(&q.components)));
            }
            if !q.hidden.is_empty() {
                p.push(format!("hide={}", join(&q.hidden)));
            }
            if !q.threads.is_empty() {
                p.push(format!("thread={}", q.threads.iter().map(u32::to_string).collect::<Vec<_>>().join(",")));
            }
            for (k, v) in [("q", &q.text), ("code", &q.code), ("from", &q.from), ("to", &q.to), ("at", &q.at)] {
                if !v.is_empty() {
                    p.push(format!("{k}={}", encode(v)));
                }
            }
            if !q.widths.is_empty() {
                p.push(format!("cw={}", join(&q.widths.iter().map(|(c, w)| format!("{c}.{w}")).collect::<Vec<_>>())));
            }
            if !q.hidden_cols.is_empty() {
                p.push(format!("nocol={}", join(&q.hidden_cols)));
            }
            if !q.highlights.is_empty() {
                p.push(format!("hl={}", join(&q.highlights.iter().map(Highlight::to_param).collect::<Vec<_>>())));
            }
            for (k, v) in [("re", q.regex), ("cs", q.case_sensitive), ("utc", q.utc), ("wrap", q.wrap), ("noise", q.routine)] {
                if v {
                    p.push(format!("{k}=1"));
                }
            }
            if p.is_empty() {
                "#/log".into()
            } else {
                format!("#/log?{}", p.join("&"))
            }
        }
        Route::Kb { query, category } => {
            let mut p = Vec::new();
            if !query.is_empty() {
                p.push(format!("q={}", encode(query)));
            }
            if !category.is_empty() {
                p.push(format!("cat={}", encode(category)));
            }
            if p.is_empty() {
                "#/kb".into()
            } else {
                format!("#/kb?{}", p.join("&"))
            }
        }
        Route::KbEntry(c, kb) if kb.is_empty() => format!("#/kb/{}", encode(c)),
        Route::KbEntry(c, kb) => format!("#/kb/{}?kb={}", encode(c), encode(kb)),
        Route::EmbedKb(c, kb) if kb.is_empty() => format!("#/embed/kb/{}", encode(c)),
        Route::EmbedKb(c, kb) => format!("#/embed/kb/{}?kb={}", encode(c), encode(kb)),
        Route::EmbedSearch { query } if query.is_empty() => "#/embed/search".into(),
        Route::EmbedSearch { query } => format!("#/embed/search?q={}", encode(query)),
        Route::Collect => "#/collect".into(),
        Route::Fleet(q) => {
            let mut p = Vec::new();
            for (k, v) in [("sort", &q.sort), ("status", &q.status), ("q", &q.text), ("update", &q.update), ("ustate", &q.update_state)] {
                if !v.is_empty() {
                    p.push(format!("{k}={}", encode(v)));
                }
            }
            if q.desc {
                p.push("desc=1".into());
            }
            if let Some(g) = q.group {
                p.push(format!("group={g}"));
            }
            if p.is_empty() {
                "#/fleet".into()
            } else {
                format!("#/fleet?{}", p.join("&"))
            }
        }
        Route::NotFound(p) => format!("#/{p}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_route() {
        assert_eq!(parse(""), Route::Home);
        assert_eq!(parse("#/"), Route::Home);
        assert_eq!(parse("#/report"), Route::Report);
        assert_eq!(parse("#/kb/0x80244022"), Route::KbEntry("0x80244022".into(), String::new()));
        assert_eq!(parse("#/kb/-2145107934"), Route::KbEntry("-2145107934".into(), String::new()));
        assert_eq!(parse("#/embed/kb/0x80244022"), Route::EmbedKb("0x80244022".into(), String::new()));
        // The update a code was written for travels with it, and comes back.
        let winre = Route::EmbedKb("0x80070643".into(), "KB5034441".into());
        assert_eq!(to_hash(&winre), "#/embed/kb/0x80070643?kb=KB5034441");
        assert_eq!(parse(&to_hash(&winre)), winre);
        assert_eq!(parse("#/kb/0x80070643?kb=KB5034441"), Route::KbEntry("0x80070643".into(), "KB5034441".into()));
        assert_eq!(parse("#/embed/search?q=proxy%20407"), Route::EmbedSearch { query: "proxy 407".into() });
        assert_eq!(parse("#/kb?q=catroot2&cat=proxy"), Route::Kb { query: "catroot2".into(), category: "proxy".into() });
        assert_eq!(parse("#/collect"), Route::Collect);
        assert!(matches!(parse("#/nope"), Route::NotFound(_)));
    }

    #[test]
    fn log_query_round_trips() {
        let q = LogQuery {
            files: vec!["CCM/Logs/WUAHandler.log".into(), "a,b.log".into()],
            severities: vec![Severity::Error, Severity::None],
            components: vec!["WUAHandler".into()],
            threads: vec![10444],
            text: "proxy & 407 = fail?".into(),
            regex: true,
            case_sensitive: false,
            code: "0x8024401B".into(),
            from: "2024-05-31 16:45".into(),
            to: String::new(),
            utc: true,
            at: "WUAHandler.log:9".into(),
            hidden: vec!["CBS.log".into()],
            widths: vec![("time".into(), 190), ("file".into(), 260)],
            hidden_cols: vec!["thread".into()],
            wrap: true,
            routine: true,
            highlights: vec![
                Highlight { text: "proxy, 407 ~ fail".into(), regex: false, color: "yellow".into() },
                Highlight { text: r"0x8024[0-9a-f]{4}|a\.b".into(), regex: true, color: "blue".into() },
            ],
        };
        let r = Route::Log(q);
        assert_eq!(parse(&to_hash(&r)), r);
        assert!(to_hash(&r).contains("sev=error,text&"), "{}", to_hash(&r));
        assert_eq!(to_hash(&Route::Log(LogQuery::default())), "#/log");
        // Links written before severities were typed open the same view; a word that names no
        // severity is left out.
        let Route::Log(q) = parse("#/log?sev=warning,info,text,bogus") else { panic!() };
        assert_eq!(q.severities, [Severity::Warning, Severity::Info, Severity::None]);
        // Display options survive "Clear all"; filters do not.
        if let Route::Log(q) = r {
            let c = q.cleared();
            assert!(!c.is_filtered());
            assert_eq!((c.widths, c.hidden_cols, c.wrap, c.highlights.len()), (q.widths, q.hidden_cols, true, 2));
        }
        // Hand-edited links: a rule without text or with a bad colour name is dropped or cleaned.
        let Route::Log(q) = parse("#/log?hl=yellow~t~,red%3Cb%3E~t~x,blue~r&cw=time.abc,file.90") else { panic!() };
        assert_eq!(q.highlights, [Highlight { text: "x".into(), regex: false, color: "redb".into() }]);
        assert_eq!(q.widths, [("file".to_string(), 90)]);
    }

    #[test]
    fn fleet_query_round_trips() {
        let r = Route::Fleet(FleetQuery {
            sort: "lines".into(),
            desc: true,
            text: "proxy & 407".into(),
            status: "failed".into(),
            group: Some(2),
            update: "KB5044273".into(),
            update_state: "not_seen".into(),
        });
        assert_eq!(parse(&to_hash(&r)), r);
        assert_eq!(to_hash(&Route::Fleet(FleetQuery::default())), "#/fleet");
        assert_eq!(parse("#/fleet?group=x"), Route::Fleet(FleetQuery::default()));
    }

    #[test]
    fn percent_coding() {
        assert_eq!(decode(&encode("a b/é%")), "a b/é%");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
    }
}
