//! The schema facets on `TimeWindowStruct.WindowMode` and on every
//! `FaultCode`, checked against the official XSDs (xmllint through
//! `../shared/tools/xsd-validate`), per namespace:
//!
//! (a) every allowed value listed encodes, and the envelope validates;
//! (b) every forbidden value listed is refused by the encoder, and the same
//!     envelope written without our check (the encoder's output for a valid
//!     placeholder, patched) fails validation, on that element only;
//! (c) strict decoding reports the forbidden value as a quirk, tolerant
//!     decoding accepts it.
//!
//! And exhaustively: for every fault code around the CWMP ranges, the facet
//! and xmllint agree, in every namespace.

mod rpc_common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use cwmp_core::{CwmpVersion, FaultCode};
use cwmp_soap::decode::DecodeOptions;
use cwmp_soap::facet::Facet;
use cwmp_soap::rpc::*;
use cwmp_soap::structs::{DuFault, SetParameterValuesFault, TimeWindowStruct};
use cwmp_soap::{Body, DecodeError, DecodeErrorKind, EncodeError, Envelope, Header, List, Text};
use rpc_common::*;

// ---------------------------------------------------------------- helpers

fn envelope(version: CwmpVersion, body: Body<'_>) -> Envelope<'_> {
    // Strict decoding demands a cwmp:ID.
    Envelope { version, header: Header { id: Some(Text::plain("facet-1")), ..Header::default() }, body }
}

fn encode(env: &Envelope<'_>) -> Result<String, EncodeError> {
    let mut buf = vec![0u8; 64 * 1024];
    let n = env.encode(&mut buf)?;
    buf.truncate(n);
    Ok(String::from_utf8(buf).unwrap())
}

fn decode(wire: &str, strict: bool) -> Result<Envelope<'_>, DecodeError> {
    Envelope::decode_with(wire.as_bytes(), None, &if strict { DecodeOptions::STRICT } else { DecodeOptions::TOLERANT })
}

fn sample(name: &str) -> Rpc<'static> {
    sample_bodies().into_iter().find(|r| r.name() == name).unwrap_or_else(|| panic!("no sample {name}"))
}

/// `wire` with its only occurrence of `from` replaced by `to`.
fn replace_once(wire: &str, from: &str, to: &str) -> String {
    assert_eq!(wire.matches(from).count(), 1, "{from} in {wire}");
    wire.replacen(from, to, 1)
}

/// Escapes character data as our writer does (`\r` as `&#13;`, so that it
/// survives line-end normalisation).
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\r', "&#13;")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cwmp-soap-rpc-facets-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs xsd-validate over `files` (in two parallel halves) and returns, per
/// failing file, the names of the elements xmllint reported with the line
/// of each report.
fn schema_errors(files: &[PathBuf]) -> BTreeMap<PathBuf, Vec<(usize, String)>> {
    // Each job's command fails the test naming what is missing when
    // xmllint or the tool is.
    let mut jobs = [cwmp_testkit::tools::xsd_validate(), cwmp_testkit::tools::xsd_validate()];
    let halves: Vec<&[PathBuf]> = files.chunks(files.len().div_ceil(2).max(1)).collect();
    let outputs: Vec<String> = std::thread::scope(|sc| {
        let jobs: Vec<_> = halves
            .iter()
            .zip(&mut jobs)
            .map(|(h, cmd)| {
                sc.spawn(move || {
                    let out = cmd.args(*h).output().expect("run xsd-validate");
                    assert!(matches!(out.status.code(), Some(0 | 1)), "xsd-validate: {out:?}");
                    String::from_utf8_lossy(&out.stdout).into_owned()
                })
            })
            .collect();
        jobs.into_iter().map(|j| j.join().unwrap()).collect()
    });
    // xsd-validate prints xmllint's report of the failing files only:
    // `FILE:LINE: element NAME: Schemas validity error : …` lines, then
    // `FILE fails to validate`. Any other line about a file (a parser error)
    // counts as an error on element `?`.
    let mut errors: BTreeMap<PathBuf, Vec<(usize, String)>> = BTreeMap::new();
    for line in outputs.iter().flat_map(|o| o.lines()) {
        let Some(file) = files
            .iter()
            .find(|f| line.strip_prefix(f.to_str().unwrap()).is_some_and(|r| r.starts_with(':') || r.starts_with(' ')))
        else {
            continue;
        };
        let entry = errors.entry(file.clone()).or_default();
        if line.ends_with(" fails to validate") {
            continue;
        }
        let rest = &line[file.to_str().unwrap().len() + 1..];
        let parsed = rest.split_once(": element ").and_then(|(line_no, r)| {
            let (element, _) = r.split_once(": Schemas validity error")?;
            Some((line_no.parse().ok()?, element.to_string()))
        });
        entry.push(parsed.unwrap_or((0, "?".to_string())));
    }
    errors
}

