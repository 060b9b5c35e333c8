//! Default categories for imported entries. The rule table is documented at the top of
//! `kb_import/mod.rs`; curated entries override the category of the codes that matter most.

use super::family::Family;

fn any(names: &[&str], pred: impl Fn(&str) -> bool) -> bool {
    names.iter().any(|n| pred(n))
}

fn contains_any(names: &[&str], needles: &[&str]) -> bool {
    any(names, |n| needles.iter().any(|x| n.contains(x)))
}

fn starts_any(names: &[&str], prefixes: &[&str]) -> bool {
    any(names, |n| prefixes.iter().any(|p| n.starts_with(p)))
}

/// The category id for a code, from its family, its value and all its names.
pub fn category(family: Family, code: u32, names: &[&str]) -> &'static str {
    let facility = (code >> 16) & 0xFFF;
    // 0. Success codes (top bit clear: S_OK, WU_S_*, STATUS_PENDING, ...): the name rules below
    // describe failures (`SEC_E_OK` is not an authentication problem), so only a restart keeps
    // its category.
    if code & 0x8000_0000 == 0 && family != Family::Wu && family != Family::Bits {
        return if contains_any(names, &["REBOOT", "RESTART"]) { "reboot" } else { "general" };
    }
    // 1. Name rules that hold in every family.
    if contains_any(names, &["PROXY"]) {
        return "proxy";
    }
    if starts_any(names, &["WU_E_PT_HTTP_STATUS_", "HTTP_E_STATUS_", "BG_E_HTTP_ERROR_"]) || (facility == 25 && code & 0x8000_0000 != 0 && code >> 30 != 0b11) {
        return "http";
    }
    if contains_any(names, &["CERT", "FILETRUST", "METADATATRUST", "SIGNATURE"])
        || any(names, |n| n.ends_with("_INVALID_CA"))
        || starts_any(names, &["TRUST_E_", "CRYPT_E_", "CRYPT_XML_E_", "NTE_", "OSS_", "CERTSRV_E_", "WININET_E_SEC_", "ERROR_WINHTTP_SECURE_"])
    {
        return "certificate";
    }
    if contains_any(
        names,
        &["ACCESS_DENIED", "ACCESSDENIED", "LOGON_FAILURE", "PRIVILEGE_NOT_HELD", "WRONG_PASSWORD", "UNAUTHORIZED", "AUTHENTICATION", "NO_USERTOKEN"],
    ) || starts_any(names, &["SEC_E_"])
    {
        return "authentication";
    }
    if contains_any(names, &["REBOOT", "RESTART"]) {
        return "reboot";
    }
    if contains_any(
        names,
        &[
            "DISK_FULL",
            "OUTOFMEMORY",
            "OUT_OF_MEMORY",
            "NOT_ENOUGH_MEMORY",
            "NO_SYSTEM_RESOURCES",
            "NOT_ENOUGH_QUOTA",
            "MEDIUMFULL",
            "DISK_QUOTA",
            "LOW_BATTERY",
        ],
    ) {
        return "resources";
    }
    if contains_any(names, &["POLICY"]) || any(names, |n| n == "WU_E_WU_DISABLED" || n == "WU_E_USER_ACCESS_DISABLED") {
        return "policy";
    }
    // 2. Family and range rules.
    match family {
        Family::Wu => match code & 0xFFFF_F000 {
            0x8024_4000 | 0x8024_5000 => "network",
            0x8024_6000 => "download",
            0x8024_1000 | 0x8024_2000 | 0x8024_C000 => "installation",
            0x8024_8000 | 0x8024_D000 => "components",
            0x8024_7000 | 0x8024_E000 => "metadata",
            0x8024_A000 => "service",
            _ => {
                if contains_any(names, &["NO_CONNECTION", "NETWORK", "WINHTTP", "UNREACHABLE"]) || starts_any(names, &["WU_E_PT_"]) {
                    "network"
                } else if contains_any(names, &["DOWNLOAD"]) {
                    "download"
                } else if contains_any(names, &["SELFUPDATE", "SETUP_"]) {
                    "components"
                } else if contains_any(names, &["SERVICE_STOP", "NO_SERVICE", "IDLESHUTDOWN", "SERVICE_SHUTTING_DOWN"]) {
                    "service"
                } else {
                    "general"
                }
            }
        },
        Family::Win32 => {
            let n = code & 0xFFFF;
            if (14000..=14999).contains(&n) || starts_any(names, &["ERROR_SXS_"]) {
                "servicing_store"
            } else if starts_any(names, &["ERROR_SERVICE_"]) || (1051..=1079).contains(&n) {
                "service"
            } else if (1601..=1699).contains(&n) || starts_any(names, &["ERROR_INSTALL_"]) {
                "installation"
            } else if (1700..=1999).contains(&n)
                || (9000..=11999).contains(&n)
                || contains_any(names, &["NETWORK", "CONNECTION", "NETNAME", "NETPATH", "HOST_UNREACHABLE", "PORT_UNREACHABLE", "PROTOCOL_UNREACHABLE"])
            {
                "network"
            } else {
                "general"
            }
        }
        Family::Wininet => "network",
        Family::Bits | Family::DeliveryOptimization => "download",
        Family::ConfigMgr => "configmgr",
        Family::Setup => "installation",
        Family::Ntstatus | Family::Win32Values => "general",
        Family::Wmi => "general",
        Family::Com | Family::Hresult => match facility {
            9 | 11 => "certificate",
            12 => "network",
            15 => "installation",
            23 => "servicing_store",
            32 | 208 => "download",
            36 => "general",
            _ => "general",
        },
    }
}
