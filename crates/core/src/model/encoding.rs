//! Text encodings a log can come in, and what decoding one found (the decoder is `read::encoding`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextEncoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    #[serde(rename = "utf-16le-bom")]
    Utf16LeBom,
    #[serde(rename = "utf-16be-bom")]
    Utf16BeBom,
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl TextEncoding {
    pub fn id(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16LeBom => "utf-16le-bom",
            TextEncoding::Utf16BeBom => "utf-16be-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }

    pub fn bom_len(self) -> usize {
        match self {
            TextEncoding::Utf8Bom => 3,
            TextEncoding::Utf16LeBom | TextEncoding::Utf16BeBom => 2,
            _ => 0,
        }
    }

    pub fn is_utf16(self) -> bool {
        matches!(self, TextEncoding::Utf16LeBom | TextEncoding::Utf16BeBom | TextEncoding::Utf16Le | TextEncoding::Utf16Be)
    }
}

/// Facts about a decode that the user should hear about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecodeStats {
    /// Bytes that were not valid UTF-8 and were read as Windows-1252 instead.
    pub invalid_utf8_bytes: u64,
    /// UTF-16 input ended on half a code unit (an odd byte count): the file was cut off.
    pub truncated_utf16: bool,
    /// Unpaired UTF-16 surrogates replaced by U+FFFD.
    pub replaced_utf16: u64,
}
