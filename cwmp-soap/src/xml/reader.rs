//! The resumable pull reader.
//!
//! State between calls is positions, never references: the caller passes the
//! whole buffer received so far (it only grows) on every call. A token cut
//! off by the end of the buffer is resumed where scanning stopped: a start
//! tag is lexed optimistically once, then only its end (`>` outside quotes)
//! is searched in the new bytes, and it is lexed again once complete. Text
//! is validated as far as it has arrived, in the same pass that looks for its
//! `<`, and resumed after the validated bytes (when a chunk ends inside a
//! character or reference, the rest is only searched for `<` and the complete
//! text validated once). Comments, CDATA and end tags only search for their
//! terminator. Every byte is therefore looked at a bounded number of times
//! for any chunking.

use cwmp_core::Limits;
use cwmp_core::limits::Limit;
use memchr::{memchr, memchr3, memmem};

use super::chars::{
    COLON, Ctx, HIGH, QNAME, Scanned, check_name_chars, find_byte, is_name_start_byte, is_ws, name_class, plain_len,
    same_bytes, scan_chars,
};
use super::error::{XmlError, XmlErrorKind};
use super::event::{EndTag, Event, Scope, StartTag, Step, TagName};
use super::namespace::{Binding, K_XML, K_XMLNS, Uri, lookup};
use super::options::{Options, Quirks};
use super::text::{Text, as_str};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// An open element.
#[derive(Debug, Clone, Copy)]
struct Open {
    name_start: u32,
    name_len: u16,
    /// Index of the colon within the name, 0 when unprefixed.
    colon: u16,
    uri: Uri,
    /// The default namespace in scope inside this element.
    default_ns: Uri,
    /// Number of bindings in scope before this element's declarations.
    ns_mark: u16,
}

impl Open {
    const EMPTY: Open =
        Open { name_start: 0, name_len: 0, colon: 0, uri: Uri::NONE, default_ns: Uri::NONE, ns_mark: 0 };
}

/// An attribute found by the lexer, as offsets into the input.
#[derive(Debug, Clone, Copy)]
struct AttrSpan {
    name_start: u32,
    name_len: u16,
    /// Index of the colon within the name, 0 when unprefixed.
    colon: u16,
    value_start: u32,
    value_len: u32,
}

impl AttrSpan {
    const EMPTY: AttrSpan = AttrSpan { name_start: 0, name_len: 0, colon: 0, value_start: 0, value_len: 0 };
}

/// Effective bounds: `Limits` capped by the fixed capacities.
#[derive(Debug, Clone, Copy)]
struct Caps {
    depth: usize,
    attrs: usize,
    ns: usize,
    name_len: usize,
    token_len: usize,
    body_len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the root element.
    Prolog,
    /// Inside the root element.
    Content,
    /// After the root element.
    Epilog,
}

/// What lexing a start tag found.
enum Lexed {
    /// The tag is complete: `end` is the offset just past `>`.
    Done { end: usize, name_end: usize, colon: usize, attrs: usize, empty: bool, non_ascii: bool },
    /// The input ends inside the tag at `at`, inside a value quoted with `quote` (0: not in a value).
    Incomplete { at: usize, quote: u8 },
}

/// A name found by the lexer.
#[derive(Clone, Copy)]
struct LexedName {
    /// Index just past the name.
    end: usize,
    /// Index of the colon within the name, 0 when unprefixed.
    colon: usize,
    /// The name has bytes ≥ 0x80 (to be checked exactly).
    non_ascii: bool,
}

/// Longest name [`KnownName`] keeps.
const KNOWN_LEN: usize = 24;

/// A name lexed recently, kept by value (never as an offset: the reader
/// does not rely on earlier input staying as it was). A list repeats a few
/// names thousands of times (`ParameterValueStruct`, `Name`, `Value`,
/// `xsi:type`); a name equal to a known one and followed by a byte that
/// cannot continue a name lexes the same, so its characters need no second
/// look.
#[derive(Debug, Clone, Copy)]
struct KnownName {
    bytes: [u8; KNOWN_LEN],
    /// 0: empty slot.
    len: u8,
    colon: u8,
    non_ascii: bool,
}

impl KnownName {
    const EMPTY: KnownName = KnownName { bytes: [0; KNOWN_LEN], len: 0, colon: 0, non_ascii: false };
}

/// A zero-allocation, resumable, namespace-resolving XML pull reader.
///
/// `DEPTH`, `NS` and `ATTRS` are the fixed capacities of the element stack,
/// the namespace-binding stack and the per-tag attribute table; the
/// [`Limits`] given to [`Reader::new`] can only lower them. The reader is
/// about `24·DEPTH + 20·NS + 16·ATTRS` bytes plus a few words (1.8 KiB with
/// the defaults) and never allocates.
///
/// Feed it the whole buffer received so far on each call:
///
/// ```
/// use cwmp_soap::xml::{Event, Reader, Step, ns};
///
/// let msg = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
///     xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soapenv:Body><cwmp:Reboot><CommandKey>k&amp;1</CommandKey>
///     </cwmp:Reboot></soapenv:Body></soapenv:Envelope>"#;
/// let mut reader: Reader = Reader::new(&cwmp_core::Limits::DEFAULT, Default::default());
/// let mut received = 0;
/// let mut names = Vec::new();
/// loop {
///     // Bytes arrive 7 at a time; `buf` is everything received so far.
///     let buf = &msg[..received];
///     match reader.next(buf).unwrap() {
///         Step::NeedMore => received = (received + 7).min(msg.len()),
///         Step::Eof => break,
///         Step::Event(Event::Start(t)) => names.push((t.name().ns(), t.name().local())),
///         Step::Event(_) => {}
///     }
/// }
/// assert_eq!(names[2], (Some(ns::CWMP_1_0), "Reboot"));
/// assert_eq!(names[3], (None, "CommandKey")); // unprefixed, no default namespace
/// ```
///
/// # Decoder helpers
///
/// * [`Reader::depth`]: elements open after the last event.
/// * [`Reader::skip_element`]: discard the rest of the element just started.
/// * [`StartTag::end_offset`] and [`EndTag::offset`] delimit an element's raw content.
#[derive(Debug, Clone)]
pub struct Reader<const DEPTH: usize = 32, const NS: usize = 32, const ATTRS: usize = 16> {
    caps: Caps,
    options: Options,
    /// Start of the next (or current, partial) token.
    pos: usize,
    /// Resumption point inside a partial token.
    scan: usize,
    /// Quote that the resumed start-tag scan is inside of (0: none).
    quote: u8,
    /// Partial text: `pos..scan` is validated, with `text_scanned` learned.
    text_valid: bool,
    text_scanned: Scanned,
    /// A start tag was lexed partially; `scan` and `quote` are set.
    resuming: bool,
    phase: Phase,
    /// The byte-order mark check has been done.
    started: bool,
    /// An XML declaration may still come.
    decl_allowed: bool,
    /// An ISO-8859-1/US-ASCII declaration was accepted: bytes must be ASCII.
    ascii_only: bool,
    /// The last event was `Empty`: pop its element on the next call.
    pending_pop: bool,
    /// Changes whenever the namespace scope may change.
    serial: u32,
    /// `skip_element` in progress: depth to return to (u32::MAX: none).
    skip_to: u32,
    failed: Option<XmlError>,
    /// The quirks this document needed (those the reader records).
    repaired: Quirks,
    depth: usize,
    stack: [Open; DEPTH],
    nbind: usize,
    bindings: [Binding; NS],
    attrs: [AttrSpan; ATTRS],
    known: [KnownName; 4],
    /// The slot the next new name replaces.
    known_next: usize,
}

