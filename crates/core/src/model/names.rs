//! Machine names as logs write them: a computer name as Windows shows it, and the computer an
//! event log's record names (`read/evtx.rs` writes it into each record's line).

/// A computer name as Windows shows it: `pc02.contoso.com` → `PC02`; none for what is no name
/// (an address, a variable such as `%COMPUTERNAME%`, anything but letters, digits, `-`, `_`).
pub fn computer_name(s: &str) -> Option<String> {
    let short = s.trim().split('.').next().unwrap_or("");
    let ok = !short.is_empty()
        && short.len() <= 63
        && short.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !short.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| short.to_ascii_uppercase())
}

/// The computer of a rendered event record, `Event 19, record 7, PC02.contoso.com, Level: ...`.
pub fn event_computer(m: &str) -> Option<&str> {
    let at = m.find(", record ")? + ", record ".len();
    let rest = &m[at..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let rest = rest[digits..].strip_prefix(", ").filter(|_| digits > 0)?;
    Some(rest[..rest.find(',')?].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_windows_shows_them() {
        assert_eq!(event_computer("Event 19, record 7, PC02.contoso.com, Information: Installation Successful"), Some("PC02.contoso.com"));
        assert_eq!(event_computer("Event 7040, record 3, , Information: x"), Some(""));
        assert_eq!(event_computer("no record here"), None);
        assert_eq!(computer_name("PC02.contoso.com").as_deref(), Some("PC02"));
        assert_eq!(computer_name("10.1.2.3"), None);
        assert_eq!(computer_name("%COMPUTERNAME%"), None);
    }
}
