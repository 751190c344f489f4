//! The session engine: one HTTP request in, one reply out.

use cwmp_core::{CwmpVersion, Duration, FaultCode, Instant};
use cwmp_soap::envelope::encode_must_understand_fault;
use cwmp_soap::rpc::{
    AutonomousDuStateChangeCompleteResponse, AutonomousTransferCompleteResponse, DuStateChangeCompleteResponse,
    GetRpcMethods, GetRpcMethodsResponse, InformResponse, RequestDownloadResponse, TransferCompleteResponse,
};
use cwmp_soap::{Body, DecodeError, DecodeErrorKind, DecodeOptions, Envelope, Fault, Header, Method, Role, Rpc, Text};

use super::event::{EndReason, Event, Outcome};
use super::policy::{AcsPolicy, Admission, Completion, DeviceRef};
use super::state::{Outstanding, Phase, SESSION_STATE_LEN, SessionState, StateError};
use crate::auth::{DigestVerifier, Verdict, VerifierConfig, verify_basic};
use crate::http::HttpError;
use crate::http::head::Method as HttpMethod;
use crate::http::write::HeadWriter;

/// How the ACS authenticates CPEs (TR-069 §3.4.4: HTTP authentication
/// unless TLS client certificates are used; Basic only over TLS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AuthMode {
    /// No HTTP authentication (TLS client certificates, or a lab).
    None,
    /// Digest on every connection.
    Digest,
    /// Basic on TLS connections, Digest on plain ones.
    BasicOverTls,
}

/// Settings shared by all sessions of an ACS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcsConfig<'a> {
    /// Authentication.
    pub auth: AuthMode,
    /// Digest settings (realm, algorithm, nonce lifetime); the realm is
    /// also Basic's.
    pub digest: VerifierConfig<'a>,
    /// The highest CWMP version the ACS speaks.
    pub max_version: CwmpVersion,
    /// Time the ACS waits for the CPE's next request before the session
    /// ends ([`EndReason::Timeout`]).
    pub session_timeout: Duration,
    /// Failed authentications in one session before it ends.
    pub max_auth_failures: u8,
    /// Limits and quirks for decoding CPE messages.
    pub decode: DecodeOptions,
}

impl AcsConfig<'_> {
    /// Digest in realm `realm`, CWMP 1.4, 60 s timeout, 3 auth failures,
    /// tolerant decoding with default limits.
    pub const fn new(realm: &str) -> AcsConfig<'_> {
        AcsConfig {
            auth: AuthMode::Digest,
            digest: VerifierConfig::new(realm),
            max_version: CwmpVersion::V1_4,
            session_timeout: Duration::from_secs(60),
            max_auth_failures: 3,
            decode: DecodeOptions::TOLERANT,
        }
    }
}

/// What the caller passes with each call: shared settings, the ACS-wide
/// Digest nonce table, the time, and 16 fresh random bytes (nonces and
/// session IDs).
#[derive(Debug)]
pub struct Env<'e, const N: usize> {
    /// Shared settings.
    pub config: &'e AcsConfig<'e>,
    /// The ACS's nonce table.
    pub verifier: &'e mut DigestVerifier<N>,
    /// Now.
    pub now: Instant,
    /// Fresh randomness (from a CSPRNG).
    pub random: [u8; 16],
}

/// The request as a server sees it: only what the session needs, borrowed
/// from wherever the server keeps it (hyper, axum, or [`super::raw`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpRequest<'a> {
    /// The method.
    pub method: HttpMethod,
    /// The request target as in the request line (Digest checks it).
    pub target: &'a str,
    /// The `Authorization` header.
    pub authorization: Option<&'a [u8]>,
    /// The `Cookie` header.
    pub cookie: Option<&'a [u8]>,
    /// The whole body, transfer coding removed.
    pub body: &'a [u8],
    /// The connection is TLS.
    pub tls: bool,
}

/// The session's identity, carried in the `cwmpsid` cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SessionId(pub u64);

const COOKIE_NAME: &[u8] = b"cwmpsid";

