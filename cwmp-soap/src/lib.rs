//! SOAP and XML for TR-069 (CWMP): a zero-allocation, resumable, hardened XML
//! tokenizer with namespace resolution, the SOAP 1.1 envelope with the CWMP
//! headers, and typed encode/decode of every TR-069 RPC in both directions.
//!
//! * [`envelope`]: [`Envelope`] = version + [`Header`] + [`Body`] (an [`Rpc`]
//!   or a SOAP [`Fault`]); `encode` into a caller buffer, `decode` borrowing
//!   from the input.
//! * [`rpc`]: one [`Rpc`] variant per TR-069 Amendment 6 method, request and
//!   response, generated from a single table; unknown/vendor methods decode
//!   to [`rpc::UnknownRpc`].
//! * [`structs`]: the schema's struct types (`ParameterValueStruct` …).
//! * [`Text`] and [`List`]: strings and lists that are lazy views when
//!   decoded and caller data when encoded, equal by content.
//! * [`writer`]: the escaping-by-construction XML writer; [`facet`]: the
//!   schema patterns and enumerations the encoder enforces per namespace.
//! * [`resumable`]: the resumable encoder for list-heavy messages (GPV/GPN/GPA
//!   responses, SetParameterValues, Inform, any message with one SOAP
//!   array): fills whatever buffer it is given, pulling entries from a
//!   lending [`resumable::EntrySource`].
//! * [`decode`]: typed decoding. The tokenizer ([`xml`]) validates the whole
//!   body first; the typed layer then walks the validated bytes, borrowing
//!   everything. [`decode::DecodeOptions::quirks`] says which device
//!   quirks ([`quirk::Quirk`]) are accepted (all by default); the others are
//!   errors. A known method whose arguments do not decode is
//!   [`rpc::InvalidRpc`] unless [`quirk::Quirk::InvalidArguments`] is refused
//!   (enough to answer fault 9003 under the request's ID:
//!   [`DecodeError::fault`], [`DecodeError::id`]).
//!
//! Nothing here allocates: encode writes into a caller buffer (reporting the
//! exact size needed when it is too small), decode borrows from the input.
//!
//! ```
//! use cwmp_core::{CwmpVersion, ParamType};
//! use cwmp_soap::structs::ParameterValueStruct;
//! use cwmp_soap::rpc::{GetParameterValuesResponse, Rpc};
//! use cwmp_soap::{Body, Envelope, Header, List, ParamValue, Text};
//!
//! let params = [ParameterValueStruct {
//!     name: Text::plain("Device.DeviceInfo.SoftwareVersion"),
//!     value: ParamValue::new(ParamType::String, Text::plain("1.0 <beta>")),
//! }];
//! let msg = Envelope {
//!     // 1.2–1.4 share the cwmp-1-2 namespace; 1.3/1.4 are recognised by
//!     // their headers (SessionTimeout, SupportedCWMPVersions, UseCWMPVersion).
//!     version: CwmpVersion::V1_4,
//!     header: Header { id: Some(Text::plain("7")), use_cwmp_version: Some(Text::plain("1.4")), ..Header::default() },
//!     body: Body::Rpc(Rpc::GetParameterValuesResponse(GetParameterValuesResponse {
//!         parameter_list: List::from(&params),
//!     })),
//! };
//! let mut buf = [0u8; 2048];
//! let n = msg.encode(&mut buf).unwrap();
//! let wire = &buf[..n];
//! assert!(core::str::from_utf8(wire).unwrap().contains("1.0 &lt;beta&gt;"));
//!
//! let back = Envelope::decode(wire).unwrap();
//! assert_eq!(back, msg); // lists and strings compare by content
//! let Body::Rpc(Rpc::GetParameterValuesResponse(r)) = back.body else { unreachable!() };
//! let first = r.parameter_list.iter().next().unwrap();
//! assert_eq!(first.value.text, "1.0 <beta>");
//! ```
//!
//! # Features
//!
//! * `std`: switches `memchr` (the tokenizer's byte searches) to its std
//!   build, which detects SIMD support at run time (AVX2 on x86-64); decoded
//!   results are identical. Nothing else changes: no API is added.
//! * `defmt`: derives `defmt::Format` on the public types, for logging on
//!   embedded targets.
#![no_std]
#![forbid(unsafe_code)]
// No panics a peer can reach: unwrap/expect only in tests and doc examples.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![deny(missing_docs)]

#[cfg(any(feature = "std", test))]
extern crate std;

mod codec;
pub mod decode;
pub mod envelope;
pub mod error;
pub mod facet;
mod layout;
pub mod list;
pub mod quirk;
pub mod resumable;
pub mod rpc;
mod scan;
pub mod structs;
pub mod text;
mod validate;
pub mod writer;
pub mod xml;

pub use codec::{ParamValue, XsiType};
pub use decode::DecodeOptions;
pub use envelope::{Body, Envelope, Fault, Header, Role};
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use list::{List, ListPos};
pub use rpc::{Method, Rpc};
pub use text::Text;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
