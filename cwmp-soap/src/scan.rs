//! Navigation over a body the tokenizer has already validated.
//!
//! The envelope is checked once by the tokenizer ([`crate::xml`]):
//! well-formedness, names, references, namespaces, depth and size limits.
//! Typed decoding then walks the validated bytes with the small scanner in
//! this module: find a child element, read its attributes and its text, skip
//! its subtree. Argument elements are unqualified in every CWMP schema, so
//! they are matched by local name; the scanner never needs namespace state,
//! which is what lets a decoded [`List`](crate::List) re-read its entries
//! lazily from a byte range. The scanner is written to be total on any input
//! (no indexing that can panic, no recursion), even though it is only fed
//! validated text.

use crate::error::{DecodeError, DecodeErrorKind};
use crate::text::Text;
use crate::validate::ElementIndex;
use crate::xml::chars::{find_any, find_byte, same_bytes};

/// One element of the validated body.
#[derive(Clone, Copy, Debug)]
pub struct Elem<'a> {
    doc: &'a str,
    /// Offset of the `<` of the start tag.
    start: usize,
    /// Qualified name as written.
    name: &'a str,
    /// Raw attribute text of the start tag.
    attrs: &'a str,
    /// Content range (equal ends for an empty element).
    content_start: usize,
    content_end: usize,
    /// Offset just after the end tag (or the `/>`).
    after: usize,
    /// Whether the content holds child elements (found while finding the end).
    nested: bool,
}

impl<'a> Elem<'a> {
    /// A stand-in element named `name` whose content is `doc[start..end]`:
    /// the entry around struct members written without their entry element.
    pub(crate) fn span(doc: &'a str, start: usize, end: usize, name: &'a str) -> Self {
        Elem { doc, start, name, attrs: "", content_start: start, content_end: end, after: end, nested: true }
    }

    /// Byte offset of the element's start tag in the document.
    pub fn offset(&self) -> usize {
        self.start
    }

    /// The name as written, prefix included.
    pub fn qname(&self) -> &'a str {
        self.name
    }

    /// The prefix, if any.
    pub fn prefix(&self) -> Option<&'a str> {
        let i = self.name.as_bytes().iter().position(|&b| b == b':')?;
        self.name.get(..i)
    }

    /// The local name.
    pub fn local(&self) -> &'a str {
        local(self.name)
    }

    /// The value of the first attribute whose local name is `name` (prefixes
    /// are not compared: see the module docs), raw (escaped).
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        attr_in(self.attrs, name)
    }

    /// All attributes as `(qualified name, raw value)`.
    pub fn attrs(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        Attrs { rest: self.attrs }
    }

    /// Byte range of the content.
    pub fn content_range(&self) -> (usize, usize) {
        (self.content_start, self.content_end)
    }

    /// The raw content.
    pub fn content(&self) -> &'a str {
        self.doc.get(self.content_start..self.content_end).unwrap_or("")
    }

    /// The child elements.
    pub fn children(&self) -> Children<'a> {
        Children { doc: self.doc, pos: self.content_start, end: self.content_end }
    }

    /// The first child element with local name `name`.
    pub fn child(&self, name: &str) -> Option<Elem<'a>> {
        self.children().find(|c| c.local() == name)
    }

    /// The text content of the element `field`; an error when it has child
    /// elements.
    pub fn text(&self, field: &'static str) -> Result<Text<'a>, DecodeError> {
        let c = self.content();
        if !self.nested {
            return Ok(Text::Xml(c));
        }
        if let Some(i) = find_child_tag(c) {
            return Err(DecodeError::new(
                self.content_start.saturating_add(i),
                DecodeErrorKind::Unexpected { field, what: "an element inside a text field" },
            ));
        }
        Ok(Text::Xml(c))
    }

    /// The document the element lies in.
    pub(crate) fn doc(&self) -> &'a str {
        self.doc
    }

    /// Offset just after the element.
    pub fn end_offset(&self) -> usize {
        self.after
    }
}

fn local(qname: &str) -> &str {
    match qname.as_bytes().iter().rposition(|&b| b == b':') {
        Some(i) => qname.get(i + 1..).unwrap_or(qname),
        None => qname,
    }
}

