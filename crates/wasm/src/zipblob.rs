//! A zip read in place: its directory and the members a caller wants, through a reader that the
//! worker backs with `Blob.slice` + `FileReaderSync`, so a zip of bundles is never held whole.
//! [`ZipDirectory`] reads a zip's directory once and keeps it: the fleet's machines are read
//! out of it one after another, each member by name (core's `bundles::zip_members`), so a zip
//! of bundles costs what its folder costs, not its directory and every member's header per
//! machine.

use std::cell::Cell;
use std::io::{Read, Seek, SeekFrom};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::convert::to_js;
use crate::error::Error;
use crate::protocol::{Response, ZipEntries};

/// How much one call to the worker's `read` brings at least: a zip's header fields are read a
/// few bytes at a time, and a small member follows its header.
const WINDOW: u64 = 64 * 1024;

/// Where a [`BlobReader`] gets its bytes: `read(offset, length)` of a file of `size` bytes.
pub trait Source {
    fn read_at(&self, offset: u64, len: u64) -> std::io::Result<Vec<u8>>;
}

/// A JS function `read(offset, length) -> Uint8Array` (a `File`'s bytes).
#[derive(Clone)]
pub struct JsSource(pub js_sys::Function);

impl Source for JsSource {
    fn read_at(&self, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
        let got = self
            .0
            .call2(&JsValue::NULL, &JsValue::from_f64(offset as f64), &JsValue::from_f64(len as f64))
            .map_err(|e| std::io::Error::other(e.as_string().unwrap_or_else(|| "the file could not be read".into())))?;
        Ok(js_sys::Uint8Array::new(&got).to_vec())
    }
}

/// A `File` read in place through `FileReaderSync` (the analysis worker's zips), adding the
/// bytes it reads to `fetched` (what the drop's zips cost, shared by every zip it opens).
pub struct FileSource {
    pub file: web_sys::File,
    pub reader: web_sys::FileReaderSync,
    pub fetched: Rc<Cell<u64>>,
}

impl Source for FileSource {
    fn read_at(&self, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
        let fail = |e: JsValue| std::io::Error::other(crate::convert::js_message(&e));
        let slice = self.file.slice_with_f64_and_f64(offset as f64, (offset + len) as f64).map_err(fail)?;
        let buffer = self.reader.read_as_array_buffer(&slice).map_err(fail)?;
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        self.fetched.set(self.fetched.get() + bytes.len() as u64);
        Ok(bytes)
    }
}

impl Source for Box<dyn Source> {
    fn read_at(&self, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
        (**self).read_at(offset, len)
    }
}

/// `Read + Seek` over a [`Source`], through a window of the last bytes it brought (a seek
/// within them reads nothing again), counting what it brought.
pub struct BlobReader<S> {
    source: S,
    size: u64,
    pos: u64,
    window: Vec<u8>,
    window_at: u64,
    /// Bytes brought from the source so far (shared with whoever asked for the count).
    pub fetched: Rc<Cell<u64>>,
}

impl<S: Source> BlobReader<S> {
    pub fn new(source: S, size: f64) -> BlobReader<S> {
        BlobReader { source, size: size.max(0.0) as u64, pos: 0, window: Vec::new(), window_at: 0, fetched: Rc::default() }
    }
}

