//! FILETIME (100 ns ticks since 1601-01-01 UTC) to civil time, without a date library.

/// A UTC time split into its fields; `ticks` are the 100 ns units within the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub ticks: u32,
}

/// Ticks between 1601-01-01 and 1970-01-01.
const UNIX_EPOCH_TICKS: i64 = 116_444_736_000_000_000;

pub fn civil(filetime: u64) -> Civil {
    let t = filetime as i128 - UNIX_EPOCH_TICKS as i128;
    let secs = t.div_euclid(10_000_000) as i64;
    let ticks = t.rem_euclid(10_000_000) as u32;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil { year, month, day, hour: sod / 3600, minute: sod / 60 % 60, second: sod % 60, ticks }
}

/// `2025/10/08 21:03:26.9403716`: Get-WindowsUpdateLog's layout (here in UTC).
pub fn gwul(filetime: u64) -> String {
    let c = civil(filetime);
    format!("{:04}/{:02}/{:02} {:02}:{:02}:{:02}.{:07}", c.year, c.month, c.day, c.hour, c.minute, c.second, c.ticks)
}

/// `2025-10-08T21:03:26.9403716Z`.
pub fn iso(filetime: u64) -> String {
    let c = civil(filetime);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z", c.year, c.month, c.day, c.hour, c.minute, c.second, c.ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(iso(0), "1601-01-01T00:00:00.0000000Z");
        assert_eq!(iso(UNIX_EPOCH_TICKS as u64), "1970-01-01T00:00:00.0000000Z");
        // 2000-02-29 12:34:56.789 UTC (a leap day).
        assert_eq!(gwul(125_963_012_967_890_000), "2000/02/29 12:34:56.7890000");
        assert_eq!(civil(u64::MAX).year, 60056);
    }
}
