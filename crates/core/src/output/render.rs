//! Text renderings of a report and of a code lookup, for the CLI (the Markdown is `markdown.rs`).

use std::fmt::Write;

use super::report::Report;
use crate::model::{base_name, counted, Evidence, Setting};

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ev_line(e: &Evidence) -> String {
    let time = e.time.as_deref().map(|t| format!("{t}  ")).unwrap_or_default();
    format!("{}:{}  {}{}", base_name(&e.file), e.line, time, e.text)
}

/// `search` / `searches` for a group count.
fn kind_noun(k: crate::model::OperationKind, n: usize) -> &'static str {
    k.noun(n)
}

/// A caller in words, or its id where the report has no words (an older report).
pub(crate) fn words<'a>(words: &'a str, id: &'a str) -> &'a str {
    if words.is_empty() {
        id
    } else {
        words
    }
}

/// The ConfigMgr chain, link by link: the client's, then the site's.
fn text_chain(o: &mut String, r: &Report) {
    for (title, links) in super::report::chain_parts(&r.chain) {
        let _ = writeln!(o, "\n{title}");
        for l in links {
            let _ = writeln!(o, "  {} {}: {}  [{}]", l.state.mark(), l.title, l.summary, l.state.id());
            for e in l.evidence.iter().take(2) {
                let _ = writeln!(o, "       {}", ev_line(e));
            }
        }
    }
}

/// The operations section in text: counts by kind and caller, then the failed ones with lines.
fn text_operations(o: &mut String, r: &Report) {
    let ops = &r.operations;
    if ops.total == 0 {
        return;
    }
    let _ = writeln!(o, "\nOperations ({} in the logs)", thousands(ops.total as u64));
    for g in &ops.groups {
        let counts = g.count_words("ok");
        let caller = if g.caller.is_empty() { String::new() } else { format!(" by {}", words(&g.caller_words, &g.caller)) };
        let codes = if g.codes.is_empty() { String::new() } else { format!("  [{}]", g.codes.join(", ")) };
        let _ = writeln!(o, "  {} {}{caller}: {}{codes}", g.total, kind_noun(g.kind, g.total), counts.join(", "));
    }
    for op in ops.items.iter().filter(|x| x.outcome == crate::model::Outcome::Failed).rev().take(5) {
        let what = if op.label.is_empty() { op.title.clone() } else { op.label.chars().take(100).collect() };
        let none = if op.root.is_some() { "no code of its own" } else { "no code in the log" };
        let code = op.code.clone().or_else(|| op.cause.clone()).unwrap_or_else(|| none.into());
        let root = op.root.as_ref().map(|r| format!(" after {r}")).unwrap_or_default();
        let by = if op.caller.is_empty() { String::new() } else { format!(" by {}", words(&op.caller_words, &op.caller)) };
        let _ = writeln!(o, "  ✘ {}{by}: {code}{root}", what.trim());
        for e in op.evidence.iter().take(3) {
            let _ = writeln!(o, "       {}", ev_line(e));
        }
        if let Some(e) = &op.served {
            let _ = writeln!(o, "       served the agent's download, which counts it: {}", ev_line(e));
        }
    }
}

