//! The one reader of HTTP/1.1 messages the workspace's tools and tests use:
//! head parsed by [`httparse`], body framed by `Content-Length` or
//! `Transfer-Encoding: chunked` (chunk-size lines by
//! [`httparse::parse_chunk_size`]).
//!
//! [`soap_body`] is the whole seam: bytes in, the SOAP body out, with byte
//! offsets counted from the start of the input. (When `cwmp-session`'s HTTP
//! layer has a std-friendly entry point, this function is the one place to
//! switch over.)
//!
//! Two artefacts of the corpus dumps (`shared/corpus/README.md`) are read as
//! what they are: head lines ending in a bare LF (the dumps were saved with
//! LF line ends; httparse accepts a bare LF after each head line), and
//! Thomson BANT dumps that carry one `\n` more than their `Content-Length`.
//! In [`Framing::Dump`] every byte after the head is the body and a
//! disagreeing `Content-Length` is reported in [`Unwrapped::note`]; in
//! [`Framing::Wire`] the length is trusted as a peer's would be.
//!
//! ```
//! use cwmp_testkit::http::{soap_body, Framing};
//!
//! let req = b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
//! assert_eq!(&*soap_body(req, Framing::Wire).unwrap().body, b"hello");
//! let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
//! assert_eq!(&*soap_body(chunked, Framing::Wire).unwrap().body, b"abcde");
//! assert_eq!(&*soap_body(b"<x/>", Framing::Wire).unwrap().body, b"<x/>");
//! // A sign is not part of a Content-Length (RFC 9110 §8.6: 1*DIGIT).
//! let signed = b"POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello";
//! assert_eq!(soap_body(signed, Framing::Wire).unwrap_err().what, "Content-Length is not a decimal number");
//! ```

use std::borrow::Cow;

/// Why an HTTP message could not be unwrapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    /// Byte offset of the problem, from the start of the input.
    pub offset: usize,
    /// What was wrong.
    pub what: &'static str,
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP: {} at byte {}", self.what, self.offset)
    }
}

impl std::error::Error for HttpError {}

/// How much to trust the framing headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// As a peer reads the wire: the body is exactly `Content-Length` bytes
    /// (an error when fewer follow).
    Wire,
    /// A file that holds exactly one message (a dump or capture): every byte
    /// after the head is the body; a `Content-Length` that disagrees is
    /// reported in [`Unwrapped::note`]. Dumps edited by hand (masked serial
    /// numbers, CRLF turned into LF) have stale lengths.
    Dump,
}

/// The SOAP body of an input, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwrapped<'a> {
    /// The body: borrowed unless it was de-chunked.
    pub body: Cow<'a, [u8]>,
    /// Whether the input was an HTTP message (else it is raw SOAP and the
    /// body is the whole input).
    pub http: bool,
    /// Offset of the first body byte in the input, when body byte `n` is
    /// input byte `body_start + n` (`None` for a chunked body).
    pub body_start: Option<usize>,
    /// Something about the framing a reader should know (a stale
    /// `Content-Length` in a dump).
    pub note: Option<String>,
}

/// Headers read from one message; more is an error, not a truncation.
const MAX_HEADERS: usize = 64;

fn looks_like_http(b: &[u8]) -> bool {
    const STARTS: [&[u8]; 7] = [b"POST ", b"GET ", b"PUT ", b"HTTP/", b"HEAD ", b"DELETE ", b"OPTIONS "];
    STARTS.iter().any(|s| b.starts_with(s))
}

/// The SOAP body of raw SOAP (returned whole) or of a whole HTTP/1.1 request
/// or response (after the head, limited by `Content-Length` or de-chunked).
pub fn soap_body(input: &[u8], framing: Framing) -> Result<Unwrapped<'_>, HttpError> {
    if !looks_like_http(input) {
        return Ok(Unwrapped { body: Cow::Borrowed(input), http: false, body_start: Some(0), note: None });
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let parsed = if input.starts_with(b"HTTP/") {
        let mut r = httparse::Response::new(&mut headers);
        r.parse(input).map(|s| (s, r.headers.len()))
    } else {
        let mut r = httparse::Request::new(&mut headers);
        r.parse(input).map(|s| (s, r.headers.len()))
    };
    let (end, count) = match parsed {
        Ok((httparse::Status::Complete(end), count)) => (end, count),
        Ok((httparse::Status::Partial, _)) => {
            return Err(HttpError { offset: input.len(), what: "no end of the HTTP head" });
        }
        Err(e) => return Err(HttpError { offset: 0, what: head_error(e) }),
    };
    // Offset of a header value (a slice of `input`) in the input, for
    // error reports.
    let head_at = |value: &[u8]| (value.as_ptr() as usize).saturating_sub(input.as_ptr() as usize);
    let mut content_length: Option<usize> = None;
    let mut chunked = false;
    for h in headers.iter().take(count) {
        if h.name.eq_ignore_ascii_case("content-length") {
            let at = head_at(h.value);
            let n = decimal(h.value).ok_or(HttpError { offset: at, what: "Content-Length is not a decimal number" })?;
            if content_length.is_some_and(|m| m != n) {
                return Err(HttpError { offset: at, what: "two different Content-Length values" });
            }
            content_length = Some(n);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            // The last coding listed is the one that frames the body.
            let last = match h.value.iter().rposition(|&c| c == b',') {
                Some(comma) => &h.value[comma + 1..],
                None => h.value,
            };
            chunked = last.trim_ascii().eq_ignore_ascii_case(b"chunked");
        }
    }
    let body = &input[end..];
    if chunked {
        // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length.
        let body = dechunk(body, end)?;
        return Ok(Unwrapped { body: Cow::Owned(body), http: true, body_start: None, note: None });
    }
    let whole = |note| Ok(Unwrapped { body: Cow::Borrowed(body), http: true, body_start: Some(end), note });
    match (content_length, framing) {
        (None, _) => whole(None),
        (Some(n), Framing::Dump) if n != body.len() => {
            whole(Some(format!("Content-Length {n} but {} bytes follow the head; using them all", body.len())))
        }
        (Some(n), _) => match body.get(..n) {
            Some(b) => Ok(Unwrapped { body: Cow::Borrowed(b), http: true, body_start: Some(end), note: None }),
            None => Err(HttpError { offset: input.len(), what: "body shorter than Content-Length" }),
        },
    }
}

