//! The SOAP 1.1 envelope: CWMP header entries, the body (one RPC or a SOAP
//! Fault), version detection, encoding and decoding.
//!
//! ```
//! use cwmp_core::CwmpVersion;
//! use cwmp_soap::envelope::{Body, Envelope, Header};
//! use cwmp_soap::rpc::{Reboot, Rpc};
//! use cwmp_soap::Text;
//!
//! let msg = Envelope {
//!     version: CwmpVersion::V1_0,
//!     header: Header { id: Some(Text::plain("42")), ..Header::default() },
//!     body: Body::Rpc(Rpc::Reboot(Reboot { command_key: Text::plain("r1") })),
//! };
//! let mut buf = [0u8; 1024];
//! let n = msg.encode(&mut buf).unwrap();
//! let back = Envelope::decode(&buf[..n]).unwrap();
//! assert_eq!(back, msg);
//! ```

use cwmp_core::{CwmpVersion, FaultCode, Limits, SoapFaultCode};

use crate::codec::{Cap, Field, Fields, cwmp_struct, malformed};
use crate::decode::DecodeOptions;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::facet::Facet;
use crate::list::List;
use crate::quirk::Quirk;
use crate::rpc::{Method, Rpc, SentBy};
use crate::scan::{Elem, children_indexed, parse_element_indexed};
use crate::structs::{FAULT_STRING, NONE, SetParameterValuesFault};
use crate::text::Text;
use crate::validate::ElementIndex;
use crate::writer::Writer;

/// SOAP 1.1 envelope namespace.
pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.1 encoding namespace.
pub const SOAP_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";
/// XML Schema namespace.
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema";
/// XML Schema instance namespace.
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The CWMP SOAP header entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header<'a> {
    /// `cwmp:ID` (mustUnderstand=1): correlates a response with its request.
    pub id: Option<Text<'a>>,
    /// `cwmp:HoldRequests` (mustUnderstand=1).
    pub hold_requests: Option<bool>,
    /// `cwmp:NoMoreRequests` (deprecated and in no schema; read and passed on,
    /// sent with mustUnderstand=1 as TR-069 Amendment 1 defined it).
    pub no_more_requests: Option<bool>,
    /// `cwmp:SessionTimeout` in seconds (CWMP 1.3+, mustUnderstand=0).
    pub session_timeout: Option<u32>,
    /// `cwmp:SupportedCWMPVersions`, e.g. `1.0,1.1,1.2,1.3,1.4` (1.4, mustUnderstand=0).
    pub supported_cwmp_versions: Option<Text<'a>>,
    /// `cwmp:UseCWMPVersion`, e.g. `1.4` (1.4, mustUnderstand=1).
    pub use_cwmp_version: Option<Text<'a>>,
}

cwmp_struct! {
    /// The `cwmp:Fault` detail of a SOAP Fault.
    CwmpFault<'a> {
        /// The CWMP fault code.
        fault_code: FaultCode = "FaultCode", Cap::Facet(Facet::FaultCode, &NONE);
        /// Its description.
        fault_string: Option<Text<'a>> = "FaultString", FAULT_STRING;
        /// Per-parameter faults of a SetParameterValues.
        set_parameter_values_fault: List<'a, SetParameterValuesFault<'a>> = "SetParameterValuesFault", Cap::Repeated;
    }
}

/// A SOAP Fault carrying a CWMP fault.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fault<'a> {
    /// `faultcode`: `Client` or `Server`.
    pub faultcode: SoapFaultCode,
    /// `faultstring` (CWMP uses `CWMP fault`).
    pub faultstring: Text<'a>,
    /// `detail/cwmp:Fault`.
    pub detail: CwmpFault<'a>,
}

