//! The validating pass over a received envelope, run before typed decoding:
//! the tokenizer ([`crate::xml::Reader`]) reads the whole document once, so
//! everything the typed decoder later walks is well-formed, namespace-valid
//! XML within every [`Limits`](cwmp_core::Limits) bound.

use crate::decode::DecodeOptions;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::quirk::Quirks;
use crate::xml::chars::same_bytes;
use crate::xml::{Event, Options, Reader, StartTag};

/// Depth (root = 1) down to which element ends are remembered: Envelope,
/// Header/Body, header entries, the method element and its arguments.
const INDEX_DEPTH: usize = 4;

/// Depth (root = 0) of the elements whose namespace the envelope decoder
/// asks for: Envelope, Header/Body, header entries and the method. Inside a
/// SOAP Fault the pass goes on down to `detail/cwmp:Fault` ([`FAULT_DEPTH`]).
const NAMED_DEPTH: usize = 2;
/// `Envelope/Body/Fault/detail/cwmp:Fault`.
const FAULT_DEPTH: usize = 4;

/// Runs the tokenizer over the whole document, recording where the shallow
/// elements end, their namespaces, and the [`Shape`] below each method
/// argument.
pub(crate) fn validate<'a>(input: &'a [u8], opts: &DecodeOptions) -> Result<(ElementIndex<'a>, Quirks), DecodeError> {
    let options = Options { quirks: opts.quirks.xml(), ..Options::STRICT };
    let mut r: Reader = Reader::new(&opts.limits, options);
    let mut ends = ElementIndex::default();
    let mut starts = [0usize; INDEX_DEPTH];
    let mut shape = ShapeBuilder::default();
    let mut depth = 0usize;
    // Elements are named down to this depth: NAMED_DEPTH, or FAULT_DEPTH
    // inside a SOAP Fault. One comparison per start tag: a second test on
    // every event of the document cost 0.15 instructions per byte.
    let mut named = NAMED_DEPTH;
    // The first named element that did not fit in the index.
    let mut unnamed: Option<usize> = None;
    r.for_each_complete(input, |event| match event {
        Event::Start(t) => {
            if depth <= named {
                if depth == NAMED_DEPTH {
                    named = if t.name().is(crate::xml::ns::SOAP_ENV, "Fault") { FAULT_DEPTH } else { NAMED_DEPTH };
                }
                if !ends.record_ns(t.offset(), t.name().ns()) {
                    unnamed.get_or_insert(t.offset());
                }
            }
            if let Some(s) = starts.get_mut(depth) {
                *s = t.offset();
            }
            shape.start(input, depth, &t, false);
            depth = depth.saturating_add(1);
        }
        Event::Empty(t) => {
            if depth <= named && !ends.record_ns(t.offset(), t.name().ns()) {
                unnamed.get_or_insert(t.offset());
            }
            shape.start(input, depth, &t, true)
        }
        Event::End(t) => {
            depth = depth.saturating_sub(1);
            shape.end(depth, t.offset());
            if let Some(&s) = starts.get(depth) {
                let sh = if depth + 1 == INDEX_DEPTH { shape.shape } else { Shape::UNKNOWN };
                ends.record(s, t.offset(), t.end_offset(), sh);
            }
        }
        // Text is validated but not passed.
        Event::Text(_) | Event::CData(_) => {}
    })
    .map_err(|e| DecodeError::new(e.offset, DecodeErrorKind::Xml(e.kind)).with_id(request_id(input, e.offset)))?;
    if let Some(at) = unnamed {
        let reason = "more than 32 elements above the method's arguments (header entries)";
        return Err(DecodeError::new(at, DecodeErrorKind::Invalid { field: "Envelope", reason })
            .with_id(request_id(input, input.len())));
    }
    Ok((ends, Quirks::from_xml(r.repaired())))
}

