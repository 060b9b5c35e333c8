//! `wulens code` and `wulens search` answer where a code is written and what it means there
//! (issue 65): the contexts in text and JSON, and a search by context words.

use std::process::{Command, Output};

fn wulens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wulens")).args(args).output().expect("run wulens")
}

fn text(args: &[&str]) -> String {
    let out = wulens(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&text(args)).unwrap()
}

/// The verdicts of a code's contexts, in order, from `wulens code --format json`.
fn verdicts(code: &str) -> Vec<String> {
    let v = json(&["code", code, "--format", "json"]);
    v["contexts"].as_array().unwrap_or_else(|| panic!("{code} has no contexts: {v}")).iter().map(|c| c["verdict"].as_str().unwrap().to_string()).collect()
}

#[test]
fn code_tells_whether_to_worry_where_and_why() {
    // WU_E_NOOP: routine in the dynamic-download refresh, an internal trace elsewhere.
    let noop = text(&["code", "0x8024000C"]);
    assert!(noop.contains("Where it is written (1 routine, 4 internal trace, 0 failure):"), "{noop}");
    assert!(noop.contains("[routine] WindowsUpdate.log: the download manager's dynamic-download refresh"), "{noop}");
    assert!(noop.contains("Source: reallogs/10_WindowsUpdate.log — line 773"), "{noop}");
    assert_eq!(verdicts("0x8024000C")[0], "routine");

    // The imaging engine's "is this a mounted image?": routine in DISM and setup.
    let wim = text(&["code", "0xC142011C"]);
    assert!(wim.contains("[routine] DISM.log, setupact.log (Windows setup), CBS.log"), "{wim}");
    assert!(verdicts("0xC142011C").iter().all(|v| v == "routine"));

    // E_INVALIDARG: routine in one place, a trace in others, a failure in CBS's poqexec.
    let v = verdicts("0x80070057");
    assert_eq!(v[0], "routine");
    assert!(v.iter().any(|v| v == "failure") && v.iter().any(|v| v == "trace"), "{v:?}");
    let inv = text(&["code", "0x80070057"]);
    assert!(inv.contains("[failure] CBS.log: CBS at startup, running the pending operations queue (poqexec.exe)"), "{inv}");
    assert!(inv.contains("> dism /online /get-packages /format:table"), "{inv}");
}

#[test]
fn code_json_keeps_its_fields_and_adds_contexts() {
    let v = json(&["code", "0x80070643", "--format", "json"]);
    for key in ["code", "symbol", "message", "category", "description", "mitigation", "sources", "decoded", "known"] {
        assert!(v.get(key).is_some(), "{key} missing: {v}");
    }
    // The context keyed by the WinRE updates leads; the agent's own log's context follows.
    let contexts = v["contexts"].as_array().unwrap();
    let winre = &contexts[0];
    assert!(winre["kbs"].as_array().unwrap().iter().any(|k| k == "KB5034441"), "the WinRE context leads: {winre}");
    assert_eq!(winre["verdict"], "failure");
    assert!(contexts.iter().any(|c| c["logs"][0] == "windowsupdate" && c["why"].as_str().unwrap().contains("KB5034441")), "{v}");
    assert!(winre["steps"].as_array().unwrap().iter().any(|s| s["command"] == "reagentc /info"), "{winre}");
    assert!(winre["sources"].as_array().unwrap().iter().any(|s| s["doc"] == "https://support.microsoft.com/help/5034441"), "{winre}");
    // A code without contexts writes none.
    let bare = json(&["code", "0x8024FFFE", "--format", "json"]);
    assert!(bare.get("contexts").is_none(), "{bare}");
}

#[test]
fn an_undocumented_code_says_so_and_what_its_bits_say() {
    let t = text(&["code", "0x8024FFFE"]);
    assert!(t.contains("not in the knowledge base: no public table or header names it"), "{t}");
    assert!(t.contains("facility 36 = FACILITY_WINDOWSUPDATE"), "{t}");
    let nt = text(&["code", "0xD0000034"]);
    assert!(nt.contains("HRESULT_FROM_NT): 0xC0000034 STATUS_OBJECT_NAME_NOT_FOUND"), "{nt}");
}

#[test]
fn search_finds_entries_by_context_words() {
    let codes = |q: &str| -> Vec<String> {
        json(&["search", q, "--format", "json", "--limit", "5"]).as_array().unwrap().iter().map(|h| h["code"].as_str().unwrap().to_string()).collect()
    };
    assert!(codes("dism mounted image").contains(&"0xC142011C".to_string()), "{:?}", codes("dism mounted image"));
    assert!(codes("defender probe").contains(&"0x800F080C".to_string()), "{:?}", codes("defender probe"));
    assert!(codes("poqexec").contains(&"0x80070057".to_string()), "{:?}", codes("poqexec"));
}
