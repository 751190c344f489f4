//! The RPC engine: GetParameterNames, GetParameterValues,
//! SetParameterValues, GetParameterAttributes, SetParameterAttributes,
//! AddObject and DeleteObject over any [`DataModel`], validated against a
//! [`Schema`] before the backend is touched.
//!
//! Read RPCs return cursors (plain `Copy` data, see [`cursor`]) the caller
//! advances one entry at a time with the engine, the model and the request's
//! names passed in on each call (a resumable encoder pulls as its buffer frees
//! up); names and values are written into caller buffers. Request text comes
//! in as [`TextSource`] (a `&str`, or a decoder's still-escaped text): names
//! are read into one bounded path buffer, values into one caller scratch
//! buffer reused for every entry. Nothing allocates.
//!
//! State and sizes (64-bit figures pinned by tests):
//! * a cursor is 456 bytes on 64-bit targets, at most 368 on 32-bit ones
//!   (checked at compile time): a stack of [`WALK_DEPTH`] frames;
//! * the [`Engine`] is what a CPE keeps for its lifetime: the schema, the
//!   policy and the [`AttributeStore`] — per attribute entry a 32-byte
//!   record and [`NAME_BYTES_PER_ENTRY`](crate::attributes::NAME_BYTES_PER_ENTRY)
//!   bytes of exact name (`Engine<64>` is 6 184 bytes on 64-bit);
//! * a [`SessionState`] holds what lives for one CWMP session only (the
//!   watched parameters the ACS wrote, whose pushed changes must not
//!   notify: 4 bytes each, 520 bytes) and is dropped, or
//!   [cleared](SessionState::clear), when the session ends.
//!
//! Policies (TR-069 Amd 6 §A.3.2 where it speaks, ours where it does not):
//! * Names outside the schema: see [`UnknownNames`]; vendor `X_` names are
//!   served with the backend's type and writability.
//! * Writability is the schema's access **and** the backend's flag; either
//!   one saying read-only gives 9008. A `writeOnceReadOnly` parameter is
//!   writable until the ACS first writes it, then 9008 (and Writable false
//!   in GetParameterNames); the mark is kept in the attribute store and its
//!   image, so it survives a reboot. A value the device gave it itself does
//!   not count as the write.
//! * GetParameterNames on a parameter with NextLevel true answers 9003.
//! * SetParameterValues validates every entry (9005 name, 9008 writability,
//!   9006 type, 9007 value, checked in that order, one fault per entry) and
//!   answers 9003 with the list when any fails. A parameter named twice
//!   answers 9003 for the whole request and changes nothing: TR-069 §A.3.2.1
//!   makes the request atomic and gives the list no order, so two values for
//!   one parameter cannot both be applied (ATP-069 test 5.58 checks that such
//!   a request is refused); the exact wording was not in the reference
//!   texts available here, 9003 Invalid arguments is our reading.
//!   Duplicates are found by the *resolved* parameter, so an instance
//!   number and an `[alias]` naming the same object are the same parameter
//!   (see [`set_parameter_values`](Engine::set_parameter_values) for the
//!   bounded method). ParameterKey longer than 32 answers 9003.
//! * A value too long for the caller's scratch buffer answers 9007 (for that
//!   entry) when it is longer than the parameter's `<size>` allows, 9004
//!   for the request otherwise; it is never stored or cut.
//! * AddObject/DeleteObject on anything but a writable table (instance)
//!   answers 9005; a table at `maxEntries` answers 9004.
//! * `hidden`/`secured` parameters read as the empty string.

pub mod cursor;
mod spv;
pub(crate) mod text;
pub(crate) mod walk;

pub use cursor::{NameList, NamesCursor, ParamCursor};
pub use walk::{EntryName, UnknownNames, WALK_DEPTH};

use cwmp_core::text::TextSource;
use cwmp_core::{FaultCode, ParamType};
use heapless::Vec;

