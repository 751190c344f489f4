//! The SoftAtHome cwmpd row of SECURITY.md: a flood of requests with bad
//! authentication must not lock the real ACS out, because the rate limit
//! counts authenticated requests only and a failed request is a stateless
//! 401.

use cwmp_core::Instant;
use cwmp_session::auth::{ClientPolicy, Credentials};
use cwmp_session::cr::SessionTrigger;
use cwmp_session::cr::http::{ClientStep, CrClient, CrResult, Listener, ListenerConfig, Outcome};
use cwmp_session::http::url::Url;

const PATH: &str = "/cr/5e1d";
const URL: &str = "http://192.0.2.1:7547/cr/5e1d";

struct Cpe {
    listener: Listener<8>,
    trigger: SessionTrigger,
    cfg: ListenerConfig<'static>,
    n: u64,
}

impl Cpe {
    fn send(&mut self, now: Instant, req: &[u8]) -> (Outcome, Vec<u8>) {
        self.n += 1;
        let mut rand = [0u8; 16];
        rand[..8].copy_from_slice(&self.n.to_le_bytes());
        let mut out = [0u8; 512];
        let h = self.listener.handle(&self.cfg, &mut self.trigger, now, &rand, req, &mut out).unwrap();
        if h.outcome == Outcome::Accepted {
            self.trigger.on_response_sent();
        }
        (h.outcome, out[..h.response_len].to_vec())
    }
}

/// One bad request of kind `i % 4`: no credentials, wrong password,
/// unknown user, garbage header.
fn bad_request(cpe: &mut Cpe, i: u64, now: Instant) -> Outcome {
    let url = Url::parse(URL).unwrap();
    match i % 4 {
        0 => cpe.send(now, format!("GET {PATH} HTTP/1.1\r\nHost: h\r\n\r\n").as_bytes()).0,
        1 | 2 => {
            let c = if i % 4 == 1 {
                Credentials { username: "acs", password: "guess" }
            } else {
                Credentials { username: "root", password: "admin" }
            };
            let mut client = CrClient::new(ClientPolicy::default());
            let mut buf = [0u8; 1024];
            let n = client.write_request(&url, &c, &mut buf).unwrap();
            let (_, resp) = cpe.send(now, &buf[..n]);
            assert!(matches!(client.handle_response(&resp, &[1; 16]), ClientStep::Retry { .. }));
            let n = client.write_request(&url, &c, &mut buf).unwrap();
            cpe.send(now, &buf[..n]).0
        }
        _ => {
            let req = format!(
                "GET {PATH} HTTP/1.1\r\nHost: h\r\nAuthorization: Digest {}\r\n\r\n",
                "x".repeat(i as usize % 300)
            );
            cpe.send(now, req.as_bytes()).0
        }
    }
}

fn good_exchange(cpe: &mut Cpe, now: Instant, flood_between: impl Fn(&mut Cpe)) -> CrResult {
    let url = Url::parse(URL).unwrap();
    let c = Credentials { username: "acs", password: "real-secret" };
    let mut client = CrClient::new(ClientPolicy::default());
    let mut buf = [0u8; 1024];
    for round in 0..4u8 {
        let n = client.write_request(&url, &c, &mut buf).unwrap();
        let (_, resp) = cpe.send(now, &buf[..n]);
        match client.handle_response(&resp, &[round; 16]) {
            ClientStep::Retry { .. } => flood_between(cpe),
            ClientStep::Done(r) => return r,
            ClientStep::Partial => panic!("partial"),
        }
    }
    panic!("no result")
}

fn cpe() -> Cpe {
    Cpe {
        listener: Listener::new(),
        trigger: SessionTrigger::new(),
        cfg: ListenerConfig::new(PATH, "acs", "real-secret"),
        n: 0,
    }
}

#[test]
fn flood_of_10000_bad_auth_requests_then_the_real_acs_is_accepted() {
    let mut cpe = cpe();
    let now = Instant::from_secs(1000);
    for i in 0..10_000 {
        let o = bad_request(&mut cpe, i, now);
        assert!(matches!(o, Outcome::Challenged | Outcome::AuthFailed(_)), "{i}: {o:?}");
    }
    assert!(!cpe.trigger.poll_session(), "no bad request triggered a session");
    assert_eq!(good_exchange(&mut cpe, now, |_| {}), CrResult::Accepted);
    assert!(cpe.trigger.poll_session());
}

#[test]
fn flood_between_challenge_and_answer_costs_the_real_acs_one_stale_retry_at_most() {
    let mut cpe = cpe();
    let now = Instant::from_secs(1000);
    // The flood evicts the ACS's nonce from the table: the verifier fails
    // closed (stale), the client retries once on a fresh nonce, and the
    // flood does not run again before that answer.
    let flooded = std::cell::Cell::new(false);
    let r = good_exchange(&mut cpe, now, |c| {
        if !flooded.replace(true) {
            for i in 0..10_000 {
                bad_request(c, i, now);
            }
        }
    });
    assert_eq!(r, CrResult::Accepted);
}
