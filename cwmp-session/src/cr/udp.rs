//! UDP connection requests (TR-111 Part 2 §2.2, TR-069 Annex G).
//!
//! The datagram is an HTTP/1.1 `GET` with an absolute `http` Request-URI,
//! an empty path and a form-urlencoded query:
//!
//! ```text
//! GET http://198.51.100.7:7547?ts=1120673700&id=1234&un=cpe&cn=XTGRWIPC6D3IPXS3&sig=<40 hex> HTTP/1.1
//! Host: 198.51.100.7:7547
//! ```
//!
//! `ts` is the send time in Unix seconds, `id` a message ID (the same in
//! every retransmitted copy), `un` the connection-request user name, `cn` a
//! random cnonce, and `sig` the hex HMAC-SHA1, keyed with the
//! connection-request password, over the concatenation `ts‖id‖un‖cn` of
//! the (percent-decoded) values, with no separators.
//!
//! [`UdpReceiver::receive`] is the one verify path: [`parse`] (every one of
//! the five keys exactly once, nothing else; percent-decoding checked),
//! then the signature (exactly 40 hex digits, decoded to 20 bytes and
//! compared in constant time; an unknown user fails like a wrong
//! signature), then the replay window on `ts` and `id`: copies of one
//! request (same `ts` and `id`) count once, a `ts` older than the newest
//! accepted one or an `id` reused with another `ts` is a replay, `ts=0` is
//! refused, and when the caller knows the time a `ts` outside the allowed
//! skew is refused. Only verified requests change the replay state, and
//! only then is the [`SessionTrigger`] asked (rate limit, follow-up).
//!
//! [`UdpRequestWriter`] builds the datagram on the ACS side.

use cwmp_core::Instant;
use hmac::Mac;

use super::{Admission, RateLimit, SessionTrigger, hmac_sha1};
use crate::auth::hash::{ct_eq, hex_decode};
use crate::http::head::{self, EMPTY_HEADER, Quirks};
use crate::http::write::HeadWriter;
use crate::http::{HttpError, HttpLimits, Parsed};

/// Longest `id` kept for the replay window.
pub const MAX_ID_LEN: usize = 32;

/// Why a datagram was refused before or during verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum UdpError {
    /// Not an HTTP/1.1 `GET` head, or the head is incomplete.
    #[error("not an HTTP GET datagram: {what}")]
    NotHttp {
        /// What was wrong.
        what: &'static str,
    },
    /// The Request-URI is not `http://authority?query` with an empty path.
    #[error("bad Request-URI at byte {at}: {what}")]
    BadUri {
        /// Offset in the Request-URI.
        at: usize,
        /// What was expected.
        what: &'static str,
    },
    /// A query key other than `ts`, `id`, `un`, `cn`, `sig`.
    #[error("unknown query key at byte {at}")]
    UnknownKey {
        /// Offset in the Request-URI.
        at: usize,
    },
    /// One of the five keys appears twice.
    #[error("duplicate query key {key}")]
    DuplicateKey {
        /// The key.
        key: &'static str,
    },
    /// One of the five keys is missing.
    #[error("missing query key {key}")]
    MissingKey {
        /// The key.
        key: &'static str,
    },
    /// A value is not valid for its key (bad percent escape, `ts` not a
    /// positive decimal, `sig` not 40 hex digits, too long).
    #[error("bad value for {key} at byte {at}")]
    BadValue {
        /// The key.
        key: &'static str,
        /// Offset in the Request-URI.
        at: usize,
    },
    /// The signature does not verify (or the user name is not ours).
    #[error("signature rejected")]
    Rejected,
}

/// A form-urlencoded value as it appears in the query (validated:
/// every `%` is followed by two hex digits); decoded on use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Encoded<'a>(pub &'a [u8]);

