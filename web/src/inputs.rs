//! Every input the page reads, for the landing page: the logs wulens names (from core's log
//! kinds, so a new kind is listed without touching the page), the other formats it parses and
//! the bundles it opens.

use wulens_core::model::{LogFormat, LogKind};

/// Formats read beyond the named logs: device installs, configuration, traces.
const FORMATS: [LogFormat; 5] = [LogFormat::SetupApi, LogFormat::RegQuery, LogFormat::RegExport, LogFormat::NetshWinhttp, LogFormat::MdmReport];

/// Containers and traces, in words.
const MORE: [&str; 4] = [
    "event traces (.etl) of the Windows Update agent and of wusa.exe /log",
    "setuperr.log beside setupact.log, and the rollback's logs",
    "zip and cab bundles, nested, and folders",
    "Intune's Collect diagnostics and wulens collect zips (one machine each), or a folder of many machines",
];

/// The list the landing page shows, in this order: the named logs, the other formats, the rest.
pub fn readable() -> Vec<String> {
    let mut out: Vec<String> = LogKind::NAMED.iter().map(|k| k.file_name().to_string()).collect();
    out.extend(FORMATS.iter().map(|f| f.label().to_string()));
    out.extend(MORE.iter().map(|m| m.to_string()));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_log_and_format_is_listed() {
        let list = readable();
        for k in LogKind::NAMED {
            assert!(list.iter().any(|l| l == k.file_name()), "{k:?} missing");
        }
        for f in FORMATS {
            assert!(list.contains(&f.label().to_string()));
        }
        assert!(list.iter().any(|l| l.contains(".etl")));
        assert!(list.len() >= LogKind::NAMED.len() + FORMATS.len());
    }
}
