//! Envelope-level behaviour: version detection (three namespaces, five
//! versions), roles, vendor methods, header rules and hostile input.

use cwmp_core::limits::Limit;
use cwmp_core::{CwmpVersion, Limits};
use cwmp_soap::decode::DecodeOptions;
use cwmp_soap::{Body, DecodeErrorKind, Envelope, Role, Rpc};
use cwmp_testkit::alloc::assert_no_alloc;

fn doc(ns: &str, header: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:c=\"{ns}\"><s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>"
    )
}

const REBOOT: &str = "<c:Reboot><CommandKey>k</CommandKey></c:Reboot>";

fn version(ns: &str, header: &str) -> CwmpVersion {
    let d = doc(ns, header, REBOOT);
    assert_no_alloc(|| Envelope::decode(d.as_bytes())).unwrap().version
}

#[test]
fn versions_from_namespace_and_headers() {
    assert_eq!(version("urn:dslforum-org:cwmp-1-0", ""), CwmpVersion::V1_0);
    assert_eq!(version("urn:dslforum-org:cwmp-1-1", ""), CwmpVersion::V1_1);
    assert_eq!(version("urn:dslforum-org:cwmp-1-2", ""), CwmpVersion::V1_2);
    let st = "<c:SessionTimeout s:mustUnderstand=\"0\">60</c:SessionTimeout>";
    assert_eq!(version("urn:dslforum-org:cwmp-1-2", st), CwmpVersion::V1_3);
    let sv = "<c:SupportedCWMPVersions s:mustUnderstand=\"0\">1.0,1.4</c:SupportedCWMPVersions>";
    assert_eq!(version("urn:dslforum-org:cwmp-1-2", sv), CwmpVersion::V1_4);
    let uv = "<c:UseCWMPVersion s:mustUnderstand=\"1\">1.3</c:UseCWMPVersion>";
    assert_eq!(version("urn:dslforum-org:cwmp-1-2", uv), CwmpVersion::V1_3);
    // Non-standard namespaces seen in the wild are accepted; we answer in cwmp-1-2.
    assert_eq!(version("urn:dslforum-org:cwmp-1-3", ""), CwmpVersion::V1_3);
    let v = version("urn:dslforum-org:cwmp-1-7", "");
    assert_eq!(v, CwmpVersion::V1_4);
    assert_eq!(v.namespace(), "urn:dslforum-org:cwmp-1-2");
}

#[test]
fn roles_reject_what_the_peer_never_sends() {
    let d = doc("urn:dslforum-org:cwmp-1-0", "", REBOOT);
    assert!(Envelope::decode_with(d.as_bytes(), Some(Role::Cpe), &DecodeOptions::default()).is_ok());
    let e = Envelope::decode_with(d.as_bytes(), Some(Role::Acs), &DecodeOptions::default()).unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::MethodNotSupported { .. }));
    assert_eq!(&d[e.offset..e.offset + 9], "<c:Reboot");
    let g = doc("urn:dslforum-org:cwmp-1-0", "", "<c:GetRPCMethods/>");
    for role in [Role::Cpe, Role::Acs] {
        assert!(Envelope::decode_with(g.as_bytes(), Some(role), &DecodeOptions::default()).is_ok());
    }
}

#[test]
fn vendor_methods_decode_to_the_generic_form() {
    let body = "<c:X_ACME_Frobnicate><Level>11</Level></c:X_ACME_Frobnicate>";
    let d = doc("urn:dslforum-org:cwmp-1-2", "<c:ID s:mustUnderstand=\"1\">9</c:ID>", body);
    let env = Envelope::decode(d.as_bytes()).unwrap();
    let Body::Rpc(Rpc::Unknown(u)) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(u.name, "X_ACME_Frobnicate");
    assert_eq!(u.namespace, "urn:dslforum-org:cwmp-1-2");
    assert_eq!(u.body, "<Level>11</Level>");
    assert_eq!(&d[u.offset..u.offset + 7], "<Level>");
    assert_eq!(env.header.id.unwrap(), "9");
    assert!(env.encode(&mut [0u8; 1024]).is_err(), "an unknown method has nothing typed to send");
}

#[test]
fn unknown_must_understand_header_is_reported_in_both_modes() {
    // SOAP 1.1 §4.2.3: the message must not be processed, in any mode.
    let h = "<c:ID s:mustUnderstand=\"1\">1</c:ID><c:Foo s:mustUnderstand=\"1\">x</c:Foo>";
    let d = doc("urn:dslforum-org:cwmp-1-0", h, REBOOT);
    let strict = DecodeOptions::STRICT;
    for opts in [DecodeOptions::default(), strict] {
        let e = Envelope::decode_with(d.as_bytes(), None, &opts).unwrap_err();
        assert!(matches!(e.kind, DecodeErrorKind::MustUnderstand));
        assert_eq!(&d[e.offset..e.offset + 6], "<c:Foo");
    }
}

#[test]
fn hostile_input_fails_with_an_offset() {
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><a>&lol;</a>";
    let e = Envelope::decode(bomb.as_bytes()).unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::Xml(_)));
    assert!(e.offset < 30);
    let d = doc("urn:dslforum-org:cwmp-1-0", "", REBOOT);
    let small = DecodeOptions { limits: Limits { max_body_len: 100, ..Limits::DEFAULT }, ..DecodeOptions::TOLERANT };
    let e = Envelope::decode_with(d.as_bytes(), None, &small).unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::TooMany { field: "Envelope", max: 100, .. }));
    let not_soap = "<Envelope><Body/></Envelope>";
    assert!(matches!(Envelope::decode(not_soap.as_bytes()).unwrap_err().kind, DecodeErrorKind::NotEnvelope(_)));
    let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    assert!(matches!(Envelope::decode(deep.as_bytes()).unwrap_err().kind, DecodeErrorKind::Xml(_)));
}

