//! One row of the updates table: what the last scan said about an update. The diagnosis builds
//! the rows and the report carries them as they are.

use serde::{Deserialize, Serialize};

/// One update as the latest scan reported it (see the module doc).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct UpdateRow {
    /// `KB2862152`, or empty when only the update id is known.
    pub kb: String,
    /// The update's title as the log gives it; may be empty.
    pub title: String,
    /// `installed`, `missing` or another state the log names (lower case).
    pub state: String,
    /// The update's id (a GUID as the log writes it).
    pub update_id: String,
    /// The update's revision number, when the log gives it.
    pub revision: Option<u32>,
    /// Update id that supersedes this one (WUAHandler prunes superseded updates).
    pub superseded_by: Option<String>,
    /// The file the row was read from (display name).
    pub file: String,
    /// 1-based physical line of the record the row comes from.
    pub line: u32,
    /// The row is a Store app's install that no title names: `title` is the app as the log
    /// names it (`9NZKPSTSNW4P-Microsoft.XboxGamingOverlay`), which the report says in words
    /// (`output/words/codes.rs`). Never serialized: the report's title is the words.
    #[serde(skip)]
    pub store_app: bool,
}
