//! Shared by the `xml_*` tests: a normalised owned event stream for our
//! reader and for quick-xml's `NsReader` (the oracle), and a document
//! generator for property tests.
#![allow(dead_code, unreachable_pub)]

use cwmp_core::Limits;
use cwmp_soap::xml::{Event, Options, Reader, Step, XmlError};
use proptest::prelude::*;

/// One normalised event: names resolved, attributes sorted and decoded,
/// adjacent text and CDATA merged, nothing outside the root element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ev {
    Start { ns: Option<String>, local: String, attrs: Vec<(Option<String>, String, String)>, empty: bool },
    End { ns: Option<String>, local: String },
    Text(String),
}

#[derive(Default)]
pub struct Norm {
    out: Vec<Ev>,
    text: String,
    depth: usize,
}

impl Norm {
    fn flush(&mut self) {
        if !self.text.is_empty() {
            let t = std::mem::take(&mut self.text);
            if self.depth > 0 {
                self.out.push(Ev::Text(t));
            }
        }
    }
    fn tag(&mut self, ev: Ev) {
        self.flush();
        match &ev {
            Ev::Start { empty: false, .. } => self.depth += 1,
            Ev::End { .. } => self.depth -= 1,
            _ => {}
        }
        self.out.push(ev);
    }
    fn text(&mut self, s: &str) {
        self.text.push_str(s);
    }
    pub fn finish(mut self) -> Vec<Ev> {
        self.flush();
        self.out
    }
}

pub fn options() -> Options {
    Options::STRICT.with_whitespace_text(true)
}

/// Normalises one of our events (needs the reader for attribute namespaces).
pub fn push_ours(norm: &mut Norm, reader: &Reader, ev: &Event<'_>) {
    match ev {
        Event::Start(t) | Event::Empty(t) => {
            let mut attrs: Vec<_> = t
                .attributes(reader)
                .expect("fresh tag")
                .map(|a| {
                    let mut buf = vec![0u8; a.value.unescaped_len()];
                    let v = a.value.unescape_into(&mut buf).expect("sized buffer").to_owned();
                    (a.name.ns().map(str::to_owned), a.name.local().to_owned(), v)
                })
                .collect();
            attrs.sort();
            let n = t.name();
            norm.tag(Ev::Start {
                ns: n.ns().map(str::to_owned),
                local: n.local().to_owned(),
                attrs,
                empty: matches!(ev, Event::Empty(_)),
            });
        }
        Event::End(t) => norm.tag(Ev::End { ns: t.name().ns().map(str::to_owned), local: t.name().local().to_owned() }),
        Event::Text(t) | Event::CData(t) => {
            for c in t.chunks() {
                norm.text(c.as_str());
            }
        }
    }
}

/// Our events over the complete input.
pub fn ours(doc: &[u8]) -> Result<Vec<Ev>, XmlError> {
    ours_with(doc, &Limits::DEFAULT, options())
}

pub fn ours_with(doc: &[u8], limits: &Limits, opts: Options) -> Result<Vec<Ev>, XmlError> {
    let mut r: Reader = Reader::new(limits, opts);
    let mut norm = Norm::default();
    loop {
        match r.next_complete(doc)? {
            Step::Event(ev) => push_ours(&mut norm, &r, &ev),
            Step::Eof => return Ok(norm.finish()),
            Step::NeedMore => unreachable!("next_complete never needs more"),
        }
    }
}

/// Our events when `doc` arrives in chunks ending at `cuts` (sorted offsets).
pub fn ours_chunked(doc: &[u8], cuts: &[usize]) -> Result<Vec<Ev>, XmlError> {
    let mut r: Reader = Reader::new(&Limits::DEFAULT, options());
    let mut norm = Norm::default();
    let mut ends = cuts.iter().copied().filter(|&c| c < doc.len()).chain([doc.len()]);
    let mut avail = ends.next().unwrap_or(doc.len());
    loop {
        let buf = &doc[..avail];
        let step = if avail == doc.len() { r.next_complete(buf)? } else { r.next(buf)? };
        match step {
            Step::Event(ev) => push_ours(&mut norm, &r, &ev),
            Step::Eof if avail == doc.len() => return Ok(norm.finish()),
            Step::Eof | Step::NeedMore => avail = ends.next().unwrap_or(doc.len()).max(avail),
        }
    }
}