/// The raw content range of the request's `cwmp:ID` header entry, when it
/// lies whole in `input[..limit]`, the part the tokenizer validated: the ID a
/// failed decode is answered under. Run only on the error path, over the
/// raw bytes, tags matched by local name (`Envelope/Header/ID`): tracking
/// the ID inside the validating pass, or a second tokenizer pass, slowed
/// every decode down (by 1.6 instructions per byte and more).
#[cold]
#[inline(never)]
pub(crate) fn request_id(input: &[u8], limit: usize) -> Option<(usize, usize)> {
    let b = input.get(..limit.min(input.len()))?;
    let is_local = |tag: &[u8], want: &[u8]| {
        let end =
            tag.iter().position(|&c| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>')).unwrap_or(tag.len());
        let name = tag.get(..end).unwrap_or_default();
        let l = name.iter().rposition(|&c| c == b':').map_or(name, |i| name.get(i + 1..).unwrap_or_default());
        l == want
    };
    let mut depth = 0usize;
    let mut in_header = false;
    let mut i = 0usize;
    while let Some(off) = memchr::memchr(b'<', b.get(i..)?) {
        let at = i + off;
        let rest = b.get(at + 1..)?;
        match rest.first()? {
            b'?' | b'!' => {
                // Prolog or comment (validated input): skip past the next `>`.
                i = at + 1 + memchr::memchr(b'>', rest)? + 1;
                continue;
            }
            b'/' => {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    in_header = false;
                }
                i = at + 1 + memchr::memchr(b'>', rest)? + 1;
                continue;
            }
            _ => {}
        }
        // A start tag: its end is the first `>` outside quoted values.
        let mut quote = 0u8;
        let close = rest.iter().position(|&c| match (quote, c) {
            (0, b'"' | b'\'') => {
                quote = c;
                false
            }
            (0, c) => c == b'>',
            (q, c) => {
                if c == q {
                    quote = 0;
                }
                false
            }
        })?;
        let empty = close > 0 && rest.get(close - 1) == Some(&b'/');
        let content = at + 1 + close + 1;
        if depth == 1 && is_local(rest, b"Header") {
            in_header = !empty;
        } else if depth == 2 && in_header && is_local(rest, b"ID") {
            if empty {
                return Some((content, content));
            }
            // The content ends at the first end tag (an ID holds no element).
            let mut j = content;
            loop {
                let lt = j + memchr::memchr(b'<', b.get(j..)?)?;
                if b.get(lt + 1) == Some(&b'/') {
                    return Some((content, lt));
                }
                j = lt + 1;
            }
        }
        if !empty {
            depth += 1;
        }
        i = content;
    }
    None
}

/// Builds the [`Shape`] of each element at depth [`INDEX_DEPTH`] (a method
/// argument) from the events below it. Depths are 0-based here: the
/// argument is at `ARG`, its children at `ARG + 1`, grandchildren at `ARG + 2`.
#[derive(Default)]
struct ShapeBuilder {
    shape: Shape,
    /// Where the content of the open child and grandchild begins.
    content: [usize; 2],
    /// Whether the open child and grandchild have child elements.
    parent: [bool; 2],
}

const ARG: usize = INDEX_DEPTH - 1;

impl ShapeBuilder {
    #[inline]
    fn start(&mut self, input: &[u8], depth: usize, t: &StartTag<'_>, empty: bool) {
        if depth < ARG {
            return;
        }
        if depth == ARG {
            if !empty {
                self.shape = Shape { known: true, uniform: true, ..Shape::UNKNOWN };
            }
            return;
        }
        let rel = depth - ARG;
        let sh = &mut self.shape;
        sh.deepest = sh.deepest.max(rel);
        if rel == 1 {
            let name = t.name();
            let local = name.local_bytes();
            let at = t.offset() + 1 + name.prefix().map_or(0, |p| p.len() + 1);
            if sh.children == 0 {
                sh.first_local = (at, local.len());
            } else if sh.uniform {
                let (f, n) = sh.first_local;
                sh.uniform = input.get(f..f + n).is_some_and(|first| same_bytes(first, local));
            }
            sh.children += 1;
        }
        if let Some(p) = rel.checked_sub(2).and_then(|i| self.parent.get_mut(i)) {
            *p = true;
        }
        if let (Some(c), Some(p)) = (self.content.get_mut(rel - 1), self.parent.get_mut(rel - 1)) {
            *c = t.end_offset();
            *p = false;
        }
    }

    #[inline]
    fn end(&mut self, depth: usize, at: usize) {
        let Some(rel) = depth.checked_sub(ARG) else { return };
        if let (Some(&c), Some(false)) = (self.content.get(rel.wrapping_sub(1)), self.parent.get(rel.wrapping_sub(1))) {
            self.shape.longest_leaf = self.shape.longest_leaf.max(at.saturating_sub(c));
        }
    }
}

