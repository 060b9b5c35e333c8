//! Page-only helpers: what the page shows that the report does not define (byte sizes, times
//! split for display, sources by name, big counts). The report and viewer types are
//! `wulens_core`'s.

use wulens_core::model::counted;

/// `12,345 lines`, `1 line`: core's count (`model::counted`, the one plural rule of the page)
/// with the number's thousands separated, as the page writes counts that grow big.
pub fn counted_thousands(n: usize, one: &str, many: &str) -> String {
    let words = counted(n, one, many);
    match words.strip_prefix(&n.to_string()) {
        Some(rest) => format!("{}{rest}", wulens_core::report::thousands(n as u64)),
        None => words,
    }
}

pub fn human_bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut v = n;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{} bytes", n as u64)
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `2024-05-31T16:45:56.136-07:00` → (`2024-05-31 16:45:56`, `UTC-07:00`).
pub fn split_time(t: &str) -> (String, String) {
    let (date, rest) = t.split_once('T').unwrap_or((t, ""));
    let clock = rest.get(..8).unwrap_or(rest);
    let zone = match rest.get(12..).unwrap_or("") {
        "" => String::new(),
        "Z" => "UTC".into(),
        z => format!("UTC{z}"),
    };
    (format!("{date} {clock}"), zone)
}

/// A time as Windows Update for Business reports' exports write it, in the page's one form
/// (`2026-11-20 07:58:12 UTC`, as `split_time` shows a log's): the ISO form of a JSON export or
/// a query's table (`2026-11-02T09:00:00Z`, `2026-11-20 10:00:00`) and the Azure portal's CSV
/// (`11/20/2026, 7:58:12.000 AM`). The reports keep their times in UTC (the CSV's columns say
/// ` [UTC]`); an offset written is kept. Anything else is shown as written.
pub fn report_time(t: &str) -> String {
    let t = t.trim();
    let parsed = iso_time(t).or_else(|| portal_time(t));
    match parsed {
        Some(((y, mo, d), (h, mi, s), zone)) => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} {zone}"),
        None => t.to_string(),
    }
}

type Date = (u32, u32, u32);
type Clock = (u32, u32, u32);

