//! The report in Markdown, for a ticket: the CLI's `--format markdown` and the page's export are
//! this one document. It reads as plain text too: nothing is backslash-escaped; codes, symbols,
//! file names, commands and log text go in code spans (`md_code`), which show any text as it is.
//! A summary of at most `SUMMARY_BYTES` comes first (the verdict, the leading failures, the first
//! checks: what fits a ticket's first screen), the full detail after it.

use std::fmt::Write;

use super::render::thousands;
use super::report::{ConfigReport, Report};
use crate::model::{base_name, Evidence, Outcome, VerdictStatus};

/// The summary's bound: it has to fit a ticket's description field and a chat message.
pub const SUMMARY_BYTES: usize = 2048;

/// The most of the verdict the summary holds (it is cut at a sentence beyond that, and given
/// whole in the detail).
const VERDICT_BYTES: usize = 900;

/// The verdict's standing in words where a report has no badge (one written before badges).
pub fn status_words(s: VerdictStatus) -> &'static str {
    match s {
        VerdictStatus::Failed => "Scan failed",
        VerdictStatus::Ok => "Scan completed",
        VerdictStatus::Incomplete => "No failure found",
        VerdictStatus::NoScan => "No scan in these logs",
    }
}

/// Text as one Markdown code span that shows it exactly: fenced by one backtick more than its
/// longest run of them, with a space inside the fences where it starts or ends with one. Line
/// breaks become spaces.
pub fn md_code(s: &str) -> String {
    let s: String = s.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }).collect();
    if s.is_empty() {
        return String::new();
    }
    let (mut run, mut longest) = (0, 0);
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || (s.starts_with(' ') && s.ends_with(' ') && !s.trim().is_empty()) { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A word that Markdown could read as markup, or that is a code, a symbol or a file name.
fn is_literal(w: &str) -> bool {
    const FILES: [&str; 11] = [".log", ".etl", ".txt", ".zip", ".xml", ".cab", ".exe", ".dll", ".reg", ".msu", ".evtx"];
    let lower = w.to_ascii_lowercase();
    w.contains(['_', '*', '<', '>', '[', ']', '\\', '|', '`', '#', '~', '&', '$', '='])
        || (lower.starts_with("0x") && w.len() > 2 && w[2..].chars().all(|c| c.is_ascii_hexdigit()))
        || FILES.iter().any(|x| lower.len() > x.len() && lower.ends_with(x))
}

/// Our own sentences (verdicts, summaries, guidance) for Markdown: each word that is a code, a
/// symbol, a file name or holds a markup character goes in a code span, punctuation around it
/// outside; nothing is escaped. Line breaks become spaces.
pub fn md_prose(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 16);
    for (i, w) in s.split([' ', '\r', '\n']).enumerate() {
        if i > 0 {
            o.push(' ');
        }
        let lead = w.len() - w.trim_start_matches(['(', '"', '\'']).len();
        let core = &w[lead..];
        let core = core.trim_end_matches([')', ',', ';', ':', '.', '"', '\'', '?', '!']);
        let core = if core.is_empty() { &w[lead..] } else { core };
        if is_literal(core) {
            o.push_str(&w[..lead]);
            o.push_str(&md_code(core));
            o.push_str(&w[lead + core.len()..]);
        } else {
            o.push_str(w);
        }
    }
    o
}

/// `2024-05-31T19:46:09.896` → `2024-05-31 19:46:09`.
fn short_time(t: &str) -> String {
    t.replacen('T', " ", 1).split('.').next().unwrap_or(t).to_string()
}

/// `file:line` of an evidence line, in a code span.
fn place(e: &Evidence) -> String {
    md_code(&format!("{}:{}", base_name(&e.file), e.line))
}

/// One evidence line as a list item: where and when first, then the log's text as it is.
fn ev_item(o: &mut String, e: &Evidence) {
    let time = e.time.as_deref().map(|t| format!(" {}", short_time(t))).unwrap_or_default();
    let _ = writeln!(o, "  - {}{time}: {}", place(e), md_code(&e.text));
}

/// `s` cut at the last sentence end within `max` bytes (or at a word), marked `…` when cut (the
/// summary is copied alone too: it promises nothing that is not in it).
fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let head = &s[..end];
    let at = head.rfind(". ").map(|i| i + 1).filter(|&i| i > max / 3).or_else(|| head.rfind(' ')).unwrap_or(end);
    format!("{} …", head[..at].trim_end())
}

