//! Names a text states (the first pass): computer names after their labels and in the event
//! logs' computer column, the host of a `\\server\share` path and of a URL (`http://wsus01:8530`),
//! user names of profile folders (`C:\Users\jdoe\`) and after their labels, and the GUIDs a
//! label calls a device, tenant, user, machine, account or client id. Each is then replaced
//! wherever it occurs, in every text.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::detect::guid_at;
use super::kinds::Kind;
use super::known::{is_public_endpoint, not_a_name, Label, CERT_ATTRIBUTES, LABELS, NOT_CERT_NAMES, RESERVED_SITE_CODES};

/// A name learned: what to look for (lower case), its kind and its key (the pseudonym's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Learned {
    /// The name as it is looked for, lower case.
    pub name: String,
    /// Its kind.
    pub kind: Kind,
    /// Its key: the same key is the same pseudonym (`pc01.corp.local` is keyed `pc01`).
    pub key: String,
}

#[derive(Clone, Copy)]
enum Marker {
    Label(Label),
    /// `\Users\` (and its JSON-escaped `\\Users\\`): a profile folder's name follows.
    Profile,
    /// `://`: a URL's host follows.
    Url,
    /// `, record ` in an event log as wulens renders it: the number, then the computer.
    EventComputer,
    /// A pseudonym's prefix (`HOST-`): a text redacted before; its numbers are taken.
    Pseudonym,
    /// A certificate name's attribute (`CN=`, `OU=`, `O=`, `DC=`): its value follows.
    Cert,
    /// ccmsetup's `[NAME] Running on '…'`: the computer's name before it.
    RunningOn,
    /// A ConfigMgr DNS service record (`_mssms_mp_<site>._tcp.<domain>`): its site code and domain.
    Srv,
}

/// The first pass: one automaton over the labels and markers.
pub struct Learner {
    ac: AhoCorasick,
    markers: Vec<Marker>,
}

/// A pseudonym written before (`HOST-3` in a text redacted already): its kind and number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Taken {
    pub kind: Kind,
    pub number: u32,
}

/// The pseudonym at `at` in `b` (`HOST-3`, a whole word, in capitals as the redactor writes
/// them) and where it ends.
pub fn pseudonym_at(b: &[u8], at: usize) -> Option<(Taken, usize)> {
    if at > 0 && b[at - 1].is_ascii_alphanumeric() {
        return None;
    }
    let dash = at + b[at..].iter().take(6).position(|c| *c == b'-')?;
    let kind = Kind::from_prefix(std::str::from_utf8(&b[at..dash]).ok()?)?;
    let mut e = dash + 1;
    while e < b.len() && b[e].is_ascii_digit() {
        e += 1;
    }
    if e == dash + 1 || e - dash > 10 || b.get(e).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let number = std::str::from_utf8(&b[dash + 1..e]).ok()?.parse().ok()?;
    Some((Taken { kind, number }, e))
}

