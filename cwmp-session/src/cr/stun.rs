//! STUN for UDP connection requests (TR-111 Part 2, TR-069 Annex G): the
//! CPE's binding client and the ACS side's reading of its requests.
//!
//! Classic STUN (RFC 3489) as TR-111 asks, with the RFC 5389 magic cookie
//! understood (its `XOR-MAPPED-ADDRESS` is read when a server sends it).
//! The CPE sends Binding Requests from its UDP connection-request port with
//! `CONNECTION-REQUEST-BINDING` (0xC001, value `"dslforum.org/TR-111 "`,
//! 20 bytes with the trailing space); the first request after its mapped
//! address changed also carries `BINDING-CHANGE` (0xC002, empty). With a
//! STUN user name configured, `USERNAME` and `MESSAGE-INTEGRITY` (RFC 3489
//! §11.2.8: HMAC-SHA1 keyed by the STUN password over the message up to the
//! attribute, zero-padded to a multiple of 64 bytes) are added.
//!
//! [`StunClient`] is Sans-IO: [`poll_transmit`](StunClient::poll_transmit)
//! writes the next request when due (keep-alive period, RFC 3489
//! retransmissions at 100 ms doubling to 1.6 s, 9 sends at most),
//! [`handle_response`](StunClient::handle_response) reads a response, and
//! [`poll_timeout`](StunClient::poll_timeout) says when to call again.
//! [`classify`] tells STUN messages and UDP connection requests apart on
//! the shared socket by their content.
//!
//! Limits: IPv4 mapped addresses only (classic STUN); attribute values we
//! write are zero-padded to 4 bytes with the padding counted in the length
//! (RFC 3489 wants multiples of 4), and a USERNAME read loses trailing zero
//! bytes. A Binding Error Response (e.g. 401) is reported, not retried.

use core::net::{Ipv4Addr, SocketAddrV4};

use cwmp_core::{Duration, Instant};
use hmac::Mac;

use super::hmac_sha1;
use crate::auth::hash::ct_eq;

/// The value of `CONNECTION-REQUEST-BINDING` (TR-111), trailing space included.
pub const TR111_BINDING: &[u8; 20] = b"dslforum.org/TR-111 ";
/// RFC 5389 magic cookie (bytes 4..8 of the header).
pub const MAGIC_COOKIE: u32 = 0x2112_A442;

/// STUN attribute types used here.
pub mod attr {
    /// MAPPED-ADDRESS.
    pub const MAPPED_ADDRESS: u16 = 0x0001;
    /// USERNAME.
    pub const USERNAME: u16 = 0x0006;
    /// MESSAGE-INTEGRITY.
    pub const MESSAGE_INTEGRITY: u16 = 0x0008;
    /// ERROR-CODE.
    pub const ERROR_CODE: u16 = 0x0009;
    /// XOR-MAPPED-ADDRESS (RFC 5389).
    pub const XOR_MAPPED_ADDRESS: u16 = 0x0020;
    /// CONNECTION-REQUEST-BINDING (TR-111).
    pub const CONNECTION_REQUEST_BINDING: u16 = 0xC001;
    /// BINDING-CHANGE (TR-111).
    pub const BINDING_CHANGE: u16 = 0xC002;
}

const BINDING_REQUEST: u16 = 0x0001;
const BINDING_RESPONSE: u16 = 0x0101;
const BINDING_ERROR: u16 = 0x0111;
const HEADER: usize = 20;

/// Why a STUN message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum StunError {
    /// Not a STUN message, or its framing is wrong at byte `at`.
    #[error("malformed STUN message at byte {at}: {what}")]
    Malformed {
        /// Offset in the datagram.
        at: usize,
        /// What was expected.
        what: &'static str,
    },
    /// A response to a transaction we did not start (or no longer wait for).
    #[error("STUN transaction ID does not match")]
    WrongTransaction,
    /// `MESSAGE-INTEGRITY` missing where required, or wrong.
    #[error("STUN message integrity check failed")]
    Integrity,
    /// The output buffer is too small.
    #[error("STUN output buffer too small")]
    BufferFull,
}

