//! The lines that say something happened to one update, read from every log that writes them:
//! the agent's WindowsUpdate.log (text and traces), its REPORT EVENT lines and
//! ReportingEvents.log, the event logs (System, Setup, WindowsUpdateClient/Operational), and
//! CBS.log's package sessions.
//!
//! Each shape is a row of [`SHAPES`], in the words the agent writes in each generation of its
//! log (Windows 7 tab-separated, Get-WindowsUpdateLog text and decoded traces), ReportingEvents'
//! columns and the event logs' rendered events (read/evtx.rs); the meanings are Microsoft's
//! (Microsoft Learn, "Windows Update log files"; the event ids of WindowsUpdateClient and of
//! servicing in the Setup log, as operations/eventlog.toml cites).
//! One automaton finds every shape's marker in a file's text in one pass (CBS.log has its own,
//! of its few markers, so its long logs are not searched for the agent's).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::model::{hex_code, LifeEvent, LogFile, LogKind};

/// One sighting of a target: an event of its story, or only a name for it (a title beside its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    /// What happened; `None` for a line that only names the target (a title and its id).
    pub event: Option<LifeEvent>,
    /// The update id, lower case, without braces.
    pub id: String,
    pub revision: Option<u32>,
    /// `KB5020683`, from the line or its title.
    pub kb: String,
    pub title: String,
    /// A Delivery Optimization job the line ties to the update.
    pub job: String,
    /// A servicing package (Setup.evtx, CBS.log), named as the log names it.
    pub package: bool,
    pub code: Option<u32>,
    pub file: usize,
    pub entry: u32,
}

impl Sighting {
    /// A sighting of nothing yet at record `entry` of file `file`: the shapes fill in what
    /// their line says.
    fn at(file: usize, entry: u32) -> Sighting {
        Sighting {
            event: None,
            id: String::new(),
            revision: None,
            kb: String::new(),
            title: String::new(),
            job: String::new(),
            package: false,
            code: None,
            file,
            entry,
        }
    }
}

/// How a shape's line is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Read {
    /// `<marker><id>.<rev>` then the rest: the id right after the marker.
    IdAfter(LifeEvent),
    /// The id after `updateId = ` on the same line, the job in braces after the marker.
    JobThenId(Option<LifeEvent>),
    /// Like `IdAfter`, the code in the line's `*FAILED* [code]`.
    Failed(LifeEvent),
    /// `New download job {J} for UpdateId U`.
    NewJob,
    /// `LogHistory called for Caller=X, idUpdate=U, operation = Install, resultMapped=C, ...`
    /// (older agents: `LogHistory called. idUpdate={U}.200, resultMapped=C, ...`, an install's).
    History,
    /// `Deployment job Id J : NotifyClient (...) called for update id U, code = Update success`.
    Notify,
    /// `Update U.R final deployment status: callbackCode = Update success, errCode = 0x00000000`.
    FinalStatus,
    /// `Deserialized installable update <title>, UpdateID = {U.R}, ...`: a name only.
    Deserialized,
    /// `Title = <title>`, its id on the thread's next line (`UpdateId = U.R`).
    Title,
    UpdateId,
    /// A REPORT EVENT line: ReportingEvents.log's columns after the marker.
    Report,
    /// An event log's update event: the title after `the update: `.
    Event(LifeEvent),
    /// Setup.evtx servicing: the package after `for package `.
    Servicing(LifeEvent),
    /// CBS.log: a package session's start (`Exec: Processing started.  Client: C, Session: S,
    /// Package: P, Identifier: I`), its end (`Exec: Processing complete.  Session: S, Package:
    /// P, Identifier: I [HRESULT = 0x...]`), a package finished at startup after a restart
    /// (`Startup: Package: P completed startup processing, new state: Installed, ...`) and a
    /// package change reported (`Reporting package change completion for package: P, current:
    /// Installed, original: Staged, target: Installed, status: 0x0, ...`).
    Cbs(CbsLine),
    /// UpdatesDeployment.log: `Update (Site_S/SUM_U) [Name (title) ArticleID (n)] added to the
    /// targeted list of deployment ({A})` or `Update (Site_S/SUM_U) Progress: Status =
    /// ciStateX, PercentComplete = n, Result = 0x...`.
    Deployment,
}

/// Which of CBS.log's package lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CbsLine {
    Started,
    Complete,
    Startup,
    Reported,
}

