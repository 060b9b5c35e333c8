//! The entry types the build script generates, and [`EntryDoc`], the JSON document of an entry
//! (what `wulens kb export`, `wulens code --format json` and the report's `kb` field carry).
//!
//! [`Entry`] is the compiled, static form (no allocation to look one up); [`EntryDoc`] is the
//! one definition of its JSON, owned so a reader (the web page) can deserialize it.

use std::borrow::Cow;

use serde::{Deserialize, Serialize, Serializer};

use crate::category::Category;
use crate::code::ErrorCode;
use crate::place::Place;

/// One knowledge-base entry, compiled in from the data files.
#[derive(Debug)]
pub struct Entry {
    /// The 32-bit value (a Win32 error as its HRESULT, `0x8007xxxx`).
    pub code: u32,
    /// Symbolic name, e.g. `WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ`. May be empty.
    pub symbol: &'static str,
    /// Other names for the same value (e.g. `ERROR_INTERNET_TIMEOUT` for `WININET_E_TIMEOUT`).
    pub aliases: &'static [&'static str],
    /// Short message, as published in the public error tables.
    pub message: &'static str,
    /// What part of the system it points at.
    pub category: Category,
    /// What it means, in the project's own words (curated entries only).
    pub description: &'static str,
    /// Typical causes, one sentence each (curated entries only).
    pub causes: &'static [&'static str],
    /// Ordered steps; a step may carry a command to run.
    pub mitigation: &'static [Step],
    /// Codes that go with it (the same failure seen elsewhere, the next code to expect).
    pub related: &'static [u32],
    /// Where in the life of an update this code usually breaks, most typical first.
    pub places: &'static [Place],
    /// Contexts in which the code is routine, not a problem (the diagnosis ignores it there).
    pub noise: &'static [Noise],
    /// Every place the code is written and what it means there: the routine contexts of
    /// `noise` first, then internal traces and failures (`data/contexts`), each with its sources.
    pub contexts: &'static [Context],
    /// Where its facts come from.
    pub sources: &'static [Source],
    /// Which data layer it comes from.
    pub origin: Origin,
    /// How the value is laid out: an HRESULT (Win32 errors are stored as `0x8007xxxx`) or an
    /// NTSTATUS. Decides severity and facility in [`crate::decode`].
    pub layout: Layout,
}

/// The two layouts of a 32-bit code (winerror.h, ntstatus.h).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `S R C N X facility(11) code(16)`: failure when the top bit is set.
    Hresult,
    /// `Sev(2) C facility(12) code(16)`: 00 success, 01 informational, 10 warning, 11 error.
    Ntstatus,
}

impl Layout {
    /// `hresult` or `ntstatus`.
    pub const fn id(self) -> &'static str {
        match self {
            Layout::Hresult => "hresult",
            Layout::Ntstatus => "ntstatus",
        }
    }

    /// True when a value of this layout reports success (or, for an NTSTATUS, information):
    /// not a failure.
    pub const fn is_success(self, value: u32) -> bool {
        match self {
            Layout::Hresult => value & 0x8000_0000 == 0,
            Layout::Ntstatus => value >> 31 == 0,
        }
    }
}

/// One mitigation step (also a flow step's or a finding's guidance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What to do, in a sentence or two.
    pub text: Cow<'static, str>,
    /// A command that does it or checks it, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Cow<'static, str>>,
    /// The places (operations, scan steps) this step fits; empty: every place of its entry. A
    /// step that lists a BITS job fits a download, not a search that failed on the same code.
    #[serde(skip)]
    pub fits: &'static [Place],
}

impl Step {
    /// Does this step fit an operation or step at `place` (`None`: any)?
    pub fn fits(&self, place: Option<Place>) -> bool {
        self.fits.is_empty() || place.is_none_or(|p| self.fits.contains(&p))
    }

    /// The same step with `f` applied to its text and its command (placeholders filled).
    pub fn map_text(&self, f: impl Fn(&str) -> String) -> Step {
        Step { text: f(&self.text).into(), command: self.command.as_deref().map(|c| f(c).into()), fits: self.fits }
    }
}

/// Where a fact comes from: a seed article (file name + section) or a public page or table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The seed article's file name, or the page or table.
    pub doc: Cow<'static, str>,
    /// The section it is in (may be empty).
    pub section: Cow<'static, str>,
}

