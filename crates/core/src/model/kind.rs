//! Which log a file is (`WUAHandler.log`, `WindowsUpdate.log`, `CBS.log`, ...), decided once per
//! file when it is read. Flows and rules name logs by these kinds; a file's kind comes from its
//! content where the content is decisive, else from its name, else from its main component.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::{Entry, LogFormat};

/// The logs wulens knows by name. `Other` is every other file (still parsed, viewed and searched).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogKind {
    /// ConfigMgr client `ScanAgent.log`: scan requests and their results.
    ScanAgent,
    /// ConfigMgr client `LocationServices.log`: how it finds its management point and software update point.
    LocationServices,
    /// ConfigMgr client `CcmMessaging.log`: messages to and from the management point.
    CcmMessaging,
    /// `MP_Location.log` of a management point (site system, not client).
    MpLocation,
    /// ConfigMgr client `WUAHandler.log`: the client driving the Windows Update agent.
    WuaHandler,
    /// The Windows Update agent's `WindowsUpdate.log` (legacy text or decoded ETW).
    WindowsUpdate,
    /// ConfigMgr client `UpdatesStore.log`: the updates' states as the client stores them.
    UpdatesStore,
    /// ConfigMgr client `StateMessage.log`: state messages sent to the site.
    StateMessage,
    /// ConfigMgr client `UpdatesDeployment.log`: deployments, assignments and their evaluation.
    UpdatesDeployment,
    /// ConfigMgr client `UpdatesHandler.log`: downloads and installs ConfigMgr asks for.
    UpdatesHandler,
    /// ConfigMgr client `PolicyAgent.log`: policies downloaded from the site.
    PolicyAgent,
    /// A WSUS server's `SoftwareDistribution.log` (synchronization, UTC).
    SoftwareDistribution,
    /// ConfigMgr client `ServiceWindowManager.log`: maintenance windows, by type.
    ServiceWindowManager,
    /// ConfigMgr client `RebootCoordinator.log`: the restarts software update installs ask for.
    RebootCoordinator,
    /// ConfigMgr client `CAS.log` (Content Access): the content a deployment needs, requested,
    /// located, downloaded into the client cache and its hash verified.
    ContentAccess,
    /// ConfigMgr client `ContentTransferManager.log`: each content job's locations and the
    /// distribution point it downloads from.
    ContentTransferManager,
    /// ConfigMgr client `DataTransferService.log`: the BITS or HTTP transfers of content.
    DataTransferService,
    /// ConfigMgr site server `wsyncmgr.log`: the software update points' synchronization.
    WsyncMgr,
    /// ConfigMgr site server `WCM.log`: WSUS Configuration Manager configuring the software update points.
    Wcm,
    /// ConfigMgr software update point `WSUSCtrl.log`: WSUS Control Manager's health checks.
    WsusCtrl,
    /// Servicing's `CBS.log`.
    Cbs,
    /// `dism.log` (DISM's own log).
    Dism,
    /// The agent's ReportingEvents.log.
    ReportingEvents,
    /// Windows setup (Panther) `setupact.log` / `setuperr.log`.
    Setup,
    /// Windows setup's Update Agent (`%windir%\Logs\MoSetup\UpdateAgent.log`): its sessions
    /// installing Features on Demand and language packs, or staging an update, in setup's line
    /// format; known by its name or its `UpdateAgent logging starts.` lines.
    UpdateAgent,
    /// The Windows 10 Update Assistant's `upgrader_default.log` (`C:\Windows10Upgrade`): its
    /// states (checking, downloading, installing) and how it exited; known by its name or by its
    /// `State manager get called back with state` lines.
    UpdateAssistant,
    /// A ConfigMgr or MDT task sequence (`smsts.log`).
    TaskSequence,
    /// The ConfigMgr client's installation (`ccmsetup.log`).
    Ccmsetup,
    /// The ConfigMgr client MSI's verbose log (`client.msi.log`).
    ClientMsi,
    /// A Windows event log (.evtx): System, Setup, WindowsUpdateClient, BITS, ... channels.
    EventLog,
    /// Delivery Optimization's log (`Get-DeliveryOptimizationLog`), known by its content.
    DeliveryOptimization,
    /// Any other file: still parsed, viewed and searched; no flow or rule names it.
    Other,
}

