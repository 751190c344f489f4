//! Encode and decode errors. Each names the element and, for decoding, the
//! byte offset in the input where the problem was found.

use cwmp_core::limits::Limit;

/// Why a message could not be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EncodeError {
    /// The output buffer is too small; `needed` bytes would hold the output
    /// (for a resumable encoder: the next atomic piece).
    #[error("output buffer too small: {needed} bytes needed")]
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
    /// A character XML 1.0 cannot carry, even escaped.
    #[error("<{field}>: character U+{:04X} at byte {offset} cannot be carried in XML", *ch as u32)]
    ForbiddenChar {
        /// Element whose text held it.
        field: &'static str,
        /// Byte offset in the unescaped text.
        offset: usize,
        /// The character.
        ch: char,
    },
    /// A string longer than its schema cap.
    #[error("<{field}>: {len} characters exceed the cap of {max}")]
    TooLong {
        /// Element.
        field: &'static str,
        /// Its length in characters.
        len: usize,
        /// The cap.
        max: usize,
    },
    /// A list with more entries than its schema cap.
    #[error("<{field}>: {len} entries exceed the cap of {max} ({limit})")]
    TooMany {
        /// Element.
        field: &'static str,
        /// Entries.
        len: usize,
        /// The cap.
        max: usize,
        /// The [`Limits`](cwmp_core::Limits) field that set it.
        limit: Limit,
    },
    /// A value outside what the schema allows (OUI pattern, an enumeration).
    #[error("<{field}>: value not allowed by the schema ({reason})")]
    InvalidValue {
        /// Element.
        field: &'static str,
        /// What rule it breaks.
        reason: &'static str,
    },
    /// The method does not exist in the peer's cwmp namespace.
    #[error("{method} does not exist in namespace {namespace}")]
    NotInNamespace {
        /// Method element name.
        method: &'static str,
        /// The namespace URI.
        namespace: &'static str,
    },
    /// A deprecated method we only decode.
    #[error("{method} is deprecated and only decoded, never sent")]
    DecodeOnly {
        /// Method element name.
        method: &'static str,
    },
    /// A message decoded as an unknown method has no typed content to encode.
    #[error("an unknown method cannot be re-encoded")]
    UnknownMethod,
    /// A resumable encoder's source yielded a different number of entries
    /// than it announced for the `arrayType`.
    #[error("<{field}>: announced {announced} entries, the source gave {given}")]
    CountMismatch {
        /// Element.
        field: &'static str,
        /// Count announced up front.
        announced: usize,
        /// Count the iterator yielded.
        given: usize,
    },
}

/// Why a message could not be decoded, and where.
///
/// A session answers any bad request with one call: [`DecodeError::fault`]
/// gives the CWMP fault code, [`DecodeError::id`] the request's `cwmp:ID`
/// when its header could be read, and [`DecodeErrorKind::MustUnderstand`]
/// asks for a SOAP `MustUnderstand` fault instead
/// ([`crate::envelope::encode_must_understand_fault`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("byte {offset}: {kind}")]
pub struct DecodeError {
    /// Byte offset in the input (the start of the offending element or token).
    pub offset: usize,
    /// What was wrong.
    pub kind: DecodeErrorKind,
    /// Byte range of the `cwmp:ID` header's raw text in the input, when the
    /// header was read before the error.
    id: Option<(usize, usize)>,
}

impl DecodeError {
    /// An error at `offset`.
    pub const fn new(offset: usize, kind: DecodeErrorKind) -> Self {
        DecodeError { offset, kind, id: None }
    }

    /// The error, knowing the request's `cwmp:ID` text sits at `range` of the input.
    pub(crate) const fn with_id(mut self, range: Option<(usize, usize)>) -> Self {
        if self.id.is_none() {
            self.id = range;
        }
        self
    }

