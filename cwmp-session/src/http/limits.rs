//! Bounds of the HTTP layer, as one `Copy` value.

use cwmp_core::Limits;

/// Bounds applied while reading HTTP messages. Crossing one is a typed
/// [`HttpError`](super::HttpError), never a panic or a silent truncation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HttpLimits {
    /// Bytes of the whole head (start line, headers, blank line).
    pub max_head_len: usize,
    /// Header lines in one message (the caller's header array may be smaller).
    pub max_headers: usize,
    /// Length of one header line.
    pub max_header_len: usize,
    /// Bytes of one message body (after removing chunked framing).
    pub max_body_len: usize,
    /// Bytes of one chunk extension (`;name=value` after a chunk size).
    pub max_chunk_ext_len: usize,
    /// Bytes of the whole chunked trailer section.
    pub max_trailer_len: usize,
}

impl HttpLimits {
    /// Defaults derived from [`Limits::DEFAULT`].
    pub const DEFAULT: HttpLimits = HttpLimits::from_limits(&Limits::DEFAULT);

    /// The HTTP part of the crate-wide [`Limits`]: header count and line
    /// length, body size; the head may hold every header at full length
    /// (capped at 64 KiB), chunk extensions 256 bytes, trailers 1 KiB.
    pub const fn from_limits(l: &Limits) -> HttpLimits {
        let head = l.max_http_headers.saturating_add(1).saturating_mul(l.max_http_header_len);
        HttpLimits {
            max_head_len: if head < 64 * 1024 { head } else { 64 * 1024 },
            max_headers: l.max_http_headers,
            max_header_len: l.max_http_header_len,
            max_body_len: l.max_body_len,
            max_chunk_ext_len: 256,
            max_trailer_len: 1024,
        }
    }
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits::DEFAULT
    }
}
