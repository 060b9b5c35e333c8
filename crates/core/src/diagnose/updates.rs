//! The updates table: what the last scan said about each update.
//!
//! WUAHandler.log (step 5 of the scan) writes `Update (Installed|Missing): <title> (KBnnnnnnn)
//! (<update id>, <revision>)` and `Pruning: update id (<id>) is superseded by (<id>).`;
//! UpdatesStore.log writes `... state message for update (<id>) with state (Missing).` The
//! table keeps the latest word on each update id; superseded updates are flagged, not dropped.
//!
//! Built in one pass over each log's records, nothing allocated per record: an update id is
//! interned once as a key ([`IdKey`]: a GUID's 128 bits, whatever its case), its row of text
//! borrowed from the log replaced in place, in shards of ids, one per core; the titles other
//! lines give and supersedence are read into each row as it is made. The rows are kept
//! in no order ([`Table`]): the table's order is taken where it is needed, over the rows that
//! need it ([`first_in_order`], [`in_order`]).

use std::sync::LazyLock;

use memchr::memmem;
use rustc_hash::FxHashMap;

use crate::analysis::Analysis;
use crate::model::LogKind;
pub use crate::model::UpdateRow;

/// An update id as a key: a GUID's 128 bits (so case does not matter and nothing is allocated),
/// or an id written otherwise (in braces) in lower case. Two ids are the same key exactly when
/// their lower-case texts are equal.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub(super) enum IdKey {
    Guid(u128),
    Other(Box<str>),
}

impl IdKey {
    pub(super) fn of(id: &str) -> IdKey {
        match guid_bits(id) {
            Some(bits) => IdKey::Guid(bits),
            None => IdKey::Other(id.to_ascii_lowercase().into()),
        }
    }

    /// The key's hash in [`Keyed`]'s tables: a GUID's bits (random in an update id) folded and
    /// mixed by one multiplication, made inline; another id's text by FxHash.
    fn hash(&self) -> u64 {
        match self {
            IdKey::Guid(bits) => (*bits as u64 ^ (*bits >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            IdKey::Other(text) => {
                use std::hash::BuildHasher;
                rustc_hash::FxBuildHasher.hash_one(text)
            }
        }
    }

    /// The key of `id` when it is a GUID ([`is_guid`]: braces allowed), read once.
    fn of_guid(id: &str) -> Option<IdKey> {
        match guid_bits(id) {
            Some(bits) => Some(IdKey::Guid(bits)),
            None => is_guid(id).then(|| IdKey::Other(id.to_ascii_lowercase().into())),
        }
    }
}

/// [`head`] of the lower-case text of the GUID whose bits are `bits`, without reading the text:
/// its first 14 digits with the two hyphens among them.
fn guid_head(bits: u128) -> u128 {
    const DIGIT: &[u8; 16] = b"0123456789abcdef";
    let mut b = [b'-'; 16];
    for (k, at) in [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15].into_iter().enumerate() {
        b[at] = DIGIT[(bits >> (124 - 4 * k)) as usize & 0xF];
    }
    u128::from_be_bytes(b)
}

/// The 128 bits of a GUID written `8-4-4-4-12` in hex digits of either case, without braces.
pub(super) fn guid_bits(s: &str) -> Option<u128> {
    /// Each byte's value as a hex digit, 0xFF for any other byte.
    static HEX: [u8; 256] = {
        let mut t = [0xFFu8; 256];
        let mut i = 0;
        while i < 10 {
            t[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            t[b'a' as usize + i] = 10 + i as u8;
            t[b'A' as usize + i] = 10 + i as u8;
            i += 1;
        }
        t
    };
    let b: &[u8; 36] = s.as_bytes().try_into().ok()?;
    if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    /// Where the 32 digits are.
    const DIGITS: [usize; 32] = {
        let mut at = [0usize; 32];
        let (mut i, mut k) = (0, 0);
        while i < 36 {
            if i != 8 && i != 13 && i != 18 && i != 23 {
                at[k] = i;
                k += 1;
            }
            i += 1;
        }
        at
    };
    let (mut hi, mut lo, mut bad) = (0u64, 0u64, 0u8);
    for k in 0..16 {
        let (h, l) = (HEX[b[DIGITS[k]] as usize], HEX[b[DIGITS[k + 16]] as usize]);
        bad |= h | l;
        hi = hi << 4 | u64::from(h & 0xF);
        lo = lo << 4 | u64::from(l & 0xF);
    }
    (bad & 0xF0 == 0).then_some(u128::from(hi) << 64 | u128::from(lo))
}

/// `Update (Missing): Title (KB2862152) (505fda07-..., 200)` → (state, title, id, revision).
#[cfg(test)]
pub fn parse_wuahandler_update(msg: &str) -> Option<(String, String, String, Option<u32>)> {
    wuahandler_update(msg).map(|(state, title, id, rev)| (state.to_ascii_lowercase(), title.to_string(), id.to_ascii_lowercase(), rev))
}

/// [`parse_wuahandler_update`] without allocating: state, title and id trimmed, as written.
fn wuahandler_update(msg: &str) -> Option<(&str, &str, &str, Option<u32>)> {
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
    Some((state.trim(), rest[..open].trim(), id, rev))
}

/// `Pruning: update id (A) is superseded by (B).` → (A, B).
#[cfg(test)]
pub fn parse_pruning(msg: &str) -> Option<(String, String)> {
    pruning(msg).map(|(a, b)| (a.to_ascii_lowercase(), b.to_ascii_lowercase()))
}

/// [`parse_pruning`] without allocating: the ids as written.
fn pruning(msg: &str) -> Option<(&str, &str)> {
    let rest = msg.trim().strip_prefix("Pruning: update id (")?;
    let (a, rest) = rest.split_once(") is superseded by (")?;
    let b = rest.split(')').next()?;
    (is_guid(a) && is_guid(b)).then_some((a, b))
}

/// `Successfully raised state message for update (ID) with state (Missing).`
#[cfg(test)]
pub fn parse_store_state(msg: &str) -> Option<(String, String)> {
    store_state(msg).map(|(_, id, state)| (id.to_ascii_lowercase(), state.to_ascii_lowercase()))
}

/// [`parse_store_state`] without allocating: (the id's key, id, state) as written.
fn store_state(msg: &str) -> Option<(IdKey, &str, &str)> {
    static FOR_UPDATE: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("for update ("));
    static WITH_STATE: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("with state ("));
    let i = FOR_UPDATE.find(msg.as_bytes())? + 12;
    let close = i + memchr::memchr(b')', &msg.as_bytes()[i..])?;
    let (id, rest) = (&msg[i..close], &msg[close + 1..]);
    let j = WITH_STATE.find(rest.as_bytes())? + 12;
    let state = &rest[j..];
    let state = &state[..memchr::memchr(b')', state.as_bytes()).unwrap_or(state.len())];
    Some((IdKey::of_guid(id)?, id, state))
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
    kb_in(title).to_string()
}

/// [`kb_of`] without allocating: the last `KB` and six digits or more in `title`, as a slice.
fn kb_in(title: &str) -> &str {
    let mut best = "";
    let b = title.as_bytes();
    // A `K` found by memchr, not a substring searcher made per title: most titles are short, and
    // a table of many ids reads one for each of its rows.
    for s in memchr::memchr_iter(b'K', b) {
        if b.get(s + 1) != Some(&b'B') {
            continue;
        }
        let digits = b[s + 2..].iter().take_while(|c| c.is_ascii_digit()).count();
        let boundary = s == 0 || !b[s - 1].is_ascii_alphanumeric();
        if boundary && digits >= 6 {
            best = &title[s..s + 2 + digits];
        }
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

/// Titles the logs give for update ids: UpdatesStore.log's queries (`store`, read with its
/// states), then WindowsUpdate.log's `Title = ...` followed on the same thread by
/// `UpdateId = <id>.<revision>`.
fn titles<'a>(a: &'a Analysis, store: FxHashMap<IdKey, &'a str>) -> FxHashMap<IdKey, &'a str> {
    let mut out = store;
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
                        out.insert(IdKey::of(id), title);
                    }
                }
                pending = None;
            }
        }
    }
    out
}

