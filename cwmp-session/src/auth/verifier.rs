//! The server side: issues Digest challenges and verifies `Authorization`
//! headers (the CPE's connection-request listener, the ACS). Also Basic
//! verification, for an ACS behind TLS (never on the connection-request
//! listener: TR-069 asks for Digest there).
//!
//! Nonces are 16 bytes of caller randomness in hex, each kept in a fixed
//! table with its issue time and the highest `nc` seen. A nonce evicted from
//! the full table, or older than the lifetime, is no longer accepted (fails
//! closed; the client is told `stale` when its digest was otherwise right).
//! An unknown user is checked against a dummy secret, so it fails exactly
//! like a wrong password, with the same work. Digests are compared in
//! constant time after hex decoding to fixed length.

use super::AuthError;
use super::base64;
use super::hash::{Algorithm, DigestParts, Hex, QopParts, ct_eq, hex_decode};
use super::params::{self, Value};
use crate::http::HttpError;
use crate::http::write::HeadWriter;

/// The outcome of a successful check (failures are `Err(AuthError)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Verdict {
    /// The request is authenticated.
    Authorized,
    /// The digest was right but its nonce expired or was evicted: answer 401
    /// with a fresh challenge and `stale=true`.
    Stale,
}

/// Settings of a verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct VerifierConfig<'a> {
    /// The realm announced and required.
    pub realm: &'a str,
    /// The algorithm announced and required.
    pub algorithm: Algorithm,
    /// Seconds a nonce stays valid after it is issued.
    pub nonce_lifetime: u64,
    /// Accept users whose password is empty (off by default: refused).
    pub allow_empty_password: bool,
}

impl VerifierConfig<'_> {
    /// MD5, 300 s nonces, empty passwords refused.
    pub const fn new(realm: &str) -> VerifierConfig<'_> {
        VerifierConfig { realm, algorithm: Algorithm::Md5, nonce_lifetime: 300, allow_empty_password: false }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
struct Slot {
    nonce: [u8; 32],
    issued: u64,
    last_nc: u32,
    live: bool,
}

/// Longest user name or password a verifier handles.
pub const MAX_SECRET_LEN: usize = 128;

/// A password returned by the caller's lookup.
pub trait Secret {
    /// The password bytes.
    fn bytes(&self) -> &[u8];
}

impl<T: AsRef<[u8]>> Secret for T {
    fn bytes(&self) -> &[u8] {
        self.as_ref()
    }
}

/// Digest verifier with a table of `SLOTS` outstanding nonces. Plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestVerifier<const SLOTS: usize = 8> {
    slots: [Slot; SLOTS],
}

impl<const SLOTS: usize> Default for DigestVerifier<SLOTS> {
    fn default() -> Self {
        DigestVerifier { slots: [Slot::default(); SLOTS] }
    }
}

impl<const SLOTS: usize> DigestVerifier<SLOTS> {
    /// An empty nonce table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Issues a nonce (from `random`, at time `now` in seconds) and writes the
    /// `WWW-Authenticate: Digest …` header line. When the table is full the
    /// oldest nonce is evicted (and stops being accepted).
    pub fn challenge(
        &mut self,
        cfg: &VerifierConfig<'_>,
        now: u64,
        random: &[u8; 16],
        stale: bool,
        w: &mut HeadWriter<'_>,
    ) -> Result<(), HttpError> {
        let mut nonce = [0u8; 32];
        nonce.copy_from_slice(Hex::encode(random).as_bytes());
        let expired = |s: &Slot| !s.live || now.saturating_sub(s.issued) > cfg.nonce_lifetime;
        let idx = self
            .slots
            .iter()
            .position(expired)
            .or_else(|| self.slots.iter().enumerate().min_by_key(|(_, s)| s.issued).map(|(i, _)| i));
        if let Some(slot) = idx.and_then(|i| self.slots.get_mut(i)) {
            *slot = Slot { nonce, issued: now, last_nc: 0, live: true };
        }
        if cfg.realm.bytes().any(|b| b == b'"' || b == b'\\') {
            return Err(HttpError::InvalidHeader { what: "quote in realm" });
        }
        w.header_with("WWW-Authenticate", |w| {
            w.value(b"Digest realm=\"")?;
            w.value(cfg.realm.as_bytes())?;
            w.value(b"\", qop=\"auth\", nonce=\"")?;
            w.value(&nonce)?;
            w.value(b"\", algorithm=")?;
            w.value(cfg.algorithm.name().as_bytes())?;
            if stale {
                w.value(b", stale=true")?;
            }
            Ok(())
        })
    }

