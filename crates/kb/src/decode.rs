//! Structural decoding of any 32-bit value, whether or not the knowledge base has an entry.
//!
//! HRESULT layout (winerror.h): `S R C N X FFFFFFFFFFF CCCCCCCCCCCCCCCC` — severity, reserved,
//! customer, NTSTATUS-mapped, reserved, 11-bit facility, 16-bit code (a few facilities above
//! 0x7FF, such as `FACILITY_WEP` 0x801 or the Direct3D ones, spill into the X bit). NTSTATUS
//! layout (ntstatus.h): `Sev Sev C N FFFFFFFFFFFF CCCCCCCCCCCCCCCC` — a 2-bit severity (00
//! success, 01 informational, 10 warning, 11 error), customer, a reserved bit that is 0, a 12-bit
//! facility in its own numbering (FACILITY_NTWIN32 = 7, ...) and the code.
//!
//! # Which layout a value has
//!
//! The top two bits `11` do not make a value an NTSTATUS: Windows setup's `0xC1900101` is an
//! HRESULT-style code of facility 0x190, licensing's `0xC004F012` an HRESULT of FACILITY_SPP
//! (0x4F). The rule, first match wins:
//!
//! 1. the knowledge base has the value: the entry's layout (NTSTATUS for the `STATUS_*`
//!    constants of ntstatus.h and SetupAPI-style `0xE000xxxx` Win32 values, HRESULT otherwise);
//! 2. bit 30 clear (`0x0...`-`0x3...`, `0x8...`-`0xB...`): HRESULT;
//! 3. bit 28 set (`0xD...`, `0x5...`): HRESULT, an `HRESULT_FROM_NT` of the NTSTATUS without it
//!    (a real NTSTATUS keeps that bit 0);
//! 4. the 12-bit NTSTATUS facility is 0 or a known NTSTATUS facility (and the customer bit is
//!    clear): NTSTATUS;
//! 5. the HRESULT facility is a known HRESULT facility: HRESULT (`0xC19xxxxx` setup);
//! 6. otherwise NTSTATUS.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::code::ErrorCode;
use crate::model::{Facility, Layout};
use crate::tables::data::{FACILITIES, NT_FACILITIES, NT_WIN32};

/// `FACILITY_WIN32`: a Win32 error as an HRESULT (`0x8007xxxx`).
pub const FACILITY_WIN32: u16 = 7;
/// `FACILITY_HTTP`: an HTTP status in the low word (`0x8019xxxx`).
pub const FACILITY_HTTP: u16 = 25;
/// `FACILITY_WINDOWSUPDATE`: the Windows Update agent's own codes (`0x8024xxxx`).
pub const FACILITY_WINDOWSUPDATE: u16 = 36;
/// `FACILITY_NT_BIT` (winerror.h): set by `HRESULT_FROM_NT`.
pub const NT_BIT: u32 = 0x1000_0000;

/// The parts of a 32-bit code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decoded {
    /// `success`, `informational`, `warning` or `error`.
    pub severity: Cow<'static, str>,
    /// `hresult` or `ntstatus`.
    pub layout: Cow<'static, str>,
    /// The customer bit: set by vendors other than Microsoft.
    pub customer: bool,
    /// The facility number, in the layout's own numbering.
    pub facility: u16,
    /// Symbolic facility name, e.g. `FACILITY_WINDOWSUPDATE`, or `unknown`.
    pub facility_name: Cow<'static, str>,
    /// What the facility is, in words.
    pub facility_label: Cow<'static, str>,
    /// The low 16 bits: the code within its facility.
    pub code: u16,
    /// The Win32 error inside a `FACILITY_WIN32` code (`0x8007xxxx`), or the one an NTSTATUS
    /// maps to (`RtlNtStatusToDosError`; then `win32_hresult` is its HRESULT form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub win32: Option<Win32>,
    /// The HTTP status the code carries (see [`http_status`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// For an NTSTATUS that maps to a Win32 error: `HRESULT_FROM_WIN32` of it (`0xC0000005` ->
    /// `ERROR_NOACCESS` -> `0x800703E6`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub win32_hresult: Option<ErrorCode>,
    /// For an `HRESULT_FROM_NT` value (`0xD0000034`): the NTSTATUS inside (`0xC0000034`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ntstatus: Option<ErrorCode>,
}

/// For `FACILITY_WIN32` codes (`0x8007xxxx`): the Win32 error inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Win32 {
    /// The Win32 error number (`5` for `ERROR_ACCESS_DENIED`).
    pub code: u16,
    /// e.g. `ERROR_ACCESS_DENIED`; empty when the number has no published name.
    pub name: Cow<'static, str>,
    /// Its published message; empty when the knowledge base has none.
    pub message: Cow<'static, str>,
}

impl Decoded {
    /// True for warning and error severities (not success, not informational).
    pub fn is_failure(&self) -> bool {
        matches!(&*self.severity, "error" | "warning")
    }
}

