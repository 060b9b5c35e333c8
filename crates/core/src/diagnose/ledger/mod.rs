//! The update ledger: one row per update or servicing target with every step of its story,
//! joined across the logs of a drop, and where it stands when they end.
//!
//! Sightings come from the lines that name one update (`lines`: the agent's WindowsUpdate.log,
//! ReportingEvents, the event logs), from ConfigMgr's updates table (`updates`: missing,
//! installed, superseded) and from Delivery Optimization's jobs that the agent names. They are
//! joined by exact ids first (update id, a DO job the agent ties to an update id), then by KB,
//! by title last; each join keeps the lines that made it.
//!
//! A row's state is read from its latest step that starts or ends work: a failure is `failing`
//! (whatever other targets did after it); a start with no outcome is `stalled` when its log goes
//! on for [`STALL_AFTER_MS`] or more, else `running` (still running when the log ends); an
//! install is `done` (or `pending_restart`); a target only found or required is `unknown`.

mod class;
mod lines;
mod monthly;
mod ring;
mod tell;

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;

use super::content::ContentJob;
use super::operations::Operation;
use super::updates::{IdKey, Row as UpdateRow, Said};
use crate::analysis::Analysis;
use crate::model::{evidence_of, JoinKey, LedgerJoin, LedgerRow, LedgerState, LedgerStep, LifeEvent, LogFile, Outcome, TargetKind, UpdateClass};

pub use lines::Sighting;
pub use ring::hold;

pub use crate::model::STALL_AFTER_MS;

/// Two sightings of the same event of one target this close together are one (a trace and its
/// decoded text, ReportingEvents.log and the WindowsUpdate.log line that copies it).
const SAME_EVENT_MS: i64 = 120 * 1000;

/// The sightings of every file of the drop (a file per task), in file order.
pub fn sightings(a: &Analysis) -> Vec<Sighting> {
    let per_file = crate::par::map(a.files.iter().enumerate().collect(), |(fi, f)| lines::read(f, fi));
    per_file.into_iter().flatten().collect()
}

/// The sightings of every file of the drop, and those of the contents deployed updates needed
/// (read once: the rules say where each content's download stands, the ledger has its steps).
/// `content_lines`: the lines of the `update_content` rule (file, entry), in file order.
pub fn with_content(a: &Analysis, content_lines: &[(usize, usize)]) -> (Vec<Sighting>, Vec<ContentJob>) {
    let content = super::content::read(a, content_lines);
    let mut out = sightings(a);
    out.extend(lines::of_content(&content));
    let restarts = lines::of_reboots(a, &out);
    out.extend(restarts);
    (out, content)
}

/// A step before its words: the line, its event and code.
#[derive(Clone, Copy)]
struct Raw {
    event: LifeEvent,
    file: usize,
    entry: u32,
    code: Option<u32>,
}

/// A join before its words: by what, the value, a line of each side (file, entry).
type Join = (JoinKey, String, Vec<(usize, u32)>);

/// The rows being joined. Their texts are borrowed from the sightings and ConfigMgr's table
/// where they can be: nothing is allocated for a row but its steps.
#[derive(Default)]
struct Rows<'a> {
    rows: Vec<Draft<'a>>,
    /// Each update id interned once (its GUID's bits): every id a sighting names, and ConfigMgr's
    /// ids when its table is joined row by row (a new row of a GUID's table is not looked up
    /// again: `configmgr_rows`).
    by_id: FxHashMap<IdKey, usize>,
    /// Rows by KB and by title, which only the rows joined by name read: the rows named are
    /// noted in order (`kb_named`, `titled`) and indexed when one is looked up
    /// ([`Rows::index_names`]), not row by row.
    by_kb: FxHashMap<Cow<'a, str>, Vec<usize>>,
    by_title: FxHashMap<NoCase<'a>, usize>,
    kb_named: Vec<usize>,
    titled: Vec<(&'a str, usize)>,
    /// ConfigMgr's new rows that no other line names and no name can join ([`Lone`]), in no
    /// order: read from the table, made rows of their own only if a report lists them.
    lone: Vec<Lone<'a>>,
    /// Where ConfigMgr's new rows start among the rows, and how many of them are made rows (the
    /// lone ones come after them: [`Rows::place`]).
    configmgr_base: usize,
    configmgr_made: usize,
}

/// A new row of ConfigMgr's table with no title and no KB: nothing after the table can join it
/// (every update id a line names came before it; a name cannot find it), so its story is its
/// one line of the table, and its state is read from that line's steps without making a row.
///
/// What the ledger reads of its row of the table is copied in while the split has the row at
/// hand (whether it is superseded, its coarse key in the table's order), so that its state and
/// the first picks read no row: the rows of a table of many ids are spread over tens of MB.
#[derive(Clone, Copy)]
struct Lone<'a> {
    u: &'a UpdateRow<'a>,
    event: LifeEvent,
    superseded: bool,
    at: (usize, u32),
    /// Its row's [`coarse`](super::updates::Row::coarse) key.
    coarse: u64,
}

impl<'a> Lone<'a> {
    /// Its steps, as a row made of it would have them.
    fn steps(&self) -> ([Raw; 2], usize) {
        configmgr_steps(self.superseded, self.event, self.at)
    }

    /// The state its steps leave, read as [`settle`] reads a row's. Its steps are of one line:
    /// their time orders nothing among them and tells only how long a start has been open, so
    /// it is read only for a start.
    fn state(&self, a: &Analysis) -> LedgerState {
        let (raw, n) = self.steps();
        let t = if raw[..n].iter().any(|s| s.event.is_start()) { utc(a, self.at.0, self.at.1) } else { None };
        let mut steps = raw.map(|s| (t, s));
        let n = keep_steps(a, &mut steps[..n]);
        state_of(a, &steps[..n]).0
    }

    /// The row made of it, when a report lists it.
    fn draft(&self) -> Draft<'a> {
        let (raw, n) = self.steps();
        Draft {
            kind: TargetKind::Update,
            kb: Cow::Borrowed(""),
            id: Cow::Borrowed(&self.u.id),
            revision: self.u.revision,
            title: Cow::Borrowed(""),
            steps: raw[..n].to_vec(),
            joins: Vec::new(),
            first: Some(self.at),
        }
    }
}

