//! cwmp-core's tables held against the official CWMP schemas in the shared
//! corpus (`schema/`, found through `CWMP_CORPUS` or `../shared/corpus`):
//! namespaces, literal event codes, fault strings. Not packaged: it reads
//! files outside the crate.

use cwmp_core::{CwmpVersion, EventCode, FaultCode};

/// An official schema file, read in place from the corpus.
fn schema(file: &str) -> String {
    String::from_utf8(cwmp_testkit::corpus::read(&format!("schema/{file}"))).expect("schema files are UTF-8")
}

#[test]
fn namespaces_of_the_official_schemas() {
    // targetNamespace of each shipped schema file.
    for (file, v) in [
        ("cwmp-1-0.xsd", CwmpVersion::V1_0),
        ("cwmp-1-1.xsd", CwmpVersion::V1_1),
        ("cwmp-1-2.xsd", CwmpVersion::V1_2),
        ("cwmp-1-3.xsd", CwmpVersion::V1_3),
        ("cwmp-1-4.xsd", CwmpVersion::V1_4),
    ] {
        let xsd = schema(file);
        let tns = xsd.split("targetNamespace=\"").nth(1).unwrap().split('"').next().unwrap();
        assert_eq!(v.namespace(), tns, "{file}");
    }
}

#[test]
fn literal_codes_of_the_official_schemas_parse_to_known_codes() {
    // cwmp-1-0.xsd and cwmp-1-1.xsd list the exact EventCode strings as
    // xs:pattern values (plus regexes for vendor codes). Each literal one
    // must parse to a known (non-Other) code and format back unchanged.
    for (file, expect) in [("cwmp-1-0.xsd", 14), ("cwmp-1-1.xsd", 15)] {
        let xsd = schema(file);
        let block = xsd.split("name=\"EventCode\"").nth(1).unwrap().split("</xs:element>").next().unwrap();
        let mut n = 0;
        for v in block.split("<xs:pattern value=\"").skip(1) {
            let code = v.split('"').next().unwrap();
            if code.contains(['\\', '[', '.', '*', '+', '(']) {
                continue; // a regex for vendor or generic codes
            }
            let e = EventCode::parse(code).unwrap_or_else(|err| panic!("{file}: {code}: {err}"));
            assert!(!matches!(e, EventCode::Other { .. }), "{code}");
            if let EventCode::Method(m) = e {
                assert!(cwmp_core::event::STANDARD_METHODS.contains(&m), "{code}");
            }
            assert_eq!(e.to_string(), code);
            n += 1;
        }
        assert_eq!(n, expect, "{file}: literal codes");
    }
}

/// Every fault code documented in an official schema must carry the
/// schema's fault string in our table. cwmp-1-0/1-1 document codes as
/// `<xs:enumeration value="N"><xs:documentation>TEXT`, cwmp-1-2/1-4 as
/// `* N - TEXT` lines. Returns the distinct codes seen.
fn check_schema(file: &str, version: CwmpVersion) -> std::collections::BTreeSet<u16> {
    let xsd = schema(file);
    let mut seen = std::collections::BTreeSet::new();
    let mut pending: Option<u16> = None;
    let mut check = |code: u16, text: &str| {
        if (8000..=9899).contains(&code) {
            assert_eq!(FaultCode::new(code).fault_string_for(version), Some(text.trim()), "{file}: fault {code}");
            seen.insert(code);
        }
    };
    for line in xsd.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("<xs:enumeration value=\"") {
            // A self-closed `<xs:enumeration value="N"/>` carries no text.
            pending = rest.split('"').next().and_then(|n| n.parse().ok()).filter(|_| !line.ends_with("/>"));
        } else if let (Some(code), Some(rest)) = (pending, line.strip_prefix("<xs:documentation>")) {
            check(code, rest.trim_end_matches("</xs:documentation>"));
            pending = None;
        } else if line.starts_with("</xs:enumeration>") {
            pending = None;
        } else if let Some((num, text)) = line.trim_start_matches("* ").split_once(" - ")
            && let Ok(code) = num.trim().parse::<u16>()
        {
            check(code, text);
        }
    }
    seen
}

#[test]
fn fault_strings_match_official_schemas() {
    let v10 = check_schema("cwmp-1-0.xsd", CwmpVersion::V1_0);
    assert_eq!(v10.len(), 14 + 6, "cwmp-1-0 documents 9000-9013 and 8000-8005");
    let v11 = check_schema("cwmp-1-1.xsd", CwmpVersion::V1_1);
    assert!(v11.contains(&9019), "cwmp-1-1 documents 9014-9019");
    let v12 = check_schema("cwmp-1-2.xsd", CwmpVersion::V1_2);
    assert_eq!(v12.len(), 33 + 6, "cwmp-1-2 documents 9000-9032 and 8000-8005");
    let v14 = check_schema("cwmp-1-4.xsd", CwmpVersion::V1_4);
    assert!(v14.contains(&8006));
    // And every code we define is documented by some schema.
    for c in FaultCode::all_defined() {
        assert!(v12.contains(&c.code()) || v14.contains(&c.code()), "{c} undocumented");
    }
}
