//! How each kind of field is written and read: one implementation per field
//! type (text, numbers, booleans, dateTimes, values, arrays, structs), used by
//! the table-generated message types in [`crate::structs`] and [`crate::rpc`].

use cwmp_core::datetime::{DateTime, DateTimeMode};
use cwmp_core::limits::Limit;
use cwmp_core::types::parse_boolean;
use cwmp_core::{ParamType, Value};

use crate::decode::DecodeOptions;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::facet::Facet;
use crate::list::{List, XmlList};
use crate::quirk::{Quirk, Quirks};
use crate::scan::{Elem, Leaf};
use crate::text::Text;
use crate::validate::ElementIndex;
use crate::writer::Writer;

/// The schema cap on a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// No cap.
    None,
    /// String length capped by a [`Limits`](cwmp_core::Limits) field.
    Len(Limit),
    /// String length capped by a fixed schema `maxLength`.
    Fixed(usize),
    /// Exactly six upper-case hex digits (`DeviceIdStruct.OUI`).
    Oui,
    /// A SOAP array: entry count capped by a limit, each entry by the inner cap.
    Array(Limit, &'static Cap),
    /// A repeated element (not a SOAP array), capped by `max_list_len`.
    Repeated,
    /// A pattern or enumeration of the schema, then the inner cap.
    Facet(Facet, &'static Cap),
}

impl Cap {
    fn max_len(&self, limits: &cwmp_core::Limits) -> Option<usize> {
        match *self {
            Cap::Len(l) => Some(l.of(limits)),
            Cap::Fixed(n) => Some(n),
            Cap::Oui => Some(6),
            Cap::Facet(_, inner) => inner.max_len(limits),
            _ => None,
        }
    }

    /// The [`Limit`] that sets [`Cap::max_len`], when a limit does (not a
    /// fixed schema `maxLength`).
    fn len_limit(&self) -> Option<Limit> {
        match *self {
            Cap::Len(l) => Some(l),
            Cap::Facet(_, inner) => inner.len_limit(),
            _ => None,
        }
    }

    fn facet(&self) -> Option<Facet> {
        match *self {
            Cap::Facet(f, _) => Some(f),
            _ => None,
        }
    }
}

/// A field type of a CWMP message: how it is written and read.
pub(crate) trait Field<'a>: Sized {
    /// True when reading the field in tolerant mode fails only on child
    /// elements inside it or on text longer than `max_value_len` (strings
    /// and parameter values): what lets a list of such structs skip its
    /// per-entry check (see [`Item::PLAIN_DEPTH`]).
    const SIMPLE: bool = false;
    /// Writes the field as element `tag`.
    fn encode_field(&self, w: &mut Writer<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError>;
    /// Reads the field from `found` (the first child of `parent` named
    /// `tag`, if any).
    fn decode_field(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        cap: &Cap,
        opts: &DecodeOptions,
    ) -> Result<Self, DecodeError>;
    /// Like [`Field::decode_field`] for an argument of the method element,
    /// whose [`Shape`](crate::validate::ElementIndex) the validating pass
    /// recorded in `ends`.
    fn decode_field_indexed(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        cap: &Cap,
        opts: &DecodeOptions,
        ends: &ElementIndex<'_>,
    ) -> Result<Self, DecodeError> {
        let _ = ends;
        Self::decode_field(parent, found, tag, cap, opts)
    }
    /// True when [`Field::from_leaf`] reads the field.
    const LEAF: bool = false;
    /// The field as tolerant decoding reads it from `leaf` (the first child
    /// with its name, holding text only; `None`: absent), without limits.
    /// `None` when that reading fails or needs the general path (which
    /// then reports why).
    fn from_leaf(leaf: Option<Leaf<'a>>) -> Option<Self> {
        let _ = leaf;
        None
    }
}

/// An entry type of a [`List`].
pub trait Item<'a>: Copy + PartialEq + core::fmt::Debug {
    /// Element name of each entry in a SOAP array.
    const ITEM: &'static str;
    /// The `SOAP-ENC:arrayType` item type we emit (`cwmp:ParameterValueStruct`).
    const ARRAY_TYPE: &'static str;
    /// `Some(depth)` when an entry decodes in tolerant mode whenever no
    /// element lies deeper than `depth` below the list (1: text entries;
    /// 2: structs of [`Field::SIMPLE`] fields) and no text exceeds
    /// `max_value_len`; `None` when an entry must be read to know.
    const PLAIN_DEPTH: Option<usize> = None;
    /// The member element names of a struct entry (empty for text entries):
    /// how a list's non-entry children are recognised as members written
    /// without their entry element.
    const MEMBERS: &'static [&'static str] = &[];
    /// Writes one entry as element `tag`.
    fn encode_item(&self, w: &mut Writer<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError>;
    /// Reads one entry.
    fn decode_item(e: Elem<'a>, tag: &'static str, cap: &Cap, opts: &DecodeOptions) -> Result<Self, DecodeError>;
    /// Reads the entry whose start tag is at `at` in `doc` (not beyond
    /// `limit`); returns it and the offset after it.
    fn decode_item_at(
        doc: &'a str,
        at: usize,
        limit: usize,
        tag: &'static str,
        cap: &Cap,
        opts: &DecodeOptions,
    ) -> Result<(Self, usize), DecodeError> {
        let e = crate::scan::parse_element(doc, at, limit).ok_or_else(|| malformed(at, tag))?;
        Ok((Self::decode_item(e, tag, cap, opts)?, e.end_offset()))
    }
    /// A fast path for reading an entry of a list already checked, when
    /// its start tag, unprefixed, is the first markup at or after `from`:
    /// what [`Item::decode_item_at`] returns in tolerant mode without
    /// limits, when the entry is text or a struct of [`Field::LEAF`] fields
    /// held in leaves; `None` to take the general path.
    ///
    /// `layout` is the list's learnt entry layout (the iterator keeps it).
    fn decode_leaves_at(
        doc: &'a str,
        from: usize,
        limit: usize,
        tag: &'static str,
        layout: &mut crate::layout::Layout,
    ) -> Option<(Self, usize)> {
        let _ = (doc, from, limit, tag, layout);
        None
    }
}