impl<'a> Encoded<'a> {
    /// The decoded bytes, one at a time (`+` is a space, `%XX` a byte).
    pub fn bytes(&self) -> impl Iterator<Item = u8> + 'a {
        let mut raw = self.0.iter();
        core::iter::from_fn(move || {
            let b = *raw.next()?;
            Some(match b {
                b'+' => b' ',
                b'%' => {
                    let hi = raw.next().and_then(|&h| char::from(h).to_digit(16)).unwrap_or(0);
                    let lo = raw.next().and_then(|&l| char::from(l).to_digit(16)).unwrap_or(0);
                    u8::try_from(hi * 16 + lo).unwrap_or(0)
                }
                b => b,
            })
        })
    }

    /// Decoded length.
    pub fn decoded_len(&self) -> usize {
        self.bytes().count()
    }

    /// Decoded value equals `other`.
    pub fn eq_decoded(&self, other: &[u8]) -> bool {
        self.decoded_len() == other.len() && self.bytes().zip(other).all(|(a, &b)| a == b)
    }

    /// Feeds the decoded value to `f` in runs (escapes one byte at a time).
    fn for_each_piece(&self, mut f: impl FnMut(&[u8])) {
        let mut rest = self.0;
        while let Some(i) = rest.iter().position(|&b| b == b'%' || b == b'+') {
            f(rest.get(..i).unwrap_or(&[]));
            let (byte, skip) = if rest.get(i) == Some(&b'+') {
                (b' ', 1)
            } else {
                (Encoded(rest.get(i..i + 3).unwrap_or(&[])).bytes().next().unwrap_or(0), 3)
            };
            f(&[byte]);
            rest = rest.get(i + skip..).unwrap_or(&[]);
        }
        f(rest);
    }
}

/// A parsed (not yet verified) UDP connection request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct UdpRequest<'a> {
    /// The authority of the Request-URI (`host:port`).
    pub authority: &'a str,
    /// `ts`, Unix seconds (> 0).
    pub ts: u64,
    /// `ts` as sent (signature input).
    pub ts_raw: Encoded<'a>,
    /// `id`.
    pub id: Encoded<'a>,
    /// `un`.
    pub un: Encoded<'a>,
    /// `cn`.
    pub cn: Encoded<'a>,
    /// `sig`, decoded from exactly 40 hex digits.
    pub sig: [u8; 20],
}

const KEYS: [&str; 5] = ["ts", "id", "un", "cn", "sig"];

