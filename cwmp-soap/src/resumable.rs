//! The resumable encoder for list-heavy messages.
//!
//! A GetParameterValuesResponse for `Device.` can be hundreds of KiB; a
//! CPE's RAM is not. [`Resumable`] writes any message with one streamed
//! SOAP array (GPV/GPN/GPA responses, SetParameterValues, an Inform's
//! ParameterList, …) piece by piece: the head (envelope, header, the fields
//! before the list and the array's start tag), one piece per entry pulled
//! from an [`EntrySource`], and the tail (the array's end tag and the fields
//! after it). Each [`Resumable::fill`] writes as many whole pieces as fit
//! into the buffer it is given and returns how many bytes it wrote; the next
//! call continues where it stopped, so the output can go out as HTTP
//! chunks. When not even the next piece fits, `fill` returns
//! [`EncodeError::BufferTooSmall`] with that piece's size and leaves the
//! buffer untouched. The concatenated output is byte-for-byte what
//! [`Envelope::encode`] produces for the same message, whatever the buffer
//! sizes.
//!
//! An [`EntrySource`] produces each entry into a scratch buffer the caller
//! lends to [`Resumable::fill_with`] (a data-model engine writes a name and a
//! value there), so no entry needs storage of its own; an entry that did
//! not fit is produced again from a saved [`EntrySource::Mark`]. Plain
//! iterators of structs are sources through [`FromIter`].
//!
//! The entry count must be known up front (the SOAP `arrayType` carries it);
//! an iterator that yields a different number of entries is an error.
//!
//! ```
//! use cwmp_core::{CwmpVersion, ParamType};
//! use cwmp_soap::structs::ParameterValueStruct;
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

use cwmp_core::{CwmpVersion, Limits};

use crate::codec::{Cap, Item};
use crate::envelope::{Body, Envelope, Header};
use crate::error::EncodeError;
use crate::list::List;
use crate::rpc::{
    GetParameterAttributesResponse, GetParameterNamesResponse, GetParameterValuesResponse, Inform, Rpc,
    SetParameterValues,
};
use crate::structs::{ParameterAttributeStruct, ParameterInfoStruct, ParameterValueStruct};
use crate::text::Text;
use crate::writer::{Hole, Writer};

