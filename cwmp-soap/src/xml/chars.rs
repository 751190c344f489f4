//! XML 1.0 character classes: `Char`, `NameStartChar`, `NameChar`, white
//! space, and the validation of text and attribute values (characters and
//! references) done once, when a token is read.

use super::error::{XmlError, XmlErrorKind};

/// ASCII byte may start a name (`NameStartChar`, colon excluded: we split qnames).
const NS: u8 = 1;
/// ASCII byte may continue a name (`NameChar`).
const NC: u8 = 2;
/// XML white space (`S`).
const WS: u8 = 4;
/// The colon.
pub(crate) const COLON: u8 = 8;
/// A byte ≥ 0x80 (part of a non-ASCII character, checked exactly later).
pub(crate) const HIGH: u8 = 16;
/// May continue a qualified name: `NameChar`, `:`, or non-ASCII.
pub(crate) const QNAME: u8 = NC | COLON | HIGH;

const fn name_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut c = 0;
        if b.is_ascii_alphabetic() || b == b'_' {
            c |= NS | NC;
        }
        if b.is_ascii_digit() || b == b'-' || b == b'.' {
            c |= NC;
        }
        if b == b':' {
            c |= COLON;
        }
        if b >= 0x80 {
            // Checked precisely (after UTF-8 validation) by `is_name_char`.
            c |= NS | NC | HIGH;
        }
        if b == b' ' || b == b'\t' || b == b'\n' || b == b'\r' {
            c |= WS;
        }
        t[i] = c;
        i += 1;
    }
    t
}

static NAME: [u8; 256] = name_table();

/// `b` is XML white space.
#[inline]
pub(crate) fn is_ws(b: u8) -> bool {
    NAME[b as usize] & WS != 0
}

/// `b` may start a name (ASCII exact; any byte ≥ 0x80 passes, to be checked by [`check_name_chars`]).
#[inline]
pub(crate) fn is_name_start_byte(b: u8) -> bool {
    NAME[b as usize] & NS != 0
}

/// The name classes of `b` (`NS`, `NC`, `WS`, `COLON`, `HIGH` bits).
#[inline]
pub(crate) fn name_class(b: u8) -> u8 {
    NAME[b as usize]
}

/// XML 1.0 `NameStartChar` without `:` (colons separate prefix and local part).
pub(crate) fn is_name_start_char(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 `NameChar` without `:`.
pub(crate) fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Checks a name part (prefix or local part) with non-ASCII characters
/// against the exact `NameStartChar`/`NameChar` ranges.
pub(crate) fn check_name_chars(name: &str, offset: usize) -> Result<(), XmlError> {
    let mut chars = name.char_indices();
    if let Some((_, c)) = chars.next()
        && !is_name_start_char(c)
    {
        return Err(XmlError::new(XmlErrorKind::InvalidName, offset));
    }
    for (i, c) in chars {
        if !is_name_char(c) {
            return Err(XmlError::new(XmlErrorKind::InvalidName, offset.saturating_add(i)));
        }
    }
    Ok(())
}

/// XML 1.0 `Char` production; with `controls`, also U+0001–U+001F.
pub(crate) fn is_xml_char(c: u32, controls: bool) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..=0x10_FFFF)
        || (controls && (1..0x20).contains(&c))
}

// Classes of the text scanner.
const PLAIN: u8 = 0;
const C_WS: u8 = 1;
const C_CR: u8 = 2;
const C_AMP: u8 = 3;
const C_LT: u8 = 4;
const C_GT: u8 = 5;
const C_CTRL: u8 = 6;
const C_HI: u8 = 7;
const C_NUL: u8 = 8;

const fn text_table() -> [u8; 256] {
    let mut t = [PLAIN; 256];
    let mut i = 1;
    while i < 0x20 {
        t[i] = C_CTRL;
        i += 1;
    }
    t[0] = C_NUL;
    t[b'\t' as usize] = C_WS;
    t[b'\n' as usize] = C_WS;
    t[b' ' as usize] = C_WS;
    t[b'\r' as usize] = C_CR;
    t[b'&' as usize] = C_AMP;
    t[b'<' as usize] = C_LT;
    t[b'>' as usize] = C_GT;
    let mut h = 0x80;
    while h < 0x100 {
        t[h] = C_HI;
        h += 1;
    }
    t
}

static TEXT: [u8; 256] = text_table();

/// Where a run of character data sits; decides what is allowed and how it decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// Element content: references decoded, `]]>` forbidden.
    Text,
    /// A CDATA section: no references.
    CData,
    /// An attribute value: references decoded, `<` forbidden, white space normalised.
    Attr,
    /// A comment: characters only.
    Comment,
}

