//! What failing machines share: for a group of machines that failed the same way, the value of
//! an attribute (the update server, the proxy, the failing update, the OS build, the cache
//! server, ConfigMgr's management point) that the group holds and the
//! rest of the fleet does not, tested as a contrast; and when the group's failures began.
//!
//! The rule, documented in docs/fleet.md:
//! - a group needs at least [`MIN_GROUP`] machines;
//! - a value is shared when at least [`MIN_SHARE`] of the group hold it;
//! - it is a shared cause when Fisher's exact test (one-sided: the group holds the value more
//!   often than the fleet's other readable machines) gives p ≤ [`ALPHA`]; a value every readable
//!   machine holds is never one (nothing to contrast);
//! - the onset is a change in time only where it is sharp and significant by the same test:
//!   - the group's window runs from the latest of its machines' last successes (excluded) to the
//!     latest of their first failures; at least [`MIN_SHARE`] of the group (and [`MIN_GROUP`]
//!     machines) give both times, and every last success comes before every first failure: one
//!     window holds the break of them all (times compared as written);
//!   - another readable machine broke in the window when it failed, its own last success came at
//!     or before the window's start and its first failure falls in the window; it was seen
//!     across the window when it broke in it or its logs span it (they begin at or before the
//!     window's start and end at or after its end);
//!   - sharp: the group's first failures fall within a span `w` so short against the time `S`
//!     its machines' logs cover (the median machine's, from its first to its last record) that
//!     n failures at random times of such logs would rarely be as close: n·x^(n−1) − (n−1)·x^n
//!     ≤ [`ALPHA`] with x = w / S ([`chance_within`]: failures spread over days of logs of a few
//!     days are not sharp); and at least [`MIN_SHARE`] of the machines that broke in the window are the group's
//!     (the rest of the fleet shows no such break there: unrelated faults whose failures spread
//!     over days meet the fleet's other faults in their window), and some machine seen across
//!     the window did not break (else nothing contrasts: a window no other machine's logs reach
//!     says nothing of the fleet);
//!   - significant: Fisher's exact test of the group's breaks against those of the other
//!     machines seen across the window gives p ≤ [`ALPHA`];
//!   - otherwise the machines stay in their root-cause group with no onset.
//!
//! Facts only: the words are the fleet text's and the page's.

use serde::{Deserialize, Serialize};
use statrs::distribution::{DiscreteCDF, Hypergeometric};

/// What the rule reads of one machine's fleet row (`MachineRow::facts`).
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    /// The machine's name.
    pub machine: &'a str,
    /// False for a bundle that could not be read (it counts for nothing).
    pub readable: bool,
    /// `http://wsus02:8530`.
    pub server: &'a str,
    /// The `file:line` that names it.
    pub server_from: &'a str,
    /// The WinHTTP proxy, empty or `direct` for none.
    pub proxy: &'a str,
    /// The `file:line` that names it.
    pub proxy_from: &'a str,
    /// The OS build (`10.0.19042.508`), empty when not known.
    pub os_build: &'a str,
    /// The `file:line` that names it.
    pub os_build_from: &'a str,
    /// Delivery Optimization's Connected Cache server, empty when none is named.
    pub cache_host: &'a str,
    /// The `file:line` that names it.
    pub cache_host_from: &'a str,
    /// ConfigMgr's assigned management point, empty when not known.
    pub management_point: &'a str,
    /// The `file:line` that names it.
    pub management_point_from: &'a str,
    /// The KBs failing on the machine.
    pub failing_updates: Vec<&'a str>,
    /// When its failures began (as written).
    pub failing_since: &'a str,
    /// Its last success before them (as written).
    pub last_success: &'a str,
    /// Whether the machine failed (its row's status).
    pub failed: bool,
    /// The time of its logs' earliest timed record (as written), empty when none has a time.
    pub first_time: &'a str,
    /// The time of its logs' latest timed record (as written).
    pub last_time: &'a str,
    /// Its ConfigMgr chain, link by link ([`Links`]).
    pub links: Links<'a>,
}

/// What the site's causes read of a row: its ConfigMgr chain's links and its place in the site.
#[derive(Debug, Clone, Default)]
pub struct Links<'a> {
    /// Each link's state and code (`scan`, `failed`, `0x80244022`).
    pub states: Vec<(crate::model::LinkId, crate::model::LinkState, &'a str)>,
    /// The window link's first line's time (as written): since when it waits.
    pub waiting_since: &'a str,
    /// The distribution points its content came from, `;`-joined.
    pub dps: &'a str,
    /// The one a download failed at, its answer, and the line.
    pub dp_failed: &'a str,
    /// The distribution point's answer (`HTTP 405`).
    pub dp_failed_code: &'a str,
    /// Where that failure was read.
    pub dp_failed_from: &'a str,
    /// `on`, `off` or empty; and the line.
    pub software_updates: &'a str,
    /// Where `software_updates` was read.
    pub software_updates_from: &'a str,
    /// Maintenance-window types with no window (`4;2`) and the next window's start.
    pub window_types_missing: &'a str,
    /// When the next window begins, as written.
    pub window_next: &'a str,
    /// A site server's software update points whose synchronization fails (`;`-joined hosts),
    /// since when, and the line.
    pub sync_failing: &'a str,
    /// When the first of them began to fail.
    pub sync_failing_since: &'a str,
    /// Where that failure was read.
    pub sync_failing_from: &'a str,
    /// The KBs whose install failed, with their codes.
    pub install_failures: Vec<(&'a str, &'a str)>,
    /// Each KB whose install ended here: installed (false) or failed (true).
    pub installs: Vec<(&'a str, bool)>,
}

impl Links<'_> {
    /// The link's state, if the chain states it.
    pub fn state(&self, link: crate::model::LinkId) -> Option<crate::model::LinkState> {
        self.states.iter().find(|(l, _, _)| *l == link).map(|(_, s, _)| *s)
    }

    /// The link's code, or empty.
    pub fn code(&self, link: crate::model::LinkId) -> &str {
        self.states.iter().find(|(l, _, _)| *l == link).map_or("", |(_, _, c)| c)
    }

    /// The link ran in these logs: its outcome is known.
    fn told(&self, link: crate::model::LinkId) -> bool {
        use crate::model::LinkState;
        self.state(link).is_some_and(|s| !matches!(s, LinkState::NotInLogs | LinkState::NotReached))
    }
}

/// A group smaller than this is never given a shared cause (a handful of unrelated faults).
pub const MIN_GROUP: usize = 3;
/// The share of a group that must hold a value.
pub const MIN_SHARE: f64 = 0.9;
/// The share of the machines holding a value that must be in the group: a server that serves
/// most of its machines well is not what breaks the others, however significant the contrast.
pub const MIN_PURITY: f64 = 0.5;
/// Fisher's exact test's threshold.
pub const ALPHA: f64 = 0.01;

/// What a shared cause is about.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// The WSUS server the machines use (`MachineRow::wsus_server`).
    Server,
    /// The WinHTTP proxy (`MachineRow::proxy`).
    Proxy,
    /// An update that fails on the machine (its KB, from the row's ledger).
    Update,
    /// The OS build (`MachineRow::os_build`): a fault of one build.
    OsBuild,
    /// Delivery Optimization's Connected Cache server (`MachineRow::do_cache_host`).
    CacheHost,
    /// ConfigMgr's management point the client is assigned to (`MachineRow::management_point`).
    ManagementPoint,
}

/// Every attribute, in the order the rule tries them.
pub const ATTRIBUTES: [Attribute; 6] =
    [Attribute::Server, Attribute::Proxy, Attribute::Update, Attribute::OsBuild, Attribute::CacheHost, Attribute::ManagementPoint];

/// A value a group of failed machines shares and the rest of the fleet does not.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Shared {
    /// What it is about.
    pub attribute: Attribute,
    /// `http://wsus02:8530`, `proxy01:8080`, `KB5044273`.
    pub value: String,
    /// Machines of the group that hold it.
    pub in_group: usize,
    /// The group's size.
    pub group: usize,
    /// Readable machines outside the group that hold it.
    pub others_with: usize,
    /// Readable machines outside the group whose logs tell this attribute (for a server or a
    /// proxy: name one), the machines it is contrasted with.
    pub others: usize,
    /// Fisher's exact test, one-sided.
    pub p: f64,
    /// A few of the group's machines that hold it (the evidence), with where their row read it
    /// (`wsus_server_from` for a server, `proxy_from`, `os_build_from`).
    pub evidence: Vec<(String, String)>,
}