/// Items keyed by update id, each id interned once: the items in a vector in order of first
/// appearance, and a table of their 4-byte positions hashed by key (a table of keys would hold
/// 48 bytes a slot, and a log that names a new id on every line fills one with each).
struct Keyed<T> {
    items: Vec<T>,
    index: hashbrown::HashTable<u32>,
}

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed { items: Vec::new(), index: hashbrown::HashTable::new() }
    }
}

impl<T> Keyed<T> {
    /// `item` under its key (`key_of` gives an item's): pushed when the key is new, else given to
    /// `merge` with the item it meets. The key is read from the item, never copied.
    fn put(&mut self, item: T, key_of: impl Fn(&T) -> &IdKey, merge: impl FnOnce(&mut T, T)) {
        let hash = IdKey::hash;
        let (items, key) = (&self.items, key_of(&item));
        match self.index.entry(hash(key), |&i| key_of(&items[i as usize]) == key, |&i| hash(key_of(&items[i as usize]))) {
            hashbrown::hash_table::Entry::Occupied(e) => merge(&mut self.items[*e.get() as usize], item),
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(self.items.len() as u32);
                self.items.push(item);
            }
        }
    }

    /// Room for `n` items before either grows.
    fn with_capacity(n: usize) -> Self {
        Keyed { items: Vec::with_capacity(n), index: hashbrown::HashTable::with_capacity(n) }
    }
}

/// A row as a line says it, before the table's titles and supersedence are read into it: `id`
/// as written (with `capitals` or not, read while its line was at hand), its state and class,
/// WUAHandler.log's title (empty for UpdatesStore.log's) and revision, its file and entry.
#[allow(clippy::too_many_arguments)]
fn said_row<'a>(
    key: IdKey,
    id: &'a str,
    capitals: bool,
    state: &'a str,
    said: Said,
    title: &'a str,
    revision: Option<u32>,
    (file, entry): (usize, u32),
) -> Row<'a> {
    let id = if capitals { id.to_ascii_lowercase().into() } else { id.into() };
    let mut row = Row { id, key, state, said, title, kb: kb_in(title), revision, superseded_by: None, file, entry, coarse: 0 };
    row.coarse = coarse_key(&row);
    row
}

/// What UpdatesStore.log says of each update id, piece by piece (each piece the last word on each
/// id in a run of its entries, read on all cores; the pieces in order, each with its file's
/// index), and the latest title it gives each id.
fn store_states(a: &Analysis) -> (Vec<(usize, StorePiece<'_>)>, FxHashMap<IdKey, &str>) {
    let mut titles: FxHashMap<IdKey, &str> = FxHashMap::default();
    let mut out = Vec::new();
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| f.kind == LogKind::UpdatesStore) {
        let pieces = crate::par::map(crate::par::ranges(f.entries.len(), 32 << 10), |r| StorePiece::read(f, r));
        for mut piece in pieces {
            for (key, (_, title)) in std::mem::take(&mut piece.titles.said.items) {
                titles.insert(key, title);
            }
            out.push((fi, piece));
        }
    }
    (out, titles)
}

