//! The XMPP connection-request IQ on arbitrary bytes: no panic, never
//! accepted without the credentials, every reply we write parses back as
//! an IQ; and the ACS-side builder round-trips arbitrary strings.
#![no_main]

use cwmp_core::Instant;
use cwmp_session::cr::xmpp::{self, ConnectionRequestIq, Payload, XmppConfig, XmppHandler, XmppOutcome};
use cwmp_session::cr::{RateLimit, SessionTrigger};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cfg = XmppConfig { username: "u", password: "a-secret-the-fuzzer-cannot-know", allowed_jids: &[], rate: RateLimit::DEFAULT };
    let mut t = SessionTrigger::new();
    let mut out = [0u8; 4096];
    let (o, n) = XmppHandler::handle(&cfg, &mut t, Instant::ZERO, data, &mut out).unwrap_or((XmppOutcome::Ignored, 0));
    assert!(!matches!(o, XmppOutcome::Accepted | XmppOutcome::FollowUp));
    if n > 0 {
        let reply = xmpp::parse_iq(&out[..n]).expect("our reply parses");
        assert!(matches!(reply.kind, "result" | "error"));
    }
    // Builder round trip over the input split into three strings.
    let Ok(s) = std::str::from_utf8(data) else { return };
    let mut parts = s.splitn(3, '\u{1e}');
    let (id, user, pass) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let req = ConnectionRequestIq { id, from: "a@b/c", to: "d@e", username: user, password: pass };
    let mut buf = vec![0u8; 16 * data.len() + 512];
    let Ok(n) = req.write(&mut buf) else { return };
    let iq = xmpp::parse_iq(&buf[..n]).expect("our IQ parses");
    let Payload::ConnectionRequest { username, password } = iq.payload else { panic!("payload lost") };
    let text = |t: Option<cwmp_soap::xml::Text<'_>>| t.map_or(String::new(), |t| t.chunks().map(|c| c.as_str().to_string()).collect());
    assert_eq!(text(username), user);
    assert_eq!(text(password), pass);
});
