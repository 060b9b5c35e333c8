//! This year's questions (issue 74): the 24H2/25H2 servicing codes answered with their sources,
//! what a code means for one update (`--kb`), and advice that follows the component that wrote
//! the code (contexts keyed by the writer, not by a file).

use wulens_kb::{entry, Entry, Verdict};

fn get(code: u32) -> &'static Entry {
    entry(code).unwrap_or_else(|| panic!("0x{code:08X} has no entry"))
}

#[test]
fn this_years_servicing_codes_are_answered_with_sources() {
    for code in [0x800F_0991, 0x800F_0993, 0x8007_0302] {
        let e = get(code);
        assert!(e.has_guidance(), "0x{code:08X} has no description or steps");
        assert!(!e.mitigation.is_empty(), "0x{code:08X} has no steps");
        assert!(!e.sources.is_empty(), "0x{code:08X} has no source");
    }
    // Where only community reports exist, the entry says so in its words and its sources.
    let e = get(0x800F_0991);
    assert!(e.description.contains("community reports"), "{}", e.description);
    assert!(e.sources.iter().any(|s| s.doc.starts_with("community reports")));
    assert!(e.description.contains("in-place upgrade"));
    // 0x80073712 and 0x800F0991 on a 24H2 cumulative update's line name the in-place upgrade.
    let title = "Installation Failure: Windows failed to install the following update with error 0x80073712: 2025-10 Cumulative Update for Windows 11, version 24H2 for x64-based Systems (KB5066835).";
    let c = get(0x8007_3712).context_for("eventlog", title).expect("a 24H2 cumulative update's context");
    assert!(c.why.contains("in-place upgrade"), "{}", c.why);
    assert_eq!(c.verdict, Verdict::Failure);
}

#[test]
fn a_code_for_one_update_leads_with_that_updates_context() {
    let e = get(0x8007_0643);
    let winre: Vec<_> = e.contexts_for_update("KB5034441").collect();
    assert_eq!(winre.len(), 1);
    assert!(winre[0].why.contains("recovery partition"), "{}", winre[0].why);
    assert!(winre[0].sources.iter().any(|s| s.doc == "https://support.microsoft.com/help/5028997"));
    // Written without the letters, or in lower case, it is the same update.
    assert_eq!(e.contexts_for_update("5034441").count(), 1);
    assert_eq!(e.contexts_for_update("kb5034441").count(), 1);
    assert_eq!(e.contexts_for_update("KB5057589").next().map(|c| c.why.contains("restarts")), Some(true));
    assert_eq!(e.contexts_for_update("KB5000000").count(), 0);
    // A line that names the update gets its context, ahead of the general ones.
    let line = "Installation Failure: Windows failed to install the following update with error 0x80070643: 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441).";
    let c = e.context_of_writer("eventlog", "", line).expect("the WinRE context");
    assert!(c.why.contains("recovery partition"));
    // 0x800F0922 for the May 2026 update names the EFI system partition.
    let c = get(0x800F_0922).contexts_for_update("KB5089549").next().expect("the ESP context");
    assert!(c.why.contains("EFI system partition"), "{}", c.why);
}

#[test]
fn advice_follows_the_component_that_wrote_the_code() {
    let timeout = get(0x8007_2EE2);
    let line = "Failed to connect to the management point, error 0x80072ee2";
    for component in ["BgbAgent", "CcmNotificationAgent", "ccmnotificationagent"] {
        let c = timeout.context_of_writer("other", component, line).expect("the client notification context");
        assert!(c.outside_updates, "{component}");
        assert!(c.at.contains("client notification"), "{}", c.at);
    }
    let fsp = timeout.context_of_writer("other", "FSPStateMessage", line).expect("the fallback status point's context");
    assert!(fsp.outside_updates && fsp.at.contains("fallback status point"));
    // The client's messages to its management point: another server, not the update chain.
    for code in [0x8007_2EE2, 0x8007_2EFD, 0x8007_2EFE] {
        let c = get(code)
            .context_of_writer("ccmmessaging", "CcmMessaging", "Post to http://mp.corp.test/ccm_system/request failed with 0x80072ee2")
            .expect("CcmMessaging's context");
        assert!(c.outside_updates && c.at.contains("management point"), "0x{code:08X}");
    }
    // The same line without a writer the data names is not theirs.
    assert!(timeout.context_of_writer("other", "", line).is_none());
    assert!(timeout.context_of_writer("windowsupdate", "", line).is_none_or(|c| !c.outside_updates));

    let unexpected = get(0x8000_FFFF).context_of_writer("other", "CcmExec", "Endpoint failed with 0x8000ffff").expect("CcmExec's context");
    assert!(unexpected.outside_updates && !unexpected.why.contains("rename") && unexpected.steps.iter().all(|s| !s.text.contains("catroot2")));

    let not_found = get(0x87D0_0215);
    let app = not_found.context_of_writer("other", "AppIntentEval", "Failed to get app policy, error 0x87d00215").expect("the application context");
    assert!(app.outside_updates && app.why.contains("application"));
    let inventory = not_found.context_of_writer("other", "InventoryAgent", "Collection failed 0x87d00215").expect("the inventory context");
    assert_eq!(inventory.verdict, Verdict::Trace);
}

#[test]
fn every_curated_answer_names_its_source() {
    let missing: Vec<String> = wulens_kb::entries()
        .iter()
        .filter(|e| e.origin == wulens_kb::Origin::Curated && !e.description.is_empty() && e.sources.is_empty())
        .map(|e| format!("0x{:08X}", e.code))
        .collect();
    assert!(missing.is_empty(), "curated entries without a source: {missing:?}");
    for e in wulens_kb::entries() {
        for c in e.contexts {
            assert!(!c.sources.is_empty(), "0x{:08X}: context {:?} has no source", e.code, c.at);
            assert!(!c.outside_updates || !c.components.is_empty(), "0x{:08X}: {:?} is outside the update chain without naming its writers", e.code, c.at);
        }
    }
}