/// (marker, the log kinds it is read in, how).
const SHAPES: &[(&str, &[LogKind], Read)] = &[
    // Get-WindowsUpdateLog text and decoded traces (Windows 10, 11, Server 2016+).
    ("Added update ", WU, Read::IdAfter(LifeEvent::Found)),
    ("New download job {", WU, Read::NewJob),
    ("DO job {", WU, Read::JobThenId(None)),
    ("All files for update ", WU, Read::IdAfter(LifeEvent::Downloaded)),
    ("Installing update: ", WU, Read::IdAfter(LifeEvent::InstallStarted)),
    // A Store app's streamed download ends in its install, its last job in a cancellation.
    ("AppX package install complete for update ", WU, Read::IdAfter(LifeEvent::Installed)),
    ("Handler received download job cancellation for ", WU, Read::IdAfter(LifeEvent::Cancelled)),
    ("Cancelling update ", WU, Read::IdAfter(LifeEvent::Cancelled)),
    // `*FAILED* [80D03805] Error occurred while downloading update U.R; notifying dependent calls.`
    ("Error occurred while downloading update ", WU, Read::Failed(LifeEvent::DownloadFailed)),
    ("Installing starting for update ", WU, Read::IdAfter(LifeEvent::InstallStarted)),
    ("LogHistory called", WU, Read::History),
    ("called for update id ", WU, Read::Notify),
    (" final deployment status: callbackCode = ", WU, Read::FinalStatus),
    ("Deserialized installable update ", WU, Read::Deserialized),
    ("Title = ", WU, Read::Title),
    ("UpdateId = ", WU, Read::UpdateId),
    // Windows 7 WindowsUpdate.log's copy of each ReportingEvents record.
    ("REPORT EVENT: ", WU, Read::Report),
    // System.evtx and WindowsUpdateClient/Operational (read/evtx.rs writes these words).
    ("Windows Update began downloading the update: ", EV, Read::Event(LifeEvent::DownloadStarted)),
    ("Installation Started: ", EV, Read::Event(LifeEvent::InstallStarted)),
    ("Installation Successful: ", EV, Read::Event(LifeEvent::Installed)),
    ("Installation Failure: ", EV, Read::Event(LifeEvent::InstallFailed)),
    ("Download Successful: ", EV, Read::Event(LifeEvent::Downloaded)),
    ("Download Failure: ", EV, Read::Event(LifeEvent::DownloadFailed)),
    // Setup.evtx servicing events 1-4.
    ("Servicing request for package ", EV, Read::Servicing(LifeEvent::InstallStarted)),
    ("Servicing completed for package ", EV, Read::Servicing(LifeEvent::Installed)),
    ("Servicing failed for package ", EV, Read::Servicing(LifeEvent::InstallFailed)),
    ("Servicing needs a restart for package ", EV, Read::Servicing(LifeEvent::RestartPending)),
    // ConfigMgr's client: each update of a deployment by its CI's update id (`SUM_<id>`), and
    // the progress the client reports for it (the ciJobState values of ICCMTargetedUpdate::
    // GetProgress, Microsoft Learn; Microsoft Learn, "Track the software update deployment
    // process in Configuration Manager").
    ("/SUM_", UD, Read::Deployment),
    // CBS.log's package sessions (what CBS writes when a client such as the agent, DISM or
    // Features on Demand installs a package).
    ("Exec: Processing started.  Client: ", CB, Read::Cbs(CbsLine::Started)),
    ("Exec: Processing complete.  Session: ", CB, Read::Cbs(CbsLine::Complete)),
    ("Startup: Package: ", CB, Read::Cbs(CbsLine::Startup)),
    ("Reporting package change completion for package: ", CB, Read::Cbs(CbsLine::Reported)),
];

const WU: &[LogKind] = &[LogKind::WindowsUpdate];
const EV: &[LogKind] = &[LogKind::EventLog];
const UD: &[LogKind] = &[LogKind::UpdatesDeployment];
const CB: &[LogKind] = &[LogKind::Cbs];

/// A searcher of the markers of the shapes `pick` keeps, and each pattern's shape.
struct Markers {
    search: Search,
    shapes: Vec<usize>,
}

/// The agent's many markers in an automaton; CBS.log's few in a packed (Teddy) searcher where
/// the CPU has one: an automaton of those four picks a prefilter of two rare bytes, which
/// CBS.log's lines are full of (a quarter of the CPU of reading a CBS.log went to it).
enum Search {
    Automaton(AhoCorasick),
    Packed(aho_corasick::packed::Searcher),
}