/// A code with its symbol, from the report's error list: `` `0x8024402C` (`WU_E_...`) ``.
fn code_and_symbol(r: &Report, code: &str) -> String {
    match r.errors.iter().find(|e| e.code == code).filter(|e| !e.symbol.is_empty()) {
        Some(e) => format!("{} ({})", md_code(code), md_code(&e.symbol)),
        None => md_code(code),
    }
}

/// The summary: at most `SUMMARY_BYTES`, each part added only while it fits.
pub fn markdown_summary(r: &Report) -> String {
    let s = &r.summary;
    let badge = if s.badge.is_empty() { status_words(s.status) } else { s.badge.as_str() };
    let mut o = format!("# wulens report: {badge}\n\n");
    let span = match (&s.first_time, &s.last_time) {
        (Some(a), Some(b)) => format!(", {} to {}", short_time(a), short_time(b)),
        _ => String::new(),
    };
    let _ = writeln!(o, "{} file{}, {} lines{span}.\n", s.files, if s.files == 1 { "" } else { "s" }, thousands(s.lines));
    if r.machines.len() > 1 {
        let names: Vec<String> = r.machines.iter().map(|m| md_code(&m.label)).collect();
        let _ = writeln!(o, "{}\n", cut(&format!("These logs look like {} machines: {}.", r.machines.len(), names.join(", ")), 300));
    }
    if !s.verdict.is_empty() {
        let _ = writeln!(o, "{}\n", md_prose(&cut(&s.verdict, VERDICT_BYTES)));
    }
    let mut parts: Vec<String> = Vec::new();
    let failures = leading_failures(r);
    if !failures.is_empty() {
        parts.push("Leading failures:".into());
        parts.extend(failures);
        parts.push(String::new());
    }
    if !r.next_checks.is_empty() {
        parts.push("First checks:".into());
        for (i, c) in r.next_checks.iter().take(3).enumerate() {
            let cmd = c.command.as_deref().map(|c| format!(" {}", md_code(c))).unwrap_or_default();
            parts.push(format!("{}. {}{cmd}", i + 1, md_prose(&cut(&c.text, 300))));
        }
        parts.push(String::new());
    }
    for p in parts {
        // The part and its line break must fit.
        if o.len() + p.len() < SUMMARY_BYTES {
            let _ = writeln!(o, "{p}");
        }
    }
    o
}

/// The failed operations, newest first, one per kind, caller and code (at most three); then
/// the error findings when no operation failed.
fn leading_failures(r: &Report) -> Vec<String> {
    let mut seen: Vec<(crate::model::OperationKind, &str, Option<&str>)> = Vec::new();
    let mut out = Vec::new();
    let mut failed: Vec<_> = r.operations.items.iter().filter(|x| x.outcome == Outcome::Failed).collect();
    failed.sort_by(|a, b| b.end.as_ref().and_then(|e| e.time.as_deref()).cmp(&a.end.as_ref().and_then(|e| e.time.as_deref())));
    for op in failed {
        let key = (op.kind, op.caller.as_str(), op.code.as_deref());
        if seen.contains(&key) || out.len() == 3 {
            continue;
        }
        seen.push(key);
        let by = if op.caller.is_empty() { String::new() } else { format!(" by {}", md_prose(super::render::words(&op.caller_words, &op.caller))) };
        let code = match (&op.code, &op.cause) {
            (Some(c), _) => format!(" with {}", code_and_symbol(r, c)),
            (None, Some(c)) => format!(": {}", md_prose(&cut(c, 160))),
            _ => String::new(),
        };
        let root = op.root.as_deref().map(|c| format!(" after {}", code_and_symbol(r, c))).unwrap_or_default();
        let at = op
            .end
            .as_ref()
            .or(op.start.as_ref())
            .map(|e| format!(", {}", e.time.as_deref().map(|t| format!("{} ", short_time(t))).unwrap_or_default() + &place(e)))
            .unwrap_or_default();
        out.push(format!("- {}{by} failed{code}{root}{at}", op.title));
    }
    if out.is_empty() {
        for f in r.findings.iter().filter(|f| f.severity.id() == "error").take(3) {
            let at = f.evidence.first().map(|e| format!(" ({})", place(e))).unwrap_or_default();
            out.push(format!("- {}{at}", md_prose(&cut(&f.title, 200))));
        }
    }
    out
}