/// The table's rows of the ids in `shard` of `shards`: the store's pieces applied in order, then
/// WUAHandler.log's rows, each replacing the one before for its id; each row given the title
/// and supersedence the other lines tell (`told`) as it is made, while it is at hand.
fn merged<'a>(pieces: &[(usize, StorePiece<'a>)], wua: &[Row<'a>], told: &Told<'a>, shard: usize, shards: usize) -> Vec<Row<'a>> {
    let mine = |key: &IdKey| shards == 1 || shard_of(key, shards) == shard;
    // At most as many new ids as the pieces name, spread evenly over the shards.
    let mut table: Keyed<Row> = Keyed::with_capacity(pieces.iter().map(|(_, p)| p.states.said.items.len()).sum::<usize>() / shards);
    let mut put = |r: Row<'a>| table.put(told.read_into(r), |r| &r.key, |old, new| *old = new);
    for (fi, piece) in pieces {
        for (key, (id, (state, said, capitals, entry))) in piece.states.said.items.iter().filter(|(key, _)| mine(key)) {
            put(said_row(key.clone(), id, *capitals, state, *said, "", None, (*fi, *entry)));
        }
    }
    for r in wua.iter().filter(|r| mine(&r.key)) {
        put(r.clone());
    }
    table.items
}

/// What other lines tell of an update id: its title (UpdatesStore.log's queries,
/// WindowsUpdate.log's searches) and the id that supersedes it (WUAHandler.log's pruning).
struct Told<'a> {
    titles: FxHashMap<IdKey, &'a str>,
    superseded: FxHashMap<IdKey, &'a str>,
}

impl<'a> Told<'a> {
    /// `r` with the title told of its id when it has none, and what supersedes it.
    fn read_into(&self, mut r: Row<'a>) -> Row<'a> {
        if r.title.is_empty() && !self.titles.is_empty() {
            if let Some(&title) = self.titles.get(&r.key) {
                (r.title, r.kb) = (title, kb_in(title));
                r.coarse = coarse_key(&r);
            }
        }
        if !self.superseded.is_empty() {
            r.superseded_by = self.superseded.get(&r.key).copied();
        }
        r
    }
}

/// Which of `shards` an id's rows are merged in: a GUID by its first byte (an update id is a
/// random GUID), another id by its length and last byte.
fn shard_of(key: &IdKey, shards: usize) -> usize {
    match key {
        IdKey::Guid(bits) => (bits >> 120) as usize % shards,
        IdKey::Other(s) => (s.len() + s.bytes().last().map_or(0, usize::from)) % shards,
    }
}

/// What a run of UpdatesStore.log entries says of update ids, each id's last word: states
/// (with their entry) and titles, as written.
struct StorePiece<'t> {
    /// Each state with its class and whether its id has capitals (read while the line is in the
    /// cache: a table of many ids reads its rows' text again only for the rows it writes out).
    states: LastWords<'t, (&'t str, Said, bool, u32)>,
    titles: LastWords<'t, &'t str>,
}

impl<'t> StorePiece<'t> {
    /// The piece of `f`'s entries in `range`.
    fn read(f: &'t crate::model::LogFile, range: std::ops::Range<usize>) -> StorePiece<'t> {
        // Room for an id on every line: a log that names a new id on every line never rehashes
        // the index nor moves the items (their room is address space until it is written; a
        // vector of many MB that grows is remapped, which flushes every core's TLB).
        let states = LastWords { said: Keyed::with_capacity(range.len()) };
        let mut piece = StorePiece { states, titles: LastWords::default() };
        for (e, entry) in f.entries[range.clone()].iter().zip(range.start as u32..).filter(|(e, _)| e.parsed) {
            let msg = f.message(e);
            if let Some((key, id, state)) = store_state(msg) {
                piece.states.say(key, id, (state, Said::of(state), has_capitals(id), entry));
            }
            if let Some((id, title)) = store_title(msg) {
                piece.titles.say(IdKey::of(id), id, title);
            }
        }
        piece
    }
}

/// The last value said of each id (with the id as first written), in order of first appearance.
/// Each id is interned once; nothing is allocated for an id in a GUID's form.
struct LastWords<'t, V> {
    said: Keyed<(IdKey, (&'t str, V))>,
}

impl<V> Default for LastWords<'_, V> {
    fn default() -> Self {
        LastWords { said: Keyed::default() }
    }
}

impl<'t, V> LastWords<'t, V> {
    fn say(&mut self, key: IdKey, id: &'t str, value: V) {
        self.said.put((key, (id, value)), |s| &s.0, |old, new| old.1 .1 = new.1 .1);
    }
}

/// One row of the table: the latest word on an update id, its text borrowed from the logs. The
/// ledger reads every row; only the first [`KEPT`](super::ledger::KEPT) in order, as many as a
/// report lists, are written out as [`UpdateRow`]s ([`written`]).
#[derive(Clone)]
pub struct Row<'a> {
    /// In lower case (borrowed unless the log wrote capitals).
    pub id: std::borrow::Cow<'a, str>,
    /// Its id as a key.
    pub(super) key: IdKey,
    /// As written: `Missing`, `installed`, ...
    pub state: &'a str,
    /// The state's class.
    pub said: Said,
    pub title: &'a str,
    /// The title's KB, empty when it names none.
    pub kb: &'a str,
    pub revision: Option<u32>,
    /// The id that supersedes it, as written.
    pub superseded_by: Option<&'a str>,
    /// Index of the file in the analysis, and of its line's entry.
    pub file: usize,
    pub entry: u32,
    /// Its [`coarse_key`], made with the row (on the core that merges its shard): the first rows
    /// are picked by it, twice, among all of them.
    coarse: u64,
}

