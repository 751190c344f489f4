//! Strict versus tolerant parsing.

/// Deviations of real devices the tokenizer can accept. All off in
/// [`Quirks::NONE`]; all on in [`Quirks::TOLERANT`].
///
/// ```
/// use cwmp_soap::xml::{Options, Quirks};
/// let opts = Options { quirks: Quirks { control_chars: true, ..Quirks::NONE }, ..Options::STRICT };
/// assert!(!opts.whitespace_text);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Quirks {
    /// Accept `encoding="ISO-8859-1"` (also `latin1`, `US-ASCII`, `ASCII`) in the
    /// XML declaration; the document must then be pure ASCII, any byte ≥ 0x80 is
    /// an [`InvalidUtf8`](super::XmlErrorKind::InvalidUtf8) error (no transcoding).
    pub latin1_declaration: bool,
    /// Accept control characters U+0001–U+001F (raw or as character references)
    /// in text and attribute values. NUL is never accepted.
    pub control_chars: bool,
    /// Resolve the unbound prefixes `xsi`, `xsd`, `SOAP-ENV`, `soapenv`,
    /// `SOAP-ENC` and `soapenc` to their usual namespaces instead of failing.
    pub unbound_well_known_prefixes: bool,
    /// Accept the XML declaration after leading whitespace.
    pub decl_after_whitespace: bool,
    /// Accept an attribute whose prefix is not bound (an ACS in use sends
    /// `<cwmp:ID soap:mustUnderstand="1">` and `encodingStyle:arrayType`
    /// without declaring `soap` or `encodingStyle`): its namespace is then
    /// unknown, and the SOAP decoder reads it by its local name. Recorded
    /// in [`Reader::repaired`](super::Reader::repaired). An unbound prefix on
    /// an *element* is always an error.
    pub unbound_attribute_prefixes: bool,
}

impl Quirks {
    /// Strict XML 1.0 + Namespaces.
    pub const NONE: Quirks = Quirks {
        latin1_declaration: false,
        control_chars: false,
        unbound_well_known_prefixes: false,
        decl_after_whitespace: false,
        unbound_attribute_prefixes: false,
    };
    /// Every deviation accepted.
    pub const TOLERANT: Quirks = Quirks {
        latin1_declaration: true,
        control_chars: true,
        unbound_well_known_prefixes: true,
        decl_after_whitespace: true,
        unbound_attribute_prefixes: true,
    };
}

/// Reader options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Options {
    /// Which device deviations to accept.
    pub quirks: Quirks,
    /// Emit whitespace-only text inside the root element as [`Event::Text`](super::Event::Text).
    /// Off by default: a SOAP decoder never needs indentation. Whitespace
    /// outside the root element is never emitted.
    pub whitespace_text: bool,
}

impl Options {
    /// Strict parsing, whitespace-only text skipped (the default).
    pub const STRICT: Options = Options { quirks: Quirks::NONE, whitespace_text: false };
    /// Every quirk accepted, whitespace-only text skipped.
    pub const TOLERANT: Options = Options { quirks: Quirks::TOLERANT, whitespace_text: false };

    /// These options with whitespace-only text emitted or not.
    pub const fn with_whitespace_text(self, on: bool) -> Options {
        Options { whitespace_text: on, ..self }
    }
}
