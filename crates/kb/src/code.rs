//! `ErrorCode`: a 32-bit HRESULT-style value, and parsing of every notation admins paste.

use std::fmt;

/// A 32-bit error value. Displays as `0x` + 8 upper-case hex digits, the canonical form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ErrorCode(pub u32);

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:08X}", self.0)
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    /// Any numeric notation `parse_numeric` reads; JSON writes the canonical `0x8024401B`.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_numeric(&s).map(|(c, _)| c).map_err(serde::de::Error::custom)
    }
}

/// Why a piece of text is not a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeParseError {
    /// Nothing but whitespace and punctuation.
    #[error("nothing to look up: the input is empty")]
    Empty,
    /// A number wider than 32 bits.
    #[error("{0:?} does not fit in 32 bits: an error code is at most 8 hex digits or a 10-digit decimal")]
    OutOfRange(String),
    /// Neither a number nor a symbolic name.
    #[error("{0:?} is not an error code: use hex (0x8024401B or 8024401B), decimal (-2145107941 or 2149859355) or a symbolic name (WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ)")]
    NotACode(String),
    /// Shaped like a symbolic name the knowledge base does not have.
    #[error("{0:?} looks like a symbolic name, but no code in the knowledge base has that name")]
    UnknownSymbol(String),
}

/// How the code was written, so a UI can say "read as signed decimal".
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Notation {
    /// Hex with `0x`: `0x8024401B`.
    Hex,
    /// Eight hex digits without `0x`: `8024401B`.
    BareHex,
    /// A negative decimal, as .NET and PowerShell print an HRESULT: `-2145107941`.
    SignedDecimal,
    /// A decimal above 0xFFFF: `2149859355`.
    UnsignedDecimal,
    /// A symbolic name: `WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ`.
    Symbol,
    /// A Win32 error number in decimal, below 0x10000: `1603` (msiexec and ccmsetup exit codes).
    Win32Decimal,
    /// A Win32 error number in hex, below 0x10000 and shorter than eight digits (`0x3`,
    /// `GLE = 0x3`), or of any length after a Win32 word (`gle=0x00000002`).
    Win32Hex,
}

impl Notation {
    /// The number is a Win32 error, looked up as its HRESULT form (`1603` -> `0x80070643`).
    pub const fn is_win32(self) -> bool {
        matches!(self, Notation::Win32Decimal | Notation::Win32Hex)
    }
}

/// Strip what people paste around a code: whitespace, quotes, brackets, `hr=`, `error`, trailing punctuation.
pub fn clean_input(input: &str) -> &str {
    let mut s = input.trim();
    loop {
        let before = s;
        s = s
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '(' | ')' | '[' | ']' | '{' | '}' | '<' | '>' | ',' | ';' | '.' | ':'));
        for prefix in WIN32_WORDS.iter().chain(["hr", "hresult", "error code", "error", "code", "result", "status"].iter()) {
            // Only a whole word: `ERROR_ACCESS_DENIED` and `STATUS_...` are names, not prefixes.
            if s.len() > prefix.len()
                && s.is_char_boundary(prefix.len())
                && s[..prefix.len()].eq_ignore_ascii_case(prefix)
                && matches!(s.as_bytes()[prefix.len()], b' ' | b'=' | b':' | b'\t' | b'#')
            {
                s = s[prefix.len()..].trim_start_matches([' ', '=', ':', '\t', '#']);
            }
        }
        if s == before {
            return s;
        }
    }
}

/// Words before a number that say it is a Win32 error (`GetLastError`, process exit codes).
const WIN32_WORDS: [&str; 7] = ["gle", "getlasterror", "lasterror", "last error", "win32", "exit code", "exitcode"];

/// True when the input starts with one of [`WIN32_WORDS`] as a whole word.
fn has_win32_word(input: &str) -> bool {
    let t = input.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '(' | '[' | '{' | '<'));
    WIN32_WORDS.iter().any(|w| {
        t.len() > w.len()
            && t.is_char_boundary(w.len())
            && t[..w.len()].eq_ignore_ascii_case(w)
            && matches!(t.as_bytes()[w.len()], b' ' | b'=' | b':' | b'\t' | b'#')
    })
}

/// Parse a numeric notation into the 32-bit value as written. Symbolic names are resolved by
/// [`crate::lookup`], which knows the table; it also turns a Win32 notation into the HRESULT form.
pub fn parse_numeric(input: &str) -> Result<(ErrorCode, Notation), CodeParseError> {
    let s = clean_input(input);
    if s.is_empty() {
        return Err(CodeParseError::Empty);
    }
    let not_a_code = || CodeParseError::NotACode(input.trim().to_string());
    let win32_word = has_win32_word(input);
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(not_a_code());
        }
        let digits = hex.trim_start_matches('0');
        if digits.len() > 8 {
            return Err(CodeParseError::OutOfRange(input.trim().to_string()));
        }
        let v = u32::from_str_radix(if digits.is_empty() { "0" } else { digits }, 16).unwrap();
        let win32 = v <= 0xFFFF && (hex.len() < 8 || win32_word);
        return Ok((ErrorCode(v), if win32 { Notation::Win32Hex } else { Notation::Hex }));
    }
    if let Some(dec) = s.strip_prefix('-') {
        if dec.is_empty() || !dec.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_code());
        }
        let v: i64 = dec.parse().map_err(|_| CodeParseError::OutOfRange(input.trim().to_string()))?;
        if v == 0 || v > 1 << 31 {
            return Err(CodeParseError::OutOfRange(input.trim().to_string()));
        }
        return Ok((ErrorCode((-v) as i32 as u32), Notation::SignedDecimal));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        // Exactly eight digits is hex as logs write it (`80070005`): no 8-digit decimal is a
        // failure code (all are below 2^31), while every 8-digit hex failure code starts with 8-F.
        if s.len() == 8 && matches!(s.as_bytes()[0], b'8' | b'9') {
            return Ok((ErrorCode(u32::from_str_radix(s, 16).unwrap()), Notation::BareHex));
        }
        let v: u64 = s.parse().map_err(|_| CodeParseError::OutOfRange(input.trim().to_string()))?;
        let notation = if v <= 0xFFFF { Notation::Win32Decimal } else { Notation::UnsignedDecimal };
        return u32::try_from(v).map(|v| (ErrorCode(v), notation)).map_err(|_| CodeParseError::OutOfRange(input.trim().to_string()));
    }
    if s.bytes().all(|b| b.is_ascii_hexdigit()) {
        if s.len() > 8 {
            return Err(CodeParseError::OutOfRange(input.trim().to_string()));
        }
        let v = u32::from_str_radix(s, 16).unwrap();
        let win32 = v <= 0xFFFF && (s.len() < 8 || win32_word);
        return Ok((ErrorCode(v), if win32 { Notation::Win32Hex } else { Notation::BareHex }));
    }
    Err(not_a_code())
}