    /// Verifies the `Authorization` header of a request with `method` and
    /// `target` (as in its request line) at time `now`. `lookup` maps a user
    /// name to its password; `None` (unknown user) fails like a wrong one.
    /// `Err` means not authenticated: answer 401 with a fresh challenge.
    pub fn verify<P: Secret>(
        &mut self,
        cfg: &VerifierConfig<'_>,
        now: u64,
        method: &str,
        target: &str,
        authorization: &[u8],
        lookup: impl FnOnce(&str) -> Option<P>,
    ) -> Result<Verdict, AuthError> {
        let mut items = params::items(authorization);
        let item = items.next().ok_or(AuthError::Malformed { at: 0, what: "empty Authorization" })??;
        if items.next().is_some() {
            return Err(AuthError::Malformed { at: 0, what: "several credentials" });
        }
        if !item.is("Digest") {
            return Err(AuthError::WrongScheme);
        }
        let [username, realm, nonce, uri, response, algorithm, qop, nc, cnonce, userhash] = params::collect(
            &item,
            ["username", "realm", "nonce", "uri", "response", "algorithm", "qop", "nc", "cnonce", "userhash"],
        )?;
        fn req<'v>(v: Option<Value<'v>>, name: &'static str) -> Result<Value<'v>, AuthError> {
            v.ok_or(AuthError::MissingParam { name })
        }
        let (username, realm, nonce, uri, response) = (
            req(username, "username")?,
            req(realm, "realm")?,
            req(nonce, "nonce")?,
            req(uri, "uri")?,
            req(response, "response")?,
        );
        let (qop, nc, cnonce) = (req(qop, "qop")?, req(nc, "nc")?, req(cnonce, "cnonce")?);
        if userhash.is_some_and(|u| !u.eq_ignore_case(b"false")) {
            return Err(AuthError::UserhashUnsupported);
        }
        let alg = algorithm.map_or(Some(Algorithm::Md5), |a| Algorithm::from_value(&a));
        if alg != Some(cfg.algorithm) {
            return Err(AuthError::UnsupportedAlgorithm);
        }
        if !qop.eq_bytes(b"auth") {
            return Err(AuthError::UnsupportedQop);
        }
        if !realm.eq_bytes(cfg.realm.as_bytes()) {
            return Err(AuthError::Rejected);
        }
        if !uri.eq_bytes(target.as_bytes()) {
            return Err(AuthError::UriMismatch);
        }
        let nc_value = parse_nc(nc.raw()).ok_or(AuthError::Malformed { at: 0, what: "nc" })?;
        // The response, hex-decoded to exactly the algorithm's length.
        let mut got = [0u8; 32];
        let len = hex_decode(response.raw(), &mut got).ok_or(AuthError::Rejected)?;
        if len != cfg.algorithm.digest_len() {
            return Err(AuthError::Rejected);
        }
        let slot = self.slots.iter().position(|s| s.live && nonce.eq_bytes(&s.nonce));
        if let Some(s) = slot.and_then(|i| self.slots.get(i))
            && nc_value <= s.last_nc
        {
            return Err(AuthError::Replay);
        }
        let mut user_buf = [0u8; MAX_SECRET_LEN];
        let user = username.unescape_into(&mut user_buf).and_then(|u| core::str::from_utf8(u).ok());
        let secret = user.and_then(lookup);
        let known = secret.as_ref().is_some_and(|s| cfg.allow_empty_password || !s.bytes().is_empty());
        // Unknown users are checked against a dummy secret: same work, and
        // the comparison below cannot succeed (`known` is false).
        let password = secret.as_ref().map_or(&b"\x00unknown-user\x00"[..], |s| s.bytes());
        let expected = DigestParts {
            algorithm: cfg.algorithm,
            username,
            realm,
            password,
            method: method.as_bytes(),
            uri,
            nonce,
            qop: Some(QopParts { nc, cnonce, qop }),
        }
        .response();
        let mut want = [0u8; 32];
        let want_len = hex_decode(expected.as_bytes(), &mut want).unwrap_or(0);
        let equal = ct_eq(&got, &want) && want_len == len;
        if !(equal && known) {
            return Err(AuthError::Rejected);
        }
        match slot.and_then(|i| self.slots.get_mut(i)) {
            Some(s) if now.saturating_sub(s.issued) <= cfg.nonce_lifetime => {
                s.last_nc = nc_value;
                Ok(Verdict::Authorized)
            }
            Some(s) => {
                s.live = false;
                Ok(Verdict::Stale)
            }
            None => Ok(Verdict::Stale),
        }
    }
}

