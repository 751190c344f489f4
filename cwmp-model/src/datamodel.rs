//! The `DataModel` trait: what firmware implements so the engine can serve
//! the parameter RPCs.
//!
//! The backend is a tree of concrete nodes (objects, instances, parameters)
//! addressed by an opaque, copyable [`DataModel::Node`] handle. The engine
//! resolves names one segment at a time ([`DataModel::child`]), walks subtrees
//! with [`DataModel::first_child`] / [`DataModel::next_sibling`] (this is also
//! how instances of a multi-instance object are enumerated: they are the
//! children of the table node), reads values into caller buffers and applies
//! already-validated writes inside a `begin`/`commit`/`abort` batch.
//!
//! Firmware whose values are computed on the fly implements `Node` as a small
//! enum or a `(table id, instance)` pair, answers [`DataModel::get`] by
//! formatting the live value into the buffer, and returns its static
//! parameter list from `first_child`/`next_sibling`; nothing has to be stored
//! as text. [`crate::memory::MemoryModel`] is the stored-text reference.
//!
//! A `Node` stays valid until the next mutating call (`set`, `add_instance`,
//! `delete_instance`, `commit`, `abort`).

use cwmp_core::{FaultCode, ParamType};
use heapless::String;

use crate::path::{MAX_PATH_LEN, Path, Segment};

/// A concrete name built into a fixed buffer (objects end with `.`).
pub type NameBuf = String<MAX_PATH_LEN>;

/// Whether a node is an object (including tables and instances) or a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum NodeKind {
    /// An object: a single object, a table (multi-instance object) or an instance.
    Object,
    /// A parameter with a value.
    Parameter,
}

/// What the backend knows about a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NodeInfo {
    /// Object or parameter.
    pub kind: NodeKind,
    /// For a parameter: the backend accepts writes. For a table: AddObject is
    /// possible. For an instance: DeleteObject is possible.
    pub writable: bool,
    /// The value type the backend reports (parameters only; `String` for objects).
    pub ty: ParamType,
}

/// Whether a change took effect at once or after a reboot (the `Status` of
/// SetParameterValues/AddObject/DeleteObject responses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Applied {
    /// Status 0: applied.
    #[default]
    Now,
    /// Status 1: committed, takes effect after a reboot.
    AfterReboot,
}

impl Applied {
    /// The CWMP `Status` value: 0 or 1.
    pub const fn status(self) -> u8 {
        match self {
            Applied::Now => 0,
            Applied::AfterReboot => 1,
        }
    }

    /// Combines two outcomes: a reboot is needed if either needs one.
    pub const fn and(self, other: Applied) -> Applied {
        match (self, other) {
            (Applied::Now, Applied::Now) => Applied::Now,
            _ => Applied::AfterReboot,
        }
    }
}

/// Why a backend call failed. Each maps to one CWMP fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BackendError {
    /// The node does not exist (any more): 9005.
    #[error("no such parameter or object (fault 9005)")]
    NoSuchName,
    /// The backend refuses to write this node: 9008.
    #[error("not writable (fault 9008)")]
    NotWritable,
    /// The backend rejects the value (beyond schema checks): 9007.
    #[error("value rejected by the backend (fault 9007)")]
    InvalidValue,
    /// Out of storage, instances or buffer space: 9004.
    #[error("resources exceeded (fault 9004)")]
    ResourcesExceeded,
    /// The backend refuses for a reason of its own: 9001.
    #[error("request denied (fault 9001)")]
    Denied,
    /// Anything else: 9002.
    #[error("internal error (fault 9002)")]
    Internal,
}

impl BackendError {
    /// The CWMP fault this error answers with.
    pub const fn fault(self) -> FaultCode {
        match self {
            BackendError::NoSuchName => FaultCode::INVALID_PARAMETER_NAME,
            BackendError::NotWritable => FaultCode::NON_WRITABLE_PARAMETER,
            BackendError::InvalidValue => FaultCode::INVALID_PARAMETER_VALUE,
            BackendError::ResourcesExceeded => FaultCode::RESOURCES_EXCEEDED,
            BackendError::Denied => FaultCode::REQUEST_DENIED,
            BackendError::Internal => FaultCode::INTERNAL_ERROR,
        }
    }
}

