//! An XML writer into a caller buffer that escapes by construction.
//!
//! Every character datum goes through [`Writer::text`] or
//! [`Writer::attr_value`], which escape `<`, `>`, `&` (and `"` in attribute
//! values), write `\r` as `&#13;` so it survives line-end normalisation, and
//! refuse the characters XML 1.0 cannot carry at all (C0 controls other than
//! tab, LF and CR; U+FFFE; U+FFFF). Element names and namespace prefixes are
//! fixed by us and written raw.
//!
//! The writer never allocates. When the buffer runs out it keeps counting, so
//! the error reports the exact size the whole output needs.
//!
//! ```
//! use cwmp_soap::{Text, writer::Writer};
//!
//! let mut buf = [0u8; 64];
//! let mut w = Writer::new(&mut buf);
//! w.simple("Name", Text::plain("a<b & \"c\"")).unwrap();
//! let n = w.finish().unwrap();
//! assert_eq!(&buf[..n], b"<Name>a&lt;b &amp; \"c\"</Name>");
//!
//! let mut small = [0u8; 4];
//! let mut w = Writer::new(&mut small);
//! w.simple("Name", Text::plain("x")).unwrap();
//! assert_eq!(w.finish(), Err(cwmp_soap::EncodeError::BufferTooSmall { needed: 14 }));
//! ```

use cwmp_core::datetime::DateTime;
use cwmp_core::{CwmpVersion, Limits};

use crate::error::EncodeError;
use crate::text::Text;

/// Writes XML into a caller-provided byte buffer.
#[derive(Debug)]
pub struct Writer<'b> {
    buf: &'b mut [u8],
    /// Bytes produced so far (may exceed `buf.len()` once it overflowed).
    pos: usize,
    limits: Limits,
    version: CwmpVersion,
    /// A list whose entries are streamed by the resumable encoder.
    hole: Option<Hole>,
    /// The caller's buffer while output goes nowhere (`buf` empty): the part
    /// of a message on the other side of the [`Hole`]. Swapping buffers
    /// costs nothing per write.
    parked: &'b mut [u8],
}

/// The streamed list of a resumable message: the writer renders the message
/// around it with its entries left out, and emits only the part before it
/// (the head) or only the part after it (the tail).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hole {
    /// Element name of the list's entries.
    pub(crate) item: &'static str,
    /// Entries announced in the `arrayType`.
    pub(crate) count: usize,
    /// Emit the tail (muted until the hole) rather than the head (muted after it).
    pub(crate) tail: bool,
    /// Where the hole was met: the list's element name, its entries' cap,
    /// and the position (for a head: its length).
    pub(crate) found: Option<(&'static str, &'static crate::codec::Cap, usize)>,
}

/// True for characters XML 1.0 cannot represent, even escaped.
pub const fn is_forbidden_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Which bytes [`Writer`] copies unescaped into `"`-quoted attribute
/// values (`ATTR_PLAIN`) and into character data (`TEXT_PLAIN`).
const fn plain_bytes(attr: bool) -> [bool; 256] {
    let mut t = [true; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = false;
        c += 1;
    }
    t[b'<' as usize] = false;
    t[b'>' as usize] = false;
    t[b'&' as usize] = false;
    t[0xEF] = false;
    if attr {
        t[b'"' as usize] = false;
    } else {
        t[b'\t' as usize] = true;
        t[b'\n' as usize] = true;
    }
    t
}

const ATTR_PLAIN: [bool; 256] = plain_bytes(true);

/// Whether any of the eight bytes in `w` is one [`plain_bytes`] sends to a
/// closer look: below 0x20, `<`, `>`, `&`, 0xEF, or (`attr`) `"`. Exact:
/// the borrow tricks flag a byte only where such a byte exists.
#[inline(always)]
fn needs_look(w: u64, attr: bool) -> bool {
    use crate::xml::chars::{HI, LO, has_zero};
    let is = |c: u8| has_zero(w ^ (LO * u64::from(c)));
    // Any byte below 0x20 (for bytes without the high bit set).
    let control = w.wrapping_sub(LO * 0x20) & !w & HI;
    let quote = if attr { is(b'"') } else { 0 };
    (control | is(b'<') | is(b'>') | is(b'&') | is(0xEF) | quote) != 0
}
const TEXT_PLAIN: [bool; 256] = plain_bytes(false);

impl<'b> Writer<'b> {
    /// A writer at the start of `buf`, with the default [`Limits`].
    pub fn new(buf: &'b mut [u8]) -> Self {
        Writer { buf, pos: 0, limits: Limits::DEFAULT, version: CwmpVersion::LATEST, hole: None, parked: &mut [] }
    }