/// `nc`: exactly 8 hex digits.
fn parse_nc(v: &[u8]) -> Option<u32> {
    if v.len() != 8 {
        return None;
    }
    v.iter().try_fold(0u32, |acc, &b| Some((acc << 4) | char::from(b).to_digit(16)?))
}

/// Verifies `Authorization: Basic …` (RFC 7617). For an ACS over TLS only;
/// the connection-request listener must use Digest. Unknown users fail like
/// wrong passwords; passwords are compared in constant time after padding
/// to [`MAX_SECRET_LEN`] bytes (longer ones are refused).
pub fn verify_basic<P: Secret>(
    authorization: &[u8],
    allow_empty_password: bool,
    lookup: impl FnOnce(&str) -> Option<P>,
) -> Result<Verdict, AuthError> {
    let mut items = params::items(authorization);
    let item = items.next().ok_or(AuthError::Malformed { at: 0, what: "empty Authorization" })??;
    if !item.is("Basic") || items.next().is_some() {
        return Err(AuthError::WrongScheme);
    }
    let token = item.token68.ok_or(AuthError::Malformed { at: 0, what: "Basic token" })?;
    let mut buf = [0u8; 2 * MAX_SECRET_LEN + 1];
    let decoded = base64::decode(token, &mut buf).ok_or(AuthError::Malformed { at: 0, what: "base64" })?;
    let colon = decoded.iter().position(|&b| b == b':').ok_or(AuthError::Malformed { at: 0, what: "no colon" })?;
    let user = decoded.get(..colon).and_then(|u| core::str::from_utf8(u).ok());
    let given = decoded.get(colon + 1..).unwrap_or(&[]);
    let secret = user.and_then(lookup);
    let known = secret.as_ref().is_some_and(|s| allow_empty_password || !s.bytes().is_empty());
    let stored = secret.as_ref().map_or(&b"\x00unknown-user\x00"[..], |s| s.bytes());
    let equal = secret_eq(given, stored);
    if equal && known { Ok(Verdict::Authorized) } else { Err(AuthError::Rejected) }
}

/// Equality of a given and a stored secret (at most [`MAX_SECRET_LEN`]
/// bytes; longer never equal): a fixed-length, zero-padded comparison, so
/// the time does not depend on where they differ; the lengths are compared
/// separately (one integer compare).
pub(crate) fn secret_eq(given: &[u8], stored: &[u8]) -> bool {
    let (Some(a), Some(b)) = (padded(given), padded(stored)) else {
        return false;
    };
    ct_eq(&a, &b) & (given.len() == stored.len())
}

/// `v` zero-padded to [`MAX_SECRET_LEN`] bytes, or `None` when longer.
fn padded(v: &[u8]) -> Option<[u8; MAX_SECRET_LEN]> {
    let mut out = [0u8; MAX_SECRET_LEN];
    out.get_mut(..v.len())?.copy_from_slice(v);
    Some(out)
}
