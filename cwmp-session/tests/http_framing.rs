//! HTTP framing against RFC 9112 and what CWMP peers send: responses a CPE
//! reads, requests a server reads, heads we write parsed back, and the
//! limits of SECURITY.md.

use cwmp_session::http::head::{self, EMPTY_HEADER, Method, Parsed, Quirks, RequestHead, ResponseHead};
use cwmp_session::http::write::{BodyLength, CwmpRequest, HeadWriter, Response, SoapAction};
use cwmp_session::http::{BodyReader, Framing, HttpError, HttpLimits};
use cwmp_testkit::alloc::assert_no_alloc;

const L: HttpLimits = HttpLimits::DEFAULT;

fn response(raw: &[u8], f: impl FnOnce(ResponseHead<'_, '_>)) {
    let mut headers = [EMPTY_HEADER; 32];
    match head::parse_response(raw, &mut headers, &L, Quirks::STRICT, false).unwrap() {
        Parsed::Complete(r) => f(r),
        Parsed::Partial => panic!("partial"),
    }
}

fn request(raw: &[u8], f: impl FnOnce(RequestHead<'_, '_>)) {
    let mut headers = [EMPTY_HEADER; 32];
    match head::parse_request(raw, &mut headers, &L, Quirks::STRICT).unwrap() {
        Parsed::Complete(r) => f(r),
        Parsed::Partial => panic!("partial"),
    }
}

fn read_all(framing: Framing, mut input: &[u8], limits: HttpLimits) -> Result<Vec<u8>, HttpError> {
    let mut r = BodyReader::new(framing, limits)?;
    let mut out = Vec::new();
    loop {
        let s = r.read(input)?;
        out.extend_from_slice(s.data);
        input = &input[s.consumed..];
        if s.done || r.is_done() {
            return Ok(out);
        }
        if s.consumed == 0 {
            r.finish()?;
            return Ok(out);
        }
    }
}

