//! Time-zone offsets: each file gets its own (stated by its records or header, UTC by format),
//! one the user set, or one assumed from the other logs of the same drop.

use rustc_hash::FxHashMap;

use super::Analysis;
use crate::model::{FileOffset, LogFormat, OffsetSource, NO_OFFSET};

impl Analysis {
    /// Give every file an offset: its own, or one assumed from the other logs of the drop.
    pub fn resolve_offsets(&mut self) {
        // The most common offset stated by any record or header in the drop.
        // Logs written in UTC by format (decoded ETW traces, SoftwareDistribution.log) say nothing
        // about the machine's clock, so they do not vote.
        let mut votes: FxHashMap<i32, usize> = FxHashMap::default();
        for f in self.files.iter().filter(|f| !utc_by_format(f)) {
            tally(&mut votes, f.entries.iter().filter(|e| e.offset != NO_OFFSET && e.has_time()).map(|e| e.offset as i32));
        }
        let drop_offset = votes.iter().max_by_key(|(o, n)| (**n, -(**o))).map(|(o, _)| *o);
        for (i, f) in self.files.iter_mut().enumerate() {
            let has_time = f.entries.iter().any(|e| e.has_time());
            let own = mode(f.entries.iter().filter(|e| e.offset != NO_OFFSET && e.has_time()).map(|e| e.offset as i32));
            f.offset = if let Some(&o) = self.offset_overrides.get(&i) {
                FileOffset { minutes: o, source: OffsetSource::Override }
            } else if !has_time {
                FileOffset { minutes: 0, source: OffsetSource::NotApplicable }
            } else if utc_by_format(f) {
                FileOffset { minutes: 0, source: OffsetSource::Utc }
            } else if let Some(o) = own {
                let source = if f.offset.source == OffsetSource::Header { OffsetSource::Header } else { OffsetSource::Record };
                FileOffset { minutes: o, source }
            } else if let Some(o) = drop_offset {
                FileOffset { minutes: o, source: OffsetSource::AssumedFromOtherLogs }
            } else {
                FileOffset { minutes: 0, source: OffsetSource::AssumedUtc }
            };
        }
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

fn mode(values: impl Iterator<Item = i32>) -> Option<i32> {
    let mut counts: FxHashMap<i32, usize> = FxHashMap::default();
    tally(&mut counts, values);
    counts.into_iter().max_by_key(|(v, n)| (*n, -*v)).map(|(v, _)| v)
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
