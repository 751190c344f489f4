//! Paths into the shared test corpus.
//!
//! The corpus lives outside the repository, beside it, at `../shared/corpus`
//! (read in place, never copied). Set `CWMP_CORPUS` to use another location.
//!
//! ```no_run
//! let inform = cwmp_testkit::corpus::path("messages/real/zte-f600w-Inform-1.xml");
//! assert!(inform.exists());
//! ```

use std::path::{Path, PathBuf};

/// The corpus root: `$CWMP_CORPUS`, or `shared/corpus` beside the workspace.
pub fn root() -> PathBuf {
    if let Some(dir) = std::env::var_os("CWMP_CORPUS") {
        return PathBuf::from(dir);
    }
    // testkit/ is one level below the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

/// A path below the corpus root.
pub fn path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// Reads a corpus file; panics with the path when it is missing.
pub fn read(rel: &str) -> Vec<u8> {
    let p = path(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("corpus file {}: {e}", p.display()))
}

/// Every file below `rel` (recursively) whose name ends with one of `exts`,
/// sorted, as paths.
pub fn files(rel: &str, exts: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, exts, out);
            } else if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| exts.iter().any(|x| n.ends_with(x))) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&path(rel), exts, &mut out);
    out.sort();
    out
}

/// The SOAP body of a corpus message file: the file itself for `.xml`; for a
/// `.http` dump, the bytes after the first blank line (CRLF or LF), de-chunked
/// when the head says `Transfer-Encoding: chunked`.
pub fn soap_body(file: &Path) -> Vec<u8> {
    let raw = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    if file.extension().and_then(|e| e.to_str()) != Some("http") {
        return raw;
    }
    let (head, body) = split_head(&raw).unwrap_or_else(|| panic!("{}: no end of HTTP head", file.display()));
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    if head.lines().any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked")) {
        dechunk(body).unwrap_or_else(|| panic!("{}: bad chunked body", file.display()))
    } else {
        body.to_vec()
    }
}

fn split_head(raw: &[u8]) -> Option<(&[u8], &[u8])> {
    for i in 0..raw.len() {
        if raw[i..].starts_with(b"\r\n\r\n") {
            return Some((&raw[..i], &raw[i + 4..]));
        }
        if raw[i..].starts_with(b"\n\n") {
            return Some((&raw[..i], &raw[i + 2..]));
        }
        if raw[i..].starts_with(b"\n\r\n") {
            return Some((&raw[..i], &raw[i + 3..]));
        }
    }
    None
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = b.iter().position(|&c| c == b'\n')?;
        let line = std::str::from_utf8(&b[..eol]).ok()?.trim();
        let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
        b = &b[eol + 1..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size..)?;
        b = b.strip_prefix(b"\r\n").or_else(|| b.strip_prefix(b"\n"))?;
    }
}