/// quick-xml `NsReader`'s events, normalised the same way. XML 1.0 line-end
/// and attribute-value normalisation are applied to its raw output, since it
/// reports text raw.
pub fn oracle(doc: &str) -> Result<Vec<Ev>, String> {
    use quick_xml::events::Event as Q;
    use quick_xml::name::ResolveResult;
    let mut r = quick_xml::NsReader::from_str(doc);
    r.config_mut().trim_text(false);
    r.config_mut().check_comments = true;
    let mut norm = Norm::default();
    let ns = |res: ResolveResult<'_>| match res {
        ResolveResult::Bound(n) => Ok(Some(n.as_ref().to_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(p) => Err(format!("unknown prefix {p:?}")),
    };
    loop {
        let (res, ev) = r.read_resolved_event().map_err(|e| e.to_string())?;
        let res = ns(res)?;
        match ev {
            Q::Start(ref t) | Q::Empty(ref t) => {
                let mut attrs = Vec::new();
                for a in t.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    let (ans, local) = r.resolver().resolve_attribute(a.key);
                    let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| e.to_string())?;
                    let mut ans = ns(ans)?;
                    // The XML Infoset puts `xmlns` itself in the xmlns namespace, as
                    // `xmlns:p` already is; quick-xml leaves it unbound.
                    if ans.is_none() && a.key.as_ref() == "xmlns" {
                        ans = Some(cwmp_soap::xml::ns::XMLNS.to_owned());
                    }
                    attrs.push((ans, local.as_ref().to_owned(), v.into_owned()));
                }
                attrs.sort();
                let empty = matches!(ev, Q::Empty(_));
                norm.tag(Ev::Start { ns: res, local: t.local_name().as_ref().to_owned(), attrs, empty });
            }
            Q::End(ref t) => norm.tag(Ev::End { ns: res, local: t.local_name().as_ref().to_owned() }),
            Q::Text(t) => norm.text(&t.xml10_content()),
            Q::CData(t) => norm.text(&t.xml10_content()),
            Q::GeneralRef(g) => {
                let name = g.into_inner();
                let r = format!("&{name};");
                let s = quick_xml::escape::unescape(&r).map_err(|e| e.to_string())?;
                norm.text(&s);
            }
            Q::Eof => return Ok(norm.finish()),
            Q::Comment(_) | Q::Decl(_) => {}
            Q::PI(_) | Q::DocType(_) => return Err("PI or DOCTYPE".into()),
        }
    }
}

// ---- Document generator ----

/// A generated element tree.
#[derive(Debug, Clone)]
pub enum Node {
    Elem {
        prefix: usize,
        name: usize,
        decls: Vec<(usize, usize)>,
        attrs: Vec<(usize, usize, String, bool)>,
        kids: Vec<Node>,
    },
    Text(String),
    CData(String),
    Comment(String),
}

/// Prefixes: index 0 is "no prefix" (default namespace).
pub const PREFIXES: [&str; 5] = ["", "soap", "SOAP-ENV", "cwmp", "x"];
pub const URIS: [&str; 5] = [
    "http://schemas.xmlsoap.org/soap/envelope/",
    "http://schemas.xmlsoap.org/soap/encoding/",
    "urn:dslforum-org:cwmp-1-0",
    "urn:example:vendor",
    "http://www.w3.org/2001/XMLSchema-instance",
];
pub const NAMES: [&str; 6] = ["Envelope", "Body", "ParameterValueStruct", "Name", "Value", "é-ñame.1"];

fn text_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => "[a-zA-Z0-9 .:/_-]{1,12}",
            1 => Just("&amp;".to_owned()),
            1 => Just("&lt;&gt;&quot;&apos;".to_owned()),
            1 => Just("&#x41;&#233;&#x1F600;".to_owned()),
            1 => Just("\r\n\t ".to_owned()),
            1 => Just("\r".to_owned()),
            1 => Just("ünïcödé ✓ 😀".to_owned()),
            1 => Just("]]".to_owned()),
        ],
        0..5,
    )
    .prop_map(|v| v.concat())
}

fn attr_value_strategy() -> impl Strategy<Value = String> {
    text_strategy().prop_map(|s| s.replace("]]", "]"))
}