/// A context in which a code is routine: a line of one of `logs` (log kinds such as
/// `windowsupdate`, `cbs`, `dism`) that contains every string of `contains`.
#[derive(Debug)]
pub struct Noise {
    /// The log kinds (`windowsupdate`, `cbs`, ...).
    pub logs: &'static [&'static str],
    /// Strings the line contains, every one.
    pub contains: &'static [&'static str],
    /// The programs whose own call it is routine in (a file name as the operation's caller line
    /// writes it, `MsMpEng.exe`); empty: any. A line alone does not say who called, so such a
    /// context is routine only where the diagnosis knows the operation's program
    /// ([`Entry::is_noise_of`]).
    pub callers: &'static [&'static str],
    /// Why it is routine there, in a sentence.
    pub why: &'static str,
}

impl Noise {
    /// Does a line of log kind `log` whose text is `line`, in a call of `program` (`None`: not
    /// known), match this context?
    pub fn matches(&self, log: &str, line: &str, program: Option<&str>) -> bool {
        let caller = self.callers.is_empty() || program.is_some_and(|p| self.callers.iter().any(|c| contains_ignore_case(p, c)));
        caller && self.logs.contains(&log) && self.contains.iter().all(|c| line.contains(c))
    }
}

/// `hay` holds `needle`, ASCII letters compared without case (a program's file name).
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// What a code means in one context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Part of normal operation: nothing to do (the diagnosis does not count it).
    Routine,
    /// An internal trace of a component: not a result by itself; the operation's result, told
    /// elsewhere, says whether anything failed.
    Trace,
    /// Something failed: with what to check and do.
    Failure,
}

impl Verdict {
    /// `routine`, `trace` or `failure`.
    pub const fn id(self) -> &'static str {
        match self {
            Verdict::Routine => "routine",
            Verdict::Trace => "trace",
            Verdict::Failure => "failure",
        }
    }

    /// The verdict in words, for a heading.
    pub const fn label(self) -> &'static str {
        match self {
            Verdict::Routine => "routine",
            Verdict::Trace => "internal trace, not a result",
            Verdict::Failure => "failure",
        }
    }
}

/// One place a code is written and what it means there: a line of one of `logs`, written by one
/// of `components`, that contains every string of `contains` and names one of `kbs` (each list
/// empty: any). A context is keyed by the component that writes the code and its call, not by
/// one file: the same component writes the same line in every client's log.
#[derive(Debug)]
pub struct Context {
    /// The log kinds (`windowsupdate`, `cbs`, ...); empty: any log (then `components` or `kbs`
    /// says where).
    pub logs: &'static [&'static str],
    /// The writing components as a CMTrace record names them (`component="CcmNotificationAgent"`),
    /// compared without case; empty: any.
    pub components: &'static [&'static str],
    /// Strings the line contains, every one (none: any line of those logs).
    pub contains: &'static [&'static str],
    /// The updates this context is about (`KB5034441`): a line matches only when it names one,
    /// or when the asker names one ([`Entry::contexts_for_update`]); empty: any update.
    pub kbs: &'static [&'static str],
    /// The writer is outside the update chain (client notification, the fallback status point,
    /// inventory, application deployment): where this context leads a code's card, the code's
    /// update advice does not apply and is not shown.
    pub outside_updates: bool,
    /// Routine, an internal trace, or a failure.
    pub verdict: Verdict,
    /// The component or operation that writes it, in words.
    pub at: &'static str,
    /// Why it is what `verdict` says, in a sentence or two.
    pub why: &'static str,
    /// For a failure: what to check and do, in order.
    pub steps: &'static [Step],
    /// The articles, references or real log lines that show it.
    pub sources: &'static [Source],
}

impl Context {
    /// Does a line of log kind `log` whose text is `line` match this context? (A context bound
    /// to its writing components needs [`Context::matches_writer`].)
    pub fn matches(&self, log: &str, line: &str) -> bool {
        self.matches_writer(log, "", line)
    }

    /// Does a line of log kind `log`, written by `component` (a CMTrace record's component; empty
    /// where the format names none), whose text is `line`, match this context?
    pub fn matches_writer(&self, log: &str, component: &str, line: &str) -> bool {
        (self.logs.is_empty() || self.logs.contains(&log))
            && (self.components.is_empty() || self.components.iter().any(|c| !component.is_empty() && c.eq_ignore_ascii_case(component)))
            && self.contains.iter().all(|c| line.contains(c))
            && (self.kbs.is_empty() || self.kbs.iter().any(|k| contains_ignore_case(line, k)))
    }

    /// Is this context about update `kb` (`KB5034441`, `5034441`)?
    pub fn is_about(&self, kb: &str) -> bool {
        let digits = kb.trim().trim_start_matches(['K', 'k']).trim_start_matches(['B', 'b']);
        !digits.is_empty() && self.kbs.iter().any(|k| k.trim_start_matches("KB").eq_ignore_ascii_case(digits))
    }