/// The session ID in a `Cookie` header value, if it carries our cookie.
pub fn session_cookie(cookie_header: &[u8]) -> Option<SessionId> {
    cookie_header.split(|&b| b == b';').find_map(|pair| {
        let pair = crate::http::head::trim(pair);
        let eq = pair.iter().position(|&b| b == b'=')?;
        let (name, value) = (pair.get(..eq)?, pair.get(eq + 1..)?);
        if name != COOKIE_NAME || value.len() != 16 {
            return None;
        }
        let v = core::str::from_utf8(value).ok()?;
        u64::from_str_radix(v, 16).ok().map(SessionId)
    })
}

/// The reply to send: status, header lines (in the caller's head buffer,
/// `Name: value\r\n` each; [`Reply::headers`] iterates them) and the body
/// (`body_len` bytes of the caller's body buffer; `Content-Type` is
/// [`CWMP_CONTENT_TYPE`](crate::http::write::CWMP_CONTENT_TYPE) when not empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Reply {
    /// 200 (SOAP body), 204 (session done), 401, 403, 405 or 500.
    pub status: u16,
    /// Bytes of body written.
    pub body_len: usize,
    /// Bytes of header lines written.
    pub headers_len: usize,
    /// Close the connection after this reply.
    pub close: bool,
}

impl Reply {
    /// The extra header lines (`WWW-Authenticate`, `Set-Cookie`, `Allow`)
    /// written into `head`, as (name, value).
    pub fn headers<'h>(&self, head: &'h [u8]) -> impl Iterator<Item = (&'h str, &'h [u8])> + 'h {
        let lines = head.get(..self.headers_len).unwrap_or(&[]);
        lines.split(|&b| b == b'\n').filter_map(|line| {
            let line = line.strip_suffix(b"\r")?;
            let colon = line.iter().position(|&b| b == b':')?;
            let name = core::str::from_utf8(line.get(..colon)?).ok()?;
            Some((name, crate::http::head::trim(line.get(colon + 1..)?)))
        })
    }
}

const EVENTS: usize = 8;

/// One CWMP session, ACS side. See the [module docs](super) for the run loop.
///
/// Methods: getters; `handle_*` (one per input); `poll_*` (events, the
/// next deadline); [`AcsSession::to_bytes`] / [`AcsSession::from_bytes`].
/// Nothing panics or allocates on any input.
#[derive(Debug, Clone)]
pub struct AcsSession {
    state: SessionState,
    events: heapless::Deque<Event, EVENTS>,
}

/// Failure to produce a reply: a caller buffer (head or body) too small,
/// or a header value that cannot be written.
struct Internal;

impl From<HttpError> for Internal {
    fn from(_: HttpError) -> Self {
        Internal
    }
}

type Step = Result<Reply, Internal>;

/// What one [`AcsSession::handle_request`] call works with besides the
/// session: the caller's environment, policy and output buffers.
struct Io<'x, 'e, 'h, P, const N: usize> {
    env: &'x mut Env<'e, N>,
    policy: &'x mut P,
    out: &'x mut [u8],
    head: &'x mut HeadWriter<'h>,
}

const fn reply(status: u16, body_len: usize, close: bool) -> Reply {
    Reply { status, body_len, headers_len: 0, close }
}

/// The response to a CPE request the policy accepted; `None` for methods
/// the ACS does not take from a CPE (answered with fault 8000).
fn accepted_response(method: Method) -> Option<Rpc<'static>> {
    Some(match method {
        Method::TransferComplete => Rpc::TransferCompleteResponse(TransferCompleteResponse),
        Method::AutonomousTransferComplete => {
            Rpc::AutonomousTransferCompleteResponse(AutonomousTransferCompleteResponse)
        }
        Method::RequestDownload => Rpc::RequestDownloadResponse(RequestDownloadResponse),
        Method::DuStateChangeComplete => Rpc::DuStateChangeCompleteResponse(DuStateChangeCompleteResponse),
        Method::AutonomousDuStateChangeComplete => {
            Rpc::AutonomousDuStateChangeCompleteResponse(AutonomousDuStateChangeCompleteResponse)
        }
        _ => return None,
    })
}

