//! Shared causes planted in a generated fleet (`gen-fleet --plant`), so that the fleet's
//! shared-cause analysis (the CLI, DuckDB, Spark) has real contrasts to find:
//! - `planted-server`: machines on `wsus02` whose searches succeed daily from the 3rd and until
//!   13:00-13:40 on 2026-11-17 and fail with 0x80244022 from 14:16 on: a server that broke on
//!   one day;
//! - `planted-server-ok`: machines on `wsus01` or `wsus03` whose searches, daily from the 3rd,
//!   all succeed (the contrast, watched across the days the unrelated faults fail);
//! - `planted-update`: machines on `wsus01` or `wsus03` where KB5044273 fails to install with 0x80070643
//!   (ReportingEvents.log): one update failing everywhere;
//! - `planted-proxy`: machines on `wsus01` or `wsus03` whose searches fail with 0x8024401B, behind the
//!   WinHTTP proxy `proxy07.contoso.com:8080` (netsh output): one proxy;
//! - `planted-unrelated`: machines each with its own server, a few of them alike in a code only
//!   ([`UNRELATED`]), whose searches succeed and then fail on days spread over two weeks, each
//!   machine its own: neither a shared cause nor a change in time.
//!
//! The lines have the shapes of Windows 10's WindowsUpdate.log and ReportingEvents.log (as the
//! fixture scenarios in tests/fixtures hold them); the picks are the seed's.

use super::Rng;