/// Where the shallow elements of a document end (Envelope, Header, Body,
/// header entries, the method element and its arguments), learnt during the
/// validating pass, so the typed decoder need not scan the whole document
/// once per nesting level. Elements beyond its capacity are found by
/// scanning as usual. For the method's arguments it also keeps the
/// shape of what lies below them.
///
/// It also holds the namespace of every element the envelope decoder asks
/// about (Envelope, its children, header entries, the method, and the
/// elements of a SOAP Fault down to `cwmp:Fault`), resolved by the
/// tokenizer: the typed decoder never resolves a prefix itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ElementIndex<'a> {
    /// (start of the start tag, start of the end tag, offset after the end tag).
    items: [(usize, usize, usize); 24],
    pub(crate) shapes: [Shape; 24],
    n: usize,
    /// (start of the start tag, namespace name).
    names: [(usize, Option<&'a str>); NAMES],
    n_names: usize,
}

/// How many element namespaces an [`ElementIndex`] holds: Envelope, Header,
/// Body, the method or Fault (with detail and `cwmp:Fault`) and the header
/// entries, of which CWMP defines six.
pub(crate) const NAMES: usize = 32;

/// An index with nothing recorded.
pub(crate) const EMPTY_INDEX: ElementIndex<'static> =
    ElementIndex { items: [(0, 0, 0); 24], shapes: [Shape::UNKNOWN; 24], n: 0, names: [(0, None); NAMES], n_names: 0 };

impl Default for ElementIndex<'_> {
    fn default() -> Self {
        EMPTY_INDEX
    }
}

impl<'a> ElementIndex<'a> {
    /// Records the namespace of the element whose start tag begins at
    /// `start`; `false` when the index is full.
    #[inline]
    pub(crate) fn record_ns(&mut self, start: usize, ns: Option<&'a str>) -> bool {
        let Some(slot) = self.names.get_mut(self.n_names) else { return false };
        *slot = (start, ns);
        self.n_names += 1;
        true
    }

    /// The namespace of the element whose start tag begins at `start`
    /// (`Some(None)`: no namespace), `None` when it was not recorded.
    pub(crate) fn ns(&self, start: usize) -> Option<Option<&'a str>> {
        self.names.get(..self.n_names)?.iter().find(|e| e.0 == start).map(|e| e.1)
    }

    pub(crate) fn record(&mut self, start: usize, content_end: usize, after: usize, shape: Shape) {
        if let (Some(slot), Some(sh)) = (self.items.get_mut(self.n), self.shapes.get_mut(self.n)) {
            *slot = (start, content_end, after);
            *sh = shape;
            self.n += 1;
        }
    }

    /// The content end and the offset after the end tag of the element
    /// whose start tag begins at `start`, if it was recorded.
    pub(crate) fn lookup(&self, start: usize) -> Option<(usize, usize)> {
        self.items.get(..self.n)?.iter().find(|e| e.0 == start).map(|e| (e.1, e.2))
    }

    /// The same ends with every shape forgotten (what decoding did before
    /// shapes were recorded): the reference the fast path is tested against.
    #[cfg(test)]
    pub(crate) fn without_shapes(&self) -> Self {
        ElementIndex { shapes: [Shape::UNKNOWN; 24], ..*self }
    }

    /// The shape recorded for the element whose start tag begins at `start`.
    pub(crate) fn shape(&self, start: usize) -> Shape {
        let i = self.items.get(..self.n).and_then(|items| items.iter().position(|e| e.0 == start));
        i.and_then(|i| self.shapes.get(i)).copied().unwrap_or(Shape::UNKNOWN)
    }
}

/// What the validating pass saw below one element: enough to know, without
/// reading them again, that the entries of a list argument decode in
/// tolerant mode (see [`Shape::plain_entries`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Whether the pass recorded anything.
    pub(crate) known: bool,
    /// Child elements.
    pub(crate) children: usize,
    /// Deepest descendant element, counted from the children (1).
    pub(crate) deepest: usize,
    /// Longest raw content of an element without child elements among the
    /// children and grandchildren.
    pub(crate) longest_leaf: usize,
    /// Offset and length of the first child's local name.
    pub(crate) first_local: (usize, usize),
    /// All children have that local name.
    pub(crate) uniform: bool,
}

