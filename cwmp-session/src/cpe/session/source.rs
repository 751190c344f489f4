//! The glue between the `cwmp-model` engine's read cursors and the
//! resumable encoder: lending [`EntrySource`]s that write each entry's name
//! and value into the encoder's scratch buffer. A source is rebuilt around
//! its `Copy` cursor on every fill (the engine, the model and the request's
//! names are borrowed only for that call), so a session keeps nothing but
//! the cursor and a [`ResumeState`](cwmp_soap::resumable::ResumeState)
//! between two `poll_transmit` calls.

use cwmp_core::ParamType;
use cwmp_model::datamodel::DataModel;
use cwmp_model::engine::{Engine, EntryName, NameList, NamesCursor, ParamCursor, RpcError};
use cwmp_model::notify::PendingCursor;
use cwmp_model::path::Path;
use cwmp_soap::resumable::{Entry, EntrySource};
use cwmp_soap::structs::{ParameterAttributeStruct, ParameterInfoStruct, ParameterValueStruct};
use cwmp_soap::{EncodeError, List, ParamValue, Text};

/// What a source reports to the encoder when the engine fails mid-stream
/// (the [`RpcError`] itself is kept in the source's `failure`).
const ENGINE_FAILED: EncodeError =
    EncodeError::InvalidValue { field: "ParameterList", reason: "the data model failed while streaming" };

/// The engine and model a source reads, borrowed for one fill.
pub struct Reader<'e, 's, M: DataModel, const A: usize> {
    /// The engine (schema, attributes).
    pub engine: &'e Engine<'s, A>,
    /// The data model.
    pub model: &'e M,
}

impl<M: DataModel, const A: usize> Clone for Reader<'_, '_, M, A> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M: DataModel, const A: usize> Copy for Reader<'_, '_, M, A> {}

/// A value read into `scratch` as text.
fn value_text(scratch: &[u8], len: usize) -> Result<&str, EncodeError> {
    let bytes = scratch.get(..len).ok_or(ENGINE_FAILED)?;
    core::str::from_utf8(bytes).map_err(|_| EncodeError::InvalidValue {
        field: "Value",
        reason: "the data model gave a value that is not UTF-8",
    })
}

/// The value as sent: with its type, or as `xsd:string` when the text is
/// not a literal of that type. Real devices hold such values (an empty
/// `dateTime` or `unsignedInt`, a boolean `2`: 89 rows of the genieacs-sim
/// dumps); the encoder refuses to write them under their type, and failing
/// the whole response for one value would hide every other. The text goes
/// out unchanged, only the declared type is relaxed.
fn param_value<'x>(ty: ParamType, text: &'x str) -> ParamValue<'x> {
    let v = ParamValue::new(ty, Text::plain(text));
    if ty == ParamType::String || v.typed().is_ok() { v } else { ParamValue::new(ParamType::String, Text::plain(text)) }
}

/// Why a [`Pull`] produced no entry.
#[derive(Debug, Clone, Copy)]
pub enum PullError {
    /// The engine failed (kept in the source's `failure`).
    Engine(RpcError),
    /// The entry cannot be written.
    Encode(EncodeError),
}

/// One read RPC's way of producing entries from its engine cursor.
pub trait Pull<M: DataModel, L: NameList + ?Sized, const A: usize> {
    /// The engine cursor (plain `Copy` data).
    type Cursor: Copy;
    /// The entry written.
    type Entry<'x>: Entry;
    /// The next entry, its name written into `name` and its value into
    /// `scratch`; `None` at the end.
    fn pull<'x>(
        cursor: &mut Self::Cursor,
        reader: Reader<'_, '_, M, A>,
        names: &L,
        name: &'x mut EntryName<M::Node>,
        scratch: &'x mut [u8],
    ) -> Option<Result<Self::Entry<'x>, PullError>>;
}

