//! Operations: what a log shows being done from start to end, with who asked, what it was, how
//! it ended and the codes on its way (the Windows Update agent's searches, downloads and
//! installs; DISM and CBS sessions; component-store checks; a setup run, a task sequence, a
//! client installation). The forms are data (`operations/*.toml`); this module pairs their
//! starts and ends and reads their results.
//!
//! An operation that started and has no end because the log ends is `Running` ("still running
//! when the log ends"), never failed; one whose service restarted, or whose successor began,
//! before it ended is `Interrupted`.

use rustc_hash::FxHashMap;

use super::catalog::{CompiledOperation, Hits, CATALOG};
use super::defs::{self, Extract, OperationDef, Pair, ResultKind};
use super::op_codes::{add_codes_seen, last_run, window_from};
use super::operation::{called_back, push_line, restart, CANCELLED};
pub use super::operation::{new_op, Operation};
pub use super::retries::mark_recovered;
use super::signals::Bits;
use crate::analysis::Analysis;
use crate::model::{LogFile, Outcome};

/// A result line's verdict on its operation.
#[derive(Clone, Copy)]
struct LineResult {
    /// Index of the result rule: rules are listed most decisive first.
    rule: usize,
    outcome: Outcome,
    code: Option<u32>,
    root: Option<u32>,
    cause: Option<&'static str>,
    entry: u32,
}

/// An operation being read.
struct Open {
    op: Operation,
    key: String,
    thread: u32,
    results: Vec<LineResult>,
    /// It moved to another thread (`resume`): its own thread no longer speaks for it.
    resumed: bool,
    /// A whole log's run (`pair = "file"`): the last of its end lines seen (the run is over at
    /// the next line that is not one), and the last line that said something to it.
    run_end: Option<u32>,
    last_said: Option<u32>,
}

impl Open {
    fn new(op: Operation, key: String, thread: u32) -> Open {
        Open { op, key, thread, results: Vec::new(), resumed: false, run_end: None, last_said: None }
    }
}

/// The call of a form with a `resume` or a `callback` that ended last: where it is in `done`, its end line,
/// its key and the thread its end was written on.
#[derive(Clone)]
struct Ended {
    done: usize,
    end: u32,
    key: String,
    thread: u32,
    /// Its callback and its caller's echo were read (each comes once).
    called_back: bool,
    echoed: bool,
}

/// A completion callback, or a caller's own thread repeating a call's result, comes right after
/// the call's end: within this time (or, in a log with no time, this many records).
const CALLBACK_MS: i64 = 1_000;
const CALLBACK_ENTRIES: u32 = 8;

/// Every operation of every file, in file order then start order.
pub fn find(a: &Analysis, hits: &Hits) -> Vec<Operation> {
    // Each file's lines are followed on their own: the files on all cores, in order.
    let files: Vec<usize> = (0..a.files.len()).filter(|&fi| a.files[fi].is_text()).collect();
    let ops: Vec<Operation> = crate::par::map(files, |fi| find_in(a, hits, fi)).into_iter().flatten().collect();
    drop_copies(a, ops)
}

