//! The reader's API contract: names, attributes, offsets and content ranges,
//! lazy decoding, decoder helpers, and zero heap allocations.

mod xml_common;

use cwmp_core::Limits;
use cwmp_soap::xml::{Chunk, Event, Options, Reader, Step, XmlErrorKind as K, ns};
use cwmp_testkit::alloc::assert_no_alloc;
use cwmp_testkit::corpus;

fn events(doc: &[u8]) -> Vec<String> {
    let mut r: Reader = Reader::default();
    r.events(doc)
        .map(|e| match e.unwrap() {
            Event::Start(t) => format!("S {:?} {} @{}", t.name().ns(), t.name().local(), t.offset()),
            Event::Empty(t) => format!("E {:?} {} @{}", t.name().ns(), t.name().local(), t.offset()),
            Event::End(t) => format!("/ {:?} {} @{}", t.name().ns(), t.name().local(), t.offset()),
            Event::Text(t) => format!("T {:?} @{}", t.raw(), t.offset()),
            Event::CData(t) => format!("C {:?} @{}", t.raw(), t.offset()),
        })
        .collect()
}

#[test]
fn names_resolve_by_namespace_never_by_prefix() {
    let doc = br#"<x:a xmlns:x="urn:one" xmlns="urn:def"><b/><y:c xmlns:y="urn:one"/><x:d xmlns:x="urn:two" xmlns=""><e/></x:d></x:a>"#;
    let o = |n: &str| at(doc, n);
    assert_eq!(
        events(doc),
        [
            "S Some(\"urn:one\") a @0".to_owned(),
            format!("E Some(\"urn:def\") b @{}", o("<b/>")),
            format!("E Some(\"urn:one\") c @{}", o("<y:c")),
            format!("S Some(\"urn:two\") d @{}", o("<x:d")),
            format!("E None e @{}", o("<e/>")),
            format!("/ Some(\"urn:two\") d @{}", o("</x:d>")),
            format!("/ Some(\"urn:one\") a @{}", o("</x:a>")),
        ]
    );
}

#[test]
fn mikrotik_soap_prefix_is_the_encoding_namespace() {
    let body = corpus::soap_body(&corpus::path("messages/real/mikrotik-hapLite-Inform-1.http"));
    let mut r: Reader = Reader::default();
    let mut seen = Vec::new();
    while let Some(ev) = r.next_complete(&body).unwrap().event() {
        if let Event::Start(t) = ev {
            for a in t.attributes(&r).unwrap().filter(|a| !a.is_namespace_decl()) {
                seen.push((a.name.prefix(), a.name.ns(), a.name.local()));
            }
            if t.name().local() == "Envelope" {
                assert!(t.name().is(ns::SOAP_ENV, "Envelope"));
                let soap = t.raw_attributes().find(|a| a.name.local() == "soap").unwrap();
                assert_eq!(soap.value.raw(), ns::SOAP_ENC);
            }
        }
    }
    // `soap:arrayType` is SOAP-ENC's arrayType, whatever the prefix says.
    assert!(seen.contains(&(Some("soap"), Some(ns::SOAP_ENC), "arrayType")), "{seen:?}");
}

#[test]
fn attributes_resolve_and_decode() {
    let doc = br#"<a xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:d" i:type='x&amp;y' plain="a&#x9;b
c" xml:lang="en"/>"#;
    let mut r: Reader = Reader::default();
    let Some(Event::Empty(t)) = r.next_complete(doc).unwrap().event() else { panic!() };
    let attrs: Vec<_> = t.attributes(&r).unwrap().collect();
    assert_eq!(attrs.len(), 5);
    assert!(attrs[0].is_namespace_decl() && attrs[1].is_namespace_decl());
    assert_eq!((attrs[1].name.ns(), attrs[1].name.local(), attrs[1].name.prefix()), (Some(ns::XMLNS), "xmlns", None));
    assert_eq!((attrs[0].name.local(), attrs[0].name.prefix()), ("i", Some("xmlns")));
    assert!(attrs[2].name.is(ns::XSI, "type"));
    assert!(attrs[2].value.unescaped_eq("x&y"));
    // Unprefixed attributes take no default namespace.
    assert_eq!(attrs[3].name.ns(), None);
    let mut buf = [0u8; 16];
    // Character reference kept, literal TAB/LF normalised to spaces.
    assert_eq!(attrs[3].value.unescape_into(&mut buf).unwrap(), "a\tb c");
    assert!(attrs[4].name.is(ns::XML, "lang"));
    assert_eq!(attrs[2].offset, at(doc, "i:type"));
    assert_eq!(attrs[2].value.offset(), at(doc, "x&amp;"));
    let v = t.attribute(&r, Some(ns::XSI), "type").unwrap().unwrap();
    assert_eq!(v.raw(), "x&amp;y");
    assert_eq!(t.attribute(&r, None, "nope").unwrap(), None);
}

fn at(doc: &[u8], needle: &str) -> usize {
    doc.windows(needle.len()).position(|w| w == needle.as_bytes()).unwrap()
}

