//! Several machines in one drop: the same log (by kind) under two or more folders of the drop
//! means two or more machines' logs, and one verdict would mix them. Rotated copies of a log
//! (`X.lo_`, `X-20240601-120000.log`) sit in the same folder, so they never count.
//!
//! Logs dropped side by side can still be two machines'; their content tells (`by_content`):
//! the computer name a log gives, the Windows version the logs name for the machine itself, and
//! when they were written.
//!
//! Each machine is data ([`DropMachine`]): what to call it (the computer name where a log states it,
//! else its folder, else its Windows build and dates) and the files that are its, so that the
//! page can open them as a fleet or one machine at a time.

use crate::analysis::Analysis;
use crate::model::{base_name, event_computer, LogFile, LogFormat, LogKind};

/// Where a log names the Windows version of the machine it runs on (never an offline image's:
/// DISM's "Image information" is not read). The first one within `OS_WINDOW` bytes counts.
const OS_MARKERS: [&str; 3] = ["Host machine information: OS Version=", "OS Version = ", "OSVersion="];
/// Where a log states the computer's own name, read in the same window. Windows setup writes it
/// in setupact.log: the migration engine's `COnlineWinNTPlatform: ComputerName=<name>` (the
/// running system) and the installer's `Callback_ComputerName_Validate:Computer name is <name>`.
/// WindowsUpdate.log, CBS.log and DISM's host information never name the machine; an event
/// log's every record does (its `Computer`).
pub(crate) const NAME_MARKERS: [&str; 2] = ["COnlineWinNTPlatform: ComputerName=", "Callback_ComputerName_Validate:Computer name is "];
/// Service starts repeat the version every few hours: the start of a file is enough, and the
/// search stays bounded on a file of gigabytes (8 MB cost a big drop 20 % of its time).
const OS_WINDOW: usize = 1 << 20;
/// A file's span is read from this many records at each end: logs are written in time order,
/// and a year's gap does not hide in the middle.
const SPAN_ENTRIES: usize = 4096;
/// Builds this close are one release line (enablement packages: 19041-19045, 22621/22631,
/// 26100/26200), which one machine moves along without a reinstall.
const SAME_LINE: u32 = 200;
/// Content-told machines listed at most (each file is compared with every machine's files).
const MAX_MACHINES: usize = 32;
/// A log written this close to a machine's logs was written while that machine was logging.
const NEAR_MS: i64 = 12 * 3600 * 1000;
/// The same log with this long a gap between two copies' spans is two machines' logs.
const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;

/// One machine of a drop (its label and what tells it apart in words: `output/words/machines.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct DropMachine {
    /// The computer name a log states, else the folder; `None` where neither is known (it is
    /// then called by what tells it apart).
    pub name: Option<String>,
    /// Its files, indices into `Analysis::files`, in drop order.
    pub files: Vec<usize>,
    /// What tells it apart.
    pub about: About,
}

/// What tells a machine of the drop apart from the others.
#[derive(Debug, Clone, PartialEq)]
pub enum About {
    /// Its folder, which holds its own copy of a log another folder holds too.
    Folder(String),
    /// Its files (base names) and what they say of it.
    Files { names: Vec<String>, traits: Traits },
}

/// What a machine's logs say of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traits {
    /// The Windows version (major, minor, build).
    pub os: Option<(u32, u32, u32)>,
    /// The first and last day its logs span (UTC ms).
    pub span: Option<(i64, i64)>,
}

impl Traits {
    /// Nothing is known of it.
    pub fn is_empty(&self) -> bool {
        self.os.is_none() && self.span.is_none()
    }
}

impl Analysis {
    /// The machines of the drop: its machine folders (`folders`), else those its logs' content
    /// tells apart (`by_content`); empty when the drop looks like one machine.
    pub fn machines(&self) -> Vec<DropMachine> {
        if let Some(known) = &self.machines {
            return known.clone();
        }
        self.find_machines()
    }

    pub(super) fn find_machines(&self) -> Vec<DropMachine> {
        let by_folder = folders(self);
        if by_folder.is_empty() {
            by_content(self)
        } else {
            by_folder
        }
    }
}