/// Parses a datagram: the HTTP head, the Request-URI and its query. Checks
/// form only; [`UdpReceiver::receive`] verifies.
pub fn parse(datagram: &[u8]) -> Result<UdpRequest<'_>, UdpError> {
    let mut headers = [EMPTY_HEADER; 8];
    let limits = HttpLimits { max_headers: 8, ..HttpLimits::DEFAULT };
    let req = match head::parse_request_raw(datagram, &mut headers, &limits, Quirks::STRICT) {
        Ok(Parsed::Complete(r)) => r,
        Ok(Parsed::Partial) => return Err(UdpError::NotHttp { what: "incomplete head" }),
        Err(HttpError::MalformedHead { what }) => return Err(UdpError::NotHttp { what }),
        Err(_) => return Err(UdpError::NotHttp { what: "head over its limits" }),
    };
    if req.method_token != "GET" {
        return Err(UdpError::NotHttp { what: "method is not GET" });
    }
    if req.version != 1 {
        return Err(UdpError::NotHttp { what: "not HTTP/1.1" });
    }
    let uri = req.target.as_bytes();
    let scheme = b"http://";
    if uri.len() < scheme.len() || !uri.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme)) {
        return Err(UdpError::BadUri { at: 0, what: "http:// absolute URI" });
    }
    let q = uri.iter().position(|&b| b == b'?').ok_or(UdpError::BadUri { at: uri.len(), what: "query" })?;
    let before = uri.get(scheme.len()..q).unwrap_or(&[]);
    // Empty path (TR-111); a lone `/` is tolerated.
    let authority = before.strip_suffix(b"/").unwrap_or(before);
    if authority.is_empty() || authority.contains(&b'/') {
        return Err(UdpError::BadUri { at: scheme.len(), what: "authority with an empty path" });
    }
    let authority =
        core::str::from_utf8(authority).map_err(|_| UdpError::BadUri { at: scheme.len(), what: "authority" })?;
    let mut values: [Option<Encoded<'_>>; 5] = [None; 5];
    let mut at = q + 1;
    for pair in uri.get(q + 1..).unwrap_or(&[]).split(|&b| b == b'&') {
        let eq = pair.iter().position(|&b| b == b'=').ok_or(UdpError::UnknownKey { at })?;
        let (key, value) = (pair.get(..eq).unwrap_or(&[]), pair.get(eq + 1..).unwrap_or(&[]));
        let idx = KEYS.iter().position(|k| k.as_bytes() == key).ok_or(UdpError::UnknownKey { at })?;
        let name = KEYS.get(idx).copied().unwrap_or("");
        check_escapes(value).map_err(|off| UdpError::BadValue { key: name, at: at + eq + 1 + off })?;
        let slot = values.get_mut(idx).ok_or(UdpError::UnknownKey { at })?;
        if slot.replace(Encoded(value)).is_some() {
            return Err(UdpError::DuplicateKey { key: name });
        }
        at += pair.len() + 1;
    }
    let [ts, id, un, cn, sig] = values;
    let missing = |i: usize| UdpError::MissingKey { key: KEYS.get(i).copied().unwrap_or("") };
    let (ts_raw, id, un, cn, sig) = (
        ts.ok_or(missing(0))?,
        id.ok_or(missing(1))?,
        un.ok_or(missing(2))?,
        cn.ok_or(missing(3))?,
        sig.ok_or(missing(4))?,
    );
    let value_at = |v: &Encoded<'_>| (v.0.as_ptr() as usize).saturating_sub(uri.as_ptr() as usize);
    let ts = parse_ts(ts_raw).ok_or(UdpError::BadValue { key: "ts", at: value_at(&ts_raw) })?;
    if id.decoded_len() > MAX_ID_LEN || id.decoded_len() == 0 {
        return Err(UdpError::BadValue { key: "id", at: value_at(&id) });
    }
    let sig = parse_sig(sig).ok_or(UdpError::BadValue { key: "sig", at: value_at(&sig) })?;
    Ok(UdpRequest { authority, ts, ts_raw, id, un, cn, sig })
}

/// `Err(offset)` of the first `%` not followed by two hex digits.
fn check_escapes(v: &[u8]) -> Result<(), usize> {
    for (i, &b) in v.iter().enumerate() {
        if b == b'%' {
            let ok = v.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !ok {
                return Err(i);
            }
        }
    }
    Ok(())
}

/// A positive decimal of at most 19 digits.
fn parse_ts(v: Encoded<'_>) -> Option<u64> {
    let mut n: u64 = 0;
    let mut digits = 0;
    for b in v.bytes() {
        let d = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        n = n.checked_mul(10)?.checked_add(u64::from(d))?;
        digits += 1;
    }
    (digits > 0 && n > 0).then_some(n)
}

/// Exactly 40 hex digits (either case) to 20 bytes.
fn parse_sig(v: Encoded<'_>) -> Option<[u8; 20]> {
    let mut text = [0u8; 40];
    let mut len = 0usize;
    for b in v.bytes() {
        *text.get_mut(len)? = b;
        len += 1;
    }
    if len != 40 {
        return None;
    }
    let mut full = [0u8; 32];
    if hex_decode(&text, &mut full)? != 20 {
        return None;
    }
    let mut sig = [0u8; 20];
    sig.copy_from_slice(full.get(..20)?);
    Some(sig)
}