pub fn node_strategy() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        3 => text_strategy().prop_filter("non-empty", |s| !s.is_empty()).prop_map(Node::Text),
        1 => "[a-z <&>]{0,10}".prop_map(Node::CData),
        1 => "[a-z <&>-]{0,10}".prop_filter("no --", |s| !s.contains("--") && !s.ends_with('-')).prop_map(Node::Comment),
    ];
    let elem_leaf = (0..PREFIXES.len(), 0..NAMES.len()).prop_map(|(prefix, name)| Node::Elem {
        prefix,
        name,
        decls: vec![],
        attrs: vec![],
        kids: vec![],
    });
    prop_oneof![leaf, elem_leaf].prop_recursive(6, 64, 6, |inner| {
        (
            0..PREFIXES.len(),
            0..NAMES.len(),
            proptest::collection::vec((0..PREFIXES.len(), 0..URIS.len()), 0..3),
            proptest::collection::vec((0..PREFIXES.len(), 0..NAMES.len(), attr_value_strategy(), any::<bool>()), 0..3),
            proptest::collection::vec(inner, 0..6),
        )
            .prop_map(|(prefix, name, decls, attrs, kids)| Node::Elem { prefix, name, decls, attrs, kids })
    })
}

/// Serialises `root` as a document. The root declares every prefix so that
/// all names are bound; inner elements redeclare some of them.
pub fn serialize(root: &Node, decl: bool) -> String {
    let mut out = String::new();
    if decl {
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n");
    }
    // Iterative serialisation (an explicit stack) of the element tree.
    enum Work<'n> {
        Open(&'n Node, bool),
        Close(String),
    }
    let mut stack = vec![Work::Open(root, true)];
    while let Some(w) = stack.pop() {
        match w {
            Work::Close(s) => out.push_str(&s),
            Work::Open(Node::Text(t), _) => out.push_str(&t.replace('<', "&lt;").replace("]]>", "]]&gt;")),
            Work::Open(Node::CData(t), _) => {
                out.push_str("<![CDATA[");
                out.push_str(t);
                out.push_str("]]>");
            }
            Work::Open(Node::Comment(t), _) => {
                out.push_str("<!--");
                out.push_str(t);
                out.push_str("-->");
            }
            Work::Open(Node::Elem { prefix, name, decls, attrs, kids }, is_root) => {
                let qname = match PREFIXES[*prefix] {
                    "" => NAMES[*name].to_owned(),
                    p => format!("{p}:{}", NAMES[*name]),
                };
                out.push('<');
                out.push_str(&qname);
                let mut seen_decl = std::collections::HashSet::new();
                let mut all_decls: Vec<(usize, usize)> = decls.clone();
                if is_root {
                    all_decls.extend((0..PREFIXES.len()).map(|p| (p, p % URIS.len())));
                }
                for (p, u) in all_decls {
                    if !seen_decl.insert(p) {
                        continue;
                    }
                    match PREFIXES[p] {
                        "" => out.push_str(&format!(" xmlns=\"{}\"", URIS[u])),
                        pf => out.push_str(&format!(" xmlns:{pf}='{}'", URIS[u])),
                    }
                }
                let mut seen = std::collections::HashSet::new();
                for (p, n, v, single) in attrs {
                    // Unprefixed attributes and prefixed ones must be unique by name; two
                    // prefixes may bind the same URI, so keep one attribute per local name.
                    if !seen.insert(*n) {
                        continue;
                    }
                    let q = if *single { '\'' } else { '"' };
                    let v = v.replace('<', "&lt;").replace(q, if *single { "&apos;" } else { "&quot;" });
                    match PREFIXES[*p] {
                        "" => out.push_str(&format!(" a{}={q}{v}{q}", *n)),
                        pf => out.push_str(&format!(" {pf}:a{}={q}{v}{q}", *n)),
                    }
                }
                if kids.is_empty() {
                    out.push_str("/>");
                } else {
                    out.push('>');
                    stack.push(Work::Close(format!("</{qname}>")));
                    for k in kids.iter().rev() {
                        stack.push(Work::Open(k, false));
                    }
                }
            }
        }
    }
    out
}

/// A generated document: an element root (text/CDATA/comment leaves are wrapped).
pub fn doc_strategy() -> impl Strategy<Value = String> {
    (node_strategy(), any::<bool>()).prop_map(|(n, decl)| {
        let root = match n {
            e @ Node::Elem { .. } => e,
            other => Node::Elem { prefix: 2, name: 0, decls: vec![], attrs: vec![], kids: vec![other] },
        };
        serialize(&root, decl)
    })
}
