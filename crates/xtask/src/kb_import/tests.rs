//! kb-import's tests: the SDK lines, the page parsers, the assembly and the rendering.

use super::assemble::*;
use super::docs::{parse_dl_list, parse_dt_tables, parse_pipe_tables, RawEntry};
use super::family::*;
use super::output::*;
use super::*;
use crate::kb_common::sdk::{self, SdkConst};
use crate::kb_common::*;

fn entry(numbers: &[u32], name: Option<&str>, message: Option<&str>, section: &str) -> RawEntry {
    RawEntry { numbers: numbers.to_vec(), name: name.map(str::to_string), message: message.map(str::to_string), section: section.to_string() }
}

#[test]
fn sdk_line_hresult_hex() {
    let l = "pub const WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ: windows_core::HRESULT = windows_core::HRESULT(0x8024401B_u32 as _);";
    assert_eq!(sdk::parse_line(l), Some(("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ".into(), "HRESULT".into(), 0x8024_401B)));
}

#[test]
fn sdk_line_negative_i32() {
    let l = "pub const BG_E_HTTP_ERROR_407: i32 = -2145844841i32;";
    assert_eq!(sdk::parse_line(l), Some(("BG_E_HTTP_ERROR_407".into(), "i32".into(), 0x8019_0197)));
}

#[test]
fn sdk_line_u32_and_win32_error_and_facility() {
    assert_eq!(sdk::parse_line("pub const ERROR_INTERNET_TIMEOUT: u32 = 12002u32;"), Some(("ERROR_INTERNET_TIMEOUT".into(), "u32".into(), 12002)));
    assert_eq!(
        sdk::parse_line("pub const ERROR_ACCESS_DENIED: WIN32_ERROR = WIN32_ERROR(5u32);"),
        Some(("ERROR_ACCESS_DENIED".into(), "WIN32_ERROR".into(), 5))
    );
    assert_eq!(
        sdk::parse_line("pub const FACILITY_WINDOWSUPDATE: FACILITY_CODE = FACILITY_CODE(36u32);"),
        Some(("FACILITY_WINDOWSUPDATE".into(), "FACILITY_CODE".into(), 36))
    );
    assert_eq!(
        sdk::parse_line("pub const WBEM_E_FAILED: WBEMSTATUS = WBEMSTATUS(-2147217407i32);"),
        Some(("WBEM_E_FAILED".into(), "WBEMSTATUS".into(), 0x8004_1001))
    );
}

#[test]
fn sdk_line_rejects_non_integers() {
    assert_eq!(sdk::parse_line("pub const FOO: windows_core::PCWSTR = windows_core::w!(\"x\");"), None);
    assert_eq!(sdk::parse_line("pub const BIG: u64 = 18446744073709551615u64;"), None);
    assert_eq!(sdk::parse_line("pub struct WIN32_ERROR(pub u32);"), None);
    assert_eq!(sdk::parse_int_literal("0xFFFF_FFFF"), Some(u32::MAX));
    assert_eq!(sdk::parse_int_literal("-1i32"), Some(u32::MAX));
}

#[test]
fn pipe_table_rows() {
    let md = "\
## Automatic Update Errors

| Error code |            Message              |      Description       |
|------------|---------------------------------|------------------------|
| 0x8024A000 |      `WU_E_AU_NOSERVICE`        | Automatic Updates was unable to service incoming requests. |
| 0x80243FFF |  `WU_E_AUCLIENT_UNEXPECTED`     | There was a user interface error not covered by another `WU_E_AUCLIENT_*` error code. |

## Windows Update error codes

| Error code |  Message                          | Description                                                  |
|------------|-----------------------------------|--------------------------------------------------------------|
| 0x80240001 | `WU_E_NO_SERVICE`                 | Windows Update Agent was unable to provide the service.
";
    assert_eq!(
        parse_pipe_tables(md),
        vec![
            entry(&[0x8024_A000], Some("WU_E_AU_NOSERVICE"), Some("Automatic Updates was unable to service incoming requests."), "Automatic Update Errors"),
            entry(
                &[0x8024_3FFF],
                Some("WU_E_AUCLIENT_UNEXPECTED"),
                Some("There was a user interface error not covered by another WU_E_AUCLIENT_* error code."),
                "Automatic Update Errors"
            ),
            entry(&[0x8024_0001], Some("WU_E_NO_SERVICE"), Some("Windows Update Agent was unable to provide the service."), "Windows Update error codes"),
        ]
    );
}

