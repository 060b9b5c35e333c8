//! The files of the view: their tabs (a log with its rotated generations) and colours.

use wulens_core::Report;

use crate::route::LogQuery;

const PALETTE: [&str; 8] = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626"];

pub fn file_color(i: u32) -> &'static str {
    PALETTE[i as usize % PALETTE.len()]
}

/// One tab of the viewer: a log with its older generations (`X.lo_`, `X-20240601-120000.log`),
/// oldest first, so a rotated log reads as one.
#[derive(Clone, Debug, PartialEq)]
pub struct FileTab {
    /// The log the tab is named after (the current `X.log`, or the only file).
    pub name: String,
    /// (index in the report's files, name), oldest generation first.
    pub members: Vec<(usize, String)>,
    pub lines: u64,
}

impl FileTab {
    pub fn names(&self) -> Vec<String> {
        self.members.iter().map(|(_, n)| n.clone()).collect()
    }

    /// Whether the view shows exactly this tab's files.
    pub fn is_active(&self, q: &LogQuery) -> bool {
        !q.files.is_empty() && q.files.len() == self.members.len() && self.members.iter().all(|(_, n)| q.files.contains(n))
    }
}

/// The tabs of the files shown (not empty, not closed): each log with its rotated generations.
pub fn file_tabs(report: &Report, hidden: &[String]) -> Vec<FileTab> {
    let mut tabs: Vec<FileTab> = Vec::new();
    for (i, f) in report.files.iter().enumerate() {
        if f.lines == 0 || hidden.contains(&f.name) {
            continue;
        }
        let key = if f.rotated_from.is_empty() { f.name.as_str() } else { f.rotated_from.as_str() };
        match tabs.iter_mut().find(|t| t.name == key) {
            Some(t) => {
                t.members.push((i, f.name.clone()));
                t.lines += f.lines as u64;
            }
            None => tabs.push(FileTab { name: key.to_string(), members: vec![(i, f.name.clone())], lines: f.lines as u64 }),
        }
    }
    for t in &mut tabs {
        // Older generations by their first time (then name), the current log last.
        let first = |i: usize| report.files[i].first_time.clone().unwrap_or_default();
        t.members.sort_by_key(|(i, n)| (*n == t.name, first(*i), n.clone()));
    }
    tabs
}

#[cfg(test)]
mod tests {
    use super::*;
    use wulens_core::model::base_name;

    #[test]
    fn rotated_generations_join_their_log_in_one_tab() {
        let text = |t: &str| {
            format!("<![LOG[x]LOG]!><time=\"{t}.000+000\" date=\"06-12-2024\" component=\"WUAHandler\" context=\"\" type=\"1\" thread=\"1\" file=\"\">\r\n")
        };
        let inputs = [
            ("CCM/Logs/WUAHandler.log", text("12:00:00")),
            ("CCM/Logs/WUAHandler.lo_", text("11:00:00")),
            ("CCM/Logs/WUAHandler-20240612-100000.log", text("10:00:00")),
            ("CCM/Logs/ScanAgent.log", text("12:00:00")),
            ("CCM/Logs/UpdatesStore.lo_", text("09:00:00")),
        ];
        let a = wulens_core::Analysis::from_inputs(
            inputs.iter().map(|(n, t)| wulens_core::Input { name: n.to_string(), bytes: t.clone().into() }).collect(),
            &wulens_core::Limits::default(),
        );
        let r = Report::build(&a);
        let tabs = file_tabs(&r, &[]);
        let names: Vec<(String, Vec<String>)> =
            tabs.iter().map(|t| (base_name(&t.name).to_string(), t.names().iter().map(|n| base_name(n).to_string()).collect())).collect();
        assert!(
            names.contains(&("WUAHandler.log".into(), vec!["WUAHandler-20240612-100000.log".into(), "WUAHandler.lo_".into(), "WUAHandler.log".into()])),
            "{names:?}"
        );
        assert!(names.contains(&("ScanAgent.log".into(), vec!["ScanAgent.log".into()])));
        // An older generation without its current log is a tab of its own, named for the log.
        assert!(names.contains(&("UpdatesStore.log".into(), vec!["UpdatesStore.lo_".into()])));
        let wua = tabs.iter().find(|t| t.name.ends_with("WUAHandler.log")).unwrap();
        assert_eq!(wua.lines, 3);
        let q = LogQuery { files: wua.names(), ..LogQuery::default() };
        assert!(wua.is_active(&q));
        assert!(!tabs.iter().find(|t| t.name.ends_with("ScanAgent.log")).unwrap().is_active(&q));
        // Closing hides every generation.
        assert_eq!(file_tabs(&r, &wua.names()).len(), 2);
    }
}