#[test]
fn stale_tags_cannot_resolve_attributes() {
    let doc = b"<a x='1'><b/></a>";
    let mut r: Reader = Reader::default();
    let Some(Event::Start(a)) = r.next_complete(doc).unwrap().event() else { panic!() };
    assert!(a.attributes(&r).is_ok());
    r.next_complete(doc).unwrap();
    assert_eq!(a.attributes(&r).unwrap_err().kind, K::StaleTag);
    // Raw attributes need no scope.
    assert_eq!(a.raw_attributes().next().unwrap().value.raw(), "1");
}

#[test]
fn text_decodes_lazily() {
    let doc = "<a>x &lt;&gt;&amp;&apos;&quot; &#65;&#x20AC;\r\n\ry</a>".as_bytes();
    let mut r: Reader = Reader::default();
    r.next_complete(doc).unwrap();
    let Some(Event::Text(t)) = r.next_complete(doc).unwrap().event() else { panic!() };
    assert_eq!(t.offset(), 3);
    assert_eq!(t.end_offset(), at(doc, "</a>"));
    assert!(t.as_plain().is_none());
    let expect = "x <>&'\" A€\n\ny";
    assert_eq!(t.unescaped_len(), expect.len());
    assert!(t.unescaped_eq(expect) && !t.unescaped_eq("x") && !t.unescaped_eq(&format!("{expect}!")));
    let mut buf = [0u8; 64];
    assert_eq!(t.unescape_into(&mut buf).unwrap(), expect);
    let mut small = [0u8; 5];
    assert_eq!(t.unescape_into(&mut small).unwrap_err().kind, K::BufferTooSmall);
    let chunks: Vec<Chunk<'_>> = t.chunks().collect();
    assert_eq!(chunks[0], Chunk::Borrowed("x "));
    assert!(matches!(chunks.iter().find(|c| matches!(c, Chunk::Char(_))), Some(Chunk::Char(c)) if c.char() == 'A'));
    assert_eq!(chunks.iter().map(|c| c.as_str()).collect::<String>(), expect);
}

#[test]
fn cdata_and_whitespace() {
    let doc = b"<a>\n  <b><![CDATA[<x>&amp;]]></b>\n</a>";
    let o = |n: &str| at(doc, n);
    assert_eq!(
        events(doc),
        [
            "S None a @0".to_owned(),
            format!("S None b @{}", o("<b>")),
            format!("C \"<x>&amp;\" @{}", o("<x>")),
            format!("/ None b @{}", o("</b>")),
            format!("/ None a @{}", o("</a>")),
        ]
    );
    let mut r: Reader = Reader::new(&Limits::DEFAULT, Options::STRICT.with_whitespace_text(true));
    let e: Vec<_> = r.events(doc).map(Result::unwrap).collect();
    assert!(matches!(e[1], Event::Text(t) if t.is_whitespace() && t.raw() == "\n  "));
    let Event::CData(c) = e[3] else { panic!() };
    assert!(c.is_cdata() && !c.is_whitespace());
    let mut buf = [0u8; 16];
    assert_eq!(c.unescape_into(&mut buf).unwrap(), "<x>&amp;");
}

#[test]
fn content_ranges_and_skipping() {
    let doc = b"<r><keep>1</keep><skip a='1'><x><y/>t</x><x/></skip><after/></r>";
    let mut r: Reader = Reader::default();
    assert_eq!(r.depth(), 0);
    r.next_complete(doc).unwrap();
    assert_eq!(r.depth(), 1);
    let Some(Event::Start(keep)) = r.next_complete(doc).unwrap().event() else { panic!() };
    r.next_complete(doc).unwrap();
    let Some(Event::End(end)) = r.next_complete(doc).unwrap().event() else { panic!() };
    assert_eq!(&doc[keep.end_offset()..end.offset()], b"1");
    let Some(Event::Start(skip)) = r.next_complete(doc).unwrap().event() else { panic!() };
    assert_eq!(r.depth(), 2);
    let Some(Event::End(e)) = r.skip_element_complete(doc).unwrap().event() else { panic!() };
    assert_eq!(e.name().local(), "skip");
    assert_eq!(&doc[skip.end_offset()..e.offset()], b"<x><y/>t</x><x/>");
    assert_eq!(r.depth(), 1);
    let Some(Event::Empty(a)) = r.next_complete(doc).unwrap().event() else { panic!() };
    assert_eq!(a.name().local(), "after");
    assert_eq!(r.depth(), 1);
    r.next_complete(doc).unwrap();
    assert_eq!(r.depth(), 0);
    assert_eq!(r.next_complete(doc).unwrap(), Step::Eof);
    assert_eq!(r.skip_element_complete(doc).unwrap_err().kind, K::NotInElement);
}

