//! CWMP information in DHCPv4 options 43 / 125 and DHCPv6 option 17: the
//! sub-option codes of TR-069 §3.1 / Annex F, every malformed length an
//! error with its offset, identities round-tripping through the encoder.

use cwmp_session::dhcp::{
    self, CwmpInfo, DhcpError, DhcpErrorKind as K, Identity, Role, parse_dhcpv6_option_17, parse_option_43,
    parse_option_125,
};
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

fn tlv(code: u8, v: &[u8]) -> Vec<u8> {
    let mut o = vec![code, v.len() as u8];
    o.extend_from_slice(v);
    o
}

fn tlv6(code: u16, v: &[u8]) -> Vec<u8> {
    let mut o = code.to_be_bytes().to_vec();
    o.extend_from_slice(&(v.len() as u16).to_be_bytes());
    o.extend_from_slice(v);
    o
}

fn block125(enterprise: u32, subs: &[u8]) -> Vec<u8> {
    let mut o = enterprise.to_be_bytes().to_vec();
    o.push(subs.len() as u8);
    o.extend_from_slice(subs);
    o
}

#[test]
fn dhcp_option_43_carries_url_provisioning_code_and_retry_parameters() {
    let mut p = vec![0u8]; // pad
    p.extend(tlv(1, b"https://acs.example:7547/cwmp"));
    p.extend(tlv(2, b"ISP-A"));
    p.extend(tlv(3, b"30"));
    p.extend(tlv(4, b"2500"));
    p.extend(tlv(99, b"other vendor"));
    p.push(255); // end
    p.extend(b"ignored after end");
    let info = parse_option_43(&p).unwrap();
    assert_eq!(
        info,
        CwmpInfo {
            url: Some("https://acs.example:7547/cwmp"),
            provisioning_code: Some("ISP-A"),
            retry_minimum_wait_interval: Some(30),
            retry_interval_multiplier: Some(2500),
            ..CwmpInfo::default()
        }
    );
}

#[test]
fn dhcp_option_43_retry_values_outside_tr181_ranges_are_errors() {
    for (code, v) in [(3u8, &b"0"[..]), (3, b"65536"), (4, b"999"), (3, b"admin"), (4, b"+2000"), (3, b"")] {
        let p = [tlv(1, b"http://a/"), tlv(code, v)].concat();
        assert_eq!(parse_option_43(&p), Err(DhcpError { kind: K::BadNumber, offset: 11 }), "{v:?}");
    }
}

#[test]
fn dhcp_option_125_reads_bbf_block_and_skips_others() {
    let bbf = [tlv(11, b"http://acs/"), tlv(12, b"PC"), tlv(4, b"00256D"), tlv(5, b"GW-SN"), tlv(6, b"GW")].concat();
    let p = [block125(4491, &tlv(1, b"cablelabs")), block125(3561, &bbf)].concat();
    let info = parse_option_125(&p).unwrap();
    assert_eq!(info.url, Some("http://acs/"));
    assert_eq!(info.provisioning_code, Some("PC"));
    assert_eq!(info.gateway, Identity { oui: Some("00256D"), serial_number: Some("GW-SN"), product_class: Some("GW") });
    assert_eq!(info.device, Identity::default());
}

#[test]
fn dhcp_v6_option_17_uses_two_byte_codes_and_enterprise_3561() {
    let p = [&3561u32.to_be_bytes()[..], &tlv6(1, b"http://acs6/"), &tlv6(11, b"ABCDEF"), &tlv6(13, b"CPE")].concat();
    let info = parse_dhcpv6_option_17(&p).unwrap().unwrap();
    assert_eq!(info.url, Some("http://acs6/"));
    assert_eq!(info.device, Identity { oui: Some("ABCDEF"), serial_number: None, product_class: Some("CPE") });
    let other = [&9u32.to_be_bytes()[..], &tlv6(1, b"x")].concat();
    assert_eq!(parse_dhcpv6_option_17(&other), Ok(None));
}

#[test]
fn dhcp_malformed_lengths_say_where() {
    // Value runs past the end.
    assert_eq!(parse_option_43(&[1, 5, b'a']), Err(DhcpError { kind: K::Truncated, offset: 3 }));
    // Length byte missing.
    assert_eq!(parse_option_43(&[1, 1, b'a', 2]), Err(DhcpError { kind: K::Truncated, offset: 4 }));
    // 125 block longer than the payload; sub-option longer than its block.
    assert_eq!(parse_option_125(&[0, 0, 0x0D, 0xE9, 9, 1]), Err(DhcpError { kind: K::Truncated, offset: 6 }));
    let p = [block125(3561, &[11, 9, b'h']), block125(1, &[])].concat();
    assert_eq!(parse_option_125(&p), Err(DhcpError { kind: K::Truncated, offset: 8 }));
    assert_eq!(parse_option_125(&[0, 0, 0x0D]), Err(DhcpError { kind: K::Truncated, offset: 3 }));
    assert_eq!(parse_dhcpv6_option_17(&[0, 0, 0x0D, 0xE9, 0, 1, 0]), Err(DhcpError { kind: K::Truncated, offset: 7 }));
    assert_eq!(parse_dhcpv6_option_17(&[0, 0]), Err(DhcpError { kind: K::Truncated, offset: 2 }));
}

