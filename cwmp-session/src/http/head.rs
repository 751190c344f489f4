//! Reading message heads with `httparse`: the response a client reads and
//! the request a server reads, each with the headers CWMP cares about picked
//! out and the body framing decided (RFC 9112 §6.3).

use super::body::Framing;
use super::{HttpError, HttpLimits};
pub use httparse::{EMPTY_HEADER, Header};

/// Result of an incremental parse, like httparse's: the value, or "give me
/// more bytes" (a prefix of a valid head was seen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed<T> {
    /// The head is complete.
    Complete(T),
    /// More bytes are needed; call again with the longer input.
    Partial,
}

/// Tolerances for heads that real peers send (quirks as data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Quirks {
    /// Accept spaces between a header name and the colon.
    pub space_before_colon: bool,
    /// Accept obsolete line folding (continuation lines).
    pub obsolete_folding: bool,
    /// Accept several spaces between the parts of the start line.
    pub multiple_spaces: bool,
}

impl Quirks {
    /// Strict RFC 9112 parsing except bare-LF line ends, which httparse
    /// always accepts (Thomson devices send them).
    pub const STRICT: Quirks = Quirks { space_before_colon: false, obsolete_folding: false, multiple_spaces: false };
    /// Everything tolerated.
    pub const LENIENT: Quirks = Quirks { space_before_colon: true, obsolete_folding: true, multiple_spaces: true };

    fn config(self) -> httparse::ParserConfig {
        let mut c = httparse::ParserConfig::default();
        c.allow_spaces_after_header_name_in_responses(self.space_before_colon)
            .allow_obsolete_multiline_headers_in_responses(self.obsolete_folding)
            .allow_multiple_spaces_in_request_line_delimiters(self.multiple_spaces)
            .allow_multiple_spaces_in_response_status_delimiters(self.multiple_spaces);
        c
    }
}

impl Default for Quirks {
    fn default() -> Self {
        Quirks::LENIENT
    }
}

/// The headers of a parsed message, with lookups for the ones CWMP uses.
#[derive(Debug, Clone, Copy)]
pub struct Headers<'h, 'b> {
    list: &'h [Header<'b>],
}

impl<'h, 'b> Headers<'h, 'b> {
    /// Every header, in order.
    pub fn all(&self) -> &'h [Header<'b>] {
        self.list
    }

    /// Values of every header named `name` (case-insensitive), in order.
    pub fn get_all(&self, name: &'static str) -> impl Iterator<Item = &'b [u8]> + 'h {
        self.list.iter().filter(move |h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value)
    }

    /// The first value of `name`, trimmed of surrounding whitespace.
    pub fn get(&self, name: &'static str) -> Option<&'b [u8]> {
        self.get_all(name).next().map(trim)
    }

    /// The first value of `name` as text (`None` if absent or not UTF-8).
    pub fn get_str(&self, name: &'static str) -> Option<&'b str> {
        self.get(name).and_then(|v| core::str::from_utf8(v).ok())
    }

    /// `Connection: close` present (token list, case-insensitive).
    pub fn connection_close(&self) -> bool {
        self.get_all("connection").any(|v| list_has(v, b"close"))
    }

    /// The media type of `Content-Type` without parameters (`text/xml`,
    /// `text/html`, …), lowercase comparison left to the caller.
    pub fn media_type(&self) -> Option<&'b [u8]> {
        let v = self.get("content-type")?;
        let end = v.iter().position(|&b| b == b';').unwrap_or(v.len());
        Some(trim(v.get(..end).unwrap_or(v)))
    }

    fn framing(&self, limits: &HttpLimits) -> Result<Option<Framing>, HttpError> {
        let mut te = false;
        for v in self.get_all("transfer-encoding") {
            // Only a lone, final `chunked` coding is understood.
            let last = v.rsplit(|&b| b == b',').next().map(trim).unwrap_or(&[]);
            if !last.eq_ignore_ascii_case(b"chunked") || v.split(|&b| b == b',').count() > 1 || te {
                return Err(HttpError::UnsupportedTransferEncoding);
            }
            te = true;
        }
        let mut len: Option<u64> = None;
        for v in self.get_all("content-length") {
            for part in v.split(|&b| b == b',') {
                let n = parse_decimal(trim(part)).ok_or(HttpError::BadContentLength)?;
                if len.is_some_and(|l| l != n) {
                    return Err(HttpError::BadContentLength);
                }
                len = Some(n);
            }
        }
        if te {
            if len.is_some() {
                // RFC 9112 §6.1: both present is a smuggling vector; refuse.
                return Err(HttpError::UnsupportedTransferEncoding);
            }
            return Ok(Some(Framing::Chunked));
        }
        match len {
            Some(n) if n > limits.max_body_len as u64 => Err(HttpError::BodyTooLarge { limit: limits.max_body_len }),
            Some(n) => Ok(Some(Framing::Length(n))),
            None => Ok(None),
        }
    }
}

