//! HTTP authentication for both CWMP roles, Sans-IO and without allocation.
//!
//! - [`params`]: the header grammar (challenges, credentials), with `nom`.
//! - [`client`]: [`ClientAuth`] answers Basic and Digest challenges.
//! - [`verifier`]: [`DigestVerifier`] issues challenges and verifies
//!   credentials; [`verify_basic`] checks Basic.
//! - [`hash`]: the RFC 7616 computations and a constant-time compare.
//!
//! A client answering a challenge from our own verifier:
//!
//! ```
//! use cwmp_session::auth::{ClientAuth, ClientPolicy, Credentials, DigestVerifier, Verdict, VerifierConfig};
//! use cwmp_session::http::{head::Method, write::HeadWriter};
//!
//! let cfg = VerifierConfig::new("cpe");
//! let mut server = DigestVerifier::<4>::new();
//! let mut buf = [0u8; 256];
//! let mut w = HeadWriter::new(&mut buf);
//! server.challenge(&cfg, 1000, &[7; 16], false, &mut w)?;
//! let line = w.written();
//! let challenge = &line[b"WWW-Authenticate: ".len()..line.len() - 2];
//!
//! let mut client = ClientAuth::new(ClientPolicy::default());
//! client.on_challenge([challenge], false, &[9; 16]).unwrap();
//! let creds = Credentials { username: "acs", password: "secret" };
//! let mut out = [0u8; 512];
//! let mut w = HeadWriter::new(&mut out);
//! client.write_authorization(&mut w, Method::Get, "/cr/x1", &creds).unwrap();
//! let line = w.written();
//! let authorization = &line[b"Authorization: ".len()..line.len() - 2];
//!
//! let verdict = server.verify(&cfg, 1001, "GET", "/cr/x1", authorization, |u| (u == "acs").then_some("secret"));
//! assert_eq!(verdict, Ok(Verdict::Authorized));
//! # Ok::<(), cwmp_session::http::HttpError>(())
//! ```

mod base64;
pub mod client;
pub mod hash;
pub mod params;
pub mod verifier;

pub use client::{ClientAuth, ClientPolicy, Credentials};
pub use hash::Algorithm;
pub use verifier::{DigestVerifier, Verdict, VerifierConfig, verify_basic};

use crate::http::HttpError;

/// Why authentication failed or a header was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AuthError {
    /// The header does not follow the grammar at byte `at`.
    #[error("malformed auth header at byte {at}: {what}")]
    Malformed {
        /// Offset into the header value (0 when not known).
        at: usize,
        /// What was expected.
        what: &'static str,
    },
    /// A value or the parameter count is over its cap.
    #[error("auth header {what} too long")]
    TooLong {
        /// What was too long.
        what: &'static str,
    },
    /// A parameter appears twice.
    #[error("duplicate auth parameter {name}")]
    DuplicateParam {
        /// The parameter.
        name: &'static str,
    },
    /// A required parameter is missing.
    #[error("missing auth parameter {name}")]
    MissingParam {
        /// The parameter.
        name: &'static str,
    },
    /// The Digest algorithm is not supported (or not the one required).
    #[error("unsupported Digest algorithm")]
    UnsupportedAlgorithm,
    /// `qop` offers no `auth` (or credentials use another qop).
    #[error("unsupported Digest qop")]
    UnsupportedQop,
    /// `userhash=true` is not implemented.
    #[error("Digest userhash not supported")]
    UserhashUnsupported,
    /// No challenge with a scheme we can answer.
    #[error("no usable challenge")]
    NoUsableChallenge,
    /// Basic over a connection without TLS, not allowed by the policy.
    #[error("Basic authentication refused without TLS")]
    BasicWithoutTls,
    /// The credentials were refused (wrong, unknown user, second 401).
    #[error("authentication rejected")]
    Rejected,
    /// An `nc` not above the last one seen for the nonce.
    #[error("replayed nonce count")]
    Replay,
    /// The `uri` parameter is not the request target.
    #[error("Digest uri does not match the request")]
    UriMismatch,
    /// The credentials use another scheme than the one verified.
    #[error("wrong auth scheme")]
    WrongScheme,
    /// A user name the header cannot carry (`:` in a Basic user name).
    #[error("credentials not representable")]
    BadCredentials,
    /// Writing the header failed.
    #[error("writing auth header: {0}")]
    Http(#[from] HttpError),
}
