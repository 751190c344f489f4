//! Arbitrary bytes as a persisted CPE image: never a panic; an image that
//! decodes re-encodes to one that decodes to the same state, and the state
//! starts (bootstrap rules, `1 BOOT`) without panicking.
#![no_main]

use cwmp_core::Instant;
use cwmp_session::cpe::persist::CpeState;
use libfuzzer_sys::fuzz_target;

type State = CpeState<64, 4>;

fuzz_target!(|data: &[u8]| {
    let now = Instant::from_secs(1_000);
    let (mut s, err) = State::restore_or_bootstrap(data, now);
    if let Some(e) = err {
        assert!(e.offset <= data.len());
        assert_eq!(s, State::new());
        return;
    }
    let mut buf = vec![0u8; 16 * 1024];
    let n = s.encode(now, &mut buf).expect("a decoded state fits 16 KiB");
    assert_eq!(State::decode(&buf[..n], now).as_ref(), Ok(&s));
    let _ = s.start("http://acs.example/");
    assert!(s.events.len() <= 64);
});
