//! `wulens`: the native command line over the same core as the web app.
//!
//! Exit codes: 0 success; 1 `code` was given something that is not a 32-bit code; 2 unusable
//! input (a path that cannot be read, or nothing that could be analyzed), with a message on stderr.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use files::Reading;
use wulens_core::{Analysis, Limits, Report};

mod allocator;
mod collect;
mod files;
mod fleet;
mod follow;
mod machine;
mod redact;
mod serve;

#[derive(Parser)]
#[command(
    name = "wulens",
    version,
    about = "Analyze Windows Update and ConfigMgr software-update logs: every error code explained, where the client scan broke, what to do next."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyze log files, folders (read recursively) and zip bundles together.
    Analyze {
        /// Files, folders or .zip bundles (for example a client's CCM\Logs folder and WindowsUpdate.log).
        #[arg(required_unless_present = "this_machine")]
        paths: Vec<PathBuf>,
        /// On Windows: read this machine's logs where Windows keeps them (CCM\Logs, the Windows
        /// Update traces, CBS, DISM, setup, the event logs) and its Windows Update policy and
        /// WinHTTP proxy from the registry; with PATHS, those too.
        #[arg(long)]
        this_machine: bool,
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Read every file into memory instead of mapping big ones (for logs another program
        /// may rewrite or truncate while wulens reads them).
        #[arg(long)]
        no_mmap: bool,
        /// For sharing: replace computer, host and user names, IP and MAC addresses, account
        /// SIDs, e-mail addresses and device ids in every string of the report with stable
        /// pseudonyms (HOST-1, USER-1, ...); what was replaced is said on stderr.
        #[arg(long)]
        redact: bool,
    },
    /// For sharing: the logs themselves with their identifiers replaced by stable pseudonyms,
    /// in one zip (same names and folders; event logs and traces as the text wulens decodes);
    /// what was replaced is said on stderr.
    Redact {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The zip to write.
        #[arg(short, long)]
        out: PathBuf,
        /// Read every file into memory instead of mapping big ones.
        #[arg(long)]
        no_mmap: bool,
    },
    /// Every update and servicing target the logs name, joined across them, with what happened
    /// to it and where it stands when the logs end (failing and stalled first).
    Updates {
        /// Files, folders or .zip bundles, as for `analyze`.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
        /// Read every file into memory instead of mapping big ones.
        #[arg(long)]
        no_mmap: bool,
    },
    /// Explain one error code, in any notation: 0x8024401B, 8024401b, -2145107941, 2149859355, WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ.
    Code {
        /// Signed decimals as the ConfigMgr console shows them (-2145107941) are values, not flags.
        #[arg(allow_negative_numbers = true)]
        code: String,
        /// The update the code was written for (KB5034441): what the code means for it leads.
        #[arg(long, value_name = "KB")]
        kb: Option<String>,
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
    },
    /// Search the knowledge base by code prefix, symbolic name or words ("proxy 407", "catroot2").
    Search {
        #[arg(required = true, num_args = 1.., allow_negative_numbers = true)]
        query: Vec<String>,
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
        /// Maximum number of results.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Knowledge-base tools.
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
    /// Print the merged timeline of several logs, ordered by UTC time.
    Timeline {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Only records of severity warning or error.
        #[arg(long)]
        problems: bool,
        /// Keep following the files as they grow (Ctrl+C to stop), as CMTrace does.
        #[arg(long)]
        follow: bool,
        /// Read every file into memory instead of mapping big ones.
        #[arg(long)]
        no_mmap: bool,
    },
    /// Many machines at once: every zip or folder under PATH is one machine's logs; the machines
    /// are grouped by root cause (where it broke, root code, leading finding), largest group first.
    Fleet {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = fleet::FleetFormat::Text)]
        format: fleet::FleetFormat,
        /// A Windows Update for Business reports export (UCDeviceAlert, UCUpdateAlert,
        /// UCClientUpdateStatus; CSV, JSON or NDJSON from Log Analytics) to join to the machines;
        /// repeatable. Exports at the top of a PATH folder are found by their columns too.
        #[arg(long, value_name = "FILE")]
        wufb: Vec<PathBuf>,
    },
    /// What to collect from a client (and how) so that wulens can answer.
    CollectHelp,
    /// On Windows: write this machine's logs and configuration (what `analyze --this-machine`
    /// reads) into one zip for a ticket.
    Collect {
        /// The zip to write (default: wulens-COMPUTERNAME-DATE.zip in the current folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Redact the logs as `wulens redact` does (the zip then holds text only).
        #[arg(long)]
        redact: bool,
    },
    /// On Windows: this machine's row of `wulens fleet --format ndjson` (one line of JSON), for
    /// a scheduled task or a ConfigMgr script that drops rows on a share.
    FleetRow {
        #[arg(long, required = true)]
        this_machine: bool,
    },
    /// Serve the web app from inside wulens on 127.0.0.1 and open it in the browser.
    Serve {
        /// The port (default: a free one).
        #[arg(long)]
        port: Option<u16>,
        /// Do not open a browser; only print the address.
        #[arg(long)]
        no_open: bool,
    },
}

