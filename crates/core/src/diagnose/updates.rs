//! The updates table: what the last scan said about each update.
//!
//! WUAHandler.log (step 5 of the scan) writes `Update (Installed|Missing): <title> (KBnnnnnnn)
//! (<update id>, <revision>)` and `Pruning: update id (<id>) is superseded by (<id>).`;
//! UpdatesStore.log writes `... state message for update (<id>) with state (Missing).` The
//! table keeps the latest word on each update id; superseded updates are flagged, not dropped.

use std::sync::LazyLock;

use memchr::memmem;
use rustc_hash::FxHashMap;

use crate::analysis::Analysis;
use crate::model::LogKind;
pub use crate::model::UpdateRow;

/// `Update (Missing): Title (KB2862152) (505fda07-..., 200)` → (state, title, id, revision).
pub fn parse_wuahandler_update(msg: &str) -> Option<(String, String, String, Option<u32>)> {
    let rest = msg.trim().strip_prefix("Update (")?;
    let (state, rest) = rest.split_once("):")?;
    let rest = rest.trim();
    let open = rest.rfind(" (")?;
    let tail = rest[open + 2..].strip_suffix(')')?;
    let (id, rev) = match tail.split_once(',') {
        Some((id, rev)) => (id.trim(), rev.trim().parse().ok()),
        None => (tail.trim(), None),
    };
    if !is_guid(id) {
        return None;
    }
    Some((state.trim().to_ascii_lowercase(), rest[..open].trim().to_string(), id.to_ascii_lowercase(), rev))
}

/// `Pruning: update id (A) is superseded by (B).` → (A, B).
pub fn parse_pruning(msg: &str) -> Option<(String, String)> {
    let rest = msg.trim().strip_prefix("Pruning: update id (")?;
    let (a, rest) = rest.split_once(") is superseded by (")?;
    let b = rest.split(')').next()?;
    (is_guid(a) && is_guid(b)).then(|| (a.to_ascii_lowercase(), b.to_ascii_lowercase()))
}

/// `Successfully raised state message for update (ID) with state (Missing).`
#[cfg(test)]
pub fn parse_store_state(msg: &str) -> Option<(String, String)> {
    store_state(msg).map(|(id, state)| (id.to_ascii_lowercase(), state.to_ascii_lowercase()))
}

/// [`parse_store_state`] without allocating: (id, state) as written.
fn store_state(msg: &str) -> Option<(&str, &str)> {
    static FOR_UPDATE: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("for update ("));
    static WITH_STATE: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("with state ("));
    let i = FOR_UPDATE.find(msg.as_bytes())? + 12;
    let close = i + memchr::memchr(b')', &msg.as_bytes()[i..])?;
    let (id, rest) = (&msg[i..close], &msg[close + 1..]);
    let j = WITH_STATE.find(rest.as_bytes())? + 12;
    let state = &rest[j..];
    let state = &state[..memchr::memchr(b')', state.as_bytes()).unwrap_or(state.len())];
    is_guid(id).then_some((id, state))
}

/// A GUID (`{...}` braces allowed): eight, four, four, four and twelve hex digits.
pub(super) fn is_guid(s: &str) -> bool {
    let b = s.trim_matches(['{', '}']).as_bytes();
    b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && [0..8, 9..13, 14..18, 19..23, 24..36].into_iter().all(|r| b[r].iter().all(u8::is_ascii_hexdigit))
}

/// `... for x64-based Systems (KB2862152)` → `KB2862152`.
pub fn kb_of(title: &str) -> String {
    let mut best = String::new();
    let b = title.as_bytes();
    let mut i = 0;
    while let Some(p) = title[i..].find("KB") {
        let s = i + p;
        let digits: String = title[s + 2..].chars().take_while(char::is_ascii_digit).collect();
        let boundary = s == 0 || !b[s - 1].is_ascii_alphanumeric();
        if boundary && digits.len() >= 6 {
            best = format!("KB{digits}");
        }
        i = s + 2;
    }
    best
}

/// `Queried Update (ID): Status=Installed, Title=... (KB4577586), BulletinID=...` → (id, title).
#[cfg(test)]
pub fn parse_store_title(msg: &str) -> Option<(String, String)> {
    store_title(msg).map(|(id, title)| (id.to_ascii_lowercase(), title.to_string()))
}