impl<const DEPTH: usize, const NS: usize, const ATTRS: usize> Reader<DEPTH, NS, ATTRS> {
    /// A reader enforcing `limits` (capped by the fixed capacities).
    pub fn new(limits: &Limits, options: Options) -> Self {
        let caps = Caps {
            depth: limits.max_depth.min(DEPTH).min(u16::MAX as usize),
            attrs: limits.max_attributes.min(ATTRS),
            ns: limits.max_ns_bindings.min(NS).min(u16::MAX as usize),
            name_len: limits.max_name_len.min(u16::MAX as usize),
            token_len: limits.max_token_len,
            body_len: limits.max_body_len.min(u32::MAX as usize),
        };
        Reader {
            caps,
            options,
            pos: 0,
            scan: 0,
            quote: 0,
            resuming: false,
            phase: Phase::Prolog,
            started: false,
            decl_allowed: true,
            ascii_only: false,
            pending_pop: false,
            text_valid: false,
            text_scanned: Scanned { non_ws: false, needs_decode: false },
            serial: 0,
            skip_to: u32::MAX,
            failed: None,
            repaired: Quirks::NONE,
            depth: 0,
            stack: [Open::EMPTY; DEPTH],
            nbind: 0,
            bindings: [Binding::EMPTY; NS],
            attrs: [AttrSpan::EMPTY; ATTRS],
            known: [KnownName::EMPTY; 4],
            known_next: 0,
        }
    }

    /// The quirks the document read so far needed: the deviations accepted
    /// rather than rejected. Recorded for
    /// [`Quirks::unbound_attribute_prefixes`]; the other quirks are not
    /// recorded (yet).
    pub fn repaired(&self) -> Quirks {
        self.repaired
    }

    /// Number of elements open after the last event: a [`Event::Start`]
    /// counts, an [`Event::Empty`] does not; 0 before and after the root.
    pub fn depth(&self) -> usize {
        self.depth - usize::from(self.pending_pop)
    }

