//! The registry values `--this-machine` reads, written as the texts an admin would have collected
//! by hand: the Windows Update policy as `reg export` writes it (a `.reg` file) and the WinHTTP
//! proxy as `netsh winhttp show proxy` prints it. Core reads both exactly as it reads them from a
//! ticket, so a report is the same whether wulens read the registry itself or was given the
//! commands' output. Pure: the Windows layer (`windows.rs`) reads the values, this writes them.

/// The Windows Update policy (`reg query HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate /s`).
pub const POLICY_KEY: &str = r"SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate";
/// Where `netsh winhttp set proxy` keeps the WinHTTP proxy: the binary value `WinHttpSettings`.
pub const CONNECTIONS_KEY: &str = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections";
pub const WINHTTP_VALUE: &str = "WinHttpSettings";
/// Where the ConfigMgr client writes its logs when they are not in `%windir%\CCM\Logs`.
pub const CCM_LOGGING_KEY: &str = r"SOFTWARE\Microsoft\CCM\Logging\@Global";
pub const CCM_LOG_DIRECTORY: &str = "LogDirectory";

/// The registry's value types (winnt.h).
pub const REG_SZ: u32 = 1;
pub const REG_EXPAND_SZ: u32 = 2;
pub const REG_BINARY: u32 = 3;
pub const REG_DWORD: u32 = 4;

/// One value as the registry holds it: its name (empty for the key's default), type and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub name: String,
    pub kind: u32,
    pub data: Vec<u8>,
}

/// A key under HKEY_LOCAL_MACHINE with its values (in the registry's order) and sub-keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Key {
    /// The path under HKEY_LOCAL_MACHINE, e.g. `SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate`.
    pub path: String,
    pub values: Vec<Value>,
    pub subkeys: Vec<Key>,
}

/// A UTF-16LE string value without its terminating NUL(s).
pub fn utf16(data: &[u8]) -> String {
    let units: Vec<u16> = data.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
    String::from_utf16_lossy(&units[..end])
}

/// `key` as `reg export HKLM\<path>` writes it (Registry Editor 5.00 layout, written in UTF-8).
/// A key that does not exist (`None`) is a file with the header and a comment saying so: an
/// absent policy key is a fact (nothing is set), which core reads as a policy with no values.
pub fn reg_export(path: &str, key: Option<&Key>) -> String {
    let mut out = String::from("Windows Registry Editor Version 5.00\r\n\r\n");
    match key {
        Some(k) => export_key(k, &mut out),
        None => out.push_str(&format!("; HKEY_LOCAL_MACHINE\\{path} does not exist on this machine: no value of it is set.\r\n")),
    }
    out
}

fn export_key(k: &Key, out: &mut String) {
    out.push_str(&format!("[HKEY_LOCAL_MACHINE\\{}]\r\n", k.path));
    for v in &k.values {
        let name = if v.name.is_empty() { "@".to_string() } else { format!("\"{}\"", escape(&v.name)) };
        out.push_str(&format!("{name}={}\r\n", export_data(v)));
    }
    out.push_str("\r\n");
    for s in &k.subkeys {
        export_key(s, out);
    }
}

