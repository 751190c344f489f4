//! The RPC engine: GetParameterNames, GetParameterValues,
//! SetParameterValues, GetParameterAttributes, SetParameterAttributes,
//! AddObject and DeleteObject over any [`DataModel`], validated against a
//! [`Schema`] before the backend is touched.
//!
//! Read RPCs return cursors the caller pulls one entry at a time (a resumable
//! encoder pulls as its buffer frees up); names and values are written into
//! caller buffers. Nothing allocates.
//!
//! Policies (TR-069 Amd 6 §A.3.2 where it speaks, ours where it does not):
//! * Names outside the schema: see [`UnknownNames`]; vendor `X_` names are
//!   served with the backend's type and writability.
//! * Writability is the schema's access **and** the backend's flag; either
//!   one saying read-only gives 9008. `writeOnceReadOnly` is writable (the
//!   engine does not track "once").
//! * GetParameterNames on a parameter with NextLevel true answers 9003.
//! * SetParameterValues validates every entry (9005 name, 9008 writability,
//!   9006 type, 9007 value, checked in that order, one fault per entry) and
//!   answers 9003 with the list when any fails. A name given twice answers
//!   9003 for the whole request (our reading; the spec text on duplicates
//!   was not available here). Duplicates are compared as text, so the same
//!   parameter addressed once by number and once by alias is not caught.
//!   ParameterKey longer than 32 answers 9003.
//! * AddObject/DeleteObject on anything but a writable table (instance)
//!   answers 9005; a table at `maxEntries` answers 9004.
//! * `hidden`/`secured` parameters read as the empty string.

pub(crate) mod walk;

pub use walk::UnknownNames;

use cwmp_core::{FaultCode, ParamType, Value};
use heapless::Vec;

use crate::attributes::{Attr, AttrError, AttributeStore, Notification, check_notification, name_hash, value_hash};
use crate::datamodel::{Applied, BackendError, DataModel, NameBuf, NodeInfo, NodeKind};
use crate::path::{Path, PathError};
use crate::schema::{ActiveNotify, CheckError, ObjectAccess, Schema};
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
            Reason::MaxEntries => FaultCode::RESOURCES_EXCEEDED,
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

/// One ParameterValueStruct of a SetParameterValues request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetValue<'a> {
    /// The full parameter name.
    pub name: &'a str,
    /// The value text (XML-unescaped).
    pub value: &'a str,
    /// The `xsi:type` the ACS declared, if any.
    pub ty: Option<ParamType>,
}

/// One SetParameterAttributesStruct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetAttribute<'a> {
    /// A parameter name or partial path (applies to every parameter below).
    pub name: &'a str,
    /// `Some(n)` when NotificationChange is true.
    pub notification: Option<u8>,
    /// `Some(subscriber)` when AccessListChange is true: whether the list
    /// holds `Subscriber` (see [`access_list_subscriber`]).
    pub access_list: Option<bool>,
}