#[test]
fn skipping_resumes_across_chunks() {
    let doc = b"<r><skip><x>long text here</x><y/></skip><z/></r>";
    let mut r: Reader = Reader::default();
    r.next(doc).unwrap();
    r.next(doc).unwrap();
    let mut n = 10;
    let end = loop {
        match r.skip_element(&doc[..n]).unwrap() {
            Step::NeedMore => n += 3,
            Step::Event(Event::End(e)) => break e,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(end.name().local(), "skip");
    assert!(matches!(r.next(doc).unwrap(), Step::Event(Event::Empty(t)) if t.name().local() == "z"));
}

#[test]
fn eof_comes_only_after_the_root_closes() {
    let doc = b"<?xml version='1.0'?><!-- x --><r/> \n";
    let mut r: Reader = Reader::default();
    assert_eq!(r.next(&doc[..10]).unwrap(), Step::NeedMore);
    assert_eq!(r.next(&doc[..33]).unwrap(), Step::NeedMore);
    assert!(matches!(r.next(&doc[..35]).unwrap(), Step::Event(Event::Empty(_))));
    assert_eq!(r.next(&doc[..35]).unwrap(), Step::Eof);
    assert_eq!(r.next(doc).unwrap(), Step::Eof);
    assert_eq!(r.position(), doc.len());
}

#[test]
fn tokenizing_the_corpus_allocates_nothing() {
    let mut bodies = Vec::new();
    for f in corpus::files("messages", &[".xml", ".http"]) {
        bodies.push(corpus::soap_body(&f));
    }
    let mut buf = [0u8; 4096];
    let total = assert_no_alloc(|| {
        let mut total = 0usize;
        for body in &bodies {
            // Whole input, with attribute resolution and decoding.
            let mut r: Reader = Reader::new(&Limits::DEFAULT, Options::TOLERANT);
            while let Ok(Step::Event(ev)) = r.next_complete(body) {
                total += 1;
                match ev {
                    Event::Start(t) | Event::Empty(t) => {
                        for a in t.attributes(&r).unwrap() {
                            total += a.value.unescape_into(&mut buf).map_or(0, str::len);
                        }
                    }
                    Event::Text(t) | Event::CData(t) => {
                        total += t.unescape_into(&mut buf).map_or(0, str::len);
                        total += t.chunks().count();
                    }
                    Event::End(_) => {}
                }
            }
            // And in 13-byte chunks.
            let mut r: Reader = Reader::default();
            let mut n = 13.min(body.len());
            loop {
                match r.next(&body[..n]) {
                    Ok(Step::NeedMore) if n < body.len() => n = (n + 13).min(body.len()),
                    Ok(Step::Event(_)) => total += 1,
                    _ => break,
                }
            }
        }
        total
    });
    assert!(total > 10_000, "{total}");
}

#[test]
fn the_reader_is_small() {
    // Caller-visible RAM cost with the default capacities (no heap): about
    // 1.8 KB of stacks and spans, plus ~110 bytes for the four recently
    // lexed names (what lets a 500-entry list skip re-checking its names).
    assert!(std::mem::size_of::<Reader>() <= 1940, "{}", std::mem::size_of::<Reader>());
    assert!(std::mem::size_of::<Event<'_>>() <= 128, "{}", std::mem::size_of::<Event<'_>>());
}

/// The last event or the error of reading `doc` (offsets relative to `base`).
fn last_outcome(doc: &[u8], base: usize) -> String {
    let mut r: Reader = Reader::default();
    let mut last = String::new();
    for e in r.events(doc) {
        match e {
            Ok(Event::Empty(t)) => {
                last = format!(
                    "E {:?} {:?} {:?} @{}",
                    t.name().prefix(),
                    t.name().local(),
                    t.raw(),
                    t.offset() as isize - base as isize
                );
            }
            Ok(_) => {}
            Err(e) => return format!("error {:?} @{}", e.kind, e.offset as isize - base as isize),
        }
    }
    last
}

#[test]
fn a_name_seen_before_lexes_as_it_did_the_first_time() {
    // The reader keeps the last few names it lexed; a name read from them
    // must give exactly what lexing it afresh gives: the same name, or the
    // same error at the same place.
    let long = "L".repeat(30);
    let firsts = ["Name", "a:b", "ParameterValueStruct", "Námé", long.as_str(), "x"];
    let seconds = [
        "Name",
        "Names",
        "Nam",
        "Name\u{1}",
        "Name:",
        "a:b",
        "a:b:c",
        "a:bc",
        "ParameterValueStruct",
        "ParameterValueStruct2",
        "Námé",
        "Námé\u{2}",
        long.as_str(),
        "x",
        "x-1",
        "x y='1'",
        "x x='1' x='2'",
    ];
    for first in firsts {
        for second in seconds {
            let tail = format!("<{second}/></r>");
            let head = "<r xmlns:a='urn:a'>";
            let fresh = format!("{head}{tail}");
            // The first name as an element and as an attribute name.
            let primed = format!("{head}<{first}/><e {first}='1'/>{tail}");
            assert_eq!(
                last_outcome(primed.as_bytes(), primed.len() - tail.len()),
                last_outcome(fresh.as_bytes(), fresh.len() - tail.len()),
                "{first:?} then {second:?}"
            );
        }
    }
}
