//! The CPE session's HTTP behaviour against a scripted ACS: Digest and
//! Basic challenges, cookies, redirects, chunked replies, HoldRequests.

mod common;

use common::*;
use cwmp_core::Instant;
use cwmp_session::auth::hash::{Algorithm, DigestParts, QopParts};
use cwmp_session::auth::params::{self, Value};
use cwmp_session::auth::{ClientPolicy, Credentials};
use cwmp_session::cpe::session::{Config, Outcome, Session, State};
use cwmp_soap::{Body, Envelope, Header, Rpc, Text};

const CREDS: Credentials<'static> = Credentials { username: "cpe", password: "s3cret" };

fn t(s: u64) -> Instant {
    Instant::from_secs(s)
}

/// The parameters of a Digest `Authorization` header, unescaped.
fn digest_params(h: &str) -> Vec<(String, String)> {
    let item = params::items(h.as_bytes()).next().unwrap().unwrap();
    assert!(item.is("Digest"), "{h}");
    item.params()
        .map(|(k, v)| {
            let mut buf = [0u8; 256];
            let v = v.unescape_into(&mut buf).unwrap();
            (String::from_utf8_lossy(k).into_owned(), String::from_utf8_lossy(v).into_owned())
        })
        .collect()
}

fn run_digest(algorithm: Algorithm, qop: bool) {
    started!(st, cpe, s);
    cpe.credentials = Some(CREDS);
    let first = connect(&mut s, t(0), &mut cpe);
    assert!(first.header("Authorization").is_none(), "no credentials before a challenge");
    let qop_param = if qop { ", qop=\"auth\"" } else { "" };
    let challenge = format!(
        "WWW-Authenticate: Digest realm=\"acs@example.net\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", algorithm={}{qop_param}\r\n",
        algorithm.name()
    );
    let again = reply(&mut s, t(1), &mut cpe, &http("HTTP/1.1 401 Unauthorized", &challenge));
    assert!(events(&mut s).iter().all(|e| !e.starts_with("Open")), "answered on the same connection");
    let auth = again.header("Authorization").expect("the Inform again, with credentials");
    let p = digest_params(auth);
    let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("username").as_deref(), Some("cpe"));
    assert_eq!(get("uri").as_deref(), Some("/acs"));
    assert_eq!(get("qop").is_some(), qop, "qop only when the challenge has it: {auth}");
    assert_eq!(get("nc").is_some(), qop);
    assert_eq!(get("cnonce").is_some(), qop);
    let (nc, cnonce) = (get("nc").unwrap_or_default(), get("cnonce").unwrap_or_default());
    let expected = DigestParts {
        algorithm,
        username: Value::Token(b"cpe"),
        realm: Value::Token(b"acs@example.net"),
        password: b"s3cret",
        method: b"POST",
        uri: Value::Token(b"/acs"),
        nonce: Value::Token(b"dcd98b7102dd2f0e8b11d0f600bfb0c093"),
        qop: qop.then_some(QopParts {
            nc: Value::Token(nc.as_bytes()),
            cnonce: Value::Token(cnonce.as_bytes()),
            qop: Value::Token(b"auth"),
        }),
    }
    .response();
    assert_eq!(get("response").unwrap().as_bytes(), expected.as_bytes(), "{auth}");
    assert!(matches!(again.envelope().body, Body::Rpc(Rpc::Inform(_))));
    let post = reply(&mut s, t(2), &mut cpe, &inform_response(&again));
    assert!(post.is_empty_post());
    assert!(finish(&mut s, t(3), &mut cpe).iter().any(|e| e.contains("Success")));
}

#[test]
fn digest_md5_with_and_without_qop_answers_on_the_same_connection() {
    run_digest(Algorithm::Md5, true);
    run_digest(Algorithm::Md5, false);
}

#[test]
fn digest_md5_sess_with_and_without_qop() {
    run_digest(Algorithm::Md5Sess, true);
    run_digest(Algorithm::Md5Sess, false);
}

#[cfg(feature = "sha256")]
#[test]
fn digest_sha256_with_and_without_qop() {
    run_digest(Algorithm::Sha256, true);
    run_digest(Algorithm::Sha256, false);
    run_digest(Algorithm::Sha256Sess, true);
}

