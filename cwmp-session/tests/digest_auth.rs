//! HTTP authentication: the published RFC 7616 / RFC 2617 vectors, the
//! client against our own verifier for random inputs, the SECURITY.md
//! negative vectors, and the header grammar.

use cwmp_session::auth::hash::{Algorithm, DigestParts, QopParts};
use cwmp_session::auth::params::{self, Value};
use cwmp_session::auth::{
    AuthError, ClientAuth, ClientPolicy, Credentials, DigestVerifier, Verdict, VerifierConfig, verify_basic,
};
use cwmp_session::http::head::Method;
use cwmp_session::http::write::HeadWriter;
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

/// The value of the single header line written into `w`.
fn value_of(w: &HeadWriter<'_>) -> Vec<u8> {
    let line = w.written();
    let colon = line.iter().position(|&b| b == b':').unwrap();
    line[colon + 2..line.len() - 2].to_vec()
}

fn param<'a>(header: &'a [u8], name: &str) -> Option<Value<'a>> {
    let item = params::items(header).next().unwrap().unwrap();
    item.params().find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes())).map(|(_, v)| v)
}

fn text(v: Value<'_>) -> String {
    String::from_utf8(v.bytes().collect()).unwrap()
}

const RFC7616_NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const RFC7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

fn rfc7616(algorithm: Algorithm) -> String {
    rfc7616_with_cnonce(algorithm, RFC7616_CNONCE.as_bytes())
}

/// The RFC 7616 §3.9.1 request's response with another cnonce.
fn rfc7616_with_cnonce(algorithm: Algorithm, cnonce: &[u8]) -> String {
    let parts = DigestParts {
        algorithm,
        username: Value::Token(b"Mufasa"),
        realm: Value::Quoted(b"http-auth@example.org"),
        password: b"Circle of Life",
        method: b"GET",
        uri: Value::Quoted(b"/dir/index.html"),
        nonce: Value::Quoted(RFC7616_NONCE.as_bytes()),
        qop: Some(QopParts {
            nc: Value::Token(b"00000001"),
            cnonce: Value::Quoted(cnonce),
            qop: Value::Token(b"auth"),
        }),
    };
    String::from_utf8(parts.response().as_bytes().to_vec()).unwrap()
}

/// RFC 7616 §3.9.1, MD5 response.
#[test]
fn digest_rfc7616_md5_example_response() {
    assert_eq!(rfc7616(Algorithm::Md5), "8ca523f5e9506fed4657c9700eebdbec");
}