/// A title as a key whatever the case of its ASCII letters, as its lower-case copy would be,
/// without making the copy.
struct NoCase<'a>(&'a str);

impl PartialEq for NoCase<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for NoCase<'_> {}

impl Hash for NoCase<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let mut buf = [0u8; 32];
        for chunk in self.0.as_bytes().chunks(32) {
            let b = &mut buf[..chunk.len()];
            b.copy_from_slice(chunk);
            b.make_ascii_lowercase();
            h.write(b);
        }
        h.write_u8(0xff);
    }
}

struct Draft<'a> {
    kind: TargetKind,
    kb: Cow<'a, str>,
    id: Cow<'a, str>,
    revision: Option<u32>,
    title: Cow<'a, str>,
    steps: Vec<Raw>,
    joins: Vec<Join>,
    /// The line that first named it (for a join's evidence).
    first: Option<(usize, u32)>,
}

impl<'a> Rows<'a> {
    /// Row `r`'s place in the order the rows were named, the lone rows among them: the rows
    /// before ConfigMgr's new ones, those new ones (made in the table's order, then the lone
    /// ones), then the rows after. A lone row has no KB and no title, which every made new row
    /// has: it ties with no made new row in the ledger's order, only with rows before or after.
    fn place(&self, r: usize) -> u32 {
        let place = if r < self.configmgr_base + self.configmgr_made { r } else { r + self.lone.len() };
        place as u32
    }

    fn new_row(&mut self, kind: TargetKind, at: (usize, u32)) -> usize {
        self.rows.push(Draft {
            kind,
            kb: Cow::Borrowed(""),
            id: Cow::Borrowed(""),
            revision: None,
            title: Cow::Borrowed(""),
            steps: Vec::new(),
            joins: Vec::new(),
            first: Some(at),
        });
        self.rows.len() - 1
    }

    /// The row of update id `id` (lower case, without braces), new or as it is.
    fn by_id(&mut self, id: &'a str, at: (usize, u32)) -> usize {
        self.by_key(&IdKey::of(id), id, at)
    }

    /// The row of update id `id` whose key is `key`.
    fn by_key(&mut self, key: &IdKey, id: &'a str, at: (usize, u32)) -> usize {
        if let Some(&i) = self.by_id.get(key) {
            return i;
        }
        let i = self.new_row(TargetKind::Update, at);
        self.rows[i].id = Cow::Borrowed(id);
        self.by_id.insert(key.clone(), i);
        i
    }

    /// Row `i` seen again at `at`: from another file than the one that first named it, the join
    /// is stated with a line of each (once per file).
    fn seen(&mut self, i: usize, by: JoinKey, value: &str, at: (usize, u32)) {
        let r = &mut self.rows[i];
        let Some(first) = r.first else { return };
        if first.0 == at.0 || r.joins.iter().any(|j| j.0 == by && j.2.iter().any(|&(f, _)| f == at.0)) {
            return;
        }
        r.joins.push((by, value.to_string(), vec![first, at]));
    }

    /// Index the rows named since the last call by their KB and title (the first row of a title
    /// keeps it).
    fn index_names(&mut self) {
        for (title, i) in self.titled.drain(..) {
            self.by_title.entry(NoCase(title)).or_insert(i);
        }
        for i in self.kb_named.drain(..) {
            self.by_kb.entry(self.rows[i].kb.clone()).or_default().push(i);
        }
    }

    /// Give row `i` a title (the longest seen) and the KB it names.
    fn name(&mut self, i: usize, title: &'a str, kb: &'a str) {
        let r = &mut self.rows[i];
        if title.len() > r.title.len() {
            r.title = Cow::Borrowed(title);
            self.titled.push((title, i));
        }
        if r.kb.is_empty() {
            let kb: Cow<str> = if kb.is_empty() { class::kb_of(title).into() } else { kb.into() };
            if !kb.is_empty() {
                r.kb = kb;
                self.kb_named.push(i);
            }
        }
    }
}

/// The ledger of one drop. `updates` is ConfigMgr's table (UpdatesStore.log and WUAHandler.log
/// states), `ops` the drop's operations (Delivery Optimization's jobs).
pub fn build<'a>(a: &Analysis, sightings: &'a [Sighting], updates: &'a [&'a UpdateRow<'a>], ops: &[Operation]) -> Ledger {
    ledger_of(a, joined(a, sightings, updates, ops), KEPT)
}

/// Every row of a drop, its sightings joined: by update id, ConfigMgr's table, DO's jobs,
/// servicing and setup targets, then by name.
fn joined<'a>(a: &Analysis, sightings: &'a [Sighting], updates: &'a [&'a UpdateRow<'a>], ops: &[Operation]) -> Rows<'a> {
    let mut rows = Rows::default();
    let mut jobs: FxHashMap<&str, (&str, usize, u32)> = FxHashMap::default();
    // Exact ids first: every sighting that names an update id.
    for s in sightings.iter().filter(|s| !s.id.is_empty()) {
        let i = rows.by_id(&s.id, (s.file, s.entry));
        rows.seen(i, JoinKey::UpdateId, &s.id, (s.file, s.entry));
        if s.revision.is_some() {
            rows.rows[i].revision = s.revision;
        }
        if !s.title.is_empty() || !s.kb.is_empty() {
            rows.name(i, &s.title, &s.kb);
        }
        if !s.job.is_empty() {
            jobs.entry(s.job.as_str()).or_insert((s.id.as_str(), s.file, s.entry));
        }
        if let Some(ev) = s.event {
            rows.rows[i].steps.push(Raw { event: ev, file: s.file, entry: s.entry, code: s.code });
        }
    }
    configmgr_rows(updates, &mut rows);
    do_jobs(a, ops, &jobs, &mut rows);
    servicing_targets(ops, &mut rows);
    setup_targets(ops, &mut rows);
    // Then what only a KB or a title names (event logs, Setup.evtx packages).
    for s in sightings.iter().filter(|s| s.id.is_empty()) {
        let Some(ev) = s.event else { continue };
        let i = join_by_name(a, &mut rows, s);
        rows.rows[i].steps.push(Raw { event: ev, file: s.file, entry: s.entry, code: s.code });
    }
    rows
}

