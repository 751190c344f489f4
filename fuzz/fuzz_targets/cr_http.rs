//! The connection-request listener on arbitrary bytes (Misfortune Cookie,
//! SECURITY.md): no panic; nothing without the secret is ever accepted;
//! every answer is a well-formed HTTP response; and a `Cookie` header
//! added to the request never changes the decision.
#![no_main]

use cwmp_core::Instant;
use cwmp_session::cr::SessionTrigger;
use cwmp_session::cr::http::{Listener, ListenerConfig, Outcome};
use cwmp_session::http::head::{self, EMPTY_HEADER, Parsed, Quirks};
use cwmp_session::http::HttpLimits;
use libfuzzer_sys::fuzz_target;

fn run(input: &[u8]) -> (Outcome, Vec<u8>) {
    let mut l = Listener::<4>::new();
    let mut t = SessionTrigger::new();
    let cfg = ListenerConfig::new("/cr/f", "acs", "a-secret-the-fuzzer-cannot-know");
    let mut out = [0u8; 512];
    let h = l.handle(&cfg, &mut t, Instant::from_secs(1), &[7; 16], input, &mut out).expect("512 bytes hold any answer");
    assert!(!matches!(h.outcome, Outcome::Accepted | Outcome::FollowUp | Outcome::RateLimited));
    assert!(!t.poll_session());
    (h.outcome, out[..h.response_len].to_vec())
}

fuzz_target!(|data: &[u8]| {
    let (outcome, resp) = run(data);
    if outcome != Outcome::Partial {
        let mut headers = [EMPTY_HEADER; 8];
        match head::parse_response(&resp, &mut headers, &HttpLimits::DEFAULT, Quirks::STRICT, false) {
            Ok(Parsed::Complete(r)) => assert!(matches!(r.status, 400 | 401 | 404 | 405 | 431)),
            other => panic!("our answer does not parse: {other:?}"),
        }
    }
    // Insert a Misfortune-style cookie right after the request line.
    let Some(nl) = data.iter().position(|&b| b == b'\n') else { return };
    let mut with = data[..=nl].to_vec();
    with.extend_from_slice(b"Cookie: C107374182=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n");
    with.extend_from_slice(&data[nl + 1..]);
    let (outcome2, _) = run(&with);
    let comparable = |o: &Outcome| !matches!(o, Outcome::Partial | Outcome::BadRequest(_));
    if comparable(&outcome) && comparable(&outcome2) {
        assert_eq!(outcome, outcome2);
    }
});