#[test]
fn digest_second_401_for_the_same_nonce_fails_the_session_without_a_loop() {
    started!(st, cpe, s);
    cpe.credentials = Some(CREDS);
    connect(&mut s, t(0), &mut cpe);
    let c = "WWW-Authenticate: Digest realm=\"r\", nonce=\"n1\", qop=\"auth\"\r\n";
    reply(&mut s, t(1), &mut cpe, &http("HTTP/1.1 401 Unauthorized", c));
    s.handle_input(t(2), &http("HTTP/1.1 401 Unauthorized", c));
    assert!(transmit(&mut s, t(2), &mut cpe, 2048).is_empty());
    let ev = events(&mut s);
    assert!(ev.iter().any(|e| e.contains("AuthFailed")), "{ev:?}");
    assert!(ev.iter().any(|e| e == "CloseConnection"), "{ev:?}");
    assert_eq!(s.phase(), State::Closing);
    s.handle_closed(t(2));
    assert_eq!(s.phase(), State::WaitRetry);
    assert_eq!(s.state().retry.retry_count(), 1);
}

#[test]
fn digest_basic_is_sent_over_http_only_when_allowed() {
    for allowed in [false, true] {
        let mut st = storage();
        let mut model = st.model();
        load(&mut model, DEVICE_CSV);
        let mut cpe = Cpe::new(model);
        cpe.credentials = Some(CREDS);
        let config = Config { auth: ClientPolicy { allow_basic_without_tls: allowed }, ..Config::DEFAULT };
        let (mut s, _) = Session::<_>::new(None, ACS_URL, config, t(0));
        connect(&mut s, t(0), &mut cpe);
        let challenge = http("HTTP/1.1 401 Unauthorized", "WWW-Authenticate: Basic realm=\"acs\"\r\n");
        s.handle_input(t(1), &challenge);
        let wire = transmit(&mut s, t(1), &mut cpe, 2048);
        if allowed {
            let again = parse_request(&wire);
            // base64("cpe:s3cret")
            assert_eq!(again.header("Authorization"), Some("Basic Y3BlOnMzY3JldA=="));
        } else {
            assert!(wire.is_empty());
            assert!(events(&mut s).iter().any(|e| e.contains("AuthFailed")));
        }
    }
}

#[test]
fn cookie_set_on_the_inform_response_is_sent_back_for_the_rest_of_the_session_only() {
    started!(st, cpe, s);
    let inform = connect(&mut s, t(0), &mut cpe);
    let mut ir = inform_response(&inform);
    let body_at = ir.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 2;
    let cookies = b"Set-Cookie: session=abc123; Path=/; Max-Age=300\r\nSet-Cookie: node=n7; HttpOnly\r\n";
    ir.splice(body_at..body_at, cookies.iter().copied());
    let post = reply(&mut s, t(1), &mut cpe, &ir);
    assert_eq!(post.header("Cookie"), Some("session=abc123; node=n7"));
    finish(&mut s, t(2), &mut cpe);
    // The next session starts without them.
    s.connection_request(t(10));
    let next = connect(&mut s, t(10), &mut cpe);
    assert!(next.header("Cookie").is_none());
}

#[test]
fn redirect_is_followed_on_a_new_connection_for_this_session_only() {
    started!(st, cpe, s);
    connect(&mut s, t(0), &mut cpe);
    s.handle_input(t(1), &http("HTTP/1.1 307 Temporary Redirect", "Location: http://acs2.example.net/other\r\n"));
    assert!(transmit(&mut s, t(1), &mut cpe, 2048).is_empty());
    let ev = events(&mut s);
    assert_eq!(ev, ["CloseConnection", "Open http://acs2.example.net/other"]);
    s.handle_connected(t(1));
    let inform = parse_request(&transmit(&mut s, t(1), &mut cpe, 2048));
    assert_eq!(inform.header("Host"), Some("acs2.example.net"));
    assert_eq!(inform.target, "/other");
    assert_eq!(inform_events(&inform)[0].0, "0 BOOTSTRAP");
    let post = reply(&mut s, t(2), &mut cpe, &inform_response(&inform));
    assert!(post.is_empty_post());
    finish(&mut s, t(3), &mut cpe);
    assert_eq!(s.state().acs_url.as_str(), ACS_URL, "the redirect target is never persisted");
    s.connection_request(t(10));
    assert!(events(&mut s).contains(&format!("Open {ACS_URL}")));
}

