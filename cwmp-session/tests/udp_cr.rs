//! UDP connection requests (TR-111 Part 2, TR-069 Annex G): the UDP rows of
//! SECURITY.md (RDK-B CcspTr069Pa, Broadcom tr69c) as negative vectors, the
//! replay window, and interop with the request exactly as GenieACS builds it.

use cwmp_core::{Duration, Instant};
use cwmp_session::cr::udp::{self, Encoded, UdpConfig, UdpError, UdpOutcome, UdpReceiver, UdpRequestWriter};
use cwmp_session::cr::{RateLimit, SessionTrigger};
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

const USER: &str = "cpe-user";
const PASS: &str = "cr-p4ss";

/// HMAC-SHA1 written here from RFC 2104 over an independent SHA-1 (the
/// test's own, FIPS 180-4), so the signature check is not tested against
/// itself.
fn hmac_sha1(key: &[u8], msg: &[u8]) -> [u8; 20] {
    fn sha1(data: &[u8]) -> [u8; 20] {
        let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
        let mut m = data.to_vec();
        let bits = (data.len() as u64) * 8;
        m.push(0x80);
        while m.len() % 64 != 56 {
            m.push(0);
        }
        m.extend_from_slice(&bits.to_be_bytes());
        for block in m.chunks(64) {
            let mut w = [0u32; 80];
            for i in 0..16 {
                w[i] = u32::from_be_bytes(block[i * 4..i * 4 + 4].try_into().unwrap());
            }
            for i in 16..80 {
                w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
            }
            let [mut a, mut b, mut c, mut d, mut e] = h;
            for (i, wi) in w.iter().enumerate() {
                let (f, k) = match i {
                    0..=19 => ((b & c) | (!b & d), 0x5A827999),
                    20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                    40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                    _ => (b ^ c ^ d, 0xCA62C1D6),
                };
                let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
                e = d;
                d = c;
                c = b.rotate_left(30);
                b = a;
                a = t;
            }
            for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
                *x = x.wrapping_add(y);
            }
        }
        let mut out = [0u8; 20];
        for (i, x) in h.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
        }
        out
    }
    let mut k = if key.len() > 64 { sha1(key).to_vec() } else { key.to_vec() };
    k.resize(64, 0);
    let inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).chain(msg.iter().copied()).collect();
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(sha1(&inner)).collect();
    sha1(&outer)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The datagram exactly as GenieACS's `udpConnectionRequest` builds it:
/// `GET http://{address}?ts=&id=&un=&cn=&sig= HTTP/1.1\r\nHost: {address}\r\n\r\n`,
/// sig = hex HMAC-SHA1(password, `${ts}${id}${username}${cn}`), `un` not
/// percent-encoded, cn 8 random bytes in hex, id a random u32.
fn genieacs_datagram(address: &str, ts: u64, id: u32, un: &str, cn: &str, password: &str) -> Vec<u8> {
    let sig = hex(&hmac_sha1(password.as_bytes(), format!("{ts}{id}{un}{cn}").as_bytes()));
    let uri = format!("http://{address}?ts={ts}&id={id}&un={un}&cn={cn}&sig={sig}");
    format!("GET {uri} HTTP/1.1\r\nHost: {address}\r\n\r\n").into_bytes()
}

fn query_datagram(query: &str) -> Vec<u8> {
    format!("GET http://192.0.2.9:7547?{query} HTTP/1.1\r\nHost: 192.0.2.9:7547\r\n\r\n").into_bytes()
}

struct Cpe {
    rx: UdpReceiver<8>,
    trigger: SessionTrigger,
    cfg: UdpConfig<'static>,
}

impl Cpe {
    fn new() -> Cpe {
        let mut cfg = UdpConfig::new(USER, PASS);
        cfg.rate = RateLimit { max: 1000, window: Duration::from_secs(60) };
        Cpe { rx: UdpReceiver::new(), trigger: SessionTrigger::new(), cfg }
    }
    fn recv(&mut self, d: &[u8]) -> UdpOutcome {
        self.rx.receive(&self.cfg, &mut self.trigger, Instant::from_secs(1), d)
    }
}

