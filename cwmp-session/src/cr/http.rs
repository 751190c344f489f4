//! HTTP connection requests (TR-069 §3.2.2): the CPE's listener and the
//! ACS's client.
//!
//! # Listener (CPE)
//!
//! [`Listener::handle`] takes the bytes received so far on one connection
//! and writes the whole answer into the caller's buffer. Its contract:
//!
//! - The method and path are decided from the request line alone, before
//!   the head is complete and before any other work: anything but `GET` is
//!   405 (`Allow: GET`), any target but the configured path is 404.
//! - Only the request line, `Host`, `Authorization` and `Content-Length`
//!   are read (`Transfer-Encoding` only to close the connection after the
//!   answer); every other header is ignored. Header count and line length
//!   are capped ([`HttpLimits`]); over the cap is 431, a malformed head 400.
//! - Digest only, never Basic ([`DigestVerifier`]): nonces from caller
//!   randomness with a lifetime, `nc` strictly increasing per nonce in a
//!   fixed table that fails closed, constant-time compare, an unknown user
//!   fails exactly like a wrong password. Failures get a stateless 401 with
//!   a fresh challenge (`stale=true` when only the nonce had expired).
//! - An authenticated request goes through the [`SessionTrigger`]: 200 (or
//!   204, by configuration) with an empty body, or 503 without
//!   `Retry-After` over the rate limit. The session starts only after the
//!   caller reports the answer sent.
//!
//! No allocation, no panic on any input; the state is plain data.
//!
//! # Client (ACS)
//!
//! [`CrClient`] writes the `GET`, answers the CPE's Digest challenge (MD5,
//! MD5-sess, and SHA-256 / SHA-256-sess with the `sha256` feature; Basic
//! only if the policy allows it) and reports a [`CrResult`].

use cwmp_core::Instant;

use super::{Admission, RateLimit, SessionTrigger};
use crate::auth::{AuthError, ClientAuth, ClientPolicy, Credentials, DigestVerifier, Verdict, VerifierConfig};
use crate::http::head::{self, EMPTY_HEADER, Method, Quirks};
use crate::http::url::Url;
use crate::http::write::{BodyLength, CwmpRequest, HeadWriter, Response, SoapAction};
use crate::http::{HttpError, HttpLimits, Parsed};

/// Most header lines a connection request may carry (more is 431).
pub const MAX_HEADERS: usize = 24;

/// Settings of the CPE's listener.
#[derive(Debug, Clone, Copy)]
pub struct ListenerConfig<'a> {
    /// The request target accepted, exactly (the random path of
    /// `ConnectionRequestURL`, e.g. `/cr/8f3a…`).
    pub path: &'a str,
    /// `ConnectionRequestUsername`.
    pub username: &'a str,
    /// `ConnectionRequestPassword` (empty is refused unless
    /// [`VerifierConfig::allow_empty_password`]).
    pub password: &'a str,
    /// Realm, algorithm, nonce lifetime.
    pub digest: VerifierConfig<'a>,
    /// Rate limit on authenticated requests.
    pub rate: RateLimit,
    /// Answer 204 rather than 200 to an accepted request.
    pub answer_204: bool,
    /// Head size bounds.
    pub limits: HttpLimits,
}

impl<'a> ListenerConfig<'a> {
    /// MD5 Digest with realm `cwmp`, default rate limit, 200 answers.
    pub fn new(path: &'a str, username: &'a str, password: &'a str) -> ListenerConfig<'a> {
        ListenerConfig {
            path,
            username,
            password,
            digest: VerifierConfig::new("cwmp"),
            rate: RateLimit::DEFAULT,
            answer_204: false,
            limits: HttpLimits::DEFAULT,
        }
    }
}

/// What the listener made of the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Outcome {
    /// The head is not complete: read more and call again (nothing written).
    Partial,
    /// Authenticated; 200/204 written. Send it, then call
    /// [`SessionTrigger::on_response_sent`]: a session starts.
    Accepted,
    /// Authenticated during a session; 200/204 written; one follow-up
    /// session is owed.
    FollowUp,
    /// Authenticated but over the rate limit; 503 written.
    RateLimited,
    /// No `Authorization`; 401 with a challenge written.
    Challenged,
    /// The credentials failed (why); 401 with a fresh challenge written.
    AuthFailed(AuthError),
    /// Right credentials on an expired or evicted nonce; 401 `stale=true`.
    Stale,
    /// Not `GET`; 405 written.
    MethodNotAllowed,
    /// Not the configured path; 404 written.
    NotFound,
    /// The head is malformed or over a cap; 400 or 431 written.
    BadRequest(HttpError),
}

