//! TraceLogging: the event metadata an ETW file carries inline (extended data item 11, the
//! event's name and its fields' names and types) and the payload those types describe.
//! Types follow TraceLoggingProvider.h's `TlgIn*` / `TlgOut*` numbering (public SDK header).

use crate::read::{utf16, Reader};

/// One field of an event's schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// `TlgIn` type without the count and chain bits.
    pub in_type: u8,
    pub out_type: u8,
    pub count: Count,
    /// The fields of a struct (`in_type` 24).
    pub children: Vec<Field>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    One,
    /// An array whose length is in the metadata.
    Const(u16),
    /// An array whose length (u16) precedes it in the payload.
    Var,
    /// A custom-serialized value: u16 size then bytes.
    Custom,
}

pub const IN_UNICODESTRING: u8 = 1;
const IN_ANSISTRING: u8 = 2;
const IN_INT8: u8 = 3;
const IN_UINT8: u8 = 4;
const IN_INT16: u8 = 5;
const IN_UINT16: u8 = 6;
const IN_INT32: u8 = 7;
const IN_UINT32: u8 = 8;
const IN_INT64: u8 = 9;
const IN_UINT64: u8 = 10;
const IN_FLOAT: u8 = 11;
const IN_DOUBLE: u8 = 12;
const IN_BOOL32: u8 = 13;
const IN_BINARY: u8 = 14;
const IN_GUID: u8 = 15;
const IN_POINTER_UNSUPPORTED: u8 = 16;
const IN_FILETIME: u8 = 17;
const IN_SYSTEMTIME: u8 = 18;
const IN_SID: u8 = 19;
const IN_HEXINT32: u8 = 20;
const IN_HEXINT64: u8 = 21;
pub const IN_COUNTEDSTRING: u8 = 22;
const IN_COUNTEDANSISTRING: u8 = 23;
pub const IN_STRUCT: u8 = 24;
const IN_COUNTEDBINARY: u8 = 25;

const OUT_STRING: u8 = 2;
const OUT_BOOLEAN: u8 = 3;
const OUT_HEX: u8 = 4;
const OUT_WIN32ERROR: u8 = 13;
const OUT_NTSTATUS: u8 = 14;
const OUT_HRESULT: u8 = 15;

/// Nesting bound for structs (hostile metadata cannot recurse deeply).
const MAX_DEPTH: usize = 8;

/// An event's schema: its name and fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    pub name: String,
    pub fields: Vec<Field>,
}

/// Parse the event metadata blob (`u16 size`, tags, name, fields).
pub fn schema(blob: &[u8]) -> Option<Schema> {
    let mut r = Reader::new(blob);
    let size = r.u16()? as usize;
    let mut r = Reader::new(blob.get(..size.min(blob.len()))?);
    r.skip(2)?;
    skip_tags(&mut r)?;
    let name = r.cstr()?;
    let mut fields = Vec::new();
    while !r.is_empty() {
        fields.push(field(&mut r, 0)?);
    }
    Some(Schema { name, fields })
}

/// Provider traits blob (`u16 size`, provider name, traits): the provider's name.
pub fn provider_name(blob: &[u8]) -> Option<String> {
    let mut r = Reader::new(blob);
    r.skip(2)?;
    r.cstr()
}

fn skip_tags(r: &mut Reader) -> Option<()> {
    for _ in 0..4 {
        if r.u8()? & 0x80 == 0 {
            return Some(());
        }
    }
    None
}

fn field(r: &mut Reader, depth: usize) -> Option<Field> {
    let name = r.cstr()?;
    let in_raw = r.u8()?;
    let mut out_type = 0;
    if in_raw & 0x80 != 0 {
        let o = r.u8()?;
        out_type = o & 0x7F;
        if o & 0x80 != 0 {
            skip_tags(r)?;
        }
    }
    let count = match in_raw & 0x60 {
        0x20 => Count::Const(r.u16()?),
        0x40 => Count::Var,
        0x60 => {
            let n = r.u16()? as usize;
            r.skip(n)?;
            Count::Custom
        }
        _ => Count::One,
    };
    let in_type = in_raw & 0x1F;
    let mut children = Vec::new();
    if in_type == IN_STRUCT {
        if depth >= MAX_DEPTH {
            return None;
        }
        for _ in 0..out_type {
            children.push(field(r, depth + 1)?);
        }
        out_type = 0;
    }
    Some(Field { name, in_type, out_type, count, children })
}

