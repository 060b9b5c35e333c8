//! Work spread over the machine's cores: per file, and per piece of one big file (its parse,
//! its codes and its literals). Native builds use scoped threads (no dependency); the browser
//! build runs sequentially (its worker is one thread).

/// How many threads [`map`] may use: the cores, or 1 in the browser.
pub fn threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// `a` and `b` at the same time (one on a new thread), natively; one after the other in the
/// browser.
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    #[cfg(not(target_arch = "wasm32"))]
    if threads() > 1 {
        return std::thread::scope(|s| {
            let hb = s.spawn(b);
            let ra = a();
            (ra, hb.join().expect("worker thread"))
        });
    }
    (a(), b())
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
pub fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let threads = threads().min(items.len());
        if threads > 1 {
            // Biggest-first would balance better, but items come sorted by name and results must
            // keep that order: hand them out one by one from a shared queue instead.
            let queue = std::sync::Mutex::new(items.into_iter().enumerate());
            let mut results: Vec<(usize, R)> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        s.spawn(|| {
                            let mut out = Vec::new();
                            loop {
                                let next = queue.lock().unwrap_or_else(|p| p.into_inner()).next();
                                let Some((i, item)) = next else { break };
                                out.push((i, f(item)));
                            }
                            out
                        })
                    })
                    .collect();
                handles.into_iter().flat_map(|h| h.join().expect("worker thread")).collect()
            });
            results.sort_by_key(|(i, _)| *i);
            return results.into_iter().map(|(_, r)| r).collect();
        }
    }
    items.into_iter().map(f).collect()
}

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
}
