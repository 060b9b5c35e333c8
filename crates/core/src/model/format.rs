//! The log formats wulens reads (detected from content by `read::detect`).

use serde::{Deserialize, Serialize};

/// A log's line format, which picks its parser (detected from content by `read::detect`; the file name only breaks ties).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// ConfigMgr client/server logs: `<![LOG[msg]LOG]!><time=".." date=".." component=".." ...>`.
    Cmtrace,
    /// Older ConfigMgr site logs: `msg $$<Component><MM-DD-YYYY HH:MM:SS.mmm+bias><thread=N (0xN)>`.
    CmtraceSimple,
    /// Windows 7 / 2008 R2 WindowsUpdate.log: tab-separated date, time, PID, TID, component, text.
    WindowsUpdateLegacy,
    /// Windows 10+ text written by `Get-WindowsUpdateLog` from the ETW traces.
    WindowsUpdateEtw,
    /// `%windir%\Logs\CBS\CBS.log`.
    Cbs,
    /// `%windir%\Logs\DISM\dism.log` (same line format as CBS.log).
    Dism,
    /// Windows setup and sysprep: `setupact.log` / `setuperr.log` (Panther, Rollback,
    /// `System32\Sysprep\Panther`). CBS.log's line format, with setup's own components and,
    /// on some lines, a message id after the level (`Error      [0x0f0070] SYSPRP ...`).
    Setup,
    /// SetupAPI's device installation logs (`setupapi.dev.log`, `setupapi.app.log`,
    /// `setupapi.offline.log`): `>>>  [section title]`, `>>>  Section start <date time>`,
    /// entries (`!!!` error, `!` warning), `<<<  Section end`, `<<<  [Exit status: ...]`.
    SetupApi,
    /// Delivery Optimization's log as `Get-DeliveryOptimizationLog` writes it (one line per
    /// record, Format-List blocks or CSV; see `read/parse/dolog.rs`).
    DeliveryOptimization,
    /// WSUS server `SoftwareDistribution.log` (times in UTC).
    WsusSoftwareDistribution,
    /// The agent's `ReportingEvents.log`: one tab-separated line per finished operation.
    WindowsUpdateReportingEvents,
    /// `reg query ...\WindowsUpdate /s` output.
    RegQuery,
    /// A `.reg` file from `reg export`.
    RegExport,
    /// `netsh winhttp show proxy` output.
    NetshWinhttp,
    /// `MDMDiagReport.xml`, MdmDiagnosticsTool's report of the MDM state (the update ring).
    MdmReport,
    /// Anything else that is text: every line kept, codes still found.
    PlainText,
    /// A binary Windows event log (`.evtx`), its events rendered one per line (times in UTC) in
    /// Get-WindowsUpdateLog's layout: `time PID TID Provider Event <id>, record <n>, ...`.
    EventLog,
    /// Not text (and `.etl` traces that cannot be decoded: WPP, damaged, empty).
    Binary,
    /// Zero bytes.
    Empty,
}

impl LogFormat {
    /// The report's string for it (`cmtrace`, `windowsupdate_etw`, `evtx`).
    pub fn id(self) -> &'static str {
        match self {
            LogFormat::Cmtrace => "cmtrace",
            LogFormat::CmtraceSimple => "cmtrace_simple",
            LogFormat::WindowsUpdateLegacy => "windowsupdate_legacy",
            LogFormat::WindowsUpdateEtw => "windowsupdate_etw",
            LogFormat::Cbs => "cbs",
            LogFormat::Dism => "dism",
            LogFormat::Setup => "setup",
            LogFormat::SetupApi => "setupapi",
            LogFormat::DeliveryOptimization => "delivery_optimization",
            LogFormat::WsusSoftwareDistribution => "wsus_softwaredistribution",
            LogFormat::WindowsUpdateReportingEvents => "windowsupdate_reportingevents",
            LogFormat::RegQuery => "reg_query",
            LogFormat::RegExport => "reg_export",
            LogFormat::NetshWinhttp => "netsh_winhttp",
            LogFormat::MdmReport => "mdm_report",
            LogFormat::EventLog => "evtx",
            LogFormat::PlainText => "plain_text",
            LogFormat::Binary => "binary",
            LogFormat::Empty => "empty",
        }
    }

    /// Its name for people (`CBS.log`, `CMTrace (ConfigMgr)`), shown in the file list.
    pub fn label(self) -> &'static str {
        match self {
            LogFormat::Cmtrace => "CMTrace (ConfigMgr)",
            LogFormat::CmtraceSimple => "ConfigMgr simple ($$<)",
            LogFormat::WindowsUpdateLegacy => "WindowsUpdate.log (Windows 7/8)",
            LogFormat::WindowsUpdateEtw => "WindowsUpdate.log (Get-WindowsUpdateLog)",
            LogFormat::Cbs => "CBS.log",
            LogFormat::Dism => "DISM.log",
            LogFormat::Setup => "Windows setup log (setupact/setuperr)",
            LogFormat::SetupApi => "SetupAPI device install log (setupapi.dev.log)",
            LogFormat::DeliveryOptimization => "Delivery Optimization log (Get-DeliveryOptimizationLog)",
            LogFormat::WsusSoftwareDistribution => "WSUS SoftwareDistribution.log",
            LogFormat::WindowsUpdateReportingEvents => "ReportingEvents.log (Windows Update)",
            LogFormat::RegQuery => "reg query output",
            LogFormat::RegExport => "Registry export (.reg)",
            LogFormat::NetshWinhttp => "netsh winhttp show proxy",
            LogFormat::MdmReport => "MDM diagnostics report (MDMDiagReport.xml)",
            LogFormat::EventLog => "Windows event log (.evtx)",
            LogFormat::PlainText => "Plain text",
            LogFormat::Binary => "Binary (not a text log)",
            LogFormat::Empty => "Empty file",
        }
    }

    /// True for inputs that describe client configuration rather than log events.
    pub fn is_configuration(self) -> bool {
        matches!(self, LogFormat::RegQuery | LogFormat::RegExport | LogFormat::NetshWinhttp | LogFormat::MdmReport)
    }
}