impl Markers {
    fn of(pick: impl Fn(&[LogKind]) -> bool, packed: bool) -> Markers {
        let shapes: Vec<usize> = (0..SHAPES.len()).filter(|&i| pick(SHAPES[i].1)).collect();
        let patterns = shapes.iter().map(|&i| SHAPES[i].0);
        let patterns: Vec<&str> = patterns.collect();
        // Teddy needs SSSE3 or NEON: elsewhere (WebAssembly) the packed builder builds nothing.
        let teddy = packed.then(|| aho_corasick::packed::Config::new().builder().extend(&patterns).build()).flatten();
        let search = match teddy {
            Some(t) => Search::Packed(t),
            None => Search::Automaton(AhoCorasick::new(&patterns).expect("literal markers")),
        };
        Markers { search, shapes }
    }

    /// Each marker found in `text`: (its shape, where it starts, where it ends).
    fn find<'t>(&'t self, text: &'t [u8]) -> Box<dyn Iterator<Item = (usize, usize, usize)> + 't> {
        let shape = move |p: aho_corasick::PatternID| self.shapes[p.as_usize()];
        match &self.search {
            Search::Automaton(a) => Box::new(a.find_iter(text).map(move |m| (shape(m.pattern()), m.start(), m.end()))),
            Search::Packed(p) => Box::new(p.find_iter(text).map(move |m| (shape(m.pattern()), m.start(), m.end()))),
        }
    }
}

static AGENT: LazyLock<Markers> = LazyLock::new(|| Markers::of(|k| k != CB, false));
static CBS: LazyLock<Markers> = LazyLock::new(|| Markers::of(|k| k == CB, true));

/// Result codes that end an install without a failure (WUA success and error codes, Microsoft
/// Learn; ../shared/reference/wua-success-and-error-codes-.md): the restart it needs, an update
/// already there, an update not applicable.
fn install_result(code: u32) -> LifeEvent {
    match code {
        0 | 0x0024_0006 => LifeEvent::Installed,
        // WU_S_REBOOT_REQUIRED; WU_E_UH_POSTREBOOTSTILLPENDING.
        0x0024_0005 | 0x8024_2014 => LifeEvent::RestartPending,
        // WU_E_NOT_APPLICABLE.
        0x8024_0017 => LifeEvent::NotApplicable,
        c if c & 0x8000_0000 == 0 => LifeEvent::Installed,
        _ => LifeEvent::InstallFailed,
    }
}

/// Every sighting in file `fi`, in line order.
pub fn read(f: &LogFile, fi: usize) -> Vec<Sighting> {
    if !f.is_text() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if f.kind == LogKind::ReportingEvents {
        for (ei, e) in f.entries.iter().enumerate().filter(|(_, e)| e.parsed) {
            if let Some(s) = report_columns(f.record(e), fi, ei as u32) {
                out.push(s);
            }
        }
        return out;
    }
    let markers: &Markers = match f.kind {
        LogKind::WindowsUpdate | LogKind::EventLog | LogKind::UpdatesDeployment => &AGENT,
        LogKind::Cbs => &CBS,
        _ => return out,
    };
    let text = f.text.as_bytes();
    // The thread's pending `Title = ` line: (thread, title).
    let mut pending: Option<(u32, String)> = None;
    let mut last_entry = u32::MAX;
    for (shape, m_start, m_end) in markers.find(text) {
        let (marker, kinds, how) = SHAPES[shape];
        if !kinds.contains(&f.kind) {
            continue;
        }
        let ei = f.entries.partition_point(|e| (e.end as usize) < m_start);
        let Some(e) = f.entries.get(ei) else { break };
        if !e.parsed || m_start < e.msg_start as usize || m_end > e.msg_end as usize {
            continue;
        }
        let ei = ei as u32;
        let rest = line_of(&f.text[m_end..e.msg_end as usize]);
        let base = Sighting::at(fi, ei);
        let s = match how {
            Read::IdAfter(ev) => id_rev(rest).map(|(id, rev)| Sighting { event: Some(ev), id, revision: rev, ..base }),
            Read::Failed(ev) => id_rev(rest).map(|(id, rev)| {
                let msg = f.message(e);
                let code = msg.split_once("*FAILED* [").and_then(|(_, c)| hex_code(c));
                Sighting { event: Some(ev), id, revision: rev, code, ..base }
            }),
            Read::NewJob => rest.split_once("} for UpdateId ").and_then(|(job, tail)| {
                id_rev(tail).map(|(id, rev)| Sighting { event: Some(LifeEvent::DownloadStarted), id, revision: rev, job: job.to_ascii_lowercase(), ..base })
            }),
            Read::JobThenId(_) => job_line(rest, base),
            Read::History => history(rest, base),
            Read::Notify => notify(rest, base),
            Read::FinalStatus => final_status(f.message(e), rest, base),
            Read::Deserialized => rest.rsplit_once(", UpdateID = {").and_then(|(title, tail)| {
                id_rev(tail).map(|(id, rev)| Sighting { id, revision: rev, kb: super::class::kb_of(title), title: title.trim().to_string(), ..base })
            }),
            Read::Title => {
                // A marker inside a longer line (`... Title = ...` mid-sentence) is no title line.
                if f.message(e).trim_start().len() == rest.len() + marker.len() {
                    pending = Some((e.thread, rest.trim().to_string()));
                }
                None
            }
            Read::UpdateId => {
                let named = pending.take().filter(|(t, _)| *t == e.thread && f.message(e).trim_start().starts_with(marker));
                named.and_then(|(_, title)| id_rev(rest).map(|(id, rev)| Sighting { id, revision: rev, kb: super::class::kb_of(&title), title, ..base }))
            }
            Read::Report => report_columns(rest, fi, ei),
            Read::Event(ev) => event_line(f.message(e), ev, base),
            Read::Servicing(ev) => servicing_line(rest, ev, base),
            Read::Deployment => deployment_line(rest, base),
            Read::Cbs(line) => cbs_line(line, rest, base),
        };
        if let Some(s) = s {
            // One record, one sighting (a line that holds two markers says one thing).
            if s.entry == last_entry && s.event.is_some() && out.last().is_some_and(|l: &Sighting| l.event.is_some()) {
                continue;
            }
            last_entry = s.entry;
            out.push(s);
        }
    }
    out
}