#[test]
fn http_401_exposes_every_challenge_cookie_and_close() {
    let raw = b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"a\", nonce=\"n\"\r\n\
WWW-Authenticate: Basic realm=\"a\"\r\nSet-Cookie: s=1; Path=/\r\nSet-Cookie: t=2\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    response(raw, |r| {
        assert_eq!(r.status, 401);
        assert!(r.close, "Connection: close means the retry needs a new connection");
        assert_eq!(r.www_authenticate().count(), 2);
        assert_eq!(r.set_cookies().collect::<Vec<_>>(), [&b"s=1; Path=/"[..], b"t=2"]);
        assert_eq!(r.framing, Framing::Length(0));
    });
    response(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", |r| assert!(!r.close));
    response(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", |r| assert!(r.close, "HTTP/1.0 closes"));
}

#[test]
fn http_empty_acs_answers_204_empty_200_and_200_without_length() {
    response(b"HTTP/1.1 204 No Content\r\n\r\n", |r| {
        assert_eq!(r.framing, Framing::None);
        assert!(r.is_empty_body());
    });
    response(b"HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", |r| assert_eq!(r.framing, Framing::None));
    response(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", |r| assert!(r.is_empty_body()));
    // No length at all: the body runs until close; empty when closed at once.
    response(b"HTTP/1.1 200 OK\r\n\r\n", |r| {
        assert_eq!(r.framing, Framing::UntilClose);
        assert!(r.close);
        assert_eq!(read_all(r.framing, b"", L).unwrap(), b"");
    });
}

#[test]
fn http_content_type_xml_with_or_without_charset_and_html_accepted() {
    for ct in [
        "text/xml",
        "text/xml; charset=\"utf-8\"",
        "Text/XML;charset=ISO-8859-1",
        "text/html",
        "text/html; charset=utf-8",
    ] {
        let raw = format!("HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Length: 0\r\n\r\n");
        response(raw.as_bytes(), |r| assert!(r.content_type_acceptable(), "{ct}"));
    }
    response(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 0\r\n\r\n", |r| {
        assert!(!r.content_type_acceptable())
    });
}

#[test]
fn http_redirect_location_is_exposed() {
    response(
        b"HTTP/1.1 307 Temporary Redirect\r\nLocation: https://acs2.example/x\r\nContent-Length: 0\r\n\r\n",
        |r| assert_eq!(r.location(), Some("https://acs2.example/x")),
    );
}

#[test]
fn http_content_length_4294967296_is_refused_before_reading() {
    let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\n";
    let mut headers = [EMPTY_HEADER; 8];
    let err = head::parse_response(raw, &mut headers, &L, Quirks::STRICT, false).unwrap_err();
    assert_eq!(err, HttpError::BodyTooLarge { limit: L.max_body_len });
    assert_eq!(
        BodyReader::new(Framing::Length(4_294_967_296), L).unwrap_err(),
        HttpError::BodyTooLarge { limit: L.max_body_len }
    );
}

#[test]
fn http_bad_or_conflicting_lengths_are_refused() {
    for raw in [
        &b"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n"[..],
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n",
    ] {
        let mut headers = [EMPTY_HEADER; 8];
        let err = head::parse_response(raw, &mut headers, &L, Quirks::STRICT, false).unwrap_err();
        assert_eq!(err, HttpError::BadContentLength, "{}", String::from_utf8_lossy(raw));
    }
    // Same value twice is fine (RFC 9112 §6.3 item 5).
    response(b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", |r| assert_eq!(r.framing, Framing::Length(5)));
    // Both framings in a request: a smuggling vector, refused.
    let mut headers = [EMPTY_HEADER; 8];
    let raw = b"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_eq!(
        head::parse_request(raw, &mut headers, &L, Quirks::STRICT).unwrap_err(),
        HttpError::UnsupportedTransferEncoding
    );
    let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
    assert_eq!(
        head::parse_request(raw, &mut headers, &L, Quirks::STRICT).unwrap_err(),
        HttpError::UnsupportedTransferEncoding
    );
}

#[test]
fn http_head_and_header_limits_are_typed_errors() {
    let limits = HttpLimits { max_head_len: 64, ..L };
    let long = [b"GET / HTTP/1.1\r\nX: ".as_slice(), &[b'a'; 100]].concat();
    let mut headers = [EMPTY_HEADER; 8];
    assert_eq!(
        head::parse_request(&long, &mut headers, &limits, Quirks::STRICT).unwrap_err(),
        HttpError::HeadTooLong { limit: 64 }
    );
    let many: String = (0..10).map(|i| format!("X{i}: v\r\n")).collect();
    let raw = format!("GET / HTTP/1.1\r\n{many}\r\n");
    let mut headers = [EMPTY_HEADER; 4];
    assert_eq!(
        head::parse_request(raw.as_bytes(), &mut headers, &L, Quirks::STRICT).unwrap_err(),
        HttpError::TooManyHeaders { limit: 4 }
    );
    let limits = HttpLimits { max_header_len: 16, ..L };
    let raw = b"GET / HTTP/1.1\r\nX-Long: 0123456789abcdef\r\n\r\n";
    let mut headers = [EMPTY_HEADER; 4];
    assert!(matches!(
        head::parse_request(raw, &mut headers, &limits, Quirks::STRICT).unwrap_err(),
        HttpError::HeaderTooLong { limit: 16, .. }
    ));
}

#[test]
fn http_server_reads_expect_continue_and_answers_it() {
    request(b"POST /acs HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", |r| {
        assert!(r.expect_continue);
        assert_eq!(r.framing, Framing::Length(3));
    });
    response(Response::CONTINUE, |r| {
        assert_eq!(r.status, 100);
        assert_eq!(r.framing, Framing::None)
    });
}

#[test]
fn http_connection_request_get_has_no_body_and_unknown_methods_are_other() {
    request(b"GET /cr/abc HTTP/1.1\r\nHost: 10.0.0.1:7547\r\nAuthorization: Digest x=1\r\n\r\n", |r| {
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.target, "/cr/abc");
        assert_eq!(r.framing, Framing::None);
        assert_eq!(r.host(), Some("10.0.0.1:7547"));
        assert_eq!(r.authorization(), Some(&b"Digest x=1"[..]));
    });
    request(b"PUT / HTTP/1.1\r\n\r\n", |r| assert_eq!(r.method, Method::Other));
}