fn good(ts: u64, id: u32) -> Vec<u8> {
    genieacs_datagram("192.0.2.9:7547", ts, id, USER, "1f2e3d4c5b6a7980", PASS)
}

#[test]
fn udp_genieacs_request_sent_three_times_is_accepted_once() {
    let mut cpe = Cpe::new();
    let d = good(1_700_000_000, 3_141_592_653);
    assert_eq!(cpe.recv(&d), UdpOutcome::Accepted);
    assert_eq!(cpe.recv(&d), UdpOutcome::Duplicate);
    assert_eq!(cpe.recv(&d), UdpOutcome::Duplicate);
    assert!(cpe.trigger.poll_session());
    assert!(!cpe.trigger.poll_session(), "three copies, one session");
}

#[test]
fn udp_over_real_loopback_socket_genieacs_three_copies_accepted_once() {
    use std::net::UdpSocket;
    let cpe_sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    cpe_sock.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let addr = cpe_sock.local_addr().unwrap().to_string();
    let acs = UdpSocket::bind("127.0.0.1:0").unwrap();
    let d = genieacs_datagram(&addr, 1_700_000_123, 42, USER, "0011223344556677", PASS);
    for _ in 0..3 {
        acs.send_to(&d, &addr).unwrap();
    }
    let mut cpe = Cpe::new();
    let mut outcomes = Vec::new();
    let mut buf = [0u8; 1500];
    for _ in 0..3 {
        let (n, _) = cpe_sock.recv_from(&mut buf).unwrap();
        outcomes.push(cpe.recv(&buf[..n]));
    }
    assert_eq!(outcomes, [UdpOutcome::Accepted, UdpOutcome::Duplicate, UdpOutcome::Duplicate]);
}

#[test]
fn udp_signature_input_is_ts_id_un_cn_hmac_sha1_keyed_by_password() {
    let d = good(1_120_673_700, 1234);
    let req = udp::parse(&d).unwrap();
    let want = hmac_sha1(PASS.as_bytes(), b"11206737001234cpe-user1f2e3d4c5b6a7980");
    assert_eq!(req.sig, want);
    assert_eq!(udp::signature(PASS.as_bytes(), req.ts_raw, req.id, req.un, req.cn), want);
    assert_eq!((req.ts, req.authority), (1_120_673_700, "192.0.2.9:7547"));
}

#[test]
fn udp_our_writer_is_accepted_and_percent_encodes_un() {
    let user = "user name&x=+%";
    let w = UdpRequestWriter {
        authority: "198.51.100.4:7547",
        ts: 1_700_000_000,
        id: 7,
        username: user,
        password: PASS,
        cn: "abc",
    };
    let mut out = [0u8; 512];
    let n = w.write(&mut out).unwrap();
    let text = std::str::from_utf8(&out[..n]).unwrap();
    assert!(
        text.starts_with("GET http://198.51.100.4:7547?ts=1700000000&id=7&un=user%20name%26x%3D%2B%25&cn=abc&sig=")
    );
    assert!(text.ends_with(" HTTP/1.1\r\nHost: 198.51.100.4:7547\r\n\r\n"));
    let sig = hex(&hmac_sha1(PASS.as_bytes(), format!("17000000007{user}abc").as_bytes()));
    assert!(text.contains(&format!("&sig={sig} ")));
    let mut cpe = Cpe::new();
    cpe.cfg.username = "user name&x=+%";
    assert_eq!(cpe.recv(&out[..n]), UdpOutcome::Accepted);
}