/// Methods the ACS supports, as answered to the CPE's GetRPCMethods.
const ACS_METHODS: [Method; 7] = [
    Method::Inform,
    Method::GetRpcMethods,
    Method::TransferComplete,
    Method::AutonomousTransferComplete,
    Method::RequestDownload,
    Method::DuStateChangeComplete,
    Method::AutonomousDuStateChangeComplete,
];

/// Whether `rpc` is the response to `method` (`GetRPCMethods` → `GetRPCMethodsResponse`).
fn answers(rpc: &Rpc<'_>, method: Method) -> bool {
    rpc.name().strip_prefix(method.name()) == Some("Response")
}

/// A request (not a response) the ACS may send.
fn acs_request(rpc: &Rpc<'_>) -> Option<Method> {
    let m = rpc.method().filter(|_| !matches!(rpc, Rpc::Invalid(_)))?;
    let by_acs = matches!(m.sent_by(), cwmp_soap::rpc::SentBy::Acs | cwmp_soap::rpc::SentBy::Both);
    (by_acs && !m.name().ends_with("Response") && !m.decode_only()).then_some(m)
}

/// A request's `cwmp:ID`: its number in decimal.
type IdText = heapless::String<10>;

fn id_text(n: u32) -> IdText {
    let mut s = IdText::new();
    // Ten digits always fit a u32: the write cannot fail.
    let _ = core::fmt::Write::write_fmt(&mut s, format_args!("{n}"));
    s
}

/// `t` as a `&str`, unescaped into `buf` when it holds references.
fn text_str<'b>(t: &Text<'b>, buf: &'b mut [u8]) -> Option<&'b str> {
    if let Some(s) = t.as_borrowed() {
        return Some(s);
    }
    let mut n = 0;
    for b in t.bytes() {
        *buf.get_mut(n)? = b;
        n += 1;
    }
    core::str::from_utf8(buf.get(..n)?).ok()
}

impl AcsSession {
    /// A new session waiting for its Inform, its ID from the caller's
    /// randomness (the ID also names the session cookie).
    pub fn new(id: SessionId, now: Instant, config: &AcsConfig<'_>) -> AcsSession {
        AcsSession {
            state: SessionState {
                session_id: id.0,
                phase: Phase::AwaitInform,
                end: None,
                device: DeviceRef::default(),
                version: CwmpVersion::V1_0,
                outstanding: None,
                next_id: 1,
                hold: false,
                cookie_seen: false,
                auth_failures: 0,
                completed: 0,
                deadline: deadline(now, config),
            },
            events: heapless::Deque::new(),
        }
    }

    // ---- getters ----

    /// The session ID (the `cwmpsid` cookie).
    pub fn id(&self) -> SessionId {
        SessionId(self.state.session_id)
    }

    /// Where the session is.
    pub fn phase(&self) -> Phase {
        self.state.phase
    }

    /// The caller's device, once admitted.
    pub fn device(&self) -> Option<DeviceRef> {
        (!matches!(self.state.phase, Phase::AwaitInform)).then_some(self.state.device)
    }

    /// The negotiated CWMP version (meaningful after the Inform).
    pub fn version(&self) -> CwmpVersion {
        self.state.version
    }

    /// Whether the session has ended (then drop it; further requests on it
    /// are refused).
    pub fn is_ended(&self) -> bool {
        self.state.phase == Phase::Ended
    }

    /// Why the session ended.
    pub fn end_reason(&self) -> Option<EndReason> {
        self.state.end
    }

    /// The `cwmp:ID` and method of the request awaiting its answer.
    pub fn outstanding(&self) -> Option<(u32, Method)> {
        self.state.outstanding.map(|o| (o.id, o.method))
    }

    // ---- persistence ----

    /// The session as bytes, to park between exchanges. Drain
    /// [`AcsSession::poll_event`] first: pending events are not included.
    pub fn to_bytes(&self) -> [u8; SESSION_STATE_LEN] {
        self.state.to_bytes()
    }

    /// A session parked with [`AcsSession::to_bytes`]; refuses images no
    /// session writes.
    pub fn from_bytes(bytes: &[u8]) -> Result<AcsSession, StateError> {
        Ok(AcsSession { state: SessionState::from_bytes(bytes)?, events: heapless::Deque::new() })
    }

