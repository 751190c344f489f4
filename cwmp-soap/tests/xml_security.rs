//! The XML rows of SECURITY.md, each with its test, plus the other
//! rejections the tokenizer promises (typed error, exact byte offset).

use cwmp_core::Limits;
use cwmp_core::limits::Limit;
use cwmp_soap::xml::{Event, Options, Quirks, Reader, Step, XmlError, XmlErrorKind as K};
use proptest::prelude::*;

/// Runs a complete document through a default reader; the first error.
fn run_with<const D: usize, const N: usize, const A: usize>(
    doc: &[u8],
    limits: &Limits,
    opts: Options,
) -> Result<usize, XmlError> {
    let mut r: Reader<D, N, A> = Reader::new(limits, opts);
    let mut events = 0;
    loop {
        match r.next_complete(doc)? {
            Step::Event(Event::Start(t) | Event::Empty(t)) => {
                events += 1;
                for a in t.attributes(&r)? {
                    let mut buf = [0u8; 256];
                    let _ = a.value.unescape_into(&mut buf);
                }
            }
            Step::Event(_) => events += 1,
            Step::Eof => return Ok(events),
            Step::NeedMore => unreachable!(),
        }
    }
}

fn run(doc: &[u8]) -> Result<usize, XmlError> {
    run_with::<32, 32, 16>(doc, &Limits::DEFAULT, Options::STRICT)
}

fn err(doc: &[u8]) -> (K, usize) {
    let e = run(doc).expect_err("accepted");
    (e.kind, e.offset)
}

fn at(doc: &[u8], needle: &str) -> usize {
    doc.windows(needle.len()).position(|w| w == needle.as_bytes()).expect("needle")
}

// ---- billion laughs / XXE ----

const LOL: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<lolz>&lol2;</lolz>"#;

#[test]
fn billion_laughs_is_rejected_at_the_doctype() {
    assert_eq!(err(LOL.as_bytes()), (K::Doctype, at(LOL.as_bytes(), "<!DOCTYPE")));
    // Within the first bytes: three bytes of the DOCTYPE suffice, nothing after is read.
    let mut r: Reader = Reader::default();
    let cut = at(LOL.as_bytes(), "<!DOCTYPE") + 3;
    let e = r.next(&LOL.as_bytes()[..cut]).unwrap_err();
    assert_eq!(e.kind, K::Doctype);
}

#[test]
fn external_entities_are_rejected() {
    let xxe = br#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;
    assert_eq!(err(xxe), (K::Doctype, 0));
    // Without a DTD, &x; is simply unknown.
    assert_eq!(err(b"<r>&x;</r>"), (K::UnknownEntity, 3));
}