/// The ledger of joined rows: each settled, the first `n` in order written out.
fn ledger_of(a: &Analysis, mut rows: Rows<'_>, n: usize) -> Ledger {
    merge_versions(&mut rows.rows);
    let mut settled = settle_all(a, &rows.rows);
    supersede_monthly(&rows.rows, &mut settled);
    let mut lone = Vec::with_capacity(rows.lone.len());
    crate::par::extend_mapped(&mut lone, &rows.lone, |l| l.state(a));
    let urgent = settled.iter().map(|s| s.state).chain(lone.iter().copied()).filter(|s| matches!(s, LedgerState::Failing | LedgerState::Stalled)).count();
    let total = settled.len() + lone.len();
    let first = first_in_order(&rows, &settled, &lone, n);
    let tellers = tell::Tellers::of(a);
    // In parts on all cores: a row's words quote the lines of its steps and joins.
    let mut out = Vec::with_capacity(first.len());
    crate::par::extend_mapped_by(&mut out, &first, WORDS_PART, |&pick| {
        let mut row = match pick {
            Pick::Made(i) => words(a, &rows.rows[settled[i].draft as usize], &settled[i]),
            Pick::Lone(k) => {
                let d = rows.lone[k].draft();
                words(a, &d, &settle(a, u32::MAX, &d))
            }
        };
        row.would_tell = tellers.for_row(&row);
        row
    });
    Ledger { rows: out, total, urgent }
}