/// The table's rows, in shards of ids and in no order: its order ([`first_in_order`],
/// [`in_order`]) is taken where it is needed, over the rows that need it (a report lists its
/// first rows; the ledger reads most rows in any order).
pub struct Table<'a> {
    shards: Vec<Vec<Row<'a>>>,
}

impl<'a> Table<'a> {
    /// Every row, in no order.
    pub fn rows(&self) -> Vec<&Row<'a>> {
        self.shards.iter().flatten().collect()
    }
}

impl Drop for Table<'_> {
    /// The shards freed on all cores: each row is read to be freed (its id may own a lower-case
    /// copy), tens of MB of rows when the logs name many ids.
    fn drop(&mut self) {
        crate::par::map(std::mem::take(&mut self.shards), drop);
    }
}

/// Every row of the table; nothing allocated per row unless an id is written in capitals.
pub fn collect(a: &Analysis) -> Table<'_> {
    let mut superseded: FxHashMap<IdKey, &str> = FxHashMap::default();
    let (pieces, store_titles) = store_states(a);
    // WUAHandler's titled rows, read after the store's states, take their place.
    let mut wua: Vec<Row> = Vec::new();
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| f.kind == LogKind::WuaHandler) {
        for (e, entry) in f.entries.iter().zip(0u32..).filter(|(e, _)| e.parsed) {
            let msg = f.message(e);
            if let Some((old, new)) = pruning(msg) {
                superseded.insert(IdKey::of(old), new);
                continue;
            }
            let Some((state, title, id, revision)) = wuahandler_update(msg) else { continue };
            wua.push(said_row(IdKey::of(id), id, has_capitals(id), state, Said::of(state), title, revision, (fi, entry)));
        }
    }
    // The rows merged in shards of ids, one per core when the logs name many: an id's row
    // depends only on what is said of that id, and the rows' order only on their keys, each
    // row's id being its own.
    let said: usize = pieces.iter().map(|(_, p)| p.states.said.items.len()).sum::<usize>() + wua.len();
    let shards = if said >= SHARD_AT { crate::par::threads().clamp(1, 16) } else { 1 };
    // WindowsUpdate.log's titles take a pass over all its lines, on one core: only when a row
    // may lack a title (a row of the store's states has none of its own; a WindowsUpdate.log
    // alone has no rows at all).
    let untitled = pieces.iter().any(|(_, p)| !p.states.said.items.is_empty()) || wua.iter().any(|r| r.title.is_empty());
    let titles = if untitled { titles(a, store_titles) } else { FxHashMap::default() };
    let told = Told { titles, superseded };
    let shards = crate::par::map((0..shards).collect(), |s| merged(&pieces, &wua, &told, s, shards));
    // The pieces (tens of MB when the logs name many ids) freed on all cores.
    crate::par::map(pieces, drop);
    Table { shards }
}

/// How many states and rows the logs must give for the table to be merged in shards, one per
/// core (fewer in tests, so that they merge in shards too).
const SHARD_AT: usize = if cfg!(test) { 64 } else { 1 << 15 };

/// A row's key in the table's order ([`order`]'s: by state, KB and id). A GUID's head is made
/// from its key: the ids' text, scattered over the logs, is not read.
fn table_key<'r>(r: &'r Row<'_>) -> (u8, &'r str, &'r str, u128) {
    let id_head = if let IdKey::Guid(bits) = r.key { guid_head(bits) } else { head(&r.id) };
    (r.said.rank(), r.kb, &r.id, id_head)
}

/// A row's [`table_key`] in 64 bits that order as the keys do, ties allowed: the rank, whether
/// the KB is missing, and the first 61 bits of the KB's [`head`] (the id's, when there is no KB).
fn coarse_key(r: &Row<'_>) -> u64 {
    let (rank, kb, _, id_head) = table_key(r);
    let text = if kb.is_empty() { id_head } else { head(kb) };
    u64::from(rank) << 62 | u64::from(kb.is_empty()) << 61 | (text >> 67) as u64
}

/// `items` (each naming a row of the table) in the table's order. No two rows of a table have
/// one id, so the order does not depend on the order they come in.
pub(super) fn in_order<'k, T: Copy>(items: &'k [T], row: impl Fn(&'k T) -> &'k Row<'k>) -> Vec<T> {
    sorted_by(items, |t| table_key(row(t))).into_iter().map(|i| items[i as usize]).collect()
}