/// The error for text the validating pass should have rejected.
pub(crate) fn malformed(at: usize, field: &'static str) -> DecodeError {
    DecodeError::new(at, DecodeErrorKind::Unexpected { field, what: "malformed element" })
}

/// The members of a struct type, generated by the `cwmp_struct!` table.
pub(crate) trait Fields<'a>: Sized {
    /// Writes the members in schema order.
    fn encode_fields(&self, w: &mut Writer<'_>) -> Result<(), EncodeError>;
    /// Reads the members from the children of `e`, in any order.
    fn decode_fields(e: &Elem<'a>, opts: &DecodeOptions) -> Result<Self, DecodeError>;
    /// Like [`Fields::decode_fields`], finding the ends of `e`'s children in
    /// `ends` where recorded (the method element's arguments).
    fn decode_fields_indexed(e: &Elem<'a>, opts: &DecodeOptions, ends: &ElementIndex<'_>) -> Result<Self, DecodeError> {
        let _ = ends;
        Self::decode_fields(e, opts)
    }
}

/// `e`'s value breaks the schema rule `facet`.
pub(crate) fn facet_error(e: &Elem<'_>, field: &'static str, facet: Facet) -> DecodeError {
    DecodeError::new(e.offset(), DecodeErrorKind::Facet { field, facet })
}

pub(crate) fn missing(parent: &Elem<'_>, field: &'static str) -> DecodeError {
    DecodeError::new(parent.offset(), DecodeErrorKind::Missing { field })
}

fn required<'a>(parent: &Elem<'a>, found: Option<Elem<'a>>, tag: &'static str) -> Result<Elem<'a>, DecodeError> {
    found.ok_or_else(|| missing(parent, tag))
}

fn check_len(w: &Writer<'_>, t: &Text<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError> {
    // Characters are never more than bytes: count them only when the bytes
    // exceed the cap.
    if let Some(max) = cap.max_len(w.limits())
        && t.byte_len() > max
    {
        let len = t.char_len();
        if len > max {
            return Err(EncodeError::TooLong { field: tag, len, max });
        }
    }
    if *cap == Cap::Oui && !is_oui(t) {
        return Err(EncodeError::InvalidValue { field: tag, reason: "OUI must be 6 upper-case hex digits" });
    }
    if let Some(f) = cap.facet()
        && !text_facet(f, t, w.version())
    {
        return Err(EncodeError::InvalidValue { field: tag, reason: f.describe() });
    }
    Ok(())
}

/// Checks a facet on a text (facets only concern short ASCII values, read
/// through a stack buffer when the text is escaped).
fn text_facet(f: Facet, t: &Text<'_>, version: cwmp_core::CwmpVersion) -> bool {
    if let Some(s) = t.as_borrowed() {
        return f.check(s, version);
    }
    let mut buf = [0u8; 256];
    t.unescape_into(&mut buf).is_some_and(|s| f.check(s, version))
}

/// Checks a facet on an integer.
fn int_facet(f: Facet, v: i64, version: cwmp_core::CwmpVersion) -> bool {
    let mut b = [0u8; 24];
    let mut w = Writer::new(&mut b);
    w.i64(v);
    let n = w.position();
    core::str::from_utf8(b.get(..n).unwrap_or(b"")).is_ok_and(|s| f.check(s, version))
}

fn is_oui(t: &Text<'_>) -> bool {
    t.char_len() == 6 && t.bytes().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F'))
}

impl<'a> Field<'a> for Text<'a> {
    const SIMPLE: bool = true;
    fn encode_field(&self, w: &mut Writer<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError> {
        check_len(w, self, tag, cap)?;
        w.simple(tag, *self)
    }

    fn decode_field(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        cap: &Cap,
        opts: &DecodeOptions,
    ) -> Result<Self, DecodeError> {
        let Some(e) = found else {
            // Tolerant: an omitted string element reads as empty (real
            // implementations drop empty Username, Password, ParameterKey …).
            return if opts.accepts(Quirk::MissingElement) { Ok(Text::Xml("")) } else { Err(missing(parent, tag)) };
        };
        let t = e.text(tag)?;
        // Schema caps are errors unless accepted as a quirk; then only the
        // resource bound `max_value_len` holds for every string.
        let schema_caps = !opts.accepts(Quirk::OverSchemaCap);
        let (max, limit) = if schema_caps {
            (cap.max_len(&opts.limits), cap.len_limit())
        } else {
            (Some(opts.limits.max_value_len), Some(Limit::ValueLen))
        };
        // Unescaping never lengthens text, so the raw length bounds both counts.
        if let Some(max) = max
            && e.content().len() > max
        {
            let len = if schema_caps { t.char_len() } else { t.byte_len() };
            if len > max {
                return Err(DecodeError::new(e.offset(), DecodeErrorKind::TooLong { field: tag, len, max, limit }));
            }
        }
        if !opts.accepts(Quirk::SchemaFacet) {
            if let Some(f) = cap.facet()
                && !text_facet(f, &t, opts.facet_version(e.doc()))
            {
                return Err(facet_error(&e, tag, f));
            }
            if *cap == Cap::Oui && !is_oui(&t) {
                opts.allow(Quirk::SchemaFacet, tag, e.offset())?;
            }
        }
        Ok(t)
    }
    const LEAF: bool = true;
    fn from_leaf(leaf: Option<Leaf<'a>>) -> Option<Self> {
        Some(leaf.map_or(Text::Xml(""), |l| l.text()))
    }
}