/// When a group's failures began, where that is a change in time (the module's rule): every
/// machine's last success at or before `last_success`, every first failure from `first_failure`
/// to `last_first_failure`, a break few of the other machines watched across that window show.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Onset {
    /// The latest of the group's last successes (as written): the window's start.
    pub last_success: String,
    /// The machine it is on.
    pub last_success_machine: String,
    /// The earliest of the group's first failures (as written).
    pub first_failure: String,
    /// The machine it is on.
    pub first_failure_machine: String,
    /// Machines of the group whose logs give both times (each broke in the window).
    pub machines: usize,
    /// The latest of the group's first failures (as written): the window's end.
    #[serde(default)]
    pub last_first_failure: String,
    /// The machine it is on.
    #[serde(default)]
    pub last_first_failure_machine: String,
    /// The group's size.
    #[serde(default)]
    pub group: usize,
    /// Readable machines outside the group that broke in the window too.
    #[serde(default)]
    pub others_with: usize,
    /// Readable machines outside the group watched across the window (their logs span it) or
    /// that broke in it: the machines the group is contrasted with.
    #[serde(default)]
    pub others: usize,
    /// Fisher's exact test, one-sided.
    #[serde(default)]
    pub p: f64,
    /// Seconds from the group's first first failure to its last: how close its failures began.
    #[serde(default)]
    pub within_seconds: i64,
    /// Seconds the group's machines' logs span (the median machine's).
    #[serde(default)]
    pub span_seconds: i64,
    /// The chance that as many first failures, each at any time of such logs, fall that close
    /// ([`chance_within`]): the onset is sharp when it is at most [`ALPHA`].
    #[serde(default)]
    pub sharp_p: f64,
}

/// The value of `attribute` on `row` (an update: each KB failing there).
fn values(row: &Facts, attribute: Attribute) -> Vec<String> {
    let one = |s: &str| if s.is_empty() { Vec::new() } else { vec![s.to_ascii_lowercase()] };
    match attribute {
        Attribute::Server => one(row.server),
        Attribute::Proxy => one(if row.proxy == "direct" { "" } else { row.proxy }),
        Attribute::OsBuild => one(row.os_build),
        Attribute::CacheHost => one(row.cache_host),
        Attribute::ManagementPoint => one(row.management_point),
        Attribute::Update => {
            let mut v: Vec<String> = row.failing_updates.iter().filter(|kb| !kb.is_empty()).map(|kb| kb.to_ascii_uppercase()).collect();
            v.sort();
            v.dedup();
            v
        }
    }
}

/// Whether the row's logs tell `attribute` at all. A server, a proxy, a build or a cache server
/// is contrasted only with machines whose logs name one (a direct connection is a proxy value): a machine whose logs
/// never name its server is on no other server, and counting it would make any server that
/// failing machines name look shared. Whether an update fails is known of every readable row.
fn known(row: &Facts, attribute: Attribute) -> bool {
    match attribute {
        Attribute::Server => !row.server.is_empty(),
        Attribute::Proxy => !row.proxy.is_empty(),
        Attribute::OsBuild => !row.os_build.is_empty(),
        // Delivery Optimization's lines were read (`cache_host_from`), with or without a cache.
        Attribute::CacheHost => !row.cache_host_from.is_empty(),
        Attribute::ManagementPoint => !row.management_point.is_empty(),
        Attribute::Update => true,
    }
}

/// P(X ≥ x) for X the number of the group's `n` machines holding a value that `k` of the
/// fleet's `total` readable machines hold, drawn without replacement: Fisher's exact test, one
/// sided.
pub fn fisher_greater(total: u64, k: u64, n: u64, x: u64) -> f64 {
    if x == 0 {
        return 1.0;
    }
    match Hypergeometric::new(total, k, n) {
        Ok(h) => h.sf(x - 1).clamp(0.0, 1.0),
        Err(_) => 1.0,
    }
}

/// The shared causes of the group `members` (indices into `rows`) among the fleet's readable
/// `rows`, strongest first.
pub fn shared(rows: &[Facts], members: &[usize]) -> Vec<Shared> {
    if members.len() < MIN_GROUP {
        return Vec::new();
    }
    let readable: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].readable).collect();
    let mut out = Vec::new();
    for attribute in ATTRIBUTES {
        // The machines the contrast is drawn among: readable ones whose logs tell the attribute.
        let told: Vec<usize> = readable.iter().copied().filter(|&i| known(&rows[i], attribute)).collect();
        let group_told = members.iter().filter(|&&m| rows[m].readable && known(&rows[m], attribute)).count();
        let total = told.len() as u64;
        // Each value the group holds, with how many of its machines hold it.
        let mut counts: Vec<(String, usize)> = Vec::new();
        for &m in members {
            for v in values(&rows[m], attribute) {
                match counts.iter_mut().find(|(x, _)| *x == v) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((v, 1)),
                }
            }
        }
        for (value, in_group) in counts {
            if (in_group as f64) < MIN_SHARE * members.len() as f64 {
                continue;
            }
            let with = told.iter().filter(|&&i| values(&rows[i], attribute).contains(&value)).count();
            if with as u64 == total || (in_group as f64) < MIN_PURITY * with as f64 {
                continue;
            }
            let p = fisher_greater(total, with as u64, group_told as u64, in_group as u64);
            if p > ALPHA {
                continue;
            }
            let evidence = members
                .iter()
                .filter(|&&m| values(&rows[m], attribute).contains(&value))
                .take(3)
                .map(|&m| {
                    let from = match attribute {
                        Attribute::Server => rows[m].server_from,
                        Attribute::Proxy => rows[m].proxy_from,
                        Attribute::OsBuild => rows[m].os_build_from,
                        Attribute::CacheHost => rows[m].cache_host_from,
                        Attribute::ManagementPoint => rows[m].management_point_from,
                        Attribute::Update => "",
                    };
                    (rows[m].machine.to_string(), from.to_string())
                })
                .collect();
            out.push(Shared { attribute, value, in_group, group: members.len(), others_with: with - in_group, others: told.len() - group_told, p, evidence });
        }
    }
    out.sort_by(|a, b| a.p.total_cmp(&b.p).then(a.attribute.cmp(&b.attribute)));
    out
}

/// A group's break: from the latest of its last successes (`after`, excluded) to the latest of
/// its first failures (`until`), times as written.
struct Window<'a> {
    after: &'a str,
    until: &'a str,
}

impl Window<'_> {
    /// The machine went from a success to failing in the window, as the group did.
    fn broke(&self, r: &Facts) -> bool {
        r.failed && timed(r) && r.last_success <= self.after && self.after < r.failing_since && r.failing_since <= self.until
    }

    /// The machine's logs span the window: what it did across it is known.
    fn watched(&self, r: &Facts) -> bool {
        !r.first_time.is_empty() && r.first_time <= self.after && r.last_time >= self.until
    }
}

/// Seconds since 1970 of a time as written (`2026-11-17T14:16:07.000`), its offset ignored as the
/// comparisons as written ignore it.
fn seconds(t: &str) -> Option<i64> {
    super::viewer::parse_filter_time(t, false).map(|ms| ms.div_euclid(1000))
}

/// The chance that `n` first failures, each at any time of logs that span `span` seconds, all
/// fall within `within` seconds of each other: the range R of n uniform times,
/// P(R ≤ w) = n·x^(n−1) − (n−1)·x^n with x = w / S.
pub fn chance_within(n: usize, within: i64, span: i64) -> f64 {
    if span <= 0 || n == 0 {
        return 1.0;
    }
    let x = (within.max(0) as f64 / span as f64).min(1.0);
    let n = n as f64;
    (n * x.powf(n - 1.0) - (n - 1.0) * x.powf(n)).clamp(0.0, 1.0)
}

/// The row gives both its last success and the first failure after it.
fn timed(r: &Facts) -> bool {
    !r.last_success.is_empty() && !r.failing_since.is_empty()
}

