//! The TR-069 data model: TR-106 paths, schema tables generated from the
//! official TR-181 / TR-098 XML, the `DataModel` trait firmware implements,
//! and the engine that executes the parameter RPCs on top of it.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(any(feature = "std", test))]
extern crate std;
