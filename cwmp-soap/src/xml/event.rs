//! What the reader yields: [`Step`]s carrying borrowed [`Event`]s.

use super::chars::is_ws;
use super::error::{XmlError, XmlErrorKind};
use super::namespace::{Binding, K_XMLNS, Uri, lookup};
use super::text::{Text, as_str};

/// The result of one [`Reader::next`](super::Reader::next) call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// The next event.
    Event(Event<'a>),
    /// The input ends inside a token: append more bytes and call again with
    /// the whole buffer (already-scanned bytes are not scanned again).
    NeedMore,
    /// The root element has closed and every byte received so far after it
    /// was white space or comments.
    Eof,
}

impl<'a> Step<'a> {
    /// The event, if this step is one.
    pub fn event(self) -> Option<Event<'a>> {
        match self {
            Step::Event(e) => Some(e),
            _ => None,
        }
    }
}

/// One piece of the document. Comments, the XML declaration and white space
/// outside the root element are consumed silently; white-space-only text
/// inside it only with [`Options::whitespace_text`](super::Options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// `<name attr="v">`.
    Start(StartTag<'a>),
    /// `<name attr="v"/>`: a start tag immediately closed; no [`Event::End`] follows.
    Empty(StartTag<'a>),
    /// `</name>`.
    End(EndTag<'a>),
    /// Character data between tags (references not yet decoded).
    Text(Text<'a>),
    /// The content of a `<![CDATA[…]]>` section.
    CData(Text<'a>),
}

impl Event<'_> {
    /// Byte offset of the event's first byte (the `<` of a tag, the first
    /// character of text, the `<` of `<![CDATA[`'s content start for CDATA:
    /// the content's first byte).
    pub fn offset(&self) -> usize {
        match self {
            Event::Start(t) | Event::Empty(t) => t.offset(),
            Event::End(t) => t.offset(),
            Event::Text(t) | Event::CData(t) => t.offset(),
        }
    }
}

/// A resolved element or attribute name: namespace name, local part and the
/// raw prefix (which never matters for matching: compare namespace and local
/// part, e.g. with [`Name::is`]).
///
/// The local part and prefix are kept as validated bytes; the `&str`
/// accessors convert on demand, so matching with [`Name::is`] costs no UTF-8
/// pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<'a> {
    ns: Option<&'a str>,
    local: &'a [u8],
    prefix: Option<&'a [u8]>,
}

impl<'a> Name<'a> {
    /// A name from its parts (for tests and decoders building expectations).
    ///
    /// ```
    /// use cwmp_soap::xml::{Name, ns};
    /// let n = Name::new(Some(ns::SOAP_ENV), "Envelope", Some("soapenv"));
    /// assert!(n.is(ns::SOAP_ENV, "Envelope"));
    /// assert!(!n.is(ns::SOAP_ENC, "Envelope"));
    /// assert_eq!((n.local(), n.prefix()), ("Envelope", Some("soapenv")));
    /// ```
    pub fn new(ns: Option<&'a str>, local: &'a str, prefix: Option<&'a str>) -> Self {
        Name { ns, local: local.as_bytes(), prefix: prefix.map(str::as_bytes) }
    }

    #[inline]
    pub(crate) fn from_bytes(ns: Option<&'a str>, local: &'a [u8], prefix: Option<&'a [u8]>) -> Self {
        Name { ns, local, prefix }
    }

    /// The namespace name, `None` for no namespace.
    #[inline]
    pub fn ns(&self) -> Option<&'a str> {
        self.ns
    }

    /// The local part.
    #[inline]
    pub fn local(&self) -> &'a str {
        as_str(self.local)
    }

    /// The local part as bytes (no conversion).
    #[inline]
    pub fn local_bytes(&self) -> &'a [u8] {
        self.local
    }

    /// The prefix as written, if any.
    #[inline]
    pub fn prefix(&self) -> Option<&'a str> {
        self.prefix.map(as_str)
    }

    /// This name is `{ns}local`.
    #[inline]
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local.as_bytes() && self.ns == Some(ns)
    }

    /// This name has no namespace and local part `local` (CWMP argument
    /// elements are unqualified).
    #[inline]
    pub fn is_unqualified(&self, local: &str) -> bool {
        self.local == local.as_bytes() && self.ns.is_none()
    }
}

