//! The HTTP connection-request listener (CPE) and client (ACS), driven
//! against each other in memory: the rules of TR-069 §3.2.2 and the Digest
//! rows of SECURITY.md.

use cwmp_core::{Duration, Instant};
use cwmp_session::auth::{AuthError, ClientPolicy, Credentials};
use cwmp_session::cr::RateLimit;
use cwmp_session::cr::SessionTrigger;
use cwmp_session::cr::http::{ClientStep, CrClient, CrResult, Handled, Listener, ListenerConfig, Outcome};
use cwmp_session::http::url::Url;
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

const PATH: &str = "/cr/9f2c4e71a0";
const URL: &str = "http://192.0.2.1:7547/cr/9f2c4e71a0";

struct Cpe {
    listener: Listener<4>,
    trigger: SessionTrigger,
    cfg: ListenerConfig<'static>,
    rand: u8,
}

impl Cpe {
    fn new() -> Cpe {
        Cpe {
            listener: Listener::new(),
            trigger: SessionTrigger::new(),
            cfg: ListenerConfig::new(PATH, "acs", "s3cret"),
            rand: 0,
        }
    }

    fn send(&mut self, now: Instant, req: &[u8]) -> (Handled, Vec<u8>) {
        self.rand = self.rand.wrapping_add(1);
        let mut out = [0u8; 512];
        let h = self.listener.handle(&self.cfg, &mut self.trigger, now, &[self.rand; 16], req, &mut out).unwrap();
        (h, out[..h.response_len].to_vec())
    }
}

fn creds(user: &'static str, password: &'static str) -> Credentials<'static> {
    Credentials { username: user, password }
}

/// Runs one connection request from our ACS-side client; returns the
/// result and the listener outcomes seen.
fn exchange(cpe: &mut Cpe, now: Instant, c: &Credentials<'_>) -> (CrResult, Vec<Outcome>) {
    let url = Url::parse(URL).unwrap();
    let mut client = CrClient::new(ClientPolicy::default());
    let mut outcomes = Vec::new();
    for round in 0..4u8 {
        let mut req = [0u8; 1024];
        let n = client.write_request(&url, c, &mut req).unwrap();
        let (h, resp) = cpe.send(now, &req[..n]);
        outcomes.push(h.outcome);
        if matches!(h.outcome, Outcome::Accepted) {
            cpe.trigger.on_response_sent();
        }
        match client.handle_response(&resp, &[round; 16]) {
            ClientStep::Retry { consumed, .. } => assert_eq!(consumed, resp.len()),
            ClientStep::Done(r) => return (r, outcomes),
            ClientStep::Partial => panic!("complete response reported partial"),
        }
    }
    panic!("no result after 4 rounds: {outcomes:?}")
}

fn status(resp: &[u8]) -> u16 {
    std::str::from_utf8(&resp[9..12]).unwrap().parse().unwrap()
}

fn get(auth: Option<&str>) -> Vec<u8> {
    let mut r = format!("GET {PATH} HTTP/1.1\r\nHost: 192.0.2.1:7547\r\n");
    if let Some(a) = auth {
        r += &format!("Authorization: {a}\r\n");
    }
    r += "\r\n";
    r.into_bytes()
}