impl<'a> Item<'a> for Text<'a> {
    const ITEM: &'static str = "string";
    const ARRAY_TYPE: &'static str = "xsd:string";
    const PLAIN_DEPTH: Option<usize> = Some(1);
    fn encode_item(&self, w: &mut Writer<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError> {
        self.encode_field(w, tag, cap)
    }
    fn decode_item(e: Elem<'a>, tag: &'static str, cap: &Cap, opts: &DecodeOptions) -> Result<Self, DecodeError> {
        Text::decode_field(&e, Some(e), tag, cap, opts)
    }
    fn decode_leaves_at(
        doc: &'a str,
        from: usize,
        limit: usize,
        tag: &'static str,
        _: &mut crate::layout::Layout,
    ) -> Option<(Self, usize)> {
        let at = crate::scan::entry_at(doc, from, limit, tag)?;
        let (leaf, after) = crate::scan::read_leaf(doc, at, at + 1 + tag.len(), limit)?;
        Some((leaf.text(), after))
    }
}

/// A `base64` entry of a SetVouchers `VoucherList`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Base64<'a>(pub Text<'a>);

impl<'a> Item<'a> for Base64<'a> {
    const ITEM: &'static str = "base64";
    const ARRAY_TYPE: &'static str = "SOAP-ENC:base64";
    const PLAIN_DEPTH: Option<usize> = Some(1);
    fn encode_item(&self, w: &mut Writer<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError> {
        self.0.encode_field(w, tag, cap)
    }
    fn decode_item(e: Elem<'a>, tag: &'static str, cap: &Cap, opts: &DecodeOptions) -> Result<Self, DecodeError> {
        Text::decode_field(&e, Some(e), tag, cap, opts).map(Base64)
    }
    fn decode_leaves_at(
        doc: &'a str,
        from: usize,
        limit: usize,
        tag: &'static str,
        layout: &mut crate::layout::Layout,
    ) -> Option<(Self, usize)> {
        Text::decode_leaves_at(doc, from, limit, tag, layout).map(|(t, after)| (Base64(t), after))
    }
}

/// Reads the trimmed text of a scalar element (numbers, booleans, dateTimes).
fn scalar<'a>(e: &Elem<'a>, tag: &'static str) -> Result<&'a str, DecodeError> {
    let t = e.text(tag)?;
    t.trimmed_borrowed()
        .ok_or(DecodeError::new(e.offset(), DecodeErrorKind::Invalid { field: tag, reason: "escaped characters" }))
}

macro_rules! number_field {
    ($t:ty, $pt:ident, $write:ident, $conv:ty) => {
        impl<'a> Field<'a> for $t {
            fn encode_field(&self, w: &mut Writer<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError> {
                if let Some(f) = cap.facet()
                    && !int_facet(f, i64::from(*self), w.version())
                {
                    return Err(EncodeError::InvalidValue { field: tag, reason: f.describe() });
                }
                w.open(tag);
                w.$write(<$conv>::from(*self));
                w.close(tag);
                Ok(())
            }
            fn decode_field(
                parent: &Elem<'a>,
                found: Option<Elem<'a>>,
                tag: &'static str,
                cap: &Cap,
                opts: &DecodeOptions,
            ) -> Result<Self, DecodeError> {
                let e = required(parent, found, tag)?;
                let s = scalar(&e, tag)?;
                match Value::parse(ParamType::$pt, s) {
                    Ok(Value::$pt(v)) => {
                        if let Some(f) = cap.facet()
                            && !opts.accepts(Quirk::SchemaFacet)
                            && !int_facet(f, i64::from(v), opts.facet_version(e.doc()))
                        {
                            return Err($crate::codec::facet_error(&e, tag, f));
                        }
                        Ok(v)
                    }
                    _ => Err(DecodeError::new(
                        e.offset(),
                        DecodeErrorKind::Invalid { field: tag, reason: concat!("not an xsd:", stringify!($pt)) },
                    )),
                }
            }
            const LEAF: bool = true;
            fn from_leaf(leaf: Option<Leaf<'a>>) -> Option<Self> {
                match Value::parse(ParamType::$pt, leaf?.text().trimmed_borrowed()?) {
                    Ok(Value::$pt(v)) => Some(v),
                    _ => None,
                }
            }
        }
    };
}

number_field!(u32, UnsignedInt, u64, u64);
number_field!(i32, Int, i64, i64);

impl<'a> Field<'a> for bool {
    fn encode_field(&self, w: &mut Writer<'_>, tag: &'static str, _cap: &Cap) -> Result<(), EncodeError> {
        w.open(tag);
        w.bool(*self);
        w.close(tag);
        Ok(())
    }
    fn decode_field(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        _cap: &Cap,
        opts: &DecodeOptions,
    ) -> Result<Self, DecodeError> {
        let e = required(parent, found, tag)?;
        let s = scalar(&e, tag)?;
        let invalid = DecodeError::new(
            e.offset(),
            DecodeErrorKind::Invalid { field: tag, reason: "not an xsd:boolean (true, false, 1, 0)" },
        );
        if let Some(v) = parse_boolean(s) {
            return Ok(v);
        }
        // `True`, `FALSE` …: the words in another case.
        let word = s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        let v = match word {
            _ if word.eq_ignore_ascii_case("true") => true,
            _ if word.eq_ignore_ascii_case("false") => false,
            _ => return Err(invalid),
        };
        opts.allow(Quirk::BooleanCase, tag, e.offset())?;
        Ok(v)
    }
    const LEAF: bool = true;
    fn from_leaf(leaf: Option<Leaf<'a>>) -> Option<Self> {
        parse_boolean(leaf?.text().trimmed_borrowed()?)
    }
}

impl<'a> Field<'a> for DateTime {
    fn encode_field(&self, w: &mut Writer<'_>, tag: &'static str, _cap: &Cap) -> Result<(), EncodeError> {
        w.open(tag);
        w.datetime(self);
        w.close(tag);
        Ok(())
    }
    fn decode_field(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        _cap: &Cap,
        opts: &DecodeOptions,
    ) -> Result<Self, DecodeError> {
        let Some(e) = found else {
            // Tolerant: an omitted time is the Unknown Time.
            return if opts.accepts(Quirk::MissingElement) { Ok(DateTime::UNKNOWN) } else { Err(missing(parent, tag)) };
        };
        let s = scalar(&e, tag)?;
        let mode = if opts.accepts(Quirk::LooseDateTime) { DateTimeMode::Tolerant } else { DateTimeMode::Strict };
        DateTime::parse_with(s, mode).map_err(|err| {
            let off = e.content_range().0.saturating_add(usize::from(err.offset));
            DecodeError::new(off, DecodeErrorKind::Invalid { field: tag, reason: "not an xsd:dateTime" })
        })
    }
}

impl<'a, T: Field<'a>> Field<'a> for Option<T> {
    const SIMPLE: bool = T::SIMPLE;
    fn encode_field(&self, w: &mut Writer<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError> {
        match self {
            Some(v) => v.encode_field(w, tag, cap),
            None => Ok(()),
        }
    }
    fn decode_field(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        cap: &Cap,
        opts: &DecodeOptions,
    ) -> Result<Self, DecodeError> {
        match found {
            Some(e) => T::decode_field(parent, Some(e), tag, cap, opts).map(Some),
            None => Ok(None),
        }
    }
    const LEAF: bool = T::LEAF;
    fn from_leaf(leaf: Option<Leaf<'a>>) -> Option<Self> {
        match leaf {
            Some(l) => T::from_leaf(Some(l)).map(Some),
            None => Some(None),
        }
    }
}

/// The `xsi:type` of a parameter value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XsiType<'a> {
    /// One of the TR-106 types.
    Known(ParamType),
    /// No `xsi:type` (Thomson devices); read as a string.
    Absent,
    /// A type we do not know (`SOAP-ENC:string`, a typo); kept raw, and
    /// written as `xsd:string` when re-encoded.
    Other(&'a str),
}

/// A `ParameterValueStruct.Value`: its `xsi:type` and its text.
///
/// ```
/// use cwmp_core::{ParamType, Value};
/// use cwmp_soap::{ParamValue, Text};
///
/// let v = ParamValue::new(ParamType::UnsignedInt, Text::plain("42"));
/// assert_eq!(v.typed(), Ok(Value::UnsignedInt(42)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamValue<'a> {
    /// The declared type.
    pub xsi_type: XsiType<'a>,
    /// The lexical value.
    pub text: Text<'a>,
}

