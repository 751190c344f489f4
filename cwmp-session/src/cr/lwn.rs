//! UDP lightweight notifications (TR-069 Annex M,
//! `cwmp-UDPLightweightNotification-1-0.xsd`): the CPE encodes, the ACS
//! decodes.
//!
//! The message is one `Notification` element in
//! `urn:broadband-forum-org:cwmp:lwnotif-1-0` (every element is a global
//! element of the schema, so all are qualified: the encoder declares the
//! namespace as the default), with, in order: `TS` (Unix seconds,
//! `xs:int`), `UN` (≤ 256, `ManagementServer.Username`), `CN` (a cnonce),
//! `OUI` (6 upper-case hex digits), `ProductClass` (≤ 64), `SerialNumber`
//! (≤ 64) and one or more `Param` (`Name` ≤ 256, `Value`). The encoder
//! checks every facet and refuses what the schema would; values are written
//! through the escaping writer. Which parameters go in is decided by their
//! Notification attribute: [`is_lightweight`] (3–6).
//!
//! Sending (UDP to `UDPLightweightNotificationHost:Port`) and any signature
//! are the caller's: the XSD defines none and the spec text giving one was
//! not available here.

use cwmp_core::Limits;
use cwmp_model::attributes::Notification;
use cwmp_soap::EncodeError;
use cwmp_soap::text::Text;
use cwmp_soap::writer::Writer;
use cwmp_soap::xml::{self, Event, Options, Reader, XmlError};

/// The namespace.
pub const NS: &str = "urn:broadband-forum-org:cwmp:lwnotif-1-0";

/// A parameter whose Notification attribute asks for lightweight
/// notifications (3, 4, 5, 6).
pub fn is_lightweight(n: Notification) -> bool {
    matches!(
        n,
        Notification::PassiveLightweight
            | Notification::PassiveAndPassiveLightweight
            | Notification::ActiveLightweight
            | Notification::PassiveAndActiveLightweight
    )
}

/// Why a notification could not be written or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum LwnError {
    /// A field breaks its schema facet (what).
    #[error("{field} is not valid: {what}")]
    Invalid {
        /// The element.
        field: &'static str,
        /// The facet.
        what: &'static str,
    },
    /// Writing failed (buffer, or a character XML cannot carry).
    #[error("encoding: {0}")]
    Encode(EncodeError),
    /// Not well-formed, or over a limit.
    #[error("notification is not well-formed: {0}")]
    Xml(XmlError),
    /// Well-formed but not the schema's shape, at byte `at`.
    #[error("unexpected content at byte {at}: expected {what}")]
    Shape {
        /// Offset in the message.
        at: usize,
        /// What was expected.
        what: &'static str,
    },
}

impl From<XmlError> for LwnError {
    fn from(e: XmlError) -> Self {
        LwnError::Xml(e)
    }
}

impl From<EncodeError> for LwnError {
    fn from(e: EncodeError) -> Self {
        LwnError::Encode(e)
    }
}

/// The CPE's identity and the message's fixed fields.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    /// Unix seconds (must fit `xs:int`).
    pub ts: i64,
    /// `ManagementServer.Username`.
    pub un: &'a str,
    /// A fresh cnonce (caller randomness).
    pub cn: &'a str,
    /// `DeviceInfo.ManufacturerOUI`.
    pub oui: &'a str,
    /// `DeviceInfo.ProductClass`.
    pub product_class: &'a str,
    /// `DeviceInfo.SerialNumber`.
    pub serial_number: &'a str,
}

const FIELDS: [(&str, usize); 5] =
    [("UN", 256), ("CN", usize::MAX), ("ProductClass", 64), ("SerialNumber", 64), ("Name", 256)];

fn max_len(field: &str) -> usize {
    FIELDS.iter().find(|(f, _)| *f == field).map_or(usize::MAX, |(_, m)| *m)
}