    /// A writer enforcing `limits` on the fields it writes.
    pub fn with_limits(buf: &'b mut [u8], limits: Limits) -> Self {
        Writer { buf, pos: 0, limits, version: CwmpVersion::LATEST, hole: None, parked: &mut [] }
    }

    /// Checks schema facets as the namespace of `version` defines them.
    pub fn for_version(mut self, version: CwmpVersion) -> Self {
        self.version = version;
        self
    }

    /// Renders only the head or only the tail around the streamed list `hole`.
    pub(crate) fn around(mut self, hole: Hole) -> Self {
        if hole.tail {
            self.parked = core::mem::take(&mut self.buf);
        }
        self.hole = Some(hole);
        self
    }

    /// The hole after rendering (whether and where it was met).
    pub(crate) fn hole(&self) -> Option<Hole> {
        self.hole
    }

    /// The announced entry count when the list of `item` entries is the hole.
    pub(crate) fn streamed_count(&self, item: &str) -> Option<usize> {
        self.hole.filter(|h| h.item == item && h.found.is_none()).map(|h| h.count)
    }

    /// Marks the place of the streamed list's entries (just after its start
    /// tag): output switches off for a head, on for a tail.
    pub(crate) fn enter_hole(&mut self, tag: &'static str, cap: &'static crate::codec::Cap) {
        if let Some(h) = &mut self.hole {
            h.found = Some((tag, cap, self.pos));
            if h.tail {
                // The tail starts here, at the start of the caller's buffer.
                self.buf = core::mem::take(&mut self.parked);
                self.pos = 0;
            } else {
                // The rest of the message goes nowhere.
                self.parked = core::mem::take(&mut self.buf);
            }
        }
    }

    /// The version whose schema facets are checked.
    pub fn version(&self) -> CwmpVersion {
        self.version
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Bytes produced so far (including any that did not fit).
    pub fn position(&self) -> usize {
        self.pos
    }

    /// True when everything produced so far fitted in the buffer.
    pub fn fits(&self) -> bool {
        self.pos <= self.buf.len()
    }

    /// Rewinds to `pos` (a value of [`Writer::position`] taken earlier), so a
    /// piece that did not fit can be dropped.
    pub fn rewind(&mut self, pos: usize) {
        self.pos = self.pos.min(pos);
    }

    /// The number of bytes written, or [`EncodeError::BufferTooSmall`] with
    /// the size the output needs.
    pub fn finish(self) -> Result<usize, EncodeError> {
        if self.fits() { Ok(self.pos) } else { Err(EncodeError::BufferTooSmall { needed: self.pos }) }
    }

    /// Writes bytes verbatim (markup we generate ourselves).
    pub fn raw(&mut self, s: &str) {
        let end = self.pos.saturating_add(s.len());
        if let Some(dst) = self.buf.get_mut(self.pos..end) {
            dst.copy_from_slice(s.as_bytes());
        }
        self.pos = end;
    }

    /// `<name>`.
    pub fn open(&mut self, name: &str) {
        self.tag(b"<", name);
    }

    /// `</name>`.
    pub fn close(&mut self, name: &str) {
        self.tag(b"</", name);
    }

    /// `lead` + `name` + `>` with one bounds check (tags are most of what
    /// is written).
    #[inline]
    fn tag(&mut self, lead: &[u8], name: &str) {
        let mid = self.pos.saturating_add(lead.len());
        let end = mid.saturating_add(name.len()).saturating_add(1);
        if let Some(dst) = self.buf.get_mut(self.pos..end) {
            let (l, rest) = dst.split_at_mut(lead.len());
            let (n, gt) = rest.split_at_mut(name.len());
            l.copy_from_slice(lead);
            n.copy_from_slice(name.as_bytes());
            gt.copy_from_slice(b">");
        }
        self.pos = end;
    }

    /// Escaped character data for the element content.
    pub fn text(&mut self, field: &'static str, t: Text<'_>) -> Result<(), EncodeError> {
        self.escaped(field, t, false)
    }

    /// Escaped character data for a `"`-quoted attribute value.
    pub fn attr_value(&mut self, field: &'static str, t: Text<'_>) -> Result<(), EncodeError> {
        self.escaped(field, t, true)
    }

    fn escaped(&mut self, field: &'static str, t: Text<'_>, attr: bool) -> Result<(), EncodeError> {
        if let Text::Plain(s) = t {
            return self.escape_str(field, s, 0, attr);
        }
        let mut offset = 0usize;
        for chunk in t.chunks() {
            let s = chunk.as_str();
            self.escape_str(field, s, offset, attr)?;
            offset += s.len();
        }
        Ok(())
    }

    /// Writes `s` escaped; `offset` is where `s` starts in the field's text
    /// (for errors).
    fn escape_str(&mut self, field: &'static str, s: &str, offset: usize, attr: bool) -> Result<(), EncodeError> {
        // Bytes that are copied as they are: everything but the markup
        // characters, the C0 controls and the lead byte 0xEF of U+FFFE and
        // U+FFFF (checked one by one); tab and newline also pass in text.
        let plain = if attr { &ATTR_PLAIN } else { &TEXT_PLAIN };
        let b = s.as_bytes();
        let mut start = 0;
        let mut i = 0;
        loop {
            // Eight bytes at a time while none of them needs a look.
            while let Some(w) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
                if needs_look(u64::from_le_bytes(w), attr) {
                    break;
                }
                i += 8;
            }
            while b.get(i).is_some_and(|&c| plain[usize::from(c)]) {
                i += 1;
            }
            let Some(&c) = b.get(i) else { break };
            let rep = match c {
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'&' => "&amp;",
                b'\r' => "&#13;",
                b'"' => "&quot;",
                b'\t' => "&#9;",
                b'\n' => "&#10;",
                0xEF => {
                    let ch = match (b.get(i + 1), b.get(i + 2)) {
                        (Some(0xBF), Some(0xBE)) => '\u{fffe}',
                        (Some(0xBF), Some(0xBF)) => '\u{ffff}',
                        _ => {
                            i += 1;
                            continue;
                        }
                    };
                    return Err(EncodeError::ForbiddenChar { field, offset: offset + i, ch });
                }
                _ => return Err(EncodeError::ForbiddenChar { field, offset: offset + i, ch: char::from(c) }),
            };
            self.raw(s.get(start..i).unwrap_or(""));
            self.raw(rep);
            i += 1;
            start = i;
        }
        self.raw(s.get(start..).unwrap_or(""));
        Ok(())
    }