impl<'a> Fault<'a> {
    /// The conventional fault for `code`: faultcode from the fault table,
    /// faultstring `CWMP fault`, FaultString the table's text.
    pub fn new(code: FaultCode) -> Self {
        Fault {
            faultcode: code.soap_faultcode(),
            faultstring: Text::Plain("CWMP fault"),
            detail: CwmpFault {
                fault_code: code,
                fault_string: code.fault_string().map(Text::Plain),
                set_parameter_values_fault: List::Slice(&[]),
            },
        }
    }
}

/// The content of the SOAP Body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Body<'a> {
    /// A method request or response.
    Rpc(Rpc<'a>),
    /// A SOAP Fault.
    Fault(Fault<'a>),
}

/// A whole CWMP SOAP envelope.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Envelope<'a> {
    /// The protocol version: decides the namespace written (1.2–1.4 share
    /// `cwmp-1-2`); detected from the namespace and header when decoding.
    ///
    /// A decoded message reports the version it *proves* on its own: 1.3
    /// and 1.4 are told from 1.2 only by header entries (SessionTimeout,
    /// SupportedCWMPVersions, UseCWMPVersion) that appear on the Inform and
    /// its response, so the later messages of a 1.4 session decode as 1.2.
    /// Inside a session use [`Envelope::version_in_session`] with the
    /// version negotiated on the Inform.
    pub version: CwmpVersion,
    /// Header entries.
    pub header: Header<'a>,
    /// The body.
    pub body: Body<'a>,
}

/// Which end of the session decodes: it accepts only what the peer sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Role {
    /// We are the CPE: accept ACS messages.
    Cpe,
    /// We are the ACS: accept CPE messages.
    Acs,
}

const ENVELOPE_OPEN: &str = "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" \
xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" \
xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"";

impl<'a> Envelope<'a> {
    /// The version of this message inside a session that negotiated
    /// `negotiated` (the InformResponse's UseCWMPVersion, or the highest
    /// common version): a message in the negotiated version's namespace is
    /// of that version even without the header entries that prove it; a
    /// message in another namespace keeps the version it proves.
    ///
    /// ```
    /// use cwmp_core::CwmpVersion;
    /// use cwmp_soap::Envelope;
    ///
    /// // An empty-ish 1.4 GetParameterValues: no version header, so it proves only 1.2.
    /// let wire = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><s:Header><cwmp:ID s:mustUnderstand="1">9</cwmp:ID></s:Header><s:Body><cwmp:GetParameterValues><ParameterNames/></cwmp:GetParameterValues></s:Body></s:Envelope>"#;
    /// let env = Envelope::decode(wire).unwrap();
    /// assert_eq!(env.version, CwmpVersion::V1_2);
    /// assert_eq!(env.version_in_session(CwmpVersion::V1_4), CwmpVersion::V1_4);
    /// assert_eq!(env.version_in_session(CwmpVersion::V1_0), CwmpVersion::V1_2);
    /// ```
    pub fn version_in_session(&self, negotiated: CwmpVersion) -> CwmpVersion {
        if negotiated.namespace() == self.version.namespace() { self.version.max(negotiated) } else { self.version }
    }

    /// The first value of this message that breaks a schema cap or facet
    /// (string and list lengths, OUI, enumerations, patterns, fault-code sets
    /// and lexical forms of typed values, in this message's namespace), as
    /// the error our encoder gives for it; `None` when the message keeps to
    /// the schema. This is how tolerant decoding *reports* the caps it
    /// accepts: decode tolerantly to go on with the session, then log this.
    /// Unknown and undecodable methods have nothing typed to check (`None`).
    /// Nothing is written or allocated; the checks are the encoder's own.
    ///
    /// ```
    /// use cwmp_soap::{EncodeError, Envelope};
    ///
    /// let serial = "S".repeat(70); // DeviceIdStruct.SerialNumber is capped at 64
    /// let wire = format!(r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><s:Body><cwmp:Inform><DeviceId><Manufacturer>ACME</Manufacturer><OUI>00D09E</OUI><ProductClass>GW</ProductClass><SerialNumber>{serial}</SerialNumber></DeviceId><Event/><MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2024-05-17T08:30:00Z</CurrentTime><RetryCount>0</RetryCount><ParameterList/></cwmp:Inform></s:Body></s:Envelope>"#);
    /// let env = Envelope::decode(wire.as_bytes()).unwrap(); // tolerant: accepted
    /// assert_eq!(env.schema_violation(), Some(EncodeError::TooLong { field: "SerialNumber", len: 70, max: 64 }));
    /// ```
    pub fn schema_violation(&self) -> Option<EncodeError> {
        self.schema_violation_with(Limits::DEFAULT)
    }