/// GetParameterValuesResponse entries ([`ParamCursor::next_entry`]).
#[derive(Debug, Clone, Copy)]
pub struct Values;
/// GetParameterNamesResponse entries ([`NamesCursor::next_entry`]).
#[derive(Debug, Clone, Copy)]
pub struct Names;
/// GetParameterAttributesResponse entries ([`ParamCursor::next_attributes`]).
#[derive(Debug, Clone, Copy)]
pub struct Attributes;

impl<M: DataModel, L: NameList + ?Sized, const A: usize> Pull<M, L, A> for Values
where
    M::Node: Copy + PartialEq,
{
    type Cursor = ParamCursor<M::Node>;
    type Entry<'x> = ParameterValueStruct<'x>;

    fn pull<'x>(
        cursor: &mut Self::Cursor,
        r: Reader<'_, '_, M, A>,
        names: &L,
        name: &'x mut EntryName<M::Node>,
        scratch: &'x mut [u8],
    ) -> Option<Result<ParameterValueStruct<'x>, PullError>> {
        let info = match cursor.next_entry(r.engine, r.model, names, name, scratch)? {
            Ok(info) => info,
            Err(e) => return Some(Err(PullError::Engine(e))),
        };
        Some(
            value_text(scratch, info.len)
                .map(|v| ParameterValueStruct { name: Text::plain(name.as_str()), value: param_value(info.ty, v) })
                .map_err(PullError::Encode),
        )
    }
}

impl<M: DataModel, L: NameList + ?Sized, const A: usize> Pull<M, L, A> for Names
where
    M::Node: Copy + PartialEq,
{
    type Cursor = NamesCursor<M::Node>;
    type Entry<'x> = ParameterInfoStruct<'x>;

    fn pull<'x>(
        cursor: &mut Self::Cursor,
        r: Reader<'_, '_, M, A>,
        _names: &L,
        name: &'x mut EntryName<M::Node>,
        _scratch: &'x mut [u8],
    ) -> Option<Result<ParameterInfoStruct<'x>, PullError>> {
        Some(match cursor.next_entry(r.engine, r.model, name)? {
            Ok(writable) => Ok(ParameterInfoStruct { name: Text::plain(name.as_str()), writable }),
            Err(e) => Err(PullError::Engine(e)),
        })
    }
}

/// The AccessList of a parameter the subscriber may write.
const SUBSCRIBER: [Text<'static>; 1] = [Text::Plain("Subscriber")];

impl<M: DataModel, L: NameList + ?Sized, const A: usize> Pull<M, L, A> for Attributes
where
    M::Node: Copy + PartialEq,
{
    type Cursor = ParamCursor<M::Node>;
    type Entry<'x> = ParameterAttributeStruct<'x>;

    fn pull<'x>(
        cursor: &mut Self::Cursor,
        r: Reader<'_, '_, M, A>,
        names: &L,
        name: &'x mut EntryName<M::Node>,
        _scratch: &'x mut [u8],
    ) -> Option<Result<ParameterAttributeStruct<'x>, PullError>> {
        Some(match cursor.next_attributes(r.engine, r.model, names, name)? {
            Ok(a) => Ok(ParameterAttributeStruct {
                name: Text::plain(name.as_str()),
                notification: i32::from(a.notification as u8),
                access_list: if a.subscriber { List::from(&SUBSCRIBER) } else { List::Slice(&[]) },
            }),
            Err(e) => Err(PullError::Engine(e)),
        })
    }
}

/// The entries of a read RPC's response, pulled from its engine cursor
/// (`K`: [`Values`], [`Names`] or [`Attributes`]).
pub struct CursorSource<'e, 's, M: DataModel, L: NameList + ?Sized, K: Pull<M, L, A>, const A: usize> {
    reader: Reader<'e, 's, M, A>,
    names: &'e L,
    /// Where the walk stands (keep it between fills).
    pub cursor: K::Cursor,
    name: EntryName<M::Node>,
    /// The engine's error that ended the stream, if one did.
    pub failure: Option<RpcError>,
}