/// A parsed response head (client side).
#[derive(Debug, Clone, Copy)]
pub struct ResponseHead<'h, 'b> {
    /// Status code.
    pub status: u16,
    /// Reason phrase (may be empty).
    pub reason: &'b str,
    /// The headers.
    pub headers: Headers<'h, 'b>,
    /// How the body is delimited.
    pub framing: Framing,
    /// The server closes the connection after this response (`Connection:
    /// close`, or an HTTP/1.0 response): a retry after a 401 needs a new one.
    pub close: bool,
    /// Bytes of the head; the body starts here in the parsed buffer.
    pub head_len: usize,
}

impl<'h, 'b> ResponseHead<'h, 'b> {
    /// `Set-Cookie` values, in order.
    pub fn set_cookies(&self) -> impl Iterator<Item = &'b [u8]> + 'h {
        self.headers.get_all("set-cookie")
    }

    /// `WWW-Authenticate` values, in order (each may hold several challenges).
    pub fn www_authenticate(&self) -> impl Iterator<Item = &'b [u8]> + 'h {
        self.headers.get_all("www-authenticate")
    }

    /// The `Location` header, for redirects.
    pub fn location(&self) -> Option<&'b str> {
        self.headers.get_str("location")
    }

    /// The media type is one CWMP bodies arrive with: `text/xml` (with or
    /// without charset), `application/soap+xml`, or `text/html` (sent by
    /// real devices and ACSes). An absent type is accepted too.
    pub fn content_type_acceptable(&self) -> bool {
        self.headers.media_type().is_none_or(|m| {
            [&b"text/xml"[..], b"text/html", b"application/soap+xml", b"application/xml"]
                .iter()
                .any(|t| m.eq_ignore_ascii_case(t))
        })
    }

    /// The response has no body (204, or an empty 200 some ACSes send
    /// instead): the ACS has no more requests.
    pub fn is_empty_body(&self) -> bool {
        matches!(self.framing, Framing::None | Framing::Length(0))
    }
}

/// Parses a response head from the start of `buf`, incrementally.
///
/// `head_request` says the request was `HEAD` (no body follows). `headers`
/// is the caller's array; more header lines than it (or `limits.max_headers`)
/// holds is [`HttpError::TooManyHeaders`].
pub fn parse_response<'h, 'b>(
    buf: &'b [u8],
    headers: &'h mut [Header<'b>],
    limits: &HttpLimits,
    quirks: Quirks,
    head_request: bool,
) -> Result<Parsed<ResponseHead<'h, 'b>>, HttpError> {
    let cap = headers.len().min(limits.max_headers);
    let headers = headers.get_mut(..cap).unwrap_or(&mut []);
    let mut resp = httparse::Response::new(headers);
    let status = quirks.config().parse_response(&mut resp, buf);
    let head_len = match check_status(status, buf.len(), cap, limits)? {
        Some(n) => n,
        None => return Ok(Parsed::Partial),
    };
    let code = resp.code.unwrap_or(0);
    let version = resp.version.unwrap_or(1);
    let reason = resp.reason.unwrap_or("");
    let headers = Headers { list: resp.headers };
    check_lines(&headers, limits)?;
    let framing = headers.framing(limits)?;
    let framing = if head_request || code == 204 || code == 304 || (100..200).contains(&code) {
        Framing::None
    } else {
        framing.unwrap_or(Framing::UntilClose)
    };
    let close = headers.connection_close() || version == 0 || framing == Framing::UntilClose;
    Ok(Parsed::Complete(ResponseHead { status: code, reason, headers, framing, close, head_len }))
}

/// A request method, as far as CWMP peers use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Method {
    /// `GET`: connection requests.
    Get,
    /// `POST`: CWMP sessions.
    Post,
    /// `HEAD`.
    Head,
    /// Any other method (the server answers 405).
    Other,
}

impl Method {
    /// The method token.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Head => "HEAD",
            Method::Other => "OTHER",
        }
    }
}

/// A parsed request head (server side).
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'h, 'b> {
    /// The method.
    pub method: Method,
    /// The method token as sent.
    pub method_token: &'b str,
    /// The request target as sent (`/path?query` or an absolute URI).
    pub target: &'b str,
    /// The headers.
    pub headers: Headers<'h, 'b>,
    /// How the body is delimited (`None` when neither length header is sent).
    pub framing: Framing,
    /// The client asks for `100 Continue` before sending the body.
    pub expect_continue: bool,
    /// The client closes after this exchange (`Connection: close` or HTTP/1.0).
    pub close: bool,
    /// Bytes of the head; the body starts here in the parsed buffer.
    pub head_len: usize,
}

impl<'h, 'b> RequestHead<'h, 'b> {
    /// The `Authorization` header value.
    pub fn authorization(&self) -> Option<&'b [u8]> {
        self.headers.get("authorization")
    }

    /// The `Host` header value.
    pub fn host(&self) -> Option<&'b str> {
        self.headers.get_str("host")
    }

    /// The `SOAPAction` header: `None` when absent, `Some("")` when empty
    /// (quotes removed).
    pub fn soap_action(&self) -> Option<&'b str> {
        let v = self.headers.get_str("soapaction")?;
        Some(v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v))
    }
}

