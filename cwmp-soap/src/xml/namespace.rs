//! Namespace names and the fixed-capacity binding stack.
//!
//! Bindings are positions in the input (which only grows), never copies, so a
//! fragment keeps resolving through the Envelope's declarations. Well-known
//! namespace names are recognised once, at declaration, and then resolve to
//! `&'static str` at no cost.

use super::chars::same_bytes;

/// Namespace names the tokenizer knows by heart.
pub mod ns {
    /// The `xml` prefix's namespace (predefined, never declared).
    pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
    /// The namespace of `xmlns` and `xmlns:*` attributes.
    pub const XMLNS: &str = "http://www.w3.org/2000/xmlns/";
    /// SOAP 1.1 envelope.
    pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
    /// SOAP 1.1 encoding.
    pub const SOAP_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";
    /// XML Schema.
    pub const XSD: &str = "http://www.w3.org/2001/XMLSchema";
    /// XML Schema instance (`xsi:type`).
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
    /// CWMP 1.0.
    pub const CWMP_1_0: &str = "urn:dslforum-org:cwmp-1-0";
    /// CWMP 1.1.
    pub const CWMP_1_1: &str = "urn:dslforum-org:cwmp-1-1";
    /// CWMP 1.2 (also used by CWMP 1.3 and 1.4).
    pub const CWMP_1_2: &str = "urn:dslforum-org:cwmp-1-2";
}

/// Index of each known name in [`KNOWN`].
pub(crate) const K_XML: u8 = 0;
pub(crate) const K_XMLNS: u8 = 1;
const K_SOAP_ENV: u8 = 2;
const K_SOAP_ENC: u8 = 3;
const K_XSD: u8 = 4;
const K_XSI: u8 = 5;

pub(crate) const KNOWN: [&str; 9] =
    [ns::XML, ns::XMLNS, ns::SOAP_ENV, ns::SOAP_ENC, ns::XSD, ns::XSI, ns::CWMP_1_0, ns::CWMP_1_1, ns::CWMP_1_2];

/// Prefixes resolved without a declaration under
/// [`Quirks::unbound_well_known_prefixes`](super::Quirks).
const WELL_KNOWN_PREFIXES: [(&[u8], u8); 6] = [
    (b"xsi", K_XSI),
    (b"xsd", K_XSD),
    (b"SOAP-ENV", K_SOAP_ENV),
    (b"soapenv", K_SOAP_ENV),
    (b"SOAP-ENC", K_SOAP_ENC),
    (b"soapenc", K_SOAP_ENC),
];

/// A namespace name in 8 bytes: none (`len == 0`), `KNOWN[len - 1]`
/// (`start == u32::MAX`), or the validated span `input[start..start + len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Uri {
    start: u32,
    len: u32,
}

impl Uri {
    /// No namespace (unprefixed name without default namespace, or `xmlns=""`).
    pub(crate) const NONE: Uri = Uri { start: 0, len: 0 };

    /// `KNOWN[i]`.
    pub(crate) const fn known(i: u8) -> Uri {
        Uri { start: u32::MAX, len: i as u32 + 1 }
    }

    /// The namespace name for `uri_bytes` found at `start`.
    pub(crate) fn classify(uri_bytes: &[u8], start: u32) -> Uri {
        if uri_bytes.is_empty() {
            return Uri::NONE;
        }
        for (i, k) in KNOWN.iter().enumerate() {
            if k.as_bytes() == uri_bytes {
                return Uri::known(i as u8);
            }
        }
        Uri { start, len: uri_bytes.len() as u32 }
    }

    /// The name as a string borrowed from `input` (or static).
    pub(crate) fn resolve(self, input: &[u8]) -> Option<&str> {
        if self.len == 0 {
            return None;
        }
        if self.start == u32::MAX {
            return KNOWN.get(self.len as usize - 1).copied();
        }
        let s = self.start as usize;
        let bytes = input.get(s..s.saturating_add(self.len as usize))?;
        // Validated when the declaring tag was read; cannot fail.
        core::str::from_utf8(bytes).ok()
    }
}

/// One `xmlns[:prefix]="uri"` declaration in scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Binding {
    /// Offset of the prefix in the input (unused when `prefix_len == 0`: the default namespace).
    pub prefix_start: u32,
    /// Length of the prefix; 0 for the default namespace.
    pub prefix_len: u16,
    /// What it binds to (`Uri::NONE` undeclares the default namespace).
    pub uri: Uri,
}

impl Binding {
    pub(crate) const EMPTY: Binding = Binding { prefix_start: 0, prefix_len: 0, uri: Uri::NONE };
}

/// Looks `prefix` up in `bindings` (innermost last). `None` when unbound; the
/// empty prefix (default namespace) is never unbound: it yields `Uri::NONE`.
pub(crate) fn lookup(bindings: &[Binding], input: &[u8], prefix: &[u8], well_known: bool) -> Option<Uri> {
    for b in bindings.iter().rev() {
        if b.prefix_len as usize == prefix.len() {
            if prefix.is_empty() {
                return Some(b.uri);
            }
            let s = b.prefix_start as usize;
            // Prefixes are short: compare inline rather than call memcmp.
            let bound = input.get(s..s + prefix.len()).unwrap_or_default();
            if same_bytes(bound, prefix) {
                return Some(b.uri);
            }
        }
    }
    match prefix {
        b"" => Some(Uri::NONE),
        b"xml" => Some(Uri::known(K_XML)),
        b"xmlns" => Some(Uri::known(K_XMLNS)),
        _ if well_known => WELL_KNOWN_PREFIXES.iter().find(|(p, _)| *p == prefix).map(|&(_, k)| Uri::known(k)),
        _ => None,
    }
}