/// Markdown for a ticket: the summary, then the full report.
pub fn markdown(r: &Report) -> String {
    let mut o = markdown_summary(r);
    let s = &r.summary;
    let _ = writeln!(o, "\n---\n\n## Details\n");
    let _ = writeln!(o, "{}, {} lines, {} entries.\n", crate::model::counted(s.files, "file", "files"), thousands(s.lines), thousands(s.entries));
    // The verdict is in the summary, unless it had to be cut there; the detail below it here.
    if s.verdict.len() > VERDICT_BYTES {
        let _ = writeln!(o, "Verdict: {}\n", md_prose(&s.verdict));
    }
    if !s.detail.is_empty() && s.detail != s.verdict {
        let _ = writeln!(o, "{}\n", md_prose(&s.detail));
    }
    md_chain(&mut o, r);
    md_operations(&mut o, r);
    md_flows(&mut o, r);
    if !r.findings.is_empty() {
        let _ = writeln!(o, "## Findings\n");
        for f in &r.findings {
            let _ = writeln!(o, "- {} ({}): {}", md_prose(&f.title), f.severity.id(), md_prose(&f.summary));
            for e in f.evidence.iter().take(3) {
                ev_item(&mut o, e);
            }
        }
        let _ = writeln!(o);
    }
    if !r.next_checks.is_empty() {
        let _ = writeln!(o, "## What to check next\n");
        for (i, c) in r.next_checks.iter().enumerate() {
            let _ = writeln!(o, "{}. {}", i + 1, md_prose(&c.text));
            if let Some(cmd) = &c.command {
                let _ = writeln!(o, "   {}", md_code(cmd));
            }
        }
        let _ = writeln!(o);
    }
    if !r.collect_next.is_empty() {
        let _ = writeln!(o, "## What to collect next\n");
        for (i, c) in r.collect_next.iter().enumerate() {
            let _ = writeln!(o, "{}. {} ({}): {}", i + 1, md_prose(&c.what), c.on.words(), md_prose(&c.why));
            let _ = writeln!(o, "   {}", md_code(&c.command));
        }
        let _ = writeln!(o);
    }
    md_configuration(&mut o, &r.configuration);
    md_errors(&mut o, r);
    md_updates(&mut o, r);
    let _ = writeln!(o, "## Files\n");
    for f in &r.files {
        let _ = writeln!(
            o,
            "- {}: {}, {}, {} lines, {} entries, {} unparsed, time zone {} ({})",
            md_code(&f.name),
            f.format_label,
            f.encoding,
            thousands(f.lines as u64),
            thousands(f.entries as u64),
            thousands(f.unparsed as u64),
            f.time_zone.offset,
            md_prose(&f.time_zone.note)
        );
    }
    for w in &r.warnings {
        let _ = writeln!(o, "\nWarning: {}: {}", md_code(&w.name), md_prose(&w.message));
    }
    let _ = writeln!(o, "\nGenerated by wulens {}. The analysis ran locally; no log left the machine.", r.tool.version);
    o
}

/// The ledger's rows that are not done (failing, stalled, still running, a restart pending, not
/// known), each with its decisive step and line, then how many are done.
fn md_updates(o: &mut String, r: &Report) {
    use crate::model::LedgerState;
    if r.ledger.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Updates\n");
    let open: Vec<_> = r.ledger.iter().filter(|u| u.state != LedgerState::Done).collect();
    for u in &open {
        let mut line = format!("- {}: {}", md_prose(&super::ledger::state(u)), md_prose(&super::ledger::target(u)));
        if let Some(s) = u.decisive_step() {
            let at = s.evidence.time.as_deref().map(|t| format!(" {}", short_time(t))).unwrap_or_default();
            line.push_str(&format!(", {}{at} ({})", super::ledger::event(s.event), place(&s.evidence)));
        }
        let _ = writeln!(o, "{line}");
    }
    let done = r.ledger.len() - open.len();
    if done > 0 {
        let _ = writeln!(o, "- {} done (installed, superseded or not applicable)", crate::model::counted(done, "update", "updates"));
    }
    if r.ledger_total > r.ledger.len() {
        let _ = writeln!(o, "- {} more: `wulens updates` lists them", r.ledger_total - r.ledger.len());
    }
    let _ = writeln!(o);
}