/// The value of the first attribute of the raw attribute text `attrs` whose
/// local name is `name` (not a namespace declaration). The usual first
/// attribute, `xsi:<name>="…"`, is recognised without the general scan.
#[inline]
pub(crate) fn attr_in<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let b = attrs.as_bytes();
    if eq_at(b, 0, b" xsi:") && eq_at(b, 5, name.as_bytes()) && eq_at(b, 5 + name.len(), b"=\"") {
        let v = 7 + name.len();
        return attrs.get(v..v + find_byte(b'"', b.get(v..)?)?);
    }
    Attrs { rest: attrs }.find(|(n, _)| local_is(n, name)).map(|(_, v)| v)
}

/// True when the qualified attribute name `qname` has local name `name` and
/// is not a namespace declaration.
#[inline]
fn local_is(qname: &str, name: &str) -> bool {
    let (q, n) = (qname.as_bytes(), name.as_bytes());
    let Some(at) = q.len().checked_sub(n.len()) else { return false };
    eq_at(q, at, n) && (at == 0 || q.get(at - 1) == Some(&b':')) && !eq_at(q, 0, b"xmlns")
}

/// Position of a `<` that starts an element tag (not a comment, CDATA or PI).
fn find_child_tag(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', b.get(i..)?) {
        let at = i + off;
        match b.get(at + 1) {
            Some(b'!') | Some(b'?') => {
                let rest = s.get(at..)?;
                let skip = if rest.starts_with("<![CDATA[") {
                    rest.find("]]>").map(|e| e + 3)
                } else if rest.starts_with("<!--") {
                    rest.find("-->").map(|e| e + 3)
                } else {
                    rest.find('>').map(|e| e + 1)
                }?;
                i = at + skip;
            }
            _ => return Some(at),
        }
    }
    None
}

struct Attrs<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Attrs<'a> {
    type Item = (&'a str, &'a str);
    // Attribute lists are short: plain loops beat vectorised searches here.
    fn next(&mut self) -> Option<Self::Item> {
        let s = self.rest;
        let b = s.as_bytes();
        let start = b.iter().position(|&c| c > b' ')?;
        let eq = start + b.get(start..)?.iter().position(|&c| c == b'=')?;
        let mut name_end = eq;
        while name_end > start && b.get(name_end - 1).is_some_and(|&c| c <= b' ') {
            name_end -= 1;
        }
        let q_at = eq + 1 + b.get(eq + 1..)?.iter().position(|&c| c > b' ')?;
        let q = *b.get(q_at)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let close = q_at + 1 + b.get(q_at + 1..)?.iter().position(|&c| c == q)?;
        self.rest = s.get(close + 1..)?;
        Some((s.get(start..name_end)?, s.get(q_at + 1..close)?))
    }
}

/// Iterator over the child elements of a range of validated XML.
#[derive(Clone, Debug)]
pub struct Children<'a> {
    doc: &'a str,
    pos: usize,
    end: usize,
}

impl<'a> Iterator for Children<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        let range = self.doc.get(self.pos..self.end)?;
        let at = self.pos + find_child_tag(range)?;
        let e = parse_element(self.doc, at, self.end)?;
        self.pos = e.after;
        Some(e)
    }
}

/// Like [`parse_element`], taking the end from `ends` when validation
/// recorded it.
pub(crate) fn parse_element_indexed<'a>(doc: &'a str, at: usize, ends: &ElementIndex<'_>) -> Option<Elem<'a>> {
    let Some((content_end, after)) = ends.lookup(at) else { return parse_element(doc, at, doc.len()) };
    let (name, attrs, tag_end, _) = start_tag(doc, at)?;
    if content_end < tag_end || after > doc.len() {
        return parse_element(doc, at, doc.len());
    }
    Some(Elem { doc, start: at, name, attrs, content_start: tag_end, content_end, after, nested: true })
}

/// Children of `e`, with ends taken from `ends` where recorded.
pub(crate) fn children_indexed<'a, 'e>(
    e: &Elem<'a>,
    ends: &'e ElementIndex<'e>,
) -> impl Iterator<Item = Elem<'a>> + use<'a, 'e> {
    let doc = e.doc;
    let end = e.content_end;
    let mut pos = e.content_start;
    core::iter::from_fn(move || {
        let at = pos + find_child_tag(doc.get(pos..end)?)?;
        let el = parse_element_indexed(doc, at, ends)?;
        pos = el.after;
        Some(el)
    })
}