/// GetParameterValuesResponse entries.
pub type ValuesSource<'e, 's, M, L, const A: usize> = CursorSource<'e, 's, M, L, Values, A>;
/// GetParameterNamesResponse entries (no request names: pass `&[]`).
pub type NamesSource<'e, 's, M, const A: usize> = CursorSource<'e, 's, M, [&'static str], Names, A>;
/// GetParameterAttributesResponse entries.
pub type AttributesSource<'e, 's, M, L, const A: usize> = CursorSource<'e, 's, M, L, Attributes, A>;

impl<'e, 's, M: DataModel, L: NameList + ?Sized, K: Pull<M, L, A>, const A: usize> CursorSource<'e, 's, M, L, K, A> {
    /// A source pulling `cursor` over the request's `names`.
    pub fn new(reader: Reader<'e, 's, M, A>, names: &'e L, cursor: K::Cursor) -> Self {
        CursorSource { reader, names, cursor, name: EntryName::new(), failure: None }
    }
}

impl<M: DataModel, L: NameList + ?Sized, K: Pull<M, L, A>, const A: usize> EntrySource
    for CursorSource<'_, '_, M, L, K, A>
{
    type Entry<'x>
        = K::Entry<'x>
    where
        Self: 'x;
    type Mark = K::Cursor;

    fn mark(&self) -> Self::Mark {
        self.cursor
    }

    fn rewind(&mut self, mark: Self::Mark) {
        self.cursor = mark;
    }

    fn next<'x>(&'x mut self, scratch: &'x mut [u8]) -> Option<Result<K::Entry<'x>, EncodeError>> {
        match K::pull(&mut self.cursor, self.reader, self.names, &mut self.name, scratch)? {
            Ok(e) => Some(Ok(e)),
            Err(PullError::Engine(e)) => {
                self.failure = Some(e);
                Some(Err(ENGINE_FAILED))
            }
            Err(PullError::Encode(e)) => Some(Err(e)),
        }
    }
}

/// `ManagementServer.ConnectionRequestURL` under each root: in every
/// Inform whatever the schema's forced-inform flags say.
const CR_URLS: [&str; 2] =
    ["Device.ManagementServer.ConnectionRequestURL", "InternetGatewayDevice.ManagementServer.ConnectionRequestURL"];

/// The names an Inform's ParameterList starts with: the schema's
/// forced-inform parameters present in the model, then
/// ConnectionRequestURL if the schema does not force it. Which are present
/// is found once per Inform ([`InformNames::new`]) and kept as a bit mask in
/// the `Copy` cursor.
#[derive(Debug, Clone, Copy)]
pub struct InformNames {
    list: &'static [&'static str],
    cr_url: Option<&'static str>,
    /// Bit `i`: entry `i` (the list, then `cr_url`) is in the model.
    present: u128,
}

impl InformNames {
    /// The forced names of `reader`'s schema present in its model. The
    /// mask holds 128 entries (TR-181 forces 7 parameters, TR-098 2);
    /// entries beyond are looked up on each use instead.
    pub fn new<M: DataModel, const A: usize>(reader: Reader<'_, '_, M, A>) -> Self {
        let schema = reader.engine.schema();
        let list = schema.forced_inform;
        let cr_url = CR_URLS.iter().copied().find(|n| n.starts_with(schema.root) && !list.contains(n));
        let mut names = InformNames { list, cr_url, present: 0 };
        let mut present = 0u128;
        for (i, n) in names.all().enumerate().take(128) {
            if Self::lookup(reader, n) {
                present |= 1 << i;
            }
        }
        names.present = present;
        names
    }

    fn lookup<M: DataModel, const A: usize>(reader: Reader<'_, '_, M, A>, name: &str) -> bool {
        reader.engine.schema().parameter(name).is_some()
            && Path::parse(name).ok().and_then(|p| reader.model.lookup(&p)).is_some()
    }

    fn all(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.list.iter().copied().chain(self.cr_url)
    }

    /// Every name, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.all()
            .enumerate()
            .filter(|(i, _)| self.present & (1u128.checked_shl(*i as u32).unwrap_or(0)) != 0)
            .map(|(_, n)| n)
    }

    /// Whether `name` is one of them.
    pub fn contains(&self, name: &str) -> bool {
        self.iter().any(|n| n == name)
    }
}

