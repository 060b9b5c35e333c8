//! Time zones: the zone the grid shows times in, times read and written in it, the offsets
//! people pick from, and the Δ between rows.

use wulens_core::Report;

use crate::route::LogQuery;

/// A time difference for the Δ column: `+0.250s`, `+12.5s`, `+3m 04s`, `+2h 05m`, `+3d 4h`.
pub fn format_delta(ms: i64) -> String {
    let sign = if ms < 0 { '-' } else { '+' };
    let a = ms.unsigned_abs();
    let (s, m, h, d) = (a / 1000, a / 60_000, a / 3_600_000, a / 86_400_000);
    match a {
        0..=9_999 => format!("{sign}{}.{:03}s", s, a % 1000),
        10_000..=59_999 => format!("{sign}{}.{}s", s, a % 1000 / 100),
        60_000..=3_599_999 => format!("{sign}{m}m {:02}s", s % 60),
        3_600_000..=86_399_999 => format!("{sign}{h}h {:02}m", m % 60),
        _ => format!("{sign}{d}d {}h", h % 24),
    }
}

/// The files the view shows: those named, else every file with lines but the closed ones.
fn shown_files<'a>(report: &'a Report, q: &'a LogQuery) -> impl Iterator<Item = &'a wulens_core::report::FileReport> + 'a {
    report.files.iter().filter(move |f| f.lines > 0 && if q.files.is_empty() { !q.hidden.contains(&f.name) } else { q.files.contains(&f.name) })
}

/// The zone (minutes east of UTC) the grid shows times in: UTC, or the local offset all the
/// files in view share. `None` when their offsets differ (each row shows its own).
pub fn view_zone(report: &Report, q: &LogQuery) -> Option<i32> {
    if q.utc {
        return Some(0);
    }
    let mut offsets = shown_files(report, q).filter(|f| f.first_time.is_some()).map(|f| f.time_zone.offset_minutes);
    let first = offsets.next().unwrap_or(0);
    offsets.all(|o| o == first).then_some(first)
}

/// UTC ms of an ISO time with an offset as the report writes it (`2024-01-15T10:00:01.000-08:00`,
/// `...Z`, or no offset: taken as UTC).
pub fn iso_utc_ms(s: &str) -> Option<i64> {
    let local = wulens_core::viewer::parse_filter_time(s.get(..19)?, false)? + s.get(20..23).and_then(|m| m.parse::<i64>().ok()).unwrap_or(0);
    let tail = s.get(23..).unwrap_or("");
    let off = match tail.as_bytes() {
        [sign @ (b'+' | b'-'), ..] if tail.len() >= 6 => {
            let m = tail[1..3].parse::<i64>().ok()? * 60 + tail[4..6].parse::<i64>().ok()?;
            if *sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => 0,
    };
    Some(local - off * 60_000)
}

/// `2024-01-15 10:00` for UTC ms `t` in the zone `zone` (minutes east of UTC); with `seconds`, `:05`.
pub fn format_in_zone(t: i64, zone: i32, seconds: bool) -> String {
    let iso = wulens_core::model::time::format_iso(t + zone as i64 * 60_000, None);
    iso.get(..if seconds { 19 } else { 16 }).unwrap_or(&iso).replace('T', " ")
}

/// The first and last time of the files in view, in the grid's zone (placeholders for the time
/// inputs), and the zone's label.
pub fn time_hints(report: &Report, q: &LogQuery) -> (Option<String>, Option<String>, String) {
    let zone = view_zone(report, q);
    let first = shown_files(report, q).filter_map(|f| f.first_time.as_deref().and_then(iso_utc_ms)).min();
    let last = shown_files(report, q).filter_map(|f| f.last_time.as_deref().and_then(iso_utc_ms)).max();
    let z = zone.unwrap_or(0);
    let label = match zone {
        Some(0) => "UTC".to_string(),
        Some(m) => offset_label(m),
        None => "UTC: the files are in different zones".to_string(),
    };
    (first.map(|t| format_in_zone(t, z, false)), last.map(|t| format_in_zone(t + 59_999, z, false)), label)
}

/// Time-zone offsets people pick from: whole hours and the real-world odd ones.
pub fn offset_choices() -> Vec<i32> {
    (-12 * 4..=14 * 4).map(|q| q * 15).filter(|m| m % 60 == 0 || [-570, -210, 210, 270, 330, 345, 390, 525, 570, 630, 765].contains(m)).collect()
}

pub fn offset_label(m: i32) -> String {
    if m == 0 {
        "UTC".to_string()
    } else {
        format!("UTC{}{:02}:{:02}", if m < 0 { '-' } else { '+' }, m.abs() / 60, m.abs() % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_read_at_a_glance() {
        assert_eq!(format_delta(0), "+0.000s");
        assert_eq!(format_delta(250), "+0.250s");
        assert_eq!(format_delta(12_540), "+12.5s");
        assert_eq!(format_delta(184_000), "+3m 04s");
        assert_eq!(format_delta(7_500_000), "+2h 05m");
        assert_eq!(format_delta(-90_061_000), "-1d 1h");
    }

    #[test]
    fn times_in_the_zone_the_grid_shows() {
        assert_eq!(iso_utc_ms("2024-01-15T10:00:01.250-08:00"), iso_utc_ms("2024-01-15T18:00:01.250Z"));
        assert_eq!(iso_utc_ms("2024-01-15T18:00:01.250Z").map(|t| t % 86_400_000), Some(18 * 3_600_000 + 1250));
        assert_eq!(iso_utc_ms("2024-01-15T05:30:00.000+05:30").map(|t| t % 86_400_000), Some(0));
        assert_eq!(iso_utc_ms("garbage"), None);
        let t = iso_utc_ms("2024-01-15T18:00:01.000Z").unwrap();
        assert_eq!(format_in_zone(t, -480, false), "2024-01-15 10:00");
        assert_eq!(format_in_zone(t, 0, true), "2024-01-15 18:00:01");
        assert_eq!(offset_label(-420), "UTC-07:00");
        assert!(offset_choices().contains(&345));
    }
}