impl Learner {
    pub fn new() -> Learner {
        let mut patterns: Vec<&str> = Vec::new();
        let mut markers = Vec::new();
        for (p, l) in LABELS {
            patterns.push(p);
            markers.push(Marker::Label(*l));
        }
        for (p, m) in [
            ("\\Users\\", Marker::Profile),
            ("\\\\Users\\\\", Marker::Profile),
            ("\\Documents and Settings\\", Marker::Profile),
            ("://", Marker::Url),
            (", record ", Marker::EventComputer),
            ("] Running on '", Marker::RunningOn),
            ("_mssms_mp_", Marker::Srv),
        ] {
            patterns.push(p);
            markers.push(m);
        }
        for p in CERT_ATTRIBUTES {
            patterns.push(p);
            markers.push(Marker::Cert);
        }
        let mut prefixes: Vec<String> = Kind::ALL.iter().map(|k| format!("{}-", k.prefix())).collect();
        prefixes.dedup();
        for p in &prefixes {
            patterns.push(p);
            markers.push(Marker::Pseudonym);
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("the labels build an automaton");
        Learner { ac, markers }
    }

    /// The names `text` states, appended to `out`, and the pseudonyms it holds already, to
    /// `taken`.
    pub fn learn(&self, text: &str, out: &mut Vec<Learned>, taken: &mut Vec<Taken>) {
        let b = text.as_bytes();
        let mut csv_done = usize::MAX;
        for m in self.ac.find_iter(b) {
            let (s, e) = (m.start(), m.end());
            match self.markers[m.pattern().as_usize()] {
                Marker::Label(label) => {
                    let word_start = s == 0 || !b[s - 1].is_ascii_alphanumeric();
                    let word_end = !b[e - 1].is_ascii_alphanumeric() || b.get(e).is_none_or(|c| !c.is_ascii_alphanumeric());
                    // A closing tag (`</DeviceName><Next>`) labels nothing after it.
                    if !(word_start && word_end) || (s >= 2 && &b[s - 2..s] == b"</") {
                        continue;
                    }
                    // A CSV header's column (`Hardware Hash,` or at the line's end).
                    let next = b[e..].iter().position(|c| !matches!(c, b'"' | b' ')).map(|i| b[e + i]);
                    if next.is_none_or(|c| matches!(c, b',' | b'\r' | b'\n')) {
                        let line = b[..s].iter().rposition(|c| *c == b'\n').map_or(0, |i| i + 1);
                        if line == csv_done || csv_header(text, line, out) {
                            csv_done = line;
                            continue;
                        }
                    }
                    labelled(text, e, label, out);
                }
                Marker::Pseudonym => {
                    // Only as the redactor writes them: capitals.
                    if let Some((t, _)) = pseudonym_at(b, s).filter(|_| b[s].is_ascii_uppercase()) {
                        taken.push(t);
                    }
                }
                Marker::Cert => {
                    // Upper case, where a word starts (`CN=`, never `cn=` or `ICON=`).
                    if b[s].is_ascii_uppercase() && (s == 0 || !b[s - 1].is_ascii_alphanumeric()) {
                        cert_name(text, s, e, out);
                    }
                }
                Marker::RunningOn => {
                    let open = b[..s].iter().rposition(|c| *c == b'[');
                    if let Some(open) = open.filter(|o| s - o <= 64) {
                        computer(&text[open + 1..s], out);
                    }
                }
                Marker::Srv => srv_record(text, e, out),
                Marker::Profile => profile(text, e, out),
                Marker::Url => url_host(text, e, out),
                Marker::EventComputer => {
                    let mut i = e;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                    if i > e && b[i..].starts_with(b", ") {
                        computer(token(text, i + 2, false), out);
                    }
                }
            }
        }
        unc_hosts(text, out);
    }
}

/// The run of name bytes at `at` (letters, digits, `._-`, and `\` and `$` for accounts).
fn token(text: &str, at: usize, account: bool) -> &str {
    let b = text.as_bytes();
    let mut e = at;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'.' | b'_' | b'-') || (account && matches!(b[e], b'\\' | b'$'))) {
        e += 1;
    }
    text[at..e].trim_end_matches(['.', '-'])
}