/// The steps of the updates whose content the ConfigMgr client downloaded (`content.rs`): its
/// download's start, failures and completion, each on the line that says it, joined to the
/// update by its id (UpdatesHandler.log names it) and by the KB its file's name gives.
pub fn of_content(jobs: &[crate::diagnose::content::ContentJob]) -> Vec<Sighting> {
    use crate::diagnose::content::Step;
    let mut out = Vec::new();
    for j in jobs.iter().filter(|j| j.update.is_some()) {
        for &(file, entry, step) in &j.steps {
            let (event, code) = match step {
                Step::Requested => continue,
                Step::NoLocations => (LifeEvent::WaitingForContent, None),
                Step::Started => (LifeEvent::DownloadStarted, None),
                Step::Failed(code) => (LifeEvent::DownloadFailed, code),
                Step::Done => (LifeEvent::Downloaded, None),
            };
            let base = Sighting::at(file, entry as u32);
            out.push(Sighting { event: Some(event), id: j.update.clone().unwrap_or_default(), kb: j.kb.clone().unwrap_or_default(), code, ..base });
        }
    }
    out
}

/// The restart each ConfigMgr update that waited for one got: RebootCoordinator.log's first
/// "the restart began" line (`diagnose/reboot.rs`'s shapes) after the update's restart-pending
/// step in UpdatesDeployment.log, as a restart step on that line.
pub fn of_reboots(a: &crate::analysis::Analysis, sightings: &[Sighting]) -> Vec<Sighting> {
    let mut began: Vec<(i64, usize, u32)> = Vec::new();
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| f.is(LogKind::RebootCoordinator)) {
        for (ei, e) in f.entries.iter().enumerate() {
            let m = f.message(e);
            if crate::diagnose::reboot::INITIATED.iter().any(|k| m.contains(k)) {
                if let Some(t) = f.utc_ms(e) {
                    began.push((t, fi, ei as u32));
                }
            }
        }
    }
    if began.is_empty() {
        return Vec::new();
    }
    began.sort_unstable();
    let mut out: Vec<Sighting> = Vec::new();
    for s in sightings.iter().filter(|s| s.event == Some(LifeEvent::RestartPending) && a.files[s.file].is(LogKind::UpdatesDeployment)) {
        let f = &a.files[s.file];
        let Some(t) = f.entries.get(s.entry as usize).and_then(|e| f.utc_ms(e)) else { continue };
        let Some(&(_, rf, re)) = began.iter().find(|(b, _, _)| *b > t) else { continue };
        if !out.iter().any(|o| o.id == s.id && o.file == rf && o.entry == re) {
            out.push(Sighting { event: Some(LifeEvent::Restarted), id: s.id.clone(), revision: s.revision, kb: s.kb.clone(), ..Sighting::at(rf, re) });
        }
    }
    out
}

