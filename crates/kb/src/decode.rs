//! Structural decoding of any 32-bit value, whether or not the knowledge base has an entry.
//!
//! HRESULT layout (winerror.h): `S R C N X FFFFFFFFFFF CCCCCCCCCCCCCCCC` — severity, reserved,
//! customer, NTSTATUS-mapped, reserved, 11-bit facility, 16-bit code. NTSTATUS values (top two
//! bits `11`, e.g. `0xC0000005`) use a 2-bit severity and a 12-bit facility instead.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::data::FACILITIES;
use crate::model::Facility;

pub const FACILITY_WIN32: u16 = 7;
pub const FACILITY_HTTP: u16 = 25;
pub const FACILITY_WINDOWSUPDATE: u16 = 36;

/// The parts of a 32-bit code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decoded {
    /// `success`, `informational`, `warning` or `error`.
    pub severity: Cow<'static, str>,
    /// `hresult` or `ntstatus`.
    pub layout: Cow<'static, str>,
    /// The customer bit: set by vendors other than Microsoft.
    pub customer: bool,
    pub facility: u16,
    /// Symbolic facility name, e.g. `FACILITY_WINDOWSUPDATE`, or `unknown`.
    pub facility_name: Cow<'static, str>,
    /// What the facility is, in words.
    pub facility_label: Cow<'static, str>,
    pub code: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub win32: Option<Win32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

/// For `FACILITY_WIN32` codes (`0x8007xxxx`): the Win32 error inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Win32 {
    pub code: u16,
    /// e.g. `ERROR_ACCESS_DENIED`; empty when the number has no published name.
    pub name: Cow<'static, str>,
    pub message: Cow<'static, str>,
}

impl Decoded {
    pub fn is_failure(&self) -> bool {
        matches!(&*self.severity, "error" | "warning")
    }
}

/// Decode any value; never fails.
pub fn decode(value: u32) -> Decoded {
    let ntstatus = value >> 30 == 0b11;
    let (severity, facility) = if ntstatus {
        ("error", ((value >> 16) & 0x0FFF) as u16)
    } else if value & 0x8000_0000 != 0 {
        ("error", ((value >> 16) & 0x07FF) as u16)
    } else {
        ("success", ((value >> 16) & 0x07FF) as u16)
    };
    let code = (value & 0xFFFF) as u16;
    let fac = facility_by_value(facility);
    let failure = value & 0x8000_0000 != 0;
    let win32 = (failure && !ntstatus && facility == FACILITY_WIN32).then(|| win32_for(code));
    Decoded {
        severity: Cow::Borrowed(severity),
        layout: Cow::Borrowed(if ntstatus { "ntstatus" } else { "hresult" }),
        customer: value & 0x2000_0000 != 0,
        facility,
        facility_name: Cow::Borrowed(fac.map_or("unknown", |f| f.name)),
        facility_label: Cow::Borrowed(fac.map_or("Unknown facility", |f| f.label)),
        code,
        win32,
        http_status: http_status(value),
    }
}

/// True when the value could be a failure code that a log meant: failure bit set and a
/// facility that exists. Used to tell real codes from look-alike hex in log text.
pub fn is_plausible_failure(value: u32) -> bool {
    if value & 0x8000_0000 == 0 {
        return false;
    }
    if crate::entry(value).is_some() {
        return true;
    }
    // A zero code part (0x80000000, 0x80070000) is a flag value in logs, not an error.
    if value & 0xFFFF == 0 {
        return false;
    }
    let d = decode(value);
    d.facility_name != "unknown"
}

pub fn facility_by_value(value: u16) -> Option<&'static Facility> {
    FACILITIES.binary_search_by_key(&(value as u32), |f| f.value).ok().map(|i| &FACILITIES[i])
}

fn win32_for(code: u16) -> Win32 {
    match crate::entry(0x8007_0000 | code as u32) {
        Some(e) => {
            let name = std::iter::once(e.symbol)
                .chain(e.aliases.iter().copied())
                .find(|s| s.starts_with("ERROR_") || s.starts_with("RPC_S_") || s.starts_with("WSA"))
                .unwrap_or(e.symbol);
            Win32 { code, name: Cow::Borrowed(name), message: Cow::Borrowed(e.message) }
        }
        None => Win32 { code, name: Cow::Borrowed(""), message: Cow::Borrowed("") },
    }
}