    /// [`Envelope::schema_violation`] with the caps of `limits`.
    pub fn schema_violation_with(&self, limits: Limits) -> Option<EncodeError> {
        if let Body::Rpc(Rpc::Unknown(_) | Rpc::Invalid(_)) = self.body {
            return None;
        }
        // An empty buffer: the writer only counts, every check still runs.
        let mut w = Writer::with_limits(&mut [], limits).for_version(self.version);
        write_header(&mut w, &self.header).and_then(|()| self.write_body_content(&mut w)).err()
    }

    /// Encodes into `buf` with the default [`Limits`]; returns the length.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        self.encode_with(buf, Limits::DEFAULT)
    }

    /// Encodes into `buf`, enforcing `limits`; returns the length. On
    /// [`EncodeError::BufferTooSmall`] the error holds the size needed.
    pub fn encode_with(&self, buf: &mut [u8], limits: Limits) -> Result<usize, EncodeError> {
        let mut w = Writer::with_limits(buf, limits).for_version(self.version);
        self.write(&mut w)?;
        w.finish()
    }

    /// Writes the whole envelope.
    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.write_head(w)?;
        self.write_body_content(w)?;
        write_tail(w);
        Ok(())
    }

    /// Checks that the body can be sent in this version.
    pub(crate) fn check_sendable(&self) -> Result<(), EncodeError> {
        if let Body::Rpc(rpc) = &self.body {
            let (Some(m), false) = (rpc.method(), matches!(rpc, Rpc::Invalid(_))) else {
                return Err(EncodeError::UnknownMethod);
            };
            if m.decode_only() {
                return Err(EncodeError::DecodeOnly { method: m.name() });
            }
            if m.since() > self.version && m.since().namespace() != self.version.namespace() {
                return Err(EncodeError::NotInNamespace { method: m.name(), namespace: self.version.namespace() });
            }
        }
        Ok(())
    }

    /// Everything up to and including the method start tag.
    pub(crate) fn write_head(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.check_sendable()?;
        write_open(w, self.version, &self.header)
    }

    pub(crate) fn write_body_content(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        match &self.body {
            Body::Rpc(rpc) => {
                let name = rpc.name();
                w.raw("<cwmp:");
                w.raw(name);
                w.raw(">");
                rpc.encode_args(w)?;
                w.raw("</cwmp:");
                w.raw(name);
                w.raw(">");
            }
            Body::Fault(f) => {
                w.raw("<SOAP-ENV:Fault><faultcode>SOAP-ENV:");
                w.raw(f.faultcode.as_str());
                w.raw("</faultcode>");
                w.simple("faultstring", f.faultstring)?;
                w.raw("<detail><cwmp:Fault>");
                f.detail.encode_fields(w)?;
                w.raw("</cwmp:Fault></detail></SOAP-ENV:Fault>");
            }
        }
        Ok(())
    }

    /// Decodes an envelope tolerantly, in either role.
    pub fn decode(input: &'a [u8]) -> Result<Self, DecodeError> {
        Self::decode_with(input, None, &DecodeOptions::default())
    }

    /// Decodes an envelope with `opts`; with a `role`, a method the peer
    /// never sends is an error.
    pub fn decode_with(input: &'a [u8], role: Option<Role>, opts: &DecodeOptions) -> Result<Self, DecodeError> {
        Self::decode_with_repairs(input, role, opts).map(|(env, _)| env)
    }

    /// [`Envelope::decode_with`], also reporting which device quirks the
    /// message needed: the [`Quirks`](crate::quirk::Quirks) repaired
    /// (recorded for the tokenizer's [`Quirk::UnboundAttributePrefix`]
    /// so far; the typed layer's quirks are accepted without being recorded).
    pub fn decode_with_repairs(
        input: &'a [u8],
        role: Option<Role>,
        opts: &DecodeOptions,
    ) -> Result<(Self, crate::quirk::Quirks), DecodeError> {
        if input.len() > opts.limits.max_body_len {
            return Err(DecodeError::new(
                opts.limits.max_body_len,
                DecodeErrorKind::TooMany {
                    field: "Envelope",
                    max: opts.limits.max_body_len,
                    limit: cwmp_core::limits::Limit::BodyLen,
                },
            ));
        }
        let (ends, repairs) = crate::validate::validate(input, opts)?;
        let doc = core::str::from_utf8(input).map_err(|e| {
            DecodeError::new(e.valid_up_to(), DecodeErrorKind::Xml(crate::xml::XmlErrorKind::InvalidUtf8))
        })?;
        let env = decode_document(doc, role, opts, &ends)
            .map_err(|e| e.with_id(crate::validate::request_id(input, input.len())))?;
        Ok((env, repairs))
    }
}