/// What UpdatesDeployment.log says of one update, from after its `/SUM_`: `<id>) Name (<title>)
/// ArticleID (<n>) added to the targeted list of deployment ({A})`, `<id>) Progress: Status =
/// ciStateInstalling, PercentComplete = 0, Result = 0x0`, or the enforcement state message that
/// confirms it installed after the restart.
fn deployment_line(rest: &str, base: Sighting) -> Option<Sighting> {
    let (id, rev) = id_rev(rest)?;
    let tail = rest.get(36..)?.trim_start_matches(')');
    if tail.contains("added to the targeted list of deployment") {
        let title = tail.split_once(" Name (").and_then(|(_, t)| t.rsplit_once(") ArticleID (")).map(|(t, _)| t.trim().to_string()).unwrap_or_default();
        let kb = tail
            .split_once("ArticleID (")
            .and_then(|(_, n)| n.split_once(')'))
            .map(|(n, _)| n.trim())
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .map(|n| format!("KB{n}"));
        let kb = kb.unwrap_or_else(|| super::class::kb_of(&title));
        return Some(Sighting { event: Some(LifeEvent::Assigned), id, revision: rev, kb, title, ..base });
    }
    // After the restart, the detection that follows it confirms each update installed (Microsoft
    // Learn, "Track the software update deployment process", step 10): `Raised update
    // (Site_S/SUM_U) enforcement state message successfully. StateId = 10, StateName =
    // CI_ENFORCEMENT_SUCCESSFULL`.
    if tail.contains("enforcement state message") {
        let name = tail.split_once("StateName = ")?.1;
        return name.starts_with("CI_ENFORCEMENT_SUCCESSFULL").then_some(Sighting { event: Some(LifeEvent::Installed), id, revision: rev, ..base });
    }
    let status = tail.split_once("Progress: Status = ")?.1;
    let state: String = status.chars().take_while(char::is_ascii_alphanumeric).collect();
    let code = status.split_once("Result = ").and_then(|(_, c)| hex_code(c));
    let event = match state.trim_start_matches("ciJobState").trim_start_matches("ciState") {
        "Downloading" => LifeEvent::DownloadStarted,
        "Installing" => LifeEvent::InstallStarted,
        "InstallComplete" => LifeEvent::Installed,
        "WaitReboot" | "PendingSoftReboot" | "PendingHardReboot" => LifeEvent::RestartPending,
        "WaitServiceWindow" => LifeEvent::WaitingForWindow,
        "Error" => LifeEvent::InstallFailed,
        _ => return None,
    };
    let code = if event == LifeEvent::InstallFailed { code } else { None };
    Some(Sighting { event: Some(event), id, revision: rev, code, ..base })
}

/// The text up to the end of its line.
fn line_of(s: &str) -> &str {
    &s[..memchr::memchr2(b'\r', b'\n', s.as_bytes()).unwrap_or(s.len())]
}

/// `9C8BCE6B-C976-4C32-90C5-7F1B9E3618C2.1 ...` or `{...}.200` → (id, revision).
fn id_rev(s: &str) -> Option<(String, Option<u32>)> {
    let s = s.trim_start().trim_start_matches('{');
    let id = s.get(..36)?;
    if !super::super::updates::is_guid(id) {
        return None;
    }
    let tail = s[36..].trim_start_matches('}');
    let rev =
        tail.strip_prefix('.').map(|t| t.bytes().take_while(u8::is_ascii_digit).fold(0u32, |n, d| n.saturating_mul(10).saturating_add(u32::from(d - b'0'))));
    Some((id.to_ascii_lowercase(), rev))
}

/// `DO job {J} completed successfully, updateId = U.R` / `DO job {J} failed, updateId = U.R, hr =
/// 0x80D02002. ...`; a transient error (`hit a transient error`) is retried and says nothing yet.
fn job_line(rest: &str, base: Sighting) -> Option<Sighting> {
    let (job, tail) = rest.split_once('}')?;
    let ev = if tail.starts_with(" completed successfully") {
        LifeEvent::Downloaded
    } else if tail.starts_with(" failed,") {
        LifeEvent::DownloadFailed
    } else {
        return None;
    };
    let (_, id) = tail.split_once("updateId = ")?;
    let (id, rev) = id_rev(id)?;
    let code = tail.split_once("hr = ").and_then(|(_, c)| hex_code(c));
    Some(Sighting { event: Some(ev), id, revision: rev, job: job.to_ascii_lowercase(), code, ..base })
}

