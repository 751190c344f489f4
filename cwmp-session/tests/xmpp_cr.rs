//! XMPP connection requests (TR-069 Annex K): the CPE handler's checks and
//! replies, the ACS-side builder validated by xmllint against the official
//! schema, and decode(encode(x)) == x (MosesACS string-concatenation row
//! of SECURITY.md).

use std::process::Command;

use cwmp_core::{Duration, Instant};
use cwmp_session::cr::xmpp::{self, ConnectionRequestIq, Payload, XmppConfig, XmppHandler, XmppOutcome};
use cwmp_session::cr::{RateLimit, SessionTrigger};
use cwmp_soap::writer::Writer;
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

const ACS: &str = "acs@xmpp.example.net/acs-1";

fn iq(from: &str, ns: &str, user: &str, pass: &str) -> Vec<u8> {
    format!(
        "<iq type=\"get\" id=\"cr001\" from=\"{from}\" to=\"cpe-42@xmpp.example.net/cwmp\">\
         <connectionRequest xmlns=\"{ns}\"><username>{user}</username><password>{pass}</password></connectionRequest></iq>"
    )
    .into_bytes()
}

fn handle(cfg: &XmppConfig<'_>, trigger: &mut SessionTrigger, stanza: &[u8]) -> (XmppOutcome, String) {
    let mut out = [0u8; 512];
    let (o, n) = XmppHandler::handle(cfg, trigger, Instant::from_secs(1), stanza, &mut out).unwrap();
    (o, String::from_utf8(out[..n].to_vec()).unwrap())
}

