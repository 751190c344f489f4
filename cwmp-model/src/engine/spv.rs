//! SetParameterValues (TR-069 §A.3.2.1): validation of every entry, the
//! duplicate check by resolved parameter, and the all-or-nothing write.

use cwmp_core::text::TextSource;
use cwmp_core::{ParamType, Value};
use heapless::Vec;

use super::text::{PathBuf, as_str, char_len, parse_path, watch_text};
use super::walk::{Class, ParamClass};
use super::{Engine, MAX_PARAMETER_KEY_LEN, Reason, RpcError, SessionState, SetValue, SpvFault, resolve};
use crate::attributes::value_hash;
use crate::attributes::{Attr, AttrError};
use crate::datamodel::{Applied, BackendError, DataModel, NameBuf};
use crate::path::MAX_PATH_LEN;
use crate::schema::check::{CheckError, CheckKind};
use crate::schema::{ParamAccess, ParamDef};

/// Request entries hashed per pass of the duplicate check (8 bytes each on
/// the stack).
pub const DUPLICATE_BLOCK: usize = 64;

/// Why a value that does not fit the scratch buffer is refused: 9007 when
/// its length alone breaks the parameter's `<size>` (strings, lists),
/// otherwise 9004 (we cannot hold it).
fn too_long<T: TextSource + ?Sized>(class: Class, value: &T) -> Reason {
    let fault = |kind| Reason::Check(CheckError { kind, item: None });
    if let Class::Param(ParamClass::Known(def)) = class {
        let syn = def.syntax;
        let chars = char_len(value);
        if let Some(list) = syn.list {
            if list.max_length.is_some_and(|m| chars > m as usize) {
                return fault(CheckKind::ListLength(chars));
            }
        } else if def.ty == ParamType::String
            && !syn.sizes.is_empty()
            && syn.sizes.iter().all(|s| s.max.is_some_and(|m| chars > m as usize))
        {
            return fault(CheckKind::Length(chars));
        }
    }
    Reason::ValueTooLong(value.text_len())
}

/// Whether a class is a `writeOnceReadOnly` parameter of the schema.
fn is_write_once(class: Class) -> bool {
    matches!(class, Class::Param(ParamClass::Known(d)) if d.access == ParamAccess::WriteOnceReadOnly)
}

/// Checks a value against a parameter the schema defines, or against the
/// backend's type for vendor and served unknown names.
fn check_value(class: Class, backend_ty: ParamType, declared: Option<ParamType>, text: &str) -> Result<(), Reason> {
    match class {
        Class::Param(ParamClass::Known(def)) => check_known(def, declared, text),
        _ => {
            if let Some(t) = declared
                && t != backend_ty
            {
                return Err(Reason::TypeMismatch(backend_ty));
            }
            Value::parse(backend_ty, text).map(|_| ()).map_err(|_| Reason::BadLiteral(backend_ty))
        }
    }
}

fn check_known(def: &ParamDef, declared: Option<ParamType>, text: &str) -> Result<(), Reason> {
    match declared {
        Some(t) => def.check_typed(t, text),
        None => def.check(text),
    }
    .map(|_| ())
    .map_err(Reason::Check)
}

/// The backend node an entry names, by the model alone (no schema).
fn locate<M: DataModel, T: TextSource>(model: &M, sv: &SetValue<T>) -> Option<M::Node> {
    let mut buf: PathBuf = [0; MAX_PATH_LEN];
    let p = parse_path(&sv.name, &mut buf).ok().filter(|p| !p.is_partial())?;
    model.lookup(&p)
}

/// The canonical name of an entry (instance numbers, never aliases) into
/// `name`: the text itself when it has no alias (instance numbers are
/// canonical once parsed: no leading zeros), else the backend's name of the
/// instance the alias selects. `None` for a malformed name or an alias that
/// selects nothing.
fn canonical<M: DataModel, T: TextSource>(model: &M, sv: &SetValue<T>, name: &mut NameBuf) -> Option<()> {
    let mut buf: PathBuf = [0; MAX_PATH_LEN];
    let p = parse_path(&sv.name, &mut buf).ok().filter(|p| !p.is_partial())?;
    if p.has_alias() {
        model.write_name(model.lookup(&p)?, name).ok()
    } else {
        name.clear();
        name.push_str(p.as_str()).ok()
    }
}

