//! A zip read in place: its directory and the members a caller wants, through a reader that the
//! worker backs with `Blob.slice` + `FileReaderSync`, so a zip of bundles is never held whole.

use std::io::{Read, Seek, SeekFrom};

use wasm_bindgen::JsValue;

/// `Read + Seek` over a JS function `read(offset, length) -> Uint8Array` (a `File`'s bytes).
pub struct BlobReader<'a> {
    read: &'a js_sys::Function,
    size: u64,
    pos: u64,
}

impl<'a> BlobReader<'a> {
    pub fn new(read: &'a js_sys::Function, size: f64) -> BlobReader<'a> {
        BlobReader { read, size: size.max(0.0) as u64, pos: 0 }
    }
}

impl Read for BlobReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = (buf.len() as u64).min(self.size.saturating_sub(self.pos));
        if want == 0 {
            return Ok(0);
        }
        let got = self
            .read
            .call2(&JsValue::NULL, &JsValue::from_f64(self.pos as f64), &JsValue::from_f64(want as f64))
            .map_err(|e| std::io::Error::other(e.as_string().unwrap_or_else(|| "the file could not be read".into())))?;
        let bytes = js_sys::Uint8Array::new(&got);
        let n = (bytes.length() as usize).min(want as usize);
        bytes.subarray(0, n as u32).copy_to(&mut buf[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for BlobReader<'_> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(n) => n as i128,
            SeekFrom::End(d) => self.size as i128 + d as i128,
            SeekFrom::Current(d) => self.pos as i128 + d as i128,
        };
        if pos < 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start of the file"));
        }
        self.pos = pos as u64;
        Ok(self.pos)
    }
}

fn clean(name: &str) -> String {
    name.replace('\\', "/").trim_start_matches('/').to_string()
}

/// The zip's file members (not folders), as paths inside it.
pub fn entries<R: Read + Seek>(reader: R) -> Result<Vec<String>, zip::result::ZipError> {
    let archive = zip::ZipArchive::new(reader)?;
    Ok(archive.file_names().filter(|n| !n.ends_with('/') && !n.ends_with('\\')).map(clean).collect())
}

/// Hand each file member at or under `inner` (empty: every member) to `each` with its bytes, one
/// at a time, within `budget` expanded bytes; what cannot be read goes to `warn`.
pub fn members<R: Read + Seek>(
    reader: R,
    inner: &str,
    budget: u64,
    each: &mut dyn FnMut(&str, Vec<u8>),
    warn: &mut dyn FnMut(&str, String),
) -> Result<(), zip::result::ZipError> {
    let inner = clean(inner).trim_end_matches('/').to_string();
    let wanted = |name: &str| inner.is_empty() || name == inner || name.strip_prefix(inner.as_str()).is_some_and(|r| r.starts_with('/'));
    let mut archive = zip::ZipArchive::new(reader)?;
    let mut left = budget;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                warn(&format!("#{i}"), format!("a member of the zip cannot be read ({e}); skipped"));
                continue;
            }
        };
        let name = clean(entry.name());
        if entry.is_dir() || !wanted(&name) {
            continue;
        }
        if entry.encrypted() {
            warn(&name, "is encrypted in the zip; skipped (wulens does not ask for zip passwords)".into());
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size().min(left).min(64 << 20) as usize);
        match (&mut entry).take(left + 1).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 > left => {
                warn(&name, "expands beyond the limit for one machine (a zip bomb, or simply too big); this file and the rest were skipped".into());
                return Ok(());
            }
            Ok(_) => {
                left -= bytes.len() as u64;
                drop(entry);
                each(&name, bytes);
            }
            Err(e) => warn(&name, format!("cannot be decompressed ({e}); skipped")),
        }
    }
    Ok(())
}

/// The first `max` bytes of the file member `inner` (empty when there is no such member).
pub fn member_head<R: Read + Seek>(reader: R, inner: &str, max: usize) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut archive = zip::ZipArchive::new(reader)?;
    let inner = clean(inner);
    let Some(i) = (0..archive.len()).find(|&i| archive.name_for_index(i).is_some_and(|n| clean(n) == inner)) else { return Ok(Vec::new()) };
    let entry = archive.by_index(i)?;
    if entry.is_dir() || entry.encrypted() {
        return Ok(Vec::new());
    }
    let mut head = Vec::with_capacity(max.min(entry.size() as usize));
    entry.take(max as u64).read_to_end(&mut head)?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    pub fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn lists_and_reads_only_the_wanted_members() {
        let z = zip_of(&[("fleet/PC-1.zip", b"PK.."), ("fleet/PC-2/a.log", b"a"), ("fleet/PC-2/b.log", b"b"), ("fleet/PC-22/c.log", b"c")]);
        assert_eq!(entries(Cursor::new(&z)).unwrap(), ["fleet/PC-1.zip", "fleet/PC-2/a.log", "fleet/PC-2/b.log", "fleet/PC-22/c.log"]);
        let mut got = Vec::new();
        members(Cursor::new(&z), "fleet/PC-2", 1 << 20, &mut |n, b| got.push((n.to_string(), b)), &mut |_, m| panic!("{m}")).unwrap();
        assert_eq!(got, [("fleet/PC-2/a.log".to_string(), b"a".to_vec()), ("fleet/PC-2/b.log".to_string(), b"b".to_vec())]);
        let mut warned = Vec::new();
        let mut n = 0;
        members(Cursor::new(&z), "", 2, &mut |_, _| n += 1, &mut |name, m| warned.push(format!("{name}: {m}"))).unwrap();
        assert_eq!(n, 0, "the first member is over the budget");
        assert!(warned[0].contains("beyond the limit"), "{warned:?}");
        assert!(entries(Cursor::new(b"PK\x03\x04 cut off".to_vec())).is_err());
        assert_eq!(member_head(Cursor::new(&z), "fleet/PC-2/b.log", 64).unwrap(), b"b");
        assert_eq!(member_head(Cursor::new(&z), "fleet/PC-2", 64).unwrap(), b"", "a folder is no member");
        let long = zip_of(&[("a.csv", &[b'x'; 100])]);
        assert_eq!(member_head(Cursor::new(&long), "a.csv", 10).unwrap().len(), 10);
    }
}
