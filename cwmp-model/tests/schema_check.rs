//! Value validation against type and facets, driven by the facets of every
//! parameter in TR-181 and TR-098.

use cwmp_core::{ParamType, Value};
use cwmp_model::schema::check::CheckKind;
use cwmp_model::schema::{Param, ParamDef, Schema, tr098, tr181};
use cwmp_testkit::alloc::assert_no_alloc;

const S: &Schema = &tr181::SCHEMA;

fn all_params() -> impl Iterator<Item = (&'static str, Param)> {
    [&tr181::SCHEMA, &tr098::SCHEMA]
        .into_iter()
        .flat_map(|s| s.objects())
        .flat_map(|o| o.params().map(move |p| (o.name, p)))
}

fn param(path: &str) -> &'static ParamDef {
    S.parameter(path).unwrap_or_else(|| panic!("{path}"))
}

#[test]
fn faults_9006_and_9007() {
    let pii = param("Device.ManagementServer.PeriodicInformInterval");
    assert_eq!(pii.check("300"), Ok(Value::UnsignedInt(300)));
    let e = pii.check("0").unwrap_err();
    assert_eq!((e.kind, e.fault_code_number()), (CheckKind::Range, 9007));
    assert_eq!(e.fault_code(), cwmp_core::FaultCode::INVALID_PARAMETER_VALUE);
    assert_eq!(e.to_string(), "out of range (fault 9007)");
    let e = pii.check("five").unwrap_err();
    assert_eq!((e.kind, e.fault_code_number()), (CheckKind::Type(ParamType::UnsignedInt), 9006));
    assert_eq!(pii.check("4294967296").unwrap_err().kind, CheckKind::Range, "beyond xsd:unsignedInt is a value error");
    assert_eq!(pii.check("-1").unwrap_err().kind, CheckKind::Range);
    let enable = param("Device.ManagementServer.EnableCWMP");
    assert_eq!(enable.check("1"), Ok(Value::Boolean(true)));
    assert_eq!(enable.check("yes").unwrap_err().fault_code_number(), 9006);
    assert_eq!(enable.check_typed(ParamType::String, "true").unwrap_err().fault_code_number(), 9006);
    assert_eq!(enable.check_typed(ParamType::Boolean, "false"), Ok(Value::Boolean(false)));
}

#[test]
fn enumerations_sizes_patterns_and_lists() {
    let status = param("Device.IP.Interface.1.Status");
    assert!(status.check("Up").is_ok());
    assert_eq!(status.check("up").unwrap_err().kind, CheckKind::Enumeration);
    assert_eq!(status.check("").unwrap_err().kind, CheckKind::Enumeration);

    let url = param("Device.ManagementServer.URL");
    // dataType URL, base URI: maxLength 2048 in TR-181 2.17.
    assert!(url.check(&"a".repeat(2048)).is_ok());
    assert_eq!(url.check(&"a".repeat(2049)).unwrap_err().kind, CheckKind::Length(2049));
    assert_eq!(url.check(&"é".repeat(2048)).map(|_| ()), Ok(()), "length counts characters, not bytes");

    let ip = param("Device.IP.Interface.1.IPv4Address.1.IPAddress");
    assert!(ip.check("10.0.0.1").is_ok());
    assert!(ip.check("").is_ok(), "the empty pattern allows an empty value");
    assert_eq!(ip.check("10.0.0.256").unwrap_err().kind, CheckKind::Pattern);
    assert_eq!(ip.check("fe80::1").unwrap_err().kind, CheckKind::Pattern);

    let mac = param("Device.Ethernet.Interface.1.MACAddress");
    assert!(mac.check("00:11:22:aa:BB:cc").is_ok());
    assert!(mac.check("00:11:22:aa:BB:c").is_err());

    // A list of enumerated strings: each item is checked, and the error
    // names the item.
    let modes = param("Device.WiFi.Radio.1.OperatingStandards");
    let list = modes.syntax.list.expect("list");
    assert_eq!(list.item, ParamType::String);
    assert!(modes.check("a,n,ac").is_ok());
    assert!(modes.check("").is_ok());
    let e = modes.check("a,zz,n").unwrap_err();
    assert_eq!((e.kind, e.item), (CheckKind::Enumeration, Some(1)));

    // A list of unsignedInt items with a range.
    let (_, chan) = all_params().find(|(o, p)| *o == "Device.WiFi.Radio.{i}." && p.name == "PossibleChannels").unwrap();
    assert!(chan.syntax.list.is_some());
    let ll = param("Device.IP.Interface.1.LowerLayers");
    assert_eq!(ll.check(&"x".repeat(1025)).unwrap_err().kind, CheckKind::ListLength(1025));
}

