//! The resumable encoder for list-heavy messages.
//!
//! A GetParameterValuesResponse for `Device.` can be hundreds of KiB; a
//! CPE's RAM is not. [`Resumable`] writes such a message piece by piece: the
//! head (envelope, header, the fields before the list and the array's start
//! tag), one piece per list entry pulled from the caller's iterator, and the
//! tail. Each [`Resumable::fill`] writes as many whole pieces as fit into the
//! buffer it is given and returns how many bytes it wrote; the next call
//! continues where it stopped, so the output can go out as HTTP chunks. When
//! not even the next piece fits, `fill` returns
//! [`EncodeError::BufferTooSmall`] with that piece's size and leaves the
//! buffer untouched. The concatenated output is byte-for-byte what
//! [`Envelope::encode`] produces for the same message, whatever the buffer
//! sizes.
//!
//! The entry count must be known up front (the SOAP `arrayType` carries it);
//! an iterator that yields a different number of entries is an error.
//!
//! ```
//! use cwmp_core::{CwmpVersion, ParamType};
//! use cwmp_soap::model::ParameterValueStruct;
//! use cwmp_soap::resumable::Resumable;
//! use cwmp_soap::{Header, ParamValue, Text};
//!
//! let names = ["Device.A", "Device.B", "Device.C"];
//! let entries = names.iter().map(|n| ParameterValueStruct {
//!     name: Text::plain(n),
//!     value: ParamValue::new(ParamType::UnsignedInt, Text::plain("1")),
//! });
//! let mut enc = Resumable::get_parameter_values_response(CwmpVersion::V1_0, Header::default(), 3, entries);
//! let mut out = Vec::new();
//! let mut chunk = [0u8; 400];
//! loop {
//!     let n = enc.fill(&mut chunk).unwrap();
//!     if n == 0 { break; }
//!     out.extend_from_slice(&chunk[..n]);
//! }
//! assert!(enc.is_done());
//! assert!(String::from_utf8(out).unwrap().contains("ParameterValueStruct[3]"));
//! ```

use cwmp_core::limits::Limit;
use cwmp_core::{CwmpVersion, DateTime, Limits};

use crate::codec::{Cap, Field, Item};
use crate::envelope::{Body, Envelope, Header};
use crate::error::EncodeError;
use crate::list::List;
use crate::model::{
    DeviceIdStruct, EventStruct, NONE, PARAMETER_KEY, ParameterAttributeStruct, ParameterInfoStruct,
    ParameterValueStruct,
};
use crate::rpc::{
    GetParameterAttributesResponse, GetParameterNamesResponse, GetParameterValuesResponse, Inform, Rpc,
    SetParameterValues,
};
use crate::text::Text;
use crate::writer::Writer;

/// The fields around the streamed list.
#[derive(Debug, Clone, Copy)]
enum Frame<'a> {
    /// Only the list (GPV/GPN/GPA responses).
    ListOnly,
    /// SetParameterValues: list, then ParameterKey.
    Spv { parameter_key: Text<'a> },
    /// Inform: DeviceId, Event, MaxEnvelopes, CurrentTime, RetryCount, then the list.
    Inform {
        device_id: DeviceIdStruct<'a>,
        event: List<'a, EventStruct<'a>>,
        max_envelopes: u32,
        current_time: DateTime,
        retry_count: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Head,
    Items,
    Tail,
    Done,
    Failed,
}

/// A message whose list is pulled from an iterator while it is written.
#[derive(Debug)]
pub struct Resumable<'a, T, I> {
    envelope: Envelope<'a>,
    frame: Frame<'a>,
    count: usize,
    written: usize,
    items: I,
    pending: Option<T>,
    stage: Stage,
    error: Option<EncodeError>,
    limits: Limits,
}