fn head_error(e: httparse::Error) -> &'static str {
    match e {
        httparse::Error::HeaderName => "invalid header name",
        httparse::Error::HeaderValue => "invalid header value",
        httparse::Error::NewLine => "invalid line end in the head",
        httparse::Error::Status => "invalid status line",
        httparse::Error::Token => "invalid request line",
        httparse::Error::TooManyHeaders => "more than 64 headers",
        httparse::Error::Version => "not HTTP/1.x",
    }
}

/// `1*DIGIT` (RFC 9110 §8.6): no sign, no space, no hex; `None` on overflow.
fn decimal(v: &[u8]) -> Option<usize> {
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(v).ok()?.parse().ok()
}

/// De-chunks a chunked body starting at input offset `base`; trailers after
/// the last chunk are not read.
fn dechunk(mut b: &[u8], base: usize) -> Result<Vec<u8>, HttpError> {
    let start_len = b.len();
    let at = |rest: &[u8]| base + (start_len - rest.len());
    let mut out = Vec::new();
    loop {
        let (line, size) = match httparse::parse_chunk_size(b) {
            Ok(httparse::Status::Complete(v)) => v,
            Ok(httparse::Status::Partial) => {
                return Err(HttpError { offset: at(b), what: "chunk size line not terminated" });
            }
            Err(httparse::InvalidChunkSize) => return Err(HttpError { offset: at(b), what: "bad chunk size" }),
        };
        let chunk_at = at(b);
        b = &b[line..];
        if size == 0 {
            return Ok(out);
        }
        let data = usize::try_from(size)
            .ok()
            .and_then(|n| b.get(..n))
            .ok_or(HttpError { offset: chunk_at, what: "chunk longer than the input" })?;
        out.extend_from_slice(data);
        b = b[data.len()..]
            .strip_prefix(b"\r\n")
            .ok_or(HttpError { offset: at(&b[data.len()..]), what: "chunk data not followed by CRLF" })?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_content_length_in_a_file_dump_is_a_note_not_a_truncation() {
        let raw = b"POST / HTTP/1.1\nContent-Length: 3\n\n<a/>\n";
        assert_eq!(soap_body(raw, Framing::Wire).unwrap().body, &b"<a/"[..]);
        let u = soap_body(raw, Framing::Dump).unwrap();
        assert_eq!(u.body, &b"<a/>\n"[..]);
        assert_eq!(u.body_start, Some(35));
        assert!(u.note.unwrap().contains("Content-Length 3"));
    }

    #[test]
    fn truncated_chunked_body_is_an_error_at_the_chunk_size_line() {
        let e =
            soap_body(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", Framing::Wire).unwrap_err();
        assert_eq!(e, HttpError { offset: 47, what: "chunk longer than the input" });
    }

    #[test]
    fn content_length_must_be_digits_only() {
        for bad in ["+5", "-5", " 5x", "0x5", "5 5", ""] {
            let raw = format!("POST / HTTP/1.1\r\nContent-Length: {bad}\r\n\r\nhello");
            let e = soap_body(raw.as_bytes(), Framing::Dump).unwrap_err();
            assert_eq!(e.what, "Content-Length is not a decimal number", "{bad:?}");
            let value_at = 33 + bad.len() - bad.trim_start().len();
            assert_eq!(e.offset, value_at, "{bad:?}: the value, after `Content-Length: `");
        }
        let big = b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\nx";
        assert!(soap_body(big, Framing::Wire).is_err());
    }

    #[test]
    fn conflicting_content_lengths_are_refused() {
        let raw = b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab";
        assert_eq!(soap_body(raw, Framing::Wire).unwrap_err().what, "two different Content-Length values");
    }

    #[test]
    fn chunk_size_with_a_sign_or_bare_lf_is_refused() {
        let signed = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n+3\r\nabc\r\n0\r\n\r\n";
        assert_eq!(soap_body(signed, Framing::Wire).unwrap_err(), HttpError { offset: 47, what: "bad chunk size" });
        let lf = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n";
        assert!(soap_body(lf, Framing::Wire).is_err());
    }

    #[test]
    fn unterminated_head_is_an_error_at_the_end() {
        let raw = b"POST / HTTP/1.1\r\nContent-Length: 1\r\n";
        assert_eq!(
            soap_body(raw, Framing::Dump).unwrap_err(),
            HttpError { offset: raw.len(), what: "no end of the HTTP head" }
        );
    }
}