/// What the scanner learned about a validated run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Scanned {
    /// Contains a character other than XML white space.
    pub non_ws: bool,
    /// Decoding changes it (references, CR, or attribute white space).
    pub needs_decode: bool,
}

/// Validates a run of character data: UTF-8 (ASCII only with `ascii_only`),
/// the XML `Char` production, references, and the context rules, starting
/// at `bytes[from]` (the bytes before it are only looked back at for `]]>`).
/// `base` is the run's offset in the message. In [`Ctx::Text`] the run ends
/// at the first `<`; returns what was learned and where the run ended.
pub(crate) fn scan_chars(
    bytes: &[u8],
    from: usize,
    base: usize,
    ctx: Ctx,
    controls: bool,
    ascii_only: bool,
) -> Result<(Scanned, usize), XmlError> {
    let mut out = Scanned::default();
    let mut i = from;
    let err = |kind, i: usize| XmlError::new(kind, base.saturating_add(i));
    loop {
        // Eight bytes at a time: skip straight to the first byte that is not
        // plain (most of any value is plain); the tail is padded with plain bytes.
        let skip = loop {
            let Some(w) = word_at(bytes, i) else { break None };
            let special = special_bytes(w);
            if special == 0 {
                out.non_ws = true;
                i += 8;
                continue;
            }
            break Some((special.trailing_zeros() / 8) as usize);
        };
        let Some(k) = skip else { break };
        if k != 0 {
            out.non_ws = true;
            i += k;
        }
        let Some(&b) = bytes.get(i) else { break };
        match TEXT[b as usize] {
            PLAIN => out.non_ws = true,
            C_WS => {
                if ctx == Ctx::Attr && b != b' ' {
                    out.needs_decode = true;
                }
            }
            C_CR => out.needs_decode = true,
            C_AMP => {
                out.non_ws = true;
                if matches!(ctx, Ctx::Text | Ctx::Attr) {
                    out.needs_decode = true;
                    let (r, end) = parse_ref(bytes, i).map_err(|k| err(k, i))?;
                    if let Reference::Char(c) = r
                        && !is_xml_char(c as u32, controls)
                    {
                        return Err(err(XmlErrorKind::BadCharRef, i));
                    }
                    i = end;
                    continue;
                }
            }
            C_LT => match ctx {
                Ctx::Text => return Ok((out, i)),
                Ctx::Attr => return Err(err(XmlErrorKind::Syntax("'<' in attribute value"), i)),
                Ctx::CData | Ctx::Comment => out.non_ws = true,
            },
            C_GT => {
                out.non_ws = true;
                if ctx == Ctx::Text && i >= 2 && bytes.get(i - 2..i) == Some(b"]]") {
                    return Err(err(XmlErrorKind::InvalidChar, i - 2));
                }
            }
            C_CTRL => {
                if !controls {
                    return Err(err(XmlErrorKind::InvalidChar, i));
                }
                out.non_ws = true;
            }
            C_HI => {
                out.non_ws = true;
                let Some((c, len)) = utf8_char(bytes, i).filter(|_| !ascii_only) else {
                    return Err(err(XmlErrorKind::InvalidUtf8, i));
                };
                if c == 0xFFFE || c == 0xFFFF {
                    return Err(err(XmlErrorKind::InvalidChar, i));
                }
                i += len;
                continue;
            }
            _ => return Err(err(XmlErrorKind::InvalidChar, i)),
        }
        i += 1;
    }
    Ok((out, bytes.len()))
}

/// One in every byte of a word.
pub(crate) const LO: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a word.
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of each zero byte of `v` (the lowest set bit is exact;
/// bits above it may be spurious).
#[inline]
pub(crate) fn has_zero(v: u64) -> u64 {
    v.wrapping_sub(LO) & !v & HI
}

/// The high bit of each byte of `w` that is not plain, i.e. not printable
/// ASCII other than `& < >` (white space, control characters, bytes ≥ 0x80,
/// `& < >`: something to check or decode). Bits above the lowest one may be
/// spurious (borrows), the lowest is exact: `trailing_zeros() / 8` is the
/// index of the first such byte; 0 when all eight are plain.
#[inline]
fn special_bytes(w: u64) -> u64 {
    // Below 0x21 (`(w - 0x21…) & !w`) or at/above 0x80 (`w`), in the high
    // bits: `((w - 0x21…) & !w | w) & HI`, which is `((w - 0x21…) | w) & HI`.
    let outside = (w.wrapping_sub(LO * 0x21) | w) & HI;
    // `<` (0x3C) and `>` (0x3E) differ only in bit 1: one test finds both
    // (no other byte becomes 0x3E when bit 1 is set).
    outside | has_zero(w ^ (LO * u64::from(b'&'))) | has_zero((w | (LO * 0x02)) ^ (LO * u64::from(b'>')))
}

/// The eight bytes at `bytes[i..]` as a little-endian word, padded with a
/// plain byte (`a`) past the end; `None` when `i` is at or past the end.
#[inline]
fn word_at(bytes: &[u8], i: usize) -> Option<u64> {
    const PAD: u64 = LO * b'a' as u64;
    if let Some(c) = bytes.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
        return Some(u64::from_le_bytes(c));
    }
    let rest = bytes.get(i..).filter(|r| !r.is_empty())?;
    let r = rest.len(); // 1..=7
    if let Some(c) = bytes.len().checked_sub(8).and_then(|s| bytes.get(s..)).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
        // The last eight bytes, shifted so `rest` comes first.
        let w = u64::from_le_bytes(c) >> (8 * (8 - r));
        return Some(w | (PAD << (8 * r)));
    }
    let mut w = PAD << (8 * r);
    for (k, &b) in rest.iter().enumerate() {
        w |= u64::from(b) << (8 * k);
    }
    Some(w)
}