impl<'a, I: Iterator<Item = ParameterValueStruct<'a>>> Resumable<'a, ParameterValueStruct<'a>, I> {
    /// A GetParameterValuesResponse with `count` entries from `items`.
    pub fn get_parameter_values_response(version: CwmpVersion, header: Header<'a>, count: usize, items: I) -> Self {
        let rpc = Rpc::GetParameterValuesResponse(GetParameterValuesResponse { parameter_list: List::Slice(&[]) });
        Self::new(version, header, rpc, Frame::ListOnly, count, items)
    }

    /// A SetParameterValues with `count` entries from `items`.
    pub fn set_parameter_values(
        version: CwmpVersion,
        header: Header<'a>,
        parameter_key: Text<'a>,
        count: usize,
        items: I,
    ) -> Self {
        let rpc = Rpc::SetParameterValues(SetParameterValues { parameter_list: List::Slice(&[]), parameter_key });
        Self::new(version, header, rpc, Frame::Spv { parameter_key }, count, items)
    }

    /// An Inform whose ParameterList has `count` entries from `items`;
    /// `inform.parameter_list` is ignored.
    pub fn inform(version: CwmpVersion, header: Header<'a>, inform: Inform<'a>, count: usize, items: I) -> Self {
        let frame = Frame::Inform {
            device_id: inform.device_id,
            event: inform.event,
            max_envelopes: inform.max_envelopes,
            current_time: inform.current_time,
            retry_count: inform.retry_count,
        };
        Self::new(version, header, Rpc::Inform(inform), frame, count, items)
    }
}

impl<'a, I: Iterator<Item = ParameterInfoStruct<'a>>> Resumable<'a, ParameterInfoStruct<'a>, I> {
    /// A GetParameterNamesResponse with `count` entries from `items`.
    pub fn get_parameter_names_response(version: CwmpVersion, header: Header<'a>, count: usize, items: I) -> Self {
        let rpc = Rpc::GetParameterNamesResponse(GetParameterNamesResponse { parameter_list: List::Slice(&[]) });
        Self::new(version, header, rpc, Frame::ListOnly, count, items)
    }
}

impl<'a, I: Iterator<Item = ParameterAttributeStruct<'a>>> Resumable<'a, ParameterAttributeStruct<'a>, I> {
    /// A GetParameterAttributesResponse with `count` entries from `items`.
    pub fn get_parameter_attributes_response(version: CwmpVersion, header: Header<'a>, count: usize, items: I) -> Self {
        let rpc =
            Rpc::GetParameterAttributesResponse(GetParameterAttributesResponse { parameter_list: List::Slice(&[]) });
        Self::new(version, header, rpc, Frame::ListOnly, count, items)
    }
}