/// Checks `value` against the length facet of `field` (characters).
fn check_len(field: &'static str, value: &str) -> Result<(), LwnError> {
    if value.chars().count() > max_len(field) {
        return Err(LwnError::Invalid { field, what: "maxLength" });
    }
    Ok(())
}

/// Encodes a notification from `header` and the `(name, value)` pairs of
/// the changed lightweight parameters (at least one); returns its length.
pub fn encode<'p>(
    header: &Header<'_>,
    params: impl IntoIterator<Item = (&'p str, &'p str)>,
    out: &mut [u8],
) -> Result<usize, LwnError> {
    if i32::try_from(header.ts).is_err() {
        return Err(LwnError::Invalid { field: "TS", what: "xs:int" });
    }
    let oui = header.oui.as_bytes();
    if oui.len() != 6 || !oui.iter().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b)) {
        return Err(LwnError::Invalid { field: "OUI", what: "[0-9A-F]{6}" });
    }
    let mut w = Writer::new(out);
    w.raw("<Notification xmlns=\"");
    w.raw(NS);
    w.raw("\"><TS>");
    w.i64(header.ts);
    w.raw("</TS>");
    for (field, v) in [
        ("UN", header.un),
        ("CN", header.cn),
        ("OUI", header.oui),
        ("ProductClass", header.product_class),
        ("SerialNumber", header.serial_number),
    ] {
        check_len(field, v)?;
        w.simple(field, Text::plain(v))?;
    }
    let mut count = 0usize;
    for (name, value) in params {
        check_len("Name", name)?;
        w.open("Param");
        w.simple("Name", Text::plain(name))?;
        w.simple("Value", Text::plain(value))?;
        w.close("Param");
        count += 1;
    }
    if count == 0 {
        return Err(LwnError::Invalid { field: "Param", what: "minOccurs 1" });
    }
    w.raw("</Notification>");
    Ok(w.finish()?)
}

type LwnReader = Reader<6, 8, 4>;

fn reader() -> LwnReader {
    LwnReader::new(&Limits { max_depth: 4, ..Limits::DEFAULT }, Options::STRICT.with_whitespace_text(true))
}

/// A decoded notification (ACS side), borrowing the message.
#[derive(Debug, Clone, Copy)]
pub struct Decoded<'a> {
    input: &'a [u8],
    /// `TS`.
    pub ts: i32,
    /// `UN`, `CN`, `OUI`, `ProductClass`, `SerialNumber` (raw XML text;
    /// `None`: empty element).
    pub fields: [Option<xml::Text<'a>>; 5],
    /// Number of `Param` elements (≥ 1).
    pub param_count: usize,
}

/// The next event that is not white-space text.
fn next<'a>(r: &mut LwnReader, input: &'a [u8]) -> Result<Event<'a>, LwnError> {
    super::next_element(r, input)?.ok_or(LwnError::Shape { at: input.len(), what: "element" })
}

/// `<{NS}name>text</name>`: the text (`None` when empty).
fn simple<'a>(r: &mut LwnReader, input: &'a [u8], name: &'static str) -> Result<Option<xml::Text<'a>>, LwnError> {
    let ev = next(r, input)?;
    let t = match ev {
        Event::Empty(t) if t.name().is(NS, name) => return Ok(None),
        Event::Start(t) if t.name().is(NS, name) => t,
        _ => return Err(LwnError::Shape { at: ev.offset(), what: name }),
    };
    match r.next_complete(input)?.event() {
        Some(Event::End(_)) => Ok(None),
        Some(Event::Text(x)) => match r.next_complete(input)?.event() {
            Some(Event::End(_)) => Ok(Some(x)),
            _ => Err(LwnError::Shape { at: t.end_offset(), what: "text only" }),
        },
        _ => Err(LwnError::Shape { at: t.end_offset(), what: "text only" }),
    }
}