/// The folders of the drop that each hold their own copy of a log another folder also holds,
/// sorted, each with every file under it; empty when the drop looks like one machine.
pub fn folders(a: &Analysis) -> Vec<DropMachine> {
    let roots = folder_roots(a);
    roots
        .into_iter()
        .map(|(root, prefix)| {
            let files: Vec<usize> = (0..a.files.len()).filter(|&i| under(&a.files[i].name, &prefix)).collect();
            let name = common_name(files.iter().map(|&i| &a.files[i])).unwrap_or_else(|| root.clone());
            DropMachine { name: Some(name), files, about: About::Folder(root) }
        })
        .collect()
}

/// Whether `name` lies under the folder path `prefix` (its parts, as split).
fn under(name: &str, prefix: &[String]) -> bool {
    let parts: Vec<&str> = name.split(['/', '\\']).collect();
    parts.len() > prefix.len() && parts.iter().zip(prefix).all(|(p, q)| p == q)
}

/// The one computer name the files state, if they state one and no other.
fn common_name<'a>(files: impl Iterator<Item = &'a LogFile>) -> Option<String> {
    let mut found: Option<String> = None;
    for n in files.filter_map(computer_name) {
        match &found {
            Some(f) if !f.eq_ignore_ascii_case(&n) => return None,
            Some(_) => {}
            None => found = Some(n),
        }
    }
    found
}

/// The machine folders (see `folders`), each with the full path of parts down to it.
fn folder_roots(a: &Analysis) -> Vec<(String, Vec<String>)> {
    // Windows setup keeps its logs in several folders of one machine (Panther, Rollback,
    // UnattendGC, Sysprep\Panther, $WINDOWS.~BT's and %windir%'s): two of them tell nothing.
    let named: Vec<(&str, LogKind)> =
        a.files.iter().filter(|f| f.is_text() && !matches!(f.kind, LogKind::Other | LogKind::Setup)).map(|f| (f.name.as_str(), f.kind)).collect();
    if named.len() < 2 {
        return Vec::new();
    }
    // The folder path each file sits in, below what every file shares (a zip's own name, ...).
    let dirs: Vec<Vec<&str>> = named
        .iter()
        .map(|(n, _)| n.split(['/', '\\']).collect::<Vec<_>>())
        .map(|mut p| {
            p.pop();
            p
        })
        .collect();
    let shared = (0..).take_while(|&i| dirs.iter().all(|d| d.len() > i && d[i] == dirs[0][i])).count();
    let root = |d: &Vec<&str>| d.get(shared).map(|s| s.to_string());
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (i, (_, kind)) in named.iter().enumerate() {
        let Some(r) = root(&dirs[i]) else { continue };
        let elsewhere = named.iter().enumerate().any(|(j, (_, k))| k == kind && root(&dirs[j]).is_some_and(|o| o != r));
        if elsewhere && !out.iter().any(|(o, _)| *o == r) {
            out.push((r, dirs[i][..=shared].iter().map(|s| s.to_string()).collect()));
        }
    }
    out.sort();
    out
}

/// What a file says about its machine.
struct Identity<'a> {
    /// Its index in `Analysis::files`.
    index: usize,
    name: &'a str,
    kind: LogKind,
    /// The computer names the log states, in order (a machine renamed while its event log was
    /// kept names two); the last is what it is called now.
    computers: Vec<String>,
    /// Major, minor, build.
    os: Option<(u32, u32, u32)>,
    /// First and last time, UTC milliseconds.
    span: Option<(i64, i64)>,
}

/// `6.1.7601.1.0.65792` → (6, 1, 7601).
fn parse_version(s: &str) -> Option<(u32, u32, u32)> {
    let mut parts = s.split('.').map(|p| p.chars().take_while(char::is_ascii_digit).collect::<String>().parse::<u32>());
    let (major, minor, build) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
    (major >= 5 && build >= 1000).then_some((major, minor, build))
}

fn os_version(f: &LogFile) -> Option<(u32, u32, u32)> {
    let text = f.text.as_str();
    let window = &text.as_bytes()[..text.len().min(OS_WINDOW)];
    OS_MARKERS.iter().filter_map(|m| memchr::memmem::find(window, m.as_bytes()).map(|at| at + m.len())).min().and_then(|at| {
        let rest = &window[at..window.len().min(at + 40)];
        let end = rest.iter().position(|b| !(b.is_ascii_digit() || *b == b'.')).unwrap_or(rest.len());
        parse_version(std::str::from_utf8(&rest[..end]).ok()?)
    })
}

