//! Identifiers found by their shape, wherever they are: IPv4 and IPv6 addresses, MAC
//! addresses, host names with a known top-level domain, e-mail addresses and UPNs, account
//! SIDs. No regular expressions: one pass over the words of a text, and `memchr` for the rare
//! bytes (`@`, `S-1-`).

use super::kinds::Kind;
use super::known::{is_public_endpoint, FILE_EXTENSIONS, TLDS};

/// One identifier found: its bytes in the text, its kind and its key (the original,
/// normalised: the same key is the same pseudonym).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Where it starts.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
    /// Its kind.
    pub kind: Kind,
    /// The original, normalised (lower case; a MAC with colons; a SID as written).
    pub key: String,
}

/// Words before a public IPv4 address that say it is one.
const NETWORK_WORDS: &[&str] = &["ip", "addr", "peer", "host", "server", "proxy", "gateway", "dns", "://", "\\\\", "client", "from ", "to ", "connect", "@"];

/// Bytes of the words the shapes are read from: letters, digits and `._-:%`.
fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'%')
}

/// Every identifier of `text` found by its shape, in no particular order (overlaps possible).
pub fn shapes(text: &str, out: &mut Vec<Hit>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !word_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && word_byte(b[i]) {
            i += 1;
        }
        // Quick reject: a word with no `.`, `:` or `-` holds none of these shapes.
        let word = &b[start..i];
        if word.len() >= 4 && word.iter().any(|c| matches!(c, b'.' | b':' | b'-')) {
            word_shapes(text, start, i, out);
        }
    }
    emails(text, out);
    sids(text, out);
}

/// The shapes of one word `text[start..end]`: the whole word as an IPv6 or MAC address, else
/// each of its `:`-separated parts as a MAC, IPv4 address or host name.
fn word_shapes(text: &str, start: usize, end: usize, out: &mut Vec<Hit>) {
    let word = text[start..end].trim_end_matches(['.', ':', '-']);
    let end = start + word.len();
    if let Some(h) = mac(word).map(|key| (Kind::Mac, key)).or_else(|| ipv6(word).map(|key| (Kind::Ip, key))) {
        if !h.1.is_empty() {
            out.push(Hit { start, end, kind: h.0, key: h.1 });
        }
        return;
    }
    let mut at = start;
    for part in word.split(':') {
        let (s, p) = (at, part.trim_matches('.'));
        let s = s + (part.len() - part.trim_start_matches('.').len());
        at += part.len() + 1;
        if p.len() < 4 {
            continue;
        }
        let found = mac(p).map(|k| (Kind::Mac, k)).or_else(|| ipv4(text, s, p).map(|k| (Kind::Ip, k))).or_else(|| host(p).map(|k| (Kind::Host, k)));
        if let Some((kind, key)) = found {
            if !key.is_empty() {
                out.push(Hit { start: s, end: s + p.len(), kind, key });
            }
        }
    }
}

/// A MAC address (`00:1A:2B:3C:4D:5E`, `00-1a-2b-3c-4d-5e`) as its key (lower case, colons);
/// `Some("")` for all zeros or all ones (no one's address, kept).
pub fn mac(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let sep = b[2];
    if sep != b':' && sep != b'-' {
        return None;
    }
    for (k, c) in b.iter().enumerate() {
        let ok = if k % 3 == 2 { *c == sep } else { c.is_ascii_hexdigit() };
        if !ok {
            return None;
        }
    }
    let key = s.to_ascii_lowercase().replace('-', ":");
    if key == "00:00:00:00:00:00" || key == "ff:ff:ff:ff:ff:ff" {
        return Some(String::new());
    }
    Some(key)
}

/// An IPv4 address starting at `at` in `text`, as its key; `Some("")` for an address that
/// identifies no machine (loopback, `0.x`, broadcast, netmasks and network addresses `x.y.z.0`).
/// A version number is no address: four numbers after the word `version` (or `ver`) are left
/// alone, and `1.0.0.0` is a network address.
fn ipv4(text: &str, at: usize, s: &str) -> Option<String> {
    let mut n = 0;
    let mut octets = [0u32; 4];
    for part in s.split('.') {
        if n == 4 || part.is_empty() || part.len() > 3 || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        octets[n] = part.parse().ok()?;
        if octets[n] > 255 {
            return None;
        }
        n += 1;
    }
    if n != 4 {
        return None;
    }
    let before = &text.as_bytes()[..at];
    // A package's or a folder's version (`~~6.1.1.1`, `Application\1.2.3.4\`), not an address
    // (`\\10.1.2.3\share` is one).
    let prev = before.last().copied();
    if matches!(prev, Some(b'~' | b'_' | b'/')) || (prev == Some(b'\\') && before.len() >= 2 && before[before.len() - 2] != b'\\') {
        return None;
    }
    let near = &before[before.len().saturating_sub(24)..];
    if near.to_ascii_lowercase().windows(3).any(|w| w == b"ver") {
        return None;
    }
    if matches!(octets[0], 0 | 127 | 255) || octets[3] == 0 {
        return Some(String::new());
    }
    let private = matches!(octets, [10, ..] | [192, 168, ..] | [169, 254, ..])
        || (octets[0] == 172 && (16..32).contains(&octets[1]))
        || (octets[0] == 100 && (64..128).contains(&octets[1]));
    let port = text.as_bytes().get(at + s.len()) == Some(&b':') && text.as_bytes().get(at + s.len() + 1).is_some_and(u8::is_ascii_digit);
    let lower = near.to_ascii_lowercase();
    let said = NETWORK_WORDS.iter().any(|w| lower.windows(w.len()).any(|x| x == w.as_bytes()));
    // Elsewhere four numbers are as often a driver's version in an update's title
    // (`Intel - Net - 12.18.11.1`), which must stay: an address outside the private ranges is
    // one where the text says so.
    (private || port || said).then(|| s.to_string())
}