/// After a label: separators, then its value.
/// Names (not ids) need a `=`, `:`, `>` or quote between: prose (`computer name changes`) is
/// no label.
fn labelled(text: &str, at: usize, label: Label, out: &mut Vec<Learned>) {
    let b = text.as_bytes();
    let mut i = at;
    // `Current Assigned Management Point is …` says what follows as plainly as `=`.
    let mut marked = at >= 3 && b[at - 3..at].eq_ignore_ascii_case(b" is");
    while i < b.len() && i - at < 12 && matches!(b[i], b' ' | b'\t' | b'=' | b':' | b'"' | b'\'' | b'<' | b'>' | b'{' | b'(' | b'[') {
        marked |= matches!(b[i], b'=' | b':' | b'"' | b'\'' | b'>' | b'[') || (label == Label::Site && b[i] == b'<');
        i += 1;
    }
    if b[i..].len() >= 5 && b[i..i + 5].eq_ignore_ascii_case(b"GUID:") {
        i += 5;
    }
    if !marked && label == Label::Computer {
        // Setup's prose (`Computer name is WIN-1JOFITDQ334`, `Set the computer name to X`): a
        // name in capitals or with a digit, never a word (`computer name is visible`).
        for w in [&b"is "[..], b"to "] {
            if b[i..].len() >= 3 && b[i..i + 3].eq_ignore_ascii_case(w) {
                let v = token(text, i + 3, false);
                if v.bytes().any(|c| c.is_ascii_digit()) || (v.len() >= 3 && !v.bytes().any(|c| c.is_ascii_lowercase())) {
                    computer(v, out);
                }
            }
        }
        return;
    }
    if !marked && !matches!(label, Label::Id | Label::Tenant) {
        return;
    }
    match label {
        Label::Id | Label::Tenant => {
            // `AAD tenant ID is '…'`, `TenantID=…`, `Device ID: {…}`.
            if !marked && b[i..].len() >= 3 && b[i..i + 3].eq_ignore_ascii_case(b"is ") {
                i += 3;
                while i < b.len() && matches!(b[i], b' ' | b'\'' | b'"' | b'{') {
                    i += 1;
                }
            }
            if let Some(key) = guid_at(&b[i..]) {
                let kind = if label == Label::Tenant { Kind::Tenant } else { Kind::Id };
                out.push(Learned { name: key.clone(), kind, key });
            }
        }
        Label::Server => server_name(token(text, i, false), out),
        Label::Site => site_code(token(text, i, false), out),
        Label::Computer => computer(token(text, i, false), out),
        Label::User => {
            let v = token(text, i, true);
            let user = v.rsplit('\\').next().unwrap_or(v).trim_end_matches('$');
            user_name(user, out);
            // `CORP\jdoe`: the domain's NetBIOS name too (not `NT AUTHORITY`, `BUILTIN`, ...).
            if let Some((domain, _)) = v.rsplit_once('\\') {
                host_name(domain.rsplit('\\').next().unwrap_or(domain), out);
            }
        }
        Label::Proxy => {
            let mut v = token(text, i, false);
            let after = i + v.len();
            if b.get(after) == Some(&b'=') {
                v = token(text, after + 1, false);
            }
            server_name(v, out);
        }
        Label::Domain => host_name(token(text, i, false), out),
        Label::Device => device_value(blob(text, i), out),
    }
}

/// The run of a device value's bytes at `at`: letters, digits and `-._+/=` (a hardware hash
/// is base64).
fn blob(text: &str, at: usize) -> &str {
    let b = text.as_bytes();
    let mut e = at;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'.' | b'_' | b'-' | b'+' | b'/' | b'=')) {
        e += 1;
    }
    text[at..e].trim_end_matches(['.', '-'])
}

/// A serial number, hardware hash or product id: learned whole. Placeholders firmware writes
/// (`To be filled by O.E.M.`, `Default string`, `0`, `00000000`) are no one's: a value has a
/// digit and at least four bytes, and is not one byte repeated; a pseudonym (`HW-2`) is none.
fn device_value(v: &str, out: &mut Vec<Learned>) {
    let b = v.as_bytes();
    if b.len() < 4
        || !b.iter().any(u8::is_ascii_digit)
        || b.iter().all(|c| *c == b[0])
        || b.iter().all(|c| !c.is_ascii_alphanumeric() || *c == b'0')
        || is_pseudonym(v)
    {
        return;
    }
    let lower = v.to_ascii_lowercase();
    out.push(Learned { name: lower.clone(), kind: Kind::Device, key: lower });
}

/// The cells of one CSV line, unquoted (no cell of the files read here holds a comma).
fn cells(line: &str) -> impl Iterator<Item = &str> {
    line.trim_end_matches(['\r', '\n']).split(',').map(|c| c.trim().trim_matches('"').trim())
}

