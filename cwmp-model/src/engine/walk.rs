//! Classification of backend nodes against the schema, and the iterative
//! depth-first walk every read RPC streams from.

use crate::datamodel::{BackendError, DataModel, NameBuf, NodeKind};
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
    if let Some(o) = schema.object(name) {
        ObjClass::Object(o)
    } else if let Some(t) = schema.table(name) {
        ObjClass::Table(t)
    } else if is_vendor_name(schema, name) {
        ObjClass::Vendor
    } else {
        ObjClass::Unknown
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

/// Classifies a child from its parent's class (cheaper than from scratch:
/// a parameter is found among its object's parameters).
fn classify_child(schema: &Schema, parent: ObjClass, kind: NodeKind, name: &str, seg: &str) -> Class {
    let vendor_seg = seg.starts_with("X_");
    match (parent, kind) {
        (ObjClass::Vendor, NodeKind::Object) => Class::Obj(ObjClass::Vendor),
        (ObjClass::Vendor, NodeKind::Parameter) => Class::Param(ParamClass::Vendor),
        (ObjClass::Unknown, NodeKind::Object) => Class::Obj(ObjClass::Unknown),
        (ObjClass::Unknown, NodeKind::Parameter) => Class::Param(ParamClass::Unknown),
        (ObjClass::Table(t), NodeKind::Object) => Class::Obj(ObjClass::Object(t)),
        (ObjClass::Table(_), NodeKind::Parameter) => Class::Param(ParamClass::Unknown),
        (ObjClass::Object(o), NodeKind::Parameter) => Class::Param(match o.param(seg) {
            Some(p) => ParamClass::Known(p),
            None if vendor_seg => ParamClass::Vendor,
            None => ParamClass::Unknown,
        }),
        (ObjClass::Object(_), NodeKind::Object) => Class::Obj(classify_object(schema, name)),
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
/// the object's class (definition and tag) and the length of its name
/// (with its dot).
#[derive(Debug, Clone, Copy)]
struct Frame<N> {
    link: Option<(N, Option<N>)>,
    def: Option<&'static ObjectDef>,
    prefix: u16,
    tag: ClassTag,
}

impl<N> Frame<N> {
    fn class(&self) -> ObjClass {
        match (self.tag, self.def) {
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
        let frame = Frame { link: None, def: None, prefix: 0, tag: ClassTag::Unknown };
        Walk { start: None, include_start: false, descend: Descend::None, depth: 0, stack: [frame; WALK_DEPTH] }
    }

    /// Enters `node`, whose full name (with its dot) `name` holds.
    fn enter<M: DataModel<Node = N>>(
        &mut self,
        model: &M,
        node: N,
        class: ObjClass,
        name: &mut EntryName<N>,
    ) -> Result<(), BackendError> {
        let frame = self.stack.get_mut(usize::from(self.depth)).ok_or(BackendError::ResourcesExceeded)?;
        let prefix = u16::try_from(name.text.len()).map_err(|_| BackendError::ResourcesExceeded)?;
        let (tag, def) = match class {
            ObjClass::Object(d) => (ClassTag::Object, Some(d)),
            ObjClass::Table(d) => (ClassTag::Table, Some(d)),
            ObjClass::Vendor => (ClassTag::Vendor, None),
            ObjClass::Unknown => (ClassTag::Unknown, None),
        };
        *frame = Frame { link: Some((node, model.first_child(node))), def, prefix, tag };
        self.depth = self.depth.saturating_add(1);
        name.held = Some((node, prefix));
        Ok(())
    }

    /// Writes the full name of `child`, whose parent `obj` has a name of
    /// `prefix` bytes: by appending its segment when `name` holds the
    /// parent's name, else whole.
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
                && let Err(e) = self.enter(model, node, oc, name)
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
                self.depth = self.depth.saturating_sub(1);
                continue;
            };
            top.link = Some((obj, model.next_sibling(child)));
            let (parent, prefix) = (top.class(), top.prefix);
            let kind = model.info(child).kind;
            if let Err(e) = Self::write_child(model, obj, prefix, child, kind, name) {
                return Some(Err(e));
            }
            let text = name.as_str();
            let seg = text.get(usize::from(prefix)..).unwrap_or("").trim_end_matches('.');
            let class = classify_child(schema, parent, kind, text, seg);
            if !class.visible(policy) {
                continue;
            }
            if let Class::Obj(oc) = class
                && self.descend == Descend::All
                && let Err(e) = self.enter(model, child, oc, name)
            {
                return Some(Err(e));
            }
            return Some(Ok((child, class)));
        }
    }
}