impl LogKind {
    /// Every named kind (not `Other`), in the order name matching tries them.
    pub const NAMED: [LogKind; 31] = [
        LogKind::ScanAgent,
        LogKind::LocationServices,
        LogKind::CcmMessaging,
        LogKind::MpLocation,
        LogKind::WuaHandler,
        LogKind::WindowsUpdate,
        LogKind::UpdatesStore,
        LogKind::StateMessage,
        LogKind::UpdatesDeployment,
        LogKind::UpdatesHandler,
        LogKind::PolicyAgent,
        LogKind::SoftwareDistribution,
        LogKind::ServiceWindowManager,
        LogKind::RebootCoordinator,
        LogKind::ContentAccess,
        LogKind::ContentTransferManager,
        LogKind::DataTransferService,
        LogKind::WsyncMgr,
        LogKind::Wcm,
        LogKind::WsusCtrl,
        LogKind::Cbs,
        LogKind::Dism,
        LogKind::ReportingEvents,
        LogKind::Setup,
        LogKind::UpdateAgent,
        LogKind::UpdateAssistant,
        LogKind::TaskSequence,
        LogKind::Ccmsetup,
        LogKind::ClientMsi,
        LogKind::EventLog,
        LogKind::DeliveryOptimization,
    ];

    /// The id flows, rules and knowledge-base noise contexts use: the file-name stem in lower case.
    pub const fn id(self) -> &'static str {
        match self {
            LogKind::ScanAgent => "scanagent",
            LogKind::LocationServices => "locationservices",
            LogKind::CcmMessaging => "ccmmessaging",
            LogKind::MpLocation => "mp_location",
            LogKind::WuaHandler => "wuahandler",
            LogKind::WindowsUpdate => "windowsupdate",
            LogKind::UpdatesStore => "updatesstore",
            LogKind::StateMessage => "statemessage",
            LogKind::UpdatesDeployment => "updatesdeployment",
            LogKind::UpdatesHandler => "updateshandler",
            LogKind::PolicyAgent => "policyagent",
            LogKind::SoftwareDistribution => "softwaredistribution",
            LogKind::ServiceWindowManager => "servicewindowmanager",
            LogKind::RebootCoordinator => "rebootcoordinator",
            LogKind::ContentAccess => "cas",
            LogKind::ContentTransferManager => "contenttransfermanager",
            LogKind::DataTransferService => "datatransferservice",
            LogKind::WsyncMgr => "wsyncmgr",
            LogKind::Wcm => "wcm",
            LogKind::WsusCtrl => "wsusctrl",
            LogKind::Cbs => "cbs",
            LogKind::Dism => "dism",
            LogKind::ReportingEvents => "reportingevents",
            LogKind::Setup => "setup",
            LogKind::UpdateAgent => "updateagent",
            LogKind::UpdateAssistant => "updateassistant",
            LogKind::TaskSequence => "smsts",
            LogKind::Ccmsetup => "ccmsetup",
            LogKind::ClientMsi => "clientmsi",
            LogKind::EventLog => "eventlog",
            LogKind::DeliveryOptimization => "deliveryoptimization",
            LogKind::Other => "other",
        }
    }

    /// The kind whose [`id`](Self::id) is `id`; `None` for `other` or an unknown word.
    pub fn from_id(id: &str) -> Option<LogKind> {
        LogKind::NAMED.into_iter().find(|k| k.id() == id)
    }

    /// How people call the file.
    pub const fn file_name(self) -> &'static str {
        match self {
            LogKind::ScanAgent => "ScanAgent.log",
            LogKind::LocationServices => "LocationServices.log",
            LogKind::CcmMessaging => "CcmMessaging.log",
            LogKind::MpLocation => "MP_Location.log (management point)",
            LogKind::WuaHandler => "WUAHandler.log",
            LogKind::WindowsUpdate => "WindowsUpdate.log",
            LogKind::UpdatesStore => "UpdatesStore.log",
            LogKind::StateMessage => "StateMessage.log",
            LogKind::UpdatesDeployment => "UpdatesDeployment.log",
            LogKind::UpdatesHandler => "UpdatesHandler.log",
            LogKind::PolicyAgent => "PolicyAgent.log",
            LogKind::SoftwareDistribution => "SoftwareDistribution.log (WSUS server)",
            LogKind::ServiceWindowManager => "ServiceWindowManager.log",
            LogKind::RebootCoordinator => "RebootCoordinator.log",
            LogKind::ContentAccess => "CAS.log",
            LogKind::ContentTransferManager => "ContentTransferManager.log",
            LogKind::DataTransferService => "DataTransferService.log",
            LogKind::WsyncMgr => "wsyncmgr.log (site server)",
            LogKind::Wcm => "WCM.log (site server)",
            LogKind::WsusCtrl => "WSUSCtrl.log (software update point)",
            LogKind::Cbs => "CBS.log",
            LogKind::Dism => "DISM.log",
            LogKind::ReportingEvents => "ReportingEvents.log",
            LogKind::Setup => "setupact.log (Windows setup)",
            LogKind::UpdateAgent => "UpdateAgent.log (Windows setup's Update Agent)",
            LogKind::UpdateAssistant => "upgrader_default.log (Windows 10 Update Assistant)",
            LogKind::TaskSequence => "smsts.log (task sequence)",
            LogKind::Ccmsetup => "ccmsetup.log",
            LogKind::ClientMsi => "client.msi.log",
            LogKind::EventLog => "an event log (.evtx)",
            LogKind::DeliveryOptimization => "the Delivery Optimization log (Get-DeliveryOptimizationLog)",
            LogKind::Other => "another log",
        }
    }

    /// The file-name stems that name this log (lower case).
    const fn stems(self) -> &'static [&'static str] {
        match self {
            LogKind::Setup => &["setupact", "setuperr"],
            LogKind::UpdateAgent => &["updateagent"],
            LogKind::UpdateAssistant => &["upgrader_default", "upgrader_win10"],
            LogKind::ClientMsi => &["client.msi"],
            LogKind::ScanAgent => &["scanagent"],
            LogKind::LocationServices => &["locationservices"],
            LogKind::CcmMessaging => &["ccmmessaging"],
            LogKind::MpLocation => &["mp_location"],
            LogKind::WuaHandler => &["wuahandler"],
            LogKind::WindowsUpdate => &["windowsupdate"],
            LogKind::UpdatesStore => &["updatesstore"],
            LogKind::StateMessage => &["statemessage"],
            LogKind::UpdatesDeployment => &["updatesdeployment"],
            LogKind::UpdatesHandler => &["updateshandler"],
            LogKind::PolicyAgent => &["policyagent"],
            LogKind::SoftwareDistribution => &["softwaredistribution"],
            LogKind::ServiceWindowManager => &["servicewindowmanager"],
            LogKind::RebootCoordinator => &["rebootcoordinator"],
            // `ContentAccess` is the component that writes CAS.log.
            LogKind::ContentAccess => &["cas", "contentaccess"],
            LogKind::ContentTransferManager => &["contenttransfermanager"],
            LogKind::DataTransferService => &["datatransferservice"],
            LogKind::WsyncMgr => &["wsyncmgr"],
            LogKind::Wcm => &["wcm"],
            LogKind::WsusCtrl => &["wsusctrl"],
            LogKind::Cbs => &["cbs"],
            LogKind::Dism => &["dism"],
            LogKind::ReportingEvents => &["reportingevents"],
            LogKind::TaskSequence => &["smsts"],
            LogKind::Ccmsetup => &["ccmsetup"],
            // Known by content only: System.evtx is not named after its kind.
            LogKind::EventLog | LogKind::DeliveryOptimization | LogKind::Other => &[],
        }
    }

    /// True for the ConfigMgr client's own logs (CCM\Logs).
    pub const fn is_configmgr_client(self) -> bool {
        matches!(
            self,
            LogKind::ScanAgent
                | LogKind::LocationServices
                | LogKind::CcmMessaging
                | LogKind::WuaHandler
                | LogKind::UpdatesStore
                | LogKind::StateMessage
                | LogKind::UpdatesDeployment
                | LogKind::UpdatesHandler
                | LogKind::PolicyAgent
                | LogKind::ServiceWindowManager
                | LogKind::RebootCoordinator
                | LogKind::ContentAccess
                | LogKind::ContentTransferManager
                | LogKind::DataTransferService
        )
    }

    /// The kind of a file: by content where the format decides it, else by the file-name stem
    /// (`WUAHandler.log`, `WUAHandler-20240531-101112.log`, `wuahandler.lo_`), else, for a
    /// CMTrace log, by its most common component.
    pub fn resolve(name: &str, format: LogFormat, components: &[String], entries: &[Entry]) -> LogKind {
        if let Some(k) = LogKind::before_reading(name, format) {
            return k;
        }
        match format {
            // Windows setup writes the same line format with its own components.
            LogFormat::Cbs | LogFormat::Dism if is_setup(components, entries) => return LogKind::Setup,
            LogFormat::Cbs => return LogKind::Cbs,
            LogFormat::Dism => return LogKind::Dism,
            _ => {}
        }
        // A site server's component writes its own log, in either ConfigMgr format.
        if matches!(format, LogFormat::Cmtrace | LogFormat::CmtraceSimple) {
            if let Some(k) = main_component(components, entries).and_then(site_component) {
                return k;
            }
        }
        if format == LogFormat::Cmtrace {
            if is_task_sequence(components, entries) {
                return LogKind::TaskSequence;
            }
            if let Some(c) = main_component(components, entries) {
                let c = c.to_ascii_lowercase();
                if let Some(k) = LogKind::NAMED.into_iter().find(|k| k.stems().iter().any(|stem| c.starts_with(stem))) {
                    return k;
                }
            }
        }
        LogKind::Other
    }
}