/// The result of [`Listener::handle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Handled {
    /// What happened.
    pub outcome: Outcome,
    /// Bytes of the answer written at the start of the output buffer.
    pub response_len: usize,
    /// Bytes of the input used by this request (its head); drop them and
    /// keep the rest for the next request on the connection.
    pub consumed: usize,
    /// Close the connection after sending the answer.
    pub close: bool,
}

/// The CPE's connection-request listener with a nonce table of `SLOTS`.
/// Plain data: keep one per CPE, feed it every connection's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Listener<const SLOTS: usize = 8> {
    verifier: DigestVerifier<SLOTS>,
}

/// Longest request line looked at before the head is complete.
const MAX_REQUEST_LINE: usize = 2048;

impl<const SLOTS: usize> Listener<SLOTS> {
    /// A listener with an empty nonce table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles the request at the start of `input` (bytes received so far)
    /// at time `now`, with 16 bytes of fresh caller randomness for a nonce,
    /// writing the answer into `out` (256 bytes plus the realm's length are
    /// always enough). Never panics; `Err` only when `out` is too small.
    pub fn handle(
        &mut self,
        cfg: &ListenerConfig<'_>,
        trigger: &mut SessionTrigger,
        now: Instant,
        random: &[u8; 16],
        input: &[u8],
        out: &mut [u8],
    ) -> Result<Handled, HttpError> {
        let mut w = HeadWriter::new(out);
        // The request line decides method and path, before anything else.
        let line_end = input.iter().position(|&b| b == b'\n');
        let Some(line_end) = line_end else {
            if input.len() > MAX_REQUEST_LINE {
                return finish(
                    w,
                    Outcome::BadRequest(HttpError::HeadTooLong { limit: MAX_REQUEST_LINE }),
                    400,
                    input.len(),
                    true,
                );
            }
            return Ok(Handled { outcome: Outcome::Partial, response_len: 0, consumed: 0, close: false });
        };
        let line = input.get(..line_end).unwrap_or(&[]);
        let mut parts = line.strip_suffix(b"\r").unwrap_or(line).split(|&b| b == b' ');
        let (method, target) = (parts.next().unwrap_or(&[]), parts.next().unwrap_or(&[]));
        if method != b"GET" {
            return early(w, Outcome::MethodNotAllowed, 405, input.len());
        }
        if target != cfg.path.as_bytes() {
            return early(w, Outcome::NotFound, 404, input.len());
        }
        let mut headers = [EMPTY_HEADER; MAX_HEADERS];
        let req = match read_head(input, &mut headers, &cfg.limits) {
            Ok(Some(req)) => req,
            Ok(None) => return Ok(Handled { outcome: Outcome::Partial, response_len: 0, consumed: 0, close: false }),
            Err(e) => {
                let status = if matches!(e, HttpError::MalformedHead { .. }) { 400 } else { 431 };
                return finish(w, Outcome::BadRequest(e), status, input.len(), true);
            }
        };
        let consumed = req.head_len;
        // One exchange per request: the connection stays open only for the
        // answer to a 401 (and only when no body has to be skipped).
        let keep = !req.body;
        let Some(authorization) = req.authorization else {
            Response { status: 401, body: BodyLength::Empty, close: !keep }.write(&mut w)?;
            self.verifier.challenge(&cfg.digest, secs(now), random, false, &mut w)?;
            return finish(w, Outcome::Challenged, 0, consumed, !keep);
        };
        let lookup = |u: &str| (u == cfg.username).then_some(cfg.password);
        let verdict = self.verifier.verify(&cfg.digest, secs(now), "GET", cfg.path, authorization, lookup);
        let outcome = match verdict {
            Ok(Verdict::Authorized) => match trigger.admit(&cfg.rate, now, true) {
                Admission::Start => Outcome::Accepted,
                Admission::FollowUp => Outcome::FollowUp,
                Admission::RateLimited => Outcome::RateLimited,
            },
            Ok(Verdict::Stale) => Outcome::Stale,
            Err(e) => Outcome::AuthFailed(e),
        };
        let close = match outcome {
            Outcome::Accepted | Outcome::FollowUp => {
                let status = if cfg.answer_204 { 204 } else { 200 };
                Response { status, body: BodyLength::Empty, close: true }.write(&mut w)?;
                true
            }
            Outcome::RateLimited => {
                Response { status: 503, body: BodyLength::Empty, close: true }.write(&mut w)?;
                true
            }
            _ => {
                Response { status: 401, body: BodyLength::Empty, close: !keep }.write(&mut w)?;
                self.verifier.challenge(&cfg.digest, secs(now), random, outcome == Outcome::Stale, &mut w)?;
                !keep
            }
        };
        finish(w, outcome, 0, consumed, close)
    }
}

