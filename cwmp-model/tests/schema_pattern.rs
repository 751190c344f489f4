//! The XSD pattern-subset matcher, against hand-checked cases from the
//! patterns TR-181 and TR-098 use.

use cwmp_model::schema::pattern::matches;

#[test]
fn anchored_literals_and_alternation() {
    assert_eq!(matches("Null", "Null"), Some(true));
    assert_eq!(matches("Null", "Nullx"), Some(false));
    assert_eq!(matches("Null", "xNull"), Some(false));
    assert_eq!(matches("", ""), Some(true));
    assert_eq!(matches("", "a"), Some(false));
    let p = "[0-9]|[1-5][0-9]|6[0-3]";
    for (t, ok) in [("0", true), ("9", true), ("59", true), ("63", true), ("64", false), ("", false), ("600", false)] {
        assert_eq!(matches(p, t), Some(ok), "{t}");
    }
}

#[test]
fn counted_repetition() {
    assert_eq!(matches(r"\d{4}|\d{8}", "1234"), Some(true));
    assert_eq!(matches(r"\d{4}|\d{8}", "12345678"), Some(true));
    assert_eq!(matches(r"\d{4}|\d{8}", "123456"), Some(false));
    assert_eq!(matches("[0-9]{14,15}", "12345678901234"), Some(true));
    assert_eq!(matches("[0-9]{14,15}", "123456789012345"), Some(true));
    assert_eq!(matches("[0-9]{14,15}", "1234567890123"), Some(false));
    assert_eq!(matches("[0-9]{14,15}", "1234567890123456"), Some(false));
    assert_eq!(matches("([0-9]{1,15}?[BKMGT])", "100M"), Some(true));
    assert_eq!(matches("([0-9]{1,15}?[BKMGT])", "M"), Some(false));
    assert_eq!(matches(r"\d+(\.\d+)*", "1.2.3"), Some(true));
    assert_eq!(matches(r"\d+(\.\d+)*", "1..3"), Some(false));
    assert_eq!(matches(r"a{2,}", "aaaaa"), Some(true));
    assert_eq!(matches(r"a{2,}", "a"), Some(false));
    assert_eq!(matches(r"(a|)*b", "aab"), Some(true), "empty loop body terminates");
}

#[test]
fn ip_mac_uuid() {
    let ipv4 = "((25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])";
    for (t, ok) in [("192.168.1.1", true), ("0.0.0.0", true), ("255.255.255.255", true), ("256.1.1.1", false)] {
        assert_eq!(matches(ipv4, t), Some(ok), "{t}");
    }
    for t in ["1.2.3", "1.2.3.4.5", "01.2.3.4x", "", "a.b.c.d"] {
        assert_eq!(matches(ipv4, t), Some(false), "{t}");
    }
    let uuid = "[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}";
    assert_eq!(matches(uuid, "123e4567-e89b-12d3-a456-426614174000"), Some(true));
    assert_eq!(matches(uuid, "123e4567-e89b-12d3-a456-42661417400"), Some(false));
    let mac = "([0-9A-Fa-f][0-9A-Fa-f]:){5}([0-9A-Fa-f][0-9A-Fa-f])";
    assert_eq!(matches(mac, "00:1a:2B:3c:4D:5e"), Some(true));
    assert_eq!(matches(mac, "00:1a:2B:3c:4D:5g"), Some(false));
    assert_eq!(matches(mac, "00-1a-2B-3c-4D-5e"), Some(false));
}

#[test]
fn classes_and_escapes() {
    assert_eq!(matches("[A-Z][A-Z][ OI]", "US "), Some(true));
    assert_eq!(matches("[A-Z][A-Z][ OI]", "USX"), Some(false));
    assert_eq!(matches("[^a]b", "xb"), Some(true));
    assert_eq!(matches("[^a]b", "ab"), Some(false));
    assert_eq!(matches("X [0-9A-F]{6} .*", "X 00D09E Whatever"), Some(true));
    assert_eq!(matches("X [0-9A-F]{6} .*", "X 00D09e Whatever"), Some(false));
    assert_eq!(matches(r"a\-b", "a-b"), Some(true));
    assert_eq!(matches(r"[a\-]", "-"), Some(true));
    assert_eq!(matches(r"[a-]", "-"), Some(true));
    assert_eq!(matches(r"\d\D\s\S", "1x y"), Some(true));
    assert_eq!(matches("é+", "éé"), Some(true));
    assert_eq!(matches("[à-ÿ]", "é"), Some(true));
}

#[test]
fn unsupported_constructs_are_none() {
    for p in [r"\p{L}", "[a-[b]]", "(a", "a)", "*a", r"\i", "a{2,1}", "a{", "[a", "((((((((((a))))))))))"] {
        assert_eq!(matches(p, "a"), None, "{p}");
    }
    // Larger than the fixed program.
    assert_eq!(matches("a{300}", "a"), None);
}

#[test]
fn matching_allocates_nothing() {
    let ipv4 = "((25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])";
    cwmp_testkit::alloc::assert_no_alloc(|| {
        assert_eq!(matches(ipv4, "10.0.0.138"), Some(true));
    });
}

proptest::proptest! {
    /// The IPv4 pattern agrees with an independent parse of dotted quads.
    #[test]
    fn ipv4_pattern_agrees_with_core_net(a in 0u16..300, b in 0u8..=255, c in 0u8..=255, d in 0u16..300) {
        let ipv4 = "((25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])";
        let text = format!("{a}.{b}.{c}.{d}");
        let expected = text.parse::<core::net::Ipv4Addr>().is_ok();
        proptest::prop_assert_eq!(matches(ipv4, &text), Some(expected));
    }

    /// Arbitrary patterns and text never panic.
    #[test]
    fn arbitrary_input_never_panics(p in "[\\\\()\\[\\]{}|*+?.a-c0-9,^-]{0,24}", t in ".{0,16}") {
        let _ = matches(&p, &t);
    }
}
