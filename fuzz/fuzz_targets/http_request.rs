//! The server-side request parser on arbitrary bytes: no panic; a complete
//! head's body reads the same whole and in pieces; and a request we write
//! from the parsed method, target and host parses back to the same values.
#![no_main]

use cwmp_session::http::head::{self, EMPTY_HEADER, Method, Parsed, Quirks};
use cwmp_session::http::write::{BodyLength, CwmpRequest, HeadWriter, SoapAction};
use cwmp_session::http::{BodyReader, HttpLimits};
use libfuzzer_sys::fuzz_target;

fn read(framing: cwmp_session::http::Framing, input: &[u8], step: usize, limits: HttpLimits) -> Option<Vec<u8>> {
    let mut r = BodyReader::new(framing, limits).ok()?;
    let mut out = Vec::new();
    let mut pos = 0;
    while !r.is_done() && pos < input.len() {
        let end = (pos + step).min(input.len());
        let s = r.read(&input[pos..end]).ok()?;
        out.extend_from_slice(s.data);
        pos += s.consumed;
        if s.consumed == 0 {
            break;
        }
    }
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, raw)) = data.split_first() else { return };
    let limits = HttpLimits { max_body_len: 4096, ..HttpLimits::DEFAULT };
    let mut headers = [EMPTY_HEADER; 16];
    let Ok(Parsed::Complete(req)) = head::parse_request(raw, &mut headers, &limits, Quirks::STRICT) else { return };
    let rest = &raw[req.head_len..];
    assert_eq!(
        read(req.framing, rest, rest.len().max(1), limits),
        read(req.framing, rest, usize::from(first).max(1), limits)
    );
    let _ = (req.authorization(), req.soap_action(), req.expect_continue);
    // parse(write(x)) for what the writer accepts.
    let (Some(host), Method::Get | Method::Post) = (req.host(), req.method) else { return };
    let mut buf = [0u8; 4096];
    let mut w = HeadWriter::new(&mut buf);
    let request = CwmpRequest {
        method: req.method,
        target: req.target,
        host,
        user_agent: None,
        body: BodyLength::Empty,
        soap_action: SoapAction::None,
        close: false,
    };
    if request.write(&mut w).is_err() {
        return;
    }
    let Ok(n) = w.finish() else { return };
    let mut headers2 = [EMPTY_HEADER; 16];
    match head::parse_request(&buf[..n], &mut headers2, &limits, Quirks::STRICT) {
        Ok(Parsed::Complete(back)) => {
            assert_eq!(back.method, req.method);
            assert_eq!(back.target, req.target);
            assert_eq!(back.host(), Some(host.trim_matches([' ', '\t'])));
        }
        other => panic!("our own request does not parse: {other:?}"),
    }
});
