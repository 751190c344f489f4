//! The client side: answers `WWW-Authenticate` challenges with Basic or
//! Digest credentials (the CPE towards its ACS, the ACS towards a CPE's
//! connection-request URL). [`ClientAuth`] is plain data kept for one
//! session; it copies what it needs from the challenge (realm, nonce,
//! opaque) so the response buffer can be reused.
//!
//! Rules enforced here: Basic is refused over plain `http` unless the
//! policy allows it; a Digest challenge with a `qop` list must offer `auth`;
//! without `qop` the RFC 2069 form is sent (no `qop`, `nc`, `cnonce`);
//! `userhash=true` is refused (not implemented); after credentials were
//! sent, another 401 is a hard failure unless it says `stale=true`, which is
//! honoured once (RFC 7616 §3.3) — there is no retry loop.

use heapless::Vec;

use super::AuthError;
use super::base64;
use super::hash::{Algorithm, DigestParts, Hex, QopParts};
use super::params::{self, Value};
use crate::http::head::Method;
use crate::http::write::HeadWriter;

/// Longest realm, nonce or opaque kept from a challenge.
pub const MAX_CHALLENGE_VALUE: usize = 128;

/// The user's credentials.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    /// User name (TR-069: the CPE's `ManagementServer.Username`).
    pub username: &'a str,
    /// Password.
    pub password: &'a str,
}

/// What the client may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ClientPolicy {
    /// Send Basic credentials over a connection that is not TLS (off: Basic
    /// only over TLS, as TR-069 §3.4.4 and SECURITY.md ask).
    pub allow_basic_without_tls: bool,
}

/// The scheme chosen for a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Chosen {
    /// Basic.
    Basic,
    /// Digest with this algorithm.
    Digest(Algorithm),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DigestState {
    algorithm: Algorithm,
    realm: Vec<u8, MAX_CHALLENGE_VALUE>,
    nonce: Vec<u8, MAX_CHALLENGE_VALUE>,
    opaque: Option<Vec<u8, MAX_CHALLENGE_VALUE>>,
    /// `qop=auth` in use (else RFC 2069 form).
    qop: bool,
    /// Requests sent with this nonce.
    nc: u32,
    /// Hex of the caller's random bytes.
    cnonce: [u8; 32],
}

// One value per session, no heap to box into: the size difference is the point.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum Scheme {
    #[default]
    None,
    Basic,
    Digest(DigestState),
}

/// Client authentication state of one session (or one connection request).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientAuth {
    scheme: Scheme,
    policy: ClientPolicy,
    /// Credentials were sent since the last challenge.
    answered: bool,
    /// The one `stale=true` retry was used.
    stale_used: bool,
}

impl ClientAuth {
    /// No credentials yet.
    pub fn new(policy: ClientPolicy) -> ClientAuth {
        ClientAuth { policy, ..ClientAuth::default() }
    }

    /// Basic sent pre-emptively (TR-069 §3.4.4: the CPE should, over TLS);
    /// refused without TLS unless the policy allows it.
    pub fn preemptive_basic(&mut self, tls: bool) -> Result<(), AuthError> {
        if !tls && !self.policy.allow_basic_without_tls {
            return Err(AuthError::BasicWithoutTls);
        }
        self.scheme = Scheme::Basic;
        Ok(())
    }

    /// A non-401 response arrived: the credentials worked, so a later
    /// challenge (the server may re-challenge any time) starts afresh.
    pub fn on_success(&mut self) {
        self.answered = false;
        self.stale_used = false;
    }

    /// Forgets everything (session end).
    pub fn reset(&mut self) {
        *self = ClientAuth::new(self.policy);
    }