use crate::attributes::{Attr, AttrError, AttributeStore, Notification, Watch, check_notification};
use crate::datamodel::{Applied, BackendError, DataModel, NameBuf, NodeInfo, NodeKind};
use crate::path::{MAX_PATH_LEN, Path, PathError};
use crate::schema::{ActiveNotify, CheckError, ObjectAccess, ParamAccess, Schema};
use cursor::Filter;
pub use spv::DUPLICATE_BLOCK;
use text::{PathBuf, as_str, parse_path};
use walk::{Class, Descend, ObjClass, ParamClass, Walk, classify};

/// Longest ParameterKey (cwmp xsd: string(32)).
pub const MAX_PARAMETER_KEY_LEN: usize = 32;

/// Names the ACS set in the current session remembered to suppress their
/// pushed change notifications.
pub const SESSION_SET_CAPACITY: usize = 128;

/// Why a request (or one entry of it) failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Reason {
    /// The name is not a valid TR-106 path.
    Path(PathError),
    /// No such parameter or object (or outside the schema, see [`UnknownNames`]).
    NoSuchName,
    /// A parameter name where an object path is needed, or the reverse.
    WrongKind,
    /// GetParameterNames with NextLevel true on a parameter.
    NextLevelOnParameter,
    /// The parameter is read-only (schema or backend).
    NotWritable,
    /// The value failed the schema check (type → 9006, facets → 9007).
    Check(CheckError),
    /// The value is not a valid literal of the backend's type (vendor names).
    BadLiteral(ParamType),
    /// A declared `xsi:type` differs from the parameter's type.
    TypeMismatch(ParamType),
    /// The same name appears twice in a SetParameterValues request.
    DuplicateName,
    /// AddObject on something that is not a writable table, or
    /// DeleteObject on something that is not a deletable instance.
    NotATable,
    /// The table already holds `maxEntries` instances.
    MaxEntries,
    /// ParameterKey longer than 32 characters.
    ParameterKeyTooLong,
    /// A Notification value outside 0–6.
    BadNotification(u8),
    /// An AccessList entry other than `Subscriber`.
    BadAccessList,
    /// An attribute was refused or could not be stored.
    Attr(AttrError),
    /// SetParameterValues had invalid entries (see the fault list); how many.
    InvalidParameters(usize),
    /// A SetParameterValues value longer than the caller's scratch buffer
    /// (and not known to exceed the parameter's size): its length in bytes.
    ValueTooLong(usize),
    /// The model changed between counting a cursor's entries and writing
    /// them (see [`cursor`]): the count that was announced.
    ModelChanged {
        /// Entries counted.
        counted: u32,
    },
    /// The backend failed.
    Backend(BackendError),
}

impl Reason {
    /// The fault code for this reason.
    pub fn fault(self) -> FaultCode {
        match self {
            Reason::Path(_) | Reason::NoSuchName | Reason::WrongKind | Reason::NotATable => {
                FaultCode::INVALID_PARAMETER_NAME
            }
            Reason::NextLevelOnParameter
            | Reason::DuplicateName
            | Reason::ParameterKeyTooLong
            | Reason::BadNotification(_)
            | Reason::BadAccessList
            | Reason::InvalidParameters(_) => FaultCode::INVALID_ARGUMENTS,
            Reason::NotWritable => FaultCode::NON_WRITABLE_PARAMETER,
            Reason::Check(e) if e.is_wrong_type() => FaultCode::INVALID_PARAMETER_TYPE,
            Reason::Check(_) => FaultCode::INVALID_PARAMETER_VALUE,
            Reason::BadLiteral(_) | Reason::TypeMismatch(_) => FaultCode::INVALID_PARAMETER_TYPE,
            Reason::MaxEntries | Reason::ValueTooLong(_) => FaultCode::RESOURCES_EXCEEDED,
            Reason::ModelChanged { .. } => FaultCode::INTERNAL_ERROR,
            Reason::Attr(AttrError::Rejected { .. }) => FaultCode::NOTIFICATION_REQUEST_REJECTED,
            Reason::Attr(AttrError::Full) => FaultCode::RESOURCES_EXCEEDED,
            Reason::Attr(_) => FaultCode::INTERNAL_ERROR,
            Reason::Backend(e) => e.fault(),
        }
    }
}

