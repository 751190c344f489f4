//! Value-change tracking for passive and active notification (TR-069 Amd 6
//! §3.2.1, §A.3.2.4).
//!
//! Parameters whose Notification attribute is not Off are *watched*: the
//! [`AttributeStore`](crate::attributes::AttributeStore) entry keeps the last
//! value seen as a [`Watch`] (the value itself up to 16 bytes, else its
//! length and two 64-bit hashes). Changes are found two ways:
//! * **push**: the backend calls [`Engine::value_changed`] with the name;
//! * **scan**: [`Engine::scan_value_changes`] walks the backend, reads
//!   watched values and compares them with their watch.
//!
//! Writes by the ACS (SetParameterValues, the ParameterKey) move the watch
//! to the new value and are remembered in the [`SessionState`] until the
//! session ends, so they never notify. Pending changes are listed for the
//! next Inform by [`Engine::pending`] (a [`PendingCursor`], plain data like
//! the other cursors) and cleared by [`Engine::clear_pending`] once the ACS
//! has acknowledged the Inform. Up to
//! [`SESSION_SET_CAPACITY`](crate::engine::SESSION_SET_CAPACITY) writes per
//! session are remembered for push suppression; beyond that the moved watch
//! still keeps scans quiet.
//!
//! ```
//! use cwmp_core::ParamType;
//! use cwmp_model::datamodel::{DataModel, NodeKind};
//! use cwmp_model::engine::{Engine, SessionState, SetAttribute, UnknownNames};
//! use cwmp_model::memory::{MemoryModel, Slot, Undo};
//! use cwmp_model::path::Path;
//! use cwmp_model::schema::tr181;
//!
//! let (mut slots, mut arena, mut journal) = ([Slot::EMPTY; 16], [0u8; 256], [Undo::EMPTY; 4]);
//! let mut m = MemoryModel::new(&mut slots, &mut arena, &mut journal);
//! m.insert("Device.X_ACME_Temp", NodeKind::Parameter, true, ParamType::Int, "40").unwrap();
//! let mut engine: Engine<'_, 8> = Engine::new(&tr181::SCHEMA);
//! let watch = SetAttribute { name: "Device.X_ACME_Temp", notification: Some(2), access_list: None };
//! engine.set_parameter_attributes(&m, [watch]).unwrap();
//!
//! // The firmware changes the value locally; a scan finds it.
//! let node = m.lookup(&Path::parse("Device.X_ACME_Temp").unwrap()).unwrap();
//! m.begin().unwrap();
//! m.set(node, "41").unwrap();
//! m.commit().unwrap();
//! let mut buf = [0u8; 64];
//! assert_eq!(engine.scan_value_changes(&m, &SessionState::new(), &mut buf).changed, 1);
//! assert!(engine.has_active_pending());
//! ```

use crate::attributes::{Attr, Notification, Watch};
use crate::datamodel::{DataModel, NodeKind};
use crate::engine::cursor::{Filter, ParamCursor};
use crate::engine::walk::{Class, Descend, EntryName, ParamClass, Walk, classify};
use crate::engine::{Engine, Reason, RpcError, SessionState, ValueInfo};

/// What a [`Engine::scan_value_changes`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scan {
    /// Watched parameters whose change became pending.
    pub changed: usize,
    /// Watched parameters whose value could not be read (not compared).
    pub unread: usize,
}