    /// Byte offset up to which the input has been consumed: everything before
    /// it belongs to events already returned (or skipped comments/white space).
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The next event of `input`, which is everything received so far
    /// (append-only: pass the same bytes plus new ones on each call).
    /// [`Step::NeedMore`] when `input` ends inside a token.
    ///
    /// After an error the reader stays failed and returns the same error.
    pub fn next<'a>(&mut self, input: &'a [u8]) -> Result<Step<'a>, XmlError> {
        self.guarded(input, false)
    }

    /// Like [`Reader::next`], but `input` is the complete message: where more
    /// bytes would be needed, fails with [`XmlErrorKind::UnexpectedEof`].
    /// Never returns [`Step::NeedMore`].
    pub fn next_complete<'a>(&mut self, input: &'a [u8]) -> Result<Step<'a>, XmlError> {
        self.guarded(input, true)
    }

    /// Skips the rest of the element whose [`Event::Start`] was just
    /// returned (its content, nested elements included) and returns its
    /// [`Event::End`]. On [`Step::NeedMore`], call `skip_element` again with
    /// more input: it remembers which element it is skipping. Fails with
    /// [`XmlErrorKind::NotInElement`] when no element is open.
    pub fn skip_element<'a>(&mut self, input: &'a [u8]) -> Result<Step<'a>, XmlError> {
        self.skip(input, false)
    }

    /// [`Reader::skip_element`] over a complete message.
    pub fn skip_element_complete<'a>(&mut self, input: &'a [u8]) -> Result<Step<'a>, XmlError> {
        self.skip(input, true)
    }

    fn skip<'a>(&mut self, input: &'a [u8], eof: bool) -> Result<Step<'a>, XmlError> {
        if self.skip_to == u32::MAX {
            let d = self.depth();
            if d == 0 {
                return Err(XmlError::new(XmlErrorKind::NotInElement, self.pos));
            }
            // `depth` ≤ `caps.depth` ≤ u16::MAX.
            self.skip_to = (d - 1) as u32;
        }
        loop {
            match self.guarded(input, eof)? {
                Step::Event(Event::End(e)) if self.depth == self.skip_to as usize => {
                    self.skip_to = u32::MAX;
                    return Ok(Step::Event(Event::End(e)));
                }
                Step::Event(_) => {}
                other => return Ok(other),
            }
        }
    }

    /// The namespace scope, if `serial` is still current.
    pub(crate) fn scope(&self, serial: u32) -> Option<Scope<'_>> {
        (serial == self.serial).then(|| Scope {
            bindings: self.bindings.get(..self.nbind).unwrap_or_default(),
            well_known: self.options.quirks.unbound_well_known_prefixes,
        })
    }

    /// Reads all of `input`, a complete message, passing every event but
    /// text to `f` (text is validated all the same; CDATA sections are
    /// passed): what [`Reader::next_complete`] in a loop does, without a
    /// call and a returned [`Step`] per event (the validating pass over a
    /// whole envelope runs this).
    pub(crate) fn for_each_complete<'a>(
        &mut self,
        input: &'a [u8],
        mut f: impl FnMut(Event<'a>),
    ) -> Result<(), XmlError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        // `eof` is set, so the prelude never asks for more.
        if let Err(e) = self.prelude(input, true) {
            self.failed = Some(e);
            return Err(e);
        }
        loop {
            match self.step_inline(input, true, false) {
                Ok(Step::Event(e)) => f(e),
                Ok(Step::Eof) => return Ok(()),
                // `eof` is set: never asked for more.
                Ok(Step::NeedMore) => return Err(Self::err(XmlErrorKind::UnexpectedEof, input.len())),
                Err(e) => {
                    self.failed = Some(e);
                    return Err(e);
                }
            }
        }
    }

    fn guarded<'a>(&mut self, input: &'a [u8], eof: bool) -> Result<Step<'a>, XmlError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let r = self.step(input, eof);
        if let Err(e) = r {
            self.failed = Some(e);
        }
        r
    }

    fn err(kind: XmlErrorKind, offset: usize) -> XmlError {
        XmlError::new(kind, offset)
    }

    /// `input` ends inside the token starting at `start`.
    fn more<'a>(&self, input: &[u8], start: usize, eof: bool) -> Result<Step<'a>, XmlError> {
        if eof {
            return Err(Self::err(XmlErrorKind::UnexpectedEof, input.len()));
        }
        if input.len().saturating_sub(start) > self.caps.token_len {
            return Err(Self::err(XmlErrorKind::Limit(Limit::TokenLen), start));
        }
        Ok(Step::NeedMore)
    }

    /// A token `start..end` is complete: check its length, move past it.
    fn consume(&mut self, start: usize, end: usize) -> Result<(), XmlError> {
        if end - start > self.caps.token_len {
            return Err(Self::err(XmlErrorKind::Limit(Limit::TokenLen), start));
        }
        self.pos = end;
        self.scan = 0;
        self.quote = 0;
        self.resuming = false;
        self.text_valid = false;
        self.decl_allowed = false;
        Ok(())
    }

    /// `input[start..end]` as validated UTF-8 (ASCII under a Latin-1 declaration).
    fn utf8<'a>(&self, input: &'a [u8], start: usize, end: usize) -> Result<&'a str, XmlError> {
        let bytes = input.get(start..end).ok_or(Self::err(XmlErrorKind::UnexpectedEof, start))?;
        let s = core::str::from_utf8(bytes)
            .map_err(|e| Self::err(XmlErrorKind::InvalidUtf8, start.saturating_add(e.valid_up_to())))?;
        if self.ascii_only && !s.is_ascii() {
            let at = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
            return Err(Self::err(XmlErrorKind::InvalidUtf8, start.saturating_add(at)));
        }
        Ok(s)
    }

    /// A name containing non-ASCII bytes: UTF-8, then the exact
    /// `NameStartChar`/`NameChar` ranges for prefix and local part.
    #[inline(never)]
    fn check_name(&self, qname: &[u8], colon: usize, at: usize) -> Result<(), XmlError> {
        let s = self.utf8(qname, 0, qname.len()).map_err(|e| Self::err(e.kind, at + e.offset))?;
        let (prefix, local) = split(s.as_bytes(), colon);
        let local_at = if colon == 0 { at } else { at + colon + 1 };
        check_name_chars(as_str(local), local_at)?;
        if let Some(p) = prefix {
            check_name_chars(as_str(p), at)?;
        }
        Ok(())
    }

    /// Validates character data (see [`scan_chars`]) with this reader's options.
    fn scan_chars(&self, bytes: &[u8], base: usize, ctx: Ctx) -> Result<(Scanned, usize), XmlError> {
        scan_chars(bytes, 0, base, ctx, self.options.quirks.control_chars, self.ascii_only)
    }

    fn pop(&mut self) {
        if let Some(d) = self.depth.checked_sub(1) {
            self.nbind = self.stack.get(d).map_or(0, |o| o.ns_mark as usize);
            self.depth = d;
            self.serial = self.serial.wrapping_add(1);
        }
    }

    fn step<'a>(&mut self, input: &'a [u8], eof: bool) -> Result<Step<'a>, XmlError> {
        if let Some(step) = self.prelude(input, eof)? {
            return Ok(step);
        }
        self.step_inline(input, eof, true)
    }

    /// What every call checks before reading on: the body size cap and the
    /// byte-order mark. `Some(NeedMore)` when the input might still be a
    /// partial BOM.
    #[inline]
    fn prelude<'a>(&mut self, input: &'a [u8], eof: bool) -> Result<Option<Step<'a>>, XmlError> {
        if input.len() > self.caps.body_len {
            return Err(Self::err(XmlErrorKind::Limit(Limit::BodyLen), self.caps.body_len));
        }
        if !self.started {
            if input.starts_with(BOM) {
                self.pos = BOM.len();
            } else if BOM.starts_with(input) && !eof {
                return Ok(Some(Step::NeedMore));
            }
            self.started = true;
        }
        Ok(None)
    }

    /// The next event once [`Reader::prelude`] has passed for this input.
    #[inline(always)]
    /// `texts`: return text events (else text is validated and skipped).
    fn step_inline<'a>(&mut self, input: &'a [u8], eof: bool, texts: bool) -> Result<Step<'a>, XmlError> {
        if self.pending_pop {
            self.pending_pop = false;
            self.pop();
        }
        loop {
            let mut start = self.pos;
            let Some(&b) = input.get(start) else {
                return match (self.phase, eof) {
                    (Phase::Epilog, _) => Ok(Step::Eof),
                    (_, false) => Ok(Step::NeedMore),
                    (_, true) => Err(Self::err(XmlErrorKind::UnexpectedEof, start)),
                };
            };
            if b != b'<' {
                if self.phase != Phase::Content {
                    // Outside the root: white space only, consumed as it comes.
                    let rest = input.get(start..).unwrap_or_default();
                    let n = rest.iter().position(|&c| !is_ws(c)).unwrap_or(rest.len());
                    if n == 0 {
                        return Err(Self::err(XmlErrorKind::OutsideRoot, start));
                    }
                    self.pos = start + n;
                    if !self.options.quirks.decl_after_whitespace {
                        self.decl_allowed = false;
                    }
                    continue;
                }
                match self.text(input, start, eof, texts)? {
                    Some(step) => return Ok(step),
                    // Skipped white space, mostly up to a tag: read it now.
                    None if input.get(self.pos) == Some(&b'<') => start = self.pos,
                    None => continue,
                }
            }
            let Some(&b1) = input.get(start + 1) else {
                return self.more(input, start, eof);
            };
            let step = match b1 {
                b'/' => self.end_tag(input, start, eof)?,
                b'!' => self.bang(input, start, eof)?,
                b'?' => self.decl(input, start, eof)?,
                _ => Some(self.start_tag(input, start, eof)?),
            };
            if let Some(step) = step {
                return Ok(step);
            }
        }
    }

    /// Text in content, from `start` to the next `<`. `None`: skipped white
    /// space, or any text when `emit` is false.
    fn text<'a>(&mut self, input: &'a [u8], start: usize, eof: bool, emit: bool) -> Result<Option<Step<'a>>, XmlError> {
        let rest = input.get(start..).unwrap_or_default();
        if self.scan <= start {
            // Indentation up to the next tag needs no UTF-8 or character checks.
            let n = rest.iter().position(|&b| !is_ws(b)).unwrap_or(rest.len());
            if rest.get(n) == Some(&b'<') && !self.options.whitespace_text {
                if n > self.caps.token_len {
                    return Err(Self::err(XmlErrorKind::Limit(Limit::TokenLen), start));
                }
                self.pos = start + n;
                return Ok(None);
            }
            self.text_valid = true;
            self.text_scanned = Scanned::default();
        }
        if self.text_valid {
            // Validate the text and find its end in one pass, resuming after
            // the bytes validated by earlier calls (`start..scan`, which hold
            // no `<`). When the pass fails (possibly only because the input
            // ends inside a character or reference), fall back to searching
            // `<` and validating the complete text: errors then come in the
            // same order as for any other chunking.
            let from = self.scan.saturating_sub(start);
            // Plain bytes up to the `<` (the rule) need no call.
            let plain = plain_len(rest, from);
            let controls = self.options.quirks.control_chars;
            let result = match rest.get(plain) {
                Some(b'<') => Ok((Scanned::default(), plain)),
                _ => scan_chars(rest, plain, start, Ctx::Text, controls, self.ascii_only),
            };
            match result {
                Ok((s, len)) => {
                    let scanned = Scanned {
                        non_ws: s.non_ws | (plain > from) | self.text_scanned.non_ws,
                        needs_decode: s.needs_decode | self.text_scanned.needs_decode,
                    };
                    if len >= rest.len() {
                        self.scan = input.len();
                        self.text_scanned = scanned;
                        return self.more(input, start, eof).map(Some);
                    }
                    let end = start + len;
                    self.consume(start, end)?;
                    if !emit || (!scanned.non_ws && !self.options.whitespace_text) {
                        return Ok(None);
                    }
                    let raw = rest.get(..len).unwrap_or_default();
                    return Ok(Some(Step::Event(Event::Text(Text::new(raw, start, Ctx::Text, scanned)))));
                }
                Err(_) => self.text_valid = false,
            }
        }
        let from = self.scan.max(start);
        let Some(end) = input.get(from..).and_then(|h| memchr(b'<', h)).map(|i| from + i) else {
            self.scan = input.len();
            return self.more(input, start, eof).map(Some);
        };
        self.consume(start, end)?;
        let (scanned, _) = self.scan_chars(rest.get(..end - start).unwrap_or_default(), start, Ctx::Text)?;
        if !emit || (!scanned.non_ws && !self.options.whitespace_text) {
            return Ok(None);
        }
        let raw = input.get(start..end).unwrap_or_default();
        Ok(Some(Step::Event(Event::Text(Text::new(raw, start, Ctx::Text, scanned)))))
    }

    /// Finds `pat` from the resume point (at least `min`); on failure sets the
    /// resume point so a pattern split across calls is still found.
    fn find(&mut self, input: &[u8], min: usize, pat: &[u8]) -> Option<usize> {
        let from = self.scan.max(min);
        match input.get(from..).and_then(|h| memmem::find(h, pat)) {
            Some(i) => Some(from + i),
            None => {
                self.scan = input.len().saturating_sub(pat.len() - 1).max(min);
                None
            }
        }
    }

    /// `<!`: comment, CDATA section, or a rejected `<!DOCTYPE`.
    #[inline(never)]
    fn bang<'a>(&mut self, input: &'a [u8], start: usize, eof: bool) -> Result<Option<Step<'a>>, XmlError> {
        let Some(&b2) = input.get(start + 2) else {
            return self.more(input, start, eof).map(Some);
        };
        match b2 {
            b'-' => {
                let Some(&b3) = input.get(start + 3) else {
                    return self.more(input, start, eof).map(Some);
                };
                if b3 != b'-' {
                    return Err(Self::err(XmlErrorKind::Syntax("'<!-' must start a comment '<!--'"), start));
                }
                let Some(dd) = self.find(input, start + 4, b"--") else {
                    return self.more(input, start, eof).map(Some);
                };
                match input.get(dd + 2) {
                    None => {
                        self.scan = dd;
                        self.more(input, start, eof).map(Some)
                    }
                    Some(b'>') => {
                        self.consume(start, dd + 3)?;
                        let body = input.get(start + 4..dd).unwrap_or_default();
                        self.scan_chars(body, start + 4, Ctx::Comment)?;
                        Ok(None)
                    }
                    Some(_) => Err(Self::err(XmlErrorKind::Syntax("'--' inside a comment"), dd)),
                }
            }
            b'[' => {
                const CDATA: &[u8] = b"<![CDATA[";
                let have = input.get(start..).unwrap_or_default();
                let n = have.len().min(CDATA.len());
                if have.get(..n) != CDATA.get(..n) {
                    return Err(Self::err(XmlErrorKind::Syntax("'<![' must start '<![CDATA['"), start));
                }
                if n < CDATA.len() {
                    return self.more(input, start, eof).map(Some);
                }
                if self.phase != Phase::Content {
                    return Err(Self::err(XmlErrorKind::OutsideRoot, start));
                }
                let body_at = start + CDATA.len();
                let Some(close) = self.find(input, body_at, b"]]>") else {
                    return self.more(input, start, eof).map(Some);
                };
                self.consume(start, close + 3)?;
                let raw = input.get(body_at..close).unwrap_or_default();
                let (scanned, _) = self.scan_chars(raw, body_at, Ctx::CData)?;
                Ok(Some(Step::Event(Event::CData(Text::new(raw, body_at, Ctx::CData, scanned)))))
            }
            b'D' => Err(Self::err(XmlErrorKind::Doctype, start)),
            _ => Err(Self::err(XmlErrorKind::Syntax("'<!' must start a comment or CDATA section"), start)),
        }
    }

    /// `<?`: the XML declaration where one is allowed; any other processing
    /// instruction is rejected.
    #[inline(never)]
    fn decl<'a>(&mut self, input: &'a [u8], start: usize, eof: bool) -> Result<Option<Step<'a>>, XmlError> {
        let pi = Self::err(XmlErrorKind::ProcessingInstruction, start);
        if !self.decl_allowed || self.phase != Phase::Prolog {
            return Err(pi);
        }
        let have = input.get(start..).unwrap_or_default();
        let n = have.len().min(5);
        if have.get(..n) != b"<?xml".get(..n) {
            return Err(pi);
        }
        let Some(&b5) = have.get(5) else {
            return self.more(input, start, eof).map(Some);
        };
        if !is_ws(b5) {
            return Err(pi);
        }
        let Some(close) = self.find(input, start + 6, b"?>") else {
            return self.more(input, start, eof).map(Some);
        };
        self.consume(start, close + 2)?;
        let body = self.utf8(input, start + 5, close)?;
        self.xml_decl(body, start + 5)?;
        Ok(None)
    }

    /// `version="1.x" [encoding="…"] [standalone="yes|no"]`.
    #[inline(never)]
    fn xml_decl(&mut self, body: &str, base: usize) -> Result<(), XmlError> {
        let bad = |at: usize, what| Self::err(XmlErrorKind::Syntax(what), base + at);
        let bytes = body.as_bytes();
        let mut i = 0usize;
        let mut seen = 0u8; // 1 version, 2 encoding, 3 standalone
        loop {
            let ws = bytes.get(i..).unwrap_or_default().iter().take_while(|&&b| is_ws(b)).count();
            i += ws;
            if i >= bytes.len() {
                break;
            }
            if ws == 0 {
                return Err(bad(i, "expected white space in XML declaration"));
            }
            let name_len = bytes.get(i..).unwrap_or_default().iter().take_while(|b| b.is_ascii_alphabetic()).count();
            let name = body.get(i..i + name_len).unwrap_or_default();
            let at = i;
            i += name_len;
            i += bytes.get(i..).unwrap_or_default().iter().take_while(|&&b| is_ws(b)).count();
            if bytes.get(i) != Some(&b'=') {
                return Err(bad(i, "expected '=' in XML declaration"));
            }
            i += 1;
            i += bytes.get(i..).unwrap_or_default().iter().take_while(|&&b| is_ws(b)).count();
            let q = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => q,
                _ => return Err(bad(i, "expected a quoted value in XML declaration")),
            };
            let len = bytes.get(i + 1..).unwrap_or_default().iter().position(|&b| b == q);
            let Some(len) = len else { return Err(bad(i, "unterminated value in XML declaration")) };
            let value = body.get(i + 1..i + 1 + len).unwrap_or_default();
            i += len + 2;
            match (name, seen) {
                ("version", 0) => {
                    let ok = value
                        .strip_prefix("1.")
                        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
                    if !ok {
                        return Err(bad(at, "XML version must be 1.x"));
                    }
                    seen = 1;
                }
                ("encoding", 1) => {
                    if value.eq_ignore_ascii_case("UTF-8") || value.eq_ignore_ascii_case("UTF8") {
                    } else if self.options.quirks.latin1_declaration
                        && ["ISO-8859-1", "ISO8859-1", "latin1", "US-ASCII", "ASCII"]
                            .iter()
                            .any(|e| value.eq_ignore_ascii_case(e))
                    {
                        self.ascii_only = true;
                    } else {
                        return Err(Self::err(XmlErrorKind::UnsupportedEncoding, base + at));
                    }
                    seen = 2;
                }
                ("standalone", 1 | 2) => {
                    if value != "yes" && value != "no" {
                        return Err(bad(at, "standalone must be 'yes' or 'no'"));
                    }
                    seen = 3;
                }
                _ => return Err(bad(at, "expected version, encoding, standalone in that order")),
            }
        }
        if seen == 0 {
            return Err(bad(0, "XML declaration without version"));
        }
        Ok(())
    }

    /// [`Reader::lex_name`], answered from the [`KnownName`]s when the name
    /// is one of them.
    #[inline(always)]
    fn lex_known_name(&mut self, bytes: &[u8], i: usize, base: usize) -> Result<Option<LexedName>, XmlError> {
        let rest = bytes.get(i..).unwrap_or_default();
        let first = rest.first().copied();
        for k in &self.known {
            let n = usize::from(k.len);
            if n != 0
                && k.bytes.first().copied() == first
                && matches!((rest.get(..n), k.bytes.get(..n)), (Some(a), Some(b)) if same_bytes(a, b))
                && rest.get(n).is_some_and(|&b| name_class(b) & QNAME == 0)
            {
                return Ok(Some(LexedName { end: i + n, colon: usize::from(k.colon), non_ascii: k.non_ascii }));
            }
        }
        let lexed = self.lex_name(bytes, i, base)?;
        if let Some(l) = lexed
            && let Some(name) = rest.get(..l.end - i).filter(|n| n.len() <= KNOWN_LEN)
            && let Some(slot) = self.known.get_mut(self.known_next)
        {
            let mut bytes = [0; KNOWN_LEN];
            if let Some(to) = bytes.get_mut(..name.len()) {
                to.copy_from_slice(name);
            }
            // Both fit in a byte: the name is at most KNOWN_LEN long.
            *slot = KnownName { bytes, len: name.len() as u8, colon: l.colon as u8, non_ascii: l.non_ascii };
            self.known_next = (self.known_next + 1) % self.known.len();
        }
        Ok(lexed)
    }

    /// Lexes an element or attribute name at `bytes[i]`; returns its end and
    /// the colon index (0: none). `None`: the input ends inside it.
    fn lex_name(&self, bytes: &[u8], i: usize, base: usize) -> Result<Option<LexedName>, XmlError> {
        let bad = |at: usize| Self::err(XmlErrorKind::InvalidName, base + at);
        let rest = bytes.get(i..).unwrap_or_default();
        match rest.first() {
            None => return Ok(None),
            Some(&b) if !is_name_start_byte(b) => return Err(bad(i)),
            _ => {}
        }
        // One pass, never further than the length cap (+1 to see it crossed);
        // the classes seen tell whether there is a colon or a non-ASCII byte.
        let cap = self.caps.name_len;
        let window = rest.get(..cap + 1).unwrap_or(rest);
        let mut seen = 0u8;
        let mut n = 0usize;
        for &b in window {
            let c = name_class(b);
            if c & QNAME == 0 {
                break;
            }
            seen |= c;
            n += 1;
        }
        if n == window.len() {
            if window.len() > cap {
                return Err(Self::err(XmlErrorKind::Limit(Limit::NameLen), base + i));
            }
            return Ok(None);
        }
        let non_ascii = seen & HIGH != 0;
        if seen & COLON == 0 {
            return Ok(Some(LexedName { end: i + n, colon: 0, non_ascii }));
        }
        let name = window.get(..n).unwrap_or_default();
        let c = name.iter().position(|&b| b == b':').unwrap_or(0);
        let local = name.get(c + 1..).unwrap_or_default();
        if let Some(c2) = local.iter().position(|&b| b == b':') {
            return Err(bad(i + c + 1 + c2));
        }
        // The local part must start with a name-start character.
        match local.first() {
            Some(&l) if is_name_start_byte(l) => Ok(Some(LexedName { end: i + n, colon: c, non_ascii })),
            _ => Err(bad(i + c + 1)),
        }
    }

    /// Lexes the start tag at `input[start]` as far as the input goes.
    fn lex_tag(&mut self, input: &[u8], start: usize) -> Result<Lexed, XmlError> {
        let bytes = input.get(start..).unwrap_or_default();
        let incomplete = |i: usize| Ok(Lexed::Incomplete { at: start + i, quote: 0 });
        let syntax = |i: usize, what| Err(Self::err(XmlErrorKind::Syntax(what), start + i));
        let Some(LexedName { end: name_end, colon, mut non_ascii }) = self.lex_known_name(bytes, 1, start)? else {
            return incomplete(1);
        };
        let mut i = name_end;
        let mut n = 0usize;
        loop {
            let ws = bytes.get(i..).unwrap_or_default().iter().take_while(|&&b| is_ws(b)).count();
            i += ws;
            let Some(&b) = bytes.get(i) else { return incomplete(i) };
            match b {
                b'>' => return Ok(Lexed::Done { end: i + 1, name_end, colon, attrs: n, empty: false, non_ascii }),
                b'/' => {
                    return match bytes.get(i + 1) {
                        None => incomplete(i),
                        Some(b'>') => Ok(Lexed::Done { end: i + 2, name_end, colon, attrs: n, empty: true, non_ascii }),
                        Some(_) => syntax(i, "expected '>' after '/' in tag"),
                    };
                }
                _ if ws == 0 => return syntax(i, "expected white space before attribute"),
                _ => {}
            }
            let name_at = i;
            let Some(LexedName { end: name_end, colon: acolon, non_ascii: na }) =
                self.lex_known_name(bytes, i, start)?
            else {
                return incomplete(i);
            };
            non_ascii |= na;
            i = name_end;
            i += bytes.get(i..).unwrap_or_default().iter().take_while(|&&b| is_ws(b)).count();
            match bytes.get(i) {
                None => return incomplete(i),
                Some(b'=') => i += 1,
                Some(_) => return syntax(i, "expected '=' after attribute name"),
            }
            i += bytes.get(i..).unwrap_or_default().iter().take_while(|&&b| is_ws(b)).count();
            let q = match bytes.get(i) {
                None => return incomplete(i),
                Some(&q @ (b'"' | b'\'')) => q,
                Some(_) => return syntax(i, "expected a quoted attribute value"),
            };
            let value_at = i + 1;
            let Some(len) = bytes.get(value_at..).and_then(|h| find_byte(q, h)) else {
                return Ok(Lexed::Incomplete { at: input.len(), quote: q });
            };
            if n >= self.caps.attrs {
                return Err(Self::err(XmlErrorKind::Limit(Limit::Attributes), start + name_at));
            }
            let span = AttrSpan {
                name_start: (start + name_at) as u32,
                name_len: (name_end - name_at) as u16,
                colon: acolon as u16,
                value_start: (start + value_at) as u32,
                value_len: len as u32,
            };
            if let Some(slot) = self.attrs.get_mut(n) {
                *slot = span;
            }
            n += 1;
            i = value_at + len + 1;
        }
    }

    /// Continues a partial start tag: finds its `>` in the new bytes.
    fn tag_end(&mut self, input: &[u8]) -> Option<usize> {
        loop {
            let hay = input.get(self.scan..)?;
            if self.quote != 0 {
                match memchr(self.quote, hay) {
                    Some(i) => {
                        self.scan += i + 1;
                        self.quote = 0;
                    }
                    None => {
                        self.scan = input.len();
                        return None;
                    }
                }
            } else {
                match memchr3(b'>', b'"', b'\'', hay) {
                    Some(i) => {
                        let at = self.scan + i;
                        let b = *hay.get(i)?;
                        if b == b'>' {
                            return Some(at);
                        }
                        self.quote = b;
                        self.scan = at + 1;
                    }
                    None => {
                        self.scan = input.len();
                        return None;
                    }
                }
            }
        }
    }

    fn start_tag<'a>(&mut self, input: &'a [u8], start: usize, eof: bool) -> Result<Step<'a>, XmlError> {
        if self.phase == Phase::Epilog {
            return Err(Self::err(XmlErrorKind::OutsideRoot, start));
        }
        if self.resuming && self.tag_end(input).is_none() {
            return self.more(input, start, eof);
        }
        let (end, name_end, colon, nattrs, empty, non_ascii) = match self.lex_tag(input, start)? {
            Lexed::Done { end, name_end, colon, attrs, empty, non_ascii } => {
                (start + end, start + name_end, colon, attrs, empty, non_ascii)
            }
            Lexed::Incomplete { at, quote } => {
                self.resuming = true;
                self.scan = at;
                self.quote = quote;
                return self.more(input, start, eof);
            }
        };
        self.consume(start, end)?;
        // The lexer checked every byte outside names and values (ASCII
        // separators) and every ASCII name byte; values and non-ASCII names
        // are validated here.
        let well_known = self.options.quirks.unbound_well_known_prefixes;
        let qname = input.get(start + 1..name_end).unwrap_or_default();
        let (prefix, _) = split(qname, colon);
        if non_ascii {
            self.check_name(qname, colon, start + 1)?;
        }
        if self.depth >= self.caps.depth {
            return Err(Self::err(XmlErrorKind::Limit(Limit::Depth), start));
        }
        let mark = self.nbind;
        let mut default_ns =
            self.depth.checked_sub(1).and_then(|d| self.stack.get(d)).map_or(Uri::NONE, |o| o.default_ns);
        // Values, names, and namespace declarations.
        for k in 0..nattrs {
            let Some(a) = self.attrs.get(k).copied() else { break };
            let at = a.name_start as usize;
            let aname = input.get(at..at + a.name_len as usize).unwrap_or_default();
            if non_ascii {
                self.check_name(aname, a.colon as usize, at)?;
            }
            let (apfx, alocal) = split(aname, a.colon as usize);
            let vat = a.value_start as usize;
            let value = input.get(vat..vat + a.value_len as usize).unwrap_or_default();
            let scanned = if plain_len(value, 0) == value.len() {
                Scanned { non_ws: !value.is_empty(), needs_decode: false }
            } else {
                self.scan_chars(value, vat, Ctx::Attr)?.0
            };
            let p = match (apfx, alocal) {
                (None, b"xmlns") => &b""[..],
                (Some(b"xmlns"), p) => p,
                _ => continue,
            };
            let reserved = Self::err(XmlErrorKind::ReservedNamespace, at);
            if scanned.needs_decode && value.contains(&b'&') {
                return Err(Self::err(XmlErrorKind::EscapedNamespace, vat));
            }
            let uri = Uri::classify(value, a.value_start);
            let is_xml_uri = uri == Uri::known(K_XML);
            match p {
                b"xmlns" => return Err(reserved),
                b"xml" if is_xml_uri => continue,
                b"xml" => return Err(reserved),
                _ if is_xml_uri || uri == Uri::known(K_XMLNS) => return Err(reserved),
                b"" => default_ns = uri,
                _ if uri == Uri::NONE => return Err(reserved),
                _ => {}
            }
            if self.nbind >= self.caps.ns {
                return Err(Self::err(XmlErrorKind::Limit(Limit::NsBindings), at));
            }
            let prefix_len = p.len() as u16;
            let prefix_start = if p.is_empty() { 0 } else { (at + 6) as u32 };
            if let Some(slot) = self.bindings.get_mut(self.nbind) {
                *slot = Binding { prefix_start, prefix_len, uri };
            }
            self.nbind += 1;
        }
        let bindings = self.bindings.get(..self.nbind).unwrap_or_default();
        let uri = match prefix {
            None => default_ns,
            Some(p) => {
                lookup(bindings, input, p, well_known).ok_or(Self::err(XmlErrorKind::UnboundPrefix, start + 1))?
            }
        };
        let tolerate = self.options.quirks.unbound_attribute_prefixes;
        let unbound = match self.attrs.get(..nattrs).unwrap_or_default() {
            [] => false,
            [a] => {
                // One attribute: no duplicates; a prefix must be bound.
                let at = a.name_start as usize;
                let c = a.colon as usize;
                let p = input.get(at..at + c).unwrap_or_default();
                let unbound = c != 0 && p != b"xmlns" && lookup(bindings, input, p, well_known).is_none();
                if unbound && !tolerate {
                    return Err(Self::err(XmlErrorKind::UnboundPrefix, at));
                }
                unbound
            }
            spans => check_attributes(spans, bindings, input, well_known, tolerate)?,
        };
        self.repaired.unbound_attribute_prefixes |= unbound;
        if let Some(slot) = self.stack.get_mut(self.depth) {
            *slot = Open {
                name_start: (start + 1) as u32,
                name_len: qname.len() as u16,
                colon: colon as u16,
                uri,
                default_ns,
                ns_mark: mark as u16,
            };
        }
        self.depth += 1;
        self.serial = self.serial.wrapping_add(1);
        self.phase = Phase::Content;
        if empty {
            self.pending_pop = true;
            if self.depth == 1 {
                self.phase = Phase::Epilog;
            }
        }
        let tag = StartTag {
            input,
            name: TagName {
                ns: uri.resolve(input),
                at: (start + 1) as u32,
                len: qname.len() as u16,
                colon: colon as u16,
            },
            start: start as u32,
            end: end as u32,
            attrs_end: (end - if empty { 2 } else { 1 }) as u32,
            serial: self.serial,
        };
        Ok(if empty { Step::Event(Event::Empty(tag)) } else { Step::Event(Event::Start(tag)) })
    }

    fn end_tag<'a>(&mut self, input: &'a [u8], start: usize, eof: bool) -> Result<Option<Step<'a>>, XmlError> {
        let Some(open) = self.depth.checked_sub(1).and_then(|d| self.stack.get(d)).copied() else {
            return Err(Self::err(XmlErrorKind::UnexpectedEndTag, start));
        };
        // The name must be the open element's, byte for byte (validated then).
        let name_len = open.name_len as usize;
        let s = open.name_start as usize;
        let name_at = start + 2;
        let expected = input.get(s..s + name_len);
        let gt = if self.scan <= start
            && input.get(name_at + name_len) == Some(&b'>')
            && matches!((input.get(name_at..name_at + name_len), expected), (Some(a), Some(b)) if same_bytes(a, b))
        {
            // Fast path: `</name>` exactly.
            name_at + name_len
        } else {
            let from = self.scan.max(name_at);
            let Some(gt) = input.get(from..).and_then(|h| memchr(b'>', h)).map(|i| from + i) else {
                self.scan = input.len();
                return self.more(input, start, eof).map(Some);
            };
            let inner = input.get(name_at..gt).unwrap_or_default();
            let (qname, trail) = inner.split_at_checked(name_len).unwrap_or((inner, b""));
            if expected != Some(qname) || trail.first().is_some_and(|&b| !is_ws(b)) {
                return Err(Self::err(XmlErrorKind::MismatchedTag, start));
            }
            if let Some(junk) = trail.iter().position(|&b| !is_ws(b)) {
                return Err(Self::err(
                    XmlErrorKind::Syntax("expected '>' after end tag name"),
                    name_at + name_len + junk,
                ));
            }
            gt
        };
        self.consume(start, gt + 1)?;
        let name = TagName { ns: open.uri.resolve(input), at: open.name_start, len: open.name_len, colon: open.colon };
        self.pop();
        if self.depth == 0 {
            self.phase = Phase::Epilog;
        }
        Ok(Some(Step::Event(Event::End(EndTag { input, name, start: start as u32, end: (gt + 1) as u32 }))))
    }
}

