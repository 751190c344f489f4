//! Decoding options: the [`Limits`] to enforce and the device [`Quirks`] to
//! accept. The entry point is [`Envelope::decode_with`](crate::Envelope::decode_with).

use cwmp_core::Limits;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::quirk::{Quirk, Quirks};

/// Decoding options: the limits to report and the device quirks to accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Bounds checked while decoding.
    pub limits: Limits,
    /// The interop quirks accepted; any other is a
    /// [`DecodeErrorKind::Quirk`] error. All by default.
    pub quirks: Quirks,
    /// The namespace whose schema patterns and enumerations are checked
    /// when [`Quirk::SchemaFacet`] is not accepted (they differ between
    /// `cwmp-1-0`, `-1-1` and `-1-2`). `None`: the namespace of the method
    /// or fault being decoded, which
    /// [`Envelope::decode_with`](crate::Envelope::decode_with) fills in.
    pub namespace: Option<cwmp_core::CwmpVersion>,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions::TOLERANT
    }
}

impl DecodeOptions {
    /// Default limits, every quirk accepted (the default).
    pub const TOLERANT: DecodeOptions = DecodeOptions { limits: Limits::DEFAULT, quirks: Quirks::ALL, namespace: None };
    /// Default limits, no quirk accepted: XML 1.0, Namespaces and the CWMP
    /// schema to the letter.
    pub const STRICT: DecodeOptions = DecodeOptions { quirks: Quirks::NONE, ..DecodeOptions::TOLERANT };

    /// Whether `q` is accepted.
    pub(crate) const fn accepts(&self, q: Quirk) -> bool {
        self.quirks.contains(q)
    }

    /// `Ok` when `q` is accepted, else the quirk error for `field` at `offset`.
    pub(crate) fn allow(&self, q: Quirk, field: &'static str, offset: usize) -> Result<(), DecodeError> {
        if self.accepts(q) { Ok(()) } else { Err(DecodeError::new(offset, DecodeErrorKind::Quirk { field, quirk: q })) }
    }

    /// The namespace strict checks apply to `e` in: [`DecodeOptions::namespace`],
    /// else the first CWMP namespace of the document.
    pub(crate) fn facet_version(&self, doc: &str) -> cwmp_core::CwmpVersion {
        self.namespace.unwrap_or_else(|| crate::facet::document_version(doc))
    }
}