/// HMAC-SHA1 keyed with `password` over `ts‖id‖un‖cn` (decoded values).
pub fn signature(password: &[u8], ts: Encoded<'_>, id: Encoded<'_>, un: Encoded<'_>, cn: Encoded<'_>) -> [u8; 20] {
    hmac_sha1(password, |mac| {
        for part in [ts, id, un, cn] {
            part.for_each_piece(|b| mac.update(b));
        }
    })
}

/// Settings of the CPE's UDP receiver.
#[derive(Debug, Clone, Copy)]
pub struct UdpConfig<'a> {
    /// `ConnectionRequestUsername`.
    pub username: &'a str,
    /// `ConnectionRequestPassword`; an empty one refuses every request.
    pub password: &'a str,
    /// Rate limit on verified requests.
    pub rate: RateLimit,
    /// The current Unix time, when the CPE knows it (NTP): a `ts` further
    /// than `max_skew` seconds from it is refused.
    pub unix_now: Option<u64>,
    /// Allowed distance between `ts` and `unix_now`, seconds.
    pub max_skew: u64,
}

impl<'a> UdpConfig<'a> {
    /// Default rate limit, unknown time, 300 s skew.
    pub fn new(username: &'a str, password: &'a str) -> UdpConfig<'a> {
        UdpConfig { username, password, rate: RateLimit::DEFAULT, unix_now: None, max_skew: 300 }
    }
}

/// What a datagram led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum UdpOutcome {
    /// Verified and new: a session starts ([`SessionTrigger::poll_session`]).
    Accepted,
    /// Verified and new, during a session: one follow-up session is owed.
    FollowUp,
    /// Verified and new, over the rate limit: dropped.
    RateLimited,
    /// Verified copy of a request already accepted (senders repeat each
    /// request): counted once, nothing happens.
    Duplicate,
    /// Verified, but `ts` is older than the newest accepted request, outside
    /// the allowed skew, or `id` was used with another `ts`: dropped.
    Replay,
    /// Refused before the signature held (why).
    Refused(UdpError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
struct Seen {
    ts: u64,
    id: [u8; MAX_ID_LEN],
    id_len: u8,
}

impl Seen {
    fn id(&self) -> &[u8] {
        self.id.get(..usize::from(self.id_len)).unwrap_or(&[])
    }
}

/// The CPE's UDP connection-request receiver: the replay window over the
/// last `WINDOW` accepted requests. Plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UdpReceiver<const WINDOW: usize = 8> {
    seen: [Seen; WINDOW],
    next: usize,
    newest_ts: u64,
}

impl<const WINDOW: usize> Default for UdpReceiver<WINDOW> {
    fn default() -> Self {
        UdpReceiver { seen: [Seen::default(); WINDOW], next: 0, newest_ts: 0 }
    }
}

impl<const WINDOW: usize> UdpReceiver<WINDOW> {
    /// Nothing seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses, verifies and deduplicates one datagram received at `now`.
    pub fn receive(
        &mut self,
        cfg: &UdpConfig<'_>,
        trigger: &mut SessionTrigger,
        now: Instant,
        datagram: &[u8],
    ) -> UdpOutcome {
        let req = match parse(datagram) {
            Ok(r) => r,
            Err(e) => return UdpOutcome::Refused(e),
        };
        if let Err(e) = verify(cfg, &req) {
            return UdpOutcome::Refused(e);
        }
        let mut id = [0u8; MAX_ID_LEN];
        let mut id_len = 0u8;
        for (slot, b) in id.iter_mut().zip(req.id.bytes()) {
            *slot = b;
            id_len += 1;
        }
        let entry = Seen { ts: req.ts, id, id_len };
        let live = |s: &&Seen| s.ts != 0;
        if self.seen.iter().filter(live).any(|s| s.ts == entry.ts && s.id() == entry.id()) {
            return UdpOutcome::Duplicate;
        }
        let id_reused = self.seen.iter().filter(live).any(|s| s.id() == entry.id());
        let skewed = cfg.unix_now.is_some_and(|t| t.abs_diff(req.ts) > cfg.max_skew);
        if req.ts < self.newest_ts || id_reused || skewed {
            return UdpOutcome::Replay;
        }
        self.newest_ts = req.ts;
        if let Some(slot) = self.seen.get_mut(self.next) {
            *slot = entry;
        }
        self.next = (self.next + 1) % WINDOW.max(1);
        match trigger.admit(&cfg.rate, now, false) {
            Admission::Start => UdpOutcome::Accepted,
            Admission::FollowUp => UdpOutcome::FollowUp,
            Admission::RateLimited => UdpOutcome::RateLimited,
        }
    }
}

