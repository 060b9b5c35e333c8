//! What sort of update a title names, and its KB and version: the words Microsoft's update
//! titles use (`2024-10 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems
//! (KB5044285)`, `Feature update to Windows 11, version 24H2`, `Security Intelligence Update for
//! Microsoft Defender Antivirus - KB2267602 (Version 1.421.1588.0)`, `Intel - Display -
//! 31.0.101.4502`, a Store app's `9NZKPSTSNW4P-Microsoft.XboxGamingOverlay`).

use crate::model::UpdateClass;

pub use super::super::updates::kb_of;

/// The sort of update `title` names.
pub fn class_of(title: &str) -> UpdateClass {
    let t = title.to_ascii_lowercase();
    if t.is_empty() {
        return UpdateClass::Other;
    }
    if t.contains("security intelligence update") || t.contains("definition update") {
        UpdateClass::Definition
    } else if t.contains("feature update") || t.starts_with("windows 1") && !t.contains("update for") && version(title).is_some() {
        UpdateClass::Feature
    } else if t.contains("servicing stack update") {
        UpdateClass::ServicingStack
    } else if t.contains("cumulative update") && !t.contains(".net") {
        UpdateClass::Cumulative
    } else if t.contains("security update") || t.contains("security monthly quality rollup") || t.contains("security only") {
        UpdateClass::Security
    } else if store_app(title) {
        UpdateClass::StoreApp
    } else if driver(title) {
        UpdateClass::Driver
    } else {
        UpdateClass::Other
    }
}

/// A feature update's version: `version 24H2`, `Version 22H2`, `version 1909`; or the build
/// setup names (`build 10.0.19041.1253`).
pub fn version(title: &str) -> Option<String> {
    let lower = title.to_ascii_lowercase();
    if let Some(i) = lower.find("build ") {
        let b: String = title[i + 6..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        if b.split('.').count() >= 3 && b.split('.').all(|p| !p.is_empty()) {
            return Some(format!("build {b}"));
        }
    }
    let i = lower.find("version ")? + 8;
    let v: String = title[i..].chars().take_while(char::is_ascii_alphanumeric).collect();
    let b = v.as_bytes();
    let half = b.len() == 4 && b[..2].iter().all(u8::is_ascii_digit) && (b[2] == b'H' || b[2] == b'h') && b[3].is_ascii_digit();
    let yymm = b.len() == 4 && b.iter().all(u8::is_ascii_digit);
    (half || yymm).then(|| v.to_ascii_uppercase())
}

/// `9NZKPSTSNW4P-Microsoft.XboxGamingOverlay`: a Store product id (12 upper-case letters and
/// digits) before the package's name.
fn store_app(title: &str) -> bool {
    let b = title.as_bytes();
    b.len() > 13 && b[12] == b'-' && b[..12].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) && !title[13..].contains(' ')
}

/// `Vendor - Class - 1.2.3.4` or `Vendor - Class - 5/1/2024 12:00:00 AM - 1.2.3.4`: a driver.
fn driver(title: &str) -> bool {
    // Three parts or more, the last a dotted version; counted without collecting them.
    let (mut parts, mut last) = (0, "");
    for part in title.split(" - ") {
        (parts, last) = (parts + 1, part);
    }
    parts >= 3 && last.split('.').count() >= 3 && last.split('.').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_from_real_titles() {
        let cases = [
            ("2024-10 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5044285)", UpdateClass::Cumulative),
            ("2025-03 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5053603)", UpdateClass::Cumulative),
            ("Feature update to Windows 11, version 24H2", UpdateClass::Feature),
            ("Windows 10, version 22H2", UpdateClass::Feature),
            ("Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.421.1588.0)", UpdateClass::Definition),
            ("2018-10 Security Monthly Quality Rollup for Windows 7 for x64-based Systems (KB4462923)", UpdateClass::Security),
            ("9NZKPSTSNW4P-Microsoft.XboxGamingOverlay", UpdateClass::StoreApp),
            ("Intel - Display - 31.0.101.4502", UpdateClass::Driver),
            ("2024-10 Cumulative Update for .NET Framework 3.5 and 4.8.1 for Windows 11 (KB5044033)", UpdateClass::Other),
            ("Update for Removal of Adobe Flash Player (KB4577586)", UpdateClass::Other),
        ];
        for (title, class) in cases {
            assert_eq!(class_of(title), class, "{title}");
        }
        assert_eq!(version("Feature update to Windows 11, version 24H2").as_deref(), Some("24H2"));
        assert_eq!(version("Windows 10, version 1909").as_deref(), Some("1909"));
        assert_eq!(version("Defender (Version 1.421.1588.0)"), None);
    }
}
