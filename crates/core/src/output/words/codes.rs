//! Codes and callers as every kind of text names them: `0x8024402C
//! (WU_E_PT_WINHTTP_NAME_NOT_RESOLVED)`, a finding as a cause, `the ConfigMgr client (CcmExec)`.

use crate::diagnose::{caller_name, plain_caller, CollectNext, Finding, MissingConfig, UpdateName, Why};

/// `0x8024402C (WU_E_PT_WINHTTP_NAME_NOT_RESOLVED)`, or the code alone where the knowledge base
/// has no symbol for it.
pub fn code_name(code: u32) -> String {
    format!("0x{code:08X}{}", symbol_after(code))
}

/// ` (ERROR_INVALID_DATA)`: a code's symbol as it follows the code, or nothing.
pub fn symbol_after(code: u32) -> String {
    wulens_kb::entry(code).map(|e| e.symbol).filter(|s| !s.is_empty()).map(|s| format!(" ({s})")).unwrap_or_default()
}

/// `0x8024401B (WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ)` for each of the first three codes.
pub fn describe_codes(codes: &[String]) -> String {
    let mut parts = Vec::new();
    for c in codes.iter().take(3) {
        let sym = wulens_kb::lookup(c).ok().and_then(|l| l.entry).map(|e| e.symbol).filter(|s| !s.is_empty());
        parts.push(match sym {
            Some(s) => format!("{c} ({s})"),
            None => c.clone(),
        });
    }
    parts.join(", ")
}

/// A finding as a cause: its rule's title, or where that title only says what the lines look
/// like, what its first two codes mean ("the CBS store is corrupted, 0x800F0831
/// (CBS_E_STORE_CORRUPTION)").
pub fn finding_cause(f: &Finding) -> String {
    let Some(codes) = f.cause_codes().filter(|c| !c.is_empty()) else {
        return f.rule.title.trim_end_matches('.').to_string();
    };
    let words: Vec<String> = codes
        .iter()
        .take(2)
        .map(|&c| match wulens_kb::entry(c).map(|k| k.message.trim().trim_end_matches('.')).filter(|m| !m.is_empty()) {
            Some(m) => format!("{}, {}", lower_first_word(m), code_name(c)),
            None => code_name(c),
        })
        .collect();
    words.join("; ")
}

/// `s` with its first letter in lower case, unless the first word is an acronym ("CBS").
fn lower_first_word(s: &str) -> String {
    let first = s.split_whitespace().next().unwrap_or("");
    if first.chars().filter(|c| c.is_alphabetic()).count() > 1 && first.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase()) {
        return s.to_string();
    }
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_lowercase().chain(c).collect())
}

/// A caller in plain words, with the id the log gives (`the ConfigMgr client (CcmExec)`); an id
/// the data does not name stays as given (`powershell.exe`).
pub fn caller_words(caller: &str) -> String {
    let c = plain_caller(caller);
    match caller_name(&c) {
        // An id in parentheses already (`(null)`) is not wrapped twice.
        Some(words) if c.starts_with('(') && c.ends_with(')') => format!("{words} {c}"),
        Some(words) => format!("{words} ({c})"),
        None => c,
    }
}

/// An update as the logs name it, in words: its title, or `the Store app Microsoft.XboxGamingOverlay`.
pub fn update_name(n: &UpdateName) -> String {
    match n {
        UpdateName::Title(t) => t.clone(),
        UpdateName::StoreApp(package) => format!("the Store app {package}"),
    }
}

/// An updates-table row's title in words: a Store app's, which the table keeps as the log names
/// it (`9NZKPSTSNW4P-Microsoft.XboxGamingOverlay`), said as [`update_name`] says it; any other
/// as it is.
pub fn update_title(title: &str) -> Option<String> {
    match UpdateName::of(title)? {
        n @ UpdateName::StoreApp(_) => Some(update_name(&n)),
        UpdateName::Title(_) => None,
    }
}

/// A configuration input that was not given, in words (the configuration card's `missing`).
pub fn missing_config(m: MissingConfig) -> &'static str {
    match m {
        MissingConfig::Policy => "the Windows Update policy (WSUS server, UseWUServer)",
        MissingConfig::Proxy => "the WinHTTP proxy",
    }
}

/// Why to collect an artifact, in a sentence.
pub fn collect_why(c: &CollectNext) -> String {
    match &c.why {
        Why::Trigger { because, code } => {
            let code = code.map_or_else(|| "no code".to_string(), code_name);
            let why = because.replace("{code}", &code);
            let mut chars = why.chars();
            chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default() + "."
        }
        Why::FlowLogs(names) => format!("Add {} to the drop to check the steps marked unknown.", names.join(", ")),
    }
}

/// Where this drop writes a code, by a context of its entry (`ErrorReport::here`), in a line:
/// `routine here: in CBS.log's package checks (12 of its mentions): <why>`; a failure's first
/// step follows. `None` where the report's entry lacks the context.
pub fn context_here(e: &crate::output::ErrorReport, h: &crate::output::ContextHere) -> Option<String> {
    let c = e.kb.as_ref()?.contexts.get(h.context)?;
    let what = match c.verdict {
        wulens_kb::Verdict::Routine => "routine here",
        wulens_kb::Verdict::Trace => "an internal trace here",
        wulens_kb::Verdict::Failure => "a failure here",
    };
    let n = if h.mentions == e.occurrences_total { "every mention".to_string() } else { format!("{} of {} mentions", h.mentions, e.occurrences_total) };
    let step = c.steps.first().filter(|_| c.verdict == wulens_kb::Verdict::Failure).map(|s| format!(" First: {}", s.text)).unwrap_or_default();
    Some(format!("{what}: {} ({n}, first {}:{}): {}{step}", c.at, crate::model::base_name(&h.first.file), h.first.line, c.why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_is_said_in_words_with_its_id() {
        assert_eq!(caller_words("CcmExec"), "the ConfigMgr client (CcmExec)");
        assert_eq!(caller_words("<<PROCESS>>: powershell.exe"), "a PowerShell script (powershell.exe)");
        assert_eq!(caller_words("(null)"), "a caller that gave no name (null)");
        assert_eq!(caller_words("Panda Systems Management"), "Panda Systems Management");
        assert_eq!(caller_words(""), "");
    }

    #[test]
    fn a_code_with_its_symbol() {
        assert_eq!(code_name(0x8024_402C), "0x8024402C (WU_E_PT_WINHTTP_NAME_NOT_RESOLVED)");
        assert_eq!(symbol_after(0x0000_0001).is_empty(), wulens_kb::entry(1).is_none_or(|e| e.symbol.is_empty()));
    }

    #[test]
    fn an_update_in_words() {
        use crate::diagnose::UpdateName;
        assert_eq!(update_name(&UpdateName::StoreApp("Microsoft.XboxGamingOverlay".into())), "the Store app Microsoft.XboxGamingOverlay");
        assert_eq!(update_title("9NZKPSTSNW4P-Microsoft.XboxGamingOverlay").as_deref(), Some("the Store app Microsoft.XboxGamingOverlay"));
        let title = "2024-11 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5046613)";
        assert_eq!(update_name(&UpdateName::Title(title.into())), title, "a title stays as written");
        assert_eq!(update_title(title), None);
        assert_eq!(update_title(" padded "), None, "a title the table holds is kept as it is");
    }
}