/// What a datagram on the connection-request socket is, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DatagramKind {
    /// A STUN message (two leading zero bits, length field matching).
    Stun,
    /// Starts like an HTTP request: a UDP connection request.
    ConnectionRequest,
    /// Neither: drop it.
    Other,
}

/// Classifies a datagram received on the UDP connection-request port.
pub fn classify(d: &[u8]) -> DatagramKind {
    if d.starts_with(b"GET ") {
        return DatagramKind::ConnectionRequest;
    }
    let stun = match d {
        [t0, _, l0, l1, ..] if t0 & 0xC0 == 0 && d.len() >= HEADER => {
            usize::from(u16::from_be_bytes([*l0, *l1])) == d.len() - HEADER
        }
        _ => false,
    };
    if stun { DatagramKind::Stun } else { DatagramKind::Other }
}

/// One attribute of a parsed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Attr<'a> {
    kind: u16,
    value: &'a [u8],
    /// Offset of the attribute header in the message.
    at: usize,
}

/// A parsed message header and its attributes (borrowed).
#[derive(Debug, Clone, Copy)]
struct Message<'a> {
    kind: u16,
    txid: [u8; 16],
    body: &'a [u8],
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn parse(d: &[u8]) -> Result<Message<'_>, StunError> {
    if classify(d) != DatagramKind::Stun {
        return Err(StunError::Malformed { at: 0, what: "STUN header" });
    }
    let kind = be16(d, 0).unwrap_or(0);
    let mut txid = [0u8; 16];
    txid.copy_from_slice(d.get(4..HEADER).unwrap_or(&[0; 16]));
    let msg = Message { kind, txid, body: d.get(HEADER..).unwrap_or(&[]) };
    // Walk once to check the framing.
    for a in attrs(&msg) {
        a?;
    }
    Ok(msg)
}

/// Attributes in order; RFC 5389 padding to 4 bytes is skipped (RFC 3489
/// values are multiples of 4 already, so both read the same).
fn attrs<'a>(m: &Message<'a>) -> impl Iterator<Item = Result<Attr<'a>, StunError>> + 'a {
    let body = m.body;
    let mut pos = 0usize;
    core::iter::from_fn(move || {
        if pos >= body.len() {
            return None;
        }
        let at = HEADER + pos;
        let (Some(kind), Some(len)) = (be16(body, pos), be16(body, pos + 2)) else {
            pos = body.len();
            return Some(Err(StunError::Malformed { at, what: "attribute header" }));
        };
        let start = pos + 4;
        let end = start + usize::from(len);
        let Some(value) = body.get(start..end) else {
            pos = body.len();
            return Some(Err(StunError::Malformed { at, what: "attribute length" }));
        };
        pos = (end + 3) & !3;
        Some(Ok(Attr { kind, value, at }))
    })
}

fn find<'a>(m: &Message<'a>, kind: u16) -> Option<Attr<'a>> {
    attrs(m).filter_map(Result::ok).find(|a| a.kind == kind)
}

/// An IPv4 transport address from (XOR-)MAPPED-ADDRESS.
fn address(a: &Attr<'_>, txid: &[u8; 16]) -> Option<SocketAddrV4> {
    let v = a.value;
    if v.len() != 8 || v.first() != Some(&0) || v.get(1) != Some(&1) {
        return None;
    }
    let mut port = be16(v, 2)?;
    let mut ip = [*v.get(4)?, *v.get(5)?, *v.get(6)?, *v.get(7)?];
    if a.kind == attr::XOR_MAPPED_ADDRESS {
        port ^= (MAGIC_COOKIE >> 16) as u16;
        for (b, k) in ip.iter_mut().zip(txid.iter()) {
            *b ^= k;
        }
    }
    Some(SocketAddrV4::new(Ipv4Addr::from(ip), port))
}

/// RFC 3489 §11.2.8 MESSAGE-INTEGRITY over `msg` (header, with the length
/// field as sent, and the attributes before it), zero-padded to a multiple
/// of 64 bytes.
fn integrity(key: &[u8], msg: &[u8]) -> [u8; 20] {
    hmac_sha1(key, |mac| {
        mac.update(msg);
        let pad = (64 - msg.len() % 64) % 64;
        mac.update(&[0u8; 64][..pad]);
    })
}

