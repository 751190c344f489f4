//! The incoming HTTP response, kept in one fixed buffer: the head as
//! received, then the body with its transfer coding removed in place (a
//! decoded body is never longer than the bytes it came from).

use crate::http::head::{self, EMPTY_HEADER, Quirks};
use crate::http::{BodyReader, Framing, HttpError, HttpLimits, Parsed};

/// Header lines kept while parsing a response head.
pub const MAX_HEADERS: usize = 32;

/// Where the reading of one response stands (plain data).
#[derive(Debug, Clone, Copy)]
pub(crate) enum RxState {
    /// Waiting for (the rest of) the head.
    Head,
    /// Reading the body: `body` decoded bytes sit after the head,
    /// raw bytes from `raw` on.
    Body { head_len: usize, reader: BodyReader, body: usize, raw: usize },
    /// A whole response: head, then `body` bytes of body.
    Complete { head_len: usize, body: usize },
}

/// Why the bytes received cannot be a response we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RxError {
    /// The HTTP layer refused them.
    Http(HttpError),
    /// The response does not fit the session's receive buffer.
    TooLarge,
    /// Bytes after a complete response (the ACS pipelined).
    Trailing,
}

/// The receive buffer.
#[derive(Debug, Clone)]
pub(crate) struct Rx<const N: usize> {
    buf: heapless::Vec<u8, N>,
    state: RxState,
}

impl<const N: usize> Rx<N> {
    pub(crate) const fn new() -> Self {
        Rx { buf: heapless::Vec::new(), state: RxState::Head }
    }

    /// Forgets everything received.
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.state = RxState::Head;
    }

    /// The complete response's head and body, if one arrived.
    pub(crate) fn complete(&self) -> Option<(&[u8], &[u8])> {
        let RxState::Complete { head_len, body } = self.state else { return None };
        let (head, rest) = self.buf.split_at_checked(head_len)?;
        Some((head, rest.get(..body)?))
    }

    /// Appends `bytes`; `Ok(true)` once a whole response is in.
    pub(crate) fn push(&mut self, bytes: &[u8], limits: &HttpLimits) -> Result<bool, RxError> {
        if matches!(self.state, RxState::Complete { .. }) {
            return if bytes.is_empty() { Ok(true) } else { Err(RxError::Trailing) };
        }
        self.buf.extend_from_slice(bytes).map_err(|_| RxError::TooLarge)?;
        if let RxState::Head = self.state {
            let mut headers = [EMPTY_HEADER; MAX_HEADERS];
            match head::parse_response(&self.buf, &mut headers, limits, Quirks::LENIENT, false) {
                Ok(Parsed::Partial) => return Ok(false),
                Ok(Parsed::Complete(h)) => {
                    let framing = h.framing;
                    let head_len = h.head_len;
                    let reader = BodyReader::new(framing, *limits).map_err(RxError::Http)?;
                    if framing == Framing::None {
                        self.state = RxState::Complete { head_len, body: 0 };
                        return self.check_trailing(head_len);
                    }
                    self.state = RxState::Body { head_len, reader, body: 0, raw: head_len };
                }
                Err(e) => return Err(RxError::Http(e)),
            }
        }
        self.read_body()
    }

    /// The connection closed: a body running until close is complete.
    pub(crate) fn closed(&mut self) -> bool {
        if let RxState::Body { head_len, mut reader, body, .. } = self.state
            && reader.finish().is_ok()
        {
            self.buf.truncate(head_len + body);
            self.state = RxState::Complete { head_len, body };
            return true;
        }
        false
    }

    fn check_trailing(&self, end: usize) -> Result<bool, RxError> {
        if self.buf.len() > end { Err(RxError::Trailing) } else { Ok(true) }
    }

    /// Decodes the raw bytes after the body read so far, in place.
    fn read_body(&mut self) -> Result<bool, RxError> {
        let RxState::Body { head_len, mut reader, mut body, mut raw } = self.state else { return Ok(false) };
        loop {
            let input = self.buf.get(raw..).unwrap_or_default();
            let step = reader.read(input).map_err(RxError::Http)?;
            // The data is a slice of `input`: where it starts in the buffer.
            let data_at = raw + (step.data.as_ptr() as usize).saturating_sub(input.as_ptr() as usize);
            let (n, consumed, done) = (step.data.len(), step.consumed, step.done);
            let dst = head_len + body;
            self.buf.copy_within(data_at..data_at + n, dst);
            body += n;
            raw += consumed;
            if done {
                self.state = RxState::Complete { head_len, body };
                let end = head_len + body;
                let trailing = self.buf.len() > raw;
                self.buf.truncate(end);
                return if trailing { Err(RxError::Trailing) } else { Ok(true) };
            }
            if consumed == 0 {
                break;
            }
        }
        // Move the unread raw bytes down behind the decoded body.
        let end = head_len + body;
        let len = self.buf.len();
        self.buf.copy_within(raw..len, end);
        self.buf.truncate(end + (len - raw));
        self.state = RxState::Body { head_len, reader, body, raw: end };
        Ok(false)
    }
}
