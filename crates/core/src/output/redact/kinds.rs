//! The kinds of identifier a redaction replaces, their pseudonyms' prefixes, and the summary
//! shown before anything leaves: the floor the other files of `redact/` stand on.

use serde::{Deserialize, Serialize};

/// A kind of identifier, each with its own pseudonyms (`HOST-1`, `USER-1`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A computer's name: labelled as one, or the machine a folder or bundle is named for.
    Host,
    /// A server's name: a management point, fallback status point, software update point,
    /// distribution point or proxy, the host of a URL or a UNC path, or a host name found by its
    /// shape. Its pseudonyms are `HOST-n`, numbered with computers'.
    Server,
    /// A domain or tenant name (`DomainName : CORP`, `DC=contoso`, an SRV record's domain): `HOST-n` too.
    Domain,
    /// A ConfigMgr site code (`SMSSITECODE=PS1`, `<PS1>`, `SMS:PS1`, `_mssms_mp_ps1`).
    Site,
    /// A certificate's subject or issuer name (`CN=Contoso Issuing CA`, `OU=Workstations`, `O=Contoso`).
    Cert,
    /// An Entra (Azure AD) tenant id.
    Tenant,
    /// A user name (a profile folder's name, a labelled user or account name).
    User,
    /// An IPv4 or IPv6 address (loopback and unspecified ones are kept).
    Ip,
    /// A MAC address.
    Mac,
    /// A security identifier of an account (`S-1-5-21-…`, `S-1-12-1-…`; well-known SIDs are kept).
    Sid,
    /// An e-mail address or a user principal name.
    Email,
    /// A GUID the text labels as a device, tenant, user, machine, account or client id.
    Id,
    /// A value unique to one device's hardware: a serial number, an Autopilot hardware hash, a
    /// hardware id, a Windows product id, a device certificate's thumbprint.
    Device,
}

impl Kind {
    /// Every kind, in the summary's order.
    pub const ALL: [Kind; 13] = [
        Kind::Host,
        Kind::Server,
        Kind::Domain,
        Kind::Site,
        Kind::Cert,
        Kind::User,
        Kind::Ip,
        Kind::Mac,
        Kind::Sid,
        Kind::Email,
        Kind::Tenant,
        Kind::Id,
        Kind::Device,
    ];

    /// The pseudonyms' prefix: `HOST` in `HOST-1`.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Host | Kind::Server | Kind::Domain => "HOST",
            Kind::Site => "SITE",
            Kind::Cert => "CERT",
            Kind::Tenant => "TENANT",
            Kind::User => "USER",
            Kind::Ip => "IP",
            Kind::Mac => "MAC",
            Kind::Sid => "SID",
            Kind::Email => "EMAIL",
            Kind::Id => "ID",
            Kind::Device => "HW",
        }
    }

    /// The kind whose pseudonyms start with `prefix` (`HOST`), if any: the first of the kinds
    /// that share it ([`Kind::group`]).
    pub fn from_prefix(prefix: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.prefix() == prefix)
    }

    /// The kind whose numbers this kind's pseudonyms share: computers, servers and domains are
    /// all `HOST-n`, one name one number whichever it was learned as.
    pub fn group(self) -> Kind {
        Kind::from_prefix(self.prefix()).unwrap_or(self)
    }

    /// The summary's words for it.
    pub fn words(self) -> &'static str {
        match self {
            Kind::Host => "computer names",
            Kind::Server => "server and host names",
            Kind::Domain => "domain names",
            Kind::Site => "site codes",
            Kind::Cert => "certificate names",
            Kind::Tenant => "tenant ids",
            Kind::User => "user names",
            Kind::Ip => "IP addresses",
            Kind::Mac => "MAC addresses",
            Kind::Sid => "account SIDs",
            Kind::Email => "e-mail addresses and UPNs",
            Kind::Id => "device, user and client ids",
            Kind::Device => "serial numbers, hardware hashes and other device-unique values",
        }
    }

    /// `n` of them in words: "1 computer name", "2 computer names".
    pub fn count(self, n: usize) -> String {
        if n != 1 {
            return format!("{n} {}", self.words());
        }
        let one = match self {
            Kind::Host => "computer name",
            Kind::Server => "server or host name",
            Kind::Domain => "domain name",
            Kind::Site => "site code",
            Kind::Cert => "certificate name",
            Kind::Tenant => "tenant id",
            Kind::User => "user name",
            Kind::Ip => "IP address",
            Kind::Mac => "MAC address",
            Kind::Sid => "account SID",
            Kind::Email => "e-mail address or UPN",
            Kind::Id => "device, user or client id",
            Kind::Device => "serial number, hardware hash or other device-unique value",
        };
        format!("1 {one}")
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }
}

/// What one kind came to: how many distinct originals, replaced how many times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCount {
    /// The kind.
    pub kind: Kind,
    /// Distinct originals (one pseudonym each).
    pub distinct: usize,
    /// Replacements made.
    pub replaced: u64,
}

/// What a redaction replaced, by kind, and what else the user should know (a binary log
/// written as its decoded text): for display before anything leaves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionSummary {
    /// The kinds with at least one replacement, in [`Kind::ALL`]'s order.
    pub kinds: Vec<KindCount>,
    /// Notes added by the caller (`Redactor::note`).
    pub notes: Vec<String>,
}

impl RedactionSummary {
    /// Replacements made, all kinds together.
    pub fn total(&self) -> u64 {
        self.kinds.iter().map(|k| k.replaced).sum()
    }

    /// The summary as lines of text: `Redacted 12 identifiers: 2 host and domain names (7 times), ...`.
    pub fn text(&self) -> String {
        let mut out = if self.kinds.is_empty() {
            "Redacted nothing: no identifier was found.\n".to_string()
        } else {
            let parts: Vec<String> = self
                .kinds
                .iter()
                .map(|k| {
                    format!("{} as {}-n ({} replacement{})", k.kind.count(k.distinct), k.kind.prefix(), k.replaced, if k.replaced == 1 { "" } else { "s" })
                })
                .collect();
            format!("Redacted {} distinct identifiers: {}.\n", self.kinds.iter().map(|k| k.distinct).sum::<usize>(), parts.join(", "))
        };
        for n in &self.notes {
            out.push_str(n);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn one_is_said_in_the_singular() {
        assert_eq!(Kind::Host.count(1), "1 computer name");
        assert_eq!(Kind::Server.count(2), "2 server and host names");
        assert_eq!(Kind::Site.count(1), "1 site code");
        assert_eq!(Kind::Ip.count(1), "1 IP address");
        assert_eq!(Kind::Email.count(0), "0 e-mail addresses and UPNs");
    }
}
