//! UDP lightweight notifications on arbitrary bytes: the ACS-side decoder
//! never panics and its parameter iterator agrees with its count; what the
//! CPE-side encoder writes from decoded fields decodes back to them.
#![no_main]

use cwmp_session::cr::lwn::{self, Decoded, Header};
use libfuzzer_sys::fuzz_target;

fn text(t: Option<cwmp_soap::xml::Text<'_>>) -> String {
    t.map_or(String::new(), |t| t.chunks().map(|c| c.as_str().to_string()).collect())
}

fuzz_target!(|data: &[u8]| {
    let Ok(d) = Decoded::decode(data) else { return };
    assert_eq!(d.params().count(), d.param_count);
    let f: Vec<String> = d.fields.iter().map(|t| text(*t)).collect();
    let params: Vec<(String, String)> = d.params().map(|(n, v)| (text(n), text(v))).collect();
    let h = Header { ts: i64::from(d.ts), un: &f[0], cn: &f[1], oui: &f[2], product_class: &f[3], serial_number: &f[4] };
    let mut buf = vec![0u8; 4 * data.len() + 1024];
    let n = lwn::encode(&h, params.iter().map(|(a, b)| (a.as_str(), b.as_str())), &mut buf).expect("decoded fields re-encode");
    let back = Decoded::decode(&buf[..n]).expect("our encoding decodes");
    assert_eq!(back.ts, d.ts);
    let again: Vec<(String, String)> = back.params().map(|(n, v)| (text(n), text(v))).collect();
    assert_eq!(again, params);
});