/// Encodes the SOAP 1.1 `MustUnderstand` fault (§4.4.1) that answers a
/// request with a header entry we do not understand carrying
/// `mustUnderstand="1"` ([`DecodeErrorKind::MustUnderstand`]), under the
/// request's `id` when it was readable ([`DecodeError::id`]). It has no
/// `detail`: the body was not processed. Returns the length written.
///
/// ```
/// use cwmp_core::CwmpVersion;
/// use cwmp_soap::envelope::encode_must_understand_fault;
/// use cwmp_soap::{DecodeErrorKind, Envelope, Text};
///
/// let req = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0" xmlns:x="urn:example"><s:Header><c:ID s:mustUnderstand="1">7</c:ID><x:Billing s:mustUnderstand="1">9</x:Billing></s:Header><s:Body><c:Reboot><CommandKey/></c:Reboot></s:Body></s:Envelope>"#;
/// let err = Envelope::decode(req).unwrap_err();
/// assert_eq!(err.kind, DecodeErrorKind::MustUnderstand);
/// let mut buf = [0u8; 1024];
/// let n = encode_must_understand_fault(&mut buf, CwmpVersion::V1_0, err.id(req)).unwrap();
/// let out = core::str::from_utf8(&buf[..n]).unwrap();
/// assert!(out.contains("<faultcode>SOAP-ENV:MustUnderstand</faultcode>"));
/// assert!(out.contains(">7</cwmp:ID>"));
/// ```
pub fn encode_must_understand_fault(
    buf: &mut [u8],
    version: CwmpVersion,
    id: Option<Text<'_>>,
) -> Result<usize, EncodeError> {
    let header = Header { id, ..Header::default() };
    let mut w = Writer::new(buf).for_version(version);
    write_open(&mut w, version, &header)?;
    w.raw("<SOAP-ENV:Fault><faultcode>SOAP-ENV:MustUnderstand</faultcode>");
    w.raw("<faultstring>A mandatory header entry was not understood</faultstring></SOAP-ENV:Fault>");
    write_tail(&mut w);
    w.finish()
}

/// The envelope's start tag, the header and the body's start tag.
fn write_open(w: &mut Writer<'_>, version: CwmpVersion, header: &Header<'_>) -> Result<(), EncodeError> {
    w.raw(ENVELOPE_OPEN);
    w.raw(version.namespace());
    w.raw("\">");
    write_header(w, header)?;
    w.raw("<SOAP-ENV:Body>");
    Ok(())
}

fn write_tail(w: &mut Writer<'_>) {
    w.raw("</SOAP-ENV:Body></SOAP-ENV:Envelope>");
}