/// Validates each (file, expected validity, element expected at fault) and
/// asserts xmllint agrees: valid files pass, the others fail on that
/// element only.
fn assert_schema_verdicts(cases: &[(PathBuf, bool, &str)]) {
    let files: Vec<PathBuf> = cases.iter().map(|(p, _, _)| p.clone()).collect();
    let errors = schema_errors(&files);
    for (path, valid, element) in cases {
        let got = errors.get(path);
        let body = || std::fs::read_to_string(path).unwrap();
        if *valid {
            assert!(got.is_none(), "{} should validate: {got:?}\n{}", path.display(), body());
        } else {
            let got = got.unwrap_or_else(|| panic!("{} should fail validation:\n{}", path.display(), body()));
            assert!(!got.is_empty(), "{}: no element reported", path.display());
            assert!(got.iter().all(|(_, e)| e == element), "{}: {got:?}\n{}", path.display(), body());
        }
    }
}

// ---------------------------------------------------------------- WindowMode

const PLACEHOLDER_MODE: &str = "9 Placeholder Mode";

fn schedule_download(mode: &str) -> Rpc<'_> {
    let Rpc::ScheduleDownload(mut sd) = sample("ScheduleDownload") else { unreachable!() };
    let w = sd.time_window_list.iter().next().unwrap();
    let windows = Vec::leak(vec![TimeWindowStruct { window_mode: Text::plain(mode), ..w }]);
    sd.time_window_list = List::Slice(windows);
    Rpc::ScheduleDownload(sd)
}

fn window_mode_of(env: &Envelope<'_>) -> String {
    let Body::Rpc(Rpc::ScheduleDownload(sd)) = env.body else { panic!("{:?}", env.body) };
    let w = sd.time_window_list.iter().next().unwrap();
    let mut buf = [0u8; 256];
    w.window_mode.unescape_into(&mut buf).unwrap().to_string()
}

/// `TimeWindowModeValueType` (cwmp-1-2.xsd): maxLength 64 and one of the
/// patterns `[1-9]\d*( \S+)+`, `X [0-9A-F]{6} .+`, `X \S+ .+`.
const WINDOW_MODES_ALLOWED: &[&str] = &[
    "1 At Any Time",
    "2 Immediately",
    "3 When Idle",
    "4 Confirmation Needed",
    "5 Defined Later",
    "12 A B C",
    "X 00D09E Night Only",
    "X 00D09E  two spaces and trailing ",
    "X ACME night-only",
    "X ACME a\tb",
    "X 00d09e lower-case OUI is the X \\S+ .+ form",
];

const WINDOW_MODES_FORBIDDEN: &[&str] = &[
    "",
    "1",
    "At Any Time",
    "0 Never",
    "01 At Any Time",
    " 1 At Any Time",
    "1  At Any Time",
    "1 At Any Time ",
    "1 At\tAny Time",
    "1 At\nAny Time",
    "1 At\rAny Time",
    "X 00D09E ",
    "X ACME",
    "X ACME ",
    "X  ACME night",
    "X ACME a\rb",
    "X ACME a\nb",
    "x ACME night",
    "M ScheduleDownload",
];

