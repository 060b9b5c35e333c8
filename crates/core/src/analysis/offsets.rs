//! Time-zone offsets: each file gets its own (stated by its records or header, UTC by format),
//! one the user set, or one assumed from the other logs of the same drop.

use rustc_hash::FxHashMap;

use super::Analysis;
use crate::model::{FileOffset, LogFormat, OffsetSource, NO_OFFSET};

impl Analysis {
    /// Give every file an offset: its own, or one assumed from the other logs of its machine
    /// (a drop of several machines never lends one machine's time zone to another's logs).
    pub fn resolve_offsets(&mut self) {
        // Each file's stated offsets, counted once: its own zone is the most common, and the
        // votes of its machine (or of the drop) add them up. Logs written in UTC by format
        // (decoded ETW traces, SoftwareDistribution.log) say nothing about the machine's clock:
        // they neither have a zone of their own nor vote.
        let counts: Vec<FxHashMap<i32, usize>> = self
            .files
            .iter()
            .map(|f| {
                let mut c = FxHashMap::default();
                if !utc_by_format(f) {
                    tally(&mut c, f.entries.iter().filter(|e| e.offset != NO_OFFSET && e.has_time()).map(|e| e.offset as i32));
                }
                c
            })
            .collect();
        let own: Vec<Option<i32>> = counts.iter().map(|c| most(c.iter().map(|(&o, &n)| (o, n)))).collect();
        // Which files need an offset assumed, and whose the vote is: the drop's, or, in a drop
        // of several machines, each machine's (a file outside every machine takes the drop's).
        let assumed = |i: usize, f: &crate::model::LogFile| {
            !self.offset_overrides.contains_key(&i) && f.entries.iter().any(|e| e.has_time()) && !utc_by_format(f) && own[i].is_none()
        };
        let needs = self.files.iter().enumerate().any(|(i, f)| assumed(i, f));
        let mut found = (needs && self.files.len() > 1).then(|| self.find_machines());
        let machines = found.as_deref().unwrap_or_default();
        let mut machine_of: Vec<Option<usize>> = vec![None; self.files.len()];
        for (m, machine) in machines.iter().enumerate() {
            for &i in &machine.files {
                machine_of[i] = Some(m);
            }
        }
        // The most common offset stated by any record or header of each machine (or the drop).
        let vote = |machine: Option<usize>| {
            let mut votes: FxHashMap<i32, usize> = FxHashMap::default();
            for (c, _) in counts.iter().zip(&machine_of).filter(|(_, m)| machine.is_none() || **m == machine) {
                for (&o, &n) in c {
                    *votes.entry(o).or_default() += n;
                }
            }
            most(votes.into_iter())
        };
        let drop_offset = vote(None);
        // Machines told apart by their logs' content leave out the logs that could be any of
        // theirs: such a log is lent no machine's zone.
        let by_content = machines.iter().any(|m| matches!(m.about, super::machines::About::Files { .. }));
        let machine_offsets: Vec<Option<i32>> = (0..machines.len()).map(|m| vote(Some(m))).collect();
        for (i, f) in self.files.iter_mut().enumerate() {
            let has_time = f.entries.iter().any(|e| e.has_time());
            let theirs = match machine_of[i] {
                Some(m) => machine_offsets[m],
                None if by_content => None,
                None => drop_offset,
            };
            f.offset = if let Some(&o) = self.offset_overrides.get(&i) {
                FileOffset { minutes: o, source: OffsetSource::Override }
            } else if !has_time {
                FileOffset { minutes: 0, source: OffsetSource::NotApplicable }
            } else if utc_by_format(f) {
                FileOffset { minutes: 0, source: OffsetSource::Utc }
            } else if let Some(o) = own[i] {
                let source = if f.offset.source == OffsetSource::Header { OffsetSource::Header } else { OffsetSource::Record };
                FileOffset { minutes: o, source }
            } else if let Some(o) = theirs {
                FileOffset { minutes: o, source: OffsetSource::AssumedFromOtherLogs }
            } else {
                FileOffset { minutes: 0, source: OffsetSource::AssumedUtc }
            };
        }
        // Kept for `Analysis::machines`, dated by the zones just settled.
        if let Some(m) = &mut found {
            super::machines::respan(self, m);
        }
        self.machines = found;
    }

    /// Set (or with `None`, clear) a user override of a file's offset.
    pub fn set_offset_override(&mut self, file: usize, minutes: Option<i32>) {
        match minutes {
            Some(m) => self.offset_overrides.insert(file, m),
            None => self.offset_overrides.remove(&file),
        };
        self.resolve_offsets();
    }
}

/// SoftwareDistribution.log, and files their reader marked UTC (decoded ETW traces).
fn utc_by_format(f: &crate::model::LogFile) -> bool {
    f.format == LogFormat::WsusSoftwareDistribution || f.offset.source == OffsetSource::Utc
}

/// The offset counted most often (the smaller one on a tie).
fn most(counts: impl Iterator<Item = (i32, usize)>) -> Option<i32> {
    counts.max_by_key(|&(o, n)| (n, -o)).map(|(o, _)| o)
}

/// Count `values` into `counts` a run at a time (a log states the same offset line after line).
fn tally(counts: &mut FxHashMap<i32, usize>, values: impl Iterator<Item = i32>) {
    let mut run: Option<(i32, usize)> = None;
    for v in values {
        match &mut run {
            Some((r, n)) if *r == v => *n += 1,
            _ => {
                if let Some((r, n)) = run.replace((v, 1)) {
                    *counts.entry(r).or_default() += n;
                }
            }
        }
    }
    if let Some((r, n)) = run {
        *counts.entry(r).or_default() += n;
    }
}