    /// The `cwmp:ID` of the request that failed to decode, read from `input`
    /// (the bytes that were decoded), when its header was readable: the ID
    /// to answer the fault under.
    pub fn id<'a>(&self, input: &'a [u8]) -> Option<crate::Text<'a>> {
        let (start, end) = self.id?;
        let raw = core::str::from_utf8(input.get(start..end)?).ok()?;
        Some(crate::Text::xml(raw))
    }

    /// The CWMP fault code that answers a request failing with this error,
    /// when `role` answers (TR-069 A.5: CPE codes 9xxx, ACS codes 8xxx):
    ///
    /// * a known method the peer never sends, or a method outside every
    ///   cwmp namespace: 9000/8000 *Method not supported*;
    /// * a list or a string over its cap, a message over the body limit, an
    ///   XML limit crossed: 9004/8004 *Resources exceeded* — but a parameter
    ///   or object name over its cap or invalid: 9005 *Invalid parameter
    ///   name* (CPE only; ACS 8003);
    /// * malformed XML, not an envelope, a missing, unexpected or invalid
    ///   argument, a quirk not accepted: 9003/8003 *Invalid
    ///   arguments*;
    /// * our own failure (a buffer too small): 9002/8002 *Internal error*;
    /// * [`DecodeErrorKind::MustUnderstand`] is answered with a SOAP
    ///   `MustUnderstand` fault, not a CWMP one; this returns 9003/8003 for
    ///   a peer that only understands CWMP faults.
    ///
    /// A method we do not know at all decodes successfully as
    /// [`crate::rpc::UnknownRpc`]; answer it with 9000/8000
    /// ([`crate::rpc::UnknownRpc::fault`]).
    pub fn fault(&self, role: crate::Role) -> cwmp_core::FaultCode {
        use crate::xml::XmlErrorKind;
        let cpe = role == crate::Role::Cpe;
        let base: u16 = if cpe { 9000 } else { 8000 };
        let (method_not_supported, internal, invalid, exceeded) = (base, base + 2, base + 3, base + 4);
        let name = if cpe { 9005 } else { invalid };
        let code = match self.kind {
            DecodeErrorKind::MethodNotSupported { .. } => method_not_supported,
            DecodeErrorKind::TooLong { limit: Some(Limit::ParameterNameLen), .. } => name,
            DecodeErrorKind::TooLong { field, .. }
            | DecodeErrorKind::Invalid { field, .. }
            | DecodeErrorKind::Facet { field, .. }
                if is_name_field(field) =>
            {
                name
            }
            DecodeErrorKind::TooLong { .. } | DecodeErrorKind::TooMany { .. } => exceeded,
            DecodeErrorKind::Xml(XmlErrorKind::Limit(_)) => exceeded,
            DecodeErrorKind::Xml(XmlErrorKind::BufferTooSmall) => internal,
            DecodeErrorKind::Xml(_)
            | DecodeErrorKind::NotEnvelope(_)
            | DecodeErrorKind::Missing { .. }
            | DecodeErrorKind::Unexpected { .. }
            | DecodeErrorKind::Invalid { .. }
            | DecodeErrorKind::Quirk { .. }
            | DecodeErrorKind::Facet { .. }
            | DecodeErrorKind::MustUnderstand => invalid,
        };
        cwmp_core::FaultCode::new(code)
    }
}

/// Elements holding a parameter or object name (or path): what 9005 is about.
fn is_name_field(field: &str) -> bool {
    matches!(field, "ParameterName" | "ParameterPath" | "ObjectName" | "Name" | "ParameterNames")
}

/// The kinds of [`DecodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DecodeErrorKind {
    /// The XML itself is malformed or crosses a tokenizer limit.
    #[error("XML: {0}")]
    Xml(crate::xml::XmlErrorKind),
    /// The document is not a SOAP envelope.
    #[error("not a SOAP envelope: {0}")]
    NotEnvelope(&'static str),
    /// A required element is missing.
    #[error("<{field}> is missing")]
    Missing {
        /// Element.
        field: &'static str,
    },
    /// Something not allowed where it was found.
    #[error("<{field}>: unexpected {what}")]
    Unexpected {
        /// Element.
        field: &'static str,
        /// What was found.
        what: &'static str,
    },
    /// A value that does not parse as its type.
    #[error("<{field}>: invalid value ({reason})")]
    Invalid {
        /// Element.
        field: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A string over its cap.
    #[error("<{field}>: {len} characters exceed the cap of {max}")]
    TooLong {
        /// Element.
        field: &'static str,
        /// Characters.
        len: usize,
        /// Cap.
        max: usize,
        /// The [`Limits`](cwmp_core::Limits) field that set the cap; `None`
        /// for a fixed schema `maxLength`.
        limit: Option<Limit>,
    },
    /// A list over its cap.
    #[error("<{field}>: more than {max} entries ({limit})")]
    TooMany {
        /// Element.
        field: &'static str,
        /// Cap.
        max: usize,
        /// The limit that set the cap.
        limit: Limit,
    },
    /// A value outside the schema's pattern or enumeration, when
    /// [`Quirk::SchemaFacet`](crate::quirk::Quirk::SchemaFacet) is not accepted.
    #[error("<{field}>: {} (a quirk not accepted)", facet.describe())]
    Facet {
        /// Element.
        field: &'static str,
        /// The rule it breaks.
        facet: crate::facet::Facet,
    },
    /// A quirk the options do not accept ([`DecodeOptions::quirks`](crate::decode::DecodeOptions::quirks)).
    #[error("<{field}>: {quirk} (a quirk not accepted)")]
    Quirk {
        /// Element.
        field: &'static str,
        /// Which quirk.
        quirk: crate::quirk::Quirk,
    },
    /// A known method that the peer never sends (a CPE method sent to a
    /// CPE), or a body element outside every cwmp namespace.
    #[error("method not supported: {what}")]
    MethodNotSupported {
        /// Why.
        what: &'static str,
    },
    /// A SOAP header entry we do not understand carries
    /// `mustUnderstand="1"` (SOAP 1.1 §4.2.3): the message must not be
    /// processed, and the answer is a SOAP `MustUnderstand` fault. The
    /// offset is the entry's.
    #[error("a header entry with mustUnderstand=\"1\" that we do not understand")]
    MustUnderstand,
}