/// A failed RPC: the fault code, why, and which request entry (0-based) it
/// concerns, if one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("fault {code}: {reason:?} (request entry {index:?})")]
pub struct RpcError {
    /// The CWMP fault code.
    pub code: FaultCode,
    /// What went wrong.
    pub reason: Reason,
    /// The 0-based position of the offending entry in the request.
    pub index: Option<usize>,
}

impl RpcError {
    /// An error for `reason`, at request entry `index`.
    pub fn new(reason: Reason, index: Option<usize>) -> Self {
        RpcError { code: reason.fault(), reason, index }
    }
}

/// One failed entry of a SetParameterValues request
/// (a `SetParameterValuesFault`): its position, its own fault code and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SpvFault {
    /// 0-based position in the request's ParameterList.
    pub index: usize,
    /// 9005, 9006, 9007 or 9008.
    pub code: FaultCode,
    /// Why.
    pub reason: Reason,
}

/// One ParameterValueStruct of a SetParameterValues request, as the
/// decoder gives it: name and value are any [`TextSource`] (a `&str`, or
/// text still escaped as received).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetValue<T> {
    /// The full parameter name.
    pub name: T,
    /// The value text.
    pub value: T,
    /// The `xsi:type` the ACS declared, if any.
    pub ty: Option<ParamType>,
}

/// One SetParameterAttributesStruct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetAttribute<T> {
    /// A parameter name or partial path (applies to every parameter below).
    pub name: T,
    /// `Some(n)` when NotificationChange is true.
    pub notification: Option<u8>,
    /// `Some(subscriber)` when AccessListChange is true: whether the list
    /// holds `Subscriber` (see [`access_list_subscriber`]).
    pub access_list: Option<bool>,
}

/// Reads an AccessList: `Ok(true)` for `[Subscriber]`, `Ok(false)` for an
/// empty list; any other entry is invalid (9003), `Subscriber` being the only
/// value TR-069 defines. Entries are read as text, whitespace around them ignored.
pub fn access_list_subscriber<I>(items: I) -> Result<bool, RpcError>
where
    I: IntoIterator,
    I::Item: TextSource,
{
    let mut subscriber = false;
    for item in items {
        if text::eq_trimmed(&item, "Subscriber") {
            subscriber = true;
        } else {
            return Err(RpcError::new(Reason::BadAccessList, None));
        }
    }
    Ok(subscriber)
}

/// A GetParameterValues entry: the value type and its length in the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueInfo {
    /// The `xsi:type` to send.
    pub ty: ParamType,
    /// Bytes of value text written.
    pub len: usize,
}

/// A GetParameterAttributes entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttrInfo {
    /// The Notification attribute.
    pub notification: Notification,
    /// Whether the AccessList holds `Subscriber`.
    pub subscriber: bool,
}

/// What lives for one CWMP session only: the watched parameters the ACS
/// wrote in it, whose changes must not notify (TR-069 §3.2.1), by the id of
/// their attribute-store entry (exact: ids are never shared). Keep it in the
/// session and drop or [clear](Self::clear) it when the session ends;
/// outside a session pass an empty one. Up to [`SESSION_SET_CAPACITY`]
/// writes are remembered; beyond that a later *pushed* change of such a
/// parameter notifies once too many (scans stay quiet: every ACS write also
/// moves the watched value), never once too few.
#[derive(Debug, Clone, Default)]
pub struct SessionState {
    pub(crate) acs_written: Vec<u32, SESSION_SET_CAPACITY>,
}