impl LogKind {
    /// The kind of a file of this name and format when its records cannot change it (what
    /// [`LogKind::resolve`] returns whatever they hold), or `None` when they decide: a CBS-format
    /// log may be Windows setup's, an unnamed CMTrace log is known by its components. A big
    /// file's pieces can be scanned for its kind's literals before it is read to the end.
    pub fn before_reading(name: &str, format: LogFormat) -> Option<LogKind> {
        let base = super::base_name(name).to_ascii_lowercase();
        let by_name = LogKind::NAMED
            .into_iter()
            .find(|k| k.stems().iter().any(|stem| base.strip_prefix(stem).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '-', '_', ' ', '(']))));
        match format {
            LogFormat::WindowsUpdateLegacy | LogFormat::WindowsUpdateEtw => Some(LogKind::WindowsUpdate),
            LogFormat::WsusSoftwareDistribution => Some(LogKind::SoftwareDistribution),
            LogFormat::WindowsUpdateReportingEvents => Some(LogKind::ReportingEvents),
            LogFormat::Setup => Some(by_name.filter(|&k| matches!(k, LogKind::UpdateAgent | LogKind::UpdateAssistant)).unwrap_or(LogKind::Setup)),
            LogFormat::EventLog => Some(LogKind::EventLog),
            LogFormat::DeliveryOptimization => Some(LogKind::DeliveryOptimization),
            LogFormat::Cbs | LogFormat::Dism => by_name.filter(|&k| matches!(k, LogKind::Setup | LogKind::UpdateAssistant)),
            _ => by_name,
        }
    }
}