fn header_entry(w: &mut Writer<'_>, name: &str, must_understand: &str) {
    w.raw("<cwmp:");
    w.raw(name);
    w.raw(" SOAP-ENV:mustUnderstand=\"");
    w.raw(must_understand);
    w.raw("\">");
}

fn header_close(w: &mut Writer<'_>, name: &str) {
    w.raw("</cwmp:");
    w.raw(name);
    w.raw(">");
}

fn write_header(w: &mut Writer<'_>, h: &Header<'_>) -> Result<(), EncodeError> {
    if *h == Header::default() {
        return Ok(());
    }
    w.raw("<SOAP-ENV:Header>");
    if let Some(id) = h.id {
        header_entry(w, "ID", "1");
        w.text("ID", id)?;
        header_close(w, "ID");
    }
    if let Some(v) = h.hold_requests {
        header_entry(w, "HoldRequests", "1");
        w.bool(v);
        header_close(w, "HoldRequests");
    }
    if let Some(v) = h.no_more_requests {
        header_entry(w, "NoMoreRequests", "1");
        w.bool(v);
        header_close(w, "NoMoreRequests");
    }
    if let Some(v) = h.session_timeout {
        header_entry(w, "SessionTimeout", "0");
        w.u64(u64::from(v));
        header_close(w, "SessionTimeout");
    }
    if let Some(v) = h.supported_cwmp_versions {
        header_entry(w, "SupportedCWMPVersions", "0");
        w.text("SupportedCWMPVersions", v)?;
        header_close(w, "SupportedCWMPVersions");
    }
    if let Some(v) = h.use_cwmp_version {
        header_entry(w, "UseCWMPVersion", "1");
        w.text("UseCWMPVersion", v)?;
        header_close(w, "UseCWMPVersion");
    }
    w.raw("</SOAP-ENV:Header>");
    Ok(())
}

/// The namespace of `e`, as the validating pass resolved it (the pass
/// rejects a document with more named elements than the index holds).
fn ns_of<'a>(e: &Elem<'a>, ends: &ElementIndex<'a>) -> Result<Option<&'a str>, DecodeError> {
    ends.ns(e.offset()).ok_or_else(|| malformed(e.offset(), "Envelope"))
}

fn not_env(offset: usize, what: &'static str) -> DecodeError {
    DecodeError::new(offset, DecodeErrorKind::NotEnvelope(what))
}

/// Offset of the root element's `<`, after the prolog.
fn root_offset(doc: &str) -> Option<usize> {
    let b = doc.as_bytes();
    let mut i = 0usize;
    loop {
        let off = memchr::memchr(b'<', b.get(i..)?)?;
        let at = i + off;
        match b.get(at + 1)? {
            b'?' => i = at + doc.get(at..)?.find("?>")? + 2,
            b'!' => i = at + doc.get(at..)?.find('>')? + 1,
            _ => return Some(at),
        }
    }
}