/// The next element start tag in `doc[pos..end]`: its offset and whether
/// its local name is `item`. Entries of a list are mostly unprefixed, which
/// is recognised without scanning the name.
#[inline]
pub(crate) fn next_child_is(doc: &str, pos: usize, end: usize, item: &str) -> Option<(usize, bool)> {
    let b = doc.as_bytes();
    let at = match find_lt(b, pos, end) {
        Some(lt) if !matches!(b.get(lt + 1), Some(b'!' | b'?' | b'/')) => lt,
        _ => pos + find_child_tag(doc.get(pos..end)?)?,
    };
    if name_at(b, at + 1, item) {
        return Some((at, true));
    }
    let n = name_len(b.get(at + 1..)?);
    Some((at, local(doc.get(at + 1..at + 1 + n)?) == item))
}

/// The next entry of a list whose entries' struct members are written
/// directly in it, without the entry element: the run of children from
/// `pos` (not beyond `end`) up to the first member that repeats. `None`
/// when no child is left; `Err(offset)` at a child that is no member (the
/// list cannot be read).
pub(crate) fn member_group(
    doc: &str,
    pos: usize,
    end: usize,
    members: &[&str],
) -> Option<Result<(usize, usize), usize>> {
    let mut seen = 0u64;
    let mut group: Option<(usize, usize)> = None;
    let mut p = pos;
    while let Some((at, _)) = next_child_is(doc, p, end, "") {
        let c = parse_element(doc, at, end)?;
        let Some(i) = members.iter().position(|m| *m == c.local()).filter(|&i| i < 64) else {
            return Some(Err(at));
        };
        if seen & (1 << i) != 0 {
            break;
        }
        seen |= 1 << i;
        group = Some((group.map_or(at, |g| g.0), c.after));
        p = c.after;
    }
    group.map(Ok)
}

/// Parses the element at `at` while visiting its direct children with `f`,
/// in one pass (the children's subtrees are scanned once, by `f`'s
/// [`Elem`]s, and the element's end is where they stop). `Ok(None)` when the
/// text is not well formed.
///
/// `own` is the name the element is expected to have and `tags` the names
/// its children are expected to have: an unprefixed child named in `tags` is
/// recognised without scanning its name, and `f` gets its index in `tags`
/// (`None` for any other child).
pub(crate) fn walk_element<'a, E>(
    doc: &'a str,
    at: usize,
    limit: usize,
    own: &str,
    tags: &[&str],
    mut f: impl FnMut(Elem<'a>, Option<usize>) -> Result<(), E>,
) -> Result<Option<Elem<'a>>, E> {
    let Some((name, attrs, tag_end, empty)) = start_tag_named(doc, at, own) else { return Ok(None) };
    let elem = |content_end, after, nested| Elem {
        doc,
        start: at,
        name,
        attrs,
        content_start: tag_end,
        content_end,
        after,
        nested,
    };
    if empty {
        return Ok(Some(elem(tag_end, tag_end, false)));
    }
    let b = doc.as_bytes();
    let mut nested = false;
    let mut i = tag_end;
    loop {
        let Some(lt) = find_lt(b, i, limit) else { return Ok(None) };
        match b.get(lt + 1) {
            Some(b'/') => {
                let Some(after) = end_tag_after(b, lt, name.len(), limit) else { return Ok(None) };
                return Ok(Some(elem(lt, after, nested)));
            }
            Some(b'!' | b'?') => {
                let Some(rest) = doc.get(lt..limit) else { return Ok(None) };
                let skip = if rest.starts_with("<![CDATA[") {
                    rest.find("]]>").map(|e| e + 3)
                } else if rest.starts_with("<!--") {
                    rest.find("-->").map(|e| e + 3)
                } else {
                    rest.find('>').map(|e| e + 1)
                };
                let Some(skip) = skip else { return Ok(None) };
                i = lt + skip;
            }
            Some(_) => {
                let hit = tags.iter().position(|t| name_at(b, lt + 1, t));
                let known = hit.and_then(|k| tags.get(k)).copied().unwrap_or("");
                let Some(child) = parse_element_named(doc, lt, limit, known) else { return Ok(None) };
                nested = true;
                i = child.after;
                f(child, hit)?;
            }
            None => return Ok(None),
        }
    }
}

/// Parses the element whose start tag begins at `at`, finding its end by
/// counting nesting (iteratively). `None` when the text is not well formed.
pub(crate) fn parse_element(doc: &str, at: usize, limit: usize) -> Option<Elem<'_>> {
    parse_element_named(doc, at, limit, "")
}

