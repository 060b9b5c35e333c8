//! The first screen in words: at most three sentences a helpdesk reads in ten seconds (is the
//! machine failing now, and since when; why; what to do first), from the facts the diagnosis
//! states (`diagnose/headline.rs`), kept to about [`HEADLINE_CHARS`] characters.

use super::codes::{code_name, collect_why, finding_cause};
use super::detail::own_text;
use super::ledger::{story, upper_first};
use super::setup::result_words;
use crate::analysis::Analysis;
use crate::diagnose::{Calm, Cause, Diagnosis, First, Recovered, Running, Sentence, Unread, When};
use crate::model::{LogKind, OperationKind, Outcome};

/// The first screen's text is kept to about this many characters.
pub const HEADLINE_CHARS: usize = 300;

/// The first screen: the target failing or stalled now first (with how many more are), then
/// the sentences, a later one only whole and while the whole fits; a drop that mixes machines
/// says so before all.
pub fn headline_text(a: &Analysis, d: &Diagnosis) -> String {
    let h = &d.headline;
    let mut text = fit(h.sentences.iter().filter_map(|s| sentence(a, d, s)).collect());
    if let Some(t) = h.told {
        let mut sentences: Vec<String> = story(&d.ledger[t.row]).into_iter().collect();
        if t.others > 0 {
            sentences.push(format!("{} more update{} failing or stalled: see Updates.", t.others, if t.others == 1 { " is" } else { "s are" }));
        }
        sentences.extend(split_sentences(&text));
        text = fit(sentences);
    }
    if d.machines.len() > 1 {
        text = format!("These logs seem to come from {} machines: analyse each alone. {text}", d.machines.len());
    }
    text
}

fn sentence(a: &Analysis, d: &Diagnosis, s: &Sentence) -> Option<String> {
    Some(match s {
        Sentence::ScanFailing { step, short, at: t } => {
            format!("The ConfigMgr update scan is failing: the latest scan failed at step {step} ({}){}.", lower_first(short), at(t))
        }
        Sentence::DomainFailed { domain, at: t } => format!("{} failed{}.", upper_first(domain.name()), at(t)),
        Sentence::Chain { finding } => super::chain::chain_headline(&d.findings[*finding].found)?,
        Sentence::OneFailed { kind, at: t } => format!("{} failed{}.", upper_first(kind.noun(1)), at(t)),
        Sentence::FailingNow { kind, failed, of, since, name, latest_at, running_after } => {
            let since = since.as_deref().map(|t| format!(" since {}", stamp(t))).unwrap_or_default();
            let name = name.as_ref().map(|n| format!(" ({})", super::codes::update_name(n))).unwrap_or_default();
            let latest_at = match at(latest_at) {
                t if t.is_empty() && !running_after => ", including the latest".to_string(),
                t => format!(", the latest{t}"),
            };
            let after = if *running_after { " (a later one is still running when the log ends)" } else { "" };
            format!("{} failing now{since}: {failed} of {} failed{name}{latest_at}{after}.", what_of(*kind), plural(*of, *kind))
        }
        Sentence::FailedEarlier { kind, failed, of, last_failed_at, latest, latest_at } => {
            let then = match latest {
                Outcome::Running => "is still running when the log ends".to_string(),
                Outcome::Succeeded => format!("succeeded{}", at(latest_at)),
                Outcome::Unknown => format!("logged no result{}", at(latest_at)),
                o => format!("ended {}{}", o.id(), at(latest_at)),
            };
            format!("{failed} of {} failed (the last{}); the latest {} {then}.", plural(*of, *kind), at(last_failed_at), kind.noun(1))
        }
        Sentence::NoWorkRecognised { code } => {
            let mut s =
                "These logs show no update, servicing or setup work that wulens recognizes, so they cannot say whether this machine is failing.".to_string();
            match code {
                Some(c) => s.push_str(&format!(" The most significant error is {}.", code_name(*c))),
                None => s.push_str(" No error in them other than routine ones."),
            }
            s
        }
        Sentence::Calm { now, recovered: r, running: n } => {
            let mut s = calm(a, d, now);
            for more in [r.as_ref().map(recovered), n.as_ref().map(running)].into_iter().flatten() {
                s.push(' ');
                s.push_str(&more);
            }
            s
        }
        Sentence::Cause(c) => return cause(a, d, c),
        Sentence::First(f) => {
            let why;
            let text = match f {
                First::Check => d.next_checks[0].text.as_str(),
                First::Collect => {
                    why = collect_why(&d.collect_next[0]);
                    why.as_str()
                }
            }
            .trim();
            // Its first sentence: the rest is on the list below.
            let first = text.split_inclusive(". ").next().unwrap_or(text).trim_end().trim_end_matches('.');
            format!("First: {}.", lower_first(first))
        }
        Sentence::Unread { parts, alone } => {
            let u = format!("{}.", unread_list(parts));
            if *alone {
                format!("These logs cannot say whether this machine is failing: {u}")
            } else {
                upper_first(&u)
            }
        }
    })
}