/// The first `n` of `items` (each naming a row of the table) in the table's order: only they
/// are sorted. Among many, the candidates are found first by the keys' first 64 bits
/// ([`coarse_key`]), and only they get a whole key.
pub(super) fn first_in_order<'k, T: Copy>(items: &'k [T], row: impl Fn(&'k T) -> &'k Row<'k>, n: usize) -> Vec<T> {
    if n == 0 {
        return Vec::new();
    }
    let candidates: Vec<&T> = first_with_ties(items.len(), |i| row(&items[i]).coarse, n).into_iter().map(|i| &items[i]).collect();
    let mut keys = keys_of(&candidates, |t| table_key(row(t)));
    let by = |x: &SortKey<u8>, y: &SortKey<u8>| by_heads(*x, *y);
    if keys.len() > n {
        keys.select_nth_unstable_by(n, by);
        keys.truncate(n);
    }
    keys.sort_unstable_by(by);
    keys.into_iter().map(|k| *candidates[k.6 as usize]).collect()
}

/// The indexes of the first `n` of `len` items by `key`, with any that tie with the `n`-th, in
/// their own order: all of them when they are `n` or fewer. Every item before the `n`-th key is
/// among the first `n`, none after it is; the keys may be coarse (ties allowed), and the items
/// kept then get their whole keys.
pub(super) fn first_with_ties<K: Ord>(len: usize, key: impl Fn(usize) -> K, n: usize) -> Vec<usize> {
    let last = if len > n { nth_smallest((0..len).map(&key), n) } else { None };
    match last {
        Some(last) => (0..len).filter(|&i| key(i) <= last).collect(),
        None => (0..len).collect(),
    }
}

/// The `n`-th smallest of `keys` (the largest of the `n` smallest), if there are `n`: found in
/// one pass that keeps the `n` smallest in a heap, so no key of each item is kept.
fn nth_smallest<K: Ord>(keys: impl IntoIterator<Item = K>, n: usize) -> Option<K> {
    if n == 0 {
        return None;
    }
    let mut smallest = std::collections::BinaryHeap::with_capacity(n);
    for x in keys {
        if smallest.len() < n {
            smallest.push(x);
        } else if let Some(mut top) = smallest.peek_mut().filter(|top| x < **top) {
            *top = x;
        }
    }
    (smallest.len() == n).then(|| smallest.pop()).flatten()
}

impl Row<'_> {
    /// Its [`coarse_key`]: rows in the table's order have keys in order, ties allowed.
    pub(super) fn coarse(&self) -> u64 {
        self.coarse
    }
}

/// Whether an id is written with capitals (its row then keeps a lower-case copy).
fn has_capitals(id: &str) -> bool {
    id.bytes().any(|b| b.is_ascii_uppercase())
}

/// What a row's state says, whatever its case: the classes the table orders by and the ledger
/// reads (`Missing` and `required` ask for an install, `Installed` has it, `failed` tried).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Said {
    Missing,
    Required,
    Installed,
    Failed,
    Other,
}

impl Said {
    fn of(state: &str) -> Said {
        [("missing", Said::Missing), ("required", Said::Required), ("installed", Said::Installed), ("failed", Said::Failed)]
            .into_iter()
            .find(|(s, _)| state.eq_ignore_ascii_case(s))
            .map_or(Said::Other, |(_, said)| said)
    }

    /// Missing and failed first (what needs doing), then installed, then the rest.
    fn rank(self) -> u8 {
        match self {
            Said::Missing | Said::Failed => 0,
            Said::Installed => 1,
            Said::Required | Said::Other => 2,
        }
    }
}

/// The table as a report lists it: its first `kept` rows in order as [`UpdateRow`]s, with the
/// rows [`add_installed`] adds for installs no row names, and how many rows there are in all.
/// `table` is every row of the table, in any order.
pub fn written(a: &Analysis, table: &[&Row], ops: &[super::operation::Operation], kept: usize) -> (Vec<UpdateRow>, usize) {
    let first = first_in_order(table, |r| r, kept);
    let mut rows: Vec<UpdateRow> = Vec::with_capacity(first.len());
    crate::par::extend_mapped(&mut rows, &first, |r| UpdateRow {
        kb: r.kb.to_string(),
        title: r.title.to_string(),
        state: r.state.to_ascii_lowercase(),
        update_id: r.id.to_string(),
        revision: r.revision,
        superseded_by: r.superseded_by.map(str::to_ascii_lowercase),
        file: a.files[r.file].name.clone(),
        line: a.files[r.file].entries[r.entry as usize].line,
        store_app: false,
    });
    let known = |kb: &str, id: &str| table.iter().any(|r| (!kb.is_empty() && r.kb == kb) || (!id.is_empty() && r.id.eq_ignore_ascii_case(id)));
    let added = add_installed(a, ops, known);
    let total = table.len() + added.len();
    if !added.is_empty() {
        // The first `kept` of all rows are among the first `kept` of the table and the added
        // rows, which come after every row of the table in case of a tie, as they did.
        rows.extend(added);
        order(&mut rows);
        rows.truncate(kept);
    }
    (rows, total)
}

/// [`Said::rank`], then by KB within, then by update id; rows equal in all that keep their order.
fn order(rows: &mut [UpdateRow]) {
    order_by(rows, |r| (Said::of(&r.state).rank(), r.kb.as_str(), r.update_id.as_str(), head(&r.update_id)));
}

/// Rows in the order of their (rank, KB, id) keys, rows equal in all keeping their order. Sorted
/// as small keys and the rows then moved once each, rather than moving rows while sorting. The
/// key gives the id's [`head`] too.
fn order_by<T>(rows: &mut [T], key: impl Fn(&T) -> (u8, &str, &str, u128)) {
    let mut to = sorted_by(rows, key);
    permute(rows, &mut to);
}