/// RFC 7616 §3.9.1, SHA-256 response.
#[cfg(feature = "sha256")]
#[test]
fn digest_rfc7616_sha256_example_response() {
    assert_eq!(rfc7616(Algorithm::Sha256), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

/// RFC 2617 §3.5 (qop=auth), and the same request without qop in the RFC
/// 2069 form (expected value computed independently with Python's hashlib).
#[test]
fn digest_rfc2617_example_with_and_without_qop() {
    let mut parts = DigestParts {
        algorithm: Algorithm::Md5,
        username: Value::Token(b"Mufasa"),
        realm: Value::Token(b"testrealm@host.com"),
        password: b"Circle Of Life",
        method: b"GET",
        uri: Value::Token(b"/dir/index.html"),
        nonce: Value::Token(b"dcd98b7102dd2f0e8b11d0f600bfb0c093"),
        qop: Some(QopParts {
            nc: Value::Token(b"00000001"),
            cnonce: Value::Token(b"0a4f113b"),
            qop: Value::Token(b"auth"),
        }),
    };
    assert_eq!(parts.response().as_bytes(), b"6629fae49393a05397450978507c4ef1");
    parts.qop = None;
    assert_eq!(parts.response().as_bytes(), b"670fd8c2df070c60b045671b8b24ff02");
}

fn client_answer(client: &mut ClientAuth, method: Method, target: &str, creds: &Credentials<'_>) -> Vec<u8> {
    let mut buf = [0u8; 4096];
    let mut w = HeadWriter::new(&mut buf);
    client.write_authorization(&mut w, method, target, creds).unwrap();
    value_of(&w)
}

const MUFASA: Credentials<'static> = Credentials { username: "Mufasa", password: "Circle of Life" };

#[test]
fn digest_client_answers_the_rfc7616_challenge_with_qop_auth_and_opaque() {
    let challenge = format!(
        "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, nonce=\"{RFC7616_NONCE}\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
    );
    let mut client = ClientAuth::new(ClientPolicy::default());
    assert_eq!(
        client.on_challenge([challenge.as_bytes()], false, &[0xab; 16]),
        Ok(cwmp_session::auth::client::Chosen::Digest(Algorithm::Md5))
    );
    let auth = client_answer(&mut client, Method::Get, "/dir/index.html", &MUFASA);
    let get = |n| text(param(&auth, n).unwrap_or_else(|| panic!("{n} missing")));
    assert_eq!(get("username"), "Mufasa");
    assert_eq!(get("qop"), "auth", "auth picked from auth,auth-int");
    assert_eq!(get("nc"), "00000001");
    assert_eq!(get("cnonce"), "ab".repeat(16), "cnonce from the caller's randomness");
    assert_eq!(get("opaque"), "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
    assert_eq!(get("algorithm"), "MD5");
    let expected = rfc7616_with_cnonce(Algorithm::Md5, get("cnonce").as_bytes());
    assert_eq!(get("response"), expected);
    // nc counts per nonce.
    let again = client_answer(&mut client, Method::Post, "/dir/index.html", &MUFASA);
    assert_eq!(text(param(&again, "nc").unwrap()), "00000002");
}

#[test]
fn digest_client_without_qop_sends_no_qop_nc_or_cnonce() {
    let mut client = ClientAuth::new(ClientPolicy::default());
    client
        .on_challenge(
            [&b"Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\""[..]],
            false,
            &[1; 16],
        )
        .unwrap();
    let auth = client_answer(
        &mut client,
        Method::Get,
        "/dir/index.html",
        &Credentials { username: "Mufasa", password: "Circle Of Life" },
    );
    for absent in ["qop", "nc", "cnonce", "opaque"] {
        assert!(param(&auth, absent).is_none(), "{absent} sent");
    }
    assert_eq!(text(param(&auth, "response").unwrap()), "670fd8c2df070c60b045671b8b24ff02");
}

#[test]
fn digest_second_401_is_a_hard_failure_except_one_stale_retry() {
    let c1 = &b"Digest realm=\"r\", nonce=\"n1\", qop=\"auth\""[..];
    let mut client = ClientAuth::new(ClientPolicy::default());
    client.on_challenge([c1], false, &[0; 16]).unwrap();
    client_answer(&mut client, Method::Post, "/", &MUFASA);
    // Same nonce again: the credentials were refused; no loop.
    assert_eq!(client.on_challenge([c1], false, &[0; 16]), Err(AuthError::Rejected));
    // A fresh nonce without stale: also refused.
    let mut client = ClientAuth::new(ClientPolicy::default());
    client.on_challenge([c1], false, &[0; 16]).unwrap();
    client_answer(&mut client, Method::Post, "/", &MUFASA);
    assert_eq!(
        client.on_challenge([&b"Digest realm=\"r\", nonce=\"n2\", qop=\"auth\""[..]], false, &[0; 16]),
        Err(AuthError::Rejected)
    );
    // stale=true with a new nonce: one retry, nc restarts.
    let mut client = ClientAuth::new(ClientPolicy::default());
    client.on_challenge([c1], false, &[0; 16]).unwrap();
    client_answer(&mut client, Method::Post, "/", &MUFASA);
    client.on_challenge([&b"Digest realm=\"r\", nonce=\"n2\", qop=\"auth\", stale=true"[..]], false, &[0; 16]).unwrap();
    let auth = client_answer(&mut client, Method::Post, "/", &MUFASA);
    assert_eq!(text(param(&auth, "nc").unwrap()), "00000001");
    assert_eq!(text(param(&auth, "nonce").unwrap()), "n2");
    assert_eq!(
        client.on_challenge([&b"Digest realm=\"r\", nonce=\"n3\", qop=\"auth\", stale=TRUE"[..]], false, &[0; 16]),
        Err(AuthError::Rejected),
        "a second stale is refused"
    );
    // After a success the server may challenge again.
    client.on_success();
    assert!(client.on_challenge([&b"Digest realm=\"r\", nonce=\"n4\""[..]], false, &[0; 16]).is_ok());
}

#[test]
fn digest_client_refuses_userhash_auth_int_only_unknown_algorithms_and_plain_http_basic() {
    let refuse = |c: &[u8], tls| ClientAuth::new(ClientPolicy::default()).on_challenge([c], tls, &[0; 16]);
    assert_eq!(refuse(b"Digest realm=\"r\", nonce=\"n\", userhash=true", false), Err(AuthError::UserhashUnsupported));
    assert_eq!(refuse(b"Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"", false), Err(AuthError::UnsupportedQop));
    assert_eq!(
        refuse(b"Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", false),
        Err(AuthError::UnsupportedAlgorithm)
    );
    assert_eq!(refuse(b"Basic realm=\"r\"", false), Err(AuthError::BasicWithoutTls));
    assert_eq!(refuse(b"Digest realm=\"r\"", false), Err(AuthError::MissingParam { name: "nonce" }));
    assert_eq!(
        refuse(b"Digest realm=\"r\", realm=\"s\", nonce=\"n\"", false),
        Err(AuthError::DuplicateParam { name: "realm" })
    );
    assert_eq!(refuse(b"Negotiate abc==", false), Err(AuthError::NoUsableChallenge));
    assert!(refuse(b"Basic realm=\"r\"", true).is_ok());
    let mut allowed = ClientAuth::new(ClientPolicy { allow_basic_without_tls: true });
    assert!(allowed.on_challenge([&b"Basic realm=\"r\""[..]], false, &[0; 16]).is_ok());
    let mut c = ClientAuth::new(ClientPolicy::default());
    assert_eq!(c.preemptive_basic(false), Err(AuthError::BasicWithoutTls));
}

#[test]
fn digest_client_skips_a_malformed_header_but_reports_it_when_nothing_else_is_usable() {
    let mut c = ClientAuth::new(ClientPolicy::default());
    assert!(c.on_challenge([&b"Digest realm=\"open"[..], b"Digest realm=\"r\", nonce=\"n\""], false, &[0; 16]).is_ok());
    let mut c = ClientAuth::new(ClientPolicy::default());
    assert!(matches!(c.on_challenge([&b"Digest realm=\"open"[..]], false, &[0; 16]), Err(AuthError::Malformed { .. })));
}

#[test]
fn digest_client_prefers_digest_over_basic_across_headers() {
    let mut c = ClientAuth::new(ClientPolicy::default());
    let chosen = c
        .on_challenge([&b"Basic realm=\"r\""[..], b"Negotiate, Digest realm=\"r\", nonce=\"n\""], true, &[0; 16])
        .unwrap();
    assert_eq!(chosen, cwmp_session::auth::client::Chosen::Digest(Algorithm::Md5));
}

#[test]
fn digest_basic_client_and_verifier_agree() {
    let mut c = ClientAuth::new(ClientPolicy::default());
    c.preemptive_basic(true).unwrap();
    let creds = Credentials { username: "Aladdin", password: "open sesame" };
    let auth = client_answer(&mut c, Method::Post, "/", &creds);
    assert_eq!(auth, b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "RFC 7617 §2 example");
    let lookup = |u: &str| (u == "Aladdin").then_some("open sesame");
    assert_eq!(verify_basic(&auth, false, lookup), Ok(Verdict::Authorized));
    assert_eq!(
        verify_basic(b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZg==", false, lookup),
        Err(AuthError::Rejected),
        "open sesamf"
    );
    // Non-canonical base64 of the right password (leftover bits set) is refused.
    assert!(matches!(
        verify_basic(b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZR==", false, lookup),
        Err(AuthError::Malformed { .. })
    ));
    assert_eq!(
        verify_basic(b"Basic Ym9iOm9wZW4gc2VzYW1l", false, lookup),
        Err(AuthError::Rejected),
        "unknown user bob"
    );
    assert_eq!(verify_basic(b"Basic QWxhZGRpbjo=", false, |_| Some("")), Err(AuthError::Rejected), "empty password");
    assert_eq!(verify_basic(b"Basic QWxhZGRpbjo=", true, |_| Some("")), Ok(Verdict::Authorized));
    assert!(matches!(verify_basic(b"Basic !!!", false, lookup), Err(AuthError::Malformed { .. })));
    assert!(matches!(verify_basic(b"Digest a=1", false, lookup), Err(AuthError::WrongScheme)));
}

// ---- client against our verifier ----

struct Exchange {
    server: DigestVerifier<4>,
    challenge: Vec<u8>,
}

fn issue(cfg: &VerifierConfig<'_>, now: u64, random: [u8; 16]) -> Exchange {
    let mut server = DigestVerifier::<4>::new();
    let challenge = challenge_from(&mut server, cfg, now, random, false);
    Exchange { server, challenge }
}

fn challenge_from(
    server: &mut DigestVerifier<4>,
    cfg: &VerifierConfig<'_>,
    now: u64,
    random: [u8; 16],
    stale: bool,
) -> Vec<u8> {
    let mut buf = [0u8; 256];
    let mut w = HeadWriter::new(&mut buf);
    server.challenge(cfg, now, &random, stale, &mut w).unwrap();
    value_of(&w)
}

const CFG: VerifierConfig<'static> = VerifierConfig::new("cwmp-cpe");

fn lookup(u: &str) -> Option<&'static str> {
    (u == "acs").then_some("s3cret")
}

fn authorized_answer(ex: &Exchange, target: &str) -> (ClientAuth, Vec<u8>) {
    let mut client = ClientAuth::new(ClientPolicy::default());
    client.on_challenge([ex.challenge.as_slice()], false, &[5; 16]).unwrap();
    let auth = client_answer(&mut client, Method::Get, target, &Credentials { username: "acs", password: "s3cret" });
    (client, auth)
}

fn algorithms() -> Vec<Algorithm> {
    Algorithm::ALL.to_vec()
}

proptest! {
    #[test]
    fn digest_client_against_our_verifier_authorizes_random_exchanges(
        user in "[ -~]{1,24}",
        password in "[ -~]{1,24}",
        random in any::<[u8; 16]>(),
        cnonce in any::<[u8; 16]>(),
        target in "/[a-zA-Z0-9/_?=&.-]{0,40}",
        alg in 0usize..4,
        requests in 1usize..5,
        post in any::<bool>(),
    ) {
        let algs = algorithms();
        let cfg = VerifierConfig { algorithm: algs[alg % algs.len()], ..CFG };
        let mut ex = issue(&cfg, 100, random);
        let mut client = ClientAuth::new(ClientPolicy::default());
        client.on_challenge([ex.challenge.as_slice()], false, &cnonce).unwrap();
        let creds = Credentials { username: &user, password: &password };
        let method = if post { Method::Post } else { Method::Get };
        // A wrong password never passes, and does not use up the nc.
        let mut other = ClientAuth::new(ClientPolicy::default());
        other.on_challenge([ex.challenge.as_slice()], false, &cnonce).unwrap();
        let wrong = format!("{password}x");
        let auth = client_answer(&mut other, method, &target, &Credentials { username: &user, password: &wrong });
        let v = ex.server.verify(&cfg, 100, method.as_str(), &target, &auth, |u| (u == user).then(|| password.clone()));
        prop_assert_eq!(v, Err(AuthError::Rejected));
        for i in 0..requests {
            let auth = client_answer(&mut client, method, &target, &creds);
            let v = ex.server.verify(&cfg, 100 + i as u64, method.as_str(), &target, &auth, |u| (u == user).then(|| password.clone()));
            prop_assert_eq!(v, Ok(Verdict::Authorized));
            // The same header again is a replay.
            let replay = ex.server.verify(&cfg, 100, method.as_str(), &target, &auth, |u| (u == user).then(|| password.clone()));
            prop_assert_eq!(replay, Err(AuthError::Replay));
        }
    }
}

/// Regression (fuzz digest_authorization): the client wrote a `uri` longer
/// than the verifier's parameter cap, so its own answer was refused.
#[test]
fn digest_client_refuses_to_write_what_the_verifier_would_refuse() {
    let mut ex = issue(&CFG, 0, [1; 16]);
    let long = format!("/{}", "w".repeat(1023));
    let (_, auth) = authorized_answer(&ex, &long);
    assert_eq!(ex.server.verify(&CFG, 1, "GET", &long, &auth, lookup), Ok(Verdict::Authorized));
    let mut client = ClientAuth::new(ClientPolicy::default());
    client.on_challenge([ex.challenge.as_slice()], false, &[5; 16]).unwrap();
    let mut buf = [0u8; 4096];
    let mut w = HeadWriter::new(&mut buf);
    let too_long = format!("/{}", "w".repeat(1024));
    let creds = Credentials { username: "acs", password: "s3cret" };
    assert_eq!(
        client.write_authorization(&mut w, Method::Get, &too_long, &creds),
        Err(AuthError::TooLong { what: "username or uri" })
    );
    assert!(w.is_empty());
}

#[test]
fn digest_verifier_refuses_a_replayed_nc() {
    let mut ex = issue(&CFG, 0, [1; 16]);
    let (_, auth) = authorized_answer(&ex, "/cr");
    assert_eq!(ex.server.verify(&CFG, 1, "GET", "/cr", &auth, lookup), Ok(Verdict::Authorized));
    assert_eq!(ex.server.verify(&CFG, 2, "GET", "/cr", &auth, lookup), Err(AuthError::Replay));
}

#[test]
fn digest_verifier_reports_an_expired_nonce_as_stale_and_then_refuses_it() {
    let mut ex = issue(&CFG, 0, [1; 16]);
    let (mut client, auth) = authorized_answer(&ex, "/cr");
    let late = CFG.nonce_lifetime + 1;
    assert_eq!(ex.server.verify(&CFG, late, "GET", "/cr", &auth, lookup), Ok(Verdict::Stale));
    let next = client_answer(&mut client, Method::Get, "/cr", &Credentials { username: "acs", password: "s3cret" });
    assert_eq!(ex.server.verify(&CFG, late, "GET", "/cr", &next, lookup), Ok(Verdict::Stale));
    // The stale challenge gets the client one retry with a new nonce.
    let fresh = challenge_from(&mut ex.server, &CFG, late, [2; 16], true);
    client.on_challenge([fresh.as_slice()], false, &[6; 16]).unwrap();
    let retry = client_answer(&mut client, Method::Get, "/cr", &Credentials { username: "acs", password: "s3cret" });
    assert_eq!(ex.server.verify(&CFG, late + 1, "GET", "/cr", &retry, lookup), Ok(Verdict::Authorized));
}

#[test]
fn digest_verifier_fails_closed_when_the_nonce_table_evicts() {
    let mut ex = issue(&CFG, 0, [1; 16]);
    let (_, auth) = authorized_answer(&ex, "/cr");
    for i in 0..4u8 {
        challenge_from(&mut ex.server, &CFG, 1 + u64::from(i), [10 + i; 16], false);
    }
    assert_ne!(ex.server.verify(&CFG, 5, "GET", "/cr", &auth, lookup), Ok(Verdict::Authorized));
}

#[test]
fn digest_verifier_unknown_user_fails_exactly_like_a_wrong_password() {
    let mut ex = issue(&CFG, 0, [1; 16]);
    let (_, auth) = authorized_answer(&ex, "/cr");
    let unknown = ex.server.verify(&CFG, 1, "GET", "/cr", &auth, |_| None::<&str>);
    let wrong = ex.server.verify(&CFG, 1, "GET", "/cr", &auth, |_| Some("other"));
    assert_eq!(unknown, Err(AuthError::Rejected));
    assert_eq!(unknown, wrong);
    let empty = ex.server.verify(&CFG, 1, "GET", "/cr", &auth, |_| Some(""));
    assert_eq!(empty, Err(AuthError::Rejected), "empty passwords refused by configuration");
    assert_eq!(ex.server.verify(&CFG, 1, "GET", "/cr", &auth, lookup), Ok(Verdict::Authorized), "failures burn no nc");
}

fn replace_param(auth: &[u8], name: &str, new_value: &str) -> Vec<u8> {
    let v = param(auth, name).unwrap().raw();
    let start = v.as_ptr() as usize - auth.as_ptr() as usize;
    [&auth[..start], new_value.as_bytes(), &auth[start + v.len()..]].concat()
}

#[test]
fn digest_verifier_refuses_flipped_bits_wrong_lengths_and_other_uris() {
    let mut ex = issue(&CFG, 0, [1; 16]);
    let (_, auth) = authorized_answer(&ex, "/cr");
    let response = text(param(&auth, "response").unwrap());
    let mut flipped = response.clone().into_bytes();
    flipped[5] = if flipped[5] == b'0' { b'1' } else { b'0' };
    let cases = [
        (replace_param(&auth, "response", std::str::from_utf8(&flipped).unwrap()), AuthError::Rejected),
        (replace_param(&auth, "response", &response[..30]), AuthError::Rejected),
        (replace_param(&auth, "response", &format!("{response}00")), AuthError::Rejected),
        (replace_param(&auth, "response", &"zz".repeat(16)), AuthError::Rejected),
        (replace_param(&auth, "uri", "/other"), AuthError::UriMismatch),
        (replace_param(&auth, "realm", "elsewhere"), AuthError::Rejected),
        (replace_param(&auth, "nc", "1"), AuthError::Malformed { at: 0, what: "nc" }),
        (replace_param(&auth, "qop", "auth-int"), AuthError::UnsupportedQop),
    ];
    for (bad, err) in cases {
        assert_eq!(
            ex.server.verify(&CFG, 1, "GET", "/cr", &bad, lookup),
            Err(err),
            "{}",
            String::from_utf8_lossy(&bad)
        );
    }
    assert_eq!(ex.server.verify(&CFG, 1, "POST", "/cr", &auth, lookup), Err(AuthError::Rejected), "method is signed");
    assert_eq!(ex.server.verify(&CFG, 1, "GET", "/cr", &auth, lookup), Ok(Verdict::Authorized));
}

#[test]
fn digest_verifier_refuses_duplicate_missing_and_valueless_params() {
    let mut ex = issue(&CFG, 0, [1; 16]);
    let (_, auth) = authorized_answer(&ex, "/cr");
    let dup = [&auth[..], b", nc=00000009"].concat();
    assert_eq!(ex.server.verify(&CFG, 1, "GET", "/cr", &dup, lookup), Err(AuthError::DuplicateParam { name: "nc" }));
    let dup_user = [&auth[..], b", username=\"acs\""].concat();
    assert_eq!(
        ex.server.verify(&CFG, 1, "GET", "/cr", &dup_user, lookup),
        Err(AuthError::DuplicateParam { name: "username" })
    );
    let s = String::from_utf8(auth.clone()).unwrap();
    let cnonce_at = s.find(", cnonce=").unwrap();
    let missing =
        format!("{}{}", &s[..cnonce_at], &s[s[cnonce_at + 2..].find(',').map_or(s.len(), |i| cnonce_at + 2 + i)..]);
    assert_eq!(
        ex.server.verify(&CFG, 1, "GET", "/cr", missing.as_bytes(), lookup),
        Err(AuthError::MissingParam { name: "cnonce" })
    );
    let valueless = [&auth[..], b", stale="].concat();
    assert!(matches!(ex.server.verify(&CFG, 1, "GET", "/cr", &valueless, lookup), Err(AuthError::Malformed { .. })));
    let two = [&auth[..], b", Digest username=\"x\""].concat();
    assert!(matches!(ex.server.verify(&CFG, 1, "GET", "/cr", &two, lookup), Err(AuthError::Malformed { .. })));
    assert_eq!(ex.server.verify(&CFG, 1, "GET", "/cr", &auth, lookup), Ok(Verdict::Authorized));
}

#[test]
fn digest_challenges_several_per_header_with_escapes() {
    let h = br#"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple", Digest realm="a\\b", nonce=abc"#;
    let items: Vec<_> = params::items(h).map(Result::unwrap).collect();
    assert_eq!(items.len(), 3);
    assert!(items[0].is("newauth") && items[1].is("Basic") && items[2].is("Digest"));
    let title = items[0].params().find(|(n, _)| *n == b"title").unwrap().1;
    assert_eq!(text(title), "Login to \"apps\"");
    let realm = items[2].params().find(|(n, _)| *n == b"realm").unwrap().1;
    assert_eq!(text(realm), "a\\b");
    let basic: Vec<_> = params::items(b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").map(Result::unwrap).collect();
    assert_eq!(basic[0].token68, Some(&b"QWxhZGRpbjpvcGVuIHNlc2FtZQ=="[..]));
    for bad in [&b"Digest realm=\"open"[..], b"Digest realm=a b", b"Digest realm=\"a\" nonce=\"b\"", b"=x"] {
        assert!(params::items(bad).any(|r| r.is_err()), "{}", String::from_utf8_lossy(bad));
    }
    let long = format!("Digest realm=\"{}\"", "a".repeat(1025));
    assert!(params::items(long.as_bytes()).any(|r| r == Err(AuthError::TooLong { what: "parameter value" })));
}

#[test]
fn digest_client_and_verifier_allocate_nothing() {
    let mut server = DigestVerifier::<4>::new();
    let mut cbuf = [0u8; 256];
    let mut abuf = [0u8; 512];
    assert_no_alloc(|| {
        let mut w = HeadWriter::new(&mut cbuf);
        server.challenge(&CFG, 0, &[3; 16], false, &mut w).unwrap();
        let line = w.written();
        let challenge = &line[18..line.len() - 2];
        let mut client = ClientAuth::new(ClientPolicy::default());
        client.on_challenge([challenge], false, &[4; 16]).unwrap();
        let mut w = HeadWriter::new(&mut abuf);
        client
            .write_authorization(&mut w, Method::Get, "/cr", &Credentials { username: "acs", password: "s3cret" })
            .unwrap();
        let line = w.written();
        let auth = &line[15..line.len() - 2];
        assert_eq!(server.verify(&CFG, 1, "GET", "/cr", auth, lookup), Ok(Verdict::Authorized));
    });
}