/// An entry of a streamed list, whatever it borrows: what the encoder needs
/// of a list entry type (the [`structs`](crate::structs), [`Text`],
/// base64). Implemented for all of them; sealed.
pub trait Entry {
    /// Element name of each entry (`ParameterValueStruct` …).
    const ITEM: &'static str;
    /// Writes the entry as its list's element would hold it.
    fn write(&self, w: &mut Writer<'_>, cap: &Cap) -> Result<(), EncodeError>;
}

impl<'a, T: Item<'a>> Entry for T {
    const ITEM: &'static str = T::ITEM;
    fn write(&self, w: &mut Writer<'_>, cap: &Cap) -> Result<(), EncodeError> {
        self.encode_item(w, T::ITEM, cap)
    }
}

/// Where a [`Resumable`] pulls the entries of its list from: a lending
/// source that produces each entry into a scratch buffer.
///
/// The encoder calls [`mark`](EntrySource::mark), then
/// [`next`](EntrySource::next); when the entry does not fit in the output
/// buffer it calls [`rewind`](EntrySource::rewind) with that mark, and the
/// next `next` must produce the same entry again. It never rewinds further
/// back than the mark taken just before the last `next`.
///
/// ```
/// use cwmp_core::ParamType;
/// use cwmp_soap::structs::ParameterValueStruct;
/// use cwmp_soap::resumable::EntrySource;
/// use cwmp_soap::{EncodeError, ParamValue, Text};
///
/// /// `Device.Counter.{i}` = i for i below `n`, computed on demand.
/// struct Counters { i: u32, n: u32 }
///
/// impl EntrySource for Counters {
///     type Entry<'s> = ParameterValueStruct<'s>;
///     type Mark = u32;
///     fn mark(&self) -> u32 { self.i }
///     fn rewind(&mut self, mark: u32) { self.i = mark; }
///     fn next<'s>(&'s mut self, scratch: &'s mut [u8]) -> Option<Result<Self::Entry<'s>, EncodeError>> {
///         if self.i == self.n { return None; }
///         let i = self.i;
///         self.i += 1;
///         let (name, value) = scratch.split_at_mut(scratch.len() / 2);
///         let mut cur = std::io::Cursor::new(name);
///         use std::io::Write;
///         write!(cur, "Device.Counter.{i}").ok()?;
///         let len = cur.position() as usize;
///         let name = std::str::from_utf8(&cur.into_inner()[..len]).ok()?;
///         let mut cur = std::io::Cursor::new(value);
///         write!(cur, "{i}").ok()?;
///         let len = cur.position() as usize;
///         let value = std::str::from_utf8(&cur.into_inner()[..len]).ok()?;
///         Some(Ok(ParameterValueStruct {
///             name: Text::plain(name),
///             value: ParamValue::new(ParamType::UnsignedInt, Text::plain(value)),
///         }))
///     }
/// }
/// # let _ = Counters { i: 0, n: 1 };
/// ```
pub trait EntrySource {
    /// The entry type, borrowing the scratch buffer (and the source).
    type Entry<'s>: Entry
    where
        Self: 's;
    /// A saved position, to produce an entry again.
    type Mark: Copy;
    /// The position before the next entry.
    fn mark(&self) -> Self::Mark;
    /// Goes back to `mark`, taken just before the last [`EntrySource::next`].
    fn rewind(&mut self, mark: Self::Mark);
    /// The next entry, produced into `scratch` as needed; `None` after the
    /// last; an error (a scratch buffer too small, a source failure) ends
    /// the message with it.
    fn next<'s>(&'s mut self, scratch: &'s mut [u8]) -> Option<Result<Self::Entry<'s>, EncodeError>>;
}

/// A plain iterator of entries as an [`EntrySource`]: keeps the last entry
/// so that it can be produced again.
#[derive(Debug, Clone)]
pub struct FromIter<I: Iterator> {
    iter: I,
    last: Option<I::Item>,
    replay: bool,
    taken: usize,
}

impl<I: Iterator> FromIter<I> {
    /// Wraps `iter`.
    pub fn new(iter: I) -> Self {
        FromIter { iter, last: None, replay: false, taken: 0 }
    }
}

impl<I: Iterator> EntrySource for FromIter<I>
where
    I::Item: Entry + Copy,
{
    type Entry<'s>
        = I::Item
    where
        Self: 's;
    type Mark = usize;

    fn mark(&self) -> usize {
        self.taken
    }

    fn rewind(&mut self, mark: usize) {
        // Only the last entry is kept: the one rewinding the encoder needs.
        if mark.checked_add(1) == Some(self.taken) && self.last.is_some() {
            self.replay = true;
            self.taken = mark;
        }
    }

    fn next<'s>(&'s mut self, _scratch: &'s mut [u8]) -> Option<Result<I::Item, EncodeError>> {
        let item = if core::mem::take(&mut self.replay) { self.last } else { self.iter.next() }?;
        self.last = Some(item);
        self.taken = self.taken.saturating_add(1);
        Some(Ok(item))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
enum Stage {
    Head,
    Items,
    Tail,
    Done,
    Failed,
}

/// A message whose one streamed list is pulled from an [`EntrySource`]
/// while it is written.
#[derive(Debug)]
pub struct Resumable<'a, S: EntrySource> {
    /// The message; the streamed list's own entries are ignored.
    envelope: Envelope<'a>,
    /// Element name of the streamed entries.
    item: &'static str,
    /// Entries announced in the `arrayType`.
    count: usize,
    written: usize,
    source: S,
    /// The source's position before the piece being written.
    mark: Option<S::Mark>,
    /// The list's element name and entry cap, once the head found them.
    list: Option<(&'static str, &'static Cap)>,
    stage: Stage,
    error: Option<EncodeError>,
    limits: Limits,
}

impl<'a, I: Iterator<Item = ParameterValueStruct<'a>> + 'a> Resumable<'a, FromIter<I>> {
    /// A GetParameterValuesResponse with `count` entries from `items`.
    pub fn get_parameter_values_response(version: CwmpVersion, header: Header<'a>, count: usize, items: I) -> Self {
        let rpc = Rpc::GetParameterValuesResponse(GetParameterValuesResponse { parameter_list: List::Slice(&[]) });
        Self::new(Envelope { version, header, body: Body::Rpc(rpc) }, count, FromIter::new(items))
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
        Self::new(Envelope { version, header, body: Body::Rpc(rpc) }, count, FromIter::new(items))
    }

