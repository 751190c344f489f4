//! Helpers shared by the example programs.
//!
//! * [`listing`]: a decoded message as named fields, one line each or JSON.
//! * HTTP: the programs read dumps and captures with the workspace's one
//!   HTTP message reader, [`cwmp_testkit::http::soap_body`] (re-exported
//!   here with its types), so a tool and the tests never disagree on where a
//!   body starts.

pub mod acs;
pub mod listing;

pub use cwmp_testkit::http::{Framing, HttpError, Unwrapped, soap_body};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every HTTP dump of the corpus unwraps as a dump, and as a peer would
    /// read it (trusting Content-Length) to a prefix of that body: the
    /// Thomson BANT dumps carry one `\n` more than their length, the
    /// MikroTik one was edited by hand; the others agree exactly.
    #[test]
    fn corpus_http_dumps_unwrap_as_dumps_and_as_the_wire() {
        let files = cwmp_testkit::corpus::files("messages", &[".http"]);
        assert!(files.len() >= 20, "{} .http dumps", files.len());
        let mut stale = Vec::new();
        for f in &files {
            let raw = std::fs::read(f).unwrap();
            let dump = soap_body(&raw, Framing::Dump).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert!(dump.http, "{}", f.display());
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if dump.note.is_some() {
                stale.push(name.clone());
            }
            match soap_body(&raw, Framing::Wire) {
                Ok(wire) => assert!(dump.body.starts_with(&wire.body), "{name}"),
                Err(e) => assert!(dump.note.is_some(), "{name}: {e}"),
            }
        }
        assert!(stale.iter().all(|n| n.starts_with("thomson-bant-") || n.starts_with("mikrotik-")), "{stale:?}");
        assert!(stale.len() >= 10, "{stale:?}");
    }
}
