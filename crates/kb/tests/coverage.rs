//! What the knowledge base must cover (issues: "every seed code with mitigation, the full WU_E
//! list, a decoder for any code"; "every HRESULT, NTSTATUS and WIN32_ERROR of the SDK, bare Win32
//! numbers, ConfigMgr and setup codes").

use wulens_kb::{decode, entries, entry, lookup, search, Category, Layout, Notation, Origin};

/// Every distinct failure code named in the four seed articles (../shared/seeds), found with
/// `grep -ohiE '0x[0-9a-f]{8}|hr=[0-9a-f]{8}|\b80244007\b'`: 51 written `0x...`, plus
/// `hr=8007000E` (article 001) and `0X8007000D` (article 003).
const SEED_CODES: [u32; 53] = [
    0x80004015, 0x80070003, 0x80070005, 0x8007000D, 0x8007000E, 0x80070020, 0x80070422, 0x80070424, 0x80070514, 0x80070570, 0x80070BC9, 0x80072EE2, 0x80072EFD,
    0x80072EFE, 0x80072F0C, 0x80072F8F, 0x80073701, 0x8007371B, 0x800A0046, 0x800A01AD, 0x800B0100, 0x800F081F, 0x800F0821, 0x800F0825, 0x800F0831, 0x800F0920,
    0x80200013, 0x80200053, 0x8024000B, 0x8024000E, 0x80240020, 0x80240022, 0x80240030, 0x80242006, 0x80242014, 0x80244007, 0x80244017, 0x80244018, 0x8024401B,
    0x8024401C, 0x80244021, 0x80244022, 0x80244023, 0x8024402C, 0x8024402F, 0x80245003, 0x80246008, 0x80246017, 0x80248011, 0x8024A10A, 0x8024D009, 0x80D02002,
    0x8DDD0018,
];

const SEED_DOCS: [&str; 4] = ["000_3983b336ceb8dfcf.txt", "001_1f102207702da96d.txt", "002_a61634285f043b24.txt", "003_80077a2f577a378b.txt"];

