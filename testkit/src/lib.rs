//! Test support shared by every cwmp-rs crate's tests and benches.
//!
//! * [`alloc`]: a counting global allocator, so a test can assert that a code
//!   path made zero heap allocations. Linking this crate installs it.
//! * [`corpus`]: paths into the shared, read-only test corpus
//!   (`../shared/corpus`, or `$CWMP_CORPUS`); a missing corpus fails the
//!   test naming where it looked.
//! * [`http`]: the one HTTP/1.1 message reader (on `httparse`) of the tools
//!   and tests, for dumps and captures.
//! * [`tools`]: external tools a test needs (`xmllint` through
//!   `shared/tools/xsd-validate`), found or reported with how to install.
//!
//! ```
//! let (sum, stats) = cwmp_testkit::alloc::measure(|| (1..=10).sum::<u32>());
//! assert_eq!(sum, 55);
//! assert_eq!(stats.allocations, 0);
//! ```
// The allocator wrapper must implement the unsafe `GlobalAlloc` trait; this is
// the only `unsafe` in the workspace and it is test-only.
#![allow(unsafe_code)]

pub mod alloc;
pub mod corpus;
pub mod http;
pub mod tools;
