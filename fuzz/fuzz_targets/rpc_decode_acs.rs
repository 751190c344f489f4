//! Arbitrary bytes decoded as an ACS decodes what a CPE sends.
#![no_main]

#[path = "rpc_common.rs"]
mod rpc_common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rpc_common::decode_in_role(data, cwmp_soap::Role::Acs));