/// The misfortune-cookie row: extra headers (any cookie) do not change what
/// the listener sees.
#[test]
fn http_extra_headers_do_not_change_the_connection_request_view() {
    let base = b"GET /cr HTTP/1.1\r\nHost: h\r\nAuthorization: Digest a=1\r\n\r\n";
    let noisy = b"GET /cr HTTP/1.1\r\nCookie: C107374182=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\nHost: h\r\nX-Junk: 1\r\nAuthorization: Digest a=1\r\n\r\n";
    let view = |raw: &[u8]| {
        let mut headers = [EMPTY_HEADER; 32];
        let Parsed::Complete(r) = head::parse_request(raw, &mut headers, &L, Quirks::STRICT).unwrap() else { panic!() };
        (r.method, r.target.to_owned(), r.host().map(str::to_owned), r.authorization().map(<[u8]>::to_vec), r.framing)
    };
    assert_eq!(view(base), view(noisy));
}

#[test]
fn http_written_requests_parse_back_with_their_fields() {
    for (body, soap_action) in [
        (BodyLength::Length(1234), SoapAction::Empty),
        (BodyLength::Chunked, SoapAction::Method("urn:dslforum-org:cwmp-1-0#Inform")),
        (BodyLength::Empty, SoapAction::None),
        (BodyLength::Length(10), SoapAction::None),
    ] {
        let mut buf = [0u8; 512];
        let mut w = HeadWriter::new(&mut buf);
        let req = CwmpRequest {
            method: Method::Post,
            target: "/acs?x=1",
            host: "[fe80::1]:7547",
            user_agent: Some("cwmp-rs"),
            body,
            soap_action,
            close: true,
        };
        req.write(&mut w).unwrap();
        let n = w.finish().unwrap();
        let text = std::str::from_utf8(&buf[..n]).unwrap().to_owned();
        assert!(!text.to_ascii_lowercase().contains("expect:"), "never sends Expect");
        request(&buf[..n], |r| {
            assert_eq!(r.method, Method::Post);
            assert_eq!(r.target, "/acs?x=1");
            assert_eq!(r.host(), Some("[fe80::1]:7547"));
            assert!(r.close);
            match (body, r.framing) {
                (BodyLength::Length(a), Framing::Length(b)) => assert_eq!(a, b),
                (BodyLength::Chunked, Framing::Chunked) => {}
                (BodyLength::Empty, Framing::Length(0)) => {}
                other => panic!("{other:?}: {text}"),
            }
            match soap_action {
                SoapAction::None => assert_eq!(r.soap_action(), None),
                SoapAction::Empty => assert_eq!(r.soap_action(), Some("")),
                SoapAction::Method(m) => assert_eq!(r.soap_action(), Some(m)),
            }
        });
    }
}

/// TR-069 §3.4.1: an empty POST has neither SOAPAction nor Content-Type.
#[test]
fn http_empty_post_has_no_soapaction_and_no_content_type() {
    let req = |soap_action| CwmpRequest {
        method: Method::Post,
        target: "/",
        host: "acs",
        user_agent: None,
        body: BodyLength::Empty,
        soap_action,
        close: false,
    };
    let mut buf = [0u8; 256];
    let mut w = HeadWriter::new(&mut buf);
    assert!(matches!(req(SoapAction::Empty).write(&mut w), Err(HttpError::InvalidHeader { .. })));
    assert!(w.is_empty());
    req(SoapAction::None).write(&mut w).unwrap();
    let n = w.finish().unwrap();
    request(&buf[..n], |r| {
        assert_eq!(r.soap_action(), None);
        assert_eq!(r.headers.media_type(), None);
        assert_eq!(r.framing, Framing::Length(0));
    });
}