#[derive(Subcommand)]
enum KbCommand {
    /// Write the whole knowledge base as JSON (for wikis and tooling).
    Export,
    /// Counts per category and origin.
    Stats,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum TableFormat {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    allocator::tune();
    let cli = Cli::parse();
    // Buffered: stdout is line-buffered, which would cost a write per line of JSON.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let result = run(cli.command, &mut out).and_then(|code| out.flush().map(|_| code));
    match result {
        Ok(code) => code,
        // A closed pipe (`wulens ... | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wulens: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command, mut out: &mut impl Write) -> std::io::Result<ExitCode> {
    match command {
        Command::Analyze { paths, this_machine, format, no_mmap, redact } => {
            let how = Analyze { this: this_machine, format, reading: reading(no_mmap), redact };
            analyze(&paths, how, &mut out)
        }
        Command::Redact { paths, out: zip, no_mmap } => redact_logs(&paths, &zip, reading(no_mmap), &mut out),
        Command::Updates { paths, format, no_mmap } => updates(&paths, format, reading(no_mmap), &mut out),
        Command::Code { code, kb, format } => explain_code(&code, kb.as_deref(), format, &mut out),
        Command::Search { query, format, limit } => search(&query.join(" "), format, limit, &mut out),
        Command::Kb { command: KbCommand::Export } => write_json(&mut out, &wulens_kb::export()).map(|_| ExitCode::SUCCESS),
        Command::Kb { command: KbCommand::Stats } => kb_stats(&mut out),
        Command::Timeline { paths, problems, follow: true, .. } => follow::run(&paths, problems, &mut out),
        Command::Timeline { paths, problems, follow: false, no_mmap } => timeline(&paths, problems, reading(no_mmap), &mut out),
        Command::Fleet { paths, format, wufb } => fleet::run(&paths, &wufb, format, &mut out),
        Command::CollectHelp => out.write_all(wulens_core::collect::help_text().as_bytes()).map(|_| ExitCode::SUCCESS),
        Command::Collect { out: path, redact } => collect::run(path, redact, &mut out),
        Command::FleetRow { .. } => fleet_row(&mut out),
        Command::Serve { port, no_open } => serve::run(port, !no_open, &mut out),
    }
}

fn reading(no_mmap: bool) -> Reading {
    if no_mmap {
        Reading::Copy
    } else {
        Reading::MapBig
    }
}

fn write_json(out: &mut impl Write, v: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    out.write_all(b"\n")
}

fn load(paths: &[PathBuf], reading: Reading) -> Result<Analysis, ExitCode> {
    let inputs = files::read_inputs(paths, reading).map_err(|e| {
        eprintln!("wulens: {e}");
        ExitCode::from(2)
    })?;
    load_inputs(inputs)
}

/// This machine's logs and configuration (notes on what could not be read on stderr), then the
/// inputs of `paths`.
fn this_machine(paths: &[PathBuf], reading: Reading) -> Result<(machine::Snapshot, Vec<wulens_core::Input>), ExitCode> {
    let fail = |e: String| {
        eprintln!("wulens: {e}");
        ExitCode::from(2)
    };
    let mut snapshot = machine::this_machine().map_err(fail)?;
    for note in &snapshot.notes {
        eprintln!("wulens: {note}");
    }
    if snapshot.items.iter().all(|i| i.input.name.starts_with(machine::REGISTRY)) {
        eprintln!(
            "wulens: found no log in the folders where Windows and the ConfigMgr client keep them under {}: only the configuration is read",
            snapshot.source
        );
    }
    let mut inputs: Vec<wulens_core::Input> = std::mem::take(&mut snapshot.items).into_iter().map(|i| i.input).collect();
    inputs.extend(files::read_inputs(paths, reading).map_err(fail)?);
    Ok((snapshot, inputs))
}

fn load_inputs(inputs: Vec<wulens_core::Input>) -> Result<Analysis, ExitCode> {
    let analysis = Analysis::from_inputs(inputs, &Limits::default());
    for w in &analysis.warnings {
        eprintln!("wulens: {}: {}", w.name, w.message);
    }
    // Every input not read, by its path, with why (its note, less its own name before it).
    for f in analysis.files.iter().filter(|f| !f.is_text()) {
        let base = wulens_core::model::base_name(&f.name);
        let why = f.notes.first().map_or(f.format.label(), |n| n.strip_prefix(base).map_or(n.as_str(), str::trim_start));
        eprintln!("wulens: {}: {why}", f.name);
    }
    if !analysis.files.iter().any(|f| f.is_text()) {
        eprintln!("wulens: nothing to analyze: none of the inputs is a text log");
        return Err(ExitCode::from(2));
    }
    Ok(analysis)
}

/// How `analyze` runs.
struct Analyze {
    this: bool,
    format: ReportFormat,
    reading: Reading,
    redact: bool,
}

fn analyze(paths: &[PathBuf], how: Analyze, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let loaded = if how.this {
        this_machine(paths, how.reading).and_then(|(snapshot, inputs)| load_inputs(inputs).map(|a| (a, Some(snapshot.computer))))
    } else {
        load(paths, how.reading).map(|a| (a, None))
    };
    let (analysis, computer) = match loaded {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let mut report = Report::build(&analysis);
    if how.redact {
        // One redactor, taught by every text of the drop (and this machine's name), over every
        // string that leaves.
        let mut redactor = redact::learned(&analysis);
        if let Some(c) = computer {
            redactor.learn_name(wulens_core::redact::Kind::Host, &c);
        }
        report = wulens_core::redact::report(&report, &mut redactor).map_err(std::io::Error::other)?;
        eprint!("wulens: {}", redactor.summary().text());
    }
    match how.format {
        ReportFormat::Json => write_json(out, &report)?,
        ReportFormat::Text => out.write_all(wulens_core::report::text(&report).as_bytes())?,
        ReportFormat::Markdown => out.write_all(wulens_core::report::markdown(&report).as_bytes())?,
    }
    // The process ends next: its memory goes back to the system at once, so the analysis (a
    // big log's text, entries and hits) is not freed piece by piece first (7-10 ms at 100 MB).
    std::mem::forget(analysis);
    Ok(ExitCode::SUCCESS)
}

/// `wulens updates`: the report's ledger as a table, JSON or CSV.
fn updates(paths: &[PathBuf], format: TableFormat, reading: Reading, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let analysis = match load(paths, reading) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let report = Report::build(&analysis);
    match format {
        TableFormat::Json => write_json(out, &report.ledger)?,
        TableFormat::Text => out.write_all(wulens_core::ledger::text(&report.ledger, report.ledger_total).as_bytes())?,
        TableFormat::Csv => out.write_all(wulens_core::ledger::csv(&report.ledger).as_bytes())?,
    }
    std::mem::forget(analysis);
    Ok(ExitCode::SUCCESS)
}

/// `wulens redact PATH... -o FILE.zip`.
fn redact_logs(paths: &[PathBuf], zip: &std::path::Path, reading: Reading, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let analysis = match load(paths, reading) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let mut redactor = redact::learned(&analysis);
    match redact::write_file(&analysis, &mut redactor, zip) {
        Ok((size, files)) => {
            eprint!("wulens: {}", redactor.summary().text());
            writeln!(out, "{}: {files} redacted logs, {size} bytes", zip.display())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("wulens: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

/// `fleet-row --this-machine`: the machine's row, named by its computer name.
fn fleet_row(out: &mut impl Write) -> std::io::Result<ExitCode> {
    let (snapshot, inputs) = match this_machine(&[], Reading::Copy) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let row = wulens_core::fleet::MachineRow::from_inputs(&snapshot.computer, &snapshot.source, inputs);
    out.write_all(wulens_core::fleet::ndjson(&[row]).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn explain_code(input: &str, kb: Option<&str>, format: OutFormat, out: &mut impl Write) -> std::io::Result<ExitCode> {
    match wulens_kb::lookup(input) {
        Ok(l) => {
            match format {
                OutFormat::Json => match kb {
                    // What the code means for that update, beside the entry's fields.
                    Some(kb) => {
                        #[derive(serde::Serialize)]
                        struct ForUpdate<'a> {
                            #[serde(flatten)]
                            lookup: &'a wulens_kb::Lookup,
                            for_update: Vec<wulens_kb::ContextDoc>,
                        }
                        let for_update = l.entry.map(|e| e.contexts_for_update(kb).map(|c| c.doc()).collect()).unwrap_or_default();
                        write_json(out, &ForUpdate { lookup: &l, for_update })?
                    }
                    None => write_json(out, &l)?,
                },
                OutFormat::Text => out.write_all(wulens_core::report::code_text_for(&l, kb).as_bytes())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("wulens: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

fn search(query: &str, format: OutFormat, limit: usize, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let hits = wulens_kb::search(query, limit);
    match format {
        OutFormat::Json => write_json(out, &hits)?,
        OutFormat::Text => {
            if hits.is_empty() {
                writeln!(out, "No knowledge-base entry matches {query:?}.")?;
            }
            for h in &hits {
                let guidance = if h.has_guidance { "  [guidance]" } else { "" };
                writeln!(out, "{}  {:<44} {}{}", h.code, h.symbol, h.message, guidance)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn kb_stats(out: &mut impl Write) -> std::io::Result<ExitCode> {
    let entries = wulens_kb::entries();
    writeln!(out, "{} entries, {} with guidance, {} symbols", entries.len(), entries.iter().filter(|e| e.has_guidance()).count(), wulens_kb::symbols().len())?;
    for c in wulens_kb::category_counts() {
        writeln!(out, "  {:<16} {:>6}  {}", c.id, c.count, c.label)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn timeline(paths: &[PathBuf], problems: bool, reading: Reading, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let analysis = match load(paths, reading) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let mut w = std::io::BufWriter::new(out);
    for r in analysis.timeline(|_| true) {
        let f = &analysis.files[r.file as usize];
        let e = &f.entries[r.entry as usize];
        if problems && e.severity < wulens_core::model::Severity::Warning {
            continue;
        }
        timeline_line(f, r.entry as usize, &mut w)?;
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One record of the merged timeline: time, severity, file:line, the message on one line.
fn timeline_line(f: &wulens_core::model::LogFile, entry: usize, w: &mut impl Write) -> std::io::Result<()> {
    let e = &f.entries[entry];
    let time = wulens_core::model::time_of(f, entry).unwrap_or_default();
    let msg = f.message(e).replace(['\r', '\n'], " ");
    writeln!(w, "{time:<29} {:<7} {}:{}  {msg}", e.severity.label(), wulens_core::model::base_name(&f.name), e.line)
}
