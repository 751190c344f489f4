//! Every corpus message, decoded and re-encoded by our encoder, validates
//! against the official schema (xmllint via shared/tools/xsd-validate) and
//! decodes back to the same message.

use cwmp_soap::{Body, EncodeError, Envelope, Rpc};
use cwmp_testkit::alloc::assert_no_alloc;
use cwmp_testkit::corpus;

/// Corpus messages our encoder refuses to re-send, and why: each holds a
/// value the schema forbids (a device bug or a deliberately broken fixture)
/// that the decoder tolerates but the encoder must not reproduce.
const NOT_RESENDABLE: &[(&str, &str)] = &[
    ("cytco-bcm-Inform-badtime-1.xml", "<OUI>: value not allowed by the schema (OUI must be 6 upper-case hex digits)"),
    (
        "thomson-bant-r-GetParameterAttributesResponse-1.http",
        "<string>: value not allowed by the schema (the only access list entry is 'Subscriber')",
    ),
    ("thomson-bant-w-Inform-1.http", LEXICAL),
    ("thomson-st706-Inform-1.xml", LEXICAL),
    ("thomson-st780-Inform-1.xml", LEXICAL),
    ("thomson-st780-Inform-chunked-1.http", LEXICAL),
    ("Inform.xml", "<CommandKey>: 34 characters exceed the cap of 32"),
    ("add_object-sample2.xml", OBJECT_NAME),
    ("autonomous_du_state_change_complete-sample.xml", UUID),
    ("change_du_state-sample.xml", UUID),
    ("change_du_state-sample2.xml", UUID),
    ("change_du_state-sample3.xml", UUID),
    ("delete_object_response-sample3.xml", STATUS),
    ("download_response-sample2.xml", STATUS),
    ("du_state_change_complete-sample.xml", UUID),
    ("upload-sample.xml", UPLOAD_TYPE),
    ("upload_response-sample2.xml", STATUS),
    ("add_object_2.xml", OBJECT_NAME),
    ("autonomous_dustate_change_complete_1.xml", UUID),
    ("change_du_state_1.xml", UUID),
    ("change_du_state_2.xml", UUID),
    ("change_du_state_3.xml", UUID),
    ("du_state_change_complete_1.xml", UUID),
    ("upload_1.xml", UPLOAD_TYPE),
];
/// Thomson's `xsd:dateTime` value `0000-00-00T00:00:00`.
const LEXICAL: &str = "<Value>: value not allowed by the schema (text is not in the lexical space of its xsi:type)";
/// Fixtures' `some-uuid`.
const UUID: &str = "<UUID>: value not allowed by the schema (a UUID is 8-4-4-4-12 hex digits)";
/// Fixtures' Status 2.
const STATUS: &str = "<Status>: value not allowed by the schema (Status is 0 or 1)";
/// Fixtures' `Device.Test` (no trailing dot).
const OBJECT_NAME: &str = "<ObjectName>: value not allowed by the schema (an object name must end with '.')";
/// Fixtures' Upload of `1 Firmware Upgrade Image` in cwmp-1-0.
const UPLOAD_TYPE: &str = "<FileType>: value not allowed by the schema (not an upload file type of this namespace)";

/// Corpus messages that do not decode at all (so there is nothing to
/// re-encode), by file name: each test checks this list is exactly what it
/// skipped. The two genieacs-sim files are the CPE's empty POSTs (no
/// envelope at all: "no more requests"); the fixture is a truncated Inform.
const UNDECODABLE: &[&str] = &["002-cpe.http", "008-cpe.http", "bogus_inform_1.xml"];

/// The decoded envelope, or `None` after recording the file in `skipped`.
fn decode_or_note<'a>(f: &std::path::Path, b: &'a [u8], skipped: &mut Vec<String>) -> Option<Envelope<'a>> {
    let r = Envelope::decode(b);
    if r.is_err() {
        skipped.push(f.file_name().unwrap().to_str().unwrap().to_owned());
    }
    r.ok()
}