impl SessionState {
    /// A new session: nothing written yet.
    pub const fn new() -> Self {
        SessionState { acs_written: Vec::new() }
    }

    /// Ends the session: writes by the ACS are forgotten, later local
    /// changes of the same parameters notify again.
    pub fn clear(&mut self) {
        self.acs_written.clear();
    }

    pub(crate) fn wrote(&self, id: u32) -> bool {
        self.acs_written.contains(&id)
    }

    fn note(&mut self, id: u32) {
        if !self.wrote(id) {
            let _ = self.acs_written.push(id);
        }
    }
}

/// The engine: a schema, the unknown-name policy and the attribute store
/// (up to `A` parameters with attributes or watched values): what a CPE
/// keeps for its lifetime. Per-session state is a separate [`SessionState`].
///
/// ```
/// use cwmp_core::ParamType;
/// use cwmp_model::datamodel::NodeKind;
/// use cwmp_model::engine::{Engine, UnknownNames};
/// use cwmp_model::memory::{MemoryModel, Slot, Undo};
/// use cwmp_model::schema::tr181;
///
/// let (mut slots, mut arena, mut journal) = ([Slot::EMPTY; 16], [0u8; 256], [Undo::EMPTY; 4]);
/// let mut m = MemoryModel::new(&mut slots, &mut arena, &mut journal);
/// m.insert("Device.X_ACME_Uptime", NodeKind::Parameter, false, ParamType::UnsignedInt, "42").unwrap();
/// let engine: Engine<'_, 8> = Engine::new(&tr181::SCHEMA).with_unknown_names(UnknownNames::Reject);
/// let names = ["Device."];
/// let mut cursor = engine.get_parameter_values(&m, &names).unwrap();
/// let (mut name, mut value) = (Default::default(), [0u8; 64]);
/// let info = cursor.next_entry(&engine, &m, &names, &mut name, &mut value).unwrap().unwrap();
/// assert_eq!((name.as_str(), &value[..info.len]), ("Device.X_ACME_Uptime", &b"42"[..]));
/// ```
#[derive(Debug, Clone)]
pub struct Engine<'s, const A: usize> {
    pub(crate) schema: &'s Schema,
    pub(crate) policy: UnknownNames,
    pub(crate) attrs: AttributeStore<A>,
}

/// Resolves a path to a visible node and its class.
fn resolve<M: DataModel>(
    model: &M,
    schema: &Schema,
    policy: UnknownNames,
    path: &Path<'_>,
    name: &mut NameBuf,
) -> Option<(M::Node, Class)> {
    let node = model.lookup(path)?;
    model.write_name(node, name).ok()?;
    let class = classify(schema, model.info(node).kind, name);
    class.visible(policy).then_some((node, class))
}

/// Parses request name `index`, read into `buf` if it is not contiguous.
fn parse_at<'a, T: TextSource + ?Sized>(text: &'a T, buf: &'a mut PathBuf, index: usize) -> Result<Path<'a>, RpcError> {
    parse_path(text, buf).map_err(|e| RpcError::new(Reason::Path(e), Some(index)))
}

/// Reads a ParameterKey (cwmp xsd: string(32)); longer answers 9003.
fn parameter_key<'a, K: TextSource + ?Sized>(
    key: &'a K,
    buf: &'a mut [u8; MAX_PARAMETER_KEY_LEN * 4],
) -> Result<&'a str, RpcError> {
    let too_long = RpcError::new(Reason::ParameterKeyTooLong, None);
    let s = as_str(key, buf).ok_or(too_long)?;
    if s.chars().count() > MAX_PARAMETER_KEY_LEN { Err(too_long) } else { Ok(s) }
}