/// Where a tag's name sits in the input, and its resolved namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TagName<'a> {
    pub ns: Option<&'a str>,
    /// Offset of the name's first byte.
    pub at: u32,
    pub len: u16,
    /// Index of the colon within the name, 0 when unprefixed.
    pub colon: u16,
}

impl<'a> TagName<'a> {
    #[inline]
    fn name(&self, input: &'a [u8]) -> Name<'a> {
        let s = self.at as usize;
        let q = input.get(s..s + self.len as usize).unwrap_or_default();
        let c = self.colon as usize;
        match (c, q.get(..c), q.get(c + 1..)) {
            (1.., Some(p), Some(l)) => Name::from_bytes(self.ns, l, Some(p)),
            _ => Name::from_bytes(self.ns, q, None),
        }
    }
}

/// A start tag (also of an empty element). Small and `Copy`: offsets into
/// the input, converted to slices on access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartTag<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) name: TagName<'a>,
    /// Offsets of the `<` and just past the `>`.
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// End of the attribute text (before `>` or `/>`).
    pub(crate) attrs_end: u32,
    pub(crate) serial: u32,
}

impl<'a> StartTag<'a> {
    /// The resolved element name.
    #[inline]
    pub fn name(&self) -> Name<'a> {
        self.name.name(self.input)
    }

    /// Byte offset of the `<`.
    pub fn offset(&self) -> usize {
        self.start as usize
    }

    /// Byte offset just past the `>`: where the element's content starts.
    /// With the matching [`EndTag::offset`], `input[start.end_offset()..end.offset()]`
    /// is the element's raw content.
    pub fn end_offset(&self) -> usize {
        self.end as usize
    }

    /// The whole tag as written, `<` to `>`.
    pub fn raw(&self) -> &'a str {
        as_str(self.input.get(self.start as usize..self.end as usize).unwrap_or_default())
    }

    fn attrs_at(&self) -> usize {
        self.name.at as usize + self.name.len as usize
    }

    /// The attributes, `xmlns` declarations included, with names *not*
    /// resolved (`name.ns()` is `None` except for `xmlns` declarations). Works
    /// at any time, without the reader.
    pub fn raw_attributes(&self) -> Attributes<'a, 'static> {
        let at = self.attrs_at();
        let rest = self.input.get(at..self.attrs_end as usize).unwrap_or_default();
        Attributes { rest, base: at, input: self.input, scope: None }
    }

    /// The attributes with resolved names, `xmlns` declarations included
    /// (filter with [`Attribute::is_namespace_decl`]). `reader` must not have
    /// moved past this tag: it holds the namespace scope
    /// ([`XmlErrorKind::StaleTag`] otherwise).
    ///
    /// ```
    /// use cwmp_soap::xml::{Event, Reader, ns};
    ///
    /// let doc = br#"<e xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:type="xsd:int"/>"#;
    /// let mut r: Reader = Reader::new(&cwmp_core::Limits::DEFAULT, Default::default());
    /// let Some(Event::Empty(tag)) = r.next_complete(doc).unwrap().event() else { panic!() };
    /// let ty = tag.attributes(&r).unwrap().find(|a| a.name.is(ns::XSI, "type")).unwrap();
    /// assert_eq!(ty.value.raw(), "xsd:int");
    /// ```
    pub fn attributes<'r, const D: usize, const N: usize, const A: usize>(
        &self,
        reader: &'r super::Reader<D, N, A>,
    ) -> Result<Attributes<'a, 'r>, XmlError> {
        let scope = reader.scope(self.serial).ok_or(XmlError::new(XmlErrorKind::StaleTag, self.offset()))?;
        Ok(Attributes { scope: Some(scope), ..self.raw_attributes() })
    }

    /// The value of attribute `{ns}local` (`ns` `None`: an unprefixed attribute).
    pub fn attribute<const D: usize, const N: usize, const A: usize>(
        &self,
        reader: &super::Reader<D, N, A>,
        ns: Option<&str>,
        local: &str,
    ) -> Result<Option<Text<'a>>, XmlError> {
        Ok(self.attributes(reader)?.find(|a| a.name.local == local.as_bytes() && a.name.ns == ns).map(|a| a.value))
    }
}

