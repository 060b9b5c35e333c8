//! Which log a file is (`WUAHandler.log`, `WindowsUpdate.log`, `CBS.log`, ...), decided once per
//! file when it is read. Flows and rules name logs by these kinds; a file's kind comes from its
//! content where the content is decisive, else from its name, else from its main component.

use crate::model::{Entry, LogFormat};

/// The logs wulens knows by name. `Other` is every other file (still parsed, viewed and searched).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogKind {
    ScanAgent,
    LocationServices,
    CcmMessaging,
    MpLocation,
    WuaHandler,
    WindowsUpdate,
    UpdatesStore,
    StateMessage,
    UpdatesDeployment,
    UpdatesHandler,
    PolicyAgent,
    SoftwareDistribution,
    Cbs,
    Dism,
    Other,
}

impl LogKind {
    /// Every named kind (not `Other`), in the order name matching tries them.
    pub const NAMED: [LogKind; 14] = [
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
        LogKind::Cbs,
        LogKind::Dism,
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
            LogKind::Cbs => "cbs",
            LogKind::Dism => "dism",
            LogKind::Other => "other",
        }
    }

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
            LogKind::Cbs => "CBS.log",
            LogKind::Dism => "DISM.log",
            LogKind::Other => "another log",
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
        )
    }

    /// The kind of a file: by content where the format decides it, else by the file-name stem
    /// (`WUAHandler.log`, `WUAHandler-20240531-101112.log`, `wuahandler.lo_`), else, for a
    /// CMTrace log, by its most common component.
    pub fn resolve(name: &str, format: LogFormat, components: &[String], entries: &[Entry]) -> LogKind {
        match format {
            LogFormat::WindowsUpdateLegacy | LogFormat::WindowsUpdateEtw => return LogKind::WindowsUpdate,
            LogFormat::WsusSoftwareDistribution => return LogKind::SoftwareDistribution,
            LogFormat::Cbs => return LogKind::Cbs,
            LogFormat::Dism => return LogKind::Dism,
            _ => {}
        }
        let base = super::base_name(name).to_ascii_lowercase();
        let by_name =
            LogKind::NAMED.into_iter().find(|k| base.strip_prefix(k.id()).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '-', '_', ' ', '('])));
        if let Some(k) = by_name {
            return k;
        }
        if format == LogFormat::Cmtrace {
            if let Some(c) = main_component(components, entries) {
                let c = c.to_ascii_lowercase();
                if let Some(k) = LogKind::NAMED.into_iter().find(|k| c.starts_with(k.id())) {
                    return k;
                }
            }
        }
        LogKind::Other
    }
}

/// The component of most of a file's first 2,000 records.
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
        assert_eq!(LogKind::resolve("trace.txt", LogFormat::WindowsUpdateEtw, &[], &[]), LogKind::WindowsUpdate);
        assert_eq!(LogKind::resolve("WindowsUpdate.log", LogFormat::PlainText, &[], &[]), LogKind::WindowsUpdate);
        let e = Entry { component: 0, ..Entry::unparsed(0, 0, 1) };
        assert_eq!(LogKind::resolve("renamed.log", LogFormat::Cmtrace, &["ScanAgent".into()], &[e]), LogKind::ScanAgent);
        for k in LogKind::NAMED {
            assert_eq!(LogKind::from_id(k.id()), Some(k));
        }
    }
}