/// Attribute prefixes must be bound (unless `tolerate`: an unbound one then
/// has no namespace, and `true` is returned); no attribute may appear twice,
/// by qualified name or by (namespace, local part). Quadratic in the
/// attribute count, which the fixed capacity bounds.
#[inline(never)]
fn check_attributes(
    spans: &[AttrSpan],
    bindings: &[Binding],
    input: &[u8],
    well_known: bool,
    tolerate: bool,
) -> Result<bool, XmlError> {
    let unbound = core::cell::Cell::new(false);
    let name = |a: &AttrSpan| {
        let s = a.name_start as usize;
        input.get(s..s + a.name_len as usize).unwrap_or_default()
    };
    // Namespace of a prefixed, non-declaration attribute; None otherwise.
    let ns = |a: &AttrSpan| -> Result<Option<Uri>, XmlError> {
        let n = name(a);
        let c = a.colon as usize;
        if c == 0 || n.get(..c) == Some(b"xmlns") {
            return Ok(None);
        }
        let p = n.get(..c).unwrap_or_default();
        match lookup(bindings, input, p, well_known) {
            Some(uri) => Ok(Some(uri)),
            None if tolerate => {
                unbound.set(true);
                Ok(None)
            }
            None => Err(XmlError::new(XmlErrorKind::UnboundPrefix, a.name_start as usize)),
        }
    };
    if let [a] = spans {
        return ns(a).map(|_| unbound.get());
    }
    for (k, a) in spans.iter().enumerate() {
        let auri = ns(a)?;
        let (an, alocal) = (name(a), name(a).get(a.colon as usize + usize::from(a.colon != 0)..));
        for b in spans.get(..k).unwrap_or_default() {
            let dup = name(b) == an
                || (auri.is_some()
                    && name(b).get(b.colon as usize + usize::from(b.colon != 0)..) == alocal
                    && ns(b)?.map(|u| u.resolve(input)) == auri.map(|u| u.resolve(input)));
            if dup {
                return Err(XmlError::new(XmlErrorKind::DuplicateAttribute, a.name_start as usize));
            }
        }
    }
    Ok(unbound.get())
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new(&Limits::DEFAULT, Options::STRICT)
    }
}

