//! The challenge grammar and the Digest client on arbitrary
//! `WWW-Authenticate` values: no panic; every parameter the iterator
//! yields is well formed; when the client accepts a challenge, the
//! `Authorization` it writes parses back as one Digest/Basic item whose
//! parameters are unique.
#![no_main]

use cwmp_session::auth::params;
use cwmp_session::auth::{ClientAuth, ClientPolicy, Credentials};
use cwmp_session::http::head::Method;
use cwmp_session::http::write::HeadWriter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for item in params::items(data) {
        let Ok(item) = item else { break };
        for (name, value) in item.params() {
            assert!(!name.is_empty());
            let _ = value.bytes().count();
        }
    }
    let mut client = ClientAuth::new(ClientPolicy::default());
    if client.on_challenge([data], true, &[7; 16]).is_err() {
        return;
    }
    let mut buf = [0u8; 2048];
    let mut w = HeadWriter::new(&mut buf);
    let creds = Credentials { username: "user\"\\name", password: "pw" };
    if client.write_authorization(&mut w, Method::Post, "/acs", &creds).is_err() {
        return;
    }
    let line = w.written();
    let value = &line[b"Authorization: ".len()..line.len() - 2];
    let mut items = params::items(value);
    let item = items.next().expect("one item").expect("our header parses");
    assert!(items.next().is_none());
    let mut names: Vec<&[u8]> = item.params().map(|(n, _)| n).collect();
    let total = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), total, "duplicate parameter written");
});
