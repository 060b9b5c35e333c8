//! Paths into inputs: folders walked (without following links), files read on all cores. A big
//! file a one-shot analysis reads is mapped into memory instead of copied: reading 100 MB costs
//! the kernel's copy and a page fault per 4 KB, more than parsing it, and a mapped UTF-8 log is
//! its own text (`wulens_core::input::Bytes`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wulens_core::input::Bytes;
use wulens_core::model::StableBytes;
use wulens_core::Input;

/// How files are brought into memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Map files of [`MAP_FROM`] bytes or more, copy the rest.
    MapBig,
    /// Copy every file: logs followed while they are written (a log cut short under a mapping
    /// would stop the process), fleets of small bundles, or `--no-mmap`.
    Copy,
}

/// Below this size a copy costs less than setting up a mapping.
const MAP_FROM: u64 = 4 << 20;

/// A file mapped read-only.
struct Mapped(memmap2::Mmap);

// SAFETY: the mapping stays at one address and length while it lives. Its contents stay the same
// unless another program rewrites or truncates the file during the analysis: the trade every
// mapping reader makes (ripgrep among them), which is why following never maps and `--no-mmap`
// turns mapping off. A log that is only appended to is safe: the mapping ends where it began.
unsafe impl StableBytes for Mapped {
    fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Read `paths` into inputs, files in name order per folder.
pub fn read_inputs(paths: &[PathBuf], reading: Reading) -> Result<Vec<Input>, String> {
    let mut found: Vec<(PathBuf, String)> = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        if meta.is_dir() {
            let base = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string());
            let mut stack = vec![(p.clone(), base)];
            while let Some((dir, name)) = stack.pop() {
                let mut children: Vec<_> = std::fs::read_dir(&dir).map_err(|e| format!("cannot read folder {}: {e}", dir.display()))?.flatten().collect();
                children.sort_by_key(|c| c.file_name());
                for c in children {
                    let child_name = format!("{name}/{}", c.file_name().to_string_lossy());
                    let ft = c.file_type().map_err(|e| format!("cannot read {}: {e}", c.path().display()))?;
                    if ft.is_dir() {
                        stack.push((c.path(), child_name));
                    } else if ft.is_file() {
                        found.push((c.path(), child_name));
                    }
                }
            }
        } else {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string());
            found.push((p.clone(), name));
        }
    }
    par_map(found, |(path, name)| read_file(&path, name, reading)).into_iter().collect()
}

/// `f` applied to every item on all cores, one item per task (files and bundles are few and
/// big), results in order.
pub fn par_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.into_par_iter().with_max_len(1).map(f).collect()
}

fn read_file(path: &Path, name: String, reading: Reading) -> Result<Input, String> {
    let fail = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    if reading == Reading::MapBig {
        let file = std::fs::File::open(path).map_err(fail)?;
        if file.metadata().map_err(fail)?.len() >= MAP_FROM {
            // SAFETY: see `Mapped`. A file system that cannot map is read instead.
            if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
                return Ok(Input { name, bytes: Bytes::shared(Arc::new(Mapped(map))) });
            }
        }
    }
    let bytes = std::fs::read(path).map_err(fail)?;
    Ok(Input { name, bytes: bytes.into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_files_are_mapped_and_read_the_same() {
        let dir = std::env::temp_dir().join(format!("wulens-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let big: Vec<u8> = b"line of a log\r\n".iter().copied().cycle().take(MAP_FROM as usize + 7).collect();
        std::fs::write(dir.join("sub/big.log"), &big).unwrap();
        std::fs::write(dir.join("small.log"), b"small\r\n").unwrap();
        for reading in [Reading::MapBig, Reading::Copy] {
            let inputs = read_inputs(std::slice::from_ref(&dir), reading).unwrap();
            let base = dir.file_name().unwrap().to_string_lossy().into_owned();
            let got: Vec<(&str, &[u8])> = inputs.iter().map(|i| (i.name.as_str(), &*i.bytes)).collect();
            assert_eq!(got, [(format!("{base}/small.log").as_str(), &b"small\r\n"[..]), (format!("{base}/sub/big.log").as_str(), &big[..])]);
            // Mapped or read, a UTF-8 file is parsed in place: its text is not a copy.
            let f = wulens_core::input::load(inputs.into_iter().nth(1).unwrap());
            assert!(f.text.is_shared(), "{reading:?}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