#[test]
fn window_mode_follows_the_schema() {
    let dir = scratch("window-mode");
    let mut cases = Vec::new();
    let placeholder_wire =
        encode(&envelope(CwmpVersion::V1_2, Body::Rpc(schedule_download(PLACEHOLDER_MODE)))).unwrap();
    for (i, mode) in WINDOW_MODES_ALLOWED.iter().enumerate() {
        assert!(Facet::WindowMode.check(mode, CwmpVersion::V1_2), "{mode:?}");
        // (a) ScheduleDownload exists in cwmp-1-2 only: 1.2, 1.3, 1.4.
        for v in [CwmpVersion::V1_2, CwmpVersion::V1_3, CwmpVersion::V1_4] {
            let wire = encode(&envelope(v, Body::Rpc(schedule_download(mode))))
                .unwrap_or_else(|e| panic!("{mode:?} in {v}: {e}"));
            for strict in [true, false] {
                let back = decode(&wire, strict).unwrap_or_else(|e| panic!("{mode:?} strict {strict}: {e}"));
                assert_eq!(window_mode_of(&back), *mode);
            }
            let p = dir.join(format!("ok-{i:02}-{v}.xml"));
            std::fs::write(&p, &wire).unwrap();
            cases.push((p, true, "WindowMode"));
        }
    }
    for (i, mode) in WINDOW_MODES_FORBIDDEN.iter().enumerate() {
        // (b) refused by the encoder …
        for v in [CwmpVersion::V1_2, CwmpVersion::V1_3, CwmpVersion::V1_4] {
            assert_eq!(
                encode(&envelope(v, Body::Rpc(schedule_download(mode)))),
                Err(EncodeError::InvalidValue { field: "WindowMode", reason: Facet::WindowMode.describe() }),
                "{mode:?} in {v}"
            );
        }
        // … and invalid for the schema when written anyway.
        let wire = replace_once(
            &placeholder_wire,
            &format!("<WindowMode>{PLACEHOLDER_MODE}</WindowMode>"),
            &format!("<WindowMode>{}</WindowMode>", escape(mode)),
        );
        let p = dir.join(format!("bad-{i:02}.xml"));
        std::fs::write(&p, &wire).unwrap();
        cases.push((p, false, "WindowMode"));
        // (c) strict decoding reports it, tolerant decoding keeps it.
        let err = decode(&wire, true).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::Facet { field: "WindowMode", facet: Facet::WindowMode }, "{mode:?}");
        let back = decode(&wire, false).unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        // Kept as sent (`&#13;` reads back as CR).
        assert_eq!(window_mode_of(&back), *mode);
    }
    // The placeholder itself is valid: the patched files differ from a valid
    // envelope in WindowMode only.
    let p = dir.join("placeholder.xml");
    std::fs::write(&p, &placeholder_wire).unwrap();
    cases.push((p, true, "WindowMode"));
    assert_schema_verdicts(&cases);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn window_mode_keeps_its_64_character_cap() {
    let max = format!("1 {}", "x".repeat(62));
    let over = format!("1 {}", "x".repeat(63));
    assert!(encode(&envelope(CwmpVersion::V1_2, Body::Rpc(schedule_download(&max)))).is_ok());
    assert_eq!(
        encode(&envelope(CwmpVersion::V1_2, Body::Rpc(schedule_download(&over)))),
        Err(EncodeError::TooLong { field: "WindowMode", len: 65, max: 64 })
    );
    let dir = scratch("window-mode-cap");
    let wire = encode(&envelope(CwmpVersion::V1_2, Body::Rpc(schedule_download(&max)))).unwrap();
    let bad = replace_once(&wire, &max, &over);
    let ok_path = dir.join("max.xml");
    let bad_path = dir.join("over.xml");
    std::fs::write(&ok_path, &wire).unwrap();
    std::fs::write(&bad_path, &bad).unwrap();
    assert_schema_verdicts(&[(ok_path, true, "WindowMode"), (bad_path, false, "WindowMode")]);
    std::fs::remove_dir_all(&dir).ok();
}

// ---------------------------------------------------------------- FaultCode