/// One event, one count: the same operation written in two files of the drop (a trace and the
/// text Get-WindowsUpdateLog decoded from it, a rotated log and its copy) is kept once, from
/// the first file. The same means the same form, caller, outcome and code, and the same start
/// and end times to the millisecond (at least one of them logged).
fn drop_copies(a: &Analysis, ops: Vec<Operation>) -> Vec<Operation> {
    let time = |o: &Operation, e: Option<u32>| e.map(|e| a.files[o.file].entries[e as usize]).filter(|e| e.has_time()).map(|e| e.time);
    type Key = (&'static str, String, Outcome, Option<u32>, Option<i64>, Option<i64>);
    let mut first_file: FxHashMap<Key, usize> = FxHashMap::default();
    let mut out = Vec::with_capacity(ops.len());
    for o in ops {
        let (start, end) = (time(&o, o.start), time(&o, o.end));
        if start.is_none() && end.is_none() {
            out.push(o);
            continue;
        }
        let key: Key = (o.def.id, o.caller.clone(), o.outcome, o.code, start, end);
        match first_file.get(&key) {
            Some(&fi) if fi != o.file => {}
            _ => {
                first_file.entry(key).or_insert(o.file);
                out.push(o);
            }
        }
    }
    out
}

/// The operations of file `fi`, in order of their start.
fn find_in(a: &Analysis, hits: &Hits, fi: usize) -> Vec<Operation> {
    let f = &a.files[fi];
    let forms: Vec<(&'static OperationDef, &CompiledOperation)> =
        defs::operations().iter().zip(&CATALOG.operations).filter(|(d, _)| d.logs.contains(&f.kind)).collect();
    if forms.is_empty() {
        return Vec::new();
    }
    let interrupts: Vec<_> = defs::interrupts().iter().zip(&CATALOG.interrupts).filter(|(l, _)| l.applies_to(f.kind)).map(|(_, c)| c).collect();
    let mut reader = Reader::new(a, fi);
    for (form, _) in &forms {
        if form.pair == Pair::File {
            reader.open.push(Open::new(new_op(form, fi, None), String::new(), 0));
        }
    }
    // What each distinct set of literals means, worked out once: a big log repeats a few
    // dozen sets over millions of lines.
    let hits = hits.of(fi);
    let interrupted: Vec<bool> = hits.sets().iter().map(|bits| interrupts.iter().any(|m| m.matches(bits))).collect();
    let said: Vec<Vec<Said>> = forms.iter().map(|(form, c)| hits.sets().iter().map(|bits| Said::of(form, c, bits)).collect()).collect();
    // A form none of whose lines starts or ends an operation in this file can make none (a
    // result or a cause waits for an operation to join): its lines are not followed at all.
    // On a Windows 10 log that is every Windows 7 form, and the other way round.
    let (forms, said): (Vec<_>, Vec<_>) = forms
        .into_iter()
        .zip(said)
        .filter(|((form, _), said)| form.pair == Pair::File || said.iter().any(|s| s.start || (s.end && form.pair != Pair::Single)))
        .unzip();
    for (ei, k) in hits.iter_sets() {
        if interrupted[k] {
            reader.interrupt(ei);
        }
        for ((form, _), said) in forms.iter().zip(&said) {
            let said = said[k];
            if said.loose_cause {
                reader.loose_cause(form, ei);
            }
            if said.loose_facts != 0 {
                reader.loose_facts.entry(form.id).or_default().push((said.loose_facts, ei));
            }
            if said.callback {
                reader.callback(form, ei);
            }
            reader.line(form, said, ei);
        }
    }
    reader.finish();
    let mut ops = reader.done;
    ops.sort_by_key(|o| (o.start.or(o.anchor()).unwrap_or(0), o.def.id));
    for op in &mut ops {
        add_codes_seen(a, op);
    }
    ops
}

/// What one set of literals says to one form of operation: each of its matchers, evaluated.
#[derive(Clone, Copy)]
struct Said {
    start: bool,
    end: bool,
    resume: bool,
    /// The first result rule that matches.
    result: Option<usize>,
    /// Bit i: fact i matches (the data has at most 64 facts per form, checked in build.rs), of
    /// the facts read on the operation's own thread.
    facts: u64,
    /// The same, of the facts read from any thread (`any_thread`).
    loose_facts: u64,
    /// A cause line on the operation's own thread.
    cause: bool,
    /// A cause line from any thread (`any_thread`).
    loose_cause: bool,
    /// The agent's completion callback for a call of this form (`callback`).
    callback: bool,
}

impl Said {
    fn of(form: &OperationDef, c: &CompiledOperation, bits: &Bits) -> Said {
        let matches = |m: &Option<super::signals::Compiled>| m.as_ref().is_some_and(|m| m.matches(bits));
        let causes = || form.causes.iter().zip(&c.causes).filter(|(_, m)| m.matches(bits));
        Said {
            start: matches(&c.start),
            end: matches(&c.end),
            resume: matches(&c.resume),
            result: c.results.iter().position(|m| m.matches(bits)),
            facts: c.facts.iter().enumerate().filter(|(i, m)| !form.facts[*i].any_thread && m.matches(bits)).fold(0, |acc, (i, _)| acc | 1 << i),
            loose_facts: c.facts.iter().enumerate().filter(|(i, m)| form.facts[*i].any_thread && m.matches(bits)).fold(0, |acc, (i, _)| acc | 1 << i),
            cause: causes().any(|(d, _)| !d.any_thread),
            loose_cause: causes().any(|(d, _)| d.any_thread),
            callback: matches(&c.callback),
        }
    }
}

struct Reader<'a> {
    a: &'a Analysis,
    fi: usize,
    f: &'a LogFile,
    open: Vec<Open>,
    done: Vec<Operation>,
    /// Result lines on threads with no open operation of their form, kept for an end that comes
    /// on the same thread for an operation that started on another (by form id and thread).
    orphans: FxHashMap<(&'static str, u32), Vec<(u32, Said)>>,
    /// Recent lines that explain failures on any thread, by form id (the last few).
    loose_causes: FxHashMap<&'static str, Vec<u32>>,
    /// Lines that state an `any_thread` fact, by form id: (which facts, entry).
    loose_facts: FxHashMap<&'static str, Vec<(u64, u32)>>,
    /// Per form with a `resume` or a `callback`, the call that ended last.
    last_ended: FxHashMap<&'static str, Ended>,
}

impl<'a> Reader<'a> {
    fn new(a: &'a Analysis, fi: usize) -> Reader<'a> {
        let f = &a.files[fi];
        Reader {
            a,
            fi,
            f,
            open: Vec::new(),
            done: Vec::new(),
            orphans: FxHashMap::default(),
            loose_causes: FxHashMap::default(),
            loose_facts: FxHashMap::default(),
            last_ended: FxHashMap::default(),
        }
    }

    /// Entry `later` comes right after entry `earlier` (a callback after its call's end).
    fn right_after(&self, earlier: u32, later: u32) -> bool {
        let at = |e: u32| self.f.utc_ms(&self.f.entries[e as usize]);
        match (at(earlier), at(later)) {
            (Some(a), Some(b)) => (0..=CALLBACK_MS).contains(&(b - a)),
            _ => later >= earlier && later - earlier <= CALLBACK_ENTRIES,
        }
    }

    /// The agent's word on a call of `form` (its `callback` line, from another process): it
    /// belongs to the call of this form that ended last, right before it (the service writes it
    /// just after the caller's end line), else to the only call of this form still open, which
    /// it ends. Its code says how the call went: where the call's own code only sums up its
    /// updates (0x80240022) or is missing, the callback's error is the update's own code.
    fn callback(&mut self, form: &'static OperationDef, ei: u32) {
        let Some(cb) = &form.callback else { return };
        // A line about another kind of call (`deploy call`) is not this form's.
        if self.extract(&cb.call, ei).is_none() {
            return;
        }
        let Some(code) = self.code(&cb.code, ei) else { return };
        if let Some(last) = self.last_ended.get(form.id).filter(|l| !l.called_back && self.right_after(l.end, ei)).map(|l| l.done) {
            self.last_ended.get_mut(form.id).expect("it was just read").called_back = true;
            called_back(&mut self.done[last], code, ei);
            return;
        }
        // No call of this form ended right before: the only one completing (resumed on another
        // thread) and still open.
        let open: Vec<usize> = self.open.iter().enumerate().filter(|(_, o)| std::ptr::eq(o.op.def, form) && o.resumed).map(|(i, _)| i).collect();
        if let [i] = open[..] {
            let mut o = self.open.swap_remove(i);
            o.op.end = Some(ei);
            push_line(&mut o.op, ei);
            let before = self.done.len();
            self.close(o, Some(ei), Outcome::Unknown);
            if let Some(last) = self.last_ended.get_mut(form.id) {
                last.called_back = true;
            }
            if let Some(op) = self.done.get_mut(before) {
                called_back(op, code, ei);
            }
        }
    }

    /// A result line on the thread a call started on, right after a call of the same form and
    /// key ended on the thread it resumed on: the caller's thread repeating the result of its own
    /// call (the COM API writes "Download call complete" on both). Several calls of one caller
    /// wait at once and the resume line does not say which of them it continues, so this line
    /// says it: the call that ended is the one that started here. True when it was that echo.
    fn echo(&mut self, form: &'static OperationDef, ei: u32, thread: u32) -> bool {
        let Some(last) = self.last_ended.get(form.id).filter(|l| !l.echoed).cloned() else { return false };
        let Some(i) = self.open.iter().position(|o| std::ptr::eq(o.op.def, form) && o.thread == thread && !o.resumed && o.key == last.key) else {
            return false;
        };
        if last.thread == thread || !self.right_after(last.end, ei) {
            return false;
        }
        if let Some(l) = self.last_ended.get_mut(form.id) {
            l.echoed = true;
        }
        let here = self.open[i].op.start;
        let done = &mut self.done[last.done];
        let there = done.start;
        if there.is_some_and(|s| self.f.entries[s as usize].thread == thread) {
            return true;
        }
        restart(done, here);
        match there {
            // The open call is the one that started where the ended one was said to.
            Some(s) => {
                let o = &mut self.open[i];
                restart(&mut o.op, Some(s));
                o.thread = self.f.entries[s as usize].thread;
            }
            // The ended call had no start in the log: this thread's call was it.
            None => {
                self.open.swap_remove(i);
            }
        }
        true
    }
    fn message(&self, ei: u32) -> &str {
        self.f.message(&self.f.entries[ei as usize])
    }

    fn record(&self, ei: u32) -> &str {
        self.f.record(&self.f.entries[ei as usize])
    }

    /// The `any_thread` facts stated while `op` ran, by any thread: the first line of each.
    fn loose_facts_of(&self, op: &mut Operation) {
        let Some(lines) = self.loose_facts.get(op.def.id) else { return };
        let (from, to) = (op.start.unwrap_or(0), op.end.unwrap_or(u32::MAX));
        for &(mask, e) in lines.iter().filter(|(_, e)| *e >= from && *e <= to) {
            for (_, fdef) in op.def.facts.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1) {
                if op.fact(fdef.name).is_none() {
                    if let Some(v) = self.extract(&fdef.value, e) {
                        op.facts.push((fdef.name, v));
                    }
                }
            }
        }
    }

    /// Keep a line that explains failures from any thread, for the operation that fails next.
    fn loose_cause(&mut self, form: &'static OperationDef, ei: u32) {
        let v = self.loose_causes.entry(form.id).or_default();
        if v.len() >= 8 {
            v.remove(0);
        }
        v.push(ei);
    }

    /// The service restarted: nothing it was doing can still be running.
    fn interrupt(&mut self, ei: u32) {
        let (keep, stop): (Vec<Open>, Vec<Open>) = std::mem::take(&mut self.open).into_iter().partition(|o| o.op.def.pair == Pair::File);
        self.open = keep;
        for o in stop {
            let _ = ei;
            self.close(o, None, Outcome::Interrupted);
        }
    }

    fn line(&mut self, form: &'static OperationDef, said: Said, ei: u32) {
        let e = &self.f.entries[ei as usize];
        let thread = e.thread;
        match form.pair {
            Pair::Single => {
                if said.start {
                    let mut o = Open::new(new_op(form, self.fi, Some(ei)), String::new(), thread);
                    self.read_start(&mut o, ei);
                    self.apply(&mut o, said, ei);
                    o.op.end = Some(ei);
                    self.close(o, Some(ei), Outcome::Unknown);
                }
            }
            Pair::File => self.file_line(form, said, ei),
            Pair::Thread | Pair::Key | Pair::Sequence => self.paired(form, said, ei, thread),
        }
    }

    /// A line of a whole log's runs (`pair = "file"`). A log can hold several runs, one after
    /// another: a `start` line begins a new one (the run before it is over), and a run is over at
    /// the first line after its `end` lines; a run after an end begins only at a line that says
    /// something of it (a setuperr.log holds the errors of each sysprep attempt, nothing between).
    fn file_line(&mut self, form: &'static OperationDef, said: Said, ei: u32) {
        let says = said.start || said.end || said.result.is_some() || said.facts != 0 || said.cause;
        let fresh = |fi: usize| Open::new(new_op(form, fi, said.start.then_some(ei)), String::new(), 0);
        let mut o = match self.open.iter().position(|o| std::ptr::eq(o.op.def, form)) {
            Some(i) => {
                let o = self.open.swap_remove(i);
                let has_run = o.last_said.is_some() || !o.results.is_empty();
                let over = o.run_end.is_some() && !said.end;
                if over || (said.start && has_run) {
                    let end = o.run_end.or(o.last_said);
                    self.close_run(o, end);
                    if !says {
                        return;
                    }
                    fresh(self.fi)
                } else {
                    let mut o = o;
                    if said.start && o.op.start.is_none() {
                        o.op.start = Some(ei);
                        push_line(&mut o.op, ei);
                    }
                    o
                }
            }
            None if says => fresh(self.fi),
            None => return,
        };
        if o.op.label.is_empty() {
            if let Some(l) = form.label.as_ref().and_then(|x| self.extract(x, ei)) {
                o.op.label = l;
            }
        }
        self.apply(&mut o, said, ei);
        if says {
            o.last_said = Some(ei);
        }
        if said.end {
            o.run_end = Some(ei);
        }
        self.open.push(o);
    }

    /// Close a whole log's run that a later run follows, at its last line.
    fn close_run(&mut self, mut o: Open, end: Option<u32>) {
        o.op.end = end;
        self.close(o, end, Outcome::Unknown);
    }

    fn paired(&mut self, form: &'static OperationDef, said: Said, ei: u32, thread: u32) {
        let (is_start, is_end, is_resume) = (said.start, said.end, said.resume);
        let key = match form.pair {
            Pair::Key => form.key.as_ref().and_then(|k| self.extract(k, ei)).unwrap_or_default(),
            Pair::Thread if is_start || is_end || is_resume => form.key.as_ref().and_then(|k| self.extract(k, ei)).unwrap_or_default(),
            _ => String::new(),
        };
        // The operation moves to this line's thread (an asynchronous call completing elsewhere).
        if is_resume {
            if let Some(o) = self.open.iter_mut().find(|o| std::ptr::eq(o.op.def, form) && !key.is_empty() && o.key == key && !o.resumed) {
                o.thread = thread;
                o.resumed = true;
            }
            return;
        }
        let mine = |o: &Open| {
            std::ptr::eq(o.op.def, form)
                && match form.pair {
                    Pair::Thread => o.thread == thread,
                    Pair::Key => !key.is_empty() && o.key == key,
                    _ => true,
                }
        };
        if is_start {
            // A new start where one is open: the earlier one has no end.
            if let Some(i) = self.open.iter().position(mine) {
                let o = self.open.swap_remove(i);
                self.close(o, None, Outcome::Interrupted);
            }
            let mut o = Open::new(new_op(form, self.fi, Some(ei)), key.clone(), thread);
            self.read_start(&mut o, ei);
            self.apply(&mut o, said, ei);
            self.open.push(o);
            return;
        }
        if said.result.is_some() && !is_end && form.resume.is_some() && self.echo(form, ei, thread) {
            return;
        }
        // An end on another thread is found by its key.
        let by_key = |o: &Open| is_end && form.pair == Pair::Thread && std::ptr::eq(o.op.def, form) && !key.is_empty() && o.key == key;
        let found = self.open.iter().position(mine);
        match found.or_else(|| self.open.iter().position(by_key)) {
            Some(i) => {
                let mut o = self.open.swap_remove(i);
                if found.is_none() {
                    // Ended on another thread: the results written there just before count.
                    let since = o.op.start.unwrap_or(0);
                    for (oe, osaid) in self.orphans.remove(&(form.id, thread)).unwrap_or_default() {
                        if oe > since {
                            self.apply(&mut o, osaid, oe);
                        }
                    }
                }
                self.apply(&mut o, said, ei);
                if is_end {
                    o.op.end = Some(ei);
                    push_line(&mut o.op, ei);
                    self.close(o, Some(ei), Outcome::Unknown);
                } else {
                    self.open.push(o);
                }
            }
            None if is_end => {
                // It began before the log does: its end still says how it went.
                let mut o = Open::new(new_op(form, self.fi, None), key, thread);
                self.read_start(&mut o, ei);
                for (oe, osaid) in self.orphans.remove(&(form.id, thread)).unwrap_or_default() {
                    self.apply(&mut o, osaid, oe);
                }
                self.apply(&mut o, said, ei);
                o.op.end = Some(ei);
                push_line(&mut o.op, ei);
                self.close(o, Some(ei), Outcome::Unknown);
            }
            None if form.pair == Pair::Thread && form.key.is_some() && said.result.is_some() => {
                let v = self.orphans.entry((form.id, thread)).or_default();
                if v.len() >= 4 {
                    v.remove(0);
                }
                v.push((ei, said));
            }
            None => {}
        }
    }

    fn read_start(&self, o: &mut Open, ei: u32) {
        let def = o.op.def;
        if let Some(c) = def.caller.as_ref().and_then(|x| self.extract(x, ei)) {
            o.op.caller = defs::plain_caller(&c);
        }
        if let Some(l) = def.label.as_ref().and_then(|x| self.extract(x, ei)) {
            o.op.label = l;
        }
    }

    /// Results, facts and causes of line `ei` for open operation `o`.
    fn apply(&self, o: &mut Open, said: Said, ei: u32) {
        let def = o.op.def;
        if let Some((rule, r)) = said.result.map(|rule| (rule, &def.results[rule])) {
            let code = r.code.as_ref().and_then(|x| self.code(x, ei));
            let outcome = match r.outcome {
                ResultKind::Succeeded => Some(Outcome::Succeeded),
                ResultKind::Failed => Some(Outcome::Failed),
                ResultKind::Cancelled => Some(Outcome::Cancelled),
                ResultKind::ByCode => code.map(|c| match c {
                    _ if CANCELLED.contains(&c) => Outcome::Cancelled,
                    _ if c & 0x8000_0000 != 0 => Outcome::Failed,
                    _ => Outcome::Succeeded,
                }),
                ResultKind::Code | ResultKind::Unknown => None,
            };
            let root = r.root.as_ref().and_then(|x| self.code(x, ei));
            o.results.push(LineResult { rule, outcome: outcome.unwrap_or(Outcome::Unknown), code, root, cause: r.cause, entry: ei });
            push_line(&mut o.op, ei);
        }
        for (_, fdef) in def.facts.iter().enumerate().filter(|(i, _)| said.facts >> i & 1 == 1) {
            if o.op.fact(fdef.name).is_none() {
                if let Some(v) = self.extract(&fdef.value, ei) {
                    o.op.facts.push((fdef.name, v));
                }
            }
        }
        if (said.cause || (said.loose_cause && def.pair == Pair::Thread)) && o.op.lines.len() < 8 {
            push_line(&mut o.op, ei);
        }
        if def.label.is_some() && o.op.label.is_empty() {
            if let Some(l) = def.label.as_ref().and_then(|x| self.extract(x, ei)) {
                o.op.label = l;
            }
        }
    }

    /// Decide the outcome and keep it. `ended`: it has an end line; else `otherwise` says why not.
    fn close(&mut self, o: Open, ended: Option<u32>, otherwise: Outcome) {
        let Open { mut op, results, key, thread, .. } = o;
        // The most decisive rule's line: the first one, or for a whole file the latest (a log that
        // holds several runs ends with the one that counts).
        let latest = op.def.pair == Pair::File;
        let decisive =
            results.iter().filter(|r| r.outcome != Outcome::Unknown).min_by_key(|r| (r.rule, if latest { u32::MAX - r.entry } else { r.entry })).copied();
        op.outcome = match (decisive, ended) {
            (Some(r), _) => r.outcome,
            (None, Some(_)) => match op.def.no_result {
                ResultKind::Succeeded => Outcome::Succeeded,
                _ => Outcome::Unknown,
            },
            (None, None) => otherwise,
        };
        op.code = decisive.and_then(|r| r.code).or_else(|| results.iter().find_map(|r| r.code));
        op.root = results.iter().find_map(|r| r.root);
        op.failed_at = decisive.filter(|r| r.outcome == Outcome::Failed).map(|r| r.entry);
        // A whole file's run failed where its decisive line says so, not where the file ends:
        // what a log writes after that (a rollback, a later tool's errors) is no part of when.
        if let Some(r) = decisive.filter(|r| latest && matches!(r.outcome, Outcome::Failed | Outcome::Cancelled)) {
            op.end = Some(r.entry);
        }
        if matches!(op.outcome, Outcome::Failed | Outcome::Running) {
            // Lines from other threads that explain it, written while it ran. Several calls run
            // at once and each failure is told just before its call ends: only the last run of
            // such lines is its own (the ones before belong to calls that ended earlier), and
            // the earliest of that run names the root (never a code that only sums up others).
            // A call still running when the log ends keeps the root an update's failure gave it:
            // "still running" never hides that line.
            let from = window_from(self.f, &op);
            let to = op.end.unwrap_or(u32::MAX);
            let within: Vec<u32> = self.loose_causes.get(op.def.id).map_or(Vec::new(), |v| v.iter().copied().filter(|&e| e >= from && e <= to).collect());
            let loose = last_run(self.f, &within);
            let code = op.code;
            let own = |e: u32| self.a.codes_at(self.fi, e).find(|&c| Some(c) != code && c & 0x8000_0000 != 0 && !defs::is_summary_code(c));
            if op.root.is_none() {
                op.root = loose.iter().find_map(|&e| own(e));
            }
            let failed = op.outcome == Outcome::Failed;
            for &e in loose.iter().filter(|&&e| failed || own(e).is_some()) {
                push_line(&mut op, e);
            }
        }
        op.cause = decisive.and_then(|r| r.cause).or_else(|| results.iter().find_map(|r| r.cause));
        self.loose_facts_of(&mut op);
        if op.label.is_empty() {
            op.label = op.fact("label").unwrap_or_default().to_string();
        }
        if let Some(code) = self.routine_failure(&op, &results) {
            // A program's routine call that failed only the way it always does: the session
            // ended as the program expects, its code kept as routine; the line that names the
            // program (the first of its lines that holds it) shows whose call it was.
            op.outcome = Outcome::Succeeded;
            op.routine = Some(code);
            (op.code, op.root, op.failed_at, op.cause) = (None, None, None, None);
            let (from, to) = (op.start.unwrap_or(0), op.end.unwrap_or(0));
            let named = op.program().and_then(|p| (from..=to).find(|&e| self.message(e).contains(p)));
            if let Some(e) = named.filter(|e| !op.lines.contains(e)) {
                op.lines.insert(op.lines.len().min(1), e);
            }
        }
        if op.def.ignore_unfinished && ended.is_none() && decisive.is_none() {
            return;
        }
        // An end with no start and nothing said about how it went (the agent writes such ends
        // when its service starts) tells of no operation.
        if op.start.is_none() && op.outcome == Outcome::Unknown && op.def.pair == Pair::Thread && op.root.is_none() {
            return;
        }
        if let (Some(end), true) = (ended, op.def.resume.is_some() || op.def.callback.is_some()) {
            self.last_ended.insert(op.def.id, Ended { done: self.done.len(), end, key, thread, called_back: false, echoed: false });
        }
        self.done.push(op);
    }

    /// The code of an operation that ended failed only where its program's routine call fails
    /// (each line that said it failed carries a code the knowledge base's noise data marks as
    /// routine in that program's call: a context bound to its `callers`).
    fn routine_failure(&self, op: &Operation, results: &[LineResult]) -> Option<u32> {
        if op.outcome != Outcome::Failed || op.end.is_none() {
            return None;
        }
        let program = op.program()?;
        let log = self.f.kind.id();
        let mut code = None;
        for r in results.iter().filter(|r| r.outcome == Outcome::Failed) {
            let c = r.code.or_else(|| self.a.codes_at(self.fi, r.entry).next())?;
            wulens_kb::entry(c)?.is_noise_of(log, self.record(r.entry), program)?;
            code = code.or(Some(c));
        }
        code
    }

    fn finish(&mut self) {
        for o in std::mem::take(&mut self.open) {
            if o.op.def.pair == Pair::File {
                let any = !o.results.is_empty() || !o.op.lines.is_empty();
                let last = self.f.entries.len().checked_sub(1).map(|e| e as u32);
                let mut o = o;
                if any {
                    o.op.end = last;
                }
                self.close(o, if any { last } else { None }, Outcome::Unknown);
            } else {
                self.close(o, None, Outcome::Running);
            }
        }
    }

    fn extract(&self, x: &Extract, ei: u32) -> Option<String> {
        if let Some(t) = x.text {
            return Some(t.to_string());
        }
        if let Some(col) = x.column {
            return self.record(ei).split('\t').nth(col as usize).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        }
        if x.first_code {
            return self.a.codes_at(self.fi, ei).next().map(|c| format!("0x{c:08X}"));
        }
        let msg = self.message(ei);
        let (at, marker) = x.after.iter().filter_map(|m| find_text(msg, m).map(|i| (i, m))).min_by_key(|(i, _)| *i)?;
        let rest = &msg[at + marker.len()..];
        // A value ends with its line (a record may go on over the writer's next lines).
        let rest = &rest[..memchr::memchr2(b'\r', b'\n', rest.as_bytes()).unwrap_or(rest.len())];
        let end = x.until.iter().filter_map(|u| find_text(rest, u)).min().unwrap_or(rest.len());
        let v = rest[..end].trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    /// A code read from a line: `0x80240022`, `80072ee2`, a decimal return code, a Win32 number.
    fn code(&self, x: &Extract, ei: u32) -> Option<u32> {
        if x.first_code {
            return self.a.codes_at(self.fi, ei).next();
        }
        let v = self.extract(x, ei)?;
        let t = v.trim_end_matches(['.', ',', ')', ']']).split_whitespace().next()?;
        let n = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            u32::from_str_radix(h, 16).ok()?
        } else if x.decimal || x.win32 {
            t.parse::<i64>().ok().map(|n| n as u32)?
        } else {
            u32::from_str_radix(t, 16).ok()?
        };
        Some(if x.win32 && n != 0 && n < 0x10000 { 0x8007_0000 | n } else { n })
    }
}

/// Where `needle` first occurs in `hay`, as `str::find` says, without the searcher `str::find`
/// builds for every call (a table over the needle): on messages of a hundred bytes building it
/// cost more than the search (the operations ask this of every line that tells them a value).
/// A byte search for the needle's first byte, then a comparison: a needle's first match in
/// bytes is where it starts as text (UTF-8 never matches inside a character).
fn find_text(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else { return Some(0) };
    let mut from = 0;
    while let Some(i) = memchr::memchr(first, &h[from..]) {
        let p = from + i;
        if h[p + 1..].starts_with(rest) {
            return Some(p);
        }
        from = p + 1;
    }
    None
}

/// Lines a counter matched: (file, entry, item, group).
pub struct Counted {
    pub id: &'static str,
    pub file: usize,
    pub entry: u32,
    pub item: String,
    pub group: String,
}

/// Every line the counters match.
pub fn count(a: &Analysis, hits: &Hits) -> Vec<Counted> {
    let mut out = Vec::new();
    for (fi, f) in a.files.iter().enumerate().filter(|(_, f)| f.is_text()) {
        let counters: Vec<_> = defs::counters().iter().zip(&CATALOG.counters).filter(|(c, _)| c.logs.contains(&f.kind)).collect();
        if counters.is_empty() {
            continue;
        }
        let reader = Reader::new(a, fi);
        // The counters each distinct set of literals satisfies, worked out once per set.
        let hits = hits.of(fi);
        let matching: Vec<Vec<usize>> =
            hits.sets().iter().map(|bits| counters.iter().enumerate().filter(|(_, (_, m))| m.matches(bits)).map(|(i, _)| i).collect()).collect();
        for (ei, k) in hits.iter_sets() {
            for &i in &matching[k] {
                let c = counters[i].0;
                let item = c.item.as_ref().and_then(|x| reader.extract(x, ei)).unwrap_or_default();
                let group = c.group.as_ref().and_then(|x| reader.extract(x, ei)).unwrap_or_default();
                out.push(Counted { id: c.id, file: fi, entry: ei, item, group });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::diagnose::operation::UpdateName;

    /// The search for a value's markers finds what `str::find` finds: first matches, repeated
    /// first bytes, empty needles and haystacks, characters of several bytes.
    #[test]
    fn find_is_str_find() {
        let pieces = ["Exit code = ", "Exit", "E", "e", " = ", "==", "é", "€", "0x8024", "x", " "];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as usize
        };
        for _ in 0..20_000 {
            let (hay_len, needle_len) = (next() % 12, next() % 3);
            let hay: String = (0..hay_len).map(|_| pieces[next() % pieces.len()]).collect();
            let needle: String = (0..needle_len).map(|_| pieces[next() % pieces.len()]).collect();
            assert_eq!(super::find_text(&hay, &needle), hay.find(needle.as_str()), "{hay:?} {needle:?}");
        }
    }

    /// Events as the .evtx reader renders them (`<time> <pid> <tid> <provider> Event <id>, record
    /// <n>, <computer>, <level>: <words>`), read as an event log and diagnosed.
    fn event_log(events: &[(&str, &str, u32, &str)]) -> super::super::Diagnosis {
        let text: String = events
            .iter()
            .enumerate()
            .map(|(i, (time, provider, id, words))| {
                format!("2023/05/29 {time}.0000000 4     8     {provider:<15} Event {id}, record {}, PC1, Information: {words}\n", i + 1)
            })
            .collect();
        let f = crate::read::file::from_text_as(
            "System.evtx".into(),
            crate::model::TextEncoding::Utf8,
            text.len() as u64,
            text.into(),
            Default::default(),
            crate::model::LogFormat::EventLog,
        );
        super::super::Diagnosis::run(&crate::analysis::Analysis::from_files(vec![f], Vec::new()))
    }

    /// An install that began before the machine shut down (the Event Log service's 6006) and never
    /// ended was interrupted, not still running a week later; other providers' codes are not its.
    #[test]
    fn a_shutdown_interrupts_an_open_install_in_an_event_log() {
        const KB: &str =
            "Windows Update began installing the update: 2023-05 Cumulative Update (KB5026370) | updateGuid={b70530a8-4243-4e5d-98c2-dc72034d57c5}";
        let started = format!("Installation Started: {KB}");
        let mut events = vec![
            ("00:54:16", "WindowsUpdateCl", 43, started.as_str()),
            ("00:54:20", "Time-Service", 129, "The entry is not found (0x800706E1); RetryMinutes=15"),
        ];
        let install = |d: &super::super::Diagnosis| {
            d.operations.iter().find(|o| o.kind() == crate::model::OperationKind::Install).map(|o| (o.outcome, o.root, o.codes_seen.clone()))
        };
        let d = event_log(&events);
        assert_eq!(install(&d), Some((crate::model::Outcome::Running, None, Vec::new())));

        events.push(("00:54:58", "EventLog", 6006, "Binary=8 bytes"));
        events.push(("00:56:10", "EventLog", 6005, "Binary=8 bytes"));
        let d = event_log(&events);
        assert_eq!(install(&d).map(|i| i.0), Some(crate::model::Outcome::Interrupted), "{:?}", d.headline.sentences);
        use super::super::Sentence;
        let running = |s: &Sentence| {
            matches!(
                s,
                Sentence::Calm { running: Some(_), .. }
                    | Sentence::FailingNow { running_after: true, .. }
                    | Sentence::FailedEarlier { latest: crate::model::Outcome::Running, .. }
            )
        };
        assert!(!d.headline.sentences.iter().any(running), "the first screen says nothing still runs: {:?}", d.headline.sentences);
    }

    #[test]
    fn an_update_as_the_log_names_it() {
        assert_eq!(UpdateName::of("{0f7629df-f552-4f8c-8f3a-e200a316779d}"), None, "an id is no name");
        assert_eq!(UpdateName::of("0f7629df-f552-4f8c-8f3a-e200a316779d"), None);
        assert_eq!(UpdateName::of("9NZKPSTSNW4P-Microsoft.XboxGamingOverlay"), Some(UpdateName::StoreApp("Microsoft.XboxGamingOverlay".into())));
        let title = "2024-11 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5046613)";
        assert_eq!(UpdateName::of(title), Some(UpdateName::Title(title.into())), "a title stays as written");
        assert_eq!(UpdateName::of("Security Intelligence Update - KB2267602"), Some(UpdateName::Title("Security Intelligence Update - KB2267602".into())));
    }
}