/// Writes messages attribute by attribute, fixing the length at the end.
struct Writer<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> Writer<'b> {
    fn new(buf: &'b mut [u8], kind: u16, txid: &[u8; 16]) -> Result<Writer<'b>, StunError> {
        let mut w = Writer { buf, len: 0 };
        w.put(&kind.to_be_bytes())?;
        w.put(&[0, 0])?;
        w.put(txid)?;
        Ok(w)
    }

    fn put(&mut self, b: &[u8]) -> Result<(), StunError> {
        let end = self.len + b.len();
        self.buf.get_mut(self.len..end).ok_or(StunError::BufferFull)?.copy_from_slice(b);
        self.len = end;
        Ok(())
    }

    /// An attribute; values are zero-padded to 4 bytes and the length
    /// field counts the padding (RFC 3489 wants multiples of 4).
    fn attr(&mut self, kind: u16, value: &[u8]) -> Result<(), StunError> {
        let padded = (value.len() + 3) & !3;
        let len = u16::try_from(padded).map_err(|_| StunError::BufferFull)?;
        self.put(&kind.to_be_bytes())?;
        self.put(&len.to_be_bytes())?;
        self.put(value)?;
        self.put(&[0u8; 3][..padded - value.len()])?;
        self.set_length();
        Ok(())
    }

    fn set_length(&mut self) {
        let body = u16::try_from(self.len - HEADER).unwrap_or(u16::MAX).to_be_bytes();
        if let Some(f) = self.buf.get_mut(2..4) {
            f.copy_from_slice(&body);
        }
    }

    /// MESSAGE-INTEGRITY last: the length field already counts it.
    fn integrity(&mut self, key: &[u8]) -> Result<(), StunError> {
        let body = u16::try_from(self.len - HEADER + 24).map_err(|_| StunError::BufferFull)?;
        self.buf.get_mut(2..4).ok_or(StunError::BufferFull)?.copy_from_slice(&body.to_be_bytes());
        let mac = integrity(key, self.buf.get(..self.len).ok_or(StunError::BufferFull)?);
        self.put(&attr::MESSAGE_INTEGRITY.to_be_bytes())?;
        self.put(&20u16.to_be_bytes())?;
        self.put(&mac)
    }
}

/// Checks `MESSAGE-INTEGRITY` of a parsed message (`d` is the datagram).
fn check_integrity(d: &[u8], m: &Message<'_>, key: &[u8]) -> Result<(), StunError> {
    let a = find(m, attr::MESSAGE_INTEGRITY).ok_or(StunError::Integrity)?;
    let mut got = [0u8; 20];
    if a.value.len() != 20 {
        return Err(StunError::Integrity);
    }
    got.copy_from_slice(a.value);
    let want = integrity(key, d.get(..a.at).ok_or(StunError::Integrity)?);
    if ct_eq(&got, &want) { Ok(()) } else { Err(StunError::Integrity) }
}

/// Settings of the CPE's STUN client (`ManagementServer.STUN*`).
#[derive(Debug, Clone, Copy)]
pub struct StunConfig<'a> {
    /// `STUNUsername`; empty: no USERNAME / MESSAGE-INTEGRITY.
    pub username: &'a str,
    /// `STUNPassword`.
    pub password: &'a str,
    /// `STUNMaximumKeepAlivePeriod`: seconds between Binding Requests.
    pub keep_alive: Duration,
}

/// What a response told the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingEvent {
    /// Same public binding as before.
    Unchanged,
    /// A new (or first) public binding: report `UDPConnectionRequestAddress`
    /// = `address` and `NATDetected` = `nat_detected`; the next request
    /// carries BINDING-CHANGE.
    Changed {
        /// The mapped (public) address and port.
        address: SocketAddrV4,
        /// The mapped address differs from the local one.
        nat_detected: bool,
    },
    /// The server answered with an error (`code`, e.g. 401).
    Error {
        /// The STUN error code (class × 100 + number).
        code: u16,
    },
}

