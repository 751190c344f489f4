//! Message bodies: how long they are ([`Framing`]) and an incremental reader
//! that removes the chunked transfer coding (RFC 9112 §7.1) on any split of
//! the input, without copying: body bytes come back as slices of the input.

use super::{HttpError, HttpLimits};

/// How the body of a message is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Framing {
    /// No body at all (204, 304, 1xx, a request without length).
    None,
    /// Exactly this many bytes (`Content-Length`).
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// A response without length: the body runs until the server closes.
    UntilClose,
}

/// One step of [`BodyReader::read`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyStep<'a> {
    /// Bytes of the input consumed by this step (framing and data).
    pub consumed: usize,
    /// Body bytes found, a slice of the input (may be empty).
    pub data: &'a [u8],
    /// The body is complete; bytes after `consumed` belong to the next message.
    pub done: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
enum Chunk {
    /// Reading hex digits of a chunk size (`digits` so far).
    Size { size: u64, digits: u8 },
    /// Whitespace after the size, before `;` or the line end.
    SizeWs { size: u64 },
    /// Inside a chunk extension, `len` bytes so far.
    Ext { size: u64, len: usize },
    /// Saw CR after the size line; LF must follow.
    SizeLf { size: u64 },
    /// Inside chunk data.
    Data { left: u64 },
    /// After chunk data: CR (or a bare LF) must follow.
    DataCr,
    /// After chunk data and CR: LF must follow.
    DataLf,
    /// At the start of a trailer line (or the final blank line).
    TrailerStart,
    /// Inside a trailer field line.
    TrailerLine,
    /// Saw CR ending a trailer line; `blank` when the line was empty.
    TrailerLf { blank: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
enum State {
    Length { left: u64 },
    Chunked(Chunk),
    UntilClose,
    Done,
}

/// Reads one message body incrementally. Plain data (`Copy`), no borrows:
/// store it beside the connection and feed it whatever bytes arrive.
///
/// Contract: call [`read`](Self::read) with the unread input; it consumes a
/// prefix and returns the body bytes found in it (framing removed). When it
/// consumes nothing and is not done, it needs more input. At end of
/// connection call [`finish`](Self::finish). Over-long bodies, bad chunk
/// sizes (`+5`, non-hex, overflowing), over-long chunk extensions or
/// trailers are typed errors; the reader never panics and never allocates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BodyReader {
    state: State,
    /// Body bytes delivered so far.
    total: u64,
    /// Trailer bytes seen so far.
    trailer: usize,
    limits: HttpLimits,
}

const MAX_HEX_DIGITS: u8 = 16;

impl BodyReader {
    /// A reader for a body framed as `framing`. A `Length` above
    /// `limits.max_body_len` is refused here, before any byte is read.
    pub fn new(framing: Framing, limits: HttpLimits) -> Result<BodyReader, HttpError> {
        let state = match framing {
            Framing::None | Framing::Length(0) => State::Done,
            Framing::Length(n) => {
                if n > limits.max_body_len as u64 {
                    return Err(HttpError::BodyTooLarge { limit: limits.max_body_len });
                }
                State::Length { left: n }
            }
            Framing::Chunked => State::Chunked(Chunk::Size { size: 0, digits: 0 }),
            Framing::UntilClose => State::UntilClose,
        };
        Ok(BodyReader { state, total: 0, trailer: 0, limits })
    }

    /// True once the whole body has been read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Body bytes delivered so far; for a chunked body, including the
    /// announced rest of the current chunk.
    pub fn body_len(&self) -> u64 {
        self.total
    }

    /// The connection ended: fine for a complete body or one that runs until
    /// close; otherwise [`HttpError::Truncated`].
    pub fn finish(&mut self) -> Result<(), HttpError> {
        match self.state {
            State::Done => Ok(()),
            State::UntilClose => {
                self.state = State::Done;
                Ok(())
            }
            State::Length { left } => Err(HttpError::Truncated { missing: left }),
            State::Chunked(Chunk::Data { left }) => Err(HttpError::Truncated { missing: left.saturating_add(5) }),
            State::Chunked(_) => Err(HttpError::Truncated { missing: 1 }),
        }
    }

    fn add_body(&mut self, n: u64) -> Result<(), HttpError> {
        let total = self.total.saturating_add(n);
        if total > self.limits.max_body_len as u64 {
            return Err(HttpError::BodyTooLarge { limit: self.limits.max_body_len });
        }
        self.total = total;
        Ok(())
    }