/// Why nothing fails now. Where the ledger's target is said first (failing, stalled or still
/// running), the rest of the work is said as it is, never as "not failing now".
fn calm(a: &Analysis, d: &Diagnosis, now: &Calm) -> String {
    let text = |i: &usize| own_text(a, d, &d.statements[*i]);
    let told = d.headline.told.is_some();
    let not_failing = if told { "" } else { "Not failing now: " };
    match now {
        Calm::ScanCompleted { at: t } => upper_first(&format!("{not_failing}the latest ConfigMgr update scan completed{}.", at(t))),
        // The program's name begins a sentence elsewhere ("The Windows 10 Update Assistant's
        // upgrade ..."); here it follows "Not failing now: ".
        Calm::Succeeded { program: Some(p), at: t, .. } => {
            let p = super::setup::program(*p);
            let p: String = p.chars().take(1).flat_map(char::to_lowercase).chain(p.chars().skip(1)).collect();
            upper_first(&format!("{not_failing}{p} succeeded{}.", at(t)))
        }
        // Windows setup's Update Agent runs servicing sessions of its own (Features on Demand,
        // language packs): "the latest servicing session" would hide whose.
        Calm::Succeeded { kind: OperationKind::Servicing, log: LogKind::UpdateAgent, at: t, .. } => {
            upper_first(&format!("{not_failing}the Update Agent's latest session succeeded{}.", at(t)))
        }
        Calm::Succeeded { kind, at: t, .. } => upper_first(&format!("{not_failing}the latest {} succeeded{}.", kind.noun(1), at(t))),
        Calm::RollingBack { statement } => {
            // "Windows setup: an upgrade is rolling back: ..." without the program's name.
            let t = first_sentence(&text(statement));
            upper_first(t.split_once(": ").map_or(t.as_str(), |(_, rest)| rest))
        }
        Calm::Attention { statement } if told => format!("This needs attention too. {}", first_sentence(&text(statement))),
        Calm::Attention { statement } => format!("Not failing now, but this needs attention. {}", first_sentence(&text(statement))),
        Calm::ResultUnknown { statement } => {
            // "Windows setup: it logged 5 error lines; ..." → "Windows setup logged ...".
            let t = text(statement).replacen(": it logged", " logged", 1).replacen(": its latest run", "'s latest run", 1);
            format!("Whether it succeeded is not known: {}", t.strip_prefix("The ").map_or(t.clone(), |rest| format!("the {rest}")))
        }
        Calm::NoFailure { statement } => {
            let none = if told { "No other failure in these logs." } else { "No failure in these logs." };
            match statement.map(|i| first_sentence(&text(&i))) {
                Some(t) if t.chars().count() < 160 => format!("{none} {t}"),
                _ => none.to_string(),
            }
        }
    }
}

fn recovered(r: &Recovered) -> String {
    let (first, last) = (r.first.as_deref().map(stamp), r.last.as_deref().map(stamp));
    let span = match (first, last) {
        (Some(f), Some(l)) if r.count > 1 && f != l => format!(" from {} to {}", &f[..10.min(f.len())], &l[..10.min(l.len())]),
        (Some(f), _) => format!(" at {f}"),
        _ => String::new(),
    };
    let code = r.code.map(|c| format!(" ({})", code_name(c))).unwrap_or_default();
    format!("{} failed {}{span}{code}, then recovered.", upper_first(r.kind.noun(2)), times(r.count))
}

fn running(r: &Running) -> String {
    match r {
        Running::Operation { kind, after } => {
            // An error it logged on the way is said, never hidden behind "running".
            let after = after.map(|c| format!(", after {}", code_name(c))).unwrap_or_default();
            let noun = kind.noun(1);
            let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "An" } else { "A" };
            format!("{article} {noun} is still running when the log ends{after}.")
        }
        Running::Scan => "The latest ConfigMgr scan is still running when the logs end.".to_string(),
    }
}

