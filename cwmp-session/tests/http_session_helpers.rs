//! Cookies, redirects and URLs as one CWMP session uses them.

use cwmp_session::http::cookie::{CookieError, CookieJar, CookieUpdate};
use cwmp_session::http::redirect::{RedirectError, RedirectPolicy, Redirects};
use cwmp_session::http::url::{Scheme, Url, UrlError};
use cwmp_session::http::write::HeadWriter;
use proptest::prelude::*;

#[test]
fn cookie_jar_keeps_several_ignores_attributes_and_sends_one_header() {
    let mut jar = CookieJar::<512>::new();
    assert_eq!(
        jar.store(
            b"session=abc123; Path=/; Domain=acs.example; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly"
        ),
        Ok(CookieUpdate::Added)
    );
    assert_eq!(jar.store(b"node=\"7\"; Max-Age=3600"), Ok(CookieUpdate::Added));
    assert_eq!(jar.store(b"lb=x"), Ok(CookieUpdate::Added));
    assert_eq!(jar.len(), 3);
    let mut buf = [0u8; 128];
    let mut w = HeadWriter::new(&mut buf);
    jar.write_header(&mut w).unwrap();
    assert_eq!(w.written(), b"Cookie: session=abc123; node=\"7\"; lb=x\r\n");
}

#[test]
fn cookie_of_the_same_name_replaces_and_max_age_zero_removes() {
    let mut jar = CookieJar::<512>::new();
    jar.store(b"a=1").unwrap();
    jar.store(b"b=2").unwrap();
    jar.store(b"c=3").unwrap();
    assert_eq!(jar.store(b"b=22; Path=/"), Ok(CookieUpdate::Replaced));
    assert_eq!(jar.header_value(), b"a=1; c=3; b=22");
    assert_eq!(jar.store(b"a=0; Max-Age=0"), Ok(CookieUpdate::Removed));
    assert_eq!(jar.header_value(), b"c=3; b=22");
    assert_eq!(jar.get(b"b"), Some(&b"22"[..]));
    jar.clear();
    assert!(jar.is_empty(), "cleared at session end");
    let mut buf = [0u8; 16];
    let mut w = HeadWriter::new(&mut buf);
    jar.write_header(&mut w).unwrap();
    assert!(w.is_empty(), "no Cookie header from an empty jar");
}

#[test]
fn cookie_that_does_not_fit_is_reported_and_the_jar_kept() {
    let mut jar = CookieJar::<512>::new();
    let big = [b"big=".as_slice(), &[b'v'; 400]].concat();
    jar.store(&big).unwrap();
    let before = jar.clone();
    let other = [b"other=".as_slice(), &[b'w'; 200]].concat();
    assert!(matches!(jar.store(&other), Err(CookieError::NoRoom { .. })));
    assert_eq!(jar, before, "nothing evicted, nothing half-written");
    assert_eq!(jar.store(b"=novalue"), Err(CookieError::Malformed));
    assert_eq!(jar.store(b"noequals"), Err(CookieError::Malformed));
    assert_eq!(jar.store(b"a=b\x01"), Err(CookieError::Malformed));
}

proptest! {
    /// The jar against a model (a list of name/value pairs in insertion order).
    #[test]
    fn cookie_jar_matches_a_simple_model(ops in proptest::collection::vec((0u8..6, "[a-z0-9]{0,12}", any::<bool>()), 0..40)) {
        let mut jar = CookieJar::<512>::new();
        let mut model: Vec<(String, String)> = Vec::new();
        for (name, value, delete) in ops {
            let name = format!("n{name}");
            let line = if delete { format!("{name}=x; Max-Age=0") } else { format!("{name}={value}; Path=/") };
            match jar.store(line.as_bytes()) {
                Ok(_) => {
                    model.retain(|(n, _)| *n != name);
                    if !delete {
                        model.push((name, value));
                    }
                }
                Err(CookieError::NoRoom { .. }) => {}
                Err(e) => prop_assert!(false, "{e:?}"),
            }
            let expected: Vec<String> = model.iter().map(|(n, v)| format!("{n}={v}")).collect();
            prop_assert_eq!(std::str::from_utf8(jar.header_value()).unwrap(), expected.join("; "));
        }
    }
}

