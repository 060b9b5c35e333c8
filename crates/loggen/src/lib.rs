//! Realistic logs of a given total size, deterministic by seed, for benchmarks and scale tests
//! (`cargo xtask gen-logs --out DIR --size 100M [--seed 42]`).
//!
//! Writes three files in their real formats: `WUAHandler.log` and `ScanAgent.log` (CMTrace, UTF-8
//! with BOM, CRLF), `WindowsUpdate.log` (Get-WindowsUpdateLog text) and `CBS.log`, about
//! 35 / 40 / 25 % of the size. About 1 % of the lines are errors carrying an error code; the
//! rest is the usual chatter, with GUIDs, KB numbers and hex that are not codes.
//!
//! [`generate_single`] writes one big file of one shape instead (`--shape updatesstore`,
//! `--shape guids` or `--shape windowsupdate`): a client's update-status traffic as
//! UpdatesStore.log writes it (CMTrace, a state message per update per scan, GUIDs on every line:
//! the same 600 updates scan after scan, or with `guids` mostly new ids, each named on two or three
//! lines and seldom again), or a Get-WindowsUpdateLog WindowsUpdate.log of CcmExec searches; all
//! scan cycle after scan cycle, about 1 % errors. [`generate_ccm_logs`] writes a ConfigMgr
//! client's whole `CCM\Logs` folder: 80 logs and 20 rolled-over parts of them.

use std::io::Write;

mod plants;
pub mod sites;

/// xorshift64*: small, fast, deterministic; statistical quality is irrelevant here.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
    fn guid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!("{:08X}-{:04X}-{:04X}-{:04X}-{:012X}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF, b >> 48, b & 0xFFFF_FFFF_FFFF)
    }
}

const CODES: [&str; 12] = [
    "0x8024401B",
    "0x80072EE2",
    "0x8024402C",
    "0x80244022",
    "0x80072F0C",
    "0x8007000E",
    "0x80070005",
    "0x800F081F",
    "0x80240022",
    "0x8024000B",
    "0x80070002",
    "0x87D00215",
];

pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.chars().last() {
        Some('K' | 'k') => (&s[..s.len() - 1], 1u64 << 10),
        Some('M' | 'm') => (&s[..s.len() - 1], 1 << 20),
        Some('G' | 'g') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<u64>().map(|n| n * mult).map_err(|_| format!("bad size {s:?}: use e.g. 100M or 1G"))
}

struct Clock {
    ms: u64,
}

impl Clock {
    fn tick(&mut self, rng: &mut Rng) {
        self.ms += 1 + rng.below(40);
    }
    fn hms(&self) -> (u64, u64, u64, u64, u64) {
        let day = self.ms / 86_400_000;
        let t = self.ms % 86_400_000;
        (day, t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000)
    }
}

fn cmtrace_line(rng: &mut Rng, clock: &Clock, component: &str, out: &mut String) {
    let (day, h, m, s, ms) = clock.hms();
    let error = rng.below(100) == 0;
    let msg = if error {
        format!("Scan failed with error = {}.", rng.pick(&CODES).to_ascii_lowercase())
    } else {
        match rng.below(6) {
            0 => format!("Its a WSUS Update Source type ({{{}}}), adding it.", rng.guid()),
            1 => format!(
                "Update (Missing): Security Update for Windows (KB{}) ({}, {})",
                4_000_000 + rng.below(999_999),
                rng.guid().to_lowercase(),
                100 + rng.below(200)
            ),
            2 => "Async searching of updates using WUAgent started.".to_string(),
            3 => format!("ScanJob({{{}}}): CScanJob::Execute - successfully requested Scan, ScanType=1", rng.guid()),
            4 => format!("Successfully raised state message for update ({}) with state (Installed).", rng.guid().to_lowercase()),
            _ => "Successfully completed scan.".to_string(),
        }
    };
    let _ = std::fmt::Write::write_fmt(
        out,
        format_args!(
            "<![LOG[{msg}]LOG]!><time=\"{h:02}:{m:02}:{s:02}.{ms:03}+480\" date=\"01-{:02}-2025\" component=\"{component}\" context=\"\" type=\"{}\" thread=\"{}\" file=\"wuahandler.cpp:{}\">\r\n",
            1 + day % 28,
            if error { 3 } else { 1 },
            1000 + rng.below(9000),
            100 + rng.below(3000)
        ),
    );
}

