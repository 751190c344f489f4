//! The client-side response parser and body reader on arbitrary bytes: no
//! panic, and the body read in pieces (sizes from the first byte) equals the
//! body read whole, with the same error or end.
#![no_main]

use cwmp_session::http::head::{self, EMPTY_HEADER, Parsed, Quirks};
use cwmp_session::http::{BodyReader, Framing, HttpLimits};
use libfuzzer_sys::fuzz_target;

/// Reads the body feeding at most `step` bytes per call: (body, ok, consumed).
fn body(framing: Framing, input: &[u8], step: usize, limits: HttpLimits) -> (Vec<u8>, bool, usize) {
    let Ok(mut r) = BodyReader::new(framing, limits) else { return (Vec::new(), false, 0) };
    let mut out = Vec::new();
    let mut pos = 0;
    while !r.is_done() && pos < input.len() {
        let end = (pos + step).min(input.len());
        match r.read(&input[pos..end]) {
            Ok(s) => {
                assert!(s.consumed <= end - pos);
                out.extend_from_slice(s.data);
                pos += s.consumed;
                if s.consumed == 0 && !s.done {
                    // Needs more than the step gives: only possible at the end.
                    assert_eq!(end, input.len(), "reader stalled with input left");
                    break;
                }
            }
            Err(_) => return (out, false, pos),
        }
    }
    let ok = r.is_done() || r.finish().is_ok();
    (out, ok, pos)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, raw)) = data.split_first() else { return };
    let limits = HttpLimits { max_body_len: 4096, ..HttpLimits::DEFAULT };
    let mut headers = [EMPTY_HEADER; 16];
    let Ok(Parsed::Complete(resp)) = head::parse_response(raw, &mut headers, &limits, Quirks::LENIENT, first & 1 == 1)
    else {
        return;
    };
    let _ =
        (resp.location(), resp.www_authenticate().count(), resp.set_cookies().count(), resp.content_type_acceptable());
    let rest = &raw[resp.head_len..];
    let whole = body(resp.framing, rest, rest.len().max(1), limits);
    let split = body(resp.framing, rest, usize::from(first >> 1).max(1), limits);
    assert_eq!(whole, split);
});
