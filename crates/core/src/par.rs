//! Work spread over the machine's cores: per file, and per piece of one big file (its parse,
//! its codes and its literals). Native builds use rayon's work-stealing pool, so parallel work
//! nested in parallel work (a big file's pieces inside the map over files, the updates table's
//! pieces beside the flows) shares the cores instead of one core idling while the other finishes
//! its side. The browser build runs sequentially (its worker is one thread; scanning workers
//! are the page's business).

#[cfg(not(target_arch = "wasm32"))]
use rayon::prelude::*;

/// How many threads [`map`] may use: the cores, or 1 in the browser.
pub fn threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        rayon::current_num_threads()
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// `a` and `b`, possibly at the same time, natively; one after the other in the browser.
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        rayon::join(a, b)
    }
    #[cfg(target_arch = "wasm32")]
    {
        (a(), b())
    }
}

/// `0..len` cut into ranges for [`map`]: a few per core, none shorter than `min` (one range when
/// there is one core or too little work).
pub fn ranges(len: usize, min: usize) -> Vec<std::ops::Range<usize>> {
    let threads = threads();
    if threads <= 1 || len < 2 * min.max(1) {
        return std::iter::once(0..len).collect();
    }
    // A few pieces per core, so that a core that finishes early takes another.
    let pieces = (len / min.max(1)).min(threads * 4);
    let per = len.div_ceil(pieces);
    (0..len).step_by(per).map(|a| a..(a + per).min(len)).collect()
}

/// `f` applied to every item, results in order.
pub fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    if items.len() > 1 && threads() > 1 {
        // One item per task: items are few and big (files, pieces of megabytes).
        return items.into_par_iter().with_max_len(1).map(f).collect();
    }
    items.into_iter().map(f).collect()
}

/// `out` extended with `f` of each of `items`, in order. Natively the writes are spread over the
/// cores: each fills its own part of `out`'s new memory (the first touch of new memory is most
/// of the cost of a big copy).
pub fn extend_mapped<T: Sync, R: Send>(out: &mut Vec<R>, items: &[T], f: impl Fn(&T) -> R + Sync + Send) {
    extend_mapped_by(out, items, EXTEND_PART, f);
}

/// [`extend_mapped`] for items that each take long (a microsecond or more): a core takes at
/// least `min` of them at a time.
pub fn extend_mapped_by<T: Sync, R: Send>(out: &mut Vec<R>, items: &[T], min: usize, f: impl Fn(&T) -> R + Sync + Send) {
    #[cfg(not(target_arch = "wasm32"))]
    if threads() > 1 && items.len() >= 2 * min.max(1) {
        out.par_extend(items.par_iter().with_min_len(min.max(1)).map(f));
        return;
    }
    #[cfg(target_arch = "wasm32")]
    let _ = min;
    out.extend(items.iter().map(f));
}

/// `items` sorted by `cmp`, unstably; natively on all cores when they are many.
pub fn sort_unstable_by<T: Send>(items: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync) {
    #[cfg(not(target_arch = "wasm32"))]
    if threads() > 1 && items.len() >= 2 * EXTEND_PART {
        items.par_sort_unstable_by(cmp);
        return;
    }
    items.sort_unstable_by(cmp);
}

/// The fewest items a core takes in [`extend_mapped`] (a few hundred KB of entries).
const EXTEND_PART: usize = 1 << 14;

#[cfg(test)]
mod tests {
    #[test]
    fn ranges_cover_once() {
        for (len, min) in [(0, 10), (5, 10), (1000, 10), (1001, 7), (10, 0)] {
            let r = super::ranges(len, min);
            assert_eq!(r.first().map(|r| r.start), Some(0));
            assert_eq!(r.last().map(|r| r.end), Some(len));
            assert!(r.windows(2).all(|w| w[0].end == w[1].start && w[0].start < w[0].end));
        }
    }

    #[test]
    fn keeps_order() {
        let v: Vec<u32> = (0..100).collect();
        assert_eq!(super::map(v.clone(), |x| x * 2), v.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(super::map(Vec::<u32>::new(), |x| x), Vec::<u32>::new());
    }

    #[test]
    fn sorts_as_one_core_does() {
        for n in [0u64, 7, 1 << 15, (1 << 16) + 5] {
            let items: Vec<u64> = (0..n).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40).collect();
            let (mut ours, mut want) = (items.clone(), items);
            super::sort_unstable_by(&mut ours, |x, y| y.cmp(x));
            want.sort_unstable_by(|x, y| y.cmp(x));
            assert_eq!(ours, want, "{n} items");
        }
    }

    #[test]
    fn extends_in_order() {
        for n in [0, 5, 1 << 15, (1 << 16) + 3] {
            let items: Vec<u32> = (0..n).collect();
            let mut out = vec![7u64];
            super::extend_mapped(&mut out, &items, |&x| u64::from(x) * 3);
            assert_eq!(out.len(), n as usize + 1);
            assert!(out[1..].iter().enumerate().all(|(i, &x)| x == i as u64 * 3), "{n} items");
            let mut by = vec![7u64];
            super::extend_mapped_by(&mut by, &items, 3, |&x| u64::from(x) * 3);
            assert_eq!(by, out, "{n} items, parts of 3");
        }
    }
}