#[test]
fn values_only_the_cpe_may_set() {
    // <enumeration value="Complete" access="readOnly"/> in DiagnosticsState.
    let st = param("Device.IP.Diagnostics.IPPing.DiagnosticsState");
    assert!(st.check("Requested").is_ok());
    for v in ["None", "Complete", "Error_Internal"] {
        let e = st.check(v).unwrap_err();
        assert_eq!((e.kind, e.fault_code_number()), (CheckKind::CpeOnlyValue, 9007), "{v}");
        assert!(st.check_cpe_value(v).is_ok(), "{v}");
    }
    let n = all_params().filter(|(_, p)| p.syntax.cpe_only_values().next().is_some()).count();
    assert!(n > 30, "{n}");
}

#[test]
fn binary_sizes_count_decoded_bytes() {
    let (o, p) = all_params()
        .find(|(_, p)| {
            p.ty == ParamType::HexBinary && p.syntax.list.is_none() && p.syntax.sizes.iter().any(|s| s.max.is_some())
        })
        .expect("a sized hexBinary parameter");
    let max = p.syntax.sizes.iter().filter_map(|s| s.max).max().unwrap() as usize;
    let min = p.syntax.sizes.iter().map(|s| s.min).min().unwrap() as usize;
    assert!(p.check(&"ab".repeat(max.max(min))).is_ok(), "{o}{}", p.name);
    assert_eq!(p.check(&"ab".repeat(max + 1)).unwrap_err().kind, CheckKind::Length(max + 1), "{o}{}", p.name);
}

/// Every enumerated value of every (non-list) parameter is accepted, and a
/// value outside the enumeration is refused with 9007.
#[test]
fn every_enumeration_value_is_accepted() {
    let mut n = 0;
    for (o, p) in all_params() {
        if p.syntax.enumeration.is_empty() || p.syntax.list.is_some() {
            continue;
        }
        for v in p.syntax.enumeration {
            assert!(p.check_cpe_value(v).is_ok(), "{o}{} = {v:?}: {:?}", p.name, p.check_cpe_value(v));
            if p.syntax.cpe_only_values().any(|c| c == v) {
                assert_eq!(p.check(v).unwrap_err().kind, CheckKind::CpeOnlyValue, "{o}{} = {v:?}", p.name);
            } else {
                assert!(p.check(v).is_ok(), "{o}{} = {v:?}: {:?}", p.name, p.check(v));
            }
            n += 1;
        }
        let e = p.check("\u{7f}not-a-member").unwrap_err();
        assert!(e.is_invalid_value(), "{o}{}", p.name);
    }
    assert!(n > 2000, "{n}");
}

/// Every range bound is accepted; one past a bound is refused unless another
/// range of the same parameter covers it.
#[test]
fn every_range_bound_is_enforced() {
    let mut n = 0;
    for (o, p) in all_params() {
        let item = p.syntax.list.map_or(p.ty, |l| l.item);
        if p.syntax.ranges.is_empty() || !p.syntax.enumeration.is_empty() {
            continue;
        }
        let covered = |v: i128| {
            p.syntax.ranges.iter().any(|r| {
                r.min.is_none_or(|m| v >= i128::from(m))
                    && r.max.is_none_or(|m| v <= i128::from(m))
                    && (r.step <= 1 || r.min.is_none_or(|m| (v - i128::from(m)) % i128::from(r.step) == 0))
            })
        };
        for r in p.syntax.ranges {
            for bound in [r.min, r.max].into_iter().flatten() {
                // A list needs at least its minimum number of items.
                let copies = p.syntax.list.map_or(1, |l| l.min_items.max(1)) as usize;
                let as_list = |v: String| vec![v; copies].join(",");
                let text = bound.to_string();
                if Value::parse(item, &text).is_err() {
                    continue; // e.g. a negative bound on an unsigned type
                }
                let text = as_list(text);
                assert!(p.check(&text).is_ok(), "{o}{} = {text}: {:?}", p.name, p.check(&text));
                n += 1;
                for outside in [i128::from(bound) - 1, i128::from(bound) + 1] {
                    let text = outside.to_string();
                    if !covered(outside) && Value::parse(item, &text).is_ok() {
                        let text = as_list(text);
                        assert_eq!(p.check(&text).map_err(|e| e.kind), Err(CheckKind::Range), "{o}{} = {text}", p.name);
                    }
                }
            }
        }
    }
    assert!(n > 500, "{n}");
}

