//! Regenerates `cwmp-model/src/schema/generated/{tr181,tr098}.rs`.
//!
//! `cargo run -p cwmp-schemagen` writes the files; `-- --check` only compares
//! and exits with status 1 when a committed file differs.

use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let mut ok = true;
    for job in cwmp_schemagen::JOBS {
        let text = match cwmp_schemagen::generate_job(&job) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        let out = cwmp_schemagen::output_dir().join(job.module);
        if check {
            let same = std::fs::read_to_string(&out).is_ok_and(|old| old == text);
            println!("{}: {}", out.display(), if same { "up to date" } else { "DIFFERS" });
            ok &= same;
        } else if let Err(e) = std::fs::write(&out, &text) {
            eprintln!("error: {}: {e}", out.display());
            return ExitCode::FAILURE;
        } else {
            println!("wrote {} ({} bytes)", out.display(), text.len());
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
