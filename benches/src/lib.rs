//! Shared helpers for the cwmp-rs benchmarks.
//!
//! * [`measure`]: median wall-clock timing of a closure and a table printer
//!   that reports MB/s and the ratio of every peer to the first subject
//!   (ours), all measured in the same run.
//! * [`docs`]: deterministic benchmark documents (the 500-entry
//!   GetParameterValuesResponse) and the largest real corpus message.
//! * [`xml_subjects`]: our XML tokenizer and its peers, one function each.

pub mod docs;
pub mod measure;
pub mod xml_subjects;