/// Whether a node is writable: schema access and backend flag.
fn writable(class: Class, info: NodeInfo, name: &str) -> bool {
    let is_instance = {
        let body = name.strip_suffix('.').unwrap_or(name);
        crate::path::parse_instance(body.rsplit('.').next().unwrap_or("")).is_some()
    };
    info.writable
        && match class {
            Class::Param(ParamClass::Known(p)) => p.is_writable(),
            Class::Obj(ObjClass::Table(t)) => t.access == ObjectAccess::ReadWrite,
            Class::Obj(ObjClass::Object(o)) => is_instance && o.access == ObjectAccess::ReadWrite,
            Class::Param(_) | Class::Obj(_) => true,
        }
}

/// Builds `<root>ManagementServer.ParameterKey`.
fn parameter_key_name(schema: &Schema) -> Option<NameBuf> {
    let mut n = NameBuf::new();
    n.push_str(schema.root).ok()?;
    n.push_str("ManagementServer.ParameterKey").ok()?;
    Some(n)
}

impl<'s, const A: usize> Engine<'s, A> {
    /// An engine over `schema` with the default policy and no attributes.
    pub fn new(schema: &'s Schema) -> Self {
        Engine { schema, policy: UnknownNames::Reject, attrs: AttributeStore::new() }
    }

    /// Sets the policy for names outside the schema.
    pub fn with_unknown_names(mut self, policy: UnknownNames) -> Self {
        self.policy = policy;
        self
    }

    /// Replaces the attribute store (e.g. one decoded from flash).
    pub fn with_attributes(mut self, attrs: AttributeStore<A>) -> Self {
        self.attrs = attrs;
        self
    }

