//! A bad request is answered with one call: the fault code (TR-069 A.5),
//! the request's `cwmp:ID` when its header was readable, and the SOAP
//! `MustUnderstand` fault for header entries we do not understand.

use cwmp_core::limits::Limit;
use cwmp_core::{CwmpVersion, FaultCode, Limits};
use cwmp_soap::decode::DecodeOptions;
use cwmp_soap::envelope::encode_must_understand_fault;
use cwmp_soap::{Body, DecodeErrorKind, Envelope, Role, Rpc};

const HEAD: &str = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0" xmlns:x="urn:example:vendor"><s:Header><c:ID s:mustUnderstand="1">req-&amp;-42</c:ID>"#;

fn doc(headers: &str, body: &str) -> String {
    format!("{HEAD}{headers}</s:Header><s:Body>{body}</s:Body></s:Envelope>")
}

fn gpv(names: &[String]) -> String {
    let items: String = names.iter().map(|n| format!("<string>{n}</string>")).collect();
    format!(
        r#"<c:GetParameterValues><ParameterNames s:arrayType="xsd:string[{}]">{items}</ParameterNames></c:GetParameterValues>"#,
        names.len()
    )
}

fn strict() -> DecodeOptions {
    DecodeOptions::STRICT
}

#[test]
fn too_many_entries_is_resources_exceeded_under_the_request_id() {
    let limits = Limits { max_list_len: 2, ..Limits::DEFAULT };
    let names: Vec<String> = (0..3).map(|i| format!("Device.A.{i}.")).collect();
    let wire = doc("", &gpv(&names));
    let opts = DecodeOptions { limits, ..DecodeOptions::STRICT };
    let e = Envelope::decode_with(wire.as_bytes(), Some(Role::Cpe), &opts).unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::TooMany { limit: Limit::ListLen, .. }), "{e}");
    assert_eq!(e.fault(Role::Cpe), FaultCode::new(9004));
    assert_eq!(e.fault(Role::Acs), FaultCode::new(8004));
    assert_eq!(e.id(wire.as_bytes()).unwrap(), "req-&-42");
}

#[test]
fn a_name_over_its_cap_is_invalid_parameter_name_and_carries_its_limit() {
    let long = format!("Device.{}", "A".repeat(300));
    let wire = doc("", &gpv(&[long]));
    let e = Envelope::decode_with(wire.as_bytes(), Some(Role::Cpe), &strict()).unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::TooLong { max: 256, limit: Some(Limit::ParameterNameLen), .. }), "{e}");
    assert_eq!(e.fault(Role::Cpe), FaultCode::new(9005));
    // The ACS has no invalid-name code: invalid arguments.
    assert_eq!(e.fault(Role::Acs), FaultCode::new(8003));
}

#[test]
fn a_value_over_the_tolerant_value_cap_names_max_value_len() {
    let limits = Limits { max_value_len: 8, ..Limits::DEFAULT };
    let wire = doc("", "<c:Reboot><CommandKey>0123456789</CommandKey></c:Reboot>");
    let opts = DecodeOptions { limits, ..DecodeOptions::default() };
    let env = Envelope::decode_with(wire.as_bytes(), Some(Role::Cpe), &opts).unwrap();
    let Body::Rpc(Rpc::Invalid(inv)) = env.body else { panic!("{:?}", env.body) };
    assert!(matches!(inv.error.kind, DecodeErrorKind::TooLong { limit: Some(Limit::ValueLen), .. }));
    assert_eq!(inv.fault(Role::Cpe), FaultCode::new(9004));
}

#[test]
fn a_method_the_peer_never_sends_is_method_not_supported() {
    let wire = doc("", "<c:Inform/>");
    let e = Envelope::decode_with(wire.as_bytes(), Some(Role::Cpe), &DecodeOptions::default()).unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::MethodNotSupported { .. }), "{e}");
    assert_eq!(e.fault(Role::Cpe), FaultCode::new(9000));
    assert_eq!(e.id(wire.as_bytes()).unwrap(), "req-&-42");
    // A method outside every cwmp namespace, answered by an ACS.
    let wire = doc("", "<x:Inform/>");
    let e = Envelope::decode_with(wire.as_bytes(), Some(Role::Acs), &DecodeOptions::default()).unwrap_err();
    assert_eq!(e.fault(Role::Acs), FaultCode::new(8000));
}

#[test]
fn an_unknown_method_decodes_and_is_answered_with_method_not_supported() {
    let wire = doc("", "<c:X_ACME_Frobnicate><Level>3</Level></c:X_ACME_Frobnicate>");
    let env = Envelope::decode(wire.as_bytes()).unwrap();
    let Body::Rpc(Rpc::Unknown(u)) = env.body else { panic!() };
    assert_eq!(u.fault(Role::Cpe), FaultCode::new(9000));
    assert_eq!(u.fault(Role::Acs), FaultCode::new(8000));
}