/// The places of `rows` in the order of their (rank, KB, id) keys, rows equal in all keeping
/// their order: the keys sorted, on all cores when they are many. The key gives the id's [`head`]
/// too.
fn sorted_by<'k, T>(rows: &'k [T], key: impl Fn(&'k T) -> (u8, &'k str, &'k str, u128)) -> Vec<u32> {
    let mut keys = keys_of(rows, key);
    crate::par::sort_unstable_by(&mut keys, |&x, &y| by_heads(x, y));
    keys.into_iter().map(|k| k.6).collect()
}

/// The sort keys of `rows` by their (rank, KB, id) keys, each with its place.
fn keys_of<'k, T>(rows: &'k [T], key: impl Fn(&'k T) -> (u8, &'k str, &'k str, u128)) -> Vec<SortKey<'k, u8>> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let (rank, kb, id, id_head) = key(r);
            (rank, kb.is_empty(), head(kb), kb, id_head, id, i as u32)
        })
        .collect()
}

/// The first 16 bytes of `s` as a number that orders as the text does (zeros past its end).
/// Before the text itself in a sort key, it compares two rows without reading their strings'
/// memory, scattered over the heap, unless their first 16 bytes tie.
pub(super) fn head(s: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

/// A row's sort key: its rank, whether it lacks a first text, then two texts each after its
/// [`head`], and its place (so that equal rows keep their order).
pub(super) type SortKey<'a, R> = (R, bool, u128, &'a str, u128, &'a str, u32);

/// A sort key's order: the same as the tuple's, but a text is read only when its head ties
/// ([`text_cmp`]); a tuple's own comparison reads every text, each a load from scattered memory.
pub(super) fn by_heads<R: Ord + Copy>(x: SortKey<R>, y: SortKey<R>) -> std::cmp::Ordering {
    x.0.cmp(&y.0).then(x.1.cmp(&y.1)).then_with(|| text_cmp(x.2, x.3, y.2, y.3)).then_with(|| text_cmp(x.4, x.5, y.4, y.5)).then(x.6.cmp(&y.6))
}

/// Two texts in order, given their [`head`]s: texts of 16 bytes or less whose heads tie differ
/// only by trailing zeros, so the shorter comes first, and their bytes are not read at all (an
/// empty string's pointer is no address: `memcmp` on it, even for no bytes, cost a microcode
/// assist per call here, most of the time the old sorts took).
fn text_cmp(hx: u128, x: &str, hy: u128, y: &str) -> std::cmp::Ordering {
    hx.cmp(&hy).then_with(|| if x.len() <= 16 && y.len() <= 16 { x.len().cmp(&y.len()) } else { x.cmp(y) })
}

/// Put `rows[from[k]]` at `k` for every `k`, by following the permutation's cycles (`from` is
/// left as the identity).
pub(super) fn permute<T>(rows: &mut [T], from: &mut [u32]) {
    for start in 0..from.len() {
        let mut k = start;
        while from[k] as usize != start && from[k] as usize != k {
            let j = from[k] as usize;
            rows.swap(k, j);
            from[k] = k as u32;
            k = j;
        }
        from[k] = k as u32;
    }
}

/// Rows for the updates the drop's installs name and no row has yet (an event log's or
/// ReportingEvents.log's installs, whose logs list no update states): each update by its KB, or
/// else its title, in the state its latest install left it (`installed`, `failed`, `cancelled`,
/// `installing` while the log ends first, `interrupted`). Installs whose result is not logged,
/// and failures another install made good, add nothing.
///
/// `known` tells whether a row of the table has a KB or update id; the rows added are returned.
fn add_installed(a: &Analysis, ops: &[super::operation::Operation], known: impl Fn(&str, &str) -> bool) -> Vec<UpdateRow> {
    use super::operation::UpdateName;
    use crate::model::{OperationKind, Outcome};
    let mut rows: Vec<UpdateRow> = Vec::new();
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
        // A Store app keeps its name as the log writes it (product id, package), which the
        // report says in words; its KB, if any, is in the package's name.
        let (title, kb_from) = match o.fact("title") {
            // `: Title` or ` with error 0x80073d02: Title.`
            Some(t) => (t.split_once(": ").map_or(t, |(_, t)| t).trim().trim_end_matches('.').to_string(), None),
            None if id.is_empty() => match o.update_name() {
                Some(UpdateName::Title(t)) => (t, None),
                Some(UpdateName::StoreApp(package)) => (named.trim().to_string(), Some(package)),
                None => (named.to_string(), None),
            },
            None => (String::new(), None),
        };
        let store_app = kb_from.is_some();
        let kb = match o.fact("kb").filter(|k| k.bytes().all(|c| c.is_ascii_digit()) && !k.is_empty()) {
            Some(k) => format!("KB{k}"),
            None => kb_of(kb_from.as_deref().unwrap_or(if title.is_empty() { named } else { &title })),
        };
        if kb.is_empty() && id.is_empty() && title.is_empty() {
            continue;
        }
        if known(&kb, id) {
            continue;
        }
        let f = &a.files[o.file];
        let line = o.end.or(o.start).map_or(0, |e| f.entries[e as usize].line);
        let row =
            UpdateRow { kb, title, state: state.into(), update_id: id.to_string(), revision: None, superseded_by: None, file: f.name.clone(), line, store_app };
        // The latest install of an update decides its state.
        match rows.iter().position(|r| (!row.kb.is_empty() && r.kb == row.kb) || (row.kb.is_empty() && r.title == row.title && r.update_id == row.update_id)) {
            Some(i) => rows[i] = row,
            None => rows.push(row),
        }
    }
    rows
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::read::{Input, Limits};

    /// The table as it was first built: ids as lower-case strings looked up line by line, rows
    /// replaced whole, one stable sort of the rows.
    fn table_by_strings(a: &Analysis) -> Vec<UpdateRow> {
        let mut rows: Vec<UpdateRow> = Vec::new();
        let mut by_id: FxHashMap<String, usize> = FxHashMap::default();
        let (mut titles, mut superseded) = (FxHashMap::<String, String>::default(), FxHashMap::<String, String>::default());
        let mut put = |rows: &mut Vec<UpdateRow>, row: UpdateRow| match by_id.get(&row.update_id) {
            Some(&i) => rows[i] = row,
            None => {
                by_id.insert(row.update_id.clone(), rows.len());
                rows.push(row);
            }
        };
        for f in a.files.iter().filter(|f| f.kind == LogKind::UpdatesStore) {
            for e in f.entries.iter().filter(|e| e.parsed) {
                if let Some((id, state)) = parse_store_state(f.message(e)) {
                    let row = UpdateRow {
                        kb: String::new(),
                        title: String::new(),
                        state,
                        update_id: id,
                        revision: None,
                        superseded_by: None,
                        file: f.name.clone(),
                        line: e.line,
                        store_app: false,
                    };
                    put(&mut rows, row);
                }
                if let Some((id, title)) = parse_store_title(f.message(e)) {
                    titles.insert(id, title);
                }
            }
        }
        for f in a.files.iter().filter(|f| f.kind == LogKind::WuaHandler) {
            for e in f.entries.iter().filter(|e| e.parsed) {
                if let Some((old, new)) = parse_pruning(f.message(e)) {
                    superseded.insert(old, new);
                } else if let Some((state, title, id, revision)) = parse_wuahandler_update(f.message(e)) {
                    put(
                        &mut rows,
                        UpdateRow {
                            kb: kb_of(&title),
                            title,
                            state,
                            update_id: id,
                            revision,
                            superseded_by: None,
                            file: f.name.clone(),
                            line: e.line,
                            store_app: false,
                        },
                    );
                }
            }
        }
        for r in &mut rows {
            r.superseded_by = superseded.get(&r.update_id).cloned();
            if let Some(t) = titles.get(&r.update_id).filter(|_| r.title.is_empty()) {
                (r.title, r.kb) = (t.clone(), kb_of(t));
            }
        }
        let rank = |s: &str| match s {
            "missing" | "failed" => 0,
            "installed" => 1,
            _ => 2,
        };
        rows.sort_by(|x, y| {
            rank(&x.state).cmp(&rank(&y.state)).then(x.kb.is_empty().cmp(&y.kb.is_empty())).then(x.kb.cmp(&y.kb)).then(x.update_id.cmp(&y.update_id))
        });
        rows
    }

    /// A ConfigMgr client log's line of `component` saying `msg`, its time from `line`.
    pub(in crate::diagnose) fn cmtrace(component: &str, line: u32, msg: &str) -> String {
        format!("<![LOG[{msg}]LOG]!><time=\"10:{:02}:{:02}.000+240\" date=\"05-31-2024\" component=\"{component}\" context=\"\" type=\"1\" thread=\"7\" file=\"x.cpp:1\">\r\n", line / 60 % 60, line % 60)
    }

    #[test]
    fn interned_ids_give_the_table_built_by_strings() {
        // Thousands of ids each named a few times and seldom again (the `guids` bench shape),
        // then the same ids in capitals, in braces, titled, superseded and re-stated by WUAHandler.
        let mut store = wulens_loggen::single_text("guids", 3 << 20, 5);
        let ids: Vec<String> = store.match_indices("for update (").map(|(i, _)| store[i + 12..i + 48].to_string()).take(400).collect();
        assert!(ids.iter().all(|id| guid_bits(id).is_some()), "the shape names ids in a GUID's form");
        let mut wua = String::new();
        for (k, id) in ids.iter().enumerate() {
            let (upper, braced) = (id.to_ascii_uppercase(), format!("{{{id}}}"));
            let n = k as u32;
            match k % 6 {
                0 => store.push_str(&cmtrace("UpdatesStore", n, &format!("Successfully raised state message for update ({upper}) with state (INSTALLED)."))),
                1 => store.push_str(&cmtrace("UpdatesStore", n, &format!("Successfully raised state message for update ({braced}) with state (Missing)."))),
                2 => store.push_str(&cmtrace(
                    "UpdatesStore",
                    n,
                    &format!("Queried Update ({upper}): Status=Missing, Title=2024-05 Cumulative Update (KB50{k:05}), BulletinID=, QNumbers=1"),
                )),
                // A KB shared by many ids: their keys tie in their first 64 bits.
                3 => wua.push_str(&cmtrace(
                    "WUAHandler",
                    n,
                    &format!("Update (Missing): Security Update for Windows (KB40{:05}) ({upper}, 20{})", k % 50, k % 10),
                )),
                4 => wua.push_str(&cmtrace(
                    "WUAHandler",
                    n,
                    &format!("Pruning: update id ({id}) is superseded by ({}).", ids[(k + 1) % ids.len()].to_ascii_uppercase()),
                )),
                _ => wua.push_str(&cmtrace("WUAHandler", n, &format!("Update (Installed): Update without a KB ({{{upper}}})"))),
            }
        }
        let inputs = vec![
            Input { name: "UpdatesStore.log".into(), bytes: store.as_bytes().into() },
            Input { name: "WUAHandler.log".into(), bytes: wua.as_bytes().into() },
        ];
        let a = Analysis::from_inputs(inputs, &Limits::default());
        let table = collect(&a);
        let rows = written(&a, &table.rows(), &[], usize::MAX).0;
        assert!(rows.len() > 5000, "{} rows", rows.len());
        assert!(
            rows.iter().any(|r| r.update_id.starts_with('{')) && rows.iter().any(|r| r.superseded_by.is_some()) && rows.iter().any(|r| r.revision.is_some())
        );
        assert!(rows.iter().any(|r| r.title.starts_with("2024-05 Cumulative")));
        let by_strings = table_by_strings(&a);
        assert_eq!(rows, by_strings);
        // The first rows alone, as a report lists them: the same as the first of all.
        for n in [0, 1, 2, 66, 67, 68, 1000, 5000] {
            assert_eq!(written(&a, &table.rows(), &[], n).0, by_strings[..n], "first {n}");
        }
    }

    proptest::proptest! {
        /// The heap's cut is a sort's: the `n`-th smallest, ties and all, or none when fewer.
        #[test]
        fn the_nth_smallest_is_the_sorted_keys_nth(keys in proptest::collection::vec(0u8..40, 0..300), n in 0usize..320) {
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            let want = n.checked_sub(1).and_then(|i| sorted.get(i)).copied();
            proptest::prop_assert_eq!(nth_smallest(keys.iter().copied(), n), want);
        }
    }

    #[test]
    fn a_guids_head_is_made_from_its_bits_as_from_its_text() {
        for id in [
            "584d24df-538c-ef40-f6b8-1011c32fccc9",
            "B6829214-5612-4041-953E-36701DCF249C",
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-fffffffffffe",
        ] {
            let Some(bits) = guid_bits(id) else { panic!("{id} is a GUID") };
            assert_eq!(guid_head(bits), head(&id.to_ascii_lowercase()), "{id}");
        }
    }

    #[test]
    fn keyed_items_keep_their_first_place_through_growth() {
        // From an empty table and from one sized too small, so that the positions are rehashed
        // by their items' keys as the table grows.
        for mut keyed in [Keyed::default(), Keyed::with_capacity(3)] {
            let key =
                |i: u128| if i.is_multiple_of(7) { IdKey::Other(format!("{{id-{i}}}").into()) } else { IdKey::Guid(i.wrapping_mul(0x9E37_79B9_7F4A_7C15)) };
            let n = 5000u128;
            for round in 0..3u32 {
                for i in (0..n).rev() {
                    keyed.put((key(i), i, round), |t| &t.0, |old, new| old.2 = new.2);
                }
            }
            assert_eq!(keyed.items.len(), n as usize);
            for (place, item) in keyed.items.iter().enumerate() {
                assert_eq!((item.0.clone(), item.1, item.2), (key(n - 1 - place as u128), n - 1 - place as u128, 2));
            }
        }
    }

    #[test]
    fn guid_keys_are_case_blind_and_exact() {
        let id = "505fda07-b4f3-45fb-83d9-8642554e2773";
        assert_eq!(guid_bits(id), Some(0x505fda07_b4f3_45fb_83d9_8642554e2773));
        assert_eq!(IdKey::of(id), IdKey::of(&id.to_ascii_uppercase()));
        assert_ne!(IdKey::of(id), IdKey::of(&format!("{{{id}}}")));
        assert_eq!(IdKey::of(&format!("{{{id}}}")), IdKey::of(&format!("{{{}}}", id.to_ascii_uppercase())));
        for bad in ["505fda07-b4f3-45fb-83d9-8642554e277g", "505fda07xb4f3-45fb-83d9-8642554e2773", "505fda07-b4f3-45fb-83d9-8642554e277", ""] {
            assert_eq!(guid_bits(bad), None, "{bad}");
        }
    }

    #[test]
    fn keys_order_as_their_texts() {
        let texts = ["", "a", "ab", "ab\0", "abc", "KB5044285", "KB504428", "0123456789abcdef", "0123456789abcdefg", "0123456789abcdeF", "zz"];
        for x in texts {
            for y in texts {
                assert_eq!(text_cmp(head(x), x, head(y), y), x.cmp(y), "{x:?} {y:?}");
            }
        }
        let mut rows: Vec<u32> = (0..1000).rev().collect();
        let mut from: Vec<u32> = (0..1000).map(|i| (i * 7 + 3) % 1000).collect();
        let want: Vec<u32> = from.iter().map(|&i| rows[i as usize]).collect();
        permute(&mut rows, &mut from);
        assert_eq!(rows, want);
    }

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
        assert_eq!(kb_of("KB5037768 then (KB5037769)"), "KB5037769");
        assert_eq!(kb_of("MSKB5037768, KBKB503776, K"), "");
        assert_eq!(kb_of("KB"), "");
        assert!(parse_wuahandler_update("Update (Missing): no id here").is_none());
        assert_eq!(
            parse_store_title("Queried Update (04d7ef23-4f5f-48fb-bace-84b116741f7e): Status=Installed, Title=Update for Removal of Adobe Flash Player (KB4577586), BulletinID=, QNumbers=4577586"),
            Some(("04d7ef23-4f5f-48fb-bace-84b116741f7e".into(), "Update for Removal of Adobe Flash Player (KB4577586)".into()))
        );
    }
}