#[test]
fn redirect_loop_is_bounded() {
    started!(st, cpe, s);
    connect(&mut s, t(0), &mut cpe);
    for opened in 0..20 {
        s.handle_input(t(1), &http("HTTP/1.1 302 Found", "Location: http://acs.example.net:7547/acs\r\n"));
        transmit(&mut s, t(1), &mut cpe, 2048);
        let ev = events(&mut s);
        if ev.iter().any(|e| e.contains("Status(302)")) {
            assert!(opened <= 5, "at most the policy's 5 redirects");
            return;
        }
        s.handle_connected(t(1));
        transmit(&mut s, t(1), &mut cpe, 2048);
    }
    panic!("redirects never stopped");
}

#[test]
fn chunked_replies_split_anywhere_are_read() {
    started!(st, cpe, s);
    let inform = connect(&mut s, t(0), &mut cpe);
    let plain = inform_response(&inform);
    let body_at = plain.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let body = &plain[body_at..];
    let mut wire = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for part in body.chunks(37) {
        wire.extend_from_slice(format!("{:x};ext=1\r\n", part.len()).as_bytes());
        wire.extend_from_slice(part);
        wire.extend_from_slice(b"\r\n");
    }
    wire.extend_from_slice(b"0\r\n\r\n");
    for piece in wire.chunks(5) {
        assert_eq!(s.handle_input(t(1), piece), piece.len());
    }
    let post = parse_request(&transmit(&mut s, t(1), &mut cpe, 2048));
    assert!(post.is_empty_post(), "the chunked InformResponse was read");
}

#[test]
fn hold_requests_on_the_inform_response_defers_the_transfer_complete() {
    let mut st = storage();
    let mut model = st.model();
    load(&mut model, DEVICE_CSV);
    let mut cpe = Cpe::new(model);
    let (s, _) = Session::<cwmp_model::memory::MemoryNode>::new(None, ACS_URL, Config::DEFAULT, t(0));
    // A finished upload owes a TransferComplete.
    let args = cwmp_session::cpe::transfer::TransferArgs {
        command_key: "up1",
        file_type: "1 Vendor Configuration File",
        url: "http://files.example.net/up",
        username: "",
        password: "",
        file_size: 0,
        target_file_name: "",
    };
    let mut state = s.state().clone();
    let id = state.transfers.upload(t(0), &args, 0).unwrap();
    state.transfers.poll_start(t(0));
    let mut img = [0u8; 4096];
    let n = state.encode(t(0), &mut img).unwrap();
    let (mut s, _) = Session::<_>::new(Some(&img[..n]), ACS_URL, Config::DEFAULT, t(0));
    let _ = &mut cpe;
    assert!(s.transfer_complete(
        t(0),
        id,
        cwmp_core::FaultCode::NO_FAULT,
        "",
        cwmp_core::DateTime::UNKNOWN,
        cwmp_core::DateTime::UNKNOWN
    ));
    let inform = connect(&mut s, t(0), &mut cpe);
    let ir = Envelope {
        version: cwmp_core::CwmpVersion::V1_2,
        header: Header { id: inform.envelope().header.id, hold_requests: Some(true), ..Header::default() },
        body: Body::Rpc(Rpc::InformResponse(cwmp_soap::rpc::InformResponse { max_envelopes: 1 })),
    };
    let post = reply(&mut s, t(1), &mut cpe, &soap_response(&ir));
    assert!(post.is_empty_post(), "held: no TransferComplete");
    assert_eq!(s.state().transfers.pending_complete().count(), 1);
    let ev = finish(&mut s, t(2), &mut cpe);
    assert!(ev.iter().any(|e| e.contains("Success")));
    // The held request goes in a follow-up session.
    let ev = events(&mut s);
    assert!(ev.iter().any(|e| e.starts_with("Open")), "{ev:?}");
    s.handle_connected(t(3));
    let inform = parse_request(&transmit(&mut s, t(3), &mut cpe, 2048));
    let tc = reply(&mut s, t(4), &mut cpe, &inform_response(&inform));
    let env = tc.envelope();
    let Body::Rpc(Rpc::TransferComplete(c)) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(c.command_key, Text::plain("up1"));
    let _ = Outcome::Success;
}