/// `HRESULT_FROM_WIN32`: Win32 error `n` as the HRESULT logs write (`1603` -> `0x80070643`);
/// 0 stays 0 (`ERROR_SUCCESS` = `S_OK`), and a value above 0xFFFF is already a full code.
pub const fn hresult_from_win32(n: u32) -> u32 {
    if n == 0 || n > 0xFFFF {
        n
    } else {
        0x8007_0000 | n
    }
}

/// The layout of a value (see the module documentation for the rule).
pub fn layout_of(value: u32) -> Layout {
    if let Some(e) = crate::tables::entry(value) {
        return e.layout;
    }
    if value & 0x4000_0000 == 0 || value & NT_BIT != 0 {
        return Layout::Hresult;
    }
    let nt_facility = (value >> 16) & 0x0FFF;
    if value & 0x2000_0000 == 0 && (nt_facility == 0 || nt_facility_by_value(nt_facility as u16).is_some()) {
        return Layout::Ntstatus;
    }
    if facility_by_value(hresult_facility(value)).is_some() {
        return Layout::Hresult;
    }
    Layout::Ntstatus
}

/// The HRESULT facility: 12 bits when that is a known facility (`FACILITY_WEP` 0x801), else 11.
fn hresult_facility(value: u32) -> u16 {
    let f12 = ((value >> 16) & 0x0FFF) as u16;
    if f12 > 0x7FF && facility_by_value(f12).is_some() {
        f12
    } else {
        f12 & 0x07FF
    }
}

/// Decode any value; never fails.
pub fn decode(value: u32) -> Decoded {
    let layout = layout_of(value);
    let code = (value & 0xFFFF) as u16;
    let (severity, facility, fac) = match layout {
        Layout::Ntstatus => {
            let severity = ["success", "informational", "warning", "error"][(value >> 30) as usize];
            let facility = ((value >> 16) & 0x0FFF) as u16;
            (severity, facility, nt_facility_by_value(facility))
        }
        Layout::Hresult => {
            let facility = hresult_facility(value);
            (if value & 0x8000_0000 != 0 { "error" } else { "success" }, facility, facility_by_value(facility))
        }
    };
    let failure = value & 0x8000_0000 != 0;
    let (win32, win32_hresult) = match layout {
        Layout::Hresult if failure && facility == FACILITY_WIN32 && value & NT_BIT == 0 => (Some(win32_for(code)), None),
        Layout::Ntstatus => match nt_to_win32(value) {
            Some(w) => (Some(win32_for(w)), Some(ErrorCode(hresult_from_win32(w as u32)))),
            None => (None, None),
        },
        _ => (None, None),
    };
    let ntstatus = (layout == Layout::Hresult && value & NT_BIT != 0 && value & 0x8000_0000 != 0).then_some(ErrorCode(value & !NT_BIT));
    Decoded {
        severity: Cow::Borrowed(severity),
        layout: Cow::Borrowed(layout.id()),
        customer: value & 0x2000_0000 != 0,
        facility,
        facility_name: Cow::Borrowed(fac.map_or("unknown", |f| f.name)),
        facility_label: Cow::Borrowed(fac.map_or("Unknown facility", |f| f.label)),
        code,
        win32,
        http_status: http_status(value),
        win32_hresult,
        ntstatus,
    }
}

/// The Win32 error an NTSTATUS maps to (the public table in the knowledge base; see
/// `data/README.md`), if it has one.
pub fn nt_to_win32(status: u32) -> Option<u16> {
    NT_WIN32.binary_search_by_key(&status, |(s, _)| *s).ok().map(|i| NT_WIN32[i].1)
}

/// True when the value could be a failure code that a log meant: failure bit set and a
/// facility that exists. Used to tell real codes from look-alike hex in log text.
pub fn is_plausible_failure(value: u32) -> bool {
    if value & 0x8000_0000 == 0 {
        return false;
    }
    if crate::tables::entry(value).is_some() {
        return true;
    }
    // A zero code part (0x80000000, 0x80070000) is a flag value in logs, not an error.
    if value & 0xFFFF == 0 {
        return false;
    }
    let d = decode(value);
    d.facility_name != "unknown"
}

/// An HRESULT facility by its number.
pub fn facility_by_value(value: u16) -> Option<&'static Facility> {
    FACILITIES.binary_search_by_key(&(value as u32), |f| f.value).ok().map(|i| &FACILITIES[i])
}

/// An NTSTATUS facility (their own numbering; 0 is the classic `0xC000xxxx` range).
pub fn nt_facility_by_value(value: u16) -> Option<&'static Facility> {
    NT_FACILITIES.binary_search_by_key(&(value as u32), |f| f.value).ok().map(|i| &NT_FACILITIES[i])
}

fn win32_for(code: u16) -> Win32 {
    match crate::tables::entry(0x8007_0000 | code as u32) {
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
