//! STUN messages on arbitrary bytes: the ACS-side reader and integrity
//! check and the CPE client's response handling never panic; a response
//! to a transaction the client did not start is never taken.
#![no_main]

use core::net::{Ipv4Addr, SocketAddrV4};

use cwmp_core::{Duration, Instant};
use cwmp_session::cr::stun::{BindingRequest, StunClient, StunConfig, StunError, classify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = classify(data);
    if let Ok(r) = BindingRequest::parse(data) {
        let mut out = [0u8; 128];
        let _ = r.write_response(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1), Some(b"pw"), &mut out);
    }
    let _ = BindingRequest::verify(data, b"pw");
    let cfg = StunConfig { username: "", password: "", keep_alive: Duration::from_secs(30) };
    let mut c = StunClient::new(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 7547), Instant::ZERO);
    let fresh = c.handle_response(&cfg, Instant::ZERO, data);
    assert!(fresh.is_err(), "no transaction was started");
    let mut out = [0u8; 128];
    c.poll_transmit(&cfg, Instant::ZERO, &[0x5a; 16], &mut out).unwrap();
    if c.handle_response(&cfg, Instant::ZERO, data).is_ok() {
        assert_eq!(&data[4..20], &out[4..20]);
    } else if data.len() >= 20 && data[4..20] != out[4..20] {
        assert!(matches!(c.handle_response(&cfg, Instant::ZERO, data), Err(StunError::WrongTransaction | StunError::Malformed { .. })));
    }
});