/// The flows that any log witnessed, step by step.
fn md_chain(o: &mut String, r: &Report) {
    for (title, links) in super::report::chain_parts(&r.chain) {
        let _ = writeln!(o, "## {title}\n");
        for l in links {
            let _ = writeln!(o, "- {} {} ({}): {}", l.state.mark(), md_prose(&l.title), l.state.id(), md_prose(&l.summary));
            for e in l.evidence.iter().take(2) {
                ev_item(o, e);
            }
        }
        let _ = writeln!(o);
    }
}

fn md_flows(o: &mut String, r: &Report) {
    for (title, flow) in [("Client scan flow", &r.scan_flow), ("WSUS synchronization", &r.sync_flow)] {
        if flow.steps.is_empty() || !flow.witnessed() {
            continue;
        }
        let _ = writeln!(o, "## {title}\n");
        for st in &flow.steps {
            let reason = if st.reason.is_empty() { String::new() } else { format!(": {}", md_prose(&st.reason)) };
            let _ = writeln!(o, "- {} {}. {} ({}){reason}", st.status.mark(), st.number, md_prose(&st.title), st.status.id());
            for e in st.evidence.iter().take(3) {
                ev_item(o, e);
            }
        }
        let _ = writeln!(o);
    }
}

/// The operations: counts by kind and caller, then the failed ones with their lines.
fn md_operations(o: &mut String, r: &Report) {
    let ops = &r.operations;
    if ops.total == 0 {
        return;
    }
    let _ = writeln!(o, "## Operations\n");
    for g in &ops.groups {
        let counts = g.count_words("succeeded");
        let caller = if g.caller.is_empty() { String::new() } else { format!(" by {}", md_prose(super::render::words(&g.caller_words, &g.caller))) };
        let codes = if g.codes.is_empty() { String::new() } else { format!(" ({})", g.codes.iter().map(|c| md_code(c)).collect::<Vec<_>>().join(", ")) };
        let _ = writeln!(o, "- {} {}{caller}: {}{codes}", g.total, g.kind.noun(g.total), counts.join(", "));
    }
    let _ = writeln!(o);
    for op in ops.items.iter().filter(|x| x.outcome == Outcome::Failed).rev().take(5) {
        let what = if op.label.is_empty() { op.title.clone() } else { op.label.chars().take(100).collect() };
        let by = if op.caller.is_empty() { String::new() } else { format!(" by {}", md_prose(super::render::words(&op.caller_words, &op.caller))) };
        let root = op.root.as_ref().map(|r| format!(" after {}", md_code(r))).unwrap_or_default();
        let code = op.code.as_deref().map_or("no code".to_string(), md_code);
        let _ = writeln!(o, "- {}{by}: failed with {code}{root}", md_code(what.trim()));
        for e in op.evidence.iter().take(3) {
            ev_item(o, e);
        }
        if let Some(e) = &op.served {
            let _ = writeln!(o, "  - served the agent's download, which counts it: {}", place(e));
        }
    }
    let _ = writeln!(o);
}

/// The configuration card.
fn md_configuration(o: &mut String, c: &ConfigReport) {
    if !c.provided && c.missing.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Client configuration\n");
    if !c.provided {
        let _ = writeln!(o, "Not given.\n");
    } else {
        let setting = |s: &crate::model::Setting| format!("{} ({})", md_code(&s.value), md_code(&format!("{}:{}", base_name(&s.file), s.line)));
        if let Some(p) = &c.policy {
            for (label, s) in [("WUServer", &p.wu_server), ("WUStatusServer", &p.wu_status_server), ("UseWUServer", &p.use_wu_server)] {
                let _ = writeln!(o, "- {label}: {}", s.as_ref().map_or("not set".into(), setting));
            }
        }
        if let Some(l) = &c.wsus_location {
            let _ = writeln!(o, "- ConfigMgr's WSUS location: {}", setting(l));
        }
        if let Some(px) = &c.proxy {
            let v = match (&px.problem, px.direct) {
                (Some(m), _) => md_prose(m),
                (None, true) => "direct access (no proxy)".into(),
                (None, false) => {
                    format!("{}, bypass {}", md_code(&px.servers.join(" ")), if px.bypass.is_empty() { "empty".into() } else { md_code(&px.bypass.join(";")) })
                }
            };
            let _ = writeln!(o, "- WinHTTP proxy: {v}");
        }
        if let Some(r) = &c.update_ring {
            let _ = writeln!(o, "- Intune update ring, {}:", md_prose(&r.origin()));
            for (label, v, s) in r.rows() {
                let _ = writeln!(o, "  - {label}: {} ({})", md_code(&v), md_code(&format!("{}:{}", base_name(&s.file), s.line)));
            }
        }
        let _ = writeln!(o);
    }
    for m in &c.missing {
        let _ = writeln!(o, "To add {}: {}\n", md_prose(&m.what), md_code(&m.command));
    }
}

