//! The chunked transfer coding, sending side (RFC 9112 §7.1): frames bytes
//! that the caller's encoder writes in place, so a body of unknown length
//! (the resumable SOAP encoder's output) streams through one buffer.
//!
//! The frame reserves a fixed-width size line, hands out the payload area,
//! then patches the size (zero-padded hex, which the grammar allows) and the
//! closing CRLF once the caller says how much it filled:
//!
//! ```
//! use cwmp_session::http::chunked::{ChunkFrame, LAST_CHUNK};
//! let mut buf = [0u8; 64];
//! let frame = ChunkFrame::for_buffer(buf.len()).unwrap();
//! let payload = frame.payload(&mut buf);
//! payload[..5].copy_from_slice(b"hello");
//! let n = frame.seal(&mut buf, 5).unwrap();
//! assert_eq!(&buf[..n], b"05\r\nhello\r\n");
//! assert_eq!(LAST_CHUNK, b"0\r\n\r\n");
//! ```

use super::HttpError;

/// The last chunk and the empty trailer: ends a chunked body.
pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// The layout of one chunk in a buffer of a given length: `width` hex digits,
/// CRLF, payload, CRLF. Plain data: compute once per buffer size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ChunkFrame {
    width: usize,
    capacity: usize,
}

impl ChunkFrame {
    /// The frame for a buffer of `len` bytes, or `None` when not even one
    /// payload byte fits.
    pub fn for_buffer(len: usize) -> Option<ChunkFrame> {
        // The size line must hold the payload capacity, which shrinks as the
        // size line grows: try widths upwards.
        (1..=16usize).find_map(|width| {
            let capacity = len.checked_sub(width + 4)?;
            let fits = width >= 16 || (capacity as u128) < (1u128 << (4 * width));
            (fits && capacity > 0).then_some(ChunkFrame { width, capacity })
        })
    }

    /// Most payload bytes one chunk holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The payload area of `buf` (after the reserved size line). `buf` must
    /// be the buffer this frame was computed for (shorter: an empty area).
    pub fn payload<'b>(&self, buf: &'b mut [u8]) -> &'b mut [u8] {
        buf.get_mut(self.width + 2..self.width + 2 + self.capacity).unwrap_or(&mut [])
    }

    /// Writes the size line and closing CRLF around `filled` payload bytes
    /// and returns the frame length: `buf[..n]` is ready to send. An empty
    /// payload gives 0 (nothing to send: a zero-size chunk would end the body).
    pub fn seal(&self, buf: &mut [u8], filled: usize) -> Result<usize, HttpError> {
        if filled == 0 {
            return Ok(0);
        }
        if filled > self.capacity {
            return Err(HttpError::BufferFull { needed: filled - self.capacity });
        }
        let total = self.width + 4 + filled;
        let Some(frame) = buf.get_mut(..total) else {
            return Err(HttpError::BufferFull { needed: total.saturating_sub(buf.len()) });
        };
        let mut v = filled;
        for d in frame.iter_mut().take(self.width).rev() {
            *d = b"0123456789abcdef"[v & 0xf];
            v >>= 4;
        }
        frame[self.width..self.width + 2].copy_from_slice(b"\r\n");
        frame[total - 2..].copy_from_slice(b"\r\n");
        Ok(total)
    }
}
