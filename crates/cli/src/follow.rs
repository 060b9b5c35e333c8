//! `wulens timeline --follow`: the merged timeline of logs that are still being written, as
//! CMTrace follows a log while a scan runs.
//!
//! Once a second the files' sizes are checked; when one changed, the drop is read again and only
//! records not printed before are printed, in merged time order. A record whose file does not
//! yet end with a line break is held back until it does (it may still be growing). A file that
//! shrinks was rotated or truncated: it is followed again from its start, with a note.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wulens_core::model::Severity;
use wulens_core::{Analysis, Limits};

/// Poll once a second (`WULENS_FOLLOW_MS` sets another interval) until Ctrl+C.
pub fn run(paths: &[PathBuf], problems: bool, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    let interval = Duration::from_millis(std::env::var("WULENS_FOLLOW_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000));
    let mut printed: HashMap<String, usize> = HashMap::new();
    let mut last_sizes: Vec<(String, usize)> = Vec::new();
    loop {
        let inputs = match crate::files::read_inputs(paths, crate::files::Reading::Copy) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("wulens: {e}");
                return Ok(ExitCode::from(2));
            }
        };
        let sizes: Vec<(String, usize)> = inputs.iter().map(|i| (i.name.clone(), i.bytes.len())).collect();
        if sizes != last_sizes {
            // A file whose last line has no line break yet: its last record may still grow.
            let open_ended: Vec<String> = inputs.iter().filter(|i| !i.bytes.is_empty() && !i.bytes.ends_with(b"\n")).map(|i| i.name.clone()).collect();
            let a = Analysis::from_inputs(inputs, &Limits::default());
            print_new(&a, &open_ended, problems, &mut printed, out)?;
            out.flush()?;
            last_sizes = sizes;
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(ExitCode::SUCCESS);
        }
        std::thread::sleep(interval);
    }
}

fn print_new(a: &Analysis, open_ended: &[String], problems: bool, printed: &mut HashMap<String, usize>, out: &mut impl Write) -> std::io::Result<()> {
    // Where each file's new records begin, and up to where they are complete.
    let mut from: Vec<usize> = Vec::with_capacity(a.files.len());
    let mut to: Vec<usize> = Vec::with_capacity(a.files.len());
    for f in &a.files {
        let n = f.entries.len();
        let mut start = printed.get(&f.name).copied().unwrap_or(0);
        if start > n {
            writeln!(out, "== {} is shorter than before (rotated or truncated): following it from its start ==", f.name)?;
            start = 0;
        }
        let end = if open_ended.contains(&f.name) { n.saturating_sub(1).max(start) } else { n };
        from.push(start);
        to.push(end);
        printed.insert(f.name.clone(), end);
    }
    for r in a.timeline(|_| true) {
        let (fi, ei) = (r.file as usize, r.entry as usize);
        if ei < from[fi] || ei >= to[fi] {
            continue;
        }
        let f = &a.files[fi];
        let e = &f.entries[ei];
        if problems && e.severity < Severity::Warning {
            continue;
        }
        crate::timeline_line(f, ei, out)?;
    }
    Ok(())
}