/// When the group's failures began, where that is a change in time (the module's rule: sharp,
/// and significant against the rest of the fleet); `None` otherwise.
pub fn onset(rows: &[Facts], members: &[usize]) -> Option<Onset> {
    let given: Vec<&Facts> = members.iter().map(|&m| &rows[m]).filter(|r| r.readable && timed(r)).collect();
    if members.len() < MIN_GROUP || given.len() < MIN_GROUP || (given.len() as f64) < MIN_SHARE * members.len() as f64 {
        return None;
    }
    // Of machines tied on a time, the last in row order is named for the last success and the
    // window's end, the first for the first failure.
    let last = given.iter().max_by(|a, b| a.last_success.cmp(b.last_success))?;
    let first = given.iter().min_by(|a, b| a.failing_since.cmp(b.failing_since))?;
    let end = given.iter().max_by(|a, b| a.failing_since.cmp(b.failing_since))?;
    if last.last_success >= first.failing_since {
        return None;
    }
    // Sharp: the first failures fall closer together than failures spread over the logs would.
    let mut spans: Vec<i64> = given.iter().map(|r| Some(seconds(r.last_time)? - seconds(r.first_time)?)).collect::<Option<_>>()?;
    spans.sort_unstable();
    let span = spans[(spans.len() - 1) / 2];
    let within = seconds(end.failing_since)? - seconds(first.failing_since)?;
    let sharp_p = chance_within(given.len(), within, span);
    if sharp_p > ALPHA {
        return None;
    }
    let window = Window { after: last.last_success, until: end.failing_since };
    let mut member = vec![false; rows.len()];
    for &m in members {
        member[m] = true;
    }
    let (mut others, mut others_with) = (0, 0);
    for r in rows.iter().zip(&member).filter(|(r, m)| r.readable && !**m).map(|(r, _)| r) {
        if window.broke(r) {
            others_with += 1;
        }
        if window.broke(r) || window.watched(r) {
            others += 1;
        }
    }
    let x = given.len();
    if others_with == others || (x as f64) < MIN_SHARE * (x + others_with) as f64 {
        return None;
    }
    let p = fisher_greater((x + others) as u64, (x + others_with) as u64, x as u64, x as u64);
    (p <= ALPHA).then(|| Onset {
        last_success: last.last_success.to_string(),
        last_success_machine: last.machine.to_string(),
        first_failure: first.failing_since.to_string(),
        first_failure_machine: first.machine.to_string(),
        machines: x,
        last_first_failure: end.failing_since.to_string(),
        last_first_failure_machine: end.machine.to_string(),
        group: members.len(),
        others_with,
        others,
        p,
        within_seconds: within,
        span_seconds: span,
        sharp_p,
    })
}

/// Which part of the site a [`SiteCause`] names.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SitePart {
    /// A software update point whose clients' scans fail (`value`: the server the scans talk to).
    SoftwareUpdatePoint,
    /// A distribution point whose clients' content fails (`value`: its host).
    DistributionPoint,
    /// The Software Updates client setting, off on a group of clients.
    ClientSetting,
    /// Updates waiting for a maintenance window (waiting, not failing).
    MaintenanceWindow,
    /// An update whose install fails across the fleet (`value`: its KB).
    Update,
}

/// One cause across the site's clients: the part, its machines, the contrast with the rest of
/// the fleet. Causes overlap: a machine may be in two, and each counts all of its own.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SiteCause {
    /// The part of the site it names.
    pub part: SitePart,
    /// The server, distribution point or KB; empty for the client setting and the window.
    pub value: String,
    /// The chain link it breaks or holds (`scan`, `content`, `policy`, `window`, `install`).
    pub link: crate::model::LinkId,
    /// The machines, sorted.
    pub machines: Vec<String>,
    /// The most common code (or HTTP answer) among them, and how many give it.
    pub code: String,
    /// How many of its machines give `code`.
    pub code_machines: usize,
    /// Machines that hold the value (use the server, fetch from the distribution point, have the
    /// update) whatever their link's state.
    pub holders: usize,
    /// Readable machines outside the cause whose link's state is the same (failing, off, waiting).
    pub others_with: usize,
    /// Readable machines outside the cause whose logs tell that link.
    pub others: usize,
    /// Fisher's exact test, one-sided (1 where no contrast applies).
    pub p: f64,
    /// When it began, where a change in time ([`onset`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<Onset>,
    /// For the client setting: machines that scanned before it turned off.
    #[serde(default)]
    pub scanned_before: usize,
    /// For the window: the earliest time a machine began to wait (as written), the longest
    /// wait in seconds (to its logs' end), the window types with no window, the next start.
    #[serde(default)]
    pub waiting_since: String,
    /// The longest wait, in seconds, to its machine's logs' end.
    #[serde(default)]
    pub longest_wait_seconds: i64,
    #[serde(default)]
    /// The window types with no window (`4`).
    pub window_types_missing: Vec<String>,
    #[serde(default)]
    /// The next window's start, as most of its machines write it.
    pub window_next: String,
    /// A few machines with the line that proves it (`file:line`).
    pub evidence: Vec<(String, String)>,
    /// For a software update point: the site servers' logs in the fleet whose synchronization
    /// of it fails (machine, `file:line`, since when).
    #[serde(default)]
    pub site_logs: Vec<(String, String, String)>,
}

impl SiteCause {
    /// A cause of `part` (`value`, on `link`) over `machines`, with no contrast, onset, wait or
    /// evidence yet: each rule fills in what it knows.
    fn of(part: SitePart, value: String, link: crate::model::LinkId, machines: Vec<String>) -> SiteCause {
        SiteCause {
            part,
            value,
            link,
            holders: machines.len(),
            machines,
            code: String::new(),
            code_machines: 0,
            others_with: 0,
            others: 0,
            p: 1.0,
            onset: None,
            scanned_before: 0,
            waiting_since: String::new(),
            longest_wait_seconds: 0,
            window_types_missing: Vec::new(),
            window_next: String::new(),
            evidence: Vec::new(),
            site_logs: Vec::new(),
        }
    }
}

/// The site servers among `rows` whose wsyncmgr.log says `server`'s (`http://host:port`)
/// synchronization fails: (machine, `file:line`, since).
fn sync_of(rows: &[Facts], server: &str) -> Vec<(String, String, String)> {
    let host = server.split_once("://").map_or(server, |(_, r)| r).split([':', '/']).next().unwrap_or_default();
    rows.iter()
        .filter(|r| !host.is_empty() && r.links.sync_failing.split(';').any(|h| h.eq_ignore_ascii_case(host)))
        .map(|r| (r.machine.to_string(), r.links.sync_failing_from.to_string(), r.links.sync_failing_since.to_string()))
        .collect()
}

/// The causes across the site (the rule of docs/fleet.md, "What a site's clients share"):
/// - a software update point, distribution point or update is a cause when at least
///   [`MIN_GROUP`] machines hold it with their link failing (scan, content, install), at least
///   [`MIN_PURITY`] of the machines holding it fail so, and Fisher's exact test of those failures
///   against the other machines whose logs tell the link gives p ≤ [`ALPHA`]; a software update
///   point's cause carries its onset where its failures began together ([`onset`]);
/// - the client setting is a cause when at least [`MIN_GROUP`] machines have Software Updates off
///   (the chain's policy link, or the client's latest line saying the feature is disabled);
/// - the window is a cause when at least [`MIN_GROUP`] machines' window link waits.
///
/// Strongest first within each part; parts in the order of [`SitePart`].
pub fn site_causes(rows: &[Facts]) -> Vec<SiteCause> {
    use crate::model::{LinkId, LinkState};
    let readable: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].readable).collect();
    let mut out = Vec::new();
    // (part, link, the value(s) a row holds, whether its link fails at that value)
    type Holds = fn(&Facts) -> Vec<String>;
    type Fails = fn(&Facts, &str) -> bool;
    let server: Holds = |r| if r.server.is_empty() { Vec::new() } else { vec![r.server.to_ascii_lowercase()] };
    let scan_fails: Fails = |r, _| r.links.state(LinkId::Scan) == Some(LinkState::Failed);
    let dps: Holds = |r| {
        let mut v: Vec<String> =
            r.links.dps.split(';').chain(std::iter::once(r.links.dp_failed)).filter(|d| !d.is_empty()).map(str::to_ascii_lowercase).collect();
        v.sort();
        v.dedup();
        v
    };
    let content_fails: Fails = |r, v| r.links.state(LinkId::Content) == Some(LinkState::Failed) && r.links.dp_failed.eq_ignore_ascii_case(v);
    for (part, link, holds, fails) in
        [(SitePart::SoftwareUpdatePoint, LinkId::Scan, server, scan_fails), (SitePart::DistributionPoint, LinkId::Content, dps, content_fails)]
    {
        let told: Vec<usize> = readable.iter().copied().filter(|&i| rows[i].links.told(link)).collect();
        let bad_total = told.iter().filter(|&&i| rows[i].links.state(link) == Some(LinkState::Failed)).count();
        let mut values: Vec<String> = told.iter().flat_map(|&i| holds(&rows[i])).collect();
        values.sort();
        values.dedup();
        let mut found = Vec::new();
        for v in values {
            let holders: Vec<usize> = told.iter().copied().filter(|&i| holds(&rows[i]).contains(&v)).collect();
            let members: Vec<usize> = holders.iter().copied().filter(|&i| fails(&rows[i], &v)).collect();
            if members.len() < MIN_GROUP || (members.len() as f64) < MIN_PURITY * holders.len() as f64 {
                continue;
            }
            let p = fisher_greater(told.len() as u64, bad_total as u64, holders.len() as u64, members.len() as u64);
            if p > ALPHA {
                continue;
            }
            let code_of = |i: usize| match part {
                SitePart::DistributionPoint => rows[i].links.dp_failed_code.to_string(),
                SitePart::Update => {
                    rows[i].links.install_failures.iter().find(|(kb, _)| kb.eq_ignore_ascii_case(&v)).map_or(String::new(), |(_, c)| c.to_string())
                }
                _ => rows[i].links.code(link).to_string(),
            };
            let (code, code_machines) = most_common(members.iter().map(|&i| code_of(i)));
            let from = |i: usize| match part {
                SitePart::SoftwareUpdatePoint => rows[i].server_from.to_string(),
                SitePart::DistributionPoint => rows[i].links.dp_failed_from.to_string(),
                _ => String::new(),
            };
            let onset = if part == SitePart::SoftwareUpdatePoint { onset(rows, &members) } else { None };
            let site_logs = if part == SitePart::SoftwareUpdatePoint { sync_of(rows, &v) } else { Vec::new() };
            found.push(SiteCause {
                code,
                code_machines,
                holders: holders.len(),
                others_with: bad_total - members.len(),
                others: told.len() - members.len(),
                p,
                onset,
                evidence: members.iter().take(3).map(|&i| (rows[i].machine.to_string(), from(i))).collect(),
                site_logs,
                ..SiteCause::of(part, v, link, sorted_names(rows, &members))
            });
        }
        found.sort_by(|a, b| a.p.total_cmp(&b.p).then(b.machines.len().cmp(&a.machines.len())));
        out.extend(found);
    }
    out.extend(updates_failing(rows, &readable));
    out.extend(setting_off(rows, &readable));
    out.extend(waiting(rows, &readable));
    out.sort_by_key(|c| c.part);
    out
}

