//! Strings as CWMP messages carry them: borrowed, unescaped lazily.
//!
//! A decoded [`Text`] is a view of the raw character data between two tags,
//! entity and character references still in place; reading it yields the
//! unescaped characters chunk by chunk without copying or allocating. A
//! [`Text`] built for encoding holds plain characters that the writer escapes
//! by construction. Both compare by their *unescaped* characters, so a
//! decoded value equals the plain value it was encoded from.
//!
//! ```
//! use cwmp_soap::Text;
//!
//! let wire = Text::xml("a &lt;b&gt; &amp; &#x63;");
//! assert_eq!(wire, Text::plain("a <b> & c"));
//! assert_eq!(wire.to_string(), "a <b> & c");
//! assert_eq!(wire.chunks().count(), 8);
//! assert_eq!(wire.char_len(), 9);
//! ```

use core::fmt;

/// A string field of a CWMP message.
#[derive(Clone, Copy)]
pub enum Text<'a> {
    /// Plain characters (what an application passes to the encoder).
    Plain(&'a str),
    /// XML character data as received: may hold the five predefined entity
    /// references, character references, `\r\n` line ends and CDATA
    /// sections, all resolved lazily when read.
    Xml(&'a str),
}

impl Default for Text<'_> {
    fn default() -> Self {
        Text::Plain("")
    }
}

impl<'a> Text<'a> {
    /// A plain string.
    pub const fn plain(s: &'a str) -> Self {
        Text::Plain(s)
    }

    /// A view of raw XML character data (as a decoder produces).
    pub const fn xml(s: &'a str) -> Self {
        Text::Xml(s)
    }

    /// The string without copying, when it needs no unescaping.
    pub fn as_borrowed(&self) -> Option<&'a str> {
        match *self {
            Text::Plain(s) => Some(s),
            Text::Xml(s) if memchr::memchr3(b'&', b'\r', b'<', s.as_bytes()).is_none() => Some(s),
            Text::Xml(_) => None,
        }
    }

    /// The unescaped characters, as consecutive string slices.
    pub fn chunks(&self) -> Chunks<'a> {
        match *self {
            Text::Plain(s) => Chunks { rest: s, plain: true, cdata: false },
            Text::Xml(s) => Chunks { rest: s, plain: false, cdata: false },
        }
    }

    /// The unescaped bytes (UTF-8).
    pub fn bytes(&self) -> impl Iterator<Item = u8> + 'a {
        self.chunks().flatten()
    }

    /// Length in characters after unescaping (what `xs:maxLength` counts).
    pub fn char_len(&self) -> usize {
        if let Some(s) = self.as_borrowed() {
            return s.chars().count();
        }
        self.chunks().map(|c| c.as_str().chars().count()).sum()
    }

    /// Length in bytes after unescaping.
    pub fn byte_len(&self) -> usize {
        if let Some(s) = self.as_borrowed() {
            return s.len();
        }
        self.chunks().map(|c| c.as_str().len()).sum()
    }

    /// True when there are no characters.
    pub fn is_empty(&self) -> bool {
        self.chunks().all(|c| c.as_str().is_empty())
    }

    /// True when the unescaped text equals `s`.
    pub fn eq_str(&self, s: &str) -> bool {
        self.bytes().eq(s.bytes())
    }

    /// Copies the unescaped text into `buf` and returns it; `None` when `buf`
    /// is too small.
    pub fn unescape_into<'b>(&self, buf: &'b mut [u8]) -> Option<&'b str> {
        let mut n = 0usize;
        for c in self.chunks() {
            let c = c.as_str();
            let end = n.checked_add(c.len())?;
            buf.get_mut(n..end)?.copy_from_slice(c.as_bytes());
            n = end;
        }
        // Whole chunks of UTF-8 were copied, so the prefix is UTF-8.
        core::str::from_utf8(buf.get(..n)?).ok()
    }

    /// The text with XML whitespace trimmed, when it needs no unescaping
    /// (numbers, booleans and dateTimes never do in practice).
    pub(crate) fn trimmed_borrowed(&self) -> Option<&'a str> {
        self.as_borrowed().map(|s| s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n')))
    }
}

impl PartialEq for Text<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self.as_borrowed(), other.as_borrowed()) {
            (Some(a), Some(b)) => a == b,
            _ => self.bytes().eq(other.bytes()),
        }
    }
}

impl Eq for Text<'_> {}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        self.eq_str(other)
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.eq_str(other)
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(s: &'a str) -> Self {
        Text::Plain(s)
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.chunks().try_for_each(|c| f.write_str(c.as_str()))
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.chunks() {
            fmt::Display::fmt(&c.as_str().escape_debug(), f)?;
        }
        f.write_str("\"")
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Text<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        for c in self.chunks() {
            defmt::write!(f, "{=str}", c.as_str());
        }
    }
}

/// Iterator over the unescaped pieces of a [`Text`]. Malformed references
/// (which a validating tokenizer never lets through) are passed on verbatim.
#[derive(Clone, Debug)]
pub struct Chunks<'a> {
    rest: &'a str,
    plain: bool,
    cdata: bool,
}

