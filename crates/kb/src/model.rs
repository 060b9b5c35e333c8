//! The entry types the build script generates and the JSON they serialize to.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::category::Category;
use crate::code::ErrorCode;

/// One knowledge-base entry, compiled in from the data files.
#[derive(Debug)]
pub struct Entry {
    pub code: u32,
    /// Symbolic name, e.g. `WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ`. May be empty.
    pub symbol: &'static str,
    /// Other names for the same value (e.g. `ERROR_INTERNET_TIMEOUT` for `WININET_E_TIMEOUT`).
    pub aliases: &'static [&'static str],
    /// Short message, as published in the public error tables.
    pub message: &'static str,
    pub category: Category,
    /// What it means, in the project's own words (curated entries only).
    pub description: &'static str,
    pub causes: &'static [&'static str],
    /// Ordered steps; a step may carry a command to run.
    pub mitigation: &'static [Step],
    pub related: &'static [u32],
    /// The client scan step (1-7 of the ConfigMgr scan flow) this code usually breaks.
    pub scan_step: Option<u8>,
    pub sources: &'static [Source],
    pub origin: Origin,
}

#[derive(Debug, serde::Serialize)]
pub struct Step {
    pub text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<&'static str>,
}

/// Where a fact comes from: a seed article (file name + section) or a public table.
#[derive(Debug, serde::Serialize)]
pub struct Source {
    pub doc: &'static str,
    pub section: &'static str,
}

/// Which data layer the entry's final form comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Name and message imported from public tables only.
    Imported,
    /// Written by the project from the seed articles.
    Curated,
    /// Added by the organisation running wulens (`data/local`).
    Local,
}

#[derive(Debug)]
pub struct Facility {
    pub value: u32,
    pub name: &'static str,
    pub label: &'static str,
}

impl Entry {
    pub fn error_code(&self) -> ErrorCode {
        ErrorCode(self.code)
    }

    /// True when the entry has guidance beyond a name and message.
    pub fn has_guidance(&self) -> bool {
        !self.description.is_empty() || !self.mitigation.is_empty()
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

struct Codes(&'static [u32]);
impl Serialize for Codes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|c| ErrorCode(*c).to_string()))
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Entry", 13)?;
        st.serialize_field("code", &self.error_code().to_string())?;
        st.serialize_field("symbol", self.symbol)?;
        st.serialize_field("aliases", self.aliases)?;
        st.serialize_field("message", self.message)?;
        st.serialize_field("category", &self.category)?;
        st.serialize_field("category_label", self.category.label())?;
        st.serialize_field("description", self.description)?;
        st.serialize_field("causes", self.causes)?;
        st.serialize_field("mitigation", self.mitigation)?;
        st.serialize_field("related", &Codes(self.related))?;
        st.serialize_field("scan_step", &self.scan_step)?;
        st.serialize_field("sources", self.sources)?;
        st.serialize_field("origin", &self.origin)?;
        st.end()
    }
}