/// The firmware side of the parameter RPCs. See the [module docs](self).
pub trait DataModel {
    /// An opaque handle to one concrete node.
    type Node: Copy + PartialEq + core::fmt::Debug;

    /// The root object (`Device.` or `InternetGatewayDevice.`).
    fn root(&self) -> Option<Self::Node>;

    /// The child of `parent` selected by one path segment: a name, an
    /// instance number or an `[alias]` (the instance whose `Alias` parameter
    /// has that value).
    fn child(&self, parent: Self::Node, segment: Segment<'_>) -> Option<Self::Node>;

    /// The first child of an object (parameters and sub-objects, or the
    /// instances of a table); `None` for a parameter or an empty object.
    fn first_child(&self, node: Self::Node) -> Option<Self::Node>;

    /// The next child of the same parent.
    fn next_sibling(&self, node: Self::Node) -> Option<Self::Node>;

    /// Kind, writability and type of a node.
    fn info(&self, node: Self::Node) -> NodeInfo;

    /// Writes the full name of `node` into `out` (objects with a trailing
    /// `.`). Fails with `ResourcesExceeded` if it does not fit.
    fn write_name(&self, node: Self::Node, out: &mut NameBuf) -> Result<(), BackendError>;

    /// Appends the last segment of the name of `node` (`Enable`, `3`) to
    /// `out`, without a dot. Walks call this to extend the parent's name
    /// instead of rebuilding full names; the default derives it from
    /// [`write_name`](Self::write_name).
    fn push_segment(&self, node: Self::Node, out: &mut NameBuf) -> Result<(), BackendError> {
        let mut full = NameBuf::new();
        self.write_name(node, &mut full)?;
        let body = full.strip_suffix('.').unwrap_or(&full);
        let seg = body.rsplit('.').next().unwrap_or(body);
        out.push_str(seg).map_err(|_| BackendError::ResourcesExceeded)
    }

    /// Writes the value text of a parameter into `out` and returns its length
    /// in bytes (UTF-8). Fails with `ResourcesExceeded` if `out` is too small.
    fn get(&self, node: Self::Node, out: &mut [u8]) -> Result<usize, BackendError>;

    /// Stores a new value for a parameter. The engine has already checked the
    /// value against the schema and calls this only between [`begin`](Self::begin)
    /// and [`commit`](Self::commit)/[`abort`](Self::abort).
    fn set(&mut self, node: Self::Node, value: &str) -> Result<(), BackendError>;

    /// Creates a new instance of the table `table`; returns its instance
    /// number and when it takes effect.
    fn add_instance(&mut self, table: Self::Node) -> Result<(u32, Applied), BackendError>;

    /// Deletes the instance `instance` and everything below it.
    fn delete_instance(&mut self, instance: Self::Node) -> Result<Applied, BackendError>;

    /// Starts a batch of `set` calls.
    fn begin(&mut self) -> Result<(), BackendError>;

    /// Makes every `set` since [`begin`](Self::begin) permanent. A backend
    /// whose commit fails must leave every value as it was before `begin`.
    fn commit(&mut self) -> Result<Applied, BackendError>;

    /// Undoes every `set` since [`begin`](Self::begin).
    fn abort(&mut self);

    /// Resolves a concrete path (numbers or aliases, no wildcards) to a node.
    /// The empty path resolves to the root.
    fn lookup(&self, path: &Path<'_>) -> Option<Self::Node> {
        let mut segs = path.segments();
        let root = self.root()?;
        if let Some(first) = segs.next() {
            let mut name = NameBuf::new();
            self.write_name(root, &mut name).ok()?;
            if first != Segment::Name(name.strip_suffix('.').unwrap_or(&name)) {
                return None;
            }
        }
        let mut node = root;
        for seg in segs {
            node = self.child(node, seg)?;
        }
        let is_object = self.info(node).kind == NodeKind::Object;
        if path.is_empty() || is_object == path.is_partial() { Some(node) } else { None }
    }
}
