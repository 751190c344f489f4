//! Sans-IO CWMP sessions (TR-069): HTTP/1.1 framing and authentication, the
//! CPE and ACS session state machines, event queue, retry and periodic
//! inform, transfers and connection requests (HTTP, UDP/STUN, XMPP), all
//! driven by the caller with bytes and timers.
//!
//! **Status:** this crate is the next layer to be built; it has no public API
//! yet. The message layer ([`cwmp_soap`]) and the data model ([`cwmp_model`])
//! come first. It exists now so that the workspace layout, the no_std build
//! matrix and the dependency direction are fixed from the start.
//!
//! # Features
//!
//! * `std`: forwards `std` to `cwmp-soap` (run-time SIMD detection in
//!   `memchr`) and `cwmp-model` (the CSV loader); adds nothing here yet.
//! * `defmt`: derives `defmt::Format` on the public types (and enables it in
//!   the crates below).
#![no_std]
#![forbid(unsafe_code)]
// No panics a peer can reach: unwrap/expect only in tests and doc examples.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![deny(missing_docs)]

#[cfg(any(feature = "std", test))]
extern crate std;

pub use cwmp_core as core_types;