#[test]
fn reencoded_corpus_messages_validate_and_round_trip() {
    let dir = std::env::temp_dir().join(format!("cwmp-soap-reencode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut written = Vec::new();
    let mut refused = Vec::new();
    let mut undecodable = Vec::new();
    for f in corpus::files("messages", &[".xml", ".http"]) {
        let b = corpus::soap_body(&f);
        let Some(mut env) = decode_or_note(&f, &b, &mut undecodable) else { continue };
        if let Body::Rpc(r) = &env.body {
            if matches!(r, Rpc::Invalid(_) | Rpc::Unknown(_)) || r.method().is_some_and(|m| m.decode_only()) {
                continue;
            }
            // Fixtures put 1.1/1.2 methods in the cwmp-1-0 namespace; we send
            // them in the first namespace that defines them.
            env.version = env.version.max(r.method().unwrap().since());
        }
        let mut buf = vec![0u8; b.len() * 2 + 4096];
        match assert_no_alloc(|| env.encode(&mut buf)) {
            Ok(n) => {
                let back = Envelope::decode(&buf[..n]).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                assert_eq!(back, env, "{}", f.display());
                let p = dir.join(format!("{:03}-{}", written.len(), f.file_name().unwrap().to_str().unwrap()));
                std::fs::write(&p, &buf[..n]).unwrap();
                written.push(p);
            }
            Err(e @ (EncodeError::InvalidValue { .. } | EncodeError::TooLong { .. })) => {
                refused.push(format!("{}: {e}", f.file_name().unwrap().to_str().unwrap()));
            }
            Err(e) => panic!("{}: {e}", f.display()),
        }
    }
    let expected: Vec<String> = NOT_RESENDABLE.iter().map(|(f, why)| format!("{f}: {why}")).collect();
    assert_eq!(refused, expected);
    assert_eq!(undecodable, UNDECODABLE, "corpus messages that do not decode");
    assert!(written.len() > 110, "{}", written.len());
    let out = cwmp_testkit::tools::xsd_validate().args(&written).output().unwrap();
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// Tolerant decoding reports what it accepted through
/// `Envelope::schema_violation`: over the corpus it names exactly the
/// messages (and the values) listed above, and xmllint confirms each of those
/// originals breaks the official schema.
#[test]
fn schema_violation_reports_what_tolerant_decoding_accepted() {
    let dir = std::env::temp_dir().join(format!("cwmp-soap-violation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut found = Vec::new();
    let mut originals = Vec::new();
    let mut undecodable = Vec::new();
    for f in corpus::files("messages", &[".xml", ".http"]) {
        let b = corpus::soap_body(&f);
        let Some(mut env) = decode_or_note(&f, &b, &mut undecodable) else { continue };
        if let Body::Rpc(r) = &env.body {
            if matches!(r, Rpc::Invalid(_) | Rpc::Unknown(_)) || r.method().is_some_and(|m| m.decode_only()) {
                assert_eq!(env.schema_violation(), None);
                continue;
            }
            env.version = env.version.max(r.method().unwrap().since());
        }
        // A fixture that puts a 1.2 method in the cwmp-1-0 namespace is not
        // checked by xmllint at all (the Body takes any element laxly).
        let own_namespace = env.version == Envelope::decode(&b).unwrap().version;
        if let Some(e) = assert_no_alloc(|| env.schema_violation()) {
            let name = f.file_name().unwrap().to_str().unwrap().to_owned();
            found.push(format!("{name}: {e}"));
            if own_namespace {
                let p = dir.join(&name);
                std::fs::write(&p, &b).unwrap();
                originals.push(p);
            }
        }
    }
    let expected: Vec<String> = NOT_RESENDABLE.iter().map(|(f, why)| format!("{f}: {why}")).collect();
    assert_eq!(found, expected);
    assert_eq!(undecodable, UNDECODABLE, "corpus messages that do not decode");
    assert!(originals.len() >= 10, "{originals:?}");
    for p in &originals {
        let out = cwmp_testkit::tools::xsd_validate().arg(p).output().unwrap();
        assert!(!out.status.success(), "{} is schema-valid, yet reported as a violation", p.display());
    }
    std::fs::remove_dir_all(&dir).ok();
}
