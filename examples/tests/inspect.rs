//! The `inspect` binary end to end: the README's main-job invocation, the
//! failure report, and `--reencode` output that validates against the schema.

use std::process::Command;

fn inspect(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_inspect")).args(args).output().expect("run inspect")
}

fn corpus(rel: &str) -> String {
    cwmp_testkit::corpus::path(rel).to_string_lossy().into_owned()
}

#[test]
fn every_real_device_message_decodes() {
    let files: Vec<String> = cwmp_testkit::corpus::files("messages/real", &[".xml", ".http"])
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert!(files.len() >= 29, "{} files", files.len());
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let out = inspect(&args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.lines().count(), files.len());
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
}

#[test]
fn truncated_message_fails_naming_file_and_offset() {
    let bogus = corpus("messages/thirdparty-fixtures/jdalberg-cwmp/bogus_inform_1.xml");
    let good = corpus("messages/real/zte-f600w-Inform-1.xml");
    let out = inspect(&[&good, &bogus]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&bogus) && stderr.contains("byte "), "{stderr}");
    // The good file is still reported.
    assert!(String::from_utf8_lossy(&out.stdout).contains("zte-f600w-Inform-1.xml: Inform"));
}

#[test]
fn reencoded_output_is_schema_valid() {
    let validator = cwmp_testkit::corpus::root().join("../tools/xsd-validate");
    if Command::new("xmllint").arg("--version").output().is_err() {
        eprintln!("SKIPPED: xmllint not installed (apt-get install libxml2-utils); .ci/run installs it");
        return;
    }
    let out = inspect(&["--reencode", &corpus("messages/real/zyxel-vmg8924-Inform-1.xml")]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let xml = &stdout[stdout.find("<SOAP-ENV:Envelope").expect("re-encoded envelope on stdout")..];
    let path = std::env::temp_dir().join(format!("inspect-reencode-{}.xml", std::process::id()));
    std::fs::write(&path, xml).unwrap();
    let v = Command::new("bash").arg(&validator).arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(v.status.success(), "{}{}", String::from_utf8_lossy(&v.stdout), String::from_utf8_lossy(&v.stderr));
}