/// Plain text for a terminal.
pub fn text(r: &Report) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let _ = writeln!(o, "wulens {} | {}, {} lines, {} entries", r.tool.version, counted(s.files, "file", "files"), thousands(s.lines), thousands(s.entries));
    if let (Some(a), Some(b)) = (&s.first_time, &s.last_time) {
        let _ = writeln!(o, "time span: {a} .. {b}");
    }
    if !s.verdict.is_empty() {
        let badge = if s.badge.is_empty() { "" } else { s.badge.as_str() };
        let _ = writeln!(o, "\n{}{}{}", badge, if badge.is_empty() { "" } else { ": " }, s.verdict);
    }
    if !s.detail.is_empty() && s.detail != s.verdict {
        let _ = writeln!(o, "\n{}", s.detail);
    }
    text_chain(&mut o, r);
    text_operations(&mut o, r);
    for (title, flow) in [("Client scan flow", &r.scan_flow), ("WSUS synchronization", &r.sync_flow)] {
        if flow.steps.is_empty() || !flow.witnessed() {
            continue;
        }
        let _ = writeln!(o, "\n{title}");
        for st in &flow.steps {
            let _ = writeln!(o, "  {} {}. {}  [{}]", st.status.mark(), st.number, st.title, st.status.id());
            if !st.reason.is_empty() {
                let _ = writeln!(o, "       {}", st.reason);
            }
            for e in st.evidence.iter().take(3) {
                let _ = writeln!(o, "       {}", ev_line(e));
            }
            if flow.failed_step == Some(st.number) {
                for (i, g) in st.guidance.iter().enumerate() {
                    let _ = writeln!(o, "       check {}: {}", i + 1, g.text);
                    if let Some(c) = &g.command {
                        let _ = writeln!(o, "                 > {c}");
                    }
                }
            }
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\nFindings");
        for f in &r.findings {
            let _ = writeln!(o, "  [{}] {}", f.severity.id(), f.title);
            let _ = writeln!(o, "       {}", f.summary);
            for e in f.evidence.iter().take(3) {
                let _ = writeln!(o, "       {}", ev_line(e));
            }
        }
    }
    if !r.next_checks.is_empty() {
        let _ = writeln!(o, "\nWhat to check next");
        for (i, c) in r.next_checks.iter().enumerate() {
            let _ = writeln!(o, "  {}. {}", i + 1, c.text);
            if let Some(cmd) = &c.command {
                let _ = writeln!(o, "     > {cmd}");
            }
        }
    }
    if !r.collect_next.is_empty() {
        let _ = writeln!(o, "\nWhat to collect next");
        for (i, c) in r.collect_next.iter().enumerate() {
            let _ = writeln!(o, "  {}. {} ({})", i + 1, c.what, c.on.words());
            let _ = writeln!(o, "     {}", c.why);
            let _ = writeln!(o, "     > {}", c.command);
        }
    }
    config_text(r, &mut o);
    let _ = writeln!(o, "\nError codes ({})", r.errors.len());
    if r.errors.is_empty() {
        let _ = writeln!(o, "  none found");
    }
    for e in &r.errors {
        let first = e.first_seen.as_deref().map(|t| format!(", first {t}")).unwrap_or_default();
        let _ = writeln!(
            o,
            "  {}  {}  {}x in {}{first}",
            e.code,
            if e.symbol.is_empty() { "(no symbolic name)" } else { &e.symbol },
            e.count,
            counted(e.files.len(), "file", "files")
        );
        // The card opens with what the code means where this drop writes it (the writer's
        // context), then its general meaning, unless every mention is a writer's outside the
        // update chain: that writer's meaning is the whole answer there.
        for h in e.here.iter().take(2) {
            if let Some(t) = super::words::context_here(e, h) {
                let _ = writeln!(o, "       {t}");
            }
        }
        let msg = e.kb.as_ref().map_or("", |k| if k.description.is_empty() { &k.message } else { &k.description });
        if !e.outside_updates && !msg.is_empty() {
            let _ = writeln!(o, "       {}", first_sentence(msg));
        } else if !e.outside_updates {
            let _ = writeln!(o, "       not in the knowledge base: {} facility, code {}", e.decoded.facility_label, e.decoded.code);
        }
        let lines: Vec<String> = e.occurrences.iter().take(5).map(|x| format!("{}:{}", base_name(&x.file), x.line)).collect();
        let more = if e.occurrences_total > 5 { format!(" (+{} more)", e.occurrences_total - 5) } else { String::new() };
        let _ = writeln!(o, "       at {}{more}", lines.join(", "));
    }
    // The ledger's rows, as `wulens updates` prints them.
    if !r.ledger.is_empty() {
        let _ = writeln!(o, "\nUpdates ({})", r.ledger_total);
        for line in super::ledger::text(&r.ledger, r.ledger_total).lines() {
            let _ = writeln!(o, "  {line}");
        }
    }
    let _ = writeln!(o, "\nFiles");
    for f in &r.files {
        let _ = writeln!(
            o,
            "  {}  [{}, {}]  {} lines, {} entries, {} unparsed, {}",
            f.name,
            f.format,
            f.encoding,
            thousands(f.lines as u64),
            thousands(f.entries as u64),
            thousands(f.unparsed as u64),
            f.time_zone.offset
        );
        for n in &f.notes {
            let _ = writeln!(o, "       note: {n}");
        }
    }
    for w in &r.warnings {
        let _ = writeln!(o, "  warning: {}: {}", w.name, w.message);
    }
    o
}