/// The agent's history record of one update's install or download, with its result.
fn history(rest: &str, base: Sighting) -> Option<Sighting> {
    let (_, tail) = rest.split_once("idUpdate=")?;
    let (id, rev) = id_rev(tail)?;
    let op = tail.split_once("operation = ").map_or("Install", |(_, op)| op);
    let code = hex_code(tail.split_once("resultMapped=")?.1)?;
    let ev = if op.starts_with("Install") {
        install_result(code)
    } else if op.starts_with("Download") {
        if code & 0x8000_0000 == 0 {
            LifeEvent::Downloaded
        } else {
            LifeEvent::DownloadFailed
        }
    } else {
        return None;
    };
    Some(Sighting { event: Some(ev), id, revision: rev, code: (code != 0).then_some(code), ..base })
}

/// An install's end as the deployment job tells its caller: success or failure (its code
/// follows in the history record); progress says nothing.
fn notify(rest: &str, base: Sighting) -> Option<Sighting> {
    let (id, rev) = id_rev(rest)?;
    let code = rest.split_once("code = ")?.1;
    let ev = if code.starts_with("Update success") {
        LifeEvent::Installed
    } else if code.starts_with("Update failed") {
        LifeEvent::InstallFailed
    } else {
        return None;
    };
    Some(Sighting { event: Some(ev), id, revision: rev, ..base })
}

/// `Update U.R final deployment status: callbackCode = Update success, errCode = 0x00000000`.
fn final_status(msg: &str, rest: &str, base: Sighting) -> Option<Sighting> {
    let (id, rev) = id_rev(msg.trim_start().strip_prefix("Update ")?)?;
    let code = hex_code(rest.split_once("errCode = ")?.1)?;
    let ev = if rest.starts_with("Update success") { install_result(code) } else { install_result(code | 0x8000_0000) };
    Some(Sighting { event: Some(ev), id, revision: rev, code: (code != 0).then_some(code), ..base })
}

/// ReportingEvents.log's columns (also after `REPORT EVENT: ` in a Windows 7 WindowsUpdate.log):
/// record id, time, 1, event id (`183` or `183 [AGENT_INSTALLING_SUCCEEDED]`), 101, `{update}`,
/// revision, result in hex, caller, Success|Failure, category, text.
fn report_columns(record: &str, fi: usize, ei: u32) -> Option<Sighting> {
    let cols: Vec<&str> = record.split('\t').map(str::trim).collect();
    let event = cols.get(3)?;
    let number: u32 = event.split_whitespace().next()?.parse().ok()?;
    // `183 [AGENT_INSTALLING_SUCCEEDED]`: the name where the log writes one, else the number.
    let name = event.split_once('[').map_or("", |(_, n)| n.trim_end_matches(']'));
    let failure = cols.get(9).is_some_and(|c| c.eq_ignore_ascii_case("Failure"));
    let code = cols.get(7).and_then(|c| hex_code(c)).filter(|&c| c != 0);
    // The events ReportingEvents.log names (AGENT_DOWNLOAD_*, AGENT_INSTALLING_*) by the words
    // each writes in real logs: download failed 161, succeeded 162, cancelled 163, started 167;
    // installing started 181, ended 182, 183, 190 and 195 (Success or Failure in column 9),
    // succeeded with a restart required 191, restart required 194; reboot completed 202.
    let download = name.starts_with("AGENT_DOWNLOAD") || (name.is_empty() && (161..=167).contains(&number));
    let ev = if name.ends_with("_STARTED") || (name.is_empty() && matches!(number, 167 | 181)) {
        if download {
            LifeEvent::DownloadStarted
        } else {
            LifeEvent::InstallStarted
        }
    } else if name.contains("CANCEL") || (name.is_empty() && number == 163) {
        LifeEvent::Cancelled
    } else if download {
        if failure {
            LifeEvent::DownloadFailed
        } else {
            LifeEvent::Downloaded
        }
    } else if name.starts_with("AGENT_INSTALLING") || matches!(number, 182 | 183 | 190 | 191 | 194 | 195) {
        match (failure, number) {
            (true, _) => code.map_or(LifeEvent::InstallFailed, |c| install_result(c | 0x8000_0000)),
            (false, 191 | 194) => LifeEvent::RestartPending,
            (false, _) => LifeEvent::Installed,
        }
    } else if number == 202 {
        LifeEvent::Restarted
    } else {
        return None;
    };
    let (id, revision) = id_rev(cols.get(5)?)?;
    if id.bytes().all(|b| b == b'0' || b == b'-') {
        return None;
    }
    let text = cols.get(11).copied().unwrap_or("");
    let title =
        text.find("following update").and_then(|i| text[i..].split_once(": ")).map(|(_, t)| t.trim().trim_end_matches('.').to_string()).unwrap_or_default();
    let rev = cols.get(6).and_then(|r| r.parse().ok()).or(revision);
    Some(Sighting { event: Some(ev), kb: super::class::kb_of(&title), id, revision: rev, title, code, ..Sighting::at(fi, ei) })
}

