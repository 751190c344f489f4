//! Arbitrary bytes decoded as a CPE decodes what an ACS sends.
#![no_main]

#[path = "rpc_common.rs"]
mod rpc_common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rpc_common::decode_in_role(data, cwmp_soap::Role::Cpe));
