//! Writing message heads into a caller buffer: a small checked writer, the
//! CWMP request a CPE (or connection-request client) sends and the responses
//! a server sends. Values with CR, LF or other control bytes are refused
//! (no header injection); nothing is truncated silently.

use core::fmt::{self, Write as _};

use super::HttpError;
use super::head::Method;

/// Appends head lines to a byte buffer; every method either writes all of
/// its bytes or fails without changing the written length.
#[derive(Debug)]
pub struct HeadWriter<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> HeadWriter<'b> {
    /// A writer over `buf`, starting empty.
    pub fn new(buf: &'b mut [u8]) -> HeadWriter<'b> {
        HeadWriter { buf, len: 0 }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Nothing written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Appends raw bytes (no checks: for framing written by this crate).
    pub(crate) fn raw(&mut self, bytes: &[u8]) -> Result<(), HttpError> {
        let end = self.len.checked_add(bytes.len()).ok_or(HttpError::BufferFull { needed: bytes.len() })?;
        let Some(dst) = self.buf.get_mut(self.len..end) else {
            return Err(HttpError::BufferFull { needed: end - self.buf.len() });
        };
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// Appends header-value text: refuses control bytes other than HTAB.
    pub fn value(&mut self, v: &[u8]) -> Result<(), HttpError> {
        if v.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(HttpError::InvalidHeader { what: "control byte in value" });
        }
        self.raw(v)
    }

    /// Appends a formatted value (numbers, hex).
    pub fn value_fmt(&mut self, args: fmt::Arguments<'_>) -> Result<(), HttpError> {
        let start = self.len;
        let mut sink = FmtSink { w: self, err: None };
        if sink.write_fmt(args).is_err() {
            let err = sink.err.unwrap_or(HttpError::InvalidHeader { what: "formatting failed" });
            self.len = start;
            return Err(err);
        }
        Ok(())
    }

    /// Starts a header line: `name: ` (the value follows, then [`end_line`](Self::end_line)).
    pub fn start_header(&mut self, name: &str) -> Result<(), HttpError> {
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(HttpError::InvalidHeader { what: "header name is not a token" });
        }
        self.raw(name.as_bytes())?;
        self.raw(b": ")
    }

    /// Ends the current line with CRLF.
    pub fn end_line(&mut self) -> Result<(), HttpError> {
        self.raw(b"\r\n")
    }

    /// A whole header line `name: value`.
    pub fn header(&mut self, name: &str, value: &str) -> Result<(), HttpError> {
        self.atomic(|w| {
            w.start_header(name)?;
            w.value(value.as_bytes())?;
            w.end_line()
        })
    }

    /// A header line whose value `f` writes; on error nothing of the line stays.
    pub fn header_with(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut HeadWriter<'b>) -> Result<(), HttpError>,
    ) -> Result<(), HttpError> {
        self.atomic(|w| {
            w.start_header(name)?;
            f(w)?;
            w.end_line()
        })
    }

    /// Ends the head (blank line) and returns its length.
    pub fn finish(mut self) -> Result<usize, HttpError> {
        self.end_line()?;
        Ok(self.len)
    }

    fn atomic(&mut self, f: impl FnOnce(&mut Self) -> Result<(), HttpError>) -> Result<(), HttpError> {
        let start = self.len;
        f(self).inspect_err(|_| self.len = start)
    }

    /// A request line: `METHOD target HTTP/1.1`.
    pub fn request_line(&mut self, method: Method, target: &str) -> Result<(), HttpError> {
        if target.is_empty() || target.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(HttpError::InvalidHeader { what: "request target" });
        }
        self.atomic(|w| {
            w.raw(method.as_str().as_bytes())?;
            w.raw(b" ")?;
            w.raw(target.as_bytes())?;
            w.raw(b" HTTP/1.1\r\n")
        })
    }

    /// A status line: `HTTP/1.1 code reason`.
    pub fn status_line(&mut self, status: u16, reason: &str) -> Result<(), HttpError> {
        if !(100..=999).contains(&status) {
            return Err(HttpError::InvalidHeader { what: "status code" });
        }
        self.atomic(|w| {
            w.value_fmt(format_args!("HTTP/1.1 {status} "))?;
            w.value(reason.as_bytes())?;
            w.end_line()
        })
    }
}

struct FmtSink<'w, 'b> {
    w: &'w mut HeadWriter<'b>,
    err: Option<HttpError>,
}

impl fmt::Write for FmtSink<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.w.value(s.as_bytes()).map_err(|e| {
            self.err = Some(e);
            fmt::Error
        })
    }
}

/// An RFC 9110 token character.
pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// How the body of a request being written is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BodyLength {
    /// No body (`Content-Length: 0` for POST, nothing for GET).
    Empty,
    /// A body of known length.
    Length(u64),
    /// A streamed body: `Transfer-Encoding: chunked` (see [`super::chunked`]).
    Chunked,
}