fn cause(a: &Analysis, d: &Diagnosis, c: &Cause) -> Option<String> {
    Some(match c {
        Cause::SetupResult(r) => format!("Cause: {}.", result_words(r)),
        Cause::NotInLogs => "Cause: not in these logs; setup's result code and the phase it failed in are not in them.".to_string(),
        Cause::App { app, code, others } => {
            let code = code.map(|c| format!(" (0x{c:08X})")).unwrap_or_default();
            let before = match others.as_slice() {
                [] => String::new(),
                [one] => format!("; an earlier run refused {one}"),
                many => format!("; earlier runs refused {} others", many.len()),
            };
            format!("Cause: the app {app} was installed for a user but not provisioned for all users{code}{before}.")
        }
        // The finding describes its lines: their codes' meaning is the cause.
        Cause::FindingCodes { finding } => format!("Likely cause: {}.", finding_cause(&d.findings[*finding])),
        Cause::Finding { finding, code } => {
            let title = lower_first(d.findings[*finding].rule.title.trim_end_matches('.'));
            match code {
                Some(c) => format!("Likely cause: {title}, {}.", code_name(*c)),
                None => format!("Likely cause: {title}."),
            }
        }
        Cause::Clause { statement } => {
            let t = own_text(a, d, &d.statements[*statement]);
            let what = t.split_once(": ").map_or(t.as_ref(), |(_, w)| w);
            let what = what.split(';').next().unwrap_or(what).trim().trim_end_matches('.');
            return (!what.is_empty() && what.chars().count() < 120).then(|| format!("Cause: {what}."));
        }
        Cause::Code(c) => match wulens_kb::entry(*c).map(|k| k.message.trim().trim_end_matches('.').to_string()).filter(|m| !m.is_empty()) {
            Some(m) => format!("Cause: {}, {}.", code_name(*c), lower_first(&m)),
            None => format!("Cause: {}.", code_name(*c)),
        },
    })
}

/// Up to this many inputs with nothing to read are named one by one; more (a drop of junk, a
/// bomb's members) are counted by kind, and the files table names them.
const UNREAD_NAMED: usize = 3;

/// The inputs with nothing to read: each named, or when there are many, counted by kind
/// (`20 inputs hold nothing to read: 18 are not logs (binary content), 2 were not read; the
/// files list them`). A device install's log that stops inside an install is a conclusion,
/// always said whole.
fn unread_list(parts: &[Unread]) -> String {
    let junk = parts.iter().filter(|u| !matches!(u, Unread::DeviceStop { .. })).count();
    if junk <= UNREAD_NAMED {
        return parts.iter().map(unread).collect::<Vec<_>>().join("; ");
    }
    // (kind, how many): the kinds in the order `unread` lists them.
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    let mut total = 0;
    for u in parts {
        let (kind, n) = match u {
            Unread::Placeholder { .. } => ("placeholder", 1),
            Unread::NoEvents { .. } => ("no_events", 1),
            Unread::Undecoded { .. } => ("undecoded", 1),
            Unread::Binary { .. } => ("binary", 1),
            Unread::Empty { .. } => ("empty", 1),
            Unread::NotRead { .. } => ("not_read", 1),
            Unread::NotReadMany(n) => ("not_read", *n),
            Unread::DeviceStop { .. } => continue,
        };
        total += n;
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, m)) => *m += n,
            None => kinds.push((kind, n)),
        }
    }
    let counts: Vec<String> = kinds
        .iter()
        .map(|&(kind, n)| {
            let (one, many) = match kind {
                "placeholder" => ("is Windows 10's placeholder WindowsUpdate.log", "are Windows 10's placeholder WindowsUpdate.log"),
                "no_events" => ("is an event log with no events", "are event logs with no events"),
                "undecoded" => ("is a trace that could not be decoded", "are traces that could not be decoded"),
                "binary" => ("is not a log (binary content)", "are not logs (binary content)"),
                "empty" => ("is empty", "are empty"),
                _ => ("was not read", "were not read"),
            };
            crate::model::counted(n, one, many)
        })
        .collect();
    let mut out = format!("{total} inputs hold nothing to read: {}; the files list them", counts.join(", "));
    for u in parts.iter().filter(|u| matches!(u, Unread::DeviceStop { .. })) {
        out.push_str("; ");
        out.push_str(&unread(u));
    }
    out
}