#[test]
fn cr_accepts_our_client_then_session_starts_only_after_answer_sent() {
    let mut cpe = Cpe::new();
    let url = Url::parse(URL).unwrap();
    let mut client = CrClient::new(ClientPolicy::default());
    let c = creds("acs", "s3cret");
    let mut req = [0u8; 1024];
    let n = client.write_request(&url, &c, &mut req).unwrap();
    assert!(req[..n].starts_with(format!("GET {PATH} HTTP/1.1\r\nHost: 192.0.2.1:7547\r\n").as_bytes()));
    let (h, resp) = cpe.send(Instant::from_secs(10), &req[..n]);
    assert_eq!(h.outcome, Outcome::Challenged);
    assert_eq!(status(&resp), 401);
    assert!(!h.close, "the connection stays open for the answer to the challenge");
    assert!(matches!(client.handle_response(&resp, &[1; 16]), ClientStep::Retry { reconnect: false, .. }));
    let n = client.write_request(&url, &c, &mut req).unwrap();
    let (h, resp) = cpe.send(Instant::from_secs(10), &req[..n]);
    assert_eq!(h.outcome, Outcome::Accepted);
    assert!(resp.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(resp.ends_with(b"Content-Length: 0\r\nConnection: close\r\n\r\n"), "empty body");
    assert!(!cpe.trigger.poll_session(), "no session before the 200 is sent");
    cpe.trigger.on_response_sent();
    assert!(cpe.trigger.poll_session());
    assert!(!cpe.trigger.poll_session(), "one session per request");
    assert_eq!(client.handle_response(&resp, &[2; 16]), ClientStep::Done(CrResult::Accepted));
}

#[test]
fn cr_answers_204_when_configured() {
    let mut cpe = Cpe::new();
    cpe.cfg.answer_204 = true;
    let (r, _) = exchange(&mut cpe, Instant::from_secs(5), &creds("acs", "s3cret"));
    assert_eq!(r, CrResult::Accepted);
}

#[test]
fn cr_tr064_soap_post_gets_405_from_the_request_line_alone() {
    let mut cpe = Cpe::new();
    // The 2016 Mirai TR-064 request (body abbreviated), on the CR path and on /UD/act.
    for path in [PATH, "/UD/act?1"] {
        let post = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:7547\r\nContent-Type: text/xml\r\n\
             SOAPAction: urn:dslforum-org:service:Time:1#SetNTPServers\r\nContent-Length: 526\r\n\r\n\
             <?xml version=\"1.0\"?><SOAP-ENV:Envelope><SOAP-ENV:Body><u:SetNTPServers><NewNTPServer1>`cd /tmp;wget x`</NewNTPServer1>"
        );
        // Only the request line has arrived: already decided.
        let line_end = post.find('\n').unwrap() + 1;
        let (h, resp) = cpe.send(Instant::from_secs(1), &post.as_bytes()[..line_end]);
        assert_eq!(h.outcome, Outcome::MethodNotAllowed);
        assert!(resp.starts_with(b"HTTP/1.1 405 "));
        assert!(String::from_utf8_lossy(&resp).contains("Allow: GET\r\n"));
        assert!(h.close);
        let (h, _) = cpe.send(Instant::from_secs(1), post.as_bytes());
        assert_eq!(h.outcome, Outcome::MethodNotAllowed);
    }
    assert!(!cpe.trigger.poll_session());
}

#[test]
fn cr_other_path_gets_404_before_auth() {
    let mut cpe = Cpe::new();
    for target in ["/", "/cr/9f2c4e71a", "/cr/9f2c4e71a0/", "/cr/9f2c4e71a0?x=1", "http://192.0.2.1:7547/cr/9f2c4e71a0"]
    {
        let (h, resp) = cpe.send(Instant::from_secs(1), format!("GET {target} HTTP/1.1\r\n").as_bytes());
        assert_eq!(h.outcome, Outcome::NotFound, "{target}");
        assert_eq!(status(&resp), 404);
    }
    let (h, _) = cpe.send(Instant::from_secs(1), b"DELETE /cr/x HTTP/1.1\r\n");
    assert_eq!(h.outcome, Outcome::MethodNotAllowed);
}

#[test]
fn cr_partial_head_waits_and_oversize_head_is_refused() {
    let mut cpe = Cpe::new();
    let req = get(None);
    for cut in 0..req.len() {
        let (h, resp) = cpe.send(Instant::from_secs(1), &req[..cut]);
        if h.outcome != Outcome::Partial {
            panic!("cut {cut}: {:?}", h.outcome);
        }
        assert!(resp.is_empty());
    }
    // Too many headers: 431 rather than a silent cut.
    let mut many = format!("GET {PATH} HTTP/1.1\r\nHost: h\r\n");
    for i in 0..40 {
        many += &format!("X-{i}: v\r\n");
    }
    many += "\r\n";
    let (h, resp) = cpe.send(Instant::from_secs(1), many.as_bytes());
    assert!(matches!(h.outcome, Outcome::BadRequest(_)));
    assert_eq!(status(&resp), 431);
    // An endless request line.
    let long = vec![b'G'; 5000];
    let (h, resp) = cpe.send(Instant::from_secs(1), &long);
    assert!(matches!(h.outcome, Outcome::BadRequest(_)));
    assert_eq!(status(&resp), 400);
    // Missing Host.
    let (h, _) = cpe.send(Instant::from_secs(1), format!("GET {PATH} HTTP/1.1\r\n\r\n").as_bytes());
    assert!(matches!(h.outcome, Outcome::BadRequest(_)));
}

