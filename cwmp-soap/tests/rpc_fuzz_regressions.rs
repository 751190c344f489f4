//! Inputs found by the fuzz targets, replayed through the same checks the
//! `rpc_decode_*` targets make (see `fuzz/fuzz_targets/rpc_common.rs`).

use cwmp_soap::decode::DecodeOptions;
use cwmp_soap::{Body, Envelope, Role, Rpc};

fn decode_reencode_fixed_point(data: &[u8], role: Role) {
    for strict in [false, true] {
        let opts = DecodeOptions { strict, ..DecodeOptions::default() };
        match Envelope::decode_with(data, Some(role), &opts) {
            Err(e) => assert!(e.offset <= data.len()),
            Ok(env) => {
                if let Body::Rpc(Rpc::Invalid(i)) = &env.body {
                    assert!(!strict);
                    assert!(i.error.offset <= data.len());
                }
                let mut buf = vec![0u8; data.len() * 3 + 4096];
                if let Ok(n) = env.encode(&mut buf) {
                    let back = Envelope::decode_with(&buf[..n], Some(role), &DecodeOptions::default())
                        .unwrap_or_else(|e| panic!("our own output does not decode: {e}"));
                    let mut again = vec![0u8; n + 4096];
                    let m = back.encode(&mut again).unwrap_or_else(|e| panic!("re-encoding our own output: {e}"));
                    assert_eq!(&again[..m], &buf[..n]);
                }
            }
        }
    }
}

/// `rpc_decode_cpe` crash of the tokenizer engineer's `fuzz/run.sh` run: an
/// `xsd:type` (not `xsi:type`) attribute on `<Value>` and a mangled struct.
#[test]
fn set_parameter_values_with_misnamed_type_attribute() {
    let data = include_bytes!("data/fuzz-rpc_decode_cpe-reencode.xml");
    decode_reencode_fixed_point(data, Role::Cpe);
    decode_reencode_fixed_point(data, Role::Acs);
}