impl NameList for InformNames {
    type Name<'a>
        = &'static str
    where
        Self: 'a;

    fn name(&self, index: usize) -> Option<&'static str> {
        self.iter().nth(index)
    }
}

/// Where an Inform's ParameterList stands: the forced parameters, then the
/// pending value changes not already listed.
#[derive(Debug, Clone, Copy)]
pub struct InformCursor<N> {
    names: InformNames,
    forced: ParamCursor<N>,
    pending: PendingCursor<N>,
    in_pending: bool,
}

impl<N: Copy + PartialEq> InformCursor<N> {
    /// Starts the list and counts its entries.
    pub fn start<M: DataModel<Node = N>, const A: usize>(
        reader: Reader<'_, '_, M, A>,
        value: &mut [u8],
    ) -> Result<(InformCursor<N>, usize), RpcError> {
        let names = InformNames::new(reader);
        let mut forced = reader.engine.get_parameter_values(reader.model, &names)?;
        let n_forced = forced.count_entries(reader.engine, reader.model, &names)?;
        let pending = reader.engine.pending(reader.model)?;
        // Pending changes of a forced parameter are listed once.
        let mut probe = pending;
        let mut name = EntryName::new();
        let mut n_pending = 0usize;
        while let Some(step) = probe.next_entry(reader.engine, reader.model, &mut name, value) {
            step?;
            if !names.contains(name.as_str()) {
                n_pending += 1;
            }
        }
        let cursor = InformCursor { names, forced, pending, in_pending: false };
        Ok((cursor, (n_forced as usize).saturating_add(n_pending)))
    }
}

/// The Inform's ParameterList entries from an [`InformCursor`].
pub struct InformSource<'e, 's, M: DataModel, const A: usize> {
    reader: Reader<'e, 's, M, A>,
    /// Where the list stands.
    pub cursor: InformCursor<M::Node>,
    name: EntryName<M::Node>,
    /// The engine's error that ended the stream, if one did.
    pub failure: Option<RpcError>,
}

impl<'e, 's, M: DataModel, const A: usize> InformSource<'e, 's, M, A> {
    /// A source pulling `cursor`.
    pub fn new(reader: Reader<'e, 's, M, A>, cursor: InformCursor<M::Node>) -> Self {
        InformSource { reader, cursor, name: EntryName::new(), failure: None }
    }
}

impl<M: DataModel, const A: usize> EntrySource for InformSource<'_, '_, M, A>
where
    M::Node: Copy + PartialEq,
{
    type Entry<'x>
        = ParameterValueStruct<'x>
    where
        Self: 'x;
    type Mark = InformCursor<M::Node>;

    fn mark(&self) -> Self::Mark {
        self.cursor
    }

    fn rewind(&mut self, mark: Self::Mark) {
        self.cursor = mark;
    }

    fn next<'x>(&'x mut self, scratch: &'x mut [u8]) -> Option<Result<ParameterValueStruct<'x>, EncodeError>> {
        let r = self.reader;
        let step = loop {
            if !self.cursor.in_pending {
                let names = self.cursor.names;
                match self.cursor.forced.next_entry(r.engine, r.model, &names, &mut self.name, scratch) {
                    Some(step) => break step,
                    None => self.cursor.in_pending = true,
                }
            }
            let step = self.cursor.pending.next_entry(r.engine, r.model, &mut self.name, scratch)?;
            if step.is_err() || !self.cursor.names.contains(self.name.as_str()) {
                break step;
            }
        };
        let info = match step {
            Ok(info) => info,
            Err(e) => {
                self.failure = Some(e);
                return Some(Err(ENGINE_FAILED));
            }
        };
        Some(
            value_text(scratch, info.len).map(|v| ParameterValueStruct {
                name: Text::plain(self.name.as_str()),
                value: param_value(info.ty, v),
            }),
        )
    }
}
