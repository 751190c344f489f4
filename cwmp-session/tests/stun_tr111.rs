//! STUN for TR-111: the CPE's binding client against our ACS-side reader,
//! the TR-111 attributes byte for byte, RFC 3489 MESSAGE-INTEGRITY checked
//! by Python's hmac module, the RFC 5389 XOR-MAPPED-ADDRESS sample of
//! RFC 5769, retransmissions, binding-change and NAT detection.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::process::Command;

use cwmp_core::{Duration, Instant};
use cwmp_session::cr::stun::{
    self, BindingEvent, BindingRequest, DatagramKind, StunClient, StunConfig, StunError, TR111_BINDING, attr,
};
use cwmp_testkit::alloc::assert_no_alloc;

const LOCAL: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), 7547);
const PUBLIC: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(203, 0, 113, 9), 40001);

fn cfg(user: &'static str) -> StunConfig<'static> {
    StunConfig { username: user, password: "stun-pw", keep_alive: Duration::from_secs(30) }
}

fn attrs(msg: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    let mut p = 20;
    while p + 4 <= msg.len() {
        let t = u16::from_be_bytes([msg[p], msg[p + 1]]);
        let l = usize::from(u16::from_be_bytes([msg[p + 2], msg[p + 3]]));
        out.push((t, msg[p + 4..p + 4 + l].to_vec()));
        p += 4 + ((l + 3) & !3);
    }
    out
}

fn request(c: &mut StunClient, cfg: &StunConfig<'_>, now: Instant, rand: u8) -> Vec<u8> {
    let mut out = [0u8; 256];
    let n = c.poll_transmit(cfg, now, &[rand; 16], &mut out).unwrap().expect("a request is due");
    out[..n].to_vec()
}

fn respond(req: &[u8], mapped: SocketAddrV4, pw: Option<&[u8]>) -> Vec<u8> {
    let r = BindingRequest::parse(req).unwrap();
    let mut out = [0u8; 256];
    let n = r.write_response(mapped, pw, &mut out).unwrap();
    out[..n].to_vec()
}

#[test]
fn stun_request_carries_connection_request_binding_exactly() {
    let mut c = StunClient::new(LOCAL, Instant::ZERO);
    let req = request(&mut c, &cfg(""), Instant::ZERO, 1);
    assert_eq!(&req[..2], &[0x00, 0x01], "Binding Request");
    assert_eq!(&req[4..8], &0x2112_A442u32.to_be_bytes(), "RFC 5389 cookie in the transaction ID");
    assert_eq!(attrs(&req), vec![(0xC001, b"dslforum.org/TR-111 ".to_vec())]);
    assert_eq!(TR111_BINDING.len(), 20);
    assert_eq!(stun::classify(&req), DatagramKind::Stun);
    let parsed = BindingRequest::parse(&req).unwrap();
    assert!(parsed.connection_request_binding && !parsed.binding_change && parsed.username.is_none());
}

#[test]
fn stun_and_udp_connection_requests_are_told_apart_by_content() {
    assert_eq!(stun::classify(b"GET http://h:1?ts=1 HTTP/1.1\r\n\r\n"), DatagramKind::ConnectionRequest);
    assert_eq!(stun::classify(&[0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), DatagramKind::Stun);
    // Wrong length field, top bits set, too short: neither.
    assert_eq!(
        stun::classify(&[0x01, 0x01, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        DatagramKind::Other
    );
    assert_eq!(stun::classify(&[0xC1; 20]), DatagramKind::Other);
    assert_eq!(stun::classify(b"\x00\x01"), DatagramKind::Other);
}

#[test]
fn stun_username_and_message_integrity_verified_by_python_hmac() {
    let mut c = StunClient::new(LOCAL, Instant::ZERO);
    let req = request(&mut c, &cfg("cpe-0001"), Instant::ZERO, 2);
    let a = attrs(&req);
    assert_eq!(
        a.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        [attr::CONNECTION_REQUEST_BINDING, attr::USERNAME, attr::MESSAGE_INTEGRITY]
    );
    assert_eq!(BindingRequest::parse(&req).unwrap().username, Some(&b"cpe-0001"[..]));
    assert_eq!(BindingRequest::verify(&req, b"stun-pw"), Ok(()));
    assert_eq!(BindingRequest::verify(&req, b"other"), Err(StunError::Integrity));
    // RFC 3489 §11.2.8, computed by Python: HMAC-SHA1 over the message up
    // to MESSAGE-INTEGRITY, zero-padded to a multiple of 64 bytes.
    let covered = &req[..req.len() - 24];
    let hex: String = covered.iter().map(|b| format!("{b:02x}")).collect();
    let py = "import hmac,hashlib,sys; m=bytes.fromhex(sys.argv[1]); m+=b'\\0'*((64-len(m)%64)%64); print(hmac.new(b'stun-pw', m, hashlib.sha1).hexdigest())";
    let out = Command::new("python3")
        .args(["-c", py, &hex])
        .output()
        .expect("python3 is required (apt-get install -y python3)");
    let want = String::from_utf8(out.stdout).unwrap();
    let got: String = req[req.len() - 20..].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(got, want.trim());
    // A flipped bit anywhere before it breaks the check.
    for i in 0..covered.len() {
        let mut m = req.clone();
        m[i] ^= 0x10;
        assert!(BindingRequest::verify(&m, b"stun-pw").is_err(), "byte {i}");
    }
}

#[test]
fn stun_binding_nat_detection_and_binding_change() {
    let config = cfg("cpe-0001");
    let mut c = StunClient::new(LOCAL, Instant::ZERO);
    let req = request(&mut c, &config, Instant::ZERO, 3);
    let ev = c.handle_response(&config, Instant::from_millis(20), &respond(&req, PUBLIC, Some(b"stun-pw"))).unwrap();
    assert_eq!(ev, BindingEvent::Changed { address: PUBLIC, nat_detected: true });
    assert_eq!(
        c.poll_timeout(),
        Instant::from_millis(20).checked_add(Duration::from_secs(30)).unwrap(),
        "keep-alive period"
    );
    // Keep-alive: same binding.
    let t = c.poll_timeout();
    let req = request(&mut c, &config, t, 4);
    assert!(!BindingRequest::parse(&req).unwrap().binding_change);
    assert_eq!(
        c.handle_response(&config, t, &respond(&req, PUBLIC, Some(b"stun-pw"))).unwrap(),
        BindingEvent::Unchanged
    );
    // The NAT moved us.
    let moved = SocketAddrV4::new(Ipv4Addr::new(203, 0, 113, 9), 40777);
    let t = c.poll_timeout();
    let req = request(&mut c, &config, t, 5);
    let ev = c.handle_response(&config, t, &respond(&req, moved, Some(b"stun-pw"))).unwrap();
    assert_eq!(ev, BindingEvent::Changed { address: moved, nat_detected: true });
    assert_eq!(c.poll_timeout(), t, "the change is announced at once");
    let req = request(&mut c, &config, t, 6);
    assert!(BindingRequest::parse(&req).unwrap().binding_change, "BINDING-CHANGE on the next request");
    c.handle_response(&config, t, &respond(&req, moved, Some(b"stun-pw"))).unwrap();
    let t = c.poll_timeout();
    let req = request(&mut c, &config, t, 7);
    assert!(!BindingRequest::parse(&req).unwrap().binding_change, "announced once");
    // No NAT: mapped equals local.
    let mut c = StunClient::new(LOCAL, Instant::ZERO);
    let req = request(&mut c, &cfg(""), Instant::ZERO, 8);
    assert_eq!(
        c.handle_response(&cfg(""), Instant::ZERO, &respond(&req, LOCAL, None)).unwrap(),
        BindingEvent::Changed { address: LOCAL, nat_detected: false }
    );
}

#[test]
fn stun_retransmits_rfc3489_schedule_then_waits_a_keep_alive() {
    let config = cfg("");
    let mut c = StunClient::new(LOCAL, Instant::ZERO);
    let mut now = Instant::ZERO;
    let mut times = Vec::new();
    let mut txids = Vec::new();
    let mut out = [0u8; 256];
    for _ in 0..40 {
        if let Some(n) = c.poll_transmit(&config, now, &[times.len() as u8; 16], &mut out).unwrap() {
            times.push(now.as_millis());
            txids.push(out[4..20].to_vec());
            let _ = n;
        }
        now = c.poll_timeout();
        if times.len() == 9 && now.as_millis() > 10_000 {
            break;
        }
    }
    assert_eq!(times, [0, 100, 300, 700, 1500, 3100, 4700, 6300, 7900]);
    assert!(txids.windows(2).all(|w| w[0] == w[1]), "retransmissions keep the transaction ID");
    assert!(now.as_millis() >= 9500 + 30_000 - 1600, "then the keep-alive period: {now:?}");
}

#[test]
fn stun_responses_to_other_transactions_or_unsigned_are_refused() {
    let config = cfg("cpe");
    let mut c = StunClient::new(LOCAL, Instant::ZERO);
    let req = request(&mut c, &config, Instant::ZERO, 9);
    let mut other = req.clone();
    other[19] ^= 1;
    assert_eq!(
        c.handle_response(&config, Instant::ZERO, &respond(&other, PUBLIC, Some(b"stun-pw"))),
        Err(StunError::WrongTransaction)
    );
    assert_eq!(c.handle_response(&config, Instant::ZERO, &respond(&req, PUBLIC, None)), Err(StunError::Integrity));
    assert_eq!(
        c.handle_response(&config, Instant::ZERO, &respond(&req, PUBLIC, Some(b"wrong"))),
        Err(StunError::Integrity)
    );
    assert!(c.binding().is_none(), "nothing learned from refused responses");
    assert!(c.handle_response(&config, Instant::ZERO, &respond(&req, PUBLIC, Some(b"stun-pw"))).is_ok());
}

#[test]
fn stun_reads_xor_mapped_address_of_rfc5769_sample() {
    // RFC 5769 §2.2: transaction ID b7e7a701bc34d686fa87dfae, mapped
    // 192.0.2.1:32853, XOR-MAPPED-ADDRESS 0001 a147 e112a643; SOFTWARE
    // "test vector" (11 bytes, padded) before it.
    let rand = [0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae];
    let config = cfg("");
    let mut c = StunClient::new(LOCAL, Instant::ZERO);
    let mut out = [0u8; 256];
    c.poll_transmit(&config, Instant::ZERO, &rand, &mut out).unwrap().unwrap();
    let mut resp = vec![0x01, 0x01, 0x00, 0x1c];
    resp.extend_from_slice(&rand);
    resp.extend_from_slice(&[0x80, 0x22, 0x00, 0x0b]);
    resp.extend_from_slice(b"test vector ");
    resp.extend_from_slice(&[0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43]);
    let ev = c.handle_response(&config, Instant::ZERO, &resp).unwrap();
    assert_eq!(ev, BindingEvent::Changed { address: "192.0.2.1:32853".parse().unwrap(), nat_detected: true });
}

#[test]
fn stun_error_response_reports_its_code() {
    let config = cfg("");
    let mut c = StunClient::new(LOCAL, Instant::ZERO);
    let req = request(&mut c, &config, Instant::ZERO, 1);
    let mut resp = vec![0x01, 0x11, 0x00, 0x10];
    resp.extend_from_slice(&req[4..20]);
    resp.extend_from_slice(&[0x00, 0x09, 0x00, 0x0c, 0, 0, 4, 1]);
    resp.extend_from_slice(b"Unauthd!");
    assert_eq!(c.handle_response(&config, Instant::ZERO, &resp), Ok(BindingEvent::Error { code: 401 }));
}

#[test]
fn stun_malformed_attributes_say_where() {
    let mut m = vec![0x00, 0x01, 0x00, 0x08];
    m.extend_from_slice(&[7; 16]);
    m.extend_from_slice(&[0xC0, 0x01, 0x00, 0x40, 1, 2, 3, 4]);
    assert_eq!(BindingRequest::parse(&m), Err(StunError::Malformed { at: 20, what: "attribute length" }));
}

#[test]
fn stun_client_and_reader_make_no_heap_allocations() {
    let config = cfg("cpe");
    let mut c = StunClient::new(LOCAL, Instant::ZERO);
    assert_no_alloc(|| {
        let mut out = [0u8; 256];
        let n = c.poll_transmit(&config, Instant::ZERO, &[1; 16], &mut out).unwrap().unwrap();
        let r = BindingRequest::parse(&out[..n]).unwrap();
        BindingRequest::verify(&out[..n], b"stun-pw").unwrap();
        let mut resp = [0u8; 256];
        let m = r.write_response(PUBLIC, Some(b"stun-pw"), &mut resp).unwrap();
        c.handle_response(&config, Instant::ZERO, &resp[..m]).unwrap();
    });
}

proptest::proptest! {
    #[test]
    fn stun_arbitrary_datagrams_never_panic(d in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
        let _ = BindingRequest::parse(&d);
        let _ = BindingRequest::verify(&d, b"pw");
        let mut c = StunClient::new(LOCAL, Instant::ZERO);
        let mut out = [0u8; 256];
        let _ = c.poll_transmit(&cfg(""), Instant::ZERO, &[0; 16], &mut out);
        let _ = c.handle_response(&cfg(""), Instant::ZERO, &d);
    }
}
