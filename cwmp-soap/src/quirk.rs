//! Device quirks as data: each deviation from XML or from the CWMP schema
//! that real devices and servers send is a [`Quirk`]; a [`Quirks`] set says
//! which ones decoding accepts ([`DecodeOptions::quirks`]) and, after a
//! decode, which ones the message needed
//! ([`Envelope::decode_with_repairs`](crate::Envelope::decode_with_repairs)).
//! A quirk that is not accepted is a [`DecodeErrorKind::Quirk`] error.
//!
//! [`DecodeOptions::quirks`]: crate::decode::DecodeOptions::quirks
//! [`DecodeErrorKind::Quirk`]: crate::DecodeErrorKind::Quirk
//!
//! ```
//! use cwmp_soap::quirk::{Quirk, Quirks};
//! use cwmp_soap::{Envelope, Role};
//! use cwmp_soap::decode::DecodeOptions;
//!
//! // `soap` is never declared: the attribute's namespace is unknown, and
//! // `mustUnderstand` is read by its local name.
//! let wire = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><s:Header><cwmp:ID soap:mustUnderstand="1">5</cwmp:ID></s:Header><s:Body><cwmp:GetRPCMethods/></s:Body></s:Envelope>"#;
//! let (env, repairs) = Envelope::decode_with_repairs(wire, Some(Role::Cpe), &DecodeOptions::default()).unwrap();
//! assert_eq!(env.header.id.unwrap(), "5");
//! assert!(repairs.contains(Quirk::UnboundAttributePrefix));
//! assert_eq!(repairs.iter().count(), 1);
//!
//! // Everything but that one quirk accepted: the message is refused.
//! let opts = DecodeOptions { quirks: Quirks::ALL.without(Quirk::UnboundAttributePrefix), ..DecodeOptions::default() };
//! assert!(Envelope::decode_with(wire, None, &opts).is_err());
//! ```

use crate::xml;

