//! Decodes CWMP messages (raw SOAP or whole HTTP messages) and reports
//! each: one line per file, the decoded fields, JSON, or the message
//! re-encoded by our encoder. Run with `--help` for the options.
//!
//! Exit status: 0 when every file decodes (or is an empty body accepted with
//! `--accept-empty`), 1 when one does not, 2 on a usage error.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Parser;
use cwmp_examples::listing::Node;
use cwmp_examples::{Framing, Unwrapped};
use cwmp_soap::decode::DecodeOptions;
use cwmp_soap::{Body, Envelope, Rpc};
use serde_json::json;

/// Decodes TR-069 (CWMP) messages with cwmp-soap and reports each file.
///
/// Each FILE is raw SOAP or a whole HTTP/1.1 request or response
/// (Content-Length or chunked; a dump's stale Content-Length is noted and
/// every byte after the head is read). Prints `FILE: <Method> cwmp-1-N
/// id=<ID>` per file and a closing summary. Repairs the tolerant decoder
/// made (a malformed device dateTime, a zero-padded arrayType, ...) and
/// schema violations it accepted are shown as `note:` lines. Byte offsets
/// count from the start of the file; inside a chunked body they are
/// "body byte N".
#[derive(Parser, Debug)]
#[command(name = "inspect", version, after_help = EXIT_HELP)]
struct Args {
    /// After each file's line, every decoded field, one per line
    /// (`path: value`; list entries as `list[i]`).
    #[arg(short, long)]
    verbose: bool,
    /// Print each message as one JSON object per line on stdout (JSON
    /// Lines); the per-file lines and the summary go to stderr.
    #[arg(long, conflicts_with = "reencode")]
    json: bool,
    /// Print only the re-encoded XML envelopes on stdout (so
    /// `inspect --reencode f > out.xml` works); everything else goes to
    /// stderr.
    #[arg(long)]
    reencode: bool,
    /// Count an empty file or empty HTTP body (a CPE's empty POST, "no more
    /// requests") as a success instead of a failure.
    #[arg(long)]
    accept_empty: bool,
    /// Print only failures, notes and the summary, not a line per file.
    #[arg(short, long)]
    quiet: bool,
    /// Files to read; `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<String>,
}

const EXIT_HELP: &str = "Exit status: 0 when every file decodes, 1 when one does not (each failure names the file, \
the byte offset and what was wrong), 2 on a usage error.";

/// What became of one file.
enum Outcome {
    Decoded { method: String, noted: bool },
    Empty,
    Failed,
}

/// Where human-readable lines go: stdout, unless stdout carries data.
struct Report {
    to_stderr: bool,
    quiet: bool,
}

