//! Windows Update for Business reports, as Log Analytics exports them: the tables' records read
//! from bytes (no I/O), so that `wulens fleet` can set each alert beside the cause the machine's
//! logs give (`output/wufb.rs` joins them).
//!
//! A file is an export by its columns, never by its name: a CSV header row (the portal's "Export
//! to CSV", which writes a datetime column as `StartTime [UTC]`; quoted fields, commas and line
//! breaks inside quotes, a byte-order mark) or JSON keys (an array of objects, as `az monitor
//! log-analytics query` prints, one object a line, NDJSON, or the query API's response of
//! tables, columns and rows). Column names are compared without case and without a ` [UTC]`
//! suffix.
//!
//! The columns read, as Microsoft documents the tables (Windows Update for Business reports
//! schema, Microsoft Learn):
//! - UCDeviceAlert (<https://learn.microsoft.com/windows/deployment/update/wufb-reports-schema-ucdevicealert>):
//!   `AlertId`, `AlertType`, `AlertSubtype`, `AlertClassification`, `AlertStatus`,
//!   `DeviceName`, `AzureADDeviceId`, `ErrorCode`, `ErrorSymName`, `Description`,
//!   `Recommendation`, `StartTime`, `ResolvedTime`, `Type`. Recognised by `AlertId`,
//!   `AlertSubtype` and `DeviceName`.
//! - UCUpdateAlert (<https://learn.microsoft.com/windows/deployment/update/wufb-reports-schema-ucupdatealert>):
//!   the same alert columns (its `ErrorCode` is filled: `0x8326CFA2D_C3FD`, an extended code
//!   after the underscore) and `UpdateCategory`, `ServiceSubstate`, `TargetBuild`. Recognised as
//!   an alert with `UpdateCategory` or `ServiceSubstate`, or by its `Type`.
//! - UCClientUpdateStatus (<https://learn.microsoft.com/windows/deployment/update/wufb-reports-schema-ucclientupdatestatus>):
//!   `DeviceName`, `AzureADDeviceId`, `TargetKBNumber`, `UpdateDisplayName`, `ClientState`,
//!   `ClientSubstate`, `ClientSubstateTime`. Recognised by `DeviceName`, `ClientSubstate` and
//!   `TargetKBNumber` or `FurthestClientSubstate`, without `AlertId`.

use std::collections::HashMap;

/// Which table an export holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// UCDeviceAlert: an alert about the device as a whole.
    DeviceAlert,
    /// UCUpdateAlert: an alert about one update on one device.
    UpdateAlert,
    /// UCClientUpdateStatus: one update's latest state on one device.
    ClientUpdateStatus,
}

impl Table {
    /// The table's name in Log Analytics.
    pub fn name(self) -> &'static str {
        match self {
            Table::DeviceAlert => "UCDeviceAlert",
            Table::UpdateAlert => "UCUpdateAlert",
            Table::ClientUpdateStatus => "UCClientUpdateStatus",
        }
    }

    /// The table a set of column names (lower case, without ` [utc]`) is, if any.
    fn of_columns(has: impl Fn(&str) -> bool) -> Option<Table> {
        if has("alertid") && has("alertsubtype") && has("devicename") {
            let update = has("updatecategory") || has("servicesubstate") || has("targetbuild");
            return Some(if update { Table::UpdateAlert } else { Table::DeviceAlert });
        }
        if !has("alertid") && has("devicename") && has("clientsubstate") && (has("targetkbnumber") || has("furthestclientsubstate")) {
            return Some(Table::ClientUpdateStatus);
        }
        None
    }
}

/// One record of an export: its columns (normalised names) and the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// 1-based line of the file where the record starts.
    pub line: usize,
    /// The table this record is of (its `Type` where it states one, else the file's).
    pub table: Table,
    fields: HashMap<String, String>,
}

impl Record {
    /// A column's value, by its documented name (any case, ` [UTC]` or not); empty when absent.
    pub fn get(&self, column: &str) -> &str {
        self.fields.get(&norm(column)).map(String::as_str).unwrap_or("")
    }

    fn new(line: usize, table: Table, fields: HashMap<String, String>) -> Record {
        let table = match fields.get("type").map(|t| t.trim()) {
            Some(t) if t.eq_ignore_ascii_case("UCDeviceAlert") && table != Table::ClientUpdateStatus => Table::DeviceAlert,
            Some(t) if t.eq_ignore_ascii_case("UCUpdateAlert") && table != Table::ClientUpdateStatus => Table::UpdateAlert,
            _ => table,
        };
        Record { line, table, fields }
    }
}