/// The signature check: the user name must be ours and the HMAC must
/// match. Both are computed whatever the user name, so an unknown user
/// costs and answers the same as a wrong signature.
pub fn verify(cfg: &UdpConfig<'_>, req: &UdpRequest<'_>) -> Result<(), UdpError> {
    let want = signature(cfg.password.as_bytes(), req.ts_raw, req.id, req.un, req.cn);
    let user_ok = req.un.eq_decoded(cfg.username.as_bytes());
    let sig_ok = ct_eq(&want, &req.sig);
    if sig_ok & user_ok & !cfg.password.is_empty() { Ok(()) } else { Err(UdpError::Rejected) }
}

/// The ACS side: one UDP connection request. Send the written datagram
/// several times (GenieACS sends three copies); the CPE counts it once.
#[derive(Debug, Clone, Copy)]
pub struct UdpRequestWriter<'a> {
    /// `host:port` of the CPE's `UDPConnectionRequestAddress`.
    pub authority: &'a str,
    /// Unix seconds now (> 0).
    pub ts: u64,
    /// A fresh message ID (caller randomness).
    pub id: u32,
    /// `ConnectionRequestUsername`.
    pub username: &'a str,
    /// `ConnectionRequestPassword`.
    pub password: &'a str,
    /// A random cnonce (caller randomness; hex is customary).
    pub cn: &'a str,
}

impl UdpRequestWriter<'_> {
    /// Writes the datagram into `out`, percent-encoding `un` and `cn`;
    /// returns its length.
    pub fn write(&self, out: &mut [u8]) -> Result<usize, HttpError> {
        if self.authority.bytes().any(|b| b <= b' ' || b"/?#@".contains(&b)) {
            return Err(HttpError::InvalidHeader { what: "UDP request authority" });
        }
        let mut ts_buf = [0u8; 20];
        let ts = decimal(self.ts, &mut ts_buf);
        let mut id_buf = [0u8; 20];
        let id = decimal(u64::from(self.id), &mut id_buf);
        let sig = hmac_sha1(self.password.as_bytes(), |mac| {
            for part in [ts, id, self.username.as_bytes(), self.cn.as_bytes()] {
                mac.update(part);
            }
        });
        let mut w = HeadWriter::new(out);
        w.value(b"GET http://")?;
        w.value(self.authority.as_bytes())?;
        w.value(b"?ts=")?;
        w.value(ts)?;
        w.value(b"&id=")?;
        w.value(id)?;
        w.value(b"&un=")?;
        percent_encode(&mut w, self.username.as_bytes())?;
        w.value(b"&cn=")?;
        percent_encode(&mut w, self.cn.as_bytes())?;
        w.value(b"&sig=")?;
        w.value(crate::auth::hash::Hex::encode(&sig).as_bytes())?;
        w.value(b" HTTP/1.1")?;
        w.end_line()?;
        w.header("Host", self.authority)?;
        w.finish()
    }
}

fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    buf.get(i..).unwrap_or(&[])
}

/// RFC 3986 unreserved bytes stay, everything else is `%XX`.
fn percent_encode(w: &mut HeadWriter<'_>, v: &[u8]) -> Result<(), HttpError> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in v {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            w.value(&[b])?;
        } else {
            w.value(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]])?;
        }
    }
    Ok(())
}
