//! Character data borrowed raw, decoded lazily: the five predefined entities,
//! character references, line-end normalisation (CR LF and lone CR become LF)
//! and, in attribute values, white-space normalisation.

use core::ops::ControlFlow;

use cwmp_core::text::TextSource;

use super::chars::{Ctx, Reference, Scanned, parse_ref};
use super::error::{XmlError, XmlErrorKind};

/// A run of text, a CDATA section or an attribute value, exactly as it appears
/// in the input. Everything in it was validated when it was read; decoding is
/// lazy ([`Text::chunks`], [`Text::unescape_into`]) and cannot fail except for
/// a too-small buffer.
///
/// ```
/// use cwmp_soap::xml::{Event, Reader};
///
/// let mut r: Reader = Reader::new(&cwmp_core::Limits::DEFAULT, Default::default());
/// let doc = b"<v>a &lt; b &#x26; c</v>";
/// let _start = r.next_complete(doc).unwrap();
/// let Some(Event::Text(t)) = r.next_complete(doc).unwrap().event() else { panic!() };
/// assert_eq!(t.raw(), "a &lt; b &#x26; c");
/// let mut buf = [0u8; 32];
/// assert_eq!(t.unescape_into(&mut buf).unwrap(), "a < b & c");
/// let joined: String = t.chunks().map(|c| String::from(c.as_str())).collect();
/// assert_eq!(joined, "a < b & c");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<'a> {
    raw: &'a [u8],
    offset: usize,
    ctx: Ctx,
    scanned: Scanned,
}

impl<'a> Text<'a> {
    pub(crate) fn new(raw: &'a [u8], offset: usize, ctx: Ctx, scanned: Scanned) -> Self {
        Text { raw, offset, ctx, scanned }
    }

    /// An attribute value whose scan flags are computed here (validated earlier).
    pub(crate) fn attr_value(raw: &'a [u8], offset: usize) -> Self {
        let needs_decode = raw.iter().any(|b| matches!(b, b'&' | b'\r' | b'\n' | b'\t'));
        let non_ws = raw.iter().any(|&b| !super::chars::is_ws(b));
        Text { raw, offset, ctx: Ctx::Attr, scanned: Scanned { non_ws, needs_decode } }
    }

    /// The raw text, references not decoded (for CDATA: the section's content).
    #[inline]
    pub fn raw(&self) -> &'a str {
        as_str(self.raw)
    }

    /// [`Text::raw`] as bytes (no conversion cost).
    #[inline]
    pub fn raw_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// Byte offset of the first character in the message.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Byte offset just past the last character.
    pub fn end_offset(&self) -> usize {
        self.offset.saturating_add(self.raw.len())
    }

    /// Only XML white space (space, tab, CR, LF); references count as content.
    pub fn is_whitespace(&self) -> bool {
        !self.scanned.non_ws
    }

    /// This is the content of a CDATA section (references are not decoded).
    pub fn is_cdata(&self) -> bool {
        self.ctx == Ctx::CData
    }

    /// The text when decoding would not change it (no references, no CR, and
    /// for attribute values no tab or LF): the zero-copy fast path.
    pub fn as_plain(&self) -> Option<&'a str> {
        (!self.scanned.needs_decode).then(|| as_str(self.raw))
    }

    /// The decoded text as borrowed chunks: runs of the input, the replacement
    /// text of entities, single characters of character references.
    pub fn chunks(&self) -> Chunks<'a> {
        Chunks { rest: as_str(self.raw), ctx: self.ctx }
    }

    /// Length in bytes of the decoded text.
    pub fn unescaped_len(&self) -> usize {
        if !self.scanned.needs_decode {
            return self.raw.len();
        }
        self.chunks().map(|c| c.as_str().len()).sum()
    }

    /// The decoded text equals `s` (no buffer needed).
    pub fn unescaped_eq(&self, s: &str) -> bool {
        if !self.scanned.needs_decode {
            return self.raw == s.as_bytes();
        }
        let mut rest = s.as_bytes();
        for c in self.chunks() {
            match rest.strip_prefix(c.as_str().as_bytes()) {
                Some(r) => rest = r,
                None => return false,
            }
        }
        rest.is_empty()
    }

    /// Decodes into `buf` and returns the decoded text; returns the raw text
    /// itself (no copy) when decoding would not change it.
    ///
    /// Fails with [`XmlErrorKind::BufferTooSmall`] (offset: this text's) when
    /// `buf` is shorter than [`Text::unescaped_len`].
    pub fn unescape_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, XmlError>
    where
        'a: 'b,
    {
        if !self.scanned.needs_decode {
            return Ok(as_str(self.raw));
        }
        let too_small = XmlError::new(XmlErrorKind::BufferTooSmall, self.offset);
        let mut n = 0usize;
        for c in self.chunks() {
            let s = c.as_str().as_bytes();
            let end = n.checked_add(s.len()).ok_or(too_small)?;
            buf.get_mut(n..end).ok_or(too_small)?.copy_from_slice(s);
            n = end;
        }
        let out = buf.get(..n).ok_or(too_small)?;
        // Concatenated `str`s: always UTF-8.
        core::str::from_utf8(out).map_err(|_| XmlError::new(XmlErrorKind::InvalidUtf8, self.offset))
    }
}