/// Where a FaultCode sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Site {
    /// `cwmp:Fault/FaultCode`.
    Detail,
    /// `cwmp:Fault/SetParameterValuesFault/FaultCode`.
    Spv,
    /// `TransferComplete/FaultStruct/FaultCode`.
    Transfer,
    /// `AutonomousTransferComplete/FaultStruct/FaultCode`.
    AutonTransfer,
    /// `DUStateChangeComplete/Results/Fault/FaultCode`.
    Du,
    /// `AutonomousDUStateChangeComplete/Results/Fault/FaultCode`.
    AutonDu,
}

const SITES: [Site; 6] = [Site::Detail, Site::Spv, Site::Transfer, Site::AutonTransfer, Site::Du, Site::AutonDu];

/// The three namespaces, by the version that uses each.
const NAMESPACES: [CwmpVersion; 3] = [CwmpVersion::V1_0, CwmpVersion::V1_1, CwmpVersion::V1_2];

/// The fault code of the cwmp:Fault detail when the SPV entry is under test.
const DETAIL_WITH_SPV: u16 = 9003;

impl Site {
    fn facet(self) -> Facet {
        match self {
            Site::Detail => Facet::FaultCode,
            Site::Spv => Facet::SpvFaultCode,
            Site::Transfer | Site::AutonTransfer => Facet::TransferFaultCode,
            Site::Du | Site::AutonDu => Facet::DuFaultCode,
        }
    }

    /// The first version whose namespace has the site.
    fn since(self) -> CwmpVersion {
        match self {
            Site::Detail | Site::Spv | Site::Transfer => CwmpVersion::V1_0,
            Site::AutonTransfer => CwmpVersion::V1_1,
            Site::Du | Site::AutonDu => CwmpVersion::V1_2,
        }
    }

    /// A code every namespace allows here, distinct from the message's other
    /// fault codes (so it marks the element to patch).
    fn placeholder(self) -> u16 {
        match self {
            Site::Detail => 9004,
            Site::Spv => 9005,
            Site::Transfer | Site::AutonTransfer => 9002,
            Site::Du | Site::AutonDu => 9001,
        }
    }

    /// The element repeated in the exhaustive documents: the method, or the
    /// cwmp:Fault in the SOAP Fault's detail.
    fn unit(self) -> (&'static str, &'static str) {
        match self {
            Site::Detail | Site::Spv => ("<cwmp:Fault>", "</cwmp:Fault>"),
            Site::Transfer => ("<cwmp:TransferComplete>", "</cwmp:TransferComplete>"),
            Site::AutonTransfer => ("<cwmp:AutonomousTransferComplete>", "</cwmp:AutonomousTransferComplete>"),
            Site::Du => ("<cwmp:DUStateChangeComplete>", "</cwmp:DUStateChangeComplete>"),
            Site::AutonDu => ("<cwmp:AutonomousDUStateChangeComplete>", "</cwmp:AutonomousDUStateChangeComplete>"),
        }
    }