/// An earlier month's cumulative update that failed, stalled or is still running, where a later
/// month's of the same product line installed after its last step, is superseded
/// (`monthly.rs`): its new last step is that install's line. Rows of no monthly line cost
/// nothing; nothing is looked up unless such a row is not done.
fn supersede_monthly(drafts: &[Draft<'_>], settled: &mut [Settled]) {
    let open = |s: &Settled| matches!(s.state, LedgerState::Failing | LedgerState::Stalled | LedgerState::Running);
    let wanted: Vec<(usize, String, u32)> = settled
        .iter()
        .enumerate()
        .filter(|(_, s)| open(s))
        .filter_map(|(i, s)| monthly::monthly(&drafts[s.draft as usize].title).map(|(l, m)| (i, l, m)))
        .collect();
    if wanted.is_empty() {
        return;
    }
    // The latest month of each line that installed, with its install step.
    let mut installed: FxHashMap<String, (u32, Option<i64>, Raw)> = FxHashMap::default();
    for s in settled.iter().filter(|s| matches!(s.state, LedgerState::Done | LedgerState::PendingRestart)) {
        let Some(&(t, raw)) = s.kept.iter().rev().find(|(_, r)| r.event == LifeEvent::Installed) else { continue };
        let Some((line, month)) = monthly::monthly(&drafts[s.draft as usize].title) else { continue };
        if !wanted.iter().any(|(_, l, _)| *l == line) {
            continue;
        }
        let e = installed.entry(line).or_insert((month, t, raw));
        if month > e.0 {
            *e = (month, t, raw);
        }
    }
    for (i, line, month) in wanted {
        let Some(&(later, t, raw)) = installed.get(&line) else { continue };
        let s = &mut settled[i];
        let last = s.kept.last().and_then(|(t, _)| *t);
        if later <= month || matches!((last, t), (Some(l), Some(t)) if t < l) {
            continue;
        }
        s.kept.push((t, Raw { event: LifeEvent::Superseded, ..raw }));
        s.decisive = Some(s.kept.len() - 1);
        s.state = LedgerState::Done;
        s.open_ms = None;
    }
}

/// The fewest rows a core writes in words at a time.
const WORDS_PART: usize = 256;

/// A row in the ledger's order: a settled row (its index), or a lone row of ConfigMgr's table.
#[derive(Clone, Copy)]
enum Pick {
    Made(usize),
    Lone(usize),
}

/// How many rows of the ledger are written out: as many as a report lists at most
/// (`ReportLimits::FULL`); the others are counted.
pub const KEPT: usize = 5000;

/// The ledger of a drop: its first [`KEPT`] rows in order, each with its steps' and joins' lines.
pub struct Ledger {
    pub rows: Vec<LedgerRow>,
    /// Every row, written out or not.
    pub total: usize,
    /// The rows failing or stalled now, written out or not.
    pub urgent: usize,
}

/// A row settled: its steps kept in time order and the state they leave; its words (steps' and
/// joins' lines quoted) not yet written, since only the first [`KEPT`] rows are.
struct Settled {
    /// Its draft's index.
    draft: u32,
    kept: Vec<(Option<i64>, Raw)>,
    state: LedgerState,
    decisive: Option<usize>,
    open_ms: Option<i64>,
    class: UpdateClass,
}

/// Every draft with a step settled, in order: in parts on all cores when there are many (a
/// ConfigMgr log that names a new update id on every line makes a row of each).
fn settle_all(a: &Analysis, drafts: &[Draft<'_>]) -> Vec<Settled> {
    let live: Vec<u32> = (0..drafts.len() as u32).filter(|&i| !drafts[i as usize].steps.is_empty()).collect();
    let mut out = Vec::with_capacity(live.len());
    crate::par::extend_mapped_by(&mut out, &live, SETTLE_PART, |&i| settle(a, i, &drafts[i as usize]));
    out
}

/// The fewest rows a core settles at a time (a row takes about half a microsecond).
const SETTLE_PART: usize = 1024;

/// The switches of a DISM command line that name what it installs: the command, the switch
/// that carries its target, and the kind of target (Microsoft Learn, "DISM Operating System
/// Package (.cab or .msu) Servicing Command-Line Options", "DISM Capabilities Package Servicing
/// Command-Line Options", "DISM App Package (.appx or .appxbundle) Servicing Command-Line
/// Options"). Not `/Add-ProvisionedAppxPackage`: a driver's installer provisions its app from a
/// file whose name is a new hash on each try (`...\NVCPL\d7bda1d2...appx`, then
/// `...\NVCPL\1b860afc...appx` a day later, read from a DISM log), so the name is no identity.
const DISM_TARGETS: [(&str, &str, TargetKind); 3] = [
    ("/enable-feature", "/featurename:", TargetKind::Feature),
    ("/add-capability", "/capabilityname:", TargetKind::Feature),
    ("/add-package", "/packagepath:", TargetKind::Package),
];

/// What a servicing command line installs: its kind and name (a package or app file by its
/// file name).
fn dism_target(label: &str) -> Option<(TargetKind, String)> {
    let lower = label.to_ascii_lowercase();
    let (_, switch, kind) = DISM_TARGETS.iter().find(|(cmd, switch, _)| lower.contains(cmd) && lower.contains(switch))?;
    let at = lower.find(switch)? + switch.len();
    let value = label.get(at..)?;
    let value = if let Some(quoted) = value.strip_prefix('"') { quoted.split('"').next()? } else { value.split_whitespace().next()? };
    let name = value.rsplit(['\\', '/']).next().unwrap_or(value).trim();
    (!name.is_empty()).then(|| (*kind, name.to_string()))
}

/// Servicing's targets: each servicing session whose command line names a feature, capability,
/// package or app package is a try of that target (its first line the start, its outcome with
/// its code), so a feature that fails on every try is failing whatever other sessions did.
fn servicing_targets(ops: &[Operation], rows: &mut Rows<'_>) {
    let mut by_name: FxHashMap<(TargetKind, String), usize> = FxHashMap::default();
    for o in ops.iter().filter(|o| o.kind() == crate::model::OperationKind::Servicing) {
        let Some((kind, name)) = dism_target(&o.label) else { continue };
        let Some(start) = o.start.or(o.lines.first().copied()) else { continue };
        let i = *by_name.entry((kind, name.to_ascii_lowercase())).or_insert_with(|| {
            let i = rows.new_row(kind, (o.file, start));
            rows.rows[i].title = Cow::Owned(name.clone());
            i
        });
        let end = o.failed_at.or(o.end).unwrap_or(start);
        install_run(&mut rows.rows[i].steps, o, start, end, o.code.or(o.root));
    }
}

/// One run of an install on a target: its start, and its result where it has one (a failure
/// with `failure_code`) at `end`.
fn install_run(steps: &mut Vec<Raw>, o: &Operation, start: u32, end: u32, failure_code: Option<u32>) {
    steps.push(Raw { event: LifeEvent::InstallStarted, file: o.file, entry: start, code: None });
    let (event, code) = match o.outcome {
        Outcome::Failed | Outcome::Recovered => (LifeEvent::InstallFailed, failure_code),
        Outcome::Succeeded => (LifeEvent::Installed, None),
        Outcome::Cancelled => (LifeEvent::Cancelled, None),
        _ => return,
    };
    steps.push(Raw { event, file: o.file, entry: end, code });
}

/// The feature update each Windows setup run installs, by the build it names (its
/// `target_build` fact): the run's first line starts it, its result ends it, so a run cut off
/// by the end of its log is running or stalled like any other.
fn setup_targets(ops: &[Operation], rows: &mut Rows<'_>) {
    let mut by_build: FxHashMap<String, usize> = FxHashMap::default();
    for o in ops.iter().filter(|o| o.kind() == crate::model::OperationKind::Setup && o.reported_in.is_none()) {
        let Some(build) = o.fact("target_build") else { continue };
        let Some(start) = o.start.or(o.lines.first().copied()) else { continue };
        let i = *by_build.entry(build.to_string()).or_insert_with(|| {
            let i = rows.new_row(TargetKind::Update, (o.file, start));
            rows.rows[i].title = Cow::Owned(format!("Feature update to build {build}"));
            i
        });
        let end = o.failed_at.or(o.end).or(o.lines.last().copied()).unwrap_or(start);
        // Setup remaps the error it failed with for telemetry (0xC1900108): the root is the cause.
        install_run(&mut rows.rows[i].steps, o, start, end, o.root.or(o.code));
    }
}

/// The first `n` rows in the ledger's order, of the settled rows and the lone rows (`lone`, their
/// states): what needs doing first ([`rank`]), then by KB (rows without one last) and title;
/// rows equal in all that keep the order they were named in ([`Rows::place`]). Sorted as small
/// keys; a lone row has no KB and no title, so the first `n` of them are the first by rank, then
/// in the table's order, and only those get a key and a place.
fn first_in_order(rows: &Rows<'_>, settled: &[Settled], lone: &[LedgerState], n: usize) -> Vec<Pick> {
    use super::updates::head;
    let by = |x: &_, y: &_| super::updates::by_heads(*x, *y);
    let class = class::class_of("");
    // The settled rows' first keys and the lone rows' candidates read different rows: each on
    // a core of its own.
    let (mut keys, candidates) = crate::par::join(
        || {
            let mut keys: Vec<super::updates::SortKey<(LedgerState, u8)>> = settled
                .iter()
                .map(|r| {
                    let d = &rows.rows[r.draft as usize];
                    (rank(r.state, r.class), d.kb.is_empty(), head(&d.kb), &*d.kb, head(&d.title), &*d.title, rows.place(r.draft as usize))
                })
                .collect();
            if keys.len() > n {
                keys.select_nth_unstable_by(n, by);
                keys.truncate(n);
            }
            keys
        },
        || lone_candidates(rows, lone, class, n),
    );
    let mut picked: FxHashMap<u32, usize> = FxHashMap::default();
    let mut states: Vec<LedgerState> = Vec::new();
    for &k in &candidates {
        if !states.contains(&lone[k]) {
            states.push(lone[k]);
        }
    }
    states.sort_by_key(|&s| rank(s, class));
    let first_place = rows.configmgr_base + rows.configmgr_made;
    for s in states {
        let taken = picked.len();
        if taken == n {
            break;
        }
        let of_state: Vec<usize> = candidates.iter().copied().filter(|&k| lone[k] == s).collect();
        for k in super::updates::first_in_order(&of_state, |&k| rows.lone[k].u, n - taken) {
            let place = (first_place + picked.len()) as u32;
            keys.push((rank(s, class), true, 0, "", 0, "", place));
            picked.insert(place, k);
        }
    }
    if keys.len() > n {
        keys.select_nth_unstable_by(n, by);
        keys.truncate(n);
    }
    keys.sort_unstable_by(by);
    // A settled row's place grows with its index (both follow the drafts' order).
    let made = |place: u32| settled.partition_point(|s| rows.place(s.draft as usize) < place);
    keys.into_iter().map(|k| picked.get(&k.6).map_or_else(|| Pick::Made(made(k.6)), |&k| Pick::Lone(k))).collect()
}

/// The lone rows that may be among the first `n` in order (by rank, then in the table's order),
/// by index: all of them when they are `n` or fewer. Else those whose (rank, coarse key), which
/// orders as that does with ties, is at most the `n`-th smallest
/// ([`first_with_ties`](super::updates::first_with_ties)).
fn lone_candidates(rows: &Rows<'_>, lone: &[LedgerState], class: UpdateClass, n: usize) -> Vec<usize> {
    super::updates::first_with_ties(lone.len(), |k| (rank(lone[k], class), rows.lone[k].coarse), n)
}

/// Rows of one KB under several update ids are versions of one update (Defender's security
/// intelligence gets a new id every few hours; an update re-released gets a new revision): one
/// row, its story across them, each id's first line kept as the join's evidence. Merged in
/// place: a row merged into an earlier one is left with no step, so no row settles it.
fn merge_versions(drafts: &mut [Draft<'_>]) {
    let mut by_kb: FxHashMap<Cow<str>, usize> = FxHashMap::default();
    by_kb.reserve(drafts.len());
    for j in 0..drafts.len() {
        let d = &drafts[j];
        if d.kb.is_empty() || d.id.is_empty() || d.steps.is_empty() {
            continue;
        }
        let Some(&i) = by_kb.get(&d.kb) else {
            by_kb.insert(d.kb.clone(), j);
            continue;
        };
        let (into, d) = {
            let (head, tail) = drafts.split_at_mut(j);
            (&mut head[i], &mut tail[0])
        };
        let at: Vec<(usize, u32)> = into.first.into_iter().chain(d.first).collect();
        into.joins.push((JoinKey::Kb, d.kb.to_string(), at));
        into.steps.append(&mut d.steps);
        into.joins.append(&mut d.joins);
        if d.title.len() > into.title.len() {
            into.title = std::mem::take(&mut d.title);
        }
    }
}

/// What needs doing first: failing, stalled, running, a restart; then the sort of update.
fn rank(state: LedgerState, class: UpdateClass) -> (LedgerState, u8) {
    let class = match class {
        UpdateClass::Feature => 0,
        UpdateClass::Cumulative => 1,
        UpdateClass::Security => 2,
        UpdateClass::ServicingStack => 3,
        UpdateClass::Driver => 5,
        UpdateClass::StoreApp => 6,
        UpdateClass::Definition => 7,
        UpdateClass::Other => 4,
    };
    (state, class)
}

/// ConfigMgr's word on each update id: missing, installed, superseded. `updates` is every row
/// of its table, in no order.
fn configmgr_rows<'a>(updates: &'a [&'a UpdateRow<'a>], rows: &mut Rows<'a>) {
    // When every id of the table is a GUID, every row of the table is an update id of its own,
    // already a row of the ledger when a sighting named it, else a new row. A new row with no
    // title and no KB is lone: kept as its line of the table, in no order. The others are
    // applied in the table's order, and a new one's index is known before it is made: the rows
    // named in that order keep it in the indexes by KB and title. The rows are split in one pass
    // that reads each row once (most of its time is the row's load).
    let mut named: Vec<(&'a UpdateRow<'a>, Planned)> = Vec::new();
    // Room for every row to be lone, as most are when a log names a new id on every line (only
    // the part filled is ever touched).
    rows.lone.reserve(updates.len());
    for &u in updates {
        if !matches!(u.key, IdKey::Guid(_)) {
            // An id in braces is keyed without them, as the lines that name it are: two of the
            // table's rows may be one row here, so they are joined one by one, in the table's
            // order.
            rows.lone.clear();
            return configmgr_rows_one_by_one(&super::updates::in_order(updates, |u| u), rows);
        }
        let Some((event, at)) = configmgr_word(u) else { continue };
        let known = rows.by_id.get(&u.key).copied();
        if known.is_none() && u.title.is_empty() && u.kb.is_empty() {
            rows.lone.push(Lone { u, event, superseded: u.superseded_by.is_some(), at, coarse: u.coarse() });
        } else {
            named.push((u, (known, event, at)));
        }
    }
    let base = rows.rows.len();
    rows.configmgr_base = base;
    let mut new: Vec<(&UpdateRow, LifeEvent, (usize, u32))> = Vec::new();
    for (u, (known, event, at)) in super::updates::in_order(&named, |n| n.0) {
        match known {
            Some(i) => {
                rows.seen(i, JoinKey::UpdateId, &u.id, at);
                configmgr_step(rows, i, u, event, at);
            }
            None => {
                let i = base + new.len();
                if !u.title.is_empty() {
                    rows.titled.push((u.title, i));
                }
                if !u.kb.is_empty() {
                    rows.kb_named.push(i);
                }
                new.push((u, event, at));
            }
        }
    }
    rows.configmgr_made = new.len();
    // Not indexed by id: no later sighting names an id (they came first), and the only lookup
    // after this, a DO job's, is of an id a sighting named.
    rows.rows.reserve(new.len());
    crate::par::extend_mapped(&mut rows.rows, &new, |&(u, event, at)| {
        let (raw, n) = configmgr_steps(u.superseded_by.is_some(), event, at);
        Draft {
            kind: TargetKind::Update,
            kb: Cow::Borrowed(u.kb),
            id: Cow::Borrowed(&u.id),
            revision: u.revision,
            title: Cow::Borrowed(u.title),
            steps: raw[..n].to_vec(),
            joins: Vec::new(),
            first: Some(at),
        }
    });
}

/// What a row of ConfigMgr's table does to the ledger: the row it joins (none for a new row), its
/// step, and its line's (file, entry).
type Planned = (Option<usize>, LifeEvent, (usize, u32));

/// The step ConfigMgr's word on an update gives, if any.
fn configmgr_event(u: &UpdateRow<'_>) -> Option<LifeEvent> {
    match u.said {
        Said::Missing | Said::Required => Some(LifeEvent::Missing),
        Said::Installed => Some(LifeEvent::Installed),
        _ if u.superseded_by.is_some() => Some(LifeEvent::Superseded),
        _ => None,
    }
}

/// Row `i` given ConfigMgr's word on it: its revision, title and KB, and the step.
fn configmgr_step<'a>(rows: &mut Rows<'a>, i: usize, u: &'a UpdateRow<'_>, event: LifeEvent, (fi, entry): (usize, u32)) {
    rows.rows[i].revision = rows.rows[i].revision.or(u.revision);
    rows.name(i, u.title, u.kb);
    let (raw, n) = configmgr_steps(u.superseded_by.is_some(), event, (fi, entry));
    rows.rows[i].steps.extend_from_slice(&raw[..n]);
}

/// The steps ConfigMgr's word on an update gives: its event at its line, and superseded too when
/// the table says its update is `superseded` (the first `n` of two).
fn configmgr_steps(superseded: bool, event: LifeEvent, (file, entry): (usize, u32)) -> ([Raw; 2], usize) {
    let step = Raw { event, file, entry, code: None };
    let also = Raw { event: LifeEvent::Superseded, ..step };
    ([step, also], if event != LifeEvent::Superseded && superseded { 2 } else { 1 })
}

/// ConfigMgr's word on row `u` of its table, if it says one, and its line's (file, entry).
fn configmgr_word(u: &UpdateRow<'_>) -> Option<(LifeEvent, (usize, u32))> {
    if u.id.is_empty() {
        return None;
    }
    Some((configmgr_event(u)?, (u.file, u.entry)))
}

/// [`configmgr_rows`] a row of the table at a time (in its order), each looked up (and a new one
/// indexed) by its id without braces.
fn configmgr_rows_one_by_one<'a>(updates: &[&'a UpdateRow<'a>], rows: &mut Rows<'a>) {
    for &u in updates {
        let Some((event, at)) = configmgr_word(u) else { continue };
        let id = u.id.trim_matches(['{', '}']);
        let i = rows.by_id(id, at);
        rows.seen(i, JoinKey::UpdateId, id, at);
        configmgr_step(rows, i, u, event, at);
    }
}

