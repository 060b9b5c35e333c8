//! The one error type of the boundary, and its one conversion to JavaScript (`JsError`): every failure
//! reaches the page as an `Error` whose message a user (or the worker's author) can act on.

/// What can go wrong at the boundary.
#[derive(Debug)]
pub enum Error {
    /// A request that needs an analysis came before `analyze`.
    NotAnalysed,
    /// A file was added after `analyze`: a drop is one session (the worker makes a new one).
    AlreadyAnalysed,
    /// A request that is not one of the protocol's (`protocol::Request`), with why.
    BadRequest(String),
    /// A row index past the view's end.
    NoSuchRow,
    /// A filter or a time the viewer cannot use (a regex that is not valid), in its own words.
    View(wulens_core::viewer::FilterError),
    /// A zip that cannot be opened, with its name where there is one and why.
    Zip { name: Option<String>, why: String },
    /// The Share panel's redaction failed.
    Redact(String),
    /// A scanning worker's piece: not UTF-8 text, a job or findings that do not read.
    Piece(String),
    /// A value that could not cross to JavaScript or be written as JSON.
    Encode(String),
    /// A notation the knowledge base does not read as a code, with why.
    Code(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NotAnalysed => write!(f, "no analysis yet"),
            Error::AlreadyAnalysed => write!(f, "these logs are analysed already: a new drop needs a new session"),
            Error::BadRequest(why) => write!(f, "bad request: {why}"),
            Error::NoSuchRow => write!(f, "no such row"),
            Error::View(e) => write!(f, "{e}"),
            Error::Redact(why) | Error::Piece(why) | Error::Encode(why) | Error::Code(why) => write!(f, "{why}"),
            Error::Zip { name: Some(name), why } => write!(f, "{name} cannot be opened as a zip ({why})"),
            Error::Zip { name: None, why } => write!(f, "cannot be opened as a zip ({why})"),
        }
    }
}

/// The one conversion to JavaScript is wasm-bindgen's own for any `std::error::Error`: an
/// `Error` whose message is this one's `Display`.
impl std::error::Error for Error {}

impl From<serde_wasm_bindgen::Error> for Error {
    fn from(e: serde_wasm_bindgen::Error) -> Error {
        Error::Encode(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::Encode(e.to_string())
    }
}