/// The error codes and each code's guidance.
fn md_errors(o: &mut String, r: &Report) {
    let _ = writeln!(o, "## Error codes\n");
    if r.errors.is_empty() {
        let _ = writeln!(o, "No error codes found.\n");
        return;
    }
    for e in &r.errors {
        let symbol = if e.symbol.is_empty() { String::new() } else { format!(" {}", md_code(&e.symbol)) };
        let meaning =
            e.kb.as_ref()
                .map_or("not in the knowledge base", |k| if k.message.is_empty() { super::render::first_sentence(&k.description) } else { &k.message });
        let first = e.first_seen.as_deref().map(|t| format!(", first {}", short_time(t))).unwrap_or_default();
        let where_: Vec<String> = e.occurrences.iter().take(3).map(place).collect();
        let _ = writeln!(o, "- {}{symbol}, {}×{first}, at {}: {}", md_code(&e.code), e.count, where_.join(", "), md_prose(meaning));
    }
    let _ = writeln!(o);
    // A code only components outside the update chain wrote gets no update advice.
    for (e, k) in r.errors.iter().filter(|e| !e.outside_updates).filter_map(|e| e.kb.as_ref().filter(|k| !k.mitigation.is_empty()).map(|k| (e, k))) {
        let symbol = if e.symbol.is_empty() { String::new() } else { format!(" {}", md_code(&e.symbol)) };
        let _ = writeln!(o, "### {}{symbol}\n", md_code(&e.code));
        if !k.description.is_empty() {
            let _ = writeln!(o, "{}\n", md_prose(&k.description));
        }
        for (i, st) in k.mitigation.iter().enumerate() {
            let _ = writeln!(o, "{}. {}", i + 1, md_prose(&st.text));
            if let Some(c) = &st.command {
                let _ = writeln!(o, "   {}", md_code(c));
            }
        }
        let _ = writeln!(o);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(md_code("WU_E_PT_X"), "`WU_E_PT_X`");
        assert_eq!(md_code("a `b` c"), "``a `b` c``");
        assert_eq!(md_code("``x"), "``` ``x ```");
        assert_eq!(md_code("a\r\nb"), "`a  b`");
        assert_eq!(md_code(""), "");
    }

    #[test]
    fn prose_puts_codes_symbols_files_and_markup_in_code_spans() {
        assert_eq!(md_prose("failed (0x8024402C (WU_E_PT_X), at 10:00."), "failed (`0x8024402C` (`WU_E_PT_X`), at 10:00.");
        assert_eq!(md_prose("<<PROCESS>>: CompatTelRunner.exe ran"), "`<<PROCESS>>`: `CompatTelRunner.exe` ran");
        assert_eq!(md_prose("see WUAHandler.log."), "see `WUAHandler.log`.");
        assert_eq!(md_prose("<img src=x onerror=alert(1)> | *x*"), "`<img` `src=x` `onerror=alert(1)>` `|` `*x*`");
        assert!(!md_prose("C:\\Windows\\Logs *.windowsupdate.com").contains("\\\\"));
        assert_eq!(md_prose("a plain sentence, e.g. this one."), "a plain sentence, e.g. this one.");
    }

    #[test]
    fn a_long_verdict_is_cut_at_a_sentence() {
        let s = format!("{}. {}", "a".repeat(500), "b".repeat(600));
        let c = cut(&s, 900);
        assert!(c.starts_with(&"a".repeat(500)) && c.ends_with(" …") && c.len() < 600);
        assert_eq!(cut("short", 900), "short");
    }
}