/// `... Installation Failure: error 0x80073CF9, ... the update: <title> | ...`.
fn event_line(msg: &str, ev: LifeEvent, base: Sighting) -> Option<Sighting> {
    let (_, title) = msg.split_once("the update: ")?;
    let title = line_of(title).split(" | ").next()?.trim().to_string();
    let code = msg.split_once("error ").and_then(|(_, c)| hex_code(c)).filter(|&c| c != 0);
    let ev = match ev {
        LifeEvent::InstallFailed => code.map_or(LifeEvent::InstallFailed, install_result),
        ev => ev,
    };
    Some(Sighting { event: Some(ev), kb: super::class::kb_of(&title), title, code, ..base })
}

/// `KB5020683: from state Absent to Installed, client WindowsUpdateAgent` and its ends; a staging
/// request paused to download more (0x800F0816, CBS_E_DPX_JOB_STATE_SAVED; operations/eventlog.toml)
/// did not fail.
fn servicing_line(rest: &str, ev: LifeEvent, base: Sighting) -> Option<Sighting> {
    let package = rest.split([':', ' ', '|', ',']).next()?.trim();
    if package.is_empty() {
        return None;
    }
    let code = rest.split_once("result ").and_then(|(_, c)| hex_code(c));
    // The state it goes to (`from state Absent to Installed`; an end's `state Installed`): only an
    // install is part of the package's install story. A removal (`to Absent`, a store repair's
    // `Resolved to Absent`) or a staging (`to Staged`, paused with 0x800F0816 to fetch more) names
    // the package and says nothing of its install.
    let to = rest.split_once(" to ").or_else(|| rest.split_once("state ")).map(|(_, t)| t.split([',', ' ', '|']).next().unwrap_or(""));
    if !to.is_some_and(|t| t.eq_ignore_ascii_case("Installed")) {
        let kb = super::class::kb_of(package);
        return Some(Sighting { kb, title: package.to_string(), package: true, ..base });
    }
    let ev = match (ev, code) {
        (LifeEvent::InstallFailed, Some(0x800F_0816)) => return None,
        (LifeEvent::Installed, Some(c)) if c & 0x8000_0000 != 0 => LifeEvent::InstallFailed,
        (ev, _) => ev,
    };
    let kb = super::class::kb_of(package);
    Some(Sighting { event: Some(ev), kb, title: package.to_string(), package: true, code: code.filter(|&c| c != 0), ..base })
}