/// One export file read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The file's name as given.
    pub name: String,
    /// The table its columns are.
    pub table: Table,
    /// `csv`, `json` or `ndjson`.
    pub shape: &'static str,
    /// Records read from it.
    pub records: Vec<Record>,
}

/// `StartTime [UTC]` → `starttime`.
fn norm(column: &str) -> String {
    let c = column.trim().trim_start_matches('\u{feff}').trim_matches('"');
    let c = match c.find(" [") {
        Some(i) if c.ends_with(']') => &c[..i],
        _ => c,
    };
    c.trim().to_ascii_lowercase()
}

/// Whether the start of a file looks like an export: a CSV header or JSON keys naming a table's
/// columns. Cheap, for picking exports out of a folder of bundles; [`read`] decides.
pub fn looks_like(head: &[u8]) -> bool {
    let head = &head[..head.len().min(64 * 1024)];
    let text = match super::encoding::sniff(head) {
        // PowerShell's `Out-File` and `Export-Csv -Encoding Unicode` write UTF-16.
        super::encoding::Sniff::Text(enc) if enc.is_utf16() => std::borrow::Cow::Owned(super::encoding::decode_slice(head, enc).0),
        _ => String::from_utf8_lossy(head),
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('[') || text.starts_with('{') {
        let lower = text.to_ascii_lowercase();
        let key = |k: &str| lower.contains(&format!("\"{k}\""));
        return Table::of_columns(key).is_some();
    }
    let header = text.lines().next().unwrap_or("");
    let cols: Vec<String> = header.split(',').map(norm).collect();
    Table::of_columns(|c| cols.iter().any(|x| x == c)).is_some()
}

/// An export read: `Ok(None)` when the bytes are no export (their columns are no table's),
/// `Err` with what is wrong when they look like one and cannot be read.
pub fn read(name: &str, bytes: &[u8]) -> Result<Option<Export>, String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => match super::encoding::sniff(bytes) {
            super::encoding::Sniff::Text(enc) => std::borrow::Cow::Owned(super::encoding::decode_slice(bytes, enc).0),
            _ => return Ok(None),
        },
    };
    let text = text.trim_start_matches('\u{feff}');
    let start = text.trim_start();
    let r = if start.starts_with('[') {
        read_json_array(name, text)
    } else if start.starts_with('{') {
        read_ndjson(name, text)
    } else {
        read_csv(name, text)
    };
    match r {
        Ok(x) => Ok(x),
        // Damaged bytes that never named a table's columns are no export either.
        Err(_) if !looks_like(text.as_bytes()) => Ok(None),
        Err(e) => Err(format!("{name}: {e}")),
    }
}

fn read_csv(name: &str, text: &str) -> Result<Option<Export>, String> {
    let mut rd = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> = match rd.headers() {
        Ok(h) => h.iter().map(norm).collect(),
        Err(_) => return Ok(None),
    };
    let Some(table) = Table::of_columns(|c| header.iter().any(|x| x == c)) else { return Ok(None) };
    let mut records = Vec::new();
    // Lines by the records' byte offsets, counted once through the text.
    let (mut counted, mut line) = (0usize, 1usize);
    let bytes = text.as_bytes();
    let mut line_at = |byte: u64| {
        // A record's position may stand on the line break that ended the record before it.
        let mut byte = (byte as usize).min(bytes.len());
        while byte < bytes.len() && matches!(bytes[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte > counted {
            line += memchr::memchr_iter(b'\n', &bytes[counted..byte]).count();
            counted = byte;
        }
        line
    };
    for rec in rd.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                return Err(match e.position() {
                    Some(p) => format!("line {}: {}", line_at(p.byte()), csv_problem(&e)),
                    None => csv_problem(&e),
                })
            }
        };
        let line = rec.position().map(|p| line_at(p.byte())).unwrap_or(0);
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let fields = header.iter().cloned().zip(rec.iter().map(|f| f.trim().to_string())).collect();
        records.push(Record::new(line, table, fields));
    }
    Ok(Some(Export { name: name.to_string(), table, shape: "csv", records }))
}

fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!("a row of {len} fields under a header of {expected_len} columns"),
        _ => e.to_string(),
    }
}