    /// Consumes a prefix of `input`; see the type's contract.
    pub fn read<'a>(&mut self, input: &'a [u8]) -> Result<BodyStep<'a>, HttpError> {
        match self.state {
            State::Done => Ok(BodyStep { consumed: 0, data: &[], done: true }),
            State::Length { left } => {
                let n = usize::try_from(left).unwrap_or(usize::MAX).min(input.len());
                let data = input.get(..n).unwrap_or(&[]);
                let left = left - n as u64;
                self.total = self.total.saturating_add(n as u64);
                self.state = if left == 0 { State::Done } else { State::Length { left } };
                Ok(BodyStep { consumed: n, data, done: left == 0 })
            }
            State::UntilClose => {
                self.add_body(input.len() as u64)?;
                Ok(BodyStep { consumed: input.len(), data: input, done: false })
            }
            State::Chunked(c) => self.read_chunked(c, input),
        }
    }

    fn read_chunked<'a>(&mut self, mut c: Chunk, input: &'a [u8]) -> Result<BodyStep<'a>, HttpError> {
        let bad = |at, what| HttpError::BadChunk { at, what };
        let mut i = 0;
        while let Some(&b) = input.get(i) {
            c = match c {
                Chunk::Data { left } => {
                    // Hand back the data run as one slice of the input.
                    let n = usize::try_from(left).unwrap_or(usize::MAX).min(input.len() - i);
                    let data = input.get(i..i + n).unwrap_or(&[]);
                    let left = left - n as u64;
                    self.state = State::Chunked(if left == 0 { Chunk::DataCr } else { Chunk::Data { left } });
                    return Ok(BodyStep { consumed: i + n, data, done: false });
                }
                Chunk::Size { size, digits } => match hex_val(b) {
                    Some(v) => {
                        if digits >= MAX_HEX_DIGITS || size > (u64::MAX >> 4) {
                            return Err(bad(i, "chunk size overflows"));
                        }
                        let size = (size << 4) | u64::from(v);
                        if size > self.limits.max_body_len as u64 {
                            return Err(HttpError::BodyTooLarge { limit: self.limits.max_body_len });
                        }
                        Chunk::Size { size, digits: digits + 1 }
                    }
                    None if digits == 0 => return Err(bad(i, "chunk size must start with a hex digit")),
                    None => match b {
                        b' ' | b'\t' => Chunk::SizeWs { size },
                        b';' => Chunk::Ext { size, len: 0 },
                        b'\r' => Chunk::SizeLf { size },
                        b'\n' => self.size_line_end(size)?,
                        _ => return Err(bad(i, "chunk size: non-hex byte")),
                    },
                },
                Chunk::SizeWs { size } => match b {
                    b' ' | b'\t' => Chunk::SizeWs { size },
                    b';' => Chunk::Ext { size, len: 0 },
                    b'\r' => Chunk::SizeLf { size },
                    b'\n' => self.size_line_end(size)?,
                    _ => return Err(bad(i, "chunk size: text after whitespace")),
                },
                Chunk::Ext { size, len } => match b {
                    b'\r' => Chunk::SizeLf { size },
                    b'\n' => self.size_line_end(size)?,
                    _ if len >= self.limits.max_chunk_ext_len => {
                        return Err(HttpError::ChunkMetaTooLong { limit: self.limits.max_chunk_ext_len });
                    }
                    0..0x20 if b != b'\t' => return Err(bad(i, "control byte in chunk extension")),
                    _ => Chunk::Ext { size, len: len + 1 },
                },
                Chunk::SizeLf { size } => match b {
                    b'\n' => self.size_line_end(size)?,
                    _ => return Err(bad(i, "LF after chunk size line")),
                },
                Chunk::DataCr => match b {
                    b'\r' => Chunk::DataLf,
                    b'\n' => Chunk::Size { size: 0, digits: 0 },
                    _ => return Err(bad(i, "CRLF after chunk data")),
                },
                Chunk::DataLf => match b {
                    b'\n' => Chunk::Size { size: 0, digits: 0 },
                    _ => return Err(bad(i, "LF after chunk data")),
                },
                Chunk::TrailerStart | Chunk::TrailerLine => {
                    let start = c == Chunk::TrailerStart;
                    match b {
                        b'\r' => Chunk::TrailerLf { blank: start },
                        b'\n' if start => {
                            self.state = State::Done;
                            return Ok(BodyStep { consumed: i + 1, data: &[], done: true });
                        }
                        b'\n' => Chunk::TrailerStart,
                        _ => {
                            self.trailer += 1;
                            if self.trailer > self.limits.max_trailer_len {
                                return Err(HttpError::ChunkMetaTooLong { limit: self.limits.max_trailer_len });
                            }
                            Chunk::TrailerLine
                        }
                    }
                }
                Chunk::TrailerLf { blank } => match b {
                    b'\n' if blank => {
                        self.state = State::Done;
                        return Ok(BodyStep { consumed: i + 1, data: &[], done: true });
                    }
                    b'\n' => Chunk::TrailerStart,
                    _ => return Err(bad(i, "LF after trailer line")),
                },
            };
            i += 1;
        }
        self.state = State::Chunked(c);
        Ok(BodyStep { consumed: i, data: &[], done: false })
    }

    /// The size line of a chunk ended: data follows, or the trailer after
    /// the last chunk.
    fn size_line_end(&mut self, size: u64) -> Result<Chunk, HttpError> {
        if size == 0 {
            return Ok(Chunk::TrailerStart);
        }
        self.add_body(size)?;
        Ok(Chunk::Data { left: size })
    }
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}