/// A CBS.log package line, from after its marker: the package (up to its comma, or for a
/// startup line up to ` completed`), and for an end its result. A session's result is its
/// HRESULT; a reported change's is its status, and only a change whose target is `Installed` is
/// part of an install story (a removal names the package and says nothing of it). 0x800F0816
/// (CBS_E_DPX_JOB_STATE_SAVED) pauses an express install to fetch more: no failure.
/// CBS_E_NOT_APPLICABLE (0x800F081E) is no failure either: the package does not apply.
fn cbs_line(line: CbsLine, rest: &str, base: Sighting) -> Option<Sighting> {
    let after = |key: &str| rest.split_once(key).map(|(_, v)| v);
    let package = match line {
        CbsLine::Started => after("Package: ")?.split(',').next()?,
        CbsLine::Complete => after("Package: ")?.split([',', ' ']).next()?,
        CbsLine::Startup => rest.split_once(" completed startup processing")?.0,
        CbsLine::Reported => rest.split(',').next()?,
    }
    .trim();
    if package.is_empty() || package.contains(' ') {
        return None;
    }
    let named = |base: Sighting| Sighting { kb: super::class::kb_of(package), title: package.to_string(), package: true, ..base };
    let result = |code: Option<u32>| match code {
        Some(0x800F_0816) => None,
        Some(0x800F_081E) => Some((LifeEvent::NotApplicable, None)),
        Some(c) if c & 0x8000_0000 != 0 => Some((LifeEvent::InstallFailed, Some(c))),
        Some(_) => Some((LifeEvent::Installed, None)),
        None => None,
    };
    let word = |key: &str| after(key).map(|v| v.split([',', ' ']).next().unwrap_or(""));
    let (event, code) = match line {
        CbsLine::Started => (LifeEvent::InstallStarted, None),
        CbsLine::Complete => result(after("[HRESULT = ").and_then(hex_code))?,
        CbsLine::Startup if word("new state: ") == Some("Installed") => (LifeEvent::Installed, None),
        CbsLine::Reported if word("target: ") == Some("Installed") => result(after("status: ").and_then(hex_code))?,
        _ => return Some(named(base)),
    };
    Some(Sighting { event: Some(event), code, ..named(base) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_codes_and_results() {
        assert_eq!(id_rev("9C8BCE6B-C976-4C32-90C5-7F1B9E3618C2.1 to search"), Some(("9c8bce6b-c976-4c32-90c5-7f1b9e3618c2".into(), Some(1))));
        assert_eq!(id_rev("{9C8BCE6B-C976-4C32-90C5-7F1B9E3618C2}.200"), Some(("9c8bce6b-c976-4c32-90c5-7f1b9e3618c2".into(), Some(200))));
        assert_eq!(id_rev("not an id"), None);
        assert_eq!(hex_code("0x80D02002. File"), Some(0x80D0_2002));
        assert_eq!(hex_code("80242014, resultUnMapped=0"), Some(0x8024_2014));
        assert_eq!(install_result(0x8024_2014), LifeEvent::RestartPending);
        assert_eq!(install_result(0x8007_3712), LifeEvent::InstallFailed);
        assert_eq!(install_result(0), LifeEvent::Installed);
    }

    fn cbs(line: CbsLine, rest: &str) -> Option<(Option<LifeEvent>, String, String, Option<u32>)> {
        let base = Sighting::at(0, 0);
        cbs_line(line, rest, base).map(|s| (s.event, s.title, s.kb, s.code))
    }

    #[test]
    fn reads_cbs_package_sessions() {
        let pkg = "Package_for_KB5026039~31bf3856ad364e35~amd64~~22621.1554.1.1";
        let started = "DISM Package Manager Provider, Session: 31069309_507941118, Package: PKG, Identifier: KB5026039, Install: true".replace("PKG", pkg);
        assert_eq!(cbs(CbsLine::Started, &started), Some((Some(LifeEvent::InstallStarted), pkg.into(), "KB5026039".into(), None)));
        let failed = "31069309_507941118, Package: PKG, Identifier: KB5026039 [HRESULT = 0x8024402c - Unknown Error]".replace("PKG", pkg);
        assert_eq!(cbs(CbsLine::Complete, &failed).map(|s| (s.0, s.3)), Some((Some(LifeEvent::InstallFailed), Some(0x8024_402C))));
        let ok = "31069309_507941118, Package: PKG, Identifier: KB5026039 [HRESULT = 0x00000000 - S_OK]".replace("PKG", pkg);
        assert_eq!(cbs(CbsLine::Complete, &ok).map(|s| s.0), Some(Some(LifeEvent::Installed)));
        let paused = "1_2, Package: PKG, Identifier: KB5026039 [HRESULT = 0x800f0816 - CBS_E_DPX_JOB_STATE_SAVED]".replace("PKG", pkg);
        assert_eq!(cbs(CbsLine::Complete, &paused), None);
        let startup = "PKG completed startup processing, new state: Installed, original: Staged, targeted: Installed".replace("PKG", pkg);
        assert_eq!(cbs(CbsLine::Startup, &startup).map(|s| s.0), Some(Some(LifeEvent::Installed)));
        let removed = "PKG, current: Absent, original: Installed, target: Absent, status: 0x0, failure source: Absent".replace("PKG", pkg);
        assert_eq!(cbs(CbsLine::Reported, &removed).map(|s| s.0), Some(None), "a removal only names it");
        let reported = "PKG, current: Staged, original: Staged, target: Installed, status: 0x800f0922, failure source: Startup".replace("PKG", pkg);
        assert_eq!(cbs(CbsLine::Reported, &reported).map(|s| (s.0, s.3)), Some((Some(LifeEvent::InstallFailed), Some(0x800F_0922))));
    }
}