#[test]
fn pipe_table_common_errors_layout() {
    let md = "\
# Windows Update common errors and mitigation

|                Error Code                |              Message              |          Description          |      Mitigation
|------------------------------------------|-----------------------------------|-------------------------------|-----------------
|                0x80200053                |      BG_E_VALIDATION_FAILED       |              NA               | Ensure that there are no firewalls.<br><br>Run the [script](https://x.invalid).
| 0x80072EFD <br>0x80072EFE <br>0x80D02002 |          TIME_OUT_ERRORS          |    The operation timed out    | Make sure there are no firewall rules.
|                0X8007000D                |        ERROR_INVALID_DATA         | Indicates invalid data downloaded or corruption occurred. | Attempt to re-download.
|                0x80070422               |       | This issue occurs when the Windows Update service stops working or is not running. | Check.<br>  |
";
    let got = parse_pipe_tables(md);
    let s = "Windows Update common errors and mitigation";
    assert_eq!(
        got,
        vec![
            entry(&[0x8020_0053], Some("BG_E_VALIDATION_FAILED"), None, s),
            entry(&[0x8007_2EFD, 0x8007_2EFE, 0x80D0_2002], None, Some("The operation timed out"), s),
            entry(&[0x8007_000D], Some("ERROR_INVALID_DATA"), Some("Indicates invalid data downloaded or corruption occurred."), s),
            entry(&[0x8007_0422], None, Some("This issue occurs when the Windows Update service stops working or is not running."), s),
        ]
    );
}

#[test]
fn dt_table_rows() {
    let md = r#"
# WUA Networking Error Codes

| Constant/value | Description |
|:---|:---|
| <span id="WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ"></span><span id="wu_e_pt_http_status_proxy_auth_req"></span><dl> <dt>**WU\_E\_PT\_HTTP\_STATUS\_PROXY\_AUTH\_REQ**</dt> <dt>0x8024401B</dt> </dl>    | Same as HTTP status 407 – Proxy authentication is required.<br/>   |
| <span id="WU_E_CALL_CANCELLED_BY_POLICY"></span><dl> <dt>**WU\_E\_CALL\_CANCELLED\_BY\_POLICY**</dt> <dt>0x8024002F</dt> </dl> | Operation did not complete because the **DisableWindowsUpdateAccess** policy was set in the registry.<br/> |
| Header<br/> | <dl> <dt>Wuerror.h</dt> </dl> |
"#;
    let s = "WUA Networking Error Codes";
    assert_eq!(
        parse_dt_tables(md),
        vec![
            entry(&[0x8024_401B], Some("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ"), Some("Same as HTTP status 407 – Proxy authentication is required."), s),
            entry(
                &[0x8024_002F],
                Some("WU_E_CALL_CANCELLED_BY_POLICY"),
                Some("Operation did not complete because the DisableWindowsUpdateAccess policy was set in the registry."),
                s
            ),
        ]
    );
}

#[test]
fn dl_list_system_error_codes() {
    let md = r#"# System Error Codes (0-499)

<span id="ERROR_SUCCESS"></span><span id="error_success"></span>**ERROR\_SUCCESS**
   

0 (0x0)
 



The operation completed successfully.


   

<span id="ERROR_ACCESS_DENIED"></span><span id="error_access_denied"></span>**ERROR\_ACCESS\_DENIED**
   

5 (0x5)
 



Access is denied.


   

## Requirements
"#;
    let got = parse_dl_list(md);
    let s = "System Error Codes (0-499)";
    assert_eq!(
        got,
        vec![
            entry(&[0], Some("ERROR_SUCCESS"), Some("The operation completed successfully."), s),
            entry(&[5], Some("ERROR_ACCESS_DENIED"), Some("Access is denied."), s),
        ]
    );
    let spec = docs::DOCS.iter().find(|d| d.file == "system-error-codes--0-499-.md").unwrap();
    let rows = docs::rows(spec, &got);
    assert_eq!(rows.iter().map(|r| r.code).collect::<Vec<_>>(), vec![0, 0x8007_0005], "ERROR_SUCCESS is 0 (S_OK), 5 is 0x80070005");
}

#[test]
fn dl_list_wininet_and_winhttp() {
    let md = r#"# Error Messages (Winhttp.h)

<dl> <dt>

<span id="ERROR_WINHTTP_TIMEOUT"></span><span id="error_winhttp_timeout"></span>**ERROR\_WINHTTP\_TIMEOUT**
</dt> <dd> <dl> <dt>

12002
</dt> <dt>



The request has timed out.

This error can be returned as a result of TCP/IP time-out behavior.
</dt> </dl> </dd> <dt>

<span id="ERROR_INVALID_HANDLE"></span><span id="error_invalid_handle"></span>**ERROR\_INVALID\_HANDLE**
</dt> <dd> <dl> <dt>



The type of handle supplied is incorrect for this operation.


</dt> </dl> </dd> <dt>

<span id="ERROR_GOPHER_ATTRIBUTE_NOT_FOUND"></span>**ERROR\_GOPHER\_ATTRIBUTE\_NOT\_FOUND**
</dt> <dd> <dl> <dt>

12137
</dt> <dt>



Returned by [**WinHttpGetProxyForUrl**](/windows/desktop/api/x) when the requested attribute could not be located.

> [!Note]  
> Windows XP and Windows Server 2003 R2 and earlier only.

</dt> </dl> </dd> </dl>
"#;
    let s = "Error Messages (Winhttp.h)";
    assert_eq!(
        parse_dl_list(md),
        vec![
            entry(&[12002], Some("ERROR_WINHTTP_TIMEOUT"), Some("The request has timed out."), s),
            entry(
                &[12137],
                Some("ERROR_GOPHER_ATTRIBUTE_NOT_FOUND"),
                Some("Returned by WinHttpGetProxyForUrl when the requested attribute could not be located."),
                s
            ),
        ]
    );
}

#[test]
fn dl_list_wmi_numbers_and_ranges() {
    let md = r#"# WMI Error Constants

<dl> <dt>

<span id="0x80041068_-_0x80041099"></span><span id="0X80041068_-_0X80041099"></span>0x80041068 - 0x80041099
</dt> <dd>

Errors that originate in WMI itself.

</dd> </dl>

<dl> <dt>

<span id="WBEM_E_FAILED"></span><span id="wbem_e_failed"></span>**WBEM\_E\_FAILED**
</dt> <dd> <dl> <dt>

2147749889 (0x80041001)
</dt> <dt>



Call failed.


</dt> </dl> </dd> <dt>
"#;
    assert_eq!(parse_dl_list(md), vec![entry(&[0x8004_1001], Some("WBEM_E_FAILED"), Some("Call failed."), "WMI Error Constants")]);
}

#[test]
fn dl_list_bits_number_in_anchor_line() {
    let md = r#"# BITS Return Values

<dl> <dt>

<span id="BG_S_PARTIAL_COMPLETE__0x00200017_"></span><span id="bg_s_partial_complete__0x00200017_"></span>BG\_S\_PARTIAL\_COMPLETE (0x00200017)
</dt> <dd>

A subset of the job's files transferred successfully before the [**IBackgroundCopyJob::Complete**](/windows/x) method was called. Those that were not complete were deleted.

</dd> <dt>

<span id="BG_E_HTTP_ERROR_407__0x80190197_"></span>BG\_E\_HTTP\_ERROR\_407 (0x80190197)
</dt> <dd>

Proxy authentication is required.

</dd> </dl>
"#;
    let s = "BITS Return Values";
    assert_eq!(
        parse_dl_list(md),
        vec![
            entry(
                &[0x0020_0017],
                Some("BG_S_PARTIAL_COMPLETE"),
                Some("A subset of the job's files transferred successfully before the IBackgroundCopyJob::Complete method was called. Those that were not complete were deleted."),
                s
            ),
            entry(&[0x8019_0197], Some("BG_E_HTTP_ERROR_407"), Some("Proxy authentication is required."), s),
        ]
    );
}

#[test]
fn cleaning_and_shortening() {
    assert_eq!(text::clean("Same as `SOAP_E_VERSION_MISMATCH` - `SOAP` client"), "Same as SOAP_E_VERSION_MISMATCH - SOAP client");
    assert_eq!(text::clean("a&amp;b &lt;x&gt; \\<y> WU\\_E\\_PT\\_\\* [link](http://x)<br/>end"), "a&b <x> <y> WU_E_PT_* link end");
    let long = format!("{}. Second sentence here. {}", "A".repeat(200), "B".repeat(150));
    let short = text::shorten(&long, text::MAX_MESSAGE);
    assert_eq!(short, format!("{}. Second sentence here.", "A".repeat(200)));
    let one = "word ".repeat(100);
    let cut = text::shorten(one.trim(), 50);
    assert!(cut.ends_with('…') && cut.chars().count() <= 50, "{cut}");
    assert_eq!(text::message("NA"), None);
    assert_eq!(text::message("  <br/> "), None);
}

fn c(name: &str, ty: &str, value: u32, module: &str) -> SdkConst {
    SdkConst { name: name.into(), ty: ty.into(), value, module: module.into() }
}

#[test]
fn assembly_homes_symbols_and_aliases() {
    let consts = vec![
        c("E_ACCESSDENIED", "HRESULT", 0x8007_0005, "Win32::Foundation"),
        c("ERROR_ACCESS_DENIED", "WIN32_ERROR", 5, "Win32::Foundation"),
        c("ERROR_FILE_NOT_FOUND", "WIN32_ERROR", 2, "Win32::Foundation"),
        c("DIERR_NOTFOUND", "HRESULT", 0x8007_0002, "Win32::Devices::HumanInterfaceDevice"),
        c("WININET_E_TIMEOUT", "HRESULT", 0x8007_2EE2, "Win32::Foundation"),
        c("ERROR_INTERNET_TIMEOUT", "u32", 12002, "Win32::Networking::WinInet"),
        c("ERROR_WINHTTP_TIMEOUT", "u32", 12002, "Win32::Networking::WinHttp"),
        c("BG_E_HTTP_ERROR_407", "i32", 0x8019_0197, "Win32::Networking::BackgroundIntelligentTransferService"),
        c("HTTP_E_STATUS_PROXY_AUTH_REQ", "HRESULT", 0x8019_0197, "Win32::Foundation"),
        c("WU_S_REBOOT_REQUIRED", "HRESULT", 0x0024_0005, "Win32::System::UpdateAgent"),
        c("S_FALSE", "HRESULT", 1, "Win32::Foundation"),
        c("STATUS_WAIT_1", "NTSTATUS", 1, "Win32::Foundation"),
        c("SEC_E_OK", "HRESULT", 0, "Win32::Foundation"),
        c("ERROR_SUCCESS", "WIN32_ERROR", 0, "Win32::Foundation"),
        c("WEP_E_NO_LICENSE", "HRESULT", 0x8801_0006, "Win32::Foundation"),
        c("INET_E_ERROR_FIRST", "HRESULT", 0x800C_0002, "Win32::System::Com::Urlmon"),
        c("INET_E_INVALID_URL", "HRESULT", 0x800C_0002, "Win32::System::Com::Urlmon"),
        c("SPAPI_E_NO_ASSOCIATED_CLASS", "HRESULT", 0x800F_0200, "Win32::Foundation"),
        c("ERROR_NO_ASSOCIATED_CLASS", "WIN32_ERROR", 0xE000_0200, "Win32::Foundation"),
        c("STATUS_ACCESS_VIOLATION", "NTSTATUS", 0xC000_0005, "Win32::Foundation"),
        c("E_BOUNDS", "HRESULT", 0x8000_000B, "Win32::Foundation"),
        c("STATUS_NO_INHERITANCE", "NTSTATUS", 0x8000_000B, "Win32::Foundation"),
    ];
    let msg = |header: &str, name: &str, value: u32, kind: &str, message: &str| tables::HeaderMessage {
        header: header.into(),
        name: name.into(),
        value,
        kind: kind.into(),
        message: message.into(),
    };
    let tables = tables::Tables {
        messages: vec![
            msg("ntstatus.h", "STATUS_ACCESS_VIOLATION", 0xC000_0005, "NTSTATUS", "The instruction referenced memory."),
            msg("wuerror.h", "WU_E_STANDBY_ACTIVITY_NOT_ALLOWED", 0x8024_0067, "HRESULT", "Not allowed in standby."),
            // winerror.h's 16-bit era value of E_ACCESSDENIED: the crate's value wins.
            msg("winerror.h", "E_ACCESSDENIED", 0x8000_0009, "HRESULT", "General access denied error"),
            msg("other.h", "NOT_IN_THE_CRATE", 0x8123_0001, "HRESULT", "Not taken."),
        ],
        nt_win32: [(0xC000_0005, 998), (0x0000_0000, 0)].into_iter().collect(),
        lists: vec![
            (&tables::SETUP, vec![tables::ListRow { code: 0xC190_0101, name: Some("MOSETUP_E_SETUP_PLATFORM".into()), message: "Setup failed.".into() }]),
            (&tables::CONFIGMGR_DOCS, vec![tables::ListRow { code: 0x87D0_0215, name: None, message: "Item not found".into() }]),
            (
                &tables::CONFIGMGR_COMMUNITY,
                vec![
                    tables::ListRow { code: 0x87D0_0215, name: None, message: "Item not found (community)".into() },
                    tables::ListRow { code: 0x87D0_027E, name: None, message: "Bad HTTP status code".into() },
                    tables::ListRow { code: 0x8024_A000, name: None, message: "Not taken: wuerror.h is the source".into() },
                ],
            ),
        ],
    };
    let kb = assemble(&consts, &[], &tables);
    let get = |code: u32| kb.iter().find(|e| e.code == code).unwrap_or_else(|| panic!("0x{code:08X} missing"));
    let denied = get(0x8007_0005);
    assert_eq!((denied.family, denied.symbol.as_deref()), (Family::Win32, Some("E_ACCESSDENIED")));
    assert_eq!(denied.aliases, vec!["ERROR_ACCESS_DENIED".to_string()]);
    assert_eq!(denied.category, "authentication");
    let not_found = get(0x8007_0002);
    assert_eq!(not_found.symbol.as_deref(), Some("ERROR_FILE_NOT_FOUND"), "DirectInput's name for the value never leads");
    assert_eq!(not_found.aliases, vec!["DIERR_NOTFOUND".to_string()]);
    let timeout = get(0x8007_2EE2);
    assert_eq!(timeout.family, Family::Wininet);
    assert_eq!(timeout.symbol.as_deref(), Some("ERROR_WINHTTP_TIMEOUT"));
    assert_eq!(timeout.aliases, vec!["WININET_E_TIMEOUT".to_string(), "ERROR_INTERNET_TIMEOUT".to_string()]);
    let bits = get(0x8019_0197);
    assert_eq!((bits.family, bits.symbol.as_deref(), bits.category), (Family::Bits, Some("BG_E_HTTP_ERROR_407"), "proxy"));
    assert_eq!(get(0x0024_0005).category, "reboot");
    // Success codes and every facility are taken; a range marker never leads.
    assert_eq!((get(1).symbol.as_deref(), get(1).ntstatus), (Some("S_FALSE"), false));
    let success = get(0);
    assert_eq!(success.category, "general", "SEC_E_OK is not an authentication problem");
    assert!(success.aliases.contains(&"ERROR_SUCCESS".to_string()) || success.symbol.as_deref() == Some("ERROR_SUCCESS"));
    assert_eq!(get(0x8801_0006).symbol.as_deref(), Some("WEP_E_NO_LICENSE"));
    assert_eq!(get(0x800C_0002).symbol.as_deref(), Some("INET_E_INVALID_URL"));
    assert_eq!(get(0x800F_0200).aliases, vec!["ERROR_NO_ASSOCIATED_CLASS".to_string()]);
    let setupapi = get(0xE000_0200);
    assert_eq!((setupapi.family, setupapi.ntstatus), (Family::Win32Values, true));
    // NTSTATUS: layout, header message and Win32 mapping.
    let av = get(0xC000_0005);
    assert_eq!((av.family, av.ntstatus, av.win32), (Family::Ntstatus, true, Some(998)));
    assert_eq!(av.message.as_deref(), Some("The instruction referenced memory."));
    // A value with an HRESULT and an NTSTATUS name is an HRESULT.
    let bounds = get(0x8000_000B);
    assert_eq!((bounds.symbol.as_deref(), bounds.ntstatus, bounds.aliases.clone()), (Some("E_BOUNDS"), false, vec!["STATUS_NO_INHERITANCE".to_string()]));
    // Header-only codes of the core headers; the 16-bit era duplicate and other headers not.
    assert_eq!(get(0x8024_0067).symbol.as_deref(), Some("WU_E_STANDBY_ACTIVITY_NOT_ALLOWED"));
    assert!(kb.iter().all(|e| e.code != 0x8000_0009 && e.code != 0x8123_0001));
    // Lists: Microsoft's page before the community list; only ConfigMgr codes of the latter.
    let item = get(0x87D0_0215);
    assert_eq!((item.family, item.message.as_deref(), item.category), (Family::ConfigMgr, Some("Item not found"), "configmgr"));
    assert_eq!(item.doc_sources.len(), 2);
    assert_eq!(get(0x87D0_027E).message.as_deref(), Some("Bad HTTP status code"));
    assert!(kb.iter().all(|e| e.code != 0x8024_A000));
    let setup = get(0xC190_0101);
    assert_eq!((setup.family, setup.symbol.as_deref(), setup.ntstatus), (Family::Setup, Some("MOSETUP_E_SETUP_PLATFORM"), false));
}

#[test]
fn rendering_is_valid_toml() {
    let e = Entry {
        family: Family::Wu,
        code: 0x8024_401B,
        symbol: Some("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ".into()),
        aliases: vec!["A_B".into()],
        message: Some("Say \"hi\" \\ there".into()),
        category: "proxy",
        ntstatus: true,
        win32: Some(998),
        doc_sources: vec![("x.md".into(), "Sec".into())],
        modules: vec!["Win32::System::UpdateAgent".into()],
    };
    let text = render_entries(Family::Wu, &[&e], "windows crate 0.62.2 (Windows SDK metadata)", "0.62.2");
    assert!(text.starts_with("# @generated by cargo xtask kb-import from "));
    let v: toml::Value = toml::from_str(&text).unwrap();
    let entry = &v["entry"][0];
    assert_eq!(entry["message"].as_str(), Some("Say \"hi\" \\ there"));
    assert_eq!(entry["sources"].as_array().unwrap().len(), 2);
    assert_eq!((entry["layout"].as_str(), entry["win32"].as_integer()), (Some("ntstatus"), Some(998)));
}

#[test]
fn facility_labels() {
    let consts = vec![
        c("FACILITY_SSPI", "FACILITY_CODE", 9, "Win32::System::Diagnostics::Debug"),
        c("FACILITY_SECURITY", "FACILITY_CODE", 9, "Win32::System::Diagnostics::Debug"),
        c("FACILITY_USERMODE_VOLMGR", "FACILITY_CODE", 56, "Win32::System::Diagnostics::Debug"),
        c("FACILITY_NT_BIT", "FACILITY_CODE", 0x1000_0000, "Win32::System::Diagnostics::Debug"),
        c("FACILITY_ACPI_ERROR_CODE", "NTSTATUS_FACILITY_CODE", 20, "Win32::Foundation"),
    ];
    let f = facilities::build(&consts);
    let got: Vec<(u32, &str, &str)> = f.iter().map(|f| (f.value, f.name.as_str(), f.label.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (9, "FACILITY_SECURITY", "Security / SSPI"),
            (56, "FACILITY_USERMODE_VOLMGR", "Volume manager"),
            (0x190, "FACILITY_MOSETUP", "Windows setup and feature updates, MOSETUP_E_* (not in winerror.h)"),
            (0x7D0, "FACILITY_CCM", "Configuration Manager client (not in winerror.h)"),
            (0x7D1, "FACILITY_CCM_APPS", "Configuration Manager application deployment (not in winerror.h)"),
            (0x7D2, "FACILITY_CCM_SITE", "Configuration Manager site server (not in winerror.h)"),
        ]
    );
    let nt: Vec<(u32, String)> = facilities::build_nt(&consts).into_iter().map(|f| (f.value, f.name)).collect();
    assert_eq!(nt, vec![(0, "FACILITY_NONE".to_string()), (20, "FACILITY_ACPI_ERROR_CODE".to_string())]);
    assert_eq!(facilities::derive_label("FACILITY_EXAMPLE_THING_DNS"), "Example thing DNS");
}