/// A CSV header at `line` naming labelled columns (an Autopilot hardware-hash CSV's `Device
/// Serial Number,Windows Product ID,Hardware Hash`, a report export's `DeviceName`): each
/// value of those columns, in the rows below until a blank line, learned as its label says.
/// False when the line is no such header.
fn csv_header(text: &str, line: usize, out: &mut Vec<Learned>) -> bool {
    let rest = &text[line..];
    let head = rest.split('\n').next().unwrap_or("");
    if !head.contains(',') {
        return false;
    }
    // A header's cells are column names: words, nothing else (a WMI query in an inventory
    // log, `Query = SELECT __CLASS, DNSHostName, MACAddress FROM …`, names columns too, but
    // it is a sentence, and the lines below it are no rows).
    let plain = |c: &str| !c.is_empty() && c.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-' | b'.' | b'(' | b')'));
    if !cells(head).all(plain) {
        return false;
    }
    let columns: Vec<Option<Label>> = cells(head).map(|c| LABELS.iter().find(|(l, _)| l.eq_ignore_ascii_case(c)).map(|(_, k)| *k)).collect();
    if !columns.iter().any(Option::is_some) {
        return false;
    }
    // Rows have the header's cells, one each; the first line that has not ends the table.
    for row in rest.split('\n').skip(1).take_while(|r| !r.trim().is_empty() && cells(r).count() == columns.len()) {
        for (cell, label) in cells(row).zip(&columns) {
            match label {
                Some(Label::Computer) => computer(cell, out),
                Some(Label::Device) => device_value(cell, out),
                Some(Label::Id) => {
                    if let Some(key) = guid_at(cell.trim_matches(['{', '}']).as_bytes()) {
                        out.push(Learned { name: key.clone(), kind: Kind::Id, key });
                    }
                }
                Some(Label::User) => user_name(cell.rsplit('\\').next().unwrap_or(cell), out),
                Some(Label::Proxy) => server_name(cell, out),
                Some(Label::Domain) => host_name(cell, out),
                Some(Label::Server) => server_name(cell, out),
                Some(Label::Site) => site_code(cell, out),
                Some(Label::Tenant) => {
                    if let Some(key) = guid_at(cell.trim_matches(['{', '}']).as_bytes()) {
                        out.push(Learned { name: key.clone(), kind: Kind::Tenant, key });
                    }
                }
                None => {}
            }
        }
    }
    true
}

/// True for a pseudonym the redactor writes (`host-3`, any case): never learned as a name, so
/// that a text redacted before keeps its pseudonyms.
fn is_pseudonym(name: &str) -> bool {
    let b = name.to_ascii_uppercase().into_bytes();
    pseudonym_at(&b, 0).is_some_and(|(_, e)| e == b.len())
}

/// A computer name a log states: learned whole, and an FQDN's first label too, under one key.
fn computer(name: &str, out: &mut Vec<Learned>) {
    let lower = name.to_ascii_lowercase();
    let short = lower.split('.').next().unwrap_or("").to_string();
    if not_a_name(&short) || is_public_endpoint(&lower) || lower.parse::<std::net::Ipv4Addr>().is_ok() || is_pseudonym(&short) {
        return;
    }
    if lower != short {
        out.push(Learned { name: lower, kind: Kind::Host, key: short.clone() });
    }
    out.push(Learned { name: short.clone(), kind: Kind::Host, key: short });
}

/// A server a ConfigMgr client is told of (`/mp:VR-SRV-01`, `FSP=primary.lan`,
/// `CCMHOSTNAME=CMG.CLOUDAPP.NET/CCM_Proxy_MutualAuth/…`): learned whole, and an FQDN's first
/// label too where it is shaped like a server's name (a digit or a `-` in it: `wsus01`, never
/// a word such as `wsus` or `sccm`), under one key.
fn server_name(name: &str, out: &mut Vec<Learned>) {
    let lower = name.to_ascii_lowercase();
    if not_a_name(&lower) || is_public_endpoint(&lower) || lower.parse::<std::net::Ipv4Addr>().is_ok() || is_pseudonym(&lower) {
        return;
    }
    let short = lower.split('.').next().unwrap_or("").to_string();
    let named = short != lower && !not_a_name(&short) && !is_pseudonym(&short) && short.bytes().any(|c| c.is_ascii_digit() || c == b'-');
    let key = if named { short.clone() } else { lower.clone() };
    out.push(Learned { name: lower, kind: Kind::Server, key: key.clone() });
    if named {
        out.push(Learned { name: short, kind: Kind::Server, key });
    }
}