// defmt has no `Format` for `core::net` addresses: written out here.
#[cfg(feature = "defmt")]
impl defmt::Format for BindingEvent {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            BindingEvent::Unchanged => defmt::write!(f, "Unchanged"),
            BindingEvent::Changed { address, nat_detected } => {
                let [a, b, c, d] = address.ip().octets();
                defmt::write!(
                    f,
                    "Changed {{ address: {}.{}.{}.{}:{}, nat_detected: {} }}",
                    a,
                    b,
                    c,
                    d,
                    address.port(),
                    nat_detected
                )
            }
            BindingEvent::Error { code } => defmt::write!(f, "Error {{ code: {} }}", code),
        }
    }
}

/// The CPE's STUN binding client. Plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StunClient {
    local: SocketAddrV4,
    txid: Option<[u8; 16]>,
    sends: u8,
    next: Instant,
    binding: Option<SocketAddrV4>,
    changed: bool,
}

/// Sends of one transaction (RFC 3489 §9.3).
const MAX_SENDS: u8 = 9;

impl StunClient {
    /// A client bound to `local` (the UDP connection-request socket's
    /// address), first request due at `now`.
    pub fn new(local: SocketAddrV4, now: Instant) -> StunClient {
        StunClient { local, txid: None, sends: 0, next: now, binding: None, changed: false }
    }

    /// The public binding learned so far.
    pub fn binding(&self) -> Option<SocketAddrV4> {
        self.binding
    }

    /// When to call [`poll_transmit`](Self::poll_transmit) next.
    pub fn poll_timeout(&self) -> Instant {
        self.next
    }

    /// Writes a Binding Request into `out` when one is due at `now` (a
    /// keep-alive, or a retransmission); `random` is a fresh transaction ID
    /// (its first 4 bytes are replaced by the magic cookie). Returns the
    /// length, or `None` when nothing is due.
    pub fn poll_transmit(
        &mut self,
        cfg: &StunConfig<'_>,
        now: Instant,
        random: &[u8; 16],
        out: &mut [u8],
    ) -> Result<Option<usize>, StunError> {
        if now < self.next {
            return Ok(None);
        }
        if self.txid.is_some() && self.sends >= MAX_SENDS {
            // Transaction failed: wait for the next keep-alive.
            self.txid = None;
            self.sends = 0;
            self.next = now.checked_add(cfg.keep_alive).unwrap_or(now);
            return Ok(None);
        }
        let txid = *self.txid.get_or_insert_with(|| {
            let mut t = *random;
            t[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
            t
        });
        let mut w = Writer::new(out, BINDING_REQUEST, &txid)?;
        w.attr(attr::CONNECTION_REQUEST_BINDING, TR111_BINDING)?;
        if self.changed {
            w.attr(attr::BINDING_CHANGE, &[])?;
        }
        if !cfg.username.is_empty() {
            w.attr(attr::USERNAME, cfg.username.as_bytes())?;
            w.integrity(cfg.password.as_bytes())?;
        }
        let len = w.len;
        // RFC 3489: 100 ms, doubling, capped at 1.6 s.
        let rto = 100u64 << self.sends.min(4);
        self.sends += 1;
        self.next = now.checked_add(Duration::from_millis(rto)).unwrap_or(now);
        Ok(Some(len))
    }

    /// Reads a datagram classified as [`DatagramKind::Stun`].
    pub fn handle_response(&mut self, cfg: &StunConfig<'_>, now: Instant, d: &[u8]) -> Result<BindingEvent, StunError> {
        let m = parse(d)?;
        if Some(m.txid) != self.txid {
            return Err(StunError::WrongTransaction);
        }
        if !cfg.username.is_empty() && m.kind == BINDING_RESPONSE {
            check_integrity(d, &m, cfg.password.as_bytes())?;
        }
        let event = match m.kind {
            BINDING_RESPONSE => {
                let mapped = find(&m, attr::XOR_MAPPED_ADDRESS)
                    .filter(|_| m.txid[..4] == MAGIC_COOKIE.to_be_bytes())
                    .or_else(|| find(&m, attr::MAPPED_ADDRESS))
                    .and_then(|a| address(&a, &m.txid))
                    .ok_or(StunError::Malformed { at: HEADER, what: "MAPPED-ADDRESS" })?;
                self.changed = false;
                if self.binding == Some(mapped) {
                    BindingEvent::Unchanged
                } else {
                    let first = self.binding.is_none();
                    self.binding = Some(mapped);
                    // A change after the first binding is announced once.
                    self.changed = !first;
                    BindingEvent::Changed { address: mapped, nat_detected: mapped != self.local }
                }
            }
            BINDING_ERROR => {
                let code = find(&m, attr::ERROR_CODE)
                    .and_then(|a| Some(u16::from(*a.value.get(2)? & 7) * 100 + u16::from(*a.value.get(3)?)))
                    .unwrap_or(0);
                BindingEvent::Error { code }
            }
            _ => return Err(StunError::Malformed { at: 0, what: "Binding Response" }),
        };
        self.txid = None;
        self.sends = 0;
        self.next = now.checked_add(cfg.keep_alive).unwrap_or(now);
        // After a change the server must learn it without waiting a period.
        if self.changed {
            self.next = now;
        }
        Ok(event)
    }
}

/// A CPE's Binding Request as the ACS's STUN server reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BindingRequest<'a> {
    /// Transaction ID (echo it in the response).
    pub txid: [u8; 16],
    /// `CONNECTION-REQUEST-BINDING` with the TR-111 value is present: the
    /// request's source address is the CPE's UDP connection-request address.
    pub connection_request_binding: bool,
    /// `BINDING-CHANGE` is present: the binding changed since the last one.
    pub binding_change: bool,
    /// `USERNAME` (padding removed), identifying the CPE.
    pub username: Option<&'a [u8]>,
    /// `MESSAGE-INTEGRITY` is present (check with [`BindingRequest::verify`]).
    pub has_integrity: bool,
}

