//! Text encodings a log can come in, and what decoding one found (the decoder is `read::encoding`).

use serde::{Deserialize, Serialize};

/// How a log's bytes are decoded to text: sniffed from the byte-order mark, else the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-8 with its 3-byte byte-order mark.
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    /// UTF-16 little endian with its byte-order mark (how Windows writes most Unicode logs).
    #[serde(rename = "utf-16le-bom")]
    Utf16LeBom,
    /// UTF-16 big endian with its byte-order mark.
    #[serde(rename = "utf-16be-bom")]
    Utf16BeBom,
    /// UTF-16 little endian without a byte-order mark (told from the zero bytes).
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16 big endian without a byte-order mark.
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// Not UTF-8 (invalid bytes and no valid multi-byte character at its start): each byte read as Windows-1252.
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl TextEncoding {
    /// The report's string for it (`utf-8`, `utf-16le-bom`, `windows-1252`).
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

    /// Bytes of byte-order mark at the start of the file (0, 2 or 3), skipped when decoding.
    pub fn bom_len(self) -> usize {
        match self {
            TextEncoding::Utf8Bom => 3,
            TextEncoding::Utf16LeBom | TextEncoding::Utf16BeBom => 2,
            _ => 0,
        }
    }

    /// True for the four UTF-16 variants.
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
