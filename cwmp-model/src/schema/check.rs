//! Validation of a parameter value against its type and facets.
//!
//! ```
//! use cwmp_model::schema::{tr181, CheckError};
//! let p = tr181::SCHEMA.parameter("Device.ManagementServer.PeriodicInformInterval").unwrap();
//! assert!(p.check("300").is_ok());
//! assert!(p.check("0").unwrap_err().is_invalid_value()); // range is 1..
//! assert!(p.check("five").unwrap_err().is_wrong_type());
//! ```

use core::fmt;

use cwmp_core::{FaultCode, ParamType, Value, ValueError};

use super::{ParamDef, Syntax, pattern};

/// What is wrong with a value (see [`CheckError`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CheckKind {
    /// Not a lexically valid value of the type (fault 9006).
    Type(ParamType),
    /// A number outside the type's range or the `<range>` facets (9007).
    Range,
    /// A length outside the `<size>` facets; the length found (9007).
    Length(usize),
    /// Not one of the `<enumeration>` values (9007).
    Enumeration,
    /// An enumerated value only the CPE may set (`access="readOnly"`, e.g.
    /// `DiagnosticsState` = `Complete`) (9007).
    CpeOnlyValue,
    /// Matches none of the `<pattern>` facets (9007).
    Pattern,
    /// A list with too few or too many items; the count found (9007).
    ItemCount(usize),
    /// A list longer than its `<list><size maxLength>`; the length found (9007).
    ListLength(usize),
}

/// Why [`ParamDef::check`] refused a value: the kind of failure and, for a
/// list-valued parameter, the 0-based index of the offending item.
///
/// [`CheckError::is_wrong_type`] means fault 9006 (Invalid parameter type),
/// everything else 9007 (Invalid parameter value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CheckError {
    /// What is wrong.
    pub kind: CheckKind,
    /// The list item at fault (0-based), for list-valued parameters.
    pub item: Option<u32>,
}

impl CheckError {
    const fn new(kind: CheckKind) -> CheckError {
        CheckError { kind, item: None }
    }

    /// `true` for a value that is not of the parameter's type (fault 9006).
    pub const fn is_wrong_type(&self) -> bool {
        matches!(self.kind, CheckKind::Type(_))
    }

    /// `true` for a well-typed value the facets refuse (fault 9007).
    pub const fn is_invalid_value(&self) -> bool {
        !self.is_wrong_type()
    }

    /// The CWMP fault: 9006 Invalid parameter type for a wrong type, 9007
    /// Invalid parameter value otherwise.
    pub const fn fault_code(&self) -> FaultCode {
        if self.is_wrong_type() { FaultCode::INVALID_PARAMETER_TYPE } else { FaultCode::INVALID_PARAMETER_VALUE }
    }

    /// [`CheckError::fault_code`] as a number (9006 or 9007).
    pub const fn fault_code_number(&self) -> u16 {
        self.fault_code().code()
    }
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckKind::Type(t) => write!(f, "not a valid {t}"),
            CheckKind::Range => f.write_str("out of range"),
            CheckKind::Length(n) => write!(f, "length {n} outside the allowed sizes"),
            CheckKind::Enumeration => f.write_str("not one of the enumerated values"),
            CheckKind::CpeOnlyValue => f.write_str("an enumerated value only the CPE may set"),
            CheckKind::Pattern => f.write_str("does not match the required pattern"),
            CheckKind::ItemCount(n) => write!(f, "{n} list items, outside the allowed count"),
            CheckKind::ListLength(n) => write!(f, "list text of length {n} is too long"),
        }
    }
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.item {
            Some(i) => write!(f, "list item {i}: {} (fault {})", self.kind, self.fault_code_number()),
            None => write!(f, "{} (fault {})", self.kind, self.fault_code_number()),
        }
    }
}

/// XML whitespace.
fn trim_ws(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// `[+-]?[0-9]+`: a well-formed integer whose only problem can be its range.
fn is_integer_lexical(s: &str) -> bool {
    let d = s.strip_prefix(['+', '-']).unwrap_or(s);
    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
}

/// The number a value carries, widened, for range checks.
fn numeric(v: &Value<'_>) -> Option<i128> {
    Some(match *v {
        Value::Int(n) => i128::from(n),
        Value::UnsignedInt(n) => i128::from(n),
        Value::Long(n) => i128::from(n),
        Value::UnsignedLong(n) => i128::from(n),
        _ => return None,
    })
}

/// The length the `<size>` facet measures: characters for strings, decoded
/// bytes for base64 / hexBinary.
fn measured_len(v: &Value<'_>, text: &str) -> Option<usize> {
    match *v {
        Value::String(s) => Some(s.chars().count()),
        Value::HexBinary(s) => Some(s.len() / 2),
        Value::Base64(s) => {
            let data = s.bytes().filter(|b| !b.is_ascii_whitespace()).count();
            let pad = s.bytes().rev().filter(|b| !b.is_ascii_whitespace()).take_while(|&b| b == b'=').count();
            Some((data / 4 * 3).saturating_sub(pad))
        }
        _ => {
            let _ = text;
            None
        }
    }
}

/// Who a value is checked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Writer {
    /// The ACS (SetParameterValues): CPE-only enumeration values refused.
    Acs,
    /// The CPE / backend: every value of the syntax allowed.
    Cpe,
}