/// Updates whose installs fail more than the fleet's other updates' installs do: over every
/// install that ended (installed or failed) on a machine whose chain tells its install link,
/// an update is a cause when at least [`MIN_GROUP`] of its installs failed and Fisher's exact test
/// of its failures against the other updates' gives p ≤ [`ALPHA`]. A fault a few machines have on
/// an update that installs everywhere else at the fleet's usual rate is none.
fn updates_failing(rows: &[Facts], readable: &[usize]) -> Vec<SiteCause> {
    use crate::model::LinkId;
    let told: Vec<usize> = readable.iter().copied().filter(|&i| rows[i].links.told(LinkId::Install)).collect();
    // Each KB: its installs, the machines where it failed, with their codes.
    let mut by_kb: Vec<(String, usize, Vec<usize>)> = Vec::new();
    let (mut total, mut failed_total) = (0u64, 0u64);
    for &i in &told {
        let mut seen: Vec<String> = Vec::new();
        for (kb, failed) in &rows[i].links.installs {
            let kb = kb.to_ascii_uppercase();
            if kb.is_empty() || seen.contains(&kb) {
                continue;
            }
            seen.push(kb.clone());
            total += 1;
            failed_total += u64::from(*failed);
            let at = match by_kb.iter().position(|(k, _, _)| *k == kb) {
                Some(at) => at,
                None => {
                    by_kb.push((kb, 0, Vec::new()));
                    by_kb.len() - 1
                }
            };
            by_kb[at].1 += 1;
            if *failed {
                by_kb[at].2.push(i);
            }
        }
    }
    let mut out = Vec::new();
    for (kb, installs, members) in by_kb {
        if members.len() < MIN_GROUP {
            continue;
        }
        let p = fisher_greater(total, failed_total, installs as u64, members.len() as u64);
        if p > ALPHA {
            continue;
        }
        let code_of = |i: usize| rows[i].links.install_failures.iter().find(|(k, _)| k.eq_ignore_ascii_case(&kb)).map_or(String::new(), |(_, c)| c.to_string());
        let (code, code_machines) = most_common(members.iter().map(|&i| code_of(i)));
        let evidence = members.iter().take(3).map(|&i| (rows[i].machine.to_string(), String::new())).collect();
        out.push(SiteCause {
            code,
            code_machines,
            holders: installs,
            others_with: (failed_total - members.len() as u64) as usize,
            others: (total - installs as u64) as usize,
            p,
            evidence,
            ..SiteCause::of(SitePart::Update, kb, LinkId::Install, sorted_names(rows, &members))
        });
    }
    out.sort_by(|a, b| a.p.total_cmp(&b.p).then(b.machines.len().cmp(&a.machines.len())));
    out
}

/// The client setting: machines whose Software Updates feature is off.
fn setting_off(rows: &[Facts], readable: &[usize]) -> Option<SiteCause> {
    use crate::model::{LinkId, LinkState};
    let off = |r: &Facts| r.links.software_updates == "off" || r.links.state(LinkId::Policy) == Some(LinkState::Off);
    let members: Vec<usize> = readable.iter().copied().filter(|&i| off(&rows[i])).collect();
    if members.len() < MIN_GROUP {
        return None;
    }
    let told = readable.iter().filter(|&&i| !rows[i].links.software_updates.is_empty() || rows[i].links.told(LinkId::Policy)).count();
    let scanned = |r: &Facts| r.links.state(LinkId::Scan).is_some_and(|s| matches!(s, LinkState::Ok | LinkState::Failed));
    Some(SiteCause {
        others: told.saturating_sub(members.len()),
        scanned_before: members.iter().filter(|&&i| scanned(&rows[i])).count(),
        evidence: members.iter().take(3).map(|&i| (rows[i].machine.to_string(), rows[i].links.software_updates_from.to_string())).collect(),
        ..SiteCause::of(SitePart::ClientSetting, String::new(), LinkId::Policy, sorted_names(rows, &members))
    })
}

/// Updates waiting for a maintenance window: how long, which types have none, the next start.
fn waiting(rows: &[Facts], readable: &[usize]) -> Option<SiteCause> {
    use crate::model::{LinkId, LinkState};
    let members: Vec<usize> = readable.iter().copied().filter(|&i| rows[i].links.state(LinkId::Window) == Some(LinkState::Waiting)).collect();
    if members.len() < MIN_GROUP {
        return None;
    }
    let since = members.iter().map(|&i| rows[i].links.waiting_since).filter(|t| !t.is_empty()).min().unwrap_or_default();
    let longest = members.iter().filter_map(|&i| Some(seconds(rows[i].last_time)? - seconds(rows[i].links.waiting_since)?)).max().unwrap_or(0);
    let mut types: Vec<String> =
        members.iter().flat_map(|&i| rows[i].links.window_types_missing.split(';')).filter(|t| !t.is_empty()).map(str::to_string).collect();
    types.sort();
    types.dedup();
    let (next, _) = most_common(members.iter().map(|&i| rows[i].links.window_next.to_string()));
    let told = readable.iter().filter(|&&i| rows[i].links.told(LinkId::Window)).count();
    Some(SiteCause {
        others: told.saturating_sub(members.len()),
        waiting_since: since.to_string(),
        longest_wait_seconds: longest,
        window_types_missing: types,
        window_next: next,
        ..SiteCause::of(SitePart::MaintenanceWindow, String::new(), LinkId::Window, sorted_names(rows, &members))
    })
}

/// The most common non-empty value and how many give it (ties: the smallest).
fn most_common(values: impl Iterator<Item = String>) -> (String, usize) {
    let mut v: Vec<String> = values.filter(|s| !s.is_empty()).collect();
    v.sort();
    let mut best = (String::new(), 0);
    for chunk in v.chunk_by(|a, b| a == b) {
        if chunk.len() > best.1 {
            best = (chunk[0].clone(), chunk.len());
        }
    }
    best
}