/// A `Param`: `Name` and `Value` as raw XML text (`None`: empty element).
pub type Param<'a> = (Option<xml::Text<'a>>, Option<xml::Text<'a>>);

/// One `Param`, or `None` at `</Notification>`.
fn param<'a>(r: &mut LwnReader, input: &'a [u8]) -> Result<Option<Param<'a>>, LwnError> {
    match next(r, input)? {
        Event::End(_) => Ok(None),
        Event::Start(t) if t.name().is(NS, "Param") => {
            let name = simple(r, input, "Name")?;
            let value = simple(r, input, "Value")?;
            match next(r, input)? {
                Event::End(_) => Ok(Some((name, value))),
                ev => Err(LwnError::Shape { at: ev.offset(), what: "</Param>" }),
            }
        }
        ev => Err(LwnError::Shape { at: ev.offset(), what: "Param" }),
    }
}

impl<'a> Decoded<'a> {
    /// Decodes and validates a whole notification.
    pub fn decode(input: &'a [u8]) -> Result<Decoded<'a>, LwnError> {
        let mut r = reader();
        match next(&mut r, input)? {
            Event::Start(t) if t.name().is(NS, "Notification") => {}
            ev => return Err(LwnError::Shape { at: ev.offset(), what: "Notification" }),
        }
        let ts_text = simple(&mut r, input, "TS")?;
        let mut digits = [0u8; 16];
        let ts = ts_text
            .and_then(|t| t.unescape_into(&mut digits).ok())
            .and_then(|s| s.trim().parse::<i32>().ok())
            .ok_or(LwnError::Invalid { field: "TS", what: "xs:int" })?;
        let mut fields = [None; 5];
        for (slot, name) in fields.iter_mut().zip(["UN", "CN", "OUI", "ProductClass", "SerialNumber"]) {
            *slot = simple(&mut r, input, name)?;
            let len = slot.map_or(0, |t| t.chunks().map(|c| c.as_str().chars().count()).sum());
            if len > max_len(name) {
                return Err(LwnError::Invalid { field: name, what: "maxLength" });
            }
        }
        let oui_ok = fields[2].is_some_and(|t| {
            let mut b = [0u8; 6];
            t.unescape_into(&mut b)
                .is_ok_and(|s| s.len() == 6 && s.bytes().all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c)))
        });
        if !oui_ok {
            return Err(LwnError::Invalid { field: "OUI", what: "[0-9A-F]{6}" });
        }
        let mut param_count = 0;
        while let Some((name, _)) = param(&mut r, input)? {
            if name.map_or(0, |t| t.chunks().map(|c| c.as_str().chars().count()).sum()) > max_len("Name") {
                return Err(LwnError::Invalid { field: "Name", what: "maxLength" });
            }
            param_count += 1;
        }
        if param_count == 0 {
            return Err(LwnError::Invalid { field: "Param", what: "minOccurs 1" });
        }
        Ok(Decoded { input, ts, fields, param_count })
    }

    /// The `Param`s, in order: `(Name, Value)` as raw XML text.
    pub fn params(&self) -> Params<'a> {
        let mut r = reader();
        // Skip to the first Param: the root and its six simple fields,
        // already validated by `decode`.
        let mut ok = next(&mut r, self.input).is_ok();
        for name in ["TS", "UN", "CN", "OUI", "ProductClass", "SerialNumber"] {
            ok = ok && simple(&mut r, self.input, name).is_ok();
        }
        Params { reader: r, input: self.input, done: !ok }
    }
}

/// Iterator over the parameters of a [`Decoded`] notification.
#[derive(Debug, Clone)]
pub struct Params<'a> {
    reader: LwnReader,
    input: &'a [u8],
    done: bool,
}

impl<'a> Iterator for Params<'a> {
    type Item = Param<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match param(&mut self.reader, self.input) {
            Ok(Some(p)) => Some(p),
            _ => {
                self.done = true;
                None
            }
        }
    }
}