/// A piece of decoded text: see [`Text::chunks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk<'a> {
    /// A run of the input, or the replacement text of a predefined entity.
    Borrowed(&'a str),
    /// A character from a character reference.
    Char(EncodedChar),
}

impl Chunk<'_> {
    /// The chunk's text (for [`Chunk::Char`], borrowed from the chunk).
    pub fn as_str(&self) -> &str {
        match self {
            Chunk::Borrowed(s) => s,
            Chunk::Char(c) => c.as_str(),
        }
    }
}

/// One character, UTF-8 encoded in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodedChar {
    bytes: [u8; 4],
    len: u8,
}

impl EncodedChar {
    fn new(c: char) -> Self {
        let mut bytes = [0u8; 4];
        let len = c.encode_utf8(&mut bytes).len() as u8;
        EncodedChar { bytes, len }
    }

    /// The character.
    pub fn char(&self) -> char {
        self.as_str().chars().next().unwrap_or('\u{FFFD}')
    }

    /// The character's UTF-8 text.
    pub fn as_str(&self) -> &str {
        // Written by `char::encode_utf8`: always valid.
        self.bytes.get(..self.len as usize).and_then(|b| core::str::from_utf8(b).ok()).unwrap_or("")
    }
}

/// Bytes of one [`Chunk`].
#[derive(Clone, Debug)]
pub struct ChunkBytes<'a> {
    chunk: Chunk<'a>,
    pos: usize,
}

impl Iterator for ChunkBytes<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        let b = *self.chunk.as_str().as_bytes().get(self.pos)?;
        self.pos += 1;
        Some(b)
    }
}

impl<'a> IntoIterator for Chunk<'a> {
    type Item = u8;
    type IntoIter = ChunkBytes<'a>;
    fn into_iter(self) -> ChunkBytes<'a> {
        ChunkBytes { chunk: self, pos: 0 }
    }
}

impl TextSource for Text<'_> {
    fn for_each_piece(&self, f: &mut dyn FnMut(&str) -> ControlFlow<()>) -> ControlFlow<()> {
        self.chunks().try_for_each(|c| f(c.as_str()))
    }

    fn as_contiguous(&self) -> Option<&str> {
        self.as_plain()
    }
}

/// Iterator over the decoded pieces of a [`Text`]; also decodes the runs of
/// a message-level [`crate::Text`].
#[derive(Debug, Clone)]
pub struct Chunks<'a> {
    rest: &'a str,
    ctx: Ctx,
}

impl<'a> Chunks<'a> {
    /// The decoded pieces of `raw`, validated character data in context `ctx`.
    pub(crate) fn new(raw: &'a str, ctx: Ctx) -> Self {
        Chunks { rest: raw, ctx }
    }
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Chunk<'a>;

    fn next(&mut self) -> Option<Chunk<'a>> {
        let bytes = self.rest.as_bytes();
        if bytes.is_empty() {
            return None;
        }
        let ctx = self.ctx;
        let special = |b: u8| match ctx {
            Ctx::Text => b == b'&' || b == b'\r',
            Ctx::Attr => matches!(b, b'&' | b'\r' | b'\n' | b'\t'),
            Ctx::CData | Ctx::Comment => b == b'\r',
        };
        let n = bytes.iter().position(|&b| special(b)).unwrap_or(bytes.len());
        if n > 0 {
            let (run, rest) = self.rest.split_at_checked(n)?;
            self.rest = rest;
            return Some(Chunk::Borrowed(run));
        }
        let lf_or_space = if ctx == Ctx::Attr { " " } else { "\n" };
        let (chunk, used) = match bytes.first() {
            Some(b'\r') => (Chunk::Borrowed(lf_or_space), if bytes.get(1) == Some(&b'\n') { 2 } else { 1 }),
            Some(b'\n' | b'\t') => (Chunk::Borrowed(" "), 1),
            _ => match parse_ref(bytes, 0) {
                Ok((Reference::Entity(s), end)) => (Chunk::Borrowed(s), end),
                Ok((Reference::Char(c), end)) => (Chunk::Char(EncodedChar::new(c)), end),
                // Validated when read; unreachable, but never panic.
                Err(_) => (Chunk::Borrowed("&"), 1),
            },
        };
        self.rest = self.rest.get(used..).unwrap_or("");
        Some(chunk)
    }
}

/// Bytes validated as UTF-8 when their token was read: the conversion cannot
/// fail (and would give "" rather than panic if it ever did).
pub(crate) fn as_str(b: &[u8]) -> &str {
    core::str::from_utf8(b).unwrap_or_default()
}