fn wu_line(rng: &mut Rng, clock: &Clock, out: &mut String) {
    let (day, h, m, s, ms) = clock.hms();
    let error = rng.below(100) == 0;
    let (component, msg) = if error {
        ("WebServices", format!("*FAILED* [{}] Send request", &rng.pick(&CODES)[2..]))
    } else {
        match rng.below(5) {
            0 => ("SLS", format!("Get response for service {} - forceExpire[False] asyncRefreshOnExpiry[False]", rng.guid())),
            1 => ("DownloadManager", format!("Downloading from http://dl.delivery.mp.microsoft.com/filestreamingservice/files/{}?P1={} to C:\\Windows\\SoftwareDistribution\\Download\\{:016x}{:016x}", rng.guid().to_lowercase(), 1_700_000_000 + rng.below(99_999_999), rng.next(), rng.next())),
            2 => ("Agent", format!("Added update {{{}}}.200 to search result", rng.guid())),
            3 => ("ComApi", "* START *   Search ClientId = CcmExec".to_string()),
            _ => ("Misc", format!("Validating signature for C:\\Windows\\SoftwareDistribution\\Download\\{:08x}.cab with dwProvFlags 0x00000080:", rng.next() as u32)),
        }
    };
    let _ = std::fmt::Write::write_fmt(
        out,
        format_args!(
            "2025/01/{:02} {h:02}:{m:02}:{s:02}.{ms:03}{:04} {:<5} {:<5} {component:<15} {msg}\r\n",
            1 + day % 28,
            rng.below(10_000),
            1000 + rng.below(9000),
            1000 + rng.below(9000)
        ),
    );
}

fn cbs_line(rng: &mut Rng, clock: &Clock, out: &mut String) {
    let (day, h, m, s, _) = clock.hms();
    let error = rng.below(100) == 0;
    let (level, comp, msg) = if error {
        ("Error", "CBS", format!("Failed to resolve package [HRESULT = {} - CBS_E_SOURCE_MISSING]", rng.pick(&CODES).to_ascii_lowercase()))
    } else {
        match rng.below(4) {
            0 => (
                "Info",
                "CSI",
                format!(
                    "{:08x}@2025/1/{}:{h:02}:{m:02}:{s:02}.{:03} Primitive installers committed for repair",
                    rng.next() as u32,
                    1 + day % 28,
                    rng.below(1000)
                ),
            ),
            1 => ("Info", "CBS", format!("Exec: Processing complete, session(Corruption Repairing): 30792633_{}", rng.below(1 << 31))),
            2 => ("Info", "CBS", format!("Package: Package_for_KB{}~31bf3856ad364e35~amd64~~6.2.1.0, state: Installed", 2_000_000 + rng.below(999_999))),
            _ => ("Info", "CBS", "Session: 30792633_2800134818 initialized by client WindowsUpdateAgent.".to_string()),
        }
    };
    let _ = std::fmt::Write::write_fmt(out, format_args!("2025-01-{:02} {h:02}:{m:02}:{s:02}, {level:<21} {comp:<6} {msg}\r\n", 1 + day % 28));
}

/// Update ids a machine knows, with their KB number, title and state: a scan reports on the same
/// few hundred updates every time.
struct Pool {
    updates: Vec<Update>,
    cycle: u64,
}

const TITLES: [&str; 4] = [
    "Security Update for Windows 10 Version 1809 for x64-based Systems",
    "2021-01 Cumulative Update for Windows 10 Version 1809 for x64-based Systems",
    "Update for Removal of Adobe Flash Player for Windows 10 Version 1809 for x64-based systems",
    "Security Intelligence Update for Microsoft Defender Antivirus",
];

impl Pool {
    fn new(rng: &mut Rng) -> Pool {
        let updates = (0..600)
            .map(|_| {
                let state = if rng.below(3) == 0 { "Installed" } else { "Missing" };
                (rng.guid().to_lowercase(), 4_000_000 + rng.below(999_999), rng.pick(&TITLES), state)
            })
            .collect();
        Pool { updates, cycle: 0 }
    }
}

/// One CMTrace record of UpdatesStore.log.
fn store_record(rng: &mut Rng, clock: &mut Clock, thread: u64, error: bool, line: u32, msg: std::fmt::Arguments, out: &mut String) {
    clock.ms += rng.below(12);
    let (day, h, m, s, ms) = clock.hms();
    let _ = std::fmt::Write::write_fmt(
        out,
        format_args!(
            "<![LOG[{msg}]LOG]!><time=\"{h:02}:{m:02}:{s:02}.{ms:03}+240\" date=\"{:02}-{:02}-2025\" component=\"UpdatesStore\" context=\"\" type=\"{}\" thread=\"{thread}\" file=\"cupdatesstore.cpp:{line}\">\r\n",
            1 + day / 28 % 12,
            1 + day % 28,
            if error { 3 } else { 1 },
        ),
    );
}

/// An update the store reports on: its id, KB, title and state.
type Update = (String, u64, &'static str, &'static str);