/// Splits a qualified name at the colon index found by the lexer (0: none).
fn split(qname: &[u8], colon: usize) -> (Option<&[u8]>, &[u8]) {
    if colon == 0 {
        return (None, qname);
    }
    match (qname.get(..colon), qname.get(colon + 1..)) {
        (Some(p), Some(l)) => (Some(p), l),
        _ => (None, qname),
    }
}

/// Iterator over the events of a complete message (see [`Reader::events`]).
#[derive(Debug)]
pub struct Events<'r, 'a, const DEPTH: usize, const NS: usize, const ATTRS: usize> {
    reader: &'r mut Reader<DEPTH, NS, ATTRS>,
    input: &'a [u8],
    done: bool,
}

impl<'a, const DEPTH: usize, const NS: usize, const ATTRS: usize> Iterator for Events<'_, 'a, DEPTH, NS, ATTRS> {
    type Item = Result<Event<'a>, XmlError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.reader.next_complete(self.input) {
            Ok(Step::Event(e)) => Some(Ok(e)),
            Ok(_) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl<const DEPTH: usize, const NS: usize, const ATTRS: usize> Reader<DEPTH, NS, ATTRS> {
    /// The events of the complete message `input`, ending after the first error.
    ///
    /// ```
    /// use cwmp_soap::xml::{Event, Reader};
    /// let mut r: Reader = Reader::default();
    /// let n = r.events(b"<a><b/>t</a>").filter(|e| matches!(e, Ok(Event::Empty(_)))).count();
    /// assert_eq!(n, 1);
    /// ```
    pub fn events<'r, 'a>(&'r mut self, input: &'a [u8]) -> Events<'r, 'a, DEPTH, NS, ATTRS> {
        Events { reader: self, input, done: false }
    }
}