impl<const A: usize> Engine<'_, A> {
    /// Resolves the name of one entry to its node; the canonical name (with
    /// instance numbers, never aliases) is left in `name`.
    fn resolve_entry<M: DataModel, T: TextSource>(
        &self,
        model: &M,
        sv: &SetValue<T>,
        name: &mut NameBuf,
    ) -> Result<(M::Node, Class), Reason> {
        let mut buf: PathBuf = [0; MAX_PATH_LEN];
        let p = parse_path(&sv.name, &mut buf).map_err(Reason::Path)?;
        if p.is_partial() {
            return Err(Reason::WrongKind);
        }
        resolve(model, self.schema, self.policy, &p, name).ok_or(Reason::NoSuchName)
    }

    /// Validates one SetParameterValues entry; returns its node.
    fn check_set<M: DataModel, T: TextSource>(
        &self,
        model: &M,
        sv: &SetValue<T>,
        name: &mut NameBuf,
        scratch: &mut [u8],
    ) -> Result<Class, Reason> {
        let (node, class) = self.resolve_entry(model, sv, name)?;
        let info = model.info(node);
        if !self.writable_now(class, info, name) {
            return Err(Reason::NotWritable);
        }
        let text = as_str(&sv.value, scratch).ok_or_else(|| too_long(class, &sv.value))?;
        check_value(class, info.ty, sv.ty, text)?;
        Ok(class)
    }

    /// Finds an entry naming the same parameter as an earlier one, compared
    /// by canonical name (so `…Interface.2.Enable` and `…Interface.[wan].Enable`
    /// are the same parameter when `wan` is instance 2). Entries whose name
    /// is malformed or whose alias selects nothing are skipped (they fault
    /// on their own).
    ///
    /// Bounded: the canonical names of [`DUPLICATE_BLOCK`] entries at a time
    /// are hashed (32 bits) into a sorted table on the stack, every later
    /// entry is looked up in it, and equal hashes are confirmed by comparing
    /// the names, so a hash collision never makes a false duplicate. A
    /// request of `n` entries takes `⌈n / 64⌉` passes (about `n² / 128`
    /// names read); up to 64 entries, one. Only names with an alias need the
    /// backend.
    fn find_duplicate<M, I, T>(model: &M, params: &I) -> Option<usize>
    where
        M: DataModel,
        I: Iterator<Item = SetValue<T>> + Clone,
        T: TextSource,
    {
        let (mut name, mut other) = (NameBuf::new(), NameBuf::new());
        let count = params.clone().count();
        let mut base = 0usize;
        while base < count {
            let block_end = base.saturating_add(DUPLICATE_BLOCK);
            let mut table: Vec<(u32, u32), DUPLICATE_BLOCK> = Vec::new();
            for (i, sv) in params.clone().enumerate().skip(base) {
                if canonical(model, &sv, &mut name).is_none() {
                    continue;
                }
                let h = value_hash(name.as_bytes());
                let mut pos = table.partition_point(|&(k, _)| k < h);
                while let Some(&(_, j)) = table.get(pos).filter(|&&(k, _)| k == h) {
                    let earlier = params.clone().nth(j as usize).and_then(|e| canonical(model, &e, &mut other));
                    if earlier.is_some() && other == name {
                        return Some(i);
                    }
                    pos += 1;
                }
                if i < block_end {
                    // Never full: the block has DUPLICATE_BLOCK entries.
                    let _ = table.insert(pos, (h, u32::try_from(i).unwrap_or(u32::MAX)));
                }
            }
            base = block_end;
        }
        None
    }

    /// SetParameterValues, all-or-nothing.
    ///
    /// Names and values are any [`TextSource`] (a `&str`, or a decoder's
    /// text still escaped): a value that is not one contiguous string is
    /// read into `scratch`, one entry at a time (the buffer is reused).
    /// Nothing is stored per entry. A value that does not fit `scratch` is
    /// a per-entry 9007 when its length breaks the parameter's `<size>`,
    /// else the whole request answers 9004 ([`Reason::ValueTooLong`]).
    ///
    /// A parameter named twice (by number or alias) answers 9003 before
    /// anything else ([`Reason::DuplicateName`] with the later entry's index).
    /// Then every entry is validated; each invalid one is pushed to `faults`
    /// with its own code (when `faults` is full the rest are only counted)
    /// and the call answers 9003 with [`Reason::InvalidParameters`] without
    /// touching the backend. Otherwise all values and the ParameterKey are
    /// written in one backend batch; a backend failure aborts the batch and
    /// is reported for the entry that failed.
    pub fn set_parameter_values<M, I, T, K, const F: usize>(
        &mut self,
        model: &mut M,
        session: &mut SessionState,
        params: I,
        parameter_key: K,
        faults: &mut Vec<SpvFault, F>,
        scratch: &mut [u8],
    ) -> Result<Applied, RpcError>
    where
        M: DataModel,
        I: IntoIterator<Item = SetValue<T>>,
        I::IntoIter: Clone,
        T: TextSource,
        K: TextSource,
    {
        let params = params.into_iter();
        faults.clear();
        let mut key_buf = [0u8; MAX_PARAMETER_KEY_LEN * 4];
        let key = super::parameter_key(&parameter_key, &mut key_buf)?;
        if let Some(i) = Self::find_duplicate(&*model, &params) {
            return Err(RpcError::new(Reason::DuplicateName, Some(i)));
        }
        let mut name = NameBuf::new();
        let mut bad = 0usize;
        // writeOnceReadOnly parameters written now: how many, and the store
        // room their "written" marks need.
        let (mut write_once, mut new_entries, mut new_bytes) = (0usize, 0usize, 0usize);
        for (i, sv) in params.clone().enumerate() {
            match self.check_set(&*model, &sv, &mut name, scratch) {
                Ok(class) => {
                    if is_write_once(class) {
                        write_once += 1;
                        if self.attrs.get(&name).is_none() {
                            new_entries += 1;
                            new_bytes += name.len();
                        }
                    }
                }
                // A value this CPE cannot hold is its own limit, not the
                // ACS's error: 9004 for the request, not a per-entry fault.
                Err(reason @ Reason::ValueTooLong(_)) => {
                    faults.clear();
                    return Err(RpcError::new(reason, Some(i)));
                }
                Err(reason) => {
                    bad += 1;
                    let _ = faults.push(SpvFault { index: i, code: reason.fault(), reason });
                }
            }
        }
        if bad > 0 {
            return Err(RpcError::new(Reason::InvalidParameters(bad), None));
        }
        if !self.attrs.has_room(new_entries, new_bytes) {
            return Err(RpcError::new(Reason::Attr(AttrError::Full), None));
        }
        model.begin().map_err(|e| RpcError::new(Reason::Backend(e), None))?;
        for (i, sv) in params.clone().enumerate() {
            let applied = locate(&*model, &sv).ok_or(BackendError::NoSuchName).and_then(|node| {
                let text = as_str(&sv.value, scratch).ok_or(BackendError::ResourcesExceeded)?;
                model.set(node, text)
            });
            if let Err(e) = applied {
                model.abort();
                return Err(RpcError::new(Reason::Backend(e), Some(i)));
            }
        }
        if let Err(e) = self.write_parameter_key(model, session, key) {
            model.abort();
            return Err(RpcError::new(Reason::Backend(e), None));
        }
        let applied = model.commit().map_err(|e| RpcError::new(Reason::Backend(e), None))?;
        if self.attrs.is_empty() && write_once == 0 {
            // Nothing watched and nothing to mark: no write needs noting.
            return Ok(applied);
        }
        for sv in params {
            if canonical(&*model, &sv, &mut name).is_none() {
                continue;
            }
            if write_once > 0
                && let Some(def) = self.schema.parameter(&name).filter(|d| d.access == ParamAccess::WriteOnceReadOnly)
            {
                let fresh = self.attrs.get(&name).is_none();
                // Room was checked above; a full store cannot happen here.
                if let Ok(e) = self.attrs.entry_or_insert(&name) {
                    if fresh {
                        // An entry made for the mark keeps the schema's default attribute.
                        e.attr = Attr::default_for(def.notify);
                    }
                    e.set_written();
                }
            }
            self.note_acs_write(session, &name, watch_text(&sv.value));
        }
        Ok(applied)
    }
}