#[test]
fn every_seed_code_has_guidance_and_a_seed_source() {
    let mut missing = Vec::new();
    for code in SEED_CODES {
        match entry(code) {
            None => missing.push(format!("0x{code:08X}: no entry")),
            Some(e) => {
                if e.description.is_empty() {
                    missing.push(format!("0x{code:08X}: no description"));
                }
                if e.mitigation.is_empty() {
                    missing.push(format!("0x{code:08X}: no mitigation"));
                }
                if !e.sources.iter().any(|s| SEED_DOCS.contains(&&*s.doc) && !s.section.is_empty()) {
                    missing.push(format!("0x{code:08X}: no seed article + section in sources"));
                }
                if e.origin == Origin::Imported {
                    missing.push(format!("0x{code:08X}: only imported, not curated"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The seed sources must name real section headings of the seed articles (../shared/seeds).
#[test]
fn seed_articles_hold_the_sections_the_sources_cite() {
    let dir = wulens_testdata::seed_articles();
    let mut bad = Vec::new();
    for e in entries() {
        for s in e.sources.iter().filter(|s| SEED_DOCS.contains(&&*s.doc)) {
            let text = std::fs::read_to_string(dir.join(&*s.doc)).unwrap();
            let heading = text.lines().any(|l| l.trim_start_matches('#').trim() == s.section);
            if !heading {
                bad.push(format!("0x{:08X}: {} has no heading {:?}", e.code, s.doc, s.section));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn coverage_of_families() {
    let count = |pred: &dyn Fn(&wulens_kb::Entry) -> bool| entries().iter().filter(|e| pred(e)).count();
    let named = count(&|e| !e.symbol.is_empty());
    assert!(named >= 1000, "named codes: {named}");
    // Windows Update Agent (facility 0x24), failure codes named WU_E_*.
    let wu = count(&|e| e.code >> 16 == 0x8024 && e.symbol.starts_with("WU_E_"));
    assert!(wu >= 250, "WU_E_*: {wu}");
    let http = count(&|e| e.symbol.starts_with("WU_E_PT_HTTP_STATUS_"));
    assert!(http >= 14, "WU_E_PT_HTTP_STATUS_*: {http}");
    // WinINet / WinHTTP 12xxx as 0x80072xxx, BITS, CBS, common Win32.
    let wininet = count(&|e| (0x80072EE1..=0x80072FFF).contains(&e.code));
    assert!(wininet >= 60, "WinINet/WinHTTP: {wininet}");
    assert!(count(&|e| e.symbol.starts_with("BG_E_")) >= 50);
    // No public table lists CBS_E_*: only the codes with a public source are here, and CBS.log
    // names any other one itself ("[HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]").
    assert!(count(&|e| e.symbol.starts_with("CBS_E_")) >= 9);
    assert!(count(&|e| e.code >> 16 == 0x8007) >= 2000);
}

#[test]
fn every_http_status_code_maps_to_its_status() {
    for (code, status) in [
        (0x80244017u32, 401u16),
        (0x80244018, 403),
        (0x80244019, 404),
        (0x8024401B, 407),
        (0x8024401C, 408),
        (0x80244021, 502),
        (0x80244022, 503),
        (0x80244023, 504),
    ] {
        assert_eq!(decode(code).http_status, Some(status), "0x{code:08X}");
        let e = entry(code).unwrap();
        assert!(e.symbol.starts_with("WU_E_PT_HTTP_STATUS_"), "{}", e.symbol);
    }
}

#[test]
fn decodes_the_four_reference_codes() {
    let d = decode(0x80070005);
    assert_eq!((&*d.severity, d.facility, &*d.facility_name, d.code), ("error", 7, "FACILITY_WIN32", 5));
    assert_eq!(d.win32.as_ref().unwrap().name, "ERROR_ACCESS_DENIED");

    let d = decode(0x80072EE2);
    assert_eq!((d.facility, d.code), (7, 12002));
    assert!(d.win32.as_ref().unwrap().name.ends_with("_TIMEOUT"));

    let d = decode(0x8024401B);
    assert_eq!((d.facility, &*d.facility_name, d.code, d.http_status), (36, "FACILITY_WINDOWSUPDATE", 0x401B, Some(407)));

    let d = decode(0x800F081F);
    assert_eq!((d.facility, &*d.facility_name, d.code), (15, "FACILITY_SETUPAPI", 0x081F));
    assert_eq!(entry(0x800F081F).unwrap().symbol, "CBS_E_SOURCE_MISSING");
}

#[test]
fn notations_agree() {
    for (input, code) in [
        ("0x8024401B", 0x8024401B),
        ("8024401b", 0x8024401B),
        ("-2145107941", 0x8024401B),
        ("2149859355", 0x8024401B),
        ("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ", 0x8024401B),
        ("  \"0x80244022\"  ", 0x80244022),
        ("-2145107934", 0x80244022),
        ("CBS_E_SOURCE_MISSING", 0x800F081F),
        ("E_ACCESSDENIED", 0x80070005),
        ("ERROR_ACCESS_DENIED", 0x80070005),
    ] {
        assert_eq!(lookup(input).unwrap().code.0, code, "{input}");
    }
}

#[test]
fn search_examples_from_the_issue() {
    let proxy = search("proxy", 10);
    assert!(proxy.iter().take(4).all(|h| h.category == Category::Proxy), "{proxy:?}");
    assert_eq!(search("proxy 407", 3)[0].code.0, 0x8024401B);
    assert!(search("catroot2", 5).iter().any(|h| h.code.0 == 0x80242006));
    assert_eq!(search("-2145107941", 1)[0].code.0, 0x8024401B);
}

#[test]
fn related_codes_resolve_and_categories_are_used() {
    for e in entries() {
        for r in e.related {
            assert!(entry(*r).is_some(), "0x{:08X} relates to unknown 0x{r:08X}", e.code);
        }
    }
    for c in Category::ALL {
        assert!(entries().iter().any(|e| e.category == c), "category {} is empty", c.id());
    }
}

/// Every HRESULT, NTSTATUS and WIN32_ERROR constant of the Windows SDK metadata (windows crate
/// 0.62.2: 8,941 + 3,051 + 3,334 names, about 14,600 distinct values), the public tables, the
/// ConfigMgr and setup lists.
#[test]
fn at_least_15000_distinct_values() {
    let n = entries().len();
    assert!(n >= 15_000, "distinct values: {n}");
    let count = |pred: &dyn Fn(&wulens_kb::Entry) -> bool| entries().iter().filter(|e| pred(e)).count();
    let nt = count(&|e| e.layout == Layout::Ntstatus);
    assert!(nt >= 3_000, "NTSTATUS values: {nt}");
    let win32 = count(&|e| e.code >> 16 == 0x8007);
    assert!(win32 >= 3_000, "Win32 as 0x8007xxxx: {win32}");
    let success = count(&|e| e.is_success());
    assert!(success >= 500, "success codes: {success}");
    let setup = count(&|e| e.symbol.starts_with("MOSETUP_E_"));
    assert!(setup >= 70, "MOSETUP_E_*: {setup}");
    let dos = count(&|e| e.symbol.starts_with("DO_E_"));
    assert!(dos >= 80, "DO_E_*: {dos}");
}

#[test]
fn the_lookups_of_the_issue_resolve() {
    for (input, code) in [
        ("0xC0000005", 0xC0000005u32),
        ("1603", 0x80070643),
        ("0xC1900101", 0xC1900101),
        ("0x87D0027E", 0x87D0027E),
        ("0x8024A105", 0x8024A105),
        ("WU_E_PT_HTTP_STATUS_SERVICE_UNAVAILABLE", 0x80244022),
        ("STATUS_ACCESS_VIOLATION", 0xC0000005),
        ("GLE = 0x3", 0x80070003),
        ("0xC190020E", 0xC190020E),
    ] {
        let l = lookup(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(l.code.0, code, "{input}");
        assert!(l.known(), "{input} is not in the knowledge base");
        assert!(!l.entry.unwrap().message.is_empty(), "{input} has no message");
    }
}

#[test]
fn bare_win32_numbers_are_win32_errors() {
    let l = lookup("1603").unwrap();
    assert_eq!((l.code.0, l.notation, l.win32_error), (0x80070643, Notation::Win32Decimal, Some(1603)));
    assert_eq!(l.entry.unwrap().symbol, "ERROR_INSTALL_FAILURE");
    assert_eq!(l.decoded.win32.as_ref().unwrap().code, 1603);
    let json = serde_json::to_value(&l).unwrap();
    assert_eq!((json["code"].as_str(), json["notation"].as_str(), json["win32_error"].as_u64()), (Some("0x80070643"), Some("win32_decimal"), Some(1603)));
    for (input, number) in [("0x3", 3u32), ("GLE = 0x3", 3), ("gle=0x00000002", 2), ("exit code 3010", 3010), ("5", 5)] {
        let l = lookup(input).unwrap();
        assert!(l.notation.is_win32(), "{input}");
        assert_eq!((l.win32_error, l.code.0), (Some(number), 0x8007_0000 | number), "{input}");
    }
    // Eight hex digits are the value as written; so is anything from 0x10000 up.
    assert_eq!(lookup("80070643").unwrap().notation, Notation::BareHex);
    assert_eq!(lookup("0x00000103").unwrap().entry.unwrap().symbol, "STATUS_PENDING");
    assert_eq!(lookup("0x00000103").unwrap().win32_error, None);
}

#[test]
fn ntstatus_values_show_their_win32_and_hresult_form() {
    let d = decode(0xC0000005);
    assert_eq!((&*d.layout, &*d.severity, d.facility, &*d.facility_name), ("ntstatus", "error", 0, "FACILITY_NONE"));
    let w = d.win32.unwrap();
    assert_eq!((w.code, &*w.name), (998, "ERROR_NOACCESS"));
    assert_eq!(d.win32_hresult.unwrap().0, 0x800703E6);
    assert_eq!(decode(0xC0000022).win32.unwrap().name, "ERROR_ACCESS_DENIED");
    // Severity comes from the two top bits; informational and warning statuses are not errors.
    assert_eq!(decode(0x80000005).severity, "warning");
    assert_eq!(decode(0x40000000).severity, "informational");
    assert!(entry(0x00000103).unwrap().is_success());
    // HRESULT_FROM_NT: the NTSTATUS inside.
    assert_eq!(decode(0xD0000034).ntstatus.unwrap().0, 0xC0000034);
    let mapped = entries().iter().filter(|e| e.layout == Layout::Ntstatus && wulens_kb::nt_to_win32(e.code).is_some()).count();
    assert!(mapped >= 1_000, "NTSTATUS with a Win32 mapping: {mapped}");
}

#[test]
fn setup_codes_are_hresults_of_facility_0x190() {
    for code in [0xC1900101u32, 0xC190020E, 0xC190040F, 0xC1900208] {
        let d = decode(code);
        assert_eq!((&*d.layout, d.facility, &*d.facility_name), ("hresult", 0x190, "FACILITY_MOSETUP"), "0x{code:08X}");
    }
    assert_eq!(entry(0xC1900101).unwrap().symbol, "MOSETUP_E_SETUP_PLATFORM");
    // Licensing's SL_E_* are HRESULTs too (FACILITY_ITF with the reserved bit), by their entry.
    assert_eq!(decode(0xC004F012).layout, "hresult");
    // Unknown values with the top two bits set stay NTSTATUS when the facility is an NTSTATUS one.
    assert_eq!(decode(0xC0000FFF).layout, "ntstatus");
    assert_eq!(decode(0xC0070FFF).facility_name, "FACILITY_NTWIN32");
}

#[test]
fn configmgr_codes_from_public_lists() {
    let ccm: Vec<&wulens_kb::Entry> = entries().iter().filter(|e| e.code >> 20 == 0x87D).collect();
    assert!(ccm.len() >= 300, "0x87Dxxxxx entries: {}", ccm.len());
    assert!(ccm.iter().all(|e| !e.message.is_empty() && !e.sources.is_empty()), "every ConfigMgr code has a message and a source");
    assert!(ccm.iter().filter(|e| e.origin == Origin::Imported).all(|e| e.category == Category::ConfigMgr));
    assert_eq!(entry(0x87D0027E).unwrap().message, "Bad HTTP status code");
    assert_eq!(decode(0x87D0027E).facility_name, "FACILITY_CCM");
}

#[test]
fn every_wu_code_has_a_message() {
    let wu: Vec<&wulens_kb::Entry> = entries().iter().filter(|e| e.symbol.starts_with("WU_E_") || e.aliases.iter().any(|a| a.starts_with("WU_E_"))).collect();
    // wuerror.h (microsoft/win32metadata d0f36303) defines 458 distinct WU_E_* values.
    assert!(wu.len() >= 458, "WU_E_*: {}", wu.len());
    let missing: Vec<String> = wu.iter().filter(|e| e.message.is_empty()).map(|e| format!("0x{:08X} {}", e.code, e.symbol)).collect();
    assert!(missing.is_empty(), "WU_E_* without a message: {missing:?}");
    // The codes newer than the windows crate's metadata (wuerror.h in microsoft/win32metadata).
    for code in [0x80240067u32, 0x80240068, 0x8024402E, 0x80242025, 0x80242026, 0x8024601F] {
        let e = entry(code).unwrap_or_else(|| panic!("0x{code:08X} missing"));
        assert!(e.symbol.starts_with("WU_E_") && !e.message.is_empty(), "0x{code:08X}");
    }
}

/// Windows Update and the ConfigMgr client talk WinHTTP: where WinINet and WinHTTP share a
/// number, the WinHTTP name and message lead, the WinINet names stay aliases.
#[test]
fn winhttp_leads_for_shared_numbers() {
    for (code, name) in [
        (0x80072F8Fu32, "ERROR_WINHTTP_SECURE_FAILURE"),
        (0x80072EE2, "ERROR_WINHTTP_TIMEOUT"),
        (0x80072EE7, "ERROR_WINHTTP_NAME_NOT_RESOLVED"),
        (0x80072EFD, "ERROR_WINHTTP_CANNOT_CONNECT"),
        (0x80072EFE, "ERROR_WINHTTP_CONNECTION_ERROR"),
        (0x80072F0C, "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED"),
    ] {
        let e = entry(code).unwrap();
        assert_eq!(e.symbol, name, "0x{code:08X}");
        assert!(e.aliases.iter().any(|a| a.starts_with("WININET_E_")), "0x{code:08X}: {:?}", e.aliases);
        assert_eq!(lookup(e.aliases.iter().find(|a| a.starts_with("WININET_E_")).unwrap()).unwrap().code.0, code);
    }
    assert!(entry(0x80072F8F).unwrap().message.contains("certificate"), "{}", entry(0x80072F8F).unwrap().message);
}

#[test]
fn success_codes_are_marked() {
    for code in [0x00000000u32, 0x00000001, 0x00240001, 0x00000103] {
        let e = entry(code).unwrap_or_else(|| panic!("0x{code:08X} missing"));
        assert!(e.is_success(), "0x{code:08X}");
        assert!(e.doc().success);
    }
    assert!(!entry(0x80070005).unwrap().is_success());
    assert!(!entry(0xC0000005).unwrap().is_success());
    // Log scanning never sees success codes as failures, nor NTSTATUS names.
    assert!(wulens_kb::symbols().iter().all(|(s, _)| !s.starts_with("STATUS_")));
    assert_eq!(wulens_kb::code_for_symbol("STATUS_ACCESS_VIOLATION"), Some(0xC0000005));
}

/// At least 150 entries with steps and a source; every curated entry says where it breaks.
#[test]
fn curated_guidance_and_places() {
    let guided: Vec<&wulens_kb::Entry> = entries().iter().filter(|e| !e.mitigation.is_empty() && !e.sources.is_empty()).collect();
    assert!(guided.len() >= 150, "entries with mitigation and a source: {}", guided.len());
    let curated: Vec<&wulens_kb::Entry> = entries().iter().filter(|e| e.origin == Origin::Curated).collect();
    let placeless: Vec<String> = curated.iter().filter(|e| e.places.is_empty()).map(|e| format!("0x{:08X}", e.code)).collect();
    assert!(placeless.is_empty(), "curated entries with no place where they break: {placeless:?}");
}

/// Words in capitals that commands may hold as they are: tools, registry hives and keys,
/// folders and properties that are real names, not stand-ins for this machine's values.
const REAL_CAPITALS: [&str; 14] =
    ["DISM", "WSUS", "HKLM", "HKCU", "SOFTWARE", "SYSTEM", "TEMP", "SCHANNEL", "COMPONENTS", "BITS", "SMSSITECODE", "WINDIR", "WINDOWS", "FAILURE"];

/// A value a command needs from this machine is a placeholder in angle brackets (`<your
/// management point>`), which no shell runs by mistake, never a plausible name in capitals
/// (`http://DPSERVER/...`, `-ComputerName DEVICE`) that would run against whatever answers it.
#[test]
fn commands_hold_placeholders_nobody_can_run_by_mistake() {
    let mut bad = Vec::new();
    let steps =
        entries().iter().flat_map(|e| e.mitigation.iter().chain(e.contexts.iter().flat_map(|c| c.steps)).map(move |s| (format!("0x{:08X}", e.code), s)));
    for (code, step) in steps {
        let Some(cmd) = step.command.as_deref() else { continue };
        // Outside placeholders and quoted registry paths' own names.
        let mut outside = String::new();
        let mut depth = 0;
        for c in cmd.chars() {
            match c {
                '<' => depth += 1,
                '>' if depth > 0 => depth -= 1,
                _ if depth == 0 => outside.push(c),
                _ => {}
            }
        }
        // A word of capitals alone: constants (`CBS_E_CANCEL`) and names with digits (`SHA256`,
        // `KB4493473`) are what they say.
        for word in outside.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            let capitals = word.len() >= 4 && word.chars().all(|c| c.is_ascii_uppercase());
            if capitals && !REAL_CAPITALS.contains(&word) {
                bad.push(format!("{code}: {word} in {cmd}"));
            }
        }
    }
    assert!(bad.is_empty(), "commands with a stand-in in capitals (write it as <...>):\n{}", bad.join("\n"));
}
