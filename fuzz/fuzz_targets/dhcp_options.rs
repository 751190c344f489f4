//! Arbitrary bytes as the payload of DHCPv4 option 43 / 125 and DHCPv6
//! option 17: never a panic, errors point inside the input, accepted values
//! respect their limits, and an accepted identity re-encodes to itself.
#![no_main]

use cwmp_session::dhcp::{self, CwmpInfo, Role};
use libfuzzer_sys::fuzz_target;

fn check(info: &CwmpInfo<'_>) {
    assert!(info.url.is_none_or(|u| u.len() <= 256));
    assert!(info.retry_minimum_wait_interval.is_none_or(|m| m >= 1));
    assert!(info.retry_interval_multiplier.is_none_or(|k| k >= 1000));
    for (role, id) in [(Role::Device, info.device), (Role::Gateway, info.gateway)] {
        let mut buf = [0u8; 512];
        let n = dhcp::encode_identity_dhcpv6(role, &id, &mut buf).expect("parsed identities encode");
        let back = dhcp::parse_dhcpv6_option_17(&buf[..n]).expect("own encoding parses").expect("enterprise 3561");
        assert_eq!(if role == Role::Device { back.device } else { back.gateway }, id);
    }
}

fuzz_target!(|data: &[u8]| {
    for r in [dhcp::parse_option_43(data), dhcp::parse_option_125(data)] {
        match r {
            Ok(info) => check(&info),
            Err(e) => assert!(e.offset <= data.len()),
        }
    }
    match dhcp::parse_dhcpv6_option_17(data) {
        Ok(Some(info)) => check(&info),
        Ok(None) => {}
        Err(e) => assert!(e.offset <= data.len()),
    }
});