impl<const A: usize> Engine<'_, A> {
    /// Push notification: the backend reports that `name` changed. Returns
    /// whether a notification is now pending for it (watched, and not
    /// written by the ACS in this session).
    pub fn value_changed(&mut self, session: &SessionState, name: &str) -> bool {
        match self.attrs.entry_mut(name) {
            Some(e) if e.attr.notification() != Notification::Off && !session.wrote(e.id) => {
                e.set_pending(true);
                e.set_seen(false); // re-read on the next scan
                true
            }
            _ => false,
        }
    }

    /// The value-change scan: walks every visible parameter, reads the
    /// watched ones into `buf` and marks those whose value changed (and that
    /// the ACS did not write in `session`; outside a session pass an empty
    /// one). A watched value the backend cannot give (longer than `buf`, or
    /// a backend error) is counted in [`Scan::unread`], never passed over
    /// in silence: scan again with a larger buffer.
    pub fn scan_value_changes<M: DataModel>(&mut self, model: &M, session: &SessionState, buf: &mut [u8]) -> Scan {
        let mut name = EntryName::new();
        let mut scan = Scan::default();
        let Some(mut walk) = self.root_walk(model, &mut name) else { return scan };
        let (schema, policy) = (self.schema, self.policy);
        while let Some(step) = walk.next(model, schema, policy, &mut name) {
            let Ok((node, Class::Param(_))) = step else { continue };
            let Some(e) = self.attrs.entry_mut(&name) else { continue };
            if e.attr.notification() == Notification::Off {
                continue;
            }
            let Ok(len) = model.get(node, buf) else {
                scan.unread += 1;
                continue;
            };
            let now = Watch::of(buf.get(..len).unwrap_or(&[]));
            if e.seen() && e.watch != now && !session.wrote(e.id) {
                e.set_pending(true);
                scan.changed += 1;
            }
            e.observe(now);
        }
        scan
    }

    /// Starts watching every parameter whose schema default is active
    /// notification (`forceEnabled`, `forceDefaultEnabled`: SoftwareVersion,
    /// ConnectionRequestURL, …) and that has no stored attribute yet, from
    /// its current value. Call once at boot, after restoring the attribute
    /// image. Returns how many were added; stops with 9004 when the store is full.
    pub fn watch_forced<M: DataModel>(&mut self, model: &M, buf: &mut [u8]) -> Result<usize, RpcError> {
        let mut name = EntryName::new();
        let Some(mut walk) = self.root_walk(model, &mut name) else { return Ok(0) };
        let (schema, policy) = (self.schema, self.policy);
        let mut added = 0usize;
        while let Some(step) = walk.next(model, schema, policy, &mut name) {
            let Ok((node, Class::Param(ParamClass::Known(def)))) = step else { continue };
            let attr = Attr::default_for(def.notify);
            if attr.notification() == Notification::Off || self.attrs.get(&name).is_some() {
                continue;
            }
            let e = self.attrs.entry_or_insert(&name).map_err(|e| RpcError::new(Reason::Attr(e), None))?;
            e.attr = attr;
            if let Ok(len) = model.get(node, buf) {
                e.observe(Watch::of(buf.get(..len).unwrap_or(&[])));
            }
            added += 1;
        }
        Ok(added)
    }

    fn root_walk<M: DataModel>(&self, model: &M, name: &mut EntryName<M::Node>) -> Option<Walk<M::Node>> {
        let root = model.root()?;
        model.write_name(root, name.rewrite()).ok()?;
        Some(Walk::new(root, classify(self.schema, NodeKind::Object, name.as_str()), true, Descend::All))
    }

    /// Whether any pending change is on an active-notification parameter
    /// (the CPE should start a session).
    pub fn has_active_pending(&self) -> bool {
        self.attrs.entries.iter().any(|e| e.pending() && e.attr.notification().is_active())
    }

    /// Number of pending changes.
    pub fn pending_count(&self) -> usize {
        self.attrs.entries.iter().filter(|e| e.pending()).count()
    }

    /// The pending changes with their current values, for the Inform's
    /// ParameterList: pull with [`PendingCursor::next_entry`].
    pub fn pending<M: DataModel>(&self, model: &M) -> Result<PendingCursor<M::Node>, RpcError> {
        self.get_parameter_values(model, &ALL)?;
        Ok(PendingCursor { inner: ParamCursor::new(Filter::Pending) })
    }

    /// Forgets pending changes (after the InformResponse that carried them).
    pub fn clear_pending(&mut self) {
        for e in self.attrs.entries.iter_mut() {
            e.set_pending(false);
        }
    }
}

/// The whole tree: the names a [`PendingCursor`] walks.
const ALL: [&str; 1] = [""];

/// Cursor over pending changes (see [`Engine::pending`]); plain `Copy`
/// data like the [read cursors](crate::engine::cursor), with the same
/// counting contract.
#[derive(Debug, Clone, Copy)]
pub struct PendingCursor<N> {
    inner: ParamCursor<N>,
}

impl<N: Copy + PartialEq> PendingCursor<N> {
    /// The next pending parameter: name into `name`, value into `value`.
    pub fn next_entry<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
        name: &mut EntryName<N>,
        value: &mut [u8],
    ) -> Option<Result<ValueInfo, RpcError>> {
        self.inner.next_entry(engine, model, &ALL, name, value)
    }

    /// Counts the pending changes left without reading values, and pins
    /// the cursor to yield exactly that many.
    pub fn count_entries<M: DataModel<Node = N>, const A: usize>(
        &mut self,
        engine: &Engine<'_, A>,
        model: &M,
    ) -> Result<u32, RpcError> {
        self.inner.count_entries(engine, model, &ALL)
    }
}