/// The head fields the listener reads.
struct CrHead<'b> {
    authorization: Option<&'b [u8]>,
    head_len: usize,
    /// A body is announced (`Content-Length` other than 0, or
    /// `Transfer-Encoding`).
    body: bool,
}

/// Parses the head with httparse and reads only `Host`, `Authorization`,
/// `Content-Length` (and whether `Transfer-Encoding` is present, to close
/// rather than read a body). `Ok(None)`: incomplete.
fn read_head<'b>(
    input: &'b [u8],
    headers: &mut [httparse::Header<'b>],
    limits: &HttpLimits,
) -> Result<Option<CrHead<'b>>, HttpError> {
    let Parsed::Complete(req) = head::parse_request_raw(input, headers, limits, Quirks::STRICT)? else {
        return Ok(None);
    };
    let mut host = 0;
    let mut authorization = None;
    let mut body = false;
    for h in req.headers.all() {
        if h.name.eq_ignore_ascii_case("host") {
            host += 1;
        } else if h.name.eq_ignore_ascii_case("authorization") {
            if authorization.is_some() {
                return Err(HttpError::MalformedHead { what: "two Authorization headers" });
            }
            authorization = Some(h.value);
        } else if h.name.eq_ignore_ascii_case("content-length") {
            body |= h.value != b"0";
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            body = true;
        }
    }
    if host != 1 {
        return Err(HttpError::MalformedHead { what: "Host header missing or repeated" });
    }
    // A GET carries no data (TR-069 §3.2.2: any body is ignored); rather
    // than read one, the connection is closed after the answer.
    Ok(Some(CrHead { authorization, head_len: req.head_len, body }))
}

fn secs(now: Instant) -> u64 {
    now.as_millis() / 1000
}

/// A 405 / 404 decided from the request line; the connection is closed
/// (the rest of the request is not read).
fn early(mut w: HeadWriter<'_>, outcome: Outcome, status: u16, consumed: usize) -> Result<Handled, HttpError> {
    Response { status, body: BodyLength::Empty, close: true }.write(&mut w)?;
    if status == 405 {
        w.header("Allow", "GET")?;
    }
    finish(w, outcome, 0, consumed, true)
}

/// Ends the head; `status` != 0 writes a bodiless response first.
fn finish(
    mut w: HeadWriter<'_>,
    outcome: Outcome,
    status: u16,
    consumed: usize,
    close: bool,
) -> Result<Handled, HttpError> {
    if status != 0 {
        Response { status, body: BodyLength::Empty, close }.write(&mut w)?;
    }
    let response_len = w.finish()?;
    Ok(Handled { outcome, response_len, consumed, close })
}

