//! The content of deployed updates on a ConfigMgr client, as facts: for each content the client
//! asked for, the update it belongs to, the distribution point it came from and where its
//! download stands when the logs end.
//!
//! Microsoft Learn, "Track the software update deployment process" (KB 3090265), steps 5 to 7:
//! UpdatesHandler.log names each update's content (`Bundle update (U) is requesting download
//! ...`, then `Content Text = <Content ContentId="C" Version="V"><FileContent Name="F" ...`);
//! Content Access (CAS.log) requests it (`Requesting content C.V`, `Submitted CTM job {J} to
//! download Content C.V`), Content Transfer Manager finds its locations and hands the download
//! to Data Transfer Service (`CTM job {J} (corresponding DTS job {D}) started download from
//! 'URL'`), which reports `DTSJob {D} successfully completed download.`; CAS.log then says
//! `Download completed for content C.V` and `Hash verification succeeded for content C.V`.
//! Where it breaks: "Clients fail to download content from a distribution point with HTTP 405
//! errors" (DataTransferService.log: `Error sending DAV request. HTTP code 405, status 'Method
//! Not Allowed'`, `GetDirectoryList_HTTP('URL') failed with code 0x87d0027e.`,
//! `DTSJob({D}):CDTSJob::ProcessManifestCallback - Error retrieving manifest (0x87d0027e).`);
//! a content no distribution point offers leaves its CTM job in
//! `CCM_DOWNLOADSTATUS_WAITING_CONTENTLOCATIONS` after `Received empty location update`.
//!
//! Lines are read in time order across the four logs (each names its own ids: content, CTM job,
//! DTS job), so a drop of the client's whole `CCM\Logs` folder joins them.

use crate::analysis::Analysis;
use crate::model::{hex_code, LinkState, LogFile, LogKind, STALL_AFTER_MS};

/// Where one content's download stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContentState {
    /// Asked for (CAS.log); no location or transfer line yet.
    Requested,
    /// Its CTM job waits for the management point to name a distribution point.
    WaitingForLocations,
    /// The location request came back empty: no distribution point offers it to this client.
    NoLocations,
    /// A transfer started and has not ended.
    Downloading,
    /// The transfer failed, with no later success.
    Failed,
    /// Downloaded into the client cache.
    Downloaded,
    /// Downloaded, and its hash matched.
    Verified,
}

impl ContentJob {
    /// The lines that prove it: its first, its latest failure's, the one its state is read from.
    pub fn lines(&self) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        for l in [self.first, self.failure, self.decisive].into_iter().flatten() {
            if !out.contains(&l) {
                out.push(l);
            }
        }
        out
    }
}

impl ContentState {
    /// The download ended well.
    pub fn is_done(self) -> bool {
        matches!(self, ContentState::Downloaded | ContentState::Verified)
    }
}

impl ContentJob {
    /// Where this content stands in the chain, the one definition the finding, the Content
    /// link, the ledger row and the badge read: a failure with no later success fails; no
    /// distribution point offering it, or no line for [`STALL_AFTER_MS`] or more while it is
    /// asked for, located or downloading, waits; such a content with a line more recent than
    /// that is still running when the logs end; downloaded is ok.
    pub fn link_state(&self) -> LinkState {
        match self.state {
            ContentState::Failed => LinkState::Failed,
            ContentState::NoLocations => LinkState::Waiting,
            ContentState::Requested | ContentState::WaitingForLocations | ContentState::Downloading => {
                if self.stalled() {
                    LinkState::Waiting
                } else {
                    LinkState::Running
                }
            }
            ContentState::Downloaded | ContentState::Verified => LinkState::Ok,
        }
    }

    /// Asked for, located or downloading, with no line for [`STALL_AFTER_MS`] or more when the
    /// logs end.
    pub fn stalled(&self) -> bool {
        matches!(self.state, ContentState::Requested | ContentState::WaitingForLocations | ContentState::Downloading)
            && self.open_ms.is_some_and(|t| t >= STALL_AFTER_MS)
    }
}

/// Where the contents stand together: the worst of theirs (failed, then waiting, then running);
/// `None` without a content.
pub fn link_state(jobs: &[ContentJob]) -> Option<LinkState> {
    jobs.iter().map(ContentJob::link_state).min()
}