/// The source lines (`cupdatesstore.cpp:N`) and rates of one shape's per-update records.
struct StoreShape {
    /// One update in `errors_one_in` fails to raise its state message, with a code.
    errors_one_in: u64,
    /// One reported update in `queried_one_in` is queried, with its title and KB.
    queried_one_in: u64,
    failed: u32,
    exists: u32,
    created: u32,
    raised: u32,
    queried: u32,
}

const STORE: StoreShape = StoreShape { errors_one_in: 30, queried_one_in: 4, failed: 1475, exists: 397, created: 368, raised: 1253, queried: 802 };
const GUIDS: StoreShape = StoreShape { errors_one_in: 50, queried_one_in: 16, failed: 1475, exists: 331, created: 368, raised: 1253, queried: 1328 };

/// The records one update gets in a refresh: a failure to raise its state message, or its
/// instance created (`new` says whether it was reported before) or modified, its state message
/// raised and, now and then, its query. Whether its state was raised.
fn store_update(rng: &mut Rng, clock: &mut Clock, thread: u64, u: &Update, new: impl FnOnce(&mut Rng) -> bool, shape: &StoreShape, out: &mut String) -> bool {
    let (id, kb, title, state) = u;
    if rng.below(shape.errors_one_in) == 0 {
        let code = if rng.below(2) == 0 { "0x87d00310" } else { rng.pick(&CODES) };
        let msg = format_args!("Failed to raise state message for update ({id}). Error = {}.", code.to_ascii_lowercase());
        store_record(rng, clock, thread, true, shape.failed, msg, out);
        return false;
    }
    if new(rng) {
        let msg = format_args!("Update status from update ({id}) hasn't been reported before, creating new instance.");
        store_record(rng, clock, thread, false, shape.created, msg, out);
    } else {
        let msg = format_args!("Update status from update ({id}) already exists, will modify existing instance.");
        store_record(rng, clock, thread, false, shape.exists, msg, out);
    }
    store_record(rng, clock, thread, false, shape.raised, format_args!("Successfully raised state message for update ({id}) with state ({state})."), out);
    if rng.below(shape.queried_one_in) == 0 {
        let (product, class) = (rng.guid().to_lowercase(), rng.guid().to_lowercase());
        let msg = format_args!(
            "Queried Update ({id}): Status={state}, Title={title} (KB{kb}), BulletinID=, QNumbers={kb}, LocaleID=, ProductID={product}, UpdateClassification = {class}, ExcludeForStateReporting=FALSE."
        );
        store_record(rng, clock, thread, false, shape.queried, msg, out);
    }
    true
}

/// One scan's worth of UpdatesStore.log: the store refreshes the status of every update the scan
/// reported, raising a state message for each; about 1 % of the records are errors with a code.
fn store_cycle(rng: &mut Rng, clock: &mut Clock, pool: &mut Pool, out: &mut String) {
    clock.ms += 600_000 + rng.below(3_600_000);
    pool.cycle += 1;
    let thread = 1000 + rng.below(9000);
    let n = 60 + rng.below(140) as usize;
    let first = rng.below(pool.updates.len() as u64) as usize;
    store_record(rng, clock, thread, false, 1380, format_args!("Message received to refresh all update status, processing..."), out);
    store_record(rng, clock, thread, false, 720, format_args!("Querying update status of {n} updates."), out);
    let first_scan = pool.cycle == 1;
    for k in 0..n {
        let u = &pool.updates[(first + k) % pool.updates.len()];
        if store_update(rng, clock, thread, u, |rng| first_scan || rng.below(8) == 0, &STORE, out) {
            let (id, _, _, state) = u;
            store_record(rng, clock, thread, false, 1299, format_args!("Successfully refreshed state message for update ({id}) with state ({state})."), out);
        }
    }
    store_record(rng, clock, thread, false, 760, format_args!("Querying update status completed successfully."), out);
    store_record(rng, clock, thread, false, 1412, format_args!("Successfully done with SetStatus() operation."), out);
}

