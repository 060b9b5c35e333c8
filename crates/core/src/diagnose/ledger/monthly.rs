//! Monthly cumulative updates: Windows' latest cumulative update (and the monthly quality
//! rollups before it) holds every fix of the ones before it of the same product line, so once a
//! later month's installed, an earlier month's that failed or never finished has nothing left to
//! do: it is superseded (Microsoft Learn, "Windows monthly updates explained", *Cumulative
//! updates*; "Windows update servicing cadence": each month's update is cumulative).

/// A monthly cumulative update's product line (its title without the month and KB, in lower
/// case) and its month as `yyyymm`: `2023-07 Cumulative Update for Windows 10 Version 22H2 for
/// x64-based Systems (KB5028166)` is (`cumulative update for windows 10 version 22h2 for
/// x64-based systems`, 202307). `None` for any other title.
pub fn monthly(title: &str) -> Option<(String, u32)> {
    let b = title.as_bytes();
    let dated = b.len() > 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5..7].iter().all(u8::is_ascii_digit) && b[7] == b' ';
    if !dated {
        return None;
    }
    let rest = title[8..].to_ascii_lowercase();
    if !(rest.contains("cumulative update") || rest.contains("monthly quality rollup")) {
        return None;
    }
    let month = title[..4].parse::<u32>().ok()? * 100 + title[5..7].parse::<u32>().ok()?;
    // The KB in parentheses names this month's release, not the line.
    let line = match rest.rfind("(kb") {
        Some(i) if rest[i + 3..].trim_end().trim_end_matches(')').bytes().all(|c| c.is_ascii_digit()) => rest[..i].trim_end().to_string(),
        _ => rest.trim_end().to_string(),
    };
    Some((line, month))
}

#[cfg(test)]
mod tests {
    use super::monthly;

    #[test]
    fn a_monthly_title_gives_its_line_and_month() {
        let july = monthly("2023-07 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5028166)").unwrap();
        let june = monthly("2023-06 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5027215)").unwrap();
        assert_eq!(july, ("cumulative update for windows 10 version 22h2 for x64-based systems".to_string(), 202307));
        assert_eq!(june.0, july.0);
        assert_eq!(june.1, 202306);
        let net = monthly("2023-07 Cumulative Update for .NET Framework 3.5 and 4.8.1 for Windows 10 Version 22H2 for x64 (KB5028937)").unwrap();
        assert_ne!(net.0, july.0, "another product line");
        assert!(monthly("2019-05 Security Monthly Quality Rollup for Windows 7 for x64-based Systems (KB4499164)").is_some());
        for other in [
            "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.409.1.0)",
            "2023-07 Servicing Stack Update for Windows 10 Version 22H2 (KB5028318)",
            "Cumulative Update for Windows 10 (KB5028166)",
            "",
        ] {
            assert_eq!(monthly(other), None, "{other}");
        }
    }
}
