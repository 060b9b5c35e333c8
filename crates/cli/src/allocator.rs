//! The allocator's settings for a run over big logs.
//!
//! glibc maps a block of 128 KiB or more and unmaps it when it is freed, but each free of such a
//! block raises that threshold to the block's size (up to 32 MiB), and later blocks of that size
//! come from its heaps, where memory freed stays the process's. A run builds its pieces (parsed,
//! scanned, diagnosed) in blocks of a few MiB, stage after stage: with the threshold fixed, each
//! stage's blocks go back before the next stage's peak. Measured on the bench logs: a peak 3 %
//! lower, in the same time (docs/speed.md).

/// Keep glibc's threshold for mapping blocks at its default of 128 KiB. Called first thing in
/// `main`, before any thread starts; other platforms and C libraries are left as they are.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 << 10);
    }
}