impl Shape {
    /// Nothing known.
    pub(crate) const UNKNOWN: Shape =
        Shape { known: false, children: 0, deepest: 0, longest_leaf: 0, first_local: (0, 0), uniform: false };

    /// The number of entries when every child is an entry named `item`, no
    /// element lies deeper than `depth` (1: the entries are text; 2: they are
    /// structs of text fields), and no text is longer than `max_len` bytes:
    /// then each entry decodes in tolerant mode, and needs no check.
    pub(crate) fn plain_entries(&self, doc: &str, item: &str, depth: usize, max_len: usize) -> Option<usize> {
        let (at, len) = self.first_local;
        let named = self.children == 0 || doc.get(at..at + len) == Some(item);
        (self.known && self.uniform && named && self.deepest <= depth && self.longest_leaf <= max_len)
            .then_some(self.children)
    }
}

impl Default for Shape {
    fn default() -> Self {
        Shape::UNKNOWN
    }
}

#[cfg(test)]
mod tests {
    //! The shape recorded here lets a list skip its per-entry check: decoding
    //! with and without the shapes must give the same result, entry for
    //! entry and error for error.
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    use proptest::prelude::*;

    use super::*;
    use crate::envelope::{Envelope, decode_document};

    /// Entry variants, some of which must defeat the shortcut.
    fn entry(kind: u8, i: usize) -> String {
        let v = format!("v{i}");
        match kind % 12 {
            0 => format!(
                "<ParameterValueStruct><Name>N.{i}</Name><Value xsi:type=\"xsd:string\">{v}</Value></ParameterValueStruct>"
            ),
            1 => format!("<ParameterValueStruct><Name>N.<b/>{i}</Name><Value>{v}</Value></ParameterValueStruct>"),
            2 => format!("<ParameterValueStruct><Name>N.{i}</Name><Value>{v}<i>x</i></Value></ParameterValueStruct>"),
            3 => format!(
                "<ParameterValueStruct><Name>N.{i}</Name><Value>{}</Value></ParameterValueStruct>",
                "x".repeat(40)
            ),
            4 => format!("<cwmp:ParameterValueStruct><Name>N.{i}</Name><Value>{v}</Value></cwmp:ParameterValueStruct>"),
            5 => format!("<Other><Name>N.{i}</Name></Other>"),
            6 => "<ParameterValueStruct/>".into(),
            7 => format!(
                "<ParameterValueStruct><Name>N.{i}</Name><Value>{}<![CDATA[{}]]>{}</Value></ParameterValueStruct>",
                "a".repeat(12),
                "b".repeat(12),
                "c".repeat(12)
            ),
            8 => format!(
                "<ParameterValueStruct><Name>N&amp;{i}</Name><Value><!-- c -->{v}</Value></ParameterValueStruct>"
            ),
            9 => format!(
                "<ParameterValueStruct><Wrap><Name>N.{i}</Name><Value>{v}</Value></Wrap></ParameterValueStruct>"
            ),
            10 => {
                format!("<ParameterValueStruct>text<Name>N.{i}</Name><Name>dup</Name><Value/></ParameterValueStruct>")
            }
            _ => format!(
                "<ParameterValueStruct><Name>{}</Name><Value>{v}</Value></ParameterValueStruct>",
                "n".repeat(40)
            ),
        }
    }

    fn envelope(method: &str, list: &str, entries: &str) -> String {
        format!(
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\">\
             <soap:Header><cwmp:ID soap:mustUnderstand=\"1\">1</cwmp:ID></soap:Header>\
             <soap:Body><cwmp:{method}>{list}{entries}</ParameterList></cwmp:{method}></soap:Body></soap:Envelope>"
        )
    }

