//! UDP lightweight notifications: what the CPE encodes validates with
//! xmllint against the official schema, the ACS decodes it back exactly,
//! and the schema's facets are enforced on both sides.

use std::process::Command;

use cwmp_model::attributes::Notification;
use cwmp_session::cr::lwn::{self, Decoded, Header, LwnError};
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

fn header() -> Header<'static> {
    Header {
        ts: 1_700_000_000,
        un: "cpe-user",
        cn: "8f1c2d",
        oui: "00D09E",
        product_class: "HG8245<Q>",
        serial_number: "SN&001",
    }
}

fn text(t: Option<cwmp_soap::xml::Text<'_>>) -> String {
    t.map_or(String::new(), |t| t.chunks().map(|c| c.as_str().to_string()).collect())
}

fn xmllint(doc: &[u8]) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("cwmp-lwn-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("n.xml");
    std::fs::write(&file, doc).unwrap();
    let schema = cwmp_testkit::corpus::path("schema/cwmp-UDPLightweightNotification-1-0.xsd");
    let catalog = cwmp_testkit::corpus::path("schema/catalog.xml");
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", catalog)
        .args(["--nonet", "--noout", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint is required (apt-get install -y libxml2-utils)");
    let _ = std::fs::remove_dir_all(&dir);
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

#[test]
fn lwn_encoded_notification_is_valid_against_the_official_schema() {
    let params = [("Device.DeviceInfo.UpTime", "4711"), ("Device.WiFi.SSID.1.SSID", "caf\u{e9} <&> \"x\"")];
    let mut buf = [0u8; 1024];
    let n = lwn::encode(&header(), params, &mut buf).unwrap();
    xmllint(&buf[..n]).unwrap();
    // The oracle can fail: an unqualified document is refused.
    assert!(xmllint(b"<Notification><TS>1</TS></Notification>").is_err());
}

#[test]
fn lwn_acs_decodes_what_the_cpe_encodes() {
    let params = [("Device.DeviceInfo.UpTime", "4711"), ("Device.X.Y", "")];
    let mut buf = [0u8; 1024];
    let n = lwn::encode(&header(), params, &mut buf).unwrap();
    let d = Decoded::decode(&buf[..n]).unwrap();
    assert_eq!(d.ts, 1_700_000_000);
    let f: Vec<String> = d.fields.iter().map(|t| text(*t)).collect();
    assert_eq!(f, ["cpe-user", "8f1c2d", "00D09E", "HG8245<Q>", "SN&001"]);
    assert_eq!(d.param_count, 2);
    let got: Vec<(String, String)> = d.params().map(|(n, v)| (text(n), text(v))).collect();
    assert_eq!(got, [("Device.DeviceInfo.UpTime".into(), "4711".into()), ("Device.X.Y".into(), String::new())]);
}

#[test]
fn lwn_facets_are_enforced_when_encoding() {
    let p = [("A.b", "1")];
    let mut buf = [0u8; 2048];
    let mut h = header();
    h.oui = "00d09e";
    assert_eq!(lwn::encode(&h, p, &mut buf), Err(LwnError::Invalid { field: "OUI", what: "[0-9A-F]{6}" }));
    let mut h = header();
    h.ts = i64::from(i32::MAX) + 1;
    assert_eq!(lwn::encode(&h, p, &mut buf), Err(LwnError::Invalid { field: "TS", what: "xs:int" }));
    let long = "x".repeat(65);
    let mut h = header();
    h.serial_number = &long;
    assert_eq!(lwn::encode(&h, p, &mut buf), Err(LwnError::Invalid { field: "SerialNumber", what: "maxLength" }));
    assert_eq!(lwn::encode(&header(), [], &mut buf), Err(LwnError::Invalid { field: "Param", what: "minOccurs 1" }));
    assert!(matches!(lwn::encode(&header(), [("A", "\u{1}")], &mut buf), Err(LwnError::Encode(_))));
    assert!(matches!(lwn::encode(&header(), p, &mut [0u8; 40]), Err(LwnError::Encode(_))));
}

#[test]
fn lwn_decoder_refuses_schema_violations_and_says_where() {
    let ns = lwn::NS;
    let body = |inner: &str| format!("<Notification xmlns=\"{ns}\">{inner}</Notification>");
    let fixed =
        "<TS>5</TS><UN>u</UN><CN>c</CN><OUI>ABCDEF</OUI><ProductClass>p</ProductClass><SerialNumber>s</SerialNumber>";
    assert!(Decoded::decode(body(&format!("{fixed}<Param><Name>a</Name><Value>1</Value></Param>")).as_bytes()).is_ok());
    assert_eq!(
        Decoded::decode(body(fixed).as_bytes()).err(),
        Some(LwnError::Invalid { field: "Param", what: "minOccurs 1" })
    );
    let swapped = body("<UN>u</UN><TS>5</TS>");
    assert_eq!(
        Decoded::decode(swapped.as_bytes()).err(),
        Some(LwnError::Shape { at: swapped.find("<UN>").unwrap(), what: "TS" })
    );
    let bad_ts = body(&fixed.replace("<TS>5</TS>", "<TS>99999999999</TS>"));
    assert_eq!(Decoded::decode(bad_ts.as_bytes()).err(), Some(LwnError::Invalid { field: "TS", what: "xs:int" }));
    let bad_oui = body(&format!("{}<Param><Name>a</Name><Value/></Param>", fixed.replace("ABCDEF", "abcdef")));
    assert_eq!(
        Decoded::decode(bad_oui.as_bytes()).err(),
        Some(LwnError::Invalid { field: "OUI", what: "[0-9A-F]{6}" })
    );
    assert!(matches!(Decoded::decode(b"<!DOCTYPE x><Notification/>"), Err(LwnError::Xml(_))));
    let unqualified = format!("<Notification>{fixed}</Notification>");
    assert!(matches!(Decoded::decode(unqualified.as_bytes()), Err(LwnError::Shape { at: 0, .. })));
}

#[test]
fn lwn_only_lightweight_notification_values_select_parameters() {
    let picked: Vec<u8> = Notification::ALL.iter().filter(|n| lwn::is_lightweight(**n)).map(|n| *n as u8).collect();
    assert_eq!(picked, [3, 4, 5, 6]);
}

#[test]
fn lwn_encode_and_decode_make_no_heap_allocations() {
    assert_no_alloc(|| {
        let mut buf = [0u8; 1024];
        let n = lwn::encode(&header(), [("A.b", "1"), ("A.c", "2")], &mut buf).unwrap();
        let d = Decoded::decode(&buf[..n]).unwrap();
        assert_eq!(d.params().count(), 2);
    });
}

proptest! {
    #[test]
    fn lwn_decode_of_encode_is_identity(
        params in proptest::collection::vec(("[A-Za-z][A-Za-z0-9.]{0,40}", "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]{0,40}"), 1..5),
        un in "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]{0,30}",
        ts in any::<i32>(),
    ) {
        let h = Header { ts: i64::from(ts), un: &un, ..header() };
        let mut buf = vec![0u8; 8192];
        let n = lwn::encode(&h, params.iter().map(|(a, b)| (a.as_str(), b.as_str())), &mut buf).unwrap();
        let d = Decoded::decode(&buf[..n]).unwrap();
        prop_assert_eq!(d.ts, ts);
        prop_assert_eq!(text(d.fields[0]), un);
        let got: Vec<(String, String)> = d.params().map(|(n, v)| (text(n), text(v))).collect();
        prop_assert_eq!(got, params);
    }

    #[test]
    fn lwn_arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(d) = Decoded::decode(&data) {
            prop_assert_eq!(d.params().count(), d.param_count);
        }
    }
}