pub(crate) fn decode_document<'a>(
    doc: &'a str,
    role: Option<Role>,
    opts: &DecodeOptions,
    ends: &ElementIndex<'a>,
) -> Result<Envelope<'a>, DecodeError> {
    let at = root_offset(doc).ok_or_else(|| not_env(0, "no root element"))?;
    let env = parse_element_indexed(doc, at, ends).ok_or_else(|| not_env(at, "unterminated root element"))?;
    if env.local() != "Envelope" || ns_of(&env, ends)? != Some(SOAP_ENV) {
        return Err(not_env(at, "the root is not a SOAP 1.1 Envelope"));
    }
    let mut header_el = None;
    let mut body_el = None;
    for c in children_indexed(&env, ends) {
        if ns_of(&c, ends)? != Some(SOAP_ENV) {
            opts.allow(Quirk::ForeignEnvelopeChild, "Envelope", c.offset())?;
            continue;
        }
        match c.local() {
            "Header" if header_el.is_none() => header_el = Some(c),
            "Body" if body_el.is_none() => body_el = Some(c),
            _ => {}
        }
    }
    let body_el = body_el.ok_or_else(|| DecodeError::new(env.offset(), DecodeErrorKind::Missing { field: "Body" }))?;
    if env.attr("encodingStyle").is_some() {
        opts.allow(Quirk::EncodingStyleOnEnvelope, "Envelope", env.offset())?;
    }
    let mut ns_version: Option<CwmpVersion> = None;
    let mut header = Header::default();
    if let Some(h) = header_el {
        for entry in children_indexed(&h, ends) {
            let ns = ns_of(&entry, ends)?;
            let Some(v) = ns.and_then(CwmpVersion::from_namespace) else {
                if must_understand(&entry) {
                    return Err(DecodeError::new(entry.offset(), DecodeErrorKind::MustUnderstand));
                }
                continue;
            };
            ns_version.get_or_insert(v);
            decode_header_entry(&entry, &mut header, opts)?;
        }
    } else {
        opts.allow(Quirk::NoHeaderId, "Header", env.offset())?;
    }
    if header.id.is_none() {
        opts.allow(Quirk::NoHeaderId, "ID", env.offset())?;
    }
    let first = children_indexed(&body_el, ends)
        .next()
        .ok_or_else(|| DecodeError::new(body_el.offset(), DecodeErrorKind::Missing { field: "Body content" }))?;
    let first_ns = ns_of(&first, ends)?;
    let body = if first.local() == "Fault" && first_ns == Some(SOAP_ENV) {
        let (fault, v) = decode_fault(&first, ends, opts)?;
        if let Some(v) = v {
            ns_version = Some(v);
        }
        Body::Fault(fault)
    } else {
        let v = first_ns.and_then(CwmpVersion::from_namespace).ok_or_else(|| {
            DecodeError::new(
                first.offset(),
                DecodeErrorKind::MethodNotSupported { what: "a method outside every cwmp namespace" },
            )
        })?;
        ns_version = Some(v);
        match Method::from_name(first.local()) {
            Some(m) => {
                if let Some(role) = role {
                    let ok = matches!(
                        (m.sent_by(), role),
                        (SentBy::Both, _) | (SentBy::Acs, Role::Cpe) | (SentBy::Cpe, Role::Acs)
                    );
                    if !ok {
                        return Err(DecodeError::new(
                            first.offset(),
                            DecodeErrorKind::MethodNotSupported { what: "a method the peer never sends" },
                        ));
                    }
                }
                match Rpc::decode_args(
                    m,
                    &first,
                    &DecodeOptions { namespace: opts.namespace.or(Some(v)), ..*opts },
                    ends,
                ) {
                    Ok(rpc) => Body::Rpc(rpc),
                    Err(error) if opts.accepts(Quirk::InvalidArguments) => {
                        Body::Rpc(Rpc::Invalid(crate::rpc::InvalidRpc { method: m, error, body: first.content() }))
                    }
                    Err(e) => return Err(e),
                }
            }
            None => {
                let (start, _) = first.content_range();
                Body::Rpc(Rpc::Unknown(crate::rpc::UnknownRpc {
                    name: first.local(),
                    namespace: first_ns.unwrap_or(""),
                    body: first.content(),
                    offset: start,
                }))
            }
        }
    };
    let base = ns_version
        .or_else(|| {
            env.attrs().filter(|(n, _)| n.starts_with("xmlns")).find_map(|(_, v)| CwmpVersion::from_namespace(v))
        })
        .ok_or_else(|| not_env(env.offset(), "no cwmp namespace anywhere"))?;
    Ok(Envelope { version: detect_version(base, &header), header, body })
}

