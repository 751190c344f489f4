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

use crate::http::Framing;

/// The corpus root: `$CWMP_CORPUS`, or `shared/corpus` beside the workspace.
/// Panics, naming where it looked, when that directory does not exist: a
/// test over the corpus must not pass on zero files.
#[track_caller]
pub fn root() -> PathBuf {
    let (root, how) = match std::env::var_os("CWMP_CORPUS") {
        Some(dir) => (PathBuf::from(dir), "from CWMP_CORPUS"),
        // testkit/ is one level below the workspace root.
        None => (Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"), "CWMP_CORPUS unset, default"),
    };
    assert!(
        root.is_dir(),
        "test corpus not found at {} ({how}): tests read it in place; put it at ../shared/corpus beside \
         the workspace or set CWMP_CORPUS to its directory",
        root.display()
    );
    root
}

/// A path below the corpus root.
#[track_caller]
pub fn path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// Reads a corpus file; panics with the path when it is missing.
#[track_caller]
pub fn read(rel: &str) -> Vec<u8> {
    let p = path(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("corpus file {}: {e}", p.display()))
}

/// Every file below `rel` (recursively) whose name ends with one of `exts`,
/// sorted, as paths. Panics when the directory is missing or holds no such
/// file, so a loop over the result never passes vacuously.
#[track_caller]
pub fn files(rel: &str, exts: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
        let rd = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("corpus directory {}: {e}", dir.display()));
        for e in rd {
            let p = e.unwrap_or_else(|e| panic!("corpus directory {}: {e}", dir.display())).path();
            if p.is_dir() {
                walk(&p, exts, out);
            } else if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| exts.iter().any(|x| n.ends_with(x))) {
                out.push(p);
            }
        }
    }
    let dir = path(rel);
    let mut out = Vec::new();
    walk(&dir, exts, &mut out);
    assert!(!out.is_empty(), "no {exts:?} files below {} (CWMP_CORPUS or ../shared/corpus)", dir.display());
    out.sort();
    out
}

/// The SOAP body of a corpus message file, read by [`crate::http::soap_body`]
/// as a dump ([`Framing::Dump`]): the file itself for raw SOAP; for an HTTP
/// dump every byte after the head, de-chunked when the head says
/// `Transfer-Encoding: chunked`. Panics naming the file when it does not read.
#[track_caller]
pub fn soap_body(file: &Path) -> Vec<u8> {
    let raw = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    match crate::http::soap_body(&raw, Framing::Dump) {
        Ok(u) => u.body.into_owned(),
        Err(e) => panic!("{}: {e}", file.display()),
    }
}