/// Reads an AccessList: `Ok(true)` for `[Subscriber]`, `Ok(false)` for an
/// empty list; any other entry is invalid (9003), `Subscriber` being the only
/// value TR-069 defines.
pub fn access_list_subscriber<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<bool, RpcError> {
    let mut subscriber = false;
    for item in items {
        if item.trim() == "Subscriber" {
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

/// The engine: a schema, the unknown-name policy, the attribute store (up to
/// `A` parameters with attributes or watched values) and per-session state.
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
/// let mut cursor = engine.get_parameter_values(&m, ["Device."]).unwrap();
/// let (mut name, mut value) = (Default::default(), [0u8; 64]);
/// let info = cursor.next_entry(&mut name, &mut value).unwrap().unwrap();
/// assert_eq!((name.as_str(), &value[..info.len]), ("Device.X_ACME_Uptime", &b"42"[..]));
/// ```
#[derive(Debug, Clone)]
pub struct Engine<'s, const A: usize> {
    pub(crate) schema: &'s Schema,
    pub(crate) policy: UnknownNames,
    pub(crate) attrs: AttributeStore<A>,
    /// Name hashes the ACS wrote in this session.
    pub(crate) session_set: Vec<u64, SESSION_SET_CAPACITY>,
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

fn parse_at(text: &str, index: usize) -> Result<Path<'_>, RpcError> {
    Path::parse(text).map_err(|e| RpcError::new(Reason::Path(e), Some(index)))
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
        Engine { schema, policy: UnknownNames::Reject, attrs: AttributeStore::new(), session_set: Vec::new() }
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
    /// path or a parameter name.
    pub fn get_parameter_names<'a, M: DataModel>(
        &'a self,
        model: &'a M,
        path: &str,
        next_level: bool,
    ) -> Result<NamesCursor<'a, M>, RpcError> {
        let p = parse_at(path, 0)?;
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
        Ok(NamesCursor { model, schema: self.schema, policy: self.policy, walk })
    }

    /// Checks every name of a GetParameterValues / GetParameterAttributes
    /// request up front, so a fault is answered before any entry streams.
    fn check_names<'n, M: DataModel>(&self, model: &M, names: impl Iterator<Item = &'n str>) -> Result<(), RpcError> {
        let mut buf = NameBuf::new();
        for (i, n) in names.enumerate() {
            let p = parse_at(n, i)?;
            if p.is_empty() {
                continue;
            }
            resolve(model, self.schema, self.policy, &p, &mut buf).ok_or(RpcError::new(Reason::NoSuchName, Some(i)))?;
        }
        Ok(())
    }

    /// GetParameterValues over `names` (full names, partial paths or the
    /// empty path). Every name is checked before the cursor is returned.
    pub fn get_parameter_values<'a, 'n, M, I>(
        &'a self,
        model: &'a M,
        names: I,
    ) -> Result<ParamCursor<'a, M, I::IntoIter, A>, RpcError>
    where
        M: DataModel,
        I: IntoIterator<Item = &'n str>,
        I::IntoIter: Clone,
    {
        let names = names.into_iter();
        self.check_names(model, names.clone())?;
        Ok(ParamCursor { engine: self, model, names, index: 0, walk: Walk::empty() })
    }

    /// GetParameterAttributes over `names`; same cursor as
    /// [`get_parameter_values`](Self::get_parameter_values), pulled with
    /// [`ParamCursor::next_attributes`].
    pub fn get_parameter_attributes<'a, 'n, M, I>(
        &'a self,
        model: &'a M,
        names: I,
    ) -> Result<ParamCursor<'a, M, I::IntoIter, A>, RpcError>
    where
        M: DataModel,
        I: IntoIterator<Item = &'n str>,
        I::IntoIter: Clone,
    {
        self.get_parameter_values(model, names)
    }

    /// The attribute of a parameter: stored, or the schema default.
    pub(crate) fn attribute_of(&self, class: Class, name: &str) -> Attr {
        self.attrs.get(name).unwrap_or(match class {
            Class::Param(ParamClass::Known(p)) => Attr::default_for(p.notify),
            _ => Attr::DEFAULT,
        })
    }

    /// Validates one SetParameterValues entry; returns its node.
    fn check_set<M: DataModel>(&self, model: &M, sv: &SetValue<'_>, name: &mut NameBuf) -> Result<M::Node, Reason> {
        let p = Path::parse(sv.name).map_err(Reason::Path)?;
        if p.is_partial() {
            return Err(Reason::WrongKind);
        }
        let (node, class) = resolve(model, self.schema, self.policy, &p, name).ok_or(Reason::NoSuchName)?;
        let info = model.info(node);
        if !writable(class, info, name) {
            return Err(Reason::NotWritable);
        }
        match class {
            Class::Param(ParamClass::Known(def)) => {
                match sv.ty {
                    Some(t) => def.check_typed(t, sv.value),
                    None => def.check(sv.value),
                }
                .map_err(Reason::Check)?;
            }
            _ => {
                if let Some(t) = sv.ty
                    && t != info.ty
                {
                    return Err(Reason::TypeMismatch(info.ty));
                }
                Value::parse(info.ty, sv.value).map_err(|_| Reason::BadLiteral(info.ty))?;
            }
        }
        Ok(node)
    }

    /// SetParameterValues, all-or-nothing.
    ///
    /// Every entry is validated first; each invalid one is pushed to `faults`
    /// with its own code (when `faults` is full the rest are only counted)
    /// and the call answers 9003 with [`Reason::InvalidParameters`] without
    /// touching the backend. Otherwise all values and the ParameterKey are
    /// written in one backend batch; a backend failure aborts the batch and
    /// is reported for the entry that failed.
    pub fn set_parameter_values<'v, M, I, const F: usize>(
        &mut self,
        model: &mut M,
        params: I,
        parameter_key: &str,
        faults: &mut Vec<SpvFault, F>,
    ) -> Result<Applied, RpcError>
    where
        M: DataModel,
        I: IntoIterator<Item = SetValue<'v>>,
        I::IntoIter: Clone,
    {
        let params = params.into_iter();
        faults.clear();
        if parameter_key.len() > MAX_PARAMETER_KEY_LEN {
            return Err(RpcError::new(Reason::ParameterKeyTooLong, None));
        }
        let mut name = NameBuf::new();
        let mut bad = 0usize;
        for (i, sv) in params.clone().enumerate() {
            if params.clone().take(i).any(|prev| prev.name == sv.name) {
                faults.clear();
                return Err(RpcError::new(Reason::DuplicateName, Some(i)));
            }
            if let Err(reason) = self.check_set(model, &sv, &mut name) {
                bad += 1;
                let _ = faults.push(SpvFault { index: i, code: reason.fault(), reason });
            }
        }
        if bad > 0 {
            return Err(RpcError::new(Reason::InvalidParameters(bad), None));
        }
        model.begin().map_err(|e| RpcError::new(Reason::Backend(e), None))?;
        for (i, sv) in params.clone().enumerate() {
            let applied = Path::parse(sv.name)
                .ok()
                .and_then(|p| model.lookup(&p))
                .ok_or(BackendError::NoSuchName)
                .and_then(|node| model.set(node, sv.value));
            if let Err(e) = applied {
                model.abort();
                return Err(RpcError::new(Reason::Backend(e), Some(i)));
            }
        }
        if let Err(e) = self.write_parameter_key(model, parameter_key) {
            model.abort();
            return Err(RpcError::new(Reason::Backend(e), None));
        }
        let applied = model.commit().map_err(|e| RpcError::new(Reason::Backend(e), None))?;
        for sv in params {
            self.note_acs_write(sv.name, sv.value.as_bytes());
        }
        Ok(applied)
    }

    /// Writes the ParameterKey parameter, if the backend has one.
    fn write_parameter_key<M: DataModel>(&mut self, model: &mut M, key: &str) -> Result<(), BackendError> {
        let Some(name) = parameter_key_name(self.schema) else { return Ok(()) };
        let Some(node) = Path::parse(&name).ok().and_then(|p| model.lookup(&p)) else { return Ok(()) };
        model.set(node, key)?;
        self.note_acs_write(&name, key.as_bytes());
        Ok(())
    }

    /// ParameterKey for Add/Delete: its own one-entry batch.
    fn commit_parameter_key<M: DataModel>(&mut self, model: &mut M, key: &str) -> Result<Applied, RpcError> {
        let err = |e| RpcError::new(Reason::Backend(e), None);
        model.begin().map_err(err)?;
        if let Err(e) = self.write_parameter_key(model, key) {
            model.abort();
            return Err(err(e));
        }
        model.commit().map_err(err)
    }

    /// AddObject on a table path such as `Device.IP.Interface.`; returns the
    /// new instance number and the Status.
    pub fn add_object<M: DataModel>(
        &mut self,
        model: &mut M,
        object: &str,
        parameter_key: &str,
    ) -> Result<(u32, Applied), RpcError> {
        let at = Some(0);
        let p = parse_at(object, 0)?;
        if parameter_key.len() > MAX_PARAMETER_KEY_LEN {
            return Err(RpcError::new(Reason::ParameterKeyTooLong, None));
        }
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
        let key_applied = self.commit_parameter_key(model, parameter_key)?;
        Ok((instance, applied.and(key_applied)))
    }

    /// DeleteObject on an instance path such as `Device.IP.Interface.3.`.
    pub fn delete_object<M: DataModel>(
        &mut self,
        model: &mut M,
        object: &str,
        parameter_key: &str,
    ) -> Result<Applied, RpcError> {
        let at = Some(0);
        let p = parse_at(object, 0)?;
        if parameter_key.len() > MAX_PARAMETER_KEY_LEN {
            return Err(RpcError::new(Reason::ParameterKeyTooLong, None));
        }
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
        let key_applied = self.commit_parameter_key(model, parameter_key)?;
        Ok(applied.and(key_applied))
    }

    /// Checks one SetParameterAttributes entry against every parameter it
    /// covers; returns how many new store entries it may need.
    fn check_attribute<M: DataModel>(&self, model: &M, sa: &SetAttribute<'_>, index: usize) -> Result<usize, RpcError> {
        let at = Some(index);
        let p = parse_at(sa.name, index)?;
        let n = match sa.notification {
            Some(v) => Some(Notification::from_u8(v).ok_or(RpcError::new(Reason::BadNotification(v), at))?),
            None => None,
        };
        let mut name = NameBuf::new();
        let mut walk = self.attribute_walk(model, &p, &mut name).ok_or(RpcError::new(Reason::NoSuchName, at))?;
        let mut needed = 0usize;
        while let Some(step) = walk.next(model, self.schema, self.policy, &mut name) {
            let (_, class) = step.map_err(|e| RpcError::new(Reason::Backend(e), at))?;
            let Class::Param(pc) = class else { continue };
            if let (Some(n), ParamClass::Known(def)) = (n, pc) {
                check_notification(def.notify, n).map_err(|e| RpcError::new(Reason::Attr(e), at))?;
            }
            if self.attrs.get(&name).is_none() {
                needed = needed.saturating_add(1);
            }
        }
        Ok(needed)
    }

    /// The walk over the parameters a path covers (the parameter itself, or
    /// everything below a partial path).
    fn attribute_walk<M: DataModel>(&self, model: &M, p: &Path<'_>, name: &mut NameBuf) -> Option<Walk<M::Node>> {
        let (node, class) = if p.is_empty() {
            let root = model.root()?;
            model.write_name(root, name).ok()?;
            (root, classify(self.schema, NodeKind::Object, name))
        } else {
            resolve(model, self.schema, self.policy, p, name)?
        };
        Some(Walk::new(node, class, true, Descend::All))
    }

    /// SetParameterAttributes, all-or-nothing: every entry is checked
    /// (names 9005, Notification 0–6 else 9003, `activeNotify` rules 9009,
    /// store capacity 9004) before any attribute changes.
    pub fn set_parameter_attributes<'v, M, I>(&mut self, model: &M, entries: I) -> Result<(), RpcError>
    where
        M: DataModel,
        I: IntoIterator<Item = SetAttribute<'v>>,
        I::IntoIter: Clone,
    {
        let entries = entries.into_iter();
        let mut needed = 0usize;
        for (i, sa) in entries.clone().enumerate() {
            needed = needed.saturating_add(self.check_attribute(model, &sa, i)?);
        }
        if !self.attrs.has_room(needed) {
            return Err(RpcError::new(Reason::Attr(AttrError::Full), None));
        }
        let mut name = NameBuf::new();
        for (i, sa) in entries.enumerate() {
            let Ok(p) = Path::parse(sa.name) else { continue };
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
                let key = name_hash(&name);
                if attr == Attr::default_for(rule) && attr.notification() == Notification::Off {
                    self.attrs.remove(&name);
                    continue;
                }
                self.attrs.set_hashed(key, attr).map_err(|e| RpcError::new(Reason::Attr(e), Some(i)))?;
                // Start watching from the current value.
                let mut buf = [0u8; 256];
                if let (Some(e), Ok(len)) = (self.attrs.entry_mut(key), model.get(node, &mut buf))
                    && !e.seen
                {
                    e.value = value_hash(buf.get(..len).unwrap_or(&[]));
                    e.seen = true;
                }
            }
        }
        Ok(())
    }

    /// Records a write by the ACS: its watched value hash follows the new
    /// value and pushed changes of it are ignored until the session ends.
    fn note_acs_write(&mut self, name: &str, value: &[u8]) {
        let key = name_hash(name);
        if let Some(e) = self.attrs.entry_mut(key) {
            e.value = value_hash(value);
            e.seen = true;
        }
        if !self.session_set.contains(&key) {
            let _ = self.session_set.push(key);
        }
    }
}