/// One scan's worth of UpdatesStore.log on a client whose updates are mostly new to it (a first
/// scan against a large catalog, definition updates with a new id every few hours): most update
/// ids are reported once, as never reported before, and raise one state message; about one in
/// eight is an id from an earlier scan again. So a GUID is on every line, with few repeats.
fn guids_cycle(rng: &mut Rng, clock: &mut Clock, pool: &mut Pool, out: &mut String) {
    clock.ms += 600_000 + rng.below(3_600_000);
    pool.cycle += 1;
    let thread = 1000 + rng.below(9000);
    let n = 200 + rng.below(400) as usize;
    store_record(rng, clock, thread, false, 1403, format_args!("Message received to refresh all update status, processing..."), out);
    store_record(rng, clock, thread, false, 1279, format_args!("Querying update status of {n} updates."), out);
    for _ in 0..n {
        let again = rng.below(8) == 0;
        let u = if again {
            pool.updates[rng.below(pool.updates.len() as u64) as usize].clone()
        } else {
            let state = if rng.below(3) == 0 { "Installed" } else { "Missing" };
            let u = (rng.guid().to_lowercase(), 4_000_000 + rng.below(999_999), rng.pick(&TITLES), state);
            // The ids a later scan may report again: the latest few thousand.
            let slot = rng.below(4096) as usize;
            if slot < pool.updates.len() {
                pool.updates[slot] = u.clone();
            } else {
                pool.updates.push(u.clone());
            }
            u
        };
        store_update(rng, clock, thread, &u, |_| !again, &GUIDS, out);
    }
    store_record(rng, clock, thread, false, 1302, format_args!("Querying update status completed successfully."), out);
    store_record(rng, clock, thread, false, 429, format_args!("Successfully done with SetStatus() operation."), out);
}

/// One line of Get-WindowsUpdateLog output.
fn wu_record(rng: &mut Rng, clock: &mut Clock, pid: u64, tid: u64, component: &str, msg: std::fmt::Arguments, out: &mut String) {
    clock.ms += 1 + rng.below(30);
    let (day, h, m, s, ms) = clock.hms();
    let _ = std::fmt::Write::write_fmt(
        out,
        format_args!(
            "2025/{:02}/{:02} {h:02}:{m:02}:{s:02}.{ms:03}{:04} {pid:<5} {tid:<5} {component:<15} {msg}\r\n",
            1 + day / 28 % 12,
            1 + day % 28,
            rng.below(10_000)
        ),
    );
}

/// One CcmExec search in WindowsUpdate.log, with the chatter around it; about one line in a
/// hundred carries an error code, and a search now and then fails with one.
fn wu_cycle(rng: &mut Rng, clock: &mut Clock, pool: &mut Pool, out: &mut String) {
    clock.ms += 300_000 + rng.below(3_600_000);
    pool.cycle += 1;
    let id = pool.cycle;
    let (pid, api, tid) = (6000 + rng.below(900), 7000 + rng.below(900), 1000 + rng.below(9000));
    let cv = format!("{:016X}.1.0.0", rng.next());
    let service = "3DA21691-E39D-4DA6-8A4B-B43877BCB1B7";
    let wsus = "https://wsus01.contoso.com:8531/ClientWebService/client.asmx";
    let failure = (rng.below(20) == 0).then(|| &rng.pick(&CODES)[2..]);
    wu_record(
        rng,
        clock,
        api,
        tid + 1,
        "ComApi",
        format_args!("* START *   Search ClientId = CcmExec, ServiceId = {service}, Flags: 0X10000 (cV = {cv})"),
        out,
    );
    wu_record(rng, clock, pid, tid, "Agent", format_args!("* START * Queueing Finding updates work item [CallerId = CcmExec, Id = {id}, cV = {cv}.0]"), out);
    wu_record(rng, clock, pid, tid, "Agent", format_args!("* END * Queueing Finding updates work item [CallerId = CcmExec, Id = {id}, cV = {cv}.0]"), out);
    wu_record(rng, clock, pid, tid, "Agent", format_args!("* START * Finding updates CallerId = CcmExec  Id = {id} (cV = {cv}.1)"), out);
    wu_record(rng, clock, pid, tid, "Agent", format_args!("Online = Yes; Interactive = No; AllowCachedResults = No; Ignore download priority = No"), out);
    wu_record(
        rng,
        clock,
        pid,
        tid,
        "Agent",
        format_args!("Criteria = (DeploymentAction=* AND Type='Software') OR (DeploymentAction=* AND Type='Driver')\"\""),
        out,
    );
    wu_record(rng, clock, pid, tid, "Agent", format_args!("ServiceID = {{{service}}} Managed"), out);
    wu_record(rng, clock, pid, tid, "Agent", format_args!("Search Scope = {{Machine}}"), out);
    wu_record(rng, clock, pid, tid, "Agent", format_args!("Caller SID for Applicability: S-1-5-18"), out);
    wu_record(rng, clock, pid, tid, "ProtocolTalker", format_args!("ServiceId = {{{service}}}, Server URL = {wsus}"), out);
    let n = 40 + rng.below(120) as usize;
    let first = rng.below(pool.updates.len() as u64) as usize;
    let mut found = 0;
    for k in 0..n {
        let g = pool.updates[(first + k) % pool.updates.len()].0.to_uppercase();
        let (a, b, c, code) = (rng.below(256), rng.next(), rng.next(), &rng.pick(&CODES)[2..]);
        match rng.below(100) {
            0 => wu_record(rng, clock, pid, tid, "WebServices", format_args!("*FAILED* [{code}] Send request"), out),
            1..=5 => wu_record(
                rng,
                clock,
                pid,
                tid + 2,
                "DownloadManager",
                format_args!("Downloading from http://wsus01.contoso.com:8530/Content/{a:02X}/{b:016X}{c:016X}.cab to C:\\Windows\\SoftwareDistribution\\Download\\{c:016x}{b:016x}"),
                out,
            ),
            6..=15 => wu_record(rng, clock, pid, tid + 3, "IdleTimer", format_args!("WU operation (CAgentProtocolTalker::SyncUpdates_WithRecovery, operation # {}) stopped; does use network; is not at background priority", 20 + k), out),
            16..=25 => wu_record(rng, clock, pid, tid, "Misc", format_args!("Validating signature for C:\\Windows\\SoftwareDistribution\\Download\\{:08x}.cab with dwProvFlags 0x00000080:", b as u32), out),
            _ => {
                found += 1;
                wu_record(rng, clock, pid, tid, "Agent", format_args!("Added update {g}.{} to search result", 200 + a % 10), out)
            }
        }
    }
    if let Some(code) = failure {
        wu_record(rng, clock, pid, tid, "ProtocolTalker", format_args!("*FAILED* [{code}] Sync of Updates"), out);
        wu_record(rng, clock, pid, tid, "Agent", format_args!("*FAILED* [{code}] Finding updates"), out);
        wu_record(
            rng,
            clock,
            pid,
            tid,
            "Agent",
            format_args!("* END * Finding updates CallerId = CcmExec, Id = {id}, Exit code = 0x{code} (cV = {cv}.1)"),
            out,
        );
    } else {
        wu_record(
            rng,
            clock,
            pid,
            tid,
            "Agent",
            format_args!("Found {found} updates and 92 categories in search; evaluated appl. rules of 2104 out of 4213 deployed entities"),
            out,
        );
        wu_record(
            rng,
            clock,
            pid,
            tid,
            "Agent",
            format_args!("* END * Finding updates CallerId = CcmExec, Id = {id}, Exit code = 0x00000000 (cV = {cv}.1)"),
            out,
        );
    }
    wu_record(rng, clock, api, tid + 4, "ComApi", format_args!("*RESUMED*   Search ClientId = CcmExec, ServiceId = {service} (cV = {cv})"), out);
    wu_record(
        rng,
        clock,
        api,
        tid + 4,
        "ComApi",
        format_args!("* END *   Search ClientId = CcmExec, Updates found = {found}, ServiceId = {service} (cV = {cv})"),
        out,
    );
}