impl Report {
    fn line(&self, s: &str) {
        if self.to_stderr {
            eprintln!("{s}");
        } else {
            println!("{s}");
        }
    }
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let report = Report { to_stderr: args.json || args.reencode, quiet: args.quiet };
    let mut by_method: BTreeMap<String, usize> = BTreeMap::new();
    let (mut failed, mut empty, mut noted) = (0usize, 0usize, 0usize);
    let mut out = std::io::stdout().lock();
    for f in &args.files {
        let name = if f == "-" { "<stdin>" } else { f.as_str() };
        let raw = if f == "-" {
            let mut v = Vec::new();
            std::io::stdin().read_to_end(&mut v).map(|_| v)
        } else {
            std::fs::read(f)
        };
        let outcome = match raw {
            Ok(raw) => inspect(name, &raw, &args, &report, &mut out),
            Err(e) => {
                eprintln!("{name}: cannot read: {e}");
                Outcome::Failed
            }
        };
        match outcome {
            Outcome::Decoded { method, noted: n } => {
                *by_method.entry(method).or_default() += 1;
                noted += usize::from(n);
            }
            Outcome::Empty => empty += 1,
            Outcome::Failed => failed += 1,
        }
    }
    let _ = out.flush();
    let decoded: usize = by_method.values().sum();
    let methods: Vec<String> = by_method.iter().map(|(m, n)| format!("{m} {n}")).collect();
    let empty_note = match (empty, args.accept_empty) {
        (0, _) => String::new(),
        (n, true) => format!(", {n} empty (accepted)"),
        (n, false) => format!(", {n} empty"),
    };
    let summary = format!(
        "inspect: {} files, {decoded} decoded ({noted} with notes), {failed} failed{empty_note}{}",
        args.files.len(),
        if methods.is_empty() { String::new() } else { format!(" ({})", methods.join(", ")) }
    );
    report.line(&summary);
    if failed > 0 || (empty > 0 && !args.accept_empty) { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Where a body offset is in the file: `byte N` from the start of the
/// file, or `body byte N` inside a de-chunked body.
fn position(u: &Unwrapped<'_>, body_offset: usize) -> String {
    match u.body_start {
        Some(start) if u.http => format!("byte {} (body byte {body_offset})", start + body_offset),
        Some(_) => format!("byte {body_offset}"),
        None => format!("body byte {body_offset} (of the de-chunked body)"),
    }
}

fn inspect(name: &str, raw: &[u8], args: &Args, report: &Report, out: &mut impl Write) -> Outcome {
    let u = match cwmp_examples::soap_body(raw, Framing::Dump) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("{name}: {e}");
            return Outcome::Failed;
        }
    };
    if u.body.iter().all(u8::is_ascii_whitespace) {
        let what = match (raw.is_empty(), u.http) {
            (true, _) => "empty file",
            (false, true) => "empty HTTP body (an empty POST: no SOAP message)",
            (false, false) => "no SOAP message (only whitespace)",
        };
        if args.accept_empty {
            if !report.quiet {
                report.line(&format!("{name}: {what}, accepted"));
            }
        } else {
            eprintln!("{name}: {what}; not a message (--accept-empty accepts it)");
        }
        if args.json {
            let _ = writeln!(out, "{}", json!({"file": name, "empty": true, "what": what}));
        }
        return Outcome::Empty;
    }
    let fail = |what: String, offset: usize| {
        eprintln!("{name}: error at {}: {what}", position(&u, offset));
        Outcome::Failed
    };
    let env = match Envelope::decode(&u.body) {
        Ok(env) => env,
        Err(e) => return fail(e.kind.to_string(), e.offset),
    };
    let method = match &env.body {
        Body::Rpc(r) => r.name(),
        Body::Fault(_) => "Fault",
    };
    let ns = env.version.namespace().rsplit(':').next().unwrap_or("");
    let id = env.header.id.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
    if let Body::Rpc(Rpc::Invalid(i)) = &env.body {
        return fail(format!("{} arguments invalid: {}", i.method.name(), i.error.kind), i.error.offset);
    }
    let tree = |v: &dyn std::fmt::Debug| Node::parse(&format!("{v:?}"));
    let (header, body) = match (&env.body, tree(&env.header)) {
        (Body::Rpc(r), Ok(h)) => (h, tree(r)),
        (Body::Fault(f), Ok(h)) => (h, tree(f)),
        (_, Err(e)) => (Node::Bare(String::new()), Err(e)),
    };
    let body = match body {
        Ok(b) => b,
        // A Debug form this reader does not know: a bug here, not in the input.
        Err(e) => return fail(format!("internal: cannot list the decoded fields: {e}"), 0),
    };
    // What was not clean data: a framing repair, the first quirk the
    // tolerant reading accepted (strict reading stops there and names it),
    // a value the schema forbids.
    let mut notes: Vec<String> = u.note.iter().cloned().collect();
    if let Err(e) = Envelope::decode_with(&u.body, None, &DecodeOptions::STRICT) {
        notes.push(format!("repaired at {}: {}", position(&u, e.offset), e.kind));
    }
    if let Some(v) = env.schema_violation() {
        notes.push(format!("accepted a schema violation: {v}"));
    }
    // A dateTime the device did not send as we read it (`11:54::14`, the
    // all-zero time read as Unknown Time): strict reading may have stopped
    // at an earlier quirk, so each is checked against the body's text.
    for (path, text) in body.find("DateTime") {
        if !u.body.windows(text.len()).any(|w| w == text.as_bytes()) {
            notes.push(format!(
                "repaired: {path} is not in the message as {text}; the device sent a malformed dateTime"
            ));
        }
    }
    // The plain listing keeps one line per file; the notes are counted there
    // and shown in full everywhere else.
    let full_notes = args.verbose || report.to_stderr || report.quiet;
    if !report.quiet {
        let count = match notes.len() {
            0 => String::new(),
            _ if full_notes => String::new(),
            1 => " (1 note: --verbose shows it)".to_string(),
            n => format!(" ({n} notes: --verbose shows them)"),
        };
        report.line(&format!("{name}: {method} {ns} id={id}{count}"));
    }
    if full_notes {
        for n in &notes {
            report.line(&format!("{name}: note: {n}"));
        }
    }
    if args.verbose {
        report.line(&format!("  version: {}", env.version));
        for l in header.lines().iter().chain(&body.lines()) {
            report.line(&format!("  {l}"));
        }
    }
    if args.json {
        let j = json!({
            "file": name,
            "method": method,
            "version": env.version.to_string(),
            "namespace": env.version.namespace(),
            "header": header.to_json(),
            "body": body.to_json(),
            "notes": notes,
        });
        if writeln!(out, "{j}").is_err() {
            return Outcome::Failed;
        }
    }
    if args.reencode {
        let mut buf = vec![0u8; u.body.len() * 2 + 4096];
        let n = match env.encode(&mut buf) {
            Err(cwmp_soap::EncodeError::BufferTooSmall { needed }) => {
                buf.resize(needed, 0);
                env.encode(&mut buf)
            }
            r => r,
        };
        match n {
            Ok(n) => {
                if out.write_all(&buf[..n]).and_then(|()| writeln!(out)).is_err() {
                    return Outcome::Failed;
                }
            }
            Err(e) => {
                eprintln!("{name}: re-encode refused: {e}");
                return Outcome::Failed;
            }
        }
    }
    Outcome::Decoded { method: method.to_string(), noted: !notes.is_empty() }
}