/// A ConfigMgr site code: three letters or digits, not one ConfigMgr reserves.
fn site_code(code: &str, out: &mut Vec<Learned>) {
    let lower = code.to_ascii_lowercase();
    if lower.len() == 3
        && lower.bytes().all(|c| c.is_ascii_alphanumeric())
        && lower.bytes().any(|c| c.is_ascii_alphabetic())
        && !RESERVED_SITE_CODES.contains(&lower.as_str())
    {
        out.push(Learned { name: lower.clone(), kind: Kind::Site, key: lower });
    }
}

/// `CN=Contoso Issuing CA; DC=contoso` from `s` (the attribute) to `e` (its value): the value
/// up to the next separator. A domain component is a domain's name; a name with a dot and no
/// blank a server's; any other a certificate's, learned whole (blanks and all).
fn cert_name(text: &str, s: usize, e: usize, out: &mut Vec<Learned>) {
    let b = text.as_bytes();
    let mut end = e;
    while end < b.len()
        && end - e < 128
        && !matches!(b[end], b',' | b';' | b'"' | b'\'' | b'<' | b'>' | b'/' | b'\\' | b']' | b'|' | b'+' | b'\r' | b'\n' | b'\t')
    {
        end += 1;
    }
    let value = text[e..end].trim();
    let lower = value.to_ascii_lowercase();
    if value.is_empty() || NOT_CERT_NAMES.contains(&lower.as_str()) || is_pseudonym(&lower) || !lower.bytes().any(|c| c.is_ascii_alphabetic()) {
        return;
    }
    if &text[s..e] == "DC=" {
        host_name(value, out);
    } else if value.contains('.') && !value.contains(' ') {
        server_name(value, out);
    } else if lower.len() >= 2 {
        out.push(Learned { name: lower.clone(), kind: Kind::Cert, key: lower });
    }
}

/// `_mssms_mp_<site>._tcp.<domain>`: the site code, and the domain the record is published in.
fn srv_record(text: &str, at: usize, out: &mut Vec<Learned>) {
    let site = token(text, at, false);
    let code = site.split('.').next().unwrap_or("");
    site_code(code, out);
    let rest = &site[code.len()..];
    if let Some(domain) = rest.strip_prefix("._tcp.").or_else(|| rest.strip_prefix("._udp.")) {
        let domain = domain.to_ascii_lowercase();
        if domain.contains('.') && !not_a_name(&domain) && !is_public_endpoint(&domain) {
            out.push(Learned { name: domain.clone(), kind: Kind::Domain, key: domain });
        }
    }
}

/// A domain's name (`DomainName : CORP`, `DC=contoso`, `CORP\\jdoe`): learned whole.
fn host_name(name: &str, out: &mut Vec<Learned>) {
    let lower = name.to_ascii_lowercase();
    if not_a_name(&lower) || is_public_endpoint(&lower) || lower.parse::<std::net::Ipv4Addr>().is_ok() || is_pseudonym(&lower) {
        return;
    }
    out.push(Learned { name: lower.clone(), kind: Kind::Domain, key: lower });
}

fn user_name(name: &str, out: &mut Vec<Learned>) {
    let lower = name.trim().to_ascii_lowercase();
    // A user name may be two letters (`C:\Users\cc\`).
    if (lower.len() != 2 && not_a_name(&lower))
        || !lower.bytes().all(|c| c.is_ascii_alphanumeric() || c > 127 || matches!(c, b'.' | b'_' | b'-' | b' ' | b'~' | b'$'))
        || lower.starts_with(['%', '$', '<', '{'])
        || lower.contains('@')
        || is_pseudonym(&lower)
    {
        return;
    }
    // `jdoe.CORP`, the folder of a second profile of one name: keyed by the name.
    let key = lower.split('.').next().unwrap_or(&lower).to_string();
    if lower != key && !not_a_name(&key) {
        out.push(Learned { name: key.clone(), kind: Kind::User, key: key.clone() });
    }
    out.push(Learned { name: lower, kind: Kind::User, key });
}