fn sorted_names(rows: &[Facts], members: &[usize]) -> Vec<String> {
    let mut v: Vec<String> = members.iter().map(|&i| rows[i].machine.to_string()).collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::LedgerState;
    use crate::output::fleet::{FleetSummary, MachineRow, UpdateState};

    fn machine(name: &str, failed: bool, server: &str, since: &str, ok: &str) -> MachineRow {
        MachineRow {
            machine: name.into(),
            status: if failed { "failed" } else { "ok" }.into(),
            failed_at: if failed { "Windows Update search".into() } else { String::new() },
            root_code: if failed { "0x80244022".into() } else { String::new() },
            wsus_server: server.into(),
            wsus_server_from: format!("{name}/WindowsUpdate.log:12"),
            failing_since: since.into(),
            last_success: ok.into(),
            ..MachineRow::default()
        }
    }

    #[test]
    fn machines_failing_on_one_server_share_it_and_its_day() {
        // 8 machines on wsus02 fail from 14:16 on, each last succeeding before 13:41; 20 on
        // wsus01 are fine, and one of them fails another way.
        let mut rows: Vec<MachineRow> = (0..8)
            .map(|i| {
                let r = machine(
                    &format!("pc{i:02}"),
                    true,
                    "http://wsus02:8530",
                    &format!("2026-11-17T14:{:02}:00", 16 + i),
                    &format!("2026-11-17T13:{:02}:00", 30 + i),
                );
                watched(r, "2026-11-10T08:00:00", "2026-11-17T18:00:00")
            })
            .collect();
        // The healthy machines' logs span the day: they were seen across the break.
        rows.extend((0..20).map(|i| watched(machine(&format!("ok{i:02}"), false, "http://wsus01:8530", "", ""), "2026-11-16T09:00:00", "2026-11-17T18:00:00")));
        let mut odd = machine("odd", true, "http://wsus01:8530", "2026-11-10T09:00:00", "");
        odd.root_code = "0x80070643".into();
        rows.push(odd);
        let f = FleetSummary::of(&rows);
        let g = &f.groups[0];
        assert_eq!(g.machines.len(), 8);
        let s = &g.shared[0];
        assert_eq!((s.attribute, s.value.as_str(), s.in_group, s.group, s.others_with, s.others), (Attribute::Server, "http://wsus02:8530", 8, 8, 0, 21));
        assert!(s.p < 1e-6, "{}", s.p);
        assert_eq!(s.evidence[0], ("pc00".to_string(), "pc00/WindowsUpdate.log:12".to_string()));
        let o = g.onset.as_ref().expect("an onset");
        assert_eq!(
            (o.last_success.as_str(), o.first_failure.as_str(), o.last_first_failure.as_str()),
            ("2026-11-17T13:37:00", "2026-11-17T14:16:00", "2026-11-17T14:23:00")
        );
        assert_eq!((o.last_success_machine.as_str(), o.first_failure_machine.as_str(), o.last_first_failure_machine.as_str()), ("pc07", "pc00", "pc07"));
        // 8 of the 8 broke in the window, none of the 20 others seen across it: P = 1 / C(28, 8).
        assert_eq!((o.machines, o.group, o.others_with, o.others), (8, 8, 0, 20));
        assert!((o.p - 1.0 / 3_108_105.0).abs() < 1e-15, "{}", o.p);
        // Sharp: 8 first failures within 7 minutes in logs of 7 days 10 hours.
        assert_eq!((o.within_seconds, o.span_seconds), (420, 640_800));
        assert!((o.sharp_p - chance_within(8, 420, 640_800)).abs() < 1e-300 && o.sharp_p < 1e-20, "{}", o.sharp_p);
        // The lone other failure is no shared cause: a group of one.
        assert!(f.groups[1].shared.is_empty() && f.groups[1].onset.is_none());
        let t = f.text();
        assert!(t.contains("8 of 8 use http://wsus02:8530; 0 of the 21 other readable machines use it"), "{t}");
        assert!(t.contains("look at that server"), "{t}");
        assert!(t.contains("every first failure from 2026-11-17T14:16:00 (pc00) to 2026-11-17T14:23:00 (pc07): something changed in between. The 8 first failures fall within 7 minutes of each other in logs of 7 days (by chance: "), "{t}");
        assert!(t.contains("; 0 of the 20 other readable machines seen across that time broke in it (Fisher's exact test, p = 3.2e-7)"), "{t}");
        // Nobody else seen across the break: no contrast, no change in time (the attributes stay).
        for r in rows.iter_mut().skip(8) {
            (r.first_time, r.last_time) = (String::new(), String::new());
        }
        let g = &FleetSummary::of(&rows).groups[0];
        assert!(g.onset.is_none() && !g.shared.is_empty());
    }

    /// A row whose logs run from `first` to `last`.
    fn watched(mut r: MachineRow, first: &str, last: &str) -> MachineRow {
        (r.first_time, r.last_time) = (first.into(), last.into());
        r
    }

    /// A failed machine of `code` that last succeeded at `ok` and fails from `since`, its logs
    /// running from a day before the success to a day after the failure.
    fn broke(name: &str, code: &str, ok: &str, since: &str) -> MachineRow {
        let mut r = machine(name, true, &format!("http://{name}:8530"), since, ok);
        r.root_code = code.into();
        let day = |t: &str, by: i64| {
            let d: i64 = t[8..10].parse().unwrap();
            format!("{}{:02}{}", &t[..8], d + by, &t[10..])
        };
        watched(r, &day(ok, -1), &day(since, 1))
    }

    #[test]
    fn unrelated_faults_whose_failures_spread_over_days_are_no_change_in_time() {
        // Three kinds of fault, each on a few machines of their own servers, alike in a code only:
        // within each kind every last success comes before any first failure (so the old rule
        // said "something changed in between"), but the first failures spread over days in which
        // the other kinds' machines broke too. 40 healthy machines' logs span the whole month.
        let kinds = [
            (
                "0x80072EE2",
                [
                    ("2026-11-04T10:00:00", "2026-11-06T09:00:00"),
                    ("2026-11-05T08:00:00", "2026-11-07T15:00:00"),
                    ("2026-11-05T20:00:00", "2026-11-08T11:00:00"),
                ],
            ),
            (
                "0x80072EFD",
                [
                    ("2026-11-05T09:00:00", "2026-11-06T20:00:00"),
                    ("2026-11-04T12:00:00", "2026-11-07T09:00:00"),
                    ("2026-11-06T02:00:00", "2026-11-07T22:00:00"),
                ],
            ),
            (
                "0x80244019",
                [
                    ("2026-11-05T07:00:00", "2026-11-06T12:00:00"),
                    ("2026-11-06T01:00:00", "2026-11-07T03:00:00"),
                    ("2026-11-04T22:00:00", "2026-11-08T04:00:00"),
                ],
            ),
        ];
        let mut rows = Vec::new();
        for (k, (code, times)) in kinds.iter().enumerate() {
            for (i, (ok, since)) in times.iter().enumerate() {
                rows.push(broke(&format!("u{k}{i}"), code, ok, since));
            }
        }
        rows.extend((0..40).map(|i| watched(machine(&format!("ok{i:02}"), false, "http://wsus01:8530", "", ""), "2026-11-01T08:00:00", "2026-11-30T18:00:00")));
        let f = FleetSummary::of(&rows);
        assert_eq!(f.groups.len(), 3);
        for g in &f.groups {
            assert_eq!(g.machines.len(), 3);
            assert!(g.onset.is_none() && g.shared.is_empty(), "{}: {:?}", g.cause.root_code, g.onset);
        }
        // One kind alone, its days quiet but for it: its failures still spread over two days of
        // logs of four, which failures at random times would often do.
        let mut alone: Vec<MachineRow> = rows.iter().filter(|r| !r.machine.starts_with('u') || r.machine.starts_with("u0")).cloned().collect();
        assert!(FleetSummary::of(&alone).groups[0].onset.is_none());
        assert!(chance_within(3, 50 * 3600, 103 * 3600) > 0.4);
        // Its three first failures within two hours: sharp, and forty machines seen across them
        // did not break: a change in time, p = 1 / C(43, 3).
        for (r, since) in alone.iter_mut().zip(["2026-11-06T09:00:00", "2026-11-06T10:00:00", "2026-11-06T11:00:00"]) {
            *r = broke(&r.machine.clone(), "0x80072EE2", &r.last_success.clone(), since);
        }
        let o = FleetSummary::of(&alone).groups[0].onset.clone().expect("an onset");
        assert_eq!(
            (o.machines, o.others_with, o.others, o.last_success.as_str(), o.first_failure.as_str()),
            (3, 0, 40, "2026-11-05T20:00:00", "2026-11-06T09:00:00")
        );
        assert_eq!((o.within_seconds, o.span_seconds), (2 * 3600, 74 * 3600));
        assert!(o.sharp_p < ALPHA && (o.p - 1.0 / 12_341.0).abs() < 1e-12, "{} {}", o.sharp_p, o.p);
    }

    #[test]
    fn a_break_needs_most_of_the_group_timed_and_one_window() {
        let ok = |i: usize| watched(machine(&format!("ok{i:02}"), false, "http://wsus01:8530", "", ""), "2026-11-16T09:00:00", "2026-11-17T18:00:00");
        let group = |n: usize, untimed: usize| {
            let mut rows: Vec<MachineRow> = (0..n)
                .map(|i| {
                    let (since, ok) =
                        if i < untimed { (String::new(), String::new()) } else { ("2026-11-17T14:30:00".to_string(), "2026-11-17T13:00:00".to_string()) };
                    watched(machine(&format!("f{i:02}"), true, "http://wsus02:8530", &since, &ok), "2026-11-10T08:00:00", "2026-11-17T18:00:00")
                })
                .collect();
            rows.extend((0..30).map(ok));
            FleetSummary::of(&rows).groups[0].onset.clone()
        };
        assert!(group(10, 0).is_some());
        assert!(group(10, 1).is_some(), "9 of 10 timed is enough");
        assert!(group(10, 2).is_none(), "8 of 10 is not");
        // A last success after another machine's first failure: no one window.
        let member = |i: usize| {
            watched(
                machine(&format!("f{i}"), true, "http://wsus02:8530", "2026-11-17T14:30:00", "2026-11-17T13:00:00"),
                "2026-11-10T08:00:00",
                "2026-11-17T18:00:00",
            )
        };
        let mut rows: Vec<MachineRow> = (0..5).map(member).collect();
        rows[4].last_success = "2026-11-17T14:31:00".into();
        rows[4].failing_since = "2026-11-17T15:00:00".into();
        rows.extend((0..30).map(ok));
        assert!(FleetSummary::of(&rows).groups[0].onset.is_none());
        // Another machine that broke in the window too: one in six of its breaks is not the
        // group's, so the window is not the group's own.
        rows[4].last_success = "2026-11-17T13:00:00".into();
        assert!(FleetSummary::of(&rows).groups[0].onset.is_some());
        let intrude = |rows: &mut Vec<MachineRow>, n: usize| {
            for (i, r) in rows.iter_mut().filter(|r| r.machine.starts_with("ok")).take(n).enumerate() {
                r.status = "failed".into();
                r.root_code = "0x80070005".into();
                (r.last_success, r.failing_since) = ("2026-11-17T12:00:00".into(), format!("2026-11-17T14:{:02}:00", 20 + i));
            }
        };
        let onset = |rows: &[MachineRow]| FleetSummary::of(rows).groups.into_iter().find(|g| g.cause.root_code == "0x80244022").unwrap().onset;
        intrude(&mut rows, 1);
        assert!(onset(&rows).is_none(), "{:?}", onset(&rows));
        // Ten of eleven are: the window holds the group's break.
        rows.extend((5..10).map(member));
        let o = onset(&rows).expect("an onset");
        assert_eq!((o.machines, o.others_with, o.others), (10, 1, 30));
        // p = C(11, 10) / C(40, 10).
        assert!((o.p - 11.0 / 847_660_528.0).abs() < 1e-15, "{}", o.p);
    }

    #[test]
    fn unrelated_faults_are_never_promoted_to_a_shared_cause() {
        // Four machines fail the same way but on four servers, as the fleet's others do.
        let servers = ["http://a:8530", "http://b:8530", "http://c:8530", "http://d:8530"];
        let mut rows: Vec<MachineRow> = servers.iter().enumerate().map(|(i, s)| machine(&format!("f{i}"), true, s, "", "")).collect();
        rows.extend(servers.iter().cycle().take(12).enumerate().map(|(i, s)| machine(&format!("ok{i}"), false, s, "", "")));
        assert!(FleetSummary::of(&rows).groups[0].shared.is_empty());
        // Every machine on one server: nothing to contrast.
        let rows: Vec<MachineRow> = (0..10).map(|i| machine(&format!("m{i}"), i < 5, "http://one:8530", "", "")).collect();
        assert!(FleetSummary::of(&rows).groups[0].shared.is_empty());
        // Two machines are too few, however alike.
        let mut rows: Vec<MachineRow> = (0..2).map(|i| machine(&format!("f{i}"), true, "http://x:8530", "", "")).collect();
        rows.extend((0..20).map(|i| machine(&format!("ok{i}"), false, "http://y:8530", "", "")));
        assert!(FleetSummary::of(&rows).groups[0].shared.is_empty());
    }

    #[test]
    fn machines_whose_logs_name_no_server_are_on_no_other_server() {
        // Every log that names a server names the same one; 30 machines' logs name none (no
        // scan in them). Failed scans name the server because a scan does: it is no contrast.
        let mut rows: Vec<MachineRow> = (0..12).map(|i| machine(&format!("f{i}"), true, "http://one:8530", "", "")).collect();
        rows.extend((0..20).map(|i| machine(&format!("ok{i}"), false, "http://one:8530", "", "")));
        rows.extend((0..30).map(|i| machine(&format!("quiet{i}"), false, "", "", "")));
        assert!(FleetSummary::of(&rows).groups[0].shared.is_empty(), "{:?}", FleetSummary::of(&rows).groups[0].shared);
        // A second server among the machines that name one is a contrast again.
        for r in rows.iter_mut().filter(|r| r.machine.starts_with("ok")) {
            r.wsus_server = "http://two:8530".into();
        }
        let g = &FleetSummary::of(&rows).groups[0];
        assert_eq!((g.shared[0].value.as_str(), g.shared[0].others_with, g.shared[0].others), ("http://one:8530", 0, 20));
    }

    #[test]
    fn a_server_most_of_whose_machines_are_fine_is_not_the_cause() {
        // 20 machines on the main server fail, 60 on it are fine, 40 on a second server are fine:
        // the contrast is significant (20 of 20 against 60 of 100), but the server serves three
        // in four of its machines well.
        let mut rows: Vec<MachineRow> = (0..20).map(|i| machine(&format!("f{i}"), true, "http://main:8530", "", "")).collect();
        rows.extend((0..60).map(|i| machine(&format!("ok{i}"), false, "http://main:8530", "", "")));
        rows.extend((0..40).map(|i| machine(&format!("two{i}"), false, "http://two:8530", "", "")));
        assert!(fisher_greater(120, 80, 20, 20) < ALPHA);
        assert!(FleetSummary::of(&rows).groups[0].shared.is_empty());
    }

    #[test]
    fn machines_failing_on_one_update_share_it() {
        let failing = |kb: &str| UpdateState { kb: kb.into(), state: LedgerState::Failing, code: "0x80070643".into(), ..UpdateState::default() };
        let mut rows: Vec<MachineRow> = (0..6)
            .map(|i| {
                let mut r = machine(&format!("f{i}"), true, "http://wsus:8530", "", "");
                r.updates = vec![failing("KB5044273")];
                r
            })
            .collect();
        rows.extend((0..10).map(|i| machine(&format!("ok{i}"), false, "http://wsus:8530", "", "")));
        let g = &FleetSummary::of(&rows).groups[0];
        assert_eq!(g.shared.len(), 1, "the server is everyone's: only the update is shared");
        assert_eq!((g.shared[0].attribute, g.shared[0].value.as_str()), (Attribute::Update, "KB5044273"));
    }

    #[test]
    fn machines_failing_on_one_management_point_share_it_and_unnamed_ones_do_not_count() {
        // 4 machines assigned to mp02 fail; 10 on mp01 do not; 10 more name no management point.
        let mut rows: Vec<MachineRow> = (0..4)
            .map(|i| {
                let mut r = machine(&format!("f{i}"), true, "http://wsus:8530", "", "");
                (r.management_point, r.management_point_from) = ("MP02.contoso.com".into(), format!("f{i}/LocationServices.log:2"));
                r
            })
            .collect();
        rows.extend((0..10).map(|i| {
            let mut r = machine(&format!("ok{i}"), false, "http://wsus:8530", "", "");
            r.management_point = "mp01.contoso.com".into();
            r
        }));
        rows.extend((0..10).map(|i| machine(&format!("quiet{i}"), false, "http://wsus:8530", "", "")));
        let f = FleetSummary::of(&rows);
        let m = f.groups[0].shared.iter().find(|s| s.attribute == Attribute::ManagementPoint).expect("the management point");
        assert_eq!((m.value.as_str(), m.in_group, m.others_with, m.others), ("mp02.contoso.com", 4, 0, 10));
        assert_eq!(m.evidence[0], ("f0".to_string(), "f0/LocationServices.log:2".to_string()));
        assert!(f.text().contains("4 of 4 report to management point mp02.contoso.com; 0 of the 10 other readable machines report to it"), "{}", f.text());
        // Where only the failing machines name one, there is nothing to contrast with.
        let alone: Vec<MachineRow> = rows.iter().filter(|r| !r.machine.starts_with("ok")).cloned().collect();
        assert!(FleetSummary::of(&alone).groups[0].shared.iter().all(|s| s.attribute != Attribute::ManagementPoint));
    }

    #[test]
    fn machines_failing_on_one_os_build_or_proxy_share_it_with_its_line() {
        // 5 machines on build 19042.508 behind proxy01 fail; 12 on 19045.2965, direct, do not.
        let mut rows: Vec<MachineRow> = (0..5)
            .map(|i| {
                let mut r = machine(&format!("f{i}"), true, "http://wsus:8530", "", "");
                (r.os_build, r.os_build_from) = ("10.0.19042.508".into(), format!("f{i}/WindowsUpdate.log:40"));
                (r.proxy, r.proxy_from) = ("proxy01:8080".into(), format!("f{i}/winhttp-proxy.txt:4"));
                r
            })
            .collect();
        rows.extend((0..12).map(|i| {
            let mut r = machine(&format!("ok{i}"), false, "http://wsus:8530", "", "");
            r.os_build = "10.0.19045.2965".into();
            r.proxy = "direct".into();
            r
        }));
        let f = FleetSummary::of(&rows);
        let g = &f.groups[0];
        let got: Vec<(Attribute, &str, &str)> = g.shared.iter().map(|s| (s.attribute, s.value.as_str(), s.evidence[0].1.as_str())).collect();
        assert_eq!(got, vec![(Attribute::Proxy, "proxy01:8080", "f0/winhttp-proxy.txt:4"), (Attribute::OsBuild, "10.0.19042.508", "f0/WindowsUpdate.log:40")]);
        let t = f.text();
        assert!(t.contains("5 of 5 run build 10.0.19042.508; 0 of the 12 other readable machines run it"), "{t}");
        // Downloads from one Connected Cache server that the healthy machines, whose Delivery
        // Optimization logs are read too, do not use.
        let mut cached = rows.clone();
        for r in cached.iter_mut() {
            r.do_from = format!("{}/DeliveryOptimization.log:8", r.machine);
        }
        for r in cached.iter_mut().take(5) {
            r.do_cache_host = "mcc01.contoso.com".into();
        }
        // Machines whose Delivery Optimization logs are not read contrast with nothing.
        let mut unread = cached.clone();
        for r in unread.iter_mut().skip(5) {
            r.do_from = String::new();
        }
        assert!(FleetSummary::of(&unread).groups[0].shared.iter().all(|s| s.attribute != Attribute::CacheHost));
        let g = &FleetSummary::of(&cached).groups[0];
        let c = g.shared.iter().find(|s| s.attribute == Attribute::CacheHost).expect("the cache server");
        assert_eq!((c.value.as_str(), c.in_group, c.others_with, c.evidence[0].1.as_str()), ("mcc01.contoso.com", 5, 0, "f0/DeliveryOptimization.log:8"));
        // Half the group on a build is no shared build.
        for r in rows.iter_mut().take(2) {
            r.os_build = "10.0.19045.2965".into();
        }
        assert!(FleetSummary::of(&rows).groups[0].shared.iter().all(|s| s.attribute != Attribute::OsBuild));
    }

    #[test]
    fn the_chance_of_failures_as_close_is_the_range_of_uniform_times() {
        // Two times in a span: P(|a - b| <= w) = 2x - x^2.
        assert!((chance_within(2, 1, 4) - (0.5 - 0.0625)).abs() < 1e-12);
        assert_eq!(chance_within(3, 10, 10), 1.0);
        assert_eq!(chance_within(3, 20, 10), 1.0);
        assert_eq!(chance_within(3, 0, 10), 0.0);
        assert_eq!(chance_within(3, 5, 0), 1.0, "no span: nothing to tell");
    }

    #[test]
    fn fisher_matches_a_hand_computed_table() {
        // 10 machines, 4 on one server, the group is those 4: P = 1 / C(10,4) = 1/210.
        assert!((fisher_greater(10, 4, 4, 4) - 1.0 / 210.0).abs() < 1e-12);
        // Half the fleet on it and half the group: no evidence at all.
        assert!(fisher_greater(10, 5, 4, 2) > 0.5);
        assert_eq!(fisher_greater(10, 5, 4, 0), 1.0);
    }

    // --- What a site's clients share (site_causes) ---

    use crate::model::{LinkId, LinkState};
    use crate::output::fleet::LinkRow;

    fn link(link: LinkId, state: LinkState, code: &str) -> LinkRow {
        LinkRow { link, state, code: code.into(), since: String::new(), time: String::new(), from: String::new() }
    }

    /// A ConfigMgr client on `sup` fetching from `dp`, its scan and content links as given.
    fn client(name: &str, sup: &str, dp: &str, scan: LinkState, content: LinkState) -> MachineRow {
        let failed = scan == LinkState::Failed || content == LinkState::Failed;
        let mut r = machine(name, failed, &format!("http://{sup}:8530"), "", "");
        r.dps = dp.into();
        if content == LinkState::Failed {
            (r.dp_failed, r.dp_failed_code, r.dp_failed_from) = (dp.into(), "HTTP 405".into(), format!("{name}/DataTransferService.log:19"));
        }
        r.software_updates = "on".into();
        r.links = vec![
            link(LinkId::Policy, LinkState::Ok, ""),
            link(LinkId::Scan, scan, if scan == LinkState::Failed { "0x80244022" } else { "" }),
            link(LinkId::Content, content, if content == LinkState::Failed { "0x87D0027E" } else { "" }),
            link(LinkId::Window, LinkState::NotInLogs, ""),
            link(LinkId::Install, if content == LinkState::Ok { LinkState::Ok } else { LinkState::NotReached }, ""),
        ];
        r
    }

    /// 40 healthy clients over two SUPs and two DPs.
    fn healthy() -> Vec<MachineRow> {
        (0..40).map(|i| client(&format!("ok{i:02}"), ["sup01", "sup02"][i % 2], ["dp01", "dp03"][i % 2], LinkState::Ok, LinkState::Ok)).collect()
    }

    fn causes(rows: &[MachineRow]) -> Vec<SiteCause> {
        FleetSummary::of(rows).causes
    }

    #[test]
    fn a_software_update_point_counts_all_its_failing_clients_and_its_day() {
        // 10 clients of sup03 fail their scans from 14:16 on; 4 of them also fail content at dp02
        // (another cause), which split them off in the root-cause groups.
        let mut rows = healthy();
        for i in 0..10 {
            let content = if i < 4 { LinkState::Failed } else { LinkState::Ok };
            let mut r = client(&format!("s{i}"), "sup03", if i < 4 { "dp02" } else { "dp04" }, LinkState::Failed, content);
            (r.failing_since, r.last_success) = (format!("2026-11-17T14:{:02}:00", 16 + i), format!("2026-11-17T13:{:02}:00", 30 + i));
            rows.push(watched(r, "2026-11-10T08:00:00", "2026-11-18T18:00:00"));
        }
        for r in rows.iter_mut().take(40) {
            (r.first_time, r.last_time) = ("2026-11-10T08:00:00".into(), "2026-11-18T18:00:00".into());
        }
        // The site server's wsyncmgr.log in the same drop: its synchronization of sup03 fails.
        let mut site = machine("SITE", true, "", "", "");
        (site.sync_failing, site.sync_failing_since, site.sync_failing_from) =
            ("sup01;sup03".into(), "2026-11-18T02:08:00".into(), "SITE/wsyncmgr.log:72".into());
        rows.push(site);
        let c = causes(&rows);
        let sup = c.iter().find(|c| c.part == SitePart::SoftwareUpdatePoint).expect("the SUP");
        assert_eq!((sup.value.as_str(), sup.machines.len(), sup.holders, sup.others_with, sup.others), ("http://sup03:8530", 10, 10, 0, 40));
        assert_eq!((sup.code.as_str(), sup.code_machines), ("0x80244022", 10));
        assert_eq!(sup.site_logs, vec![("SITE".to_string(), "SITE/wsyncmgr.log:72".to_string(), "2026-11-18T02:08:00".to_string())]);
        let o = sup.onset.as_ref().expect("its onset");
        assert_eq!((o.first_failure.as_str(), o.last_success.as_str()), ("2026-11-17T14:16:00", "2026-11-17T13:39:00"));
        // The four are in the DP's cause too: causes overlap, each counts all of its own.
        let dp = c.iter().find(|c| c.part == SitePart::DistributionPoint).expect("the DP");
        assert_eq!((dp.value.as_str(), dp.machines.len(), dp.code.as_str()), ("dp02", 4, "HTTP 405"));
        assert!(dp.machines.iter().all(|m| sup.machines.contains(m)));
        let t = FleetSummary::of(&rows).text();
        assert!(t.contains("Software update point http://sup03:8530: its clients' scans fail since 2026-11-17T14:16:00 (0x80244022)"), "{t}");
        assert!(t.contains("10 of the 10 machines whose scans talk to it fail; 0 of the 40 other machines"), "{t}");
        assert!(t.contains("Its synchronization has failed since 2026-11-18T02:08:00 (SITE: SITE/wsyncmgr.log:72)."), "{t}");
    }

    #[test]
    fn a_distribution_point_names_its_answer_and_a_healthy_one_is_no_cause() {
        let mut rows = healthy();
        rows.extend((0..6).map(|i| client(&format!("d{i}"), "sup01", "dp02", LinkState::Ok, LinkState::Failed)));
        let c = causes(&rows);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            (c[0].part, c[0].value.as_str(), c[0].machines.len(), c[0].code.as_str(), c[0].code_machines),
            (SitePart::DistributionPoint, "dp02", 6, "HTTP 405", 6)
        );
        assert_eq!(c[0].evidence[0], ("d0".to_string(), "d0/DataTransferService.log:19".to_string()));
        // dp01 serves 20 machines well: no cause of it.
        assert!(c.iter().all(|c| c.value != "dp01"));
    }

    #[test]
    fn software_updates_off_counts_clients_that_scanned_before() {
        let mut rows = healthy();
        for i in 0..5 {
            let mut r = client(&format!("off{i}"), "sup01", "", LinkState::Ok, LinkState::NotInLogs);
            // Three scanned before the setting turned off (the chain's policy link reads on).
            if i >= 3 {
                r.links[0].state = LinkState::Off;
                r.links[1].state = LinkState::NotReached;
            }
            (r.software_updates, r.software_updates_from) = ("off".into(), format!("off{i}/UpdatesDeployment.log:26"));
            rows.push(r);
        }
        let c = causes(&rows);
        let off = c.iter().find(|c| c.part == SitePart::ClientSetting).expect("the setting");
        assert_eq!((off.machines.len(), off.scanned_before, off.others), (5, 3, 40));
        // Two machines off are too few to be a setting of a group.
        rows.truncate(42);
        assert!(causes(&rows).iter().all(|c| c.part != SitePart::ClientSetting));
    }

    #[test]
    fn waiting_for_a_window_is_its_own_card_with_how_long() {
        let mut rows = healthy();
        for i in 0..4 {
            let mut r = client(&format!("w{i}"), "sup01", "dp01", LinkState::Ok, LinkState::Ok);
            r.status = "incomplete".into();
            r.links[3] = LinkRow { since: format!("2026-11-14T{:02}:00:00", 8 + i), ..link(LinkId::Window, LinkState::Waiting, "") };
            (r.window_types_missing, r.window_next) = ("4".into(), "11/29/2026 22:00:00".into());
            r.last_time = "2026-11-18T20:00:00".into();
            rows.push(r);
        }
        let c = causes(&rows);
        assert_eq!(c.len(), 1, "{c:?}");
        let w = &c[0];
        assert_eq!(
            (w.part, w.machines.len(), w.waiting_since.as_str(), w.longest_wait_seconds),
            (SitePart::MaintenanceWindow, 4, "2026-11-14T08:00:00", 4 * 86_400 + 12 * 3600)
        );
        assert_eq!((w.window_types_missing.clone(), w.window_next.as_str()), (vec!["4".to_string()], "11/29/2026 22:00:00"));
        let t = FleetSummary::of(&rows).text();
        assert!(t.contains("4 machines' updates wait for a maintenance window, the first since 2026-11-14T08:00:00, the longest for 5 days when their logs end. No window of the type Software Updates exists; the next window begins at 11/29/2026 22:00:00."), "{t}");
    }

    #[test]
    fn an_update_failing_on_every_site_is_a_cause_and_a_download_failure_is_not_an_install() {
        let state = |kb: &str, failing: bool, code: &str| UpdateState {
            kb: kb.into(),
            state: if failing { LedgerState::Failing } else { LedgerState::Done },
            code: code.into(),
            install_failed: failing,
            ..UpdateState::default()
        };
        // Two updates installed everywhere; KB5055523 fails on 15 machines of every SUP and DP.
        let mut rows = healthy();
        for r in rows.iter_mut() {
            r.updates = vec![state("KB5055523", false, ""), state("KB5054979", false, "")];
        }
        for i in 0..15 {
            let mut r = client(&format!("u{i}"), ["sup01", "sup02"][i % 2], ["dp01", "dp03"][i % 2], LinkState::Ok, LinkState::Ok);
            r.status = "failed".into();
            r.links[4].state = LinkState::Failed;
            r.updates = vec![state("KB5055523", true, "0x80070643"), state("KB5054979", false, "")];
            rows.push(r);
        }
        // Three machines fail the other update their own way: the fleet's usual rate, no cause.
        for i in 0..3 {
            let mut r = client(&format!("x{i}"), "sup01", "dp01", LinkState::Ok, LinkState::Ok);
            r.links[4].state = LinkState::Failed;
            r.updates = vec![state("KB5055523", false, ""), state("KB5054979", true, ["0x800F0922", "0x80070005", "0x800F0922"][i])];
            rows.push(r);
        }
        // Content failures mark the ledger failing too, but no install failed.
        rows.extend((0..5).map(|i| {
            let mut r = client(&format!("d{i}"), "sup01", "dp02", LinkState::Ok, LinkState::Failed);
            r.updates = vec![UpdateState { install_failed: false, ..state("KB5054979", true, "0x87D0027E") }];
            r
        }));
        let c = causes(&rows);
        let u: Vec<&SiteCause> = c.iter().filter(|c| c.part == SitePart::Update).collect();
        assert_eq!(u.len(), 1, "{u:?}");
        // 15 of its 58 installs failed; 3 of the other update's 58 did.
        assert_eq!(
            (u[0].value.as_str(), u[0].machines.len(), u[0].code.as_str(), u[0].holders, u[0].others_with, u[0].others),
            ("KB5055523", 15, "0x80070643", 58, 3, 58)
        );
        assert!((u[0].p - fisher_greater(116, 18, 58, 15)).abs() < 1e-15 && u[0].p < ALPHA, "{}", u[0].p);
    }

    #[test]
    fn faults_a_few_machines_have_by_chance_make_no_card() {
        let mut rows = healthy();
        // Two scans failing on sup01 (which serves 20 well), two on their own servers, one
        // content failure at dp01, one window wait, two machines off.
        rows.push(client("f1", "sup01", "dp01", LinkState::Failed, LinkState::Ok));
        rows.push(client("f2", "sup01", "dp01", LinkState::Failed, LinkState::Ok));
        rows.push(client("f3", "supx", "dp01", LinkState::Failed, LinkState::Ok));
        rows.push(client("f4", "supy", "dp01", LinkState::Failed, LinkState::Ok));
        rows.push(client("f5", "sup02", "dp01", LinkState::Ok, LinkState::Failed));
        let mut w = client("f6", "sup02", "dp03", LinkState::Ok, LinkState::Ok);
        w.links[3].state = LinkState::Waiting;
        rows.push(w);
        for i in 0..2 {
            let mut r = client(&format!("off{i}"), "sup01", "", LinkState::Ok, LinkState::NotInLogs);
            r.software_updates = "off".into();
            rows.push(r);
        }
        assert_eq!(causes(&rows), Vec::new());
        // Three on a server of their own do make one: the rule is not silent by construction.
        rows.push(client("f7", "supx", "dp01", LinkState::Failed, LinkState::Ok));
        rows.push(client("f8", "supx", "dp01", LinkState::Failed, LinkState::Ok));
        let c = causes(&rows);
        assert_eq!((c.len(), c[0].value.as_str(), c[0].machines.len()), (1, "http://supx:8530", 3));
    }
}
