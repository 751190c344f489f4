//! The TR-069 data model: TR-106 paths, schema tables generated from the
//! official TR-181 / TR-098 XML, the `DataModel` trait firmware implements,
//! and the engine that executes the parameter RPCs on top of it.
//!
//! `no_std`, no `alloc`, no `unsafe`; nothing here allocates.
//!
//! | module | what it models |
//! |---|---|
//! | [`path`] | TR-106 names: full names, partial paths, instance numbers, `[alias]`, the empty path (errors → 9005) |
//! | [`schema`] | `const` tables of TR-181 Device:2.17 and TR-098 IGD, lookup, value checks, firmware subsets |
//! | [`datamodel`] | the [`DataModel`](datamodel::DataModel) trait a firmware backend implements |
//! | [`engine`] | GetParameterNames/Values/Attributes, SetParameterValues/Attributes, AddObject, DeleteObject |
//! | [`attributes`] | Notification 0–6, AccessList, `activeNotify` rules (9009), a persistable attribute store |
//! | [`notify`] | value-change tracking (push and scan) and the pending changes for the next Inform |
//! | [`memory`] | an in-memory reference backend over caller storage |
//! | `loader` (feature `std`) | builds a [`memory::MemoryModel`] from a GenieACS CSV device dump |
//!
//! The engine checks every request against the schema before it touches the
//! backend; read RPCs hand back cursors, plain `Copy` data advanced with the
//! engine and the model passed in, that the caller pulls one entry at a time
//! into its own name and value buffers, so a resumable SOAP encoder can stream
//! a whole-tree GetParameterValuesResponse from a few hundred bytes of RAM.
//!
//! ```
//! use cwmp_core::{FaultCode, ParamType};
//! use cwmp_model::datamodel::{NodeKind};
//! use cwmp_model::engine::{EntryName, Engine, SessionState, SetValue, SpvFault};
//! use cwmp_model::memory::{MemoryModel, Slot, Undo};
//! use cwmp_model::schema::tr181;
//!
//! // A backend with three parameters, in static-sized caller storage.
//! let (mut slots, mut arena, mut journal) = ([Slot::EMPTY; 16], [0u8; 512], [Undo::EMPTY; 8]);
//! let mut model = MemoryModel::new(&mut slots, &mut arena, &mut journal);
//! let rows = [
//!     ("Device.ManagementServer.PeriodicInformInterval", true, ParamType::UnsignedInt, "3600"),
//!     ("Device.ManagementServer.ParameterKey", false, ParamType::String, ""),
//!     ("Device.DeviceInfo.UpTime", false, ParamType::UnsignedInt, "42"),
//! ];
//! for (name, writable, ty, value) in rows {
//!     model.insert(name, NodeKind::Parameter, writable, ty, value).unwrap();
//! }
//! let mut engine: Engine<'_, 16> = Engine::new(&tr181::SCHEMA);
//! let mut session = SessionState::new();
//! let mut scratch = [0u8; 64]; // for values that arrive still escaped
//!
//! // SetParameterValues: validated against TR-181 first, all-or-nothing.
//! let mut faults: cwmp_model::heapless::Vec<SpvFault, 4> = Default::default();
//! let bad = [
//!     SetValue { name: "Device.ManagementServer.PeriodicInformInterval", value: "0", ty: None },
//!     SetValue { name: "Device.DeviceInfo.UpTime", value: "1", ty: None },
//! ];
//! assert!(engine.set_parameter_values(&mut model, &mut session, bad, "k1", &mut faults, &mut scratch).is_err());
//! let codes: Vec<u16> = faults.iter().map(|f| f.code.code()).collect();
//! assert_eq!(codes, [9007, 9008]); // below the range minimum 1; read-only
//! let good = [SetValue { name: "Device.ManagementServer.PeriodicInformInterval", value: "60", ty: None }];
//! let applied = engine.set_parameter_values(&mut model, &mut session, good, "k2", &mut faults, &mut scratch);
//! assert_eq!(applied.unwrap().status(), 0);
//!
//! // GetParameterValues of a partial path, pulled entry by entry; the
//! // cursor is plain data, the engine, model and names come in on each call.
//! let names = ["Device.ManagementServer."];
//! let mut cursor = engine.get_parameter_values(&model, &names).unwrap();
//! assert_eq!(cursor.count_entries(&engine, &model, &names).unwrap(), 2); // for the arrayType
//! let (mut name, mut value) = (EntryName::new(), [0u8; 64]);
//! let mut got = Vec::new();
//! while let Some(entry) = cursor.next_entry(&engine, &model, &names, &mut name, &mut value) {
//!     let info = entry.unwrap();
//!     got.push((name.to_string(), String::from_utf8(value[..info.len].to_vec()).unwrap()));
//! }
//! assert_eq!(got[0], ("Device.ManagementServer.PeriodicInformInterval".into(), "60".into()));
//! assert_eq!(got[1], ("Device.ManagementServer.ParameterKey".into(), "k2".into()));
//! # let _ = FaultCode::INVALID_PARAMETER_NAME;
//! ```
//!
//! # Features
//!
//! * `std`: adds `loader` (a GenieACS CSV device dump into a
//!   [`memory::MemoryModel`] over heap-owned storage, CSV read by the `csv`
//!   crate). Nothing else changes.
//! * `defmt`: derives `defmt::Format` on the public types, for logging on
//!   embedded targets.
#![no_std]
#![forbid(unsafe_code)]
// No panics a peer can reach: unwrap/expect only in tests and doc examples.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "std", test))]
extern crate std;

pub mod attributes;
pub mod datamodel;
pub mod engine;
#[cfg(feature = "std")]
pub mod loader;
pub mod memory;
pub mod notify;
pub mod path;
pub mod schema;

/// Re-exported: the engine's API takes `heapless::Vec` fault lists and
/// `heapless::String` name buffers.
pub use heapless;