/// `C:\Users\<name>\...`: the folder's name (blanks allowed inside a path).
fn profile(text: &str, at: usize, out: &mut Vec<Learned>) {
    let b = text.as_bytes();
    let mut e = at;
    while e < b.len()
        && e - at < 64
        && !matches!(b[e], b'\\' | b'/' | b'"' | b'\'' | b'<' | b'>' | b'|' | b':' | b'*' | b'?' | b'\r' | b'\n' | b'\t' | b']' | b',' | b';')
    {
        e += 1;
    }
    let mut name = &text[at..e];
    if b.get(e) != Some(&b'\\') {
        name = name.split(' ').next().unwrap_or("");
    }
    user_name(name, out);
}

/// `scheme://host[:port]`: the host.
/// Only web addresses (`http`, `https`): other schemes name no host (`x-windowsupdate://<update id>/`).
fn url_host(text: &str, at: usize, out: &mut Vec<Learned>) {
    let b = text.as_bytes();
    let scheme_end = at - 3;
    let web = [&b"http"[..], b"https"].iter().any(|s| {
        scheme_end >= s.len()
            && b[scheme_end - s.len()..scheme_end].eq_ignore_ascii_case(s)
            && (scheme_end == s.len() || !b[scheme_end - s.len() - 1].is_ascii_alphanumeric())
    });
    let host = token(text, at, false);
    if !web || b.get(at + host.len()) == Some(&b'@') || guid_at(host.as_bytes()).is_some() {
        return;
    }
    // Entra's sign-in and registration endpoints put the tenant's id first in the path
    // (`https://login.microsoftonline.com/<tenant>/oauth2/token`).
    let lower = host.to_ascii_lowercase();
    if TENANT_HOSTS.contains(&lower.as_str()) && b.get(at + host.len()) == Some(&b'/') {
        if let Some(key) = guid_at(&b[at + host.len() + 1..]) {
            out.push(Learned { name: key.clone(), kind: Kind::Tenant, key });
        }
    }
    server_name(host, out);
}

/// Entra's endpoints whose paths start with a tenant id (Microsoft identity platform,
/// "Microsoft identity platform authority and endpoints"; device registration's
/// `enterpriseregistration.windows.net/<tenant>/…`).
const TENANT_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.windows.net",
    "sts.windows.net",
    "enterpriseregistration.windows.net",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
];

/// A per-user log's name: ConfigMgr writes a user's Software Center and notification logs
/// as `<Log>_<DOMAIN>@<user>_<n>.log` (`SCClient_CORP@jdoe_1.log`, `SCNotify_CORP@jdoe_1.log`):
/// the user's name and the domain's.
pub fn user_in_file_name(name: &str, out: &mut Vec<Learned>) {
    let Some(at) = name.find('@') else { return };
    let (before, after) = (&name[..at], &name[at + 1..]);
    let Some(underscore) = before.rfind('_') else { return };
    let domain = &before[underscore + 1..];
    let stem = after.rsplit_once('.').map_or(after, |(s, _)| s);
    // `jdoe_1` or `jdoe`: the number ConfigMgr adds is not the name's.
    let user = match stem.rsplit_once('_') {
        Some((u, n)) if !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) => u,
        _ => stem,
    };
    if user.is_empty() || domain.is_empty() || user.contains(['/', '\\']) {
        return;
    }
    user_name(user, out);
    host_name(domain, out);
}