#[test]
fn missing_arguments_are_invalid_arguments() {
    let wire = doc("", "<c:Reboot/>");
    let e = Envelope::decode_with(wire.as_bytes(), Some(Role::Cpe), &strict()).unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::Missing { field: "CommandKey" }), "{e}");
    assert_eq!(e.fault(Role::Cpe), FaultCode::new(9003));
    assert_eq!(e.id(wire.as_bytes()).unwrap(), "req-&-42");
}

#[test]
fn malformed_xml_after_the_header_keeps_the_id_and_before_it_does_not() {
    let wire = doc("", "<c:Reboot><CommandKey>k</Command></c:Reboot>");
    let e = Envelope::decode(wire.as_bytes()).unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::Xml(_)), "{e}");
    assert_eq!(e.fault(Role::Cpe), FaultCode::new(9003));
    assert_eq!(e.id(wire.as_bytes()).unwrap(), "req-&-42");

    // The ID element itself is cut short: no ID to answer under.
    let wire = format!("{}</s:Header>", &HEAD[..HEAD.len() - "</c:ID>".len()]);
    let e = Envelope::decode(wire.as_bytes()).unwrap_err();
    assert_eq!(e.id(wire.as_bytes()), None);

    // An XML limit crossed is resources exceeded.
    let limits = Limits { max_depth: 4, ..Limits::DEFAULT };
    let wire = doc("", "<c:Reboot><CommandKey><a><b/></a></CommandKey></c:Reboot>");
    let e = Envelope::decode_with(wire.as_bytes(), None, &DecodeOptions { limits, ..DecodeOptions::default() })
        .unwrap_err();
    assert_eq!(e.fault(Role::Cpe), FaultCode::new(9004), "{e}");
    assert_eq!(e.id(wire.as_bytes()).unwrap(), "req-&-42");
}

#[test]
fn an_unknown_header_entry_with_must_understand_is_reported_in_every_mode() {
    let body = "<c:Reboot><CommandKey>k</CommandKey></c:Reboot>";
    for headers in [
        r#"<x:Billing s:mustUnderstand="1">9</x:Billing>"#,
        r#"<c:X_Unknown s:mustUnderstand="1">9</c:X_Unknown>"#,
        r#"<x:Billing s:mustUnderstand="true"/>"#,
    ] {
        let wire = doc(headers, body);
        for opts in [DecodeOptions::default(), strict()] {
            let e = Envelope::decode_with(wire.as_bytes(), Some(Role::Cpe), &opts).unwrap_err();
            assert_eq!(e.kind, DecodeErrorKind::MustUnderstand, "{headers}");
            assert_eq!(&wire[e.offset..e.offset + 2], &headers[..2], "offset of the entry");
            assert_eq!(e.id(wire.as_bytes()).unwrap(), "req-&-42");
        }
    }
    // Without mustUnderstand (or with 0) an unknown entry is ignored.
    for headers in [r#"<x:Billing>9</x:Billing>"#, r#"<x:Billing s:mustUnderstand="0">9</x:Billing>"#] {
        let wire = doc(headers, body);
        let env = Envelope::decode(wire.as_bytes()).unwrap();
        assert!(matches!(env.body, Body::Rpc(Rpc::Reboot(_))));
    }
}

