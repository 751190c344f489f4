//! Differential test: our event stream equals quick-xml `NsReader`'s on every
//! XML message of the shared corpus and on property-generated documents.

mod xml_common;

use cwmp_testkit::corpus;
use proptest::prelude::*;
use xml_common::{doc_strategy, oracle, ours};

const TRUNCATED: &str = "bogus_inform_1.xml";

fn corpus_messages() -> Vec<std::path::PathBuf> {
    let files = corpus::files("messages", &[".xml", ".http"]);
    assert!(files.len() > 150, "corpus not found or incomplete: {} files", files.len());
    files
}

#[test]
fn every_corpus_message_matches_quick_xml() {
    let mut checked = 0;
    for f in corpus_messages() {
        let body = corpus::soap_body(&f);
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if name == TRUNCATED {
            continue;
        }
        // Some .http dumps (GET connection requests, empty POSTs) carry no body.
        if body.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let ours = ours(&body).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let text = std::str::from_utf8(&body).unwrap();
        let theirs = oracle(text).unwrap_or_else(|e| panic!("{}: quick-xml: {e}", f.display()));
        assert_eq!(ours, theirs, "{}", f.display());
        assert!(!ours.is_empty());
        checked += 1;
    }
    assert!(checked > 150, "only {checked} messages checked");
}

#[test]
fn the_truncated_fixture_is_rejected() {
    let f = corpus::path("messages/thirdparty-fixtures/jdalberg-cwmp/bogus_inform_1.xml");
    let body = corpus::read("messages/thirdparty-fixtures/jdalberg-cwmp/bogus_inform_1.xml");
    let err = ours(&body).expect_err("truncated document accepted");
    assert_eq!(err.kind, cwmp_soap::xml::XmlErrorKind::UnexpectedEof, "{}", f.display());
    assert_eq!(err.offset, body.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_match_quick_xml(doc in doc_strategy()) {
        let ours = ours(doc.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{doc}")))?;
        let theirs = oracle(&doc).map_err(|e| TestCaseError::fail(format!("quick-xml: {e}\n{doc}")))?;
        prop_assert_eq!(ours, theirs, "{}", doc);
    }
}
