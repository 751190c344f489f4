//! The ACS side of a CWMP session (a TR-069 transaction session), Sans-IO, `no_std`, no
//! allocation: an ACS author writes policy and storage ([`AcsPolicy`]);
//! everything protocol is here.
//!
//! One [`AcsSession`] per CWMP session. The caller owns sockets, clock,
//! randomness, the Digest nonce table ([`DigestVerifier`](crate::auth::DigestVerifier))
//! and the store; the session is plain data that serializes to
//! [`SESSION_STATE_LEN`] bytes ([`AcsSession::to_bytes`]), so a server can
//! park it anywhere between two HTTP exchanges and continue on another node.
//!
//! What the engine does, per TR-069:
//!
//! * authenticates the Inform's POST (Digest, or Basic over TLS, by
//!   [`AuthMode`]; passwords come from [`AcsPolicy::password`]; unknown
//!   devices are the caller's decision in [`AcsPolicy::admit`]);
//! * decodes the Inform and answers InformResponse (MaxEnvelopes 1) in the
//!   CPE's namespace, negotiating the version: UseCWMPVersion when the CPE
//!   sent SupportedCWMPVersions, fault 8006 when no version is common;
//! * answers TransferComplete, AutonomousTransferComplete,
//!   DUStateChangeComplete, AutonomousDUStateChangeComplete and
//!   RequestDownload (after [`AcsPolicy::cpe_request`]) and GetRPCMethods;
//!   any other CPE request gets fault 8000, undecodable ones the fault of
//!   their error (8003/8004) under their `cwmp:ID`;
//! * after the CPE's empty POST, sends the caller's queued RPCs
//!   ([`AcsPolicy::next_request`]) one at a time with IDs, correlates each
//!   response or fault by ID and method ([`AcsPolicy::on_response`]),
//!   honours HoldRequests (a hold is always released before the session
//!   ends), and answers 204 only when nothing is queued;
//! * identifies the session by the `cwmpsid` cookie it sets when the CPE
//!   returns it ([`session_cookie`]), else by the connection: a CPE that
//!   keeps the cookie may reconnect until the timeout, one that does not
//!   loses the session with the connection. Only the Inform is
//!   authenticated: later requests are bound to the session by the
//!   connection or by the cookie (64 bits of the caller's randomness), so
//!   over plain HTTP a sniffed cookie could continue a session — use TLS;
//! * reports each completed RPC and the end of the session as typed
//!   [`Event`]s ([`AcsSession::poll_event`]) and times out
//!   ([`AcsSession::poll_timeout`], [`AcsSession::handle_timeout`]).
//!
//! Two ways in: at the level of an HTTP request ([`HttpRequest`] →
//! [`Reply`]: status, header lines, body), for a hyper or axum server that
//! already parsed the request; or on raw bytes with this crate's HTTP
//! framing ([`raw::read_request`], [`raw::write_response`]), for `no_std`
//! and tests. Run loop:
//!
//! 1. read a request; look up its session by [`HttpRequest::cookie`]
//!    ([`session_cookie`]), else the connection's, else start
//!    [`AcsSession::new`];
//! 2. [`AcsSession::handle_request`] writes the reply into caller buffers;
//!    send it;
//! 3. drain [`AcsSession::poll_event`]; park the session
//!    ([`AcsSession::to_bytes`]) or keep it; when
//!    [`AcsSession::is_ended`], drop it;
//! 4. on a timer at [`AcsSession::poll_timeout`] call
//!    [`AcsSession::handle_timeout`]; when the connection breaks call
//!    [`AcsSession::handle_connection_closed`].
//!
//! At the HTTP level (what a hyper or axum handler does with its parsed
//! request), one Inform answered:
//!
//! ```
//! use cwmp_core::{FaultCode, Instant};
//! use cwmp_session::acs::*;
//! use cwmp_session::auth::DigestVerifier;
//! use cwmp_session::http::head::Method as HttpMethod;
//! use cwmp_soap::{Envelope, Method};
//!
//! struct Store; // the caller's: devices, queue, results
//! impl AcsPolicy for Store {
//!     fn password(&mut self, _user: &str) -> Option<&[u8]> { None }
//!     fn admit(&mut self, _inform: &Envelope<'_>, _user: Option<&str>) -> Admission {
//!         Admission::Accept { device: DeviceRef(1), hold_requests: false }
//!     }
//!     fn cpe_request(&mut self, _: DeviceRef, _: &Envelope<'_>) -> Result<(), FaultCode> { Ok(()) }
//!     fn next_request(&mut self, _: DeviceRef, _id: u32) -> Option<Queued<'_>> { None }
//!     fn on_response(&mut self, _: DeviceRef, _: u32, _: Method, _: Completion<'_, '_>) {}
//! }
//!
//! let config = AcsConfig { auth: AuthMode::None, ..AcsConfig::new("acs") };
//! let mut nonces = DigestVerifier::<16>::new(); // ACS-wide
//! let now = Instant::from_secs(1);
//! let mut session = AcsSession::new(SessionId(0x5eed), now, &config);
//! let inform = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0"><s:Header><c:ID s:mustUnderstand="1">42</c:ID></s:Header><s:Body><c:Inform><DeviceId><Manufacturer>ACME</Manufacturer><OUI>00D09E</OUI><ProductClass>GW</ProductClass><SerialNumber>1</SerialNumber></DeviceId><Event/><MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2026-12-04T12:00:00Z</CurrentTime><RetryCount>0</RetryCount><ParameterList/></c:Inform></s:Body></s:Envelope>"#;
//! let req = HttpRequest { method: HttpMethod::Post, target: "/", authorization: None, cookie: None, body: inform, tls: false };
//! let (mut body, mut head) = ([0u8; 2048], [0u8; 256]);
//! let mut env = Env { config: &config, verifier: &mut nonces, now, random: [9; 16] };
//! let reply = session.handle_request(&mut env, &req, &mut Store, &mut body, &mut head);
//! assert_eq!(reply.status, 200);
//! let xml = core::str::from_utf8(&body[..reply.body_len]).unwrap();
//! assert!(xml.contains("<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes>") && xml.contains(">42</cwmp:ID>"));
//! let (name, value) = reply.headers(&head).next().unwrap();
//! assert_eq!((name, value), ("Set-Cookie", &b"cwmpsid=0000000000005eed; Path=/; HttpOnly"[..]));
//! assert_eq!(session.poll_event(), Some(Event::Informed { device: DeviceRef(1), version: cwmp_core::CwmpVersion::V1_0 }));
//! ```
//!
//! Raw mode leaves `Expect: 100-continue` to the caller, who owns the
//! socket: while [`raw::read_request`] says `Partial`, [`raw::wants_continue`]
//! tells when to send [`Response::CONTINUE`](crate::http::write::Response::CONTINUE).
//!
//! Helpers ACSes need: [`plan::GpvBisect`] turns a GetParameterValues that
//! faulted for one bad name into a bisect-and-retry plan,
//! [`plan::GpnWalk`] discovers a device's tree level by level, and
//! [`cr::ConnectionRequestTarget`] builds the connection-request target
//! (HTTP URL + credentials, or UDP address) from the device's Inform.

pub mod cr;
mod engine;
mod event;
pub mod plan;
mod policy;
pub mod raw;
mod state;

pub use engine::{AcsConfig, AcsSession, AuthMode, Env, HttpRequest, Reply, SessionId, session_cookie};
pub use event::{EndReason, Event, Outcome};
pub use policy::{AcsPolicy, Admission, Completion, DeviceRef, Queued};
pub use state::{Phase, SESSION_STATE_LEN, StateError};
