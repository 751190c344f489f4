//! Generates cwmp-model's schema tables (work in progress).
fn main() {}
