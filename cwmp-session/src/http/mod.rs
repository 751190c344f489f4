//! HTTP/1.1 for CWMP, Sans-IO, both roles: the caller moves bytes, this
//! module reads and writes them. No allocation, no panics on any input;
//! every bound ([`HttpLimits`]) crossed is a typed [`HttpError`].
//!
//! - Reading: [`head::parse_response`] (client) and [`head::parse_request`]
//!   (server) parse a head with `httparse` into caller-provided header
//!   arrays, returning [`Parsed::Partial`] until the head is complete; then a
//!   [`BodyReader`] removes `Content-Length` or chunked framing incrementally.
//! - Writing: [`write::HeadWriter`] with [`write::CwmpRequest`] (the CPE's
//!   POST, the ACS's connection-request GET) and [`write::Response`]; bodies
//!   of unknown length stream through [`chunked::ChunkFrame`].
//! - Session helpers: [`cookie::CookieJar`], [`redirect::Redirects`],
//!   [`url::Url`]. Authentication lives in [`crate::auth`].
//!
//! One exchange, client side, driven with bytes:
//!
//! ```
//! use cwmp_session::http::{self, BodyReader, HttpLimits, Parsed};
//! use cwmp_session::http::head::{self, Method, Quirks, EMPTY_HEADER};
//! use cwmp_session::http::write::{BodyLength, CwmpRequest, HeadWriter, SoapAction};
//!
//! // Write the head of an Inform POST.
//! let mut out = [0u8; 256];
//! let mut w = HeadWriter::new(&mut out);
//! CwmpRequest {
//!     method: Method::Post, target: "/acs", host: "acs.example.net", user_agent: Some("cpe/1"),
//!     body: BodyLength::Length(512), soap_action: SoapAction::Empty, close: false,
//! }
//! .write(&mut w)?;
//! let head_len = w.finish()?;
//! assert!(out[..head_len].starts_with(b"POST /acs HTTP/1.1\r\nHost: acs.example.net\r\n"));
//!
//! // Read the answer as it arrives, here in two pieces.
//! let wire = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<a/>\n\r\n0\r\n\r\n";
//! let limits = HttpLimits::DEFAULT;
//! let mut headers = [EMPTY_HEADER; 16];
//! assert!(matches!(head::parse_response(&wire[..20], &mut headers, &limits, Quirks::STRICT, false)?, Parsed::Partial));
//! let Parsed::Complete(resp) = head::parse_response(wire, &mut headers, &limits, Quirks::STRICT, false)? else {
//!     unreachable!()
//! };
//! assert_eq!(resp.status, 200);
//! let mut body = BodyReader::new(resp.framing, limits)?;
//! let mut rest = &wire[resp.head_len..];
//! let mut soap = [0u8; 16];
//! let mut n = 0;
//! while !body.is_done() {
//!     let step = body.read(rest)?;
//!     soap[n..n + step.data.len()].copy_from_slice(step.data);
//!     n += step.data.len();
//!     rest = &rest[step.consumed..];
//! }
//! assert_eq!(&soap[..n], b"<a/>\n");
//! # Ok::<(), http::HttpError>(())
//! ```

pub mod body;
pub mod chunked;
pub mod cookie;
mod error;
pub mod head;
mod limits;
pub mod redirect;
pub mod url;
pub mod write;

pub use body::{BodyReader, BodyStep, Framing};
pub use error::HttpError;
pub use head::Parsed;
pub use limits::HttpLimits;
