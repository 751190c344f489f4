//! XMPP connection requests (TR-069 Annex K): the `connectionRequest` IQ in
//! `urn:broadband-forum-org:cwmp:xmppConnReq-1-0`, both ends.
//!
//! The XMPP stream itself — TCP, TLS, SASL, resource binding, roster,
//! presence — is the caller's: any XMPP client library delivers stanzas.
//! The caller hands each `<iq>` stanza it receives (as bytes, e.g. the
//! element serialised by a std client such as `xmpp-rs`/`tokio-xmpp`) to
//! [`XmppHandler::handle`], sends back the reply IQ written into its
//! buffer, and starts a session when the [`SessionTrigger`] says so.
//!
//! ```text
//! XMPP client (caller) ──iq bytes──▶ XmppHandler::handle ──reply bytes──▶ XMPP client
//!                                          │
//!                                          └─▶ SessionTrigger::poll_session → CPE session
//! ```
//!
//! Checks, in order: the sender against `ConnReqAllowedJabberIDs` (empty
//! list: everyone; a bare JID matches any resource, a full JID exactly) →
//! `service-unavailable`; the payload namespace → `service-unavailable`;
//! the credentials (compared in constant time after padding, unknown user
//! like wrong password) → `not-authorized`; then the rate limit
//! (authenticated requests only) → `service-unavailable`. Success is an
//! empty `result` IQ. Error replies never echo the payload (it holds the
//! password).
//!
//! [`ConnectionRequestIq`] is the ACS side's builder: written with the
//! escaping-by-construction writer of `cwmp-soap`, so no value can inject
//! markup; strings XML cannot carry are an error.

use cwmp_core::{Instant, Limits};
use cwmp_soap::EncodeError;
use cwmp_soap::text::Text;
use cwmp_soap::writer::Writer;
use cwmp_soap::xml::{self, Event, Options, Reader, StartTag, XmlError};

use super::{Admission, RateLimit, SessionTrigger};
use crate::auth::verifier::secret_eq;

/// The payload namespace.
pub const NS: &str = "urn:broadband-forum-org:cwmp:xmppConnReq-1-0";
/// The XMPP client stream namespace (stanzas may carry it or none).
pub const JABBER_CLIENT: &str = "jabber:client";
const STANZAS: &str = "urn:ietf:params:xml:ns:xmpp-stanzas";
/// Longest JID compared against the allowed list (RFC 7622: 3071 bytes;
/// longer senders are not allowed when a list is configured).
pub const MAX_JID_LEN: usize = 512;

/// Why an IQ could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum XmppError {
    /// Not well-formed XML, or over a limit (the tokenizer says where).
    #[error("IQ is not well-formed: {0}")]
    Xml(XmlError),
    /// Well-formed but not an IQ of the expected shape, at byte `at`.
    #[error("unexpected IQ content at byte {at}: {what}")]
    Shape {
        /// Offset in the stanza.
        at: usize,
        /// What was expected.
        what: &'static str,
    },
}

impl From<XmlError> for XmppError {
    fn from(e: XmlError) -> Self {
        XmppError::Xml(e)
    }
}

/// The payload of an IQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// `connectionRequest` in [`NS`] with its credentials (raw XML text;
    /// `None`: empty element).
    ConnectionRequest {
        /// `username`.
        username: Option<xml::Text<'a>>,
        /// `password`.
        password: Option<xml::Text<'a>>,
    },
    /// Another child element (e.g. `connectionRequest` in another namespace).
    Other {
        /// Its namespace.
        ns: Option<&'a str>,
    },
    /// No child element (`result` IQs).
    None,
}

/// A parsed IQ stanza.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Iq<'a> {
    /// `type`.
    pub kind: &'a str,
    /// `id` (raw attribute text).
    pub id: Option<xml::Text<'a>>,
    /// `from` (raw attribute text).
    pub from: Option<xml::Text<'a>>,
    /// `to` (raw attribute text).
    pub to: Option<xml::Text<'a>>,
    /// The payload.
    pub payload: Payload<'a>,
    /// The error condition of a `type="error"` IQ (its local name).
    pub error: Option<&'a str>,
}

type IqReader = Reader<8, 8, 8>;