/// The shapes of [`generate_single`]: the file's name and the cycle that fills it.
pub const SHAPES: [(&str, &str); 3] = [("updatesstore", "UpdatesStore.log"), ("windowsupdate", "WindowsUpdate.log"), ("guids", "UpdatesStore.log")];

/// Write one file of `size` bytes of one shape (see the module docs) into `out`; returns its path
/// and size.
pub fn generate_single(out: &std::path::Path, shape: &str, size: u64, seed: u64) -> std::io::Result<(std::path::PathBuf, u64)> {
    let name = SHAPES
        .iter()
        .find(|(s, _)| *s == shape)
        .map(|(_, n)| *n)
        .ok_or_else(|| std::io::Error::other(format!("unknown shape {shape}; one of updatesstore, windowsupdate, guids")))?;
    std::fs::create_dir_all(out)?;
    let path = out.join(name);
    let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
    if name == "UpdatesStore.log" {
        f.write_all(b"\xEF\xBB\xBF")?;
    }
    let written = fill_single(&mut f, shape, size, seed)?;
    f.flush()?;
    Ok((path, written))
}

/// One [`generate_single`] file's text in memory (benchmarks).
pub fn single_text(shape: &str, size: u64, seed: u64) -> String {
    let mut v = Vec::with_capacity(size as usize + 4096);
    fill_single(&mut v, shape, size, seed).expect("in memory");
    String::from_utf8(v).expect("generated text is UTF-8")
}

fn fill_single(f: &mut impl Write, shape: &str, target: u64, seed: u64) -> std::io::Result<u64> {
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut pool = Pool::new(&mut rng);
    let mut clock = Clock { ms: 8 * 3_600_000 };
    // A cycle writes many lines: stop a megabyte's batch well before it is full.
    write_batches(f, target, 64 << 10, |buf| match shape {
        "updatesstore" => store_cycle(&mut rng, &mut clock, &mut pool, buf),
        "guids" => guids_cycle(&mut rng, &mut clock, &mut pool, buf),
        _ => wu_cycle(&mut rng, &mut clock, &mut pool, buf),
    })
}