#[test]
fn bad_character_references_are_rejected() {
    for r in [
        "&#0;",
        "&#x0;",
        "&#xD800;",
        "&#xDFFF;",
        "&#x110000;",
        "&#xFFFE;",
        "&#xFFFF;",
        "&#1;",
        "&#99999999999999999999;",
        "&#;",
        "&#x;",
        "&#12",
        "&#xG;",
        "&#-1;",
    ] {
        let doc = format!("<r>ab{r}</r>");
        assert_eq!(err(doc.as_bytes()), (K::BadCharRef, 5), "{r}");
        let doc = format!("<r a='{r}'/>");
        assert_eq!(err(doc.as_bytes()), (K::BadCharRef, 6), "{r} in attribute");
    }
    for ok in ["&#9;", "&#xA;", "&#x20;", "&#xD7FF;", "&#xE000;", "&#xFFFD;", "&#x10000;", "&#x10FFFF;", "&#0000065;"] {
        run(format!("<r>{ok}</r>").as_bytes()).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
}

#[test]
fn unknown_and_malformed_entities_are_rejected() {
    for r in ["&nbsp;", "&amp", "& ", "&AMP;", "&lt", "&"] {
        let doc = format!("<r>x{r}</r>");
        assert_eq!(err(doc.as_bytes()), (K::UnknownEntity, 4), "{r}");
    }
}

// ---- deep nesting ----

#[test]
fn hundred_thousand_nested_elements_on_a_64k_stack() {
    let t = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(|| {
            let doc = "<a>".repeat(100_000) + &"</a>".repeat(100_000);
            let e = run(doc.as_bytes()).unwrap_err();
            assert_eq!((e.kind, e.offset), (K::Limit(Limit::Depth), 32 * 3));
            // Larger capacity, same stack: still iterative, 1000 levels accepted.
            let doc = "<a>".repeat(1000) + &"</a>".repeat(1000);
            let limits = Limits { max_depth: 1000, ..Limits::DEFAULT };
            assert_eq!(run_with::<1000, 8, 8>(doc.as_bytes(), &limits, Options::STRICT), Ok(2000));
            // The Limits value lowers the capacity.
            let limits = Limits { max_depth: 5, ..Limits::DEFAULT };
            let e = run_with::<1000, 8, 8>(doc.as_bytes(), &limits, Options::STRICT).unwrap_err();
            assert_eq!((e.kind, e.offset), (K::Limit(Limit::Depth), 15));
        })
        .unwrap();
    t.join().unwrap();
}

// ---- quadratic attributes / namespaces ----

#[test]
fn attribute_floods_are_cut_at_the_cap() {
    for n in [17usize, 1_000, 100_000] {
        let attrs: String = (0..n).map(|i| format!(" a{i}='v'")).collect();
        let doc = format!("<r{attrs}/>");
        let e = run(doc.as_bytes()).unwrap_err();
        // Rejected at the 17th attribute whatever follows: work does not grow with n.
        assert_eq!((e.kind, e.offset), (K::Limit(Limit::Attributes), at(doc.as_bytes(), " a16=") + 1), "{n}");
    }
    let ok: String = (0..16).map(|i| format!(" a{i}='v'")).collect();
    assert_eq!(run(format!("<r{ok}/>").as_bytes()), Ok(1));
}

#[test]
fn namespace_floods_are_cut_at_the_cap() {
    for n in [100usize, 100_000] {
        let decls: String = (0..n).map(|i| format!(" xmlns:p{i}='urn:x:{i}'")).collect();
        let doc = format!("<r{decls}/>");
        // Per element, the attribute cap comes first.
        let big = Limits { max_body_len: 1 << 23, max_token_len: 1 << 23, ..Limits::DEFAULT };
        let e = run_with::<32, 32, 16>(doc.as_bytes(), &big, Options::STRICT).unwrap_err();
        assert_eq!((e.kind, e.offset), (K::Limit(Limit::Attributes), at(doc.as_bytes(), "xmlns:p16=")));
        // Spread over nested elements, the binding cap.
        let nested: String = (0..n).map(|i| format!("<e xmlns:p{i}='urn:x:{i}'>")).collect();
        let doc = format!("<r>{nested}");
        let e = run_with::<64, 32, 16>(doc.as_bytes(), &Limits { max_depth: 64, ..big }, Options::STRICT).unwrap_err();
        assert_eq!((e.kind, e.offset), (K::Limit(Limit::NsBindings), at(doc.as_bytes(), "xmlns:p32=")));
    }
}

// ---- large-token re-parse ----

#[test]
fn a_large_token_fed_byte_by_byte_is_scanned_once() {
    // 256 KiB attribute value and text, fed one byte at a time. A reader that
    // rescanned the partial token from its start would do ~3·10^10 byte
    // visits here and not finish; ours does a few per byte.
    let big = "x".repeat(256 * 1024);
    let doc = format!("<r a='{big}'>{big}</r>");
    let limits = Limits { max_token_len: 1 << 20, ..Limits::DEFAULT };
    let mut r: Reader = Reader::new(&limits, Options::STRICT);
    let mut events = 0;
    let bytes = doc.as_bytes();
    let mut n = 1;
    while n <= bytes.len() {
        match r.next(&bytes[..n]).unwrap() {
            Step::NeedMore => n += 1,
            Step::Event(_) => events += 1,
            Step::Eof => break,
        }
    }
    assert_eq!(events, 3);
}

#[test]
fn token_length_is_capped_while_it_streams_in() {
    let limits = Limits { max_token_len: 100, ..Limits::DEFAULT };
    let doc = format!("<r>{}</r>", "x".repeat(1000));
    let mut r: Reader = Reader::new(&limits, Options::STRICT);
    r.next(doc.as_bytes()).unwrap(); // <r>
    // Before the text ends, as soon as more than 100 bytes of it are buffered.
    assert_eq!(r.next(&doc.as_bytes()[..200]).unwrap_err(), XmlError::new(K::Limit(Limit::TokenLen), 3));
    let e = run_with::<32, 32, 16>(doc.as_bytes(), &limits, Options::STRICT).unwrap_err();
    assert_eq!((e.kind, e.offset), (K::Limit(Limit::TokenLen), 3));
}

#[test]
fn body_and_name_lengths_are_capped() {
    let limits = Limits { max_body_len: 10, ..Limits::DEFAULT };
    assert_eq!(
        run_with::<32, 32, 16>(b"<r>0123456789</r>", &limits, Options::STRICT).unwrap_err().kind,
        K::Limit(Limit::BodyLen)
    );
    let long = "n".repeat(257);
    assert_eq!(err(format!("<{long}/>").as_bytes()), (K::Limit(Limit::NameLen), 1));
    assert_eq!(err(format!("<r {long}='1'/>").as_bytes()), (K::Limit(Limit::NameLen), 3));
    assert_eq!(run(format!("<{}/>", "n".repeat(256)).as_bytes()), Ok(1));
}

// ---- invalid UTF-8 and non-XML characters ----

#[test]
fn invalid_utf8_is_rejected_with_its_offset() {
    let cases: [&[u8]; 7] =
        [b"\xC0\xAF", b"\xE0\x80\xAF", b"\xED\xA0\x80", b"\xF4\x90\x80\x80", b"\xFF", b"\x80", b"\xE2\x82"];
    for bad in cases {
        for (pre, post) in [
            ("<r>ab", "</r>"),
            ("<r a='ab", "'/>"),
            ("<r><ab", "/></r>"),
            ("<r><!--ab", "--></r>"),
            ("<r><![CDATA[ab", "]]></r>"),
        ] {
            let mut doc = pre.as_bytes().to_vec();
            doc.extend_from_slice(bad);
            doc.extend_from_slice(post.as_bytes());
            assert_eq!(err(&doc), (K::InvalidUtf8, pre.len()), "{bad:x?} in {pre}");
        }
    }
}

#[test]
fn non_xml_characters_are_rejected() {
    assert_eq!(err(b"<r>a\x01</r>"), (K::InvalidChar, 4));
    assert_eq!(err(b"<r>a\x00</r>"), (K::InvalidChar, 4));
    assert_eq!(err(b"<r a='\x1f'/>"), (K::InvalidChar, 6));
    assert_eq!(err("<r>\u{FFFE}</r>".as_bytes()), (K::InvalidChar, 3));
    assert_eq!(err("<r>\u{FFFF}</r>".as_bytes()), (K::InvalidChar, 3));
    assert_eq!(err(b"<r>a]]>b</r>"), (K::InvalidChar, 4));
    run("<r>\u{FFFD}\u{10FFFF}\u{85}]]</r>".as_bytes()).unwrap();
    // Tolerated on request (devices put them in values); NUL never.
    let tolerant = Options { quirks: Quirks { control_chars: true, ..Quirks::NONE }, ..Options::STRICT };
    assert_eq!(run_with::<32, 32, 16>(b"<r a='\x1f'>a\x01&#x2;</r>", &Limits::DEFAULT, tolerant), Ok(3));
    assert_eq!(run_with::<32, 32, 16>(b"<r>a\x00</r>", &Limits::DEFAULT, tolerant).unwrap_err().kind, K::InvalidChar);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary bytes: valid events or an error inside the input, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Err(e) = run(&bytes) {
            prop_assert!(e.offset <= bytes.len());
        }
        let tolerant = run_with::<4, 4, 4>(&bytes, &Limits::DEFAULT, Options::TOLERANT);
        if let Err(e) = tolerant {
            prop_assert!(e.offset <= bytes.len());
        }
    }

    /// XML-ish noise reaches deeper states than random bytes.
    #[test]
    fn xml_shaped_noise_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("<a"), Just("<b:c"), Just(">"), Just("/>"), Just("</a>"), Just("</b:c>"), Just(" x='1'"), Just(" xmlns:b='u'"),
        Just(" xmlns=''"), Just("&amp;"), Just("&#x41;"), Just("<!--"), Just("-->"), Just("<![CDATA["), Just("]]>"),
        Just("<?xml version='1.0'?>"), Just("\""), Just("'"), Just("="), Just(" "), Just("é"), Just("\u{FFFE}"),
    ], 0..40)) {
        let doc = parts.concat();
        if let Err(e) = run(doc.as_bytes()) {
            prop_assert!(e.offset <= doc.len());
        }
    }
}

