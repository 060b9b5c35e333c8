//! Views. Each file is one page or a group of small shared pieces; they read `wulens_core`'s
//! report and viewer types and talk to the worker through `Services` (`services.rs`), never
//! through `app.rs`.

pub mod causes;
pub mod chain;
pub mod collect;
pub mod common;
pub mod compliance;
pub mod fleet;
pub mod follow;
pub mod kb;
pub mod landing;
pub mod ledger;
pub mod machines;
pub mod operations;
pub mod report;
pub mod share;
pub mod viewer;
pub mod wufb;
pub mod wufb_more;