/// `\\server\share`: the server (not `\\?\` or `\\.\`, nor a doubled backslash inside a path).
fn unc_hosts(text: &str, out: &mut Vec<Learned>) {
    let b = text.as_bytes();
    for s in memchr::memmem::find_iter(b, b"\\\\") {
        if s > 0 && (b[s - 1].is_ascii_alphanumeric() || matches!(b[s - 1], b':' | b'\\' | b'.' | b'_' | b'-' | b'%' | b'/')) {
            continue;
        }
        let host = token(text, s + 2, false);
        if b.get(s + 2 + host.len()) == Some(&b'\\') {
            server_name(host, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learned(text: &str) -> Vec<(Kind, String, String)> {
        let mut out = Vec::new();
        Learner::new().learn(text, &mut out, &mut Vec::new());
        out.into_iter().map(|l| (l.kind, l.name, l.key)).collect()
    }

    #[test]
    fn device_names_serials_and_hashes_are_learned_from_dsregcmd_mdm_and_autopilot_csv() {
        let h = |n: &str, k: &str| (Kind::Host, n.to_string(), k.to_string());
        let d = |n: &str| (Kind::Device, n.to_string(), n.to_string());
        assert_eq!(
            learned("               Device Name : PC-0427.corp.example.com\r\n                DomainName : CORPX\r\n"),
            [h("pc-0427.corp.example.com", "pc-0427"), h("pc-0427", "pc-0427"), (Kind::Domain, "corpx".into(), "corpx".into())]
        );
        assert_eq!(learned("<SMBIOSSerialNumber>5CG7301QX9</SMBIOSSerialNumber><DNSComputerName>PC-9</DNSComputerName>"), [d("5cg7301qx9"), h("pc-9", "pc-9")]);
        assert_eq!(learned("Serial Number: To be filled by O.E.M. SerialNumber=Default string, serialnumber: 00000000"), []);
        let csv = "Device Serial Number,Windows Product ID,Hardware Hash\r\n5CG7301QX9,00330-80000-00000-AA123,T0FeAQEAHAAAAAoA+/x9==\r\n";
        assert_eq!(learned(csv), [d("5cg7301qx9"), d("00330-80000-00000-aa123"), d("t0feaqeahaaaaaoa+/x9==")]);
        let mut taken = Vec::new();
        Learner::new().learn("Event 19, record 7, HOST-12, Information and USER-3 and host-9 and XHOST-4", &mut Vec::new(), &mut taken);
        assert_eq!(taken, [Taken { kind: Kind::Host, number: 12 }, Taken { kind: Kind::User, number: 3 }]);
        assert_eq!(learned("Event 19, record 7, HOST-12, Information: x"), [], "a pseudonym is no name");
    }

    #[test]
    fn names_are_learned_from_what_labels_them() {
        let h = |n: &str, k: &str| (Kind::Host, n.to_string(), k.to_string());
        assert_eq!(learned("ComputerName=PC01.corp.local;"), [h("pc01.corp.local", "pc01"), h("pc01", "pc01")]);
        assert_eq!(learned("Computer Name: DESKTOP-7Q2"), [h("desktop-7q2", "desktop-7q2")]);
        assert_eq!(learned("the computer name changes, host name is visible"), []);
        assert_eq!(learned("Computer name is WIN-1JOFITDQ334; Set the computer name to PC7"), [h("win-1jofitdq334", "win-1jofitdq334"), h("pc7", "pc7")]);
        assert_eq!(learned("Computer name [DESKTOP-AB1] is valid"), [h("desktop-ab1", "desktop-ab1")]);
        assert_eq!(learned("x-windowsupdate://E1965EB3-94AA-48C6-884D-ABB544DE47F6/x"), []);
        let srv = |n: &str, k: &str| (Kind::Server, n.to_string(), k.to_string());
        assert_eq!(learned("WSUS server: http://wsus01:8530/"), [srv("wsus01", "wsus01")]);
        assert_eq!(learned("WSUS server: http://wsus01.corp.local:8530/"), [srv("wsus01.corp.local", "wsus01"), srv("wsus01", "wsus01")]);
        assert_eq!(learned("copy \\\\fileserver7\\share\\x and \\\\?\\C:\\x and C:\\\\Users"), [srv("fileserver7", "fileserver7")]);
        assert_eq!(learned("Event 19, record 7, PC02.contoso.com, Information: x"), [h("pc02.contoso.com", "pc02"), h("pc02", "pc02")]);
        let u = |n: &str| (Kind::User, n.to_string(), n.to_string());
        assert_eq!(learned("C:\\Users\\jdoe\\AppData and C:\\Users\\Public\\x, C:\\Users\\John Smith\\y"), [u("jdoe"), u("john smith")]);
        assert_eq!(learned("UserName: CORP\\alice"), [u("alice"), (Kind::Domain, "corp".into(), "corp".into())]);
        assert_eq!(learned("Account Name: BUILTIN\\Users, UserName: WORKGROUP\\bob"), [u("bob")]);
        let g = "6f1c0f36-8a3e-4c2b-9d3f-2a1b3c4d5e6f";
        let id = |n: &str| (Kind::Id, n.to_string(), n.to_string());
        assert_eq!(learned(&format!("DeviceId = {{{g}}} UpdateId = 11111111-2222-3333-4444-555555555555")), [id(g)]);
        assert_eq!(learned(&format!("<EntDMID>{}</EntDMID> SMS Unique Identifier: GUID:{g}", g.to_uppercase())), [id(g), id(g), id(g)]);
        assert_eq!(learned("ComputerNameChanged and https://fe3cr.delivery.mp.microsoft.com/ and ComputerName: localhost"), []);
    }

    #[test]
    fn configmgr_s_own_lines_name_servers_sites_certificates_and_tenants() {
        let k = |kind: Kind, n: &str, key: &str| (kind, n.to_string(), key.to_string());
        let srv = |n: &str, key: &str| k(Kind::Server, n, key);
        let site = |n: &str| k(Kind::Site, n, n);
        assert_eq!(
            learned("Ccmsetup command line: ccmsetup.exe /mp:VR-SRV-01 SMSSITECODE=VR1 FSP=primary.lan"),
            [srv("vr-srv-01", "vr-srv-01"), site("vr1"), srv("primary.lan", "primary.lan")]
        );
        assert_eq!(learned("[VR-PC-0042] Running on 'Microsoft Windows 11 Enterprise'"), [k(Kind::Host, "vr-pc-0042", "vr-pc-0042")]);
        assert_eq!(
            learned("Current Assigned Management Point is SCCM01.contoso.com with Version 9068"),
            [srv("sccm01.contoso.com", "sccm01"), srv("sccm01", "sccm01")]
        );
        assert_eq!(
            learned("Trying to Assign to the Site <P04>; site '<P05>'; PolicySource=\"SMS:P06\"; <SiteCode>abc</SiteCode>"),
            [site("p04"), site("p05"), site("p06"), site("abc")]
        );
        assert_eq!(learned("SMSSITECODE=CAS SiteCode: AUTO"), [], "a reserved code, and no code of four letters");
        assert_eq!(
            learned("Certificate Issuer 1 [CN=Vanroy Issuing CA; OU=PKI; DC=vanroy; DC=local] CN=SMS, CN=pc7.vanroy.local"),
            [
                k(Kind::Cert, "vanroy issuing ca", "vanroy issuing ca"),
                k(Kind::Cert, "pki", "pki"),
                k(Kind::Domain, "vanroy", "vanroy"),
                srv("pc7.vanroy.local", "pc7"),
                srv("pc7", "pc7")
            ]
        );
        assert_eq!(learned("Retrieved lookup MP(s) from DNS _mssms_mp_vr1._tcp.vanroy.local"), [site("vr1"), k(Kind::Domain, "vanroy.local", "vanroy.local")]);
        let t = "9aaf466a-3f40-4468-b3cd-f0010f21f05a";
        assert_eq!(learned(&format!("Path=/CCM_Proxy_ServerAuth/AADAuthInfo?TenantID={t}, Port=443")), [k(Kind::Tenant, t, t)]);
        assert_eq!(learned(&format!("AccountId = https://login.microsoftonline.com/{t}/oauth2/token")), [k(Kind::Tenant, t, t)]);
        // `DC=local` is no one's (`local` is never a name).
        // A WMI query names columns: no table follows it.
        let q = "Query = SELECT __CLASS, DNSHostName, MACAddress FROM Win32_NetworkAdapterConfiguration;\r\nSELECT __CLASS, Version, SerialNumber FROM Win32_BIOS;\r\n";
        assert_eq!(learned(q), []);
        let mut out = Vec::new();
        user_in_file_name("SCClient_VANROY@jdoe_1.log", &mut out);
        assert_eq!(out.into_iter().map(|l| (l.kind, l.name)).collect::<Vec<_>>(), [(Kind::User, "jdoe".to_string()), (Kind::Domain, "vanroy".to_string())]);
    }
}
