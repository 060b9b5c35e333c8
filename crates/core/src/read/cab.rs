//! Windows cabinets (`.cab`): MDMDiagnosticsTool's `-cab` output, and the cabs an Intune
//! diagnostics zip carries (`mdmlogs-<date>.cab`, Defender's `MpSupportFiles.cab`). The `cab`
//! crate reads the format and decompresses (MSZIP and LZX folders, block checksums); this file
//! only hands its members out one at a time, each folder decompressed once.
//!
//! A cabinet compresses its files in folders, each one stream. The crate opens a new stream for
//! every file it reads, from the start of its folder, so reading a folder of n files file by
//! file decompresses it about n/2 times. Here each folder is read once, front to back: the
//! directory is read as the crate sees it, except that one file of each folder is made to span
//! the whole folder (the 16-byte file entries keep their length, so every offset stays true),
//! and that stream is cut into the real members by their offsets.

use std::io::{self, Read, Seek, SeekFrom};

/// `MSCF` and a zero reserved field: a cabinet's header.
pub fn is_cab(bytes: &[u8]) -> bool {
    bytes.starts_with(b"MSCF\0\0\0\0")
}

/// One file entry of the cabinet's directory (`CFFILE`), as the bytes say it.
#[derive(Clone, Debug)]
struct Entry {
    /// Where its 16 fixed bytes start in the cabinet.
    at: usize,
    size: u32,
    offset: u32,
    folder: u16,
}

/// The directory's file entries, in order (the crate reads the same table; it keeps the offsets
/// to itself).
fn directory(b: &[u8]) -> Option<Vec<Entry>> {
    let u16_at = |i: usize| b.get(i..i + 2).map(|x| u16::from_le_bytes([x[0], x[1]]));
    let u32_at = |i: usize| b.get(i..i + 4).map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]));
    let files = u16_at(28)? as usize;
    let mut at = u32_at(16)? as usize;
    let mut out = Vec::with_capacity(files);
    for _ in 0..files {
        let (size, offset, folder) = (u32_at(at)?, u32_at(at + 4)?, u16_at(at + 8)?);
        let name_len = b.get(at + 16..)?.iter().position(|&c| c == 0)?;
        out.push(Entry { at, size, offset, folder });
        at += 16 + name_len + 1;
    }
    Some(out)
}

/// The cabinet's bytes with some of its file entries rewritten: `Read + Seek` for the crate.
struct Patched<'a> {
    base: &'a [u8],
    /// (position, bytes) written over the base, in position order.
    patches: Vec<(usize, [u8; 8])>,
    pos: u64,
}

impl Read for Patched<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let start = (self.pos as usize).min(self.base.len());
        let n = buf.len().min(self.base.len() - start);
        buf[..n].copy_from_slice(&self.base[start..start + n]);
        // The patches are in position order: only those that overlap this read are applied.
        let first = self.patches.partition_point(|(at, _)| at + 8 <= start);
        for (at, bytes) in self.patches[first..].iter().take_while(|(at, _)| *at < start + n) {
            for (i, &byte) in bytes.iter().enumerate() {
                if let Some(k) = (at + i).checked_sub(start).filter(|k| *k < n) {
                    buf[k] = byte;
                }
            }
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Patched<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(n) => n as i128,
            SeekFrom::End(d) => self.base.len() as i128 + d as i128,
            SeekFrom::Current(d) => self.pos as i128 + d as i128,
        };
        self.pos = u64::try_from(pos).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start of the cabinet"))?;
        Ok(self.pos)
    }
}

/// Folders times files past which a cabinet is not read (each folder's lookup scans the files).
const MAX_LOOKUPS: usize = 1 << 26;

/// What a caller does with each member of a cabinet.
pub trait Members {
    /// A member: its path in the cabinet (`/`-separated), its bytes to read (at most `size`).
    /// False stops the cabinet (the bundle's budget is spent).
    fn member(&mut self, name: String, bytes: &mut dyn Read, size: u64) -> bool;
    /// Uncompressed bytes that belong to no member (a gap between two), which were decompressed
    /// to reach the next: false stops the cabinet.
    fn skipped(&mut self, bytes: u64) -> bool;
    /// A member that cannot be read, and why.
    fn warn(&mut self, name: String, message: String);
}