impl Default for ParamValue<'_> {
    fn default() -> Self {
        ParamValue { xsi_type: XsiType::Known(ParamType::String), text: Text::Plain("") }
    }
}

impl<'a> ParamValue<'a> {
    /// A value of type `ty`.
    pub const fn new(ty: ParamType, text: Text<'a>) -> Self {
        ParamValue { xsi_type: XsiType::Known(ty), text }
    }

    /// An `xsd:string` value.
    pub const fn string(s: &'a str) -> Self {
        ParamValue::new(ParamType::String, Text::Plain(s))
    }

    /// The type to use: the declared one, or `string` when absent or unknown.
    pub fn param_type(&self) -> ParamType {
        match self.xsi_type {
            XsiType::Known(t) => t,
            _ => ParamType::String,
        }
    }

    /// The typed value. Needs text without references (any number, boolean
    /// or dateTime; a string with entities is reported as
    /// [`ValueError::Invalid`](cwmp_core::ValueError::Invalid) — read it
    /// with [`Text::unescape_into`] instead).
    pub fn typed(&self) -> Result<Value<'a>, cwmp_core::ValueError> {
        let ty = self.param_type();
        let s = self.text.as_borrowed().ok_or(cwmp_core::ValueError::Invalid(ty))?;
        Value::parse_with(ty, s, DateTimeMode::Tolerant)
    }
}

impl<'a> Field<'a> for ParamValue<'a> {
    const SIMPLE: bool = true;
    fn encode_field(&self, w: &mut Writer<'_>, tag: &'static str, _cap: &Cap) -> Result<(), EncodeError> {
        let max = w.limits().max_value_len;
        let len = self.text.byte_len();
        if len > max {
            return Err(EncodeError::TooLong { field: tag, len, max });
        }
        let ty = match self.xsi_type {
            XsiType::Known(t) => Some(t),
            XsiType::Absent => None,
            XsiType::Other(_) => Some(ParamType::String),
        };
        if let Some(t) = ty
            && !lexically_valid(t, &self.text)
        {
            return Err(EncodeError::InvalidValue {
                field: tag,
                reason: "text is not in the lexical space of its xsi:type",
            });
        }
        w.raw("<");
        w.raw(tag);
        if let Some(t) = ty {
            w.raw(" xsi:type=\"");
            w.raw(t.xsi_type());
            w.raw("\"");
        }
        w.raw(">");
        w.text(tag, self.text)?;
        w.close(tag);
        Ok(())
    }

    fn decode_field(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        _cap: &Cap,
        opts: &DecodeOptions,
    ) -> Result<Self, DecodeError> {
        let Some(e) = found else {
            if !opts.accepts(Quirk::MissingElement) {
                return Err(missing(parent, tag));
            }
            return Ok(ParamValue { xsi_type: XsiType::Absent, text: Text::Xml("") });
        };
        let text = e.text(tag)?;
        if e.content().len() > opts.limits.max_value_len {
            let len = text.byte_len();
            if len > opts.limits.max_value_len {
                return Err(DecodeError::new(
                    e.offset(),
                    DecodeErrorKind::TooLong {
                        field: tag,
                        len,
                        max: opts.limits.max_value_len,
                        limit: Some(Limit::ValueLen),
                    },
                ));
            }
        }
        let xsi_type = xsi_type(e.attr("type"));
        let v = ParamValue { xsi_type, text };
        if !opts.accepts(Quirk::UntypedValue) {
            let typed = match xsi_type {
                XsiType::Absent | XsiType::Other(_) => false,
                XsiType::Known(t) => lexically_valid(t, &text),
            };
            if !typed {
                opts.allow(Quirk::UntypedValue, tag, e.offset())?;
            }
        }
        Ok(v)
    }
    const LEAF: bool = true;
    fn from_leaf(leaf: Option<Leaf<'a>>) -> Option<Self> {
        let Some(l) = leaf else { return Some(ParamValue { xsi_type: XsiType::Absent, text: Text::Xml("") }) };
        Some(ParamValue { xsi_type: value_type(&l), text: l.text() })
    }
}