    fn body(self, code: u16) -> Body<'static> {
        let code = FaultCode::new(code);
        match self {
            Site::Detail | Site::Spv => {
                let mut f = sample_fault();
                if self == Site::Detail {
                    f.detail.fault_code = code;
                    f.detail.set_parameter_values_fault = List::Slice(&[]);
                } else {
                    f.detail.fault_code = FaultCode::new(DETAIL_WITH_SPV);
                    let e = f.detail.set_parameter_values_fault.iter().next().unwrap();
                    let one = Vec::leak(vec![SetParameterValuesFault { fault_code: code, ..e }]);
                    f.detail.set_parameter_values_fault = List::Slice(one);
                }
                Body::Fault(f)
            }
            Site::Transfer => {
                let Rpc::TransferComplete(mut tc) = sample("TransferComplete") else { unreachable!() };
                tc.fault_struct.fault_code = code;
                Body::Rpc(Rpc::TransferComplete(tc))
            }
            Site::AutonTransfer => {
                let Rpc::AutonomousTransferComplete(mut atc) = sample("AutonomousTransferComplete") else {
                    unreachable!()
                };
                atc.fault_struct.fault_code = code;
                Body::Rpc(Rpc::AutonomousTransferComplete(atc))
            }
            Site::Du => {
                let Rpc::DuStateChangeComplete(mut d) = sample("DUStateChangeComplete") else { unreachable!() };
                let r = d.results.iter().next().unwrap();
                let fault = DuFault { fault_code: code, ..r.fault };
                d.results = List::Slice(Vec::leak(vec![cwmp_soap::structs::OpResultStruct { fault, ..r }]));
                Body::Rpc(Rpc::DuStateChangeComplete(d))
            }
            Site::AutonDu => {
                let Rpc::AutonomousDuStateChangeComplete(mut d) = sample("AutonomousDUStateChangeComplete") else {
                    unreachable!()
                };
                let r = d.results.iter().next().unwrap();
                let fault = DuFault { fault_code: code, ..r.fault };
                d.results = List::Slice(Vec::leak(vec![cwmp_soap::structs::AutonOpResultStruct { fault, ..r }]));
                Body::Rpc(Rpc::AutonomousDuStateChangeComplete(d))
            }
        }
    }

    /// The code at this site of a decoded message.
    fn code_of(self, env: &Envelope<'_>) -> FaultCode {
        match (self, &env.body) {
            (Site::Detail, Body::Fault(f)) => f.detail.fault_code,
            (Site::Spv, Body::Fault(f)) => {
                assert_eq!(f.detail.fault_code, FaultCode::new(DETAIL_WITH_SPV));
                f.detail.set_parameter_values_fault.iter().next().unwrap().fault_code
            }
            (Site::Transfer, Body::Rpc(Rpc::TransferComplete(tc))) => tc.fault_struct.fault_code,
            (Site::AutonTransfer, Body::Rpc(Rpc::AutonomousTransferComplete(tc))) => tc.fault_struct.fault_code,
            (Site::Du, Body::Rpc(Rpc::DuStateChangeComplete(d))) => d.results.iter().next().unwrap().fault.fault_code,
            (Site::AutonDu, Body::Rpc(Rpc::AutonomousDuStateChangeComplete(d))) => {
                d.results.iter().next().unwrap().fault.fault_code
            }
            (s, b) => panic!("{s:?}: {b:?}"),
        }
    }
}

/// What each schema says, transcribed by hand from the xsd files (the
/// tests below hold it, and the facet, against xmllint).
// One range per schema type, as the files list them.
#[allow(clippy::manual_range_patterns)]
fn schema_allows(site: Site, version: CwmpVersion, c: u16) -> bool {
    use CwmpVersion::*;
    let ns = match version {
        V1_0 => 0,
        V1_1 => 1,
        _ => 2,
    };
    match (site, ns) {
        // cwmp-1-0.xsd FaultCodeType: enumerations 9000–9013, 8000–8005;
        // ranges 9800–9899, 8800–8899. Used by Fault and SetParameterValuesFault.
        (Site::Detail | Site::Spv, 0) => matches!(c, 9000..=9013 | 9800..=9899 | 8000..=8005 | 8800..=8899),
        // cwmp-1-1.xsd FaultCodeType: enumerations 9000–9019, 8000–8005;
        // ranges 9020–9799, 9800–9899, 8006–8799, 8800–8899.
        (Site::Detail | Site::Spv, 1) => matches!(c, 9000..=9899 | 8000..=8899),
        // cwmp-1-2.xsd Fault/FaultCode: union of CPEFaultCodeType (9000–9799),
        // CPEVendorFaultCodeType (9800–9899), ACSFaultCodeType (8000–8799; the
        // cwmp-1-4 redefinition adds no facet), ACSVendorFaultCodeType (8800–8899).
        (Site::Detail, _) => matches!(c, 9000..=9799 | 9800..=9899 | 8000..=8799 | 8800..=8899),
        // cwmp-1-2.xsd SetParameterValuesFault/FaultCode: CPE and CPE vendor only.
        (Site::Spv, _) => matches!(c, 9000..=9799 | 9800..=9899),
        // cwmp-1-0.xsd FaultStruct: enumeration 0, 9001, 9002, 9010, 9011, 9012.
        (Site::Transfer | Site::AutonTransfer, 0) => matches!(c, 0 | 9001 | 9002 | 9010 | 9011 | 9012),
        // cwmp-1-1.xsd FaultStruct: enumeration 0, 9001, 9002, 9010–9012,
        // 9014–9019; ranges 9020–9799, 9800–9899.
        (Site::Transfer | Site::AutonTransfer, 1) => {
            matches!(c, 0 | 9001 | 9002 | 9010..=9012 | 9014..=9019 | 9020..=9799 | 9800..=9899)
        }
        // cwmp-1-2.xsd TransferCompleteFaultStruct: 0, TransferCompleteCPEFaultCodeType
        // (9001, 9002, 9010–9012, 9014–9020), CPEExtensionFaultCodeType
        // (9033–9799), CPEVendorFaultCodeType (9800–9899).
        (Site::Transfer | Site::AutonTransfer, _) => {
            matches!(c, 0 | 9001 | 9002 | 9010..=9012 | 9014..=9020 | 9033..=9799 | 9800..=9899)
        }
        // cwmp-1-2.xsd DeploymentUnitFaultStruct: 0, DeploymentUnitCPEFaultCodeType
        // (9001, 9003, 9012, 9013, 9015–9018, 9022–9032), extension and vendor ranges.
        (Site::Du | Site::AutonDu, _) => {
            matches!(c, 0 | 9001 | 9003 | 9012 | 9013 | 9015..=9018 | 9022..=9032 | 9033..=9799 | 9800..=9899)
        }
    }
}

