//! HTTP authentication.
