//! The `acs` example server: a TR-069 ACS built on
//! [`cwmp_session::acs`], with an embedded SQLite store and a JSON
//! management API. The binary is `src/bin/acs.rs`.
//!
//! * [`task`]: the RPCs an operator queues, as JSON;
//! * [`store`]: the [`store::Store`] trait and its SQLite implementation;
//! * [`discovery`]: the default on first contact (GetParameterNames walk, summary read);
//! * [`cwmp`]: the CPE side (engine + store as its policy, parked sessions);
//! * [`cr`]: connection requests (HTTP, Digest) asked through the API;
//! * [`http`]: the tokio/hyper listeners for CPEs and for the API.

pub mod cr;
pub mod cwmp;
pub mod discovery;
pub mod http;
pub mod store;
pub mod task;