pub(super) fn first_sentence(s: &str) -> &str {
    match s.find(". ") {
        Some(i) if i < 400 => &s[..=i],
        _ => s,
    }
}

fn config_text(r: &Report, o: &mut String) {
    let c = &r.configuration;
    if !c.provided && c.missing.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nClient configuration");
    if !c.provided {
        let _ = writeln!(o, "  not given");
    }
    let show = |o: &mut String, label: &str, s: &Option<Setting>| {
        if let Some(s) = s {
            let _ = writeln!(o, "  {label:<26} {}  ({}:{})", s.value, base_name(&s.file), s.line);
        }
    };
    if let Some(p) = &c.policy {
        show(o, "WUServer", &p.wu_server);
        show(o, "WUStatusServer", &p.wu_status_server);
        match &p.use_wu_server {
            Some(_) => show(o, "UseWUServer", &p.use_wu_server),
            None => {
                let _ = writeln!(o, "  {:<26} not set", "UseWUServer");
            }
        }
    }
    show(o, "ConfigMgr's WSUS location", &c.wsus_location);
    if let Some(px) = &c.proxy {
        let v = match (&px.problem, px.direct) {
            (Some(m), _) => m.clone(),
            (None, true) => "direct access (no proxy)".into(),
            (None, false) => format!("{} (bypass: {})", px.servers.join(" "), if px.bypass.is_empty() { "empty".into() } else { px.bypass.join(";") }),
        };
        let _ = writeln!(o, "  {:<26} {v}", "WinHTTP proxy");
    }
    if let Some(r) = &c.update_ring {
        let _ = writeln!(o, "  {:<26} {}", "Intune update ring", r.origin());
        for (label, v, s) in r.rows() {
            let _ = writeln!(o, "    {label:<24} {v}  ({}:{})", base_name(&s.file), s.line);
        }
    }
    for u in &c.unreadable {
        let _ = writeln!(o, "  {}: {}", base_name(&u.name), u.message);
    }
    for m in &c.missing {
        let _ = writeln!(o, "  to add {}: {}", m.what, m.command);
    }
}

/// `wulens code` in text.
pub fn code_text(l: &wulens_kb::Lookup) -> String {
    code_text_for(l, None)
}

/// `wulens code CODE --kb KB5034441` in text: what the code means for that update leads, before
/// the code's general meaning; a note where the knowledge base has nothing for that update.
pub fn code_text_for(l: &wulens_kb::Lookup, kb: Option<&str>) -> String {
    let mut o = String::new();
    let d = &l.decoded;
    match l.entry {
        Some(e) => {
            let _ = writeln!(o, "{}  {}", l.code, e.symbol);
            if !e.message.is_empty() {
                let _ = writeln!(o, "{}", e.message);
            }
            if let Some(kb) = kb {
                for_update_text(e, kb, &mut o);
            }
            let _ = writeln!(o, "category: {}", e.category.label());
            for p in e.places {
                let _ = writeln!(o, "usually breaks: {}", p.label());
            }
            if !e.description.is_empty() {
                let _ = writeln!(o, "\n{}", e.description);
            }
            if !e.causes.is_empty() {
                let _ = writeln!(o, "\nLikely causes:");
                for c in e.causes {
                    let _ = writeln!(o, "  - {c}");
                }
            }
            if !e.mitigation.is_empty() {
                let _ = writeln!(o, "\nWhat to do:");
                for (i, s) in e.mitigation.iter().enumerate() {
                    let _ = writeln!(o, "  {}. {}", i + 1, s.text);
                    if let Some(c) = &s.command {
                        let _ = writeln!(o, "       > {c}");
                    }
                }
            }
            contexts_text(e, &mut o);
            if !e.related.is_empty() {
                let rel: Vec<String> = e.related.iter().map(|c| format!("0x{c:08X}")).collect();
                let _ = writeln!(o, "\nRelated: {}", rel.join(", "));
            }
            for s in e.sources {
                let _ = writeln!(o, "Source: {} — {}", s.doc, s.section);
            }
        }
        None => {
            let _ = writeln!(o, "{}  (not in the knowledge base: no public table or header names it; what its bits say follows)", l.code);
        }
    }
    let _ = writeln!(
        o,
        "\nDecoded: severity {}, {} ({}), facility {} = {} ({}), code {} (0x{:04X})",
        d.severity,
        d.layout,
        if d.customer { "customer" } else { "Microsoft" },
        d.facility,
        d.facility_name,
        d.facility_label,
        d.code,
        d.code
    );
    if let Some(w) = &d.win32 {
        let _ = writeln!(o, "Win32 error {}: {} {}", w.code, w.name, w.message);
    }
    if let Some(h) = d.http_status {
        let _ = writeln!(o, "HTTP status {h}");
    }
    if let Some(nt) = d.ntstatus {
        let name = wulens_kb::entry(nt.0).map_or("", |e| e.symbol);
        let _ = writeln!(o, "An NTSTATUS as an HRESULT (HRESULT_FROM_NT): {nt} {name}");
    }
    let signed = l.code.0 as i32;
    let _ = writeln!(o, "Also written as: {} (signed), {} (unsigned), {:08x}", signed, l.code.0, l.code.0);
    o
}