/// Defines [`Quirk`] and its table from one list.
macro_rules! quirks {
    ($( $(#[$doc:meta])* $name:ident = $what:literal; )*) => {
        /// A deviation from XML or from the CWMP schema that tolerant
        /// decoding accepts.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        #[repr(u8)]
        pub enum Quirk {
            $( $(#[$doc])* $name, )*
        }

        impl Quirk {
            /// Every quirk, in declaration order.
            pub const ALL: &'static [Quirk] = &[$(Quirk::$name),*];

            /// What the quirk is, in words.
            pub const fn describe(self) -> &'static str {
                match self {
                    $( Quirk::$name => $what, )*
                }
            }
        }
    };
}

quirks! {
    /// A required element is absent: decoded as empty (a string), unknown
    /// time (a dateTime), an empty list.
    MissingElement = "a required element is missing";
    /// A string longer than its schema `maxLength` (still within
    /// `max_value_len`).
    OverSchemaCap = "a string over its schema maxLength";
    /// A value outside the schema's pattern or enumeration (an OUI not of
    /// six upper-case hex digits, an event code, a fault code …).
    SchemaFacet = "a value outside the schema's pattern or enumeration";
    /// A dateTime the schema's lexical form does not allow, read leniently.
    LooseDateTime = "a dateTime outside the schema's lexical form";
    /// A parameter `Value` without `xsi:type`, with an unknown one, or with
    /// text its type does not allow.
    UntypedValue = "a Value without a known xsi:type matching its text";
    /// A SOAP array whose entries' struct members are written directly in
    /// it, without the entry element (`<TransferList><CommandKey>…<State>…`
    /// as deployed CPE software sends transfer lists): read entry by entry,
    /// a new entry starting where a member repeats.
    UnwrappedEntries = "struct members directly in an array, without their entry element";
    /// An `xsd:boolean` spelled `True`, `FALSE` … (the schema allows only
    /// `true`, `false`, `1`, `0`).
    BooleanCase = "a boolean in another letter case";
    /// A SOAP array without `arrayType`, or whose count differs from its entries.
    ArrayTypeMismatch = "arrayType missing or its count differs from the entries";
    /// A struct's members wrapped in one extra element
    /// (`<Fault><FaultStruct>…`, an operation struct nested instead of typed
    /// by `xsi:type`).
    WrappedStruct = "a struct's members wrapped in an extra element";
    /// An element that occurs once in the schema, repeated (the first wins).
    DuplicatedElement = "a duplicated element";
    /// An Envelope child outside the SOAP namespace (ignored).
    ForeignEnvelopeChild = "an Envelope child outside the SOAP namespace";
    /// `encodingStyle` on the Envelope.
    EncodingStyleOnEnvelope = "encodingStyle on the Envelope";
    /// No SOAP Header, or no `cwmp:ID` in it.
    NoHeaderId = "no SOAP Header or no cwmp:ID";
    /// The deprecated `NoMoreRequests` header with mustUnderstand other than 1.
    NoMoreRequestsMustUnderstand = "deprecated header sent with mustUnderstand other than 1";
    /// A SOAP `faultcode` without the SOAP-ENV prefix.
    UnprefixedFaultcode = "faultcode without the SOAP-ENV prefix";
    /// A known method whose arguments do not decode: returned as
    /// [`crate::rpc::InvalidRpc`] (enough to answer 9003 under the
    /// request's ID) instead of an error.
    InvalidArguments = "a known method whose arguments do not decode";
    /// `encoding="ISO-8859-1"` (or another ASCII-compatible name) in the XML
    /// declaration of a pure-ASCII document ([`xml::Quirks::latin1_declaration`]).
    Latin1Declaration = "a Latin-1 or ASCII encoding declaration";
    /// Control characters U+0001–U+001F in text ([`xml::Quirks::control_chars`]).
    ControlChars = "control characters in text";
    /// The prefixes `xsi`, `xsd`, `SOAP-ENV`, `soapenv`, `SOAP-ENC`,
    /// `soapenc` used without a declaration
    /// ([`xml::Quirks::unbound_well_known_prefixes`]).
    UnboundWellKnownPrefix = "an undeclared well-known prefix";
    /// The XML declaration after leading white space
    /// ([`xml::Quirks::decl_after_whitespace`]).
    DeclAfterWhitespace = "the XML declaration after white space";
    /// An attribute prefix that is not bound to a namespace
    /// (`soap:mustUnderstand`, `encodingStyle:arrayType` from an ACS that
    /// never declares them): read by its local name
    /// ([`xml::Quirks::unbound_attribute_prefixes`]).
    UnboundAttributePrefix = "an attribute prefix that is not bound to a namespace";
}

impl Quirk {
    const fn bit(self) -> u32 {
        1 << self as u8
    }
}

impl core::fmt::Display for Quirk {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.describe())
    }
}

/// A set of [`Quirk`]s: plain data, cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Quirks(u32);

impl Default for Quirks {
    /// [`Quirks::ALL`]: decoding is tolerant unless asked otherwise.
    fn default() -> Self {
        Quirks::ALL
    }
}

impl Quirks {
    /// No quirk: strict XML 1.0, Namespaces and CWMP schema.
    pub const NONE: Quirks = Quirks(0);

    /// Every quirk.
    pub const ALL: Quirks = {
        let mut bits = 0u32;
        let mut i = 0;
        while i < Quirk::ALL.len() {
            bits |= Quirk::ALL[i].bit();
            i += 1;
        }
        Quirks(bits)
    };

    /// This set with `q`.
    #[must_use]
    pub const fn with(self, q: Quirk) -> Quirks {
        Quirks(self.0 | q.bit())
    }

    /// This set without `q`.
    #[must_use]
    pub const fn without(self, q: Quirk) -> Quirks {
        Quirks(self.0 & !q.bit())
    }

    /// Adds `q`.
    pub fn insert(&mut self, q: Quirk) {
        self.0 |= q.bit();
    }

    /// Whether `q` is in the set.
    pub const fn contains(&self, q: Quirk) -> bool {
        self.0 & q.bit() != 0
    }

    /// Whether every quirk of `other` is in the set.
    pub const fn contains_all(&self, other: Quirks) -> bool {
        self.0 & other.0 == other.0
    }

    /// True for the empty set.
    pub const fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The quirks in the set, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = Quirk> + '_ {
        Quirk::ALL.iter().copied().filter(|q| self.contains(*q))
    }

    /// The tokenizer's share of the set.
    pub(crate) const fn xml(&self) -> xml::Quirks {
        xml::Quirks {
            latin1_declaration: self.contains(Quirk::Latin1Declaration),
            control_chars: self.contains(Quirk::ControlChars),
            unbound_well_known_prefixes: self.contains(Quirk::UnboundWellKnownPrefix),
            decl_after_whitespace: self.contains(Quirk::DeclAfterWhitespace),
            unbound_attribute_prefixes: self.contains(Quirk::UnboundAttributePrefix),
        }
    }

    /// The quirks the tokenizer recorded as needed.
    pub(crate) fn from_xml(q: xml::Quirks) -> Quirks {
        let mut out = Quirks::NONE;
        if q.unbound_attribute_prefixes {
            out.insert(Quirk::UnboundAttributePrefix);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_hold_what_was_put_in() {
        assert_eq!(Quirks::ALL.iter().count(), Quirk::ALL.len());
        assert!(Quirks::NONE.is_empty());
        let s = Quirks::NONE.with(Quirk::ControlChars);
        assert!(s.contains(Quirk::ControlChars) && !s.contains(Quirk::MissingElement));
        assert!(Quirks::ALL.contains_all(s) && !s.contains_all(Quirks::ALL));
        assert!(!Quirks::ALL.without(Quirk::ControlChars).contains(Quirk::ControlChars));
        assert_eq!(Quirks::NONE.xml(), xml::Quirks::NONE);
        assert_eq!(Quirks::ALL.xml(), xml::Quirks::TOLERANT);
    }
}
