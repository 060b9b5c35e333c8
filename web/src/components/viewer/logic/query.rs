//! The URL query as filters: the worker's filter, the chips of active filters, and the changes
//! the filter bar and the tabs make.

use wulens_core::model::base_name;
use wulens_core::model::Severity;
use wulens_core::viewer::Filter;
use wulens_core::Report;

use super::zones::view_zone;
use crate::route::{severity_name, LogQuery};

/// The worker's filter for a URL query.
pub fn filter_of(q: &LogQuery) -> Filter {
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Filter {
        files: q.files.clone(),
        hidden: q.hidden.clone(),
        severities: q.severities.clone(),
        components: q.components.clone(),
        threads: q.threads.clone(),
        text: q.text.clone(),
        regex: q.regex,
        case_sensitive: q.case_sensitive,
        code: opt(&q.code),
        from: opt(&q.from),
        to: opt(&q.to),
        zone: 0,
    }
}

/// The worker's filter, with time bounds read in the zone the grid shows.
pub fn filter_in_zone(q: &LogQuery, report: &Report) -> Filter {
    Filter { zone: view_zone(report, q).unwrap_or(0), ..filter_of(q) }
}

/// The active filters as chips: each label with the query that removes it.
pub fn chips(q: &LogQuery) -> Vec<(String, LogQuery)> {
    let mut chips: Vec<(String, LogQuery)> = Vec::new();
    let mut push = |label: String, f: &dyn Fn(&mut LogQuery)| {
        let mut nq = q.clone();
        f(&mut nq);
        nq.at.clear();
        chips.push((label, nq));
    };
    for f in &q.files {
        push(format!("file: {}", base_name(f)), &|x| x.files.retain(|y| y != f));
    }
    for h in &q.hidden {
        push(format!("closed: {}", base_name(h)), &|x| x.hidden.retain(|y| y != h));
    }
    for s in &q.severities {
        push(format!("severity: {}", severity_name(*s)), &|x| x.severities.retain(|y| y != s));
    }
    for c in &q.components {
        push(format!("component: {c}"), &|x| x.components.retain(|y| y != c));
    }
    for t in &q.threads {
        push(format!("thread: {t}"), &|x| x.threads.retain(|y| y != t));
    }
    if !q.text.is_empty() {
        push(format!("{}: {}", if q.regex { "regex" } else { "text" }, q.text), &|x| x.text.clear());
    }
    if !q.code.is_empty() {
        push(format!("code: {}", q.code), &|x| x.code.clear());
    }
    if !q.from.is_empty() {
        push(format!("from: {}", q.from), &|x| x.from.clear());
    }
    if !q.to.is_empty() {
        push(format!("to: {}", q.to), &|x| x.to.clear());
    }
    chips
}

/// The component drop-down: the components of the view, plus any the query names.
pub fn component_options(in_view: &[String], q: &LogQuery) -> Vec<String> {
    let mut out: Vec<String> = in_view.iter().filter(|c| !c.is_empty()).cloned().collect();
    for c in &q.components {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

/// The query after toggling a severity.
pub fn toggle_severity(q: &LogQuery, s: Severity) -> LogQuery {
    let mut nq = q.clone();
    match nq.severities.iter().position(|x| *x == s) {
        Some(i) => {
            nq.severities.remove(i);
        }
        None => nq.severities.push(s),
    }
    nq
}

/// The query after closing a file's tab: it leaves the merged timeline.
pub fn close_file(q: &LogQuery, name: &str) -> LogQuery {
    let mut nq = q.clone();
    nq.files.retain(|f| f != name);
    nq.hidden.push(name.to_string());
    nq.at.clear();
    nq
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chips_remove_their_own_filter() {
        let q = LogQuery {
            files: vec!["CCM/WUAHandler.log".into()],
            severities: vec![Severity::Error, Severity::Warning],
            text: "proxy".into(),
            regex: true,
            at: "WUAHandler.log:3".into(),
            ..LogQuery::default()
        };
        let c = chips(&q);
        let labels: Vec<&str> = c.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["file: WUAHandler.log", "severity: error", "severity: warning", "regex: proxy"]);
        assert_eq!(c[1].1.severities, [Severity::Warning]);
        assert!(c[3].1.text.is_empty() && c[3].1.at.is_empty());
        assert_eq!(toggle_severity(&q, Severity::Error).severities, [Severity::Warning]);
        assert!(chips(&toggle_severity(&q, Severity::None)).iter().any(|(l, _)| l == "severity: text"), "unparsed lines are `text`");
        let closed = close_file(&q, "CCM/WUAHandler.log");
        assert!(closed.files.is_empty() && closed.hidden == ["CCM/WUAHandler.log"]);
    }

    #[test]
    fn filter_and_components() {
        let q = LogQuery { code: "0x8024401B".into(), components: vec!["Agent".into()], ..LogQuery::default() };
        let f = filter_of(&q);
        assert_eq!(f.code.as_deref(), Some("0x8024401B"));
        assert_eq!(f.from, None);
        assert_eq!(component_options(&["".into(), "WUAHandler".into()], &q), ["WUAHandler", "Agent"]);
    }
}
