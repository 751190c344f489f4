//! TR-106 parameter types and borrowed typed values.
//!
//! CWMP carries every parameter value as text with an `xsi:type`. This module
//! knows the ten TR-106 primitive types, their XML Schema names, and the
//! lexical rules for each, so a value can be checked and converted without a
//! heap:
//!
//! ```
//! use cwmp_core::{ParamType, Value};
//!
//! let v = Value::parse(ParamType::Boolean, "1").unwrap();
//! assert_eq!(v, Value::Boolean(true));
//! assert_eq!(ParamType::from_xsd("xsd:unsignedInt"), Some(ParamType::UnsignedInt));
//! assert!(Value::parse(ParamType::Int, "2147483648").is_err()); // out of xsd:int range
//! ```

use core::fmt;

use crate::datetime::{DateTime, DateTimeError, DateTimeMode};

/// A TR-106 primitive data type (TR-106 §3.2; the XML Schema types CWMP puts in
/// `xsi:type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ParamType {
    /// `xsd:string`.
    String,
    /// `xsd:int`: 32-bit signed.
    Int,
    /// `xsd:unsignedInt`: 32-bit unsigned.
    UnsignedInt,
    /// `xsd:long`: 64-bit signed.
    Long,
    /// `xsd:unsignedLong`: 64-bit unsigned.
    UnsignedLong,
    /// `xsd:boolean`: `true`, `false`, `1`, `0`.
    Boolean,
    /// `xsd:dateTime`.
    DateTime,
    /// `xsd:base64Binary`.
    Base64,
    /// `xsd:hexBinary`.
    HexBinary,
    /// `xsd:decimal`.
    Decimal,
}

impl ParamType {
    /// All ten types, in declaration order.
    pub const ALL: [ParamType; 10] = [
        ParamType::String,
        ParamType::Int,
        ParamType::UnsignedInt,
        ParamType::Long,
        ParamType::UnsignedLong,
        ParamType::Boolean,
        ParamType::DateTime,
        ParamType::Base64,
        ParamType::HexBinary,
        ParamType::Decimal,
    ];

    /// The XML Schema local name (`"unsignedInt"`), as in the TR-106 data
    /// model XML (`<unsignedInt/>`) and in `xsi:type` after the prefix.
    pub const fn xsd_local_name(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Int => "int",
            ParamType::UnsignedInt => "unsignedInt",
            ParamType::Long => "long",
            ParamType::UnsignedLong => "unsignedLong",
            ParamType::Boolean => "boolean",
            ParamType::DateTime => "dateTime",
            ParamType::Base64 => "base64Binary",
            ParamType::HexBinary => "hexBinary",
            ParamType::Decimal => "decimal",
        }
    }

    /// The `xsi:type` value we emit: `xsd:` plus the local name.
    pub const fn xsi_type(self) -> &'static str {
        match self {
            ParamType::String => "xsd:string",
            ParamType::Int => "xsd:int",
            ParamType::UnsignedInt => "xsd:unsignedInt",
            ParamType::Long => "xsd:long",
            ParamType::UnsignedLong => "xsd:unsignedLong",
            ParamType::Boolean => "xsd:boolean",
            ParamType::DateTime => "xsd:dateTime",
            ParamType::Base64 => "xsd:base64Binary",
            ParamType::HexBinary => "xsd:hexBinary",
            ParamType::Decimal => "xsd:decimal",
        }
    }

    /// Type from an XML Schema local name. Also accepts the TR-106 data-model
    /// spelling `base64` for `base64Binary`. Case-sensitive, like XML.
    #[inline]
    pub fn from_xsd_local_name(name: &str) -> Option<ParamType> {
        // Byte-string patterns compile to inline compares (no `memcmp` call):
        // this runs once per received parameter value.
        Some(match name.as_bytes() {
            b"string" => ParamType::String,
            b"int" => ParamType::Int,
            b"unsignedInt" => ParamType::UnsignedInt,
            b"long" => ParamType::Long,
            b"unsignedLong" => ParamType::UnsignedLong,
            b"boolean" => ParamType::Boolean,
            b"dateTime" => ParamType::DateTime,
            b"base64Binary" | b"base64" => ParamType::Base64,
            b"hexBinary" => ParamType::HexBinary,
            b"decimal" => ParamType::Decimal,
            _ => return None,
        })
    }

    /// Type from a prefixed `xsi:type` value such as `xsd:int` or `xs:int`.
    /// The prefix is not checked (the namespace it binds is the caller's
    /// concern); a value without a prefix is read as a local name.
    #[inline]
    pub fn from_xsd(qname: &str) -> Option<ParamType> {
        let b = qname.as_bytes();
        let local = match b.get(..4) {
            Some(b"xsd:") => qname.get(4..).unwrap_or(""),
            _ => match b.iter().rposition(|&c| c == b':') {
                Some(i) => qname.get(i + 1..).unwrap_or(""),
                None => qname,
            },
        };
        ParamType::from_xsd_local_name(local)
    }
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.xsd_local_name())
    }
}