impl<'a, T: Item<'a>, I: Iterator<Item = T>> Resumable<'a, T, I> {
    fn new(version: CwmpVersion, header: Header<'a>, rpc: Rpc<'a>, frame: Frame<'a>, count: usize, items: I) -> Self {
        Resumable {
            envelope: Envelope { version, header, body: Body::Rpc(rpc) },
            frame,
            count,
            written: 0,
            items,
            pending: None,
            stage: Stage::Head,
            error: None,
            limits: Limits::DEFAULT,
        }
    }

    /// Enforces `limits` instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// True once the whole message has been written.
    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Entries written so far.
    pub fn entries_written(&self) -> usize {
        self.written
    }

    fn write_head(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        let max = self.limits.max_list_len;
        if self.count > max {
            return Err(EncodeError::TooMany { field: "ParameterList", len: self.count, max, limit: Limit::ListLen });
        }
        self.envelope.write_head(w)?;
        let Body::Rpc(rpc) = &self.envelope.body else { return Err(EncodeError::UnknownMethod) };
        w.raw("<cwmp:");
        w.raw(rpc.name());
        w.raw(">");
        if let Frame::Inform { device_id, event, max_envelopes, current_time, retry_count } = &self.frame {
            device_id.encode_field(w, "DeviceId", &NONE)?;
            event.encode_field(w, "Event", &Cap::Array(Limit::Events, &NONE))?;
            max_envelopes.encode_field(w, "MaxEnvelopes", &NONE)?;
            current_time.encode_field(w, "CurrentTime", &NONE)?;
            retry_count.encode_field(w, "RetryCount", &NONE)?;
        }
        w.raw("<ParameterList SOAP-ENC:arrayType=\"");
        w.raw(T::ARRAY_TYPE);
        w.raw("[");
        w.u64(self.count as u64);
        w.raw("]\">");
        Ok(())
    }

    fn write_tail(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.raw("</ParameterList>");
        if let Frame::Spv { parameter_key } = &self.frame {
            parameter_key.encode_field(w, "ParameterKey", &PARAMETER_KEY)?;
        }
        let Body::Rpc(rpc) = &self.envelope.body else { return Err(EncodeError::UnknownMethod) };
        w.raw("</cwmp:");
        w.raw(rpc.name());
        w.raw("></SOAP-ENV:Body></SOAP-ENV:Envelope>");
        Ok(())
    }

    /// Writes the current piece; `Ok(false)` when there is none left.
    fn piece(&mut self, w: &mut Writer<'_>) -> Result<bool, EncodeError> {
        match self.stage {
            Stage::Head => self.write_head(w)?,
            Stage::Items => {
                let item = match self.pending.take() {
                    Some(i) => Some(i),
                    None => self.items.next(),
                };
                match item {
                    Some(item) => {
                        if self.written >= self.count {
                            return Err(EncodeError::CountMismatch {
                                field: "ParameterList",
                                announced: self.count,
                                given: self.written + 1,
                            });
                        }
                        self.pending = Some(item);
                        item.encode_item(w, T::ITEM, &NONE)?;
                    }
                    None if self.written != self.count => {
                        return Err(EncodeError::CountMismatch {
                            field: "ParameterList",
                            announced: self.count,
                            given: self.written,
                        });
                    }
                    None => {
                        self.stage = Stage::Tail;
                        return self.piece(w);
                    }
                }
            }
            Stage::Tail => self.write_tail(w)?,
            Stage::Failed => return Err(self.error.unwrap_or(EncodeError::UnknownMethod)),
            Stage::Done => return Ok(false),
        }
        Ok(true)
    }

    fn advance(&mut self) {
        match self.stage {
            Stage::Head => self.stage = Stage::Items,
            Stage::Items => {
                self.pending = None;
                self.written += 1;
            }
            Stage::Tail => self.stage = Stage::Done,
            Stage::Done | Stage::Failed => {}
        }
    }

    /// Writes as many whole pieces as fit into `buf`; returns the bytes
    /// written (0 once done). Bytes of `buf` beyond the returned length are
    /// unspecified. When the next piece does not fit in `buf` at all, returns
    /// [`EncodeError::BufferTooSmall`] with its size and leaves `buf`
    /// untouched; call again with a larger buffer. Any other error is final:
    /// later calls return it again.
    pub fn fill(&mut self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        // The first piece is measured before it is written, so a buffer too
        // small for it is never touched.
        let first = {
            let mut m = Writer::with_limits(&mut [], self.limits).for_version(self.envelope.version);
            match self.piece(&mut m) {
                Ok(true) => m.position(),
                Ok(false) => return Ok(0),
                Err(e) => {
                    self.stage = Stage::Failed;
                    self.error = Some(e);
                    return Err(e);
                }
            }
        };
        if first > buf.len() {
            return Err(EncodeError::BufferTooSmall { needed: first });
        }
        let mut w = Writer::with_limits(buf, self.limits).for_version(self.envelope.version);
        loop {
            let mark = w.position();
            match self.piece(&mut w) {
                Ok(true) if w.fits() => self.advance(),
                Ok(true) => {
                    w.rewind(mark);
                    break;
                }
                Ok(false) => break,
                Err(e) => {
                    self.stage = Stage::Failed;
                    self.error = Some(e);
                    return Err(e);
                }
            }
        }
        Ok(w.position())
    }
}