// ---- the other rejections ----

#[test]
fn processing_instructions_are_rejected() {
    assert_eq!(err(b"<?php echo 1; ?><r/>"), (K::ProcessingInstruction, 0));
    assert_eq!(err(b"<r><?pi x?></r>"), (K::ProcessingInstruction, 3));
    assert_eq!(err(b" <?xml version='1.0'?><r/>"), (K::ProcessingInstruction, 1));
    assert_eq!(err(b"<!-- c --><?xml version='1.0'?><r/>"), (K::ProcessingInstruction, 10));
    assert_eq!(err(b"<?xml-stylesheet href='a'?><r/>"), (K::ProcessingInstruction, 0));
    assert_eq!(err(b"<r/><?xml version='1.0'?>"), (K::ProcessingInstruction, 4));
    assert_eq!(run(b"\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8' standalone='no'?><r/>"), Ok(1));
    let q = Options { quirks: Quirks { decl_after_whitespace: true, ..Quirks::NONE }, ..Options::STRICT };
    assert_eq!(run_with::<32, 32, 16>(b"\n <?xml version='1.0'?><r/>", &Limits::DEFAULT, q), Ok(1));
}

#[test]
fn xml_declaration_is_checked() {
    assert_eq!(err(b"<?xml version='2.0'?><r/>").0, K::Syntax("XML version must be 1.x"));
    assert_eq!(
        err(b"<?xml encoding='UTF-8'?><r/>").0,
        K::Syntax("expected version, encoding, standalone in that order")
    );
    assert_eq!(err(b"<?xml version='1.0' standalone='maybe'?><r/>").0, K::Syntax("standalone must be 'yes' or 'no'"));
    assert_eq!(err(b"<?xml version='1.0' encoding='UTF-16'?><r/>"), (K::UnsupportedEncoding, 20));
}