    /// Decodes `doc` tolerantly with and without shapes; both must agree.
    fn agree(doc: &str, max_value_len: usize) -> Result<Option<Envelope<'_>>, TestCaseError> {
        let mut opts = DecodeOptions::default();
        opts.limits.max_value_len = max_value_len;
        let ends = match validate(doc.as_bytes(), &opts) {
            Ok((e, _)) => e,
            Err(_) => return Ok(None),
        };
        let fast = decode_document(doc, None, &opts, &ends);
        let slow = decode_document(doc, None, &opts, &ends.without_shapes());
        prop_assert_eq!(&fast, &slow, "{}", doc);
        Ok(fast.ok())
    }

    proptest! {
        #[test]
        fn shortcut_agrees_with_reading_every_entry(
            kinds in proptest::collection::vec(0u8..12, 0..12),
            max in prop_oneof![Just(30usize), Just(1000)],
        ) {
            let body: String = kinds.iter().enumerate().map(|(i, &k)| entry(k, i)).collect();
            for method in ["GetParameterValuesResponse", "SetParameterValues"] {
                agree(&envelope(method, "<ParameterList>", &body), max)?;
            }
            // Text entries: a GetParameterValues name list.
            let names: String = kinds
                .iter()
                .enumerate()
                .map(|(i, &k)| match k % 4 {
                    0 => format!("<string>N.{i}.</string>"),
                    1 => format!("<string>N<x/>{i}</string>"),
                    2 => format!("<xsd:string xmlns:xsd=\"urn:x\">{}</xsd:string>", "s".repeat(40)),
                    _ => "<string/>".into(),
                })
                .collect();
            let doc = envelope("GetParameterValues", "<ParameterNames>", &names).replace("</ParameterList>", "</ParameterNames>");
            agree(&doc, max)?;
            // Struct entries with a member that must be checked (xsd:boolean
            // Writable): read by the leaf reader at decode, or by the general one.
            let infos: String = kinds
                .iter()
                .enumerate()
                .map(|(i, &k)| {
                    let w = ["1", "0", "true", " false ", "True", "maybe", "", "1<x/>"][usize::from(k % 8)];
                    match k % 3 {
                        0 => format!("<ParameterInfoStruct><Name>N.{i}</Name><Writable>{w}</Writable></ParameterInfoStruct>"),
                        1 => format!("<ParameterInfoStruct>\r\n\t<Name>N.{i}.</Name>\r\n\t<Writable>{w}</Writable>\r\n</ParameterInfoStruct>\r\n"),
                        _ => format!("<ParameterInfoStruct><Writable>{w}</Writable><Name>N&amp;{i}</Name></ParameterInfoStruct>"),
                    }
                })
                .collect();
            let doc = envelope("GetParameterNamesResponse", "<ParameterList>", &infos);
            agree(&doc, max)?;
        }
    }

    #[test]
    fn plain_lists_take_the_shortcut_and_others_do_not() {
        let plain: String = (0..5).map(|i| entry(0, i)).collect();
        let doc = envelope("GetParameterValuesResponse", "<ParameterList>", &plain);
        let opts = DecodeOptions::default();
        let (ends, _) = validate(doc.as_bytes(), &opts).unwrap();
        let shapes: Vec<Shape> = ends.shapes.iter().copied().filter(|s| s.known).collect();
        assert_eq!(shapes.len(), 1);
        let sh = shapes[0];
        assert_eq!((sh.children, sh.deepest, sh.uniform), (5, 2, true));
        assert_eq!(sh.plain_entries(&doc, "ParameterValueStruct", 2, 1000), Some(5));
        assert_eq!(sh.plain_entries(&doc, "ParameterValueStruct", 2, 2), None, "values longer than the limit");
        assert_eq!(sh.plain_entries(&doc, "string", 2, 1000), None, "other entry name");
        let back = agree(&doc, 1000).unwrap().unwrap();
        let crate::Body::Rpc(crate::Rpc::GetParameterValuesResponse(r)) = back.body else { panic!() };
        assert_eq!(r.parameter_list.len(), 5);
        assert_eq!(r.parameter_list.iter().nth(4).unwrap().value.text, "v4");

        // A nested element inside a Name: the entry fails, with or without the shortcut.
        let bad: String = [entry(0, 0), entry(1, 1)].concat();
        let doc = envelope("GetParameterValuesResponse", "<ParameterList>", &bad);
        let (ends, _) = validate(doc.as_bytes(), &opts).unwrap();
        let deep = ends.shapes.iter().find(|s| s.known).unwrap();
        assert_eq!(deep.deepest, 3);
        let env = agree(&doc, 1000).unwrap().unwrap();
        assert!(matches!(env.body, crate::Body::Rpc(crate::Rpc::Invalid(_))), "{:?}", env.body);
    }
}