/// Write about `target` bytes, ending on a whole line: `next` appends text to a batch of about a
/// megabyte (less `margin`), which is written up to its last line break that fits.
fn write_batches(f: &mut impl Write, target: u64, margin: usize, mut next: impl FnMut(&mut String)) -> std::io::Result<u64> {
    let mut written = 0u64;
    let mut buf = String::with_capacity(1 << 20);
    while written < target {
        buf.clear();
        while buf.len() < (1 << 20) - margin {
            next(&mut buf);
        }
        let take = buf.len().min((target - written) as usize);
        let cut = buf[..take].rfind('\n').map_or(take, |i| i + 1);
        f.write_all(&buf.as_bytes()[..cut])?;
        written += cut as u64;
        if cut == 0 {
            break;
        }
    }
    Ok(written)
}

/// The files `generate` writes and their share of the total size.
pub const PLAN: [(&str, f64); 4] = [("WUAHandler.log", 0.2), ("ScanAgent.log", 0.15), ("WindowsUpdate.log", 0.4), ("CBS.log", 0.25)];

/// Write `size` bytes of logs into `out` (see the module docs); returns (path, bytes) per file.
pub fn generate(out: &std::path::Path, size: u64, seed: u64) -> std::io::Result<Vec<(std::path::PathBuf, u64)>> {
    std::fs::create_dir_all(out)?;
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut written_files = Vec::new();
    for (name, share) in PLAN {
        let target = (size as f64 * share) as u64;
        let path = out.join(name);
        let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
        if !name.starts_with("WindowsUpdate") {
            f.write_all(b"\xEF\xBB\xBF")?;
        }
        let written = fill(&mut f, name, target, &mut rng)?;
        f.flush()?;
        written_files.push((path, written));
    }
    Ok(written_files)
}

/// One file's text in memory (for benchmarks that should not touch the disk).
pub fn text(name: &str, size: u64, seed: u64) -> String {
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut v = Vec::with_capacity(size as usize + 4096);
    fill(&mut v, name, size, &mut rng).expect("in memory");
    String::from_utf8(v).expect("generated text is UTF-8")
}

fn fill(f: &mut impl Write, name: &str, target: u64, rng: &mut Rng) -> std::io::Result<u64> {
    let mut clock = Clock { ms: 8 * 3_600_000 };
    write_batches(f, target, 4096, |buf| {
        clock.tick(rng);
        match name {
            "WindowsUpdate.log" => wu_line(rng, &clock, buf),
            "CBS.log" => cbs_line(rng, &clock, buf),
            _ => cmtrace_line(rng, &clock, name.trim_end_matches(".log"), buf),
        }
    })
}

/// The logs of a ConfigMgr client's `CCM\Logs` folder (a client of current branch has about 80),
/// each with its share of the folder's size: the busiest first.
const CCM_LOGS: [(&str, u32); 80] = [
    ("CcmMessaging", 40),
    ("PolicyAgent", 30),
    ("StateMessage", 30),
    ("CAS", 25),
    ("DataTransferService", 25),
    ("ContentTransferManager", 20),
    ("InventoryAgent", 20),
    ("UpdatesDeployment", 20),
    ("UpdatesHandler", 15),
    ("UpdatesStore", 25),
    ("ScanAgent", 15),
    ("WUAHandler", 15),
    ("LocationServices", 20),
    ("CIAgent", 15),
    ("CIStateStore", 10),
    ("CIStore", 10),
    ("DCMAgent", 10),
    ("DCMReporting", 8),
    ("PolicyEvaluator", 15),
    ("Scheduler", 15),
    ("ServiceWindowManager", 10),
    ("CcmExec", 15),
    ("CcmEval", 8),
    ("ClientIDManagerStartup", 5),
    ("ClientLocation", 5),
    ("CertificateMaintenance", 5),
    ("CcmNotificationAgent", 10),
    ("FSPStateMessage", 5),
    ("ExecMgr", 10),
    ("AppDiscovery", 10),
    ("AppEnforce", 8),
    ("AppIntentEval", 8),
    ("RebootCoordinator", 5),
    ("MaintenanceCoordinator", 5),
    ("SleepAgent", 3),
    ("SettingsAgent", 5),
    ("StatusAgent", 5),
    ("mtrmgr", 5),
    ("SWMTRReportGen", 3),
    ("UserAffinity", 3),
    ("UserAffinityProvider", 3),
    ("VirtualApp", 2),
    ("wmiprov", 3),
    ("CcmRepair", 2),
    ("CcmRestart", 2),
    ("CCMSDKProvider", 3),
    ("CcmSqlCE", 3),
    ("CertEnrollAgent", 2),
    ("CIDownloader", 5),
    ("CITaskMgr", 5),
    ("ClientAuth", 3),
    ("ClientServicing", 3),
    ("CMBITSManager", 3),
    ("CMHttpsReadiness", 2),
    ("ComplRelayAgent", 3),
    ("CoManagementHandler", 5),
    ("DcmWmiProvider", 3),
    ("DeltaDownload", 3),
    ("EndpointProtectionAgent", 5),
    ("ExternalEventAgent", 3),
    ("FileBITS", 3),
    ("InternetProxy", 2),
    ("InventoryProvider", 5),
    ("LocationCache", 3),
    ("Mifprovider", 2),
    ("PolicyAgentProvider", 5),
    ("PolicySdk", 3),
    ("PwrProvider", 3),
    ("SCClient_CONTOSO@user", 3),
    ("SCNotify_CONTOSO@user", 2),
    ("SensorManagedProvider", 3),
    ("SmsClientMethodProvider", 3),
    ("smscliui", 2),
    ("SrcUpdateMgr", 3),
    ("AlternateHandler", 3),
    ("AssetAdvisor", 3),
    ("CcmCloud", 2),
    ("DeviceHealthCheck", 2),
    ("CIDownloaderStats", 2),
    ("BusinessHours", 2),
];