/// `wulens code --kb`'s first part: each context about update `kb`, in full.
fn for_update_text(e: &wulens_kb::Entry, kb: &str, o: &mut String) {
    let kb = kb.trim().to_ascii_uppercase();
    let kb = if kb.starts_with("KB") { kb } else { format!("KB{kb}") };
    let mut any = false;
    for c in e.contexts_for_update(&kb) {
        any = true;
        let _ = writeln!(o, "\nFor {kb} [{}]: {}", c.verdict.label(), c.at);
        let _ = writeln!(o, "  {}", c.why);
        for (i, s) in c.steps.iter().enumerate() {
            let _ = writeln!(o, "  {}. {}", i + 1, s.text);
            if let Some(cmd) = &s.command {
                let _ = writeln!(o, "       > {cmd}");
            }
        }
        for s in c.sources {
            let _ = writeln!(o, "  Source: {} — {}", s.doc, s.section);
        }
    }
    if !any {
        let _ = writeln!(o, "\nFor {kb}: the knowledge base has nothing about this code for that update; its general meaning follows.");
    }
    let _ = writeln!(o);
}

/// `wulens code`'s "Where it is written": each context (routine ones first), whether to worry
/// there and why, what to do for a failure, and the lines or articles that show it.
fn contexts_text(e: &wulens_kb::Entry, o: &mut String) {
    if e.contexts.is_empty() {
        return;
    }
    let count = |v: wulens_kb::Verdict| e.contexts.iter().filter(|c| c.verdict == v).count();
    let (routine, trace, failure) = (count(wulens_kb::Verdict::Routine), count(wulens_kb::Verdict::Trace), count(wulens_kb::Verdict::Failure));
    let _ = writeln!(o, "\nWhere it is written ({routine} routine, {trace} internal trace, {failure} failure):");
    for c in e.contexts {
        let mut logs: Vec<String> = c.logs.iter().map(|l| crate::model::LogKind::from_id(l).map_or(*l, |k| k.file_name()).to_string()).collect();
        logs.extend(c.components.iter().map(|w| format!("component {w}")));
        logs.extend(c.kbs.iter().map(|k| format!("lines naming {k}")));
        let _ = writeln!(o, "  - [{}] {}: {}", c.verdict.label(), logs.join(", "), c.at);
        if c.outside_updates {
            let _ = writeln!(o, "    outside the update chain: the code's update advice does not apply there");
        }
        if !c.contains.is_empty() {
            let quoted: Vec<String> = c.contains.iter().map(|s| format!("{s:?}")).collect();
            let _ = writeln!(o, "    on lines holding {}", quoted.join(" and "));
        }
        let _ = writeln!(o, "    {}", c.why);
        for (i, s) in c.steps.iter().enumerate() {
            let _ = writeln!(o, "    {}. {}", i + 1, s.text);
            if let Some(cmd) = &s.command {
                let _ = writeln!(o, "         > {cmd}");
            }
        }
        for s in c.sources {
            let _ = writeln!(o, "    Source: {} — {}", s.doc, s.section);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_separators() {
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }
}
