//! The one error type of the HTTP layer: every failure says what and, where
//! it is about input, at which byte.

/// What went wrong while reading or writing an HTTP message.
///
/// Input errors carry `at`: the byte offset into the input slice given to the
/// call that failed (for the body decoder: into that call's input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum HttpError {
    /// The head (start line and headers) is not valid HTTP/1.1.
    #[error("malformed HTTP head ({what})")]
    MalformedHead {
        /// What httparse or our checks rejected.
        what: &'static str,
    },
    /// The head grew past [`HttpLimits::max_head_len`](super::HttpLimits::max_head_len)
    /// without ending.
    #[error("HTTP head longer than {limit} bytes")]
    HeadTooLong {
        /// The limit crossed.
        limit: usize,
    },
    /// More header lines than the caller's header array (or the limit) holds.
    #[error("more than {limit} HTTP header lines")]
    TooManyHeaders {
        /// The limit crossed.
        limit: usize,
    },
    /// One header line is longer than the limit.
    #[error("HTTP header line of {len} bytes (limit {limit})")]
    HeaderTooLong {
        /// Length of the offending line (name, colon, value).
        len: usize,
        /// The limit crossed.
        limit: usize,
    },
    /// `Content-Length` is not a decimal number, overflows, or appears twice
    /// with different values.
    #[error("bad Content-Length header")]
    BadContentLength,
    /// A `Transfer-Encoding` other than a final `chunked` (only `chunked` is
    /// understood), or one together with `Content-Length` in a request.
    #[error("unsupported Transfer-Encoding")]
    UnsupportedTransferEncoding,
    /// The body is (or would become) longer than the limit.
    #[error("HTTP body longer than {limit} bytes")]
    BodyTooLarge {
        /// The limit crossed.
        limit: usize,
    },
    /// The chunked framing is invalid at byte `at` of the decoder's input.
    #[error("bad chunked framing at byte {at}: {what}")]
    BadChunk {
        /// Offset into the input slice of the failing call.
        at: usize,
        /// What was expected.
        what: &'static str,
    },
    /// A chunk extension or the trailer section is longer than allowed.
    #[error("chunk extension or trailer longer than {limit} bytes")]
    ChunkMetaTooLong {
        /// The limit crossed.
        limit: usize,
    },
    /// The connection ended before the body was complete.
    #[error("connection closed {missing} bytes before the end of the body")]
    Truncated {
        /// Bytes still expected (for chunked bodies: at least this many).
        missing: u64,
    },
    /// The output buffer is too small for what was being written.
    #[error("output buffer too small (needed {needed} more bytes)")]
    BufferFull {
        /// Bytes that did not fit.
        needed: usize,
    },
    /// A value to be written contains CR, LF or another control byte
    /// (header injection), or a name is not an HTTP token.
    #[error("header name or value not writable: {what}")]
    InvalidHeader {
        /// Which part was rejected.
        what: &'static str,
    },
}