    /// Handles a 401: `challenges` are the `WWW-Authenticate` values, `tls`
    /// whether the connection is TLS, `random` fresh caller randomness for
    /// the cnonce. Picks the strongest usable challenge (Digest SHA-256,
    /// then MD5, then Basic). Err means: do not retry.
    pub fn on_challenge<'a>(
        &mut self,
        challenges: impl IntoIterator<Item = &'a [u8]>,
        tls: bool,
        random: &[u8; 16],
    ) -> Result<Chosen, AuthError> {
        let mut best: Option<(usize, Chosen, Option<DigestState>, bool)> = None;
        let mut refusal = AuthError::NoUsableChallenge;
        for header in challenges {
            for item in params::items(header) {
                // A malformed header does not hide a good challenge in
                // another one; it is reported only when nothing is usable.
                let item = match item {
                    Ok(item) => item,
                    Err(e) => {
                        refusal = e;
                        continue;
                    }
                };
                let candidate = if item.is("Digest") {
                    match digest_state(&item, random) {
                        Ok((state, stale)) => {
                            let rank = Algorithm::ALL.iter().position(|a| *a == state.algorithm).unwrap_or(9);
                            (rank, Chosen::Digest(state.algorithm), Some(state), stale)
                        }
                        Err(e) => {
                            refusal = e;
                            continue;
                        }
                    }
                } else if item.is("Basic") {
                    if !tls && !self.policy.allow_basic_without_tls {
                        refusal = AuthError::BasicWithoutTls;
                        continue;
                    }
                    (10, Chosen::Basic, None, false)
                } else {
                    continue;
                };
                if best.as_ref().is_none_or(|b| candidate.0 < b.0) {
                    best = Some(candidate);
                }
            }
        }
        let (_, chosen, state, stale) = best.ok_or(refusal)?;
        if self.answered {
            // We already sent credentials for this challenge round.
            let same_nonce = match (&self.scheme, &state) {
                (Scheme::Digest(old), Some(new)) => old.nonce == new.nonce,
                _ => false,
            };
            if !stale || self.stale_used || same_nonce {
                return Err(AuthError::Rejected);
            }
            self.stale_used = true;
        }
        self.scheme = match state {
            Some(s) => Scheme::Digest(s),
            None => Scheme::Basic,
        };
        self.answered = false;
        Ok(chosen)
    }

    /// Writes the `Authorization` header for a request (nothing before a
    /// challenge or [`preemptive_basic`](Self::preemptive_basic)). `target`
    /// is the request target exactly as in the request line.
    pub fn write_authorization(
        &mut self,
        w: &mut HeadWriter<'_>,
        method: Method,
        target: &str,
        creds: &Credentials<'_>,
    ) -> Result<(), AuthError> {
        match &mut self.scheme {
            Scheme::None => return Ok(()),
            Scheme::Basic => {
                if creds.username.contains(':') {
                    return Err(AuthError::BadCredentials);
                }
                w.header_with("Authorization", |w| {
                    w.value(b"Basic ")?;
                    let mut res = Ok(());
                    let mut feed = |g: &[u8; 4]| {
                        if res.is_ok() {
                            res = w.value(g);
                        }
                    };
                    let mut carry = Vec::<u8, 3>::new();
                    // Encode "user:password" without a joined copy: carry
                    // the remainder of each part into the next.
                    for part in [creds.username.as_bytes(), b":", creds.password.as_bytes()] {
                        let mut p = part;
                        while !p.is_empty() {
                            if carry.is_empty() && p.len() >= 3 {
                                let whole = p.len() / 3 * 3;
                                base64::encode(p.get(..whole).unwrap_or(&[]), &mut feed);
                                p = p.get(whole..).unwrap_or(&[]);
                            } else {
                                let take = (3 - carry.len()).min(p.len());
                                let _ = carry.extend_from_slice(p.get(..take).unwrap_or(&[]));
                                p = p.get(take..).unwrap_or(&[]);
                                if carry.len() == 3 {
                                    base64::encode(&carry, &mut feed);
                                    carry.clear();
                                }
                            }
                        }
                    }
                    base64::encode(&carry, &mut feed);
                    res
                })?;
            }
            Scheme::Digest(d) => {
                // What the peer's parser (and ours) would refuse, we do not send.
                if creds.username.len() > params::MAX_PARAM_LEN || target.len() > params::MAX_PARAM_LEN {
                    return Err(AuthError::TooLong { what: "username or uri" });
                }
                d.nc = d.nc.checked_add(1).ok_or(AuthError::Rejected)?;
                let mut nc_hex = [0u8; 8];
                for (i, c) in nc_hex.iter_mut().enumerate() {
                    *c = b"0123456789abcdef"[((d.nc >> (28 - 4 * i)) & 0xf) as usize];
                }
                let parts = DigestParts {
                    algorithm: d.algorithm,
                    username: Value::Token(creds.username.as_bytes()),
                    realm: Value::Quoted(&d.realm),
                    password: creds.password.as_bytes(),
                    method: method.as_str().as_bytes(),
                    uri: Value::Token(target.as_bytes()),
                    nonce: Value::Quoted(&d.nonce),
                    qop: d.qop.then_some(QopParts {
                        nc: Value::Token(&nc_hex),
                        cnonce: Value::Token(&d.cnonce),
                        qop: Value::Token(b"auth"),
                    }),
                };
                let response: Hex = parts.response();
                let d = &*d;
                w.header_with("Authorization", |w| {
                    w.value(b"Digest username=\"")?;
                    write_escaped(w, creds.username.as_bytes())?;
                    w.value(b"\", realm=\"")?;
                    w.value(&d.realm)?;
                    w.value(b"\", nonce=\"")?;
                    w.value(&d.nonce)?;
                    w.value(b"\", uri=\"")?;
                    write_escaped(w, target.as_bytes())?;
                    w.value(b"\", algorithm=")?;
                    w.value(d.algorithm.name().as_bytes())?;
                    w.value(b", response=\"")?;
                    w.value(response.as_bytes())?;
                    w.value(b"\"")?;
                    if let Some(o) = &d.opaque {
                        w.value(b", opaque=\"")?;
                        w.value(o)?;
                        w.value(b"\"")?;
                    }
                    if d.qop {
                        w.value(b", qop=auth, nc=")?;
                        w.value(&nc_hex)?;
                        w.value(b", cnonce=\"")?;
                        w.value(&d.cnonce)?;
                        w.value(b"\"")?;
                    }
                    Ok(())
                })?;
            }
        }
        self.answered = true;
        Ok(())
    }
}

