//! The verifier on arbitrary `Authorization` values: no panic and never
//! `Authorized` (the input cannot know the password); and for structured
//! input, our client's answer to our own challenge is always authorized
//! (verify(answer(challenge)) holds).
#![no_main]

use arbitrary::Arbitrary;
use cwmp_session::auth::{ClientAuth, ClientPolicy, Credentials, DigestVerifier, Verdict, VerifierConfig};
use cwmp_session::http::head::Method;
use cwmp_session::http::write::HeadWriter;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    raw: &'a [u8],
    user: &'a str,
    password: &'a str,
    target: &'a str,
    random: [u8; 16],
    cnonce: [u8; 16],
}

const SECRET: &str = "a password the fuzzer does not see";

fuzz_target!(|input: Input<'_>| {
    let cfg = VerifierConfig::new("fuzz");
    let mut server = DigestVerifier::<2>::new();
    let mut buf = [0u8; 256];
    let mut w = HeadWriter::new(&mut buf);
    server.challenge(&cfg, 10, &input.random, false, &mut w).unwrap();
    let line = w.written().to_vec();
    let challenge = &line[b"WWW-Authenticate: ".len()..line.len() - 2];

    let v = server.verify(&cfg, 11, "GET", "/", input.raw, |_| Some(SECRET));
    assert_ne!(v, Ok(Verdict::Authorized));

    if input.password.is_empty() || input.user.len() > 100 {
        return;
    }
    let mut client = ClientAuth::new(ClientPolicy::default());
    client.on_challenge([challenge], false, &input.cnonce).unwrap();
    let creds = Credentials { username: input.user, password: input.password };
    let mut abuf = [0u8; 1024];
    let mut w = HeadWriter::new(&mut abuf);
    // Targets or names the header cannot carry are refused when written.
    if client.write_authorization(&mut w, Method::Get, input.target, &creds).is_err() {
        return;
    }
    let line = w.written();
    let auth = &line[b"Authorization: ".len()..line.len() - 2];
    let v = server.verify(&cfg, 12, "GET", input.target, auth, |u| (u == input.user).then_some(input.password));
    assert_eq!(v, Ok(Verdict::Authorized), "{}", String::from_utf8_lossy(auth));
});