/// A kind crosses the worker protocol as its id (`windowsupdate`, `other`).
impl Serialize for LogKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for LogKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LogKind, D::Error> {
        let id = String::deserialize(d)?;
        LogKind::NAMED.into_iter().chain([LogKind::Other]).find(|k| k.id() == id).ok_or_else(|| serde::de::Error::custom(format!("unknown log kind `{id}`")))
    }
}

/// Components only Windows setup writes (Panther logs share CBS.log's line format).
const SETUP_COMPONENTS: [&str; 11] = ["MOUPG", "SP", "CONX", "PANTHR", "IBS", "IBSLIB", "MIG", "DU", "SYSPRP", "SETUPUGC", "SETUPPLAT"];

/// Whether only Windows setup (or sysprep) writes under this component.
pub fn is_setup_component(c: &str) -> bool {
    SETUP_COMPONENTS.contains(&c)
}

/// Components of the task-sequence engine (`smsts.log`).
const TASK_SEQUENCE_COMPONENTS: [&str; 4] = ["tsmanager", "tsmbootstrap", "tspxe", "tsprogressui"];

/// A CBS-format log whose records come from Windows setup: a tenth of them or more.
fn is_setup(components: &[String], entries: &[Entry]) -> bool {
    share(components, entries, |c| SETUP_COMPONENTS.contains(&c)) >= 10
}

/// A CMTrace log of the task-sequence engine: a twentieth of its records or more (the steps it
/// runs log under their own components).
fn is_task_sequence(components: &[String], entries: &[Entry]) -> bool {
    share(components, entries, |c| TASK_SEQUENCE_COMPONENTS.contains(&c.to_ascii_lowercase().as_str())) >= 5
}

