//! The shapes of the data files that both build scripts read: `crates/core/build.rs` (flows,
//! rules, operations) and `crates/kb/build.rs` (the knowledge base), each with how it is checked
//! and written as a Rust literal. Both scripts include this file by path; it is a module of
//! neither library.

/// Where a fact comes from: a seed article and its section.
#[derive(serde::Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub doc: String,
    pub section: String,
}

impl Source {
    /// Both the article and its section are named.
    pub fn check(&self) -> Result<(), String> {
        if self.doc.trim().is_empty() || self.section.trim().is_empty() {
            return Err("a source needs doc and section".into());
        }
        Ok(())
    }

    /// The libraries' `Source` literal, with a trailing comma.
    pub fn literal(&self) -> String {
        format!("Source{{doc:Cow::Borrowed({}),section:Cow::Borrowed({})}},", lit(&self.doc), lit(&self.section))
    }
}

/// A step to take: what to do, the command that does it, and the places it fits (the
/// knowledge base's steps only; a flow step's or a rule's guidance is placed where it stands).
#[derive(serde::Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub text: String,
    pub command: Option<String>,
    /// Places (`wu_search`, `wu_download`, `scan_3`, ...) the step fits; empty: any.
    #[serde(default)]
    pub fits: Vec<String>,
}

impl Step {
    /// The libraries' `Step` literal (`Guidance` is its other name), text and command trimmed,
    /// with a trailing comma; `fits` is the places already written as Rust (`Place::WuSearch,...`).
    pub fn literal(&self, fits: &str) -> String {
        let command = match &self.command {
            Some(c) => format!("Some(Cow::Borrowed({}))", lit(c.trim())),
            None => "None".into(),
        };
        format!("Step{{text:Cow::Borrowed({}),command:{command},fits:&[{fits}]}},", lit(self.text.trim()))
    }
}

/// A string as a Rust literal.
pub fn lit(s: &str) -> String {
    format!("{s:?}")
}