impl<S: Source> Read for BlobReader<S> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = (buf.len() as u64).min(self.size.saturating_sub(self.pos));
        if want == 0 {
            return Ok(0);
        }
        let in_window = self.pos >= self.window_at && self.pos < self.window_at + self.window.len() as u64;
        if !in_window {
            if want >= WINDOW {
                // A big read goes straight to the caller.
                let bytes = self.source.read_at(self.pos, want)?;
                let n = bytes.len().min(want as usize);
                buf[..n].copy_from_slice(&bytes[..n]);
                self.fetched.set(self.fetched.get() + bytes.len() as u64);
                self.pos += n as u64;
                return Ok(n);
            }
            let len = WINDOW.min(self.size - self.pos);
            self.window = self.source.read_at(self.pos, len)?;
            self.window_at = self.pos;
            self.fetched.set(self.fetched.get() + self.window.len() as u64);
            if self.window.is_empty() {
                return Ok(0);
            }
        }
        let from = (self.pos - self.window_at) as usize;
        let n = (want as usize).min(self.window.len() - from);
        buf[..n].copy_from_slice(&self.window[from..from + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<S> Seek for BlobReader<S> {
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

/// A zip's directory, read once in the worker and kept while its machines are read out of it:
/// the members of each are found by name in it (`Session::add_zip_members`), the exports' first
/// bytes too (`head`).
#[wasm_bindgen]
pub struct ZipDirectory {
    archive: zip::ZipArchive<BlobReader<Box<dyn Source>>>,
    fetched: Rc<Cell<u64>>,
}

#[wasm_bindgen]
impl ZipDirectory {
    /// Read the directory of a zip of `size` bytes read through `read(offset, length)` (a
    /// `Uint8Array`); a zip that cannot be opened is an error with why.
    #[wasm_bindgen(constructor)]
    pub fn new(size: f64, read: js_sys::Function) -> Result<ZipDirectory, JsError> {
        Ok(ZipDirectory::open(Box::new(JsSource(read)), size)?)
    }

    /// The file members, as a `Response::ZipEntries`.
    pub fn entries(&self) -> Result<JsValue, JsError> {
        Ok(to_js(&Response::ZipEntries(self.listing()))?)
    }

    /// The first bytes of the file member `inner` that tell what it is (`plan::HEAD_BYTES`;
    /// empty when there is no such member).
    pub fn head(&mut self, inner: &str) -> Vec<u8> {
        head(&mut self.archive, inner, wulens_core::input::plan::HEAD_BYTES)
    }

    /// Bytes of the zip read so far, its directory included.
    pub fn fetched(&self) -> f64 {
        self.fetched.get() as f64
    }
}

impl ZipDirectory {
    /// Read the directory of a zip of `size` bytes read from `source`.
    pub fn open(source: Box<dyn Source>, size: f64) -> Result<ZipDirectory, Error> {
        let reader = BlobReader::new(source, size);
        let fetched = reader.fetched.clone();
        let archive = zip::ZipArchive::new(reader).map_err(|e| Error::Zip { name: None, why: e.to_string() })?;
        Ok(ZipDirectory { archive, fetched })
    }

    /// The file members, in the zip's order.
    pub fn listing(&self) -> ZipEntries {
        ZipEntries { entries: wulens_core::input::bundles::zip_listing(&self.archive) }
    }

    pub fn archive(&mut self) -> &mut zip::ZipArchive<BlobReader<Box<dyn Source>>> {
        &mut self.archive
    }
}

/// The first `max` bytes of the file member `inner` of an opened zip (empty when there is none).
pub fn head<R: Read + Seek>(archive: &mut zip::ZipArchive<R>, inner: &str, max: usize) -> Vec<u8> {
    let mut head = Vec::new();
    let Some(i) = archive.index_for_name(inner) else { return head };
    if let Ok(entry) = archive.by_index(i) {
        if !entry.is_dir() && !entry.encrypted() {
            let _ = entry.take(max as u64).read_to_end(&mut head);
        }
    }
    head
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

    /// A file's bytes as the worker's `read` gives them, counting the calls.
    struct Bytes(Vec<u8>, Rc<Cell<u32>>);

    impl Source for Bytes {
        fn read_at(&self, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
            self.1.set(self.1.get() + 1);
            let from = (offset as usize).min(self.0.len());
            Ok(self.0[from..(from + len as usize).min(self.0.len())].to_vec())
        }
    }

    #[test]
    fn a_zip_of_bundles_is_read_once_its_directory_once_and_each_member_once() {
        // 200 bundles of 20 KB each (stored: their bytes are the zip's), in a folder.
        let bundle: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let names: Vec<String> = (1..=200).map(|i| format!("fleet/PC-{i:04}.zip")).collect();
        let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), bundle.as_slice())).collect();
        let z = zip_of(&files);
        let calls = Rc::new(Cell::new(0));
        let reader = BlobReader::new(Bytes(z.clone(), calls.clone()), z.len() as f64);
        let fetched = reader.fetched.clone();
        let mut archive = zip::ZipArchive::new(reader).unwrap();
        assert_eq!(wulens_core::input::bundles::zip_listing(&archive), names);
        for n in &names {
            let mut got = Vec::new();
            wulens_core::input::bundles::zip_members(&mut archive, n, 1 << 20, &mut |_, b| got.push(b), &mut |_, m| panic!("{m}"));
            assert_eq!(got, std::slice::from_ref(&bundle));
        }
        // Each member's header and bytes once, within one window of the next one's: never the
        // directory again, never every member per machine.
        assert!(fetched.get() < 2 * z.len() as u64, "{} bytes read of a zip of {}", fetched.get(), z.len());
        assert!(calls.get() < 3 * 200 + 10, "{} reads", calls.get());
        assert_eq!(head(&mut archive, "fleet/PC-0007.zip", 10), bundle[..10]);
        assert_eq!(head(&mut archive, "fleet", 10), b"", "a folder is no member");
    }

    #[test]
    fn reads_in_windows_and_straight_through_past_them() {
        let bytes: Vec<u8> = (0..300_000u32).map(|i| i as u8).collect();
        let calls = Rc::new(Cell::new(0));
        let mut r = BlobReader::new(Bytes(bytes.clone(), calls.clone()), bytes.len() as f64);
        let mut small = [0u8; 10];
        r.seek(SeekFrom::Start(100)).unwrap();
        r.read_exact(&mut small).unwrap();
        r.seek(SeekFrom::Start(50)).unwrap();
        assert_eq!(r.read(&mut small).unwrap(), 10, "before the window: read again");
        assert_eq!(small, bytes[50..60]);
        r.seek(SeekFrom::Start(60)).unwrap();
        r.read_exact(&mut small).unwrap();
        assert_eq!((small.as_slice(), calls.get()), (&bytes[60..70], 2), "inside the window: nothing read");
        let mut big = vec![0u8; 100_000];
        r.seek(SeekFrom::Start(150_000)).unwrap();
        r.read_exact(&mut big).unwrap();
        assert_eq!(big, bytes[150_000..250_000]);
        let mut rest = Vec::new();
        r.seek(SeekFrom::End(-5)).unwrap();
        r.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, bytes[299_995..]);
        assert!(r.seek(SeekFrom::Current(-1_000_000)).is_err());
    }
}