/// Delivery Optimization's own jobs, joined to the update the agent handed each to.
fn do_jobs(a: &Analysis, ops: &[Operation], jobs: &FxHashMap<&str, (&str, usize, u32)>, rows: &mut Rows<'_>) {
    if jobs.is_empty() {
        return;
    }
    for o in ops.iter().filter(|o| o.def.id == "do_download") {
        let Some(job) = o.fact("job") else { continue };
        let job = job.trim_matches(['{', '}']).to_ascii_lowercase();
        let Some(&(id, wf, we)) = jobs.get(job.as_str()) else { continue };
        let Some(&i) = rows.by_id.get(&IdKey::of(id)) else { continue };
        let r = &mut rows.rows[i];
        let at = o.start.or(o.end).unwrap_or(0);
        if !r.joins.iter().any(|j| j.0 == JoinKey::DoJob && j.1 == job) {
            r.joins.push((JoinKey::DoJob, job.clone(), vec![(wf, we), (o.file, at)]));
        }
        if let Some(s) = o.start {
            r.steps.push(Raw { event: LifeEvent::DownloadStarted, file: o.file, entry: s, code: None });
        }
        let event = match o.outcome {
            Outcome::Succeeded => LifeEvent::Downloaded,
            Outcome::Failed | Outcome::Recovered => LifeEvent::DownloadFailed,
            Outcome::Cancelled => LifeEvent::Cancelled,
            _ => continue,
        };
        if let Some(e) = o.end {
            r.steps.push(Raw { event, file: o.file, entry: e, code: o.code.filter(|&c| c != 0) });
        }
    }
    let _ = a;
}