#[test]
fn digest_basic_credentials_are_never_accepted_on_the_cr_listener() {
    let mut cpe = Cpe::new();
    // "acs:s3cret"
    let (h, resp) = cpe.send(Instant::from_secs(1), &get(Some("Basic YWNzOnMzY3JldA==")));
    assert_eq!(h.outcome, Outcome::AuthFailed(AuthError::WrongScheme));
    assert_eq!(status(&resp), 401);
    assert!(String::from_utf8_lossy(&resp).contains("WWW-Authenticate: Digest "));
    // And our ACS client refuses a Basic-only challenge over http.
    let mut client = CrClient::new(ClientPolicy::default());
    let r = client.handle_response(
        b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\n\r\n",
        &[0; 16],
    );
    assert_eq!(r, ClientStep::Done(CrResult::AuthFailed(AuthError::BasicWithoutTls)));
}

#[test]
fn digest_wrong_password_and_unknown_user_fail_identically() {
    let answers: Vec<_> = [("acs", "wrong"), ("nobody", "s3cret"), ("nobody", "")]
        .into_iter()
        .map(|(u, p)| {
            let mut cpe = Cpe::new();
            let (r, outcomes) = exchange(&mut cpe, Instant::from_secs(1), &creds(u, p));
            assert!(!cpe.trigger.poll_session());
            (r, outcomes)
        })
        .collect();
    for (r, outcomes) in &answers {
        assert_eq!(*r, CrResult::AuthFailed(AuthError::Rejected));
        assert_eq!(outcomes, &[Outcome::Challenged, Outcome::AuthFailed(AuthError::Rejected)]);
    }
}

#[test]
fn digest_empty_password_is_refused_by_configuration() {
    let mut cpe = Cpe::new();
    cpe.cfg.password = "";
    let (r, _) = exchange(&mut cpe, Instant::from_secs(1), &creds("acs", ""));
    assert_eq!(r, CrResult::AuthFailed(AuthError::Rejected));
}

/// A CPE that challenged our client at `at` (the client holds the challenge).
fn challenged_at(at: Instant) -> (Cpe, CrClient) {
    let mut cpe = Cpe::new();
    let mut client = CrClient::new(ClientPolicy::default());
    let mut buf = [0u8; 1024];
    let n = client.write_request(&Url::parse(URL).unwrap(), &creds("acs", "s3cret"), &mut buf).unwrap();
    let (_, resp) = cpe.send(at, &buf[..n]);
    assert!(matches!(client.handle_response(&resp, &[3; 16]), ClientStep::Retry { .. }));
    (cpe, client)
}

/// The client's next request with `password`, as bytes.
fn answer(client: &mut CrClient, password: &'static str) -> Vec<u8> {
    let mut buf = [0u8; 1024];
    let n = client.write_request(&Url::parse(URL).unwrap(), &creds("acs", password), &mut buf).unwrap();
    buf[..n].to_vec()
}

/// A CPE that has challenged our client, and the client's answer (not yet
/// sent). Deterministic: two calls give identical CPEs and bytes.
fn challenged_request(password: &'static str) -> (Cpe, Vec<u8>) {
    let (cpe, mut client) = challenged_at(Instant::from_secs(100));
    (cpe, answer(&mut client, password))
}

/// The bytes of an accepted request, and the CPE that accepted it.
fn accepted_request() -> (Cpe, Vec<u8>) {
    let (mut cpe, req) = challenged_request("s3cret");
    let (h, _) = cpe.send(Instant::from_secs(100), &req);
    assert_eq!(h.outcome, Outcome::Accepted);
    (cpe, req)
}

#[test]
fn replay_of_a_digest_request_with_the_same_nc_is_rejected() {
    let (mut cpe, req) = accepted_request();
    cpe.trigger.on_response_sent();
    assert!(cpe.trigger.poll_session());
    let (h, resp) = cpe.send(Instant::from_secs(101), &req);
    assert_eq!(h.outcome, Outcome::AuthFailed(AuthError::Replay));
    assert_eq!(status(&resp), 401);
    cpe.trigger.on_response_sent();
    assert!(!cpe.trigger.poll_session(), "a replay triggers nothing");
}