/// An end tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndTag<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) name: TagName<'a>,
    /// Offsets of the `<` and just past the `>`.
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl<'a> EndTag<'a> {
    /// The resolved element name.
    #[inline]
    pub fn name(&self) -> Name<'a> {
        self.name.name(self.input)
    }

    /// Byte offset of the `<` of `</`: where the element's content ends.
    pub fn offset(&self) -> usize {
        self.start as usize
    }

    /// Byte offset just past the `>`.
    pub fn end_offset(&self) -> usize {
        self.end as usize
    }

    /// The tag as written.
    pub fn raw(&self) -> &'a str {
        as_str(self.input.get(self.start as usize..self.end as usize).unwrap_or_default())
    }
}

/// One attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// Its name; `xmlns` and `xmlns:p` are in the [`XMLNS`](super::ns::XMLNS)
    /// namespace with local parts `xmlns` and `p`.
    pub name: Name<'a>,
    /// Its value, raw (decode lazily; attribute values also normalise white space).
    pub value: Text<'a>,
    /// Byte offset of the attribute's name.
    pub offset: usize,
}

impl Attribute<'_> {
    /// This is a namespace declaration (`xmlns` or `xmlns:p`).
    pub fn is_namespace_decl(&self) -> bool {
        self.name.ns() == super::namespace::KNOWN.get(K_XMLNS as usize).copied()
    }
}

/// The namespace scope of a tag, borrowed from the reader.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'r> {
    pub bindings: &'r [Binding],
    pub well_known: bool,
}

/// Iterator over a tag's attributes (see [`StartTag::attributes`]).
#[derive(Debug, Clone)]
pub struct Attributes<'a, 'r> {
    rest: &'a [u8],
    base: usize,
    input: &'a [u8],
    scope: Option<Scope<'r>>,
}

impl<'a> Iterator for Attributes<'a, '_> {
    type Item = Attribute<'a>;

    fn next(&mut self) -> Option<Attribute<'a>> {
        // The tag was validated when read: this is a plain re-lex.
        let bytes = self.rest;
        let start = bytes.iter().position(|&b| !is_ws(b))?;
        let eq = start + bytes.get(start..)?.iter().position(|&b| b == b'=' || is_ws(b))?;
        let q_at = eq + bytes.get(eq..)?.iter().position(|&b| b == b'"' || b == b'\'')?;
        let q = *bytes.get(q_at)?;
        let v_end = q_at + 1 + bytes.get(q_at + 1..)?.iter().position(|&b| b == q)?;
        let qname = bytes.get(start..eq)?;
        let value = bytes.get(q_at + 1..v_end)?;
        let offset = self.base + start;
        let value_offset = self.base + q_at + 1;
        self.rest = bytes.get(v_end + 1..)?;
        self.base += v_end + 1;

        let (prefix, local) = match qname.iter().position(|&b| b == b':') {
            Some(c) => (qname.get(..c), qname.get(c + 1..)?),
            None => (None, qname),
        };
        let xmlns = super::namespace::KNOWN.get(K_XMLNS as usize).copied();
        let ns = match (prefix, local) {
            (None, b"xmlns") | (Some(b"xmlns"), _) => xmlns,
            (None, _) => None,
            (Some(p), _) => match self.scope {
                Some(s) => lookup(s.bindings, self.input, p, s.well_known).unwrap_or(Uri::NONE).resolve(self.input),
                None => None,
            },
        };
        let name = Name::from_bytes(ns, local, prefix);
        Some(Attribute { name, value: Text::attr_value(value, value_offset), offset })
    }
}
