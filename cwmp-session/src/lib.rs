//! Sans-IO CWMP sessions (TR-069): HTTP/1.1 framing and authentication, the
//! CPE and ACS session state machines, event queue, retry and periodic
//! inform, transfers and connection requests (HTTP, UDP/STUN, XMPP), all
//! driven by the caller with bytes and timers.
//!
//! **Status:** the HTTP layer, the CPE session's building blocks, the
//! CPE session ([`cpe::session::Session`]), the ACS session engine ([`acs`])
//! and the connection requests ([`cr`]) are built; the `acs`, `cpe` and
//! `simulate` programs and the bare-metal firmware image come next.
//!
//! - [`http`]: HTTP/1.1 framing for both roles (request and response heads
//!   with `httparse`, `Content-Length` and chunked bodies read incrementally,
//!   a chunked encoder for streamed SOAP), session cookies, redirects, URLs.
//! - [`auth`]: HTTP authentication for both roles: the client answers Basic
//!   and Digest (RFC 7616: MD5, MD5-sess, SHA-256 and SHA-256-sess with the
//!   `sha256` feature) challenges; the verifier issues Digest challenges and
//!   checks `Authorization` headers (connection-request server, ACS).
//! - [`cpe`]: pending events and their retention, session retry, periodic
//!   and scheduled Informs, the transfer queue, the persisted image.
//! - [`acs`]: the ACS session engine: authenticates and answers the
//!   Inform with version negotiation, answers CPE requests, sends the
//!   caller's queued RPCs one at a time and correlates their answers;
//!   serializable per-session state; GPV bisect, GPN walk and
//!   connection-request targets.
//! - [`dhcp`]: the CWMP information of DHCPv4 options 43 / 125 and DHCPv6
//!   option 17.
//! - [`cr`]: connection requests, both ends: the HTTP listener (Digest
//!   only, rate limit on authenticated requests) and the ACS's client, UDP
//!   connection requests (TR-111) with STUN, XMPP (Annex K), and UDP
//!   lightweight notifications; one [`cr::SessionTrigger`] turns accepted
//!   requests into sessions carrying `6 CONNECTION REQUEST`.
//!
//! # The CPE run loop
//!
//! [`cpe::session::Session`] is the one entry point a CPE links. It owns no
//! socket, clock or RNG: the firmware feeds it, in this order, and then
//! asks it, in this order:
//!
//! 1. **inputs** — `handle_connected(now)` when the connection it asked
//!    for is open, `handle_input(now, bytes)` for every read,
//!    `handle_closed(now)` when the connection closed or failed,
//!    `handle_timeout(now)` when [`poll_timeout`] passed, plus the
//!    application's `connection_request(now)`, `add_event(…)`,
//!    `transfer_complete(…)`;
//! 2. **`poll_transmit(now, buf, &mut cx)`** until it returns 0: it reads
//!    the response that arrived (this is where ACS requests run through
//!    the engine: the [`Context`] lends the engine, the model, the device
//!    identity, credentials, randomness and a value scratch buffer), then
//!    writes the next bytes to send;
//! 3. **`poll_event()`** until `None`: open/close the connection, the
//!    session's end, the effects the ACS asked for (reboot, factory reset,
//!    start a transfer — handed over only after the session ended), and
//!    `Persist` (write `persist(now, buf)` to flash);
//! 4. **`poll_timeout()`**: the one deadline to sleep until.
//!
//! ```
//! use cwmp_core::{DateTime, Instant, ParamType};
//! use cwmp_model::datamodel::NodeKind;
//! use cwmp_model::engine::{Engine, SessionState};
//! use cwmp_model::memory::{MemoryModel, Slot, Undo};
//! use cwmp_model::schema::tr181;
//! use cwmp_session::cpe::session::{Config, Context, DeviceId, Event, Outcome, Session};
//!
//! let (mut slots, mut arena, mut journal) = ([Slot::EMPTY; 32], [0u8; 1024], [Undo::EMPTY; 8]);
//! let mut model = MemoryModel::new(&mut slots, &mut arena, &mut journal);
//! model.insert("Device.ManagementServer.ConnectionRequestURL", NodeKind::Parameter, false, ParamType::String, "http://10.0.0.2/cr").unwrap();
//! let mut engine: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
//! let mut model_session = SessionState::new();
//! let mut scratch = [0u8; 256];
//! let device = DeviceId { manufacturer: "ACME", oui: "00D09E", product_class: "GW", serial_number: "1" };
//!
//! // What the ACS answers, one response per request we send.
//! let inform_response = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" \
//!     xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><s:Header><cwmp:ID s:mustUnderstand=\"1\">1</cwmp:ID></s:Header>\
//!     <s:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse></s:Body></s:Envelope>";
//! let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{inform_response}", inform_response.len());
//! let mut replies = vec![http.into_bytes(), b"HTTP/1.1 204 No Content\r\n\r\n".to_vec()].into_iter();
//!
//! let now = Instant::from_secs(0);
//! let (mut session, _) = Session::<_>::new(None, "http://acs.example.net/acs", Config::DEFAULT, now);
//! let mut buf = [0u8; 2048]; // the largest indivisible piece (see `poll_transmit`)
//! let mut ended = None;
//! while ended.is_none() {
//!     // 2. transmit everything there is (the firmware writes it to its socket).
//!     let mut cx = Context {
//!         engine: &mut engine, model: &mut model, model_session: &mut model_session, device,
//!         credentials: None, current_time: DateTime::UNKNOWN, random: [7; 16], scratch: &mut scratch,
//!     };
//!     let mut sent = 0;
//!     loop {
//!         let n = session.poll_transmit(now, &mut buf, &mut cx).unwrap();
//!         if n == 0 { break; }
//!         sent += n;
//!     }
//!     // 3. events.
//!     let mut connect = false;
//!     while let Some(ev) = session.poll_event() {
//!         match ev {
//!             Event::OpenConnection { url } => { assert_eq!(url, "http://acs.example.net/acs"); connect = true; }
//!             Event::SessionEnded { outcome } => ended = Some(outcome),
//!             Event::Persist => { let mut img = [0u8; 2048]; session.persist(now, &mut img).unwrap(); }
//!             _ => {}
//!         }
//!     }
//!     // 1. inputs: the connection opened, or the ACS's reply to what we sent.
//!     if connect {
//!         session.handle_connected(now);
//!     } else if sent > 0 {
//!         session.handle_input(now, &replies.next().unwrap());
//!     }
//! }
//! assert_eq!(ended, Some(Outcome::Success));
//! // 4. sleep until the next deadline (none here: no retry, no periodic Inform).
//! assert_eq!(session.poll_timeout(), None);
//! ```
//!
//! [`poll_timeout`]: cpe::session::Session::poll_timeout
//! [`Context`]: cpe::session::Context
//!
//! # Features
//!
//! * `std`: forwards `std` to `cwmp-soap` (run-time SIMD detection in
//!   `memchr`) and `cwmp-model` (the CSV loader); adds nothing here yet.
//! * `defmt`: derives `defmt::Format` on the public types (and enables it in
//!   the crates below).
//! * `sha256`: HTTP Digest with SHA-256 and SHA-256-sess (RFC 7616), about
//!   7 KB of flash on thumbv7em.
#![no_std]
#![forbid(unsafe_code)]
// No panics a peer can reach: unwrap/expect only in tests and doc examples.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![deny(missing_docs)]

#[cfg(any(feature = "std", test))]
extern crate std;

pub mod acs;
pub mod auth;
pub mod cpe;
pub mod cr;
pub mod dhcp;
pub mod http;

pub use cwmp_core as core_types;