/// The logs that have rolled over in a busy client's folder: a part `Name-YYYYMMDD-HHMMSS.log`
/// beside the current file, as many parts as the number says.
const CCM_ROLLED: [(&str, u32); 8] = [
    ("CcmMessaging", 4),
    ("PolicyAgent", 3),
    ("StateMessage", 3),
    ("CAS", 2),
    ("DataTransferService", 3),
    ("InventoryAgent", 2),
    ("UpdatesStore", 2),
    ("LocationServices", 1),
];

/// A client's whole `CCM\Logs` folder of about `size` bytes: 80 CMTrace logs and 20 rolled-over
/// parts, each log's share of the size by how busy it is (`CCM_LOGS`). Returns (path, bytes) per file.
pub fn generate_ccm_logs(out: &std::path::Path, size: u64, seed: u64) -> std::io::Result<Vec<(std::path::PathBuf, u64)>> {
    std::fs::create_dir_all(out)?;
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let parts = |name: &str| CCM_ROLLED.iter().find(|(n, _)| *n == name).map_or(0, |(_, k)| *k);
    let weight: u64 = CCM_LOGS.iter().map(|(n, w)| u64::from(*w) * u64::from(1 + parts(n))).sum();
    let mut written_files = Vec::new();
    for (name, w) in CCM_LOGS {
        let rolled = parts(name);
        for part in 0..=rolled {
            // The rolled-over parts first (older), then the current file.
            let file = if part < rolled { format!("{name}-202501{:02}-0{part}1500.log", 10 + part) } else { format!("{name}.log") };
            let target = size * u64::from(w) / weight;
            let path = out.join(&file);
            let mut f = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&path)?);
            f.write_all(b"\xEF\xBB\xBF")?;
            let mut clock = Clock { ms: (8 + u64::from(part)) * 3_600_000 };
            let written = write_batches(&mut f, target, 4096, |buf| {
                clock.tick(&mut rng);
                cmtrace_line(&mut rng, &clock, name, buf);
            })?;
            f.flush()?;
            written_files.push((path, written));
        }
    }
    Ok(written_files)
}

/// The scenarios a generated fleet mixes: every folder of `fixtures` (tests/fixtures) that has
/// a `logs/` folder and an `expected.toml`, sorted: a client's scenarios (the `chain-*` ones, of
/// the ConfigMgr chain and a site server, have no expected.toml and are no client's bundle).
pub fn fixture_scenarios(fixtures: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut v: Vec<std::path::PathBuf> =
        std::fs::read_dir(fixtures)?.flatten().map(|e| e.path()).filter(|p| p.join("logs").is_dir() && p.join("expected.toml").is_file()).collect();
    v.sort();
    Ok(v)
}

/// A file inside a bundle: its path in the zip and its bytes.
type ZipFile = (String, Vec<u8>);

/// A generated fleet: `count` machines' bundles (`PC-0001.zip`, ...), each holding the logs of
/// one scenario folder of `scenarios` (its `logs/` tree, e.g. `tests/fixtures/<scenario>/logs`),
/// chosen by seed; every 50th bundle is a damaged zip, as real collections have. Writes
/// `fleet.csv` (machine, scenario) beside them and returns the same pairs; the scenario of a
/// damaged bundle is `unreadable`.
pub fn fleet(out: &std::path::Path, scenarios: &[std::path::PathBuf], count: usize, seed: u64) -> std::io::Result<Vec<(String, String)>> {
    fleet_with(out, scenarios, count, seed, false)
}

