//! Page-only helpers: what the page shows that the report does not define (byte sizes, times
//! split for display, sources by name). The report and viewer types are `wulens_core`'s.

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
        many => format!("{} files", many.len()),
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
    format!("Following {files}: {} new line{} · {change}", wulens_core::thousands(added as u64), if added == 1 { "" } else { "s" })
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
