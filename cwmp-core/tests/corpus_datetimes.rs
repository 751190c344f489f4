//! Every xsd:dateTime in the real-device and third-party corpus parses in
//! tolerant mode; strict mode rejects exactly the malformed ones, each named
//! with the device that sends it.

use cwmp_core::{DateTime, DateTimeMode};

/// (element or xsi:type marker, value) pairs found in one document.
fn datetimes(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in ["<CurrentTime>", "<StartTime>", "<CompleteTime>", "dateTime\">", "dateTime'>"] {
        for part in doc.split(tag).skip(1) {
            if let Some(v) = part.split('<').next() {
                out.push(v.to_string());
            }
        }
    }
    out
}

#[test]
fn corpus_datetimes() {
    let files = cwmp_testkit::corpus::files("messages", &[".xml", ".http"]);
    assert!(files.len() > 100, "corpus not found: {} files", files.len());
    let mut total = 0;
    let mut strict_rejects = Vec::new();
    for f in &files {
        let doc = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for v in datetimes(&doc) {
            total += 1;
            // Deliberately invalid fixtures of cwmp_ex ("foo" as StartTime).
            if v == "foo" {
                assert!(name.ends_with("response-sample4.xml"), "{name}");
                assert!(DateTime::parse_with(&v, DateTimeMode::Tolerant).is_err());
                continue;
            }
            let tolerant = DateTime::parse_with(&v, DateTimeMode::Tolerant)
                .unwrap_or_else(|e| panic!("{name}: {v:?} rejected in tolerant mode: {e}"));
            match DateTime::parse(&v) {
                Ok(strict) => assert_eq!(strict, tolerant, "{name}: {v}"),
                Err(_) => strict_rejects.push((name.clone(), v.clone())),
            }
        }
    }
    assert!(total > 40, "only {total} dateTimes found");
    // Exactly the two known firmware defects are strict-mode errors.
    for (name, v) in &strict_rejects {
        let known = (v == "0000-00-00T00:00:00" && name.starts_with("thomson"))
            || (v == "2019-03-05T11:54::14" && name.starts_with("cytco"));
        assert!(known, "{name}: {v} unexpectedly rejected in strict mode");
    }
    assert!(strict_rejects.iter().any(|(n, _)| n.starts_with("cytco")));
    assert!(strict_rejects.iter().any(|(n, _)| n.starts_with("thomson")));
}