/// The negative vectors of SECURITY.md, each against a valid baseline.
#[test]
fn udp_negative_vectors_are_all_rejected() {
    let ts = 1_700_000_000u64;
    let id = 99u32;
    let cn = "1f2e3d4c5b6a7980";
    let sig = hex(&hmac_sha1(PASS.as_bytes(), format!("{ts}{id}{USER}{cn}").as_bytes()));
    let base = format!("ts={ts}&id={id}&un={USER}&cn={cn}");
    assert_eq!(Cpe::new().recv(&query_datagram(&format!("{base}&sig={sig}"))), UdpOutcome::Accepted, "baseline");
    let mut flipped = sig.clone().into_bytes();
    flipped[17] = if flipped[17] == b'0' { b'1' } else { b'0' };
    let flipped = String::from_utf8(flipped).unwrap();
    let cases: Vec<(String, UdpOutcome)> = vec![
        (format!("{base}&sig={flipped}"), UdpOutcome::Refused(UdpError::Rejected)),
        (format!("{base}&sig={}", &sig[..1]), UdpOutcome::Refused(UdpError::BadValue { key: "sig", at: 0 })),
        (format!("{base}&sig={}", &sig[..39]), UdpOutcome::Refused(UdpError::BadValue { key: "sig", at: 0 })),
        (format!("{base}&sig={sig}0"), UdpOutcome::Refused(UdpError::BadValue { key: "sig", at: 0 })),
        (format!("{base}&sig={sig}&sig={sig}"), UdpOutcome::Refused(UdpError::DuplicateKey { key: "sig" })),
        (format!("{base}&sig={flipped}&sig={sig}"), UdpOutcome::Refused(UdpError::DuplicateKey { key: "sig" })),
        (format!("{base}&sig={sig}&abc={sig}"), UdpOutcome::Refused(UdpError::UnknownKey { at: 0 })),
        (format!("{base}&sg={sig}"), UdpOutcome::Refused(UdpError::UnknownKey { at: 0 })),
        (format!("ts={ts}&id={id}&un={USER}&sig={sig}"), UdpOutcome::Refused(UdpError::MissingKey { key: "cn" })),
        (
            format!("ts=0&id={id}&un={USER}&cn={cn}&sig={sig}"),
            UdpOutcome::Refused(UdpError::BadValue { key: "ts", at: 0 }),
        ),
        (
            format!("ts=&id={id}&un={USER}&cn={cn}&sig={sig}"),
            UdpOutcome::Refused(UdpError::BadValue { key: "ts", at: 0 }),
        ),
        (format!("ts={ts}&id={id}&un=other&cn={cn}&sig={sig}"), UdpOutcome::Refused(UdpError::Rejected)),
        (
            format!("ts={ts}&id={id}&un={USER}&cn={cn}&sig=%zz"),
            UdpOutcome::Refused(UdpError::BadValue { key: "sig", at: 0 }),
        ),
        (format!("{base}&sig={}", "0".repeat(40)), UdpOutcome::Refused(UdpError::Rejected)),
        (format!("{base}&sig={}", "g".repeat(40)), UdpOutcome::Refused(UdpError::BadValue { key: "sig", at: 0 })),
    ];
    for (query, want) in cases {
        let got = Cpe::new().recv(&query_datagram(&query));
        // Offsets are checked separately; compare the kind here.
        let norm = |o: UdpOutcome| match o {
            UdpOutcome::Refused(UdpError::BadValue { key, .. }) => {
                UdpOutcome::Refused(UdpError::BadValue { key, at: 0 })
            }
            UdpOutcome::Refused(UdpError::UnknownKey { .. }) => UdpOutcome::Refused(UdpError::UnknownKey { at: 0 }),
            o => o,
        };
        assert_eq!(norm(got), want, "{query}");
    }
}