impl BindingRequest<'_> {
    /// Parses a Binding Request.
    pub fn parse(d: &[u8]) -> Result<BindingRequest<'_>, StunError> {
        let m = parse(d)?;
        if m.kind != BINDING_REQUEST {
            return Err(StunError::Malformed { at: 0, what: "Binding Request" });
        }
        let crb = find(&m, attr::CONNECTION_REQUEST_BINDING);
        Ok(BindingRequest {
            txid: m.txid,
            connection_request_binding: crb.is_some_and(|a| a.value == TR111_BINDING),
            binding_change: find(&m, attr::BINDING_CHANGE).is_some(),
            username: find(&m, attr::USERNAME).map(|a| {
                let end = a.value.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
                a.value.get(..end).unwrap_or(&[])
            }),
            has_integrity: find(&m, attr::MESSAGE_INTEGRITY).is_some(),
        })
    }

    /// Checks the request's `MESSAGE-INTEGRITY` with the CPE's STUN password.
    pub fn verify(d: &[u8], password: &[u8]) -> Result<(), StunError> {
        let m = parse(d)?;
        check_integrity(d, &m, password)
    }

    /// Writes the Binding Response carrying `mapped` (the request's source
    /// address) as MAPPED-ADDRESS, and XOR-MAPPED-ADDRESS when the request
    /// carries the RFC 5389 cookie; signed when `password` is given.
    pub fn write_response(
        &self,
        mapped: SocketAddrV4,
        password: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<usize, StunError> {
        let mut w = Writer::new(out, BINDING_RESPONSE, &self.txid)?;
        let mut v = [0u8; 8];
        v[1] = 1;
        v[2..4].copy_from_slice(&mapped.port().to_be_bytes());
        v[4..].copy_from_slice(&mapped.ip().octets());
        w.attr(attr::MAPPED_ADDRESS, &v)?;
        if self.txid[..4] == MAGIC_COOKIE.to_be_bytes() {
            let mut x = v;
            let port = mapped.port() ^ (MAGIC_COOKIE >> 16) as u16;
            x[2..4].copy_from_slice(&port.to_be_bytes());
            for (b, k) in x[4..].iter_mut().zip(self.txid.iter()) {
                *b ^= k;
            }
            w.attr(attr::XOR_MAPPED_ADDRESS, &x)?;
        }
        if let Some(p) = password {
            w.integrity(p)?;
        }
        Ok(w.len)
    }
}