/// Refines a version read from a namespace with the header entries that
/// only later versions define.
pub fn detect_version(ns_version: CwmpVersion, h: &Header<'_>) -> CwmpVersion {
    if ns_version != CwmpVersion::V1_2 {
        return ns_version;
    }
    if let Some(v) = h.use_cwmp_version.and_then(|t| t.as_borrowed()).and_then(CwmpVersion::parse) {
        return v.max(CwmpVersion::V1_2);
    }
    if h.supported_cwmp_versions.is_some() {
        return CwmpVersion::V1_4;
    }
    if h.session_timeout.is_some() {
        return CwmpVersion::V1_3;
    }
    CwmpVersion::V1_2
}

/// The header entry carries `mustUnderstand="1"` (SOAP 1.1 §4.2.3; `true`,
/// the XML Schema boolean some stacks write, counts too).
fn must_understand(e: &Elem<'_>) -> bool {
    matches!(e.attr("mustUnderstand").map(str::trim), Some("1" | "true"))
}

fn decode_header_entry<'a>(e: &Elem<'a>, h: &mut Header<'a>, opts: &DecodeOptions) -> Result<(), DecodeError> {
    let name = e.local();
    let mu = e.attr("mustUnderstand").map(str::trim);
    match name {
        "ID" => h.id = Some(e.text("ID")?),
        "HoldRequests" => h.hold_requests = Some(bool::decode_field(e, Some(*e), "HoldRequests", &NONE, opts)?),
        "NoMoreRequests" => {
            if mu != Some("1") {
                opts.allow(Quirk::NoMoreRequestsMustUnderstand, "NoMoreRequests", e.offset())?;
            }
            h.no_more_requests = Some(bool::decode_field(e, Some(*e), "NoMoreRequests", &NONE, opts)?)
        }
        "SessionTimeout" => h.session_timeout = Some(u32::decode_field(e, Some(*e), "SessionTimeout", &NONE, opts)?),
        "SupportedCWMPVersions" => h.supported_cwmp_versions = Some(e.text("SupportedCWMPVersions")?),
        "UseCWMPVersion" => h.use_cwmp_version = Some(e.text("UseCWMPVersion")?),
        _ if must_understand(e) => return Err(DecodeError::new(e.offset(), DecodeErrorKind::MustUnderstand)),
        _ => {}
    }
    Ok(())
}

fn decode_fault<'a>(
    f: &Elem<'a>,
    ends: &ElementIndex<'a>,
    opts: &DecodeOptions,
) -> Result<(Fault<'a>, Option<CwmpVersion>), DecodeError> {
    let code_el = f
        .child("faultcode")
        .ok_or_else(|| DecodeError::new(f.offset(), DecodeErrorKind::Missing { field: "faultcode" }))?;
    let code = code_el.text("faultcode")?;
    let code_s = code.trimmed_borrowed().unwrap_or("");
    let local = code_s.rsplit_once(':').map_or(code_s, |(_, l)| l);
    let faultcode = match local {
        "Client" => SoapFaultCode::Client,
        "Server" => SoapFaultCode::Server,
        _ => {
            return Err(DecodeError::new(
                code_el.offset(),
                DecodeErrorKind::Invalid { field: "faultcode", reason: "neither Client nor Server" },
            ));
        }
    };
    if !code_s.contains(':') {
        opts.allow(Quirk::UnprefixedFaultcode, "faultcode", code_el.offset())?;
    }
    let faultstring = match f.child("faultstring") {
        Some(e) => e.text("faultstring")?,
        None => Text::Xml(""),
    };
    let detail =
        f.child("detail").ok_or_else(|| DecodeError::new(f.offset(), DecodeErrorKind::Missing { field: "detail" }))?;
    let cf = detail
        .child("Fault")
        .ok_or_else(|| DecodeError::new(detail.offset(), DecodeErrorKind::Missing { field: "cwmp:Fault" }))?;
    let v = ns_of(&cf, ends)?.and_then(CwmpVersion::from_namespace);
    let detail = CwmpFault::decode_fields(&cf, &DecodeOptions { namespace: opts.namespace.or(v), ..*opts })?;
    Ok((Fault { faultcode, faultstring, detail }, v))
}