#[test]
fn udp_sig_compare_is_case_insensitive_hex_but_exact_length() {
    let ts = 1_700_000_000u64;
    let sig = hex(&hmac_sha1(PASS.as_bytes(), format!("{ts}5{USER}c").as_bytes())).to_uppercase();
    let q = format!("ts={ts}&id=5&un={USER}&cn=c&sig={sig}");
    assert_eq!(Cpe::new().recv(&query_datagram(&q)), UdpOutcome::Accepted);
}

#[test]
fn udp_errors_say_where() {
    let q = "ts=1&id=2&un=u&cn=c&sig=abc";
    let d = query_datagram(q);
    let uri_start = "http://192.0.2.9:7547?".len();
    match udp::parse(&d) {
        Err(UdpError::BadValue { key: "sig", at }) => assert_eq!(at, uri_start + q.find("abc").unwrap()),
        other => panic!("{other:?}"),
    }
    let d = query_datagram("ts=1&zz=2");
    assert_eq!(udp::parse(&d), Err(UdpError::UnknownKey { at: uri_start + 5 }));
    assert!(matches!(udp::parse(b"POST http://h?ts=1 HTTP/1.1\r\n\r\n"), Err(UdpError::NotHttp { .. })));
    assert!(matches!(udp::parse(b"GET /path?ts=1 HTTP/1.1\r\n\r\n"), Err(UdpError::BadUri { at: 0, .. })));
    assert!(matches!(udp::parse(b"GET http://h/cr?ts=1 HTTP/1.1\r\n\r\n"), Err(UdpError::BadUri { .. })));
    assert!(matches!(udp::parse(b"GET http://h?ts=1 HTTP/1.1\r\n"), Err(UdpError::NotHttp { .. })));
}

#[test]
fn replay_alternating_old_requests_are_rejected() {
    let mut cpe = Cpe::new();
    let a = good(1_700_000_000, 1);
    let b = good(1_700_000_010, 2);
    assert_eq!(cpe.recv(&a), UdpOutcome::Accepted);
    assert_eq!(cpe.recv(&b), UdpOutcome::Accepted);
    // a is still in the window: a copy; b: a copy. Neither triggers.
    for _ in 0..3 {
        assert_eq!(cpe.recv(&a), UdpOutcome::Duplicate);
        assert_eq!(cpe.recv(&b), UdpOutcome::Duplicate);
    }
    // An older request never seen: replay.
    assert_eq!(cpe.recv(&good(1_699_999_999, 3)), UdpOutcome::Replay);
    // A reused id with a new ts: replay.
    assert_eq!(cpe.recv(&good(1_700_000_020, 2)), UdpOutcome::Replay);
    // After the window forgot `a`, it is still older than the newest: replay.
    for i in 0..8 {
        assert_eq!(cpe.recv(&good(1_700_000_100 + i, 100 + i as u32)), UdpOutcome::Accepted);
    }
    assert_eq!(cpe.recv(&a), UdpOutcome::Replay);
    let mut sessions = 0;
    while cpe.trigger.poll_session() {
        sessions += 1;
    }
    assert_eq!(sessions, 1, "accepted requests before the session starts share one session");
}

#[test]
fn replay_same_second_different_id_is_a_new_request() {
    let mut cpe = Cpe::new();
    assert_eq!(cpe.recv(&good(1_700_000_000, 1)), UdpOutcome::Accepted);
    assert_eq!(cpe.recv(&good(1_700_000_000, 2)), UdpOutcome::Accepted);
}

#[test]
fn replay_outside_the_clock_skew_is_rejected_when_time_is_known() {
    let mut cpe = Cpe::new();
    cpe.cfg.unix_now = Some(1_700_000_000);
    assert_eq!(cpe.recv(&good(1_700_000_000 - 301, 1)), UdpOutcome::Replay);
    assert_eq!(cpe.recv(&good(1_700_000_000 + 301, 2)), UdpOutcome::Replay);
    assert_eq!(cpe.recv(&good(1_700_000_000 + 30, 3)), UdpOutcome::Accepted);
}