    /// An Inform whose ParameterList has `count` entries from `items`;
    /// `inform.parameter_list` is ignored.
    pub fn inform(version: CwmpVersion, header: Header<'a>, inform: Inform<'a>, count: usize, items: I) -> Self {
        Self::new(Envelope { version, header, body: Body::Rpc(Rpc::Inform(inform)) }, count, FromIter::new(items))
    }
}

impl<'a, I: Iterator<Item = ParameterInfoStruct<'a>> + 'a> Resumable<'a, FromIter<I>> {
    /// A GetParameterNamesResponse with `count` entries from `items`.
    pub fn get_parameter_names_response(version: CwmpVersion, header: Header<'a>, count: usize, items: I) -> Self {
        let rpc = Rpc::GetParameterNamesResponse(GetParameterNamesResponse { parameter_list: List::Slice(&[]) });
        Self::new(Envelope { version, header, body: Body::Rpc(rpc) }, count, FromIter::new(items))
    }
}

impl<'a, I: Iterator<Item = ParameterAttributeStruct<'a>> + 'a> Resumable<'a, FromIter<I>> {
    /// A GetParameterAttributesResponse with `count` entries from `items`.
    pub fn get_parameter_attributes_response(version: CwmpVersion, header: Header<'a>, count: usize, items: I) -> Self {
        let rpc =
            Rpc::GetParameterAttributesResponse(GetParameterAttributesResponse { parameter_list: List::Slice(&[]) });
        Self::new(Envelope { version, header, body: Body::Rpc(rpc) }, count, FromIter::new(items))
    }
}

/// Where a [`Resumable`] stands, as plain `Copy` data without the message
/// or the source: a Sans-IO session keeps it between two writes (instead
/// of a `Resumable` borrowing the request and the data model) and rebuilds
/// the encoder with [`Resumable::resume`], passing the same message and a
/// source at the position it reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResumeState {
    count: usize,
    written: usize,
    list: Option<(&'static str, &'static Cap)>,
    stage: Stage,
    error: Option<EncodeError>,
    limits: Limits,
}

impl ResumeState {
    /// A message not yet started, announcing `count` entries, with the
    /// default limits: what [`Resumable::new`] starts from.
    pub const fn new(count: usize) -> Self {
        ResumeState { count, written: 0, list: None, stage: Stage::Head, error: None, limits: Limits::DEFAULT }
    }
}