    // ---- poll ----

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`AcsSession::handle_timeout`] must be called, `None` once ended.
    pub fn poll_timeout(&self) -> Option<Instant> {
        (!self.is_ended()).then_some(self.state.deadline)
    }

    // ---- handle ----

    /// Time passed: ends the session at its deadline.
    pub fn handle_timeout(&mut self, now: Instant) {
        if !self.is_ended() && now >= self.state.deadline {
            self.end(EndReason::Timeout);
        }
    }

    /// The connection carrying the session broke or closed. (Outcomes
    /// decided here and in [`AcsSession::handle_timeout`] reach the caller
    /// as events only: there is no policy call without a request.) A session whose
    /// CPE returns our cookie survives until its timeout (the CPE may come
    /// back on a new connection); otherwise it ends.
    pub fn handle_connection_closed(&mut self, _now: Instant) {
        if !self.is_ended() && !self.state.cookie_seen {
            self.end(EndReason::ConnectionLost);
        }
    }

    /// Handles one HTTP request of this session: writes the body into
    /// `body_out`, extra header lines into `head_out`, and returns the
    /// reply. Never panics; when a buffer is too small the reply is a
    /// 500 with `close` and the session ends ([`EndReason::Internal`]).
    pub fn handle_request<P: AcsPolicy, const N: usize>(
        &mut self,
        env: &mut Env<'_, N>,
        req: &HttpRequest<'_>,
        policy: &mut P,
        body_out: &mut [u8],
        head_out: &mut [u8],
    ) -> Reply {
        let mut head = HeadWriter::new(head_out);
        let mut io = Io { env, policy, out: body_out, head: &mut head };
        match self.dispatch(&mut io, req) {
            Ok(r) => Reply { headers_len: head.len(), ..r },
            Err(Internal) => {
                self.end(EndReason::Internal);
                reply(500, 0, true)
            }
        }
    }

    fn dispatch<P: AcsPolicy, const N: usize>(&mut self, io: &mut Io<'_, '_, '_, P, N>, req: &HttpRequest<'_>) -> Step {
        if self.is_ended() {
            return Ok(reply(400, 0, true));
        }
        self.state.deadline = deadline(io.env.now, io.env.config);
        if req.method != HttpMethod::Post {
            io.head.header("Allow", "POST")?;
            if self.state.phase == Phase::AwaitInform {
                self.end(EndReason::ProtocolError);
            }
            return Ok(reply(405, 0, true));
        }
        if req.cookie.and_then(session_cookie) == Some(self.id()) {
            self.state.cookie_seen = true;
        }
        if self.state.phase == Phase::AwaitInform {
            return self.first_request(io, req);
        }
        if req.body.is_empty() {
            return self.cpe_done(io);
        }
        let msg = match Envelope::decode_with(req.body, Some(Role::Acs), &io.env.config.decode) {
            Ok(msg) => msg,
            Err(e) => return self.undecodable(io, req.body, &e),
        };
        match &msg.body {
            Body::Fault(f) => self.answer(io, &msg, Some(f)),
            Body::Rpc(Rpc::Inform(_)) => {
                // A new session on the same connection: this one is over.
                if let Some(o) = self.state.outstanding.take() {
                    self.complete(io.policy, o, Completion::Failed(Outcome::NoResponse));
                }
                self.end(EndReason::Replaced);
                let fresh = SessionId(u64::from_le_bytes(first8(&io.env.random)));
                *self = AcsSession {
                    events: core::mem::take(&mut self.events),
                    ..AcsSession::new(fresh, io.env.now, io.env.config)
                };
                self.first_request(io, req)
            }
            Body::Rpc(rpc) if is_cpe_request(rpc) => self.cpe_request(io, &msg, rpc),
            Body::Rpc(_) => self.answer(io, &msg, None),
        }
    }

    /// The first request: authenticate, then it must be an Inform.
    fn first_request<P: AcsPolicy, const N: usize>(
        &mut self,
        io: &mut Io<'_, '_, '_, P, N>,
        req: &HttpRequest<'_>,
    ) -> Step {
        let config = io.env.config;
        let mut user_buf = [0u8; crate::auth::verifier::MAX_SECRET_LEN];
        let user_len = match self.authenticate(io, req, &mut user_buf)? {
            Ok(len) => len,
            Err(challenge) => return Ok(challenge),
        };
        let user = user_len.and_then(|n| user_buf.get(..n)).and_then(|u| core::str::from_utf8(u).ok());
        let msg = match Envelope::decode_with(req.body, Some(Role::Acs), &config.decode) {
            Ok(msg) => msg,
            Err(e) => {
                self.end(EndReason::ProtocolError);
                return self.decode_fault(req.body, &e, CwmpVersion::V1_0, io.out).map(|r| Reply { close: true, ..r });
            }
        };
        let Body::Rpc(Rpc::Inform(_)) = msg.body else {
            self.end(EndReason::ProtocolError);
            let code = FaultCode::new(8003);
            return self.fault_reply(msg.version, msg.header.id, code, io.out).map(|r| Reply { close: true, ..r });
        };
        let mut list_buf = [0u8; 64];
        let (version, use_version) = match msg.header.supported_cwmp_versions {
            Some(list) => {
                match text_str(&list, &mut list_buf).and_then(|l| CwmpVersion::negotiate(l, config.max_version)) {
                    Some(v) => (v, Some(v)),
                    None => {
                        self.end(EndReason::VersionMismatch);
                        let r = self.fault_reply(msg.version, msg.header.id, FaultCode::new(8006), io.out)?;
                        return Ok(Reply { close: true, ..r });
                    }
                }
            }
            None => (msg.version.min(config.max_version), None),
        };
        let (device, hold) = match io.policy.admit(&msg, user) {
            Admission::Accept { device, hold_requests } => (device, hold_requests),
            Admission::Reject => {
                self.end(EndReason::Rejected);
                return Ok(reply(403, 0, true));
            }
        };
        let response = Envelope {
            // The CPE's own namespace: UseCWMPVersion exists only in cwmp-1-2.
            version: if use_version.is_some() { msg.version } else { version },
            header: Header {
                id: msg.header.id,
                hold_requests: hold.then_some(true),
                use_cwmp_version: use_version.map(|v| Text::plain(v.as_str())),
                ..Header::default()
            },
            body: Body::Rpc(Rpc::InformResponse(InformResponse { max_envelopes: 1 })),
        };
        let len = response.encode(io.out).map_err(|_| Internal)?;
        let mut hex = [0u8; 16];
        hex_u64(self.state.session_id, &mut hex);
        io.head.header_with("Set-Cookie", |w| {
            w.value(COOKIE_NAME)?;
            w.value(b"=")?;
            w.value(&hex)?;
            w.value(if req.tls { b"; Path=/; HttpOnly; Secure" } else { b"; Path=/; HttpOnly" })
        })?;
        self.state.phase = Phase::CpeRequests;
        self.state.version = version;
        self.state.device = device;
        self.state.hold = hold;
        self.push(Event::Informed { device, version });
        Ok(reply(200, len, false))
    }

    /// `Ok(Ok(user length))` when authenticated (or no auth configured),
    /// `Ok(Err(reply))` with the challenge to send otherwise.
    fn authenticate<P: AcsPolicy, const N: usize>(
        &mut self,
        io: &mut Io<'_, '_, '_, P, N>,
        req: &HttpRequest<'_>,
        user_buf: &mut [u8],
    ) -> Result<Result<Option<usize>, Reply>, Internal> {
        let config = io.env.config;
        let cfg = &config.digest;
        let basic = match config.auth {
            AuthMode::None => return Ok(Ok(None)),
            AuthMode::Digest => false,
            AuthMode::BasicOverTls => req.tls,
        };
        let mut user_len = None;
        let (pol, len_out) = (&mut *io.policy, &mut user_len);
        // FnOnce: the password borrowed from the policy outlives the call.
        let lookup = move |u: &str| {
            if let Some(dst) = user_buf.get_mut(..u.len()) {
                dst.copy_from_slice(u.as_bytes());
                *len_out = Some(u.len());
            }
            let pol = pol;
            pol.password(u)
        };
        let now_s = io.env.now.as_millis() / 1000;
        let verdict = match req.authorization {
            None => None,
            Some(a) if basic => verify_basic(a, cfg.allow_empty_password, lookup).ok(),
            Some(a) => io.env.verifier.verify(cfg, now_s, "POST", req.target, a, lookup).ok(),
        };
        if verdict == Some(Verdict::Authorized) {
            return Ok(Ok(user_len));
        }
        if req.authorization.is_some() && verdict.is_none() {
            self.state.auth_failures = self.state.auth_failures.saturating_add(1);
        }
        let close = self.state.auth_failures >= config.max_auth_failures;
        if basic {
            if cfg.realm.bytes().any(|b| b == b'"' || b == b'\\') {
                return Err(Internal);
            }
            io.head.header_with("WWW-Authenticate", |w| {
                w.value(b"Basic realm=\"")?;
                w.value(cfg.realm.as_bytes())?;
                w.value(b"\"")
            })?;
        } else {
            let stale = verdict == Some(Verdict::Stale);
            io.env.verifier.challenge(cfg, now_s, &io.env.random, stale, io.head)?;
        }
        if close {
            self.end(EndReason::AuthFailed);
        }
        Ok(Err(reply(401, 0, close)))
    }

    /// A CPE request after the Inform.
    fn cpe_request<P: AcsPolicy, const N: usize>(
        &mut self,
        io: &mut Io<'_, '_, '_, P, N>,
        msg: &Envelope<'_>,
        rpc: &Rpc<'_>,
    ) -> Step {
        let version = self.state.version;
        let method = rpc.method();
        let answer: Result<Rpc<'_>, FaultCode> = match rpc {
            Rpc::GetRpcMethods(GetRpcMethods) => Ok(Rpc::GetRpcMethodsResponse(GetRpcMethodsResponse {
                method_list: cwmp_soap::List::Slice(&ACS_METHOD_NAMES),
            })),
            Rpc::Invalid(i) => Err(i.fault(Role::Acs)),
            Rpc::Unknown(u) => Err(u.fault(Role::Acs)),
            _ => match method.and_then(accepted_response) {
                Some(resp) => io.policy.cpe_request(self.state.device, msg).map(|()| resp),
                None => Err(FaultCode::new(8000)),
            },
        };
        // The CPE's namespace, unless the answer is not defined there (an
        // AutonomousTransferComplete sent in cwmp-1-0): then the session's.
        let mut reply_version = msg.version_in_session(version);
        let r = match answer {
            Ok(resp) => {
                if let Some(m) = resp.method()
                    && m.since() > reply_version
                    && m.since().namespace() != reply_version.namespace()
                {
                    reply_version = version;
                }
                self.push(Event::CpeRequest { method, fault: None });
                answer_under(reply_version, msg.header.id, self.holding(), Body::Rpc(resp), io.out)?
            }
            Err(code) => {
                self.push(Event::CpeRequest { method, fault: Some(code) });
                self.fault_reply(reply_version, msg.header.id, code, io.out)?
            }
        };
        Ok(r)
    }

    /// A message that is not a CPE request: the answer to our outstanding
    /// request (a response, or a fault when `fault` is set).
    fn answer<P: AcsPolicy, const N: usize>(
        &mut self,
        io: &mut Io<'_, '_, '_, P, N>,
        msg: &Envelope<'_>,
        fault: Option<&Fault<'_>>,
    ) -> Step {
        if let Some(o) = self.state.outstanding.take() {
            let ours = id_text(o.id);
            let id_ok = msg.header.id.is_none_or(|id| id == ours.as_str());
            let completion = match (&msg.body, fault) {
                (_, Some(f)) if id_ok => Completion::Fault(f),
                (Body::Rpc(rpc), None) if id_ok && answers(rpc, o.method) => Completion::Response(msg),
                _ => Completion::Failed(Outcome::Mismatched),
            };
            self.complete(io.policy, o, completion);
        }
        // A stray response or fault with nothing outstanding is ignored:
        // the CPE gets our next request (or the end).
        self.phase_acs();
        self.send_next(io)
    }

    /// The CPE's empty POST: it has no (more) requests.
    fn cpe_done<P: AcsPolicy, const N: usize>(&mut self, io: &mut Io<'_, '_, '_, P, N>) -> Step {
        if let Some(o) = self.state.outstanding.take() {
            self.complete(io.policy, o, Completion::Failed(Outcome::Mismatched));
        }
        self.phase_acs();
        self.send_next(io)
    }

    fn phase_acs(&mut self) {
        self.state.phase = Phase::AcsRequests;
    }

    /// A message that does not decode. When it carries the ID of our
    /// outstanding request it was meant as the answer: the request failed,
    /// go on. Otherwise it was a CPE request: answer the fault.
    fn undecodable<P: AcsPolicy, const N: usize>(
        &mut self,
        io: &mut Io<'_, '_, '_, P, N>,
        body: &[u8],
        e: &DecodeError,
    ) -> Step {
        if let Some(o) = self.state.outstanding {
            let ours = id_text(o.id);
            if e.id(body).is_some_and(|id| id == ours.as_str()) {
                self.state.outstanding = None;
                self.complete(io.policy, o, Completion::Failed(Outcome::Undecodable(e.fault(Role::Acs))));
                return self.send_next(io);
            }
        }
        self.push(Event::CpeRequest { method: None, fault: Some(e.fault(Role::Acs)) });
        self.decode_fault(body, e, self.state.version, io.out)
    }

    /// The fault answering a request that failed to decode with `e`.
    fn decode_fault(&mut self, body: &[u8], e: &DecodeError, version: CwmpVersion, out: &mut [u8]) -> Step {
        if e.kind == DecodeErrorKind::MustUnderstand {
            let n = encode_must_understand_fault(out, version, e.id(body)).map_err(|_| Internal)?;
            return Ok(reply(200, n, false));
        }
        self.fault_reply(version, e.id(body), e.fault(Role::Acs), out)
    }

    fn fault_reply(&mut self, version: CwmpVersion, id: Option<Text<'_>>, code: FaultCode, out: &mut [u8]) -> Step {
        answer_under(version, id, self.holding(), Body::Fault(Fault::new(code)), out)
    }

    /// The HoldRequests header of an answer: a hold stays on every message
    /// until the engine releases it (an envelope without it would release).
    fn holding(&self) -> Option<bool> {
        self.state.hold.then_some(true)
    }

    /// Reports `o` as done.
    fn complete<P: AcsPolicy>(&mut self, policy: &mut P, o: Outstanding, completion: Completion<'_, '_>) {
        let outcome = match completion {
            Completion::Response(_) => Outcome::Response,
            Completion::Fault(f) => Outcome::Fault(f.detail.fault_code),
            Completion::Failed(o) => o,
        };
        if matches!(outcome, Outcome::Response | Outcome::Fault(_)) {
            self.state.completed = self.state.completed.saturating_add(1);
        }
        if !o.release {
            policy.on_response(self.state.device, o.id, o.method, completion);
            self.push(Event::RpcCompleted { id: o.id, method: o.method, outcome });
        }
    }

    /// Sends the next queued request, the release of a hold, or 204.
    fn send_next<P: AcsPolicy, const N: usize>(&mut self, io: &mut Io<'_, '_, '_, P, N>) -> Step {
        // Each refused entry is reported and passed over; the bound keeps a
        // caller whose queue keeps yielding unsendable entries from looping.
        for _ in 0..MAX_UNSENDABLE {
            let id = self.state.next_id;
            self.state.next_id = id.wrapping_add(1).max(1);
            let Some(q) = io.policy.next_request(self.state.device, id) else {
                if self.state.hold {
                    // The CPE still holds its requests: release it (a
                    // harmless request without HoldRequests) before the
                    // session can end, or its held requests never go.
                    return self.send(id, Rpc::GetRpcMethods(GetRpcMethods), false, true, io.out);
                }
                self.end(EndReason::Completed);
                return Ok(reply(204, 0, false));
            };
            let sendable = acs_request(&q.rpc)
                .filter(|m| m.since() <= self.state.version || m.since().namespace() == self.state.version.namespace());
            let (rpc, hold) = (q.rpc, q.hold_requests);
            if let Some(method) = sendable {
                match self.send(id, rpc, hold, false, io.out) {
                    Ok(r) => return Ok(r),
                    Err(_) => {
                        let o = Outstanding { id, method, release: false };
                        self.complete(io.policy, o, Completion::Failed(Outcome::NotSent));
                    }
                }
            } else {
                let method = rpc.method().unwrap_or(Method::GetRpcMethods);
                let o = Outstanding { id, method, release: false };
                self.complete(io.policy, o, Completion::Failed(Outcome::NotSent));
            }
        }
        self.end(EndReason::Internal);
        Ok(reply(500, 0, true))
    }

    fn send(&mut self, id: u32, rpc: Rpc<'_>, hold: bool, release: bool, out: &mut [u8]) -> Step {
        let idbuf = id_text(id);
        let method = rpc.method().ok_or(Internal)?;
        let msg = Envelope {
            version: self.state.version,
            header: Header {
                id: Some(Text::plain(&idbuf)),
                // Once held, say so on every message until released.
                hold_requests: if hold { Some(true) } else { self.state.hold.then_some(false) },
                ..Header::default()
            },
            body: Body::Rpc(rpc),
        };
        let n = msg.encode(out).map_err(|_| Internal)?;
        self.state.hold = hold;
        self.state.outstanding = Some(Outstanding { id, method, release });
        Ok(reply(200, n, false))
    }

    fn end(&mut self, reason: EndReason) {
        if self.is_ended() {
            return;
        }
        if let Some(o) = self.state.outstanding.take()
            && !o.release
        {
            self.push(Event::RpcCompleted { id: o.id, method: o.method, outcome: Outcome::NoResponse });
        }
        self.state.phase = Phase::Ended;
        self.state.end = Some(reason);
        self.push(Event::Ended { reason, completed: self.state.completed });
    }

    fn push(&mut self, e: Event) {
        // Full only when the caller never drains: the oldest event goes
        // (the session's end is always kept, being the newest).
        if self.events.is_full() {
            self.events.pop_front();
        }
        let _ = self.events.push_back(e);
    }
}

