//! Shared types of the TR-069 CPE WAN Management Protocol (CWMP).
//!
//! `cwmp-core` is the bottom layer of the cwmp-rs crate family. It holds the
//! vocabulary every other layer speaks, with no I/O, no heap and no `unsafe`:
//!
//! | module | what it models |
//! |---|---|
//! | [`version`] | CWMP versions 1.0–1.4 and their three namespace URIs |
//! | [`event`] | Inform event codes (`0 BOOTSTRAP` … `14 HEARTBEAT`, `M <Method>`, `X <OUI> <event>`) |
//! | [`fault`] | CPE (9xxx) and ACS (8xxx) fault codes and their fault strings |
//! | [`datetime`] | `xsd:dateTime`, including the Unknown Time and malformed device forms |
//! | [`types`] | TR-106 parameter types and borrowed typed values |
//! | [`device`] | the `DeviceIdStruct` of an Inform |
//! | [`limits`] | every bound the parsers enforce, with schema-derived defaults |
//! | [`time`] | a caller-supplied monotonic [`Instant`] and [`Duration`] |
//!
//! ```
//! use cwmp_core::{EventCode, FaultCode, DateTime};
//!
//! let ev = EventCode::parse("1 BOOT").unwrap();
//! assert_eq!(ev, EventCode::Boot);
//! assert_eq!(FaultCode::INVALID_PARAMETER_NAME.fault_string(), Some("Invalid parameter name"));
//! let t = DateTime::parse("2024-02-29T23:59:60Z").unwrap_err(); // leap seconds are not xsd
//! # let _ = t;
//! ```
//!
//! # Features
//!
//! * `defmt`: derives `defmt::Format` on the public types, for logging on
//!   embedded targets.
//!
//! There is no `std` feature: nothing here needs one (errors implement
//! `core::error::Error`, which is `std::error::Error`).
#![no_std]
#![forbid(unsafe_code)]
// No panics a peer can reach: unwrap/expect only in tests and doc examples.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(test)]
extern crate std;

pub mod datetime;
pub mod decimal;
pub mod device;
pub mod event;
pub mod fault;
pub mod limits;
pub mod text;
pub mod time;
pub mod types;
pub mod version;

pub use datetime::{DateTime, DateTimeError, DateTimeMode};
pub use decimal::Decimal;
pub use device::DeviceId;
pub use event::{EventCode, EventCodeError, EventKind};
pub use fault::{FaultCode, FaultKind, SoapFaultCode};
pub use limits::Limits;
pub use text::TextSource;
pub use time::{Duration, Instant};
pub use types::{ParamType, Value, ValueError};
pub use version::CwmpVersion;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