/// The right-hand side of a `.reg` line, as regedit writes each type.
fn export_data(v: &Value) -> String {
    match v.kind {
        REG_SZ => format!("\"{}\"", escape(&utf16(&v.data))),
        REG_DWORD if v.data.len() == 4 => format!("dword:{:08x}", u32::from_le_bytes([v.data[0], v.data[1], v.data[2], v.data[3]])),
        REG_BINARY => format!("hex:{}", hex_list(&v.data)),
        kind => format!("hex({kind:x}):{}", hex_list(&v.data)),
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn hex_list(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(",")
}

/// The WinHTTP proxy as `WinHttpSettings` holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WinHttp {
    Direct,
    Proxy { server: String, bypass: String },
}

/// `WINHTTP_PROXY_INFO` as stored by `netsh winhttp set proxy`: a version, a change counter, the
/// access flags (1 direct, 2 named proxy), then the proxy list and the bypass list, each a
/// length-prefixed string of single-byte characters. `None` when the bytes are not that layout.
pub fn decode_winhttp(data: &[u8]) -> Option<WinHttp> {
    let u32_at = |at: usize| data.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let string_at = |at: usize| -> Option<(String, usize)> {
        let len = u32_at(at)? as usize;
        let bytes = data.get(at + 4..(at + 4).checked_add(len)?)?;
        Some((bytes.iter().map(|&b| b as char).collect::<String>().trim_end_matches('\0').to_string(), at + 4 + len))
    };
    let flags = u32_at(8)?;
    let (server, next) = string_at(12)?;
    let bypass = string_at(next).map(|(b, _)| b).unwrap_or_default();
    Some(if flags & 2 != 0 && !server.is_empty() { WinHttp::Proxy { server, bypass } } else { WinHttp::Direct })
}

/// What `netsh winhttp show proxy` prints for the value (English Windows); an absent value is
/// direct access, as netsh says. Bytes of another layout are said so, for core to report.
pub fn netsh_text(value: Option<&[u8]>) -> String {
    let body = match value.map(decode_winhttp) {
        None | Some(Some(WinHttp::Direct)) => "    Direct access (no proxy server).".to_string(),
        Some(Some(WinHttp::Proxy { server, bypass })) => {
            let bypass = if bypass.is_empty() { "(none)".to_string() } else { bypass };
            format!("    Proxy Server(s) :  {server}\r\n    Bypass List     :  {bypass}")
        }
        Some(None) => format!("    WinHttpSettings holds {} bytes wulens cannot read.", value.map_or(0, <[u8]>::len)),
    };
    format!("\r\nCurrent WinHTTP proxy settings:\r\n\r\n{body}\r\n\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sz(s: &str) -> Vec<u8> {
        s.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
    }

    fn winhttp(flags: u32, server: &str, bypass: &str) -> Vec<u8> {
        let mut v = Vec::new();
        for n in [0x28u32, 7, flags, server.len() as u32] {
            v.extend(n.to_le_bytes());
        }
        v.extend(server.bytes());
        v.extend((bypass.len() as u32).to_le_bytes());
        v.extend(bypass.bytes());
        v
    }

    /// Core must read what we write: the policy values, the key that is absent, the proxy.
    fn core_reads(name: &str, text: &str) -> wulens_core::Report {
        let analysis = wulens_core::Analysis::from_inputs(vec![wulens_core::Input { name: name.into(), bytes: text.into() }], &wulens_core::Limits::default());
        wulens_core::Report::build(&analysis)
    }

    #[test]
    fn the_policy_is_written_as_reg_export_writes_it_and_core_reads_it() {
        let key = Key {
            path: POLICY_KEY.into(),
            values: vec![
                Value { name: "WUServer".into(), kind: REG_SZ, data: sz("http://wsus.contoso.com:8530") },
                Value { name: "Odd \"name\"\\".into(), kind: REG_EXPAND_SZ, data: sz("%x%") },
            ],
            subkeys: vec![Key {
                path: format!("{POLICY_KEY}\\AU"),
                values: vec![Value { name: "UseWUServer".into(), kind: REG_DWORD, data: 1u32.to_le_bytes().to_vec() }],
                subkeys: vec![],
            }],
        };
        let text = reg_export(POLICY_KEY, Some(&key));
        assert_eq!(
            text,
            "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate]\r\n\
             \"WUServer\"=\"http://wsus.contoso.com:8530\"\r\n\"Odd \\\"name\\\"\\\\\"=hex(2):25,00,78,00,25,00,00,00\r\n\r\n\
             [HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU]\r\n\"UseWUServer\"=dword:00000001\r\n\r\n"
        );
        let r = serde_json::to_value(core_reads("registry/wu-policy.reg", &text)).unwrap();
        assert_eq!(r["files"][0]["format"], "reg_export", "{}", r["files"]);
        let policy = &r["configuration"]["policy"];
        assert_eq!(policy["wu_server"]["value"], "http://wsus.contoso.com:8530", "{policy}");
        assert_eq!(policy["use_wu_server"]["value"], "1", "{policy}");
    }

    #[test]
    fn an_absent_policy_key_is_said_and_counts_as_given() {
        let text = reg_export(POLICY_KEY, None);
        assert!(text.starts_with("Windows Registry Editor Version 5.00\r\n"));
        assert!(text.contains("HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate does not exist"));
        // Given, with nothing set: the report does not ask for the policy again.
        let r = serde_json::to_value(core_reads("registry/wu-policy.reg", &text)).unwrap();
        let c = &r["configuration"];
        assert_eq!(c["policy"]["files"], serde_json::json!(["registry/wu-policy.reg"]), "{c}");
        assert_eq!(c["policy"]["wu_server"], serde_json::Value::Null, "{c}");
        assert!(!c["missing"].to_string().contains("reg query"), "{c}");
    }

    #[test]
    fn winhttp_settings_decode_as_netsh_shows_them() {
        assert_eq!(decode_winhttp(&winhttp(1, "", "")), Some(WinHttp::Direct));
        assert_eq!(
            decode_winhttp(&winhttp(3, "proxy.contoso.com:8080", "<local>;*.contoso.com")),
            Some(WinHttp::Proxy { server: "proxy.contoso.com:8080".into(), bypass: "<local>;*.contoso.com".into() })
        );
        // Flags that say direct win over a stale proxy string; cut bytes are not a setting.
        assert_eq!(decode_winhttp(&winhttp(1, "old:80", "")), Some(WinHttp::Direct));
        assert_eq!(decode_winhttp(&winhttp(3, "proxy:8080", "")[..14]), None);
        assert_eq!(
            netsh_text(Some(&winhttp(3, "proxy:8080", ""))),
            "\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Proxy Server(s) :  proxy:8080\r\n    Bypass List     :  (none)\r\n\r\n"
        );
        assert!(netsh_text(None).contains("Direct access (no proxy server)."));
        assert!(netsh_text(Some(&[1, 2, 3])).contains("3 bytes wulens cannot read"));
    }

    #[test]
    fn core_reads_the_proxy_we_write() {
        let r = serde_json::to_value(core_reads("registry/winhttp-proxy.txt", &netsh_text(Some(&winhttp(3, "proxy.contoso.com:8080", "<local>"))))).unwrap();
        assert_eq!(r["files"][0]["format"], "netsh_winhttp", "{}", r["files"]);
        let proxy = &r["configuration"]["proxy"];
        assert_eq!((&proxy["servers"], &proxy["bypass"]), (&serde_json::json!(["proxy.contoso.com:8080"]), &serde_json::json!(["<local>"])), "{proxy}");
        let direct = serde_json::to_value(core_reads("registry/winhttp-proxy.txt", &netsh_text(None))).unwrap();
        assert_eq!(direct["configuration"]["proxy"]["direct"], true, "{}", direct["configuration"]);
    }
}
