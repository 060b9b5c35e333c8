//! Where in the life of an update a code usually breaks: one of the seven ConfigMgr client scan
//! steps, the Windows Update agent's own search, download or install, servicing, WSUS
//! synchronization, the ConfigMgr client's installation or deployment, or a feature update.
//!
//! This file has no dependencies on purpose: `build.rs` includes it with `#[path]` to validate
//! the data files, and the library uses it at run time.

/// Where in the life of an update a code usually breaks (an entry's `places`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// Step 1-7 of the ConfigMgr client's software-update scan (seed article 001).
    ScanStep(u8),
    /// The Windows Update agent searching for updates (any caller).
    WuSearch,
    /// The agent downloading update content (BITS, Delivery Optimization, WinHTTP).
    WuDownload,
    /// The agent installing an update (its handlers, CBS underneath).
    WuInstall,
    /// Component-based servicing: CBS.log, DISM, SFC, the component store.
    Servicing,
    /// A WSUS server synchronizing with Microsoft Update.
    WsusSync,
    /// Installing or upgrading the ConfigMgr client (ccmsetup, client.msi).
    ClientInstall,
    /// The ConfigMgr client evaluating and installing deployed updates.
    Deployment,
    /// A Windows feature update or in-place upgrade (setup, Panther logs).
    FeatureUpdate,
}

impl Place {
    /// Every place, in the order an update meets them.
    pub const ALL: [Place; 15] = [
        Place::ScanStep(1),
        Place::ScanStep(2),
        Place::ScanStep(3),
        Place::ScanStep(4),
        Place::ScanStep(5),
        Place::ScanStep(6),
        Place::ScanStep(7),
        Place::WuSearch,
        Place::WuDownload,
        Place::WuInstall,
        Place::Servicing,
        Place::WsusSync,
        Place::ClientInstall,
        Place::Deployment,
        Place::FeatureUpdate,
    ];

    /// Stable identifier used in data files, JSON and URLs: `scan_3`, `wu_download`, ...
    pub const fn id(self) -> &'static str {
        match self {
            Place::ScanStep(1) => "scan_1",
            Place::ScanStep(2) => "scan_2",
            Place::ScanStep(3) => "scan_3",
            Place::ScanStep(4) => "scan_4",
            Place::ScanStep(5) => "scan_5",
            Place::ScanStep(6) => "scan_6",
            Place::ScanStep(_) => "scan_7",
            Place::WuSearch => "wu_search",
            Place::WuDownload => "wu_download",
            Place::WuInstall => "wu_install",
            Place::Servicing => "servicing",
            Place::WsusSync => "wsus_sync",
            Place::ClientInstall => "client_install",
            Place::Deployment => "deployment",
            Place::FeatureUpdate => "feature_update",
        }
    }

    /// Where it breaks, in words.
    pub const fn label(self) -> &'static str {
        match self {
            Place::ScanStep(1) => "ConfigMgr scan, step 1: the client gets its WSUS server",
            Place::ScanStep(2) => "ConfigMgr scan, step 2: the scan is requested and started",
            Place::ScanStep(3) => "ConfigMgr scan, step 3: the agent scans against WSUS",
            Place::ScanStep(4) => "ConfigMgr scan, step 4: WUAHandler receives the results",
            Place::ScanStep(5) => "ConfigMgr scan, step 5: the results are parsed",
            Place::ScanStep(6) => "ConfigMgr scan, step 6: the update store records states",
            Place::ScanStep(_) => "ConfigMgr scan, step 7: state messages are sent",
            Place::WuSearch => "Windows Update: searching for updates",
            Place::WuDownload => "Windows Update: downloading updates",
            Place::WuInstall => "Windows Update: installing updates",
            Place::Servicing => "Servicing: the component store (CBS, DISM, SFC)",
            Place::WsusSync => "WSUS synchronization with Microsoft Update",
            Place::ClientInstall => "ConfigMgr client installation (ccmsetup)",
            Place::Deployment => "ConfigMgr deployment: evaluating and installing updates",
            Place::FeatureUpdate => "Feature update or upgrade (Windows setup)",
        }
    }

    /// The ConfigMgr scan step, for places that are one.
    pub const fn scan_step(self) -> Option<u8> {
        match self {
            Place::ScanStep(n) => Some(n),
            _ => None,
        }
    }

    /// The place of a data file's or URL's id (`scan_3`, `wu_download`, ...).
    pub fn from_id(id: &str) -> Option<Place> {
        Place::ALL.into_iter().find(|p| p.id() == id)
    }
}