/// An IPv6 address (`fe80::1c2d:3e4f:5a6b:7c8d%12`, eight groups or a `::`), as its key;
/// `Some("")` for the loopback and unspecified addresses. Words of C++ names (`CAgent::Foo`)
/// and clock times (`16:45:56`) are not addresses.
fn ipv6(s: &str) -> Option<String> {
    let addr = s.split('%').next().unwrap_or(s);
    if addr.matches("::").count() > 1 || addr.contains(":::") {
        return None;
    }
    let groups: Vec<&str> = addr.split(':').collect();
    let filled: Vec<&&str> = groups.iter().filter(|g| !g.is_empty()).collect();
    let compressed = addr.contains("::");
    if (!compressed && groups.len() != 8) || (compressed && filled.len() > 7) {
        return None;
    }
    if !filled.iter().all(|g| g.len() <= 4 && g.bytes().all(|c| c.is_ascii_hexdigit())) {
        return None;
    }
    let key = addr.to_ascii_lowercase();
    let nonzero: Vec<&str> = filled.iter().map(|g| g.trim_start_matches('0')).filter(|g| !g.is_empty()).collect();
    if nonzero.is_empty() || (nonzero == ["1"] && groups.last().is_some_and(|g| g.trim_start_matches('0') == "1")) {
        return Some(String::new());
    }
    let digits: usize = filled.iter().map(|g| g.len()).sum();
    if digits < 4 || !filled.iter().any(|g| g.len() >= 3) || !addr.bytes().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(key)
}

/// A host name with a known top-level domain (`wsus02.corp.local`, `SCCM01.CONTOSO.COM`), as
/// its key (lower case); `Some("")` for Microsoft's public endpoints. Its top-level domain is in
/// lower case (`PC01.corp.local`) or the whole name in upper case: dotted words ending in a
/// capital (`System.Net`, `System.IO`) are names of code, not hosts.
pub fn host(s: &str) -> Option<String> {
    let labels: Vec<&str> = s.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let tld = labels[labels.len() - 1].to_ascii_lowercase();
    if !TLDS.contains(&tld.as_str()) {
        return None;
    }
    for l in &labels {
        let b = l.as_bytes();
        if b.is_empty() || b.len() > 63 || b[0] == b'-' || b[b.len() - 1] == b'-' || !b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-') {
            return None;
        }
    }
    if labels[..labels.len() - 1].iter().any(|l| FILE_EXTENSIONS.contains(&l.to_ascii_lowercase().as_str())) {
        return None;
    }
    let last = labels[labels.len() - 1];
    let all_upper = !s.bytes().any(|c| c.is_ascii_lowercase());
    if last.bytes().any(|c| c.is_ascii_uppercase()) && !all_upper {
        return None;
    }
    let key = s.to_ascii_lowercase();
    if is_public_endpoint(&key) {
        return Some(String::new());
    }
    Some(key)
}

fn local_part_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-' | b'\'')
}

