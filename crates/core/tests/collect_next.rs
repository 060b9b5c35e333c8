//! What to collect next: a report asks for the artifact that would settle what its logs leave
//! open, with the command to get it, and never for something the drop already holds.

use std::path::PathBuf;

use wulens_core::{Analysis, Input, Limits, Report};

fn fixture(dir: &str, files: &[&str]) -> Report {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(dir).join("logs");
    let inputs = files.iter().map(|f| Input { name: f.to_string(), bytes: std::fs::read(root.join(f)).unwrap().into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

fn asked(r: &Report) -> Vec<&str> {
    r.collect_next.iter().map(|c| c.artifact.as_str()).collect()
}

#[test]
fn a_proxy_failure_asks_for_the_proxy_setting_only_when_it_is_not_given() {
    let without = fixture("config-none-given", &["ScanAgent.log", "WUAHandler.log", "WindowsUpdate.log"]);
    let proxy = without.collect_next.iter().find(|c| c.artifact == "winhttp_proxy").expect("the proxy setting is asked for");
    assert!(proxy.why.contains("0x8024401B"), "{}", proxy.why);
    assert_eq!(proxy.command, r"netsh winhttp show proxy > C:\Temp\wulens\winhttp-proxy.txt");
    assert!(!proxy.evidence.is_empty(), "names the lines that leave it open");
    let with = fixture("config-proxy-407", &["ScanAgent.log", "WUAHandler.log", "WindowsUpdate.log", "winhttp-proxy.txt", "wu-policy.reg"]);
    assert_eq!(with.statements.iter().filter(|s| s.codes.contains(&"0x8024401B".to_string())).count(), 1, "the same failure");
    assert!(!asked(&with).contains(&"winhttp_proxy"), "{:?}", asked(&with));
}

#[test]
fn dism_alone_asks_for_cbs_log_and_not_once_it_is_there() {
    let alone = fixture("cbs-corruption", &["dism.log"]);
    assert_eq!(asked(&alone), ["servicing_logs"]);
    assert!(alone.collect_next[0].command.contains(r"Logs\CBS\CBS.log"));
    let both = fixture("cbs-corruption", &["dism.log", "CBS.log"]);
    assert!(asked(&both).is_empty(), "{:?}", asked(&both));
}

#[test]
fn scan_steps_no_log_shows_name_their_logs_and_where_they_are() {
    let r = fixture("scan-success", &["ScanAgent.log", "WUAHandler.log"]);
    let client = r.collect_next.iter().find(|c| c.artifact == "configmgr_client_logs").expect("the client's logs");
    assert!(client.why.contains("UpdatesStore.log"), "{}", client.why);
    assert!(!client.why.contains("WUAHandler.log"), "a log in the drop is not asked for: {}", client.why);
    assert!(client.command.contains(r"CCM\Logs"));
    let traces = r.collect_next.iter().find(|c| c.artifact == "windows_update_traces").expect("the agent's log");
    assert!(traces.why.contains("WindowsUpdate.log"), "{}", traces.why);
    let all = fixture(
        "scan-success",
        &[
            "ScanAgent.log",
            "WUAHandler.log",
            "WindowsUpdate.log",
            "UpdatesStore.log",
            "StateMessage.log",
            "LocationServices.log",
            "CcmMessaging.log",
            "MP_Location.log",
            "UpdatesDeployment.log",
        ],
    );
    assert!(asked(&all).is_empty(), "{:?}", asked(&all));
}