/// Codes at and around every boundary of every rule.
const CODES: &[u16] = &[
    0, 1, 7999, 8000, 8005, 8006, 8007, 8799, 8800, 8899, 8900, 8999, 9000, 9001, 9002, 9003, 9004, 9009, 9010, 9011,
    9012, 9013, 9014, 9015, 9018, 9019, 9020, 9021, 9022, 9032, 9033, 9500, 9799, 9800, 9899, 9900, 65535,
];

fn placeholder_wire(site: Site, v: CwmpVersion) -> String {
    encode(&envelope(v, site.body(site.placeholder()))).unwrap_or_else(|e| panic!("{site:?} in {v}: {e}"))
}

fn patch_code(wire: &str, site: Site, literal: &str) -> String {
    replace_once(
        wire,
        &format!("<FaultCode>{}</FaultCode>", site.placeholder()),
        &format!("<FaultCode>{literal}</FaultCode>"),
    )
}

#[test]
fn fault_codes_follow_the_schema_of_each_namespace() {
    let dir = scratch("fault-codes");
    let mut cases = Vec::new();
    for site in SITES {
        let facet = site.facet();
        for v in CwmpVersion::ALL.into_iter().filter(|v| *v >= site.since()) {
            let base = placeholder_wire(site, v);
            let p = dir.join(format!("{site:?}-{v}-placeholder.xml"));
            std::fs::write(&p, &base).unwrap();
            cases.push((p, true, "FaultCode"));
            for &c in CODES {
                let allowed = schema_allows(site, v, c);
                assert_eq!(facet.allows_fault_code(FaultCode::new(c), v), allowed, "{site:?} {c} in {v}");
                let encoded = encode(&envelope(v, site.body(c)));
                let (wire, file) = if allowed {
                    // (a)
                    let wire = encoded.unwrap_or_else(|e| panic!("{site:?} {c} in {v}: {e}"));
                    (wire, format!("{site:?}-{v}-{c}-ok.xml"))
                } else {
                    // (b)
                    assert_eq!(
                        encoded,
                        Err(EncodeError::InvalidValue { field: "FaultCode", reason: facet.describe() }),
                        "{site:?} {c} in {v}"
                    );
                    (patch_code(&base, site, &c.to_string()), format!("{site:?}-{v}-{c}-bad.xml"))
                };
                let p = dir.join(file);
                std::fs::write(&p, &wire).unwrap();
                cases.push((p, allowed, "FaultCode"));
                // (c)
                let tolerant = decode(&wire, false).unwrap_or_else(|e| panic!("{site:?} {c} in {v}: {e}"));
                assert_eq!(site.code_of(&tolerant), FaultCode::new(c));
                match decode(&wire, true) {
                    Ok(strict) if allowed => assert_eq!(strict, tolerant),
                    Err(e) if !allowed => {
                        assert_eq!(e.kind, DecodeErrorKind::Facet { field: "FaultCode", facet }, "{site:?} {c} in {v}")
                    }
                    other => panic!("{site:?} {c} in {v}: strict decode gave {other:?}"),
                }
            }
        }
    }
    assert_schema_verdicts(&cases);
    std::fs::remove_dir_all(&dir).ok();
}

