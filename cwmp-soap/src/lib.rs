//! SOAP and XML for TR-069 (CWMP): a zero-allocation, resumable, hardened XML
//! tokenizer with namespace resolution, the SOAP 1.1 envelope with the CWMP
//! headers, and typed encode/decode of every TR-069 RPC in both directions.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(any(feature = "std", test))]
extern crate std;