/// E-mail addresses and UPNs: `name@domain.tld`.
fn emails(text: &str, out: &mut Vec<Hit>) {
    let b = text.as_bytes();
    for at in memchr::memchr_iter(b'@', b) {
        let mut s = at;
        while s > 0 && local_part_byte(b[s - 1]) {
            s -= 1;
        }
        while s < at && !b[s].is_ascii_alphanumeric() {
            s += 1;
        }
        let mut e = at + 1;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'.' || b[e] == b'-') {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let domain = &text[at + 1..e];
        let tld = domain.rsplit('.').next().unwrap_or("");
        if s == at || !domain.contains('.') || tld.len() < 2 || !tld.bytes().all(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        out.push(Hit { start: s, end: e, kind: Kind::Email, key: text[s..e].to_ascii_lowercase() });
    }
}

/// Account SIDs: a domain's or a computer's accounts (`S-1-5-21-…`) and Microsoft Entra
/// accounts (`S-1-12-1-…`). Well-known SIDs (`S-1-5-18`, `S-1-5-32-544`, services'
/// `S-1-5-80-…`) identify no one and are kept. Found glued to a name too
/// (`GoogleUpdateTaskUserS-1-5-21-…Core`): no other word holds `S-1-5-21-`.
fn sids(text: &str, out: &mut Vec<Hit>) {
    let b = text.as_bytes();
    for s in memchr::memmem::find_iter(b, b"S-1-") {
        let mut e = s + 4;
        while e < b.len() && (b[e].is_ascii_digit() || (b[e] == b'-' && b.get(e + 1).is_some_and(u8::is_ascii_digit))) {
            e += 1;
        }
        let sid = &text[s..e];
        if (sid.starts_with("S-1-5-21-") || sid.starts_with("S-1-12-1-")) && sid.matches('-').count() >= 5 {
            out.push(Hit { start: s, end: e, kind: Kind::Sid, key: sid.to_string() });
        }
    }
}

/// The hits that stay when some overlap: the earliest, and of those starting together the
/// longest (an e-mail address over the domain inside it); keys left empty (kept) stay too, so
/// that a public endpoint hides the shorter shapes inside it. Sorted by start.
pub fn settle(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        if out.last().is_some_and(|l| h.start < l.end) {
            continue;
        }
        out.push(h);
    }
    out
}

/// A GUID at the start of `b` (`8-4-4-4-12` hex digits), as its key (lower case).
pub fn guid_at(b: &[u8]) -> Option<String> {
    if b.len() < 36 || b.get(36).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    for (k, c) in b[..36].iter().enumerate() {
        let ok = if matches!(k, 8 | 13 | 18 | 23) { *c == b'-' } else { c.is_ascii_hexdigit() };
        if !ok {
            return None;
        }
    }
    Some(String::from_utf8_lossy(&b[..36]).to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Kind, &str)> {
        let mut hits = Vec::new();
        shapes(text, &mut hits);
        let hits = settle(hits);
        hits.iter().filter(|h| !h.key.is_empty()).map(|h| (h.kind, &text[h.start..h.end])).collect()
    }

    #[test]
    fn shapes_are_found_and_look_alikes_are_not() {
        assert_eq!(found("connect to 10.1.2.3:8530 from 192.168.0.10."), [(Kind::Ip, "10.1.2.3"), (Kind::Ip, "192.168.0.10")]);
        assert_eq!(found("peer 20.101.57.9 and 8.8.4.4:53; update Intel - Net - 12.18.11.1, UpdateID"), [(Kind::Ip, "20.101.57.9"), (Kind::Ip, "8.8.4.4")]);
        assert_eq!(found("loopback 127.0.0.1 any 0.0.0.0 mask 255.255.255.0"), []);
        assert_eq!(found("pkg~~6.1.1.1, C:\\App\\1.2.3.4\\x, \\\\10.1.2.3\\share"), [(Kind::Ip, "10.1.2.3")]);
        assert_eq!(found("Agent version 7.6.7600.256, file version 6.1.0.1, assembly 1.0.0.0 v2"), []);
        assert_eq!(found("link fe80::1c2d:3e4f:5a6b:7c8d%12 and ::1 at 16:45:56:123"), [(Kind::Ip, "fe80::1c2d:3e4f:5a6b:7c8d%12")]);
        assert_eq!(found("CAgentUpdateManager::DetectForUpdates Add::Dec"), []);
        assert_eq!(found("MAC 00-1A-2B-3C-4D-5E / 00:1a:2b:3c:4d:5f"), [(Kind::Mac, "00-1A-2B-3C-4D-5E"), (Kind::Mac, "00:1a:2b:3c:4d:5f")]);
        assert_eq!(found("http://wsus02.corp.local:8530 and SCCM01.CONTOSO.COM."), [(Kind::Host, "wsus02.corp.local"), (Kind::Host, "SCCM01.CONTOSO.COM")]);
        assert_eq!(found("PC01.corp.local WSUS.Contoso.com"), [(Kind::Host, "PC01.corp.local"), (Kind::Host, "WSUS.Contoso.com")]);
        assert_eq!(found("WindowsUpdate.log wuaueng.dll System.Net System.IO fe3cr.delivery.mp.microsoft.com app.exe.local"), []);
        assert_eq!(found("upn jane.doe@contoso.com; x@y"), [(Kind::Email, "jane.doe@contoso.com")]);
        assert_eq!(
            found("S-1-5-18 S-1-5-32-544 S-1-5-21-1004336348-1177238915-682003330-1001 S-1-12-1-1-2-3-4"),
            [(Kind::Sid, "S-1-5-21-1004336348-1177238915-682003330-1001"), (Kind::Sid, "S-1-12-1-1-2-3-4")]
        );
        assert_eq!(found("TaskUserS-1-5-21-1-2-3-1002Core"), [(Kind::Sid, "S-1-5-21-1-2-3-1002")]);
        assert_eq!(found("0x80244007 KB5034441 2024-05-31 16:45:56.136 -2145107961"), []);
    }
}