#[test]
fn udp_bad_signatures_never_touch_replay_or_rate_state() {
    let mut cpe = Cpe::new();
    cpe.cfg.rate = RateLimit { max: 1, window: Duration::from_secs(60) };
    // A forged request with a far-future ts must not poison the window.
    let forged = genieacs_datagram("192.0.2.9:7547", 4_000_000_000, 9, USER, "aa", "not-the-password");
    for _ in 0..1000 {
        assert_eq!(cpe.recv(&forged), UdpOutcome::Refused(UdpError::Rejected));
    }
    assert_eq!(cpe.recv(&good(1_700_000_000, 1)), UdpOutcome::Accepted);
    assert_eq!(cpe.recv(&good(1_700_000_001, 2)), UdpOutcome::RateLimited);
}

#[test]
fn udp_empty_password_refuses_everything() {
    let mut cpe = Cpe::new();
    cpe.cfg.password = "";
    let d = genieacs_datagram("h:1", 1_700_000_000, 1, USER, "c", "");
    assert_eq!(cpe.recv(&d), UdpOutcome::Refused(UdpError::Rejected));
}

#[test]
fn udp_receive_and_write_make_no_heap_allocations() {
    let d = good(1_700_000_000, 1);
    let mut cpe = Cpe::new();
    assert_no_alloc(|| {
        assert_eq!(cpe.recv(&d), UdpOutcome::Accepted);
        let mut out = [0u8; 512];
        UdpRequestWriter { authority: "h:7547", ts: 5, id: 6, username: "u", password: "p", cn: "c" }
            .write(&mut out)
            .unwrap();
    });
}

#[test]
fn udp_encoded_decodes_plus_and_escapes() {
    let e = Encoded(b"a+b%20c%2B");
    assert_eq!(e.bytes().collect::<Vec<_>>(), b"a b c+");
    assert!(e.eq_decoded(b"a b c+"));
}

proptest! {
    /// Any single flipped bit in the query of a valid datagram gets it
    /// refused (except a case flip of a hex letter of `sig`).
    #[test]
    fn udp_any_flipped_bit_in_the_query_is_rejected(pos in 0usize..200, bit in 0u8..8) {
        let d = good(1_700_000_000, 77);
        let qstart = d.iter().position(|&b| b == b'?').unwrap() + 1;
        let qend = d.windows(9).position(|w| w == b" HTTP/1.1").unwrap();
        let at = qstart + pos % (qend - qstart);
        let sig_start = d.windows(5).position(|w| w == b"&sig=").unwrap() + 5;
        // Hex is case-insensitive: a case flip of a sig letter is the same sig.
        prop_assume!(!(at >= sig_start && bit == 5 && d[at].is_ascii_alphabetic()));
        let mut m = d.clone();
        m[at] ^= 1 << bit;
        let out = Cpe::new().recv(&m);
        prop_assert!(matches!(out, UdpOutcome::Refused(_)), "{:?} at {}", out, at);
    }

    /// Arbitrary bytes never panic and are never accepted.
    #[test]
    fn udp_arbitrary_datagrams_are_refused(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert!(matches!(Cpe::new().recv(&data), UdpOutcome::Refused(_)));
    }

    /// writer → receiver round trip for any user name and cnonce.
    #[test]
    fn udp_writer_receiver_round_trip(user in "[ -~]{1,40}", cn in "[ -~]{1,20}", ts in 1u64..u64::MAX / 2, id in any::<u32>()) {
        let user: &'static str = Box::leak(user.into_boxed_str());
        let w = UdpRequestWriter { authority: "192.0.2.9:7547", ts, id, username: user, password: PASS, cn: &cn };
        let mut out = [0u8; 1024];
        let n = w.write(&mut out).unwrap();
        let mut cpe = Cpe::new();
        cpe.cfg.username = user;
        prop_assert_eq!(cpe.recv(&out[..n]), UdpOutcome::Accepted);
    }
}
