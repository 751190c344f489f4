//! Sans-IO CWMP sessions (TR-069): HTTP/1.1 framing and authentication, the
//! CPE and ACS session state machines, event queue, retry and periodic
//! inform, transfers and connection requests (HTTP, UDP/STUN, XMPP), all
//! driven by the caller with bytes and timers.
//!
//! **Status:** this crate is the next layer to be built; its session API
//! does not exist yet. The message layer ([`cwmp_soap`]) and the data model ([`cwmp_model`])
//! come first. It exists now so that the workspace layout, the no_std build
//! matrix and the dependency direction are fixed from the start.
//!
//! The CPE session's building blocks exist: [`cpe`] (pending events and
//! their retention, session retry, periodic and scheduled Informs, the
//! transfer queue, the persisted image) and [`dhcp`] (the CWMP information
//! of DHCPv4 options 43 / 125 and DHCPv6 option 17).
#![no_std]
#![forbid(unsafe_code)]
// No panics a peer can reach: unwrap/expect only in tests and doc examples.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![deny(missing_docs)]

#[cfg(any(feature = "std", test))]
extern crate std;

pub use cwmp_core as core_types;

pub mod cpe;
pub mod dhcp;
