//! The `inspect` binary end to end: the README's main-job invocation, the
//! failure report, `--json` read back by a JSON parser, `--verbose`, `-` on
//! stdin, empty input, and `--reencode` output piped into the official
//! schema validator.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn inspect(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_inspect")).args(args).output().expect("run inspect")
}

fn inspect_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_inspect"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run inspect");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn corpus(rel: &str) -> String {
    cwmp_testkit::corpus::path(rel).to_string_lossy().into_owned()
}

/// The corpus files below `rel`, as the strings inspect is given.
fn corpus_files(rel: &str) -> Vec<String> {
    cwmp_testkit::corpus::files(rel, &[".xml", ".http"]).iter().map(|p| p.to_string_lossy().into_owned()).collect()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// The summary line (the last line of a stream).
fn summary(stream: &str) -> &str {
    stream.lines().last().unwrap_or_default()
}

#[test]
fn every_real_device_message_decodes_one_line_each_and_a_summary() {
    let files = corpus_files("messages/real");
    assert!(files.len() >= 29, "{} files", files.len());
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let out = inspect(&args);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.lines().count(), files.len() + 1, "one line per file and the summary:\n{stdout}");
    // `FILE: <Method> cwmp-1-N id=<ID>`, method named by the file name.
    for (line, file) in stdout.lines().zip(&files) {
        let rest = line.strip_prefix(&format!("{file}: ")).unwrap_or_else(|| panic!("{line}"));
        let method = rest.split(' ').next().unwrap();
        let name = std::path::Path::new(file).file_name().unwrap().to_string_lossy();
        assert!(name.contains(&format!("-{method}-")), "{name}: decoded as {method}");
        assert!(rest.contains(" cwmp-1-0 id="), "{line}");
    }
    let zte = stdout.lines().find(|l| l.contains("zte-f600w")).unwrap();
    assert!(zte.ends_with("Inform cwmp-1-0 id=1"), "{zte}");
    // A Thomson BANT dump has a stale Content-Length and an encodingStyle on
    // its Envelope: not clean data, so the line says it has notes.
    let bant = stdout.lines().find(|l| l.contains("thomson-bant-r-Inform-1.http")).unwrap();
    assert!(bant.ends_with("(2 notes: --verbose shows them)"), "{bant}");
    let s = summary(&stdout);
    assert!(s.starts_with(&format!("inspect: {n} files, {n} decoded (", n = files.len())), "{s}");
    assert!(s.contains(", 0 failed (") && s.contains("Inform 13)") && s.contains("Fault 5,"), "{s}");
}

#[test]
fn truncated_message_fails_naming_file_and_offset() {
    let bogus = corpus("messages/thirdparty-fixtures/jdalberg-cwmp/bogus_inform_1.xml");
    let good = corpus("messages/real/zte-f600w-Inform-1.xml");
    let out = inspect(&[&good, &bogus]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&bogus) && stderr.contains("error at byte "), "{stderr}");
    // The good file is still reported, and the summary counts both.
    let stdout = text(&out.stdout);
    assert!(stdout.contains("zte-f600w-Inform-1.xml: Inform"));
    assert_eq!(summary(&stdout), "inspect: 2 files, 1 decoded (0 with notes), 1 failed (Inform 1)");
}