/// The [`XsiType`] of an `xsi:type` attribute value.
fn xsi_type(attr: Option<&str>) -> XsiType<'_> {
    match attr {
        None | Some("") => XsiType::Absent,
        Some(q) => ParamType::from_xsd(q).map_or(XsiType::Other(q), XsiType::Known),
    }
}

/// The [`XsiType`] of a `Value` leaf: `xsi_type(leaf.attr("type"))`, with
/// the usual first attribute, ` xsi:type="xsd:<type>"`, matched in place.
fn value_type<'a>(leaf: &Leaf<'a>) -> XsiType<'a> {
    const HEAD: &[u8] = b" xsi:type=\"";
    let b = leaf.attrs.as_bytes();
    if b.get(..HEAD.len()).is_some_and(|h| crate::xml::chars::same_bytes(h, HEAD)) {
        let value = b.get(HEAD.len()..).unwrap_or_default();
        for t in ParamType::ALL {
            let name = t.xsi_type().as_bytes();
            // The value ends at the first quote: exactly `xsd:<type>`.
            if value.get(name.len()) == Some(&b'"')
                && value.get(..name.len()).is_some_and(|v| crate::xml::chars::same_bytes(v, name))
            {
                return XsiType::Known(t);
            }
        }
    }
    xsi_type(leaf.attr("type"))
}

/// Whether `text` is in the lexical space of `ty`. Non-string values are
/// read through a 256-byte stack buffer when they hold references; a longer
/// escaped non-string value is reported invalid (no TR-106 number, boolean
/// or dateTime is that long; only a line-wrapped base64 could be).
fn lexically_valid(ty: ParamType, text: &Text<'_>) -> bool {
    if ty == ParamType::String {
        return true;
    }
    if let Some(s) = text.as_borrowed() {
        return Value::parse(ty, s).is_ok();
    }
    let mut buf = [0u8; 256];
    text.unescape_into(&mut buf).is_some_and(|s| Value::parse(ty, s).is_ok())
}

/// Parses `name[N]` / `prefix:name[N]` and returns N.
fn array_count(array_type: &str) -> Option<usize> {
    let open = array_type.rfind('[')?;
    let inner = array_type.get(open + 1..)?.strip_suffix(']')?;
    inner.trim().parse().ok()
}