/// Decodes the UTF-8 sequence at `bytes[i]` (a byte ≥ 0x80): the scalar
/// value and its length. `None` for anything `core::str::from_utf8` rejects:
/// stray continuation bytes, overlong forms, surrogates, values above
/// U+10FFFF, truncated sequences.
pub(crate) fn utf8_char(bytes: &[u8], i: usize) -> Option<(u32, usize)> {
    let b0 = u32::from(*bytes.get(i)?);
    let (len, min, mut c) = match b0 {
        0xC2..=0xDF => (2, 0x80, b0 & 0x1F),
        0xE0..=0xEF => (3, 0x800, b0 & 0x0F),
        0xF0..=0xF4 => (4, 0x1_0000, b0 & 0x07),
        _ => return None,
    };
    for k in 1..len {
        let b = *bytes.get(i + k)?;
        if b & 0xC0 != 0x80 {
            return None;
        }
        c = (c << 6) | u32::from(b & 0x3F);
    }
    if c < min || c > 0x10_FFFF || (0xD800..=0xDFFF).contains(&c) {
        return None;
    }
    Some((c, len))
}

/// A decoded reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reference {
    /// One of the five predefined entities, as its replacement text.
    Entity(&'static str),
    /// A character reference (value not yet checked against `Char`).
    Char(char),
}

/// Parses the reference starting with `&` at `bytes[at]`; returns it and the
/// index just past its `;`.
pub(crate) fn parse_ref(bytes: &[u8], at: usize) -> Result<(Reference, usize), XmlErrorKind> {
    let body = bytes.get(at + 1..).unwrap_or_default();
    if let Some(num) = body.strip_prefix(b"#") {
        let (digits, radix, skip) = match num.strip_prefix(b"x") {
            Some(hex) => (hex, 16u32, 3usize),
            None => (num, 10u32, 2usize),
        };
        let mut value: u32 = 0;
        let mut n = 0usize;
        for &d in digits {
            if d == b';' {
                break;
            }
            let v = (d as char).to_digit(radix).ok_or(XmlErrorKind::BadCharRef)?;
            // Saturate above the Unicode range; leading zeros are allowed.
            value = value.saturating_mul(radix).saturating_add(v).min(0x11_0000);
            n += 1;
        }
        if n == 0 || digits.get(n) != Some(&b';') {
            return Err(XmlErrorKind::BadCharRef);
        }
        let c = char::from_u32(value).ok_or(XmlErrorKind::BadCharRef)?;
        return Ok((Reference::Char(c), at + skip + n + 1));
    }
    const ENTITIES: [(&[u8], &str); 5] =
        [(b"amp;", "&"), (b"lt;", "<"), (b"gt;", ">"), (b"apos;", "'"), (b"quot;", "\"")];
    for (name, text) in ENTITIES {
        if body.starts_with(name) {
            return Ok((Reference::Entity(text), at + 1 + name.len()));
        }
    }
    Err(XmlErrorKind::UnknownEntity)
}

/// Index of the first `needle` in `hay`. Attribute values and names are
/// short: the first words are searched inline, the rest with `memchr`.
#[inline]
pub(crate) fn find_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    find_any([needle], hay)
}

