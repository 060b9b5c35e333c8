//! The words of the model's values, as every text says them: an operation's kind counted
//! (`search`, `searches`) and how it ended, the area of work a verdict sentence is about, where
//! a command runs. The model states the value; these methods, written at the output edge, say
//! it.

use crate::model::{Domain, OperationKind, Outcome, RunOn};

impl OperationKind {
    /// `search`, `searches`: how the verdict counts them.
    pub fn noun(self, n: usize) -> &'static str {
        let one = n == 1;
        match self {
            OperationKind::Search => {
                if one {
                    "search"
                } else {
                    "searches"
                }
            }
            OperationKind::Download => {
                if one {
                    "download"
                } else {
                    "downloads"
                }
            }
            OperationKind::Install => {
                if one {
                    "install"
                } else {
                    "installs"
                }
            }
            OperationKind::Servicing => {
                if one {
                    "servicing session"
                } else {
                    "servicing sessions"
                }
            }
            OperationKind::StoreCheck => {
                if one {
                    "component-store check"
                } else {
                    "component-store checks"
                }
            }
            OperationKind::Setup => {
                if one {
                    "Windows setup run"
                } else {
                    "Windows setup runs"
                }
            }
            OperationKind::TaskSequence => {
                if one {
                    "task sequence"
                } else {
                    "task sequences"
                }
            }
            OperationKind::ClientInstall => {
                if one {
                    "client installation"
                } else {
                    "client installations"
                }
            }
            OperationKind::Deployment => {
                if one {
                    "deployment evaluation"
                } else {
                    "deployment evaluations"
                }
            }
        }
    }
}

impl Outcome {
    /// How the report says it.
    pub fn words(self) -> &'static str {
        match self {
            Outcome::Failed => "failed",
            Outcome::Recovered => "failed, then succeeded on a later try",
            Outcome::Cancelled => "was cancelled",
            Outcome::Running => "still running when the log ends",
            Outcome::Interrupted => "no end logged (the service restarted or another run began)",
            Outcome::Unknown => "result not in this log",
            Outcome::Succeeded => "succeeded",
        }
    }
}

impl Domain {
    /// In a sentence: `client installation`, `servicing`.
    pub fn name(self) -> &'static str {
        match self {
            Domain::ClientInstall => "ConfigMgr client installation",
            Domain::ConfigmgrScan => "ConfigMgr scan",
            Domain::WsusSync => "WSUS synchronization",
            Domain::SiteSync => "software update point synchronization",
            Domain::ConfigmgrDeployment => "ConfigMgr deployment evaluation",
            Domain::WindowsUpdate => "Windows Update",
            Domain::Servicing => "servicing",
            Domain::Setup => "Windows setup",
            Domain::TaskSequence => "task sequence",
        }
    }
}

impl RunOn {
    /// In a sentence: `on the client`.
    pub fn words(self) -> &'static str {
        match self {
            RunOn::Client => "on the client",
            RunOn::SiteServer => "on the site server",
            RunOn::WsusServer => "on the WSUS server",
        }
    }
}
