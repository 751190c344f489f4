//! The UDP connection-request receiver on arbitrary datagrams: no panic,
//! never accepted without the password, every refusal says why; and what
//! the ACS-side writer produces from parsed fields is accepted.
#![no_main]

use cwmp_core::Instant;
use cwmp_session::cr::SessionTrigger;
use cwmp_session::cr::udp::{self, UdpConfig, UdpOutcome, UdpReceiver, UdpRequestWriter};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cfg = UdpConfig::new("cpe", "a-secret-the-fuzzer-cannot-know");
    let mut rx = UdpReceiver::<4>::new();
    let mut t = SessionTrigger::new();
    let out = rx.receive(&cfg, &mut t, Instant::from_secs(1), data);
    assert!(matches!(out, UdpOutcome::Refused(_)), "{out:?}");
    assert!(!t.poll_session());
    // Round trip: the parsed user name and cnonce, signed by our writer.
    let Ok(req) = udp::parse(data) else { return };
    let un: Vec<u8> = req.un.bytes().collect();
    let cn: Vec<u8> = req.cn.bytes().collect();
    let (Ok(un), Ok(cn)) = (std::str::from_utf8(&un), std::str::from_utf8(&cn)) else { return };
    let w = UdpRequestWriter { authority: "192.0.2.1:7547", ts: req.ts, id: 1, username: un, password: "pw", cn };
    let mut buf = [0u8; 4096];
    let Ok(n) = w.write(&mut buf) else { return };
    let cfg = UdpConfig::new(un, "pw");
    let out = UdpReceiver::<4>::new().receive(&cfg, &mut SessionTrigger::new(), Instant::from_secs(1), &buf[..n]);
    assert_eq!(out, UdpOutcome::Accepted);
});
