//! The sample logs, compiled in: trying one makes no network request, and the analysis worker
//! warms its compiled code on them at load (`bridge::Bridge::start`).

/// The files of a sample, by name.
pub type Sample = &'static [(&'static str, &'static [u8])];

macro_rules! sample {
    ($dir:literal, [$($f:literal),*]) => {
        &[$(($f, include_bytes!(concat!("../../public/samples/", $dir, "/", $f)) as &[u8])),*]
    };
}

pub const HEALTHY: Sample = sample!(
    "healthy-scan",
    [
        "CcmMessaging.log",
        "LocationServices.log",
        "MP_Location.log",
        "ScanAgent.log",
        "StateMessage.log",
        "UpdatesDeployment.log",
        "UpdatesStore.log",
        "WUAHandler.log",
        "WindowsUpdate.log"
    ]
);

pub const BROKEN: Sample = sample!("broken-scan", ["ScanAgent.log", "WUAHandler.log", "WindowsUpdate.log"]);