/// One content a deployment needed (facts; words in `output/words/chain.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentJob {
    /// `fbb5724a-aa0f-47f9-908a-47068fd8ad6f.1`: the content id and its version, as CAS.log names it.
    pub content: String,
    /// The update id (lower case) whose download asked for it, where UpdatesHandler.log says so.
    pub update: Option<String>,
    /// Its first file (`windows6.1-kb2705219-v2-x64.cab`), where UpdatesHandler.log names it.
    pub file_name: Option<String>,
    /// `KB2705219`, from its file's name.
    pub kb: Option<String>,
    /// The URL it was downloaded from (its distribution point), the latest one.
    pub source: Option<String>,
    pub state: ContentState,
    /// The failure's code (`0x87D0027E`) for `Failed`, else the latest failure's before it ended well.
    pub code: Option<u32>,
    /// The HTTP answer the transfer got before it failed: its status code and text (`405`,
    /// `Method Not Allowed`).
    pub http: Option<(u16, String)>,
    /// Failures logged for it (past ones too).
    pub failures: usize,
    /// The time of its first line and of the line its state is read from (as the logs wrote them).
    pub since: Option<String>,
    pub at: Option<String>,
    /// UTC ms of the line its state is read from, and how long its logs go on after it.
    pub at_ms: Option<i64>,
    pub open_ms: Option<i64>,
    /// Its first line (file, entry), the line its state is read from, and its latest failure's.
    pub first: Option<(usize, usize)>,
    pub decisive: Option<(usize, usize)>,
    pub failure: Option<(usize, usize)>,
    /// Every line read for it with what it says, for the ledger (file, entry, what).
    pub steps: Vec<(usize, usize, Step)>,
}

/// What one line says of a content, for the ledger's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Requested,
    /// The location request came back empty: no distribution point offers it.
    NoLocations,
    Started,
    Failed(Option<u32>),
    Done,
}

