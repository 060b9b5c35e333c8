//! One row of the updates table: what the last scan said about an update. The diagnosis builds
//! the rows and the report carries them as they are.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct UpdateRow {
    /// `KB2862152`, or empty when only the update id is known.
    pub kb: String,
    pub title: String,
    /// `installed`, `missing` or another state the log names (lower case).
    pub state: String,
    pub update_id: String,
    pub revision: Option<u32>,
    /// Update id that supersedes this one (WUAHandler prunes superseded updates).
    pub superseded_by: Option<String>,
    pub file: String,
    pub line: u32,
}
