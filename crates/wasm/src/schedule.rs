//! Who scans which piece of a big file: the scanning workers or the session's own worker. The
//! policy lives here, tested natively; `worker/scan.rs` (`PieceRun`) only pumps it (hands a scanner the job
//! `Pieces::for_scanner` gives, says when it came back, and scans here what `for_here` gives).
//!
//! - A scanner holds at most `PER_SCANNER` pieces (one it works on, one waiting), so that the
//!   rest wait here and the session's worker can take its share once the files are read,
//!   instead of waiting for a scanner's long queue.
//! - Scanners take the oldest waiting piece; the session's worker takes the newest, so the two
//!   never reach for the same end of the queue and the pieces a scanner holds stay in order.

use std::collections::VecDeque;

use crate::protocol::PieceJob;

/// Pieces one scanning worker holds at a time.
pub const PER_SCANNER: u32 = 2;

#[derive(Debug, Default)]
pub struct Pieces {
    waiting: VecDeque<PieceJob>,
    /// Pieces each scanner holds, by the scanner's number.
    held: Vec<u32>,
}

impl Pieces {
    /// Pieces newly cut, in file order.
    pub fn add(&mut self, jobs: impl IntoIterator<Item = PieceJob>) {
        self.waiting.extend(jobs);
    }

    /// The next piece for scanner `scanner`, or `None` when it holds enough or nothing waits.
    pub fn for_scanner(&mut self, scanner: usize) -> Option<PieceJob> {
        if self.held.len() <= scanner {
            self.held.resize(scanner + 1, 0);
        }
        if self.held[scanner] >= PER_SCANNER {
            return None;
        }
        let job = self.waiting.pop_front()?;
        self.held[scanner] += 1;
        Some(job)
    }

    /// Scanner `scanner` gave a piece back (scanned, or failed: the caller scans it here).
    pub fn returned(&mut self, scanner: usize) {
        if let Some(n) = self.held.get_mut(scanner) {
            *n = n.saturating_sub(1);
        }
    }

    /// A piece for the session's own worker to scan: the newest waiting one.
    pub fn for_here(&mut self) -> Option<PieceJob> {
        self.waiting.pop_back()
    }

    /// Pieces no one has taken yet.
    #[cfg(test)]
    fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(part: u32) -> PieceJob {
        PieceJob { file: 0, part, format: wulens_core::model::LogFormat::Cmtrace, kind: None }
    }

    fn parts(p: &mut Pieces, scanner: usize) -> Vec<u32> {
        std::iter::from_fn(|| p.for_scanner(scanner)).map(|j| j.part).collect()
    }

    #[test]
    fn a_scanner_holds_two_pieces_and_takes_the_oldest() {
        let mut p = Pieces::default();
        p.add((0..7).map(job));
        assert_eq!(parts(&mut p, 0), [0, 1]);
        assert_eq!(parts(&mut p, 1), [2, 3]);
        assert_eq!(parts(&mut p, 0), Vec::<u32>::new(), "full until one comes back");
        p.returned(0);
        assert_eq!(parts(&mut p, 0), [4]);
        assert_eq!(p.waiting(), 2);
    }

    #[test]
    fn the_session_takes_the_newest_and_nothing_is_handed_out_twice() {
        let mut p = Pieces::default();
        p.add((0..5).map(job));
        assert_eq!(p.for_here().map(|j| j.part), Some(4));
        let mut seen: Vec<u32> = parts(&mut p, 3);
        seen.extend(std::iter::from_fn(|| p.for_here()).map(|j| j.part));
        seen.sort();
        assert_eq!(seen, [0, 1, 2, 3]);
        assert_eq!(p.for_scanner(3), None);
        p.returned(3);
        p.returned(3);
        p.returned(3);
        p.add([job(9)]);
        assert_eq!(parts(&mut p, 3).len(), 1, "a scanner's count never goes below zero");
        p.returned(7);
    }
}