    /// `<name>text</name>`, the text checked against `max_chars` when given.
    pub fn simple(&mut self, name: &'static str, t: Text<'_>) -> Result<(), EncodeError> {
        self.open(name);
        self.text(name, t)?;
        self.close(name);
        Ok(())
    }

    /// An unsigned number.
    pub fn u64(&mut self, v: u64) {
        self.raw(cwmp_core::Decimal::new(v).as_str());
    }

    /// A signed number.
    pub fn i64(&mut self, v: i64) {
        if v < 0 {
            self.raw("-");
        }
        self.u64(v.unsigned_abs());
    }

    /// `true` or `false`.
    pub fn bool(&mut self, v: bool) {
        self.raw(if v { "true" } else { "false" });
    }

    /// An `xsd:dateTime`.
    pub fn datetime(&mut self, v: &DateTime) {
        let mut b = [0u8; 35];
        let s = v.write_to(&mut b);
        self.raw(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(f: impl FnOnce(&mut Writer<'_>) -> Result<(), EncodeError>) -> Result<std::string::String, EncodeError> {
        let mut buf = [0u8; 256];
        let mut w = Writer::new(&mut buf);
        f(&mut w)?;
        let n = w.finish()?;
        Ok(std::string::String::from_utf8(buf[..n].to_vec()).unwrap())
    }

    #[test]
    fn escapes_markup_and_cr() {
        assert_eq!(out(|w| w.text("f", Text::plain("<a>&\r\n\"'"))).unwrap(), "&lt;a&gt;&amp;&#13;\n\"'");
        assert_eq!(out(|w| w.attr_value("f", Text::plain("\"\t\n"))).unwrap(), "&quot;&#9;&#10;");
        assert_eq!(out(|w| w.text("f", Text::plain("]]>"))).unwrap(), "]]&gt;");
    }

    #[test]
    fn refuses_characters_xml_cannot_carry() {
        for c in ['\u{0}', '\u{1}', '\u{1f}', '\u{fffe}', '\u{ffff}'] {
            let mut s = [0u8; 8];
            let st = c.encode_utf8(&mut s);
            assert_eq!(
                out(|w| w.text("Value", Text::plain(st))),
                Err(EncodeError::ForbiddenChar { field: "Value", offset: 0, ch: c })
            );
        }
        assert_eq!(
            out(|w| w.text("Value", Text::plain("ab\u{7}"))),
            Err(EncodeError::ForbiddenChar { field: "Value", offset: 2, ch: '\u{7}' })
        );
    }

    #[test]
    fn numbers() {
        let num = |v: i128| {
            out(|w| {
                if let Ok(u) = u64::try_from(v) {
                    w.u64(u);
                } else {
                    w.i64(i64::try_from(v).unwrap());
                }
                Ok(())
            })
            .unwrap()
        };
        assert_eq!(num(0), "0");
        assert_eq!(num(u64::MAX.into()), "18446744073709551615");
        assert_eq!(num(i64::MIN.into()), "-9223372036854775808");
        assert_eq!(num(-1), "-1");
    }
}

#[cfg(test)]
mod escape_tests {
    use super::*;
    use proptest::strategy::Strategy;

    fn esc(s: &str, attr: bool) -> Result<std::string::String, EncodeError> {
        let mut buf = [0u8; 128];
        let mut w = Writer::new(&mut buf);
        if attr { w.attr_value("f", Text::plain(s)) } else { w.text("f", Text::plain(s)) }?;
        let n = w.position();
        Ok(core::str::from_utf8(&buf[..n]).unwrap().into())
    }

    /// The character rules the byte-table and word-at-a-time escaper
    /// implements, written the obvious way.
    fn reference(s: &str, attr: bool) -> Result<std::string::String, EncodeError> {
        let mut out = std::string::String::new();
        for (i, c) in s.char_indices() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\r' => out.push_str("&#13;"),
                '"' if attr => out.push_str("&quot;"),
                '\t' if attr => out.push_str("&#9;"),
                '\n' if attr => out.push_str("&#10;"),
                c if is_forbidden_char(c) => return Err(EncodeError::ForbiddenChar { field: "f", offset: i, ch: c }),
                c => out.push(c),
            }
        }
        Ok(out)
    }

    proptest::proptest! {
        #[test]
        fn escaper_agrees_with_the_character_rules(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-zA-Z0-9 .:/_-]{0,20}",
                    proptest::sample::select(std::vec!["<", ">", "&", "\"", "\r", "\n", "\t", "\u{1}", "\u{1f}",
                        "\u{fffe}", "\u{ffff}", "\u{fffd}", "\u{f8ff}", "é", "€", "\u{1F600}", "\u{7f}", "\u{80}"])
                        .prop_map(std::string::String::from),
                ],
                0..12,
            ),
            attr in proptest::bool::ANY,
        ) {
            let s: std::string::String = parts.concat();
            let mut buf = std::vec![0u8; s.len() * 6 + 8];
            let mut w = Writer::new(&mut buf);
            let got = if attr { w.attr_value("f", Text::plain(&s)) } else { w.text("f", Text::plain(&s)) };
            let n = w.position();
            match reference(&s, attr) {
                Ok(want) => {
                    proptest::prop_assert_eq!(got, Ok(()));
                    proptest::prop_assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), want.as_str());
                }
                Err(e) => proptest::prop_assert_eq!(got, Err(e)),
            }
        }
    }

    /// The byte-table escaper against the character rules it replaced.
    #[test]
    fn escapes_markup_and_refuses_forbidden_characters() {
        assert_eq!(esc("a<b>&c\r\"\t\n", false).unwrap(), "a&lt;b&gt;&amp;c&#13;\"\t\n");
        assert_eq!(esc("a<b>&c\r\"\t\n", true).unwrap(), "a&lt;b&gt;&amp;c&#13;&quot;&#9;&#10;");
        // Non-ASCII passes, including other characters whose UTF-8 starts with 0xEF.
        let s = "é€\u{FFFD}\u{F8FF}\u{FEFF}\u{1F600}";
        assert_eq!(esc(s, false).unwrap(), s);
        for (s, at, ch) in [
            ("ab\u{1}", 2, '\u{1}'),
            ("\u{b}", 0, '\u{b}'),
            ("é\u{fffe}", 2, '\u{fffe}'),
            ("x\u{ffff}y", 1, '\u{ffff}'),
        ] {
            for attr in [false, true] {
                assert_eq!(esc(s, attr), Err(EncodeError::ForbiddenChar { field: "f", offset: at, ch }), "{s:?}");
            }
        }
        // Escaped input (a decoded text) is unescaped, then escaped again.
        let mut buf = [0u8; 64];
        let mut w = Writer::new(&mut buf);
        w.text("f", Text::xml("&lt;&#x9;&#xe9;")).unwrap();
        let n = w.position();
        assert_eq!(&buf[..n], "&lt;\té".as_bytes());
    }
}
