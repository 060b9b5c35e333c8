//! A feature update's result in words: its code with the extend code's phase and operation
//! (`0xC1900101-0x30018 (MOSETUP_E_SETUP_PLATFORM), in the first boot phase (...), during the
//! sysprep operation`).

use super::codes::symbol_after;
use crate::diagnose::{PhaseDone, SetupProgram, SetupResult};

/// The program that wrote a setup-format log, where it is not Windows setup, as a sentence
/// begins with it.
pub fn program(p: SetupProgram) -> &'static str {
    match p {
        SetupProgram::ResetThisPc => "Reset this PC (push-button reset, not an update)",
        SetupProgram::UpdateAssistant => "The Windows 10 Update Assistant's upgrade",
    }
}

/// The phase an extend code's first hex digit names (Microsoft Learn, "Windows upgrade error
/// codes", section "Extend codes": 0 unknown, 1 downlevel, 2 SafeOS, 3 first boot, 4 OOBE
/// (second) boot, 5 uninstall; "Resolve Windows upgrade errors" describes each phase).
const PHASES: [&str; 6] = [
    "an unknown phase",
    "the downlevel phase (still in the old Windows)",
    "the SafeOS phase (WinPE, applying the new image)",
    "the first boot phase (the new Windows starting, drivers installing)",
    "the second boot (OOBE) phase (settings and user data applied)",
    "the uninstall phase (setup undoing a failed upgrade)",
];

/// The operation an extend code's last two hex digits name (Microsoft Learn, "Windows upgrade
/// error codes", section "Extend codes", the SP_EXECUTION_OP_* table: the example 0x4000D is
/// phase 4, data migration; "Resolution procedures": 0x30018, a rollback during sysprep, where
/// the device install log is the one to read).
const OPERATIONS: [(u32, &str); 32] = [
    (0x01, "the copy of the payload"),
    (0x02, "the download of updates"),
    (0x03, "the install of updates"),
    (0x04, "the install of the recovery environment"),
    (0x05, "the install of the recovery image"),
    (0x06, "the replication of optional components"),
    (0x07, "the install of drivers"),
    (0x08, "the preparation of the SafeOS"),
    (0x09, "the preparation of the rollback"),
    (0x0A, "the preparation of the first boot"),
    (0x0B, "the preparation of the OOBE boot"),
    (0x0C, "the application of the image"),
    (0x0D, "data migration"),
    (0x0E, "the setting of the product key"),
    (0x0F, "the addition of the unattend file"),
    (0x10, "the addition of a driver"),
    (0x11, "the enabling of a feature"),
    (0x12, "the disabling of a feature"),
    (0x13, "the registration of an asynchronous process"),
    (0x14, "the registration of a synchronous process"),
    (0x15, "the creation of a file"),
    (0x16, "the creation of a registry entry"),
    (0x17, "the boot"),
    (0x18, "the sysprep operation"),
    (0x19, "OOBE"),
    (0x1A, "the beginning of the first boot"),
    (0x1B, "the end of the first boot"),
    (0x1C, "the beginning of the OOBE boot"),
    (0x1D, "the end of the OOBE boot"),
    (0x1E, "the steps before OOBE"),
    (0x1F, "the steps after OOBE"),
    (0x20, "the addition of a provisioning package"),
];

/// What setup was doing in a phase its log names (`Setup phase change: [...] -> [SetupPhaseDownload]`,
/// the phases of the media and web setup of Windows 10 and 11, MOUPG), else none.
pub fn phase_doing(name: &str) -> Option<&'static str> {
    Some(match name {
        "SetupPhasePreDownload" => "preparing the download of Windows",
        "SetupPhaseDownload" => "downloading Windows",
        "SetupPhasePreInstall" => "preparing the install",
        "SetupPhaseInstall" => "installing Windows",
        "SetupPhaseFinalize" => "finalizing the install",
        "SetupPhaseError" => "handling an error",
        _ => return None,
    })
}

/// What a setup run cancelled or left without a result was waiting on, as a clause: `while
/// downloading Windows (SetupPhaseDownload), which kept failing with 0x80070083 (...): 28 times,
/// from 21:21:00 to 21:48:02`.
pub fn waiting_clause(phase: &str, code: &str, times: usize, span: Option<(String, String)>) -> String {
    let doing = match phase_doing(phase) {
        Some(w) => format!("while {w} ({phase})"),
        None => format!("in its phase {phase}"),
    };
    let span = span.map(|(a, b)| format!(", from {a} to {b}")).unwrap_or_default();
    format!("{doing}, which kept failing with {code}: {times} times{span}")
}

/// The last phase a run without a result finished, as a clause: `said its first boot phase was done`,
/// `ended its Post OOBE phase with success`.
pub fn reached_clause(phase: &PhaseDone) -> String {
    match phase {
        PhaseDone::FirstBoot => "said its first boot phase was done".to_string(),
        PhaseDone::Exited(name) => format!("ended its {name} phase with success (0x00000000)"),
    }
}

/// A failed run's result and extend code in words.
pub fn result_words(r: &SetupResult) -> String {
    let (code, ext) = (r.code, r.extend);
    let symbol = symbol_after(code);
    let digit = (ext >> 16) as usize;
    let phase = PHASES.get(digit).copied().unwrap_or(PHASES[0]);
    let operation = OPERATIONS.iter().find(|(n, _)| *n == ext & 0xFF).map(|(_, w)| format!(", during {w}")).unwrap_or_default();
    if r.before_restart && digit != 1 {
        // Reported before any restart: the failure is the downlevel phase's; the extend code's
        // phase and operation are where setup stood when it reported (undoing its work).
        let state = PHASES.get(digit).map_or("an unknown phase", |p| p.split(" (").next().unwrap_or(p));
        return format!("0x{code:08X}-0x{ext:X}{symbol}, in the downlevel phase (in the old Windows, before any restart; reported from {state})");
    }
    let after = r.root.map(|r| format!(", after 0x{r:08X}{}", symbol_after(r))).unwrap_or_default();
    format!("0x{code:08X}-0x{ext:X}{symbol}, in {phase}{operation}{after}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extend_code_names_its_phase_and_operation() {
        assert!(PHASES[3].starts_with("the first boot phase"));
        assert_eq!(OPERATIONS.iter().find(|(n, _)| *n == 0x30018 & 0xFF).map(|(_, w)| *w), Some("the sysprep operation"));
        assert_eq!(OPERATIONS.iter().find(|(n, _)| *n == 0x4000D & 0xFF).map(|(_, w)| *w), Some("data migration"));
        assert!(OPERATIONS.windows(2).all(|w| w[0].0 + 1 == w[1].0), "one row per operation, in order");
        assert!(PHASES.get(0x4000D >> 16).unwrap().contains("OOBE"));
        let r = SetupResult { code: 0xC190_0101, extend: 0x30018, before_restart: false, root: None };
        assert!(result_words(&r).starts_with("0xC1900101-0x30018"), "{}", result_words(&r));
        assert!(result_words(&r).ends_with("in the first boot phase (the new Windows starting, drivers installing), during the sysprep operation"));
        let early = SetupResult { before_restart: true, ..r };
        assert!(result_words(&early).contains("in the downlevel phase (in the old Windows, before any restart; reported from the first boot phase)"));
    }
}
