//! Decodes CWMP messages and prints one line per file.
//!
//! ```text
//! cargo run --release -p cwmp-examples --bin inspect -- [--verbose] [--reencode] FILE...
//! ```
//!
//! Each FILE is raw SOAP or a whole HTTP message (Content-Length or chunked).
//! Prints `FILE: <Method> cwmp-1-N id=<ID>`; `--verbose` adds the typed
//! fields, `--reencode` writes the message re-encoded by our encoder to
//! stdout. Exits 0 when every file decodes, 1 otherwise (each failure names
//! the file, the byte offset and what was wrong), 2 on usage errors.

use std::io::Write;
use std::process::ExitCode;

use cwmp_soap::{Body, Envelope, Rpc};

fn main() -> ExitCode {
    let mut verbose = false;
    let mut reencode = false;
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--verbose" | "-v" => verbose = true,
            "--reencode" => reencode = true,
            "--help" | "-h" => {
                println!("usage: inspect [--verbose] [--reencode] FILE...");
                return ExitCode::SUCCESS;
            }
            _ if a.starts_with('-') => {
                eprintln!("inspect: unknown option {a}");
                return ExitCode::from(2);
            }
            _ => files.push(a),
        }
    }
    if files.is_empty() {
        eprintln!("usage: inspect [--verbose] [--reencode] FILE...");
        return ExitCode::from(2);
    }
    let mut ok = true;
    let stdout = std::io::stdout();
    for f in &files {
        if let Err(msg) = inspect(f, verbose, reencode, &mut stdout.lock()) {
            eprintln!("{f}: {msg}");
            ok = false;
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn inspect(file: &str, verbose: bool, reencode: bool, out: &mut impl Write) -> Result<(), String> {
    let raw = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let (body, note) = cwmp_examples::soap_body_of_file(&raw).map_err(|e| e.to_string())?;
    if let Some(note) = note {
        eprintln!("{file}: note: {note}");
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        writeln!(out, "{file}: (empty body)").map_err(|e| e.to_string())?;
        return Ok(());
    }
    let env = Envelope::decode(&body).map_err(|e| format!("error at byte {}: {}", e.offset, e.kind))?;
    let method = match &env.body {
        Body::Rpc(r) => r.name(),
        Body::Fault(_) => "Fault",
    };
    let ns = env.version.namespace().rsplit(':').next().unwrap_or("");
    let id = env.header.id.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
    writeln!(out, "{file}: {method} {ns} id={id}").map_err(|e| e.to_string())?;
    if let Body::Rpc(Rpc::Invalid(i)) = &env.body {
        return Err(format!(
            "{} arguments invalid: error at byte {}: {}",
            i.method.name(),
            i.error.offset,
            i.error.kind
        ));
    }
    if verbose {
        writeln!(out, "  version: {}", env.version).map_err(|e| e.to_string())?;
        writeln!(out, "  header: {:?}", env.header).map_err(|e| e.to_string())?;
        writeln!(out, "  body: {:#?}", env.body).map_err(|e| e.to_string())?;
    }
    if reencode {
        let mut buf = vec![0u8; body.len() * 2 + 4096];
        let n = match env.encode(&mut buf) {
            Err(cwmp_soap::EncodeError::BufferTooSmall { needed }) => {
                buf.resize(needed, 0);
                env.encode(&mut buf)
            }
            r => r,
        }
        .map_err(|e| format!("re-encode: {e}"))?;
        out.write_all(&buf[..n]).and_then(|()| writeln!(out)).map_err(|e| e.to_string())?;
    }
    Ok(())
}