/// [`fleet`], and with `plant` about half the machines made of planted shared causes instead
/// of fixture scenarios (`plants.rs`: a server that breaks on one day, one update failing, one
/// proxy, unrelated faults), named in `fleet.csv` as `planted-...`.
pub fn fleet_with(out: &std::path::Path, scenarios: &[std::path::PathBuf], count: usize, seed: u64, plant: bool) -> std::io::Result<Vec<(String, String)>> {
    std::fs::create_dir_all(out)?;
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    // Each scenario's files once, as (path inside the zip, bytes).
    let mut loaded: Vec<(String, Vec<ZipFile>)> = Vec::new();
    for dir in scenarios {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let logs = dir.join("logs");
        let mut files = Vec::new();
        let mut stack = vec![logs.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d)? {
                let p = e?.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(&logs).map_err(std::io::Error::other)?.to_string_lossy().replace('\\', "/");
                    files.push((rel, std::fs::read(&p)?));
                }
            }
        }
        files.sort();
        loaded.push((name, files));
    }
    if loaded.is_empty() {
        return Err(std::io::Error::other("no scenario to generate a fleet from"));
    }
    let mut manifest = String::from("machine,scenario\n");
    let mut out_pairs = Vec::with_capacity(count);
    for i in 1..=count {
        let machine = format!("PC-{i:04}");
        let path = out.join(format!("{machine}.zip"));
        let scenario = if i % 50 == 0 {
            std::fs::write(&path, b"PK\x03\x04 this bundle was cut off during the copy")?;
            "unreadable".to_string()
        } else if let Some((name, files)) = if plant { plants::plant(&mut rng, i) } else { None } {
            write_zip(&path, &machine, &files)?;
            name.to_string()
        } else {
            let (name, files) = &loaded[rng.below(loaded.len() as u64) as usize];
            write_zip(&path, &machine, files)?;
            name.clone()
        };
        manifest.push_str(&format!("{machine},{scenario}\n"));
        out_pairs.push((machine, scenario));
    }
    std::fs::write(out.join("fleet.csv"), manifest)?;
    Ok(out_pairs)
}

/// A fleet of `count` ConfigMgr clients of two sites (`sites.rs`), each a folder of its
/// `CCM\Logs` (`CM-00001/`, ...), and the site server of the site whose software update point
/// breaks (`PS1SITE/`: wsyncmgr.log, WCM.log). Writes `fleet.csv` (machine, site, management
/// point, software update point, distribution point, AD site, client version, planted causes)
/// and returns each client with its planted causes.
pub fn site_fleet(out: &std::path::Path, count: usize, seed: u64) -> std::io::Result<Vec<sites::Client>> {
    std::fs::create_dir_all(out)?;
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut manifest = String::from("machine,site,management_point,sup,dp,ad_site,client_version,causes\n");
    let mut clients = Vec::with_capacity(count);
    for n in 1..=count {
        let c = sites::client(&mut rng, n);
        let dir = out.join(&c.machine);
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in sites::logs(&mut rng, &c) {
            std::fs::write(dir.join(name), bytes)?;
        }
        manifest.push_str(&format!("{},{},{},{},{},{},{},{}\n", c.machine, c.site, c.mp, c.sup, c.dp, c.ad_site, c.version, c.planted.names()));
        clients.push(c);
    }
    let dir = out.join("PS1SITE");
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in sites::site_server_logs() {
        std::fs::write(dir.join(name), bytes)?;
    }
    std::fs::write(out.join("fleet.csv"), manifest)?;
    Ok(clients)
}

/// One machine's zip: each file under the machine's folder.
fn write_zip(path: &std::path::Path, machine: &str, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(std::fs::File::create(path)?));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (rel, bytes) in files {
        zip.start_file(format!("{machine}/{rel}"), options).map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    zip.finish().map_err(std::io::Error::other)?.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_determinism() {
        assert_eq!(parse_size("100M"), Ok(100 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("lots").is_err());
        let mut a = Rng(7);
        let mut b = Rng(7);
        assert_eq!((0..100).map(|_| a.next()).collect::<Vec<_>>(), (0..100).map(|_| b.next()).collect::<Vec<_>>());
    }

    #[test]
    fn lines_have_the_real_shapes() {
        let mut rng = Rng(3);
        let clock = Clock { ms: 3_600_000 };
        let mut s = String::new();
        cmtrace_line(&mut rng, &clock, "WUAHandler", &mut s);
        wu_line(&mut rng, &clock, &mut s);
        cbs_line(&mut rng, &clock, &mut s);
        let lines: Vec<&str> = s.lines().collect();
        assert!(lines[0].starts_with("<![LOG[") && lines[0].contains("]LOG]!><time=\"01:00:00.000+480\" date=\"01-01-2025\""));
        assert!(lines[1].starts_with("2025/01/01 01:00:00.000"));
        assert!(lines[2].starts_with("2025-01-01 01:00:00, "));
    }
}