/// Fault codes in other lexical forms: `xs:unsignedInt` takes surrounding
/// white space and leading zeros but no sign.
#[test]
fn fault_code_literals_follow_the_schema() {
    let dir = scratch("fault-literals");
    let mut cases = Vec::new();
    for (literal, valid) in [("09002", true), (" 9002\n", true), ("0009002", true), ("+9002", false), ("+0", false)] {
        for v in NAMESPACES {
            let site = Site::Transfer;
            let wire = patch_code(&placeholder_wire(site, v), site, literal);
            let p = dir.join(format!("{v}-{}.xml", literal.trim()));
            std::fs::write(&p, &wire).unwrap();
            cases.push((p, valid, "FaultCode"));
            let tolerant = decode(&wire, false).unwrap();
            assert_eq!(site.code_of(&tolerant), FaultCode::new(literal.trim().parse().unwrap()));
            let strict = decode(&wire, true);
            if valid {
                assert_eq!(strict.unwrap(), tolerant, "{literal:?}");
            } else {
                assert_eq!(
                    strict.unwrap_err().kind,
                    DecodeErrorKind::Facet { field: "FaultCode", facet: Facet::TransferFaultCode }
                );
            }
        }
    }
    assert_schema_verdicts(&cases);
    std::fs::remove_dir_all(&dir).ok();
}

/// The rules differ between namespaces: the same message is valid in one and
/// not in another, and strict decoding follows the namespace of the document.
#[test]
fn strict_decoding_checks_fault_codes_in_the_document_namespace() {
    for (site, c, valid_in) in [
        (Site::Transfer, 9021, &[CwmpVersion::V1_1][..]),
        (Site::Transfer, 9850, &[CwmpVersion::V1_1, CwmpVersion::V1_2][..]),
        (Site::Transfer, 9020, &[CwmpVersion::V1_1, CwmpVersion::V1_2][..]),
        (Site::Detail, 9019, &[CwmpVersion::V1_1, CwmpVersion::V1_2][..]),
        (Site::Detail, 8006, &[CwmpVersion::V1_1, CwmpVersion::V1_2][..]),
        (Site::Spv, 8000, &[CwmpVersion::V1_0, CwmpVersion::V1_1][..]),
    ] {
        for v in NAMESPACES {
            let wire = patch_code(&placeholder_wire(site, v), site, &c.to_string());
            assert_eq!(decode(&wire, true).is_ok(), valid_in.contains(&v), "{site:?} {c} in {v}");
            assert_eq!(encode(&envelope(v, site.body(c))).is_ok(), valid_in.contains(&v), "{site:?} {c} in {v}");
        }
    }
    // The conventional fault constructor cannot smuggle a code the schema forbids.
    let f = cwmp_soap::Fault::new(FaultCode::NO_FAULT);
    assert_eq!(
        encode(&envelope(CwmpVersion::V1_4, Body::Fault(f))),
        Err(EncodeError::InvalidValue { field: "FaultCode", reason: Facet::FaultCode.describe() })
    );
    let f = cwmp_soap::Fault::new(FaultCode::ACS_VERSION_INCOMPATIBLE);
    assert!(encode(&envelope(CwmpVersion::V1_0, Body::Fault(f))).is_err());
    assert!(encode(&envelope(CwmpVersion::V1_4, Body::Fault(f))).is_ok());
}