fn attr<'a>(t: &StartTag<'a>, r: &IqReader, name: &str) -> Result<Option<xml::Text<'a>>, XmppError> {
    Ok(t.attribute(r, None, name)?)
}

/// Parses one `<iq>` stanza (complete bytes).
pub fn parse_iq(input: &[u8]) -> Result<Iq<'_>, XmppError> {
    let limits = Limits { max_depth: 6, ..Limits::DEFAULT };
    // White-space text is reported: a password may be spaces.
    let mut r = IqReader::new(&limits, Options::STRICT.with_whitespace_text(true));
    let (root, empty) = match r.next_complete(input)?.event() {
        Some(Event::Start(t)) => (t, false),
        Some(Event::Empty(t)) => (t, true),
        _ => return Err(XmppError::Shape { at: 0, what: "<iq>" }),
    };
    let name = root.name();
    if name.local() != "iq" || !matches!(name.ns(), None | Some(JABBER_CLIENT)) {
        return Err(XmppError::Shape { at: root.offset(), what: "<iq>" });
    }
    let kind = attr(&root, &r, "type")?.and_then(|t| t.as_plain()).unwrap_or("");
    let mut iq = Iq {
        kind,
        id: attr(&root, &r, "id")?,
        from: attr(&root, &r, "from")?,
        to: attr(&root, &r, "to")?,
        payload: Payload::None,
        error: None,
    };
    if empty {
        return Ok(iq);
    }
    loop {
        let ev = r.next_complete(input)?;
        let Some(ev) = ev.event() else { return Ok(iq) };
        match ev {
            Event::End(_) if r.depth() == 0 => return Ok(iq),
            // Children are read to their end below: every tag here is one.
            Event::Start(t) | Event::Empty(t) => {
                let n = t.name();
                let is_empty = matches!(ev, Event::Empty(_));
                if n.local() == "error" && iq.kind == "error" {
                    if !is_empty {
                        iq.error = read_error(&mut r, input)?;
                    }
                } else if matches!(iq.payload, Payload::None) {
                    iq.payload = if n.is(NS, "connectionRequest") {
                        if is_empty {
                            return Err(XmppError::Shape { at: t.offset(), what: "username" });
                        }
                        read_credentials(&mut r, input)?
                    } else {
                        if !is_empty {
                            r.skip_element_complete(input)?;
                        }
                        Payload::Other { ns: n.ns() }
                    };
                } else {
                    return Err(XmppError::Shape { at: t.offset(), what: "one payload element" });
                }
            }
            Event::Text(t) if !t.is_whitespace() => return Err(XmppError::Shape { at: t.offset(), what: "element" }),
            _ => {}
        }
    }
}

/// `<username>…</username><password>…</password></connectionRequest>`.
fn read_credentials<'a>(r: &mut IqReader, input: &'a [u8]) -> Result<Payload<'a>, XmppError> {
    let mut values: [Option<xml::Text<'a>>; 2] = [None, None];
    for (i, want) in ["username", "password"].into_iter().enumerate() {
        let ev = next_element(r, input)?;
        let (t, empty) = match ev {
            Event::Start(t) => (t, false),
            Event::Empty(t) => (t, true),
            _ => return Err(XmppError::Shape { at: ev.offset(), what: want }),
        };
        if !t.name().is(NS, want) {
            return Err(XmppError::Shape { at: t.offset(), what: want });
        }
        if !empty {
            match r.next_complete(input)?.event() {
                Some(Event::Text(x) | Event::CData(x)) => {
                    if let Some(slot) = values.get_mut(i) {
                        *slot = Some(x);
                    }
                    match r.next_complete(input)?.event() {
                        Some(Event::End(_)) => {}
                        other => return Err(shape(other, "end of value")),
                    }
                }
                Some(Event::End(_)) => {}
                other => return Err(shape(other, "text")),
            }
        }
    }
    match next_element(r, input)? {
        Event::End(_) => {}
        ev => return Err(XmppError::Shape { at: ev.offset(), what: "</connectionRequest>" }),
    }
    let [username, password] = values;
    Ok(Payload::ConnectionRequest { username, password })
}

fn shape(ev: Option<Event<'_>>, what: &'static str) -> XmppError {
    XmppError::Shape { at: ev.map_or(0, |e| e.offset()), what }
}