fn unread(u: &Unread) -> String {
    match u {
        Unread::Placeholder { name } => format!(
            "{name} is Windows 10's placeholder, not the log: run Get-WindowsUpdateLog on the machine (it writes the log from the traces in C:\\Windows\\Logs\\WindowsUpdate) and drop that file or the .etl traces"
        ),
        Unread::NoEvents { name } => format!("{name} holds no events"),
        Unread::Undecoded { name } => format!("{name} could not be decoded as a trace (Get-WindowsUpdateLog on the machine turns it into text)"),
        Unread::Binary { name } => format!("{name} is not a log (binary content)"),
        Unread::Empty { name } => format!("{name} is empty"),
        Unread::NotRead { name, message } => format!("{name} was not read ({})", message.trim_end_matches('.')),
        Unread::NotReadMany(n) => format!("{n} inputs were not read (see the files)"),
        Unread::DeviceStop { file, device, begun } => {
            let begun = begun.as_deref().map(|t| format!(" (begun {})", t.replace('T', " "))).unwrap_or_default();
            format!("{file} ends inside the install of device {device}{begun}: the machine hung, crashed or was reset during it, unless the log was copied while it ran")
        }
    }
}

/// Up to its first full stop followed by a space (or the whole text).
fn first_sentence(t: &str) -> String {
    t.trim().split_inclusive(". ").next().unwrap_or(t).trim_end().to_string()
}

/// Sentences joined, a later one only whole and only while the whole stays within
/// `HEADLINE_CHARS` (the lists below the first screen say the rest); the first is always kept.
fn fit(sentences: Vec<String>) -> String {
    let mut out = String::new();
    for (i, s) in sentences.into_iter().enumerate() {
        if i == 0 {
            out = s;
        } else if out.chars().count() + 1 + s.chars().count() <= HEADLINE_CHARS {
            out.push(' ');
            out.push_str(&s);
        }
    }
    out
}

/// A text's sentences: each ends at `. ` before an upper-case letter (`0x8024402F.` and `KB5044273.`
/// end one; `e.g. the` does not).
fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for i in 0..b.len().saturating_sub(2) {
        if b[i] == b'.' && b[i + 1] == b' ' && b[i + 2].is_ascii_uppercase() {
            out.push(text[start..=i].to_string());
            start = i + 2;
        }
    }
    if start < text.len() {
        out.push(text[start..].to_string());
    }
    out
}

fn what_of(k: OperationKind) -> &'static str {
    match k {
        OperationKind::Search => "Update searches are",
        OperationKind::Download => "Update downloads are",
        OperationKind::Install => "Update installs are",
        OperationKind::Servicing => "Servicing is",
        OperationKind::StoreCheck => "Component-store checks are",
        OperationKind::Setup => "Windows setup is",
        OperationKind::TaskSequence => "The task sequence is",
        OperationKind::ClientInstall => "The ConfigMgr client installation is",
        OperationKind::Deployment => "Deployment evaluations are",
    }
}

/// `2024-05-31 16:45` from a time as its log wrote it.
fn stamp(t: &str) -> String {
    let (date, rest) = t.split_once('T').unwrap_or((t, ""));
    format!("{date} {}", rest.get(..5).unwrap_or(rest))
}

/// ` at 2024-05-31 16:45`, or nothing where the log has no time.
fn at(t: &When) -> String {
    t.as_deref().map(|t| format!(" at {}", stamp(t))).unwrap_or_default()
}

fn plural(n: usize, k: OperationKind) -> String {
    format!("{n} {}", k.noun(n))
}

fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    // A name of two capitalised words (Delivery Optimization, Windows Update) stays as it is.
    let name = s.split_whitespace().nth(1).is_some_and(|w| w.starts_with(char::is_uppercase));
    match c.next() {
        // Keep acronyms and codes (WSUS, HTTP, 0x...) as they are.
        Some(f) if !name && f.is_uppercase() && c.clone().next().is_some_and(|n| n.is_lowercase() || n == ' ') => f.to_lowercase().chain(c).collect(),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_the_first_sentence_and_only_whole_ones_after_it() {
        let long = "x ".repeat(200);
        let s = fit(vec!["Updates are failing now.".into(), "Cause: 0x80070005.".into(), format!("First: {long}")]);
        assert_eq!(s, "Updates are failing now. Cause: 0x80070005.");
        let first = "y".repeat(400);
        assert_eq!(fit(vec![first.clone(), "More.".into()]), first, "the first sentence is never cut");
    }

    #[test]
    fn words() {
        assert_eq!(times(1), "once");
        assert_eq!(times(81), "81 times");
        assert_eq!(plural(3, OperationKind::Download), "3 downloads");
        assert_eq!(lower_first("Proxy errors"), "proxy errors");
        assert_eq!(lower_first("WSUS server"), "WSUS server");
        assert_eq!(lower_first("A proxy answers"), "a proxy answers");
        assert_eq!(stamp("2024-05-31T16:45:12.345"), "2024-05-31 16:45");
        assert_eq!(split_sentences("Cause: 0x8024402F. First: run it. e.g. this"), ["Cause: 0x8024402F.", "First: run it. e.g. this"]);
    }
}