/// A planted bundle: its scenario's name and its files (path inside the machine's folder, bytes).
pub(crate) type Planted = (&'static str, Vec<(String, Vec<u8>)>);

/// The servers of the machines that do not break: half on each, so no group of them shares one.
const HEALTHY: [&str; 2] = ["wsus01.contoso.com", "wsus03.contoso.com"];

/// One search of WindowsUpdate.log at `day` `hh:mm` against `server`, failing with `code`.
fn search(out: &mut String, day: u32, hh: u32, mm: u32, id: u32, server: &str, code: Option<&str>) {
    let ts = |s: u32| format!("2026/11/{day:02} {hh:02}:{mm:02}:{s:02}.0000000");
    let url = format!("http://{server}:8530/ClientWebService/client.asmx");
    out.push_str(&format!("{} 1380  9044  Agent           * START * Finding updates CallerId = UpdateOrchestrator  Id = {id}\r\n", ts(1)));
    out.push_str(&format!("{} 1380  9044  ProtocolTalker  ServiceId = {{3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}}, Server URL = {url}\r\n", ts(2)));
    if let Some(c) = code {
        out.push_str(&format!("{} 1380  9044  WebServices     *FAILED* [{c}] Web service call\r\n", ts(5)));
        out.push_str(&format!("{} 1380  9044  Agent           *FAILED* [{c}] Synchronize\r\n", ts(6)));
    }
    let exit = code.unwrap_or("00000000");
    out.push_str(&format!("{} 1380  9044  Agent           * END * Finding updates CallerId = UpdateOrchestrator, Id = {id}, Exit code = 0x{exit}\r\n", ts(7)));
}

/// A search a day, each succeeding, from the 3rd to the 15th at any hour: the weeks a machine's log
/// holds before the days that matter, across which the unrelated faults fail.
fn history(out: &mut String, rng: &mut Rng, server: &str) {
    for day in 3..=15 {
        search(out, day, rng.below(24) as u32, rng.below(60) as u32, 100 + day, server, None);
    }
}

/// ReportingEvents.log: `kb` starts installing and fails with `code` at `day` `hh:mm`.
fn install_failure(out: &mut String, rng: &mut Rng, day: u32, hh: u32, mm: u32, kb: &str, code: &str) {
    let update = rng.guid();
    let title = format!("2024-10 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems ({kb})");
    let at = |s: u32| format!("2026-11-{day:02} {hh:02}:{mm:02}:{s:02}:000+0000");
    out.push_str(&format!(
        "{{{}}}\t{}\t1\t181 [AGENT_INSTALLING_STARTED]\t101\t{{{update}}}\t1\t0\tAutomaticUpdates\tSuccess\tContent Install\tInstallation Started: Windows has started installing the following update: {title}\tgazngTG0N0OpTzVL.1.0.0.3.0\r\n",
        rng.guid(),
        at(10)
    ));
    out.push_str(&format!(
        "{{{}}}\t{}\t1\t182 [AGENT_INSTALLING_FAILED]\t101\t{{{update}}}\t1\t{code}\tAutomaticUpdates\tFailure\tContent Install\tInstallation Failure: Windows failed to install the following update with error 0x{code}: {title}.\tgazngTG0N0OpTzVL.1.0.0.3.0\r\n",
        rng.guid(),
        at(50)
    ));
}

/// The codes of the unrelated faults: each kind's machines fail alike in it and in nothing else.
const UNRELATED: [&str; 4] = ["80072EFD", "80244019", "80240438", "80072F8F"];

const NETSH: &str = "\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Proxy Server(s) :  proxy07.contoso.com:8080\r\n    Bypass List     :  <local>\r\n\r\n";

/// The `n`th machine's planted bundle, or `None` for a fixture scenario: about 14 % broken on
/// wsus02, 20 % healthy on wsus01, 10 % failing KB5044273, 8 % behind proxy07, 10 % unrelated.
pub(crate) fn plant(rng: &mut Rng, n: usize) -> Option<Planted> {
    let roll = rng.below(100);
    let mut wu = String::new();
    let scenario = match roll {
        0..=13 => {
            // Successes the days before and until 13:00-13:40, failures from 14:16 on.
            history(&mut wu, rng, "wsus02.contoso.com");
            search(&mut wu, 16, 9, rng.below(60) as u32, 1, "wsus02.contoso.com", None);
            search(&mut wu, 17, 13, rng.below(41) as u32, 2, "wsus02.contoso.com", None);
            search(&mut wu, 17, 14, 16 + rng.below(44) as u32, 3, "wsus02.contoso.com", Some("80244022"));
            search(&mut wu, 17, 18, rng.below(60) as u32, 4, "wsus02.contoso.com", Some("80244022"));
            "planted-server"
        }
        14..=33 => {
            let server = rng.pick(&HEALTHY);
            history(&mut wu, rng, server);
            for (id, (day, hh)) in [(16, 9), (17, 13), (17, 18)].into_iter().enumerate() {
                search(&mut wu, day, hh, rng.below(60) as u32, id as u32 + 1, server, None);
            }
            "planted-server-ok"
        }
        34..=43 => {
            let server = rng.pick(&HEALTHY);
            search(&mut wu, 17, 8, rng.below(60) as u32, 1, server, None);
            let mut re = String::new();
            let (hh, mm) = (9 + rng.below(8) as u32, rng.below(60) as u32);
            install_failure(&mut re, rng, 17, hh, mm, "KB5044273", "80070643");
            return Some(("planted-update", vec![("WindowsUpdate.log".into(), wu.into_bytes()), ("ReportingEvents.log".into(), re.into_bytes())]));
        }
        44..=51 => {
            let server = rng.pick(&HEALTHY);
            for (id, (day, hh)) in [(16, 9), (17, 13)].into_iter().enumerate() {
                search(&mut wu, day, hh, rng.below(60) as u32, id as u32 + 1, server, Some("8024401B"));
            }
            return Some(("planted-proxy", vec![("WindowsUpdate.log".into(), wu.into_bytes()), ("winhttp-proxy.txt".into(), NETSH.as_bytes().to_vec())]));
        }
        52..=61 => {
            // Its own server and one of a few codes; its last success one to six days before its
            // first failure (a laptop off for days), which falls on any day from the 8th to the 17th.
            let server = format!("wsus-b{n}.contoso.com");
            let code = rng.pick(&UNRELATED);
            let day = 8 + rng.below(10) as u32;
            let ok = day - 1 - rng.below(6) as u32;
            search(&mut wu, ok, rng.below(24) as u32, rng.below(60) as u32, 1, &server, None);
            search(&mut wu, day, rng.below(20) as u32, rng.below(60) as u32, 2, &server, Some(code));
            search(&mut wu, day + 1, 20 + rng.below(4) as u32, rng.below(60) as u32, 3, &server, Some(code));
            "planted-unrelated"
        }
        _ => return None,
    };
    Some((scenario, vec![("WindowsUpdate.log".into(), wu.into_bytes())]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plants_are_the_seeds_and_cover_every_cause() {
        let run = |seed| {
            let mut rng = Rng(seed);
            (1..=300).map(|n| plant(&mut rng, n)).collect::<Vec<_>>()
        };
        assert_eq!(run(11), run(11));
        let got = run(11);
        let count = |s: &str| got.iter().flatten().filter(|(name, _)| *name == s).count();
        for s in ["planted-server", "planted-server-ok", "planted-update", "planted-proxy", "planted-unrelated"] {
            assert!(count(s) >= 3, "{s}: {}", count(s));
        }
        let broken = got.iter().flatten().find(|(name, _)| *name == "planted-server").unwrap();
        let text = String::from_utf8(broken.1[0].1.clone()).unwrap();
        assert!(text.contains("Server URL = http://wsus02.contoso.com:8530/") && text.contains("Exit code = 0x80244022"), "{text}");
    }
}