/// The next event that is not white-space text.
fn next_element<'a>(r: &mut IqReader, input: &'a [u8]) -> Result<Event<'a>, XmppError> {
    super::next_element(r, input)?.ok_or(XmppError::Shape { at: input.len(), what: "element" })
}

/// The defined condition inside `<error>`.
fn read_error<'a>(r: &mut IqReader, input: &'a [u8]) -> Result<Option<&'a str>, XmppError> {
    let mut found = None;
    loop {
        match next_element(r, input)? {
            Event::End(_) => return Ok(found),
            Event::Empty(t) if t.name().ns() == Some(STANZAS) && t.name().local() != "text" => {
                found = Some(t.name().local());
            }
            Event::Start(t) => {
                if t.name().ns() == Some(STANZAS) && t.name().local() != "text" {
                    found = Some(t.name().local());
                }
                r.skip_element_complete(input)?;
            }
            _ => {}
        }
    }
}

/// Settings of the CPE's XMPP connection-request handler.
#[derive(Debug, Clone, Copy)]
pub struct XmppConfig<'a> {
    /// `ConnectionRequestUsername`.
    pub username: &'a str,
    /// `ConnectionRequestPassword` (empty: every request is refused).
    pub password: &'a str,
    /// `ConnReqAllowedJabberIDs` (empty: everyone).
    pub allowed_jids: &'a [&'a str],
    /// Rate limit on authenticated requests.
    pub rate: RateLimit,
}

/// What the handler made of a stanza.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmppOutcome {
    /// Authenticated: `result` written; a session starts
    /// ([`SessionTrigger::poll_session`]).
    Accepted,
    /// Authenticated during a session: `result` written, one follow-up owed.
    FollowUp,
    /// Authenticated but over the rate limit: `service-unavailable` written.
    RateLimited,
    /// Wrong credentials: `not-authorized` written.
    NotAuthorized,
    /// Sender not allowed, or not our payload: `service-unavailable` written.
    ServiceUnavailable,
    /// Not a request (`result`/`error` IQ): nothing written, nothing to send.
    Ignored,
    /// Not a readable IQ: nothing written (the stream layer decides).
    Malformed(XmppError),
}

/// The CPE side. Stateless apart from the shared [`SessionTrigger`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct XmppHandler;

impl XmppHandler {
    /// Handles one IQ stanza, writing the reply into `out`; returns the
    /// outcome and the reply length (0: send nothing).
    pub fn handle(
        cfg: &XmppConfig<'_>,
        trigger: &mut SessionTrigger,
        now: Instant,
        stanza: &[u8],
        out: &mut [u8],
    ) -> Result<(XmppOutcome, usize), EncodeError> {
        let iq = match parse_iq(stanza) {
            Ok(iq) => iq,
            Err(e) => return Ok((XmppOutcome::Malformed(e), 0)),
        };
        if !matches!(iq.kind, "get" | "set") {
            return Ok((XmppOutcome::Ignored, 0));
        }
        let outcome = if !sender_allowed(cfg.allowed_jids, iq.from) {
            XmppOutcome::ServiceUnavailable
        } else {
            match iq.payload {
                Payload::ConnectionRequest { username, password } => {
                    let user_ok = credential_eq(username, cfg.username);
                    let pass_ok = credential_eq(password, cfg.password);
                    if !(user_ok & pass_ok & !cfg.password.is_empty()) {
                        XmppOutcome::NotAuthorized
                    } else {
                        match trigger.admit(&cfg.rate, now, false) {
                            Admission::Start => XmppOutcome::Accepted,
                            Admission::FollowUp => XmppOutcome::FollowUp,
                            Admission::RateLimited => XmppOutcome::RateLimited,
                        }
                    }
                }
                Payload::Other { .. } | Payload::None => XmppOutcome::ServiceUnavailable,
            }
        };
        let condition = match outcome {
            XmppOutcome::NotAuthorized => Some("not-authorized"),
            XmppOutcome::ServiceUnavailable | XmppOutcome::RateLimited => Some("service-unavailable"),
            _ => None,
        };
        let n = write_reply(&iq, condition, out)?;
        Ok((outcome, n))
    }
}