/// Why a lexical value does not fit its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ValueError {
    /// Not a valid number of the type, or out of its range.
    #[error("not a valid {0}")]
    Invalid(ParamType),
    /// A boolean other than `true`, `false`, `1` or `0`.
    #[error("not a boolean (expected true, false, 1 or 0)")]
    Boolean,
    /// A dateTime that does not parse.
    #[error("bad dateTime: {0}")]
    DateTime(DateTimeError),
}

/// A typed parameter value borrowing its text from the message or model.
///
/// String-like types (`string`, `base64`, `hexBinary`, `decimal`) keep their
/// validated lexical form; numbers, booleans and dateTimes are converted.
/// [`fmt::Display`] writes the canonical lexical form CWMP puts on the wire
/// (`true`/`false` for booleans).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Value<'a> {
    /// `xsd:string`.
    String(&'a str),
    /// `xsd:int`.
    Int(i32),
    /// `xsd:unsignedInt`.
    UnsignedInt(u32),
    /// `xsd:long`.
    Long(i64),
    /// `xsd:unsignedLong`.
    UnsignedLong(u64),
    /// `xsd:boolean`.
    Boolean(bool),
    /// `xsd:dateTime`.
    DateTime(DateTime),
    /// `xsd:base64Binary`, validated, whitespace kept as received.
    Base64(&'a str),
    /// `xsd:hexBinary`, validated (even number of hex digits).
    HexBinary(&'a str),
    /// `xsd:decimal`, validated lexical form.
    Decimal(&'a str),
}

/// XML Schema whitespace: space, tab, CR, LF.
const fn is_xml_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Trims XML whitespace (the `collapse` facet of every non-string xsd type).
fn trim_xml_ws(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_xml_ws(c as u8))
}

/// Parses `[+-]?[0-9]+` into a magnitude and sign, without overflow.
fn parse_integer(s: &str, allow_minus: bool) -> Option<(bool, u64)> {
    let bytes = s.as_bytes();
    let (neg, digits) = match bytes.first()? {
        b'-' if allow_minus => (true, bytes.get(1..)?),
        b'-' => {
            // xsd allows "-0" for unsigned types.
            let rest = bytes.get(1..)?;
            if !rest.is_empty() && rest.iter().all(|&b| b == b'0') {
                return Some((false, 0));
            }
            return None;
        }
        b'+' => (false, bytes.get(1..)?),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return None;
    }
    let mut acc: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        acc = acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some((neg, acc))
}

fn parse_signed(s: &str, min: i64, max: i64) -> Option<i64> {
    let (neg, mag) = parse_integer(s, true)?;
    let v: i64 = if neg {
        if mag == 1u64 << 63 { i64::MIN } else { -i64::try_from(mag).ok()? }
    } else {
        i64::try_from(mag).ok()?
    };
    (min..=max).contains(&v).then_some(v)
}

/// Parses an xsd:boolean as TR-069 peers send it.
pub fn parse_boolean(s: &str) -> Option<bool> {
    match trim_xml_ws(s) {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn is_base64(s: &str) -> bool {
    let mut n = 0usize;
    let mut pad = 0usize;
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {
                if pad > 0 {
                    return false;
                }
                n += 1;
            }
            b'=' => {
                pad += 1;
                n += 1;
                if pad > 2 {
                    return false;
                }
            }
            b if is_xml_ws(b) => {}
            _ => return false,
        }
    }
    n.is_multiple_of(4)
}

fn is_hex_binary(s: &str) -> bool {
    s.len().is_multiple_of(2) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_decimal(s: &str) -> bool {
    let b = s.as_bytes();
    let b = match b.first() {
        Some(b'+' | b'-') => &b[1..],
        _ => b,
    };
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let digits = |d: &[u8]| d.iter().all(u8::is_ascii_digit);
    match frac {
        None => !int.is_empty() && digits(int),
        Some(f) => (!int.is_empty() || !f.is_empty()) && digits(int) && digits(f),
    }
}

impl<'a> Value<'a> {
    /// Parses `text` (already unescaped) as a value of `ty`, strictly: the
    /// xsd lexical space, with leading/trailing whitespace collapsed for
    /// non-string types and `1`/`0` accepted for booleans.
    pub fn parse(ty: ParamType, text: &'a str) -> Result<Value<'a>, ValueError> {
        Value::parse_with(ty, text, DateTimeMode::Strict)
    }

    /// Like [`Value::parse`], with the dateTime leniency chosen by `mode`
    /// (see [`DateTimeMode`]).
    pub fn parse_with(ty: ParamType, text: &'a str, mode: DateTimeMode) -> Result<Value<'a>, ValueError> {
        let t = trim_xml_ws(text);
        let invalid = ValueError::Invalid(ty);
        Ok(match ty {
            ParamType::String => Value::String(text),
            ParamType::Int => {
                let v = parse_signed(t, i64::from(i32::MIN), i64::from(i32::MAX)).ok_or(invalid)?;
                Value::Int(i32::try_from(v).map_err(|_| invalid)?)
            }
            ParamType::Long => Value::Long(parse_signed(t, i64::MIN, i64::MAX).ok_or(invalid)?),
            ParamType::UnsignedInt => {
                let (_, v) = parse_integer(t, false).ok_or(invalid)?;
                Value::UnsignedInt(u32::try_from(v).map_err(|_| invalid)?)
            }
            ParamType::UnsignedLong => Value::UnsignedLong(parse_integer(t, false).ok_or(invalid)?.1),
            ParamType::Boolean => Value::Boolean(parse_boolean(t).ok_or(ValueError::Boolean)?),
            ParamType::DateTime => Value::DateTime(DateTime::parse_with(t, mode).map_err(ValueError::DateTime)?),
            ParamType::Base64 if is_base64(t) => Value::Base64(t),
            ParamType::HexBinary if is_hex_binary(t) => Value::HexBinary(t),
            ParamType::Decimal if is_decimal(t) => Value::Decimal(t),
            ParamType::Base64 | ParamType::HexBinary | ParamType::Decimal => return Err(invalid),
        })
    }

    /// The type of this value.
    pub const fn param_type(&self) -> ParamType {
        match self {
            Value::String(_) => ParamType::String,
            Value::Int(_) => ParamType::Int,
            Value::UnsignedInt(_) => ParamType::UnsignedInt,
            Value::Long(_) => ParamType::Long,
            Value::UnsignedLong(_) => ParamType::UnsignedLong,
            Value::Boolean(_) => ParamType::Boolean,
            Value::DateTime(_) => ParamType::DateTime,
            Value::Base64(_) => ParamType::Base64,
            Value::HexBinary(_) => ParamType::HexBinary,
            Value::Decimal(_) => ParamType::Decimal,
        }
    }
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) | Value::Base64(s) | Value::HexBinary(s) | Value::Decimal(s) => f.write_str(s),
            Value::Int(v) => write!(f, "{v}"),
            Value::UnsignedInt(v) => write!(f, "{v}"),
            Value::Long(v) => write!(f, "{v}"),
            Value::UnsignedLong(v) => write!(f, "{v}"),
            Value::Boolean(v) => f.write_str(if *v { "true" } else { "false" }),
            Value::DateTime(v) => write!(f, "{v}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xsd_names_round_trip() {
        for ty in ParamType::ALL {
            assert_eq!(ParamType::from_xsd(ty.xsi_type()), Some(ty));
            assert_eq!(ParamType::from_xsd_local_name(ty.xsd_local_name()), Some(ty));
        }
        assert_eq!(ParamType::from_xsd("base64"), Some(ParamType::Base64));
        assert_eq!(ParamType::from_xsd("xsd:Int"), None);
    }

    #[test]
    fn integer_ranges() {
        assert_eq!(Value::parse(ParamType::Int, "-2147483648"), Ok(Value::Int(i32::MIN)));
        assert_eq!(Value::parse(ParamType::Int, " +7 "), Ok(Value::Int(7)));
        assert!(Value::parse(ParamType::Int, "2147483648").is_err());
        assert_eq!(Value::parse(ParamType::UnsignedInt, "4294967295"), Ok(Value::UnsignedInt(u32::MAX)));
        assert!(Value::parse(ParamType::UnsignedInt, "4294967296").is_err());
        assert!(Value::parse(ParamType::UnsignedInt, "-1").is_err());
        assert_eq!(Value::parse(ParamType::UnsignedInt, "-0"), Ok(Value::UnsignedInt(0)));
        assert_eq!(Value::parse(ParamType::Long, "-9223372036854775808"), Ok(Value::Long(i64::MIN)));
        assert!(Value::parse(ParamType::Long, "9223372036854775808").is_err());
        assert_eq!(Value::parse(ParamType::UnsignedLong, "18446744073709551615"), Ok(Value::UnsignedLong(u64::MAX)));
        assert!(Value::parse(ParamType::UnsignedLong, "18446744073709551616").is_err());
        for bad in ["", "+", "-", "1.0", "0x10", "1e3", "١"] {
            assert!(Value::parse(ParamType::Int, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn booleans_accept_tr069_forms() {
        for (s, b) in [("true", true), ("1", true), ("false", false), ("0", false), (" true\n", true)] {
            assert_eq!(Value::parse(ParamType::Boolean, s), Ok(Value::Boolean(b)));
        }
        for bad in ["TRUE", "yes", "2", ""] {
            assert_eq!(Value::parse(ParamType::Boolean, bad), Err(ValueError::Boolean));
        }
    }

    #[test]
    fn binary_and_decimal_forms() {
        assert!(Value::parse(ParamType::Base64, "SGVsbG8=").is_ok());
        assert!(Value::parse(ParamType::Base64, "SGVs bG8=").is_ok());
        assert!(Value::parse(ParamType::Base64, "SGVsbG8").is_err());
        assert!(Value::parse(ParamType::Base64, "SG=sbG8=").is_err());
        assert!(Value::parse(ParamType::HexBinary, "00aF").is_ok());
        assert!(Value::parse(ParamType::HexBinary, "0aF").is_err());
        for ok in ["1", "-1.5", "+.5", "5.", "0.000"] {
            assert!(Value::parse(ParamType::Decimal, ok).is_ok(), "{ok}");
        }
        for bad in [".", "1.2.3", "1e5", "-", ""] {
            assert!(Value::parse(ParamType::Decimal, bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn numbers_round_trip(i in proptest::num::i64::ANY, u in proptest::num::u64::ANY) {
            let s = std::format!("{}", Value::Long(i));
            proptest::prop_assert_eq!(Value::parse(ParamType::Long, &s), Ok(Value::Long(i)));
            let s = std::format!("{}", Value::UnsignedLong(u));
            proptest::prop_assert_eq!(Value::parse(ParamType::UnsignedLong, &s), Ok(Value::UnsignedLong(u)));
        }
    }
}
