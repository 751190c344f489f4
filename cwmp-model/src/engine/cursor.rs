//! The read cursors: GetParameterNames ([`NamesCursor`]) and
//! GetParameterValues / GetParameterAttributes ([`ParamCursor`]).
//!
//! A cursor is plain `Copy` data (a position in the request's names and a
//! stack of the objects the walk is inside); the engine, the model and the
//! request's names are passed in on every call, as smoltcp passes its
//! device and sockets to `Interface::poll`. So a session can keep the
//! cursor in its own state between two `poll_transmit` calls, and rewind
//! by keeping a copy of the cursor from before a step: re-running the copy
//! writes the same entry again (the [`EntryName`] buffer knows what it
//! holds, so it never has to be saved with the copy).
//!
//! Counting: [`ParamCursor::count_entries`] counts the entries left without
//! reading a value (for the SOAP `arrayType`) and pins the cursor to yield
//! exactly that many. If the model changes in between (an instance added or
//! deleted), the cursor does not emit a list that disagrees with the
//! `arrayType` it announced: where an entry is missing, or at the first
//! entry beyond the count, it yields [`Reason::ModelChanged`] (fault 9002)
//! once and then ends. A response already partly sent cannot be repaired,
//! so the session must abandon it (close the connection); the ACS then
//! retries. Values that change between counting and writing are simply read
//! as they are when written.

use cwmp_core::text::TextSource;

use crate::datamodel::{DataModel, NodeKind};
use crate::engine::text::{PathBuf, parse_path};
use crate::engine::walk::{Class, EntryName, ParamClass, Walk, classify};
use crate::engine::{AttrInfo, Engine, Reason, RpcError, ValueInfo, resolve};
use crate::path::MAX_PATH_LEN;

/// The names of a GetParameterValues / GetParameterAttributes request, read
/// by position on each cursor call so the cursor never borrows them.
///
/// The cursor asks for names in increasing order: each name once when the
/// request is checked, then each once more when its walk starts. An
/// implementation over a sequentially decoded list can keep its last
/// position (in a `Cell`) to answer the next index without rescanning.
pub trait NameList {
    /// One name, as text that may still be escaped.
    type Name<'a>: TextSource
    where
        Self: 'a;

    /// The name at `index` (0-based); `None` past the end.
    fn name(&self, index: usize) -> Option<Self::Name<'_>>;
}

impl<T: TextSource> NameList for [T] {
    type Name<'a>
        = &'a T
    where
        T: 'a;

    fn name(&self, index: usize) -> Option<&T> {
        self.get(index)
    }
}

impl<T: TextSource, const N: usize> NameList for [T; N] {
    type Name<'a>
        = &'a T
    where
        T: 'a;

    fn name(&self, index: usize) -> Option<&T> {
        self.get(index)
    }
}

/// Holds a cursor to the number of entries it counted (see the
/// [module docs](self)).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counted {
    expected: Option<u32>,
    yielded: u32,
    finished: bool,
}

impl Counted {
    /// Passes one raw step through the count: an entry beyond the count, or
    /// the end before it, becomes [`Reason::ModelChanged`], after which the
    /// cursor ends.
    pub(crate) fn pass<X>(&mut self, step: Option<Result<X, RpcError>>) -> Option<Result<X, RpcError>> {
        if self.finished {
            return None;
        }
        let Some(expected) = self.expected else { return step };
        let changed = RpcError::new(Reason::ModelChanged { counted: expected }, None);
        match step {
            Some(Ok(x)) if self.yielded < expected => {
                self.yielded = self.yielded.saturating_add(1);
                Some(Ok(x))
            }
            Some(Ok(_)) => {
                self.finished = true;
                Some(Err(changed))
            }
            None if self.yielded < expected => {
                self.finished = true;
                Some(Err(changed))
            }
            other => other,
        }
    }

