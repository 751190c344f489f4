//! The XML tokenizers compared by `benches/xml_tokenizer.rs` and the
//! callgrind driver `src/bin/xml_callgrind.rs`. Each function tokenizes the
//! whole document once and returns a count derived from the events, so no
//! subject can skip work.

use cwmp_core::Limits;
use cwmp_soap::xml::{Event, Options, Reader, Step};

/// A subject: tokenizes a whole document, returns a check value.
pub type Subject = fn(&str) -> u64;

/// Every subject: name and function.
pub const SUBJECTS: [(&str, Subject); 9] = [
    ("cwmp-soap Reader (ns resolved)", ours),
    ("cwmp-soap Reader (+attrs resolved, unescape)", ours_full),
    ("cwmp-soap Reader (64-byte chunks)", ours_chunked_64),
    ("quick-xml Reader", quick_xml_reader),
    ("quick-xml Reader (+attributes)", quick_xml_reader_attrs),
    ("quick-xml NsReader (ns resolved)", quick_xml_ns_reader),
    ("xmlparser Tokenizer", xmlparser_tokens),
    ("roxmltree Document::parse", roxmltree_parse),
    ("memchr '<' scan", memchr_scan),
];

/// Our reader: every event, element names resolved (they always are).
pub fn ours(doc: &str) -> u64 {
    let input = doc.as_bytes();
    let mut r: Reader = Reader::default();
    let mut n = 0u64;
    while let Ok(Step::Event(ev)) = r.next_complete(input) {
        n += match ev {
            Event::Start(t) | Event::Empty(t) => t.name().ns().map_or(0, str::len) as u64,
            Event::End(t) => t.name().local_bytes().len() as u64,
            Event::Text(t) | Event::CData(t) => t.raw_bytes().len() as u64,
        };
    }
    n
}

/// Our reader plus what a decoder does: resolve every attribute and decode
/// every text and attribute value into a stack buffer.
pub fn ours_full(doc: &str) -> u64 {
    let input = doc.as_bytes();
    let mut r: Reader = Reader::new(&Limits::DEFAULT, Options::STRICT);
    let mut buf = [0u8; 1024];
    let mut n = 0u64;
    while let Ok(Step::Event(ev)) = r.next_complete(input) {
        match ev {
            Event::Start(t) | Event::Empty(t) => {
                n += t.name().ns().map_or(0, str::len) as u64;
                if let Ok(attrs) = t.attributes(&r) {
                    for a in attrs {
                        n += a.name.ns().map_or(0, str::len) as u64;
                        n += a.value.unescape_into(&mut buf).map_or(0, str::len) as u64;
                    }
                }
            }
            Event::End(t) => n += t.name().local().len() as u64,
            Event::Text(t) | Event::CData(t) => n += t.unescape_into(&mut buf).map_or(0, str::len) as u64,
        }
    }
    n
}

/// Our reader fed 64 bytes at a time (resumption cost).
pub fn ours_chunked_64(doc: &str) -> u64 {
    let input = doc.as_bytes();
    let mut r: Reader = Reader::default();
    let mut avail = 64.min(input.len());
    let mut n = 0u64;
    loop {
        match r.next(&input[..avail]) {
            Ok(Step::Event(_)) => n += 1,
            Ok(Step::NeedMore) if avail < input.len() => avail = (avail + 64).min(input.len()),
            _ => return n,
        }
    }
}

/// quick-xml's `Reader`, events only (no namespaces, no attribute parsing).
pub fn quick_xml_reader(doc: &str) -> u64 {
    use quick_xml::events::Event as Q;
    let mut r = quick_xml::Reader::from_str(doc);
    let mut n = 0u64;
    loop {
        match r.read_event() {
            Ok(Q::Eof) | Err(_) => return n,
            Ok(Q::Start(t)) | Ok(Q::Empty(t)) => n += t.name().as_ref().len() as u64,
            Ok(Q::End(t)) => n += t.name().as_ref().len() as u64,
            Ok(Q::Text(t)) => n += t.len() as u64,
            Ok(_) => n += 1,
        }
    }
}

/// quick-xml's `Reader`, also parsing and unescaping every attribute.
pub fn quick_xml_reader_attrs(doc: &str) -> u64 {
    use quick_xml::events::Event as Q;
    let mut r = quick_xml::Reader::from_str(doc);
    let mut n = 0u64;
    loop {
        match r.read_event() {
            Ok(Q::Eof) | Err(_) => return n,
            Ok(Q::Start(t)) | Ok(Q::Empty(t)) => {
                n += t.name().as_ref().len() as u64;
                for a in t.attributes().flatten() {
                    n += a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_or(0, |v| v.len()) as u64;
                }
            }
            Ok(Q::End(t)) => n += t.name().as_ref().len() as u64,
            Ok(Q::Text(t)) => n += t.len() as u64,
            Ok(_) => n += 1,
        }
    }
}

/// quick-xml's `NsReader` with element namespaces resolved.
pub fn quick_xml_ns_reader(doc: &str) -> u64 {
    use quick_xml::events::Event as Q;
    use quick_xml::name::ResolveResult;
    let mut r = quick_xml::NsReader::from_str(doc);
    let mut n = 0u64;
    loop {
        match r.read_resolved_event() {
            Ok((_, Q::Eof)) | Err(_) => return n,
            Ok((ns, ev)) => {
                n += match ns {
                    ResolveResult::Bound(ns) => ns.as_ref().len() as u64,
                    _ => 0,
                };
                if let Q::Text(t) = ev {
                    n += t.len() as u64;
                }
            }
        }
    }
}

/// xmlparser's tokenizer (no namespaces: prefixes only).
pub fn xmlparser_tokens(doc: &str) -> u64 {
    let mut n = 0u64;
    for t in xmlparser::Tokenizer::from(doc) {
        match t {
            Ok(_) => n += 1,
            Err(_) => return n,
        }
    }
    n
}

/// roxmltree: a full DOM with namespaces (allocates).
pub fn roxmltree_parse(doc: &str) -> u64 {
    roxmltree::Document::parse(doc).map_or(0, |d| d.descendants().count() as u64)
}

/// The floor: memchr stopping at every `<`.
pub fn memchr_scan(doc: &str) -> u64 {
    memchr::memchr_iter(b'<', doc.as_bytes()).count() as u64
}