/// Hand every member of the cabinet `bytes` to `to`, folder by folder, in the order of their
/// offsets; returns how many were handed out, or why the cabinet cannot be opened.
pub fn members(bytes: &[u8], to: &mut dyn Members) -> Result<usize, String> {
    let listed = cab::Cabinet::new(io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let table = directory(bytes).ok_or("its file table is cut short")?;
    // The crate's names, folder by folder, in table order (as are the entries of each folder):
    // the n-th entry of a folder in the table is the folder's n-th name.
    let names: Vec<Vec<String>> = listed.folder_entries().map(|f| f.file_entries().map(|e| e.name().to_string()).collect()).collect();
    let mut folders: Vec<Vec<(Entry, String)>> = vec![Vec::new(); names.len()];
    let mut order: Vec<(usize, usize)> = Vec::with_capacity(table.len());
    for e in &table {
        let f = e.folder as usize;
        if let Some(name) = names.get(f).and_then(|n| n.get(folders[f].len())) {
            folders[f].push((e.clone(), name.clone()));
            order.push((f, folders[f].len() - 1));
        }
    }
    // The crate finds a file by name among all of them, once per folder here: a cabinet of
    // thousands of one-file folders (no collector writes one) would take that many times longer.
    let used = folders.iter().filter(|f| !f.is_empty()).count();
    if used.saturating_mul(order.len()) > MAX_LOOKUPS {
        return Err(format!("it has {used} folders for {} files, more than wulens reads", order.len()));
    }
    // One file per folder spans it: the first whose name no earlier file has (the crate finds
    // files by name).
    let mut seen: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    let mut spans: Vec<Option<String>> = vec![None; folders.len()];
    let mut patches = Vec::new();
    for &(f, i) in &order {
        let (entry, name) = &folders[f][i];
        if spans[f].is_none() && !seen.contains(name.as_str()) {
            let end = folders[f].iter().map(|(x, _)| x.offset as u64 + x.size as u64).max().unwrap_or(0);
            let mut p = [0u8; 8];
            p[..4].copy_from_slice(&(end.min(u32::MAX as u64) as u32).to_le_bytes());
            patches.push((entry.at, p));
            spans[f] = Some(name.clone());
        }
        seen.insert(name);
    }
    patches.sort_by_key(|(at, _)| *at);
    let mut cabinet = cab::Cabinet::new(Patched { base: bytes, patches, pos: 0 }).map_err(|e| e.to_string())?;
    let mut handed = 0;
    for (f, files) in folders.iter_mut().enumerate() {
        let Some(span) = &spans[f] else {
            for (_, name) in files.iter() {
                to.warn(shown(name), "shares its name with an earlier file of the cab; skipped".into());
            }
            continue;
        };
        files.sort_by_key(|(e, _)| e.offset);
        let (go, n) = folder(&mut cabinet, span, files, to);
        handed += n;
        if !go {
            break;
        }
    }
    Ok(handed)
}

/// One folder's members from its one stream; (go on, members handed out).
fn folder<R: Read + Seek>(cabinet: &mut cab::Cabinet<R>, span: &str, files: &[(Entry, String)], to: &mut dyn Members) -> (bool, usize) {
    let mut stream = match cabinet.read_file(span) {
        Ok(s) => s,
        Err(e) => {
            for (_, name) in files {
                to.warn(shown(name), format!("cannot be decompressed ({e}); skipped"));
            }
            return (true, 0);
        }
    };
    let mut at = 0u64;
    let mut handed = 0;
    for (i, (e, name)) in files.iter().enumerate() {
        let offset = e.offset as u64;
        if offset < at {
            to.warn(shown(name), "overlaps another file of the cab; skipped".into());
            continue;
        }
        if offset > at {
            if !to.skipped(offset - at) {
                return (false, handed);
            }
            if let Err(err) = io::copy(&mut (&mut stream).take(offset - at), &mut io::sink()) {
                broken(&files[i..], &err, to);
                return (true, handed);
            }
        }
        let mut member = (&mut stream).take(e.size as u64);
        let go = to.member(shown(name), &mut member, e.size as u64);
        handed += 1;
        if !go {
            return (false, handed);
        }
        // What the member left unread (it stopped at an error) is read past.
        if let Err(err) = io::copy(&mut member, &mut io::sink()) {
            broken(&files[i + 1..], &err, to);
            return (true, handed);
        }
        at = offset + e.size as u64;
    }
    (true, handed)
}

fn broken(rest: &[(Entry, String)], err: &io::Error, to: &mut dyn Members) {
    for (_, name) in rest {
        to.warn(shown(name), format!("cannot be decompressed ({err}); skipped"));
    }
}

/// A member's name as a path (`logs\a.log` → `logs/a.log`); the crate finds files by the name
/// as written.
fn shown(name: &str) -> String {
    name.replace('\\', "/")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A cabinet of `files`, MSZIP-compressed, `per_folder` files to a folder, as
    /// MDMDiagnosticsTool writes them (the crate's writer).
    pub(crate) fn cab_of(files: &[(&str, &[u8])], per_folder: usize) -> Vec<u8> {
        let mut b = cab::CabinetBuilder::new();
        for chunk in files.chunks(per_folder.max(1)) {
            let folder = b.add_folder(cab::CompressionType::MsZip);
            for (name, _) in chunk {
                folder.add_file(*name);
            }
        }
        let mut w = b.build(io::Cursor::new(Vec::new())).unwrap();
        let mut i = 0;
        while let Some(mut f) = w.next_file().unwrap() {
            io::Write::write_all(&mut f, files[i].1).unwrap();
            i += 1;
        }
        w.finish().unwrap().into_inner()
    }

    #[derive(Default)]
    struct Collect {
        got: Vec<(String, Vec<u8>)>,
        warnings: Vec<String>,
        skipped: u64,
    }

    impl Members for Collect {
        fn member(&mut self, name: String, bytes: &mut dyn Read, _: u64) -> bool {
            let mut v = Vec::new();
            bytes.read_to_end(&mut v).unwrap();
            self.got.push((name, v));
            true
        }
        fn skipped(&mut self, bytes: u64) -> bool {
            self.skipped += bytes;
            true
        }
        fn warn(&mut self, name: String, message: String) {
            self.warnings.push(format!("{name}: {message}"));
        }
    }

    #[test]
    fn every_member_of_every_folder_in_offset_order() {
        let big: Vec<u8> = (0..200_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let files: Vec<(&str, &[u8])> =
            vec![("MDMDiagReport.xml", b"<MDMEnterpriseDiagnosticsReport/>"), ("logs\\a.log", &big), ("empty.txt", b""), ("b.log", b"last one\r\n")];
        for per_folder in [1, 2, 4] {
            let c = cab_of(&files, per_folder);
            assert!(is_cab(&c));
            let mut to = Collect::default();
            let n = members(&c, &mut to);
            let got_names: Vec<&str> = to.got.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(n, Ok(4), "{got_names:?} {:?}", to.warnings);
            let got: Vec<(&str, usize)> = to.got.iter().map(|(n, b)| (n.as_str(), b.len())).collect();
            assert_eq!(got, [("MDMDiagReport.xml", 33), ("logs/a.log", big.len()), ("empty.txt", 0), ("b.log", 10)], "{per_folder} per folder");
            assert_eq!(to.got[1].1, big);
            assert!(to.warnings.is_empty() && to.skipped == 0, "{:?}", to.warnings);
        }
    }

    #[test]
    fn damaged_cabs_say_why() {
        let c = cab_of(&[("a.log", b"hello hello hello hello")], 1);
        // Cut in the file table, then in the data.
        assert!(members(&c[..40], &mut Collect::default()).is_err());
        let mut to = Collect::default();
        let n = members(&c[..c.len() - 4], &mut to);
        assert!(n.is_err() || !to.warnings.is_empty(), "{n:?} {:?}", to.warnings);
        // A flipped byte in a compressed block fails its checksum: a warning, not a panic.
        let mut bad = c.clone();
        let last = bad.len() - 3;
        bad[last] ^= 0x55;
        let mut to = Collect::default();
        let _ = members(&bad, &mut to);
        assert!(to.got.iter().all(|(_, b)| b.len() <= 23));
    }
}