    /// Counts what `step` yields from here (errors stop the count), then
    /// pins the cursor to that number.
    pub(crate) fn count<X>(&mut self, mut step: impl FnMut() -> Option<Result<X, RpcError>>) -> Result<u32, RpcError> {
        let mut n = 0u32;
        while let Some(r) = step() {
            r?;
            n = n.saturating_add(1);
        }
        *self = Counted { expected: Some(n), yielded: 0, finished: false };
        Ok(n)
    }
}

/// The GetParameterNames cursor (plain data; see the [module docs](self)).
#[derive(Debug, Clone, Copy)]
pub struct NamesCursor<N> {
    pub(crate) walk: Walk<N>,
    pub(crate) counted: Counted,
}

impl<N: Copy + PartialEq> NamesCursor<N> {
    fn raw_next<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
        name: &mut EntryName<N>,
    ) -> Option<Result<bool, RpcError>> {
        let step = self.walk.next(model, engine.schema, engine.policy, name)?;
        Some(match step {
            Ok((node, class)) => Ok(engine.writable_now(class, model.info(node), name.as_str())),
            Err(e) => Err(RpcError::new(Reason::Backend(e), None)),
        })
    }

    /// The next ParameterInfoStruct: the name is written into `name`, the
    /// result is its Writable flag. `None` at the end.
    pub fn next_entry<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
        name: &mut EntryName<N>,
    ) -> Option<Result<bool, RpcError>> {
        let step = self.raw_next(engine, model, name);
        self.counted.pass(step)
    }

    /// Counts the entries left (names only) and pins the cursor to yield
    /// exactly that many (see the [module docs](self)).
    pub fn count_entries<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
    ) -> Result<u32, RpcError> {
        let mut probe = *self;
        probe.counted = Counted::default();
        let mut name = EntryName::new();
        self.counted.count(|| probe.raw_next(engine, model, &mut name))
    }
}

/// Which parameters a [`ParamCursor`] yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    /// Every parameter covered by the request's names.
    All,
    /// Only those with a pending value change (the Inform's ParameterList).
    Pending,
}

/// The cursor of GetParameterValues and GetParameterAttributes: the
/// parameters named or below the partial paths named, in request order.
/// Plain data; see the [module docs](self).
#[derive(Debug, Clone, Copy)]
pub struct ParamCursor<N> {
    /// Index of the next request name to start a walk from.
    next_name: usize,
    walk: Walk<N>,
    filter: Filter,
    counted: Counted,
}

impl<N: Copy + PartialEq> ParamCursor<N> {
    pub(crate) fn new(filter: Filter) -> Self {
        ParamCursor { next_name: 0, walk: Walk::empty(), filter, counted: Counted::default() }
    }

    /// The request entry the current walk came from.
    fn at(&self) -> Option<usize> {
        self.next_name.checked_sub(1)
    }

