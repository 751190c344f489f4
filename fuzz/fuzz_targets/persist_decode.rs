//! Arbitrary bytes as a persisted CPE image, raw and wrapped in a valid
//! frame (magic, version, length, CRC-32) so that the field checks behind
//! the checksum are reached too: never a panic; an image that decodes
//! re-encodes to one that decodes to the same state, and the state starts
//! (bootstrap rules, `1 BOOT`) without panicking.
#![no_main]

use cwmp_core::Instant;
use cwmp_session::cpe::persist::{CpeState, MAGIC, VERSION, crc32};
use libfuzzer_sys::fuzz_target;

type State = CpeState<64, 4, 1>;

fn check(image: &[u8]) {
    let now = Instant::from_secs(1_000);
    let (mut s, err) = State::restore_or_bootstrap(image, now);
    if let Some(e) = err {
        assert!(e.offset <= image.len());
        assert_eq!(s, State::new());
        return;
    }
    let mut buf = vec![0u8; 32 * 1024];
    let n = s.encode(now, &mut buf).expect("a decoded state fits 32 KiB");
    assert_eq!(State::decode(&buf[..n], now).as_ref(), Ok(&s));
    let _ = s.start("http://acs.example/");
    assert!(s.events.len() <= 64);
}

fuzz_target!(|data: &[u8]| {
    check(data);
    let mut framed = MAGIC.to_vec();
    framed.extend([VERSION, 0]);
    framed.extend((data.len() as u32).to_le_bytes());
    framed.extend(data);
    let crc = crc32(&framed);
    framed.extend(crc.to_le_bytes());
    check(&framed);
});
