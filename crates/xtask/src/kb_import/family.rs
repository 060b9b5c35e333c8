//! The families of codes, one output file each, and the facilities and module lists that sort
//! codes into them.

/// The families, one output file each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    Wu,
    Win32,
    Wininet,
    Bits,
    Com,
    Wmi,
    Hresult,
    Ntstatus,
    Win32Values,
    ConfigMgr,
    Setup,
    DeliveryOptimization,
}

impl Family {
    pub(super) const ALL: [Family; 12] = [
        Family::Wu,
        Family::Win32,
        Family::Wininet,
        Family::Bits,
        Family::Com,
        Family::Wmi,
        Family::Hresult,
        Family::Ntstatus,
        Family::Win32Values,
        Family::ConfigMgr,
        Family::Setup,
        Family::DeliveryOptimization,
    ];

    pub(super) fn file(self) -> &'static str {
        match self {
            Family::Wu => "wu.toml",
            Family::Win32 => "win32.toml",
            Family::Wininet => "wininet.toml",
            Family::Bits => "bits.toml",
            Family::Com => "com.toml",
            Family::Wmi => "wmi.toml",
            Family::Hresult => "hresult.toml",
            Family::Ntstatus => "ntstatus.toml",
            Family::Win32Values => "win32-values.toml",
            Family::ConfigMgr => "configmgr.toml",
            Family::Setup => "setup.toml",
            Family::DeliveryOptimization => "delivery-optimization.toml",
        }
    }

    pub(super) fn about(self) -> &'static str {
        match self {
            Family::Wu => "Windows Update Agent codes (facility 36: WU_E_*, WU_S_*, USO_E_*).",
            Family::Win32 => "Win32 errors n as HRESULT 0x8007xxxx (= 0x80070000 | n), except WinINet/WinHTTP 12xxx.",
            Family::Wininet => "WinINet and WinHTTP errors 12000-12999 as HRESULT 0x80072EE0-0x80072FFF.",
            Family::Bits => "Background Intelligent Transfer Service codes (BG_E_*, BG_S_*; BITS's HTTP codes 0x8019xxxx).",
            Family::Com => "Generic COM, security and setup codes (E_*, CO_E_*, RPC_E_*, CERT_E_*, TRUST_E_*, CRYPT_E_*, SPAPI_E_*, SEC_E_*, ...).",
            Family::Wmi => "WMI codes (WBEM_E_*, WBEMMOF_E_*, WBEMESS_E_*).",
            Family::Hresult => "Every other HRESULT constant of the SDK metadata and the SDK error headers, success codes included.",
            Family::Ntstatus => "NTSTATUS values (ntstatus.h STATUS_*, and the Win32 names Windows gives some of them); layout = \"ntstatus\".",
            Family::Win32Values => "WIN32_ERROR values above 0xFFFF as GetLastError returns them (SetupAPI 0xE000xxxx, NDIS 0x8034xxxx, ...); those with the NTSTATUS error bits have layout = \"ntstatus\".",
            Family::ConfigMgr => "Configuration Manager codes (0x87D0xxxx client, 0x87D1xxxx applications, 0x87D2xxxx site server; 0x07D0xxxx success). No public header names them: messages only.",
            Family::Setup => "Windows setup and feature-update result codes (0xC19xxxxx, MOSETUP_E_*; facility 0x190, HRESULT layout).",
            Family::DeliveryOptimization => "Delivery Optimization codes (facility 208, 0x80D0xxxx: DO_E_*).",
        }
    }
}

/// Facilities of the ConfigMgr codes (0x7D0 client, 0x7D1 applications, 0x7D2 site server).
pub(super) const CCM_FACILITIES: [u32; 3] = [0x7D0, 0x7D1, 0x7D2];
/// Facility of Windows setup's MOSETUP_E_* codes.
pub(super) const SETUP_FACILITY: u32 = 0x190;
pub(super) const DO_FACILITY: u32 = 208;

/// Modules whose names lead: winerror.h (`Foundation`) and the update, networking and crypto
/// headers. Other modules reuse the same values under their own names (DirectInput's
/// `DIERR_NOTFOUND` is 0x80070002): those names become aliases and never lead.
pub const HRESULT_MODULES: &[&str] = &[
    "Win32::Foundation",
    "Win32::System::UpdateAgent",
    "Win32::System::Com",
    "Win32::System::Com::Urlmon",
    "Win32::System::Ole",
    "Win32::Security::Cryptography",
    "Win32::Networking::BackgroundIntelligentTransferService",
    "Win32::Networking::WinHttp",
    "Win32::Networking::WinInet",
];

/// Prefixes that put an HRESULT in `com.toml` rather than `hresult.toml`.
pub(super) const COM_PREFIXES: &[&str] = &[
    "E_",
    "CO_E_",
    "RPC_E_",
    "CERT_E_",
    "TRUST_E_",
    "CRYPT_E_",
    "SPAPI_E_",
    "SEC_E_",
    "NTE_",
    "OSS_",
    "DISP_E_",
    "TYPE_E_",
    "STG_E_",
    "OLE_E_",
    "OLEOBJ_E_",
    "CLASS_E_",
    "REGDB_E_",
    "MK_E_",
    "RO_E_",
    "CS_E_",
    "CLIPBRD_E_",
    "DV_E_",
    "CACHE_E_",
    "VIEW_E_",
    "DRAGDROP_E_",
    "CONVERT10_E_",
    "CLIENTSITE_E_",
    "INPLACE_E_",
    "ENUM_E_",
    "EVENT_E_",
    "CONTEXT_E_",
    "MEM_E_",
    "CAT_E_",
    "CERTSRV_E_",
    "XENROLL_E_",
    "DIGSIG_E_",
    "MSSIPOTF_E_",
    "PERSIST_E_",
    "APPX_E_",
];