/// HTTP status carried by the code: `WU_E_PT_HTTP_STATUS_*` (0x80244017-0x80244024, in the
/// order winerror defines them) and `FACILITY_HTTP` (0x8019xxxx, status in the low word).
pub fn http_status(value: u32) -> Option<u16> {
    const WU_HTTP: [(u32, u16); 14] = [
        (0x8024_4017, 401), // WU_E_PT_HTTP_STATUS_DENIED
        (0x8024_4018, 403), // FORBIDDEN
        (0x8024_4019, 404), // NOT_FOUND
        (0x8024_401A, 405), // BAD_METHOD
        (0x8024_401B, 407), // PROXY_AUTH_REQ
        (0x8024_401C, 408), // REQUEST_TIMEOUT
        (0x8024_401D, 409), // CONFLICT
        (0x8024_401E, 410), // GONE
        (0x8024_401F, 500), // SERVER_ERROR
        (0x8024_4020, 501), // NOT_SUPPORTED
        (0x8024_4021, 502), // BAD_GATEWAY
        (0x8024_4022, 503), // SERVICE_UNAVAIL
        (0x8024_4023, 504), // GATEWAY_TIMEOUT
        (0x8024_4024, 505), // VERSION_NOT_SUP
    ];
    if let Some((_, s)) = WU_HTTP.iter().find(|(c, _)| *c == value) {
        return Some(*s);
    }
    if value & 0xFFFF_0000 == 0x8019_0000 {
        let s = (value & 0xFFFF) as u16;
        if (100..600).contains(&s) {
            return Some(s);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied() {
        let d = decode(0x8007_0005);
        assert_eq!(d.severity, "error");
        assert_eq!(d.layout, "hresult");
        assert_eq!(d.facility, 7);
        assert_eq!(d.facility_name, "FACILITY_WIN32");
        assert_eq!(d.code, 5);
        let w = d.win32.unwrap();
        assert_eq!((w.code, &*w.name), (5, "ERROR_ACCESS_DENIED"));
        assert_eq!(d.http_status, None);
    }

    #[test]
    fn wininet_timeout() {
        let d = decode(0x8007_2EE2);
        assert_eq!(d.facility, 7);
        assert_eq!(d.code, 12002);
        let w = d.win32.unwrap();
        assert_eq!(w.code, 12002);
        assert!(w.name == "ERROR_INTERNET_TIMEOUT" || w.name == "ERROR_WINHTTP_TIMEOUT", "{}", w.name);
    }

    #[test]
    fn proxy_auth_is_http_407() {
        let d = decode(0x8024_401B);
        assert_eq!(d.facility, FACILITY_WINDOWSUPDATE);
        assert_eq!(d.facility_name, "FACILITY_WINDOWSUPDATE");
        assert_eq!(d.code, 0x401B);
        assert_eq!(d.http_status, Some(407));
        assert!(d.win32.is_none());
    }

    #[test]
    fn source_missing() {
        let d = decode(0x800F_081F);
        assert_eq!(d.severity, "error");
        assert_eq!(d.facility, 15);
        assert_eq!(d.facility_name, "FACILITY_SETUPAPI");
        assert_eq!(d.code, 0x081F);
    }

    #[test]
    fn bits_http_facility() {
        assert_eq!(decode(0x8019_0197).http_status, Some(407));
        assert_eq!(decode(0x8019_0197).facility_name, "FACILITY_HTTP");
    }

    #[test]
    fn ntstatus_and_success() {
        let d = decode(0xC000_0005);
        assert_eq!((&*d.layout, &*d.severity), ("ntstatus", "error"));
        let s = decode(0x0024_0010);
        assert_eq!(s.severity, "success");
        assert_eq!(s.facility, FACILITY_WINDOWSUPDATE);
        assert!(!s.is_failure());
    }

    #[test]
    fn plausibility() {
        assert!(is_plausible_failure(0x8024_401B));
        assert!(is_plausible_failure(0x8007_0005));
        assert!(!is_plausible_failure(0x0024_0010));
        assert!(!is_plausible_failure(0xFFFF_FFFF));
        assert!(!is_plausible_failure(0x8E9F_0A1B));
        assert!(!is_plausible_failure(0x8000_0000), "a flag value, as in 'prior state: 0x80000000'");
    }
}
