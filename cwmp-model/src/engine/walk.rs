//! Classification of backend nodes against the schema, and the iterative
//! depth-first walk every read RPC streams from.

use crate::datamodel::{BackendError, DataModel, NameBuf, NodeKind};
use crate::schema::lookup::ObjectAt;
use crate::schema::{ObjectDef, ParamDef, Schema};

/// What to do with names the schema does not define.
///
/// Vendor extensions — any name with a segment starting with `X_` (TR-106
/// §3.3) — are always served: they are read, listed and written as the
/// backend reports them (type and writability from [`crate::datamodel::NodeInfo`],
/// values checked against that type). The policy decides the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum UnknownNames {
    /// Standard-looking names missing from the schema do not exist for the
    /// ACS: walks skip them, and naming one answers 9005. The default: the
    /// engine then only exposes what the data model defines.
    #[default]
    Reject,
    /// Serve them like vendor extensions (for devices whose firmware
    /// predates or deviates from the schema version compiled in).
    Serve,
}

/// The schema's view of an object node.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ObjClass {
    /// A single-instance object, or an instance of a table.
    Object(&'static ObjectDef),
    /// A table (`Device.IP.Interface.`); its children are instances.
    Table(&'static ObjectDef),
    /// A vendor extension object, or below one.
    Vendor,
    /// Not in the schema.
    Unknown,
}

/// The schema's view of a parameter node.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ParamClass {
    /// Defined by the schema.
    Known(&'static ParamDef),
    /// A vendor extension parameter, or below a vendor object.
    Vendor,
    /// Not in the schema.
    Unknown,
}

/// A classified node.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Class {
    Obj(ObjClass),
    Param(ParamClass),
}

impl Class {
    pub(crate) fn visible(self, policy: UnknownNames) -> bool {
        !matches!(self, Class::Obj(ObjClass::Unknown) | Class::Param(ParamClass::Unknown))
            || policy == UnknownNames::Serve
    }
}

/// Whether `name` lies in a vendor extension: its first `X_…` segment
/// (TR-106 §3.3) hangs below the root or an object the schema defines. A
/// vendor name below an object the schema does not know is not one.
pub(crate) fn is_vendor_name(schema: &Schema, name: &str) -> bool {
    let mut at = 0usize;
    for seg in name.split('.') {
        if seg.starts_with("X_") {
            let parent = name.get(..at).unwrap_or("");
            return parent == schema.root || schema.object(parent).is_some();
        }
        at = at.saturating_add(seg.len()).saturating_add(1);
    }
    false
}

/// Classifies an object path (ending in `.`) from scratch.
pub(crate) fn classify_object(schema: &Schema, name: &str) -> ObjClass {
    locate_object(schema, name, false).0
}

/// Classifies an object path from scratch, with where its definition sits.
/// `vendor`: the name is known to be a vendor extension if the schema does
/// not define it (an `X_` segment below a schema object).
fn locate_object(schema: &Schema, name: &str, vendor: bool) -> (ObjClass, Option<ObjectAt>) {
    match schema.locate_path(name) {
        Some((at, table)) => object_class(schema, at, table),
        None if vendor || is_vendor_name(schema, name) => (ObjClass::Vendor, None),
        None => (ObjClass::Unknown, None),
    }
}

/// The class of the definition at `at`: the table or the object it defines.
fn object_class(schema: &Schema, at: ObjectAt, table: bool) -> (ObjClass, Option<ObjectAt>) {
    match schema.object_at(at) {
        Some(d) if table => (ObjClass::Table(d), Some(at)),
        Some(d) => (ObjClass::Object(d), Some(at)),
        None => (ObjClass::Unknown, None),
    }
}

/// Classifies a parameter path from scratch.
pub(crate) fn classify_param(schema: &Schema, name: &str) -> ParamClass {
    if let Some(p) = schema.parameter(name) {
        ParamClass::Known(p)
    } else if is_vendor_name(schema, name) {
        ParamClass::Vendor
    } else {
        ParamClass::Unknown
    }
}

/// Classifies a node by its name and kind, from scratch.
pub(crate) fn classify(schema: &Schema, kind: NodeKind, name: &str) -> Class {
    match kind {
        NodeKind::Object => Class::Obj(classify_object(schema, name)),
        NodeKind::Parameter => Class::Param(classify_param(schema, name)),
    }
}