    /// Starts the walk of request name `index`.
    fn start<M: DataModel<Node = N>, T: TextSource + ?Sized, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
        text: &T,
        name: &mut EntryName<N>,
    ) -> Result<(), RpcError> {
        let at = self.at();
        let mut buf: PathBuf = [0; MAX_PATH_LEN];
        let p = parse_path(text, &mut buf).map_err(|e| RpcError::new(Reason::Path(e), at))?;
        let start = if p.is_empty() {
            model.root().and_then(|r| {
                model.write_name(r, name.rewrite()).ok()?;
                Some((r, classify(engine.schema, NodeKind::Object, name.as_str())))
            })
        } else {
            resolve(model, engine.schema, engine.policy, &p, name.rewrite())
        };
        let (node, class) = start.ok_or(RpcError::new(Reason::NoSuchName, at))?;
        self.walk = Walk::new(node, class, true, crate::engine::walk::Descend::All);
        Ok(())
    }

    /// The next parameter passing the filter: node and class, name in `name`.
    fn raw_param<M: DataModel<Node = N>, L: NameList + ?Sized, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
        names: &L,
        name: &mut EntryName<N>,
    ) -> Option<Result<(N, Class), RpcError>> {
        loop {
            match self.walk.next(model, engine.schema, engine.policy, name) {
                Some(Ok((node, class @ Class::Param(_)))) => {
                    if self.filter == Filter::Pending && !engine.attrs.entry(name.as_str()).is_some_and(|e| e.pending())
                    {
                        continue;
                    }
                    return Some(Ok((node, class)));
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Some(Err(RpcError::new(Reason::Backend(e), self.at()))),
                None => {}
            }
            let text = names.name(self.next_name)?;
            self.next_name = self.next_name.saturating_add(1);
            if let Err(e) = self.start(engine, model, &text, name) {
                return Some(Err(e));
            }
        }
    }

    pub(crate) fn next_param<M: DataModel<Node = N>, L: NameList + ?Sized, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
        names: &L,
        name: &mut EntryName<N>,
    ) -> Option<Result<(N, Class), RpcError>> {
        let step = self.raw_param(engine, model, names, name);
        self.counted.pass(step)
    }

    /// The next ParameterValueStruct: the name is written into `name`, the
    /// value text into `value`. `None` at the end. A value larger than
    /// `value` fails with 9004 (the entry is consumed; keep a copy of the
    /// cursor from before the call to retry it with a larger buffer).
    pub fn next_entry<M: DataModel<Node = N>, L: NameList + ?Sized, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
        names: &L,
        name: &mut EntryName<N>,
        value: &mut [u8],
    ) -> Option<Result<ValueInfo, RpcError>> {
        Some(match self.next_param(engine, model, names, name)? {
            Ok((node, class)) => self.value_of(model, node, class, value),
            Err(e) => Err(e),
        })
    }

    /// Reads the value of a parameter found by [`Self::next_param`].
    pub(crate) fn value_of<M: DataModel<Node = N>>(
        &self,
        model: &M,
        node: N,
        class: Class,
        value: &mut [u8],
    ) -> Result<ValueInfo, RpcError> {
        match class {
            Class::Param(ParamClass::Known(def)) if def.reads_empty() => Ok(ValueInfo { ty: def.ty, len: 0 }),
            Class::Param(pc) => {
                let ty = match pc {
                    ParamClass::Known(def) => def.ty,
                    _ => model.info(node).ty,
                };
                model
                    .get(node, value)
                    .map(|len| ValueInfo { ty, len })
                    .map_err(|e| RpcError::new(Reason::Backend(e), self.at()))
            }
            Class::Obj(_) => Err(RpcError::new(Reason::WrongKind, self.at())),
        }
    }

    /// The next ParameterAttributeStruct, name into `name`. `None` at the end.
    pub fn next_attributes<M: DataModel<Node = N>, L: NameList + ?Sized, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
        names: &L,
        name: &mut EntryName<N>,
    ) -> Option<Result<AttrInfo, RpcError>> {
        let (_, class) = match self.next_param(engine, model, names, name)? {
            Ok(x) => x,
            Err(e) => return Some(Err(e)),
        };
        let a = engine.attribute_of(class, name.as_str());
        Some(Ok(AttrInfo { notification: a.notification(), subscriber: a.subscriber() }))
    }

    /// Counts the entries left without reading any value, and pins the
    /// cursor to yield exactly that many (see the [module docs](self)).
    pub fn count_entries<M: DataModel<Node = N>, L: NameList + ?Sized, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
        names: &L,
    ) -> Result<u32, RpcError> {
        let mut probe = *self;
        probe.counted = Counted::default();
        let mut name = EntryName::new();
        self.counted.count(|| probe.raw_param(engine, model, names, &mut name))
    }
}

// The cursors stay a few hundred bytes on every target: 392 bytes on 64-bit
// (pinned exactly by a test), at most 368 on 32-bit targets (checked here,
// at compile time, for a 4-byte node handle).
const _: () = assert!(
    cfg!(target_pointer_width = "64")
        || (core::mem::size_of::<ParamCursor<u32>>() <= 368 && core::mem::size_of::<NamesCursor<u32>>() <= 368)
);