/// [`parse_element`] for an element expected to be named `name` (`""`: no
/// expectation), which is then recognised without scanning its name.
fn parse_element_named<'a>(doc: &'a str, at: usize, limit: usize, name: &str) -> Option<Elem<'a>> {
    let b = doc.as_bytes();
    let (name, attrs, tag_end, empty) = start_tag_named(doc, at, name)?;
    if empty {
        return Some(Elem {
            doc,
            start: at,
            name,
            attrs,
            content_start: tag_end,
            content_end: tag_end,
            after: tag_end,
            nested: false,
        });
    }
    let mut depth = 1usize;
    let mut nested = false;
    let mut i = tag_end;
    while i < limit {
        let lt = find_lt(b, i, limit)?;
        match b.get(lt + 1)? {
            b'/' => {
                depth -= 1;
                if depth == 0 {
                    let after = end_tag_after(b, lt, name.len(), limit)?;
                    return Some(Elem {
                        doc,
                        start: at,
                        name,
                        attrs,
                        content_start: tag_end,
                        content_end: lt,
                        after,
                        nested,
                    });
                }
                i = lt + memchr::memchr(b'>', b.get(lt..limit)?)? + 1;
            }
            b'!' | b'?' => {
                let rest = doc.get(lt..limit)?;
                let skip = if rest.starts_with("<![CDATA[") {
                    rest.find("]]>")? + 3
                } else if rest.starts_with("<!--") {
                    rest.find("-->")? + 3
                } else {
                    rest.find('>')? + 1
                };
                i = lt + skip;
            }
            _ => {
                let (_, _, end, empty) = start_tag(doc, lt)?;
                nested = true;
                if !empty {
                    depth = depth.checked_add(1)?;
                }
                i = end;
            }
        }
    }
    None
}

/// Offset of the next `<` in `b[i..limit]` (the gap between two tags is
/// mostly a few bytes: searched a word at a time before `memchr`).
#[inline(always)]
pub(crate) fn find_lt(b: &[u8], i: usize, limit: usize) -> Option<usize> {
    Some(i + find_byte(b'<', b.get(i..limit)?)?)
}

/// Offset just after the end tag starting at `lt` of an element whose name is
/// `name_len` bytes long.
/// In well-formed text the end tag repeats the start tag's name, so the
/// usual `</name>` is recognised by where its `>` must be, without a search
/// or a comparison (on text that is not well formed the result is wrong but
/// in bounds, like everything this scanner returns).
#[inline(always)]
fn end_tag_after(b: &[u8], lt: usize, name_len: usize, limit: usize) -> Option<usize> {
    let p = lt + 2 + name_len;
    if p < limit && b.get(p) == Some(&b'>') {
        return Some(p + 1);
    }
    Some(lt + memchr::memchr(b'>', b.get(lt..limit)?)? + 1)
}

/// True for the bytes that end a name in a tag: whitespace, `/` and `>`
/// (validated text has no other byte at or below the space).
#[inline(always)]
fn is_name_end(c: u8) -> bool {
    c <= b' ' || c == b'/' || c == b'>'
}

/// Length of the name at the start of `b`.
#[inline(always)]
fn name_len(b: &[u8]) -> usize {
    let mut k = 0;
    while let Some(&c) = b.get(k) {
        if is_name_end(c) {
            break;
        }
        k += 1;
    }
    k
}

/// True when `b[at..]` starts with `s` (compared a word at a time, without
/// a `memcmp` call: names are short).
#[inline(always)]
fn eq_at(b: &[u8], at: usize, s: &[u8]) -> bool {
    b.get(at..at.saturating_add(s.len())).is_some_and(|h| same_bytes(h, s))
}

/// True when the name of the tag whose name starts at `at` is exactly `name`.
#[inline(always)]
pub(crate) fn name_at(b: &[u8], at: usize, name: &str) -> bool {
    !name.is_empty() && eq_at(b, at, name.as_bytes()) && b.get(at + name.len()).is_some_and(|&c| is_name_end(c))
}

/// Reads the start tag at `at`: (name, raw attributes, offset after `>`, empty).
#[inline]
fn start_tag(doc: &str, at: usize) -> Option<(&str, &str, usize, bool)> {
    start_tag_named(doc, at, "")
}

/// [`start_tag`] for a tag expected to be named `expected` (`""`: no
/// expectation): a tag with that name is read without scanning the name.
#[inline(always)]
fn start_tag_named<'a>(doc: &'a str, at: usize, expected: &str) -> Option<(&'a str, &'a str, usize, bool)> {
    let b = doc.as_bytes();
    let name_start = at + 1;
    let name_end = if name_at(b, name_start, expected) {
        name_start + expected.len()
    } else {
        name_start + name_len(b.get(name_start..)?)
    };
    let (attrs, tag_end, empty) = after_name(doc, name_end)?;
    Some((doc.get(name_start..name_end)?, attrs, tag_end, empty))
}