impl<'a, S: EntrySource + 'a> Resumable<'a, S> {
    /// The encoder's position, to [`resume`](Self::resume) it later.
    pub fn state(&self) -> ResumeState {
        ResumeState {
            count: self.count,
            written: self.written,
            list: self.list,
            stage: self.stage,
            error: self.error,
            limits: self.limits,
        }
    }

    /// Rebuilds an encoder at `state` over the same `envelope` it was
    /// created with and a `source` standing where the previous one stopped
    /// (its entry position is the caller's to keep, e.g. a `Copy` cursor).
    /// The output continues byte for byte where the previous encoder's
    /// stopped.
    pub fn resume(envelope: Envelope<'a>, state: ResumeState, source: S) -> Self {
        Resumable {
            envelope,
            item: <S::Entry<'a> as Entry>::ITEM,
            count: state.count,
            written: state.written,
            source,
            mark: None,
            list: state.list,
            stage: state.stage,
            error: state.error,
            limits: state.limits,
        }
    }

    /// `envelope` with its SOAP array of `S`'s entries streamed from
    /// `source`, `count` entries announced. The array's own entries in
    /// `envelope` are ignored; a message without such an array fails on
    /// the first [`Resumable::fill`].
    pub fn new(envelope: Envelope<'a>, count: usize, source: S) -> Self {
        Resumable {
            envelope,
            item: <S::Entry<'a> as Entry>::ITEM,
            count,
            written: 0,
            source,
            mark: None,
            list: None,
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

    /// The source (e.g. to read where it is).
    pub fn source(&self) -> &S {
        &self.source
    }

    fn writer<'b>(&self, out: &'b mut [u8]) -> Writer<'b> {
        Writer::with_limits(out, self.limits).for_version(self.envelope.version)
    }

    /// Writes the current piece into `out`; returns its size (larger than
    /// `out` when it did not fit), `None` when there is none left.
    fn piece(&mut self, out: &mut [u8], scratch: &mut [u8]) -> Result<Option<usize>, EncodeError> {
        match self.stage {
            Stage::Head | Stage::Tail => {
                // The message with the list's entries left out, emitting only
                // the part before them (head) or after them (tail).
                let tail = self.stage == Stage::Tail;
                let hole = Hole { item: self.item, count: self.count, tail, found: None };
                let mut w = self.writer(out).around(hole);
                self.envelope.write(&mut w)?;
                let Some((tag, cap, at)) = w.hole().and_then(|h| h.found) else {
                    return Err(EncodeError::InvalidValue { field: self.item, reason: "the message has no such list" });
                };
                self.list = Some((tag, cap));
                // A head ends at the hole; a tail was counted from it.
                Ok(Some(if tail { w.position() } else { at }))
            }
            Stage::Items => {
                let (tag, cap) = self.list.unwrap_or(("", &Cap::None));
                let mismatch = |given| EncodeError::CountMismatch { field: tag, announced: self.count, given };
                let (count, written) = (self.count, self.written);
                self.mark = Some(self.source.mark());
                let mut w = Writer::with_limits(out, self.limits).for_version(self.envelope.version);
                let exhausted = match self.source.next(scratch) {
                    Some(Err(e)) => return Err(e),
                    Some(Ok(_)) if written >= count => return Err(mismatch(written.saturating_add(1))),
                    Some(Ok(entry)) => {
                        entry.write(&mut w, cap)?;
                        return Ok(Some(w.position()));
                    }
                    None => written == count,
                };
                if !exhausted {
                    return Err(mismatch(written));
                }
                self.stage = Stage::Tail;
                self.piece(out, scratch)
            }
            Stage::Failed => Err(self.error.unwrap_or(EncodeError::UnknownMethod)),
            Stage::Done => Ok(None),
        }
    }

    /// The piece just written fitted: move past it.
    fn advance(&mut self) {
        self.mark = None;
        match self.stage {
            Stage::Head => self.stage = Stage::Items,
            Stage::Items => self.written += 1,
            Stage::Tail => self.stage = Stage::Done,
            Stage::Done | Stage::Failed => {}
        }
    }

    /// The piece just written did not fit: produce it again next time.
    fn undo(&mut self) {
        if let Some(m) = self.mark.take() {
            self.source.rewind(m);
        }
    }

    fn fail(&mut self, e: EncodeError) -> EncodeError {
        self.stage = Stage::Failed;
        self.error = Some(e);
        e
    }

    /// [`Resumable::fill_with`] without scratch space, for sources that need
    /// none (such as [`FromIter`]).
    pub fn fill(&mut self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        self.fill_with(buf, &mut [])
    }

    /// Writes as many whole pieces as fit into `buf`, producing entries into
    /// `scratch`; returns the bytes written (0 once done). Bytes of `buf`
    /// beyond the returned length are unspecified. When the next piece does
    /// not fit in `buf` at all, returns [`EncodeError::BufferTooSmall`] with
    /// its size and leaves `buf` untouched; call again with a larger buffer.
    /// Any other error is final: later calls return it again.
    pub fn fill_with(&mut self, buf: &mut [u8], scratch: &mut [u8]) -> Result<usize, EncodeError> {
        // The first piece is measured before it is written, so a buffer too
        // small for it is never touched.
        let first = match self.piece(&mut [], scratch) {
            Ok(Some(n)) => n,
            Ok(None) => return Ok(0),
            Err(e) => return Err(self.fail(e)),
        };
        self.undo();
        if first > buf.len() {
            return Err(EncodeError::BufferTooSmall { needed: first });
        }
        let mut used = 0usize;
        loop {
            let out = buf.get_mut(used..).unwrap_or_default();
            let room = out.len();
            match self.piece(out, scratch) {
                Ok(Some(n)) if n <= room => {
                    used += n;
                    self.advance();
                }
                Ok(Some(_)) => {
                    self.undo();
                    break;
                }
                Ok(None) => break,
                Err(e) => return Err(self.fail(e)),
            }
        }
        Ok(used)
    }
}