#[test]
fn http_written_responses_parse_back() {
    for (status, body, close) in [
        (200, BodyLength::Length(10), false),
        (204, BodyLength::Empty, false),
        (401, BodyLength::Empty, true),
        (405, BodyLength::Empty, true),
        (503, BodyLength::Empty, false),
    ] {
        let mut buf = [0u8; 256];
        let mut w = HeadWriter::new(&mut buf);
        Response { status, body, close }.write(&mut w).unwrap();
        if status == 405 {
            w.header("Allow", "GET").unwrap();
        }
        let n = w.finish().unwrap();
        response(&buf[..n], |r| {
            assert_eq!(r.status, status);
            assert_eq!(r.close, close);
            match status {
                204 => assert_eq!(r.framing, Framing::None),
                200 => assert_eq!(r.framing, Framing::Length(10)),
                _ => assert_eq!(r.framing, Framing::Length(0)),
            }
        });
    }
}

#[test]
fn http_writer_refuses_header_injection_and_reports_full_buffers() {
    let mut buf = [0u8; 64];
    let mut w = HeadWriter::new(&mut buf);
    assert!(matches!(w.header("X", "a\r\nEvil: 1"), Err(HttpError::InvalidHeader { .. })));
    assert!(matches!(w.header("Bad Name", "a"), Err(HttpError::InvalidHeader { .. })));
    assert_eq!(w.len(), 0, "a failed header leaves nothing behind");
    let mut small = [0u8; 8];
    let mut w = HeadWriter::new(&mut small);
    assert!(matches!(w.header("Host", "example.net"), Err(HttpError::BufferFull { .. })));
    assert_eq!(w.len(), 0);
}

/// The per-connection state is plain data small enough for a CPE's stack.
#[test]
fn http_session_state_values_are_small() {
    use cwmp_session::auth::{ClientAuth, DigestVerifier};
    use cwmp_session::http::cookie::CookieJar;
    use std::mem::size_of;
    let sizes = [
        ("BodyReader", size_of::<BodyReader>(), 96),
        ("HttpLimits", size_of::<HttpLimits>(), 64),
        ("ClientAuth", size_of::<ClientAuth>(), 512),
        ("DigestVerifier<8>", size_of::<DigestVerifier<8>>(), 8 * 64),
        ("CookieJar<1024>", size_of::<CookieJar<1024>>(), 1024 + 16),
    ];
    for (name, size, bound) in sizes {
        println!("{name}: {size} bytes");
        assert!(size <= bound, "{name} is {size} bytes (bound {bound})");
    }
}

/// Quirks are data: a space before the colon is refused strictly and
/// accepted leniently; bare-LF heads (Thomson dumps) parse either way.
#[test]
fn http_quirks_decide_what_sloppy_heads_are_accepted() {
    let sloppy = b"HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n";
    let mut headers = [EMPTY_HEADER; 8];
    assert!(head::parse_response(sloppy, &mut headers, &L, Quirks::STRICT, false).is_err());
    let mut headers = [EMPTY_HEADER; 8];
    let parsed = head::parse_response(sloppy, &mut headers, &L, Quirks::LENIENT, false).unwrap();
    assert!(matches!(parsed, Parsed::Complete(r) if r.framing == Framing::Length(0)));
    let bare_lf = b"HTTP/1.1 204 No Content\nServer: x\n\n";
    response(bare_lf, |r| assert_eq!((r.status, r.head_len), (204, bare_lf.len())));
}

#[test]
fn http_parse_and_write_allocate_nothing() {
    let raw = b"HTTP/1.1 200 OK\r\nSet-Cookie: a=b\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    assert_no_alloc(|| {
        let mut headers = [EMPTY_HEADER; 8];
        let Ok(Parsed::Complete(r)) = head::parse_response(raw, &mut headers, &L, Quirks::STRICT, false) else {
            panic!()
        };
        let mut body = BodyReader::new(r.framing, L).unwrap();
        let s = body.read(&raw[r.head_len..]).unwrap();
        assert_eq!(s.data, b"abc");
        let mut buf = [0u8; 256];
        let mut w = HeadWriter::new(&mut buf);
        CwmpRequest {
            method: Method::Post,
            target: "/",
            host: "h",
            user_agent: None,
            body: BodyLength::Chunked,
            soap_action: SoapAction::Empty,
            close: false,
        }
        .write(&mut w)
        .unwrap();
        w.finish().unwrap();
    });
}