/// Classifies a child from its parent's class and where the parent's
/// definition sits (cheaper than from scratch: a parameter is found among
/// its object's parameters, an object among the parent's children in the
/// parent's part). Returns where an object child's definition sits.
#[inline]
fn classify_child(
    schema: &Schema,
    parent: ObjClass,
    parent_at: Option<ObjectAt>,
    kind: NodeKind,
    name: &str,
    seg: &str,
) -> (Class, Option<ObjectAt>) {
    let vendor_seg = seg.starts_with("X_");
    let param = |c| (Class::Param(c), None);
    let obj = |(c, at)| (Class::Obj(c), at);
    match (parent, kind) {
        (ObjClass::Vendor, NodeKind::Object) => obj((ObjClass::Vendor, None)),
        (ObjClass::Vendor, NodeKind::Parameter) => param(ParamClass::Vendor),
        (ObjClass::Unknown, NodeKind::Object) => obj((ObjClass::Unknown, None)),
        (ObjClass::Unknown, NodeKind::Parameter) => param(ParamClass::Unknown),
        (ObjClass::Table(t), NodeKind::Object) => obj((ObjClass::Object(t), parent_at)),
        (ObjClass::Table(_), NodeKind::Parameter) => param(ParamClass::Unknown),
        (ObjClass::Object(o), NodeKind::Parameter) => param(match o.param(seg) {
            Some(p) => ParamClass::Known(p),
            None if vendor_seg => ParamClass::Vendor,
            None => ParamClass::Unknown,
        }),
        (ObjClass::Object(_), NodeKind::Object) => obj(match parent_at.and_then(|at| schema.child_object(at, seg)) {
            Some((at, table)) => object_class(schema, at, table),
            // A child starting a part of its own, a vendor object, or
            // one the schema does not define. Below a schema object, an
            // `X_` segment the schema does not define is the vendor
            // extension `is_vendor_name` would find.
            None => locate_object(schema, name, vendor_seg),
        }),
    }
}

/// How far a walk descends from its start node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Descend {
    /// Only the start node.
    None,
    /// The start node's children (GetParameterNames with NextLevel true).
    Children,
    /// The whole subtree.
    All,
}

/// Most objects a walk can be inside at once. TR-181 2.17 nests objects at
/// most 16 deep counting the root (TR-098: 11), which a test pins; a
/// backend object deeper than this is reported (9004), never skipped.
pub const WALK_DEPTH: usize = 16;

/// An [`ObjClass`] without its definition, so a frame stores the
/// definition pointer and this byte instead of a 16-byte enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassTag {
    Object,
    Table,
    Vendor,
    Unknown,
}

/// The buffer the read cursors write entry names into: the name, and which
/// object's full name its leading bytes hold, so that the next entry below
/// the same object only appends its last segment instead of having the
/// backend write the whole name again.
///
/// Only the engine writes it, and it always knows what it holds: any
/// `EntryName` works with any cursor (a fresh one, or one last filled by a
/// later step of the same cursor after a rewind); at worst the next entry's
/// name is written in full. Reads as a `&str` (it derefs to one).
#[derive(Clone)]
pub struct EntryName<N> {
    pub(crate) text: NameBuf,
    /// `(object, length of its name)` when `text` starts with that object's
    /// full name (with its dot).
    pub(crate) held: Option<(N, u16)>,
}

impl<N> EntryName<N> {
    /// An empty name.
    pub const fn new() -> Self {
        EntryName { text: NameBuf::new(), held: None }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The name buffer, for engine code that rewrites it whole.
    pub(crate) fn rewrite(&mut self) -> &mut NameBuf {
        self.held = None;
        &mut self.text
    }
}

impl<N> Default for EntryName<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<N> core::ops::Deref for EntryName<N> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl<N> core::fmt::Debug for EntryName<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<N> core::fmt::Display for EntryName<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One object the walk is inside: the object and the next child to visit,
/// the object's class (where its definition sits, and the tag) and the
/// length of its name (with its dot).
#[derive(Debug, Clone, Copy)]
struct Frame<N> {
    link: Option<(N, Option<N>)>,
    /// [`ObjectAt::NONE`] for vendor and unknown objects (a plain value
    /// rather than an `Option`, so a frame stays 20 bytes on 32-bit
    /// targets).
    at: ObjectAt,
    prefix: u16,
    tag: ClassTag,
}

impl<N> Frame<N> {
    fn class(&self, schema: &Schema) -> ObjClass {
        match (self.tag, schema.object_at(self.at)) {
            (ClassTag::Object, Some(d)) => ObjClass::Object(d),
            (ClassTag::Table, Some(d)) => ObjClass::Table(d),
            (ClassTag::Vendor, _) => ObjClass::Vendor,
            _ => ObjClass::Unknown,
        }
    }
}

/// An iterative pre-order walk over backend nodes visible under the policy.
///
/// Plain `Copy` data: the stack of objects entered and nothing else. The
/// caller's [`EntryName`] says which object's name it already holds; any
/// other name is written whole with [`DataModel::write_name`], so a copy of
/// an older walk resumes correctly whatever the buffer holds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Walk<N> {
    start: Option<(N, Class)>,
    include_start: bool,
    descend: Descend,
    depth: u8,
    stack: [Frame<N>; WALK_DEPTH],
}

impl<N: Copy + PartialEq> Walk<N> {
    pub(crate) fn new(start: N, class: Class, include_start: bool, descend: Descend) -> Self {
        Walk { start: Some((start, class)), include_start, descend, ..Self::empty() }
    }