/// The share of parsed records whose component passes `pick`, in percent (rounded down).
fn share(components: &[String], entries: &[Entry], pick: impl Fn(&str) -> bool) -> usize {
    let picked: Vec<bool> = components.iter().map(|c| pick(c)).collect();
    let (mut n, mut hits) = (0usize, 0usize);
    for e in entries.iter().filter(|e| e.parsed) {
        n += 1;
        hits += usize::from(picked.get(e.component as usize).copied().unwrap_or(false));
    }
    (hits * 100).checked_div(n).unwrap_or(0)
}

/// The component of most of a file's first 2,000 records.
/// The log a site server component writes (the component names of Microsoft's "Track software
/// update synchronization" and "Troubleshoot software update synchronization").
fn site_component(c: &str) -> Option<LogKind> {
    match c.to_ascii_uppercase().as_str() {
        "SMS_WSUS_SYNC_MANAGER" => Some(LogKind::WsyncMgr),
        "SMS_WSUS_CONFIGURATION_MANAGER" => Some(LogKind::Wcm),
        "SMS_WSUS_CONTROL_MANAGER" => Some(LogKind::WsusCtrl),
        _ => None,
    }
}

fn main_component<'a>(components: &'a [String], entries: &[Entry]) -> Option<&'a str> {
    let mut counts = vec![0u32; components.len()];
    for e in entries.iter().take(2000) {
        if let Some(c) = counts.get_mut(e.component as usize) {
            *c += 1;
        }
    }
    let (i, _) = counts.iter().enumerate().max_by_key(|(_, c)| **c)?;
    components.get(i).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_content_name_and_component() {
        assert_eq!(LogKind::resolve("x/WUAHandler.log", LogFormat::Cmtrace, &[], &[]), LogKind::WuaHandler);
        assert_eq!(LogKind::resolve("WUAHandler-20240531-101112.log", LogFormat::Cmtrace, &[], &[]), LogKind::WuaHandler);
        assert_eq!(LogKind::resolve("wuahandler.lo_", LogFormat::PlainText, &[], &[]), LogKind::WuaHandler);
        assert_eq!(LogKind::resolve("WUAHandlerX.log", LogFormat::PlainText, &[], &[]), LogKind::Other);
        assert_eq!(LogKind::resolve("a/cbs.log", LogFormat::Dism, &[], &[]), LogKind::Dism, "content decides: a DISM log named cbs.log");
        assert_eq!(LogKind::resolve("Panther/setupact.log", LogFormat::Cbs, &[], &[]), LogKind::Setup);
        assert_eq!(LogKind::resolve("renamed.txt", LogFormat::Setup, &[], &[]), LogKind::Setup);
        let p = Entry { component: 0, parsed: true, ..Entry::unparsed(0, 0, 1) };
        assert_eq!(LogKind::resolve("55.log", LogFormat::Cbs, &["MOUPG".into()], &[p]), LogKind::Setup, "setup by its components");
        assert_eq!(LogKind::resolve("x.log", LogFormat::Cmtrace, &["TSManager".into()], &[p]), LogKind::TaskSequence);
        assert_eq!(LogKind::resolve("client.msi.log", LogFormat::PlainText, &[], &[]), LogKind::ClientMsi);
        assert_eq!(LogKind::resolve("trace.txt", LogFormat::WindowsUpdateEtw, &[], &[]), LogKind::WindowsUpdate);
        assert_eq!(LogKind::resolve("WindowsUpdate.log", LogFormat::PlainText, &[], &[]), LogKind::WindowsUpdate);
        let e = Entry { component: 0, ..Entry::unparsed(0, 0, 1) };
        assert_eq!(LogKind::resolve("renamed.log", LogFormat::Cmtrace, &["ScanAgent".into()], &[e]), LogKind::ScanAgent);
        for k in LogKind::NAMED {
            assert_eq!(LogKind::from_id(k.id()), Some(k));
        }
    }

    #[test]
    fn a_kind_crosses_as_its_id() {
        assert_eq!(serde_json::to_string(&Some(LogKind::TaskSequence)).unwrap(), "\"smsts\"");
        for k in LogKind::NAMED.into_iter().chain([LogKind::Other]) {
            let wire = serde_json::to_string(&k).unwrap();
            assert_eq!(wire, format!("\"{}\"", k.id()));
            assert_eq!(serde_json::from_str::<LogKind>(&wire).unwrap(), k);
        }
        assert!(serde_json::from_str::<LogKind>("\"wuahandler.log\"").is_err());
    }
}