/// The computer name a log states (its latest, for an event log whose machine was renamed).
fn computer_name(f: &LogFile) -> Option<String> {
    computer_names(f).pop()
}

/// The computer names a log states: the one near its start (`NAME_MARKERS`), or the computers
/// an event log's records name, in order, read in its first and last [`SPAN_ENTRIES`] records
/// (a machine renamed while the log was kept names two). Each a NetBIOS-like name, 1 to 63
/// letters, digits, `-` or `_`, upper-cased as Windows shows it (a domain name's first label).
fn computer_names(f: &LogFile) -> Vec<String> {
    if f.format == LogFormat::EventLog {
        let n = f.entries.len();
        let ends = f.entries[..n.min(SPAN_ENTRIES)].iter().chain(&f.entries[n.saturating_sub(SPAN_ENTRIES).max(n.min(SPAN_ENTRIES))..]);
        let mut names: Vec<String> = Vec::new();
        for name in ends.filter_map(|e| event_computer(f.message(e)).and_then(crate::model::computer_name)) {
            if names.last() != Some(&name) {
                names.retain(|n| *n != name);
                names.push(name);
            }
        }
        return names;
    }
    named_near_start(f).into_iter().collect()
}

/// The computer name a log states near its start (`NAME_MARKERS`).
fn named_near_start(f: &LogFile) -> Option<String> {
    let text = f.text.as_str();
    let window = &text.as_bytes()[..text.len().min(OS_WINDOW)];
    let at = NAME_MARKERS.iter().filter_map(|m| memchr::memmem::find(window, m.as_bytes()).map(|at| at + m.len())).min()?;
    let rest = &window[at..window.len().min(at + 64)];
    let end = rest.iter().position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')).unwrap_or(rest.len());
    let name = std::str::from_utf8(&rest[..end]).ok()?;
    (!name.is_empty() && end < 64 && !name.starts_with('%')).then(|| name.to_ascii_uppercase())
}

fn identity(index: usize, f: &LogFile) -> Identity<'_> {
    Identity { index, name: base_name(&f.name), kind: f.kind, computers: computer_names(f), os: os_version(f), span: span(f) }
}

/// The first and last time of a file (UTC ms), read in its first and last [`SPAN_ENTRIES`].
fn span(f: &LogFile) -> Option<(i64, i64)> {
    let n = f.entries.len();
    let ends = f.entries[..n.min(SPAN_ENTRIES)].iter().chain(&f.entries[n.saturating_sub(SPAN_ENTRIES).max(n.min(SPAN_ENTRIES))..]);
    let times = || ends.clone().filter_map(|e| f.utc_ms(e));
    times().min().zip(times().max())
}

/// Date again the machines told apart by content, once their files' time zones are settled.
pub(super) fn respan(a: &Analysis, machines: &mut [DropMachine]) {
    for m in machines {
        if let About::Files { traits, .. } = &mut m.about {
            let spans: Vec<(i64, i64)> = m.files.iter().filter_map(|&i| span(&a.files[i])).collect();
            let first = spans.iter().map(|s| s.0).min();
            traits.span = first.zip(spans.iter().map(|s| s.1).max());
        }
    }
}

fn overlap(a: Option<(i64, i64)>, b: Option<(i64, i64)>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a.0 <= b.1 && b.0 <= a.1)
}

/// Two files that cannot be one machine's: computer names none of which they share, another Windows (6.1 and 10.0),
/// another release line written at the same time, or copies of the same log written years apart.
fn apart(x: &Identity, y: &Identity) -> bool {
    if !x.computers.is_empty() && !y.computers.is_empty() && !x.computers.iter().any(|a| y.computers.iter().any(|b| a.eq_ignore_ascii_case(b))) {
        return true;
    }
    if let (Some(a), Some(b)) = (x.os, y.os) {
        if (a.0, a.1) != (b.0, b.1) || (a.2.abs_diff(b.2) > SAME_LINE && overlap(x.span, y.span)) {
            return true;
        }
    }
    let gap = |a: (i64, i64), b: (i64, i64)| (b.0 - a.1).max(a.0 - b.1);
    x.kind == y.kind && x.kind != LogKind::Other && matches!((x.span, y.span), (Some(a), Some(b)) if gap(a, b) > YEAR_MS)
}