/// The GetParameterNames cursor: pull entries with [`NamesCursor::next_entry`].
#[derive(Debug)]
pub struct NamesCursor<'a, M: DataModel> {
    model: &'a M,
    schema: &'a Schema,
    policy: UnknownNames,
    walk: Walk<M::Node>,
}

impl<M: DataModel> NamesCursor<'_, M> {
    /// The next ParameterInfoStruct: the name is written into `name`, the
    /// result is its Writable flag. `None` at the end.
    pub fn next_entry(&mut self, name: &mut NameBuf) -> Option<Result<bool, RpcError>> {
        let step = self.walk.next(self.model, self.schema, self.policy, name)?;
        Some(match step {
            Ok((node, class)) => Ok(writable(class, self.model.info(node), name)),
            Err(e) => Err(RpcError::new(Reason::Backend(e), None)),
        })
    }
}

/// The cursor of GetParameterValues and GetParameterAttributes: the
/// parameters named or below the partial paths named, in request order.
#[derive(Debug)]
pub struct ParamCursor<'a, M: DataModel, I, const A: usize> {
    engine: &'a Engine<'a, A>,
    model: &'a M,
    names: I,
    index: usize,
    walk: Walk<M::Node>,
}

impl<'a, 'n, M: DataModel, I: Iterator<Item = &'n str>, const A: usize> ParamCursor<'a, M, I, A> {
    /// The next parameter: node and class, name in `name`.
    pub(crate) fn next_param(&mut self, name: &mut NameBuf) -> Option<Result<(M::Node, Class), RpcError>> {
        let (schema, policy) = (self.engine.schema, self.engine.policy);
        loop {
            match self.walk.next(self.model, schema, policy, name) {
                Some(Ok((node, class @ Class::Param(_)))) => return Some(Ok((node, class))),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Some(Err(RpcError::new(Reason::Backend(e), Some(self.index)))),
                None => {}
            }
            let text = self.names.next()?;
            self.index = self.index.saturating_add(1);
            let at = Some(self.index - 1);
            let p = match Path::parse(text) {
                Ok(p) => p,
                Err(e) => return Some(Err(RpcError::new(Reason::Path(e), at))),
            };
            let start = if p.is_empty() {
                self.model.root().and_then(|r| {
                    self.model.write_name(r, name).ok()?;
                    Some((r, classify(schema, NodeKind::Object, name)))
                })
            } else {
                resolve(self.model, schema, policy, &p, name)
            };
            let Some((node, class)) = start else {
                return Some(Err(RpcError::new(Reason::NoSuchName, at)));
            };
            self.walk = Walk::new(node, class, true, Descend::All);
        }
    }

