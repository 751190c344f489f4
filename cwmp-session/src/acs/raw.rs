//! The session on raw bytes with this crate's HTTP framing (`no_std`
//! servers, tests, fuzzing): [`read_request`] turns received bytes into an
//! [`HttpRequest`], [`write_response`] turns a [`Reply`] into bytes.
//! A std server on hyper or axum skips this module and fills
//! [`HttpRequest`] from its own parsed request.

use super::engine::{HttpRequest, Reply};
use crate::http::head::{self, EMPTY_HEADER, Quirks};
use crate::http::write::{BodyLength, HeadWriter, Response};
use crate::http::{BodyReader, Framing, HttpError, HttpLimits, Parsed};

/// Header lines read per request; the session needs only a few of them.
pub const MAX_HEADERS: usize = 32;

/// Reads one request from the start of `input`. `Parsed::Partial` until
/// the head and the whole body are there; then the request and the bytes
/// it used. A `Content-Length` body is borrowed from `input`; a chunked one
/// is copied into `scratch` (which bounds it). An over-long or malformed
/// request is an error: answer it with [`error_response`] and close.
pub fn read_request<'b>(
    input: &'b [u8],
    scratch: &'b mut [u8],
    limits: &HttpLimits,
    tls: bool,
) -> Result<Parsed<(HttpRequest<'b>, usize)>, HttpError> {
    let mut headers = [EMPTY_HEADER; MAX_HEADERS];
    let Parsed::Complete(h) = head::parse_request(input, &mut headers, limits, Quirks::LENIENT)? else {
        return Ok(Parsed::Partial);
    };
    let rest = input.get(h.head_len..).unwrap_or(&[]);
    let (body, used): (&'b [u8], usize) = match h.framing {
        Framing::None | Framing::UntilClose => (&[], 0),
        Framing::Length(n) => {
            BodyReader::new(h.framing, *limits)?;
            let n = usize::try_from(n).map_err(|_| HttpError::BodyTooLarge { limit: limits.max_body_len })?;
            match rest.get(..n) {
                Some(b) => (b, n),
                None => return Ok(Parsed::Partial),
            }
        }
        Framing::Chunked => {
            let mut reader = BodyReader::new(h.framing, *limits)?;
            let (mut at, mut len, cap) = (0, 0, scratch.len());
            while !reader.is_done() {
                let step = reader.read(rest.get(at..).unwrap_or(&[]))?;
                if step.consumed == 0 && !step.done {
                    return Ok(Parsed::Partial);
                }
                let dst = scratch.get_mut(len..len + step.data.len()).ok_or(HttpError::BodyTooLarge { limit: cap })?;
                dst.copy_from_slice(step.data);
                len += step.data.len();
                at += step.consumed;
            }
            let scratch: &'b [u8] = scratch;
            (scratch.get(..len).unwrap_or(&[]), at)
        }
    };
    let request = HttpRequest {
        method: h.method,
        target: h.target,
        authorization: h.authorization(),
        cookie: h.headers.get("cookie"),
        body,
        tls,
    };
    Ok(Parsed::Complete((request, h.head_len + used)))
}

/// Whether `input` holds a complete head asking for `100 Continue`
/// (`Expect: 100-continue`) and not yet its whole body: send
/// [`Response::CONTINUE`] once, then keep reading.
pub fn wants_continue(input: &[u8], limits: &HttpLimits) -> bool {
    let mut headers = [EMPTY_HEADER; MAX_HEADERS];
    match head::parse_request(input, &mut headers, limits, Quirks::LENIENT) {
        Ok(Parsed::Complete(h)) => {
            let body_expected =
                matches!(h.framing, Framing::Chunked) || matches!(h.framing, Framing::Length(n) if n > 0);
            h.expect_continue && body_expected && input.len() == h.head_len
        }
        _ => false,
    }
}

/// Writes `reply` (header lines from `head`, body from `body`) as an
/// HTTP/1.1 response into `out`; returns its length.
pub fn write_response(reply: &Reply, head: &[u8], body: &[u8], out: &mut [u8]) -> Result<usize, HttpError> {
    let body = body.get(..reply.body_len).unwrap_or(&[]);
    let mut w = HeadWriter::new(out);
    let length = if body.is_empty() { BodyLength::Empty } else { BodyLength::Length(body.len() as u64) };
    Response { status: reply.status, body: length, close: reply.close }.write(&mut w)?;
    for (name, value) in reply.headers(head) {
        w.header_with(name, |w| w.value(value))?;
    }
    let n = w.finish()?;
    let dst = out.get_mut(n..n + body.len()).ok_or(HttpError::BufferFull { needed: body.len() })?;
    dst.copy_from_slice(body);
    Ok(n + body.len())
}

/// The status answering a request [`read_request`] refused (400, 411, 413
/// or 431), always with `Connection: close`.
pub fn error_response(e: &HttpError, out: &mut [u8]) -> Result<usize, HttpError> {
    let status = match e {
        HttpError::HeadTooLong { .. } | HttpError::TooManyHeaders { .. } | HttpError::HeaderTooLong { .. } => 431,
        HttpError::BodyTooLarge { .. } => 413,
        _ => 400,
    };
    let mut w = HeadWriter::new(out);
    Response { status, body: BodyLength::Empty, close: true }.write(&mut w)?;
    w.finish()
}