#[test]
fn redirect_follows_each_redirect_status_up_to_the_bound_then_fails() {
    let acs = Url::parse("https://acs.example/cwmp").unwrap();
    let mut r = Redirects::new(RedirectPolicy::DEFAULT);
    for status in [301, 302, 307, 308] {
        let next = r.follow(&acs, status, Some("https://acs2.example:8443/x")).unwrap();
        assert!(next.keep_method, "{status} resends the POST");
        assert_eq!(next.url.port, 8443);
    }
    let next = r.follow(&acs, 303, Some("https://acs2.example/y")).unwrap();
    assert!(!next.keep_method, "303 switches to GET");
    assert_eq!(r.follow(&acs, 302, Some("https://acs.example/cwmp")), Err(RedirectError::TooMany { max: 5 }));
    assert!(Redirects::is_redirect(307) && !Redirects::is_redirect(304) && !Redirects::is_redirect(200));
}

#[test]
fn redirect_loop_ends_in_a_typed_error() {
    let a = Url::parse("http://a.example/").unwrap();
    let mut r = Redirects::new(RedirectPolicy { max_redirects: 3, allow_downgrade: false });
    let mut current = a;
    let targets = ["http://b.example/", "http://a.example/"];
    let mut i = 0;
    let err = loop {
        match r.follow(&current, 302, Some(targets[i % 2])) {
            Ok(next) => current = next.url,
            Err(e) => break e,
        }
        i += 1;
    };
    assert_eq!(err, RedirectError::TooMany { max: 3 });
    assert_eq!(i, 3);
}

#[test]
fn redirect_refuses_downgrade_missing_and_bad_locations() {
    let tls = Url::parse("https://acs.example/").unwrap();
    let mut r = Redirects::default();
    assert_eq!(r.follow(&tls, 302, Some("http://acs.example/")), Err(RedirectError::Downgrade));
    assert_eq!(r.follow(&tls, 302, None), Err(RedirectError::NoLocation));
    assert_eq!(r.follow(&tls, 302, Some("/relative")), Err(RedirectError::BadLocation(UrlError::Scheme)));
    assert_eq!(r.followed, 0, "refused redirects are not counted");
}

#[test]
fn url_parses_hosts_ports_ipv6_and_refuses_the_rest() {
    let u = Url::parse("http://[2001:db8::1]:7547/cr/x?y=1").unwrap();
    assert_eq!((u.scheme, u.host, u.ipv6, u.port, u.target), (Scheme::Http, "2001:db8::1", true, 7547, "/cr/x?y=1"));
    let u = Url::parse("HTTPS://acs.example.net").unwrap();
    assert_eq!((u.scheme, u.port, u.target, u.explicit_port), (Scheme::Https, 443, "/", false));
    let u = Url::parse("http://10.0.0.1:80?x").unwrap();
    assert_eq!(u.target, "?x");
    for (bad, err) in [
        ("ftp://a/", UrlError::Scheme),
        ("http://user:pw@a/", UrlError::UserInfo),
        ("http://a:0/", UrlError::Port),
        ("http://a:65536/", UrlError::Port),
        ("http://a:12x/", UrlError::Port),
        ("http:///x", UrlError::Host),
        ("http://[::1/", UrlError::Host),
        ("http://a b/", UrlError::Char { at: 8 }),
        ("http://a/#frag", UrlError::Char { at: 9 }),
    ] {
        assert_eq!(Url::parse(bad), Err(err), "{bad}");
    }
    let mut buf = [0u8; 64];
    let mut w = HeadWriter::new(&mut buf);
    Url::parse("http://[fe80::1]:7547/").unwrap().write_host(&mut w).unwrap();
    Url::parse("https://a.example:443/").unwrap().write_host(&mut w).unwrap();
    assert_eq!(w.written(), b"[fe80::1]:7547a.example");
}