    pub(crate) fn empty() -> Self {
        let frame = Frame { link: None, at: ObjectAt::NONE, prefix: 0, tag: ClassTag::Unknown };
        Walk { start: None, include_start: false, descend: Descend::None, depth: 0, stack: [frame; WALK_DEPTH] }
    }

    /// Enters `node`, whose full name (with its dot) `name` holds and whose
    /// definition sits at `at` (located here when not given).
    fn enter<M: DataModel<Node = N>>(
        &mut self,
        model: &M,
        schema: &Schema,
        node: N,
        (class, at): (ObjClass, Option<ObjectAt>),
        name: &mut EntryName<N>,
    ) -> Result<(), BackendError> {
        let frame = self.stack.get_mut(usize::from(self.depth)).ok_or(BackendError::ResourcesExceeded)?;
        let prefix = u16::try_from(name.text.len()).map_err(|_| BackendError::ResourcesExceeded)?;
        let locate = |d: &'static ObjectDef| at.or_else(|| schema.locate(d));
        let (tag, at) = match class {
            ObjClass::Object(d) => (ClassTag::Object, locate(d)),
            ObjClass::Table(d) => (ClassTag::Table, locate(d)),
            ObjClass::Vendor => (ClassTag::Vendor, None),
            ObjClass::Unknown => (ClassTag::Unknown, None),
        };
        let at = at.unwrap_or(ObjectAt::NONE);
        *frame = Frame { link: Some((node, model.first_child(node))), at, prefix, tag };
        self.depth = self.depth.saturating_add(1);
        name.held = Some((node, prefix));
        Ok(())
    }

    /// Leaves the innermost object. When `name` holds that object's name,
    /// it also holds its parent's (a child's name starts with its
    /// parent's), so the parent's next children only append their segment.
    fn leave(&mut self, name: &mut EntryName<N>) {
        let Some(top) = usize::from(self.depth).checked_sub(1) else { return };
        self.depth = self.depth.saturating_sub(1);
        let held = |f: &Frame<N>| f.link.map(|(obj, _)| (obj, f.prefix));
        let (Some(left), Some(parent)) = (self.stack.get(top), top.checked_sub(1).and_then(|p| self.stack.get(p)))
        else {
            return;
        };
        if name.held.is_some() && name.held == held(left) && parent.prefix <= left.prefix {
            name.held = held(parent);
        }
    }

    /// Writes the full name of `child`, whose parent `obj` has a name of
    /// `prefix` bytes: by appending its segment when `name` holds the
    /// parent's name, else whole.
    #[inline]
    fn write_child<M: DataModel<Node = N>>(
        model: &M,
        obj: N,
        prefix: u16,
        child: N,
        kind: NodeKind,
        name: &mut EntryName<N>,
    ) -> Result<(), BackendError> {
        if name.held == Some((obj, prefix)) && name.text.len() >= usize::from(prefix) {
            name.text.truncate(usize::from(prefix));
            model.push_segment(child, &mut name.text)?;
            if kind == NodeKind::Object {
                name.text.push('.').map_err(|_| BackendError::ResourcesExceeded)?;
            }
            return Ok(());
        }
        name.held = None;
        model.write_name(child, &mut name.text)?;
        name.held = Some((obj, prefix));
        Ok(())
    }

    /// The next visible node, with its full name written into `name`.
    #[inline]
    pub(crate) fn next<M: DataModel<Node = N>>(
        &mut self,
        model: &M,
        schema: &Schema,
        policy: UnknownNames,
        name: &mut EntryName<N>,
    ) -> Option<Result<(N, Class), BackendError>> {
        if let Some((node, class)) = self.start.take() {
            if let Err(e) = model.write_name(node, name.rewrite()) {
                return Some(Err(e));
            }
            if let Class::Obj(oc) = class
                && self.descend != Descend::None
                && let Err(e) = self.enter(model, schema, node, (oc, None), name)
            {
                return Some(Err(e));
            }
            if self.include_start {
                return Some(Ok((node, class)));
            }
        }
        loop {
            let top = self.stack.get_mut(usize::from(self.depth).checked_sub(1)?)?;
            let Some((obj, Some(child))) = top.link else {
                self.leave(name);
                continue;
            };
            top.link = Some((obj, model.next_sibling(child)));
            let (parent, parent_at, prefix) = (top.class(schema), Some(top.at), top.prefix);
            let kind = model.info(child).kind;
            if let Err(e) = Self::write_child(model, obj, prefix, child, kind, name) {
                return Some(Err(e));
            }
            let text = name.as_str();
            let seg = text.get(usize::from(prefix)..).unwrap_or("");
            let seg = seg.strip_suffix('.').unwrap_or(seg);
            let (class, at) = classify_child(schema, parent, parent_at, kind, text, seg);
            if !class.visible(policy) {
                continue;
            }
            if let Class::Obj(oc) = class
                && self.descend == Descend::All
                && let Err(e) = self.enter(model, schema, child, (oc, at), name)
            {
                return Some(Err(e));
            }
            return Some(Ok((child, class)));
        }
    }
}