/// The row a sighting without an update id belongs to: a row of its KB (the one whose story
/// is nearest in time), else of its title, else a new row.
fn join_by_name<'a>(a: &Analysis, rows: &mut Rows<'a>, s: &'a Sighting) -> usize {
    let at = (s.file, s.entry);
    rows.index_names();
    if !s.kb.is_empty() {
        if let Some(cands) = rows.by_kb.get(s.kb.as_str()) {
            let when = utc(a, s.file, s.entry).unwrap_or(i64::MAX);
            let i = *cands
                .iter()
                .min_by_key(|&&i| rows.rows[i].steps.iter().filter_map(|st| utc(a, st.file, st.entry)).map(|t| (t - when).abs()).min().unwrap_or(i64::MAX))
                .expect("a KB has a row");
            let first = rows.rows[i].first;
            let r = &mut rows.rows[i];
            if !r.joins.iter().any(|j| j.0 == JoinKey::Kb && j.2.iter().any(|&(f, _)| f == s.file)) && r.first.is_some_and(|(f, _)| f != s.file) {
                r.joins.push((JoinKey::Kb, s.kb.clone(), first.into_iter().chain([at]).collect()));
            }
            if s.title.len() > r.title.len() && !s.package {
                rows.name(i, &s.title, &s.kb);
            }
            return i;
        }
    }
    if let Some(&i) = rows.by_title.get(&NoCase(&s.title)) {
        let first = rows.rows[i].first;
        let r = &mut rows.rows[i];
        if !r.joins.iter().any(|j| j.0 == JoinKey::Title && j.2.iter().any(|&(f, _)| f == s.file)) && r.first.is_some_and(|(f, _)| f != s.file) {
            r.joins.push((JoinKey::Title, s.title.clone(), first.into_iter().chain([at]).collect()));
        }
        return i;
    }
    let kind = if s.package {
        TargetKind::Package
    } else if class::class_of(&s.title) == UpdateClass::StoreApp {
        TargetKind::App
    } else {
        TargetKind::Update
    };
    let i = rows.new_row(kind, at);
    rows.name(i, &s.title, &s.kb);
    i
}