fn number(s: &str, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
    (digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn valid(date: Date, clock: Clock) -> bool {
    let ((_, mo, d), (h, mi, s)) = (date, clock);
    (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && s < 61
}

/// `HH:MM[:SS[.fff]]` (the fraction dropped).
fn clock(c: &str) -> Option<Clock> {
    let (c, fraction) = c.split_once('.').unwrap_or((c, "0"));
    number(fraction, 1..=9)?;
    let mut parts = c.split(':');
    let (h, mi) = (number(parts.next()?, 1..=2)?, number(parts.next()?, 2..=2)?);
    let s = parts.next().map_or(Some(0), |s| number(s, 2..=2))?;
    parts.next().is_none().then_some((h, mi, s))
}

/// `2026-11-02T09:00:00Z`, `2026-11-20 10:00:00`, `2026-11-20T07:40:00.1234567+01:00`.
fn iso_time(t: &str) -> Option<(Date, Clock, String)> {
    let (date, rest) = t.split_once(['T', ' '])?;
    let mut d = date.split('-');
    let date = (number(d.next()?, 4..=4)?, number(d.next()?, 2..=2)?, number(d.next()?, 2..=2)?);
    if d.next().is_some() {
        return None;
    }
    let (time, zone) = match rest.strip_suffix('Z') {
        Some(time) => (time, "UTC".to_string()),
        None => match rest.rfind(['+', '-']) {
            Some(i) => (&rest[..i], format!("UTC{}", &rest[i..])),
            None => (rest, "UTC".to_string()),
        },
    };
    let clock = clock(time)?;
    valid(date, clock).then_some((date, clock, zone))
}

/// `11/20/2026, 7:58:12.000 AM` (the portal's CSV export; the comma optional).
fn portal_time(t: &str) -> Option<(Date, Clock, String)> {
    let (date, rest) = t.split_once([',', ' '])?;
    let mut d = date.split('/');
    let (mo, day, y) = (number(d.next()?, 1..=2)?, number(d.next()?, 1..=2)?, number(d.next()?, 4..=4)?);
    if d.next().is_some() {
        return None;
    }
    let mut words = rest.split_whitespace();
    let (h, mi, s) = clock(words.next()?)?;
    let h = match (words.next().map(str::to_ascii_uppercase).as_deref(), h) {
        (Some("AM"), 1..=12) => h % 12,
        (Some("PM"), 1..=12) => h % 12 + 12,
        (None, _) => h,
        _ => return None,
    };
    let (date, clock) = ((y, mo, day), (h, mi, s));
    (words.next().is_none() && valid(date, clock)).then_some((date, clock, "UTC".to_string()))
}

/// What the follow bar says: what is followed, how much it gained, when it last changed.
pub fn follow_status(f: &crate::state::Follow, now_ms: f64) -> String {
    if !f.on {
        return String::new();
    }
    if f.paths.is_empty() {
        return "Starting to follow…".into();
    }
    let files = match f.paths.as_slice() {
        [one] => wulens_core::model::base_name(one).to_string(),
        many => counted(many.len(), "file", "files"),
    };
    let added = f.rows.map_or(0, |(_, total)| total.saturating_sub(f.base));
    let change = match f.last_change {
        None => "no change yet".to_string(),
        Some(t) => match ((now_ms - t) / 1000.0).max(0.0) as u64 {
            s if s < 5 => "changed just now".into(),
            s if s < 120 => format!("last change {s} s ago"),
            s => format!("last change {} min ago", s / 60),
        },
    };
    format!("Following {files}: {} · {change}", counted_thousands(added, "new line", "new lines"))
}

/// Human title for the seed article files and reference pages cited in sources.
pub fn seed_title(doc: &str) -> String {
    match doc {
        "000_3983b336ceb8dfcf.txt" => "Troubleshoot software update scan failures (ConfigMgr)".into(),
        "001_1f102207702da96d.txt" => "Troubleshoot software update management (ConfigMgr)".into(),
        "002_a61634285f043b24.txt" => "Windows Server update troubleshooting guidance".into(),
        "003_80077a2f577a378b.txt" => "Windows Update common errors and mitigation".into(),
        other => other.to_string(),
    }
}

/// The Windows SDK's metadata (imported names and messages): its section names a header or a
/// metadata namespace, which `source_label` turns into the header an admin knows.
pub fn sdk_doc(doc: &str) -> bool {
    doc.starts_with("windows crate ") || doc.starts_with("Windows SDK headers")
}

/// A source as an admin knows it: `Windows SDK (winerror.h)`, not the crate or namespace it was
/// imported from; a Microsoft Learn page by its title, not its file name or address.
pub fn source_label(doc: &str, section: &str) -> String {
    if sdk_doc(doc) {
        let header = match section.rsplit("::").next().unwrap_or("") {
            "" => "headers".to_string(),
            "Foundation" => "winerror.h".to_string(),
            h if h.contains('.') => h.to_string(),
            area => format!("{area} headers"),
        };
        return format!("Windows SDK ({header})");
    }
    let title = seed_title(doc);
    if title != doc {
        return title;
    }
    // `https://learn.microsoft.com/windows/.../windows-update-error-reference`, `MicrosoftDocs/win32
    // desktop-src/.../do-return-values.md`, `system-error-codes--500-999-.md`: the page's name.
    let page = doc.rsplit(['/', ' ']).next().unwrap_or(doc).trim_end_matches(".md");
    let learn = doc.starts_with("https://learn.microsoft.com") || doc.starts_with("MicrosoftDocs/") || doc.ends_with(".md");
    if !learn || page.is_empty() {
        return doc.to_string();
    }
    let words: Vec<&str> = page.split(['-', '_']).filter(|w| !w.is_empty()).collect();
    let mut name = words.join(" ");
    if let Some(c) = name.get(..1) {
        name = c.to_uppercase() + &name[1..];
    }
    format!("{name} (Microsoft Learn)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_counts_have_their_thousands_separated() {
        assert_eq!(counted_thousands(0, "line", "lines"), "0 lines");
        assert_eq!(counted_thousands(1, "new line", "new lines"), "1 new line");
        assert_eq!(counted_thousands(12_345, "line", "lines"), "12,345 lines");
    }

    #[test]
    fn follow_status_says_what_grew_and_when() {
        use crate::state::Follow;
        assert_eq!(follow_status(&Follow::default(), 0.0), "");
        let mut f = Follow { available: true, on: true, ..Follow::default() };
        assert_eq!(follow_status(&f, 0.0), "Starting to follow…");
        f.paths = vec!["CCM/Logs/WUAHandler.log".into()];
        f.base = 100;
        assert_eq!(follow_status(&f, 0.0), "Following WUAHandler.log: 0 new lines · no change yet");
        f.rows = Some((50, 1_334));
        f.last_change = Some(10_000.0);
        assert_eq!(follow_status(&f, 12_000.0), "Following WUAHandler.log: 1,234 new lines · changed just now");
        f.paths.push("CCM/Logs/ScanAgent.log".into());
        assert_eq!(follow_status(&f, 40_000.0), "Following 2 files: 1,234 new lines · last change 30 s ago");
        assert_eq!(follow_status(&f, 250_000.0), "Following 2 files: 1,234 new lines · last change 4 min ago");
    }

    #[test]
    fn formats() {
        assert_eq!(split_time("2024-05-31T16:45:56.136-07:00"), ("2024-05-31 16:45:56".into(), "UTC-07:00".into()));
        assert_eq!(split_time("2024-05-31T16:45:56.136"), ("2024-05-31 16:45:56".into(), String::new()));
        assert_eq!(human_bytes(1536.0), "1.5 KB");
    }

    #[test]
    fn report_times_in_one_form() {
        // The portal's CSV and a JSON export say the same instant the same way.
        assert_eq!(report_time("11/20/2026, 7:58:12.000 AM"), "2026-11-20 07:58:12 UTC");
        assert_eq!(report_time("2026-11-20T07:58:12Z"), "2026-11-20 07:58:12 UTC");
        assert_eq!(report_time("2026-11-02T09:00:00Z"), "2026-11-02 09:00:00 UTC");
        assert_eq!(report_time("11/19/2026, 3:05:00 PM"), "2026-11-19 15:05:00 UTC");
        assert_eq!(report_time("11/19/2026, 12:05:00 AM"), "2026-11-19 00:05:00 UTC");
        assert_eq!(report_time("11/19/2026, 12:05:00 PM"), "2026-11-19 12:05:00 UTC");
        assert_eq!(report_time("2026-11-20 10:00"), "2026-11-20 10:00:00 UTC");
        assert_eq!(report_time("2026-11-20T07:40:00.1234567+01:00"), "2026-11-20 07:40:00 UTC+01:00");
        // What is not a time, or not a valid one, is shown as written.
        for raw in ["", "yesterday", "13/45/2026, 1:00:00 AM", "2026-11-20T25:00:00Z", "11/20/2026, 13:00:00 PM", "2026-11-20T07:40:00.x"] {
            assert_eq!(report_time(raw), raw.trim(), "{raw}");
        }
    }

    #[test]
    fn the_page_reads_the_cli_contract_with_cores_types() {
        // The page deserializes the report with the same type the CLI serializes.
        let text = "<![LOG[Scan failed with error = 0x8024401b.]LOG]!><time=\"10:00:05.000+480\" date=\"01-15-2024\" component=\"WUAHandler\" context=\"\" type=\"3\" thread=\"7\" file=\"\">\r\n";
        let a =
            wulens_core::Analysis::from_inputs(vec![wulens_core::Input { name: "WUAHandler.log".into(), bytes: text.into() }], &wulens_core::Limits::default());
        let r = wulens_core::Report::build(&a);
        let back: wulens_core::Report = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back.errors[0].code, "0x8024401B");
    }

    #[test]
    fn sources_are_named_as_an_admin_knows_them() {
        assert_eq!(source_label("windows crate 0.62.2 (Windows SDK metadata)", "Win32::Foundation"), "Windows SDK (winerror.h)");
        assert_eq!(source_label("windows crate 0.62.2 (Windows SDK metadata)", "Win32::Devices::Fax"), "Windows SDK (Fax headers)");
        assert_eq!(source_label("Windows SDK headers (microsoft/win32metadata d0f36303)", "wuerror.h"), "Windows SDK (wuerror.h)");
        assert_eq!(source_label("system-error-codes--500-999-.md", ""), "System error codes 500 999 (Microsoft Learn)");
        assert_eq!(
            source_label("https://learn.microsoft.com/windows/deployment/update/windows-update-error-reference", ""),
            "Windows update error reference (Microsoft Learn)"
        );
        assert_eq!(source_label("003_80077a2f577a378b.txt", "x"), "Windows Update common errors and mitigation");
        assert_eq!(source_label("community list: a/b c.json", ""), "community list: a/b c.json");
    }
}
