//! Inputs found by the fuzz targets, replayed through the very checks the
//! `rpc_decode_*` targets make (shared source: `fuzz/fuzz_targets/rpc_common.rs`).

#[path = "../../fuzz/fuzz_targets/rpc_common.rs"]
mod rpc_common;

use cwmp_soap::Role;

/// `rpc_decode_cpe` crash of a `fuzz/run.sh` run ("re-encoding our own
/// output: `<Value>`: value not allowed by the schema"): an `xsd:type` (not
/// `xsi:type`) attribute on `<Value>` and a mangled struct.
#[test]
fn set_parameter_values_with_misnamed_type_attribute() {
    let data = include_bytes!("data/fuzz-rpc_decode_cpe-reencode.xml");
    rpc_common::decode_in_role(data, Role::Cpe);
    rpc_common::decode_in_role(data, Role::Acs);
}
