//! Wall-clock times as logs write them, and the offsets that turn them into UTC.
//!
//! A log line's time is kept as "local milliseconds": the wall-clock reading counted as if it
//! were UTC since 1970. The offset to UTC is separate, because most formats do not carry one
//! and the answer ("assumed from the CMTrace logs next to it") belongs to the file, not the line.

/// Milliseconds since 1970-01-01 00:00 of a wall-clock reading (no zone applied).
pub type LocalMs = i64;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A day (days since 1970-01-01) as an ISO date, `2026-11-02`.
pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Inverse of [`days_from_civil`].
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Build a local time from parts; `None` when a part is out of range.
pub fn local_ms(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<LocalMs> {
    if !(1900..=2999).contains(&y) || !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 || ms > 999 {
        return None;
    }
    Some(((days_from_civil(y, mo, d) * 24 + h as i64) * 60 + mi as i64) * 60_000 + s as i64 * 1000 + ms as i64)
}

/// `2024-05-31T16:45:56.136`, optionally followed by an ISO offset such as `-07:00` or `Z`.
pub fn format_iso(local: LocalMs, offset_min: Option<i32>) -> String {
    let days = local.div_euclid(86_400_000);
    let rem = local.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s, ms) = (rem / 3_600_000, rem / 60_000 % 60, rem / 1000 % 60, rem % 1000);
    // Written digit by digit: `format!` cost more than the rest for each quoted line.
    let mut out = String::with_capacity(29);
    if (0..=9999).contains(&y) {
        push_digits(&mut out, y as u64, 4);
    } else {
        out.push_str(&format!("{y:04}"));
    }
    for (sep, v, n) in [('-', m as u64, 2), ('-', d as u64, 2), ('T', h as u64, 2), (':', mi as u64, 2), (':', s as u64, 2), ('.', ms as u64, 3)] {
        out.push(sep);
        push_digits(&mut out, v, n);
    }
    match offset_min {
        Some(0) => out.push('Z'),
        Some(o) => {
            out.push(if o < 0 { '-' } else { '+' });
            push_digits(&mut out, u64::from(o.unsigned_abs() / 60), 2);
            out.push(':');
            push_digits(&mut out, u64::from(o.unsigned_abs() % 60), 2);
        }
        None => {}
    }
    out
}

/// `v` in decimal, at least `n` digits (zeros before), as `{v:0n}` writes it.
fn push_digits(out: &mut String, v: u64, n: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - n.min(buf.len()));
    out.push_str(std::str::from_utf8(&buf[start..]).expect("ASCII digits"));
}

/// `UTC-07:00` for an ISO offset in minutes.
pub fn format_offset(offset_min: i32) -> String {
    if offset_min == 0 {
        return "UTC".into();
    }
    let sign = if offset_min < 0 { '-' } else { '+' };
    format!("UTC{sign}{:02}:{:02}", offset_min.abs() / 60, offset_min.abs() % 60)
}

/// Parse up to `n` ASCII digits at the start of `b` (exactly `n` when `exact`).
pub(crate) fn digits(b: &[u8], n: usize, exact: bool) -> Option<(u32, usize)> {
    let mut v: u32 = 0;
    let mut i = 0;
    while i < n && i < b.len() && b[i].is_ascii_digit() {
        v = v * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    if i == 0 || (exact && i != n) {
        None
    } else {
        Some((v, i))
    }
}

/// Parse `HH:MM:SS` followed by a fraction separated by `.` or `:` (1-7 digits, kept to ms).
/// Returns (h, m, s, ms, bytes consumed).
pub(crate) fn parse_clock(b: &[u8]) -> Option<(u32, u32, u32, u32, usize)> {
    let (h, a) = digits(b, 2, false)?;
    if b.get(a) != Some(&b':') {
        return None;
    }
    let (mi, c) = digits(&b[a + 1..], 2, true)?;
    let p = a + 1 + c;
    if b.get(p) != Some(&b':') {
        return None;
    }
    let (s, c2) = digits(&b[p + 1..], 2, true)?;
    let mut p = p + 1 + c2;
    let mut ms = 0;
    if matches!(b.get(p), Some(b'.') | Some(b':') | Some(b',')) && b.get(p + 1).is_some_and(|c| c.is_ascii_digit()) {
        let (frac, n) = digits(&b[p + 1..], 9, false)?;
        ms = match n {
            1 => frac * 100,
            2 => frac * 10,
            3 => frac,
            _ => frac / 10u32.pow(n as u32 - 3),
        };
        p += 1 + n;
    }
    Some((h, mi, s, ms, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_are_written_as_format_writes_them() {
        let by_format = |local: LocalMs, offset: Option<i32>| {
            let days = local.div_euclid(86_400_000);
            let rem = local.rem_euclid(86_400_000);
            let (y, m, d) = civil_from_days(days);
            let (h, mi, s, ms) = (rem / 3_600_000, rem / 60_000 % 60, rem / 1000 % 60, rem % 1000);
            let mut out = format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}");
            match offset {
                Some(0) => out.push('Z'),
                Some(o) => out.push_str(&format!("{}{:02}:{:02}", if o < 0 { '-' } else { '+' }, o.abs() / 60, o.abs() % 60)),
                None => {}
            }
            out
        };
        for local in [0, 1, 999, 1_717_173_956_136, -1, -86_400_001, 253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_001, 4_102_444_800_123] {
            for offset in [None, Some(0), Some(-420), Some(330), Some(-59), Some(840), Some(6000)] {
                assert_eq!(format_iso(local, offset), by_format(local, offset), "{local} {offset:?}");
            }
        }
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000i64, -1, 0, 1, 10_000, 19_874, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn builds_and_formats() {
        let t = local_ms(2024, 5, 31, 16, 45, 56, 136).unwrap();
        assert_eq!(format_iso(t, None), "2024-05-31T16:45:56.136");
        assert_eq!(format_iso(t, Some(-420)), "2024-05-31T16:45:56.136-07:00");
        assert_eq!(format_iso(t, Some(0)), "2024-05-31T16:45:56.136Z");
        assert_eq!(format_iso(t, Some(330)), "2024-05-31T16:45:56.136+05:30");
        assert!(local_ms(2023, 2, 29, 0, 0, 0, 0).is_none());
        assert!(local_ms(2024, 2, 29, 0, 0, 0, 0).is_some());
        assert!(local_ms(2024, 13, 1, 0, 0, 0, 0).is_none());
    }

    #[test]
    fn clocks() {
        assert_eq!(parse_clock(b"08:53:25.263+240"), Some((8, 53, 25, 263, 12)));
        assert_eq!(parse_clock(b"19:21:13:219\t"), Some((19, 21, 13, 219, 12)));
        assert_eq!(parse_clock(b"16:45:56.1360371 "), Some((16, 45, 56, 136, 16)));
        assert_eq!(parse_clock(b"16:45:56.5"), Some((16, 45, 56, 500, 10)));
        assert_eq!(parse_clock(b"23:50:28, Info"), Some((23, 50, 28, 0, 8)));
        assert_eq!(format_offset(-420), "UTC-07:00");
        assert_eq!(format_offset(60), "UTC+01:00");
    }
}