fn cfg<'a>(allowed: &'a [&'a str]) -> XmppConfig<'a> {
    XmppConfig { username: "cr-user", password: "cr-pass", allowed_jids: allowed, rate: RateLimit::DEFAULT }
}

#[test]
fn xmpp_valid_request_gets_result_and_triggers_a_session() {
    let mut t = SessionTrigger::new();
    let (o, reply) = handle(&cfg(&[]), &mut t, &iq(ACS, xmpp::NS, "cr-user", "cr-pass"));
    assert_eq!(o, XmppOutcome::Accepted);
    assert_eq!(
        reply,
        "<iq type=\"result\" id=\"cr001\" from=\"cpe-42@xmpp.example.net/cwmp\" to=\"acs@xmpp.example.net/acs-1\"/>"
    );
    assert!(t.poll_session());
}

#[test]
fn xmpp_wrong_password_and_unknown_user_are_not_authorized_alike() {
    for (u, p) in [("cr-user", "nope"), ("someone", "cr-pass"), ("", ""), ("cr-user", "cr-pass ")] {
        let mut t = SessionTrigger::new();
        let (o, reply) = handle(&cfg(&[]), &mut t, &iq(ACS, xmpp::NS, u, p));
        assert_eq!(o, XmppOutcome::NotAuthorized, "{u}/{p}");
        assert!(reply.contains(
            "<error type=\"cancel\"><not-authorized xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/></error>"
        ));
        assert!(!reply.contains("cr-pass"), "the payload is never echoed");
        assert!(!t.poll_session());
    }
    let mut empty = cfg(&[]);
    empty.password = "";
    let (o, _) = handle(&empty, &mut SessionTrigger::new(), &iq(ACS, xmpp::NS, "cr-user", ""));
    assert_eq!(o, XmppOutcome::NotAuthorized, "an empty password refuses everything");
}

#[test]
fn xmpp_allowed_jids_bare_matches_any_resource_full_matches_exactly() {
    let good = iq(ACS, xmpp::NS, "cr-user", "cr-pass");
    for (list, want) in [
        (&["acs@xmpp.example.net"][..], XmppOutcome::Accepted),
        (&["ACS@XMPP.example.net"][..], XmppOutcome::Accepted),
        (&["acs@xmpp.example.net/acs-1"][..], XmppOutcome::Accepted),
        (&["acs@xmpp.example.net/acs-2"][..], XmppOutcome::ServiceUnavailable),
        (&["acs@xmpp.example.net/ACS-1"][..], XmppOutcome::ServiceUnavailable),
        (&["other@xmpp.example.net", "acs@xmpp.example.net"][..], XmppOutcome::Accepted),
        (&["acs@xmpp.example.org"][..], XmppOutcome::ServiceUnavailable),
    ] {
        let (o, reply) = handle(&cfg(list), &mut SessionTrigger::new(), &good);
        assert_eq!(o, want, "{list:?}");
        if want == XmppOutcome::ServiceUnavailable {
            assert!(reply.contains("<service-unavailable xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>"));
        }
    }
    // A disallowed sender learns nothing about the credentials.
    let (o, _) = handle(&cfg(&["x@y"]), &mut SessionTrigger::new(), &iq(ACS, xmpp::NS, "bad", "bad"));
    assert_eq!(o, XmppOutcome::ServiceUnavailable);
    // No `from` with a list configured: not allowed.
    let no_from = String::from_utf8(good.clone()).unwrap().replace(&format!(" from=\"{ACS}\""), "");
    assert_eq!(
        handle(&cfg(&["acs@xmpp.example.net"]), &mut SessionTrigger::new(), no_from.as_bytes()).0,
        XmppOutcome::ServiceUnavailable
    );
}

#[test]
fn xmpp_wrong_namespace_or_other_payload_is_service_unavailable() {
    let (o, _) = handle(
        &cfg(&[]),
        &mut SessionTrigger::new(),
        &iq(ACS, "urn:broadband-forum-org:cwmp:xmppConnReq-1-1", "cr-user", "cr-pass"),
    );
    assert_eq!(o, XmppOutcome::ServiceUnavailable);
    let ping = br#"<iq type="get" id="p1" from="a@b/c"><ping xmlns="urn:xmpp:ping"/></iq>"#;
    assert_eq!(handle(&cfg(&[]), &mut SessionTrigger::new(), ping).0, XmppOutcome::ServiceUnavailable);
    // Unqualified children (elementFormDefault="qualified" in the schema).
    let unq = format!(
        "<iq type=\"get\" id=\"1\"><connectionRequest xmlns:c=\"{}\"><username>cr-user</username><password>cr-pass</password></connectionRequest></iq>",
        xmpp::NS
    );
    assert_eq!(handle(&cfg(&[]), &mut SessionTrigger::new(), unq.as_bytes()).0, XmppOutcome::ServiceUnavailable);
}

#[test]
fn xmpp_replies_and_malformed_stanzas_are_not_answered() {
    let (o, reply) = handle(&cfg(&[]), &mut SessionTrigger::new(), br#"<iq type="result" id="x"/>"#);
    assert_eq!((o, reply.as_str()), (XmppOutcome::Ignored, ""));
    for bad in [
        &b"<iq type=\"get\"><connectionRequest"[..],
        b"<!DOCTYPE iq [<!ENTITY a \"b\">]><iq type=\"get\"/>",
        b"<message type=\"chat\"/>",
        b"<iq type=\"get\">&#0;</iq>",
    ] {
        let (o, reply) = handle(&cfg(&[]), &mut SessionTrigger::new(), bad);
        assert!(matches!(o, XmppOutcome::Malformed(_)), "{o:?}");
        assert!(reply.is_empty());
    }
    // Credentials out of order: where it went wrong.
    let swapped = format!(
        "<iq type=\"get\"><connectionRequest xmlns=\"{}\"><password>p</password><username>u</username></connectionRequest></iq>",
        xmpp::NS
    );
    match xmpp::parse_iq(swapped.as_bytes()) {
        Err(xmpp::XmppError::Shape { at, what: "username" }) => assert_eq!(at, swapped.find("<password>").unwrap()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn xmpp_requests_during_a_session_and_rate_limit() {
    let mut c = cfg(&[]);
    c.rate = RateLimit { max: 2, window: Duration::from_secs(60) };
    let mut t = SessionTrigger::new();
    t.on_session_start();
    let good = iq(ACS, xmpp::NS, "cr-user", "cr-pass");
    assert_eq!(handle(&c, &mut t, &good).0, XmppOutcome::FollowUp);
    for _ in 0..20 {
        assert_eq!(handle(&c, &mut t, &iq(ACS, xmpp::NS, "cr-user", "x")).0, XmppOutcome::NotAuthorized);
    }
    assert_eq!(handle(&c, &mut t, &good).0, XmppOutcome::FollowUp);
    let (o, reply) = handle(&c, &mut t, &good);
    assert_eq!(o, XmppOutcome::RateLimited);
    assert!(reply.contains("service-unavailable"));
    t.on_session_end();
    assert!(t.poll_session());
    assert!(!t.poll_session());
}

#[test]
fn xmpp_acs_builder_payload_is_valid_against_the_official_schema() {
    let req = ConnectionRequestIq { id: "cr-7", from: ACS, to: "cpe@x/y", username: "u<&>\"'", password: "p w" };
    let mut buf = [0u8; 512];
    let mut w = Writer::new(&mut buf);
    req.write_payload(&mut w).unwrap();
    let n = w.finish().unwrap();
    let dir = std::env::temp_dir().join(format!("cwmp-xmpp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("payload.xml");
    std::fs::write(&file, &buf[..n]).unwrap();
    let schema = cwmp_testkit::corpus::path("schema/cwmp-xmppConnReq-1-0.xsd");
    let out = Command::new("xmllint")
        .args(["--nonet", "--noout", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint is required (apt-get install -y libxml2-utils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A wrong payload is refused by the same check (the oracle can fail).
    std::fs::write(
        &file,
        format!("<connectionRequest xmlns=\"{}\"><password/><username/></connectionRequest>", xmpp::NS),
    )
    .unwrap();
    let out =
        Command::new("xmllint").args(["--nonet", "--noout", "--schema"]).arg(&schema).arg(&file).output().unwrap();
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn xmpp_acs_builder_is_accepted_by_the_cpe_handler() {
    let req = ConnectionRequestIq { id: "a&b", from: ACS, to: "cpe@x/y", username: "cr-user", password: "cr-pass" };
    let mut buf = [0u8; 512];
    let n = req.write(&mut buf).unwrap();
    let mut t = SessionTrigger::new();
    let (o, reply) = handle(&cfg(&["acs@xmpp.example.net"]), &mut t, &buf[..n]);
    assert_eq!(o, XmppOutcome::Accepted);
    let back = xmpp::parse_iq(reply.as_bytes()).unwrap();
    assert_eq!(back.kind, "result");
    assert!(back.id.unwrap().unescaped_eq("a&b"));
    assert!(back.to.unwrap().unescaped_eq(ACS));
    // And an error reply parses with its condition.
    let (_, reply) = handle(&cfg(&[]), &mut SessionTrigger::new(), &iq(ACS, xmpp::NS, "x", "y"));
    let back = xmpp::parse_iq(reply.as_bytes()).unwrap();
    assert_eq!((back.kind, back.error), ("error", Some("not-authorized")));
}

#[test]
fn xmpp_builder_refuses_strings_xml_cannot_carry() {
    let req = ConnectionRequestIq { id: "1", from: ACS, to: "c@d", username: "a\u{1}b", password: "p" };
    assert!(req.write(&mut [0u8; 512]).is_err());
}

#[test]
fn xmpp_handler_makes_no_heap_allocations() {
    let good = iq(ACS, xmpp::NS, "cr-user", "cr-pass");
    let allowed = ["acs@xmpp.example.net"];
    let c = cfg(&allowed);
    let mut t = SessionTrigger::new();
    assert_no_alloc(|| {
        let mut out = [0u8; 512];
        XmppHandler::handle(&c, &mut t, Instant::from_secs(1), &good, &mut out).unwrap();
        ConnectionRequestIq { id: "1", from: ACS, to: "c@d", username: "u", password: "p" }.write(&mut out).unwrap();
    });
}

proptest! {
    /// decode(encode(x)) == x for any XML-representable strings, markup
    /// characters included: no value can inject elements.
    #[test]
    fn xmpp_decode_of_encode_is_identity(
        id in "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]{0,20}",
        user in "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]{0,40}",
        pass in "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]{0,40}",
    ) {
        let req = ConnectionRequestIq { id: &id, from: ACS, to: "c@d/e", username: &user, password: &pass };
        let mut buf = vec![0u8; 4096];
        let n = req.write(&mut buf).unwrap();
        let iq = xmpp::parse_iq(&buf[..n]).unwrap();
        prop_assert!(iq.id.unwrap().unescaped_eq(&id));
        let Payload::ConnectionRequest { username, password } = iq.payload else { panic!("payload") };
        let text = |t: Option<cwmp_soap::xml::Text<'_>>| t.map_or(String::new(), |t| t.chunks().map(|c| c.as_str().to_string()).collect());
        prop_assert_eq!(text(username), user);
        prop_assert_eq!(text(password), pass);
    }

    #[test]
    fn xmpp_arbitrary_stanzas_never_panic_or_accept(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut out = [0u8; 512];
        let (o, _) = XmppHandler::handle(&cfg(&[]), &mut SessionTrigger::new(), Instant::ZERO, &data, &mut out).unwrap();
        prop_assert!(!matches!(o, XmppOutcome::Accepted | XmppOutcome::FollowUp));
    }
}
