//! Helpers shared by the example programs.
//!
//! [`soap_body`] takes what a capture or dump holds — raw SOAP, or a whole
//! HTTP/1.1 request or response — and returns the SOAP body: after the head,
//! limited by `Content-Length` or de-chunked when
//! `Transfer-Encoding: chunked`.
//!
//! ```
//! let req = b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
//! assert_eq!(&*cwmp_examples::soap_body(req).unwrap(), b"hello");
//! let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
//! assert_eq!(&*cwmp_examples::soap_body(chunked).unwrap(), b"abcde");
//! assert_eq!(&*cwmp_examples::soap_body(b"<x/>").unwrap(), b"<x/>");
//! ```

use std::borrow::Cow;

/// Why an HTTP message could not be unwrapped; `offset` is a byte offset
/// in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    /// Byte offset of the problem.
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

fn looks_like_http(b: &[u8]) -> bool {
    const STARTS: [&[u8]; 6] = [b"POST ", b"GET ", b"PUT ", b"HTTP/", b"HEAD ", b"DELETE "];
    STARTS.iter().any(|s| b.starts_with(s))
}

/// End of the head (offset of the first body byte): the first empty line,
/// CRLF or bare LF line ends.
fn head_end(b: &[u8]) -> Option<usize> {
    let mut line_start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' {
            let line = &b[line_start..i];
            if line.is_empty() || line == b"\r" {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

/// The SOAP body of raw SOAP or of a whole HTTP message.
pub fn soap_body(input: &[u8]) -> Result<Cow<'_, [u8]>, HttpError> {
    body_of(input, true).map(|(b, _)| b)
}

/// Like [`soap_body`], for a file that holds exactly one message (a dump or
/// capture): when `Content-Length` disagrees with the bytes after the head,
/// all those bytes are the body and the second value says so. Dumps edited
/// by hand (masked serial numbers, CRLF turned into LF) have stale lengths.
pub fn soap_body_of_file(input: &[u8]) -> Result<(Cow<'_, [u8]>, Option<String>), HttpError> {
    body_of(input, false)
}

fn body_of(input: &[u8], trust_length: bool) -> Result<(Cow<'_, [u8]>, Option<String>), HttpError> {
    if !looks_like_http(input) {
        return Ok((Cow::Borrowed(input), None));
    }
    let end = head_end(input).ok_or(HttpError { offset: input.len(), what: "no end of the HTTP head" })?;
    let head = String::from_utf8_lossy(&input[..end]);
    let body = &input[end..];
    let mut content_length = None;
    let mut chunked = false;
    for line in head.lines().skip(1) {
        let Some((name, value)) = line.split_once(':') else { continue };
        let value = value.trim();
        if name.trim().eq_ignore_ascii_case("content-length") {
            let n: usize = value.parse().map_err(|_| HttpError { offset: 0, what: "bad Content-Length" })?;
            content_length = Some(n);
        } else if name.trim().eq_ignore_ascii_case("transfer-encoding")
            && value.to_ascii_lowercase().contains("chunked")
        {
            chunked = true;
        }
    }
    if chunked {
        return dechunk(body, end).map(|b| (Cow::Owned(b), None));
    }
    match content_length {
        Some(n) if n != body.len() && !trust_length => Ok((
            Cow::Borrowed(body),
            Some(format!("Content-Length {n} but {} bytes follow the head; using them all", body.len())),
        )),
        Some(n) if n > body.len() => Err(HttpError { offset: input.len(), what: "body shorter than Content-Length" }),
        Some(n) => Ok((Cow::Borrowed(&body[..n]), None)),
        None => Ok((Cow::Borrowed(body), None)),
    }
}

fn dechunk(mut b: &[u8], base: usize) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::new();
    let start_len = b.len();
    loop {
        let at = base + (start_len - b.len());
        let eol = b
            .iter()
            .position(|&c| c == b'\n')
            .ok_or(HttpError { offset: at, what: "chunk size line not terminated" })?;
        let line =
            std::str::from_utf8(&b[..eol]).map_err(|_| HttpError { offset: at, what: "chunk size not ASCII" })?;
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size =
            usize::from_str_radix(size_text, 16).map_err(|_| HttpError { offset: at, what: "bad chunk size" })?;
        b = &b[eol + 1..];
        if size == 0 {
            return Ok(out);
        }
        let data = b.get(..size).ok_or(HttpError { offset: at, what: "chunk longer than the input" })?;
        out.extend_from_slice(data);
        b = &b[size..];
        b = b
            .strip_prefix(b"\r\n")
            .or_else(|| b.strip_prefix(b"\n"))
            .ok_or(HttpError { offset: base + (start_len - b.len()), what: "chunk data not followed by a line end" })?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_http_dumps_match_the_testkit_reading() {
        for f in cwmp_testkit::corpus::files("messages", &[".http"]) {
            let raw = std::fs::read(&f).unwrap();
            let theirs = cwmp_testkit::corpus::soap_body(&f);
            let (whole, _) = soap_body_of_file(&raw).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert_eq!(whole, &theirs[..], "{}", f.display());
            // Trusting Content-Length gives a prefix (the Thomson dumps carry
            // one extra byte, the MikroTik one was edited by hand) or fails.
            if let Ok(strict) = soap_body(&raw) {
                assert!(theirs.starts_with(&strict), "{}", f.display());
            }
        }
    }

    #[test]
    fn stale_content_length_in_a_file_dump() {
        let raw = b"POST / HTTP/1.1\nContent-Length: 3\n\n<a/>\n";
        assert_eq!(soap_body(raw).unwrap(), &b"<a/"[..]);
        let (b, note) = soap_body_of_file(raw).unwrap();
        assert_eq!(b, &b"<a/>\n"[..]);
        assert!(note.unwrap().contains("Content-Length 3"));
    }

    #[test]
    fn truncated_chunked_body_is_an_error_with_offset() {
        let e = soap_body(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc").unwrap_err();
        assert_eq!(e.what, "chunk longer than the input");
        assert_eq!(e.offset, 47, "the start of the chunk-size line");
    }
}