#[test]
fn latin1_declaration_is_a_quirk_over_ascii_only() {
    let doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>ascii</r>";
    assert_eq!(err(doc), (K::UnsupportedEncoding, 20));
    let q = Options { quirks: Quirks { latin1_declaration: true, ..Quirks::NONE }, ..Options::STRICT };
    assert_eq!(run_with::<32, 32, 16>(doc, &Limits::DEFAULT, q), Ok(3));
    // No transcoding: a byte ≥ 0x80 (valid UTF-8 or not) is refused.
    let doc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>é</r>";
    let e = run_with::<32, 32, 16>(doc.as_bytes(), &Limits::DEFAULT, q).unwrap_err();
    assert_eq!((e.kind, e.offset), (K::InvalidUtf8, at(doc.as_bytes(), "é")));
}

#[test]
fn mismatched_and_unbalanced_tags_are_rejected() {
    assert_eq!(err(b"<a><b></a></b>"), (K::MismatchedTag, 6));
    assert_eq!(err(b"<a:x xmlns:a='u' xmlns:b='u'></b:x>"), (K::MismatchedTag, 29));
    assert_eq!(err(b"</a>"), (K::UnexpectedEndTag, 0));
    assert_eq!(err(b"<a></a></a>"), (K::UnexpectedEndTag, 7));
    assert_eq!(err(b"<a><b>"), (K::UnexpectedEof, 6));
    assert_eq!(err(b"<a></a><b/>"), (K::OutsideRoot, 7));
    assert_eq!(err(b"text<a/>"), (K::OutsideRoot, 0));
    assert_eq!(err(b"<a/>text"), (K::OutsideRoot, 4));
    assert_eq!(err(b""), (K::UnexpectedEof, 0));
    assert_eq!(err(b"  "), (K::UnexpectedEof, 2));
    assert_eq!(run(b"<a/> <!-- trailing --> \n"), Ok(1));
}

#[test]
fn malformed_tags_are_rejected() {
    for (doc, off) in [
        (&b"<a b='1'c='2'/>"[..], 8),
        (b"<a b=1/>", 5),
        (b"<a b/>", 4),
        (b"<a / >", 3),
        (b"<a b='<'/>", 6),
        (b"<a></a b>", 7),
    ] {
        assert!(matches!(err(doc), (K::Syntax(_), o) if o == off), "{}: {:?}", String::from_utf8_lossy(doc), err(doc));
    }
    for (doc, off) in [
        (&b"<1a/>"[..], 1),
        (b"<:a/>", 1),
        (b"<a:/>", 3),
        (b"<a:b:c/>", 4),
        (b"<a -b='1'/>", 3),
        (b"<a:1 xmlns:a='u'/>", 3),
    ] {
        assert_eq!(err(doc), (K::InvalidName, off), "{}", String::from_utf8_lossy(doc));
    }
    assert_eq!(err("<a\u{D7}/>".as_bytes()), (K::InvalidName, 2)); // × is not a NameChar
    assert_eq!(run("<é·ñ-1/>".as_bytes()), Ok(1));
    assert_eq!(err(b"<a><!- x --></a>").0, K::Syntax("'<!-' must start a comment '<!--'"));
    assert_eq!(err(b"<a><!-- a -- b --></a>"), (K::Syntax("'--' inside a comment"), 10));
    assert_eq!(err(b"<a><![CDAT[x]]></a>").0, K::Syntax("'<![' must start '<![CDATA['"));
    assert_eq!(err(b"<![CDATA[x]]><a/>"), (K::OutsideRoot, 0));
}