#[test]
fn dhcp_bad_values_say_where() {
    let p = [tlv(2, b"ok"), tlv(1, &[0xff, 0xfe])].concat();
    assert_eq!(parse_option_43(&p), Err(DhcpError { kind: K::Utf8, offset: 4 }));
    let p = [tlv(1, b"a"), tlv(1, b"b")].concat();
    assert_eq!(parse_option_43(&p), Err(DhcpError { kind: K::Repeated, offset: 3 }));
    let long = vec![b'a'; 65];
    assert_eq!(parse_option_43(&tlv(2, &long)), Err(DhcpError { kind: K::TooLong, offset: 0 }));
    let bbf = block125(3561, &tlv(1, b"00256d"));
    assert_eq!(parse_option_125(&bbf), Err(DhcpError { kind: K::BadOui, offset: 5 }));
    let url = vec![b'u'; 257];
    assert_eq!(
        parse_dhcpv6_option_17(&[&3561u32.to_be_bytes()[..], &tlv6(1, &url)].concat()).unwrap_err().kind,
        K::TooLong
    );
}

#[test]
fn dhcp_identity_encoding_round_trips_and_validates() {
    let id = Identity { oui: Some("00D09E"), serial_number: Some("SN-0001"), product_class: Some("IGD") };
    let mut buf = [0u8; 128];
    for role in [Role::Device, Role::Gateway] {
        let n = dhcp::encode_identity_125(role, &id, &mut buf).unwrap();
        let info = parse_option_125(&buf[..n]).unwrap();
        let got = if role == Role::Device { info.device } else { info.gateway };
        assert_eq!(got, id);
        let n = dhcp::encode_identity_dhcpv6(role, &id, &mut buf).unwrap();
        let info = parse_dhcpv6_option_17(&buf[..n]).unwrap().unwrap();
        let got = if role == Role::Device { info.device } else { info.gateway };
        assert_eq!(got, id);
    }
    // Device sub-options 1..3 in 125 (Annex F).
    let n = dhcp::encode_identity_125(Role::Device, &id, &mut buf).unwrap();
    assert_eq!(&buf[..7], &[0, 0, 0x0D, 0xE9, (n - 5) as u8, 1, 6]);
    let bad = Identity { oui: Some("00d09e"), ..id };
    assert_eq!(dhcp::encode_identity_125(Role::Device, &bad, &mut buf).unwrap_err().kind, K::BadOui);
    assert_eq!(dhcp::encode_identity_125(Role::Device, &id, &mut buf[..10]).unwrap_err().kind, K::NoSpace);
}

fn arb_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[ -~]{0,64}")
}

proptest! {
    #[test]
    fn dhcp_identity_round_trip_any_text(oui in proptest::option::of("[0-9A-F]{6}"), sn in arb_text(), pc in arb_text()) {
        let id = Identity { oui: oui.as_deref(), serial_number: sn.as_deref(), product_class: pc.as_deref() };
        let mut buf = [0u8; 512];
        let n = dhcp::encode_identity_dhcpv6(Role::Gateway, &id, &mut buf).unwrap();
        prop_assert_eq!(parse_dhcpv6_option_17(&buf[..n]).unwrap().unwrap().gateway, id);
        match dhcp::encode_identity_125(Role::Gateway, &id, &mut buf) {
            Ok(n) => prop_assert_eq!(parse_option_125(&buf[..n]).unwrap().gateway, id),
            Err(e) => prop_assert_eq!(e.kind, K::NoSpace), // more than 255 bytes of sub-options
        }
    }

    #[test]
    fn dhcp_arbitrary_bytes_never_panic_and_errors_stay_inside(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        for r in [parse_option_43(&data).map(|_| ()), parse_option_125(&data).map(|_| ()), parse_dhcpv6_option_17(&data).map(|_| ())] {
            if let Err(e) = r {
                prop_assert!(e.offset <= data.len());
            }
        }
    }
}

#[test]
fn dhcp_parsing_does_not_allocate() {
    let p = [tlv(1, b"http://acs/"), tlv(2, b"x"), tlv(3, b"5"), tlv(4, b"2000")].concat();
    let info = assert_no_alloc(|| parse_option_43(&p).unwrap());
    assert_eq!(info.retry_minimum_wait_interval, Some(5));
}