    /// True when the context says what the code means for one writer or one update, not for
    /// every line of a log: it leads a card over the general ones.
    pub fn is_specific(&self) -> bool {
        !self.components.is_empty() || !self.kbs.is_empty()
    }

    /// The context's JSON document.
    pub fn doc(&self) -> ContextDoc {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        ContextDoc {
            logs: strings(self.logs),
            components: strings(self.components),
            contains: strings(self.contains),
            kbs: strings(self.kbs),
            outside_updates: self.outside_updates,
            verdict: self.verdict,
            at: self.at.into(),
            why: self.why.into(),
            steps: self.steps.to_vec(),
            sources: self.sources.to_vec(),
        }
    }
}

/// A [`Context`] in an entry's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextDoc {
    /// [`Context::logs`].
    pub logs: Vec<String>,
    /// [`Context::components`]; written only when there are some.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
    /// [`Context::contains`].
    #[serde(default)]
    pub contains: Vec<String>,
    /// [`Context::kbs`]; written only when there are some.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kbs: Vec<String>,
    /// [`Context::outside_updates`]; written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outside_updates: bool,
    /// [`Context::verdict`].
    pub verdict: Verdict,
    /// [`Context::at`].
    pub at: String,
    /// [`Context::why`].
    pub why: String,
    /// [`Context::steps`].
    #[serde(default)]
    pub steps: Vec<Step>,
    /// [`Context::sources`].
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// Which data layer the entry's final form comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Name and message imported from public tables only.
    Imported,
    /// Written by the project from the seed articles.
    Curated,
    /// Added by the organisation running wulens (`data/local`).
    Local,
}

/// A facility of an HRESULT or NTSTATUS (winerror.h, ntstatus.h).
#[derive(Debug)]
pub struct Facility {
    /// Its number, in its layout's numbering.
    pub value: u32,
    /// Its symbolic name (`FACILITY_WINDOWSUPDATE`).
    pub name: &'static str,
    /// What it is, in words.
    pub label: &'static str,
}

impl Entry {
    /// The code as an [`ErrorCode`] (displays as `0x8024401B`).
    pub fn error_code(&self) -> ErrorCode {
        ErrorCode(self.code)
    }

    /// True for success (and NTSTATUS informational) codes such as `S_FALSE`, `WU_S_*`,
    /// `STATUS_PENDING` or `ERROR_SUCCESS`: the knowledge base holds them so that every SDK name
    /// resolves, and marks them so that a reader does not take them for failures.
    pub fn is_success(&self) -> bool {
        self.layout.is_success(self.code)
    }

    /// True when the entry has guidance beyond a name and message.
    pub fn has_guidance(&self) -> bool {
        !self.description.is_empty() || !self.mitigation.is_empty()
    }

    /// True when the entry answers "what do I do?": guidance, or a context that says what the
    /// code means where it is written.
    pub fn has_answer(&self) -> bool {
        self.has_guidance() || !self.contexts.is_empty()
    }

    /// The first context that a line of log kind `log` whose text is `line` matches.
    pub fn context_for(&self, log: &str, line: &str) -> Option<&'static Context> {
        self.context_of_writer(log, "", line)
    }

    /// The context that a line of log kind `log`, written by `component` (empty: not named),
    /// whose text is `line`, matches: one keyed by its writer or update first, else the first.
    pub fn context_of_writer(&self, log: &str, component: &str, line: &str) -> Option<&'static Context> {
        let mut found = self.contexts.iter().filter(|c| c.matches_writer(log, component, line));
        let first = found.next()?;
        Some(if first.is_specific() { first } else { found.find(|c| c.is_specific()).unwrap_or(first) })
    }

    /// The contexts about update `kb` (`KB5034441`), in order: what the code means when that
    /// update is the one that failed.
    pub fn contexts_for_update<'a>(&'a self, kb: &'a str) -> impl Iterator<Item = &'static Context> + 'a {
        self.contexts.iter().filter(move |c| c.is_about(kb))
    }

    /// The ConfigMgr client scan step (1-7) this code usually breaks, if it is one.
    pub fn scan_step(&self) -> Option<u8> {
        self.places.iter().find_map(|p| p.scan_step())
    }

    /// Is this code routine in a line of log kind `log` whose text is `line`, whoever called?
    /// (A context bound to its callers needs [`Entry::is_noise_of`].)
    pub fn is_noise(&self, log: &str, line: &str) -> bool {
        self.noise.iter().any(|n| n.matches(log, line, None))
    }

    /// Is this code routine in a line of log kind `log` whose text is `line`, written in a call
    /// that `program` made (its caller line: a command line, a file name)? Every context whose
    /// callers include the program counts, and every context bound to none.
    pub fn is_noise_of(&self, log: &str, line: &str, program: &str) -> Option<&'static Noise> {
        self.noise.iter().find(|n| n.matches(log, line, Some(program)))
    }

    /// The entry's JSON document.
    pub fn doc(&self) -> EntryDoc {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        EntryDoc {
            code: self.error_code(),
            symbol: self.symbol.into(),
            aliases: strings(self.aliases),
            message: self.message.into(),
            category: self.category.id().into(),
            category_label: self.category.label().into(),
            description: self.description.into(),
            causes: strings(self.causes),
            mitigation: self.mitigation.to_vec(),
            related: self.related.iter().map(|c| ErrorCode(*c)).collect(),
            scan_step: self.scan_step(),
            places: self.places.iter().map(|p| PlaceDoc { id: p.id().into(), label: p.label().into() }).collect(),
            noise: self
                .noise
                .iter()
                .map(|n| NoiseDoc { logs: strings(n.logs), contains: strings(n.contains), callers: strings(n.callers), why: n.why.into() })
                .collect(),
            contexts: self.contexts.iter().map(Context::doc).collect(),
            sources: self.sources.to_vec(),
            origin: self.origin,
            layout: self.layout.id().into(),
            success: self.is_success(),
        }
    }
}