/// An object's keys normalised and its values as text (a number or a boolean as written, null
/// as empty).
fn fields_of(o: &serde_json::Map<String, serde_json::Value>) -> HashMap<String, String> {
    o.iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s.trim().to_string(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (norm(k), v)
        })
        .collect()
}

fn table_of_objects<'a>(objs: impl Iterator<Item = &'a serde_json::Map<String, serde_json::Value>>) -> Option<Table> {
    let mut keys: Vec<String> = Vec::new();
    for o in objs.take(50) {
        keys.extend(o.keys().map(|k| norm(k)));
    }
    Table::of_columns(|c| keys.iter().any(|k| k == c))
}

fn json_problem(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "the JSON ends before it is complete (a file cut short?)".to_string(),
        _ => format!("not valid JSON ({e})"),
    };
    format!("line {}: {what}", e.line())
}

fn read_json_array(name: &str, text: &str) -> Result<Option<Export>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| json_problem(&e))?;
    let Some(items) = value.as_array() else { return Ok(None) };
    let Some(table) = table_of_objects(items.iter().filter_map(|v| v.as_object())) else { return Ok(None) };
    let lines = element_lines(text);
    let mut records = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let o = item.as_object().ok_or_else(|| format!("line {line}: element {} is not an object", i + 1))?;
        records.push(Record::new(line, table, fields_of(o)));
    }
    Ok(Some(Export { name: name.to_string(), table, shape: "json", records }))
}

fn read_ndjson(name: &str, text: &str) -> Result<Option<Export>, String> {
    let mut objs = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Value>(l) {
            Ok(serde_json::Value::Object(o)) => objs.push((i + 1, o)),
            Ok(_) => return Err(format!("line {}: not a JSON object", i + 1)),
            Err(_) if objs.is_empty() => {
                // One object over several lines is no NDJSON: read as a whole.
                return match serde_json::from_str::<serde_json::Value>(text) {
                    Ok(serde_json::Value::Object(o)) if o.contains_key("tables") => read_tables(name, text, &o),
                    Ok(serde_json::Value::Object(o)) => {
                        let Some(table) = table_of_objects(std::iter::once(&o)) else { return Ok(None) };
                        Ok(Some(Export { name: name.into(), table, shape: "json", records: vec![Record::new(1, table, fields_of(&o))] }))
                    }
                    Ok(_) => Ok(None),
                    Err(e) => Err(json_problem(&e)),
                };
            }
            Err(e) => return Err(format!("line {}: not valid JSON ({e})", i + 1)),
        }
    }
    let Some(table) = table_of_objects(objs.iter().map(|(_, o)| o)) else { return Ok(None) };
    let records = objs.iter().map(|(line, o)| Record::new(*line, table, fields_of(o))).collect();
    Ok(Some(Export { name: name.to_string(), table, shape: "ndjson", records }))
}

/// The Log Analytics query API's response (`{"tables": [{"name": "PrimaryResult", "columns":
/// [{"name": "DeviceName", "type": "string"}, ...], "rows": [["PC-01", ...], ...]}]}`: Microsoft
/// Learn, "Azure Monitor Log Analytics API: response format"): the first table whose columns
/// are one of ours, a record per row, each at the line its row starts on.
fn read_tables(name: &str, text: &str, o: &serde_json::Map<String, serde_json::Value>) -> Result<Option<Export>, String> {
    let tables = o.get("tables").and_then(|t| t.as_array()).map(Vec::as_slice).unwrap_or_default();
    let row_lines = row_lines(text);
    let mut before = 0;
    for t in tables {
        let rows = t.get("rows").and_then(|r| r.as_array()).map(Vec::as_slice).unwrap_or_default();
        let columns: Vec<String> = t
            .get("columns")
            .and_then(|c| c.as_array())
            .map(|c| c.iter().map(|c| c.get("name").and_then(|n| n.as_str()).unwrap_or("").to_string()).collect())
            .unwrap_or_default();
        let keys: Vec<String> = columns.iter().map(|c| norm(c)).collect();
        let Some(table) = Table::of_columns(|c| keys.iter().any(|k| k == c)) else {
            before += rows.len();
            continue;
        };
        let mut records = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let line = row_lines.get(before + i).copied().unwrap_or(1);
            let cells = row.as_array().ok_or_else(|| format!("line {line}: row {} is not an array", i + 1))?;
            if cells.len() != columns.len() {
                return Err(format!("line {line}: row {} has {} values for {} columns", i + 1, cells.len(), columns.len()));
            }
            let object: serde_json::Map<String, serde_json::Value> = columns.iter().cloned().zip(cells.iter().cloned()).collect();
            records.push(Record::new(line, table, fields_of(&object)));
        }
        return Ok(Some(Export { name: name.to_string(), table, shape: "json", records }));
    }
    Ok(None)
}