/// Files side by side that the logs themselves say are two or more machines', or empty when
/// nothing tells them apart. Files that tell nothing (no entries) stay out of every machine.
///
/// The files that state who they are (a computer name, a Windows build) make the machines; a
/// file that states neither joins the one machine its days fit, and where they fit several it
/// is in no machine: a build or a date alone never decides whose it is.
pub fn by_content(a: &Analysis) -> Vec<DropMachine> {
    let ids: Vec<Identity> = a.files.iter().enumerate().filter(|(_, f)| f.is_text() && !f.entries.is_empty()).map(|(i, f)| identity(i, f)).collect();
    let (told, untold): (Vec<&Identity>, Vec<&Identity>) = ids.iter().partition(|id| !id.computers.is_empty() || id.os.is_some());
    // Machines, each a list of files; a file that says who it is joins the first machine none
    // of whose files it is apart from.
    let mut machines: Vec<Vec<&Identity>> = Vec::new();
    for id in told {
        if machines.len() > MAX_MACHINES {
            // A drop of this many machines is a fleet: `wulens fleet` and the fleet page read it.
            break;
        }
        match machines.iter_mut().find(|m| m.iter().all(|o| !apart(id, o))) {
            Some(m) => m.push(id),
            None => machines.push(vec![id]),
        }
    }
    for id in untold {
        let mut fits: Vec<usize> = (0..machines.len()).filter(|&m| machines[m].iter().all(|o| !apart(id, o))).collect();
        if fits.len() > 1 {
            // Its days support one of them: the only machine whose logs were written meanwhile
            // (within [`NEAR_MS`] of its own).
            let widen = |s: Option<(i64, i64)>| s.map(|(a, b)| (a - NEAR_MS, b + NEAR_MS));
            let meanwhile: Vec<usize> = fits.iter().copied().filter(|&m| machines[m].iter().any(|o| overlap(widen(id.span), o.span))).collect();
            if meanwhile.len() == 1 {
                fits = meanwhile;
            }
        }
        match fits.as_slice() {
            [one] => machines[*one].push(id),
            [] if machines.len() <= MAX_MACHINES => machines.push(vec![id]),
            _ => {}
        }
    }
    if machines.len() < 2 {
        return Vec::new();
    }
    machines.iter().map(|m| describe(m)).collect()
}