/// The JSON of an entry. Field names are a contract (ARCHITECTURE.md, "Contracts"): add fields, never rename.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryDoc {
    /// [`Entry::code`], written `0x8024401B`.
    pub code: ErrorCode,
    /// [`Entry::symbol`].
    #[serde(default)]
    pub symbol: String,
    /// [`Entry::aliases`].
    #[serde(default)]
    pub aliases: Vec<String>,
    /// [`Entry::message`].
    #[serde(default)]
    pub message: String,
    /// Category id (`proxy`, `network`, ...).
    #[serde(default)]
    pub category: String,
    /// The category in words.
    #[serde(default)]
    pub category_label: String,
    /// [`Entry::description`].
    #[serde(default)]
    pub description: String,
    /// [`Entry::causes`].
    #[serde(default)]
    pub causes: Vec<String>,
    /// [`Entry::mitigation`].
    #[serde(default)]
    pub mitigation: Vec<Step>,
    /// [`Entry::related`].
    #[serde(default)]
    pub related: Vec<ErrorCode>,
    /// The first ConfigMgr scan step among `places` (kept for readers of the first contract).
    #[serde(default)]
    pub scan_step: Option<u8>,
    /// [`Entry::places`], each with its label.
    #[serde(default)]
    pub places: Vec<PlaceDoc>,
    /// [`Entry::noise`].
    #[serde(default)]
    pub noise: Vec<NoiseDoc>,
    /// [`Entry::contexts`]: where the code is written and what it means there; written only
    /// when there are some.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contexts: Vec<ContextDoc>,
    /// [`Entry::sources`].
    #[serde(default)]
    pub sources: Vec<Source>,
    /// [`Entry::origin`].
    pub origin: Origin,
    /// `hresult` or `ntstatus` (see [`Layout`]); written only for NTSTATUS entries.
    #[serde(default = "hresult_id", skip_serializing_if = "is_hresult_id")]
    pub layout: String,
    /// A success or informational code, not a failure; written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub success: bool,
}

fn hresult_id() -> String {
    Layout::Hresult.id().into()
}

#[allow(clippy::ptr_arg)] // serde's skip_serializing_if hands over a &String
fn is_hresult_id(s: &String) -> bool {
    s == Layout::Hresult.id()
}

impl EntryDoc {
    /// True when the entry has guidance beyond a name and message.
    pub fn has_guidance(&self) -> bool {
        !self.description.is_empty() || !self.mitigation.is_empty()
    }

    /// [`Entry::has_answer`].
    pub fn has_answer(&self) -> bool {
        self.has_guidance() || !self.contexts.is_empty()
    }
}

/// A [`Place`] in an entry's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceDoc {
    /// [`Place::id`].
    pub id: String,
    /// [`Place::label`].
    pub label: String,
}

/// A [`Noise`] context in an entry's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoiseDoc {
    /// [`Noise::logs`].
    pub logs: Vec<String>,
    /// [`Noise::contains`].
    pub contains: Vec<String>,
    /// [`Noise::callers`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub callers: Vec<String>,
    /// [`Noise::why`].
    pub why: String,
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.doc().serialize(s)
    }
}
