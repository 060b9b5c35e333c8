//! Advice follows the writer (issue 74): in a `CCM\Logs` folder, a code's card opens with what
//! the component that wrote it says it means, and a code written only by components outside the
//! update chain (client notification, the fallback status point, CcmExec, applications) gets no
//! update advice: not on its card, not in the Markdown, not in the next checks. A code named
//! with an update (KB5034441) opens with that update's context. The lines are our own, in the
//! CMTrace layout of the real client logs (reallogs/04_UpdatesDeployment.log).

use wulens_core::{Analysis, Input, Limits, Report};

fn cmtrace(component: &str, lines: &[&str]) -> Vec<u8> {
    let mut s = String::from("\u{feff}");
    for (i, l) in lines.iter().enumerate() {
        s.push_str(&format!(
            "<![LOG[{l}]LOG]!><time=\"08:5{i}:46.657+240\" date=\"11-04-2026\" component=\"{component}\" context=\"\" type=\"3\" thread=\"4412\" file=\"x.cpp:31\">\r\n"
        ));
    }
    s.into_bytes()
}

fn report(files: Vec<(&str, Vec<u8>)>) -> Report {
    let inputs = files.into_iter().map(|(name, bytes)| Input { name: name.to_string(), bytes: bytes.into() }).collect();
    Report::build(&Analysis::from_inputs(inputs, &Limits::default()))
}

/// A client's logs where only components outside the update chain write two codes that the
/// knowledge base otherwise answers with update advice.
fn ccm_logs() -> Report {
    report(vec![
        (
            "CCM/Logs/CcmNotificationAgent.log",
            cmtrace(
                "BgbAgent",
                &["Failed to connect to the notification server on cm01.corp.test:10123, error 0x80072ee2", "Retrying in 15 minutes; error 0x80072ee2"],
            ),
        ),
        ("CCM/Logs/FSPStateMessage.log", cmtrace("FSPStateMessage", &["Failed to send state messages to the FSP cm01.corp.test. Error 0x80072ee2"])),
        ("CCM/Logs/CcmExec.log", cmtrace("CcmExec", &["Endpoint 'InventoryEndpoint' returned 0x8000ffff"])),
    ])
}

#[test]
fn a_code_only_outside_the_update_chain_wrote_gets_that_components_meaning() {
    let r = ccm_logs();
    let timeout = r.errors.iter().find(|e| e.code == "0x80072EE2").expect("0x80072EE2 is on a card");
    assert!(timeout.outside_updates, "every mention is the client notification agent's or the fallback status point's");
    let kb = timeout.kb.as_ref().unwrap();
    let leading: Vec<&str> = timeout.here.iter().map(|h| kb.contexts[h.context].at.as_str()).collect();
    assert_eq!(timeout.here.len(), 2, "{leading:?}");
    assert!(leading[0].starts_with("the client notification agent"), "{leading:?}");
    assert_eq!(timeout.here[0].mentions, 2);
    assert!(leading[1].starts_with("the client sending state messages to its fallback status point"), "{leading:?}");

    let unexpected = r.errors.iter().find(|e| e.code == "0x8000FFFF").expect("0x8000FFFF is on a card");
    assert!(unexpected.outside_updates);
    assert_eq!(
        unexpected.kb.as_ref().unwrap().contexts[unexpected.here[0].context].at,
        "the ConfigMgr client host service (CcmExec.log) running one of its components"
    );

    // The text card says the writer's meaning and none of the update advice.
    let text = wulens_core::report::text(&r);
    let card = &text[text.find("0x80072EE2  ERROR_WINHTTP_TIMEOUT").expect("the card")..];
    let card = &card[..card.find("\n  0x").unwrap_or(card.len())];
    assert!(card.contains("a failure here: the client notification agent"), "{card}");
    assert!(!card.contains("update server"), "the scan's meaning is not this writer's:\n{card}");
    assert!(!text.contains("catroot2"), "{text}");
    // Nor the Markdown, nor the next checks.
    let md = wulens_core::report::markdown(&r);
    // (The configuration to collect may name WSUS; the code's own scan steps may not.)
    for step in ["catroot2", "wuident.cab", "ClientWebService", "SimpleAuthWebService"] {
        assert!(!md.contains(step), "{step} in:\n{md}");
    }
    for c in &r.next_checks {
        let all = format!("{} {}", c.text, c.command.as_deref().unwrap_or(""));
        assert!(!all.contains("WSUS") && !all.contains("catroot2") && !all.contains("ClientWebService"), "update advice for a non-update writer: {all}");
    }
}

#[test]
fn the_same_code_from_the_update_chain_keeps_its_update_advice() {
    // 0x80072EE2 written by WUAHandler (the client's scan through the agent) is a scan failure.
    let r = report(vec![
        ("CCM/Logs/CcmNotificationAgent.log", cmtrace("BgbAgent", &["Failed to connect to the notification server, error 0x80072ee2"])),
        ("CCM/Logs/WUAHandler.log", cmtrace("WUAHandler", &["OnSearchComplete - Failed to end search job. Error = 0x80072ee2."])),
    ]);
    let timeout = r.errors.iter().find(|e| e.code == "0x80072EE2").unwrap();
    assert!(!timeout.outside_updates, "one mention is the scan's");
    let text = wulens_core::report::text(&r);
    let card = &text[text.find("0x80072EE2  ERROR_WINHTTP_TIMEOUT").unwrap()..];
    assert!(card.contains("update server"), "{card}");
}

#[test]
fn a_failure_that_names_the_winre_update_opens_with_the_recovery_partition() {
    // Event 20's words as the WindowsUpdateClient channel writes them, read from a text export.
    let r = report(vec![(
        "ReportingEvents.log",
        "{6B7F1D2A-3C4E-4F50-9A1B-2C3D4E5F6A7B}\t2024-01-10 09:12:44:123-0800\t1\t182\t101\t{00000000-0000-0000-0000-000000000000}\t0\t80070643\tUpdateOrchestrator\tFailure\tContent Install\tInstallation Failure: Windows failed to install the following update with error 0x80070643: 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441).\r\n".as_bytes().to_vec(),
    )]);
    let e = r.errors.iter().find(|e| e.code == "0x80070643").expect("0x80070643 is on a card");
    let kb = e.kb.as_ref().unwrap();
    let first = &kb.contexts[e.here.first().expect("a context here").context];
    assert_eq!(first.kbs, ["KB5034441", "KB5034440", "KB5034439"]);
    assert!(first.why.contains("recovery partition"));
    assert!(!e.outside_updates);
    let text = wulens_core::report::text(&r);
    let card = &text[text.find("0x80070643  ERROR_INSTALL_FAILURE").unwrap()..];
    let (context, meaning) = (card.find("recovery partition").expect("the WinRE context"), card.find("MSI installation").expect("the general meaning"));
    assert!(context < meaning, "the WinRE context leads the card:\n{card}");
}
