//! Connection requests, both ends: the CPE that receives them and the ACS
//! that sends them (TR-069 §3.2.2, Annex G; TR-111 Part 2).
//!
//! - [`http`]: the CPE's HTTP listener ([`http::Listener`]: `GET` on the
//!   configured path only, Digest only, rate limit on authenticated
//!   requests) and the ACS-side client ([`http::CrClient`]) with a typed
//!   [`http::CrResult`].
//! - [`udp`]: UDP connection requests (TR-111 Part 2 / Annex G): parse and
//!   verify the signed datagram ([`udp::UdpReceiver`]) and the ACS-side
//!   generator ([`udp::UdpRequestWriter`]).
//! - [`stun`]: the CPE's classic-STUN binding client with the TR-111
//!   attributes ([`stun::StunClient`]: keep-alive, retransmission, binding
//!   change, NAT detection), the ACS side's reading of its requests
//!   ([`stun::BindingRequest`]), and [`stun::classify`] to tell STUN and UDP
//!   connection requests apart on one socket.
//! - [`xmpp`]: the `connectionRequest` IQ of Annex K: the CPE's handler
//!   ([`xmpp::XmppHandler`]: allowed JIDs, credentials, `result` /
//!   `not-authorized` / `service-unavailable`) and the ACS's builder
//!   ([`xmpp::ConnectionRequestIq`]); the XMPP stream is the caller's.
//! - [`lwn`]: UDP lightweight notifications (Annex M): the CPE's encoder
//!   and the ACS's decoder, schema facets enforced both ways.
//!
//! Every accepted request, whatever its transport, goes through one
//! [`SessionTrigger`]: it applies the rate limit (authenticated requests
//! only), turns requests during a session into exactly one follow-up
//! session, and tells the caller when to open a session carrying
//! `6 CONNECTION REQUEST` — for HTTP only after the 200/204 was sent.
//!
//! All state is plain data in fixed-size tables; time is the caller's
//! [`Instant`], randomness the caller's bytes. Nothing allocates; no input
//! panics.

pub mod http;
pub mod lwn;
pub mod stun;
pub mod udp;
pub mod xmpp;

use cwmp_core::{Duration, Instant};
use cwmp_soap::xml::{Event, Reader, XmlError};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// The rate limit on connection requests that passed authentication
/// (TR-069 §3.2.2: the CPE SHOULD limit them; over the limit it answers
/// 503). Requests that fail authentication are never counted, so a flood
/// of bad requests cannot lock the real ACS out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RateLimit {
    /// Authenticated requests accepted per window.
    pub max: u32,
    /// The window length.
    pub window: Duration,
}

impl RateLimit {
    /// 10 accepted requests per minute.
    pub const DEFAULT: RateLimit = RateLimit { max: 10, window: Duration::from_secs(60) };
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::DEFAULT
    }
}

/// What an authenticated connection request leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Admission {
    /// No session is running: one starts (for HTTP once the answer is sent).
    Start,
    /// A session is running: exactly one follow-up session is owed after it,
    /// however many requests arrive meanwhile.
    FollowUp,
    /// Over the rate limit: refused (HTTP 503 without `Retry-After`).
    RateLimited,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
enum Pending {
    /// Nothing owed.
    #[default]
    None,
    /// Accepted over HTTP; the 200/204 has not been sent yet.
    AwaitingSend,
    /// A session with `6 CONNECTION REQUEST` is due.
    Ready,
}

/// Shared by every connection-request transport of one CPE: rate limit,
/// session interplay and the "start a session now" signal. Plain data.
///
/// The caller's loop: feed requests to the listeners (which call
/// [`admit`](Self::admit)); after sending an HTTP answer call
/// [`on_response_sent`](Self::on_response_sent); poll
/// [`poll_session`](Self::poll_session) and open a session with
/// `6 CONNECTION REQUEST` when it says so; report
/// [`on_session_start`](Self::on_session_start) /
/// [`on_session_end`](Self::on_session_end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SessionTrigger {
    window_start: Option<Instant>,
    count: u32,
    in_session: bool,
    follow_up: bool,
    pending: Pending,
}

impl SessionTrigger {
    /// No session running, nothing counted.
    pub const fn new() -> SessionTrigger {
        SessionTrigger { window_start: None, count: 0, in_session: false, follow_up: false, pending: Pending::None }
    }

    /// Counts one authenticated request at `now` against `limit` and
    /// decides what it leads to. `answer_first`: the request is answered
    /// (HTTP), and the session may start only after
    /// [`on_response_sent`](Self::on_response_sent).
    pub fn admit(&mut self, limit: &RateLimit, now: Instant, answer_first: bool) -> Admission {
        let fresh = self.window_start.is_none_or(|s| now.duration_since(s).as_millis() >= limit.window.as_millis());
        if fresh {
            self.window_start = Some(now);
            self.count = 0;
        }
        if self.count >= limit.max {
            return Admission::RateLimited;
        }
        self.count += 1;
        if self.in_session {
            self.follow_up = true;
            return Admission::FollowUp;
        }
        if self.pending == Pending::None {
            self.pending = if answer_first { Pending::AwaitingSend } else { Pending::Ready };
        }
        Admission::Start
    }

    /// The 200/204 of an accepted HTTP request went out: the session may start.
    pub fn on_response_sent(&mut self) {
        if self.pending == Pending::AwaitingSend {
            self.pending = Pending::Ready;
        }
    }

    /// `true` once per due session: open one with `6 CONNECTION REQUEST`.
    pub fn poll_session(&mut self) -> bool {
        let due = self.pending == Pending::Ready;
        if due {
            self.pending = Pending::None;
        }
        due
    }

    /// A session started (for any reason): requests now become a follow-up.
    pub fn on_session_start(&mut self) {
        self.in_session = true;
    }

    /// The session ended: if requests came during it, exactly one follow-up
    /// session becomes due.
    pub fn on_session_end(&mut self) {
        self.in_session = false;
        if core::mem::take(&mut self.follow_up) {
            self.pending = Pending::Ready;
        }
    }

    /// A session is running.
    pub fn in_session(&self) -> bool {
        self.in_session
    }
}

/// The next event of the complete document `input` that is not white-space
/// text; `None` after the root element (shared by the XML payloads here).
fn next_element<'a, const D: usize, const N: usize, const A: usize>(
    r: &mut Reader<D, N, A>,
    input: &'a [u8],
) -> Result<Option<Event<'a>>, XmlError> {
    loop {
        match r.next_complete(input)?.event() {
            Some(Event::Text(t)) if t.is_whitespace() => {}
            other => return Ok(other),
        }
    }
}

/// HMAC-SHA1 keyed with `key` over what `feed` gives it (UDP request
/// signatures, STUN MESSAGE-INTEGRITY).
fn hmac_sha1(key: &[u8], feed: impl FnOnce(&mut Hmac<Sha1>)) -> [u8; 20] {
    // HMAC takes keys of any length: `new_from_slice` cannot fail here.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return [0; 20];
    };
    feed(&mut mac);
    let mut out = [0u8; 20];
    for (o, b) in out.iter_mut().zip(mac.finalize().into_bytes().iter()) {
        *o = *b;
    }
    out
}
