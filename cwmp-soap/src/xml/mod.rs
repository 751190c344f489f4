//! A zero-allocation, resumable, namespace-resolving XML tokenizer for SOAP.
//!
//! * Pull events over `&[u8]`, borrowed from the input: [`Event::Start`],
//!   [`Event::Empty`], [`Event::End`], [`Event::Text`], [`Event::CData`].
//!   Comments are skipped; the XML declaration is checked and consumed.
//! * Names resolve to (namespace name, local part) through a fixed-capacity
//!   binding stack: prefixes never matter ([`Name::is`]).
//! * Resumable like `httparse`: [`Reader::next`] takes everything received so
//!   far and answers [`Step::NeedMore`] when a token is cut off; any chunking
//!   yields the events of the whole-input parse, without rescanning.
//! * Text and attribute values are borrowed raw and decoded lazily
//!   ([`Text::unescape_into`], [`Text::chunks`]); they were validated when
//!   read (UTF-8, XML 1.0 `Char`, references).
//! * Hostile input is rejected with an [`XmlError`] carrying a byte offset:
//!   `<!DOCTYPE`, processing instructions, unknown entities, bad character
//!   references, mismatched tags, invalid UTF-8, and every bound of
//!   [`cwmp_core::Limits`]. Iterative, never recursive; never panics.
//! * Real-device deviations are accepted through [`Quirks`].
//!
//! ```
//! use cwmp_soap::xml::{Event, Reader, ns};
//!
//! let doc = br#"<?xml version="1.0" encoding="UTF-8"?>
//! <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0">
//!   <s:Header><c:ID s:mustUnderstand="1">42</c:ID></s:Header>
//! </s:Envelope>"#;
//! let mut r: Reader = Reader::default();
//! let mut id = None;
//! while let Some(ev) = r.next_complete(doc).unwrap().event() {
//!     if let Event::Start(t) = ev {
//!         if t.name().is(ns::CWMP_1_0, "ID") {
//!             let mu = t.attribute(&r, Some(ns::SOAP_ENV), "mustUnderstand").unwrap().unwrap();
//!             assert_eq!(mu.raw(), "1");
//!             id = r.next_complete(doc).unwrap().event();
//!         }
//!     }
//! }
//! let Some(Event::Text(id)) = id else { panic!() };
//! assert_eq!(id.raw(), "42");
//! ```

pub(crate) mod chars;
mod error;
mod event;
mod namespace;
mod options;
mod reader;
mod text;

pub use error::{XmlError, XmlErrorKind};
pub use event::{Attribute, Attributes, EndTag, Event, Name, StartTag, Step};
pub use namespace::ns;
pub use options::{Options, Quirks};
pub use reader::{Events, Reader};
pub use text::{Chunk, ChunkBytes, Chunks, EncodedChar, Text};
