//! Tokenizer errors: what went wrong and the byte offset where.

use cwmp_core::limits::Limit;

/// An XML error: what went wrong ([`XmlErrorKind`]) and where (byte offset
/// from the start of the message).
///
/// ```
/// use cwmp_soap::xml::{Reader, XmlErrorKind};
///
/// let mut r: Reader = Reader::new(&cwmp_core::Limits::DEFAULT, Default::default());
/// let err = r.next_complete(b"<!DOCTYPE lol [<!ENTITY lol 'lol'>]><lolz>&lol;</lolz>").unwrap_err();
/// assert_eq!(err.kind, XmlErrorKind::Doctype);
/// assert_eq!(err.offset, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("XML: {kind} at byte {offset}")]
pub struct XmlError {
    /// What went wrong.
    pub kind: XmlErrorKind,
    /// Byte offset in the message where the offending construct starts.
    pub offset: usize,
}

impl XmlError {
    /// An error of `kind` at `offset`.
    pub const fn new(kind: XmlErrorKind, offset: usize) -> Self {
        XmlError { kind, offset }
    }
}

/// The reasons the tokenizer rejects input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum XmlErrorKind {
    /// A `<!DOCTYPE …>` declaration (SOAP forbids DTDs; this also stops entity
    /// expansion bombs and external entities).
    #[error("document type declarations are not allowed")]
    Doctype,
    /// A processing instruction other than the leading XML declaration.
    #[error("processing instructions are not allowed")]
    ProcessingInstruction,
    /// An entity reference other than `&amp; &lt; &gt; &apos; &quot;`, or a `&`
    /// not starting a reference.
    #[error("unknown or malformed entity reference")]
    UnknownEntity,
    /// A character reference that is malformed or names a character outside the
    /// XML 1.0 `Char` production (`&#0;`, `&#xD800;`, `&#x110000;`, …).
    #[error("character reference to a character XML does not allow")]
    BadCharRef,
    /// An end tag whose name differs from the open element's.
    #[error("end tag does not match the open element")]
    MismatchedTag,
    /// An end tag with no open element.
    #[error("end tag without a matching start tag")]
    UnexpectedEndTag,
    /// Bytes that are not UTF-8 (or, under an accepted ISO-8859-1 declaration, not ASCII).
    #[error("invalid UTF-8")]
    InvalidUtf8,
    /// A character outside the XML 1.0 `Char` production (control characters,
    /// U+FFFE, U+FFFF), or `]]>` in text.
    #[error("character not allowed in XML")]
    InvalidChar,
    /// A character that may not appear in an element or attribute name, or a
    /// malformed qualified name (empty prefix or local part, two colons).
    #[error("invalid element or attribute name")]
    InvalidName,
    /// A bound of [`cwmp_core::Limits`] (or of the reader's fixed capacity) was crossed.
    #[error("limit {0} exceeded")]
    Limit(Limit),
    /// A prefix with no namespace declaration in scope.
    #[error("namespace prefix is not bound")]
    UnboundPrefix,
    /// A namespace declaration XML Namespaces forbids: `xmlns:p=""`, rebinding
    /// `xml` or `xmlns`, binding a prefix to their namespace names.
    #[error("reserved namespace prefix or name")]
    ReservedNamespace,
    /// A namespace URI containing an entity or character reference (not supported).
    #[error("references in namespace names are not supported")]
    EscapedNamespace,
    /// The same attribute (by qualified or by expanded name) twice on one element.
    #[error("duplicate attribute")]
    DuplicateAttribute,
    /// An XML declaration naming an encoding other than UTF-8 (ISO-8859-1 and
    /// US-ASCII are accepted over ASCII bytes with [`Quirks::latin1_declaration`](super::Quirks)).
    #[error("unsupported encoding declaration")]
    UnsupportedEncoding,
    /// Non-whitespace text, CDATA or a second element outside the root element.
    #[error("content outside the root element")]
    OutsideRoot,
    /// The input ended inside a token or before the root element closed.
    #[error("unexpected end of input")]
    UnexpectedEof,
    /// Any other well-formedness error; the text says what was expected.
    #[error("syntax error: {0}")]
    Syntax(&'static str),
    /// [`Text::unescape_into`](super::Text::unescape_into) was given a buffer too small
    /// for the unescaped text.
    #[error("buffer too small for the unescaped text")]
    BufferTooSmall,
    /// [`StartTag::attributes`](super::StartTag::attributes) was called after the
    /// reader moved past that tag, so its namespace scope is gone.
    #[error("the reader has moved past this tag")]
    StaleTag,
    /// [`Reader::skip_element`](super::Reader::skip_element) was called with no element open.
    #[error("no element is open")]
    NotInElement,
}