/// [`parse_store_title`] without allocating: the id as written, the title trimmed.
fn store_title(msg: &str) -> Option<(&str, &str)> {
    let rest = msg.trim().strip_prefix("Queried Update (")?;
    let (id, rest) = rest.split_once(')')?;
    let t = rest.find("Title=")?;
    let title = &rest[t + 6..];
    let end = title.find(", BulletinID=").or_else(|| title.find(", QNumbers=")).unwrap_or(title.len());
    is_guid(id).then(|| (id, title[..end].trim()))
}

/// `id` in lower case, in `buf` when it fits (update ids do), so that looking it up allocates
/// nothing.
fn lower<'b>(id: &str, buf: &'b mut [u8; 64]) -> std::borrow::Cow<'b, str> {
    match buf.get_mut(..id.len()) {
        Some(b) => {
            b.copy_from_slice(id.as_bytes());
            b.make_ascii_lowercase();
            std::borrow::Cow::Borrowed(std::str::from_utf8(b).expect("ASCII case change keeps UTF-8"))
        }
        None => std::borrow::Cow::Owned(id.to_ascii_lowercase()),
    }
}

/// Titles the logs give for update ids: UpdatesStore.log's queries (`store`, read with its
/// states), then WindowsUpdate.log's `Title = ...` followed on the same thread by
/// `UpdateId = <id>.<revision>`.
fn titles<'a>(a: &'a Analysis, store: FxHashMap<String, &'a str>) -> FxHashMap<String, &'a str> {
    let mut out = store;
    let mut buf = [0u8; 64];
    let mut put = |id: &str, title| {
        let key = lower(id, &mut buf);
        match out.get_mut(key.as_ref()) {
            Some(t) => *t = title,
            None => {
                out.insert(key.into_owned(), title);
            }
        }
    };
    for f in a.files.iter().filter(|f| f.kind == LogKind::WindowsUpdate) {
        let mut pending: Option<(u32, &str)> = None;
        for e in f.entries.iter().filter(|e| e.parsed) {
            let m = f.message(e).trim();
            if let Some(t) = m.strip_prefix("Title = ") {
                pending = Some((e.thread, t));
            } else if let (Some((thread, title)), Some(id)) = (pending, m.strip_prefix("UpdateId = ")) {
                if thread == e.thread {
                    let id = id.split('.').next().unwrap_or(id);
                    if is_guid(id) {
                        put(id, title);
                    }
                }
                pending = None;
            }
        }
    }
    out
}

/// The latest state UpdatesStore.log states for each update id, as rows (in `rows`, indexed by
/// `by_id`), and the latest title it gives each id. Every record of a big store log is one of
/// them: its entries are read in pieces on all cores, each piece keeping the last word on each
/// id, and the pieces applied in order.
fn store_states<'a>(a: &'a Analysis, rows: &mut Vec<UpdateRow>, by_id: &mut FxHashMap<String, usize>) -> FxHashMap<String, &'a str> {
    let mut titles: FxHashMap<String, &str> = FxHashMap::default();
    for f in a.files.iter().filter(|f| f.kind == LogKind::UpdatesStore) {
        let pieces = crate::par::map(crate::par::ranges(f.entries.len(), 32 << 10), |r| StorePiece::read(f, &f.entries[r]));
        for piece in pieces {
            for (id, title) in piece.titles.said {
                titles.insert(id, title);
            }
            for (id, (state, line)) in piece.states.said {
                let Some(&i) = by_id.get(&id) else {
                    by_id.insert(id.clone(), rows.len());
                    rows.push(UpdateRow {
                        kb: String::new(),
                        title: String::new(),
                        state: state.to_ascii_lowercase(),
                        update_id: id,
                        revision: None,
                        superseded_by: None,
                        file: f.name.clone(),
                        line,
                    });
                    continue;
                };
                // Only store rows exist yet: kb, title, revision and superseded_by are empty.
                let row = &mut rows[i];
                if !(row.state.len() == state.len() && row.state.bytes().zip(state.bytes()).all(|(r, s)| r == s.to_ascii_lowercase())) {
                    row.state = state.to_ascii_lowercase();
                }
                if row.file != f.name {
                    row.file = f.name.clone();
                }
                row.line = line;
            }
        }
    }
    titles
}