/// Index of the first byte of `hay` that is one of `set` (one to three
/// bytes). Most searches in a tag or a short text end within a few words:
/// the first 32 bytes are searched a word at a time inline, a shorter tail
/// byte by byte, and only longer text with `memchr`.
#[inline(always)]
pub(crate) fn find_any<const K: usize>(set: [u8; K], hay: &[u8]) -> Option<usize> {
    // The lowest set bit of each term is exact, so is that of their union.
    let hits = |c: [u8; 8]| {
        let w = u64::from_le_bytes(c);
        set.iter().fold(0, |m, &n| m | has_zero(w ^ (LO * u64::from(n))))
    };
    let word = |i: usize| hay.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok());
    let n = hay.len();
    let mut i = 0usize;
    while i < 64 {
        let Some(c) = word(i) else {
            if i >= n {
                return None;
            }
            // Fewer than eight bytes left: the last eight, with the bytes
            // already searched shifted out (they hold no match, so no
            // borrow crosses into the rest).
            let Some(c) = n.checked_sub(8).and_then(word) else {
                return hay.get(i..)?.iter().position(|b| set.contains(b)).map(|k| i + k);
            };
            let m = hits(c) >> (8 * (i + 8 - n));
            return (m != 0).then(|| i + (m.trailing_zeros() / 8) as usize);
        };
        let m = hits(c);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let rest = hay.get(i..)?;
    match *set.as_slice() {
        [a] => memchr::memchr(a, rest),
        [a, b] => memchr::memchr2(a, b, rest),
        [a, b, c] => memchr::memchr3(a, b, c, rest),
        _ => rest.iter().position(|b| set.contains(b)),
    }
    .map(|k| i + k)
}

/// `a == b`, compared a word at a time inline (names are short; no `memcmp` call).
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let word = |s: &[u8], i: usize| s.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()).map(u64::from_ne_bytes);
    let n = a.len();
    if n < 8 {
        // Two (overlapping) halves of four or of two bytes.
        let four = |s: &[u8], i: usize| s.get(i..i + 4).and_then(|c| <[u8; 4]>::try_from(c).ok());
        let two = |s: &[u8], i: usize| s.get(i..i + 2).and_then(|c| <[u8; 2]>::try_from(c).ok());
        return match n {
            4.. => four(a, 0) == four(b, 0) && four(a, n - 4) == four(b, n - 4),
            2.. => two(a, 0) == two(b, 0) && two(a, n - 2) == two(b, n - 2),
            _ => a.first() == b.first(),
        };
    }
    let mut i = 0usize;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    // The last eight bytes (overlapping the previous word).
    word(a, n - 8) == word(b, n - 8)
}

/// Index of the first byte from `bytes[from]` on that is not plain (see
/// [`special_bytes`]); `bytes.len()` when there is none. Inlined where most
/// runs are plain up to their end, so that [`scan_chars`] is only called for
/// the rest.
#[inline]
pub(crate) fn plain_len(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(w) = word_at(bytes, i) {
        let special = special_bytes(w);
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The word-at-a-time searches find what a byte loop finds, at every
        /// length and alignment (short tails, the overlapping last word, the
        /// hand-over to `memchr` past 64 bytes).
        #[test]
        fn searches_agree_with_a_byte_loop(
            hay in proptest::collection::vec(proptest::sample::select(b"<&\r>\"'a \x80\xff\x3b\x1d".to_vec()), 0..160),
            from in 0usize..160,
        ) {
            let hay = hay.get(from.min(hay.len())..).unwrap_or_default();
            let naive = |set: &[u8]| hay.iter().position(|b| set.contains(b));
            proptest::prop_assert_eq!(find_any([b'<'], hay), naive(b"<"));
            proptest::prop_assert_eq!(find_byte(b'\'', hay), naive(b"'"));
            proptest::prop_assert_eq!(find_any([b'>', b'"'], hay), naive(b">\""));
            proptest::prop_assert_eq!(find_any([b'<', b'&', b'\r'], hay), naive(b"<&\r"));
        }
    }

    #[test]
    fn plain_runs_stop_at_every_byte_that_is_not_plain() {
        // Plain: printable ASCII other than `& < >`, space excluded.
        let plain = |b: u8| (0x21..0x80).contains(&b) && !b"&<>".contains(&b);
        for special in 0..=255u8 {
            for at in 0..20 {
                let mut hay = std::vec![b'x'; 20];
                if let Some(b) = hay.get_mut(at) {
                    *b = special;
                }
                let want = if plain(special) { 20 } else { at };
                assert_eq!(plain_len(&hay, 0), want, "byte {special:#x} at {at}");
            }
        }
    }

    #[test]
    fn searches_at_every_length_and_position() {
        for len in 0..80 {
            for at in 0..=len {
                let mut hay = std::vec![b'x'; len];
                if let Some(b) = hay.get_mut(at) {
                    *b = b'&';
                }
                let want = (at < len).then_some(at);
                assert_eq!(find_any([b'<', b'&', b'\r'], &hay), want, "len {len} at {at}");
                assert_eq!(find_byte(b'&', &hay), want, "len {len} at {at}");
            }
        }
    }
}