/// A request head as read, before any framing is decided: the start line
/// and the header lines (count and line length checked). For listeners that
/// read only a few headers (the connection-request listener, UDP requests).
#[derive(Debug, Clone, Copy)]
pub struct RawRequestHead<'h, 'b> {
    /// The method token as sent.
    pub method_token: &'b str,
    /// The request target as sent.
    pub target: &'b str,
    /// The minor HTTP version (`1` for HTTP/1.1).
    pub version: u8,
    /// The headers.
    pub headers: Headers<'h, 'b>,
    /// Bytes of the head.
    pub head_len: usize,
}

/// Parses the start line and header lines of a request, incrementally,
/// without looking at any header; see [`parse_request`] for the limits.
pub fn parse_request_raw<'h, 'b>(
    buf: &'b [u8],
    headers: &'h mut [Header<'b>],
    limits: &HttpLimits,
    quirks: Quirks,
) -> Result<Parsed<RawRequestHead<'h, 'b>>, HttpError> {
    let cap = headers.len().min(limits.max_headers);
    let headers = headers.get_mut(..cap).unwrap_or(&mut []);
    let mut req = httparse::Request::new(headers);
    let status = quirks.config().parse_request(&mut req, buf);
    let head_len = match check_status(status, buf.len(), cap, limits)? {
        Some(n) => n,
        None => return Ok(Parsed::Partial),
    };
    let headers = Headers { list: req.headers };
    check_lines(&headers, limits)?;
    Ok(Parsed::Complete(RawRequestHead {
        method_token: req.method.unwrap_or(""),
        target: req.path.unwrap_or(""),
        version: req.version.unwrap_or(1),
        headers,
        head_len,
    }))
}

/// Parses a request head from the start of `buf`, incrementally; see
/// [`parse_response`] for the header array and limits.
pub fn parse_request<'h, 'b>(
    buf: &'b [u8],
    headers: &'h mut [Header<'b>],
    limits: &HttpLimits,
    quirks: Quirks,
) -> Result<Parsed<RequestHead<'h, 'b>>, HttpError> {
    let Parsed::Complete(raw) = parse_request_raw(buf, headers, limits, quirks)? else {
        return Ok(Parsed::Partial);
    };
    let RawRequestHead { method_token, target, version, headers, head_len } = raw;
    let method = match method_token {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "HEAD" => Method::Head,
        _ => Method::Other,
    };
    let framing = headers.framing(limits)?.unwrap_or(Framing::None);
    let expect_continue = headers.get("expect").is_some_and(|v| v.eq_ignore_ascii_case(b"100-continue"));
    let close = headers.connection_close() || version == 0;
    Ok(Parsed::Complete(RequestHead {
        method,
        method_token,
        target,
        headers,
        framing,
        expect_continue,
        close,
        head_len,
    }))
}

fn check_status(
    status: httparse::Result<usize>,
    buf_len: usize,
    cap: usize,
    limits: &HttpLimits,
) -> Result<Option<usize>, HttpError> {
    match status {
        Ok(httparse::Status::Complete(n)) if n > limits.max_head_len => {
            Err(HttpError::HeadTooLong { limit: limits.max_head_len })
        }
        Ok(httparse::Status::Complete(n)) => Ok(Some(n)),
        Ok(httparse::Status::Partial) if buf_len > limits.max_head_len => {
            Err(HttpError::HeadTooLong { limit: limits.max_head_len })
        }
        Ok(httparse::Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => Err(HttpError::TooManyHeaders { limit: cap }),
        Err(e) => Err(HttpError::MalformedHead { what: httparse_what(e) }),
    }
}

fn httparse_what(e: httparse::Error) -> &'static str {
    match e {
        httparse::Error::HeaderName => "header name",
        httparse::Error::HeaderValue => "header value",
        httparse::Error::NewLine => "line end",
        httparse::Error::Status => "status",
        httparse::Error::Token => "token",
        httparse::Error::TooManyHeaders => "too many headers",
        httparse::Error::Version => "version",
    }
}

fn check_lines(headers: &Headers<'_, '_>, limits: &HttpLimits) -> Result<(), HttpError> {
    for h in headers.list {
        let len = h.name.len() + 1 + h.value.len();
        if len > limits.max_header_len {
            return Err(HttpError::HeaderTooLong { len, limit: limits.max_header_len });
        }
    }
    Ok(())
}

/// Strict decimal: digits only, checked arithmetic.
fn parse_decimal(v: &[u8]) -> Option<u64> {
    if v.is_empty() {
        return None;
    }
    v.iter().try_fold(0u64, |acc, &b| {
        let d = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(u64::from(d))
    })
}

/// `v` without leading and trailing spaces and tabs.
pub(crate) fn trim(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|b| !matches!(b, b' ' | b'\t')).unwrap_or(v.len());
    let end = v.iter().rposition(|b| !matches!(b, b' ' | b'\t')).map_or(start, |e| e + 1);
    v.get(start..end).unwrap_or(&[])
}

fn list_has(v: &[u8], token: &[u8]) -> bool {
    v.split(|&b| b == b',').any(|t| trim(t).eq_ignore_ascii_case(token))
}
