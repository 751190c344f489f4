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
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("byte {offset}: {kind}")]
pub struct DecodeError {
    /// Byte offset in the input (the start of the offending element or token).
    pub offset: usize,
    /// What was wrong.
    pub kind: DecodeErrorKind,
}

impl DecodeError {
    /// An error at `offset`.
    pub const fn new(offset: usize, kind: DecodeErrorKind) -> Self {
        DecodeError { offset, kind }
    }
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
    /// A quirk that strict mode reports (tolerant mode accepts it).
    #[error("<{field}>: {quirk} (accepted in tolerant mode)")]
    Quirk {
        /// Element.
        field: &'static str,
        /// Which quirk.
        quirk: &'static str,
    },
}