    /// The next ParameterValueStruct: the name is written into `name`, the
    /// value text into `value`. `None` at the end. A value larger than
    /// `value` fails with 9004.
    pub fn next_entry(&mut self, name: &mut NameBuf, value: &mut [u8]) -> Option<Result<ValueInfo, RpcError>> {
        Some(match self.next_param(name)? {
            Ok((node, class)) => self.value_of(node, class, value),
            Err(e) => Err(e),
        })
    }

    /// Reads the value of a parameter found by [`Self::next_param`].
    pub(crate) fn value_of(&self, node: M::Node, class: Class, value: &mut [u8]) -> Result<ValueInfo, RpcError> {
        let at = Some(self.index.saturating_sub(1));
        match class {
            Class::Param(ParamClass::Known(def)) if def.reads_empty() => Ok(ValueInfo { ty: def.ty, len: 0 }),
            Class::Param(pc) => {
                let ty = match pc {
                    ParamClass::Known(def) => def.ty,
                    _ => self.model.info(node).ty,
                };
                self.model
                    .get(node, value)
                    .map(|len| ValueInfo { ty, len })
                    .map_err(|e| RpcError::new(Reason::Backend(e), at))
            }
            Class::Obj(_) => Err(RpcError::new(Reason::WrongKind, at)),
        }
    }

    /// The next ParameterAttributeStruct, name into `name`. `None` at the end.
    pub fn next_attributes(&mut self, name: &mut NameBuf) -> Option<Result<AttrInfo, RpcError>> {
        let (_, class) = match self.next_param(name)? {
            Ok(x) => x,
            Err(e) => return Some(Err(e)),
        };
        let a = self.engine.attribute_of(class, name);
        Some(Ok(AttrInfo { notification: a.notification(), subscriber: a.subscriber() }))
    }
}