impl BodyLength {
    /// The framing headers: `Content-Length: 0` for an empty body (no
    /// `Content-Type`, TR-069 §3.4.1), else the CWMP `Content-Type` and
    /// `Content-Length` or `Transfer-Encoding: chunked`.
    fn write_headers(self, w: &mut HeadWriter<'_>) -> Result<(), HttpError> {
        match self {
            BodyLength::Empty => w.header("Content-Length", "0"),
            BodyLength::Length(n) => {
                w.header("Content-Type", CWMP_CONTENT_TYPE)?;
                w.header_with("Content-Length", |w| w.value_fmt(format_args!("{n}")))
            }
            BodyLength::Chunked => {
                w.header("Content-Type", CWMP_CONTENT_TYPE)?;
                w.header("Transfer-Encoding", "chunked")
            }
        }
    }
}

/// `SOAPAction` as CWMP uses it (TR-069 §3.4.1): a POST carrying a SOAP
/// response or fault MUST send it with no value (`SOAPAction:`, no quotes);
/// an empty POST MUST NOT send it ([`CwmpRequest::write`] refuses that);
/// a POST carrying a SOAP request (Inform, TransferComplete, …) sends it,
/// empty (as the Thomson dumps in the corpus do) or naming the method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SoapAction<'a> {
    /// No `SOAPAction` header (empty POST, GET).
    None,
    /// `SOAPAction:` with an empty value (what most CPEs send).
    Empty,
    /// `SOAPAction: "urn:dslforum-org:cwmp-1-0#Inform"`-style value, quoted here.
    Method(&'a str),
}

/// The `Content-Type` of every CWMP body.
pub const CWMP_CONTENT_TYPE: &str = "text/xml; charset=\"utf-8\"";

/// The request head of a CWMP exchange: the CPE's POST to the ACS, or the
/// ACS's connection-request GET. Never sends `Expect` (CWMP peers answer
/// it badly) and never pipelines: one request per response.
#[derive(Debug, Clone, Copy)]
pub struct CwmpRequest<'a> {
    /// `POST` for sessions, `GET` for connection requests.
    pub method: Method,
    /// The request target (the URL's path and query).
    pub target: &'a str,
    /// The `Host` header value (see [`super::url::Url::write_host`]).
    pub host: &'a str,
    /// `User-Agent`, if any.
    pub user_agent: Option<&'a str>,
    /// The body.
    pub body: BodyLength,
    /// `SOAPAction`.
    pub soap_action: SoapAction<'a>,
    /// Send `Connection: close`.
    pub close: bool,
}

impl CwmpRequest<'_> {
    /// Writes the request line and fixed headers; an empty POST carries
    /// neither `Content-Type` nor `SOAPAction` (TR-069 §3.4.1: a
    /// `SOAPAction` there is refused as [`HttpError::InvalidHeader`]). The
    /// caller then adds
    /// `Cookie` ([`super::cookie::CookieJar::write_header`]) and
    /// `Authorization` (see [`crate::auth`]) and calls [`HeadWriter::finish`].
    pub fn write(&self, w: &mut HeadWriter<'_>) -> Result<(), HttpError> {
        if self.method == Method::Post && self.body == BodyLength::Empty && self.soap_action != SoapAction::None {
            return Err(HttpError::InvalidHeader { what: "SOAPAction on an empty POST" });
        }
        w.atomic(|w| {
            w.request_line(self.method, self.target)?;
            w.header("Host", self.host)?;
            if let Some(ua) = self.user_agent {
                w.header("User-Agent", ua)?;
            }
            if self.method == Method::Post || self.body != BodyLength::Empty {
                self.body.write_headers(w)?;
            }
            match self.soap_action {
                SoapAction::None => {}
                SoapAction::Empty => w.raw(b"SOAPAction: \r\n")?,
                SoapAction::Method(m) => w.header_with("SOAPAction", |w| {
                    w.raw(b"\"")?;
                    if m.contains('"') {
                        return Err(HttpError::InvalidHeader { what: "quote in SOAPAction" });
                    }
                    w.value(m.as_bytes())?;
                    w.raw(b"\"")
                })?,
            }
            if self.close {
                w.header("Connection", "close")?;
            }
            Ok(())
        })
    }
}

/// The reason phrase for the status codes this layer's users send.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// A response head as a server writes it: status, body length, and
/// `Connection: close` when the server closes after it. Challenges (401)
/// and `Allow` (405) are added by the caller before [`HeadWriter::finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    /// Status code; the reason phrase is [`reason_phrase`].
    pub status: u16,
    /// Body bytes that follow (`Content-Length`); ignored for 204 and 1xx.
    pub body: BodyLength,
    /// The server closes the connection after this response.
    pub close: bool,
}

impl Response {
    /// `100 Continue`, the interim answer to `Expect: 100-continue`; a
    /// complete head, send it as is.
    pub const CONTINUE: &'static [u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

    /// Writes the status line and framing headers.
    pub fn write(&self, w: &mut HeadWriter<'_>) -> Result<(), HttpError> {
        w.atomic(|w| {
            w.status_line(self.status, reason_phrase(self.status))?;
            if self.status != 204 && self.status >= 200 {
                self.body.write_headers(w)?;
            }
            if self.close {
                w.header("Connection", "close")?;
            }
            Ok(())
        })
    }
}