/// `text` (raw XML) decodes to `want`, compared in constant time.
fn credential_eq(text: Option<xml::Text<'_>>, want: &str) -> bool {
    let mut buf = [0u8; crate::auth::verifier::MAX_SECRET_LEN];
    let given = match text {
        None => Some(""),
        Some(t) => t.unescape_into(&mut buf).ok(),
    };
    given.is_some_and(|g| secret_eq(g.as_bytes(), want.as_bytes()))
}

/// The sender is in the allowed list (or the list is empty).
fn sender_allowed(allowed: &[&str], from: Option<xml::Text<'_>>) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let mut buf = [0u8; MAX_JID_LEN];
    let Some(from) = from.and_then(|f| f.unescape_into(&mut buf).ok()) else {
        return false;
    };
    allowed.iter().any(|a| jid_matches(a, from))
}

/// A full JID (`local@domain/resource`) matches exactly; a bare JID matches
/// any resource. Local part and domain compare ASCII case-insensitively
/// (RFC 7622 case-folds them), the resource exactly.
pub fn jid_matches(allowed: &str, from: &str) -> bool {
    let (a_bare, a_res) = allowed.split_once('/').map_or((allowed, None), |(b, r)| (b, Some(r)));
    let (f_bare, f_res) = from.split_once('/').map_or((from, None), |(b, r)| (b, Some(r)));
    a_bare.eq_ignore_ascii_case(f_bare) && (a_res.is_none() || a_res == f_res)
}

fn write_attr(w: &mut Writer<'_>, name: &'static str, v: Option<Text<'_>>) -> Result<(), EncodeError> {
    if let Some(v) = v {
        w.raw(" ");
        w.raw(name);
        w.raw("=\"");
        w.attr_value(name, v)?;
        w.raw("\"");
    }
    Ok(())
}

fn echo<'a>(t: Option<xml::Text<'a>>) -> Option<Text<'a>> {
    t.map(|t| Text::xml(t.raw()))
}

/// The reply to `iq`: `result`, or `error` with `condition` (type cancel).
fn write_reply(iq: &Iq<'_>, condition: Option<&str>, out: &mut [u8]) -> Result<usize, EncodeError> {
    let mut w = Writer::new(out);
    w.raw("<iq type=\"");
    w.raw(if condition.is_some() { "error" } else { "result" });
    w.raw("\"");
    write_attr(&mut w, "id", echo(iq.id))?;
    write_attr(&mut w, "from", echo(iq.to))?;
    write_attr(&mut w, "to", echo(iq.from))?;
    match condition {
        None => w.raw("/>"),
        Some(c) => {
            w.raw("><error type=\"cancel\"><");
            w.raw(c);
            w.raw(" xmlns=\"");
            w.raw(STANZAS);
            w.raw("\"/></error></iq>");
        }
    }
    w.finish()
}

/// The ACS side: a `connectionRequest` IQ (`type="get"`).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionRequestIq<'a> {
    /// Stanza `id`.
    pub id: &'a str,
    /// The ACS's JID.
    pub from: &'a str,
    /// The CPE's `ConnReqJabberID`.
    pub to: &'a str,
    /// `ConnectionRequestUsername`.
    pub username: &'a str,
    /// `ConnectionRequestPassword`.
    pub password: &'a str,
}

impl ConnectionRequestIq<'_> {
    /// Writes the IQ; every value escaped (an error for characters XML
    /// cannot carry).
    pub fn write(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut w = Writer::new(out);
        w.raw("<iq type=\"get\"");
        for (name, v) in [("id", self.id), ("from", self.from), ("to", self.to)] {
            write_attr(&mut w, name, Some(Text::plain(v)))?;
        }
        w.raw(">");
        self.write_payload(&mut w)?;
        w.raw("</iq>");
        w.finish()
    }

    /// Writes just the `connectionRequest` element (what the schema
    /// describes).
    pub fn write_payload(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.raw("<connectionRequest xmlns=\"");
        w.raw(NS);
        w.raw("\">");
        w.simple("username", Text::plain(self.username))?;
        w.simple("password", Text::plain(self.password))?;
        w.raw("</connectionRequest>");
        Ok(())
    }
}