/// A string of exactly the maximum length passes the size facet and one
/// more character fails (parameters without other value facets).
#[test]
fn every_max_length_is_enforced() {
    let mut n = 0;
    for (o, p) in all_params() {
        let syn = p.syntax;
        if p.ty != ParamType::String || syn.list.is_some() || !syn.enumeration.is_empty() || !syn.patterns.is_empty() {
            continue;
        }
        let Some(max) = syn.sizes.iter().map(|s| s.max).max().flatten() else { continue };
        if syn.sizes.iter().any(|s| s.max.is_none()) {
            continue;
        }
        let max = max as usize;
        let min = syn.sizes.iter().map(|s| s.min).min().unwrap_or(0) as usize;
        assert!(p.check(&"x".repeat(max.max(min))).is_ok(), "{o}{}", p.name);
        assert_eq!(p.check(&"x".repeat(max + 1)).unwrap_err().kind, CheckKind::Length(max + 1), "{o}{}", p.name);
        n += 1;
    }
    assert!(n > 1000, "{n}");
}

#[test]
fn wrong_lexical_forms_are_wrong_type() {
    for (o, p) in all_params() {
        if p.syntax.list.is_some() {
            continue;
        }
        let bad = match p.ty {
            ParamType::Int | ParamType::UnsignedInt | ParamType::Long | ParamType::UnsignedLong => "12abc",
            ParamType::Boolean => "maybe",
            ParamType::DateTime => "yesterday",
            ParamType::HexBinary => "xyz",
            _ => continue,
        };
        assert!(p.check(bad).unwrap_err().is_wrong_type(), "{o}{}", p.name);
    }
}

#[test]
fn checking_allocates_nothing() {
    let ip = param("Device.IP.Interface.1.IPv4Address.1.IPAddress");
    let modes = param("Device.WiFi.Radio.1.OperatingStandards");
    assert_no_alloc(|| {
        assert!(ip.check("192.168.100.200").is_ok());
        assert!(modes.check("a,b,g,n,ac,ax").is_ok());
        assert!(modes.check("a,b,g,q").is_err());
    });
}

proptest::proptest! {
    /// Whatever an IPv4 address parameter accepts is empty or a dotted quad
    /// `core::net` parses; every dotted quad it parses is accepted.
    #[test]
    fn accepted_ipv4_values_satisfy_the_syntax(text in "[0-9.]{0,18}") {
        let ip = param("Device.IP.Interface.1.IPv4Address.1.IPAddress");
        let parsed = text.parse::<core::net::Ipv4Addr>().is_ok();
        match ip.check(&text) {
            Ok(_) => proptest::prop_assert!(text.is_empty() || parsed || text.split('.').any(|o| o.len() > 1 && o.starts_with('0')), "{}", text),
            Err(_) => proptest::prop_assert!(!parsed, "{}", text),
        }
    }

    /// Accepted values of any parameter satisfy its type and size facets;
    /// checking arbitrary text never panics.
    #[test]
    fn accepted_values_satisfy_type_and_size(idx in 0usize..8266, text in "[ -~]{0,40}") {
        let (_, p) = all_params().nth(idx % 8266).unwrap();
        if let Ok(v) = p.check(&text)
            && p.syntax.list.is_none()
        {
            proptest::prop_assert_eq!(Value::parse(p.ty, &text).ok(), Some(v));
            if p.ty == ParamType::String && !p.syntax.sizes.is_empty() {
                let len = text.chars().count() as u32;
                proptest::prop_assert!(p.syntax.sizes.iter().any(|s| len >= s.min && s.max.is_none_or(|m| len <= m)));
            }
            if !p.syntax.enumeration.is_empty() && p.ty == ParamType::String {
                proptest::prop_assert!(p.syntax.enumeration.contains(&text));
            }
        }
    }
}
