//! What to collect: the commands that gather every log and setting wulens reads
//! (`collect/artifacts.toml`), the client's into one zip, for `wulens collect-help` and the web
//! page's "What to collect".

use std::fmt::Write;

use crate::diagnose::ARTIFACTS;
use crate::model::RunOn;

/// One thing to collect, for `wulens collect-help` and the web page.
pub struct CollectStep {
    /// What it is, in words (`CBS and DISM logs`).
    pub what: &'static str,
    /// The PowerShell that collects it into C:\Temp\wulens.
    pub command: &'static str,
    /// What wulens reads from it; empty for the steps around the artifacts.
    pub why: &'static str,
    /// Where to run `command`.
    pub on: RunOn,
    /// The artifact's id (`collect_next[].artifact`); empty for the steps around them.
    pub artifact: &'static str,
}

const FOLDER: CollectStep = CollectStep {
    what: "Make a folder for everything",
    command: "New-Item -ItemType Directory -Force C:\\Temp\\wulens | Out-Null",
    why: "",
    on: RunOn::Client,
    artifact: "",
};

const ZIP: CollectStep = CollectStep {
    what: "Zip it into one bundle",
    command: "Compress-Archive C:\\Temp\\wulens\\* \"C:\\Temp\\wulens-$env:COMPUTERNAME-$(Get-Date -Format yyyy-MM-dd).zip\" -Force",
    why: "named after the computer, so a folder of them is a fleet with each machine named; drop the zip on wulens, nothing leaves your machine",
    on: RunOn::Client,
    artifact: "",
};

/// Every step in order: the client's (a folder, each artifact, the zip: one script), then each
/// server's artifacts, each run on that server into the same folder.
pub fn steps() -> Vec<CollectStep> {
    let step = |a: &'static crate::diagnose::ArtifactDef| CollectStep { what: a.what, command: a.command, why: a.shows, on: a.on, artifact: a.id };
    let mut out = vec![FOLDER];
    out.extend(ARTIFACTS.iter().filter(|a| a.on == RunOn::Client).map(step));
    out.push(ZIP);
    out.extend(ARTIFACTS.iter().filter(|a| a.on != RunOn::Client).map(step));
    out
}

/// The client's steps as one script, to paste into an elevated PowerShell.
pub fn client_script() -> String {
    steps().iter().filter(|s| s.on == RunOn::Client).map(|s| s.command).collect::<Vec<_>>().join("\n")
}

/// What to collect, for `wulens collect-help` (the web page lists the same steps).
pub fn help_text() -> String {
    let mut o = String::new();
    let _ = writeln!(o, "What to collect for wulens (run on the affected client, in an elevated PowerShell):\n");
    let steps = steps();
    let mut on = RunOn::Client;
    for (i, s) in steps.iter().enumerate() {
        if s.on != on {
            on = s.on;
            let _ = writeln!(o, "\nThen {}, if the client's logs point there (into C:\\Temp\\wulens, added to the zip):\n", on.words());
        }
        let _ = writeln!(o, "{}. {}", i + 1, s.what);
        let _ = writeln!(o, "     {}", s.command);
        if !s.why.is_empty() {
            let _ = writeln!(o, "     shows: {}", s.why);
        }
    }
    let _ = writeln!(o, "\nThen drop the zip (or the folder) on the wulens page, or run: wulens analyze C:\\Temp\\wulens-<COMPUTERNAME>-<date>.zip");
    o
}
