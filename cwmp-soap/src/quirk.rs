//! Device quirks that tolerant decoding repairs, and the record of which
//! ones a message needed.
//!
//! ```
//! use cwmp_soap::quirk::{Quirk, Repairs};
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
//! ```

/// A deviation from XML or from the CWMP schema that tolerant decoding
/// accepts and records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(u8)]
pub enum Quirk {
    /// An attribute prefix that is not bound to a namespace
    /// (`soap:mustUnderstand`, `encodingStyle:arrayType` from an ACS that
    /// never declares them): read by its local name.
    UnboundAttributePrefix,
}

impl Quirk {
    /// Every quirk, in declaration order.
    pub const ALL: [Quirk; 1] = [Quirk::UnboundAttributePrefix];

    /// What the quirk is, in words.
    pub const fn describe(self) -> &'static str {
        match self {
            Quirk::UnboundAttributePrefix => "an attribute prefix that is not bound to a namespace",
        }
    }

    const fn bit(self) -> u32 {
        1 << self as u8
    }
}

/// The set of [`Quirk`]s a decoded message needed: plain data, cheap to copy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Repairs(u32);

impl Repairs {
    /// Nothing repaired.
    pub const NONE: Repairs = Repairs(0);

    /// Records `q`.
    pub fn insert(&mut self, q: Quirk) {
        self.0 |= q.bit();
    }

    /// Whether `q` was repaired.
    pub const fn contains(&self, q: Quirk) -> bool {
        self.0 & q.bit() != 0
    }

    /// True when the message needed no repair.
    pub const fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The repaired quirks.
    pub fn iter(&self) -> impl Iterator<Item = Quirk> + '_ {
        Quirk::ALL.into_iter().filter(|q| self.contains(*q))
    }
}