/// The replacement text of a predefined entity (or the character of a
/// character reference) at the start of `s`, which begins with `&`, and the
/// reference's length.
fn reference(s: &str) -> Option<(&'static str, char, usize)> {
    let end = s.as_bytes().iter().take(12).position(|&b| b == b';')?;
    let name = s.get(1..end)?;
    let fixed = match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "quot" => "\"",
        "apos" => "'",
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse::<u32>().ok()?,
            };
            return Some(("", char::from_u32(code)?, end + 1));
        }
    };
    Some((fixed, '\0', end + 1))
}

/// One piece of unescaped text: a borrowed run, or one character produced by
/// a character reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chunk<'a> {
    /// A run of characters borrowed from the input (or a static entity).
    Str(&'a str),
    /// A character from a character reference, UTF-8 encoded (1–4 bytes).
    Char([u8; 4], u8),
}

impl Chunk<'_> {
    fn char(c: char) -> Self {
        let mut b = [0u8; 4];
        let n = c.encode_utf8(&mut b).len();
        Chunk::Char(b, n as u8)
    }

    /// The characters of this piece.
    pub fn as_str(&self) -> &str {
        match self {
            Chunk::Str(s) => s,
            Chunk::Char(b, n) => b.get(..usize::from(*n)).and_then(|b| core::str::from_utf8(b).ok()).unwrap_or(""),
        }
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

impl<'a> Iterator for Chunks<'a> {
    type Item = Chunk<'a>;

    fn next(&mut self) -> Option<Chunk<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        if self.plain {
            let s = self.rest;
            self.rest = "";
            return Some(Chunk::Str(s));
        }
        let b = self.rest.as_bytes();
        if self.cdata {
            // Inside a CDATA section: everything up to `]]>` is literal.
            let (text, after) = match self.rest.find("]]>") {
                Some(i) => (self.rest.get(..i)?, self.rest.get(i + 3..)?),
                None => (self.rest, ""),
            };
            self.cdata = false;
            self.rest = after;
            return if text.is_empty() { self.next() } else { Some(Chunk::Str(text)) };
        }
        match b.first()? {
            b'&' => {
                if let Some((fixed, ch, len)) = reference(self.rest) {
                    let (r, after) = self.rest.split_at(len);
                    self.rest = after;
                    let _ = r;
                    if !fixed.is_empty() {
                        return Some(Chunk::Str(fixed));
                    }
                    return Some(Chunk::char(ch));
                }
                let (lit, after) = self.rest.split_at(1);
                self.rest = after;
                Some(Chunk::Str(lit))
            }
            b'\r' => {
                // XML line-end normalisation: `\r\n` and lone `\r` read as `\n`.
                self.rest = self.rest.strip_prefix("\r\n").or_else(|| self.rest.get(1..)).unwrap_or("");
                Some(Chunk::Str("\n"))
            }
            b'<' if self.rest.starts_with("<![CDATA[") => {
                self.rest = self.rest.get(9..).unwrap_or("");
                self.cdata = true;
                self.next()
            }
            b'<' if self.rest.starts_with("<!--") => {
                self.rest = match self.rest.find("-->") {
                    Some(i) => self.rest.get(i + 3..).unwrap_or(""),
                    None => "",
                };
                self.next()
            }
            _ => {
                let n = b.iter().position(|&c| matches!(c, b'&' | b'\r' | b'<')).unwrap_or(b.len()).max(1);
                let (lit, after) = self.rest.split_at(n);
                self.rest = after;
                Some(Chunk::Str(lit))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::{String, ToString};

    fn s(t: Text<'_>) -> String {
        t.to_string()
    }

    #[test]
    fn unescapes_predefined_and_numeric_references() {
        assert_eq!(s(Text::xml("&lt;&gt;&amp;&quot;&apos;")), "<>&\"'");
        assert_eq!(s(Text::xml("&#65;&#x42;&#x0a;&#xe9;&#x1F600;")), "AB\n\u{e9}\u{1F600}");
        assert_eq!(s(Text::xml("a\r\nb\rc")), "a\nb\nc");
        assert_eq!(s(Text::xml("x<![CDATA[<&>]]>y")), "x<&>y");
        assert_eq!(s(Text::xml("x<!-- c -->y")), "xy");
        assert_eq!(s(Text::plain("&lt;")), "&lt;");
    }

    #[test]
    fn equality_is_by_characters() {
        assert_eq!(Text::xml("a&amp;b"), Text::plain("a&b"));
        assert_ne!(Text::xml("a&amp;b"), Text::plain("a&amp;b"));
        assert!(Text::xml("").is_empty());
        let mut buf = [0u8; 8];
        assert_eq!(Text::xml("&lt;x").unescape_into(&mut buf), Some("<x"));
        assert_eq!(Text::xml("123456789").unescape_into(&mut buf), None);
    }
}