fn utc(a: &Analysis, file: usize, entry: u32) -> Option<i64> {
    let f = &a.files[file];
    f.utc_ms(&f.entries[entry as usize])
}

/// The last time file `f` gives (its last entry with a time).
fn end_of(f: &LogFile) -> Option<i64> {
    f.entries.iter().rev().find(|e| e.has_time()).and_then(|e| f.utc_ms(e))
}

/// Steps in time order, one per event, and the state they leave.
fn settle(a: &Analysis, draft: u32, d: &Draft<'_>) -> Settled {
    let mut steps: Vec<(Option<i64>, Raw)> = d.steps.iter().map(|&s| (utc(a, s.file, s.entry), s)).collect();
    let n = keep_steps(a, &mut steps);
    steps.truncate(n);
    let kept = steps;
    let (state, decisive, open_ms) = state_of(a, &kept);
    let class = if d.kind == TargetKind::App { UpdateClass::StoreApp } else { class::class_of(&d.title) };
    Settled { draft, kept, state, decisive, open_ms, class }
}

/// A row's steps (with their times) in time order, one per event: the steps kept are moved to
/// the front, and how many there are returned.
fn keep_steps(a: &Analysis, steps: &mut [(Option<i64>, Raw)]) -> usize {
    steps.sort_by_key(|(t, s)| (t.unwrap_or(i64::MIN), s.file, s.entry));
    // Kept in place: the first `n` are kept, each step read once after them.
    let mut n = 0usize;
    for r in 0..steps.len() {
        let (t, s) = steps[r];
        // Routine codes are no failure where they are routine (the knowledge base's noise).
        if s.event.is_failure() && s.code.is_some_and(|c| super::defs::is_routine(&a.files[s.file], s.entry, c)) {
            continue;
        }
        // Only the step just before: the same event again after another one is a new event.
        let dup = n.checked_sub(1).map(|l| &mut steps[l]).filter(|(kt, k)| {
            k.event == s.event
                && (k.code == s.code || s.code.is_none() || k.code.is_none())
                && match (*kt, t) {
                    (Some(x), Some(y)) => (y - x).abs() <= SAME_EVENT_MS,
                    _ => k.file == s.file && k.entry == s.entry,
                }
        });
        if let Some((_, k)) = dup {
            // The same event said twice (the deployment job, then the history record with its code).
            k.code = k.code.or(s.code);
            continue;
        }
        // A target found again by every search: its first finding of a run says it.
        let refound = s.event == LifeEvent::Found && n > 0 && steps[n - 1].1.event == LifeEvent::Found;
        if !refound {
            steps[n] = (t, s);
            n += 1;
        }
    }
    n
}

/// A settled row in words: its steps and joins with their lines quoted.
fn words(a: &Analysis, d: &Draft<'_>, s: &Settled) -> LedgerRow {
    let Settled { kept, state, decisive, open_ms, class, .. } = s;
    let (state, decisive, open_ms, class) = (*state, *decisive, *open_ms, *class);
    let code = match state {
        LedgerState::Failing => decisive.and_then(|i| kept[i].1.code).map(|c| format!("0x{c:08X}")),
        _ => None,
    };
    let version = (class == UpdateClass::Feature).then(|| class::version(&d.title)).flatten();
    let steps = kept
        .iter()
        .map(|(t, s)| LedgerStep {
            event: s.event,
            utc_ms: *t,
            code: s.code.map(|c| format!("0x{c:08X}")),
            source: a.files[s.file].kind.id().to_string(),
            evidence: evidence_of(&a.files[s.file], s.entry as usize),
        })
        .collect();
    let joins = d
        .joins
        .iter()
        .map(|(by, value, at)| LedgerJoin { by: *by, value: value.clone(), evidence: at.iter().map(|&(f, e)| evidence_of(&a.files[f], e as usize)).collect() })
        .collect();
    let (kb, update_id, title) = (d.kb.to_string(), d.id.to_string(), d.title.to_string());
    LedgerRow {
        kind: d.kind,
        class,
        kb,
        update_id,
        revision: d.revision,
        title,
        version,
        state,
        code,
        open_ms,
        decisive,
        steps,
        joins,
        would_tell: Vec::new(),
        held: None,
    }
}