/// Format the payload `r` holds according to `fields`: `(name, value)` per field. Stops at the
/// first value the payload is too short for and returns `false` with what was read before it.
pub fn values(fields: &[Field], r: &mut Reader) -> (Vec<(String, String)>, bool) {
    let mut out = Vec::with_capacity(fields.len());
    for f in fields {
        match value(f, r) {
            Some(v) => out.push((f.name.clone(), v)),
            None => return (out, false),
        }
    }
    (out, true)
}

fn value(f: &Field, r: &mut Reader) -> Option<String> {
    let n = match f.count {
        Count::One => return scalar(f, r),
        Count::Custom => {
            let n = r.u16()? as usize;
            return Some(hex_bytes(r.take(n)?));
        }
        Count::Const(n) => n,
        Count::Var => r.u16()?,
    };
    let mut items = Vec::with_capacity(usize::from(n).min(256));
    for _ in 0..n {
        items.push(scalar(f, r)?);
    }
    Some(format!("[{}]", items.join(",")))
}

fn scalar(f: &Field, r: &mut Reader) -> Option<String> {
    let out = f.out_type;
    Some(match f.in_type {
        IN_UNICODESTRING => r.utf16z()?,
        IN_ANSISTRING => ansi(r.bytes_z()?),
        IN_COUNTEDSTRING => {
            let n = r.u16()? as usize;
            utf16(r.take(n)?)
        }
        IN_COUNTEDANSISTRING => {
            let n = r.u16()? as usize;
            ansi(r.take(n)?)
        }
        IN_INT8 => (r.u8()? as i8).to_string(),
        IN_UINT8 => {
            let v = r.u8()?;
            match out {
                OUT_STRING => char::from(v).to_string(),
                OUT_BOOLEAN => (v != 0).to_string(),
                OUT_HEX => format!("0x{v:X}"),
                _ => v.to_string(),
            }
        }
        IN_INT16 => (r.u16()? as i16).to_string(),
        IN_UINT16 => {
            let v = r.u16()?;
            match out {
                OUT_STRING => char::from_u32(u32::from(v)).unwrap_or('\u{FFFD}').to_string(),
                OUT_HEX => format!("0x{v:X}"),
                _ => v.to_string(),
            }
        }
        IN_INT32 | IN_UINT32 | IN_HEXINT32 => {
            let v = r.u32()?;
            match (f.in_type, out) {
                (_, OUT_HRESULT | OUT_WIN32ERROR | OUT_NTSTATUS) => format!("0x{v:08X}"),
                (IN_HEXINT32, _) | (_, OUT_HEX) => format!("0x{v:X}"),
                (_, OUT_BOOLEAN) => (v != 0).to_string(),
                (IN_INT32, _) => (v as i32).to_string(),
                _ => v.to_string(),
            }
        }
        IN_INT64 | IN_UINT64 | IN_HEXINT64 | IN_POINTER_UNSUPPORTED => {
            let v = r.u64()?;
            match (f.in_type, out) {
                (IN_HEXINT64 | IN_POINTER_UNSUPPORTED, _) | (_, OUT_HEX) => format!("0x{v:X}"),
                (IN_INT64, _) => (v as i64).to_string(),
                _ => v.to_string(),
            }
        }
        IN_FLOAT => f32::from_bits(r.u32()?).to_string(),
        IN_DOUBLE => f64::from_bits(r.u64()?).to_string(),
        IN_BOOL32 => (r.u32()? != 0).to_string(),
        IN_BINARY | IN_COUNTEDBINARY => {
            let n = r.u16()? as usize;
            hex_bytes(r.take(n)?)
        }
        IN_GUID => crate::guid(r.take(16)?),
        IN_FILETIME => crate::time::iso(r.u64()?),
        IN_SYSTEMTIME => {
            let b = r.take(16)?;
            let w = |i: usize| u16::from_le_bytes([b[2 * i], b[2 * i + 1]]);
            format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}", w(0), w(1), w(3), w(4), w(5), w(6), w(7))
        }
        IN_SID => {
            let head = r.peek(8)?;
            let subs = head[1] as usize;
            let b = r.take(8 + 4 * subs)?;
            let auth = b[2..8].iter().fold(0u64, |a, &x| (a << 8) | u64::from(x));
            let mut s = format!("S-{}-{}", b[0], auth);
            for i in 0..subs {
                let o = 8 + 4 * i;
                s.push_str(&format!("-{}", u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])));
            }
            s
        }
        IN_STRUCT => {
            let (vals, ok) = values(&f.children, r);
            if !ok {
                return None;
            }
            let inner: Vec<String> = vals.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{{{}}}", inner.join(" "))
        }
        // Unknown type: its size is unknown, so nothing after it can be read.
        _ => return None,
    })
}