/// The rest of a start tag whose name ends at `name_end`: (raw attributes,
/// offset after `>`, empty).
#[inline(always)]
fn after_name(doc: &str, name_end: usize) -> Option<(&str, usize, bool)> {
    let b = doc.as_bytes();
    match *b.get(name_end)? {
        // No attributes: the empty slice where they would be.
        b'>' => return Some((doc.get(name_end..name_end)?, name_end + 1, false)),
        b'/' => {
            return (b.get(name_end + 1) == Some(&b'>')).then_some((doc.get(name_end..name_end)?, name_end + 2, true));
        }
        _ => {}
    }
    let p = tag_close(b, name_end, |_, _, _| Some(()))?;
    let empty = b.get(p - 1) == Some(&b'/');
    let attr_end = if empty { p - 1 } else { p };
    Some((doc.get(name_end..attr_end)?, p + 1, empty))
}

/// Offset of the `>` closing a tag whose attributes start at `p`: the first
/// `>` outside a quoted value, found by hopping from quote to quote a word
/// at a time. `value` sees each quoted value (start, end, quote); `None`
/// from it stops the search.
#[inline(always)]
pub(crate) fn tag_close(
    b: &[u8],
    mut p: usize,
    mut value: impl FnMut(usize, usize, u8) -> Option<()>,
) -> Option<usize> {
    loop {
        p += find_any([b'>', b'"', b'\''], b.get(p..)?)?;
        let c = *b.get(p)?;
        if c == b'>' {
            return Some(p);
        }
        let close = p + 1 + find_byte(c, b.get(p + 1..)?)?;
        value(p + 1, close, c)?;
        p = close + 1;
    }
}

/// A child element that holds text only (no element, comment, CDATA section
/// or processing instruction), read by offsets: what most list entries are
/// made of.
///
/// [`Field::from_leaf`](crate::codec::Field::from_leaf) reads fields from it:
///
/// ```
/// use cwmp_soap::{Body, Envelope, Rpc};
///
/// let doc = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
///   xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Body><cwmp:GetParameterNamesResponse>
///   <ParameterList><ParameterInfoStruct><Name>Device.</Name><Writable>0</Writable></ParameterInfoStruct>
///   </ParameterList></cwmp:GetParameterNamesResponse></soap:Body></soap:Envelope>"#;
/// let env = Envelope::decode(doc.as_bytes()).unwrap();
/// let Body::Rpc(Rpc::GetParameterNamesResponse(r)) = env.body else { panic!() };
/// // Each entry is read from its two leaves as the iterator reaches it.
/// let first = r.parameter_list.iter().next().unwrap();
/// assert_eq!((first.name, first.writable), ("Device.".into(), false));
/// ```
#[derive(Clone, Copy, Debug)]
pub(crate) struct Leaf<'a> {
    pub(crate) attrs: &'a str,
    pub(crate) content: &'a str,
    /// The content holds no reference and no `\r`.
    pub(crate) plain: bool,
}

impl<'a> Leaf<'a> {
    /// Its text: [`Text::Plain`] when the content holds no reference and
    /// no `\r` (nothing to unescape), else [`Text::Xml`].
    pub(crate) fn text(&self) -> Text<'a> {
        if self.plain { Text::Plain(self.content) } else { Text::Xml(self.content) }
    }

    /// The raw value of its first attribute with local name `name`.
    pub(crate) fn attr(&self, name: &str) -> Option<&'a str> {
        attr_in(self.attrs, name)
    }
}

/// Reads the element whose start tag is at `at` and whose name ends at
/// `name_end` (not beyond `limit`) as a [`Leaf`]: the leaf and the offset
/// after it. `None` when the element holds any markup: the caller then
/// reads it the general way.
#[inline(always)]
pub(crate) fn read_leaf(doc: &str, at: usize, name_end: usize, limit: usize) -> Option<(Leaf<'_>, usize)> {
    let (attrs, tag_end, empty) = after_name(doc, name_end)?;
    if empty {
        // The empty text, as a slice of the document (see `layout`).
        return Some((Leaf { attrs, content: doc.get(tag_end..tag_end)?, plain: true }, tag_end));
    }
    let b = doc.as_bytes();
    // The content ends at the first `<`; whether it needs unescaping is
    // learnt in the same search.
    let mut lt = tag_end + find_any([b'<', b'&', b'\r'], b.get(tag_end..limit)?)?;
    let plain = b.get(lt) == Some(&b'<');
    if !plain {
        lt = find_lt(b, lt, limit)?;
    }
    if b.get(lt + 1) != Some(&b'/') {
        return None;
    }
    let after = end_tag_after(b, lt, name_end - at - 1, limit)?;
    Some((Leaf { attrs, content: doc.get(tag_end..lt)?, plain }, after))
}