/// Every code around the CWMP ranges, in one document per site and
/// namespace (SOAP Body and detail take any number of elements): the facet
/// allows exactly the codes xmllint accepts.
#[test]
fn fault_code_facets_match_the_schemas_exhaustively() {
    let codes: Vec<u16> = (0..=20).chain(7990..=9910).chain([10000, 65535]).collect();
    let dir = scratch("fault-exhaustive");
    let mut docs = Vec::new();
    for site in SITES {
        for v in NAMESPACES.into_iter().filter(|v| *v >= site.since()) {
            let wire = placeholder_wire(site, v);
            let (open, close) = site.unit();
            let start = wire.find(open).unwrap();
            let end = wire.rfind(close).unwrap() + close.len();
            let unit = &wire[start..end];
            assert!(!wire.contains('\n'), "the encoder writes one line");
            // Line 1: up to the first unit; line n + 2: code n; then the rest.
            let mut doc = wire[..start].to_string();
            for &c in &codes {
                doc.push('\n');
                doc.push_str(&patch_code(unit, site, &c.to_string()));
            }
            doc.push('\n');
            doc.push_str(&wire[end..]);
            let p = dir.join(format!("{site:?}-{v}.xml"));
            std::fs::write(&p, &doc).unwrap();
            docs.push((p, site, v));
        }
    }
    let files: Vec<PathBuf> = docs.iter().map(|(p, _, _)| p.clone()).collect();
    let errors = schema_errors(&files);
    for (path, site, v) in &docs {
        let reported = errors.get(path).map(Vec::as_slice).unwrap_or_default();
        assert!(reported.iter().all(|(_, e)| e == "FaultCode"), "{}: {reported:?}", path.display());
        let rejected: BTreeSet<u16> = reported.iter().map(|(line, _)| codes[line - 2]).collect();
        for &c in &codes {
            let schema = !rejected.contains(&c);
            assert_eq!(site.facet().allows_fault_code(FaultCode::new(c), *v), schema, "{site:?} {c} in {v}");
            assert_eq!(site.facet().check(&c.to_string(), *v), schema, "{site:?} {c} in {v}");
            assert_eq!(schema_allows(*site, *v, c), schema, "transcription: {site:?} {c} in {v}");
        }
        // And the rest of each document is valid: only FaultCode elements failed.
        assert_eq!(rejected.len(), reported.len(), "{}", path.display());
    }
    std::fs::remove_dir_all(&dir).ok();
}

// ---------------------------------------------------------------- InstanceNumber

/// `AddObjectResponse.InstanceNumber` is an unsignedInt with minInclusive 1
/// in every namespace: 0 is refused on encode and reported in strict
/// decoding, and xmllint agrees on both sides of the boundary.
#[test]
fn instance_number_is_at_least_one() {
    let dir = scratch("instance");
    let mut cases = Vec::new();
    for v in NAMESPACES {
        let rpc = |n| Rpc::AddObjectResponse(AddObjectResponse { instance_number: n, status: 0 });
        let one = encode(&envelope(v, Body::Rpc(rpc(1)))).unwrap();
        assert!(decode(&one, true).is_ok());
        assert!(matches!(
            encode(&envelope(v, Body::Rpc(rpc(0)))),
            Err(EncodeError::InvalidValue { field: "InstanceNumber", .. })
        ));
        let zero = replace_once(&one, "<InstanceNumber>1</InstanceNumber>", "<InstanceNumber>0</InstanceNumber>");
        let err = decode(&zero, true).unwrap_err();
        assert!(matches!(err.kind, DecodeErrorKind::Facet { field: "InstanceNumber", .. }), "{err}");
        assert!(decode(&zero, false).is_ok());
        for (wire, valid) in [(one, true), (zero, false)] {
            let p = dir.join(format!("{}-{valid}.xml", v.as_str()));
            std::fs::write(&p, wire).unwrap();
            cases.push((p, valid, "InstanceNumber"));
        }
    }
    assert_schema_verdicts(&cases);
}