fn ansi(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        // Not UTF-8: read as Latin-1 rather than lose bytes.
        Err(_) => b.iter().map(|&c| char::from(c)).collect(),
    }
}

fn hex_bytes(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * b.len());
    s.push_str("0x");
    for x in b {
        s.push_str(&format!("{x:02X}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metadata for `name` with fields given as (name, in-type byte, optional out-type byte).
    fn meta(fields: &[(&str, u8, Option<u8>)]) -> Vec<u8> {
        let mut m = vec![0, 0, 0];
        m.extend_from_slice(b"Ev\0");
        for (name, in_type, out) in fields {
            m.extend_from_slice(name.as_bytes());
            m.push(0);
            m.push(in_type | if out.is_some() { 0x80 } else { 0 });
            m.extend(out.iter());
        }
        let n = m.len() as u16;
        m[..2].copy_from_slice(&n.to_le_bytes());
        m
    }

    #[test]
    fn field_types_format() {
        let m = meta(&[
            ("i", IN_INT32, None),
            ("hr", IN_UINT32, Some(OUT_HRESULT)),
            ("b", IN_BOOL32, None),
            ("g", IN_GUID, None),
            ("s", IN_COUNTEDSTRING, None),
            ("a", IN_ANSISTRING, None),
            ("x", IN_HEXINT64, None),
            ("arr", IN_UINT16 | 0x40, None),
            ("bin", IN_BINARY, None),
            ("ft", IN_FILETIME, None),
        ]);
        let s = schema(&m).unwrap();
        assert_eq!(s.name, "Ev");
        assert_eq!(s.fields.len(), 10);
        assert_eq!(s.fields[7].count, Count::Var);
        let mut p = Vec::new();
        p.extend_from_slice(&(-5i32).to_le_bytes());
        p.extend_from_slice(&0x8024_401Bu32.to_le_bytes());
        p.extend_from_slice(&1u32.to_le_bytes());
        p.extend_from_slice(&[0x1D, 0x08, 0x06, 0x99, 0x5A, 0xE4, 0x41, 0x4F, 0xA5, 0x3F, 0x2A, 0xC2, 0xE0, 0x22, 0x5D, 0xE1]);
        p.extend_from_slice(&[4, 0, b'o', 0, b'k', 0]);
        p.extend_from_slice(b"ansi\0");
        p.extend_from_slice(&0xABCDu64.to_le_bytes());
        p.extend_from_slice(&[2, 0, 7, 0, 9, 0]);
        p.extend_from_slice(&[2, 0, 0xDE, 0xAD]);
        p.extend_from_slice(&116_444_736_000_000_000u64.to_le_bytes());
        let (v, ok) = values(&s.fields, &mut Reader::new(&p));
        assert!(ok);
        let text: Vec<String> = v.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            text.join(" "),
            "i=-5 hr=0x8024401B b=true g=9906081D-E45A-4F41-A53F-2AC2E0225DE1 s=ok a=ansi x=0xABCD arr=[7,9] bin=0xDEAD ft=1970-01-01T00:00:00.0000000Z"
        );
        // A payload cut short keeps the fields before the cut.
        let (v, ok) = values(&s.fields, &mut Reader::new(&p[..10]));
        assert!(!ok);
        assert_eq!(v.len(), 2);
    }

    #[test]
    fn hostile_metadata_is_refused() {
        assert_eq!(schema(&[]), None);
        // A struct claiming 127 fields with none after it.
        let m = meta(&[("s", IN_STRUCT, Some(127))]);
        assert_eq!(schema(&m), None);
    }
}