/// What one line of the four logs says.
#[derive(Debug, PartialEq, Eq)]
enum Said<'t> {
    /// UpdatesHandler: update `U` asks for its content (the next `Content Text` names it).
    Asks(&'t str),
    /// UpdatesHandler: `Content Text = <Content ContentId="C" Version="V"><FileContent Name="F"`.
    ContentText { content: String, file: Option<&'t str> },
    /// CAS: `Requesting content C.V, ...`.
    Requesting(&'t str),
    /// CAS: `Submitted CTM job {J} to download Content C.V under context ...`.
    Submitted { job: &'t str, content: &'t str },
    /// CAS: `Download started for content C.V`.
    Started(&'t str),
    /// CAS: `Download completed for content C.V under context ...`.
    Completed(&'t str),
    /// CAS: `Hash verification succeeded for content C.V downloaded under context ...`.
    Verified(&'t str),
    /// CTM: `CTM job {J} (corresponding DTS job {D}) started download from 'URL' ...`.
    Transfer { job: &'t str, dts: &'t str, url: &'t str },
    /// CTM: `CTM job {J} entered phase CCM_DOWNLOADSTATUS_WAITING_CONTENTLOCATIONS`.
    WaitingLocations(&'t str),
    /// CTM: `... Received empty location update` (its job where the line names one).
    EmptyLocations(Option<&'t str>),
    /// CTM: `CCTMJob::EvaluateState(JobID={J}, State=Complete)`.
    JobComplete(&'t str),
    /// DTS: `DTSJob {D} successfully completed download.`
    DtsDone(&'t str),
    /// DTS: `Error sending DAV request. HTTP code N, status 'S'`.
    Http(u16, &'t str),
    /// DTS: `GetDirectoryList_HTTP('URL') failed with code 0x...` or `DTSJob({D}):... Error
    /// retrieving manifest (0x...)`: a transfer failed (its job or URL, its code).
    DtsFailed { dts: Option<&'t str>, url: Option<&'t str>, code: Option<u32> },
}

/// Failure lines of one content this close together are one try's.
const SAME_TRY_MS: i64 = 5_000;

/// The logs read; the lines are those the `update_content` rule's literals pick
/// (`rules/configmgr-chain.toml`, found by the literal catalog in one pass per file).
const LOGS: [LogKind; 4] = [LogKind::UpdatesHandler, LogKind::ContentAccess, LogKind::ContentTransferManager, LogKind::DataTransferService];

fn said(kind: LogKind, m: &str) -> Option<Said<'_>> {
    let m = m.trim();
    match kind {
        LogKind::UpdatesHandler => {
            if let Some((_, rest)) = m.split_once("pdate (").filter(|_| m.contains("is requesting download")) {
                return rest.split_once(')').map(|(u, _)| Said::Asks(u.trim()));
            }
            let text = m.split_once("Content Text = ")?.1;
            let id = attr(text, "ContentId")?;
            let version = attr(text, "Version").unwrap_or("1");
            Some(Said::ContentText { content: [id, ".", version].concat().to_ascii_lowercase(), file: attr(text, "Name") })
        }
        LogKind::ContentAccess => {
            if let Some(rest) = m.strip_prefix("Requesting content ") {
                return Some(Said::Requesting(word(rest)));
            }
            if let Some(rest) = m.strip_prefix("Submitted CTM job ") {
                let (job, tail) = rest.split_once(" to download Content ")?;
                return Some(Said::Submitted { job: job.trim(), content: word(tail) });
            }
            if let Some(rest) = m.strip_prefix("Download started for content ") {
                return Some(Said::Started(word(rest)));
            }
            if let Some(rest) = m.strip_prefix("Download completed for content ") {
                return Some(Said::Completed(word(rest)));
            }
            if let Some(rest) = m.strip_prefix("Hash verification succeeded for content ") {
                return Some(Said::Verified(word(rest)));
            }
            None
        }
        LogKind::ContentTransferManager => {
            if let Some((head, tail)) = m.split_once(" (corresponding DTS job ") {
                let job = head.strip_prefix("CTM job ")?.trim();
                let (dts, rest) = tail.split_once(')')?;
                let url = rest.split_once("started download from '")?.1.split('\'').next()?;
                return Some(Said::Transfer { job, dts: dts.trim(), url });
            }
            if m.contains("CCM_DOWNLOADSTATUS_WAITING_CONTENTLOCATIONS") {
                return m.strip_prefix("CTM job ").map(|r| Said::WaitingLocations(word(r)));
            }
            if m.contains("Received empty location update") {
                return Some(Said::EmptyLocations(guid_in(m)));
            }
            let rest = m.strip_prefix("CCTMJob::EvaluateState(JobID=")?;
            rest.split_once(", State=Complete)").map(|(j, _)| Said::JobComplete(j.trim()))
        }
        LogKind::DataTransferService => {
            if let Some(rest) = m.strip_prefix("DTSJob ").filter(|r| r.contains("successfully completed download")) {
                return Some(Said::DtsDone(word(rest)));
            }
            if let Some(rest) = m.split_once("Error sending DAV request. HTTP code ").map(|(_, r)| r) {
                let (code, status) = rest.split_once(", status '").unwrap_or((rest, ""));
                return Some(Said::Http(code.trim().parse().ok()?, status.trim_end_matches('\'').trim()));
            }
            if let Some((_, rest)) = m.split_once("GetDirectoryList_HTTP('") {
                let (url, tail) = rest.split_once("')")?;
                return Some(Said::DtsFailed { dts: None, url: Some(url), code: code_after(tail, "failed with code ") });
            }
            if m.contains("Error retrieving manifest") {
                let dts = m.strip_prefix("DTSJob(").and_then(|r| r.split_once(')')).map(|(d, _)| d.trim());
                return Some(Said::DtsFailed { dts, url: None, code: code_after(m, "Error retrieving manifest (") });
            }
            None
        }
        _ => None,
    }
}

/// The first whitespace-free word of `s`, without a trailing comma or period.
fn word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("").trim_end_matches([',', '.'])
}

/// `Name="value"` in an XML-ish text.
fn attr<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let at = text.match_indices(name).map(|(i, _)| i + name.len()).find(|&i| text[i..].starts_with("=\""))? + 2;
    text[at..].split('"').next().filter(|v| !v.is_empty())
}

/// The first `{GUID}` of a line.
fn guid_in(m: &str) -> Option<&str> {
    let start = m.find('{')?;
    let end = start + m[start..].find('}')? + 1;
    (end - start == 38).then(|| &m[start..end])
}

/// The hexadecimal code after `marker` (`0x87d0027e`).
fn code_after(s: &str, marker: &str) -> Option<u32> {
    s.split_once(marker).and_then(|(_, rest)| hex_code(rest))
}

/// The contents of the drop's ConfigMgr client logs, in the order they were first asked for.
/// Empty without CAS.log (a content is only known from its request there).
pub fn read(a: &Analysis, matched: &[(usize, usize)]) -> Vec<ContentJob> {
    if !a.files.iter().any(|f| f.is(LogKind::ContentAccess)) {
        return Vec::new();
    }
    // Every matched line, in time order (a line with no time keeps its file's order).
    let mut lines: Vec<(i64, usize, usize, LogKind)> = Vec::new();
    let mut last = (usize::MAX, i64::MIN);
    for &(fi, ei) in matched {
        let f = &a.files[fi];
        let Some(kind) = LOGS.iter().copied().find(|k| f.is(*k)) else { continue };
        let e = &f.entries[ei];
        if !e.parsed || !f.is_text() {
            continue;
        }
        if last.0 != fi {
            last = (fi, i64::MIN);
        }
        last.1 = f.utc_ms(e).unwrap_or(last.1);
        lines.push((last.1, fi, ei, kind));
    }
    lines.sort_by_key(|&(t, fi, ei, _)| (t, fi, ei));
    let mut r = Reader::default();
    for &(t, fi, ei, kind) in &lines {
        let f = &a.files[fi];
        if let Some(s) = said(kind, f.message(&f.entries[ei])) {
            r.take(a, s, (fi, ei), t);
        }
    }
    // The logs end at the latest line of any of them, whatever it says.
    let end = a
        .files
        .iter()
        .filter(|f| f.is_text() && LOGS.iter().any(|k| f.is(*k)))
        .filter_map(|f| f.entries.iter().rev().take(64).filter_map(|e| f.utc_ms(e)).max())
        .max();
    for j in &mut r.jobs {
        j.open_ms = end.zip(j.at_ms).map(|(e, t)| e - t);
        // UpdatesHandler names a content in the second CAS.log requests it: joined once all is read.
        if let Some((_, u, file)) = r.named.iter().find(|(c, _, _)| *c == j.content) {
            j.update = Some(u.clone());
            j.file_name.clone_from(file);
            j.kb = file.as_deref().map(|f| crate::diagnose::updates::kb_of(&f.to_ascii_uppercase())).filter(|k| !k.is_empty());
        }
    }
    let named_any = !r.named.is_empty();
    r.jobs.retain(|j| is_update_content(j, named_any));
    r.jobs
}

/// The prefix of an application's content id (`Content_<guid>.<version>`); a software update's
/// content id is a bare GUID (KB 3090265's CAS.log lines; Microsoft Learn, "Log files for
/// application management": AppEnforce.log installs from the `Content_` content CAS.log
/// downloaded).
const APPLICATION_CONTENT: &str = "content_";

/// A content belongs to the update chain when UpdatesHandler.log names it for an update. Where
/// UpdatesHandler.log names other contents and not this one, it is not an update's (an
/// application's or a package's, downloaded through the same logs); where it names none (not
/// given, or rolled over), when its id is not an application's.
fn is_update_content(j: &ContentJob, named_any: bool) -> bool {
    if j.update.is_some() {
        return true;
    }
    !named_any && !j.content.starts_with(APPLICATION_CONTENT)
}

#[derive(Default)]
struct Reader {
    jobs: Vec<ContentJob>,
    /// Content → (update, file), from UpdatesHandler.log.
    named: Vec<(String, String, Option<String>)>,
    /// The update whose `Content Text` comes next.
    asking: Option<String>,
    /// CTM job → content index; DTS job → content index.
    ctm: Vec<(String, usize)>,
    dts: Vec<(String, usize)>,
    /// The latest CTM job that waits for locations, and the latest HTTP answer of a transfer.
    waiting: Option<usize>,
    http: Option<(u16, String)>,
}

impl Reader {
    fn job(&mut self, content: &str) -> usize {
        let content = content.to_ascii_lowercase();
        if let Some(i) = self.jobs.iter().position(|j| j.content == content) {
            return i;
        }
        self.jobs.push(ContentJob {
            content,
            update: None,
            file_name: None,
            kb: None,
            source: None,
            state: ContentState::Requested,
            code: None,
            http: None,
            failures: 0,
            since: None,
            at: None,
            at_ms: None,
            open_ms: None,
            first: None,
            decisive: None,
            failure: None,
            steps: Vec::new(),
        });
        self.jobs.len() - 1
    }

    fn by(list: &[(String, usize)], id: &str) -> Option<usize> {
        list.iter().rev().find(|(j, _)| j.eq_ignore_ascii_case(id)).map(|&(_, i)| i)
    }

    /// The content `i` is now in `state`, read from `line`.
    fn set(&mut self, a: &Analysis, i: usize, state: ContentState, line: (usize, usize), t: i64, step: Option<Step>) {
        let f: &LogFile = &a.files[line.0];
        let j = &mut self.jobs[i];
        // A late line of a transfer (its job's completion) never takes back a verified hash.
        if j.state == ContentState::Verified && state == ContentState::Downloaded {
            return;
        }
        j.state = state;
        j.at = crate::model::time_of(f, line.1);
        j.at_ms = (t != i64::MIN).then_some(t);
        if j.since.is_none() {
            j.since.clone_from(&j.at);
        }
        if let Some(s) = step {
            j.steps.push((line.0, line.1, s));
        }
        j.first = j.first.or(Some(line));
        j.decisive = Some(line);
        if state == ContentState::Failed {
            j.failure = Some(line);
        }
    }

    fn take(&mut self, a: &Analysis, s: Said, line: (usize, usize), t: i64) {
        match s {
            Said::Asks(update) => self.asking = Some(update.to_ascii_lowercase()),
            Said::ContentText { content, file } => {
                if let Some(u) = self.asking.take() {
                    self.named.push((content, u, file.map(str::to_string)));
                }
            }
            Said::Requesting(c) => {
                let i = self.job(c);
                if self.jobs[i].since.is_none() {
                    self.set(a, i, ContentState::Requested, line, t, Some(Step::Requested));
                }
            }
            Said::Submitted { job, content } => {
                let i = self.job(content);
                self.ctm.push((job.to_string(), i));
                if self.jobs[i].since.is_none() {
                    self.set(a, i, ContentState::Requested, line, t, Some(Step::Requested));
                }
            }
            Said::WaitingLocations(job) => {
                if let Some(i) = Self::by(&self.ctm, job) {
                    self.waiting = Some(i);
                    if !self.jobs[i].state.is_done() {
                        self.set(a, i, ContentState::WaitingForLocations, line, t, None);
                    }
                }
            }
            Said::EmptyLocations(job) => {
                if let Some(i) = job.and_then(|j| Self::by(&self.ctm, j)).or(self.waiting) {
                    if !self.jobs[i].state.is_done() {
                        self.set(a, i, ContentState::NoLocations, line, t, Some(Step::NoLocations));
                    }
                }
            }
            Said::Transfer { job, dts, url } => {
                if let Some(i) = Self::by(&self.ctm, job) {
                    self.dts.push((dts.to_string(), i));
                    self.jobs[i].source = Some(url.to_string());
                    if !self.jobs[i].state.is_done() {
                        self.set(a, i, ContentState::Downloading, line, t, Some(Step::Started));
                    }
                }
            }
            Said::Started(c) => {
                let i = self.job(c);
                if !matches!(self.jobs[i].state, ContentState::Downloading) && !self.jobs[i].state.is_done() {
                    self.set(a, i, ContentState::Downloading, line, t, Some(Step::Started));
                }
            }
            Said::Http(code, status) => self.http = Some((code, status.to_string())),
            Said::DtsFailed { dts, url, code } => {
                let i = dts.and_then(|d| Self::by(&self.dts, d)).or_else(|| url.and_then(|u| self.of_url(u)));
                if let Some(i) = i {
                    let http = self.http.take();
                    let j = &mut self.jobs[i];
                    // One try logs its failure twice (the directory list, then the manifest).
                    if j.state != ContentState::Failed || j.at_ms.is_none_or(|at| t - at > SAME_TRY_MS) {
                        j.failures += 1;
                    }
                    j.code = code.or(j.code);
                    if http.is_some() {
                        j.http = http;
                    }
                    if url.is_some() && j.source.is_none() {
                        j.source = url.map(str::to_string);
                    }
                    self.set(a, i, ContentState::Failed, line, t, Some(Step::Failed(code)));
                }
            }
            Said::DtsDone(dts) => {
                if let Some(i) = Self::by(&self.dts, dts) {
                    self.set(a, i, ContentState::Downloaded, line, t, None);
                }
            }
            Said::JobComplete(job) => {
                if let Some(i) = Self::by(&self.ctm, job) {
                    self.set(a, i, ContentState::Downloaded, line, t, None);
                }
            }
            Said::Completed(c) => {
                let i = self.job(c);
                self.set(a, i, ContentState::Downloaded, line, t, Some(Step::Done));
            }
            Said::Verified(c) => {
                let i = self.job(c);
                self.set(a, i, ContentState::Verified, line, t, None);
            }
        }
    }

    /// The content whose id a transfer's URL names (`.../SMS_DP_SMSPKG$/Content_<id>.1`).
    fn of_url(&self, url: &str) -> Option<usize> {
        let url = url.to_ascii_lowercase();
        self.jobs.iter().rposition(|j| {
            let id = j.content.rsplit_once('.').map_or(j.content.as_str(), |(id, _)| id);
            url.contains(id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{said, Said, LOGS};
    use crate::model::LogKind;

    /// Each log the reader reads has its lines picked by the `update_content` rule's literals.
    #[test]
    fn the_rule_picks_the_lines_of_every_log_read() {
        let rule = crate::diagnose::defs::rules().iter().find(|r| r.id == "update_content").expect("the rule");
        for kind in LOGS {
            assert!(rule.lines.iter().any(|l| l.logs.contains(&kind) && !l.m.any.is_empty()), "{kind:?}");
        }
    }

    #[test]
    fn lines_as_microsoft_shows_them() {
        assert_eq!(
            said(
                LogKind::ContentAccess,
                "Submitted CTM job {E0452CF4-5B04-4A1A-B8EB-10B11B063249} to download Content fbb5724a-aa0f-47f9-908a-47068fd8ad6f.1 under context System"
            ),
            Some(Said::Submitted { job: "{E0452CF4-5B04-4A1A-B8EB-10B11B063249}", content: "fbb5724a-aa0f-47f9-908a-47068fd8ad6f.1" })
        );
        assert_eq!(
            said(LogKind::ContentTransferManager, "CTM job {E0452CF4-5B04-4A1A-B8EB-10B11B063249} (corresponding DTS job {594E9A72-43D1-48D1-A639-D18DF7D286A2}) started download from 'http://PR1SITE.CONTOSO.COM/SMS_DP_SMSPKG$/fbb5724a-aa0f-47f9-908a-47068fd8ad6f' for full content download."),
            Some(Said::Transfer {
                job: "{E0452CF4-5B04-4A1A-B8EB-10B11B063249}",
                dts: "{594E9A72-43D1-48D1-A639-D18DF7D286A2}",
                url: "http://PR1SITE.CONTOSO.COM/SMS_DP_SMSPKG$/fbb5724a-aa0f-47f9-908a-47068fd8ad6f"
            })
        );
        assert_eq!(
            said(LogKind::DataTransferService, "GetDirectoryList_HTTP('https://DP.Contoso.com:443/SMS_DP_SMSPKG$/Content_1.1') failed with code 0x87d0027e."),
            Some(Said::DtsFailed { dts: None, url: Some("https://DP.Contoso.com:443/SMS_DP_SMSPKG$/Content_1.1"), code: Some(0x87D0_027E) })
        );
        assert_eq!(
            said(
                LogKind::DataTransferService,
                "DTSJob({594E9A72-43D1-48D1-A639-D18DF7D286A2}):CDTSJob::ProcessManifestCallback - Error retrieving manifest (0x87d0027e)."
            ),
            Some(Said::DtsFailed { dts: Some("{594E9A72-43D1-48D1-A639-D18DF7D286A2}"), url: None, code: Some(0x87D0_027E) })
        );
        assert_eq!(
            said(LogKind::DataTransferService, "Error sending DAV request. HTTP code 405, status 'Method Not Allowed'"),
            Some(Said::Http(405, "Method Not Allowed"))
        );
        assert_eq!(
            said(LogKind::UpdatesHandler, "Content Text = <Content ContentId=\"FBB5724A-aa0f-47f9-908a-47068fd8ad6f\" Version=\"1\"><FileContent Name=\"windows6.1-kb2705219-v2-x64.cab\" Hash=\"8E\" Size=\"199093\"/></Content>"),
            Some(Said::ContentText { content: "fbb5724a-aa0f-47f9-908a-47068fd8ad6f.1".to_string(), file: Some("windows6.1-kb2705219-v2-x64.cab") })
        );
        assert_eq!(
            said(
                LogKind::UpdatesHandler,
                "Bundle update (3cbcf577-5139-49b8-afe8-620af5c52f95) is requesting download from child updates for action (INSTALL)"
            ),
            Some(Said::Asks("3cbcf577-5139-49b8-afe8-620af5c52f95"))
        );
    }
}
