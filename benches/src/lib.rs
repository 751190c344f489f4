//! Shared helpers for the cwmp-rs benchmarks.