#[test]
fn the_must_understand_fault_is_a_soap_fault_under_the_request_id() {
    let wire = doc(r#"<x:Billing s:mustUnderstand="1">9</x:Billing>"#, "<c:Reboot><CommandKey/></c:Reboot>");
    let e = Envelope::decode(wire.as_bytes()).unwrap_err();
    let mut buf = [0u8; 1024];
    let n = encode_must_understand_fault(&mut buf, CwmpVersion::V1_0, e.id(wire.as_bytes())).unwrap();
    let out = std::str::from_utf8(&buf[..n]).unwrap();
    assert!(out.contains("<faultcode>SOAP-ENV:MustUnderstand</faultcode>"), "{out}");
    // The ID goes back escaped as it came.
    assert!(out.contains(r#"mustUnderstand="1">req-&amp;-42</cwmp:ID>"#), "{out}");
    assert!(!out.contains("<detail>"));
    let mut small = [0u8; 16];
    assert!(encode_must_understand_fault(&mut small, CwmpVersion::V1_0, None).is_err());
}

/// As an open-source ACS in use sends it: `soap` and `encodingStyle` are
/// never declared.
const UNDECLARED: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soapenv:Header><cwmp:ID soap:mustUnderstand="1">77</cwmp:ID></soapenv:Header><soapenv:Body><cwmp:GetParameterValues><ParameterNames encodingStyle:arrayType="xsd:string[1]"><string>Device.DeviceInfo.</string></ParameterNames></cwmp:GetParameterValues></soapenv:Body></soapenv:Envelope>"#;

#[test]
fn undeclared_attribute_prefixes_decode_with_a_repair_reported() {
    let (env, repairs) =
        Envelope::decode_with_repairs(UNDECLARED.as_bytes(), Some(Role::Cpe), &DecodeOptions::default()).unwrap();
    assert!(repairs.contains(cwmp_soap::quirk::Quirk::UnboundAttributePrefix));
    assert_eq!(env.header.id.unwrap(), "77");
    let Body::Rpc(Rpc::GetParameterValues(g)) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(g.parameter_names.len(), 1);
    assert_eq!(g.parameter_names.iter().next().unwrap(), "Device.DeviceInfo.");
    // Strict decoding refuses it.
    let e = Envelope::decode_with(UNDECLARED.as_bytes(), Some(Role::Cpe), &strict()).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::Xml(cwmp_soap::xml::XmlErrorKind::UnboundPrefix));
    // A well-formed message needs no repair.
    let fine = UNDECLARED.replace("soap:", "soapenv:").replace("encodingStyle:", "soapenv:");
    let (_, repairs) = Envelope::decode_with_repairs(fine.as_bytes(), None, &DecodeOptions::default()).unwrap();
    assert!(repairs.is_empty());
}

#[test]
fn an_undeclared_element_prefix_is_still_rejected() {
    let wire = UNDECLARED
        .replace("<cwmp:GetParameterValues>", "<rpc:GetParameterValues>")
        .replace("</cwmp:GetParameterValues>", "</rpc:GetParameterValues>");
    let e = Envelope::decode(wire.as_bytes()).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::Xml(cwmp_soap::xml::XmlErrorKind::UnboundPrefix));
    assert_eq!(&wire[e.offset - 1..e.offset + 4], "<rpc:");
    // The header was read: the fault goes back under the request's ID.
    assert_eq!(e.id(wire.as_bytes()).unwrap(), "77");
}

/// Each typed-layer quirk, alone: accepted when in the set, an error when
/// only it is taken out.
#[test]
fn each_quirk_is_one_flag() {
    use cwmp_soap::quirk::{Quirk, Quirks};
    let reboot = "<c:Reboot><CommandKey>k</CommandKey></c:Reboot>";
    let env = |head: &str, body: &str| {
        format!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"{head}<s:Body>{body}</s:Body></s:Envelope>"#
        )
    };
    let id = r#"><s:Header><c:ID s:mustUnderstand="1">1</c:ID></s:Header>"#;
    let cases = [
        (Quirk::MissingElement, env(id, "<c:Reboot/>")),
        (
            Quirk::DuplicatedElement,
            env(id, "<c:Reboot><CommandKey>a</CommandKey><CommandKey>b</CommandKey></c:Reboot>"),
        ),
        (Quirk::NoHeaderId, env(">", reboot)),
        (
            Quirk::EncodingStyleOnEnvelope,
            env(&format!(r#" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"{id}"#), reboot),
        ),
        (Quirk::ForeignEnvelopeChild, env(&format!("{id}<c:Extra/>"), reboot)),
        (
            Quirk::ArrayTypeMismatch,
            env(
                id,
                "<c:GetParameterValues><ParameterNames><string>Device.</string></ParameterNames></c:GetParameterValues>",
            ),
        ),
        (
            Quirk::UntypedValue,
            env(
                id,
                r#"<c:SetParameterValues><ParameterList s:arrayType="c:ParameterValueStruct[1]"><ParameterValueStruct><Name>Device.X</Name><Value>1</Value></ParameterValueStruct></ParameterList><ParameterKey/></c:SetParameterValues>"#,
            ),
        ),
        (
            Quirk::UnprefixedFaultcode,
            env(
                id,
                "<s:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail><c:Fault><FaultCode>9003</FaultCode><FaultString>x</FaultString></c:Fault></detail></s:Fault>",
            ),
        ),
    ];
    for (quirk, wire) in &cases {
        let all = DecodeOptions::default();
        Envelope::decode_with(wire.as_bytes(), None, &all).unwrap_or_else(|e| panic!("{quirk:?}: {e}"));
        // Argument errors would otherwise come back as an InvalidRpc.
        let without = DecodeOptions { quirks: Quirks::ALL.without(*quirk).without(Quirk::InvalidArguments), ..all };
        let only_args = DecodeOptions { quirks: Quirks::ALL.without(Quirk::InvalidArguments), ..all };
        Envelope::decode_with(wire.as_bytes(), None, &only_args).unwrap_or_else(|e| panic!("{quirk:?}: {e}"));
        let e = Envelope::decode_with(wire.as_bytes(), None, &without).expect_err(quirk.describe());
        if let DecodeErrorKind::Quirk { quirk: q, .. } = e.kind {
            assert_eq!(q, *quirk);
        } else {
            // Refusing a missing element reports it as missing.
            assert!(matches!(e.kind, DecodeErrorKind::Missing { .. }) && *quirk == Quirk::MissingElement, "{e}");
        }
        // Strict mode refuses it too.
        assert!(Envelope::decode_with(wire.as_bytes(), None, &DecodeOptions::STRICT).is_err());
    }
    // InvalidArguments itself: the method with its error, or the error.
    let wire = env(id, "<c:Reboot><CommandKey><x/></CommandKey></c:Reboot>");
    let back = Envelope::decode(wire.as_bytes()).unwrap();
    assert!(matches!(back.body, Body::Rpc(Rpc::Invalid(_))));
    let opts = DecodeOptions { quirks: Quirks::ALL.without(Quirk::InvalidArguments), ..DecodeOptions::default() };
    assert!(Envelope::decode_with(wire.as_bytes(), None, &opts).is_err());
}