/// True when the text has the shape of a symbolic constant such as `WU_E_NO_SERVICE`.
pub fn looks_symbolic(s: &str) -> bool {
    let s = clean_input(s);
    s.len() >= 3 && s.contains('_') && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && s.as_bytes()[0].is_ascii_alphabetic()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> u32 {
        parse_numeric(s).unwrap().0 .0
    }

    #[test]
    fn every_numeric_notation_agrees() {
        for s in [
            "0x8024401B",
            "0x8024401b",
            "8024401b",
            "8024401B",
            "-2145107941",
            "2149859355",
            " \"0x8024401B\" ",
            "hr=8024401B",
            "[0x8024401B]",
            "error 0x8024401B.",
        ] {
            assert_eq!(p(s), 0x8024401B, "{s}");
        }
    }

    #[test]
    fn eight_decimal_digits_read_as_hex() {
        assert_eq!(parse_numeric("80070005").unwrap(), (ErrorCode(0x80070005), Notation::BareHex));
    }

    #[test]
    fn small_values_and_limits() {
        assert_eq!(p("0x0"), 0);
        assert_eq!(p("5"), 5);
        assert_eq!(p("4294967295"), u32::MAX);
        assert_eq!(p("-2147483648"), 0x8000_0000);
        assert_eq!(p("0x000000008024401B"), 0x8024401B);
        assert!(matches!(parse_numeric("4294967296"), Err(CodeParseError::OutOfRange(_))));
        assert!(matches!(parse_numeric("-2147483649"), Err(CodeParseError::OutOfRange(_))));
        assert!(matches!(parse_numeric("0x123456789"), Err(CodeParseError::OutOfRange(_))));
        assert!(matches!(parse_numeric("   "), Err(CodeParseError::Empty)));
        assert!(matches!(parse_numeric("proxy"), Err(CodeParseError::NotACode(_))));
        assert!(matches!(parse_numeric("0xZZ"), Err(CodeParseError::NotACode(_))));
    }

    #[test]
    fn small_numbers_are_win32() {
        assert_eq!(parse_numeric("1603").unwrap(), (ErrorCode(1603), Notation::Win32Decimal));
        assert_eq!(parse_numeric("0x3").unwrap(), (ErrorCode(3), Notation::Win32Hex));
        assert_eq!(parse_numeric("GLE = 0x3").unwrap(), (ErrorCode(3), Notation::Win32Hex));
        assert_eq!(parse_numeric("[gle=0x00000002]").unwrap(), (ErrorCode(2), Notation::Win32Hex));
        assert_eq!(parse_numeric("exit code 1603").unwrap(), (ErrorCode(1603), Notation::Win32Decimal));
        assert_eq!(parse_numeric("0xFFFF").unwrap().1, Notation::Win32Hex);
        // Eight digits are the 32-bit value as written; so are values above 0xFFFF.
        assert_eq!(parse_numeric("0x00000103").unwrap(), (ErrorCode(0x103), Notation::Hex));
        assert_eq!(parse_numeric("0x10000").unwrap(), (ErrorCode(0x10000), Notation::Hex));
        assert_eq!(parse_numeric("65536").unwrap(), (ErrorCode(65536), Notation::UnsignedDecimal));
        assert_eq!(parse_numeric("80070643").unwrap(), (ErrorCode(0x80070643), Notation::BareHex));
        assert!(!has_win32_word("glee 5") && has_win32_word("GLE=5") && has_win32_word("Exit code: 3010"));
    }

    #[test]
    fn display_is_canonical() {
        assert_eq!(ErrorCode(0x8024401b).to_string(), "0x8024401B");
        assert_eq!(ErrorCode(5).to_string(), "0x00000005");
    }

    #[test]
    fn names_are_not_prefixes() {
        assert_eq!(clean_input("ERROR_ACCESS_DENIED"), "ERROR_ACCESS_DENIED");
        assert_eq!(clean_input("STATUS_ACCESS_VIOLATION"), "STATUS_ACCESS_VIOLATION");
        assert_eq!(clean_input("Error code: 0x80070005"), "0x80070005");
        assert_eq!(clean_input("hr = 8007000E"), "8007000E");
    }

    #[test]
    fn symbolic_shape() {
        assert!(looks_symbolic("WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ"));
        assert!(looks_symbolic(" 'E_ACCESSDENIED' "));
        assert!(!looks_symbolic("proxy 407"));
        assert!(!looks_symbolic("0x8024401B"));
    }
}
