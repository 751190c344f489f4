//! Classification of backend nodes against the schema, and the iterative
//! depth-first walk every read RPC streams from.

use heapless::Vec;

use crate::datamodel::{BackendError, DataModel, NameBuf, NodeKind};
use crate::path::MAX_DEPTH;
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

fn copy_name(from: &NameBuf, to: &mut NameBuf) -> Result<(), BackendError> {
    to.clear();
    to.push_str(from).map_err(|_| BackendError::ResourcesExceeded)
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

#[derive(Debug, Clone, Copy)]
struct Frame<N> {
    next: Option<N>,
    class: ObjClass,
    /// Length of this object's name (with its dot) in the walk's name.
    prefix: usize,
}

/// An iterative pre-order walk over backend nodes visible under the policy.
/// Holds at most [`MAX_DEPTH`] frames; deeper objects are listed but not
/// entered.
#[derive(Debug, Clone)]
pub(crate) struct Walk<N> {
    start: Option<(N, Class)>,
    include_start: bool,
    descend: Descend,
    stack: Vec<Frame<N>, MAX_DEPTH>,
    /// The name of the node last returned; children extend their parent's.
    name: NameBuf,
    /// Recent child-object lookups: instances of one table share templates,
    /// so the objects below each instance resolve without a schema search.
    cache: [Option<(&'static ObjectDef, ObjClass)>; CACHE_SLOTS],
}

const CACHE_SLOTS: usize = 32;

/// Whether `def` is the template `<parent>seg.` or `<parent>seg.{i}.`.
fn is_child_template(parent: &ObjectDef, seg: &str, def: &ObjectDef) -> bool {
    def.name
        .strip_prefix(parent.name)
        .and_then(|rest| rest.strip_prefix(seg))
        .is_some_and(|head| head == "." || head == ".{i}.")
}

fn cache_slot(parent: &ObjectDef, seg: &str) -> usize {
    let h = seg.bytes().fold(parent.name.len(), |h, b| h.wrapping_mul(31).wrapping_add(usize::from(b)));
    h % CACHE_SLOTS
}

impl<N: Copy> Walk<N> {
    pub(crate) fn new(start: N, class: Class, include_start: bool, descend: Descend) -> Self {
        Walk {
            start: Some((start, class)),
            include_start,
            descend,
            stack: Vec::new(),
            name: NameBuf::new(),
            cache: [None; CACHE_SLOTS],
        }
    }

    pub(crate) fn empty() -> Self {
        Walk {
            start: None,
            include_start: false,
            descend: Descend::None,
            stack: Vec::new(),
            name: NameBuf::new(),
            cache: [None; CACHE_SLOTS],
        }
    }

    /// The next visible node, with its full name written into `name`.
    pub(crate) fn next<M: DataModel<Node = N>>(
        &mut self,
        model: &M,
        schema: &Schema,
        policy: UnknownNames,
        name: &mut NameBuf,
    ) -> Option<Result<(N, Class), BackendError>> {
        if let Some((node, class)) = self.start.take() {
            if let Err(e) = model.write_name(node, &mut self.name) {
                return Some(Err(e));
            }
            if let Class::Obj(oc) = class
                && self.descend != Descend::None
            {
                let prefix = self.name.len();
                let _ = self.stack.push(Frame { next: model.first_child(node), class: oc, prefix });
            }
            if self.include_start {
                return Some(copy_name(&self.name, name).map(|()| (node, class)));
            }
        }
        loop {
            let top = self.stack.last_mut()?;
            let Some(child) = top.next else {
                self.stack.pop();
                continue;
            };
            top.next = model.next_sibling(child);
            let (parent, prefix) = (top.class, top.prefix);
            self.name.truncate(prefix);
            if let Err(e) = model.push_segment(child, &mut self.name) {
                return Some(Err(e));
            }
            let kind = model.info(child).kind;
            if kind == NodeKind::Object && self.name.push('.').is_err() {
                return Some(Err(BackendError::ResourcesExceeded));
            }
            let seg = self.name.get(prefix..).unwrap_or("").trim_end_matches('.');
            let class = match (parent, kind) {
                (ObjClass::Object(o), NodeKind::Object) => {
                    let slot = cache_slot(o, seg);
                    let hit = self.cache.get(slot).copied().flatten().and_then(|(p, c)| match c {
                        ObjClass::Object(d) | ObjClass::Table(d)
                            if core::ptr::eq(p, o) && is_child_template(o, seg, d) =>
                        {
                            Some(c)
                        }
                        _ => None,
                    });
                    let c = hit.unwrap_or_else(|| classify_object(schema, &self.name));
                    if hit.is_none()
                        && matches!(c, ObjClass::Object(_) | ObjClass::Table(_))
                        && let Some(e) = self.cache.get_mut(slot)
                    {
                        *e = Some((o, c));
                    }
                    Class::Obj(c)
                }
                _ => classify_child(schema, parent, kind, &self.name, seg),
            };
            if !class.visible(policy) {
                continue;
            }
            if let Class::Obj(oc) = class
                && self.descend == Descend::All
            {
                // At MAX_DEPTH the object is listed but not entered.
                let prefix = self.name.len();
                let _ = self.stack.push(Frame { next: model.first_child(child), class: oc, prefix });
            }
            if let Err(e) = copy_name(&self.name, name) {
                return Some(Err(e));
            }
            return Some(Ok((child, class)));
        }
    }
}