#[test]
fn namespace_rules_are_enforced() {
    assert_eq!(err(b"<p:a/>"), (K::UnboundPrefix, 1));
    assert_eq!(err(b"<a p:b='1'/>"), (K::UnboundPrefix, 3));
    assert_eq!(err(b"<a xmlns:p=''/>"), (K::ReservedNamespace, 3));
    assert_eq!(err(b"<a xmlns:xml='urn:x'/>"), (K::ReservedNamespace, 3));
    assert_eq!(err(b"<a xmlns:xmlns='urn:x'/>"), (K::ReservedNamespace, 3));
    assert_eq!(err(b"<a xmlns:p='http://www.w3.org/2000/xmlns/'/>"), (K::ReservedNamespace, 3));
    assert_eq!(err(b"<a xmlns='http://www.w3.org/XML/1998/namespace'/>"), (K::ReservedNamespace, 3));
    assert_eq!(err(b"<a xmlns:p='urn:&amp;'/>"), (K::EscapedNamespace, 12));
    assert_eq!(err(b"<a b='1' b='2'/>"), (K::DuplicateAttribute, 9));
    assert_eq!(err(b"<a xmlns:p='u' xmlns:q='u' p:b='1' q:b='2'/>"), (K::DuplicateAttribute, 35));
    assert_eq!(err(b"<a xmlns:p='u' xmlns:p='v'/>"), (K::DuplicateAttribute, 15));
    assert_eq!(
        run(b"<a xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:lang='en' b='1' p:b='2' xmlns:p='u'/>"),
        Ok(1)
    );
    // Scope ends with the element.
    assert_eq!(err(b"<a><b xmlns:p='u'/><p:c/></a>"), (K::UnboundPrefix, 20));
    // Unbound well-known prefixes, on request.
    let q = Options { quirks: Quirks { unbound_well_known_prefixes: true, ..Quirks::NONE }, ..Options::STRICT };
    assert_eq!(run_with::<32, 32, 16>(b"<SOAP-ENV:Envelope xsi:type='x'/>", &Limits::DEFAULT, q), Ok(1));
    assert_eq!(run_with::<32, 32, 16>(b"<foo:a/>", &Limits::DEFAULT, q).unwrap_err().kind, K::UnboundPrefix);
}

#[test]
fn unbound_attribute_prefixes_are_tolerated_on_request_and_recorded_but_never_on_elements() {
    let q = Options { quirks: Quirks { unbound_attribute_prefixes: true, ..Quirks::NONE }, ..Options::STRICT };
    for doc in [
        &b"<a soap:mustUnderstand='1'/>"[..],
        b"<a x='1' encodingStyle:arrayType='xsd:string[1]'/>",
        b"<a p:b='1' q:b='2'/>",
    ] {
        // Strict: rejected at the attribute.
        assert_eq!(err(doc).0, K::UnboundPrefix, "{}", String::from_utf8_lossy(doc));
        let mut r: Reader = Reader::new(&Limits::DEFAULT, q);
        let Some(Event::Empty(t)) = r.next_complete(doc).unwrap().event() else { panic!() };
        assert!(r.repaired().unbound_attribute_prefixes);
        // The attribute has no namespace; its local name is intact.
        let a = t
            .attributes(&r)
            .unwrap()
            .find(|a| {
                a.name.local().ends_with("b") || a.name.local() == "mustUnderstand" || a.name.local() == "arrayType"
            })
            .unwrap();
        assert_eq!(a.name.ns(), None);
    }
    // A bound document records nothing.
    let mut r: Reader = Reader::new(&Limits::DEFAULT, q);
    r.next_complete(b"<a xmlns:p='u' p:b='1'/>").unwrap();
    assert_eq!(r.repaired(), Quirks::NONE);
    // Same qualified name twice is still a duplicate.
    assert_eq!(
        run_with::<32, 32, 16>(b"<a p:b='1' p:b='2'/>", &Limits::DEFAULT, q).unwrap_err().kind,
        K::DuplicateAttribute
    );
    // An element's prefix must still be bound.
    assert_eq!(run_with::<32, 32, 16>(b"<soap:a/>", &Limits::DEFAULT, q).unwrap_err().kind, K::UnboundPrefix);
}

#[test]
fn errors_are_sticky() {
    let mut r: Reader = Reader::default();
    let doc = b"<a><b></c></a>";
    r.next_complete(doc).unwrap();
    r.next_complete(doc).unwrap();
    let e = r.next_complete(doc).unwrap_err();
    assert_eq!(r.next_complete(doc).unwrap_err(), e);
    assert_eq!(e.to_string(), "XML: end tag does not match the open element at byte 6");
}