    /// The schema.
    pub fn schema(&self) -> &'s Schema {
        self.schema
    }

    /// The attribute store, to persist with [`AttributeStore::encode`].
    pub fn attributes(&self) -> &AttributeStore<A> {
        &self.attrs
    }

    /// The forced-inform parameters of the schema (templates).
    pub fn forced_inform(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.schema.forced_inform()
    }

    /// GetParameterNames. `path` may be empty (the whole tree), a partial
    /// path or a parameter name. Pull with [`NamesCursor::next_entry`].
    pub fn get_parameter_names<M: DataModel, T: TextSource>(
        &self,
        model: &M,
        path: T,
        next_level: bool,
    ) -> Result<NamesCursor<M::Node>, RpcError> {
        let mut buf: PathBuf = [0; MAX_PATH_LEN];
        let p = parse_at(&path, &mut buf, 0)?;
        let mut name = NameBuf::new();
        let not_found = RpcError::new(Reason::NoSuchName, Some(0));
        let walk = if p.is_empty() {
            let root = model.root().ok_or(not_found)?;
            model.write_name(root, &mut name).map_err(|_| not_found)?;
            let class = classify(self.schema, NodeKind::Object, &name);
            // NextLevel true on the empty path lists the root object only.
            let descend = if next_level { Descend::None } else { Descend::All };
            Walk::new(root, class, true, descend)
        } else {
            let (node, class) = resolve(model, self.schema, self.policy, &p, &mut name).ok_or(not_found)?;
            match (class, next_level) {
                (Class::Param(_), true) => return Err(RpcError::new(Reason::NextLevelOnParameter, Some(0))),
                (Class::Param(_), false) => Walk::new(node, class, true, Descend::None),
                (Class::Obj(_), true) => Walk::new(node, class, false, Descend::Children),
                (Class::Obj(_), false) => Walk::new(node, class, true, Descend::All),
            }
        };
        Ok(NamesCursor { walk, counted: Default::default() })
    }

    /// Checks every name of a GetParameterValues / GetParameterAttributes
    /// request up front, so a fault is answered before any entry streams.
    fn check_names<M: DataModel, L: NameList + ?Sized>(&self, model: &M, names: &L) -> Result<(), RpcError> {
        let mut name = NameBuf::new();
        let mut i = 0usize;
        while let Some(text) = names.name(i) {
            let mut buf: PathBuf = [0; MAX_PATH_LEN];
            let p = parse_at(&text, &mut buf, i)?;
            if !p.is_empty() {
                resolve(model, self.schema, self.policy, &p, &mut name)
                    .ok_or(RpcError::new(Reason::NoSuchName, Some(i)))?;
            }
            i = i.saturating_add(1);
        }
        Ok(())
    }

    /// GetParameterValues over `names` (full names, partial paths or the
    /// empty path). Every name is checked before the cursor is returned;
    /// pull with [`ParamCursor::next_entry`], passing the same `names`.
    pub fn get_parameter_values<M: DataModel, L: NameList + ?Sized>(
        &self,
        model: &M,
        names: &L,
    ) -> Result<ParamCursor<M::Node>, RpcError> {
        self.check_names(model, names)?;
        Ok(ParamCursor::new(Filter::All))
    }

    /// GetParameterAttributes over `names`; same cursor as
    /// [`get_parameter_values`](Self::get_parameter_values), pulled with
    /// [`ParamCursor::next_attributes`].
    pub fn get_parameter_attributes<M: DataModel, L: NameList + ?Sized>(
        &self,
        model: &M,
        names: &L,
    ) -> Result<ParamCursor<M::Node>, RpcError> {
        self.get_parameter_values(model, names)
    }

    /// Whether a node is writable now: [`writable`], and for a
    /// `writeOnceReadOnly` parameter, not yet written by the ACS (the mark
    /// is kept, and persisted, by the attribute store).
    pub(crate) fn writable_now(&self, class: Class, info: NodeInfo, name: &str) -> bool {
        writable(class, info, name)
            && match class {
                Class::Param(ParamClass::Known(d)) if d.access == ParamAccess::WriteOnceReadOnly => {
                    !self.attrs.entry(name).is_some_and(|e| e.written())
                }
                _ => true,
            }
    }

    /// The attribute of a parameter: stored, or the schema default.
    pub(crate) fn attribute_of(&self, class: Class, name: &str) -> Attr {
        self.attrs.get(name).unwrap_or(match class {
            Class::Param(ParamClass::Known(p)) => Attr::default_for(p.notify),
            _ => Attr::DEFAULT,
        })
    }

    /// Writes the ParameterKey parameter, if the backend has one.
    fn write_parameter_key<M: DataModel>(
        &mut self,
        model: &mut M,
        session: &mut SessionState,
        key: &str,
    ) -> Result<(), BackendError> {
        let Some(name) = parameter_key_name(self.schema) else { return Ok(()) };
        let Some(node) = Path::parse(&name).ok().and_then(|p| model.lookup(&p)) else { return Ok(()) };
        model.set(node, key)?;
        self.note_acs_write(session, &name, Watch::of(key.as_bytes()));
        Ok(())
    }

    /// ParameterKey for Add/Delete: its own one-entry batch.
    fn commit_parameter_key<M: DataModel>(
        &mut self,
        model: &mut M,
        session: &mut SessionState,
        key: &str,
    ) -> Result<Applied, RpcError> {
        let err = |e| RpcError::new(Reason::Backend(e), None);
        model.begin().map_err(err)?;
        if let Err(e) = self.write_parameter_key(model, session, key) {
            model.abort();
            return Err(err(e));
        }
        model.commit().map_err(err)
    }

    /// AddObject on a table path such as `Device.IP.Interface.`; returns the
    /// new instance number and the Status.
    pub fn add_object<M: DataModel, T: TextSource, K: TextSource>(
        &mut self,
        model: &mut M,
        session: &mut SessionState,
        object: T,
        parameter_key: K,
    ) -> Result<(u32, Applied), RpcError> {
        let at = Some(0);
        let mut buf: PathBuf = [0; MAX_PATH_LEN];
        let p = parse_at(&object, &mut buf, 0)?;
        let mut key_buf = [0u8; MAX_PARAMETER_KEY_LEN * 4];
        let key = self::parameter_key(&parameter_key, &mut key_buf)?;
        if !p.is_partial() || p.is_empty() || p.last().is_some_and(|s| s.is_instance()) {
            return Err(RpcError::new(Reason::NotATable, at));
        }
        let mut name = NameBuf::new();
        let (node, class) =
            resolve(model, self.schema, self.policy, &p, &mut name).ok_or(RpcError::new(Reason::NoSuchName, at))?;
        let info = model.info(node);
        let max = match class {
            Class::Obj(ObjClass::Table(t)) => t.max_entries,
            Class::Obj(ObjClass::Vendor | ObjClass::Unknown) => None,
            _ => return Err(RpcError::new(Reason::NotATable, at)),
        };
        if !writable(class, info, &name) {
            return Err(RpcError::new(Reason::NotATable, at));
        }
        if let Some(max) = max {
            let mut count = 0u32;
            let mut c = model.first_child(node);
            while let Some(n) = c {
                count = count.saturating_add(1);
                c = model.next_sibling(n);
            }
            if count >= max {
                return Err(RpcError::new(Reason::MaxEntries, at));
            }
        }
        let (instance, applied) = model.add_instance(node).map_err(|e| RpcError::new(Reason::Backend(e), at))?;
        let key_applied = self.commit_parameter_key(model, session, key)?;
        Ok((instance, applied.and(key_applied)))
    }

    /// DeleteObject on an instance path such as `Device.IP.Interface.3.`.
    pub fn delete_object<M: DataModel, T: TextSource, K: TextSource>(
        &mut self,
        model: &mut M,
        session: &mut SessionState,
        object: T,
        parameter_key: K,
    ) -> Result<Applied, RpcError> {
        let at = Some(0);
        let mut buf: PathBuf = [0; MAX_PATH_LEN];
        let p = parse_at(&object, &mut buf, 0)?;
        let mut key_buf = [0u8; MAX_PARAMETER_KEY_LEN * 4];
        let key = self::parameter_key(&parameter_key, &mut key_buf)?;
        if !p.is_partial() || !p.last().is_some_and(|s| s.is_instance()) {
            return Err(RpcError::new(Reason::NotATable, at));
        }
        let mut name = NameBuf::new();
        let (node, class) =
            resolve(model, self.schema, self.policy, &p, &mut name).ok_or(RpcError::new(Reason::NoSuchName, at))?;
        if !matches!(class, Class::Obj(_)) || !writable(class, model.info(node), &name) {
            return Err(RpcError::new(Reason::NotATable, at));
        }
        let applied = model.delete_instance(node).map_err(|e| RpcError::new(Reason::Backend(e), at))?;
        let key_applied = self.commit_parameter_key(model, session, key)?;
        Ok(applied.and(key_applied))
    }

    /// Checks one SetParameterAttributes entry against every parameter it
    /// covers; returns how many new store entries, and name bytes, it may need.
    fn check_attribute<M: DataModel, T: TextSource>(
        &self,
        model: &M,
        sa: &SetAttribute<T>,
        index: usize,
    ) -> Result<(usize, usize), RpcError> {
        let at = Some(index);
        let mut buf: PathBuf = [0; MAX_PATH_LEN];
        let p = parse_at(&sa.name, &mut buf, index)?;
        let n = match sa.notification {
            Some(v) => Some(Notification::from_u8(v).ok_or(RpcError::new(Reason::BadNotification(v), at))?),
            None => None,
        };
        let mut name = EntryName::new();
        let mut walk = self.attribute_walk(model, &p, &mut name).ok_or(RpcError::new(Reason::NoSuchName, at))?;
        let (mut entries, mut bytes) = (0usize, 0usize);
        while let Some(step) = walk.next(model, self.schema, self.policy, &mut name) {
            let (_, class) = step.map_err(|e| RpcError::new(Reason::Backend(e), at))?;
            let Class::Param(pc) = class else { continue };
            if let (Some(n), ParamClass::Known(def)) = (n, pc) {
                check_notification(def.notify, n).map_err(|e| RpcError::new(Reason::Attr(e), at))?;
            }
            if self.attrs.get(&name).is_none() {
                entries = entries.saturating_add(1);
                bytes = bytes.saturating_add(name.len());
            }
        }
        Ok((entries, bytes))
    }

    /// The walk over the parameters a path covers (the parameter itself, or
    /// everything below a partial path).
    fn attribute_walk<M: DataModel>(
        &self,
        model: &M,
        p: &Path<'_>,
        name: &mut EntryName<M::Node>,
    ) -> Option<Walk<M::Node>> {
        let (node, class) = if p.is_empty() {
            let root = model.root()?;
            model.write_name(root, name.rewrite()).ok()?;
            (root, classify(self.schema, NodeKind::Object, name.as_str()))
        } else {
            resolve(model, self.schema, self.policy, p, name.rewrite())?
        };
        Some(Walk::new(node, class, true, Descend::All))
    }

    /// SetParameterAttributes, all-or-nothing: every entry is checked
    /// (names 9005, Notification 0–6 else 9003, `activeNotify` rules 9009,
    /// store capacity 9004) before any attribute changes.
    pub fn set_parameter_attributes<M, I, T>(&mut self, model: &M, entries: I) -> Result<(), RpcError>
    where
        M: DataModel,
        I: IntoIterator<Item = SetAttribute<T>>,
        I::IntoIter: Clone,
        T: TextSource,
    {
        let entries = entries.into_iter();
        let (mut needed, mut bytes) = (0usize, 0usize);
        for (i, sa) in entries.clone().enumerate() {
            let (n, b) = self.check_attribute(model, &sa, i)?;
            needed = needed.saturating_add(n);
            bytes = bytes.saturating_add(b);
        }
        if !self.attrs.has_room(needed, bytes) {
            return Err(RpcError::new(Reason::Attr(AttrError::Full), None));
        }
        let mut name = EntryName::new();
        for (i, sa) in entries.enumerate() {
            let mut buf: PathBuf = [0; MAX_PATH_LEN];
            let Ok(p) = parse_path(&sa.name, &mut buf) else { continue };
            let Some(mut walk) = self.attribute_walk(model, &p, &mut name) else { continue };
            while let Some(step) = walk.next(model, self.schema, self.policy, &mut name) {
                let Ok((node, class)) = step else { continue };
                let Class::Param(pc) = class else { continue };
                let mut attr = self.attribute_of(class, &name);
                if let Some(n) = sa.notification.and_then(Notification::from_u8) {
                    attr = attr.with_notification(n);
                }
                if let Some(s) = sa.access_list {
                    attr = attr.with_subscriber(s);
                }
                let rule = match pc {
                    ParamClass::Known(d) => d.notify,
                    _ => ActiveNotify::Normal,
                };
                if attr == Attr::default_for(rule) && attr.notification() == Notification::Off {
                    self.attrs.remove(&name);
                    continue;
                }
                let e = self.attrs.entry_or_insert(&name).map_err(|e| RpcError::new(Reason::Attr(e), Some(i)))?;
                e.attr = attr;
                // Start watching from the current value (a value longer than
                // this buffer is first read by the next scan).
                let mut buf = [0u8; 256];
                if !e.seen()
                    && let Ok(len) = model.get(node, &mut buf)
                {
                    e.observe(Watch::of(buf.get(..len).unwrap_or(&[])));
                }
            }
        }
        Ok(())
    }

    /// Records a write by the ACS of the parameter with canonical name
    /// `name`: its watched value follows the new value and pushed changes of
    /// it are ignored until the session ends.
    fn note_acs_write(&mut self, session: &mut SessionState, name: &str, value: Watch) {
        if let Some(e) = self.attrs.entry_mut(name) {
            e.observe(value);
            session.note(e.id);
        }
    }
}
