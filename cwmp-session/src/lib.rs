//! Sans-IO CWMP sessions (TR-069): HTTP/1.1 framing and authentication, the
//! CPE and ACS session state machines, event queue, retry and periodic
//! inform, transfers and connection requests (HTTP, UDP/STUN, XMPP), all
//! driven by the caller with bytes and timers.
//!
//! **Status:** the HTTP layer, the CPE session's building blocks and the
//! connection requests are built; the CPE and ACS session state machines
//! come next and build on them.
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
