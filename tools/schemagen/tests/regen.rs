//! The committed tables are exactly what the generator produces from the XML.

#[test]
fn committed_tables_match_generator_output() {
    for job in cwmp_schemagen::JOBS {
        let generated = cwmp_schemagen::generate_job(&job).unwrap_or_else(|e| panic!("{}: {e}", job.xml));
        let path = cwmp_schemagen::output_dir().join(job.module);
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if generated != committed {
            let line = generated.lines().zip(committed.lines()).position(|(a, b)| a != b);
            panic!(
                "{} differs from the generator's output (first differing line: {:?}); run `cargo run -p cwmp-schemagen`",
                path.display(),
                line.map(|l| l + 1)
            );
        }
    }
}

#[test]
fn generator_is_deterministic() {
    let job = cwmp_schemagen::JOBS[1];
    let a = cwmp_schemagen::generate_job(&job).unwrap();
    let b = cwmp_schemagen::generate_job(&job).unwrap();
    assert_eq!(a, b);
}

#[test]
fn generator_reports_bad_input_with_location() {
    let bad = r#"<dm:document xmlns:dm="urn:x"><model name="Device:2.0">
        <object name="Device." access="readOnly" minEntries="one" maxEntries="1"/></model></dm:document>"#;
    let err = cwmp_schemagen::generate(bad, "bad.xml").unwrap_err();
    assert!(err.contains("line 2") && err.contains("minEntries"), "{err}");
    let err = cwmp_schemagen::generate("<a><!DOCTYPE x></a>", "dtd.xml").unwrap_err();
    assert!(err.contains("dtd.xml"), "{err}");
}
