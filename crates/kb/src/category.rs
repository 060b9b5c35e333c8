//! Categories group error codes by what an admin has to look at.
//!
//! This file has no dependencies on purpose: `build.rs` includes it with `#[path]` to validate
//! the data files, and the library uses it at run time.

/// What part of the system an error points at. The id is what data files and JSON use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// A proxy between the client and its server: authentication, bypass lists, WinHTTP settings.
    Proxy,
    /// Connections and name resolution: DNS, timeouts, refused or reset connections.
    Network,
    /// An HTTP status the server answered with (`WU_E_PT_HTTP_STATUS_*`, `FACILITY_HTTP`).
    Http,
    /// Certificates and TLS: untrusted roots, revocation, expired or mismatched certificates.
    Certificate,
    /// Authentication and permissions: access denied, logon failures.
    Authentication,
    /// Missing or corrupt update components (the Windows Update agent's files and registry).
    Components,
    /// The component store (CBS, SxS): corruption, pending operations, servicing stack.
    ServicingStore,
    /// The WSUS server: its database, web service, synchronization, content.
    WsusServer,
    /// Group policy and configuration that points the client somewhere or stops it.
    Policy,
    /// The Configuration Manager client: scan, location, deployment, state messages.
    ConfigMgr,
    /// Windows services the update path needs (wuauserv, BITS, cryptsvc, ...).
    Service,
    /// Downloads: BITS, Delivery Optimization, content hashes.
    Download,
    /// Installing updates: handlers, installers, rollbacks.
    Installation,
    /// A restart required or pending.
    Reboot,
    /// Memory and disk space.
    Resources,
    /// Update metadata and search: bad or missing metadata, search failures.
    Metadata,
    /// Everything else (generic Win32 and COM errors).
    General,
}

impl Category {
    /// Every category, in the order lists show them.
    pub const ALL: [Category; 17] = [
        Category::Proxy,
        Category::Network,
        Category::Http,
        Category::Certificate,
        Category::Authentication,
        Category::Components,
        Category::ServicingStore,
        Category::WsusServer,
        Category::Policy,
        Category::ConfigMgr,
        Category::Service,
        Category::Download,
        Category::Installation,
        Category::Reboot,
        Category::Resources,
        Category::Metadata,
        Category::General,
    ];

    /// Stable identifier used in data files, JSON and URLs.
    pub const fn id(self) -> &'static str {
        match self {
            Category::Proxy => "proxy",
            Category::Network => "network",
            Category::Http => "http",
            Category::Certificate => "certificate",
            Category::Authentication => "authentication",
            Category::Components => "components",
            Category::ServicingStore => "servicing_store",
            Category::WsusServer => "wsus_server",
            Category::Policy => "policy",
            Category::ConfigMgr => "configmgr",
            Category::Service => "service",
            Category::Download => "download",
            Category::Installation => "installation",
            Category::Reboot => "reboot",
            Category::Resources => "resources",
            Category::Metadata => "metadata",
            Category::General => "general",
        }
    }

    /// Human label for lists and headings.
    pub const fn label(self) -> &'static str {
        match self {
            Category::Proxy => "Proxy",
            Category::Network => "Network and name resolution",
            Category::Http => "HTTP status from the server",
            Category::Certificate => "Certificates and TLS",
            Category::Authentication => "Authentication and permissions",
            Category::Components => "Missing or corrupt update components",
            Category::ServicingStore => "Component store (CBS / SxS)",
            Category::WsusServer => "WSUS server",
            Category::Policy => "Policy and configuration",
            Category::ConfigMgr => "Configuration Manager client",
            Category::Service => "Windows services",
            Category::Download => "Download, BITS and Delivery Optimization",
            Category::Installation => "Installation and update handlers",
            Category::Reboot => "Restart required or pending",
            Category::Resources => "Memory and disk",
            Category::Metadata => "Update metadata and search",
            Category::General => "General",
        }
    }

    /// The category of a data file's or URL's id (`proxy`, `servicing_store`, ...).
    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }
}
