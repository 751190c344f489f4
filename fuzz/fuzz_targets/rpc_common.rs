//! Shared checks of the RPC fuzz targets.

use cwmp_soap::decode::DecodeOptions;
use cwmp_soap::{Body, Envelope, Role, Rpc};

/// Decodes `data` in `role`, tolerant and strict: never a panic, errors
/// point inside the input, and whatever decodes and re-encodes decodes
/// again and re-encodes to the same bytes (a fixed point: the first
/// re-encoding may normalise, e.g. an unknown `xsi:type` becomes
/// `xsd:string`).
pub(crate) fn decode_in_role(data: &[u8], role: Role) {
    for strict in [false, true] {
        let opts = if strict { DecodeOptions::STRICT } else { DecodeOptions::TOLERANT };
        match Envelope::decode_with(data, Some(role), &opts) {
            Err(e) => assert!(e.offset <= data.len(), "error offset {} beyond {} bytes", e.offset, data.len()),
            Ok(env) => {
                // Touch every field, every list entry included.
                let _ = format!("{env:?}");
                if let Body::Rpc(Rpc::Invalid(i)) = &env.body {
                    assert!(!strict, "strict mode returns argument errors");
                    assert!(i.error.offset <= data.len());
                }
                let mut buf = vec![0u8; data.len() * 3 + 4096];
                if let Ok(n) = env.encode(&mut buf) {
                    let back = Envelope::decode_with(&buf[..n], Some(role), &DecodeOptions::default())
                        .unwrap_or_else(|e| panic!("our own output does not decode: {e}"));
                    let mut again = vec![0u8; n + 4096];
                    let m = back.encode(&mut again).unwrap_or_else(|e| panic!("re-encoding our own output: {e}"));
                    assert_eq!(&again[..m], &buf[..n], "encode(decode(encode(m))) != encode(m)");
                }
            }
        }
    }
}