/// Checks one value (or one list item) of type `ty` against `syn`.
fn check_item<'a>(ty: ParamType, syn: &Syntax, text: &'a str, writer: Writer) -> Result<Value<'a>, CheckError> {
    let v = Value::parse(ty, text).map_err(|e| match e {
        ValueError::Invalid(_) if is_integer_lexical(trim_ws(text)) => CheckError::new(CheckKind::Range),
        _ => CheckError::new(CheckKind::Type(ty)),
    })?;
    if !syn.sizes.is_empty()
        && let Some(len) = measured_len(&v, text)
    {
        let ok = syn.sizes.iter().any(|s| len >= s.min as usize && s.max.is_none_or(|m| len <= m as usize));
        if !ok {
            return Err(CheckError::new(CheckKind::Length(len)));
        }
    }
    if !syn.ranges.is_empty()
        && let Some(n) = numeric(&v)
    {
        let ok = syn.ranges.iter().any(|r| {
            let lo = r.min.map_or(i128::MIN, i128::from);
            let hi = r.max.map_or(i128::MAX, i128::from);
            let step = i128::from(r.step.max(1));
            n >= lo && n <= hi && (step == 1 || r.min.is_none() || (n - lo) % step == 0)
        });
        if !ok {
            return Err(CheckError::new(CheckKind::Range));
        }
    }
    let lexical = match v {
        Value::String(s) => s,
        _ => trim_ws(text),
    };
    if !syn.enumeration.is_empty() && !syn.enumeration.contains(lexical) {
        return Err(CheckError::new(CheckKind::Enumeration));
    }
    if writer == Writer::Acs && syn.enumeration.is_cpe_only(lexical) {
        return Err(CheckError::new(CheckKind::CpeOnlyValue));
    }
    if !syn.patterns.is_empty() {
        // A pattern outside the supported subset is not enforced (`None`).
        let refused = syn.patterns.iter().all(|p| pattern::matches(p, lexical) == Some(false));
        if refused {
            return Err(CheckError::new(CheckKind::Pattern));
        }
    }
    Ok(v)
}

fn check_with<'a>(def: &ParamDef, text: &'a str, writer: Writer) -> Result<Value<'a>, CheckError> {
    let syn = def.syntax;
    let Some(list) = syn.list else { return check_item(def.ty, syn, text, writer) };
    let len = text.chars().count();
    if list.max_length.is_some_and(|m| len > m as usize) {
        return Err(CheckError::new(CheckKind::ListLength(len)));
    }
    let mut count = 0usize;
    if !trim_ws(text).is_empty() {
        for (i, item) in text.split(',').enumerate() {
            let item = trim_ws(item);
            check_item(list.item, syn, item, writer)
                .map_err(|e| CheckError { item: Some(u32::try_from(i).unwrap_or(u32::MAX)), ..e })?;
            count = i + 1;
        }
    }
    if count < list.min_items as usize || list.max_items.is_some_and(|m| count > m as usize) {
        return Err(CheckError::new(CheckKind::ItemCount(count)));
    }
    Ok(Value::String(text))
}

impl ParamDef {
    /// Validates `text` (already XML-unescaped), as written by the ACS in
    /// SetParameterValues, against the parameter's type and facets: lexical
    /// form, `<size>`, `<range>`, `<enumeration>` (refusing values only the
    /// CPE may set), `<pattern>` and, for list-valued parameters, the item
    /// count, the list length and every item.
    ///
    /// Ranges apply to the integer types (no `decimal` or `dateTime`
    /// parameter of either model has one). Writability is not checked here
    /// (see [`ParamDef::is_writable`]). The
    /// returned value borrows `text`; a list-valued parameter yields
    /// [`Value::String`] of the whole list.
    pub fn check<'a>(&self, text: &'a str) -> Result<Value<'a>, CheckError> {
        check_with(self, text, Writer::Acs)
    }

    /// Like [`ParamDef::check`], for a value that arrived with an explicit
    /// `xsi:type`: a declared type different from the schema's is a wrong
    /// type (9006) even when the text would parse.
    pub fn check_typed<'a>(&self, declared: ParamType, text: &'a str) -> Result<Value<'a>, CheckError> {
        if declared != self.ty {
            return Err(CheckError::new(CheckKind::Type(self.ty)));
        }
        self.check(text)
    }

    /// Validates a value the CPE itself holds or reports (a backend value, a
    /// device dump): like [`ParamDef::check`], but enumerated values only
    /// the CPE may set are accepted.
    pub fn check_cpe_value<'a>(&self, text: &'a str) -> Result<Value<'a>, CheckError> {
        check_with(self, text, Writer::Cpe)
    }
}