impl<'a, T: Item<'a>> Field<'a> for List<'a, T> {
    fn encode_field(&self, w: &mut Writer<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError> {
        let len = self.len();
        match *cap {
            Cap::Array(limit, item_cap) => {
                // The list a resumable encoder streams: announced, not written.
                let streamed = w.streamed_count(T::ITEM);
                let len = streamed.unwrap_or(len);
                let max = limit.of(w.limits());
                if len > max {
                    return Err(EncodeError::TooMany { field: tag, len, max, limit });
                }
                write_array_open(w, tag, T::ARRAY_TYPE, len);
                if streamed.is_some() {
                    w.enter_hole(tag, item_cap);
                } else {
                    for item in self.iter() {
                        item.encode_item(w, T::ITEM, item_cap)?;
                    }
                }
                w.close(tag);
            }
            _ => {
                let max = w.limits().max_list_len;
                if len > max {
                    return Err(EncodeError::TooMany { field: tag, len, max, limit: Limit::ListLen });
                }
                for item in self.iter() {
                    item.encode_item(w, tag, &Cap::None)?;
                }
            }
        }
        Ok(())
    }

    fn decode_field(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        cap: &Cap,
        opts: &DecodeOptions,
    ) -> Result<Self, DecodeError> {
        let (container, item, item_cap, limit) = match *cap {
            Cap::Array(limit, item_cap) => {
                let Some(e) = found else {
                    if !opts.accepts(Quirk::MissingElement) {
                        return Err(missing(parent, tag));
                    }
                    return Ok(List::Slice(&[]));
                };
                (e, T::ITEM, item_cap, limit)
            }
            _ => (*parent, tag, &Cap::None, Limit::ListLen),
        };
        let max = limit.of(&opts.limits);
        let mut len = 0usize;
        let doc = container.doc();
        let (start, end) = container.content_range();
        let mut pos = start;
        let array = matches!(cap, Cap::Array(..));
        let mut unwrapped = false;
        while let Some((at, is_item)) = crate::scan::next_child_is(doc, pos, end, item) {
            if !is_item {
                if array
                    && len == 0
                    && opts.accepts(Quirk::UnwrappedEntries)
                    && crate::scan::parse_element(doc, at, end).is_some_and(|c| T::MEMBERS.contains(&c.local()))
                {
                    // Members without their entry element: read group by group.
                    unwrapped = true;
                    let mut p = at;
                    while let Some(group) = crate::scan::member_group(doc, p, end, T::MEMBERS) {
                        let (gs, ge) = group.map_err(|off| {
                            let what = "an element that is not an entry of the array";
                            DecodeError::new(off, DecodeErrorKind::Unexpected { field: tag, what })
                        })?;
                        if len >= max {
                            return Err(DecodeError::new(gs, DecodeErrorKind::TooMany { field: tag, max, limit }));
                        }
                        T::decode_item(Elem::span(doc, gs, ge, item), item, item_cap, opts)?;
                        len += 1;
                        p = ge;
                    }
                    break;
                }
                if array {
                    // Never an empty or short success: a SOAP array holds
                    // only its entries (struct members written directly in
                    // the array, as some CPE software sends transfer lists,
                    // are not read: reported here, where they start).
                    let member =
                        crate::scan::parse_element(doc, at, end).is_some_and(|c| T::MEMBERS.contains(&c.local()));
                    let what = if member {
                        "struct members directly in the array, without their entry element"
                    } else {
                        "an element that is not an entry of the array"
                    };
                    return Err(DecodeError::new(at, DecodeErrorKind::Unexpected { field: tag, what }));
                }
                pos = crate::scan::parse_element(doc, at, end).ok_or_else(|| malformed(at, tag))?.end_offset();
                continue;
            }
            if len >= max {
                return Err(DecodeError::new(at, DecodeErrorKind::TooMany { field: tag, max, limit }));
            }
            let (_, after) = T::decode_item_at(doc, at, end, item, item_cap, opts)?;
            pos = after;
            len += 1;
        }
        if array
            && !opts.accepts(Quirk::ArrayTypeMismatch)
            && container.attr("arrayType").and_then(array_count) != Some(len)
        {
            opts.allow(Quirk::ArrayTypeMismatch, tag, container.offset())?;
        }
        Ok(List::Xml(XmlList { doc, start, end, len, item, repeated: !array, unwrapped }))
    }

    fn decode_field_indexed(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        cap: &Cap,
        opts: &DecodeOptions,
        ends: &ElementIndex<'_>,
    ) -> Result<Self, DecodeError> {
        // A SOAP array whose shape the validating pass vouches for (every
        // child an entry, structs of leaves, no text over the limit), in
        // tolerant mode: entries of `PLAIN_DEPTH` types decode whatever
        // their text, so they are counted, not read (they are read once,
        // when the caller iterates). Entries with a member that must be
        // checked (an `xsd:boolean` Writable, a number) are read by the leaf
        // reader, far cheaper than the general one; any entry it cannot
        // read sends the whole list down the general path.
        if let (true, Cap::Array(limit, _), Some(e)) = (opts.quirks.contains_all(Quirks::ALL), *cap, found)
            && let Some(len) = ends.shape(e.offset()).plain_entries(
                e.doc(),
                T::ITEM,
                T::PLAIN_DEPTH.unwrap_or(2),
                opts.limits.max_value_len,
            )
            && len <= limit.of(&opts.limits)
        {
            let (doc, (start, end)) = (e.doc(), e.content_range());
            let read = T::PLAIN_DEPTH.is_some() || {
                let mut layout = crate::layout::Layout::UNKNOWN;
                let mut pos = start;
                (0..len).all(|_| {
                    T::decode_leaves_at(doc, pos, end, T::ITEM, &mut layout).map(|(_, after)| pos = after).is_some()
                })
            };
            if read {
                return Ok(List::Xml(XmlList {
                    doc,
                    start,
                    end,
                    len,
                    item: T::ITEM,
                    repeated: false,
                    unwrapped: false,
                }));
            }
        }
        Self::decode_field(parent, found, tag, cap, opts)
    }
}

fn write_array_open(w: &mut Writer<'_>, tag: &str, array_type: &str, len: usize) {
    w.raw("<");
    w.raw(tag);
    w.raw(" SOAP-ENC:arrayType=\"");
    w.raw(array_type);
    w.raw("[");
    w.u64(len as u64);
    w.raw("]\">");
}

/// Writes a struct as element `tag` with its members.
pub(crate) fn encode_struct<'a, S: Fields<'a>>(
    s: &S,
    w: &mut Writer<'_>,
    tag: &'static str,
) -> Result<(), EncodeError> {
    w.open(tag);
    s.encode_fields(w)?;
    w.close(tag);
    Ok(())
}

/// Reads a required struct member.
pub(crate) fn decode_struct<'a, S: Fields<'a>>(
    parent: &Elem<'a>,
    found: Option<Elem<'a>>,
    tag: &'static str,
    opts: &DecodeOptions,
) -> Result<S, DecodeError> {
    let e = required(parent, found, tag)?;
    S::decode_fields(&e, opts)
}

/// Generates a struct type of the CWMP schema from a field table: the type
/// itself, [`Fields`], [`Field`] and [`Item`].
macro_rules! cwmp_struct {
    ($(#[$m:meta])* $name:ident<$lt:lifetime> { $($body:tt)* }) => {
        $crate::codec::cwmp_struct!(@def [$(#[$m])*] [$name<$lt>] [$lt] $name { $($body)* });
    };
    ($(#[$m:meta])* $name:ident { $($body:tt)* }) => {
        $crate::codec::cwmp_struct!(@def [$(#[$m])*] [$name] ['a] $name { $($body)* });
    };
    (
        @def [$($attr:tt)*] [$($ty:tt)*] [$lt:lifetime] $name:ident {
            $( $(#[$fm:meta])* $field:ident : $fty:ty = $tag:literal, $cap:expr; )*
        }
    ) => {
        $($attr)*
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $($ty)* {
            $( $(#[$fm])* pub $field: $fty, )*
        }

        impl<$lt> $crate::codec::Fields<$lt> for $($ty)* {
            fn encode_fields(&self, w: &mut $crate::writer::Writer<'_>) -> Result<(), $crate::error::EncodeError> {
                $( $crate::codec::Field::encode_field(&self.$field, w, $tag, &$cap)?; )*
                Ok(())
            }
            fn decode_fields(
                e: &$crate::scan::Elem<$lt>,
                opts: &$crate::decode::DecodeOptions,
            ) -> Result<Self, $crate::error::DecodeError> {
                Self::decode_fields_indexed(e, opts, &$crate::validate::EMPTY_INDEX)
            }
            fn decode_fields_indexed(
                e: &$crate::scan::Elem<$lt>,
                opts: &$crate::decode::DecodeOptions,
                ends: &$crate::validate::ElementIndex<'_>,
            ) -> Result<Self, $crate::error::DecodeError> {
                let mut slots: [Option<$crate::scan::Elem<$lt>>; { [$($tag),*].len() }] = [None; { [$($tag),*].len() }];
                let e = &$crate::codec::collect_children(e, Self::TAGS, &mut slots, opts, ends)?;
                Self::from_slots(e, &slots, opts, ends)
            }
        }

        impl<$lt> $($ty)* {
            const TAGS: &'static [&'static str] = &[$($tag),*];

            fn from_slots(
                e: &$crate::scan::Elem<$lt>,
                slots: &[Option<$crate::scan::Elem<$lt>>; { [$($tag),*].len() }],
                opts: &$crate::decode::DecodeOptions,
                ends: &$crate::validate::ElementIndex<'_>,
            ) -> Result<Self, $crate::error::DecodeError> {
                let mut slots = slots.iter().copied();
                Ok($name {
                    $( $field: $crate::codec::Field::decode_field_indexed(e, slots.next().flatten(), $tag, &$cap, opts, ends)?, )*
                })
            }
        }

        impl<$lt> $crate::codec::Field<$lt> for $($ty)* {
            fn encode_field(
                &self,
                w: &mut $crate::writer::Writer<'_>,
                tag: &'static str,
                _cap: &$crate::codec::Cap,
            ) -> Result<(), $crate::error::EncodeError> {
                $crate::codec::encode_struct(self, w, tag)
            }
            fn decode_field(
                parent: &$crate::scan::Elem<$lt>,
                found: Option<$crate::scan::Elem<$lt>>,
                tag: &'static str,
                _cap: &$crate::codec::Cap,
                opts: &$crate::decode::DecodeOptions,
            ) -> Result<Self, $crate::error::DecodeError> {
                $crate::codec::decode_struct(parent, found, tag, opts)
            }
        }

        impl<$lt> $crate::codec::Item<$lt> for $($ty)* {
            const ITEM: &'static str = stringify!($name);
            const ARRAY_TYPE: &'static str = concat!("cwmp:", stringify!($name));
            const MEMBERS: &'static [&'static str] = Self::TAGS;
            const PLAIN_DEPTH: Option<usize> =
                if true $(&& <$fty as $crate::codec::Field<$lt>>::SIMPLE)* { Some(2) } else { None };
            fn encode_item(
                &self,
                w: &mut $crate::writer::Writer<'_>,
                tag: &'static str,
                _cap: &$crate::codec::Cap,
            ) -> Result<(), $crate::error::EncodeError> {
                $crate::codec::encode_struct(self, w, tag)
            }
            fn decode_item(
                e: $crate::scan::Elem<$lt>,
                _tag: &'static str,
                _cap: &$crate::codec::Cap,
                opts: &$crate::decode::DecodeOptions,
            ) -> Result<Self, $crate::error::DecodeError> {
                <Self as $crate::codec::Fields<$lt>>::decode_fields(&e, opts)
            }
            fn decode_item_at(
                doc: &$lt str,
                at: usize,
                limit: usize,
                tag: &'static str,
                _cap: &$crate::codec::Cap,
                opts: &$crate::decode::DecodeOptions,
            ) -> Result<(Self, usize), $crate::error::DecodeError> {
                // One pass: the children are sorted into slots while the
                // element's end is found.
                let mut slots: [Option<$crate::scan::Elem<$lt>>; { [$($tag),*].len() }] = [None; { [$($tag),*].len() }];
                let e = $crate::scan::walk_element(doc, at, limit, tag, Self::TAGS, |c, hit| {
                    $crate::codec::place_child_at(c, hit, Self::TAGS, &mut slots, opts)
                })?
                .ok_or_else(|| $crate::codec::malformed(at, tag))?;
                if opts.accepts($crate::quirk::Quirk::WrappedStruct)
                    && !Self::TAGS.is_empty()
                    && slots.iter().all(Option::is_none)
                {
                    // Maybe a wrapped struct: the general path handles that.
                    return Ok((<Self as $crate::codec::Fields<$lt>>::decode_fields(&e, opts)?, e.end_offset()));
                }
                Ok((Self::from_slots(&e, &slots, opts, &$crate::validate::EMPTY_INDEX)?, e.end_offset()))
            }
            fn decode_leaves_at(
                doc: &$lt str,
                from: usize,
                limit: usize,
                tag: &'static str,
                layout: &mut $crate::layout::Layout,
            ) -> Option<(Self, usize)> {
                // Decided at compile time: every member must read from a leaf.
                if !(true $(&& <$fty as $crate::codec::Field<$lt>>::LEAF)*) {
                    return None;
                }
                let mut slots: [Option<$crate::scan::Leaf<$lt>>; { [$($tag),*].len() }] = [None; { [$($tag),*].len() }];
                let after = $crate::layout::read_leaf_struct(doc, from, limit, tag, Self::TAGS, &mut slots, layout)?;
                let mut slots = slots.iter().copied();
                Some(($name { $( $field: $crate::codec::Field::from_leaf(slots.next().flatten())?, )* }, after))
            }
        }
    };
}
pub(crate) use cwmp_struct;

/// Sorts the children of `e` into `slots` by name (first occurrence wins;
/// strict mode reports duplicates).
///
/// Tolerant mode: when no child matches but `e` has exactly one child
/// element, the members are read from that child instead (fixtures that wrap
/// a struct in an extra element: `<Fault><FaultStruct>…`,
/// `<Results><OpResultStruct>…`). Returns the element the members came from.
pub(crate) fn collect_children<'a>(
    e: &Elem<'a>,
    tags: &[&str],
    slots: &mut [Option<Elem<'a>>],
    opts: &DecodeOptions,
    ends: &ElementIndex<'_>,
) -> Result<Elem<'a>, DecodeError> {
    fill_slots(e, tags, slots, opts, ends)?;
    if opts.accepts(Quirk::WrappedStruct) && !tags.is_empty() && slots.iter().all(Option::is_none) {
        let mut kids = e.children();
        if let (Some(only), None) = (kids.next(), kids.next()) {
            fill_slots(&only, tags, slots, opts, ends)?;
            return Ok(only);
        }
    }
    Ok(*e)
}

fn fill_slots<'a>(
    e: &Elem<'a>,
    tags: &[&str],
    slots: &mut [Option<Elem<'a>>],
    opts: &DecodeOptions,
    ends: &ElementIndex<'_>,
) -> Result<(), DecodeError> {
    for c in crate::scan::children_indexed(e, ends) {
        place_child(c, tags, slots, opts)?;
    }
    Ok(())
}

/// Puts child `c` into the slot of its name (first occurrence wins; strict
/// mode reports duplicates).
pub(crate) fn place_child<'a>(
    c: Elem<'a>,
    tags: &[&str],
    slots: &mut [Option<Elem<'a>>],
    opts: &DecodeOptions,
) -> Result<(), DecodeError> {
    place_child_at(c, None, tags, slots, opts)
}

/// [`place_child`] when the scanner already found `c`'s name at index `hit`
/// of `tags`.
pub(crate) fn place_child_at<'a>(
    c: Elem<'a>,
    hit: Option<usize>,
    tags: &[&str],
    slots: &mut [Option<Elem<'a>>],
    opts: &DecodeOptions,
) -> Result<(), DecodeError> {
    let found = hit.or_else(|| {
        let local = c.local();
        tags.iter().position(|t| *t == local)
    });
    if let Some(i) = found
        && let Some(slot) = slots.get_mut(i)
    {
        if slot.is_none() {
            *slot = Some(c);
        } else if !is_repeatable(tags, i) {
            opts.allow(Quirk::DuplicatedElement, "element", c.offset())?;
        }
    }
    Ok(())
}

/// Repeated-element fields (`Operations`, `Results`, `SetParameterValuesFault`)
/// legitimately occur more than once.
fn is_repeatable(tags: &[&str], i: usize) -> bool {
    matches!(tags.get(i), Some(&"Operations" | &"Results" | &"SetParameterValuesFault"))
}

/// The schema restricts every `FaultCode` element: a field's `Cap::Facet`
/// names its rule (checked in the message's namespace); a field without one
/// is the `cwmp:Fault` detail's, [`Facet::FaultCode`].
impl<'a> Field<'a> for cwmp_core::FaultCode {
    fn encode_field(&self, w: &mut Writer<'_>, tag: &'static str, cap: &Cap) -> Result<(), EncodeError> {
        let f = cap.facet().unwrap_or(Facet::FaultCode);
        if !f.allows_fault_code(*self, w.version()) {
            return Err(EncodeError::InvalidValue { field: tag, reason: f.describe() });
        }
        w.open(tag);
        w.u64(u64::from(self.code()));
        w.close(tag);
        Ok(())
    }
    fn decode_field(
        parent: &Elem<'a>,
        found: Option<Elem<'a>>,
        tag: &'static str,
        cap: &Cap,
        opts: &DecodeOptions,
    ) -> Result<Self, DecodeError> {
        let e = required(parent, found, tag)?;
        let s = scalar(&e, tag)?;
        let code = s.parse::<u16>().map(cwmp_core::FaultCode::new).map_err(|_| {
            DecodeError::new(e.offset(), DecodeErrorKind::Invalid { field: tag, reason: "not a fault code" })
        })?;
        if !opts.accepts(Quirk::SchemaFacet) {
            // The literal too: the schema's unsignedInt takes no `+` sign.
            let f = cap.facet().unwrap_or(Facet::FaultCode);
            if !f.check(s, opts.facet_version(e.doc())) {
                return Err(facet_error(&e, tag, f));
            }
        }
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_types_matched_in_place_read_as_the_attribute_does() {
        let mut attrs = std::vec::Vec::new();
        for t in ParamType::ALL {
            attrs.push(std::format!(" xsi:type=\"{}\"", t.xsi_type()));
            attrs.push(std::format!(" xsi:type=\"{}x\"", t.xsi_type()));
            attrs.push(std::format!(" xsi:type=\"{}\" a=\"1\"", t.xsi_type()));
            attrs.push(std::format!(" xsi:type='{}'", t.xsi_type()));
            attrs.push(std::format!(" a=\"1\" xsi:type=\"{}\"", t.xsi_type()));
        }
        attrs.extend(
            [
                "",
                " xsi:type=\"xsd:\"",
                " xsi:type=\"\"",
                " xsi:type=\"xsd:base64\"",
                " xsi:type=\"xs:int\"",
                " xsi:type=\"xsd:strin\"",
                " xsi:typex=\"xsd:string\"",
                " xsi:type =\"xsd:string\"",
            ]
            .map(std::string::String::from),
        );
        for a in &attrs {
            let leaf = Leaf { attrs: a, content: "", plain: true };
            assert_eq!(value_type(&leaf), xsi_type(leaf.attr("type")), "{a:?}");
        }
        let leaf = Leaf { attrs: " xsi:type=\"xsd:unsignedInt\"", content: "", plain: true };
        assert_eq!(value_type(&leaf), XsiType::Known(ParamType::UnsignedInt));
    }
}