/// Unsendable queue entries passed over in one exchange before the session gives up.
const MAX_UNSENDABLE: usize = 16;

const ACS_METHOD_NAMES: [Text<'static>; 7] = {
    let mut out = [Text::Plain(""); 7];
    let mut i = 0;
    while i < ACS_METHODS.len() {
        out[i] = Text::Plain(ACS_METHODS[i].name());
        i += 1;
    }
    out
};

/// `body` answering a CPE message under its `id`, in `version`; without
/// the ID when it cannot be echoed (over a cap): the answer still goes.
fn answer_under(
    version: CwmpVersion,
    id: Option<Text<'_>>,
    hold_requests: Option<bool>,
    body: Body<'_>,
    out: &mut [u8],
) -> Step {
    let msg = Envelope { version, header: Header { id, hold_requests, ..Header::default() }, body };
    match msg.encode(out) {
        Ok(n) => Ok(reply(200, n, false)),
        Err(_) if id.is_some() => answer_under(version, None, hold_requests, body, out),
        Err(_) => Err(Internal),
    }
}

/// The requests a CPE sends (Inform handled apart).
fn is_cpe_request(rpc: &Rpc<'_>) -> bool {
    match rpc {
        Rpc::Unknown(_) => true,
        Rpc::Invalid(i) => !i.method.name().ends_with("Response"),
        _ => rpc.method().is_some_and(|m| !m.name().ends_with("Response")),
    }
}

fn deadline(now: Instant, config: &AcsConfig<'_>) -> Instant {
    now.checked_add(config.session_timeout).unwrap_or(Instant::from_millis(u64::MAX))
}

fn first8(r: &[u8; 16]) -> [u8; 8] {
    let mut out = [0u8; 8];
    out.copy_from_slice(r.get(..8).unwrap_or(&[0; 8]));
    out
}

fn hex_u64(v: u64, out: &mut [u8; 16]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in out.iter_mut().enumerate() {
        let nibble = (v >> (60 - 4 * i)) & 0xf;
        *b = HEX.get(nibble as usize).copied().unwrap_or(b'0');
    }
}