fn describe(files: &[&Identity]) -> DropMachine {
    let first = files.iter().filter_map(|f| f.span.map(|s| s.0)).min();
    let last = files.iter().filter_map(|f| f.span.map(|s| s.1)).max();
    let traits = Traits { os: files.iter().find_map(|f| f.os), span: first.zip(last) };
    let computer = files.iter().find_map(|f| f.computers.last().cloned());
    let names = files.iter().map(|f| f.name.to_string()).collect();
    DropMachine { name: computer, files: files.iter().map(|f| f.index).collect(), about: About::Files { names, traits } }
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analysis;
    use crate::read::{Input, Limits};

    const RECORD: &str = "<![LOG[Async searching completed.]LOG]!><time=\"10:00:00.000+000\" date=\"06-12-2024\" component=\"WUAHandler\" context=\"\" type=\"1\" thread=\"1\" file=\"x.cpp:1\">\r\n";

    fn drop(names: &[&str]) -> Vec<String> {
        let inputs = names.iter().map(|n| Input { name: n.to_string(), bytes: RECORD.as_bytes().into() }).collect();
        super::folders(&Analysis::from_inputs(inputs, &Limits::default())).into_iter().filter_map(|m| m.name).collect()
    }

    #[test]
    fn the_same_log_in_two_folders_is_two_machines() {
        assert_eq!(drop(&["logs.zip/PC1/CCM/Logs/WUAHandler.log", "logs.zip/PC2/CCM/Logs/WUAHandler.log"]), ["PC1", "PC2"]);
        assert_eq!(drop(&["PC1/WUAHandler.log", "PC2/Logs/WUAHandler.log", "PC2/Logs/ScanAgent.log"]), ["PC1", "PC2"]);
    }

    #[test]
    fn one_machine_with_rotated_logs_and_other_folders_is_one() {
        assert!(drop(&["CCM/Logs/WUAHandler.log", "CCM/Logs/WUAHandler-20240601-120000.log", "Windows/WindowsUpdate.log"]).is_empty());
        assert!(drop(&["WUAHandler.log", "ScanAgent.log"]).is_empty());
        assert!(drop(&["PC1/WUAHandler.log", "PC2/ScanAgent.log"]).is_empty());
        // Setup's own folders of one machine, each with its setupact.log.
        assert!(drop(&["Sources/Panther/setupact.log", "Sources/Rollback/setupact.log", "Panther/UnattendGC/setupact.log"]).is_empty());
    }

    fn analysis(files: &[(&str, &str)]) -> Analysis {
        let inputs = files.iter().map(|(n, t)| Input { name: n.to_string(), bytes: t.as_bytes().into() }).collect();
        Analysis::from_inputs(inputs, &Limits::default())
    }

    #[test]
    fn a_folder_machine_holds_every_file_under_its_folder() {
        let a = analysis(&[("PC1/Logs/WUAHandler.log", RECORD), ("PC1/notes.txt", "x"), ("PC2/WUAHandler.log", RECORD), ("readme.txt", "x")]);
        let m = super::folders(&a);
        let files: Vec<Vec<&str>> = m.iter().map(|m| m.files.iter().map(|&i| a.files[i].name.as_str()).collect()).collect();
        assert_eq!(files, [vec!["PC1/Logs/WUAHandler.log", "PC1/notes.txt"], vec!["PC2/WUAHandler.log"]]);
    }

    /// Two setup logs of one day and one Windows build are still two machines when they state two
    /// computer names (as setupact.log writes them); each machine is called by its name.
    #[test]
    fn two_computer_names_are_two_machines_called_by_name() {
        let setup = |line: &str| {
            format!("2022-07-06 08:13:40, Info                  SP     Setup started\r\n2022-07-06 08:13:43, Info       [0x0803b4] MIG    {line}\r\n")
        };
        let (a, b) = (setup("COnlineWinNTPlatform: ComputerName=BRANCH-07"), setup("Callback_ComputerName_Validate:Computer name is lab-pc-12"));
        let two = analysis(&[("setupact.log", &a), ("copy/setupact.log", &b)]);
        let m = super::by_content(&two);
        let mut got: Vec<(&str, Vec<&str>)> =
            m.iter().map(|m| (m.name.as_deref().unwrap_or_default(), m.files.iter().map(|&i| two.files[i].name.as_str()).collect())).collect();
        got.sort();
        assert_eq!(got, [("BRANCH-07", vec!["setupact.log"]), ("LAB-PC-12", vec!["copy/setupact.log"])]);
        assert!(super::by_content(&analysis(&[("setupact.log", &a), ("copy/setupact.log", &a)])).is_empty(), "one name, one machine");
        let unnamed = setup("COnlineWinNTPlatform: ComputerName=%COMPUTERNAME%");
        assert!(super::by_content(&analysis(&[("setupact.log", &a), ("copy/setupact.log", &unnamed)])).is_empty(), "a variable is no name");
    }

    /// Two event logs of the same days dropped side by side are two machines where their records
    /// name two computers, each called by its name (a domain name's first label, as Windows shows it).
    #[test]
    fn event_logs_naming_two_computers_are_two_machines_called_by_name() {
        let events = |pc: &str| {
            format!(
                "2024/06/25 15:40:00.0000000 1380  3316  WindowsUpdateClient Event 19, record 12, {pc}, Information: Installation Successful: Windows successfully installed the following update: KB5034441\r\n\
                 2024/06/25 15:41:00.0000000 1380  3316  WindowsUpdateClient Event 44, record 13, {pc}, Information: Windows Update started downloading an update.\r\n"
            )
        };
        let (a, b) = (events("PC-0427.corp.example.com"), events("lab-12"));
        let two = analysis(&[("System.evtx.txt", &a), ("other/System.evtx.txt", &b)]);
        assert!(two.files.iter().all(|f| f.format == crate::model::LogFormat::EventLog), "{:?}", two.files.iter().map(|f| f.format).collect::<Vec<_>>());
        let mut names: Vec<String> = super::by_content(&two).into_iter().filter_map(|m| m.name).collect();
        names.sort();
        assert_eq!(names, ["LAB-12", "PC-0427"]);
        assert!(super::by_content(&analysis(&[("System.evtx.txt", &a), ("copy/System.evtx.txt", &a)])).is_empty(), "one computer, one machine");
        // A machine renamed while its log was kept is one machine with the log that names it
        // either way, called by its latest name.
        let renamed = events("lab-12") + &events("PC-0427").replace("record 12", "record 14").replace("record 13", "record 15").replace("15:4", "16:4");
        let one = analysis(&[("System.evtx.txt", &renamed), ("other/System.evtx.txt", &b)]);
        assert!(super::by_content(&one).is_empty(), "a shared name: one machine");
        assert_eq!(super::computer_name(&one.files[0]).as_deref(), Some("PC-0427"));
    }

    /// A log that names no computer and no build joins the one machine its days fit; where they
    /// fit two, it is nobody's, never the first machine's by default.
    #[test]
    fn a_log_that_says_nothing_of_itself_joins_only_the_machine_it_fits() {
        let setup = |day: &str, line: &str| {
            format!("2022-07-{day} 08:13:40, Info                  SP     Setup started\r\n2022-07-{day} 08:13:43, Info       [0x0803b4] MIG    {line}\r\n")
        };
        let cbs = |day: &str| format!("2022-07-{day} 09:00:00, Info                  CBS    Starting TrustedInstaller initialization.\r\n");
        let (a, b) = (setup("06", "COnlineWinNTPlatform: ComputerName=BRANCH-07"), setup("06", "COnlineWinNTPlatform: ComputerName=LAB-PC-12"));
        let names = |x: &crate::analysis::Analysis| {
            let mut got: Vec<(String, Vec<String>)> =
                super::by_content(x).iter().map(|m| (m.name.clone().unwrap_or_default(), m.files.iter().map(|&i| x.files[i].name.clone()).collect())).collect();
            got.sort();
            got
        };
        // Two named machines of the same day: CBS.log of that day could be either's.
        let both = analysis(&[("setupact.log", &a), ("b/setupact.log", &b), ("CBS.log", &cbs("06"))]);
        assert_eq!(names(&both), [("BRANCH-07".to_string(), vec!["setupact.log".to_string()]), ("LAB-PC-12".to_string(), vec!["b/setupact.log".to_string()])]);
        // Its time zone is then nobody's to lend: it states none, so UTC is assumed.
        assert_eq!(both.files[2].offset.source, crate::model::OffsetSource::AssumedUtc);
        // Written on the day only one of them was: that one's.
        let later =
            analysis(&[("setupact.log", &a), ("b/setupact.log", &setup("09", "COnlineWinNTPlatform: ComputerName=LAB-PC-12")), ("CBS.log", &cbs("09"))]);
        assert_eq!(
            names(&later),
            [("BRANCH-07".to_string(), vec!["setupact.log".to_string()]), ("LAB-PC-12".to_string(), vec!["b/setupact.log".to_string(), "CBS.log".to_string()])]
        );
    }

    #[test]
    fn versions_are_read_as_windows_writes_them() {
        assert_eq!(super::parse_version("6.1.7601.1.0.65792"), Some((6, 1, 7601)));
        assert_eq!(super::parse_version("10.0.19045"), Some((10, 0, 19045)));
        assert_eq!(super::parse_version("10.0"), None);
        assert_eq!(super::parse_version("1.2.3"), None, "not a Windows version");
    }

    #[test]
    fn another_windows_or_a_year_apart_is_another_machine() {
        use super::{apart, Identity};
        use crate::model::LogKind;
        let day = 24 * 3600 * 1000;
        let id = |os, span: (i64, i64)| Identity { index: 0, name: "x", kind: LogKind::WindowsUpdate, computers: Vec::new(), os, span: Some(span) };
        let win7 = id(Some((6, 1, 7601)), (0, day));
        assert!(apart(&win7, &id(Some((10, 0, 19045)), (0, day))), "another Windows");
        assert!(apart(&id(Some((10, 0, 17763)), (0, 9 * day)), &id(Some((10, 0, 22631)), (day, 2 * day))), "two release lines at once");
        assert!(!apart(&id(Some((10, 0, 17134)), (0, day)), &id(Some((10, 0, 17763)), (30 * day, 31 * day))), "a feature update later");
        assert!(!apart(&id(Some((10, 0, 26100)), (0, day)), &id(Some((10, 0, 26200)), (0, day))), "an enablement package");
        assert!(apart(&id(None, (0, day)), &id(None, (400 * day, 401 * day))), "the same log a year apart");
        assert!(!apart(&id(None, (0, day)), &id(None, (300 * day, 301 * day))));
    }
}