/// What a run of UpdatesStore.log entries says of update ids, each id's last word: states
/// (with their line) and titles, as written.
struct StorePiece<'t> {
    states: LastWords<(&'t str, u32)>,
    titles: LastWords<&'t str>,
}

impl<'t> StorePiece<'t> {
    fn read(f: &'t crate::model::LogFile, entries: &[crate::model::Entry]) -> StorePiece<'t> {
        let mut piece = StorePiece { states: LastWords::default(), titles: LastWords::default() };
        for e in entries.iter().filter(|e| e.parsed) {
            let msg = f.message(e);
            if let Some((id, state)) = store_state(msg) {
                piece.states.say(id, (state, e.line));
            }
            if let Some((id, title)) = store_title(msg) {
                piece.titles.say(id, title);
            }
        }
        piece
    }
}

/// The last value said of each id: ids in lower case, in order of first appearance. Allocates
/// only for a new id.
struct LastWords<V> {
    said: Vec<(String, V)>,
    index: FxHashMap<String, usize>,
}

impl<V> Default for LastWords<V> {
    fn default() -> Self {
        LastWords { said: Vec::new(), index: FxHashMap::default() }
    }
}

impl<V> LastWords<V> {
    fn say(&mut self, id: &str, value: V) {
        let mut buf = [0u8; 64];
        let key = lower(id, &mut buf);
        match self.index.get(key.as_ref()) {
            Some(&i) => self.said[i].1 = value,
            None => {
                self.index.insert(key.to_string(), self.said.len());
                self.said.push((key.into_owned(), value));
            }
        }
    }
}

pub fn collect(a: &Analysis) -> Vec<UpdateRow> {
    let mut rows: Vec<UpdateRow> = Vec::new();
    let mut by_id: FxHashMap<String, usize> = FxHashMap::default();
    let mut superseded: FxHashMap<String, String> = FxHashMap::default();
    // Store states come first so that WUAHandler's titled rows, read second, take their place.
    let store_titles = store_states(a, &mut rows, &mut by_id);
    for f in a.files.iter().filter(|f| f.kind == LogKind::WuaHandler) {
        for e in f.entries.iter().filter(|e| e.parsed) {
            let msg = f.message(e);
            if let Some((old, new)) = parse_pruning(msg) {
                superseded.insert(old, new);
                continue;
            }
            let Some((state, title, id, revision)) = parse_wuahandler_update(msg) else { continue };
            let row = UpdateRow { kb: kb_of(&title), title, state, update_id: id, revision, superseded_by: None, file: f.name.clone(), line: e.line };
            match by_id.get(&row.update_id) {
                Some(&i) => rows[i] = row,
                None => {
                    by_id.insert(row.update_id.clone(), rows.len());
                    rows.push(row);
                }
            }
        }
    }
    // WindowsUpdate.log's titles take a pass over all its lines, on one core: only when a row
    // lacks a title (a WindowsUpdate.log alone has no rows at all).
    let titles = if rows.iter().any(|r| r.title.is_empty()) { titles(a, store_titles) } else { FxHashMap::default() };
    for r in &mut rows {
        r.superseded_by = superseded.get(&r.update_id).cloned();
        if r.title.is_empty() {
            if let Some(t) = titles.get(&r.update_id) {
                r.title = t.to_string();
                r.kb = kb_of(t);
            }
        }
    }
    order(&mut rows);
    rows
}

/// Missing and failed first (what needs doing), then installed, then the rest; by KB within.
fn order(rows: &mut [UpdateRow]) {
    let rank = |s: &str| match s {
        "missing" | "failed" => 0,
        "installed" => 1,
        _ => 2,
    };
    rows.sort_by(|x, y| {
        rank(&x.state).cmp(&rank(&y.state)).then(x.kb.is_empty().cmp(&y.kb.is_empty())).then(x.kb.cmp(&y.kb)).then(x.update_id.cmp(&y.update_id))
    });
}

/// Rows for the updates the drop's installs name and no row has yet (an event log's or
/// ReportingEvents.log's installs, whose logs list no update states): each update by its KB, or
/// else its title, in the state its latest install left it (`installed`, `failed`, `cancelled`,
/// `installing` while the log ends first, `interrupted`). Installs whose result is not logged,
/// and failures another install made good, add nothing.
pub fn add_installed(a: &Analysis, ops: &[super::Operation], rows: &mut Vec<UpdateRow>) {
    use crate::model::{OperationKind, Outcome};
    let known = |rows: &[UpdateRow], kb: &str, id: &str| {
        rows.iter().any(|r| (!kb.is_empty() && r.kb == kb) || (!id.is_empty() && r.update_id.eq_ignore_ascii_case(id)))
    };
    let before = rows.len();
    for o in ops.iter().filter(|o| o.kind() == OperationKind::Install) {
        let state = match o.outcome {
            Outcome::Succeeded => "installed",
            // Made good by another install of it, which gives the row.
            Outcome::Recovered => continue,
            Outcome::Failed => "failed",
            Outcome::Cancelled => "cancelled",
            Outcome::Running => "installing",
            Outcome::Interrupted => "interrupted",
            Outcome::Unknown => continue,
        };
        let named = o.fact("update").unwrap_or_default();
        let id = if is_guid(named.trim_matches(['{', '}'])) { named } else { "" };
        let title = match o.fact("title") {
            // `: Title` or ` with error 0x80073d02: Title.`
            Some(t) => t.split_once(": ").map_or(t, |(_, t)| t).trim().trim_end_matches('.').to_string(),
            None if id.is_empty() => o.update_name().unwrap_or_else(|| named.to_string()),
            None => String::new(),
        };
        let kb = match o.fact("kb").filter(|k| k.bytes().all(|c| c.is_ascii_digit()) && !k.is_empty()) {
            Some(k) => format!("KB{k}"),
            None => kb_of(if title.is_empty() { named } else { &title }),
        };
        if kb.is_empty() && id.is_empty() && title.is_empty() {
            continue;
        }
        if known(&rows[..before], &kb, id) {
            continue;
        }
        let f = &a.files[o.file];
        let line = o.end.or(o.start).map_or(0, |e| f.entries[e as usize].line);
        let row = UpdateRow { kb, title, state: state.into(), update_id: id.to_string(), revision: None, superseded_by: None, file: f.name.clone(), line };
        // The latest install of an update decides its state.
        match rows[before..]
            .iter()
            .position(|r| (!row.kb.is_empty() && r.kb == row.kb) || (row.kb.is_empty() && r.title == row.title && r.update_id == row.update_id))
        {
            Some(i) => rows[before + i] = row,
            None => rows.push(row),
        }
    }
    if rows.len() > before {
        order(rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_seed_lines() {
        let (state, title, id, rev) = parse_wuahandler_update(
            "Update (Missing): Security Update for Windows 7 for x64-based Systems (KB2862152) (505fda07-b4f3-45fb-83d9-8642554e2773, 200)",
        )
        .unwrap();
        assert_eq!((state.as_str(), id.as_str(), rev), ("missing", "505fda07-b4f3-45fb-83d9-8642554e2773", Some(200)));
        assert_eq!(kb_of(&title), "KB2862152");
        assert_eq!(
            parse_pruning("Pruning: update id (70f4f236-0248-4e84-b472-292913576fa1) is superseded by (726b7201-862a-4fde-9b12-f36b38323a6f)."),
            Some(("70f4f236-0248-4e84-b472-292913576fa1".into(), "726b7201-862a-4fde-9b12-f36b38323a6f".into()))
        );
        assert_eq!(
            parse_store_state("Successfully raised state message for update (505fda07-b4f3-45fb-83d9-8642554e2773) with state (Missing)."),
            Some(("505fda07-b4f3-45fb-83d9-8642554e2773".into(), "missing".into()))
        );
        assert_eq!(kb_of("2024-05 Cumulative Update (KB5037768) and KB12"), "KB5037768");
        assert!(parse_wuahandler_update("Update (Missing): no id here").is_none());
        assert_eq!(
            parse_store_title("Queried Update (04d7ef23-4f5f-48fb-bace-84b116741f7e): Status=Installed, Title=Update for Removal of Adobe Flash Player (KB4577586), BulletinID=, QNumbers=4577586"),
            Some(("04d7ef23-4f5f-48fb-bace-84b116741f7e".into(), "Update for Removal of Adobe Flash Player (KB4577586)".into()))
        );
    }
}