/// `--json` writes one JSON object per file that a JSON parser reads back
/// with the decoded values: strings, numbers, dateTimes as sent, lists,
/// typed parameter values, and the notes of a repaired message.
#[test]
fn json_output_reads_back_with_the_decoded_values() {
    let zyxel = corpus("messages/real/zyxel-vmg8924-Inform-1.xml");
    let cytco = corpus("messages/real/cytco-bcm-Inform-badtime-1.xml");
    let fault = corpus("messages/real/thomson-bant-r-Fault-1.http");
    let out = inspect(&["--json", &zyxel, &cytco, &fault]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docs: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    assert_eq!(docs.len(), 3, "stdout holds only the JSON documents");

    let z = &docs[0];
    assert_eq!(z["file"], zyxel.as_str());
    assert_eq!(z["method"], "Inform");
    assert_eq!(z["namespace"], "urn:dslforum-org:cwmp-1-0");
    assert_eq!(z["header"]["id"], "844317904");
    assert_eq!(z["header"]["hold_requests"], serde_json::Value::Null);
    let b = &z["body"];
    assert_eq!(b["device_id"]["manufacturer"], "ZyXEL");
    assert_eq!(b["device_id"]["oui"], "4C9EFF");
    assert_eq!(b["event"][0]["event_code"], "6 CONNECTION REQUEST");
    assert_eq!(b["max_envelopes"], 1);
    assert_eq!(b["retry_count"], 0);
    assert_eq!(b["current_time"], "2016-01-30T13:20:27+01:00");
    let p = &b["parameter_list"];
    assert_eq!(p[1]["name"], "InternetGatewayDevice.DeviceInfo.SpecVersion");
    assert_eq!(p[1]["value"], serde_json::json!({"text": "1.0", "type": "xsd:string"}));
    assert_eq!(p.as_array().unwrap().len(), 8, "arrayType=\"cwmp:ParameterValueStruct[0008]\"");
    assert_eq!(z["notes"], serde_json::json!([]));

    // The device sent `2019-03-05T11:54::14`: the repaired time is there, and
    // so is a note saying it was repaired.
    let c = &docs[1];
    assert_eq!(c["body"]["current_time"], "2019-03-05T11:54:14");
    let notes: Vec<&str> = c["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(notes.iter().any(|n| n.contains("current_time") && n.contains("malformed dateTime")), "{notes:?}");

    let f = &docs[2];
    assert_eq!(f["method"], "Fault");
    assert_eq!(f["body"]["faultcode"], "Client");
    assert_eq!(f["body"]["detail"]["fault_code"], 9001);
    assert_eq!(f["body"]["detail"]["fault_string"], "Request Denied");
    assert!(f["notes"][0].as_str().unwrap().starts_with("Content-Length 740 but 741 bytes"), "{}", f["notes"]);

    // The per-file lines and the summary went to stderr.
    assert_eq!(summary(&text(&out.stderr)), "inspect: 3 files, 3 decoded (2 with notes), 0 failed (Fault 1, Inform 2)");
}

/// `--verbose` lists one `path: value` line per field and list entry, with
/// values as text, not `Debug` structures.
#[test]
fn verbose_lists_each_field_as_text() {
    let out = inspect(&["--verbose", &corpus("messages/real/zyxel-vmg8924-Inform-1.xml")]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    for expected in [
        "  version: 1.0",
        "  id: 844317904",
        "  device_id.manufacturer: ZyXEL",
        "  event[0].event_code: 6 CONNECTION REQUEST",
        "  max_envelopes: 1",
        "  current_time: 2016-01-30T13:20:27+01:00",
        "  parameter_list[1].name: InternetGatewayDevice.DeviceInfo.SpecVersion",
        "  parameter_list[1].value: 1.0 (xsd:string)",
    ] {
        assert!(lines.contains(&expected), "missing {expected:?} in\n{stdout}");
    }
    assert!(!stdout.contains(" { ") && !stdout.contains("Some(") && !stdout.contains("Known("), "Debug in\n{stdout}");
    // 8 parameters, two lines each.
    assert_eq!(lines.iter().filter(|l| l.starts_with("  parameter_list[")).count(), 16);
}

#[test]
fn dash_reads_standard_input() {
    let msg = cwmp_testkit::corpus::read("messages/real/zte-f600w-Inform-1.xml");
    let out = inspect_stdin(&["-"], &msg);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().next(), Some("<stdin>: Inform cwmp-1-0 id=1"), "{stdout}");
    // An HTTP dump on stdin is unwrapped too.
    let dump = cwmp_testkit::corpus::read("messages/real/thomson-st780-Inform-chunked-1.http");
    let out = inspect_stdin(&["--json", "-"], &dump);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["method"], "Inform");
}

/// An empty file or an HTTP message with an empty body is no message: it is
/// reported as such and fails, unless `--accept-empty`.
#[test]
fn empty_input_is_reported_and_fails_unless_accepted() {
    let dir = std::env::temp_dir().join(format!("inspect-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.xml");
    std::fs::write(&empty, b"").unwrap();
    let empty = empty.to_string_lossy().into_owned();
    let post = corpus("messages/simulator/genieacs-sim-session-1/002-cpe.http");

    let out = inspect(&[&empty, &post]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("{empty}: empty file; not a message")), "{stderr}");
    assert!(stderr.contains(&format!("{post}: empty HTTP body")), "{stderr}");
    assert_eq!(summary(&text(&out.stdout)), "inspect: 2 files, 0 decoded (0 with notes), 0 failed, 2 empty");

    let out = inspect(&["--accept-empty", &empty, &post]);
    assert!(out.status.success());
    assert!(summary(&text(&out.stdout)).ends_with(", 2 empty (accepted)"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn help_describes_every_option_and_unknown_options_print_the_usage() {
    let out = inspect(&["--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for opt in ["--verbose", "--json", "--reencode", "--accept-empty", "--quiet", "`-` reads standard input"] {
        assert!(help.contains(opt), "{opt} not in\n{help}");
    }
    let out = inspect(&["--frobnicate", "x.xml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("--frobnicate") && stderr.contains("Usage: inspect [OPTIONS] <FILE>..."), "{stderr}");
    assert_eq!(inspect(&[]).status.code(), Some(2), "no FILE is a usage error");
}

/// `inspect --reencode f | xsd-validate` works: stdout holds only the XML
/// envelope, and it is valid against the official schema.
#[test]
fn reencoded_output_piped_into_the_schema_validator_is_valid() {
    let out = inspect(&["--reencode", &corpus("messages/real/zyxel-vmg8924-Inform-1.xml")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("<SOAP-ENV:Envelope") && stdout.trim_end().ends_with("</SOAP-ENV:Envelope>"),
        "{stdout}"
    );
    assert!(summary(&text(&out.stderr)).starts_with("inspect: 1 files, 1 decoded"));
    // `xsd-validate -` reads the pipe.
    let mut v = cwmp_testkit::tools::xsd_validate()
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    v.stdin.take().unwrap().write_all(&out.stdout).unwrap();
    let v = v.wait_with_output().unwrap();
    assert!(v.status.success(), "{}{}", String::from_utf8_lossy(&v.stdout), String::from_utf8_lossy(&v.stderr));
}

/// Every corpus message that decodes lists as JSON (the field tree reads
/// the `Debug` form of every RPC type the corpus holds): no "internal"
/// failure, one parseable document per decoded or empty file.
#[test]
fn every_corpus_message_lists_as_json() {
    let files = corpus_files("messages");
    let mut args = vec!["--json", "--accept-empty"];
    args.extend(files.iter().map(String::as_str));
    let out = inspect(&args);
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("internal"), "{stderr}");
    let docs: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let failed = stderr.lines().filter(|l| l.contains(": error at ") || l.contains(": HTTP: ")).count();
    assert_eq!(docs.len() + failed, files.len(), "{stderr}");
    assert!(docs.len() > 160, "{}", docs.len());
    assert!(docs.iter().all(|d| d["empty"] == true || d["body"].is_object()), "every message has a body object");
}