#[test]
fn digest_nonce_past_its_lifetime_is_stale_and_client_recovers_once() {
    let (mut cpe, req) = accepted_request();
    // nc=2 would be fresh, but the nonce is 301 s old: stale.
    let text = String::from_utf8(req).unwrap().replace("nc=00000001", "nc=00000002");
    let (h, resp) = cpe.send(Instant::from_secs(100 + 301), text.as_bytes());
    // The response changed with nc, so the digest is wrong: rejected, not stale.
    assert_eq!(h.outcome, Outcome::AuthFailed(AuthError::Rejected));
    assert_eq!(status(&resp), 401);
    // A client that answers an old nonce correctly is told stale and retries.
    let (mut cpe, mut client) = challenged_at(Instant::from_secs(0));
    let (h, resp) = cpe.send(Instant::from_secs(400), &answer(&mut client, "s3cret"));
    assert_eq!(h.outcome, Outcome::Stale);
    assert!(String::from_utf8_lossy(&resp).contains("stale=true"));
    assert!(matches!(client.handle_response(&resp, &[5; 16]), ClientStep::Retry { .. }));
    let (h, _) = cpe.send(Instant::from_secs(400), &answer(&mut client, "s3cret"));
    assert_eq!(h.outcome, Outcome::Accepted);
}

#[test]
fn digest_nonce_table_full_fails_closed_on_eviction() {
    let (mut cpe, mut client) = challenged_at(Instant::from_secs(0)); // 4 nonce slots
    // Four other clients take every slot.
    for t in 1..=4 {
        cpe.send(Instant::from_secs(t), &get(None));
    }
    let (h, _) = cpe.send(Instant::from_secs(5), &answer(&mut client, "s3cret"));
    assert_eq!(h.outcome, Outcome::Stale, "an evicted nonce is never accepted");
}