fn write_escaped(w: &mut HeadWriter<'_>, v: &[u8]) -> Result<(), crate::http::HttpError> {
    for piece in v.split_inclusive(|&b| b == b'"' || b == b'\\') {
        match piece.split_last() {
            Some((&last, head)) if last == b'"' || last == b'\\' => {
                w.value(head)?;
                w.value(&[b'\\', last])?;
            }
            _ => w.value(piece)?,
        }
    }
    Ok(())
}

/// The client state for one Digest challenge, and its `stale` flag.
fn digest_state(item: &params::AuthItem<'_>, random: &[u8; 16]) -> Result<(DigestState, bool), AuthError> {
    let [realm, nonce, opaque, algorithm, qop, stale, userhash] =
        params::collect(item, ["realm", "nonce", "opaque", "algorithm", "qop", "stale", "userhash"])?;
    let realm = realm.ok_or(AuthError::MissingParam { name: "realm" })?;
    let nonce = nonce.ok_or(AuthError::MissingParam { name: "nonce" })?;
    let algorithm = match algorithm {
        None => Algorithm::Md5,
        Some(a) => Algorithm::from_value(&a).ok_or(AuthError::UnsupportedAlgorithm)?,
    };
    if userhash.is_some_and(|u| u.eq_ignore_case(b"true")) {
        return Err(AuthError::UserhashUnsupported);
    }
    let qop = match qop {
        None => false,
        Some(q) => {
            let mut buf = [0u8; 64];
            let list = q.unescape_into(&mut buf).ok_or(AuthError::TooLong { what: "qop" })?;
            if !list.split(|&b| b == b',').any(|t| crate::http::head::trim(t) == b"auth") {
                return Err(AuthError::UnsupportedQop);
            }
            true
        }
    };
    let stale = stale.is_some_and(|s| s.eq_ignore_case(b"true"));
    let keep = |v: Value<'_>| -> Result<Vec<u8, MAX_CHALLENGE_VALUE>, AuthError> {
        Vec::from_slice(v.raw()).map_err(|_| AuthError::TooLong { what: "challenge value" })
    };
    let mut cnonce = [0u8; 32];
    cnonce.copy_from_slice(Hex::encode(random).as_bytes());
    let state = DigestState {
        algorithm,
        realm: keep(realm)?,
        nonce: keep(nonce)?,
        opaque: opaque.map(keep).transpose()?,
        qop,
        nc: 0,
        cnonce,
    };
    Ok((state, stale))
}
