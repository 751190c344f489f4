//! Encoding of every method: schema validity (official XSDs via xmllint),
//! round trip through our decoder, exact buffer-size reporting, schema caps,
//! and zero allocations.

mod rpc_common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use cwmp_core::CwmpVersion;
use cwmp_soap::rpc::*;
use cwmp_soap::{Body, EncodeError, Envelope, Header, Method, Rpc, Text};
use cwmp_testkit::alloc::assert_no_alloc;
use rpc_common::*;

fn encode(env: &Envelope<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 64 * 1024];
    let n = assert_no_alloc(|| env.encode(&mut buf)).unwrap_or_else(|e| panic!("{:?}: {e}", env.body));
    buf.truncate(n);
    buf
}

#[test]
fn every_sendable_method_has_a_sample() {
    let have: BTreeSet<&str> = sample_bodies().iter().map(|r| r.name()).collect();
    let want: BTreeSet<&str> = Method::ALL.iter().filter(|m| !m.decode_only()).map(|m| m.name()).collect();
    assert_eq!(have, want);
    // The oracle: every global element of the official cwmp-1-2 schema except
    // the header entries and Fault is one of our methods, and vice versa.
    let xsd = String::from_utf8(cwmp_testkit::corpus::read("schema/cwmp-1-2.xsd")).unwrap();
    let schema: BTreeSet<&str> = xsd
        .lines()
        .filter_map(|l| l.strip_prefix("  <xs:element name=\""))
        .filter_map(|l| l.split('"').next())
        .filter(|n| !matches!(*n, "ID" | "HoldRequests" | "Fault"))
        .collect();
    let ours: BTreeSet<&str> = Method::ALL.iter().map(|m| m.name()).collect();
    assert_eq!(ours, schema);
    // And each method's first namespace matches the schema that introduced it.
    for v in ["0", "1"] {
        let xsd = String::from_utf8(cwmp_testkit::corpus::read(&format!("schema/cwmp-1-{v}.xsd"))).unwrap();
        for m in Method::ALL {
            let declared = xsd.contains(&format!("  <xs:element name=\"{}\"", m.name()));
            let ver = if v == "0" { CwmpVersion::V1_0 } else { CwmpVersion::V1_1 };
            assert_eq!(declared, m.since() <= ver, "{} in cwmp-1-{v}", m.name());
        }
    }
}

#[test]
fn every_sample_round_trips_without_allocating() {
    for env in sample_envelopes() {
        let wire = encode(&env);
        let back = assert_no_alloc(|| Envelope::decode(&wire)).unwrap_or_else(|e| {
            panic!("{e} in {}", String::from_utf8_lossy(&wire));
        });
        assert_eq!(back, env, "{}", String::from_utf8_lossy(&wire));
    }
}

fn xsd_validate(files: &[PathBuf]) -> std::process::Output {
    cwmp_testkit::tools::xsd_validate().args(files).output().expect("run xsd-validate")
}

#[test]
fn every_sample_validates_against_the_official_schema() {
    let dir = std::env::temp_dir().join(format!("cwmp-soap-rpc-encode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (i, env) in sample_envelopes().iter().enumerate() {
        let name = match &env.body {
            Body::Rpc(r) => r.name().to_string(),
            Body::Fault(_) => "Fault".to_string(),
        };
        let p = dir.join(format!("{i:03}-{name}-{}.xml", env.version));
        std::fs::write(&p, encode(env)).unwrap();
        files.push(p);
    }
    assert!(files.len() > 150, "{} files", files.len());
    let out = xsd_validate(&files);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "schema validation failed:\n{stdout}\n{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn buffer_too_small_reports_the_exact_size() {
    for env in sample_envelopes().iter().step_by(7) {
        let n = encode(env).len();
        let mut buf = vec![0u8; n];
        assert_eq!(env.encode(&mut buf), Ok(n));
        let mut short = vec![0u8; n - 1];
        assert_eq!(env.encode(&mut short), Err(EncodeError::BufferTooSmall { needed: n }));
        assert_eq!(env.encode(&mut []), Err(EncodeError::BufferTooSmall { needed: n }));
    }
}

fn env(rpc: Rpc<'_>, v: CwmpVersion) -> Envelope<'_> {
    Envelope { version: v, header: Header::default(), body: Body::Rpc(rpc) }
}

#[test]
fn methods_outside_the_namespace_and_deprecated_ones_are_refused() {
    let mut buf = [0u8; 4096];
    let sd = env(Rpc::CancelTransfer(CancelTransfer { command_key: t("x") }), CwmpVersion::V1_0);
    assert_eq!(
        sd.encode(&mut buf),
        Err(EncodeError::NotInNamespace { method: "CancelTransfer", namespace: "urn:dslforum-org:cwmp-1-0" })
    );
    let ok = env(Rpc::CancelTransfer(CancelTransfer { command_key: t("x") }), CwmpVersion::V1_3);
    assert!(ok.encode(&mut buf).is_ok());
    let dep = env(Rpc::GetQueuedTransfers(GetQueuedTransfers), CwmpVersion::V1_0);
    assert_eq!(dep.encode(&mut buf), Err(EncodeError::DecodeOnly { method: "GetQueuedTransfers" }));
}

#[test]
fn schema_caps_are_enforced() {
    let mut buf = [0u8; 4096];
    let long_key = "k".repeat(33);
    let r = env(Rpc::Reboot(Reboot { command_key: Text::plain(&long_key) }), CwmpVersion::V1_0);
    assert_eq!(r.encode(&mut buf), Err(EncodeError::TooLong { field: "CommandKey", len: 33, max: 32 }));
    let ok_key = "é".repeat(32); // 32 characters, 64 bytes: the cap counts characters
    let r = env(Rpc::Reboot(Reboot { command_key: Text::plain(&ok_key) }), CwmpVersion::V1_0);
    assert!(r.encode(&mut buf).is_ok());
    let ctl = env(Rpc::Reboot(Reboot { command_key: Text::plain("a\u{1}") }), CwmpVersion::V1_0);
    assert_eq!(ctl.encode(&mut buf), Err(EncodeError::ForbiddenChar { field: "CommandKey", offset: 1, ch: '\u{1}' }));
    let names: Vec<Text<'_>> = vec![t("A."); 65];
    let evs: Vec<cwmp_soap::structs::EventStruct<'_>> = names
        .iter()
        .map(|_| cwmp_soap::structs::EventStruct { event_code: t("2 PERIODIC"), command_key: t("") })
        .collect();
    let Rpc::Inform(mut inform) = sample_bodies().into_iter().find(|r| r.name() == "Inform").unwrap() else { panic!() };
    inform.event = cwmp_soap::List::Slice(&evs);
    let r = env(Rpc::Inform(inform), CwmpVersion::V1_0);
    assert!(matches!(r.encode(&mut buf), Err(EncodeError::TooMany { field: "Event", len: 65, max: 64, .. })));
    inform.device_id.oui = t("00d09e");
    inform.event = cwmp_soap::List::Slice(&evs[..1]);
    let r = env(Rpc::Inform(inform), CwmpVersion::V1_0);
    assert!(matches!(r.encode(&mut buf), Err(EncodeError::InvalidValue { field: "OUI", .. })));
}