/// The state a row's steps leave, the step it is read from, and for a step with no outcome how
/// long its log went on after it. The latest result decides (an install's end, a failure, a
/// restart, superseded, not applicable, cancelled); a download or install started after it and
/// never ended is open; a download that ended, a search that found it or ConfigMgr's "missing"
/// decide nothing.
fn state_of(a: &Analysis, steps: &[(Option<i64>, Raw)]) -> (LedgerState, Option<usize>, Option<i64>) {
    use LifeEvent as E;
    let result = steps.iter().rposition(|(_, s)| s.event.is_outcome() && s.event != E::Downloaded);
    // The latest start that nothing after it ended: a download ends at its download (or any
    // later result or install), an install at a result.
    let open = steps.iter().enumerate().rev().find(|(_, (_, s))| s.event.is_start()).map(|(i, _)| i).filter(|&i| {
        let later = &steps[i + 1..];
        match steps[i].1.event {
            E::DownloadStarted => {
                !later.iter().any(|(_, s)| s.event.is_outcome() || matches!(s.event, E::InstallStarted | E::WaitingForWindow | E::WaitingForContent))
            }
            _ => !later.iter().any(|(_, s)| s.event.is_outcome() && s.event != E::Downloaded),
        }
    });
    // ConfigMgr holding the install for a maintenance window, or the download for a distribution
    // point that offers its content, after anything else that decides.
    let waiting = steps
        .iter()
        .rposition(|(_, s)| matches!(s.event, E::WaitingForWindow | E::WaitingForContent))
        .filter(|&w| result.is_none_or(|r| w > r) && open.is_none_or(|o| w > o));
    if let Some(w) = waiting {
        let openness = steps[w].0.zip(end_of(&a.files[steps[w].1.file])).map(|(t, end)| (end - t).max(0));
        return (LedgerState::Waiting, Some(w), openness);
    }
    if let Some(i) = open.filter(|&i| result.is_none_or(|r| i > r)) {
        let (t, s) = steps[i];
        let openness = t.zip(end_of(&a.files[s.file])).map(|(t, end)| (end - t).max(0));
        let stalled = openness.is_some_and(|o| o >= STALL_AFTER_MS);
        return (if stalled { LedgerState::Stalled } else { LedgerState::Running }, Some(i), openness);
    }
    let Some(r) = result else {
        return (LedgerState::Unknown, steps.len().checked_sub(1), None);
    };
    let state = match steps[r].1.event {
        E::DownloadFailed | E::InstallFailed => LedgerState::Failing,
        E::RestartPending => LedgerState::PendingRestart,
        E::Cancelled => LedgerState::Unknown,
        _ => LedgerState::Done,
    };
    (state, Some(r), None)
}

#[cfg(test)]
mod tests {
    use super::super::updates::tests::cmtrace;
    use super::*;
    use crate::read::{Input, Limits};

    /// The rows as they were made before lone rows: every new row of ConfigMgr's table (`table`)
    /// made, in the table's order, so that each row's place is its index.
    fn all_made<'a>(rows: Rows<'a>, table: &[&'a UpdateRow<'a>]) -> Rows<'a> {
        let (base, made) = (rows.configmgr_base, rows.configmgr_made);
        let mut drafts = rows.rows.into_iter();
        let mut out = Rows::default();
        out.rows.extend(drafts.by_ref().take(base));
        let mut new: Vec<Option<Draft>> = drafts.by_ref().take(made).map(Some).collect();
        new.extend(rows.lone.iter().map(|l| Some(l.draft())));
        let row_of = |d: &Draft| *table.iter().find(|u| *u.id == *d.id).expect("a new row is a row of the table");
        let keyed: Vec<(&UpdateRow, usize)> = new.iter().enumerate().map(|(i, d)| (row_of(d.as_ref().unwrap()), i)).collect();
        for (_, i) in super::super::updates::in_order(&keyed, |k| k.0) {
            out.rows.push(new[i].take().unwrap());
        }
        out.rows.extend(drafts);
        out
    }

    #[test]
    fn lone_rows_read_from_the_table_give_the_rows_made_of_them() {
        // Thousands of ids stated once or twice (the `guids` bench shape); among them ids that
        // are titled, superseded, and named by a deployment's progress (rows before the table's,
        // without a name, that tie with lone rows in the ledger's order).
        let mut store = wulens_loggen::single_text("guids", 1 << 20, 11);
        let ids: Vec<String> = store.match_indices("for update (").map(|(i, _)| store[i + 12..i + 48].to_string()).take(600).collect();
        let (mut wua, mut deployment) = (String::new(), String::new());
        for (k, id) in ids.iter().enumerate() {
            match k % 5 {
                0 => store.push_str(&cmtrace(
                    "UpdatesStore",
                    k as u32,
                    &format!("Queried Update ({id}): Status=Missing, Title=2024-05 Cumulative Update (KB50{k:05}), BulletinID=, QNumbers=1"),
                )),
                1 => wua.push_str(&cmtrace("WUAHandler", k as u32, &format!("Pruning: update id ({id}) is superseded by ({}).", ids[(k + 1) % ids.len()]))),
                2 => {
                    let status = ["ciStateInstallComplete", "ciStateError", "ciStateInstalling"][k / 5 % 3];
                    let line = format!("Update (Site_1/SUM_{id}) Progress: Status = {status}, PercentComplete = 0, Result = 0x80070643");
                    deployment.push_str(&cmtrace("UpdatesDeployment", k as u32, &line));
                }
                _ => {}
            }
        }
        let inputs = vec![
            Input { name: "UpdatesStore.log".into(), bytes: store.as_bytes().into() },
            Input { name: "WUAHandler.log".into(), bytes: wua.as_bytes().into() },
            Input { name: "UpdatesDeployment.log".into(), bytes: deployment.as_bytes().into() },
        ];
        let a = Analysis::from_inputs(inputs, &Limits::default());
        let (table, sightings) = (super::super::updates::collect(&a), sightings(&a));
        let updates = table.rows();
        let rows = joined(&a, &sightings, &updates, &[]);
        assert!(rows.lone.len() > 1000 && rows.configmgr_made > 0 && rows.configmgr_base > 0, "{} lone", rows.lone.len());
        assert!(rows.lone.iter().any(|l| l.steps().1 == 2), "a lone row superseded");
        // Cuts among the lone rows too (their rank puts them after the rows made): at half of
        // them and at all but one.
        let total = ledger_of(&a, joined(&a, &sightings, &updates, &[]), 0).total;
        assert!(total < 5000 && total - rows.lone.len() / 2 > 150, "{total} rows");
        for n in [0, 1, 7, 150, total - rows.lone.len() / 2, total - 1, 5000, usize::MAX] {
            let lone = ledger_of(&a, joined(&a, &sightings, &updates, &[]), n);
            let made = ledger_of(&a, all_made(joined(&a, &sightings, &updates, &[]), &updates), n);
            assert_eq!((lone.total, lone.urgent), (made.total, made.urgent), "first {n}");
            assert!(made.urgent > 0 && lone.rows.len() == n.min(made.total), "first {n}");
            assert!(lone.rows == made.rows, "first {n}: the rows differ");
        }
    }
}