/// The line each row of a query response's tables starts on: the arrays four levels deep
/// (`{"tables": [{"rows": [[`), in order.
fn row_lines(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    structure(text, |c, line, depth| {
        if c == '[' && depth == 4 {
            out.push(line);
        }
    });
    out
}

/// The line each element of a top-level JSON array starts on.
fn element_lines(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut expect = false;
    structure(text, |c, line, depth| {
        if depth == 1 && expect && !c.is_whitespace() && c != ',' && c != ']' {
            out.push(line);
            expect = false;
        }
        match c {
            '[' | '{' if depth == 0 => expect = true,
            ',' if depth == 1 => expect = true,
            _ => {}
        }
    });
    out
}

/// Walks JSON text: `each(c, line, depth)` for every character outside strings (a string's
/// opening quote included), with its 1-based line and the nesting depth before it.
fn structure(text: &str, mut each: impl FnMut(char, usize, usize)) {
    let (mut depth, mut line, mut in_str, mut esc) = (0usize, 1usize, false, false);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        each(c, line, depth);
        match c {
            '"' => in_str = true,
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "TenantId,AlertId,AlertType,AlertSubtype,AlertStatus,DeviceName,AzureADDeviceId,Description,ErrorCode,\"StartTime [UTC]\"";

    #[test]
    fn csv_with_quotes_commas_line_breaks_and_a_bom() {
        let csv = format!(
            "\u{feff}{HEAD}\r\nt,a1,ClientUpdateAlert,DiskFull,Active,PC-1,e1,\"Disk full, \"\"C:\"\" has 2 GB\",0x80070070,2026-11-20 10:00:00\r\nt,a2,ClientDeviceAlert,EndOfService,Active,PC-2,e2,\"two\nlines\",,2026-11-21 08:00:00\r\n"
        );
        let x = read("alerts.csv", csv.as_bytes()).unwrap().unwrap();
        assert_eq!((x.table, x.shape, x.records.len()), (Table::DeviceAlert, "csv", 2));
        assert_eq!(x.records[0].get("Description"), "Disk full, \"C:\" has 2 GB");
        assert_eq!(x.records[0].get("StartTime [UTC]"), "2026-11-20 10:00:00");
        assert_eq!(x.records[0].get("starttime"), "2026-11-20 10:00:00");
        assert_eq!((x.records[0].line, x.records[1].line), (2, 3));
        assert_eq!(x.records[1].get("Description"), "two\nlines");
        assert!(looks_like(csv.as_bytes()));
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(csv.trim_start_matches('\u{feff}').encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert!(looks_like(&utf16));
        assert_eq!(read("alerts.csv", &utf16).unwrap().unwrap().records[1].get("Description"), "two\nlines");
    }

    #[test]
    fn json_array_and_ndjson_with_their_lines() {
        let json = "[\n  {\"AlertId\": \"a1\", \"AlertSubtype\": \"DiskFull\", \"DeviceName\": \"PC-1\", \"UpdateCategory\": \"WindowsQualityUpdate\",\n   \"Description\": \"a } and a [ in text\"},\n  {\"AlertId\": \"a2\", \"AlertSubtype\": \"X\", \"DeviceName\": \"PC-2\", \"AlertRank\": 1000}\n]\n";
        let x = read("a.json", json.as_bytes()).unwrap().unwrap();
        assert_eq!((x.table, x.shape), (Table::UpdateAlert, "json"));
        assert_eq!(x.records.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(x.records[1].get("AlertRank"), "1000");
        let nd = "{\"AlertId\":\"a1\",\"AlertSubtype\":\"DiskFull\",\"DeviceName\":\"PC-1\",\"Type\":\"UCDeviceAlert\"}\n\n{\"AlertId\":\"a2\",\"AlertSubtype\":\"X\",\"DeviceName\":\"PC-2\",\"Type\":\"UCUpdateAlert\"}\n";
        let x = read("a.ndjson", nd.as_bytes()).unwrap().unwrap();
        assert_eq!(x.shape, "ndjson");
        assert_eq!(x.records.iter().map(|r| (r.line, r.table)).collect::<Vec<_>>(), [(1, Table::DeviceAlert), (3, Table::UpdateAlert)]);
        assert!(looks_like(nd.as_bytes()) && looks_like(json.as_bytes()));
    }

    #[test]
    fn a_log_analytics_query_response() {
        let rest = "{\n  \"tables\": [\n    {\n      \"name\": \"PrimaryResult\",\n      \"columns\": [\n        {\"name\": \"DeviceName\", \"type\": \"string\"},\n        {\"name\": \"AlertId\", \"type\": \"string\"},\n        {\"name\": \"AlertSubtype\", \"type\": \"string\"},\n        {\"name\": \"ErrorCode\", \"type\": \"string\"},\n        {\"name\": \"UpdateCategory\", \"type\": \"string\"}\n      ],\n      \"rows\": [\n        [\"PC-1\", \"a1\", \"DownloadFailure\", \"0x80072EE2\", \"WindowsQualityUpdate\"],\n        [\"PC-2\", \"a2\", \"[odd] text\", null, \"WindowsQualityUpdate\"]\n      ]\n    }\n  ]\n}\n";
        assert!(looks_like(rest.as_bytes()));
        let x = read("query.json", rest.as_bytes()).unwrap().unwrap();
        assert_eq!((x.table, x.shape), (Table::UpdateAlert, "json"));
        assert_eq!(
            x.records.iter().map(|r| (r.line, r.get("DeviceName"), r.get("ErrorCode"))).collect::<Vec<_>>(),
            [(13, "PC-1", "0x80072EE2"), (14, "PC-2", "")]
        );
        let short = rest.replace(", \"WindowsQualityUpdate\"],\n        [\"PC-2\"", "],\n        [\"PC-2\"");
        assert_eq!(read("q.json", short.as_bytes()).unwrap_err(), "q.json: line 13: row 1 has 4 values for 5 columns");
    }

    #[test]
    fn a_client_update_status_export() {
        let csv = "DeviceName,AzureADDeviceId,TargetKBNumber,ClientState,ClientSubstate,ClientSubstateTime [UTC]\nPC-1,e1,KB5044273,Installing,DownloadStart,2026-11-20 10:00\n";
        let x = read("s.csv", csv.as_bytes()).unwrap().unwrap();
        assert_eq!(x.table, Table::ClientUpdateStatus);
        assert_eq!(x.records[0].get("TargetKBNumber"), "KB5044273");
    }

    #[test]
    fn other_files_are_no_export() {
        for (name, text) in [
            ("fleet.csv", "machine,bundle,status\nPC-1,x,ok\n"),
            ("notes.json", "[{\"DeviceName\": \"PC-1\"}]"),
            ("row.ndjson", "{\"machine\": \"PC-1\"}\n"),
            ("WindowsUpdate.log", "2024/05/31 16:45:56.1360371 1234 5678 Agent  * START *\n"),
        ] {
            assert_eq!(read(name, text.as_bytes()), Ok(None), "{name}");
            assert!(!looks_like(text.as_bytes()), "{name}");
        }
    }

    #[test]
    fn a_damaged_export_says_where_and_what() {
        let cut = "[\n{\"AlertId\": \"a1\", \"AlertSubtype\": \"DiskFull\", \"DeviceName\": \"PC-1\"},\n{\"AlertId\": \"a2\", \"AlertSub";
        assert!(looks_like(cut.as_bytes()));
        let e = read("cut.json", cut.as_bytes()).unwrap_err();
        assert!(e.starts_with("cut.json: line 3: the JSON ends before it is complete"), "{e}");
        let ragged = format!("{HEAD}\nt,a1,ClientUpdateAlert,DiskFull,Active,PC-1\n");
        let e = read("ragged.csv", ragged.as_bytes()).unwrap_err();
        assert_eq!(e, "ragged.csv: line 2: a row of 6 fields under a header of 10 columns");
        let e = read("bad.ndjson", b"{\"AlertId\":\"a\",\"AlertSubtype\":\"x\",\"DeviceName\":\"p\"}\n{oops}\n").unwrap_err();
        assert!(e.starts_with("bad.ndjson: line 2: not valid JSON"), "{e}");
    }
}