#[test]
fn digest_nonces_come_from_caller_randomness() {
    let nonce = |rand: u8| {
        let mut l = Listener::<2>::new();
        let mut t = SessionTrigger::new();
        let cfg = ListenerConfig::new(PATH, "acs", "s3cret");
        let mut out = [0u8; 512];
        let h = l.handle(&cfg, &mut t, Instant::from_secs(1), &[rand; 16], &get(None), &mut out).unwrap();
        let text = String::from_utf8(out[..h.response_len].to_vec()).unwrap();
        text.split("nonce=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
    };
    assert_eq!(nonce(7), "07".repeat(16));
    assert_ne!(nonce(7), nonce(8));
}

#[test]
fn digest_duplicate_missing_valueless_or_overlong_params_are_rejected() {
    let mut cpe = Cpe::new();
    let dup = "Digest username=\"acs\", username=\"acs\", realm=\"cwmp\", nonce=\"00\", uri=\"/cr/9f2c4e71a0\", response=\"00\", qop=auth, nc=00000001, cnonce=\"x\"";
    let (h, _) = cpe.send(Instant::from_secs(1), &get(Some(dup)));
    assert!(matches!(h.outcome, Outcome::AuthFailed(AuthError::DuplicateParam { .. })), "{:?}", h.outcome);
    let valueless = "Digest username, realm=\"cwmp\"";
    let (h, _) = cpe.send(Instant::from_secs(1), &get(Some(valueless)));
    assert!(matches!(h.outcome, Outcome::AuthFailed(_)));
    let missing = "Digest username=\"acs\", realm=\"cwmp\", nonce=\"00\", uri=\"/cr/9f2c4e71a0\", qop=auth, nc=00000001, cnonce=\"x\"";
    let (h, _) = cpe.send(Instant::from_secs(1), &get(Some(missing)));
    assert_eq!(h.outcome, Outcome::AuthFailed(AuthError::MissingParam { name: "response" }));
    let long = format!("Digest username=\"{}\", realm=\"cwmp\"", "a".repeat(2000));
    let (h, resp) = cpe.send(Instant::from_secs(1), &get(Some(&long)));
    assert!(matches!(h.outcome, Outcome::AuthFailed(AuthError::TooLong { .. })), "{:?}", h.outcome);
    assert_eq!(status(&resp), 401);
    let escaped = "Digest username=\"a\\\"cs\", realm=\"cwmp\", nonce=\"00\", uri=\"/cr/9f2c4e71a0\", response=\"00\", qop=auth, nc=00000001, cnonce=\"x\"";
    let (h, _) = cpe.send(Instant::from_secs(1), &get(Some(escaped)));
    assert_eq!(
        h.outcome,
        Outcome::AuthFailed(AuthError::Rejected),
        "quoted-string escapes parse; the digest is then wrong"
    );
    // Two Authorization headers.
    let two =
        format!("GET {PATH} HTTP/1.1\r\nHost: h\r\nAuthorization: Digest a=b\r\nAuthorization: Digest a=b\r\n\r\n");
    let (h, _) = cpe.send(Instant::from_secs(1), two.as_bytes());
    assert!(matches!(h.outcome, Outcome::BadRequest(_)));
}

#[test]
fn cr_rate_limit_counts_authenticated_requests_only_and_503_has_no_retry_after() {
    let mut cpe = Cpe::new();
    cpe.cfg.rate = RateLimit { max: 2, window: Duration::from_secs(60) };
    for _ in 0..50 {
        let (r, _) = exchange(&mut cpe, Instant::from_secs(10), &creds("acs", "bad"));
        assert_eq!(r, CrResult::AuthFailed(AuthError::Rejected));
    }
    for _ in 0..2 {
        assert_eq!(exchange(&mut cpe, Instant::from_secs(10), &creds("acs", "s3cret")).0, CrResult::Accepted);
    }
    let (_, mut client) = challenged_at(Instant::from_secs(11));
    let (h, resp) = cpe.send(Instant::from_secs(11), &get(None));
    assert_eq!(h.outcome, Outcome::Challenged);
    client.handle_response(&resp, &[0; 16]);
    let (h, resp) = cpe.send(Instant::from_secs(11), &answer(&mut client, "s3cret"));
    assert_eq!(h.outcome, Outcome::RateLimited);
    assert!(resp.starts_with(b"HTTP/1.1 503 "));
    assert!(!String::from_utf8_lossy(&resp).to_ascii_lowercase().contains("retry-after"));
    assert_eq!(client.handle_response(&resp, &[0; 16]), ClientStep::Done(CrResult::Busy));
    // A new window admits again.
    assert_eq!(exchange(&mut cpe, Instant::from_secs(71), &creds("acs", "s3cret")).0, CrResult::Accepted);
}

#[test]
fn cr_requests_during_a_session_give_exactly_one_follow_up_session() {
    let mut cpe = Cpe::new();
    cpe.cfg.rate = RateLimit { max: 100, window: Duration::from_secs(60) };
    cpe.trigger.on_session_start();
    for i in 0..5 {
        let (r, outcomes) = exchange(&mut cpe, Instant::from_secs(i), &creds("acs", "s3cret"));
        assert_eq!(r, CrResult::Accepted);
        assert_eq!(outcomes.last(), Some(&Outcome::FollowUp));
    }
    assert!(!cpe.trigger.poll_session(), "nothing while the session runs");
    cpe.trigger.on_session_end();
    assert!(cpe.trigger.poll_session());
    assert!(!cpe.trigger.poll_session(), "exactly one follow-up");
    cpe.trigger.on_session_start();
    cpe.trigger.on_session_end();
    assert!(!cpe.trigger.poll_session(), "and not again after the follow-up");
}

#[test]
fn cr_client_reports_unexpected_status_and_unreachable() {
    let mut client = CrClient::new(ClientPolicy::default());
    assert_eq!(
        client.handle_response(b"HTTP/1.1 404 Not Found\r\n\r\n", &[0; 16]),
        ClientStep::Done(CrResult::Unexpected(404))
    );
    assert_eq!(client.handle_response(b"HTTP/1.1 2", &[0; 16]), ClientStep::Partial);
    assert_eq!(client.on_unreachable(), CrResult::Unreachable);
    // A second 401 after credentials were sent is an auth failure, not a loop.
    let mut cpe = Cpe::new();
    let (r, outcomes) = exchange(&mut cpe, Instant::from_secs(1), &creds("acs", "nope"));
    assert_eq!(r, CrResult::AuthFailed(AuthError::Rejected));
    assert_eq!(outcomes.len(), 2);
}

#[test]
fn cr_listener_and_client_make_no_heap_allocations() {
    let mut cpe = Cpe::new();
    let url = Url::parse(URL).unwrap();
    let c = creds("acs", "s3cret");
    assert_no_alloc(|| {
        let mut client = CrClient::new(ClientPolicy::default());
        let mut req = [0u8; 1024];
        let mut out = [0u8; 512];
        for round in 0..2u8 {
            let n = client.write_request(&url, &c, &mut req).unwrap();
            let h = cpe
                .listener
                .handle(&cpe.cfg, &mut cpe.trigger, Instant::from_secs(1), &[round; 16], &req[..n], &mut out)
                .unwrap();
            let _ = client.handle_response(&out[..h.response_len], &[round; 16]);
        }
    });
}

#[cfg(feature = "sha256")]
#[test]
fn cr_sha256_digest_round_trip() {
    use cwmp_session::auth::Algorithm;
    for alg in [Algorithm::Sha256, Algorithm::Sha256Sess, Algorithm::Md5Sess] {
        let mut cpe = Cpe::new();
        cpe.cfg.digest.algorithm = alg;
        assert_eq!(exchange(&mut cpe, Instant::from_secs(1), &creds("acs", "s3cret")).0, CrResult::Accepted, "{alg:?}");
    }
}

#[test]
fn cr_md5_sess_round_trip() {
    let mut cpe = Cpe::new();
    cpe.cfg.digest.algorithm = cwmp_session::auth::Algorithm::Md5Sess;
    assert_eq!(exchange(&mut cpe, Instant::from_secs(1), &creds("acs", "s3cret")).0, CrResult::Accepted);
}

proptest! {
    /// Misfortune Cookie (CVE-2014-9222): headers other than the four read
    /// never change the decision, whatever their names and values.
    #[test]
    fn cr_extra_headers_never_change_the_decision(
        extra in proptest::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,20}", "[ -~]{0,60}"), 0..12),
        cookie_index in any::<u64>(),
    ) {
        let read = ["host", "authorization", "content-length", "transfer-encoding"];
        let mut noise = format!("Cookie: C{cookie_index}=/omg1337hax\r\n");
        for (n, v) in &extra {
            if read.contains(&n.to_ascii_lowercase().as_str()) { continue; }
            noise += &format!("{n}: {}\r\n", v.trim());
        }
        let add = |req: &[u8]| String::from_utf8(req.to_vec()).unwrap().replace("\r\n\r\n", &format!("\r\n{noise}\r\n"));
        for password in ["s3cret", "wrong"] {
            let (mut plain_cpe, req) = challenged_request(password);
            let (mut noisy_cpe, _) = challenged_request(password);
            let (h1, r1) = plain_cpe.send(Instant::from_secs(100), &req);
            let (h2, r2) = noisy_cpe.send(Instant::from_secs(100), add(&req).as_bytes());
            prop_assert_eq!(h1.outcome, h2.outcome);
            prop_assert_eq!(r1, r2);
        }
        // And a first request: challenged either way.
        let plain = get(None);
        let (h3, _) = Cpe::new().send(Instant::from_secs(1), &plain);
        let (h4, _) = Cpe::new().send(Instant::from_secs(1), add(&plain).as_bytes());
        prop_assert_eq!(h3.outcome, h4.outcome);
    }
}

/// Pins the size of every connection-request state (curl's practice): a
/// change that grows one shows up here. Upper bounds, 64-bit host.
#[test]
fn cr_state_sizes_are_pinned() {
    use cwmp_session::cr::stun::StunClient;
    use cwmp_session::cr::udp::UdpReceiver;
    use std::mem::size_of;
    let sizes = [
        ("SessionTrigger", size_of::<SessionTrigger>(), 32),
        ("Listener<8>", size_of::<Listener<8>>(), 8 * 64),
        ("CrClient", size_of::<CrClient>(), 512),
        ("UdpReceiver<8>", size_of::<UdpReceiver<8>>(), 8 * 48 + 16),
        ("StunClient", size_of::<StunClient>(), 64),
    ];
    for (name, size, bound) in sizes {
        assert!(size <= bound, "{name}: {size} bytes > {bound}");
    }
}