#[test]
fn strict_mode_reports_a_value_over_its_schema_cap() {
    let long = "k".repeat(33);
    let d = doc(
        "urn:dslforum-org:cwmp-1-0",
        "<c:ID s:mustUnderstand=\"1\">1</c:ID>",
        &format!("<c:Reboot><CommandKey>{long}</CommandKey></c:Reboot>"),
    );
    let env = Envelope::decode(d.as_bytes()).unwrap();
    let Body::Rpc(Rpc::Reboot(r)) = env.body else { panic!() };
    assert_eq!(r.command_key.char_len(), 33, "tolerant mode keeps it");
    let strict = DecodeOptions::STRICT;
    let e = Envelope::decode_with(d.as_bytes(), None, &strict).unwrap_err();
    assert_eq!(
        e.kind,
        DecodeErrorKind::TooLong { field: "CommandKey", len: 33, max: 32, limit: Some(Limit::CommandKeyLen) }
    );
}

/// Fuzz finding (rpc_decode_cpe): a non-string value whose text holds a raw
/// CR was re-encoded without its lexical check (the check only looked at
/// reference-free text). Now the check unescapes, so the encoder refuses it
/// the first time, consistently.
#[test]
fn escaped_non_string_values_are_checked_before_encoding() {
    let d = doc(
        "urn:dslforum-org:cwmp-1-0",
        "",
        "<c:SetParameterValues><ParameterList><ParameterValueStruct><Name>A</Name>\
         <Value xsi:type=\"xsd:int\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">1\r\n2</Value>\
         </ParameterValueStruct></ParameterList><ParameterKey>k</ParameterKey></c:SetParameterValues>",
    );
    let env = Envelope::decode(d.as_bytes()).unwrap();
    assert!(matches!(env.encode(&mut [0u8; 2048]), Err(cwmp_soap::EncodeError::InvalidValue { field: "Value", .. })));
    let ok = d.replace("1\r\n2", "&#32;12&#10;");
    let env = Envelope::decode(ok.as_bytes()).unwrap();
    assert!(env.encode(&mut [0u8; 2048]).is_ok(), "whitespace around an int is collapsed by xsd");
}

#[test]
fn namespaces_come_from_the_scope_of_each_element() {
    // The method redeclares `c` to another cwmp version, a header entry
    // binds the default namespace: each element is read in its own scope.
    let body = "<c:Reboot xmlns:c=\"urn:dslforum-org:cwmp-1-1\"><CommandKey>k</CommandKey></c:Reboot>";
    let d = doc("urn:dslforum-org:cwmp-1-0", "<ID xmlns=\"urn:dslforum-org:cwmp-1-0\">5</ID>", body);
    let env = Envelope::decode(d.as_bytes()).unwrap();
    assert_eq!(env.version, CwmpVersion::V1_1);
    assert_eq!(env.header.id.unwrap().as_borrowed(), Some("5"));
    // The same method in a foreign namespace is no CWMP method.
    let foreign = "<c:Reboot xmlns:c=\"urn:example\"><CommandKey>k</CommandKey></c:Reboot>";
    let err = Envelope::decode(doc("urn:dslforum-org:cwmp-1-0", "", foreign).as_bytes()).unwrap_err();
    assert!(matches!(err.kind, DecodeErrorKind::MethodNotSupported { .. }), "{err:?}");
    // A SOAP Fault whose cwmp:Fault binds its own prefix.
    let fault = "<s:Fault><faultcode>s:Client</faultcode><faultstring>CWMP fault</faultstring><detail>\
                 <f:Fault xmlns:f=\"urn:dslforum-org:cwmp-1-1\"><FaultCode>9005</FaultCode></f:Fault></detail></s:Fault>";
    let d = doc("urn:example", "", fault);
    let env = Envelope::decode(d.as_bytes()).unwrap();
    assert_eq!(env.version, CwmpVersion::V1_1);
    assert!(matches!(env.body, Body::Fault(_)));
}

#[test]
fn a_header_too_long_for_the_namespace_index_is_reported_at_its_entry() {
    // 40 foreign header entries: the pass keeps the namespaces of 32
    // elements (Envelope, Header and 30 entries); the first entry beyond
    // them is reported, never misread.
    let header: String = (0..40).map(|i| format!("<x:E{i} xmlns:x=\"urn:example\">1</x:E{i}>")).collect();
    let d = doc("urn:dslforum-org:cwmp-1-0", &header, REBOOT);
    let err = Envelope::decode(d.as_bytes()).unwrap_err();
    assert!(matches!(err.kind, DecodeErrorKind::Invalid { field: "Envelope", .. }), "{err:?}");
    assert!(d[err.offset..].starts_with("<x:E30 "), "{}", &d[err.offset..err.offset + 10]);
    // 20 entries fit.
    let header: String = (0..20).map(|i| format!("<x:E{i} xmlns:x=\"urn:example\">1</x:E{i}>")).collect();
    assert!(Envelope::decode(doc("urn:dslforum-org:cwmp-1-0", &header, REBOOT).as_bytes()).is_ok());
}