/// The outcome of a connection request, ACS side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CrResult {
    /// 200 or 204: the CPE will open a session.
    Accepted,
    /// The CPE refused the credentials (a second 401, or an unusable
    /// challenge: why).
    AuthFailed(AuthError),
    /// 503: the CPE is rate-limiting or busy.
    Busy,
    /// No answer: the caller could not connect, or the connection broke or
    /// timed out (reported with [`CrClient::on_unreachable`]).
    Unreachable,
    /// Any other status.
    Unexpected(u16),
}

/// What the ACS-side client wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ClientStep {
    /// The response head is incomplete: read more.
    Partial,
    /// A challenge was answered: drop `consumed` bytes, reconnect if
    /// `reconnect`, and send the request again
    /// ([`CrClient::write_request`]).
    Retry {
        /// Bytes of the 401 (head and `Content-Length` body) to drop.
        consumed: usize,
        /// Open a new connection first (the CPE closes, or the 401's body
        /// length is not known).
        reconnect: bool,
    },
    /// Finished.
    Done(CrResult),
}

/// The ACS side of one connection request. Plain data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CrClient {
    auth: ClientAuth,
    challenges: u8,
}

impl CrClient {
    /// A client that answers Digest; Basic only if `policy` allows it
    /// over plain http (TR-069 asks for Digest: leave it off).
    pub fn new(policy: ClientPolicy) -> CrClient {
        CrClient { auth: ClientAuth::new(policy), challenges: 0 }
    }

    /// Writes the `GET` to `url` (the CPE's `ConnectionRequestURL`), with
    /// credentials once a challenge was answered. Returns the length.
    pub fn write_request(
        &mut self,
        url: &Url<'_>,
        creds: &Credentials<'_>,
        out: &mut [u8],
    ) -> Result<usize, AuthError> {
        let mut w = HeadWriter::new(out);
        let mut host = [0u8; 300];
        let mut hw = HeadWriter::new(&mut host);
        url.write_host(&mut hw)?;
        let host = core::str::from_utf8(hw.written()).map_err(|_| HttpError::InvalidHeader { what: "host" })?;
        CwmpRequest {
            method: Method::Get,
            target: url.target,
            host,
            user_agent: None,
            body: BodyLength::Empty,
            soap_action: SoapAction::None,
            close: false,
        }
        .write(&mut w)?;
        self.auth.write_authorization(&mut w, Method::Get, url.target, creds)?;
        Ok(w.finish()?)
    }

    /// Reads the CPE's answer from the bytes received so far; `random` is
    /// fresh caller randomness for a Digest cnonce.
    pub fn handle_response(&mut self, input: &[u8], random: &[u8; 16]) -> ClientStep {
        let mut headers = [EMPTY_HEADER; MAX_HEADERS];
        let resp = match head::parse_response(input, &mut headers, &HttpLimits::DEFAULT, Quirks::LENIENT, false) {
            Ok(Parsed::Complete(r)) => r,
            Ok(Parsed::Partial) => return ClientStep::Partial,
            Err(e) => return ClientStep::Done(CrResult::AuthFailed(AuthError::Http(e))),
        };
        match resp.status {
            200 | 204 => ClientStep::Done(CrResult::Accepted),
            503 => ClientStep::Done(CrResult::Busy),
            401 => {
                self.challenges = self.challenges.saturating_add(1);
                match self.auth.on_challenge(resp.www_authenticate(), false, random) {
                    Ok(_) => {
                        let (consumed, reconnect) = match resp.framing {
                            crate::http::Framing::None => (resp.head_len, resp.close),
                            crate::http::Framing::Length(n) => match usize::try_from(n) {
                                Ok(n) => (resp.head_len.saturating_add(n), resp.close),
                                Err(_) => (resp.head_len, true),
                            },
                            _ => (resp.head_len, true),
                        };
                        ClientStep::Retry { consumed, reconnect }
                    }
                    Err(e) => ClientStep::Done(CrResult::AuthFailed(e)),
                }
            }
            other => ClientStep::Done(CrResult::Unexpected(other)),
        }
    }

    /// The connection could not be made or broke before an answer.
    pub fn on_unreachable(&mut self) -> CrResult {
        CrResult::Unreachable
    }
}