/// The offset of the start tag named `tag` (unprefixed) when it is the
/// first markup at or after `from`.
#[inline(always)]
pub(crate) fn entry_at(doc: &str, from: usize, limit: usize, tag: &str) -> Option<usize> {
    let b = doc.as_bytes();
    let lt = find_lt(b, from, limit)?;
    name_at(b, lt + 1, tag).then_some(lt)
}

/// [`read_leaf_struct`](crate::layout::read_leaf_struct) for the entry at `at`, read tag by tag.
pub(crate) fn read_leaves<'a>(
    doc: &'a str,
    at: usize,
    limit: usize,
    tag: &'a str,
    tags: &[&str],
    slots: &mut [Option<Leaf<'a>>],
) -> Option<usize> {
    let (_, tag_end, empty) = after_name(doc, at + 1 + tag.len())?;
    if empty {
        return None;
    }
    let name = tag;
    let b = doc.as_bytes();
    let mut pos = tag_end;
    let mut any = false;
    loop {
        let lt = find_lt(b, pos, limit)?;
        match *b.get(lt + 1)? {
            b'/' => return any.then_some(end_tag_after(b, lt, name.len(), limit)?),
            b'!' | b'?' => return None,
            _ => {}
        }
        let mut hit = tags.iter().position(|t| name_at(b, lt + 1, t));
        let name_end = match hit.and_then(|k| tags.get(k)) {
            Some(t) => lt + 1 + t.len(),
            None => {
                let end = lt + 1 + name_len(b.get(lt + 1..)?);
                let l = local(doc.get(lt + 1..end)?);
                hit = tags.iter().position(|t| *t == l);
                end
            }
        };
        let (leaf, after) = read_leaf(doc, lt, name_end, limit)?;
        if let Some(slot) = hit.and_then(|k| slots.get_mut(k))
            && slot.is_none()
        {
            *slot = Some(leaf);
            any = true;
        }
        pos = after;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Item;
    use crate::decode::DecodeOptions;
    use crate::list::UNCHECKED;

    #[test]
    fn finds_children_and_skips_subtrees() {
        let doc = "<a x='1' y=\"2\"><b><c/><c>t</c></b><!-- <z/> --><d>x&amp;y</d><e/></a>";
        let a = parse_element(doc, 0, doc.len()).unwrap();
        assert_eq!(a.attr("x"), Some("1"));
        assert_eq!(a.attr("y"), Some("2"));
        let names: std::vec::Vec<_> = a.children().map(|c| c.local()).collect();
        assert_eq!(names, ["b", "d", "e"]);
        assert_eq!(a.child("d").unwrap().text("d").unwrap(), Text::plain("x&y"));
        assert!(a.child("b").unwrap().text("b").is_err());
        assert_eq!(a.child("e").unwrap().content(), "");
    }

    #[test]
    fn word_compare_matches_slice_compare() {
        let hay = b"xParameterValueStruct>ParameterValueStrucX";
        for name in ["", "P", "Param", "Paramete", "Parameter", "ParameterValueStruct", "ParameterValueStrucX"] {
            for at in 0..hay.len() + 2 {
                let want = hay.get(at..at + name.len()) == Some(name.as_bytes());
                assert_eq!(eq_at(hay, at, name.as_bytes()), want, "{name:?} at {at}");
            }
        }
        assert!(local_is("xsi:type", "type") && local_is("type", "type"));
        assert!(!local_is("xsi:xtype", "type") && !local_is("ype", "type") && !local_is("xmlns:type", "type"));
    }

    /// Children of a list entry, some of which the leaf reader must refuse.
    fn child(kind: u8, i: usize) -> std::string::String {
        use std::format;
        match kind % 16 {
            // Same markup, text with and without references.
            0 if i % 3 == 2 => format!("<Name>A &amp; {i}</Name>"),
            0 => format!("<Name>Device.X.{i}</Name>"),
            // Same markup, attribute values of other lengths.
            1 => format!("<Value xsi:type=\"xsd:{}\">v{i}</Value>", ["string", "int", ""][i % 3]),
            2 => format!("<Value xsi:type='xsd:unsignedInt' a=\"&gt;\">{i}</Value>"),
            3 => format!("<Value a=\"1\" xsi:type=\"xsd:boolean\">{}</Value>", [" true ", "0"][i % 2]),
            4 => "<Value/>".into(),
            5 => format!("<Name>A &amp; B&#13;{i}</Name>"),
            6 => format!("<Value>line{}break {i}</Value>", ["\r\n", " "][i % 2]),
            7 => format!("<Name>x<![CDATA[<y>]]>{i}</Name>"),
            8 => format!("<Value><!-- c -->{i}</Value>"),
            9 => format!("<Name>n<b/>{i}</Name>"),
            10 => format!("<cwmp:Name>P.{i}</cwmp:Name>"),
            11 => format!("<Other><Name>deep{i}</Name></Other>"),
            12 => format!("<Writable>{}</Writable>", ["1", "false", " true\n", "yes", "&#49;"][i % 5]),
            13 => "<!-- between -->".into(),
            14 => format!("text{i}"),
            _ => format!("<Value xsi:type=\"xsd:dateTime\">2024-01-0{}T00:00:00Z</Value >", i % 9 + 1),
        }
    }

    /// Checks, for every entry of `list` in `doc`, that the leaf reader
    /// (with the layout it learns on the way, as the list iterator does)
    /// gives what the general reader gives, or defers to it. Returns the
    /// entries it read and whether a layout was learnt at the end.
    fn leaves_agree<'a, T: Item<'a>>(
        doc: &'a str,
        item: &'static str,
    ) -> Result<(usize, bool), proptest::test_runner::TestCaseError> {
        use proptest::prop_assert_eq;
        const OPTS: DecodeOptions = UNCHECKED;
        let opts = DecodeOptions::default();
        if crate::validate::validate(doc.as_bytes(), &opts).is_err() {
            return Ok((0, false));
        }
        let mut layout = crate::layout::Layout::UNKNOWN;
        let list = doc.find("<List>").unwrap() + 6;
        let end = doc.rfind("</List>").unwrap();
        let (mut pos, mut fast) = (list, 0);
        while let Some((at, is_item)) = next_child_is(doc, pos, end, item) {
            let general = T::decode_item_at(doc, at, end, item, &crate::codec::Cap::None, &OPTS);
            if is_item && let Some((v, after)) = T::decode_leaves_at(doc, at, end, item, &mut layout) {
                prop_assert_eq!(Ok((v, after)), general, "{}", doc);
                fast += 1;
            }
            pos = parse_element(doc, at, end).unwrap().end_offset();
        }
        Ok((fast, layout.is_learnt()))
    }

    fn list_doc(entries: &str) -> std::string::String {
        std::format!(
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\">\
             <soap:Body><cwmp:M><List>{entries}</List></cwmp:M></soap:Body></soap:Envelope>"
        )
    }

    proptest::proptest! {
        /// The leaf reader is a shortcut only: where it answers, it answers
        /// exactly what the general reader does (texts compare by their
        /// unescaped characters, `Text::Plain` or `Text::Xml`).
        #[test]
        fn leaf_reader_agrees_with_general_reader(
            entries in proptest::collection::vec(proptest::collection::vec(0u8..16, 0..5), 1..8),
            wrap in 0u8..4,
            // One layout for all entries (what real lists are), with some
            // entries laid out otherwise.
            same in proptest::option::of(proptest::collection::vec(proptest::bool::weighted(0.8), 8)),
        ) {
            use std::string::String;
            use crate::structs::{ParameterInfoStruct, ParameterValueStruct};
            let mut body = String::new();
            for (i, kids) in entries.iter().enumerate() {
                let like_first = same.as_ref().is_some_and(|s| s.get(i).copied().unwrap_or(true));
                let kids = if like_first { &entries[0] } else { kids };
                let inner: String = kids.iter().map(|&k| child(k, i)).collect();
                body += &match wrap {
                    0 => std::format!("<E>{inner}</E>\n  "),
                    1 => std::format!("<cwmp:E a='>'>{inner}</cwmp:E>"),
                    2 => std::format!("<E>{inner}</E >"),
                    _ => std::format!("<E/><F>{inner}</F>"),
                };
            }
            let doc = list_doc(&body);
            leaves_agree::<ParameterValueStruct<'_>>(&doc, "E")?;
            leaves_agree::<ParameterInfoStruct<'_>>(&doc, "E")?;
            // Text entries: each child is an entry.
            let texts: String = entries.iter().flatten().enumerate().map(|(i, &k)| child(k, i)).collect();
            let doc = list_doc(&texts);
            leaves_agree::<Text<'_>>(&doc, "Name")?;
            leaves_agree::<Text<'_>>(&doc, "Value")?;
        }
    }

    #[test]
    fn leaf_reader_takes_the_common_entries() {
        use crate::structs::{ParameterInfoStruct, ParameterValueStruct};
        let pv = "<E>\n <Name>A.B</Name>\n <Value xsi:type=\"xsd:int\">-1</Value>\n</E>";
        let doc = list_doc(&[pv, pv].concat());
        assert_eq!(leaves_agree::<ParameterValueStruct<'_>>(&doc, "E").unwrap(), (2, true));
        let mut layout = crate::layout::Layout::UNKNOWN;
        let e = ParameterValueStruct::decode_leaves_at(&doc, doc.find("<E>").unwrap(), doc.len(), "E", &mut layout)
            .unwrap()
            .0;
        assert_eq!(e.value.xsi_type, crate::XsiType::Known(cwmp_core::ParamType::Int));
        assert!(matches!(e.name, Text::Plain("A.B")), "no reference: plain");
        let pi = "<E><Name>A &amp; B</Name><Writable>1</Writable></E>";
        let doc = list_doc(pi);
        assert_eq!(leaves_agree::<ParameterInfoStruct<'_>>(&doc, "E").unwrap(), (1, true));
        let e = ParameterInfoStruct::decode_leaves_at(&doc, doc.find("<E>").unwrap(), doc.len(), "E", &mut layout)
            .unwrap()
            .0;
        assert!(matches!(e.name, Text::Xml("A &amp; B")) && e.writable);
        // Markup inside a leaf, or a value the general reader refuses: deferred.
        for entry in ["<E><Name>a<!--c-->b</Name></E>", "<E><Name>a</Name><Writable>maybe</Writable></E>"] {
            let doc = list_doc(entry);
            assert_eq!(leaves_agree::<ParameterInfoStruct<'_>>(&doc, "E").unwrap().0, 0, "{entry}");
        }
    }

    #[test]
    fn entries_laid_out_alike_are_read_with_the_learnt_layout() {
        use crate::structs::ParameterValueStruct;
        let entry = |i: usize, ty: &str, v: &str| {
            std::format!("<E>\n <Name>Device.{i}</Name>\n <Value xsi:type=\"{ty}\">{v}</Value>\n</E>\n")
        };
        let body: std::string::String = [
            entry(0, "xsd:string", "a"),
            entry(1, "xsd:unsignedInt", "42"),
            entry(2, "xsd:string", "x &amp; y"),
            // Another layout: read tag by tag, then learnt after two misses.
            "<E><Name>B</Name><Value>b</Value></E>".into(),
            "<E><Name>C</Name><Value>c</Value></E>".into(),
            "<E><Name>D</Name><Value>d</Value></E>".into(),
            entry(3, "xsd:string", ""),
        ]
        .concat();
        let doc = list_doc(&body);
        assert_eq!(leaves_agree::<ParameterValueStruct<'_>>(&doc, "E").unwrap(), (7, true));
        // Step by step: which entries the layout read.
        let mut layout = crate::layout::Layout::UNKNOWN;
        let (mut pos, mut by_layout) = (doc.find("<List>").unwrap() + 6, std::vec::Vec::new());
        let end = doc.rfind("</List>").unwrap();
        while let Some(at) = doc.get(pos..end).and_then(|r| r.find("<E>")).map(|k| pos + k) {
            let before = layout.is_learnt();
            let mut probe = layout;
            let mut slots = [None; 2];
            by_layout.push(before && probe.read(&doc, at, end, &mut slots).is_some());
            let (e, after) = ParameterValueStruct::decode_leaves_at(&doc, at, end, "E", &mut layout).unwrap();
            if by_layout.len() == 3 {
                assert_eq!(e.name, "Device.2");
                assert_eq!(e.value.text, "x & y");
                assert!(matches!(e.value.text, Text::Xml(_)), "a reference: not plain");
            }
            pos = after;
        }
        assert_eq!(by_layout, [false, true, true, false, false, true, false]);
    }

    #[test]
    fn total_on_garbage() {
        for doc in ["<", "<a", "<a>", "<a><b></a>", "<a x='>", "</a>", "<a><!--", "<a/>"] {
            let _ = parse_element(doc, 0, doc.len()).map(|e| e.children().count());
        }
    }
}
