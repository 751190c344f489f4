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
use core::ops::ControlFlow;

use cwmp_core::text::TextSource;

use crate::xml::Chunks as RunChunks;
use crate::xml::chars::Ctx;
pub use crate::xml::{Chunk, ChunkBytes};

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
            Text::Plain(s) => Chunks { literal: s, rest: "", run: RunChunks::new("", Ctx::Text) },
            Text::Xml(s) => Chunks { literal: "", rest: s, run: RunChunks::new("", Ctx::Text) },
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

impl TextSource for Text<'_> {
    fn for_each_piece(&self, f: &mut dyn FnMut(&str) -> ControlFlow<()>) -> ControlFlow<()> {
        if let Some(s) = self.as_borrowed() {
            return f(s);
        }
        self.chunks().try_for_each(|c| f(c.as_str()))
    }

    fn as_contiguous(&self) -> Option<&str> {
        self.as_borrowed()
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

/// Iterator over the unescaped pieces of a [`Text`]: the runs between
/// markup are unescaped by the tokenizer's own decoder
/// ([`xml::Chunks`](crate::xml::Chunks)), CDATA sections are
/// passed on literally and comments skipped. Malformed references (which a
/// validating tokenizer never lets through) are passed on verbatim.
#[derive(Clone, Debug)]
pub struct Chunks<'a> {
    /// Plain text, passed on as it is.
    literal: &'a str,
    /// Raw text not yet split into runs.
    rest: &'a str,
    /// The run being decoded.
    run: RunChunks<'a>,
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Chunk<'a>;

    fn next(&mut self) -> Option<Chunk<'a>> {
        if !self.literal.is_empty() {
            return Some(Chunk::Borrowed(core::mem::take(&mut self.literal)));
        }
        loop {
            if let Some(c) = self.run.next() {
                return Some(c);
            }
            if self.rest.is_empty() {
                return None;
            }
            let (run, ctx, after) = if let Some(body) = self.rest.strip_prefix("<![CDATA[") {
                match body.find("]]>") {
                    Some(i) => (body.get(..i)?, Ctx::CData, body.get(i + 3..)?),
                    None => (body, Ctx::CData, ""),
                }
            } else if let Some(body) = self.rest.strip_prefix("<!--") {
                ("", Ctx::Comment, body.find("-->").and_then(|i| body.get(i + 3..)).unwrap_or(""))
            } else {
                // Character data up to the next markup (a lone `<` is passed on).
                let n = self.rest.as_bytes().iter().skip(1).position(|&b| b == b'<').map_or(self.rest.len(), |i| i + 1);
                let (run, after) = self.rest.split_at_checked(n)?;
                (run, Ctx::Text, after)
            };
            self.rest = after;
            self.run = RunChunks::new(run, ctx);
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

    #[test]
    fn text_source_reads_the_unescaped_characters_contiguous_only_when_unescaped() {
        let escaped = Text::xml("Device.A&amp;B.<![CDATA[<x>]]>\r\n");
        assert_eq!(escaped.as_contiguous(), None);
        assert!(escaped.eq_text("Device.A&B.<x>\n"));
        assert_eq!(escaped.text_len(), "Device.A&B.<x>\n".len());
        let mut buf = [0u8; 32];
        assert_eq!(escaped.copy_text_into(&mut buf), Some("Device.A&B.<x>\n"));
        assert_eq!(Text::xml("Device.A.").as_contiguous(), Some("Device.A."));
        assert_eq!(Text::plain("a&amp;").as_contiguous(), Some("a&amp;"));
        assert!(Text::plain("a&amp;").eq_text("a&amp;"));
    }

    #[test]
    fn plain_text_is_literal_and_cdata_line_ends_are_normalised() {
        assert_eq!(s(Text::plain("a\r\nb&lt;")), "a\r\nb&lt;");
        assert_eq!(s(Text::xml("<![CDATA[a\r\nb]]>")), "a\nb");
        assert_eq!(s(Text::xml("a<b")), "a<b");
    }
}
