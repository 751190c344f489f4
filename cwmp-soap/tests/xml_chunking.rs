//! Chunking invariance: any split of the input, 1-byte chunks included,
//! yields exactly the events of the whole-input parse.

mod xml_common;

use cwmp_testkit::corpus;
use proptest::prelude::*;
use xml_common::{doc_strategy, ours, ours_chunked};

#[test]
fn every_corpus_message_in_one_byte_chunks() {
    let mut n = 0;
    for f in corpus::files("messages", &[".xml", ".http"]) {
        let body = corpus::soap_body(&f);
        if body.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let whole = ours(&body);
        let cuts: Vec<usize> = (1..body.len()).collect();
        let chunked = ours_chunked(&body, &cuts);
        assert_eq!(chunked, whole, "{}", f.display());
        n += 1;
    }
    assert!(n > 150);
}

#[test]
fn every_corpus_message_in_prime_sized_chunks() {
    let files = corpus::files("messages", &[".xml", ".http"]);
    assert!(files.len() > 150, "{} corpus messages", files.len());
    for f in files {
        let body = corpus::soap_body(&f);
        let whole = ours(&body);
        for step in [2usize, 3, 7, 61, 509] {
            let cuts: Vec<usize> = (1..).map(|i| i * step).take_while(|&c| c < body.len()).collect();
            assert_eq!(ours_chunked(&body, &cuts), whole, "{} step {step}", f.display());
        }
    }
}

fn splits(len: usize) -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0..len.max(1), 0..24).prop_map(|mut v| {
        v.sort_unstable();
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_splits_of_generated_documents(
        (doc, cuts) in doc_strategy().prop_flat_map(|d| { let n = d.len(); (Just(d), splits(n)) })
    ) {
        let whole = ours(doc.as_bytes());
        prop_assert!(whole.is_ok(), "{:?}", whole);
        prop_assert_eq!(ours_chunked(doc.as_bytes(), &cuts), whole);
    }

    #[test]
    fn one_byte_chunks_of_generated_documents(doc in doc_strategy()) {
        let cuts: Vec<usize> = (1..doc.len()).collect();
        prop_assert_eq!(ours_chunked(doc.as_bytes(), &cuts), ours(doc.as_bytes()));
    }

    /// Broken documents too: the same events, and an error in both or neither.
    #[test]
    fn random_splits_of_mutated_documents(
        (doc, cuts, at, byte) in doc_strategy().prop_flat_map(|d| {
            let n = d.len();
            (Just(d), splits(n), 0..n.max(1), prop_oneof![Just(b'<'), Just(b'>'), Just(b'"'), Just(b'&'), Just(b'/'), any::<u8>()])
        })
    ) {
        let mut doc = doc.into_bytes();
        if let Some(b) = doc.get_mut(at) { *b = byte; }
        let whole = ours(&doc);
        let chunked = ours_chunked(&doc, &cuts);
        match (&whole, &chunked) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(_), Err(_)) => {}
            _ => prop_assert!(false, "whole {:?} vs chunked {:?}", whole, chunked),
        }
    }
}
